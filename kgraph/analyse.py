"""The graph as networkx, the parts of it a view or an analysis asks for, and measures on it.

`to_networkx` is the one documented projection of the RDF graph: which facts
become edges and what each node and edge carries. `select` cuts it down (node
kinds, a date window, an entity's neighbourhood, the entities a query names);
`project` turns it into the weighted simple graphs the measures run on
(city–city, person–city, whole). Analysis functions take a graph first and
return plain data, networkx style.
"""
from __future__ import annotations

import math
import os
import random
from collections import defaultdict
from datetime import date

import igraph
import networkx as nx
import pyoxigraph as ox

from kgraph.bulk import can_fork_workers, forked_map, no_cycle_collection
from kgraph.errors import ParameterError, UnknownEntity
from kgraph.query import find_entity, load_query, run_query
from kgraph.records import parse_date

__all__ = [
    "NODE_KINDS", "TYPE_NAMES", "DEFAULT_TYPES", "PROJECTIONS", "to_networkx", "network_for", "network_and_selection",
    "kinds_for", "select",
    "project", "project_edges", "projection_for", "centrality", "communities", "betweenness", "pagerank", "connection", "summary", "degree_ranking",
]

NODE_KINDS = ("Person", "City", "Country", "Region", "Organisation", "Event", "Document")
# --type values -> node kinds
TYPE_NAMES = {"people": "Person", "cities": "City", "countries": "Country", "regions": "Region",
              "organisations": "Organisation", "events": "Event", "documents": "Document"}
DEFAULT_TYPES = ("people", "cities", "countries", "regions", "organisations")
# Edges to and from event nodes. When events are shown, a visit is drawn through its
# event node (visitor -> event -> place) and the direct visitor -> place edge is left out.
EVENT_EDGE_KINDS = frozenset({"visitor", "host", "participant", "venue", "part-of"})
DATED_EDGE_KINDS = frozenset({"visit", "post", "partnership"})
PROJECTIONS = ("city-city", "person-city", "whole")


FACT_NODE_COLUMNS = ("node", "class", "name")
FACT_EDGE_COLUMNS = ("kind", "source", "target", "start", "fact", "label", "end")


def _facts(store, lang: str, include_extracted: bool, dated: bool,
           named: tuple[str, ...] | None = None) -> tuple[list[tuple], list[tuple]]:
    """The rows of analysis-nodes.rq and analysis-edges.rq as sorted tuples of FACT_NODE_COLUMNS and
    FACT_EDGE_COLUMNS, "" for an unbound value (no bound value is ""), so that they sort as plain tuples:
    at 1.7 million edges, sorting dicts by a key took 14 s. A local store is read through its indexes
    (kgraph.facts: a third of the time of the SPARQL joins); any other through SPARQL."""
    if isinstance(store, ox.Store):
        from kgraph.facts import fact_rows
        nodes, edges = fact_rows(store, lang=lang, include_extracted=include_extracted, dated=dated,
                                 named=named)
    else:
        def run(name, columns, **params):
            records = run_query(store, load_query(name, internal=True), {"lang": lang, **params},
                                include_extracted=include_extracted).records()
            return [tuple(row[c] or "" for c in columns) for row in records]
        nodes = run("analysis-nodes", FACT_NODE_COLUMNS)
        edges = run("analysis-edges", FACT_EDGE_COLUMNS, dated="yes" if dated else "")
    nodes.sort()
    # in tuple order: "\0" sorts before any other character, and one string compares faster than a tuple of
    # seven whose first ones are mostly equal (1.7 million edges: 5.3 -> 2.1 s)
    edges.sort(key="\0".join)
    return nodes, edges


