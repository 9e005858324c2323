#include "geo/road_graph.hpp"

#include <catch2/catch.hpp>

#include "geo/error.hpp"
#include "hand_graphs.hpp"

using namespace recompose;
using recompose::test::build;
using recompose::test::node_at;
using recompose::test::way;

TEST_CASE("Ways that share a vertex are joined there into a junction", "[road_graph]") {
  // A horizontal and a vertical road crossing at (100, 0).
  const auto g = build({way({{0, 0}, {100, 0}, {200, 0}}), way({{100, -100}, {100, 0}, {100, 100}})});
  CHECK(g.node_count() == 5);
  CHECK(g.segment_count() == 4);
  CHECK(g.arc_count() == 8);
  const geo::NodeId centre = node_at(g, 100, 0);
  REQUIRE(centre != geo::kInvalidNode);
  CHECK(g.first_out[centre + 1] - g.first_out[centre] == 4);
  for (geo::ArcId a = 0; a < g.arc_count(); ++a) CHECK(g.travel_time_ds[a] == 100);  // 100 m at 10 m/s
  CHECK(g.component_count() == 1);
}

TEST_CASE("Shape vertices between junctions stay in the segment polyline", "[road_graph]") {
  const auto g = build({way({{0, 0}, {30, 40}, {60, 0}})});  // two 50 m pieces
  CHECK(g.node_count() == 2);
  REQUIRE(g.segment_count() == 1);
  CHECK(g.segment_first_point[1] - g.segment_first_point[0] == 3);
  CHECK(g.segment_length_m[0] == Approx(100.0).margin(1e-3));
  CHECK(g.segment_time_forward_ds[0] == 100);
}

TEST_CASE("Lines that only cross without a shared vertex are not joined", "[road_graph]") {
  // A bridge over a road: the geometries cross at (50, 0) but share no vertex.
  const auto g = build({way({{0, 0}, {100, 0}}), way({{50, -50}, {50, 50}})});
  CHECK(g.node_count() == 4);
  CHECK(g.component_count() == 2);
}

TEST_CASE("One-way roads get a single arc in their direction", "[road_graph]") {
  SECTION("forward") {
    const auto g = build({way({{0, 0}, {100, 0}}, geo::Oneway::Forward)});
    REQUIRE(g.arc_count() == 1);
    CHECK(g.head[g.first_out[node_at(g, 0, 0)]] == node_at(g, 100, 0));
    CHECK(g.segment_time_backward_ds[0] == geo::kUnreachable);
  }
  SECTION("backward (oneway=-1)") {
    const auto g = build({way({{0, 0}, {100, 0}}, geo::Oneway::Backward)});
    REQUIRE(g.arc_count() == 1);
    CHECK(g.head[g.first_out[node_at(g, 100, 0)]] == node_at(g, 0, 0));
    CHECK(g.segment_time_forward_ds[0] == geo::kUnreachable);
  }
}

TEST_CASE("The largest weakly connected component is the main one", "[road_graph]") {
  const auto g = build({way({{0, 0}, {100, 0}, {200, 0}}), way({{200, 0}, {300, 0}}),
                        way({{5000, 5000}, {5100, 5000}})});
  CHECK(g.component_count() == 2);
  CHECK(g.component_node_count[g.main_component] == 3);  // (0,0), (200,0), (300,0); (100,0) is a shape point
  CHECK(g.in_main_component(node_at(g, 0, 0)));
  CHECK_FALSE(g.in_main_component(node_at(g, 5000, 5000)));
}

TEST_CASE("Self-loops and zero-length pieces are dropped", "[road_graph]") {
  geo::GraphBuilder b({"road"});
  b.add_way(way({{0, 0}, {100, 0}}));
  b.add_way(way({{0, 0}, {50, 50}, {0, 0}}));  // a loop closing on a node, no other junction
  geo::GraphBuildStats st;
  const auto g = b.build(&st);
  CHECK(g.segment_count() == 1);
  CHECK(st.dropped_self_loops == 1);
}

TEST_CASE("Backward arrays mirror the forward ones", "[road_graph]") {
  const auto g = build({way({{0, 0}, {100, 0}}, geo::Oneway::Forward), way({{100, 0}, {100, 300}})});
  const geo::NodeId b = node_at(g, 100, 0);
  // Into (100,0): from (0,0) [one-way] and from (100,300).
  CHECK(g.first_in[b + 1] - g.first_in[b] == 2);
  CHECK(g.first_in[node_at(g, 0, 0) + 1] - g.first_in[node_at(g, 0, 0)] == 0);
  CHECK_NOTHROW(g.validate());
}

TEST_CASE("Summary by class adds up the segment lengths", "[road_graph]") {
  geo::GraphBuilder builder({"fast", "slow"});
  auto w1 = way({{0, 0}, {1000, 0}});
  w1.road_class = 0;
  auto w2 = way({{1000, 0}, {1000, 500}}, geo::Oneway::Forward);
  w2.road_class = 1;
  builder.add_way(w1);
  builder.add_way(w2);
  const auto s = geo::summarize_by_class(builder.build());
  REQUIRE(s.size() == 2);
  CHECK(s[0].name == "fast");
  CHECK(s[0].length_km == Approx(1.0));
  CHECK(s[1].length_km == Approx(0.5));
  CHECK(s[1].oneway_segments == 1);
}
