"""Planted changes move the right Grid scores (issue 18, "Done when").

Each test builds a variant of the riverbend sample with one change planted in 2025 and
scores 2025 with the default rubric: removing most cross-organization ties must drop the
chance-corrected mixing indicators and the element holding them by a band; halving the
meetings must lower Time and Space; removing every reply must lower Communication and Trust.
"""

import numpy as np
import pandas as pd
import pytest

import peernet as pn

BANDS = ("emerging", "developing", "strong")


def _rebuild(net, **tables):
    t = {k: getattr(net, k) for k in ("members", "interactions", "events", "problems",
                                      "actions", "surveys", "checklist", "outcomes")}
    t.update(tables)
    return pn.PeerNetwork.from_tables(**t, tz=net.tz, name=net.name, warn=False)


def _in_2025(net, times):
    lo, hi = (pd.Timestamp(f"{y}-01-01", tz=net.tz) for y in (2025, 2026))
    return ((times >= lo) & (times < hi)).to_numpy()


@pytest.fixture(scope="module")
def base(riverbend):
    return pn.score(riverbend.period("2025"))


def _scores(net):
    return pn.score(net.period("2025"))


def _element(g, name):
    return g.layers.set_index("element").loc[name]


def _indicator(g, name):
    return g.indicators.set_index("indicator").loc[name]


def test_removing_cross_org_ties_drops_mixing_a_band(riverbend, base):
    inter = riverbend.interactions
    org = riverbend.members.set_index("member_id")["org"]
    so, to = inter["source"].map(org), inter["target"].map(org)
    cross = (inter["target"].notna() & so.notna() & to.notna() & (so != to)).to_numpy()
    keep_some = np.random.default_rng(0).random(len(inter)) < 0.1
    silo = _rebuild(riverbend, interactions=inter.loc[
        ~(cross & _in_2025(riverbend, inter["timestamp"]) & ~keep_some)])
    g = _scores(silo)
    for ind in ("cross_org_mixing", "cross_sector_mixing", "newcomer_mixing"):
        before, after = _indicator(base, ind), _indicator(g, ind)
        assert after["value"] < before["value"] and after["band"] == "emerging", ind
        if before["band"] != "emerging":
            assert BANDS.index(after["band"]) < BANDS.index(before["band"]), ind
    before, after = _element(base, "space"), _element(g, "space")
    assert BANDS.index(after["band"]) < BANDS.index(before["band"])


def test_halving_the_meetings_lowers_time_and_space(riverbend, base):
    ev = riverbend.events
    e25 = ev[_in_2025(riverbend, ev["start"])].sort_values("start")
    gone = set(e25["event_id"].iloc[1::2])
    inter = riverbend.interactions
    half = _rebuild(riverbend, events=ev[~ev["event_id"].isin(gone)],
                    interactions=inter[~inter["event_id"].isin(gone)])
    g = _scores(half)
    for el in ("time", "space"):
        assert _element(g, el)["score"] < _element(base, el)["score"] - 5, el


def test_removing_every_reply_lowers_communication_and_trust(riverbend, base):
    inter = riverbend.interactions
    reply = (inter["kind"] == "reply").to_numpy() & _in_2025(riverbend, inter["timestamp"])
    g = _scores(_rebuild(riverbend, interactions=inter[~reply]))
    for el in ("communication", "trust"):
        assert _element(g, el)["score"] < _element(base, el)["score"], el
    # no reply is the slowest possible answer, not missing data
    assert _indicator(g, "hours_to_first_reply")["has_data"]
    assert _indicator(g, "hours_to_first_reply")["score"] == 0


def _year_repeated(net, year="2024"):
    """Three copies of one year as the year before, itself and the year after: every date
    moved, ids of events, threads, problems and actions made distinct. The roster loses
    ``joined`` and ``left`` (one roster cannot date the newcomers of three copies)."""
    y = net.period(year)
    tables: dict[str, list[pd.DataFrame]] = {}
    for k in (-1, 0, 1):
        off = pd.DateOffset(years=k)
        for name in ("interactions", "events", "problems", "actions", "surveys", "checklist",
                     "outcomes"):
            df = getattr(y, name).copy()
            for col in df.columns:
                if str(df[col].dtype).startswith("datetime64"):
                    df[col] = df[col] + off
                if col in ("period", "wave"):
                    df[col] = (df[col].astype(int) + k).astype(str)
                if col in ("event_id", "thread_id", "message_id", "problem_id", "action_id") \
                        and k:
                    df[col] = df[col].where(df[col].isna(), df[col].astype(str) + f"~{k}")
            tables.setdefault(name, []).append(df)
    members = net.members.drop(columns=["joined", "left"])
    return _rebuild(net, members=members, **{k: pd.concat(v, ignore_index=True)
                                             for k, v in tables.items()})


@pytest.mark.slow
def test_an_unchanged_year_has_no_real_change(riverbend):
    same = _year_repeated(riverbend)
    ev = pn.evaluate(same, periods=["2024", "2025"], bootstrap=30, grid_bootstrap=12, seed=1)
    ch = ev.changes()
    tested = ch[ch["tested"]]
    assert set(tested["section"]) == {"grid", "network"} and len(tested) >= 15
    assert not ch["real"].any(), ch.loc[ch["real"], ["section", "metric", "change", "low",
                                                      "high"]]
    # the two years are the same year: Grid elements move by leap-day effects at most
    grid = ch[ch["section"] == "grid"]
    assert grid["change"].abs().max() < 2
    assert (grid.loc[grid["tested"], "low"] < 0).all() and (
        grid.loc[grid["tested"], "high"] > 0).all()
    assert ev.highlights(5) == [h for h in ev.highlights(5) if "real change" not in h]
