#include <imgui.h>

#include <filesystem>

#include "panels.hpp"
#include "planner/format.hpp"
#include "planner/offer/pharmacies.hpp"

namespace recompose::viewer {

void draw_scenario_panel(App& app) {
  auto& v = app.view;
  if (ImGui::Button("Annuler (Ctrl+Z)")) app.undo();
  same_line_if_fits("Rétablir (Ctrl+Y)");
  if (ImGui::Button("Rétablir (Ctrl+Y)")) app.redo();
  same_line_if_fits("Situation actuelle");
  if (ImGui::Button("Situation actuelle")) app.reset();
  ImGui::Separator();
  ImGui::TextWrapped("Sélection (clic, Maj+clic pour ajouter ; glisser pour déplacer) : %zu", v.selection.size());
  for (const auto& id : v.selection) {
    for (const auto& f : app.after().facilities) {
      if (f.id == id) ImGui::BulletText("%s (%s)%s", f.name.c_str(), f.id.c_str(), f.open ? "" : " — fermé");
    }
  }
  if (!v.selection.empty()) {
    if (ImGui::Button("Fermer")) {
      for (const auto& id : std::vector<std::string>(v.selection)) app.close(id);
    }
    same_line_if_fits("Rouvrir");
    if (ImGui::Button("Rouvrir")) {
      for (const auto& id : std::vector<std::string>(v.selection)) app.reopen(id);
    }
    same_line_if_fits("Regrouper dans le premier");
    if (v.selection.size() >= 2 && ImGui::Button("Regrouper dans le premier")) {
      app.merge_into(v.selection, v.selection.front());
    }
    same_line_if_fits("Regrouper sur un point (clic)");
    if (v.selection.size() >= 2 && ImGui::Button("Regrouper sur un point (clic)")) v.mode = Mode::MergeAt;
    same_line_if_fits("Déplacer (clic sur la carte)");
    if (ImGui::Button("Déplacer (clic sur la carte)")) v.mode = Mode::Relocate;
    // Pharmacy edits: the first selected facility is a mining pharmacy.
    const planner::FacilityState* first = nullptr;
    const planner::FacilityState* second = nullptr;
    for (const auto& f : app.after().facilities) {
      if (f.open && f.id == v.selection.front()) first = &f;
      if (f.open && v.selection.size() == 2 && f.id == v.selection[1]) second = &f;
    }
    if (first && planner::offer::is_mining_pharmacy(*first)) {
      ImGui::TextUnformatted("Pharmacie minière :");
      same_line_if_fits("Fermer");
      if (ImGui::Button("Fermer##pharma")) app.pharmacy_edit("close_pharmacy", {first->id});
      same_line_if_fits("Ouverture bilatérale");
      if (ImGui::Button("Ouverture bilatérale")) app.pharmacy_edit("open_bilateral", {first->id});
      if (second && !planner::offer::is_mining_pharmacy(*second) && second->kind != "pharmacy") {
        same_line_if_fits("Transférer dans le 2e (pharmacie intégrée)");
        if (ImGui::Button("Transférer dans le 2e (pharmacie intégrée)")) {
          app.pharmacy_edit("transfer_pharmacy", {first->id}, second->id);
        }
      }
      if (v.selection.size() >= 2) {
        same_line_if_fits("Regrouper les pharmacies dans la 1re");
        if (ImGui::Button("Regrouper les pharmacies dans la 1re")) {
          app.pharmacy_edit("regroup_pharmacies", v.selection, first->id);
        }
      }
    }
    for (const auto& f : app.after().facilities) {
      if (f.id != v.selection.front() || !f.open) continue;
      static float capacity = 0;
      static std::string editing;
      if (editing != f.id) {
        editing = f.id;
        capacity = static_cast<float>(std::max(0.0, f.capacity));
      }
      ImGui::SetNextItemWidth(120);
      ImGui::InputFloat("##cap", &capacity, 1, 1, "%.1f");
      same_line_if_fits("Changer la capacité");
      if (ImGui::Button("Changer la capacité")) app.set_capacity(f.id, std::max(0.0f, capacity));
    }
  }
  ImGui::Separator();
  static const char* kinds[] = {"gp_point", "health_centre", "pharmacy", "hospital"};
  int k = 0;
  for (int i = 0; i < 4; ++i) k = v.new_kind == kinds[i] ? i : k;
  ImGui::Combo("Type", &k, kinds, 4);
  v.new_kind = kinds[k];
  ImGui::InputFloat("Capacité", &v.new_capacity, 1, 1, "%.0f");
  if (ImGui::Button("Ouvrir un site (clic sur la carte)")) v.mode = Mode::AddCentre;
  if (v.mode != Mode::Select) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.9f, 0.4f, 0, 1), "cliquez sur la carte");
  }
  ImGui::Separator();
  ImGui::Text("Modifications (%zu) :", app.scenario().edits.size());
  for (std::size_t i = 0; i < app.after().applied.size(); ++i) ImGui::BulletText("%s", app.after().applied[i].c_str());
  if (ImGui::Button("Enregistrer le scénario")) {
    const std::string path = (std::filesystem::path(app.autosave_path()).parent_path() / "scenario.json").string();
    app.save(path);  // says where, or why not, in the status line
  }
  if (app.in_database()) {
    same_line_if_fits("Enregistrer dans la base");
    if (ImGui::Button("Enregistrer dans la base")) app.save_to_database();
    if (app.conflict_pending()) {
      same_line_if_fits("Enregistrer comme nouvelle version");
      if (ImGui::Button("Enregistrer comme nouvelle version")) app.save_to_database(true);
    }
    same_line_if_fits("Publier l'évaluation dans la base");
    if (ImGui::Button("Publier l'évaluation dans la base")) app.publish_to_database();
    if (app.stored_version() > 0) ImGui::TextDisabled("Base : version %d ouverte", app.stored_version());
  }
  same_line_if_fits("Exporter les couches");
  if (ImGui::Button("Exporter les couches")) {
    app.export_outputs((std::filesystem::path(app.autosave_path()).parent_path() / "evaluation-atelier").string());
  }
  const auto dir = std::filesystem::path(app.autosave_path()).parent_path();
  if (ImGui::Button("Charger scenario.json")) app.load((dir / "scenario.json").string());
  if (app.has_previous_session()) {
    same_line_if_fits("Restaurer la session précédente");
    if (ImGui::Button("Restaurer la session précédente")) app.restore_previous();
  }
  // Print maps, by the renderer of `recompose map` (not a screen grab).
  const bool any_edit = !app.scenario().edits.empty();
  if (ImGui::Button("Exporter la carte (PDF)")) app.export_map((dir / "carte.pdf").string(), planner::cartography::Layout::Single);
  same_line_if_fits("PNG");
  if (ImGui::Button("PNG")) app.export_map((dir / "carte.png").string(), planner::cartography::Layout::Single);
  if (any_edit) {
    if (ImGui::Button("Carte avant / après (PDF)")) {
      app.export_map((dir / "carte-avant-apres.pdf").string(), planner::cartography::Layout::BeforeAfter);
    }
    const auto& ind = app.indicators()[static_cast<std::size_t>(v.indicator)];
    if (!planner::cartography::difference_key(ind.key).empty()) {
      same_line_if_fits("Carte des écarts (PDF)");
      if (ImGui::Button("Carte des écarts (PDF)")) {
        app.export_map((dir / "carte-ecarts.pdf").string(), planner::cartography::Layout::Difference);
      }
    }
  }
  ImGui::TextWrapped("%s", v.status.c_str());
}

}  // namespace recompose::viewer
