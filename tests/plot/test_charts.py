"""Evaluation charts: participation, Grid, trend, roles, save (artists, not pixels)."""

from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

import peernet as pn
from peernet.plot.style import BAND_COLORS, POSITION_COLORS


def bars(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def cell(ax, element):
    return next(p for p in ax.patches if p.get_gid() == f"grid-{element}")


def text(ax, gid):
    found = [t.get_text() for t in ax.texts if t.get_gid() == gid]
    return found[0] if found else None


@pytest.fixture(scope="module")
def evaluation(riverbend):
    return pn.evaluate(riverbend, periods=["2024", "2025"], bootstrap=10)


def layers_frame(scores, bands=None):
    rows = []
    for layer, elements in pn.plot.charts.GRID_LAYERS.items():
        for e in elements:
            s = scores.get(e, np.nan)
            has = not np.isnan(s)
            band = (bands or {}).get(e) or ("insufficient data" if not has else
                                            "strong" if s >= 70 else
                                            "developing" if s >= 40 else "emerging")
            rows.append({"layer": layer, "element": e, "score": s, "band": band,
                         "has_data": has})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------- participation
PART = pd.DataFrame({
    "period": pd.PeriodIndex(["2024Q1", "2024Q2", "2024Q3"], freq="Q"),
    "members_active": [10, 12, 9], "members_new": [10, 3, 1],
    "members_returning": [0, 9, 8], "members_lapsed": [0, 1, 4],
    "attendance_rate": [0.5, 0.25, 0.4]})


def test_participation_bars_equal_the_table():
    fig, ax = plt.subplots()
    assert pn.plot.participation(PART, ax=ax) is ax
    assert [b.get_height() for b in bars(ax, "bars-returning")] == [0, 9, 8]
    new = bars(ax, "bars-new")
    assert [b.get_height() for b in new] == [10, 3, 1]
    assert [b.get_y() for b in new] == [0, 9, 8]  # stacked on the returning members
    assert [b.get_height() for b in bars(ax, "bars-lapsed")] == [0, -1, -4]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2024Q1", "2024Q2", "2024Q3"]
    # the first period has nobody to return: the chart says so instead of implying growth
    assert text(ax, "first-period-note") == "start\nof data:\nall count\nas new"
    twin = [a for a in fig.axes if a is not ax][0]
    line = next(li for li in twin.get_lines() if li.get_gid() == "attendance-rate")
    assert list(line.get_ydata()) == [50.0, 25.0, 40.0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["returning", "new", "lapsed (active before, not now)",
                      "attendance rate (right axis)"]


def test_participation_missing_column_is_named():
    with pytest.raises(ValueError, match=r"plot.participation: missing column\(s\) "
                                         r"\['members_lapsed'\]"):
        pn.plot.participation(PART.drop(columns="members_lapsed"))


def test_participation_of_the_riverbend_sample(riverbend):
    df = pn.participation(riverbend, freq="YS")
    fig, ax = plt.subplots()
    pn.plot.participation(df, ax=ax)
    heights = [b.get_height() for b in bars(ax, "bars-returning")]
    assert heights == df["members_returning"].tolist()
    tops = [r.get_y() + r.get_height() for r in bars(ax, "bars-new")]
    assert tops == df["members_active"].tolist()  # returning + reactivated + new = active


# ----------------------------------------------------------------------- grid
def test_grid_stacks_layers_bedrock_at_the_bottom_and_hatches_missing_data():
    layers = layers_frame({"trust": 82.0, "time": 35.0, "space": 55.0, "learning": 71.0})
    fig, ax = plt.subplots()
    assert pn.plot.grid(layers, ax=ax) is ax
    assert len([p for p in ax.patches if (p.get_gid() or "").startswith("grid-")]) == 13
    assert cell(ax, "trust").get_y() < cell(ax, "communication").get_y() < \
        cell(ax, "good_practices").get_y() < cell(ax, "learning").get_y() < \
        cell(ax, "community_change").get_y()
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Bedrock", "Foundation", "Strategies", "Immediate outcomes", "Ultimate outcome"]
    # bedrock: trust, time, truth left to right, a third of the width each
    assert cell(ax, "trust").get_x() < cell(ax, "time").get_x() < cell(ax, "truth").get_x()
    assert cell(ax, "trust").get_width() == pytest.approx(1 / 3 - 0.03)
    assert to_hex(cell(ax, "trust").get_facecolor()) == BAND_COLORS["strong"].lower()
    assert to_hex(cell(ax, "time").get_facecolor()) == BAND_COLORS["emerging"].lower()
    assert to_hex(cell(ax, "space").get_facecolor()) == BAND_COLORS["developing"].lower()
    assert text(ax, "grid-score-trust") == "82"
    for e in ("truth", "resources", "community_change"):
        assert cell(ax, e).get_hatch() == "///"
        assert text(ax, f"grid-score-{e}") is None  # no number for missing data
        assert text(ax, f"grid-note-{e}") == "insufficient data"
    assert cell(ax, "trust").get_hatch() is None


def test_grid_of_an_evaluation_prints_the_change():
    prev = layers_frame({"trust": 70.0, "time": 40.0})
    cur = layers_frame({"trust": 82.0, "time": 35.0, "space": 60.0})
    ev = SimpleNamespace(periods=("2024", "2025"),
                         scores={"2024": SimpleNamespace(layers=prev),
                                 "2025": SimpleNamespace(layers=cur)})
    fig, ax = plt.subplots()
    pn.plot.grid(ev, ax=ax)
    assert text(ax, "grid-note-trust") == "▲ +12 since 2024"
    assert text(ax, "grid-note-time") == "▼ -5 since 2024"
    assert text(ax, "grid-note-space") == "new since 2024"
    assert ax.get_title(loc="left") == "Community Change Grid, 2025"
    fig, ax = plt.subplots()
    pn.plot.grid(ev, period="2024", ax=ax)
    assert text(ax, "grid-note-trust") == "strong"
    with pytest.raises(ValueError, match=r"period must be one of \['2024', '2025'\]; "
                                         r"got '2023'"):
        pn.plot.grid(ev, period="2023")


def test_grid_of_davis_hatches_what_attendance_cannot_show(davis):
    s = pn.score(davis)
    fig, ax = plt.subplots()
    pn.plot.grid(s, ax=ax)
    missing = s.layers.loc[~s.layers["has_data"], "element"].tolist()
    assert {"trust", "truth", "resources", "problem_solving"} <= set(missing)
    for _, row in s.layers.iterrows():
        hatch = cell(ax, row["element"]).get_hatch()
        assert hatch == ("///" if not row["has_data"] else None)
    assert text(ax, "grid-score-space") == f"{s.element('space')['score']:.0f}"


def test_grid_of_riverbend_evaluation(evaluation):
    fig, ax = plt.subplots()
    pn.plot.grid(evaluation, ax=ax)
    card = evaluation.scorecard().set_index("element")
    change = card.loc["trust", "change"]
    assert text(ax, "grid-note-trust").endswith(f"{change:+.0f} since 2024")


def test_grid_rejects_other_input():
    with pytest.raises(TypeError, match="grid: score must be a GridScore, an Evaluation or a "
                                        "layers DataFrame; got int"):
        pn.plot.grid(3)


# ----------------------------------------------------------------------- trend
def test_trend_draws_values_and_bootstrap_intervals():
    df = pd.DataFrame({"period": ["2023", "2024", "2025"] * 2,
                       "metric": ["density"] * 3 + ["reciprocity"] * 3,
                       "value": [0.3, 0.35, 0.4, 0.6, 0.5, 0.55],
                       "low": [0.25, 0.3, 0.33, np.nan, np.nan, np.nan],
                       "high": [0.36, 0.41, 0.45, np.nan, np.nan, np.nan]})
    fig, ax = plt.subplots()
    pn.plot.trend(df, metrics=["density", "reciprocity"], ax=ax)
    dens, rec = ax.containers
    assert np.allclose(dens.lines[0].get_ydata(), [0.3, 0.35, 0.4])
    segs = dens.lines[2][0].get_segments()
    assert np.allclose([s[:, 1] for s in segs], [[0.25, 0.36], [0.3, 0.41], [0.33, 0.45]])
    assert rec.has_yerr is False
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2023", "2024", "2025"]
    assert ax.get_legend().get_title().get_text().startswith("bars: bootstrap percentile")
    with pytest.raises(ValueError, match=r"metrics not found: \['modularity'\]"):
        pn.plot.trend(df, metrics=["modularity"])


def test_trend_of_an_evaluation_uses_its_intervals(evaluation):
    fig, ax = plt.subplots()
    pn.plot.trend(evaluation, metrics=["density"], ax=ax)
    net = evaluation.network.set_index(["period", "metric"])
    (cont,) = ax.containers
    assert np.allclose(cont.lines[0].get_ydata(),
                       [net.loc[(p, "density"), "value"] for p in ("2024", "2025")])
    # a bar for each period's interval (every period is resampled for its change)
    segs = [seg for seg in cont.lines[2][0].get_segments() if len(seg) == 2]
    assert len(segs) == 2
    for seg, p in zip(segs, ("2024", "2025"), strict=True):
        assert np.allclose(seg[:, 1], [net.loc[(p, "density"), "low"],
                                       net.loc[(p, "density"), "high"]])


# ----------------------------------------------------------------------- roles
MM = pd.DataFrame({
    "member_id": list("abcdef"), "org": ["X", "X", "X", "Y", "Y", None],
    "position": ["core", "core", "periphery", "core", "isolate", "periphery"],
    "brokerage_liaison": [4.0, 0.0, 0.0, 4.0, 0.0, 0.0],
    "brokerage_gatekeeper": [1.0, 1.0, 0.0, 2.0, 0.0, 0.0]})


def test_roles_counts_positions_and_shares_brokerage():
    fig = pn.plot.roles(MM)
    ax1, ax2 = fig.axes[:2]
    assert [t.get_text() for t in ax1.get_yticklabels()] == ["(unknown)", "Y", "X"]
    assert [b.get_width() for b in bars(ax1, "roles-core")] == [0, 1, 2]
    assert [b.get_width() for b in bars(ax1, "roles-periphery")] == [1, 0, 1]
    assert [b.get_width() for b in bars(ax1, "roles-isolate")] == [0, 1, 0]
    assert to_hex(bars(ax1, "roles-core")[0].get_facecolor()) == POSITION_COLORS["core"].lower()
    image = next(i for i in ax2.images if i.get_gid() == "roles-brokerage")
    data = np.asarray(image.get_array())
    # columns: share of members, gatekeeper, liaison (schema order); rows as the bars
    assert np.allclose(data[:, 0], [1 / 6, 2 / 6, 3 / 6])
    assert np.allclose(data[:, 1], [0, 2 / 4, 2 / 4])
    assert np.allclose(data[:, 2], [0, 0.5, 0.5])
    with pytest.raises(ValueError, match=r"plot.roles: missing column\(s\) \['sector'\]"):
        pn.plot.roles(MM, by="sector")


def test_roles_by_sector_from_a_network(riverbend):
    y25 = riverbend.period("2025")
    fig = pn.plot.roles(y25, by="sector")
    ax1 = fig.axes[0]
    total = sum(b.get_width() for name in ("core", "periphery", "isolate")
                for b in bars(ax1, f"roles-{name}"))
    assert total == len(y25.members_active()) == 112
    assert ax1.get_title(loc="left") == "Network position by sector"


# ----------------------------------------------------------------------- save / figure
def test_save_writes_png_at_200_dpi_and_svg(tmp_path):
    from PIL import Image

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    paths = pn.plot.save(fig, tmp_path / "sub" / "line.png")
    assert [p.name for p in paths] == ["line.png", "line.svg"]
    with Image.open(paths[0]) as im:
        assert round(im.info["dpi"][0]) == 200
    # compressed at PNG_COMPRESSION, not Pillow's default: the same pixels
    def drawn() -> plt.Figure:
        f, a = plt.subplots(figsize=(2, 1), layout="constrained")
        a.plot([0, 1], [0, 1])
        return f

    with Image.open(pn.plot.save(drawn(), tmp_path / "laid", formats=["png"])[0]) as im:
        png = np.asarray(im.convert("RGBA"))
    drawn().savefig(tmp_path / "default.png", dpi=200)
    with Image.open(tmp_path / "default.png") as im:
        assert np.array_equal(png, np.asarray(im.convert("RGBA")))
    assert pn.plot.saving.PNG_COMPRESSION == 3
    assert paths[1].read_text().lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match=r"formats must be a list of 'png', 'svg', 'pdf'"):
        pn.plot.save(fig, tmp_path / "x", formats=("gif",))
    with pytest.raises(TypeError, match="save: fig must be a matplotlib Figure or Axes"):
        pn.plot.save("figure", tmp_path / "x")



@pytest.mark.parametrize("layout", [None, "constrained", "tight"])
def test_save_draws_a_png_once_with_the_pixels_of_savefig(tmp_path, monkeypatch, layout):
    """A tight box or a layout engine made savefig draw twice (once unrendered to place
    the figure): save places it itself and draws once, the same pixels (and bytes)."""
    from matplotlib.figure import Figure

    def drawn() -> plt.Figure:
        f, a = plt.subplots(figsize=(3, 2), layout=layout)
        a.plot([0, 1], [0, 1], label="a line")
        a.set_title("a title far wider than the axes it sits on")
        a.set_ylabel("a label")
        a.legend(loc="best")
        return f

    fig = drawn()
    draws = []
    real = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: draws.append(1) or real(self, r))
    ours = pn.plot.save(fig, tmp_path / "ours", formats=["png"], dpi=150)[0]
    assert len(draws) == 1
    assert fig.get_layout_engine() is not None or layout is None   # given back
    monkeypatch.undo()
    fits = layout is not None
    drawn().savefig(tmp_path / "theirs.png", dpi=150, bbox_inches=None if fits else "tight",
                    pil_kwargs={"compress_level": pn.plot.saving.PNG_COMPRESSION})
    assert ours.read_bytes() == (tmp_path / "theirs.png").read_bytes()
    plt.close("all")

