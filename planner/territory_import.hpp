// `recompose import`: builds a Territory from a manifest and the raw open data,
// and records everything a reviewer needs in an ImportReport.
#pragma once

#include <functional>
#include <string>

#include "planner/import_report.hpp"
#include "planner/manifest.hpp"
#include "planner/territory.hpp"

namespace recompose::planner {

struct ImportOptions {
  std::string data_root;
  std::string cache_dir;  // where graph caches are looked up / written; empty: none
  std::function<void(const std::string&)> progress;  // long steps report here
};

Territory import_territory(const Manifest& m, const ImportOptions& options, ImportReport& report);

// Edge effects: keeps the facilities flagged `outside_territory` that some snapped
// unit reaches within `max_minutes` by road (one multi-source search from every
// unit, access legs included) and drops the others; counts both in `report` and
// adds the assumption sentence to the territory. Needs a territory with roads.
void select_outside_facilities(Territory& t, double max_minutes, ImportReport& report);

}  // namespace recompose::planner
