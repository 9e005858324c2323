#include "geo/road_graph.hpp"

#include <algorithm>
#include <numeric>

#include "geo/error.hpp"

namespace recompose::geo {

namespace {
struct UnionFind {
  std::vector<NodeId> parent;
  explicit UnionFind(NodeId n) : parent(n) { std::iota(parent.begin(), parent.end(), NodeId{0}); }
  NodeId find(NodeId x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }
  void unite(NodeId a, NodeId b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};
}  // namespace

void RoadGraph::compute_components() {
  const NodeId n = node_count();
  UnionFind uf(n);
  for (SegmentId s = 0; s < segment_count(); ++s) uf.unite(segment_from[s], segment_to[s]);
  node_component.assign(n, kInvalidComponent);
  std::vector<ComponentId> root_to_component(n, kInvalidComponent);
  component_node_count.clear();
  for (NodeId v = 0; v < n; ++v) {
    const NodeId r = uf.find(v);
    if (root_to_component[r] == kInvalidComponent) {
      root_to_component[r] = static_cast<ComponentId>(component_node_count.size());
      component_node_count.push_back(0);
    }
    node_component[v] = root_to_component[r];
    ++component_node_count[node_component[v]];
  }
  main_component = kInvalidComponent;
  if (!component_node_count.empty()) {
    main_component = static_cast<ComponentId>(
        std::max_element(component_node_count.begin(), component_node_count.end()) -
        component_node_count.begin());
  }
}

void RoadGraph::build_backward() {
  const NodeId n = node_count();
  first_in.assign(static_cast<std::size_t>(n) + 1, 0);
  for (NodeId h : head) ++first_in[h + 1];
  for (NodeId v = 0; v < n; ++v) first_in[v + 1] += first_in[v];
  tail.assign(head.size(), kInvalidNode);
  in_travel_time_ds.assign(head.size(), 0);
  std::vector<ArcId> pos(first_in.begin(), first_in.end() - 1);
  for (NodeId u = 0; u < n; ++u) {
    for (ArcId a = first_out[u]; a < first_out[u + 1]; ++a) {
      const ArcId b = pos[head[a]]++;
      tail[b] = u;
      in_travel_time_ds[b] = travel_time_ds[a];
    }
  }
}

void RoadGraph::validate() const {
  const std::size_t n = node_x_m.size();
  const std::size_t m = head.size();
  const std::size_t s = segment_from.size();
  auto require = [](bool ok, const char* what) {
    if (!ok) throw Error(std::string("inconsistent road graph: ") + what);
  };
  require(node_y_m.size() == n && node_component.size() == n, "node arrays");
  require(first_out.size() == n + 1 && first_in.size() == n + 1, "first_out/first_in size");
  require(first_out.front() == 0 && first_out.back() == m, "first_out bounds");
  require(std::is_sorted(first_out.begin(), first_out.end()), "first_out order");
  require(travel_time_ds.size() == m && arc_segment.size() == m && tail.size() == m &&
              in_travel_time_ds.size() == m,
          "arc arrays");
  require(std::all_of(head.begin(), head.end(), [n](NodeId h) { return h < n; }), "head range");
  require(std::all_of(tail.begin(), tail.end(), [n](NodeId t) { return t < n; }), "tail range");
  require(std::all_of(arc_segment.begin(), arc_segment.end(), [s](SegmentId x) { return x < s; }),
          "arc_segment range");
  require(segment_to.size() == s && segment_class.size() == s && segment_length_m.size() == s &&
              segment_time_forward_ds.size() == s && segment_time_backward_ds.size() == s &&
              segment_first_point.size() == s + 1,
          "segment arrays");
  require(segment_first_point.back() == point_x_m.size() && point_y_m.size() == point_x_m.size(),
          "segment points");
  require(std::all_of(segment_class.begin(), segment_class.end(),
                      [this](RoadClass c) { return c < class_names.size(); }),
          "segment class range");
  require(main_component == kInvalidComponent ? n == 0 : main_component < component_node_count.size(),
          "main component");
}

std::vector<RoadClassSummary> summarize_by_class(const RoadGraph& g) {
  std::vector<RoadClassSummary> out(g.class_names.size());
  for (std::size_t c = 0; c < out.size(); ++c) out[c].name = g.class_names[c];
  for (SegmentId s = 0; s < g.segment_count(); ++s) {
    auto& r = out[g.segment_class[s]];
    ++r.segments;
    r.length_km += g.segment_length_m[s] / 1000.0;
    if (g.segment_time_forward_ds[s] == kUnreachable || g.segment_time_backward_ds[s] == kUnreachable) {
      ++r.oneway_segments;
    }
  }
  std::erase_if(out, [](const RoadClassSummary& r) { return r.segments == 0; });
  return out;
}

}  // namespace recompose::geo
