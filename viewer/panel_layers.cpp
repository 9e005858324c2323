#include <imgui.h>

#include "panels.hpp"

namespace recompose::viewer {

void draw_layers_panel(App& app, bool* open) {
  ImGui::SetNextWindowPos(ImVec2(10, 10), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(420, 200), ImGuiCond_FirstUseEver);
  if (!ImGui::Begin("Carte", open)) {
    ImGui::End();
    return;
  }
  auto& v = app.view;
  const auto& inds = app.indicators();
  ImGui::TextWrapped("%s", app.territory().title.c_str());
  if (ImGui::BeginCombo("Indicateur", inds[static_cast<std::size_t>(v.indicator)].label.c_str())) {
    for (std::size_t i = 0; i < inds.size(); ++i) {
      if (ImGui::Selectable(inds[i].label.c_str(), static_cast<int>(i) == v.indicator)) v.indicator = static_cast<int>(i);
    }
    ImGui::EndCombo();
  }
  int method = static_cast<int>(v.method);
  ImGui::Combo("Classes", &method, "quantiles\0intervalles égaux\0seuils naturels (Jenks)\0");
  v.method = static_cast<planner::ClassMethod>(method);
  ImGui::SliderInt("Nombre de classes", &v.classes, 3, 7);
  ImGui::Checkbox("Routes", &v.show_roads);
  ImGui::SameLine();
  ImGui::Checkbox("Communes", &v.show_communes);
  ImGui::SameLine();
  ImGui::Checkbox("Établissements", &v.show_facilities);
  if (app.territory().regime.present()) {
    ImGui::Checkbox("Sites du régime minier", &v.show_regime);
    ImGui::SameLine();
    ImGui::Checkbox("UFT (liens entre centres)", &v.show_uft);
    bool complete = app.params().regime.uft_grouping == "complet";
    if (ImGui::Checkbox("UFT : centres tous liés deux à deux", &complete)) {
      app.set_uft_grouping(complete ? "complet" : "connexe");
    }
  }
  ImGui::Checkbox("Isochrones urgences 10/20/30 min", &v.show_isochrones);
  ImGui::SameLine();
  if (ImGui::Button("Recadrer")) v.fit_requested = true;
  if (app.territory().regime.fictitious) {
    ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "Régime minier : %s", planner::kFictitiousLabel);
  }
  if (app.after().model == planner::TimeModel::StraightLine) {
    ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "Temps estimés à vol d'oiseau (pas de réseau routier)");
  }
  ImGui::End();
}

}  // namespace recompose::viewer
