"""Pseudonymisation, small-group suppression and spreadsheet-safe tables.

Evaluation data is personal: names, emails, who talks to whom, who rated whom low on trust.
Three tools keep reports safe to share:

- :func:`pseudonymize` replaces every member id, name and email with a keyed pseudonym
  (HMAC-SHA256 of the id under a secret ``salt``), maps every reference to a member in every
  table, and removes the free-text fields that can carry names. The same salt gives the same
  pseudonyms next year, so year-over-year comparisons still work; without the salt the
  pseudonyms cannot be linked back to people.
- :func:`suppress_small` masks the rows of a breakdown (by organization, sector, region,
  language...) that describe fewer than ``min_group_size`` people, and says which ones.
- :func:`neutralize_formulas` makes text cells safe to open in a spreadsheet (CSV formula
  injection).

``docs/privacy.md`` explains what peernet stores and shows and how to share reports.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from .errors import PeernetError
from .network import TABLE_NAMES, PeerNetwork
from .quality import DataQuality
from .schema import TABLES
from .scrubbing import REDACTED, Scrubber, add_distinct, kept_strings
from .spreadsheets import neutralize_formulas as neutralize_formulas
from .spreadsheets import neutralize_text as neutralize_text

__all__ = ["MIN_GROUP_SIZE", "pseudonymize", "pseudonym_key", "salt_id", "MIN_SALT_LENGTH",
           "scrub_quality",
           "scrub_text",
           "sensitive_strings", "KEPT", "suppress_small", "neutralize_formulas", "neutralize_text",
           "PERSONAL_COLUMNS",
           "GROUP_COLUMNS", "REDACTED_COLUMNS", "REDACTED", "FORMULA_START", "EMAIL_PATTERN",
           "redact_emails",
           "QUOTED_PATTERN", "FILE_NAME_PATTERN"]

#: Member columns that describe a group; those not in ``keep`` get keyed pseudonyms too.
GROUP_COLUMNS = ("org", "sector", "region")

#: Free-text columns that can carry names; their text is removed (a non-empty cell becomes
#: :data:`REDACTED`, so "has an outcome" counts stay right).
REDACTED_COLUMNS = {
    "events": ("title",),
    "problems": ("outcome",),
    "checklist": ("note",),
    "outcomes": ("note",),
}
#: Text starting with one of these is read as a formula by Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: Id columns that are not member references, with the namespace of their pseudonyms.
_OTHER_IDS = {
    "events": {"event_id": "event"},
    "interactions": {"event_id": "event", "thread_id": "message", "message_id": "message"},
    "problems": {"problem_id": "problem"},
    "actions": {"action_id": "action", "event_id": "event"},
}
#: Member references per table (``list`` columns hold several ids, '; '-joined).
_MEMBER_COLUMNS = {
    "members": ("member_id", "supervisor_id"),
    "interactions": ("source", "target"),
    "problems": ("raised_by", "helpers"),
    "actions": ("owner",),
    "surveys": ("respondent",),
    "events": ("host",),
    "checklist": ("rater",),
}
_PREFIX = {"member": "p", "org": "org-", "sector": "sector-", "region": "region-",
           "event": "e-", "message": "msg-", "problem": "pr-", "action": "a-"}
_DIGITS = 12  # hex digits of the HMAC kept: 48 bits, no collision in practice


def salt_key(salt: str | bytes) -> bytes:
    if isinstance(salt, str):
        salt = salt.encode("utf-8")
    if not isinstance(salt, bytes | bytearray):
        raise TypeError(f"salt must be a str or bytes kept secret by the evaluator; got "
                        f"{type(salt).__name__}")
    if len(salt) == 0:
        raise ValueError("salt must not be empty: choose a secret phrase, keep it with the "
                         "evaluation files and use the same one next year")
    if len(salt) < MIN_SALT_LENGTH:
        raise ValueError(f"salt must be at least {MIN_SALT_LENGTH} characters (a short salt "
                         f"is found by trying them all, and with it every pseudonym); got "
                         f"{len(salt)}. Choose a secret phrase")
    return bytes(salt)


#: The shortest salt accepted (bytes of its UTF-8 encoding).
MIN_SALT_LENGTH = 8


def salt_id(salt: str | bytes) -> str:
    """A fingerprint of the salt: equal for equal salts, slow to test a guess against.

    ``scrypt`` (RFC 7914, N=2**15, r=8: about 0.1 s and 32 MB a try) instead of a plain
    hash, so that the ``salt_id`` stored with pseudonymised data does not let someone confirm
    guessed salts offline at millions a second. It still confirms a guess: keep salts long
    and secret.

    >>> salt_id("a secret phrase") == salt_id("a secret phrase") != salt_id("another one")
    True
    """
    key = salt_key(salt)
    return hashlib.scrypt(key, salt=b"peernet salt_id", n=2**15, r=8, p=1, dklen=16,
                          maxmem=64 * 2**20).hex()[:12]


def pseudonym_mapping(values: Iterable[Any], key: bytes, namespace: str) -> dict[str, str]:
    """Pseudonym of each distinct value: prefix + first hex digits of HMAC(namespace:value)."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="object")
    distinct = pd.unique(series.dropna().astype("str"))
    prefix, tag = _PREFIX[namespace], f"{namespace}:".encode()
    digest = hmac.digest
    out = {v: prefix + digest(key, tag + v.encode("utf-8", "surrogatepass"), "sha256")
           .hex()[:_DIGITS] for v in distinct}
    if len(set(out.values())) != len(out):  # pragma: no cover - 2**-48 per pair
        raise PeernetError(f"two {namespace} ids got the same pseudonym; choose another salt")
    return out


