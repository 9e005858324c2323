#include "planner/travel_summary.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <unordered_map>

#include "geo/snapping.hpp"

namespace recompose::planner {

std::vector<geo::Deciseconds> time_to_nearest(const Territory& t, const std::vector<std::size_t>& facilities,
                                              geo::DijkstraWorkspace& ws) {
  std::vector<geo::Deciseconds> out(t.units.size(), geo::kUnreachable);
  if (!t.has_roads) return out;
  std::vector<geo::Seed> seeds;
  for (std::size_t i : facilities) {
    const auto s = geo::arrival_seeds(t.graph, t.facilities[i].snap.result);
    seeds.insert(seeds.end(), s.begin(), s.end());
  }
  if (seeds.empty()) return out;
  geo::run_dijkstra(t.graph, geo::Direction::Reverse, seeds, geo::kUnreachable, ws);
  std::unordered_multimap<geo::SegmentId, std::size_t> on_segment;  // facilities by snapped segment
  for (std::size_t i : facilities) {
    if (t.facilities[i].snap.result.ok()) on_segment.emplace(t.facilities[i].snap.result.segment, i);
  }
  for (std::size_t u = 0; u < t.units.size(); ++u) {
    const geo::SnapResult& us = t.units[u].snap.result;
    out[u] = geo::time_at(t.graph, us, ws, geo::Direction::Reverse);
    if (!us.ok()) continue;
    const auto [b, e] = on_segment.equal_range(us.segment);
    for (auto it = b; it != e; ++it) {
      out[u] = std::min(out[u], geo::same_segment_time(t.graph, us, t.facilities[it->second].snap.result));
    }
  }
  return out;
}

TravelSummary summarize_times(const Territory& t, const std::string& target, std::size_t targets,
                              std::size_t targets_routed, const std::vector<geo::Deciseconds>& unit_times) {
  TravelSummary s;
  s.target = target;
  s.targets = targets;
  s.targets_routed = targets_routed;
  std::vector<std::pair<double, double>> reached;  // minutes, population
  for (std::size_t u = 0; u < t.units.size(); ++u) {
    const double pop = t.units[u].population;
    s.population += pop;
    if (unit_times[u] == geo::kUnreachable) {
      s.population_unreachable += pop;
      continue;
    }
    const double minutes = geo::deciseconds_to_minutes(unit_times[u]);
    reached.emplace_back(minutes, pop);
    s.population_reached += pop;
    if (minutes > 30.0) s.population_beyond_30_min += pop;
  }
  if (reached.empty() || s.population_reached <= 0) return s;
  std::sort(reached.begin(), reached.end());
  double weighted = 0;
  for (const auto& [m, p] : reached) weighted += m * p;
  s.mean_min = weighted / s.population_reached;
  auto quantile = [&](double q) {
    double acc = 0;
    for (const auto& [m, p] : reached) {
      acc += p;
      if (acc >= q * s.population_reached) return m;
    }
    return reached.back().first;
  };
  s.median_min = quantile(0.5);
  s.p90_min = quantile(0.9);
  s.max_min = reached.back().first;
  return s;
}

std::vector<TravelSummary> summarize_travel_times(const Territory& t) {
  std::vector<TravelSummary> out;
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < t.facilities.size(); ++i) {
    groups[t.facilities[i].kind].push_back(i);
    if (auto it = t.facilities[i].flags.find("urgent_care"); it != t.facilities[i].flags.end() && it->second) {
      groups["urgent_care"].push_back(i);
    }
  }
  geo::DijkstraWorkspace ws(t.graph.node_count());
  for (const auto& [name, idx] : groups) {
    std::size_t routed = 0;
    for (std::size_t i : idx) routed += t.facilities[i].snap.result.ok() ? 1 : 0;
    const auto times = time_to_nearest(t, idx, ws);
    out.push_back(summarize_times(t, name, idx.size(), routed, times));
  }
  return out;
}

}  // namespace recompose::planner
