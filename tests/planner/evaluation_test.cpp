// evaluate(): nearest facilities, coverage, aggregates, E2SFCA, catchments, scenario
// edits, the straight-line model, need and pharmacy licences, on a tiny territory
// whose every value is computed by hand below; then properties and outputs on the
// REAL Loire territory.
//
// Tiny territory (tiny_territory.hpp): a straight two-way road from x = 0 to
// x = 20 km at 60 km/h, so 1 km = 1 min = 600 ds, with a node at every whole km.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "geo/error.hpp"
#include "geo/vector_io.hpp"
#include "planner/access_engine.hpp"
#include "planner/evaluation.hpp"
#include "planner/evaluation_report.hpp"
#include "planner/scenario.hpp"
#include "planner/territory_import.hpp"
#include "test_support.hpp"
#include "tiny_territory.hpp"

using namespace recompose;
using Catch::Contains;
using test::TinyFacility;
using test::TinyUnit;
using Times = std::vector<geo::Deciseconds>;
using Indices = std::vector<std::int32_t>;

namespace {

// A scenario from the JSON text of its edits.
planner::Scenario scenario_of(const std::string& edits) {
  return planner::Scenario::parse(
      R"({"format": "recompose-scenario/1", "name": "test", "edits": [)" + edits + "]}", "test");
}

std::size_t target(const planner::Evaluation& e, const std::string& name) {
  const int i = e.target_index(name);
  INFO("target " << name);
  REQUIRE(i >= 0);
  return static_cast<std::size_t>(i);
}

// Minutes to deciseconds: 1 min = 600 ds.
constexpr geo::Deciseconds min_ds(double minutes) { return static_cast<geo::Deciseconds>(minutes * 600.0); }

// The main tiny layout.
//   units  u0 x=1 km (100 inh.), u1 x=4 (200), u2 x=9 (300), u3 x=13 (400), u4 x=18 (500): 1500 inh.
//   0 H1 hospital x=0  (urgent_care)      1 H2 hospital x=20 (urgent_care: false)
//   2 G1 gp_point x=5  (capacity 2)       3 G2 gp_point x=16 (capacity 1)
planner::Territory main_territory() {
  return test::tiny_territory({{1, 100}, {4, 200}, {9, 300}, {13, 400}, {18, 500}},
                              {{"H1", "hospital", 0, 100, {{"urgent_care", true}}},
                               {"H2", "hospital", 20, 50, {{"urgent_care", false}}},
                               {"G1", "gp_point", 5, 2},
                               {"G2", "gp_point", 16, 1}});
}

// The E2SFCA layout: units x=1, 3, 6, 12 km (100, 200, 300, 400 inh.);
// GA gp_point x=2 km (capacity 2), GB gp_point x=14 km (capacity 1).
planner::Territory e2sfca_territory() {
  return test::tiny_territory({{1, 100}, {3, 200}, {6, 300}, {12, 400}},
                              {{"GA", "gp_point", 2, 2}, {"GB", "gp_point", 14, 1}});
}

planner::Territory import_loire() {
  const auto m = planner::Manifest::load(test::source_file("datasets/loire.json"));
  planner::ImportOptions opt;
  opt.data_root = test::data_root();
  opt.cache_dir = test::graph_cache_dir();
  planner::ImportReport report;
  return planner::import_territory(m, opt, report);
}

}  // namespace

// [SECTION] tiny territory -------------------------------------------------------

TEST_CASE("The tiny territory puts every unit and facility on its road", "[evaluation]") {
  const auto t = main_territory();
  REQUIRE(t.has_roads);
  CHECK(t.graph.node_count() == 21);  // a node at x = 0, 1, ..., 20 km
  const double xs[] = {1, 4, 9, 13, 18};
  for (std::size_t u = 0; u < t.units.size(); ++u) {
    // Point-on-surface of the square [x-500, x+500] x [-500, 500]: its centre (x, 0), on the road.
    CHECK(t.units[u].point.x_m == Approx(xs[u] * 1000).margin(1e-6));
    CHECK(t.units[u].point.y_m == Approx(0).margin(1e-6));
    CHECK(t.units[u].snap.status == geo::SnapStatus::Snapped);
    CHECK(t.units[u].snap.distance_m == Approx(0).margin(1e-6));
    CHECK(t.units[u].snap.access_ds == 0);  // access leg 0
    CHECK(t.units[u].code.size() == 9);
  }
  for (const auto& f : t.facilities) {
    CHECK(f.snap.status == geo::SnapStatus::Snapped);
    CHECK(f.snap.access_ds == 0);
  }
  // One bounded search per facility when the engine is built: 4 facilities.
  planner::AccessEngine engine(t, 60);
  CHECK(engine.model() == planner::TimeModel::Road);
  CHECK(engine.cutoff_ds() == 36000);  // 60 min x 600 ds
  CHECK(engine.searches_run() == 4);
}

TEST_CASE("Nearest time and facility per facility kind and per flag", "[evaluation]") {
  const auto t = main_territory();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto e = planner::evaluate(engine, planner::Scenario::baseline(), p);
  // Targets: the kinds (sorted) then the flags that are not kinds.
  CHECK(e.targets == std::vector<std::string>{"gp_point", "hospital", "urgent_care"});
  CHECK(e.model == planner::TimeModel::Road);
  const std::size_t gp = target(e, "gp_point"), h = target(e, "hospital"), uc = target(e, "urgent_care");

  // hospital: u0 H1 1 km; u1 H1 4; u2 H1 9 (H2 11); u3 H2 7 (H1 13); u4 H2 2.
  CHECK(e.nearest_time[h] == Times{min_ds(1), min_ds(4), min_ds(9), min_ds(7), min_ds(2)});
  CHECK(e.nearest_facility[h] == Indices{0, 0, 0, 1, 1});
  // urgent_care: only H1 (H2 has the flag set to false): 1, 4, 9, 13, 18 km.
  CHECK(e.nearest_time[uc] == Times{min_ds(1), min_ds(4), min_ds(9), min_ds(13), min_ds(18)});
  CHECK(e.nearest_facility[uc] == Indices{0, 0, 0, 0, 0});
  // gp_point: u0 G1 4 (G2 15); u1 G1 1; u2 G1 4 (G2 7); u3 G2 3 (G1 8); u4 G2 2.
  CHECK(e.nearest_time[gp] == Times{min_ds(4), min_ds(1), min_ds(4), min_ds(3), min_ds(2)});
  CHECK(e.nearest_facility[gp] == Indices{2, 2, 2, 3, 3});
  // k nearest hospitals of u2 (x=9): H1 at 9 min, H2 at 11 min, no third.
  REQUIRE(e.k == 3);
  CHECK(e.k_nearest[h][2 * 3 + 0] == 0);
  CHECK(e.k_nearest[h][2 * 3 + 1] == 1);
  CHECK(e.k_nearest[h][2 * 3 + 2] == -1);
  CHECK(e.searches == 0);  // the baseline reads the tables built with the engine
}

