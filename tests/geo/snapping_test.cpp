#include "geo/snapping.hpp"

#include <catch2/catch.hpp>

#include "hand_graphs.hpp"

using namespace recompose;
using recompose::test::build;
using recompose::test::node_at;
using recompose::test::way;

// Access at 36 km/h in these tests, so 10 m of access = 1 s = 10 ds.
TEST_CASE("A point is projected onto the nearest road segment", "[snapping]") {
  const auto g = build({way({{0, 0}, {1000, 0}})});
  geo::Snapper snapper(g, 1000.0, 36.0);
  const auto s = snapper.snap({300, 50});
  REQUIRE(s.ok());
  CHECK(s.distance_m == Approx(50.0));
  CHECK(s.snapped.x_m == Approx(300.0));
  CHECK(s.snapped.y_m == Approx(0.0).margin(1e-9));
  CHECK(s.fraction == Approx(0.3));
  CHECK(s.access_ds == 50);
  // Leaving the point: 700 m to (1000,0), 300 m back to (0,0), plus the access leg.
  const auto seeds = snapper.departure_seeds(s);
  REQUIRE(seeds.size() == 2);
  for (const auto& seed : seeds) {
    if (seed.node == node_at(g, 1000, 0)) CHECK(seed.offset_ds == 700 + 50);
    if (seed.node == node_at(g, 0, 0)) CHECK(seed.offset_ds == 300 + 50);
  }
}

TEST_CASE("Snapping follows the polyline, not the straight chord", "[snapping]") {
  const auto g = build({way({{0, 0}, {0, 500}, {500, 500}})});  // an L-shaped road of 1000 m
  geo::Snapper snapper(g, 1000.0, 36.0);
  const auto s = snapper.snap({250, 520});
  REQUIRE(s.ok());
  CHECK(s.distance_m == Approx(20.0));
  CHECK(s.fraction == Approx(0.75));
}

TEST_CASE("A point beyond the limit is reported, never routed", "[snapping]") {
  const auto g = build({way({{0, 0}, {1000, 0}})});
  geo::Snapper snapper(g, 1000.0, 36.0);
  const auto s = snapper.snap({500, 2500});
  CHECK(s.status == geo::SnapStatus::TooFar);
  CHECK_FALSE(s.ok());
  CHECK(s.distance_m == Approx(2500.0));
  CHECK(snapper.departure_seeds(s).empty());
}

TEST_CASE("A point nearest to an isolated road snaps to the main network and says so", "[snapping]") {
  const auto g = build({way({{0, 0}, {1000, 0}}), way({{1000, 0}, {2000, 0}}),  // main
                        way({{0, 300}, {100, 300}})});                          // isolated
  geo::Snapper snapper(g, 1000.0, 36.0);
  const auto s = snapper.snap({50, 290});
  REQUIRE(s.ok());
  CHECK(s.nearest_is_isolated);
  CHECK(s.nearest_isolated_distance_m == Approx(10.0));
  CHECK(s.distance_m == Approx(290.0));
  CHECK(g.in_main_component(g.segment_from[s.segment]));
}

TEST_CASE("Times to a snapped point include the part of its segment and the access leg", "[snapping]") {
  // Route from A(0,0) to a point beside the middle of B-C, C = (2000, 0).
  const auto g = build({way({{0, 0}, {1000, 0}}), way({{1000, 0}, {2000, 0}})});
  geo::Snapper snapper(g, 1000.0, 36.0);
  const auto dest = snapper.snap({1500, 100});
  geo::DijkstraWorkspace ws(g.node_count());
  geo::run_dijkstra(g, geo::Direction::Forward, node_at(g, 0, 0), geo::kUnreachable, ws);
  // 1000 m to B, 500 m along B-C, 100 m of access at 10 m/s.
  CHECK(snapper.time_at(dest, ws, geo::Direction::Forward) == 1000 + 500 + 100);
  // And back: reverse search from A gives times to A.
  geo::run_dijkstra(g, geo::Direction::Reverse, node_at(g, 0, 0), geo::kUnreachable, ws);
  CHECK(snapper.time_at(dest, ws, geo::Direction::Reverse) == 1600);
}

