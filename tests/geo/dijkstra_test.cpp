#include "geo/dijkstra.hpp"

#include <catch2/catch.hpp>
#include <deque>
#include <random>

#include "geo/road_import.hpp"
#include "hand_graphs.hpp"
#include "test_support.hpp"

using namespace recompose;
using recompose::test::build;
using recompose::test::node_at;
using recompose::test::way;

namespace {

// Independent reference: Bellman-Ford with a FIFO queue (SPFA), in 64-bit,
// on the arc list read straight from the CSR arrays.
std::vector<std::uint64_t> reference_times(const geo::RoadGraph& g, geo::NodeId source, bool reverse) {
  constexpr std::uint64_t inf = ~0ULL;
  std::vector<std::uint64_t> d(g.node_count(), inf);
  std::vector<char> queued(g.node_count(), 0);
  std::deque<geo::NodeId> q{source};
  d[source] = 0;
  queued[source] = 1;
  while (!q.empty()) {
    const geo::NodeId u = q.front();
    q.pop_front();
    queued[u] = 0;
    const auto& first = reverse ? g.first_in : g.first_out;
    const auto& other = reverse ? g.tail : g.head;
    const auto& w = reverse ? g.in_travel_time_ds : g.travel_time_ds;
    for (geo::ArcId a = first[u]; a < first[u + 1]; ++a) {
      const std::uint64_t nd = d[u] + w[a];
      if (nd < d[other[a]]) {
        d[other[a]] = nd;
        if (!queued[other[a]]) {
          queued[other[a]] = 1;
          q.push_back(other[a]);
        }
      }
    }
  }
  return d;
}

void check_against_reference(const geo::RoadGraph& g, int sources, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<geo::NodeId> pick(0, g.node_count() - 1);
  geo::DijkstraWorkspace ws(g.node_count());
  std::size_t mismatches = 0, reached = 0;
  for (int i = 0; i < sources; ++i) {
    const geo::NodeId s = pick(rng);
    const bool reverse = i % 2 == 1;
    geo::run_dijkstra(g, reverse ? geo::Direction::Reverse : geo::Direction::Forward, s, geo::kUnreachable, ws);
    const auto ref = reference_times(g, s, reverse);
    for (geo::NodeId v = 0; v < g.node_count(); ++v) {
      const std::uint64_t got = ws.time(v) == geo::kUnreachable ? ~0ULL : ws.time(v);
      if (got != ref[v]) ++mismatches;
      if (got != ~0ULL) ++reached;
    }
  }
  CHECK(mismatches == 0);
  CHECK(reached > static_cast<std::size_t>(sources));  // the searches did go somewhere
}

}  // namespace

TEST_CASE("Times on a hand-drawn graph", "[dijkstra]") {
  //  A(0,0) --100-- B(100,0) --100-- C(200,0)
  //  |                                  |
  //  D(0,300) ---------- 200 ---------- E(200,300)     A-D and C-E are 300 m
  const auto g = build({way({{0, 0}, {100, 0}, {200, 0}}), way({{100, 0}, {100, -50}}),
                        way({{0, 0}, {0, 300}}), way({{0, 300}, {200, 300}}), way({{200, 0}, {200, 300}})});
  const geo::NodeId a = node_at(g, 0, 0), c = node_at(g, 200, 0), d = node_at(g, 0, 300), e = node_at(g, 200, 300);
  geo::DijkstraWorkspace ws(g.node_count());
  geo::run_dijkstra(g, geo::Direction::Forward, a, geo::kUnreachable, ws);
  CHECK(ws.time(a) == 0);
  CHECK(ws.time(c) == 200);
  CHECK(ws.time(d) == 300);
  // Two routes to E tie at 500 ds: A-B-C-E and A-D-E.
  CHECK(ws.time(e) == 500);
  CHECK(ws.settled().front() == a);
  CHECK(ws.settled().size() == g.node_count());
}

TEST_CASE("One-way roads are followed only in their direction, reverse searches mirror them", "[dijkstra]") {
  // A -> B one-way (100 m); B - C two-way (100 m); C - A two-way, long (1000 m).
  const auto g = build({way({{0, 0}, {100, 0}}, geo::Oneway::Forward), way({{100, 0}, {100, 100}}),
                        way({{100, 100}, {0, 1000}, {0, 0}})});
  const geo::NodeId a = node_at(g, 0, 0), b = node_at(g, 100, 0);
  geo::DijkstraWorkspace ws;
  geo::run_dijkstra(g, geo::Direction::Forward, a, geo::kUnreachable, ws);
  CHECK(ws.time(b) == 100);
  geo::run_dijkstra(g, geo::Direction::Forward, b, geo::kUnreachable, ws);
  // B to A must go round by C: 100 + lengths of C-(0,1000)-A.
  const double long_way = std::hypot(100.0, 900.0) + 1000.0;
  CHECK(ws.time(a) == 100 + static_cast<geo::Deciseconds>(std::round(long_way)));
  // Reverse search from B = times *to* B.
  geo::run_dijkstra(g, geo::Direction::Reverse, b, geo::kUnreachable, ws);
  CHECK(ws.time(a) == 100);
}