TEST_CASE("Coverage, mean and 90th percentile by hand through key_figures", "[evaluation]") {
  const auto t = main_territory();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto e = planner::evaluate(engine, planner::Scenario::baseline(), p);

  SECTION("urgent care: 1, 4, 9, 13, 18 min for 100, 200, 300, 400, 500 inhabitants") {
    const auto k = planner::key_figures(t, e, p, "urgent_care");
    CHECK(k.population == 1500);
    CHECK(k.population_routed == 1500);
    CHECK(k.population_off_network == 0);
    CHECK(k.no_access == 0);
    CHECK(k.beyond_threshold == 0);  // nobody beyond 30 min
    CHECK(k.coverage.at(10) == 600);   // 100 + 200 + 300 (1, 4, 9 min)
    CHECK(k.coverage.at(15) == 1000);  // + 400 (13 min)
    CHECK(k.coverage.at(20) == 1500);  // + 500 (18 min)
    CHECK(k.coverage.at(30) == 1500);
    CHECK(k.coverage.at(45) == 1500);
    CHECK(k.coverage_need.at(10) == 600);  // no need indicator: need = population
    // (1x100 + 4x200 + 9x300 + 13x400 + 18x500) / 1500 = 17800 / 1500
    CHECK(k.mean_min == Approx(17800.0 / 1500.0).epsilon(1e-12));
    // Cumulated populations 100, 300, 600, 1000, 1500: 90 % = 1350 is reached at 18 min.
    CHECK(k.p90_min == Approx(18));
  }
  SECTION("general practice: 4, 1, 4, 3, 2 min, everyone within 10 min") {
    const auto k = planner::key_figures(t, e, p, "gp_point");
    for (double th : {10.0, 15.0, 20.0, 30.0, 45.0}) CHECK(k.coverage.at(th) == 1500);
    // (4x100 + 1x200 + 4x300 + 3x400 + 2x500) / 1500 = 4000 / 1500
    CHECK(k.mean_min == Approx(4000.0 / 1500.0).epsilon(1e-12));
    // Sorted: 1 min (200), 2 (500) -> 700, 3 (400) -> 1100, 4 (100 + 300) -> 1500 >= 1350: 4 min.
    CHECK(k.p90_min == Approx(4));
  }
  SECTION("a threshold of 12 min moves with the parameters") {
    planner::EvalParams q;
    q.coverage_min = {12};
    const auto k = planner::key_figures(t, e, q, "urgent_care");
    CHECK(k.coverage.at(12) == 600);  // 1, 4, 9 min; 13 min is beyond
  }
}

TEST_CASE("Aggregates per commune and for the territory add up the units", "[evaluation]") {
  const auto t = main_territory();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto e = planner::evaluate(engine, planner::Scenario::baseline(), p);
  double units = 0;
  for (const auto& u : t.units) units += u.population;
  REQUIRE(units == 1500);  // 100 + 200 + 300 + 400 + 500
  for (const std::string level : {"commune", "territory"}) {
    INFO("level " << level);
    const auto a = planner::aggregate(t, e, p, level);
    REQUIRE(a.size() == 1);
    CHECK(a[0].code == (level == "commune" ? std::string("62001") : t.name));
    CHECK(a[0].population == units);
    CHECK(a[0].need_population == 1500);
    CHECK(a[0].population_off_network == 0);
    CHECK(a[0].coverage.at("urgent_care").at(10) == 600);
    CHECK(a[0].coverage.at("urgent_care").at(15) == 1000);
    CHECK(a[0].coverage.at("urgent_care").at(20) == 1500);
    CHECK(a[0].mean_min.at("urgent_care") == Approx(17800.0 / 1500.0).epsilon(1e-12));
    CHECK(a[0].p90_min.at("urgent_care") == Approx(18));
    CHECK(a[0].population_no_access.at("urgent_care") == 0);
    CHECK(a[0].population_beyond_urgent.at("urgent_care") == 0);
    CHECK(a[0].mean_min.at("hospital") == Approx((1 * 100 + 4 * 200 + 9 * 300 + 7 * 400 + 2 * 500) / 1500.0));
  }
  SECTION("one area per unit at the unit level") {
    const auto a = planner::aggregate(t, e, p, "unit");
    REQUIRE(a.size() == 5);
    double sum = 0;
    for (const auto& f : a) sum += f.population;
    CHECK(sum == 1500);
  }
  SECTION("an unknown level is refused") {
    CHECK_THROWS_AS(planner::aggregate(t, e, p, "canton"), geo::Error);
  }
}

TEST_CASE("Unreachable is its own state: never 0, never averaged", "[evaluation]") {
  // A slow road: 15 km/h, 1 km = 1000 / (15 / 3.6) = 240 s = 2400 ds = 4 min.
  //   u0 x=1 km (100 inh.): 1 km from G = 4 min
  //   u1 x=19 km (200): 17 km = 68 min > 60 min cutoff
  //   u2 (10 km, 5 km) (300): 5 km from the road > 1 km: off the network
  test::TinyOptions o;
  o.speed_kmh = 15;
  const auto t = test::tiny_territory({{1, 100}, {19, 200}, {10, 300, 5}}, {{"G", "gp_point", 2, 1}}, o);
  REQUIRE(t.units[2].snap.status == geo::SnapStatus::TooFar);
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto e = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const std::size_t gp = target(e, "gp_point");
  CHECK(e.nearest_time[gp][0] == 2400);
  CHECK(e.nearest_time[gp][1] == planner::kNoAccess);
  CHECK(e.nearest_time[gp][2] == planner::kNoAccess);
  CHECK(e.nearest_time[gp][1] != 0);
  CHECK(e.nearest_time[gp][2] != 0);
  CHECK(e.nearest_facility[gp] == Indices{0, -1, -1});

  const auto k = planner::key_figures(t, e, p, "gp_point");
  CHECK(k.population == 600);
  CHECK(k.population_off_network == 300);
  CHECK(k.population_routed == 300);
  CHECK(k.no_access == 200);
  CHECK(k.beyond_threshold == 200);  // no access counts as beyond 30 min
  CHECK(k.mean_min == Approx(4));     // only u0: the unreachable unit is not averaged
  CHECK(k.p90_min == Approx(4));
  for (double th : {10.0, 15.0, 20.0, 30.0, 45.0}) CHECK(k.coverage.at(th) == 100);

  const auto a = planner::aggregate(t, e, p, "territory");
  REQUIRE(a.size() == 1);
  CHECK(a[0].population == 600);
  CHECK(a[0].population_off_network == 300);
  CHECK(a[0].mean_min.at("gp_point") == Approx(4));
  CHECK(a[0].population_no_access.at("gp_point") == 200);
  CHECK(a[0].population_beyond_urgent.at("gp_point") == 200);

  // E2SFCA: G reaches only u0 (4 min, weight 1): R = 1 / 100; A(u0) = 1/100 x 1e5 = 1000.
  // u1 is routed but has no supply: 0; u2 is off the network: NaN (unknown, not 0).
  CHECK(e.e2sfca_per_100k[0] == Approx(1000).epsilon(1e-12));
  CHECK(e.e2sfca_per_100k[1] == 0);
  CHECK(std::isnan(e.e2sfca_per_100k[2]));
  // Population-weighted mean over the known units: (1000 x 100 + 0 x 200) / 300.
  CHECK(a[0].e2sfca_mean == Approx(100000.0 / 300.0).epsilon(1e-12));
}

TEST_CASE("A unit and a facility on the same road segment are timed along it", "[evaluation]") {
  // One single 20 km segment (no node between x=0 and x=20 km) at 60 km/h.
  // u0 at x=1 km, G at x=2 km: 1 km along the road = 1 min = 600 ds, not a detour
  // through the segment end at x=0 (2 + 1 = 3 min).
  test::TinyOptions o;
  o.node_every_km = false;
  const auto t = test::tiny_territory({{1, 100}, {5, 100}}, {{"G", "gp_point", 2, 1}}, o);
  REQUIRE(t.graph.segment_count() == 1);
  planner::AccessEngine engine(t, 60);
  const auto e = planner::evaluate(engine, planner::Scenario::baseline(), planner::EvalParams{});
  const std::size_t gp = target(e, "gp_point");
  CHECK(e.nearest_time[gp][0] == min_ds(1));  // 1 km
  CHECK(e.nearest_time[gp][1] == min_ds(3));  // 3 km
}

