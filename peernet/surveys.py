"""Survey waves at the data level: who could answer, who did, what they reported.

A roster survey (the ``surveys`` table: one row one rating by a ``respondent`` of a member or
organization ``about``, in a ``wave``) is reconstructed here once for everything above it:
the graphs (:func:`peernet.graphs.survey_graph`, ``person_graph(sources=("logs", "survey"))``)
and the survey metrics (:mod:`peernet.metrics.survey`). Nothing here scores: the scores,
response notes and missing-data treatments are metrics.

Names public inside peernet (not part of ``pn.*``):

``waves(net)``, ``pick_waves(net, wave, latest=...)``
    The waves of the surveys table (sorted); the ones asked for (ValueError on an unknown
    wave).
``wave_data(net, wave, level="member"|"org", warn=True) -> Wave``
    One wave's ratings in analysis units, the respondents and the population who could
    respond (roster on the day of the first answer, or during the wave's period, plus the
    respondents). Warns (DataQualityWarning) under :data:`RESPONSE_WARN` response.
``reports(ratings)``
    One row a (rater, target): items rated, ``trust`` and ``value`` composites.
``reported_pairs(w)``, ``observed_pairs(net, wave, kinds, period)``
    Undirected pairs tied in the survey (who reported, trust, value) and in the log (from
    :func:`peernet.ties.person_ties`: interactions and their weight).
``reported_vs_observed(net, ...)``
    The two joined, with provenance (public as ``pn.metrics.reported_vs_observed``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._cache import Memoized, cached
from .errors import DataQualityWarning
from .network import PeerNetwork
from .periods import Window
from .schema import isin
from .ties import person_ties

__all__ = ["TRUST_ITEMS", "VALUE_ITEMS", "PARTNER_ITEMS", "COMPOSITES", "RESPONSE_WARN",
           "RESPONSE_CAUTION", "Wave", "waves", "pick_waves", "wave_data", "reports",
           "reported_pairs", "observed_pairs", "reported_vs_observed", "provenance_counts"]

#: PARTNER's trust items and value items (peernet's fixed item names).
TRUST_ITEMS = ("reliability", "mission", "openness")
VALUE_ITEMS = ("power", "involvement", "resources")
PARTNER_ITEMS = TRUST_ITEMS + VALUE_ITEMS
#: Composite scores: the mean of their items' means.
COMPOSITES = {"trust": TRUST_ITEMS, "value": VALUE_ITEMS}
#: Below this response rate a warning is given.
RESPONSE_WARN = 0.80
#: Below this response rate figures are to be read with caution.
RESPONSE_CAUTION = 0.65


def waves(net: PeerNetwork) -> list[str]:
    """The waves of the surveys table, sorted."""
    return sorted(pd.unique(net.surveys["wave"].dropna().astype("str")))


def pick_waves(net: PeerNetwork, wave: str | int | Sequence[str] | None, *,
               latest: bool) -> list[str]:
    """The waves asked for (all, or the latest when ``latest``, if ``wave`` is None)."""
    found = waves(net)
    if wave is None:
        return found[-1:] if latest else found
    wanted = [str(wave)] if isinstance(wave, (str, int)) else [str(w) for w in wave]
    unknown = [w for w in wanted if w not in found]
    if unknown:
        raise ValueError(f"wave {unknown[0]!r} is not in the surveys table; waves are {found}")
    return wanted


@dataclass(frozen=True)
class Wave(Memoized):
    """The ratings of one wave in analysis units, and who could and did respond (what the
    survey metrics compute from it once is kept with it, :mod:`peernet._cache`)."""

    wave: str
    ratings: pd.DataFrame       # rater (member), target (unit), item, value, imputed
    network_items: pd.DataFrame  # respondent, item, value (items about the network)
    respondents: pd.Index       # members with at least one answer
    population: pd.Index        # members who could answer (roster at the survey + respondents)
    units: pd.Index             # the rated units (members or orgs) in the population
    unit_of: pd.Series          # member id -> unit (member itself, or its org)
    org_of: pd.Series           # member id -> org (may be empty)
    unit: str                   # "member" or "org"
    scale_max: float


def _survey_day(rows: pd.DataFrame) -> pd.Timestamp | None:
    if "date" in rows.columns and rows["date"].notna().any():
        return rows["date"].min()
    return None


def _population(net: PeerNetwork, wave: str, rows: pd.DataFrame,
                respondents: pd.Index) -> pd.Index:
    """Roster members who could answer the wave: on the roster at the first answer date (or
    during the wave's period when no date is known), not added as unmatched; plus respondents."""
    m = net.root.members
    keep = pd.Series(True, index=m.index)
    if "unmatched" in m.columns:
        keep &= ~m["unmatched"].fillna(False).astype(bool)
    day = _survey_day(rows)
    start = end = None
    if day is not None:
        start, end = day, day
    else:
        try:
            w = net.window_of(wave)   # a fiscal wave in the slice's own fiscal calendar
            start, end = w.start_utc, w.end_utc - pd.Timedelta(1, "ns")
        except ValueError:
            pass
    if start is not None:
        if "joined" in m.columns:
            keep &= ~(m["joined"] > end).fillna(False)
        if "left" in m.columns:
            keep &= ~(m["left"] < start).fillna(False)
    ids = pd.Index(m.loc[keep, "member_id"].astype("str"))
    return ids.union(respondents).astype("str").rename("member_id")


def wave_data(net: PeerNetwork, wave: str, *, level: str, warn: bool = True) -> Wave:
    """The ratings of ``wave`` in analysis units (``level`` "member" or "org"; org when the
    ratings are about organizations), its respondents and population; warns
    (DataQualityWarning) when fewer than :data:`RESPONSE_WARN` of the population answered.

    Computed once a network, wave and level and kept on ``net`` (a report's survey section
    reads the same wave six times): read its tables, do not change them in place."""
    data = cached(net, ("surveys", "wave", wave, level), lambda: _wave_data(net, wave, level))
    population, respondents = data.population, data.respondents
    rate = len(respondents.intersection(population)) / len(population) if len(population) \
        else np.nan
    if warn and np.isfinite(rate) and rate < RESPONSE_WARN:
        note = " Read the figures with caution." if rate < RESPONSE_CAUTION else ""
        warnings.warn(f"survey wave {wave!r}: {len(respondents)} of {len(population)} members "
                      f"responded ({rate:.0%}, under {RESPONSE_WARN:.0%}); non-respondents' "
                      f"ties are missing, not absent.{note}", DataQualityWarning, stacklevel=3)
    return data


def _wave_data(net: PeerNetwork, wave: str, level: str) -> Wave:
    s = net.surveys
    rows = s[s["wave"].astype("str") == wave]
    about = rows["about"] if "about" in rows.columns else pd.Series(np.nan, index=rows.index)
    about_level = (rows["about_level"].astype("str") if "about_level" in rows.columns
                   else pd.Series("member", index=rows.index))
    is_network = about.isna() | (about.astype("str").str.strip() == "") | (
        about_level == "network")
    rel = rows.loc[~is_network & rows["value"].notna()]
    org_data = bool(len(rel)) and bool((about_level.loc[rel.index] == "org").all())
    respondents = pd.Index(sorted(pd.unique(rows["respondent"].dropna().astype("str"))),
                           dtype="str")
    population = _population(net, wave, rows, respondents)
    m = net.root.members
    org_of = (m.set_index("member_id")["org"].astype("str").where(m.set_index("member_id")[
        "org"].notna()) if "org" in m.columns else pd.Series(dtype="str"))
    ratings = pd.DataFrame({"rater": rel["respondent"].astype("str").to_numpy(),
                            "target": rel["about"].astype("str").str.strip().to_numpy(),
                            "item": rel["item"].astype("str").to_numpy(),
                            "value": rel["value"].astype("float64").to_numpy(),
                            "imputed": False})
    if org_data or level == "org":
        if org_of.empty:
            raise ValueError("level='org' needs an 'org' column in the members table")
        unit = "org"
        rater_org = ratings["rater"].map(org_of)
        if not org_data:
            ratings["target"] = ratings["target"].map(org_of)
        ratings = ratings.loc[ratings["target"].notna()
                              & (ratings["target"] != rater_org)].reset_index(drop=True)
        unit_of = org_of
        units = pd.Index(sorted(pd.unique(org_of.reindex(population).dropna())), dtype="str")
        units = units.union(pd.Index(pd.unique(ratings["target"]), dtype="str"))
    else:
        unit = "member"
        ratings = ratings.loc[ratings["target"] != ratings["rater"]].reset_index(drop=True)
        unit_of = pd.Series(population, index=population, dtype="str")
        units = population
    if "scale_max" in rows.columns and rows["scale_max"].notna().any():
        scale_max = float(rows["scale_max"].max())
    else:
        scale_max = float(rows["value"].max()) if len(rows) else np.nan
    nitems = rows.loc[is_network & rows["value"].notna(), ["respondent", "item", "value"]]
    return Wave(wave, ratings, nitems.reset_index(drop=True), respondents, population, units,
                unit_of, org_of, unit, scale_max)


def _ordered(x: pd.Series, y: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The two ends of each undirected pair, the smaller id first."""
    x, y = x.astype("str").reset_index(drop=True), y.astype("str").reset_index(drop=True)
    swap = (x > y).to_numpy()
    return x.where(~swap, y).to_numpy(), y.where(~swap, x).to_numpy()


def reports(ratings: pd.DataFrame) -> pd.DataFrame:
    """One row a (rater, target) who rated: ``n_items`` rated and the ``trust`` and
    ``value`` composites (the mean of the rater's ratings on their items; NaN without)."""
    comp = [ratings[ratings["item"].isin(items)].groupby(["rater", "target"])["value"].mean()
            .rename(name) for name, items in COMPOSITES.items()]
    out = ratings.groupby(["rater", "target"]).size().rename("n_items").to_frame()
    return out.join(comp, how="left").reset_index()


def reported_pairs(w: Wave) -> pd.DataFrame:
    """Undirected pairs of members with a reported tie: who reported it, trust and value."""
    r = w.ratings
    ties = reports(r[isin(r["target"], w.population) | isin(r["rater"], w.population)])
    ties["member_a"], ties["member_b"] = _ordered(ties["rater"], ties["target"])
    ties["by_a"] = ties["rater"] == ties["member_a"]
    out = ties.groupby(["member_a", "member_b"], sort=True).agg(
        reported_by_a=("by_a", "any"), n_reports=("rater", "size"), trust=("trust", "mean"),
        value=("value", "mean")).reset_index()
    out["reported_by_b"] = out["n_reports"] - out["reported_by_a"].astype(int) > 0
    return out


def observed_pairs(net: PeerNetwork, wave: str, kinds: Sequence[str] | None,
                   period: str | Window | None) -> pd.DataFrame:
    """Undirected pairs of members tied by a direct interaction (of ``kinds``; default any
    kind with a target) in the log compared with ``wave``: ``member_a`` < ``member_b``,
    ``n_interactions``, ``weight`` (the interactions' weight, by kind where empty: the
    ``weight="weight"`` ties of :func:`peernet.ties.person_ties`)."""
    direct = None if kinds is None else [k for k in kinds if k != "attend"]
    t = person_ties(_log_of(net, wave, period), kinds=direct, weight="weight",
                    coattendance=None)
    return pd.DataFrame({"member_a": pd.array(t.nodes[t.u], dtype="str"),
                         "member_b": pd.array(t.nodes[t.v], dtype="str"),
                         "n_interactions": t.count.astype("int64"),
                         "weight": t.weight.astype("float64")})


def _log_of(net: PeerNetwork, wave: str, period: str | Window | None) -> PeerNetwork:
    """The log compared with ``wave`` (see :func:`reported_vs_observed`)."""
    if period is not None:
        return net.period(period)
    if net.window is not None:
        return net
    try:
        return net.period(wave)
    except ValueError:
        return net


def provenance_counts(net: PeerNetwork, *, wave: str | None = None,
                      kinds: Sequence[str] | None = None,
                      period: str | Window | None = None) -> dict[str, int]:
    """How many pairs :func:`reported_vs_observed` gives as ``"both"``, ``"survey"`` and
    ``"logs"`` among those with ``could_report`` (what a report shows), counted on integer
    codes: the pairs observed are the default person ties of the log with an interaction
    of ``kinds`` (the same pairs as its tie table of those kinds alone), without a frame of
    every pair (at 100,000 members, millions of rows joined and sorted as text)."""
    from .ties import _check_kinds, in_sorted, kind_mask, pair_keys, positions

    found = pick_waves(net, wave, latest=True)
    if not found:
        return {"both": 0, "survey": 0, "logs": 0}
    w = wave_data(net, found[0], level="member", warn=False)
    rep = reported_pairs(w)
    t = person_ties(_log_of(net, found[0], period))
    seen = (t.kinds & kind_mask(k for k in _check_kinds(kinds) if k != "attend")) != 0
    n = max(t.n, 1)
    observed = np.sort(pair_keys(t.u[seen], t.v[seen], n))   # distinct: one a tie
    nodes = pd.Index(t.nodes, dtype="str")
    responded = isin(pd.Series(t.nodes, dtype="str"), w.respondents)
    obs_could = responded[t.u[seen]] | responded[t.v[seen]]
    a, b = positions(rep["member_a"], nodes), positions(rep["member_b"], nodes)
    hit = (a >= 0) & (b >= 0) & in_sorted(pair_keys(a, b, n), observed)
    rep_could = isin(rep["member_a"], w.respondents) | isin(rep["member_b"], w.respondents)
    both = int((hit & rep_could).sum())
    # a pair reported and observed could be reported on both sides or neither
    return {"both": both, "survey": int((~hit & rep_could).sum()),
            "logs": int(obs_could.sum()) - both}


def reported_vs_observed(net: PeerNetwork, *, wave: str | None = None,
                         kinds: Sequence[str] | None = None,
                         period: str | Window | None = None,
                         warn: bool = True) -> pd.DataFrame:
    """Survey ties joined with the interaction log: reported, observed, or both.

    Parameters
    ----------
    wave : str, optional
        Survey wave (default: the latest).
    kinds : sequence of str, optional
        Interaction kinds that count as an observed tie (default: every kind with a target).
    period : str or Window, optional
        Period of the log to compare with (a label is read in the fiscal calendar of
        ``net`` when it is a fiscal-year slice). Default: the slice's own window when ``net``
        is a slice, else the period named by the wave (``"2025"``), else the whole log.

    Returns
    -------
    DataFrame
        One row an undirected pair of members (``member_a`` < ``member_b``) tied in the survey
        or in the log: ``wave``, ``member_a``, ``member_b``, ``provenance`` (``"both"``,
        ``"survey"`` = reported but not in the logs, ``"logs"`` = observed but not reported),
        ``reported``, ``observed`` (bool), ``reported_by_a``, ``reported_by_b`` (bool),
        ``trust``, ``value`` (mean of the reporters' ratings), ``n_interactions``, ``weight``
        (log: the interactions' ``weight``, the kind's default weight where empty, as
        ``person_graph(weight="weight")``), ``could_report`` (at least one of the two
        responded to the survey, so the tie could have been reported), ``response_rate``.

    Notes
    -----
    Survey ties are perceptions of a relationship over the year; log ties are acts recorded by
    a platform. A pair in the logs only with ``could_report`` False says nothing about the
    survey's accuracy: neither member answered. ``provenance`` is the edge attribute
    :func:`peernet.person_graph` keeps with ``sources=("logs", "survey")``.

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> rv = pn.metrics.reported_vs_observed(net, wave="2025", warn=False)
    >>> sorted(rv["provenance"].unique())
    ['both', 'logs', 'survey']
    """
    found = pick_waves(net, wave, latest=True)
    cols = ["wave", "member_a", "member_b", "provenance", "reported", "observed",
            "reported_by_a", "reported_by_b", "trust", "value", "n_interactions", "weight",
            "could_report", "response_rate"]
    if not found:
        return pd.DataFrame(columns=cols)
    w = wave_data(net, found[0], level="member", warn=warn)
    rep = reported_pairs(w)
    obs = observed_pairs(net, found[0], kinds, period)
    df = rep.merge(obs, on=["member_a", "member_b"], how="outer", indicator=True)
    df["reported"] = df["_merge"] != "right_only"
    df["observed"] = df["_merge"] != "left_only"
    df["provenance"] = np.select([df["reported"] & df["observed"], df["reported"]],
                                 ["both", "survey"], "logs")
    df["reported_by_a"] = df["reported_by_a"].fillna(False).astype(bool)
    df["reported_by_b"] = df["reported_by_b"].fillna(False).astype(bool)
    df["n_interactions"] = df["n_interactions"].fillna(0).astype("int64")
    df["weight"] = df["weight"].fillna(0.0)
    df["could_report"] = isin(df["member_a"], w.respondents) | isin(df["member_b"],
                                                                    w.respondents)
    df["wave"] = w.wave
    df["response_rate"] = (len(w.population.intersection(w.respondents))
                           / max(len(w.population), 1))
    return df.sort_values(["member_a", "member_b"]).reset_index(drop=True)[cols]


