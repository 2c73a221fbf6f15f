"""Extraction figures of issue 15: pipeline start-up and words per second with the full gazetteer.

    python -m benchmarks.extraction [--out benchmarks/EXTRACTION.md]

Start-up is measured in fresh processes (the interpreter's imports included), once with the
GeoNames index cache removed (the first run on a machine) and three times with it in place.
Throughput reuses the runner's measurement (benchmarks.run._extraction): seed texts repeated
and generated news, on one core.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_STARTUP = ("import time; t = time.perf_counter(); from kgraph.text.extract import make_extractor; "
            "from kgraph.text.readers import read_text; e = make_extractor(); "
            "e.extract(next(read_text('Tytuł\\n1 maja 2024\\nDelegacja z Poznania przyjechała do Kowna.', 'a.txt'))); "
            "print(time.perf_counter() - t)")


def _startup(cache: Path) -> float:
    env = {**os.environ, "KGRAPH_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", _STARTUP], check=True, env=env, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/EXTRACTION.md"))
    args = parser.parse_args()

    from benchmarks.run import _extraction
    from benchmarks.synthetic import synthetic_records
    from kgraph.records import load_records
    from kgraph.resources import packaged_data_dir

    cache = Path(tempfile.mkdtemp(prefix="kgraph-cache-"))
    try:
        cold = _startup(cache)
        warm = [_startup(cache) for _ in range(3)]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    records = load_records(packaged_data_dir())
    seeds = _extraction(records, 200, curated=True)
    news = _extraction(synthetic_records(10_000), 150)  # news about generated towns and people, as the runner's
    lines = [
        "# Extraction: start-up and throughput (issue 15)",
        "",
        f"One run of `python -m benchmarks.extraction` on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; one core used.",
        "",
        "| figure | target | measured |",
        "|---|---:|---:|",
        f"| start-up, cache in place (process start to first document extracted, median of 3) | ≤ 3 s | "
        f"{statistics.median(warm):.2f} s |",
        f"| start-up, first run on a machine (builds the GeoNames index) | — | {cold:.2f} s |",
        f"| seed texts, words/s ({seeds['words']:,} words) | ≥ 50,000 | {seeds['words_per_s']:,.0f} |",
        f"| generated news, words/s ({news['words']:,} words) | ≥ 50,000 | {news['words_per_s']:,.0f} |",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
