"""Next year's data collection: a roster survey and a sign-in workbook from the roster.

:func:`survey_template` writes PARTNER's roster survey (one row a respondent, one block of
columns a partner, the 4-point answer labels) in a layout :func:`peernet.read_survey` reads
as it is once filled in; :func:`signin_template` writes a sign-in workbook (names and
organizations listed, a column to sign) that :func:`peernet.read_signin` reads. Both in
English or Spanish. They carry the members' names (a survey must name the partners): they
are working files for the evaluator, not for sharing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..network import PeerNetwork
from .identity import display_names
from .survey_items import ANSWER_LABELS, ITEM_QUESTIONS

__all__ = ["survey_template", "signin_template", "LANGUAGES"]

LANGUAGES = ("en", "es")

_TEXT = {
    "en": {
        "survey": "Survey", "instructions": "Instructions", "name": "name", "org": "org",
        "date": "date",
        "intro": "Rate each partner on each question with one of the answers below (leave a "
                 "partner blank if you do not work with them). Your own columns are greyed: "
                 "leave them blank.",
        "answers": "Answers", "question": "Question", "item": "Item",
        "read": "Read back with pn.read_survey(path, roster=..., wave=...).",
        "signin": "Sign-in", "sheet_title": "{name}: sign-in sheet", "date_label": "Date:",
        "h_name": "Name", "h_org": "Organization", "h_email": "Email",
        "h_sign": "Signature",
        "signin_help": "Sign beside your name; if you are not listed, add your name, "
                       "organization and email on an empty line.",
    },
    "es": {
        "survey": "Encuesta", "instructions": "Instrucciones", "name": "nombre",
        "org": "organización", "date": "fecha",
        "intro": "Califique a cada socio en cada pregunta con una de las respuestas de abajo "
                 "(deje en blanco a un socio con quien no trabaja). Sus propias columnas "
                 "están en gris: déjelas en blanco.",
        "answers": "Respuestas", "question": "Pregunta", "item": "Ítem",
        "read": "Se lee con pn.read_survey(path, roster=..., wave=...).",
        "signin": "Registro", "sheet_title": "{name}: hoja de registro",
        "date_label": "Fecha:", "h_name": "Nombre", "h_org": "Organización",
        "h_email": "Email", "h_sign": "Firma",
        "signin_help": "Firme junto a su nombre; si no aparece en la lista, escriba su "
                       "nombre, organización y email en una línea vacía.",
    },
}


def _check_lang(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {list(LANGUAGES)}; got {lang!r}")
    return _TEXT[lang]


def _roster(roster_or_network: Any, what: str) -> pd.DataFrame:
    """The roster members (guests seen in the data but not on the roster left out)."""
    if isinstance(roster_or_network, PeerNetwork):
        members = roster_or_network.root.members
    elif isinstance(roster_or_network, pd.DataFrame):
        members = roster_or_network
    else:
        raise TypeError(f"{what}: roster_or_network must be a PeerNetwork or a roster "
                        f"DataFrame; got {type(roster_or_network).__name__}")
    if "member_id" not in members.columns:
        raise ValueError(f"{what}: the roster needs a 'member_id' column; columns are "
                         f"{list(members.columns)}")
    if "unmatched" in members.columns:
        members = members[~members["unmatched"].astype("boolean").fillna(False)
                          .to_numpy(dtype=bool)]
    members = members.drop_duplicates("member_id").copy()
    members["member_id"] = members["member_id"].astype("str")
    return members.sort_values("member_id", ignore_index=True)


def _shown_names(members: pd.DataFrame) -> pd.Series:
    """What a person reads: the roster name when it is unique, else the member id (which
    :func:`peernet.read_survey` matches first)."""
    if "name" not in members.columns:
        return members["member_id"]
    shown = display_names(members["name"])
    shown.index = members.index
    bad = shown.isna() | (shown == "") | shown.duplicated(keep=False) \
        | shown.isin(set(members["member_id"]))
    return shown.where(~bad, members["member_id"]).astype("str")


def _questions(items: Any, lang: str) -> list[tuple[str, str]]:
    """(question text, item name) pairs."""
    known = ITEM_QUESTIONS[lang]
    if items is None:
        return [(q, item) for item, q in known.items()]
    if isinstance(items, str):
        items = [items]
    if isinstance(items, Mapping):
        return [(str(q), str(i)) for q, i in items.items()]
    if isinstance(items, Sequence):
        unknown = [i for i in items if i not in known]
        if unknown:
            raise ValueError(f"items: unknown PARTNER item(s) {unknown}; choose from "
                             f"{list(known)} or pass a mapping question text -> item name")
        return [(known[i], i) for i in items]
    raise TypeError(f"items must be a list of PARTNER item names or a mapping question text "
                    f"-> item name; got {type(items).__name__}")


def survey_template(roster_or_network: PeerNetwork | pd.DataFrame, path: str | Path, *,
                    items: Sequence[str] | Mapping[str, str] | None = None,
                    about: str = "member", format: str | None = None,
                    lang: str = "en") -> Path:
    """Write a roster survey to fill in: one row a respondent, one block a partner.

    Parameters
    ----------
    roster_or_network : PeerNetwork or DataFrame
        The members (``member_id``, optional ``name``, ``org``); of a network, its whole
        roster (guests not on the roster are left out).
    path : str or Path
        The file to write (``.xlsx`` or ``.csv``).
    items : list of str or mapping, optional
        PARTNER's six relational items by default (``reliability``, ``mission``,
        ``openness``, ``power``, ``involvement``, ``resources``), or a subset of them, or a
        mapping question text -> item name for your own (then pass the same mapping to
        :func:`peernet.read_survey` as ``items=``).
    about : {"member", "org"}, default "member"
        Partners are the members (named as on the roster; the member id where names are
        missing or shared) or the organizations.
    format : {"xlsx", "csv"}, optional
        Default: from the suffix of ``path``.
    lang : {"en", "es"}, default "en"
        Language of the questions, answer labels and instructions.

    Returns
    -------
    Path
        ``path``. Columns: ``member_id``, ``name``, ``org``, ``date`` (``nombre``,
        ``organización``, ``fecha`` in Spanish), then ``<question> [<partner>]`` for every
        partner and question, partner by partner. The workbook adds a drop-down of the four
        answers on every rating cell, greys each respondent's own cells, and an
        "Instructions" sheet. Read it back with ``pn.read_survey(path, roster=...,
        about_level=about, wave=...)``: the answers need no ``labels=`` in either language.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "survey.csv"
    >>> net = pn.load_sample("davis")
    >>> t = pd.read_csv(pn.survey_template(net, p, items=["reliability"]))
    >>> t.shape, t.columns[5]
    ((18, 22), 'Reliability [Laura Mandeville]')
    """
    text = _check_lang(lang)
    if about not in ("member", "org"):
        raise ValueError(f"about must be 'member' or 'org'; got {about!r}")
    path = Path(path)
    fmt = _format(path, format, "survey_template")
    members = _roster(roster_or_network, "survey_template")
    questions = _questions(items, lang)
    if about == "member":
        partners = list(zip(members["member_id"], _shown_names(members), strict=True))
    else:
        if "org" not in members.columns or members["org"].isna().all():
            raise ValueError("survey_template: about='org' needs an 'org' column on the "
                             "roster")
        orgs = sorted(pd.unique(members["org"].dropna().astype("str")))
        partners = [(o, o) for o in orgs]
    lead = {"member_id": members["member_id"],
            text["name"]: (display_names(members["name"]).to_numpy()
                           if "name" in members.columns else ""),
            text["org"]: (members["org"].to_numpy() if "org" in members.columns else ""),
            text["date"]: ""}
    table = pd.DataFrame(lead)
    columns = [f"{q} [{label}]" for _pid, label in partners for q, _item in questions]
    ratings = pd.DataFrame("", index=table.index, columns=columns)
    table = pd.concat([table, ratings], axis=1)
    if fmt == "csv":
        table.to_csv(path, index=False, encoding="utf-8")
        return path
    _survey_workbook(table, path, members, partners, questions, about, text,
                     list(ANSWER_LABELS[lang]))
    return path


def _format(path: Path, format: str | None, what: str) -> str:
    fmt = format or path.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"{what}: format must be 'xlsx' or 'csv' (or a path ending in "
                         f".xlsx / .csv); got {format or path.suffix!r}")
    if not path.parent.is_dir():
        raise ValueError(f"{what}: the folder {str(path.parent)!r} does not exist")
    return fmt


def _survey_workbook(table: pd.DataFrame, path: Path, members: pd.DataFrame,
                     partners: list, questions: list, about: str, text: dict,
                     answers: list[str]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = text["survey"]
    ws.append(list(table.columns))
    for row in table.itertuples(index=False):
        ws.append([None if v == "" else v for v in row])
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "E2"
    n, first = len(table), 5
    last = first + len(partners) * len(questions) - 1
    for j in range(1, last + 1):
        ws.column_dimensions[get_column_letter(j)].width = 16 if j < first else 14
    if n and last >= first:
        dv = DataValidation(type="list", formula1='"' + ",".join(answers) + '"',
                            allow_blank=True)
        dv.add(f"{get_column_letter(first)}2:{get_column_letter(last)}{n + 1}")
        ws.add_data_validation(dv)
    grey = PatternFill("solid", fgColor="DDDDDD")
    block = {pid: i for i, (pid, _label) in enumerate(partners)}
    own = (members["member_id"] if about == "member"
           else members["org"] if "org" in members.columns else pd.Series(dtype="str"))
    for r, key in enumerate(own.tolist(), start=2):
        if key in block:
            start = first + block[key] * len(questions)
            for j in range(start, start + len(questions)):
                ws.cell(row=r, column=j).fill = grey
    info = wb.create_sheet(text["instructions"])
    info.append([text["intro"]])
    info.append([])
    info.append([text["answers"]])
    for i, a in enumerate(answers, start=1):
        info.append([a, i])
    info.append([])
    info.append([text["question"], text["item"]])
    for q, item in questions:
        info.append([q, item])
    info.append([])
    info.append([text["read"]])
    info.column_dimensions["A"].width = 40
    wb.save(path)


def signin_template(roster_or_network: PeerNetwork | pd.DataFrame, path: str | Path, *,
                    dates: Sequence[Any] | None = None, lang: str = "en",
                    title: str | None = None, blank_rows: int = 15) -> Path:
    """Write a sign-in workbook: the members listed by name, a column to sign.

    Parameters
    ----------
    roster_or_network : PeerNetwork or DataFrame
        The members (``member_id``, ``name``, optional ``org``, ``email``).
    path : str or Path
        The ``.xlsx`` file to write.
    dates : list of date-like, optional
        One sheet per meeting, its date filled in. Default: one sheet with an empty
        ``Date:`` cell to fill in at the meeting.
    lang : {"en", "es"}, default "en"
    title : str, optional
        Printed on top of each sheet (default: the network's name and "sign-in sheet").
    blank_rows : int, default 15
        Empty lines at the end for people not on the list.

    Returns
    -------
    Path
        ``path``. Each sheet: a title, ``Date:`` (``Fecha:``) and the date, then the header
        ``Name, Organization, Email, Signature`` (``Nombre, Organización, Email, Firma``)
        and a row per member (names as on the roster, email left empty: it is personal).
        :func:`peernet.read_signin` reads it: a signed row is an attendance, an unsigned
        one is not.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "signin.xlsx"
    >>> p = pn.signin_template(pn.load_sample("davis"), p, dates=["2026-02-05"])
    >>> pd.read_excel(p, header=3).columns.tolist()
    ['Name', 'Organization', 'Email', 'Signature']
    """
    from openpyxl import Workbook
    from openpyxl.styles import Border, Font, Side

    text = _check_lang(lang)
    path = Path(path)
    if _format(path, None, "signin_template") != "xlsx":
        raise ValueError(f"signin_template: the sign-in sheet is a workbook: use a path "
                         f"ending in .xlsx; got {path.name!r}")
    if not isinstance(blank_rows, int) or blank_rows < 0:
        raise ValueError(f"blank_rows must be a whole number >= 0; got {blank_rows!r}")
    members = _roster(roster_or_network, "signin_template")
    if "name" not in members.columns:
        raise ValueError("signin_template: the roster needs a 'name' column (people sign "
                         "beside their name)")
    name = title or text["sheet_title"].format(
        name=getattr(roster_or_network, "name", None) or "Network")
    people = pd.DataFrame({"name": display_names(members["name"]).to_numpy(),
                           "org": (members["org"].to_numpy() if "org" in members.columns
                                   else None)})
    people = people.dropna(subset=["name"]).sort_values(["name"], kind="stable")
    days = [None] if not dates else [pd.Timestamp(d) for d in dates]
    wb = Workbook()
    wb.remove(wb.active)
    line = Side(style="thin", color="999999")
    for day in days:
        ws = wb.create_sheet(text["signin"] if day is None else f"{day:%Y-%m-%d}")
        ws.append([name])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([text["date_label"], None if day is None else day.to_pydatetime().date()])
        if day is not None:
            ws["B2"].number_format = "yyyy-mm-dd"
        ws.append([text["signin_help"]])
        ws.append([text["h_name"], text["h_org"], text["h_email"], text["h_sign"]])
        for cell in ws[4]:
            cell.font = Font(bold=True)
        for person in people.itertuples(index=False):
            ws.append([person.name, None if pd.isna(person.org) else person.org])
        for _ in range(blank_rows):
            ws.append([])
        for row in ws.iter_rows(min_row=4, max_row=4 + len(people) + blank_rows, max_col=4):
            for cell in row:
                cell.border = Border(top=line, bottom=line, left=line, right=line)
        for col, width in zip("ABCD", (30, 30, 28, 24), strict=True):
            ws.column_dimensions[col].width = width
        ws.print_title_rows = "4:4"
    wb.save(path)
    return path
