"""The report at 100,000 members (issue 23): what it draws and computes once at scale, with
the same numbers as before on small networks."""

from __future__ import annotations

import numpy as np
import pandas as pd

import peernet as pn
from peernet import privacy
from peernet.report import figures, protect
from peernet.ties import _most_common


def test_survey_figure_draws_the_organizations_rated_by_the_most_members(tmp_path,
                                                                          monkeypatch):
    """At 2,500 organizations the survey chart was 590 inches tall: it draws the
    SURVEY_ROWS organizations rated by the most members (ties by name) and says so."""
    by_org = pd.DataFrame({"org": [f"org {i:02d}" for i in range(8)],
                           "trust": [3.0, 2.5, np.nan, 3.5, 2.0, 1.5, 3.2, 2.8],
                           "value": [3.0] * 8,
                           "n_raters": [9, 12, 30, 12, 5, 7, 20, 6],
                           "response_rate": [0.5] * 8, "suppressed": [False] * 8})
    survey = {"by_org": by_org, "scale": (1.0, 4.0), "wave": "2025", "min_group_size": 5}
    drawn = []
    real = pn.plot.survey_by_org

    def spy(df, **kwargs):
        drawn.append(df)
        return real(df, **kwargs)

    monkeypatch.setattr(pn.plot, "survey_by_org", spy)
    full = figures.survey_figure(survey, tmp_path, ("png",))
    assert len(drawn[-1]) == 7 and "drawn" not in full["caption"]   # the NaN one left out
    monkeypatch.setattr(figures, "SURVEY_ROWS", 3)
    capped = figures.survey_figure(survey, tmp_path, ("png",))
    # the most raters: org 06 (20), then org 01 and org 03 (12 each, by name); org 02 has
    # no trust (suppressed) and is not drawn
    assert sorted(drawn[-1]["org"]) == ["org 01", "org 03", "org 06"]
    assert ("The 3 organizations rated by the most members are drawn, of 7; every "
            "organization is in the table below.") in capped["caption"]


def test_most_common_value_of_each_group_is_value_counts_first():
    """The organization's sector (org_ties): each group's most common value, the first to
    appear winning ties, equal to ``value_counts().index[0]`` group by group."""
    rng = np.random.default_rng(3)
    orgs = rng.choice(["a", "b", "c", "d", "e", None], 3000)
    sectors = rng.choice(["x", "y", "z", "w", None], 3000)
    codes, names = pd.factorize(pd.Series(orgs, dtype=object), sort=True)
    has = codes >= 0
    got = _most_common(codes, pd.Series(sectors, dtype=object), has, len(names))
    frame = pd.DataFrame({"org": orgs, "sector": sectors}).dropna()
    for i, org in enumerate(names):
        assert got[i] == frame.loc[frame["org"] == org, "sector"].value_counts().index[0]
    # by hand: a tie goes to the value seen first; a group without values gets None
    codes = np.array([0, 0, 1, 1, 1, 2])
    values = pd.Series(["y", "x", "x", "y", "y", None], dtype=object)
    assert _most_common(codes, values, np.ones(6, bool), 3).tolist() == ["y", "y", None]


def test_personal_strings_are_computed_once_a_network(riverbend, monkeypatch):
    """sensitive_strings and hidden_names are kept on the network (a report asked five and
    three times: half a minute at 10 million interactions); each call gets its own copy."""
    net = riverbend.replace(name=riverbend.name)   # a fresh network: nothing kept yet
    calls = []
    real = privacy._sensitive_strings
    monkeypatch.setattr(privacy, "_sensitive_strings",
                        lambda *a: calls.append(a) or real(*a))
    first = privacy.sensitive_strings(net)
    first["planted"] = "x"
    again = privacy.sensitive_strings(net.period("2025"))
    assert len(calls) == 1 and "planted" not in again
    assert again == real(net, 3, True)
    assert len(privacy.sensitive_strings(net, ids=False)) < len(again) and len(calls) == 2
    ev = pn.evaluate(net, periods=["2025"], bootstrap=0)
    names = protect.hidden_names(ev, 5)
    names.setdefault("org", {})["planted"] = "x"
    assert protect.hidden_names(ev, 5) == protect._hidden_names(ev.net, 5)
    assert len(calls) == 2     # sensitive_strings of the network was kept


def test_person_maps_of_a_large_network_are_left_out_with_a_note(riverbend, tmp_path,
                                                                  monkeypatch):
    """Above MAX_STATIC_MAP_MEMBERS people in a compared period the report draws no person
    map and says why; the organization map and the other figures stay."""
    from peernet.report import networks

    ev = pn.evaluate(riverbend, periods=["2024", "2025"], bootstrap=0)
    monkeypatch.setattr(networks, "MAX_STATIC_MAP_MEMBERS", 50)
    out = pn.report(ev, tmp_path / "report")
    names = {p.stem for p in (out / "figures").glob("*.png")}
    assert not names & {"maps", "maps_coattendance", "groups_map"}
    assert {"grid", "org_map", "participation", "trend", "roles"} <= names
    people = int(networks.too_large(ev, "maps").split(" has ")[1].split(" people")[0])
    assert people > 50
    page = (out / "index.html").read_text(encoding="utf-8")
    assert (f"Maps of the members not drawn: 2024 has {people} people (the maps draw up to "
            f"50): the organization map shows who works with whom") in page
    monkeypatch.setattr(networks, "MAX_STATIC_MAP_MEMBERS", 20_000)
    assert networks.too_large(ev, "maps") is None


def test_the_protected_network_takes_over_the_personal_strings(riverbend, monkeypatch):
    """The relabelled network of a default report changes group names only: its personal
    strings are the evaluated network's (carried over, not computed again)."""
    net = riverbend.replace(name=riverbend.name)
    ev = pn.evaluate(net, periods=["2024", "2025"], bootstrap=0)
    shown = protect.protected(ev, 5)
    assert shown.net is not net
    calls = []
    real = privacy._sensitive_strings
    monkeypatch.setattr(privacy, "_sensitive_strings",
                        lambda *a: calls.append(a) or real(*a))
    assert privacy.sensitive_strings(shown.net) == real(shown.net, 3, True)
    assert not calls
