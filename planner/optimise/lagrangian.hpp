// A lower bound for the p-median forms (p-median, close_k "temps", and the capacitated
// form, whose team constraints only add to the p-median's), by Lagrangian relaxation of
// the assignment constraints and subgradient ascent (Cornuéjols, Fisher & Nemhauser
// 1977; Beasley 1993). With multipliers lambda_i:
//   L(lambda) = sum_i lambda_i + sum_i min(0, P_i - lambda_i) + sum of the rho_j of the
//               always-open sites + the (p - locked) most negative rho_j of the free ones,
//   rho_j     = sum_{i in column j} min(0, w_i t_ij - lambda_i),
// every L(lambda) is a valid lower bound. It costs one pass over the tables per
// iteration (a few milliseconds on the 1 M-node instance), so every heuristic answer
// gets a gap even where CBC does not finish. Not for MCLP or LSCP (returns NaN).
#pragma once

#include <cstddef>
#include <limits>

#include "planner/optimise/control.hpp"
#include "planner/optimise/instance.hpp"

namespace recompose::planner::optimise {

struct LagrangianBound {
  double bound = std::numeric_limits<double>::quiet_NaN();  // primary() units (weighted ds); NaN: not applicable
  std::size_t iterations = 0;
  double seconds = 0;
};

// `upper`: the value of a known solution (the heuristic's), used for the step size.
LagrangianBound lagrangian_bound(const Instance& in, double upper, std::size_t max_iterations = 600,
                                 const Control& control = {});

}  // namespace recompose::planner::optimise
