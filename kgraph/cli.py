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


def data_option(help: str = "Curated records directory [default: ./data if it holds records, else the data "
                                 "shipped with kgraph]."):
    return click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help=help)


def store_option(help: str):
    return click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=Path(".kgraph"),
                        show_default=True, help=help)


def graph_options(func):
    """--data, --store, --endpoint and --timeout, shared by every command that reads the graph.

    The command gets `open_graph`: call it for the local store (built first when
    missing or when --data has changed) or, with --endpoint, the remote endpoint.
    """
    @data_option()
    @store_option("Where the built graph lives.")
    @click.option("--endpoint", metavar="URL", default=None,
                  help="Read the graph from this SPARQL endpoint (e.g. http://127.0.0.1:7878/query) instead of --store. "
                       "Credentials: KGRAPH_ENDPOINT_USER/KGRAPH_ENDPOINT_PASSWORD or ~/.netrc.")
    @click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
                  help="Seconds to wait for each answer from --endpoint.")
    @functools.wraps(func)
    def wrapper(*args, data_dir, store_dir, endpoint, timeout, **kwargs):
        if endpoint is not None and data_dir is not None:
            raise click.UsageError("--data builds a local store; it cannot be used with --endpoint")
        def open_graph():
            if endpoint is not None:
                from kgraph.remote import Endpoint
                return Endpoint(endpoint, timeout=timeout)
            return _store(data_dir, store_dir)
        return func(*args, open_graph=open_graph, **kwargs)
    return wrapper


def _store(data_dir: Path | None, store_dir: Path):
    """Open the store, building it first when it is missing or when the records a command reads (--data, else
    ./data or the packaged data) are not the ones it was built from: an answer is never older than the records."""
    from kgraph.build import build, data_fingerprint
    from kgraph.resources import default_data_dir
    from kgraph.store import open_store, read_manifest, store_exists

    previous = read_manifest(store_dir) if store_exists(store_dir) else None
    records = data_dir or default_data_dir()
    if previous is None or previous.fingerprint != data_fingerprint(records):
        manifest = build(records, store_dir, extracted=previous.extracted if previous else ())
        click.echo(f"built {manifest.quads} quads from {manifest.data_dir} into {store_dir}", err=True)
    return open_store(store_dir)


def _params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"'{item}' is not NAME=VALUE", param_hint="--param")
        try:
            item.encode("utf-8")
        except UnicodeEncodeError:  # bytes the terminal's encoding could not decode
            raise click.BadParameter(f"{name}: the value is not UTF-8 text; check the terminal's encoding",
                                     param_hint="--param") from None
        params[name.strip()] = value
    return params


def quiet_option(func):
    return click.option("--quiet", "-q", is_flag=True,
                        help="No progress bar (there is none either when stderr is not a terminal).")(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="kgraph")
def cli():
    """kgraph: a knowledge graph of city diplomacy (Kalisz and its partner cities).

    Build the graph from curated records, query it with SPARQL, validate and export it.
    """


@cli.command()
@data_option()
@store_option("Where to build the graph.")
@click.option("--no-shacl", is_flag=True, help="Skip SHACL validation (a full build checks every record, minutes on very large data; an incremental one only the records it rewrites).")
@click.option("--extracted", "extracted", multiple=True, type=click.Path(exists=True, path_type=Path), metavar="PATH",
              help="Texts (or a folder of them, or `kgraph extract` output *.jsonl) whose extracted facts go "
                   "into the extracted graph, with provenance. Repeatable.")
@click.option("--full", is_flag=True, help="Rebuild everything, even when only a few records changed.")
@quiet_option
def build(data_dir, store_dir, no_shacl, extracted, full, quiet):
    """Validate the records and build the graph store.

    When a few records changed since the live build, only their quads are
    rewritten (an incremental build); a full build runs when the build code,
    the ontology or the settings changed, or with --full. Either way the new
    graph replaces the old one only when the build succeeds. Curated facts win:
    an extracted fact the records already state is left out. Queries read both
    graphs; --curated-only leaves the extracted one out.

    \b
    Example:
      kgraph build --extracted data/texts
    """
    from kgraph.build import build as build_store
    from kgraph.progress import bar

    try:
        manifest = build_store(data_dir, store_dir, shacl=not no_shacl, extracted=extracted, full=full,
                               progress=bar(quiet))
    except KgraphError as e:
        _fail(e)
    graphs = ", ".join(f"{name.rsplit('/', 1)[-1]} {count}" for name, count in manifest.graphs.items())
    records = ", ".join(f"{count} {name}" for name, count in manifest.records.items())
    how = {"full": f"a full build ({manifest.reason})", "unchanged": "nothing changed since the last build",
           "incremental": f"an incremental build: {manifest.changed} record(s) rewritten"}[manifest.mode]
    click.echo(f"built {manifest.quads} quads ({graphs}) from {manifest.data_dir} into {store_dir}: {how}", err=True)
    click.echo(f"records: {records}", err=True)


