"""The report's figures: the Grid, the maps, participation, trends, roles and the survey.

:func:`figures_of` draws every figure of an evaluation into ``figures/`` and returns what
the pages show of each (name, caption, alt text); the maps are coloured by the attribute
whose change is the story (:func:`map_color_by`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..evaluation import Evaluation
from ..schema import isin
from ..ties import MAX_EVENT_SIZE
from .findings import Finding
from .format import decimal
from .i18n import _, current_language, decimal_symbol, translate

__all__ = ["figures_of", "map_color_by", "survey_figure", "SURVEY_ROWS"]

#: The survey figure draws at most this many organizations (those rated by the most
#: members; the table lists every one): at 2,500 organizations the chart was 590 inches
#: tall and took 20 s to save.
SURVEY_ROWS = 40


# ---------------------------------------------------------------------- figures
def map_color_by(ev: Evaluation, found: Sequence[Finding] = ()) -> tuple[str, str]:
    """What the maps are coloured by, and why: the attribute of a group that drifts away
    (a region or a sector: the story of the year), else the first roster attribute with
    values (organization, sector, region), else the communities."""
    drift = next((f for f in found if f.key == "group_drift"), None)
    if drift is not None:
        by = str(drift.fills["by"])
        return by, _("colour = {noun}, because {group} is drifting away (finding {n})").format(
            noun=_noun(by), group=drift.fills["group"], n=list(found).index(drift) + 1)
    roster = ev.net.members
    by = next((c for c in ("org", "sector", "region") if c in roster.columns
               and roster[c].notna().any()), "community")
    return by, _("colour = {noun}").format(noun=_noun(by))


def _noun(by: str) -> str:
    return {"org": _("organization"), "sector": _("sector"), "region": _("region"),
            "community": _("community (clusters found in the ties)")}.get(by, by)


#: A tick label that is a number as matplotlib writes it: ``0.25``, ``−1.5``, ``20%``.
_TICK_NUMBER = re.compile(r"[−+-]?\d[\d,]*(?:\.\d+)?%?")


def _spanish_number(text: str) -> str:
    if not _TICK_NUMBER.fullmatch(text):
        return text
    mark = decimal_symbol()
    out = text.replace(",", "\0").replace(".", mark).replace("\0", "." if mark == "," else ",")
    return out[:-1] + "\u00a0%" if out.endswith("%") else out


def localize_ticks(fig: Any) -> None:
    """Numeric tick labels of every Axes of ``fig`` in the report's language (``0,25``,
    ``20 %``); English figures are left as they are. Text labels (periods, names) are never
    touched."""
    if current_language() == "en":
        return
    from matplotlib.ticker import Formatter

    class Localized(Formatter):
        def __init__(self, inner: Formatter) -> None:
            self.inner = inner

        def set_axis(self, axis: Any) -> None:
            super().set_axis(axis)
            self.inner.set_axis(axis)

        def set_locs(self, locs: Any) -> None:
            self.inner.set_locs(locs)

        def __call__(self, x: Any, pos: Any = None) -> str:
            return _spanish_number(self.inner(x, pos))

        def format_ticks(self, values: Any) -> list[str]:
            return [_spanish_number(t) for t in self.inner.format_ticks(values)]

        def get_offset(self) -> str:
            return _spanish_number(self.inner.get_offset())

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for which in ("major", "minor"):
                fmt = (axis.get_major_formatter() if which == "major"
                       else axis.get_minor_formatter())
                if isinstance(fmt, Localized) or type(fmt).__name__ in ("FixedFormatter",
                                                                          "NullFormatter"):
                    continue
                (axis.set_major_formatter if which == "major"
                 else axis.set_minor_formatter)(Localized(fmt))


def _small_multiples(ev: Evaluation, by: str, layout: Mapping | None,
                     min_group_size: int) -> Any:
    """One panel a group of ``by`` (the current period, direct ties, the maps' layout): the
    group's members in its colour and sized by their direct ties, its ties inside (colour)
    and with the others (dark grey), everyone else as small grey dots; groups of fewer than
    ``min_group_size`` members left out."""
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.collections import LineCollection

    from .. import plot
    from ..graphs import person_graph
    from ..plot.layouts import layout as make_layout
    from ..plot.layouts import tie_kinds
    from .protect import OTHER, small_in_periods

    s = ev.slices[ev.current]
    G = person_graph(s, kinds=tie_kinds("direct"))
    pos = dict(layout) if layout is not None else make_layout(s)
    nodes = [n for n in G if n in pos]
    roster = ev.net.members.drop_duplicates("member_id").set_index("member_id")[by]
    group_of = {n: str(roster.get(n)) for n in nodes}
    small = small_in_periods(ev.slices.values(), by, min_group_size) | {OTHER.get(by, "")}
    groups = sorted({g for g in group_of.values() if g not in small and g != "nan"})
    colors = plot.category_colors(roster)
    ncol = min(max(len(groups), 1), 4)
    nrow = -(-len(groups) // ncol) if groups else 1
    fig, axes = plt.subplots(nrow, ncol, figsize=(2.7 * ncol, 2.8 * nrow),
                             layout="constrained", squeeze=False)
    xy = np.array([pos[n] for n in nodes], dtype=float).reshape(-1, 2)
    deg = dict(G.degree())
    for ax, g in zip(axes.flat, groups, strict=False):
        col = colors.get(g, "#1d6fa5")
        inside = [(u, v) for u, v in G.edges() if group_of.get(u) == g and group_of.get(v) == g]
        across = [(u, v) for u, v in G.edges() if (group_of.get(u) == g) != (group_of.get(v) == g)]
        ax.scatter(xy[:, 0], xy[:, 1], s=6, color="#d9dde3", zorder=1, linewidths=0)
        for edges, colour, alpha in ((across, "#52606d", 0.35), (inside, col, 0.8)):
            # one collection of segments, not a line each (hundreds of artists to draw)
            segments = [(pos[u], pos[v]) for u, v in edges if u in pos and v in pos]
            if segments:
                ax.add_collection(LineCollection(segments, colors=colour, linewidths=0.6,
                                                 alpha=alpha, zorder=2, capstyle="projecting"),
                                  autolim=True)
        mine = [n for n in nodes if group_of[n] == g]
        pts = np.array([pos[n] for n in mine], dtype=float).reshape(-1, 2)
        ax.scatter(pts[:, 0], pts[:, 1], s=[12 + 4 * deg.get(n, 0) for n in mine], color=col,
                   edgecolors="white", linewidths=0.5, zorder=3)
        ax.set_title(g + "\n" + _("{n} members, {k} ties with others").format(
            n=len(mine), k=len(across)), fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_aspect("equal", adjustable="datalim")
    for ax in list(axes.flat)[len(groups):]:
        ax.set_axis_off()
    return fig


def figures_of(ev: Evaluation, folder: Path, formats: tuple[str, ...],
               min_group_size: int, map_layout: Mapping | None = None, *,
               color_by: str | None = None, why: str = "",
               found: Sequence[Finding] = (), part: str = "all",
               person_maps: bool = True) -> dict[str, Any]:
    """Draw the report's figures into ``folder``; returns each one's name, caption and alt
    text, in the page's order. ``part``: ``"maps"`` (the Grid and the network maps),
    ``"others"`` (the organization map, participation, trends and roles) or ``"all"``; the
    report draws the two parts on two cores. ``person_maps=False`` leaves out the maps of
    the members (a network above ``networks.MAX_STATIC_MAP_MEMBERS``: the organization map
    stays)."""
    import matplotlib

    from .. import plot

    if part not in ("all", "maps", "others"):
        raise ValueError(f"part must be 'all', 'maps' or 'others'; got {part!r}")

    cur, prev = ev.current, ev.previous
    labels = list(ev.periods[-2:])
    made: dict[str, Any] = {}

    def keep(name: str, obj: Any, caption: str, alt: str) -> None:
        fig = obj if isinstance(obj, matplotlib.figure.Figure) else obj.figure
        fig = fig.get_figure(root=True) if hasattr(fig, "get_figure") else fig
        localize_ticks(fig)
        with matplotlib.rc_context({"svg.hashsalt": "peernet"}):  # same input, same SVG
            plot.save(fig, folder / name, formats=formats, dpi=150)
        import matplotlib.pyplot as plt

        plt.close(fig)
        made[name] = {"name": name, "caption": caption, "alt": alt, "svg": "svg" in formats}

    roster = ev.net.members
    if part == "others":   # without person maps the organization map is in the maps' part
        return _other_figures(ev, keep, plot, roster, min_group_size, made,
                              org_map=person_maps)
    grid_obj = plot.grid(ev) if prev is not None else plot.grid(ev.scores[cur])
    keep("grid", grid_obj, (_("The Community Change Grid in {period}: each element coloured "
                              "by its band; hatched cells had too little data; the change "
                              "since {previous} in each cell.") if prev else
                            _("The Community Change Grid in {period}: each element coloured "
                              "by its band; hatched cells had too little data.")).format(
                                  period=cur, previous=prev),
         _("Community Change Grid scores {period}").format(period=cur))
    if color_by is None:
        color_by, why = map_color_by(ev, found)
    known = {p: ev.members[ev.members["period"] == p].drop(columns="period")
             for p in labels}  # the evaluation's member_metrics: not computed twice
    years = " " + _("and") + " "
    from ..plot.layouts import tie_kinds
    from ..ties import person_ties

    if not person_maps:
        return _other_figures(ev, keep, plot, roster, min_group_size, made,
                              rest=part == "all")
    if not any(len(person_ties(ev.slices[p], kinds=tie_kinds("direct")).u) for p in labels):
        # attendance only (sign-in sheets): the co-attendance maps are the maps
        keep("maps", plot.map_years(ev.net, [ev.slices[p] for p in labels],
                                    color_by=color_by, metrics=known, layout=map_layout),
             _("Network maps of {years}: the data hold attendance only, so a line joins two "
               "members who attended the same meeting. One layout for both periods: same "
               "member, same place; {why}.").format(years=years.join(labels), why=why),
             _("Network maps {years}").format(years=years.join(labels)))
        return made if part == "maps" else _other_figures(ev, keep, plot, roster,
                                                           min_group_size, made)
    keep("maps", plot.map_years(ev.net, [ev.slices[p] for p in labels], color_by=color_by,
                                metrics=known, layout=map_layout, ties="direct"),
         _("Direct ties in {years}: a line joins two members when one wrote to, called, met, "
           "helped or referred the other (sitting in the same meeting is not a tie here). "
           "One layout for both periods: same member, same place; {why}.").format(
             years=years.join(labels), why=why),
         _("Network maps of direct ties {years}").format(years=years.join(labels)))
    keep("maps_coattendance", plot.map_years(ev.net, [ev.slices[p] for p in labels],
                                             color_by=color_by, metrics=known,
                                             layout=map_layout, ties="coattendance",
                                             highlight=None),
         _("Co-attendance in {years}: a line joins two members who attended the same "
           "meeting (events of up to {n} people), thicker for more meetings shared. Most ties "
           "of a network that meets are of this kind; the map of direct ties shows who "
           "works with whom.").format(years=years.join(labels), n=MAX_EVENT_SIZE),
         _("Co-attendance maps {years}").format(years=years.join(labels)))
    drift = next((f for f in found if f.key == "group_drift"), None)
    if drift is not None:
        keep("groups_map", _small_multiples(ev, str(drift.fills["by"]), map_layout,
                                            min_group_size),
             _("Each {noun} in {cur} on its own: its members in colour, everyone else in grey, "
               "direct ties drawn. {group} is drifting away (finding {n}).").format(
                 noun=_noun(str(drift.fills["by"])), cur=cur, group=drift.fills["group"],
                 n=list(found).index(drift) + 1),
             _("Small multiples by {noun}").format(noun=_noun(str(drift.fills["by"]))))
    return made if part == "maps" else _other_figures(ev, keep, plot, roster,
                                                       min_group_size, made)


def _other_figures(ev: Evaluation, keep: Any, plot: Any, roster: Any, min_group_size: int,
                   made: dict[str, Any], *, org_map: bool = True,
                   rest: bool = True) -> dict[str, Any]:
    """The organization map, participation, trends and roles (after the maps); ``org_map``
    and ``rest`` (the others) say which."""
    cur = ev.current
    if org_map and "org" in roster.columns and roster["org"].notna().any():
        from .protect import small_groups_together

        # organizations small in one of the periods are drawn as one (never named)
        s = small_groups_together(ev.slices[cur], ev.slices.values(), min_group_size)
        keep("org_map", plot.org_map(s),
             _("Organizations in {period}: a line is the ties between their members, thicker "
               "for more.").format(period=cur),
             _("Organization map {period}").format(period=cur))
    if not rest:
        return made
    step = ev.meta.get("participation_by", "quarter")   # quarter, month or period
    keep("participation", plot.participation(ev.participation), {
        "quarter": _("Active, new and lapsed members, quarter by quarter."),
        "month": _("Active, new and lapsed members, month by month."),
        "period": _("Active, new and lapsed members, period by period (the evaluated "
                    "windows, named by their dates).")}.get(
        step, f"Active, new and lapsed members, {step} by {step}."),
         {"quarter": _("Participation by quarter"), "month": _("Participation by month"),
          "period": _("Participation by period")}.get(step, f"Participation by {step}"))
    trend_metrics = [m for m in ("density", "reciprocity", "largest_component_share",
                                 "ei_index_org")
                     if m in set(ev.network["metric"])]
    keep("trend", plot.trend(ev, metrics=trend_metrics),
         _("Structure of the network in each period, with bootstrap intervals where "
           "computed."),
         _("Network metric trends"))
    mm = ev.members[ev.members["period"] == cur].drop(columns="period")
    by = next((c for c in ("sector", "org") if c in roster.columns
               and roster[c].notna().any()), None)
    if by is None:
        return made
    mm = mm[isin(mm["member_id"], ev.slices[cur].members_active())]
    mm = mm.drop(columns=[by], errors="ignore").merge(
        ev.net.members[["member_id", by]].drop_duplicates("member_id"), on="member_id",
        how="left")
    mm[by] = mm[by].astype("object").where(mm[by].notna(), "(unknown)")
    small = (mm[by].map(mm[by].value_counts()) < min_group_size).to_numpy()
    left_out = sorted(set(mm.loc[small, by]))
    keep("roles", plot.roles(mm[~small], by=by),
         _("Core, peripheral and isolated members and brokerage roles by {by}, {period}.").format(
             by=translate(by, record=False), period=cur)
         + (_(" Left out (fewer than {n} active members): {groups}.").format(
             n=min_group_size, groups=", ".join(left_out)) if left_out else ""),
         _("Member roles by {by} {period}").format(by=translate(by, record=False),
                                                   period=cur))
    return made


def survey_figure(survey: Mapping[str, Any], folder: Path, formats: tuple[str, ...]
                   ) -> dict[str, Any]:
    """Trust and value by organization (:func:`peernet.plot.survey_by_org`)."""
    import matplotlib
    import matplotlib.pyplot as plt

    from .. import plot

    df = survey["by_org"]
    rated = df[df["trust"].notna()]
    drawn = rated
    if len(rated) > SURVEY_ROWS:   # the organizations rated by the most members
        drawn = rated.sort_values(["n_raters", "org"], ascending=[False, True],
                                  kind="stable").head(SURVEY_ROWS)
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.24 * max(len(drawn), 1)),
                           layout="constrained")
    plot.survey_by_org(drawn, scale=survey["scale"], ax=ax,
                       labels={"trust": _("Trust"), "value": _("Value")})
    ax.set_xlabel(_("Mean rating received from members of other organizations"), fontsize=8)
    localize_ticks(fig)
    with matplotlib.rc_context({"svg.hashsalt": "peernet"}):
        plot.save(fig, folder / "survey", formats=formats, dpi=150)
    plt.close(fig)
    lo, hi = survey["scale"]
    caption = _("Trust (filled) and value (open) each organization received in the "
                "{wave} survey, on the {lo}-{hi} scale; organizations rated by fewer "
                "than {n} members are left out.").format(
        wave=survey["wave"], lo=f"{lo:g}", hi=f"{hi:g}", n=survey["min_group_size"])
    if len(drawn) < len(rated):
        caption += " " + _("The {k} organizations rated by the most members are drawn, of "
                           "{n}; every organization is in the table below.").format(
            k=decimal(len(drawn), 0), n=decimal(len(rated), 0))
    return {"name": "survey", "svg": "svg" in formats, "caption": caption,
            "alt": _("Survey trust and value by organization")}
