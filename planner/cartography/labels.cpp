#include "planner/cartography/labels.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

namespace recompose::planner::cartography {

namespace {

// A uniform grid over the frame holding the boxes placed so far: each query looks at
// the cells a box covers only, so placing n labels costs O(n) on a map, not O(n²).
class BoxGrid {
 public:
  BoxGrid(const Box& frame, double cell) : x0_(frame.x0), y0_(frame.y0), cell_(std::max(cell, 1e-9)) {}

  void insert(const Box& b) {
    const auto id = boxes_.size();
    boxes_.push_back(b);
    for_cells(b, [&](long long key) { cells_[key].push_back(id); });
  }

  [[nodiscard]] bool hits(const Box& b) const {
    bool hit = false;
    for_cells(b, [&](long long key) {
      if (hit) return;
      const auto it = cells_.find(key);
      if (it == cells_.end()) return;
      for (auto id : it->second) {
        if (boxes_[id].overlaps(b)) {
          hit = true;
          return;
        }
      }
    });
    return hit;
  }

 private:
  template <class F>
  void for_cells(const Box& b, F&& f) const {
    const auto cx0 = static_cast<long long>(std::floor((b.x0 - x0_) / cell_));
    const auto cx1 = static_cast<long long>(std::floor((b.x1 - x0_) / cell_));
    const auto cy0 = static_cast<long long>(std::floor((b.y0 - y0_) / cell_));
    const auto cy1 = static_cast<long long>(std::floor((b.y1 - y0_) / cell_));
    for (auto cy = cy0; cy <= cy1; ++cy) {
      for (auto cx = cx0; cx <= cx1; ++cx) f(cy * 1'000'003LL + cx);
    }
  }

  double x0_, y0_, cell_;
  std::vector<Box> boxes_;
  std::unordered_map<long long, std::vector<std::size_t>> cells_;
};

Box box_at(const LabelCandidate& c, LabelPosition p, double gap) {
  const double w = c.width, h = c.height, x = c.anchor_x, y = c.anchor_y;
  const double d = c.marker_radius + gap;
  // Diagonal positions keep the box corner clear of the marker's square.
  const double dd = c.marker_radius + gap * 0.7071;
  switch (p) {
    case LabelPosition::UpperRight: return {x + dd, y - dd - h, x + dd + w, y - dd};
    case LabelPosition::Right: return {x + d, y - h / 2, x + d + w, y + h / 2};
    case LabelPosition::LowerRight: return {x + dd, y + dd, x + dd + w, y + dd + h};
    case LabelPosition::UpperLeft: return {x - dd - w, y - dd - h, x - dd, y - dd};
    case LabelPosition::Left: return {x - d - w, y - h / 2, x - d, y + h / 2};
    case LabelPosition::LowerLeft: return {x - dd - w, y + dd, x - dd, y + dd + h};
    case LabelPosition::Above: return {x - w / 2, y - d - h, x + w / 2, y - d};
    case LabelPosition::Below: return {x - w / 2, y + d, x + w / 2, y + d + h};
  }
  return {};
}

Box grown(const Box& b, double pad) { return {b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad}; }

}  // namespace

std::vector<PlacedLabel> place_labels(const std::vector<LabelCandidate>& candidates, const Box& frame,
                                      const std::vector<Box>& obstacles, const LabelOptions& options) {
  std::vector<std::size_t> order;
  double mean_h = 0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const auto& c = candidates[i];
    if (c.text.empty() || !std::isfinite(c.anchor_x) || !std::isfinite(c.anchor_y) || !(c.width > 0) ||
        !(c.height > 0) || !std::isfinite(c.width) || !std::isfinite(c.height)) {
      continue;
    }
    order.push_back(i);
    mean_h += c.height;
  }
  std::vector<PlacedLabel> placed;
  if (order.empty()) return placed;
  mean_h /= static_cast<double>(order.size());
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return candidates[a].priority > candidates[b].priority; });

  BoxGrid taken(frame, 4 * mean_h);
  for (const auto& o : obstacles) taken.insert(grown(o, options.padding));
  // The markers of every candidate (labelled or not: a site drawn without a label is
  // still not to be covered); a label's own marker is outside its boxes by construction.
  BoxGrid markers(frame, 4 * mean_h);
  if (options.avoid_markers) {
    for (const auto& c : candidates) {
      const double r = c.marker_radius;
      if (r > 0 && std::isfinite(c.anchor_x) && std::isfinite(c.anchor_y)) {
        markers.insert({c.anchor_x - r, c.anchor_y - r, c.anchor_x + r, c.anchor_y + r});
      }
    }
  }

  for (auto i : order) {
    const auto& c = candidates[i];
    for (int p = 0; p < 8; ++p) {
      const auto pos = static_cast<LabelPosition>(p);
      const Box b = box_at(c, pos, options.padding);
      if (!b.inside(frame)) continue;
      const Box padded = grown(b, options.padding);
      if (taken.hits(padded)) continue;
      if (options.avoid_markers && markers.hits(b)) continue;
      taken.insert(b);
      placed.push_back({i, b, pos});
      break;
    }
  }
  return placed;
}

}  // namespace recompose::planner::cartography
