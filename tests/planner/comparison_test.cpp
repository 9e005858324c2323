// `recompose compare` on the real Nord-Pas-de-Calais basin: every figure of
// comparaison.csv equals the same figure of separate `recompose evaluate` runs
// (summary.json, or recomputed from their unites.csv / affilies.csv /
// licences_pharmacie.csv for the figures summary.json does not hold), and the
// bad-input paths name their culprit.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "markdown_support.hpp"
#include "planner/comparison.hpp"
#include "test_support.hpp"
#include "tiny_territory.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace recompose::test;

namespace {

// The NPDC basin imported once for these tests (the road graph comes from the shared cache).
const std::string& npdc_dir() {
  static const std::string dir = [] {
    static TempDir tmp("compare-npdc");
    const Run r = run_cli("import " + shell_quote(source_file("datasets/bassin-minier-npdc.json")) + " --out " +
                              shell_quote(tmp.file("npdc")) + " --data-root " + shell_quote(data_root()) +
                              " --graph-cache " + shell_quote(graph_cache_dir("npdc")) + " --quiet",
                          tmp.str());
    INFO(r.output);
    REQUIRE(r.code == 0);
    return tmp.file("npdc");
  }();
  return dir;
}

// A scenario touching every group of figures: two urgent-care hospitals closed, regime
// centres regrouped and a team moved (fictitious regime example), a regime antenna moved
// (one new search) and a mining pharmacy closed.
json mixed_scenario() {
  return {{"format", "recompose-scenario/1"},
          {"name", "Essai : urgences, centres, pharmacie"},
          {"territory", "bassin-minier-npdc"},
          {"edits",
           {{{"op", "close"}, {"facility", "FINESS-620000240"}},
            {{"op", "close"}, {"facility", "FINESS-620000232"}},
            {{"op", "merge"}, {"facilities", {"REGIME-LIEVIN-CS", "REGIME-BULLY-CS"}}, {"into", "REGIME-LIEVIN-CS"}},
            {{"op", "close"}, {"facility", "REGIME-LENS-FOUQ"}},
            {{"op", "move_team"}, {"from", "REGIME-LENS-CM"}, {"to", "REGIME-HENIN-CS"}, {"profession", "gp"}, {"fte", 0.5}},
            {{"op", "relocate"}, {"facility", "REGIME-GUESNAIN-MONTIGNY"}, {"to", {{"lon", 3.12}, {"lat", 50.37}}}},
            {{"op", "close_pharmacy"}, {"facility", "MINE-PM-OIGNIES"}}}}};
}

// summary.json at a '/'-separated path ("targets/urgent_care/after/mean_min"); null when absent.
json at_path(const json& j, const std::string& path) {
  const json* cur = &j;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!cur->is_object() || !cur->contains(part)) return json();
    cur = &(*cur)[part];
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return *cur;
}

std::string replace_star(std::string key, const std::string& by) {
  const auto star = key.find('*');
  if (star != std::string::npos) key.replace(star, 1, by);
  return key;
}

double number(const std::string& s) { return s.empty() ? NAN : std::stod(s); }

// The figures summary.json does not hold, recomputed from one evaluate run's CSVs.
struct RunCsv {
  std::vector<std::map<std::string, std::string>> units, affiliates, licences;
};

