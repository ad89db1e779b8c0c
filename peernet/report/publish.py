"""Writing a report folder safely: never delete what peernet did not write.

A report is built in a hidden sibling folder ``.<name>.partial-<id>`` and published into
``out`` at the end. Three rules:

1. **Only peernet's own folders are replaced.** Every report carries a marker file
   (:data:`MARKER`, JSON listing every file peernet wrote). An existing ``out`` is replaced
   only when it is empty or carries the marker *and* holds nothing but the files the
   marker lists; anything else (a folder of photos, a ``report.json`` of another tool, a
   file a person added to an old report) is refused, before any work starts
   (:func:`check_target`).
2. **The old report is kept until the new one is in place.** The invariant, at every
   instant of :func:`publish`, even under SIGKILL:

       ``out`` holds a complete report (the old or the new one), or ``out`` is missing and
       the old report is complete in ``.<name>.old-<id>`` (from where the next run, or
       :func:`recover`, moves it back before doing anything else).

   On Linux the swap is one atomic ``renameat2(RENAME_EXCHANGE)``, so ``out`` is never
   missing; elsewhere it is two renames, covered by the second half of the invariant.
   The old report is deleted only after the new one is at ``out``.
3. **Leftovers are handled.** A partial folder carries :data:`PARTIAL` with the id of the
   process building it; :func:`recover` removes partial folders whose process is gone
   (at once, not after hours) and old copies whose new report is in place, and never
   removes a folder without one of peernet's markers.

Report folders get the user's normal permissions (``0o777 & ~umask``), not the private
``0o700`` of a temporary folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import re
import shutil
import stat
import tempfile
import uuid
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..scrubbing import Scrubber

__all__ = ["MARKER", "PARTIAL", "check_target", "new_partial", "publish", "recover",
           "write_marker", "is_peernet_report", "scrub_outputs"]

MARKER = ".peernet-report"
PARTIAL = ".peernet-partial"
LEGACY = "report.json"  # reports of peernet 0.1 carry only this

#: Called with the name of each step of :func:`publish` (tests kill the process there).
_step: Callable[[str], Any] = lambda _name: None  # noqa: E731


# ---------------------------------------------------------------------- the marker
def write_marker(folder: Path) -> None:
    """Write :data:`MARKER` into a finished report, listing every file in it."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                   if p.is_file() and p.name not in (MARKER, PARTIAL))
    data = {"peernet_report": 1, "files": files}
    (folder / MARKER).write_text(json.dumps(data, indent=1), encoding="utf-8")


def _listed(folder: Path) -> set[str] | None:
    """The files peernet wrote into ``folder`` by its marker, or None without a marker."""
    marker = folder / MARKER
    try:
        if marker.is_file() and not marker.is_symlink():
            data = json.loads(marker.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("peernet_report") == 1:
                return {str(f) for f in data.get("files", [])} | {MARKER}
        legacy = folder / LEGACY
        if legacy.is_file() and not legacy.is_symlink():  # a report of peernet 0.1
            data = json.loads(legacy.read_text(encoding="utf-8"))
            if isinstance(data, dict) and "peernet_version" in data and isinstance(
                    data.get("files"), list):
                return {str(f) for f in data["files"]} | {LEGACY}
    except (OSError, ValueError):
        return None
    return None


def _foreign(folder: Path, listed: set[str]) -> list[str]:
    """Entries of ``folder`` that peernet did not write (symlinks count as foreign)."""
    out = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink() or (not p.is_dir() and rel not in listed):
            out.append(rel)
        elif p.is_dir() and not any(f.startswith(rel + "/") for f in listed):
            out.append(rel + "/")
    return out


def is_peernet_report(folder: str | Path) -> bool:
    """True when ``folder`` carries peernet's marker and nothing peernet did not write."""
    folder = Path(folder)
    if not folder.is_dir() or folder.is_symlink():
        return False
    listed = _listed(folder)
    return listed is not None and not _foreign(folder, listed)


# ---------------------------------------------------------------------- before any work
def check_target(out: str | Path) -> Path:
    """Check that a report can be written to ``out``; return it as an absolute path.

    Raises ValueError (one line) when ``out`` is a file, a symlink, below a file, in a
    folder that cannot be written, or a non-empty folder that is not a peernet report.
    Leftovers of a killed run are recovered first (:func:`recover`). Nothing is created.
    """
    out = Path(out).expanduser().absolute()
    for parent in reversed(out.parents):
        if parent.exists() and not parent.is_dir():
            raise ValueError(f"--out {str(out)!r} is below {str(parent)!r}, which is a file; "
                             f"give a folder path")
    if out.is_symlink():
        raise ValueError(f"--out {str(out)!r} is a symbolic link; give the folder itself")
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {str(out)!r} is a file; give a folder for the report")
    existing = next((p for p in (out, *out.parents) if p.exists()), None)
    if existing is None or not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"--out {str(out)!r}: cannot write in {str(existing)!r} "
                         f"(permission denied); choose a folder you can write to")
    if out.parent.exists() and not os.access(out.parent, os.W_OK | os.X_OK):
        raise ValueError(f"--out {str(out)!r}: cannot write in {str(out.parent)!r} "
                         f"(permission denied); choose a folder you can write to")
    recover(out)
    if out.is_dir() and any(out.iterdir()):
        listed = _listed(out)
        if listed is None:
            raise ValueError(f"--out {str(out)!r} is not empty and is not a peernet report "
                             f"(no {MARKER} marker); peernet never replaces it: choose a new "
                             f"or empty folder")
        foreign = _foreign(out, listed)
        if foreign:
            raise ValueError(f"--out {str(out)!r} holds {len(foreign)} file(s) peernet did not "
                             f"write (e.g. {foreign[0]!r}); peernet never deletes them: move "
                             f"them or choose another folder")
    return out


