// The whole regime at once: basins compared on the same indicators. By hand on two
// made-up comparisons, then on two real basins against separate `evaluate` runs.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "geo/error.hpp"
#include "planner/basins_comparison.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace recompose;
using namespace recompose::test;

namespace {

planner::ComparisonRow row(const std::string& key, const std::string& unit, double v, bool key_figure = true) {
  planner::ComparisonRow r;
  r.key = key;
  r.group = "Urgences";
  r.label = key;
  r.unit = unit;
  r.key_figure = key_figure;
  r.values = {v};
  return r;
}

std::string import_dir(const std::string& manifest, const std::string& name, const std::string& cache) {
  static TempDir tmp("regime-basins");
  json m = read_json(source_file("datasets/" + manifest));
  m["roads"]["profile"] = car_profile();
  absolute_regime_paths(m);
  const Run r = run_import(tmp, m, name, graph_cache_dir(cache));
  INFO(r.output);
  REQUIRE(r.code == 0);
  return tmp.file(name);
}

}  // namespace

TEST_CASE("basins: one column per basin, totals only for counts", "[regime-basins]") {
  planner::Comparison a, b;
  a.territory_name = "a";
  a.population = 1000;
  a.rows = {row("targets/urgent_care/*/population_beyond_30_min", "hab.", 120),
            row("targets/urgent_care/*/mean_min", "min", 12.5)};
  b.territory_name = "b";
  b.population = 500;
  b.rows = {row("targets/urgent_care/*/population_beyond_30_min", "hab.", 30),
            row("targets/urgent_care/*/mean_min", "min", 8),
            row("recomposition/*/centres_below_critical", "centres", 2)};
  const auto c = planner::compare_basins({a, b}, {"A", "B"}, "t");
  REQUIRE(c.basins.size() == 2);
  REQUIRE(c.rows.size() == 3);
  // Beyond 30 min: 120 + 30 = 150 in the total.
  CHECK(c.rows[0].values == std::vector<double>{120, 30, 150});
  CHECK(c.additive[0]);
  // A mean does not add up.
  CHECK_FALSE(c.additive[1]);
  CHECK(std::isnan(c.rows[1].values[2]));
  // A figure basin a lacks is missing there (never 0), and the total is b's.
  CHECK(std::isnan(c.rows[2].values[0]));
  CHECK(c.rows[2].values[1] == 2);
  CHECK(c.rows[2].values[2] == 2);
  const std::string md = planner::basins_markdown(c);
  CHECK_THAT(md, Catch::Contains("| Indicateur | a | b | Total |"));
  CHECK_THAT(md, Catch::Contains("—"));
}

TEST_CASE("basins: the regime manifest names its errors", "[regime-basins]") {
  TempDir tmp("regime-manifest");
  write_text(tmp.file("bad.json"), R"({"format": "recompose-regime/2", "territories": ["a.json"]})");
  CHECK_THROWS_WITH(planner::RegimeManifest::load(tmp.file("bad.json")), Catch::Contains("recompose-regime/1"));
  write_text(tmp.file("empty.json"), R"({"format": "recompose-regime/1", "territories": []})");
  CHECK_THROWS_WITH(planner::RegimeManifest::load(tmp.file("empty.json")), Catch::Contains("territories"));
  // The project's manifest lists basin manifests that exist, relative to itself.
  const auto m = planner::RegimeManifest::load(source_file("datasets/france-regime-minier.json"));
  CHECK(m.territories.size() >= 5);
  for (const auto& t : m.territories) {
    INFO(t);
    CHECK(fs::exists(t));
  }
}

TEST_CASE("basins: two real basins equal their separate evaluations figure by figure", "[regime-basins][real]") {
  const std::string loire = import_dir("loire.json", "loire", "loire");
  const std::string lens = import_dir("lens-henin.json", "lens-henin", "npdc");
  TempDir tmp("regime-run");
  const Run r = run_cli("regime --territory " + shell_quote(loire) + " --territory " + shell_quote(lens) + " --out " +
                            shell_quote(tmp.file("out")),
                        tmp.str());
  INFO(r.output);
  REQUIRE(r.code == 0);
  const auto rows = read_csv(tmp.file("out/bassins.csv"));
  REQUIRE_FALSE(rows.empty());
  std::map<std::string, json> summary;
  for (const auto& [name, dir] : {std::pair{"loire", loire}, std::pair{"lens-henin", lens}}) {
    const Run e = run_cli("evaluate " + shell_quote(dir) + " --out " + shell_quote(tmp.file(std::string("ev-") + name)),
                          tmp.str());
    REQUIRE(e.code == 0);
    summary[name] = read_json(tmp.file(std::string("ev-") + name + "/summary.json"));
  }
  std::size_t checked = 0;
  for (const auto& row : rows) {
    const std::string key = row.at("cle");
    if (key.rfind("targets/", 0) != 0) continue;
    // "targets/T/*/figure[/sub]": the baseline column of each basin is summary.json's "before".
    std::string path = key;
    path.replace(path.find("/*/"), 3, "/before/");
    double sum = 0;
    bool all = true;
    for (const std::string name : {"loire", "lens-henin"}) {
      const json* node = &summary[name];
      std::istringstream parts(path);
      for (std::string part; std::getline(parts, part, '/');) {
        if (!node->is_object() || !node->contains(part)) {
          node = nullptr;
          break;
        }
        node = &(*node)[part];
      }
      const std::string cell = row.at(name);
      INFO(key << " in " << name << ": " << cell);
      if (!node || node->is_null()) {
        CHECK(cell.empty());
        all = false;
        continue;
      }
      REQUIRE_FALSE(cell.empty());
      CHECK(std::stod(cell) == Approx(node->get<double>()).margin(1e-6));
      sum += node->get<double>();
      ++checked;
    }
    if (all && row.at("unite") == "hab.") {
      CHECK(std::stod(row.at("total")) == Approx(sum).margin(1e-6));
    }
  }
  CHECK(checked > 20);
  const std::string md = read_text(tmp.file("out/bassins.md"));
  CHECK_THAT(md, Catch::Contains("loire"));
  CHECK_THAT(md, Catch::Contains("lens-henin"));
  CHECK_THAT(md, Catch::Contains("données fictives d'exemple"));  // the fictitious regime example is said
  // Nothing to compare: a usage error.
  CHECK(run_cli("regime --out " + shell_quote(tmp.file("x")), tmp.str()).code == 2);
}