double derived(const RunCsv& run, const std::string& key, const std::string& situation) {
  // situation: "avant" or "apres"
  if (key == "comparaison/population_beyond_15_min/regime_site") {
    double pop = 0;
    for (const auto& u : run.units) {
      if (u.at("rattachement") != "rattachée") continue;
      const std::string t = u.at("t_regime_site_" + situation + "_min");
      if (t.empty() || std::stod(t) > 15) pop += std::stod(u.at("population"));
    }
    return pop;
  }
  if (key == "comparaison/affiliates_beyond_30_min/urgent_care") {
    std::map<std::string, double> affiliates;
    for (const auto& a : run.affiliates) affiliates[a.at("code_iris")] = std::stod(a.at("affilies"));
    double n = 0;
    for (const auto& u : run.units) {
      if (u.at("rattachement") != "rattachée") continue;
      const std::string t = u.at("t_urgent_care_" + situation + "_min");
      if (t.empty() || std::stod(t) > 30) n += affiliates.at(u.at("code_iris"));
    }
    return n;
  }
  const bool mining = key == "comparaison/surplus_officines/mining_communes";
  if (mining || key == "comparaison/surplus_officines/all_communes") {
    double n = 0;
    for (const auto& c : run.licences) {
      if (mining && c.at("pharmacie_miniere_avant") == "0") continue;
      n += std::max(0.0, std::stod(c.at(situation == "avant" ? "excedent_avant" : "excedent")));
    }
    return n;
  }
  FAIL("no independent computation for " << key);
  return NAN;
}

}  // namespace

// Tiny territory (tiny_territory.hpp): a straight road, 1 km = 1 min. Units A x=1 km (100 inh.,
// commune 62001), B x=10 (200, 62002), C x=19 (300, 62003); gp_point G1 x=2, G2 x=18; an
// urgent-care hospital H x=0 that no option edits. Times to the nearest GP (min):
//   option 0 baseline          A 1  B 8  C 1    mean (100 + 1600 + 300) / 600   =  3.333
//   option 1 close G2          A 1  B 8  C 17   mean (100 + 1600 + 5100) / 600  = 11.333
//   option 2 G2 moved to x=10  A 1  B 0  C 9    mean (100 + 0 + 2700) / 600     =  4.667
// Territory: 0 (1er), 2 (2e), 1 (3e). A ties everywhere (indifferent). B: 2 first, 0 and 1
// tie: it reverses the pair (0, 2) only, weight 200 inh. x 8 min = 1600. C: 0, 2, 1 like the
// territory.
TEST_CASE("compare: the ranking of the options per commune, by hand", "[compare]") {
  auto t = tiny_territory({{1, 100}, {10, 200}, {19, 300}},
                          {{"H", "hospital", 0, -1, {{"urgent_care", true}}}, {"G1", "gp_point", 2, 1}, {"G2", "gp_point", 18, 1}});
  const recompose::planner::Commune first = t.communes.front();
  t.communes.clear();
  for (int k = 0; k < 3; ++k) {
    recompose::planner::Commune c = first;
    c.code = "6200" + std::to_string(k + 1);
    c.name = std::string("Commune ") + static_cast<char>('A' + k);
    c.population = t.units[static_cast<std::size_t>(k)].population;
    c.unit_count = 1;
    t.units[static_cast<std::size_t>(k)].commune_code = c.code;
    t.communes.push_back(c);
  }
  namespace planner = recompose::planner;
  planner::AccessEngine engine(t, 60);
  auto scenario = [](const std::string& name, const std::string& edit) {
    return planner::Scenario::parse(R"({"format": "recompose-scenario/1", "name": ")" + name + R"(", "edits": [)" + edit + "]}",
                                    name);
  };
  const std::vector<planner::Scenario> scenarios = {
      scenario("Fermeture", R"({"op": "close", "facility": "G2"})"),
      scenario("Déplacement", R"({"op": "relocate", "facility": "G2", "to": {"x_l93": 10000, "y_l93": 0}})")};
  const planner::ComparisonRun run = planner::run_comparison(engine, scenarios, planner::EvalParams{});
  const planner::Comparison& c = run.comparison;
  REQUIRE(c.options.size() == 3);
  CHECK(c.options[0].column == "Situation actuelle");
  CHECK(c.options[2].column == "Déplacement");
  // The criterion: the GP (the only destination whose mean time varies).
  CHECK(c.criterion_target == "gp_point");
  const planner::ComparisonRow* mean = c.row("targets/gp_point/*/mean_min");
  REQUIRE(mean);
  CHECK(mean->values[0] == Approx(2000.0 / 600));
  CHECK(mean->values[1] == Approx(6800.0 / 600));
  CHECK(mean->values[2] == Approx(2800.0 / 600));
  CHECK(mean->differs());
  const planner::ComparisonRow* urgent = c.row("targets/urgent_care/*/mean_min");
  REQUIRE(urgent);
  CHECK_FALSE(urgent->differs());
  CHECK(urgent->values[0] == Approx((100 * 1 + 200 * 10 + 300 * 19) / 600.0));
  CHECK(c.territory_rank == std::vector<int>{1, 3, 2});
  CHECK(c.communes_total == 3);
  CHECK(c.communes_indifferent == 1);  // A
  REQUIRE(c.communes.size() == 1);     // B
  CHECK(c.communes[0].code == "62002");
  CHECK(c.communes[0].rank == std::vector<int>{2, 2, 1});
  CHECK(c.communes[0].reversed_pairs == 1);
  CHECK(c.communes[0].weight == Approx(1600));
  CHECK(c.communes[0].mean_min[2] == Approx(0));
  // French formats and the delta to the baseline.
  CHECK(planner::format_value(*mean, mean->values[1]) == "11,3");
  CHECK(planner::format_delta(*mean, 1) == "+8,0");
  CHECK(planner::format_delta(*urgent, 1).empty());
  const std::string md = planner::comparison_markdown(c);
  CHECK_THAT(md, Catch::Contains("| Commune B (62002) | 200 | 8,0 min (2e) | 8,0 min (2e) | 0,0 min (1er) | 1 |"));
  CHECK_THAT(md, Catch::Contains("1er Situation actuelle (3,3 min en moyenne) ; 2e Déplacement (4,7 min en moyenne) ; 3e "
                                 "Fermeture (11,3 min en moyenne)"));
  CHECK_THAT(md, Catch::Contains("| Temps moyen jusqu'aux urgences (min) | 13,0 | 13,0 | 13,0 |"));
  CHECK_FALSE(c.fictitious_regime);
  CHECK(md.find("fictives") == std::string::npos);
}

