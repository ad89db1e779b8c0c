"""Many networks at once: ``pn.evaluate_many`` and the :class:`Portfolio` it returns.

A funder or a coordinator of several hubs evaluates many networks the same way and reads
them side by side. ``pn.evaluate_many({"north": "data/north", "south": net}, periods=[...])``
runs :func:`peernet.evaluate` on each network in parallel (local processes by default, a
Dask cluster or any ``concurrent.futures`` executor on request) and gathers what each
:class:`~peernet.Evaluation` already holds into one tidy table. Nothing is computed again:
the numbers of a network's rows are those of its own evaluation, to the last digit.
"""

from __future__ import annotations

import html
import os
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._parallel import WORKERS_ENV
from .evaluation import Evaluation, evaluate
from .network import PeerNetwork

__all__ = ["evaluate_many", "Portfolio", "portfolio_table", "portfolio_scores", "HEADLINE",
           "INTERVAL_METRICS"]

#: Participation numbers of a period (``Evaluation.annual``) shown in a portfolio row.
PARTICIPATION = ("roster_members", "members_active", "interactions", "events",
                 "retention_rate")
#: Network metrics of a period (``Evaluation.network``) shown in a portfolio row; those of
#: :data:`INTERVAL_METRICS` come with ``<metric>_low`` and ``<metric>_high``.
NETWORK = ("density", "reciprocity", "largest_component_share", "avg_clustering",
           "degree_centralization", "modularity", "ei_index_org")
INTERVAL_METRICS = ("density", "reciprocity", "largest_component_share", "avg_clustering",
                    "degree_centralization", "ei_index_org")
#: The headline columns of a portfolio row, in order (after ``network, period, ...``).
HEADLINE = (*PARTICIPATION, "share_active", *NETWORK, "mixing_org_observed",
            "mixing_org_expected", "mixing_org_p_value", "mixing_org_reading",
            "elements_better", "elements_worse")
KEYS = ["network", "period", "current", "baseline", "status", "error"]


# ---------------------------------------------------------------------- the result
@dataclass(frozen=True, repr=False, eq=False)
class Portfolio:
    """Several networks evaluated the same way, side by side.

    Build it with :func:`evaluate_many`.

    Attributes
    ----------
    evaluations : dict of str to Evaluation
        The evaluation of each network that could be evaluated, by name (input order).
    errors : dict of str to str
        Why each other network could not be evaluated (a one-line message naming the
        file, row and column where the error says so), by name.
    table : DataFrame
        One row a network and period (a failed network: one row, ``period`` missing),
        described in :func:`portfolio_table`.
    scores : DataFrame
        ``network`` then :attr:`Evaluation.layers` of every network (long form: ``period,
        layer, element, score, band, coverage, ..., has_data, low, high``).
    meta : dict
        ``periods`` asked for, ``executor`` (what ran the evaluations), ``workers``,
        ``evaluate`` (the keyword arguments given to :func:`peernet.evaluate`),
        ``sources`` (the folder of each network given as a path), ``peernet_version``.
    """

    evaluations: Mapping[str, Evaluation]
    errors: Mapping[str, str]
    table: pd.DataFrame
    scores: pd.DataFrame
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """Every network's name, in input order (failed ones included)."""
        return list(self.table["network"].drop_duplicates())

    def current(self) -> pd.DataFrame:
        """The rows of each network's evaluated (last) period, and of failed networks."""
        t = self.table
        return t[t["current"].to_numpy(dtype=bool) | (t["status"] == "error").to_numpy()
                 ].reset_index(drop=True)

    def grid(self) -> pd.DataFrame:
        """Element scores of each network's evaluated period: one row a network, one column
        an element (what the portfolio heat map draws); failed networks are left out."""
        s = self.scores
        if s.empty:
            return pd.DataFrame()
        cur = {name: ev.current for name, ev in self.evaluations.items()}
        s = s[s["period"] == s["network"].map(cur)]
        order = list(dict.fromkeys(s["element"]))
        out = s.pivot(index="network", columns="element", values="score")
        return out.reindex(index=list(cur), columns=order).astype("float64")

    def __repr__(self) -> str:
        return (f"<Portfolio networks={self.names} evaluated={len(self.evaluations)} "
                f"failed={len(self.errors)}>")

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(n)}: {html.escape(e)}</li>"
                        for n, e in self.errors.items())
        return (f"<b>Portfolio of {len(self.names)} networks</b> ({len(self.evaluations)} "
                f"evaluated, {len(self.errors)} failed)<ul>{items}</ul>")


