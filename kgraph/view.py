"""Interactive HTML network views: one self-contained, escaped file.

pyvis builds the node records and ships vis-network; the page itself comes from
this module's template, not pyvis's, because pyvis's templates load scripts
from CDNs even in "in_line" mode, write a lib/ folder into the working
directory, and do not escape the heading. Here every script and style is
inline (a Content-Security-Policy forbids anything else), all data travels as
JSON inside <script type="application/json"> with <, > and & escaped, and text
reaches the page only through textContent or vis-network's plain-text titles.
"""
from __future__ import annotations

import html
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from kgraph.files import write_atomic

__all__ = ["STYLES", "EDGE_KINDS", "style_for", "layout", "render_html", "write_html", "ViewStats"]

# colour and shape per node kind; names in Polish and English for the legend
STYLES = {
    "Person": {"color": "#e07b39", "shape": "dot", "pl": "osoba", "en": "person"},
    "City": {"color": "#3b7dd8", "shape": "square", "pl": "miasto", "en": "city"},
    "Country": {"color": "#5a9e4b", "shape": "triangle", "pl": "państwo", "en": "country"},
    "Region": {"color": "#8fb8e8", "shape": "diamond", "pl": "region", "en": "region"},
    "Organisation": {"color": "#9b59b6", "shape": "star", "pl": "organizacja", "en": "organisation"},
    "Event": {"color": "#d9534f", "shape": "hexagon", "pl": "wydarzenie", "en": "event"},
    "Document": {"color": "#7f7f7f", "shape": "box", "pl": "dokument", "en": "document"},
}
# colour per edge kind; the label of edges whose fact has no name of its own
EDGE_KINDS = {
    "visit": {"color": "#d9534f", "pl": "wizyta", "en": "visit"},
    "post": {"color": "#999999", "pl": "funkcja", "en": "post"},
    "partnership": {"color": "#2c7fb8", "pl": "partnerstwo", "en": "partnership"},
    "located": {"color": "#cccccc", "pl": "leży w", "en": "located in"},
    "visitor": {"color": "#d9534f", "pl": "gość", "en": "visitor"},
    "host": {"color": "#f0ad4e", "pl": "gospodarz", "en": "host"},
    "participant": {"color": "#e8a0a0", "pl": "uczestnik", "en": "participant"},
    "venue": {"color": "#cccccc", "pl": "miejsce", "en": "venue"},
    "part-of": {"color": "#bbbbbb", "pl": "część", "en": "part of"},
    "mentions": {"color": "#dddddd", "pl": "wspomina", "en": "mentions"},
    "source": {"color": "#dddddd", "pl": "źródło", "en": "source"},
}
COMMUNITY_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                     "#bcbd22", "#17becf", "#393b79", "#637939")
DATED = ("visit", "post", "partnership")  # edge kinds whose dates are shown
LAYOUT_IN_PYTHON_ABOVE = 300  # nodes; above this, positions come from Python and physics is off
_WORDS = {
    "pl": {"search": "Szukaj", "sources": "Źródła", "extracted": "wydobyte automatycznie", "confidence": "pewność",
           "dates": "daty", "empty": "Brak węzłów do pokazania.", "community": "kolor: społeczność"},
    "en": {"search": "Search", "sources": "Sources", "extracted": "machine-extracted", "confidence": "confidence",
           "dates": "dates", "empty": "Nothing to show.", "community": "colour: community"},
}


@dataclass
class ViewStats:
    nodes: int
    edges: int
    bytes: int


def _dates(start: str | None, end: str | None, *, open_ended: bool = False) -> str:
    """'2025-09-26 – 2025-09-29'; a post or partnership without an end reads '1989 –'."""
    if start and end and start != end:
        return f"{start} – {end}"
    if start and not end:
        return f"{start} –" if open_ended else start
    return start or (f"– {end}" if end else "")


def style_for(node: str, data: dict, *, lang: str = "pl") -> dict:
    """vis-network attributes of one node (pure: does not touch `data`)."""
    kind = data.get("kind", "")
    style = STYLES.get(kind, {"color": "#777777", "shape": "dot", "pl": kind, "en": kind})
    label = data.get("label", node)
    rows = [[_WORDS[lang]["dates"], _dates(data.get("start"), data.get("end"))]] if data.get("start") else []
    if data.get("note"):
        rows.append(["", data["note"]])
    info = {"heading": label, "kind": style[lang], "iri": node, "rows": rows, "url": data.get("url"),
            "sources": [{"name": s["name"], "url": s.get("url")} for s in data.get("sources", ())]}
    # no vis "group": groups bring vis-network's own palette, which overrides `color`
    return {"label": label, "color": style["color"], "shape": style["shape"], "kind": kind, "info": info}


