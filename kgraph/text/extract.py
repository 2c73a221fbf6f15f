"""Extraction: documents -> entities, visits, roles and partnership statements, with provenance.

Output follows the extraction format (docs/extraction-format.md: one JSON object per document)
with extra fields:
each entity has its curated `id` or a proposed `candidate` id and its mentions (character
offsets into the document text); each visit, role and partnership keeps the sentence, its
offsets, the rule that fired, a confidence and the extractor version.

>>> from kgraph.text.readers import read_text
>>> doc = next(read_text("Wizyta\\n12 listopada 2025\\n6–8 listopada 2025 roku delegacja Miasta Kalisza, w składzie: "
...     "Krystian Kinastowski, Prezydent Miasta Kalisza, przebywała z wizytą w słowackim mieście Martin.", "a.txt"))
>>> result = Extractor(default_home="Kalisz").extract(doc)
>>> [(v["visitor"], v["place"], v["start"], v["end"]) for v in result["visits"]]
[('Kalisz', 'Martin', '2025-11-06', '2025-11-08'), ('Krystian Kinastowski', 'Martin', '2025-11-06', '2025-11-08')]
>>> [(r["person"], r["role"], r["of"]) for r in result["roles"]]
[('Krystian Kinastowski', 'prezydent', 'Kalisz')]
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import re
from bisect import bisect_left
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator

from kgraph.progress import Progress, silent
from kgraph.text.dates import find_dates, relative_days
from kgraph.text.home import check_home, default_home, publishing_town
from kgraph.names import search_key
from kgraph.text.frames import DocumentFrames
from kgraph.text.morphology import polish_share
from kgraph.text.pipeline import PIPELINE_VERSION, make_pipeline
from kgraph.text.readers import CHUNK_CHARS, Document, expand_paths, read_path
from kgraph.records import Records

__all__ = ["Extractor", "make_extractor", "extract_paths", "default_jobs", "EXTRACTOR_VERSION", "TYPE_NAMES"]

EXTRACTOR_VERSION = f"kgraph-extract/1 ({PIPELINE_VERSION})"
# The fields that make two extracted facts the same fact.
_FACT_KEYS = {"visits": ("visitor", "place"), "roles": ("person", "role", "of"), "partnerships": ("city", "partner", "kind")}
TYPE_NAMES = {"PERSON": "Person", "CITY": "City", "COUNTRY": "Country", "ORG": "Organization"}

class Extractor:
    """One pipeline, many documents: `extract(document)` gives the extraction record for it (docs/extraction-format.md)."""

    def __init__(self, records: Records | None = None, *, home: str | None = None, default_home: str | None = None):
        """`home` fixes the publishing town of every document; without it each document's is
        inferred from its text (kgraph.text.home), falling back to `default_home`."""
        self.nlp = make_pipeline(records)
        self.home = home
        self.default_home = default_home

    def extract_all(self, documents: Iterable[Document]) -> Iterator[dict]:
        """Records for documents; chunks of one big file are merged into one record."""
        pending = None
        for document in documents:
            result = self.extract(document)
            base = document.id.split("#", 1)[0] if document.kind == "text-chunk" else None
            if pending is not None and base is not None and pending["doc"] == base:
                _merge_into(pending, result)
                continue
            if pending is not None:
                yield pending
            if base is not None:
                result["doc"] = base
            pending = result
        if pending is not None:
            yield pending

    def extract(self, document: Document) -> dict:
        text = document.text
        if len(text) > CHUNK_CHARS * 2:  # one huge line: the reader could not split it at a line break
            parts = [Document(f"{document.id}", text[k:k + CHUNK_CHARS], document.source, kind=document.kind,
                              date=document.date, offset=document.offset + k) for k in range(0, len(text), CHUNK_CHARS)]
            results = [self.extract(p) for p in parts]
            for extra in results[1:]:
                _merge_into(results[0], extra)
            return results[0]
        doc = self.nlp(text)
        reference, current = (document.date, document.date) if document.date else _years_in_text(text)
        # days told in full first: "dziś, 18 września" is the 18th either way
        dates = find_dates(text, reference=reference, current=current)
        spans = [(d.begin, d.end_char) for d in dates]
        dates = sorted(dates + [d for d in relative_days(text, document.date)
                                if not any(b <= d.begin < e for b, e in spans)], key=lambda d: d.begin)
        title_chars = len(document.title) if document.title and text.startswith(document.title) else 0
        ents = list(doc.ents)  # read once: Doc.ents builds its spans anew at every read
        home = self.home or publishing_town(doc, default=self.default_home, title_chars=title_chars, ents=ents)
        self.nlp.get_pipe("kgraph_gazetteer").link_generic(doc, home, ents)
        entities = self._entities(doc, document, ents)
        state = DocumentFrames(home, document, doc, dates, extractor=EXTRACTOR_VERSION, ents=ents)
        starts = [e.start for e in ents]
        for sentence in doc.sents:
            state.sentence(sentence, ents[bisect_left(starts, sentence.start):bisect_left(starts, sentence.end)])
        state.finish()
        return {
            "doc": document.id,
            "source": document.source,
            "title": document.title,
            "date": document.date,
            "extractor": EXTRACTOR_VERSION,
            "home": home,
            "language": polish_share(doc),
            "entities": entities,
            **{field: _unique(getattr(state, field), keys) for field, keys in _FACT_KEYS.items()},
        }

    def _entities(self, doc, document: Document, ents) -> list[dict]:
        found: dict[tuple[str, str], dict] = {}
        for span in sorted([*ents, *doc.spans.get("kg_nested", [])], key=lambda s: s.start):
            kind = TYPE_NAMES.get(span.label_)
            name = span._.kg_name
            if not kind or not name:
                continue
            key = (kind, search_key(name))
            entry = found.get(key)
            if entry is None:
                entry = found[key] = {"type": kind, "name": name, **(
                    {"id": span._.kg_id} if span._.kg_id else {"candidate": _candidate_id(kind, name)})}
                place = span._.kg_place
                if place is not None:  # GeoNames: the map needs where it is
                    entry.update(geonames=place.geonames, country=place.country, lat=place.lat, long=place.long)
                entry["mentions"] = []
            entry["mentions"].append([document.offset + span.start_char, document.offset + span.end_char, span.text])
        return list(found.values())


def _years_in_text(text: str) -> tuple[str | None, str | None]:
    """For a text without a date line, the dates its yearless days take their year from: the latest
    date with a stated year (a text with no year anywhere keeps such days null). The latest, not the
    first: news opens with history and tells of the newest events. The day an agreement was made
    ("Umowę podpisano 26 września 1988 roku") is history for "24 maja", but counts for a day the text
    says is of its own year ("24 sierpnia br."): (for plain days, for this year's days)."""
    stated = [d for d in find_dates(text) if d.year_stated]
    plain = [d.end for d in stated if not _AGREEMENT_HISTORY.search(_sentence_around(text, d.begin))]
    return (max(plain) if plain else None), (max(d.end for d in stated) if stated else None)


# "Umowę partnerską podpisano 26 września 1988 roku": the year an agreement was made, history in
# a text that tells of later events, not the year of its undated days
_AGREEMENT_HISTORY = re.compile(r"podpisa|zawar|nawiąza", re.I)


def _sentence_around(text: str, at: int) -> str:
    begin = max(text.rfind(mark, 0, at) for mark in ".!?\n") + 1
    ends = [e for e in (text.find(mark, at) for mark in ".!?\n") if e >= 0]
    return text[begin:min(ends) if ends else len(text)]


def make_extractor(data_dir=None, *, home: str | None = None) -> Extractor:
    """An Extractor with the curated records of `data_dir` (default: ./data or the packaged data)
    as gazetteer and its settings.yaml's `home` as the default publishing town; `home` fixes the
    town for every document (ParameterError, with the closest names, when it is no Polish town)."""
    from kgraph.records import load_records
    from kgraph.resources import default_data_dir

    data_dir = data_dir or default_data_dir()
    records = load_records(data_dir)
    return Extractor(records, home=check_home(home, records) if home else None, default_home=default_home(data_dir))


def default_jobs() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


_WORKER: Extractor | None = None  # the extractor a forked worker process inherits


def _extract_file(path: Path) -> list[dict]:
    return list(_WORKER.extract_all(read_path(path)))


def extract_paths(paths, extractor: Extractor, *, jobs: int = 1, progress: Progress = silent) -> Iterator[dict]:
    """Extraction records of every text in `paths` (a folder stands for the texts in it), file by file.

    With `jobs` > 1 and more than one file, that many worker processes extract the files; they are
    forked from this one, so each starts with `extractor`'s pipeline already loaded (no second start-up),
    and the records come back in the order of the files, as with one process. A file that cannot be
    read raises its ReadError here, as it would in one process.
    """
    global _WORKER
    files = expand_paths(paths)
    if jobs <= 1 or len(files) < 2 or multiprocessing.current_process().daemon:  # a daemon may not start processes
        for path in progress(files, total=len(files), what="files"):
            yield from extractor.extract_all(read_path(path))
        return
    _WORKER = extractor
    # Objects the garbage collector has frozen are not written to by its passes, so the workers share
    # the parent's pages (the pipeline, the gazetteer's dictionaries) instead of copying them on first touch.
    gc.freeze()
    try:
        with ProcessPoolExecutor(min(jobs, len(files)), mp_context=multiprocessing.get_context("fork")) as pool:
            chunk = max(1, min(8, len(files) // (jobs * 16)))  # few round trips, yet every worker busy to the end
            for records in progress(pool.map(_extract_file, files, chunksize=chunk), total=len(files), what="files"):
                yield from records
    finally:
        _WORKER = None
        gc.unfreeze()


def _candidate_id(kind: str, name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", search_key(name)).strip("-")
    return f"{kind.lower()}/{slug}"


def _unique(items: list[dict], keys: tuple[str, ...]) -> list[dict]:
    seen, kept = set(), []
    for item in items:
        key = tuple(search_key(item.get(k) or "") for k in keys)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def _merge_into(target: dict, extra: dict) -> None:
    known = {(e["type"], search_key(e["name"])): e for e in target["entities"]}
    for entity in extra["entities"]:
        key = (entity["type"], search_key(entity["name"]))
        if key in known:
            known[key]["mentions"].extend(entity["mentions"])
        else:
            target["entities"].append(entity)
            known[key] = entity
    for field, keys in _FACT_KEYS.items():
        target[field] = _unique(target[field] + extra[field], keys)


