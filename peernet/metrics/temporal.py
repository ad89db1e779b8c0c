"""Time: retention curves, burstiness, time to first reply, and tie change between periods."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..network import ACT_COLUMNS, PeerNetwork, guest_ids
from ..schema import is_arrow_text
from ..ties import NS_NAT, ns, person_ties, stamp_ns

__all__ = ["retention_curve", "retention_test", "burstiness", "time_to_first_reply", "tie_change",
           "INACTIVITY_DAYS"]

#: A member counts as having stopped when nothing was heard from them for this many days
#: before the end of the data (``retention_curve``).
INACTIVITY_DAYS = 180
_DAY = pd.Timedelta(days=1)


# ------------------------------------------------------------------------------ retention
def _survival_data(net: Any, cohort: str | None, inactivity_days: int) -> pd.DataFrame:
    """One row per roster member followed: ``cohort``, ``days`` followed, ``stopped``;
    ``attrs["left_out"]`` counts the people not followed, by reason."""
    if not isinstance(inactivity_days, (int, np.integer)) or inactivity_days < 0:
        raise ValueError(f"inactivity_days must be a non-negative integer; "
                         f"got {inactivity_days!r}")
    root = net.root
    members = root.members.drop_duplicates("member_id")
    guests = guest_ids(members)      # seen in the data, not on the roster: not members
    left_out: dict[str, int] = {}
    if guests:
        left_out["guests: seen in the data, not on the roster"] = len(guests)
        members = members.loc[~members["member_id"].isin(guests).to_numpy()]
    members = members.set_index("member_id")
    inter = root.acts(ACT_COLUMNS)     # either person of a contact acted
    if net.window is not None:
        end = net.window.end_utc
        inter = inter.loc[(inter["timestamp"] < end).to_numpy()]
    else:
        end = inter["timestamp"].max() if len(inter) else pd.NaT
    by = inter.groupby("source", observed=True)["timestamp"]
    first, last = by.min(), by.max()
    ids = members.index
    joined = members["joined"] if "joined" in members.columns else \
        pd.Series(pd.NaT, index=ids, dtype="datetime64[ns, UTC]")
    start = joined.where(joined.notna(), first.reindex(ids))
    keep = start.notna() & (start < end) if end is not pd.NaT else start.notna() & False
    no_start = int(start.isna().sum())
    if no_start:
        left_out["no join date and no act"] = no_start
    late = int((~keep & start.notna()).sum())
    if late:
        left_out["joined at or after the end of the data"] = late
    ids = ids[keep.to_numpy()]
    start = start[keep]
    last_act = last.reindex(ids)
    recent = (start > end - inactivity_days * _DAY).to_numpy()
    never = last_act.isna().to_numpy()
    stopped = (never | (last_act < end - inactivity_days * _DAY).to_numpy()) & ~(never & recent)
    stop_time = last_act.where(last_act.notna(), start)
    t_end = pd.Series(np.where(stopped, stop_time.to_numpy(), end), index=ids)
    days = ((pd.to_datetime(t_end, utc=True) - start) / _DAY).clip(lower=0).to_numpy(float)
    if cohort is None:
        groups = np.full(len(ids), "all", dtype=object)
    elif cohort == "joined_year":
        groups = start.dt.tz_convert(root.tz).dt.year.astype("str").to_numpy(dtype=object)
    elif cohort in members.columns:
        groups = members.loc[ids, cohort].astype(object).fillna("unknown").to_numpy()
    else:
        raise ValueError(f"cohort must be 'joined_year', None or a roster column "
                         f"{list(members.columns)}; got {cohort!r}")
    out = pd.DataFrame({"cohort": groups, "days": np.round(days, 6), "stopped": stopped})
    out.attrs["left_out"] = left_out
    return out


def _censored(part: pd.DataFrame):
    from scipy.stats import CensoredData

    d = part["days"].to_numpy(float)
    s = part["stopped"].to_numpy(bool)
    return CensoredData(uncensored=d[s], right=d[~s])


def retention_curve(net: PeerNetwork, *, cohort: str | None = "joined_year",
                    inactivity_days: int = INACTIVITY_DAYS, ci: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier survival of members' activity, by join cohort, with intervals.

    Each roster member is followed from joining (``joined``; without it, the first act)
    to the last act. Inactivity rule: a member whose last act is more than
    ``inactivity_days`` before the end of the data has *stopped* at their last act (an
    event); anyone else is still active and *censored* at the end of the data. A member who
    never acted stopped at day 0 (or, having joined within the last ``inactivity_days``, is
    censored at the end of the data). The end of the data is the slice's end for a slice (data after
    it are not used) or the last act of the whole network.

    Parameters
    ----------
    net : PeerNetwork
    cohort : str or None, default "joined_year"
        ``"joined_year"`` (year of joining in the network's zone), a roster column
        (``"sector"``, ``"org"``, ``"region"``...) or None for one cohort ``"all"``.
    inactivity_days : int, default 180
    ci : float, default 0.95
        Coverage of the pointwise interval ``low``-``high``.

    Returns
    -------
    DataFrame
        ``cohort``, ``days`` (since joining), ``at_risk``, ``stopped``, ``censored``,
        ``survival`` (share still active, Kaplan-Meier product-limit), ``low``, ``high``
        (Greenwood's pointwise interval, clipped to 0-1; NaN where Greenwood's variance is
        undefined, i.e. after everyone at risk stopped). One row at day 0 and one at each
        day on which a member of the cohort stopped or was censored.
        ``result.attrs["followed"]`` is the number of members followed and
        ``result.attrs["left_out"]`` counts everyone else, by reason (``{}`` when nobody
        was left out): guests (seen in the data, not on the roster: not members), members
        with no join date who never acted, members who joined at or after the end of the
        data. Nobody is dropped without being counted there.

    Notes
    -----
    S(t) = prod_{t_i <= t} (1 - d_i / n_i), d_i stopped at t_i, n_i still followed just
    before t_i, computed by ``scipy.stats.ecdf`` on right-censored data; its
    ``confidence_interval`` gives S(t) +/- z sqrt(Var), Var by Greenwood's formula
    S(t)^2 sum d_i / (n_i (n_i - d_i)). A survival of 0.7 [0.6, 0.8] at 365 days means 7 in
    10 members of that cohort were still taking part a year after joining, and cohorts of
    this size could have given anything from 6 to 8 in 10. To test whether two cohorts
    differ, use :func:`retention_test` (log-rank).

    References
    ----------
    Kaplan, E. L. and Meier, P. (1958). Nonparametric estimation from incomplete
    observations. JASA 53(282), 457-481. Greenwood, M. (1926). The natural duration of
    cancer. Reports on Public Health and Medical Subjects 33.

    Examples
    --------
    >>> km = pn.metrics.retention_curve(pn.load_sample("riverbend"), cohort=None)
    >>> km.columns.tolist()
    ['cohort', 'days', 'at_risk', 'stopped', 'censored', 'survival', 'low', 'high']
    >>> bool(km["survival"].is_monotonic_decreasing and km["survival"].between(0, 1).all())
    True
    """
    import warnings

    from scipy.stats import ecdf

    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1; got {ci!r}")
    df = _survival_data(net, cohort, inactivity_days)
    out = []
    for g, part in df.groupby("cohort", sort=True):
        tab = part.groupby("days").agg(stopped=("stopped", "sum"), total=("stopped", "size"))
        tab["censored"] = tab["total"] - tab["stopped"]
        at_risk = len(part) - tab["total"].cumsum().shift(fill_value=0)
        days = tab.index.to_numpy(float)
        sf = ecdf(_censored(part)).sf
        surv = sf.evaluate(days)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)   # undefined at the tail: NaN
            band = sf.confidence_interval(ci)
            low, high = band.low.evaluate(days), band.high.evaluate(days)
        undefined = ~np.isfinite(np.asarray(low, float)) | ~np.isfinite(np.asarray(high, float))
        low = np.where(undefined, np.nan, np.clip(low, 0, 1))
        high = np.where(undefined, np.nan, np.clip(high, 0, 1))
        rows = pd.DataFrame({"cohort": g, "days": days,
                             "at_risk": at_risk.to_numpy(), "stopped": tab["stopped"]
                             .to_numpy(), "censored": tab["censored"].to_numpy(),
                             "survival": surv, "low": low, "high": high})
        if not len(rows) or rows["days"].iloc[0] > 0:
            rows = pd.concat([pd.DataFrame({"cohort": [g], "days": [0.0],
                                            "at_risk": [len(part)], "stopped": [0],
                                            "censored": [0], "survival": [1.0],
                                            "low": [1.0], "high": [1.0]}), rows])
        out.append(rows)
    cols = ["cohort", "days", "at_risk", "stopped", "censored", "survival", "low", "high"]
    if not out:
        empty = pd.DataFrame({c: pd.Series(dtype="float64") for c in cols}).astype(
            {"cohort": "str"})
        empty.attrs = {"followed": 0, "left_out": dict(df.attrs["left_out"])}
        return empty
    res = pd.concat(out, ignore_index=True)[cols]
    res = res.astype({"cohort": "str", "at_risk": "int64", "stopped": "int64",
                      "censored": "int64"})
    res.attrs = {"followed": len(df), "left_out": dict(df.attrs["left_out"])}
    return res