@cli.command()
@click.argument("query", required=False)
@click.option("--file", "query_file", type=click.File("r", encoding="utf-8"), help="Read SPARQL from a file ('-' for stdin).")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter (repeatable). Values are data, never query text.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "turtle"]), default="table",
              show_default=True, help="json is SPARQL 1.1 Query Results JSON; turtle is for CONSTRUCT/DESCRIBE.")
@click.option("--limit", type=click.IntRange(min=0), default=None,
              help="At most N rows. who-visited-where and timeline read only the dates they need.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, help="Skip the first N rows.")
@click.option("--curated-only", is_flag=True, help="Leave out machine-extracted facts.")
@click.option("--list", "list_saved", is_flag=True, help="List the saved queries and their parameters.")
@graph_options
def query(query, query_file, params, fmt, limit, offset, curated_only, list_saved, open_graph):
    """Run a saved query by NAME, SPARQL text, or SPARQL from --file or stdin ('-').

    \b
    Examples:
      kgraph query who-visited-where --param place=Łowecz
      kgraph query who-visited-where --limit 100 --offset 100
      kgraph query partners -p city=Kalisz -p partner=Preston --format csv
      kgraph query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
    """
    from kgraph.query import list_queries, run_query
    from kgraph.results import render

    try:
        if list_saved:
            for saved in list_queries():
                click.echo(f"{saved.name}: {saved.summary}")
                for p in saved.params.values():
                    click.echo(f"    --param {p.name}=<{p.type}>  {p.description}")
            return
        text = _query_text(query, query_file)
        if text is None:
            raise click.UsageError("give a saved query name, SPARQL text, --file FILE or '-' (see --list)")
        graph = open_graph()
        bound = _params(params)
        result = run_query(graph, text, bound, include_extracted=not curated_only, limit=limit, offset=offset)
        click.echo(render(result, fmt), nl=False)
        if not result.rows and bound:
            from kgraph.query import unknown_names

            for warning in unknown_names(graph, text, bound, include_extracted=not curated_only):
                click.echo(f"warning: {warning}", err=True)  # no rows because a name matches nothing: say which
    except KgraphError as e:
        _fail(e)


@cli.command()
@data_option()
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
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "jsonld", "trig", "graphml", "gexf", "csv"]),
              default="turtle", show_default=True,
              help="RDF (turtle, nt, jsonld, trig) or the network for other tools: graphml, gexf (dynamic, for "
                   "Gephi's timeline) or csv (nodes.csv and edges.csv in the --out directory).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Write to this file (atomically) instead of stdout; for csv, a directory.")
@click.option("--type", "types", multiple=True, metavar="TYPE[,TYPE]",
              help="graphml/gexf/csv: node types to include, as for `kgraph view` [default: every node and edge].")
@click.option("--lang", type=click.Choice(["pl", "en"]), default="pl", show_default=True,
              help="graphml/gexf/csv: language of names and labels.")
@click.option("--curated-only", is_flag=True, help="Leave out machine-extracted facts.")
@graph_options
def export(fmt, out, types, lang, curated_only, open_graph):
    """Export the graph or its network; the same store always gives the same bytes."""
    from kgraph.analyse import network_for, to_networkx
    from kgraph.export import export_graph, export_network, network_tables
    from kgraph.files import write_atomic

    try:
        store = open_graph()
        if fmt in ("graphml", "gexf", "csv"):
            if types:
                network = network_for(store, lang=lang, include_extracted=not curated_only, types=_types(types))
            else:  # everything: visits both as person -> place edges (dated, for timelines) and through events
                network = to_networkx(store, lang=lang, include_extracted=not curated_only)
            if fmt == "csv":
                if out is None:
                    raise click.UsageError("--format csv writes nodes.csv and edges.csv: give --out DIRECTORY")
                if out.exists() and not out.is_dir():
                    raise click.BadParameter(f"{out} is a file; csv needs a directory", param_hint="--out")
                out.mkdir(parents=True, exist_ok=True)
                for name, table in network_tables(network).items():
                    write_atomic(out / name, table)
                click.echo(f"wrote {out / 'nodes.csv'} and {out / 'edges.csv'}: {network.number_of_nodes()} nodes, "
                           f"{network.number_of_edges()} edges", err=True)
                return
            data = export_network(network, fmt)
        else:
            data = export_graph(store, fmt, include_extracted=not curated_only)
        if out is None:
            click.echo(data, nl=False)
        else:
            write_atomic(out, data)
            click.echo(f"wrote {out} ({len(data)} bytes)", err=True)
    except KgraphError as e:
        _fail(e)


def _query_text(query: str | None, query_file) -> str | None:
    """SPARQL from a saved query's name, a .rq file, text, '-' (stdin) or an open --file."""
    from kgraph.query import load_query

    if query_file is not None:
        if query:
            raise click.UsageError("give either QUERY or --file, not both")
        return query_file.read()
    if query is None:
        return None
    if query == "-":
        return sys.stdin.read()
    if Path(query).suffix in (".rq", ".sparql") and Path(query).is_file():
        return Path(query).read_text(encoding="utf-8")
    if all(c.isalnum() or c == "-" for c in query):
        return load_query(query)
    return query


