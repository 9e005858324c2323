// recompose_times: Recompose's own one-to-many times, for the peer comparison
// in tests/bench/peers/run.sh (issue 5). Not a test; never run by CTest.
//
//   recompose_times GRAPH.rcg SOURCES.txt LIMIT_DS OUT_TIMES.csv OUT_TIMINGS.csv [REPEAT]
//                   [--method dijkstra|phast|phast16]
//
// Loads the graph cache (not timed), then computes, for each source node id listed
// in SOURCES.txt (one per line), the forward travel times of every node reached
// within LIMIT_DS deciseconds, by one of three methods (default dijkstra):
//
//   dijkstra  one bounded Dijkstra per source (geo::run_dijkstra, limit LIMIT_DS);
//             the clock covers run_dijkstra only (its settled list is the result).
//   phast     contraction hierarchy + one PHAST sweep per source (geo::run_phast).
//   phast16   contraction hierarchy + one PHAST sweep per batch of kPhastLanes = 16
//             sources (geo::run_phast_batch); time per source = batch time / number
//             of sources in the batch (the last batch may be partial).
//
// A PHAST sweep computes every node (no limit): the cutoff is applied afterwards,
// keeping the nodes with time <= LIMIT_DS exactly as the bounded Dijkstra keeps
// them. For the PHAST methods the clock covers the sweep AND that cutoff pass (a
// scan of the sweep-ordered times collecting the (node, time) pairs within the
// limit), so that every method delivers the same thing inside the clock: the list
// of reached nodes with their times. The sweep alone is reported as well.
//
// The CH build is preprocessing: it is timed on its own (ch_build_s=..), never
// inside the per-search times. `amortised_ms` = (CH build + sum of the per-source
// times) / sources, i.e. the per-search cost when the hierarchy is built only for
// the sources run (equal to the mean per-source time for dijkstra).
//
// One untimed warm-up search (or batch) comes first, as for the other tools; then
// each search (or batch) is timed alone, REPEAT times (default 1), keeping the
// fastest. Writes
//   OUT_TIMES.csv:   source,node,seconds  for every node within the limit (seconds =
//                    ds / 10, exact), rows of a source sorted by node: the file is
//                    byte-identical for the three methods
//   OUT_TIMINGS.csv: source,ms,settled,sweep_ms  one line per source (ms: the fastest
//                    repeat; settled: nodes within the limit; sweep_ms: of that repeat,
//                    the search alone, without the cutoff pass; = ms for dijkstra)
// and prints one `key=value ...` line on stdout (method, median_ms, ch_build_s, ...).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "geo/contraction.hpp"
#include "geo/dijkstra.hpp"
#include "geo/graph_cache.hpp"
#include "geo/road_graph.hpp"
#include "geo/types.hpp"

using namespace recompose;
using Clock = std::chrono::steady_clock;