TEST_CASE("On a one-way segment a snapped point is left only forwards", "[snapping]") {
  const auto g = build({way({{0, 0}, {1000, 0}}, geo::Oneway::Forward)});
  geo::Snapper snapper(g, 1000.0, 36.0);
  const auto s = snapper.snap({400, 0});
  const auto seeds = snapper.departure_seeds(s);
  REQUIRE(seeds.size() == 1);
  CHECK(seeds[0].node == node_at(g, 1000, 0));
  CHECK(seeds[0].offset_ds == 600);
  const auto arrive = snapper.arrival_seeds(s);
  REQUIRE(arrive.size() == 1);
  CHECK(arrive[0].node == node_at(g, 0, 0));
  CHECK(arrive[0].offset_ds == 400);
}

TEST_CASE("Two points on the same segment are timed along it, in the allowed direction", "[snapping]") {
  // One 1000 m segment at 36 km/h (10 m/s): from x=200 to x=700 is 500 m = 500 ds, plus the
  // access legs (10 m and 20 m at 10 m/s = 10 and 20 ds).
  SECTION("two-way") {
    const auto g = build({way({{0, 0}, {1000, 0}})});
    geo::Snapper snapper(g, 1000.0, 36.0);
    const auto a = snapper.snap({200, 10}), b = snapper.snap({700, -20});
    CHECK(geo::same_segment_time(g, a, b) == 500 + 10 + 20);
    CHECK(geo::same_segment_time(g, b, a) == 500 + 10 + 20);
  }
  SECTION("one-way: only forwards") {
    const auto g = build({way({{0, 0}, {1000, 0}}, geo::Oneway::Forward)});
    geo::Snapper snapper(g, 1000.0, 36.0);
    const auto a = snapper.snap({200, 0}), b = snapper.snap({700, 0});
    CHECK(geo::same_segment_time(g, a, b) == 500);
    CHECK(geo::same_segment_time(g, b, a) == geo::kUnreachable);
  }
  SECTION("different segments") {
    const auto g = build({way({{0, 0}, {1000, 0}}), way({{1000, 0}, {2000, 0}})});
    geo::Snapper snapper(g, 1000.0, 36.0);
    CHECK(geo::same_segment_time(g, snapper.snap({200, 0}), snapper.snap({1500, 0})) == geo::kUnreachable);
  }
}

TEST_CASE("A point beside a motorway joins the nearest road it can enter from", "[snapping]") {
  // A motorway along y = 0 and a local road along y = 300 (36 km/h: 10 m = 10 ds).
  geo::GraphBuilder b({"road", "motorway"});
  auto w = way({{0, 0}, {1000, 0}});
  w.road_class = 1;
  b.add_way(w);
  b.add_way(way({{0, 300}, {1000, 300}}));
  b.add_way(way({{0, 0}, {0, 300}}));  // a ramp at x = 0 joins them
  const auto g = b.build();
  SECTION("without the rule, the motorway 20 m away is taken") {
    const geo::Snapper snapper(g, 1000.0, 36.0);
    const auto s = snapper.snap({400, 20});
    REQUIRE(s.ok());
    CHECK(s.distance_m == Approx(20.0));
    CHECK(g.class_names[g.segment_class[s.segment]] == "motorway");
  }
  SECTION("with motorway in no_roadside_access, the local road 280 m away is taken") {
    const geo::Snapper snapper(g, 1000.0, 36.0, {"motorway"});
    const auto s = snapper.snap({400, 20});
    REQUIRE(s.ok());
    CHECK(s.distance_m == Approx(280.0));
    CHECK(s.snapped.y_m == Approx(300.0));
    CHECK(g.class_names[g.segment_class[s.segment]] == "road");
    CHECK(s.access_ds == 280);
  }
  SECTION("with no road it can enter within the limit, the point is off the network") {
    const geo::Snapper snapper(g, 200.0, 36.0, {"motorway"});
    const auto s = snapper.snap({400, 20});
    CHECK(s.status == geo::SnapStatus::TooFar);
  }
}