def _day(value: str | None, param: str, *, end: bool):
    from kgraph.records import parse_date

    if value is None:
        return None
    try:
        partial = parse_date(value)
    except ValueError as e:
        raise click.BadParameter(f"{value!r} is not a date ({e}); write YYYY-MM-DD, YYYY-MM or YYYY", param_hint=param)
    return partial.last_day() if end else partial.first_day()


def _window(date_from: str | None, date_to: str | None):
    window = (_day(date_from, "--from", end=False), _day(date_to, "--to", end=True))
    if window[0] and window[1] and window[0] > window[1]:
        raise click.BadParameter(f"--from {date_from} is after --to {date_to}", param_hint="--from/--to")
    return window if window != (None, None) else None


def _types(values: tuple[str, ...]) -> list[str] | None:
    return [t.strip() for value in values for t in value.split(",") if t.strip()] or None


def network_options(func):
    """What part of the network a command reads: --type, --from/--to, --lang, --curated-only."""
    @click.option("--type", "types", multiple=True, metavar="TYPE[,TYPE]",
                  help="Node types to include: people, cities, countries, regions, organisations, events, documents "
                       "(repeatable or comma-separated) [default: people, cities, countries, regions, organisations]. "
                       "With events, a visit is drawn through its event node.")
    @click.option("--from", "date_from", metavar="DATE", help="Only visits, posts and partnerships on or after DATE (and the events and documents of those days).")
    @click.option("--to", "date_to", metavar="DATE", help="... on or before DATE. YYYY and YYYY-MM mean the whole year or month.")
    @click.option("--lang", type=click.Choice(["pl", "en"]), default="pl", show_default=True, help="Language of names and labels.")
    @click.option("--curated-only", is_flag=True, help="Leave out machine-extracted facts.")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The HTML file to write.")
@click.option("--focus", metavar="ENTITY", help="Show this person, place, organisation, event or document and its "
                                                "neighbourhood (a name, ignoring case and diacritics, an alias or an IRI).")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True, help="How many links from --focus.")
@click.option("--query", "query", metavar="NAME|FILE|SPARQL", help="Show what a saved query, .rq file or SPARQL text names.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Parameter of --query (repeatable).")
@click.option("--size-by", type=click.Choice(["degree", "strength", "betweenness", "pagerank"]), default=None,
              help="Size nodes by this centrality, measured on the network shown.")
@click.option("--colour-by", "colour_by", type=click.Choice(["kind", "community"]), default="kind", show_default=True,
              help="Colour nodes by their kind or by their Louvain community.")
@click.option("--title", default="kgraph: dyplomacja miejska", show_default=True, help="Heading of the page.")
@click.option("--layout", "page_layout", type=click.Choice(["network", "map"]), default="network", show_default=True,
              help="network: the force graph; map: places, visit arcs and partnerships on a map (see `kgraph explore`).")
@click.option("--allow-empty", is_flag=True, help="Write a page saying there is nothing to show instead of failing.")
@network_options
@graph_options
def view(out, focus, depth, query, params, size_by, colour_by, title, page_layout, allow_empty, types, date_from, date_to,
         lang, curated_only, open_graph):
    """Write an interactive network view: one self-contained HTML file, no network needed to open it.

    Nodes have a colour and shape per kind; hover for dates and sources, type a
    name in the search box and press Enter to find a node.

    \b
    Examples:
      kgraph view --out kalisz.html
      kgraph view --out lowecz.html --focus Łowecz --depth 2 --type people,cities,events
      kgraph view --out 2025.html --from 2025 --to 2025 --size-by degree
      kgraph view --out q.html --query who-visited-where -p country=Bułgaria

    Exit codes: 0 written; 1 nothing to show (without --allow-empty), the store,
    query or --out cannot be used; 2 bad options or an unknown --focus name. On
    any error nothing is written.
    """
    from kgraph.analyse import centrality, communities, project
    from kgraph.view import write_html

    window = _window(date_from, date_to)
    try:
        store, full, graph, focus_node = _selection(open_graph, focus=focus, depth=depth, query=query, params=params,
                                                    types=types, window=window, lang=lang, curated_only=curated_only,
                                                    allow_empty=allow_empty, date_from=date_from, date_to=date_to)
        if page_layout == "map":
            from kgraph.explore import write_explore

            stats = write_explore(graph, out, full=full, title=title, lang=lang, focus=focus_node, panels=("map",),
                                  window=window)
            click.echo(f"wrote {out}: {stats.markers} places, {stats.arcs} routes of {stats.visits} visits, "
                       f"{stats.not_on_map} not on the map, {stats.bytes // 1024} KiB", err=True)
            return
        sizes = groups = None
        if size_by:
            sizes = {row["node"]: row[size_by] for row in centrality(project(graph, "whole"))}
        if colour_by == "community":
            groups = {m["node"]: c["community"] for c in communities(project(graph, "whole")) for m in c["members"]}
        stats = write_html(graph, out, title=title, lang=lang, sizes=sizes, groups=groups, focus=focus_node)
    except KgraphError as e:
        _fail(e)
    click.echo(f"wrote {out}: {stats.nodes} nodes, {stats.edges} edges, {stats.bytes // 1024} KiB", err=True)