def to_networkx(store, *, lang: str = "pl", include_extracted: bool = True, facts_only: bool = False,
                dated: bool = True) -> nx.MultiDiGraph:
    """Every person, place, organisation, event and document as a node; every fact as an edge.

    A MultiDiGraph, so each repeated visit is its own edge. Node attributes: ``label``,
    ``kind`` (one of NODE_KINDS), ``start``/``end`` (ISO dates of events and documents),
    ``url``, ``note``, ``sources``; places also ``lat``/``long`` and ``country`` (its IRI) when known. Edge attributes: ``kind`` (see queries/internal/network-edges.rq),
    ``label``, ``start``/``end``, ``fact`` (the IRI of a visit, post or partnership),
    ``sources`` and, for machine-extracted facts, ``evidence`` and ``confidence``.
    ``sources`` is a list of ``{"document", "name", "url"}`` dicts.

    `facts_only` reads just what the analyses of people, places and organisations need: those
    nodes, with ``label`` and ``kind``, and the visit, post, partnership and located edges among
    them, without sources (a third of the time of the whole network at 10^6 triples); and with
    `dated` False, without their dates either (each date is a join: half the rest of the time).
    """
    def run(name, *order):
        # Sorted here, by the given columns and then the rest, so the graph (and every view
        # and export of it) is the same whatever engine answers. oxigraph's ORDER BY decodes
        # both IRIs on each comparison: 1.9 of the 3.1 s the edges took at 10^5 triples,
        # where sorting the decoded rows takes 0.1 s.
        result = run_query(store, load_query(name, internal=True), {"lang": lang}, include_extracted=include_extracted)
        columns = list(order) + [v for v in result.variables if v not in order]
        return sorted(result.records(), key=lambda row: [(row[c] is not None, row[c] or "") for c in columns])

    if facts_only:
        node_rows, edge_rows = _facts(store, lang, include_extracted, dated)
        node_rows = [dict(zip(FACT_NODE_COLUMNS, row)) for row in node_rows]
        edge_rows = [{c: value or None for c, value in zip(FACT_EDGE_COLUMNS, row)} for row in edge_rows]
    else:
        node_rows = run("network-nodes", "node", "class")
        edge_rows = run("network-edges", "kind", "source", "target", "start", "fact")
    sources, evidence = defaultdict(list), {}
    for row in () if facts_only else run("network-sources", "subject", "document"):
        entry = {"document": row["document"], "name": row["name"], "url": row["url"]}
        if entry not in sources[row["subject"]]:
            sources[row["subject"]].append(entry)
        if row["evidence"]:
            evidence[row["subject"]] = (row["evidence"], row["confidence"])
    graph = nx.MultiDiGraph()
    for row in node_rows:
        node = row["node"]
        if node in graph:  # a second class row (e.g. an organisation that is also a city body)
            continue
        graph.add_node(node, label=row["name"], kind=row["class"].rsplit("#", 1)[-1])
        if facts_only:
            continue
        graph.nodes[node].update(start=row["start"], end=row["end"], url=row["url"], note=row["note"],
                                 sources=sources.get(node, []))
        if row["lat"] is not None:  # places with coordinates: the map view draws them
            graph.nodes[node].update(lat=float(row["lat"]), long=float(row["long"]))
        if row["country"] is not None:
            graph.nodes[node]["country"] = row["country"]
    for row in edge_rows:
        source, target, fact = row["source"], row["target"], row["fact"]
        if source not in graph or target not in graph:
            continue
        attributes = {"kind": row["kind"], "label": row["label"] or "", "start": row["start"], "end": row["end"],
                      "fact": fact, "sources": sources.get(fact, []) if fact else []}
        if fact in evidence:
            attributes["evidence"], attributes["confidence"] = evidence[fact]
        graph.add_edge(source, target, key=fact or f"{row['kind']}:{source}:{target}", **attributes)
    return graph


def kinds_for(types) -> set[str]:
    """--type values ('people', 'cities', ...) to node kinds; unknown values are a ParameterError."""
    kinds = set()
    for name in types:
        if name not in TYPE_NAMES:
            raise ParameterError(f"--type {name!r}: not a node type; known: {', '.join(TYPE_NAMES)}")
        kinds.add(TYPE_NAMES[name])
    return kinds


def _overlaps(start: str | None, end: str | None, window_from: date | None, window_to: date | None, *,
              open_until: date | None = None) -> bool:
    """Does [start, end] meet the window? Undated facts are outside any window; a fact
    with a start and no end (a post, a partnership) lasts until `open_until`."""
    if start is None and end is None:
        return False
    first = parse_date(start).first_day() if start else date.min
    last = parse_date(end).last_day() if end else (open_until or parse_date(start).last_day())
    return (window_to is None or first <= window_to) and (window_from is None or last >= window_from)


