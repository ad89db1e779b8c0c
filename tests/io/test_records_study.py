"""Issue 17: a study of two weeks (or two days) evaluated period against period and reported.

The contact log is generated in the SocioPatterns office format (``t i j``, seconds from the
start of the study, spaces, no header); the periods are arbitrary windows.
"""

import json

import numpy as np
import pandas as pd
import pytest

import peernet as pn


def office_log(path, *, people=12, seed=3):
    """Two working weeks (Mon 2013-06-24 .. Fri 07-05) of 20-second windows, 08:00 start."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]:
        for _ in range(25):
            a, b = rng.choice(people, 2, replace=False)
            t0 = day * 86400 + int(rng.integers(0, 8 * 180)) * 20
            rows += [(t0 + 20 * w, a, b) for w in range(int(rng.integers(1, 4)))]
    df = pd.DataFrame(rows, columns=["t", "i", "j"]).sort_values("t", kind="stable")
    df.to_csv(path, sep=" ", header=False, index=False)
    return df


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    p = tmp_path_factory.mktemp("office") / "tij_office.dat"
    raw = office_log(p)
    net = pn.read_edges(p, time=0, source=1, target=2, unit="s", origin="2013-06-24 08:00",
                        tz="Europe/Paris", resolution=20)
    return raw, net


def test_two_weeks_evaluated_week_against_week_from_pairs_and_labels(study):
    raw, net = study
    weeks = [("2013-06-24", "2013-06-29"), ("2013-07-01", "2013-07-06")]
    ev = pn.evaluate(net, periods=weeks, bootstrap=0)
    assert ev.periods == ("2013-06-24..2013-06-29", "2013-07-01..2013-07-06")
    # the same windows written as labels give the same evaluation
    ev2 = pn.evaluate(net, periods=list(ev.periods), bootstrap=0)
    assert ev2.periods == ev.periods
    # each week's slice holds that week's contacts: windows merged, by hand from the raw log
    for (start, _end), label in zip(weeks, ev.periods, strict=True):
        first_day = (pd.Timestamp(start) - pd.Timestamp("2013-06-24")).days
        wk = raw[(raw["t"] >= first_day * 86400) & (raw["t"] < (first_day + 5) * 86400)]
        wk = wk.assign(a=wk[["i", "j"]].min(axis=1), b=wk[["i", "j"]].max(axis=1))
        wk = wk.drop_duplicates(["a", "b", "t"]).sort_values(["a", "b", "t"])
        new = (wk["a"].ne(wk["a"].shift()) | wk["b"].ne(wk["b"].shift())
               | (wk["t"] - wk["t"].shift() > 20))
        assert len(ev.slices[label].interactions) == int(new.sum())
        assert ev.scores[label].indicators["has_data"].any()
    nm = ev.network
    assert set(nm["period"]) == set(ev.periods)
    # participation week by week, never by calendar quarter (2013Q2, 2013Q3)
    assert ev.participation["period"].tolist() == list(ev.periods)


def test_the_two_week_study_is_reported_under_its_dates(study, tmp_path):
    _raw, net = study
    ev = pn.evaluate(net, periods=[("2013-06-24", "2013-06-29"),
                                   ("2013-07-01", "2013-07-06")], bootstrap=0)
    out = pn.report(ev, tmp_path / "report")
    index = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "2013-07-01..2013-07-06" in index
    meta = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    assert "tables/network_metrics.csv" in meta["files"]
    table = pd.read_csv(tmp_path / "report" / "tables" / "network_metrics.csv")
    # one column a week, named by its dates
    assert list(table.columns[-2:]) == ["2013-06-24..2013-06-29", "2013-07-01..2013-07-06"]
    members = table.set_index("metric").loc["members"]
    assert members.iloc[-2:].tolist() == [12.0, 12.0]
    assert out is not None


def test_periods_that_are_not_periods_say_so(study):
    _raw, net = study
    with pytest.raises(ValueError, match=r"a period is a label \('2025', "
                       r"'2013-06-24\.\.2013-06-29'\), a \(start, end\) pair or a Window; "
                       r"got 2013"):
        pn.evaluate(net, periods=[2013], bootstrap=0)
    with pytest.raises(ValueError, match="periods must be in time order"):
        pn.evaluate(net, periods=[("2013-07-01", "2013-07-06"),
                                  ("2013-06-24", "2013-06-29")], bootstrap=0)


def _report_text(folder):
    """Every text file a report wrote, as one string (figures' SVG text included)."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*"))
                     if p.suffix in {".html", ".csv", ".json", ".svg"})