# ---------------------------------------------------------------------- the table
def portfolio_table(evaluations: Mapping[str, Evaluation],
                    errors: Mapping[str, str] | None = None,
                    order: list[str] | None = None) -> pd.DataFrame:
    """The portfolio's table: one row a network and period, read from the evaluations.

    Columns, keys first:

    - ``network``, ``period``; ``current`` (the evaluated, last period of that network);
      ``baseline`` (the network's evaluation is a baseline: one period);
      ``status`` (``ok`` or ``error``) and ``error`` (why the network could not be
      evaluated; empty otherwise). A failed network has one row with no period and no
      numbers;
    - participation (:attr:`Evaluation.annual`): ``roster_members, members_active,
      interactions, events, retention_rate``, and ``share_active`` = members active /
      members on the roster;
    - structure (:attr:`Evaluation.network`): ``density, reciprocity,
      largest_component_share, avg_clustering, degree_centralization, modularity,
      ei_index_org``, each of :data:`INTERVAL_METRICS` with ``<metric>_low`` and
      ``<metric>_high`` (the bootstrap interval; NaN with ``bootstrap=0``);
    - mixing across organizations against chance (:attr:`Evaluation.mixing`, the
      ``ei_index`` row by ``org``): ``mixing_org_observed``, ``mixing_org_expected``,
      ``mixing_org_p_value``, ``mixing_org_reading``;
    - ``elements_better``, ``elements_worse``: on the evaluated period's row, how many
      Grid elements changed since the previous period for better or for worse by a change
      called real (:meth:`Evaluation.changes`: its interval excludes 0); NaN on earlier
      rows, for a baseline and with ``bootstrap=0`` (no change was tested);
    - the Grid (:attr:`Evaluation.layers`): ``score_<element>`` for every element, with
      ``score_<element>_low`` and ``score_<element>_high``; NaN where the element had too
      little data.
    """
    errors = dict(errors or {})
    names = order or [*evaluations, *[n for n in errors if n not in evaluations]]
    rows: list[dict[str, Any]] = []
    elements: list[str] = []
    for name in names:
        if name in errors:
            rows.append({"network": name, "period": None, "current": False,
                         "baseline": False, "status": "error", "error": errors[name]})
            continue
        ev = evaluations[name]
        layers = ev.layers
        for el in layers.get("element", pd.Series(dtype="object")).drop_duplicates():
            if el not in elements:
                elements.append(str(el))
        for period in ev.periods:
            rows.append(_row(name, ev, period, layers))
    score_cols = [c for el in elements for c in (f"score_{el}", f"score_{el}_low",
                                                  f"score_{el}_high")]
    net_cols = [c for m in NETWORK for c in ((m, f"{m}_low", f"{m}_high")
                                             if m in INTERVAL_METRICS else (m,))]
    columns = [*KEYS, *PARTICIPATION, "share_active", *net_cols, "mixing_org_observed",
               "mixing_org_expected", "mixing_org_p_value", "mixing_org_reading",
               "elements_better", "elements_worse", *score_cols]
    out = pd.DataFrame(rows, columns=columns)
    for col in columns:
        if col in ("network", "period", "status", "error", "mixing_org_reading"):
            out[col] = out[col].astype("object").where(out[col].notna(), None)
        elif col in ("current", "baseline"):
            out[col] = out[col].astype(bool)
        else:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    out["error"] = out["error"].fillna("")
    out["mixing_org_reading"] = out["mixing_org_reading"].fillna("n/a")
    return out


def _row(name: str, ev: Evaluation, period: str, layers: pd.DataFrame) -> dict[str, Any]:
    row: dict[str, Any] = {"network": name, "period": period,
                           "current": period == ev.current, "baseline": ev.baseline,
                           "status": "ok", "error": ""}
    ann = ev.annual[ev.annual["period"] == period]
    for col in PARTICIPATION:
        row[col] = ann[col].iloc[0] if len(ann) and col in ann.columns else np.nan
    roster, active = row["roster_members"], row["members_active"]
    row["share_active"] = (float(active) / float(roster)
                           if pd.notna(roster) and pd.notna(active) and roster else np.nan)
    netm = ev.network[ev.network["period"] == period].set_index("metric")
    for m in NETWORK:
        has = m in netm.index
        row[m] = netm.at[m, "value"] if has else np.nan
        if m in INTERVAL_METRICS:
            row[f"{m}_low"] = netm.at[m, "low"] if has else np.nan
            row[f"{m}_high"] = netm.at[m, "high"] if has else np.nan
    mix = ev.mixing
    mix = mix[(mix["period"] == period) & (mix["by"] == "org")
              & (mix["measure"] == "ei_index")]
    if len(mix):
        r = mix.iloc[0]
        row.update(mixing_org_observed=r["observed"], mixing_org_expected=r["expected"],
                   mixing_org_p_value=r["p_value"], mixing_org_reading=r["reading"])
    if period == ev.current and not ev.baseline:
        ch = ev.changes()
        grid = ch[ch["section"] == "grid"]
        if grid["tested"].to_numpy(dtype=bool).any():  # with bootstrap=0 nothing is tested
            real = grid[grid["real"].to_numpy(dtype=bool)]
            row["elements_better"] = int((real["assessment"] == "better").sum())
            row["elements_worse"] = int((real["assessment"] == "worse").sum())
    if len(layers):
        lay = layers[layers["period"] == period]
        for el, score, low, high in zip(lay["element"], lay["score"], lay["low"], lay["high"],
                                        strict=True):
            row[f"score_{el}"], row[f"score_{el}_low"], row[f"score_{el}_high"] = \
                score, low, high
    return row