TEST_CASE("E2SFCA with the default steps, computed by hand", "[evaluation]") {
  const auto t = e2sfca_territory();
  planner::AccessEngine engine(t, 60);
  planner::EvalParams p;  // steps <= 10 min: 1, <= 15: 0.66, <= 20: 0.33
  // Times (1 km = 1 min):       u0 x=1  u1 x=3  u2 x=6  u3 x=12
  //   GA x=2 (capacity 2)       1       1       4       10   -> weights 1, 1, 1, 1 (10 <= 10)
  //   GB x=14 (capacity 1)      13      11      8       2    -> weights 0.66, 0.66, 1, 1
  // Demand GA = 100 + 200 + 300 + 400 = 1000;  R_GA = 2 / 1000
  // Demand GB = 0.66x100 + 0.66x200 + 300 + 400 = 898;  R_GB = 1 / 898
  const double r_ga = 2.0 / 1000.0, r_gb = 1.0 / 898.0;
  // A = sum_j R_j W_ij x 100000
  const std::vector<double> expected = {(r_ga * 1 + r_gb * 0.66) * 1e5, (r_ga * 1 + r_gb * 0.66) * 1e5,
                                        (r_ga * 1 + r_gb * 1) * 1e5, (r_ga * 1 + r_gb * 1) * 1e5};
  // i.e. 200 + 66000/898 = 273.4967... and 200 + 100000/898 = 311.3586...
  CHECK(expected[0] == Approx(200 + 66000.0 / 898.0));

  SECTION("baseline") {
    const auto e = planner::evaluate(engine, planner::Scenario::baseline(), p);
    REQUIRE(e.e2sfca_per_100k.size() == 4);
    for (std::size_t u = 0; u < 4; ++u) {
      INFO("unit " << u);
      CHECK(e.e2sfca_per_100k[u] == Approx(expected[u]).epsilon(1e-9));
    }
    // Every unit is within reach of its facilities: the whole supply (3 GPs) is shared out,
    // sum_i P_i A_i = 3 x 100000.
    double supply = 0;
    for (std::size_t u = 0; u < 4; ++u) supply += t.units[u].population * e.e2sfca_per_100k[u];
    CHECK(supply == Approx(3e5).epsilon(1e-9));
    // Population-weighted mean: 300000 / 1000.
    const auto a = planner::aggregate(t, e, p, "territory");
    CHECK(a[0].e2sfca_mean == Approx(300.0).epsilon(1e-9));
  }
  SECTION("set_capacity doubles GA's ratio and leaves GB's") {
    const std::size_t before = engine.searches_run();
    const auto e = planner::evaluate(engine, scenario_of(R"({"op": "set_capacity", "facility": "GA", "capacity": 4})"), p);
    CHECK(engine.searches_run() == before);
    // R_GA = 4 / 1000: A = 400 + R_GB W x 1e5.
    CHECK(e.e2sfca_per_100k[0] == Approx(400 + 66000.0 / 898.0).epsilon(1e-9));
    CHECK(e.e2sfca_per_100k[2] == Approx(400 + 100000.0 / 898.0).epsilon(1e-9));
    CHECK(e.facilities[0].capacity == 4);
  }
  SECTION("tripling every capacity triples every unit's accessibility") {
    const auto e = planner::evaluate(engine,
                                     scenario_of(R"({"op": "set_capacity", "facility": "GA", "capacity": 6},
                                                    {"op": "set_capacity", "facility": "GB", "capacity": 3})"),
                                     p);
    for (std::size_t u = 0; u < 4; ++u) CHECK(e.e2sfca_per_100k[u] == Approx(3 * expected[u]).epsilon(1e-9));
  }
  SECTION("other steps: a single 0-5 min step of weight 1") {
    p.e2sfca_steps = {{5, 1.0}};
    const auto e = planner::evaluate(engine, planner::Scenario::baseline(), p);
    // GA reaches u0, u1, u2 (1, 1, 4 min): R = 2 / 600. GB reaches u3 (2 min): R = 1 / 400.
    CHECK(e.e2sfca_per_100k[0] == Approx(2.0 / 600.0 * 1e5).epsilon(1e-9));
    CHECK(e.e2sfca_per_100k[2] == Approx(2.0 / 600.0 * 1e5).epsilon(1e-9));
    CHECK(e.e2sfca_per_100k[3] == Approx(1.0 / 400.0 * 1e5).epsilon(1e-9));
  }
  SECTION("no supply of that kind: NaN, not 0") {
    p.e2sfca_kind = "hospital";
    const auto e = planner::evaluate(engine, planner::Scenario::baseline(), p);
    for (double v : e.e2sfca_per_100k) CHECK(std::isnan(v));
  }
}

TEST_CASE("Catchments: each unit is served by its nearest facility of each kind", "[evaluation]") {
  const auto t = main_territory();
  planner::AccessEngine engine(t, 60);
  const auto e = planner::evaluate(engine, planner::Scenario::baseline(), planner::EvalParams{});
  REQUIRE(e.served_population.size() == 4);
  // Hospitals: H1 <- u0, u1, u2 (100 + 200 + 300); H2 <- u3, u4 (400 + 500).
  // The urgent_care flag does not count H1's catchment twice.
  CHECK(e.served_population[0] == 600);
  CHECK(e.served_population[1] == 900);
  // GPs: G1 <- u0, u1, u2; G2 <- u3, u4.
  CHECK(e.served_population[2] == 600);
  CHECK(e.served_population[3] == 900);
  CHECK(e.served_need == e.served_population);  // need index 100 everywhere
}

