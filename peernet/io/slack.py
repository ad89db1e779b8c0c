"""Slack workspace exports: ``users.json``, ``channels.json`` and a folder of day files per
channel, as a folder or the ZIP file Slack ships.

Messages become ``message`` rows, thread replies ``reply`` rows (reply author -> parent
author), ``<@U…>`` mentions ``mention`` rows and emoji reactions ``reaction`` rows (reactor ->
author; weak ties). Channel joins and leaves, topic changes, bot messages and deleted-message
tombstones are dropped with a quality row. ``ts`` stays a string (it is the message id); the
time comes from it, in UTC. Each channel is an event (a space) with its topic.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import DataError
from ..network import PeerNetwork
from ..quality import QualityLog
from ._export import check_errors, check_tz, finish, resolve_people

__all__ = ["read_slack"]

_LISTS = {"channels.json": "public", "groups.json": "private", "mpims.json": "group_dm",
          "dms.json": "dm"}
_NOT_CONVERSATION = {
    "channel_join": "joined the channel", "channel_leave": "left the channel",
    "group_join": "joined the channel", "group_leave": "left the channel",
    "channel_topic": "topic change", "channel_purpose": "purpose change",
    "channel_name": "channel renamed", "channel_archive": "channel archived",
    "channel_unarchive": "channel unarchived", "group_topic": "topic change",
    "group_purpose": "purpose change", "group_name": "channel renamed",
    "group_archive": "channel archived", "group_unarchive": "channel unarchived",
    "pinned_item": "pin notice", "unpinned_item": "pin notice",
    "reminder_add": "reminder notice", "bot_add": "integration notice",
    "bot_remove": "integration notice", "sh_room_created": "huddle notice",
}
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_TS = re.compile(r"^\d{1,12}(?:\.\d{1,9})?$")


class _Export:
    """Files of a Slack export, from a folder or a zip, by path relative to its root."""

    def __init__(self, path: Path):
        self.path = path
        self.name = path.name
        if path.is_dir():
            files = {p.relative_to(path).as_posix(): p for p in path.rglob("*.json")
                     if p.is_file()}
            self._read = lambda rel: files[rel].read_bytes()
            names = list(files)
        elif path.is_file():
            try:
                self._zip = zipfile.ZipFile(path)
                names = [n for n in self._zip.namelist() if n.endswith(".json")]
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
                raise DataError(f"not a readable ZIP file ({err}); a Slack export is a ZIP or "
                                f"its unzipped folder", file=self.name) from err
            from ._limits import check_zip

            check_zip(self._zip, self.name)  # a ZIP bomb is refused before inflating
            self._read = self._zip_read
        else:
            raise DataError("file or folder not found", file=str(path))
        roots = [n[: -len(k)] for n in names for k in _LISTS | {"users.json": 0}
                 if n == k or n.endswith("/" + k)]
        root = min(roots, key=len) if roots else ""
        self.files = {n[len(root):]: n for n in names if n.startswith(root)}

    def _zip_read(self, rel: str) -> bytes:
        try:
            from ._limits import read_zip_member

            return read_zip_member(self._zip, rel)  # never past its checked size
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError,
                NotImplementedError, RuntimeError) as err:  # zlib errors surface as these
            raise DataError(f"cannot extract from the ZIP ({err})", file=f"{self.name}/{rel}"
                            ) from err
        except Exception as err:  # noqa: BLE001 - zlib.error and friends on corrupt data
            raise DataError(f"cannot extract from the ZIP ({type(err).__name__}: {err})",
                            file=f"{self.name}/{rel}") from err

    def has(self, rel: str) -> bool:
        return rel in self.files

    def json(self, rel: str) -> Any:
        raw = self._read(self.files[rel])
        try:
            return json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
            raise DataError(f"cannot read as JSON ({err})", file=f"{self.name}/{rel}") from err


def _s(value: Any) -> str | float:
    return value if isinstance(value, str) and value != "" else np.nan


def read_slack(path: str | Path, *, tz: str = "UTC", identities: Any = None,
               errors: Literal["report", "raise"] = "report",
               name: str | None = None) -> PeerNetwork:
    """Read a Slack workspace export (a ZIP file or its unzipped folder).

    Parameters
    ----------
    path : str or Path
        The export: ``users.json``, ``channels.json`` (plus ``groups.json``, ``dms.json``,
        ``mpims.json`` in full exports) and one folder of ``YYYY-MM-DD.json`` files per
        channel.
    tz : str, default "UTC"
        The network's zone (for periods); the export's times are UTC epochs.
    identities : Identities, DataFrame or path, optional
        Roster aliases: users are matched by ``profile.email``, then Slack id
        (``slack:U…``), then real name.
    errors : {"report", "raise"}, default "report"
        With "raise", unreadable day files and messages raise DataError.

    Returns
    -------
    PeerNetwork
        ``events``: one row per channel (``kind`` channel, ``title`` ``#name``, ``topic``).
        ``interactions``: ``message``, ``reply`` (target = parent's author), ``mention`` and
        ``reaction`` rows with ``channel`` chat, ``thread_id``, ``message_id``
        (``<channel id>:<ts>``) and ``ts``. Times are UTC. ``quality.counts``: rows read =
        messages in the export (row n = the n-th message in channel and day order).

    Notes
    -----
    A reaction has no time of its own in the export; it gets its message's time.
    Public-channel-only exports (Free and Pro plans) hold no private channels or direct
    messages, so ties formed there are missing; ``quality`` says so.
    """
    check_errors(errors)
    tz = check_tz(tz)
    path = Path(path)
    export = _Export(path)
    file = export.name
    log = QualityLog(file)
    if not any(export.has(k) for k in (*_LISTS, "users.json")):
        raise DataError("not a Slack export: no users.json or channels.json found", file=file)
    users = _users(export, log)
    chans = _channels(export, log)
    if not any(export.has(k) for k in ("groups.json", "dms.json", "mpims.json")):
        log.note("public-channel-only export: private channels and direct messages are not in "
                 "it, so ties formed there cannot be seen")
    msgs = _messages(export, chans, log, errors)
    log.read(len(msgs))
    if msgs.empty:
        raise DataError("the export holds no messages", file=file)
    msgs = _drop(msgs, users, log, errors)
    ts = msgs["ts"]
    whole = ts.str.replace(r"\..*$", "", regex=True).astype("int64")
    frac = ts.str.extract(r"\.(\d+)$")[0].fillna("0").str.pad(9, side="right", fillchar="0")
    ns = whole * 1_000_000_000 + frac.astype("int64")
    msgs["time"] = pd.to_datetime(ns, unit="ns", utc=True)
    inter = _interactions(msgs, log)
    seen = pd.unique(pd.concat([inter["source"], inter["target"]]).dropna())
    people = pd.DataFrame({"platform_id": pd.Series(seen, dtype="str")})
    people = people.merge(users, on="platform_id", how="left")
    people["row"] = -1
    resolved = resolve_people(people.drop(columns=["is_bot"], errors="ignore"), file=file,
                              identities=identities, platform="slack")
    lut = pd.Series(resolved.ids.to_numpy(), index=people["platform_id"].to_numpy())
    inter["source"] = inter["source"].map(lut)
    inter["target"] = inter["target"].map(lut)
    first = msgs.groupby("channel_id")["time"].min()
    events = chans[chans["event_id"].isin(set(inter["event_id"]))].copy()
    events["start"] = events["created"].fillna(events["channel_id"].map(first))
    events = events.drop(columns=["created", "folder"])
    return finish(file=file, log=log, resolved=resolved, interactions=inter, events=events,
                  tz=tz, errors=errors, name=name, meta={"format": "slack"}, stacklevel=4)


def _users(export: _Export, log: QualityLog) -> pd.DataFrame:
    rows = []
    for key in ("users.json", "org_users.json"):
        if not export.has(key):
            continue
        data = export.json(key)
        if not isinstance(data, list):
            raise DataError("expected a JSON array of users", file=f"{export.name}/{key}")
        for u in data:
            if not isinstance(u, dict) or not isinstance(u.get("id"), str):
                continue
            p: dict[str, Any] = u["profile"] if isinstance(u.get("profile"), dict) else {}
            name = (_s(u.get("real_name")) if isinstance(u.get("real_name"), str) and
                    u.get("real_name") else _s(p.get("real_name")))
            if not isinstance(name, str):
                name = _s(p.get("display_name"))
            if not isinstance(name, str):
                name = _s(u.get("name"))
            rows.append({"platform_id": u["id"], "email": _s(p.get("email")), "name": name,
                         "is_bot": bool(u.get("is_bot")) or u["id"] == "USLACKBOT"})
    if not rows:
        log.note("no users.json: people are known by their Slack ids only")
        return pd.DataFrame({"platform_id": pd.Series(dtype="str"),
                             "email": pd.Series(dtype="str"), "name": pd.Series(dtype="str"),
                             "is_bot": pd.Series(dtype=bool)})
    out = pd.DataFrame(rows).drop_duplicates("platform_id")
    if out["email"].isna().all():
        log.note("users.json holds no emails (hidden by the workspace settings): people are "
                 "matched by Slack id and name only")
    return out


def _channels(export: _Export, log: QualityLog) -> pd.DataFrame:
    rows = []
    for key, kind in _LISTS.items():
        if not export.has(key):
            continue
        data = export.json(key)
        if not isinstance(data, list):
            raise DataError("expected a JSON array of channels", file=f"{export.name}/{key}")
        for c in data:
            if not isinstance(c, dict) or not isinstance(c.get("id"), str):
                continue
            name = c.get("name") if isinstance(c.get("name"), str) else c["id"]
            topic: dict[str, Any] = c["topic"] if isinstance(c.get("topic"), dict) else {}
            purpose: dict[str, Any] = c["purpose"] if isinstance(c.get("purpose"), dict) \
                else {}
            text = _s(topic.get("value"))
            if not isinstance(text, str):
                text = _s(purpose.get("value"))
            created = c.get("created")
            rows.append({"channel_id": c["id"], "folder": name if kind != "dm" else c["id"],
                         "title": f"#{name}" if kind in ("public", "private") else name,
                         "topic": text, "privacy": kind,
                         "created": created if isinstance(created, (int, float)) and
                         not isinstance(created, bool) and 0 < created < 4e9 else np.nan})
    known = {r["folder"] for r in rows}
    folders = sorted({PurePosixPath(k).parent.as_posix() for k in export.files
                      if "/" in k and PurePosixPath(k).name[:4].isdigit()})
    for f in folders:
        if f not in known:
            log.note("channel folder not listed in channels.json; read with its folder name "
                     "as id", value=f)
            rows.append({"channel_id": f, "folder": f, "title": f"#{f}", "topic": np.nan,
                         "privacy": "unknown", "created": np.nan})
    df = pd.DataFrame(rows, columns=["channel_id", "folder", "title", "topic", "privacy",
                                     "created"]).drop_duplicates("channel_id")
    df["created"] = pd.to_datetime(df["created"].astype("float64"), unit="s", utc=True)
    df["event_id"] = "slack-" + df["channel_id"].astype("str")
    df["kind"] = "channel"
    df["channel"] = "chat"
    return df


def _messages(export: _Export, chans: pd.DataFrame, log: QualityLog, errors: str
              ) -> pd.DataFrame:
    recs = []
    for cid, folder in zip(chans["channel_id"], chans["folder"], strict=True):
        days = sorted(k for k in export.files if PurePosixPath(k).parent.as_posix() == folder)
        for day in days:
            try:
                data = export.json(day)
            except DataError:
                if errors == "raise":
                    raise
                log.note("day file is not valid JSON; not read", value=day)
                continue
            if not isinstance(data, list):
                if errors == "raise":
                    raise DataError("expected a JSON array of messages",
                                    file=f"{export.name}/{day}")
                log.note("day file is not a JSON array of messages; not read", value=day)
                continue
            for m in data:
                if not isinstance(m, dict):
                    recs.append({"channel_id": cid, "file": day, "bad": True})
                    continue
                ts = m.get("ts")
                recs.append({
                    "channel_id": cid, "file": day, "bad": False,
                    "subtype": _s(m.get("subtype")), "user": _s(m.get("user")),
                    "bot_id": _s(m.get("bot_id")),
                    "ts": ts if isinstance(ts, str) else (str(ts) if isinstance(ts, int)
                                                          else np.nan),
                    "thread_ts": _s(m.get("thread_ts")),
                    "parent_user_id": _s(m.get("parent_user_id")),
                    "text": m.get("text") if isinstance(m.get("text"), str) else "",
                    "reactions": m.get("reactions") if isinstance(m.get("reactions"), list)
                    else None})
    cols = ["channel_id", "file", "bad", "subtype", "user", "bot_id", "ts", "thread_ts",
            "parent_user_id", "text", "reactions"]
    df = pd.DataFrame(recs, columns=cols)
    for c in ("subtype", "user", "bot_id", "ts", "thread_ts", "parent_user_id", "text"):
        df[c] = df[c].astype("object").where(df[c].notna(), None).astype("str")
    df["row"] = np.arange(1, len(df) + 1)
    return df


def _drop(msgs: pd.DataFrame, users: pd.DataFrame, log: QualityLog, errors: str
          ) -> pd.DataFrame:
    from ._export import drop_rows

    msgs = drop_rows(log, msgs, msgs["bad"].fillna(True).astype(bool).to_numpy(), None,
                     "not a message object", errors=errors, value=msgs["file"])
    bad_ts = ~msgs["ts"].str.match(_TS, na=False)
    msgs = drop_rows(log, msgs, bad_ts.to_numpy(), "ts", "no readable ts", errors=errors)
    sub = msgs["subtype"]
    notice = sub.isin(set(_NOT_CONVERSATION))
    for kind in sorted(set(sub[notice])):
        at = (sub == kind).to_numpy()
        log.many(msgs.loc[at, "row"].to_numpy(), "subtype", msgs.loc[at, "subtype"].tolist(),
                 f"{_NOT_CONVERSATION[kind]}: not a conversation")
    msgs = msgs[~notice.to_numpy()]
    bots = set(users.loc[users["is_bot"], "platform_id"]) if len(users) else set()
    bot = ((msgs["subtype"] == "bot_message") | msgs["user"].isin(bots)
           | (msgs["bot_id"].notna() & msgs["user"].isna())).to_numpy()
    log.many(msgs.loc[bot, "row"].to_numpy(), "subtype",
             msgs.loc[bot, "subtype"].fillna("bot").tolist(),
             "bot or integration message: not a person")
    msgs = msgs[~bot]
    tomb = (msgs["subtype"] == "tombstone").to_numpy()
    log.many(msgs.loc[tomb, "row"].to_numpy(), "subtype", msgs.loc[tomb, "subtype"].tolist(),
             "deleted message (tombstone)")
    msgs = msgs[~tomb]
    nouser = msgs["user"].isna().to_numpy()
    msgs = drop_rows(log, msgs, nouser, "user", "message without a user", errors="report")
    return msgs.reset_index(drop=True)


def _interactions(msgs: pd.DataFrame, log: QualityLog) -> pd.DataFrame:
    key = msgs["channel_id"] + ":" + msgs["ts"]
    author = pd.Series(msgs["user"].to_numpy(), index=key.to_numpy())
    author = author[~author.index.duplicated()]
    thread = msgs["thread_ts"].fillna(msgs["ts"])
    is_reply = (msgs["thread_ts"].notna() & (msgs["thread_ts"] != msgs["ts"])).to_numpy()
    parent = (msgs["channel_id"] + ":" + thread).map(author)
    parent = parent.fillna(msgs["parent_user_id"])
    target = parent.where(is_reply, np.nan)
    self_reply = is_reply & (target == msgs["user"]).to_numpy()
    no_parent = is_reply & target.isna().to_numpy()
    if self_reply.any():
        log.note(f"{int(self_reply.sum())} reply(ies) in the author's own thread: kept as "
                 f"replies without a target (not a tie)")
    if no_parent.any():
        log.note(f"{int(no_parent.sum())} reply(ies) whose thread parent is not in the "
                 f"export: kept without a target")
    target = target.where(~self_reply, np.nan)
    base = pd.DataFrame({
        "timestamp": msgs["time"], "source": msgs["user"],
        "kind": np.where(is_reply, "reply", "message"), "target": target,
        "event_id": "slack-" + msgs["channel_id"], "channel": "chat",
        "thread_id": msgs["channel_id"] + ":" + thread, "message_id": key,
        "ts": msgs["ts"], "row": msgs["row"]})
    broadcast = (msgs["subtype"] == "thread_broadcast").to_numpy()
    if broadcast.any():
        log.note(f"{int(broadcast.sum())} thread repl(ies) also sent to the channel "
                 f"(thread_broadcast): counted once, as replies")
    # mentions
    found = msgs["text"].str.extractall(_MENTION)
    parts = [base]
    if len(found):
        m = found.reset_index(level=1, drop=True)[0].rename("target")
        mm = base.drop(columns=["target", "kind"]).join(m, how="inner")
        mm = mm[mm["target"] != mm["source"]]
        mm = mm.drop_duplicates(["message_id", "target"]).assign(kind="mention")
        parts.append(mm)
    # reactions: reactor -> author
    r = msgs[["reactions"]].explode("reactions").dropna()
    if len(r):
        r = r[r["reactions"].map(lambda x: isinstance(x, dict))]
        users = r["reactions"].map(lambda x: x.get("users") if isinstance(
            x.get("users"), list) else [])
        short = r["reactions"].map(lambda x: isinstance(x.get("count"), int) and x["count"] > len(
            x.get("users") or []))
        if short.any():
            log.note(f"{int(short.sum())} reaction(s) list fewer users than their count (large "
                     f"channels): only the listed users are counted")
        reactor = users.explode().dropna()
        reactor = reactor[reactor.map(lambda x: isinstance(x, str))].rename("reactor")
        rr = base.drop(columns=["kind", "target"]).join(reactor, how="inner")
        rr = rr.rename(columns={"source": "target", "reactor": "source"})
        rr = rr[rr["source"] != rr["target"]].drop_duplicates(["message_id", "source"])
        parts.append(rr.assign(kind="reaction"))
    out = pd.concat(parts, ignore_index=True)
    return out