def _selection(open_graph, *, focus, depth, query, params, types, window, lang, curated_only, allow_empty,
               date_from, date_to):
    """(store, the whole network, the part the options select, the focus node's IRI) for view and explore."""
    from kgraph.analyse import network_and_selection
    from kgraph.query import find_entity

    store = open_graph()
    full, graph = network_and_selection(store, lang=lang, include_extracted=not curated_only, types=_types(types),
                                        window=window, focus=focus, depth=depth, query=_query_text(query, None),
                                        params=_params(params))
    if graph.number_of_nodes() == 0 and not allow_empty:
        what = f" between {date_from or '…'} and {date_to or '…'}" if window else ""
        raise click.ClickException(f"nothing to show{what}: no node matches the options; widen them, "
                                   "or pass --allow-empty to write an empty page")
    focus_node = find_entity(store, focus, include_extracted=not curated_only) if focus else None
    return store, full, graph, focus_node


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The HTML file to write.")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also draw the map as a picture (PNG, matplotlib) for reports.")
@click.option("--group-by", type=click.Choice(["place", "person"]), default="place", show_default=True,
              help="Timeline rows: one per place or one per person.")
@click.option("--focus", metavar="ENTITY", help="Show this person, place, organisation, event or document and its "
                                                "neighbourhood (a name, ignoring case and diacritics, an alias or an IRI).")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True, help="How many links from --focus.")
@click.option("--query", "query", metavar="NAME|FILE|SPARQL", help="Show what a saved query, .rq file or SPARQL text names.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Parameter of --query (repeatable).")
@click.option("--title", default="kgraph: kto, gdzie, kiedy", show_default=True, help="Heading of the page.")
@click.option("--allow-empty", is_flag=True, help="Write a page saying there is nothing to show instead of failing.")
@network_options
@graph_options
def explore(out, png, group_by, focus, depth, query, params, title, allow_empty, types, date_from, date_to, lang,
            curated_only, open_graph):
    """Write who visited where and when: a map, a timeline and the network, linked, in one HTML file.

    Map: places at their coordinates over country outlines, visits as arcs from the
    visitor's town (a person's: where they held a post at the time) to the place
    visited, wider for more visits; partnerships dashed; places or visits that cannot
    be drawn are counted in a "not on the map" box. Timeline: visits, events, posts and
    partnerships. One date window (the two sliders) filters all three panels; selecting
    a place or person in one selects it in the others. Nothing is fetched when it opens.

    \b
    Examples:
      kgraph explore --out explore.html
      kgraph explore --out 2025.html --from 2025 --to 2025 --group-by person --png 2025.png
    """
    from kgraph.explore import draw_map, write_explore

    window = _window(date_from, date_to)
    try:
        store, full, graph, focus_node = _selection(open_graph, focus=focus, depth=depth, query=query, params=params,
                                                    types=types, window=window, lang=lang, curated_only=curated_only,
                                                    allow_empty=allow_empty, date_from=date_from, date_to=date_to)
        stats = write_explore(graph, out, full=full, title=title, lang=lang, group_by=group_by, focus=focus_node,
                              window=window)
        if png is not None:
            _write_png(lambda ax: draw_map(graph, ax=ax, full=full, lang=lang), png)
    except KgraphError as e:
        _fail(e)
    click.echo(f"wrote {out}: {stats.markers} places, {stats.arcs} routes of {stats.visits} visits, "
               f"{stats.timeline_items} timeline items, {stats.not_on_map} not on the map, {stats.bytes // 1024} KiB",
               err=True)


def _write_png(draw, out: Path) -> None:
    """Draw with matplotlib (no display needed) and write the PNG atomically."""
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kgraph.files import write_atomic

    figure, ax = plt.subplots(figsize=(10, 7), dpi=120)
    draw(ax)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})  # no version: same bytes
    plt.close(figure)
    write_atomic(out, buffer.getvalue())


@cli.group()
def analyze():
    """Network measures: centrality, communities, how two entities connect, a summary.

    Measures run on a projection of the network: city-city (partnerships and
    visit flows, weighted), person-city (who visited where) or whole (every
    node shown by --type, weighted by the facts linking two nodes).
    """


def projection_option(func):
    return click.option("--projection", type=click.Choice(["city-city", "person-city", "whole"]), default="whole",
                        show_default=True, help="Which network to measure.")(func)


def rows_format_option(func):
    return click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
                        show_default=True)(func)


@analyze.command()
@projection_option
@click.option("--top", type=click.IntRange(min=1), default=None, help="Only the N most central nodes.")
@rows_format_option
@network_options
@graph_options
def centrality(projection, top, fmt, types, date_from, date_to, lang, curated_only, open_graph):
    """Degree, weighted degree (strength), betweenness and PageRank, most central first."""
    from kgraph.analyse import centrality as measure, projection_for
    from kgraph.results import render_rows

    try:
        rows = measure(projection_for(open_graph(), projection, lang=lang, include_extracted=not curated_only,
                                      types=_types(types), window=_window(date_from, date_to)), top=top)
        click.echo(render_rows(rows, ["label", "kind", "degree", "strength", "betweenness", "pagerank", "node"], fmt), nl=False)
    except KgraphError as e:
        _fail(e)


