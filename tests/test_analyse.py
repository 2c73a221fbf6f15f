"""Network analysis and network exports: projections, measures, `kgraph analyze`, GraphML/GEXF/CSV."""
import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from kgraph.analyse import centrality, communities, connection, project, select, summary, to_networkx
from kgraph.cli import cli
from kgraph.export import export_network, network_tables
from kgraph.query import run_query

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks.synthetic

KALISZ = "https://w3id.org/kgraph/id/place/kalisz"
LOWECZ = "https://w3id.org/kgraph/id/place/lowecz"


@pytest.fixture(scope="module")
def network(store):
    return to_networkx(store)


def test_city_city_weights_partnerships_and_visit_flows(network):
    P = project(network, "city-city")
    assert {d["kind"] for _, d in P.nodes(data=True)} == {"City"}
    edge = P[KALISZ][LOWECZ]
    assert edge["partnerships"] >= 1 and edge["visits"] >= 2  # Kalisz's delegations there, and back
    assert edge["weight"] == edge["partnerships"] + edge["visits"]


def test_person_city_counts_visits(network):
    P = project(network, "person-city")
    plichta = "https://w3id.org/kgraph/id/person/andrzej-plichta"
    assert P[plichta][LOWECZ]["visits"] == 1


def test_centrality_ranks_kalisz_first(network):
    rows = centrality(project(network, "city-city"))
    assert rows[0]["node"] == KALISZ and rows[0]["betweenness"] > 0
    assert set(rows[0]) == {"node", "label", "kind", "degree", "strength", "betweenness", "pagerank"}


def test_communities_cover_every_node_once_and_repeat(network):
    P = project(network, "city-city")
    found = communities(P)
    members = [m["node"] for c in found for m in c["members"]]
    assert sorted(members) == sorted(P) and found == communities(P)


def test_connection_explains_with_facts(network):
    graph = select(network)
    steps = connection(graph, "https://w3id.org/kgraph/id/person/andrzej-plichta", "https://w3id.org/kgraph/id/place/martin")
    assert steps[0]["from_label"] == "Andrzej Plichta" and steps[-1]["to_label"] == "Martin"
    assert all(s["kind"] for s in steps) and steps[-1]["kind"] == "partnership"
    assert connection(graph, KALISZ, KALISZ) == []


def test_summary_counts(network):
    facts = summary(select(network))
    assert facts["nodes"] == sum(facts["nodes_by_kind"].values()) and facts["edges"] == sum(facts["edges_by_kind"].values())
    assert facts["best_connected"][0]["label"] == "Kalisz"


