#include <catch2/catch.hpp>

#include <random>

#include "planner/cartography/labels.hpp"

using namespace recompose::planner::cartography;

TEST_CASE("labels: a lone label goes to the upper right of its anchor", "[labels]") {
  const std::vector<LabelCandidate> c{{"Lens", 100, 100, 30, 10, 1, 3}};
  const auto placed = place_labels(c, {0, 0, 400, 400});
  REQUIRE(placed.size() == 1);
  CHECK(placed[0].position == LabelPosition::UpperRight);
  // Clear of the marker (radius 3) and of the anchor: right of x + 3, above y - 3.
  CHECK(placed[0].box.x0 > 103);
  CHECK(placed[0].box.y1 < 97);
  CHECK(placed[0].box.width() == Approx(30));
  CHECK(placed[0].box.height() == Approx(10));
}

TEST_CASE("labels: the second label of two close anchors moves, a third that cannot fit is dropped", "[labels]") {
  // Two anchors 2 units apart: the first (higher priority) takes the upper right;
  // the second cannot overlap it and goes elsewhere.
  const std::vector<LabelCandidate> c{{"Petite", 102, 100, 40, 10, 1}, {"Grande", 100, 100, 40, 10, 5}};
  const auto placed = place_labels(c, {0, 0, 400, 400}, {}, LabelOptions{2, false});
  REQUIRE(placed.size() == 2);
  CHECK(placed[0].candidate == 1);  // the higher priority first
  CHECK(placed[0].position == LabelPosition::UpperRight);
  CHECK_FALSE(placed[0].box.overlaps(placed[1].box));
  // A frame that only has room for one label: the lower priority is dropped.
  const auto tight = place_labels(c, {55, 40, 160, 100}, {}, LabelOptions{2, false});
  REQUIRE(tight.size() == 1);
  CHECK(tight[0].candidate == 1);
}

TEST_CASE("labels: obstacles, frame and markers are respected", "[labels]") {
  // The upper right is covered by an obstacle: the label goes to the right.
  const std::vector<LabelCandidate> c{{"A", 100, 100, 20, 10, 1, 2}};
  const auto placed = place_labels(c, {0, 0, 400, 400}, {{100, 60, 200, 97}});
  REQUIRE(placed.size() == 1);
  CHECK(placed[0].position != LabelPosition::UpperRight);
  // Near the right edge of the frame: a left position.
  const std::vector<LabelCandidate> edge{{"B", 395, 200, 30, 10, 1}};
  const auto p2 = place_labels(edge, {0, 0, 400, 400});
  REQUIRE(p2.size() == 1);
  CHECK(p2[0].box.x1 <= 400);
  CHECK(p2[0].box.x1 <= 395);
  // Empty text and non-finite anchors are dropped.
  const std::vector<LabelCandidate> bad{{"", 10, 10, 5, 5, 1}, {"x", std::nan(""), 10, 5, 5, 1}};
  CHECK(place_labels(bad, {0, 0, 100, 100}).empty());
  // A label never covers another candidate's marker.
  const std::vector<LabelCandidate> m{{"Long nom de commune", 100, 100, 80, 10, 9, 3}, {"", 130, 92, 1, 1, 0, 4}};
  const auto p3 = place_labels(m, {0, 0, 400, 400});
  REQUIRE(p3.size() == 1);
  const Box marker{126, 88, 134, 96};
  CHECK_FALSE(p3[0].box.overlaps(marker));
}

TEST_CASE("labels: no two labels overlap on a dense synthetic map", "[labels]") {
  // 3,000 anchors on a 600 x 400 frame (far more than fit): every pair of placed boxes
  // is checked by brute force, independently of the placer's grid.
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> x(0, 600), y(0, 400), w(10, 70), pr(0, 1000);
  std::vector<LabelCandidate> c;
  for (int i = 0; i < 3000; ++i) c.emplace_back("L" + std::to_string(i), x(rng), y(rng), w(rng), 9, pr(rng), 0);
  const Box frame{0, 0, 600, 400};
  const auto placed = place_labels(c, frame);
  CHECK(placed.size() > 50);
  CHECK(placed.size() < 3000);
  for (std::size_t i = 0; i < placed.size(); ++i) {
    CHECK(placed[i].box.inside(frame));
    for (std::size_t j = i + 1; j < placed.size(); ++j) {
      REQUIRE_FALSE(placed[i].box.overlaps(placed[j].box));
    }
  }
  // Thinning keeps the most important: the highest-priority candidate is always placed.
  std::size_t best = 0;
  for (std::size_t i = 1; i < c.size(); ++i) {
    if (c[i].priority > c[best].priority) best = i;
  }
  CHECK(placed.front().candidate == best);
}
