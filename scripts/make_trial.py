"""Write the issue-16 trial: an evaluator's real year as raw exports and a roster workbook.

    python scripts/make_trial.py [OUT]      (default: tests/fixtures/trial)

Made-up people. 40 people in 10 agencies (4 each, member ``i`` of agency ``i // 4``), on a
roster workbook kept by hand (a title row and a blank row above the header, ``First Name``
and ``Last Name``, ``Agency``, ``Email Address``, ``Preferred Language(s)`` with one
``Spanish; English``, ``Date Joined`` as real dates, ``Reports to`` by name, ``N/A`` cells).
The year 2024 holds one Zoom call (``zoom/2024-11 network call.csv``, members 0-9), so 2025
can be compared with it. The year 2025 holds:

- 6 Zoom participant reports (``zoom/``), month-first ``MM/DD/YYYY hh:mm:ss AM`` except
  ``zoom/2025-04 network call.csv``, written day-first by a UK account (``23/04/2025``);
  a phone dial-in (``+1 555 010 2030``) at the first, ``Emily's iPad`` at the second, a new
  hire not yet on the roster (Nadia Park) at the fifth and sixth, a rejoin at the sixth;
- 2 Teams attendance reports (``teams/``), UTF-16 with BOM and tabs, three sections,
  ``(External)`` names without email (matched by name);
- a Slack export (``slack/``) with a bot, channel joins, a thread reply and a mention;
- 2 Google Forms partner surveys about agencies (``surveys/``), 2024 and 2025.

Who attended (member numbers): Z1 0-19 + phone; Z2 0-9 and 20-29 + iPad; Z3 10-29;
Z4 (day-first, 2025-04-23) 0-4 and 30-34; Z5 0-9 + Nadia; Z6 5-14 + Nadia (member 5
rejoined); T1 0-3, 35, 36; T2 36-38. Slack: 0-5 (4 and 5 only join). Member 39 does nothing.
So 2025 has 39 active members of 40 (29 new, the 10 of 2024 returning: retention 100%), 39
of 40 at an event (97.5%), 3 guests (the phone, the iPad, Nadia) with 4 guest attendances.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

AGENCIES = ["Harbor Health", "Northside Housing", "Valley Schools", "County Food Bank",
            "Riverside Legal Aid", "Eastgate Youth", "Metro Transit Access",
            "Hillcrest Seniors", "Lakeside Clinic", "Westend Jobs"]
FIRST = ["Ada", "Ben", "Cara", "Dev", "Emily", "Farid", "Gina", "Hugo", "Ines", "Jon",
         "Kemi", "Luis", "Mara", "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara",
         "Uma", "Victor", "Wen", "Xavi", "Yara", "Zane", "Alma", "Bruno", "Chloe", "Dario",
         "Elif", "Femi", "Greta", "Hana", "Ivan", "Priya", "Karl", "Lena", "Milo", "Nora"]
LAST = ["Obi", "Roy", "Diaz", "Patel", "Stone", "Haddad", "Rossi", "Moreau", "Silva",
        "Berg", "Adeyemi", "Garcia", "Novak", "Larsen", "Ivanova", "Ruiz", "Kim", "Lopez",
        "Nasser", "Singh", "Rao", "Costa", "Li", "Vidal", "Aziz", "Fox", "Reyes", "Lima",
        "Dubois", "Conti", "Kaya", "Okafor", "Weiss", "Sato", "Petrov", "Shah", "Meyer",
        "Holm", "Grant", "Quist"]
ZOOM = [  # (file, date, attendees, extra rows, day-first)
    ("2025-01 network call.csv", dt.date(2025, 1, 14), range(0, 20), ["phone"], False),
    ("2025-02 network call.csv", dt.date(2025, 2, 11), [*range(0, 10), *range(20, 30)],
     ["ipad"], False),
    ("2025-03 network call.csv", dt.date(2025, 3, 11), range(10, 30), [], False),
    ("2025-04 network call.csv", dt.date(2025, 4, 23), [*range(0, 5), *range(30, 35)], [],
     True),
    ("2025-05 network call.csv", dt.date(2025, 5, 13), range(0, 10), ["nadia"], False),
    ("2025-06 network call.csv", dt.date(2025, 6, 10), range(5, 15), ["nadia", "rejoin5"],
     False),
    ("2024-11 network call.csv", dt.date(2024, 11, 19), range(0, 10), [], False),
]
TEAMS = [("Q3 peer exchange - Attendance report 7-8-25.csv", dt.date(2025, 7, 8),
          [0, 1, 2, 3, 35, 36]),
         ("Q3 data clinic - Attendance report 9-9-25.csv", dt.date(2025, 9, 9), [36, 37, 38])]


def person(i: int) -> dict:
    agency = AGENCIES[i // 4]
    domain = agency.lower().replace(" ", "") + ".org"
    first, last = FIRST[i], LAST[i]
    return {"first": first, "last": last, "name": f"{first} {last}", "agency": agency,
            "email": f"{first.lower()}.{last.lower()}@{domain}"}


def roster(out: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Roster"
    ws.append(["Riverside Peer Network - member roster (updated Jan 2025)"])
    ws.append([])
    ws.append(["First Name", "Last Name", "Agency", "Email Address", "Job Title",
               "Preferred Language(s)", "Date Joined", "Reports to", "Can help with",
               "Wants help with"])
    for i in range(40):
        p = person(i)
        lang = "Spanish; English" if i == 15 else ("Spanish" if i in (11, 25) else "English")
        joined = dt.datetime(2023 + (i % 2), 1 + (i % 12), 1 + (i % 27))
        boss = person(i // 4 * 4)["name"] if i % 4 else "N/A"
        ws.append([p["first"], p["last"], p["agency"], p["email"],
                   "Director" if i % 4 == 0 else "Case manager", lang, joined, boss,
                   "housing; benefits" if i % 5 == 0 else None,
                   "data sharing" if i % 7 == 0 else "N/A"])
    out.mkdir(parents=True, exist_ok=True)
    wb.save(out / "roster.xlsx")


def _clock(day: dt.date, minutes: int, dayfirst: bool) -> str:
    t = dt.datetime.combine(day, dt.time(10, 0)) + dt.timedelta(minutes=minutes)
    if dayfirst:
        return t.strftime("%d/%m/%Y %H:%M:%S")
    return t.strftime("%m/%d/%Y %I:%M:%S %p")


def zoom(out: Path) -> None:
    folder = out / "zoom"
    folder.mkdir(parents=True, exist_ok=True)
    for k, (file, day, who, extra, dayfirst) in enumerate(ZOOM):
        start, end = _clock(day, -2, dayfirst), _clock(day, 60, dayfirst)
        lines = ["Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),"
                 "Participants",
                 f"8123456780{k},Network call,{start},{end},{person(0)['email']},62,"
                 f"{len(who) + len(extra)}",
                 ",,,,,,",
                 "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),"
                 "Guest,Recording Consent"]
        for n, i in enumerate(who):
            p = person(i)
            lines.append(f"{p['name']},{p['email']},{_clock(day, n % 5, dayfirst)},"
                         f"{_clock(day, 60, dayfirst)},{60 - n % 5},No,Y")
        for e in extra:
            if e == "phone":
                lines.append(f"+1 555 010 2030,,{_clock(day, 3, dayfirst)},"
                             f"{_clock(day, 40, dayfirst)},37,Yes,")
            elif e == "ipad":
                lines.append(f"Emily's iPad,,{_clock(day, 5, dayfirst)},"
                             f"{_clock(day, 50, dayfirst)},45,Yes,")
            elif e == "nadia":
                lines.append(f"Nadia Park,nadia.park@lakesideclinic.org,"
                             f"{_clock(day, 1, dayfirst)},{_clock(day, 60, dayfirst)},59,Yes,Y")
            elif e == "rejoin5":
                p = person(5)
                lines.append(f"{p['name']},{p['email']},{_clock(day, 61, dayfirst)},"
                             f"{_clock(day, 65, dayfirst)},4,No,Y")
        (folder / file).write_text("\n".join(lines) + "\n", encoding="utf-8-sig")


def teams(out: Path) -> None:
    folder = out / "teams"
    folder.mkdir(parents=True, exist_ok=True)
    for file, day, who in TEAMS:
        def t(minutes: int, day: dt.date = day) -> str:   # en-US: 7/8/25, 2:00:00 PM
            x = dt.datetime.combine(day, dt.time(14, 0)) + dt.timedelta(minutes=minutes)
            clock = x.strftime("%I:%M:%S %p").lstrip("0")
            return f"{x.month}/{x.day}/{x.year % 100}, {clock}"

        rows = []
        for n, i in enumerate(who):
            p = person(i)
            external = i >= 35        # other tenants: no email, "(External)" after the name
            name = f"{p['name']} (External)" if external else p["name"]
            email = "" if external else p["email"]
            role = "Organizer" if n == 0 else "Attendee"
            rows.append((name, t(n), t(55), f"{55 - n}m 0s", email, role))
        lines = ["1. Summary", f"Meeting title\t{file.split(' - ')[0]}",
                 f"Attended participants\t{len(who)}", f"Start time\t{t(0)}",
                 f"End time\t{t(55)}", "Meeting duration\t55m 0s", "",
                 "2. Participants",
                 "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\t"
                 "Participant ID (UPN)\tRole"]
        lines += [f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\t{r[4]}\t{r[4]}\t{r[5]}" for r in rows]
        lines += ["", "3. In-Meeting Activities",
                  "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole"]
        lines += [f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\t{r[4]}\t{r[5]}" for r in rows]
        (folder / file).write_bytes(b"\xff\xfe" + ("\r\n".join(lines) + "\r\n")
                                    .encode("utf-16-le"))


def slack(out: Path) -> None:
    folder = out / "slack"
    (folder / "general").mkdir(parents=True, exist_ok=True)
    users = [{"id": f"U0{i}", "team_id": "T0RPN", "name": person(i)["first"].lower(),
              "deleted": False, "real_name": person(i)["name"], "is_bot": False,
              "profile": {"real_name": person(i)["name"], "email": person(i)["email"]}}
             for i in range(6)]
    users.append({"id": "B0BOT", "team_id": "T0RPN", "name": "calendar", "deleted": False,
                  "real_name": "Calendar bot", "is_bot": True, "profile": {}})
    (folder / "users.json").write_text(json.dumps(users, indent=1))
    (folder / "channels.json").write_text(json.dumps([{
        "id": "C0GEN", "name": "general", "created": 1735689600, "creator": "U00",
        "is_archived": False, "members": [f"U0{i}" for i in range(6)],
        "purpose": {"value": "Network-wide questions"}}], indent=1))
    base = int(dt.datetime(2025, 3, 5, 15, tzinfo=dt.UTC).timestamp())
    msgs = [
        {"type": "message", "subtype": "channel_join", "ts": f"{base}.000100", "user": "U04",
         "text": "<@U04> has joined the channel"},
        {"type": "message", "subtype": "channel_join", "ts": f"{base + 1}.000100",
         "user": "U05", "text": "<@U05> has joined the channel"},
        {"type": "message", "user": "U00", "text": "Who has a tenant survey template?",
         "ts": f"{base + 60}.000200", "thread_ts": f"{base + 60}.000200", "reply_count": 1},
        {"type": "message", "user": "U03", "text": "We do, sending it",
         "ts": f"{base + 600}.000300", "thread_ts": f"{base + 60}.000200",
         "parent_user_id": "U00"},
        {"type": "message", "subtype": "bot_message", "bot_id": "B0BOT",
         "text": "Reminder: network call Tuesday", "ts": f"{base + 900}.000400"},
        {"type": "message", "user": "U01", "text": "<@U02> can you share the intake form?",
         "ts": f"{base + 1200}.000500"},
        {"type": "message", "user": "U02", "text": "Posted it in the drive",
         "ts": f"{base + 1500}.000600"},
    ]
    (folder / "general" / "2025-03-05.json").write_text(json.dumps(msgs, indent=1))


def surveys(out: Path) -> None:
    folder = out / "surveys"
    folder.mkdir(parents=True, exist_ok=True)
    items = ["Reliability", "Support of mission", "Open to discussion"]
    labels = ["Not at all", "A small amount", "A fair amount", "A great deal"]
    rated = AGENCIES[:4]
    for year, respondents in ((2024, (0, 4, 8)), (2025, (0, 4, 8, 12))):
        header = ['"Timestamp"', '"Email Address"', '"Your agency"'] + [
            f'"{item} [{a}]"' for item in items for a in rated]
        lines = [",".join(header)]
        for k, i in enumerate(respondents):
            p = person(i)
            cells = [f'"3/{k + 2}/{year} 10:0{k}:00"', f'"{p["email"]}"', f'"{p["agency"]}"']
            for j in range(len(items)):
                for m, a in enumerate(rated):
                    own = a == p["agency"]
                    cells.append('""' if own else f'"{labels[(i + j + m + year) % 4]}"')
            lines.append(",".join(cells))
        (folder / f"Partner survey {year} (Responses).csv").write_text(
            "\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "tests" / \
        "fixtures" / "trial"
    roster(out)
    zoom(out)
    teams(out)
    slack(out)
    surveys(out)
    print(f"trial written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
