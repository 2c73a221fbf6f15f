"""Controlled vocabularies read from ontology.ttl: roles, partnership kinds, class hierarchy."""
from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kgraph.namespaces import KGO, PKIND, ROLE
from kgraph.resources import ontology_path

__all__ = ["ontology_graph", "role_ids", "partnership_kind_ids", "superclasses"]


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    return Graph().parse(ontology_path(), format="turtle")


def _members(cls: URIRef, namespace) -> tuple[str, ...]:
    prefix = str(namespace)
    return tuple(sorted(str(s)[len(prefix):] for s in ontology_graph().subjects(RDF.type, cls)))


@lru_cache(maxsize=1)
def role_ids() -> tuple[str, ...]:
    """Ids of the posts in kgo:roles, e.g. ('ambasador', 'burmistrz', ...)."""
    return _members(KGO.Role, ROLE)


@lru_cache(maxsize=1)
def partnership_kind_ids() -> tuple[str, ...]:
    return _members(KGO.PartnershipKind, PKIND)


@lru_cache(maxsize=None)
def superclasses(cls: URIRef) -> tuple[URIRef, ...]:
    """cls and every kgo: class above it, nearest first (for type materialisation)."""
    graph = ontology_graph()
    seen: list[URIRef] = []
    frontier = [cls]
    while frontier:
        current = frontier.pop(0)
        if current in seen or not str(current).startswith(str(KGO)):
            continue
        seen.append(current)
        frontier.extend(sorted(graph.objects(current, RDFS.subClassOf)))
    return tuple(seen)
