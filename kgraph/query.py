"""Saved and ad-hoc SPARQL queries, with parameters bound by the engine.

A saved query is `kgraph/queries/<name>.rq` with a header:

    # <name>: what it returns
    # param <NAME> <TYPE> <description>   (TYPE: name, date, lang, role, kind, text)
    # returns <output variables>

Every declared parameter is always bound (pyoxigraph substitutions, SEP-0007):
to the user's value, to its `(default: ...)`, or to the empty string, which the
query reads as "no filter" with sameTerm(?p, ""). Values never enter the query
text, so quotes, braces and SPARQL keywords in them are only data. A line that
ends in `#if NAME` is kept only when NAME has a value: oxigraph plans a query
before it sees substituted values, and a filter left for "no value" can make it
choose a plan that reads the whole graph.

Two more header lines make a query pageable without sorting the whole graph:

    # page ?entry newest-first            (or oldest-first)
    # drive <PARAM> ...

The query starts from `?event kgi:entry ?entry` and evaluates the rest
LATERAL, once per event found (kgraph.quads.add_event_index writes the
entries). With a `limit`, the pager binds ?entry to one date bucket at a time,
newest or oldest first, and stops once the page is full; the query's ORDER BY
must sort by kgi:sortDay first. A `drive` parameter that names exactly one
entity with few facts binds ?entry to that entity instead, so the engine reads
that person's or place's events only. (oxigraph plans joins before it sees
substituted values, so without LATERAL it would hash-join every event.)
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kgraph.errors import ParameterError, QueryError, QueryNotFound, UnknownEntity
from kgraph.names import search_key
from kgraph.records import parse_date
from kgraph.namespaces import CURATED_GRAPH, EXTRACTED_GRAPH, INDEX_GRAPH, KGI, ONTOLOGY_GRAPH, PKIND, ROLE, UNDATED
from kgraph.resources import queries_dir
from kgraph.terms import held_in
from kgraph.vocab import partnership_kind_ids, role_ids

__all__ = ["Param", "SavedQuery", "QueryResult", "list_queries", "load_query", "bind_params", "run_query", "run_sparql",
           "find_entity", "unknown_names"]

PARAM_TYPES = ("name", "date", "lang", "role", "kind", "text")
_PARAM_LINE = re.compile(r"^#\s*param\s+(\w+)\s+(\w+)\s+(.*)$")
_RETURNS_LINE = re.compile(r"^#\s*returns\s+(.*)$")
_PAGE_LINE = re.compile(r"^#\s*page\s+\?(\w+)\s+(newest-first|oldest-first)\s*$")
_DRIVE_LINE = re.compile(r"^#\s*drive\s+([\w ]+)$")
_DEFAULT = re.compile(r"\(default:\s*([^)]*)\)")
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    required: bool = False
    default: str | None = None


@dataclass(frozen=True)
class SavedQuery:
    name: str
    text: str
    summary: str
    params: dict[str, Param] = field(default_factory=dict)
    returns: tuple[str, ...] = ()
    path: Path | None = None
    page_by: str | None = None  # the entry variable: a date bucket or a driving entity
    newest_first: bool = True
    drives: tuple[str, ...] = ()  # parameters whose entity may bind the entry variable


@dataclass
class QueryResult:
    """A query's answer: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)  # pyoxigraph terms or None
    boolean: bool | None = None
    triples: list = field(default_factory=list)

    def records(self) -> list[dict[str, str | None]]:
        """Rows as dicts of plain strings (IRI or literal value), for notebooks and tests."""
        return [{v: (t.value if t is not None else None) for v, t in zip(self.variables, row)} for row in self.rows]