def test_evaluation_figure_has_grid_participation_and_trend(evaluation):
    fig = pn.plot.evaluation_figure(evaluation)
    titles = [a.get_title(loc="left") for a in fig.axes]
    assert "Community Change Grid, 2025" in titles
    assert "Participation: members active, new and lapsed" in titles
    assert "Trends" in titles


def test_every_chart_on_davis(davis):
    ev = pn.evaluate(davis, periods=["1936"], bootstrap=10)
    # participation per quarter: 14 women at the first events, all new
    df = pn.participation(davis, freq="QS")
    fig, ax = plt.subplots()
    pn.plot.participation(df, ax=ax)
    assert [b.get_height() for b in bars(ax, "bars-new")] == df["members_new"].tolist()
    assert df["members_new"].sum() == 18
    # trend of one period: one point per metric, its bootstrap bar
    fig, ax = plt.subplots()
    pn.plot.trend(ev, metrics=["density", "avg_clustering"], ax=ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1936"]
    dens = ev.network.set_index("metric").loc["density"]
    assert np.allclose(ax.containers[0].lines[0].get_ydata(), [dens["value"]])
    # roles without organizations: one "(unknown)" group; the core-periphery model on the
    # co-attendance graph (no direct ties) puts 15 of the 18 women in the core
    fig = pn.plot.roles(davis)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["(unknown)"]
    assert [b.get_width() for b in bars(fig.axes[0], "roles-core")] == [15]


def test_participation_of_an_empty_period_draws_zero_bars(riverbend):
    df = pn.participation(riverbend.period("2030"))
    fig, ax = plt.subplots()
    pn.plot.participation(df, ax=ax)
    assert [b.get_height() for b in bars(ax, "bars-new")] == [0, 0, 0, 0]
    assert ax.get_ylim()[1] > 0


def test_roles_of_an_empty_period_says_so(riverbend):
    fig = pn.plot.roles(riverbend.period("2030"))
    assert [t.get_text() for t in fig.axes[0].texts] == ["no active members"]


def test_roles_heatmap_rows_are_labelled(riverbend):
    """Issue 19: the brokerage heatmap names its rows (they were only on the bar chart)."""
    fig = pn.plot.roles(riverbend.period("2025"), by="sector")
    bars, heat = fig.axes[:2]
    left = [t.get_text() for t in bars.get_yticklabels()]
    right = [t.get_text() for t in heat.get_yticklabels()]
    assert right == left and "health" in right
    assert all(t.get_visible() for t in heat.get_yticklabels())