TEST_CASE("Scenario edits: closing and merging cost no search, a new site one", "[evaluation]") {
  const auto t = main_territory();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto base = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const std::size_t searches = engine.searches_run();
  REQUIRE(searches == 4);
  const std::size_t gp = target(base, "gp_point");
  auto never_decrease = [&](const planner::Evaluation& e) {
    for (const auto& name : base.targets) {
      const std::size_t b = target(base, name), a = target(e, name);
      for (std::size_t u = 0; u < t.units.size(); ++u) {
        INFO("target " << name << ", unit " << u);
        CHECK(e.nearest_time[a][u] >= base.nearest_time[b][u]);
      }
    }
  };

  SECTION("closing G1: no search, G2 serves everyone, no time decreases") {
    const auto e = planner::evaluate(engine, scenario_of(R"({"op": "close", "facility": "G1"})"), p);
    CHECK(engine.searches_run() == searches);
    CHECK(e.searches == 0);
    CHECK_FALSE(e.facilities[2].open);
    // G2 at x=16: 15, 12, 7, 3, 2 km.
    CHECK(e.nearest_time[gp] == Times{min_ds(15), min_ds(12), min_ds(7), min_ds(3), min_ds(2)});
    CHECK(e.nearest_facility[gp] == Indices{3, 3, 3, 3, 3});
    CHECK(e.served_population[2] == 0);
    CHECK(e.served_population[3] == 1500);
    never_decrease(e);
  }
  SECTION("closing H1 leaves nobody with urgent care: no access, not 0") {
    const auto e = planner::evaluate(engine, scenario_of(R"({"op": "close", "facility": "H1"})"), p);
    CHECK(engine.searches_run() == searches);
    const std::size_t uc = target(e, "urgent_care");
    for (auto ds : e.nearest_time[uc]) CHECK(ds == planner::kNoAccess);
    const auto k = planner::key_figures(t, e, p, "urgent_care");
    CHECK(k.no_access == 1500);
    CHECK(k.beyond_threshold == 1500);
    CHECK(std::isnan(k.mean_min));
    never_decrease(e);
  }
  SECTION("merging G2 into G1 sums the capacities, without a search") {
    const auto e = planner::evaluate(
        engine, scenario_of(R"({"op": "merge", "facilities": ["G1", "G2"], "into": "G1"})"), p);
    CHECK(engine.searches_run() == searches);
    CHECK(e.facilities[2].capacity == 3);  // 2 + 1
    CHECK(e.facilities[2].open);
    CHECK_FALSE(e.facilities[3].open);
    // G1 at x=5 alone: 4, 1, 4, 8, 13 km.
    CHECK(e.nearest_time[gp] == Times{min_ds(4), min_ds(1), min_ds(4), min_ds(8), min_ds(13)});
    CHECK(e.served_population[2] == 1500);
    never_decrease(e);
  }
  SECTION("merging at a new site sums the capacities and runs one search") {
    const auto e = planner::evaluate(
        engine,
        scenario_of(
            R"({"op": "merge", "facilities": ["G1", "G2"], "at": {"x_l93": 10000, "y_l93": 0}, "id": "G12", "name": "Maison de santé"})"),
        p);
    CHECK(engine.searches_run() == searches + 1);
    REQUIRE(e.facilities.size() == 5);
    CHECK(e.facilities[4].id == "G12");
    CHECK(e.facilities[4].capacity == 3);
    CHECK_FALSE(e.facilities[2].open);
    CHECK_FALSE(e.facilities[3].open);
    // G12 at x=10: 9, 6, 1, 3, 8 km.
    CHECK(e.nearest_time[gp] == Times{min_ds(9), min_ds(6), min_ds(1), min_ds(3), min_ds(8)});
    CHECK(e.nearest_facility[gp] == Indices{4, 4, 4, 4, 4});
  }
  SECTION("relocating runs exactly one search; re-evaluating runs none") {
    const auto s = scenario_of(R"({"op": "relocate", "facility": "G1", "to": {"x_l93": 8000, "y_l93": 0}})");
    const auto e = planner::evaluate(engine, s, p);
    CHECK(engine.searches_run() == searches + 1);
    CHECK(e.searches == 1);
    REQUIRE(e.facilities.size() == 5);
    CHECK_FALSE(e.facilities[2].open);
    CHECK(e.facilities[4].id == "G1");
    CHECK(e.facilities[4].is_new_site);
    // G1 moved to x=8, G2 at x=16: u0 7; u1 4; u2 1; u3 3 (G2; G1 5); u4 2 (G2).
    CHECK(e.nearest_time[gp] == Times{min_ds(7), min_ds(4), min_ds(1), min_ds(3), min_ds(2)});
    CHECK(e.nearest_facility[gp] == Indices{4, 4, 4, 3, 3});
    const auto again = planner::evaluate(engine, s, p);
    CHECK(engine.searches_run() == searches + 1);  // memoised by position
    CHECK(again.searches == 0);
    CHECK(again.nearest_time == e.nearest_time);
  }
  SECTION("opening runs exactly one search and never increases a time") {
    const auto s = scenario_of(
        R"({"op": "open", "id": "G3", "kind": "gp_point", "name": "Nouveau cabinet", "capacity": 1, "at": {"x_l93": 11000, "y_l93": 0}})");
    const auto e = planner::evaluate(engine, s, p);
    CHECK(engine.searches_run() == searches + 1);
    CHECK(e.searches == 1);
    // G3 at x=11: u2 2 km (G1 4), u3 2 km (G2 3); the others keep G1 / G2.
    CHECK(e.nearest_time[gp] == Times{min_ds(4), min_ds(1), min_ds(2), min_ds(2), min_ds(2)});
    CHECK(e.nearest_facility[gp] == Indices{2, 2, 4, 4, 3});
    for (std::size_t u = 0; u < t.units.size(); ++u) CHECK(e.nearest_time[gp][u] <= base.nearest_time[gp][u]);
    const auto again = planner::evaluate(engine, s, p);
    CHECK(engine.searches_run() == searches + 1);
    CHECK(again.searches == 0);
    CHECK(again.nearest_time == e.nearest_time);
  }
  SECTION("the baseline is unchanged by the scenarios evaluated before it") {
    planner::evaluate(engine, scenario_of(R"({"op": "close", "facility": "G2"})"), p);
    const auto again = planner::evaluate(engine, planner::Scenario::baseline(), p);
    CHECK(again.nearest_time == base.nearest_time);
    CHECK(again.served_population == base.served_population);
  }
}

TEST_CASE("Without roads, times are straight-line distance x detour at a stated speed", "[evaluation]") {
  // Units u0 (1 km, 0), u1 (5 km, 4 km), u2 (19 km, 0); G gp_point at (2 km, 0).
  const auto t = test::tiny_territory_without_roads({{1, 100}, {5, 200, 4}, {19, 300}}, {{"G", "gp_point", 2, 1}});
  REQUIRE_FALSE(t.has_roads);
  planner::AccessEngine engine(t, 60);
  CHECK(engine.model() == planner::TimeModel::StraightLine);
  const planner::EvalParams p;
  const auto e = planner::evaluate(engine, planner::Scenario::baseline(), p);
  CHECK(e.model == planner::TimeModel::StraightLine);
  CHECK(engine.searches_run() == 0);
  const std::size_t gp = target(e, "gp_point");
  // 40 km/h = 40 / 3.6 m/s, so 1 m takes 3.6 / 40 = 0.09 s.
  // u0: 1000 m x 1.3 = 1300 m -> 117 s = 1170 ds
  // u1: sqrt(3000^2 + 4000^2) = 5000 m x 1.3 = 6500 m -> 585 s = 5850 ds
  // u2: 17000 m x 1.3 = 22100 m -> 1989 s = 19890 ds
  CHECK(e.nearest_time[gp] == Times{1170, 5850, 19890});
  // Every unit counts as routed in this model.
  const auto k = planner::key_figures(t, e, p, "gp_point");
  CHECK(k.population_routed == 600);
  CHECK(k.population_off_network == 0);
  // E2SFCA: 1.95 and 9.75 min (weight 1), 33.15 min (0): R = 1 / 300.
  CHECK(e.e2sfca_per_100k[0] == Approx(1e5 / 300).epsilon(1e-9));
  CHECK(e.e2sfca_per_100k[1] == Approx(1e5 / 300).epsilon(1e-9));
  CHECK(e.e2sfca_per_100k[2] == 0);

  SECTION("other detour and speed") {
    planner::AccessEngine slow(t, 60, {1.5, 30});
    const auto f = planner::evaluate(slow, planner::Scenario::baseline(), p);
    // u0: 1000 m x 1.5 = 1500 m at 30 km/h (1 m = 0.12 s) -> 180 s = 1800 ds
    CHECK(f.nearest_time[target(f, "gp_point")][0] == 1800);
  }
  SECTION("a site opens without a network") {
    const auto f = planner::evaluate(
        engine,
        scenario_of(R"({"op": "open", "id": "G3", "kind": "gp_point", "capacity": 1, "at": {"x_l93": 10000, "y_l93": 0}})"),
        p);
    // u2 to (10 km, 0): 9000 m x 1.3 = 11700 m -> 1053 s = 10530 ds
    CHECK(f.nearest_time[target(f, "gp_point")][2] == 10530);
  }
}

