// Contraction hierarchy (CH, Geisberger et al. 2008) and PHAST one-to-all sweeps
// (Delling, Goldberg, Nowatzyk, Werneck 2011) on a RoadGraph.
//
// Preprocessing contracts the nodes least important first (priority = level +
// added/removed arcs + added/removed hops, as in RoutingKit), in rounds of
// independent sets contracted in parallel (each node of a round has the smallest
// priority within two hops; neighbours are refreshed after each round); when a node v
// is removed, a shortcut u->x of weight w(u,v)+w(v,x) is added unless a limited
// local Dijkstra ("witness search") finds a path u->x avoiding v that is not
// longer. Every CH arc then joins a node to a more important ("higher") one, and
// every shortest path has an up-then-down representative of the same length.
//
// Layout. Nodes are renumbered into *sweep order*: by decreasing hierarchy level
// (a node's level is above the level of every lower node it is linked to), ties in
// original id order (the graph's Z-order, for locality). A CH arc always joins a
// node to one with a smaller sweep index. Two CSR arrays, indexed by sweep index i:
//
//   up:   up_first[i] .. up_first[i+1]-1, arcs i -> j    (j < i, original direction)
//   down: down_first[i] .. down_first[i+1]-1, arcs j -> i (j < i, grouped by head i)
//
// each entry = (sweep index j of the higher end, weight). A forward query runs a
// small Dijkstra upward from the seeds on `up`, then sweeps i = 0..n-1 relaxing
// d[i] = min(d[i], d[j] + w) over `down`, reading the arcs strictly sequentially.
// A reverse query (times *to* the seeds) walks `down` upward and sweeps over `up`:
// the same two arrays serve both directions.
//
// Cost (one core of the shared 2-core build machine, medians; the build times are
// those of the former sequential contractor, see build_contraction_hierarchy):
//   Saint-Étienne (32 k nodes, 78 k arcs): build 0.44 s, 62 k shortcuts, 1.8 MB;
//     Dijkstra one-to-all 3.8 ms, run_phast 0.27 ms, run_phast_batch 0.8 ms per
//     sweep of 16 sources (0.05 ms per source).
//   1 M-node perturbed grid (2.2 M arcs): build 7.5 s (peak +200 MB), 1.1 M shortcuts,
//     45 MB; Dijkstra 131 ms, run_phast 7 ms, run_phast_batch 17 ms per sweep
//     (1.05 ms per source; the sweep row array is 64 MB per workspace).
// Memory: 16 bytes per node (two id maps, two `first` arrays) + 4 (levels) + 8 per CH
// arc; CH arcs = road arcs (parallel arcs merged) + shortcuts, split between `up`
// and `down`. A PHAST sweep reads `first` and the sweep arcs sequentially and the
// times of higher nodes at random; a batched sweep moves 4 * kPhastLanes bytes per
// node and is bound by memory latency (it prefetches ahead).

// Results equal run_dijkstra(g, direction, seeds, kUnreachable, ws) bit for bit:
// arcs of weight kUnreachable and self loops are ignored, parallel arcs keep their
// minimum, and a path whose total reaches kUnreachable counts as unreachable (sums
// saturate at kUnreachable).
//
// Thread safety: a ContractionHierarchy (and a PhastTargets selection) is immutable
// after build/load and may be shared between threads; each thread uses its own
// workspaces. A workspace refers to the CH (or PhastTargets) of its last query,
// which must outlive the reads of `time`.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "geo/dijkstra.hpp"
#include "geo/road_graph.hpp"
#include "geo/types.hpp"

namespace recompose::geo {

// One CH arc as stored: the sweep index of its higher end and its weight.
struct ChArc {
  NodeId other = kInvalidNode;
  Deciseconds weight = kUnreachable;
};

struct ContractionHierarchy {
  // [SECTION] node numbering
  std::vector<NodeId> sweep_to_node;  // sweep index -> original node id
  std::vector<NodeId> node_to_sweep;  // original node id -> sweep index
  std::vector<std::uint32_t> sweep_level;  // hierarchy level of each sweep index (non-increasing)

