"""Interactive network maps: hover, filter, search, in a page that works offline.

:func:`interactive_map` draws what :func:`peernet.plot.network_map` draws (the same
positions, node colours, node sizes, tie widths and opacities, brokers, newcomers and
isolates) with `vis-network <https://github.com/visjs/vis-network>`_, whose minified build
is shipped inside peernet (``plot/vendor/``) and inlined into the page: the map needs no
internet connection and no request leaves the page (a Content-Security-Policy forbids it).

Why vis-network: a maintained library (visjs, Apache-2.0 / MIT) with a single standalone
file, drawing on a 2D canvas (no WebGL, so it works in any browser, in headless test
browsers and in print previews), with fixed positions, hover tooltips and hiding of nodes
and ties built in. Bokeh would add a Python dependency and a larger runtime; sigma.js needs
WebGL and graphology beside it.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..network import PeerNetwork
from ..report.i18n import N_

__all__ = ["interactive_map", "InteractiveMap"]

#: vis-network coordinates per layout unit: one unit is about 160 points in a static map
#: panel, so node radii and tie widths in points can be used as they are.
_SCALE = 160.0
_FILTERS = ("org", "sector", "region")
#: The colour-key titles of the maps (``maps._TITLES``), marked for translation.
_TITLE_TEXTS = (N_("Organization"), N_("Sector"), N_("Region"), N_("Language"), N_("Role"),
                N_("Community"))


def _vendor_js() -> str:
    text = (resources.files("peernet.plot") / "vendor" / "vis-network" /
            "vis-network.min.js").read_text(encoding="utf-8")
    # the source map is not shipped: a browser with developer tools open would ask for it
    return "\n".join(line for line in text.splitlines()
                     if not line.startswith("//# sourceMappingURL="))


def _json_for_script(obj: Any) -> str:
    """JSON safe inside a <script> element (no ``</script>``, no ``<!--``)."""
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class InteractiveMap:
    """An interactive map: ``_repr_html_`` for Jupyter, :meth:`save` for a file,
    :meth:`fragment` for a page that already exists (the report).

    Attributes
    ----------
    data : dict
        What the page draws: ``nodes`` (id, label, org, sector, region, category, x, y),
        ``periods`` (label, nodes drawn with their size and highlights, ties with width and
        opacity), ``colors`` (category -> colour) and the texts shown.
    """

    def __init__(self, data: dict, *, height: int = 640, lang: str = "en"):
        self.data = data
        self.height = int(height)
        self.lang = lang

    def __repr__(self) -> str:
        p = self.data["periods"][-1]
        return (f"InteractiveMap({len(self.data['nodes'])} members, periods "
                f"{[q['label'] for q in self.data['periods']]}, last: {len(p['nodes'])} "
                f"members, {len(p['ties'])} ties)")

    # ----------------------------------------------------------------- HTML
    def fragment(self, *, include_library: bool = True) -> str:
        """The map as an HTML fragment (a ``<div>`` and its scripts) for a page of your own.
        The page needs ``script-src 'unsafe-inline'`` if it sets a Content-Security-Policy."""
        d = self.data
        payload = _json_for_script(d)
        # the same map gives the same page (reports are reproducible byte for byte)
        uid = "pn-imap-" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:10]
        t = d["text"]

        def select(key: str, label: str, values: Sequence[str], all_text: str) -> str:
            opts = "".join(f'<option value="{html.escape(v)}">{html.escape(v)}</option>'
                           for v in values)
            first = f'<option value="">{html.escape(all_text)}</option>' if all_text else ""
            return (f'<label>{html.escape(label)} <select data-filter="{key}">{first}{opts}'
                    f'</select></label>')

        periods = [p["label"] for p in d["periods"]]
        period_select = (
            f'<label>{html.escape(t["period"])} <select data-filter="period">'
            + "".join(f'<option value="{i}"{" selected" if i == len(periods) - 1 else ""}>'
                      f'{html.escape(p)}</option>' for i, p in enumerate(periods))
            + "</select></label>")
        controls = [period_select] + [select(k, t[k], d["values"][k], t["all"])
                                      for k in _FILTERS if d["values"].get(k)]
        legend = "".join(
            f'<span class="pn-key"><i style="background:{html.escape(c)}"></i>'
            f'{html.escape(k)}</span>' for k, c in d["colors"].items())
        lib = f"<script>{_vendor_js()}</script>" if include_library else ""
        return f"""<div class="peernet-imap" id="{uid}" data-ready="0">
