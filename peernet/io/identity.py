"""One person, many names: the alias table that maps emails, names and platform ids to members.

An evaluator's exports name the same person as ``ada@orga.org`` (Zoom), ``U01ADA`` (Slack),
``Obi, Ada`` (a sign-in sheet) and ``Ada Obi (External)`` (Teams). :class:`Identities` holds
one alias table, ``kind, alias, member_id``, built from the roster and grown from the data,
and resolves what a loader sees to a ``member_id`` in a fixed order:

1. lower-cased **email**;
2. **platform id** (``slack:U01ADA``, ``teams:<UPN>``);
3. **normalised name** (:func:`normalize_names`: accents, case, ``Last, First``, pronoun and
   ``(External)`` suffixes). A name is used only when it points to exactly one member and that
   member has no *other* email on record (two people can share a name; they rarely share an
   email).

A name that points to several members is *ambiguous*: it is reported with its candidates and
never merged. People found nowhere become new members flagged ``unmatched``. The alias table
(:meth:`Identities.to_frame`, :meth:`Identities.save`) can be edited and passed back as
``identities=`` to fix a match and rerun.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..network import PeerNetwork
from ..quality import DataQuality, QualityLog
from .names import (
    display_names,
    is_unidentifiable,
    normalize_emails,
    normalize_names,
    slugify,
)
from .names import text as _text
from .names import unidentifiable as _unidentifiable

__all__ = ["Identities", "Resolution", "normalize_names", "normalize_emails", "display_names",
           "is_unidentifiable"]

ALIAS_COLUMNS = ["member_id", "kind", "alias", "origin"]


# ------------------------------------------------------------------------ the alias table
@dataclass(frozen=True)
class Resolution:
    """What :meth:`Identities.assign` found for each observation.

    Attributes
    ----------
    member_id : Series
        The member of each observation (aligned with the input).
    matched_by : Series
        ``email``, ``platform``, ``name``, ``id``, ``new`` or ``ambiguous``.
    identities : Identities
        The alias table grown with what was learned (new members and aliases).
    quality : DataQuality
        Issues only: people added, ambiguous names with their candidates, names kept apart.
    """

    member_id: pd.Series
    matched_by: pd.Series
    identities: Identities
    quality: DataQuality


def _empty_aliases() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="str") for c in ALIAS_COLUMNS})


@dataclass(frozen=True, eq=False)
class Identities:
    """The alias table and roster that resolve what exports show to member ids.

    Attributes
    ----------
    members : DataFrame
        The people known so far: the roster, then people added from the data
        (``unmatched=True``). Columns ``member_id, name, email, org, ..., unmatched``.
    aliases : DataFrame
        One row an alias: ``member_id``, ``kind`` (``email``, ``name`` or a platform such as
        ``slack``, ``teams``), ``alias`` (normalised) and ``origin`` (``roster``, ``file``
        for an alias table you edited, ``data`` for what a loader learned).

    Examples
    --------
    >>> roster = pd.DataFrame({"member_id": ["m1", "m2"], "name": ["Ada Obi", "Ben Roy"],
    ...                        "email": ["ada@orga.org", "ben@orgb.net"]})
    >>> ids = Identities.from_roster(roster)
    >>> member_ids, quality = ids.resolve(["Obi, Ada", "BEN@orgb.net", "Cy Dee"])
    >>> member_ids.tolist()
    ['m1', 'm2', 'cy-dee']
    """

    members: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"member_id": pd.Series(dtype="str")}))
    aliases: pd.DataFrame = field(default_factory=_empty_aliases)

    # -------------------------------------------------------------- construction
    @classmethod
    def from_roster(cls, members: pd.DataFrame | PeerNetwork, *,
                    aliases: pd.DataFrame | str | Path | None = None) -> Identities:
        """The alias table of a roster: each member's email, name and ``aliases`` column.

        Parameters
        ----------
        members : DataFrame or PeerNetwork
            Needs ``member_id``; ``email`` (several may be ``;``-separated), ``name`` and
            ``aliases`` (``"slack:U01ADA; teams:ada@orga.org"``) are used when present.
        aliases : DataFrame or path, optional
            An alias table (``member_id, kind, alias``) as written by :meth:`save`; an alias
            it lists replaces the roster's, so a fix made there wins.
        """
        if isinstance(members, PeerNetwork):
            members = members.members
        if not isinstance(members, pd.DataFrame):
            raise TypeError(f"members must be a DataFrame or a PeerNetwork; got "
                            f"{type(members).__name__}")
        if "member_id" not in members.columns:
            raise DataError(f"roster has no 'member_id' column; columns are "
                            f"{[str(c) for c in members.columns]}", column="member_id")
        roster = members.copy()
        roster["member_id"] = roster["member_id"].astype("str").str.strip()
        roster = roster[roster["member_id"].notna() & (roster["member_id"] != "")]
        roster = roster.drop_duplicates("member_id").reset_index(drop=True)
        if "unmatched" not in roster.columns:
            roster["unmatched"] = pd.array([False] * len(roster), dtype="boolean")
        table = _aliases_of(roster, origin="roster")
        if aliases is not None:
            extra = cls.read(aliases).aliases.assign(origin="file")
            mine = set(zip(extra["kind"], extra["alias"], strict=True))
            overridden = pd.Series([(k, a) in mine for k, a in zip(
                table["kind"], table["alias"], strict=True)], index=table.index, dtype=bool)
            table = pd.concat([extra, table[~overridden]], ignore_index=True)
            known = set(roster["member_id"])
            missing = sorted(set(extra["member_id"]) - known)
            if missing:
                roster = pd.concat([roster, pd.DataFrame({
                    "member_id": pd.Series(missing, dtype="str"),
                    "unmatched": pd.array([True] * len(missing), dtype="boolean")})],
                    ignore_index=True)
        return cls(members=roster, aliases=_dedupe(table))

    @classmethod
    def read(cls, path: str | Path | pd.DataFrame) -> Identities:
        """Read an alias table (CSV/XLSX with ``member_id, kind, alias``) written by
        :meth:`save`, possibly edited by hand."""
        from ._text import read_table_file

        if isinstance(path, pd.DataFrame):
            df, file = path.copy(), "aliases"
        else:
            df, _rows = read_table_file(Path(path), QualityLog(Path(path).name))
            file = Path(path).name
        for col in ("member_id", "kind", "alias"):
            if col not in df.columns:
                raise DataError(f"alias table needs columns member_id, kind, alias; columns "
                                f"are {[str(c) for c in df.columns]}", file=file, column=col)
        df = df.dropna(subset=["member_id", "kind", "alias"])
        kind = df["kind"].astype("str").str.strip().str.lower()
        alias = _normalise_alias(kind, df["alias"].astype("str"))
        table = pd.DataFrame({"member_id": df["member_id"].astype("str").str.strip(),
                              "kind": kind, "alias": alias, "origin": "file"})
        table = table[table["alias"].notna()]
        members = pd.DataFrame({"member_id": pd.Series(
            pd.unique(table["member_id"]), dtype="str")})
        if "name" in df.columns:
            first = df.dropna(subset=["name"]).drop_duplicates("member_id")
            members = members.merge(first[["member_id", "name"]].astype("str"),
                                    on="member_id", how="left")
        return cls(members=members, aliases=_dedupe(table))

    @classmethod
    def coerce(cls, identities: Identities | pd.DataFrame | str | Path | None = None,
               roster: pd.DataFrame | PeerNetwork | None = None) -> Identities:
        """An Identities from what a user passes: None, an Identities, an alias table (frame
        or path) and/or a roster (DataFrame or PeerNetwork; read a path with roster_members)."""
        if roster is not None and not isinstance(roster, pd.DataFrame | PeerNetwork):
            raise TypeError("Identities.coerce takes a roster as a DataFrame or PeerNetwork; "
                            "read a path with peernet.io.roster.roster_members first")
        if isinstance(identities, Identities):
            if roster is None:
                return identities
            base = cls.from_roster(roster)
            return base._extend(identities)
        if identities is not None and not isinstance(identities, (str, Path, pd.DataFrame)):
            raise TypeError(f"identities must be an Identities, an alias table (DataFrame) or "
                            f"a path; got {type(identities).__name__}")
        if isinstance(identities, (str, Path)) and not Path(identities).exists():
            identities = None
        if roster is not None:
            return cls.from_roster(roster, aliases=identities)
        if identities is not None:
            return cls.read(identities)
        return cls()

    def _extend(self, other: Identities) -> Identities:
        known = set(self.members["member_id"])
        more = other.members[~other.members["member_id"].isin(known)]
        return Identities(members=pd.concat([self.members, more], ignore_index=True),
                          aliases=_dedupe(pd.concat([other.aliases, self.aliases],
                                                    ignore_index=True)))

    # -------------------------------------------------------------- output
    def to_frame(self) -> pd.DataFrame:
        """The alias table, one row an alias: ``member_id, kind, alias, name, unmatched,
        origin`` sorted by member; edit ``member_id`` to merge or split people and pass the
        table back as ``identities=``."""
        extra = self.members[["member_id"]].copy()
        extra["name"] = (self.members["name"] if "name" in self.members.columns else np.nan)
        extra["unmatched"] = (self.members["unmatched"] if "unmatched" in self.members.columns
                              else pd.NA)
        out = self.aliases.merge(extra, on="member_id", how="left")
        out = out[["member_id", "kind", "alias", "name", "unmatched", "origin"]]
        return out.sort_values(["member_id", "kind", "alias"], kind="stable").reset_index(
            drop=True)

    def save(self, path: str | Path) -> Path:
        """Write :meth:`to_frame` as CSV (UTF-8) to ``path``; return the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.to_frame().to_csv(path, index=False, lineterminator="\n")
        return path

    def __len__(self) -> int:
        return len(self.members)

    def __repr__(self) -> str:
        return f"<Identities members={len(self.members)} aliases={len(self.aliases)}>"

    # -------------------------------------------------------------- resolution
    def resolve(self, values: Iterable[Any] | pd.Series, *, platform: str | None = None,
                source: str = "names", rows: Sequence[int] | None = None
                ) -> tuple[pd.Series, DataQuality]:
        """Member id of each name, email or platform id in ``values``.

        A value with ``@`` is an email; with ``platform=`` given a value is first looked up
        as that platform's id; otherwise it is a name. Unknown people get a new id (a slug
        of the name) and are reported; ambiguous names are reported with their candidates.

        Returns
        -------
        member_ids : Series
            Aligned with ``values`` (missing where the value was empty).
        quality : DataQuality
            Issues only (source ``source``, row from ``rows``).
        """
        s = _text(values)
        index = values.index if isinstance(values, pd.Series) else pd.RangeIndex(len(s))
        s.index = index
        email = normalize_emails(s)
        people = pd.DataFrame({"email": email,
                               "name": s.where(email.isna(), np.nan),
                               "platform_id": s if platform else np.nan}, index=index)
        res = self.assign(people, platform=platform, source=source, rows=rows)
        return res.member_id, res.quality

    def assign(self, people: pd.DataFrame, *, platform: str | None = None,
               source: str = "data", rows: Sequence[int] | np.ndarray | None = None,
               note_unmatched: bool | None = None) -> Resolution:
        """Resolve observations of people to members, adding new members for the unknown.

        Parameters
        ----------
        people : DataFrame
            One row an observation, any of the columns ``email``, ``name``, ``alt_name``
            (a second name, e.g. Zoom's original name), ``platform_id`` (this platform's
            user id), ``org``, ``aliases`` (``"kind:value; ..."``) and ``id`` (an existing
            member id, used only when nothing else identifies the person).
        platform : str, optional
            The platform of ``platform_id`` (``slack``, ``teams``, ``zoom``).
        source, rows
            Used in the quality rows (file name, spreadsheet row of each observation).
        note_unmatched : bool, optional
            Record each new person as ``added`` (default: when a roster was given; False
            records nothing about new people).
        """
        people = people.copy()
        n = len(people)
        index = people.index
        people.index = pd.RangeIndex(n)
        row_numbers = np.asarray(rows) if rows is not None else np.full(n, -1)
        log = QualityLog(source)
        col = people.get
        email = normalize_emails(col("email", pd.Series(np.nan, index=people.index)))
        raw_name = col("name", pd.Series(np.nan, index=people.index))
        raw_alt = col("alt_name", pd.Series(np.nan, index=people.index))
        name = normalize_names(raw_name)
        name = name.where(~_unidentifiable(_text(raw_name).str.strip(), name).to_numpy(),
                          np.nan)
        if raw_alt.notna().any():
            alt = normalize_names(raw_alt)
            alt = alt.where(~_unidentifiable(_text(raw_alt).str.strip(), alt).to_numpy(),
                            np.nan)
        else:
            alt = pd.Series(np.nan, index=people.index, dtype="str")
        pid = col("platform_id", pd.Series(np.nan, index=people.index))
        pid = _text(pid).str.strip()
        pid = ((platform or "platform").lower() + ":" + pid).where(pid.notna() & (pid != ""),
                                                                   np.nan)
        keys = pd.DataFrame({"email": "email:" + email, "platform": pid,
                             "name": "name:" + name, "alt": "name:" + alt})
        extra = col("aliases")
        if extra is not None:
            ex = _items(extra, ";")
            ex = ex[ex.notna() & ex.str.contains(":", regex=False)]
            kinds = _before_colon(ex).str.lower()
            ex = ex[~kinds.isin(["email", "name"])]
            first = ex.groupby(level=0).first()
            keys["platform"] = keys["platform"].fillna(first.reindex(keys.index))
        known_ids = col("id")
        members = self.members.copy()
        table = self.aliases.copy()
        roster_given = bool(len(members)) and not _all_unmatched(members)
        quiet = note_unmatched is False
        note_unmatched = roster_given if note_unmatched is None else note_unmatched
        member = pd.Series(np.nan, index=people.index, dtype="object")
        how = pd.Series("", index=people.index, dtype="object")
        unresolved = pd.Series(True, index=people.index)

        def lookup(tier: str, key: pd.Series, check_email: bool) -> None:
            nonlocal member, how, unresolved
            todo = unresolved & key.notna()
            if not todo.any():
                return
            lut = _candidates(table, key[todo])
            cands = key[todo].map(lut)
            count = cands.map(lambda c: len(c) if isinstance(c, tuple) else 0)
            one = count == 1
            chosen = cands[one].map(lambda c: c[0])
            if check_email and len(chosen):
                has_email = email[chosen.index].notna()
                known = _emails_of(table)
                other = chosen.map(lambda m: known.get(m, frozenset()))
                clash = has_email & other.map(bool).astype(bool) & ~pd.Series(
                    [e in o for e, o in zip(email[chosen.index], other, strict=True)],
                    index=chosen.index, dtype=bool)
                for i in clash[clash].index:
                    log.note(f"same name as member {chosen[i]!r} but a different email; kept "
                             f"apart (add the email to the alias table if they are one person)",
                             "name", raw_name[i], row=_row(row_numbers, i))
                chosen = chosen[~clash]
            member[chosen.index] = chosen
            how[chosen.index] = tier
            unresolved[chosen.index] = False
            many = count > 1
            for i in many[many].index:
                if how[i] == "ambiguous":
                    continue
                how[i] = "ambiguous"
                log.note(f"{tier} matches several members ({', '.join(cands[i])}); not merged",
                         tier, str(key[i]).split(":", 1)[-1], row=_row(row_numbers, i))

        def learn(ids: pd.Series) -> None:
            nonlocal table
            new = []
            # a second name (e.g. a Zoom display name such as "Ben") is matched but not
            # learned: short display names would merge strangers later
            for tier in ("email", "platform", "name"):
                k = keys.loc[ids.index, tier].dropna()
                if len(k):
                    new.append(pd.DataFrame({"member_id": ids[k.index].astype("str"),
                                             "key": k}))
            if not new:
                return
            add = pd.concat(new, ignore_index=True).drop_duplicates()
            add = pd.DataFrame({"member_id": add["member_id"],
                                "kind": _before_colon(add["key"]),
                                "alias": _after_colon(add["key"]), "origin": "data"})
            table = _dedupe(pd.concat([table, add], ignore_index=True))

        for phase in range(3):
            if not unresolved.any():
                break
            lookup("email", keys["email"], False)
            lookup("platform", keys["platform"], False)
            lookup("name", keys["name"], True)
            lookup("name", keys["alt"], True)
            if known_ids is not None:
                ids = _text(known_ids).str.strip()
                blank = unresolved & keys.isna().all(axis=1) & ids.isin(set(
                    members["member_id"]))
                member[blank] = ids[blank]
                how[blank] = "id"
                unresolved &= ~blank
            matched = (~unresolved) & (how != "")
            learn(member[matched & (how != "id")])
            # new members: by email first, then platform id, then name
            tier = ("email", "platform", "name")[phase]
            key = keys[tier] if tier != "name" else keys["name"].fillna(keys["alt"])
            fresh = unresolved & key.notna()
            if fresh.any():
                new_ids, new_rows = self._create(people, fresh, key, raw_name, raw_alt, email,
                                                 members)
                members = pd.concat([members, new_rows], ignore_index=True)
                member[fresh] = new_ids
                amb = fresh & (how == "ambiguous") & (phase == 2)
                for i in amb[amb].index:
                    log.add(_row(row_numbers, i), "name", raw_name[i],
                            f"ambiguous name added as a separate unmatched member "
                            f"{member[i]!r}; fix in the alias table")
                how[fresh & ~amb] = "new"
                unresolved &= ~fresh
                learn(member[fresh & ~amb])
        # nothing to identify the person by
        rest = unresolved & member.isna()
        if known_ids is not None:
            ids = _text(known_ids).str.strip()
            have = rest & ids.notna()
            if have.any():
                member[have] = ids[have]
                how[have] = "id"
                absent = have & ~ids.isin(set(members["member_id"]))
                if absent.any():
                    members = pd.concat([members, pd.DataFrame({
                        "member_id": ids[absent].drop_duplicates().astype("str"),
                        "unmatched": pd.array([True] * int(ids[absent].nunique()),
                                              dtype="boolean")})], ignore_index=True)
        new = how == "new"
        if note_unmatched:
            firsts = member[new].drop_duplicates()
            for i in firsts.index:
                log.add(_row(row_numbers, i), "email" if email[i] == email[i] else "name",
                        email[i] if email[i] == email[i] else raw_name[i],
                        "not on the roster: add them or give an alias (kept as a guest, "
                        "never counted as a member)")
        elif new.any() and quiet is False:
            log.note(f"no roster given: {member[new].nunique()} people found in the data, each "
                     f"added as an unmatched member")
        member.index = index
        how.index = index
        out = Identities(members=members.reset_index(drop=True), aliases=table)
        q = log.result()
        return Resolution(member.astype("str"), how.astype("str"), out,
                          DataQuality(issues=q.issues))

    def _create(self, people, fresh, key, raw_name, raw_alt, email, members):
        """New member ids for the observations in ``fresh``, one per distinct ``key``."""
        first = key[fresh].drop_duplicates()
        shown = display_names(raw_name[first.index])
        shown = shown.fillna(display_names(raw_alt[first.index]))
        base = slugify(shown.fillna(email[first.index].str.replace(r"@.*$", "", regex=True))
                     .fillna(_after_colon(key[first.index])))
        taken = set(members["member_id"].astype("str"))
        ids = []
        for b in base:
            cand, k = b, 1
            while cand in taken:
                k += 1
                cand = f"{b}-{k}"
            taken.add(cand)
            ids.append(cand)
        lut = dict(zip(first.to_numpy(), ids, strict=True))
        new_rows = pd.DataFrame({"member_id": pd.Series(ids, dtype="str"),
                                 "name": shown.to_numpy(),
                                 "email": email[first.index].to_numpy(),
                                 "unmatched": pd.array([True] * len(ids), dtype="boolean")})
        if "org" in people.columns:
            org = people["org"].where(fresh).groupby(key.where(fresh)).first()
            new_rows["org"] = first.map(org).to_numpy()
        return key[fresh].map(lut), new_rows


