"""Records -> N-Quads: the curated graph, the ontology, the extracted graph and the date index.

IRIs are minted by kgraph.terms: IRIs are `https://w3id.org/kgraph/id/<kind>/<record id>`; record ids are
unique across all files (records.py checks), kinds are distinct path segments,
and `IriMinter` refuses to mint one IRI for two different things, so two
records can never share an IRI. Web sources keep their own URL as IRI.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from datetime import date

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kgraph.names import search_key
from kgraph.namespaces import (
    ID, CURATED_GRAPH, EXTRACTED_GRAPH, GEO, INDEX_GRAPH, KGI, KGO, ONTOLOGY_GRAPH, ORG, PKIND, PREFIXES, ROLE, SCHEMA, UNDATED, WD,
)
from kgraph.namespaces import TermCache
from kgraph.records import (
    Document, Event, Organisation, PartialDate, Partnership, Person, Place, Post, Records,
)
from kgraph.progress import Progress, silent
from kgraph.store import QuadLines
from kgraph.terms import TRUE, IriMinter, held_in, day_literal, decimal, from_rdflib, literal_for_date, quad_adder, text, typed
from kgraph.extracted import add_extracted_graph
from kgraph.vocab import ontology_graph, superclasses

# the namespaces the writers below read a term of for every triple, each term made once
DCTERMS, GEO, KGI, KGO, ORG, RDF, RDFS, SCHEMA, SKOS = map(TermCache, (DCTERMS, GEO, KGI, KGO, ORG, RDF, RDFS, SCHEMA, SKOS))

__all__ = ["build_quads", "build_dataset", "build_curated_graph", "BuiltGraph", "RecordIris", "EventIndexer", "KIND_OF",
           "preferred_claims", "extracted_counts", "curated_iris", "bucket_key", "write_event_entries", "write_bucket",
           "event_days", "BUCKET_MAX", "post_period", "write_post_entries", "add_post_index"]

PLACE_CLASSES = {"city": KGO.City, "country": KGO.Country, "region": KGO.Region}
EVENT_CLASSES = {
    "visit": KGO.Visit, "delegation": KGO.Delegation, "exchange": KGO.Exchange, "festival": KGO.Festival,
    "council-session": KGO.CouncilSession, "exhibition": KGO.Exhibition, "conference": KGO.Conference,
}
DOCUMENT_CLASSES = {
    "news-listing": KGO.NewsListing, "news-item": KGO.NewsItem, "interpellation": KGO.Interpellation,
    "reply": KGO.Reply, "web-page": KGO.WebPage,
}
KIND_OF = {Place: "place", Organisation: "organisation", Person: "person", Event: "event", Partnership: "partnership",
           Document: "document"}


class RecordIris:
    """The IRI of a record id or cited URL, minted on first use (a build that writes a few records mints a few IRIs)."""

    def __init__(self, records: Records, minter: IriMinter):
        self.records, self.mint = records, minter
        self._iri: dict[str, URIRef] = {}
        self._record_of: dict[URIRef, str] = {}

    def __call__(self, ref: str) -> URIRef:
        node = self._iri.get(ref)
        if node is None:
            record = self.records.entity(ref)
            if record is not None:
                node = self._iri[ref] = self.mint.record(KIND_OF[type(record)], ref)
                self._record_of[node] = ref
            else:
                node = self._iri[ref] = self.mint.web_page(ref)
        return node

    def record_id(self, node: URIRef) -> str | None:
        """The id of the curated record `node` is the IRI of, or None (an extraction candidate)."""
        known = self._record_of.get(node)
        if known is not None:
            return known
        kind, _, record_id = str(node)[len(ID):].partition("/")
        record = self.records.entity(record_id)
        return record_id if record is not None and KIND_OF[type(record)] == kind and str(node).startswith(ID) else None


class _GraphWriter:
    """Adds the triples of each record kind to one graph."""

    def __init__(self, add, records: Records, iris: RecordIris):
        self.add, self.records, self.iri, self.mint = add, records, iris, iris.mint
        self.role_labels, self.kind_labels = _concept_labels(ROLE), _concept_labels(PKIND)

    def record(self, record, preferred: set[str]):
        """The triples of one record (a partnership is marked kgo:preferred when its id is in `preferred`)."""
        kind = KIND_OF[type(record)]
        if kind == "person":
            self.person(record, self.role_labels)
        elif kind == "partnership":
            self.partnership(record, record.id in preferred, self.kind_labels)
        else:
            getattr(self, kind)(record)

    def names(self, node: URIRef, labels: dict[str, str], aliases=(), extra_keys=()):
        for lang, label in labels.items():
            self.add(node, RDFS.label, text(label, lang))
        for alias in aliases:
            self.add(node, SKOS.altLabel, text(alias))
        for key in sorted({search_key(t) for t in (*labels.values(), *aliases, *extra_keys) if t}):
            self.add(node, KGO.searchKey, text(key))

    def provenance(self, node: URIRef, record):
        """A record's sources, note and the evidence it was accepted from."""
        self.sources(node, record.sources)
        self.note(node, record.note)
        self.evidence(node, record.evidence)

    def sources(self, node: URIRef, sources):
        for source in sources:
            self.add(node, DCTERMS.source, self.iri(source))

    def note(self, node: URIRef, note: str | None):
        if note:
            self.add(node, RDFS.comment, text(note, "en"))

    def evidence(self, node: URIRef, evidence):
        """The words a reviewed fact was accepted from (kgraph review), as extracted facts keep theirs."""
        for each in evidence:
            self.add(node, KGO.evidence, text(each.sentence, "pl"))
            self.add(node, DCTERMS.source, self.iri(each.document))

    def types(self, node: URIRef, cls: URIRef):
        for each in superclasses(cls):
            self.add(node, RDF.type, each)

    # --- record kinds -----------------------------------------------------

    def place(self, place: Place):
        node = self.iri(place.id)
        self.types(node, PLACE_CLASSES[place.type])
        self.names(node, place.labels, place.aliases)
        if place.country:
            self.add(node, SCHEMA.containedInPlace, self.iri(place.country))
        if place.lat is not None:
            self.add(node, GEO.lat, decimal(place.lat))
            self.add(node, GEO.long, decimal(place.long))
        if place.wikidata:
            self.add(node, SKOS.exactMatch, WD[place.wikidata])
        for qid in place.wikidata_close:
            self.add(node, SKOS.closeMatch, WD[qid])
        self.provenance(node, place)

    def organisation(self, org: Organisation):
        node = self.iri(org.id)
        self.types(node, KGO.Organisation)
        self.names(node, org.labels, org.aliases)
        if org.location:
            self.add(node, SCHEMA.location, self.iri(org.location))
        if org.part_of:
            self.add(node, ORG.subOrganizationOf, self.iri(org.part_of))
        self.provenance(node, org)

    def person(self, person: Person, role_labels: dict):
        node = self.iri(person.id)
        self.types(node, KGO.Person)
        extra = [person.family_name] if person.family_name else []
        self.names(node, person.labels, person.aliases, extra)
        self.add(node, SCHEMA.givenName, text(person.given_name) if person.given_name else None)
        self.add(node, SCHEMA.familyName, text(person.family_name) if person.family_name else None)
        self.provenance(node, person)
        for post in person.posts:
            self.post(node, person, post, role_labels)

    def post(self, person_node: URIRef, person: Person, post: Post, role_labels: dict):
        node = self.mint.post(person.id, post)
        self.types(node, KGO.PostHolding)
        self.add(node, ORG.member, person_node)
        self.add(node, ORG.role, ROLE[post.role])
        self.add(node, KGO.postOf, self.iri(post.of))
        of_labels = self.records.entity(post.of).labels
        for lang in ("pl", "en"):
            self.add(node, RDFS.label, text(f"{person.labels[lang]}: {role_labels[lang][post.role]}, {of_labels[lang]}", lang))
        if post.start:
            self.add(node, SCHEMA.startDate, literal_for_date(post.start))
        if post.end:
            self.add(node, SCHEMA.endDate, literal_for_date(post.end))
        for day in post.attested:
            self.add(node, KGO.attestedOn, literal_for_date(day))
        start, end = post_period(post)
        if start:
            self.add(node, KGO.periodStart, day_literal(start))
        if end:
            self.add(node, KGO.periodEnd, day_literal(end))
        self.provenance(node, post)

    def event(self, event: Event):
        node = self.iri(event.id)
        self.types(node, EVENT_CLASSES[event.type])
        self.names(node, event.labels)
        if event.start:
            self.add(node, SCHEMA.startDate, literal_for_date(event.start))
            self.add(node, SCHEMA.endDate, literal_for_date(event.end or event.start))
        if event.not_after:
            self.add(node, KGO.notAfter, literal_for_date(event.not_after) if event.not_after.precision == "day"
                     else day_literal(event.not_after.last_day()))
        self.add(node, SCHEMA.location, self.iri(event.location))
        for ref in event.visitors:
            self.add(node, KGO.visitor, self.iri(ref))
            self.add(node, KGO.participant, self.iri(ref))
        for ref in event.hosts:
            self.add(node, KGO.host, self.iri(ref))
            self.add(node, KGO.participant, self.iri(ref))
        for ref in event.participants:
            self.add(node, KGO.participant, self.iri(ref))
        if event.part_of:
            self.add(node, SCHEMA.superEvent, self.iri(event.part_of))
        self.provenance(node, event)

    def partnership(self, claim: Partnership, preferred: bool, kind_labels: dict):
        node = self.iri(claim.id)
        self.types(node, KGO.Partnership)
        a, b = (self.records.entity(ref) for ref in claim.between)
        for lang in ("pl", "en"):
            since = f", {claim.since.lexical}" if claim.since else ""
            self.add(node, RDFS.label, text(f"{a.labels[lang]} – {b.labels[lang]} ({kind_labels[lang][claim.kind]}{since})", lang))
        for ref in claim.between:
            self.add(node, KGO.between, self.iri(ref))
        self.add(node, KGO.kind, PKIND[claim.kind])
        if claim.since:
            self.add(node, KGO.since, literal_for_date(claim.since))
        if preferred:
            self.add(node, KGO.preferred, TRUE)
        self.provenance(node, claim)

    def document(self, doc: Document):
        node = self.iri(doc.id)
        self.types(node, DOCUMENT_CLASSES[doc.type])
        self.names(node, doc.labels)
        if doc.date:
            self.add(node, DCTERMS.date, literal_for_date(doc.date))
        if doc.url:
            self.add(node, SCHEMA.url, typed(doc.url, XSD.anyURI))
        if doc.text_file:
            self.add(node, KGO.textFile, text(doc.text_file))
        for attr, prop in (("part_of", DCTERMS.isPartOf), ("author", SCHEMA.author),
                           ("addressee", KGO.addressee), ("reply_to", KGO.replyTo)):
            ref = getattr(doc, attr)
            if ref:
                self.add(node, prop, self.iri(ref))
        if doc.subject:
            self.add(node, KGO.subjectLine, text(doc.subject, "pl"))
        for number in doc.reference_numbers:
            self.add(node, KGO.referenceNumber, text(number))
        for ref in doc.mentions:
            self.add(node, SCHEMA.mentions, self.iri(ref))
        self.sources(node, doc.sources)
        self.note(node, doc.note)

    def web_page(self, url: str):
        node = self.iri(url)
        self.types(node, KGO.WebPage)
        self.add(node, SCHEMA.url, typed(url, XSD.anyURI))