TEST_CASE("Need index from an indicator joined from the finest level", "[evaluation]") {
  auto t = main_territory();
  t.indicators.push_back({"territory", t.name, "icm", 150, "2009-2012", "test"});
  planner::EvalParams p;
  p.need_indicator = "icm";

  SECTION("a territory-level ICM of 150 weighs every inhabitant 1.5") {
    planner::AccessEngine engine(t, 60);
    const auto e = planner::evaluate(engine, planner::Scenario::baseline(), p);
    for (std::size_t u = 0; u < t.units.size(); ++u) {
      CHECK(e.need_index[u] == 150);
      CHECK(e.need_population[u] == Approx(1.5 * t.units[u].population));
    }
    CHECK_THAT(e.need_source, Contains("icm"));
    const auto a = planner::aggregate(t, e, p, "territory");
    CHECK(a[0].need_population == Approx(2250));  // 1.5 x 1500
    // Need-weighted coverage of urgent care within 10 min: 1.5 x (100 + 200 + 300).
    CHECK(planner::key_figures(t, e, p, "urgent_care").coverage_need.at(10) == Approx(900));
    // Catchment need of H2: 1.5 x (400 + 500).
    CHECK(e.served_need[1] == Approx(1350));
  }
  SECTION("a finer level wins: commune over territory, IRIS over commune") {
    t.indicators.push_back({"commune", "62001", "icm", 120, "", ""});
    t.indicators.push_back({"iris", t.units[0].code, "icm", 80, "", ""});
    planner::AccessEngine engine(t, 60);
    const auto e = planner::evaluate(engine, planner::Scenario::baseline(), p);
    CHECK(e.need_index[0] == 80);
    CHECK(e.need_index[1] == 120);
    CHECK(e.need_population[0] == Approx(80));   // 100 x 0.8
    CHECK(e.need_population[4] == Approx(600));  // 500 x 1.2
  }
  SECTION("an unknown need indicator is an error") {
    planner::AccessEngine engine(t, 60);
    p.need_indicator = "imc";
    CHECK_THROWS_AS(planner::evaluate(engine, planner::Scenario::baseline(), p), geo::Error);
    CHECK_THROWS_WITH(planner::evaluate(engine, planner::Scenario::baseline(), p), Contains("imc"));
  }
  SECTION("no need indicator: index 100") {
    planner::AccessEngine engine(t, 60);
    const auto e = planner::evaluate(engine, planner::Scenario::baseline(), planner::EvalParams{});
    for (double v : e.need_index) CHECK(v == 100);
    CHECK(e.need_population[3] == 400);
  }
}

// [SECTION] pharmacy licences --------------------------------------------------------

TEST_CASE("Pharmacy licences by the law: at least 2,500 inhabitants, then each further full tranche", "[pharmacy]") {
  const planner::EvalParams p;  // rule "loi" (CSP L.5125-4)
  SECTION("departement 62: first threshold 2,500, tranche 4,500") {
    // n licences from 2500 + (n - 1) x 4500 inhabitants on: 1 + floor((pop - 2500) / 4500).
    CHECK(planner::pharmacy_licences_allowed(0, "62", p) == 0);
    CHECK(planner::pharmacy_licences_allowed(2499, "62", p) == 0);
    CHECK(planner::pharmacy_licences_allowed(2500, "62", p) == 1);  // "au moins égal à 2 500"
    CHECK(planner::pharmacy_licences_allowed(2501, "62", p) == 1);
    CHECK(planner::pharmacy_licences_allowed(6999, "62", p) == 1);
    CHECK(planner::pharmacy_licences_allowed(7000, "62", p) == 2);  // 2500 + 4500: a full tranche
    CHECK(planner::pharmacy_licences_allowed(7001, "62", p) == 2);
    CHECK(planner::pharmacy_licences_allowed(11499, "62", p) == 2);
    CHECK(planner::pharmacy_licences_allowed(11500, "62", p) == 3);  // 2500 + 2 x 4500
  }
  SECTION("Moselle, Alsace, Guyane: first threshold 3,500") {
    CHECK(planner::pharmacy_licences_allowed(2500, "57", p) == 0);
    CHECK(planner::pharmacy_licences_allowed(3499, "57", p) == 0);
    CHECK(planner::pharmacy_licences_allowed(3500, "57", p) == 1);
    CHECK(planner::pharmacy_licences_allowed(7000, "57", p) == 1);
    CHECK(planner::pharmacy_licences_allowed(7999, "57", p) == 1);
    CHECK(planner::pharmacy_licences_allowed(8000, "57", p) == 2);  // 3500 + 4500
    CHECK(planner::pharmacy_licences_allowed(3499, "67", p) == 0);
    CHECK(planner::pharmacy_licences_allowed(3500, "67", p) == 1);
    CHECK(planner::pharmacy_licences_allowed(3500, "68", p) == 1);
    CHECK(planner::pharmacy_licences_allowed(3499, "973", p) == 0);
    CHECK(planner::pharmacy_licences_allowed(3500, "973", p) == 1);
    CHECK(planner::pharmacy_licences_allowed(3499, "42", p) == 1);  // elsewhere 2,500
  }
  SECTION("a tranche of 3,500 (the seeds' transfer slide)") {
    planner::EvalParams q;
    q.pharmacy_tranche = 3500;
    CHECK(planner::pharmacy_licences_allowed(5999, "62", q) == 1);
    CHECK(planner::pharmacy_licences_allowed(6000, "62", q) == 2);  // 2500 + 3500
  }
  SECTION("the seeds' 2013 wording: strictly more than each threshold") {
    planner::EvalParams g;
    g.pharmacy_rule = "graines";
    CHECK(planner::pharmacy_licences_allowed(2500, "62", g) == 0);  // not "plus de" 2500
    CHECK(planner::pharmacy_licences_allowed(2501, "62", g) == 1);
    CHECK(planner::pharmacy_licences_allowed(7000, "62", g) == 1);  // 2500 + 4500: not more
    CHECK(planner::pharmacy_licences_allowed(7001, "62", g) == 2);
    CHECK(planner::pharmacy_licences_allowed(3500, "57", g) == 0);
    CHECK(planner::pharmacy_licences_allowed(3501, "57", g) == 1);
    CHECK(planner::pharmacy_licences_allowed(8000, "57", g) == 1);
    CHECK(planner::pharmacy_licences_allowed(8001, "57", g) == 2);
  }
  SECTION("an unknown rule is refused") {
    planner::EvalParams z;
    z.pharmacy_rule = "autre";
    CHECK_THROWS_WITH(planner::pharmacy_licences_allowed(3000, "62", z), Contains("pharmacy rule 'autre'"));
  }
}

// [SECTION] real Loire territory -------------------------------------------------------

TEST_CASE("Loire: access tables from PHAST sweeps over the hierarchy equal those from Dijkstra", "[evaluation][real]") {
  auto t = import_loire();
  REQUIRE(t.ch != nullptr);  // built by the import
  REQUIRE(t.ch->node_count() == t.graph.node_count());
  std::vector<planner::AccessColumn> phast, dijkstra;
  std::vector<geo::PointM> sites;
  std::mt19937 rng(7);
  for (int i = 0; i < 12; ++i) {  // new sites spread over the basin (Lambert-93 box of Saint-Étienne)
    sites.push_back({std::uniform_real_distribution<double>(790000, 825000)(rng),
                     std::uniform_real_distribution<double>(6465000, 6500000)(rng)});
  }
  auto columns = [&](std::vector<planner::AccessColumn>& out) {
    planner::AccessEngine engine(t, 60);
    for (std::size_t i = 0; i < t.facilities.size(); ++i) out.push_back(engine.base_column(i));
    for (const auto& p : sites) out.push_back(engine.site_column(p, engine.snap(p)));
  };
  columns(phast);
  t.ch.reset();
  columns(dijkstra);
  REQUIRE(phast.size() == dijkstra.size());
  std::size_t entries = 0;
  for (std::size_t c = 0; c < phast.size(); ++c) {
    INFO("column " << c << (c < t.facilities.size() ? " (facility " + t.facilities[c].id + ")" : " (new site)"));
    REQUIRE(phast[c].size() == dijkstra[c].size());
    for (std::size_t k = 0; k < phast[c].size(); ++k) {
      CHECK(phast[c][k].unit == dijkstra[c][k].unit);
      CHECK(phast[c][k].time_ds == dijkstra[c][k].time_ds);
    }
    entries += phast[c].size();
  }
  CHECK(entries > 25000);  // 25,053 base entries plus the new sites' columns
}

