"""SHACL validation of a built graph with pyshacl."""
from __future__ import annotations

from dataclasses import dataclass

import pyshacl
from rdflib import Graph

from kgraph.resources import shapes_path
from kgraph.vocab import ontology_graph

__all__ = ["ShaclReport", "validate_graph"]


@dataclass
class ShaclReport:
    conforms: bool
    violations: int
    text: str


def validate_graph(data: Graph) -> ShaclReport:
    """Check `data` against kgraph/shapes.ttl.

    The ontology is merged in first: shapes use sh:class, which needs the role and
    partnership-kind concepts and the rdfs:subClassOf hierarchy (pyshacl's ont_graph
    is only mixed in when inference is on, and inference is slow and unneeded here).
    """
    graph = Graph()
    graph += data
    graph += ontology_graph()
    conforms, report_graph, text = pyshacl.validate(
        graph, shacl_graph=Graph().parse(shapes_path(), format="turtle"), inference="none", advanced=True,
    )
    from rdflib.namespace import SH

    violations = len(set(report_graph.subjects(predicate=SH.resultSeverity)))
    return ShaclReport(conforms=bool(conforms), violations=violations, text=text)