def _horizon(G: nx.MultiDiGraph) -> date:
    """The last day the graph's sources speak of: open-ended posts and partnerships are
    known to last until then, and no further (so a window in the future is empty)."""
    days = [d.get(side) for _, d in G.nodes(data=True) for side in ("start", "end")]
    days += [d.get(side) for _, _, d in G.edges(data=True) for side in ("start", "end")]
    return max((parse_date(day).last_day() for day in days if day), default=date.min)


def select(G: nx.MultiDiGraph, *, kinds=None, window: tuple[date | None, date | None] | None = None,
           focus: str | None = None, depth: int = 1, within=None) -> nx.MultiDiGraph:
    """The part of `G` a view shows, as a new graph (G is left as it is).

    Applied in this order: `within` (the entities a query result names, with the
    edges among them); `kinds` (node kinds to keep; default: people, places and
    organisations; the focus entity's kind is always kept); `window` (from, to):
    the visits, posts and partnerships that overlap it, the events and documents
    dated in it, the entities they touch and the undated links among those;
    `focus`/`depth`: everything within `depth` links of the focus entity.
    """
    if within is not None:
        G = G.subgraph(n for n in within if n in G)
    kinds = set(kinds) if kinds is not None else {TYPE_NAMES[t] for t in DEFAULT_TYPES}
    if focus is not None and focus in G:
        kinds.add(G.nodes[focus]["kind"])
    drop_edges = EVENT_EDGE_KINDS if "Event" not in kinds else {"visit"}
    shown = nx.MultiDiGraph()
    shown.add_nodes_from((n, d) for n, d in G.nodes(data=True) if d.get("kind") in kinds)
    shown.add_edges_from((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)
                         if u in shown and v in shown and d["kind"] not in drop_edges)
    if window is not None and window != (None, None):
        shown = _in_window(shown, *window)
    if focus is not None:
        if focus not in shown:
            return nx.MultiDiGraph(shown.subgraph([]))
        reach = nx.single_source_shortest_path_length(_undirected(shown), focus, cutoff=depth)
        shown = shown.subgraph(reach)
    return nx.MultiDiGraph(shown)


def _undirected(G: nx.MultiDiGraph) -> nx.Graph:
    """G without directions or repeats, its neighbours in G's order (networkx's undirected
    *view* iterates a set union, so ties among shortest paths would change from run to run)."""
    U = nx.Graph()
    U.add_nodes_from(G)
    U.add_edges_from(G.edges())
    return U


def _in_window(G: nx.MultiDiGraph, window_from: date | None, window_to: date | None) -> nx.MultiDiGraph:
    horizon = _horizon(G)
    keep_nodes = {n for n, d in G.nodes(data=True) if d.get("kind") in ("Event", "Document")
                  and _overlaps(d.get("start"), d.get("end"), window_from, window_to)}
    dated = [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if d["kind"] in DATED_EDGE_KINDS
             and _overlaps(d.get("start"), d.get("end"), window_from, window_to,
                           open_until=None if d["kind"] == "visit" else horizon)]
    for u, v, _, _ in dated:
        keep_nodes.update((u, v))
    shown = nx.MultiDiGraph()
    shown.add_nodes_from((n, G.nodes[n]) for n in sorted(keep_nodes))
    shown.add_edges_from(dated)
    shown.add_edges_from((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)
                         if d["kind"] not in DATED_EDGE_KINDS and u in keep_nodes and v in keep_nodes)
    return shown


def named_in(G: nx.MultiDiGraph, result) -> set[str]:
    """The nodes a query result names: IRIs in its rows or triples that are nodes of G,
    and both ends of every visit, post or partnership it names."""
    terms = [t for row in result.rows for t in row] if result.kind == "select" else \
        [t for triple in result.triples for t in (triple.subject, triple.object)]
    iris = {t.value for t in terms if isinstance(t, ox.NamedNode)}
    nodes = {iri for iri in iris if iri in G}
    nodes.update(end for u, v, fact in G.edges(data="fact") if fact in iris for end in (u, v))
    return nodes


