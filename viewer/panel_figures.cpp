#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "panels.hpp"
#include "planner/evaluation_report.hpp"
#include "planner/format.hpp"
#include "planner/offer/pharmacies.hpp"

namespace recompose::viewer {

namespace {

// "Pharmacies" block (issue 13): surplus per commune before -> after, the scenario's
// pharmacy notes and the caveats of the sources.
void draw_pharmacy_figures(App& app) {
  static std::uint64_t version = 0;
  static planner::offer::PharmacyAnalysis a;
  static std::string error;
  if (version != app.version() || a.before.empty()) {
    version = app.version();
    error.clear();
    try {
      a = planner::offer::analyse_pharmacies(app.territory(), app.scenario(), app.before(), app.after(), app.params());
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (!ImGui::CollapsingHeader("Pharmacies", ImGuiTreeNodeFlags_DefaultOpen)) return;
  if (!error.empty()) {
    ImGui::TextWrapped("Pharmacies : %s", error.c_str());
    return;
  }
  if (!a.has_liberal && !a.has_mining) {
    ImGui::TextUnformatted("Aucune pharmacie dans ce territoire.");
    return;
  }
  if (a.osm_liberal) ImGui::TextColored(ImVec4(0.75f, 0.3f, 0, 1), "Officines : OpenStreetMap 2021, liste non exhaustive");
  if (a.fictive_mining) {
    ImGui::TextColored(ImVec4(0.75f, 0.0f, 0.2f, 1), "Pharmacies minières : données fictives d'exemple");
  }
  auto line = [](const char* label, const planner::offer::SurplusSummary& b, const planner::offer::SurplusSummary& c) {
    ImGui::TextWrapped("%s : excédentaires %d → %d, au quota %d → %d, sous le quota %d → %d (sur %d)", label, b.over,
                       c.over, b.at, c.at, b.under, c.under, b.communes);
  };
  if (a.has_liberal) {
    line("Communes", a.all_before, a.all_after);
    if (a.has_mining) {
      line("Communes à pharmacie minière", a.mining_before, a.mining_after);
      std::string dist = "Surnombre (communes à pharmacie minière, après) :";
      for (const auto& [k, n] : a.mining_after.distribution) dist += " " + std::to_string(n) + " à " + std::to_string(k) + " ;";
      ImGui::TextWrapped("%s", dist.c_str());
    }
  } else {
    ImGui::TextUnformatted("Excédents inconnus : pas de liste d'officines libérales.");
  }
  std::string lost = "Perdent toute pharmacie (" + std::string("population") + ") :";
  for (const auto& [th, w] : a.lost_within) lost += " à " + planner::fr_number(th) + " min " + planner::fr_number(w) + " ;";
  ImGui::TextWrapped("%s", lost.c_str());
  for (const auto& n : a.edit_notes) ImGui::BulletText("%s", n.c_str());
}

}  // namespace

void draw_figures_panel(App& app) {
  const auto& t = app.territory();
  const auto& p = app.params();
  // The regime's offer and demand (issue 12).
  const auto& ra = app.after().recomposition;
  const auto& rb = app.before().recomposition;
  if (ra.present && ImGui::CollapsingHeader("Régime minier : recomposition", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (t.regime.fictitious) ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "%s", planner::kFictitiousLabel);
    auto row = [](const char* label, const std::string& value) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(label);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(value.c_str());
    };
    auto arrow = [](double a, double b) { return planner::fr_number(a) + " → " + planner::fr_number(b); };
    auto count = [](const planner::Recomposition& r, planner::Check planner::CentreFigures::*field) {
      double n = 0;
      for (const auto& c : r.centres) n += c.is_centre && !c.sites.empty() && c.*field == planner::Check::No;
      return n;
    };
    if (ImGui::BeginTable("regime", 2, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
      row("Centres de santé (gestions budgétaires)",
          arrow(static_cast<double>(rb.centres_counted), static_cast<double>(ra.centres_counted)));
      row(("Sous la taille critique (< " + planner::fr_number(p.regime.critical_gp_fte) + " ETP MG)").c_str(),
          arrow(static_cast<double>(rb.centres_below_critical), static_cast<double>(ra.centres_below_critical)));
      row("Sans inter-remplacement", arrow(count(rb, &planner::CentreFigures::inter_replacement),
                                           count(ra, &planner::CentreFigures::inter_replacement)));
      row(("Ouverts moins de " + planner::fr_number(p.regime.opening_min_hours_per_day) + " h par jour").c_str(),
          arrow(count(rb, &planner::CentreFigures::opening), count(ra, &planner::CentreFigures::opening)));
      row("UFT", arrow(static_cast<double>(rb.ufts.size()), static_cast<double>(ra.ufts.size())));
      if (ra.has_affiliates) {
        row(("Affiliés " + std::to_string(ra.base_year) + " → projetés " + std::to_string(ra.horizon_year)).c_str(),
            arrow(ra.affiliates_now, ra.affiliates_at_horizon));
        row(("Hors du rayon d'action (" + planner::fr_number(p.regime.rayon_action_min) + " min)").c_str(),
            arrow(rb.affiliates_outside_rayon, ra.affiliates_outside_rayon));
        row(("Patients à recruter d'ici " + std::to_string(ra.horizon_year)).c_str(),
            planner::fr_number(ra.recruit) + " (" + planner::fr_number(ra.recruit_low) + " à " +
                planner::fr_number(ra.recruit_high) + ")");
      }
      ImGui::EndTable();
    }
  }
  // Fixed-fit columns scrolled sideways in a narrow column: no figure is cut.
  const float rows_h = ImGui::GetTextLineHeightWithSpacing() * static_cast<float>(std::min<std::size_t>(app.after().targets.size() + 1, 12)) +
                       ImGui::GetStyle().ScrollbarSize + ImGui::GetStyle().CellPadding.y * 4;
  if (ImGui::BeginTable("figures", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit |
                                          ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY, ImVec2(0, rows_h))) {
    ImGui::TableSetupScrollFreeze(1, 1);
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
  draw_pharmacy_figures(app);
  // Coverage at each threshold, for the urgent-care target (or the first one).
  const std::string target = app.after().target_index(p.urgent_target) >= 0 ? p.urgent_target : app.after().targets.front();
  const auto ka = planner::key_figures(t, app.before(), p, target), kb = planner::key_figures(t, app.after(), p, target);
  std::string coverage = "Couverture (" + planner::target_label(target) + ") :";
  for (double th : p.coverage_min) {
    coverage += "  " + planner::fr_number(th) + " min " + planner::fr_number(100 * ka.coverage.at(th) / ka.population_routed, 1) +
                " → " + planner::fr_number(100 * kb.coverage.at(th) / kb.population_routed, 1) + " %";
  }
  ImGui::TextWrapped("%s", coverage.c_str());
  ImGui::Text("Couverture pondérée par le besoin à 30 min : %s → %s", planner::fr_number(ka.coverage_need.at(30)).c_str(),
              planner::fr_number(kb.coverage_need.at(30)).c_str());
  // Most affected communes (mean time to the target), sortable by the change.
  static std::uint64_t version = 0;
  struct Row {
    std::string name;
    double population, before, after;
  };
  static std::vector<Row> rows;
  if (version != app.version()) {
    version = app.version();
    rows.clear();
    const auto ca = planner::aggregate(t, app.before(), p, "commune"), cb = planner::aggregate(t, app.after(), p, "commune");
    for (std::size_t i = 0; i < ca.size(); ++i) {
      rows.push_back({ca[i].name, ca[i].population, ca[i].mean_min.count(target) ? ca[i].mean_min.at(target) : NAN,
                      cb[i].mean_min.count(target) ? cb[i].mean_min.at(target) : NAN});
    }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
      const double da = std::isnan(a.after - a.before) ? -1e9 : a.after - a.before;
      const double db = std::isnan(b.after - b.before) ? -1e9 : b.after - b.before;
      return da > db;
    });
  }
  if (ImGui::BeginTable("communes", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                           ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit,
                        ImVec2(0, 150))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Commune");
    ImGui::TableSetupColumn("Population");
    ImGui::TableSetupColumn("Temps moyen");
    ImGui::TableSetupColumn("Écart");
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const Row& r = rows[static_cast<std::size_t>(i)];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r.name.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(planner::fr_number(r.population).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%s → %s", planner::fr_number(r.before, 1).c_str(), planner::fr_number(r.after, 1).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(planner::fr_delta(r.after - r.before).c_str());
      }
    }
    ImGui::EndTable();
  }
  ImGui::Text("Dernière réévaluation : %s ms", planner::fr_number(app.last_eval_ms(), 2).c_str());
}

}  // namespace recompose::viewer
