// A deterministic generator of road-like graphs and territories, for benchmarks at
// scale (0.1 M to 3 M nodes) and for tests that need a territory bigger than a toy.
//
// The road graph is a perturbed planar mesh in Lambert-93-like coordinates (origin
// (700000, 6400000) by default): a lattice of junctions with a random spacing of
// 150-250 m per row and per column, each junction jittered by up to 30 m.
//   - local streets (residential 30, unclassified 40, tertiary 50 km/h): a third of
//     them removed at random (irregular blocks, dead ends), over half split by a
//     degree-2 node (as OSM splits ways) or bent by a shape point, 4 % one-way;
//   - cul-de-sacs: short dead-end spurs off some junctions;
//   - every 8th row and column a major road (primary or trunk, 70-90 km/h, never cut);
//   - every 40th corridor (between two rows or two columns) a highway (motorway,
//     110-130 km/h) as a pair of one-way carriageways that cross the mesh on bridges
//     and meet it only at interchanges every 12 junctions (motorway_link, 50 km/h).
// That gives 2.42 directed arcs per node, as OSM car graphs have (Saint-Étienne: 2.42),
// 1.87 nodes per junction, and a main component of 99.6 % of the nodes or more. Cost:
// 3 M nodes in ~4 s, < 1 GiB at peak (snapping the territory adds the Snapper's index).
//
// The territory tiles the graph's bounding box with rectangular units (one per
// ~300 nodes, population 200-5,000), grouped 2 x 5 into communes (INSEE-like codes,
// département 42 then 43... past 999 communes), communes 4 x 4 into EPCI, EPCI 2 x 2
// into zones d'emploi; facilities (one per ~5,000 nodes) at random positions: about
// 1 in 15 a hospital with urgent_care (at least 2), 1 in 20 a health centre of the
// mining regime (flag mining_regime), the rest gp_point (capacity 1-6). Every unit
// and facility is snapped with geo::Snapper, as an imported territory is.
//
// Everything is a function of the options: the same options give the same graph and
// territory, bit for bit, on a given standard library (std::mt19937_64 with
// distributions written out here, so no libstdc++ distribution is involved).
#pragma once

#include <cstdint>
#include <string>

#include "geo/road_graph.hpp"
#include "planner/territory.hpp"

namespace recompose::bench {

struct SyntheticOptions {
  std::uint32_t target_nodes = 100000;  // the graph has this many nodes within a few %
  std::uint64_t seed = 1;
  std::uint32_t nodes_per_unit = 300;
  std::uint32_t nodes_per_facility = 5000;
  double origin_x_m = 700000;  // south-west corner, Lambert-93-like metres
  double origin_y_m = 6400000;
  // Speed profile (class names, access speed, snapping distance). Empty: the
  // project's datasets/profiles/car.json (found through RECOMPOSE_SOURCE_DIR).
  std::string profile_path;
};

struct SyntheticGraphStats {
  std::uint32_t lattice_columns = 0, lattice_rows = 0;
  std::uint64_t ways = 0;
  double seconds = 0;  // ways + GraphBuilder::build
};

struct SyntheticTerritoryStats {
  SyntheticGraphStats graph;
  double territory_seconds = 0;        // units, communes, facilities (no snapping)
  double snapper_seconds = 0;          // building the segment index
  double snap_seconds = 0;             // snapping every unit and facility
  std::int64_t snapper_rss_bytes = 0;  // resident memory added by building the index (VmRSS delta)
};

// The road graph alone (through geo::GraphBuilder, so nodes are renumbered along
// the Z-order curve as imported graphs are).
geo::RoadGraph make_synthetic_road_graph(const SyntheticOptions& o,
                                         SyntheticGraphStats* stats = nullptr);

// Graph + communes + units + facilities, every unit and facility snapped.
planner::Territory make_synthetic_territory(const SyntheticOptions& o,
                                            SyntheticTerritoryStats* stats = nullptr);

// The same around a graph already made by make_synthetic_road_graph(o) (moved in),
// so that a caller can time or measure the graph on its own first.
planner::Territory make_synthetic_territory(const SyntheticOptions& o, geo::RoadGraph graph,
                                            SyntheticTerritoryStats* stats = nullptr);

// The speed profile the generator uses for `o` (loaded from o.profile_path or the default).
geo::RoadProfile synthetic_profile(const SyntheticOptions& o);

// Resident memory of this process now, and its peak so far (VmRSS, VmHWM of
// /proc/self/status), in bytes; 0 when unavailable.
std::int64_t current_rss_bytes();
std::int64_t peak_rss_bytes();

}  // namespace recompose::bench
