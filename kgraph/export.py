"""Export the graph as Turtle, N-Triples, JSON-LD or TriG, and its network (kgraph.analyse.to_networkx)
as GraphML, GEXF or CSV node and edge tables: byte-identical for the same store."""
from __future__ import annotations

import csv
import io
import json
import re

import pyoxigraph as ox
from rdflib import Graph

from kgraph.errors import ExportError
from kgraph.namespaces import CURATED_GRAPH, EXTRACTED_GRAPH, PREFIXES
from kgraph.records import parse_date
from kgraph.results import to_rdflib

__all__ = ["EXPORT_FORMATS", "NETWORK_FORMATS", "export_graph", "export_network", "network_tables"]

EXPORT_FORMATS = ("turtle", "nt", "jsonld", "trig")
NETWORK_FORMATS = ("graphml", "gexf", "csv")
NODE_COLUMNS = ("id", "label", "kind", "start", "end", "url", "note", "sources")
EDGE_COLUMNS = ("source", "target", "kind", "label", "start", "end", "fact", "sources", "evidence", "confidence")


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
        return _trig(quads)
    else:
        target = Graph()
        for q in quads:
            target.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    for prefix, namespace in PREFIXES.items():
        target.bind(prefix, namespace, override=True, replace=True)
    rdflib_format = {"turtle": "turtle", "jsonld": "json-ld", "trig": "trig"}[fmt]
    data = target.serialize(format=rdflib_format, encoding="utf-8")
    if fmt == "jsonld":
        data = _stable_json(data)
    return data if data.endswith(b"\n") else data + b"\n"


def _trig(quads) -> bytes:
    """TriG with the graphs in IRI order, each written by rdflib's Turtle writer: rdflib's own TriG
    writer orders graphs by hash, so two runs could differ (PYTHONHASHSEED)."""
    by_graph: dict[str, Graph] = {}
    for q in quads:
        graph = by_graph.setdefault(q.graph_name.value, Graph())
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    prefixes, blocks = set(), []
    for name in sorted(by_graph):
        graph = by_graph[name]
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True, replace=True)
        body = graph.serialize(format="turtle")
        prefixes |= {line for line in body.splitlines() if line.startswith("@prefix")}  # rdflib may add its own
        lines = [line for line in body.splitlines() if not line.startswith("@prefix")]
        blocks.append(f"<{name}> {{\n" + "\n".join(("    " + line) if line else "" for line in lines).strip("\n") + "\n}\n")
    return ("\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)).encode("utf-8")


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


def _flat(data: dict, columns) -> dict:
    """Attributes as plain strings (GraphML, GEXF and CSV hold no lists or nulls); sources as their URLs or names."""
    flat = {}
    for column in columns:
        value = data.get(column)
        if column == "sources":
            value = " ".join(s.get("url") or s["document"] for s in value or ())
        if value not in (None, ""):
            flat[column] = str(value)
    return flat


def export_network(G, fmt: str) -> bytes:
    """GraphML or GEXF of a network from kgraph.analyse (node ids are IRIs).

    GEXF is dynamic: nodes and edges carry start/end days (a partial date such as
    1991 spans its whole year), so Gephi's timeline can play the network.
    """
    import networkx as nx

    if fmt not in ("graphml", "gexf"):
        raise ExportError(f"unknown network format '{fmt}'; use graphml or gexf (csv is network_tables)")
    H = nx.MultiDiGraph()
    for node, data in G.nodes(data=True):
        H.add_node(node, **_flat(data, NODE_COLUMNS[1:]))
    for number, (u, v, data) in enumerate(G.edges(data=True)):
        H.add_edge(u, v, key=number, **_flat(data, EDGE_COLUMNS[2:]))
    if fmt == "graphml":
        return ("\n".join(nx.generate_graphml(H)) + "\n").encode("utf-8")
    days = []
    for _, attributes in [*H.nodes(data=True), *((None, d) for _, _, d in H.edges(data=True))]:
        for side, bound in (("start", "first_day"), ("end", "last_day")):
            if side in attributes:
                attributes[side] = getattr(parse_date(attributes[side]), bound)().isoformat()
                days.append(attributes[side])
    text = "\n".join(nx.generate_gexf(H)) + "\n"
    # networkx stamps today's date into <meta>; the data's last day keeps the bytes stable
    return re.sub(r'lastmodifieddate="[^"]*"', f'lastmodifieddate="{max(days, default="1970-01-01")}"', text, count=1).encode("utf-8")


def network_tables(G) -> dict[str, bytes]:
    """CSV node and edge tables of a network from kgraph.analyse: {"nodes.csv": ..., "edges.csv": ...}."""
    tables = {}
    for name, columns, rows in (("nodes.csv", NODE_COLUMNS, ({"id": n, **d} for n, d in G.nodes(data=True))),
                                ("edges.csv", EDGE_COLUMNS, ({"source": u, "target": v, **d} for u, v, d in G.edges(data=True)))):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(_flat(row, columns) for row in rows)
        tables[name] = buffer.getvalue().encode("utf-8")
    return tables
