#include "panel_optimise.hpp"

#include <imgui.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "geo/error.hpp"
#include "geo/vector_io.hpp"
#include "planner/access_engine.hpp"
#include "planner/evaluation.hpp"
#include "planner/format.hpp"
#include "planner/optimise/optimisation_report.hpp"
#include "planner/optimise/optimiser.hpp"
#include "panels.hpp"

namespace recompose::viewer {

namespace fs = std::filesystem;
namespace opt = planner::optimise;

namespace {

constexpr opt::Objective kObjectives[] = {opt::Objective::PMedian, opt::Objective::Mclp, opt::Objective::Lscp,
                                          opt::Objective::CloseK, opt::Objective::Capacitated};
constexpr const char* kObjectiveNames[] = {"Temps moyen minimal (p-médian)", "Couverture maximale à T min (MCLP)",
                                           "Moins de sites, tous à T min (LSCP)", "Fermer k sites (moindre perte)",
                                           "Taille critique, au plus N sites (graines)"};

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

namespace {
// The panel of the running viewer (one App, one panel), for the room's right column.
OptimisePanel* g_panel = nullptr;
}  // namespace

OptimisePanel::OptimisePanel(App& app) : app_(app) { g_panel = this; }

OptimisePanel::~OptimisePanel() {
  cancel_ = true;
  if (worker_.joinable()) worker_.join();
  if (g_panel == this) g_panel = nullptr;
}

void draw_optimise_panel(App&) {
  if (g_panel) g_panel->draw_content();
}

bool optimise_panel_unfold() { return g_panel && g_panel->take_unfold(); }

void OptimisePanel::poll() { collect(); }

opt::Problem OptimisePanel::problem() const {
  opt::Problem p;
  p.name = "Proposition de recomposition (atelier)";
  p.objective = kObjectives[objective_];
  p.target = target_;
  p.sites = sites_;
  p.close = close_;
  p.coverage_min = coverage_min_;
  if (use_max_time_) p.max_time_min = max_time_min_;
  p.critical_fte = critical_fte_;
  p.merge_max_min = merge_max_min_;
  p.candidates.historic = historic_;
  p.candidates.communes = communes_;
  p.candidates.grid_km = grid_km_;
  p.exact = exact_;
  p.exact_time_limit_s = time_limit_s_;
  p.cutoff_min = app_.params().cutoff_min;
  p.need_indicator = app_.params().need_indicator;
  return p;
}

void OptimisePanel::start() {
  if (running_) return;
  if (worker_.joinable()) worker_.join();
  opt::Problem pb = problem();
  try {
    pb.validate();
  } catch (const geo::Error& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = e.what();
    return;
  }
  cancel_ = false;
  done_ = false;
  running_ = true;
  started_s_ = now_s();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    error_.clear();
    summary_.clear();
    proposal_path_.clear();
    progress_ = {"Tables d'accès", std::nan(""), ""};
  }
  const planner::Territory& t = app_.territory();  // read-only on both threads
  const planner::EvalParams params = app_.params();
  const std::string dir = fs::path(app_.autosave_path()).parent_path().string();
  worker_ = std::thread([this, &t, params, pb, dir] {
    try {
      opt::Control control;
      control.cancel = &cancel_;
      control.progress = [this](const opt::Progress& p) {
        std::lock_guard<std::mutex> lock(mutex_);
        progress_ = p;
      };
      // An engine of this thread's own: the App's stays with the UI thread.
      planner::AccessEngine engine(t, params.cutoff_min, params.straight, planner::territory_cache_path(dir, "access_tables.bin"));
      control.check();
      const planner::Evaluation before = planner::evaluate(engine, planner::Scenario::baseline(), params);
      const opt::OptimiseResult r = opt::optimise(engine, before, pb, params, control);
      const fs::path out = fs::path(dir) / "optimisation-atelier";
      fs::create_directories(out);
      const std::string path = (out / "proposition.json").string();
      geo::write_text_file_atomic(path, r.proposal.to_json() + "\n");
      geo::write_text_file_atomic((out / "optimisation.md").string(), opt::optimisation_markdown(t, r));
      std::vector<std::string> lines;
      const bool lscp = r.instance.objective == opt::Objective::Lscp;
      lines.push_back("Avant : " + opt::objective_text(r.instance, r.problem, r.before) +
                      (lscp ? "" : ", " + std::to_string(r.before.sites) + " sites"));
      lines.push_back("Proposition : " + opt::objective_text(r.instance, r.problem, r.after) +
                      (lscp ? "" : ", " + std::to_string(r.after.sites) + " sites") + " (" + r.chosen + ")");
      std::string gap = "Heuristique : " + planner::fr_number(r.heuristic_stats.seconds, 2) + " s";
      if (r.exact_run) {
        gap += " ; CBC : " + opt::exact_status_label(r.exact.status) + " (" + planner::fr_number(r.exact.seconds, 1) +
               " s), écart " + (std::isnan(r.gap_percent) ? std::string("—") : planner::fr_number(r.gap_percent, 2) + " %");
      }
      lines.push_back(gap);
      lines.push_back(std::to_string(r.proposal.edits.size()) + " modifications ; détail dans " +
                      (out / "optimisation.md").string());
      if (!r.verified_equal) lines.push_back("⚠ vérification : l'évaluation ne redonne pas l'objectif");
      std::lock_guard<std::mutex> lock(mutex_);
      summary_ = std::move(lines);
      proposal_path_ = path;
    } catch (const opt::Cancelled&) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = "Optimisation annulée : le scénario n'a pas changé.";
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::string("Pas de proposition : ") + e.what();
    }
    done_ = true;
  });
}

