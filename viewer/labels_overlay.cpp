// Labels on the map: the edited sites first, then the communes by population,
// placed without overlaps by the planner's label placer (planner/cartography/labels),
// clear of the legend, the scale bar, the headings and the key figures. The boxes are
// in screen pixels at the current font size, so zooming in makes room for more
// communes and zooming out thins them. And the highlight of a search hit.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "map_view.hpp"
#include "planner/cartography/labels.hpp"

namespace recompose::viewer {

namespace {

// Text with a white halo, readable on any class colour.
void halo_text(ImDrawList* dl, ImVec2 p, ImU32 colour, const std::string& text) {
  const float h = std::max(1.0f, ImGui::GetFontSize() / 12.0f);
  for (const ImVec2 d : {ImVec2(-h, 0), ImVec2(h, 0), ImVec2(0, -h), ImVec2(0, h), ImVec2(-h, -h), ImVec2(h, h),
                         ImVec2(-h, h), ImVec2(h, -h)}) {
    dl->AddText(ImVec2(p.x + d.x, p.y + d.y), IM_COL32(255, 255, 255, 230), text.c_str());
  }
  dl->AddText(p, colour, text.c_str());
}

}  // namespace

void MapView::draw_labels(ImDrawList* dl, const Pane& pane) {
  namespace carto = planner::cartography;
  const auto& t = app_.territory();
  const float f = ImGui::GetFontSize();
  const carto::Box frame{pane.origin.x + f * 0.3, pane.origin.y + f * 0.3, pane.origin.x + pane.size.x - f * 0.3,
                         pane.origin.y + pane.size.y - f * 0.3};
  auto inside = [&](ImVec2 p) { return p.x >= frame.x0 && p.x <= frame.x1 && p.y >= frame.y0 && p.y <= frame.y1; };
  std::vector<carto::LabelCandidate> candidates;
  std::vector<ImU32> colours;
  // Edited sites: those the active scenario changes, in both panes (the baseline shows where they were).
  std::set<std::string> edited;
  for (const auto& fs : app_.after().facilities) {
    if (!fs.change.empty()) edited.insert(fs.id);
  }
  const auto& facilities = eval().facilities;
  const float marker = 9.0f * marker_scale();
  for (std::size_t i = 0; i < facilities.size(); ++i) {
    const auto& fs = facilities[i];
    if (!edited.count(fs.id)) continue;
    const ImVec2 p = to_screen(fs.point.x_m, fs.point.y_m);
    if (!inside(p)) continue;
    // "Dispensaire, Carvin": the commune under the site, when the name does not say it.
    std::string text = fs.name;
    const int unit = unit_at(fs.point);
    if (unit >= 0) {
      const planner::Commune* c = t.find_commune(t.units[static_cast<std::size_t>(unit)].commune_code);
      if (c && text.find(c->name) == std::string::npos) text += ", " + c->name;
    }
    if (!pane.before) {
      if (!fs.open) text += " (fermé)";
      else if (fs.is_new_site && fs.base_index < 0) text += " (nouveau)";
    }
    const ImVec2 size = ImGui::CalcTextSize(text.c_str());
    candidates.emplace_back(text, p.x, p.y, size.x, size.y, 1e12 - static_cast<double>(candidates.size()), marker);
    colours.push_back(IM_COL32(130, 0, 130, 255));
  }
  // Communes: the largest first; zoomed out, only a few fit.
  for (const auto& c : t.communes) {
    const ImVec2 p = to_screen(c.point.x_m, c.point.y_m);
    if (!inside(p)) continue;
    const ImVec2 size = ImGui::CalcTextSize(c.name.c_str());
    candidates.emplace_back(c.name, p.x, p.y, size.x, size.y, c.population, 0.0);
    colours.push_back(IM_COL32(20, 20, 20, 255));
  }
  std::vector<carto::Box> obstacles = obstacles_;
  obstacles.insert(obstacles.end(), extra_obstacles_.begin(), extra_obstacles_.end());
  carto::LabelOptions options;
  options.padding = f * 0.35;  // air between labels: a map, not a word cloud
  const auto placed = carto::place_labels(candidates, frame, obstacles, options);
  // At most one label per 45 squared font heights of map: the choropleth stays readable.
  const std::size_t cap = static_cast<std::size_t>(pane.size.x * pane.size.y / (45.0f * f * f));
  std::size_t communes = 0;
  for (const auto& l : placed) {
    const bool site = colours[l.candidate] != IM_COL32(20, 20, 20, 255);
    if (!site && ++communes > cap) continue;
    halo_text(dl, ImVec2(static_cast<float>(l.box.x0), static_cast<float>(l.box.y0)), colours[l.candidate],
              candidates[l.candidate].text);
    ++labels_drawn_;
  }
}

void MapView::draw_highlight(ImDrawList* dl) {
  const Highlight& h = app_.view.highlight;
  if (h.kind == Highlight::Kind::None || ImGui::GetTime() > h.until_s) return;
  const auto& t = app_.territory();
  const ImU32 colour = IM_COL32(0, 90, 255, 255);
  const float w = std::max(3.0f, ImGui::GetFontSize() / 5.0f);
  auto outline = [&](const geo::Geometry& g) {
    for (const auto& ring : g.rings()) {
      std::vector<ImVec2> pts;
      pts.reserve(ring.size());
      for (const auto& p : ring) pts.push_back(to_screen(p.x_m, p.y_m));
      dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), colour, ImDrawFlags_Closed, w);
    }
  };
  if (h.kind == Highlight::Kind::Commune && h.index < t.communes.size() && t.communes[h.index].geometry) {
    outline(t.communes[h.index].geometry);
  } else if (h.kind == Highlight::Kind::Unit && h.index < t.units.size()) {
    outline(t.units[h.index].geometry);
  } else if (h.kind == Highlight::Kind::Facility && h.index < app_.after().facilities.size()) {
    const auto& fs = app_.after().facilities[h.index];
    // In the baseline pane, the same site by id.
    for (const auto& e : eval().facilities) {
      if (e.id != fs.id) continue;
      const ImVec2 p = to_screen(e.point.x_m, e.point.y_m);
      dl->AddCircle(p, 16.0f * marker_scale(), colour, 0, w);
      obstacles_.push_back({p.x - 16.0f * marker_scale(), p.y - 16.0f * marker_scale(), p.x + 16.0f * marker_scale(),
                            p.y + 16.0f * marker_scale()});
    }
  }
}

}  // namespace recompose::viewer
