"""Write docs/data-model.md from peernet.schema (the one source of column names and dtypes).

Run ``python scripts/make_docs.py``; tests/test_docs.py checks the committed page is current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from peernet.schema import DEFAULT_WEIGHTS, MUTUAL_KINDS, TABLES

ROOT = Path(__file__).resolve().parents[1]

INTRO = """# Data model

peernet keeps a network as tidy tables (pandas DataFrames) inside a `PeerNetwork`. A
canonical folder holds one file a table (`members.csv`, `interactions.parquet`,
`surveys.xlsx`, ...; CSV, Parquet or XLSX) and optionally `peernet.json`
(`{"name": ..., "tz": "America/Los_Angeles"}`). `members` and `interactions` are required;
the other tables are optional, and a table that is absent is different from an empty one
(`net.has("problems")`). Column names are fixed; optional columns may be absent; unknown
columns are kept (`pn.load(path, columns={"text_blob": None})` leaves one out; from Parquet
it is then never read).

Any table may also be a folder of Parquet parts, for example one a year:
`interactions/2024.parquet` and `interactions/2025.parquet`, or hive-style
`interactions/year=2024/part-0.parquet`. The parts are stacked in name order and each must
hold the required columns; a `year=2024` folder name is not added as a column. Problems
name the part file and its row (`interactions/year=2025/part-0.parquet, row 4`).

Interactions larger than memory: `pn.load(path, engine="duckdb", memory_limit="2GB",
temp_directory=None)` (`pip install 'peernet[duckdb]'`) checks a Parquet file or folder of
parts a batch at a time by the same rules, with the same errors and quality rows, and finds
unknown member and event ids with DuckDB out of core; the network is the same as
`pn.load`'s, with `source` and `target` held as categoricals over the roster. What is and is
not out of core: `docs/performance.md`, "Larger than memory".

*This page is generated from `peernet/schema.py` by `scripts/make_docs.py`.*

## Rules that hold for every table

- **Ids are text**, never numbers: `007` stays `007`.
- **Times are timezone-aware UTC.** A naive time (`2025-03-04 10:00`, `3/4/2025 10:00 AM`)
  is read in the network's zone (`tz=` of `pn.load`, else `peernet.json`, else UTC); a time
  with an offset (`2025-03-04T10:00:00-08:00`) is converted. Dates are local midnight.
  Day-first dates (`13/02/2025`) are refused unless `dayfirst=True`.
- **Lists** (topics, helper ids) are one text cell joined with `; `.
- **Periods** (`net.period("2025")`, `"2025Q3"`, `"2025-03"`, `"FY2025"`) are calendar periods
  in the network's own zone: a meeting at 2025-12-31 23:30 in Los Angeles belongs to 2025.
  A slice holds the rows inside the window (interactions by `timestamp`, events by `start`,
  problems by `raised_at`, actions by `due`, surveys by `date` else by `wave`, checklist and
  outcomes by `period`) and the whole roster as context.
- **Nothing is dropped silently.** A bad value drops its row (required column) or is set to
  empty (optional column); every such row is in `net.quality` with file, row (as a
  spreadsheet shows it, header = row 1), column, value, problem and action. A member id that
  is not on the roster adds that person to `members` with `unmatched = true`.
- **The roster is the membership boundary.** When the network has a roster (at least one
  member who is not `unmatched`), a person seen in the data but not on it is a **guest**
  (`guest = true`), and so is every unidentified participant (`anonymous = true`: a device
  such as `Emily's iPad` or a phone number). Guests keep their own ids and all their rows
  (a meeting they attended, a message they wrote), but are never counted as members:
  `net.members_active()`, `pn.participation`'s member columns and every share of members
  leave them out; `pn.participation` counts them apart (`guests_active`,
  `guest_attendances`). The quality summary lists each guest who looks like a person as
  "not on the roster: add them or give an alias". Without any roster, everyone seen is a
  member (only devices and phone numbers are guests).
- **Missing values.** In a roster read by `pn.read_roster` (and a `members` table read by
  `pn.load`), `NA`, `N/A`, `#N/A`, `null`, `none`, `-`, `--` and empty cells are missing
  (`na_values=` changes the list).