TEST_CASE("Unreachable nodes are their own state, never 0", "[dijkstra]") {
  const auto g = build({way({{0, 0}, {100, 0}}), way({{5000, 0}, {5100, 0}})});
  geo::DijkstraWorkspace ws(g.node_count());
  geo::run_dijkstra(g, geo::Direction::Forward, node_at(g, 0, 0), geo::kUnreachable, ws);
  CHECK(ws.time(node_at(g, 5000, 0)) == geo::kUnreachable);
  CHECK(ws.time(node_at(g, 100, 0)) == 100);
}

TEST_CASE("A bounded search settles nothing beyond its limit", "[dijkstra]") {
  const auto g = build({way({{0, 0}, {100, 0}}), way({{100, 0}, {200, 0}}), way({{200, 0}, {300, 0}})});
  geo::DijkstraWorkspace ws(g.node_count());
  geo::run_dijkstra(g, geo::Direction::Forward, node_at(g, 0, 0), 200, ws);
  CHECK(ws.time(node_at(g, 200, 0)) == 200);  // exactly at the limit: reached
  CHECK(ws.time(node_at(g, 300, 0)) == geo::kUnreachable);
  CHECK(ws.settled().size() == 3);
}

TEST_CASE("Multi-source searches start each seed at its offset", "[dijkstra]") {
  const auto g = build({way({{0, 0}, {1000, 0}})});
  const geo::NodeId a = node_at(g, 0, 0), b = node_at(g, 1000, 0);
  const std::vector<geo::Seed> seeds{{a, 50}, {b, 30}};
  geo::DijkstraWorkspace ws(g.node_count());
  geo::run_dijkstra(g, geo::Direction::Forward, seeds, geo::kUnreachable, ws);
  CHECK(ws.time(a) == 50);
  CHECK(ws.time(b) == 30);
}

TEST_CASE("A workspace reused many times forgets every previous search", "[dijkstra]") {
  const auto g = build({way({{0, 0}, {100, 0}}), way({{100, 0}, {200, 0}}), way({{5000, 0}, {5100, 0}})});
  geo::DijkstraWorkspace ws(g.node_count());
  for (int i = 0; i < 1000; ++i) {
    geo::run_dijkstra(g, geo::Direction::Forward, node_at(g, 0, 0), geo::kUnreachable, ws);
  }
  geo::run_dijkstra(g, geo::Direction::Forward, node_at(g, 5000, 0), geo::kUnreachable, ws);
  CHECK(ws.time(node_at(g, 0, 0)) == geo::kUnreachable);
  CHECK(ws.time(node_at(g, 200, 0)) == geo::kUnreachable);
  CHECK(ws.time(node_at(g, 5100, 0)) == 100);
}

TEST_CASE("Dijkstra equals Bellman-Ford on the real Monaco OSM graph", "[dijkstra][real]") {
  const auto profile = geo::RoadProfile::load(test::source_file("datasets/profiles/car.json"));
  geo::RoadImportStats st;
  const auto g = geo::import_osm_roads(test::data_file("osm-fallback/monaco.osm.pbf"), profile, st);
  REQUIRE(g.node_count() > 1000);
  check_against_reference(g, 40, 42);
}

TEST_CASE("Dijkstra equals Bellman-Ford on the real Saint-Etienne graph", "[dijkstra][real]") {
  const auto profile = geo::RoadProfile::load(test::source_file("datasets/profiles/car.json"));
  geo::RoadImportStats st;
  const auto spec = geo::LineLayerSpec::class_only(test::data_file("roads/saint-etienne/roads-STE-saint-etienne-osm.geojson"), "roadClass",
      {{"highway", "road_class_highway"}, {"major", "road_class_major"}, {"minor", "road_class_minor"}});
  const auto g = geo::import_line_roads(spec, profile, st);
  REQUIRE(g.node_count() > 10000);
  check_against_reference(g, 12, 7);
}