@analyze.command()
@projection_option
@rows_format_option
@network_options
@graph_options
def communities(projection, fmt, types, date_from, date_to, lang, curated_only, open_graph):
    """Louvain communities (weighted, fixed seed), largest first: one row per member."""
    from kgraph.analyse import communities as detect, projection_for
    from kgraph.results import render_rows

    try:
        found = detect(projection_for(open_graph(), projection, lang=lang, include_extracted=not curated_only,
                                      types=_types(types), window=_window(date_from, date_to)))
        if fmt == "json":
            click.echo(render_rows(found, [], fmt), nl=False)
            return
        rows = [{"community": c["community"], "size": c["size"], **m} for c in found for m in c["members"]]
        click.echo(render_rows(rows, ["community", "size", "label", "kind", "node"], fmt), nl=False)
    except KgraphError as e:
        _fail(e)


@analyze.command()
@click.argument("source", metavar="A")
@click.argument("target", metavar="B")
@rows_format_option
@network_options
@graph_options
def path(source, target, fmt, types, date_from, date_to, lang, curated_only, open_graph):
    """How A and B are connected: the facts along a shortest chain between them.

    A and B are names (ignoring case and diacritics), aliases or IRIs. Exit code 1
    when no chain links them in the network selected by --type and --from/--to.
    """
    from kgraph.analyse import connection, network_for
    from kgraph.query import find_entity

    try:
        store = open_graph()
        a = find_entity(store, source, include_extracted=not curated_only, option="A")
        b = find_entity(store, target, include_extracted=not curated_only, option="B")
        kinds = _types(types)
        graph = network_for(store, lang=lang, include_extracted=not curated_only, types=kinds,
                            window=_window(date_from, date_to))
        missing = [name for name, iri in ((source, a), (target, b)) if iri not in graph]
        if missing:
            raise click.ClickException(f"{missing[0]!r} is not in the network selected (see --type, --from/--to)")
        steps = connection(graph, a, b)
        if not steps and a != b:
            raise click.ClickException(f"no chain of facts links {source!r} and {target!r}; try --type with events or documents")
        from kgraph.results import render_rows
        if fmt == "table":
            for step in steps:
                arrow = "->" if step["forward"] else "<-"
                when = " ".join(d for d in (step["start"], step["end"] if step["end"] != step["start"] else None) if d)
                detail = ", ".join(x for x in (step["label"], when) if x)
                click.echo(f"{step['from_label']} {arrow}[{step['kind']}{': ' + detail if detail else ''}]{arrow} {step['to_label']}")
            return
        click.echo(render_rows(steps, ["from_label", "kind", "label", "start", "end", "to_label", "forward", "from", "to", "fact"], fmt), nl=False)
    except KgraphError as e:
        _fail(e)


@analyze.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@network_options
@graph_options
def summary(fmt, types, date_from, date_to, lang, curated_only, open_graph):
    """Nodes and edges by kind, components, density, date range, best-connected nodes."""
    import json

    from kgraph.analyse import network_for, summary as summarise

    try:
        graph = network_for(open_graph(), lang=lang, include_extracted=not curated_only,
                            types=_types(types), window=_window(date_from, date_to))
    except KgraphError as e:
        _fail(e)
    facts = summarise(graph)
    if fmt == "json":
        click.echo(json.dumps(facts, ensure_ascii=False, indent=1))
        return
    click.echo(f"nodes: {facts['nodes']}  ({', '.join(f'{k} {v}' for k, v in facts['nodes_by_kind'].items())})")
    click.echo(f"edges: {facts['edges']}  ({', '.join(f'{k} {v}' for k, v in facts['edges_by_kind'].items())})")
    click.echo(f"components: {facts['components']} (largest {facts['largest_component']} nodes); density {facts['density']}")
    click.echo(f"dates: {facts['first_date'] or '-'} .. {facts['last_date'] or '-'}")
    click.echo("best connected: " + ", ".join(f"{n['label']} ({n['degree']})" for n in facts["best_connected"]))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback makes the graph visible to your network.")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=1), default=None, help="Stop any query after S seconds.")
