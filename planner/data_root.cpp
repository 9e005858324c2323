#include "planner/data_root.hpp"

#include <cstdlib>
#include <filesystem>

#include "geo/error.hpp"

namespace recompose::planner {

namespace fs = std::filesystem;

std::string resolve_data_root(const std::string& option, const std::string& manifest_path) {
  std::vector<std::string> tried;
  auto accept = [&](const fs::path& p) {
    tried.push_back(p.string());
    return fs::is_directory(p);
  };
  if (!option.empty()) {
    if (accept(option)) return fs::path(option).lexically_normal().string();
    throw geo::Error("data root " + option + " (from --data-root) is not a directory");
  }
  if (const char* env = std::getenv("RECOMPOSE_DATA_ROOT"); env && *env) {
    if (accept(env)) return fs::path(env).lexically_normal().string();
    throw geo::Error(std::string("data root ") + env + " (from RECOMPOSE_DATA_ROOT) is not a directory");
  }
  const fs::path cwd_default = fs::path("..") / "shared" / "datasets" / "raw";
  if (accept(cwd_default)) return cwd_default.string();
  if (!manifest_path.empty()) {
    // datasets/<name>.json -> <repo>/../shared/datasets/raw
    const fs::path repo = fs::absolute(manifest_path).parent_path().parent_path();
    const fs::path p = repo.parent_path() / "shared" / "datasets" / "raw";
    if (accept(p)) return p.lexically_normal().string();
  }
  std::string list;
  for (const auto& t : tried) list += " " + t;
  throw geo::Error("no data root: pass --data-root DIR or set RECOMPOSE_DATA_ROOT (tried:" + list +
                   "); datasets/fetch_open_data.sh downloads the data");
}

}  // namespace recompose::planner
