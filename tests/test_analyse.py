"""Network analysis and network exports: projections, measures, `kgraph analyze`, GraphML/GEXF/CSV."""
import csv
import io
import json
import os
import subprocess
import sys

import networkx as nx
import pytest

from kgraph.analyse import centrality, communities, connection, project, select, summary, to_networkx
from kgraph.cli import cli
from kgraph.export import export_network, network_tables
from kgraph.query import run_query

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
