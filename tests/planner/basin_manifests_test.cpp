// Every territory manifest of datasets/ (one generated case per file): it parses with
// Manifest::load, and every data file it names exists under the data root
// (RECOMPOSE_DATA_ROOT or ../shared/datasets/raw); the speed profile of a road network
// exists beside the manifest. Nothing is imported here (the real imports are too slow
// for CI); a missing or misspelt path shows up before anyone runs `recompose import`.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "planner/manifest.hpp"
#include "test_support.hpp"

using namespace recompose;
namespace fs = std::filesystem;

namespace {

// datasets/*.json (not the profiles/ or scenarios/ subfolders), sorted; regime
// manifests (lists of basin manifests, "recompose-regime/1") are tested apart.
std::vector<std::string> manifest_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(test::source_dir() / "datasets")) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    if (test::read_json(e.path().string()).value("format", "") == "recompose-regime/1") continue;
    out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// (what, relative path) for every data file the manifest names.
std::vector<std::pair<std::string, std::string>> data_paths(const planner::Manifest& m) {
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back("communes.select", m.communes.select.path);
  out.emplace_back("communes.population", m.communes.population.path);
  for (std::size_t i = 0; i < m.communes.geometry.size(); ++i) {
    out.emplace_back("communes.geometry[" + std::to_string(i) + "]", m.communes.geometry[i].path);
  }
  if (m.communes.epci) out.emplace_back("communes.epci", m.communes.epci->path);
  if (m.communes.zonage) out.emplace_back("communes.zonage", m.communes.zonage->path);
  out.emplace_back("units", m.units.layer.path);
  if (!m.units.population.path.empty()) out.emplace_back("units.population", m.units.population.path);
  for (std::size_t i = 0; i < m.facilities.size(); ++i) {
    out.emplace_back("facilities[" + std::to_string(i) + "]", m.facilities[i].layer.path);
  }
  for (std::size_t i = 0; i < m.indicators.size(); ++i) {
    out.emplace_back("indicators[" + std::to_string(i) + "]", m.indicators[i].layer.path);
  }
  if (m.roads.kind != "none") out.emplace_back("roads", m.roads.layer.path);
  return out;
}

}  // namespace

TEST_CASE("Every manifest of datasets/ parses and names existing data files", "[manifest][real]") {
  const auto files = manifest_files();
  // The two manifests the demo uses are always there; the basins add six more.
  REQUIRE(std::count_if(files.begin(), files.end(), [](const std::string& f) {
            return f.ends_with("/loire.json") || f.ends_with("/lens-henin.json");
          }) == 2);

  const std::string file = GENERATE_COPY(from_range(files));
  INFO("manifest " << file << ", data root " << test::data_root());
  planner::Manifest m;
  REQUIRE_NOTHROW(m = planner::Manifest::load(file));
  CHECK(m.name == fs::path(file).stem().string());
  CHECK(!m.description.empty());
  CHECK(!m.communes.geometry.empty());

  const auto paths = data_paths(m);
  CHECK(paths.size() >= 7);  // select, population, >= 1 geometry, units, >= 1 facility layer...
  for (const auto& [what, rel] : paths) {
    INFO(what << ": " << rel);
    CHECK(!rel.empty());
    // "path_from": "manifest" (e.g. datasets/examples/): a file shipped beside the manifest.
    if (fs::path(rel).is_absolute() && rel.starts_with(fs::absolute(file).parent_path().string() + "/")) {
      CHECK(fs::is_regular_file(rel));
      continue;
    }
    CHECK(fs::path(rel).is_relative());  // data paths never leave the data root
    CHECK(fs::is_regular_file(fs::path(test::data_root()) / rel));
  }
  if (m.roads.kind == "none") {
    CHECK(!m.roads.missing_reason.empty());
  } else {
    INFO("profile " << m.profile_path());
    CHECK(fs::is_regular_file(m.profile_path()));
  }
}
