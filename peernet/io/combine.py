"""Combining networks: several sources (exports, a roster, other networks) into one.

Each loader returns a PeerNetwork of what one source saw; :func:`combine` merges them,
resolving who is who through one alias table (:class:`~peernet.io.identity.Identities`):
the ids of people found in an export are rewritten to the roster's in every table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..network import TABLE_NAMES, PeerNetwork
from ..quality import DataQuality, QualityLog
from ..schema import TABLES, TOPIC_SEPARATOR
from .identity import Identities, _aliases_of, _dedupe, _items

__all__ = ["combine"]

_REFS = {"interactions": ("source", "target"), "events": ("host",), "problems": ("raised_by",),
         "actions": ("owner",), "surveys": ("respondent",), "members": ("supervisor_id",)}


def combine(nets: Iterable[PeerNetwork], *,
            roster: pd.DataFrame | PeerNetwork | str | Path | None = None,
            identities: Identities | pd.DataFrame | str | Path | None = None,
            name: str | None = None, tz: str | None = None) -> PeerNetwork:
    """Merge networks (e.g. one per source) into one, resolving who is who.

    Tables are concatenated. Members a source took from a roster (``unmatched`` false) keep
    their ids (the first row of each ``member_id`` wins). Members a loader found in an
    export (``unmatched`` true) are matched to the roster and to each other by email, then
    platform id (``aliases`` column), then normalised name (see :class:`Identities`); ids
    in every table are rewritten. Events keep the first row of
    each ``event_id``; data-quality records are merged, plus a ``identities`` source listing
    what was merged, added and left ambiguous.

    Parameters
    ----------
    nets : sequence of PeerNetwork
        One time zone for all.
    roster : DataFrame, PeerNetwork or path, optional
        The roster (``member_id``, ``name``, ``email``, ...).
    identities : Identities, DataFrame or path, optional
        An alias table. A path is read when it exists and then (re)written with the table
        used, so you can fix a match by editing ``member_id`` and rerun.
    name : str, optional
        The combined network's name (default: the names joined with ``+``).
    tz : str, optional
        The combined network's zone; needed when the networks have different zones (their
        timestamps are UTC, so only period boundaries depend on it).

    Examples
    --------
    >>> a = pn.PeerNetwork.from_tables(
    ...     members=pd.DataFrame({"member_id": ["x1"], "email": ["ada@orga.org"],
    ...                           "unmatched": [True]}),
    ...     interactions=pd.DataFrame({"timestamp": ["2025-01-01"], "source": ["x1"],
    ...                                "kind": ["message"]}))
    >>> roster = pd.DataFrame({"member_id": ["m1"], "name": ["Ada Obi"],
    ...                        "email": ["ADA@orga.org"]})
    >>> pn.combine([a], roster=roster).interactions["source"].tolist()
    ['m1']
    """
    nets = list(nets)  # type: ignore[assignment]
    if not nets:
        raise ValueError("combine: give at least one PeerNetwork")
    zones = {n.tz for n in nets}
    if tz is None and len(zones) > 1:
        raise ValueError(f"combine: networks have different time zones {sorted(zones)}; "
                         f"load them with one tz= or pass tz= to combine")
    from ..network import mark_guests
    from .roster import roster_members

    roster_quality = None
    if roster is not None:   # typed to the schema (joined as dates), a path read as kept
        roster, roster_quality = roster_members(roster, tz=tz or nets[0].tz)
    ids = Identities.coerce(identities, roster)
    roster_ids = set(ids.members["member_id"])
    mapped: list[dict[str, str]] = []
    extra_members: list[pd.DataFrame] = []
    quality: list[DataQuality] = [roster_quality] if roster_quality is not None else []
    # members taken from a roster first, keeping their ids
    for net in nets:
        m = net.root.members
        auth = ~_unmatched(m)
        new = m[auth & ~m["member_id"].isin(roster_ids)]
        if len(new):
            ids = Identities(members=pd.concat([ids.members, new], ignore_index=True),
                             aliases=_dedupe(pd.concat(
                                 [ids.aliases, _aliases_of(new, origin="roster")],
                                 ignore_index=True)))
            roster_ids |= set(new["member_id"])
    for net in nets:
        m = net.root.members.reset_index(drop=True)
        auth = ~_unmatched(m)
        lut = dict(zip(m.loc[auth, "member_id"], m.loc[auth, "member_id"], strict=True))
        prov = m[~auth]
        if len(prov):
            people = pd.DataFrame({"email": prov.get("email"), "name": prov.get("name"),
                                   "aliases": prov.get("aliases"), "org": prov.get("org"),
                                   "id": prov["member_id"]}, index=prov.index)
            res = ids.assign(people, source="identities", note_unmatched=bool(roster_ids))
            ids = res.identities
            quality.append(res.quality)
            lut.update(zip(prov["member_id"], res.member_id, strict=True))
            extra_members.append(prov.assign(member_id=res.member_id.to_numpy(),
                                             unmatched=~res.member_id.isin(roster_ids)
                                             .to_numpy()))
        mapped.append(lut)
    out: dict[str, pd.DataFrame] = {}
    for table in TABLE_NAMES:
        frames = []
        for net, lut in zip(nets, mapped, strict=True):
            df = getattr(net.root, table)
            if not len(df) or table == "members":
                continue
            changed = {k: v for k, v in lut.items() if k != v}
            if changed:
                df = _remap(df, table, pd.Series(changed, dtype="str"))
            frames.append(df)
        if not frames:
            out[table] = getattr(nets[0].root, table)
            continue
        df = pd.concat(frames, ignore_index=True)
        key = TABLES[table].key
        if key:
            df = df.drop_duplicates(key).reset_index(drop=True)
        out[table] = df
    if len(out["interactions"]):
        out["interactions"], merged = _merge_attendance(out["interactions"])
        if merged:
            log = QualityLog("identities")
            log.note(f"{merged} attendance row(s) of a person already present at the same event "
                     f"(under another name or email) merged into one")
            quality.append(DataQuality(issues=log.result().issues))
    out["members"] = mark_guests(_members_table(ids.members, nets, extra_members))
    q = DataQuality.merge([n.quality for n in nets] + quality)
    provided = frozenset().union(*(n.provided for n in nets))
    net = PeerNetwork(**out, tz=tz or nets[0].tz, quality=q, provided=provided,
                      name=name or "+".join(n.name for n in nets))
    if isinstance(identities, (str, Path)):
        ids.save(identities)
    return net


def _merge_attendance(inter: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """One attendance row per person per event: rows that became duplicates when two names
    resolved to one member are merged (first time, summed minutes and sessions)."""
    moved = (inter.pop("_moved").fillna(False).astype(bool) if "_moved" in inter.columns
             else pd.Series(False, index=inter.index))
    att = (inter["kind"] == "attend").to_numpy() & inter["event_id"].notna().to_numpy()
    dup = att & inter.duplicated(["event_id", "source"], keep=False).to_numpy()
    if dup.any():  # only where a resolved identity made the duplicate
        key = inter["event_id"].astype("str") + "\x1f" + inter["source"].astype("str")
        touched = set(key[dup & moved.to_numpy()])
        dup &= key.isin(touched).to_numpy()
    if not dup.any():
        return inter, 0
    sub = inter[dup]
    g = sub.groupby(["event_id", "source"], sort=False, observed=True)
    first = sub.loc[g["timestamp"].idxmin()].set_index(["event_id", "source"])
    if "duration_min" in sub.columns:
        first["duration_min"] = g["duration_min"].sum(min_count=1)
    if "sessions" in sub.columns:
        first["sessions"] = g["sessions"].sum()
    if "intervals" in sub.columns:
        first["intervals"] = g["intervals"].agg(lambda s: "; ".join(s.dropna()))
    merged = first.reset_index()[list(inter.columns)]
    out = pd.concat([inter[~dup], merged], ignore_index=True)
    out = out.sort_values("timestamp", kind="stable").reset_index(drop=True)
    return out, int(dup.sum() - len(merged))


def _remap(df: pd.DataFrame, table: str, changed: pd.Series) -> pd.DataFrame:
    """Rewrite member ids (old -> new in ``changed``) in the id columns of one table."""
    df = df.copy()
    if table == "interactions":
        df["_moved"] = df["source"].isin(changed.index).to_numpy()

    def swap(values: pd.Series) -> pd.Series:
        return values.map(changed).fillna(values) if len(values) else values

    for column in _REFS.get(table, ()):
        if column in df.columns:
            df[column] = swap(df[column].astype("str"))
    if table == "problems" and "helpers" in df.columns:
        h = swap(_items(df["helpers"], ";"))
        df["helpers"] = h.groupby(level=0).agg(TOPIC_SEPARATOR.join).reindex(df.index)
    if table == "surveys" and "about" in df.columns:
        person = ((df["about_level"] != "org").to_numpy() if "about_level" in df.columns
                  else np.ones(len(df), bool))
        about = df["about"].astype("str")
        df["about"] = about.where(~person, swap(about))
    return df


def _unmatched(m: pd.DataFrame) -> pd.Series:
    if "unmatched" not in m.columns:
        return pd.Series(False, index=m.index)
    return m["unmatched"].fillna(False).astype(bool)


def _members_table(known: pd.DataFrame, nets: Sequence[PeerNetwork],
                   extra: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Roster rows first, then what each source knew, first non-missing value per column."""
    frames = [known, *(n.root.members[~_unmatched(n.root.members)] for n in nets), *extra]
    frames = [f for f in frames if len(f)]
    if not frames:
        return nets[0].root.members.iloc[0:0]
    df = pd.concat(frames, ignore_index=True)
    df["member_id"] = df["member_id"].astype("str")
    unmatched = _unmatched(df).groupby(df["member_id"], sort=False).all()
    order = pd.unique(df["member_id"])
    merged = df.drop(columns=["unmatched"], errors="ignore").groupby(
        "member_id", sort=False).first()
    if "aliases" in df.columns:
        items = _items(df["aliases"], ";")
        pairs = pd.DataFrame({"member_id": df.loc[items.index, "member_id"].to_numpy(),
                              "alias": items.to_numpy()}).drop_duplicates()
        merged["aliases"] = pairs.groupby("member_id")["alias"].agg("; ".join).reindex(
            merged.index)
    merged = merged.reindex(order).reset_index()
    any_unmatched = bool(unmatched.any()) or "unmatched" in df.columns
    if any_unmatched:
        merged["unmatched"] = pd.array(unmatched.reindex(order).to_numpy(), dtype="boolean")
    for c in merged.columns:
        if merged[c].dtype == object:
            merged[c] = merged[c].astype("str") if c != "unmatched" else merged[c]
    return merged
