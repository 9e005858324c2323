// Travel time from every unit to the nearest facility of a group, and its
// population-weighted summary (mean, median, 90th percentile, beyond 30 min).
// One multi-source reverse search per group: O(graph) whatever the group size.
#pragma once

#include <string>
#include <vector>

#include "geo/dijkstra.hpp"
#include "planner/import_report.hpp"
#include "planner/territory.hpp"

namespace recompose::planner {

// Time from each unit (index = unit index) to the nearest of `facilities`
// (facility indices), access legs included; kUnreachable when none is reachable
// or the unit is off the network.
std::vector<geo::Deciseconds> time_to_nearest(const Territory& t, const std::vector<std::size_t>& facilities,
                                              geo::DijkstraWorkspace& ws);

TravelSummary summarize_times(const Territory& t, const std::string& target, std::size_t targets,
                              std::size_t targets_routed, const std::vector<geo::Deciseconds>& unit_times);

// One summary per facility kind, plus "urgent_care" (facilities flagged so).
std::vector<TravelSummary> summarize_travel_times(const Territory& t);

}  // namespace recompose::planner
