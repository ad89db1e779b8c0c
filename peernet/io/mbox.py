"""Mailing-list archives as mbox files (Mailman/Pipermail, HyperKitty, Google Takeout).

A message becomes a ``message`` row, or a ``reply`` row towards the author of its parent:
``In-Reply-To``, else the last ``References`` id, else (for clients that send neither) the
latest earlier message with the same normalised subject within ``window_days``. The list
address is not a person; To/Cc are not interactions (on a list they name the list).
"""

from __future__ import annotations

import email
import email.header
import email.policy
import email.utils
import re
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import DataError
from ..network import PeerNetwork
from ..quality import QualityLog
from ._export import check_errors, check_tz, drop_rows, finish, resolve_people
from .identity import Identities, normalize_emails, slugify

__all__ = ["read_mbox"]

_SEP = re.compile(rb"(?:\A|\n)From [^\n]*\n")
_OBFUSCATED = re.compile(r"^\s*([^\s@<>()]+) at ([^\s@<>()]+\.[^\s@<>()]+)\s*(?:\((.*)\))?\s*$")
_ID = re.compile(r"<([^<>\s]+)>")
_PREFIX = re.compile(r"^(?:\s*(?:\[[^\]]*\]\s*)?(?:re|aw|sv|vs|antw|odp|r|fwd?|wg|tr)\s*"
                     r"(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_REPLY_PREFIX = re.compile(r"^\s*(?:\[[^\]]*\]\s*)?(?:re|aw|sv|vs|antw|odp|r)\s*(?:\[\d+\])?\s*:",
                           re.IGNORECASE)
_ROBOT = re.compile(r"(?:-bounces|-request|-owner|-admin|^bounces?|mailer-daemon|postmaster|"
                    r"no-?reply|do-?not-?reply|^notifications?)[^@]*@", re.IGNORECASE)
_WROTE = re.compile(r"^\s*(?:On|Am|Le|El)\b.*(?:wrote|schrieb|a écrit|escribió)\s*:\s*$",
                    re.IGNORECASE)


def _decode(value: Any) -> tuple[str, bool]:
    """RFC 2047 decoding of a header value; (text, ok)."""
    text = str(value) if value is not None else ""
    if "=?" not in text:
        return text, True
    try:
        return str(email.header.make_header(email.header.decode_header(text))), True
    except (email.errors.HeaderParseError, LookupError, UnicodeDecodeError, ValueError,
            TypeError, AssertionError):
        return text, False


def _split(raw: bytes) -> list[bytes]:
    raw = raw.replace(b"\r\n", b"\n")
    starts = [m.start() + (0 if m.group(0).startswith(b"From") else 1)
              for m in _SEP.finditer(raw)]
    if not starts or starts[0] != 0:
        return []
    out = []
    for i, s in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(raw)
        chunk = raw[s:end]
        out.append(chunk[chunk.find(b"\n") + 1:])
    return out


