#!/usr/bin/env python3
"""Helpers of tests/bench/peers/run.sh (issue 5: peers side by side on the same graph).

  peers.py prepare  ARCS.csv N SEED  SOURCES.txt EDGES.csv
      Reads the `recompose graph export` CSV, picks N sources (seeded, among nodes
      of the main component that have an outgoing arc) and writes the pgRouting edge
      list (id,source,target,cost) with the exported travel_time_s as cost.
  peers.py networkx ARCS.csv SOURCES.txt CUTOFF_S OUT_TIMES.csv OUT_TIMINGS.csv [REPEAT]
      NetworkX one-to-many: DiGraph (parallel arcs: minimum travel_time_s),
      single_source_dijkstra_path_length(G, s, cutoff, weight) per source; the
      clock covers that call only (graph load excluded, one untimed warm-up), the
      fastest of REPEAT (default 1) calls is kept.
  peers.py compare  LIMIT_S REPEAT RESULTS.md TOOL=TIMES.csv=TIMINGS.csv ...
                    [--fixed TOOL=MS.csv] [--prep TOOL=SECONDS] [--load TOOL=LOAD] [--note TEXT ...]
      Tools named "Recompose..." are Recompose's methods (the first tool is the
      reference); the others are peers. Every pair of tools is compared node by node
      (Recompose's methods must be identical, peers agree to the decisecond). --fixed
      gives a peer's fixed cost per call (column `ms`; a row "search only" subtracts its
      median); --prep a method's preprocessing time (amortised over the sources in a
      separate column, never in the per-search time); --load the load average when the
      tool started. Reports each method's speed-up against each peer and the issue's
      targets; prints the Markdown report and writes it to RESULTS.md. Exit status 1 if
      any pair differs.

Only the `networkx` command imports networkx; the others use the standard library.
"""
import csv
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time

# Half the rounding unit of Recompose (integer deciseconds): two tools "agree" on a
# node when their times round to the same decisecond, i.e. |dt| < 0.05 s. Sums of
# the exported seconds differ from the exact decisecond sums by float noise only.
AGREE_S = 0.05
FLOAT_NOISE_S = 1e-6


def read_arcs(path):
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            yield (int(row["arc"]), int(row["from_node"]), int(row["to_node"]),
                   float(row["travel_time_s"]), row["main_component"].strip() == "1")


