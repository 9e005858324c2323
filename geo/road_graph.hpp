// The routable road graph: immutable CSR arrays, forward and backward.
//
// Nodes are road junctions and dead ends (vertices shared by two ways, or way
// ends); chains of shape vertices between them are kept as *segments* with their
// polyline, so a point can be snapped onto the road itself and not only onto a
// junction. Each segment yields one arc per allowed direction.
//
//   forward:  arcs of node u are first_out[u] .. first_out[u+1]-1, arc a goes to head[a]
//   backward: arcs into node v are first_in[v] .. first_in[v+1]-1, arc b comes from tail[b]
//
// Coordinates are Lambert-93 metres. Travel times are Deciseconds (see types.hpp).
// Components are weakly connected components; `main_component` is the largest by
// node count. Memory: ~40 bytes per node + ~16 per arc + the polylines.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "geo/road_profile.hpp"
#include "geo/types.hpp"

namespace recompose::geo {

struct RoadGraph {
  // [SECTION] nodes
  std::vector<double> node_x_m, node_y_m;
  std::vector<ComponentId> node_component;

  // [SECTION] forward CSR
  std::vector<ArcId> first_out;  // node_count + 1
  std::vector<NodeId> head;
  std::vector<Deciseconds> travel_time_ds;
  std::vector<SegmentId> arc_segment;

  // [SECTION] backward CSR (same arcs, grouped by head)
  std::vector<ArcId> first_in;  // node_count + 1
  std::vector<NodeId> tail;
  std::vector<Deciseconds> in_travel_time_ds;

  // [SECTION] segments (one polyline between two nodes)
  std::vector<NodeId> segment_from, segment_to;
  std::vector<RoadClass> segment_class;
  std::vector<float> segment_length_m;
  std::vector<Deciseconds> segment_time_forward_ds;   // from -> to, kUnreachable if forbidden
  std::vector<Deciseconds> segment_time_backward_ds;  // to -> from, kUnreachable if forbidden
  std::vector<std::uint32_t> segment_first_point;     // segment_count + 1 into points
  std::vector<double> point_x_m, point_y_m;

  // [SECTION] metadata
  std::vector<std::string> class_names;
  std::vector<std::uint32_t> component_node_count;  // index = ComponentId
  ComponentId main_component = kInvalidComponent;

  [[nodiscard]] NodeId node_count() const { return static_cast<NodeId>(node_x_m.size()); }
  [[nodiscard]] ArcId arc_count() const { return static_cast<ArcId>(head.size()); }
  [[nodiscard]] SegmentId segment_count() const { return static_cast<SegmentId>(segment_from.size()); }
  [[nodiscard]] std::uint32_t component_count() const {
    return static_cast<std::uint32_t>(component_node_count.size());
  }
  [[nodiscard]] bool in_main_component(NodeId n) const { return node_component[n] == main_component; }
  [[nodiscard]] PointM node_point(NodeId n) const { return {node_x_m[n], node_y_m[n]}; }
  [[nodiscard]] bool empty() const { return node_x_m.empty(); }

  // Recomputes node_component, component_node_count and main_component.
  void compute_components();
  // Builds first_in / tail / in_travel_time_ds from the forward arrays.
  void build_backward();
  // Checks sizes and ranges of every array; throws Error on the first inconsistency.
  void validate() const;
};

// Per-class summary for `recompose graph info` and import reports.
struct RoadClassSummary {
  std::string name;
  std::uint32_t segments = 0;
  double length_km = 0;
  std::uint32_t oneway_segments = 0;
};
std::vector<RoadClassSummary> summarize_by_class(const RoadGraph& g);

}  // namespace recompose::geo
