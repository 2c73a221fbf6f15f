"""Review: extracted facts wait in a queue under data/review/ until a person accepts, edits or rejects them.

The stage between extraction and the curated records. `ReviewQueue.add` turns extraction records
into proposals (an entity, a visit, a post, a partnership), leaving out what the records already
state and what was decided before; `accept` writes the fact into the curated YAML files (round-trip
editing: comments, order and layout of the hand-written files stay), `reject` remembers the fact's
key in data/review/rejected.yaml so that no text proposes it again, and `undo` takes the last
decision back. The CLI (`kgraph review list|show|accept|reject|undo`) and the browser page
(kgraph.reviewweb) call these same methods.

Every decision checks the proposal is still pending (two tabs, two commands: the second gets
ReviewConflict), runs under a lock file, re-reads the YAML it edits, validates the would-be records
with `load_records` (the same message `kgraph build` gives, and nothing written) and replaces each
file atomically.
"""
from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from kgraph.errors import KgraphError, RecordError
from kgraph.extracted import CuratedFacts, load_extractions, parse_day, role_id_for
from kgraph.files import write_atomic
from kgraph.names import search_key
from kgraph.records import Records, load_records, parse_date
from kgraph.terms import slug

__all__ = ["ReviewQueue", "ReviewError", "ReviewConflict", "AddStats", "KINDS", "add_paths", "proposal_summary"]

KINDS = ("entity", "visit", "role", "partnership")
# The fields a person may edit, per kind (the extraction format's names).
EDITABLE = {
    "entity": ("name", "type", "country"),
    "visit": ("visitor", "place", "start", "end"),
    "role": ("person", "role", "of"),
    "partnership": ("city", "partner", "kind", "since"),
}
# Fields of each kind that name an entity: they link to a curated record or make a new one.
NAME_FIELDS = {"entity": ("name",), "visit": ("visitor", "place"), "role": ("person", "of"), "partnership": ("city", "partner")}
_RECORD_FILES = {"Person": "people.yaml", "City": "places.yaml", "Country": "places.yaml", "Organization": "organisations.yaml"}
_UNDO_DEPTH = 20


class ReviewError(KgraphError):
    """A review action the records or the queue refuse; nothing was written."""


class ReviewConflict(ReviewError):
    """The proposal or a file changed since it was read (another tab, command or editor)."""


@dataclass
class AddStats:
    queued: int = 0
    already_curated: int = 0
    already_decided: int = 0
    already_queued: int = 0


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments, key order, flow/block style and quotes survive
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def _date_value(text: str):
    """A date as YAML writes it plainly, as the hand-written files do (2025-11-06, 2025-11, 2025), not quoted."""
    text = str(text)
    if len(text) == 10:
        return datetime.date.fromisoformat(text)
    return int(text) if text.isdigit() else text


def _flow(mapping: dict) -> CommentedMap:
    node = CommentedMap(mapping)
    node.fa.set_flow_style()
    return node


def _flow_list(items) -> CommentedSeq:
    node = CommentedSeq(items)
    node.fa.set_flow_style()
    return node


def _take_trailing(node):
    """Remove and return the comment (blank lines) after a container's last value: ruamel keeps the blank
    line between two records on the last key of the first."""
    if isinstance(node, CommentedMap) and node:
        key = list(node.keys())[-1]
        slot = node.ca.items.get(key)
        if slot and len(slot) > 2 and slot[2] is not None:
            token, slot[2] = slot[2], None
            return token
        return _take_trailing(node[key])
    if isinstance(node, CommentedSeq) and node:
        slot = node.ca.items.get(len(node) - 1)
        if slot and slot[0] is not None:
            token, slot[0] = slot[0], None
            return token
        return _take_trailing(node[-1])
    return None


def _give_trailing(node, token) -> None:
    if isinstance(node, CommentedMap) and node:
        key = list(node.keys())[-1]
        if isinstance(node[key], (CommentedMap, CommentedSeq)) and node[key] and not node[key].fa.flow_style():
            _give_trailing(node[key], token)
        else:
            node.ca.items[key] = [None, None, token, None]
    elif isinstance(node, CommentedSeq) and node:
        if isinstance(node[-1], (CommentedMap, CommentedSeq)) and node[-1]:
            _give_trailing(node[-1], token)
        else:
            node.ca.items[len(node) - 1] = [token, None]


def _append(items: CommentedSeq, item, *, blank_line_before: bool = False) -> None:
    """Append `item`, keeping the file's layout: the blank line that closed the list moves after the new item;
    in a file of records separated by blank lines, one goes before it."""
    token = _take_trailing(items[-1]) if len(items) else None
    items.append(item)
    if token is not None:
        _give_trailing(item, token)
    if blank_line_before and len(items) > 1:
        _give_trailing(items[-2], CommentToken("\n\n", CommentMark(0), None))


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def fact_key(kind: str, fields: dict) -> str:
    """A fact's identity across texts: the same visit, post or name found again is the same fact."""
    def k(name):
        return search_key(str(fields.get(name) or ""))
    if kind == "visit":
        return f"visit|{k('visitor')}|{k('place')}|{fields.get('start') or ''}"
    if kind == "role":
        return f"role|{k('person')}|{k('role').split(' ')[0]}|{k('of')}"
    if kind == "partnership":
        return f"partnership|{'|'.join(sorted((k('city'), k('partner'))))}|{fields.get('kind') or ''}"
    return f"entity|{fields.get('type')}|{k('name')}"


