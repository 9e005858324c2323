// Report formatting helpers (planner/format.hpp): dates; Markdown table cells.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "markdown_support.hpp"
#include "planner/cartography/page.hpp"
#include "planner/format.hpp"

using namespace recompose;

TEST_CASE("Today's date is YYYY-MM-DD, and reads in French", "[format]") {
  const std::string d = planner::iso_today();
  CHECK(std::regex_match(d, std::regex("20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")));
  CHECK(planner::cartography::french_date("2026-12-02") == "2 décembre 2026");
  CHECK(planner::cartography::french_date("2027-03-01") == "1er mars 2027");
  CHECK(planner::cartography::french_date("bientôt") == "bientôt");
}

TEST_CASE("A Markdown table cell keeps a | and a line break inside it", "[format][report]") {
  const std::string name = "Centre A | B\nsuite\r\nfin";
  const std::string md = "| Site | Code |\n|---|---|\n| " + planner::md_cell(name) + " | `" + planner::md_cell("x|y") + "` |\n";
  const auto tables = test::markdown_tables(md);
  REQUIRE(tables.size() == 1);
  REQUIRE(tables[0].size() == 2);
  REQUIRE(tables[0][1].size() == 2);
  CHECK(tables[0][1][0] == "Centre A | B suite  fin");
  CHECK(tables[0][1][1] == "x|y");
  CHECK(planner::md_cell("sans rien") == "sans rien");
}

TEST_CASE("Every destination of the reports has its own label", "[format][report]") {
  // The pharmacy layer's mining pharmacies and the regime's pharmacy sites are two
  // destinations with their own times: they must not read alike in a table.
  const std::vector<std::string> targets = {"hospital",      "urgent_care",     "gp_point",
                                            "health_centre", "pharmacy",        "mining_pharmacy",
                                            "mining_health_building", "mining_regime", "regime_site",
                                            "regime_centre", "regime_pharmacy", "regime_lab",
                                            "regime_optics", "regime_gp",       "regime_dentist"};
  std::set<std::string> labels;
  for (const auto& t : targets) {
    INFO(t << " -> " << planner::target_label(t));
    CHECK(labels.insert(planner::target_label(t)).second);
  }
}
