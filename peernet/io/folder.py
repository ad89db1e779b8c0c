"""A folder of mixed exports read in one call, each file's format sniffed from its content."""

from __future__ import annotations

import gzip
import hashlib
import stat
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ..errors import DataError, DataQualityWarning
from ..network import PeerNetwork
from ..quality import DataQuality, QualityLog
from ._export import check_errors, check_tz
from ._limits import MAX_DEPTH, regular_file

__all__ = ["read_events", "sniff_format", "FORMATS"]

#: What :func:`sniff_format` can answer, with the reader used for each.
FORMATS = {
    "zoom": "Zoom participants or webinar attendee report (pn.read_zoom)",
    "teams": "Microsoft Teams attendance report (pn.read_teams)",
    "meet": "Google Meet attendance report (pn.read_meet)",
    "slack": "Slack workspace export (pn.read_slack)",
    "mbox": "mailing-list archive, mbox (pn.read_mbox)",
    "signin": "sign-in workbook (pn.read_signin)",
    "xls": "old Excel .xls workbook (convert to .xlsx)",
    "survey": "partner survey, Google Forms or Qualtrics (pn.read_survey)",
    "roster": "roster table (pn.read_roster; used as the roster)",
    "aliases": "alias table written by Identities.save (used as identities)",
}
_HEAD = 65536