def network_for(store, **options) -> nx.MultiDiGraph:
    """The network a view or an analysis asks for, straight from the store (see `select`).

    `types` are --type names (people, cities, ...); `focus` is a name, alias or IRI;
    `query` a saved query's name or SPARQL text, run with `params`: the view then
    holds what its result names (of every kind it names, unless `types` says otherwise).
    """
    return network_and_selection(store, **options)[1]


def network_and_selection(store, *, lang: str = "pl", include_extracted: bool = True, types=None,
                          window: tuple[date | None, date | None] | None = None, focus: str | None = None,
                          depth: int = 1, query=None, params: dict | None = None) -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    """(the whole network, the part `network_for` selects): the explore page looks up in the whole
    what the part leaves out (a person's post, a body's seat, an event)."""
    G = to_networkx(store, lang=lang, include_extracted=include_extracted)
    within = None
    if query is not None:
        within = named_in(G, run_query(store, query, params or {}, include_extracted=include_extracted))
    kinds = kinds_for(types) if types else ({G.nodes[n]["kind"] for n in within} if within is not None else None)
    focus_node = None
    if focus is not None:
        focus_node = find_entity(store, focus, include_extracted=include_extracted)
        if focus_node not in G:
            raise UnknownEntity(f"--focus {focus!r} is not a person, place, organisation, event or document "
                                f"of the network ({focus_node}); focus on one of those", [])
    return G, select(G, kinds=kinds, window=window, focus=focus_node, depth=depth, within=within)


FACT_KINDS = frozenset({"Person", "City", "Country", "Region", "Organisation"})


def projection_for(store, projection: str = "whole", *, lang: str = "pl", include_extracted: bool = True,
                   types=None, window: tuple[date | None, date | None] | None = None) -> nx.Graph:
    """`project(network_for(store, ...), projection)`, reading from the store only what it needs: when
    the nodes shown are people, places and organisations (the default --type), the only edges among
    them are visits, posts, partnerships and seats (to_networkx facts_only)."""
    with no_cycle_collection():  # millions of rows and counts at 10^7 triples (kgraph.bulk)
        return _projection_for(store, projection, lang=lang, include_extracted=include_extracted, types=types,
                               window=window)


def _projection_for(store, projection: str, *, lang: str, include_extracted: bool, types,
                    window: tuple[date | None, date | None] | None) -> nx.Graph:
    kinds = kinds_for(types) if types else {TYPE_NAMES[t] for t in DEFAULT_TYPES}
    windowed = window is not None and window != (None, None)
    if kinds == FACT_KINDS and not windowed:  # select would keep every node and edge: no graph needed
        named = {"city-city": ("City",), "person-city": ("Person", "City")}.get(projection)  # P holds no other names
        node_rows, edge_rows = _facts(store, lang, include_extracted, dated=False, named=named)
        nodes = {}
        for node, cls, name in node_rows:
            if node not in nodes:
                nodes[node] = {"label": name, "kind": cls.rsplit("#", 1)[-1]}
        # the edges as the MultiDiGraph of to_networkx holds and lists them: one per fact and pair (its key),
        # by source in node order, then target in order of first edge (measures that walk edges, like
        # Louvain, then see the same order)
        succ = defaultdict(dict)
        for kind, u, v, _, fact, _, _ in edge_rows:
            if u in nodes and v in nodes:
                succ[u].setdefault(v, {})[fact or kind] = (kind, fact or None)
        return _project(nodes, [(u, v, kind, fact) for u in nodes if u in succ for v, keyed in succ[u].items()
                                for kind, fact in keyed.values()], projection)
    G = to_networkx(store, lang=lang, include_extracted=include_extracted, facts_only=kinds <= FACT_KINDS, dated=windowed)
    return project(select(G, kinds=kinds, window=window), projection)


# ---------------------------------------------------------------------------
# projections and measures


