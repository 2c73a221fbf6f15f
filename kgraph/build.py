"""Build: records (and extracted facts) -> the live store, in full or as an incremental update.

The quads themselves are written by kgraph.quads; kgraph.incremental applies a change to a copy
of the live build; kgraph.store switches builds atomically.
"""
from __future__ import annotations

import hashlib
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kgraph.bulk import no_cycle_collection
from kgraph.errors import ValidationFailed
from kgraph.extracted import read_extractions
from kgraph.progress import Progress, silent
from kgraph.quads import build_curated_graph, curated_graph_of, build_dataset, build_quads, extracted_counts, preferred_claims
from kgraph.records import Records, load_records
from kgraph.resources import default_data_dir
from kgraph.incremental import (
    UNITS_FILE, Plan, RecordDigests, adopt_digests, build_basis, extraction_digest, keep_live_build, keep_records,
    kept_records, plan_build, record_digests, update_live_build,
)
from kgraph.store import DEFAULT_STORE, Manifest, build_lock, live_build, read_manifest, write_store
from kgraph.validate import validate_graph

__all__ = ["build", "build_records", "data_fingerprint", "build_quads", "build_dataset", "build_curated_graph"]


PROGRESS_ABOVE = 5_000  # records (about 10^5 triples): a full build takes seconds from here on
SHACL_SLOW_ABOVE = 20_000  # records; beyond this SHACL validation takes minutes


def build_records(records: Records, store_dir: Path | str = DEFAULT_STORE, *, shacl: bool = True,
                  extractions: list[dict] | None = None, data_dir: str = "", fingerprint: str = "",
                  extracted=(), full: bool = False, progress: Progress = silent) -> Manifest:
    """Build the graph of `records` (and `extractions`) and make it the live store of `store_dir`.
    A full build of over PROGRESS_ABOVE records shows `progress` (kgraph.progress).

    When the store has a live build made on the same basis (build code, ontology, settings) and few
    records changed, only their quads are rewritten (kgraph.incremental); `full` forces a full build.
    The manifest says which it was (`mode`, and `reason` for a full build).

    Raises ValidationFailed before anything is written when `shacl` and the curated graph
    breaks a shape. (SHACL goes through rdflib and pyshacl, minutes at 10^6 triples:
    large builds pass shacl=False; records are checked when read either way.)
    """
    # Without the cycle collector (kgraph.bulk): nothing a build makes holds a cycle, and a full pass walks
    # every object of the records (1.6 s at 10^7 triples), which once made a one-record build take 2.3 s.
    with no_cycle_collection():
        return _build_records(records, store_dir, shacl=shacl, extractions=extractions, data_dir=data_dir,
                              fingerprint=fingerprint, extracted=extracted, full=full, progress=progress)


def _build_records(records: Records, store_dir: Path | str, *, shacl: bool, extractions: list[dict] | None,
                   data_dir: str, fingerprint: str, extracted, full: bool, progress: Progress) -> Manifest:
    counts = {name: len(getattr(records, name)) for name in
              ("places", "organisations", "people", "events", "partnerships", "documents")}
    preferred = preferred_claims(records.partnerships)
    digests = _Digests(records, preferred)
    fields = dict(data_dir=data_dir, records=counts, fingerprint=fingerprint, extracted=[str(p) for p in extracted],
                  basis=build_basis(), extraction_digest=extraction_digest(extractions))
    store_dir = Path(store_dir)
    with build_lock(store_dir):
        plan = Plan("full", "--full") if full else plan_build(store_dir, digests.get, fields["basis"], fields["extraction_digest"])
        if shacl:
            _check_shapes(records, plan, data_dir)
        if plan.mode == "unchanged":
            return keep_live_build(store_dir, fields)
        if plan.mode == "incremental":
            return update_live_build(store_dir, records, extractions, plan, digests=digests.get(), preferred=preferred,
                                     manifest_fields=fields)
        per_month = Counter()
        shown = progress if sum(counts.values()) > PROGRESS_ABOVE else silent

        def produce(sink) -> dict[str, int]:
            built = build_quads(records, sink, extractions, shown)
            # the digests in a thread from here on, while the loader finishes and RocksDB compacts on one core;
            # started with the producer, they took the GIL from it (2.5 s of Python at 10^7 triples)
            digests.start()
            per_month.update(built.per_month)
            return extracted_counts(built.stats) if built.stats else {}

        def sidecars() -> dict:
            return {UNITS_FILE: digests.get().units, "manifest": {"months": dict(sorted(per_month.items()))}}
        return write_store(produce, store_dir, sidecars=sidecars, reason=plan.reason, **fields)


class _Digests:
    """The records' digests (kgraph.incremental), made once: at once when a plan needs them, or in a thread
    during a full build (2.5 s at 10^7 triples), once the quads are written."""

    def __init__(self, records: Records, preferred: set[str]):
        self.records, self.preferred, self.value, self.thread = records, preferred, None, None

    def start(self) -> None:
        if self.value is None and self.thread is None:
            self.thread = threading.Thread(target=self.get, name="kgraph-digests", daemon=True)
            self.thread.start()

    def get(self) -> RecordDigests:
        if self.thread is not None and threading.current_thread() is not self.thread:
            self.thread.join()
        if self.value is None:
            self.value = record_digests(self.records, self.preferred)
        return self.value


