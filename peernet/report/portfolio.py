"""The portfolio report: several networks compared on one page.

``pn.report_portfolio(portfolio, "out/")`` writes ``index.html`` (one page, CSS inline: a
heat map of networks x Grid elements, the comparison table, a map of each network, and
the networks that could not be evaluated), ``figures/*.png`` beside it, and
``tables/portfolio.csv`` (the table of :attr:`~peernet.Portfolio.table`) and
``tables/grid_scores.csv``. It keeps the rules of :func:`peernet.report`: the folder is
written by :mod:`peernet.report.publish` (built aside, published whole, never replacing a
folder peernet did not write), and a default report (``pseudonymize=True``) is drawn from
each evaluation as :func:`peernet.report.protect.protected` shows it (no member named,
small groups shown together on the maps, survey means of fewer than ``min_group_size``
respondents and their element scores left out), then every text file is scrubbed of every
personal string the loaders saw (:func:`peernet.report.publish.scrub_outputs`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ..privacy import MIN_GROUP_SIZE
from . import publish as _pub
from .csvsafe import safe_csv
from .format import cell, pretty

__all__ = ["report_portfolio"]

#: Columns of the page's comparison table (the CSV has every column of the table).
SHOWN = (("members_active", "Members active", ""), ("share_active", "Share active", "share"),
         ("interactions", "Interactions", ""), ("density", "Density", "index"),
         ("reciprocity", "Reciprocity", "share"),
         ("largest_component_share", "Largest component", "share"),
         ("mixing_org_observed", "Mixing across orgs (E-I)", "index"),
         ("mixing_org_expected", "E-I by chance", "index"),
         ("mixing_org_reading", "Mixing vs chance", ""),
         ("elements_better", "Grid elements better", ""),
         ("elements_worse", "Grid elements worse", ""))


def report_portfolio(portfolio: Any, out_dir: str | Path, *, title: str | None = None,
                     pseudonymize: bool = True, min_group_size: int = MIN_GROUP_SIZE,
                     progress: Callable[[str], Any] | None = None) -> Path:
    """Write the portfolio report of ``portfolio`` into ``out_dir``.

    Parameters
    ----------
    portfolio : Portfolio
        From :func:`peernet.evaluate_many`.
    out_dir : str or Path
        The report folder: created, or replaced when it holds an earlier peernet report;
        any other non-empty folder is refused (:func:`peernet.report.publish.check_target`).
    title : str, optional
        Default: "Portfolio of N peer networks".
    pseudonymize : bool, default True
        Default reports name no member and follow the small-group rules of
        ``docs/privacy.md``; with False the maps and tables use the evaluations as they are
        (the maps carry no labels either way).
    min_group_size : int, default :data:`peernet.privacy.MIN_GROUP_SIZE` (5)
        The smallest group (organization, sector, region, language; survey respondents)
        shown on its own.
    progress : callable, optional
        Called with a short message before each step.

    Returns
    -------
    Path
        ``out_dir``, holding ``index.html``, ``figures/heatmap.png``,
        ``figures/maps.png``, ``tables/portfolio.csv``, ``tables/grid_scores.csv``.

    Raises
    ------
    TypeError
        ``portfolio`` is not a Portfolio.
    ValueError
        ``out_dir`` is a file, or a non-empty folder that is not a peernet report.
    """
    from ..portfolio import Portfolio

    if not isinstance(portfolio, Portfolio):
        raise TypeError(f"report_portfolio takes a Portfolio from pn.evaluate_many(...); got "
                        f"{type(portfolio).__name__}")
    out = _pub.check_target(out_dir)  # before any work: never replace a foreign folder
    say = progress if callable(progress) else (lambda _msg: None)
    tmp = _pub.new_partial(out)
    try:
        from .protect import protected, small_names, survey_protected

        shown = {name: (protected(ev, min_group_size) if pseudonymize
                        else survey_protected(ev, min_group_size))
                 for name, ev in portfolio.evaluations.items()}
        errors = _errors(portfolio, scrub=pseudonymize)
        _build(portfolio, shown, errors, tmp, title=title, say=say, names=not pseudonymize,
               min_group_size=min_group_size)
        if pseudonymize:  # the last check: nothing a loader saw about a person leaves
            from ..privacy import sensitive_strings

            strings: dict[str, str] = {}
            for ev in portfolio.evaluations.values():
                strings.update(sensitive_strings(ev.net, ids=False))
                strings.update(small_names(ev, min_group_size))
            for name in portfolio.names:  # a network is shown under the name it was given
                strings.pop(name, None)
            _pub.scrub_outputs(tmp, strings)
        _pub.publish(tmp, out)
    except BaseException:
        _pub.discard(tmp)
        raise
    return out


def _errors(portfolio: Any, *, scrub: bool) -> dict[str, str]:
    """Why each failed network failed; in a default report without the values the message
    quoted from the files (they may name a person) and with the folder given as its name."""
    from ..privacy import scrub_text

    sources = portfolio.meta.get("sources") or {}
    out = {}
    for name, why in portfolio.errors.items():
        text = str(why)
        src = sources.get(name)
        if src:
            text = text.replace(str(src), f"<{name}>")
        out[name] = scrub_text(text) if scrub else text
    return out


def _build(portfolio: Any, shown: dict[str, Any], errors: dict[str, str], folder: Path, *,
           title: str | None, say: Callable[[str], Any], names: bool,
           min_group_size: int) -> None:
    import matplotlib
    import matplotlib.pyplot as plt

    from .. import plot
    from ..portfolio import portfolio_scores, portfolio_table

    (folder / "figures").mkdir()
    (folder / "tables").mkdir()
    table = portfolio_table(shown, errors, portfolio.names)
    scores = portfolio_scores(shown)
    say("writing tables")
    safe_csv(table, folder / "tables" / "portfolio.csv")
    safe_csv(scores, folder / "tables" / "grid_scores.csv")

    say("drawing the heat map and the maps")
    figures = []
    cur = {n: ev.current for n, ev in shown.items()}
    grid = pd.DataFrame()
    if len(scores):
        s = scores[scores["period"] == scores["network"].map(cur)]
        grid = s.pivot(index="network", columns="element", values="score").reindex(
            index=list(cur), columns=list(dict.fromkeys(s["element"]))).astype("float64")
    with matplotlib.rc_context({"svg.hashsalt": "peernet"}):
        if len(grid):
            fig, ax = plt.subplots(figsize=(1.0 + 0.62 * grid.shape[1],
                                            1.6 + 0.45 * grid.shape[0]))
            plot.portfolio_heatmap(grid, ax=ax)
            plot.save(fig, folder / "figures" / "heatmap", formats=("png",), dpi=120)
            plt.close(fig)
            figures.append({"name": "heatmap", "alt": "Grid element scores by network",
                            "caption": "Each network's Grid element scores in its evaluated "
                            "period (0-100); grey 'n/a': too little data to score."})
            fig = plot.portfolio_maps(shown)
            plot.save(fig, folder / "figures" / "maps", formats=("png",), dpi=100)
            plt.close(fig)
            figures.append({"name": "maps", "alt": "Network maps, one per network",
                            "caption": "Each network in its evaluated period: a dot is a "
                            "member, a line a tie; colours are organizations (or "
                            "communities) within each network, not across networks."})

    say("writing index.html")
    rows = []
    for rec in table.itertuples(index=False):
        if rec.status == "error" or not rec.current:
            continue
        r = rec._asdict()
        cells = [cell(r[c], unit) for c, _t, unit in SHOWN]
        rows.append({"network": rec.network, "period": rec.period,
                     "baseline": bool(rec.baseline), "cells": cells})
    elements = list(grid.columns)
    grid_rows = [{"network": n, "cells": [cell(grid.at[n, e], "points") for e in elements]}
                 for n in grid.index]
    ctx = {
        "title": title or f"Portfolio of {len(portfolio.names)} peer networks",
        "subtitle": (f"{len(portfolio.evaluations)} evaluated, {len(errors)} could not be; "
                     f"written {_dt.date.today().isoformat()}"),
        "figures": figures, "columns": [t for _c, t, _u in SHOWN], "rows": rows,
        "elements": [pretty(e) for e in elements], "grid_rows": grid_rows,
        "errors": errors, "names": names, "min_group_size": min_group_size,
        "meta": portfolio.meta,
    }
    from .render import render  # the report's Jinja environment (autoescape on)

    (folder / "index.html").write_text(render(ctx, "portfolio.html"), encoding="utf-8")