def preferred_claims(partnerships: list[Partnership]) -> set[str]:
    """Ids of the claims marked kgo:preferred: per pair and kind, among dated
    claims, the one with the most sources, then the earliest (kgo:Partnership)."""
    groups: dict[tuple, list[Partnership]] = defaultdict(list)
    for claim in partnerships:
        if claim.since:
            groups[(frozenset(claim.between), claim.kind)].append(claim)
    return {min(group, key=lambda c: (-len(c.sources), c.since.first_day(), c.id)).id for group in groups.values()}


@cache
def _concept_labels(namespace) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {"pl": {}, "en": {}}
    prefix = str(namespace)
    for s, label in ontology_graph().subject_objects(RDFS.label):
        if str(s).startswith(prefix) and label.language in labels:
            labels[label.language][str(s)[len(prefix):]] = str(label)
    return labels


def _write_curated(add, records: Records, iris: RecordIris, progress: Progress = silent) -> None:
    writer = _GraphWriter(add, records, iris)
    for url in records.web_sources():
        writer.web_page(url)
    preferred = preferred_claims(records.partnerships)
    total = sum(len(group) for group in (records.places, records.organisations, records.people, records.events,
                                         records.partnerships, records.documents))
    for record in progress(records.all(), total=total, what="records"):
        writer.record(record, preferred)


