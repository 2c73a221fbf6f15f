"""Curated records: load the YAML files of a data directory and validate them.

Every problem is reported as a RecordError naming the file and line and saying
how to fix it. Nothing here knows about RDF: build.py turns Records into a graph.

>>> from kgraph.resources import packaged_data_dir
>>> records = load_records(packaged_data_dir())
>>> records.entity("lowecz").labels["pl"]
'Łowecz'
"""
from __future__ import annotations

import calendar
import hashlib
import re
import weakref
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from operator import attrgetter
from pathlib import Path

import yaml

from kgraph.bulk import no_cycle_collection
from kgraph.errors import RecordError
from kgraph.vocab import partnership_kind_ids, role_ids

__all__ = [
    "PartialDate", "Labels", "Place", "Organisation", "Post", "Person", "Event", "Partnership",
    "Document", "Records", "load_records", "count_references", "GROUP_FILES", "parse_date", "EVENT_TYPES", "DOCUMENT_TYPES", "PLACE_TYPES",
]

PLACE_TYPES = ("city", "country", "region")
EVENT_TYPES = ("visit", "delegation", "exchange", "festival", "council-session", "exhibition", "conference")
DOCUMENT_TYPES = ("news-listing", "news-item", "interpellation", "reply", "web-page")

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


# ---------------------------------------------------------------------------
# values


