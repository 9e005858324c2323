// The map: unit polygons (triangulated once with GEOS), commune outlines, roads
// by class, facilities by kind, isochrones on demand; choropleth of the chosen
// indicator with a legend, a scale bar and a north arrow; pan (drag), zoom (wheel
// around the cursor), hover tooltips and clicks for editing. Geometry is prepared
// once; colours are recomputed only when the evaluation or the indicator changes.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "app.hpp"
#include "planner/isochrones.hpp"
#include "unit_mesh.hpp"

namespace recompose::viewer {

class MapView {
 public:
  explicit MapView(App& app);
  // Draws the map into the viewport background and handles its mouse input.
  void draw();
  void fit();

 private:
  ImVec2 to_screen(double x, double y) const;
  geo::PointM to_map(ImVec2 p) const;
  void recolour();
  void draw_legend(ImDrawList* dl);
  void draw_regime_legend(ImDrawList* dl);  // site types and statuses present, UFT rings
  void draw_scale_and_north(ImDrawList* dl);
  int unit_at(geo::PointM p) const;
  int facility_at(ImVec2 screen) const;
  void handle_input();

  App& app_;
  ImVec2 origin_{0, 0}, size_{0, 0};
  std::vector<geo::PointM> triangles_;          // 3 points per triangle
  std::vector<std::uint32_t> triangle_unit_;    // unit of each triangle
  std::vector<std::vector<geo::PointM>> commune_rings_;
  std::vector<std::vector<geo::PointM>> roads_[3];  // major-ish classes first
  std::vector<ImU32> unit_colour_;
  std::unique_ptr<UnitMesh> mesh_;  // the unit triangles on the GPU
  std::vector<double> breaks_;
  planner::cartography::Classification classes_;
  float legend_top_ = 0;  // top of the indicator's legend, for the regime legend above it
  std::uint64_t coloured_version_ = 0;
  int coloured_indicator_ = -1, coloured_method_ = -1;
  std::vector<std::vector<geo::PointM>> iso_rings_[3];
  std::uint64_t iso_version_ = 0;
  int hovered_unit_ = -1, hovered_facility_ = -1;
  std::string dragging_;  // id of a selected facility being dragged to a new site
  std::future<std::vector<planner::Isochrone>> iso_job_;  // computed off the UI thread
  std::uint64_t iso_job_version_ = 0;
};

}  // namespace recompose::viewer
