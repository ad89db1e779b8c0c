"""participation: tiny_net quarter by quarter, by hand; riverbend identities; edge cases."""

import math

import numpy as np
import pandas as pd
import pytest

import peernet as pn
from peernet.metrics._sparse import gini, top_share


def test_tiny_quarters_by_hand(tiny_net):
    p = pn.participation(tiny_net)
    assert p.columns[0] == "period" and isinstance(p.index, pd.RangeIndex)
    assert p["period"].astype(str).tolist() == ["2025Q1", "2025Q2", "2025Q3"]
    # Q1: ana, ben, cai (e1 + 3 messages); Q2: ana, cai, dee (e2); Q3: ana, dee, eve (e3, help)
    assert p["members_active"].tolist() == [3, 3, 3]
    assert p["members_new"].tolist() == [3, 1, 1]
    assert p["members_returning"].tolist() == [0, 2, 2]
    assert p["members_lapsed"].tolist() == [0, 1, 1]               # ben, then cai
    assert p["retention_rate"].iloc[1:].tolist() == pytest.approx([2 / 3, 2 / 3])
    assert math.isnan(p["retention_rate"].iloc[0])
    assert p["roster_members"].tolist() == [4, 5, 5]                # eve joins 2025-06-01
    assert p["events"].tolist() == [1, 1, 1] and p["attendances"].tolist() == [3, 3, 3]
    assert p["attendance_mean"].tolist() == [3, 3, 3]
    assert p["attendance_rate"].tolist() == pytest.approx([3 / 4, 3 / 5, 3 / 5])
    assert p["interactions"].tolist() == [6, 3, 4]
    # Q3 counts ana 1, dee 2, eve 1: Gini = 2*(1+2+6)/(3*4) - 4/3
    assert p["activity_gini"].tolist() == pytest.approx([0, 0, 1 / 6])
    assert p["top10_share"].tolist() == pytest.approx([2 / 6, 1 / 3, 2 / 4])
    # Q1 attendees each spoke once; Q2/Q3 nobody attending spoke -> 0/0
    assert p["voice_gini"].iloc[0] == 0 and p["voice_gini"].iloc[1:].isna().all()


def test_previous_activity_counts_before_the_window(tiny_net):
    q3 = pn.participation(tiny_net.period("2025Q3"))
    assert len(q3) == 1 and q3["members_new"].tolist() == [1]     # eve only
    assert q3["members_returning"].tolist() == [2] and q3["retention_rate"].tolist() == [2 / 3]
    y = pn.participation(tiny_net.period("2025"), freq="MS")
    # Jan e1 (3), Feb ana+cai, Mar ben, Apr e2 (3), Jul e3 (3), Aug dee
    assert y["members_active"].tolist() == [3, 2, 1, 3, 0, 0, 3, 1, 0, 0, 0, 0]
    assert y["members_returning"].tolist() == [0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]
    assert y["members_reactivated"].tolist() == [0, 0, 1, 2, 0, 0, 2, 0, 0, 0, 0, 0]
    assert y.loc[y["period"].astype(str) == "2025-05", "members_active"].item() == 0


def test_riverbend_identities(riverbend):
    p = pn.participation(riverbend, freq="YS")
    assert p["period"].astype(str).tolist() == ["2023", "2024", "2025"]
    assert (p["members_active"] == p["members_new"] + p["members_returning"]
            + p["members_reactivated"]).all()
    prev = p["members_active"].shift()
    assert (p["members_returning"] + p["members_lapsed"]).iloc[1:].tolist() == \
        prev.iloc[1:].tolist()
    assert p["interactions"].sum() == len(riverbend.interactions)
    y = riverbend.period("2025").interactions
    # who acted: the source, and both people of a contact
    contact = y["kind"] == "contact"
    acts = pd.concat([y["source"], y.loc[contact, "target"]])
    counts = acts.value_counts().to_numpy()
    assert p["activity_gini"].iloc[2] == pytest.approx(gini(counts))
    assert p["members_active"].iloc[2] == acts.nunique()


def test_empty_and_bad_freq(tiny_net):
    e = pn.participation(tiny_net.period("2023"))
    assert len(e) == 4 and (e["members_active"] == 0).all() and e["activity_gini"].isna().all()
    with pytest.raises(ValueError, match="freq must be one of .*got 'Q1'"):
        pn.participation(tiny_net, freq="Q1")
    net = pn.PeerNetwork.from_tables(members=pd.DataFrame({"member_id": ["a"]}))
    assert len(pn.participation(net)) == 0


def test_gini_and_top_share_by_hand():
    assert gini(np.array([1, 1, 1, 1])) == 0
    assert gini(np.array([0, 0, 0, 4])) == pytest.approx(0.75)      # (n-1)/n
    assert math.isnan(gini(np.array([]))) and math.isnan(gini(np.zeros(3)))
    assert top_share(np.arange(1, 11)) == pytest.approx(10 / 55)


def test_share_attended_counts_members_of_the_roster_at_the_time(tiny_net):
    # eve attends e1 before she joined (2025-06-01), dee has left before Q3, and a guest
    # not on the roster attends e2: none of them is a member attending in that quarter
    members = tiny_net.members.copy()
    members["left"] = pd.to_datetime([None, None, None, "2025-06-30", None], utc=True)
    extra = pd.DataFrame([
        {"timestamp": "2025-01-15 10:00", "source": "eve", "kind": "attend", "event_id": "e1"},
        {"timestamp": "2025-04-15 10:00", "source": "zed", "kind": "attend", "event_id": "e2"},
    ])
    rows = pd.concat([tiny_net.interactions.astype({"timestamp": str}), extra],
                     ignore_index=True)
    net = pn.PeerNetwork.from_tables(members=members, events=tiny_net.events,
                                     interactions=rows, tz="UTC", name="tiny")
    p = pn.participation(net)
    # Q1: ana, ben, cai of 4 on the roster (eve not yet); Q2: ana, cai, dee of 5 (zed is
    # a guest); Q3: ana, eve of 4 (dee left on 2025-06-30, her e3 visit is not a member's)
    assert p["roster_members"].tolist() == [4, 5, 4]
    assert p["share_attended"].tolist() == pytest.approx([3 / 4, 3 / 5, 2 / 4])
