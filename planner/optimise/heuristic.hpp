// The fast heuristic, for interactive use: a constructive start, then Teitz-Bart
// vertex substitution (swap one open site for one closed candidate while the cost
// improves, best swap first) with the incremental gain/loss/extra bookkeeping of
// Resende & Werneck ("A fast swap-based local search procedure for location
// problems", 2007) on the sparse tables:
//   gain(j)     cost saved by opening candidate j
//   loss(r)     cost added by closing open site r
//   extra(j, r) correction of the swap (j in, r out) for the points whose nearest site is r
// so that profit(j, r) = gain(j) - loss(r) + extra(j, r) for every pair at once, and a
// swap only updates the demand points whose nearest or second-nearest site changes
// (those in the columns of j and r). Cost per swap: O(affected points x their row
// prefix) + O(candidates x open sites) to pick the best swap; memory: one Cost per
// (candidate, open site).
//
// Starts: p-median and MCLP add the best candidate p times (greedy); close_k and the
// capacitated form drop from the existing sites (least loss first; capacitated: until
// at most N remain and the teams can reach the critical size); LSCP covers greedily,
// removes redundant sites, then tries one site fewer at a time (swaps on
// uncovered-then-time) until that fails. Capacitated swaps are taken best first among
// those whose team plan is complete (solution.hpp: assign_teams).
#pragma once

#include <cstddef>

#include "planner/optimise/control.hpp"
#include "planner/optimise/solution.hpp"

namespace recompose::planner::optimise {

struct HeuristicStats {
  std::size_t insertions = 0, removals = 0, swaps = 0;  // moves applied (kicks and their undoing included)
  std::size_t kicks = 0;                                // perturbations of the iterated local search
  std::size_t affected_points = 0;  // demand points updated, summed over the moves
  double seconds = 0;
};

// The heuristic's answer (feasible = false when it found no set meeting the hard
// constraints: max_time, the LSCP cover, or the teams of the capacitated form).
Solution solve_heuristic(const Instance& in, const Control& control = {}, HeuristicStats* stats = nullptr);

}  // namespace recompose::planner::optimise
