// Cleaning the coverage of the units at import: a planar partition.
//
// IRIS polygons derived from vector tiles overlap their neighbours along shared
// boundaries (610 pairs, 0.9 km² in the Loire basin), so catchments built from them
// would overlap too. `clean_unit_coverage` gives every overlap to exactly one unit:
//
//   Rule: an overlap goes to the SMALLER unit (by area as read; equal areas: the
//   smaller code) and is cut out of the larger ones. Units are taken from the
//   smallest, each losing what smaller units already cover:
//     clean(u) = polygon(u) − ∪ { polygon(v) : v smaller than u }
//   so the cleaned units are pairwise disjoint and cover exactly what the input
//   covered. A unit wholly inside a larger one (a tile artefact without a hole)
//   keeps its polygon and punches the hole; the larger unit loses the smallest share
//   of its own area. Gaps are left as they are.
//
// The representative point (point-on-surface) and area of a trimmed unit are
// recomputed. A unit that would lose all its area (a duplicate polygon under
// another code) keeps its polygon and is reported as an error diagnostic.
// Cost: one STR-tree query per unit and one GEOS difference per trimmed unit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "geo/diagnostic.hpp"
#include "planner/territory.hpp"

namespace recompose::planner {

struct CoverageCleaning {
  std::uint64_t overlapping_pairs = 0;  // pairs of units whose interiors overlap (DE-9IM 2********)
  std::uint64_t units_trimmed = 0;      // units that lost part of their polygon
  double overlap_area_km2 = 0;          // area cut out, = sum of areas − area of the union
  std::vector<std::string> examples;    // the largest overlaps, "IRIS A ∩ IRIS B : 0,012 km²" (at most 5)
};

// Cleans `units` in place (their order is kept); appends diagnostics.
CoverageCleaning clean_unit_coverage(std::vector<Unit>& units, geo::Diagnostics& diagnostics);

}  // namespace recompose::planner
