// Import of the regime's own data (manifest key "regime"): sites become facilities
// of kind "regime_site" with their attributes in Territory::regime; affiliates per
// commune are spread over the commune's units pro rata population, affiliates per
// IRIS kept as they are. Called by import_territory after the facilities (the
// communes and units must exist). Every dropped or doubtful row is a diagnostic.
#pragma once

#include "planner/import_report.hpp"
#include "planner/manifest.hpp"
#include "planner/territory.hpp"

namespace recompose::planner {

void import_regime(const Manifest& m, Territory& t, ImportReport& r);

}  // namespace recompose::planner
