// Isochrones: the area from which a set of facilities is reached within T minutes.
//
// Road model ("network buffer" method): one multi-source reverse search from the
// sites; every road segment, or the part of it, whose time to the nearest site is
// at most T is kept, and the kept network is buffered by `buffer_m` (default
// 250 m) and dissolved with GEOS. The polygon shows where the *road network* is
// within T; land far from any road is not included. Straight-line model: discs of
// radius T x speed / detour factor around each site, dissolved. The bands are
// nested: each contains every band of fewer minutes (T < T' => area(T) within area(T')).
#pragma once

#include <vector>

#include "geo/geometry.hpp"
#include "planner/access_engine.hpp"
#include "planner/scenario.hpp"

namespace recompose::planner {

struct Isochrone {
  double minutes = 0;
  geo::Geometry area;  // Lambert-93 (Multi)Polygon; empty when nothing is reached
};

std::vector<Isochrone> isochrones(const AccessEngine& engine, const std::vector<const FacilityState*>& sites,
                                  const std::vector<double>& minutes, double buffer_m = 250.0);

}  // namespace recompose::planner