def build_curated_graph(records: Records) -> Graph:
    """The curated facts of `records` as an rdflib Graph (no ontology triples), e.g. for SHACL."""
    sink = QuadLines()
    _write_curated(quad_adder(sink, CURATED_GRAPH), records, RecordIris(records, IriMinter()))
    return _parse(sink.text()).graph(CURATED_GRAPH)


def curated_graph_of(records: Records, ids) -> tuple[Graph, list[URIRef]]:
    """The curated triples of the records `ids`, with the rdf:type of every record and web page they name,
    and the nodes they describe: what SHACL checks of an incremental build (the shapes look no further than
    a node's own triples and the classes of what it names)."""
    sink, types = QuadLines(), QuadLines()
    writer = _GraphWriter(quad_adder(sink, CURATED_GRAPH), records, RecordIris(records, IriMinter()))
    preferred = preferred_claims(records.partnerships)
    for record_id in sorted(ids):
        if (record := records.entity(record_id)) is not None:
            writer.record(record, preferred)
    own = _parse(sink.text()).graph(CURATED_GRAPH)
    add_type = quad_adder(types, CURATED_GRAPH)
    writer.add = lambda s, p, o: add_type(s, p, o) if p == RDF.type else None  # noqa: E731
    cited = set(own.objects(predicate=DCTERMS.source))
    for node in sorted({o for o in own.objects() if isinstance(o, URIRef)}):
        if (record_id := writer.iri.record_id(node)) is not None:
            writer.record(records.entity(record_id), preferred)
        elif node in cited:
            writer.web_page(str(node))
    graph = own + _parse(types.text()).graph(CURATED_GRAPH) if types.lines else own
    return graph, sorted(set(own.subjects()))