TEST_CASE("Loire: no facility or new site is joined to the road from a motorway", "[evaluation][real]") {
  const auto t = import_loire();
  const auto& g = t.graph;
  // Classes without roadside access in the profile: motorways, ramps, parking aisles, driveways.
  const auto& no_access = t.profile.no_roadside_access;
  const auto is_highway = [&](geo::SegmentId s) {
    return std::find(no_access.begin(), no_access.end(), g.class_names[g.segment_class[s]]) != no_access.end();
  };
  for (const auto& f : t.facilities) {
    INFO("facility " << f.id);
    if (f.snap.result.ok()) CHECK_FALSE(is_highway(f.snap.result.segment));
  }
  // New sites dropped on the middle vertex of highway segments (e.g. a relocation onto the A72).
  planner::AccessEngine engine(t, 60);
  std::size_t tried = 0;
  for (geo::SegmentId s = 0; s < g.segment_count() && tried < 40; ++s) {
    if (!is_highway(s) || !g.in_main_component(g.segment_from[s])) continue;
    const std::uint32_t mid = (g.segment_first_point[s] + g.segment_first_point[s + 1]) / 2;
    const geo::PointM p{g.point_x_m[mid], g.point_y_m[mid]};
    const auto r = engine.snap(p);
    INFO("highway segment " << s << " at " << p.x_m << ", " << p.y_m);
    CHECK(r.status != geo::SnapStatus::NoNetwork);
    if (r.ok()) CHECK_FALSE(is_highway(r.segment));
    ++tried;
  }
  CHECK(tried == 40);
}

TEST_CASE("Loire: a scenario without edits equals the baseline exactly", "[evaluation][real]") {
  const auto t = import_loire();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto base = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const std::size_t searches = engine.searches_run();
  const auto e = planner::evaluate(engine, scenario_of(""), p);
  CHECK(engine.searches_run() == searches);
  CHECK(e.targets == base.targets);
  CHECK(e.nearest_time == base.nearest_time);
  CHECK(e.nearest_facility == base.nearest_facility);
  CHECK(e.served_population == base.served_population);
  REQUIRE(e.e2sfca_per_100k.size() == base.e2sfca_per_100k.size());
  std::size_t differ = 0;
  for (std::size_t u = 0; u < t.units.size(); ++u) {
    const double a = base.e2sfca_per_100k[u], b = e.e2sfca_per_100k[u];
    if (std::isnan(a) != std::isnan(b) || (!std::isnan(a) && a != b)) ++differ;
  }
  CHECK(differ == 0);

  // Aggregates: the units of the 179 communes sum to the legal population (SOURCES.md: 676,425).
  const auto communes = planner::aggregate(t, base, p, "commune");
  CHECK(communes.size() == 179);
  double total = 0;
  for (const auto& c : communes) total += c.population;
  CHECK(total == Approx(676425).margin(1e-6));
  const auto territory = planner::aggregate(t, base, p, "territory");
  REQUIRE(territory.size() == 1);
  CHECK(territory[0].population == Approx(676425).margin(1e-6));
}

TEST_CASE("Loire: closing any one hospital never decreases a time, and costs no search", "[evaluation][real]") {
  const auto t = import_loire();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto base = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const std::size_t searches = engine.searches_run();
  std::vector<std::string> hospitals;
  for (const auto& f : t.facilities) {
    if (f.kind == "hospital" && !f.outside_territory) hospitals.push_back(f.id);  // outside ones are not editable
  }
  REQUIRE(hospitals.size() >= 5);
  REQUIRE(std::find(hospitals.begin(), hospitals.end(), "FINESS-420785354") != hospitals.end());
  for (const auto& id : hospitals) {
    planner::Scenario s;
    s.name = "fermeture " + id;
    planner::ScenarioEdit edit;
    edit.op = "close";
    edit.facilities = {id};
    s.edits.push_back(edit);
    const auto e = planner::evaluate(engine, s, p);
    std::size_t decreased = 0;
    for (const auto& name : base.targets) {
      const std::size_t b = target(base, name), a = target(e, name);
      for (std::size_t u = 0; u < t.units.size(); ++u) decreased += e.nearest_time[a][u] < base.nearest_time[b][u];
    }
    INFO("closing " << id);
    CHECK(decreased == 0);
    if (id == "FINESS-420785354") {
      // The busiest urgent-care site of the baseline: closing it lengthens some urgent-care times.
      const std::size_t b = target(base, "urgent_care"), a = target(e, "urgent_care");
      std::size_t increased = 0;
      for (std::size_t u = 0; u < t.units.size(); ++u) increased += e.nearest_time[a][u] > base.nearest_time[b][u];
      CHECK(increased > 0);
    }
    // Hospitals are not the E2SFCA supply: the GP accessibility is untouched.
    std::size_t e2_changed = 0;
    for (std::size_t u = 0; u < t.units.size(); ++u) {
      const double x = base.e2sfca_per_100k[u], y = e.e2sfca_per_100k[u];
      e2_changed += std::isnan(x) != std::isnan(y) || (!std::isnan(x) && x != y);
    }
    CHECK(e2_changed == 0);
  }
  CHECK(engine.searches_run() == searches);
}

TEST_CASE("Loire: opening a GP site never increases a GP time nor decreases accessibility", "[evaluation][real]") {
  const auto t = import_loire();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto base = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const std::size_t searches = engine.searches_run();
  const auto s = scenario_of(
      R"json({"op": "open", "id": "CDS-TEST", "kind": "gp_point", "name": "Centre de santé (test)", "capacity": 3,
              "at": {"lon": 4.3697, "lat": 45.4036}})json");
  const auto e = planner::evaluate(engine, s, p);
  CHECK(engine.searches_run() == searches + 1);
  const std::size_t b = target(base, "gp_point"), a = target(e, "gp_point");
  std::size_t increased = 0, e2_decreased = 0;
  for (std::size_t u = 0; u < t.units.size(); ++u) {
    increased += e.nearest_time[a][u] > base.nearest_time[b][u];
    const double x = base.e2sfca_per_100k[u], y = e.e2sfca_per_100k[u];
    // Existing ratios are unchanged and the new site adds R W >= 0.
    if (!std::isnan(x)) e2_decreased += y < x * (1 - 1e-12);
  }
  CHECK(increased == 0);
  CHECK(e2_decreased == 0);
  // The new site is the last facility, open, with its capacity.
  REQUIRE(e.facilities.size() == t.facilities.size() + 1);
  CHECK(e.facilities.back().id == "CDS-TEST");
  CHECK(e.facilities.back().capacity == 3);
  CHECK(e.facilities.back().snap.result.ok());
}