void OptimisePanel::wait() {
  if (worker_.joinable()) worker_.join();
  collect();
}

void OptimisePanel::collect() {
  if (!running_ || !done_) return;
  if (worker_.joinable()) worker_.join();
  running_ = false;
  std::string path, error;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    path = proposal_path_;
    error = error_;
  }
  if (!path.empty()) {
    // An ordinary edit of the scenario: undo (Ctrl+Z) or "Situation actuelle" discards it.
    if (app_.load(path)) app_.view.status = "Proposition chargée comme scénario (Ctrl+Z pour revenir) : " + path;
  } else if (!error.empty()) {
    app_.view.status = error;
  }
}

bool OptimisePanel::run_script(const std::string& command, std::istringstream& args) {
  if (command == "optimise-wait") {
    wait();
    return true;
  }
  if (command == "optimise-cancel") {
    cancel_ = true;
    wait();
    return true;
  }
  if (command != "optimise") return false;
  std::string code;
  int size = 0;
  args >> code >> size;
  for (std::size_t i = 0; i < std::size(kObjectives); ++i) {
    if (opt::objective_code(kObjectives[i]) == code) objective_ = static_cast<int>(i);
  }
  if (kObjectives[objective_] == opt::Objective::CloseK) {
    close_ = size;
  } else if (size > 0) {
    sites_ = size;
  }
  for (std::string kv; args >> kv;) {
    const auto eq = kv.find('=');
    const std::string key = kv.substr(0, eq), value = eq == std::string::npos ? "" : kv.substr(eq + 1);
    try {
      if (key == "target") target_ = value;
      if (key == "coverage") coverage_min_ = std::stof(value);
      if (key == "max") {
        use_max_time_ = true;
        max_time_min_ = std::stof(value);
      }
      if (key == "critical") critical_fte_ = std::stof(value);
      if (key == "merge") merge_max_min_ = std::stof(value);
      if (key == "historic") historic_ = true;
      if (key == "communes") communes_ = true;
      if (key == "grid") grid_km_ = std::stof(value);
      if (key == "exact") exact_ = value != "0";
      if (key == "limit") time_limit_s_ = std::stof(value);
    } catch (const std::exception&) {
      std::fprintf(stderr, "[viewer] script: optimise option '%s' has no valid value: ignored\n", kv.c_str());
    }
  }
  unfold_ = true;
  start();
  return true;
}