def retention_test(net: PeerNetwork, *, cohort: str | None = "joined_year",
                   inactivity_days: int = INACTIVITY_DAYS) -> pd.DataFrame:
    """Log-rank tests: do two cohorts keep their members equally long?

    Parameters
    ----------
    net, cohort, inactivity_days
        As in :func:`retention_curve` (the same members, days and inactivity rule).

    Returns
    -------
    DataFrame
        One row per pair of cohorts (``cohort_a`` < ``cohort_b``): ``members_a``,
        ``members_b``, ``stopped_a``, ``stopped_b``, ``statistic`` (the log-rank z
        statistic of ``scipy.stats.logrank``; positive when cohort_a stops sooner) and
        ``p_value`` (two-sided; NaN when neither cohort has a member who stopped). Empty
        with one cohort.

    Notes
    -----
    The log-rank test compares the whole curves, censoring included (Mantel 1966). With
    several cohorts, many pairs are tested: a p-value of 0.03 among ten pairs is weak
    evidence.

    References
    ----------
    Mantel, N. (1966). Evaluation of survival data and two new rank order statistics arising
    in its consideration. Cancer Chemotherapy Reports 50(3), 163-170.

    Examples
    --------
    >>> t = pn.metrics.retention_test(pn.load_sample("riverbend"))
    >>> t.columns.tolist()[:2]
    ['cohort_a', 'cohort_b']
    """
    from scipy.stats import logrank

    df = _survival_data(net, cohort, inactivity_days)
    parts = dict(tuple(df.groupby("cohort", sort=True)))
    names = sorted(parts)
    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            pa, pb = parts[a], parts[b]
            stat = p = float("nan")
            if pa["stopped"].any() or pb["stopped"].any():
                r = logrank(_censored(pa), _censored(pb))
                stat, p = float(r.statistic), float(r.pvalue)
            rows.append({"cohort_a": a, "cohort_b": b, "members_a": len(pa),
                         "members_b": len(pb), "stopped_a": int(pa["stopped"].sum()),
                         "stopped_b": int(pb["stopped"].sum()), "statistic": stat,
                         "p_value": p})
    cols = ["cohort_a", "cohort_b", "members_a", "members_b", "stopped_a", "stopped_b",
            "statistic", "p_value"]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({"cohort_a": "str", "cohort_b": "str", "members_a": "int64",
                       "members_b": "int64", "stopped_a": "int64", "stopped_b": "int64",
                       "statistic": "float64", "p_value": "float64"})


