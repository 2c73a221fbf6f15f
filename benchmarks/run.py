"""kgraph at scale, side by side with plain rdflib, in one run: writes BENCHMARKS.md and benchmarks/results.json.

    python -m benchmarks.run                      # curated graph, 10^4 and 10^5 synthetic triples (`make bench`)
    python -m benchmarks.run --large              # also 10^6 and 10^7
    python -m benchmarks.run --sizes 1000000      # chosen sizes
    python -m benchmarks.run --out out/bench      # write the report elsewhere

For each size: synthetic records (benchmarks/synthetic.py) -> live store (build time and
peak memory, measured in a child process), each saved query on kgraph and on plain rdflib
(an in-memory Dataset of the same quads, rdflib's SPARQL, the same bound parameters),
`analyze` centrality on the city-city projection, and extraction throughput on news-like
text generated from the same entities. Once per run: HTML views of 1k, 5k and 20k nodes.

Paged queries (who-visited-where, timeline) ask both for the first page of PAGE rows:
kgraph through its pager, rdflib with the query without the `#if entry` lines (plain
SPARQL 1.1) and `LIMIT PAGE`, on the same quads (the date index included). rdflib runs
in a process that loads the data once and forks a child per query, killed at `--cap`
seconds and reported as "> cap"; it is not run above `--baseline-max` triples.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import select
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from kgraph.build import build_quads, build_records
from kgraph.progress import bar
from kgraph.query import bind_params, conditional_text, load_query, run_query
from kgraph.records import load_records
from kgraph.resources import packaged_data_dir
from kgraph.store import QuadStream, open_store

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PAGE = 100
SLOW = 5.0  # seconds: an rdflib query this slow is run once

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
    partnered = records.partnerships[0].between[0]
    partnered_city = next(p for p in records.places if p.id == partnered).labels["pl"]
    return [
        ("who-visited-where (all)", "who-visited-where", {}),
        ("who-visited-where person", "who-visited-where", {"person": person}),
        ("who-visited-where place+dates", "who-visited-where", {"place": city, "from": "2010-01-01", "to": "2015-12-31"}),
        ("who-visited-where country", "who-visited-where", {"country": "Państwo 3"}),
        ("who-visited-where origin", "who-visited-where", {"origin": home}),
        ("who-visited-where dates", "who-visited-where", {"from": "2010-01-01", "to": "2012-12-31"}),
        ("partners", "partners", {"city": partnered_city}),
        ("cities-with-partners-in", "cities-with-partners-in", {"country": "Państwo 1", "home": "Państwo 2"}),
        ("posts on a date", "posts", {"role": "wiceprezydent", "date": "2020-01-01"}),
        ("timeline", "timeline", {"from": "2024-01-01"}),
        ("mentions", "mentions", {"entity": city}),
    ]


# --- plain rdflib, in its own process -----------------------------------------------------

def _rdflib_host(nquads_path: str, cap: float, inbox, outbox):
    """Load the quads once, then run each query in a forked child (copy-on-write: no reload),
    killed when it passes the cap."""
    from rdflib import Dataset

    from kgraph.results import to_rdflib

    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(nquads_path, format="nquads")
    outbox.put(time.perf_counter() - started)
    while (job := inbox.get()) is not None:
        text, bindings = job
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run the query, report seconds and rows
            os.close(read_fd)
            init = {name: to_rdflib(term) for name, term in bindings}
            t0 = time.perf_counter()
            rows = len(list(dataset.query(text, initBindings=init)))
            os.write(write_fd, json.dumps([time.perf_counter() - t0, rows]).encode())
            os._exit(0)
        os.close(write_fd)
        ready, _, _ = select.select([read_fd], [], [], cap)
        if ready:
            outbox.put(json.loads(os.read(read_fd, 1024) or b"[null, null]"))
        else:
            os.kill(pid, 9)
            outbox.put([None, None])
        os.close(read_fd)
        os.waitpid(pid, 0)


class Baseline:
    def __init__(self, nquads_path: Path, cap: float, load_cap: float):
        ctx = mp.get_context("fork")
        self.inbox, self.outbox = ctx.Queue(), ctx.Queue()
        self.process = ctx.Process(target=_rdflib_host, args=(str(nquads_path), cap, self.inbox, self.outbox), daemon=True)
        self.process.start()
        try:
            self.load_seconds = self.outbox.get(timeout=load_cap)
        except Exception:  # did not load within the cap
            self.load_seconds = None
            self.close()

    def run(self, text: str, bindings) -> tuple[float | None, int | None]:
        if self.load_seconds is None:
            return None, None
        self.inbox.put((text, [(v.value, t) for v, t in bindings.items()]))
        seconds, rows = self.outbox.get()
        return seconds, rows

    def close(self):
        if self.process.is_alive():
            self.inbox.put(None)
            self.process.join(timeout=10)
            self.process.kill()


# --- measurements ---------------------------------------------------------------------------

def _child_main(function, args, queue):
    queue.put((function(*args), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))


def _in_child(function, *args, timeout: float | None = None):
    """function(*args) in a fresh process: (its result, its peak RSS in bytes), or (None, None)
    when it fails or passes the timeout. Spawned, not forked: a forked child inherits
    RocksDB's state without its background threads and can wait on them forever."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    # not daemonic: a measured step may start processes of its own (betweenness on every core)
    process = ctx.Process(target=_child_main, args=(function, args, queue))
    process.start()
    deadline = time.monotonic() + (timeout if timeout is not None else 10**9)
    outcome = (None, None)
    while time.monotonic() < deadline:
        try:
            outcome = queue.get(timeout=1)
            break
        except Exception:
            if not process.is_alive():
                break
    process.kill()
    process.join()
    return outcome


