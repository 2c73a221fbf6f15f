"""Review figures of issue 16: the page with 1,000 pending proposals opens in Chromium in at most 1 s,
and a decision is written in at most 100 ms.

    python -m benchmarks.review [--out benchmarks/REVIEW.md]

The queue is made by `kgraph review add` from generated extraction records (500 visits of made-up
people to curated towns, each with its sentence: 500 visit and 500 person proposals) on a copy of the shipped records; the server is
`kgraph review` itself. "Opens" is the time from navigation start until the page has drawn every
proposal (performance.now() at its first render). A decision is one POST accept or reject to the
running server, timed by the client: the YAML read, validated by load_records and written.
"""
from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROPOSALS = 1000
DECISIONS = 40


def _extractions() -> list[dict]:
    towns = ["Kalisz", "Martin", "Erfurt", "Hamm", "Łowecz"]
    records = []
    for k in range(PROPOSALS // 2):  # each: a new person and a visit, two proposals
        name, town = f"Osoba{k:04d} Nowakowska", towns[k % len(towns)]
        sentence = f"Do miasta {town} przyjechała {name} z delegacją."
        records.append({"doc": f"gen-{k // 10:03d}.txt", "source": f"https://example.org/news/{k // 10}", "title": f"Wiadomość {k // 10}",
                        "date": "2024-05-05", "entities": [
                            {"type": "Person", "name": name, "mentions": [[16 + len(town), 16 + len(town) + len(name), name]]},
                            {"type": "City", "name": town, "mentions": [[10, 10 + len(town), town]]}],
                        "visits": [{"visitor": name, "place": town, "start": "2024-05-05", "end": "2024-05-05",
                                    "evidence": {"sentence": sentence, "start": 0, "end": len(sentence), "rule": "travel",
                                                 "confidence": 0.85}}],
                        "roles": [], "partnerships": []})
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/REVIEW.md"))
    args = parser.parse_args()

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait
    import httpx

    from kgraph.resources import packaged_data_dir

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(packaged_data_dir(), data)
        found = Path(tmp) / "found.jsonl"
        found.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _extractions()), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "kgraph.cli", "review", "add", str(found), "--data", str(data)], check=True)
        server = subprocess.Popen([sys.executable, "-m", "kgraph.cli", "review", "--no-browser", "--data", str(data)],
                                  stdout=subprocess.PIPE, text=True)
        try:
            url = server.stdout.readline().split("review page: ")[1].strip()
            options = webdriver.ChromeOptions()
            options.binary_location = "/usr/bin/chromium"
            for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                             "--window-size=1280,900", "--proxy-server=http://127.0.0.1:9"):
                options.add_argument(argument)
            driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
            opens = []
            try:
                for _ in range(5):
                    driver.get(url)
                    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return window.kgraphFirstRender !== undefined"))
                    shown = int(driver.execute_script("return document.body.dataset.shown"))
                    assert shown == PROPOSALS, shown
                    opens.append(driver.execute_script("return window.kgraphFirstRender") / 1000)
            finally:
                driver.quit()
            base, token = url.split("/?token=")
            headers = {"X-Kgraph-Token": token}
            state = httpx.get(f"{base}/api/state?kind=visit", headers=headers, timeout=60).json()
            ids = [p["id"] for p in state["proposals"]][:DECISIONS]
            accept, reject = [], []
            for k, proposal_id in enumerate(ids):
                action = "accept" if k % 2 == 0 else "reject"
                started = time.perf_counter()
                response = httpx.post(f"{base}/api/proposals/{proposal_id}/{action}", headers=headers, timeout=60)
                (accept if action == "accept" else reject).append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
        finally:
            server.terminate()
            server.wait(10)

    def ms(values):
        return f"{statistics.median(values) * 1000:.0f} ms (max {max(values) * 1000:.0f} ms)"

    open_median = statistics.median(opens)
    decision_median = statistics.median(accept + reject)
    lines = [
        "# Review page benchmark (issue 16)", "",
        f"`python -m benchmarks.review` on {platform.machine()}, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}. The queue: {PROPOSALS} pending proposals (generated: {PROPOSALS // 2} visits and the "
        f"{PROPOSALS // 2} new people in them), on a copy of the shipped records.", "",
        "| figure | target | measured (median of runs) | |", "|---|---|---|---|",
        f"| page opens with {PROPOSALS} pending proposals, Chromium, navigation start to all drawn (5 loads) | ≤ 1 s | "
        f"{open_median:.2f} s (max {max(opens):.2f} s) | {'met' if open_median <= 1 else 'missed'} |",
        f"| a decision written: POST accept ({len(accept)}) | ≤ 100 ms | {ms(accept)} | "
        f"{'met' if statistics.median(accept) <= 0.1 else 'missed'} |",
        f"| a decision written: POST reject ({len(reject)}) | ≤ 100 ms | {ms(reject)} | "
        f"{'met' if statistics.median(reject) <= 0.1 else 'missed'} |", "",
        "An accept validates the records as they would be (load_records, with the new "
        "texts in memory) and writes each file atomically (a new record is appended; a changed one is re-read round-trip); a reject appends to data/review/rejected.yaml. Both rewrite "
        f"data/review/queue.json ({PROPOSALS} proposals). Decision median over all: {decision_median * 1000:.0f} ms.", ""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