def project(G: nx.MultiDiGraph, projection: str = "whole") -> nx.Graph:
    """A weighted simple graph to measure.

    - ``city-city``: cities; an edge per pair with ``partnerships`` (how many
      partnership claims), ``visits`` (visits from one city to the other, by the
      city itself or by people holding posts there, each visit counted once)
      and ``weight`` = their sum.
    - ``person-city``: people and cities; ``visits`` = ``weight`` = how often the person visited.
    - ``whole``: every node of G; ``weight`` = how many facts link the two.
    """
    return project_edges(G.nodes, G.edges(data=True), projection)


def project_edges(nodes, edges, projection: str = "whole") -> nx.Graph:
    """`project` of the graph with `nodes` ({node: attributes}, in order) and `edges` ((u, v, attributes),
    each fact once), without building it."""
    return _project(nodes, [(u, v, d.get("kind"), d.get("fact")) for u, v, d in edges], projection)


def _project(nodes, edges: list[tuple], projection: str) -> nx.Graph:
    """`project_edges` of edges as (u, v, kind, fact) tuples: at 10^7 triples, 1.7 million edges, the work of
    the city-city projection is counting, and a dict of attributes an edge took more time than the counts."""
    if projection not in PROJECTIONS:
        raise ParameterError(f"projection {projection!r}: known: {', '.join(PROJECTIONS)}")
    kind_of = {n: d.get("kind") for n, d in nodes.items()}
    P = nx.Graph()
    if projection == "whole":
        P.add_nodes_from(nodes.items())
        for u, v, _, _ in edges:
            if u != v:
                _bump(P, u, v, "weight")
        return P
    if projection == "person-city":
        P.add_nodes_from((n, d) for n, d in nodes.items() if d.get("kind") in ("Person", "City"))
        for u, v, kind, _ in edges:
            if kind == "visit" and kind_of[u] == "Person" and kind_of[v] == "City":
                _bump(P, u, v, "visits")
        for u, v, d in P.edges(data=True):
            d["weight"] = d["visits"]
        return P
    cities = {n: d for n, d in nodes.items() if d.get("kind") == "City"}
    P.add_nodes_from(cities.items())
    home = defaultdict(set)  # agent -> the cities it comes from
    for u, v, kind, _ in edges:
        if (kind == "post" or kind == "located" and kind_of[u] == "Organisation") and kind_of[v] == "City":
            home[u].add(v)
    for n in cities:
        home[n].add(n)
    origins = {agent: sorted(cities) for agent, cities in home.items()}
    # counted in lists [partnerships, visits] under the pair sorted, and added to P in the order the pairs
    # were first seen, each in the orientation it was first seen in (as edge-by-edge bumps would add them:
    # 2 million _bump calls took 12 s)
    counts: dict[tuple, list] = {}
    first: list[tuple] = []

    def tally_of(u, v) -> list:
        pair = (u, v) if u < v else (v, u)
        tally = counts.get(pair)
        if tally is None:
            tally = counts[pair] = [0, 0]
            first.append((u, v, tally))
        return tally

    flows = set()  # (origin, place, visit): a delegation of five from one city is one visit
    for u, v, kind, fact in edges:
        if kind == "partnership":
            if u in cities and v in cities:
                tally_of(u, v)[0] += 1
        elif kind == "visit" and v in cities:
            for origin in origins.get(u, ()):
                if origin != v and (origin, v, fact) not in flows:
                    flows.add((origin, v, fact))
                    tally_of(origin, v)[1] += 1
    P.add_edges_from((u, v, {"partnerships": tally[0], "visits": tally[1], "weight": tally[0] + tally[1]})
                     for u, v, tally in first)
    return P


def _bump(P: nx.Graph, u, v, attribute: str) -> None:
    if not P.has_edge(u, v):
        P.add_edge(u, v)
    P[u][v][attribute] = P[u][v].get(attribute, 0) + 1


BETWEENNESS_EXACT_MAX = 1000


