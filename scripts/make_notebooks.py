"""Write the walk-through notebooks in notebooks/ (stored without outputs).

    python scripts/make_notebooks.py            # (re)writes notebooks/*.ipynb
    python scripts/make_notebooks.py --check    # fails when a notebook differs from this script

The notebooks are generated so that their text lives in one reviewed place and so that
they carry no outputs (no member data, no noisy diffs). ``tests/test_notebooks.py`` runs
every one of them top to bottom with the project's own Python kernel.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "notebooks"

SETUP = """\
import warnings

import matplotlib.pyplot as plt
import pandas as pd

import peernet as pn

warnings.simplefilter("ignore", pn.DataQualityWarning)  # we read net.quality instead
pd.set_option("display.width", 120, "display.max_columns", 20)"""

NOTEBOOKS: dict[str, list[tuple[str, str]]] = {}

# --------------------------------------------------------------------------- 01
NOTEBOOKS["01_getting_started"] = [
    ("md", """\
# 1. Getting started: a year of a peer network, as tables

You coordinate or evaluate a **peer network**: agencies and residents who meet, write to each
other, help each other solve problems. Every year someone asks *is the network working, and is
it getting better?* peernet answers from the records you already keep: attendance sheets,
meeting logs, the listserv, a problem-solving log, follow-up items, a member survey.

This notebook loads the **Riverbend** sample network (invented, but built to look like a real
statewide network over 2023-2025), checks what was read, and looks at the tables. Nothing here
needs more than pandas."""),
    ("code", SETUP),
    ("md", """\
## The shipped samples

`pn.list_samples()` lists them. `riverbend` is a statewide family-services network of 150
members in 25 organizations; `davis` is the classic Southern Women attendance data (1941)."""),
    ("code", "pn.list_samples()"),
    ("code", """\
net = pn.load_sample("riverbend")   # your own folder: pn.load("path/to/folder")
net"""),
    ("md", """\
## What was read, and what was wrong with it

Real files are messy. peernet never drops a row silently: every row that was **dropped**,
**repaired** or **added** is recorded with its file, row (as a spreadsheet shows it) and reason.
The sample carries four deliberate defects; the summary finds them all."""),
    ("code", "print(net.quality.summary())"),
    ("code", "net.quality.counts"),
    ("md", """\
## The tables

A `PeerNetwork` is a set of tidy tables: one row a member, an event, an interaction (someone
did something, alone or towards someone), a problem, a follow-up action, a survey rating, a
checklist rating, an outcome measure. `net.sizes()` counts them."""),
    ("code", "net.sizes()"),
    ("md", """\
Members carry their organization, sector, region and language. Names and emails are personal
data: show them only where you must (reports leave them out unless asked)."""),
    ("code", """\
net.members[["member_id", "org", "sector", "region", "language", "role", "joined"]].head()"""),
    ("code", "net.interactions[\"kind\"].value_counts()"),
    ("code", "net.events[[\"event_id\", \"start\", \"format\", \"channel\", \"region\"]].head()"),
    ("md", """\
## One year at a time

Evaluations are annual. `net.period("2025")` keeps the rows of 2025 (in the network's own
time zone) and the full roster as context; `.previous()` is the year before. Fiscal years work
too: `net.period("FY2025", start_month=7)`."""),
    ("code", """\
y25 = net.period("2025")
y24 = y25.previous()
pd.DataFrame({
    "period": [y24.label, y25.label],
    "interactions": [len(y24.interactions), len(y25.interactions)],
    "events": [len(y24.events), len(y25.events)],
    "members_active": [len(y24.members_active()), len(y25.members_active())],
    "problems_raised": [len(y24.problems), len(y25.problems)],
})"""),
    ("md", """\
**Next:** `02_network_maps` draws who works with whom; `03_participation` measures who takes
part; `04_grid_scoring` scores the network on the Community Change Grid; `05_annual_evaluation`
puts two years side by side and writes the report."""),
]

# --------------------------------------------------------------------------- 02
NOTEBOOKS["02_network_maps"] = [
    ("md", """\