## Dtypes

| dtype | stored as | example |
|---|---|---|
| id | text | `m001` |
| str | text | `Valley Clinic` |
| list | text, `; `-joined | `housing; data_sharing` |
| datetime | `datetime64[ns, UTC]` | `2025-03-04 10:00` |
| float | `float64` (NaN when empty) | `45.5` |
| bool | nullable boolean (`true/false`, `yes/no`, `1/0`, `x`) | `true` |
| category | pandas category of the allowed values | `reply` |
"""

EXAMPLES = {
    "members": "member_id,name,email,org,sector,region,language,role,joined,supervisor_id,"
               "expertise,needs\nm001,Ana Ruiz,ana@valleyclinic.org,Valley Clinic,health,Coast,"
               "es,coordinator,2023-01-15,,housing; data_sharing,funding\n",
    "events": "event_id,start,end,kind,format,channel,next_date_set\n"
              "e2025-03,2025-03-04 10:00,2025-03-04 11:30,meeting,network_meeting,video,true\n",
    "interactions": "timestamp,source,kind,target,event_id,channel,duration_min\n"
                    "2025-03-04 10:00,m001,attend,,e2025-03,video,85\n"
                    "2025-03-05 09:12,m002,reply,m001,,listserv,\n",
    "problems": "problem_id,raised_by,raised_at,topic,helpers,solved_at,status,outcome\n"
                "p017,m014,2025-02-11,housing,m001; m020,2025-03-02,solved,Shared intake form\n",
    "actions": "action_id,owner,due,event_id,done_at\na101,m001,2025-04-01,e2025-03,2025-03-28\n",
    "surveys": "respondent,about,item,value,wave,scale_min,scale_max\n"
               "m002,m001,reliability,4,2025,1,4\n",
    "checklist": "item,period,value,note,rater\ngp1,2025,3,Ground rules agreed,m001\n",
    "outcomes": "measure,period,value,target,unit,direction\n"
                "families_referred_across_agencies,2025,340,300,families,higher\n",
}


def render() -> str:
    parts = [INTRO]
    for name, spec in TABLES.items():
        parts.append(f"\n## `{name}`\n\n{spec.description}"
                     + (f" Key: `{spec.key}` (unique)." if spec.key else "")
                     + (f" Time column: `{spec.time}`." if spec.time else "") + "\n")
        parts.append("\n| column | dtype | required | allowed values / meaning |\n"
                     "|---|---|---|---|")
        for c in spec.columns:
            meaning = ", ".join(c.allowed) if c.allowed else c.description
            if c.minimum is not None:
                meaning += f" (must be {'>' if c.exclusive_minimum else '>='} {c.minimum:g})"
            parts.append(f"| `{c.name}` | {c.dtype} | {'yes' if c.required else ''} | "
                         f"{meaning} |")
        parts.append(f"\nExample (`{name}.csv`):\n\n```\n{EXAMPLES[name]}```\n")
        if name == "interactions":
            weights = ", ".join(f"{k} {v:g}" for k, v in DEFAULT_WEIGHTS.items())
            parts.append(f"Default tie weight per kind (when `weight` is empty): {weights}. "
                         "Attendance rows carry `event_id` and no `target`.\n")
            mutual = ", ".join(k for k, m in MUTUAL_KINDS.items() if m)
            parts.append(f"Mutual kinds ({mutual}; `peernet.schema.MUTUAL_KINDS`): both "
                         "people took part, written once in any order (a face-to-face "
                         "contact, an edge of an undirected network). Both are active and "
                         "both count in participation, contributions and engagement; "
                         "directed measures (brokerage) read the row as a tie both ways; "
                         "reciprocity leaves it out (\"not applicable\" on contact-only "
                         "data). Every other kind is directed: `source` acted towards "
                         "`target`. See docs/metrics.md, section 0.\n")
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    out = ROOT / "docs" / "data-model.md"
    text = render()
    if "--check" in argv:
        return 0 if out.read_text(encoding="utf-8") == text else 1
    out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
