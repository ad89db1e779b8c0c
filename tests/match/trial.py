"""A trial network for matching, small enough to check by hand.

Five agencies and two parents' groups in two regions. Each agency has an executive director,
a program manager (supervised by the director) and three frontline staff (supervised by the
manager). Languages: Arabic-, Spanish- and English-only members and a few bilinguals. Needs
and expertise on four topics, a problem log (open and solved problems), a training hosted by
a staff member, and meetings on Wednesdays at 14:00 (UTC).
"""

from __future__ import annotations

import warnings

import pandas as pd

import peernet as pn

ORGS = {  # org: (sector, region)
    "A": ("social_services", "North"), "B": ("health", "South"), "C": ("education", "North"),
    "D": ("social_services", "South"), "R": ("residents", "North"), "R2": ("residents", "South"),
}
ROWS = [
    # member, org, title, language, supervisor, needs, expertise
    ("a_dir", "A", "Executive Director", "en", None, "funding", None),
    ("a_mgr", "A", "Program Manager", "en", "a_dir", "funding", None),
    ("a1", "A", "Case Worker", "en", "a_mgr", "housing", "school_enrollment"),
    ("a2", "A", "Family Advocate", "es", "a_mgr", "housing", None),
    ("a3", "A", "Case Worker", "ar", "a_mgr", "interpreting", "housing"),
    ("b_dir", "B", "Chief Executive Officer", "en; es", None, None, "funding"),
    ("b_mgr", "B", "Clinic Supervisor", "es", "b_dir", None, "funding"),
    ("b1", "B", "Community Health Worker", "es", "b_mgr", "funding", "housing"),
    ("b2", "B", "Nurse", "en", "b_mgr", None, "housing"),
    ("b3", "B", "Community Health Worker", "ar", "b_mgr", "housing", None),
    ("c_dir", "C", "Superintendent", "en", None, None, "funding"),
    ("c_mgr", "C", "Program Manager", "en", "c_dir", None, None),
    ("c1", "C", "Teacher", "en", "c_mgr", "funding", "school_enrollment"),
    ("c2", "C", "Family Liaison Coordinator", "en; es", "c_mgr", None, "housing; funding"),
    ("c3", "C", "Interpreter", "ar", "c_mgr", None, "interpreting"),
    ("d_dir", "D", "Executive Director", "ar; en", None, "funding", None),
    ("d_mgr", "D", "Deputy Director", "ar", "d_dir", None, None),
    ("d1", "D", "Case Worker", "ar", "d_mgr", None, "housing"),
    ("d2", "D", "Caseworker", "ar; en", "d_mgr", "school_enrollment", "interpreting; funding"),
    ("d3", "D", "Resettlement Case Worker", "es", "d_mgr", "school_enrollment", None),
    ("r1", "R", "Parent Leader", "es", None, "school_enrollment", None),
    ("r3", "R", "Parent Leader", "en", None, "housing", None),
    ("r4", "R", "Parent Leader", "ar", None, "school_enrollment", None),
    ("r2", "R2", "Parent Leader", "es", None, None, "school_enrollment"),
]
#: The level each title should give, by hand (levels.toml).
LEVELS = {"a_dir": "director", "b_dir": "director", "c_dir": "director", "d_dir": "director",
          "a_mgr": "manager", "b_mgr": "manager", "c_mgr": "manager", "d_mgr": "manager",
          **{m: "staff" for m in ("a1", "a2", "a3", "b1", "b2", "b3", "c1", "c2", "c3", "d1",
                                  "d2", "d3")},
          **{m: "resident_or_family" for m in ("r1", "r2", "r3", "r4")}}


def members() -> pd.DataFrame:
    rows = []
    for mid, org, title, lang, sup, needs, exp in ROWS:
        sector, region = ORGS[org]
        rows.append({"member_id": mid, "name": f"{mid.title()} Example",
                     "email": f"{mid}@{org.lower()}.example.org", "org": org,
                     "sector": sector, "region": region, "language": lang, "title": title,
                     "supervisor_id": sup, "needs": needs, "expertise": exp,
                     "joined": "2025-10-01" if mid == "d3" else "2022-01-01"})
    return pd.DataFrame(rows)


def problems() -> pd.DataFrame:
    return pd.DataFrame({
        "problem_id": ["pr1", "pr2", "pr3", "pr4"],
        "raised_by": ["a2", "a1", "d3", "b3"],
        "raised_at": ["2025-05-01", "2025-02-01", "2025-03-01", "2025-06-01"],
        "topic": ["housing", "housing", "school enrollment", "Housing"],
        "helpers": [None, "b2", "a1", None],
        "solved_at": [None, "2025-03-15", "2025-04-01", None],
        "status": ["open", "solved", "solved", "open"],
    })


def events() -> pd.DataFrame:
    return pd.DataFrame({
        "event_id": ["e1", "e2", "e3", "e4"],
        "start": ["2025-03-05 14:00", "2025-04-02 14:00", "2025-05-07 14:00",
                  "2025-05-13 10:00"],
        "kind": ["meeting"] * 4,
        "format": ["training", "regional_meeting", "regional_meeting", "network_meeting"],
        "title": ["Training: interpreting", "North regional meeting", "North meeting",
                  "Network meeting"],
        "host": ["c3", "a_mgr", "a_mgr", "b_dir"],
    })


#: c2 (C) already knows people in A, B, D and R: a bridge. Attendance as listed.
MESSAGES = [("c2", "a1"), ("c2", "b2"), ("c2", "d1"), ("c2", "r3"), ("a1", "b1")]
ATTEND = {"e1": ["a3", "c3", "d2"], "e2": ["a1", "a2", "c1", "c2"],
          "e3": ["a1", "c1", "c2"], "e4": ["a1", "b1", "b2", "b3", "c1", "c2", "d1"]}


def interactions() -> pd.DataFrame:
    ev = events().set_index("event_id")["start"]
    rows = [{"timestamp": "2025-06-10 09:00", "source": a, "kind": "message", "target": b}
            for a, b in MESSAGES]
    rows += [{"timestamp": ev[e], "source": m, "kind": "attend", "event_id": e}
             for e, who in ATTEND.items() for m in who]
    return pd.DataFrame(rows)


def trial_net() -> pn.PeerNetwork:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pn.PeerNetwork.from_tables(members=members(), problems=problems(),
                                          events=events(), interactions=interactions(),
                                          tz="UTC", name="trial")
