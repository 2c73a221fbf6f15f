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
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from kgraph.files import write_atomic

__all__ = ["STYLES", "EDGE_KINDS", "style_for", "layout", "network_payload", "render_html", "write_html", "ViewStats",
           "NETWORK_CSS", "NETWORK_JS", "inline_asset"]

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
    return (inline_asset((lib / "vis-network.min.js").read_text(encoding="utf-8")),
            inline_asset((lib / "vis-network.css").read_text(encoding="utf-8")))


def inline_asset(text: str) -> str:
    """A library's file, fit to inline: no source-map comment (a request when devtools open), nothing
    that could close the <script> or <style> element it goes in."""
    text = re.sub(r"(//|/\*)# sourceMappingURL=[^\n]*", "", text)
    return re.sub(r"</(script|style)", r"<\\/\1", text, flags=re.I)


def network_payload(G: nx.MultiDiGraph, *, title: str = "kgraph", lang: str = "pl", sizes: dict | None = None,
                    groups: dict | None = None, focus: str | None = None) -> dict:
    """What the network panel draws, as JSON-ready data: vis-network nodes and edges (with their
    dates, for the explore page's window), options, the legend of node and edge kinds, the words."""
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
    for number, (source, target, key, data) in enumerate(
            sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))):
        record = _edge_record(source, target, data, lang=lang, show_label=not large)
        record["id"] = f"e{number}"
        record["start"], record["end"] = data.get("start"), data.get("end")
        pair = tuple(sorted((source, target)))
        if seen[pair]:
            record["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": round(0.2 * seen[pair], 2)}
        seen[pair] += 1
        edges.append(record)
    options = {
        # a fixed seed: the same graph opens the same way; physics stops once the layout has settled
        "layout": {"improvedLayout": not large, "randomSeed": 7},
        "physics": {"enabled": not large, "stabilization": {"iterations": 300, "fit": True},
                    "barnesHut": {"gravitationalConstant": -6000, "springLength": 140, "avoidOverlap": 0.4}},
        "edges": {"smooth": False if large else {"type": "dynamic"}, "font": {"size": 9}},
        # labels of crowded nodes appear as one zooms in, instead of piling up around a hub
        "nodes": {"font": {"size": 12}, "scaling": {"min": 8, "max": 40, "label": {"enabled": True, "min": 10, "max": 40,
                                                                                      "drawThreshold": 5}}},
        "interaction": {"hover": not large, "tooltipDelay": 150, "hideEdgesOnDrag": large},
    }
    if sizes is None:  # size (and label size) by links, on a log scale: hubs and their neighbours readable first
        for record in net.nodes:
            record["value"] = round(1.0 + math.log2(1 + G.degree(record["id"])), 3)
    kinds = {data.get("kind") for _, data in G.nodes(data=True)}
    legend = [{"kind": kind, "label": style[lang], "color": style["color"], "shape": style["shape"]}
              for kind, style in STYLES.items() if kind in kinds]
    edge_kinds = {data.get("kind") for _, _, data in G.edges(data=True)}
    edge_legend = [{"kind": kind, "label": style[lang], "color": style["color"]}
                   for kind, style in EDGE_KINDS.items() if kind in edge_kinds]
    return {"nodes": net.nodes, "edges": edges, "options": options, "legend": legend, "edge_legend": edge_legend,
            "title": title, "words": _WORDS[lang], "coloured_by_group": groups is not None,
            "focus": focus if focus in G else None}


def render_html(G: nx.MultiDiGraph, *, title: str = "kgraph", lang: str = "pl", sizes: dict | None = None,
                groups: dict | None = None, focus: str | None = None) -> str:
    """The page for `G` as a string; the same graph always gives the same bytes.

    `sizes` (node -> number) scales the nodes, e.g. by centrality; `groups`
    (node -> int) colours them, e.g. by community, in place of the colour per kind;
    `focus` (a node) is centred and selected when the page opens.
    """
    payload = network_payload(G, title=title, lang=lang, sizes=sizes, groups=groups, focus=focus)
    script, css = _assets()
    return _TEMPLATE.format(title=html.escape(title), lang=html.escape(lang), css=css, script=script,
                            data=_json_for_script(payload), search=html.escape(_WORDS[lang]["search"]),
                            common_css=NETWORK_CSS, common_js=NETWORK_JS)


