// recompose_bench: timings of graph builds and searches on the real graphs.
// Not a test (no assertion on time); prints a Markdown table. Usage:
//   recompose_bench [DATA_ROOT] [SOURCE_DIR]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "geo/dijkstra.hpp"
#include "geo/road_import.hpp"
#include "planner/access_engine.hpp"
#include "planner/evaluation.hpp"
#include "planner/manifest.hpp"
#include "planner/territory_import.hpp"

using namespace recompose;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void bench_searches(const char* name, const geo::RoadGraph& g, double build_s) {
  std::mt19937 rng(1);
  std::uniform_int_distribution<geo::NodeId> pick(0, g.node_count() - 1);
  geo::DijkstraWorkspace ws(g.node_count());
  std::vector<double> full, bounded30;
  for (int i = 0; i < 200; ++i) {
    const geo::NodeId s = pick(rng);
    auto t = Clock::now();
    geo::run_dijkstra(g, geo::Direction::Forward, s, geo::kUnreachable, ws);
    full.push_back(seconds_since(t) * 1e3);
    t = Clock::now();
    geo::run_dijkstra(g, geo::Direction::Reverse, s, 30 * 600, ws);
    bounded30.push_back(seconds_since(t) * 1e3);
  }
  std::printf("| %s | %u | %u | %.3f | %.3f | %.3f |\n", name, g.node_count(), g.arc_count(), build_s,
              median(full), median(bounded30));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string data = argc > 1 ? argv[1] : "../shared/datasets/raw";
  const std::string src = argc > 2 ? argv[2] : ".";
  const auto profile = geo::RoadProfile::load(src + "/datasets/profiles/car.json");
  std::printf("| graph | nodes | arcs | build (s) | one-to-all median (ms) | reverse 30-min bounded median (ms) |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  {
    geo::RoadImportStats st;
    auto t = Clock::now();
    const auto g = geo::import_osm_roads(data + "/osm-fallback/monaco.osm.pbf", profile, st);
    bench_searches("Monaco (OSM PBF)", g, seconds_since(t));
  }
  {
    geo::RoadImportStats st;
    geo::LineLayerSpec spec{data + "/roads/saint-etienne/roads-STE-saint-etienne-osm.geojson", "", "roadClass",
                            {{"highway", "road_class_highway"}, {"major", "road_class_major"}, {"minor", "road_class_minor"}},
                            ""};
    auto t = Clock::now();
    const auto g = geo::import_line_roads(spec, profile, st);
    bench_searches("Saint-Étienne (GeoJSON lines)", g, seconds_since(t));
  }
  {
    const auto m = planner::Manifest::load(src + "/datasets/loire.json");
    planner::ImportOptions opt;
    opt.data_root = data;
    planner::ImportReport r;
    auto t = Clock::now();
    const auto terr = planner::import_territory(m, opt, r);
    const double s = seconds_since(t);
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("\nLoire import (no cache): %.2f s, %zu units, %zu facilities; peak RSS of this process %.0f MiB\n", s,
                terr.units.size(), terr.facilities.size(), static_cast<double>(ru.ru_maxrss) / 1024.0);

    // Evaluation: tables, baseline, and re-evaluation after each kind of edit.
    planner::EvalParams params;
    t = Clock::now();
    planner::AccessEngine engine(terr, params.cutoff_min);
    const double tables_s = seconds_since(t);
    auto timed = [&](const planner::Scenario& sc) {
      const auto t0 = Clock::now();
      const auto e = planner::evaluate(engine, sc, params);
      return seconds_since(t0) * 1e3;
    };
    auto scenario = [](const std::string& edits) {
      return planner::Scenario::parse(R"({"format": "recompose-scenario/1", "name": "bench", "edits": [)" + edits + "]}",
                                      "bench");
    };
    std::vector<double> base, close, merge, relocate, open;
    for (int i = 0; i < 50; ++i) {
      base.push_back(timed(planner::Scenario::baseline()));
      close.push_back(timed(scenario(R"({"op": "close", "facility": "FINESS-420785354"})")));
      merge.push_back(timed(scenario(
          R"({"op": "merge", "facilities": ["FINESS-420780637", "FINESS-420780678"], "into": "FINESS-420780637"})")));
      // A new position every time, so that the memoised site searches are not reused.
      const std::string at = "{\"x_l93\": " + std::to_string(806000 + 7 * i) + ", \"y_l93\": 6485000}";
      relocate.push_back(timed(scenario(R"({"op": "relocate", "facility": "FINESS-420785354", "to": )" + at + "}")));
      const std::string at2 = "{\"x_l93\": " + std::to_string(806003 + 7 * i) + ", \"y_l93\": 6485000}";
      open.push_back(timed(scenario(R"({"op": "open", "id": "NEW", "kind": "gp_point", "capacity": 3, "at": )" + at2 + "}")));
    }
    std::printf("\n| Loire evaluation | median (ms) |\n|---|---:|\n");
    std::printf("| access tables (%zu facilities, %zu entries) | %.1f |\n", terr.facilities.size(), engine.entries(),
                tables_s * 1e3);
    std::printf("| baseline evaluate() | %.3f |\n| close one facility | %.3f |\n| merge two facilities | %.3f |\n",
                median(base), median(close), median(merge));
    std::printf("| relocate one facility (1 bounded search) | %.3f |\n| open a new facility (1 bounded search) | %.3f |\n",
                median(relocate), median(open));
  }
  return 0;
}
