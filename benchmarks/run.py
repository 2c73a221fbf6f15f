"""Saved-query timings: kgraph (pyoxigraph store) next to plain rdflib, same data, same queries, one run.

    python -m benchmarks.run                      # curated graph, 10^4 and 10^5 synthetic triples
    python -m benchmarks.run --sizes 1000000      # larger sizes on request
    python -m benchmarks.run --cap 60             # seconds before a baseline query is reported as "> cap"

Writes benchmarks/results.json and benchmarks/RESULTS.md. rdflib runs in a worker
process so a slow query can be stopped at the cap; each query runs once ("first")
and then `--repeat` more times (median).

Paged queries (who-visited-where, timeline) ask both engines for the first page
of PAGE rows: kgraph through its pager, rdflib with the same query text without
the `#if entry` lines (plain SPARQL 1.1) and `LIMIT PAGE`, on the same quads
(the date index included).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import statistics
import tempfile
import time
from pathlib import Path

from kgraph.build import build_quads, build_records
from kgraph.query import bind_params, conditional_text, load_query, run_query
from kgraph.records import load_records
from kgraph.resources import packaged_data_dir
from kgraph.store import QuadLines, open_store

HERE = Path(__file__).resolve().parent
PAGE = 100

# (label, saved query, parameters): parameters chosen to exist at every size
CURATED_QUERIES = [
    ("who-visited-where (all)", "who-visited-where", {}),
    ("who-visited-where person", "who-visited-where", {"person": "Krystian Kinastowski"}),
    ("who-visited-where place+dates", "who-visited-where", {"place": "Łowecz", "from": "2025-09-01", "to": "2025-09-30"}),
    ("who-visited-where country", "who-visited-where", {"country": "Bułgaria"}),
    ("who-visited-where origin", "who-visited-where", {"origin": "Łowecz"}),
    ("partners", "partners", {"city": "Kalisz"}),
    ("cities-with-partners-in", "cities-with-partners-in", {"country": "Chiny"}),
    ("posts on a date", "posts", {"role": "wiceprezydent", "date": "2020-01-01"}),
    ("timeline", "timeline", {}),
    ("mentions", "mentions", {"entity": "Łowecz"}),
]
def synthetic_queries(records) -> list:
    """The same query mix for a synthetic graph, with parameters that name entities it holds."""
    person = records.people[7 % len(records.people)].labels["pl"]
    city = next(p for p in records.places if p.id == "city-3").labels["pl"]
    home = next(p for p in records.places if p.id == "city-1").labels["pl"]
    return [
        ("who-visited-where (all)", "who-visited-where", {}),
        ("who-visited-where person", "who-visited-where", {"person": person}),
        ("who-visited-where place+dates", "who-visited-where", {"place": city, "from": "2010-01-01", "to": "2015-12-31"}),
        ("who-visited-where country", "who-visited-where", {"country": "Państwo 3"}),
        ("who-visited-where origin", "who-visited-where", {"origin": home}),
        ("who-visited-where dates", "who-visited-where", {"from": "2010-01-01", "to": "2012-12-31"}),
        ("partners", "partners", {"city": home}),
        ("cities-with-partners-in", "cities-with-partners-in", {"country": "Państwo 1", "home": "Państwo 2"}),
        ("posts on a date", "posts", {"role": "wiceprezydent", "date": "2020-01-01"}),
        ("timeline", "timeline", {"from": "2024-01-01"}),
        ("mentions", "mentions", {"entity": city}),
    ]


def _rdflib_worker(nquads_path: str, inbox, outbox):
    from rdflib import Dataset

    from kgraph.results import to_rdflib

    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(nquads_path, format="nquads")
    outbox.put(("loaded", time.perf_counter() - started))
    while (job := inbox.get()) is not None:
        text, bindings = job
        init = {name: to_rdflib(term) for name, term in bindings}
        started = time.perf_counter()
        rows = len(list(dataset.query(text, initBindings=init)))
        outbox.put(("done", time.perf_counter() - started, rows))


class Baseline:
    """Plain rdflib in a separate process, restartable when a query passes the cap."""

    def __init__(self, nquads_path: Path, cap: float):
        self.path, self.cap, self.load_seconds = str(nquads_path), cap, None
        self._start()

    def _start(self):
        ctx = mp.get_context("fork")
        self.inbox, self.outbox = ctx.Queue(), ctx.Queue()
        self.process = ctx.Process(target=_rdflib_worker, args=(self.path, self.inbox, self.outbox), daemon=True)
        self.process.start()
        try:
            _, seconds = self.outbox.get(timeout=max(self.cap * 10, 600))
            self.load_seconds = self.load_seconds or seconds
        except Exception:
            self.load_seconds = None

    def run(self, text: str, bindings) -> tuple[float | None, int | None]:
        self.inbox.put((text, [(v.value, t) for v, t in bindings.items()]))
        try:
            _, seconds, rows = self.outbox.get(timeout=self.cap)
            return seconds, rows
        except Exception:  # over the cap: stop the worker, start a fresh one for the next query
            self.process.kill()
            self.process.join()
            self._start()
            return None, None

    def close(self):
        self.inbox.put(None)
        self.process.join(timeout=10)


def measure(label: str, records, queries, *, cap: float, repeat: int, baseline: bool = True) -> dict:
    work = Path(tempfile.mkdtemp(prefix="kgraph-bench-"))
    started = time.perf_counter()
    manifest = build_records(records, work / "store", shacl=False, data_dir=label)
    build_seconds = time.perf_counter() - started
    load_seconds = None  # the build loads as it writes (kgraph.store.write_store)
    sink = QuadLines()
    build_quads(records, sink)
    (work / "data.nq").write_text(sink.text(), encoding="utf-8")
    store = open_store(work / "store")
    triples = manifest.quads
    rdflib_ = Baseline(work / "data.nq", cap) if baseline else None
    rows = []
    for name, query_name, params in queries:
        saved = load_query(query_name)
        bindings = bind_params(saved, params)
        limit = PAGE if saved.page_by else None
        baseline_text = conditional_text(saved.text, bindings) + (f"\nLIMIT {PAGE}\n" if limit else "")
        times, count = [], None
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            count = len(run_query(store, saved, params, limit=limit).rows)
            times.append(time.perf_counter() - t0)
        row = {"query": name, "rows": count, "kgraph_first_s": times[0], "kgraph_median_s": statistics.median(times[1:])}
        if rdflib_:
            first, base_rows = rdflib_.run(baseline_text, bindings)
            again = [rdflib_.run(baseline_text, bindings)[0] for _ in range(min(repeat, 2))] if first is not None else []
            median = statistics.median([t for t in again if t is not None]) if again and None not in again else None
            row.update(rdflib_first_s=first, rdflib_median_s=median, rdflib_rows=base_rows,
                       ratio=(median / row["kgraph_median_s"]) if median else None)
        rows.append(row)
        print(f"  {label:>10} {name:32} kgraph {row['kgraph_median_s']*1000:9.1f} ms   rdflib "
              + (f"{row['rdflib_median_s']*1000:9.1f} ms" if row.get("rdflib_median_s") else f"> {cap:.0f} s"), flush=True)
    if rdflib_:
        rdflib_.close()
    return {"label": label, "triples": triples, "graph_build_s": build_seconds, "kgraph_load_s": load_seconds,
            "rdflib_load_s": rdflib_.load_seconds if rdflib_ else None, "queries": rows}


def _fmt(seconds):
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def write_report(results: list[dict], cap: float, path: Path):
    lines = ["# Saved-query benchmark: kgraph (pyoxigraph) vs plain rdflib", "",
             f"Machine: {platform.machine()}, {mp.cpu_count()} cores, Python {platform.python_version()}. "
             f"Same data and the same saved queries with the same bound parameters, in one run "
             f"(`python -m benchmarks.run`). Median of repeated runs; first run apart. "
             f"rdflib queries stopped after {cap:.0f} s are shown as \"> {cap:.0f} s\".", ""]
    for result in results:
        lines += [f"## {result['label']}: {result['triples']:,} quads", "",
                  f"Graph built from records in {_fmt(result['graph_build_s'])}; loaded into the kgraph store in "
                  f"{_fmt(result['kgraph_load_s'])}; into an rdflib Dataset in {_fmt(result['rdflib_load_s'])}.", "",
                  "| query | rows | kgraph first | kgraph median | rdflib first | rdflib median | rdflib / kgraph |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for row in result["queries"]:
            capped = f"> {cap:.0f} s"
            lines.append(f"| {row['query']} | {row['rows']} | {_fmt(row['kgraph_first_s'])} | {_fmt(row['kgraph_median_s'])} | "
                         f"{_fmt(row.get('rdflib_first_s')) if row.get('rdflib_first_s') is not None else capped} | "
                         f"{_fmt(row.get('rdflib_median_s')) if row.get('rdflib_median_s') is not None else capped} | "
                         f"{(str(round(row['ratio'])) + '×') if row.get('ratio') else '—'} |")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def main():
    from benchmarks.synthetic import synthetic_records

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--cap", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = [measure("curated", load_records(packaged_data_dir()), CURATED_QUERIES, cap=args.cap, repeat=args.repeat)]
    for size in [None, *args.sizes]:
        if size is not None:
            records = synthetic_records(size)
            results.append(measure(f"synthetic {size:.0e}".replace("+0", ""), records, synthetic_queries(records),
                                   cap=args.cap, repeat=args.repeat))
        # after every size, so a long run that is stopped keeps what it measured
        (HERE / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        write_report(results, args.cap, HERE / "RESULTS.md")


if __name__ == "__main__":
    main()
