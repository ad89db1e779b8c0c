"""The annual HTML report: ``index.html`` + ``figures/*.png|svg`` + ``tables/*.csv``.

``pn.report(ev, "report/")`` writes the report of an :class:`~peernet.Evaluation`. The page is
self-contained (its CSS is inline; figures are files beside it, so it opens from a shared
drive or an email attachment folder) and built with Jinja2 templates in
``peernet/report/templates/`` with autoescaping on: every name and free text is escaped.

Writing is atomic: everything is built in a hidden temporary folder next to ``out_dir`` and
renamed into place at the end, so an interrupted run leaves no half-written report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._memory import collecting_new
from .._parallel import both, later
from ..evaluation import METRICS, Evaluation
from ..privacy import MIN_GROUP_SIZE, scrub_quality
from . import publish as _pub
from .csvsafe import safe_csv
from .figures import figures_of, map_color_by, survey_figure
from .findings import glossary
from .first_page import first_page
from .format import card_change, cell, pretty, words
from .i18n import (
    N_,
    _,
    check_language,
    current_language,
    format_date,
    translate,
    use_language,
)
from .narrative import element_changes, indicator_labels, indicator_name, sentence
from .networks import too_large, write_interactive_map, write_networks
from .render import render, write_page
from .words import LABEL_COLUMNS, TIE_LABELS, column_title

__all__ = ["report", "safe_csv"]

MARKER = "report.json"

#: The methodology pages a report links to (paths in the peernet source tree).
DOCS = (
    ("docs/index.md", N_("index of the methodology pages")),
    ("docs/user-guide.md", N_("the annual evaluation, step by step")),
    ("docs/data-model.md", N_("the tables and their columns")),
    ("docs/metrics.md", N_("participation, structure and member metrics: formulas and "
                           "references")),
    ("docs/grid.md", N_("the Community Change Grid, its indicators and the rubric")),
    ("docs/surveys.md", N_("survey trust and value scores, response rates, missing data")),
    ("docs/figures.md", N_("how to read each figure")),
    ("docs/privacy.md", N_("pseudonymisation and small-group suppression")),
)


# ---------------------------------------------------------------------- the report
@collecting_new   # its steps' collections walk its own objects, not the evaluation's
def report(evaluation: Evaluation, out_dir: str | Path, *, title: str | None = None,
           pseudonymize: bool = True, formats: Sequence[str] = ("png",),
           min_group_size: int = MIN_GROUP_SIZE, progress: Callable[[str], Any] | None = None,
           lang: str = "en") -> Path:
    """Write the annual evaluation report of ``evaluation`` into ``out_dir``.

    Parameters
    ----------
    evaluation : Evaluation
        From :func:`peernet.evaluate`.
    out_dir : str or Path
        The report folder. It is created, or replaced when it holds an earlier peernet
        report; any other non-empty folder is refused.
    title : str, optional
        Default: "<network name>: annual network evaluation <period>".
    pseudonymize : bool, default True
        A report is made to be shared: no member is named. With False the report adds a
        table of the most connected members by name (and a CSV of member metrics).
    formats : sequence of str, default ("png",)
        Figure formats written beside the page: PNG always (the page shows it); add
        ``"svg"`` (vector: for print or editing, linked under each figure) or ``"pdf"``.
    min_group_size : int, default :data:`peernet.privacy.MIN_GROUP_SIZE` (5)
        Breakdowns (by region, sector, language, organization) of fewer members are
        suppressed in the tables (:func:`peernet.privacy.suppress_small`); the report says
        which were.
    progress : callable, optional
        Called with a short message before each step.
    lang : {"en", "es"}, default "en"
        Language of the report: its texts, figures, interactive map, numbers (``1,234.5`` /
        ``1.234,5``) and dates, through the gettext catalogs of :mod:`peernet.report.i18n`.

    Returns
    -------
    Path
        ``out_dir``, holding ``index.html`` (the first page), ``appendix.html`` (the
        detailed tables), ``organizations.html`` (a report card per organization of at
        least ``min_group_size`` members, :mod:`peernet.report.cards`), ``figures/``,
        ``tables/``, ``networks/`` (the
        compared periods as GEXF and GraphML, pseudonymised unless ``pseudonymize=False``),
        ``interactive_map.html`` (offline) and ``report.json`` (provenance: versions, periods,
        seeds, input hashes, list of files).

    Raises
    ------
    TypeError
        ``evaluation`` is not an Evaluation.
    ValueError
        ``out_dir`` is a file or a non-empty folder that is not a peernet report.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> ev = pn.evaluate(pn.load_sample("riverbend"), periods=["2024", "2025"],
    ...                  bootstrap=0)  # doctest: +SKIP
    >>> out = pn.report(ev, pathlib.Path(tempfile.mkdtemp()) / "report")  # doctest: +SKIP
    >>> sorted(p.name for p in out.iterdir())  # doctest: +SKIP
    ['appendix.html', 'figures', 'index.html', 'interactive_map.html', 'networks',
     'organizations.html', 'report.json', 'tables']
    """
    if not isinstance(evaluation, Evaluation):
        raise TypeError(f"report takes an Evaluation from pn.evaluate(...); got "
                        f"{type(evaluation).__name__}")
    bad = [f for f in formats if f not in ("png", "svg", "pdf")]
    if bad:
        raise ValueError(f"formats must be among 'png', 'svg', 'pdf'; got {bad}")
    formats = tuple(dict.fromkeys(("png", *formats)))
    lang = check_language(lang)
    out = _pub.check_target(out_dir)  # before any work: never replace a foreign folder
    say = progress if callable(progress) else (lambda _msg: None)
    tmp = _pub.new_partial(out)
    try:
        from .protect import protected, survey_protected

        # one small-group policy for every figure, table and sentence; survey means of too
        # few respondents are left out of every report (with names too)
        shown = (protected(evaluation, min_group_size) if pseudonymize
                 else survey_protected(evaluation, min_group_size))
        scrub = None
        if pseudonymize:  # the last check: nothing a loader saw about a person leaves
            from ..privacy import sensitive_strings
            from .i18n import language_words
            from .protect import small_names

            small = small_names(evaluation, min_group_size)  # "es" in Spanish: not in prose
            # a word of the pages is one word: names of several need no catalog read
            one_word = {w for k in small if re.fullmatch(r"\w+", w := k.strip().lower())}
            scrub = _pub.OutputScrub({**sensitive_strings(evaluation.net, ids=False), **small},
                                     words=language_words(lang) & one_word if one_word
                                     else frozenset())
        with use_language(lang):
            # the largest files are scrubbed by the core that wrote them, once written
            _build(shown, tmp, title=title, names=not pseudonymize, formats=formats,
                   say=say, min_group_size=min_group_size, scrub=scrub)
        if scrub is not None:   # every other text file, now that all are written
            scrub.rest(tmp)
        _pub.publish(tmp, out)
    except BaseException:
        _pub.discard(tmp)
        raise
    return out


def _build(ev: Evaluation, folder: Path, *, title: str | None, names: bool,
           formats: tuple[str, ...], say: Callable[[str], Any], min_group_size: int,
           scrub: _pub.OutputScrub | None = None) -> None:
    (folder / "figures").mkdir()
    (folder / "tables").mkdir()
    # Privacy (peernet.privacy): without names, no member is named anywhere in the report:
    # figures carry no labels, member-level tables are left out, and the data-quality
    # tables come from the pseudonymised network (values read from the files and names in
    # problem texts scrubbed). Breakdowns of fewer than min_group_size members are
    # suppressed in every case.
    say(N_("drawing figures"))
    # what both halves need, once, before the fork: pyplot (both draw) and the changes
    # between the periods (the findings, the tables and the page read them)
    import matplotlib.pyplot  # noqa: F401

    if ev.previous is not None:
        ev.changes()
    labels = list(ev.periods[-2:])
    # a network too large for a person map gets the organization map only (no layout)
    no_maps = too_large(ev, "maps")
    # a network too large for a browser or a file viewer is left out; the page says so
    left_out = {w: r for w in ("files", "map") if (r := too_large(ev, w))}
    if no_maps:
        left_out["maps"] = no_maps

    from .cards import PAGE, org_card_parts, with_survey
    from .findings import findings
    from .render import load_templates
    from .survey_section import survey_section

    # the survey section goes with the maps half when the person maps are left out (it
    # then has little else to do: at 100,000 members the survey section took 3.7 s and
    # the maps half 3 s while the other half took 9.8), else with the other half
    survey_with_maps = bool(no_maps)

    def survey_part() -> tuple[Any, Any]:
        survey = survey_section(ev, folder / "tables", min_group_size=min_group_size)
        chart = survey_figure(survey, folder / "figures", formats) \
            if survey and survey.get("shown") else None
        return survey, chart

    def maps() -> tuple[Any, ...]:  # on the other core: the findings, the maps (one layout
        # of the compared periods for the static maps and the interactive map) and the
        # network files, the largest text files, scrubbed here
        from ..plot.layouts import periods_layout

        found = findings(ev, min_group_size=min_group_size)
        color_by, why = map_color_by(ev, found)
        map_layout = None if no_maps else periods_layout([ev.slices[p] for p in labels])
        inter = None if "map" in left_out else write_interactive_map(
            ev, folder, names=names, color_by=color_by, lang=current_language(),
            layout=map_layout)
        figures = figures_of(ev, folder / "figures", formats, min_group_size, map_layout,
                             color_by=color_by, why=why, found=found, part="maps",
                             person_maps=not no_maps)
        files = [] if "files" in left_out else write_networks(ev, folder, names=names)
        if scrub is not None:
            scrub.files(folder, files + ([inter] if inter else []))
        part = survey_part() if survey_with_maps else None
        return found, figures, inter, files, sorted(scrub.done) if scrub else [], part

    def others() -> tuple[Any, ...]:  # here meanwhile: the two halves take about as long
        say(N_("writing the network files and the interactive map"))
        part = None if survey_with_maps else survey_part()
        say(N_("writing tables"))
        # only the data-quality records are shown: scrub them alone, not the whole network
        # (here, beside the maps: a second at 100,000 members)
        quality = ev.net.quality if names else scrub_quality(ev.net)
        tables, suppressed = _tables(ev, folder / "tables", names=names, quality=quality,
                                     min_group_size=min_group_size)
        figures = figures_of(ev, folder / "figures", formats, min_group_size, None,
                             part="others", person_maps=not no_maps)
        parts = org_card_parts(ev, min_group_size=min_group_size)
        ctx = _context(ev, title=title, names=names, figures={}, tables=tables,
                       suppressed=suppressed, min_group_size=min_group_size)
        load_templates("index.html", "appendix.html", PAGE)
        return part, figures, parts, ctx

    (found, figures, interactive, network_files, scrubbed, mine), (theirs, more, parts, ctx) \
        = both(maps, others)
    survey, chart = mine or theirs or (None, None)
    if chart is not None and survey is not None:   # the context holds this very dict
        ctx["tables"]["survey_by_org"] = _table(
            survey["by_org"].drop(columns="suppressed"), csv=None,
            titles={"org": _("Organization"), "trust": _("Trust"), "value": _("Value"),
                    "n_raters": _("Members who rated it"),
                    "response_rate": _("Response of its raters")},
            units=None)
    orgs = with_survey(parts, survey)
    if scrub is not None:
        scrub.mark(scrubbed)
    figures.update(more)
    if chart is not None:
        figures["survey"] = chart
    say(N_("writing index.html"))
    ctx["figures"] = _FigMap(figures)
    ctx.update(interactive=interactive, network_files=network_files, lang=current_language(),
               survey=survey, orgs=orgs if orgs["cards"] or orgs["grouped"] else None)
    notes = list(ctx.get("notes") or [])
    for what, said in (("maps", _("Maps of the members not drawn")),
                       ("map", _("Interactive map not drawn")),
                       ("files", _("Network files not written"))):
        if what in left_out:
            notes.append(_("{what}: {reason}").format(what=said,
                                                      reason=translate(left_out[what])))
    ctx["notes"] = notes
    ctx["page"] = first_page(ev, cards=ctx["cards"], min_group_size=min_group_size,
                             survey=survey, found=found)
    # the card page on the other core (2,500 organizations: 10 MB, 1.6 s), scrubbed there
    cards_page = later(lambda: write_page(ctx, folder / PAGE, scrub)) if ctx["orgs"] else None
    (folder / "index.html").write_text(render(ctx, "index.html"), encoding="utf-8")
    (folder / "appendix.html").write_text(render(ctx, "appendix.html"), encoding="utf-8")
    if scrub is not None and cards_page is not None:   # the other files, while it writes
        scrub.files(folder, [p.relative_to(folder).as_posix()
                             for p in _pub.files_of(folder) if p.name != PAGE])
    done = cards_page.result() if cards_page is not None else []
    if scrub is not None:
        scrub.mark(done)
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    meta = dict(ev.meta)
    meta.update({"title": ctx["title"], "names": names, "files": files + [MARKER],
                 "lang": current_language(), "left_out": left_out})
    (folder / MARKER).write_text(json.dumps(meta, indent=2, sort_keys=True, default=str),
                                 encoding="utf-8")


# ---------------------------------------------------------------------- tables
class _T(dict):
    """A table for the template: columns (title, num), rows of cells (text, cls), csv."""


#: Columns holding file names: shown as file names (``<code>``), not in words.
_FILE_COLUMNS = ("file",)


def _cell(value: Any, col: str, unit: str | None = None) -> dict[str, Any]:
    text = _text(value, col, unit)
    if col in _FILE_COLUMNS:
        return {"text": text, "cls": "", "code": True}
    if isinstance(value, str):
        # a label or note written in English, in the report's language; a value read from
        # the data (a sector ``social_services``) or a note naming a key (an outcome
        # ``median_days_referral_to_service``) in words (issue 19)
        text = words(translate(text, record=col in LABEL_COLUMNS))
    return {"text": text, "cls": "", "code": False}


def _text(value: Any, col: str = "", unit: str | None = None) -> str:
    """A table cell as text (:func:`peernet.report.format.cell`); the unit of a number
    comes from ``unit`` or else from the column's name."""
    return cell(value, unit if unit is not None else _unit(col))


