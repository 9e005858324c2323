// Pharmacies (planner/offer/pharmacies): quotas, surplus per commune and the mining
// pharmacies' scenario edits on a tiny territory whose every value is computed by hand.
//
// Tiny road (tiny_territory.hpp): x = 0..20 km at 60 km/h, 1 km = 1 min, units and
// facilities on the road (access 0), so a time is |x_unit - x_facility| minutes.
// Two communes: A "62001" x < 10 km, B "62002" x >= 10 km (both dep 62).
//   units  u0 x=1 (1000 inh., A)  u1 x=4 (1000, A)  u2 x=8 (500, A)   -> A = 2,500
//          u3 x=12 (4000, B)      u4 x=17 (3000, B) u5 x=20 (200, B)  -> B = 7,200
//   liberal officines  L1 x=2 (A), L2 x=6 (A), L3 x=3 (A), L4 x=14 (B)
//   mining pharmacies  M1 x=9 (A, "réservée", fictitious source), M2 x=16 (B, no status: réservée)
//   centre             C1 x=19 (B, health_centre, flag mining_regime)
// Licences (law): A 2,500 -> 1 (>= 2,500), B 7,200 -> 1 + floor(4,700 / 4,500) = 2.
// Counted: A 3 liberal -> surplus +2 ; B 1 liberal -> surplus -1 (mining ones not counted).
// Nearest mining pharmacy (baseline): u0 M1 8, u1 M1 5, u2 M1 1, u3 M1 3 (M2 4), u4 M2 1,
// u5 M2 4 -> affiliates (population stands in) M1 6,500, M2 3,200.
#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "geo/crs.hpp"
#include "geo/error.hpp"
#include "planner/access_engine.hpp"
#include "planner/evaluation.hpp"
#include "planner/evaluation_report.hpp"
#include "planner/offer/pharmacies.hpp"
#include "planner/scenario.hpp"
#include "planner/tiny_territory.hpp"
#include "markdown_support.hpp"
#include "test_support.hpp"

using namespace recompose;
using Catch::Contains;
using Catch::WithinAbs;
using test::TinyFacility;
using test::TinyUnit;

namespace {

planner::Territory pharmacy_territory() {
  planner::Territory t = test::tiny_territory(
      {{1, 1000}, {4, 1000}, {8, 500}, {12, 4000}, {17, 3000}, {20, 200}},
      {{"L1", "pharmacy", 2}, {"L2", "pharmacy", 6}, {"L3", "pharmacy", 3}, {"L4", "pharmacy", 14},
       {"M1", "mining_pharmacy", 9}, {"M2", "mining_pharmacy", 16},
       {"C1", "health_centre", 19, -1, {{"mining_regime", true}}}});
  planner::Commune a = t.communes[0], b = t.communes[0];
  a.code = "62001";
  a.name = "Commune A";
  a.geometry = geo::Geometry::from_wkt("POLYGON((-1000 -6000, 10000 -6000, 10000 6000, -1000 6000, -1000 -6000))");
  a.population = 2500;
  b.code = "62002";
  b.name = "Commune B";
  b.geometry = geo::Geometry::from_wkt("POLYGON((10000 -6000, 21000 -6000, 21000 6000, 10000 6000, 10000 -6000))");
  b.population = 7200;
  t.communes = {a, b};
  for (std::size_t u = 3; u < t.units.size(); ++u) t.units[u].commune_code = "62002";
  for (auto& f : t.facilities) {
    if (f.point.x_m >= 10000) f.commune_code = "62002";
    if (f.kind == "pharmacy") f.source = "pharmacies OpenStreetMap 2021, liste non exhaustive";
  }
  t.facilities[4].category = "Réservée";
  t.facilities[4].source = "données fictives d'exemple";
  return t;
}

planner::Scenario scenario_of(const std::string& edits) {
  return planner::Scenario::parse(R"({"format": "recompose-scenario/1", "name": "test", "edits": [)" + edits + "]}",
                                  "test");
}

struct Run {
  Run(const planner::Territory& territory, const std::string& edits, planner::EvalParams params = {})
      : t(territory), p(std::move(params)), engine(t, 60), s(scenario_of(edits)),
        before(planner::evaluate(engine, planner::Scenario::baseline(), p)), after(planner::evaluate(engine, s, p)),
        a(planner::offer::analyse_pharmacies(t, s, before, after, p)) {}
  const planner::Territory& t;
  planner::EvalParams p;
  planner::AccessEngine engine;
  planner::Scenario s;
  planner::Evaluation before, after;
  planner::offer::PharmacyAnalysis a;

