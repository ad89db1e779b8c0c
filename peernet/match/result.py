"""``MatchResult``: the pairs or groups a coordinator hands out, and the workbook to send.

Ids by default; names and emails only when asked for (``to_excel(path, names=True)``,
CLI ``--names``): a shared file never carries personal data unless the coordinator decides so.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .formats import introductions
from .plans import invitations

__all__ = ["MatchResult", "member_labels"]


def member_labels(members: pd.DataFrame) -> pd.DataFrame:
    """``member_id, name, email`` of the roster (empty strings where unknown)."""
    out = pd.DataFrame({"member_id": members["member_id"].astype("str")})
    for col in ("name", "email"):
        out[col] = (members[col].astype("string").fillna("").to_numpy()
                    if col in members.columns else "")
    return out.reset_index(drop=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame()


@dataclass(frozen=True)
class MatchResult:
    """Suggested pairs (``pn.match``) or groups (``pn.groups``), with what explains them.

    Attributes
    ----------
    pairs : DataFrame
        One row a suggested pair, ``seeker`` and ``peer`` first (empty for groups).
    groups : DataFrame
        One row a group: topic, members, convener, proposed first date, format, problem to
        bring, reasons. For ``pn.match``: the seekers who share a peer and a need.
    members : DataFrame
        ``pn.groups``: one row a grouped member (group, role expert/learner, level, ...).
    seekers, unserved : DataFrame
        ``pn.match``: every seeker with counts; those with no suggestion and why.
    left_out : DataFrame
        ``pn.groups``: members not placed in a group, and why.
    levels : DataFrame
        Every roster member's inferred level and the evidence (``source``).
    params : dict
        The arguments of the call.
    """

    pairs: pd.DataFrame = field(default_factory=_empty)
    groups: pd.DataFrame = field(default_factory=_empty)
    seekers: pd.DataFrame = field(default_factory=_empty)
    unserved: pd.DataFrame = field(default_factory=_empty)
    members: pd.DataFrame = field(default_factory=_empty)
    left_out: pd.DataFrame = field(default_factory=_empty)
    levels: pd.DataFrame = field(default_factory=_empty)
    people: pd.DataFrame = field(default_factory=_empty, repr=False)
    params: dict[str, Any] = field(default_factory=dict)
    kind: str = "pairs"

    def __len__(self) -> int:
        return len(self.pairs) if self.kind == "pairs" else len(self.groups)

    def __repr__(self) -> str:
        s = self.summary()
        body = ", ".join(f"{k}={v}" for k, v in s.items() if not isinstance(v, float))
        return f"MatchResult({self.kind}: {body})"

    # ------------------------------------------------------------------ numbers
    def summary(self) -> pd.Series:
        """The result in numbers: served and unserved, the share of pairs across regions,
        formats, and how levels were inferred (one value a measure)."""
        out: dict[str, Any] = {}
        if self.kind == "pairs":
            p = self.pairs
            out["seekers"] = len(self.seekers)
            out["served"] = len(self.seekers) - len(self.unserved)
            out["unserved"] = len(self.unserved)
            out["pairs"] = len(p)
            known = p["same_region"].notna() if len(p) else pd.Series(dtype=bool)
            cross = int((~p.loc[known, "same_region"].astype(bool)).sum()) if len(p) else 0
            out["cross_region_pairs"] = cross
            out["cross_region_share"] = round(cross / int(known.sum()), 3) \
                if len(p) and known.sum() else float("nan")
            out["pairs_without_shared_language"] = int((p["shared_language"] == "").sum()) \
                if len(p) else 0
            out["pairs_across_levels"] = int((p["seeker_level"] != p["peer_level"]).sum()) \
                if len(p) else 0
            out["pairs_already_known"] = int(p["known"].sum()) if len(p) else 0
            fmt = p["format"] if len(p) else pd.Series(dtype="str")
        else:
            g = self.groups
            out["groups"] = len(g)
            out["members_grouped"] = len(self.members)
            out["left_out"] = len(self.left_out)
            out["groups_without_convener"] = int((g["convener"] == "").sum()) if len(g) else 0
            out["groups_without_date"] = int((g["first_date"] == "").sum()) if len(g) else 0
            out["chain_pairs_in_groups"] = int(g["chain_pairs"].sum()) if len(g) else 0
            fmt = g["format"] if len(g) else pd.Series(dtype="str")
        for f in ("training", "case study", "group problem solving"):
            out[f"format_{f.replace(' ', '_')}"] = int((fmt == f).sum())
        if len(self.levels):
            src = self.levels["source"].str.extract(r"^(\w+)")[0]
            for how in ("level", "title", "role", "sector", "default"):
                out[f"levels_from_{how}"] = int((src == how).sum())
        return pd.Series(out, name="value", dtype="object")

    def _repr_html_(self) -> str:
        s = self.summary().to_frame().to_html(escape=True)
        table = self.pairs if self.kind == "pairs" else self.groups
        cols = ([c for c in ("seeker", "peer", "topics", "shared_language", "format",
                             "reasons") if c in table.columns] if self.kind == "pairs" else
                [c for c in ("group", "topic", "size", "members", "convener", "first_date",
                             "format") if c in table.columns])
        head = table[cols].head(10).to_html(index=False, escape=True) if len(table) else ""
        return (f"<div><strong>MatchResult</strong> ({html.escape(self.kind)}, ids only; "
                f"names with <code>to_excel(path, names=True)</code>)"
                f"{s}{head}</div>")

    # ------------------------------------------------------------------ workbook
    def _labels(self, names: bool) -> dict[str, str]:
        if not names or self.people.empty:
            return {}
        p = self.people
        return {m: n for m, n in zip(p["member_id"], p["name"], strict=True) if n}

    def introductions_table(self, *, names: bool = False) -> pd.DataFrame:
        """The introductions sheet: one row a pair (or a group), ready to send."""
        labels = self._labels(names)
        people = self.people.set_index("member_id") if len(self.people) else None

        def person(ids: pd.Series, what: str) -> pd.Series:
            if people is None or what not in people.columns:
                return pd.Series("", index=ids.index, dtype="str")
            return pd.Series(people[what].reindex(ids).fillna("").to_numpy(), index=ids.index,
                             dtype="str")

        if self.kind == "pairs":
            p = self.pairs
            t = pd.DataFrame({"pair": range(1, len(p) + 1), "seeker": p["seeker"],
                              "peer": p["peer"]})
            if names:
                for who in ("seeker", "peer"):
                    t[f"{who}_name"] = person(p[who], "name")
                    t[f"{who}_email"] = person(p[who], "email")
            t["seeker_org"] = p["seeker_org"]
            t["peer_org"] = p["peer_org"]
            t["level"] = p["seeker_level"].where(p["seeker_level"] == p["peer_level"],
                                                 p["seeker_level"] + " / " + p["peer_level"])
            t["shared_language"] = p["shared_language"]
            t["regions"] = p["seeker_region"].where(
                p["seeker_region"] == p["peer_region"],
                p["seeker_region"] + " / " + p["peer_region"])
            t["shared_needs_and_expertise"] = p["topics"].str.replace("_", " ")
            t["evidence_problems_solved"] = p["evidence"]
            t["format"] = p["format"]
            t["problem_to_bring"] = p["problem_to_bring"]
            t["why_this_format"] = p["format_reason"]
            t["why_this_pair"] = p["reasons"]
            t["draft_introduction"] = introductions(p, labels) if names else p["introduction"]
            return t.reset_index(drop=True)
        g = self.groups
        t = pd.DataFrame({"group": g["group"], "topic": g["topic"].str.replace("_", " "),
                          "size": g["size"], "members": g["members"]})
        if names and people is not None:
            for what in ("name", "email"):
                if what in people.columns:
                    t[f"member_{what}s"] = g["members"].map(
                        lambda s, w=what: "; ".join(str(people[w].get(m, "")) or m
                                                    for m in s.split("; ")))
        for col in ("language", "level", "convener", "convener_reason", "first_date",
                    "meeting_slot", "date_reason", "format", "problem_to_bring",
                    "format_reason", "n_orgs", "n_sectors"):
            if col in g.columns:
                t[col] = g[col]
        t["draft_invitation"] = invitations(g, labels) if names else g["invitation"]
        return t.reset_index(drop=True)

    def _with_names(self, df: pd.DataFrame) -> pd.DataFrame:
        """``df`` with the name and email of its member column (``seeker`` or ``member_id``)
        inserted after it."""
        key = "seeker" if "seeker" in df.columns else "member_id"
        if key not in df.columns or df.empty:
            return df
        people = self.people.set_index("member_id")
        out = df.copy()
        at = list(out.columns).index(key) + 1
        for j, what in enumerate(("name", "email")):
            out.insert(at + j, what, people[what].reindex(out[key]).fillna("").to_numpy())
        return out

    def to_excel(self, path: str | Path, *, names: bool = False) -> Path:
        """Write the introductions workbook a coordinator sends.

        Sheets: ``Introductions`` (one row a pair or group: who, shared needs and expertise,
        evidence, format, problem to bring, a draft introduction), ``Groups`` (pairs only,
        when seekers share a peer), ``Unserved`` or ``Left out`` (and why), ``Levels`` (the
        inferred levels and their evidence) and ``About`` (the summary and the settings).

        Parameters
        ----------
        path : str or Path
            The ``.xlsx`` file to write (its folder must exist).
        names : bool, default False
            Add names and emails and write the introductions with names. Off by default: a
            file that travels carries member ids only.

        Returns
        -------
        Path
        """
        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            raise ValueError(f"to_excel: path must end in .xlsx; got {path.name!r}")
        if not path.parent.is_dir():
            raise ValueError(f"to_excel: folder not found: {path.parent}")
        intro = self.introductions_table(names=names)
        sheets: list[tuple[str, pd.DataFrame]] = [("Introductions", intro)]
        if self.kind == "pairs":
            if len(self.groups):
                sheets.append(("Groups", self.groups))
            sheets.append(("Unserved", self.unserved))
        else:
            sheets.append(("Members", self.members))
            sheets.append(("Left out", self.left_out))
        lv = self.levels.drop(columns=["rank"], errors="ignore")
        sheets.append(("Levels", lv))
        about = self.summary().astype("str").reset_index()
        about.columns = ["measure", "value"]
        settings = pd.DataFrame({"measure": [f"setting: {k}" for k in self.params],
                                 "value": [str(v) for v in self.params.values()]})
        note = pd.DataFrame({"measure": ["names and emails"],
                             "value": ["included (--names)" if names else
                                       "not included: member ids only (use --names)"]})
        sheets.append(("About", pd.concat([note, about, settings], ignore_index=True)))
        if names and len(self.people):
            sheets = [(n, d if n in ("Introductions", "About", "Groups")
                       else self._with_names(d)) for n, d in sheets]
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            for name, df in sheets:
                df.to_excel(xw, sheet_name=name, index=False)
                _style(xw.sheets[name], df)
        return path


def _style(ws: Any, df: pd.DataFrame) -> None:
    """Bold frozen header, readable widths, wrapped long text."""
    from openpyxl.styles import Alignment, Font

    ws.freeze_panes = "A2"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for j, col in enumerate(df.columns, 1):
        values = df[col].astype("str")
        longest = max([len(str(col)), *values.str.len().tolist()]) if len(df) else len(col)
        width = min(60, max(8, longest + 2))
        letter = ws.cell(row=1, column=j).column_letter
        ws.column_dimensions[letter].width = width
        if longest > 60:
            for cell in ws[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
