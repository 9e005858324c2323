// Numbers as French users type them (geo/number_text.hpp), each form by hand.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "geo/number_text.hpp"

using recompose::geo::is_no_data_marker;
using recompose::geo::parse_number;

TEST_CASE("French numbers: thousands separated by spaces, decimal commas", "[number]") {
  CHECK(parse_number("173136") == 173136.0);
  CHECK(parse_number("173 136") == 173136.0);
  CHECK(parse_number("173\u00a0136") == 173136.0);  // no-break space (Excel, LibreOffice)
  CHECK(parse_number("173\u202f136") == 173136.0);  // narrow no-break space (fr-FR locale)
  CHECK(parse_number("173\u2009136") == 173136.0);  // thin space
  CHECK(parse_number("1 234 567") == 1234567.0);
  CHECK(parse_number(" 12,5 ") == 12.5);
  CHECK(parse_number("1 234,5") == 1234.5);
  CHECK(parse_number("1\u00a0234,75") == 1234.75);
  CHECK(parse_number("12.5") == 12.5);
  CHECK(parse_number("1.2314e4") == 12314.0);
  CHECK(parse_number("1,706E4") == 17060.0);
  CHECK(parse_number("-3") == -3.0);
  CHECK(parse_number("+3") == 3.0);
  CHECK(parse_number("\u22123,5") == -3.5);  // typographic minus
  CHECK(parse_number("0") == 0.0);
  CHECK(parse_number("\t42\r") == 42.0);
  CHECK(parse_number("12\u00a0") == 12.0);  // a trailing no-break space
  CHECK(parse_number("173,136") == Approx(173.136));  // one comma: the decimal separator
}

TEST_CASE("Text that is not a number is refused, never read as 0", "[number]") {
  for (const char* bad : {"", " ", "douze mille", "12 34", "1234 567", "1 2345", "1.234,5", "1,234.5", "12,5 %",
                          "12a", "--3", "+-3", "nan", "inf", "1e999", "-", "1 234 56", "n.d.", "0x10", "1 ,5"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(parse_number(bad).has_value());
  }
}

TEST_CASE("No-data markers of French statistics are recognised", "[number]") {
  for (const char* m : {"n.d.", "ND", "s", "NA", "-", "…", "secret", " nd "}) {
    INFO(m);
    CHECK(is_no_data_marker(m));
  }
  for (const char* m : {"", "0", "12", "douze", "abc"}) {
    INFO(m);
    CHECK_FALSE(is_no_data_marker(m));
  }
}
