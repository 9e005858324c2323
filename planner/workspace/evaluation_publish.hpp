// An evaluation written back into the territory's database, for QGIS and colleagues:
// one schema per scenario, `<territory schema>_eval_<scenario>`, holding the layers of
// evaluation.gpkg (unites, etablissements, bassins, isochrones, layer_styles) and a
// table recompose_evaluation (nom, contenu): summary.json, rapport.md, scenario.json.
// The QGIS styles are also registered in public.layer_styles (QGIS's own table for
// PostgreSQL layers), so the layers open styled as in the GeoPackage.
//
// Published whole, in one transaction (pg_territory.hpp's staging schema and switch):
// colleagues see the previous evaluation or the new one, never a part.
#pragma once

#include <string>

namespace recompose::planner::workspace {

struct PublishedEvaluation {
  std::string schema;
  int layers = 0;
};

// `evaluation_dir`: a folder written by write_evaluation. `scenario_name`: the
// scenario's name ("Situation actuelle" for the baseline).
PublishedEvaluation publish_evaluation(const std::string& territory_locator, const std::string& evaluation_dir,
                                       const std::string& scenario_name, const std::string& scenario_json);

// The schema an evaluation of `scenario_name` goes to.
std::string evaluation_schema(const std::string& territory_schema, const std::string& scenario_name);

}  // namespace recompose::planner::workspace
