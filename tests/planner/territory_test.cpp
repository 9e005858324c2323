// The territory model's own functions (territory.hpp), on communes drawn by hand.
#include <catch2/catch.hpp>

#include "planner/territory.hpp"

using namespace recompose;

namespace {

planner::Commune commune(const std::string& code, const std::string& wkt) {
  planner::Commune c;
  c.code = code;
  if (!wkt.empty()) c.geometry = geo::Geometry::from_wkt(wkt);
  return c;
}

}  // namespace

TEST_CASE("The communes' envelope covers every commune polygon and skips communes without one", "[territory]") {
  planner::Territory t;
  SECTION("no commune, or none with a polygon: no envelope") {
    CHECK_FALSE(planner::communes_envelope(t).has_value());
    t.communes.push_back(commune("62001", ""));
    CHECK_FALSE(planner::communes_envelope(t).has_value());
  }
  SECTION("two squares and a commune without a polygon") {
    t.communes.push_back(commune("62001", "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))"));
    t.communes.push_back(commune("62002", ""));
    t.communes.push_back(commune("62003", "POLYGON((20 -5, 30 -5, 30 5, 20 5, 20 -5))"));
    const auto e = planner::communes_envelope(t);
    REQUIRE(e.has_value());
    CHECK(e->min_x == 0);
    CHECK(e->min_y == -5);
    CHECK(e->max_x == 30);
    CHECK(e->max_y == 10);
  }
  SECTION("one commune: its own bounding box") {
    t.communes.push_back(commune("62001", "POLYGON((100 200, 400 250, 150 600, 100 200))"));
    const auto e = planner::communes_envelope(t);
    REQUIRE(e.has_value());
    CHECK(e->min_x == 100);
    CHECK(e->min_y == 200);
    CHECK(e->max_x == 400);
    CHECK(e->max_y == 600);
  }
}