@data_option()
@store_option("The built graph to serve (built first if missing).")
def serve(host, port, timeout_s, data_dir, store_dir):
    """Serve the graph over the SPARQL 1.1 Protocol, read-only, with a query page in the browser.

    Runs the Oxigraph server (`oxigraph serve-read-only`, from PyPI) on the built
    store, behind kgraph's own front: GET and POST queries, results as JSON, XML,
    CSV or TSV, CONSTRUCT as Turtle or N-Triples. SPARQL Update, Graph Store writes
    and SERVICE (a query that would fetch another URL) are refused. The query page
    loads nothing from the internet. The default graph is the union of the graphs,
    as for `kgraph query`. Stops on Ctrl-C or SIGTERM. A `kgraph build` meanwhile
    (full or incremental) is served within a second or two, without a restart:
    a server on the new build takes the queries, the old one finishes its own.

    \b
    Example:
      kgraph serve --port 7878
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' http://127.0.0.1:7878/query
    """
    import signal
    import socket
    import threading

    import uvicorn

    from kgraph.remote import check_port_free
    from kgraph.servepage import LiveBackend, make_front

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: serving on {host}: anyone who can reach it can query the graph; keep it to networks "
                   "you trust", err=True)
    backend = LiveBackend(store_dir, timeout_s=timeout_s)
    try:
        check_port_free(host, port)
        _store(data_dir, store_dir)  # builds it when missing or stale
        backend.start()
    except KgraphError as e:
        _fail(e)
    server = uvicorn.Server(uvicorn.Config(make_front(backend, timeout=timeout_s),
                                           host=host, port=port, log_level="warning", access_log=False))
    died = threading.Event()

    def watch():  # the server behind stopping by itself (not replaced by a newer build's) stops the front too
        while not server.should_exit:
            process = backend.process
            process.wait()
            if process is backend.process and not server.should_exit:
                died.set()
                server.should_exit = True
    threading.Thread(target=watch, daemon=True).start()

    # stop on SIGTERM as on Ctrl-C, from now on (uvicorn installs the same once it runs)
    signal.signal(signal.SIGTERM, lambda *_: setattr(server, "should_exit", True))
    front = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    front.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        front.bind((host, port))
        front.listen(128)  # listening before the URL is printed: a client that connects at once waits, never refused
    except OSError as e:
        backend.stop()
        raise click.ClickException(f"cannot listen on {host}:{port} ({e.strerror}); choose another --port")
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"SPARQL endpoint: http://{shown}:{port}/query  (read-only)")
    click.echo(f"query page:      http://{shown}:{port}/")
    click.echo("Ctrl-C stops the server.", err=True)
    backend.follow()  # a `kgraph build` meanwhile is served from the next second on
    try:
        server.run(sockets=[front])  # until Ctrl-C or SIGTERM
    finally:
        server.should_exit = True
        backend.stop()
    if died.is_set():
        raise click.ClickException(f"the Oxigraph server stopped by itself (exit {backend.process.returncode})")
    click.echo("stopped", err=True)


@cli.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The Graph Store of the server (Oxigraph: http://HOST:7878/store; Fuseki: http://HOST:3030/DATASET/data).")
@click.option("--graph", "into", metavar="IRI", default=None,
              help="Put every layer into this one named graph instead of one per layer (for other tools: "
                   "`--endpoint` reads kgraph's own layer graphs, so it will not see this one).")
@click.option("--replace", is_flag=True, help="Replace the remote graphs (HTTP PUT) instead of adding to them (POST).")
@click.option("--curated-only", is_flag=True, help="Leave out machine-extracted facts.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=300.0, show_default=True,
              help="Seconds to wait for each upload.")
@data_option()
@store_option("The built graph to push (built first if missing).")
@quiet_option
def push(endpoint, into, replace, curated_only, timeout, data_dir, store_dir, quiet):
    """Upload the graph to a server triple store (SPARQL 1.1 Graph Store HTTP Protocol).

    Each layer goes into its own named graph, with the IRI it has locally: the
    curated and extracted facts, the ontology and the date index (so the saved
    queries run remotely as they do here). Credentials: KGRAPH_ENDPOINT_USER and
    KGRAPH_ENDPOINT_PASSWORD, or ~/.netrc. Exit code 1 if the server cannot be
    reached or refuses an upload.

    \b
    Example:
      kgraph push --endpoint http://127.0.0.1:7878/store --replace
      kgraph query who-visited-where --endpoint http://127.0.0.1:7878/query
    """
    from kgraph.namespaces import CURATED_GRAPH, EXTRACTED_GRAPH, INDEX_GRAPH, ONTOLOGY_GRAPH
    from kgraph.progress import bar
    from kgraph.remote import push as upload

    if not endpoint.startswith(("http://", "https://")):
        raise click.BadParameter(f"{endpoint!r} is not an http(s) URL", param_hint="--endpoint")
    layers = [ONTOLOGY_GRAPH, INDEX_GRAPH, CURATED_GRAPH] + ([] if curated_only else [EXTRACTED_GRAPH])
    try:
        sent = upload(_store(data_dir, store_dir), endpoint, layers, replace=replace, into=into, timeout=timeout,
                      progress=bar(quiet))
    except KgraphError as e:
        _fail(e)
    for graph, count in sent.items():
        click.echo(f"pushed {count} triples into <{into or graph}>", err=True)


def _extract_records(paths, data_dir, home, jobs=None, quiet=False):
    """Extraction records for every document in `paths`, with the curated records as gazetteer."""
    from kgraph.progress import bar
    from kgraph.text.extract import default_jobs, extract_paths, make_extractor

    extractor = make_extractor(data_dir, home=home)
    for record in extract_paths(paths, extractor, jobs=jobs or default_jobs(), progress=bar(quiet)):
        language = record.get("language") or {}
        if language.get("polish") is False:
            click.echo(f"warning: {record['doc']}: not Polish (Morfeusz knows {language['known_words']:.0%} of its "
                       "words); what was found in it is unreliable", err=True)
        yield record


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of stdout.")
@click.option("--home", default=None, metavar="TOWN",
              help="The town that published the texts [default: the Polish town each text is about, else `home` "
                   "in the data's settings.yaml].")
@data_option("Curated records used to recognise and link known entities.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for many files [default: one per core]; the output order is the same.")
@quiet_option
def extract(paths, fmt, out, data_dir, home, jobs, quiet):
    """Find people, places, organisations, visits and posts in Polish texts.

    PATHS are news listings, letters, news items, HTML pages or plain UTF-8 (cp1250 and
    ISO-8859-2 are detected). jsonl is the extraction format (docs/extraction-format.md in the repository): entities, visits, posts, with offsets, ids and evidence.
    """
    import json

    from kgraph.files import write_atomic

    try:
        lines = []
        for record in _extract_records(paths, data_dir, home, jobs, quiet):
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
              help="Gold annotations, JSON Lines in the extraction format (docs/extraction-format.md).")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--misses", is_flag=True, help="List every missed and spurious item.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--by-rule", is_flag=True, help="Also print the precision of visits and roles per rule and per confidence band.")
