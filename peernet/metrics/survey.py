"""Member surveys: PARTNER-style trust and value, non-response, perception gaps, ICC(1), and
survey ties joined with the interaction log.

A roster survey asks each respondent to rate other members (or organizations) on items such as
PARTNER's trust items (reliability, support of the mission, openness to discussion) and value
items (power/influence, level of involvement, resource contribution). The ratings live in the
``surveys`` table (one row one rating; ``about`` empty for items about the network itself).

Every figure here comes with the response rate it rests on: non-respondents' ties are missing,
not absent, so structural figures are given on all pairs and on observed dyads only, under three
treatments of the missing ties (``impute="none"|"reconstruct"|"mean"``), and
:func:`survey_sensitivity` reports the band they span. ``docs/surveys.md`` gives each formula
and when to use which treatment.

References
----------
Varda, D. M., Chandra, A., Stern, S. A. and Lurie, N. (2008). Core dimensions of connectivity in
public health collaboratives. Journal of Public Health Management and Practice 14(5), E1-E7.
(PARTNER's trust and value dimensions.)

Stork, D. and Richards, W. D. (1992). Nonrespondents in communication network studies.
Group & Organization Management 17(2), 193-209. (Reconstruction.)

Huisman, M. (2009). Imputation of missing network data: some simple procedures. Journal of
Social Structure 10(1). (Reconstruction and simple imputation compared.)

Shrout, P. E. and Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
reliability. Psychological Bulletin 86(2), 420-428. (ICC(1).)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._cache import cached
from ..graphs import survey_graph
from ..network import PeerNetwork
from ..report.i18n import N_
from ..schema import isin
from ..surveys import (
    COMPOSITES,
    PARTNER_ITEMS,
    RESPONSE_CAUTION,
    RESPONSE_WARN,
    Wave,
    pick_waves,
    reported_vs_observed,
    wave_data,
)
from ..ties import in_sorted, unique_int

__all__ = ["survey_scores", "survey_response", "survey_sensitivity", "perception_gaps",
           "given_received", "rater_agreement", "reported_vs_observed", "survey_graph",
           "response_note"]

#: Treatments of non-respondents' missing ratings, and who is scored.
IMPUTE = ("none", "reconstruct", "mean")
LEVELS = ("member", "org", "network")

_NETWORK_MEASURES = ("trust_pct", "value_pct", "density_reported", "reciprocity_reported",
                     "degree_centralization_reported")


# ------------------------------------------------------------------------------ helpers
def response_note(rate: float) -> str:
    """The caution that goes beside a survey figure resting on response rate ``rate``.

    Returns ``"read with caution"`` under 65% response, ``"low response"`` under 80%, ``""``
    otherwise (and ``"no survey"`` for NaN).

    Examples
    --------
    >>> pn.metrics.response_note(0.6), pn.metrics.response_note(0.7), pn.metrics.response_note(0.9)
    ('read with caution', 'low response', '')
    """
    if rate is None or not np.isfinite(rate):
        return N_("no survey")
    if rate < RESPONSE_CAUTION:
        return N_("read with caution")
    if rate < RESPONSE_WARN:
        return N_("low response")
    return ""


def _response_notes(rates: np.ndarray) -> list[str]:
    """:func:`response_note` of each rate (one array pass: a rated unit each, 100,000 at
    100,000 members)."""
    rates = np.asarray(rates, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.select([~np.isfinite(rates), rates < RESPONSE_CAUTION, rates < RESPONSE_WARN],
                         [N_("no survey"), N_("read with caution"), N_("low response")],
                         "").tolist()


def _check_choice(name: str, value, options: Sequence[str]) -> None:
    if value not in options:
        opts = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {opts}; got {value!r}")



def _reconstruct(w: Wave) -> pd.DataFrame:
    """Reconstruction: a non-respondent's rating of a respondent is taken to be the
    respondent's rating of the non-respondent (same item, same value); for organizations, an
    organization none of whose members answered rates back each organization that rated it."""
    r = w.ratings
    if w.unit == "member":
        src = r.loc[~isin(r["target"], w.respondents) & ~r["imputed"].to_numpy(dtype=bool)]
        rater, target = src["target"].to_numpy(), src["rater"].to_numpy()
    else:
        # organizations without a respondent "rate" the rater's organization back
        answered = pd.unique(w.unit_of.reindex(w.respondents).dropna())
        src = r.loc[~r["target"].isin(answered) & ~r["imputed"]]
        src = src[src["rater"].map(w.unit_of).notna()]
        rater = ("org:" + src["target"].astype("str")).to_numpy()
        target = src["rater"].map(w.unit_of).to_numpy()
    back = pd.DataFrame({"rater": rater, "target": target, "item": src["item"].to_numpy(),
                         "value": src["value"].to_numpy(), "imputed": True})
    return pd.concat([r, back], ignore_index=True)


def _first_stage(ratings: pd.DataFrame) -> pd.DataFrame:
    """One value per (rater, target, item): the mean of that rater's ratings of the target's
    members (for organizations), or the rating itself (for members)."""
    return (ratings.groupby(["rater", "target", "item"], sort=False, observed=True)["value"]
            .mean().reset_index())


def _item_columns(items: Sequence[str]) -> list[str]:
    known = [i for i in PARTNER_ITEMS if i in items]
    return known + sorted(i for i in items if i not in PARTNER_ITEMS)


def _add_composites(means: pd.DataFrame) -> pd.DataFrame:
    for name, items in COMPOSITES.items():
        present = [i for i in items if i in means.columns]
        means[name] = means[present].mean(axis=1) if present else np.nan
    return means


def _means(w: Wave, ratings: pd.DataFrame) -> pd.DataFrame:
    """Per rated unit (index): the item means of ``ratings`` and the composites."""
    first = _first_stage(ratings)
    items = _item_columns(pd.unique(w.ratings["item"]).tolist())
    means = first.pivot_table(index="target", columns="item", values="value",
                              aggfunc="mean", observed=True)
    means = means.reindex(index=w.units.union(means.index), columns=items)
    means.columns.name = None
    return _add_composites(means)


def _observed(w: Wave) -> tuple[pd.DataFrame, pd.Series, int, int, pd.Series, pd.Series]:
    """What every treatment of ``w`` reads unchanged, computed once and kept with the wave
    (:func:`survey_sensitivity` scores it three times): the observed ratings' means (read,
    never changed), each unit's raters, the population's and the respondents' sizes and
    their counts per unit."""
    def build() -> tuple[pd.DataFrame, pd.Series, int, int, pd.Series, pd.Series]:
        n_raters = w.ratings.groupby("target")["rater"].nunique()
        pop = w.population
        resp = pop.intersection(w.respondents)
        return (_means(w, w.ratings), n_raters, len(pop), len(resp),
                w.unit_of.reindex(pop).value_counts(), w.unit_of.reindex(resp).value_counts())

    return cached(w, ("survey", "observed"), build)


def _unit_scores(w: Wave, impute: str) -> pd.DataFrame:
    """Per rated unit: item means, trust, value, n_raters, n_eligible_raters, response_rate."""
    observed, n_raters, n_pop, n_resp, n_pop_in, n_resp_in = _observed(w)
    means = _means(w, _reconstruct(w)) if impute == "reconstruct" else observed
    if impute == "mean":
        # a partner nobody rated takes the mean over the partners who were rated
        means = means.fillna(means.mean(axis=0))
    # who could have rated each unit: population members outside it (members: all but itself)
    idx = means.index
    eligible = n_pop - n_pop_in.reindex(idx).fillna(0).to_numpy()
    responded = n_resp - n_resp_in.reindex(idx).fillna(0).to_numpy()
    out = means.reset_index(names=w.unit if w.unit == "org" else "member_id")
    out.insert(0, "wave", w.wave)
    out["n_raters"] = n_raters.reindex(idx).fillna(0).astype("int64").to_numpy()
    out["n_eligible_raters"] = eligible.astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["response_rate"] = np.where(eligible > 0, responded / np.maximum(eligible, 1),
                                        np.nan)
    out["response_note"] = _response_notes(out["response_rate"].to_numpy(float))
    return out


# ------------------------------------------------------------------ structure (ties)
def _tie_codes(w: Wave, ratings: pd.DataFrame, nodes: pd.Index, rater_units: pd.Series
               ) -> tuple[np.ndarray, np.ndarray]:
    s = nodes.get_indexer(rater_units)
    t = nodes.get_indexer(ratings["target"])
    ok = (s >= 0) & (t >= 0) & (s != t)
    n = len(nodes)
    return unique_int(s[ok].astype("int64") * n + t[ok]), ok


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def _structure(w: Wave, impute: str) -> dict[str, float]:
    """Density, reciprocity and degree centralization of the reported (directed) ties among the
    population's units, on all pairs under ``impute`` and on observed dyads only."""
    if w.unit == "member":
        nodes = w.population
        rater_units = w.ratings["rater"]
        responded = isin(nodes.to_series(), w.respondents)
    else:
        nodes = w.units
        rater_units = w.ratings["rater"].map(w.unit_of)
        responded = isin(nodes.to_series(),
                         pd.unique(w.unit_of.reindex(w.respondents).dropna()))
    n = len(nodes)
    r = int(responded.sum())
    out = dict.fromkeys(("density_reported", "density_observed_dyads", "reciprocity_reported",
                         "reciprocity_observed_dyads", "degree_centralization_reported"),
                        np.nan)
    if n < 2 or r == 0:
        return out
    # the reported ties, the same under every treatment: kept with the wave
    codes = cached(w, ("survey", "tie codes"),
                   lambda: _read_only(_tie_codes(w, w.ratings, nodes, rater_units)[0]))
    src, dst = codes // n, codes % n
    if impute == "reconstruct":
        back = ~responded[dst]
        codes = unique_int(np.concatenate([codes, dst[back] * n + src[back]]))
        src, dst = codes // n, codes % n
    mutual = in_sorted(dst * n + src, codes)
    both = responded[src] & responded[dst]
    e_rr = int(both.sum())
    if r > 1:
        out["density_observed_dyads"] = e_rr / (r * (r - 1))
        out["reciprocity_observed_dyads"] = (int(mutual[both].sum()) / e_rr if e_rr
                                             else np.nan)
    undirected = unique_int(np.minimum(src, dst) * n + np.maximum(src, dst))
    deg = (np.bincount(undirected // n, minlength=n)
           + np.bincount(undirected % n, minlength=n)).astype("float64")
    if impute == "mean":
        # non-respondents' missing ties take the density observed in respondents' rows
        e_obs = len(codes)
        q = n - r
        d = e_obs / (r * (n - 1))
        to_nonresp = ~responded[dst]
        weight = e_obs + q * (n - 1) * d
        recip = int(mutual.sum()) + 2 * d * int(to_nonresp.sum()) + d * d * q * (q - 1)
        out["density_reported"] = weight / (n * (n - 1))
        out["reciprocity_reported"] = recip / weight if weight else np.nan
        # undirected tie strength 1 - (1 - w_ij)(1 - w_ji)
        deg_rr = np.zeros(n)
        rr_pairs = undirected[responded[undirected // n] & responded[undirected % n]]
        deg_rr += np.bincount(rr_pairs // n, minlength=n) + np.bincount(rr_pairs % n,
                                                                        minlength=n)
        out_nr = np.bincount(src[to_nonresp], minlength=n)
        in_from_r = np.bincount(dst[to_nonresp], minlength=n)
        deg = np.where(responded, deg_rr + q * d + (1 - d) * out_nr,
                       r * d + (1 - d) * in_from_r + (q - 1) * (2 * d - d * d))
    else:
        out["density_reported"] = len(codes) / (n * (n - 1))
        out["reciprocity_reported"] = int(mutual.sum()) / len(codes) if len(codes) else np.nan
    if n > 2:
        out["degree_centralization_reported"] = float((deg.max() - deg).sum()
                                                      / ((n - 1) * (n - 2)))
    return out


def _network_series(w: Wave, impute: str) -> pd.Series:
    scores = _unit_scores(w, impute)
    rated = scores if impute == "mean" else scores[scores["n_raters"] > 0]
    pop = w.population
    n_resp = len(pop.intersection(w.respondents))
    rate = n_resp / len(pop) if len(pop) else np.nan
    out: dict[str, float] = {
        "n_eligible": float(len(pop)), "n_respondents": float(n_resp), "response_rate": rate,
        "n_rated": float((scores["n_raters"] > 0).sum()),
        "n_ratings": float(len(w.ratings)),
    }
    for name in COMPOSITES:
        mean = float(rated[name].mean()) if len(rated) else np.nan
        out[f"{name}_mean"] = mean
        out[f"{name}_pct"] = 100 * mean / w.scale_max if w.scale_max else np.nan
    for item in _item_columns(pd.unique(w.ratings["item"]).tolist()):
        out[f"{item}_mean"] = float(rated[item].mean()) if len(rated) else np.nan
    out.update(_structure(w, impute))
    for item, value in w.network_items.groupby("item")["value"].mean().items():
        out.setdefault(f"{item}_mean", float(value))
    return pd.Series(out, dtype="float64", name=f"survey {w.wave}")


def _empty_network() -> pd.Series:
    keys = ("n_eligible", "n_respondents", "response_rate", "n_rated", "n_ratings",
            "trust_mean", "trust_pct", "value_mean", "value_pct", "density_reported",
            "density_observed_dyads", "reciprocity_reported", "reciprocity_observed_dyads",
            "degree_centralization_reported")
    out = pd.Series(np.nan, index=list(keys), dtype="float64", name="survey")
    out[["n_respondents", "n_rated", "n_ratings"]] = 0.0
    return out


# --------------------------------------------------------------------------- public
def survey_scores(net: PeerNetwork, *, wave: str | None = None, level: str = "member",
                  impute: str = "none", warn: bool = True) -> pd.DataFrame | pd.Series:
    """PARTNER-style trust and value scores, per member, per organization or for the network.

    Parameters
    ----------
    net : PeerNetwork
        A network with a ``surveys`` table (e.g. from :func:`peernet.read_survey`).
    wave : str, optional
        The survey wave. Default: every wave (member and org levels, one block of rows a
        wave) or the latest wave (network level).
    level : {"member", "org", "network"}
        Who is scored: each rated member, each organization (ratings of its members by members
        of other organizations, or ratings about organizations), or the network as a whole.
    impute : {"none", "reconstruct", "mean"}
        Treatment of non-respondents' missing ratings (see Notes).
    warn : bool, default True
        Warn (``DataQualityWarning``) when fewer than 80% of the members responded.

    Returns
    -------
    DataFrame (member and org levels)
        One row a wave and rated unit, every member (or organization) of the population even
        when nobody rated it: ``wave``, ``member_id`` (or ``org``), the mean of each item
        received (``reliability``, ``mission``, ``openness``, ``power``, ``involvement``,
        ``resources`` and any other item), ``trust``, ``value``, ``n_raters`` (distinct members
        who rated it), ``n_eligible_raters`` (population members outside it),
        ``response_rate`` (share of those who responded), ``response_note``.
    Series (network level), named ``"survey <wave>"``
        ``n_eligible``, ``n_respondents``, ``response_rate``, ``n_rated``, ``n_ratings``,
        ``trust_mean``, ``trust_pct``, ``value_mean``, ``value_pct``, ``<item>_mean`` per item
        (including items about the network, such as ``learning_mean``),
        ``density_reported``, ``density_observed_dyads``, ``reciprocity_reported``,
        ``reciprocity_observed_dyads``, ``degree_centralization_reported``. All NaN (and zero
        counts) when the network has no survey.

    Notes
    -----
    Item mean of unit *u*: the mean of the ratings *u* received from respondents other than
    itself (for organizations: from members of other organizations, each rater's ratings of
    *u*'s members averaged first). ``trust`` = mean of the reliability, mission and openness
    means; ``value`` = mean of the power, involvement and resources means (PARTNER, Varda et
    al. 2008). Network ``trust_pct`` = mean of the units' ``trust`` / scale maximum x 100
    (PARTNER's percentage: 4.0 on a 1-4 scale is 100%).

    The population (who could respond) is the roster on the day of the first answer of the
    wave (members added as ``unmatched`` excluded) plus every respondent; ``response_rate`` =
    respondents / population.

    Ties: respondent *i* reported a tie to *j* when *i* rated *j* on any item.
    ``density_reported`` = ties / (n (n - 1)) over the population, ``reciprocity`` = share of
    ties whose reverse was reported (networkx's definition), both also on observed dyads only
    (both ends responded); ``degree_centralization_reported`` = Freeman's
    sum(max(d) - d_i) / ((n - 1)(n - 2)) on the undirected ties (reported by either end).

    Treatments: ``"none"`` uses what was reported; ``"reconstruct"`` gives a non-respondent's
    missing tie to a respondent the respondent's report of it (same item values; Stork and
    Richards 1992); ``"mean"`` gives non-respondents' missing ties the tie density observed in
    respondents' rows and their missing ratings the partner's observed mean (so partners'
    means do not move; a partner nobody rated gets the mean over partners).

    References
    ----------
    Varda, D. M. et al. (2008). Core dimensions of connectivity in public health
    collaboratives. J Public Health Manag Pract 14(5), E1-E7. Huisman, M. (2009). Imputation of
    missing network data: some simple procedures. Journal of Social Structure 10(1).

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> s = pn.survey_scores(net.period("2025"), level="network", warn=False)
    >>> bool(0 < s["response_rate"] < 1), bool(25 <= s["trust_pct"] <= 100)
    (True, True)
    >>> m = pn.survey_scores(net, wave="2025", warn=False)
    >>> list(m.columns[:3])
    ['wave', 'member_id', 'reliability']
    """
    if not isinstance(net, PeerNetwork):
        raise TypeError(f"survey_scores: net must be a PeerNetwork; got {type(net).__name__}")
    _check_choice("level", level, LEVELS)
    _check_choice("impute", impute, IMPUTE)
    waves = pick_waves(net, wave, latest=level == "network")
    if level == "network":
        if not waves:
            return _empty_network()
        return _network_series(wave_data(net, waves[0], level="member", warn=warn), impute)
    frames = []
    for w in waves:
        frames.append(_unit_scores(wave_data(net, w, level=level, warn=warn), impute))
    if not frames:
        key = "org" if level == "org" else "member_id"
        cols = ["wave", key, *PARTNER_ITEMS, "trust", "value", "n_raters",
                "n_eligible_raters", "response_rate", "response_note"]
        return pd.DataFrame({c: pd.Series(dtype="str" if c in ("wave", key, "response_note")
                                          else "float64") for c in cols})
    return pd.concat(frames, ignore_index=True)


def survey_response(net: PeerNetwork, *, wave: str | None = None) -> pd.DataFrame:
    """Who could answer each survey wave, who did, and the caution that goes with it.

    Returns
    -------
    DataFrame
        One row a wave: ``wave``, ``n_eligible`` (roster at the first answer, plus
        respondents), ``n_respondents``, ``response_rate``, ``response_note``
        (``"read with caution"`` under 65%, ``"low response"`` under 80%), ``n_ratings``,
        ``first_answer``, ``last_answer``.

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> r = pn.metrics.survey_response(net)
    >>> r["wave"].tolist()
    ['2023', '2024', '2025']
    """
    rows = []
    for w in pick_waves(net, wave, latest=False):
        d = wave_data(net, w, level="member", warn=False)
        n_resp = len(d.population.intersection(d.respondents))
        rate = n_resp / len(d.population) if len(d.population) else np.nan
        s = net.surveys[net.surveys["wave"].astype("str") == w]
        has_date = "date" in s.columns
        rows.append({"wave": w, "n_eligible": len(d.population), "n_respondents": n_resp,
                     "response_rate": rate, "response_note": response_note(rate),
                     "n_ratings": len(d.ratings),
                     "first_answer": s["date"].min() if has_date else pd.NaT,
                     "last_answer": s["date"].max() if has_date else pd.NaT})
    out = pd.DataFrame(rows, columns=["wave", "n_eligible", "n_respondents", "response_rate",
                                      "response_note", "n_ratings", "first_answer",
                                      "last_answer"])
    for col in ("first_answer", "last_answer"):   # NaT without dates: naive, made UTC here
        out[col] = pd.to_datetime(out[col], utc=True)
    return out.astype({"wave": "str", "n_eligible": "int64", "n_respondents": "int64",
                       "response_rate": "float64", "response_note": "str",
                       "n_ratings": "int64", "first_answer": "datetime64[ns, UTC]",
                       "last_answer": "datetime64[ns, UTC]"})


def survey_sensitivity(net: PeerNetwork, *, wave: str | None = None) -> pd.DataFrame:
    """Each network-level survey figure under every missing-data treatment, and its band.

    Returns
    -------
    DataFrame
        One row a wave and measure (``trust_pct``, ``value_pct``, ``density_reported``,
        ``reciprocity_reported``, ``degree_centralization_reported``): ``wave``, ``measure``,
        ``none``, ``reconstruct``, ``mean`` (the figure under each treatment), ``band_min``,
        ``band_max`` (their minimum and maximum), ``response_rate``, ``response_note``.
        A wide band means the figure depends on what the non-respondents would have said.

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> band = pn.metrics.survey_sensitivity(net, wave="2025")
    >>> bool((band["band_min"] <= band["none"]).all() and (band["none"] <= band["band_max"]).all())
    True
    """
    frames = []
    for w in pick_waves(net, wave, latest=False):
        d = wave_data(net, w, level="member", warn=False)
        per = {t: _network_series(d, t) for t in IMPUTE}
        df = pd.DataFrame({t: per[t].reindex(list(_NETWORK_MEASURES)) for t in IMPUTE})
        df["band_min"] = df[list(IMPUTE)].min(axis=1)
        df["band_max"] = df[list(IMPUTE)].max(axis=1)
        df = df.rename_axis("measure").reset_index()
        df.insert(0, "wave", w)
        rate = float(per["none"]["response_rate"])
        df["response_rate"] = rate
        df["response_note"] = response_note(rate)
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=["wave", "measure", *IMPUTE, "band_min", "band_max",
                                     "response_rate", "response_note"])
    return pd.concat(frames, ignore_index=True)


def _composite_pairs(w: Wave, item: str) -> pd.DataFrame:
    """One value per (rater, target): the rater's rating of ``item``, or for ``"trust"`` /
    ``"value"`` the mean of the rater's ratings on the composite's items."""
    items = COMPOSITES.get(item, (item,))
    r = _first_stage(w.ratings)
    r = r[r["item"].isin(items)]
    if item not in COMPOSITES and r.empty and item not in set(w.ratings["item"]):
        raise ValueError(f"item {item!r} is not in the survey; items are "
                         f"{sorted(set(w.ratings['item']))} or 'trust', 'value'")
    return r.groupby(["rater", "target"], sort=False)["value"].mean().reset_index()


def perception_gaps(net: PeerNetwork, *, wave: str | None = None, item: str = "trust",
                    warn: bool = True) -> pd.DataFrame:
    """For every pair of members who rated each other: A's rating of B against B's of A.

    Parameters
    ----------
    item : str, default "trust"
        An item name, or ``"trust"`` / ``"value"`` (the mean of the rater's ratings on the
        composite's items for that partner).

    Returns
    -------
    DataFrame
        One row a wave and pair (``member_a`` < ``member_b``): ``wave``, ``member_a``,
        ``member_b``, ``a_rates_b``, ``b_rates_a``, ``gap`` = a_rates_b - b_rates_a,
        ``abs_gap``, ``response_rate``. Sorted by ``abs_gap`` descending.

    Notes
    -----
    Only pairs where both sides responded and rated each other appear: a gap needs two
    reports. Large gaps mark asymmetric relationships (one side relies on the other more than
    it is relied upon), a common finding in coordination networks.

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> g = pn.metrics.perception_gaps(net, wave="2025", warn=False)
    >>> bool(((g["gap"] - (g["a_rates_b"] - g["b_rates_a"])).abs() < 1e-12).all())
    True
    """
    frames = []
    for wv in pick_waves(net, wave, latest=False):
        w = wave_data(net, wv, level="member", warn=warn)
        pairs = _composite_pairs(w, item)
        ab = pairs[pairs["rater"] < pairs["target"]]
        ba = pairs[pairs["rater"] > pairs["target"]].rename(
            columns={"rater": "target", "target": "rater", "value": "back"})
        both = ab.merge(ba, on=["rater", "target"], how="inner")
        df = pd.DataFrame({"wave": wv, "member_a": both["rater"].astype("str"),
                           "member_b": both["target"].astype("str"),
                           "a_rates_b": both["value"], "b_rates_a": both["back"]})
        df["gap"] = df["a_rates_b"] - df["b_rates_a"]
        df["abs_gap"] = df["gap"].abs()
        rate = len(w.population.intersection(w.respondents)) / max(len(w.population), 1)
        df["response_rate"] = rate
        frames.append(df)
    cols = ["wave", "member_a", "member_b", "a_rates_b", "b_rates_a", "gap", "abs_gap",
            "response_rate"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["wave", "abs_gap", "member_a", "member_b"],
                           ascending=[True, False, True, True]).reset_index(drop=True)[cols]


def given_received(net: PeerNetwork, *, wave: str | None = None, item: str = "trust",
                   level: str = "member", warn: bool = True) -> pd.DataFrame:
    """Trust (or value, or an item) each member or organization gives against what it receives.

    Parameters
    ----------
    item : str, default "trust"
        ``"trust"``, ``"value"`` or an item name.
    level : {"member", "org"}

    Returns
    -------
    DataFrame
        One row a wave and unit: ``wave``, ``member_id`` (or ``org``), ``given`` (mean over
        items of the mean rating the unit gave others), ``received`` (the same for ratings it
        received: equals ``survey_scores(...)[item]``), ``gap`` = given - received,
        ``n_given``, ``n_received`` (partners rated / raters), ``response_rate``.

    Notes
    -----
    A member who gives much more trust than it receives sees the network more warmly than the
    network sees it; at organization level, ratings between members of the same organization
    are left out on both sides.

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> gr = pn.metrics.given_received(net, wave="2025", warn=False)
    >>> list(gr.columns)
    ['wave', 'member_id', 'given', 'received', 'gap', 'n_given', 'n_received', 'response_rate']
    """
    _check_choice("level", level, ("member", "org"))
    key = "org" if level == "org" else "member_id"
    frames = []
    for wv in pick_waves(net, wave, latest=False):
        w = wave_data(net, wv, level=level, warn=warn)
        items = COMPOSITES.get(item, (item,))
        first = _first_stage(w.ratings)
        first = first[first["item"].isin(items)]
        first["giver"] = first["rater"].map(w.unit_of) if w.unit == "org" else first["rater"]
        first = first[first["giver"].notna()]
        given = (first.groupby(["giver", "item"])["value"].mean().groupby(level=0).mean())
        received = (first.groupby(["target", "item"])["value"].mean().groupby(level=0).mean())
        n_given = first.groupby("giver")["target"].nunique()
        n_received = first.groupby("target")["rater"].nunique()
        idx = w.units.union(given.index).union(received.index)
        df = pd.DataFrame({"wave": wv, key: idx.astype("str"),
                           "given": given.reindex(idx).to_numpy(),
                           "received": received.reindex(idx).to_numpy()})
        df["gap"] = df["given"] - df["received"]
        df["n_given"] = n_given.reindex(idx).fillna(0).astype("int64").to_numpy()
        df["n_received"] = n_received.reindex(idx).fillna(0).astype("int64").to_numpy()
        df["response_rate"] = (len(w.population.intersection(w.respondents))
                               / max(len(w.population), 1))
        frames.append(df)
    cols = ["wave", key, "given", "received", "gap", "n_given", "n_received", "response_rate"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def _icc1(groups: pd.Series, values: pd.Series) -> dict[str, float]:
    """One-way random-effects ANOVA of ``values`` by ``groups`` (groups of one dropped)."""
    size = groups.map(groups.value_counts())
    keep = (size >= 2).to_numpy()
    g, x = groups[keep], values[keep].astype("float64")
    out = dict.fromkeys(("icc1", "icc1_k", "k0", "ms_between", "ms_within", "f", "p_value"),
                        np.nan)
    out.update(n_targets=int(g.nunique()), n_ratings=int(len(x)))
    n_groups, n = out["n_targets"], out["n_ratings"]
    if n_groups < 2 or n <= n_groups:
        return out
    means = x.groupby(g).transform("mean")
    grand = x.mean()
    ss_b = float(((means - grand) ** 2).sum())
    ss_w = float(((x - means) ** 2).sum())
    df_b, df_w = n_groups - 1, n - n_groups
    msb, msw = ss_b / df_b, ss_w / df_w
    counts = g.value_counts().to_numpy()
    k0 = (n - (counts ** 2).sum() / n) / df_b
    out.update(k0=k0, ms_between=msb, ms_within=msw)
    denom = msb + (k0 - 1) * msw
    out["icc1"] = (msb - msw) / denom if denom else np.nan
    out["icc1_k"] = (msb - msw) / msb if msb else np.nan
    if msw > 0:
        out["f"] = msb / msw
        from scipy import stats  # imported here: scipy.stats adds 0.25 s to every start

        out["p_value"] = float(stats.f.sf(out["f"], df_b, df_w))
    return out


def rater_agreement(net: PeerNetwork, *, wave: str | None = None,
                    items: Sequence[str] | None = None, warn: bool = True) -> pd.DataFrame:
    """How far raters agree about the same partner: ICC(1) per item, from a one-way ANOVA.

    Parameters
    ----------
    items : sequence of str, optional
        Items (and/or ``"trust"``, ``"value"``). Default: every relational item in the wave plus
        the two composites.

    Returns
    -------
    DataFrame
        One row a wave and item: ``wave``, ``item``, ``icc1`` (ICC(1): reliability of one
        rater's rating), ``icc1_k`` (ICC(1,k): reliability of a partner's mean rating over
        ``k0`` raters), ``n_targets`` (partners rated by two or more), ``n_ratings``, ``k0``
        (mean raters per partner, adjusted for unequal numbers), ``ms_between``,
        ``ms_within``, ``f``, ``p_value``, ``response_rate``.

    Notes
    -----
    Groups are the rated partners, observations the ratings they received (for a composite,
    each rater's mean over the composite's items). With MSB and MSW the between- and within-
    partner mean squares, N ratings and g partners,
    ``k0 = (N - sum n_i^2 / N) / (g - 1)``, ``ICC(1) = (MSB - MSW) / (MSB + (k0 - 1) MSW)``
    and ``ICC(1,k) = (MSB - MSW) / MSB`` (Shrout and Fleiss 1979). Partners rated by only one
    member are left out. ICC(1) near 0: raters do not agree (the mean score of a partner says
    little about it); above about 0.1-0.2 partner means begin to be meaningful.

    Examples
    --------
    >>> net = pn.load_sample("riverbend")
    >>> icc = pn.metrics.rater_agreement(net, wave="2025", items=["trust"], warn=False)
    >>> bool(-1 <= icc.loc[0, "icc1"] <= 1)
    True
    """
    frames = []
    for wv in pick_waves(net, wave, latest=False):
        w = wave_data(net, wv, level="member", warn=warn)
        wanted = list(items) if items is not None else (
            _item_columns(pd.unique(w.ratings["item"]).tolist()) + list(COMPOSITES))
        rate = len(w.population.intersection(w.respondents)) / max(len(w.population), 1)
        rows = []
        for item in wanted:
            pairs = _composite_pairs(w, item)
            rows.append({"wave": wv, "item": item,
                         **_icc1(pairs["target"], pairs["value"]), "response_rate": rate})
        frames.append(pd.DataFrame(rows))
    cols = ["wave", "item", "icc1", "icc1_k", "n_targets", "n_ratings", "k0", "ms_between",
            "ms_within", "f", "p_value", "response_rate"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]