def event_days(start: PartialDate | None, end: PartialDate | None, not_after: PartialDate | None):
    """(sort day, end day) of an event: its first and last day when dated, else the
    day it was reported by (notAfter); (None, None) when nothing dates it."""
    if start:
        return start.first_day(), (end or start).last_day()
    if not_after:
        return not_after.last_day(), not_after.last_day()
    return None, None


# A month with more events than this is split into one bucket per day, so the pager
# reads about a page of events per bucket, not a whole month of a very large graph.
BUCKET_MAX = 100


def bucket_key(sort_day: date | None, per_month: Counter) -> str:
    """The date bucket of an event first dated `sort_day`: its month, its day in a busy month, or 'undated'."""
    if sort_day is None:
        return UNDATED
    month = sort_day.strftime("%Y-%m")
    return sort_day.isoformat() if per_month[month] > BUCKET_MAX else month


def write_event_entries(add, minter: IriMinter, event: tuple, key: str) -> None:
    """The index triples of one event tuple (see add_event_index) in date bucket `key`."""
    node, start, end, not_after, entities, cls = event
    sort_day, end_day = event_days(start, end, not_after)
    add(node, KGI.type, cls)
    add(node, KGI.entry, minter.bucket(key))
    for entity in entities:
        add(node, KGI.entry, entity)
    if sort_day:
        add(node, KGI.sortDay, day_literal(sort_day))
        add(node, KGI.endDay, day_literal(end_day))


def post_period(post: Post) -> tuple[date | None, date | None]:
    """The bounds of "who held the post on day D" (kgo:periodStart/periodEnd): the term's first and last
    day, else the first and last day the post is attested; a start and no end is a post still held."""
    start = post.start.first_day() if post.start else min((d.first_day() for d in post.attested), default=None)
    if post.end:
        end = post.end.last_day()
    elif not post.start:
        end = max((d.last_day() for d in post.attested), default=None)
    else:
        end = None
    return start, end


