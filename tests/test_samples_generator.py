"""scripts/make_samples.py: deterministic output, the committed sample, the designed changes."""

import importlib.util
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "data" / "samples" / "riverbend"
YEARS = ("2023", "2024", "2025")


def _load_script():
    path = ROOT / "scripts" / "make_samples.py"
    spec = importlib.util.spec_from_file_location("make_samples", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


ms = _load_script()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    folder = ms.write_sample(out)
    return folder


def test_two_runs_are_byte_identical(generated, tmp_path):
    again = ms.write_sample(tmp_path)
    assert _files(again) == _files(generated)


def test_committed_sample_is_what_the_script_writes(generated):
    committed, fresh = _files(COMMITTED), _files(generated)
    assert sorted(committed) == sorted(fresh)
    changed = [name for name in fresh if committed[name] != fresh[name]]
    assert changed == [], f"regenerate with `python scripts/make_samples.py`: {changed} differ"


def test_file_set_and_total_size(generated):
    names = set(_files(generated))
    expected = {f"{t}.csv" for t in ("members", "events", "interactions", "problems", "actions",
                                      "surveys", "checklist", "outcomes")}
    expected |= {f"exports/survey_{y}_qualtrics.csv" for y in YEARS} | {"peernet.json"}
    assert names == expected
    assert sum(p.stat().st_size for p in generated.rglob("*") if p.is_file()) < 5_000_000


def test_metadata(generated):
    meta = json.loads((generated / "peernet.json").read_text(encoding="utf-8"))
    assert meta["name"] == "riverbend"
    assert meta["tz"] == "America/Los_Angeles"
    assert meta["title"] == "Riverbend Statewide Family Services Peer Network"
    assert meta["generated_by"] == "scripts/make_samples.py"
    assert meta["seed"] == ms.SEED


def test_sizes_and_roster(generated):
    mem = _read(generated, "members")
    assert len(mem) == 150
    assert mem["member_id"].is_unique
    assert mem["org"].nunique() == 25
    assert set(mem["sector"]) == {"health", "education", "social_services", "government",
                                  "residents"}
    assert set(mem["region"]) == {"North Valley", "Coast", "Capital", "Mountain"}
    assert set(mem["language"]) == {"en", "es"}
    assert 0.12 <= (mem["language"] == "es").mean() <= 0.2
    coords = mem[mem["role"] == "coordinator"]
    assert len(coords) == 2
    assert set(coords["sector"]) <= {"government", "social_services"}
    # supervisors are members of the same org, with chains of depth 3 in some orgs
    sup = dict(zip(mem["member_id"], mem["supervisor_id"], strict=True))
    org = dict(zip(mem["member_id"], mem["org"], strict=True))
    for m, s in sup.items():
        if s:
            assert org[s] == org[m]
    depth = {m: 1 + (sup[m] != "") + (sup[m] != "" and sup[sup[m]] != "") for m in sup}
    assert max(depth.values()) == 3
    # turnover: about a fifth leave each year
    for y in YEARS:
        left = (mem["left"].str[:4] == y).sum()
        joined = (mem["joined"].str[:4] == y).sum()
        assert 15 <= left <= 22 and 15 <= joined <= 22


def test_tables_have_contract_columns(generated):
    cols = {
        "members": "member_id,name,email,org,sector,region,language,role,joined,left,"
                   "supervisor_id,expertise,needs",
        "events": "event_id,start,end,kind,format,title,host,region,language,channel,"
                  "next_date_set",
        "interactions": "timestamp,source,kind,target,event_id,channel,duration_min,topic,"
                        "language,thread_id,message_id",
        "problems": "problem_id,raised_by,raised_at,topic,helpers,solved_at,status,outcome",
        "actions": "action_id,owner,due,event_id,done_at",
        "surveys": "respondent,about,item,value,wave,scale_min,scale_max,date",
        "checklist": "item,period,value,note,rater",
        "outcomes": "measure,period,value,target,unit,direction,note",
    }
    for name, header in cols.items():
        first = (generated / f"{name}.csv").read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == header, name


def test_checklist_has_20_items_a_year_in_seed_order(generated):
    ck = _read(generated, "checklist")
    order = [f"gp{i}" for i in range(1, 11)] + [f"ch{i}" for i in range(1, 11)]
    for y in YEARS:
        assert ck.loc[ck["period"] == y, "item"].tolist() == order
    assert set(ck["value"].astype(int)) <= {0, 1, 2, 3}
    coords = set(_read(generated, "members").query("role == 'coordinator'")["member_id"])
    assert set(ck["rater"]) <= coords


def test_three_survey_waves(generated):
    sv = _read(generated, "surveys")
    assert sorted(sv["wave"].unique()) == list(YEARS)
    assert (sv["respondent"] != sv["about"]).all()
    assert set(sv["value"].astype(int)) == {1, 2, 3, 4}
    rated = sv[sv["about"] != ""].groupby(["wave", "respondent"])["about"].nunique()
    assert rated.min() >= 8 and rated.max() <= 15
    assert (sv.loc[sv["item"] == "learning", "about"] == "").all()
    assert sv["date"].str[5:7].eq("10").all()


def test_listserv_threads(generated):
    it = _read(generated, "interactions")
    msg = it[it["kind"].isin(["message", "reply"]) & (it["channel"] == "listserv")]
    starts = msg[msg["kind"] == "message"]
    assert (starts["thread_id"] == starts["message_id"]).all()
    assert (starts["target"] == "").all()
    replies = msg[msg["kind"] == "reply"]
    assert replies["thread_id"].isin(starts["message_id"]).all()
    assert (replies["target"] != "").all()
    assert (it.loc[it["kind"] == "attend", "event_id"] != "").all()
    assert (it.loc[it["kind"] == "attend", "target"] == "").all()


def test_voices_are_unequal_and_some_members_are_quiet(generated):
    it = _read(generated, "interactions")
    posts = it[it["kind"].isin(["message", "reply"])].groupby("source").size()
    attenders = set(it.loc[it["kind"] == "attend", "source"])
    quiet = attenders - set(posts.index)
    assert len(quiet) >= 15
    top5 = posts.sort_values(ascending=False).head(5).sum() / posts.sum()
    assert top5 > 0.2


def test_exactly_the_documented_defects(generated):
    mem = _read(generated, "members")
    dup = mem[mem["email"].duplicated(keep=False)]
    assert len(dup) == 2 and dup["email"].nunique() == 1
    it = _read(generated, "interactions")
    parsed = pd.to_datetime(it["timestamp"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    bad = it.index[parsed.isna()].tolist()
    assert [i + 2 for i in bad] == [ms.defect_rows(generated)["bad_timestamp_row"]]
    assert it.loc[bad[0], "timestamp"] == "31/02/2024 10:00"
    known = set(mem["member_id"])
    unknown = it[~it["source"].isin(known) | (~it["target"].isin(known) & (it["target"] != ""))]
    assert unknown["target"].tolist() == ["m173"]
    ev = _read(generated, "events")
    backwards = ev[ev["end"] < ev["start"]]
    assert len(backwards) == 1
    assert ev["start"].str.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$").all()


def test_nobody_acts_outside_their_membership(generated):
    mem = _read(generated, "members").set_index("member_id")
    left = mem["left"].where(mem["left"] != "", "9999-12-31")

    def outside(ids: pd.Series, days: pd.Series) -> int:
        known = ids.isin(mem.index)
        ids, days = ids[known], days[known]
        return int(((days.to_numpy() < mem.loc[ids, "joined"].to_numpy())
                    | (days.to_numpy() > left.loc[ids].to_numpy())).sum())

    it = _read(generated, "interactions")
    it = it[it["timestamp"].str.match(r"^\d{4}-")]
    assert outside(it["source"], it["timestamp"].str[:10]) == 0
    assert outside(it["target"], it["timestamp"].str[:10]) == 0
    sv = _read(generated, "surveys")
    assert outside(sv["respondent"], sv["date"]) == 0
    assert outside(sv["about"], sv["date"]) == 0
    ev = _read(generated, "events")
    assert outside(ev["host"], ev["start"].str[:10]) == 0


def test_broker_links_health_and_education(generated):
    nx = pytest.importorskip("networkx")
    mem = _read(generated, "members")
    sector = dict(zip(mem["member_id"], mem["sector"], strict=True))
    assert sector[ms.BROKER_ID] == "health"
    it = _read(generated, "interactions")
    ties = it[(it["kind"] != "attend") & it["target"].isin(sector) & it["source"].isin(sector)]
    for y in YEARS:
        ty = ties[ties["timestamp"].str[:4] == y]
        G = nx.Graph(list(zip(ty["source"], ty["target"], strict=True)))
        between = nx.betweenness_centrality(G)
        assert max(between, key=between.get) == ms.BROKER_ID
        edu = {n for n in G[ms.BROKER_ID] if sector[n] == "education"}
        assert len(edu) >= 5


@pytest.fixture(scope="module")
def summary(generated) -> pd.DataFrame:
    return ms.summarize(generated).set_index("measure")


def test_designed_directions_hold(summary):
    for measure, row in summary.iterrows():
        if row["direction"] == "higher":
            assert row["2025"] > row["2023"], measure
        else:
            assert row["2025"] < row["2023"], measure


def test_direct_pandas_values(generated):
    """A few of the designed changes computed here without the script's summary."""
    sv = _read(generated, "surveys")
    sv["v"] = sv["value"].astype(int)
    trust = sv[sv["item"].isin(["reliability", "mission", "openness"])].groupby("wave")["v"].mean()
    assert 2.7 < trust["2023"] < 2.95 and 3.1 < trust["2025"] < 3.35
    mem = _read(generated, "members")
    org = dict(zip(mem["member_id"], mem["org"], strict=True))
    it = _read(generated, "interactions")
    it = it[(it["kind"] != "attend") & it["target"].isin(org) & it["source"].isin(org)]
    it = it[it["timestamp"].str.match(r"^\d{4}-")]
    pairs = pd.DataFrame({"y": it["timestamp"].str[:4],
                          "a": it[["source", "target"]].min(axis=1),
                          "b": it[["source", "target"]].max(axis=1)}).drop_duplicates()
    pairs["ext"] = pairs["a"].map(org) != pairs["b"].map(org)
    ei = pairs.groupby("y")["ext"].mean() * 2 - 1
    assert ei["2023"] < 0 < ei["2025"]          # most ties inside orgs in 2023, across by 2025
    pr = _read(generated, "problems")
    pr["y"] = pr["raised_at"].str[:4]
    solved = pr.assign(s=pr["status"] == "solved").groupby("y")["s"].mean()
    assert solved["2025"] - solved["2023"] > 0.2
    ev = _read(generated, "events")
    ev["y"] = ev["start"].str[:4]
    nds = ev[ev["kind"] == "meeting"].assign(n=lambda d: d["next_date_set"] == "true")
    share = nds.groupby("y")["n"].mean()
    assert share["2025"] - share["2023"] > 0.25
    rr = {}
    for y in ("2023", "2025"):
        day = f"{y}-10-01"
        active = ((mem["joined"] <= day) & ((mem["left"] == "") | (mem["left"] >= day))).sum()
        rr[y] = sv.loc[sv["wave"] == y, "respondent"].nunique() / active
    assert rr["2023"] == pytest.approx(0.70, abs=0.01)
    assert rr["2025"] == pytest.approx(0.78, abs=0.01)


@pytest.mark.parametrize("year", YEARS)
def test_qualtrics_export_carries_the_same_ratings(generated, year):
    path = generated / "exports" / f"survey_{year}_qualtrics.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, header=None)
    tags, texts, imports = raw.iloc[0].tolist(), raw.iloc[1].tolist(), raw.iloc[2].tolist()
    assert tags[:10] == ["StartDate", "EndDate", "Status", "Progress", "Duration (in seconds)",
                         "Finished", "RecordedDate", "ResponseId", "RecipientEmail",
                         "ExternalReference"]
    assert json.loads(imports[0]) == {"ImportId": "startDate", "timeZone": "America/Los_Angeles"}
    assert tags[10] == "Q3_1" and json.loads(imports[10]) == {"ImportId": "QID3_1"}
    body = raw.iloc[3:].copy()
    body.columns = tags
    sv = _read(generated, "surveys")
    wave = sv[sv["wave"] == year]
    assert len(body) == wave["respondent"].nunique()
    answers = body.iloc[:, 10:]
    assert int((answers != "").sum().sum()) == len(wave)
    # cell by cell: the long table rebuilt from the wide export equals surveys.csv
    mem = _read(generated, "members")
    by_name = dict(zip(mem["name"], mem["member_id"], strict=True))
    labels = {v: k for k, v in ms.ITEM_LABELS.items()}
    codes = {v: str(k) for k, v in ms.CHOICES.items()}
    rows = []
    for col, text in zip(tags[10:], texts[10:], strict=True):
        if text == ms.LEARNING_TEXT:
            item, about = "learning", ""
        else:
            label, name = text.split(" - ", 1)
            item, about = labels[label], by_name[name]
        for resp, cell in zip(body["ExternalReference"], body[col], strict=True):
            if cell:
                rows.append((resp, about, item, codes[cell]))
    rebuilt = sorted(rows)
    expected = sorted(wave[["respondent", "about", "item", "value"]].itertuples(index=False,
                                                                                name=None))
    assert rebuilt == expected


def test_docs_blocks_are_the_measured_ones(generated):
    doc = (ROOT / "docs" / "samples.md").read_text(encoding="utf-8")
    for name, make in ms.DOC_BLOCKS.items():
        block = f"<!-- {name}:start -->\n{make(generated)}<!-- {name}:end -->"
        assert block in doc, f"run `python scripts/make_samples.py --update-docs` ({name})"
