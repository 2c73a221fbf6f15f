"""Namespaces and ontology terms.

`KGO` is generated from ontology.ttl (run `python -m kgraph.namespaces` after
editing the ontology); with `_fail = True` a misspelt term raises instead of
silently minting a new IRI. tests/test_ontology.py checks that the two agree.
"""
from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

__all__ = [
    "KGO", "ROLE", "PKIND", "ID", "GRAPH", "SCHEMA", "ORG", "GEO", "WDT", "WD",
    "DCTERMS", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD", "PREFIXES",
    "CURATED_GRAPH", "EXTRACTED_GRAPH", "ONTOLOGY_GRAPH", "INDEX_GRAPH", "KGI", "UNDATED", "TermCache",
]

ROLE = Namespace("https://w3id.org/kgraph/vocab/role/")
PKIND = Namespace("https://w3id.org/kgraph/vocab/partnership/")
ID = Namespace("https://w3id.org/kgraph/id/")
GRAPH = Namespace("https://w3id.org/kgraph/graph/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
WD = Namespace("http://www.wikidata.org/entity/")

CURATED_GRAPH = GRAPH["curated"]
EXTRACTED_GRAPH = GRAPH["extracted"]
ONTOLOGY_GRAPH = GRAPH["ontology"]
# Derived from the events of the other graphs at every build, never exported:
# date keys and date buckets (months, or days of busy months) that let the pager read events newest first
# without sorting all of them (docs/decisions/20261121-date-index.md).
INDEX_GRAPH = GRAPH["index"]
KGI = Namespace("https://w3id.org/kgraph/index#")
UNDATED = "undated"  # kgi:key of the bucket of events that nothing dates


class TermCache:
    """`namespace.name` and `namespace["name"]` made once: rdflib builds and validates a new URIRef on every
    access, which was a third of the time a build spends writing quads (a million accesses at 10^6 triples)."""

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:  # called only for a term not made yet
        if name.startswith("__"):
            raise AttributeError(name)
        namespace = self._namespace
        term = getattr(namespace, name) if isinstance(namespace, type) else namespace[name]
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return getattr(self, name)


# --- generated from ontology.ttl: do not edit by hand ---
class KGO(DefinedNamespace):
    _NS = Namespace("https://w3id.org/kgraph/ontology#")
    _fail = True

    City: URIRef
    Conference: URIRef
    CouncilSession: URIRef
    Country: URIRef
    Delegation: URIRef
    Document: URIRef
    Event: URIRef
    Exchange: URIRef
    Exhibition: URIRef
    Festival: URIRef
    Interpellation: URIRef
    NewsItem: URIRef
    NewsListing: URIRef
    Organisation: URIRef
    Partnership: URIRef
    PartnershipKind: URIRef
    Person: URIRef
    Place: URIRef
    PostHolding: URIRef
    Region: URIRef
    Reply: URIRef
    Role: URIRef
    Visit: URIRef
    WebPage: URIRef
    addressee: URIRef
    attestedOn: URIRef
    between: URIRef
    charEnd: URIRef
    charStart: URIRef
    confidence: URIRef
    evidence: URIRef
    host: URIRef
    kind: URIRef
    notAfter: URIRef
    participant: URIRef
    partnershipKinds: URIRef
    periodEnd: URIRef
    periodStart: URIRef
    postOf: URIRef
    preferred: URIRef
    referenceNumber: URIRef
    replyTo: URIRef
    roles: URIRef
    rule: URIRef
    searchKey: URIRef
    since: URIRef
    subjectLine: URIRef
    textFile: URIRef
    visitor: URIRef
# --- end generated ---


PREFIXES = {
    "kgo": str(KGO),
    "role": str(ROLE),
    "pkind": str(PKIND),
    "id": str(ID),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "prov": str(PROV),
    "dct": str(DCTERMS),
    "skos": str(SKOS),
    "geo": str(GEO),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "wdt": str(WDT),
    "wd": str(WD),
}


def generated_block(ontology_file) -> str:
    """The KGO class body as `python -m kgraph.namespaces` writes it."""
    from rdflib import Graph

    graph = Graph().parse(ontology_file, format="turtle")
    prefix = "https://w3id.org/kgraph/ontology#"
    names = sorted(
        {str(s)[len(prefix):] for s in graph.subjects() if str(s).startswith(prefix) and str(s) != prefix}
    )
    lines = [
        "class KGO(DefinedNamespace):",
        f'    _NS = Namespace("{prefix}")',
        "    _fail = True",
        "",
    ]
    lines += [f"    {name}: URIRef" for name in names]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # regenerate the block above from ontology.ttl
    import re
    from pathlib import Path

    from kgraph.resources import ontology_path

    here = Path(__file__)
    text = here.read_text(encoding="utf-8")
    block = generated_block(ontology_path())
    new = re.sub(
        r"(# --- generated from ontology.ttl: do not edit by hand ---\n).*?(# --- end generated ---)",
        lambda m: m.group(1) + block + m.group(2),
        text,
        flags=re.S,
    )
    here.write_text(new, encoding="utf-8")
