"""The `kgraph` command: thin wrappers around library functions.

Exit codes: 0 success; 1 an expected error (bad records, bad SPARQL, missing
store, SHACL violations for `validate`); 2 a usage error (unknown option,
saved query or parameter). Data goes to stdout, messages to stderr.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from kgraph.errors import KgraphError, ParameterError, QueryNotFound

__all__ = ["cli", "main"]


def _fail(error: KgraphError):
    if isinstance(error, (ParameterError, QueryNotFound)):
        raise click.UsageError(str(error))
    raise click.ClickException(str(error))


def graph_options(func):
    """--data and --store, shared by every command that reads the graph."""
    @click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Curated records directory [default: ./data if it holds records, else the data shipped with kgraph].")
    @click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=Path(".kgraph"),
                  show_default=True, help="Where the built graph lives.")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


def _store(data_dir: Path | None, store_dir: Path):
    """Open the store, building it first when it is missing or when --data has changed since."""
    from kgraph.build import build, data_fingerprint
    from kgraph.store import open_store, read_manifest, store_exists

    previous = read_manifest(store_dir) if store_exists(store_dir) else None
    if previous is None or (data_dir is not None and previous.fingerprint != data_fingerprint(data_dir)):
        manifest = build(data_dir, store_dir, extracted=previous.extracted if previous else ())
        click.echo(f"built {manifest.quads} quads from {manifest.data_dir} into {store_dir}", err=True)
    return open_store(store_dir)


def _params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"'{item}' is not NAME=VALUE", param_hint="--param")
        params[name.strip()] = value
    return params


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="kgraph")
def cli():
    """kgraph: a knowledge graph of city diplomacy (Kalisz and its partner cities).

    Build the graph from curated records, query it with SPARQL, validate and export it.
    """


@cli.command()
@graph_options
@click.option("--no-shacl", is_flag=True, help="Skip SHACL validation (faster on very large data).")
@click.option("--extracted", "extracted", multiple=True, type=click.Path(exists=True, path_type=Path), metavar="PATH",
              help="Texts (or a folder of them, or `kgraph extract` output *.jsonl) whose extracted facts go "
                   "into the extracted graph, with provenance. Repeatable.")
def build(data_dir, store_dir, no_shacl, extracted):
    """Validate the records and build the graph store.

    The new store replaces the old one only when the build succeeds. Curated
    facts win: an extracted fact the records already state is left out.
    Queries read both graphs; --curated-only leaves the extracted one out.

    \b
    Example:
      kgraph build --extracted data/texts
    """
    from kgraph.build import build as build_store

    try:
        manifest = build_store(data_dir, store_dir, shacl=not no_shacl, extracted=extracted)
    except KgraphError as e:
        _fail(e)
    graphs = ", ".join(f"{name.rsplit('/', 1)[-1]} {count}" for name, count in manifest.graphs.items())
    records = ", ".join(f"{count} {name}" for name, count in manifest.records.items())
    click.echo(f"built {manifest.quads} quads ({graphs}) from {manifest.data_dir} into {store_dir}", err=True)
    click.echo(f"records: {records}", err=True)


@cli.command()
@click.argument("query", required=False)
@click.option("--file", "query_file", type=click.File("r", encoding="utf-8"), help="Read SPARQL from a file ('-' for stdin).")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter (repeatable). Values are data, never query text.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "turtle"]), default="table",
              show_default=True, help="json is SPARQL 1.1 Query Results JSON; turtle is for CONSTRUCT/DESCRIBE.")
@click.option("--limit", type=click.IntRange(min=0), default=None,
              help="At most N rows. who-visited-where and timeline read only the months they need.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, help="Skip the first N rows.")
@click.option("--curated-only", is_flag=True, help="Leave out machine-extracted facts.")
@click.option("--list", "list_saved", is_flag=True, help="List the saved queries and their parameters.")
@graph_options
def query(query, query_file, params, fmt, limit, offset, curated_only, list_saved, data_dir, store_dir):
    """Run a saved query by NAME, SPARQL text, or SPARQL from --file or stdin ('-').

    \b
    Examples:
      kgraph query who-visited-where --param place=Łowecz
      kgraph query who-visited-where --limit 100 --offset 100
      kgraph query partners -p city=Kalisz -p partner=Preston --format csv
      kgraph query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
    """
    from kgraph.query import list_queries, load_query, run_query
    from kgraph.results import render

    try:
        if list_saved:
            for saved in list_queries():
                click.echo(f"{saved.name}: {saved.summary}")
                for p in saved.params.values():
                    click.echo(f"    --param {p.name}=<{p.type}>  {p.description}")
            return
        if query_file is not None:
            if query:
                raise click.UsageError("give either QUERY or --file, not both")
            text = query_file.read()
        elif query == "-":
            text = sys.stdin.read()
        elif query is None:
            raise click.UsageError("give a saved query name, SPARQL text, --file FILE or '-' (see --list)")
        elif Path(query).suffix in (".rq", ".sparql") and Path(query).is_file():
            text = Path(query).read_text(encoding="utf-8")
        elif all(c.isalnum() or c == "-" for c in query):
            text = load_query(query)
        else:
            text = query
        result = run_query(_store(data_dir, store_dir), text, _params(params), include_extracted=not curated_only,
                           limit=limit, offset=offset)
        click.echo(render(result, fmt), nl=False)
    except KgraphError as e:
        _fail(e)


@cli.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Curated records directory [default: ./data if it holds records, else the data shipped with kgraph].")
def validate(data_dir):
    """Check the records and the SHACL shapes; print the SHACL report.

    Exit code: 0 the graph conforms; 1 violations or invalid records.
    """
    from kgraph.build import build_dataset
    from kgraph.namespaces import CURATED_GRAPH
    from kgraph.records import load_records
    from kgraph.resources import default_data_dir
    from kgraph.validate import validate_graph

    try:
        records = load_records(data_dir or default_data_dir())
        report = validate_graph(build_dataset(records).graph(CURATED_GRAPH))
    except KgraphError as e:
        _fail(e)
    click.echo(report.text.rstrip())
    if not report.conforms:
        click.echo(f"{report.violations} SHACL violation(s)", err=True)
        sys.exit(1)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "jsonld", "trig"]), default="turtle", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of stdout.")
@click.option("--curated-only", is_flag=True, help="Leave out machine-extracted facts.")
@graph_options
def export(fmt, out, curated_only, data_dir, store_dir):
    """Export the graph; the same store always gives the same bytes."""
    from kgraph.export import export_graph
    from kgraph.files import write_atomic

    try:
        data = export_graph(_store(data_dir, store_dir), fmt, include_extracted=not curated_only)
        if out is None:
            click.echo(data, nl=False)
        else:
            write_atomic(out, data)
            click.echo(f"wrote {out} ({len(data)} bytes)", err=True)
    except KgraphError as e:
        _fail(e)


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The HTML file to write.")
@click.option("--lang", type=click.Choice(["pl", "en"]), default="pl", show_default=True, help="Language of labels.")
@click.option("--title", default="kgraph: dyplomacja miejska Kalisza", show_default=True, help="Heading of the page.")
@click.option("--curated-only", is_flag=True, help="Leave out machine-extracted facts.")
@graph_options
def view(out, lang, title, curated_only, data_dir, store_dir):
    """Write an interactive network view: one self-contained HTML file.

    Exit code: 0 written; 1 the store or --out cannot be used (nothing is written).
    """
    from kgraph.analyse import to_networkx
    from kgraph.view import write_html

    try:
        graph = to_networkx(_store(data_dir, store_dir), lang=lang, include_extracted=not curated_only)
        stats = write_html(graph, out, title=title, lang=lang)
    except KgraphError as e:
        _fail(e)
    click.echo(f"wrote {out}: {stats.nodes} nodes, {stats.edges} edges, {stats.bytes // 1024} KiB", err=True)


def _extract_records(paths, data_dir):
    """Extraction records for every document in `paths`, with the curated records as gazetteer."""
    from kgraph.extract import Extractor
    from kgraph.readers import read_path
    from kgraph.records import load_records
    from kgraph.resources import default_data_dir

    extractor = Extractor(load_records(data_dir or default_data_dir()))
    for path in paths:
        yield from extractor.extract_all(read_path(path))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of stdout.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Curated records used to recognise and link known entities.")
def extract(paths, fmt, out, data_dir):
    """Find people, places, organisations, visits and posts in Polish texts.

    PATHS are news listings, letters, news items, HTML pages or plain UTF-8 (cp1250 and
    ISO-8859-2 are detected). jsonl is the format of FORMAT.md with offsets, ids and evidence.
    """
    import json

    from kgraph.files import write_atomic

    try:
        lines = []
        for record in _extract_records(paths, data_dir):
            if fmt == "jsonl":
                lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
                continue
            lines.append(f"== {record['doc']}")
            lines += [f"  {e['type']:<13} {e['name']}  [{e.get('id') or e.get('candidate')}]" for e in record["entities"]]
            lines += [f"  visit         {v['visitor']} -> {v['place']}  {v['start'] or ''}..{v['end'] or ''}" for v in record["visits"]]
            lines += [f"  role          {r['person']}: {r['role']} of {r['of']}" for r in record["roles"]]
        text = "\n".join(lines) + ("\n" if lines else "")
        if out:
            write_atomic(out, text.encode("utf-8"))
        else:
            click.echo(text, nl=False)
    except KgraphError as e:
        _fail(e)


@cli.command(name="eval")
@click.option("--gold", "gold_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Gold annotations, JSON Lines in the FORMAT.md shape.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--misses", is_flag=True, help="List every missed and spurious item.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Curated records used to recognise and link known entities.")
def evaluate(gold_path, paths, misses, as_json, data_dir):
    """Precision, recall and F1 of extraction on PATHS against --gold."""
    import json

    from kgraph.evaluate import load_jsonl, score

    try:
        gold = load_jsonl(gold_path)
        predicted = {str(r["doc"]).rsplit("/", 1)[-1]: r for r in _extract_records(paths, data_dir)}
    except KgraphError as e:
        _fail(e)
    result = score(gold, predicted)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        return
    if misses:
        click.echo("\n".join(result.misses))
    click.echo(f"documents: {result.documents}  without prediction: {len(result.without_prediction)}")
    click.echo(f"{'':16} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
    for name, c in result.rows():
        click.echo(f"{name:16} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:5} {c.fp:5} {c.fn:5}")


def main():
    try:
        cli(prog_name="kgraph")
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
