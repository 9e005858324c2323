// The viewer's panels, one file each. Each draws its content into the column or
// drawer viewer/layout.cpp gives it (a collapsible section); none opens a window.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "app.hpp"
#include "map_view.hpp"

namespace recompose::viewer {

void draw_layers_panel(App& app);     // indicator, classes, layers
void draw_scenario_panel(App& app);   // edits, selection actions, undo/redo, save
void draw_figures_panel(App& app);    // key figures before / after / delta
void draw_scenarios_panel(App& app);  // the scenarios held: switch, new, duplicate, rename, open, remove
void draw_compare_panel(App& app);    // the comparison table of every held scenario (planner/comparison)
void draw_restore_offer(App& app);    // restore the previous session's autosave? (modal, once)

// SameLine() when an item about as wide as `label` (a button, a check box) still fits on
// the line: rows of buttons wrap in a narrow column instead of running off it.
inline void same_line_if_fits(const char* label) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float w = ImGui::CalcTextSize(label, nullptr, true).x + st.FramePadding.x * 2 + st.ItemSpacing.x;
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + w <= right) ImGui::SameLine();
}

// [SECTION] search (viewer/panel_search.cpp)

struct SearchHit {
  Highlight::Kind kind = Highlight::Kind::None;
  std::size_t index = 0;
  std::string label, detail;
  int score = 0;  // 0 exact, 1 prefix, 2 word prefix, 3 inside
};

// Communes, IRIS and sites (of the active scenario) whose name or code matches
// `query`, case and accents ignored, best first.
std::vector<SearchHit> search(const App& app, const std::string& query, std::size_t max_hits = 12);
// Flies the map to a hit and highlights it for a few seconds.
void fly_to_hit(App& app, MapView& map, const SearchHit& hit);
// The toolbar's search field and its list of hits.
void draw_search_box(App& app, MapView& map, float width);

}  // namespace recompose::viewer