  [[nodiscard]] const planner::offer::PharmacyRow& row(const std::string& id, bool new_site = false) const {
    for (const auto& r : a.pharmacies) {
      if (r.id == id && r.new_site == new_site) return r;
    }
    FAIL("no pharmacy row " << id);
    return a.pharmacies.front();
  }
};

}  // namespace

TEST_CASE("Pharmacies: quotas and surplus per commune, mining pharmacies out of the count", "[pharmacy]") {
  const auto t = pharmacy_territory();
  const Run r(t, "");
  REQUIRE(r.a.after.size() == 2);
  const auto& A = r.a.after[0];
  const auto& B = r.a.after[1];
  CHECK(A.allowed == 1);  // exactly 2,500: the law gives one (the seeds' "plus de" gave none)
  CHECK(A.liberal == 3);
  CHECK(A.mining == 1);
  CHECK(A.mining_counted == 0);  // Conseil d'État 1984
  CHECK(A.counted == 3);
  CHECK(A.surplus == 2);
  CHECK(A.holds_mining_baseline);
  CHECK(B.allowed == 2);
  CHECK(B.liberal == 1);
  CHECK(B.surplus == -1);
  CHECK(r.a.mining_before.communes == 2);
  CHECK(r.a.mining_before.over == 1);
  CHECK(r.a.mining_before.under == 1);
  CHECK(r.a.mining_before.at == 0);
  CHECK(r.a.mining_before.distribution == std::map<int, int>{{2, 1}});
  CHECK(r.a.has_liberal);
  CHECK(r.a.osm_liberal);
  CHECK(r.a.fictive_mining);
  // Affiliates: the population stands in, and the label says so.
  CHECK(r.row("M1").affiliates == 6500);
  CHECK(r.row("M2").affiliates == 3200);
  CHECK_THAT(r.a.affiliates, Contains("faute du fichier des affiliés"));

  SECTION("the seeds' rule gives commune A no licence") {
    planner::EvalParams g;
    g.pharmacy_rule = "graines";
    const Run rg(t, "", g);
    CHECK(rg.a.after[0].allowed == 0);
    CHECK(rg.a.after[0].surplus == 3);
    CHECK(rg.a.after[1].allowed == 2);  // 7,200 > 7,000
  }
}

TEST_CASE("Pharmacies: closing a mining pharmacy, its affiliates' times before / after", "[pharmacy]") {
  const auto t = pharmacy_territory();
  SECTION("M1: liberal officines unchanged, regime sites farther") {
    const Run r(t, R"({"op": "close_pharmacy", "facility": "M1"})");
    const auto& m1 = r.row("M1");
    CHECK_FALSE(m1.open_after);
    CHECK(m1.open_before);
    // liberal: u0 1, u1 1, u2 2, u3 2 min -> (1000 + 1000 + 1000 + 8000) / 6500
    CHECK_THAT(m1.liberal_min[0], WithinAbs(11000.0 / 6500, 1e-9));
    CHECK_THAT(m1.liberal_min[1], WithinAbs(11000.0 / 6500, 1e-9));
    // any pharmacy: before u2 1 (M1) -> 10500 / 6500; after 11000 / 6500
    CHECK_THAT(m1.any_min[0], WithinAbs(10500.0 / 6500, 1e-9));
    CHECK_THAT(m1.any_min[1], WithinAbs(11000.0 / 6500, 1e-9));
    // regime site: before M1 8, 5, 1, 3; after M2 15, 12, 8, 4
    CHECK_THAT(m1.regime_min[0], WithinAbs(25500.0 / 6500, 1e-9));
    CHECK_THAT(m1.regime_min[1], WithinAbs(47000.0 / 6500, 1e-9));
    CHECK(m1.lost_within.at(10) == 0);
    CHECK(m1.lost_within.at(15) == 0);
    // The quota does not move: M1 was not counted.
    CHECK(r.a.after[0].surplus == 2);
  }
  SECTION("M2, loss thresholds 2 and 5 min") {
    planner::EvalParams p;
    p.pharmacy_loss_min = {2, 5};
    const Run r(t, R"({"op": "close_pharmacy", "facility": "M2"})", p);
    const auto& m2 = r.row("M2");
    // u4: any 1 (M2) -> 3 (L4): loses every pharmacy within 2 min; u5: 4 (M2) -> 6 (L4): within 5 min.
    CHECK(m2.lost_within.at(2) == 3000);
    CHECK(m2.lost_within.at(5) == 200);
    CHECK(r.a.lost_within.at(2) == 3000);
    CHECK(r.a.lost_within.at(5) == 200);
    CHECK_THAT(m2.any_min[0], WithinAbs(3800.0 / 3200, 1e-9));
    CHECK_THAT(m2.any_min[1], WithinAbs(10200.0 / 3200, 1e-9));
    // regime: before u4 1 (M2), u5 1 (C1); after u4 2 (C1), u5 1 (C1)
    CHECK_THAT(m2.regime_min[0], WithinAbs(1.0, 1e-9));
    CHECK_THAT(m2.regime_min[1], WithinAbs(6200.0 / 3200, 1e-9));
  }
}

