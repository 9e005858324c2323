#include <imgui.h>

#include "panels.hpp"

namespace recompose::viewer {

void draw_layers_panel(App& app) {
  auto& v = app.view;
  const auto& inds = app.indicators();
  ImGui::TextWrapped("%s", app.territory().title.c_str());
  ImGui::PushItemWidth(-1);
  ImGui::TextUnformatted("Indicateur");
  if (ImGui::BeginCombo("##indicateur", inds[static_cast<std::size_t>(v.indicator)].label.c_str())) {
    for (std::size_t i = 0; i < inds.size(); ++i) {
      if (ImGui::Selectable(inds[i].label.c_str(), static_cast<int>(i) == v.indicator)) v.indicator = static_cast<int>(i);
    }
    ImGui::EndCombo();
  }
  int method = static_cast<int>(v.method);
  ImGui::TextUnformatted("Classes");
  ImGui::Combo("##classes", &method, "quantiles\0intervalles égaux\0seuils naturels (Jenks)\0");
  v.method = static_cast<planner::ClassMethod>(method);
  ImGui::SliderInt("##nombre", &v.classes, 3, 7, "%d classes");
  ImGui::PopItemWidth();
  ImGui::Checkbox("Noms des communes et des sites modifiés", &v.show_labels);
  ImGui::Checkbox("Routes", &v.show_roads);
  same_line_if_fits("   Communes");
  ImGui::Checkbox("Communes", &v.show_communes);
  same_line_if_fits("   Établissements");
  ImGui::Checkbox("Établissements", &v.show_facilities);
  if (app.territory().regime.present()) {
    ImGui::Checkbox("Sites du régime minier", &v.show_regime);
    same_line_if_fits("   UFT (liens entre centres)");
    ImGui::Checkbox("UFT (liens entre centres)", &v.show_uft);
    bool complete = app.params().regime.uft_grouping == "complet";
    if (ImGui::Checkbox("UFT : centres tous liés deux à deux", &complete)) {
      app.set_uft_grouping(complete ? "complet" : "connexe");
    }
  }
  ImGui::Checkbox("Isochrones urgences 10/20/30 min", &v.show_isochrones);
  same_line_if_fits("Recadrer");
  if (ImGui::Button("Recadrer")) v.fit_requested = true;
  if (app.territory().regime.fictitious) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.8f, 0.1f, 0.1f, 1));
    ImGui::TextWrapped("Régime minier : %s", planner::kFictitiousLabel);
    ImGui::PopStyleColor();
  }
  if (app.after().model == planner::TimeModel::StraightLine) {
    ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "Temps estimés à vol d'oiseau (pas de réseau routier)");
  }
}

}  // namespace recompose::viewer
