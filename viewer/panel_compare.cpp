// The comparison of every held scenario: the same table as `recompose compare`
// (planner/comparison.hpp computes it; this file only draws it), and the communes
// whose ranking of the options differs most from the territory's.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "panels.hpp"
#include "planner/format.hpp"

namespace recompose::viewer {

namespace {

// Options best on a row (none when the row does not differ or has no direction).
std::vector<bool> best_of(const planner::ComparisonRow& r) {
  std::vector<bool> out(r.values.size(), false);
  if (r.better == planner::Better::None || !r.differs()) return out;
  double best = NAN;
  for (double v : r.values) {
    if (!std::isnan(v) && (std::isnan(best) || (r.better == planner::Better::Lower ? v < best : v > best))) best = v;
  }
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    out[i] = !std::isnan(r.values[i]) && std::abs(r.values[i] - best) <= 1e-9 * std::max(1.0, std::abs(best));
  }
  return out;
}

void rows_table(App& app, const planner::Comparison& c, const std::vector<const planner::ComparisonRow*>& rows,
                const char* id) {
  const int columns = static_cast<int>(c.options.size()) + 1;
  const float f = ImGui::GetFontSize();
  // The indicator column as wide as its labels (up to 40 % of the drawer), the options
  // sharing the rest, at least 9 font heights each; scenario names wrap in the header.
  float label_w = 0;
  for (const auto* r : rows) label_w = std::max(label_w, ImGui::CalcTextSize((r->label + " (" + r->unit + ")").c_str()).x);
  const float avail = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize;
  label_w = std::min(label_w + f, std::max(f * 14, avail * 0.4f));
  const float value_w = std::max(f * 9, (avail - label_w) / static_cast<float>(c.options.size()) - f * 0.6f);
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollX |
                                ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoHostExtendY;
  if (!ImGui::BeginTable(id, columns, flags)) return;
  ImGui::TableSetupScrollFreeze(1, 0);
  ImGui::TableSetupColumn("Indicateur", ImGuiTableColumnFlags_WidthFixed, label_w);
  for (std::size_t i = 0; i < c.options.size(); ++i) {
    ImGui::TableSetupColumn(c.options[i].column.c_str(), ImGuiTableColumnFlags_WidthFixed, value_w);
  }
  // Header: names wrapped; the active scenario in blue; a click makes a scenario active.
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  for (int col = 0; col < columns; ++col) {
    ImGui::TableSetColumnIndex(col);
    const bool active = col >= 2 && static_cast<std::size_t>(col - 2) == app.active_scenario();
    ImGui::PushStyleColor(ImGuiCol_Text, active ? IM_COL32(0, 70, 190, 255) : IM_COL32(0, 0, 0, 255));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + (col == 0 ? label_w : value_w));
    ImGui::TextUnformatted(col == 0 ? "Indicateur" : c.options[static_cast<std::size_t>(col - 1)].column.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    if (col >= 2 && ImGui::IsItemClicked()) app.switch_to(static_cast<std::size_t>(col - 2));
    if (col >= 2 && ImGui::IsItemHovered()) ImGui::SetTooltip("Clic : rendre ce scénario actif");
  }
  std::string group;
  for (const planner::ComparisonRow* r : rows) {
    if (r->group != group) {
      group = r->group;
      ImGui::TableNextRow();
      ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(225, 232, 242, 255));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(group.c_str());
    }
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + label_w);
    ImGui::TextUnformatted((r->label + (r->unit == "%" ? "" : " (" + r->unit + ")")).c_str());
    ImGui::PopTextWrapPos();
    const auto best = best_of(*r);
    for (std::size_t i = 0; i < r->values.size(); ++i) {
      ImGui::TableNextColumn();
      std::string text = planner::format_value(*r, r->values[i]);
      if (i > 0) {
        const std::string d = planner::format_delta(*r, i);
        if (!d.empty()) text += " (" + d + ")";
      }
      if (best[i]) {
        ImGui::TextColored(ImVec4(0.0f, 0.45f, 0.15f, 1), "%s ✓", text.c_str());
      } else {
        ImGui::TextUnformatted(text.c_str());
      }
    }
  }
  ImGui::EndTable();
}

}  // namespace

