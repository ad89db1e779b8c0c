"""The relations the rules read: supervision chains, existing ties, languages.

All are sorted arrays of unordered pair keys (``min * n + max`` over roster positions) or
sparse member x value matrices, built with vectorised group-bys and sparse products, never a
loop over rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..network import PeerNetwork
from ..schema import split_list
from ..ties import pair_keys, unique_int
from .profiles import attr, codes

__all__ = ["chain_keys", "known_keys", "language_matrix", "shared_languages"]


def known_keys(net: PeerNetwork, ids: pd.Index, small_event: int) -> np.ndarray:
    """Sorted unique pair keys of members who already know each other.

    Known = a direct interaction in either direction (any kind with a ``target``), a
    problem one raised and the other helped on, or both attended an event with at most
    ``small_event`` attendees. With a slice, all history up to the slice's end counts.
    """
    n = len(ids)
    root = net.root
    inter = root.interactions
    if net.window is not None:
        inter = inter[inter["timestamp"] < net.window.end_utc]
    keys = []
    if "target" in inter.columns:
        d = inter[inter["target"].notna()]
        a, b = codes(d["source"], ids), codes(d["target"], ids)
        ok = (a >= 0) & (b >= 0) & (a != b)
        keys.append(pair_keys(a[ok], b[ok], n))
    probs = root.problems
    if net.window is not None and len(probs):
        probs = probs[probs["raised_at"] < net.window.end_utc]
    if len(probs) and "helpers" in probs.columns:
        h = split_list(probs["helpers"])
        a = codes(probs["raised_by"].loc[h.index], ids)
        b = codes(h, ids)
        ok = (a >= 0) & (b >= 0) & (a != b)
        keys.append(pair_keys(a[ok], b[ok], n))
    if small_event > 1 and "event_id" in inter.columns:
        att = inter.loc[(inter["kind"] == "attend") & inter["event_id"].notna(),
                        ["source", "event_id"]].drop_duplicates()
        size = att.groupby("event_id", observed=True)["source"].transform("size")
        att = att[(size <= small_event).to_numpy()]
        a = codes(att["source"], ids)
        att, a = att[a >= 0], a[a >= 0]
        if len(att):
            ev, e = np.unique(att["event_id"].astype("str").to_numpy(), return_inverse=True)
            inc = sp.csr_matrix((np.ones(len(a)), (a, e)), shape=(n, len(ev)))
            co = sp.triu(inc @ inc.T, k=1).tocoo()
            keys.append(pair_keys(co.row, co.col, n))
    if not keys:
        return np.zeros(0, "int64")
    return unique_int(np.concatenate(keys))


def chain_keys(members: pd.DataFrame, ids: pd.Index) -> np.ndarray:
    """Sorted pair keys of members in one supervision chain (ancestor and descendant).

    Transitive closure of the ``supervisor_id`` relation by repeated sparse products; a
    cycle in the data stops when no new pair appears.
    """
    n = len(ids)
    if "supervisor_id" not in members.columns:
        return np.zeros(0, "int64")
    m = members[members["supervisor_id"].notna()]
    a, b = codes(m["member_id"], ids), codes(m["supervisor_id"], ids)
    ok = (a >= 0) & (b >= 0) & (a != b)
    if not ok.any():
        return np.zeros(0, "int64")
    step = sp.csr_matrix((np.ones(int(ok.sum()), bool), (a[ok], b[ok])), shape=(n, n))
    reach = step.copy()
    frontier = step
    for _ in range(n):
        frontier = (frontier @ step).astype(bool)
        frontier = frontier - frontier.multiply(reach)
        frontier.eliminate_zeros()
        if frontier.nnz == 0:
            break
        reach = (reach + frontier).astype(bool)
    co = reach.tocoo()
    return unique_int(pair_keys(co.row, co.col, n))


def language_matrix(members: pd.DataFrame) -> tuple[sp.csr_matrix, pd.Index]:
    """Member x language incidence (``language`` may hold several, ``"en; es"``), and the
    languages (lower case) of its columns."""
    lang_long = split_list(attr(members, "language").dropna()).str.lower()
    langs = pd.Index(sorted(set(lang_long)))
    rows = members.index.get_indexer(lang_long.index)
    mat = sp.csr_matrix((np.ones(len(lang_long)), (rows, langs.get_indexer(lang_long))),
                        shape=(len(members), len(langs)))
    mat.data[:] = 1.0
    return mat, langs


def shared_languages(lang_m: sp.csr_matrix, langs: pd.Index, a: np.ndarray,
                     b: np.ndarray) -> pd.Series:
    """The languages members ``a[i]`` and ``b[i]`` share, "; "-joined ("" when none)."""
    both = lang_m[a].multiply(lang_m[b]).tocoo()
    df = pd.DataFrame({"i": both.row, "lang": langs[both.col]}).sort_values(["i", "lang"])
    joined = df.groupby("i")["lang"].agg("; ".join)
    return pd.Series(joined.reindex(range(len(a))).fillna("").to_numpy(), dtype="str")
