// `recompose optimise` on the real Loire territory (real roads, fictitious regime
// example): the proposal is an ordinary scenario that `recompose evaluate` accepts, and
// the objective recomputed by the test from evaluate's own CSV outputs (affiliates x
// time to the nearest regime GP site) equals the one optimisation.json reports.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "planner/offer/regime.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace recompose;
using namespace recompose::test;
using json = nlohmann::json;

namespace {

// Affiliate-weighted mean time to the nearest regime GP site, before and after, from
// evaluate's unites.csv and affilies.csv.
std::pair<double, double> weighted_means(const std::string& eval_dir) {
  std::map<std::string, double> affiliates;
  for (const auto& row : read_csv(eval_dir + "/affilies.csv")) affiliates[row.at("code_iris")] = std::stod(row.at("affilies"));
  double w = 0, before = 0, after = 0;
  for (const auto& row : read_csv(eval_dir + "/unites.csv")) {
    const double a = affiliates.at(row.at("code_iris"));
    if (a <= 0) continue;
    INFO("unit " << row.at("code_iris"));
    REQUIRE_FALSE(row.at("t_regime_gp_avant_min").empty());  // every affiliate of the Loire example is within reach
    REQUIRE_FALSE(row.at("t_regime_gp_apres_min").empty());
    w += a;
    before += a * std::stod(row.at("t_regime_gp_avant_min"));
    after += a * std::stod(row.at("t_regime_gp_apres_min"));
  }
  REQUIRE(w > 0);
  return {before / w, after / w};
}

}  // namespace

TEST_CASE("recompose optimise on the Loire basin: a scenario that evaluate accepts and that re-evaluates to the objective",
          "[optimise][cli]") {
  TempDir tmp("optimise");
  REQUIRE(run_import(tmp, loire_manifest()).code == 0);
  SECTION("p-median over the existing sites and the commune centres, exact mode") {
    const Run r = run_cli("optimise out --out opt --objective p_median --sites 3 --candidates existing,communes --time-limit 120",
                          tmp.str());
    INFO(r.output);
    REQUIRE(r.code == 0);
    for (const char* f : {"proposition.json", "probleme.json", "optimisation.md", "optimisation.json", "candidats.geojson",
                          "candidats.csv", "evaluation/rapport.md", "evaluation/unites.csv"}) {
      CHECK(fs::exists(tmp.file(std::string("opt/") + f)));
    }
    const json o = read_json(tmp.file("opt/optimisation.json"));
    CHECK(o["verified_equal"] == true);
    CHECK(o["label"] == planner::kFictitiousLabel);  // the Loire regime data are the fictitious example
    CHECK(o["after"]["sites"] == 3);
    CHECK(o["exact"]["optimal"] == true);
    CHECK(o["gap_percent"].get<double>() >= 0);
    CHECK_THAT(read_text(tmp.file("opt/optimisation.md")),
               Catch::Contains("données fictives d'exemple") && Catch::Contains("Écart de l'heuristique à la borne"));
    const json s = read_json(tmp.file("opt/proposition.json"));
    CHECK(s["format"] == "recompose-scenario/1");
    CHECK(s["territory"] == "loire");

    const Run e = run_cli("evaluate out --scenario opt/proposition.json --out ev", tmp.str());
    INFO(e.output);
    REQUIRE(e.code == 0);
    const auto [before, after] = weighted_means(tmp.file("ev"));
    CHECK(before == Approx(o["before"]["mean_min"].get<double>()).margin(1e-6));
    CHECK(after == Approx(o["after"]["mean_min"].get<double>()).margin(1e-6));
    // The optimum with 3 sites among existing and new ones is no worse than keeping 3 of the 4 existing.
    CHECK(after <= before + 1e-9);
  }
  SECTION("capacitated form: every kept site at the critical size after the merges") {
    const Run r = run_cli("optimise out --out opt --objective capacitated --sites 3 --critical-fte 3", tmp.str());
    INFO(r.output);
    REQUIRE(r.code == 0);
    const json o = read_json(tmp.file("opt/optimisation.json"));
    CHECK(o["verified_equal"] == true);
    const Run e = run_cli("evaluate out --scenario opt/proposition.json --out ev", tmp.str());
    INFO(e.output);
    REQUIRE(e.code == 0);
    const auto [before, after] = weighted_means(tmp.file("ev"));
    CHECK(after == Approx(o["after"]["mean_min"].get<double>()).margin(1e-6));
    // centres.csv: every open budget unit offering general practice meets the critical size after.
    std::size_t checked = 0;
    for (const auto& row : read_csv(tmp.file("ev/centres.csv"))) {
      if (row.count("taille_critique_apres") && row.at("taille_critique_apres") != "sans objet" &&
          !row.at("taille_critique_apres").empty()) {
        INFO("centre " << row.at("centre"));
        CHECK(row.at("taille_critique_apres") == "oui");
        ++checked;
      }
    }
    CHECK(checked > 0);
  }
  SECTION("bad options: exit 2 naming the option or the id") {
    const Run no_size = run_cli("optimise out --out opt --objective p_median", tmp.str());
    CHECK(no_size.code == 2);
    CHECK_THAT(no_size.output, Catch::Contains("sites"));
    const Run bad_lock = run_cli("optimise out --out opt --objective p_median --sites 2 --lock-open NO-SUCH-SITE", tmp.str());
    CHECK(bad_lock.code == 2);
    CHECK_THAT(bad_lock.output, Catch::Contains("NO-SUCH-SITE"));
    const Run no_problem = run_cli("optimise out --out opt", tmp.str());
    CHECK(no_problem.code == 2);
    CHECK_THAT(no_problem.output, Catch::Contains("--problem"));
    CHECK_FALSE(fs::exists(tmp.file("opt/proposition.json")));
  }
}
