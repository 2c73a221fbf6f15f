"""Extraction records (kgraph extract's JSON Lines) -> the extracted graph, with provenance.

Each text becomes a kgo:Document; each visit sentence one kgo:Visit with all
its visitors; each post a kgo:PostHolding attested on the text's date; each
partnership cue a kgo:Partnership claim. Every such fact has dct:source and
prov:wasDerivedFrom (the text), prov:wasAttributedTo (the extractor version),
and kgo:evidence/charStart/charEnd/confidence/rule (the exact words).

Entities the extractor linked to curated records keep their curated IRIs;
candidates get IRIs minted from their canonical name, so the same name in two
texts is one node. Curated facts win: a visit by the same visitor to the same
place in the same month, a post the curated person already holds, or a
partnership between a pair the records already partner, is left out and
counted as `already_curated`.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kgraph.progress import silent
from kgraph.terms import IriMinter, day_literal, decimal, literal_for_date, text, typed
from kgraph.errors import ReadError
from kgraph.files import read_json_lines
from kgraph.names import search_key
from kgraph.namespaces import GEO, KGO, ORG, PKIND, ROLE, SCHEMA
from kgraph.records import PartialDate, Records, parse_date
from kgraph.vocab import partnership_kind_ids, role_ids, superclasses

__all__ = ["ExtractedStats", "load_extractions", "read_extractions", "add_extracted_graph", "role_id_for", "CuratedFacts", "parse_day"]

ENTITY_CLASSES = {"Person": KGO.Person, "City": KGO.City, "Country": KGO.Country, "Organization": KGO.Organisation}
_KINDS = {"Person": "person", "City": "place", "Country": "place", "Organization": "organisation"}


@dataclass
class ExtractedStats:
    documents: int = 0
    candidates: int = 0
    added: Counter = field(default_factory=Counter)
    already_curated: Counter = field(default_factory=Counter)


def load_extractions(path: Path) -> list[dict]:
    """Records of a `kgraph extract --format jsonl` file; a bad line is named with its number."""
    records = []
    for number, record in read_json_lines(Path(path), "give the output of `kgraph extract`"):
        if not isinstance(record, dict) or not isinstance(record.get("doc"), str) or not isinstance(record.get("entities"), list):
            raise ReadError(f"{path}:{number}: not an extraction record (needs 'doc' and 'entities'); "
                            "give the output of `kgraph extract`")
        records.append(record)
    return records


def read_extractions(paths, records: Records, *, default_home: str | None = None, progress=silent) -> list[dict]:
    """Extraction records from `kgraph extract` output (*.jsonl) or from texts, read and
    extracted now (any other file; a directory stands for the files in it); `default_home` is
    the publishing town of texts that name none."""
    from kgraph.text.extract import Extractor, default_jobs, extract_paths
    from kgraph.text.readers import expand_paths

    files = expand_paths(paths)
    extractions = [record for path in files if path.suffix == ".jsonl" for record in load_extractions(path)]
    texts = [path for path in files if path.suffix != ".jsonl"]
    if texts:
        extractor = Extractor(records, default_home=default_home)
        extractions += extract_paths(texts, extractor, jobs=default_jobs(), progress=progress)
    return extractions


def parse_day(text: str | None) -> PartialDate | None:
    """A date of an extraction record, or None when missing or malformed."""
    try:
        return parse_date(text) if text else None
    except ValueError:
        return None


# Role words the extractor emits that name a post of the vocabulary differently.
_ROLE_ALIASES = {"zastepca": "zastepca-burmistrza", "zastepca-burmistrza": "zastepca-burmistrza"}


def role_id_for(label: str) -> str | None:
    """The vocabulary id of a post the extractor names ("zastępca burmistrza" -> zastepca-burmistrza), or None."""
    known = role_ids()
    key = search_key(label).replace(" ", "-")
    for candidate in (key, _ROLE_ALIASES.get(key), key.split("-")[0]):
        if candidate in known:
            return candidate
    return None


class CuratedFacts:
    """What the curated records already state, keyed the way extracted facts are: by the nodes `iri` gives
    each record id (the build's IRIs; kgraph.review passes the ids themselves)."""

    def __init__(self, records: Records, iri: dict[str, URIRef]):
        self.visits: set[tuple] = set()
        for event in records.events:
            month = event.start or event.not_after
            for visitor in event.visitors:
                if event.location and month:
                    self.visits.add((iri[visitor], iri[event.location], month.first_day().strftime("%Y-%m")))
        self.posts = {(iri[p.id], post.role, iri[post.of]) for p in records.people for post in p.posts}
        self.pairs = {frozenset(iri[ref] for ref in claim.between) for claim in records.partnerships}


def add_extracted_graph(add, extractions: list[dict], records: Records,
                        minter: IriMinter, iri: dict[str, URIRef]) -> tuple[ExtractedStats, list[tuple], list[tuple]]:
    """Add the facts of `extractions` through `add(s, p, o)` (kgraph.terms.quad_adder); also returns the visits for the date
    index as (event, start, end, not_after, place, visitors) tuples, and the posts for the post index as (post, role id,
    start, end) tuples."""
    stats = ExtractedStats()
    curated = CuratedFacts(records, iri)
    roles, kinds = set(role_ids()), set(partnership_kind_ids())
    indexed_events, indexed_posts = [], []

    def provenance(node: URIRef, document: URIRef, agent: URIRef, evidence: dict):
        add(node, DCTERMS.source, document)
        add(node, PROV.wasDerivedFrom, document)
        add(node, PROV.wasAttributedTo, agent)
        add(node, KGO.evidence, text(evidence.get("sentence", ""), "pl"))
        for prop, key in ((KGO.charStart, "start"), (KGO.charEnd, "end")):
            if type(evidence.get(key)) is int:
                add(node, prop, typed(str(evidence[key]), XSD.integer))
        if isinstance(evidence.get("confidence"), (int, float)):
            add(node, KGO.confidence, typed(f"{evidence['confidence']:.2f}", XSD.decimal))
        if evidence.get("rule"):
            add(node, KGO.rule, text(str(evidence["rule"])))

    for record in sorted(extractions, key=lambda r: r["doc"]):
        stats.documents += 1
        document = minter.for_name("text", record["doc"])
        for each in superclasses(KGO.Document):
            add(document, RDF.type, each)
        add(document, RDFS.label, text(str(record.get("title") or record["doc"]), "pl"))
        doc_date = parse_day(record.get("date"))
        if doc_date:
            add(document, DCTERMS.date, literal_for_date(doc_date))
        if record.get("source"):
            add(document, KGO.textFile, text(str(record["source"])))
        extractor = str(record.get("extractor") or "kgraph-extract")
        agent = minter.for_name("agent", extractor)
        add(agent, RDF.type, PROV.SoftwareAgent)
        add(agent, RDFS.label, text(extractor))

        by_name: dict[str, URIRef] = {}
        for entity in record["entities"]:
            cls = ENTITY_CLASSES.get(entity.get("type"))
            if cls is None or not entity.get("name"):
                continue
            if entity.get("id") in iri:
                node = iri[entity["id"]]
            else:
                stats.candidates += 1
                node = minter.for_name(_KINDS[entity["type"]], entity["name"])
                for each in superclasses(cls):
                    add(node, RDF.type, each)
                add(node, RDFS.label, text(str(entity["name"]), "pl"))
                add(node, KGO.searchKey, text(search_key(entity["name"])))
                if isinstance(entity.get("lat"), (int, float)) and isinstance(entity.get("long"), (int, float)):
                    # a place the gazetteer resolved: where it is (the map draws it) and which GeoNames place it is
                    add(node, GEO.lat, decimal(entity["lat"]))
                    add(node, GEO.long, decimal(entity["long"]))
                    if entity.get("geonames"):
                        add(node, SKOS.exactMatch, URIRef(f"https://sws.geonames.org/{int(entity['geonames'])}/"))
                add(node, DCTERMS.source, document)
                add(node, PROV.wasDerivedFrom, document)
            by_name[entity["name"]] = node
            add(document, SCHEMA.mentions, node)

        # One event per sentence and trip: a delegation's members travel together.
        trips: dict[tuple, list[dict]] = defaultdict(list)
        for visit in record.get("visits", []):
            evidence = visit.get("evidence") or {}
            trips[(visit.get("place"), visit.get("start"), visit.get("end"), evidence.get("start"))].append(visit)
        for number, ((place, start, end, _), visits) in enumerate(sorted(trips.items(), key=lambda kv: str(kv[0])), 1):
            place_node = by_name.get(place)
            start_day, end_day = parse_day(start), parse_day(end) or parse_day(start)
            when = start_day or doc_date
            visitors = []
            for visit in visits:
                visitor = by_name.get(visit.get("visitor"))
                if visitor is None or place_node is None:  # names nothing the entity list holds
                    continue
                if when and (visitor, place_node, when.first_day().strftime("%Y-%m")) in curated.visits:
                    stats.already_curated["visits"] += 1
                else:
                    visitors.append((visitor, visit["visitor"]))
            if not visitors:
                continue
            event = minter.for_name("event", f"{record['doc']}#visit-{number}")
            for each in superclasses(KGO.Visit):
                add(event, RDF.type, each)
            names = ", ".join(dict.fromkeys(name for _, name in visitors))
            add(event, RDFS.label, text(f"Wizyta: {names} → {place}", "pl"))
            add(event, RDFS.label, text(f"Visit: {names} → {place}", "en"))
            add(event, SCHEMA.location, place_node)
            if start_day:
                add(event, SCHEMA.startDate, literal_for_date(start_day))
                add(event, SCHEMA.endDate, literal_for_date(end_day))
            not_after = doc_date if doc_date and doc_date.precision == "day" else None
            if not_after:
                add(event, KGO.notAfter, literal_for_date(not_after))
            for visitor, _ in visitors:
                add(event, KGO.visitor, visitor)
                add(event, KGO.participant, visitor)
            provenance(event, document, agent, visits[0].get("evidence") or {})
            stats.added["visits"] += len(visitors)
            indexed_events.append((event, start_day, end_day, not_after, place_node,
                                   list(dict.fromkeys(v for v, _ in visitors))))

        for number, role in enumerate(record.get("roles", []), 1):
            person, of, role_id = by_name.get(role.get("person")), by_name.get(role.get("of")), role_id_for(role.get("role", ""))
            if person is None or of is None or role_id not in roles:
                continue
            if (person, role_id, of) in curated.posts:
                stats.already_curated["roles"] += 1
                continue
            post = minter.for_name("post", f"{record['doc']}#post-{number}")
            for each in superclasses(KGO.PostHolding):
                add(post, RDF.type, each)
            add(post, ORG.member, person)
            add(post, ORG.role, ROLE[role_id])
            add(post, KGO.postOf, of)
            add(post, RDFS.label, text(f"{role['person']}: {role['role']}, {role['of']}", "pl"))
            if doc_date:
                add(post, KGO.attestedOn, literal_for_date(doc_date))
                add(post, KGO.periodStart, day_literal(doc_date.first_day()))
                add(post, KGO.periodEnd, day_literal(doc_date.last_day()))
                indexed_posts.append((post, role_id, doc_date.first_day(), doc_date.last_day()))
            provenance(post, document, agent, role.get("evidence") or {})
            stats.added["roles"] += 1

        for number, claim in enumerate(record.get("partnerships", []), 1):
            a, b = by_name.get(claim.get("city")), by_name.get(claim.get("partner"))
            kind = claim.get("kind") if claim.get("kind") in kinds else "partner-or-friendly"
            if a is None or b is None or a == b:
                continue
            if frozenset((a, b)) in curated.pairs:
                stats.already_curated["partnerships"] += 1
                continue
            node = minter.for_name("partnership", f"{record['doc']}#partnership-{number}")
            for each in superclasses(KGO.Partnership):
                add(node, RDF.type, each)
            add(node, RDFS.label, text(f"{claim['city']} – {claim['partner']} ({kind})", "pl"))
            add(node, KGO.between, a)
            add(node, KGO.between, b)
            add(node, KGO.kind, PKIND[kind])
            since = parse_day(str(claim["since"])) if claim.get("since") else None
            if since:
                add(node, KGO.since, literal_for_date(since))
            provenance(node, document, agent, claim.get("evidence") or {})
            stats.added["partnerships"] += 1

    return stats, indexed_events, indexed_posts