def _unit(col: str) -> str:
    if col.startswith("share_") or col.endswith("_rate") or col in ("coverage",):
        return "share"
    return METRICS.get(col, ("", "", 0))[1]


def _num(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def _table(df: pd.DataFrame | None, *, csv: str | None = None, folder: Path | None = None,
           titles: Mapping[str, str] | None = None, units: Sequence[str] | None = None,
           classes: Sequence[str] | None = None, empty: str | None = None,
           limit: int | None = None) -> _T:
    """Write ``df`` to ``tables/<csv>`` and describe it for the template."""
    df = pd.DataFrame() if df is None else df
    if csv and folder is not None:
        safe_csv(df, folder / csv)
    titles = dict(titles or {})
    # the page shows labels, not keys: a "metric" column beside its "label" stays in the
    # CSV only (issue 19: no snake_case key in the report's text)
    page_df = df.drop(columns=["metric"]) if {"metric", "label"} <= set(df.columns) else df
    cols = list(page_df.columns)
    shown = page_df if limit is None else page_df.head(limit)
    titles.setdefault("label", _("measure"))  # the words of a "metric" key
    columns = [{"title": titles.get(c) or column_title(c), "num": _num(page_df[c])}
               for c in cols]
    rows = []
    for i, rec in enumerate(shown.itertuples(index=False)):
        unit = units[i] if units is not None else None
        cls = classes[i] if classes is not None else ""
        row = []
        for c, v in zip(cols, rec, strict=True):
            cell = _cell(v, str(c), unit if c in ("previous", "current", "change", "value",
                                                   "low", "high") else None)
            if c in ("change", "assessment") and cls:
                cell["cls"] = cls
            row.append(cell)
        rows.append(row)
    return _T(columns=columns, rows=rows, csv=csv, id=None, empty=empty)


def _tables(ev: Evaluation, folder: Path, *, names: bool, quality: Any,
            min_group_size: int) -> tuple[dict[str, _T], pd.DataFrame]:
    from ..privacy import suppress_small
    from .protect import roles_together

    cur, prev = ev.current, ev.previous
    t: dict[str, _T] = {}
    gone: list[pd.DataFrame] = []
    grp, g_gone = suppress_small(ev.groups, count_column="members_current",
                                 min_group_size=min_group_size, by=["period", "by", "group"])
    gone.append(g_gone.rename(columns={"group": "name"}))
    small = set(zip(g_gone["by"], g_gone["group"], strict=True))
    sc = ev.scorecard()
    safe_csv(sc, folder / "grid_scorecard.csv")
    t["scorecard"] = _table(None, empty=_("The Grid could not be scored."))
    if len(sc):
        shown = sc.copy()
        for col in [c for c in shown.columns if c.startswith(("score_", "change"))
                    or c in ("low", "high")]:
            shown[col] = shown[col].round(0)
        for col in ("layer", "element"):
            if col in shown.columns:
                shown[col] = shown[col].map(pretty)
        t["scorecard"] = _table(shown)
        t["scorecard"]["csv"] = "grid_scorecard.csv"
    ind = ev.indicators
    if len(ind):
        safe_csv(ind, folder / "grid_indicators.csv")
        keep = [c for c in ("element", "indicator", "value", "unit", "score", "band",
                            "weight", "has_data", "note") if c in ind.columns]
        cur_ind = ind[ind["period"] == cur][keep].reset_index(drop=True)
        labels = indicator_labels(ev.scores)
        cur_ind["indicator"] = [labels.get(i, pretty(i)) for i in cur_ind["indicator"]]
        cur_ind["element"] = cur_ind["element"].map(pretty)
        cur_ind["score"] = cur_ind["score"].round(0)
        t["indicators"] = _table(cur_ind)
        t["indicators"]["csv"] = "grid_indicators.csv"
    else:
        t["indicators"] = _table(None, empty=_("No indicators."))
    ch = ev.changes() if prev is not None else pd.DataFrame()
    if len(ch):
        hide = np.array([(a, b) in small for a, b in zip(ch["section"], ch["item"],
                                                          strict=True)], dtype=bool)
        cols = ["previous", "current", "change", "change_rel", "low", "high", "salience"]
        ch.loc[hide, cols] = np.nan
        for col in ("real", "tested", "direction", "assessment"):  # no direction either
            if col in ch.columns:
                ch[col] = ch[col].astype("object").where(~hide, None)
        ch["suppressed"] = hide
        safe_csv(ch, folder / "changes.csv")
    # structure
    netw = ev.network.pivot_table(index="metric", columns="period", values="value",
                                  sort=False, dropna=False)
    netw = netw.reindex(columns=list(ev.periods)).reset_index()
    netw.insert(1, "label", netw["metric"].map(lambda m: METRICS.get(m, (m, "", 0))[0]))
    iv = ev.network[ev.network["period"] == cur][["metric", "low", "high"]]
    if iv[["low", "high"]].notna().any().any():
        iv = iv.rename(columns={"low": f"low_{cur}", "high": f"high_{cur}"})
        netw = netw.merge(iv, on="metric", how="left")
    netw.columns = [str(c) for c in netw.columns]
    t["network"] = _table(netw, csv="network_metrics.csv", folder=folder)
    safe_csv(ev.network, folder / "network_metrics_long.csv")
    t["ties"] = _ties_table(ev)
    if len(ev.ties):
        safe_csv(ev.ties, folder / "tie_change.csv")
        t["ties"]["csv"] = "tie_change.csv"
    # participation
    safe_csv(_by_period(ev.annual, ev.periods), folder / "participation_by_period.csv")
    t["annual"] = _table(_shown_by_period(ev.annual, ev.periods))
    t["annual"]["csv"] = "participation_by_period.csv"
    step = ev.meta.get("participation_by", "quarter")
    if step != "period":   # by the evaluated windows it is participation_by_period.csv
        safe_csv(ev.participation, folder / f"participation_by_{step}.csv")
    safe_csv(grp, folder / "groups.csv")
    for by in ("region", "sector", "language"):
        t[f"by_{by}"] = _table(_group_table(grp, by, ev.periods),
                               empty=_("The roster has no {group}.").format(
                                   group=_(_GROUP_NAMES[by])))
    # follow-up
    fu = ev.followup.pivot_table(index="metric", columns="period", values="value",
                                 sort=False, dropna=False).reindex(
        columns=list(ev.periods)).reset_index()
    fu.columns = [str(c) for c in fu.columns]
    units = [METRICS.get(m, ("", "", 0))[1] for m in fu["metric"]] if len(fu) else []
    fu.insert(1, "label", fu["metric"].map(lambda m: METRICS.get(m, (m, "", 0))[0]))
    t["followup"] = _table(_unit_cols(fu, units, ev.periods), csv="problem_solving.csv",
                           folder=folder, empty=_("The data hold no problem or action log."))
    pi = ind[(ind["period"] == cur) & ind["element"].astype("str").str.contains(
        "problem", case=False)] if len(ind) and "element" in ind.columns else pd.DataFrame()
    keep = [c for c in ("indicator", "value", "unit", "score", "band", "has_data", "note")
            if c in pi.columns]
    pi = pi[keep].reset_index(drop=True) if len(pi) else None
    if pi is not None and "indicator" in pi.columns:  # labels, not keys
        labels_of = indicator_labels(ev.scores)
        pi["indicator"] = [indicator_name(str(k), labels_of) for k in pi["indicator"]]
    t["problem_indicators"] = _table(pi, empty="")
    # roles
    for by, key in (("org", "roles_org"), ("sector", "roles_sector")):
        if by in ev.net.members.columns and len(ev.members):
            roles, r_gone = suppress_small(roles_together(ev, by, min_group_size),
                                           count_column="members",
                                           min_group_size=min_group_size, by=[by])
            gone.append(r_gone.rename(columns={by: "name"}).assign(by=by, period=cur))
            t[key] = _table(roles, csv=f"roles_by_{by}.csv", folder=folder)
        else:
            t[key] = _table(None, empty=_("The roster has no {group}.").format(
                group=_(_GROUP_NAMES[by])))
    t["people"] = _people(ev, folder) if names else _T()  # empty: the template skips it
    # data quality (counts and problems; values only with names: they may hold personal data)
    q = quality
    t["quality"] = _table(q.counts, csv="data_quality_counts.csv", folder=folder,
                          empty=_("No source was read (tables built in Python)."))
    t["problems_found"] = _table(q.by_problem(), csv="data_quality_problems.csv",
                                 folder=folder, empty=_("No problem was found in the data."))
    if names:
        safe_csv(q.issues, folder / "data_quality_issues.csv")
    # methodology
    meta = ev.meta
    rows = [(N_("peernet version"), meta.get("peernet_version")),
            (N_("rubric"), meta.get("rubric")), (N_("rubric version"), meta.get("rubric_version")),
            (N_("network"), meta.get("name")), (N_("time zone"), meta.get("tz"))]
    shown = [(_(k), v) for k, v in rows]
    for p, w in meta.get("periods", {}).items():
        rows.append((f"period {p}", f"{w['start']} to {w['end']}"))
        shown.append((_("period {period}").format(period=p), _("{start} to {end}").format(
            start=_day(w["start"]), end=_day(w["end"]))))
    more = [(N_("bootstrap resamples"), meta.get("bootstrap")),
            (N_("bootstrap seed"), meta.get("seed")),
            (N_("map layout seed"), meta.get("layout_seed")),
            (N_("names shown"), N_("yes") if names else N_("no (members are not named)"))]
    rows += more
    shown += [(_(k), _(str(v)) if k == "names shown" else v) for k, v in more]
    # the CSV in English (a record), the page in the report's language
    safe_csv(pd.DataFrame(rows, columns=["item", "value"]).astype(str),
             folder / "methodology.csv")
    t["methodology"] = _table(pd.DataFrame(shown, columns=["item", "value"]).astype(str))
    t["methodology"]["csv"] = "methodology.csv"
    t["inputs"] = _table(pd.DataFrame(meta.get("inputs") or [],
                                      columns=["file", "sha256", "bytes"]),
                         csv="input_files.csv", folder=folder,
                         empty=_("The input files were not given (pn.evaluate(..., inputs=path) "
                                 "records their SHA-256 hashes)."))
    suppressed = pd.concat([g for g in gone if len(g)], ignore_index=True) if any(
        len(g) for g in gone) else pd.DataFrame(columns=["period", "by", "name", "reason"])
    return t, suppressed


def _ties_table(ev: Evaluation) -> _T:
    """Tie change between the last two periods, one readable row a measure."""
    if ev.ties.empty or ev.previous is None:
        return _table(None, empty=_("Tie change needs two periods."))
    row = ev.ties[ev.ties["period"] == ev.current]
    if row.empty:
        return _table(None, empty=_("Tie change needs two periods."))
    row = row.iloc[0]
    names = [k for k in TIE_LABELS if k in row.index]
    df = pd.DataFrame({
        "measure": [_(TIE_LABELS[k]).format(a=ev.previous, b=ev.current) for k in names],
        "value": [_text(row[k], k, "share" if k in ("jaccard", "share_kept") else "")
                  for k in names]})
    return _table(df)


def _by_period(df: pd.DataFrame, periods: Sequence[str]) -> pd.DataFrame:
    """One row a metric, one column a period (the way a reader compares years)."""
    if df is None or df.empty or "period" not in df.columns:
        return pd.DataFrame()
    num = [c for c in df.columns if c != "period" and _num(df[c])]
    wide = df.set_index("period")[num].T.reindex(columns=list(periods))
    wide.columns = [str(c) for c in wide.columns]
    wide.insert(0, "label", [METRICS.get(m, (m.replace("_", " "), "", 0))[0] for m in num])
    wide.insert(0, "metric", num)
    return wide.reset_index(drop=True)


def _shown_by_period(df: pd.DataFrame, periods: Sequence[str]) -> pd.DataFrame:
    """:func:`_by_period` with shares written as percentages (for the page)."""
    wide = _by_period(df, periods)
    if wide.empty:
        return wide
    return _unit_cols(wide, [_unit(m) for m in wide["metric"]], periods)


def _unit_cols(df: pd.DataFrame, units: Sequence[str], periods: Sequence[str]) -> pd.DataFrame:
    """Format share rows as percentages in a metric x period table (text cells)."""
    out = df.copy()
    for p in periods:
        if p in out.columns:
            out[p] = [_text(v, "", u) for v, u in zip(out[p], units, strict=True)]
    return out


def _group_table(grp: pd.DataFrame, by: str, periods: Sequence[str]) -> pd.DataFrame | None:
    g = grp[grp["by"] == by]
    if g.empty:
        return None
    wide = g.pivot_table(index="group", columns="period",
                         values=["members_current", "members_active", "share_active"],
                         sort=True)
    out = pd.DataFrame({by: wide.index.astype("str")})
    for p in periods:
        for v in ("members_current", "members_active", "share_active"):
            if (v, p) in wide.columns:
                out[f"{v} {p}"] = wide[(v, p)].to_numpy()
    return out.rename(columns=lambda c: c.replace("members_current", "members")
                      .replace("members_active", "active").replace("share_active", "share_active"))


def _people(ev: Evaluation, folder: Path) -> _T:
    """The most connected members by name (only in reports made with names)."""
    mm = ev.members[ev.members["period"] == ev.current].drop(columns="period")
    roster = ev.net.members.drop_duplicates("member_id")
    cols = [c for c in ("name", "org", "sector") if c in roster.columns]
    mm = mm.drop(columns=[c for c in cols if c in mm.columns]).merge(
        roster[["member_id", *cols]], on="member_id", how="left")
    mm = mm.drop(columns=[c for c in mm.columns if c in ("email",)])
    safe_csv(mm, folder / "member_metrics.csv")
    rank = next((c for c in ("betweenness", "degree", "strength") if c in mm.columns), None)
    if rank is not None:
        mm = mm.sort_values([rank, "member_id"], ascending=[False, True], kind="stable")
    show = [c for c in ("name", "member_id", "org", "sector", "position", "degree",
                        "betweenness", "brokerage_liaison") if c in mm.columns]
    return _table(mm[show].reset_index(drop=True), csv=None, limit=15)


# ---------------------------------------------------------------------- page text
#: What a breakdown is by, in words (the note on suppressed rows).
_GROUP_NAMES = {"org": N_("organization"), "sector": N_("sector"), "region": N_("region"),
                "language": N_("language")}


def _day(value: Any) -> str:
    """A date of the page: ISO (``2025-01-01``) in English, the language's long form
    elsewhere (``1 de enero de 2025``)."""
    if current_language() == "en":
        return str(value)
    return format_date(pd.Timestamp(value))


def _context(ev: Evaluation, *, title: str | None, names: bool, figures: dict,
             tables: dict, suppressed: pd.DataFrame, min_group_size: int) -> dict[str, Any]:
    cur, prev = ev.current, ev.previous
    meta = ev.meta
    periods = meta.get("periods", {})
    period_text = ", ".join(_("{period} ({start} to {end})").format(
        period=p, start=_day(w["start"]), end=_day(w["end"])) for p, w in periods.items())
    annual = all(getattr(s.window, "kind", "year") in ("year", "fiscal_year")
                 for s in ev.slices.values())
    if not title:
        title = (_("{network}: annual network evaluation {period}") if annual
                 else _("{network}: network evaluation {period}")).format(
            network=ev.net.name, period=cur)
    lead = (_("This report evaluates the peer network {network} in {period}").format(
                network=ev.net.name, period=cur)
            + (_(" and compares it with {previous}.").format(previous=prev) if prev else
               _(". It is the network's baseline: {reason}; later reports compare with "
                 "it.").format(reason=translate(ev.meta.get("baseline")) or _("one period")))
            + _(" It scores the network on the Community Change Grid, maps who works with "
                "whom, and measures participation, problem solving and follow-up."))
    cards = _cards(ev)
    highlights = ev.highlights(5) if prev is not None else []
    groups = []
    if prev is not None:
        ch = ev.changes()
        g = ch[ch["section"].isin(["region", "sector", "language"])
               & (ch["metric"] == "interactions") & (ch["salience"] >= 1)]
        labels = indicator_labels(ev.scores)
        groups = [sentence(r, ch, ev.layers, labels) for r in g.sort_values(
            "salience", ascending=False, kind="stable").itertuples(index=False)]
    score = ev.scores.get(cur)
    grid_summary = str(score.summary()) if score is not None and hasattr(score, "summary") \
        else ""
    notes = []
    if not names:
        notes.append(_("Members are not named in this report; maps carry no labels and "
                       "roles are counted by organization and sector."))
    if len(suppressed):
        kinds = sorted(set(suppressed["by"]))
        # the suppressed groups are not named (docs/privacy.md): small ones are shown
        # together as "other small organizations" (sectors, regions, languages)
        notes.append(_("Breakdowns of fewer than {size} members are suppressed (shown as –) "
                       "to protect the people in them, with as many others as needed so "
                       "that totals do not give them away: {rows} row(s) by {by}.").format(
                           size=min_group_size, rows=len(suppressed),
                           by=", ".join(_(_GROUP_NAMES.get(k, k)) for k in kinds))
                     + ("" if names else _(" Groups under that size are shown together as "
                                           "\"other small organizations\" (sectors, regions, "
                                           "languages).")))
    if not meta.get("bootstrap"):
        notes.append(_("No bootstrap intervals were computed (bootstrap=0): changes in "
                       "network metrics are shown without a test against noise."))
    return {
        "title": title, "subtitle": _("Data period: {periods}. peernet {version}.").format(
            periods=period_text, version=meta.get("peernet_version")),
        "lead": lead, "cards": cards, "highlights": highlights, "grid_summary": grid_summary,
        "elements": element_changes(ev.changes(), ev.layers) if prev is not None else [],
        "group_changes": groups,
        "notes": notes, "current": cur, "previous": prev or cur, "figures": _FigMap(figures),
        "tables": tables, "names": names, "meta": meta, "period_text": period_text,
        "docs": [{"path": p, "what": w} for p, w in DOCS],
    }


class _FigMap(dict):
    def __missing__(self, key):  # a figure that was not drawn renders as nothing
        return None


def _cards(ev: Evaluation) -> list[dict[str, str]]:
    cur, prev = ev.current, ev.previous
    picks = [("participation", "members_active"), ("participation", "events"),
             ("participation", "retention_rate"), ("network", "reciprocity"),
             ("network", "ei_index_org"), ("followup", "share_problems_solved")]
    vals_c = ev.values(cur)
    vals_p = ev.values(prev) if prev else None
    out = []
    for section, metric in picks:
        row = vals_c[(vals_c["section"] == section) & (vals_c["metric"] == metric)]
        if row.empty:
            continue
        label, unit, direction = METRICS.get(metric, (metric, "", 0))
        v = float(row["value"].iloc[0])
        term = glossary().get(metric)
        card = {"label": _(term["label"]) if term else label, "value": _text(v, metric, unit),
                "delta": "", "cls": "", "key": metric,
                "means": _(term["means"]) if term else ""}
        if vals_p is not None:
            p = vals_p[(vals_p["section"] == section) & (vals_p["metric"] == metric)]
            if len(p) and np.isfinite(p["value"].iloc[0]) and np.isfinite(v):
                d = v - float(p["value"].iloc[0])
                card["delta"] = _("{change} since {previous}").format(
                    change=card_change(d, unit), previous=prev)
                if d and direction:
                    card["cls"] = "better" if np.sign(d) == direction else "worse"
        out.append(card)
    return out
