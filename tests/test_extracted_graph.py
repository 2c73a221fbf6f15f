"""`kgraph build --extracted`: extracted facts in their own graph, with provenance; curated facts win."""
import json

import pytest

from kgraph.cli import cli
from kgraph.build import build
from kgraph.errors import ReadError
from kgraph.export import export_graph
from kgraph.query import run_query, run_sparql
from kgraph.store import open_store, read_manifest

NEWS = ("Goście z Martina w Kaliszu\n14 marca 2026\n"
        "W dniach 10-12 marca 2026 roku delegacja Martina w składzie: Jan Kowalczyk, zastępca burmistrza Martina, "
        "oraz Anna Nowicka przyjechała do Kalisza.\n")


@pytest.fixture
def news(tmp_path):
    path = tmp_path / "goscie.txt"
    path.write_text(NEWS, encoding="utf-8")
    return path


def visits(store, **kwargs):
    return [(r["start"], r["visitorName"], r["destinationName"])
            for r in run_query(store, "who-visited-where", {"place": "Kalisz", "from": "2026-03-01"}, **kwargs).records()]


def test_extracted_visit_is_queryable_and_hidden_by_curated_only(tmp_path, data_dir, news):
    build(data_dir, tmp_path / "s", extracted=[news])
    store = open_store(tmp_path / "s")
    assert visits(store) == [("2026-03-10", "Anna Nowicka", "Kalisz"), ("2026-03-10", "Jan Kowalczyk", "Kalisz"),
                             ("2026-03-10", "Martin", "Kalisz")]
    assert visits(store, include_extracted=False) == []
    # the extracted candidate is found by name like a curated entity, with its post
    posts = run_query(store, "posts", {"person": "jan kowalczyk"}).records()
    assert [(p["personName"], p["bodyName"]) for p in posts] == [("Jan Kowalczyk", "Martin")]


def test_every_extracted_fact_points_back_to_the_exact_words(tmp_path, data_dir, news):
    build(data_dir, tmp_path / "s", extracted=[news])
    rows = run_sparql(open_store(tmp_path / "s"), """
        PREFIX kgo: <https://w3id.org/kgraph/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?fact ?sentence ?start ?end ?rule ?agent WHERE {
          GRAPH <https://w3id.org/kgraph/graph/extracted> {
            ?fact prov:wasDerivedFrom ?text ; kgo:evidence ?sentence ; kgo:charStart ?start ; kgo:charEnd ?end ;
                  kgo:rule ?rule ; prov:wasAttributedTo ?agent . } }""").records()
    assert len(rows) == 2  # the visit (one event, three visitors) and the post
    for row in rows:
        assert NEWS[int(row["start"]):int(row["end"])] == row["sentence"]
        assert "kgraph-extract" in row["agent"] or row["agent"].startswith("https://w3id.org/kgraph/id/agent/")


def test_curated_facts_win_over_extracted_ones(tmp_path, data_dir):
    """The seeds are fully curated: extracting them adds no visit that the records state."""
    texts = data_dir / "texts"
    manifest = build(data_dir, tmp_path / "s", extracted=[texts])
    assert manifest.records["already curated visits"] > 0 and "extracted visits" not in manifest.records
    store = open_store(tmp_path / "s")
    everything = run_query(store, "who-visited-where").rows
    assert everything == run_query(store, "who-visited-where", include_extracted=False).rows


def test_extracted_build_is_deterministic(tmp_path, data_dir, news):
    outputs = []
    for name in ("a", "b"):
        build(data_dir, tmp_path / name, extracted=[news, data_dir / "texts"])
        outputs.append(export_graph(open_store(tmp_path / name), "trig"))
    assert outputs[0] == outputs[1] and b"graph/extracted" in outputs[0]


def test_jsonl_from_kgraph_extract_is_accepted(tmp_path, data_dir, news, runner):
    out = tmp_path / "facts.jsonl"
    assert runner.invoke(cli, ["extract", str(news), "--out", str(out), "--data", str(data_dir)]).exit_code == 0
    result = runner.invoke(cli, ["build", "--data", str(data_dir), "--store", str(tmp_path / "s"), "--extracted", str(out)])
    assert result.exit_code == 0, result.output
    assert "extracted visits" in result.stderr
    assert read_manifest(tmp_path / "s").extracted == [str(out)]


def test_bad_extraction_file_names_the_line_and_keeps_the_store(tmp_path, data_dir, runner):
    store = tmp_path / "s"
    build(data_dir, store)
    before = read_manifest(store).build
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"doc": "a", "entities": []}) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"bad.jsonl:2"):
        build(data_dir, store, extracted=[bad])
    result = runner.invoke(cli, ["build", "--data", str(data_dir), "--store", str(store), "--extracted", str(bad)])
    assert result.exit_code == 1 and "bad.jsonl:2" in result.stderr and "Traceback" not in result.output
    assert read_manifest(store).build == before


def test_views_mark_extracted_facts_and_curated_only_drops_them(tmp_path, data_dir, news):
    from kgraph.analyse import network_for
    from kgraph.view import render_html

    build(data_dir, tmp_path / "s", extracted=[news])
    store = open_store(tmp_path / "s")
    extracted = [d for _, _, d in network_for(store).edges(data=True) if d.get("evidence")]
    assert extracted and all("Kowalczyk" in d["evidence"] or "Nowicka" in d["evidence"] for d in extracted)
    assert '"dashes":true' in render_html(network_for(store))
    assert not [d for _, _, d in network_for(store, include_extracted=False).edges(data=True) if d.get("evidence")]
