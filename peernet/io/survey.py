"""Member surveys: Qualtrics and Google Forms roster questions, and plain long tables.

A roster survey asks each respondent to rate every partner on a few items. Survey tools
export it wide, one row a respondent and one column a partner and item: Qualtrics writes
``Reliability - Valley Clinic`` in its second header row (three header rows in all), Google
Forms writes ``Reliability [Valley Clinic]``. :func:`read_survey` turns either, or a long
table of one rating a row, into peernet's ``surveys`` table (``respondent, about, item, value,
wave, scale_min, scale_max, date, about_level``), matching respondents and partners to the
roster through :class:`peernet.io.identity.Identities`.

Nothing is guessed: answer labels map to numbers through an explicit mapping (``labels=``),
questions map to item names through ``items=``; an unknown label, an unknown partner, a
self-rating, a preview or spam response is a row in ``net.quality``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError
from ..network import PeerNetwork
from ..quality import QualityLog
from ..schema import SURVEY_LEVELS, parse_datetimes
from ._text import read_csv_text, read_table_file, read_text
from .identity import Identities, display_names, normalize_names
from .survey_items import (
    item_key,
    label_values,
)
from .survey_items import item_map as build_item_map
from .survey_items import label_map as build_label_map

__all__ = ["read_survey"]

_DROP_STATUS = {"survey preview", "survey test", "spam", "preview spam", "imported spam",
                "1", "2", "8", "9", "12"}
_META = ("StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
         "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
         "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
         "DistributionChannel", "UserLanguage", "Timestamp", "Email Address", "Email address",
         # the respondent columns of peernet's own template (peernet.survey_template)
         "member_id", "name", "org", "date", "nombre", "organización", "fecha")
_ID_COLUMNS = ("ExternalReference", "member_id", "respondent", "respondent_id")
_EMAIL_COLUMNS = ("RecipientEmail", "Email Address", "Email address", "email", "Email",
                  "E-mail")
_NAME_COLUMNS = ("name", "Name", "Your name", "respondent_name", "nombre")
_TIME_COLUMNS = ("RecordedDate", "EndDate", "Timestamp", "StartDate", "date", "fecha")
_LONG_REQUIRED = ("respondent", "about", "item", "value")


def _check_args(format, scale, about_level, errors) -> None:
    if format not in ("wide", "long"):
        raise ValueError(f"format must be 'wide' or 'long'; got {format!r}")
    if about_level not in ("member", "org", None):
        raise ValueError(f"about_level must be 'member', 'org' or None (decided from the "
                         f"partners); got {about_level!r}")
    if errors not in ("report", "raise"):
        raise ValueError(f"errors must be 'report' or 'raise'; got {errors!r}")
    try:
        lo, hi = (float(scale[0]), float(scale[1]))
    except (TypeError, ValueError, IndexError) as err:
        raise ValueError(f"scale must be a pair (min, max) like (1, 4); got {scale!r}") from err
    if not lo < hi:
        raise ValueError(f"scale must be a pair (min, max) with min < max; got {scale!r}")


def _read_raw(path, file: str, log: QualityLog) -> tuple[pd.DataFrame, np.ndarray]:
    if isinstance(path, pd.DataFrame):
        df = path.copy()
        df.columns = [str(c).strip() for c in df.columns]
        return df.astype("str").where(df.notna(), np.nan), np.arange(2, len(df) + 2)
    p = Path(path)
    if p.suffix.lower() in (".csv", ".txt", ".tsv"):
        return read_csv_text(read_text(p, log), file=file, log=log,
                             delimiter="\t" if p.suffix.lower() == ".tsv" else None)
    return read_table_file(p, log)


# ------------------------------------------------------------------------ wide exports
def _header_rows(df: pd.DataFrame, rows: np.ndarray
                 ) -> tuple[pd.DataFrame, np.ndarray, list[str], dict[str, str]]:
    """Strip Qualtrics' second and third header rows; return body, rows, question text of
    each column and the time zone named in the ImportId row (per column)."""
    questions = list(df.columns)
    zones: dict[str, str] = {}

    def import_row(i: int) -> bool:
        if len(df) <= i:
            return False
        cells = df.iloc[i].astype("str")
        return bool(cells.str.contains('"ImportId"', regex=False, na=False).mean() > 0.5)

    if import_row(1):  # tags, question text, ImportIds
        questions = [str(q).strip() if pd.notna(q) else c
                     for c, q in zip(df.columns, df.iloc[0], strict=True)]
        for c, cell in zip(df.columns, df.iloc[1], strict=True):
            if isinstance(cell, str) and "timeZone" in cell:
                try:
                    zones[c] = json.loads(cell)["timeZone"]
                except (ValueError, KeyError, TypeError):
                    pass
        return df.iloc[2:].reset_index(drop=True), rows[2:], questions, zones
    if import_row(0):  # question text row removed
        return df.iloc[1:].reset_index(drop=True), rows[1:], questions, zones
    if "ResponseId" in df.columns and len(df) and str(df["ResponseId"].iloc[0]) == "Response ID":
        questions = [str(q).strip() if pd.notna(q) else c
                     for c, q in zip(df.columns, df.iloc[0], strict=True)]
        return df.iloc[1:].reset_index(drop=True), rows[1:], questions, zones
    return df, rows, questions, zones


_BRACKET = re.compile(r"^(?P<q>.*\S)\s*\[(?P<p>[^\[\]]+)\]\s*$")


def _split_questions(columns: Sequence[str], questions: Sequence[str],
                     item_map: dict[str, str]) -> pd.DataFrame:
    """For each column: item name, partner label (NaN for items about the network), or skip.

    ``Question - Partner`` (Qualtrics) and ``Question [Partner]`` (Google Forms) are split at
    the end of a known question label, so partner names may contain `` - ``."""
    labels = sorted(item_map, key=len, reverse=True)
    out = []
    for col, text in zip(columns, questions, strict=True):
        key = item_key([text])[0]
        item = partner = None
        if key in item_map:
            item = item_map[key]
        else:
            m = _BRACKET.match(text)
            if m and item_key([m["q"]])[0] in item_map:
                item, partner = item_map[item_key([m["q"]])[0]], m["p"].strip()
            else:
                for label in labels:
                    if key.startswith(label + " - ") or key.startswith(label + " -"):
                        rest = text.strip()[len(label):]
                        partner = re.sub(r"^\s*-\s*", "", rest).strip()
                        item = item_map[label]
                        break
        out.append({"column": col, "question": text, "item": item, "partner": partner})
    return pd.DataFrame(out)


def _first_column(df: pd.DataFrame, names: Sequence[str]) -> str | None:
    lower = {str(c).strip().casefold(): c for c in df.columns}
    for n in names:
        if n.casefold() in lower:
            return lower[n.casefold()]
    return None


def _respondent_people(df: pd.DataFrame, respondent: str | None, file: str) -> pd.DataFrame:
    """What identifies each respondent: ``id``, ``email``, ``name`` columns."""
    people = pd.DataFrame(index=df.index)
    if respondent is not None:
        if respondent not in df.columns:
            raise DataError(f"respondent column {respondent!r} not found; columns are "
                            f"{list(map(str, df.columns))[:20]}", file=file, column=respondent)
        v = df[respondent].astype("str").str.strip()
        is_email = v.str.contains("@", regex=False, na=False)
        people["id"] = v.where(~is_email)
        people["email"] = v.where(is_email)
        people["name"] = v.where(~is_email)
        return people
    idc = _first_column(df, _ID_COLUMNS)
    emc = _first_column(df, _EMAIL_COLUMNS)
    nmc = _first_column(df, _NAME_COLUMNS)
    if idc is not None:
        people["id"] = df[idc].astype("str").str.strip()
    if emc is not None:
        people["email"] = df[emc]
    if nmc is not None:
        people["name"] = df[nmc]
    elif {"RecipientFirstName", "RecipientLastName"} <= set(df.columns):
        people["name"] = (df["RecipientFirstName"].fillna("") + " "
                          + df["RecipientLastName"].fillna("")).str.strip().replace("", np.nan)
    if people.empty or people.isna().all(axis=None):
        raise DataError("cannot tell who answered: no ExternalReference, member_id, "
                        "RecipientEmail, 'Email Address' or name column. Pass respondent= the "
                        "column that identifies the respondent", file=file)
    return people


def _resolve_respondents(ids: Identities, people: pd.DataFrame, file: str,
                         rows: np.ndarray):
    """Member id per respondent row: a roster member_id first (ExternalReference), then the
    identity table (email, then normalised name). Unknown people become unmatched members."""
    known = set(ids.members["member_id"].astype("str"))
    direct = people["id"].where(people["id"].isin(known)) if "id" in people else \
        pd.Series(np.nan, index=people.index, dtype="object")
    out = direct.astype("object")
    rest = out.isna()
    res = None
    if rest.any():
        sub = people.loc[rest, [c for c in ("email", "name", "id") if c in people.columns]]
        res = ids.assign(sub, source=file, rows=rows[rest.to_numpy()])
        out[rest] = res.member_id.to_numpy()
        ids = res.identities
    return out.astype("str"), ids, (res.quality if res is not None else None)


def _partner_level(ids: Identities, labels: pd.Series, roster_given: bool,
                   log: QualityLog) -> str:
    """``org`` when the partners rated are the roster's organizations and not its members
    (recorded), else ``member`` (with a hint when some partners are organizations)."""
    m = ids.members
    if not roster_given or "org" not in m.columns or labels.empty:
        return "member"
    key = normalize_names(labels)
    orgs = set(normalize_names(m["org"].dropna().astype("str")).dropna())
    people = set(normalize_names(m["name"].dropna().astype("str")).dropna()) \
        if "name" in m.columns else set()
    people |= set(m["member_id"].astype("str").str.lower())
    n_org = int(key.isin(orgs).sum())
    n_member = int(key.isin(people).sum())
    if n_org and n_org > n_member:
        log.note(f"{n_org} of {len(labels)} partners rated are organizations on the roster "
                 f"(and not members): read as ratings of organizations (about_level='org')",
                 column="about_level")
        return "org"
    if n_org:
        log.note(f"{n_org} of {len(labels)} partners rated are organizations on the roster: "
                 f"pass about_level='org' if the survey rates organizations",
                 column="about_level")
    return "member"


def _resolve_partners(ids: Identities, labels: pd.Series, about_level: str,
                      roster_given: bool) -> tuple[pd.Series, pd.Series, Identities]:
    """Member id (or org name) per partner label, and why a label was not matched."""
    labels = labels.astype("str").str.strip()
    m = ids.members
    if about_level == "org":
        orgs = (pd.Series(pd.unique(m["org"].dropna().astype("str"))) if "org" in m.columns
                else pd.Series([], dtype="str"))
        lut = dict(zip(normalize_names(orgs), orgs, strict=True))
        out = normalize_names(labels).map(lut)
        out.index = labels.index
        why = pd.Series(np.where(out.isna(), "not an organization on the roster", ""),
                        index=labels.index)
        if not roster_given:
            out, why = labels.copy(), pd.Series("", index=labels.index)
        return out, why, ids
    # a member id, then the exact display name on the roster, then the identity table
    out = labels.where(labels.isin(set(m["member_id"].astype("str")))).astype("object")
    if "name" in m.columns:
        shown = display_names(m["name"])
        unique = shown[~shown.duplicated(keep=False)]
        lut = dict(zip(unique, m.loc[unique.index, "member_id"].astype("str"), strict=True))
        exact = display_names(labels).map(lut)
        exact.index = labels.index
        out = out.fillna(exact)
    why = pd.Series("", index=labels.index, dtype="object")
    rest = out.isna()
    if rest.any():
        res = ids.assign(pd.DataFrame({"name": labels[rest]}), note_unmatched=False)
        how = res.matched_by
        ok = how.isin(["email", "platform", "name", "id"])
        if not roster_given:
            ok |= how == "new"
        out[rest] = res.member_id.where(ok.to_numpy()).to_numpy()
        why[rest] = np.where(how == "ambiguous", "matches several members (ambiguous name)",
                             np.where(ok, "", "not on the roster"))
        if not roster_given:
            ids = res.identities
    return out.astype("object"), why, ids


def _wide_to_long(df: pd.DataFrame, rows: np.ndarray, *, file: str, log: QualityLog,
                  ids: Identities, roster_given: bool, item_map, label_map, scale, wave,
                  about_level, tz, respondent, finished_only, format_name, dayfirst=False):
    df, rows, questions, zones = _header_rows(df, rows)
    spec = _split_questions(list(df.columns), questions, item_map)
    rated = spec[spec["item"].notna()]
    if rated.empty:
        found = [q for q in questions if q not in _META][:8]
        long_hint = (" It looks like a long table: pass format='long'."
                     if set(_LONG_REQUIRED) <= set(df.columns) else "")
        raise DataError(f"no survey questions recognised; question columns start {found}. "
                        f"Map question text to item names with items={{'<question>': "
                        f"'<item>'}}.{long_hint}", file=file)
    skipped = spec[spec["item"].isna() & ~spec["column"].isin(_META)
                   & ~spec["question"].isin(["Response ID", "Recipient Email"])]
    for q in pd.unique(skipped["question"]):
        log.note("question not read (not in items=)", column=None, value=q)
    log.read(len(df))
    # responses that are not real answers
    drop = np.zeros(len(df), bool)
    if "Status" in df.columns:
        bad = item_key(df["Status"].fillna("")).isin(_DROP_STATUS).to_numpy()
        log.many(rows[bad], "Status", df.loc[bad, "Status"], "survey preview, test or spam "
                 "response", "dropped")
        drop |= bad
    if "Finished" in df.columns:
        unfinished = item_key(df["Finished"].fillna("true")).isin(["false", "0"]).to_numpy() & ~drop
        if finished_only:
            log.many(rows[unfinished], "Finished", df.loc[unfinished, "Finished"],
                     "unfinished response (finished_only=True)", "dropped")
            drop |= unfinished
        elif unfinished.any():
            log.note(f"{int(unfinished.sum())} unfinished response(s) kept; pass "
                     f"finished_only=True to leave them out", column="Finished")
    # the ratings, one row a non-empty cell
    cells = df[list(rated["column"])]
    long = cells.set_axis(range(cells.shape[1]), axis=1).stack(future_stack=True).dropna()
    long = long[long.astype("str").str.strip() != ""]
    pos = long.index.get_level_values(0).to_numpy()
    col = long.index.get_level_values(1).to_numpy()
    answered = np.bincount(np.asarray(pos, dtype=np.intp), minlength=len(df)) > 0
    empty = ~answered & ~drop
    log.many(rows[empty], None, [""] * int(empty.sum()), "no answers (opened the survey, "
             "answered nothing): counted as a non-respondent", "dropped")
    drop |= empty
    # who answered
    people = _respondent_people(df, respondent, file)
    who, ids, res_quality = _resolve_respondents(ids, people[~drop], file, rows[~drop])
    member = pd.Series(np.nan, index=df.index, dtype="object")
    member[~drop] = who.to_numpy()
    # when
    tcol = _first_column(df, _TIME_COLUMNS)
    when = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    if tcol is not None:
        when, bad_time = parse_datetimes(df[tcol], zones.get(tcol, tz), dayfirst=dayfirst)
        log.many(rows[bad_time & ~drop], tcol, df.loc[bad_time & ~drop, tcol],
                 "cannot read as a date; response kept without a date", "repaired")
    # a member who answered twice: keep the last response
    order = when.fillna(pd.Timestamp.min.tz_localize("UTC")).to_numpy()
    frame = pd.DataFrame({"member": member, "when": order, "pos": np.arange(len(df))})
    frame = frame[~drop].sort_values(["when", "pos"])
    dup = frame["member"].duplicated(keep="last")
    dpos = frame.loc[dup, "pos"].to_numpy()
    log.many(rows[dpos], None, member[dpos], "second response by the same member; the later "
             "one is kept", "dropped")
    drop[dpos] = True
    keep_cell = ~drop[pos]
    long, pos, col = long[keep_cell], pos[keep_cell], col[keep_cell]
    item = rated["item"].to_numpy()[col]
    partner_label = rated["partner"].to_numpy()[col]
    value, unknown = label_values(long.reset_index(drop=True), label_map)
    # partners
    labels = pd.Series(pd.unique(rated["partner"].dropna()), dtype="str")
    if about_level is None:
        about_level = _partner_level(ids, labels, roster_given, log)
    about, why, ids = _resolve_partners(ids, labels, about_level, roster_given)
    plut = dict(zip(labels, about, strict=True))
    wlut = dict(zip(labels, why, strict=True))
    about_cell = pd.Series(partner_label, dtype="object").map(plut)
    is_net = pd.isna(partner_label)
    bad_partner = ~is_net & about_cell.isna().to_numpy()
    for label in labels[why.to_numpy() != ""]:
        n = int((partner_label == label).sum())
        colnames = rated.loc[rated["partner"] == label, "column"].tolist()
        log.drop(None, str(colnames[0]), label, f"partner {label!r} {wlut[label]}: its {n} "
                 f"rating(s) in {len(colnames)} column(s) not read")
    rater = member.to_numpy()[pos]
    if about_level == "org":
        rater_org = ids.members.set_index("member_id")["org"] if "org" in ids.members else \
            pd.Series(dtype="str")
        self_rating = (pd.Series(rater).map(rater_org).to_numpy() == about_cell.to_numpy())
    else:
        self_rating = rater == about_cell.to_numpy()
    self_rating &= ~bad_partner
    colname = np.asarray([c if c == q else f"{c} ({q})" for c, q in zip(
        rated["column"], rated["question"], strict=True)], dtype=object)[col]
    rows_cell = rows[pos]
    log.many(rows_cell[self_rating], None, colname[self_rating],
             "self-rating left out (respondents rate others only)", "repaired")
    unknown &= ~bad_partner & ~self_rating
    raw = long.to_numpy()
    for label in pd.unique(raw[unknown]):
        hit = unknown & (raw == label)
        log.many(rows_cell[hit], None, [f"{c}: {label}" for c in colname[hit]],
                 f"unknown answer label {label!r}: not read; map it with labels={{{label!r}: "
                 f"<number>}}", "repaired")
    lo, hi = float(scale[0]), float(scale[1])
    v = value.to_numpy()
    outside = ~unknown & ~bad_partner & ~self_rating & ((v < lo) | (v > hi))
    log.many(rows_cell[outside], None, [f"{c}: {x:g}" for c, x in zip(colname[outside],
                                                                         v[outside],
                                                                         strict=True)],
             f"rating outside the scale {lo:g}-{hi:g}: not read", "repaired")
    ok = ~(bad_partner | self_rating | unknown | outside)
    level = np.where(is_net, "network", about_level)
    out = pd.DataFrame({"respondent": rater[ok], "about": about_cell.to_numpy()[ok],
                        "item": item[ok], "value": v[ok], "wave": None, "scale_min": lo,
                        "scale_max": hi, "date": when.to_numpy()[pos][ok],
                        "about_level": level[ok]})
    out["date"] = pd.to_datetime(out["date"], utc=True)
    kept = int((~drop).sum())
    log.kept(kept)
    if format_name:
        log.note(f"read as a {format_name} export", column=None)
    return out, rows_cell[ok], ids, res_quality


def _detect_format(df: pd.DataFrame) -> str:
    cols = set(map(str, df.columns))
    if {"ResponseId", "StartDate"} <= cols or "ExternalReference" in cols:
        return "Qualtrics"
    if "Timestamp" in cols:
        return "Google Forms"
    return ""


# ------------------------------------------------------------------------ long tables
def _long_to_long(df: pd.DataFrame, rows: np.ndarray, *, file: str, log: QualityLog,
                  ids: Identities, roster_given: bool, item_map, label_map, scale, wave,
                  about_level, tz, dayfirst=False):
    missing = [c for c in _LONG_REQUIRED if c not in df.columns]
    if missing:
        import difflib

        close = difflib.get_close_matches(missing[0], list(map(str, df.columns)), n=1)
        hint = f" Did you mean {close[0]!r}? Pass columns={{{close[0]!r}: {missing[0]!r}}}." \
            if close else ""
        raise DataError(f"required column {missing[0]!r} not found; a long survey table has "
                        f"columns respondent, about, item, value (wave, date optional); "
                        f"columns are {list(map(str, df.columns))}.{hint}", file=file,
                        column=missing[0])
    log.read(len(df))
    drop = np.zeros(len(df), bool)
    people = pd.DataFrame(index=df.index)
    r = df["respondent"].astype("str").str.strip()
    is_email = r.str.contains("@", regex=False, na=False)
    people["id"], people["email"], people["name"] = r.where(~is_email), r.where(is_email), \
        r.where(~is_email)
    empty_r = r.isna().to_numpy()
    log.many(rows[empty_r], "respondent", [""] * int(empty_r.sum()),
             "respondent is empty", "dropped")
    drop |= empty_r
    who, ids, res_quality = _resolve_respondents(ids, people[~drop], file, rows[~drop])
    rater = pd.Series(np.nan, index=df.index, dtype="object")
    rater[~drop] = who.to_numpy()
    # items
    item_text = df["item"].astype("str").str.strip()
    item = item_key(item_text).map(item_map)
    item.index = df.index
    item = item.fillna(item_text)
    empty_i = item.isna().to_numpy() & ~drop
    log.many(rows[empty_i], "item", [""] * int(empty_i.sum()), "item is empty", "dropped")
    drop |= empty_i
    # partners
    about_raw = df["about"].astype("str").str.strip()
    about_raw = about_raw.where(about_raw != "")
    lvl = (df["about_level"].astype("str").str.strip().str.lower()
           if "about_level" in df.columns else pd.Series(about_level, index=df.index))
    lvl = lvl.where(lvl.isin(SURVEY_LEVELS), about_level)
    lvl = lvl.where(about_raw.notna(), "network")
    about = pd.Series(np.nan, index=df.index, dtype="object")
    for level in ("member", "org"):
        sel = (lvl == level).to_numpy() & about_raw.notna().to_numpy() & ~drop
        if not sel.any():
            continue
        labels = pd.Series(pd.unique(about_raw[sel]), dtype="str")
        got, why, ids = _resolve_partners(ids, labels, level, roster_given)
        lut = dict(zip(labels, got, strict=True))
        wlut = dict(zip(labels, why, strict=True))
        about[sel] = about_raw[sel].map(lut).to_numpy()
        bad = sel & about.isna().to_numpy()
        reasons = about_raw[bad].map(wlut)
        for reason in pd.unique(reasons):
            hit = bad & (about_raw.map(wlut) == reason).to_numpy()
            log.many(rows[hit], "about", about_raw[hit], f"partner {reason}", "dropped")
        drop |= bad
    # self-ratings
    org_of = (ids.members.set_index("member_id")["org"] if "org" in ids.members.columns
              else pd.Series(dtype="str"))
    own = np.where(lvl == "org", rater.map(org_of).to_numpy(), rater.to_numpy())
    selfr = (own == about.to_numpy()) & about.notna().to_numpy() & ~drop
    log.many(rows[selfr], "about", about[selfr], "self-rating left out (respondents rate "
             "others only)", "dropped")
    drop |= selfr
    # values
    value, unknown = label_values(df["value"], label_map)
    unknown &= ~drop
    for label in pd.unique(df.loc[unknown, "value"]):
        hit = unknown & (df["value"] == label).to_numpy()
        log.many(rows[hit], "value", df.loc[hit, "value"], f"unknown answer label {label!r}: "
                 f"not read; map it with labels={{{label!r}: <number>}}", "dropped")
    drop |= unknown
    lo, hi = float(scale[0]), float(scale[1])
    smin = pd.to_numeric(df["scale_min"], errors="coerce") if "scale_min" in df.columns else \
        pd.Series(lo, index=df.index)
    smax = pd.to_numeric(df["scale_max"], errors="coerce") if "scale_max" in df.columns else \
        pd.Series(hi, index=df.index)
    waves = (df["wave"].astype("str").str.strip() if "wave" in df.columns
             else pd.Series(np.nan, index=df.index, dtype="str"))
    if wave is not None:
        waves = waves.fillna(str(wave))
    out = pd.DataFrame({"respondent": rater, "about": about, "item": item, "value": value,
                        "wave": waves, "scale_min": smin.fillna(lo), "scale_max": smax.fillna(hi),
                        "about_level": lvl})
    if "date" in df.columns:
        out["date"], bad_date = parse_datetimes(df["date"], tz, dayfirst=dayfirst)
        log.many(rows[bad_date & ~drop], "date", df.loc[bad_date & ~drop, "date"],
                 "cannot read as a date; rating kept without a date", "repaired")
    keep = ~drop
    extra = [c for c in df.columns if c not in out.columns and c not in ("about_level",)]
    out = pd.concat([out, df[extra]], axis=1)
    log.kept(int(keep.sum()))
    return out.loc[keep].reset_index(drop=True), rows[keep], ids, res_quality


# ------------------------------------------------------------------------ public
def read_survey(path: str | Path | pd.DataFrame, *, roster: Any = None,
                wave: str | int | None = None, items: Mapping[str, str] | None = None,
                scale: tuple[float, float] = (1, 4), format: str = "wide",
                labels: Mapping[str, float] | None = None, about_level: str | None = None,
                tz: str | None = None, identities: Any = None, respondent: str | None = None,
                columns: Mapping[str, str] | None = None, finished_only: bool = False,
                dayfirst: bool = False, errors: str = "report",
                name: str | None = None) -> PeerNetwork:
    """Read a roster survey export (Qualtrics, Google Forms, any wide CSV/XLSX, or a long table).

    Parameters
    ----------
    path : str, Path or DataFrame
        CSV or XLSX file (or an all-text DataFrame as read).
    roster : DataFrame, PeerNetwork or path, optional
        The members (``member_id``, ``name``, ``email``, ``org``, ...). Respondents and
        partners are matched to it; without it every person seen becomes an unmatched member.
    wave : str or int, optional
        The survey wave (``"2025"``). Default: the year of the first answer (wide), or the
        ``wave`` column (long).
    items : mapping, optional
        Question text -> item name, added to (and overriding) PARTNER's defaults
        (``Reliability`` -> ``reliability``, ``Support of mission`` -> ``mission``,
        ``Open to discussion`` -> ``openness``, ``Power/influence`` -> ``power``,
        ``Level of involvement`` -> ``involvement``, ``Resource contribution`` ->
        ``resources``; the Spanish questions of :func:`peernet.survey_template` too). In a
        wide export only mapped questions are read (others are listed in
        ``net.quality``); a question without a partner (``"I learned ..."``) becomes an item
        about the network. A long table's unknown item names are kept as given.
    scale : (min, max), default (1, 4)
        The rating scale; ratings outside it are reported and not read.
    format : {"wide", "long"}
        ``wide``: one row a respondent, one column a question x partner (Qualtrics
        ``Question - Partner`` with its three header rows, Google Forms ``Question [Partner]``).
        ``long``: one row a rating with columns ``respondent, about, item, value`` (optional
        ``wave, date, scale_min, scale_max, about_level``).
    labels : mapping, optional
        Answer text -> number. Default ``Not at all`` = 1, ``A small amount`` = 2, ``A fair
        amount`` = 3, ``A great deal`` = 4, and in Spanish ``Nada``, ``Un poco``, ``Bastante``,
        ``Mucho`` (case and spacing ignored). Numbers are read as numbers. Unknown labels are
        reported, never guessed.
    about_level : {"member", "org"} or None
        Whether partners are members (matched by member id, exact roster name, then the
        identity table's normalised name) or organizations (matched to the roster's ``org``).
        Default None: organizations when the partners of a wide export are the roster's
        organizations and not its members (recorded in ``quality``), else members.
    tz : str, optional
        Zone of naive answer times and of the network. Default: the zone Qualtrics names in
        its third header row, else UTC.
    identities : Identities, DataFrame or path, optional
        An alias table (see :class:`peernet.io.identity.Identities`).
    respondent : str, optional
        Column identifying the respondent (a member id, email or name). Default: the first of
        ``ExternalReference``, ``member_id``, ``respondent``, then ``RecipientEmail`` /
        ``Email Address``, then a name column.
    columns : mapping, optional
        Renames applied to the file's columns first (``{"rater": "respondent"}``).
    finished_only : bool, default False
        Leave out Qualtrics responses with ``Finished`` false.
    dayfirst : bool, default False
        Read answer times written day-first (``13/02/2025 10:00``, en-GB Google Forms); a
        day-first time is never guessed.
    errors : {"report", "raise"}
        Record and leave out bad rows (default) or raise one DataError listing them.
    name : str, optional
        Network name (default: the file name without extension).

    Returns
    -------
    PeerNetwork
        ``members`` (the roster plus unmatched respondents) and ``surveys``; ``quality``
        lists every response and rating left out and why: preview/spam responses, empty
        responses, repeated responses, unknown partners, ambiguous names, self-ratings,
        unknown answer labels, ratings off the scale, questions not read.

    Raises
    ------
    DataError
        The file cannot be read, no question is recognised, a long table lacks a required
        column, or (``errors="raise"``) any rating is bad.

    Examples
    --------
    >>> folder = pn.datasets.sample_path("riverbend")
    >>> roster = pd.read_csv(folder / "members.csv", dtype=str)
    >>> net = pn.read_survey(folder / "exports" / "survey_2025_qualtrics.csv", roster=roster,
    ...                      wave="2025", items={"I learned something I use in my work from "
    ...                      "this network": "learning"})
    >>> sorted(net.surveys["item"].unique())[:3]
    ['involvement', 'learning', 'mission']
    >>> pn.survey_scores(net, level="network", warn=False)["response_rate"] < 1
    np.True_
    """
    _check_args(format, scale, about_level, errors)
    file = "survey" if isinstance(path, pd.DataFrame) else Path(path).name
    log = QualityLog(file)
    df, rows = _read_raw(path, file, log)
    if columns:
        df = df.rename(columns=dict(columns))
    item_map = build_item_map(items)
    label_map = build_label_map(labels)
    if roster is not None and not isinstance(roster, pd.DataFrame | PeerNetwork):
        from .roster import roster_members  # a path, read as rosters are kept

        roster, _q = roster_members(roster)
    ids = Identities.coerce(identities, roster)
    roster_given = roster is not None or identities is not None
    zone = tz
    if format == "wide":
        fmt = _detect_format(df)
        _, _, _, zones = _header_rows(df, rows)
        zone = tz or next(iter(zones.values()), None) or "UTC"
        table, trows, ids, res_q = _wide_to_long(
            df, rows, file=file, log=log, ids=ids, roster_given=roster_given,
            item_map=item_map, label_map=label_map, scale=scale, wave=wave,
            about_level=about_level, tz=zone, respondent=respondent,
            finished_only=finished_only, format_name=fmt, dayfirst=dayfirst)
        if wave is None:
            first = table["date"].dropna()
            if first.empty:
                raise DataError("wave= is needed (no answer dates to take the year from); "
                                "pass wave='2025'", file=file)
            wave = str(first.min().tz_convert(zone).year)
            log.note(f"wave taken from the year of the first answer: {wave}", column="wave")
        table["wave"] = str(wave)
    else:
        zone = tz or "UTC"
        table, trows, ids, res_q = _long_to_long(
            df, rows, file=file, log=log, ids=ids, roster_given=roster_given,
            item_map=item_map, label_map=label_map, scale=scale, wave=wave,
            about_level=about_level or "member", tz=zone, dayfirst=dayfirst)
    quality = log.result()
    bad = quality.issues[quality.issues["action"].isin(["dropped", "repaired"])]
    if errors == "raise" and len(bad):
        problems = [{"file": file, "row": None if pd.isna(r.row) else int(r.row),
                     "column": None if pd.isna(r.column) else r.column, "value": r.value,
                     "problem": r.problem} for r in bad.itertuples(index=False)]
        first = problems[0]
        raise DataError(f"{first['problem']}; got {first['value']!r}" if len(problems) == 1
                        else f"{len(problems)} problem(s) found", file=file,
                        row=first["row"] if len(problems) == 1 else None, problems=problems)
    if res_q is not None:
        quality = quality + res_q
    members = ids.members if len(ids.members) else None
    return PeerNetwork.from_tables(
        members=members, surveys=table, tz=zone, errors=errors,
        sources={"surveys": f"{file} (ratings)", "members": "roster"},
        rows={"surveys": trows}, quality=quality,
        name=name or ("survey" if isinstance(path, pd.DataFrame) else Path(path).stem))