def portfolio_scores(evaluations: Mapping[str, Evaluation]) -> pd.DataFrame:
    """``network`` then :attr:`Evaluation.layers` of each evaluation (Grid element scores of
    every period, long form), networks in the mapping's order."""
    parts = [ev.layers.assign(network=name) for name, ev in evaluations.items()]
    parts = [p[["network", *[c for c in p.columns if c != "network"]]] for p in parts
             if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["network", "period", "layer", "element", "score", "low", "high"])


# ---------------------------------------------------------------------- one network
def one_process_each() -> None:
    """Initializer of a portfolio's worker processes: ``PEERNET_WORKERS=1``."""
    os.environ[WORKERS_ENV] = "1"


def _one_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    text = lines[0] if lines else ""
    from .errors import PeernetError

    if isinstance(err, PeernetError) and text:  # peernet's own messages say it all
        return text
    kind = type(err).__name__
    return f"{kind}: {text}" if text else kind


def _evaluate_one(name: str, source: Any, kwargs: Mapping[str, Any]
                  ) -> tuple[str, Evaluation | None, str | None]:
    """Load (a path) and evaluate one network; every error becomes its one-line reason.

    Runs in a worker process (or a Dask worker): it returns the error instead of raising
    it, so that one network that fails loses nothing of the others, and no exception
    object has to travel back between processes.
    """
    from .errors import DataQualityWarning

    try:
        with warnings.catch_warnings():  # repaired rows are in ev.net.quality
            warnings.simplefilter("ignore", DataQualityWarning)
            if isinstance(source, PeerNetwork):
                net, inputs = source, None
            else:
                from .io import load

                net, inputs = load(source), source
            args = dict(kwargs)
            args.setdefault("inputs", inputs)
            return name, evaluate(net, **args), None
    except Exception as err:  # noqa: BLE001 - the reason goes into the network's row
        return name, None, _one_line(err)