def centrality(P: nx.Graph, *, top: int | None = None) -> list[dict]:
    """Degree, weighted degree, betweenness and PageRank of every node, most central first.

    >>> P = nx.Graph([("a", "b", {"weight": 2}), ("b", "c", {"weight": 1})])
    >>> [(r["node"], r["degree"], r["strength"]) for r in centrality(P)]
    [('b', 2, 3), ('a', 1, 2), ('c', 1, 1)]
    """
    if P.number_of_nodes() == 0:
        return []
    # Unweighted: weights here are strengths, not distances. Exact betweenness is O(nodes x edges)
    # (hours for the 31k cities of 10^7 synthetic triples); above BETWEENNESS_EXACT_MAX nodes it is
    # estimated from that many source nodes, drawn with a fixed seed so the answer repeats.
    sample = BETWEENNESS_EXACT_MAX if P.number_of_nodes() > BETWEENNESS_EXACT_MAX else None
    with no_cycle_collection():
        as_igraph = _as_igraph(P)
    between = betweenness(P, k=sample, seed=7, _graph=as_igraph)
    ranks = pagerank(P, _graph=as_igraph)
    degrees, strengths = dict(P.degree()), dict(P.degree(weight="weight"))  # one view each, not one a node
    rows = [{"node": n, "label": d.get("label", n), "kind": d.get("kind", ""), "degree": degrees[n],
             "strength": strengths[n], "betweenness": round(between[n], 6), "pagerank": round(ranks[n], 6)}
            for n, d in P.nodes(data=True)]
    rows.sort(key=lambda r: (-r["strength"], -r["betweenness"], r["label"], r["node"]))
    return rows[:top] if top else rows


PARALLEL_BETWEENNESS_ABOVE = 5_000  # nodes; below, a second process costs more than it saves


def _betweenness_of(graph: igraph.Graph, sources: list[int]) -> list[float]:
    return graph.betweenness(directed=False, sources=sources)


def _as_igraph(P: nx.Graph) -> tuple[list, igraph.Graph]:
    """P's nodes in order, and P as an igraph Graph (node i is nodes[i]; loops left out) with its weights.
    The edges are read from P's adjacency, each from its endpoint first in node order: the order of
    P.edges(), without its view's cost (2 million edges: 4.4 -> 1.3 s)."""
    nodes = list(P)
    index = {node: i for i, node in enumerate(nodes)}
    pairs, weights = [], []
    for i, (_, neighbours) in enumerate(P.adjacency()):
        for v, d in neighbours.items():
            j = index[v]
            if i < j:
                pairs.append((i, j))
                weights.append(d.get("weight", 1))
    graph = igraph.Graph(n=len(nodes), edges=pairs, directed=False)
    graph.es["weight"] = weights
    return nodes, graph


def pagerank(P: nx.Graph, *, _graph=None) -> dict:
    """networkx's pagerank(P, weight="weight") (damping 0.85), computed by igraph's PRPACK: exactly, where
    networkx iterates until the L1 change is under N x 10^-6 (tests check both); a third of the time."""
    nodes, graph = _graph or _as_igraph(P)
    if not nodes:
        return {}
    return dict(zip(nodes, graph.pagerank(weights="weight" if graph.ecount() else None, damping=0.85)))


def betweenness(P: nx.Graph, *, k: int | None = None, seed: int = 7, jobs: int | None = None, _graph=None) -> dict:
    """networkx's betweenness_centrality(P, k, seed) (normalised, unweighted, endpoints left out), computed by
    igraph's C core: 60 times faster at 3,000 cities. The same `k` source nodes are drawn as networkx draws
    them, and the sums rescaled as networkx 3.6 rescales them (tests check both against networkx). Above
    PARALLEL_BETWEENNESS_ABOVE nodes the sources are shared among `jobs` processes (default: one per core):
    the sums over sources add up."""
    nodes, graph = _graph or _as_igraph(P)
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    index = {node: i for i, node in enumerate(nodes)}
    sources = random.Random(seed).sample(nodes, k) if k is not None else None
    chosen = [index[s] for s in sources] if sources else list(range(n))
    jobs = jobs or len(os.sched_getaffinity(0))
    if jobs > 1 and n > PARALLEL_BETWEENNESS_ABOVE and can_fork_workers():
        parts = forked_map(_betweenness_of, graph, [chosen[i::jobs] for i in range(jobs)])
        sums = [sum(values) for values in zip(*parts)]
    else:
        sums = graph.betweenness(directed=False, sources=chosen if sources else None)
    # igraph counts each unordered pair once; networkx each ordered pair, divided by the pairs that could pass v
    if sources is None:
        return {node: 2 * value / ((n - 1) * (n - 2)) for node, value in zip(nodes, sums)}
    sampled = set(sources)
    return {node: 2 * value / (((k - 1) if node in sampled else k) * (n - 2)) if k > 1 or node not in sampled else math.nan
            for node, value in zip(nodes, sums)}