  // [SECTION] upward arcs i -> j (j < i), grouped by tail i
  std::vector<ArcId> up_first;  // node_count + 1
  std::vector<ChArc> up_arcs;

  // [SECTION] downward arcs j -> i (j < i), grouped by head i
  std::vector<ArcId> down_first;  // node_count + 1
  std::vector<ChArc> down_arcs;

  std::uint64_t shortcuts = 0;  // CH arcs that are not arcs of the road graph

  [[nodiscard]] NodeId node_count() const { return static_cast<NodeId>(sweep_to_node.size()); }
  [[nodiscard]] std::uint64_t shortcut_count() const { return shortcuts; }
  [[nodiscard]] std::uint64_t arc_count() const { return up_arcs.size() + down_arcs.size(); }
  [[nodiscard]] std::size_t memory_bytes() const;
  // Checks sizes, ranges, the permutation and the sweep-order invariant; throws Error.
  void validate() const;
};

struct ChBuildStats {
  double seconds = 0;
  std::uint64_t shortcuts = 0;
  std::uint64_t input_arcs = 0;       // road-graph arcs kept (no loop, no kUnreachable, parallel merged)
  std::uint64_t ch_arcs = 0;          // up + down arcs of the result
  std::uint32_t levels = 0;           // number of hierarchy levels
  std::uint64_t witness_searches = 0; // local Dijkstras run (priorities and contractions)
  std::size_t memory_bytes = 0;       // of the result
  std::uint32_t rounds = 0;           // independent sets contracted
  unsigned threads = 0;               // threads used
  // Wall-clock time of each step of the rounds (see build_contraction_hierarchy).
  struct PhaseSeconds {
    double select = 0;      // independent sets
    double simulate = 0;    // witness searches of the selected nodes (parallel)
    double apply = 0;       // shortcuts added, nodes removed (one thread)
    double priorities = 0;  // initial priorities and the neighbours' updates (parallel)
  } phase_seconds;
};

// Builds the CH of `g` on `threads` threads (0: one per core). Nodes are contracted
// in rounds of independent sets (every node whose priority is the smallest within
// two hops), their witness searches run in parallel on per-thread workspaces; the
// result is the same, byte for byte, whatever the number of threads. Priorities are
// estimated with witness checks of at most 3 arcs, the shortcuts decided by witness
// searches of up to 500 settled nodes. Cost on the synthetic graphs (2 threads on the
// 2 shared cores, load 4-5, about one core's worth): 1 M nodes 11.5 s CPU, 3 M 40 s,
// 10 M 157 s CPU (163 s wall), 1.92-1.96 shortcuts per node; details in contraction.cpp.
ContractionHierarchy build_contraction_hierarchy(const RoadGraph& g, ChBuildStats* stats = nullptr,
                                                 unsigned threads = 0);
// The number of threads build_contraction_hierarchy uses by default.
unsigned default_contraction_threads();

namespace detail {
// Upward Dijkstra state shared by run_phast and run_phast_batch (sweep indices).
struct PhastUpward {
  std::vector<Deciseconds> dist;  // valid where stamp == current
  std::vector<std::uint32_t> stamp;
  std::uint32_t current = 0;
  std::vector<std::pair<Deciseconds, NodeId>> heap;
  std::vector<std::pair<NodeId, Deciseconds>> settled;  // (sweep index, time), sorted by index after a run
};
// A time written into one lane of one node before a batched sweep.
struct LaneStart {
  NodeId index;
  unsigned lane;
  Deciseconds time;
};
}  // namespace detail

// Per-thread state of run_phast: one time per node, in sweep order.
class PhastWorkspace {
 public:
  PhastWorkspace() = default;
  // Time of original node `v` after the last run_phast; kUnreachable if not reached.
  [[nodiscard]] Deciseconds time(NodeId v) const { return dist_[(*node_to_sweep_)[v]]; }
  // The times in sweep order (index with ContractionHierarchy::node_to_sweep).
  [[nodiscard]] std::span<const Deciseconds> sweep_times() const { return dist_; }
  // Copies the times into `out`, indexed by original node id (resized to node_count).
  void times_by_node(std::vector<Deciseconds>& out) const;