TEST_CASE("Loire: evaluation outputs read back with GDAL", "[evaluation][real]") {
  const auto t = import_loire();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto scenario =
      planner::Scenario::load(test::source_file("datasets/scenarios/loire-fermeture-urgences-nord.json"));
  const auto before = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const auto after = planner::evaluate(engine, scenario, p);
  test::TempDir dir("evaluation");
  // Written once, read back file by file (no SECTION: one import, one write).
  planner::write_evaluation(engine, scenario, p, before, after, dir.path().string());

  {  // units
    geo::ReadOptions o;
    o.fields = {"code_iris", "code_commune"};
    const auto d = geo::read_layer(dir.file("unites.geojson"), o);
    CHECK(d.features.size() == 328);
    for (const auto& f : d.features) {
      CHECK(f.values[0].size() == 9);
      CHECK(f.values[0].substr(0, 5) == f.values[1]);
      CHECK(f.geometry);
    }
  }
  {  // facilities: the closed site is marked
    geo::ReadOptions o;
    o.fields = {"id", "etat_avant", "etat_apres"};
    const auto d = geo::read_layer(dir.file("etablissements.geojson"), o);
    CHECK(d.features.size() == t.facilities.size());
    bool found = false;
    for (const auto& f : d.features) {
      if (f.values[0] != "FINESS-420785354") continue;
      found = true;
      CHECK(f.values[1] == "ouvert");
      CHECK(f.values[2] == "fermé");
    }
    CHECK(found);
  }
  {  // catchments partition the population per situation and kind
    geo::ReadOptions o;
    o.fields = {"situation", "type", "population"};
    const auto d = geo::read_layer(dir.file("bassins.geojson"), o);
    REQUIRE_FALSE(d.features.empty());
    std::map<std::pair<std::string, std::string>, double> sums;
    for (const auto& f : d.features) sums[{f.values[0], f.values[1]}] += std::stod(f.values[2]);
    // Before and after, for each kind (gp_point, hospital, regime_site): every unit in exactly one catchment.
    CHECK(sums.size() == 6);
    for (const auto& [key, pop] : sums) {
      INFO(key.first << " " << key.second);
      CHECK(pop == Approx(676425).epsilon(1e-9));
    }
  }
  {  // isochrones: 10, 20, 30 min before and after
    geo::ReadOptions o;
    o.fields = {"situation", "minutes"};
    const auto d = geo::read_layer(dir.file("isochrones.geojson"), o);
    REQUIRE(d.features.size() == 6);
    std::multiset<std::pair<std::string, double>> got;
    for (const auto& f : d.features) got.insert({f.values[0], std::stod(f.values[1])});
    CHECK(got == std::multiset<std::pair<std::string, double>>{
                     {"avant", 10}, {"avant", 20}, {"avant", 30}, {"après", 10}, {"après", 20}, {"après", 30}});
  }
  {  // GeoPackage layers
    const auto layers = geo::list_layers(dir.file("evaluation.gpkg"));
    std::map<std::string, std::int64_t> count;
    for (const auto& l : layers) count[l.name] = l.feature_count;
    CHECK(count.size() == 5);  // and the QGIS layer_styles table
    CHECK(count["layer_styles"] == 3);
    CHECK(count["unites"] == 328);
    CHECK(count["etablissements"] == static_cast<std::int64_t>(t.facilities.size()));
    CHECK(count["bassins"] > 0);
    CHECK(count["isochrones"] == 6);
    for (const auto& l : layers) {
      if (l.name != "layer_styles") CHECK(l.crs == "EPSG:2154");  // an attribute table has none
    }
  }
  {  // unites.csv keeps leading zeros
    geo::ReadOptions o;
    o.fields = {"code_iris", "code_commune"};
    o.read_geometry = false;
    const auto d = geo::read_layer(dir.file("unites.csv"), o);
    CHECK(d.features.size() == 328);
    bool ardeche = false;
    for (const auto& f : d.features) {
      CHECK(f.values[0].size() == 9);
      if (f.values[0].rfind("07041", 0) == 0) {
        ardeche = true;
        CHECK(f.values[1] == "07041");
      }
    }
    CHECK(ardeche);
  }
  {  // summary.json and rapport.md
    std::ifstream in(dir.file("summary.json"));
    const auto j = nlohmann::json::parse(in);
    const auto& uc = j.at("targets").at("urgent_care");
    CHECK(uc.at("after").at("population_beyond_30_min").get<double>() >
          uc.at("before").at("population_beyond_30_min").get<double>());
    CHECK(j.at("population").get<double>() == Approx(676425).margin(1e-6));
    CHECK(j.at("time_model") == "road");
    std::ifstream r(dir.file("rapport.md"));
    std::stringstream ss;
    ss << r.rdbuf();
    CHECK_THAT(ss.str(), Contains("Fermeture"));
  }
}

// [SECTION] edge effects --------------------------------------------------------

TEST_CASE("A site across the territory boundary serves it, one too far is left out", "[evaluation][edge]") {
  // Road 0..20 km at 60 km/h (1 km = 1 min). The territory is the commune [8, 18] km; units at 9 and 17 km.
  // IN (urgent care, inside) at 10 km; NEAR (urgent care, outside) at 19 km; FAR (outside) at 0 km.
  auto t = test::tiny_territory({{9, 100}, {17, 200}},
                                {{"IN", "hospital", 10, -1, {{"urgent_care", true}}},
                                 {"NEAR", "hospital", 19, -1, {{"urgent_care", true}}},
                                 {"FAR", "hospital", 0, -1, {{"urgent_care", true}}}});
  t.communes[0].geometry = geo::Geometry::from_wkt(test::square_wkt(13000, 0, 5000));
  for (auto& f : t.facilities) {
    if (f.id != "IN") {
      f.outside_territory = true;
      f.commune_code.clear();
    }
  }
  // Limit 5 min: NEAR is 2 min from the unit at 17 km; FAR is 9 min from the unit at 9 km.
  planner::ImportReport report;
  planner::select_outside_facilities(t, 5, report);
  REQUIRE(t.facilities.size() == 2);
  CHECK(t.facilities[0].id == "IN");
  CHECK(t.facilities[1].id == "NEAR");
  CHECK(report.facilities_outside_kept == 1);
  CHECK(report.facilities_outside_dropped == 1);
  bool said = false;
  for (const auto& a : t.assumptions) said |= a.find("hors territoire") != std::string::npos;
  CHECK(said);

  // The unit at 17 km reaches NEAR in 2 min (IN would take 7 min).
  planner::AccessEngine engine(t, 60);
  const auto e = planner::evaluate(engine, planner::Scenario::baseline(), planner::EvalParams{});
  const auto uc = static_cast<std::size_t>(e.target_index("urgent_care"));
  CHECK(e.nearest_time[uc] == Times{min_ds(1), min_ds(2)});
  CHECK(e.nearest_facility[uc] == Indices{0, 1});

  // A scenario may not edit the outside site unless it says so.
  const auto close_near = planner::Scenario::parse(
      R"({"format": "recompose-scenario/1", "name": "x", "edits": [{"op": "close", "facility": "NEAR"}]})", "s.json");
  CHECK_THROWS_WITH(planner::evaluate(engine, close_near, planner::EvalParams{}),
                    Catch::Contains("NEAR") && Catch::Contains("outside the territory"));
  const auto forced = planner::Scenario::parse(
      R"({"format": "recompose-scenario/1", "name": "x", "edits": [{"op": "close", "facility": "NEAR", "allow_outside": true}]})",
      "s.json");
  const auto f = planner::evaluate(engine, forced, planner::EvalParams{});
  CHECK(f.nearest_time[uc] == Times{min_ds(1), min_ds(7)});
}

// [SECTION] incremental re-evaluation ------------------------------------------------