TEST_CASE("compare: every figure equals the separate evaluate runs, on the real NPDC basin", "[compare][real]") {
  TempDir tmp("compare");
  write_json(tmp.file("mixed.json"), mixed_scenario());
  const std::vector<std::string> scenarios = {tmp.file("mixed.json"),
                                              source_file("datasets/scenarios/npdc-pharmacies-minieres.json"),
                                              source_file("datasets/scenarios/npdc-deplacement-dispensaire-oignies-carvin.json")};
  std::string args = "compare " + shell_quote(npdc_dir());
  for (const auto& s : scenarios) args += " --scenario " + shell_quote(s);
  const Run cmp = run_cli(args + " --out " + shell_quote(tmp.file("cmp")), tmp.str());
  INFO(cmp.output);
  REQUIRE(cmp.code == 0);
  CHECK_THAT(cmp.output, Catch::Contains("4 evaluations"));

  std::vector<json> summaries;
  std::vector<RunCsv> csvs;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const std::string out = tmp.file("eval-" + std::to_string(i));
    const Run ev = run_cli("evaluate " + shell_quote(npdc_dir()) + " --scenario " + shell_quote(scenarios[i]) + " --out " +
                               shell_quote(out),
                           tmp.str());
    INFO(ev.output);
    REQUIRE(ev.code == 0);
    summaries.push_back(read_json(out + "/summary.json"));
    csvs.push_back({read_csv(out + "/unites.csv"), read_csv(out + "/affilies.csv"), read_csv(out + "/licences_pharmacie.csv")});
  }

  const auto rows = read_csv(tmp.file("cmp/comparaison.csv"));
  REQUIRE(rows.size() > 100);
  const std::vector<std::string> columns = {"Situation actuelle", "Essai : urgences, centres, pharmacie",
                                            "Pharmacies minières : fermeture, transfert, regroupement, ouverture bilatérale",
                                            "Déplacement du dispensaire d'Oignies à Carvin"};
  for (const auto& c : columns) REQUIRE(rows.front().count(c) == 1);
  std::size_t checked = 0, differing = 0;
  std::set<std::string> groups;
  for (const auto& row : rows) {
    const std::string key = row.at("cle");
    INFO("row " << key);
    groups.insert(row.at("groupe"));
    CHECK(row.at("avertissement_regime") == "données fictives d'exemple — à remplacer par les données de la CARMI");
    bool differs = false;
    for (std::size_t col = 0; col < columns.size(); ++col) {
      INFO("column " << columns[col]);
      const double got = number(row.at(columns[col]));
      differs |= col > 0 && !(std::isnan(got) && std::isnan(number(row.at(columns[0])))) &&
                 got != number(row.at(columns[0]));
      // The baseline column against every run's "before", each scenario column against its run's "after".
      std::vector<std::pair<std::size_t, std::string>> expectations;
      if (col == 0) {
        for (std::size_t r = 0; r < scenarios.size(); ++r) expectations.emplace_back(r, "before");
      } else {
        expectations.emplace_back(col - 1, "after");
      }
      for (const auto& [run, situation] : expectations) {
        double expected = NAN;
        if (key.rfind("comparaison/", 0) == 0) {
          expected = derived(csvs[run], key, situation == "before" ? "avant" : "apres");
        } else if (key.find('*') != std::string::npos) {
          const json v = at_path(summaries[run], replace_star(key, situation));
          if (!v.is_null()) {
            REQUIRE(v.is_number());
            expected = v.get<double>();
          } else if (key.rfind("targets/", 0) == 0) {
            // A destination this run does not have (its scenario opens none): not in its summary.
            REQUIRE(!summaries[run]["targets"].contains(key.substr(8, key.find('/', 8) - 8)));
            continue;
          }
        } else {
          // A change relative to the baseline: 0 in the baseline column.
          const json v = at_path(summaries[run], key);
          REQUIRE(v.is_number());
          expected = situation == "before" ? 0.0 : v.get<double>();
        }
        if (std::isnan(expected)) {
          CHECK(std::isnan(got));
        } else {
          CHECK(got == Approx(expected).epsilon(1e-9).margin(1e-6));
        }
        ++checked;
      }
    }
    differing += differs;
  }
  // Every row was checked against an independent figure, and the scenarios change many of them.
  CHECK(checked >= rows.size() * 6);
  CHECK(differing > 30);
  for (const char* g : {"Urgences — site d'urgences (hypothèse déclarée)", "Régime minier : centres et affiliés", "Pharmacies"}) {
    CHECK(groups.count(g) == 1);
  }
  // The mixed scenario changes a figure of every group of the main table.
  const auto row_of = [&](const std::string& key) {
    for (const auto& r : rows) {
      if (r.at("cle") == key) return r;
    }
    FAIL("no row " << key);
    return rows.front();
  };
  CHECK(row_of("targets/urgent_care/*/mean_min").at(columns[1]) != row_of("targets/urgent_care/*/mean_min").at(columns[0]));
  CHECK(row_of("recomposition/*/centres_below_critical_size").at(columns[1]) !=
        row_of("recomposition/*/centres_below_critical_size").at(columns[0]));
  CHECK(row_of("recomposition/*/access/regime_site/affiliates_beyond_15_min").at(columns[1]) !=
        row_of("recomposition/*/access/regime_site/affiliates_beyond_15_min").at(columns[0]));
  CHECK(row_of("comparaison/surplus_officines/mining_communes").at(columns[2]) !=
        row_of("comparaison/surplus_officines/mining_communes").at(columns[0]));

  // comparaison.md: French, labelled fictitious, French number formats, the communes' ranking.
  const std::string md = read_text(tmp.file("cmp/comparaison.md"));
  CHECK_THAT(md, Catch::Contains("# Comparaison de scénarios — Bassin minier du Nord-Pas-de-Calais"));
  CHECK_THAT(md, Catch::Contains("données fictives d'exemple"));
  CHECK_THAT(md, Catch::Contains("## Communes où le classement des options diffère le plus"));
  CHECK_THAT(md, Catch::Contains("1\u202f336\u202f960 habitants"));  // thin no-break space between thousands
  const std::string mean = row_of("targets/urgent_care/*/mean_min").at(columns[0]);  // "7.86..." in the CSV
  const std::string fr_mean = mean.substr(0, mean.find('.')) + "," + mean.substr(mean.find('.') + 1, 1);
  CHECK_THAT(md, Catch::Contains("| " + fr_mean + " |"));  // decimal comma in the table
  // Written atomically: nothing but the two files (and the list of the outputs written,
  // geo/output_folder.hpp).
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(tmp.file("cmp"))) {
    if (e.path().filename() != ".recompose-outputs") files.push_back(e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  CHECK(files == std::vector<std::string>{"comparaison.csv", "comparaison.md"});
}

TEST_CASE("compare refuses bad input naming the culprit", "[compare][real]") {
  TempDir tmp("compare-bad");
  SECTION("a scenario of another territory exits 1 and names the file") {
    const Run r = run_cli("compare " + shell_quote(npdc_dir()) + " --scenario " +
                              shell_quote(source_file("datasets/scenarios/loire-recomposition.json")) + " --out " +
                              shell_quote(tmp.file("out")),
                          tmp.str());
    INFO(r.output);
    CHECK(r.code == 1);
    CHECK_THAT(r.output, Catch::Contains("loire-recomposition.json"));
    CHECK_THAT(r.output, Catch::Contains("not 'bassin-minier-npdc'"));
    CHECK_FALSE(fs::exists(tmp.file("out/comparaison.csv")));
  }
  SECTION("a bad edit exits 1 and names the scenario and the edit") {
    json s = mixed_scenario();
    s["edits"] = {{{"op", "close"}, {"facility", "FINESS-000000000"}}};
    write_json(tmp.file("bad.json"), s);
    const Run r = run_cli("compare " + shell_quote(npdc_dir()) + " --scenario " +
                              shell_quote(source_file("datasets/scenarios/npdc-fermeture-antenne-oignies.json")) +
                              " --scenario " + shell_quote(tmp.file("bad.json")) + " --out " + shell_quote(tmp.file("out")),
                          tmp.str());
    INFO(r.output);
    CHECK(r.code == 1);
    CHECK_THAT(r.output, Catch::Contains("bad.json"));
    CHECK_THAT(r.output, Catch::Contains("FINESS-000000000"));
    CHECK_FALSE(fs::exists(tmp.file("out/comparaison.csv")));
  }
  SECTION("an unknown criterion exits 2") {
    const Run r = run_cli("compare " + shell_quote(npdc_dir()) + " --scenario " +
                              shell_quote(source_file("datasets/scenarios/npdc-fermeture-antenne-oignies.json")) +
                              " --critere nowhere --out " + shell_quote(tmp.file("out")),
                          tmp.str());
    INFO(r.output);
    CHECK(r.code == 2);
    CHECK_THAT(r.output, Catch::Contains("'nowhere'"));
  }
  SECTION("no scenario exits 2") {
    const Run r = run_cli("compare " + shell_quote(npdc_dir()) + " --out " + shell_quote(tmp.file("out")), tmp.str());
    INFO(r.output);
    CHECK(r.code == 2);
  }
}

// The mining pharmacies of the NPDC demo are modelled twice: 4 regime sites of type
// « pharmacie » (datasets/examples/regime-npdc-fictif.csv: kind regime_site, flags
// regime_pharmacy and mining_regime) and the 10 facilities of kind mining_pharmacy
// (datasets/examples/pharmacies-minieres-npdc-fictif.csv), the 4 among the 10 (same
// communes, other ids and points). Each figure must take them from one model only: the
// pharmacy figures from the 10, the regime's site counts from the 4, never both.
TEST_CASE("NPDC demo: a mining pharmacy modelled in both the regime and the pharmacy layer is counted once per figure",
          "[compare][real][pharmacy]") {
  TempDir tmp("npdc-pharmacies-twice");
  const Run ev = run_cli("evaluate " + shell_quote(npdc_dir()) + " --out " + shell_quote(tmp.file("eval")), tmp.str());
  INFO(ev.output);
  REQUIRE(ev.code == 0);
  // The two source files, read independently of the import.
  std::set<std::string> file_pharmacy_communes, regime_pharmacy_communes;
  for (const auto& row : read_csv(source_file("datasets/examples/pharmacies-minieres-npdc-fictif.csv"))) {
    file_pharmacy_communes.insert(row.at("code_insee"));
  }
  std::size_t regime_sites = 0;
  for (const auto& row : read_csv(source_file("datasets/examples/regime-npdc-fictif.csv"))) {
    ++regime_sites;
    if (row.at("type") == "pharmacie") regime_pharmacy_communes.insert(row.at("code_commune"));
  }
  REQUIRE(file_pharmacy_communes.size() == 10);
  REQUIRE(regime_pharmacy_communes.size() == 4);
  for (const auto& c : regime_pharmacy_communes) {
    INFO("commune " << c);
    CHECK(file_pharmacy_communes.count(c) == 1);  // the overlap this test is about
  }

  // Pharmacy figures: the 10 of the pharmacy layer, none of the regime's sites.
  const json summary = read_json(tmp.file("eval/summary.json"));
  CHECK(summary["pharmacies"]["mining_pharmacies"] == 10);
  std::set<std::string> regime_ids;
  std::size_t regime_pharmacy_sites = 0;
  for (const auto& row : read_csv(tmp.file("eval/sites_regime.csv"))) {
    regime_ids.insert(row.at("id"));
    regime_pharmacy_sites += row.at("type") == "pharmacie";
  }
  CHECK(regime_pharmacy_sites == 4);
  std::size_t mining_rows = 0;
  for (const auto& row : read_csv(tmp.file("eval/pharmacies.csv"))) {
    INFO("pharmacies.csv: " << row.at("id"));
    CHECK(regime_ids.count(row.at("id")) == 0);
    mining_rows += row.at("type") == "pharmacie minière";
  }
  CHECK(mining_rows == 10);
  std::size_t counted_in_communes = 0;
  for (const auto& row : read_csv(tmp.file("eval/licences_pharmacie.csv"))) {  // the baseline: after = before
    counted_in_communes += static_cast<std::size_t>(std::stoul(row.at("pharmacies_minieres")));
  }
  CHECK(counted_in_communes == 10);
  // The regime's figures: its own sites (the 4 pharmacies among them), none of the 10.
  CHECK(regime_ids.size() == regime_sites);
  CHECK(summary["recomposition"]["before"]["sites_open"] == regime_sites);
  // Both are destinations of rapport.md's key figures (times to the 10, times to the 4):
  // two rows, which must not read alike.
  const auto tables = markdown_tables(read_text(tmp.file("eval/rapport.md")));
  REQUIRE_FALSE(tables.empty());
  std::set<std::string> destinations;
  for (std::size_t i = 1; i < tables[0].size(); ++i) {
    INFO("key figures row " << tables[0][i][0]);
    CHECK(destinations.insert(tables[0][i][0]).second);
  }
  CHECK(destinations.count("pharmacie minière") == 1);
  CHECK(destinations.count("pharmacie minière (site du régime)") == 1);
}