# ------------------------------------------------------------------------ helpers
def _items(values: pd.Series, sep: str) -> pd.Series:
    """Non-empty items of a ``sep``-joined text column, one a row (index repeated)."""
    s = _text(values).str.split(sep, regex=len(sep) > 1).explode()
    s = _text(s).str.strip()
    return s[s.notna() & (s != "")]


def _before_colon(s: pd.Series) -> pd.Series:
    return s.astype("str").str.replace(r":.*$", "", regex=True)


def _after_colon(s: pd.Series) -> pd.Series:
    return s.astype("str").str.replace(r"^[^:]*:", "", regex=True)


def _row(rows: np.ndarray, i: int) -> int | None:
    r = int(rows[i]) if len(rows) > i else -1
    return r if r >= 0 else None


def _all_unmatched(members: pd.DataFrame) -> bool:
    if "unmatched" not in members.columns:
        return False
    return bool(members["unmatched"].fillna(False).astype(bool).all())


def _normalise_alias(kind: pd.Series, alias: pd.Series) -> pd.Series:
    out = alias.str.strip()
    is_email = (kind == "email").to_numpy()
    is_name = (kind == "name").to_numpy()
    out = out.where(~is_email, normalize_emails(alias).to_numpy())
    out = out.where(~is_name, normalize_names(alias).to_numpy())
    return out.where(out.notna() & (out != ""), np.nan)