def _edge_record(source: str, target: str, data: dict, *, lang: str, show_label: bool) -> dict:
    kind = data.get("kind", "")
    style = EDGE_KINDS.get(kind, {"color": "#888888", lang: kind})
    dates = _dates(data.get("start"), data.get("end"), open_ended=kind != "visit") if kind in DATED else ""
    name = data.get("label") or style[lang]
    label = f"{name} {dates}".strip()
    rows = [["", style[lang]]] + ([[_WORDS[lang]["dates"], dates]] if dates else [])
    if data.get("evidence"):
        rows.append([_WORDS[lang]["extracted"], f"„{data['evidence']}”"])
        if data.get("confidence"):
            rows.append([_WORDS[lang]["confidence"], str(data["confidence"])])
    record = {"from": source, "to": target, "kind": kind, "color": style["color"],
              "arrows": "" if kind == "partnership" else "to", "dashes": bool(data.get("evidence")),
              "info": {"heading": label, "kind": "", "iri": data.get("fact") or "", "rows": rows, "url": None,
                       "sources": [{"name": s["name"], "url": s.get("url")} for s in data.get("sources", ())]}}
    if show_label:
        record["label"] = label
    return record


# ---------------------------------------------------------------------------
# layout


def layout(G: nx.Graph, *, pivots: int = 50, spacing: float = 40.0) -> dict:
    """Positions for a large graph in a few seconds: PivotMDS per connected component.

    PivotMDS (Brandes & Pich 2006) places nodes by their breadth-first distances
    to a few pivot nodes: linear in the graph's size, where force-directed layouts
    are quadratic (networkx's spring_layout takes ~30 s for 5,000 nodes here).
    Nodes that land on the same point (the leaves of one hub) are spread on a
    circle around it; components are packed in rows, largest first. Deterministic.
    """
    import numpy as np
    from scipy.sparse.csgraph import connected_components

    nodes = sorted(G.nodes, key=str)
    if not nodes:
        return {}
    adjacency = nx.to_scipy_sparse_array(nx.Graph(G), nodelist=nodes, weight=None, format="csr")
    count, labels = connected_components(adjacency, directed=False)
    members = defaultdict(list)
    for index, label in enumerate(labels):
        members[label].append(index)
    placed = []  # (indices, coordinates) per component
    for label in sorted(members, key=lambda c: (-len(members[c]), members[c][0])):
        idx = np.array(members[label])
        sub = adjacency[idx][:, idx]
        coords = _pivot_mds(sub, pivots)
        spread = float(coords.std()) or 1.0
        # about spacing² of area per node, whatever the graph's diameter (small worlds collapse otherwise)
        placed.append((idx, coords / spread * spacing * math.sqrt(len(idx)) / 2))
    positions = np.zeros((len(nodes), 2))
    x = y = row_height = 0.0
    width = spacing * 4 * math.sqrt(len(nodes))  # rows about as wide as the largest component
    for idx, coords in placed:
        coords = coords - coords.min(axis=0)
        w, h = coords.max(axis=0) + spacing
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        positions[idx] = coords + (x, y)
        x, row_height = x + w, max(row_height, h)
    positions -= positions.mean(axis=0)
    _spread_coincident(positions, spacing / 2)
    return {node: (round(float(positions[i, 0]), 1), round(float(positions[i, 1]), 1)) for i, node in enumerate(nodes)}


def _pivot_mds(adjacency, pivots: int):
    import numpy as np
    from scipy.sparse.csgraph import shortest_path

    n = adjacency.shape[0]
    if n <= 2:
        return np.array([[0.0, 0.0], [1.0, 0.0]][:n])
    degrees = np.asarray(adjacency.sum(axis=1)).ravel()
    chosen, nearest = [int(np.argmax(degrees))], np.full(n, np.inf)
    distances = []
    for _ in range(min(pivots, n)):
        d = shortest_path(adjacency, directed=False, unweighted=True, indices=chosen[-1])
        distances.append(d)
        nearest = np.minimum(nearest, d)
        candidate = int(np.argmax(nearest))  # max-min: the node farthest from every pivot so far
        if nearest[candidate] == 0:
            break
        chosen.append(candidate)
    squared = np.array(distances).T ** 2  # n x k
    centred = squared - squared.mean(axis=0) - squared.mean(axis=1, keepdims=True) + squared.mean()
    u, s, _ = np.linalg.svd(-0.5 * centred, full_matrices=False)
    coords = u[:, :2] * s[:2] if u.shape[1] >= 2 else np.column_stack([u[:, 0] * s[0], np.zeros(n)])
    return np.sign(coords.sum(axis=0) + 1e-12) * coords  # fix the SVD's arbitrary sign