# ------------------------------------------------------------------------------ burstiness
def _burst(r: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        b = (r - 1) / (r + 1)
        a = (np.sqrt(n + 1) * r - np.sqrt(n - 1)) / ((np.sqrt(n + 1) - 2) * r + np.sqrt(n - 1))
    return b, a


def burstiness(net: PeerNetwork, *, level: str = "member", kinds: list[str] | None = None,
               min_events: int = 3) -> pd.DataFrame:
    """Burstiness of activity: bursts and long silences (+1) vs clockwork regularity (-1).

    Parameters
    ----------
    net : PeerNetwork
    level : {"member", "network"}, default "member"
        One row per member (their own acts) or one row for the whole network.
    kinds : list of str, optional
        Interaction kinds to use (default: all).
    min_events : int, default 3
        Fewer acts than this give NaN (too short a sequence to say anything).

    Returns
    -------
    DataFrame
        ``member_id`` (or ``network``), ``events``, ``mean_gap_hours``, ``burstiness``
        (Goh & Barabasi B = (r - 1)/(r + 1), r = std/mean of inter-event times) and
        ``burstiness_corrected`` (Kim & Jo's A_n, unbiased for short sequences).

    Notes
    -----
    With n inter-event times (population std), A_n = (sqrt(n+1) r - sqrt(n-1)) /
    ((sqrt(n+1) - 2) r + sqrt(n-1)); A_n = -1 for a regular sequence, 0 for a Poisson
    process, 1 for the most bursty sequence of that length. A network whose burstiness rises
    towards 0.5 runs on a few intense episodes rather than a steady rhythm.

    References
    ----------
    Goh, K.-I. and Barabasi, A.-L. (2008). Burstiness and memory in complex systems. EPL 81.
    Kim, E.-K. and Jo, H.-H. (2016). Measuring burstiness for finite event sequences.
    Physical Review E 94, 032311.

    Examples
    --------
    >>> b = pn.metrics.burstiness(pn.load_sample("riverbend").period("2025"), level="network")
    >>> b.columns.tolist()
    ['network', 'events', 'mean_gap_hours', 'burstiness', 'burstiness_corrected']
    """
    if level not in ("member", "network"):
        raise ValueError(f"level must be 'member' or 'network'; got {level!r}")
    inter = net.interactions if level == "network" else net.acts(ACT_COLUMNS)
    if kinds is not None:
        inter = inter.loc[inter["kind"].isin(list(kinds)).to_numpy()]
    ns = inter["timestamp"].to_numpy("datetime64[ns]").view("i8").astype(float) / 3.6e12
    if level == "network":
        keys = np.zeros(len(ns), np.int64)
        names = np.array([getattr(net, "name", "network")], dtype=object)
    else:
        keys, names = pd.factorize(inter["source"], sort=True)
        names = np.asarray(names, dtype=object)
    order = np.lexsort((ns, keys))
    keys, ns = keys[order], ns[order]
    same = np.r_[False, keys[1:] == keys[:-1]]
    gaps = np.diff(ns, prepend=np.nan)[same]
    gk = keys[same]
    k = len(names)
    events = np.bincount(keys, minlength=k)
    n = np.bincount(gk, minlength=k).astype(float)
    s1 = np.bincount(gk, weights=gaps, minlength=k)
    s2 = np.bincount(gk, weights=gaps**2, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / n
        std = np.sqrt(np.maximum(s2 / n - mean**2, 0))
        r = std / mean
    b, a = _burst(r, n)
    short = events < min_events
    b[short] = np.nan
    a[short] = np.nan
    key = "member_id" if level == "member" else "network"
    return pd.DataFrame({key: pd.array(names.tolist(), dtype="str"), "events": events,
                         "mean_gap_hours": mean, "burstiness": b, "burstiness_corrected": a})


# ------------------------------------------------------------------------------ replies
def time_to_first_reply(net: PeerNetwork) -> pd.DataFrame:
    """Hours from each thread's first message to its first reply by someone else.

    Threads are the interactions' ``thread_id`` (the id of the thread's first message).
    A thread belongs to the slice when its first message does; replies are looked for in the
    whole network, so a thread opened on 30 December answered on 2 January counts.

    Returns
    -------
    DataFrame
        ``thread_id``, ``started`` (UTC), ``author``, ``first_reply`` (UTC, NaT if none),
        ``replier``, ``hours_to_first_reply`` (NaN when unanswered), ``replies`` (by others).
        Empty when the data have no ``thread_id``. Threads but no reply anywhere (an
        announcement list): every thread unanswered (NaN, NaT, 0 replies).

    Notes
    -----
    A median under 24 hours says a question put to the network is picked up the same day
    (the Grid's Communication element); a growing share of unanswered threads is a warning.

    Examples
    --------
    >>> t = pn.metrics.time_to_first_reply(pn.load_sample("riverbend").period("2025"))
    >>> bool((t["hours_to_first_reply"].dropna() > 0).all())
    True
    """
    cols = ["thread_id", "started", "author", "first_reply", "replier",
            "hours_to_first_reply", "replies"]
    th = _thread_rows(net)
    return _empty_threads(cols) if th is None else _first_replies(th, net.window, cols)


def first_reply_hours(net: PeerNetwork) -> pd.DataFrame:
    """``started`` and ``hours_to_first_reply`` of :func:`time_to_first_reply` (the same
    threads in the same order, the same values) without the ids of threads and people:
    what the Grid reads (at 10M interactions their texts were 0.1 GB a run)."""
    cols = ["started", "hours_to_first_reply"]
    th = _thread_rows(net)
    return _empty_threads(cols) if th is None else _first_replies(th, net.window, cols)


def _thread_rows(net: PeerNetwork) -> pd.DataFrame | None:
    """The rows of the whole network's log of the threads that can start in ``net``
    (``thread_id``, ``timestamp``, ``source``, ``kind``); None without ``thread_id``."""
    root = net.root.interactions
    if "thread_id" not in root.columns:
        return None
    rows = root["thread_id"].notna().to_numpy()
    if net.window is not None:
        # a thread starts at one of its rows: only threads with a row of the whole log in
        # the window can start in it (all of their rows are read; 2024 of a log of
        # 2024-2025 read every thread row of both years)
        ts = root["timestamp"]
        inside = ((ts >= net.window.start_utc) & (ts < net.window.end_utc)).to_numpy(
            dtype=bool, na_value=False)
        inside = inside & rows   # the ids of the thread rows inside, not every row's
        rows = rows & _threads_among(root["thread_id"], root["thread_id"][inside])
        del inside
    return root.loc[rows, ["thread_id", "timestamp", "source", "kind"]]


def _first_of(codes: np.ndarray, at: np.ndarray, k: int) -> np.ndarray:
    """The first of positions ``at`` (ascending) of each of ``k`` groups, whose sorted
    ``codes`` they are (-1 for a group without one)."""
    out = np.full(k, -1, np.int64)
    if len(at):
        c = codes[at]
        first = np.r_[True, c[1:] != c[:-1]]
        out[c[first]] = at[first]
    return out


def _first_replies(th: pd.DataFrame, window: Any, cols: list[str]) -> pd.DataFrame:
    """:func:`time_to_first_reply` of the thread rows ``th``, on integer codes: the rows in
    the order of (thread id, time) (stable: rows of one time in the log's order); a
    thread's start its first row that is not a reply (each missing value of it, or a
    thread of replies only, from its first row); its first reply the first reply by
    someone else at or after its start. The frame has the columns ``cols`` (of
    :func:`time_to_first_reply`'s; ``started`` and ``hours_to_first_reply`` among them)."""
    code, uniq = pd.factorize(th["thread_id"], sort=True)   # thread ids in sorted order
    k = len(uniq)
    t = ns(th["timestamp"])
    nat = t == NS_NAT
    order = np.lexsort((np.where(nat, np.iinfo(np.int64).max, t), code))   # NaT last
    c = code[order]
    kind = th["kind"]
    reply = (kind == "reply").to_numpy(dtype=bool, na_value=False)[order]
    other = (kind != "reply").to_numpy(dtype=bool, na_value=False)[order]
    who, _ = pd.factorize(th["source"])
    who = who[order]
    t, nat = t[order], nat[order]
    first = _first_of(c, np.arange(len(c)), k)            # a thread's first row
    start = _first_of(c, np.flatnonzero(other), k)        # its first row not a reply
    has = start >= 0
    at_t = np.where(has, start, first)
    at_t = np.where(nat[at_t], first, at_t)                 # NaT filled from the first row
    at_s = np.where(has, start, first)
    at_s = np.where(who[at_s] < 0, first, at_s)             # a missing author likewise
    t0, nat0 = t[at_t], nat[at_t]
    keep = np.ones(k, bool)
    if window is not None:
        lo, hi = stamp_ns(window.start_utc), stamp_ns(window.end_utc)
        keep &= ~nat0 & (t0 >= lo) & (t0 < hi)
    kept = np.flatnonzero(keep)
    if not len(kept):
        return _empty_threads(cols)
    ok = reply & keep[c] & (who != who[at_s][c]) & ~nat & ~nat0[c] & (t >= t0[c])
    at_r = _first_of(c, np.flatnonzero(ok), k)[kept]
    count = np.bincount(c[ok], minlength=k)[kept]
    stamps, source = th["timestamp"].array, th["source"]
    texts = "thread_id" in cols        # the ids' texts: not for the Grid
    out = pd.DataFrame({"started": stamps.take(order[at_t[kept]])})
    if texts:
        out.insert(0, "thread_id", pd.array(uniq[kept].tolist(), dtype="str"))
        out["author"] = source.iloc[order[at_s[kept]]].astype("str").to_numpy()
    reply_at = np.where(at_r >= 0, order[at_r], -1)
    out["first_reply"] = stamps.take(reply_at, allow_fill=True)
    if texts:
        out["replier"] = pd.Series(source.array.take(reply_at, allow_fill=True)
                                   ).astype("str").to_numpy()
    out["hours_to_first_reply"] = (out["first_reply"] - out["started"]) / pd.Timedelta(hours=1)
    if texts:
        out["replies"] = count.astype("int64")
    return out[cols]


def _threads_among(thread_ids: pd.Series, ids: pd.Series) -> np.ndarray:
    """Rows of ``thread_ids`` whose thread is one of ``ids`` (of the same dtype)."""
    dtype = thread_ids.dtype
    if isinstance(dtype, pd.CategoricalDtype) and ids.dtype == dtype:   # through the codes
        hit = np.zeros(len(dtype.categories) + 1, bool)
        codes = ids.cat.codes.to_numpy()
        hit[codes[codes >= 0]] = True          # the last slot stands for a missing id
        return hit[thread_ids.cat.codes.to_numpy()]
    if is_arrow_text(dtype) and ids.dtype == dtype:
        import pyarrow as pa
        import pyarrow.compute as pc

        among = pc.unique(pa.array(ids.dropna().array))
        found = pc.is_in(pa.array(thread_ids.array), value_set=among)
        return np.asarray(found.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return thread_ids.isin(pd.unique(ids.dropna())).to_numpy(dtype=bool)


def _empty_threads(cols: list[str]) -> pd.DataFrame:
    """An empty frame of :func:`time_to_first_reply`'s columns ``cols``."""
    dt = "datetime64[ns, UTC]"
    return pd.DataFrame({"thread_id": pd.Series(dtype="str"), "started": pd.Series(dtype=dt),
                         "author": pd.Series(dtype="str"), "first_reply": pd.Series(dtype=dt),
                         "replier": pd.Series(dtype="str"),
                         "hours_to_first_reply": pd.Series(dtype="float64"),
                         "replies": pd.Series(dtype="int64")})[cols]


# ------------------------------------------------------------------------------ tie change
def tie_change(net_a: PeerNetwork, net_b: PeerNetwork, **graph_kwargs: Any) -> pd.Series:
    """What changed in the person graph between two slices (e.g. 2024 -> 2025).

    Parameters
    ----------
    net_a, net_b : PeerNetwork
        The earlier and the later slice.
    **graph_kwargs
        Passed to :func:`peernet.person_graph` for both (``kinds``, ``max_event_size``...).

    Returns
    -------
    pandas.Series
        - ``ties_a``, ``ties_b``; ``ties_new`` (in b only), ``ties_lost`` (in a only),
          ``ties_kept`` (in both), ``ties_strengthened`` / ``ties_weakened`` (kept, with a
          higher / lower weight in b).
        - ``jaccard``: kept / (ties in a or b), tie persistence; ``share_kept``: kept / ties_a.
        - ``members_a``, ``members_b`` (graph nodes), ``members_stayed`` (in both),
          ``members_joined`` (b only), ``members_left`` (a only).
        - ``density_a``, ``density_b``, ``density_change`` = b - a, split into
          ``density_change_stayed`` (density among the members in both periods, b - a) and
          ``density_change_turnover`` (the rest: who came and who left).
        - ``ties_change`` = ties_b - ties_a, split into ``ties_change_stayed`` (ties among
          stayers, b - a) and ``ties_change_turnover`` (ties touching a joiner in b minus ties
          touching a leaver in a).

    Notes
    -----
    A network whose ties grow only through turnover is recruiting, not knitting; growth among
    stayers shows members building on last year's relationships.

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> c = pn.metrics.tie_change(net.period("2024"), net.period("2025"))
    >>> bool(c["ties_change"] == c["ties_change_stayed"] + c["ties_change_turnover"])
    True
    """
    ta = person_ties(net_a, **graph_kwargs)
    tb = person_ties(net_b, **graph_kwargs)
    universe = np.union1d(ta.nodes.astype(str), tb.nodes.astype(str))
    size = max(len(universe), 1)

    def keyed(t):   # integer pair keys in one sorted universe (sorted ids keep u < v)
        code = np.searchsorted(universe, t.nodes.astype(str))
        return code[t.u] * size + code[t.v], code

    ka, ca = keyed(ta)
    kb, cb = keyed(tb)
    oa, ob = np.argsort(ka), np.argsort(kb)
    ka, wa_, kb, wb_ = ka[oa], ta.weight[oa], kb[ob], tb.weight[ob]
    # the pairs in both: np.intersect1d's (common keys, their places in ka and kb) by a
    # binary search of the sorted distinct keys (intersect1d sorted both together: 0.3 GB
    # at 2.3M and 4.1M ties)
    ib = np.minimum(np.searchsorted(kb, ka), max(len(kb) - 1, 0))
    hit = kb[ib] == ka if len(kb) else np.zeros(len(ka), bool)
    ia, ib = np.flatnonzero(hit), ib[hit]
    kept = len(ia)
    union = ta.m + tb.m - kept
    stayed_codes = np.intersect1d(ca, cb)
    na, nb = len(ca), len(cb)
    stayed = len(stayed_codes)

    def among(t, code):
        if not t.m:
            return 0
        inside = np.isin(code, stayed_codes)
        return int((inside[t.u] & inside[t.v]).sum())

    def density(m, n):
        return 2 * m / (n * (n - 1)) if n >= 2 else float("nan")

    sa, sb = among(ta, ca), among(tb, cb)
    out = {
        "ties_a": ta.m, "ties_b": tb.m, "ties_new": tb.m - kept, "ties_lost": ta.m - kept,
        "ties_kept": kept,
        "ties_strengthened": int((wb_[ib] > wa_[ia]).sum()),
        "ties_weakened": int((wb_[ib] < wa_[ia]).sum()),
        "jaccard": kept / union if union else float("nan"),
        "share_kept": kept / ta.m if ta.m else float("nan"),
        "members_a": na, "members_b": nb, "members_stayed": stayed,
        "members_joined": nb - stayed, "members_left": na - stayed,
        "density_a": density(ta.m, na), "density_b": density(tb.m, nb),
    }
    out["density_change"] = out["density_b"] - out["density_a"]
    out["density_change_stayed"] = density(sb, stayed) - density(sa, stayed)
    out["density_change_turnover"] = out["density_change"] - out["density_change_stayed"]
    out["ties_change"] = tb.m - ta.m
    out["ties_change_stayed"] = sb - sa
    out["ties_change_turnover"] = (tb.m - sb) - (ta.m - sa)
    return pd.Series(out, dtype="float64", name=f"{net_a.label}->{net_b.label}")
