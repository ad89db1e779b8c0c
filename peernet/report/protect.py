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
- :func:`small_names` lists the names of the small groups with their shared label, for the
  last check of every text file (:func:`peernet.report.publish.scrub_outputs`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..evaluation import Evaluation

__all__ = ["protected", "small_names", "OTHER", "GROUPED"]

#: The columns whose small groups are shown together, and what they are shown as.
OTHER = {"org": "other small organizations", "sector": "other small sectors",
         "region": "other small regions", "language": "other small languages"}
GROUPED = tuple(OTHER)


def small_names(ev: Evaluation, min_group_size: int) -> dict[str, str]:
    """Names of the groups under ``min_group_size`` members -> their shared label."""
    out: dict[str, str] = {}
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


def _relabel(members: pd.DataFrame, small: Mapping[str, str]) -> pd.DataFrame:
    out = members.copy()
    for col in GROUPED:
        if col in out.columns and out[col].notna().any():
            s = out[col].astype("object")
            names = {k for k, v in small.items() if v == OTHER[col]}
            hit = s.astype("str").str.strip().isin(names) & s.notna()
            out[col] = s.where(~hit.to_numpy(dtype=bool), OTHER[col])
    return out


def protected(ev: Evaluation, min_group_size: int) -> Evaluation:
    """The evaluation a default report is made from (see the module docstring)."""
    from ..privacy import file_labels, suppress_small

    small = small_names(ev, min_group_size)
    # a network named after an export file ("Zed Hidden 1-1 - Attendance report") is shown
    # under the file's label ("export 1"), in titles and figures alike
    stems = {k.rsplit(".", 1)[0]: v.rsplit(".", 1)[0] for k, v in file_labels(ev.net).items()}
    name = stems.get(str(ev.net.name), ev.net.name)
    net = ev.net.replace(members=_relabel(ev.net.members, small), name=name)
    slices = {p: s.replace(members=_relabel(s.members, small), name=stems.get(str(s.name),
                                                                              s.name))
              for p, s in ev.slices.items()}
    groups = ev.groups
    if len(groups):
        masked, _gone = suppress_small(groups, count_column="members_current",
                                       min_group_size=min_group_size,
                                       by=["period", "by", "group"])
        groups = masked.drop(columns="suppressed")
        for col in ("members_current", "members_active", "interactions"):
            groups[col] = groups[col].astype("float64")
    members = ev.members
    if len(members):
        members = _relabel(members, small)
    return dataclasses.replace(ev, net=net, slices=slices, groups=groups, members=members)


def relabel_series(values: pd.Series, small: Mapping[str, str]) -> pd.Series:
    """``values`` with every small group's name replaced by its shared label."""
    mapped = values.astype("object").map(lambda v: small.get(str(v).strip(), v)
                                         if isinstance(v, str) else v)
    return mapped.where(values.notna(), np.nan)