def _spread_coincident(positions, radius: float) -> None:
    groups = defaultdict(list)
    for i, (x, y) in enumerate(positions):
        groups[(round(x / radius), round(y / radius))].append(i)
    for indices in groups.values():
        if len(indices) < 2:
            continue
        ring = radius * math.sqrt(len(indices)) / 2
        cx, cy = positions[indices].mean(axis=0)
        for k, i in enumerate(indices):
            angle = 2 * math.pi * k / len(indices)
            positions[i] = (cx + ring * math.cos(angle), cy + ring * math.sin(angle))


# ---------------------------------------------------------------------------
# the page


def _json_for_script(value) -> str:
    """JSON that cannot end a <script> element or start a comment inside it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _assets() -> tuple[str, str]:
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


def render_html(G: nx.MultiDiGraph, *, title: str = "kgraph", lang: str = "pl", sizes: dict | None = None,
                groups: dict | None = None) -> str:
    """The page for `G` as a string; the same graph always gives the same bytes.

    `sizes` (node -> number) scales the nodes, e.g. by centrality; `groups`
    (node -> int) colours them, e.g. by community, in place of the colour per kind.
    """
    if lang not in _WORDS:
        raise ValueError(f"lang {lang!r}: use one of {', '.join(_WORDS)}")
    net = Network(directed=True)
    for node in sorted(G.nodes):
        record = style_for(node, G.nodes[node], lang=lang)
        if sizes is not None:
            record["value"] = float(sizes.get(node, 0))
        if groups is not None and node in groups:
            record["color"] = COMMUNITY_COLOURS[groups[node] % len(COMMUNITY_COLOURS)]
        net.add_node(node, **record)
    large = G.number_of_nodes() > LAYOUT_IN_PYTHON_ABOVE
    if large:
        positions = layout(G)
        for record in net.nodes:
            record["x"], record["y"] = positions[record["id"]]
    # pyvis's add_edge drops a second edge between the same two nodes (pyvis #51);
    # every repeated visit must stay, so edges are appended as records, and repeats
    # between one pair are drawn as arcs of growing curvature so each one shows.
    edges, seen = [], defaultdict(int)
    for source, target, key, data in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        record = _edge_record(source, target, data, lang=lang, show_label=not large)
        pair = tuple(sorted((source, target)))
        if seen[pair]:
            record["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": round(0.2 * seen[pair], 2)}
        seen[pair] += 1
        edges.append(record)
    options = {
        "physics": {"enabled": not large, "stabilization": {"iterations": 150}},
        "layout": {"improvedLayout": not large},
        "edges": {"smooth": False if large else {"type": "dynamic"}, "font": {"size": 9}},
        "nodes": {"font": {"size": 12}, "scaling": {"min": 8, "max": 40}},
        "interaction": {"hover": not large, "tooltipDelay": 150, "hideEdgesOnDrag": large},
    }
    kinds = {data.get("kind") for _, data in G.nodes(data=True)}
    legend = [{"kind": kind, "label": style[lang], "color": style["color"], "shape": style["shape"]}
              for kind, style in STYLES.items() if kind in kinds]
    payload = {"nodes": net.nodes, "edges": edges, "options": options, "legend": legend, "title": title,
               "words": _WORDS[lang], "coloured_by_group": groups is not None}
    script, css = _assets()
    return _TEMPLATE.format(title=html.escape(title), lang=html.escape(lang), css=css, script=script,
                            data=_json_for_script(payload), search=html.escape(_WORDS[lang]["search"]))


def write_html(G: nx.MultiDiGraph, out: Path | str, *, title: str = "kgraph", lang: str = "pl",
               sizes: dict | None = None, groups: dict | None = None) -> ViewStats:
    """Write the page to `out` (atomically: all of it or nothing) and say how big it is."""
    page = render_html(G, title=title, lang=lang, sizes=sizes, groups=groups).encode("utf-8")
    write_atomic(out, page)
    return ViewStats(nodes=G.number_of_nodes(), edges=G.number_of_edges(), bytes=len(page))


_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{css}</style>
<style>
body {{ margin: 0; font-family: sans-serif; }}
header {{ display: flex; gap: 1em; align-items: center; padding: 6px 10px; border-bottom: 1px solid #ddd; flex-wrap: wrap; }}
h1 {{ font-size: 16px; margin: 0; }}
#legend span {{ margin-right: 10px; font-size: 13px; }}
#legend i {{ display: inline-block; width: 10px; height: 10px; margin-right: 4px; }}
#network {{ width: 100%; height: calc(100vh - 48px); }}
#empty {{ padding: 2em; color: #555; }}
.kg-tip {{ max-width: 360px; white-space: normal; font-size: 13px; }}
.kg-tip b {{ display: block; }}
.kg-tip small {{ color: #666; }}
.kg-tip ul {{ margin: 4px 0 0 0; padding-left: 16px; }}
</style>
</head>
<body>
<header>
<h1 id="title"></h1>
<input id="search" type="search" placeholder="{search}…" aria-label="{search}">
<span id="search-result"></span>
<div id="legend"></div>
</header>
<div id="network"></div>
<script type="application/json" id="kgraph-data">{data}</script>
<script>{script}</script>
<script>
(function () {{
  var data = JSON.parse(document.getElementById("kgraph-data").textContent);
  document.getElementById("title").textContent = data.title;
  var legend = document.getElementById("legend");
  data.legend.forEach(function (entry) {{
    var item = document.createElement("span"), swatch = document.createElement("i");
    swatch.style.background = data.coloured_by_group ? "#ffffff" : entry.color;
    swatch.style.border = "1px solid " + entry.color;
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(entry.label));
    item.dataset.kind = entry.kind;
    legend.appendChild(item);
  }});
  if (data.coloured_by_group) {{
    var note = document.createElement("span");
    note.textContent = data.words.community;
    legend.appendChild(note);
  }}
  // Tooltips are built as elements: text through textContent, links only to http(s) addresses.
  function safeUrl(url) {{ return typeof url === "string" && /^https?:\\/\\//i.test(url) ? url : null; }}
  function tooltip(info) {{
    var box = document.createElement("div"), heading = document.createElement("b");
    box.className = "kg-tip";
    heading.textContent = info.heading;
    box.appendChild(heading);
    if (info.kind) {{ var kind = document.createElement("small"); kind.textContent = info.kind; box.appendChild(kind); }}
    info.rows.forEach(function (row) {{
      var line = document.createElement("div");
      line.textContent = row[0] ? row[0] + ": " + row[1] : row[1];
      box.appendChild(line);
    }});
    var links = info.sources.slice();
    if (safeUrl(info.url)) links.unshift({{name: info.url, url: info.url}});
    if (links.length) {{
      var caption = document.createElement("div"), list = document.createElement("ul");
      caption.textContent = data.words.sources + ":";
      links.forEach(function (source) {{
        var item = document.createElement("li"), href = safeUrl(source.url);
        var target = href ? document.createElement("a") : document.createElement("span");
        if (href) {{ target.href = href; target.rel = "noopener noreferrer"; target.target = "_blank"; }}
        target.textContent = source.name;
        item.appendChild(target);
        list.appendChild(item);
      }});
      box.appendChild(caption);
      box.appendChild(list);
    }}
    if (info.iri) {{ var iri = document.createElement("small"); iri.textContent = info.iri; box.appendChild(iri); }}
    return box;
  }}
  data.nodes.forEach(function (n) {{ n.title = tooltip(n.info); delete n.info; }});
  data.edges.forEach(function (e) {{ e.title = tooltip(e.info); delete e.info; }});
  var container = document.getElementById("network");
  if (!data.nodes.length) {{
    container.id = "empty";
    container.textContent = data.words.empty;
  }}
  var nodes = new vis.DataSet(data.nodes), edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, {{nodes: nodes, edges: edges}}, data.options);
  window.kgraph = {{network: network, nodes: nodes, edges: edges}};
  function fold(text) {{ return text.normalize("NFD").replace(/[\\u0300-\\u036f]/g, "").replace(/ł/g, "l").replace(/Ł/g, "L").toLowerCase(); }}
  // Enter selects and zooms to the best match (exact names first); Enter again moves to the next one.
  var search = {{text: null, hits: [], at: 0}};
  document.getElementById("search").addEventListener("keydown", function (event) {{
    if (event.key !== "Enter") return;
    var wanted = fold(event.target.value.trim()), result = document.getElementById("search-result");
    if (wanted !== search.text) {{
      var hits = wanted ? nodes.get({{filter: function (n) {{ return fold(String(n.label)).indexOf(wanted) !== -1; }}}}) : [];
      hits.sort(function (a, b) {{ return (fold(String(b.label)) === wanted) - (fold(String(a.label)) === wanted); }});
      search = {{text: wanted, hits: hits, at: 0}};
    }} else if (search.hits.length) {{
      search.at = (search.at + 1) % search.hits.length;
    }}
    var hit = search.hits[search.at];
    if (!hit) {{ result.textContent = "0"; network.unselectAll(); return; }}
    result.textContent = hit.label + (search.hits.length > 1 ? " (" + (search.at + 1) + "/" + search.hits.length + ")" : "");
    network.selectNodes([hit.id]);
    network.focus(hit.id, {{scale: 1.5, animation: false}});
  }});
}})();
</script>
</body>
</html>
"""