# 2. Network maps: who works with whom

A network map turns a year of records into a picture members recognise: the clusters, the
people who bridge them, the ones left at the edge. peernet counts a tie between two members when
they interacted directly (a message, a reply, a call, help, a resource, a referral) or attended
the same small event. Most ties of a network that meets are of the second kind, so the maps
below draw **direct ties** (`ties="direct"`): who works with whom."""),
    ("code", SETUP),
    ("code", """\
net = pn.load_sample("riverbend")
y24, y25 = net.period("2024"), net.period("2025")
G = pn.person_graph(y25)
direct = pn.person_graph(y25, kinds=["message", "reply", "mention", "reaction", "call",
                                     "contact", "help", "resource", "referral"])
print(G.number_of_nodes(), "members,", G.number_of_edges(), "ties in 2025, of which",
      direct.number_of_edges(), "direct")"""),
    ("md", """\
## One year, coloured by organization

Colours stay the same for an organization in every figure (they come from a mapping sorted by
name). Members are not labelled: a map is shared with members and funders."""),
    ("code", """\
fig, ax = plt.subplots(figsize=(8, 7))
pn.plot.network_map(y25, color_by="org", ties="direct", ax=ax,
                    title="Riverbend 2025: direct ties, coloured by organization");"""),
    ("md", """\
## Two years with one layout

To see change, both years must use **one layout**: a member keeps their place, so new ties,
lost ties and members who drifted away can be seen directly. `pn.plot.map_years` computes the
layout once over both years and draws them side by side."""),
    ("code", """\
fig = pn.plot.map_years(net, ["2024", "2025"], color_by="region", ties="direct")"""),
    ("md", """\
Colouring by region shows the story the sample was built with: the **Mountain** region drifts
away from the rest of the network between 2024 and 2025. The numbers agree: the E-I index by
region (ties across regions minus ties within, over all ties) and the share of ties with a
Mountain member."""),
    ("code", """\
rows = []
for year in ("2023", "2024", "2025"):
    s = net.period(year)
    g = pn.person_graph(s)
    region = dict(g.nodes(data="region"))
    mountain = sum(region.get(u) == "Mountain" or region.get(v) == "Mountain"
                   for u, v in g.edges())
    rows.append({"period": year, "ties": g.number_of_edges(),
                 "share_ties_with_mountain": mountain / max(g.number_of_edges(), 1),
                 "ei_index_region": pn.network_metrics(s)["ei_index_region"]})
pd.DataFrame(rows).round(3)"""),
    ("md", """\
## Organizations

The organization map sums the ties of their members: thick lines are organizations whose
people work together a lot. A network meant to connect agencies should see more cross-agency
lines each year."""),
    ("code", """\
fig, ax = plt.subplots(figsize=(8, 7))
pn.plot.org_map(y25, ax=ax);"""),
    ("md", """\
To save a figure for a slide deck, `pn.plot.save(fig, "figures/map_2025")` writes a PNG and an
SVG."""),
]

# --------------------------------------------------------------------------- 03
NOTEBOOKS["03_participation"] = [
    ("md", """\
# 3. Participation: who takes part, who stays, who carries the network

Funders ask how many people a network reaches; members ask whether the same few voices do all
the talking. This notebook measures both, quarter by quarter and member by member."""),
    ("code", SETUP),
    ("code", """\
net = pn.load_sample("riverbend")
quarterly = pn.participation(net, freq="QS")
quarterly.set_index("period")[["members_active", "members_new", "members_lapsed", "events",
                               "attendance_mean", "retention_rate"]].round(2)"""),
    ("code", """\
fig, ax = plt.subplots(figsize=(9, 4))
pn.plot.participation(quarterly, ax=ax);"""),
    ("md", """\
## Year by year

With `freq="YS"` one row is a calendar year. **Retention** is the share of last year's active
members who were active again; the **Gini** of activity and the **top-10% share** say how
concentrated the work is (0 = everyone equal)."""),
    ("code", """\
