"""Participation over time: who takes part, who stays, how evenly voice is spread."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from .._cache import cached, memo
from ..network import ACT_COLUMNS, PeerNetwork, guest_ids, mirrored_rows
from ..positions import factorize
from ..schema import NS_NAT
from ..ties import unique_int
from ._sparse import gini, top_share

__all__ = ["participation", "FREQS"]

#: Accepted ``freq`` values and the pandas Period frequency each gives.
FREQS = {"MS": "M", "M": "M", "ME": "M", "QS": "Q", "Q": "Q", "QE": "Q", "YS": "Y", "Y": "Y",
         "YE": "Y", "AS": "Y", "A": "Y", "W": "W"}
#: Interaction kinds counted as speaking up (``voice_gini``).
VOICE_KINDS = ("message", "reply")

COLUMNS = ("period", "roster_members", "members_active", "members_new", "members_returning",
           "members_reactivated", "members_lapsed", "retention_rate", "events", "attendances",
           "attendance_mean", "attendance_rate", "share_attended", "interactions",
           "activity_gini", "top10_share", "voice_gini", "guests_active", "guest_attendances")


#: Months a period of each frequency :func:`_ordinals` counts in months spans.
_MONTHS = {"M": 1, "Q": 3, "Y": 12}
_NS_DAY = 86_400 * 10**9
#: Days spanned from which :func:`_ordinals` converts each day instead of a table of days.
_DAY_TABLE = 1 << 22


def _periods(ts: pd.Series, tz: str, freq: str) -> pd.Series:
    local = ts.dt.tz_convert(tz).dt.tz_localize(None)
    return local.dt.to_period(freq)


def _ordinals(ts: pd.Series, tz: str, freq: str, base: int) -> np.ndarray:
    """The ordinals (int64) of :func:`_periods` less ``base`` (NaT: pandas' NaT ordinal
    less ``base``), in one array of their own (the local times are not kept).

    Months, quarters and years from each local day's month, looked up in a table over the
    days the times span: pandas' ordinals (months, quarters, years since 1970) without a
    PeriodArray, about 4x faster at 13M acts; weeks by pandas."""
    step = _MONTHS.get(freq)
    if step is None:
        out = np.asarray(_periods(ts, tz, freq).array.asi8, np.int64)
        out -= base
        return out
    local = ts.dt.tz_convert(tz).dt.tz_localize(None).to_numpy("datetime64[ns]").view("i8")
    nat = local == NS_NAT
    out = local // _NS_DAY                  # the local day: a new array, written in place
    del local
    if len(out):
        ok = out[~nat] if nat.any() else out
        lo, hi = (int(ok.min()), int(ok.max())) if len(ok) else (0, 0)
        if nat.any():
            out[nat] = lo
        if hi - lo < _DAY_TABLE:
            days = np.arange(lo, hi + 1, dtype="int64").view("datetime64[D]")
            table = days.astype("datetime64[M]").view("i8") // step
            out -= lo
            np.take(table, out, out=out)
        else:
            out = out.view("datetime64[D]").astype("datetime64[M]").view("i8") // step
        out[nat] = NS_NAT
    out -= base
    return out


def participation(net: PeerNetwork, *, freq: str = "QS") -> pd.DataFrame:
    """Participation per period (month, quarter, year) of a network or slice.

    Parameters
    ----------
    net : PeerNetwork
        A slice or a whole network; rows cover the slice's window (every period in it, empty
        ones included) or, for a whole network, its first to last interaction. Activity before
        the window (in ``net.root``) is used to tell new members from returning ones.
    freq : {"MS", "QS", "YS", "W"}, default "QS"
        Period length: months, quarters, years, weeks (calendar periods in the network's zone).

    Returns
    -------
    DataFrame
        One row a period (``period``, a pandas Period, first), columns:

        - ``roster_members``: roster members during the period (joined before its end, not
          left before its start; every roster member when ``joined`` is absent).
        - ``members_active``: members who acted (any interaction, attending included; both
          people of a contact).
        - ``members_new``: active for the first time ever (in the whole network).
        - ``members_returning``: active in this period and in the previous one.
        - ``members_reactivated``: active, not new, not active in the previous period.
        - ``members_lapsed``: active in the previous period, not in this one.
        - ``retention_rate``: returning / active in the previous period; NaN when nobody was.
        - ``events``: events starting in the period (events table).
        - ``attendances``: distinct (member, event) attendance records.
        - ``attendance_mean``: attendances / events with at least one attendance record.
        - ``attendance_rate``: attendance_mean / roster_members (share of the roster at a
          typical event).
        - ``share_attended``: share of roster members at one or more events.
        - ``interactions``: interaction rows (a contact is one row).
        - ``activity_gini``: Gini of interactions per active member (a contact counts
          for both people) (0 = equal, 1 = one
          person does everything); NaN without activity.
        - ``top10_share``: share of all interactions made by the most active 10% of active
          members (ceil(0.1 n) people).
        - ``voice_gini``: Gini of messages and replies among the period's attendees, those
          who said nothing included (0 when everyone spoke equally); NaN without attendees or
          without any message.
        - ``guests_active``: guests who acted (people not on the roster, devices, phone
          numbers; ``members.guest``). Guests are in no other column: not active members,
          not attendances, not in any share (``interactions`` alone counts every row).
        - ``guest_attendances``: distinct (guest, event) attendance records.

        ``share_attended`` counts only attendees who are roster members during the period,
        so no share exceeds 1.

    Notes
    -----
    Gini: G = sum_i (2i - n - 1) x_(i) / (n sum x), x sorted ascending. An activity Gini of
    0.6 with a top-10% share of 0.45 is typical of online communities (a few carry the
    conversation); in a peer network that wants equal voice, a falling voice Gini is the
    sign to look for.

    References
    ----------
    Gini, C. (1912). Variabilità e mutabilità. CHAOSS (2023), "Contributor Absence Factor".

    Examples
    --------
    >>> p = pn.participation(pn.load_sample("riverbend").period("2025"))
    >>> p["period"].astype(str).tolist()
    ['2025Q1', '2025Q2', '2025Q3', '2025Q4']
    >>> bool((p["members_active"] == p["members_new"] + p["members_returning"]
    ...       + p["members_reactivated"]).all())
    True
    """
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {', '.join(repr(f) for f in FREQS)}; got {freq!r}")
    pfreq = FREQS[freq]
    tz = net.tz
    # who acted: both people of a contact (PeerNetwork.acts), read chunk by chunk as codes
    # (_Acts: the acts' table is not made); ``interactions`` counts rows
    root = net.root
    whole = net.interactions is root.interactions   # a window holding every row
    guests = guest_ids(root.members)     # guests are counted apart, never as members
    acts = _Acts(net, guests, root if whole else None)
    if net.window is not None:
        lo = pd.Period(net.window.start.tz_localize(None), pfreq)
        hi = pd.Period((net.window.end - pd.Timedelta(1, "ns")).tz_localize(None), pfreq)
    else:
        when = acts.time_span()
        if when is None:
            return _empty(pfreq)
        p = _periods(pd.Series(np.array(when, "datetime64[ns]")).dt.tz_localize("UTC"), tz,
                     pfreq)
        lo, hi = p.min(), p.max()
    periods = pd.period_range(lo, hi, freq=pfreq)
    base = periods[0]
    n_per = len(periods)

    # activity history from the whole network: its distinct (member, period) pairs, a
    # chunk of acts at a time (at 300,000 members / 37M rows the acts' table and a value
    # per act were 2 GB)
    hist = acts if whole else _Acts(root, guests, root)
    window = _Window(acts, n_per) if whole else None
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    for o, mr, m, g in hist.chunks(tz, pfreq, base.ordinal):
        if window is not None:
            window.add(o, mr, m, g)
        p = _of_acts(o, mr)
        seen.append(_distinct_pairs(m, p) if g is None else _distinct_pairs(m[~g], p[~g]))
        del o, mr, m, g, p
    if not whole:
        window = _Window(acts, n_per)
        for chunk in acts.chunks(tz, pfreq, base.ordinal):
            window.add(*chunk)
    assert window is not None
    mem = np.concatenate([s[0] for s in seen]) if seen else np.zeros(0, np.int64)
    per = np.concatenate([s[1] for s in seen]) if seen else np.zeros(0, np.int64)
    del seen
    lo_r = int(per.min()) if len(per) else 0
    span_r = (int(per.max()) - lo_r + 1) if len(per) else 1
    key = mem * span_r         # the (member, period) key: code * span_r + (period - lo_r)
    key += per - lo_r
    pair_keys = unique_int(key)
    del key, mem, per
    n_codes = int(pair_keys.max()) // span_r + 1 if len(pair_keys) else 0
    mem, per = pair_keys // span_r, pair_keys % span_r + lo_r
    first = np.full(n_codes, np.iinfo(np.int64).max)
    np.minimum.at(first, mem, per)
    lo_p = int(per.min()) if len(per) else 0
    slots = (int(per.max()) - lo_p + 2) if len(per) else 2   # one spare slot per member
    key = mem * slots + (per - lo_p)
    had_prev = np.isin(key - 1, key)
    nxt = np.isin(key + 1, key)
    is_new = first[mem] == per
    within = (per >= 0) & (per < len(periods))

    def count(mask, at):
        return np.bincount(at[mask], minlength=len(periods))[:len(periods)]

    active = count(within, per)
    new = count(within & is_new, per)
    returning = count(within & had_prev, per)
    reactivated = count(within & ~had_prev & ~is_new, per)
    # lapsed in p: active in p-1, not in p
    lap_at = per + 1
    lap_ok = (lap_at >= 0) & (lap_at < len(periods)) & ~nxt
    lapsed = count(lap_ok, lap_at)
    prev_active = np.bincount(per[(per >= -1) & (per < len(periods) - 1)] + 1,
                              minlength=len(periods))[:len(periods)]
    retention = np.where(prev_active > 0, returning / np.maximum(prev_active, 1), np.nan)

    out = pd.DataFrame({"period": pd.PeriodIndex(periods)})
    out["roster_members"] = _roster_sizes(net, periods)
    out["members_active"] = active
    out["members_new"] = new
    out["members_returning"] = returning
    out["members_reactivated"] = reactivated
    out["members_lapsed"] = lapsed
    out["retention_rate"] = retention

    # events and attendance in the slice
    ev = net.events
    if len(ev):
        ep = np.asarray(_periods(ev["start"], tz, pfreq).array.asi8 - base.ordinal)
        out["events"] = np.bincount(ep[(ep >= 0) & (ep < len(periods))],
                                    minlength=len(periods))[:len(periods)]
    else:
        out["events"] = 0
    # members and events as integer codes (-1: missing), not Python strings
    att = window.attendance()
    attendances = np.bincount(att.p, minlength=len(periods))[:len(periods)]
    events_att = np.bincount(att.distinct_pe(), minlength=len(periods))[:len(periods)]
    out["attendances"] = attendances
    mean = np.where(events_att > 0, attendances / np.maximum(events_att, 1), np.nan)
    out["attendance_mean"] = mean
    roster = out["roster_members"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["attendance_rate"] = np.where(roster > 0, mean / roster, np.nan)
        on_roster = _attendees_on_roster(net, periods, att, acts.ids)
        out["share_attended"] = np.where(roster > 0, on_roster / roster, np.nan)
    out["interactions"] = window.rows

    # inequality per period (a loop over periods, not rows); a member's counts in a period
    # come from sorted (period, member) keys
    span = window.span
    act_keys, act_counts = window.counts(window.acted)
    voice_keys, voice_counts = window.counts(window.voiced)
    act_p = act_keys // span
    am_p, am_m = att.distinct_pm()
    gini_a, top, gini_v = [], [], []
    for i in range(len(periods)):
        counts = act_counts[np.searchsorted(act_p, i):np.searchsorted(act_p, i, "right")]
        gini_a.append(gini(counts) if len(counts) else np.nan)
        top.append(top_share(counts) if len(counts) else np.nan)
        who = am_m[am_p == i]
        if len(who):                     # attendees' messages and replies, 0 for the silent
            said = _counts_of(voice_keys, voice_counts, i * span + who)
            gini_v.append(gini(np.where(who >= 0, said, 0)))
        else:
            gini_v.append(np.nan)
    out["activity_gini"] = gini_a
    out["top10_share"] = top
    out["voice_gini"] = gini_v
    out["guests_active"] = 0
    out["guest_attendances"] = 0
    if guests and window.guests:
        g = pd.DataFrame({k: np.concatenate([c[i] for c in window.guests])
                          for i, k in enumerate(("p", "m", "e", "a"))})
        g = g[(g["p"] >= 0) & (g["p"] < len(periods))]
        out["guests_active"] = np.bincount(g.drop_duplicates(["p", "m"])["p"],
                                           minlength=len(periods))[:len(periods)]
        ga = g[g["a"] & (g["e"] >= 0)].drop_duplicates(["p", "m", "e"])
        out["guest_attendances"] = np.bincount(ga["p"], minlength=len(periods))[:len(periods)]
    return out[list(COLUMNS)]


class _Attendance:
    """Distinct attendance records (period ``p``, member code ``m``, event code ``e``) of
    integer codes, as ``DataFrame.drop_duplicates`` of the three gives them but by one
    sort of integer keys (in key order, not first appearance: every use counts them or
    sorts their values); the distinct (period, member) and (period, event) pairs alike."""

    def __init__(self, p: np.ndarray, m: np.ndarray, e: np.ndarray, *,
                 distinct: bool = False) -> None:
        self._lo = [int(a.min()) if len(a) else 0 for a in (p, m, e)]
        self._span = [int(a.max()) - int(a.min()) + 1 if len(a) else 1 for a in (p, m, e)]
        sp, sm, se = self._span
        if distinct:                    # distinct records already (_Window.attendance)
            pass
        elif sp * sm * se >= 1 << 62:     # keys that could overflow: pandas' drop_duplicates
            d = pd.DataFrame({"p": p, "m": m, "e": e}).drop_duplicates()
            p, m, e = d["p"].to_numpy(), d["m"].to_numpy(), d["e"].to_numpy()
        else:
            key = self._key(p, m, e)
            p, m, e = self._split(unique_int(key))
            del key
        self.p, self.m, self.e = p, m, e
        self._pm: tuple[np.ndarray, np.ndarray] | None = None

    def _key(self, p: np.ndarray, m: np.ndarray, e: np.ndarray) -> np.ndarray:
        (lp, lm, le), (_, sm, se) = self._lo, self._span
        key = np.asarray(p, np.int64) - lp
        key *= sm
        key += m
        key -= lm
        key *= se
        key += e
        key -= le
        return key

    def _split(self, key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        (lp, lm, le), (_, sm, se) = self._lo, self._span
        e = key % se + le
        key = key // se
        return key // sm + lp, key % sm + lm, e

    def distinct_pm(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct (period, member) pairs: periods and members (computed once)."""
        if self._pm is None:
            key = self._key(self.p, self.m, np.full_like(self.e, self._lo[2]))
            p, m, _ = self._split(unique_int(key))
            self._pm = p, m
        return self._pm

    def distinct_pe(self) -> np.ndarray:
        """The period of each distinct (period, event) pair."""
        p, _, _ = self._split(unique_int(self._key(self.p, np.full_like(self.m, self._lo[1]),
                                                   self.e)))
        return p


def _attendees_on_roster(net: Any, periods: pd.PeriodIndex, att: _Attendance,
                         ids: pd.Index) -> np.ndarray:
    """Distinct attendees per period who are roster members during it (joined before its
    end, not left before its start, not ``unmatched``): the numerator of share_attended.
    ``att``'s members are positions into ``ids``, the sources' distinct ids."""
    p, pm = att.distinct_pm()
    if not len(p):
        return np.zeros(len(periods), np.int64)
    m = net.members.set_index("member_id")
    # roster row of each distinct id once (-1: not on the roster), then of each attendee:
    # a lookup per attendee-period would map strings again for every row
    row = m.index.get_indexer(ids)[pm]
    ok = row >= 0
    at = np.where(ok, row, 0)
    if "unmatched" in m.columns:
        flag = m["unmatched"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        ok &= ~(flag[at] & ok)
    starts = periods.start_time.tz_localize(net.tz).tz_convert("UTC")
    ends = (periods.end_time + pd.Timedelta(1, "ns")).tz_localize(net.tz).tz_convert("UTC")
    # as datetime64 (NaT compares False, as NaT did as a Timestamp), not Timestamp objects
    if "joined" in m.columns:
        j = _utc_ns(m["joined"])[at]
        ok &= ~(j >= _utc_ns(ends)[p])
    if "left" in m.columns:
        lft = _utc_ns(m["left"])[at]
        ok &= ~(lft < _utc_ns(starts)[p])
    return np.bincount(p[ok], minlength=len(periods))[:len(periods)]


def _utc_ns(values: Any) -> np.ndarray:
    """Datetimes (a column or an index, naive read as UTC) as UTC datetime64[ns]."""
    s = pd.Series(values, dtype="datetime64[ns, UTC]", copy=False)
    return s.dt.tz_localize(None).to_numpy("datetime64[ns]")


#: Interaction rows :class:`_Acts` reads at a time (their acts: a few int64 arrays of that
#: many, 16 MB each, instead of a value per act of the whole network).
ACT_CHUNK = 1 << 21


class _Acts:
    """A network's acts (:meth:`PeerNetwork.acts`: each row an act of its ``source``, a
    mutual row of its ``target`` too) read a chunk of rows at a time as integer codes,
    without the acts' table (at 300,000 members / 37M rows out of core: +2 GB).

    ``ids`` are the people (a categorical ``source``'s categories; otherwise its distinct
    values in order of first appearance) followed by the targets of mutual rows not among
    them; a code is a position in ``ids`` (-1: missing). Codes tell the people apart and
    are counted, never ordered, so any numbering gives the same numbers. The codes, the
    mutual rows and their targets' codes are kept with ``owner``'s acts (``("acts",
    ...)``: let go with them) when given: both of an evaluation's participation tables
    read the whole network's."""

    def __init__(self, net: PeerNetwork, guests: set[str], owner: PeerNetwork | None) -> None:
        self.n_rows = len(net.interactions)
        made = self.n_rows > 0 and _made(net)
        # the acts' table when it is made already (in memory, for the participation
        # fork): its rows are the acts, the interactions' rows first
        self.inter = net.acts(ACT_COLUMNS) if made else net.interactions
        self.codes, self.ids, self.mrows, self.mcodes = \
            _coded(self.inter) if owner is None else \
            cached(owner, ("acts", "participation", "coded", made), lambda: _coded(self.inter))
        self._owner, self._made = owner, made
        self._guest = np.append(self.ids.isin(list(guests)), False)   # code -1: no guest
        self._any_guest = bool(self._guest.any())

    def events(self) -> Any:
        """The events' codes (-1 missing; a categorical's own), None without ``event_id``."""
        if "event_id" not in self.inter.columns:
            return None
        ev = self.inter["event_id"]
        if isinstance(ev.dtype, pd.CategoricalDtype):
            return ev.array.codes
        if self._owner is None:
            return factorize(ev)[0]
        return cached(self._owner, ("acts", "participation", "events", self._made),
                      lambda: factorize(ev)[0])

    def chunks(self, tz: str, pfreq: str, base: int
               ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]]:
        """Per chunk of rows: ``o``, the period of each row (:func:`_ordinals` less
        ``base``), ``mr``, the mutual rows (in the chunk), and of each act of the rows
        (each row's, then each mutual row's second: :func:`_of_acts`) ``m``, its person's
        code, and ``g``, whether that person is a guest (None without guests)."""
        for t, mr, m in self._read():
            o = _ordinals(t, tz, pfreq, base)
            yield o, mr, m, self._guest[m] if self._any_guest else None

    def _read(self) -> Iterator[tuple[pd.Series, np.ndarray, np.ndarray]]:
        """Per chunk of rows: their times, the mutual rows among them (less the chunk's
        first row) and the people of their acts (:meth:`_acts`)."""
        times = self.inter["timestamp"]
        for a in range(0, len(times), ACT_CHUNK):
            t = times.iloc[a:a + ACT_CHUNK]
            yield (t, *self._acts(a, len(t)))

    def _acts(self, a: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The mutual rows among rows ``a`` to ``a + n`` (less ``a``) and the people of
        the rows' acts."""
        lo, hi = np.searchsorted(self.mrows, [a, a + n])
        return self.mrows[lo:hi] - a, np.concatenate(
            [np.asarray(self.codes[a:a + n], np.int64), self.mcodes[lo:hi]])

    def time_span(self) -> tuple[int, int] | None:
        """The earliest and latest time (ns) of the acts of members (not guests), None
        without any."""
        lo, hi = None, None
        for times, mr, m in self._read():
            t = _of_acts(times.to_numpy("datetime64[ns]").view("i8"), mr)[~self._guest[m]]
            t = t[t != NS_NAT]
            if len(t):
                lo = int(t.min()) if lo is None else min(lo, int(t.min()))
                hi = int(t.max()) if hi is None else max(hi, int(t.max()))
        return None if lo is None or hi is None else (lo, hi)


def _made(net: PeerNetwork) -> bool:
    """Whether ``net``'s acts of :data:`ACT_COLUMNS` are made and kept already."""
    while net.parent is not None and net.interactions is net.parent.interactions:
        net = net.parent
    store = memo(net) or {}
    cols = tuple(c for c in ACT_COLUMNS if c in net.interactions.columns)
    return ("acts",) in store or ("acts", cols) in store


def _coded(inter: pd.DataFrame) -> tuple[Any, pd.Index, np.ndarray, np.ndarray]:
    """What :class:`_Acts` reads: the sources' codes and ``ids``, the mutual rows (int64,
    :func:`~peernet.network.mirrored_rows`) and their targets' codes; a categorical's
    codes as they are (no copy)."""
    src = inter["source"]
    if isinstance(src.dtype, pd.CategoricalDtype):   # its codes: no pass over text
        codes: Any = src.array.codes
        ids = pd.Index(np.asarray(src.cat.categories, dtype=object), dtype="str")
    else:
        codes, ids = factorize(src)
    rows = [np.zeros(0, np.int64)]
    if "target" in inter.columns:
        for a in range(0, len(inter), ACT_CHUNK):
            rows.append(np.flatnonzero(mirrored_rows(inter.iloc[a:a + ACT_CHUNK])) + a)
    mrows = np.concatenate(rows)
    mcodes = np.zeros(0, np.int64)
    if len(mrows) and isinstance(src.dtype, pd.CategoricalDtype) \
            and inter["target"].dtype == src.dtype:    # the targets' codes are the sources'
        mcodes = np.asarray(inter["target"].array.codes[mrows], np.int64)
    elif len(mrows):
        other = inter["target"].iloc[mrows]
        mcodes = np.asarray(ids.get_indexer(other), np.int64)
        if (mcodes < 0).any():      # people who only appear as targets: after the sources
            new, more = pd.factorize(other[mcodes < 0])
            mcodes[mcodes < 0] = len(ids) + np.asarray(new, np.int64)
            ids = ids.append(pd.Index(np.asarray(more, dtype=object), dtype="str"))
    return codes, ids, mrows, mcodes


class _Window:
    """What participation counts of a window's acts, added a chunk at a time
    (:meth:`_Acts.chunks`): its rows per period (``rows``), the distinct attendance records
    of members, each (period, member) pair's acts and messages and replies (``acted``,
    ``voiced``: periods, members, counts) and the guests' acts (``guests``: periods,
    people, events, whether an attendance)."""

    def __init__(self, acts: _Acts, n_per: int) -> None:
        self.acts, self.n_per = acts, n_per
        self.rows = np.zeros(n_per, np.int64)
        self.span = 1        # the pair keys' factor: the largest member code + 2
        self._events = acts.events()
        # an attendance record (period, member, event) as one int64 key when they fit
        self._spans = (len(acts.ids) + 1, int(np.max(self._events)) + 2
                       if self._events is not None and len(self._events) else 1)
        self._packed = n_per * self._spans[0] * self._spans[1] < 1 << 62
        self._keys: list[np.ndarray] = []
        self._att: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.acted: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.voiced: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.guests: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._a = 0          # the rows added so far

    def add(self, o: np.ndarray, mr: np.ndarray, m: np.ndarray, g: np.ndarray | None
            ) -> None:
        a, b = self._a, self._a + len(o)
        self._a = b
        rows = o[:max(0, self.acts.n_rows - a)]   # the interactions' rows, not mirrored acts
        if len(rows):
            self.rows += np.bincount(rows, minlength=self.n_per)[:self.n_per]
        kind = self.acts.inter["kind"].iloc[a:b]
        if self._events is not None:
            e = np.asarray(self._events[a:b], np.int64)
            attend = (kind == "attend").to_numpy() & (e >= 0)
        else:
            e, attend = np.zeros(len(o), np.int64), np.zeros(len(o), bool)
        p, e, attend = _of_acts(o, mr), _of_acts(e, mr), _of_acts(attend, mr)
        voice = _of_acts(kind.isin(VOICE_KINDS).to_numpy(), mr)
        if g is not None and g.any():
            self.guests.append((p[g], m[g], e[g], attend[g]))
            keep = ~g
            p, m, e, attend, voice = p[keep], m[keep], e[keep], attend[keep], voice[keep]
        if len(m):
            self.span = max(self.span, int(m.max()) + 2)
        pa, ma, ea = p[attend], m[attend], e[attend]
        if self._packed and (not len(pa) or (pa.min() >= 0 and pa.max() < self.n_per)):
            pa *= self._spans[0]
            pa += ma
            pa += 1
            pa *= self._spans[1]
            pa += ea
            pa += 1
            self._keys.append(unique_int(pa))
        else:
            d = _Attendance(pa, ma, ea)
            self._att.append((d.p, d.m, d.e))
        del pa, ma, ea
        known = m >= 0                   # rows without a source are not counted (as NaN)
        self.acted.append(_pair_counts(p, m, known))
        voice = voice & known
        self.voiced.append(_pair_counts(p, m, voice))

    def attendance(self) -> _Attendance:
        """The distinct attendance records of every chunk."""
        if self._keys:     # the packed keys: distinct over the chunks, then split
            key = unique_int(np.concatenate(self._keys)) if len(self._keys) > 1 \
                else self._keys[0]
            self._keys = []
            sm, se = self._spans
            e = key % se
            e -= 1
            key //= se
            m = key % sm
            m -= 1
            key //= sm
            if not self._att:
                return _Attendance(key, m, e, distinct=True)
            self._att.append((key, m, e))
        return _Attendance(*(np.concatenate([c[i] for c in self._att]) if self._att
                             else np.zeros(0, np.int64) for i in range(3)))

    def counts(self, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
               ) -> tuple[np.ndarray, np.ndarray]:
        """The sorted distinct keys ``period * span + member`` of ``parts`` (:attr:`acted`
        or :attr:`voiced`) and their counts summed over the chunks."""
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        keys = np.concatenate([p * self.span + m for p, m, _ in parts])
        counts = np.concatenate([c for _, _, c in parts])
        if len(parts) == 1 or not len(keys):   # one chunk's: sorted and distinct already
            return keys, counts
        order = np.argsort(keys, kind="stable")
        keys, counts = keys[order], counts[order]
        start = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        return keys[start], np.add.reduceat(counts, start)


def _of_acts(values: np.ndarray, mr: np.ndarray) -> np.ndarray:
    """A value a row as a value an act: ``values`` then those of the mutual rows ``mr``."""
    return np.concatenate([values, values[mr]]) if len(mr) else values


def _pair_counts(p: np.ndarray, m: np.ndarray, rows: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (period, member) pairs of ``rows`` (members >= 0) and their counts."""
    span = int(m[rows].max()) + 1 if rows.any() else 1
    keys, counts = _key_counts(_pair_keys(p, m, span, rows))
    return keys // span, keys % span, counts


def _distinct_pairs(m: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (member, period) pairs of codes ``m`` and periods ``p``."""
    if not len(m):
        return m, p
    lo = int(p.min())
    span = int(p.max()) - lo + 1
    key = m * span
    key += p - lo
    key = unique_int(key)
    return key // span, key % span + lo


def _pair_keys(p: np.ndarray, m: np.ndarray, span: int, rows: np.ndarray) -> np.ndarray:
    """``p[rows] * span + m[rows]``, computed in the one array it returns."""
    out = p[rows]
    out *= span
    out += m[rows]
    return out


def _key_counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct integer keys (sorted) and how often each occurs; ``keys`` (a fresh array)
    is sorted in place."""
    keys.sort()
    if not len(keys):
        return keys, np.zeros(0, np.int64)
    start = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[start], np.diff(np.r_[start, len(keys)])


def _counts_of(keys: np.ndarray, counts: np.ndarray, want: np.ndarray) -> np.ndarray:
    """The counts of the ``want`` keys among sorted distinct ``keys`` (0 where absent)."""
    if not len(keys):
        return np.zeros(len(want), np.int64)
    at = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
    return np.where(keys[at] == want, counts[at], 0)


def _roster_sizes(net: Any, periods: pd.PeriodIndex) -> np.ndarray:
    m = net.members
    if "unmatched" in m.columns:
        m = m.loc[~m["unmatched"].fillna(False).to_numpy(bool)]
    starts = periods.start_time.tz_localize(net.tz).tz_convert("UTC")
    ends = (periods.end_time + pd.Timedelta(1, "ns")).tz_localize(net.tz).tz_convert("UTC")
    n = np.full(len(periods), len(m))
    if "joined" in m.columns:
        j = m["joined"].to_numpy("datetime64[ns]", na_value=np.datetime64("NaT"))
        e = ends.to_numpy("datetime64[ns]")
        n = n - (j[None, :] >= e[:, None]).sum(axis=1)
    if "left" in m.columns:
        lft = m["left"].to_numpy("datetime64[ns]", na_value=np.datetime64("NaT"))
        s = starts.to_numpy("datetime64[ns]")
        n = n - (lft[None, :] < s[:, None]).sum(axis=1)
    return n


def _empty(pfreq: str) -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="float64") for c in COLUMNS})
    out["period"] = pd.PeriodIndex([], freq=pfreq)
    return out
