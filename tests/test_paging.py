"""The pager (month buckets, driving entities, LATERAL) returns exactly what the
plain query returns, sliced: on the curated graph and on a synthetic one."""
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

import kgraph.quads
import kgraph.query
from kgraph.build import build_records
from kgraph.namespaces import KGI
from kgraph.query import bind_params, conditional_text, load_query, run_query, run_sparql
from kgraph.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.synthetic import synthetic_records  # noqa: E402


def plain(store, name, params):
    """The query with every `#if entry` line dropped: one standard SPARQL query, no pager."""
    query = load_query(name)
    substitutions = bind_params(query, params)
    return run_sparql(store, conditional_text(query.text, substitutions), substitutions,
                      hidden=(*query.params, query.page_by, "hub")).rows


def values(rows):
    return [[t.value if t is not None else None for t in row] for row in rows]


@pytest.fixture(scope="module", params=["month buckets", "day buckets"])
def synthetic(request, tmp_path_factory):
    """A synthetic store, with months as buckets, or (BUCKET_MAX 2) every busy month split into days."""
    records = synthetic_records(20_000, seed=7)
    directory = tmp_path_factory.mktemp("paging")
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "day buckets":
            patch.setattr(kgraph.quads, "BUCKET_MAX", 2)
        build_records(records, directory, shacl=False, data_dir="<synthetic>")
    store = open_store(directory)
    keys = [quad.object.value for quad in store.quads_for_pattern(None, ox.NamedNode(f"{KGI}key"), None)]
    assert any(len(key) == 10 for key in keys) == (request.param == "day buckets")
    person = records.people[3].labels["pl"]
    busiest = max(records.places, key=lambda p: sum(e.location == p.id for e in records.events))
    return store, person, busiest.labels["pl"]


CURATED_CASES = [
    ("who-visited-where", {}), ("who-visited-where", {"place": "Kalisz"}), ("who-visited-where", {"person": "Kalisz"}),
    ("who-visited-where", {"origin": "Łowecz"}), ("who-visited-where", {"country": "Słowacja"}),
    ("who-visited-where", {"from": "2025-09-01", "to": "2025-11-30"}), ("who-visited-where", {"person": "nobody at all"}),
    ("timeline", {}), ("timeline", {"from": "2025-01-01"}), ("timeline", {"place": "Kalisz", "lang": "en"}),
]


@pytest.mark.parametrize("name,params", CURATED_CASES)
@pytest.mark.parametrize("limit,offset", [(None, 0), (3, 0), (5, 4), (1000, 0)])
def test_pages_of_the_curated_graph_equal_the_plain_query(store, name, params, limit, offset):
    expected = values(plain(store, name, params))
    got = values(run_query(store, name, params, limit=limit, offset=offset).rows)
    assert got == expected[offset:None if limit is None else offset + limit]


@pytest.mark.parametrize("direct_max", [2000, 5], ids=["drive", "hub"])
def test_pages_of_a_synthetic_graph_equal_the_plain_query(synthetic, direct_max, monkeypatch):
    """With direct_max 5 every named entity is a hub: buckets are walked with only its events let in."""
    monkeypatch.setattr(kgraph.query, "DRIVE_DIRECT_MAX", direct_max)
    store, person, busiest = synthetic
    cases = [{}, {"person": person}, {"place": busiest}, {"country": "Państwo 2"}, {"origin": busiest},
             {"from": "2005-01-01", "to": "2010-06-30"}, {"place": busiest, "from": "2015-01-01"}, {"to": "2003-03-31"}]
    for params in cases:
        expected = values(plain(store, "who-visited-where", params))
        assert expected, params  # every case has rows, so the comparison means something
        for limit, offset in ((100, 0), (40, 130), (None, 0)):
            got = values(run_query(store, "who-visited-where", params, limit=limit, offset=offset).rows)
            assert got == expected[offset:None if limit is None else offset + limit], (params, limit, offset)
    for params in ({}, {"to": "2012-06-30"}, {"from": "2012-06-01", "to": "2014-02-28"}, {"from": "2020-01-01"}):
        timeline = values(plain(store, "timeline", params))
        assert timeline, params
        assert values(run_query(store, "timeline", params, limit=50, offset=20).rows) == timeline[20:70], params


def test_unset_filters_leave_no_trace_in_the_query_text():
    query = load_query("who-visited-where")
    text = conditional_text(query.text, bind_params(query, {"person": "Jan"}))
    assert "kgo:searchKey ?person" in text
    assert "kgo:searchKey ?country" not in text and "LATERAL {" not in text and "#if entry" not in text


def test_negative_limit_is_a_parameter_error(store):
    from kgraph.errors import ParameterError
    with pytest.raises(ParameterError):
        run_query(store, "timeline", {}, limit=-1)