def _aliases_of(members: pd.DataFrame, *, origin: str) -> pd.DataFrame:
    parts = []
    ids = members["member_id"].astype("str")
    if "email" in members.columns:
        e = _items(members["email"], r"[;,]")
        e = normalize_emails(e).dropna()
        parts.append(pd.DataFrame({"member_id": ids[e.index].to_numpy(), "kind": "email",
                                   "alias": e.to_numpy()}))
    if "name" in members.columns:
        n = normalize_names(members["name"]).where(~is_unidentifiable(members["name"]),
                                                   np.nan).dropna()
        parts.append(pd.DataFrame({"member_id": ids[n.index].to_numpy(), "kind": "name",
                                   "alias": n.to_numpy()}))
    if "aliases" in members.columns:
        a = _items(members["aliases"], ";")
        a = a[a.notna() & a.str.contains(":", regex=False)]
        kind = _before_colon(a).str.strip().str.lower()
        value = _normalise_alias(kind, _after_colon(a))
        parts.append(pd.DataFrame({"member_id": ids[a.index].to_numpy(),
                                   "kind": kind.to_numpy(), "alias": value.to_numpy()}))
    if not parts:
        return _empty_aliases()
    out = pd.concat(parts, ignore_index=True).dropna(subset=["alias"])
    out["origin"] = origin
    return out[ALIAS_COLUMNS].astype("str")


def _dedupe(table: pd.DataFrame) -> pd.DataFrame:
    table = table.dropna(subset=["alias", "member_id"])
    return table.drop_duplicates(["member_id", "kind", "alias"]).reset_index(drop=True)[
        ALIAS_COLUMNS].astype("str")


def _candidates(table: pd.DataFrame, keys: pd.Series) -> dict[str, tuple[str, ...]]:
    """key ``kind:alias`` -> member ids carrying it (only for the keys asked)."""
    if table.empty:
        return {}
    full = table["kind"] + ":" + table["alias"]
    want = full.isin(set(keys.dropna()))
    sub = table.loc[want].assign(key=full[want])
    return {k: tuple(dict.fromkeys(g)) for k, g in sub.groupby("key", sort=False)["member_id"]}


def _emails_of(table: pd.DataFrame) -> dict[str, frozenset]:
    e = table[table["kind"] == "email"]
    return {k: frozenset(g) for k, g in e.groupby("member_id")["alias"]}
