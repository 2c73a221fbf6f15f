"""Who visited where, and when: a map, a timeline and the network, linked, in one self-contained page.

The view stage's second page (kgraph.view draws the network alone). From the same selected network
(`kgraph.analyse.network_for`) it derives:

- the map: places at their coordinates over Natural Earth country outlines (world-atlas 110m,
  vendored), coloured by country; each visit an arc from the visitor's town (a town itself, a body's
  seat, or the town where a person held a post at the time) to the place visited, one arc per pair
  with its width by the number of visits; partnerships as dashed lines. Places and visits that
  cannot be drawn are listed in a "not on the map" box, never dropped silently;
- the timeline (vis-timeline): visits, events, posts and partnerships, grouped by place or by person;
- the network: kgraph.view's panel.

One date window filters all three; selecting an entity in one panel selects it in the others.
Leaflet, vis-timeline, topojson-client and the outlines are inlined from kgraph/vendor/ (their
licences there): the page requests nothing, and a Content-Security-Policy forbids it to.
"""
from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx

from kgraph.files import write_atomic
from kgraph.analyse import _overlaps
from kgraph.records import parse_date
from kgraph.view import NETWORK_CSS, NETWORK_JS, _WORDS, _assets, _json_for_script, inline_asset, network_payload

__all__ = ["ExploreStats", "explore_payload", "render_explore", "write_explore", "draw_map", "PLACE_KINDS"]

PLACE_KINDS = ("City", "Region")  # drawn as markers; countries are the outlines
GROUP_BY = ("place", "person")
# One colour per country (in the order of the countries' IRIs), for markers and outlines.
COUNTRY_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
                   "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#31a354")
_VENDOR = Path(__file__).with_name("vendor")
_EXPLORE_WORDS = {
    "pl": {"map": "Mapa", "timeline": "Oś czasu", "network": "Sieć", "window": "Okno dat", "off_map": "Poza mapą",
           "places": "miejsca bez współrzędnych", "visits": "wizyty, których nie da się narysować", "visit": "wizyta",
           "visits_word": "wizyt", "event": "wydarzenie", "post": "funkcja", "partnership": "partnerstwo",
           "undated": "bez daty (poza osią czasu)", "other": "inne", "all": "wszystko"},
    "en": {"map": "Map", "timeline": "Timeline", "network": "Network", "window": "Date window", "off_map": "Not on the map",
           "places": "places without coordinates", "visits": "visits that cannot be drawn", "visit": "visit",
           "visits_word": "visits", "event": "event", "post": "post", "partnership": "partnership",
           "undated": "undated (not on the timeline)", "other": "other", "all": "everything"},
}


@dataclass
class ExploreStats:
    markers: int
    arcs: int
    visits: int
    timeline_items: int
    not_on_map: int
    bytes: int


def _label(G, node) -> str:
    return G.nodes[node].get("label", node) if node in G else node


def _days(start, end):
    """(first day, last day) as ISO strings, or (None, None) for an undated fact."""
    if not start and not end:
        return None, None
    first = parse_date(start or end).first_day()
    last = parse_date(end or start).last_day()
    return first.isoformat(), max(first, last).isoformat()


def _origin(G, visitor, day: str | None):
    """Where a visitor set out from: a town itself, an organisation's seat, or the town (or body's seat)
    where a person held a post on the visit's day (any post when the visit is undated)."""
    kind = G.nodes[visitor].get("kind")
    if kind in PLACE_KINDS:
        return visitor
    if kind == "Organisation":
        return next((t for _, t, d in G.out_edges(visitor, data=True) if d["kind"] == "located"
                     and G.nodes[t].get("kind") in PLACE_KINDS), None)
    if kind != "Person":
        return None
    held = []
    for _, body, data in G.out_edges(visitor, data=True):
        if data["kind"] != "post":
            continue
        first, last = _days(data.get("start"), data.get("end"))
        if day is None or first is None or (first <= day and (data.get("end") is None or day <= last)):
            town = body if G.nodes[body].get("kind") in PLACE_KINDS else _origin(G, body, day)
            if town is not None:
                held.append((first or "", town))
    return max(held)[1] if held else None  # the latest post that fits


