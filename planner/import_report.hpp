// What an import did: counts per layer, joins matched and unmatched (with
// examples), geometries repaired, populations per source, CRSs seen, facilities
// off the network, road components, travel-time summary, time taken. Rendered as
// Markdown (French, for planners) and JSON (for machines).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "geo/diagnostic.hpp"
#include "geo/road_graph.hpp"
#include "geo/road_import.hpp"

namespace recompose::planner {

struct LayerCount {
  std::string role, path, layer, crs;
  std::uint64_t read = 0, kept = 0;
  std::string note;
};

struct JoinReport {
  std::string name;  // "IRIS population -> units"
  std::uint64_t matched = 0, unmatched = 0;
  std::vector<std::string> unmatched_examples;  // at most 5
  std::string note;
};

struct PopulationTotal {
  std::string source;
  double total = 0;
};

struct TravelSummary {
  std::string target;  // "hospital", "urgent_care"...
  std::uint64_t targets = 0, targets_routed = 0;
  double population = 0, population_reached = 0, population_unreachable = 0;
  double mean_min = 0, median_min = 0, p90_min = 0, max_min = 0;
  double population_beyond_30_min = 0;
};

struct ImportReport {
  std::string territory, title, manifest, data_root;
  std::vector<LayerCount> layers;
  std::vector<JoinReport> joins;
  std::vector<PopulationTotal> populations;
  std::uint64_t geometries_repaired = 0;
  // Unit coverage cleaned into a planar partition (planner/unit_coverage.hpp).
  std::uint64_t unit_overlapping_pairs = 0, units_trimmed = 0;
  double unit_overlap_area_km2 = 0;
  std::vector<std::string> unit_overlap_examples;
  std::vector<std::string> crs_seen;
  // Roads
  bool has_roads = false;
  std::string roads_note;
  std::string roads_source;  // citation of the road file (producer, licence, date)
  geo::RoadImportStats road_stats;
  std::uint32_t nodes = 0, arcs = 0, segments = 0, components = 0, main_component_nodes = 0;
  std::vector<geo::RoadClassSummary> road_classes;
  bool graph_from_cache = false;
  bool ch_from_cache = false;        // contraction hierarchy reused from graph.ch
  std::uint64_t ch_shortcuts = 0;
  std::string graph_fingerprint;
  // Snapping
  std::uint64_t units_snapped = 0, units_off_network = 0, facilities_snapped = 0, facilities_off_network = 0;
  std::uint64_t facilities_outside_kept = 0, facilities_outside_dropped = 0;  // edge effects
  double population_off_network = 0;
  std::vector<std::string> off_network_examples;
  std::vector<TravelSummary> travel;
  std::vector<std::string> assumptions;
  geo::Diagnostics diagnostics;
  double seconds = 0;
  double peak_memory_mib = 0;
  std::map<std::string, double> step_seconds;

  void add_join_example(JoinReport& j, const std::string& example) const;
  [[nodiscard]] std::string to_markdown() const;
  [[nodiscard]] std::string to_json() const;
};

}  // namespace recompose::planner