yearly = pn.participation(net, freq="YS")
yearly.set_index("period")[["members_active", "members_new", "members_lapsed", "retention_rate",
                            "activity_gini", "top10_share", "voice_gini"]].round(3)"""),
    ("md", """\
## The structure of the network

`pn.network_metrics` describes one period's network: density, how centralised it is, how many
separate pieces, and how much ties cross organizations (the E-I index: -1 all inside, +1 all
across)."""),
    ("code", """\
pd.DataFrame({year: pn.network_metrics(net.period(year))
              for year in ("2023", "2024", "2025")}).round(3)"""),
    ("md", """\
## Member roles, counted by organization

`pn.member_metrics` gives one row a member: degree, betweenness, core/periphery position,
brokerage roles across organizations. An evaluation reports them **aggregated** by organization
or sector: the point is the shape of the network, not a ranking of people."""),
    ("code", """\
mm = pn.member_metrics(net.period("2025"))
roles = pd.crosstab(mm["org"], mm["position"])
roles.sort_values(list(roles.columns), ascending=False).head(10)"""),
    ("code", """\
fig = pn.plot.roles(mm, by="org")"""),
    ("md", """\
**Reading it:** a healthy peer network has a core that is not one organization, and a
periphery that moves towards the core over the years (see `04_grid_scoring`, capacity
building)."""),
]

# --------------------------------------------------------------------------- 04
NOTEBOOKS["04_grid_scoring"] = [
    ("md", """\
# 4. The Community Change Grid

Backer and Kern (2010) describe what a peer network needs, bottom up: a **bedrock** of trust,
time and truth; a **foundation** of communication, space, resources and problem solving;
**strategies** (good practices, challenges); **immediate outcomes** (learning, capacity
building, infrastructure); and the **ultimate outcome**, community change.

peernet scores each element 0-100 from indicators computed from the data. The thresholds live
in a rubric file you can read and change. An element without enough data is reported as
*insufficient data*, never as a low score."""),
    ("code", SETUP),
    ("code", """\
net = pn.load_sample("riverbend")
g = pn.score(net.period("2025"))
print(g.summary())"""),
    ("code", "g.layers[[\"layer\", \"element\", \"score\", \"band\", \"coverage\"]].round(1)"),
    ("code", """\
fig, ax = plt.subplots(figsize=(10, 6))
pn.plot.grid(g, ax=ax);"""),
    ("md", """\
## Behind a score: the indicators

Every score is explainable: each indicator has its raw value and unit, the score the rubric
gives it, its weight, and a note on the data behind it."""),
    ("code", """\
ind = g.indicators
ind[ind["element"] == "problem_solving"][["indicator", "value", "unit", "score", "note"]]"""),
    ("md", """\
## Too little data is a result, not a low score

The Davis data hold attendance only: trust, truth, resources and problem solving cannot be
judged, and peernet says so."""),
    ("code", """\
davis = pn.load_sample("davis")
pn.score(davis.period("1936")).layers[["element", "score", "band", "coverage"]].head(7)"""),
    ("md", """\
## Your own rubric

The default thresholds are documented in `docs/grid.md`; each says why it was chosen. The
default expects a question on the listserv to be answered the same day (a first reply within
8 hours scores 70, within 2 hours 100). Riverbend's members read the list about once a week
by design, and a reply within two days is quick for them: the evaluator overrides that one
entry (or copies `rubric.toml`, edits it and passes the file)."""),
    ("code", """\
rubric = pn.grid.load_rubric()
spec = rubric.get("communication", "hours_to_first_reply")
print(rubric.version, spec.thresholds, spec.scores)
weekly_readers = rubric.override("communication", "hours_to_first_reply",
                                 thresholds=[168.0, 72.0, 48.0, 24.0])
g2 = pn.score(net.period("2025"), rubric=weekly_readers)
ind = pd.DataFrame({"default": g.indicators.set_index("indicator")["score"],
                    "custom": g2.indicators.set_index("indicator")["score"]})
