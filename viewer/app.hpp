// The viewer's application object: the territory, the access engine, the current
// scenario with undo/redo, the baseline and scenario evaluations, and a small
// ViewState (camera, layers, selection). Panels read it; edits go through App so
// that every edit is evaluated at once, autosaved, and refused with a message
// (never a crash) when the engine rejects it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "planner/access_engine.hpp"
#include "planner/cartography/map_render.hpp"
#include "planner/cartography/unit_indicators.hpp"
#include "planner/classification.hpp"
#include "planner/evaluation.hpp"
#include "planner/scenario.hpp"
#include "planner/territory.hpp"

namespace recompose::viewer {

// One choropleth indicator: the planner's catalogue, shared with the print maps.
using Indicator = planner::cartography::UnitIndicator;

enum class Mode { Select, AddCentre, Relocate, MergeAt };

struct ViewState {
  double cx_m = 0, cy_m = 0, scale_px_per_m = 0.01;  // camera: centre and zoom
  int indicator = 0;
  planner::ClassMethod method = planner::ClassMethod::Quantiles;
  int classes = 5;
  bool show_roads = true, show_communes = true, show_facilities = true, show_isochrones = false;
  bool show_regime = true, show_uft = true;  // the regime's sites by type and status; UFT links
  bool show_figures = true, show_scenario = true, show_layers = true;
  std::vector<std::string> selection;  // facility ids
  Mode mode = Mode::Select;
  std::string new_kind = "gp_point";
  float new_capacity = 3;
  std::string status;
  bool interactive = true;  // false under --script / --screenshot: the mouse is ignored
  bool fit_requested = false;
  std::string png_request;  // a map export asked from a panel, taken at the end of the frame
};

class App {
 public:
  App(const std::string& territory_dir, const std::string& scenario_path);

  const planner::Territory& territory() const { return territory_; }
  const planner::Evaluation& before() const { return before_; }
  const planner::Evaluation& after() const { return after_; }
  const planner::Scenario& scenario() const { return scenario_; }
  const planner::EvalParams& params() const { return params_; }
  planner::AccessEngine& engine() { return *engine_; }
  const std::vector<Indicator>& indicators() const { return indicators_; }
  std::uint64_t version() const { return version_; }  // bumps on every evaluation
  double last_eval_ms() const { return last_eval_ms_; }

  // Edits: each is evaluated at once; a refused edit leaves the scenario as it was.
  bool close(const std::string& id);
  bool reopen(const std::string& id);
  bool merge_into(const std::vector<std::string>& ids, const std::string& into);
  bool merge_at(const std::vector<std::string>& ids, geo::PointM at);
  bool relocate(const std::string& id, geo::PointM to);
  bool open_site(const std::string& kind, double capacity, geo::PointM at);
  bool set_capacity(const std::string& id, double capacity);
  // UFT groups: "connexe" or "complet" (RegimeParams::uft_grouping); re-evaluates both situations.
  void set_uft_grouping(const std::string& grouping);
  // Pharmacy edits (close_pharmacy, transfer_pharmacy into a centre, regroup_pharmacies,
  // open_bilateral; planner/offer/pharmacies.hpp).
  bool pharmacy_edit(const std::string& op, const std::vector<std::string>& ids, const std::string& into = "");
  bool undo();
  bool redo();
  void reset();
  void save(const std::string& path) const;
  // Loads a scenario file as the current scenario (an undoable edit).
  bool load(const std::string& path);
  void export_outputs(const std::string& dir);
  // The print map of the current indicator (planner/cartography/map_render.hpp, the
  // renderer of `recompose map`): PDF, SVG or PNG by extension; false with a status on failure.
  bool export_map(const std::string& path, planner::cartography::Layout layout);
  const std::string& autosave_path() const { return autosave_path_; }

  ViewState view;

 private:
  bool apply(planner::Scenario next, const std::string& what);
  int free_number(const std::string& id_prefix) const;  // smallest n with no facility id prefix+n
  void rebuild_indicators();

  planner::Territory territory_;
  std::unique_ptr<planner::AccessEngine> engine_;
  planner::EvalParams params_;
  planner::Scenario scenario_;
  std::vector<planner::Scenario> undo_, redo_;
  planner::Evaluation before_, after_;
  std::vector<Indicator> indicators_;
  std::uint64_t version_ = 0;
  double last_eval_ms_ = 0;
  std::string autosave_path_;
};

}  // namespace recompose::viewer
