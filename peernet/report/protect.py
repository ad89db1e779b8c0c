"""One small-group policy for everything a default report shows (docs/privacy.md).

:func:`protected` turns an :class:`~peernet.Evaluation` into the one a report made without
names is drawn and written from:

- groups (organization, sector, region, language) with fewer than ``min_group_size``
  members on the roster are shown together, as "other small organizations" (sectors,
  regions, languages) in the roster the figures are drawn from: maps, their legends and
  SVG comments, the organization map's labels, the roles chart;
- the breakdown table (``groups``) has its small rows, and as many others as complementary
  suppression needs (:func:`peernet.privacy.suppress_small`), set to missing, so that no
  sentence, card, table or highlight states a figure for them and no total gives them away;
- a group name that does not look like the name of a group (:func:`hidden_names`: too
  long, several lines, an email or web address, quotes, a file name, or a word of a
  member's name, id or email, or any personal string the loaders saw) is shown as
  "organization 1", "organization 2" ... (sectors, regions, languages alike), however many
  members it has: a remark typed into the organization column is free text, not a name;
- survey means (the Grid's survey trust, value and learning indicators) rest on at least
  ``min_group_size`` **respondents**, or are not shown, and neither is the score of their
  element, which would give them away (:func:`survey_protected`, in every report);
- :func:`small_names` lists the names of the small and of the hidden groups with their
  label, for the last check of every text file
  (:func:`peernet.report.publish.scrub_outputs`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._cache import cached, memo
from ..evaluation import Evaluation
from ..network import PeerNetwork
from ..schema import isin
from .i18n import N_

__all__ = ["protected", "survey_protected", "small_names", "hidden_names", "shown_name",
           "prepare", "keep_prepared",
           "OTHER", "GROUPED", "NOUN", "MAX_NAME_LENGTH", "SURVEY_MEANS", "small_in_periods",
           "small_groups_together", "roles_together"]

#: The columns whose small groups are shown together, and what they are shown as (the
#: report, and :func:`peernet.plot.org_map` drawn directly).
OTHER = {"org": N_("other small organizations"), "sector": N_("other small sectors"),
         "region": N_("other small regions"), "language": N_("other small languages")}
GROUPED = tuple(OTHER)
#: What a group whose name cannot be shown is called, with its number ("organization 2").
NOUN = {"org": "organization", "sector": "sector", "region": "region", "language": "language"}
#: The longest group name a default report shows (organization names are rarely over 50).
MAX_NAME_LENGTH = 60

_URL = re.compile(r"(?i)://|\bwww\.|\.(?:com|org|net|edu|gov)\b")
# a quote mark, or an apostrophe that is not inside a word (O'Neil, St. Mary's are names)
_QUOTES = re.compile("[\"\u201c\u201d\u201e\u00ab\u00bb`]|(?<![^\\W\\d_])['\u2018\u2019]|"
                     "['\u2018\u2019](?![^\\W\\d_])")
_WORD = re.compile(r"[^\W\d_]{4,}")


def shown_name(name: str, personal_words: Collection[str] = (),
               personal: Collection[str] = ()) -> bool:
    """True when ``name`` may be shown as a group's name in a default report.

    A group name must look like one: one line of printable text, at most
    :data:`MAX_NAME_LENGTH` characters, with no email or web address, no quote marks, no
    file name, no word (4 letters or more, ignoring case) of ``personal_words`` and no run
    of whole words equal to a string of ``personal`` (lower case).

    >>> shown_name("St. Mary's Hospital"), shown_name("'Ana is a bully' said Bo")
    (True, False)
    >>> shown_name("Quinnell is a bully", {"quinnell"}), shown_name("a@b.org")
    (False, False)
    """
    from ..privacy import EMAIL_PATTERN, FILE_NAME_PATTERN

    text = str(name)
    if not text.strip() or len(text) > MAX_NAME_LENGTH or not text.isprintable():
        return False
    if EMAIL_PATTERN.search(text) or "@" in text or _URL.search(text) or \
            _QUOTES.search(text) or FILE_NAME_PATTERN.search(text):
        return False
    low = text.lower()
    if personal_words and any(w in personal_words for w in _WORD.findall(low)):
        return False
    if personal:
        words = _tokens(low)
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                if " ".join(words[i:j]) in personal:
                    return False
    return True


#: What :func:`_tokens` strips around each word.
_PUNCT = ".,;:!?()[]{}<>"
#: The ASCII characters Python's ``str.split()`` splits on.
_ASCII_SPACE = "[\t\n\x0b\x0c\r \x1c\x1d\x1e\x1f]"


def _tokens(text: str) -> list[str]:
    """Words of ``text`` in lower case, without the punctuation around them."""
    return [w.strip(_PUNCT) for w in text.lower().split()]


def _runs(name: str) -> set[str]:
    """Every run of whole words of ``name`` as :func:`shown_name` looks them up."""
    words = _tokens(name)
    return {" ".join(words[i:j]) for i in range(len(words))
            for j in range(i + 1, len(words) + 1)}


def _personal(net: PeerNetwork, names: Iterable[str]) -> tuple[set[str], set[str]]:
    """Words of members' names, ids and email names; the personal strings the loaders saw
    (:func:`peernet.privacy.sensitive_strings`, as :func:`_tokens` joins them) that are a
    run of whole words of one of ``names``: all :func:`shown_name` asks about them."""
    from ..privacy import sensitive_strings

    members = net.root.members
    words: set[str] = set()
    for col in ("name", "email"):
        if col in members.columns:
            values = members[col].dropna().astype("str")
            if col == "email":
                values = values.str.split("@").str[0]
            for v in pd.unique(values):
                words.update(_WORD.findall(str(v).lower()))
    runs = set().union(*(_runs(n) for n in names))
    return words, _personal_runs(list(sensitive_strings(net)), runs)


def _personal_runs(strings: list[str], runs: set[str]) -> set[str]:
    """``{" ".join(_tokens(k)) for k in strings} & runs``, without a Python step for each
    of the millions of ids a large network has: an ASCII string without a space is one
    word, lower-cased and trimmed by Arrow; the others go word by word."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not strings or not runs:
        return set()
    arr = pa.array(strings, pa.large_string())
    simple = pc.and_(pc.string_is_ascii(arr),
                     pc.invert(pc.match_substring_regex(arr, _ASCII_SPACE)))
    joined = pc.utf8_trim(pc.ascii_lower(arr), characters=_PUNCT)
    hit = pc.and_(simple, pc.is_in(joined, value_set=pa.array(sorted(runs),
                                                              pa.large_string())))
    out = set(pc.filter(joined, hit).to_pylist())
    for k in pc.filter(arr, pc.invert(simple)).to_pylist():
        t = " ".join(_tokens(k))
        if t in runs:
            out.add(t)
    return out


