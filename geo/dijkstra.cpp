#include "geo/dijkstra.hpp"

#include <algorithm>
#include <functional>

#include "geo/error.hpp"

namespace recompose::geo {

void DijkstraWorkspace::resize(NodeId n) {
  dist_.assign(n, kUnreachable);
  stamp_.assign(n, 0);
  settled_flag_.assign(n, 0);
  current_ = 0;
  heap_.clear();
  settled_.clear();
}

void DijkstraWorkspace::clear() {
  ++current_;
  if (current_ == 0) {  // wrapped after 2^32 searches: one real reset
    std::fill(stamp_.begin(), stamp_.end(), 0);
    current_ = 1;
  }
  heap_.clear();
  settled_.clear();
}

void run_dijkstra(const RoadGraph& g, Direction direction, std::span<const Seed> seeds,
                  Deciseconds limit_ds, DijkstraWorkspace& ws) {
  if (ws.node_count() != g.node_count()) ws.resize(g.node_count());
  ws.clear();
  const bool fwd = direction == Direction::Forward;
  const auto& first = fwd ? g.first_out : g.first_in;
  const auto& other = fwd ? g.head : g.tail;
  const auto& weight = fwd ? g.travel_time_ds : g.in_travel_time_ds;
  auto& heap = ws.heap_;
  const auto cmp = std::greater<>();

  auto relax = [&](NodeId v, Deciseconds d) {
    if (d > limit_ds) return;
    if (ws.stamp_[v] != ws.current_) {
      ws.stamp_[v] = ws.current_;
      ws.settled_flag_[v] = 0;
      ws.dist_[v] = d;
    } else if (d >= ws.dist_[v]) {
      return;
    } else {
      ws.dist_[v] = d;
    }
    heap.emplace_back(d, v);
    std::push_heap(heap.begin(), heap.end(), cmp);
  };

  for (const Seed& s : seeds) {
    if (s.node >= g.node_count()) throw Error("seed node out of range", ErrorKind::Internal);
    relax(s.node, s.offset_ds);
  }
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), cmp);
    const auto [d, u] = heap.back();
    heap.pop_back();
    if (ws.settled_flag_[u] || d != ws.dist_[u]) continue;  // stale entry
    ws.settled_flag_[u] = 1;
    ws.settled_.push_back(u);
    for (ArcId a = first[u]; a < first[u + 1]; ++a) {
      const Deciseconds w = weight[a];
      if (w == kUnreachable || d > kUnreachable - 1 - w) continue;
      relax(other[a], d + w);
    }
  }
}

}  // namespace recompose::geo
