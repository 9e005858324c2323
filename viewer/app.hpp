// The viewer's application object: the territory, the access engine, the current
// scenario with undo/redo, the baseline and scenario evaluations, and a small
// ViewState (camera, layers, selection). Panels read it; edits go through App so
// that every edit is evaluated at once, autosaved, and refused with a message
// (never a crash) when the engine rejects it.
#pragma once

#include <memory>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "planner/access_engine.hpp"
#include "planner/cartography/map_render.hpp"
#include "planner/cartography/unit_indicators.hpp"
#include "planner/classification.hpp"
#include "planner/comparison.hpp"
#include "planner/evaluation.hpp"
#include "planner/scenario.hpp"
#include "planner/territory.hpp"

namespace recompose::viewer {

// One choropleth indicator: the planner's catalogue, shared with the print maps.
using Indicator = planner::cartography::UnitIndicator;

enum class Mode { Select, AddCentre, Relocate, MergeAt };

// What was found by the search box and is shown for a while after the map flew to it.
struct Highlight {
  enum class Kind { None, Commune, Unit, Facility } kind = Kind::None;
  std::size_t index = 0;  // into Territory::communes / units, or the active evaluation's facilities
  double until_s = 0;     // ImGui time until which it is drawn
};

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
  // Room layout (viewer/layout.cpp): side columns, the comparison drawer, the split
  // before / after map, the presentation mode (map, legend and key figures only).
  bool show_left = true, show_right = true, show_compare = false;
  bool split = false, presentation = false, fullscreen = false;
  bool show_labels = true;
  std::string search;
  Highlight highlight;
  int tooltip_unit = -1;  // scripts: the unit whose tooltip is shown (no mouse under --script)
};

// A scenario held by the viewer beside the active one (see App::switch_to).
struct ScenarioSlot {
  planner::Scenario scenario;
  std::vector<planner::Scenario> undo, redo;
  planner::Evaluation after;
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

  // Several named scenarios held at once (issue 17); the active one is the one
  // edited, drawn and exported. Every function keeps the others as they are.
  std::size_t scenario_count() const { return slots_.size(); }
  std::size_t active_scenario() const { return active_; }
  const planner::Scenario& scenario_at(std::size_t i) const { return i == active_ ? scenario_ : slots_[i].scenario; }
  const planner::Evaluation& evaluation_at(std::size_t i) const { return i == active_ ? after_ : slots_[i].after; }
  void switch_to(std::size_t i);
  // A new scenario (the baseline, or a copy of the active one) under `name`; it becomes active.
  void new_scenario(const std::string& name);
  void duplicate_scenario(const std::string& name);
  void rename_scenario(const std::string& name);
  // Loads a scenario file as a new held scenario (active); false with a status on a bad file.
  bool open_scenario(const std::string& path);
  bool remove_scenario(std::size_t i);  // never the last one
  // A name not used by any held scenario: `base`, else "base (2)"...
  std::string unique_name(const std::string& base) const;
  // The comparison of the baseline and every held scenario (planner/comparison.hpp),
  // recomputed when a scenario changed since the last call.
  const planner::Comparison& comparison();
  // The baseline's indicators (same keys as indicators()): the left map of the split view.
  const std::vector<Indicator>& baseline_indicators() const { return baseline_indicators_; }
  void reset();
  // Save and export never end the session: a failure (a full disk, a folder being
  // written by another run) is a message in view.status and false.
  bool save(const std::string& path);
  // A territory in PostGIS: the current scenario saved into its database as a new
  // version on top of the version opened (planner/workspace/scenario_store.hpp). When a
  // colleague saved a newer one since, nothing is written, the status says who and
  // when, and conflict_pending() is true until the planner saves as a new version
  // (`as_new_version`) or changes scenario.
  [[nodiscard]] bool in_database() const;
  bool save_to_database(bool as_new_version = false);
  [[nodiscard]] bool conflict_pending() const { return conflict_pending_; }
  // A territory in PostGIS: the current evaluation (the layers of « Exporter les
  // couches », the summary and report) published into the schema of its scenario,
  // `<territory>_eval_<scenario>`, readable by QGIS (planner/workspace/evaluation_publish.hpp);
  // colleagues see the previous publication or this one whole. False with a status on failure.
  bool publish_to_database();
  // The stored version the current scenario was opened or last saved as (0: none).
  [[nodiscard]] int stored_version() const;
  // Loads a scenario file as the current scenario (an undoable edit); a scenario of
  // another territory is refused.
  bool load(const std::string& path);
  bool export_outputs(const std::string& dir);
  // The print map of the current indicator (planner/cartography/map_render.hpp, the
  // renderer of `recompose map`): PDF, SVG or PNG by extension; false with a status on failure.
  bool export_map(const std::string& path, planner::cartography::Layout layout);
  const std::string& autosave_path() const { return autosave_path_; }
  // The previous session's autosave, kept at start (moved to previous_autosave_path())
  // before this session writes its own, and offered for restoring.
  [[nodiscard]] bool has_previous_session() const { return previous_.has_value(); }
  [[nodiscard]] const planner::Scenario* previous_session() const { return previous_ ? &*previous_ : nullptr; }
  [[nodiscard]] const std::string& previous_autosave_path() const { return previous_path_; }
  bool restore_previous();   // applies it (undoable); the offer ends
  void dismiss_previous();   // starts without it; the file stays

  ViewState view;

 private:
  bool apply(planner::Scenario next, const std::string& what);
  bool add_slot(planner::Scenario s, const std::string& what);  // evaluated, appended, made active
  int free_number(const std::string& id_prefix) const;  // smallest n with no facility id prefix+n
  void rebuild_indicators();

  std::string territory_locator_;  // the folder or PG:... it was loaded from
  std::map<std::string, int> stored_versions_;  // scenario name -> version opened or saved (PostGIS)
  bool conflict_pending_ = false;
  unsigned publications_ = 0;  // numbers the temporary folders of publish_to_database
  planner::Territory territory_;
  std::unique_ptr<planner::AccessEngine> engine_;
  planner::EvalParams params_;
  planner::Scenario scenario_;
  std::vector<planner::Scenario> undo_, redo_;
  planner::Evaluation before_, after_;
  std::vector<Indicator> indicators_, baseline_indicators_;
  std::vector<ScenarioSlot> slots_ = std::vector<ScenarioSlot>(1);  // slots_[active_] is stale: the live one is below
  std::size_t active_ = 0;
  std::uint64_t scenarios_version_ = 1, compared_version_ = 0;  // any held scenario changed / compared
  planner::Comparison comparison_;
  planner::Scenario baseline_ = planner::Scenario::baseline();
  std::uint64_t version_ = 0;
  double last_eval_ms_ = 0;
  std::string autosave_path_, previous_path_;
  std::optional<planner::Scenario> previous_;
};

}  // namespace recompose::viewer