def write_post_entries(add, node, role_id: str, start: date | None, end: date | None) -> None:
    """The post index of one post: kgi:heldIn its role's entry of every year from its start to its end, or its
    role's open entry when only one bound is known (a post without dates is held on no day). `posts` with a
    role and a day then reads the posts filed under that day's year and the open ones, and tests their bounds,
    rather than testing the bounds of every post of the role (10^6 triples: 1,629 -> 797 posts)."""
    if start and end:
        for year in range(start.year, end.year + 1):
            add(node, KGI.heldIn, held_in(role_id, year))
    elif start or end:
        add(node, KGI.heldIn, held_in(role_id, None))


def add_post_index(add, people, minter: IriMinter, extracted_posts=()) -> None:
    """The post index (write_post_entries) of the posts of `people` and of extracted posts,
    (node, role id, start, end) tuples."""
    for person in people:
        for post in person.posts:
            write_post_entries(add, minter.post(person.id, post), post.role, *post_period(post))
    for node, role_id, start, end in extracted_posts:
        write_post_entries(add, node, role_id, start, end)


def write_bucket(add, minter: IriMinter, key: str, latest_end: date | None) -> None:
    bucket = minter.bucket(key)
    add(bucket, RDF.type, KGI.Bucket)
    add(bucket, KGI.key, text(key))
    if latest_end:
        add(bucket, KGI.latestEnd, day_literal(latest_end))


def add_event_index(add, events, minter: IriMinter) -> Counter:
    """The date index of `events`: (iri, start, end, not_after, entity iris, class) tuples.
    Returns the number of events of each month (what decides which months are split into days).

    Each event gets kgi:sortDay and kgi:endDay (xsd:date, comparable whatever
    the precision of its schema:startDate), and kgi:entry links to its date bucket
    (its month, or its day in a month of more than BUCKET_MAX events) and to every
    entity it involves (place and its country, visitors, hosts, participants, the
    cities the visitors come from). Paged queries start from one entry (LATERAL),
    so the engine reads one bucket's events, or one person's, instead of sorting
    them all; a bucket knows the latest end day of its events, so date windows skip it. kgi:type is the
    event's own class (the most specific one): a query reads it instead of walking rdfs:subClassOf,
    which some engines (Virtuoso 7) evaluate wrongly next to an OPTIONAL.
    """
    days = [event_days(start, end, not_after) for _, start, end, not_after, _, _ in events]
    per_month = Counter(sort_day.strftime("%Y-%m") for sort_day, _ in days if sort_day)
    latest: dict[str, date | None] = {}
    for event, (sort_day, end_day) in zip(events, days):
        key = bucket_key(sort_day, per_month)
        write_event_entries(add, minter, event, key)
        latest[key] = max(filter(None, (latest.get(key), end_day)), default=None)
    for key, end_day in latest.items():
        write_bucket(add, minter, key, end_day)
    return per_month


def origin_cities(records: Records, agent_id: str) -> set[str]:
    """Where an agent comes from: a city itself, a body's seat, the seat of a
    person's posts (the who-visited-where `origin` filter reads these as kgi:from)."""
    def seat(ref: str) -> str | None:
        record = records.entity(ref)
        return ref if isinstance(record, Place) else getattr(record, "location", None)
    record = records.entity(agent_id)
    if isinstance(record, Person):
        return {city for post in record.posts if (city := seat(post.of))}
    return {city} if (city := seat(agent_id)) else set()