def _text_head(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def sniff_format(path: str | Path) -> str | None:
    """The export format of a file or folder, from its content (never its extension alone).

    Returns one of the keys of :data:`FORMATS`, or None when the content is none of them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "list.txt"
    >>> _ = p.write_text("From ada@orga.org  Tue Mar  5 09:14:02 2024\\nFrom: Ada\\n\\nHi\\n")
    >>> sniff_format(p)
    'mbox'
    """
    path = Path(path)
    if path.is_dir():
        top = {p.name for p in path.iterdir()}
        if {"users.json", "channels.json"} & top:
            return "slack"
        return None
    try:
        with open(path, "rb") as fh:
            raw = fh.read(_HEAD)
    except OSError:
        return None
    if raw.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as z:
                names = z.namelist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        if any(n == k or n.endswith("/" + k) for n in names
               for k in ("users.json", "channels.json")):
            return "slack"
        if "xl/workbook.xml" in names:
            from .roster import looks_like_roster

            return "roster" if looks_like_roster(path) else "signin"
        return None
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if raw.startswith(b"\x1f\x8b"):
        try:
            with gzip.open(path, "rb") as fh:
                raw = fh.read(_HEAD)
        except (OSError, EOFError, zlib.error):
            return None
    if raw.lstrip(b"\xef\xbb\xbf").startswith(b"From "):
        return "mbox"
    text = _text_head(raw).replace("\x00", "").lower()
    first = text.lstrip().split("\n", 1)[0]
    if "name (original name)" in text or "attendee report" in text or "webinar id" in text:
        return "zoom"
    if ("full name" in first and "user action" in first) or "1. summary" in text or \
            "participant id (upn)" in text or "in-meeting duration" in text or \
            "total number of participants" in text:
        return "teams"
    if "time joined" in first and "time exited" in first:
        return "meet"
    if "member_id" in first:
        cells = {c.strip().strip('"') for c in first.replace("\t", ",").replace(";", ",")
                 .split(",")}
        return "aliases" if {"kind", "alias"} <= cells else "roster"
    if ("timestamp" in first and "[" in first and "]" in first) or (
            "startdate" in first and "responseid" in first):
        return "survey"
    from .roster import looks_like_roster

    if looks_like_roster(path):
        return "roster"
    return None


def read_events(path: str | Path, *, tz: str, roster: Any = None, identities: Any = None,
                errors: Literal["report", "raise"] = "report", dayfirst: bool = False,
                name: str | None = None, surveys: Any = None) -> PeerNetwork:
    """Read a whole folder of exports (Zoom, Teams, Meet, Slack, mbox, sign-in sheets) into
    one PeerNetwork, people resolved across files.

    Every file and sub-folder is identified by its content (:func:`sniff_format`), read with
    its reader and combined with :func:`peernet.combine`. A roster table (``member_id``,
    ``name``, ``email``...) and an alias table found in the folder are used as ``roster``
    and ``identities`` unless given. Files that are not identified, or that fail to read
    (with ``errors="report"``), are listed in ``quality`` with the reason.

    Parameters
    ----------
    path : str or Path
        The folder (sub-folders are searched; a Slack export may be a ZIP or a folder).
    tz : str
        Zone of the local times in meeting reports, and the network's zone.
    roster, identities
        As in :func:`peernet.combine`.
    errors : {"report", "raise"}, default "report"
        With "raise", the first file that fails stops the reading.
    dayfirst : bool, default False
        How to read a file whose dates fit both orders (``04/03/2025``); each file's order
        is decided on its own (a day above 12 settles it, and is recorded).
    surveys : mapping, optional
        Survey file name -> keyword arguments of :func:`peernet.read_survey` (``items``,
        ``labels``, ``about_level``, ``wave``); also read from the folder's ``peernet.json``
        (``{"surveys": {"partners 2025.csv": {"wave": "2025"}}}``). Surveys (Google Forms,
        Qualtrics) are read after the other files, against the roster; a survey that
        cannot be read is listed with the reason.

    Returns
    -------
    PeerNetwork
        ``quality.counts`` has a row per file read; ``quality.issues`` notes each file's
        format (``read as ...``) and lists the files not read.

    Raises
    ------
    DataError
        The folder does not exist, or none of its files is a supported export.
    """
    tz = check_tz(tz)
    check_errors(errors)
    folder = Path(path)
    if not folder.exists():
        raise DataError("folder not found", file=str(folder))
    log = QualityLog(folder.name or str(folder))
    if not folder.is_dir():
        regular_file(folder)  # a FIFO or a device: refused, never opened
    items = [folder] if not folder.is_dir() or sniff_format(folder) == "slack" else \
        _walk(folder, log)
    nets, found_roster, found_aliases, found_surveys = [], None, None, []
    options = dict(_folder_options(folder).get("surveys", {}))
    options.update(dict(surveys or {}))
    digests: dict[str, str] = {}
    for item in items:
        rel = item.relative_to(folder).as_posix() if item != folder else item.name
        if item.name == "peernet.json" and item.parent == folder:
            continue   # reading options, read above
        if item.name.startswith(".") or item.name.startswith("~$"):
            log.note("hidden or temporary file not read", value=rel)
            continue
        if item.is_file():  # the same export twice (a copy in a sub-folder): read once
            digest = _sha256(item)
            if digest in digests:
                log.note(f"same content as {digests[digest]!r}; read once", value=rel)
                continue
            digests[digest] = rel
        fmt = sniff_format(item)
        if fmt is None:
            log.note("not identified as a supported export; not read", value=rel)
            continue
        if fmt == "roster":
            found_roster = found_roster or item
            log.note("roster table: used to resolve people", value=rel)
            continue
        if fmt == "aliases":
            found_aliases = found_aliases or item
            log.note("alias table: used to resolve people", value=rel)
            continue
        if fmt == "survey":
            found_surveys.append((item, rel))
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DataQualityWarning)
                net = _read(item, fmt, tz=tz, errors=errors, dayfirst=dayfirst)
        except DataError as err:
            if errors == "raise":
                raise
            log.note(f"could not be read as {FORMATS[fmt]}: {err}", value=rel)
            continue
        log.note(f"read as {FORMATS[fmt]}", value=rel)
        nets.append(net)
    roster = roster if roster is not None else found_roster
    identities = identities if identities is not None else found_aliases
    roster_quality = None
    if roster is not None and not hasattr(roster, "members"):
        from .roster import read_roster

        # read once (as kept: title rows, synonyms, dates) for the surveys and combine
        roster_net = read_roster(roster, tz=tz) if not isinstance(roster, pd.DataFrame) \
            or "member_id" not in roster.columns else None
        if roster_net is not None:
            roster, roster_quality = roster_net, roster_net.quality
    if roster is not None:
        # each export was read alone; the roster given here resolves its people
        nets = [n.replace(quality=_without_no_roster_notes(n.quality)) for n in nets]
    for item, rel in found_surveys:
        from .survey import read_survey

        kwargs = dict(options.get(item.name, options.get(rel)) or {})
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DataQualityWarning)
                net = read_survey(item, roster=roster, identities=identities, tz=tz,
                                  dayfirst=dayfirst, errors=errors, **kwargs)
        except (DataError, TypeError, ValueError) as err:
            if errors == "raise":
                raise
            log.note(f"not read, {err}; map its questions in peernet.json "
                     f"({{\"surveys\": {{\"{item.name}\": {{\"items\": {{...}}}}}}}})",
                     value=rel)
            continue
        log.note(f"read as {FORMATS['survey']}", value=rel)
        q = net.quality   # the roster it was read against is counted once, below
        nets.append(net.replace(quality=DataQuality(
            issues=q.issues, counts=q.counts[q.counts["source"] != "roster"])))
    if not nets:
        seen = ", ".join(p.name for p in items[:10]) or "nothing"
        raise DataError(f"no supported export found (Zoom, Teams, Meet, Slack, mbox, sign-in "
                        f"sheets); the folder holds {seen}", file=str(folder))
    from .combine import combine

    net = combine(nets, roster=roster, identities=identities, tz=tz,
                  name=name or folder.name)
    quality = DataQuality.merge([q for q in (DataQuality(issues=log.result().issues),
                                             net.quality, roster_quality) if q is not None])
    net = net.replace(quality=quality)
    if not quality.ok:
        n = int(quality.issues["action"].isin(["dropped", "repaired", "added"]).sum())
        warnings.warn(f"{n} issue(s) while reading {folder.name!r}: see "
                      f"net.quality.summary()", DataQualityWarning, stacklevel=3)
    return net


