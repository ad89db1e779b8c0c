"""A hand-built network for the Grid indicators: every expected value is worked out on paper.

Members (tz UTC): a (org X, coordinator, en, joined 2020-01-01), b (X, en, 2020-01-01),
c (Y, es, 2021-01-01), d (Y, en, 2021-01-01), e (Y, es, newcomer 2025-02-01),
f (X, en, newcomer 2025-03-01).

2024: a->b message, b->d message, event e0 attended by a, b, d.
2025 events: e1 Jan 15 (network_meeting, in person, en, next date set; a b c),
e2 Apr 15 (network_meeting, video, es, not set; a c d), e3 Jul 15 (network_meeting, in
person, en, set; a d e), e4 Sep 10 (training, video, host b; b c), e5 Oct 1
(resource_assessment, video, host a; a).
2025 acts: a->b thread message t1 (Feb 1 09:00, listserv), b->a reply in t1 (12:00),
a->e contact (Mar 1, in person), a->c message (Mar 10, email), c->d call (May 1, phone),
e->f call (May 15, phone), d->c help (Jun 1), b->c resource (Aug 1, email).
Problems, actions, a two-person survey, a checklist and two outcome measures in 2025.
"""

import pandas as pd
import pytest

import peernet as pn


def make_hand_net() -> pn.PeerNetwork:
    members = pd.DataFrame({
        "member_id": list("abcdef"),
        "org": ["X", "X", "Y", "Y", "Y", "X"],
        "language": ["en", "en", "es", "en", "es", "en"],
        "role": ["coordinator", "member", "member", "member", "member", "member"],
        "joined": ["2020-01-01", "2020-01-01", "2021-01-01", "2021-01-01", "2025-02-01",
                   "2025-03-01"],
    })
    events = pd.DataFrame({
        "event_id": ["e0", "e1", "e2", "e3", "e4", "e5"],
        "start": ["2024-06-10 10:00", "2025-01-15 10:00", "2025-04-15 10:00",
                  "2025-07-15 10:00", "2025-09-10 10:00", "2025-10-01 10:00"],
        "kind": ["meeting", "meeting", "meeting", "meeting", "training", "meeting"],
        "format": ["network_meeting", "network_meeting", "network_meeting", "network_meeting",
                   "training", "resource_assessment"],
        "channel": ["in_person", "in_person", "video", "in_person", "video", "video"],
        "language": ["en", "en", "es", "en", "en", "en"],
        "host": ["a", "a", "a", "c", "b", "a"],
        "next_date_set": ["", "true", "false", "true", "", ""],
    })
    attend = {"e0": ("2024-06-10 10:00", "abd"), "e1": ("2025-01-15 10:00", "abc"),
              "e2": ("2025-04-15 10:00", "acd"), "e3": ("2025-07-15 10:00", "ade"),
              "e4": ("2025-09-10 10:00", "bc"), "e5": ("2025-10-01 10:00", "a")}
    rows = [{"timestamp": t, "source": m, "kind": "attend", "event_id": e}
            for e, (t, who) in attend.items() for m in who]
    acts = [
        ("2024-05-01 09:00", "a", "message", "b", "email", None),
        ("2024-06-01 09:00", "b", "message", "d", "email", None),
        ("2025-02-01 09:00", "a", "message", "b", "listserv", "t1"),
        ("2025-02-01 12:00", "b", "reply", "a", "listserv", "t1"),
        ("2025-03-01 09:00", "a", "contact", "e", "in_person", None),
        ("2025-03-10 09:00", "a", "message", "c", "email", None),
        ("2025-05-01 09:00", "c", "call", "d", "phone", None),
        ("2025-05-15 09:00", "e", "call", "f", "phone", None),
        ("2025-06-01 09:00", "d", "help", "c", None, None),
        ("2025-08-01 09:00", "b", "resource", "c", "email", None),
    ]
    rows += [{"timestamp": t, "source": s, "kind": k, "target": g, "channel": ch,
              "thread_id": th} for t, s, k, g, ch, th in acts]
    problems = pd.DataFrame({
        "problem_id": ["p1", "p2", "p3", "p4"],
        "raised_by": ["a", "b", "c", "d"],
        "raised_at": ["2025-02-10", "2025-03-01", "2025-04-01", "2025-05-01"],
        "helpers": ["c; b", "d", "", ""],
        "solved_at": ["2025-02-20", "2025-03-31", "", ""],
        "status": ["solved", "solved", "dropped", "open"],
        "outcome": ["template shared", "", "out of scope", ""],
    })
    actions = pd.DataFrame({
        "action_id": ["x1", "x2", "x3", "x4"],
        "owner": ["a", "b", "c", "d"],
        "due": ["2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01"],
        "done_at": ["2025-02-28", "2025-04-01", "2025-05-10", ""],
    })
    items = ["reliability", "mission", "openness", "power", "involvement", "resources"]
    surveys = pd.DataFrame(
        [{"respondent": "a", "about": "b", "item": i, "value": v, "wave": "2025"}
         for i, v in zip(items, [4, 4, 4, 3, 3, 3], strict=True)]
        + [{"respondent": "b", "about": "a", "item": i, "value": v, "wave": "2025"}
           for i, v in zip(items, [2, 2, 2, 1, 1, 1], strict=True)]
        + [{"respondent": "a", "about": "", "item": "learning", "value": 4, "wave": "2025"},
           {"respondent": "b", "about": "", "item": "learning", "value": 3, "wave": "2025"}])
    surveys["scale_min"], surveys["scale_max"] = 1, 4
    surveys["date"] = "2025-10-01"
    checklist = pd.DataFrame({"item": ["gp1", "gp1", "ch2"], "period": ["2025"] * 3,
                              "value": [2, 3, 1], "rater": ["a", "b", "a"],
                              "note": ["first", "second", ""]})
    outcomes = pd.DataFrame({"measure": ["m_up", "m_down"], "period": ["2025", "2025"],
                             "value": [150, 20], "target": [300, 10],
                             "direction": ["higher", "lower"]})
    return pn.PeerNetwork.from_tables(
        members=members, events=events, interactions=pd.DataFrame(rows), problems=problems,
        actions=actions, surveys=surveys, checklist=checklist, outcomes=outcomes, tz="UTC",
        name="hand", warn=False)


@pytest.fixture(scope="module")
def hand_net() -> pn.PeerNetwork:
    return make_hand_net()


@pytest.fixture(scope="module")
def hand25(hand_net) -> pn.GridScore:
    return pn.score(hand_net.period("2025"))