el = pd.DataFrame({"default": g.layers.set_index("element")["score"],
                   "custom": g2.layers.set_index("element")["score"]})
pd.concat([ind.loc[["hours_to_first_reply"]], el.loc[["communication"]]]).round(1)"""),
    ("md", """\
The first reply takes 27 hours: a weak 38 by the default, a good 96 for a network that reads
the list weekly, and Communication moves from 78 to 90. Nothing else changes. Write the reason
down beside the rubric (its `rationale`), so the funder reads why the bar was moved."""),
    ("code", """\
import tempfile
from pathlib import Path

text = (Path(pn.grid.__file__).parent / "rubric.toml").read_text(encoding="utf-8")
custom = Path(tempfile.mkdtemp()) / "my_rubric.toml"
custom.write_text(text.replace('version = "2026.2"', 'version = "2026.2-riverbend"'),
                  encoding="utf-8")
pn.score(net.period("2025"), rubric=custom).rubric_version"""),
]

# --------------------------------------------------------------------------- 05
NOTEBOOKS["05_annual_evaluation"] = [
    ("md", """\
# 5. The annual evaluation: two years side by side, and the report

This is peernet's main job. `pn.evaluate` runs everything of the previous notebooks on each
year, and compares them; `pn.report` writes the report you send to the steering committee and
the funder. The command line does the same in one line:

```
peernet evaluate data/samples/riverbend --year 2025 --out report/
```"""),
    ("code", SETUP),
    ("code", """\
net = pn.load_sample("riverbend")
ev = pn.evaluate(net, periods=["2024", "2025"])   # bootstrap=200 resamples by default
ev"""),
    ("md", """\
## The scorecard

Last year's Grid scores beside this year's."""),
    ("code", "ev.scorecard().round(1)"),
    ("code", """\
fig, ax = plt.subplots(figsize=(10, 6))
pn.plot.grid(ev, ax=ax);"""),
    ("md", """\
## What changed, and is it more than noise?

`ev.changes()` lists every metric and indicator with last year's value, this year's, the
change, and for every Grid element and headline network metric the **bootstrap interval of
the change** (`low`, `high`: both years' events resampled) and whether it is `real` (the
interval excludes 0). A change that is not real could be chance."""),
    ("code", """\
ch = ev.changes()
ch[ch["section"].isin(["grid", "network"]) & ch["tested"]][
    ["metric", "previous", "current", "change", "low", "high", "real"]].round(3)"""),
    ("code", """\
ch[ch["section"] == "region"][["item", "metric", "previous", "current", "change"]]"""),
    ("md", """\
## The highlights

The five changes most worth a reader's attention, in sentences you can paste (how they are
ranked is in the docstring of `Evaluation.highlights`)."""),
    ("code", """\
for sentence in ev.highlights():
    print("-", sentence)"""),
    ("code", """\
fig, ax = plt.subplots(figsize=(8, 4))
pn.plot.trend(ev, metrics=["density", "reciprocity", "ei_index_org"], ax=ax);"""),
    ("md", """\
## The report

`pn.report` writes a folder: `index.html` (open it in any browser; it works offline and from a
shared drive), the figures as PNG and SVG, and every table as CSV. Members are **not named**
unless you pass `pseudonymize=False` (CLI: `--names`)."""),
    ("code", """\
import tempfile
from pathlib import Path

out = pn.report(ev, Path(tempfile.mkdtemp()) / "riverbend_2025")
sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())"""),
    ("code", """\
from IPython.display import IFrame

IFrame(str(out / "index.html"), width="100%", height=500)"""),
]

# --------------------------------------------------------------------------- 06
NOTEBOOKS["06_your_own_data"] = [
    ("md", """\
# 6. Your own data: from raw exports and a roster workbook to a report

