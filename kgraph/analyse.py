"""The graph as networkx, and measures on it.

`to_networkx` is the one documented projection: which facts become edges and
what each node and edge carries. Analysis functions take a graph first and
return plain data, networkx style.
"""
from __future__ import annotations

import networkx as nx

from kgraph.query import run_query

__all__ = ["to_networkx", "degree_ranking"]

NODE_CLASSES = ("Person", "City", "Country", "Region", "Organisation", "Event")


def to_networkx(store, *, lang: str = "pl", include_extracted: bool = True) -> nx.MultiDiGraph:
    """People, places and organisations as nodes; visits, posts, partnerships and
    locations as edges (a MultiDiGraph, so each repeated visit is its own edge).

    Node attributes: ``label``, ``kind`` (Person, City, Country, Region, Organisation).
    Edge attributes: ``kind`` (visit, post, partnership, located), ``label``, ``date``, ``fact`` (its IRI).
    """
    graph = nx.MultiDiGraph()
    for row in run_query(store, "network-nodes", {"lang": lang}, include_extracted=include_extracted).records():
        kind = row["class"].rsplit("#", 1)[-1]
        if kind != "Event":
            graph.add_node(row["node"], label=row["name"], kind=kind)
    for row in run_query(store, "network-edges", {"lang": lang}, include_extracted=include_extracted).records():
        if row["source"] in graph and row["target"] in graph:
            graph.add_edge(row["source"], row["target"], key=row["fact"] or f"{row['kind']}:{row['target']}",
                           kind=row["kind"], label=row["label"] or "", date=row["date"], fact=row["fact"])
    return graph


def degree_ranking(G, *, top: int = 10) -> list[tuple[str, int]]:
    """Nodes with the most edges, highest first (ties by node id).

    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "c"), ("b", "c"), ("a", "b")])
    >>> degree_ranking(G, top=2)
    [('a', 3), ('b', 3)]
    """
    return sorted(G.degree(), key=lambda item: (-item[1], item[0]))[:top]
