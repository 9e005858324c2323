#include "planner/unit_coverage.hpp"

#include <algorithm>
#include <memory>

#include "geo/geometry.hpp"
#include "planner/format.hpp"

namespace recompose::planner {

namespace {

std::string km2(double m2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", m2 / 1e6);
  return buf;
}

}  // namespace

CoverageCleaning clean_unit_coverage(std::vector<Unit>& units, geo::Diagnostics& diagnostics) {
  CoverageCleaning out;
  const std::size_t n = units.size();
  std::vector<double> area(n, 0);
  geo::StrTree tree;
  for (std::size_t i = 0; i < n; ++i) {
    const bool has = units[i].geometry && !units[i].geometry.empty();
    area[i] = has ? units[i].geometry.area() : 0;
    // A unit without polygon gets an envelope no query meets.
    tree.insert(has ? units[i].geometry.envelope() : geo::Envelope{1e300, 1e300, 1e300, 1e300});
  }
  // Priority: the smaller unit keeps the overlap (ties: the smaller code).
  auto keeps_before = [&](std::size_t a, std::size_t b) {
    return area[a] != area[b] ? area[a] < area[b] : units[a].code < units[b].code;
  };
  struct PairOverlap {
    double m2;
    std::string a, b;
  };
  std::vector<PairOverlap> pairs;
  std::vector<geo::Geometry> cleaned(n);
  std::vector<std::vector<std::size_t>> given_to(n);  // units that took part of unit i
  for (std::size_t i = 0; i < n; ++i) {
    const geo::Geometry& g = units[i].geometry;
    if (area[i] <= 0) continue;
    const geo::PreparedGeometry prepared(g);
    std::vector<const geo::Geometry*> cut;
    for (std::size_t j : tree.query(g.envelope())) {
      if (j == i || area[j] <= 0 || !prepared.intersects(units[j].geometry)) continue;
      if (!g.relate_pattern(units[j].geometry, "2********")) continue;  // touching only
      if (i < j) {
        ++out.overlapping_pairs;
        pairs.push_back({g.intersection(units[j].geometry).area(), units[i].code, units[j].code});
      }
      if (keeps_before(j, i)) {
        cut.push_back(&units[j].geometry);
        given_to[i].push_back(j);
      }
    }
    if (cut.empty()) continue;
    geo::Geometry rest = g.difference(geo::union_all(cut)).polygonal_parts().made_valid();
    if (!rest || rest.empty() || rest.area() <= 0) {
      diagnostics.push_back({geo::Severity::Error, "unit-covered", "IRIS " + units[i].code,
                             "its polygon lies wholly inside smaller units (a duplicate polygon?); kept as read, "
                             "so the catchments overlap there"});
      given_to[i].clear();
      continue;
    }
    cleaned[i] = std::move(rest);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!cleaned[i]) continue;
    Unit& u = units[i];
    const double removed = area[i] - cleaned[i].area();
    std::string to;
    for (std::size_t j : given_to[i]) to += (to.empty() ? "" : ", ") + units[j].code;
    diagnostics.push_back({geo::Severity::Info, "unit-overlap-trimmed", "IRIS " + u.code,
                           km2(removed) + " km2 shared with smaller units (" + to +
                               ") given to them; representative point recomputed"});
    out.overlap_area_km2 += removed / 1e6;
    ++out.units_trimmed;
    u.geometry = std::move(cleaned[i]);
    u.area_km2 = u.geometry.area() / 1e6;
    u.point = u.geometry.point_on_surface();
  }
  std::sort(pairs.begin(), pairs.end(), [](const PairOverlap& a, const PairOverlap& b) { return a.m2 > b.m2; });
  for (std::size_t k = 0; k < pairs.size() && k < 5; ++k) {
    out.examples.push_back("IRIS " + pairs[k].a + " ∩ IRIS " + pairs[k].b + " : " + fr_number(pairs[k].m2 / 1e6, 4) +
                           " km²");
  }
  if (out.overlapping_pairs > 0) {
    diagnostics.push_back({geo::Severity::Warning, "unit-overlaps-cleaned", "units (IRIS)",
                           std::to_string(out.overlapping_pairs) + " pairs of units overlap (" +
                               km2(out.overlap_area_km2 * 1e6) + " km2 in all); each overlap was given to the smaller "
                               "unit and cut out of the larger, " + std::to_string(out.units_trimmed) +
                               " units trimmed, so that catchments tile the territory"});
  }
  return out;
}

}  // namespace recompose::planner