@click.option("--home", default=None, metavar="TOWN",
              help="The town that published the texts [default: the Polish town each text is about, else `home` "
                   "in the data's settings.yaml].")
@data_option("Curated records used to recognise and link known entities.")
def evaluate(gold_path, paths, misses, as_json, by_rule, data_dir, home):
    """Precision, recall and F1 of extraction on PATHS against --gold."""
    import json

    from kgraph.text.evaluate import BANDS, load_jsonl, score

    try:
        gold = load_jsonl(gold_path)
        predicted = {str(r["doc"]).rsplit("/", 1)[-1]: r for r in _extract_records(paths, data_dir, home)}
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
    if by_rule:
        for title, table in (("rule", sorted(result.by_rule.items())),
                             ("confidence", [(n, result.by_band[n]) for n, _ in BANDS if n in result.by_band])):
            click.echo(f"\n{'precision by ' + title:28} {'P':>6} {'right':>6} {'wrong':>6}")
            for name, c in table:
                click.echo(f"{name:28} {c.precision:6.3f} {c.tp:6} {c.fp:6}")


# -- review: extracted facts -> curated records


def _review_queue(data_dir):
    from kgraph.resources import default_data_dir
    from kgraph.review import ReviewQueue

    return ReviewQueue(data_dir or default_data_dir())


def _print_proposals(proposals, fmt):
    import json

    from kgraph.review import proposal_summary

    if fmt == "json":
        click.echo(json.dumps([proposal_summary(p) for p in proposals], ensure_ascii=False, indent=1, sort_keys=True))
        return
    for p in proposals:
        f = p["fields"]
        fact = {"visit": lambda: f"{f['visitor']} -> {f['place']}  {f.get('start') or ''}..{f.get('end') or ''}",
                "role": lambda: f"{f['person']}: {f['role']} of {f['of']}",
                "partnership": lambda: f"{f['city']} <-> {f['partner']} ({f.get('kind')})",
                "entity": lambda: f"{f['type']} {f['name']}"}[p["kind"]]()
        confidence = p["evidence"].get("confidence")
        click.echo(f"{p['id']}  {p['kind']:<11} {fact}  [{p['status']}, "
                   f"{'-' if confidence is None else f'{confidence:.2f}'}, {p['document']}]")


