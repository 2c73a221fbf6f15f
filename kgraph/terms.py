"""Terms of the graph, minted in one place: IRIs of records, posts and names, and literals
written as N-Triples text. Both the curated build (kgraph.quads) and the extracted graph
(kgraph.extracted) import this module, so neither imports the other.

>>> slug("Kamieniec Podolski")
'kamieniec-podolski'
>>> print(text('Rada "Miasta"', "pl"))
"Rada \\"Miasta\\""@pl
"""
from __future__ import annotations

import hashlib
import re
from datetime import date
from functools import lru_cache

from rdflib import URIRef
from rdflib.namespace import XSD

from kgraph.errors import RecordError
from kgraph.names import ascii_fold
from kgraph.namespaces import ID, KGI
from kgraph.records import PartialDate, Post
from kgraph.store import QuadLines

__all__ = ["IriMinter", "held_in", "slug", "Lit", "text", "typed", "literal_for_date", "day_literal", "decimal", "quad_adder", "TRUE"]

_DATE_TYPES = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}


def slug(text: str) -> str:
    """ASCII slug for names without a curated id: 'Kamieniec Podolski' -> 'kamieniec-podolski'.

    Folding is lossy ('Łowecz' and 'Lowecz' give the same slug), so IriMinter.for_name
    adds a digest of the exact name.
    """
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-") or "x"


def held_in(role_id: str, year: int | None) -> URIRef:
    """The entry of the post index for posts of `role_id` held some time in `year`, or (None) posts with one
    known bound, held from a day on or until a day. The build files posts under it (kgraph.quads), and the
    `posts` query looks a day's posts up under it (kgraph.query)."""
    return KGI[f"held-{role_id}-{year if year is not None else 'open'}"]


class IriMinter:
    """Mints every IRI of a build and refuses to give one IRI to two different keys."""

    def __init__(self):
        self._owner: dict[URIRef, object] = {}

    def _claim(self, iri: URIRef, key) -> URIRef:
        owner = self._owner.setdefault(iri, key)
        if owner != key:
            raise RecordError("<build>", None, f"two records would share the IRI {iri} ({owner} and {key}); rename one id")
        return iri

    def record(self, kind: str, record_id: str) -> URIRef:
        return self._claim(ID[f"{kind}/{record_id}"], (kind, record_id))

    def post(self, person_id: str, post: Post) -> URIRef:
        start = post.start.lexical if post.start else "na"
        local = f"post/{person_id}/{post.role}--{post.of}--{start}"
        try:
            return self._claim(ID[local], (person_id, post.where))
        except RecordError as e:
            raise RecordError(post.where.file, post.where.line,
                              f"{person_id} holds the same post ({post.role} of {post.of} from {start}) twice; merge the two") from e

    def for_name(self, kind: str, name: str) -> URIRef:
        """IRI for an entity known only by name (extraction candidates)."""
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
        return self._claim(ID[f"{kind}/{slug(name)}-{digest}"], (kind, name))

    def web_page(self, url: str) -> URIRef:
        return self._claim(URIRef(url), ("url", url))

    def bucket(self, key: str) -> URIRef:
        """Bucket of the date index: 'YYYY-MM', 'YYYY-MM-DD' or 'undated'."""
        return self._claim(KGI[f"bucket-{key}"], ("bucket", key))


class Lit(str):
    """A literal already written in N-Triples syntax ('"Kalisz"@pl', '"2020"^^<...#gYear>')."""
    __slots__ = ()


def _escape(value: str) -> str:
    """N-Quads strings escape only quote, backslash, LF and CR."""
    if "\\" in value or '"' in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return value


def text(value: str, lang: str | None = None) -> Lit:
    """A plain or language-tagged literal."""
    return Lit(f'"{_escape(value)}"@{lang}' if lang else f'"{_escape(value)}"')


def typed(lexical: str, datatype: URIRef) -> Lit:
    return Lit("".join(('"', _escape(lexical), '"^^<', datatype, ">")))  # join: see quad_adder


def from_rdflib(term):
    if isinstance(term, URIRef):
        return term
    return typed(str(term), term.datatype) if term.datatype else text(str(term), term.language)


def literal_for_date(value: PartialDate) -> Lit:
    return typed(value.lexical, _DATE_TYPES[value.precision])


def decimal(value: float) -> Lit:
    """xsd:decimal in the canonical form pyoxigraph stores (no trailing zeros, '18' not '18.0'),
    so the graph read back from the store equals the graph built."""
    return typed(f"{value:.6f}".rstrip("0").rstrip("."), XSD.decimal)


@lru_cache(maxsize=1 << 16)  # a build writes two a event, and events share their days
def day_literal(value: date) -> Lit:
    return typed(value.isoformat(), XSD.date)


TRUE = typed("true", XSD.boolean)


def quad_adder(sink: QuadLines, graph: URIRef):
    """add(s, p, o) writing the N-Quads line of one triple of `graph` into `sink`; o may be None (nothing added).

    The build writes lines, not rdflib triples: Graph.add and its serializer cost about
    20 µs a triple, which is minutes at 10^7 triples; formatting a line costs under 1 µs.
    Subjects and predicates are IRIs; objects IRIs or Lit.
    """
    tail, lines, chunk, flush = f" <{graph}> .\n", sink.lines, sink.chunk, sink.flush
    append, join = lines.append, "".join

    # str.join, not an f-string: formatting a str subclass (URIRef, Lit) goes through __format__, which made
    # a line cost 210 ns rather than 80 (a tenth of writing 10^7 quads)
    def add(s: URIRef, p: URIRef, o) -> None:
        if o is not None:
            append(join(("<", s, "> <", p, "> ", o, tail) if type(o) is Lit else ("<", s, "> <", p, "> <", o, ">", tail)))
            if len(lines) >= chunk:
                flush()
    return add


