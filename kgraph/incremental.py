"""Incremental builds: the live store brought up to date by writing only what changed.

Every build keeps, next to its database, a digest of each record (units.tsv) and, in its
manifest, the digest of its basis (the build code, the ontology, the settings), the number of
events a month and the digest of the extraction records. The next build digests the records
again; when the basis is the same and few records changed, it copies the live database (a RocksDB
checkpoint: hard links, milliseconds at any size), rewrites in the copy the triples of

- the changed, added and removed records;
- the records whose triples read them: a person's post labels name the body it is held at, a
  partnership's label its two towns, and the date index of an event names its place's country
  and the towns its visitors come from (kgi:entry links lead to those events);
- the web pages that records cite (kept while anything cites them);
- the extracted graph, whole, when the extraction records or any record changed (which facts are
  already curated, and which candidates link to records, reads all records);
- the date index: the changed events, the buckets they leave or join, every event of a month
  that crosses BUCKET_MAX (its bucket changes), and kgi:from of visitors,

and makes the copy the live build with the same atomic switch of CURRENT a full build uses: a
crash at any point leaves the previous build live, and readers never see a half-applied change.
Every rewrite is a diff of the quads the store holds for a subject against the quads the build
code writes for it now, so an incremental build ends with exactly the quads of a full build
(tests/test_incremental.py checks N-Quads exports after random edits).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import URIRef

import kgraph.quads
from kgraph.bulk import can_fork_workers, forked_map, no_cycle_collection
from kgraph.quads import (
    KIND_OF, EventIndexer, RecordIris, _GraphWriter, add_post_index, bucket_key, curated_iris, event_days, extracted_counts,
    write_bucket, write_event_entries,
)
from kgraph.extracted import add_extracted_graph
from kgraph.files import write_atomic
from kgraph.namespaces import CURATED_GRAPH, DCTERMS, EXTRACTED_GRAPH, ID, INDEX_GRAPH, KGI, KGO, ORG, RDF
from kgraph.records import (
    GROUP_FILES, Document, Event, Organisation, Partnership, Person, Place, Post, Records, count_references,
)
from kgraph.resources import ontology_path
from kgraph.store import (
    Manifest, QuadLines, build_lock, commit_build, copy_live_build, discarded_on_failure, live_build, read_manifest,
    rewrite_manifest,
)
from kgraph.terms import IriMinter, quad_adder

__all__ = ["build_basis", "record_digests", "RecordDigests", "extraction_digest", "plan_build", "update_live_build",
           "keep_live_build", "kept_records", "keep_records", "adopt_digests", "UNITS_FILE", "RECORDS_KEPT", "Plan"]

UNITS_FILE = "units.tsv"
# modules whose code decides which quads a build writes: another version of any of them needs a full build
_BUILD_CODE = ("quads.py", "incremental.py", "extracted.py", "terms.py", "records.py", "namespaces.py", "vocab.py", "names.py")
# above this share of changed records a full build (bulk load) is faster than a diff
FULL_BUILD_SHARE = 0.25

_C, _E, _I = (ox.NamedNode(str(g)) for g in (CURATED_GRAPH, EXTRACTED_GRAPH, INDEX_GRAPH))
_POST_OF, _BETWEEN, _MEMBER, _VISITOR = (ox.NamedNode(str(p)) for p in (KGO.postOf, KGO.between, ORG.member, KGO.visitor))
_ENTRY, _END_DAY, _SORT_DAY, _SOURCE = (ox.NamedNode(str(p)) for p in (KGI.entry, KGI.endDay, KGI.sortDay, DCTERMS.source))
_TYPE, _VISIT, _ROLE = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(KGO.Visit)), ox.NamedNode(str(ORG.role))
_BUCKET_PREFIX = str(KGI["bucket-"])


def build_basis() -> str:
    """Digest of what, besides the records, decides the quads of a build: the build code, the
    ontology and BUCKET_MAX. A build on another basis is a full build."""
    digest = hashlib.sha256(f"bucket-max {kgraph.quads.BUCKET_MAX}\n".encode())
    here = Path(__file__).parent
    for name in _BUILD_CODE:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    digest.update(ontology_path().read_bytes())
    return digest.hexdigest()


def _getter(cls, leave_out=("where",)):
    return attrgetter(*(f.name for f in fields(cls) if f.name not in leave_out))


_VALUES = {cls: _getter(cls, ("where", "posts") if cls is Person else ("where",)) for cls in KIND_OF}
_POST_VALUES = _getter(Post)


PARALLEL_DIGESTS_ABOVE = 100_000  # records; below, a second process costs more than it saves


def record_digests(records: Records, preferred: set[str], *, jobs: int | None = None) -> "RecordDigests":
    """'kind digest' of every record by id: its fields, leaving out where it is written (moving a
    record, or editing the lines above it, changes nothing in the graph).

    About 5 µs a record: 2.5 s for the 500,000 records of 10^7 triples, which each build needs before
    it can plan. Three things keep that off a rebuild after a small change:
    - Records are immutable (frozen, their labels read-only: kgraph.records), so a record object digested
      before has the same digest now. `records` keeps the digests of its last call, by object, and a
      later call on the same object (a script or notebook, a benchmark rebuilding after an edit) digests
      only the records made since: O(change). `kgraph build` reads the files anew: every record is new.
    - Records read again in this process (load_records(reuse=...), kgraph.records) take the lines of the
      records they were read again from, and only the stretch of each file read anew is digested; the
      result says which lines those were, so plan_build need not compare every line (O(change)).
    - Above PARALLEL_DIGESTS_ABOVE records still to digest, the work is shared among `jobs` processes
      (default: one per core; kgraph.bulk)."""
    memo: _DigestMemo | None = records.__dict__.get("_digest_memo")
    moved = records.__dict__.pop("_moved_records", ())  # (record, as read before) for those only moved: adopt_digests
    spliced = _spliced_lines(records, memo, preferred)
    if spliced is not None:
        by_file, replaced = spliced
        everything = list(chain.from_iterable(getattr(records, group) for group, _ in GROUP_FILES))
        lines = list(chain.from_iterable(lines for _, lines in by_file.values()))
        units = "".join(lines).encode("utf-8")
        spliced_memo = records.__dict__["_digest_memo"] = _DigestMemo(
            everything, lines, set(preferred), units, by_file, recent=dict(zip(map(id, replaced[2]), replaced[1])))
        index = records._index()

        def unit_of(record_id: str) -> str | None:
            record = index.get(record_id)
            line = spliced_memo.line_of(record) if record is not None else None
            return line[line.index("\t") + 1:-1] if line else None
        return RecordDigests(units, memo.units, replaced[:2], unit_of)
    everything = list(records.all())
    if memo is None:
        lines: list = [None] * len(everything)
    else:
        for record, before in moved:
            line = memo.lines.get(id(before))
            if line is not None:
                memo.lines[id(record)] = line
                memo.records.append(record)  # kept alive while its id is a key
        stale = preferred ^ memo.preferred  # records whose "preferred" mark changed
        known = memo.lines.get
        lines = [known(id(record)) for record in everything]
        if stale:
            lines = [None if record.id in stale else line for record, line in zip(everything, lines)]
    todo = [record for record, line in zip(everything, lines) if line is None]
    jobs = jobs or len(os.sched_getaffinity(0))
    if jobs > 1 and len(todo) > PARALLEL_DIGESTS_ABOVE and can_fork_workers():
        bounds = [len(todo) * i // jobs for i in range(jobs + 1)]
        made = "".join(forked_map(_digest_slice, (todo, preferred), list(zip(bounds[:-1], bounds[1:]))))
    else:
        made = _digest_lines(todo, preferred)
    made_lines = iter(made.splitlines(keepends=True))
    lines = [line if line is not None else next(made_lines) for line in lines]
    units = "".join(lines).encode("utf-8")
    # each record file's lines, for the next call on records read again from these (above)
    files, by_file, at = records.__dict__.get("_files", {}), {}, 0
    for group, filename in GROUP_FILES:
        size = len(getattr(records, group))
        if filename in files and files[filename].records == getattr(records, group):
            by_file[filename] = (files[filename], lines[at:at + size])
        at += size
    # the records of this call are kept alive with their digests, so an id in the memo is still theirs
    records.__dict__["_digest_memo"] = _DigestMemo(everything, lines, set(preferred), units, by_file)
    return RecordDigests(units)


def _spliced_lines(records: Records, memo: "_DigestMemo | None", preferred: set[str]):
    """({record file: (its items, the lines of its records)}, (lines replaced, lines replacing them, the records
    of those)) of records read again from those `memo` was made for, with the same preferred claims; None
    otherwise."""
    rereads, files = records.__dict__.get("_rereads"), records.__dict__.get("_files")
    if rereads is None or files is None or memo is None or preferred != memo.preferred:
        return None
    by_file, gone, made, digested = {}, [], [], []
    for group, filename in GROUP_FILES:
        items, was = files.get(filename), memo.by_file.get(filename)
        if items is None and not getattr(records, group):
            continue
        # records read from the items that memo's lines are of, as load_records made them (not edited since)
        if items is None or was is None or items.records != getattr(records, group):
            return None
        before, lines = was
        if items is not before:
            reread = rereads.get(filename)
            if reread is None or reread.before is not before or reread.items is not items:
                return None
            new = _digest_lines(reread.added, preferred).splitlines(keepends=True)
            gone += lines[reread.first:reread.after]
            made += new
            digested += reread.added
            lines = lines[:reread.first] + new + lines[reread.after:]
        by_file[filename] = (items, lines)
    return by_file, (gone, made, digested)


class _DigestMemo:
    """The digest lines of records, by record object (their ids: the records are kept alive here)."""

    def __init__(self, records: list, lines: list[str] | dict[int, str], preferred: set[str], units: bytes = b"",
                 by_file: dict | None = None, recent: dict[int, str] | None = None):
        self.records, self.preferred, self.units = records, preferred, units
        self.by_file = by_file or {}  # record file -> (its items as read, the lines of their records)
        self.recent = recent or {}  # id(record) -> line, of the records just digested
        # by id(record), made when first asked for (50 ms at 10^7 triples, which a build read again rarely needs)
        self._lines, self._line_list = (lines, None) if isinstance(lines, dict) else (None, lines)

    @property
    def lines(self) -> dict[int, str]:
        if self._lines is None:
            self._lines, self._line_list = dict(zip(map(id, self.records), self._line_list)), None
        return self._lines

    def line_of(self, record) -> str | None:
        line = self.recent.get(id(record))
        return line if line is not None else self.lines.get(id(record))


@dataclass
class RecordDigests:
    units: bytes  # units.tsv: 'id<TAB>kind digest', a line a record in the records' order (the same records give the same file)
    units_before: bytes | None = None  # when the digests were spliced into those of records read before: their units.tsv,
    replaced: tuple[list[str], list[str]] = ([], [])  # the lines replaced and those replacing them,
    unit_of: Callable[[str], str | None] | None = None  # and the 'kind digest' of an id now


# The records of the last build, kept beside the store's builds with their digests, so that `kgraph build` (a new
# process, which reads the files anew) parses and digests only the records whose text changed (kgraph.records).
# Only a cache: each record is taken back by the digest of its text, and a file that is missing, damaged or
# written on another basis is ignored.
#
# The file: a magic line, the build basis, then frames, each `frame <length> <blake2b>` and a pickle of
# (keys removed, {(file name, item digest): (first line, record, digest line)}, preferred claims). The first
# frame holds every record; a build that changed a few appends a frame with what it changed (pickling all of
# them took 6 s at 10^7 triples). A frame cut short (a build killed while appending) ends the file there.
RECORDS_KEPT = "records.kept"
_KEPT_MAGIC = b"kgraph records 2\n"
_KEPT_FRAMES = 16  # appended frames before the file is written anew, whole
_KEPT_SHARE = 0.1  # a frame of more than this share of the records: the file is written anew, whole
_GROUP_OF = {Place: "places", Organisation: "organisations", Person: "people", Event: "events",
             Partnership: "partnerships", Document: "documents"}


class _RecordsUnpickler(pickle.Unpickler):
    """Makes nothing but records: a store directory is not a place to run code from."""
    _ALLOWED = {("kgraph.records", name) for name in (
        "Place", "Organisation", "Post", "Person", "Event", "Partnership", "Document", "Where", "Evidence",
        "PartialDate", "Labels")}

    def find_class(self, module: str, name: str):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not a record class")
        return super().find_class(module, name)


@dataclass
class _Kept:
    entries: dict  # (file name, item digest) -> (first line, record, its line of units.tsv or None)
    preferred: set[str]  # the preferred claims the digest lines were made with
    frames: int
    file: tuple  # (device, inode, size) of the file read: a build appends only to the file it read


def _read_kept(path: Path, basis: str) -> _Kept | None:
    try:
        with open(path, "rb") as kept:
            data, status = kept.read(), os.fstat(kept.fileno())
    except OSError:
        return None
    header = _KEPT_MAGIC + basis.encode("ascii") + b"\n"
    if not data.startswith(header):
        return None
    entries, preferred, frames, at = {}, set(), 0, len(header)
    with no_cycle_collection():  # 1.1 s of 1.4 at 10^6 triples were its passes over the objects being made
        while at < len(data):
            end = data.find(b"\n", at)
            try:
                _, length, check = data[at:end].split(b" ")
                payload = data[end + 1:end + 1 + int(length)]
                if len(payload) != int(length) or hashlib.blake2b(payload, digest_size=16).hexdigest().encode() != check:
                    break
                removed, changed, preferred = _RecordsUnpickler(io.BytesIO(payload)).load()
            except (ValueError, EOFError, pickle.UnpicklingError, AttributeError, TypeError):
                break
            for key in removed:
                entries.pop(key, None)
            entries.update(changed)
            frames, at = frames + 1, end + 1 + int(length)
    if at < len(data):  # a frame cut short or damaged: what came before it holds, the next build writes anew
        status = None
    return _Kept(entries, preferred, frames, status and (status.st_dev, status.st_ino, status.st_size)) if frames else None


# The records the last build of this process kept, with the state of records.kept it left: a process that builds
# again (the review page's rebuild button, a notebook) takes them back from memory while that file is still the
# one it wrote, rather than unpickling it (2.3 s at 10^7 triples). One store's, the latest.
_last_kept: dict[Path, tuple[tuple, str, Records]] = {}


def _file_state(path: Path) -> tuple | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def kept_records(store_dir: Path, basis: str) -> Records | None:
    """The records `keep_records` kept in `store_dir` on this `basis`, with their digests, for
    load_records(reuse=...) and adopt_digests; None when there are none."""
    path = (Path(store_dir) / RECORDS_KEPT).absolute()
    state, kept_basis, records = _last_kept.get(path, (None, None, None))
    if records is not None and kept_basis == basis and state == _file_state(path):
        return records
    kept = _read_kept(path, basis)
    if kept is None:
        return None
    records = Records(data_dir=Path(store_dir))
    for _, record, _ in kept.entries.values():
        getattr(records, _GROUP_OF[type(record)]).append(record)
    records._parsed = {key: (line, record) for key, (line, record, _) in kept.entries.items()}
    digested = [(record, line) for _, record, line in kept.entries.values() if line is not None]
    records.__dict__["_digest_memo"] = _DigestMemo([record for record, _ in digested],
                                                   {id(record): line for record, line in digested}, kept.preferred)
    records.__dict__["_kept"] = kept
    return records


def adopt_digests(records: Records, kept: Records | None) -> None:
    """`records`, read with load_records(reuse=kept), take the digests of the records they share with `kept`,
    and (when record_digests needs them) of those only moved to other lines (a digest leaves out where a
    record is written)."""
    memo: _DigestMemo | None = kept.__dict__.get("_digest_memo") if kept is not None else None
    if memo is None or "_digest_memo" in records.__dict__:
        records.__dict__.pop("_moved_records", None)  # not kept: it holds the records as they were
        return
    records.__dict__["_digest_memo"] = memo


def keep_records(store_dir: Path, records: Records, basis: str, kept: Records | None = None, *,
                 in_memory: bool = False) -> None:
    """Keep `records` (as load_records read them) and their digests in `store_dir` for the next build: what
    changed since `kept` (what kept_records gave this build) appended to the file, or the whole file anew.
    `in_memory`: and in this process, where kept_records finds them while the file is unchanged (the memory
    of the records stays taken: for a process that builds again, not for a one-off build)."""
    memo: _DigestMemo | None = records.__dict__.get("_digest_memo")
    line_of = memo.line_of if memo else lambda record: None
    preferred = memo.preferred if memo else set()
    before: _Kept | None = kept.__dict__.get("_kept") if kept is not None else None
    reread = _reread_entries(records, kept, before, line_of, preferred) if in_memory else None
    if reread is None:
        now = {key: (line, record, line_of(record)) for key, (line, record) in records.__dict__.get("_parsed", {}).items()}
    else:
        now = reread[0]
    path = (Path(store_dir) / RECORDS_KEPT).absolute()
    _last_kept.clear()
    with build_lock(store_dir):
        for stale in Path(store_dir).glob(f".{RECORDS_KEPT}.*"):  # the temporary file of a write that was killed
            stale.unlink(missing_ok=True)
        frames = None
        if before is not None and before.file is not None and before.frames < _KEPT_FRAMES:
            state = _file_state(path)
            if state is not None and before.file == state[:3]:
                if reread is not None:
                    _, removed, changed = reread
                else:
                    removed, was = [key for key in before.entries if key not in now], before.entries.get
                    if in_memory:
                        # a record only moved to other lines (the same text: the same key and digest line) stays in
                        # the file where it was: this process has it in memory, another one moves it again when it
                        # reads it
                        changed = {key: value for key, value in now.items() if (old := was(key)) is None or old[2] != value[2]}
                    else:
                        changed = {key: value for key, value in now.items() if was(key) != value}
                if len(removed) + len(changed) <= _KEPT_SHARE * len(now):
                    frames = before.frames
                    if removed or changed or preferred != before.preferred:
                        with open(path, "ab") as out:
                            out.write(_kept_frame(removed, changed, preferred))
                        frames += 1
        if frames is None:
            write_atomic(path, _KEPT_MAGIC + basis.encode("ascii") + b"\n" + _kept_frame([], now, preferred))
            frames = 1
        state = _file_state(path)
    # what this read changed, and the records it replaced: used by this build, not to be kept alive by the next
    records.__dict__.pop("_rereads", None)
    if in_memory and memo is not None and state is not None:
        # what kept_records would read back from the file now, without reading it
        records.__dict__["_kept"] = _Kept(now, set(preferred), frames, state[:3])
        count_references(records)  # once a process: the next reads update the count
        _last_kept[path] = (state, basis, records)


def _reread_entries(records: Records, kept: Records | None, before: _Kept | None, line_of, preferred: set[str]):
    """(entries now, keys removed, entries changed) of records read again in this process from `kept`, from what
    load_records says changed, as keep_records(in_memory=True) finds comparing all entries; or None. The entries
    of records only moved stay as they were (their old line with the record written there): taken back from
    them, a record is moved by the difference, as from the file."""
    rereads, came_from = records.__dict__.get("_rereads"), records.__dict__.get("_reread_from")
    if rereads is None or came_from is None or came_from() is not kept or before is None or preferred != before.preferred:
        return None
    now, removed, changed = dict(before.entries), [], {}
    for filename, reread in rereads.items():
        still_here = {key for key, _, _ in reread.entries}
        for key in reread.removed_keys:
            if key not in still_here:
                removed.append((filename, key))
                now.pop((filename, key), None)
        for key, line, record in reread.entries:
            if (filename, key) not in before.entries:  # a key kept has its digest line: the same text, the same claims
                changed[filename, key] = now[filename, key] = (line, record, line_of(record))
    return now, removed, changed


def _kept_frame(removed: list, changed: dict, preferred: set[str]) -> bytes:
    with no_cycle_collection():
        payload = pickle.dumps((removed, changed, preferred), protocol=pickle.HIGHEST_PROTOCOL)
    check = hashlib.blake2b(payload, digest_size=16).hexdigest()
    return f"frame {len(payload)} {check}\n".encode("ascii") + payload


def _digest_slice(shared: tuple[list, set[str]], bounds: tuple[int, int]) -> str:
    everything, preferred = shared
    return _digest_lines(everything[bounds[0]:bounds[1]], preferred)


def _digest_lines(records: list, preferred: set[str]) -> str:
    """The lines of units.tsv for `records`: 'id<TAB>kind digest'."""
    blake2b, kind_of, values_of, post_values = hashlib.blake2b, KIND_OF, _VALUES, _POST_VALUES
    lines = []
    for record in records:
        cls = type(record)
        values = values_of[cls](record)
        if cls is Person:
            values = (values, tuple(map(post_values, record.posts)))
        elif record.id in preferred:
            values = (values, "preferred")
        lines.append(f"{record.id}\t{kind_of[cls]} {blake2b(repr(values).encode(), digest_size=12).hexdigest()}\n")
    return "".join(lines)


def _units_dict(text: str) -> dict[str, str]:
    cells = text.replace("\n", "\t").split("\t")  # ids never hold a tab or a line break (kgraph.records)
    return dict(zip(cells[0:-1:2], cells[1::2]))


def extraction_digest(extractions: list[dict] | None) -> str:
    if extractions is None:
        return ""
    return hashlib.sha256(json.dumps(extractions, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _units_text(build_dir: Path) -> bytes | None:
    try:
        return (build_dir / UNITS_FILE).read_bytes()
    except OSError:
        return None


@dataclass
class Plan:
    """What the next build of a store does, and why."""
    mode: str  # "full", "incremental" or "unchanged"
    reason: str = ""
    changed: set[str] = field(default_factory=set)
    live: Manifest | None = None  # the live build's manifest and record digests
    live_units: Mapping[str, str] = field(default_factory=dict)


def plan_build(store_dir: Path, digests: Callable[[], RecordDigests], basis: str, extraction: str) -> Plan:
    """What the next build does; `digests()` (the records' digests) is called only when the live build could
    be updated, so a full build can digest the records while it loads (see kgraph.build)."""
    live = live_build(store_dir)
    if live is None:
        return Plan("full", "no earlier build")
    old = read_manifest(store_dir)
    old_text = _units_text(live)
    if not old.basis or old_text is None:
        return Plan("full", "the live build was made by an earlier kgraph")
    if old.basis != basis:
        return Plan("full", "the build code, the ontology or the settings changed")
    new = digests()
    if new.units == old_text and extraction == old.extraction_digest:
        return Plan("unchanged")
    if new.units_before == old_text:
        # the live build is the build of the records these were read again from: only the lines replaced differ
        old_lines, new_lines = ({line.rstrip("\n") for line in lines} for lines in new.replaced)
        total = new.units.count(b"\n")
    else:
        old_lines, new_lines = (set(text.decode("utf-8").split("\n")) - {""} for text in (old_text, new.units))
        total = len(new_lines)
    # the lines that differ name the records added, removed or changed (a set difference: C speed at any size)
    was, now = _units_dict("\n".join(old_lines - new_lines)), _units_dict("\n".join(new_lines - old_lines))
    changed = was.keys() | now.keys()
    for rid in sorted(was.keys() & now.keys()):
        if was[rid].split()[0] != now[rid].split()[0]:
            return Plan("full", f"record '{rid}' is now another kind of record")
    if len(changed) > max(1000, FULL_BUILD_SHARE * total):
        return Plan("full", f"{len(changed):,} of {total:,} records changed")
    old_units = _UnitsBefore(was, now, new.unit_of, old_text) if new.units_before == old_text else _units_dict(old_text.decode())
    return Plan("incremental", changed=changed, live=old, live_units=old_units)


class _UnitsBefore(Mapping):
    """The live build's units ('kind digest' by id) when they are those of the records now but for the lines
    that changed: read from the records, not parsed from units.tsv (0.3 s at 10^7 triples)."""

    def __init__(self, was: dict[str, str], now: dict[str, str], unit_of: Callable[[str], str | None], text: bytes):
        self.was, self.now, self.unit_of, self.text = was, now, unit_of, text

    def __getitem__(self, record_id: str) -> str:
        if record_id in self.was:
            return self.was[record_id]
        unit = None if record_id in self.now else self.unit_of(record_id)
        if unit is None:
            raise KeyError(record_id)
        return unit

    def __iter__(self):
        return iter(_units_dict(self.text.decode("utf-8")))

    def __len__(self) -> int:
        return self.text.count(b"\n")


class _Diff:
    """Quads to remove and add, applied to the store graph by graph, counted."""

    def __init__(self, db: ox.Store):
        self.db, self.added, self.removed = db, Counter(), Counter()

    def apply(self, subjects, graph: ox.NamedNode, new: list[ox.Quad]) -> None:
        """Make the quads of `graph` whose subject is in `subjects`, or is the subject of a new quad, be `new`."""
        new = set(new)
        subjects = set(subjects) | {quad.subject for quad in new}
        old = {q for s in subjects for q in self.db.quads_for_pattern(s, None, None, graph)}
        for quad in old - new:
            self.db.remove(quad)
            self.removed[quad.graph_name.value] += 1
        additions = new - old
        if additions:
            self.db.extend(additions)
            self.added.update(quad.graph_name.value for quad in additions)


def _quads(sink: QuadLines) -> list[ox.Quad]:
    return list(ox.parse(sink.text().encode("utf-8"), format=ox.RdfFormat.N_QUADS)) if sink.lines else []


def _node(term) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def keep_live_build(store_dir: Path, manifest_fields: dict) -> Manifest:
    """Nothing changed: the live build stays, its manifest records this build's inputs."""
    old = read_manifest(store_dir)
    extracted = {k: v for k, v in old.records.items() if k.startswith(("extracted ", "already curated "))}
    fields = {**manifest_fields, "records": {**manifest_fields["records"], **extracted}}
    return rewrite_manifest(store_dir, Manifest(**{**old.__dict__, **fields, "mode": "unchanged", "changed": 0, "reason": ""}))


def update_live_build(store_dir: Path, records: Records, extractions: list[dict] | None, plan: Plan, *,
                      digests: RecordDigests, preferred: set[str], manifest_fields: dict) -> Manifest:
    """Apply `plan` (an incremental one) to a copy of the live build and make the copy live."""
    old, old_units = plan.live, plan.live_units
    staging, db = copy_live_build(store_dir)
    with discarded_on_failure(staging):
        changes = _Update(db, records, extractions, old_units, old.months, preferred).run(plan.changed)
        db.flush()
        # the last references to the store: RocksDB closes here, before the directory is renamed (left to the
        # cycle collector, it closed at some later moment, once taking a second in another build's step)
        changes.db = changes.diff.db = db = None
    added, removed = changes.diff.added, changes.diff.removed
    graphs = {g: n + added[g] - removed[g] for g, n in old.graphs.items()}
    graphs.update({g: n for g, n in added.items() if g not in old.graphs})
    graphs = {g: n for g, n in sorted(graphs.items()) if n}
    step = hashlib.sha256(f"{old.build}\n{sorted(plan.changed)}\n{manifest_fields['extraction_digest']}".encode())
    manifest = Manifest(build=f"build-{step.hexdigest()[:16]}", quads=sum(graphs.values()), graphs=graphs,
                        months=dict(sorted(changes.months.items())), mode="incremental", changed=len(changes.rewritten),
                        **{**manifest_fields, "records": {**manifest_fields["records"], **changes.extracted_counts}})
    return commit_build(staging, Path(store_dir), manifest, {UNITS_FILE: digests.units})


class _Update:
    def __init__(self, db, records: Records, extractions, old_units: dict[str, str], months: dict[str, int], preferred):
        self.db, self.records, self.extractions, self.old_units = db, records, extractions, old_units
        self.months, self.preferred = Counter(months), preferred
        self.minter = IriMinter()
        self.iri = RecordIris(records, self.minter)
        self.indexer = EventIndexer(records, self.iri)
        self.diff = _Diff(db)
        self.extracted_counts: dict[str, int] = {}

    def old_iri(self, record_id: str) -> ox.NamedNode:
        return ox.NamedNode(f"{ID}{self.old_units[record_id].split()[0]}/{record_id}")

    def record_id(self, node: ox.NamedNode) -> str | None:
        """The id of the record of the live build whose IRI is `node`, or None."""
        record_id = node.value[len(ID):].partition("/")[2]
        return record_id if node.value.startswith(ID) and record_id in self.old_units else None

    def subjects(self, predicate, obj, graph) -> list:
        return [q.subject for q in self.db.quads_for_pattern(None, predicate, obj, graph)]

    def run(self, changed: set[str]) -> "_Update":
        db = self.db
        # 1. what to rewrite: the changed records and the records and events whose quads read them
        rewritten, index_events, via_posts = set(changed), set(), set()
        for rid in changed & self.old_units.keys():
            node = self.old_iri(rid)
            for post in self.subjects(_POST_OF, node, _C):
                for member in db.quads_for_pattern(post, _MEMBER, None, _C):
                    if (person := self.record_id(member.object)) is not None:
                        via_posts.add(person)
            rewritten.update(filter(None, map(self.record_id, self.subjects(_BETWEEN, node, _C))))
            index_events.update(self.subjects(_ENTRY, node, _I))
        rewritten |= via_posts
        for person in via_posts:  # where a person comes from is the seat of a post: their visits' index reads it
            index_events.update(self.subjects(_ENTRY, self.old_iri(person), _I))
        for rid in rewritten:
            kind = (self.old_units.get(rid) or "").split(" ")[0]
            if kind == "event":
                index_events.add(self.old_iri(rid))
            if (record := self.records.entity(rid)) is not None and KIND_OF[type(record)] == "event":
                index_events.add(_node(self.iri(rid)))
        regenerate_extracted = self.extractions is not None or any(True for _ in db.quads_for_pattern(None, None, None, _E))
        if regenerate_extracted:
            index_events.update(self.subjects(_TYPE, _VISIT, _E))
        agents = {q.object for e in index_events for g in (_C, _E) for q in db.quads_for_pattern(e, _VISITOR, None, g)}
        agents |= {self.old_iri(rid) for rid in rewritten & self.old_units.keys()
                   if self.old_units[rid].split()[0] in ("person", "organisation", "place")}
        self.rewritten = rewritten

        # 2. the curated graph
        self.rewrite_curated(rewritten)
        # 3. the extracted graph, whole
        extracted_events = self.rewrite_extracted() if regenerate_extracted else []
        # 4. the date index: events rewritten or read from what they involve, and the extracted ones
        events: dict[ox.NamedNode, tuple] = {}
        for node in index_events:
            if (event := self.curated_event(node)) is not None:
                events[node] = event
                agents.update(_node(self.iri(ref)) for ref in self.records.entity(self.record_id_new(node)).visitors)
        for event, visitors in extracted_events:
            events[_node(event[0])] = event
            agents.update(map(_node, visitors))
        self.rewrite_index(index_events | set(events), events, agents)
        return self

    def record_id_new(self, node: ox.NamedNode) -> str | None:
        return node.value[len(ID):].partition("/")[2] if node.value.startswith(ID) else None

    def curated_event(self, node: ox.NamedNode) -> tuple | None:
        """The index tuple of the curated event whose IRI is `node`, or None (removed, or extracted)."""
        record = self.records.entity(self.record_id_new(node) or "")
        if record is None or KIND_OF[type(record)] != "event" or _node(self.iri(record.id)) != node:
            return None
        return self.indexer.curated(record)

    def rewrite_curated(self, rewritten: set[str]) -> None:
        db, old_subjects, old_posts = self.db, set(), set()
        for rid in rewritten & self.old_units.keys():
            node = self.old_iri(rid)
            old_subjects.add(node)
            old_posts.update(self.subjects(_MEMBER, node, _C))  # a person's posts
        old_subjects |= old_posts
        old = [q for s in old_subjects for q in db.quads_for_pattern(s, None, None, _C)]  # for the web pages they cite
        sink = QuadLines()
        writer = _GraphWriter(quad_adder(sink, CURATED_GRAPH), self.records, self.iri)
        for rid in sorted(rewritten):
            if (record := self.records.entity(rid)) is not None:
                writer.record(record, self.preferred)
        new = _quads(sink)
        # the post index of the posts of the people rewritten (their old posts' entries go)
        sink = QuadLines()
        people = [p for rid in sorted(rewritten) if isinstance(p := self.records.entity(rid), Person)]
        add_post_index(quad_adder(sink, INDEX_GRAPH), people, self.minter)
        self.diff.apply(old_posts, _I, _quads(sink))
        # web pages are kept while a record cites them
        cited = {q.object for q in (*old, *new) if q.predicate == _SOURCE and not q.object.value.startswith(ID)}
        self.diff.apply(old_subjects, _C, new)
        sink = QuadLines()
        writer.add = quad_adder(sink, CURATED_GRAPH)
        for url in sorted(cited, key=str):
            if next(iter(db.quads_for_pattern(None, _SOURCE, url, _C)), None) is not None:
                writer.web_page(url.value)
        self.diff.apply(cited, _C, _quads(sink))

    def rewrite_extracted(self) -> list[tuple]:
        old_subjects = {quad.subject for quad in self.db.quads_for_pattern(None, None, None, _E)}
        old_posts = self.subjects(_ROLE, None, _E)
        sink, events, posts = QuadLines(), [], []
        if self.extractions is not None:
            stats, extracted, posts = add_extracted_graph(quad_adder(sink, EXTRACTED_GRAPH), self.extractions, self.records,
                                                          self.minter, curated_iris(self.records, self.iri))
            events = [(self.indexer.extracted(*event), event[5]) for event in extracted]
            self.extracted_counts = extracted_counts(stats)
        self.diff.apply(old_subjects, _E, _quads(sink))
        sink = QuadLines()
        add_post_index(quad_adder(sink, INDEX_GRAPH), (), self.minter, posts)
        self.diff.apply(old_posts, _I, _quads(sink))
        return events

    def rewrite_index(self, event_nodes: set, events: dict, agents: set) -> None:
        db, months = self.db, self.months
        old_buckets, old_month = set(), {}
        for node in event_nodes:
            for q in db.quads_for_pattern(node, None, None, _I):
                if q.predicate == _ENTRY and q.object.value.startswith(_BUCKET_PREFIX):
                    old_buckets.add(q.object)
                elif q.predicate == _SORT_DAY:
                    old_month[node] = q.object.value[:7]
        before = {m: n > kgraph.quads.BUCKET_MAX for m, n in months.items()}
        months.subtract(old_month.values())
        new_days = {node: event_days(*event[1:4]) for node, event in events.items()}
        months.update(sort_day.strftime("%Y-%m") for sort_day, _ in new_days.values() if sort_day)
        months = self.months = Counter({m: n for m, n in months.items() if n > 0})
        for month in sorted(set(before) | set(months)):
            if before.get(month, False) != (months[month] > kgraph.quads.BUCKET_MAX):
                # the month's events move between one bucket and a bucket a day: all of them are rewritten
                keys = [month] + [f"{month}-{day:02d}" for day in range(1, 32)]
                for key in keys:
                    bucket = ox.NamedNode(_BUCKET_PREFIX + key)
                    for node in self.subjects(_ENTRY, bucket, _I):
                        if node not in event_nodes and (event := self.curated_event(node)) is not None:
                            events[node] = event
                            new_days[node] = event_days(*event[1:4])
                            event_nodes.add(node)
                    old_buckets.add(bucket)
        sink = QuadLines()
        add = quad_adder(sink, INDEX_GRAPH)
        new_keys: dict[str, list] = {}
        for node in sorted(events, key=str):
            sort_day, end_day = new_days[node]
            key = bucket_key(sort_day, months)
            write_event_entries(add, self.minter, events[node], key)
            new_keys.setdefault(key, []).append(end_day)
        for bucket in old_buckets | {ox.NamedNode(_BUCKET_PREFIX + key) for key in new_keys}:
            key = bucket.value[len(_BUCKET_PREFIX):]
            staying = [e for e in self.subjects(_ENTRY, bucket, _I) if e not in event_nodes]
            end_days = [*new_keys.get(key, []), *(date.fromisoformat(q.object.value) for e in staying
                                                     for q in db.quads_for_pattern(e, _END_DAY, None, _I))]
            if staying or key in new_keys:
                write_bucket(add, self.minter, key, max(filter(None, end_days), default=None))
        for agent in sorted(agents, key=str):
            if any(next(iter(db.quads_for_pattern(None, _VISITOR, agent, g)), None) is not None for g in (_C, _E)):
                self.indexer.write_origins(add, URIRef(agent.value))
        self.diff.apply({*event_nodes, *agents, *old_buckets}, _I, _quads(sink))