def explore_payload(G: nx.MultiDiGraph, *, full: nx.MultiDiGraph | None = None, title: str = "kgraph", lang: str = "pl",
                    group_by: str = "place", focus: str | None = None, panels=("map", "timeline", "network"),
                    window=None) -> dict:
    """The page's data. `G` is the selection shown; `full` (default G) is where a person's posts, a
    body's seat and the events the selection took part in are looked up; `window` (from, to dates) is
    the selection's date window, applied to those events too."""
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by {group_by!r}: use one of {', '.join(GROUP_BY)}")
    full = full if full is not None else G
    words = {**_WORDS[lang], **_EXPLORE_WORDS[lang]}
    countries = sorted({d["country"] for _, d in full.nodes(data=True) if d.get("country")})
    colour = {c: COUNTRY_COLOURS[k % len(COUNTRY_COLOURS)] for k, c in enumerate(countries)}

    def sources(data):
        return [{"name": s["name"], "url": s.get("url")} for s in data.get("sources", ())]

    def place_record(node):
        data = full.nodes[node]
        return {"id": node, "label": data.get("label", node), "lat": data["lat"], "long": data["long"],
                "country": _label(full, data.get("country")) if data.get("country") else "",
                "colour": colour.get(data.get("country"), "#555555"), "sources": sources(data)}

    places, off_map = {}, []
    for node, data in sorted(G.nodes(data=True)):
        if data.get("kind") in PLACE_KINDS:
            if data.get("lat") is not None:
                places[node] = place_record(node)
            else:
                off_map.append({"id": node, "label": data.get("label", node)})
    visits, off_map_visits, partnerships, items = [], [], [], []
    for number, (source, target, key, data) in enumerate(sorted(G.edges(keys=True, data=True),
                                                                key=lambda e: (e[0], e[1], str(e[2])))):
        kind = data["kind"]
        first, last = _days(data.get("start"), data.get("end"))
        if kind == "visit":
            origin = _origin(full, source, first)
            record = {"id": f"v{number}", "visitor": source, "visitorLabel": _label(G, source), "place": target,
                      "placeLabel": _label(G, target), "from": origin, "start": first, "end": last,
                      "sources": sources(data), "confidence": data.get("confidence")}
            for end in (origin, target):  # an end outside the selection is drawn all the same
                if end is not None and end not in places and full.nodes.get(end, {}).get("lat") is not None:
                    places[end] = place_record(end)
            if origin is None or origin not in places or target not in places or origin == target:
                off_map_visits.append(record)
            else:
                visits.append(record)
            group = target if group_by == "place" else source
            items.append({"id": f"i{number}", "kind": "visit", "content": f"{_label(G, source)} → {_label(G, target)}",
                          "start": first, "end": last, "group": group, "nodes": [source, target]})
        elif kind == "partnership":
            if source in places and target in places:
                partnerships.append({"id": f"p{number}", "a": source, "b": target, "start": first,
                                     "label": f"{_label(G, source)} – {_label(G, target)}", "sources": sources(data)})
            items.append({"id": f"i{number}", "kind": "partnership", "content": f"{_label(G, source)} – {_label(G, target)}",
                          "start": first, "end": None, "group": source if group_by == "place" else None,
                          "nodes": [source, target]})
        elif kind == "post":
            label = data.get("label") or words["post"]
            items.append({"id": f"i{number}", "kind": "post", "content": f"{_label(G, source)}: {label}",
                          "start": first, "end": last if data.get("end") else None,
                          "group": target if group_by == "place" else source, "nodes": [source, target]})
    # events: those of the selection, and those its people, places and bodies took part in (a view without
    # event nodes draws visits directly, but the timeline shows the festivals and sessions too)
    events = {n for n, d in G.nodes(data=True) if d.get("kind") == "Event"}
    events |= {e for n in G if n in full for e in nx.all_neighbors(full, n) if full.nodes[e].get("kind") == "Event"}
    for node in sorted(events):
        data = full.nodes[node]
        first, last = _days(data.get("start"), data.get("end"))
        if window is not None and window != (None, None) and not _overlaps(data.get("start"), data.get("end"), *window):
            continue
        venue = next((t for _, t, d in full.out_edges(node, data=True) if d["kind"] == "venue"), None)
        # the event's node, and who and where it involves: selecting it selects them in the other panels
        involved = sorted(n for n in nx.all_neighbors(full, node) if n in G)
        items.append({"id": f"n{node}", "kind": "event", "content": data.get("label", node), "start": first,
                      "end": last, "group": venue if group_by == "place" else None, "nodes": involved + [node]})
    dated = [i for i in items if i["start"]]
    groups = sorted({i["group"] for i in dated if i["group"]}, key=lambda g: (_label(full, g).casefold(), g))
    days = sorted({d for i in dated for d in (i["start"], i["end"]) if d} | {d for v in visits for d in (v["start"], v["end"]) if d})
    return {
        "title": title, "lang": lang, "panels": list(panels), "group_by": group_by, "words": words,
        "places": [places[p] for p in sorted(places)], "visits": visits, "partnerships": partnerships,
        "off_map": {"places": off_map, "visits": [{"id": v["id"], "label": f"{v['visitorLabel']} → {v['placeLabel']}",
                                                   "start": v["start"], "end": v["end"]} for v in off_map_visits]},
        "items": dated, "undated_items": len(items) - len(dated),
        "groups": [{"id": g, "content": _label(full, g)} for g in groups] + [{"id": "", "content": words["other"]}],
        "range": [days[0], days[-1]] if days else None,
        "network": network_payload(G, title=title, lang=lang, focus=focus) if "network" in panels else None,
    }