namespace {

enum class Method { Dijkstra, Phast, Phast16 };

// (node, time) pairs within the limit for one source.
using Reached = std::vector<std::pair<geo::NodeId, geo::Deciseconds>>;

struct SourceResult {
  double ms = 0;        // fastest repeat, per source (search + cutoff pass)
  double sweep_ms = 0;  // of that repeat, the search (sweep) alone, per source
  Reached reached;      // the result (copied out of the workspace, untimed)
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

const char* method_name(Method m) {
  switch (m) {
    case Method::Dijkstra: return "dijkstra";
    case Method::Phast: return "phast";
    case Method::Phast16: return "phast16";
  }
  return "?";
}

Method parse_method(const std::string& s) {
  if (s == "dijkstra") return Method::Dijkstra;
  if (s == "phast") return Method::Phast;
  if (s == "phast16") return Method::Phast16;
  throw std::runtime_error("unknown method '" + s + "' (dijkstra, phast or phast16)");
}

// Bounded Dijkstra per source. The settled list already is the result.
std::vector<SourceResult> run_dijkstra_method(const geo::RoadGraph& g, const std::vector<geo::NodeId>& sources,
                                              geo::Deciseconds limit, int repeat) {
  geo::DijkstraWorkspace ws(g.node_count());
  geo::run_dijkstra(g, geo::Direction::Forward, sources.front(), limit, ws);  // warm-up, untimed
  std::vector<SourceResult> res(sources.size());
  for (std::size_t k = 0; k < sources.size(); ++k) {
    for (int r = 0; r < repeat; ++r) {
      const auto t0 = Clock::now();
      geo::run_dijkstra(g, geo::Direction::Forward, sources[k], limit, ws);
      const double e = ms_between(t0, Clock::now());
      if (r == 0 || e < res[k].ms) res[k].ms = res[k].sweep_ms = e;
    }
    for (const geo::NodeId v : ws.settled()) res[k].reached.emplace_back(v, ws.time(v));
  }
  return res;
}

// Output of one cutoff pass: (node, time) pairs within the limit in buf[0 .. count-1].
// buf holds one slot per node, so the pass writes every node and advances `count`
// only for those within the limit (no branch, no reallocation inside the clock).
struct Collected {
  Reached buf;
  std::size_t count = 0;
  [[nodiscard]] Reached copy() const { return {buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(count)}; }
};

// Nodes within `limit` in the dense time array of a PHAST sweep (kUnreachable
// exceeds any limit below it; a limit of kUnreachable itself keeps the reached nodes).
inline std::size_t keep(geo::Deciseconds t, geo::Deciseconds limit) {
  return static_cast<std::size_t>(t <= limit) & static_cast<std::size_t>(t != geo::kUnreachable);
}

// The cutoff pass over one sweep-ordered time array: the nodes within `limit`.
void collect_within(const geo::ContractionHierarchy& ch, std::span<const geo::Deciseconds> sweep_times,
                    geo::Deciseconds limit, Collected& out) {
  const geo::NodeId n = ch.node_count();
  std::size_t c = 0;
  for (geo::NodeId i = 0; i < n; ++i) {
    const geo::Deciseconds t = sweep_times[i];
    out.buf[c] = {ch.sweep_to_node[i], t};
    c += keep(t, limit);
  }
  out.count = c;
}

// One PHAST sweep per source.
std::vector<SourceResult> run_phast_method(const geo::ContractionHierarchy& ch, const std::vector<geo::NodeId>& sources,
                                           geo::Deciseconds limit, int repeat) {
  geo::PhastWorkspace ws;
  Collected scratch;
  scratch.buf.resize(ch.node_count());
  {  // warm-up, untimed
    const geo::Seed seed{sources.front(), 0};
    geo::run_phast(ch, geo::Direction::Forward, std::span<const geo::Seed>(&seed, 1), ws);
    collect_within(ch, ws.sweep_times(), limit, scratch);
  }
  std::vector<SourceResult> res(sources.size());
  for (std::size_t k = 0; k < sources.size(); ++k) {
    const geo::Seed seed{sources[k], 0};
    for (int r = 0; r < repeat; ++r) {
      const auto t0 = Clock::now();
      geo::run_phast(ch, geo::Direction::Forward, std::span<const geo::Seed>(&seed, 1), ws);
      const auto t1 = Clock::now();
      collect_within(ch, ws.sweep_times(), limit, scratch);
      const auto t2 = Clock::now();
      const double e = ms_between(t0, t2);
      if (r == 0 || e < res[k].ms) {
        res[k].ms = e;
        res[k].sweep_ms = ms_between(t0, t1);
      }
    }
    res[k].reached = scratch.copy();
  }
  return res;
}

// The cutoff pass over the rows of a batched sweep: the nodes within `limit`, lane by lane.
void collect_within_batch(const geo::ContractionHierarchy& ch, const geo::PhastBatchWorkspace& ws,
                          geo::Deciseconds limit, std::vector<Collected>& out) {
  const unsigned lanes = ws.lane_count();
  std::array<std::size_t, geo::kPhastLanes> c{};
  const auto rows = ws.sweep_rows();
  const geo::NodeId n = ch.node_count();
  for (geo::NodeId i = 0; i < n; ++i) {
    const auto& row = rows[i].t;
    const geo::NodeId v = ch.sweep_to_node[i];
    for (unsigned l = 0; l < lanes; ++l) {
      const geo::Deciseconds t = row[l];
      out[l].buf[c[l]] = {v, t};
      c[l] += keep(t, limit);
    }
  }
  for (unsigned l = 0; l < lanes; ++l) out[l].count = c[l];
}

// One PHAST sweep per batch of up to kPhastLanes sources.
std::vector<SourceResult> run_phast16_method(const geo::ContractionHierarchy& ch,
                                             const std::vector<geo::NodeId>& sources, geo::Deciseconds limit,
                                             int repeat, std::vector<std::size_t>& batch_sizes) {
  constexpr std::size_t lanes = geo::kPhastLanes;
  std::vector<std::vector<std::vector<geo::Seed>>> batches;
  for (std::size_t b = 0; b < sources.size(); b += lanes) {
    std::vector<std::vector<geo::Seed>> sets;
    for (std::size_t k = b; k < std::min(sources.size(), b + lanes); ++k) sets.push_back({geo::Seed{sources[k], 0}});
    batches.push_back(std::move(sets));
  }
  geo::PhastBatchWorkspace ws;
  std::vector<Collected> scratch(lanes);
  for (auto& s : scratch) s.buf.resize(ch.node_count());
  geo::run_phast_batch(ch, geo::Direction::Forward, batches.front(), ws);  // warm-up, untimed
  collect_within_batch(ch, ws, limit, scratch);

  std::vector<SourceResult> res(sources.size());
  std::size_t first = 0;
  for (const auto& sets : batches) {
    double best = 0;
    double best_sweep = 0;
    for (int r = 0; r < repeat; ++r) {
      const auto t0 = Clock::now();
      geo::run_phast_batch(ch, geo::Direction::Forward, sets, ws);
      const auto t1 = Clock::now();
      collect_within_batch(ch, ws, limit, scratch);
      const auto t2 = Clock::now();
      const double e = ms_between(t0, t2);
      if (r == 0 || e < best) {
        best = e;
        best_sweep = ms_between(t0, t1);
      }
    }
    const double per = static_cast<double>(sets.size());
    for (std::size_t l = 0; l < sets.size(); ++l) {
      res[first + l].ms = best / per;
      res[first + l].sweep_ms = best_sweep / per;
      res[first + l].reached = scratch[l].copy();
    }
    batch_sizes.push_back(sets.size());
    first += sets.size();
  }
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> pos;
  Method method = Method::Dijkstra;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--method" && i + 1 < argc) {
        method = parse_method(argv[++i]);
      } else if (a.rfind("--method=", 0) == 0) {
        method = parse_method(a.substr(9));
      } else {
        pos.push_back(a);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "recompose_times: %s\n", e.what());
    return 2;
  }
  if (pos.size() != 5 && pos.size() != 6) {
    std::fprintf(stderr,
                 "usage: %s GRAPH.rcg SOURCES.txt LIMIT_DS OUT_TIMES.csv OUT_TIMINGS.csv [REPEAT] "
                 "[--method dijkstra|phast|phast16]\n",
                 argv[0]);
    return 2;
  }
  try {
    const geo::RoadGraph g = geo::load_graph(pos[0], 0);
    const auto limit = static_cast<geo::Deciseconds>(std::strtoul(pos[2].c_str(), nullptr, 10));
    const int repeat = pos.size() == 6 ? std::max(1, std::atoi(pos[5].c_str())) : 1;

    std::vector<geo::NodeId> sources;
    {
      std::ifstream in(pos[1]);
      if (!in) throw std::runtime_error("cannot read " + pos[1]);
      unsigned long id = 0;
      while (in >> id) {
        if (id >= g.node_count()) throw std::runtime_error("source node id out of range: " + std::to_string(id));
        sources.push_back(static_cast<geo::NodeId>(id));
      }
    }
    if (sources.empty()) throw std::runtime_error("no sources");

    std::FILE* times = std::fopen(pos[3].c_str(), "w");
    std::FILE* timings = std::fopen(pos[4].c_str(), "w");
    if (!times || !timings) throw std::runtime_error("cannot write the output files");

    // Preprocessing (PHAST methods only), timed apart from the searches.
    double ch_build_s = 0;
    geo::ChBuildStats stats;
    geo::ContractionHierarchy ch;
    if (method != Method::Dijkstra) {
      const auto t0 = Clock::now();
      ch = geo::build_contraction_hierarchy(g, &stats);
      ch_build_s = ms_between(t0, Clock::now()) / 1000;
    }

    std::vector<std::size_t> batch_sizes;
    std::vector<SourceResult> res;
    switch (method) {
      case Method::Dijkstra: res = run_dijkstra_method(g, sources, limit, repeat); break;
      case Method::Phast: res = run_phast_method(ch, sources, limit, repeat); break;
      case Method::Phast16: res = run_phast16_method(ch, sources, limit, repeat, batch_sizes); break;
    }

    std::fputs("source,node,seconds\n", times);
    std::fputs("source,ms,settled,sweep_ms\n", timings);
    std::vector<double> ms;
    std::vector<double> sweep_ms;
    double sum_ms = 0;
    for (std::size_t k = 0; k < sources.size(); ++k) {
      SourceResult& r = res[k];
      std::sort(r.reached.begin(), r.reached.end());
      for (const auto& [v, t] : r.reached) std::fprintf(times, "%u,%u,%u.%u\n", sources[k], v, t / 10, t % 10);
      std::fprintf(timings, "%u,%.4f,%zu,%.4f\n", sources[k], r.ms, r.reached.size(), r.sweep_ms);
      ms.push_back(r.ms);
      sweep_ms.push_back(r.sweep_ms);
      sum_ms += r.ms;
    }
    std::fclose(times);
    std::fclose(timings);

    const double n_sources = static_cast<double>(sources.size());
    std::printf("method=%s nodes=%u arcs=%u sources=%zu repeat=%d median_ms=%.4f min_ms=%.4f max_ms=%.4f "
                "mean_ms=%.4f",
                method_name(method), g.node_count(), g.arc_count(), sources.size(), repeat, median(ms),
                *std::min_element(ms.begin(), ms.end()), *std::max_element(ms.begin(), ms.end()), sum_ms / n_sources);
    if (method != Method::Dijkstra) {
      std::printf(" sweep_only_median_ms=%.4f ch_build_s=%.3f ch_shortcuts=%llu ch_arcs=%llu ch_levels=%u "
                  "ch_mb=%.1f amortised_ms=%.4f",
                  median(sweep_ms), ch_build_s, static_cast<unsigned long long>(stats.shortcuts),
                  static_cast<unsigned long long>(stats.ch_arcs), stats.levels,
                  static_cast<double>(stats.memory_bytes) / 1e6, (ch_build_s * 1000 + sum_ms) / n_sources);
    } else {
      std::printf(" ch_build_s=0 amortised_ms=%.4f", sum_ms / n_sources);
    }
    if (!batch_sizes.empty()) {
      std::printf(" batches=");
      for (std::size_t b = 0; b < batch_sizes.size(); ++b) std::printf("%s%zu", b ? "+" : "", batch_sizes[b]);
    }
    std::printf("\n");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "recompose_times: %s\n", e.what());
    return 1;
  }
}
