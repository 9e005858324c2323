// recompose_times: Recompose's own one-to-many times, for the peer comparison
// in tests/bench/peers/run.sh (issue 5). Not a test; never run by CTest.
//
//   recompose_times GRAPH.rcg SOURCES.txt LIMIT_DS OUT_TIMES.csv OUT_TIMINGS.csv [REPEAT]
//
// Loads the graph cache (not timed), then for each source node id listed in
// SOURCES.txt (one per line) runs one forward one-to-all Dijkstra bounded by
// LIMIT_DS deciseconds. One untimed warm-up search comes first (as for the other
// tools); then each search is timed alone, REPEAT times (default 1), keeping the
// fastest: the clock covers run_dijkstra only, not the writing of results. Writes
//   OUT_TIMES.csv:   source,node,seconds  for every settled node (seconds = ds / 10, exact)
//   OUT_TIMINGS.csv: source,ms,settled    one line per source (ms: the fastest repeat)
// and prints `nodes=.. arcs=.. sources=.. median_ms=.. min_ms=.. max_ms=..` on stdout.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "geo/dijkstra.hpp"
#include "geo/graph_cache.hpp"
#include "geo/road_graph.hpp"
#include "geo/types.hpp"

using namespace recompose;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6 && argc != 7) {
    std::fprintf(stderr, "usage: %s GRAPH.rcg SOURCES.txt LIMIT_DS OUT_TIMES.csv OUT_TIMINGS.csv [REPEAT]\n",
                 argv[0]);
    return 2;
  }
  try {
    const geo::RoadGraph g = geo::load_graph(argv[1], 0);
    const auto limit = static_cast<geo::Deciseconds>(std::strtoul(argv[3], nullptr, 10));
    const int repeat = argc == 7 ? std::max(1, std::atoi(argv[6])) : 1;

    std::vector<geo::NodeId> sources;
    {
      std::ifstream in(argv[2]);
      if (!in) throw std::runtime_error(std::string("cannot read ") + argv[2]);
      unsigned long id = 0;
      while (in >> id) {
        if (id >= g.node_count()) throw std::runtime_error("source node id out of range: " + std::to_string(id));
        sources.push_back(static_cast<geo::NodeId>(id));
      }
    }
    if (sources.empty()) throw std::runtime_error("no sources");

    std::FILE* times = std::fopen(argv[4], "w");
    std::FILE* timings = std::fopen(argv[5], "w");
    if (!times || !timings) throw std::runtime_error("cannot write the output files");
    std::fputs("source,node,seconds\n", times);
    std::fputs("source,ms,settled\n", timings);

    geo::DijkstraWorkspace ws(g.node_count());
    geo::run_dijkstra(g, geo::Direction::Forward, sources.front(), limit, ws);  // warm-up, untimed

    std::vector<double> ms;
    for (const geo::NodeId s : sources) {
      double elapsed = 0;
      for (int r = 0; r < repeat; ++r) {
        const auto t0 = Clock::now();
        geo::run_dijkstra(g, geo::Direction::Forward, s, limit, ws);
        const double e = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        elapsed = r == 0 ? e : std::min(elapsed, e);
      }
      ms.push_back(elapsed);
      for (const geo::NodeId v : ws.settled()) {
        const geo::Deciseconds t = ws.time(v);
        std::fprintf(times, "%u,%u,%u.%u\n", s, v, t / 10, t % 10);
      }
      std::fprintf(timings, "%u,%.4f,%zu\n", s, elapsed, ws.settled().size());
    }
    std::fclose(times);
    std::fclose(timings);

    std::printf("nodes=%u arcs=%u sources=%zu repeat=%d median_ms=%.4f min_ms=%.4f max_ms=%.4f\n", g.node_count(),
                g.arc_count(), sources.size(), repeat, median(ms), *std::min_element(ms.begin(), ms.end()),
                *std::max_element(ms.begin(), ms.end()));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "recompose_times: %s\n", e.what());
    return 1;
  }
}