<style>{_CSS.replace("#ROOT", "#" + uid)}</style>
<div class="pn-controls">{''.join(controls)}
<label>{html.escape(t["search"])} <input type="search" data-filter="search"
 placeholder="{html.escape(t["search_hint"])}"></label>
<span class="pn-count" aria-live="polite"></span></div>
<div class="pn-canvas" style="height:{self.height}px" role="img"
 aria-label="{html.escape(t["aria"])}"></div>
<div class="pn-legend"><b>{html.escape(t["color_title"])}</b> {legend}
<span class="pn-note">{html.escape(t["note"])}</span></div>
<script type="application/json" class="pn-data">{payload}</script>
</div>
{lib}
<script>{_JS}
peernetInteractiveMap(document.getElementById("{uid}"));</script>"""

    def to_html(self) -> str:
        """A whole page: self-contained, offline, no request leaves it."""
        title = html.escape(self.data["title"])
        return f"""<!DOCTYPE html>
<html lang="{self.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1em;
color:#222}} h1{{font-size:1.3em;font-weight:600}}</style>
</head>
<body>
<h1>{title}</h1>
{self.fragment()}
</body>
</html>
"""

    def save(self, path: str | Path) -> Path:
        """Write :meth:`to_html` to ``path`` (UTF-8); returns the path."""
        path = Path(path)
        path.write_text(self.to_html(), encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        # an iframe of its own: notebook front ends load scripts differently (RequireJS
        # would take the library as a module); srcdoc keeps it offline
        doc = html.escape(self.to_html(), quote=True)
        return (f'<iframe srcdoc="{doc}" style="width:100%;height:{self.height + 150}px;'
                f'border:0" sandbox="allow-scripts"></iframe>')


#: The page's Content-Security-Policy: inline scripts and styles only, images from data:
#: URLs (vis-network's own); no connection, font, frame or image from anywhere.
CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "img-src data:")


def interactive_map(net_or_slice: PeerNetwork, *, color_by: Any = "org",
                    size_by: str | None = "degree",
                    periods: Sequence[str | PeerNetwork] | None = None,
                    names: bool = False, salt: str | bytes | None = None,
                    highlight: Any = ("brokers", "isolates", "newcomers"),
                    layout: Mapping | None = None, seed: int = 0,
                    metrics: Mapping[str, pd.DataFrame] | None = None,
                    palette: Mapping[str, str] | None = None, max_categories: int = 10,
                    title: str | None = None, height: int = 640,
                    lang: str = "en") -> InteractiveMap:
    """An interactive map of a network or period: hover, filter, search, offline.

    Parameters
    ----------
    net_or_slice : PeerNetwork
        A period (``net.period("2025")``) or a network.
    color_by, size_by, highlight, seed, palette, max_categories
        As in :func:`peernet.plot.network_map` (the same colours, sizes and outlines).
    periods : list of str, optional
        The periods a reader can switch between (``["2024", "2025"]``, or period slices
        such as an evaluation's ``ev.slices[...]``; oldest first; the last is shown first).
        Default: the period given (a whole network: the whole span).
    names : bool, default False
        Show roster names on hover. By default members are shown by pseudonym (the
        pseudonyms of :func:`peernet.export` with the same ``salt``).
    salt : str or bytes, optional
        Secret of the pseudonyms (see :func:`peernet.export`).
    layout : mapping, optional
        Positions; default: one layout of the periods drawn (with several periods) or
        :func:`peernet.plot.layout` of the period, as the static maps.
    metrics : mapping, optional
        ``{period: member_metrics}`` already computed (brokers, newcomers).
    title : str, optional
    height : int, default 640
        Height of the map in pixels.
    lang : {"en", "es"}, default "en"
        Language of the controls and tooltips.

    Returns
    -------
    InteractiveMap
        Shown by Jupyter; ``.save("map.html")`` writes a self-contained page.

    Notes
    -----
    Hover a member: pseudonym (or name), organization, sector, region, ties and tie weight
    in the period. Filters by organization, sector and region hide the members outside them
    and their ties; the period menu shows another period with the same positions; search
    (by pseudonym or name, organization) selects and zooms to the matches. A link such as
    ``map.html#region=Coast&period=2024`` opens with those filters.

    Examples
    --------
    >>> m = pn.plot.interactive_map(pn.load_sample("riverbend").period("2025"))
    >>> m
    InteractiveMap(112 members, periods ['2025'], last: 112 members, 2269 ties)
    """
    from ..io.export_graph import pseudonyms
    from ..report.i18n import translator
    from .drawing import TITLES as _TITLES
    from .drawing import colors_for as _colors_for
    from .drawing import edge_style as _edge_style
    from .drawing import marker_sizes as _sizes
    from .drawing import scale_for as _scale_for
    from .layouts import layout as _layout
    from .layouts import periods_layout
    from .maps import _prepare
    from .style import UNKNOWN_COLOR, map_categories

    if not isinstance(net_or_slice, PeerNetwork):
        raise TypeError(f"interactive_map: net_or_slice must be a PeerNetwork; got "
                        f"{type(net_or_slice).__name__}")
    tr = translator(lang)
    _ = tr.gettext
    root = net_or_slice.root
    if periods is None:
        slices = [net_or_slice]
    else:
        if isinstance(periods, str) or not len(periods):
            raise ValueError(f"periods must be a non-empty list of period labels such as "
                             f"['2024', '2025']; got {periods!r}")
        slices = [p if isinstance(p, PeerNetwork) else root.period(p) for p in periods]
    labels = [str(s.label) if s.window is not None else _("all") for s in slices]
    if layout is None:
        layout = (periods_layout(slices, seed) if len(slices) > 1
                  else _layout(slices[0], seed=seed))
    maps: list = []
    universe: list = []
    for s, label in zip(slices, labels, strict=True):
        m, universe = _prepare(s, color_by=color_by, size_by=size_by, highlight=highlight,
                               labels=None, layout_=layout, seed=seed,
                               metrics=None if metrics is None else metrics.get(label),
                               what="interactive_map")
        maps.append(m)
    colors = _colors_for(universe, color_by, palette, max_categories)
    scale = _scale_for(maps)
    # the members of every period, once
    ids = sorted({str(n) for m in maps for n in m.nodes})
    index = {n: i for i, n in enumerate(ids)}
    roster = root.members.drop_duplicates("member_id").set_index(
        root.members.drop_duplicates("member_id")["member_id"].astype("str"))
    if names:
        shown = ids
    else:                                # one mapping for all (a mapping per id was O(n^2))
        alias = pseudonyms(root, ids, salt=salt)
        shown = [alias[n] for n in ids]
    if names and "name" in roster.columns:
        from .style import safe_label

        shown = [safe_label(roster["name"].get(n), n) for n in ids]
    attrs = {k: (roster[k].reindex(ids).astype(object).where(
        roster[k].reindex(ids).notna(), None).tolist() if k in roster.columns
        else [None] * len(ids)) for k in _FILTERS}
    pos = np.array([layout[n] if n in layout else layout[type(next(iter(layout)))(n)]
                    for n in ids], dtype=float).reshape(-1, 2) if ids else np.zeros((0, 2))
    category = ["" for _n in ids]
    colour = ["#56B4E9" for _n in ids]
    for m in maps:
        if m.category is not None and colors is not None:
            cats = map_categories(m.category, colors, other=_("other"), unknown=_("unknown"))
            for n, c in zip(m.nodes, cats, strict=True):
                category[index[str(n)]] = str(c)
                colour[index[str(n)]] = colors.get(c, colors.get(
                    {_("other"): "other", _("unknown"): "unknown"}.get(c, c), UNKNOWN_COLOR))
    unknown = _("unknown")
    nodes = [{"id": shown[i], "org": attrs["org"][i] or unknown,
              "sector": attrs["sector"][i] or unknown, "region": attrs["region"][i] or unknown,
              "cat": category[i], "color": colour[i],
              "x": round(float(pos[i, 0]) * _SCALE, 2), "y": round(-float(pos[i, 1]) * _SCALE, 2)}
             for i in range(len(ids))]
    out_periods = []
    for m, label in zip(maps, labels, strict=True):
        idx = np.array([index[str(n)] for n in m.nodes], dtype=int)
        radius = np.sqrt(_sizes(m.size_value, len(m.nodes), scale) / math.pi)
        degree = (np.bincount(m.eu, minlength=len(m.nodes))
                  + np.bincount(m.ev, minlength=len(m.nodes))) if len(m.nodes) else np.zeros(0)
        strength = (np.bincount(m.eu, weights=m.ew, minlength=len(m.nodes))
                    + np.bincount(m.ev, weights=m.ew, minlength=len(m.nodes))) \
            if len(m.nodes) else np.zeros(0)
        order = np.argsort(m.ew, kind="stable")
        width, alpha = _edge_style(m.ew[order], scale)
        marks = {k: np.flatnonzero(v).tolist() for k, v in m.highlights.items()}
        out_periods.append({
            "label": label,
            "nodes": [[int(i), round(float(r), 2), int(d), round(float(w), 3)]
                      for i, r, d, w in zip(idx, radius, degree, strength, strict=True)],
            "marks": {k: [int(idx[j]) for j in v] for k, v in marks.items()},
            "ties": [[int(idx[m.eu[j]]), int(idx[m.ev[j]]), round(float(w), 2),
                      round(float(a), 3), float(m.ew[j])]
                     for j, w, a in zip(order, width, alpha, strict=True)],
        })
    values = {k: sorted({n[k] for n in nodes}) for k in _FILTERS}
    title_ = title or _("{name}: interactive network map").format(
        name=getattr(root, "name", "network"))
    text = {
        "period": _("Period"), "org": _("Organization"), "sector": _("Sector"),
        "region": _("Region"), "all": _("all"), "search": _("Search"),
        "search_hint": _("pseudonym, name or organization") if names
        else _("pseudonym or organization"),
        "aria": _("Interactive network map: one circle a member, one line a tie"),
        "color_title": (_(_TITLES[color_by]) if isinstance(color_by, str)
                        and color_by in _TITLES else ""),
        "note": _("Size: ties in the period. Thick black ring: broker; dashed ring: "
                  "newcomer; square: no ties."),
        "ties": _("ties"), "weight": _("tie weight"),
        "shown": _("{n} of {total} members and {m} ties shown"),
        # the page picks the form with the plural rule of English and Spanish (n != 1)
        "match_one": tr.ngettext("{k} match", "{k} matches", 1),
        "match_other": tr.ngettext("{k} match", "{k} matches", 2),
        "broker": _("broker"), "newcomer": _("newcomer"), "isolate": _("no ties"),
    }
    data = {"title": title_, "nodes": nodes, "periods": out_periods,
            "colors": dict(_translated_colors(colors, _)) if colors else {},
            "values": values, "text": text, "names": bool(names)}
    return InteractiveMap(data, height=height, lang=lang)


def _translated_colors(colors: Mapping[str, str], _: Any) -> list[tuple[str, str]]:
    names = {"other": _("other"), "unknown": _("unknown")}
    return [(names.get(k, k), c) for k, c in colors.items()]


_CSS = """#ROOT{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222}
#ROOT .pn-controls{display:flex;flex-wrap:wrap;gap:.4em 1em;align-items:center;
margin:.3em 0}
#ROOT select,#ROOT input{font:inherit;padding:.15em .3em;max-width:16em}
#ROOT .pn-canvas{border:1px solid #ddd;border-radius:4px;background:#fff}
#ROOT .pn-count{color:#555}
#ROOT .pn-legend{margin:.3em 0;display:flex;flex-wrap:wrap;gap:.2em .9em;
align-items:center}
#ROOT .pn-key i{display:inline-block;width:.8em;height:.8em;border-radius:50%;
border:1px solid #888;margin-right:.3em;vertical-align:-.05em}
#ROOT .pn-note{color:#555;font-size:.9em}
#ROOT div.vis-tooltip{white-space:pre-line;font:13px/1.35 system-ui,sans-serif;
padding:.4em .6em;background:#fff;border:1px solid #999;border-radius:3px;
box-shadow:0 1px 4px rgba(0,0,0,.2)}
@media print{#ROOT{display:none}}"""

_JS = r"""
function peernetInteractiveMap(root) {
  "use strict";
  var errors = [];
  window.addEventListener("error", function (e) {
    errors.push(String(e.message)); root.setAttribute("data-errors", errors.join(" | "));
  });
  var D = JSON.parse(root.querySelector(".pn-data").textContent);
  var T = D.text;
  var nodes = new vis.DataSet(), edges = new vis.DataSet();
  var state = {period: D.periods.length - 1, org: "", sector: "", region: "", search: ""};
  var sel = function (k) { return root.querySelector('[data-filter="' + k + '"]'); };
  function tip(n, p) {
    var el = document.createElement("div");
    var lines = [n.id, T.org + ": " + n.org, T.sector + ": " + n.sector,
                 T.region + ": " + n.region];
    if (p) {
      lines.push(T.ties + " (" + D.periods[state.period].label + "): " + p[2] +
                 ", " + T.weight + " " + p[3]);
      var marks = D.periods[state.period].marks, tags = [];
      [["brokers", T.broker], ["newcomers", T.newcomer], ["isolates", T.isolate]].forEach(
        function (m) { if (marks[m[0]] && marks[m[0]].indexOf(p[0]) >= 0) tags.push(m[1]); });
      if (tags.length) lines.push(tags.join(", "));
    }
    el.textContent = lines.join("\n");
    return el;
  }
  function keep(n) {
    return (!state.org || n.org === state.org) && (!state.sector || n.sector === state.sector)
      && (!state.region || n.region === state.region);
  }
  function draw() {
    var P = D.periods[state.period], inPeriod = {}, marks = {};
    P.nodes.forEach(function (p) { inPeriod[p[0]] = p; });
    Object.keys(P.marks).forEach(function (k) {
      P.marks[k].forEach(function (i) { (marks[i] = marks[i] || {})[k] = true; });
    });
    var shown = 0, upd = [];
    D.nodes.forEach(function (n, i) {
      var p = inPeriod[i], visible = !!p && keep(n), m = marks[i] || {};
      if (visible) shown += 1;
      upd.push({id: i, hidden: !visible, size: p ? p[1] : 4,
        shape: m.isolates ? "square" : "dot",
        borderWidth: m.brokers ? 3.5 : (m.newcomers ? 2 : 0.8),
        shapeProperties: {borderDashes: m.newcomers && !m.brokers ? [3, 2] : false},
        color: {background: n.color, border: (m.brokers || m.newcomers || m.isolates) ?
          "#000000" : (n.color.toUpperCase() === "#FFFFFF" ? "#555555" : "#FFFFFF"),
          highlight: {background: n.color, border: "#D55E00"}},
        title: tip(n, p)});
    });
    nodes.update(upd);
    edges.clear();
    var ties = [];
    P.ties.forEach(function (t, j) {
      if (keep(D.nodes[t[0]]) && keep(D.nodes[t[1]])) {
        ties.push({id: j, from: t[0], to: t[1], width: t[2],
          color: {color: "rgba(56,56,56," + t[3] + ")", highlight: "#D55E00"}});
      }
    });
    edges.add(ties);
    root.setAttribute("data-period", P.label);
    root.setAttribute("data-nodes-shown", String(shown));
    root.setAttribute("data-ties-shown", String(ties.length));
    root.querySelector(".pn-count").textContent = T.shown.replace("{n}", shown)
      .replace("{total}", P.nodes.length).replace("{m}", ties.length);
    search();
  }
  // fit the members shown (vis-network's fit zooms in no further than 1 by default)
  function fitShown() {
    var ids = nodes.getIds({filter: function (n) { return !n.hidden; }});
    network.fit({nodes: ids.length ? ids : undefined, animation: false, maxZoomLevel: 8});
  }
  function search() {
    var q = state.search.trim().toLowerCase(), hits = [];
    if (q) {
      D.nodes.forEach(function (n, i) {
        var item = nodes.get(i);
        if (item && !item.hidden && (n.id.toLowerCase().indexOf(q) >= 0 ||
            n.org.toLowerCase().indexOf(q) >= 0)) hits.push(i);
      });
    }
    network.selectNodes(hits, false);
    root.setAttribute("data-matches", String(hits.length));
    if (q) {
      root.querySelector(".pn-count").textContent += " · " +
        (hits.length === 1 ? T.match_one : T.match_other).replace("{k}", hits.length);
      if (hits.length) network.fit({nodes: hits, animation: false, maxZoomLevel: 8});
    }
  }
  D.nodes.forEach(function (n, i) {
    nodes.add({id: i, x: n.x, y: n.y, label: undefined, hidden: true});
  });
  var network = new vis.Network(root.querySelector(".pn-canvas"), {nodes: nodes, edges: edges}, {
    physics: false, interaction: {hover: true, tooltipDelay: 80, multiselect: true,
      hideEdgesOnDrag: D.periods[D.periods.length - 1].ties.length > 5000},
    nodes: {shape: "dot", fixed: true, font: {size: 0}},
    edges: {smooth: false, selectionWidth: 1}
  });
  // a link such as page.html#region=Coast&period=2024 opens with those filters
  (location.hash || "").replace(/^#/, "").split("&").forEach(function (kv) {
    var parts = kv.split("="), k = decodeURIComponent(parts[0] || ""),
        v = decodeURIComponent((parts[1] || "").replace(/\+/g, " "));
    if (k === "period") {
      D.periods.forEach(function (p, i) { if (p.label === v) state.period = i; });
    } else if (k in state) { state[k] = v; }
  });
  ["org", "sector", "region"].forEach(function (k) {
    var s = sel(k);
    if (!s) return;
    if (state[k]) s.value = state[k];
    s.addEventListener("change", function () { state[k] = s.value; draw(); fitShown(); });
  });
  var ps = sel("period");
  ps.value = String(state.period);
  ps.addEventListener("change", function () { state.period = +ps.value; draw(); });
  var si = sel("search");
  si.value = state.search;
  si.addEventListener("input", function () { state.search = si.value; draw(); });
  draw();
  // fit once the shapes have sizes (after the first drawing), then say the map is ready
  network.once("afterDrawing", function () {
    fitShown();
    network.once("afterDrawing", function () { root.setAttribute("data-ready", "1"); });
    network.redraw();
  });
  network.redraw();
  root.peernet = {network: network, nodes: nodes, edges: edges, state: state, draw: draw};
}
"""
