// Urgent-care sites given as an explicit list (SU / SMUR / antennes, as published or
// sent by the ARS) instead of the default rule on the FINESS category.
//
// The list is any table GDAL reads (CSV in practice) with a column of FINESS numbers
// and/or two coordinate columns (lon/lat in WGS84 unless the spec gives a `crs`).
// Applying it to a territory:
//   - a listed FINESS number is matched against every facility id with one of the
//     manifest's id prefixes removed ("FINESS-620000257" -> "620000257");
//   - the `urgent_care` flag becomes true exactly for the matched facilities and false
//     for every other one;
//   - a row whose number matches no facility but which gives a point becomes a new
//     facility of kind `urgent_care_site` (id "SU-<number>" or "SU-L<line>") when the
//     point lies in the territory; otherwise it is reported;
//   - listed numbers that match nothing (and give no point) are diagnostics, as are
//     duplicated numbers and rows with neither number nor point.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "geo/diagnostic.hpp"
#include "geo/types.hpp"
#include "planner/manifest.hpp"
#include "planner/territory.hpp"

namespace recompose::planner::offer {

struct UrgentCareRow {
  std::string where;   // "file F, layer L, feature N"
  std::int64_t fid = -1;
  std::string finess;  // normalised FINESS number, "" when none
  std::optional<geo::PointM> point;  // Lambert-93
  std::string name;
};

struct UrgentCareList {
  std::string path, layer;
  std::uint64_t read = 0;
  std::vector<UrgentCareRow> rows;
  geo::Diagnostics diagnostics;
};

// Reads the list at `path` (the spec's path resolved by the caller). Throws geo::Error
// naming the file when it cannot be read or has neither the FINESS column nor both
// coordinate columns.
UrgentCareList read_urgent_care_list(const UrgentCareListSpec& spec, const std::string& path);

struct UrgentCareOutcome {
  std::uint64_t sites = 0;      // facilities flagged urgent_care after applying the list
  std::uint64_t matched = 0;    // rows matched to existing facilities by FINESS number
  std::uint64_t added = 0;      // rows added as urgent_care_site from their point
  std::uint64_t not_found = 0;  // rows whose number matched nothing and gave no usable point
  std::uint64_t outside = 0;    // rows added from a point that lies outside the territory: not kept
  std::vector<std::string> not_found_numbers;
};

using CommuneLocator = std::function<const Commune*(geo::PointM)>;

// Applies the list to `t` (flags, new sites); diagnostics are appended to `diagnostics`.
UrgentCareOutcome apply_urgent_care_list(const UrgentCareList& list, const UrgentCareListSpec& spec,
                                         const std::vector<std::string>& id_prefixes,
                                         const CommuneLocator& commune_at, Territory& t,
                                         geo::Diagnostics& diagnostics);

// The sentence (French) that replaces the rule's assumption in every report:
// "Sites d'urgences : liste fournie (...), source : ..., N sites ...".
std::string urgent_care_list_assumption(const UrgentCareListSpec& spec, const UrgentCareOutcome& outcome);

}  // namespace recompose::planner::offer
