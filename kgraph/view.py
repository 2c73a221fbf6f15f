"""Interactive HTML network views: one self-contained, escaped file.

pyvis builds the node records and ships vis-network; the page itself comes from
this module's template, not pyvis's, because pyvis's templates load scripts
from CDNs even in "in_line" mode, write a lib/ folder into the working
directory, and do not escape the heading. Here every script and style is
inline, all data travels as JSON inside <script type="application/json"> with
<, > and & escaped, and labels reach the page only through textContent or
vis-network's plain-text tooltips.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from kgraph.files import write_atomic

__all__ = ["STYLES", "style_for", "render_html", "write_html", "ViewStats"]

# colour and shape per node kind; labels in Polish and English for the legend
STYLES = {
    "Person": {"color": "#e07b39", "shape": "dot", "pl": "osoba", "en": "person"},
    "City": {"color": "#3b7dd8", "shape": "square", "pl": "miasto", "en": "city"},
    "Country": {"color": "#5a9e4b", "shape": "triangle", "pl": "państwo", "en": "country"},
    "Region": {"color": "#8fb8e8", "shape": "diamond", "pl": "region", "en": "region"},
    "Organisation": {"color": "#9b59b6", "shape": "star", "pl": "organizacja", "en": "organisation"},
}
EDGE_COLOURS = {"visit": "#d9534f", "post": "#999999", "partnership": "#2c7fb8", "located": "#cccccc"}
LAYOUT_IN_PYTHON_ABOVE = 300  # nodes; above this, positions come from networkx and physics is off


@dataclass
class ViewStats:
    nodes: int
    edges: int
    bytes: int


def style_for(node: str, data: dict, *, lang: str = "pl") -> dict:
    """vis-network attributes of one node (pure: does not touch `data`)."""
    style = STYLES.get(data.get("kind"), {"color": "#777777", "shape": "dot", lang: data.get("kind", "")})
    tooltip = f"{data.get('label', node)}\n{style.get(lang, '')}\n{node}"
    # no vis "group": groups bring vis-network's own palette, which overrides `color`
    return {"label": data.get("label", node), "title": tooltip, "color": style["color"], "shape": style["shape"],
            "kind": data.get("kind", "")}


def _json_for_script(value) -> str:
    """JSON that cannot end a <script> element or start a comment inside it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _assets() -> tuple[str, str]:
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


def render_html(G: nx.MultiDiGraph, *, title: str = "kgraph", lang: str = "pl", seed: int = 7) -> str:
    """The page for `G` as a string; the same graph always gives the same bytes."""
    net = Network(directed=True)
    for node in sorted(G.nodes):
        net.add_node(node, **style_for(node, G.nodes[node], lang=lang))
    large = G.number_of_nodes() > LAYOUT_IN_PYTHON_ABOVE
    if large:
        positions = nx.spring_layout(nx.Graph(G), seed=seed, iterations=30)
        scale = 40 * G.number_of_nodes() ** 0.5
        for record in net.nodes:
            x, y = positions[record["id"]]
            record.update(x=round(float(x) * scale, 1), y=round(float(y) * scale, 1), physics=False)
    # pyvis's add_edge drops a second edge between the same two nodes (pyvis #51);
    # every repeated visit must stay, so edges are appended as records.
    edges = []
    for source, target, key, data in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        label = " ".join(str(part) for part in (data.get("label"), data.get("date")) if part)
        edges.append({"from": source, "to": target, "label": label, "title": label, "kind": data.get("kind", ""),
                      "color": EDGE_COLOURS.get(data.get("kind"), "#888888"),
                      "arrows": "" if data.get("kind") == "partnership" else "to"})
    options = {
        "physics": {"enabled": not large, "stabilization": {"iterations": 150}},
        "edges": {"smooth": False if large else {"type": "dynamic"}, "font": {"size": 9}},
        "nodes": {"font": {"size": 12}},
        "interaction": {"hover": True, "tooltipDelay": 150},
    }
    legend = [{"kind": kind, "label": style[lang] if lang in style else style["en"], "color": style["color"], "shape": style["shape"]}
              for kind, style in STYLES.items()]
    payload = {"nodes": net.nodes, "edges": edges, "options": options, "legend": legend, "title": title}
    script, css = _assets()
    return _TEMPLATE.format(title=html.escape(title), lang=html.escape(lang), css=css, script=script,
                            data=_json_for_script(payload), search=("Szukaj" if lang == "pl" else "Search"))


def write_html(G: nx.MultiDiGraph, out: Path | str, *, title: str = "kgraph", lang: str = "pl") -> ViewStats:
    """Write the page to `out` (atomically) and say how big it is."""
    page = render_html(G, title=title, lang=lang).encode("utf-8")
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
    swatch.style.background = entry.color;
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(entry.label));
    item.dataset.kind = entry.kind;
    legend.appendChild(item);
  }});
  var nodes = new vis.DataSet(data.nodes), edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("network"), {{nodes: nodes, edges: edges}}, data.options);
  window.kgraph = {{network: network, nodes: nodes, edges: edges}};
  function fold(text) {{ return text.normalize("NFD").replace(/[\\u0300-\\u036f]/g, "").replace(/ł/g, "l").replace(/Ł/g, "L").toLowerCase(); }}
  document.getElementById("search").addEventListener("keydown", function (event) {{
    if (event.key !== "Enter") return;
    var wanted = fold(event.target.value.trim()), result = document.getElementById("search-result");
    var hit = wanted && nodes.get({{filter: function (n) {{ return fold(String(n.label)).indexOf(wanted) !== -1; }}}})[0];
    if (!hit) {{ result.textContent = "0"; return; }}
    result.textContent = hit.label;
    network.selectNodes([hit.id]);
    network.focus(hit.id, {{scale: 1.5, animation: false}});
  }});
}})();
</script>
</body>
</html>
"""
