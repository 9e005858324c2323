// The offer to restore the previous session's autosave, shown once at start when
// that session left edits (App keeps its file; this session autosaves to its own).
#include <imgui.h>

#include "panels.hpp"

namespace recompose::viewer {

void draw_restore_offer(App& app) {
  if (!app.has_previous_session()) return;
  const char* title = "Session précédente";
  if (!ImGui::IsPopupOpen(title)) ImGui::OpenPopup(title);
  if (ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    const planner::Scenario& s = *app.previous_session();
    ImGui::Text("La session précédente a laissé %zu modification(s) : « %s ».", s.edits.size(), s.name.c_str());
    ImGui::Text("Elle est gardée dans %s.", app.previous_autosave_path().c_str());
    if (ImGui::Button("Restaurer")) {
      app.restore_previous();
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Commencer sans elle")) {
      app.dismiss_previous();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

}  // namespace recompose::viewer