def parse_header(name: str, text: str, path: Path | None = None) -> SavedQuery:
    params: dict[str, Param] = {}
    returns: tuple[str, ...] = ()
    summary, page_by, newest_first, drives = "", None, True, ()
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if not summary:
            summary = line.lstrip("# ").split(":", 1)[-1].strip()
        if m := _PARAM_LINE.match(line):
            pname, ptype, desc = m.groups()
            if ptype not in PARAM_TYPES:
                raise QueryError(f"{path or name}: parameter '{pname}' has unknown type '{ptype}'; use one of {', '.join(PARAM_TYPES)}")
            default = _DEFAULT.search(desc)
            params[pname] = Param(pname, ptype, desc.strip(), "(required)" in desc, default.group(1).strip() if default else None)
        elif m := _RETURNS_LINE.match(line):
            returns = tuple(m.group(1).split())
        elif m := _PAGE_LINE.match(line):
            page_by, newest_first = m.group(1), m.group(2) == "newest-first"
        elif m := _DRIVE_LINE.match(line):
            drives = tuple(m.group(1).split())
    unknown = sorted(set(drives) - set(params))
    if unknown:
        raise QueryError(f"{path or name}: 'drive {unknown[0]}' names no declared parameter")
    return SavedQuery(name=name, text=text, summary=summary, params=params, returns=returns, path=path,
                      page_by=page_by, newest_first=newest_first, drives=drives)


_IF_LINE = re.compile(r"#if((?:\s+!?\w+)+)\s*$")


# Bound (for the `#if` lines only) when a saved query runs on the local store: lines marked `#if local` may use
# what oxigraph adds to SPARQL 1.1 (LATERAL); `#if !local` lines are their standard form, for remote endpoints.
_LOCAL, _YES = ox.Variable("local"), ox.Literal("yes")


def conditional_text(text: str, substitutions: dict) -> str:
    """`text` without the lines marked `#if NAME` whose NAME is unbound or empty, and
    without those marked `#if !NAME` whose NAME is bound (`#if A !B`: both must hold)."""
    bound = {v.value for v, term in substitutions.items() if term.value != ""}
    lines = []
    for line in text.splitlines(keepends=True):
        m = _IF_LINE.search(line)
        if m is None:
            lines.append(line)
        elif all((name.lstrip("!") in bound) != name.startswith("!") for name in m.group(1).split()):
            lines.append(line[:m.start()].rstrip() + "\n")
    return "".join(lines)


@lru_cache(maxsize=None)
def _internal_query(name: str) -> str:
    """The text of kgraph/queries/internal/<name>.rq (packaged, so read once: the pager asks per batch)."""
    return load_query(name, internal=True).text


def list_queries() -> list[SavedQuery]:
    return [load_query(p.stem) for p in sorted(queries_dir().glob("*.rq"))]


def load_query(name: str, *, internal: bool = False) -> SavedQuery:
    """The saved query `name` (a file kgraph/queries/<name>.rq, or queries/internal/<name>.rq:
    the pager's and the network's own queries, which users do not run by name)."""
    path = queries_dir() / ("internal" if internal else "") / f"{name}.rq"
    if not re.fullmatch(r"[a-z0-9-]+", name) or not path.is_file():
        names = [p.stem for p in sorted(queries_dir().glob("*.rq"))]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close and not internal else ""
        raise QueryNotFound(f"no saved query named '{name}'{hint}; saved queries: {', '.join(names)}")
    return parse_header(name, path.read_text(encoding="utf-8"), path)


# ---------------------------------------------------------------------------
# parameters


def _parse_date(param: str, value: str, *, end: bool) -> date:
    """YYYY-MM-DD; YYYY and YYYY-MM stand for their first day (from) or last day (to)."""
    try:
        partial = parse_date(value)
    except ValueError as e:
        raise ParameterError(f"--param {param}={value!r}: not a date ({e}); write YYYY-MM-DD (or YYYY, YYYY-MM)") from e
    return partial.last_day() if end else partial.first_day()


