"""Sign-in sheets in Excel workbooks (``.xlsx``): every sheet, header found by keyword.

A sheet is one meeting (everyone listed attended) or has a column per day or session
(``Day 1``, ``2024-03-05``, ``Session 2``) holding presence marks. Marks are read with an
explicit set of "present" and "absent" tokens; anything else is reported, not guessed.
Organization spellings go through an alias table.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import DataError
from ..network import PeerNetwork
from ..quality import QualityLog
from ._export import check_errors, check_tz, finish, localize, resolve_people
from .identity import display_names, slugify

__all__ = ["read_signin", "PRESENT", "ABSENT"]

#: Marks read as "present" (compared after trimming and lower-casing).
PRESENT = frozenset({"✓", "✔", "✔️", "☑", "☒", "✅", "x", "yes", "y", "1", "1.0", "true",
                     "present", "p", "attended", "here", "ja", "oui", "si", "sí", "signed"})
#: Marks read as "absent".
ABSENT = frozenset({"", "no", "n", "0", "0.0", "false", "absent", "a", "-", "–", "—",
                    "excused", "e", "nein", "non"})
_NAME = ("name", "full name", "participant", "participant name", "attendee", "attendee name",
         "nombre", "teilnehmer", "teilnehmer/in", "teilnehmende", "nom", "your name")
_FIRST = ("first name", "first", "given name", "vorname", "prénom", "prenom")
_LAST = ("last name", "last", "surname", "family name", "nachname", "nom de famille")
_ORG = ("organisation", "organization", "org", "agency", "company", "organisation name",
        "organization name", "institution", "employer", "affiliation", "organización")
_EMAIL = ("email", "e-mail", "email address", "e-mail address", "mail")
_SIGN = re.compile(r"^(?:signature|sign|sign-in|sign in|signed|initials|present|attended|"
                   r"attendance|here|firma|asistencia)$")
_DAY = re.compile(r"^(?:day|session|tag|jour|día|dia|week|meeting)\s*(\d+)$")
_DATE_LABEL = re.compile(r"^(?:date|datum|fecha|le)\s*:?$")
_SKIP = ("date", "datum", "fecha")


def _norm(value: Any) -> str:
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip().lower()


def _as_date(value: Any, epoch: dt.datetime) -> pd.Timestamp | None:
    """A cell as a date: datetime, Excel serial number or text; None if it is none."""
    if isinstance(value, (dt.datetime, dt.date)):
        return pd.Timestamp(value).normalize()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:
            return (pd.Timestamp(epoch) + pd.Timedelta(days=float(value))).normalize()
        return None
    if isinstance(value, str):
        text = value.strip()
        if not re.search(r"\d", text) or len(text) > 40:
            return None
        for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%b %d, %Y", "%B %d, %Y", "%d %B %Y",
                    "%d %b %Y", "%Y/%m/%d", "%m/%d/%y", "%Y-%m-%d %H:%M:%S"):
            try:
                return pd.Timestamp(dt.datetime.strptime(text, fmt)).normalize()
            except ValueError:
                continue
    return None


def _org_table(orgs: Mapping[str, str] | str | Path | pd.DataFrame | None) -> dict[str, str]:
    if orgs is None:
        return {}
    if isinstance(orgs, Mapping):
        return {_norm(k): str(v) for k, v in orgs.items()}
    if isinstance(orgs, (str, Path)):
        from ._text import read_table_file

        orgs, _rows = read_table_file(Path(orgs), QualityLog(Path(orgs).name))
    if isinstance(orgs, pd.DataFrame):
        cols = {_norm(c): c for c in orgs.columns}
        if "alias" not in cols or "org" not in cols:
            raise DataError(f"the organization alias table needs columns 'alias' and 'org'; "
                            f"columns are {list(orgs.columns)}", column="alias")
        pairs = orgs[[cols["alias"], cols["org"]]].dropna()
        return {_norm(a): str(o) for a, o in pairs.itertuples(index=False)}
    raise TypeError(f"orgs must be a mapping, a DataFrame or a path; got {type(orgs).__name__}")


def read_signin(path: str | Path, *, tz: str, date: Any = None, identities: Any = None,
                orgs: Mapping[str, str] | str | Path | pd.DataFrame | None = None,
                present: Iterable[str] = (), errors: Literal["report", "raise"] = "report",
                name: str | None = None) -> PeerNetwork:
    """Read a sign-in workbook: every sheet, header row found by keyword.

    Parameters
    ----------
    path : str or Path
        An ``.xlsx`` workbook (``.xls`` must be converted first).
    tz : str
        The zone of the meetings (dates become local midnight), required.
    date : date-like, optional
        The meeting date when a sheet has no ``Date:`` cell, no dated columns and no date
        in its name.
    identities : Identities, DataFrame or path, optional
        Roster aliases; names such as ``Obi, Ada`` are matched after normalisation.
    orgs : mapping, DataFrame or path, optional
        Organization alias table (``alias -> org``; a table needs columns ``alias, org``),
        compared case- and space-insensitively. Spellings that differ only in case or
        spacing are unified to the most frequent one.
    present : iterable of str, optional
        More marks to read as present (besides :data:`PRESENT`).
    errors : {"report", "raise"}, default "report"

    Returns
    -------
    PeerNetwork
        One event per sheet and day column (``channel`` in_person), one ``attend`` row per
        person present; members carry ``org``. ``quality.counts`` has one row per sheet
        (``file, sheet 'S'``): rows read = non-empty rows under the header.

    Raises
    ------
    DataError
        ``.xls`` files, unreadable workbooks, a sheet whose date cannot be found.
    """
    tz = check_tz(tz)
    check_errors(errors)
    path = Path(path)
    file = path.name
    if not path.exists():
        raise DataError("file not found", file=str(path))
    if path.is_dir():
        raise DataError("expected an .xlsx workbook, found a folder", file=str(path))
    from ._limits import check_workbook, regular_file

    regular_file(path)  # a FIFO or a device would hang or never end
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if not (path.suffix.lower() == ".xls" or magic.startswith(b"\xd0\xcf\x11\xe0")):
        check_workbook(path)  # ZIP bomb, a sheet of millions of columns: before openpyxl
    if path.suffix.lower() == ".xls" or magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError("old Excel .xls workbooks cannot be read; open it in Excel or "
                        "LibreOffice and save it as .xlsx", file=file)
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - openpyxl raises many types on bad files
        raise DataError(f"cannot read as an Excel workbook ({type(err).__name__}: {err})",
                        file=file) from err
    marks_yes = PRESENT | {_norm(p) for p in present}
    org_map = _org_table(orgs)
    default_date = pd.Timestamp(date).normalize() if date is not None else None
    epoch = getattr(wb, "epoch", dt.datetime(1899, 12, 30))
    logs: list[Any] = []
    people: list[Any] = []
    attend: list[Any] = []
    events: list[Any] = []
    try:
        for ws in wb.worksheets:
            log = QualityLog(f"{file}, sheet {ws.title!r}")
            logs.append(log)
            try:
                grid = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
            except Exception as err:  # noqa: BLE001 - corrupt sheet XML
                raise DataError(f"cannot read the sheet ({type(err).__name__}: {err})",
                                file=file, sheet=ws.title) from err
            _sheet(grid, ws.title, file=file, log=log, epoch=epoch, marks_yes=marks_yes,
                   default_date=default_date, people=people, attend=attend, events=events,
                   errors=errors)
    finally:
        wb.close()
    if not attend:
        raise DataError("no sheet with a Name column and attendance could be read", file=file)
    att = pd.concat(attend, ignore_index=True)
    ppl = pd.concat(people, ignore_index=True)
    ppl["org"] = _orgs(ppl["org"], org_map, logs[0])
    resolved = resolve_people(ppl.drop(columns=["key"]), file=file, identities=identities)
    lut = pd.Series(resolved.ids.to_numpy(), index=ppl["key"].to_numpy())
    att["source"] = att["key"].map(lut)
    ev = pd.DataFrame(events)
    ev["start"] = localize(ev["start"], tz)
    att["timestamp"] = att["event_id"].map(ev.set_index("event_id")["start"])
    att = att.sort_values("row", kind="stable").drop_duplicates(["event_id", "source"])
    inter = att[["timestamp", "source", "event_id", "row"]].assign(kind="attend",
                                                                  channel="in_person")
    notes = [lg.result() for lg in logs[1:]]
    return finish(file=file, log=logs[0], resolved=resolved, interactions=inter, events=ev,
                  tz=tz, errors=errors, name=name, notes=notes, meta={"format": "signin"},
                  stacklevel=4)


def _sheet(grid, title, *, file, log, epoch, marks_yes, default_date, people, attend, events,
           errors):
    norm = [[_norm(c) for c in row] for row in grid[:40]]
    h = next((i for i, row in enumerate(norm) if any(c in _NAME for c in row) or (
        any(c in _FIRST for c in row) and any(c in _LAST for c in row))), None)
    if h is None:
        log.note("no header row with a Name column in the first 40 rows; sheet not read")
        return
    header = grid[h]
    hn = norm[h]
    col = {}
    for key, names in (("name", _NAME), ("first", _FIRST), ("last", _LAST), ("org", _ORG),
                       ("email", _EMAIL)):
        hit = [j for j, c in enumerate(hn) if c in names]
        if hit:
            col[key] = hit[0]
    # a "Date:" cell (and a title) above the header
    sheet_date, title_text = None, None
    for row in grid[:h]:
        cells = [c for c in row if c is not None and str(c).strip() != ""]
        for j, c in enumerate(row):
            if _DATE_LABEL.match(_norm(c)):
                rest = [v for v in row[j + 1:] if v is not None and str(v).strip() != ""]
                if rest:
                    sheet_date = _as_date(rest[0], epoch)
        if cells and title_text is None and not _DATE_LABEL.match(_norm(cells[0])):
            title_text = str(cells[0]).strip()
    if sheet_date is None:
        sheet_date = _as_date(title, epoch) or default_date
    # presence columns
    presence = []
    for j, c in enumerate(header):
        if j in col.values() or c is None or str(c).strip() == "":
            continue
        label = _norm(c)
        day = _as_date(c, epoch)
        m = _DAY.match(label)
        if day is not None:
            presence.append((j, str(c).strip() if not isinstance(c, dt.date) else
                             str(day.date()), day, False))
        elif m:
            base = sheet_date
            if base is None:
                raise DataError(f"column {str(c)!r} has no date: add a 'Date:' cell above the "
                                f"header or pass date=", file=file, sheet=title, row=h + 1,
                                column=str(c))
            presence.append((j, str(c).strip(), base + pd.Timedelta(days=int(m.group(1)) - 1),
                             False))
        elif _SIGN.match(label):
            if sheet_date is None:
                raise DataError("the sheet has no date: add a 'Date:' cell above the header, "
                                "name the sheet after the date, or pass date=", file=file,
                                sheet=title, row=h + 1, column=str(c))
            presence.append((j, str(c).strip(), sheet_date, True))
    body = [(i + 1, row) for i, row in enumerate(grid[h + 1:], start=h + 1)
            if any(v is not None and str(v).strip() != "" for v in row)]
    log.read(len(body))
    if not body:
        return

    def cell(row, key):
        j = col.get(key)
        v = row[j] if j is not None and j < len(row) else None
        return None if v is None or str(v).strip() == "" else re.sub(r"\s+", " ",
                                                                        str(v)).strip()

    rows = pd.DataFrame({"row": [n for n, _r in body],
                         "name": [cell(r, "name") for _n, r in body],
                         "first": [cell(r, "first") for _n, r in body],
                         "last": [cell(r, "last") for _n, r in body],
                         "org": [cell(r, "org") for _n, r in body],
                         "email": [cell(r, "email") for _n, r in body]}, dtype="object")
    full = (rows["first"].fillna("") + " " + rows["last"].fillna("")).str.strip()
    rows["name"] = rows["name"].fillna(full.where(full != "", None))
    nobody = (rows["name"].isna() & rows["email"].isna()).to_numpy()
    for (n, r), bad in zip(body, nobody, strict=True):
        if bad:
            if errors == "raise":
                raise DataError("row has values but no name or email", file=file,
                                sheet=title, row=n)
            log.drop(n, "Name", "; ".join(str(v) for v in r if v is not None)[:200],
                     "row has values but no name or email")
    keep = ~nobody
    rows = rows[keep].reset_index(drop=True)
    body = [b for b, k in zip(body, keep, strict=True) if k]
    rows["key"] = f"{title}\x1f" + rows["row"].astype("str")
    people.append(pd.DataFrame({"key": rows["key"], "name": display_names(rows["name"]),
                                "email": rows["email"], "org": rows["org"],
                                "row": rows["row"]}))
    stem = slugify(pd.Series([Path(file).stem])).iloc[0]
    sheet_slug = slugify(pd.Series([title])).iloc[0]
    if not presence:
        if sheet_date is None:
            raise DataError("the sheet has no date: add a 'Date:' cell above the header, name "
                            "the sheet after the date, or pass date=", file=file, sheet=title,
                            row=h + 1)
        presence = [(None, "", sheet_date, True)]
    seen_ids = set()
    for j, label, day, signature in presence:
        event_id = f"signin-{stem}-{sheet_slug}-{day:%Y%m%d}"
        if event_id in seen_ids:
            event_id += f"-{slugify(pd.Series([label])).iloc[0]}"
        seen_ids.add(event_id)
        if j is None:
            here = np.ones(len(rows), bool)
        else:
            marks = pd.Series([_norm(r[j]) if j < len(r) else "" for _n, r in body],
                              dtype="object")
            if signature:
                here = (marks != "").to_numpy()
            else:
                here = marks.isin(marks_yes).to_numpy()
                unknown = ~marks.isin(marks_yes | ABSENT)
                for n, v in zip(rows.loc[unknown.to_numpy(), "row"], marks[unknown],
                                strict=True):
                    log.repair(int(n), str(header[j]).strip(), v,
                               "unknown presence mark: not counted as present; pass "
                               "present={...} to count it")
        att = rows.loc[here, ["key", "row"]].assign(event_id=event_id)
        attend.append(att)
        title_parts = [t for t in (title_text or title, label) if t]
        events.append({"event_id": event_id, "start": day, "kind": "meeting",
                       "channel": "in_person", "title": " – ".join(title_parts) or None})


def _orgs(values: pd.Series, org_map: dict[str, str], log: QualityLog) -> pd.Series:
    """Map spellings through the alias table, then unify case/spacing variants."""
    text = values.astype("object").where(values.notna(), None)
    key = text.map(lambda v: _norm(v) if v is not None else None)
    mapped = key.map(org_map)
    out = mapped.where(mapped.notna(), text)
    rest = mapped.isna() & text.notna()
    if rest.any():
        k = out[rest].map(lambda v: re.sub(r"[^\w]", "", _norm(v)))
        counts = pd.DataFrame({"k": k, "spelling": out[rest]}).groupby(
            ["k", "spelling"]).size().rename("n").reset_index()
        best = counts.sort_values(["k", "n", "spelling"], ascending=[True, False, True]
                                  ).drop_duplicates("k").set_index("k")["spelling"]
        unified = k.map(best)
        changed = unified != out[rest]
        for old, new in sorted(set(zip(out[rest][changed], unified[changed], strict=True))):
            log.note(f"organization spelling {old!r} unified with {new!r}", "org", old)
        out[rest] = unified
    if org_map and mapped.notna().any():
        log.note(f"{int(mapped.notna().sum())} organization value(s) mapped through the alias "
                 f"table")
    return out.astype("str")