@cli.group(invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address the page listens on; anything but loopback lets your network see the queue (writes still need the token).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port [default: a free one].")
@click.option("--no-browser", is_flag=True, help="Print the URL only; do not open a browser.")
@data_option("The records to review into (their review queue is DIR/review/).")
@store_option("The store the page's rebuild button builds.")
@click.pass_context
def review(ctx, host, port, no_browser, data_dir, store_dir):
    """Review extracted facts: accept, correct or reject them; accepted ones become curated records.

    Without a subcommand, opens the queue in the browser: a page on 127.0.0.1 with a random
    token in its URL, keyboard first (j/k move, a accept, r reject, e edit, l link, m merge,
    u undo). Decisions are written to the YAML records (comments and layout kept) and to
    DIR/review/rejected.yaml; `kgraph build` then makes them curated.

    \b
    Example:
      kgraph review add data/texts
      kgraph review list --format json
      kgraph review
    """
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = data_dir
    if ctx.invoked_subcommand is not None:
        return
    import webbrowser

    from kgraph.reviewweb import serve

    def rebuild():
        from kgraph.build import build
        from kgraph.store import read_manifest, store_exists

        # the texts of the last `build --extracted` stay in: an accepted fact then leaves the extracted graph
        previous = read_manifest(store_dir) if store_exists(store_dir) else None
        manifest = build(queue.data_dir, store_dir, extracted=previous.extracted if previous else (), stay_loaded=True)
        return f"built {manifest.quads} quads into {store_dir} ({manifest.mode})"

    def ready(url):
        click.echo(f"review page: {url}")
        click.echo("Ctrl-C stops the server.", err=True)
        if not no_browser:
            webbrowser.open(url)

    try:
        queue = _review_queue(data_dir)
        serve(queue, host=host, port=port, rebuild=rebuild, on_ready=ready)
    except OSError as e:
        raise click.ClickException(f"cannot listen on {host}:{port} ({e.strerror}); choose another --port")
    except KgraphError as e:
        _fail(e)


def _review_data(ctx, data_dir):
    return data_dir or ctx.obj.get("data_dir")


@review.command(name="add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--home", default=None, metavar="TOWN", help="The town that published the texts (as for `kgraph extract`).")
@data_option("The records to review into.")
@click.pass_context
def review_add(ctx, paths, home, data_dir):
    """Queue what is new in texts (or a folder, or `kgraph extract` output *.jsonl)."""
    from kgraph.review import add_paths

    try:
        stats = add_paths(_review_queue(_review_data(ctx, data_dir)), paths, home=home)
    except KgraphError as e:
        _fail(e)
    click.echo(f"queued {stats.queued}; left out: {stats.already_curated} already curated, "
               f"{stats.already_decided} decided before, {stats.already_queued} already queued")


@review.command(name="list")
@click.option("--kind", type=click.Choice(["entity", "visit", "role", "partnership"]), default=None)
@click.option("--status", type=click.Choice(["pending", "accepted", "rejected", "merged", "all"]), default="pending", show_default=True)
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None)
@click.option("--document", default=None, help="Only the proposals of this document.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@data_option("The records whose queue to list.")
@click.pass_context
def review_list(ctx, kind, status, min_confidence, document, fmt, data_dir):
    """The proposals in the queue (pending ones by default)."""
    try:
        queue = _review_queue(_review_data(ctx, data_dir))
        proposals = queue.proposals(status=None if status == "all" else status, kind=kind,
                                    min_confidence=min_confidence, document=document)
        reviewed, total = queue.progress()
    except KgraphError as e:
        _fail(e)
    _print_proposals(proposals, fmt)
    if fmt == "table":
        click.echo(f"{reviewed} of {total} reviewed", err=True)


@review.command(name="show")
@click.argument("ids", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@data_option("The records whose queue to read.")
@click.pass_context
def review_show(ctx, ids, fmt, data_dir):
    """Proposals by id, with their evidence."""
    try:
        queue = _review_queue(_review_data(ctx, data_dir))
        proposals = [queue.get(i) for i in ids]
    except KgraphError as e:
        _fail(e)
    _print_proposals(proposals, fmt)
    if fmt == "table":
        for p in proposals:
            e = p["evidence"]
            click.echo(f"  {p['id']} evidence ({e.get('rule')}, characters {e.get('start')}-{e.get('end')}): {e.get('sentence')}")


def _decide(ctx, ids, data_dir, action):
    try:
        queue = _review_queue(_review_data(ctx, data_dir))
        for proposal_id in ids:
            result = getattr(queue, action)(proposal_id)
            written = f": wrote {', '.join(result)}" if result else ""
            click.echo(f"{proposal_id} {action}ed{written}")
    except KgraphError as e:
        _fail(e)


@review.command(name="accept")
@click.argument("ids", nargs=-1, required=True)
@data_option("The records to write into.")
@click.pass_context
def review_accept(ctx, ids, data_dir):
    """Accept proposals: they are written into the curated records."""
    _decide(ctx, ids, data_dir, "accept")


@review.command(name="reject")
@click.argument("ids", nargs=-1, required=True)
@data_option("The records whose queue to decide.")
@click.pass_context
def review_reject(ctx, ids, data_dir):
    """Reject proposals: no text will propose these facts again."""
    _decide(ctx, ids, data_dir, "reject")


@review.command(name="edit")
@click.argument("proposal_id")
@click.option("--set", "changes", multiple=True, required=True, metavar="FIELD=VALUE",
              help="A corrected field (name, visitor, place, start, end, person, role, of, ...). Repeatable.")
@data_option("The records whose queue to edit.")
@click.pass_context
def review_edit(ctx, proposal_id, changes, data_dir):
    """Correct a pending proposal before accepting it."""
    try:
        fields = _params(changes)
    except click.BadParameter as e:
        raise click.BadParameter(e.message, param_hint="--set")
    try:
        proposal = _review_queue(_review_data(ctx, data_dir)).edit(proposal_id, fields)
    except KgraphError as e:
        _fail(e)
    _print_proposals([proposal], "table")


@review.command(name="link")
@click.argument("proposal_id")
@click.argument("field")
@click.argument("record_id", required=False)
@data_option("The records whose queue to edit.")
@click.pass_context
def review_link(ctx, proposal_id, field, record_id, data_dir):
    """Say which curated record FIELD of a proposal names (no RECORD_ID: a new record)."""
    try:
        proposal = _review_queue(_review_data(ctx, data_dir)).link(proposal_id, field, record_id)
    except KgraphError as e:
        _fail(e)
    _print_proposals([proposal], "table")


@review.command(name="undo")
@data_option("The records whose last decision to take back.")
@click.pass_context
def review_undo(ctx, data_dir):
    """Take the last accept or reject back."""
    try:
        proposal = _review_queue(_review_data(ctx, data_dir)).undo()
    except KgraphError as e:
        _fail(e)
    click.echo(f"{proposal['id']} is pending again")


def main():
    try:
        cli(prog_name="kgraph")
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