void draw_compare_panel(App& app) {
  const planner::Comparison& c = app.comparison();
  if (c.options.empty()) {
    ImGui::TextUnformatted("Comparaison indisponible.");
    return;
  }
  if (c.fictitious_regime) {
    ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "Régime minier : %s", planner::kFictitiousLabel);
  }
  static bool only_key = false;
  ImGui::TextDisabled("Situation actuelle et %zu scénario(s) ; entre parenthèses l'écart à la situation actuelle ; ✓ la "
                      "meilleure option ; puis les autres chiffres qui diffèrent. Clic sur un en-tête : scénario actif.",
                      c.options.size() - 1);
  ImGui::Checkbox("Seulement les chiffres clés", &only_key);
  ImGui::SameLine();
  if (ImGui::Button("Exporter (CSV, Markdown)")) {
    const std::string dir =
        (std::filesystem::path(app.autosave_path()).parent_path() / "comparaison-atelier").string();
    try {
      planner::write_comparison(c, dir);
      app.view.status = "Comparaison exportée dans " + dir;
    } catch (const std::exception& e) {
      app.view.status = "Export impossible : " + std::string(e.what());
    }
  }
  std::vector<const planner::ComparisonRow*> rows;
  for (const auto& r : c.rows) {
    if (r.key_figure) rows.push_back(&r);
  }
  if (!only_key) {
    for (const auto& r : c.rows) {
      if (!r.key_figure && r.differs() && (c.need_weighted || r.key.find("coverage_need_weighted") == std::string::npos)) {
        rows.push_back(&r);
      }
    }
  }
  const float table_h = ImGui::GetContentRegionAvail().y;
  if (ImGui::BeginChild("##comparaison", ImVec2(0, table_h), false, ImGuiWindowFlags_HorizontalScrollbar)) {
    rows_table(app, c, rows, "comparaison");
    // The communes whose ranking of the options differs most from the territory's.
    ImGui::Spacing();
    if (!c.criterion_target.empty()) {
      ImGui::TextWrapped("Communes qui classent les options autrement que le territoire (critère : temps vers %s) : %zu sur "
                         "%zu ; %zu indifférentes.",
                         planner::target_label(c.criterion_target).c_str(), c.communes.size(), c.communes_total,
                         c.communes_indifferent);
    }
    if (!c.communes.empty() &&
        ImGui::BeginTable("communes", static_cast<int>(c.options.size()) + 3,
                          ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
      ImGui::TableSetupColumn("Commune");
      ImGui::TableSetupColumn("Population");
      for (const auto& o : c.options) ImGui::TableSetupColumn(o.column.c_str());
      ImGui::TableSetupColumn("Paires inversées");
      ImGui::TableHeadersRow();
      ImGuiListClipper clipper;
      clipper.Begin(static_cast<int>(c.communes.size()));
      while (clipper.Step()) {
        for (int k = clipper.DisplayStart; k < clipper.DisplayEnd; ++k) {
          const auto& r = c.communes[static_cast<std::size_t>(k)];
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(r.name.c_str());
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(planner::fr_number(r.population).c_str());
          for (std::size_t i = 0; i < c.options.size(); ++i) {
            ImGui::TableNextColumn();
            ImGui::Text("%s min (%s)", planner::fr_number(r.mean_min[i], 1).c_str(),
                        r.rank[i] == 1 ? "1er" : (std::to_string(r.rank[i]) + "e").c_str());
          }
          ImGui::TableNextColumn();
          ImGui::Text("%d", r.reversed_pairs);
        }
      }
      ImGui::EndTable();
    }
  }
  ImGui::EndChild();
}

}  // namespace recompose::viewer