def write_html(G: nx.MultiDiGraph, out: Path | str, *, title: str = "kgraph", lang: str = "pl",
               sizes: dict | None = None, groups: dict | None = None, focus: str | None = None) -> ViewStats:
    """Write the page to `out` (atomically: all of it or nothing) and say how big it is."""
    page = render_html(G, title=title, lang=lang, sizes=sizes, groups=groups, focus=focus).encode("utf-8")
    write_atomic(out, page)
    return ViewStats(nodes=G.number_of_nodes(), edges=G.number_of_edges(), bytes=len(page))


# Shared by the network view and the explore page: the page frame (body, header), the legend (node kinds by colour and shape, edge
# kinds by colour), tooltips built as elements, the network, its search. Plain strings, not format
# templates: the pages insert them whole.
NETWORK_CSS = """
body { margin: 0; font-family: sans-serif; }
header { display: flex; gap: 0.8em; align-items: center; padding: 6px 10px; border-bottom: 1px solid #ddd; flex-wrap: wrap; }
h1 { font-size: 16px; margin: 0; }
#legend span { margin-right: 10px; font-size: 13px; white-space: nowrap; }
#legend i { display: inline-block; width: 11px; height: 11px; margin-right: 4px; vertical-align: -1px; }
#legend i.shape-dot { border-radius: 50%; }
#legend i.shape-box { width: 15px; height: 9px; }
#legend i.shape-diamond { transform: rotate(45deg) scale(0.8); }
#legend i.shape-triangle { clip-path: polygon(50% 0, 100% 100%, 0 100%); }
#legend i.shape-star { clip-path: polygon(50% 0, 61% 35%, 98% 35%, 68% 57%, 79% 91%, 50% 70%, 21% 91%, 32% 57%, 2% 35%, 39% 35%); }
#legend i.shape-hexagon { clip-path: polygon(25% 0, 75% 0, 100% 50%, 75% 100%, 25% 100%, 0 50%); }
#legend i.edge { width: 16px; height: 3px; vertical-align: 3px; }
#legend .legend-caption { color: #666; }
.kg-tip { max-width: 360px; white-space: normal; font-size: 13px; }
.kg-tip b { display: block; }
.kg-tip small { color: #666; }
.kg-tip ul { margin: 4px 0 0 0; padding-left: 16px; }
"""