# ---------------------------------------------------------------------- leftovers
def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _partial_owner(folder: Path) -> int | None:
    try:
        return int(json.loads((folder / PARTIAL).read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def recover(out: str | Path) -> list[str]:
    """Repair what a killed run left beside ``out``; return what was done (for tests).

    - ``out`` missing and an old report kept aside: move the newest back (the publish step
      was killed between its two renames);
    - an old report kept aside while ``out`` holds a report: delete it (killed after the
      new report was in place);
    - a partial folder whose building process is gone: delete it.
    Only folders carrying one of peernet's markers are ever deleted.
    """
    out = Path(out).expanduser().absolute()
    done: list[str] = []
    if not out.parent.is_dir():
        return done
    olds = sorted((p for p in out.parent.glob(f".{out.name}.old-*") if p.is_dir()
                   and not p.is_symlink() and _listed(p) is not None),
                  key=lambda p: p.stat().st_mtime)
    if olds and not out.exists():
        os.replace(olds[-1], out)
        done.append(f"restored {olds[-1].name}")
        olds = olds[:-1]
    for p in olds:
        shutil.rmtree(p, ignore_errors=True)
        done.append(f"removed {p.name}")
    for p in out.parent.glob(f".{out.name}.partial-*"):
        if not p.is_dir() or p.is_symlink():
            continue
        pid = _partial_owner(p)
        if pid is not None and _alive(pid):
            continue
        if pid is not None or _listed(p) is not None:  # ours: a partial or an old report
            shutil.rmtree(p, ignore_errors=True)
            done.append(f"removed {p.name}")
    return done


# ---------------------------------------------------------------------- build and publish
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_partial(out: Path) -> Path:
    """A fresh hidden folder beside ``out`` to build the report in, marked as partial."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    (tmp / PARTIAL).write_text(json.dumps({"pid": os.getpid()}), encoding="utf-8")
    return tmp


def _exchange() -> Callable[[Path, Path], None] | None:
    """``renameat2(RENAME_EXCHANGE)``: swap two paths atomically (Linux), else None."""
    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return None
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2

    def swap(a: Path, b: Path) -> None:
        if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange):
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(a))

    return swap


def _permissions(folder: Path) -> None:
    mode = 0o777 & ~_umask()
    for p in [folder, *folder.rglob("*")]:
        if p.is_symlink():
            continue
        os.chmod(p, mode if p.is_dir() else mode & ~0o111)


def publish(tmp: Path, out: Path, *, exchange: bool = True) -> None:
    """Move the finished report ``tmp`` into ``out``, replacing an earlier peernet report.

    Keeps the invariant stated in the module docstring at every instant: the old report is
    removed only once the new one is at ``out``.
    """
    write_marker(tmp)  # first the report's marker, then the partial one goes: never neither
    (tmp / PARTIAL).unlink(missing_ok=True)
    _permissions(tmp)
    _step("ready")
    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        os.replace(tmp, out)  # one atomic rename (an empty folder is replaced)
        _step("done")
        return
    if not is_peernet_report(out):  # changed since check_target: never touch it
        raise ValueError(f"--out {str(out)!r} changed while the report was built and is no "
                         f"longer only a peernet report; the new report is left in "
                         f"{str(tmp)!r}")
    swap = _exchange() if exchange else None
    if swap is not None:
        try:
            swap(tmp, out)  # out: the new report; tmp: the old one
        except OSError:
            swap = None
        else:
            _step("swapped")
            shutil.rmtree(tmp, ignore_errors=True)
            _step("done")
            return
    old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
    os.replace(out, old)  # out missing, old report complete in `old`: recover() restores
    _step("moved_old")
    try:
        os.replace(tmp, out)
    except OSError:
        os.replace(old, out)
        raise
    _step("placed_new")
    shutil.rmtree(old, ignore_errors=True)
    _step("done")


def discard(tmp: Path) -> None:
    """Remove an unfinished partial folder (a failed or interrupted build)."""
    if tmp.is_dir() and (tmp / PARTIAL).is_file():
        shutil.rmtree(tmp, ignore_errors=True)


def files_of(folder: Path) -> Iterable[Path]:
    """Every regular file of a report folder (for the checks before publishing)."""
    return (p for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()
            and stat.S_ISREG(p.stat().st_mode))


# ---------------------------------------------------------------------- the last check
TEXT_SUFFIXES = (".html", ".csv", ".json", ".svg", ".txt", ".md", ".gexf", ".graphml", ".xml",
                 ".js", ".css")


def _written_forms(text: str) -> set[str]:
    """``text`` as the report's writers may have put it in a file: raw, HTML-escaped by
    Python (``&#x27;``), by Jinja/markupsafe (``&#39;``, ``&#34;``) or by an XML writer
    (``&apos;``, GEXF/GraphML), JSON-escaped with or without ASCII escapes."""
    import html

    escaped = html.escape(text)
    return {text, escaped, html.escape(text, quote=False),
            escaped.replace("&#x27;", "&#39;").replace("&quot;", "&#34;"),
            escaped.replace("&#x27;", "&apos;"),
            json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}


def scrub_outputs(folder: Path, replacements: dict[str, str], *,
                  words: Collection[str] = ()) -> dict[str, int]:
    """Replace every string of ``replacements`` (and every email address) in every text file
    of ``folder``, as written raw, HTML-escaped or JSON-escaped, ignoring case, as whole
    words. The last check of a report made without names, after everything was written:
    whatever path a value took into a table, a figure's SVG or the page, it does not leave.
    ``words`` (lower case) are strings replaced everywhere but in the HTML pages: a small
    group named like a word of the pages' language ("es", Spanish for "is"), which the
    pages label where they show the group and cannot be told from the word in their prose.
    Returns the number of replacements per file (for tests and the log).
    """
    return OutputScrub(replacements, words=words).rest(folder)


class OutputScrub:
    """:func:`scrub_outputs` in steps: a file is scrubbed once it is final (:meth:`files`,
    on whichever core wrote it: the report's network files and interactive map, most of
    its text), and :meth:`rest` scrubs every other text file at the end. Each file is
    scrubbed once, with the same replacements, so the files are those of
    :func:`scrub_outputs` after everything was written."""

    def __init__(self, replacements: dict[str, str], *, words: Collection[str] = ()):
        from ..scrubbing import Scrubber

        variants: dict[str, str] = {}
        for text, label in replacements.items():
            if re.fullmatch(r"[\d\s.,:/\-+]*", text):  # numbers and dates: not names
                continue
            for v in _written_forms(text):
                variants.setdefault(v.lower(), label)
        self.scrub = Scrubber(variants, min_length=1)
        #: Whether a string replaced holds a line break (then files are read whole).
        self.newline = any("\n" in v for v in variants)
        keep = set(words)
        self.prose = Scrubber({k: v for k, v in variants.items() if k.strip() not in keep},
                              min_length=1) if keep else self.scrub
        #: The files scrubbed (relative to the folder, POSIX), written by :meth:`files`
        #: here or reported by another process (:meth:`mark`).
        self.done: set[str] = set()

    def mark(self, names: Iterable[str]) -> None:
        """Count ``names`` (relative POSIX paths) as scrubbed (by a forked child)."""
        self.done.update(names)

    def files(self, folder: Path, names: Iterable[str]) -> dict[str, int]:
        """Scrub the files ``names`` (relative to ``folder``), which no step writes again;
        returns the replacements per file changed, and marks every one of them done."""
        folder = Path(folder)
        found: dict[str, int] = {}
        for name in names:
            path = folder / name
            rel = path.relative_to(folder).as_posix()
            if rel in self.done or not path.is_file():
                continue
            self.done.add(rel)
            n = self._one(path)
            if n:
                found[rel] = n
        return found

    def rest(self, folder: Path) -> dict[str, int]:
        """Scrub every text file of ``folder`` not scrubbed yet."""
        folder = Path(folder)
        return self.files(folder, [p.relative_to(folder).as_posix() for p in files_of(folder)])

    def _one(self, path: Path) -> int:
        from ..privacy import redact_emails

        if path.suffix.lower() not in TEXT_SUFFIXES or path.name == MARKER \
                or path.is_symlink() or not stat.S_ISREG(path.stat().st_mode):
            return 0
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        scrubber = self.prose if path.suffix.lower() == ".html" else self.scrub
        n = 0
        if not self._clean(scrubber, text):
            text, n = scrubber.subn(text)
        text, k = redact_emails(text)
        if n + k:
            path.write_text(text, encoding="utf-8", errors="surrogateescape")
        return n + k

    def _clean(self, scrubber: Scrubber, text: str) -> bool:
        """Whether ``scrubber`` replaces nothing in ``text``, read from its distinct lines
        (a network file repeats most of its lines: a third of its text). Exact: no string
        replaced holds a line break, so a match lies within one line; a line's case (the
        Greek final sigma) and its word tokens do not depend on the lines around it."""
        lines = text.split("\n")
        if len(lines) < 64 or self.newline:
            return False
        distinct = "\n".join(dict.fromkeys(lines))
        return len(distinct) < len(text) // 2 and scrubber.subn(distinct)[1] == 0
