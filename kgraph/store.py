"""The on-disk store: a pyoxigraph (RocksDB) database per build, switched atomically.

Layout of a store directory:

    .kgraph/
      CURRENT            name of the live build ("build-<digest>")
      build-<digest>/    the pyoxigraph database and manifest.json

A build is written to a fresh directory and goes live only when CURRENT is
replaced (os.replace is atomic), so a failed or interrupted build leaves the
previous one in place and readers never see a half-written store.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable

import pyoxigraph as ox

from kgraph.errors import StoreError

__all__ = ["Manifest", "QuadLines", "QuadStream", "write_store", "commit_build", "copy_live_build", "live_build",
           "rewrite_manifest", "discarded_on_failure", "build_lock", "open_store", "read_manifest", "store_exists",
           "current_build_path", "mark_served", "DEFAULT_STORE"]

DEFAULT_STORE = Path(".kgraph")
_CURRENT = "CURRENT"
_LOCK = "BUILD.lock"  # held while a build writes; builds of one store run one after another


@dataclass
class Manifest:
    build: str
    data_dir: str
    quads: int
    graphs: dict[str, int]
    records: dict[str, int]
    fingerprint: str = ""
    extracted: list[str] = field(default_factory=list)  # what `build --extracted` read, for rebuilds
    # for incremental builds (kgraph.incremental): what the build was made with and how
    basis: str = ""  # digest of the build code, the ontology and the settings: another basis needs a full build
    months: dict[str, int] = field(default_factory=dict)  # events a month (the date index's buckets)
    extraction_digest: str = ""  # digest of the extraction records, "" without an extracted graph
    mode: str = "full"  # "full", "incremental" or "unchanged"
    reason: str = ""  # why a build was full
    changed: int = 0  # records an incremental build rewrote


def _current_build(store_dir: Path) -> Path | None:
    pointer = store_dir / _CURRENT
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    path = store_dir / name
    return path if name.startswith("build-") and path.is_dir() else None


class QuadLines:
    """N-Quads lines kept in memory (kgraph.terms.quad_adder appends to `lines`)."""
    chunk = float("inf")  # lines held before flush(); in memory, all of them

    def __init__(self):
        self.lines: list[str] = []

    def flush(self) -> None:
        pass

    def text(self) -> str:
        return "".join(self.lines)


class QuadStream(QuadLines):
    """N-Quads lines written to `out` (the bulk loader's pipe) every `chunk` lines, so a
    10^7-quad build never holds its text in memory; `digest` hashes every byte written."""
    chunk = 50_000

    def __init__(self, out: BinaryIO):
        super().__init__()
        self.out, self.digest = out, hashlib.sha256()

    def flush(self) -> None:
        data = "".join(self.lines).encode("utf-8")
        self.lines.clear()
        self.digest.update(data)
        self.out.write(data)


def _storage_error(error: BaseException) -> StoreError:
    """What went wrong writing the database, said as the user can act on it."""
    text = str(error)
    if "No space left" in text or getattr(error, "errno", None) == 28:
        return StoreError(f"the disk under the store is full ({text.splitlines()[0][:160]}); free some space "
                          "or pass --store DIR on a disk with room (a build needs about 1 KB per quad, twice while it runs)")
    if "Permission denied" in text or getattr(error, "errno", None) == 13:
        return StoreError(f"the store directory is not writable ({text.splitlines()[0][:160]}); pass --store DIR")
    return StoreError(f"the store rejected the graph's N-Quads ({text}); this is a kgraph bug, please report it")


PIPE_BYTES = 1 << 20


def _load_while_producing(db: ox.Store, produce: Callable[[QuadStream], dict | None]) -> tuple[str, dict]:
    """Run `produce` (which writes N-Quads into a QuadStream) while pyoxigraph's bulk loader
    parses them from a pipe in another thread: the loader runs in Rust without the GIL, so
    generating the lines and loading them overlap. Returns (sha256 hex, what produce returned)."""
    read_fd, write_fd = os.pipe()
    try:  # a pipe of 1 MiB (Linux's largest without privileges), not 64 KiB: fewer stalls on either side
        fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):
        pass  # another system, or a lower limit: the default pipe works, a little slower
    failure: list[BaseException] = []

    def load():
        try:
            db.bulk_load(path=f"/dev/fd/{read_fd}", format=ox.RdfFormat.N_QUADS)
        except BaseException as e:  # reported by the producing thread
            failure.append(e)
        finally:
            os.close(read_fd)

    loader = threading.Thread(target=load, name="kgraph-bulk-load")
    loader.start()
    out = os.fdopen(write_fd, "wb", buffering=1 << 20)
    stream = QuadStream(out)
    try:
        extra = produce(stream) or {}
        stream.flush()
    except BrokenPipeError:
        extra = {}  # the loader stopped reading: its error is raised below
    finally:
        try:
            out.close()
        except BrokenPipeError:
            pass
        loader.join()
    if failure:
        raise _storage_error(failure[0])
    return stream.digest.hexdigest(), extra


class build_lock:
    """Held while a build writes `store_dir`: builds of one store run one after another, and none
    removes another's work."""

    def __init__(self, store_dir: Path):
        self.store_dir = Path(store_dir)

    def __enter__(self):
        try:
            self.store_dir.mkdir(parents=True, exist_ok=True)
            self.lock = open(self.store_dir / _LOCK, "w")
        except OSError as e:
            raise StoreError(f"cannot create store directory {self.store_dir}: {e.strerror}; pass --store DIR") from e
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            sys.stderr.write(f"another build is writing {self.store_dir}; waiting for it to finish\n")
            fcntl.flock(self.lock, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        self.lock.close()


def write_store(produce: Callable[[QuadStream], dict | None], store_dir: Path, *, data_dir: str, records: dict[str, int],
                fingerprint: str = "", extracted: list[str] = (), sidecars: Callable[[], dict] | None = None,
                **manifest_fields) -> Manifest:
    """Load the N-Quads that `produce` writes into a new build directory and make it the live one.

    `produce` may return counts to add to the manifest's `records`; `sidecars()`, called after it,
    gives files ({name: bytes}) to keep in the build directory and fields to add to the manifest
    ({"manifest": {...}}). The build is named by the digest of its N-Quads, so the same inputs
    give the same build. The caller holds build_lock(store_dir).
    """
    store_dir = Path(store_dir)
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=store_dir))
    with discarded_on_failure(staging):
        db = ox.Store(str(staging / "oxigraph"))
        digest, extra = _load_while_producing(db, produce)
        # RocksDB's compaction runs on one core, in Rust, without the GIL: the graphs are counted on the
        # other one meanwhile (3.2 s at 10^7 triples, which came after it)
        with ThreadPoolExecutor(1, thread_name_prefix="kgraph-count") as pool:
            counted = pool.submit(_count_graphs, db)
            db.optimize()
            graphs = counted.result()
        del db  # closes RocksDB before the directory is renamed
        files = dict(sidecars()) if sidecars else {}
        manifest = Manifest(build=f"build-{digest[:16]}", data_dir=data_dir, quads=sum(graphs.values()),
                            graphs=dict(sorted(graphs.items())), records={**records, **extra},
                            fingerprint=fingerprint, extracted=list(extracted),
                            **{**manifest_fields, **files.pop("manifest", {})})
    return commit_build(staging, store_dir, manifest, files)