def _one_record_edits(records) -> list:
    """Single-record edits a user makes (kgraph review accepts one fact, someone fixes a date): each
    is applied to the records in memory, then rebuilt incrementally."""
    import dataclasses

    from kgraph.records import Event, PartialDate

    def move_event(r):
        r.events[len(r.events) // 2] = dataclasses.replace(r.events[len(r.events) // 2], start=PartialDate(2011, 3, 4), end=None)

    def rename_person(r):
        r.people[len(r.people) // 3] = dataclasses.replace(r.people[len(r.people) // 3], labels={"pl": "Jan Nowy", "en": "Jan Nowy"})

    def add_visit(r):
        first = r.events[0]
        r.events.append(Event("benchmark-new-visit", "visit", {"pl": "Wizyta", "en": "Visit"}, first.where,
                              start=PartialDate(2012, 6, 7), location=first.location, visitors=first.visitors[:2],
                              sources=first.sources))

    def relabel_city(r):
        city = next(i for i, p in enumerate(r.places) if p.type == "city")
        r.places[city] = dataclasses.replace(r.places[city], labels={"pl": "Nowe Miasto", "en": "Nowe Miasto"})
    return [move_event, rename_person, add_visit, relabel_city]


def _generate_and_build(size, store_dir: str) -> dict:
    from benchmarks.synthetic import synthetic_records

    started = time.perf_counter()
    records = load_records(packaged_data_dir()) if size is None else synthetic_records(size)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    manifest = build_records(records, store_dir, shacl=False, data_dir="benchmark")
    built = {"generate_s": generated, "build_s": time.perf_counter() - started, "quads": manifest.quads,
             "graphs": manifest.graphs}
    edits = []
    for edit in _one_record_edits(records):
        edit(records)
        records.__dict__.pop("_by_id", None)  # the records changed: their index with them
        started = time.perf_counter()
        manifest = build_records(records, store_dir, shacl=False, data_dir="benchmark")
        edits.append({"edit": edit.__name__, "seconds": time.perf_counter() - started, "mode": manifest.mode,
                      "rewritten": manifest.changed})
    return {**built, "incremental": edits}


def _write_nquads(records, path: Path) -> None:
    """The quads a build loads, as an N-Quads file (streamed: 10^7 triples are 2.5 GB of text)."""
    with open(path, "wb") as out:
        sink = QuadStream(out)
        build_quads(records, sink)
        sink.flush()


def _engine_alone(nquads_path: str, db_dir: str) -> dict:
    """pyoxigraph by itself on the quads a build loads: bulk load from the file, then the
    compaction a build runs. What no change to kgraph's own code can go below on this machine."""
    import pyoxigraph as ox

    db = ox.Store(db_dir)
    started = time.perf_counter()
    db.bulk_load(path=nquads_path, format=ox.RdfFormat.N_QUADS)
    loaded = time.perf_counter()
    db.optimize()
    return {"load_s": loaded - started, "optimize_s": time.perf_counter() - loaded}


def _analyze(store_dir: str) -> dict:
    """`kgraph analyze centrality --projection city-city` as a library call: the projection read from the
    store, then the measures."""
    from kgraph.analyse import centrality, projection_for

    started = time.perf_counter()
    projection = projection_for(open_store(store_dir), "city-city")
    loaded = time.perf_counter() - started
    top = centrality(projection, top=10)
    return {"network_s": loaded, "total_s": time.perf_counter() - started, "measures_s": time.perf_counter() - started - loaded,
            "cities": projection.number_of_nodes(), "city_links": projection.number_of_edges(), "top": top[0]["label"] if top else None}


def _extraction_cores(documents: int = 1000) -> dict:
    """`kgraph extract` over `documents` generated news files, with one worker and with one per core
    (median of 3 passes each, after a first)."""
    from benchmarks.synthetic import synthetic_news, synthetic_records
    from kgraph.text.extract import Extractor, default_jobs, extract_paths

    news = synthetic_news(synthetic_records(10_000), documents)
    words = sum(len(text.split()) for _, text in news)
    extractor = Extractor()
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        for number, (name, text) in enumerate(news):
            Path(folder, f"{number:05d}-{name}").write_text(text, encoding="utf-8")
        list(extract_paths([folder], extractor, jobs=1))  # a first pass: files in the page cache, caches warm
        for jobs in sorted({1, default_jobs()}):
            times = []
            for _ in range(3):
                started = time.perf_counter()
                records = list(extract_paths([folder], extractor, jobs=jobs))
                times.append(time.perf_counter() - started)
            seconds = statistics.median(times)
            rows[jobs] = {"seconds": seconds, "words_per_s": words / seconds, "records": len(records)}
    cores = max(rows)
    return {"documents": documents, "words": words, "cores": cores, "by_jobs": rows,
            "speedup": rows[cores]["words_per_s"] / rows[1]["words_per_s"]}


def _extraction(records, documents: int, *, curated: bool = False) -> dict:
    from benchmarks.synthetic import synthetic_news
    from kgraph.text.extract import Extractor
    from kgraph.text.readers import read_text

    if curated:  # the seed documents, repeated
        texts = [p.read_text(encoding="utf-8") for p in sorted((packaged_data_dir() / "texts").glob("*"))]
        news = [(f"seed-{i}.txt", texts[i % len(texts)]) for i in range(documents)]
    else:
        news = synthetic_news(records, documents)
    words = sum(len(text.split()) for _, text in news)
    extractor = Extractor()
    runs = []
    for _ in range(4):
        started = time.perf_counter()
        for name, text in news:
            for record in extractor.extract_all(read_text(text, name)):
                json.dumps(record, ensure_ascii=False)
        runs.append(time.perf_counter() - started)
    return {"documents": documents, "words": words, "first_words_per_s": words / runs[0],
            "words_per_s": words / statistics.median(runs[1:])}


def _views(sizes) -> list[dict]:
    from benchmarks.view import synthetic_network
    from kgraph.files import write_atomic
    from kgraph.view import render_html

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            G = synthetic_network(size)
            started = time.perf_counter()
            page = render_html(G, title=f"synthetic {size}").encode("utf-8")
            write_atomic(Path(tmp) / "view.html", page)
            rows.append({"nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
                         "seconds": time.perf_counter() - started, "bytes": len(page)})
            print(f"  view {size:>6} nodes: {rows[-1]['seconds']:.2f} s", flush=True)
    return rows


def measure(label: str, size, *, cap: float, repeat: int, baseline: bool, analyze_cap: float) -> dict:
    from benchmarks.synthetic import synthetic_records

    work = Path(tempfile.mkdtemp(prefix="kgraph-bench-"))
    store_dir = str(work / "store")
    built, peak = _in_child(_generate_and_build, size, store_dir)
    print(f"{label}: {built['quads']:,} quads, built in {built['build_s']:.1f} s, peak {peak / 2**30:.2f} GiB; one record "
          "rebuilt in " + ", ".join(f"{e['seconds']:.2f} s ({e['edit']}, {e['mode']})" for e in built["incremental"]), flush=True)
    records = load_records(packaged_data_dir()) if size is None else synthetic_records(size)
    queries = CURATED_QUERIES if size is None else synthetic_queries(records)
    _write_nquads(records, work / "data.nq")
    engine, _ = _in_child(_engine_alone, str(work / "data.nq"), str(work / "engine-alone"))
    shutil.rmtree(work / "engine-alone", ignore_errors=True)
    print(f"  pyoxigraph alone: load {engine['load_s']:.1f} s + compaction {engine['optimize_s']:.1f} s" if engine
          else "  pyoxigraph alone: failed", flush=True)
    rdflib_ = None
    if baseline:
        rdflib_ = Baseline(work / "data.nq", cap, load_cap=max(600.0, cap * 10))
    store = open_store(store_dir)
    rows = []
    for name, query_name, params in queries:
        saved = load_query(query_name)
        bindings = bind_params(saved, params)
        limit = PAGE if saved.page_by else None
        times, count = [], None
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            count = len(run_query(store, saved, params, limit=limit).rows)
            times.append(time.perf_counter() - t0)
        row = {"query": name, "rows": count, "kgraph_first_s": times[0], "kgraph_median_s": statistics.median(times[1:])}
        if rdflib_ is not None:
            text = conditional_text(saved.text, bindings) + (f"\nLIMIT {PAGE}\n" if limit else "")
            first, base_rows = rdflib_.run(text, bindings)
            # a slow query runs once (its one time is its median), so a run stays within minutes
            again = [rdflib_.run(text, bindings)[0] for _ in range(2)] if first is not None and first < SLOW else [first]
            median = statistics.median(again) if again and None not in again else None
            row.update(rdflib_first_s=first, rdflib_median_s=median, rdflib_rows=base_rows,
                       ratio=(median / row["kgraph_median_s"]) if median else None)
        rows.append(row)
        print(f"  {name:32} kgraph {row['kgraph_median_s'] * 1000:9.1f} ms   rdflib "
              + (f"{row['rdflib_median_s'] * 1000:9.1f} ms" if row.get("rdflib_median_s") else
                 ("not run" if rdflib_ is None else f"> {cap:.0f} s")), flush=True)
    del store
    if rdflib_ is not None:
        rdflib_.close()
    analysed, _ = _in_child(_analyze, store_dir, timeout=analyze_cap)
    print(f"  analyze city-city: {analysed['total_s']:.1f} s" if analysed else f"  analyze: failed or > {analyze_cap:.0f} s",
          flush=True)
    extraction = _extraction(records, 100 if size is None else 150, curated=size is None)
    print(f"  extraction: {extraction['words_per_s']:,.0f} words/s", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return {"label": label, "size": size, **built, "build_peak_bytes": peak, "engine_alone": engine,
            "rdflib_load_s": rdflib_.load_seconds if rdflib_ else None, "baseline": baseline,
            "queries": rows, "analyze": analysed, "analyze_cap_s": analyze_cap, "extraction": extraction}


# --- report ---------------------------------------------------------------------------------

def _fmt(seconds):
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _targets(run: dict) -> list[str]:
    """The figures kgraph aims at (issue 6) against this run's numbers, for the sizes the run measured."""
    by_size = {r["size"]: r for r in run["results"]}
    rows = []

    def add(figure: str, target: str, measured: str, met: bool):
        rows.append(f"| {figure} | {target} | {measured} | {'met' if met else '**missed**'} |")

    for size in (10**5, 10**6):
        r = by_size.get(size)
        posts = next((q for q in r["queries"] if q["query"] == "posts on a date"), None) if r and r["baseline"] else None
        if posts and posts.get("ratio"):
            add(f"posts, {r['label']}", "≥ 30× rdflib", f"{posts['ratio']:,.0f}× ({_fmt(posts['kgraph_median_s'])})",
                posts["ratio"] >= 30)
        if r and r["baseline"]:
            # a query rdflib did not finish counts with its cap, a lower bound of its ratio
            ratios = [(q["ratio"] if q.get("ratio") else run["cap_s"] / q["kgraph_median_s"], q["query"])
                      for q in r["queries"] if q.get("ratio") or q["rdflib_first_s"] is None]
            worst, name = min(ratios)
            add(f"saved queries, {r['label']}", "≥ 30× rdflib, each", f"lowest {worst:,.0f}× ({name})", worst >= 30)
    for size, cap in ((10**6, 0.5), (10**7, 2.0)):
        r = by_size.get(size)
        if r and r.get("incremental"):
            slowest = max(r["incremental"], key=lambda e: e["seconds"])
            modes = {e["mode"] for e in r["incremental"]}
            add(f"one changed record rebuilt, {r['label']}", f"≤ {_fmt(cap)}", f"slowest {_fmt(slowest['seconds'])} "
                f"({slowest['edit']}); {'/'.join(sorted(modes))}", slowest["seconds"] <= cap and modes == {"incremental"})
    for size, cap in ((10**6, 10.0), (10**7, 60.0)):
        r = by_size.get(size)
        if r:
            seconds = r["analyze"]["total_s"] if r["analyze"] else None
            add(f"analyze centrality city-city, {r['label']}", f"≤ {cap:.0f} s",
                _fmt(seconds) if seconds else f"> {r['analyze_cap_s']:.0f} s", bool(seconds and seconds <= cap))
    r = by_size.get(10**7)
    if r:
        engine = r.get("engine_alone")
        if engine:
            alone = engine["load_s"] + engine["optimize_s"]
            add("full build, 10^7, against pyoxigraph's own load + compaction", "≤ 1.2×",
                f"{_fmt(r['build_s'])} / {_fmt(alone)} = {r['build_s'] / alone:.2f}×", r["build_s"] <= 1.2 * alone)
        add("peak memory of the build, 10^7", "≤ 6 GB", f"{r['build_peak_bytes'] / 1e9:.2f} GB", r["build_peak_bytes"] <= 6e9)
        pages = [q for q in r["queries"] if q["query"].startswith("who-visited-where")]
        slowest = max(pages, key=lambda q: q["kgraph_median_s"])
        add("who-visited-where first page, 10^7", "≤ 100 ms",
            f"slowest {_fmt(slowest['kgraph_median_s'])} ({slowest['query']})", slowest["kgraph_median_s"] <= 0.1)
        person = next(q for q in pages if q["query"] == "who-visited-where person")
        add("one person's visits, 10^7", "≤ 50 ms", _fmt(person["kgraph_median_s"]), person["kgraph_median_s"] <= 0.05)
    view = next((v for v in run["views"] if v["nodes"] == 5000), None)
    if view:
        add("HTML view of 5,000 nodes", "≤ 2 s", _fmt(view["seconds"]), view["seconds"] <= 2)
    cores = run.get("extraction_cores")
    if cores:
        add(f"extraction of {cores['documents']:,} news files, {cores['cores']} cores against 1", "≥ 1.8×",
            f"{cores['speedup']:.2f}× ({cores['by_jobs'][cores['cores']]['words_per_s']:,.0f} against "
            f"{cores['by_jobs'][1]['words_per_s']:,.0f} words/s)", cores["speedup"] >= 1.8)
    slowest = min(run["results"], key=lambda r: r["extraction"]["words_per_s"])
    add("extraction, one core", "≥ 50,000 words/s", f"lowest {slowest['extraction']['words_per_s']:,.0f} words/s "
        f"({slowest['label']})", slowest["extraction"]["words_per_s"] >= 50_000)
    return ["## Targets", "", "| figure | target | this run | |", "|---|---|---|---|", *rows, ""]


def write_report(run: dict, out: Path, json_path: Path):
    cap = run["cap_s"]
    lines = ["# Benchmarks: kgraph at scale, next to plain rdflib", "",
             f"Machine: {run['machine']}. One run of `{run['command']}` ({run['date']}). Synthetic data from "
             "`benchmarks/synthetic.py` (seeded): Polish-like people with posts, cities in many countries, partnerships, "
             "visits with 1–5 visitors; a size is the number of curated triples, and the store also holds the ontology "
             "and the date index (kgraph's derived `kgi:` graph), which rdflib gets too. Queries: median of "
             f"{run['repeat']} runs after a first run, reported apart (rdflib: median of 2, or one run when the first "
             f"took over {SLOW:.0f} s). rdflib: an in-memory `Dataset` of the same quads "
             f"and its SPARQL engine; \"> {cap:.0f} s\" is a query stopped at the cap; \"not run\" is above "
             f"{run['baseline_max']:,} triples, where loading alone needs more than 8 minutes and 12 GB. "
             f"Raw numbers: [`{json_path.relative_to(out) if json_path.is_relative_to(out) else json_path}`]"
             f"({json_path.relative_to(out) if json_path.is_relative_to(out) else json_path}).", "",
             "## Build, analysis, extraction", "",
             "| data | quads in store | build (records → live store) | pyoxigraph alone: load + compaction "
             "| one record rebuilt (slowest of 4) | peak memory | rdflib load | analyze city-city | extraction |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in run["results"]:
        analysed = r["analyze"]
        analyze = _fmt(analysed["total_s"]) + f" ({analysed['cities']:,} cities)" if analysed else f"> {r['analyze_cap_s']:.0f} s"
        rdflib_load = _fmt(r["rdflib_load_s"]) if r["rdflib_load_s"] is not None else ("not run" if not r["baseline"] else "> cap")
        engine = r.get("engine_alone")
        alone = f"{_fmt(engine['load_s'])} + {_fmt(engine['optimize_s'])}" if engine else "—"
        edits = r.get("incremental") or []
        one = _fmt(max(e["seconds"] for e in edits)) if edits else "—"
        lines.append(f"| {r['label']} | {r['quads']:,} | {_fmt(r['build_s'])} | {alone} | {one} | "
                     f"{r['build_peak_bytes'] / 2**30:.2f} GiB | {rdflib_load} | {analyze} | "
                     f"{r['extraction']['words_per_s']:,.0f} words/s |")
    lines += ["", "Build: the records are already in memory (generated); the time runs from records to a live, "
              "compacted store (N-Quads written and bulk-loaded in parallel, then RocksDB compaction). "
              "pyoxigraph alone: the same quads bulk-loaded from an N-Quads file into an empty store, then compacted, "
              "with no kgraph code running: the floor of a build on this machine with this engine. One record rebuilt: "
              "after the full build, four edits one after another (an event's date, a person's name, a new visit, a "
              "city's name), each a new record object in the same Records, followed by `build_records`, which digests "
              "only the record objects it has not seen (records are immutable; kgraph.incremental), finds the change "
              "and rewrites only what it touches; the slowest of the four. (`kgraph build` on the command line, a new "
              "process that reads the files, costs more: benchmarks/CLI.md.) The saved queries run on the store as the "
              "four edits left it: beside its compacted files, the small ones each edit wrote, which every lookup "
              "reads too (about a fifth slower than right after a full build). Peak memory is "
              "the building process's (records included). analyze: `kgraph analyze centrality --projection city-city` "
              "as a library call (`kgraph.analyse.projection_for` + `centrality`), reading from the store included. "
              "Extraction: the whole pipeline, text to JSON, "
              "on one core, on news-like text generated from the same entities (median of 3 passes after a first).", ""]
    for r in run["results"]:
        lines += [f"## Saved queries: {r['label']}", "",
                  "| query | rows | kgraph first | kgraph median | rdflib first | rdflib median | rdflib / kgraph |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for row in r["queries"]:
            if r["baseline"]:
                first = _fmt(row["rdflib_first_s"]) if row["rdflib_first_s"] is not None else f"> {cap:.0f} s"
                median = _fmt(row["rdflib_median_s"]) if row["rdflib_median_s"] is not None else f"> {cap:.0f} s"
                ratio = f"{row['ratio']:,.0f}×" if row.get("ratio") else (f"> {cap / row['kgraph_median_s']:,.0f}×"
                                                                            if row["rdflib_first_s"] is None else "—")
            else:
                first = median = ratio = "not run"
            lines.append(f"| {row['query']} | {row['rows']} | {_fmt(row['kgraph_first_s'])} | "
                         f"{_fmt(row['kgraph_median_s'])} | {first} | {median} | {ratio} |")
        lines.append("")
    at = lines.index("## Build, analysis, extraction")
    lines[at:at] = _targets(run)
    lines += ["## HTML views", "", "| nodes | edges | layout + HTML written | size |", "|---:|---:|---:|---:|"]
    for v in run["views"]:
        lines.append(f"| {v['nodes']:,} | {v['edges']:,} | {_fmt(v['seconds'])} | {v['bytes'] / 2**20:.1f} MiB |")
    lines += ["", "Opening these pages in Chromium: `benchmarks/VIEW.md`. Concurrent load on `kgraph serve`: "
              "`benchmarks/LOAD.md`.", ""]
    (out / "BENCHMARKS.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    parser.add_argument("--large", action="store_true", help="also 10^6 and 10^7 triples")
    parser.add_argument("--cap", type=float, default=60.0, help="seconds before an rdflib query is stopped")
    parser.add_argument("--baseline-max", type=int, default=1_000_000, help="largest size rdflib runs on")
    parser.add_argument("--analyze-cap", type=float, default=600.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--views", type=int, nargs="*", default=[1000, 5000, 20000])
    parser.add_argument("--out", type=Path, default=ROOT, help="directory for BENCHMARKS.md (results.json beside it, "
                                                                 "or in benchmarks/ for the repository's own)")
    args = parser.parse_args(argv)
    sizes = args.sizes if args.sizes is not None else [10_000, 100_000] + ([1_000_000, 10_000_000] if args.large else [])
    args.out.mkdir(parents=True, exist_ok=True)
    json_path = HERE / "results.json" if args.out.resolve() == ROOT else args.out / "results.json"
    run = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
           "command": "python -m benchmarks.run" + (" --large" if args.large else "") +
                      (f" --sizes {' '.join(map(str, args.sizes))}" if args.sizes is not None else "") +
                      (f" --analyze-cap {args.analyze_cap:g}" if args.analyze_cap != 600.0 else ""),
           "date": time.strftime("%Y-%m-%d"), "cap_s": args.cap, "repeat": args.repeat,
           "baseline_max": args.baseline_max, "results": [], "views": _views(args.views)}
    run["extraction_cores"] = _extraction_cores()
    print(f"extraction on {run['extraction_cores']['cores']} cores: {run['extraction_cores']['speedup']:.2f}x one core",
          flush=True)
    started = time.perf_counter()
    for size in bar()([None, *sizes], total=len(sizes) + 1, what="sizes"):
        label = "curated (data/)" if size is None else f"synthetic 10^{len(str(size)) - 1}" if str(size).strip("0") == "1" \
            else f"synthetic {size:,}"
        run["results"].append(measure(label, size, cap=args.cap, repeat=args.repeat, analyze_cap=args.analyze_cap,
                                      baseline=size is None or size <= args.baseline_max))
        # after every size, so a long run that is stopped keeps what it measured
        json_path.write_text(json.dumps(run, indent=1, default=str), encoding="utf-8")
        write_report(run, args.out, json_path)
        print(f"-- {label} done, {time.perf_counter() - started:.0f} s into the run", flush=True)


if __name__ == "__main__":
    main()