def hidden_names(ev: Evaluation, min_group_size: int) -> dict[str, dict[str, str]]:
    """Per grouping column: the names of groups of at least ``min_group_size`` members that
    a default report does not show (:func:`shown_name`) -> "organization 1", ... (numbered
    in the order of the names). Computed once a network (kept on ``ev.net.root``: a report
    asks three times, and at 100,000 members the personal strings are millions)."""
    found = _kept_hidden(ev.net, min_group_size)
    return {col: dict(names) for col, names in found.items()}


def _kept_hidden(net: PeerNetwork, min_group_size: int) -> dict[str, dict[str, str]]:
    """:func:`_hidden_names` of ``net``, kept on its root (the object kept: callers copy)."""
    return cached(net.root, _HIDDEN + (min_group_size,),
                  lambda: _hidden_names(net, min_group_size))


#: The key of :func:`hidden_names` on a network's root (with the group size).
_HIDDEN = ("report", "hidden_names")


def prepare(net: PeerNetwork, min_group_size: int) -> dict[str, Any]:
    """What a default report of ``net`` reads from the network alone: the hidden group
    names (:func:`hidden_names`, with every personal string the loaders saw), the strings
    of its last scrub (:func:`peernet.privacy.sensitive_strings` without ids) and its
    data-quality records scrubbed (:func:`peernet.privacy.scrub_quality`). ``peernet
    evaluate`` computes them on the other core while it evaluates, and
    :func:`keep_prepared` hands them to the report (at 100,000 members they took 2.5 s
    before the report's first figure, and a second of its tables)."""
    from ..privacy import scrub_quality, sensitive_strings

    return {"hidden": _kept_hidden(net, min_group_size),
            "strings": sensitive_strings(net, ids=False), "quality": scrub_quality(net),
            "min_group_size": min_group_size}


