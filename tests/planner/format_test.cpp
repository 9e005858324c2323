// Report formatting helpers (planner/format.hpp, planner/cartography/page.hpp): dates.
#include <catch2/catch.hpp>

#include <regex>

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