 private:
  friend void run_phast(const ContractionHierarchy&, Direction, std::span<const Seed>, PhastWorkspace&);
  friend void run_phast_parallel(const ContractionHierarchy&, Direction, std::span<const Seed>, PhastWorkspace&,
                                 NodeId);
  const std::vector<NodeId>* node_to_sweep_ = nullptr;
  std::vector<Deciseconds> dist_;  // final times, sweep order
  detail::PhastUpward up_;
};

// One-to-all from `seeds` (all nodes), same result as run_dijkstra with limit kUnreachable.
// Throws Error if a seed is out of range.
void run_phast(const ContractionHierarchy& ch, Direction dir, std::span<const Seed> seeds, PhastWorkspace& ws);

// The same sweep on two cores: the nodes of one level never depend on each other
// (every arc leads to a higher level), so each level of at least `min_split` nodes
// is cut in two halves swept at once, with a barrier before and after it. Same
// result as run_phast; worth it for one search on a large graph (the engine's
// tables already use both cores with one batch per thread).
void run_phast_parallel(const ContractionHierarchy& ch, Direction dir, std::span<const Seed> seeds, PhastWorkspace& ws,
                        NodeId min_split = 4096);

// Lanes of one batched sweep. 16 lanes of uint32 = one 64-byte cache line per node
// (measured on the 1 M-node grid: 1.05 ms per source with 16 lanes, 2.0 with 8).
inline constexpr unsigned kPhastLanes = 16;

// Per-thread state of run_phast_batch: kPhastLanes times per node, in sweep order.
class PhastBatchWorkspace {
 public:
  struct alignas(kPhastLanes * sizeof(Deciseconds)) Row {
    std::array<Deciseconds, kPhastLanes> t;
  };
  PhastBatchWorkspace() = default;
  // Time of original node `v` for seed set `lane` after the last run_phast_batch.
  [[nodiscard]] Deciseconds time(unsigned lane, NodeId v) const { return rows_[(*node_to_sweep_)[v]].t[lane]; }
  // Rows in sweep order (index with ContractionHierarchy::node_to_sweep).
  [[nodiscard]] std::span<const Row> sweep_rows() const { return rows_; }
  // Number of seed sets of the last run (lanes beyond are all kUnreachable).
  [[nodiscard]] unsigned lane_count() const { return lanes_; }

 private:
  friend void run_phast_batch(const ContractionHierarchy&, Direction, std::span<const std::vector<Seed>>,
                              PhastBatchWorkspace&);
  const std::vector<NodeId>* node_to_sweep_ = nullptr;
  std::vector<Row> rows_;
  unsigned lanes_ = 0;
  detail::PhastUpward up_;  // reused lane by lane
  std::vector<detail::LaneStart> starts_;
};

// Up to kPhastLanes independent seed sets in ONE sweep (lane i = seed_sets[i]); lanes
// beyond seed_sets.size() are kUnreachable everywhere. Throws Error if there are more
// than kPhastLanes sets or a seed is out of range.
void run_phast_batch(const ContractionHierarchy& ch, Direction dir, std::span<const std::vector<Seed>> seed_sets,
                     PhastBatchWorkspace& ws);

// [SECTION] RPHAST: times at a fixed set of targets only
//
// select_targets keeps the nodes from which a target can be reached by sweep arcs
// (the downward closure of the targets), renumbered in sweep order, with their arcs:
// a restricted sweep then touches only those nodes. 2000 random targets select 2 %
// of the 1 M-node grid (0.2 ms per source, 0.08 ms per source batched) and 24 % of
// Saint-Étienne; clustered targets select fewer. Selecting costs about one full
// sweep (plus 4 bytes per CH node); reuse it for every query towards the same
// targets. Depends on the direction: Forward gives times from the seeds to the
// targets, Reverse from the targets to the seeds.
struct PhastTargets {
  Direction direction = Direction::Forward;
  std::vector<NodeId> targets;         // original node ids, as given
  std::vector<NodeId> target_local;    // local index of each target
  std::vector<NodeId> local_to_sweep;  // local index -> sweep index (increasing)
  std::vector<NodeId> sweep_to_local;  // sweep index -> local index, kInvalidNode if not selected
  std::vector<ArcId> first;            // local CSR: arcs of local node k are first[k] .. first[k+1]-1
  std::vector<ChArc> arcs;             // `other` = local index of the higher end
  NodeId ch_node_count = 0;             // of the CH it was selected on

