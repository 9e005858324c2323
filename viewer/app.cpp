#include "app.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>

#include <unistd.h>

#include "geo/error.hpp"
#include "geo/fingerprint.hpp"
#include "geo/postgres.hpp"
#include "planner/workspace/evaluation_publish.hpp"
#include "planner/workspace/scenario_store.hpp"
#include "geo/output_folder.hpp"
#include "geo/vector_io.hpp"
#include "planner/cartography/map_render.hpp"
#include "planner/data_root.hpp"
#include "planner/evaluation_report.hpp"
#include "planner/format.hpp"

namespace recompose::viewer {

namespace fs = std::filesystem;

namespace {

// Where this session autosaves: beside the territory, or in the user's cache folder
// when the territory folder cannot be written (a network share, a USB key).
std::string autosave_location(const std::string& dir, const std::string& territory, std::string& note) {
  const bool database = geo::pg::is_locator(dir);
  if (!database && ::access(dir.c_str(), W_OK) == 0) return (fs::path(dir) / "scenario.autosave.json").string();
  const std::string user = geo::user_cache_dir();
  geo::Fingerprint f;
  f.add(database ? geo::pg::redacted(dir) : fs::absolute(dir).lexically_normal().string());
  const std::string name = "scenario.autosave-" + territory + "-" + f.hex().substr(0, 8) + ".json";
  note = (database ? "Territoire dans PostGIS" : "Dossier du territoire non modifiable") +
         std::string(" : sauvegarde automatique dans ") + user;
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
  territory_locator_ = dir;
  engine_ = std::make_unique<planner::AccessEngine>(territory_, params_.cutoff_min, params_.straight,
                                                    planner::territory_cache_path(dir, "access_tables.bin"));
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
  int stored = 0;
  scenario_ = scenario_path.empty() ? planner::Scenario::baseline()
                                    : planner::workspace::load_scenario_ref(dir, scenario_path, nullptr, &stored);
  if (stored > 0) stored_versions_[scenario_.name] = stored;
  check_scenario_territory(scenario_, territory_, scenario_path);
  if (scenario_path.empty()) scenario_.name = "Scénario de l'atelier";
  scenario_.territory = territory_.name;
  before_ = planner::evaluate(*engine_, planner::Scenario::baseline(), params_);
  after_ = planner::evaluate(*engine_, scenario_, params_);
  rebuild_indicators();
  // Camera: fit the territory.
  const geo::Envelope e = planner::communes_envelope(territory_).value_or(geo::Envelope{});
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
    ++scenarios_version_;
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
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (i != active_) slots_[i].after = planner::evaluate(*engine_, slots_[i].scenario, params_);
  }
  ++scenarios_version_;
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

bool App::in_database() const { return geo::pg::is_locator(territory_locator_); }

int App::stored_version() const {
  const auto it = stored_versions_.find(scenario_.name);
  return it == stored_versions_.end() ? 0 : it->second;
}

bool App::save_to_database(bool as_new_version) {
  if (!in_database()) {
    view.status = "Enregistrement dans la base impossible : le territoire est un dossier, pas une base PostGIS";
    return false;
  }
  const int based_on = stored_version();
  try {
    planner::workspace::ScenarioStore store(territory_locator_);
    planner::workspace::SaveRequest rq;
    rq.name = scenario_.name;
    rq.json = scenario_.to_json() + "\n";
    rq.based_on = based_on;
    rq.as_new_version = as_new_version;
    const auto saved = store.save(rq);
    stored_versions_[saved.name] = saved.version;
    conflict_pending_ = false;
    view.status = "Enregistré dans la base : « " + saved.name + " » version " + std::to_string(saved.version) + " (" +
                  saved.author + ", " + saved.modified_at + ")";
    return true;
  } catch (const planner::workspace::ConflictError& e) {
    const auto& l = e.latest();
    conflict_pending_ = true;
    view.status = "Non enregistré : « " + l.name + " » a été enregistré en version " + std::to_string(l.version) +
                  " par " + l.author + " le " + l.modified_at +
                  (based_on > 0 ? " depuis la version " + std::to_string(based_on) + " que vous avez ouverte"
                                : " (ce nom existe déjà)") +
                  ". Rien n'a été écrit : ouvrez sa version, ou enregistrez la vôtre comme nouvelle version.";
    return false;
  } catch (const geo::Error& e) {
    view.status = "Enregistrement dans la base impossible : " + geo::pg::redacted(e.what());
    return false;
  }
}

bool App::publish_to_database() {
  if (!in_database()) {
    view.status = "Publication dans la base impossible : le territoire est un dossier, pas une base PostGIS";
    return false;
  }
  // The evaluation is written as `recompose evaluate` writes it, into a private
  // temporary folder, then published from there (and the folder removed).
  std::error_code ec;
  const auto dir = std::filesystem::temp_directory_path(ec) /
                   ("recompose-publication-" + std::to_string(::getpid()) + "-" + std::to_string(++publications_));
  try {
    if (ec) throw geo::Error("no temporary folder: " + ec.message());
    planner::write_evaluation(*engine_, scenario_, params_, before_, after_, dir.string());
    const auto pub = planner::workspace::publish_evaluation(territory_locator_, dir.string(), scenario_.name,
                                                            scenario_.to_json() + "\n");
    std::filesystem::remove_all(dir, ec);
    view.status = "Évaluation publiée dans la base : schéma " + pub.schema + " (" + std::to_string(pub.layers) +
                  " couches), lisible dans QGIS";
    return true;
  } catch (const geo::Error& e) {
    std::filesystem::remove_all(dir, ec);
    view.status = "Publication dans la base impossible : " + geo::pg::redacted(e.what());
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

// [SECTION] several scenarios held at once

void App::switch_to(std::size_t i) {
  if (i >= slots_.size() || i == active_) return;
  slots_[active_] = {std::move(scenario_), std::move(undo_), std::move(redo_), std::move(after_)};
  active_ = i;
  scenario_ = std::move(slots_[i].scenario);
  undo_ = std::move(slots_[i].undo);
  redo_ = std::move(slots_[i].redo);
  after_ = std::move(slots_[i].after);
  slots_[i] = ScenarioSlot{};
  view.selection.clear();
  view.mode = Mode::Select;
  rebuild_indicators();
  view.status = "Scénario actif : " + scenario_.name;
}

std::string App::unique_name(const std::string& base) const {
  auto used = [&](const std::string& n) {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (scenario_at(i).name == n) return true;
    }
    return false;
  };
  std::string name = base.empty() ? "Scénario" : base;
  for (int k = 2; used(name); ++k) name = (base.empty() ? "Scénario" : base) + " (" + std::to_string(k) + ")";
  return name;
}

bool App::add_slot(planner::Scenario s, const std::string& what) {
  s.territory = territory_.name;
  try {
    planner::Evaluation e = planner::evaluate(*engine_, s, params_);
    slots_.push_back({std::move(s), {}, {}, std::move(e)});
  } catch (const geo::Error& err) {
    view.status = what + " impossible : " + std::string(err.what());
    return false;
  }
  ++scenarios_version_;
  switch_to(slots_.size() - 1);
  view.status = what + " : " + scenario_.name;
  return true;
}

void App::new_scenario(const std::string& name) {
  planner::Scenario s = planner::Scenario::baseline();
  s.name = unique_name(name);
  add_slot(std::move(s), "Nouveau scénario");
}

void App::duplicate_scenario(const std::string& name) {
  planner::Scenario s = scenario_;
  s.name = unique_name(name.empty() ? scenario_.name + " (copie)" : name);
  s.path.clear();
  add_slot(std::move(s), "Scénario dupliqué");
}

void App::rename_scenario(const std::string& name) {
  if (name.empty() || name == scenario_.name) return;
  scenario_.name = unique_name(name);
  ++scenarios_version_;
  view.status = "Scénario renommé : " + scenario_.name;
}

bool App::open_scenario(const std::string& path) {
  planner::Scenario s;
  try {
    int stored = 0;
    s = planner::workspace::load_scenario_ref(territory_locator_, path, nullptr, &stored);
    if (stored > 0) stored_versions_[s.name] = stored;
  } catch (const geo::Error& e) {
    view.status = "Chargement impossible : " + std::string(e.what());
    return false;
  }
  if (!s.territory.empty() && s.territory != territory_.name) {
    view.status = "Chargement impossible : le scénario " + path + " est pour le territoire « " + s.territory +
                  " », pas « " + territory_.name + " »";
    return false;
  }
  s.name = unique_name(s.name);
  return add_slot(std::move(s), "Scénario chargé");
}

bool App::remove_scenario(std::size_t i) {
  if (slots_.size() <= 1 || i >= slots_.size()) return false;
  if (i == active_) switch_to(i == 0 ? 1 : 0);
  const std::string name = slots_[i].scenario.name;
  slots_.erase(slots_.begin() + static_cast<std::ptrdiff_t>(i));
  if (active_ > i) --active_;
  ++scenarios_version_;
  view.status = "Scénario retiré : " + name;
  return true;
}

const planner::Comparison& App::comparison() {
  if (compared_version_ != scenarios_version_) {
    std::vector<planner::ComparedOption> options = {{&baseline_, &before_, ""}};
    for (std::size_t i = 0; i < slots_.size(); ++i) options.push_back({&scenario_at(i), &evaluation_at(i), scenario_at(i).path});
    try {
      comparison_ = planner::compare_options(territory_, params_, options);
    } catch (const std::exception& e) {
      view.status = "Comparaison impossible : " + std::string(e.what());
    }
    compared_version_ = scenarios_version_;
  }
  return comparison_;
}

bool App::export_map(const std::string& path, planner::cartography::Layout layout) {
  try {
    planner::cartography::MapOptions o;
    o.method = view.method;
    o.classes = view.classes;
    o.isochrones = view.show_isochrones;
    o.roads = view.show_roads;
    o.communes = view.show_communes;
    o.facilities = view.show_facilities || view.show_regime;
    try {
      o.data_root = planner::resolve_data_root("");
    } catch (const geo::Error&) {
      o.data_root.clear();  // the locator inset says it is unavailable
    }
    const auto& ind = indicators_[static_cast<std::size_t>(view.indicator)];
    const planner::cartography::MapSource src{*engine_, before_, after_, params_, scenario_};
    planner::cartography::PageSpec page;
    planner::cartography::render_map(src, ind.key, layout, page, o, path);
    view.status = "Carte exportée : " + path;
    return true;
  } catch (const geo::Error& e) {
    view.status = "Export de la carte impossible : " + std::string(e.what());
    return false;
  }
}

void App::rebuild_indicators() {
  ++version_;
  indicators_ = planner::cartography::unit_indicators(territory_, before_, after_, params_);
  baseline_indicators_ = planner::cartography::unit_indicators(territory_, before_, before_, params_);
  view.indicator = std::clamp(view.indicator, 0, static_cast<int>(indicators_.size()) - 1);
}

}  // namespace recompose::viewer
