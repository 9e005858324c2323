#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "panels.hpp"
#include "planner/evaluation_report.hpp"
#include "planner/format.hpp"

namespace recompose::viewer {

void draw_figures_panel(App& app, bool* open) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x - 560, vp->WorkPos.y + vp->WorkSize.y - 400),
                          ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(550, 390), ImGuiCond_FirstUseEver);
  if (!ImGui::Begin("Chiffres clés", open)) {
    ImGui::End();
    return;
  }
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
  if (ImGui::BeginTable("communes", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY,
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
  ImGui::End();
}

}  // namespace recompose::viewer