def proposal_summary(proposal: dict) -> dict:
    """One proposal as `kgraph review list --format json` prints it: id, kind, the fact's fields
    (as in the extraction format), its document, rule and confidence."""
    evidence = proposal.get("evidence") or {}
    return {"id": proposal["id"], "kind": proposal["kind"], "status": proposal["status"], **proposal["fields"],
            "document": proposal["document"], "rule": evidence.get("rule"), "confidence": evidence.get("confidence"),
            "links": proposal["links"]}


class _CuratedIndex:
    """Curated ids by name, and the facts the records state, keyed like proposals."""

    def __init__(self, records: Records):
        self.records = records
        self.by_name: dict[str, list[str]] = {}
        self.kind_of: dict[str, str] = {}
        for kind, group in (("place", records.places), ("organisation", records.organisations), ("person", records.people)):
            for record in group:
                self.kind_of[record.id] = kind
                for name in {*record.labels.values(), *record.aliases}:
                    self.by_name.setdefault(search_key(name), [])
                    if record.id not in self.by_name[search_key(name)]:
                        self.by_name[search_key(name)].append(record.id)
        self.facts = CuratedFacts(records, {record.id: record.id for record in records.all()})  # keyed by record ids

    def find(self, name: str | None) -> str | None:
        ids = self.by_name.get(search_key(name or ""), [])
        return ids[0] if len(ids) == 1 else None

    def label(self, record_id: str) -> str | None:
        record = self.records.entity(record_id)
        if record is None:
            return None
        return record.labels.get("pl") or next(iter(record.labels.values()), record_id)

    def search(self, query: str, limit: int = 20) -> list[dict]:
        """Curated people, places and organisations whose name contains `query`, ignoring case and diacritics."""
        key = search_key(query)
        found = []
        for record_id, kind in self.kind_of.items():
            record = self.records.entity(record_id)
            names = [*record.labels.values(), *record.aliases]
            if key and any(key in search_key(n) for n in names):
                snippet = getattr(record, "note", None) or ", ".join(names[1:3])
                found.append({"id": record_id, "kind": kind, "label": self.label(record_id), "snippet": snippet or ""})
        found.sort(key=lambda r: (not search_key(r["label"]).startswith(key), r["label"]))
        return found[:limit]


