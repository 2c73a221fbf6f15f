"""The benchmark report's verdicts on the targets (the numbers themselves are measured, not tested)."""
from benchmarks.run import _targets


def _size(size, label, queries, words_per_s=60_000, **extra):
    return {"size": size, "label": label, "baseline": True, "queries": queries,
            "extraction": {"words_per_s": words_per_s}, **extra}


def test_targets_mark_what_is_missed_and_count_a_capped_rdflib_query_at_its_cap():
    run = {"cap_s": 60.0, "views": [{"nodes": 5000, "seconds": 2.5}], "results": [
        _size(None, "curated", [], words_per_s=49_000),
        _size(10**5, "synthetic 10^5", [
            {"query": "fast", "ratio": 40.0, "rdflib_first_s": 0.4, "kgraph_median_s": 0.01},
            {"query": "capped", "ratio": None, "rdflib_first_s": None, "kgraph_median_s": 3.0}]),
        _size(10**6, "synthetic 10^6", [
            {"query": "posts on a date", "ratio": 28.0, "rdflib_first_s": 2.0, "kgraph_median_s": 0.07}],
            incremental=[{"edit": "move_event", "seconds": 0.3, "mode": "incremental"},
                         {"edit": "add_visit", "seconds": 0.4, "mode": "incremental"}],
            analyze={"total_s": 9.0}, analyze_cap_s=300),
        _size(10**7, "synthetic 10^7", [
            {"query": "who-visited-where (all)", "kgraph_median_s": 0.02},
            {"query": "who-visited-where person", "kgraph_median_s": 0.06}],
            build_s=130.0, build_peak_bytes=7e9, engine_alone={"load_s": 80.0, "optimize_s": 30.0},
            incremental=[{"edit": "move_event", "seconds": 1.5, "mode": "incremental"},
                         {"edit": "relabel_city", "seconds": 1.0, "mode": "full"}],
            analyze=None, analyze_cap_s=300),
    ], "extraction_cores": {"documents": 1000, "cores": 2, "speedup": 1.85,
                            "by_jobs": {1: {"words_per_s": 50_000}, 2: {"words_per_s": 92_500}}}}
    rows = {line.split(" | ")[0].lstrip("| "): line for line in _targets(run) if line.startswith("| ") and "---" not in line}
    assert "lowest 20× (capped)" in rows["saved queries, synthetic 10^5"] and "**missed**" in rows["saved queries, synthetic 10^5"]
    assert "130.00 s / 110.00 s = 1.18× | met |" in rows["full build, 10^7, against pyoxigraph's own load + compaction"]
    assert "**missed**" in rows["posts, synthetic 10^6"]
    assert rows["one changed record rebuilt, synthetic 10^6"].endswith("| met |")
    assert "**missed**" in rows["one changed record rebuilt, synthetic 10^7"]  # one edit fell back to a full build
    assert rows["analyze centrality city-city, synthetic 10^6"].endswith("| met |")
    assert "> 300 s | **missed**" in rows["analyze centrality city-city, synthetic 10^7"]
    assert "1.85×" in rows["extraction of 1,000 news files, 2 cores against 1"]
    assert "**missed**" in rows["peak memory of the build, 10^7"]
    assert "slowest 60.0 ms (who-visited-where person) | met |" in rows["who-visited-where first page, 10^7"]
    assert "**missed**" in rows["one person's visits, 10^7"]
    assert "**missed**" in rows["HTML view of 5,000 nodes"]
    assert "lowest 49,000 words/s (curated)" in rows["extraction, one core"]
