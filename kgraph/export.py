"""Export the graph as Turtle, N-Triples, JSON-LD or TriG, byte-identical for the same store."""
from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Dataset, Graph

from kgraph.errors import ExportError
from kgraph.namespaces import CURATED_GRAPH, EXTRACTED_GRAPH, PREFIXES
from kgraph.results import to_rdflib

__all__ = ["EXPORT_FORMATS", "export_graph"]

EXPORT_FORMATS = ("turtle", "nt", "jsonld", "trig")


def _sorted_quads(store: ox.Store, graphs) -> list:
    quads = []
    for graph in graphs:
        quads.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))))
    # N-Quads text is a total order on quads: sorting by it fixes the insertion
    # order, and rdflib's serialisers then write the same bytes every time.
    return sorted(quads, key=str)


def export_graph(store: ox.Store, fmt: str, *, include_extracted: bool = True) -> bytes:
    """The curated (and extracted) facts in `fmt`; TriG keeps the named graphs apart."""
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format '{fmt}'; use one of {', '.join(EXPORT_FORMATS)}")
    graphs = [CURATED_GRAPH] + ([EXTRACTED_GRAPH] if include_extracted else [])
    quads = _sorted_quads(store, graphs)
    if fmt == "nt":
        lines = sorted({str(ox.Triple(q.subject, q.predicate, q.object)) for q in quads})
        return ("".join(f"{line} .\n" for line in lines)).encode("utf-8")
    if fmt == "trig":
        target = Dataset()
        for q in quads:
            target.graph(to_rdflib(q.graph_name)).add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    else:
        target = Graph()
        for q in quads:
            target.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    for prefix, namespace in PREFIXES.items():
        target.bind(prefix, namespace, override=True)
    rdflib_format = {"turtle": "turtle", "jsonld": "json-ld", "trig": "trig"}[fmt]
    data = target.serialize(format=rdflib_format, encoding="utf-8")
    if fmt == "jsonld":
        data = _stable_json(data)
    return data if data.endswith(b"\n") else data + b"\n"


def _stable_json(data: bytes) -> bytes:
    """rdflib's JSON-LD writer iterates sets, so node and value order vary with
    PYTHONHASHSEED; sorting them (and the keys) gives the same bytes every time."""
    def order(value):
        if isinstance(value, dict):
            return {key: order(value[key]) for key in sorted(value)}
        if isinstance(value, list):
            return sorted((order(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        return value
    return (json.dumps(order(json.loads(data)), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