def _map_ids(s: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    """Map an id column (values missing from ``mapping`` become missing)."""
    out = s.astype("str").map(mapping)
    return out.where(s.notna(), np.nan).astype("str")


def _map_list(s: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    """Map a '; '-joined list column item by item (vectorised with explode)."""
    if s.notna().sum() == 0:
        return s
    items = s.dropna().astype("str").str.split(";").explode().str.strip()
    items = items[items != ""].map(mapping).dropna()
    joined = items.groupby(level=0, sort=False).agg("; ".join)
    out = pd.Series(np.nan, index=s.index, dtype="str")
    out.loc[joined.index] = joined.to_numpy()
    return out


def pseudonym_key(net: PeerNetwork, *, salt: str | bytes) -> pd.DataFrame:
    """The link between member ids and their pseudonyms, for the evaluator's eyes only.

    Parameters
    ----------
    net : PeerNetwork
    salt : str or bytes
        The secret used with :func:`pseudonymize`.

    Returns
    -------
    DataFrame
        ``member_id``, ``pseudonym`` (one row a member, sorted by member_id). Keep it with the
        raw data, never with a shared report.

    Examples
    --------
    >>> key = pn.privacy.pseudonym_key(pn.load_sample("davis"), salt="s3cret-salt")
    >>> len(key), key["pseudonym"].str.len().unique().tolist()
    (18, [13])
    """
    mapping = pseudonym_mapping(net.root.members["member_id"], salt_key(salt), "member")
    out = pd.DataFrame({"member_id": pd.Series(list(mapping), dtype="str"),
                        "pseudonym": pd.Series(list(mapping.values()), dtype="str")})
    return out.sort_values("member_id", ignore_index=True)


def pseudonymize(net: PeerNetwork, *, salt: str | bytes,
                 keep: Sequence[str] = ("org", "sector", "region")) -> PeerNetwork:
    """Replace people's ids, names and emails with stable keyed pseudonyms.

    Every member id becomes ``"p" + HMAC-SHA256(salt, "member:" + id)[:12]`` (hex), in the
    roster and in every reference to a member: interactions ``source``/``target``, problems
    ``raised_by``/``helpers``, actions ``owner``, surveys ``respondent``/``about``, events
    ``host``, checklist ``rater`` and members ``supervisor_id``. Names become the pseudonym;
    emails are removed. Other ids are pseudonymised in their own namespaces so that no id
    from an export (a meeting topic, a mail ``Message-ID`` holding an address) leaks:
    ``event_id`` (``e-...``), ``thread_id``/``message_id`` (``msg-...``), ``problem_id``
    (``pr-...``), ``action_id`` (``a-...``).

    What is removed:

    - members ``email`` (the column), and every column of any table that is not in the
      schema (exports keep unknown columns such as ``Name (original name)``);
    - the free text of events ``title``, problems ``outcome``, checklist ``note`` and
      outcomes ``note``: a non-empty cell becomes ``"[removed]"`` (so shares such as
      "problems with a recorded outcome" are unchanged);
    - in ``net.quality``, the ``value`` read from the file (a member id is mapped to its
      pseudonym, anything else is left empty), and roster names, emails and ids found in
      the problem text or the source name are replaced;
    - ``net.meta`` strings likewise scrubbed.

    Group columns (:data:`GROUP_COLUMNS`: org, sector, region) named in ``keep`` stay
    readable; the others get keyed pseudonyms (``org-...``), so breakdowns and org graphs
    still work. ``language``, ``role``, dates, topics and ratings are kept: they are needed
    for the metrics and are coarse (but see ``docs/privacy.md`` on small groups).

    Parameters
    ----------
    net : PeerNetwork
        A whole network or a slice (a slice is pseudonymised whole and sliced again).
    salt : str or bytes
        A secret phrase. Same salt, same pseudonyms: keep it with the raw data and use it
        again next year; never put it in a report. It is not stored in the result.
    keep : sequence of str, default ("org", "sector", "region")
        Group columns left readable; any of :data:`GROUP_COLUMNS`.

    Returns
    -------
    PeerNetwork
        A new network (the input is not changed) with ``meta["pseudonymized"]`` recording the
        method, ``keep`` and a fingerprint of the salt (``salt_id``: pseudonyms of two
        networks are comparable when their ``salt_id`` match).

    Raises
    ------
    ValueError
        Empty salt, or ``keep`` naming something else than org, sector, region.
    TypeError
        A salt that is neither text nor bytes.

    Notes
    -----
    A keyed hash (HMAC) instead of a plain hash: member ids and emails are few and
    guessable, so ``sha256("ana@clinic.org")`` can be reversed by trying the roster; with a
    secret key it cannot. Pseudonymised data is still personal data under GDPR (Recital 26):
    the salt's holder can re-identify, and rare attribute combinations can single people
    out; suppress small groups before showing breakdowns (:func:`suppress_small`).

    References
    ----------
    Krawczyk, H., Bellare, M. and Canetti, R. (1997). HMAC: Keyed-hashing for message
    authentication. RFC 2104.

    Examples
    --------
    >>> net = pn.load_sample("davis")
    >>> anon = pn.pseudonymize(net, salt="s3cret-salt")
    >>> bool(anon.members["member_id"].str.startswith("p").all()), len(anon.interactions)
    (True, 89)
    >>> set(net.members["name"]) & set(anon.members["name"])
    set()
    >>> again = pn.pseudonymize(net, salt="s3cret-salt")
    >>> anon.members["member_id"].equals(again.members["member_id"])
    True
    """
    key = salt_key(salt)
    keep = (keep,) if isinstance(keep, str) else tuple(keep)
    wrong = [k for k in keep if k not in GROUP_COLUMNS]
    if wrong:
        raise ValueError(f"keep must name group columns among {GROUP_COLUMNS}; got "
                         f"{wrong[0]!r}")
    if net.window is not None:
        whole = pseudonymize(net.root, salt=salt, keep=keep)
        return whole._slice(net.window)
    members = net.members
    ids = set(members["member_id"].dropna().astype("str"))
    for table, columns in _MEMBER_COLUMNS.items():
        df = getattr(net, table)
        for col in columns:
            if col in df.columns:
                if TABLES[table].column(col).dtype == "list":
                    ids.update(pd.unique(_items(df[col])))
                else:
                    ids.update(pd.unique(df[col].dropna().astype("str")))
    member_map = pseudonym_mapping(ids, key, "member")
    group_maps = {g: pseudonym_mapping(members[g], key, g) for g in GROUP_COLUMNS
                  if g not in keep and g in members.columns}
    other_maps: dict[str, dict[str, str]] = {}
    for table, namespaces in _OTHER_IDS.items():
        df = getattr(net, table)
        for col, namespace in namespaces.items():
            if col in df.columns:
                other_maps.setdefault(namespace, {})
                other_maps[namespace].update(pseudonym_mapping(df[col], key, namespace))

    out: dict[str, pd.DataFrame] = {}
    for table in TABLE_NAMES:
        df = getattr(net, table)
        known = [c for c in df.columns if c in TABLES[table].names and c != "email"]
        df = df[known].copy()
        for col in _MEMBER_COLUMNS.get(table, ()):
            if col in df.columns:
                if TABLES[table].column(col).dtype == "list":
                    df[col] = _map_list(df[col], member_map)
                else:
                    df[col] = _map_ids(df[col], member_map)
        for col, namespace in _OTHER_IDS.get(table, {}).items():
            if col in df.columns:
                df[col] = _map_ids(df[col], other_maps[namespace])
        for col in REDACTED_COLUMNS.get(table, ()):
            if col in df.columns:
                filled = df[col].notna() & (df[col].astype("str").str.strip() != "")
                df[col] = pd.Series(REDACTED, index=df.index, dtype="str").where(filled)
        out[table] = df
    m = out["members"]
    if "name" in m.columns:
        m["name"] = m["member_id"]
    for g, mapping in group_maps.items():
        m[g] = _map_ids(m[g], mapping)
    out["surveys"] = _surveys_about(net.surveys, out["surveys"], member_map,
                                    None if "org" in keep else key)

    scrub = Scrubber(_replacements(members, member_map))
    quality = _quality(net.quality, member_map, scrub)
    meta = {k: (scrub.text(v) if isinstance(v, str) else v) for k, v in net.meta.items()}
    meta["pseudonymized"] = {
        "method": "hmac-sha256", "digits": _DIGITS, "keep": list(keep),
        "salt_id": salt_id(key),
        "redacted": {t: list(c) for t, c in REDACTED_COLUMNS.items()},
    }
    return replace(net, **out, quality=quality, meta=meta, parent=None, window=None)


def _replacements(members: pd.DataFrame, member_map: Mapping[str, str]) -> dict[str, str]:
    """Roster ids, names and emails -> the member's pseudonym (or the mask)."""
    out: dict[str, str] = dict(member_map)
    for col in ("name", "email"):
        if col in members.columns:
            found = members[["member_id", col]].dropna()
            out.update({str(v): member_map.get(str(i), REDACTED)
                        for i, v in zip(found["member_id"], found[col], strict=True)})
    return out


def scrub_quality(net: PeerNetwork) -> DataQuality:
    """``net.quality`` without personal data, and without any salt: for named-free reports.

    The ``value`` read from the file is removed from every row. In problem texts and source
    names: roster ids, names and emails, and every other value the loaders read into a
    column about a person or a free text (:func:`sensitive_strings`) become
    ``"[removed]"``; so do email addresses and any quoted text that is not a column name
    of the schema (a free-text answer, a name not on the roster, an export's message:
    ``unknown answer label '[removed]'``). Export file names (which name people: ``Zed
    Hidden 1-1 - Attendance report.csv``) become ``export 1.csv``, ``export 2.csv`` ...
    in the order of their names; the canonical tables (``members.csv``, ...) keep theirs.
    Row numbers, columns, problems, actions and counts stay, so the report can still say
    what was dropped and why. Deterministic (unlike pseudonymising with a throw-away salt).

    Examples
    --------
    >>> q = pn.privacy.scrub_quality(pn.load_sample("riverbend"))
    >>> bool(q.issues["value"].isna().all()), len(q.counts)
    (True, 8)
    """
    from ._cache import cached

    # kept with the personal strings (a network relabelled for a report takes both over)
    return cached(net.root, KEPT["quality"], lambda: _quality(
        net.quality, None, Scrubber(sensitive_strings(net)), files=file_labels(net)))


#: Columns whose values name or describe a person, or are free text: what a loader read
#: there is scrubbed from reports wherever it appears.
PERSONAL_COLUMNS = frozenset({
    "member_id", "name", "email", "supervisor_id", "source", "target", "respondent", "about",
    "raised_by", "helpers", "owner", "host", "rater", "title", "outcome", "note", "value",
    "topic", "expertise", "needs", "event_id", "thread_id", "message_id", "problem_id",
    "action_id"})
EMAIL_PATTERN = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_DOMAIN = re.compile(r"@[\w\-]+(?:\.[\w\-]+)+")


def _local_char(c: str) -> bool:
    """``c`` is a character of an address's local part, ``[\\w.%+\\-]`` (``\\w``: what
    ``str.isalnum`` is, and ``_``)."""
    return c.isalnum() or c in "_.%+-"


def redact_emails(text: str, replacement: str = REDACTED) -> tuple[str, int]:
    """``EMAIL_PATTERN.subn(replacement, text)``, in time linear in the text's length.

    The regex alone is quadratic on a long run of letters, dots or dashes with no ``@``
    after it (minified JavaScript, a base64 image, a hostile cell): it tries every start in
    the run and reads to the run's end each time (11 s on the 0.8 MB interactive map).
    Here each run is read once; a run followed by ``@`` and a domain is an address, from
    the run's start or from the end of the address before it, as the regex would give
    (tested equal to it).

    >>> redact_emails("write to ana.lopez@example.org or bo@x.co.uk")
    ('write to [removed] or [removed]', 2)
    """
    if "@" not in text:
        return text, 0
    parts: list[str] = []
    last = n = 0
    at = text.find("@")
    while at != -1:
        # the run of local-part characters that ends at this "@" (back to the end of the
        # address before it): each character is read once, and only next to an "@"
        start = at
        while start > last and _local_char(text[start - 1]):
            start -= 1
        domain = _DOMAIN.match(text, at) if start < at else None
        if domain is not None:
            parts += [text[last:start], replacement]
            last = domain.end()
            n += 1
        at = text.find("@", max(at + 1, last))
    if not n:
        return text, 0
    parts.append(text[last:])
    return "".join(parts), n
#: Quoted text ('...', "...", typographic quotes): a value or a remark, in a message.
QUOTED_PATTERN = _QUOTED = re.compile(r"(?<!\w)'([^'\n]{1,500})'(?!\w)|\"([^\"\n]{1,500})\"|"
                     r"\u2018([^\u2019\n]{1,500})\u2019|\u201c([^\u201d\n]{1,500})\u201d")
#: A file name (``Zed Hidden 1-1 - Attendance report.csv``) inside a text.
FILE_NAME_PATTERN = _FILE_NAME = re.compile(
    r"(?<![\w.\-])[\w][\w\-.]{0,200}?\.(?:csv|tsv|txt|xlsx|xlsm|xls|ods|json|jsonl|ndjson|"
    r"mbox|eml|zip|gz|parquet|dat|edges|xml|gexf|graphml|html?|docx|pdf)(?![\w])",
    re.IGNORECASE)


_EXPORT_SUFFIX = re.compile(r"\.(?:csv|tsv|txt|xlsx|xlsm|xls|ods|json|jsonl|ndjson|mbox|eml|zip|"
                            r"gz|parquet|dat|edges|xml|gexf|graphml)$", re.IGNORECASE)


def _canonical_file(name: str) -> bool:
    """A file name peernet itself defines (``members.csv``, ``peernet.json``): not personal."""
    stem = str(name).replace("\\", "/").rsplit("/", 1)[-1].split(".", 1)[0].lower()
    return stem in TABLE_NAMES or stem in ("peernet", "aliases", "roster", "outcomes",
                                          "report", "index")


def file_labels(net: PeerNetwork) -> dict[str, str]:
    """Export file names -> ``export N.ext`` (in name order); canonical tables keep theirs."""
    q = net.root.quality
    # what a loader read is a file whatever its suffix (an edge list ``.dat``); other names
    # (inputs, notes) count as files by the suffixes exports have
    read = set(q.counts["source"].dropna().astype("str")) | set(
        q.issues["source"].dropna().astype("str"))
    names = set(read)
    for row in (net.root.meta or {}).get("inputs", []) or []:
        if isinstance(row, dict) and row.get("file"):
            names.add(str(row["file"]))
    out: dict[str, str] = {}
    issues = q.issues
    if len(issues):  # files named in notes (read_events: "read as Zoom", value = the file)
        notes = issues[issues["column"].isna()]["value"].dropna().astype("str")
        names |= set(notes[notes.str.contains(_EXPORT_SUFFIX)])
    names = {n for n in names if _EXPORT_SUFFIX.search(n)
             or (n in read and re.search(r"\.[A-Za-z0-9]{1,10}$", n))}
    for i, name in enumerate(sorted(n for n in names if not _canonical_file(n)), 1):
        ext = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
        out[name] = f"export {i}" + (f".{ext}" if ext.isalnum() and len(ext) <= 8 else "")
    return out


#: Where :func:`sensitive_strings` (with its arguments) and :func:`scrub_quality` keep
#: their results on a network's root (:func:`peernet._cache.cached`).
KEPT = {"strings": ("privacy", "sensitive_strings"), "quality": ("privacy", "scrub_quality")}


def sensitive_strings(net: PeerNetwork, *, min_length: int = 3,
                      ids: bool = True) -> dict[str, str]:
    """Every personal string the loaders saw -> what a report shows instead.

    Roster ids, names and emails (also of guests, who are in the roster as unmatched
    members), the values read into the columns of :data:`PERSONAL_COLUMNS` that were
    dropped or repaired (``net.quality``: names not on the roster, free-text answers),
    the ids of events, threads and problems, and export file names (to ``export N``).
    Strings shorter than ``min_length`` and the words of the schema are left out (they
    would match ordinary words); with ``ids=False`` the ids and the free texts of events
    and problems too (to search whole files, where an id like ``1001`` would match a number
    and a meeting title like "Annual network evaluation 2025" the report's own title).
    Computed once a network (kept on ``net.root``: a report asks for it several times, and
    at 10 million interactions the message ids alone are millions of strings); each call
    returns a copy.
    """
    from ._cache import cached

    return dict(cached(net.root, (*KEPT["strings"], min_length, ids),
                       lambda: _sensitive_strings(net, min_length, ids)))


def _sensitive_strings(net: PeerNetwork, min_length: int, ids: bool) -> dict[str, str]:
    root = net.root
    members = root.members
    out: dict[str, str] = {}
    member_ids = dict.fromkeys(members["member_id"].dropna().astype("str").tolist(), REDACTED)
    out.update(_replacements(members, member_ids))
    if not ids:
        out = {k: v for k, v in out.items() if k not in member_ids}
    columns: list[pd.Series] = []
    issues = root.quality.issues
    if len(issues):
        personal = issues["column"].astype("str").str.lower().str.strip().isin(
            PERSONAL_COLUMNS) & issues["column"].notna()
        columns.append(issues.loc[personal, "value"])
    id_columns = (("events", ("event_id", "host", "title")), ("problems", ("problem_id",
                                                                           "outcome")),
                  ("interactions", ("thread_id", "message_id")))
    for table, names in id_columns if ids else ():
        df = getattr(root, table)
        columns.extend(df[col] for col in names if col in df.columns)
    add_distinct(out, columns)
    files = file_labels(net)
    out.update(files)
    # a network (or slice) named after an export file: its name is the file's stem
    out.update({k.rsplit(".", 1)[0]: v.rsplit(".", 1)[0] for k, v in files.items()})
    return kept_strings(out, min_length, _vocabulary())


def _vocabulary() -> set[str]:
    words = set(TABLE_NAMES) | {REDACTED.lower()}
    for spec in TABLES.values():
        for col in spec.columns:
            words.add(col.name.lower())
            words.update(str(a).lower() for a in (col.allowed or ()))
    return words


def scrub_text(text: str, scrub: Scrubber | None = None,
               files: Mapping[str, str] | None = None) -> str:
    """``text`` without what may name a person: known strings, emails, quoted values, file
    names (see :func:`scrub_quality`)."""
    if not isinstance(text, str):
        return text
    for name, label in sorted((files or {}).items(), key=lambda kv: -len(kv[0])):
        text = text.replace(name, label)
    if scrub is not None:
        text = scrub.text(text)
    text = redact_emails(text)[0]
    vocabulary = _vocabulary()

    def quoted(m: re.Match) -> str:
        inner = next(g for g in m.groups() if g is not None)
        if inner.strip().lower() in vocabulary or inner == REDACTED or re.fullmatch(
                r"[\d.,:\-/ TZAPMapm+]*|export \d+(\.\w+)?", inner):
            return m.group(0)
        return m.group(0)[0] + REDACTED + m.group(0)[-1]

    text = _QUOTED.sub(quoted, text)
    return _FILE_NAME.sub(lambda m: m.group(0) if _canonical_file(m.group(0)) or re.fullmatch(
        r"[\d\-_.]+\.\w+", m.group(0)) else "[file]", text)


def _items(s: pd.Series) -> np.ndarray:
    items = s.dropna().astype("str").str.split(";").explode().str.strip()
    return items[items != ""].to_numpy()


def _surveys_about(raw: pd.DataFrame, df: pd.DataFrame, member_map: Mapping[str, str],
                   org_key: bytes | None) -> pd.DataFrame:
    """``about``: member pseudonyms, or org pseudonyms (``org_key`` given) for org ratings."""
    if "about" not in raw.columns or len(raw) == 0:
        return df
    about = raw["about"]
    if "about_level" in raw.columns:
        org_level = (raw["about_level"].astype("object") == "org").to_numpy()
    else:
        org_level = (~about.astype("str").isin(member_map.keys())).to_numpy() & \
            about.notna().to_numpy()
    as_member = _map_ids(about, member_map)
    as_org = (_map_ids(about, pseudonym_mapping(about[org_level], org_key, "org"))
              if org_key is not None else about.astype("str"))
    df["about"] = as_member.where(~org_level, as_org)
    return df


def _quality(q: DataQuality, member_map: Mapping[str, str] | None,
             scrub: Scrubber, files: Mapping[str, str] | None = None) -> DataQuality:
    def clean(s: pd.Series) -> pd.Series:
        if files is None:  # pseudonymize: names become pseudonyms, the rest stays
            return scrub.series(s)
        if len(s) == 0 or s.notna().sum() == 0:
            return s
        distinct = pd.unique(s.dropna())
        return s.map({v: scrub_text(v, scrub, files) for v in distinct}).where(s.notna(), s)

    issues = q.issues.copy()
    if len(issues):
        value = issues["value"]
        mapped = (value.map(member_map) if member_map is not None
                  else pd.Series(np.nan, index=value.index, dtype="str"))
        issues["value"] = mapped.where(value.notna(), np.nan).astype("str")
        issues["problem"] = clean(issues["problem"])
        issues["source"] = clean(issues["source"])
        if "column" in issues.columns:
            issues["column"] = clean(issues["column"])
    counts = q.counts.copy()
    if len(counts):
        counts["source"] = clean(counts["source"])
    return DataQuality(issues=issues, counts=counts)


# ---------------------------------------------------------------------- small groups
#: The smallest group a default output shows: the report, the organization map and the CLI
#: hide smaller groups of members or respondents; every ``min_group_size`` default is this.
MIN_GROUP_SIZE: int = 5


def suppress_small(df: pd.DataFrame, *, count_column: str, min_group_size: int = MIN_GROUP_SIZE,
                   by: Sequence[str] | None = None, columns: Sequence[str] | None = None,
                   complementary: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mask the rows of a breakdown that describe fewer than ``min_group_size`` people.

    A rating averaged over three respondents of one organization tells each of them what
    the other two said; a breakdown row that small is not shown. The row stays (so the
    table keeps its shape) but its numbers become missing and ``suppressed`` is True.

    **Complementary suppression** (``complementary=True``, the default): a total minus the
    visible rows gives the sum of the suppressed ones, so within each breakdown (the rows
    sharing every key but the last, e.g. one period and one ``by``) the smallest visible
    rows are suppressed too until the suppressed rows together hold at least
    ``min_group_size`` people and are at least two (or every row is suppressed). Their
    ``reason`` says so.

    Parameters
    ----------
    df : DataFrame
        A breakdown: one row a group (e.g. ``org``, ``n_respondents``, ``mean_trust``).
    count_column : str
        The column counting the people (respondents or members) behind each row.
    min_group_size : int, default :data:`MIN_GROUP_SIZE` (5)
        Rows with ``count_column < min_group_size`` are suppressed. A missing count counts
        as too small.
    by : sequence of str, optional
        The key columns naming the groups (default: every non-numeric column).
    columns : sequence of str, optional
        The columns masked on a suppressed row (default: every numeric column that is not a
        key, ``count_column`` included).

    Returns
    -------
    table : DataFrame
        ``df`` with the masked values and a boolean ``suppressed`` column (RangeIndex).
    suppressed : DataFrame
        The keys of the suppressed rows and ``reason`` (e.g. "fewer than 5 people"), for the
        report's note. The counts themselves are not repeated.

    Raises
    ------
    ValueError
        Missing columns or ``min_group_size < 1``.

    Examples
    --------
    >>> df = pd.DataFrame({"org": ["A", "B", "C", "D"], "n_respondents": [12, 3, 6, 9],
    ...                    "mean_trust": [3.1, 1.5, 2.8, 3.0]})
    >>> table, gone = pn.privacy.suppress_small(df, count_column="n_respondents")
    >>> table["mean_trust"].tolist(), gone["org"].tolist()
    ([3.1, nan, nan, 3.0], ['B', 'C'])
    >>> gone["reason"].tolist()[1]
    'suppressed too, so that the small group cannot be worked out from the totals'

    Without C, the total of all respondents minus A and D would give B's count.
    """
    if count_column not in df.columns:
        raise ValueError(f"count_column {count_column!r} is not a column; columns are "
                         f"{list(df.columns)}")
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, int | np.integer) \
            or min_group_size < 1:
        raise ValueError(f"min_group_size must be a whole number >= 1; got {min_group_size!r}")
    numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c].dtype)
               and not pd.api.types.is_bool_dtype(df[c].dtype)]
    keys = list(by) if by is not None else [c for c in df.columns if c not in numeric]
    masked = list(columns) if columns is not None else [c for c in numeric if c not in keys]
    missing = [c for c in [*keys, *masked] if c not in df.columns]
    if missing:
        raise ValueError(f"suppress_small: column(s) {missing} not found; columns are "
                         f"{list(df.columns)}")
    count = pd.to_numeric(df[count_column], errors="coerce").reset_index(drop=True)
    small = ~(count >= min_group_size).to_numpy(dtype=bool, na_value=False)
    extra = np.zeros(len(df), dtype=bool)
    if complementary and small.any():
        parts = keys[:-1]
        groups = (df.reset_index(drop=True).groupby(parts, sort=False, dropna=False).indices
                  if parts else {None: np.arange(len(df))})
        for idx in groups.values():
            idx = np.asarray(idx)
            hidden = idx[small[idx]]
            if not len(hidden):
                continue
            visible = sorted(idx[~small[idx]], key=lambda i: (count.iat[i], i))
            while visible and (len(hidden) + int(extra[idx].sum()) < 2 or float(
                    count.iloc[idx][small[idx] | extra[idx]].fillna(0).sum()) < min_group_size):
                extra[visible.pop(0)] = True
    table = df.reset_index(drop=True).copy()
    for col in masked:
        s = table[col]
        if pd.api.types.is_integer_dtype(s.dtype) and not isinstance(s.dtype, pd.Int64Dtype):
            s = s.astype("Int64") if (small | extra).any() else s
        table[col] = s.mask(small | extra)
    table["suppressed"] = small | extra
    gone = table.loc[small | extra, keys].reset_index(drop=True)
    gone["reason"] = np.where(small[small | extra], f"fewer than {min_group_size} people",
                              "suppressed too, so that the small group cannot be worked "
                              "out from the totals")
    return table, gone
