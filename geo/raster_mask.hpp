// A boolean grid in Lambert-93 turned into polygons with GDAL's polygonize, for
// area outputs (isochrones) built from many small pieces: marking cells is
// linear, and polygonizing a grid is far cheaper and more robust than the union
// of tens of thousands of buffers.
#pragma once

#include <cstdint>
#include <vector>

#include "geo/geometry.hpp"

namespace recompose::geo {

class RasterMask {
 public:
  // Covers `extent` (grown by one cell) with square cells of `cell_m` metres.
  RasterMask(const Envelope& extent, double cell_m);

  void mark_point(double x_m, double y_m);
  // Marks every cell the segment a-b passes through (sampled at a quarter cell).
  void mark_segment(PointM a, PointM b);
  // Marks the cells within `cells` of a marked cell (square neighbourhood).
  void dilate(int cells);

  [[nodiscard]] std::size_t marked() const;
  // The marked cells as one (Multi)Polygon in Lambert-93; empty if none.
  [[nodiscard]] Geometry polygons() const;

 private:
  double x0_, y1_, cell_;
  int width_, height_;
  std::vector<std::uint8_t> cells_;  // row-major, row 0 at the top (north)
};

}  // namespace recompose::geo
