// Outputs of `recompose optimise`, written into one directory:
//   proposition.json            the proposal, an ordinary scenario (recompose-scenario/1)
//   probleme.json               the problem as solved (recompose-optimise/1), to run it again
//   evaluation/                 the proposal evaluated against the baseline (write_evaluation:
//                               rapport.md, summary.json, unites/etablissements .geojson|.csv, ...)
//   optimisation.md             French: problem, constraints, objective before / after, gap to
//                               CBC's bound, what moved, what the planner should check by hand
//   optimisation.json           the same figures for machines
//   candidats.geojson / .csv    every candidate site with its source, lock and state
// With the regime's fictitious example data every file says kFictitiousLabel. Every
// file is written atomically.
#pragma once

#include <string>

#include "planner/optimise/optimiser.hpp"

namespace recompose::planner::optimise {

struct OptimisationOutputs {
  std::string terminal;  // a few French lines
};

OptimisationOutputs write_optimisation(AccessEngine& engine, const EvalParams& params, const Evaluation& before,
                                       const OptimiseResult& r, const std::string& out_dir);

// The French markdown of optimisation.md (also shown by the viewer).
std::string optimisation_markdown(const Territory& t, const OptimiseResult& r);

}  // namespace recompose::planner::optimise
