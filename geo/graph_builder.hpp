// Builds a RoadGraph from ways (polylines with a class, a direction and a speed).
//
// A vertex is identified by a 64-bit key (the OSM node id, or the quantised
// coordinate for line layers), so ways that share a vertex are joined there.
// Vertices used twice or more, and way ends, become graph nodes; the vertices in
// between stay as segment shape points. Zero-length segments and self-loops are
// dropped (they never shorten a path) and counted.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "geo/road_graph.hpp"
#include "geo/road_profile.hpp"
#include "geo/types.hpp"

namespace recompose::geo {

enum class Oneway : std::int8_t { Both = 0, Forward = 1, Backward = -1 };

struct WayInput {
  std::vector<std::uint64_t> vertex_keys;
  std::vector<PointM> points;  // Lambert-93, same size as vertex_keys
  RoadClass road_class = 0;
  Oneway oneway = Oneway::Both;
  double speed_kmh = 0;
};

struct GraphBuildStats {
  std::uint64_t ways = 0;
  std::uint64_t segments = 0;
  std::uint64_t dropped_self_loops = 0;
  std::uint64_t dropped_zero_length = 0;
};

// Quantised coordinate key for line layers: Lambert-93 to the centimetre.
std::uint64_t coordinate_key(PointM p);

class GraphBuilder {
 public:
  explicit GraphBuilder(std::vector<std::string> class_names) : class_names_(std::move(class_names)) {}
  void add_way(const WayInput& way);
  // Consumes the builder's state.
  RoadGraph build(GraphBuildStats* stats = nullptr);

 private:
  struct Way {
    std::uint32_t first_vertex, end_vertex;  // into way_vertices_
    RoadClass road_class;
    Oneway oneway;
    double speed_kmh;
  };
  std::vector<std::string> class_names_;
  std::unordered_map<std::uint64_t, std::uint32_t> vertex_index_;
  std::vector<PointM> vertex_point_;
  std::vector<std::uint32_t> vertex_uses_;
  std::vector<std::uint32_t> way_vertices_;
  std::vector<Way> ways_;
};

}  // namespace recompose::geo