def _check_shapes(records: Records, plan: Plan, data_dir: str) -> None:
    """SHACL on the curated graph, or on what an incremental build rewrites (the shapes look no further
    than a node's triples and the classes of what it names); ValidationFailed before anything is written."""
    if plan.mode == "unchanged":
        return
    if plan.mode == "incremental":
        graph, focus = curated_graph_of(records, plan.changed)
        report = validate_graph(graph, focus_nodes=focus)
    else:
        size = sum(len(getattr(records, name)) for name in ("places", "organisations", "people", "events", "partnerships"))
        if size > SHACL_SLOW_ABOVE:
            # pyshacl takes minutes here and prints nothing meanwhile: say so, and how to skip it
            sys.stderr.write(f"checking {size:,} records against the SHACL shapes: pyshacl takes many minutes at this "
                             "size (over 15 at 100,000); `kgraph build --no-shacl` skips it, and the records are checked "
                             "when read either way\n")
        report = validate_graph(build_curated_graph(records))
    if not report.conforms:
        raise ValidationFailed(f"the graph built from {data_dir or 'the records'} violates {report.violations} SHACL "
                               "constraint(s); run `kgraph validate --data DIR` for the report", report.text)


def build(data_dir: Path | str | None = None, store_dir: Path | str = DEFAULT_STORE, *, shacl: bool = True,
          extracted=(), full: bool = False, progress: Progress = silent, stay_loaded: bool = False) -> Manifest:
    """Validate the records of `data_dir`, build the graph and make it the live store.

    `extracted` are texts to extract from, or `kgraph extract` output (*.jsonl):
    their facts go to the extracted graph, with provenance. Raises RecordError,
    ReadError or ValidationFailed before anything is written, so a failed build
    leaves the previous store as it was.

    `stay_loaded` keeps the records in this process for its next build of `store_dir`, which then
    reads only the files' text, not the records the store keeps (a process that builds again and
    again, as the review page's rebuild button does; the records' memory stays taken).
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    basis = build_basis()
    # the data's digest in a thread: reading and hashing the files lets go of the GIL, so it overlaps reading the
    # records (0.14 s at 10^7 triples)
    fingerprinting = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kgraph-fingerprint")
    fingerprint = fingerprinting.submit(data_fingerprint, data_dir)
    fingerprinting.shutdown(wait=False)
    if not (full or extracted or stay_loaded):  # (a process that builds again has its records at hand: no waiting)
        kept_build = _built_from(store_dir, data_dir, basis, fingerprint.result())
        if kept_build is not None:
            return kept_build
    # Without the cycle collector, from reading the records to keeping them: each of its full passes walks every
    # record object (2 s at 10^7 triples) and finds nothing to free, and switched back on between the steps it
    # made several
    with no_cycle_collection():
        # the records of the last build, kept in the store: only the records whose text changed are parsed and digested
        kept = None if full else kept_records(store_dir, basis)
        records = load_records(data_dir, reuse=kept)
        adopt_digests(records, kept)
        extractions = None
        if extracted:
            from kgraph.text.home import default_home  # here: it loads spaCy and Morfeusz, 0.4 s a build without texts
            extractions = read_extractions(extracted, records, default_home=default_home(data_dir), progress=progress)
        manifest = build_records(records, store_dir, shacl=shacl, extractions=extractions, data_dir=str(data_dir),
                                 fingerprint=fingerprint.result(), extracted=extracted, full=full,
                                 progress=progress)
        keep_records(store_dir, records, basis, kept, in_memory=stay_loaded)
    return manifest


def _built_from(store_dir: Path | str, data_dir: Path, basis: str, fingerprint: str) -> Manifest | None:
    """The live build's manifest, now saying nothing changed, when that build was made from these very files
    (the fingerprint covers every file under data_dir) on this basis with nothing extracted; else None. Such a
    build would read every record (10 s at 10^7 triples) to find what this finds from the files' digest."""
    if live_build(store_dir) is None:
        return None
    with build_lock(Path(store_dir)):
        live = read_manifest(store_dir)
        if (live.fingerprint, live.basis, live.data_dir, live.extracted, live.extraction_digest) != (
                fingerprint, basis, str(data_dir), [], ""):
            return None
        return keep_live_build(store_dir, {"records": live.records})


def data_fingerprint(data_dir: Path | str) -> str:
    """Digest of every file under `data_dir` (names and bytes): changes when the records do. The review
    queue (data/review/) and hidden files are left out: they are not records."""
    data_dir = Path(data_dir)
    digest = hashlib.sha256()
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file() and not any(
            part.startswith(".") or part == "review" for part in p.relative_to(data_dir).parts)):
        digest.update(path.relative_to(data_dir).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
