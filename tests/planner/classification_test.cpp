#include "planner/classification.hpp"

#include <catch2/catch.hpp>
#include <cmath>

using namespace recompose::planner;

TEST_CASE("Quantile breaks split the values into equal counts", "[classification]") {
  const std::vector<double> v{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, std::nan("")};
  const auto b = class_breaks(v, 5, ClassMethod::Quantiles);
  CHECK(b == std::vector<double>{2, 4, 6, 8, 10});
  CHECK(class_of(1, b) == 0);
  CHECK(class_of(2.5, b) == 1);
  CHECK(class_of(10, b) == 4);
  CHECK(class_of(std::nan(""), b) == -1);  // no data is its own state
}

TEST_CASE("Equal intervals divide the range", "[classification]") {
  const auto b = class_breaks({0, 10, 20, 100}, 4, ClassMethod::EqualIntervals);
  CHECK(b == std::vector<double>{25, 50, 75, 100});
}

TEST_CASE("Natural breaks find the obvious groups", "[classification]") {
  // Three well separated groups: the optimal 3-class partition is exactly them.
  const auto b = class_breaks({1, 2, 3, 20, 21, 22, 50, 51, 52}, 3, ClassMethod::NaturalBreaks);
  CHECK(b == std::vector<double>{3, 22, 52});
}

TEST_CASE("Fewer distinct values than classes give fewer classes", "[classification]") {
  CHECK(class_breaks({4, 4, 4}, 5, ClassMethod::Quantiles) == std::vector<double>{4});
  CHECK(class_breaks({std::nan("")}, 5, ClassMethod::Quantiles).empty());
}

TEST_CASE("The viridis palette runs from dark purple to yellow", "[classification]") {
  const auto p = viridis(5);
  REQUIRE(p.size() == 5);
  CHECK(p[0] == Rgba{68, 1, 84, 255});
  CHECK(p[2] == Rgba{33, 145, 140, 255});
  CHECK(p[4] == Rgba{253, 231, 37, 255});
}
