// "Proposer une recomposition": the optimiser end to end. From a territory's access
// engine and baseline evaluation and a Problem, it builds the instance (instance.hpp),
// runs the heuristic (heuristic.hpp), then, when asked, CBC (exact.hpp) with the
// heuristic's answer as first solution, and turns the best answer into an ordinary
// scenario (format recompose-scenario/1: close, merge ... into, merge ... at, relocate,
// open) that `recompose evaluate` and the viewer read. The proposal is evaluated at
// once, and the objective recomputed from that evaluation must equal the optimiser's
// (`verified_*`): the scenario is exactly the answer.
//
// How the answer becomes edits:
//   - an existing site kept: no edit;
//   - a closed site, "merge" (default for the regime's sites): merged into the kept
//     site that takes most of its baseline catchment (capacitated form: the site its
//     team goes to), so its team or capacity follows; "close": closed;
//   - a new site: opened; when closed sites merge into it, one of them is relocated
//     there (one site) or they are merged at its position (several).
// Cost: the instance (one restricted sweep per new candidate, batched) + the heuristic +
// CBC's time limit + two evaluations.
#pragma once

#include <string>
#include <vector>

#include "planner/evaluation.hpp"
#include "planner/optimise/exact.hpp"
#include "planner/optimise/heuristic.hpp"
#include "planner/optimise/instance.hpp"
#include "planner/optimise/lagrangian.hpp"
#include "planner/scenario.hpp"

namespace recompose::planner::optimise {

// One line of "what moved", per candidate whose state changes.
struct Move {
  std::string action;  // "fermeture", "regroupement", "déplacement", "ouverture"
  std::string id, name, source, commune_code;
  std::string into_id, into_name;  // regroupement / déplacement: where it goes
  double minutes_between = std::numeric_limits<double>::quiet_NaN();  // road, site to site (capacitated), NaN unknown
  double km_between = std::numeric_limits<double>::quiet_NaN();       // as the crow flies, site to site
  double team = 0;            // GP FTE or capacity moved with it
  double weight_served = 0;   // baseline catchment weight of a closed site; served weight of a new one
  std::string lock_reason;
};

// An objective in the planner's terms (French units).
struct ObjectiveFigures {
  double value = 0;           // primary(): weighted ds sum, uncovered weight, or sites
  double mean_min = 0;        // weighted mean time over the demand points (penalty included)
  double mean_reached_min = 0;  // over the points with a site within the cutoff
  double covered = 0;         // weight within T (mclp, lscp, close_k couverture)
  double uncovered_weight = 0;
  double weight_no_site = 0;  // weight left with no site within the cutoff
  double weight_beyond_max = 0;  // weight beyond max_time (when set)
  std::size_t sites = 0;      // counted open sites
  double violations = 0;      // Cost::v
};

struct OptimiseResult {
  Problem problem;
  InstanceReport report;
  Instance instance;
  std::vector<std::uint8_t> baseline_open;
  ObjectiveFigures before, heuristic_figures, after;
  Solution heuristic;
  HeuristicStats heuristic_stats;
  bool exact_run = false;
  ExactResult exact;
  std::string chosen = "heuristique";  // which answer the proposal is: "heuristique" or "exact (CBC)"
  Solution solution;                   // the proposal's
  double gap_percent = std::numeric_limits<double>::quiet_NaN();  // heuristic to CBC's bound
  double gap_chosen_percent = std::numeric_limits<double>::quiet_NaN();  // proposal to CBC's bound
  // p-median forms: a Lagrangian lower bound (lagrangian.hpp), computed whatever CBC does.
  LagrangianBound lagrangian;
  double gap_lagrangian_percent = std::numeric_limits<double>::quiet_NaN();  // heuristic to it
  Scenario proposal;
  std::vector<Move> moves;
  double seconds_instance = 0, seconds_total = 0;
  // The proposal evaluated (every indicator), and the objective recomputed from it:
  // must equal `after` (checked in the tests; a difference is reported).
  Evaluation evaluation;
  ObjectiveFigures verified;
  bool verified_equal = false;
  std::vector<std::string> checks;  // what the planner should check by hand (French)
};

OptimiseResult optimise(AccessEngine& engine, const Evaluation& baseline, const Problem& problem,
                        const EvalParams& params, const Control& control = {});

// The objective of an evaluation (baseline or scenario) on the instance's demand
// points: the time to the nearest open site of the target, as `evaluate` computed it.
ObjectiveFigures figures_from_evaluation(const Instance& in, const InstanceReport& rep, const Evaluation& e);
// The same from an open set of the instance.
ObjectiveFigures figures_of(const Instance& in, const std::vector<std::uint8_t>& open);

// French text of the natural objective ("temps moyen pondéré 7,4 min", "12 sites").
std::string objective_text(const Instance& in, const Problem& p, const ObjectiveFigures& f);

}  // namespace recompose::planner::optimise