def keep_prepared(net: PeerNetwork, prepared: Mapping[str, Any]) -> None:
    """Keep :func:`prepare`'s results (computed in another process) on ``net``, where the
    report looks for them."""
    from ..privacy import KEPT

    cached(net.root, _HIDDEN + (prepared["min_group_size"],), lambda: prepared["hidden"])
    cached(net.root, (*KEPT["strings"], 3, False), lambda: prepared["strings"])
    cached(net.root, KEPT["quality"], lambda: prepared["quality"])


def _hidden_names(net: PeerNetwork, min_group_size: int) -> dict[str, dict[str, str]]:
    members = net.root.members
    out: dict[str, dict[str, str]] = {}
    candidates: dict[str, list[str]] = {}
    for col in GROUPED:
        if col not in members.columns:
            continue
        counts = members[col].dropna().astype("str").value_counts()
        large = sorted(str(n) for n in counts[counts >= min_group_size].index)
        if large:
            candidates[col] = large
    if not candidates:
        return out
    personal = _personal(net, [n for names in candidates.values() for n in names])
    for col, large in candidates.items():
        hidden = [n for n in large if not shown_name(n, *personal)]
        if hidden:
            out[col] = {n: f"{NOUN[col]} {i}" for i, n in enumerate(hidden, 1)}
    return out


def small_names(ev: Evaluation, min_group_size: int) -> dict[str, str]:
    """Names of the groups under ``min_group_size`` members -> their shared label, and of
    the groups whose names are not shown (:func:`hidden_names`) -> theirs."""
    out: dict[str, str] = {}
    for labels in hidden_names(ev, min_group_size).values():
        out.update(labels)
    members = ev.net.root.members
    for col in reversed(GROUPED):  # an org name wins over a region of the same name
        if col not in members.columns:
            continue
        counts = members[col].dropna().astype("str").str.strip().value_counts()
        for name in counts[counts < min_group_size].index:
            out[str(name)] = OTHER[col]
    groups = ev.groups
    if len(groups):
        small = pd.to_numeric(groups["members_current"], errors="coerce") < min_group_size
        for by, name in zip(groups.loc[small, "by"], groups.loc[small, "group"], strict=True):
            if by in OTHER:
                out.setdefault(str(name), OTHER[by])
    return out


def small_in_periods(slices: Iterable[PeerNetwork], col: str, min_group_size: int
                     ) -> set[str]:
    """Names of ``col`` (e.g. ``"org"``) with fewer than ``min_group_size`` members on the
    roster during one of ``slices``: what the last scrub replaces (:func:`small_names`, from
    the period breakdowns), so a figure or a sentence never names them either."""
    small: set[str] = set()
    for s in slices:
        m = s.root.members
        if col not in m.columns:
            continue
        current = m[isin(m["member_id"], s.members_current())]
        counts = current[col].dropna().astype("str").str.strip().value_counts()
        small |= set(counts[counts < min_group_size].index)
    return small


def small_groups_together(s: PeerNetwork, periods: Iterable[PeerNetwork],
                         min_group_size: int) -> PeerNetwork:
    """The slice ``s`` (its roster too) with every organization of fewer than
    ``min_group_size`` members on the roster during one of ``periods`` as one, "other small
    organizations": the report's breakdowns suppress them and its last scrub replaces their
    names (:func:`small_names`), so a figure or a survey table groups them too
    (:func:`peernet.plot.org_map` by default)."""
    root = s.root
    m = root.members
    if "org" not in m.columns:
        return s
    small = small_in_periods(periods, "org", min_group_size)
    if not small:
        return s
    org = m["org"].astype("object")
    hit = org.astype("str").str.strip().isin(small).to_numpy() & org.notna().to_numpy()
    members = m.assign(org=org.where(~hit, OTHER["org"]))
    net = _carried(root, root.replace(members=members))
    sm = s.members
    sorg = sm["org"].astype("object")
    shit = sorg.astype("str").str.strip().isin(small).to_numpy() & sorg.notna().to_numpy()
    # the tie tables are the slice's (its ties do not depend on organization names)
    return _carried(s, s.replace(members=sm.assign(org=sorg.where(~shit, OTHER["org"])),
                                 parent=net))


