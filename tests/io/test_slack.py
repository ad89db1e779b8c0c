"""pn.read_slack on the export of shared/formats.md (d); fixture tests/fixtures/slack/export.

The export: #housing-working-group (2024-03-05: a channel_join, Ada's question with a thread
reply from Ben and Ben's reaction; 2024-03-06: a bot message, Ben's message mentioning Ada and
Cy with reactions from Ada and Ben himself, Ada's thread_broadcast in her own thread, a
tombstone) and #general (2024-03-07: Cy's join and a hello).
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest

import peernet as pn

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "slack" / "export"


@pytest.fixture(scope="module")
def net():
    return pn.read_slack(FIX)


def test_counts_and_dropped_rows(net):
    c = net.quality.counts.iloc[0]
    assert (c["rows_read"], c["rows_kept"], c["rows_dropped"]) == (9, 5, 4)
    dropped = net.quality.dropped.set_index("row")["problem"].to_dict()
    assert dropped == {1: "joined the channel: not a conversation",
                       8: "joined the channel: not a conversation",
                       4: "bot or integration message: not a person",
                       7: "deleted message (tombstone)"}
    assert net.quality.issues["problem"].str.startswith("public-channel-only export").sum() == 1


def test_kinds_and_directions(net):
    i = net.interactions
    kinds = i["kind"].astype("str").value_counts().to_dict()
    assert kinds == {"message": 3, "reply": 2, "mention": 2, "reaction": 2}
    reply = i[(i["kind"] == "reply") & i["target"].notna()]
    assert list(zip(reply["source"], reply["target"], strict=True)) == [("benoit-roy", "ada-obi")]
    # Ada's thread_broadcast in her own thread: a reply without a target
    own = i[(i["kind"] == "reply") & i["target"].isna()]
    assert own["source"].tolist() == ["ada-obi"]
    mention = i[i["kind"] == "mention"]
    assert sorted(zip(mention["source"], mention["target"], strict=True)) == [
        ("benoit-roy", "ada-obi"), ("benoit-roy", "cy-dee")]
    # reactions: reactor -> author; Ben's reaction to his own message is not a tie
    reaction = i[i["kind"] == "reaction"]
    assert sorted(zip(reaction["source"], reaction["target"], strict=True)) == [
        ("ada-obi", "benoit-roy"), ("benoit-roy", "ada-obi")]


def test_ts_kept_as_string_and_time_in_utc(net):
    i = net.interactions
    first = i.iloc[0]
    assert first["ts"] == "1709629500.123400"
    assert first["message_id"] == "C03HOUS:1709629500.123400"
    assert first["timestamp"] == pd.Timestamp("2024-03-05 09:05:00.123400", tz="UTC")
    reply = i[(i["kind"] == "reply") & i["target"].notna()].iloc[0]
    assert reply["thread_id"] == "C03HOUS:1709629500.123400"


def test_channels_are_events_with_their_topic(net):
    ev = net.events.set_index("event_id")
    assert ev.loc["slack-C03HOUS", "title"] == "#housing-working-group"
    assert ev.loc["slack-C03HOUS", "topic"] == "Peer exchange on housing"  # purpose
    assert ev.loc["slack-C01GEN", "topic"] == "Announcements"
    assert ev.loc["slack-C03HOUS", "start"] == pd.Timestamp(1700000000, unit="s", tz="UTC")


def test_members_carry_email_and_slack_id(net):
    m = net.members.set_index("member_id")
    assert m.loc["ada-obi", "email"] == "ada@orga.org"
    assert m.loc["ada-obi", "aliases"] == "slack:U01ADA"
    assert m.loc["benoit-roy", "name"] == "Benoît Roy"
    assert "calendar" not in m.index  # the bot


def test_zip_gives_the_same_network(tmp_path, net):
    archive = shutil.make_archive(str(tmp_path / "Peer Network Slack export"), "zip", FIX)
    z = pn.read_slack(archive)
    pd.testing.assert_frame_equal(
        z.interactions.drop(columns="origin_file"), net.interactions.drop(columns="origin_file"))


def test_bad_day_file_is_listed(tmp_path):
    shutil.copytree(FIX, tmp_path / "export")
    (tmp_path / "export" / "general" / "2024-03-08.json").write_text("[{broken")
    net = pn.read_slack(tmp_path / "export")
    notes = net.quality.issues
    assert ((notes["problem"] == "day file is not valid JSON; not read")
            & (notes["value"] == "general/2024-03-08.json")).sum() == 1
    with pytest.raises(pn.DataError, match=r"general/2024-03-08\.json: cannot read as JSON"):
        pn.read_slack(tmp_path / "export", errors="raise")


def test_not_a_slack_export(tmp_path):
    (tmp_path / "x.json").write_text("[]")
    with pytest.raises(pn.DataError, match="not a Slack export"):
        pn.read_slack(tmp_path)
    p = tmp_path / "x.zip"
    p.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(pn.DataError, match=r"x\.zip: not a readable ZIP"):
        pn.read_slack(p)