  // Number of selected nodes (what a restricted sweep visits).
  [[nodiscard]] NodeId node_count() const { return static_cast<NodeId>(local_to_sweep.size()); }
  [[nodiscard]] std::size_t memory_bytes() const;
};

// Throws Error if a target is out of range. Duplicated targets are allowed.
PhastTargets select_targets(const ContractionHierarchy& ch, Direction dir, std::span<const NodeId> targets);

class RphastWorkspace {
 public:
  // Time at targets[k] (k = position in the list given to select_targets).
  [[nodiscard]] Deciseconds time(std::size_t k) const { return dist_[(*target_local_)[k]]; }

 private:
  friend void run_rphast(const ContractionHierarchy&, const PhastTargets&, std::span<const Seed>,
                         RphastWorkspace&);
  const std::vector<NodeId>* target_local_ = nullptr;
  std::vector<Deciseconds> dist_;  // local order
  detail::PhastUpward up_;
};

// Times between `seeds` and the selected targets, in targets.direction; equal to
// run_phast / run_dijkstra at those targets. `targets` must come from select_targets
// on this `ch` and outlive the reads of the workspace.
void run_rphast(const ContractionHierarchy& ch, const PhastTargets& targets, std::span<const Seed> seeds,
                RphastWorkspace& ws);

class RphastBatchWorkspace {
 public:
  // Time at targets[k] for seed set `lane`.
  [[nodiscard]] Deciseconds time(unsigned lane, std::size_t k) const {
    return rows_[(*target_local_)[k]].t[lane];
  }
  // Every lane's time at targets[k] (one cache line): read it once for all lanes.
  [[nodiscard]] const PhastBatchWorkspace::Row& row(std::size_t k) const { return rows_[(*target_local_)[k]]; }
  [[nodiscard]] unsigned lane_count() const { return lanes_; }

 private:
  friend void run_rphast_batch(const ContractionHierarchy&, const PhastTargets&,
                               std::span<const std::vector<Seed>>, RphastBatchWorkspace&);
  const std::vector<NodeId>* target_local_ = nullptr;
  std::vector<PhastBatchWorkspace::Row> rows_;  // local order
  unsigned lanes_ = 0;
  detail::PhastUpward up_;
  std::vector<detail::LaneStart> starts_;
};

// Up to kPhastLanes seed sets in one restricted sweep (see run_phast_batch).
void run_rphast_batch(const ContractionHierarchy& ch, const PhastTargets& targets,
                      std::span<const std::vector<Seed>> seed_sets, RphastBatchWorkspace& ws);

// Binary file beside a graph cache: magic "RCMPCHIE", a format version, the
// fingerprint of the graph it was built from, an FNV-1a checksum of the payload,
// then every array with its length. Written atomically (temporary file + rename).
inline constexpr std::uint32_t kContractionCacheVersion = 1;

void save_contraction_hierarchy(const ContractionHierarchy& ch, std::uint64_t fingerprint, const std::string& path);

// Throws Error naming the file if it is missing, foreign, of another version, built
// from another graph (fingerprint != expected_fingerprint, unless that is 0), or corrupt.
ContractionHierarchy load_contraction_hierarchy(const std::string& path, std::uint64_t expected_fingerprint);

}  // namespace recompose::geo
