// The synthetic territory generator of the bench (tests/bench/synthetic_territory.hpp):
// deterministic, road-like (arcs per node, main component), the requested numbers of
// nodes, units and facilities, every point snapped, and a territory the planner can
// evaluate. Small sizes only (<= 50k nodes), so the tests stay fast.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <string>

#include "bench/synthetic_territory.hpp"
#include "planner/access_engine.hpp"
#include "planner/evaluation.hpp"
#include "planner/scenario.hpp"

using namespace recompose;

namespace {

bench::SyntheticOptions options(std::uint32_t nodes, std::uint64_t seed = 1) {
  bench::SyntheticOptions o;
  o.target_nodes = nodes;
  o.seed = seed;
  o.profile_path = std::string(RECOMPOSE_SOURCE_DIR) + "/datasets/profiles/car.json";
  return o;
}

double arcs_per_node(const geo::RoadGraph& g) {
  return static_cast<double>(g.arc_count()) / static_cast<double>(g.node_count());
}

}  // namespace

TEST_CASE("synthetic road graph: deterministic for a seed, different for another", "[synthetic]") {
  const auto a = bench::make_synthetic_road_graph(options(20000, 7));
  const auto b = bench::make_synthetic_road_graph(options(20000, 7));
  const auto c = bench::make_synthetic_road_graph(options(20000, 8));
  CHECK(a.node_x_m == b.node_x_m);
  CHECK(a.node_y_m == b.node_y_m);
  CHECK(a.first_out == b.first_out);
  CHECK(a.head == b.head);
  CHECK(a.travel_time_ds == b.travel_time_ds);
  CHECK(a.segment_class == b.segment_class);
  CHECK(a.point_x_m == b.point_x_m);
  CHECK(a.node_x_m != c.node_x_m);
}

TEST_CASE("synthetic road graph: node count on target, road-like degree, one main component",
          "[synthetic]") {
  for (const std::uint32_t target : {5000u, 20000u, 50000u}) {
    CAPTURE(target);
    bench::SyntheticGraphStats st;
    const auto g = bench::make_synthetic_road_graph(options(target), &st);
    CAPTURE(g.node_count(), g.arc_count(), arcs_per_node(g), st.lattice_columns, st.ways);
    CHECK(std::abs(static_cast<double>(g.node_count()) - target) <= 0.10 * target);
    CHECK(arcs_per_node(g) >= 2.3);
    CHECK(arcs_per_node(g) <= 2.6);
    REQUIRE(g.main_component != geo::kInvalidComponent);
    CHECK(g.component_node_count[g.main_component] >= 0.95 * g.node_count());
    // A hierarchy of classes, all of them the profile's, and some one-way arcs.
    std::set<std::string> classes;
    std::size_t oneway = 0;
    for (geo::SegmentId s = 0; s < g.segment_count(); ++s) {
      classes.insert(g.class_names.at(g.segment_class[s]));
      oneway += (g.segment_time_forward_ds[s] == geo::kUnreachable) !=
                (g.segment_time_backward_ds[s] == geo::kUnreachable);
    }
    CHECK(classes.count("residential") == 1);
    CHECK(classes.count("primary") + classes.count("trunk") >= 1);
    if (target >= 20000) CHECK(classes.count("motorway") == 1);  // the first corridor is line 30
    CHECK(oneway > 0);
    g.validate();
  }
}

TEST_CASE("synthetic territory: units and facilities in proportion, all snapped, deterministic",
          "[synthetic]") {
  const auto o = options(20000, 3);
  const auto t = bench::make_synthetic_territory(o);
  const double n = t.graph.node_count();
  CHECK(t.has_roads);
  CHECK(std::abs(static_cast<double>(t.units.size()) - n / 300) <= 0.15 * n / 300);
  CHECK(std::abs(static_cast<double>(t.facilities.size()) - n / 5000) <= 1.0);
  std::set<std::string> unit_codes, facility_ids;
  for (const auto& u : t.units) {
    CAPTURE(u.code);
    CHECK(u.code.size() == 9);
    CHECK(u.snap.result.ok());
    CHECK(u.population >= 200);
    CHECK(u.population <= 5000);
    CHECK(t.find_commune(u.commune_code) != nullptr);
    unit_codes.insert(u.code);
  }
  CHECK(unit_codes.size() == t.units.size());
  std::size_t hospitals = 0, gp = 0;
  for (const auto& f : t.facilities) {
    CAPTURE(f.id);
    CHECK(f.snap.result.ok());
    CHECK(t.find_commune(f.commune_code) != nullptr);
    facility_ids.insert(f.id);
    if (f.kind == "hospital") {
      ++hospitals;
      CHECK(f.flags.at("urgent_care"));
    }
    if (f.kind == "gp_point") {
      ++gp;
      CHECK(f.capacity >= 1);
      CHECK(f.capacity <= 6);
    }
  }
  CHECK(facility_ids.size() == t.facilities.size());
  CHECK(hospitals >= 2);
  CHECK(gp >= 1);
  for (const auto& c : t.communes) {
    CHECK(c.code.size() == 5);
    CHECK(c.geometry);
  }

  const auto again = bench::make_synthetic_territory(o);
  REQUIRE(again.units.size() == t.units.size());
  REQUIRE(again.facilities.size() == t.facilities.size());
  for (std::size_t i = 0; i < t.units.size(); ++i) {
    CHECK(again.units[i].code == t.units[i].code);
    CHECK(again.units[i].population == t.units[i].population);
    CHECK(again.units[i].snap.node == t.units[i].snap.node);
  }
  for (std::size_t i = 0; i < t.facilities.size(); ++i) {
    CHECK(again.facilities[i].kind == t.facilities[i].kind);
    CHECK(again.facilities[i].point.x_m == t.facilities[i].point.x_m);
    CHECK(again.facilities[i].snap.distance_m == t.facilities[i].snap.distance_m);
  }
  CHECK(again.graph_fingerprint == t.graph_fingerprint);
}

TEST_CASE("synthetic territory: the planner evaluates it, every unit reaches a GP point",
          "[synthetic]") {
  const auto t = bench::make_synthetic_territory(options(20000, 1));
  planner::EvalParams p;
  planner::AccessEngine engine(t, p.cutoff_min);
  const auto e = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const int gp = e.target_index("gp_point");
  const int urgent = e.target_index("urgent_care");
  REQUIRE(gp >= 0);
  REQUIRE(urgent >= 0);
  for (std::size_t u = 0; u < t.units.size(); ++u) {
    CAPTURE(t.units[u].code);
    CHECK(e.nearest_time[static_cast<std::size_t>(gp)][u] != planner::kNoAccess);
    CHECK(e.nearest_time[static_cast<std::size_t>(gp)][u] > 0);
  }
  // E2SFCA has supply everywhere some GP is within 20 minutes.
  std::size_t with_supply = 0;
  for (const double v : e.e2sfca_per_100k) with_supply += !std::isnan(v) && v > 0;
  CHECK(with_supply > 0);
}
