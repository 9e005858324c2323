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
  }
  return 0;
}
