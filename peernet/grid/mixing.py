"""Chance-corrected mixing indicators of the Grid (issue 18).

A raw cross-organization share depends on the number and sizes of the organizations: with 25
organizations of four or five members, 96% of ties would cross organizations by chance alone,
so a share of 0.67 is a silo, not strong mixing. These indicators divide the observed share
by the share random relabelling of the same members would give
(:func:`peernet.metrics.chance_cross_share`, the ``expected`` of
:func:`peernet.metrics.mixing`): 1 means members tie across groups as often as if the group
did not matter, 0.5 half as often.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..metrics.mixing import chance_cross_share
from ..report.i18n import N_
from ..ties import NS_NAT, stamp_ns
from .context import Context, Value, indicator, no_data, root_cache
from .pairs import pair_counts

__all__ = ["cross_org_mixing", "cross_sector_mixing", "newcomer_mixing", "help_across_orgs"]


def _codes(ctx: Context, column: str) -> np.ndarray | None:
    """Group code of each member code by a roster column (-1 unknown); None without it."""
    if column == "org":
        return ctx.org_code
    if not ctx.has_column("members", column):
        return None
    if ctx._ids is not None:
        return ctx._attr_codes(column)
    return root_cache(ctx.net.root, column, lambda: ctx._attr_codes(column))


def _ratio(ctx: Context, column: str, what: str, mine: Any = None, key: tuple = ()) -> Value:
    """Observed cross-group share of the tie pairs (:attr:`Context.pair_keys`; those that
    ``mine(keys)`` marks when given, named by ``key``) / the chance share among the members
    of the period's tie graph."""
    codes = _codes(ctx, column)
    if codes is None:
        return no_data(N_("members have no {column}").format(column=column))

    group = codes.astype(np.int32) if len(codes) < np.iinfo(np.int32).max else codes

    def build(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        gu = group[keys // ctx.n]   # int32 groups: a value a pair, one end at a time
        gv = group[keys % ctx.n]
        known = (gu >= 0) & (gv >= 0)
        if mine is not None:
            known &= mine(keys)
        return known, known & (gu != gv)

    n_known, n_cross = pair_counts(ctx, ("ratio", column, *key), build)
    if not n_known:
        return no_data(N_("no {what} between members with a known {column}").format(
            what=what, column=column))
    # the mean of the crossing pairs among the known (a count over a count, as the mean)
    observed = float(n_cross / n_known)
    labels = codes[ctx.tied_members()]
    expected = chance_cross_share(labels[labels >= 0])
    if not expected > 0:
        return no_data(N_("every tied member has the same {column}").format(column=column))
    return Value(observed / expected,
                 N_("{observed} of {n} {what} cross {column}s; {expected} would by "
                    "chance").format(observed=f"{observed:.0%}", n=n_known,
                                     what=what, column=column, expected=f"{expected:.0%}"))


@indicator(needs="members.org and direct interactions")
def cross_org_mixing(ctx: Context) -> Value:
    """Cross-organization share of the period's tie pairs, relative to chance.

    Tie pairs: two members with a direct act between them in the window. Chance: the
    cross-organization share random relabelling of the tied members gives,
    1 - sum n_g (n_g - 1) / (N (N - 1)) over the N tied members with a known org.
    """
    return _ratio(ctx, "org", N_("tie pairs"))


@indicator(needs="members.sector and direct interactions")
def cross_sector_mixing(ctx: Context) -> Value:
    """Cross-sector share of the period's tie pairs, relative to chance (as
    ``cross_org_mixing``, by sector)."""
    return _ratio(ctx, "sector", N_("tie pairs"))


@indicator(params=("days",), needs="members.joined, members.org and direct interactions")
def newcomer_mixing(ctx: Context, days: int = 365) -> Value:
    """Cross-organization share of newcomers' tie pairs, relative to chance.

    Newcomers: members who joined within ``days`` before the period's end (a year by
    default). Their tie pairs in the window are compared with the same chance share as
    ``cross_org_mixing``: under random relabelling any set of ties crosses at that rate.
    """
    joined = ctx.joined_ns
    if joined is None or ctx.bounds is None:
        return no_data("members have no joined dates")
    hi = stamp_ns(ctx.bounds[1])
    new = (joined != NS_NAT) & (joined >= hi - int(pd.Timedelta(days=days).value)) & \
        (joined < hi)
    def mine(keys: np.ndarray) -> np.ndarray:
        return new[keys // ctx.n] | new[keys % ctx.n]

    if not pair_counts(ctx, ("newcomer", days), lambda k: (mine(k),))[0]:
        return no_data("no newcomer with a direct tie")
    return _ratio(ctx, "org", N_("newcomer tie pairs"), mine, ("newcomer", days))


@indicator(needs="members.org; problems.helpers or help interactions")
def help_across_orgs(ctx: Context) -> Value:
    """Share of help given across organizations, relative to chance.

    Help: problem helpers to the one who raised the problem, and interactions of kind
    ``help`` (:func:`peernet.metrics.followup.help_given`). Observed: the share of acts of
    help between two members of different organizations (the follow-up table's
    ``share_help_across_orgs``); chance: the cross-organization share random relabelling of
    the members who gave or received help gives (:func:`peernet.metrics.chance_cross_share`).
    1 = help crosses organizations as often as if the organization did not matter.
    """
    if ctx.org_code is None:
        return no_data("members have no org")
    if not ctx.net.has("problems") and "help" not in ctx.kinds_logged:
        return no_data("no problem log and no help interactions")
    og, orc, g, r, w = ctx.help_orgs()
    known = (og >= 0) & (orc >= 0)
    if w is not None:
        known &= w > 0
    if not known.any():
        return no_data("no help between members with a known org in the period")
    times = np.ones(len(g), np.int64) if w is None else w   # acts drawn k times count k
    n_known = int(np.compress(known, times).sum())
    observed = int(np.compress(known & (og != orc), times).sum()) / n_known
    people = np.zeros(ctx.n, bool)            # the givers and receivers, sorted, distinct
    people[np.compress(known, g)] = True
    people[np.compress(known, r)] = True
    expected = chance_cross_share(ctx.org_code[np.flatnonzero(people)])
    if not expected > 0:
        return no_data("everyone who gave or received help is in one organization")
    return Value(observed / expected,
                 N_("{observed} of {n} acts of help cross organizations; {expected} would "
                    "by chance").format(observed=f"{observed:.0%}", n=n_known,
                                        expected=f"{expected:.0%}"))
