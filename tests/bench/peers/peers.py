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
  peers.py compare  LIMIT_S REPEAT RESULTS.md TOOL=TIMES.csv=TIMINGS.csv ... [--fixed TOOL=MS.csv] [--note TEXT ...]
      The first tool is the reference (Recompose). --fixed gives a tool's fixed cost
      per call (column `ms`); a row "search only" subtracts its median. Prints the
      Markdown report and writes it to RESULTS.md.

Only the `networkx` command imports networkx; the others use the standard library.
"""
import csv
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


def read_timings(path):
    with open(path, newline="") as f:
        return [float(row["ms"]) for row in csv.DictReader(f)]


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


def cmd_compare(limit_s, repeat, results_md, *args):
    limit_s = float(limit_s)
    tools, notes, fixed = [], [], {}
    it = iter(args)
    for a in it:
        if a == "--note":
            notes.append(next(it))
        elif a == "--fixed":
            name, path = next(it).split("=", 1)
            fixed[name] = statistics.median(read_timings(path))
        else:
            name, times, timings = a.split("=", 2)
            tools.append((name, read_times(times), read_timings(timings)))
    ref_name, ref, ref_ms = tools[0]
    ref_median = statistics.median(ref_ms)
    sources = sorted(ref)

    rows, detail = [], []
    for name, times, ms in tools:
        med = statistics.median(ms)
        if name == ref_name:
            n = sum(len(d) for d in ref.values())
            rows.append((name, med, 1.0, n, "(reference)", "—", len(ms)))
            continue
        compared = max_dt = over_noise = disagree = 0
        only_ref, only_other = [], []
        worst = None
        for s in sources:
            a, b = ref.get(s, {}), times.get(s, {})
            for v, ta in a.items():
                tb = b.get(v)
                if tb is None:
                    only_ref.append((s, v, ta))
                    continue
                compared += 1
                dt = abs(ta - tb)
                if dt > max_dt:
                    max_dt, worst = dt, (s, v, ta, tb)
                over_noise += dt > FLOAT_NOISE_S
                disagree += dt >= AGREE_S
            only_other += [(s, v, tb) for v, tb in b.items() if v not in a]
        extra = set(times) - set(ref)
        if extra:
            detail.append(f"- {name}: results for sources not run by {ref_name}: {sorted(extra)}")

        def boundary(lst):
            return sum(1 for _s, _v, t in lst if abs(t - limit_s) <= AGREE_S)

        n_only = len(only_ref) + len(only_other)
        if disagree == 0 and n_only == 0:
            verdict = "agree on every node"
        elif disagree == 0 and boundary(only_ref) + boundary(only_other) == n_only:
            verdict = f"agree; {n_only} node(s) at exactly the {limit_s:g} s limit reached by one side only"
        else:
            verdict = f"DIFFER ({disagree} times, {n_only} reached by one side only)"
        rows.append((name, med, med / ref_median if ref_median else float("nan"), compared,
                     f"{max_dt:.3g}", verdict, len(ms)))
        if name in fixed:
            m2 = med - fixed[name]
            rows.append((f"{name}, search only (minus {fixed[name]:.1f} ms fixed cost per call)", m2,
                         m2 / ref_median if ref_median else float("nan"), "—", "—", "(same calls)", len(ms)))
        detail.append(
            f"- {name} vs {ref_name}: {compared} (source, node) pairs compared, max |Δt| = {max_dt:.3g} s"
            + (f" (source {worst[0]}, node {worst[1]}: {worst[2]!r} vs {worst[3]!r})" if worst else "")
            + f"; {over_noise} pairs above float noise ({FLOAT_NOISE_S:g} s), {disagree} at or above "
            f"{AGREE_S} s (another decisecond); reached by {ref_name} only: {len(only_ref)} "
            f"({boundary(only_ref)} at {limit_s:g} s ± {AGREE_S}), by {name} only: {len(only_other)} "
            f"({boundary(only_other)} at the limit).")
        for lst, who in ((only_ref, ref_name), (only_other, name)):
            for s, v, t in lst[:5]:
                detail.append(f"  - reached by {who} only: source {s}, node {v}, {t!r} s")

    ncpu, model = machine()
    head = git_head(os.environ.get("RECOMPOSE_REPO", "/work/main"))
    out = []
    out.append("# Peers on the same graph (issue 5)\n")
    out.append(f"Same work for every tool: {len(sources)} seeded sources in the main component, forward "
               f"one-to-many Dijkstra bounded by {limit_s:g} s on the Saint-Étienne graph exported by "
               f"`recompose graph export`. Times are per search (graph load excluded): for each source "
               f"the fastest of {repeat} runs, then the median over the sources; one untimed warm-up "
               f"search first.\n")
    out.append("| tool | median ms per one-to-many search | ratio vs Recompose | nodes compared | max \\|Δt\\| s | travel times |")
    out.append("|---|---:|---:|---:|---:|---|")
    for name, med, ratio, n, dt, verdict, _k in rows:
        out.append(f"| {name} | {med:.2f} | {ratio:.1f}× | {n} | {dt} | {verdict} |")
    out.append("")
    out.append(f"Machine: {ncpu} CPU(s), {model}; {platform.system()} {platform.release()}; "
               f"Recompose at `{head}`; run {time.strftime('%Y-%m-%d %H:%M %Z')}.\n")
    out.append("Details:\n")
    out += detail
    if notes:
        out.append("")
        out.append("Notes:\n")
        out += [f"- {n}" for n in notes]
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    with open(results_md, "w") as f:
        f.write(text)
    bad = any(str(r[5]).startswith("DIFFER") for r in rows)
    return 1 if bad else 0


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