def _term(param: Param, value: str | None):
    if value is None or value == "":
        value = param.default
    if value is None or value == "":
        if param.required:
            raise ParameterError(f"saved query needs --param {param.name}=... ({param.description})")
        return ox.Literal("")
    if param.type == "name":
        if not search_key(value):  # an empty key would match every name: the filter would vanish
            raise ParameterError(f"--param {param.name}={value!r}: holds no letter or digit; give a name")
        return ox.Literal(search_key(value))
    if param.type == "date":
        day = _parse_date(param.name, value, end=param.name in ("to", "until"))
        return ox.Literal(day.isoformat(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    if param.type == "lang":
        if not re.fullmatch(r"[a-z]{2,3}", value):
            raise ParameterError(f"--param {param.name}={value!r}: not a language code; use pl or en")
        return ox.Literal(value)
    if param.type in ("role", "kind"):
        known, namespace = (role_ids(), ROLE) if param.type == "role" else (partnership_kind_ids(), PKIND)
        key = search_key(value).replace(" ", "-")
        if key not in known:
            raise ParameterError(f"--param {param.name}={value!r}: unknown {param.type}; known: {', '.join(known)}")
        return ox.NamedNode(str(namespace[key]))
    return ox.Literal(value)


def bind_params(query: SavedQuery | str, values: dict[str, str]) -> dict:
    """pyoxigraph substitutions for a saved query (typed) or an ad-hoc one (strings; <IRI> for IRIs)."""
    if isinstance(query, SavedQuery):
        unknown = sorted(set(values) - set(query.params))
        if unknown:
            known = ", ".join(query.params) or "none"
            raise ParameterError(f"saved query '{query.name}' has no parameter '{unknown[0]}'; its parameters: {known}")
        return {ox.Variable(p.name): _term(p, values.get(p.name)) for p in query.params.values()}
    used = set(_VARIABLE.findall(query))
    bindings = {}
    for name, value in values.items():
        if name not in used:
            raise ParameterError(f"--param {name}: the query has no variable ?{name}")
        if value.startswith("<") and value.endswith(">"):
            try:
                bindings[ox.Variable(name)] = ox.NamedNode(value[1:-1])
            except ValueError as e:
                raise ParameterError(f"--param {name}={value!r}: not an IRI ({e}); write <http://...> without spaces, "
                                     "or the value without <> for a string") from None
        else:
            bindings[ox.Variable(name)] = ox.Literal(value)
    return bindings


# ---------------------------------------------------------------------------
# running


def _graphs(include_extracted: bool) -> list:
    graphs = [ONTOLOGY_GRAPH, INDEX_GRAPH, CURATED_GRAPH] + ([EXTRACTED_GRAPH] if include_extracted else [])
    return [ox.NamedNode(str(g)) for g in graphs]


def _dataset(store, include_extracted: bool) -> dict:
    """The default graph of a query, as store.query's keyword arguments."""
    if include_extracted and not getattr(store, "remote", False):
        # All the graphs of a store kgraph built. oxigraph reads a pattern once from its union
        # default graph, but probes a list of graphs one by one: 3x slower for each lookup
        # (the posts of a role on a date at 10^6 triples: 160 ms against 390 ms).
        return {"use_default_graph_as_union": True}
    return {"default_graph": _graphs(include_extracted)}


# What SPARQL text says once strings, IRIs and comments are taken out (to look for keywords in it).
_NOT_KEYWORDS = re.compile(r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_SERVICE = re.compile(r"\bSERVICE\b", re.I)


def uses_service(text: str) -> bool:
    """Whether a query calls another endpoint (SERVICE): a query would make the machine fetch a URL."""
    return _SERVICE.search(_NOT_KEYWORDS.sub(" ", text)) is not None


def run_sparql(store: ox.Store, text: str, substitutions: dict | None = None, *,
               include_extracted: bool = True, hidden: tuple[str, ...] = ()) -> QueryResult:
    """Run SPARQL on the store's ontology, curated (and extracted) graphs. SERVICE is refused on the local
    store: a query (from a user, a file, a web form) must not make this machine fetch URLs."""
    if isinstance(store, ox.Store) and uses_service(text):
        raise QueryError("SERVICE (a federated query to another endpoint) is not allowed: kgraph queries read the "
                         "local graph only; run such a query on the other endpoint itself")
    try:
        answer = store.query(text, **_dataset(store, include_extracted), substitutions=substitutions or None)
    except SyntaxError as e:
        raise QueryError(f"malformed SPARQL: {str(e).splitlines()[0]}") from e
    except (OSError, RuntimeError, ValueError) as e:
        message = str(e).splitlines()[0] if str(e) else type(e).__name__
        if "SELECT projection" in message:
            raise ParameterError(f"{message}: a bound parameter must be selected (add it to SELECT)") from e
        raise QueryError(f"query failed: {message}") from e
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(answer))
    try:  # answers are read lazily: a truncated or malformed one (from an endpoint) shows up here
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            keep = [i for i, v in enumerate(variables) if v not in hidden]
            rows = [[solution[i] for i in keep] for solution in answer]
            return QueryResult(kind="select", variables=[variables[i] for i in keep], rows=rows)
        return QueryResult(kind="graph", triples=list(answer))
    except (SyntaxError, ValueError, OSError) as e:
        raise QueryError(f"the answer could not be read ({str(e).splitlines()[0][:160]}); "
                         "the endpoint may have cut it short: try again, or ask for less") from e


_GROUP_CONCAT = re.compile(r'GROUP_CONCAT\((?:[^()]|\([^()]*\))*?;\s*separator\s*=\s*"([^"]*)"\s*\)\s*AS\s+\?(\w+)', re.I)


def _as_sets(result: QueryResult, query: SavedQuery) -> QueryResult:
    """A saved query's GROUP_CONCAT columns hold sets: their items sorted, and an empty one unbound. SPARQL
    leaves the order of the items to the engine, and engines differ on an empty group ("" or unbound), so
    this is what makes Oxigraph and Virtuoso give the same rows."""
    columns = {name: separator for separator, name in _GROUP_CONCAT.findall(query.text)}
    at = {k: columns[v] for k, v in enumerate(result.variables) if v in columns}
    if not at or result.kind != "select":
        return result
    for row in result.rows:
        for k, separator in at.items():
            term = row[k]
            if term is None:
                continue
            items = sorted(set(term.value.split(separator))) if term.value else []
            row[k] = ox.Literal(separator.join(items)) if items else None
    return result


def run_query(store: ox.Store, query: SavedQuery | str, params: dict[str, str] | None = None, *,
              include_extracted: bool = True, limit: int | None = None, offset: int = 0) -> QueryResult:
    """Run a saved query (by object or name) or SPARQL text with bound parameters.

    >>> from kgraph.build import build
    >>> import tempfile, pathlib
    >>> store_dir = pathlib.Path(tempfile.mkdtemp()) / "store"
    >>> _ = build(store_dir=store_dir)
    >>> from kgraph.store import open_store
    >>> result = run_query(open_store(store_dir), "partners", {"city": "Kalisz", "partner": "preston"})
    >>> sorted({(r["partnerName"], r["since"]) for r in result.records()})
    [('Preston', '1989'), ('Preston', None)]
    """
    params = params or {}
    if limit is not None and limit < 0 or offset < 0:
        raise ParameterError(f"--limit {limit} --offset {offset}: give numbers of rows, 0 or more")
    if isinstance(query, str) and re.fullmatch(r"[a-z0-9-]+", query):
        query = load_query(query)
    substitutions = bind_params(query, params)
    if not isinstance(query, SavedQuery):
        return _page(run_sparql(store, query, substitutions, include_extracted=include_extracted), limit, offset)
    hidden = tuple(query.params) + ((query.page_by, _HUB.value) if query.page_by else ()) + _HELD
    def run(subs: dict) -> QueryResult:
        text = conditional_text(query.text, {**subs, _LOCAL: _YES})  # "#if local" lines: oxigraph's own SPARQL
        return _as_sets(run_sparql(store, text, subs, include_extracted=include_extracted, hidden=hidden), query)

    if getattr(store, "remote", False):
        # A remote endpoint gets the plain SPARQL 1.1 form (no date index walk, no LATERAL),
        # with the page cut by the endpoint: saved queries end in ORDER BY, never in LIMIT.
        text = conditional_text(query.text, substitutions)
        if limit is not None or offset:
            text += f"\nLIMIT {int(limit) if limit is not None else 10**12} OFFSET {int(offset)}"
        return _as_sets(run_sparql(store, text, substitutions, include_extracted=include_extracted, hidden=hidden), query)
    substitutions.update(_post_index_entries(query, substitutions))
    direct = False  # a driving entity with few facts: fetch its rows and sort them in one go
    for param in query.drives:
        key = substitutions[ox.Variable(param)]
        if key.value == "" or direct:
            continue
        entities = run_sparql(store, _internal_query("entities-by-key"), {ox.Variable("key"): key},
                              include_extracted=include_extracted).rows
        if not entities:  # nothing has that name: an empty answer, without reading any event
            substitutions[ox.Variable(query.page_by)] = _NO_MATCH
            direct = True
        elif len(entities) == 1 and not _has_many_facts(store, entities[0][0]):
            substitutions[ox.Variable(query.page_by)] = entities[0][0]
            direct = True
        elif len(entities) == 1 and _HUB not in substitutions and f"?{_HUB.value}" in query.text:
            # a hub (a country, a busy city): walk the buckets, but let only its events into each
            substitutions[_HUB] = entities[0][0]
    if query.page_by is None or direct:
        return _page(run(substitutions), limit, offset)
    return _walk_buckets(store, query, substitutions, run, limit, offset, include_extracted)


# Bound on the local store when a saved query selects them (posts) and is given a role and a day: the post
# index's entries (kgraph.terms.held_in) of that role for the day's year, and for posts with one known bound.
_HELD = ("heldInYear", "heldOpen")


def _post_index_entries(query: SavedQuery, substitutions: dict) -> dict:
    role, day = substitutions.get(ox.Variable("role")), substitutions.get(ox.Variable("date"))
    if f"?{_HELD[0]}" not in query.text or not role or not day or "" in (role.value, day.value):
        return {}
    role_id = role.value[len(str(ROLE)):]
    return {ox.Variable(_HELD[0]): ox.NamedNode(str(held_in(role_id, int(day.value[:4])))),
            ox.Variable(_HELD[1]): ox.NamedNode(str(held_in(role_id, None)))}


def _page(result: QueryResult, limit: int | None, offset: int) -> QueryResult:
    if limit is not None or offset:
        result.rows = result.rows[offset:None if limit is None else offset + limit]
    return result


# Above this many facts pointing at a driving entity (a hub such as Kalisz) its
# rows are read month by month like any other; below it they are few enough
# to fetch and sort in one go.
DRIVE_DIRECT_MAX = 2000


_NO_MATCH = ox.NamedNode("urn:kgraph:no-match")
# Bound by the pager to an entity with many facts (`?event kgi:entry ?hub`): a superset of
# the events the filter keeps, read from the index, so the filter lines test far fewer events.
_HUB = ox.Variable("hub")


def _has_many_facts(store: ox.Store, entity) -> bool:
    facts = store.quads_for_pattern(None, None, entity)
    return sum(1 for _ in zip(range(DRIVE_DIRECT_MAX + 1), facts)) > DRIVE_DIRECT_MAX


_UNDATED_BUCKET = ox.NamedNode(f"{KGI}bucket-{UNDATED}")  # kgraph.terms.IriMinter.bucket
_INDEX = ox.NamedNode(str(INDEX_GRAPH))
_KEY = ox.NamedNode(f"{KGI}key")


def _buckets(store, newest_first: bool, include_extracted: bool, start: ox.Literal | None, end: ox.Literal | None):
    """The buckets of the date index in date order, read a batch at a time (buckets.rq; a page
    usually needs the first one or two): buckets with an event ending on or after `start`, up to `end`
    (xsd:date literals or None); the undated bucket last when newest first, first when oldest first."""
    start, end = (day if day is not None and day.value else None for day in (start, end))
    undated = next(iter(store.quads_for_pattern(_UNDATED_BUCKET, _KEY, None, _INDEX)), None)
    if undated is not None and not newest_first and not (start or end):
        yield _UNDATED_BUCKET
    # keys are months or days, so a day's own key and its month's sort before day + "~"
    after = (end.value + "~" if end else "9999") if newest_first else "0000"
    while True:
        subs = {ox.Variable("after"): ox.Literal(after), ox.Variable("newest" if newest_first else "oldest"): ox.Literal("1")}
        if start:
            subs[ox.Variable("from")] = start
        rows = run_sparql(store, conditional_text(_internal_query("buckets"), subs), subs,
                          include_extracted=include_extracted).rows
        if not rows:
            break
        for bucket, key, *_ in rows:
            if not newest_first and end and key.value > end.value[:len(key.value)]:
                return
            yield bucket
        after = rows[-1][1].value
    if undated is not None and newest_first and not (start or end):
        yield _UNDATED_BUCKET


def _walk_buckets(store, query: SavedQuery, substitutions: dict, run, limit: int | None, offset: int,
                  include_extracted: bool) -> QueryResult:
    """Rows offset..offset+limit (every row when limit is None), reading one date bucket at a time in date order.
    SPARQL sorts unbound sort keys first, so undated events come last when newest first."""
    start, end = (substitutions.get(ox.Variable(p)) for p in ("from", "to"))
    result = QueryResult(kind="select")
    for bucket in _buckets(store, query.newest_first, include_extracted, start, end):
        part = run({**substitutions, ox.Variable(query.page_by): bucket})
        result.variables = part.variables
        result.rows.extend(part.rows)
        if limit is not None and len(result.rows) >= offset + limit:
            break
    if not result.variables:  # no bucket read: the columns of an empty answer
        result.variables = run({**substitutions, ox.Variable(query.page_by): _NO_MATCH}).variables
    return _page(result, limit, offset)


def unknown_names(store, query: SavedQuery | str, params: dict[str, str], *, include_extracted: bool = True) -> list[str]:
    """For each name parameter of a saved query whose value names no entity: what to tell the user,
    with the closest names (a query that found no rows may be answering a misspelling)."""
    if isinstance(query, str):
        if not re.fullmatch(r"[a-z0-9-]+", query):
            return []
        query = load_query(query)
    found = []
    for name, value in sorted(params.items()):
        param = query.params.get(name)
        if param is None or param.type != "name" or not search_key(value):
            continue
        rows = run_sparql(store, _internal_query("entities-by-key"), {ox.Variable("key"): ox.Literal(search_key(value))},
                          include_extracted=include_extracted).rows
        if rows:
            continue
        try:
            find_entity(store, value, include_extracted=include_extracted, option=f"--param {name}=")
        except UnknownEntity as e:
            found.append(str(e).replace(f"--param {name}= '", f"--param {name}='"))
    return found


def find_entity(store: ox.Store, name: str, *, include_extracted: bool = True, option: str = "--focus") -> str:
    """The IRI of the one entity called `name` (ignoring case, diacritics and dashes; aliases count).

    An IRI is taken as it is if the graph knows it. No match raises UnknownEntity
    with the closest names; several matches raise it with each one's IRI, to pick from.
    """
    if re.match(r"https?://", name):
        if run_sparql(store, _internal_query("entity-exists"), {ox.Variable("entity"): ox.NamedNode(name)},
                      include_extracted=include_extracted).boolean:
            return name
        raise UnknownEntity(f"{option} {name}: the graph has no entity with this IRI", [])
    key = search_key(name)
    rows = run_sparql(store, _internal_query("entity-names"), include_extracted=include_extracted).records()
    matches = sorted({r["entity"] for r in rows if r["key"] == key})
    if len(matches) == 1:
        return matches[0]
    names = {r["entity"]: r["name"] or r["key"] for r in rows}
    if matches:
        listed = "; ".join(f"{names[m]} <{m}>" for m in matches)
        raise UnknownEntity(f"{option} {name!r} names {len(matches)} entities: {listed}; give one IRI instead", matches)
    close = difflib.get_close_matches(key, sorted({r["key"] for r in rows}), n=5, cutoff=0.6)
    suggestions = list(dict.fromkeys(names[r["entity"]] for c in close for r in rows if r["key"] == c))
    hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else "; check the spelling (names and aliases come from the records in data/*.yaml)"
    raise UnknownEntity(f"{option} {name!r}: no person, place, organisation or event has this name{hint}", suggestions)