TEST_CASE("Pharmacies: transfer into a centre's premises and the transfer rule", "[pharmacy]") {
  const auto t = pharmacy_territory();
  // Origin quarter: units whose nearest pharmacy is M1 = u2 (1 min; L2 2 min) -> 500.
  // Receiving quarter (nearest mining pharmacy now the site at C1 x=19): u5 (1 min; M2 4) -> 200;
  // u4 stays with M2 (1 < 2), u0..u3 go to M2 (x=16).
  SECTION("threshold 10 min: not degraded, rule respected") {
    const Run r(t, R"({"op": "transfer_pharmacy", "facility": "M1", "into": "C1"})");
    const auto& site = r.row("M1", true);
    CHECK(site.open_after);
    CHECK(site.point.x_m == 19000);
    CHECK(site.commune_code == "62002");
    CHECK(site.transfer);
    CHECK(site.origin_population == 500);
    CHECK(site.origin_degraded == 0);
    CHECK(site.receiving_population == 200);
    CHECK(site.receiving_within == 200);
    CHECK(site.transfer_rule_ok);
    const auto& old = r.row("M1");
    CHECK_FALSE(old.open_after);
    CHECK_THAT(old.change, Contains("dans les locaux de"));
    CHECK_THAT(old.regime_min[1], WithinAbs(47000.0 / 6500, 1e-9));  // u0 15, u1 12, u2 8, u3 4 (M2)
    // The mining pharmacy moved from A to B: still out of the count.
    CHECK(r.a.after[0].mining == 0);
    CHECK(r.a.after[1].mining == 2);
    CHECK(r.a.after[1].counted == 1);
  }
  SECTION("threshold 1.5 min: u2 goes from 1 to 2 min, the origin is degraded") {
    planner::EvalParams p;
    p.pharmacy_transfer_threshold_min = 1.5;
    const Run r(t, R"({"op": "transfer_pharmacy", "facility": "M1", "into": "C1"})", p);
    const auto& site = r.row("M1", true);
    CHECK(site.origin_degraded == 500);
    CHECK(site.receiving_within == 200);  // u5 at 1 min <= 1.5
    CHECK_FALSE(site.transfer_rule_ok);
  }
  SECTION("to a point") {
    const Run r(t, R"({"op": "transfer_pharmacy", "facility": "M2", "to": {"x_l93": 20000, "y_l93": 0}})");
    CHECK(r.row("M2", true).point.x_m == 20000);
    CHECK(r.row("M2", true).origin_population == 3200);  // u4 (M2 1 < L4 3) and u5 (M2 4 < L4 6)
    CHECK(r.row("M2", true).origin_degraded == 0);       // u4 3 min, u5 6 min <= 10
    CHECK(r.row("M2", true).receiving_population == 3200);  // u4 (3 < M1 8), u5 (0 < M1 11); u3 keeps M1 (3 < 8)
  }
}

