"""Extraction throughput: whole pipeline (reader to JSON) on one core, words per second.

    python -m benchmarks.extraction            # writes benchmarks/EXTRACTION.md

The text is the seed documents repeated (the cache warms on the first pass, as it does
on a real corpus); reported: first pass and the median of three passes.
"""
from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from kgraph.extract import Extractor
from kgraph.readers import read_text
from kgraph.resources import packaged_data_dir

HERE = Path(__file__).resolve().parent


def main():
    texts = [p.read_text(encoding="utf-8") for p in sorted((packaged_data_dir() / "texts").glob("*"))]
    corpus = [(f"doc{i}.txt", texts[i % len(texts)]) for i in range(200)]
    words = sum(len(t.split()) for _, t in corpus)
    extractor = Extractor()
    runs = []
    for _ in range(4):
        started = time.perf_counter()
        for name, text in corpus:
            for record in extractor.extract_all(read_text(text, name)):
                json.dumps(record, ensure_ascii=False)
        runs.append(time.perf_counter() - started)
    first, median = words / runs[0], words / statistics.median(runs[1:])
    report = (f"# Extraction throughput\n\n{words:,} words (the two seed documents, 200 times), reader to JSON, one process.\n\n"
              f"| pass | words/s |\n|---|---:|\n| first (cold Morfeusz cache) | {first:,.0f} |\n| median of 3 more | {median:,.0f} |\n")
    (HERE / "EXTRACTION.md").write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
