#include "app.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>

#include <unistd.h>

#include "geo/error.hpp"
#include "geo/fingerprint.hpp"
#include "geo/output_folder.hpp"
#include "geo/vector_io.hpp"
#include "planner/evaluation_report.hpp"
#include "planner/format.hpp"

namespace recompose::viewer {

namespace fs = std::filesystem;

namespace {

// Where this session autosaves: beside the territory, or in the user's cache folder
// when the territory folder cannot be written (a network share, a USB key).
std::string autosave_location(const std::string& dir, const std::string& territory, std::string& note) {
  if (::access(dir.c_str(), W_OK) == 0) return (fs::path(dir) / "scenario.autosave.json").string();
  const std::string user = geo::user_cache_dir();
  geo::Fingerprint f;
  f.add(fs::absolute(dir).lexically_normal().string());
  const std::string name = "scenario.autosave-" + territory + "-" + f.hex().substr(0, 8) + ".json";
  note = "Dossier du territoire non modifiable : sauvegarde automatique dans " + user;
  return (fs::path(user.empty() ? fs::temp_directory_path().string() : user) / name).string();
}

void check_scenario_territory(const planner::Scenario& s, const planner::Territory& t, const std::string& path) {
  if (!s.territory.empty() && s.territory != t.name) {
    throw geo::Error("scenario " + path + " is for territory '" + s.territory + "', not '" + t.name + "'");
  }
}

}  // namespace

App::App(const std::string& dir, const std::string& scenario_path) {
  territory_ = planner::load_territory(dir);
  engine_ = std::make_unique<planner::AccessEngine>(territory_, params_.cutoff_min, params_.straight,
                                                    (fs::path(dir) / "access_tables.bin").string());
  std::string note = engine_->cache_note();
  std::string where;
  autosave_path_ = autosave_location(dir, territory_.name, where);
  if (!where.empty()) note += (note.empty() ? "" : " ; ") + where;
  // The previous session's autosave is kept (never overwritten by this session's
  // first edit) and offered for restoring when it holds edits of this territory.
  previous_path_ = fs::path(autosave_path_).replace_extension(".previous.json").string();
  if (fs::exists(autosave_path_)) {
    std::error_code ec;
    fs::rename(autosave_path_, previous_path_, ec);
    if (ec) {
      note += (note.empty() ? "" : " ; ") + std::string("sauvegarde précédente non déplacée (") + ec.message() +
              ") : les sauvegardes automatiques de cette session sont désactivées pour la garder";
      previous_path_ = autosave_path_;
      autosave_path_.clear();
    }
    try {
      planner::Scenario prev = planner::Scenario::load(previous_path_);
      check_scenario_territory(prev, territory_, previous_path_);
      if (!prev.edits.empty()) previous_ = std::move(prev);
    } catch (const geo::Error& e) {
      note += (note.empty() ? "" : " ; ") + std::string("sauvegarde précédente illisible, gardée telle quelle : ") + e.what();
    }
  }
  scenario_ = scenario_path.empty() ? planner::Scenario::baseline() : planner::Scenario::load(scenario_path);
  check_scenario_territory(scenario_, territory_, scenario_path);
  if (scenario_path.empty()) scenario_.name = "Scénario de l'atelier";
  scenario_.territory = territory_.name;
  before_ = planner::evaluate(*engine_, planner::Scenario::baseline(), params_);
  after_ = planner::evaluate(*engine_, scenario_, params_);
  rebuild_indicators();
  // Camera: fit the territory.
  geo::Envelope e{1e300, 1e300, -1e300, -1e300};
  for (const auto& c : territory_.communes) {
    if (!c.geometry) continue;
    const auto ce = c.geometry.envelope();
    e.min_x = std::min(e.min_x, ce.min_x);
    e.min_y = std::min(e.min_y, ce.min_y);
    e.max_x = std::max(e.max_x, ce.max_x);
    e.max_y = std::max(e.max_y, ce.max_y);
  }
  view.cx_m = (e.min_x + e.max_x) / 2;
  view.cy_m = (e.min_y + e.max_y) / 2;
  view.scale_px_per_m = std::min(900.0 / std::max(1.0, e.max_x - e.min_x), 700.0 / std::max(1.0, e.max_y - e.min_y));
  if (!note.empty()) view.status = note;
  // Default indicator: time to urgent care after the scenario, when there is one.
  for (std::size_t i = 0; i < indicators_.size(); ++i) {
    if (indicators_[i].label.find("urgences") != std::string::npos) {
      view.indicator = static_cast<int>(i);
      break;
    }
  }
}

bool App::apply(planner::Scenario next, const std::string& what) {
  const auto start = std::chrono::steady_clock::now();
  try {
    planner::Evaluation e = planner::evaluate(*engine_, next, params_);
    undo_.push_back(scenario_);
    redo_.clear();
    scenario_ = std::move(next);
    after_ = std::move(e);
  } catch (const geo::Error& err) {
    view.status = "Modification refusée : " + std::string(err.what());
    return false;
  }
  last_eval_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  rebuild_indicators();
  view.status = what + " — réévalué en " + planner::fr_number(last_eval_ms_, 1) + " ms";
  if (autosave_path_.empty()) return true;  // kept off so as not to overwrite the previous session's
  try {
    geo::write_text_file_atomic(autosave_path_, scenario_.to_json() + "\n");
  } catch (const geo::Error& err) {
    view.status += " (sauvegarde automatique impossible : " + std::string(err.what()) + ")";
  }
  return true;
}

bool App::close(const std::string& id) {
  planner::Scenario s = scenario_;
  planner::ScenarioEdit e;
  e.op = "close";
  e.facilities = {id};
  s.edits.push_back(e);
  return apply(std::move(s), "Fermeture de " + id);
}

bool App::reopen(const std::string& id) {
  planner::Scenario s = scenario_;
  const auto before = s.edits.size();
  std::erase_if(s.edits, [&](const planner::ScenarioEdit& e) { return (e.op == "close" || e.op == "close_pharmacy") && e.facilities[0] == id; });
  if (s.edits.size() == before) {
    view.status = id + " n'a pas été fermé par une modification : rien à rouvrir";
    return false;
  }
  return apply(std::move(s), "Réouverture de " + id);
}

bool App::merge_into(const std::vector<std::string>& ids, const std::string& into) {
  planner::Scenario s = scenario_;
  planner::ScenarioEdit e;
  e.op = "merge";
  e.facilities = ids;
  e.into = into;
  s.edits.push_back(e);
  return apply(std::move(s), "Regroupement dans " + into);
}

bool App::merge_at(const std::vector<std::string>& ids, geo::PointM at) {
  planner::Scenario s = scenario_;
  const int n = free_number("REGROUPEMENT-");
  planner::ScenarioEdit e;
  e.op = "merge";
  e.facilities = ids;
  e.id = "REGROUPEMENT-" + std::to_string(n);
  e.name = "Site de regroupement " + std::to_string(n);
  e.at = at;
  s.edits.push_back(e);
  return apply(std::move(s), "Regroupement sur un nouveau site (" + e.id + ")");
}

int App::free_number(const std::string& prefix) const {
  int n = 1;
  auto used = [&](const std::string& id) {
    for (const auto& f : after_.facilities) {
      if (f.id == id) return true;
    }
    return false;
  };
  while (used(prefix + std::to_string(n))) ++n;
  return n;
}

bool App::relocate(const std::string& id, geo::PointM to) {
  planner::Scenario s = scenario_;
  planner::ScenarioEdit e;
  e.op = "relocate";
  e.facilities = {id};
  e.at = to;
  s.edits.push_back(e);
  return apply(std::move(s), "Déplacement de " + id);
}

bool App::open_site(const std::string& kind, double capacity, geo::PointM at) {
  planner::Scenario s = scenario_;
  const int n = free_number("NOUVEAU-");
  planner::ScenarioEdit e;
  e.op = "open";
  e.id = "NOUVEAU-" + std::to_string(n);
  e.name = "Nouveau site " + std::to_string(n);
  e.kind = kind;
  e.capacity = capacity;
  e.at = at;
  s.edits.push_back(e);
  return apply(std::move(s), "Ouverture de " + e.id);
}

bool App::set_capacity(const std::string& id, double capacity) {
  planner::Scenario s = scenario_;
  std::erase_if(s.edits, [&](const planner::ScenarioEdit& e) { return e.op == "set_capacity" && e.facilities[0] == id; });
  planner::ScenarioEdit e;
  e.op = "set_capacity";
  e.facilities = {id};
  e.capacity = capacity;
  s.edits.push_back(e);
  return apply(std::move(s), "Capacité de " + id);
}

bool App::pharmacy_edit(const std::string& op, const std::vector<std::string>& ids, const std::string& into) {
  planner::Scenario s = scenario_;
  planner::ScenarioEdit e;
  e.op = op;
  e.facilities = ids;
  e.into = into;
  s.edits.push_back(e);
  std::string what = op == "close_pharmacy"       ? "Fermeture de la pharmacie minière "
                     : op == "open_bilateral"     ? "Ouverture bilatérale de "
                     : op == "transfer_pharmacy"  ? "Transfert de la pharmacie minière "
                                                  : "Regroupement des pharmacies ";
  for (const auto& id : ids) what += id + " ";
  if (!into.empty()) what += "dans " + into;
  return apply(std::move(s), what);
}

bool App::undo() {
  if (undo_.empty()) return false;
  planner::Scenario prev = undo_.back();
  undo_.pop_back();
  planner::Scenario current = scenario_;
  if (!apply(prev, "Annulation")) return false;
  undo_.pop_back();  // apply() pushed the state we left; undo does not stack
  redo_.push_back(std::move(current));
  return true;
}

bool App::redo() {
  if (redo_.empty()) return false;
  planner::Scenario next = redo_.back();
  redo_.pop_back();
  auto saved = redo_;
  if (!apply(next, "Rétablissement")) return false;
  redo_ = std::move(saved);
  return true;
}

void App::set_uft_grouping(const std::string& grouping) {
  if (params_.regime.uft_grouping == grouping) return;
  params_.regime.uft_grouping = grouping;
  before_ = planner::evaluate(*engine_, planner::Scenario::baseline(), params_);
  after_ = planner::evaluate(*engine_, scenario_, params_);
  rebuild_indicators();
}

void App::reset() {
  planner::Scenario s = planner::Scenario::baseline();
  s.name = scenario_.name;
  s.territory = territory_.name;
  apply(std::move(s), "Retour à la situation actuelle");
}

bool App::load(const std::string& path) {
  try {
    planner::Scenario s = planner::Scenario::load(path);
    check_scenario_territory(s, territory_, path);
    s.territory = territory_.name;
    return apply(std::move(s), "Scénario chargé : " + path);
  } catch (const geo::Error& e) {
    view.status = "Chargement impossible : " + std::string(e.what());
    return false;
  }
}

bool App::restore_previous() {
  if (!previous_) return false;
  planner::Scenario s = *previous_;
  s.territory = territory_.name;
  s.path.clear();  // now this session's scenario, no longer the file it came from
  const bool ok = apply(std::move(s), "Session précédente restaurée (" + previous_path_ + ")");
  if (ok) previous_.reset();
  return ok;
}

void App::dismiss_previous() {
  previous_.reset();
  view.status = "Session précédente gardée dans " + previous_path_;
}

bool App::save(const std::string& path) {
  try {
    geo::write_text_file_atomic(path, scenario_.to_json() + "\n");
    view.status = "Scénario enregistré : " + path;
    return true;
  } catch (const geo::Error& e) {
    view.status = "Enregistrement impossible : " + std::string(e.what());
    return false;
  }
}

bool App::export_outputs(const std::string& dir) {
  try {
    planner::write_evaluation(*engine_, scenario_, params_, before_, after_, dir);
    view.status = "Couches exportées dans " + dir;
    return true;
  } catch (const geo::Error& e) {
    view.status = "Export impossible : " + std::string(e.what());
    return false;
  }
}

void App::rebuild_indicators() {
  ++version_;
  indicators_.clear();
  const auto& t = territory_;
  const std::size_t n = t.units.size();
  const bool road = after_.model == planner::TimeModel::Road;
  const std::string suffix = road ? "" : " (vol d'oiseau)";
  for (const auto& target : after_.targets) {
    const int ta = after_.target_index(target), tb = before_.target_index(target);
    Indicator now{"Temps vers " + planner::target_label(target) + suffix, "min", {}, {}, {}, false};
    Indicator delta{"Écart de temps vers " + planner::target_label(target) + suffix, "min", {}, {}, {}, false};
    for (std::size_t u = 0; u < n; ++u) {
      const auto a = after_.nearest_time[static_cast<std::size_t>(ta)][u];
      const auto b = tb < 0 ? planner::kNoAccess : before_.nearest_time[static_cast<std::size_t>(tb)][u];
      const bool off = road && !t.units[u].snap.result.ok();
      now.values.push_back(a == planner::kNoAccess ? std::nan("") : geo::deciseconds_to_minutes(a));
      now.class_values.push_back(b == planner::kNoAccess || off ? std::nan("") : geo::deciseconds_to_minutes(b));
      now.no_access.push_back(off || a == planner::kNoAccess);
      delta.values.push_back(a == planner::kNoAccess || b == planner::kNoAccess
                                 ? std::nan("")
                                 : geo::deciseconds_to_minutes(a) - geo::deciseconds_to_minutes(b));
      delta.no_access.push_back(off || a == planner::kNoAccess);
    }
    now.classes_from_baseline = true;
    indicators_.push_back(std::move(now));
    indicators_.push_back(std::move(delta));
  }
  Indicator e2{"Accessibilité E2SFCA (" + planner::target_label(params_.e2sfca_kind) + ")", "/100 000 hab.", {}, {}, {}, false};
  Indicator e2d{"Écart E2SFCA", "/100 000 hab.", {}, {}, {}, false};
  Indicator pop{"Population", "hab.", {}, {}, {}, false};
  Indicator need{"Indice de besoin", "France = 100", {}, {}, {}, false};
  for (std::size_t u = 0; u < n; ++u) {
    const bool off = road && !t.units[u].snap.result.ok();
    e2.values.push_back(after_.e2sfca_per_100k[u]);
    e2.class_values.push_back(off ? std::nan("") : before_.e2sfca_per_100k[u]);
    e2.no_access.push_back(off);
    e2d.values.push_back(after_.e2sfca_per_100k[u] - before_.e2sfca_per_100k[u]);
    e2d.no_access.push_back(off);
    pop.values.push_back(t.units[u].population);
    pop.no_access.push_back(0);
    need.values.push_back(after_.need_index[u]);
    need.no_access.push_back(0);
  }
  // The regime's affiliates (issue 12), labelled when the data are fictitious.
  if (t.regime.has_affiliates()) {
    const auto& r = after_.recomposition;
    const std::string note = t.regime.fictitious ? " — données fictives" : "";
    Indicator now{"Affiliés du régime minier " + std::to_string(r.base_year) + note, "affiliés", {}, {}, {}, false};
    Indicator horizon{"Affiliés projetés " + std::to_string(r.horizon_year) + note, "affiliés", {}, {}, {}, false};
    Indicator density{"Densité d'affiliés " + std::to_string(r.base_year) + note, "affiliés / km²", {}, {}, {}, false};
    for (std::size_t u = 0; u < n; ++u) {
      const double a = t.regime.affiliates[u];
      now.values.push_back(a);
      now.no_access.push_back(0);
      horizon.values.push_back(r.affiliates_horizon.empty() ? std::nan("") : r.affiliates_horizon[u]);
      horizon.no_access.push_back(0);
      density.values.push_back(t.units[u].area_km2 > 0 ? a / t.units[u].area_km2 : std::nan(""));
      density.no_access.push_back(0);
    }
    indicators_.push_back(std::move(now));
    indicators_.push_back(std::move(density));
    indicators_.push_back(std::move(horizon));
  }
  e2.classes_from_baseline = true;
  indicators_.push_back(std::move(e2));
  indicators_.push_back(std::move(e2d));
  indicators_.push_back(std::move(pop));
  indicators_.push_back(std::move(need));
  view.indicator = std::clamp(view.indicator, 0, static_cast<int>(indicators_.size()) - 1);
}

}  // namespace recompose::viewer