TEST_CASE("Pharmacies: regroupement keeps the freed licences counted five years", "[pharmacy]") {
  const auto t = pharmacy_territory();
  SECTION("liberal L1 + L2 into L3: A keeps 3 counted (1 open + 2 held)") {
    const Run r(t, R"({"op": "regroup_pharmacies", "facilities": ["L1", "L2", "L3"], "into": "L3"})");
    const auto& A = r.a.after[0];
    CHECK(A.liberal == 1);
    CHECK(A.held == 2);
    CHECK(A.counted == 3);
    CHECK(A.surplus == 2);
    CHECK_FALSE(r.row("L1").open_after);
    CHECK(r.row("L3").open_after);
  }
  SECTION("after the five years (regroup years 0): A at quota") {
    planner::EvalParams p;
    p.pharmacy_regroup_years = 0;
    const Run r(t, R"({"op": "regroup_pharmacies", "facilities": ["L1", "L2", "L3"], "into": "L3"})", p);
    CHECK(r.a.after[0].held == 0);
    CHECK(r.a.after[0].surplus == 0);
    CHECK(r.a.all_after.at == 1);
  }
  SECTION("mining M1 + M2 into M1: nothing to hold (out of the count)") {
    const Run r(t, R"({"op": "regroup_pharmacies", "facilities": ["M1", "M2"], "into": "M1"})");
    CHECK(r.a.after[1].held == 0);
    CHECK(r.a.after[1].mining == 0);
    CHECK_THAT(r.a.edit_notes.at(0), Contains("hors quota"));
    // M2's affiliates u4, u5 now reach M1 at 9: regime sites C1 2 / 1 min.
    CHECK(r.row("M2").affiliates == 3200);
  }
}

TEST_CASE("Pharmacies: bilateral opening enters the quota count", "[pharmacy]") {
  const auto t = pharmacy_territory();
  SECTION("M1 in A: 4 counted for 1 licence, over quota by 3") {
    const Run r(t, R"({"op": "open_bilateral", "facility": "M1"})");
    CHECK(r.a.after[0].mining_counted == 1);
    CHECK(r.a.after[0].surplus == 3);
    CHECK(r.row("M1").status == "bilatérale");
    CHECK(r.row("M1").counted_after);
    CHECK_THAT(r.a.edit_notes.at(0), Contains("dépasse son quota de 3"));
    CHECK(r.a.mining_after.distribution == std::map<int, int>{{3, 1}});
  }
  SECTION("M2 in B: 2 counted for 2 licences, at quota") {
    const Run r(t, R"({"op": "open_bilateral", "facility": "M2"})");
    CHECK(r.a.after[1].surplus == 0);
    CHECK_THAT(r.a.edit_notes.at(0), Contains("au quota, sans le dépasser"));
    CHECK(r.a.mining_after.at == 1);
  }
}

TEST_CASE("Pharmacies: bad pharmacy edits are refused, naming the edit", "[pharmacy]") {
  const auto t = pharmacy_territory();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  auto eval = [&](const std::string& edits) { return planner::evaluate(engine, scenario_of(edits), p); };
  CHECK_THROWS_WITH(eval(R"({"op": "close_pharmacy", "facility": "L1"})"),
                    Contains("edit #1 (close_pharmacy L1)") && Contains("is not a mining pharmacy"));
  CHECK_THROWS_WITH(eval(R"({"op": "transfer_pharmacy", "facility": "M1", "into": "L1"})"), Contains("is a pharmacy"));
  CHECK_THROWS_WITH(eval(R"({"op": "regroup_pharmacies", "facilities": ["M1", "L1"], "into": "M1"})"),
                    Contains("cannot be regrouped together"));
  CHECK_THROWS_WITH(eval(R"({"op": "open_bilateral", "facility": "M1"}, {"op": "open_bilateral", "facility": "M1"})"),
                    Contains("edit #2"));
  CHECK_NOTHROW(eval(R"({"op": "open_bilateral", "facility": "M1"}, {"op": "close_pharmacy", "facility": "M1"})"));
  CHECK_THROWS_WITH(eval(R"({"op": "close_pharmacy", "facility": "M9"})"), Contains("unknown facility id 'M9'"));
  CHECK_THROWS_WITH(scenario_of(R"({"op": "transfer_pharmacy", "facility": "M1"})"),
                    Contains("edit #1 (transfer_pharmacy)") && Contains("either \"into\""));
  CHECK_THROWS_WITH(scenario_of(R"({"op": "regroup_pharmacies", "facilities": ["M1", "M2"], "into": "L1"})"),
                    Contains("must be one of the regrouped pharmacies"));
  auto bad = t;
  bad.facilities[5].category = "fermée";
  planner::AccessEngine bad_engine(bad, 60);
  CHECK_THROWS_WITH(planner::evaluate(bad_engine, scenario_of(R"({"op": "close_pharmacy", "facility": "M2"})"), p),
                    Contains("mining pharmacy M2") && Contains("'fermée'"));
}

