"""Time every stage of peernet on seeded synthetic networks in the canonical format.

    .venv/bin/python benchmarks/run.py --members 10000 --interactions 1000000

``--members`` and ``--interactions`` take comma lists, paired in order (``--members
1000,10000 --interactions 100000,1000000`` runs two sizes). For each size the script writes a
canonical Parquet folder (members, events, interactions, problems, surveys), then times each
stage on its own, cold (a slice cut anew, so no stage profits from another's cache):

floor            pyarrow reads the interactions, pandas groups them to weighted ties
load             ``pn.load(folder)`` (validation of every table)
person_graph     ``pn.person_graph(y)`` (aggregation + the networkx graph)
participation    ``pn.participation(y)``
network_metrics  ``pn.network_metrics(y)``
member_metrics   ``pn.member_metrics(y)`` (betweenness sampled above 2,000 nodes)
metrics_total    participation + network_metrics + member_metrics on one slice (shared cache)
bootstrap_x10    ``pn.metrics.bootstrap(y, ["density", "reciprocity"], n=10)``
score            ``pn.score(y)``
evaluate         ``pn.evaluate(net, periods=["2024", "2025"], bootstrap=0)``
report           ``pn.report(ev, out)`` (HTML and figures)
cli_evaluate     ``peernet evaluate FOLDER --year 2025 --bootstrap 0`` in a subprocess

``--all`` instead measures every ratio of issue 23 side by side in fresh processes (small
network vs a direct script, intervals vs none, peernet vs the igraph floor of
:func:`igraph_floor` in time and memory, 100k / 10M end to end, out of core, a portfolio of
14 networks): ``benchmarks/summary.py``, ``make bench`` (``make bench QUICK=1``: one run a
pair, no 100k).

Each row gives wall time, the peak resident memory of the process during the stage (sampled
every 5 ms from /proc) and the ratio to the floor. A table is printed and written with the
raw numbers as JSON and Markdown to ``benchmarks/results/``. Stages that fail (e.g. a module
not written yet) are reported with their error instead of a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
KINDS = {"attend": 0.35, "message": 0.18, "reply": 0.14, "reaction": 0.10, "call": 0.05,
         "contact": 0.04, "help": 0.05, "resource": 0.04, "referral": 0.03, "mention": 0.02}
SECTORS = ("health", "education", "social_services", "government", "residents")
REGIONS = ("North", "South", "Coast", "Mountain")
YEAR = 2025


# ------------------------------------------------------------------------------ data
def _pick(rng: np.random.Generator, cum: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with probabilities given by the cumulative weights ``cum``."""
    return np.searchsorted(cum, rng.random(size) * cum[-1], side="right")


def _pick_within(rng, order, starts, sizes, cumw, groups) -> np.ndarray:
    """For each group in ``groups``, one member of that group, weighted by activity."""
    lo = cumw[starts[groups]] - 0.0
    hi = cumw[starts[groups] + sizes[groups]]
    u = lo + rng.random(len(groups)) * (hi - lo)
    pos = np.searchsorted(cumw, u, side="right") - 1
    pos = np.clip(pos, starts[groups], starts[groups] + sizes[groups] - 1)
    return order[pos]