An evaluator rarely has a tidy database. This notebook walks a made-up but realistic year of
a network of 40 people in 10 agencies, kept as it was downloaded: a roster workbook with a
title row, Zoom participant reports (one of them written day-first), Microsoft Teams
attendance reports (UTF-16, with "(External)" guests), a Slack export with a bot and
channel joins, and two Google Forms partner surveys about the agencies. A phone dial-in, an
iPad and a new hire not yet on the roster took part too.

The files are the trial of the peernet source tree (`tests/fixtures/trial`, written by
`scripts/make_trial.py`). Put your own exports in a folder the same way: one sub-folder per
tool is usual, but any layout works."""),
    ("code", SETUP + """
from pathlib import Path

TRIAL = Path("..") / "tests" / "fixtures" / "trial"   # run from notebooks/ in a checkout
TZ = "America/New_York"                                # the zone the exports were made in
sorted(str(p.relative_to(TRIAL)) for p in TRIAL.rglob("*") if p.is_file())"""),
    ("md", """\
## One call reads the folder

`pn.read_events` recognises each export by its content, reads the roster workbook (the
boundary of membership: only people on it are members), and joins everyone on it by email
and name. Whatever it could not read, or read with a doubt, is in `net.quality`, with the
file and the row."""),
    ("code", """\
net = pn.read_events(TRIAL, tz=TZ)
print(net)"""),
    ("code", "print(net.quality.summary())"),
    ("md", """\
## Guests are not members

The phone number, the iPad and the new hire who is not yet on the roster took part, but they
are guests: they are counted apart and never in the share of members who took part."""),
    ("code", """\
net.members.loc[net.members["guest"], ["name", "guest"]]"""),
    ("code", """\
p = pn.participation(net.period("2025"), freq="YS")
p[["roster_members", "members_active", "share_attended", "guests_active",
   "guest_attendances", "retention_rate"]]"""),
    ("md", """\
## Dates read on their real day

Each file's date order is decided on its own: the April call was exported day-first
(`23/04/2025`), the others month-first. The April meeting is on 23 April, not moved."""),
    ("code", """\
start = net.events["start"].dt.tz_convert(TZ)
april = start.dt.month.eq(4) & start.dt.year.eq(2025)
net.events.loc[april, ["event_id", "title"]].assign(start_local=start[april])"""),
    ("md", """\
## The evaluation and its report

Every network has a first year, and its report is a baseline. Asked for 2025 against 2024,
peernet sees that the record of 2024 is a single call (it covers far fewer days than 2025),
so it makes 2025 the baseline instead of reading the rise from one call to a year as growth;
`ev.meta["baseline"]` says why. Next year's report is the first comparison. The same in one
command:

    peernet evaluate tests/fixtures/trial --year 2025 --tz America/New_York --out report/"""),
    ("code", """\
ev = pn.evaluate(net, periods=["2024", "2025"], bootstrap=0)
ev.baseline, ev.meta.get("baseline")"""),
    ("code", """\
import tempfile

out = pn.report(ev, Path(tempfile.mkdtemp()) / "trial_report")
sorted(p.name for p in out.iterdir())"""),
    ("md", """\
The report folder holds `index.html` (open it in a browser; it prints), its figures and
tables, the network files for Gephi or Kumu and the interactive map. Names are replaced by
pseudonyms unless you ask for them (`pseudonymize=False`, `--names`).

To keep what you built, `pn.save(net, "my_network/")` writes the canonical folder (one file a
table, `docs/data-model.md`); `peernet validate my_network/` checks it."""),
]


def build(name: str, cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, (kind, text) in enumerate(cells):
        cell = new_markdown_cell(text) if kind == "md" else new_code_cell(text)
        cell["id"] = f"{name[:2]}-{i:02d}"
        nb.cells.append(cell)
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="fail when a notebook differs from what this script writes")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stale = []
    for name, cells in NOTEBOOKS.items():
        text = nbformat.writes(build(name, cells)) + "\n"
        path = out / f"{name}.ipynb"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"notebooks differ from scripts/make_notebooks.py: {stale}", file=sys.stderr)
        return 1
    if not args.check:
        print(f"wrote {len(NOTEBOOKS)} notebooks to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