TEST_CASE("Pharmacies: outputs (licences_pharmacie.csv, pharmacies.csv, rapport, summary)", "[pharmacy]") {
  const auto t = pharmacy_territory();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto s = scenario_of(R"({"op": "open_bilateral", "facility": "M1"}, {"op": "close_pharmacy", "facility": "M2"})");
  const auto before = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const auto after = planner::evaluate(engine, s, p);
  test::TempDir tmp("pharmacies");
  planner::write_evaluation(engine, s, p, before, after, tmp.str());
  const auto lic = test::read_csv(tmp.file("licences_pharmacie.csv"));
  REQUIRE(lic.size() == 2);
  CHECK(lic[0].at("code_commune") == "62001");
  CHECK(lic[0].at("licences_autorisees") == "1");
  CHECK(lic[0].at("pharmacies_liberales") == "3");
  CHECK(lic[0].at("pharmacies_minieres") == "1");
  CHECK(lic[0].at("pharmacies_minieres_decomptees") == "1");
  CHECK(lic[0].at("excedent") == "3");
  CHECK(lic[0].at("excedent_avant") == "2");
  CHECK(lic[0].at("situation") == "excédentaire");
  CHECK(lic[1].at("pharmacies_minieres") == "0");
  CHECK(lic[1].at("excedent") == "-1");
  CHECK(lic[1].at("situation") == "sous le quota");
  CHECK_THAT(lic[0].at("remarque"), Contains("données fictives d'exemple"));
  const auto ph = test::read_csv(tmp.file("pharmacies.csv"));
  REQUIRE(ph.size() == 6);
  std::map<std::string, std::map<std::string, std::string>> by_id;
  for (const auto& row : ph) by_id[row.at("id")] = row;
  CHECK(by_id.at("M2").at("ouverte_apres") == "0");
  CHECK(by_id.at("M2").at("affilies") == "3200");
  CHECK(by_id.at("M1").at("statut") == "bilatérale");
  CHECK(by_id.at("M1").at("decomptee_quota") == "1");
  CHECK_THAT(by_id.at("M1").at("avertissement"), Contains("données fictives d'exemple"));
  CHECK_THAT(by_id.at("L1").at("avertissement"), Contains("liste non exhaustive"));
  const std::string report = test::read_text(tmp.file("rapport.md"));
  CHECK_THAT(report, Contains("## Pharmacies"));
  CHECK_THAT(report, Contains("L.5125-4"));
  CHECK_THAT(report, Contains("données fictives d'exemple"));
  CHECK_THAT(report, Contains("liste non exhaustive"));
  const auto summary = test::read_json(tmp.file("summary.json"));
  const auto& ph_json = summary.at("pharmacies");
  CHECK(ph_json.at("rule") == "loi");
  CHECK(ph_json.at("liberal_pharmacies") == 4);
  CHECK(ph_json.at("mining_pharmacies") == 2);
  CHECK(ph_json.at("surplus").at("mining_communes").at("after").at("surplus_distribution").at("3") == 1);
  CHECK(ph_json.at("surplus").at("mining_communes").at("before").at("surplus_distribution").at("2") == 1);
}

