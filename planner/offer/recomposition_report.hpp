// Outputs of the regime's recomposition indicators, written by write_evaluation
// beside the other outputs when the territory has regime data:
//   centres.csv                    per budget unit, before / after
//   sites_regime.csv / .geojson    per regime site (keyed by `id`), before / after
//   uft.csv                        one row per site: its id and its UFT before / after
//   affilies.csv                   per unit: affiliates now and at the horizon, nearest site and time
// and the "Recomposition" section of rapport.md and the `recomposition` key of
// summary.json. With fictitious data every row, feature and section says
// kFictitiousLabel.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "planner/evaluation.hpp"

namespace recompose::planner {

struct RecompositionOutputs {
  std::string markdown;          // the rapport.md section ("" when no regime data)
  nlohmann::ordered_json summary;  // the summary.json value of "recomposition"
  std::string terminal;          // a few lines for the terminal
};

RecompositionOutputs write_recomposition(const Territory& t, const Scenario& scenario, const EvalParams& p,
                                         const Evaluation& before, const Evaluation& after,
                                         const std::string& out_dir);

// The parameters and the seed each comes from, as French lines (also used by the viewer).
std::vector<std::string> recomposition_parameter_notes(const EvalParams& p);

}  // namespace recompose::planner
