// Numbers as people type them in French tables and spreadsheets, read from text.
//
// `parse_number` accepts, around optional spaces:
//   "173136", "173 136", "173\u00a0136" (no-break space), "173\u202f136" (narrow
//   no-break space), "173\u2009136" (thin space)   thousands in groups of three
//   "12,5" or "12.5"                                decimal comma or point
//   "1.2314e4", "-3", "+3", "\u22123" (minus sign)   exponent and signs
// and refuses (nullopt) anything else: letters, groups that are not of three digits
// ("12 34"), a point and a comma together ("1.234,5" is ambiguous), NaN, infinities.
// The caller names the file, record and value. A single comma is the decimal
// separator: "173,136" is 173.136 (French), never 173136.
//
// `is_no_data_marker`: the conventional "no value" markers of French statistics
// ("n.d.", "nd", "s" for secret statistique, "NA", "-", "…", "secret"), which a table
// may hold instead of a number; the caller records them, never reads them as 0.
#pragma once

#include <optional>
#include <string_view>

namespace recompose::geo {

std::optional<double> parse_number(std::string_view text);
bool is_no_data_marker(std::string_view text);

}  // namespace recompose::geo
