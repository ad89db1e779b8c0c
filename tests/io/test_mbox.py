"""pn.read_mbox on the archive of shared/formats.md (e); fixture tests/fixtures/mbox.

housing-peers.mbox: 1 Ada asks (thread start); 2 Ben replies (RFC 2047 name, In-Reply-To,
a mboxo-escaped ">From" line and a quoted block); 3 Cy (Pipermail "cy at orgc.org (Cy Dee)",
subject "Re: [housing-peers] ..." and no reply headers); 4 a second copy of message 2;
5 a digest from the list's -bounces address; 6 Ada replies to Cy (Date without offset).
"""

import gzip
from pathlib import Path

import pandas as pd
import pytest

import peernet as pn

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "mbox" / "housing-peers.mbox"


@pytest.fixture(scope="module")
def net():
    return pn.read_mbox(FIX)


def test_counts(net):
    c = net.quality.counts.iloc[0]
    assert (c["rows_read"], c["rows_kept"], c["rows_repaired"], c["rows_dropped"]) == (6, 4, 2, 2)
    dropped = net.quality.dropped.set_index("row")
    assert dropped.loc[4, "value"] == "b7@orgb.net"  # duplicate Message-ID
    assert dropped.loc[5, "problem"] == ("automated sender (no-reply, mailer-daemon, bounces, "
                                         "notifications): not a person")


def test_names_decoded_and_pipermail_repaired(net):
    m = net.members.set_index("member_id")
    assert m.loc["benoit-roy", "name"] == "Benoît Roy"
    assert m.loc["cy-dee", "email"] == "cy@orgc.org"
    assert len(m) == 3  # the list address is not a person


def test_reply_edges_and_their_direction(net):
    i = net.interactions
    edges = list(zip(i["source"], i["kind"].astype("str"), i["target"].fillna("-"),
                     i["threaded_by"].fillna("-"), strict=True))
    assert edges == [("ada-obi", "message", "-", "-"),
                     ("benoit-roy", "reply", "ada-obi", "in_reply_to"),
                     ("cy-dee", "reply", "benoit-roy", "subject"),  # subject-only reply
                     ("ada-obi", "reply", "cy-dee", "in_reply_to")]
    assert set(i["thread_id"]) == {"a1@orga.org"}
    assert (i["channel"] == "listserv").all()


def test_quoted_text_is_not_the_repliers(net):
    words = net.interactions.set_index("message_id")["words"]
    # "Yes, attached. And" + ">From our pilot we learned a lot." (mbox escaping, not a quote)
    assert words["b7@orgb.net"] == 10


def test_naive_date_is_utc_and_flagged(net):
    last = net.interactions.iloc[-1]
    assert last["timestamp"] == pd.Timestamp("2024-03-08 08:00", tz="UTC")
    assert net.quality.repaired.set_index("row").loc[6, "problem"].startswith(
        "Date without a time-zone offset")


def test_gzip_and_list_address_argument(tmp_path):
    p = tmp_path / "list.mbox.gz"
    p.write_bytes(gzip.compress(FIX.read_bytes()))
    net = pn.read_mbox(p, list_address="housing-peers@lists.network.org")
    assert len(net.interactions) == 4


def test_subject_window(tmp_path):
    net = pn.read_mbox(FIX, window_days=0.5)  # Cy wrote 21 h after Ben: too late to thread
    cy = net.interactions.set_index("source").loc["cy-dee"]
    assert cy["kind"] == "message"


def test_not_an_mbox(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("Subject: hi\n\nbody\n")
    with pytest.raises(pn.DataError, match=r"notes\.txt: not an mbox file"):
        pn.read_mbox(p)


ANNOUNCE = """From ada@edu  Tue Mar  5 09:14:02 2024
From: Ada Obi <ada@edu>
To: all-staff@lists.uni.edu
Cc: Ben Roy <ben@orgb.net>, Cy Dee <cy@orgc.org>
Subject: Meeting moved
Date: Tue, 05 Mar 2024 10:14:02 +0100
Message-ID: <a1@edu>
List-Post: <mailto:all-staff@lists.uni.edu>

Moved to Thursday.

From donotreply@uni.edu  Tue Mar  5 10:02:40 2024
From: Calendar <donotreply@uni.edu>
To: ada@edu
Subject: Invitation
Date: Tue, 5 Mar 2024 11:02:40 +0100
Message-ID: <b7@uni.edu>

Invite.

From ben@orgb.net  Tue Mar  5 11:02:40 2024
From: Ben Roy <ben@orgb.net>
To: Ada Obi <ada@edu>
Cc: all-staff@lists.uni.edu
Subject: Re: Meeting moved
Date: Tue, 5 Mar 2024 12:02:40 +0100
Message-ID: <c9@orgb.net>
In-Reply-To: <a1@edu>

OK.
"""


def test_recipients_tie_sender_to_to_and_cc_never_the_list(tmp_path):
    p = tmp_path / "announce.mbox"
    p.write_text(ANNOUNCE)
    net = pn.read_mbox(p, recipients=True)
    rows = net.interactions[["source", "kind", "target"]].astype("object")
    # Ada (alice@edu-style address, no dot in the domain) writes to the list, Cc Ben and Cy:
    # two ties (the list is not a person); Ben replies to Ada: the reply row only (Ada is
    # the author replied to); the no-reply calendar is not a person
    assert rows.fillna("").values.tolist() == [["ada-obi", "message", ""],
                                               ["ada-obi", "message", "ben-roy"],
                                               ["ada-obi", "message", "cy"],
                                               ["ben-roy", "reply", "ada-obi"]]
    assert "automated sender (no-reply, mailer-daemon, bounces, notifications): not a " \
        "person" in net.quality.summary()
    plain = pn.read_mbox(p)
    assert plain.interactions["kind"].astype("str").tolist() == ["message", "reply"]


def test_a_file_with_nothing_readable_says_why(tmp_path):
    p = tmp_path / "robots.mbox"
    p.write_text(ANNOUNCE.split("From ben@orgb.net")[0].split("From donotreply")[1]
                 .join(["From donotreply", ""]))
    with pytest.raises(pn.DataError, match=r"robots\.mbox: no messages could be read: 1 "
                       r"message\(s\) in the file, all dropped: 1 automated sender"):
        pn.read_mbox(p)
