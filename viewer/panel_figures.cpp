#include <imgui.h>

#include "panels.hpp"
#include "planner/evaluation_report.hpp"
#include "planner/format.hpp"

namespace recompose::viewer {

void draw_figures_panel(App& app, bool* open) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x - 560, vp->WorkPos.y + vp->WorkSize.y - 200),
                          ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(550, 190), ImGuiCond_FirstUseEver);
  if (!ImGui::Begin("Chiffres clés", open)) {
    ImGui::End();
    return;
  }
  const auto& t = app.territory();
  const auto& p = app.params();
  if (ImGui::BeginTable("figures", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("Destination");
    ImGui::TableSetupColumn("Pop. > 30 min");
    ImGui::TableSetupColumn("Temps moyen");
    ImGui::TableSetupColumn("90e centile");
    ImGui::TableHeadersRow();
    for (const auto& target : app.after().targets) {
      const auto a = planner::key_figures(t, app.before(), p, target);
      const auto b = planner::key_figures(t, app.after(), p, target);
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(planner::target_label(target).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%s → %s", planner::fr_number(a.beyond_threshold).c_str(), planner::fr_number(b.beyond_threshold).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%s → %s", planner::fr_number(a.mean_min, 1).c_str(), planner::fr_number(b.mean_min, 1).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%s → %s", planner::fr_number(a.p90_min, 1).c_str(), planner::fr_number(b.p90_min, 1).c_str());
    }
    ImGui::EndTable();
  }
  ImGui::Text("Dernière réévaluation : %s ms", planner::fr_number(app.last_eval_ms(), 2).c_str());
  ImGui::End();
}

}  // namespace recompose::viewer
