// Shortest travel-time searches on a RoadGraph: one-to-all, bounded by a time
// limit, forward or reverse, from one or many seeds (each with an initial offset,
// e.g. the access leg and the part of the road segment a snapped point lies on).
//
// The graph is immutable and shared; all per-query state lives in a
// `DijkstraWorkspace` that is reset in O(1) (timestamps), so thousands of searches
// reuse one allocation. One workspace per thread. Cost: O((n + m) log n) for a
// full search, much less when bounded.
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "geo/road_graph.hpp"
#include "geo/types.hpp"

namespace recompose::geo {

enum class Direction {
  Forward,  // times from the seeds to every node
  Reverse,  // times from every node to the seeds
};

struct Seed {
  NodeId node = kInvalidNode;
  Deciseconds offset_ds = 0;
};

class DijkstraWorkspace {
 public:
  explicit DijkstraWorkspace(NodeId node_count = 0) { resize(node_count); }
  void resize(NodeId node_count);
  // Forgets the previous search in O(1).
  void clear();

  // The time of `v` after a search; kUnreachable if not reached (or beyond the limit).
  [[nodiscard]] Deciseconds time(NodeId v) const {
    return stamp_[v] == current_ && settled_flag_[v] ? dist_[v] : kUnreachable;
  }
  // Nodes settled by the last search, in order of increasing time.
  [[nodiscard]] const std::vector<NodeId>& settled() const { return settled_; }
  [[nodiscard]] NodeId node_count() const { return static_cast<NodeId>(dist_.size()); }

 private:
  friend void run_dijkstra(const RoadGraph&, Direction, std::span<const Seed>, Deciseconds,
                           DijkstraWorkspace&);
  std::vector<Deciseconds> dist_;
  std::vector<std::uint32_t> stamp_;
  std::vector<std::uint8_t> settled_flag_;
  std::uint32_t current_ = 0;
  std::vector<std::pair<Deciseconds, NodeId>> heap_;
  std::vector<NodeId> settled_;
};

// Runs Dijkstra from `seeds` over `g` in `direction`; nodes farther than `limit_ds`
// are not settled (pass kUnreachable for a one-to-all search). Clears `ws` first.
void run_dijkstra(const RoadGraph& g, Direction direction, std::span<const Seed> seeds,
                  Deciseconds limit_ds, DijkstraWorkspace& ws);

// Convenience: one-to-all from a single node.
inline void run_dijkstra(const RoadGraph& g, Direction direction, NodeId source,
                         Deciseconds limit_ds, DijkstraWorkspace& ws) {
  const Seed s{source, 0};
  run_dijkstra(g, direction, std::span<const Seed>(&s, 1), limit_ds, ws);
}

}  // namespace recompose::geo