def synthetic(members: int, interactions: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """A seeded synthetic network in the canonical format, most activity in ``YEAR``.

    Heavy-tailed activity (lognormal weights), organizations of Zipf-like sizes inside
    sectors and regions, meetings of 4-25 people (5% plenaries of 60-300) drawn 70% from
    the meeting's region, direct ties 55% inside the source's organization, listserv threads
    with replies, a problem log with helpers and a survey. ``interactions`` rows fall in
    ``YEAR``; a history year before it adds another 25%.
    """
    rng = np.random.default_rng(seed)
    m = int(members)
    n_org = max(5, m // 40)
    org_size = 1.0 / np.arange(1, n_org + 1) ** 0.8
    org_of = _pick(rng, np.cumsum(org_size), m)
    org_sector = rng.integers(0, len(SECTORS), n_org)
    org_region = rng.integers(0, len(REGIONS), n_org)
    ids = np.array([f"m{i:06d}" for i in range(m)], dtype=object)
    weight = rng.lognormal(0, 1.2, m)
    joined = pd.Timestamp("2019-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 7 * 365, m), unit="D")
    mem = pd.DataFrame({
        "member_id": ids, "org": [f"Org {o:04d}" for o in org_of],
        "sector": np.array(SECTORS)[org_sector[org_of]],
        "region": np.array(REGIONS)[org_region[org_of]],
        "language": np.where(rng.random(m) < 0.2, "es", "en"),
        "role": np.where(rng.random(m) < 0.05, "coordinator", "member"),
        "joined": joined,
    })
    region_of = org_region[org_of]
    frames = []
    for year, volume in ((YEAR - 1, interactions // 4), (YEAR, interactions)):
        frames.append(_year(rng, year, int(volume), ids, weight, org_of, region_of))
    inter = pd.concat([f[0] for f in frames], ignore_index=True)
    events = pd.concat([f[1] for f in frames], ignore_index=True)
    # problems and a survey
    n_prob = max(10, m // 20)
    raised = ids[_pick(rng, np.cumsum(weight), n_prob)]
    raised_at = pd.Timestamp(f"{YEAR}-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 364 * 24, n_prob), unit="h")
    helpers = ["; ".join(ids[_pick(rng, np.cumsum(weight), k)]) for k in rng.integers(1, 4,
                                                                                      n_prob)]
    solved = rng.random(n_prob) < 0.6
    problems = pd.DataFrame({
        "problem_id": [f"p{i:05d}" for i in range(n_prob)], "raised_by": raised,
        "raised_at": raised_at, "helpers": helpers,
        "solved_at": raised_at + pd.to_timedelta(np.where(solved, rng.integers(1, 90, n_prob),
                                                          0), unit="D"),
        "status": np.where(solved, "solved", "open")})
    problems.loc[~solved, "solved_at"] = pd.NaT
    resp = ids[rng.random(m) < 0.3]
    items = ("reliability", "mission", "openness")
    k = len(resp) * len(items) * 3
    surveys = pd.DataFrame({
        "respondent": np.repeat(resp, len(items) * 3),
        "about": ids[rng.integers(0, m, k)],
        "item": np.tile(np.repeat(items, 3), len(resp)),
        "value": rng.integers(1, 5, k).astype(float), "wave": str(YEAR),
        "scale_min": 1.0, "scale_max": 4.0})
    surveys = surveys.loc[surveys["respondent"] != surveys["about"]].reset_index(drop=True)
    return {"members": mem, "events": events, "interactions": inter, "problems": problems,
            "surveys": surveys}


def _year(rng, year, volume, ids, weight, org_of, region_of):
    m = len(ids)
    start = pd.Timestamp(f"{year}-01-01", tz="UTC")
    seconds = 365 * 86400
    kinds = np.array(list(KINDS))
    counts = np.floor(np.array(list(KINDS.values())) * volume).astype(int)
    counts[1] += volume - counts.sum()
    cumw = np.cumsum(weight)
    # meetings: sessions of standing groups (4-25 members, 80% from one region), plus 5%
    # network-wide plenaries of 60-300; each group member attends a session with p = 0.7
    n_att = counts[0]
    n_groups = max(10, m // 6)
    g_size = np.minimum(rng.integers(4, 26, n_groups), m)
    g_region = rng.integers(0, len(REGIONS), n_groups)
    order = np.argsort(region_of, kind="stable")
    starts = np.searchsorted(region_of[order], np.arange(len(REGIONS)))
    rsizes = np.bincount(region_of, minlength=len(REGIONS))
    cw_sorted = np.r_[0.0, np.cumsum(weight[order])]
    g_of = np.repeat(np.arange(n_groups), g_size)
    g_mem = _pick(rng, cumw, len(g_of))
    local = (rng.random(len(g_of)) < 0.8) & (rsizes[g_region[g_of]] > 0)
    g_mem[local] = _pick_within(rng, order, starts, rsizes, cw_sorted, g_region[g_of[local]])
    g_ptr = np.r_[0, np.cumsum(g_size)]
    mean_att = 0.95 * (0.7 * g_size.mean()) + 0.05 * 0.7 * 180
    n_ev = max(10, int(n_att / mean_att))
    plenary = rng.random(n_ev) < 0.05
    ev_group = rng.integers(0, n_groups, n_ev)
    sizes = np.where(plenary, np.minimum(rng.integers(60, 301, n_ev), m), g_size[ev_group])
    ev_ids = np.array([f"e{year}-{i:06d}" for i in range(n_ev)], dtype=object)
    ev_start = start + pd.to_timedelta(np.sort(rng.integers(0, seconds, n_ev)), unit="s")
    ev_of = np.repeat(np.arange(n_ev), sizes)
    within = np.arange(len(ev_of)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    who = g_mem[np.minimum(g_ptr[ev_group][ev_of] + within, len(g_mem) - 1)]
    big = plenary[ev_of]
    who[big] = _pick(rng, cumw, int(big.sum()))
    keep = rng.random(len(ev_of)) < 0.7
    att = pd.DataFrame({"e": ev_of[keep], "w": who[keep]}).drop_duplicates()
    attend = pd.DataFrame({
        "timestamp": ev_start[att["e"].to_numpy()], "source": ids[att["w"].to_numpy()],
        "kind": "attend", "target": None, "event_id": ev_ids[att["e"].to_numpy()],
        "channel": "video", "thread_id": None, "message_id": None})
    events = pd.DataFrame({"event_id": ev_ids, "start": ev_start, "kind": "meeting",
                           "format": np.where(plenary, "network_meeting", "regional_meeting"),
                           "region": np.where(plenary, None,
                                              np.array(REGIONS)[g_region[ev_group]])})
    # direct interactions
    n_dir = int(counts[1:].sum())
    dkind = np.repeat(kinds[1:], counts[1:])
    src = _pick(rng, cumw, n_dir)
    # everyone has 8 usual contacts (4 in their organization); 85% of acts go to one of them
    o_order = np.argsort(org_of, kind="stable")
    o_starts = np.searchsorted(org_of[o_order], np.arange(org_of.max() + 1))
    o_sizes = np.bincount(org_of, minlength=org_of.max() + 1)
    cw_org = np.r_[0.0, np.cumsum(weight[o_order])]
    partners = np.empty((m, 8), np.int64)
    for j in range(4):
        partners[:, j] = _pick_within(rng, o_order, o_starts, o_sizes, cw_org, org_of)
    partners[:, 4:] = _pick(rng, cumw, m * 4).reshape(m, 4)
    tgt = partners[src, rng.integers(0, 8, n_dir)]
    rand = rng.random(n_dir) < 0.15
    tgt[rand] = _pick(rng, cumw, int(rand.sum()))
    tgt = np.where(tgt == src, (tgt + 1) % m, tgt)
    ts = start + pd.to_timedelta(rng.integers(0, seconds, n_dir), unit="s")
    direct = pd.DataFrame({"timestamp": ts, "source": ids[src], "kind": dkind,
                           "target": ids[tgt], "event_id": None, "channel": "email",
                           "thread_id": None, "message_id": None})
    # listserv threads: 40% of messages are posts; replies answer a post of the same year
    msg = np.flatnonzero(dkind == "message")
    posts = msg[rng.random(len(msg)) < 0.4]
    direct.loc[posts, "target"] = None
    direct.loc[posts, "channel"] = "listserv"
    pid = np.array([f"t{year}-{i:07d}" for i in range(len(posts))], dtype=object)
    direct.loc[posts, "thread_id"] = pid
    direct.loc[posts, "message_id"] = pid
    rep = np.flatnonzero(dkind == "reply")
    rep = rep[rng.random(len(rep)) < 0.6]
    if len(posts) and len(rep):
        which = rng.integers(0, len(posts), len(rep))
        direct.loc[rep, "thread_id"] = pid[which]
        direct.loc[rep, "target"] = direct["source"].to_numpy()[posts[which]]
        direct.loc[rep, "channel"] = "listserv"
        post_ts = direct["timestamp"].iloc[posts[which]].reset_index(drop=True)
        delay = pd.to_timedelta(rng.exponential(12 * 3600, len(rep)).astype(int), unit="s")
        direct.loc[rep, "timestamp"] = (post_ts + delay).to_numpy()
        same_person = direct.loc[rep, "source"].to_numpy() == direct.loc[rep, "target"]
        own = rep[same_person.to_numpy()]          # a follow-up on one's own post
        direct.loc[own, "kind"] = "message"
        direct.loc[own, "target"] = None
    inter = pd.concat([attend, direct], ignore_index=True)
    inter = inter.sort_values("timestamp", kind="stable").reset_index(drop=True)
    inter["channel"] = inter["channel"].astype("str")
    return inter, events


def write_folder(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_parquet(folder / f"{name}.parquet", index=False)
    (folder / "peernet.json").write_text(json.dumps({"name": "synthetic", "tz": "UTC"}))


# ------------------------------------------------------------------------------ measuring
class Peak:
    """Peak resident memory of this process while a block runs (sampled from /proc)."""

    def __init__(self, every: float = 0.005):
        self.every = every

    @staticmethod
    def rss() -> int:
        try:
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * PAGE
        except OSError:
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def __enter__(self):
        self.start = self.peak = self.rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self.rss())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())
        return False


def timed(name: str, fn, rows: list[dict]) -> object:
    with Peak() as p:
        t0 = time.perf_counter()
        c0 = time.process_time()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = fn()
            error = None
        except Exception as err:  # noqa: BLE001 - a failing stage is reported, not fatal
            result, error = None, f"{type(err).__name__}: {err}"[:200]
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
    print(f"  {name}: {wall:.2f} s wall, {cpu:.2f} s CPU, peak {p.peak / 2**20:.0f} MB"
          + (f" ({error})" if error else ""), file=sys.stderr, flush=True)
    rows.append({"stage": name, "seconds": None if error else round(wall, 3),
                 "cpu_seconds": None if error else round(cpu, 3),
                 "peak_rss_mb": round(p.peak / 2**20, 1),
                 "delta_rss_mb": round((p.peak - p.start) / 2**20, 1), "error": error})
    return result


def floor(folder: Path):
    import pyarrow.parquet as pq
    t = pq.read_table(folder / "interactions.parquet",
                      columns=["timestamp", "source", "target", "kind"]).to_pandas()
    d = t.loc[t["target"].notna()]
    return d.groupby(["source", "target"], sort=False).size()


# ------------------------------------------------------------------------------ igraph floor
#: Kinds whose rows are one act both ways (peernet.schema.MUTUAL_KINDS True): no direction,
#: left out of reciprocity as in peernet.
_MUTUAL = ("contact",)


def _quiet(fn, **kw) -> np.ndarray:
    """``fn(**kw)`` as an array, its warnings silenced (igraph warns on disconnected graphs)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(fn(**kw))


def igraph_floor(folder: Path, years=(YEAR - 1, YEAR), *, sources: int = 256,
                 max_event_size: int = 30, seed: int = 0) -> dict:
    """The same metrics as peernet's, on the same ties, by a direct pyarrow + pandas +
    igraph pipeline for each year: the floor peernet's evaluation is measured against.

    Per year: the person graph's ties (direct interactions of every kind, summed both
    ways, plus co-attendance at events of at most ``max_event_size`` people, weighted by
    shared events; ``pn.person_graph``'s defaults) grouped by pandas; then igraph computes
    density, degree centralization, components, transitivity and mean local clustering,
    average path length and efficiency from ``sources`` sampled sources, communities
    (igraph's Leiden for modularity, two iterations, weighted: peernet's partition above
    2,000 nodes until session 40, now networkit's PLM, the same modularity to 3e-5) and
    their modularity, reciprocity on the directed ties, E-I
    indices and org assortativity, degree and strength, betweenness from ``sources``
    sampled sources, eigenvector centrality, coreness and Burt's constraint (weighted).
    Gould-Fernandez brokerage is not in igraph: it is left out of the floor (peernet's
    side of the ratio pays for it). Returns per-year counts and numbers, for a check that
    both pipelines saw the same graph.
    """
    import igraph as ig
    import pyarrow.parquet as pq

    cols = ["timestamp", "source", "target", "kind", "event_id"]
    inter = pq.read_table(folder / "interactions.parquet", columns=cols).to_pandas()
    members = pq.read_table(folder / "members.parquet",
                            columns=["member_id", "org", "sector", "region"]).to_pandas()
    members = members.drop_duplicates("member_id").set_index("member_id")
    year_of = inter["timestamp"].dt.year.to_numpy()
    rng = np.random.default_rng(seed)
    out: dict = {}
    for year in years:
        d = inter.loc[year_of == year]
        att = d.loc[(d["kind"] == "attend").to_numpy() & d["event_id"].notna().to_numpy(),
                    ["event_id", "source"]].drop_duplicates()
        direct = d.loc[d["target"].notna().to_numpy() & (d["kind"] != "attend").to_numpy()
                       & (d["source"] != d["target"]).to_numpy(), ["source", "target", "kind"]]
        codes, ids = pd.factorize(pd.concat([d["source"], direct["target"]],
                                            ignore_index=True))
        n = len(ids)
        pos = pd.Index(ids)
        s = pos.get_indexer(direct["source"])
        t = pos.get_indexer(direct["target"])
        # co-attendance: every pair of attendees of each event of at most max_event_size
        a = pd.DataFrame({"e": pd.factorize(att["event_id"])[0],
                          "m": pos.get_indexer(att["source"])})
        size = a.groupby("e")["m"].transform("size")
        a = a.loc[(size <= max_event_size).to_numpy() & (size >= 2).to_numpy()]
        pairs = a.merge(a, on="e")
        pairs = pairs.loc[pairs["m_x"] < pairs["m_y"]]
        ties = pd.concat([
            pd.DataFrame({"u": np.minimum(s, t), "v": np.maximum(s, t)}),
            pairs[["m_x", "m_y"]].set_axis(["u", "v"], axis=1)], ignore_index=True)
        w = ties.groupby(["u", "v"], sort=False).size()
        del pairs, ties
        u = w.index.get_level_values(0).to_numpy()
        v = w.index.get_level_values(1).to_numpy()
        g = ig.Graph(n=n, edges=np.column_stack([u, v]), directed=False)
        g.es["weight"] = w.to_numpy(float)
        directed = direct.loc[~direct["kind"].isin(_MUTUAL).to_numpy()]
        dt = pd.DataFrame({"s": pos.get_indexer(directed["source"]),
                           "t": pos.get_indexer(directed["target"])}).drop_duplicates()
        gd = ig.Graph(n=n, edges=dt.to_numpy(), directed=True)
        deg = np.asarray(g.degree(), float)
        strength = np.asarray(g.strength(weights="weight"))
        comps = g.connected_components()
        lcc = np.flatnonzero(np.asarray(comps.membership) == np.argmax(comps.sizes()))
        exact = n <= 2000          # peernet's EXACT_MAX_NODES: every source below it
        src = np.arange(n) if exact else np.sort(rng.choice(n, min(sources, n),
                                                             replace=False))
        dist = np.asarray(g.distances(source=src.tolist()), float)
        with np.errstate(divide="ignore"):
            inv = 1.0 / dist
        inv[~np.isfinite(inv)] = 0.0
        src_lcc = lcc if len(lcc) <= 2000 else np.sort(rng.choice(lcc, min(sources, len(lcc)),
                                                                   replace=False))
        dl = np.asarray(g.distances(source=src_lcc.tolist(), target=lcc.tolist()), float)
        comm = g.community_leiden(objective_function="modularity", weights="weight",
                                  n_iterations=2)
        attrs = members.reindex(ids)
        ei = {}
        for col in ("org", "sector", "region"):
            gc = pd.factorize(attrs[col])[0]
            ok = (gc[u] >= 0) & (gc[v] >= 0)
            ext = int((gc[u][ok] != gc[v][ok]).sum())
            ei[col] = (2 * ext - int(ok.sum())) / int(ok.sum()) if ok.any() else float("nan")
        org = pd.factorize(attrs["org"])[0]
        keep = org >= 0
        sub = g.induced_subgraph(np.flatnonzero(keep).tolist())
        picked = np.arange(n) if exact else rng.choice(n, min(sources, n), replace=False)
        nm = {
            "nodes": n, "edges": g.ecount(), "density": g.density(),
            "degree_centralization": float((deg.max() - deg).sum() / ((n - 1) * (n - 2))),
            "components": len(comps.sizes()),
            "transitivity": g.transitivity_undirected(),
            "avg_clustering": float(np.mean(g.transitivity_local_undirected(mode="zero"))),
            "efficiency": float(inv.sum() / (len(src) * (n - 1))),
            "avg_path_length": float(dl[np.isfinite(dl) & (dl > 0)].sum()
                                     / (len(src_lcc) * (len(lcc) - 1))),
            "communities": int((np.bincount(comm.membership) >= 2).sum()),
            "modularity": comm.modularity, "reciprocity": gd.reciprocity(),
            **{f"ei_index_{k}": val for k, val in ei.items()},
            "assortativity_org": sub.assortativity_nominal(org[keep].tolist(),
                                                           directed=False),
        }
        mm = {
            "strength": strength,
            "betweenness": np.asarray(g.betweenness(directed=False,
                                                    sources=picked.tolist())),
            "eigenvector": _quiet(g.eigenvector_centrality, scale=False),
            "coreness": np.asarray(g.coreness()),
            "constraint": np.asarray(g.constraint(weights="weight")),
        }
        out[str(year)] = {"network": nm, "member_rows": len(mm["constraint"])}
    return out


def fresh(net, label: str):
    """``net.period(label)`` cut anew: slices are memoised on their network (with the ties
    and metrics cached on them), so a stage timed on ``net.period`` alone would profit
    from the stage before it."""
    from peernet._cache import forget

    forget(net, kind="slice")
    return net.period(label)


def run_size(members: int, interactions: int, *, seed: int, out: Path, cli: bool,
             keep: bool, quick: bool = False) -> dict:
    import peernet as pn

    rows: list[dict] = []
    tmp = Path(tempfile.mkdtemp(prefix=f"peernet-bench-{members}-"))
    folder = tmp / "data"
    t0 = time.perf_counter()
    tables = synthetic(members, interactions, seed)
    write_folder(tables, folder)
    gen = time.perf_counter() - t0
    sizes = {k: len(v) for k, v in tables.items()}
    del tables
    timed("floor", lambda: floor(folder), rows)
    net = timed("load", lambda: pn.load(folder), rows)
    if net is None:
        return {"rows": rows, "sizes": sizes}
    y = str(YEAR)
    timed("person_graph", lambda: pn.person_graph(fresh(net, y)), rows)
    timed("participation", lambda: pn.participation(fresh(net, y)), rows)
    timed("network_metrics", lambda: pn.network_metrics(fresh(net, y)), rows)
    timed("member_metrics", lambda: pn.member_metrics(fresh(net, y)), rows)

    def total():
        s = fresh(net, y)
        return pn.participation(s), pn.network_metrics(s), pn.member_metrics(s)
    timed("metrics_total", total, rows)
    if quick:
        cli = False
    else:
        _pipeline(net, y, tmp, rows)
    if cli:
        exe = Path(sys.executable).with_name("peernet")
        cmd = [str(exe), "evaluate", str(folder), "--year", y, "--bootstrap", "0",
               "--out", str(tmp / "cli_report")]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak = usage.ru_maxrss / 1024
        ok = proc.returncode == 0
        rows.append({"stage": "cli_evaluate", "seconds": round(wall, 3) if ok else None,
                     "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
                     "peak_rss_mb": round(peak, 1), "delta_rss_mb": None,
                     "error": None if ok else proc.stderr[-200:]})
    cpu_base = next(r["cpu_seconds"] for r in rows if r["stage"] == "floor")
    for r in rows:
        r["x_floor"] = (round(r["cpu_seconds"] / cpu_base, 1)
                        if r["cpu_seconds"] and cpu_base else None)
    if not keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"members": members, "interactions": interactions, "seed": seed,
            "generate_seconds": round(gen, 2), "sizes": sizes, "rows": rows,
            "data": str(folder) if keep else None}


def _pipeline(net, y: str, tmp: Path, rows: list[dict]) -> None:
    import peernet as pn

    timed("bootstrap_x10", lambda: pn.metrics.bootstrap(fresh(net, y), ["density",
                                                                      "reciprocity"], n=10),
          rows)
    timed("score", lambda: pn.score(fresh(net, y)), rows)
    from peernet._cache import forget

    forget(net, kind="slice")
    ev = timed("evaluate", lambda: pn.evaluate(net, periods=[str(YEAR - 1), y],
                                               bootstrap=0), rows)
    if ev is not None:
        timed("report", lambda: pn.report(ev, tmp / "report"), rows)


def markdown(result: dict) -> str:
    head = (f"### {result['members']:,} members / {result['interactions']:,} interactions "
            f"(rows: {', '.join(f'{k} {v:,}' for k, v in result['sizes'].items())})\n\n"
            "| stage | wall s | CPU s | x floor (CPU) | peak RSS MB | stage delta MB | note |\n"
            "|---|---:|---:|---:|---:|---:|---|\n")
    lines = []
    for r in result["rows"]:
        sec = f"{r['seconds']:.2f}" if r["seconds"] is not None else "failed"
        cpu = f"{r['cpu_seconds']:.2f}" if r.get("cpu_seconds") is not None else ""
        xf = f"{r['x_floor']:.1f}" if r.get("x_floor") is not None else ""
        delta = f"{r['delta_rss_mb']:.0f}" if r["delta_rss_mb"] is not None else ""
        note = (r["error"] or "").replace("|", "/").replace("\n", " ")
        lines.append(f"| {r['stage']} | {sec} | {cpu} | {xf} | {r['peak_rss_mb']:.0f} | {delta} | "
                     f"{note} |")
    return head + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--members", default="10000", help="comma list, e.g. 1000,10000")
    p.add_argument("--interactions", default="1000000", help="comma list, paired with members")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=str(HERE / "results"), help="folder for JSON + Markdown")
    p.add_argument("--no-cli", action="store_true", help="skip `peernet evaluate` end to end")
    p.add_argument("--keep-data", action="store_true", help="keep the generated folder")
    p.add_argument("--quick", action="store_true", help="only floor, load, graph and the "
                   "three metric stages (the test suite's smoke run); with --all: one run a "
                   "pair, no 100k and 300k")
    p.add_argument("--all", action="store_true", help="every ratio of issue 23 side by side "
                   "(benchmarks/summary.py; `make bench`)")
    p.add_argument("--runs", type=int, default=3, help="with --all: runs of each pair")
    p.add_argument("--data", default="/tmp/peernet-bench", help="with --all: folder of the "
                   "generated networks, kept and reused")
    a = p.parse_args(argv)
    if a.all:
        import importlib.util

        spec = importlib.util.spec_from_file_location("peernet_bench_summary",
                                                      HERE / "summary.py")
        mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(mod)  # type: ignore[union-attr]
        mod.main(["--runs", str(a.runs), "--data", a.data, "--out", a.out]
                 + (["--quick"] if a.quick else []))
        return []
    ms = [int(x) for x in a.members.split(",")]
    ns = [int(x) for x in a.interactions.split(",")]
    if len(ms) != len(ns):
        p.error("--members and --interactions need the same number of values")
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for mm, nn in zip(ms, ns, strict=True):
        res = run_size(mm, nn, seed=a.seed, out=out, cli=not a.no_cli, keep=a.keep_data,
                       quick=a.quick)
        res["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "platform": platform.platform()}
        text = markdown(res)
        print(text)
        stem = out / f"bench_{mm}_{nn}"
        stem.with_suffix(".json").write_text(json.dumps(res, indent=1, default=str))
        stem.with_suffix(".md").write_text(text)
        results.append(res)
    return results


if __name__ == "__main__":
    main()