void OptimisePanel::draw_content() {
  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.5f);
  const planner::Territory& t = app_.territory();
  if (t.regime.fictitious) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.75f, 0.3f, 0, 1));
    ImGui::TextWrapped("Régime minier : %s", planner::kFictitiousLabel);
    ImGui::PopStyleColor();
  }
  ImGui::BeginDisabled(running_);
  ImGui::Combo("Objectif", &objective_, kObjectiveNames, static_cast<int>(std::size(kObjectiveNames)));
  const opt::Objective o = kObjectives[objective_];
  const std::string shown = target_.empty() ? "médecins généralistes du régime (défaut)" : planner::target_label(target_);
  if (ImGui::BeginCombo("Sites concernés", shown.c_str())) {
    if (ImGui::Selectable("médecins généralistes du régime (défaut)", target_.empty())) target_.clear();
    for (const auto& tg : app_.before().targets) {
      if (ImGui::Selectable((planner::target_label(tg) + "##" + tg).c_str(), target_ == tg)) target_ = tg;
    }
    ImGui::EndCombo();
  }
  if (o == opt::Objective::CloseK) {
    ImGui::InputInt("Sites à fermer", &close_);
    close_ = std::max(1, close_);
  } else if (o != opt::Objective::Lscp) {
    ImGui::InputInt(o == opt::Objective::Capacitated ? "Sites au plus" : "Sites", &sites_);
    sites_ = std::max(1, sites_);
  }
  if (o == opt::Objective::Mclp || o == opt::Objective::Lscp) {
    ImGui::SliderFloat("T (min)", &coverage_min_, 5, 45, "%.0f min");
  }
  ImGui::Checkbox("Temps maximal pour tous", &use_max_time_);
  if (use_max_time_) ImGui::SliderFloat("Temps maximal", &max_time_min_, 5, 60, "%.0f min");
  if (o == opt::Objective::Capacitated) {
    ImGui::SliderFloat("Taille critique", &critical_fte_, 1, 6, "%.1f ETP MG");
    ImGui::SliderFloat("Regroupement max.", &merge_max_min_, 5, 60, "%.0f min");
  }
  if (o != opt::Objective::CloseK) {
    ImGui::TextUnformatted("Sites candidats : existants, et");
    ImGui::Checkbox("bâtiments historiques", &historic_);
    same_line_if_fits("centres des communes");
    ImGui::Checkbox("centres des communes", &communes_);
    ImGui::InputFloat("Grille (km, 0 : non)", &grid_km_, 0.5f, 1.0f, "%.1f");
    grid_km_ = grid_km_ < 0.2f ? 0.0f : grid_km_;
  }
  ImGui::Checkbox("Mode exact (CBC)", &exact_);
  if (exact_) ImGui::SliderFloat("Limite de CBC", &time_limit_s_, 2, 120, "%.0f s");
  ImGui::EndDisabled();

  if (!running_) {
    if (ImGui::Button("Proposer")) start();
    same_line_if_fits("(devient le scénario courant)");
    ImGui::TextDisabled("(devient le scénario courant)");
  } else {
    opt::Progress pr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pr = progress_;
    }
    const double elapsed = now_s() - started_s_;
    const float fraction = std::isnan(pr.fraction) ? static_cast<float>(std::fmod(elapsed, 1.0)) : static_cast<float>(pr.fraction);
    ImGui::ProgressBar(fraction, ImVec2(-1, 0), pr.stage.c_str());
    ImGui::TextWrapped("%s (%.1f s)", pr.detail.c_str(), elapsed);
    if (ImGui::Button("Annuler")) cancel_ = true;
  }
  std::vector<std::string> lines;
  std::string error;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    lines = summary_;
    error = error_;
  }
  if (!running_) {
    for (const auto& l : lines) {
      ImGui::Bullet();
      ImGui::TextWrapped("%s", l.c_str());
    }
    if (!error.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.8f, 0.1f, 0.1f, 1));
      ImGui::TextWrapped("%s", error.c_str());
      ImGui::PopStyleColor();
    }
    if (!lines.empty()) {
      if (ImGui::Button("Abandonner la proposition")) app_.reset();
      same_line_if_fits("(ou Ctrl+Z)");
      ImGui::TextDisabled("(ou Ctrl+Z)");
    }
  }
  ImGui::PopItemWidth();
}

}  // namespace recompose::viewer