#: Grid indicator functions that are means of survey ratings: shown only when the survey
#: of the period has at least ``min_group_size`` respondents. (The response rate is a count,
#: not a rating: it is always shown.)
SURVEY_MEANS = frozenset({"survey_trust", "survey_value", "survey_learning"})


def respondents(ev: Evaluation, period: str) -> float:
    """Respondents of the period's survey wave, as the Grid counts them (NaN: no survey):
    ``survey_scores(s, level="network")["n_respondents"]``, the respondents among the
    latest wave's population, counted without scoring the wave (the scores of 30,000
    respondents took a second and a half here at 100,000 members)."""
    from ..surveys import pick_waves, wave_data

    s = ev.slices[period]
    if not len(s.surveys):
        return float("nan")
    latest = pick_waves(s, None, latest=True)
    if not latest:
        return 0.0
    w = wave_data(s, latest[0], level="member", warn=False)
    return float(len(w.population.intersection(w.respondents)))


def survey_protected(ev: Evaluation, min_group_size: int) -> Evaluation:
    """``ev`` with the survey means of periods surveyed with fewer than ``min_group_size``
    respondents removed from the Grid: the indicators (value, score, band) and the scores
    of their elements (a weighted mean of its indicators gives the missing one back from
    the others). A survey of 3 respondents must not publish what they said on average."""
    from ..grid.score import INSUFFICIENT

    scores = dict(ev.scores)
    for period, g in ev.scores.items():
        ind = g.indicators
        hit = (ind["function"].isin(SURVEY_MEANS) & ind["has_data"]).to_numpy(dtype=bool)
        if not hit.any() or respondents(ev, period) >= min_group_size:
            continue
        why = f"not shown: the survey has fewer than {min_group_size} respondents"
        ind = ind.copy()
        ind.loc[hit, ["value", "score"]] = np.nan
        ind.loc[hit, "band"] = "no data"
        ind.loc[hit, "has_data"] = False
        ind.loc[hit, "note"] = why
        layers = g.layers.copy()
        at = layers["element"].isin(set(ind.loc[hit, "element"])).to_numpy(dtype=bool)
        layers.loc[at, "score"] = np.nan
        layers.loc[at, "band"] = INSUFFICIENT
        layers.loc[at, "has_data"] = False
        layers.loc[at, "reason"] = f"{why} (its score would give their ratings away)"
        w = ind["weight"].where(ind["has_data"], 0.0).groupby(ind["element"]).sum()
        total = ind["weight"].groupby(ind["element"]).sum()
        counted = ind["has_data"].groupby(ind["element"]).sum()
        el = layers.loc[at, "element"]
        layers.loc[at, "coverage"] = (el.map(w) / el.map(total)).fillna(0.0).to_numpy()
        layers.loc[at, "n_with_data"] = el.map(counted).fillna(0).astype("int64").to_numpy()
        scores[period] = dataclasses.replace(g, indicators=ind, layers=layers)
    return dataclasses.replace(ev, scores=scores)


def _labels(ev: Evaluation, min_group_size: int) -> dict[str, dict[str, str]]:
    """Per grouping column: the names shown otherwise -> what is shown."""
    members = ev.net.root.members
    out = {col: dict(names) for col, names in hidden_names(ev, min_group_size).items()}
    for col in GROUPED:
        if col in members.columns:
            counts = members[col].dropna().astype("str").str.strip().value_counts()
            out.setdefault(col, {}).update(
                {str(n): OTHER[col] for n in counts[counts < min_group_size].index})
    return out