def cmd_prepare(arcs_csv, n, seed, sources_txt, edges_csv):
    main_nodes = set()
    count = 0
    with open(edges_csv, "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(["id", "source", "target", "cost"])
        for arc, u, v, t, main in read_arcs(arcs_csv):
            w.writerow([arc, u, v, repr(t)])
            count += 1
            if main:
                main_nodes.add(u)
    sources = random.Random(int(seed)).sample(sorted(main_nodes), int(n))
    with open(sources_txt, "w") as f:
        f.write("".join(f"{s}\n" for s in sources))
    print(f"arcs={count} main_component_sources_pool={len(main_nodes)} sources={len(sources)}")


def cmd_networkx(arcs_csv, sources_txt, cutoff, out_times, out_timings, repeat="1"):
    import networkx as nx

    t0 = time.perf_counter()
    G = nx.DiGraph()
    parallel = 0
    for _arc, u, v, t, _main in read_arcs(arcs_csv):
        d = G.get_edge_data(u, v)
        if d is None:
            G.add_edge(u, v, travel_time_s=t)
        else:
            parallel += 1
            if t < d["travel_time_s"]:
                d["travel_time_s"] = t
    load_s = time.perf_counter() - t0
    sources = [int(x) for x in open(sources_txt).read().split()]
    cutoff = float(cutoff)
    f = nx.single_source_dijkstra_path_length
    f(G, sources[0], cutoff=cutoff, weight="travel_time_s")  # warm-up, untimed
    ms = []
    with open(out_times, "w") as ft, open(out_timings, "w") as fm:
        ft.write("source,node,seconds\n")
        fm.write("source,ms,settled\n")
        for s in sources:
            elapsed = None
            for _ in range(max(1, int(repeat))):
                t0 = time.perf_counter()
                dist = f(G, s, cutoff=cutoff, weight="travel_time_s")
                e = (time.perf_counter() - t0) * 1e3
                elapsed = e if elapsed is None else min(elapsed, e)
            ms.append(elapsed)
            ft.write("".join(f"{s},{v},{d!r}\n" for v, d in dist.items()))
            fm.write(f"{s},{elapsed:.4f},{len(dist)}\n")
    print(f"networkx={nx.__version__} nodes={G.number_of_nodes()} edges={G.number_of_edges()} "
          f"parallel_arcs_merged={parallel} repeat={repeat} load_s={load_s:.2f} median_ms={statistics.median(ms):.3f}")


def read_times(path):
    """{source: {node: seconds}}"""
    res = {}
    with open(path, newline="") as f:
        r = csv.reader(f)
        next(r)
        for s, v, t in r:
            res.setdefault(int(s), {})[int(v)] = float(t)
    return res


def read_timings(path, column="ms"):
    """The column of a timings CSV; [] if it has no such column."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return [float(row[column]) for row in rows if row.get(column) not in (None, "")]


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return os.cpu_count(), model


def git_head(repo):
    try:
        return subprocess.run(["git", "-C", repo, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


# The targets: Recompose at least this many times faster than each peer on
# the same one-to-many work.
TARGETS = {"NetworkX": 300.0, "pgRouting": 100.0}


def compare_pair(limit_s, a_name, a, b_name, b, exact):
    """Compares two {source: {node: seconds}}. exact: any difference is a failure
    (two Recompose methods, integer deciseconds); otherwise the tolerance of peers."""
    compared = max_dt = over_noise = disagree = 0
    only_a, only_b = [], []
    worst = None
    for s in sorted(set(a) | set(b)):
        da, db = a.get(s, {}), b.get(s, {})
        for v, ta in da.items():
            tb = db.get(v)
            if tb is None:
                only_a.append((s, v, ta))
                continue
            compared += 1
            dt = abs(ta - tb)
            if dt > max_dt:
                max_dt, worst = dt, (s, v, ta, tb)
            over_noise += dt > FLOAT_NOISE_S
            disagree += dt >= AGREE_S
        only_b += [(s, v, tb) for v, tb in db.items() if v not in da]

    def boundary(lst):
        return sum(1 for _s, _v, t in lst if abs(t - limit_s) <= AGREE_S)

    n_only = len(only_a) + len(only_b)
    if exact:
        ok = n_only == 0 and max_dt == 0
        verdict = "identical" if ok else f"DIFFER ({over_noise} times, {n_only} reached by one side only)"
    elif disagree == 0 and n_only == 0:
        verdict = "agree on every node"
    elif disagree == 0 and boundary(only_a) + boundary(only_b) == n_only:
        verdict = f"agree; {n_only} node(s) at exactly the {limit_s:g} s limit reached by one side only"
    else:
        verdict = f"DIFFER ({disagree} times, {n_only} reached by one side only)"
    detail = [
        f"- {b_name} vs {a_name}: {compared} (source, node) pairs compared, max |Δt| = {max_dt:.3g} s"
        + (f" (source {worst[0]}, node {worst[1]}: {worst[2]!r} vs {worst[3]!r})" if worst else "")
        + f"; {over_noise} pairs above float noise ({FLOAT_NOISE_S:g} s), {disagree} at or above "
        f"{AGREE_S} s (another decisecond); reached by {a_name} only: {len(only_a)} "
        f"({boundary(only_a)} at {limit_s:g} s ± {AGREE_S}), by {b_name} only: {len(only_b)} "
        f"({boundary(only_b)} at the limit)."]
    for lst, who in ((only_a, a_name), (only_b, b_name)):
        for s, v, t in lst[:5]:
            detail.append(f"  - reached by {who} only: source {s}, node {v}, {t!r} s")
    return {"compared": compared, "max_dt": max_dt, "verdict": verdict, "detail": detail,
            "bad": verdict.startswith("DIFFER"), "at_limit": boundary(only_a) + boundary(only_b)}


def short(name):
    """Short label of a tool in the agreement column."""
    return name.split(", ", 1)[1] if name.startswith("Recompose, ") else name


def cmd_compare(limit_s, repeat, results_md, *args):
    """Tools whose name starts with "Recompose" are Recompose's methods (they must give
    identical times); the others are peers (ratios are given against each of them)."""
    limit_s = float(limit_s)
    tools, notes, fixed, prep, load, sweep = [], [], {}, {}, {}, {}
    it = iter(args)
    for a in it:
        if a == "--note":
            notes.append(next(it))
        elif a == "--fixed":
            name, path = next(it).split("=", 1)
            fixed[name] = statistics.median(read_timings(path))
        elif a == "--prep":
            name, sec = next(it).split("=", 1)
            prep[name] = float(sec)
        elif a == "--load":
            name, val = next(it).split("=", 1)
            load[name] = val
        else:
            name, times, timings = a.split("=", 2)
            tools.append((name, read_times(times), read_timings(timings)))
            sw = read_timings(timings, "sweep_ms")
            if sw:
                sweep[name] = statistics.median(sw)
    names = [t[0] for t in tools]
    data = {name: times for name, times, _ms in tools}
    med = {name: statistics.median(ms) for name, _t, ms in tools}
    amortised = {name: (1000 * prep.get(name, 0.0) + sum(ms)) / len(ms) for name, _t, ms in tools}
    ours = [n for n in names if n.startswith("Recompose")]
    peers = [n for n in names if not n.startswith("Recompose")]
    ref_name = names[0]
    sources = sorted(data[ref_name])
    n_src = len(sources)

    # Every pair of tools, both ways identical for Recompose's methods.
    pairs = {}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            pairs[(a, b)] = compare_pair(limit_s, a, data[a], b, data[b], a in ours and b in ours)

    def pair(a, b):
        return pairs.get((a, b)) or pairs[(b, a)]

    # Ratio columns: each peer, and its "search only" time when its fixed cost is known.
    cols = []
    for p in peers:
        cols.append((f"× vs {p}", med[p]))
        if p in fixed:
            cols.append((f"× vs {p} search only", med[p] - fixed[p]))

    def agreement(name):
        # A Recompose method: against every other tool. A peer: against the reference
        # and the other peers (the pair table below has every pair).
        others = [o for o in names if o != name and (name in ours or o == ref_name or o in peers)]
        parts = []
        for other in others:
            r = pair(name, other)
            if r["verdict"] == "identical":
                parts.append(f"{short(other)}: identical, {r['compared']} rows")
            else:
                parts.append(f"{short(other)}: {r['compared']} rows, {r['max_dt']:.2g} s"
                             + (" **DIFFER**" if r["bad"] else ""))
        return "; ".join(parts)

    ncpu, model = machine()
    head = git_head(os.environ.get("RECOMPOSE_REPO", "/work/main"))
    out = []
    out.append("# Peers on the same graph (issue 5)\n")
    out.append(f"Same work for every tool: {n_src} seeded sources in the main component, forward one-to-many "
               f"travel times bounded by {limit_s:g} s (every node reached within the limit, with its time) on "
               f"the Saint-Étienne graph exported by `recompose graph export`. Times are per search (graph load "
               f"excluded): for each source the fastest of {repeat} runs, then the median over the sources; one "
               f"untimed warm-up search first.\n")
    out.append("Recompose is measured three ways on the same sources: a bounded Dijkstra per source; the "
               "contraction hierarchy (geo/contraction.hpp) with one PHAST sweep per source; and PHAST sweeps of "
               "16 sources at once (time per source = sweep time / sources in the sweep). A PHAST sweep computes "
               "every node; the 60-minute cutoff is applied afterwards by a pass over the times, which is inside "
               "the clock (the sweep alone is shown in brackets). **The hierarchy build is preprocessing**: it is not "
               "in the per-search column; the next column adds it back, amortised over the "
               f"{n_src} sources of this run (build + Σ per-source times) / {n_src}.\n")
    head_cols = " | ".join(c for c, _ in cols)
    out.append(f"| method | median ms per search | ms per search incl. preprocessing amortised over {n_src} sources "
               f"| {head_cols} | agreement (rows compared, max \\|Δt\\|) | load (1 min) at start |")
    out.append("|---|---:|---:|" + "---:|" * len(cols) + "---|---:|")
    for name in names:
        ratios = " | ".join(f"{v / med[name]:.1f}×" if med[name] > 0 else "—" for _c, v in cols)
        am = f"{amortised[name]:.2f}" if name in prep else (f"{amortised[name]:.2f} (no preprocessing)"
                                                              if name in ours else "—")
        m_txt = f"{med[name]:.3f}"
        if name in sweep and abs(sweep[name] - med[name]) > 1e-9:
            m_txt += f" (sweep alone {sweep[name]:.3f})"
        out.append(f"| {name} | {m_txt} | {am} | {ratios} | {agreement(name)} | {load.get(name, '?')} |")
        if name in fixed:
            m2 = med[name] - fixed[name]
            ratios = " | ".join(f"{v / m2:.1f}×" if m2 > 0 else "—" for _c, v in cols)
            out.append(f"| {name}, search only (minus {fixed[name]:.1f} ms fixed cost per call) | {m2:.3f} | — | "
                       f"{ratios} | (same calls) | {load.get(name, '?')} |")
    out.append("")

    out.append("Targets of the issue (speed-up = peer's median / method's median on the same work):\n")
    for name in ours:
        items = []
        for p in peers:
            target = next((v for k, v in TARGETS.items() if p.startswith(k)), None)
            if target is None:
                continue
            sp = med[p] / med[name]
            spa = med[p] / amortised[name]
            txt = f"≥ {target:g}× {p}: {sp:.0f}× **{'met' if sp >= target else 'not met'}**"
            if name in prep:
                txt += f" (with the build amortised over {n_src} sources: {spa:.1f}×"
                budget = med[p] / target - med[name]  # ms per source left for the amortised build
                if sp >= target and budget > 0:
                    txt += f"; met once the build is shared by ≥ {math.ceil(1000 * prep[name] / budget)} sources"
                txt += ")"
            items.append(txt)
        out.append(f"- {name}: " + "; ".join(items) + ".")
    if ref_name in ours:
        for name in ours:
            if name in prep and med[ref_name] > med[name]:
                out.append(f"- {name}: the hierarchy build ({prep[name]:.2f} s) pays for itself against "
                           f"{short(ref_name)} from {math.ceil(1000 * prep[name] / (med[ref_name] - med[name]))} "
                           f"sources on.")
    out.append("")
    out.append(f"Machine: {ncpu} CPU(s), {model}; {platform.system()} {platform.release()}; "
               f"Recompose at `{head}`; run {time.strftime('%Y-%m-%d %H:%M %Z')}.\n")
    out.append("Agreement, every pair (Recompose's methods must be identical; a peer agrees when no time "
               f"differs by {AGREE_S} s or more and only nodes at the limit are reached by one side only):\n")
    at_limit = sum(r["at_limit"] for (a, b), r in pairs.items() if (a in ours) != (b in ours))
    out.append(f"Recompose sums integer deciseconds and keeps a node whose time is ≤ {limit_s:g} s; the peers sum "
               f"the exported float seconds, so a node at exactly {limit_s:g} s can land a few 1e-12 s above the "
               f"cutoff and be dropped by a peer (or the reverse): such nodes are counted as agreeing and listed "
               f"in the details. This run: {at_limit} such (Recompose method, peer, node) case(s).\n")
    out.append("| pair | rows compared | max \\|Δt\\| s | travel times |")
    out.append("|---|---:|---:|---|")
    for (a, b), r in pairs.items():
        out.append(f"| {short(b)} vs {short(a)} | {r['compared']} | {r['max_dt']:.3g} | {r['verdict']} |")
    out.append("")
    out.append("Details:\n")
    for r in pairs.values():
        out += r["detail"]
    if notes:
        out.append("")
        out.append("Notes:\n")
        out += [f"- {n}" for n in notes]
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    with open(results_md, "w") as f:
        f.write(text)
    return 1 if any(r["bad"] for r in pairs.values()) else 0


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "prepare" and len(args) == 5:
        return cmd_prepare(*args) or 0
    if cmd == "networkx" and len(args) in (5, 6):
        return cmd_networkx(*args) or 0
    if cmd == "compare" and len(args) >= 4:
        return cmd_compare(*args)
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