def test_two_days_are_never_shown_by_calendar_quarter(study, tmp_path):
    """Both days lie in 2013Q3: nothing of the evaluation or its report may say 2013Q3."""
    _raw, net = study
    days = ["2013-07-01..2013-07-02", "2013-07-02..2013-07-03"]
    ev = pn.evaluate(net, periods=days, bootstrap=0)
    assert ev.periods == tuple(days)
    # participation is by the evaluated windows, named by their dates
    assert ev.meta["participation_by"] == "period"
    assert ev.participation["period"].tolist() == days
    by_day = {d: s.members_active() for d, s in ev.slices.items()}
    assert ev.participation["members_active"].tolist() == [len(by_day[d]) for d in days]
    # by hand: members active on both days over those active on the first
    kept = len(set(by_day[days[0]]) & set(by_day[days[1]])) / len(by_day[days[0]])
    assert ev.participation["retention_rate"].iloc[1] == pytest.approx(kept)
    pn.report(ev, tmp_path / "r", formats=("png", "svg"))
    text = _report_text(tmp_path / "r")
    assert "2013Q" not in text and "quarter by quarter" not in text
    assert "both years" not in text and "annual network evaluation" not in text
    index = "".join((tmp_path / "r" / p).read_text(encoding="utf-8")  # first page, appendix
                    for p in ("index.html", "appendix.html"))
    assert "Participation by period" in index
    assert "Active, new and lapsed members, period by period (the evaluated windows" in index
    assert not (tmp_path / "r" / "tables" / "participation_by_quarter.csv").exists()
    table = pd.read_csv(tmp_path / "r" / "tables" / "participation_by_period.csv")
    assert list(table.columns[-2:]) == days
    svg = (tmp_path / "r" / "figures" / "participation.svg").read_text(encoding="utf-8")
    assert all(d in svg for d in days)


def test_calendar_periods_keep_their_calendar_steps():
    from peernet.evaluation_steps import participation_breakdown
    from peernet.periods import parse_period

    def steps(*labels, start_month=7):
        return participation_breakdown([parse_period(p, start_month=start_month)
                                        for p in labels])

    assert steps("2024", "2025") == "QS"
    assert steps("FY2024", "FY2025") == "QS"                 # July: quarters fit
    assert steps("FY2024", "FY2025", start_month=2) is None  # from February they do not
    assert steps("2025Q1", "2025Q2") == "MS" and steps("2025-01", "2025-02") == "MS"
    assert steps("2013-06-24..2013-06-29", "2013-07-01..2013-07-06") is None
    assert steps("2024", "2025-01-01..2025-07-01") is None


def test_a_week_is_compared_with_the_week_evaluated_before_it():
    """Week 2 (from 2013-07-01) against week 1 (from 06-24), not against the five days just
    before it (06-26..07-01, which hold only Thursday of week 1)."""
    log = pd.DataFrame({"time": ["2013-06-24 09:00", "2013-06-27 10:00", "2013-07-01 09:00",
                                 "2013-07-02 11:00"],
                        "source": ["A", "C", "A", "E"], "target": ["B", "D", "B", "A"]})
    net = pn.read_edges(log, tz="Europe/Paris")
    weeks = ["2013-06-24..2013-06-29", "2013-07-01..2013-07-06"]
    ev = pn.evaluate(net, periods=weeks, bootstrap=0)
    assert ev.slices[weeks[1]].previous().window == ev.slices[weeks[0]].window
    # by hand: week 1 {A, B, C, D}, week 2 {A, B, E}: 2 returning, 2 lapsed, 1 new
    row = ev.annual.set_index("period").loc[weeks[1]]
    assert row[["members_returning", "members_lapsed", "members_new"]].tolist() == [2, 2, 1]
    assert row["retention_rate"] == 0.5
    ind = ev.scores[weeks[1]].indicators.set_index("indicator")
    assert ind.loc["retention", "value"] == 0.5
    assert ind.loc["retention", "note"] == "2 of 4 of last period's active members active again"
    # ties: A-B kept, C-D lost, A-E new
    assert ind.loc["tie_persistence", "value"] == pytest.approx(1 / 3)
    # a window asked for on its own still has the same-length window before it
    alone = net.period(("2013-07-01", "2013-07-06"))
    assert alone.previous().window.label == "2013-06-26..2013-07-01"