def _body_words(msg: email.message.Message) -> int:
    """Words the author wrote: text/plain parts without quoted lines (``>``) and the
    ``On … wrote:`` line; mbox-escaped ``>From`` lines are the author's."""
    words = 0
    try:
        parts = [p for p in msg.walk() if p.get_content_type() == "text/plain"] \
            if msg.is_multipart() else [msg]
        for part in parts:
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                continue
            charset = part.get_content_charset() or "utf-8"
            try:
                text = payload.decode(charset, errors="replace")
            except LookupError:
                text = payload.decode("latin-1")
            for line in text.splitlines():
                s = line.lstrip()
                if s.startswith(">") and not re.match(r">+From ", s):
                    continue
                if _WROTE.match(line):
                    continue
                words += len(re.findall(r"\w+", s))
    except (LookupError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        return 0
    return words


def read_mbox(path: str | Path, *, tz: str = "UTC", list_address: str | None = None,
              window_days: float = 30, identities: Any = None, recipients: bool = False,
              errors: Literal["report", "raise"] = "report",
              name: str | None = None) -> PeerNetwork:
    """Read a mailing-list archive in mbox format (also ``.gz`` and Pipermail ``.txt``).

    Parameters
    ----------
    path : str or Path
        The archive.
    tz : str, default "UTC"
        The network's zone (for periods); mail dates carry their own offsets.
    list_address : str, optional
        The list's address (default: from ``List-Post`` / ``List-Id``). Messages from it
        (digests, bounces) are not a person's and are dropped.
    window_days : float, default 30
        How far back a ``Re:`` message without reply headers looks for its parent by subject.
    identities : Identities, DataFrame or path, optional
    recipients : bool, default False
        Also tie the sender to each person in ``To`` and ``Cc`` (a ``message`` row, sender
        -> recipient), for mailboxes and announcement lists where replies are rare. The list
        address, automated addresses and the sender are never recipients; the author of the
        message replied to already has the ``reply`` row.
    errors : {"report", "raise"}, default "report"

    Returns
    -------
    PeerNetwork
        One event for the list (``kind`` channel, ``channel`` listserv); interactions
        ``message`` and ``reply`` (target = the parent's author) with ``thread_id`` (the
        thread's first message), ``message_id``, ``subject``, ``words`` (the author's own
        words, quoted lines not counted) and ``threaded_by`` (``in_reply_to``,
        ``references``, ``subject``). ``quality.counts``: rows read = messages in the file.

    Notes
    -----
    RFC 2047 names (``=?utf-8?q?Beno=C3=AEt_Roy?=``) are decoded and Pipermail's
    ``ada at orga.org (Ada Obi)`` is repaired before parsing; a Date without an offset is read
    as UTC and flagged; a repeated Message-ID keeps its first copy.
    """
    tz = check_tz(tz)
    check_errors(errors)
    path = Path(path)
    file = path.name
    log = QualityLog(file)
    if not path.exists():
        raise DataError("file not found", file=str(path))
    if path.is_dir():
        raise DataError("expected an mbox file, found a folder", file=str(path))
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        from ._limits import gunzip

        raw = gunzip(raw, file)  # stops at the limits: a gzip bomb is not inflated
    if raw[:4] == b"PK\x03\x04":  # never inflated here: the archive's size is unknown
        raise DataError("a ZIP file, not an mbox archive: unzip it and read the .mbox file "
                        "inside", file=file)
    raw = raw.lstrip(b"\xef\xbb\xbf")
    if b"\x00" in raw:
        log.note("NUL characters removed from the file")
        raw = raw.replace(b"\x00", b"")
    chunks = _split(raw)
    if not chunks:
        raise DataError("not an mbox file: it must start with a 'From ' separator line",
                        file=file)
    rows = []
    for i, chunk in enumerate(chunks, start=1):
        rows.append(_parse(chunk, i, log))
    df = pd.DataFrame(rows)
    for c in ("from_raw", "email", "name", "date_raw", "message_id", "in_reply_to", "ref_last",
              "subject", "list_id", "list_id_addr", "list_post"):
        df[c] = df[c].astype("object").where(df[c].notna(), None).astype("str")
    log.read(len(df))
    df["row"] = np.arange(1, len(df) + 1)
    df = drop_rows(log, df, df["unreadable"].to_numpy(), None, "cannot parse the message",
                   errors=errors, value=df["from_raw"])
    df = drop_rows(log, df, df["email"].isna().to_numpy(), "From",
                   "no sender address in From:", errors=errors, value=df["from_raw"])
    df = drop_rows(log, df, df["time"].isna().to_numpy(), "Date", "cannot read the Date:",
                   errors=errors, value=df["date_raw"])
    lists = {normalize_emails([list_address]).iloc[0]} if list_address else set()
    if not list_address:
        lists |= set(df["list_post"].dropna()) | set(df["list_id_addr"].dropna())
    lists.discard(np.nan)
    from_list = df["email"].isin(lists).to_numpy()
    robot = df["email"].astype("str").str.contains(_ROBOT, na=False).to_numpy() & ~from_list
    df = drop_rows(log, df, from_list, "From", "sent by the list address, not a person",
                   errors="report", value=df["email"])
    df = drop_rows(log, df, robot[~from_list], "From", "automated sender (no-reply, "
                   "mailer-daemon, bounces, notifications): not a person", errors="report",
                   value=df["email"])
    missing_id = df["message_id"].isna()
    if missing_id.any():
        log.note(f"{int(missing_id.sum())} message(s) without a Message-ID: given one from "
                 f"their position")
        df.loc[missing_id, "message_id"] = "mbox-" + df.loc[missing_id, "row"].astype("str")
    df = drop_rows(log, df, df["message_id"].duplicated().to_numpy(), "Message-ID",
                   "duplicate Message-ID (the same message twice); the first copy is kept",
                   errors="report", value=df["message_id"])
    if df.empty:
        why = log.result().issues
        why = why[why["action"] == "dropped"].groupby("problem").agg(
            n=("row", "size"), example=("value", "first"))
        reasons = "; ".join(f"{r.n} {p} (e.g. {r.example!r})" for p, r in why.iterrows())
        raise DataError(f"no messages could be read: {len(chunks)} message(s) in the file, "
                        f"all dropped: {reasons}" if reasons else "no messages could be read",
                        file=file)
    df = df.sort_values(["time", "row"], kind="stable").reset_index(drop=True)
    naive = df["naive"].to_numpy()
    for r, v in zip(df.loc[naive, "row"], df.loc[naive, "date_raw"], strict=True):
        log.repair(int(r), "Date", v, "Date without a time-zone offset: read as UTC")
    _thread(df, window_days, log)
    people = pd.DataFrame({"email": df["email"], "name": df["name"], "row": df["row"]})
    resolved = resolve_people(people, file=file, identities=identities)
    df["member_id"] = resolved.ids.to_numpy()
    author = pd.Series(df["member_id"].to_numpy(), index=df["message_id"].to_numpy())
    target = df["parent"].map(author)
    self_reply = target.notna() & (target == df["member_id"])
    if self_reply.any():
        log.note(f"{int(self_reply.sum())} repl(ies) to the author's own message: kept "
                 f"without a target (not a tie)")
    label = (sorted(df["list_id"].dropna().unique()) or [Path(file).stem])[0]
    event_id = f"mbox-{slugify(pd.Series([label])).iloc[0]}"
    inter = pd.DataFrame({
        "timestamp": df["time"], "source": df["member_id"],
        "kind": np.where(df["parent"].notna(), "reply", "message"),
        "target": target.where(~self_reply, np.nan), "event_id": event_id,
        "channel": "listserv" if lists else "email", "thread_id": df["thread_id"],
        "message_id": df["message_id"], "subject": df["subject"], "words": df["words"],
        "threaded_by": df["threaded_by"], "row": df["row"]})
    if recipients:
        inter = pd.concat([inter, _recipient_rows(df, lists, target, resolved, log,
                                                  event_id, file=file, identities=identities)],
                          ignore_index=True)
    events = pd.DataFrame({"event_id": [event_id], "start": [df["time"].min()],
                           "end": [df["time"].max()], "kind": ["channel"],
                           "channel": ["listserv" if lists else "email"], "title": [label]})
    return finish(file=file, log=log, resolved=resolved, interactions=inter, events=events,
                  tz=tz, errors=errors, name=name, meta={"format": "mbox"}, stacklevel=4)


def _parse(chunk: bytes, i: int, log: QualityLog) -> dict:
    out = {"unreadable": False, "from_raw": None, "email": np.nan, "name": np.nan,
           "time": pd.NaT, "naive": False, "date_raw": None, "message_id": np.nan,
           "in_reply_to": np.nan, "ref_last": np.nan, "subject": np.nan,
           "list_id": np.nan, "list_id_addr": np.nan, "list_post": np.nan, "words": 0,
           "recipients": ""}
    try:
        msg = email.message_from_bytes(chunk, policy=email.policy.compat32)
        get = lambda h: (str(msg.get(h)) if msg.get(h) is not None else None)  # noqa: E731
        frm = get("From")
        out["from_raw"] = frm
        out["date_raw"] = get("Date")
        subject, _ok = _decode(get("Subject"))
        out["subject"] = subject.strip() or np.nan
        for key, h in (("message_id", "Message-ID"), ("in_reply_to", "In-Reply-To")):
            ids = _ID.findall(get(h) or "")
            out[key] = ids[0] if ids else np.nan
        refs = _ID.findall(get("References") or "")
        out["ref_last"] = refs[-1] if refs else np.nan
        lid = _ID.findall(get("List-Id") or "")
        if lid:
            out["list_id"] = lid[0]
            out["list_id_addr"] = lid[0].replace(".", "@", 1)
        to = [v for v in (get("To"), get("Cc")) if v]
        out["recipients"] = "\n".join(
            normalize_emails([a]).iloc[0] if isinstance(normalize_emails([a]).iloc[0], str)
            else "" for _n, a in email.utils.getaddresses(to)) if to else ""
        post = re.findall(r"<mailto:([^>?]+)", get("List-Post") or "")
        out["list_post"] = post[0].lower() if post else np.nan
        if frm:
            m = _OBFUSCATED.match(frm)
            if m:
                addr, shown = f"{m.group(1)}@{m.group(2)}", m.group(3) or ""
                log.repair(i, "From", frm, "Pipermail address 'x at y.org' repaired")
            else:
                shown, addr = email.utils.parseaddr(frm)
            shown, ok = _decode(shown)
            if not ok:
                log.repair(i, "From", frm, "cannot decode the RFC 2047 name; kept as written")
            out["email"] = normalize_emails([addr]).iloc[0]
            out["name"] = shown.strip().strip('"').strip() or np.nan
        if out["date_raw"]:
            try:
                when = email.utils.parsedate_to_datetime(out["date_raw"])
            except (TypeError, ValueError, IndexError, OverflowError):
                when = None
            if when is not None and 1970 <= when.year <= 2200:
                if when.tzinfo is None:
                    out["naive"] = True
                    out["time"] = pd.Timestamp(when).tz_localize("UTC")
                else:
                    out["time"] = pd.Timestamp(when).tz_convert("UTC")
        out["words"] = _body_words(msg)
    except (ValueError, TypeError, LookupError, AttributeError, IndexError, KeyError,
            UnicodeError, email.errors.MessageError) as err:
        out["unreadable"] = True
        out["from_raw"] = out["from_raw"] or f"{type(err).__name__}: {err}"[:200]
    return out


def _thread(df: pd.DataFrame, window_days: float, log: QualityLog) -> None:
    """Set ``parent``, ``threaded_by`` and ``thread_id`` (vectorised)."""
    known = set(df["message_id"])
    irt = df["in_reply_to"].where(df["in_reply_to"].isin(known), np.nan)
    ref = df["ref_last"].where(df["ref_last"].isin(known), np.nan)
    parent = irt.fillna(ref)
    by = pd.Series(np.where(irt.notna(), "in_reply_to",
                            np.where(ref.notna(), "references", None)),  # type: ignore[call-overload]
                   index=df.index)
    headers = df["in_reply_to"].notna() | df["ref_last"].notna()
    outside = headers & parent.isna()
    if outside.any():
        log.note(f"{int(outside.sum())} repl(ies) to messages not in this archive: counted as "
                 f"thread starts")
    norm = df["subject"].astype("str").str.replace(r"\[[^\]]*\]", " ", regex=True)
    norm = norm.str.replace(_PREFIX, "", regex=True).str.strip()
    norm = norm.str.replace(r"\s+", " ", regex=True).str.casefold()
    want = parent.isna() & ~headers & df["subject"].astype("str").str.match(
        _REPLY_PREFIX, na=False) & norm.notna() & (norm != "")
    if want.any():
        left = pd.DataFrame({"time": df.loc[want, "time"], "norm": norm[want],
                             "i": df.index[want]}).sort_values("time")
        right = pd.DataFrame({"time": df["time"], "norm": norm, "pid": df["message_id"]}
                             ).dropna(subset=["norm"]).sort_values("time")
        hit = pd.merge_asof(left, right, on="time", by="norm", direction="backward",
                            allow_exact_matches=False,
                            tolerance=pd.Timedelta(days=float(window_days)))
        hit = hit.dropna(subset=["pid"]).set_index("i")["pid"]
        if len(hit):
            parent = parent.astype("object")
            parent[hit.index] = hit.to_numpy()
            by[hit.index] = "subject"
            log.note(f"{len(hit)} repl(ies) without In-Reply-To/References threaded by subject "
                     f"(within {window_days:g} days)")
    df["parent"] = parent
    df["threaded_by"] = by
    ids = df["message_id"].to_numpy()
    up = pd.Series(parent.to_numpy(), index=ids)
    up = up[~up.index.duplicated()]
    cur = up.copy()
    for _ in range(100):  # climb to the thread's first message (bounded: cycles stop)
        nxt = cur.map(up)
        has = nxt.notna()
        if not has.any():
            break
        cur = cur.where(~has, nxt)
    df["thread_id"] = cur.reindex(ids).fillna(pd.Series(ids, index=ids)).to_numpy()


def _recipient_rows(df: pd.DataFrame, lists: set, target: pd.Series, resolved: Any,
                    log: QualityLog, event_id: str, *, file: str,
                    identities: Any) -> pd.DataFrame:
    """``message`` rows sender -> each To/Cc person (not the list, robots, the sender, or
    the author already replied to)."""
    pairs = df[["row", "time", "member_id", "message_id", "thread_id", "recipients"]].assign(
        to=df["recipients"].astype("str").str.split("\n")).explode("to")
    pairs = pairs[pairs["to"].notna() & (pairs["to"] != "") & (pairs["to"] != "nan")]
    drop = pairs["to"].isin(lists) | pairs["to"].str.contains(_ROBOT, na=False)
    skipped = int(drop.sum())
    pairs = pairs[~drop]
    known = dict(zip(df["email"], df["member_id"], strict=False))
    ids = pairs["to"].map(known)
    rest = ids.isna()
    if rest.any():   # recipients who never wrote: resolved as people of their own
        new = resolve_people(pd.DataFrame({"email": pairs.loc[rest, "to"].to_numpy(),
                                           "row": pairs.loc[rest, "row"].to_numpy()}),
                             file=file, identities=Identities.from_roster(resolved.members))
        ids[rest] = new.ids.to_numpy()
        extra = new.members[~new.members["member_id"].isin(set(resolved.members["member_id"]))]
        resolved.members = pd.concat([resolved.members, extra], ignore_index=True)
    pairs = pairs.assign(target=ids.to_numpy())
    parent_author = pd.Series(target.to_numpy(), index=df["row"].to_numpy())
    same = (pairs["target"] == pairs["member_id"]) | (
        pairs["target"] == pairs["row"].map(parent_author))
    pairs = pairs[~same.to_numpy()].drop_duplicates(["message_id", "target"])
    log.note(f"recipients=True: {len(pairs)} tie(s) from senders to the people in To/Cc "
             f"({skipped} list or automated address(es) left out)")
    return pd.DataFrame({"timestamp": pairs["time"], "source": pairs["member_id"],
                         "kind": "message", "target": pairs["target"], "event_id": event_id,
                         "channel": "email", "thread_id": pairs["thread_id"],
                         "message_id": pairs["message_id"], "threaded_by": "recipients",
                         "row": pairs["row"]})
