// The exact mode: the instance as a mixed-integer linear programme, solved by CBC
// (COIN-OR branch-and-cut, Debian coinor-libcbc-dev) with a time limit. It gives the
// optimum, or the best solution found and CBC's lower bound, so that the heuristic's
// answer carries its gap to that bound. The models are the textbook ones:
//   p-median      min sum w_i t_ij x_ij + sum w_i P u_i,  sum_j x_ij + u_i = 1,  x_ij <= y_j,
//                 sum_j y_j <= p   (x_ij only for sites no farther than the nearest
//                 always-open one; must-cover points: only t_ij <= max_time, no u_i)
//   MCLP          min sum w_i (1 - z_i),  z_i <= sum_{t_ij <= T} y_j,  sum_j y_j <= p
//   LSCP          min sum_j y_j,  sum_{t_ij <= T} y_j >= 1 for every coverable point
//   capacitated   p-median + binaries z_kj (the team of closed site k merged into j, t_kj <=
//                 merge_max): sum_j z_kj + y_k = 1, z_kj <= y_j,
//                 (team_j - C) y_j + sum_k team_k z_kj >= 0,  sum_j y_j <= N
// max_time adds sum_{t_ij <= max_time} y_j >= 1 to MCLP. Locked sites fix y_j.
// Cost: one row per (point, site) pair of the tables for the p-median forms; CBC runs on
// one thread. Cancellable (Control) between CBC's nodes and the LP's iterations.
#pragma once

#include <string>

#include "planner/optimise/control.hpp"
#include "planner/optimise/solution.hpp"

namespace recompose::planner::optimise {

enum class ExactStatus { Optimal, TimeLimit, Infeasible, NoSolution, Cancelled };
std::string exact_status_label(ExactStatus s);  // French

struct ExactResult {
  ExactStatus status = ExactStatus::NoSolution;
  bool has_solution = false;
  Solution solution;           // CBC's best (evaluated like the heuristic's)
  double objective = 0;        // CBC's objective, in primary() units
  double bound = 0;            // CBC's best bound, in primary() units (LSCP: rounded up); NaN: none
                               // (stopped before the root relaxation was solved)
  double seconds = 0;
  int rows = 0, columns = 0, integers = 0;
  long nodes = 0;
};

struct ExactOptions {
  double time_limit_s = 60;
  const Solution* start = nullptr;  // a first solution for CBC (the heuristic's)
  int log_level = 0;                // CBC's own log on stdout (0: silent; `recompose optimise` reads
                                    // RECOMPOSE_CBC_LOG=1 from the environment, for debugging)
};

ExactResult solve_exact(const Instance& in, const ExactOptions& options, const Control& control = {});

// Relative gap of `value` to `bound` in the objective's natural sense, in %:
// p-median, LSCP (minimised): (value - bound) / value; MCLP (coverage maximised,
// given as uncovered weight u of total W): ((W - u_bound) - (W - u)) / (W - u_bound).
double relative_gap_percent(const Instance& in, double value, double bound);

}  // namespace recompose::planner::optimise