def _relabel(members: pd.DataFrame, labels: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    out = members.copy()
    for col in GROUPED:
        if col in out.columns and out[col].notna().any() and labels.get(col):
            s = out[col].astype("object")
            shown = s.astype("str").str.strip().map(labels[col])
            hit = (shown.notna() & s.notna()).to_numpy(dtype=bool)
            out[col] = s.where(~hit, shown)
    return out


#: What a network keeps (:func:`peernet._cache.cached`) that depends on its interactions and
#: member ids only, not on the roster's group names: the relabelled network of a default
#: report takes it over instead of computing it again (at 100,000 members the tie tables of
#: two years took minutes and gigabytes a second time). The personal strings
#: (:func:`peernet.privacy.sensitive_strings`: ids, names, emails, the quality log's values,
#: message ids) do not depend on group names either.
_CARRIED = ("ties", "direct_rows", "acts", "members_active", "members_current", "privacy")


def _carried(source: PeerNetwork, relabelled: PeerNetwork) -> PeerNetwork:
    """``relabelled`` (``source`` with other group names) holding ``source``'s kept
    results of :data:`_CARRIED`."""
    kept, new = memo(source), memo(relabelled)
    if kept is not None and new is not None:
        for key, value in list(kept.items()):
            if isinstance(key, tuple) and key and key[0] in _CARRIED:
                new.setdefault(key, value)
    return relabelled


def protected(ev: Evaluation, min_group_size: int) -> Evaluation:
    """The evaluation a default report is made from (see the module docstring)."""
    from ..privacy import file_labels, suppress_small

    ev = survey_protected(ev, min_group_size)

    labels = _labels(ev, min_group_size)
    # a network named after an export file ("Zed Hidden 1-1 - Attendance report") is shown
    # under the file's label ("export 1"), in titles and figures alike
    stems = {k.rsplit(".", 1)[0]: v.rsplit(".", 1)[0] for k, v in file_labels(ev.net).items()}
    name = stems.get(str(ev.net.name), ev.net.name)
    net = _carried(ev.net, ev.net.replace(members=_relabel(ev.net.members, labels),
                                          name=name))
    # a slice's root is the protected network: maps take their categories from the root
    slices = {p: _carried(s, s.replace(members=_relabel(s.members, labels),
                                       name=stems.get(str(s.name), s.name),
                                       parent=net if s.parent is ev.net else s.parent))
              for p, s in ev.slices.items()}
    groups = ev.groups
    if len(groups):
        masked, _gone = suppress_small(groups, count_column="members_current",
                                       min_group_size=min_group_size,
                                       by=["period", "by", "group"])
        groups = masked.drop(columns="suppressed")
        for col in ("members_current", "members_active", "interactions"):
            groups[col] = groups[col].astype("float64")
        hidden = hidden_names(ev, min_group_size)
        for col, names in hidden.items():  # large groups with names not shown
            at = (groups["by"] == col).to_numpy(dtype=bool)
            mapped = groups["group"].astype("object").map(lambda v, n=names: n.get(str(v), v))
            groups["group"] = groups["group"].astype("object").where(~at, mapped)
    members = ev.members
    if len(members):
        members = _relabel(members, labels)
    return dataclasses.replace(ev, net=net, slices=slices, groups=groups, members=members)


def relabel_series(values: pd.Series, small: Mapping[str, str]) -> pd.Series:
    """``values`` with every small group's name replaced by its shared label."""
    mapped = values.astype("object").map(lambda v: small.get(str(v).strip(), v)
                                         if isinstance(v, str) else v)
    return mapped.where(values.notna(), np.nan)


def roles_together(ev: Evaluation, by: str, min_group_size: int) -> pd.DataFrame:
    """``ev.roles(by)``; by organization, those small in one of the periods counted as one
    row, "other small organizations" (as on the maps and the cards), not as one row each
    under the same label."""
    if by != "org":
        return ev.roles(by)
    small = small_in_periods(ev.slices.values(), "org", min_group_size)
    if not small:
        return ev.roles(by)
    m = ev.net.members
    together = m.assign(org=relabel_series(m["org"], {n: OTHER["org"] for n in small}))
    return dataclasses.replace(ev, net=ev.net.replace(members=together)).roles(by)
