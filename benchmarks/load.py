"""Load test of `kgraph serve`: concurrent clients running a mix of saved queries over HTTP.

    python -m benchmarks.load                          # 8 clients x 250 queries on the curated graph
    python -m benchmarks.load --clients 4 --queries 50

Starts `kgraph serve` on a free loopback port, runs the saved queries through
kgraph.remote.Endpoint (the client `--endpoint` uses), counts errors and
measures latency per query. Writes benchmarks/load.json and benchmarks/LOAD.md;
exits 1 if any query failed.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from kgraph.build import build
from kgraph.query import run_query
from kgraph.remote import Endpoint

HERE = Path(__file__).resolve().parent
MIX = [
    ("who-visited-where", {}), ("who-visited-where", {"place": "Łowecz"}), ("who-visited-where", {"person": "Kinastowski"}),
    ("who-visited-where", {"country": "Bułgaria"}), ("partners", {"city": "Kalisz"}),
    ("cities-with-partners-in", {"country": "Chiny"}), ("posts", {"role": "wiceprezydent", "date": "2017-06-01"}),
    ("timeline", {}), ("mentions", {"entity": "Łowecz"}),
]


def run_load(url: str, clients: int, queries: int) -> dict:
    """`clients` threads, each running `queries` queries of MIX in turn; latencies and errors."""
    latencies, errors, lock = [], [], threading.Lock()

    def client(number: int):
        endpoint = Endpoint(url, timeout=60, retries=0)  # a retry would hide an error
        for i in range(queries):
            name, params = MIX[(number + i) % len(MIX)]
            start = time.perf_counter()
            try:
                run_query(endpoint, name, params)
            except Exception as e:  # noqa: BLE001 - every failure counts, whatever its kind
                with lock:
                    errors.append(f"{name}: {e}")
                continue
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    def pct(p):
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else None
    return {"clients": clients, "queries_per_client": queries, "queries": clients * queries, "errors": len(errors),
            "first_errors": errors[:5], "seconds": round(elapsed, 2),
            "throughput_qps": round(len(latencies) / elapsed, 1) if elapsed else None,
            "p50_ms": round(pct(50) * 1000, 1) if ordered else None, "p99_ms": round(pct(99) * 1000, 1) if ordered else None,
            "mean_ms": round(statistics.mean(ordered) * 1000, 1) if ordered else None}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--queries", type=int, default=250)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / ".kgraph"
        build(store_dir=store)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        kgraph = Path(sys.executable).parent / "kgraph"
        server = subprocess.Popen([str(kgraph), "serve", "--port", str(port), "--store", str(store)],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            server.stdout.readline()  # "SPARQL endpoint: ..." once it listens
            result = run_load(f"http://127.0.0.1:{port}/query", args.clients, args.queries)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print(json.dumps(result, indent=1))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    (HERE / "load.json").write_text(json.dumps({"machine": machine, **result}, indent=1) + "\n", encoding="utf-8")
    lines = ["# Load test: `kgraph serve` under concurrent clients", "",
             f"Machine: {machine}; clients and server on the same machine. `python -m benchmarks.load`: "
             f"{result['clients']} clients × {result['queries_per_client']} queries over HTTP (SPARQL 1.1 Protocol), "
             "a mix of the saved queries (who-visited-where with and without filters, partners, cities-with-partners-in, "
             "posts, timeline, mentions) on the curated graph; latency is per query, as the client sees it.", "",
             "| queries | errors | wall time | throughput | p50 | p99 | mean |", "|---:|---:|---:|---:|---:|---:|---:|",
             f"| {result['queries']:,} | {result['errors']} | {result['seconds']:.1f} s | {result['throughput_qps']} queries/s | "
             f"{result['p50_ms']} ms | {result['p99_ms']} ms | {result['mean_ms']} ms |"]
    (HERE / "LOAD.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