def _without_no_roster_notes(quality: DataQuality) -> DataQuality:
    i = quality.issues
    keep = ~i["problem"].astype("str").str.startswith("no roster given").to_numpy()
    return DataQuality(issues=i[keep].reset_index(drop=True), counts=quality.counts)


def _folder_options(folder: Path) -> dict:
    """The folder's ``peernet.json`` (options for reading its exports), or {}."""
    import json

    meta = folder / "peernet.json"
    if not folder.is_dir() or not meta.exists():
        return {}
    try:
        out = json.loads(meta.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DataError(f"cannot read as JSON ({str(err)[:200]})", file="peernet.json") from err
    return out if isinstance(out, dict) else {}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _walk(folder: Path, log: QualityLog, root: Path | None = None,
          seen: set[Path] | None = None, depth: int = 0) -> list[Path]:
    """The files of an exports folder, sub-folders included, each real file once.

    Symbolic links leading out of the folder, FIFOs, devices and sockets are noted and not
    read; a folder or file reached twice (a link loop, a second link) is read once; folders
    nest at most :data:`~peernet.io._limits.MAX_DEPTH` levels.
    """
    root = root if root is not None else folder.resolve()
    seen = seen if seen is not None else {root}
    out: list[Path] = []
    for item in sorted(folder.iterdir()):
        rel = item.relative_to(root).as_posix() if item.is_relative_to(root) else item.name
        try:
            real = item.resolve(strict=True)
            mode = real.stat().st_mode
        except (OSError, RuntimeError):  # a broken link or a link loop
            log.note("broken or looping symbolic link; not read", value=rel)
            continue
        if item.is_symlink() and not real.is_relative_to(root):
            log.note("symbolic link leading out of the folder; not read", value=rel)
            continue
        if real in seen:
            log.note("reached a second time (a symbolic link); read once", value=rel)
            continue
        seen.add(real)
        if stat.S_ISDIR(mode):
            if item.name.startswith(".") or sniff_format(item) == "slack":
                out.append(item)
            elif depth >= MAX_DEPTH:
                log.note(f"folders nested more than {MAX_DEPTH} levels; not read", value=rel)
            else:
                out.extend(_walk(item, log, root, seen, depth + 1))
        elif stat.S_ISREG(mode):
            out.append(item)
        else:
            log.note("not a regular file (a FIFO, device or socket); not read", value=rel)
    return out


def _read(item: Path, fmt: str, *, tz: str, errors: Literal["report", "raise"],
          dayfirst: bool) -> PeerNetwork:
    from .mbox import read_mbox
    from .meet import read_meet
    from .signin import read_signin
    from .slack import read_slack
    from .teams import read_teams
    from .zoom import read_zoom

    if fmt == "zoom":
        return read_zoom(item, tz=tz, errors=errors, dayfirst=dayfirst)
    if fmt == "teams":
        return read_teams(item, tz=tz, errors=errors, dayfirst=dayfirst)
    if fmt == "meet":
        return read_meet(item, tz=tz, errors=errors)
    if fmt == "slack":
        return read_slack(item, tz=tz, errors=errors)
    if fmt == "mbox":
        return read_mbox(item, tz=tz, errors=errors)
    if fmt in ("signin", "xls"):
        return read_signin(item, tz=tz, errors=errors)
    raise DataError(f"no reader for format {fmt!r}", file=item.name)  # pragma: no cover

