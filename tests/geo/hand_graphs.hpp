// Tiny hand-drawn road graphs whose travel times are checked by hand.
// Every road has class "road" at 36 km/h = 10 m/s, so 100 m take 10 s = 100 ds.
#pragma once

#include <initializer_list>
#include <vector>

#include "geo/graph_builder.hpp"

namespace recompose::test {

inline geo::WayInput way(std::initializer_list<geo::PointM> pts, geo::Oneway oneway = geo::Oneway::Both,
                         double speed_kmh = 36.0) {
  geo::WayInput w;
  for (const auto& p : pts) {
    w.points.push_back(p);
    w.vertex_keys.push_back(geo::coordinate_key(p));
  }
  w.oneway = oneway;
  w.speed_kmh = speed_kmh;
  return w;
}

inline geo::RoadGraph build(std::initializer_list<geo::WayInput> ways) {
  geo::GraphBuilder b({"road"});
  for (const auto& w : ways) b.add_way(w);
  return b.build();
}

// The node at exactly (x, y), or kInvalidNode.
inline geo::NodeId node_at(const geo::RoadGraph& g, double x, double y) {
  for (geo::NodeId v = 0; v < g.node_count(); ++v) {
    if (g.node_x_m[v] == x && g.node_y_m[v] == y) return v;
  }
  return geo::kInvalidNode;
}

}  // namespace recompose::test
