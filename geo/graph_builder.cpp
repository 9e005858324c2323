#include "geo/graph_builder.hpp"

#include <algorithm>
#include <cmath>

#include "geo/error.hpp"

namespace recompose::geo {

std::uint64_t coordinate_key(PointM p) {
  const auto x = static_cast<std::uint64_t>(std::llround(p.x_m * 100.0)) & 0xffffffffULL;
  const auto y = static_cast<std::uint64_t>(std::llround(p.y_m * 100.0)) & 0xffffffffULL;
  return (x << 32) | y;
}

void GraphBuilder::add_way(const WayInput& way) {
  if (way.points.size() != way.vertex_keys.size()) {
    throw Error("way with mismatched keys and points", ErrorKind::Internal);
  }
  if (way.points.size() < 2) return;
  Way w{static_cast<std::uint32_t>(way_vertices_.size()), 0, way.road_class, way.oneway, way.speed_kmh};
  for (std::size_t i = 0; i < way.points.size(); ++i) {
    auto [it, inserted] =
        vertex_index_.try_emplace(way.vertex_keys[i], static_cast<std::uint32_t>(vertex_point_.size()));
    if (inserted) {
      vertex_point_.push_back(way.points[i]);
      vertex_uses_.push_back(0);
    }
    // Consecutive duplicates (same vertex twice in a row) add nothing.
    if (way_vertices_.size() > w.first_vertex && way_vertices_.back() == it->second) continue;
    way_vertices_.push_back(it->second);
    ++vertex_uses_[it->second];
  }
  w.end_vertex = static_cast<std::uint32_t>(way_vertices_.size());
  if (w.end_vertex - w.first_vertex < 2) {
    way_vertices_.resize(w.first_vertex);
    return;
  }
  // Way ends are always nodes.
  vertex_uses_[way_vertices_[w.first_vertex]] += 2;
  vertex_uses_[way_vertices_[w.end_vertex - 1]] += 2;
  ways_.push_back(w);
}

namespace {
Deciseconds travel_time(double length_m, double speed_kmh) {
  const double t = length_m / (speed_kmh / 3.6) * 10.0;
  return static_cast<Deciseconds>(std::max(1.0, std::round(t)));
}
}  // namespace

RoadGraph GraphBuilder::build(GraphBuildStats* stats) {
  RoadGraph g;
  g.class_names = class_names_;
  GraphBuildStats st;
  st.ways = ways_.size();

  std::vector<NodeId> vertex_node(vertex_point_.size(), kInvalidNode);
  auto node_of = [&](std::uint32_t v) {
    if (vertex_node[v] == kInvalidNode) {
      vertex_node[v] = g.node_count();
      g.node_x_m.push_back(vertex_point_[v].x_m);
      g.node_y_m.push_back(vertex_point_[v].y_m);
    }
    return vertex_node[v];
  };

  struct Arc {
    NodeId from, to;
    Deciseconds t;
    SegmentId s;
  };
  std::vector<Arc> arcs;
  g.segment_first_point.push_back(0);
  for (const Way& w : ways_) {
    std::uint32_t start = w.first_vertex;
    for (std::uint32_t i = w.first_vertex + 1; i < w.end_vertex; ++i) {
      const std::uint32_t v = way_vertices_[i];
      if (vertex_uses_[v] < 2 && i + 1 < w.end_vertex) continue;
      // Segment from way_vertices_[start] to v.
      double length = 0;
      for (std::uint32_t k = start + 1; k <= i; ++k) {
        const PointM a = vertex_point_[way_vertices_[k - 1]];
        const PointM b = vertex_point_[way_vertices_[k]];
        length += std::hypot(b.x_m - a.x_m, b.y_m - a.y_m);
      }
      const std::uint32_t u = way_vertices_[start];
      const std::uint32_t first = start;
      start = i;
      if (u == v) {
        ++st.dropped_self_loops;
        continue;
      }
      if (length <= 0) {
        ++st.dropped_zero_length;
        continue;
      }
      const SegmentId s = g.segment_count();
      const NodeId from = node_of(u), to = node_of(v);
      const Deciseconds t = travel_time(length, w.speed_kmh);
      g.segment_from.push_back(from);
      g.segment_to.push_back(to);
      g.segment_class.push_back(w.road_class);
      g.segment_length_m.push_back(static_cast<float>(length));
      g.segment_time_forward_ds.push_back(w.oneway == Oneway::Backward ? kUnreachable : t);
      g.segment_time_backward_ds.push_back(w.oneway == Oneway::Forward ? kUnreachable : t);
      for (std::uint32_t k = first; k <= i; ++k) {
        g.point_x_m.push_back(vertex_point_[way_vertices_[k]].x_m);
        g.point_y_m.push_back(vertex_point_[way_vertices_[k]].y_m);
      }
      g.segment_first_point.push_back(static_cast<std::uint32_t>(g.point_x_m.size()));
      if (w.oneway != Oneway::Backward) arcs.push_back({from, to, t, s});
      if (w.oneway != Oneway::Forward) arcs.push_back({to, from, t, s});
    }
  }
  st.segments = g.segment_count();

  // Renumber nodes along a Z-order (Morton) curve of their coordinates, so that nodes
  // near each other on the ground are near each other in memory: searches then touch
  // fewer cache lines.
  {
    const NodeId count = g.node_count();
    double x0 = 0, y0 = 0;
    if (count) {
      x0 = *std::min_element(g.node_x_m.begin(), g.node_x_m.end());
      y0 = *std::min_element(g.node_y_m.begin(), g.node_y_m.end());
    }
    auto spread = [](std::uint64_t v) {  // interleave the low 32 bits with zeros
      v &= 0xffffffffULL;
      v = (v | (v << 16)) & 0x0000ffff0000ffffULL;
      v = (v | (v << 8)) & 0x00ff00ff00ff00ffULL;
      v = (v | (v << 4)) & 0x0f0f0f0f0f0f0f0fULL;
      v = (v | (v << 2)) & 0x3333333333333333ULL;
      v = (v | (v << 1)) & 0x5555555555555555ULL;
      return v;
    };
    std::vector<std::pair<std::uint64_t, NodeId>> order(count);
    for (NodeId v = 0; v < count; ++v) {
      const auto cx = static_cast<std::uint64_t>((g.node_x_m[v] - x0) / 10.0);  // 10 m cells
      const auto cy = static_cast<std::uint64_t>((g.node_y_m[v] - y0) / 10.0);
      order[v] = {spread(cx) | (spread(cy) << 1), v};
    }
    std::sort(order.begin(), order.end());
    std::vector<NodeId> new_id(count);
    std::vector<double> x(count), y(count);
    for (NodeId k = 0; k < count; ++k) {
      new_id[order[k].second] = k;
      x[k] = g.node_x_m[order[k].second];
      y[k] = g.node_y_m[order[k].second];
    }
    g.node_x_m.swap(x);
    g.node_y_m.swap(y);
    for (auto& v : g.segment_from) v = new_id[v];
    for (auto& v : g.segment_to) v = new_id[v];
    for (auto& a : arcs) {
      a.from = new_id[a.from];
      a.to = new_id[a.to];
    }
  }

  // Forward CSR by counting sort on the tail.
  const NodeId n = g.node_count();
  g.first_out.assign(static_cast<std::size_t>(n) + 1, 0);
  for (const Arc& a : arcs) ++g.first_out[a.from + 1];
  for (NodeId v = 0; v < n; ++v) g.first_out[v + 1] += g.first_out[v];
  g.head.resize(arcs.size());
  g.travel_time_ds.resize(arcs.size());
  g.arc_segment.resize(arcs.size());
  std::vector<ArcId> pos(g.first_out.begin(), g.first_out.end() - 1);
  for (const Arc& a : arcs) {
    const ArcId k = pos[a.from]++;
    g.head[k] = a.to;
    g.travel_time_ds[k] = a.t;
    g.arc_segment[k] = a.s;
  }
  g.build_backward();
  g.compute_components();
  g.validate();
  if (stats) *stats = st;
  // Release the builder's memory.
  vertex_index_ = {};
  vertex_point_ = {};
  vertex_uses_ = {};
  way_vertices_ = {};
  ways_ = {};
  return g;
}

}  // namespace recompose::geo
