// The unit polygons on the GPU: triangulated once (GEOS), positions uploaded once
// to a vertex buffer (relative to a local origin, so float precision holds in
// Lambert-93), colours re-uploaded only when the choropleth changes, drawn every
// frame with one glDrawArrays from inside ImGui's background draw list.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <vector>

#include "geo/types.hpp"

namespace recompose::viewer {

class UnitMesh {
 public:
  UnitMesh(const std::vector<geo::PointM>& triangles, geo::PointM origin);
  ~UnitMesh();
  UnitMesh(const UnitMesh&) = delete;
  UnitMesh& operator=(const UnitMesh&) = delete;

  // One colour per triangle (ImU32, as ImGui packs them).
  void set_colours(const std::vector<ImU32>& triangle_colours);
  // Queues the mesh into `dl` for the camera: screen = offset + (p - centre) * scale, y up.
  void queue(ImDrawList* dl, double centre_x_m, double centre_y_m, double scale_px_per_m, ImVec2 screen_centre);

 private:
  static void render(const ImDrawList* dl, const ImDrawCmd* cmd);

  geo::PointM origin_;
  unsigned program_ = 0, vao_ = 0, vbo_pos_ = 0, vbo_col_ = 0;
  int vertex_count_ = 0;
  int u_centre_ = -1, u_scale_ = -1, u_screen_ = -1, u_display_ = -1;
  float centre_[2] = {0, 0}, scale_ = 1, screen_[2] = {0, 0};
};

}  // namespace recompose::viewer
