#include <catch2/catch.hpp>

#include "planner/cartography/unit_indicators.hpp"
#include "planner/classification.hpp"

using namespace recompose::planner;

TEST_CASE("diverging classes: symmetric around a neutral class, both signs always present", "[classes]") {
  // |v| beyond 0: 1, 2, 3, 4 (twice each sign) -> per_side 2: medians of magnitudes 2 and 4.
  const std::vector<double> v{-4, -3, -2, -1, 0, 0, 1, 2, 3, 4, NAN};
  const auto d = diverging_breaks(v, 2, 0);
  REQUIRE(d.breaks.size() == 5);
  CHECK(d.neutral == 2);
  CHECK(d.breaks[0] == Approx(-2));
  CHECK(d.breaks[2] == Approx(0));
  CHECK(d.breaks[3] == Approx(2));
  CHECK(d.breaks[4] == Approx(4));
  CHECK(class_of(-4, d.breaks) == 0);
  CHECK(class_of(-1, d.breaks) == 1);
  CHECK(class_of(0, d.breaks) == 2);
  CHECK(class_of(1.5, d.breaks) == 3);
  CHECK(class_of(4, d.breaks) == 4);
  // Only increases in the data: the negative classes still exist (a legend shows both).
  const auto up = diverging_breaks({0, 1, 5, 9}, 3, 0);
  CHECK(up.breaks.size() == 7);
  CHECK(up.breaks.front() < 0);
  const auto pal = diverging_palette(3);
  REQUIRE(pal.size() == 7);
  // Blue for decreases, red for increases, grey in the middle.
  CHECK(pal[0][2] > pal[0][0]);
  CHECK(pal[6][0] > pal[6][2]);
  CHECK(pal[3][0] == pal[3][2]);
}

TEST_CASE("classify: legend labels and unit states", "[classes]") {
  cartography::UnitIndicator ind;
  ind.values = {5, 12, 20, NAN, NAN};
  ind.state = {cartography::UnitState::Value, cartography::UnitState::Value, cartography::UnitState::Value,
               cartography::UnitState::OffNetwork, cartography::UnitState::NoAccess};
  ind.decimals = 0;
  const auto c = cartography::classify(ind, ClassMethod::EqualIntervals, 3);
  // Equal intervals of 5..20: 10, 15, 20.
  REQUIRE(c.breaks.size() == 3);
  CHECK(c.labels[0] == "≤ 10");
  CHECK(c.labels[1] == "10 – 15");
  CHECK(c.labels[2] == "15 – 20");
  CHECK(c.unit_class == std::vector<int>{0, 1, 2, -1, -1});
  REQUIRE(c.states_present.size() == 2);
  CHECK(c.states_present[0] == cartography::UnitState::OffNetwork);

  cartography::UnitIndicator diff;
  diff.values = {-3, 0, 2};
  diff.state.assign(3, cartography::UnitState::Value);
  diff.difference = true;
  diff.neutral_abs = 0.05;
  const auto dc = cartography::classify(diff, ClassMethod::Quantiles, 5);
  CHECK(dc.diverging);
  REQUIRE(dc.labels.size() == 5);
  CHECK(dc.labels[static_cast<std::size_t>(dc.neutral)] == "inchangé");
  CHECK(dc.unit_class[1] == dc.neutral);
  CHECK(dc.unit_class[0] < dc.neutral);
  CHECK(dc.unit_class[2] > dc.neutral);
}