NETWORK_JS = r"""
var kgraphCommon = (function () {
  function safeUrl(url) { return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null; }
  // Tooltips are built as elements: text through textContent, links only to http(s) addresses.
  function tooltip(info, words) {
    var box = document.createElement("div"), heading = document.createElement("b");
    box.className = "kg-tip";
    heading.textContent = info.heading;
    box.appendChild(heading);
    if (info.kind) { var kind = document.createElement("small"); kind.textContent = info.kind; box.appendChild(kind); }
    info.rows.forEach(function (row) {
      var line = document.createElement("div");
      line.textContent = row[0] ? row[0] + ": " + row[1] : row[1];
      box.appendChild(line);
    });
    var links = info.sources.slice();
    if (safeUrl(info.url)) links.unshift({name: info.url, url: info.url});
    if (links.length) {
      var caption = document.createElement("div"), list = document.createElement("ul");
      caption.textContent = words.sources + ":";
      links.forEach(function (source) {
        var item = document.createElement("li"), href = safeUrl(source.url);
        var target = href ? document.createElement("a") : document.createElement("span");
        if (href) { target.href = href; target.rel = "noopener noreferrer"; target.target = "_blank"; }
        target.textContent = source.name;
        item.appendChild(target);
        list.appendChild(item);
      });
      box.appendChild(caption);
      box.appendChild(list);
    }
    if (info.iri) { var iri = document.createElement("small"); iri.textContent = info.iri; box.appendChild(iri); }
    return box;
  }
  function legend(element, data) {
    function entry(swatchClass, colour, text, kind) {
      var item = document.createElement("span"), swatch = document.createElement("i");
      swatch.className = swatchClass;
      swatch.style.background = colour;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(text));
      if (kind) item.dataset.kind = kind;
      element.appendChild(item);
    }
    data.legend.forEach(function (e) { entry("shape-" + e.shape, data.coloured_by_group ? "#8a8a8a" : e.color, e.label, e.kind); });
    if (data.coloured_by_group) {
      var note = document.createElement("span");
      note.className = "legend-caption";
      note.textContent = data.words.community;
      element.appendChild(note);
    }
    (data.edge_legend || []).forEach(function (e) { entry("edge", e.color, e.label, "edge-" + e.kind); });
  }
  function fold(text) { return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ł/g, "l").replace(/Ł/g, "L").toLowerCase(); }
  // The network of `data` in `container`; edges pass through a DataView whose filter the caller may set.
  function network(container, data) {
    data.nodes.forEach(function (n) { n.title = tooltip(n.info, data.words); delete n.info; });
    data.edges.forEach(function (e) { e.title = tooltip(e.info, data.words); delete e.info; });
    if (!data.nodes.length) { container.classList.add("empty"); container.textContent = data.words.empty; }
    var nodes = new vis.DataSet(data.nodes), edges = new vis.DataSet(data.edges);
    var state = {edgeFilter: null};
    var edgeView = new vis.DataView(edges, {filter: function (e) { return !state.edgeFilter || state.edgeFilter(e); }});
    var net = new vis.Network(container, {nodes: nodes, edges: edgeView}, data.options);
    function settle() {
      net.setOptions({physics: false});  // settled: it stays put
      if (data.focus) { net.selectNodes([data.focus]); net.focus(data.focus, {scale: 1.2, animation: false}); }
      container.dataset.settled = "true";
    }
    if (data.options.physics.enabled && data.nodes.length) net.once("stabilizationIterationsDone", settle); else settle();
    return {network: net, nodes: nodes, edges: edges, edgeView: edgeView,
            setEdgeFilter: function (f) { state.edgeFilter = f; edgeView.refresh(); }};
  }
  // Enter selects the best match (exact names first); Enter again moves to the next one.
  function search(input, result, candidates, select) {
    var state = {text: null, hits: [], at: 0};
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      var wanted = fold(event.target.value.trim());
      if (wanted !== state.text) {
        var hits = wanted ? candidates().filter(function (n) { return fold(n.label).indexOf(wanted) !== -1; }) : [];
        hits.sort(function (a, b) { return (fold(b.label) === wanted) - (fold(a.label) === wanted); });
        state = {text: wanted, hits: hits, at: 0};
      } else if (state.hits.length) {
        state.at = (state.at + 1) % state.hits.length;
      }
      var hit = state.hits[state.at];
      result.textContent = hit ? hit.label + (state.hits.length > 1 ? " (" + (state.at + 1) + "/" + state.hits.length + ")" : "") : "0";
      select(hit ? hit.id : null);
    });
  }
  return {tooltip: tooltip, legend: legend, network: network, search: search, fold: fold, safeUrl: safeUrl};
})();
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{css}</style>
<style>{common_css}</style>
<style>
#network {{ width: 100%; height: calc(100vh - 48px); }}
#network.empty {{ padding: 2em; color: #555; height: auto; }}
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
<script>{common_js}</script>
<script>
(function () {{
  var data = JSON.parse(document.getElementById("kgraph-data").textContent);
  document.getElementById("title").textContent = data.title;
  kgraphCommon.legend(document.getElementById("legend"), data);
  var view = kgraphCommon.network(document.getElementById("network"), data);
  window.kgraph = view;
  kgraphCommon.search(document.getElementById("search"), document.getElementById("search-result"),
    function () {{ return view.nodes.get(); }},
    function (id) {{
      if (!id) {{ view.network.unselectAll(); return; }}
      view.network.selectNodes([id]);
      view.network.focus(id, {{scale: 1.5, animation: false}});
    }});
}})();
</script>
</body>
</html>
"""