class EventIndexer:
    """The index tuples of events (what add_event_index reads) and the cities agents come from (kgi:from)."""

    def __init__(self, records: Records, iris: RecordIris):
        self.records, self.iri = records, iris
        self._homes: dict[URIRef, list[URIRef]] = {}

    def home_cities(self, node: URIRef) -> list[URIRef]:
        homes = self._homes.get(node)
        if homes is None:
            record_id = self.iri.record_id(node)
            # an extraction candidate: nothing known of where it is from
            homes = [] if record_id is None else [self.iri(city) for city in sorted(origin_cities(self.records, record_id))]
            self._homes[node] = homes
        return homes

    def involved(self, place: URIRef | None, visitors, others=()) -> list[URIRef]:
        place_id = self.iri.record_id(place) if place is not None else None
        country = getattr(self.records.entity(place_id), "country", None) if place_id else None
        nodes = (place, self.iri(country) if country else None, *visitors, *others,
                 *(city for v in visitors for city in self.home_cities(v)))
        return list(dict.fromkeys(filter(None, nodes)))

    def curated(self, e: Event) -> tuple:
        return (self.iri(e.id), e.start, e.end, e.not_after,
                self.involved(self.iri(e.location) if e.location else None, [self.iri(r) for r in e.visitors],
                              [self.iri(r) for r in (*e.hosts, *e.participants)]),
                EVENT_CLASSES[e.type])

    def extracted(self, node, start, end, not_after, place, visitors) -> tuple:
        return node, start, end, not_after, self.involved(place, visitors), KGO.Visit

    def write_origins(self, add, agent: URIRef) -> None:
        for city in self.home_cities(agent):
            add(agent, KGI["from"], city)


def extracted_counts(stats) -> dict[str, int]:
    """The manifest's counts of an extracted graph (ExtractedStats)."""
    return {"extracted texts": stats.documents, "extracted candidates": stats.candidates,
            **{f"extracted {kind}": n for kind, n in sorted(stats.added.items())},
            **{f"already curated {kind}": n for kind, n in sorted(stats.already_curated.items())}}


def curated_iris(records: Records, iris: RecordIris) -> dict[str, URIRef]:
    """IRIs of the records extracted facts link to (places, organisations, people), by id."""
    return {r.id: iris(r.id) for group in (records.places, records.organisations, records.people) for r in group}


@dataclass
class BuiltGraph:
    stats: object  # ExtractedStats of the extracted graph, or None
    per_month: Counter  # events a month, for the next incremental build's date buckets


def build_quads(records: Records, sink: QuadLines, extractions: list[dict] | None = None,
                progress: Progress = silent) -> BuiltGraph:
    """Write into `sink` the ontology, the curated facts, the extracted facts (when `extractions`
    are given) and the date index, each in its own named graph, as N-Quads lines; the same
    records give the same lines in the same order."""

    add = quad_adder(sink, ONTOLOGY_GRAPH)
    for s, p, o in sorted(ontology_graph()):
        add(s, p, from_rdflib(o))
    minter = IriMinter()
    iris = RecordIris(records, minter)  # one for the curated graph and the index: each IRI made once
    _write_curated(quad_adder(sink, CURATED_GRAPH), records, iris, progress)
    indexer = EventIndexer(records, iris)
    events = [indexer.curated(e) for e in records.events]
    visitors = dict.fromkeys(indexer.iri(ref) for e in records.events for ref in e.visitors)
    stats, extracted_posts = None, []
    if extractions is not None:
        stats, extracted_events, extracted_posts = add_extracted_graph(
            quad_adder(sink, EXTRACTED_GRAPH), extractions, records, minter, curated_iris(records, indexer.iri))
        events += [indexer.extracted(*event) for event in extracted_events]
        visitors.update(dict.fromkeys(v for *_, event_visitors in extracted_events for v in event_visitors))
    add = quad_adder(sink, INDEX_GRAPH)
    per_month = add_event_index(add, events, minter)
    for agent in visitors:
        indexer.write_origins(add, agent)
    add_post_index(add, records.people, minter, extracted_posts)
    return BuiltGraph(stats, per_month)


def _parse(nquads: str) -> Dataset:
    dataset = Dataset()
    for prefix, ns in PREFIXES.items():
        dataset.bind(prefix, ns, override=True)
    return dataset.parse(data=nquads, format="nquads")


def build_dataset(records: Records) -> Dataset:
    """Ontology, curated facts and the date index, each in its own named graph, as an rdflib Dataset."""
    sink = QuadLines()
    build_quads(records, sink)
    return _parse(sink.text())
