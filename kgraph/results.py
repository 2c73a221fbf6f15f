"""Render a QueryResult as table, CSV, TSV, JSON (SPARQL 1.1 Query Results) or Turtle."""
from __future__ import annotations

import csv
import io
import json
import unicodedata

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef, BNode

from kgraph.errors import ParameterError
from kgraph.namespaces import PREFIXES

__all__ = ["RESULT_FORMATS", "ROW_FORMATS", "render", "render_rows", "to_rdflib"]

RESULT_FORMATS = ("table", "csv", "tsv", "json", "turtle")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_SHORT = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda item: -len(item[0]))


def _compact(iri: str) -> str:
    for namespace, prefix in _SHORT:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _plain(term, *, compact: bool = False) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _compact(term.value) if compact else term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def _table(result) -> str:
    if result.kind == "ask":
        return "true\n" if result.boolean else "false\n"
    return _text_table(result.variables, [[_plain(t, compact=True) for t in row] for row in result.rows])


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    rows = [[cell.replace("\n", " ") for cell in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    def line(cells):
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()
    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def to_rdflib(term):
    """A pyoxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value if term.datatype and term.datatype.value not in (_XSD_STRING, _LANG_STRING) else None
    return Literal(term.value, datatype=URIRef(datatype) if datatype else None)


def render(result, fmt: str) -> str:
    """The result as text in `fmt` (one of RESULT_FORMATS)."""
    if fmt not in RESULT_FORMATS:
        raise ParameterError(f"unknown format '{fmt}'; use one of {', '.join(RESULT_FORMATS)}")
    if result.kind == "graph":
        if fmt != "turtle":
            raise ParameterError("CONSTRUCT and DESCRIBE give a graph; use --format turtle")
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True)
        for triple in result.triples:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph.serialize(format="turtle")
    if fmt == "turtle":
        raise ParameterError("SELECT and ASK give a table; use --format table, csv, tsv or json")
    if fmt == "table":
        return _table(result)
    if fmt == "json":
        if result.kind == "ask":
            return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
        doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    if result.kind == "ask":
        return "true\n" if result.boolean else "false\n"
    buffer = io.StringIO()
    if fmt == "csv":  # SPARQL 1.1 CSV: plain values, CRLF line ends
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(result.variables)
        writer.writerows([_plain(t) for t in row] for row in result.rows)
    else:  # SPARQL 1.1 TSV: terms in N-Triples/Turtle syntax
        buffer.write("\t".join(f"?{v}" for v in result.variables) + "\n")
        for row in result.rows:
            buffer.write("\t".join("" if t is None else str(t) for t in row) + "\n")
    return buffer.getvalue()


ROW_FORMATS = ("table", "csv", "json")


def render_rows(rows: list[dict], columns: list[str], fmt: str) -> str:
    """Plain rows (analysis results) as an aligned table, CSV or a JSON list of objects."""
    if fmt not in ROW_FORMATS:
        raise ParameterError(f"unknown format '{fmt}'; use one of {', '.join(ROW_FORMATS)}")
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    cells = [["" if row.get(c) is None else (_compact(row[c]) if fmt == "table" and c in ("node", "fact") else str(row[c]))
              for c in columns] for row in rows]
    if fmt == "table":
        return _text_table(columns, cells)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(cells)
    return buffer.getvalue()
