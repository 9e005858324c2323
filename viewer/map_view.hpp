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
#include "planner/cartography/labels.hpp"
#include "planner/isochrones.hpp"
#include "unit_mesh.hpp"

namespace recompose::viewer {

// Where the map goes (viewer/layout.cpp): the window minus the side panels. Split:
// two synchronised maps side by side, the baseline on the left and the active
// scenario on the right, with the same camera and the same classes.
struct MapFrame {
  ImVec2 origin{0, 0}, size{0, 0};
  bool split = false;
};

class MapView {
 public:
  explicit MapView(App& app);
  // Draws the map into the background of `frame` and handles its mouse input.
  void draw(const MapFrame& frame);
  void fit();
  // Moves the camera to show `e` (Lambert-93), animated in interactive use, at once in scripts.
  void fly_to(const geo::Envelope& e);
  [[nodiscard]] bool flying() const { return flight_.active; }
  // Screen boxes the labels keep clear of this frame (legend, key figures, headings).
  void add_obstacle(ImVec2 p0, ImVec2 p1) { extra_obstacles_.push_back({p0.x, p0.y, p1.x, p1.y}); }
  void clear_obstacles() { extra_obstacles_.clear(); }
  [[nodiscard]] std::size_t labels_drawn() const { return labels_drawn_; }
  // Index in App::indicators() of what the map shows: in the split view a difference
  // shows its two situations (time, E2SFCA) with the same classes.
  [[nodiscard]] int shown_indicator() const;
  // Legends in the side column (viewer/layout.cpp) instead of on the map.
  void set_legend_in_panel(bool in_panel) { legend_in_panel_ = in_panel; }
  // Pixels at the top of the map kept free by fit() (the presentation title).
  void set_reserved_top(float px) { reserved_top_ = px; }
  // A box of this size kept free in the top right corner by fit(); 0: none.
  void set_reserved_corner(ImVec2 size);
  // Legends with only the states present on the map (presentation).
  void set_compact_legend(bool compact) { compact_legend_ = compact; }
  void draw_legend_panel();

 private:
  struct Pane {
    ImVec2 origin, size;
    const planner::Evaluation* eval = nullptr;
    bool before = false;
    std::string heading;
  };
  const planner::Evaluation& eval() const { return *eval_; }
  void layout_panes(const MapFrame& frame);  // panes_ and band_ for this frame
  void draw_pane(ImDrawList* dl, const Pane& pane);
  void draw_heading(ImDrawList* dl, const Pane& pane);
  void draw_labels(ImDrawList* dl, const Pane& pane);  // viewer/labels_overlay.cpp
  void draw_highlight(ImDrawList* dl);                   // viewer/labels_overlay.cpp
  void step_flight();
  void draw_unit_tooltip(std::size_t unit);  // the unit's figures before -> after
  float marker_scale() const;  // symbols grow with the font (presentation mode)
  ImVec2 to_screen(double x, double y) const;
  geo::PointM to_map(ImVec2 p) const;
  void recolour();
  // Legends drawn with their top left at `top_left` (only measured when `dl` is null);
  // they return their size. Boxed on the map, bare in a side column.
  ImVec2 draw_legend(ImDrawList* dl, ImVec2 top_left, float max_width, bool boxed);
  ImVec2 draw_regime_legend(ImDrawList* dl, ImVec2 top_left, float max_width, bool boxed);  // site types, UFT rings
  float legend_max_width() const;
  void draw_legends_on_map(ImDrawList* dl);
  struct LegendLayout {
    ImVec2 indicator{0, 0}, regime{0, 0};  // boxed sizes (regime 0 when not drawn)
    bool stacked = true;                   // regime above the indicator, else beside it
  };
  LegendLayout legend_layout();  // the legends on the map: their sizes and arrangement
  ImVec2 draw_legend_band(ImDrawList* dl, ImVec2 top_left, float width);  // split view: under both panes
  void draw_scale_and_north(ImDrawList* dl);
  int unit_at(geo::PointM p) const;
  int facility_at(ImVec2 screen) const;
  void handle_input(bool inside, bool before_pane);

  App& app_;
  ImVec2 origin_{0, 0}, size_{0, 0};
  std::vector<geo::PointM> triangles_;          // 3 points per triangle
  std::vector<std::uint32_t> triangle_unit_;    // unit of each triangle
  std::vector<std::vector<geo::PointM>> commune_rings_;
  std::vector<std::vector<geo::PointM>> roads_[3];  // major-ish classes first
  std::vector<ImU32> unit_colour_;
  std::unique_ptr<UnitMesh> mesh_;  // the unit triangles on the GPU
  std::unique_ptr<UnitMesh> mesh_before_;  // the same, coloured for the baseline (split view)
  const planner::Evaluation* eval_ = nullptr;  // the situation of the pane being drawn
  MapFrame frame_;
  std::vector<Pane> panes_;          // this frame's panes (one, or the baseline and the scenario)
  planner::cartography::Box band_;   // the legend band of the split view (empty when none)
  geo::Envelope territory_box_{0, 0, 1, 1};
  bool coloured_split_ = false;
  std::vector<planner::cartography::Box> obstacles_, extra_obstacles_;  // screen boxes labels avoid
  std::size_t labels_drawn_ = 0;
  struct Flight {
    bool active = false;
    double from_cx = 0, from_cy = 0, from_scale = 1, to_cx = 0, to_cy = 0, to_scale = 1, start_s = 0, duration_s = 0.8;
  } flight_;
  std::vector<double> breaks_;
  planner::cartography::Classification classes_;
  bool legend_in_panel_ = false;
  float reserved_top_ = 0;
  ImVec2 reserved_corner_{0, 0};
  int frames_since_fit_ = 0;
  bool compact_legend_ = false;
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
