"""Issue 17: thread ids but no reply anywhere (an announcement list) must not crash.

``time_to_first_reply`` lists every thread as unanswered; ``pn.score`` and ``pn.evaluate``
run on a reply-less mailbox and a reply-less Slack channel.
"""

import json
import math

import pandas as pd
import pytest

import peernet as pn


def announcement(i, sender, day):
    return (f"From {sender}  Mon Mar  {day} 09:00:00 2024\n"
            f"From: {sender.split('@')[0].title()} <{sender}>\n"
            f"To: all@lists.example.org\n"
            f"Subject: Announcement {i}\n"
            f"Date: Mon, {day:02d} Mar 2024 09:00:0{i % 10} +0000\n"
            f"Message-ID: <m{i}@example.org>\n\n"
            f"News number {i}.\n\n")


@pytest.fixture
def mbox_net(tmp_path):
    p = tmp_path / "announce.mbox"
    # 2 announcements in 2023 (a previous period) and 3 in 2024, nobody replies
    text = (announcement(1, "ada@orga.org", 4).replace("2024", "2023")
            + announcement(2, "ben@orgb.org", 5).replace("2024", "2023")
            + announcement(3, "ada@orga.org", 4) + announcement(4, "ben@orgb.org", 5)
            + announcement(5, "cy@orgc.org", 6))
    p.write_text(text)
    return pn.read_mbox(p)


@pytest.fixture
def slack_net(tmp_path):
    root = tmp_path / "export"
    (root / "news").mkdir(parents=True)
    users = [{"id": f"U0{k}", "name": name, "real_name": name.title(), "is_bot": False,
              "profile": {"real_name": name.title(), "email": f"{name}@org.org"}}
             for k, name in enumerate(["ada", "ben"])]
    (root / "users.json").write_text(json.dumps(users))
    (root / "channels.json").write_text(json.dumps([
        {"id": "C01NEWS", "name": "news", "created": 1700000000, "members": ["U00", "U01"],
         "topic": {"value": "Announcements"}, "purpose": {"value": ""}}]))
    (root / "news" / "2024-03-07.json").write_text(json.dumps([
        {"type": "message", "user": "U00", "text": "Office closed Friday",
         "ts": "1709800000.000100"},
        {"type": "message", "user": "U01", "text": "New forms online",
         "ts": "1709803600.000200"}]))
    return pn.read_slack(root)


def test_mailbox_without_replies_lists_every_thread_unanswered(mbox_net):
    assert mbox_net.interactions["thread_id"].notna().all()
    assert set(mbox_net.interactions["kind"].astype(str)) == {"message"}
    t = pn.metrics.time_to_first_reply(mbox_net.period("2024"))
    assert len(t) == 3
    assert t["hours_to_first_reply"].isna().all()
    assert t["replies"].tolist() == [0, 0, 0]
    assert t["first_reply"].isna().all() and t["replier"].isna().all()


def test_mailbox_without_replies_is_scored_and_evaluated(mbox_net):
    score = pn.score(mbox_net.period("2024"))
    assert len(score.indicators)
    ev = pn.evaluate(mbox_net, periods=["2023", "2024"], bootstrap=0)
    assert ev.periods == ("2023", "2024")
    recip = pn.metrics.reciprocity(mbox_net.period("2024"))
    assert math.isnan(recip)          # no directed tie: messages to a list have no target


def test_slack_channel_without_replies(slack_net):
    t = pn.metrics.time_to_first_reply(slack_net)
    assert len(t) == 2
    assert t["hours_to_first_reply"].isna().all() and t["replies"].tolist() == [0, 0]
    assert t["started"].tolist() == [pd.Timestamp("2024-03-07 08:26:40.000100", tz="UTC"),
                                     pd.Timestamp("2024-03-07 09:26:40.000200", tz="UTC")]
    pn.score(slack_net.period("2024"))
    ev = pn.evaluate(slack_net, periods=[("2024-03-07", "2024-03-08")], bootstrap=0)
    assert ev.periods == ("2024-03-07..2024-03-08",)