@pytest.mark.parametrize("args, expect", [
    (["centrality", "--projection", "city-city", "--top", "3", "--format", "csv"], "label,kind,degree,strength"),
    (["communities", "--projection", "city-city"], "community"),
    (["path", "Andrzej Plichta", "martin"], "Andrzej Plichta ->[post: radny"),
    (["summary"], "best connected: Kalisz"),
])
def test_analyze_commands(runner, store_dir, args, expect):
    result = runner.invoke(cli, ["analyze", *args, "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert expect in result.output


def test_analyze_json_is_plain_data(runner, store_dir):
    result = runner.invoke(cli, ["analyze", "centrality", "--format", "json", "--top", "2", "--store", str(store_dir)])
    rows = json.loads(result.output)
    assert len(rows) == 2 and rows[0]["label"] == "Kalisz"


def test_path_between_unconnected_entities_fails(runner, store_dir):
    # Gilbert (Arizona) is partnered with Kalisz; a country alone has no link when only countries are shown
    result = runner.invoke(cli, ["analyze", "path", "Polska", "Chiny", "--type", "countries", "--store", str(store_dir)])
    assert result.exit_code == 1 and "no chain" in result.output


# --- exports for other tools ---------------------------------------------------


def test_graphml_and_gexf_round_trip(network):
    for fmt in ("graphml", "gexf"):
        data = export_network(network, fmt)
        back = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(io.BytesIO(data))
        assert back.number_of_nodes() == network.number_of_nodes()
        assert back.number_of_edges() == network.number_of_edges()
        assert data == export_network(network, fmt)


def test_the_network_does_not_depend_on_the_order_rows_come_in(store, network, monkeypatch):
    """The network queries have no ORDER BY (oxigraph's is slow on IRIs): to_networkx sorts."""
    import kgraph.analyse

    def reversed_rows(*args, **kwargs):
        result = run_query(*args, **kwargs)
        result.rows.reverse()
        return result

    monkeypatch.setattr(kgraph.analyse, "run_query", reversed_rows)
    shuffled = to_networkx(store)
    assert shuffled.number_of_edges() == network.number_of_edges() > 100
    for fmt in ("graphml", "gexf"):
        assert export_network(shuffled, fmt) == export_network(network, fmt)


def test_gexf_is_dynamic_with_full_days(network):
    text = export_network(network, "gexf").decode()
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text
    assert 'start="1991"' not in text and 'start="1991-01-01"' in text  # a year spans its days
    assert 'lastmodifieddate="2' in text


def test_csv_tables(runner, store_dir, tmp_path, network):
    result = runner.invoke(cli, ["export", "--format", "csv", "--out", str(tmp_path / "net"), "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    nodes = list(csv.DictReader((tmp_path / "net" / "nodes.csv").open(encoding="utf-8")))
    edges = list(csv.DictReader((tmp_path / "net" / "edges.csv").open(encoding="utf-8")))
    assert len(nodes) == network.number_of_nodes() and len(edges) == network.number_of_edges()
    assert network_tables(network)["nodes.csv"] == (tmp_path / "net" / "nodes.csv").read_bytes()


def test_csv_needs_a_directory(runner, store_dir):
    result = runner.invoke(cli, ["export", "--format", "csv", "--store", str(store_dir)])
    assert result.exit_code == 2 and "--out DIRECTORY" in result.output


def test_views_exports_and_answers_do_not_depend_on_hash_seed(store_dir):
    code = ("import hashlib, sys; from kgraph.store import open_store; from kgraph.analyse import *; "
            "from kgraph.export import export_network; from kgraph.view import render_html; "
            "G = to_networkx(open_store(sys.argv[1])); S = select(G); "
            "out = [render_html(S), export_network(G, 'gexf'), export_network(G, 'graphml'), "
            "repr(connection(S, 'https://w3id.org/kgraph/id/person/andrzej-plichta', 'https://w3id.org/kgraph/id/place/martin')), "
            "repr(communities(project(G, 'whole'))), repr(centrality(project(G, 'city-city')))]; "
            "print([hashlib.sha256(o if isinstance(o, bytes) else o.encode()).hexdigest() for o in out])")
    outputs = {subprocess.run([sys.executable, "-c", code, str(store_dir)], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(outputs) == 1


# --- analysis at scale: the fast paths give networkx's answers

@pytest.mark.parametrize("k", [None, 1, 2, 40])
def test_betweenness_equals_networkx(k):
    """igraph's sums, rescaled, are networkx's betweenness: exact, and estimated from the same k sources."""
    from kgraph.analyse import betweenness

    G = nx.relabel_nodes(nx.gnm_random_graph(120, 400, seed=5), lambda i: f"city-{i}")
    G.add_edge("city-0", "city-0")  # a loop: neither library counts it
    G.add_node("alone")
    expected = nx.betweenness_centrality(G, k=k, seed=7)
    got = betweenness(G, k=k, seed=7)
    assert got.keys() == expected.keys()
    assert all(got[n] == pytest.approx(expected[n], abs=1e-12, nan_ok=True) for n in G)


def test_betweenness_shared_among_processes_is_the_same(monkeypatch):
    import kgraph.analyse
    from kgraph.analyse import betweenness

    G = nx.relabel_nodes(nx.gnm_random_graph(300, 1200, seed=9), lambda i: f"city-{i}")
    alone = betweenness(G, k=60, jobs=1)
    monkeypatch.setattr(kgraph.analyse, "PARALLEL_BETWEENNESS_ABOVE", 10)
    monkeypatch.setattr(kgraph.analyse, "can_fork_workers", lambda: True)  # other tests' server threads may be alive
    shared = betweenness(G, k=60, jobs=2)
    assert shared.keys() == alone.keys() and all(shared[n] == pytest.approx(alone[n], abs=1e-12) for n in G)
    assert betweenness(G, jobs=2) == pytest.approx(nx.betweenness_centrality(G), abs=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pagerank_equals_networkx(seed):
    """PRPACK's exact ranks are networkx's iterated to convergence, weights, isolated nodes and all; networkx's
    default run stops within its stated bound (the L1 error under N x 10^-6)."""
    from kgraph.analyse import pagerank

    G = nx.relabel_nodes(nx.gnm_random_graph(150, 500, seed=seed), lambda i: f"city-{i}")
    for u, v in G.edges():
        G[u][v]["weight"] = (hash((u, v)) % 5) + 1 if seed != 3 else 1
    G.add_nodes_from(["alone", "also alone"])
    assert pagerank(G) == pytest.approx(nx.pagerank(G, weight="weight", tol=1e-13, max_iter=10_000), abs=1e-10)
    default = nx.pagerank(G, weight="weight")
    assert sum(abs(pagerank(G)[n] - default[n]) for n in G) < len(G) * 1e-6
    assert pagerank(nx.Graph()) == {} and pagerank(nx.empty_graph(3)) == pytest.approx(nx.pagerank(nx.empty_graph(3)))


def test_betweenness_of_tiny_graphs():
    from kgraph.analyse import betweenness

    for G in (nx.Graph(), nx.path_graph(1), nx.path_graph(2), nx.path_graph(3)):
        assert betweenness(G) == pytest.approx(nx.betweenness_centrality(G))


@pytest.mark.parametrize("projection", ["city-city", "person-city", "whole"])
@pytest.mark.parametrize("options", [{}, {"window": (date(2025, 1, 1), date(2025, 12, 31))}, {"types": ["cities", "people"]},
                                     {"types": ["cities", "events"]}, {"lang": "en"}])
def test_the_projection_read_for_analysis_is_the_projection_of_the_network(store, projection, options):
    """projection_for reads only the facts a projection needs; it gives what projecting the whole network gives."""
    from kgraph.analyse import network_for, projection_for

    fast = projection_for(store, projection, **options)
    slow = project(network_for(store, **options), projection)
    assert list(fast.edges(data=True)) == list(slow.edges(data=True))
    assert [(n, d["label"], d["kind"]) for n, d in fast.nodes(data=True)] == \
        [(n, d["label"], d["kind"]) for n, d in slow.nodes(data=True)]
    assert centrality(fast) == centrality(slow)
    assert communities(fast) == communities(slow)


def test_the_synthetic_projection_equals_the_network_projection(tmp_path):
    """The same on a synthetic graph large enough for sampled betweenness (over 1,000 cities would be slow here:
    the sampled branch is checked against networkx above)."""
    from benchmarks.synthetic import synthetic_records
    from kgraph.analyse import _facts, network_for, projection_for
    from kgraph.build import build_records
    from kgraph.store import open_store

    build_records(synthetic_records(100_000, seed=11), tmp_path, shacl=False)
    store = open_store(tmp_path)
    fast, slow = projection_for(store, "city-city"), project(network_for(store), "city-city")
    assert fast.number_of_nodes() > 250
    assert _facts(store, "pl", True, True) == _facts(_SparqlOnly(store), "pl", True, True)
    assert list(fast.edges(data=True)) == list(slow.edges(data=True))
    assert centrality(fast, top=20) == centrality(slow, top=20)


class _SparqlOnly:
    """A store that answers SPARQL only (as a remote endpoint does): to_networkx then reads through queries."""

    def __init__(self, store):
        self.query = store.query


@pytest.mark.parametrize("dated", [True, False])
@pytest.mark.parametrize("lang", ["pl", "en"])
def test_facts_read_from_the_indexes_are_the_rows_of_the_queries(store, dated, lang):
    from kgraph.analyse import _facts

    assert _facts(store, lang, True, dated) == _facts(_SparqlOnly(store), lang, True, dated)
    assert _facts(store, lang, False, dated) == _facts(_SparqlOnly(store), lang, False, dated)