# ---------------------------------------------------------------------- evaluate_many
def evaluate_many(networks: Mapping[str, str | os.PathLike[str] | PeerNetwork], *,
                  periods: Any = None, executor: Any = None, max_workers: int | None = None,
                  progress: Callable[[str], Any] | None = None,
                  **evaluate_kwargs: Any) -> Portfolio:
    """Evaluate several networks in parallel and gather them into a :class:`Portfolio`.

    Parameters
    ----------
    networks : mapping of str to path or PeerNetwork
        Each network's name (as the portfolio shows it) and its folder (loaded with
        :func:`peernet.load` in the worker) or a loaded :class:`~peernet.PeerNetwork`.
    periods : optional
        As in :func:`peernet.evaluate`, the same for every network (default: each
        network's last two calendar years with data).
    executor : None, concurrent.futures.Executor or dask.distributed.Client
        Where the evaluations run. None (default): local processes, a
        ``ProcessPoolExecutor`` of ``max_workers`` processes (default: as many as networks,
        at most ``os.cpu_count()``), shut down at the end. A ``dask.distributed.Client``:
        the networks are evaluated as tasks on its cluster. Any other
        ``concurrent.futures.Executor`` (e.g. a ``ThreadPoolExecutor``) is used as it is
        and left running.
    max_workers : int, optional
        Processes of the default executor (ignored when ``executor`` is given).
    progress : callable, optional
        Called with a short message as each network starts and ends.
    **evaluate_kwargs
        Passed on to :func:`peernet.evaluate` for every network (``bootstrap``, ``seed``,
        ``rubric``, ``grid_bootstrap``, ``start_month``). The numbers of a network are
        those ``pn.evaluate(net, periods=periods, **evaluate_kwargs)`` gives, to the last
        digit: each evaluation is seeded by ``seed`` alone, wherever it runs.

    Returns
    -------
    Portfolio
        A network that cannot be loaded or evaluated does not stop the others: it has one
        row in :attr:`Portfolio.table` with ``status == "error"`` and the reason, and is in
        :attr:`Portfolio.errors`.

    Raises
    ------
    TypeError
        ``networks`` is not a mapping, a value is neither a path nor a PeerNetwork, or
        ``executor`` is neither an Executor nor a Dask Client.
    ValueError
        No networks, an empty name, or a bad ``max_workers``.

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(2) as pool:  # doctest: +SKIP
    ...     pf = pn.evaluate_many({"riverbend": pn.load_sample("riverbend"),
    ...                            "davis": pn.load_sample("davis")},
    ...                           executor=pool, bootstrap=0)
    >>> pf.table[["network", "period", "members_active"]]  # doctest: +SKIP
         network period  members_active
    0  riverbend   2024           114.0
    1  riverbend   2025           112.0
    2      davis   1936            18.0
    """
    if not isinstance(networks, Mapping):
        raise TypeError(f"evaluate_many takes a mapping of names to folders or networks, "
                        f"e.g. {{'north': 'data/north'}}; got {type(networks).__name__}")
    if not networks:
        raise ValueError("evaluate_many needs at least one network; got an empty mapping")
    jobs: dict[str, Any] = {}
    for name, source in networks.items():
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"each network needs a non-empty name; got {name!r}")
        if not isinstance(source, str | os.PathLike | PeerNetwork):
            raise TypeError(f"network {name!r}: give a folder path or a PeerNetwork; got "
                            f"{type(source).__name__}")
        jobs[name] = source if isinstance(source, PeerNetwork) else str(Path(source))
    for bad in ("inputs", "progress", "net"):
        if bad in evaluate_kwargs:
            raise TypeError(f"evaluate_many sets {bad}= itself; remove it from the arguments")
    if max_workers is not None and (isinstance(max_workers, bool) or not isinstance(
            max_workers, int) or max_workers < 1):
        raise ValueError(f"max_workers must be a whole number >= 1; got {max_workers!r}")
    say = progress if callable(progress) else (lambda _msg: None)
    kwargs = {"periods": periods, **evaluate_kwargs}

    own = executor is None
    kind = _kind(executor)
    workers = (max_workers or min(len(jobs), os.cpu_count() or 1)) if own else None
    # each network has its own process: its bootstrap does not fork a second one
    pool: Any = ProcessPoolExecutor(max_workers=workers, initializer=one_process_each) \
        if own else executor
    results: dict[str, Evaluation] = {}
    errors: dict[str, str] = {}
    try:
        futures = {}
        for name, source in jobs.items():
            say(f"evaluating {name}")
            if kind == "dask":
                futures[name] = pool.submit(_evaluate_one, name, source, kwargs, pure=False,
                                            key=f"peernet-evaluate-{_key(name)}")
            else:
                futures[name] = pool.submit(_evaluate_one, name, source, kwargs)
        for name, fut in futures.items():
            try:
                _name, ev, why = fut.result()
            except Exception as err:  # noqa: BLE001 - a lost worker, an unpicklable input
                ev, why = None, _one_line(err)
            if ev is None:
                errors[name] = why or "unknown error"
                say(f"{name}: failed: {errors[name]}")
            else:
                results[name] = ev
                say(f"{name}: done")
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
    order = list(jobs)
    table = portfolio_table(results, errors, order)
    from ._version import __version__

    meta = {"peernet_version": __version__,
            "periods": None if periods is None else [str(p) for p in periods],
            "executor": kind, "workers": workers,
            "evaluate": dict(evaluate_kwargs),
            "sources": {n: s for n, s in jobs.items() if isinstance(s, str)}}
    return Portfolio(evaluations=results, errors=errors, table=table,
                     scores=portfolio_scores(results), meta=meta)


def _kind(executor: Any) -> str:
    if executor is None:
        return "processes"
    if type(executor).__module__.split(".")[0] == "distributed" and \
            type(executor).__name__ == "Client":
        return "dask"
    if isinstance(executor, Executor):
        return type(executor).__name__
    raise TypeError(f"executor must be None (local processes), a concurrent.futures "
                    f"Executor or a dask.distributed.Client; got {type(executor).__name__}")


def _key(name: str) -> str:
    import hashlib
    import uuid

    return f"{hashlib.sha1(name.encode()).hexdigest()[:8]}-{uuid.uuid4().hex[:8]}"
