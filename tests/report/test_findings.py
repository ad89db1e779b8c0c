"""peernet.report.findings: findings come from the data, a verdict, actions citing findings."""

from __future__ import annotations

import importlib.util
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact

import peernet as pn
from peernet.report.findings import (
    DRIFT_P,
    Finding,
    findings,
    glossary,
    recommended,
    verdict,
)

pytestmark = pytest.mark.slow  # evaluations with bootstrap intervals

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("make_samples",
                                                  ROOT / "scripts" / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ev(riverbend):
    return pn.evaluate(riverbend, periods=["2024", "2025"], bootstrap=20)


@pytest.fixture(scope="module")
def found(ev):
    return findings(ev)


@pytest.fixture(scope="module")
def no_drift(tmp_path_factory):
    """The sample built without the Mountain region's drift (its 2023 level every year)."""
    folder = _generator().write_sample(tmp_path_factory.mktemp("nodrift"), drift=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = pn.load(folder)
    return pn.evaluate(net, periods=["2024", "2025"], bootstrap=20)


def _texts(fs):
    return " ".join(f"{f.title} {f.sentence} {f.evidence} {f.certainty}" for f in fs)


def test_mountain_drift_found_from_the_data(ev, found):
    drift = [f for f in found if f.key == "group_drift"]
    assert [f.fills["name"] for f in drift] == ["Mountain"]
    f = drift[0]
    assert found[0] is f and f.sure and f.concern
    # the number behind it, by hand from the region breakdown: the region's share of the
    # interactions of all regions, 2024 and 2025
    g = ev.groups[ev.groups["by"] == "region"].set_index(["period", "group"])
    a, b = g.loc[("2024", "Mountain")], g.loc[("2025", "Mountain")]
    tot_a = g.loc["2024", "interactions"].sum()
    tot_b = g.loc["2025", "interactions"].sum()
    assert (a["interactions"], b["interactions"]) == (233, 95)
    assert (a["members_active"], b["members_active"]) == (18, 12)
    assert f.previous == pytest.approx(233 / tot_a) and f.value == pytest.approx(95 / tot_b)
    assert f"{233 / tot_a:.1%}" == "7.0%" and f"{95 / tot_b:.1%}" == "2.6%"
    assert "7.0% to 2.6%" in f.sentence and "12 active members in 2025 (18 in 2024)" in \
        f.evidence
    p = fisher_exact([[233, tot_a - 233], [95, tot_b - 95]])[1]
    assert p < DRIFT_P and "p < 0.001" in f.certainty
    # the other regions keep their members: no drift
    assert "North Valley" not in _texts(found) and "Coast" not in _texts(found)


def test_without_the_drift_mountain_is_not_mentioned(no_drift):
    fs = findings(no_drift)
    assert "group_drift" not in [f.key for f in fs]
    assert "Mountain" not in _texts(fs)
    acts = recommended(fs)
    assert "regional_session" not in [a["id"] for a in acts]
    assert not any("Mountain" in a["title"] + a["text"] for a in acts)
    # the region itself is as active as the others
    g = no_drift.groups[no_drift.groups["by"] == "region"].set_index(["period", "group"])
    assert g.loc[("2025", "Mountain"), "members_active"] >= \
        0.8 * g.loc[("2024", "Mountain"), "members_active"]


def test_mixing_less_than_chance(ev, found):
    f = next(f for f in found if f.key == "mixing_below_chance")
    row = ev.mixes_less_than_chance("org")
    assert round(float(row["observed"]), 3) == 0.812 and round(float(row["expected"]), 3) \
        == 0.916
    assert "less than chance" in f.sentence
    assert "0.81" in f.evidence and "0.92" in f.evidence and "p = 0.001" in f.certainty


def test_mixing_certainty_says_how_p_was_found():
    """At 10k members the mixing test takes the normal approximation (permutations 0): the
    finding said "p = 0.001 against 0 random relabellings ... (none of them mixed as
    little)". It now names the exact moments and z; with relabellings, as before."""
    from peernet.report.findings import _mixing_certainty

    normal = pd.Series({"p_value": 1e-40, "permutations": 0, "z": -31.26})
    text = _mixing_certainty(normal)
    assert text.startswith("Sure: p < 0.001, from the exact mean and spread of the index")
    assert "z = -31.3" in text and "relabellings" in text and "0 random" not in text
    assert _mixing_certainty(normal.replace(1e-40, 0.0042)).startswith("Sure: p = 0.004,")
    permuted = pd.Series({"p_value": 1 / 1001, "permutations": 1000, "z": -5.0})
    assert _mixing_certainty(permuted) == (
        "Sure: p = 0.001 against 1,000 random relabellings of the members that keep each "
        "organization's size (none of them mixed as little).")
    some = pd.Series({"p_value": 0.02, "permutations": 1000, "z": -2.3})
    assert _mixing_certainty(some) == ("Sure: p = 0.020 against 1,000 random relabellings "
                                       "of the members that keep each organization's size.")


def test_reciprocity_decline_passes_the_change_test(ev, found):
    f = next(f for f in found if f.key == "reciprocity_low")
    ch = ev.changes().set_index(["section", "metric"]).loc[("network", "reciprocity")]
    assert bool(ch["real"]) and ch["high"] < 0
    assert (f.low, f.high) == (ch["low"], ch["high"])
    assert f.previous == pytest.approx(ch["previous"]) and f.value == pytest.approx(
        ch["current"])


def test_only_changes_that_pass_are_stated(ev, found):
    ch = ev.changes()
    real = ch[ch["real"] & ch["section"].isin(["grid"]) & (ch["change"] > 0)]
    strength = next(f for f in found if f.key == "strength")
    for label in real["metric"]:
        assert glossary()[label]["label"] in strength.sentence
    # an element whose change interval includes 0 is not stated as a change
    noise = ch[(ch["section"] == "grid") & ch["tested"] & ~ch["real"]]
    assert len(noise)
    for label in noise["metric"]:
        assert glossary()[label]["label"] + " (" not in strength.sentence


def test_periphery_org_is_a_state(ev, found):
    f = next(f for f in found if f.key == "org_periphery")
    roles = ev.roles("org").set_index("org")
    org = f.fills["org"]
    assert roles.loc[org, "core"] == 0 and roles.loc[org, "members"] >= 5
    assert "not a change" in f.certainty


def test_verdict(ev, found, riverbend):
    v = verdict(ev, found)
    assert v.key == "healthier" and v.headline.startswith("Healthier than in 2024")
    assert any("Mountain" in e for e in v.evidence)
    base = pn.evaluate(riverbend, periods=["2025"], bootstrap=0)
    vb = verdict(base, findings(base))
    assert vb.key == "baseline" and "baseline" in vb.headline
    assert "group_drift" not in [f.key for f in findings(base)]
    untested = pn.evaluate(riverbend, periods=["2024", "2025"], bootstrap=0)
    vu = verdict(untested, findings(untested))
    assert vu.key == "untested" and "bootstrap=0" in vu.headline


def test_actions_cite_their_findings(found):
    acts = recommended(found)
    first = acts[0]
    assert first["id"] == "regional_session" and first["finding"] == 1
    assert first["title"] == "Bring the Mountain region back in"
    assert "{" not in " ".join(a["title"] + a["text"] for a in acts)
    for a in acts:
        assert isinstance(found[a["finding"] - 1], Finding)
        assert a["grid"] and all(g[:2] in ("gp", "ch") for g in a["grid"])
    assert len({a["id"] for a in acts}) == len(acts)


def test_glossary_has_every_term_of_a_finding(found):
    g = glossary()
    for f in found:
        assert f.terms and all(t in g for t in f.terms), f.key
        assert all(np.isfinite(f.value) for f in found)


def test_fisher_two_sided_equals_scipy():
    """The drift finding's Fisher test (no scipy.stats import) against scipy's, on small,
    tied, degenerate and riverbend-sized tables."""
    import numpy as np
    from scipy.stats import fisher_exact

    from peernet.report.findings import fisher_two_sided

    rng = np.random.default_rng(7)
    tables = [(1306, 20000, 500, 21000), (0, 5, 5, 0), (3, 1, 1, 3), (10, 10, 10, 10),
              (0, 0, 3, 4), (100, 0, 0, 100), (7, 2, 1, 12), (0, 0, 0, 0), (5, 0, 0, 0)]
    tables += [tuple(int(x) for x in rng.integers(0, 40, 4)) for _ in range(400)]
    tables += [tuple(int(x) for x in rng.integers(0, [3000, 40000, 3000, 40000]))
               for _ in range(100)]
    for t in tables:
        want = float(fisher_exact([[t[0], t[1]], [t[2], t[3]]])[1])
        assert fisher_two_sided(*t) == pytest.approx(want, rel=1e-8, abs=1e-300), t
    # margins 4, 4, 4 of 8: P(k) = C(4,k) C(4,4-k) / 70 = 1, 16, 36, 16, 1 (/70); k = 3
    assert fisher_two_sided(3, 1, 1, 3) == pytest.approx((1 + 16 + 16 + 1) / 70)
    with pytest.raises(ValueError):
        fisher_two_sided(-1, 2, 3, 4)