def _count_graphs(db: ox.Store) -> dict[str, int]:
    # one count a graph: a third faster than GROUP BY ?g, which binds ?g for every quad (4.7 -> 3.2 s at 10^7)
    return {graph.value: int(next(iter(db.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")))[0].value)
            for graph in db.named_graphs()}


@contextmanager
def discarded_on_failure(staging: Path):
    """Remove a staging directory when what writes it fails; a storage error is said as the user can act on it."""
    try:
        yield
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise _storage_error(e) from e
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def commit_build(staging: Path, store_dir: Path, manifest: Manifest, files: dict[str, bytes]) -> Manifest:
    """Make the database in `staging` the live build: write its manifest and `files`, move it to
    build-<digest>, and switch CURRENT (one atomic rename, after everything is on disk)."""
    with discarded_on_failure(staging):
        for name, data in files.items():
            _write_durably(staging / name, data)
        manifest_text = json.dumps(manifest.__dict__, indent=1, sort_keys=True)
        _write_durably(staging / "manifest.json", manifest_text.encode("utf-8"))
        final = store_dir / manifest.build
        if final.is_dir() and (final / "oxigraph").is_dir():
            # the same quads were built before (perhaps the live build): keep that copy, never delete it
            # first (a power cut in between would leave no store); only its manifest is brought up to date
            for name, data in [*files.items(), ("manifest.json", manifest_text.encode("utf-8"))]:
                _replace_durably(final / name, data)
            shutil.rmtree(staging, ignore_errors=True)
        else:
            if final.exists():  # a leftover without its database
                shutil.rmtree(final)
            os.replace(staging, final)
            _sync_directory(store_dir)
        _replace_durably(store_dir / _CURRENT, (manifest.build + "\n").encode("utf-8"))
        _sync_directory(store_dir)
    _remove_stale(store_dir, manifest.build)
    return manifest


def _remove_stale(store_dir: Path, live: str) -> None:
    """Remove earlier builds nobody serves and the staging directories of interrupted builds."""
    for old in store_dir.iterdir():
        if old.is_dir() and old.name != live and old.name.startswith(("build-", "staging-")) and not _being_served(old):
            shutil.rmtree(old, ignore_errors=True)


def _write_durably(path: Path, data: bytes) -> None:
    """Write `path` and fsync it: after a power cut, CURRENT never names a build whose files were lost."""
    with open(path, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _replace_durably(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically (a temporary file, fsynced, renamed over it)."""
    _write_durably(path.with_name(path.name + ".tmp"), data)
    os.replace(path.with_name(path.name + ".tmp"), path)


def _sync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def rewrite_manifest(store_dir: Path, manifest: Manifest) -> Manifest:
    """Replace the live build's manifest (a build that found nothing to change still records its inputs)."""
    build = _current_build(Path(store_dir))
    _replace_durably(build / "manifest.json", json.dumps(manifest.__dict__, indent=1, sort_keys=True).encode("utf-8"))
    _remove_stale(Path(store_dir), build.name)
    return manifest


def live_build(store_dir: Path) -> Path | None:
    """The directory of the live build of `store_dir`, or None."""
    return _current_build(Path(store_dir))


def copy_live_build(store_dir: Path) -> tuple[Path, ox.Store]:
    """A writable copy of the live build's database in a new staging directory, made with
    RocksDB's checkpoint (hard links to its immutable files: milliseconds, whatever its size).
    Writing the copy leaves the live build, and whoever reads it, untouched."""
    build = _current_build(Path(store_dir))
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=store_dir))
    with discarded_on_failure(staging):
        ox.Store.read_only(str(build / "oxigraph")).backup(str(staging / "oxigraph"))
        return staging, ox.Store(str(staging / "oxigraph"))


def _being_served(build: Path) -> bool:
    """Does a live `kgraph serve` read this build? (It leaves SERVING-<pid> in it; see mark_served.)"""
    for marker in build.glob("SERVING-*"):
        try:
            os.kill(int(marker.name.split("-", 1)[1]), 0)
            return True
        except (ValueError, ProcessLookupError):
            marker.unlink(missing_ok=True)  # left by a server that is gone
        except PermissionError:
            return True
    return False


def mark_served(store_dir: Path, pid: int, build: Path | None = None) -> Path | None:
    """Mark the live build (or `build`) as read by process `pid`, so a rebuild keeps it until that
    process ends. Returns the marker, for the server to remove when it stops."""
    build = build or _current_build(Path(store_dir))
    if build is None:
        raise StoreError(f"no graph in {store_dir}; run `kgraph build` first (or pass --store DIR)")
    marker = build / f"SERVING-{pid}"
    try:
        marker.write_text("", encoding="utf-8")
    except OSError:
        return None  # a read-only store: nothing can rebuild it meanwhile, so nothing to protect it from
    return marker


def store_exists(store_dir: Path) -> bool:
    return _current_build(Path(store_dir)) is not None


def open_store(store_dir: Path) -> ox.Store:
    """The live build of `store_dir`, opened read-only."""
    build = _current_build(Path(store_dir))
    if build is None:
        raise StoreError(f"no graph in {store_dir}; run `kgraph build` first (or pass --store DIR)")
    try:
        return ox.Store.read_only(str(build / "oxigraph"))
    except OSError as e:
        raise StoreError(f"cannot open the store in {build}: {e}; rebuild it with `kgraph build`") from e


def current_build_path(store_dir: Path) -> Path:
    """The live build's database directory (what `oxigraph serve-read-only --location` opens)."""
    build = _current_build(Path(store_dir))
    if build is None:
        raise StoreError(f"no graph in {store_dir}; run `kgraph build` first (or pass --store DIR)")
    return build / "oxigraph"


def read_manifest(store_dir: Path) -> Manifest:
    build = _current_build(Path(store_dir))
    if build is None:
        raise StoreError(f"no graph in {store_dir}; run `kgraph build` first (or pass --store DIR)")
    return Manifest(**json.loads((build / "manifest.json").read_text(encoding="utf-8")))
