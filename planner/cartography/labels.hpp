// Label placement for maps: each label is tried at eight positions around its
// anchor (Imhof's order of preference: upper right first) and kept at the first
// one that overlaps neither an already placed label nor an obstacle (the markers of
// the other anchors, a legend box) and stays inside the frame; otherwise it is
// dropped. Labels are taken by decreasing priority (population, an edited site
// first), so zooming out thins the least important ones. Used by the print maps
// (planner/cartography/map_render) and the viewer, with boxes in their own units
// (points on a page, pixels on screen; y grows downwards).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace recompose::planner::cartography {

struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // x0 <= x1, y0 <= y1

  [[nodiscard]] bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
  [[nodiscard]] bool inside(const Box& frame) const {
    return x0 >= frame.x0 && y0 >= frame.y0 && x1 <= frame.x1 && y1 <= frame.y1;
  }
  [[nodiscard]] double width() const { return x1 - x0; }
  [[nodiscard]] double height() const { return y1 - y0; }
};

struct LabelCandidate {
  LabelCandidate() = default;
  LabelCandidate(std::string text_, double x, double y, double w, double h, double priority_, double marker = 0)
      : text(std::move(text_)), anchor_x(x), anchor_y(y), width(w), height(h), priority(priority_), marker_radius(marker) {}

  std::string text;
  double anchor_x = 0, anchor_y = 0;  // the labelled point
  double width = 0, height = 0;       // the text box, measured by the caller
  double priority = 0;                // higher placed first
  double marker_radius = 0;           // the symbol drawn at the anchor: the box keeps clear of it
};

enum class LabelPosition { UpperRight, Right, LowerRight, UpperLeft, Left, LowerLeft, Above, Below };

struct PlacedLabel {
  std::size_t candidate = 0;  // index into the candidates
  Box box;                    // where the text goes
  LabelPosition position = LabelPosition::UpperRight;
};

struct LabelOptions {
  double padding = 2;           // kept free around every box
  bool avoid_markers = true;    // labels never cover another candidate's marker
};

// Deterministic: ties in priority keep the candidates' order. A candidate with an
// empty text or a non-finite anchor is dropped.
std::vector<PlacedLabel> place_labels(const std::vector<LabelCandidate>& candidates, const Box& frame,
                                      const std::vector<Box>& obstacles = {}, const LabelOptions& options = {});

}  // namespace recompose::planner::cartography