@dataclass(frozen=True, order=True, repr=False)
class PartialDate:
    """A date with the precision the source gives: a year, a month or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __repr__(self) -> str:  # written out: the dataclass one is slow, and incremental builds digest every date
        return f"PartialDate({self.year}, {self.month}, {self.day})"

    @property
    def lexical(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


def parse_date(text: str) -> PartialDate:
    """'2025', '2025-11' or '2025-11-06' as a PartialDate; ValueError names what is wrong."""
    match = _DATE.match(str(text).strip())
    if not match:
        raise ValueError("write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    date(year, month or 1, day or 1)  # raises ValueError for 2025-02-30
    return PartialDate(year, month, day)


@dataclass(frozen=True)
class Where:
    file: str
    line: int


@dataclass(frozen=True)
class Evidence:
    """The words of a document a reviewed fact was accepted from (kgraph review)."""
    document: str
    sentence: str
    start: int | None = None
    end: int | None = None


class Labels(dict):
    """A record's names by language. Read-only, like every field of a record: a record never changes once
    made (an edit makes a new one, with dataclasses.replace), so an incremental build can keep each record's
    digest for as long as the record lives (kgraph.incremental.record_digests)."""
    __slots__ = ()

    def _read_only(self, *args, **kwargs):
        raise TypeError("a record's labels are read-only: make a new record, "
                        "dataclasses.replace(record, labels={...})")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self):
        return Labels, (dict(self),)


class _Labelled:
    def __post_init__(self):
        if type(self.labels) is not Labels:
            object.__setattr__(self, "labels", Labels(self.labels))


@dataclass(frozen=True)
class Place(_Labelled):
    id: str
    type: str
    labels: dict[str, str]
    where: Where
    aliases: tuple[str, ...] = ()
    country: str | None = None
    lat: float | None = None
    long: float | None = None
    wikidata: str | None = None
    wikidata_close: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    note: str | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Organisation(_Labelled):
    id: str
    labels: dict[str, str]
    where: Where
    aliases: tuple[str, ...] = ()
    location: str | None = None
    part_of: str | None = None
    sources: tuple[str, ...] = ()
    note: str | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Post:
    role: str
    of: str
    where: Where
    start: PartialDate | None = None
    end: PartialDate | None = None
    attested: tuple[PartialDate, ...] = ()
    sources: tuple[str, ...] = ()
    note: str | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Person(_Labelled):
    id: str
    labels: dict[str, str]
    where: Where
    given_name: str | None = None
    family_name: str | None = None
    aliases: tuple[str, ...] = ()
    posts: tuple[Post, ...] = ()
    sources: tuple[str, ...] = ()
    note: str | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Event(_Labelled):
    id: str
    type: str
    labels: dict[str, str]
    where: Where
    start: PartialDate | None = None
    end: PartialDate | None = None
    not_after: PartialDate | None = None
    location: str | None = None
    visitors: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    part_of: str | None = None
    sources: tuple[str, ...] = ()
    note: str | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Partnership:
    id: str
    between: tuple[str, str]
    kind: str
    where: Where
    since: PartialDate | None = None
    sources: tuple[str, ...] = ()
    note: str | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Document(_Labelled):
    id: str
    type: str
    labels: dict[str, str]
    where: Where
    date: PartialDate | None = None
    url: str | None = None
    text_file: str | None = None
    part_of: str | None = None
    author: str | None = None
    addressee: str | None = None
    subject: str | None = None
    reference_numbers: tuple[str, ...] = ()
    reply_to: str | None = None
    mentions: tuple[str, ...] = ()
    note: str | None = None
    sources: tuple[str, ...] = ()


@dataclass
class Records:
    """All curated records of a data directory, validated."""

    data_dir: Path
    places: list[Place] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    def __getstate__(self):
        # a copy or a pickle takes the records, not what this object keeps about them (an index, the
        # digests of kgraph.incremental): those name this object's record objects
        return {name: value for name, value in self.__dict__.items() if not name.startswith("_")}

    def all(self):
        for group in (self.places, self.organisations, self.people, self.events, self.partnerships, self.documents):
            yield from group

    def entity(self, record_id: str):
        return self._index().get(record_id)

    def _index(self) -> dict:
        if not hasattr(self, "_by_id"):
            self._by_id = {record.id: record for record in self.all()}
        return self._by_id

    def web_sources(self) -> list[str]:
        """Every distinct URL cited in a `sources` list, sorted."""
        urls = set()
        for record in self.all():
            urls.update(s for s in record.sources if _URL.match(s))
            for post in getattr(record, "posts", ()):
                urls.update(s for s in post.sources if _URL.match(s))
        return sorted(urls)


# ---------------------------------------------------------------------------
# YAML with line numbers


class _Map(dict):
    """A YAML mapping that remembers the line of each key (1-based)."""

    line: int
    key_lines: dict


class _List(list):
    line: int
    item_lines: list


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: ten times faster
    """Keeps every scalar a string: dates and years are parsed by kgraph, not by YAML
    (YAML would turn `no` into False and `2025-11` into a string but `2025` into an int)."""


def _convert(node, path):
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null" or (node.style is None and node.value in ("", "~", "null")):
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        out = _List(_convert(item, path) for item in node.value)
        out.line = node.start_mark.line + 1
        out.item_lines = [item.start_mark.line + 1 for item in node.value]
        return out
    if isinstance(node, yaml.MappingNode):
        out = _Map()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, path)
            line = key_node.start_mark.line + 1
            if key in out:
                raise RecordError(path, line, f"field '{key}' appears twice in one record; keep one")
            out[key] = _convert(value_node, path)
            out.key_lines[key] = line
        return out
    raise RecordError(path, node.start_mark.line + 1, "unsupported YAML node")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise RecordError(path, None, f"not UTF-8 text ({e.reason}); save the file as UTF-8") from e
    except OSError as e:  # a directory, unreadable, gone meanwhile
        raise RecordError(path, None, f"cannot read the records file ({e.strerror}); it must be a readable YAML file") from e


def _read_yaml_list(path: Path, text: str | None = None) -> _List:
    text = _read_text(path) if text is None else text
    try:
        # records never need anchors and aliases; refused before composing, an alias "bomb" costs nothing
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                raise RecordError(path, token.start_mark.line + 1, "YAML anchors and aliases (&name, *name) are not "
                                                                   "allowed in records; write the value out in full")
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        if e.context_mark and mark.index >= len(text.rstrip()):  # ran off the end: point at what was left open
            mark = e.context_mark
        line = mark.line + 1 if mark else None
        raise RecordError(path, line, f"invalid YAML: {e.problem or e.context}; fix the syntax") from e
    if node is None:
        empty = _List()
        empty.line, empty.item_lines = 1, []
        return empty
    try:
        data = _convert(node, path)
    except RecursionError:
        raise RecordError(path, node.start_mark.line + 1, "nested too deeply; a record is a mapping of fields, "
                                                          "with lists and mappings a few levels deep") from None
    if not isinstance(data, _List):
        raise RecordError(path, getattr(data, "line", 1), "expected a list of records (each starting with '- id: ...')")
    return data


# ---------------------------------------------------------------------------
# field readers


class _Fields:
    """Reads one record's fields, reporting errors with the file and line."""

    def __init__(self, path: Path, raw, allowed: tuple[str, ...]):
        self.path = path
        if not isinstance(raw, _Map):
            raise RecordError(path, getattr(raw, "line", None), "expected a record (a mapping of field: value)")
        self.raw = raw
        unknown = sorted(set(raw) - set(allowed))
        if unknown:
            key = unknown[0]
            raise RecordError(path, raw.key_lines[key], f"unknown field '{key}'; known fields: {', '.join(allowed)}")

    @property
    def where(self) -> Where:
        return Where(str(self.path), self.raw.line)

    def line(self, key: str) -> int:
        return self.raw.key_lines.get(key, self.raw.line)

    def fail(self, key: str, message: str):
        raise RecordError(self.path, self.line(key), message)

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                self.fail(key, f"missing required field '{key}'")
            return None
        if not isinstance(value, str):
            self.fail(key, f"field '{key}' must be text")
        return value.strip()

    def record_id(self) -> str:
        value = self.text("id", required=True)
        if not _ID.match(value):
            self.fail("id", f"id '{value}' must be lower-case ASCII letters, digits and hyphens (e.g. 'kamieniec-podolski')")
        return value

    def choice(self, key: str, choices, *, required: bool = True) -> str | None:
        value = self.text(key, required=required)
        if value is not None and value not in choices:
            self.fail(key, f"unknown {key} '{value}'; known values: {', '.join(choices)}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, f"field '{key}' must be a list of texts")
        return tuple(v.strip() for v in value)

    def labels(self, *, name_key: str | None = None) -> dict[str, str]:
        raw = self.raw.get("labels")
        name = self.text(name_key) if name_key else None
        if raw is None and name:
            return {"pl": name, "en": name}
        if not isinstance(raw, dict):
            hint = f"'{name_key}: ...' or " if name_key else ""
            self.fail("labels", f"missing labels; give {hint}'labels: {{pl: ..., en: ...}}'")
        labels = {}
        for lang, text in raw.items():
            if not isinstance(lang, str) or not re.match(r"^[a-z]{2,3}$", lang) or not isinstance(text, str) or not text.strip():
                self.fail("labels", f"labels must map language codes to names, e.g. {{pl: Łowecz, en: Lovech}}; got {lang!r}")
            labels[lang] = text.strip()
        for lang in ("pl", "en"):
            if lang not in labels:
                self.fail("labels", f"labels need a Polish and an English name; '{lang}' is missing")
        return labels

    def date(self, key: str, raw=None) -> PartialDate | None:
        value = self.raw.get(key) if raw is None else raw
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError as e:
            detail = "" if str(e).startswith("write") else f" ({e})"
            self.fail(key, f"bad date '{value}' in '{key}'{detail}; write YYYY, YYYY-MM or YYYY-MM-DD")

    def dates(self, key: str) -> tuple[PartialDate, ...]:
        return tuple(self.date(key, raw) for raw in self.texts(key))

    def number(self, key: str, low: float, high: float) -> float | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            self.fail(key, f"'{key}' must be a number from {low} to {high}; got '{value}'")
        return number

    def evidence(self) -> tuple[Evidence, ...]:
        """[{document, sentence, start, end}]: the words a reviewed fact was accepted from."""
        raw = self.raw.get("evidence") or []
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            self.fail("evidence", "'evidence' must be a list of {document, sentence, start, end}")
        found = []
        for item in raw:
            document, sentence = item.get("document"), item.get("sentence")
            start, end = item.get("start"), item.get("end")  # scalars stay text here (see _Loader)
            if not isinstance(document, str) or not isinstance(sentence, str) or not all(
                    v is None or (isinstance(v, str) and v.isdigit()) for v in (start, end)):
                self.fail("evidence", "each 'evidence' needs 'document' (an id), 'sentence' (text) and "
                                      "character offsets 'start'/'end' (whole numbers)")
            found.append(Evidence(document.strip(), sentence, int(start) if start else None, int(end) if end else None))
        return tuple(found)

    def sources(self, *, required: bool = True) -> tuple[str, ...]:
        sources = self.texts("sources")
        if required and not sources:
            self.fail("sources", "every fact needs a source: add 'sources: [URL or document id]'")
        return sources


# ---------------------------------------------------------------------------
# per-file readers

_PLACE_FIELDS = ("id", "type", "labels", "aliases", "country", "lat", "long", "wikidata", "wikidata_close", "sources", "note", "evidence")
_ORG_FIELDS = ("id", "labels", "aliases", "location", "part_of", "sources", "note", "evidence")
_PERSON_FIELDS = ("id", "name", "labels", "given_name", "family_name", "aliases", "posts", "sources", "note", "evidence")
_POST_FIELDS = ("role", "of", "start", "end", "attested", "sources", "note", "evidence")
_EVENT_FIELDS = ("id", "type", "labels", "start", "end", "not_after", "location", "visitors", "hosts",
                 "participants", "part_of", "sources", "note", "evidence")
_PARTNERSHIP_FIELDS = ("id", "between", "kind", "since", "sources", "note", "evidence")
_DOCUMENT_FIELDS = ("id", "type", "labels", "date", "url", "text_file", "part_of", "author", "addressee", "subject",
                    "reference_numbers", "reply_to", "mentions", "sources", "note")
_QID = re.compile(r"^Q[1-9][0-9]*$")


def _place(f: _Fields) -> Place:
    place = Place(
        id=f.record_id(), type=f.choice("type", PLACE_TYPES), labels=f.labels(), where=f.where,
        aliases=f.texts("aliases"), country=f.text("country"),
        lat=f.number("lat", -90, 90), long=f.number("long", -180, 180),
        wikidata=f.text("wikidata"), wikidata_close=f.texts("wikidata_close"),
        sources=f.sources(), note=f.text("note"), evidence=f.evidence(),
    )
    for qid in ((place.wikidata,) if place.wikidata else ()) + place.wikidata_close:
        if not _QID.match(qid):
            f.fail("wikidata", f"'{qid}' is not a Wikidata item id; write it as Q followed by digits, e.g. Q36")
    if place.type != "country" and not place.country:
        f.fail("type", f"a {place.type} needs 'country: <country id>'")
    return place


def _organisation(f: _Fields) -> Organisation:
    return Organisation(
        id=f.record_id(), labels=f.labels(), where=f.where, aliases=f.texts("aliases"),
        location=f.text("location"), part_of=f.text("part_of"), sources=f.sources(), note=f.text("note"),
        evidence=f.evidence(),
    )


def _post(path: Path, raw) -> Post:
    f = _Fields(path, raw, _POST_FIELDS)
    post = Post(
        role=f.choice("role", role_ids()), of=f.text("of", required=True), where=f.where,
        start=f.date("start"), end=f.date("end"), attested=f.dates("attested"),
        sources=f.sources(), note=f.text("note"), evidence=f.evidence(),
    )
    if post.start and post.end and post.start.first_day() > post.end.last_day():
        f.fail("end", f"post ends ({post.end.lexical}) before it starts ({post.start.lexical})")
    return post


def _person(f: _Fields) -> Person:
    posts_raw = f.raw.get("posts") or []
    if not isinstance(posts_raw, list):
        f.fail("posts", "'posts' must be a list of {role, of, ...} records")
    return Person(
        id=f.record_id(), labels=f.labels(name_key="name"), where=f.where,
        given_name=f.text("given_name"), family_name=f.text("family_name"), aliases=f.texts("aliases"),
        posts=tuple(_post(f.path, raw) for raw in posts_raw), sources=f.sources(), note=f.text("note"),
        evidence=f.evidence(),
    )


def _event(f: _Fields) -> Event:
    event = Event(
        id=f.record_id(), type=f.choice("type", EVENT_TYPES), labels=f.labels(), where=f.where,
        start=f.date("start"), end=f.date("end"), not_after=f.date("not_after"),
        location=f.text("location", required=True), visitors=f.texts("visitors"), hosts=f.texts("hosts"),
        participants=f.texts("participants"), part_of=f.text("part_of"), sources=f.sources(), note=f.text("note"),
        evidence=f.evidence(),
    )
    for key in ("start", "end"):
        value = getattr(event, key)
        if value and value.precision != "day":
            f.fail(key, f"event '{key}' must be a full date YYYY-MM-DD; use 'not_after' when the day is unknown")
    if event.end and not event.start:
        f.fail("end", "an event with an 'end' needs a 'start'")
    if event.start and event.end and event.start > event.end:
        f.fail("end", f"event ends ({event.end.lexical}) before it starts ({event.start.lexical})")
    if not event.start and not event.not_after:
        f.fail("id", "an event needs 'start' (and 'end') or, when the text gives no day, 'not_after'")
    if event.type in ("visit", "delegation", "exchange") and not event.visitors:
        f.fail("type", f"a {event.type} needs 'visitors: [ids of who travelled]'")
    return event


def _partnership(f: _Fields) -> Partnership:
    between = f.texts("between")
    if len(between) != 2 or between[0] == between[1]:
        f.fail("between", "'between' must name two different places, e.g. [kalisz, martin]")
    return Partnership(
        id=f.record_id(), between=(between[0], between[1]), kind=f.choice("kind", partnership_kind_ids()),
        where=f.where, since=f.date("since"), sources=f.sources(), note=f.text("note"), evidence=f.evidence(),
    )


def _document(f: _Fields) -> Document:
    doc = Document(
        id=f.record_id(), type=f.choice("type", DOCUMENT_TYPES), labels=f.labels(), where=f.where,
        date=f.date("date"), url=f.text("url"), text_file=f.text("text_file"), part_of=f.text("part_of"),
        author=f.text("author"), addressee=f.text("addressee"), subject=f.text("subject"),
        reference_numbers=f.texts("reference_numbers"), reply_to=f.text("reply_to"),
        mentions=f.texts("mentions"), note=f.text("note"), sources=f.sources(required=False),
    )
    if doc.url and not _URL.match(doc.url):
        f.fail("url", f"'{doc.url}' is not an http(s) URL")
    if not (doc.url or doc.text_file or doc.part_of or doc.sources):
        f.fail("id", "a document needs 'url', 'text_file', 'part_of' or 'sources' so readers can find it")
    return doc


_READERS = (
    ("places.yaml", "places", _PLACE_FIELDS, _place),
    ("organisations.yaml", "organisations", _ORG_FIELDS, _organisation),
    ("people.yaml", "people", _PERSON_FIELDS, _person),
    ("events.yaml", "events", _EVENT_FIELDS, _event),
    ("partnerships.yaml", "partnerships", _PARTNERSHIP_FIELDS, _partnership),
    ("documents.yaml", "documents", _DOCUMENT_FIELDS, _document),
)


# each group of records and the file it is read from
GROUP_FILES = tuple((attr, filename) for filename, attr, _, _ in _READERS)


# ---------------------------------------------------------------------------
# reading again after an edit: only the records whose text changed
#
# Parsing is nearly all the cost of reading records (YAML: about 0.3 ms a record, 15 s for the 50,000 records
# of 10^6 triples). A record file is a YAML block sequence whose items start at column 0, so each item can be
# parsed alone: the same record, its lines offset by where the item starts. `load_records(reuse=earlier)` takes
# each record whose item text is unchanged from the earlier Records (the same object when it has not moved, so
# its digest is kept too: kgraph.incremental), and parses only the rest.

# searched in "\n" + text: each starts with a line break, which the regex engine finds at memchr speed
_ITEM_START = re.compile(r"\n-(?=[ \t\r\n]|\Z)")
# a line at column 0 that is neither an item's start, a comment nor blank: `---`, `%YAML`, a mapping, a BOM...
_OTHER_AT_COLUMN_0 = re.compile(r"\n(?:[^ \t\r\n#-]|-[^ \t\r\n])")


def _top_level_items(text: str) -> list[tuple[int, int, str]] | None:
    """(offset, first line, text) of each item of a block sequence written at column 0, or None for any
    other shape (which is parsed whole). If an item's text is cut from its neighbours' (a quoted or flow
    value running on to a line that starts with '- '), one of the two pieces fails to parse alone, and the
    whole file is parsed instead: a piece that parses gives what the whole file gives."""
    lines = "\n" + text
    starts = [m.start() for m in _ITEM_START.finditer(lines)]  # at the "\n" before a "-": the "-"'s place in `text`
    if not starts or _OTHER_AT_COLUMN_0.search(lines):
        return None
    if any(line.strip() and not line.lstrip().startswith("#") for line in text[:starts[0]].splitlines()):
        return None
    items, line = [], text.count("\n", 0, starts[0]) + 1
    for start, end in zip(starts, starts[1:] + [len(text)]):
        item = text[start:end]
        items.append((start, line, item))
        line += item.count("\n")
    return items


def _moved(record, file: str, lines: int):
    """`record` as written `lines` further down, in `file`."""
    where = Where(file, record.where.line + lines)
    if type(record) is Person and record.posts:
        posts = tuple(_with_where(post, Where(file, post.where.line + lines)) for post in record.posts)
        return _with_where(record, where, posts=posts)
    return _with_where(record, where)


def _with_where(record, where: Where, **other):
    """A copy of `record` written elsewhere, sharing its field values. Not dataclasses.replace, which makes and
    checks every field again (8 µs a record): an edit near the top of a file moves every record below it."""
    copy, state = object.__new__(type(record)), record.__dict__.copy()
    state["where"] = where
    if other:
        state.update(other)
    object.__setattr__(copy, "__dict__", state)  # records are frozen
    return copy


def _file_records(path: Path, text: str, allowed: tuple[str, ...], reader, earlier: dict, parsed: dict,
                  fresh: set[int], moved: list, files: dict) -> list:
    """The records of one file. `earlier` maps (file name, item digest) to (the item's first line, its record)
    as read before; `parsed` gets this file's, `fresh` the ids of the record objects parsed anew, `moved`
    (record, as read before) for each record taken back at other lines, and `files` the file's _FileItems."""
    items = _top_level_items(text)
    read = items and _item_records(path, items, allowed, reader, earlier, fresh)
    if not read:  # parsed whole: another shape, or an item that does not parse alone (the whole file says where
        # the problem is, with its real line, or finds none: see above)
        found = _whole_file_records(path, text, allowed, reader, fresh)
        files[path.name] = _FileItems(str(path), text, None, None, None, found)
        return found
    keys, found, moved_here = read
    name = path.name
    parsed.update(((name, key), (line, record)) for key, (_, line, _), record in zip(keys, items, found))
    moved += moved_here
    files[name] = _FileItems(str(path), text, [start for start, _, _ in items], [line for _, line, _ in items], keys, found)
    return found


def _item_records(path: Path, items: list, allowed: tuple[str, ...], reader, earlier: dict, fresh: set[int]):
    """(item digests, records, [(record, as read before)] for those taken back at other lines) of `items`,
    or None when an item does not parse alone."""
    file, name, keys, found, moved_here = str(path), path.name, [], [], []
    for _, line, item in items:
        key = hashlib.blake2b(item.encode("utf-8"), digest_size=16).digest()
        was_at, record = earlier.get((name, key), (1, None))
        if record is None:
            try:
                raw, = _read_yaml_list(path, item)
                record = reader(_Fields(path, raw, allowed))
            except (RecordError, ValueError):
                return None
            fresh.add(id(record))
        if was_at != line or record.where.file != file:
            before, record = record, _moved(record, file, line - was_at)
            if id(before) in fresh:
                fresh.add(id(record))
            else:  # the same fields as before: what was checked and digested of them holds
                moved_here.append((record, before))
        keys.append(key)
        found.append(record)
    return keys, found, moved_here


def _whole_file_records(path: Path, text: str, allowed: tuple[str, ...], reader, fresh: set[int]) -> list:
    found = [reader(_Fields(path, raw, allowed)) for raw in _read_yaml_list(path, text)]
    fresh.update(map(id, found))
    return found


# Reading again in the same process (kgraph review's rebuild, a notebook): `reuse` keeps each file's text and
# items, so a file whose text is unchanged gives its records back as they are, and a changed file is split and
# digested only where it differs from the text read before (the stretch between the longest common start and
# end); the items after that stretch keep their records, moved by the lines it gained or lost. Splitting and
# digesting every item of every file took 0.15 s at 10^6 triples, 1.5 s at 10^7.


@dataclass
class _FileItems:
    """A record file as read in items: what the next read in this process compares its text with."""
    file: str  # the path read
    text: str
    starts: list[int] | None  # each item's offset in `text`; None for a file parsed whole
    lines: list[int] | None  # each item's first line
    keys: list[bytes] | None  # each item's digest
    records: list  # each item's record


_RECORD_ID = attrgetter("id")
_BLOCK = 1 << 16  # characters compared at a time when looking for where two texts differ


def _same_length(a: str, b: str, limit: int, *, from_end: bool = False) -> int:
    """Length of the longest common start (or end) of `a` and `b`, at most `limit`: blocks compared at C
    speed, then the block that differs halved."""
    def part(text: str, begin: int, end: int) -> str:  # characters [begin, end) counted from the start or the end
        return text[len(text) - end:len(text) - begin] if from_end else text[begin:end]
    at = 0
    while at < limit:
        step = min(_BLOCK, limit - at)
        if part(a, at, at + step) != part(b, at, at + step):
            break
        at += step
    else:
        return limit
    good, bad = at, at + step
    while bad - good > 1:
        middle = (good + bad) // 2
        good, bad = (middle, bad) if part(a, at, middle) == part(b, at, middle) else (good, middle)
    return good


@dataclass
class _Reread:
    """One file read again: its items now, and what changed against the items read before."""
    before: _FileItems
    items: _FileItems
    first: int  # items[first:first + len(added)] replaced before's items[first:after]; the rest are before's
    after: int
    gone: list  # the records of the items replaced
    added: list  # the records of the items that replaced them
    removed_keys: list[bytes]
    entries: list  # (item digest, first line, record) of the items added
    moved: list  # (record, as read before) of the records taken back at other lines
    shifted: int  # the last items, after the stretch, that moved to other lines (all of them, or none)


def _reread_file(path: Path, text: str, before: _FileItems, allowed: tuple[str, ...], reader, earlier: dict,
                 fresh: set[int]) -> _Reread | None:
    """`path` read again as `text`, parsing only the items of the stretch that differs from `before.text`;
    None when that stretch is not items at column 0 or one of them does not parse alone (the caller reads
    every file as load_records always does, and reports the problem)."""
    old, starts = before.text, before.starts
    common_start = _same_length(old, text, min(len(old), len(text)))
    common_end = _same_length(old, text, min(len(old), len(text)) - common_start, from_end=True)
    # an item is the same item if it and the "\n-" and the character after it that start the next one all
    # lie in the common start (or, from its "\n", in the common end); the items between are split anew
    kept_before = bisect_right(starts, common_start - 2, lo=1) - 1  # items [0, kept_before) end by common_start - 2
    kept_after = max(kept_before, bisect_left(starts, len(old) - common_end + 1))
    stretch_start = starts[kept_before] if kept_before else 0
    old_stretch_end = starts[kept_after] if kept_after < len(starts) else len(old)
    shift = len(text) - len(old)
    stretch_end = old_stretch_end + shift
    stretch = text[stretch_start:stretch_end]
    items = _top_level_items(stretch) if stretch else []
    if items is None:
        return None
    if stretch_start:  # the stretch starts with an item: its lines and offsets are the file's from there
        lines_before = before.lines[kept_before] - 1
        items = [(start + stretch_start, line + lines_before, item) for start, line, item in items]
    read = _item_records(path, items, allowed, reader, earlier, fresh)
    if read is None:
        return None
    keys, found, moved = read
    lines = [line for _, line, _ in items]
    after, lines_after = before.records[kept_after:], before.lines[kept_after:]
    lines_gained = text.count("\n", stretch_start, stretch_end) - old.count("\n", stretch_start, old_stretch_end)
    if lines_gained:  # every item after the stretch moved: 1 µs a record (an edit near the top of a long file)
        moved_after = [_moved(record, before.file, lines_gained) for record in after]
        moved += zip(moved_after, after)
        after, lines_after = moved_after, [line + lines_gained for line in lines_after]
    items_now = _FileItems(
        before.file, text,
        starts[:kept_before] + [start for start, _, _ in items] + [start + shift for start in starts[kept_after:]],
        before.lines[:kept_before] + lines + lines_after, before.keys[:kept_before] + keys + before.keys[kept_after:],
        before.records[:kept_before] + found + after)
    return _Reread(before, items_now, kept_before, kept_after, before.records[kept_before:kept_after], found,
                   before.keys[kept_before:kept_after], list(zip(keys, lines, found)), moved,
                   len(after) if lines_gained else 0)


def _reread_records(data_dir: Path, texts: dict[str, str], reuse: Records, read_texts: dict[str, str]) -> Records | None:
    """The records of `data_dir` read again after `reuse` was read in this process, or None when a file is
    new, gone or changed beyond what _reread_file handles. `read_texts` gets the texts read."""
    files_before: dict[str, _FileItems] = reuse.__dict__.get("_files", {})
    earlier, records, files, rereads, fresh = reuse.__dict__.get("_parsed", {}), Records(data_dir=data_dir), {}, {}, set()
    for filename, attr, allowed, reader in _READERS:
        path, before = data_dir / filename, files_before.get(filename)
        if filename not in texts and not path.exists():
            if before is not None:
                return None
            continue
        text = read_texts[filename] = texts[filename] if filename in texts else _read_text(path)
        if before is None or before.file != str(path):
            return None
        if text != before.text:
            if before.starts is None:
                return None
            reread = rereads[filename] = _reread_file(path, text, before, allowed, reader, earlier, fresh)
            if reread is None:
                return None
            before = reread.items
        files[filename] = before
        getattr(records, attr).extend(before.records)
    # the maps of ids kept with `reuse`, brought up to date with the records replaced and their replacements (none
    # is changed in place once made: with nothing replaced, `reuse` and these records share them)
    names, by_id, parsed = _names(reuse), reuse._index(), earlier
    if rereads:
        names, by_id, parsed = dict(names), dict(by_id), dict(parsed)
    gone_names = {}
    for filename, reread in rereads.items():
        for record in reread.gone:
            gone_names[record.id] = names.pop(record.id)
            del by_id[record.id]
        for key in reread.removed_keys:
            parsed.pop((filename, key), None)
    moved = []
    for filename, reread in rereads.items():
        for record in reread.added:
            if record.id in names:
                return None  # a duplicate id: the full read says where each is
            names[record.id] = _name_of(record)
            by_id[record.id] = record
        moved += reread.moved
        parsed.update(((filename, key), (line, record)) for key, line, record in reread.entries)
        if reread.shifted:  # C loops: these are every record after the stretch
            shifted = slice(len(reread.items.records) - reread.shifted, None)
            keys, lines, after = reread.items.keys[shifted], reread.items.lines[shifted], reread.items.records[shifted]
            by_id.update(zip(map(_RECORD_ID, after), after))
            parsed.update(zip(zip(repeat(filename), keys), zip(lines, after)))
    # _rereads: what changed, for what the next steps of a build keep about the records (kgraph.incremental)
    records.__dict__.update(_names=names, _by_id=by_id, _files=files, _parsed=parsed, _moved_records=moved,
                            _rereads=rereads, _reread_from=weakref.ref(reuse))
    # records taken back name what they named when first checked, if every id still names that kind of record,
    # or if no reference names an id that does not (the references counted by id: kept up to date when kept)
    renamed = [rid for rid, name in gone_names.items() if names.get(rid) != name]
    named = reuse.__dict__.get("_named")
    if renamed or (named is not None and rereads):
        named = _named_ids(reuse.all()) if named is None else named.copy()
        for reread in rereads.values():
            named.subtract(_named_ids(reread.gone))
            named.update(_named_ids(reread.added))
    if named is not None:
        records._named = named
    _check_references(records, None if any(named[rid] > 0 for rid in renamed) else
                      [record for reread in rereads.values() for record in reread.added if id(record) in fresh])
    return records


def count_references(records: Records) -> None:
    """Count the references of `records` by the id they name, for a process that reads them again and again
    (kgraph build's stay_loaded): a later read that removes a record then checks only whether anything names
    it, not every reference of every record (0.1 s at 10^6 triples)."""
    if "_named" not in records.__dict__:
        records._named = _named_ids(records.all())


# ---------------------------------------------------------------------------
# cross-record checks


def _names(records: Records) -> dict:
    """What a reference may find: each id's kind of record (and type: a country is a kind of place)."""
    if "_names" not in records.__dict__:
        records._names = {record.id: _name_of(record) for record in records.all()}
    return records._names


def _name_of(record) -> tuple:
    return type(record), getattr(record, "type", None)


_KINDS = {
    "place": (Place,), "country": (Place,), "agent": (Person, Organisation, Place),
    "place-or-org": (Place, Organisation), "org": (Organisation,), "event": (Event,),
    "document": (Document,), "person": (Person,), "entity": (Place, Organisation, Person, Event, Document),
    "source": (Document,),  # a source that is not a URL names a document
}


def _references(record):
    """(what it names, the kind of record that must be, the field, where) for each reference of `record`, in the
    order they are checked."""
    cls, where = type(record), record.where
    if cls is Place:
        yield record.country, "country", "country", where
    elif cls is Organisation:
        yield record.location, "place", "location", where
        yield record.part_of, "org", "part_of", where
    elif cls is Event:
        yield record.location, "place-or-org", "location", where
        for ref in record.visitors + record.hosts + record.participants:
            yield ref, "agent", "visitors/hosts/participants", where
        yield record.part_of, "event", "part_of", where
    elif cls is Partnership:
        for ref in record.between:
            yield ref, "place", "between", where
    elif cls is Document:
        yield record.part_of, "document", "part_of", where
        yield record.author, "agent", "author", where
        yield record.addressee, "agent", "addressee", where
        yield record.reply_to, "document", "reply_to", where
        for ref in record.mentions:
            yield ref, "entity", "mentions", where
    for source in record.sources:
        yield source, "source", "sources", where
    for each in getattr(record, "evidence", ()):
        yield each.document, "document", "evidence", where
    for post in getattr(record, "posts", ()):
        yield post.of, "place-or-org", "of", post.where
        for source in post.sources:
            yield source, "source", "sources", post.where
        for each in post.evidence:
            yield each.document, "document", "evidence", post.where


def _named_ids(record_list) -> Counter:
    """How many references of `record_list` name each id (web sources left out)."""
    return Counter(ref for record in record_list for ref, kind, _, _ in _references(record)
                   if ref is not None and not (kind == "source" and ref.startswith(("http:", "https:"))))


def _check_references(records: Records, only: list | None = None) -> None:
    """Every id a record names is a record of the kind it must be. With `only` (the records parsed anew, in
    the records' order), only those: the others were checked when first read, and each id they could name
    then names the same kind of record now."""
    index = records._index()
    for record in records.all() if only is None else only:
        for ref, kind, field_name, where in _references(record):
            if ref is None:
                continue
            if kind == "source":
                if _URL.match(ref):
                    continue
                if ref.startswith(("http:", "https:")):
                    raise RecordError(where.file, where.line, f"{record.id}: source '{ref}' is not a valid URL (spaces or quotes?)")
            target = index.get(ref)
            if target is None:
                raise RecordError(where.file, where.line,
                                  f"{record.id}: '{field_name}' names '{ref}', which has no record; add it or fix the id")
            if not isinstance(target, _KINDS[kind]):
                wanted = " or ".join(k.__name__.lower() for k in _KINDS[kind])
                raise RecordError(where.file, where.line,
                                  f"{record.id}: '{field_name}' names '{ref}', a {type(target).__name__.lower()}; expected a {wanted}")
            if kind == "country" and target.type != "country":
                raise RecordError(where.file, where.line, f"{record.id}: 'country' names '{ref}', a {target.type}; expected a country")
    data_dir = records.data_dir.resolve()
    for doc in records.documents:  # all of them: a text file may be gone since
        if doc.text_file:
            text_path = (records.data_dir / doc.text_file).resolve()
            if data_dir not in text_path.parents or not text_path.is_file():
                raise RecordError(doc.where.file, doc.where.line,
                                  f"{doc.id}: text_file '{doc.text_file}' is not a file under {records.data_dir}")


def load_records(data_dir: Path | str, *, texts: dict[str, str] | None = None, reuse: Records | None = None) -> Records:
    """Read and validate every record file of `data_dir`; `texts` (file name -> YAML) stands in for
    files as they would be after an edit (kgraph review checks its writes this way before making them).
    `reuse`, the Records of an earlier read, gives back each record whose text is unchanged, unparsed (and
    when `reuse` was read in this process, only the stretch of each file that differs from the text it read
    is split into items at all).

    Raises RecordError (file, line, remedy) on the first problem found.
    """
    # without the cycle collector (nothing read holds a cycle): its passes over the growing heap of parsed
    # YAML took 11 of the 16 s of reading the 50,000 records of 10^6 triples in one piece
    with no_cycle_collection():
        return _load_records(Path(data_dir), texts or {}, reuse)


def _load_records(data_dir: Path, texts: dict[str, str], reuse: Records | None) -> Records:
    if not data_dir.is_dir():
        raise RecordError(data_dir, None, "data directory not found; pass --data DIR with the records")
    if reuse is not None and "_files" in reuse.__dict__:
        read_texts: dict[str, str] = {}
        records = _reread_records(data_dir, texts, reuse, read_texts)
        if records is not None:
            return records
        texts = {**read_texts, **texts}  # read once
    records = Records(data_dir=data_dir)
    earlier = reuse.__dict__.get("_parsed", {}) if reuse is not None else {}
    parsed, files = {}, {}
    fresh: set[int] = set()
    moved: list = []
    seen: dict[str, Where] = {}
    found_any = False
    for filename, attr, allowed, reader in _READERS:
        path = data_dir / filename
        if not path.exists() and filename not in texts:
            continue
        found_any = True
        text = texts[filename] if filename in texts else _read_text(path)
        group = getattr(records, attr)
        for record in _file_records(path, text, allowed, reader, earlier, parsed, fresh, moved, files):
            if record.id in seen:
                first = seen[record.id]
                raise RecordError(path, record.where.line,
                                  f"duplicate id '{record.id}' (first used at {first.file}:{first.line}); ids must be unique across all files")
            seen[record.id] = record.where
            group.append(record)
    if not found_any:
        raise RecordError(data_dir, None, f"no record files found; expected some of {', '.join(f for f, *_ in _READERS)}")
    # records taken back name what they named when first checked, if every id still names that kind of record
    # (ids added change nothing for them)
    names_kept = reuse is not None and _names(reuse).items() <= _names(records).items()
    _check_references(records, [record for record in records.all() if id(record) in fresh] if names_kept else None)
    records.__dict__.update(_parsed=parsed, _moved_records=moved, _files=files)
    return records
