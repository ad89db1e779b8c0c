"""Names, emails and devices as the loaders see them: the normalisers behind identity matching.

Kept below :mod:`peernet.io.identity` and :mod:`peernet.io.roster`, which both use them, so that
neither has to import the other for a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["normalize_names", "normalize_emails", "display_names", "is_unidentifiable",
           "slugify", "text", "unidentifiable"]

_TAGS = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]")
_PRONOUNS = re.compile(r"\b(?:she|he|they|ze|xe|her|him|them)\s*/\s*(?:her|him|them|hers|his|"
                       r"theirs|she|he|they)\b(?:\s*/\s*\w+)?", re.IGNORECASE)
_TITLES = re.compile(r"^(?:dr|mr|mrs|ms|mx|prof|sr|sra|herr|frau)\.?\s+")
_DEVICE = re.compile(r"(?:^|\s)(?:iphone|ipad|android|galaxy|pixel|samsung|huawei|xiaomi|"
                     r"ipod|macbook|zoom user|call in user|callin user|guest|unknown|user)"
                     r"(?:\s|$)")
_PHONE = re.compile(r"^\+?[\d\s\-\(\)\./]{6,}$")
# RFC 5322: the domain need not have a dot (``alice@edu``, a local host)
_EMAIL = re.compile(r"^[^@\s<>\(\),;:]+@[^@\s<>\(\),;:.][^@\s<>\(\),;:]*$")


# ------------------------------------------------------------------------ normalisation
def text(values: Iterable[Any] | pd.Series) -> pd.Series:
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="object")
    if s.dtype == "str":
        return s
    return s.astype("object").where(s.notna(), None).astype("str")


def normalize_emails(values: Iterable[Any] | pd.Series) -> pd.Series:
    """Lower-cased, trimmed emails (``mailto:`` and ``<>`` removed); missing when not an email.

    Examples
    --------
    >>> normalize_emails(["  Ben@OrgB.net ", "<ada@orga.org>", "not an email"]).tolist()
    ['ben@orgb.net', 'ada@orga.org', nan]
    """
    s = text(values).str.strip().str.lower()
    s = s.str.replace(r"^mailto:", "", regex=True).str.strip("<> \t")
    ok = s.str.match(_EMAIL, na=False)
    return s.where(ok, np.nan).astype("str")


def display_names(values: Iterable[Any] | pd.Series) -> pd.Series:
    """Names as a person would write them: tags like ``(External)`` removed, ``Last, First``
    turned round, whitespace collapsed; case and accents kept.

    Examples
    --------
    >>> display_names(["Obi, Ada", "Ben Roy (External)", "  priya  (she/her)"]).tolist()
    ['Ada Obi', 'Ben Roy', 'priya']
    """
    s = text(values).str.replace("\x00", "", regex=False)
    s = s.str.replace(_TAGS, " ", regex=True).str.replace(_PRONOUNS, " ", regex=True)
    s = s.str.replace(r"\s+", " ", regex=True).str.strip(" ,;-")
    parts = s.str.extract(r"^([^,]+),([^,]+)$")
    two = parts[0].notna().to_numpy()
    swapped = parts[1].str.strip() + " " + parts[0].str.strip()
    s = s.where(~two, swapped).str.strip()
    return s.where(s.notna() & (s != ""), np.nan).astype("str")


def normalize_names(values: Iterable[Any] | pd.Series) -> pd.Series:
    """Names reduced to a matching key: accents and case folded, ``Last, First`` turned
    round, tags (``(External)``, ``(Guest)``, ``(she/her)``), titles and punctuation removed.

    Examples
    --------
    >>> normalize_names(["Obi, Ada", "ADA  OBI (External)", "Benoît Roy", "Dr. Cy Dee"]).tolist()
    ['ada obi', 'ada obi', 'benoit roy', 'cy dee']
    """
    s = display_names(values)
    s = s.str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True).str.casefold()
    s = s.str.replace(r"['’`´]", "", regex=True).str.replace(r"[\.\-_,;:/\\\"!?*#@&+|]", " ",
                                                                   regex=True)
    s = s.str.replace(r"\s+", " ", regex=True).str.strip().str.replace(_TITLES, "", regex=True)
    return s.where(s.notna() & (s != ""), np.nan).astype("str")


def is_unidentifiable(values: Iterable[Any] | pd.Series) -> pd.Series:
    """True for names that identify a device or a phone line, not a person (``iPhone``,
    ``Galaxy S21``, ``+1 555 010 2030``, ``Call-in User_1``) or are empty.

    Examples
    --------
    >>> is_unidentifiable(["iPhone", "Ada's iPad", "+49 30 1234567", "Ada Obi", None]).tolist()
    [True, True, True, False, True]
    """
    raw = text(values).str.strip()
    return unidentifiable(raw, normalize_names(raw))


def unidentifiable(raw: pd.Series, norm: pd.Series) -> pd.Series:
    device = norm.str.contains(_DEVICE, na=False) | norm.str.fullmatch(r"call in user \d*",
                                                                        na=False)
    phone = raw.str.match(_PHONE, na=False)
    return (device | phone | norm.isna()).astype(bool)


def slugify(values: pd.Series) -> pd.Series:
    """Lower-case ASCII slugs of ``values`` (accents dropped, runs of other characters to
    ``-``, at most 40 characters; empty ones become ``person``), for ids made from text."""
    s = values.astype("str").str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "",
                                                                regex=True).str.lower()
    s = s.str.replace(r"[^a-z0-9]+", "-", regex=True).str.strip("-").str.slice(0, 40)
    return s.where(s.notna() & (s != ""), "person")