@lru_cache(maxsize=1)
def _vendor() -> dict:
    def read(name):
        return inline_asset((_VENDOR / name).read_text(encoding="utf-8"))
    leaflet_css = read("leaflet.css").replace("url(images/", "url(data:,")  # no marker images are used: no requests
    return {"leaflet_js": read("leaflet.js"), "leaflet_css": leaflet_css, "timeline_js": read("vis-timeline-graph2d.min.js"),
            "timeline_css": read("vis-timeline-graph2d.min.css"), "topojson_js": read("topojson-client.min.js"),
            "countries": (_VENDOR / "countries-110m.json").read_text(encoding="utf-8")}


def render_explore(G: nx.MultiDiGraph, **options) -> str:
    """The page for `G` as a string; the same graph always gives the same bytes."""
    payload = explore_payload(G, **options)
    vendor = _vendor()
    network_js, network_css = _assets()
    title = payload["title"]
    return _TEMPLATE.format(
        lang=html.escape(payload["lang"]), title=html.escape(title), data=_json_for_script(payload),
        countries=vendor["countries"].replace("<", "\\u003c"), leaflet_css=vendor["leaflet_css"],
        timeline_css=vendor["timeline_css"], network_css=network_css, common_css=NETWORK_CSS,
        leaflet_js=vendor["leaflet_js"], topojson_js=vendor["topojson_js"], timeline_js=vendor["timeline_js"],
        network_js=network_js, common_js=NETWORK_JS, search=html.escape(payload["words"]["search"]),
        explore_js=EXPLORE_JS)


def write_explore(G: nx.MultiDiGraph, out: Path | str, **options) -> ExploreStats:
    """Write the page to `out` atomically and say what it holds."""
    payload = explore_payload(G, **options)
    page = render_explore(G, **options).encode("utf-8")
    write_atomic(out, page)
    arcs = {(v["from"], v["place"]) for v in payload["visits"]}
    return ExploreStats(markers=len(payload["places"]), arcs=len(arcs), visits=len(payload["visits"]),
                        timeline_items=len(payload["items"]),
                        not_on_map=len(payload["off_map"]["places"]) + len(payload["off_map"]["visits"]), bytes=len(page))


