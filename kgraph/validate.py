"""SHACL validation of a built graph with pyshacl."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph

from kgraph.resources import shapes_path
from kgraph.vocab import ontology_graph

__all__ = ["ShaclReport", "validate_graph"]


@dataclass
class ShaclReport:
    conforms: bool
    violations: int
    text: str


def validate_graph(data: Graph, focus_nodes=None) -> ShaclReport:
    """Check `data` against kgraph/shapes.ttl; with `focus_nodes`, report only what is wrong with them
    (the other nodes of `data` may be there only to give their classes). pyshacl's own focus_nodes
    option is not used: it reports a qualified count (one Polish label) broken when it is not.

    The ontology is merged in first: shapes use sh:class, which needs the role and
    partnership-kind concepts and the rdfs:subClassOf hierarchy (pyshacl's ont_graph
    is only mixed in when inference is on, and inference is slow and unneeded here).
    """
    import pyshacl  # here: it and rdflib's SPARQL take 70 ms to import, a tenth of `kgraph build` after a small edit

    graph = Graph()
    graph += data
    graph += ontology_graph()
    conforms, report_graph, text = pyshacl.validate(
        graph, shacl_graph=Graph().parse(shapes_path(), format="turtle"), inference="none", advanced=True,
    )
    from rdflib.namespace import SH

    results = set(report_graph.subjects(predicate=SH.resultSeverity))
    if focus_nodes is None:
        return ShaclReport(conforms=bool(conforms), violations=len(results), text=text)
    focus = set(focus_nodes)
    kept = [r for r in results if report_graph.value(r, SH.focusNode) in focus]
    blocks = re.split(r"\n(?=Constraint Violation)", text)
    shown = [b for b in blocks[1:] if any(f"Focus Node: {node.n3()}" in b for node in focus)]
    header = f"Validation Report\nConforms: {not kept}\nResults ({len(kept)}):"
    return ShaclReport(conforms=not kept, violations=len(kept), text="\n".join([header, *shown]))
