// `recompose import`: builds a Territory from a manifest and the raw open data,
// and records everything a reviewer needs in an ImportReport.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "planner/import_report.hpp"
#include "planner/manifest.hpp"
#include "planner/territory.hpp"

namespace recompose::planner {

struct ImportOptions {
  std::string data_root;
  std::string cache_dir;  // where graph caches are looked up / written; empty: none
  std::function<void(const std::string&)> progress;  // long steps report here
  // Replaces the manifest's `urgent_care_list` (e.g. `recompose import --urgent-care`);
  // its path is then absolute or relative to the current directory.
  std::optional<UrgentCareListSpec> urgent_care_list;
};

Territory import_territory(const Manifest& m, const ImportOptions& options, ImportReport& report);

}  // namespace recompose::planner
