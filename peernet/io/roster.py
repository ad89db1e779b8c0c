"""The roster as evaluators keep it: the membership boundary of a network.

A roster arrives as a spreadsheet someone maintains by hand: a title and a blank row above
the header, ``First Name`` and ``Last Name`` in two columns, ``Organization`` rather than
``org``, ``Date Joined`` as real dates, ``Reports to`` naming a person, ``Spanish; English``
in one cell and ``N/A`` where nothing is known. :func:`read_roster` reads it as it is and
returns a :class:`~peernet.network.PeerNetwork` holding the members and a data-quality record
of every decision: which header row was used, how each column was read, which columns were
not recognised (with a "did you mean"), which values were missing, lists split, names of
languages written as codes, supervisors resolved to ids.

Everywhere ``roster=`` is accepted (``pn.combine``, ``pn.read_events``, ``pn.read_survey``,
``Identities.coerce``), a path is read by :func:`read_roster`.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, DataQualityWarning
from ..quality import DataQuality, QualityLog
from ..schema import is_arrow_text

__all__ = ["read_roster", "ROSTER_COLUMNS", "NA_VALUES", "LANGUAGES", "missing_values",
           "roster_members", "looks_like_roster"]

#: Cell values read as missing in member attributes (compared case-insensitively, trimmed).
NA_VALUES: tuple[str, ...] = ("", "NA", "N/A", "#N/A", "null", "none", "-", "--", "—")

#: Canonical column -> header spellings accepted (compared lower-cased, punctuation as
#: spaces). ``first_name`` and ``last_name`` are joined into ``name``.
ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "member_id": ("member id", "memberid", "id", "member", "staff id", "employee id",
                  "person id", "participant id", "member number", "member no"),
    "name": ("name", "full name", "member name", "participant name", "display name",
             "staff name", "person", "member full name"),
    "first_name": ("first name", "firstname", "given name", "first", "forename"),
    "last_name": ("last name", "lastname", "surname", "family name", "last"),
    "email": ("email", "e mail", "email address", "e mail address", "work email",
              "email addresses", "mail"),
    "org": ("org", "organization", "organisation", "agency", "organization name",
            "organisation name", "org name", "agency name", "employer", "institution",
            "company"),
    "sector": ("sector", "field", "industry"),
    "region": ("region", "area", "county", "district", "territory", "service area"),
    "language": ("language", "languages", "preferred language", "preferred languages",
                 "preferred language s", "language s", "spoken languages",
                 "languages spoken"),
    "role": ("role", "network role", "membership role", "member role", "member type"),
    "title": ("title", "job title", "position", "job", "job role"),
    "joined": ("joined", "date joined", "join date", "joined on", "member since",
               "start date", "date of joining", "joined network"),
    "left": ("left", "date left", "left on", "end date", "leave date", "date of leaving"),
    "supervisor_id": ("supervisor id", "supervisor", "reports to", "manager",
                      "line manager", "supervisor name", "supervisor email"),
    "expertise": ("expertise", "can help with", "skills", "strengths", "can offer",
                  "offers", "areas of expertise"),
    "needs": ("needs", "wants help with", "needs help with", "looking for help with",
              "help wanted", "would like help with"),
    "aliases": ("aliases", "alias", "other names"),
}
#: Columns whose cells may hold several values (``Spanish; English``), kept ``"; "``-joined.
LIST_COLUMNS = ("language", "expertise", "needs")
_LIST_SPLIT = re.compile(r"\s*(?:;|,|/|\||\n)\s*")

#: Language names read as ISO 639-1 codes (``Spanish`` -> ``es``); others are kept as written.
LANGUAGES: dict[str, str] = {
    "english": "en", "spanish": "es", "español": "es", "espanol": "es", "french": "fr",
    "français": "fr", "german": "de", "deutsch": "de", "portuguese": "pt", "italian": "it",
    "chinese": "zh", "mandarin": "zh", "vietnamese": "vi", "korean": "ko", "arabic": "ar",
    "russian": "ru", "tagalog": "tl", "filipino": "tl", "haitian creole": "ht",
    "somali": "so", "japanese": "ja", "hindi": "hi", "ukrainian": "uk", "polish": "pl",
    "farsi": "fa", "persian": "fa", "amharic": "am", "swahili": "sw", "nepali": "ne",
    "dutch": "nl", "turkish": "tr", "bengali": "bn", "urdu": "ur", "punjabi": "pa",
    "greek": "el", "hebrew": "he", "thai": "th", "indonesian": "id", "romanian": "ro",
}
_SPELLINGS = {sp: key for key, sps in ROSTER_COLUMNS.items() for sp in sps}
_ID_LIKE = ("member_id", "name", "first_name", "last_name", "email")
_HEADER_SCAN = 30


def _norm_header(value: Any) -> str:
    text = "" if value is None else str(value)
    text = re.sub(r"\(s\)", "s", text.strip().lower())
    return re.sub(r"[^0-9a-zà-ÿ]+", " ", text).strip()


def _cell(value: Any) -> Any:
    if value is None:
        return np.nan
    if isinstance(value, str):
        value = value.strip()
        return value if value else np.nan
    return value


# ------------------------------------------------------------------------ raw grids
def _grid_of_csv(path: Path, log: QualityLog) -> list[list[Any]]:
    from ._text import read_text, sniff_delimiter

    text = read_text(path, log).lstrip("\ufeff").replace("\x00", "")
    lines = [ln for ln in text.splitlines() if ln.strip(" ,;\t")]
    # the separator of the header and data, not of a title line above them
    delimiter = sniff_delimiter("\n".join(lines[1:] if len(lines) > 2 else lines))
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _grid_of_xlsx(path: Path, sheet: int | str) -> tuple[list[list[Any]], str]:
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - openpyxl raises many types on bad files
        raise DataError(f"cannot read as an Excel workbook ({type(err).__name__}: {err})",
                        file=path.name) from err
    try:
        if isinstance(sheet, int):
            if not 0 <= sheet < len(wb.worksheets):
                raise DataError(f"the workbook has {len(wb.worksheets)} sheet(s); sheet="
                                f"{sheet} does not exist", file=path.name)
            ws = wb.worksheets[sheet]
        else:
            if sheet not in wb.sheetnames:
                raise DataError(f"no sheet {sheet!r}; sheets are {wb.sheetnames}",
                                file=path.name)
            ws = wb[sheet]
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        return grid, ws.title
    finally:
        wb.close()


def _find_header(grid: list[list[Any]], file: str) -> int:
    """Index of the header row: the first of the top rows naming two roster columns, one
    of which identifies a person (id, name or email)."""
    for i, row in enumerate(grid[:_HEADER_SCAN]):
        keys = {_SPELLINGS.get(_norm_header(c)) for c in row if _cell(c) == _cell(c)}
        keys.discard(None)
        if len(keys) >= 2 and keys & set(_ID_LIKE):
            return i
    shown = next((r for r in grid if any(_cell(c) == _cell(c) for c in r)), [])
    cols = ", ".join(repr(str(c)) for c in shown if _cell(c) == _cell(c))
    raise DataError(f"no header row found in the first {_HEADER_SCAN} rows: a roster needs a "
                    f"row naming its columns, with at least a name, email or member id "
                    f"(e.g. 'Name', 'Email', 'Organization'); the first filled row is {cols}",
                    file=file)


def _map_columns(header: Sequence[Any], log: QualityLog,
                 columns: Mapping[str, str | None]) -> list[str | None]:
    """Canonical name of each header cell (None: left out); mappings and misses noted."""
    user = {str(k).strip().lower(): v for k, v in columns.items()}
    out: list[str | None] = []
    taken: set[str] = set()
    for raw in header:
        shown = "" if raw is None else str(raw).strip()
        if not shown:
            out.append(None)
            continue
        if shown.lower() in user:
            target = user[shown.lower()]
            out.append(target)
            if target is not None:
                taken.add(target)
                log.note(f"column {shown!r} read as {target!r} (columns=)", column=shown)
            continue
        key = _SPELLINGS.get(_norm_header(shown))
        if key is not None and key not in taken:
            taken.add(key)
            out.append(key)
            if shown != key:
                log.note(f"column {shown!r} read as {key!r}", column=shown)
            continue
        if key is not None:
            log.note(f"column {shown!r} would be {key!r}, which an earlier column already "
                     f"gives; kept as it is", column=shown)
            out.append(shown)
            continue
        close = difflib.get_close_matches(_norm_header(shown), list(_SPELLINGS), n=1,
                                          cutoff=0.8)
        if close:
            want = _SPELLINGS[close[0]]
            log.note(f"column {shown!r} not recognised; kept as it is. Did you mean "
                     f"{want!r}? Rename the column or pass columns={{{shown!r}: {want!r}}}",
                     column=shown)
        else:
            log.note(f"column {shown!r} is not a roster column; kept as it is",
                     column=shown)
        out.append(shown)
    return out


# ------------------------------------------------------------------------ values
def missing_values(df: pd.DataFrame, na_values: Iterable[str], log: QualityLog | None,
                   rows: np.ndarray, skip: Sequence[str] = ()) -> pd.DataFrame:
    """Cells holding one of ``na_values`` (trimmed, any case) set to missing, counted per
    column in ``log``; ``skip`` columns are left alone."""
    tokens = {str(v).strip().lower() for v in na_values}
    df = df.copy()
    for col in df.columns:
        if col in skip:
            continue
        s = df[col]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
            continue
        hit = _token_hits(s, tokens)
        if hit.any():
            text = s.astype("object").where(s.notna(), None)
            shown = sorted({str(v).strip() for v in text[hit]})
            if log is not None:
                log.note(f"{int(hit.sum())} cell(s) written as "
                         f"{', '.join(repr(v) for v in shown[:4])} read as missing "
                         f"(na_values=)", column=str(col))
            df[col] = s.where(~hit.to_numpy(), np.nan)
    return df


def _token_hits(s: pd.Series, tokens: set[str]) -> pd.Series:
    """Cells of ``s`` whose text, trimmed and lowercased (``str.strip().lower()``), is one
    of ``tokens`` (a boolean Series on ``s``'s index).

    An Arrow text column is read by Arrow: a printable-ASCII cell is trimmed of spaces (the
    only whitespace among printable ASCII) and lowercased as ASCII, which is what Python's
    ``strip`` and ``lower`` do to it; the other cells (anything outside printable ASCII)
    go through Python's own ``strip().lower()``. At 100,000 members a Python call a cell was
    0.6 s a column of the roster."""
    if not is_arrow_text(s.dtype):
        text = s.astype("object").where(s.notna(), None)
        low = text.map(lambda v: v.strip().lower() if isinstance(v, str) else None)
        return low.isin(tokens) & text.notna()
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.chunked_array([pa.array(s.array)]).combine_chunks()
    simple = pc.fill_null(pc.match_substring_regex(arr, r"^[\x20-\x7e]*$"), True)
    value_set = pa.array(sorted(tokens), type=arr.type)
    hit = pc.fill_null(pc.is_in(pc.ascii_lower(pc.utf8_trim(arr, " ")), value_set=value_set),
                       False).to_numpy(zero_copy_only=False).astype(bool)
    other = np.flatnonzero(~simple.to_numpy(zero_copy_only=False).astype(bool))
    if len(other):
        hit[other] = [v.strip().lower() in tokens for v in arr.take(other).to_pylist()]
    return pd.Series(hit, index=s.index)


def _lists(df: pd.DataFrame, log: QualityLog) -> pd.DataFrame:
    df = df.copy()
    for col in LIST_COLUMNS:
        if col not in df.columns:
            continue
        text = df[col].astype("object").where(df[col].notna(), None)
        parts = text.map(lambda v: [p for p in _LIST_SPLIT.split(str(v)) if p.strip()]
                         if v is not None else None)
        if col == "language":
            named: set[str] = set()
            parts = pd.Series([[_language(p, named) for p in ps] if ps is not None else None
                               for ps in parts], index=parts.index, dtype="object")
            if named:
                log.note(f"language names written as ISO 639-1 codes: "
                         f"{', '.join(sorted(named)[:8])}", column="language")
        several = parts.map(lambda ps: ps is not None and len(ps) > 1)
        if several.any():
            log.note(f"{int(several.sum())} cell(s) list several values; read as a list "
                     f"('; '-joined)", column=col)
        df[col] = parts.map(lambda ps: "; ".join(dict.fromkeys(p.strip() for p in ps))
                            if ps else np.nan)
    return df


def _language(part: str, named: set[str]) -> str:
    """A language name as its ISO 639-1 code (``Spanish`` -> ``es``), noted in ``named``."""
    text = part.strip()
    code = LANGUAGES.get(text.lower())
    if code is None:
        return text
    if code != text:
        named.add(f"{text} -> {code}")
    return code


def _names(df: pd.DataFrame, log: QualityLog) -> pd.DataFrame:
    first = df.pop("first_name") if "first_name" in df.columns else None
    last = df.pop("last_name") if "last_name" in df.columns else None
    if first is None and last is None:
        return df
    f = (first if first is not None else pd.Series(np.nan, index=df.index)).astype("object")
    la = (last if last is not None else pd.Series(np.nan, index=df.index)).astype("object")
    joined = (f.fillna("").astype(str).str.strip() + " " + la.fillna("").astype(str)
              .str.strip()).str.strip()
    joined = joined.where(joined != "", np.nan)
    if "name" in df.columns:
        df["name"] = df["name"].where(df["name"].notna(), joined)
    else:
        df["name"] = joined
    log.note("name made from the first and last name columns", column="name")
    return df


def _ids(df: pd.DataFrame, log: QualityLog) -> pd.DataFrame:
    from .names import slugify

    if "member_id" in df.columns:
        ids = df["member_id"].map(_id_text)
        df["member_id"] = ids
        if ids.notna().all():
            return df
    else:
        ids = pd.Series(np.nan, index=df.index, dtype="object")
    basis = df["name"] if "name" in df.columns else pd.Series(np.nan, index=df.index)
    if "email" in df.columns:
        basis = basis.fillna(df["email"].astype("object").str.replace(r"@.*$", "",
                                                                      regex=True))
    todo = ids.isna() & basis.notna()
    if not todo.any():
        return df
    taken = set(ids.dropna())
    made = []
    for b in slugify(basis[todo].astype("str")):
        cand, k = b, 1
        while cand in taken:
            k += 1
            cand = f"{b}-{k}"
        taken.add(cand)
        made.append(cand)
    ids = ids.astype("object")
    ids[todo] = made
    df["member_id"] = ids
    log.note(f"{int(todo.sum())} member(s) without a member id: ids made from their names "
             f"(e.g. {made[0]!r}); add a member_id column to keep ids stable when a name "
             f"changes", column="member_id")
    return df


def _as_text(v: Any) -> Any:
    """A cell as text (numbers without a trailing ``.0``); missing stays missing."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return np.nan
    if isinstance(v, bool) or not isinstance(v, float | int):
        return v
    return str(int(v)) if float(v).is_integer() else str(v)


def _id_text(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return np.nan
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    text = str(v).strip()
    return text or np.nan


def _supervisors(df: pd.DataFrame, log: QualityLog, rows: np.ndarray) -> pd.DataFrame:
    """``supervisor_id`` given as an id, an email or a name -> the member id."""
    from .names import normalize_emails, normalize_names

    if "supervisor_id" not in df.columns:
        return df
    sup = df["supervisor_id"].map(_id_text)
    ids = df["member_id"].astype("object")
    out = sup.where(sup.isin(set(ids.dropna())))
    rest = sup.notna() & out.isna()
    how = []
    if rest.any() and "email" in df.columns:
        emails = normalize_emails(df["email"])
        lut = dict(zip(emails.dropna(), ids[emails.notna()], strict=True))
        got = normalize_emails(sup[rest]).map(lut)
        got.index = sup[rest].index
        out = out.fillna(got)
        if got.notna().any():
            how.append("email")
        rest = sup.notna() & out.isna()
    if rest.any() and "name" in df.columns:
        names = normalize_names(df["name"])
        unique = names[~names.duplicated(keep=False) & names.notna()]
        lut = dict(zip(unique, ids[unique.index], strict=True))
        got = normalize_names(sup[rest]).map(lut)
        got.index = sup[rest].index
        out = out.fillna(got)
        if got.notna().any():
            how.append("name")
        rest = sup.notna() & out.isna()
    if how:
        log.note(f"supervisors given by {' and '.join(how)} resolved to member ids",
                 column="supervisor_id")
    # left as written where nothing matched: the cross-check records and empties them
    df["supervisor_id"] = out.where(out.notna(), sup)
    return df


def _dates(df: pd.DataFrame, *, file: str, log: QualityLog, rows: np.ndarray,
           dayfirst: bool, tz: str) -> pd.DataFrame:
    """``joined`` and ``left`` as dates: cells that are dates stay dates; text is read in the
    file's own date order (:func:`peernet.io._export.date_order`)."""
    from ._export import date_order

    cols = [c for c in ("joined", "left") if c in df.columns]
    if not cols:
        return df
    texts = []
    for c in cols:
        s = df[c]
        is_text = s.map(lambda v: isinstance(v, str))
        texts.append(s[is_text].astype("str"))
    order = date_order(pd.concat(texts) if texts else pd.Series([], dtype="str"),
                       dayfirst=dayfirst, file=file, column="/".join(cols), log=log,
                       rows=None)
    from ..schema import parse_datetimes

    for c in cols:
        s = df[c]
        stamp = s.map(lambda v: isinstance(v, dt.datetime | dt.date | pd.Timestamp))
        out = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
        if stamp.any():
            when = pd.to_datetime(s[stamp].map(pd.Timestamp), errors="coerce")
            got, _bad = parse_datetimes(when.astype("datetime64[ns]"), tz)
            out[stamp] = got
        text = s.notna() & ~stamp
        if text.any():
            got, bad = parse_datetimes(s[text].astype("str"), tz, dayfirst=order == "day-first")
            out[text] = got
            for i in np.flatnonzero(bad):
                idx = s[text].index[i]
                log.repair(int(rows[idx]), c, s[idx], "cannot read as a date; set to empty "
                           "(write dates as 2024-03-15 or as the other dates of the file)")
        df[c] = out
    return df


# ------------------------------------------------------------------------ the reader
def read_roster(path: str | Path | pd.DataFrame, *, tz: str = "UTC", sheet: int | str = 0,
                columns: Mapping[str, str | None] | None = None,
                na_values: Iterable[str] = NA_VALUES, dayfirst: bool = False,
                errors: str = "report", name: str | None = None) -> Any:
    """Read a roster (CSV, XLSX or a DataFrame) as people keep it; the membership boundary.

    Parameters
    ----------
    path : str, Path or DataFrame
        The roster file (``.csv``, ``.txt``, ``.tsv``, ``.xlsx``) or a frame as read.
    tz : str, default "UTC"
        Zone of the dates (``joined``, ``left``) and of the network.
    sheet : int or str, default 0
        The workbook sheet.
    columns : mapping, optional
        Header -> column name, applied before the built-in synonyms (``{"Team": "org"}``);
        ``None`` leaves a column out.
    na_values : iterable of str
        Cells read as missing (trimmed, any case). Default :data:`NA_VALUES`: empty, ``NA``,
        ``N/A``, ``#N/A``, ``null``, ``none``, ``-``, ``--``.
    dayfirst : bool, default False
        Order of text dates that read both ways (``04/03/2024``); a file whose dates can
        only be day-first (a day above 12) is read day-first whatever this says, and the
        decision is recorded.
    errors : {"report", "raise"}
    name : str, optional

    Returns
    -------
    PeerNetwork
        ``members`` typed to the schema (``joined`` and ``left`` datetimes, lists
        ``"; "``-joined), no interactions; ``quality`` records the header row used, each
        column mapping, columns not recognised (with a "did you mean"), missing-value
        tokens, lists, language names written as codes, supervisors resolved, generated ids.

    Notes
    -----
    The header is the first of the top 30 rows that names two roster columns, one of them a
    person's id, name or email; title and blank rows above it are skipped. Column names are
    matched case-insensitively with punctuation ignored, through :data:`ROSTER_COLUMNS`
    (``Organization`` / ``Organisation`` / ``Agency`` -> ``org``, ``Email Address`` ->
    ``email``, ``Preferred Language(s)`` -> ``language``, ``Date Joined`` -> ``joined``,
    ``Supervisor`` / ``Reports to`` -> ``supervisor_id``, ``Job Title`` -> ``title``,
    ``Can help with`` -> ``expertise``, ``Wants help with`` -> ``needs``). ``First Name`` and
    ``Last Name`` make ``name``. Unknown columns are kept under their own names.

    Examples
    --------
    >>> import io
    >>> csv_text = ("Staff list 2025,,\\n,,\\nFirst Name,Last Name,Agency,Preferred Language(s)\\n"
    ...             "Ada,Obi,Org A,Spanish; English\\nBen,Roy,N/A,English\\n")
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
    >>> _ = p.write_text(csv_text)
    >>> net = pn.read_roster(p)
    >>> net.members[["member_id", "name", "org", "language"]].values.tolist()
    [['ada-obi', 'Ada Obi', 'Org A', 'es; en'], ['ben-roy', 'Ben Roy', nan, 'en']]
    """
    from ..network import PeerNetwork
    from ._export import check_errors, check_tz

    tz = check_tz(tz)
    check_errors(errors)
    if isinstance(path, pd.DataFrame):
        file = "roster"
        grid = [list(path.columns)] + path.astype("object").where(path.notna(), None) \
            .values.tolist()
        log = QualityLog(file)
    else:
        p = Path(path)
        file = p.name
        log = QualityLog(file)
        if not p.exists():
            raise DataError("roster file not found", file=str(p))
        suffix = p.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            grid, title = _grid_of_xlsx(p, sheet)
            if title and sheet != 0:
                log.note(f"sheet {title!r} read")
        elif suffix == ".xls":
            raise DataError("old Excel .xls files are not read; open the file in Excel or "
                            "LibreOffice and save it as .xlsx or .csv", file=file)
        elif suffix == ".parquet":
            df = pd.read_parquet(p)
            grid = [list(df.columns)] + df.astype("object").where(df.notna(), None) \
                .values.tolist()
        else:
            grid = _grid_of_csv(p, log)
    if not grid:
        raise DataError("the roster is empty", file=file)
    h = _find_header(grid, file)
    if h:
        log.note(f"header found on row {h + 1}; the {h} row(s) above it (title, blank) "
                 f"were skipped", row=h + 1)
    header = grid[h]
    keys = _map_columns(header, log, dict(columns or {}))
    body = [(i + 1, r) for i, r in enumerate(grid[h + 1:], start=h + 1)
            if any(_cell(c) == _cell(c) for c in r)]
    data = {}
    for j, key in enumerate(keys):
        if key is None:
            continue
        data[key] = [_cell(r[j]) if j < len(r) else np.nan for _n, r in body]
    df = pd.DataFrame(data, dtype="object")
    rows = np.asarray([n for n, _r in body], dtype=int)
    log.read(len(df))
    df = missing_values(df, na_values, log, rows)
    df = _names(df, log)
    df = _ids(df, log)
    nobody = df["member_id"].isna().to_numpy() if "member_id" in df.columns else \
        np.ones(len(df), bool)
    if nobody.any():
        for r in rows[nobody]:
            log.drop(int(r), None, None, "row has no member id, name or email: not a person")
        df, rows = df.loc[~nobody].reset_index(drop=True), rows[~nobody]
    if df.empty:
        raise DataError("no member rows could be read below the header", file=file,
                        row=h + 1)
    df = _lists(df, log)
    df = _dates(df, file=file, log=log, rows=rows, dayfirst=dayfirst, tz=tz)
    df = _supervisors(df, log, rows)
    for c in df.columns:
        if c not in ("joined", "left"):
            df[c] = df[c].map(_as_text)
    from ..schema import TABLES

    order = [c for c in TABLES["members"].names if c in df.columns]
    df = df[order + [c for c in df.columns if c not in order]]
    q = log.result()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        net = PeerNetwork.from_tables(members=df, tz=tz, errors=errors,
                                      sources={"members": file}, rows={"members": rows},
                                      quality=DataQuality(issues=q.issues), warn=False,
                                      name=name or (Path(file).stem if file else "roster"),
                                      meta={"format": "roster"})
    counts = net.quality.counts.copy()
    at = counts["source"] == file
    counts.loc[at, "rows_read"] += len(nobody.nonzero()[0])
    counts.loc[at, "rows_dropped"] += len(nobody.nonzero()[0])
    return net.replace(quality=DataQuality(issues=net.quality.issues, counts=counts))


def roster_members(roster: Any, *, tz: str = "UTC") -> tuple[pd.DataFrame, DataQuality | None]:
    """The members table of what a user passes as ``roster=`` (a path, a DataFrame or a
    PeerNetwork), typed to the schema, and the quality records of reading it (None when it
    was already a network)."""
    if roster is None:
        return pd.DataFrame({"member_id": pd.Series(dtype="str")}), None
    if hasattr(roster, "members") and not isinstance(roster, pd.DataFrame):
        return roster.members, None
    if isinstance(roster, pd.DataFrame) and "member_id" in roster.columns:
        from ..network import PeerNetwork

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            net = PeerNetwork.from_tables(members=roster, tz=tz, sources={"members": "roster"},
                                          warn=False)
        return net.members, net.quality
    if isinstance(roster, str | Path | pd.DataFrame):
        net = read_roster(roster, tz=tz)
        return net.members, net.quality
    raise TypeError(f"roster must be a path, a DataFrame or a PeerNetwork; got "
                    f"{type(roster).__name__}")


#: Roster columns a sign-in sheet or an export does not have: one of them (or a file named
#: like a roster) tells a roster apart.
_ROSTER_ONLY = {"member_id", "joined", "left", "language", "role", "title", "supervisor_id",
                "expertise", "needs", "sector", "region"}


def looks_like_roster(path: str | Path) -> bool:
    """True when a CSV or XLSX file is a roster: its header (found as :func:`read_roster`
    finds it) names a person column and a roster-only column (``Date Joined``, ``Preferred
    Language``, ``Reports to``, ``member_id``, ...), or its name says roster/members."""
    p = Path(path)
    try:
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            grid, _title = _grid_of_xlsx(p, 0)
        elif p.suffix.lower() in (".csv", ".txt", ".tsv"):
            grid = _grid_of_csv(p, QualityLog(p.name))[:_HEADER_SCAN + 1]
        else:
            return False
        h = _find_header(grid[:_HEADER_SCAN + 1], p.name)
    except (DataError, OSError, ValueError, KeyError, TypeError, UnicodeError):
        return False
    keys = {_SPELLINGS.get(_norm_header(c)) for c in grid[h]}
    named = any(w in p.stem.lower() for w in ("roster", "member", "staff list"))
    return bool(keys & _ROSTER_ONLY) or named