namespace {

// The nearest facilities and E2SFCA of a scenario by their definitions, from the
// columns alone: per target the k smallest (time, facility index) pairs among the open
// facilities of that kind or flag reaching the unit; E2SFCA = for every open facility
// of the supply kind with a known capacity, ratio = capacity / (population x step
// weight summed over its column), then per unit the sum over those facilities, in
// facility order, of ratio x step weight x 100,000 (NaN off the network or without
// any supply).
struct FromScratch {
  std::vector<std::vector<std::int32_t>> k_nearest;  // [target][unit * k + j]
  std::vector<std::vector<geo::Deciseconds>> k_time;
  std::vector<double> e2sfca;
};

FromScratch from_scratch(planner::AccessEngine& engine, const planner::Evaluation& e, const planner::EvalParams& p) {
  const auto& t = engine.territory();
  const std::size_t nu = t.units.size(), k = static_cast<std::size_t>(e.k);
  auto weight = [&](geo::Deciseconds ds) {
    const double m = static_cast<double>(ds) / 600.0;
    for (const auto& s : p.e2sfca_steps) {
      if (m <= s.up_to_min) return s.weight;
    }
    return 0.0;
  };
  std::vector<const planner::AccessColumn*> col;
  for (const auto& f : e.facilities) {
    col.push_back(f.base_index >= 0 && !f.is_new_site ? &engine.base_column(static_cast<std::size_t>(f.base_index))
                                                       : &engine.site_column(f.point, f.snap.result));
  }
  FromScratch r;
  for (const auto& target : e.targets) {
    std::vector<std::vector<std::pair<geo::Deciseconds, std::int32_t>>> reach(nu);
    for (std::size_t fi = 0; fi < e.facilities.size(); ++fi) {
      const auto& f = e.facilities[fi];
      const auto flag = f.flags.find(target);
      if (!f.open || (f.kind != target && (flag == f.flags.end() || !flag->second))) continue;
      for (const auto& a : *col[fi]) reach[a.unit].emplace_back(a.time_ds, static_cast<std::int32_t>(fi));
    }
    std::vector<std::int32_t> ids(nu * k, -1);
    std::vector<geo::Deciseconds> times(nu * k, planner::kNoAccess);
    for (std::size_t u = 0; u < nu; ++u) {
      std::sort(reach[u].begin(), reach[u].end());
      for (std::size_t j = 0; j < k && j < reach[u].size(); ++j) {
        times[u * k + j] = reach[u][j].first;
        ids[u * k + j] = reach[u][j].second;
      }
    }
    r.k_nearest.push_back(ids);
    r.k_time.push_back(times);
  }
  r.e2sfca.assign(nu, std::nan(""));
  std::vector<double> ratio(e.facilities.size(), 0.0);
  bool supply = false;
  for (std::size_t fi = 0; fi < e.facilities.size(); ++fi) {
    const auto& f = e.facilities[fi];
    if (!f.open || f.kind != p.e2sfca_kind || f.capacity < 0) continue;
    supply = true;
    double demand = 0;
    for (const auto& a : *col[fi]) demand += t.units[a.unit].population * weight(a.time_ds);
    ratio[fi] = demand > 0 ? f.capacity / demand : 0.0;
  }
  if (supply) {
    std::fill(r.e2sfca.begin(), r.e2sfca.end(), 0.0);
    for (std::size_t fi = 0; fi < e.facilities.size(); ++fi) {
      if (ratio[fi] <= 0) continue;
      for (const auto& a : *col[fi]) r.e2sfca[a.unit] += ratio[fi] * weight(a.time_ds) * 100000.0;
    }
    for (std::size_t u = 0; u < nu; ++u) {
      if (!t.units[u].snap.result.ok()) r.e2sfca[u] = std::nan("");
    }
  }
  return r;
}

// Every nearest and E2SFCA figure of `e` equals the definitions, bit for bit.
void check_from_scratch(planner::AccessEngine& engine, const planner::Evaluation& e, const planner::EvalParams& p) {
  const FromScratch r = from_scratch(engine, e, p);
  const std::size_t nu = engine.territory().units.size(), k = static_cast<std::size_t>(e.k);
  REQUIRE(e.k_nearest.size() == r.k_nearest.size());
  for (std::size_t ti = 0; ti < e.targets.size(); ++ti) {
    INFO("target " << e.targets[ti]);
    std::size_t wrong = 0;
    for (std::size_t u = 0; u < nu; ++u) {
      wrong += e.nearest_time[ti][u] != r.k_time[ti][u * k] || e.nearest_facility[ti][u] != r.k_nearest[ti][u * k];
    }
    CHECK(e.k_nearest[ti] == r.k_nearest[ti]);
    CHECK(wrong == 0);
  }
  std::size_t differ = 0;
  for (std::size_t u = 0; u < nu; ++u) {
    const double a = e.e2sfca_per_100k[u], b = r.e2sfca[u];
    differ += std::isnan(a) != std::isnan(b) || (!std::isnan(a) && a != b);
  }
  CHECK(differ == 0);
}

}  // namespace

TEST_CASE("Loire: every edit re-evaluated from the baseline equals the definitions, bit for bit", "[evaluation][real]") {
  const auto t = import_loire();
  std::vector<std::string> hospitals, urgent, gps;
  for (const auto& f : t.facilities) {
    if (f.outside_territory) continue;
    if (f.kind == "hospital") hospitals.push_back(f.id);
    if (f.kind == "hospital" && f.flags.count("urgent_care") && f.flags.at("urgent_care")) urgent.push_back(f.id);
    if (f.kind == "gp_point") gps.push_back(f.id);
  }
  REQUIRE(urgent.size() >= 3);
  REQUIRE(gps.size() >= 10);
  // Saint-Étienne centre and two points of the basin (Lambert-93).
  const std::string here = R"({"x_l93": 808000, "y_l93": 6482000})", there = R"({"x_l93": 800500, "y_l93": 6490500})";
  const std::vector<std::pair<std::string, std::string>> scenarios = {
      {"close an urgent-care hospital", R"({"op": "close", "facility": ")" + urgent[0] + "\"}"},
      {"close two GP sites", R"({"op": "close", "facility": ")" + gps[0] + R"("}, {"op": "close", "facility": ")" +
                                 gps[1] + "\"}"},
      {"merge three GP sites into one", R"({"op": "merge", "facilities": [")" + gps[2] + "\", \"" + gps[3] + "\", \"" +
                                            gps[4] + R"("], "into": ")" + gps[2] + "\"}"},
      {"merge two GP sites on a new site", R"({"op": "merge", "facilities": [")" + gps[5] + "\", \"" + gps[6] +
                                               R"("], "id": "NEW-M", "name": "Maison de santé", "at": )" + here + "}"},
      {"relocate a GP site", R"({"op": "relocate", "facility": ")" + gps[7] + R"(", "to": )" + there + "}"},
      {"relocate an urgent-care hospital", R"({"op": "relocate", "facility": ")" + urgent[1] + R"(", "to": )" + here +
                                               "}"},
      {"open a GP site", R"({"op": "open", "id": "NEW-G", "kind": "gp_point", "capacity": 4, "at": )" + here + "}"},
      {"raise a capacity", R"({"op": "set_capacity", "facility": ")" + gps[8] + R"(", "capacity": 9})"},
      {"open a kind the baseline has not", R"({"op": "open", "id": "NEW-K", "kind": "maternity", "capacity": 1, )"
                                           R"("flags": ["night_care"], "at": )" + there + "}"},
      {"everything at once",
       R"({"op": "close", "facility": ")" + urgent[2] + R"("}, {"op": "close", "facility": ")" + gps[0] +
           R"("}, {"op": "merge", "facilities": [")" + gps[2] + "\", \"" + gps[3] + R"("], "into": ")" + gps[3] +
           R"("}, {"op": "relocate", "facility": ")" + gps[7] + R"(", "to": )" + here +
           R"(}, {"op": "open", "id": "NEW-H", "kind": "hospital", "capacity": 10, "flags": ["urgent_care"], "at": )" +
           there + R"(}, {"op": "set_capacity", "facility": ")" + gps[9] + R"(", "capacity": 0})"},
  };
  const planner::EvalParams p;
  planner::AccessEngine engine(t, 60);
  const auto base = planner::evaluate(engine, planner::Scenario::baseline(), p);
  check_from_scratch(engine, base, p);
  for (const auto& [what, edits] : scenarios) {
    INFO(what);
    const auto e = planner::evaluate(engine, scenario_of(edits), p);
    check_from_scratch(engine, e, p);
    // The same scenario on a fresh engine (its memo built for it) gives the same figures.
    planner::AccessEngine fresh(t, 60);
    const auto again = planner::evaluate(fresh, scenario_of(edits), p);
    CHECK(again.k_nearest == e.k_nearest);
    CHECK(again.served_population == e.served_population);
  }
  // Other parameters (k, steps): the memo is rebuilt for them, the figures still equal the definitions.
  planner::EvalParams q;
  q.k_nearest = 5;
  q.e2sfca_steps = {{5, 1.0}, {30, 0.5}};
  const auto e = planner::evaluate(engine, scenario_of(scenarios.back().second), q);
  CHECK(e.k == 5);
  check_from_scratch(engine, e, q);
}
