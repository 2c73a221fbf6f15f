"""Saved and ad-hoc SPARQL queries, with parameters bound by the engine.

A saved query is `kgraph/queries/<name>.rq` with a header:

    # <name>: what it returns
    # param <NAME> <TYPE> <description>   (TYPE: name, date, lang, role, kind, text)
    # returns <output variables>

Every declared parameter is always bound (pyoxigraph substitutions, SEP-0007):
to the user's value, to its `(default: ...)`, or to the empty string, which the
query reads as "no filter" with sameTerm(?p, ""). Values never enter the query
text, so quotes, braces and SPARQL keywords in them are only data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kgraph.errors import ParameterError, QueryError, QueryNotFound
from kgraph.names import search_key
from kgraph.records import parse_date
from kgraph.namespaces import CURATED_GRAPH, EXTRACTED_GRAPH, ONTOLOGY_GRAPH, PKIND, ROLE
from kgraph.resources import queries_dir
from kgraph.vocab import partnership_kind_ids, role_ids

__all__ = ["Param", "SavedQuery", "QueryResult", "list_queries", "load_query", "bind_params", "run_query", "run_sparql"]

PARAM_TYPES = ("name", "date", "lang", "role", "kind", "text")
_PARAM_LINE = re.compile(r"^#\s*param\s+(\w+)\s+(\w+)\s+(.*)$")
_RETURNS_LINE = re.compile(r"^#\s*returns\s+(.*)$")
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
    summary = ""
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
    return SavedQuery(name=name, text=text, summary=summary, params=params, returns=returns, path=path)


def list_queries() -> list[SavedQuery]:
    return [load_query(p.stem) for p in sorted(queries_dir().glob("*.rq"))]


def load_query(name: str) -> SavedQuery:
    """The saved query `name` (a file kgraph/queries/<name>.rq)."""
    path = queries_dir() / f"{name}.rq"
    if not re.fullmatch(r"[a-z0-9-]+", name) or not path.is_file():
        known = ", ".join(p.stem for p in sorted(queries_dir().glob("*.rq")))
        raise QueryNotFound(f"no saved query named '{name}'; saved queries: {known}")
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
            bindings[ox.Variable(name)] = ox.NamedNode(value[1:-1])
        else:
            bindings[ox.Variable(name)] = ox.Literal(value)
    return bindings


# ---------------------------------------------------------------------------
# running


def _graphs(include_extracted: bool) -> list:
    graphs = [ONTOLOGY_GRAPH, CURATED_GRAPH] + ([EXTRACTED_GRAPH] if include_extracted else [])
    return [ox.NamedNode(str(g)) for g in graphs]


def run_sparql(store: ox.Store, text: str, substitutions: dict | None = None, *,
               include_extracted: bool = True, hidden: tuple[str, ...] = ()) -> QueryResult:
    """Run SPARQL on the store's ontology, curated (and extracted) graphs."""
    try:
        answer = store.query(text, default_graph=_graphs(include_extracted), substitutions=substitutions or None)
    except SyntaxError as e:
        raise QueryError(f"malformed SPARQL: {str(e).splitlines()[0]}") from e
    except (OSError, RuntimeError, ValueError) as e:
        message = str(e).splitlines()[0] if str(e) else type(e).__name__
        if "SELECT projection" in message:
            raise ParameterError(f"{message}: a bound parameter must be selected (add it to SELECT)") from e
        raise QueryError(f"query failed: {message}") from e
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        keep = [i for i, v in enumerate(variables) if v not in hidden]
        rows = [[solution[i] for i in keep] for solution in answer]
        return QueryResult(kind="select", variables=[variables[i] for i in keep], rows=rows)
    return QueryResult(kind="graph", triples=list(answer))


def run_query(store: ox.Store, query: SavedQuery | str, params: dict[str, str] | None = None, *,
              include_extracted: bool = True) -> QueryResult:
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
    if isinstance(query, str) and re.fullmatch(r"[a-z0-9-]+", query):
        query = load_query(query)
    substitutions = bind_params(query, params)
    if isinstance(query, SavedQuery):
        return run_sparql(store, query.text, substitutions, include_extracted=include_extracted,
                          hidden=tuple(query.params))
    return run_sparql(store, query, substitutions, include_extracted=include_extracted)