def communities(P: nx.Graph, *, seed: int = 7) -> list[dict]:
    """Louvain communities (weighted, fixed seed so the answer repeats), largest first.

    Returns ``{"community", "size", "members": [{"node", "label", "kind"}]}`` dicts.
    """
    if P.number_of_edges() == 0:
        groups = [{n} for n in P]
    else:
        groups = nx.community.louvain_communities(P, weight="weight", seed=seed)
    ordered = sorted((sorted(g, key=lambda n: (P.nodes[n].get("label", n), n)) for g in groups),
                     key=lambda members: (-len(members), P.nodes[members[0]].get("label", members[0])))
    return [{"community": i + 1, "size": len(members),
             "members": [{"node": n, "label": P.nodes[n].get("label", n), "kind": P.nodes[n].get("kind", "")}
                         for n in members]}
            for i, members in enumerate(ordered)]


def connection(G: nx.MultiDiGraph, a: str, b: str) -> list[dict]:
    """How `a` and `b` are connected: the facts along a shortest chain between them.

    Each step is ``{"from", "from_label", "to", "to_label", "kind", "label", "start", "end",
    "fact", "forward"}``; ``forward`` is False when the fact points from `to` to `from`
    (e.g. a visit to a city, read from the city). Between two neighbours the
    earliest dated fact explains the link. An empty list means no chain exists.
    """
    if a == b:
        return []
    try:
        nodes = nx.shortest_path(_undirected(G), a, b)
    except nx.NetworkXNoPath:
        return []
    steps = []
    for u, v in zip(nodes, nodes[1:]):
        options = [(d, True) for d in G.get_edge_data(u, v, default={}).values()]
        options += [(d, False) for d in G.get_edge_data(v, u, default={}).values()]
        data, forward = min(options, key=lambda o: (o[0].get("start") is None, o[0].get("start") or "",
                                                    o[0]["kind"], o[0].get("fact") or ""))
        steps.append({"from": u, "from_label": G.nodes[u].get("label", u), "to": v, "to_label": G.nodes[v].get("label", v),
                      "kind": data["kind"], "label": data.get("label", ""), "start": data.get("start"),
                      "end": data.get("end"), "fact": data.get("fact"), "forward": forward})
    return steps


def summary(G: nx.MultiDiGraph) -> dict:
    """Counts by node and edge kind, components, density, the date range and the best-connected nodes."""
    nodes_by_kind = defaultdict(int)
    for _, kind in G.nodes(data="kind"):
        nodes_by_kind[kind] += 1
    edges_by_kind = defaultdict(int)
    days = []
    for _, _, d in G.edges(data=True):
        edges_by_kind[d["kind"]] += 1
        days += [d[k] for k in ("start", "end") if d.get(k)]
    undirected = nx.Graph(G)
    components = sorted((len(c) for c in nx.connected_components(undirected)), reverse=True)
    return {
        "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
        "nodes_by_kind": dict(sorted(nodes_by_kind.items())), "edges_by_kind": dict(sorted(edges_by_kind.items())),
        "components": len(components), "largest_component": components[0] if components else 0,
        "density": round(nx.density(undirected), 6) if G.number_of_nodes() > 1 else 0.0,
        "first_date": min(days) if days else None, "last_date": max(days) if days else None,
        "best_connected": [{"node": n, "label": G.nodes[n].get("label", n), "degree": k}
                           for n, k in degree_ranking(G, top=5)],
    }


def degree_ranking(G, *, top: int = 10) -> list[tuple[str, int]]:
    """Nodes with the most edges, highest first (ties by node id).

    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "c"), ("b", "c"), ("a", "b")])
    >>> degree_ranking(G, top=2)
    [('a', 3), ('b', 3)]
    """
    return sorted(G.degree(), key=lambda item: (-item[1], item[0]))[:top]