def draw_map(G: nx.MultiDiGraph, *, ax=None, full: nx.MultiDiGraph | None = None, lang: str = "pl"):
    """The map as a matplotlib figure, for notebooks and reports: country outlines, places, visit arcs
    (width by number of visits) and partnerships (dashed). Returns the Axes."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    payload = explore_payload(G, full=full, lang=lang, panels=("map",))
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 7))
    for ring in _country_rings():
        xs, ys = zip(*ring)
        ax.fill(xs, ys, facecolor="#f2f2ee", edgecolor="#b9b9b0", linewidth=0.4)
    where = {p["id"]: (p["long"], p["lat"]) for p in payload["places"]}
    for p in payload["partnerships"]:
        (x1, y1), (x2, y2) = where[p["a"]], where[p["b"]]
        ax.plot([x1, x2], [y1, y2], linestyle="--", color="#2c7fb8", linewidth=0.8, alpha=0.6)
    counts: dict[tuple, int] = {}
    for v in payload["visits"]:
        counts[(v["from"], v["place"])] = counts.get((v["from"], v["place"]), 0) + 1
    for (a, b), n in sorted(counts.items()):
        ax.add_patch(FancyArrowPatch(where[a], where[b], connectionstyle="arc3,rad=0.2", arrowstyle="-|>",
                                     mutation_scale=8, linewidth=0.8 + 0.8 * n, color="#d9534f", alpha=0.7))
    for p in payload["places"]:
        ax.scatter([p["long"]], [p["lat"]], s=22, color=p["colour"], zorder=3, edgecolor="white", linewidth=0.5)
        ax.annotate(p["label"], (p["long"], p["lat"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    # the frame: where the visits go (partners overseas are clipped), else every place
    framed = [where[p] for pair in counts for p in pair] or list(where.values())
    if framed:
        xs, ys = zip(*framed)
        pad = max(2.0, 0.08 * max(max(xs) - min(xs), max(ys) - min(ys)))
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        ax.set_ylim(min(ys) - pad, max(ys) + pad)
        ax.set_aspect(1 / max(0.2, math.cos(math.radians(sum(ys) / len(ys)))))  # equal distances at the frame's latitude
    ax.set_xticks([])
    ax.set_yticks([])
    off = len(payload["off_map"]["places"]) + len(payload["off_map"]["visits"])
    ax.set_title(f"{len(payload['places'])} places, {len(counts)} routes, {len(payload['visits'])} visits"
                 + (f"; {off} not on the map" if off else ""), fontsize=9)
    return ax


@lru_cache(maxsize=1)
def _country_rings() -> list[list[tuple[float, float]]]:
    """The outer rings of world-atlas's countries, decoded from TopoJSON (delta-encoded, quantised arcs)."""
    topology = json.loads((_VENDOR / "countries-110m.json").read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes):
        points = []
        for index in indexes:
            part = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(part if not points else part[1:])
        for k in range(1, len(points)):  # continuous across the antimeridian (Russia, Fiji)
            x, y = points[k]
            while x - points[k - 1][0] > 180:
                x -= 360
            while x - points[k - 1][0] < -180:
                x += 360
            points[k] = (x, y)
        return points

    rings = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs", [])
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons if geometry["type"] in ("Polygon", "MultiPolygon") else []:
            rings.append(ring(polygon[0]))
    return rings


