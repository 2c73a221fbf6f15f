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
        _size(10**7, "synthetic 10^7", [
            {"query": "who-visited-where (all)", "kgraph_median_s": 0.02},
            {"query": "who-visited-where person", "kgraph_median_s": 0.06}],
            build_s=80.0, build_peak_bytes=7e9),
    ]}
    rows = {line.split(" | ")[0].lstrip("| "): line for line in _targets(run) if line.startswith("| ") and "---" not in line}
    assert "lowest 20× (capped)" in rows["saved queries, synthetic 10^5"] and "**missed**" in rows["saved queries, synthetic 10^5"]
    assert rows["build, 10^7"].endswith("| met |")
    assert "**missed**" in rows["peak memory of the build, 10^7"]
    assert "slowest 60.0 ms (who-visited-where person) | met |" in rows["who-visited-where first page, 10^7"]
    assert "**missed**" in rows["one person's visits, 10^7"]
    assert "**missed**" in rows["HTML view of 5,000 nodes"]
    assert "lowest 49,000 words/s (curated)" in rows["extraction, one core"]
