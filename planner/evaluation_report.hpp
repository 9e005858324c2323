// Outputs of `recompose evaluate`: the baseline and a scenario side by side.
//   unites.geojson / unites.csv       every unit indicator before, after, delta
//   etablissements.geojson / .csv     facilities, state, capacity, population served
//   bassins.geojson                   catchments (units dissolved by nearest facility)
//   isochrones.geojson                10/20/30 min around the urgent-care sites
//   evaluation.gpkg                   all of the above as layers (EPSG:2154)
//   communes.csv, epci.csv, zones_emploi.csv, territoire.csv   aggregates
//   licences_pharmacie.csv            licences allowed per commune
//   rapport.md (French), summary.json (key figures for machines)
// GeoJSON is RFC 7946 (WGS84, 6 decimals); CSV decimals use a point, codes stay
// strings; every file is written atomically.
#pragma once

#include <string>

#include "planner/evaluation.hpp"

namespace recompose::planner {

struct KeyFigures {
  std::string target;
  double population = 0;
  double population_routed = 0;      // units on the network (all of them in the straight-line model)
  double population_off_network = 0;  // units not routed: never counted as near or far
  double beyond_threshold = 0;        // routed units beyond the threshold, or with nothing within the cutoff
  double no_access = 0;               // routed units with nothing within the cutoff
  double mean_min = 0, p90_min = 0;
  std::map<double, double> coverage;       // threshold -> population
  std::map<double, double> coverage_need;  // threshold -> need-weighted population
};

KeyFigures key_figures(const Territory& t, const Evaluation& e, const EvalParams& p, const std::string& target);

struct EvaluationOutputs {
  std::string summary_text;  // a few French lines for the terminal
};

EvaluationOutputs write_evaluation(AccessEngine& engine, const Scenario& scenario, const EvalParams& params,
                                   const Evaluation& before, const Evaluation& after, const std::string& out_dir);

}  // namespace recompose::planner
