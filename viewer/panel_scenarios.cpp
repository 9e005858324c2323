// The scenarios held at once: switch, new, duplicate, rename, open a file, remove.
#include <imgui.h>

#include <cstring>
#include <filesystem>

#include "panels.hpp"
#include "planner/format.hpp"

namespace recompose::viewer {

void draw_scenarios_panel(App& app) {
  auto& v = app.view;
  for (std::size_t i = 0; i < app.scenario_count(); ++i) {
    const auto& s = app.scenario_at(i);
    const bool active = i == app.active_scenario();
    const std::string label = (active ? "▶ " : "   ") + s.name + "##scenario" + std::to_string(i);
    if (ImGui::Selectable(label.c_str(), active)) app.switch_to(i);
    if (ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::Text("%zu modification(s)%s", s.edits.size(), s.path.empty() ? "" : (" — " + s.path).c_str());
      for (const auto& a : app.evaluation_at(i).applied) ImGui::BulletText("%s", a.c_str());
      ImGui::EndTooltip();
    }
  }
  static char name[96] = "";
  static std::size_t editing_for = static_cast<std::size_t>(-1);
  if (editing_for != app.active_scenario()) {
    editing_for = app.active_scenario();
    std::snprintf(name, sizeof name, "%s", app.scenario().name.c_str());
  }
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputText("##nom", name, sizeof name, ImGuiInputTextFlags_EnterReturnsTrue)) app.rename_scenario(name);
  if (ImGui::IsItemDeactivatedAfterEdit()) app.rename_scenario(name);
  if (ImGui::Button("Nouveau")) app.new_scenario("Scénario " + std::to_string(app.scenario_count() + 1));
  ImGui::SameLine();
  if (ImGui::Button("Dupliquer")) app.duplicate_scenario("");
  ImGui::SameLine();
  if (app.scenario_count() > 1 && ImGui::Button("Retirer")) app.remove_scenario(app.active_scenario());
  static char path[512] = "";
  ImGui::SetNextItemWidth(-ImGui::CalcTextSize("Ouvrir").x - ImGui::GetStyle().FramePadding.x * 2 - ImGui::GetStyle().ItemSpacing.x);
  ImGui::InputTextWithHint("##fichier", "fichier de scénario (.json)", path, sizeof path);
  ImGui::SameLine();
  if (ImGui::Button("Ouvrir") && path[0] != '\0') {
    if (app.open_scenario(path)) path[0] = '\0';
  }
  ImGui::TextDisabled("F6 : scénario suivant ; F4 : comparaison");
  (void)v;
}

}  // namespace recompose::viewer
