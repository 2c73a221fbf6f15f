"""The rows of analysis-nodes.rq and analysis-edges.rq, read from a local store's indexes.

The projections analyses measure (city-city, person-city) are made of a few kinds of triples
(visitors, places visited, posts, partnerships, seats). oxigraph answers the SPARQL of
queries/internal/analysis-*.rq by joining them, about 15 µs a row; reading each kind once through
`quads_for_pattern` and joining in dictionaries takes a third of that. Remote stores keep the SPARQL;
tests/test_analyse.py checks both give the same rows.
"""
from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox

from kgraph.namespaces import (
    CURATED_GRAPH, EXTRACTED_GRAPH, KGO, ONTOLOGY_GRAPH, ORG, RDF, RDFS, SCHEMA, TermCache,
)

__all__ = ["fact_rows", "NODE_CLASSES"]

KGO, ORG, RDF, RDFS, SCHEMA = map(TermCache, (KGO, ORG, RDF, RDFS, SCHEMA))  # read once a row: made once

NODE_CLASSES = ("Person", "City", "Country", "Region", "Organisation")


def fact_rows(store: ox.Store, *, lang: str = "pl", include_extracted: bool = True,
              dated: bool = True, named: tuple[str, ...] | None = None) -> tuple[list[dict], list[dict]]:
    """(node rows, edge rows) as analysis-nodes.rq and analysis-edges.rq give them, unsorted, as tuples of
    kgraph.analyse.FACT_NODE_COLUMNS and FACT_EDGE_COLUMNS ("" for unbound). Nodes of classes not `named`
    (default: all; a projection leaves the others out) are named by their IRI: reading a name costs 25 µs a node."""
    named = NODE_CLASSES if named is None else named
    # The facts are in the curated and extracted graphs: the ontology graph describes classes and concepts
    # (role and partnership-kind labels are read from it below), the index graph only kgi: terms.
    graphs = [ox.NamedNode(str(g)) for g in (CURATED_GRAPH,) + ((EXTRACTED_GRAPH,) if include_extracted else ())]

    def pairs(predicate, obj=None) -> set[tuple[str, str]]:
        """(subject, object) IRIs of the triples with `predicate` (and `obj`). Read as one SPARQL pattern a
        graph, answered as TSV and split here: a third faster than a Python object per quad."""
        pattern = f"?s <{predicate}> {f'<{obj}>' if obj is not None else '?o'}"
        found = set()
        for graph in graphs:
            answer = store.query(f"SELECT ?s {'?o' if obj is None else ''} WHERE {{ GRAPH {graph} {{ {pattern} }} }}")
            lines = answer.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8").split("\n")[1:]
            if obj is None:
                found.update((s[1:-1], o[1:-1]) for s, o in (line.split("\t") for line in lines if line)
                             if o.startswith("<"))
            else:
                found.update((line[1:-1], str(obj)) for line in lines if line)
        return found

    def grouped(found: set[tuple[str, str]]) -> dict[str, list[str]]:
        # unsorted: the caller sorts the rows (sorting 1.5 million pairs here took seconds at 10^7 triples)
        by_subject = defaultdict(list)
        for subject, value in found:
            by_subject[subject].append(value)
        return by_subject

    # Every kind of triple is read at once, two at a time: oxigraph answers without holding the GIL, so one
    # answer is computed while the last is split (10^7 triples: 11 of the 25 s are oxigraph's answers).
    wanted = {**{name: (RDF.type, KGO[name]) for name in NODE_CLASSES + ("Visit", "PostHolding", "Partnership")},
              **{name: (predicate, None) for name, predicate in (
                  ("location", SCHEMA.location), ("visitor", KGO.visitor), ("postOf", KGO.postOf), ("role", ORG.role),
                  ("member", ORG.member), ("kind", KGO.kind), ("between", KGO.between),
                  ("containedInPlace", SCHEMA.containedInPlace))}}
    with ThreadPoolExecutor(2) as pool:
        read = dict(zip(wanted, pool.map(lambda pattern: pairs(*pattern), wanted.values())))

    def typed(cls: str) -> set[str]:
        return {subject for subject, _ in read[cls]}

    def values(subject: str, predicate) -> list[ox.Term]:
        node, predicate = ox.NamedNode(subject), ox.NamedNode(str(predicate))
        return sorted({q.object for g in graphs for q in store.quads_for_pattern(node, predicate, None, g)}, key=str)

    def label_in(subject: str, language: str) -> list[str]:
        return [t.value for t in values(subject, RDFS.label) if isinstance(t, ox.Literal) and t.language == language]

    nodes, members = [], {name: typed(name) for name in NODE_CLASSES}
    for name in NODE_CLASSES:
        cls = str(KGO[name])
        for node in members[name]:
            if name not in named:
                nodes.append((node, cls, node))
                continue
            names = label_in(node, lang) or label_in(node, "pl") or [t.value for t in values(node, SCHEMA.url)] or [node]
            nodes += [(node, cls, each) for each in names]

    def dates(fact: str, *pairs_of_predicates) -> tuple[str, str]:
        if not dated:
            return "", ""
        found = []
        for predicates in pairs_of_predicates:  # COALESCE: the first predicate with a value
            found.append(next((found_values[0].value for p in predicates if (found_values := values(fact, p))), ""))
        return found[0], found[1]

    edges = []

    def edge(source, target, kind, fact="", label="", start="", end=""):
        edges.append((kind, source, target, start, fact, label, end))

    visits, locations = typed("Visit"), grouped(read["location"])
    start = end = ""
    for fact, visitor in read["visitor"]:  # 1.2 million at 10^7 triples: written out, no calls unless dated
        if fact in visits and (places := locations.get(fact)):
            if dated:
                start, end = dates(fact, (SCHEMA.startDate, KGO.notAfter), (SCHEMA.endDate, KGO.notAfter))
            for place in places:
                edges.append(("visit", visitor, place, start, fact, "", end))
    role_labels = _concept_labels(store, lang)
    posts, post_of, roles = typed("PostHolding"), grouped(read["postOf"]), grouped(read["role"])
    for fact, member in read["member"]:
        if fact not in posts:
            continue
        start, end = dates(fact, (SCHEMA.startDate, KGO.periodStart), (SCHEMA.endDate, KGO.periodEnd))
        for body in post_of.get(fact, ()):
            for role in roles.get(fact, ()):
                for label in role_labels.get(role, ()):
                    edge(member, body, "post", fact, label, start, end)
    partnerships, kinds = typed("Partnership"), grouped(read["kind"])
    for fact, between in grouped(read["between"]).items():
        if fact not in partnerships:
            continue
        since = next((t.value for t in values(fact, KGO.since)), "") if dated else ""
        for source in between:
            for target in between:
                if source < target:
                    for kind in kinds.get(fact, ()):
                        for label in role_labels.get(kind, ()):
                            edge(source, target, "partnership", fact, label, since)
    for place, container in read["containedInPlace"]:
        edge(place, container, "located")
    for org in members["Organisation"]:
        for seat in locations.get(org, ()):
            edge(org, seat, "located")
    return nodes, edges


def _concept_labels(store: ox.Store, lang: str) -> dict[str, list[str]]:
    """{concept: [label]} of the ontology's concepts (roles, partnership kinds) in `lang`."""
    found = defaultdict(list)
    label = ox.NamedNode(str(RDFS.label))
    for quad in store.quads_for_pattern(None, label, None, ox.NamedNode(str(ONTOLOGY_GRAPH))):
        if isinstance(quad.object, ox.Literal) and quad.object.language == lang:
            found[quad.subject.value].append(quad.object.value)
    return found