class ReviewQueue:
    """The review queue of one data directory (data/review/queue.json and rejected.yaml)."""

    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir).resolve()
        self.dir = self.data_dir / "review"
        self.queue_path = self.dir / "queue.json"
        self.rejected_path = self.dir / "rejected.yaml"
        self.undo_path = self.dir / ".undo.json"
        self._records_read: Records | None = None
        self._proposals: list[dict] = []
        self._read()

    # -- reading
    def _read(self) -> None:
        if not self.queue_path.exists():
            self._proposals = []
            return
        try:
            data = json.loads(self.queue_path.read_text(encoding="utf-8"))
            self._proposals = list(data["proposals"])
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ReviewError(f"{self.queue_path}: not a review queue ({e}); restore it from git or delete it "
                              "and run `kgraph review add` again") from e

    def _records(self) -> Records:
        # the records read last time give back those whose text is unchanged (a server reads them at every decision)
        self._records_read = load_records(self.data_dir, reuse=self._records_read)
        return self._records_read

    def proposals(self, *, status: str | None = "pending", kind: str | None = None, min_confidence: float | None = None,
                  document: str | None = None) -> list[dict]:
        self._read()
        return [p for p in self._proposals
                if (status is None or p["status"] == status) and (kind is None or p["kind"] == kind)
                and (document is None or p["document"] == document)
                and (min_confidence is None or (p["evidence"].get("confidence") or 0) >= min_confidence)]

    def get(self, proposal_id: str) -> dict:
        self._read()
        return self._lookup(proposal_id)

    def _lookup(self, proposal_id: str) -> dict:
        """A proposal of the queue as read last (inside a decision: as read under the lock)."""
        for proposal in self._proposals:
            if proposal["id"] == proposal_id:
                return proposal
        raise ReviewError(f"no proposal '{proposal_id}' in {self.queue_path}; see `kgraph review list`")

    def progress(self) -> tuple[int, int]:
        """(reviewed, total) over every proposal the queue has held."""
        self._read()
        return sum(p["status"] != "pending" for p in self._proposals), len(self._proposals)

    def search(self, query: str) -> list[dict]:
        return _CuratedIndex(self._records()).search(query)

    def describe_links(self, proposal: dict, index: _CuratedIndex | None = None) -> dict:
        """Each name field's curated record (id, label, snippet) or None for a new one."""
        index = index or _CuratedIndex(self._records())
        out = {}
        for field, record_id in proposal["links"].items():
            record = index.records.entity(record_id) if record_id else None
            out[field] = None if record is None else {
                "id": record_id, "label": index.label(record_id), "snippet": getattr(record, "note", None) or ""}
        return out

    # -- adding
    def add(self, extractions: list[dict], texts: dict[str, str] | None = None) -> AddStats:
        """Queue the facts of `extractions` (kgraph extract records) that are new: not stated by the
        records, not accepted or rejected before, not queued already. `texts` (source path -> text)
        gives entity proposals the words around their first mention."""
        stats = AddStats()
        with self._locked():
            index = _CuratedIndex(self._records())
            rejected = self._rejected_keys()
            known = {p["key"]: p["status"] for p in self._proposals}
            known.update((p["extracted_key"], p["status"]) for p in self._proposals if p.get("extracted_key"))
            for record in sorted(extractions, key=lambda r: str(r.get("doc"))):
                text = (texts or {}).get(str(record.get("source")))
                if record.get("source"):
                    record = {**record, "source": self._portable(str(record["source"]))}
                for proposal in _proposals_of(record, index, text):
                    if proposal is None:
                        stats.already_curated += 1
                    elif proposal["key"] in rejected or known.get(proposal["key"], "pending") != "pending":
                        stats.already_decided += 1
                    elif proposal["key"] in known:
                        stats.already_queued += 1
                    else:
                        known[proposal["key"]] = "pending"
                        self._proposals.append(proposal)
                        stats.queued += 1
            self._write_queue()
        return stats

    def _portable(self, source: str) -> str:
        """A text's path as the queue keeps it: relative to the data directory when inside it (the queue
        travels with the records in git), else absolute."""
        if source.startswith(("http://", "https://")):
            return source
        path = Path(source).resolve()
        data_dir = self.data_dir.resolve()
        return str(path.relative_to(data_dir)) if data_dir in path.parents else str(path)

    # -- deciding
    def accept(self, proposal_id: str) -> list[str]:
        """Write the proposal into the curated records; returns the ids of the records written."""
        with self._decision(proposal_id) as (proposal, files):
            written = _Accept(self, files, proposal).run()
            proposal["status"] = "accepted"
            proposal["records"] = written
            # an entity a fact brought in is decided with it
            for other in self._proposals:
                if other["status"] == "pending" and other["kind"] == "entity" and other is not proposal \
                        and search_key(other["fields"]["name"]) in {search_key(n) for n in proposal.get("_created", [])}:
                    other["status"] = "accepted"
            proposal.pop("_created", None)
        return written

    def reject(self, proposal_id: str) -> None:
        """Never propose this fact again, from this text or another."""
        with self._decision(proposal_id) as (proposal, files):
            files.append(self.rejected_path, CommentedMap([
                ("key", proposal["key"]), ("kind", proposal["kind"]), ("fact", _flow(dict(proposal["fields"]))),
                ("document", proposal["document"])]), blank_line_before=False)
            proposal["status"] = "rejected"

    def edit(self, proposal_id: str, changes: dict) -> dict:
        """Correct a pending proposal's fields (a misspelled name, a date, a role); names re-link to the records."""
        with self._locked():
            proposal = self._pending(proposal_id)
            allowed = EDITABLE[proposal["kind"]]
            old_name = proposal["fields"].get("name")
            unknown = sorted(set(changes) - set(allowed))
            if unknown:
                raise ReviewError(f"cannot edit '{unknown[0]}' of a {proposal['kind']}; editable: {', '.join(allowed)}")
            for field, value in changes.items():
                value = (str(value).strip() or None) if value is not None else None
                if field in ("start", "end", "since") and value:
                    try:
                        parse_date(value)
                    except ValueError:
                        raise ReviewError(f"{field}: '{value}' is not a date; write YYYY-MM-DD (or YYYY-MM, YYYY)") from None
                if field in NAME_FIELDS[proposal["kind"]] and not value:
                    raise ReviewError(f"{field}: a name is needed")
                proposal["fields"][field] = value
            index = _CuratedIndex(self._records())
            for field in NAME_FIELDS[proposal["kind"]]:
                if field in changes:
                    proposal["links"][field] = index.find(proposal["fields"][field])
            if proposal["kind"] == "entity" and "name" in changes and old_name != proposal["fields"]["name"]:
                self._rename(old_name, proposal["fields"]["name"], proposal["links"]["name"])
            proposal.setdefault("extracted_key", proposal["key"])  # decided too: the text proposes it as it was
            proposal["key"] = fact_key(proposal["kind"], proposal["fields"])
            self._write_queue()
            return proposal

    def link(self, proposal_id: str, field: str, record_id: str | None) -> dict:
        """Say which curated record a name is (None: a new record)."""
        with self._locked():
            proposal = self._pending(proposal_id)
            if field not in NAME_FIELDS[proposal["kind"]]:
                raise ReviewError(f"'{field}' names no entity; link one of: {', '.join(NAME_FIELDS[proposal['kind']])}")
            if record_id is not None and self._records().entity(record_id) is None:
                raise ReviewError(f"no curated record '{record_id}'; search for it by name")
            proposal["links"][field] = record_id
            if proposal["kind"] == "entity":  # the facts that name this entity name that record too
                for other in self._proposals:
                    if other["status"] == "pending" and other["kind"] != "entity":
                        for name_field in NAME_FIELDS[other["kind"]]:
                            if search_key(other["fields"].get(name_field) or "") == search_key(proposal["fields"]["name"]):
                                other["links"][name_field] = record_id
            self._write_queue()
            return proposal

    def merge(self, keep_id: str, drop_id: str) -> dict:
        """Two new names are one entity: `drop`'s name becomes an alias of `keep`'s, and every pending
        fact that used it uses `keep`'s."""
        with self._locked():
            keep, drop = self._pending(keep_id), self._pending(drop_id)
            if keep is drop or keep["kind"] != "entity" or drop["kind"] != "entity":
                raise ReviewError("merge takes two different pending entity proposals")
            if keep["fields"]["type"] != drop["fields"]["type"]:
                raise ReviewError(f"cannot merge a {keep['fields']['type']} with a {drop['fields']['type']}")
            old, new = drop["fields"]["name"], keep["fields"]["name"]
            keep.setdefault("aliases", [])
            if old not in keep["aliases"]:
                keep["aliases"].append(old)
            drop["status"] = "merged"
            drop["merged_into"] = keep_id
            self._rename(old, new, keep["links"].get("name"))
            self._write_queue()
            return keep

    def _rename(self, old: str, new: str, link: str | None) -> None:
        """Pending facts that name `old` name `new` (an entity corrected or merged)."""
        for other in self._proposals:
            if other["status"] == "pending" and other["kind"] != "entity":
                for field in NAME_FIELDS[other["kind"]]:
                    if search_key(other["fields"].get(field) or "") == search_key(old):
                        other["fields"][field] = new
                        other["links"][field] = link
                other.setdefault("extracted_key", other["key"])
                other["key"] = fact_key(other["kind"], other["fields"])

    def undo(self) -> dict:
        """Take the last accept or reject back: its files as they were, its proposals pending again."""
        with self._locked():
            journal = self._journal()
            if not journal:
                raise ReviewError("nothing to undo")
            entry = journal[-1]
            for name, change in entry["files"].items():
                path = self.data_dir / name
                if _digest(path.read_bytes() if path.exists() else None) != change["after"]:
                    raise ReviewConflict(f"{path} changed after that decision; undo it by hand (git diff shows it)")
            for name, change in entry["files"].items():
                path = self.data_dir / name
                if change["before"] is None:
                    path.unlink(missing_ok=True)
                else:
                    write_atomic(path, change["before"].encode("utf-8"))
            for proposal in self._proposals:
                earlier = entry["proposals"].get(proposal["id"])
                if earlier is not None:
                    proposal.clear()
                    proposal.update(earlier)
            self._write_queue()
            write_atomic(self.undo_path, json.dumps(journal[:-1], ensure_ascii=False).encode("utf-8"))
            return self._lookup(entry["decided"])

    # -- internals
    def check_writable(self) -> None:
        """ReviewError unless decisions can be written here: never into the data installed with kgraph."""
        if {"site-packages", "dist-packages"} & set(self.data_dir.parts):
            raise ReviewError(f"{self.data_dir} is the data installed with kgraph; review into a copy of your own: "
                              f"cp -r {self.data_dir} data, then pass --data data")

    @contextlib.contextmanager
    def _locked(self):
        self.check_writable()
        self.dir.mkdir(parents=True, exist_ok=True)
        ignore = self.dir / ".gitignore"
        if not ignore.exists():
            write_atomic(ignore, b"# the undo journal and lock of kgraph review: local, not records\n.undo.json\n.lock\n")
        with open(self.dir / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._read()  # what other tabs and commands wrote before we held the lock
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _pending(self, proposal_id: str) -> dict:
        proposal = self._lookup(proposal_id)
        if proposal["status"] != "pending":
            raise ReviewConflict(f"proposal {proposal_id} was {proposal['status']} meanwhile (another tab or command); "
                                 "reload to see it")
        return proposal

    @contextlib.contextmanager
    def _decision(self, proposal_id: str):
        with self._locked():
            proposal = self._pending(proposal_id)
            before = json.loads(json.dumps(proposal))
            pending = {p["id"] for p in self._proposals if p["status"] == "pending"}
            files = _YamlFiles(self.data_dir)
            try:
                yield proposal, files
                changed = files.validated_texts(self._records_check)
                journal_files = {str(path.relative_to(self.data_dir)): {"before": None, "after": _digest(path.read_bytes())}
                                 for path in files.copied}
                journal_files.update(files.commit(changed))
            except BaseException:
                for path in files.copied:
                    path.unlink(missing_ok=True)
                raise
            self._write_queue()
            # the proposal as it was, and those decided with it (entities a fact brought in): pending again on undo
            decided = {p["id"]: {**p, "status": "pending"} for p in self._proposals
                       if p["id"] in pending and p["status"] != "pending" and p["id"] != proposal_id}
            decided[proposal_id] = before
            journal = self._journal() + [{"decided": proposal_id, "proposals": decided, "files": journal_files}]
            write_atomic(self.undo_path, json.dumps(journal[-_UNDO_DEPTH:], ensure_ascii=False).encode("utf-8"))

    def _records_check(self, texts: dict[Path, str]) -> None:
        """Load the records as they would be after writing `texts`; RecordError as `kgraph build` gives it."""
        try:
            load_records(self.data_dir, texts={path.name: text for path, text in texts.items()}, reuse=self._records_read)
        except RecordError as e:
            raise ReviewError(f"refused, nothing written: {e}") from None

    def _rejected_keys(self) -> set[str]:
        if not self.rejected_path.exists():
            return set()
        try:
            items = _yaml().load(self.rejected_path.read_text(encoding="utf-8")) or []
        except Exception as e:  # ruamel raises several error classes
            raise ReviewError(f"{self.rejected_path}: not YAML ({e}); fix it or restore it from git") from e
        return {str(item.get("key")) for item in items if isinstance(item, dict)}

    def _journal(self) -> list:
        try:
            return json.loads(self.undo_path.read_text(encoding="utf-8")) if self.undo_path.exists() else []
        except ValueError:
            return []

    def _write_queue(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        data = {"version": 1, "proposals": self._proposals}
        write_atomic(self.queue_path, (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))


class _YamlFiles:
    """The YAML files one decision edits, written together or not at all. A record added at the end of a
    file is dumped on its own and appended to the file's text; only a file whose records change is read
    round-trip (slow for large files), and written back with its comments and layout."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.loaded: dict[Path, tuple[str | None, object]] = {}
        self.appended: dict[Path, list] = {}
        self.originals: dict[Path, str | None] = {}
        self.copied: list[Path] = []  # texts copied under data/texts/ for a new document record

    def _original(self, path: Path) -> str | None:
        if path not in self.originals:
            self.originals[path] = path.read_text(encoding="utf-8") if path.exists() else None
        return self.originals[path]

    def load_path(self, path: Path):
        """The file's records, round-trip, for changing one in place."""
        if path not in self.loaded:
            original = self._original(path)
            data = (_yaml().load(original) if original else None) or CommentedSeq()
            self.loaded[path] = (original, data)
            for record, blank_line_before in self.appended.pop(path, []):
                _append(data, record, blank_line_before=blank_line_before)
        return self.loaded[path][1]

    def load(self, name: str):
        return self.load_path(self.data_dir / name)

    def append(self, name: str | Path, record, *, blank_line_before: bool = True) -> None:
        path = self.data_dir / name
        if path in self.loaded:
            _append(self.loaded[path][1], record, blank_line_before=blank_line_before)
        else:
            self._original(path)
            self.appended.setdefault(path, []).append((record, blank_line_before))

    def added(self, name: str) -> list:
        """Records appended to `name` by this decision so far."""
        path = self.data_dir / name
        if path in self.loaded:
            return []
        return [record for record, _ in self.appended.get(path, [])]

    def validated_texts(self, check) -> dict[Path, str]:
        texts = {}
        for path, (original, data) in self.loaded.items():
            out = io.StringIO()
            _yaml().dump(data, out)
            if out.getvalue() != original:
                texts[path] = out.getvalue()
        for path, records in self.appended.items():
            text = self.originals[path] or ""
            if text and not text.endswith("\n"):
                text += "\n"
            for record, blank_line_before in records:
                out = io.StringIO()
                _yaml().dump(CommentedSeq([record]), out)
                text += ("\n" if blank_line_before and text.strip() and not text.endswith("\n\n") else "") + out.getvalue()
            texts[path] = text
        check({p: t for p, t in texts.items() if p.parent == self.data_dir})
        return texts

    def commit(self, texts: dict[Path, str]) -> dict[str, dict]:
        journal = {}
        for path, text in texts.items():
            original = self.originals[path]
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != original:
                raise ReviewConflict(f"{path} changed while this decision was written; nothing written, try again")
        for path, text in texts.items():
            journal[str(path.relative_to(self.data_dir))] = {"before": self.originals[path], "after": _digest(text.encode("utf-8"))}
        for path, text in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text.encode("utf-8"))
        return journal


class _Accept:
    """The records one accepted proposal writes."""

    def __init__(self, queue: ReviewQueue, files: _YamlFiles, proposal: dict):
        self.queue, self.files, self.proposal = queue, files, proposal
        self.records = queue._records()
        self.index = _CuratedIndex(self.records)
        self.taken = {r.id for r in self.records.all()}  # the records on disk now; new ids are added as minted
        self.written: list[str] = []
        self.created: list[str] = []

    def run(self) -> list[str]:
        p = self.proposal
        fields = p["fields"]
        kind = p["kind"]
        if kind == "entity":
            linked = p["links"].get("name")
            if linked:
                self._add_alias(linked, fields["name"])
            else:
                self._entity(fields["name"], fields["type"], country=fields.get("country"), aliases=p.get("aliases", []),
                             place=p.get("place"))
        elif kind == "visit":
            self._visit(fields)
        elif kind == "role":
            self._post(fields)
        else:
            self._partnership(fields)
        p["_created"] = self.created
        return self.written

    # -- helpers
    def _new_id(self, text: str) -> str:
        base = slug(text)[:60].strip("-") or "x"
        candidate, n = base, 2
        while candidate in self.taken:
            candidate, n = f"{base}-{n}", n + 1
        self.taken.add(candidate)
        return candidate

    def _evidence(self) -> CommentedSeq:
        e = self.proposal.get("evidence") or {}
        item = CommentedMap([("document", self._document()), ("sentence", e.get("sentence") or "")])
        for key in ("start", "end"):
            if isinstance(e.get(key), int):
                item[key] = e[key]
        return CommentedSeq([item])

    def _document(self) -> str:
        """The document record of the proposal's text: an existing one (same title, or the same file),
        else a new one pointing at the file (copied under data/texts/ when it lives elsewhere) or URL."""
        if getattr(self, "_doc_id", None):
            return self._doc_id
        p = self.proposal
        title, source = p.get("title"), str(p.get("source") or "")
        for doc in self.records.documents:
            if (title and search_key(doc.labels.get("pl", "")) == search_key(title)) or (
                    not title and doc.text_file and source.endswith(doc.text_file)):
                self._doc_id = doc.id
                return doc.id
        for item in self.files.added("documents.yaml"):
            if title and search_key(str((item.get("labels") or {}).get("pl", ""))) == search_key(title):
                self._doc_id = str(item["id"])
                return self._doc_id
        record = CommentedMap()
        record["id"] = self._new_id(f"{p.get('date') or ''} {title or p['document']}")
        record["type"] = "news-item"
        record["labels"] = _flow({"pl": title or p["document"], "en": title or p["document"]})
        if p.get("date"):
            record["date"] = _date_value(p["date"])
        if source.startswith(("http://", "https://")):
            record["url"] = source
        else:
            record["text_file"] = self._text_file(Path(source)) if source else None
            if record["text_file"] is None:
                raise ReviewError(f"the text of {p['document']} ({source or 'no source'}) cannot be found; "
                                  "add it again with `kgraph review add` from where it is")
        self.files.append("documents.yaml", record)
        self.written.append(record["id"])
        self._doc_id = record["id"]
        return record["id"]

    def _text_file(self, source: Path) -> str | None:
        data_dir = self.queue.data_dir.resolve()
        path = source if source.is_absolute() else data_dir / source
        if not path.is_file():
            return None
        path = path.resolve()
        if data_dir in path.parents:
            return str(path.relative_to(data_dir))
        target = data_dir / "texts" / path.name
        if not target.exists() or target.read_bytes() != path.read_bytes():
            n = 2
            while target.exists() and target.read_bytes() != path.read_bytes():
                target = target.with_name(f"{path.stem}-{n}{path.suffix}")
                n += 1
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)  # the text is kept with the records it is the source of
            self.files.copied.append(target)
        return str(target.relative_to(data_dir))

    def _find_record(self, record_id: str):
        """A person's, place's or organisation's record, round-trip, to change it in place."""
        for name in set(_RECORD_FILES.values()):
            for item in self.files.added(name):
                if str(item.get("id")) == record_id:
                    return item  # made by this decision
        record = self.records.entity(record_id)
        if record is None:
            return None
        for item in self.files.load_path(Path(record.where.file)):
            if isinstance(item, dict) and str(item.get("id")) == record_id:
                return item
        return None

    def _add_alias(self, record_id: str, name: str) -> None:
        record = self._find_record(record_id)
        if record is None:
            raise ReviewError(f"no curated record '{record_id}'")
        names = [str(v) for v in (record.get("labels") or {}).values()] + [str(record.get("name") or "")] + \
            [str(a) for a in record.get("aliases") or []]
        if search_key(name) not in {search_key(n) for n in names}:
            aliases = record.get("aliases")
            if aliases is None:
                record["aliases"] = _flow_list([name])
            else:
                aliases.append(name)
            self.written.append(record_id)

    def _id_for(self, field: str, name: str, entity_type: str) -> str:
        """The curated id a name field links to, or a new record made for it."""
        linked = self.proposal["links"].get(field)
        if linked:
            return linked
        found = self.index.find(name)
        if found:
            return found
        info = (self.proposal.get("entities") or {}).get(field) or {}
        return self._entity(name, info.get("type") or entity_type, place=info.get("place"))

    def _entity(self, name: str, entity_type: str, *, country: str | None = None, aliases=(), place=None) -> str:
        for item in self.files.added(_RECORD_FILES.get(entity_type, "organisations.yaml")):
            if search_key(str(item.get("name") or (item.get("labels") or {}).get("pl", ""))) == search_key(name):
                return str(item["id"])  # made by an earlier decision of this session
        record = CommentedMap()
        record["id"] = self._new_id(name)
        if entity_type == "Person":
            record["name"] = name
        else:
            if entity_type in ("City", "Country"):
                record["type"] = "city" if entity_type == "City" else "country"
            record["labels"] = _flow({"pl": name, "en": name})  # a name, until someone translates it
        if aliases:
            record["aliases"] = _flow_list(list(aliases))
        if entity_type == "City":
            country_id = self._country_id(country or (place or {}).get("country_name"), (place or {}).get("country"))
            if country_id is None:
                raise ReviewError(f"the town '{name}' needs a country: edit the proposal's country (e.g. Niemcy)")
            record["country"] = country_id
            if place and place.get("lat") is not None:
                record["lat"], record["long"] = place["lat"], place["long"]
                record["note"] = f"coordinates: GeoNames {place.get('geonames')}"
        record["sources"] = _flow_list([self._document()])
        record["evidence"] = self._evidence()
        self.files.append(_RECORD_FILES.get(entity_type, "organisations.yaml"), record)
        self.written.append(record["id"])
        self.created.append(name)
        return record["id"]

    def _country_id(self, name: str | None, code: str | None) -> str | None:
        from kgraph.text.lexicon import countries

        known = countries()
        if name and search_key(name) in {search_key(k) for k in known}:
            name = next(v[0] for k, v in known.items() if search_key(k) == search_key(name))
        elif code:
            name = next((v[0] for v in known.values() if v[1] == code), None)
        if not name:
            return None
        found = self.index.find(name)
        if found and self.index.kind_of.get(found) == "place":
            return found
        return self._entity(name, "Country")

    def _visit(self, fields: dict) -> None:
        visitor = self._id_for("visitor", fields["visitor"], "Person")
        place = self._id_for("place", fields["place"], "City")
        doc_date = self.proposal.get("date")
        start, end = fields.get("start"), fields.get("end") or fields.get("start")
        if not start and not doc_date:
            raise ReviewError("the visit has no date and its text none; edit its start (YYYY-MM-DD)")
        evidence = self.proposal.get("evidence") or {}
        document = self._document()
        # members of one delegation, told in one sentence, are one event
        for event in self.records.events:
            if event.location == place and (event.start.lexical if event.start else None) == start and any(
                    e.document == document and e.start == evidence.get("start") for e in event.evidence):
                item = next(i for i in self.files.load_path(Path(event.where.file)) if str(i.get("id")) == event.id)
                if visitor not in [str(v) for v in item.get("visitors") or []]:
                    item["visitors"].append(visitor)
                self.written.append(event.id)
                return
        visitor_name, place_name = fields["visitor"], fields["place"]
        record = CommentedMap()
        record["id"] = self._new_id(f"{(start or doc_date)[:7]} wizyta {visitor_name} {place_name}")
        record["type"] = "visit"
        record["labels"] = _flow({"pl": f"Wizyta: {visitor_name} → {place_name}", "en": f"Visit: {visitor_name} → {place_name}"})
        if start:
            record["start"] = _date_value(start)
            record["end"] = _date_value(end)
        else:
            record["not_after"] = _date_value(doc_date)
        record["location"] = place
        record["visitors"] = _flow_list([visitor])
        record["sources"] = _flow_list([document])
        record["evidence"] = self._evidence()
        self.files.append("events.yaml", record)
        self.written.append(record["id"])

    def _post(self, fields: dict) -> None:
        role = role_id_for(fields.get("role") or "")
        if role is None:
            raise ReviewError(f"role '{fields.get('role')}' is not a post of the vocabulary (kgo:roles in ontology.ttl); "
                              "edit the role")
        person = self._id_for("person", fields["person"], "Person")
        of = self._id_for("of", fields["of"], "City")
        record = self._find_record(person)
        if record is None:
            raise ReviewError(f"'{fields['person']}' is not a person record; link the person to one")
        posts = record.get("posts")
        if posts is None:
            posts = record["posts"] = CommentedSeq()
        document, date = self._document(), self.proposal.get("date")
        for post in posts:
            if str(post.get("role")) == role and str(post.get("of")) == of:
                if date and date not in [str(d) for d in post.get("attested") or []]:
                    post.setdefault("attested", _flow_list([]))
                    post["attested"].append(_date_value(date))
                if document not in [str(s) for s in post.get("sources") or []]:
                    post["sources"].append(document)
                self.written.append(person)
                return
        post = CommentedMap([("role", role), ("of", of)])
        if date:
            post["attested"] = _flow_list([_date_value(date)])
        post["sources"] = _flow_list([document])
        post["evidence"] = self._evidence()
        _append(posts, post)
        self.written.append(person)

    def _partnership(self, fields: dict) -> None:
        from kgraph.vocab import partnership_kind_ids

        a = self._id_for("city", fields["city"], "City")
        b = self._id_for("partner", fields["partner"], "City")
        kind = fields.get("kind") if fields.get("kind") in partnership_kind_ids() else "partner-or-friendly"
        record = CommentedMap()
        record["id"] = self._new_id(f"{a} {b} {kind}")
        record["between"] = _flow_list([a, b])
        record["kind"] = kind
        if fields.get("since"):
            record["since"] = _date_value(fields["since"])
        record["sources"] = _flow_list([self._document()])
        record["evidence"] = self._evidence()
        self.files.append("partnerships.yaml", record)
        self.written.append(record["id"])


