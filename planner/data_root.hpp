// Where the raw open data lives. Never inside the repository: the data root is
// `--data-root`, else $RECOMPOSE_DATA_ROOT, else `../shared/datasets/raw` (from the
// working directory, then from the repository the manifest sits in) when it exists.
#pragma once

#include <string>

namespace recompose::planner {

// Throws geo::Error (usage) listing what was tried when no data root exists.
std::string resolve_data_root(const std::string& option, const std::string& manifest_path = "");

}  // namespace recompose::planner