EXPLORE_JS = r"""
(function () {
  var data = JSON.parse(document.getElementById("kgraph-data").textContent);
  var words = data.words, has = function (panel) { return data.panels.indexOf(panel) !== -1; };
  document.getElementById("title").textContent = data.title;
  var state = {from: null, to: null, selected: null};
  var api = window.kgraph = {counts: null, setWindow: null, select: null};

  function inWindow(start, end) {
    if (!state.from && !state.to) return true;          // no window: everything, undated facts too
    if (!start) return false;                          // a window: only what is dated inside it
    return (!state.to || start <= state.to) && (!state.from || (end || "9999") >= state.from);
  }

  // --- the date window: two sliders over the days the selection spans
  var days = [];
  if (data.range) {
    var d = new Date(data.range[0] + "T00:00:00Z"), last = new Date(data.range[1] + "T00:00:00Z");
    for (; d <= last; d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
  }
  var lo = document.getElementById("window-from"), hi = document.getElementById("window-to");
  var shown = document.getElementById("window-shown");
  lo.max = hi.max = String(Math.max(days.length - 1, 0));
  lo.value = "0"; hi.value = lo.max;
  function readWindow() {
    var a = Math.min(+lo.value, +hi.value), b = Math.max(+lo.value, +hi.value);
    var full = a === 0 && b === days.length - 1;
    state.from = full ? null : days[a]; state.to = full ? null : days[b];
    shown.textContent = days.length ? (full ? words.all + " (" + days[0] + " – " + days[days.length - 1] + ")" : days[a] + " – " + days[b]) : "";
    refresh();
  }
  lo.addEventListener("input", readWindow);
  hi.addEventListener("input", readWindow);

  // --- the map
  var map = null, markers = {}, arcLayer = null, lineLayer = null, lineRenderer = null, mapCounts = {arcs: 0, visits: 0, markers: 0};
  if (has("map")) {
    map = L.map("map", {zoomSnap: 0.25, worldCopyJump: false, attributionControl: false, preferCanvas: false});
    var outlines = topojson.feature(JSON.parse(document.getElementById("kgraph-countries").textContent),
                                    JSON.parse(document.getElementById("kgraph-countries").textContent).objects.countries);
    // rings that cross the antimeridian (Russia, Fiji) are made continuous, or they would streak across the map
    outlines.features.forEach(function (f) {
      var g = f.geometry, polygons = !g ? [] : g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      polygons.forEach(function (polygon) { polygon.forEach(function (ring) {
        for (var k = 1; k < ring.length; k++) {
          while (ring[k][0] - ring[k - 1][0] > 180) ring[k][0] -= 360;
          while (ring[k][0] - ring[k - 1][0] < -180) ring[k][0] += 360;
        }
      }); });
    });
    L.geoJSON(outlines, {style: {color: "#b9b9b0", weight: 0.6, fillColor: "#f2f2ee", fillOpacity: 1}, interactive: false}).addTo(map);
    lineLayer = L.layerGroup().addTo(map);
    // many lines: one canvas draws them faster than thousands of SVG paths (markers stay SVG elements)
    lineRenderer = data.visits.length + data.partnerships.length > 1000 ? L.canvas({padding: 0.2}) : L.svg();
    arcLayer = L.layerGroup().addTo(map);
    var bounds = data.places.map(function (p) { return [p.lat, p.long]; });
    // a view first: Leaflet draws (and gives elements to) layers only on a map that has one
    if (bounds.length) map.fitBounds(bounds, {padding: [30, 30], maxZoom: 6}); else map.setView([52, 19], 4);
    data.places.forEach(function (p) {
      var m = L.circleMarker([p.lat, p.long], {radius: 6, color: "#ffffff", weight: 1.5, fillColor: p.colour, fillOpacity: 0.95});
      m.bindTooltip(function () { return kgraphCommon.tooltip({heading: p.label, kind: p.country, rows: [], url: null, sources: p.sources, iri: p.id}, words); });
      m.on("click", function () { select(p.id, "map"); });
      m.addTo(map);
      m.getElement().dataset.id = p.id;
      m.getElement().classList.add("kg-marker");
      markers[p.id] = m;
    });
    var box = document.getElementById("off-map"), offPlaces = data.off_map.places, offVisits = data.off_map.visits;
    var count = offPlaces.length + offVisits.length;
    document.getElementById("off-map-count").textContent = String(count);
    [[words.places, offPlaces], [words.visits, offVisits]].forEach(function (pair) {
      if (!pair[1].length) return;
      var caption = document.createElement("div"), list = document.createElement("ul");
      caption.textContent = pair[0] + " (" + pair[1].length + "):";
      pair[1].forEach(function (x) { var li = document.createElement("li"); li.textContent = x.label; list.appendChild(li); });
      box.appendChild(caption); box.appendChild(list);
    });
  }
  var placeById = {};
  data.places.forEach(function (p) { placeById[p.id] = p; });
  function curve(a, b, bend) {
    // a quadratic curve from a to b, bowed to the side: arcs there and back do not overlap
    var mid = [(a[0] + b[0]) / 2 + (b[1] - a[1]) * bend, (a[1] + b[1]) / 2 - (b[0] - a[0]) * bend], points = [];
    for (var t = 0; t <= 1.0001; t += 0.05) {
      var u = 1 - t;
      points.push([u * u * a[0] + 2 * u * t * mid[0] + t * t * b[0], u * u * a[1] + 2 * u * t * mid[1] + t * t * b[1]]);
    }
    return points;
  }
  function drawMap() {
    if (!map) return;
    arcLayer.clearLayers(); lineLayer.clearLayers();
    var pairs = {}, order = [];
    data.visits.forEach(function (v) {
      if (!inWindow(v.start, v.end)) return;
      var key = v.from + "\u0000" + v.place;
      if (!pairs[key]) { pairs[key] = []; order.push(key); }
      pairs[key].push(v);
    });
    var visitCount = 0;
    order.forEach(function (key) {
      var list = pairs[key], a = placeById[list[0].from], b = placeById[list[0].place];
      visitCount += list.length;
      var line = L.polyline(curve([a.lat, a.long], [b.lat, b.long], 0.18), {color: "#d9534f", weight: 1.5 + 1.5 * Math.min(list.length, 8),
                                                                            opacity: 0.75, className: "kg-arc", renderer: lineRenderer});
      // tooltips are made when first shown: thousands of arcs redraw at each move of the window
      line.bindTooltip(function () {
        var rows = list.map(function (v) { return ["", v.visitorLabel + (v.start ? ", " + v.start + (v.end && v.end !== v.start ? " – " + v.end : "") : "")]; });
        var sources = [];
        list.forEach(function (v) { v.sources.forEach(function (s) { if (!sources.some(function (t) { return t.name === s.name; })) sources.push(s); }); });
        return kgraphCommon.tooltip({heading: a.label + " → " + b.label + ": " + list.length + " " + words.visits_word,
                                     kind: words.visit, rows: rows, url: null, sources: sources, iri: ""}, words);
      }, {sticky: true});
      line.on("click", function () { select(list[0].place, "map"); });
      line.addTo(arcLayer);
    });
    data.partnerships.forEach(function (p) {
      if (!inWindow(p.start, null) && (state.from || state.to)) return;
      var a = placeById[p.a], b = placeById[p.b];
      var line = L.polyline([[a.lat, a.long], [b.lat, b.long]], {color: "#2c7fb8", weight: 1.2, dashArray: "4 4", opacity: 0.6,
                                                                  className: "kg-partnership", renderer: lineRenderer});
      line.bindTooltip(function () {
        return kgraphCommon.tooltip({heading: p.label, kind: words.partnership, rows: p.start ? [["", p.start]] : [],
                                     url: null, sources: p.sources, iri: ""}, words);
      }, {sticky: true});
      line.addTo(lineLayer);
    });
    var undrawn = data.off_map.visits.filter(function (v) { return inWindow(v.start, v.end); }).length;
    mapCounts = {arcs: order.length, visits: visitCount, undrawn: undrawn, markers: Object.keys(markers).length};
  }

  // --- the timeline
  var timeline = null, itemSet = null, itemsInWindow = 0;
  if (has("timeline")) {
    var TimelineDataSet = window.kgraphTimelineDataSet;
    var itemById = {};
    data.items.forEach(function (i) { itemById[i.id] = i; });
    // content as elements made with textContent: vis-timeline would read a string as HTML
    function text(value) { var span = document.createElement("span"); span.textContent = value; return span; }
    itemSet = new TimelineDataSet(data.items.map(function (i) {
      var item = {id: i.id, content: text(i.content), start: i.start, group: i.group || "", className: "kg-" + i.kind,
                  nodes: i.nodes, kind: i.kind};
      if (i.end && i.end !== i.start) { item.end = i.end; } else { item.type = "point"; }
      return item;
    }));
    var view = new window.kgraphTimelineDataView(itemSet, {filter: function (i) {
      var source = itemById[i.id];
      return inWindow(source.start, source.end);
    }});
    var groupSet = new TimelineDataSet(data.groups.filter(function (g) {
      return data.items.some(function (i) { return (i.group || "") === g.id; });
    }).map(function (g) { return {id: g.id, content: text(g.content)}; }));
    timeline = new window.kgraphTimeline(document.getElementById("timeline"), view, groupSet, {
      stack: true, cluster: {maxItems: 3, titleTemplate: "{count}"}, zoomKey: "ctrlKey", orientation: "top",
      margin: {item: 4}, height: "100%"});
    timeline.on("select", function (props) {
      var item = props.items.length ? itemById[props.items[0]] : null;
      if (item) select(item.nodes[item.nodes.length - 1], "timeline", item.nodes);
    });
    view.on("*", function () { itemsInWindow = view.length; });
    itemsInWindow = view.length;
    api.timelineView = view;
  }
  document.getElementById("undated").textContent = has("timeline") && data.undated_items ? data.undated_items + " " + words.undated : "";

  // --- the network
  var net = null;
  if (has("network")) {
    kgraphCommon.legend(document.getElementById("legend"), data.network);
    net = kgraphCommon.network(document.getElementById("network"), data.network);
    net.network.on("selectNode", function (params) { select(params.nodes[0], "network"); });
  }

  // --- one selection, shown in every panel
  function select(id, from, also) {
    state.selected = id;
    Object.keys(markers).forEach(function (key) {
      markers[key].setStyle(key === id || (also || []).indexOf(key) !== -1 ? {radius: 10, weight: 3, color: "#222222"} : {radius: 6, weight: 1.5, color: "#ffffff"});
      markers[key].getElement().classList.toggle("kg-selected", key === id);
    });
    if (net && from !== "network") {
      var ids = [id].concat(also || []).filter(function (n) { return net.nodes.get(n); });
      if (ids.length) { net.network.selectNodes(ids); net.network.focus(ids[0], {scale: 1.2, animation: false}); }
      else net.network.unselectAll();
    }
    if (timeline && from !== "timeline") {
      var chosen = data.items.filter(function (i) { return i.nodes.indexOf(id) !== -1; }).map(function (i) { return i.id; });
      timeline.setSelection(chosen.filter(function (x) { return api.timelineView.get(x); }));
    }
    if (map && from !== "map" && placeById[id]) map.panTo([placeById[id].lat, placeById[id].long]);
    document.body.dataset.selected = id || "";
  }

  function refresh() {
    drawMap();
    if (timeline) {
      api.timelineView.refresh();
      itemsInWindow = api.timelineView.length;
      if (state.from && state.to) timeline.setWindow(state.from, state.to, {animation: false}); else timeline.fit({animation: false});
    }
    if (net) net.setEdgeFilter(function (e) { return ["visit", "post", "partnership"].indexOf(e.kind) === -1 || inWindow(e.start, e.end || (e.kind === "visit" ? e.start : null)); });
  }

  // --- search across the panels: people, places, organisations, events
  var candidates = [];
  (net ? data.network.nodes : data.places).forEach(function (n) { candidates.push({id: n.id, label: n.label}); });
  kgraphCommon.search(document.getElementById("search"), document.getElementById("search-result"),
                      function () { return candidates; }, function (id) { if (id) select(id, "search"); });

  api.counts = function () {
    var networkVisits = net ? net.edgeView.get({filter: function (e) { return e.kind === "visit"; }}).length : null;
    return {markers: mapCounts.markers, arcs: mapCounts.arcs, mapVisits: mapCounts.visits, mapUndrawnVisits: mapCounts.undrawn,
            timelineItems: timeline ? itemsInWindow : null,
            timelineVisits: timeline ? api.timelineView.get({filter: function (i) { return i.kind === "visit"; }}).length : null,
            networkVisits: networkVisits, networkEdges: net ? net.edgeView.length : null};
  };
  api.setWindow = function (from, to) {
    lo.value = String(Math.max(0, days.indexOf(from)));
    hi.value = String(to ? days.indexOf(to) : days.length - 1);
    readWindow();
  };
  api.select = function (id) { select(id, "api"); };
  api.map = map; api.markers = markers; api.timeline = timeline; api.network = net;
  readWindow();
  window.kgraphReady = performance.now();  // for the benchmark: navigation start to every panel drawn
  document.body.dataset.ready = "true";
})();
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{leaflet_css}</style>
<style>{timeline_css}</style>
<style>{network_css}</style>
<style>{common_css}</style>
<style>
#window {{ display: flex; gap: 4px; align-items: center; font-size: 13px; }}
#window input {{ width: 140px; }}
main {{ display: grid; grid-template-columns: 1fr 1fr; grid-template-rows: 58vh calc(42vh - 60px); height: calc(100vh - 60px); }}
main.map-only {{ grid-template-columns: 1fr; grid-template-rows: calc(100vh - 60px); }}
#map {{ grid-column: 1; grid-row: 1; position: relative; background: #dfe9f2; }}
#timeline {{ grid-column: 1 / span 2; grid-row: 2; overflow: auto; border-top: 1px solid #ddd; }}
#network {{ grid-column: 2; grid-row: 1; border-left: 1px solid #ddd; }}
#network.empty {{ padding: 2em; color: #555; }}
#off-map-box {{ position: absolute; right: 8px; bottom: 8px; z-index: 1000; background: #fff; border: 1px solid #ccc;
  font-size: 12px; max-height: 40%; overflow: auto; padding: 4px 8px; max-width: 45%; }}
#off-map-box ul {{ margin: 2px 0; padding-left: 16px; }}
.vis-item.kg-visit {{ background: #f6d3d2; border-color: #d9534f; }}
.vis-item.kg-event {{ background: #fbe3c4; border-color: #f0ad4e; }}
.vis-item.kg-post {{ background: #e4e4e4; border-color: #999999; }}
.vis-item.kg-partnership {{ background: #d2e5f3; border-color: #2c7fb8; }}
#undated {{ font-size: 12px; color: #666; }}
</style>
</head>
<body>
<header>
<h1 id="title"></h1>
<input id="search" type="search" placeholder="{search}…" aria-label="{search}">
<span id="search-result"></span>
<span id="window"><input id="window-from" type="range" min="0" step="1" aria-label="from"><input id="window-to" type="range" min="0" step="1" aria-label="to"><span id="window-shown"></span></span>
<span id="undated"></span>
<div id="legend"></div>
</header>
<main>
<div id="map"><details id="off-map-box"><summary id="off-map-summary"><span id="off-map-label"></span>: <b id="off-map-count">0</b></summary><div id="off-map"></div></details></div>
<div id="network"></div>
<div id="timeline"></div>
</main>
<script type="application/json" id="kgraph-data">{data}</script>
<script type="application/json" id="kgraph-countries">{countries}</script>
<script>{leaflet_js}</script>
<script>{topojson_js}</script>
<script>{timeline_js}</script>
<script>window.kgraphTimeline = vis.Timeline; window.kgraphTimelineDataSet = vis.DataSet; window.kgraphTimelineDataView = vis.DataView;</script>
<script>{network_js}</script>
<script>{common_js}</script>
<script>
(function () {{
  var data = JSON.parse(document.getElementById("kgraph-data").textContent);
  document.getElementById("off-map-label").textContent = data.words.off_map;
  var main = document.querySelector("main");
  if (data.panels.indexOf("network") === -1) {{ document.getElementById("network").remove(); }}
  if (data.panels.indexOf("timeline") === -1) {{ document.getElementById("timeline").remove(); }}
  if (data.panels.length === 1) main.classList.add("map-only");
}})();
</script>
<script>{explore_js}</script>
</body>
</html>
"""