def add_paths(queue: ReviewQueue, paths, *, home: str | None = None) -> AddStats:
    """Queue what is new in texts (extracted now, with the queue's records as gazetteer) and in
    `kgraph extract` output files (*.jsonl)."""
    from kgraph.text.extract import make_extractor
    from kgraph.text.readers import decode_bytes, expand_paths, read_path

    queue.check_writable()  # before minutes of extraction
    extractions, extractor = [], None
    for path in expand_paths(paths):
        if path.suffix == ".jsonl":
            extractions += load_extractions(path)
        else:
            extractor = extractor or make_extractor(queue.data_dir, home=home)
            extractions += extractor.extract_all(read_path(path))
    texts = {}
    for source in sorted({str(r.get("source")) for r in extractions if r.get("source")}):
        with contextlib.suppress(OSError, KgraphError, UnicodeDecodeError):
            texts[source] = decode_bytes(Path(source).read_bytes(), source)
    return queue.add(extractions, texts)


def _proposals_of(record: dict, index: _CuratedIndex, text: str | None):
    """The proposals of one extraction record; None for each fact the records already state."""
    document = str(record.get("doc"))
    entities = {e["name"]: e for e in record.get("entities", []) if isinstance(e, dict) and e.get("name")}
    common = {"document": document, "source": record.get("source"), "title": record.get("title"),
              "date": record.get("date"), "status": "pending"}
    doc_date = parse_day(record.get("date"))

    def link(name):
        entity = entities.get(name) or {}
        return entity.get("id") if entity.get("id") in index.kind_of else index.find(name)

    def mentions(start, end):
        return sorted([m for e in entities.values() for m in e.get("mentions", [])
                       if isinstance(m, list) and len(m) == 3 and start <= m[0] and m[1] <= end])

    def entity_info(name):
        entity = entities.get(name) or {}
        info = {"type": entity.get("type")}
        if entity.get("geonames"):
            info["place"] = {k: entity.get(k) for k in ("geonames", "country", "lat", "long")}
        return info

    def make(kind, fields, evidence, names):
        evidence = {k: evidence.get(k) for k in ("sentence", "start", "end", "rule", "confidence")} if evidence else {}
        key = fact_key(kind, fields)
        proposal = {"kind": kind, "key": key, "id": f"{kind[0]}{hashlib.sha256(key.encode()).hexdigest()[:10]}",
                    "fields": fields, "links": {n: link(fields.get(n)) for n in names}, "evidence": evidence,
                    "mentions": mentions(evidence.get("start") or 0, evidence.get("end") or 0) if evidence else [],
                    "entities": {n: entity_info(fields.get(n)) for n in names if kind != "entity"}, **common}
        return proposal

    for entity in entities.values():
        if entity.get("id") in index.kind_of or entity.get("type") not in _RECORD_FILES or index.find(entity["name"]):
            continue
        first = (entity.get("mentions") or [[0, 0, ""]])[0]
        sentence, start, end = _context(text, first, record)
        proposal = make("entity", {"type": entity["type"], "name": entity["name"]},
                        {"sentence": sentence, "start": start, "end": end, "rule": "name", "confidence": None}, ("name",))
        proposal["mentions"] = [first] if text else []
        if entity.get("geonames"):
            proposal["place"] = {k: entity.get(k) for k in ("geonames", "country", "lat", "long")}
        yield proposal
    for visit in record.get("visits", []):
        fields = {k: visit.get(k) for k in ("visitor", "place", "start", "end")}
        visitor, place = link(fields["visitor"]), link(fields["place"])
        when = parse_day(fields["start"]) or doc_date
        if visitor and place and when and (visitor, place, when.first_day().strftime("%Y-%m")) in index.facts.visits:
            yield None
            continue
        yield make("visit", fields, visit.get("evidence"), NAME_FIELDS["visit"])
    for role in record.get("roles", []):
        fields = {k: role.get(k) for k in ("person", "role", "of")}
        if (link(fields["person"]), role_id_for(fields["role"] or ""), link(fields["of"])) in index.facts.posts:
            yield None
            continue
        yield make("role", fields, role.get("evidence"), NAME_FIELDS["role"])
    for claim in record.get("partnerships", []):
        fields = {k: claim.get(k) for k in ("city", "partner", "kind", "since")}
        if frozenset((link(fields["city"]), link(fields["partner"]))) in index.facts.pairs:
            yield None
            continue
        yield make("partnership", fields, claim.get("evidence"), NAME_FIELDS["partnership"])


def _context(text: str | None, mention: list, record: dict) -> tuple[str, int | None, int | None]:
    """The words around an entity's first mention: its sentence from a fact's evidence, else ±120 characters of the text."""
    start, end = mention[0], mention[1]
    for field in ("visits", "roles", "partnerships"):
        for fact in record.get(field, []):
            e = fact.get("evidence") or {}
            if isinstance(e.get("start"), int) and e["start"] <= start and end <= e.get("end", -1):
                return e.get("sentence", ""), e["start"], e["end"]
    if text is None or end > len(text):
        return mention[2], start, end
    lo, hi = max(0, start - 120), min(len(text), end + 120)
    return text[lo:hi], lo, hi
