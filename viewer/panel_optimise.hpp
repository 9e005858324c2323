// "Proposer une recomposition": the optimiser's main options (objective, size, coverage
// time, maximum time, candidate sources, critical size, exact mode), run on a thread of
// its own with a progress bar and a cancel button, never in the frame. Its section sits in
// the room's right column (viewer/layout.cpp, folded until opened); main.cpp owns the
// panel and polls it every frame. The worker
// builds its own access engine (tables from the territory's cache) so that the App's
// engine stays the UI thread's. When it finishes, the proposal is written beside the
// territory (optimisation-atelier/proposition.json and optimisation.md) and loaded as
// the current scenario through App::load: an ordinary, undoable edit that the planner
// then modifies, undoes (Ctrl+Z) or discards ("Situation actuelle").
//
// Script commands (viewer --script), so tests drive it under Xvfb:
//   optimise OBJECTIVE SIZE [target=T] [coverage=MIN] [max=MIN] [critical=FTE] [merge=MIN]
//            [historic] [communes] [grid=KM] [exact=0|1] [limit=S]
//   optimise-wait      blocks until the run ends, then loads the proposal
//   optimise-cancel    cancels the run and waits for the thread
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "app.hpp"
#include "planner/optimise/control.hpp"
#include "planner/optimise/problem.hpp"

namespace recompose::viewer {

class OptimisePanel {
 public:
  explicit OptimisePanel(App& app);
  ~OptimisePanel();  // cancels a run and joins its thread
  OptimisePanel(const OptimisePanel&) = delete;
  OptimisePanel& operator=(const OptimisePanel&) = delete;

  // Every frame, on the UI thread: loads a finished run's proposal as the scenario.
  void poll();
  // The section's content (options, progress, result), inside the right column.
  void draw_content();
  // A run started by a script unfolds the section once.
  bool take_unfold() {
    const bool u = unfold_;
    unfold_ = false;
    return u;
  }
  // A script line starting with "optimise"; returns false when it is not one.
  bool run_script(const std::string& command, std::istringstream& args);


 private:
  void start();
  void wait();
  void collect();  // on the UI thread, once the worker is done: load the proposal
  [[nodiscard]] planner::optimise::Problem problem() const;

  App& app_;
  // Options
  int objective_ = 0;  // index in the objectives of the combo
  int sites_ = 10, close_ = 2;
  float coverage_min_ = 15, max_time_min_ = 30, critical_fte_ = 3, merge_max_min_ = 30, grid_km_ = 0, time_limit_s_ = 10;
  bool use_max_time_ = false, historic_ = false, communes_ = false, exact_ = true;
  std::string target_;  // "" : the default (regime_gp)
  bool unfold_ = false;
  // The run
  std::thread worker_;
  std::atomic<bool> cancel_{false}, done_{false};
  bool running_ = false;
  mutable std::mutex mutex_;  // guards the fields below, written by the worker
  planner::optimise::Progress progress_;
  std::string error_, proposal_path_;
  std::vector<std::string> summary_;  // French lines of the last result
  double started_s_ = 0;
};

// The section drawn by the room's right column: the panel main.cpp created (nothing
// when there is none); and whether a script asked to unfold it.
void draw_optimise_panel(App& app);
bool optimise_panel_unfold();

}  // namespace recompose::viewer