TEST_CASE("Pharmacies: a transferred mining pharmacy is one row under its id, with both positions", "[pharmacy][ids]") {
  const auto t = pharmacy_territory();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto s = scenario_of(R"({"op": "transfer_pharmacy", "facility": "M1", "into": "C1"})");
  const auto before = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const auto after = planner::evaluate(engine, s, p);
  test::TempDir tmp("pharmacy-ids");
  planner::write_evaluation(engine, s, p, before, after, tmp.str());
  for (const char* file : {"pharmacies.csv", "etablissements.csv"}) {
    const auto rows = test::read_csv(tmp.file(file));
    std::map<std::string, int> seen;
    for (const auto& row : rows) ++seen[row.at("id")];
    for (const auto& [id, n] : seen) {
      INFO(file << ": id " << id);
      CHECK(n == 1);
    }
    CHECK(seen.size() == (std::string(file) == "pharmacies.csv" ? 6u : 7u));  // L1-L4, M1, M2 (and C1)
  }
  std::map<std::string, std::map<std::string, std::string>> by_id;
  for (const auto& row : test::read_csv(tmp.file("pharmacies.csv"))) by_id[row.at("id")] = row;
  const auto& m1 = by_id.at("M1");
  CHECK(m1.at("ouverte_avant") == "1");
  CHECK(m1.at("ouverte_apres") == "1");
  CHECK(m1.at("nouveau_site") == "1");
  CHECK(m1.at("affilies") == "6500");  // the origin's affiliates (header of this file)
  CHECK(m1.at("code_commune") == "62002");  // now in C1's premises, commune B
  CHECK(std::stod(m1.at("lon_avant")) == Approx(geo::lambert93_to_wgs84({9000, 0}).lon).margin(1e-9));
  CHECK(std::stod(m1.at("lon_apres")) == Approx(geo::lambert93_to_wgs84({19000, 0}).lon).margin(1e-9));
  CHECK_THAT(m1.at("changement"), Contains("transférée"));
  // rapport.md: one line in the changed facilities, one row in the pharmacies' table, from
  // commune A at x = 9 km to C1's premises in commune B at x = 19 km.
  const std::string report = test::read_text(tmp.file("rapport.md"));
  std::size_t lines_m1 = 0;
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("- ", 0) == 0 && line.find("(M1,") != std::string::npos) {
      ++lines_m1;
      CHECK_THAT(line, Contains("transférée dans les locaux de"));
      CHECK_THAT(line, Contains("déplacée de ("));
      CHECK_THAT(line, Contains("à 10,0 km à vol d'oiseau"));
    }
  }
  CHECK(lines_m1 == 1);
  std::size_t rows_m1 = 0;
  for (const auto& table : test::markdown_tables(report)) {
    for (const auto& row : table) {
      if (row.empty() || row[0].find("(M1,") == std::string::npos) continue;
      ++rows_m1;
      REQUIRE(row.size() == 7);
      CHECK(row[1] == "Commune A → Commune B");
      CHECK(row[3] == "6\u202f500");  // fr_number groups with a narrow no-break space
    }
  }
  CHECK(rows_m1 == 1);
}

TEST_CASE("Pharmacies: a name with | stays in its cell of the report's tables", "[pharmacy][report]") {
  auto t = pharmacy_territory();
  t.facilities[4].name = "Pharmacie | minière de A";  // M1
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto s = scenario_of(R"({"op": "close_pharmacy", "facility": "M1"})");
  const auto before = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const auto after = planner::evaluate(engine, s, p);
  test::TempDir tmp("pharmacy-pipe");
  planner::write_evaluation(engine, s, p, before, after, tmp.str());
  const std::string report = test::read_text(tmp.file("rapport.md"));
  std::size_t rows = 0;
  for (const auto& table : test::markdown_tables(report)) {
    const std::size_t columns = table.front().size();
    for (const auto& row : table) {
      if (row.empty() || row[0].find("(M1,") == std::string::npos) continue;
      ++rows;
      CHECK(row.size() == columns);
      CHECK(row[0].rfind("Pharmacie | minière de A (M1, pharmacie minière", 0) == 0);
      CHECK(row[1] == "Commune A");
    }
  }
  CHECK(rows == 1);
}
