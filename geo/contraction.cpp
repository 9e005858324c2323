#include "geo/contraction.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <bit>
#include <chrono>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <thread>
#include <limits>
#include <type_traits>
#include <utility>

#include "geo/binary_record.hpp"
#include "geo/error.hpp"
#include "geo/output_folder.hpp"
#include "geo/fingerprint.hpp"

namespace recompose::geo {

namespace {

// d + w saturated at kUnreachable: min(d, ~w) + w never wraps, and a sum that
// reaches kUnreachable is unreachable, as in run_dijkstra.
inline Deciseconds add_saturated(Deciseconds d, Deciseconds w) { return std::min(d, ~w) + w; }

// [SECTION] contraction

// An arc of the graph being contracted; `hops` = number of road arcs it stands for.
struct DynArc {
  NodeId other;
  Deciseconds weight;
  std::uint32_t hops;
};

struct Shortcut {
  NodeId from, to;
  Deciseconds weight;
  std::uint32_t hops;
};

// Witness searches: a local Dijkstra from u that looks for paths u -> x avoiding
// the node v being contracted (and every other node contracted in the same round),
// no longer than need(x) = w(u,v) + w(v,x), for every out-neighbour x of v. It stops
// as soon as every target has such a path (tentative distances are lengths of real
// paths), when nothing within the largest need is left, or after `settle_limit`
// settled nodes. Stopping early only makes us add a shortcut that was not needed,
// never miss one. One per thread: 16 bytes per node of the graph.
class WitnessSearch {
 public:
  explicit WitnessSearch(NodeId n) : slot_(n) {}

  // Targets of the next run: the heads of `outs` except `source`, with need =
  // in_weight + their weight. Returns the largest need (0 if there is no target).
  Deciseconds set_targets(const std::vector<DynArc>& outs, NodeId source, Deciseconds in_weight) {
    if (++target_stamp_ == 0) {
      for (Slot& s : slot_) s.target_stamp = 0;
      target_stamp_ = 1;
    }
    targets_ = 0;
    target_list_.clear();
    Deciseconds max_need = 0;
    for (const DynArc& b : outs) {
      const Deciseconds need = add_saturated(in_weight, b.weight);
      if (b.other == source || need == kUnreachable) continue;  // loop, or a path too long to matter
      Slot& s = slot_[b.other];
      s.target_stamp = target_stamp_;
      s.need = need;
      ++targets_;
      target_list_.emplace_back(b.other, need);
      max_need = std::max(max_need, need);
    }
    return max_need;
  }

  // `blocked` (or nullptr): nodes no witness may pass through, besides `avoid`.
  void run(const std::vector<std::vector<DynArc>>& out, NodeId source, NodeId avoid, const std::uint8_t* blocked,
           Deciseconds max_dist, unsigned settle_limit) {
    if (++current_ == 0) {
      for (Slot& s : slot_) s.stamp = 0;
      current_ = 1;
    }
    ++runs;
    heap_.clear();
    unsigned open_targets = targets_;
    if (open_targets == 0) return;
    improve(source, 0, open_targets);
    unsigned settled = 0;
    const auto cmp = std::greater<>();
    while (!heap_.empty() && open_targets > 0) {
      std::pop_heap(heap_.begin(), heap_.end(), cmp);
      const auto [d, u] = heap_.back();
      heap_.pop_back();
      if (d != slot_[u].dist) continue;  // stale entry (pushed only on strict improvement)
      if (++settled > settle_limit) break;
      for (const DynArc& a : out[u]) {
        if (a.other == avoid || (blocked != nullptr && blocked[a.other] != 0)) continue;
        const Deciseconds nd = add_saturated(d, a.weight);
        if (nd > max_dist) continue;
        improve(a.other, nd, open_targets);
      }
    }
  }
  // Paths of at most `hops` (>= 1) arcs from `source` avoiding `avoid` (`in`: the
  // same graph's in-arcs), with no heap and no settle limit: a cheap check that
  // finds the short witnesses only, for the priority estimates. The first hops - 1
  // arcs layer by layer from `source` (each node expanded once, from the first
  // layer that reaches it, with its distance at that time), the last one backwards
  // from each target still open (its in-arcs from the nodes reached). A distance
  // may stay above the shortest one: the check can only report fewer witnesses,
  // never a false one (every distance is the length of a real path).
  template <class Graph>
  void run_hops(const Graph& out, const Graph& in, NodeId source, NodeId avoid, Deciseconds max_dist,
                unsigned hops) {
    if (++current_ == 0) {
      for (Slot& s : slot_) s.stamp = 0;
      current_ = 1;
    }
    ++runs;
    unsigned open_targets = targets_;
    if (open_targets == 0) return;
    slot_[source].stamp = current_;
    slot_[source].dist = 0;
    frontier_.assign(1, source);
    for (unsigned h = 0; h + 1 < hops && open_targets > 0 && !frontier_.empty(); ++h) {
      next_.clear();
      for (const NodeId u : frontier_) {
        const Deciseconds du = slot_[u].dist;
        for (const DynArc& a : out[u]) {
          if (a.other == avoid) continue;
          const Deciseconds nd = add_saturated(du, a.weight);
          if (nd > max_dist) continue;
          const bool first = slot_[a.other].stamp != current_;
          if (lower(a.other, nd, open_targets) && first && h + 2 < hops) next_.push_back(a.other);
        }
      }
      frontier_.swap(next_);
    }
    // The last arc backwards from each open target: one in-arc list per target
    // instead of the out-arcs of every node of the last layer.
    for (const auto& [x, need] : target_list_) {
      if (open_targets == 0) return;
      if (dist(x) <= need) continue;
      for (const DynArc& a : in[x]) {
        const Slot& s = slot_[a.other];
        if (s.stamp != current_ || a.other == avoid) continue;
        const Deciseconds nd = add_saturated(s.dist, a.weight);
        if (nd <= max_dist) lower(x, nd, open_targets);
      }
    }
  }
  // Length of the shortest path found to `v` by the last run (kUnreachable if none).
  [[nodiscard]] Deciseconds dist(NodeId v) const {
    return slot_[v].stamp == current_ ? slot_[v].dist : kUnreachable;
  }
  std::uint64_t runs = 0;

 private:
  struct Slot {
    Deciseconds dist = kUnreachable;
    std::uint32_t stamp = 0;
    std::uint32_t target_stamp = 0;
    Deciseconds need = 0;
  };
  // Lowers the distance of `v` to `d` if that is shorter; true if it did.
  bool lower(NodeId v, Deciseconds d, unsigned& open_targets) {
    Slot& s = slot_[v];
    const Deciseconds old = s.stamp == current_ ? s.dist : kUnreachable;
    if (d >= old) return false;
    s.stamp = current_;
    s.dist = d;
    if (s.target_stamp == target_stamp_ && d <= s.need && old > s.need) --open_targets;
    return true;
  }
  void improve(NodeId v, Deciseconds d, unsigned& open_targets) {
    if (!lower(v, d, open_targets)) return;
    heap_.emplace_back(d, v);
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
  }
  std::vector<Slot> slot_;
  std::uint32_t current_ = 0;
  std::uint32_t target_stamp_ = 0;
  unsigned targets_ = 0;
  std::vector<std::pair<Deciseconds, NodeId>> heap_;
  std::vector<NodeId> frontier_, next_;  // run_hops
  std::vector<std::pair<NodeId, Deciseconds>> target_list_;
};

// Runs body(worker, i) for every i in [0, count) on up to `threads` threads (worker
// 0 = the calling one), in dynamic chunks of `grain` indices; inline when there is
// little work. The first exception thrown by a body is rethrown here.
template <class Body>
void parallel_for(unsigned threads, std::size_t count, std::size_t grain, const Body& body) {
  if (threads <= 1 || count <= grain) {
    for (std::size_t i = 0; i < count; ++i) body(0u, i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&](unsigned worker) {
    try {
      for (;;) {
        const std::size_t begin = next.fetch_add(grain, std::memory_order_relaxed);
        if (begin >= count) return;
        const std::size_t end = std::min(count, begin + grain);
        for (std::size_t i = begin; i < end; ++i) body(worker, i);
      }
    } catch (...) {
      next.store(count);
      const std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
    }
  };
  const unsigned helpers = static_cast<unsigned>(std::min<std::size_t>(threads, (count + grain - 1) / grain)) - 1;
  std::vector<std::thread> pool;
  pool.reserve(helpers);
  for (unsigned w = 1; w <= helpers; ++w) pool.emplace_back(work, w);
  work(0);
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

// Tie-break between nodes of equal priority: a hash of the id (not the id itself:
// ids follow the Z-order, and ties broken along it would chain the rounds).
inline std::uint64_t node_hash(NodeId v) {
  std::uint64_t x = v + 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Settled-node limit of a witness search. 500 is the usual compromise: larger
// limits add few fewer shortcuts and cost much more time.
constexpr unsigned kWitnessSettleLimit = 500;
// Arc limit of the witness checks that only estimate a priority (run about five
// times more often than the searches of the contraction; as Dijkstras of 20 settled
// nodes they were ~70 % of the build): paths of at most 3 arcs (WitnessSearch::
// run_hops). Measured on the 1 M-node synthetic graph, one thread, against the
// Dijkstras of 20 settled nodes: build CPU time -37 %, shortcuts +1.2 %, PHAST query
// time unchanged; 4 arcs: -23 %, shortcuts -0.9 %; 2 arcs (forward only): -32 %,
// shortcuts +7 %.
constexpr unsigned kPriorityHops = 3;

// Contracts every node of a dynamic copy of the graph (per-node vectors of in and
// out arcs between uncontracted nodes) in rounds, each round an independent set of
// the least important nodes:
//   1. select: every remaining node whose (priority, hash, id) is smaller than that
//      of every node within two hops (so no two selected nodes are adjacent, and
//      the contraction stays close to the least-important-first order);
//   2. simulate, in parallel: the shortcuts each selected node needs, by witness
//      searches that avoid every selected node (a witness then only uses arcs that
//      survive the round, whatever the order in which the round is applied);
//   3. apply, on one thread, in the order of the node ids: remove the selected
//      nodes, add or improve the shortcuts, raise the neighbours' levels;
//   4. recompute the neighbours' priorities, in parallel (witness checks of at most
//      kPriorityHops arcs: an estimate; step 2 alone decides the shortcuts).
// Every step reads the state left by the previous one and writes per-node slots or
// runs in a fixed order, so the hierarchy is the same, byte for byte, whatever the
// number of threads. After the run, out_[v] / in_[v] hold exactly v's arcs to /
// from higher nodes: the CH.
// Memory: ~60 bytes per node + 24 bytes per arc (both lists) at the peak, plus 16
// bytes per node for each thread's witness search.
// Cost, measured 2026-12-02 with a scratch driver timing this build alone on the
// synthetic graphs of tests/bench/synthetic_territory.hpp, 2 threads on the 2 cores
// shared with other sessions (load average 2.5-5: the process got about one core, so
// the CPU time is the figure to compare; the wall time was close to it):
//   1 M nodes 11 s CPU, 1.92 shortcuts per node;
//   3 M nodes 40 s CPU, 1.94 shortcuts per node;
//   10 M nodes 157 s CPU (163 s wall), 1.96 shortcuts per node, 165 levels, peak
//   4.0 GiB (with the graph).
// Step 4 is about half of it (13.7 witness searches per node in all), step 2 a third.
// With the priorities by Dijkstras of 20 settled nodes (before the 3-arc checks), in
// the same conditions: 1 M 18 s CPU, 3 M 72 s, 10 M 301 s CPU (456 s wall), 1.90,
// 1.93 and 1.94 shortcuts per node, 312 levels at 10 M. The sequential contractor
// the rounds replaced (one node at a time, bae13bc) took 19 s CPU at 1 M: the rounds
// never cost twice as much per node, the bench's 2x was the load.
class Contractor {
 public:
  Contractor(const RoadGraph& g, unsigned threads)
      : n_(g.node_count()), threads_(std::max(1u, threads)), out_(n_), in_(n_), level_(n_, 0),
        priority_(n_, 0.0F), selected_(n_, 0), contracted_(n_, 0), mark_(n_, 0) {
    // Drop self loops and forbidden arcs, merge parallel arcs (keep the minimum).
    parallel_for(threads_, n_, 16384, [&](unsigned, std::size_t i) {
      const auto u = static_cast<NodeId>(i);
      auto& list = out_[u];
      for (ArcId a = g.first_out[u]; a < g.first_out[u + 1]; ++a) {
        const NodeId v = g.head[a];
        const Deciseconds w = g.travel_time_ds[a];
        if (v == u || w == kUnreachable) continue;
        list.push_back({v, w, 1});
      }
      std::sort(list.begin(), list.end(), [](const DynArc& x, const DynArc& y) {
        return x.other != y.other ? x.other < y.other : x.weight < y.weight;
      });
      list.erase(std::unique(list.begin(), list.end(),
                             [](const DynArc& x, const DynArc& y) { return x.other == y.other; }),
                 list.end());
      list.shrink_to_fit();
    });
    for (NodeId u = 0; u < n_; ++u) input_arcs_ += out_[u].size();
    std::vector<std::uint32_t> in_degree(n_, 0);
    for (NodeId u = 0; u < n_; ++u) {
      for (const DynArc& a : out_[u]) ++in_degree[a.other];
    }
    for (NodeId v = 0; v < n_; ++v) in_[v].reserve(in_degree[v]);
    for (NodeId u = 0; u < n_; ++u) {
      for (const DynArc& a : out_[u]) in_[a.other].push_back({u, a.weight, a.hops});
    }
  }

  void run() {
    workers_.clear();
    for (unsigned w = 0; w < threads_; ++w) workers_.emplace_back(n_);
    std::vector<NodeId> remaining(n_);
    for (NodeId v = 0; v < n_; ++v) remaining[v] = v;
    auto timed = [](double& acc, auto&& step) {
      const auto t0 = std::chrono::steady_clock::now();
      step();
      acc += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    timed(seconds_.priorities, [&] {
      parallel_for(threads_, n_, 1024, [&](unsigned w, std::size_t v) {
        priority_[v] = priority(static_cast<NodeId>(v), workers_[w]);
      });
    });
    std::vector<NodeId> batch, dirty;
    std::vector<std::vector<Shortcut>> shortcuts;
    while (!remaining.empty()) {
      ++rounds_;
      timed(seconds_.select, [&] {
        parallel_for(threads_, remaining.size(), 4096, [&](unsigned, std::size_t k) {
          const NodeId v = remaining[k];
          selected_[v] = is_local_minimum(v) ? 1 : 0;
        });
        batch.clear();
        for (const NodeId v : remaining) {
          if (selected_[v]) batch.push_back(v);
        }
      });
      if (shortcuts.size() < batch.size()) shortcuts.resize(batch.size());
      timed(seconds_.simulate, [&] {
        parallel_for(threads_, batch.size(), 8, [&](unsigned w, std::size_t k) {
          find_shortcuts(batch[k], shortcuts[k], kWitnessSettleLimit, 0, selected_.data(), workers_[w]);
        });
      });
      timed(seconds_.apply, [&] {
        dirty.clear();
        ++mark_stamp_;
        for (std::size_t k = 0; k < batch.size(); ++k) contract(batch[k], shortcuts[k], dirty);
        for (const NodeId v : batch) {
          selected_[v] = 0;
          contracted_[v] = 1;
        }
        std::erase_if(remaining, [&](NodeId v) { return contracted_[v] != 0; });
      });
      timed(seconds_.priorities, [&] {
        parallel_for(threads_, dirty.size(), 64, [&](unsigned w, std::size_t k) {
          priority_[dirty[k]] = priority(dirty[k], workers_[w]);
        });
      });
    }
  }

  [[nodiscard]] ContractionHierarchy result() {
    ContractionHierarchy ch;
    ch.sweep_to_node.resize(n_);
    for (NodeId v = 0; v < n_; ++v) ch.sweep_to_node[v] = v;
    // Sweep order: level descending, then original id (Z-order locality).
    std::sort(ch.sweep_to_node.begin(), ch.sweep_to_node.end(), [&](NodeId a, NodeId b) {
      return level_[a] != level_[b] ? level_[a] > level_[b] : a < b;
    });
    ch.node_to_sweep.resize(n_);
    ch.sweep_level.resize(n_);
    for (NodeId i = 0; i < n_; ++i) {
      ch.node_to_sweep[ch.sweep_to_node[i]] = i;
      ch.sweep_level[i] = level_[ch.sweep_to_node[i]];
    }
    // After contraction out_[v] / in_[v] hold exactly the arcs to / from higher nodes.
    auto fill = [&](const std::vector<std::vector<DynArc>>& lists, std::vector<ArcId>& first,
                    std::vector<ChArc>& arcs) {
      first.assign(static_cast<std::size_t>(n_) + 1, 0);
      std::size_t total = 0;
      for (NodeId v = 0; v < n_; ++v) total += lists[v].size();
      if (total >= kInvalidArc) throw Error("contraction hierarchy too large", ErrorKind::Internal);
      arcs.clear();
      arcs.reserve(total);
      for (NodeId i = 0; i < n_; ++i) {
        const auto begin = arcs.size();
        for (const DynArc& a : lists[ch.sweep_to_node[i]]) arcs.push_back({ch.node_to_sweep[a.other], a.weight});
        std::sort(arcs.begin() + static_cast<std::ptrdiff_t>(begin), arcs.end(),
                  [](const ChArc& x, const ChArc& y) { return x.other < y.other; });
        first[i + 1] = static_cast<ArcId>(arcs.size());
      }
    };
    // The two directions at once when there are two threads.
    auto fill_up = [&] {
      fill(out_, ch.up_first, ch.up_arcs);
      out_ = {};
    };
    auto fill_down = [&] {
      fill(in_, ch.down_first, ch.down_arcs);
      in_ = {};
    };
    if (threads_ > 1 && n_ > 65536) {
      std::exception_ptr error;
      std::thread helper([&] {
        try {
          fill_down();
        } catch (...) {
          error = std::current_exception();
        }
      });
      std::exception_ptr own;
      try {
        fill_up();
      } catch (...) {
        own = std::current_exception();
      }
      helper.join();
      if (own) std::rethrow_exception(own);
      if (error) std::rethrow_exception(error);
    } else {
      fill_up();
      fill_down();
    }
    ch.shortcuts = ch.arc_count() - input_arcs_;
    return ch;
  }

  std::uint64_t input_arcs_ = 0;
  [[nodiscard]] std::uint32_t max_level() const {
    return n_ == 0 ? 0 : *std::max_element(level_.begin(), level_.end());
  }
  [[nodiscard]] std::uint64_t witness_runs() const {
    std::uint64_t runs = 0;
    for (const Worker& w : workers_) runs += w.witness.runs;
    return runs;
  }
  [[nodiscard]] std::uint32_t rounds() const { return rounds_; }
  [[nodiscard]] unsigned threads() const { return threads_; }
  [[nodiscard]] const ChBuildStats::PhaseSeconds& phase_seconds() const { return seconds_; }

 private:
  struct Worker {
    explicit Worker(NodeId n) : witness(n) {}
    WitnessSearch witness;
    std::vector<Shortcut> scratch;
  };

  // Strict total order of the contraction: lower priority first, then hash, then id.
  [[nodiscard]] bool before(NodeId a, NodeId b) const {
    if (priority_[a] != priority_[b]) return priority_[a] < priority_[b];
    const std::uint64_t ha = node_hash(a), hb = node_hash(b);
    return ha != hb ? ha < hb : a < b;
  }
  // True if `v` comes before every other remaining node within two hops.
  [[nodiscard]] bool is_local_minimum(NodeId v) const {
    for (const auto* list : {&in_[v], &out_[v]}) {
      for (const DynArc& a : *list) {
        if (!before(v, a.other)) return false;
      }
    }
    for (const auto* list : {&in_[v], &out_[v]}) {
      for (const DynArc& a : *list) {
        for (const auto* second : {&in_[a.other], &out_[a.other]}) {
          for (const DynArc& b : *second) {
            if (b.other != v && !before(v, b.other)) return false;
          }
        }
      }
    }
    return true;
  }

  // Shortcuts needed if `v` were contracted now, with witnesses avoiding `v` and
  // the `blocked` nodes (nullptr: none), found by Dijkstras of at most
  // `settle_limit` settled nodes, or, if `hops` is not 0, by run_hops (no `blocked`).
  void find_shortcuts(NodeId v, std::vector<Shortcut>& result, unsigned settle_limit, unsigned hops,
                      const std::uint8_t* blocked, Worker& w) const {
    result.clear();
    const auto& ins = in_[v];
    const auto& outs = out_[v];
    if (ins.empty() || outs.empty()) return;
    for (const DynArc& a : ins) {
      const NodeId u = a.other;
      const Deciseconds max_need = w.witness.set_targets(outs, u, a.weight);
      if (hops != 0) {
        w.witness.run_hops(out_, in_, u, v, max_need, hops);
      } else {
        w.witness.run(out_, u, v, blocked, max_need, settle_limit);
      }
      for (const DynArc& b : outs) {
        if (b.other == u) continue;
        const Deciseconds need = add_saturated(a.weight, b.weight);
        if (need == kUnreachable) continue;  // a path that long is unreachable anyway
        if (w.witness.dist(b.other) <= need) continue;
        result.push_back({u, b.other, need, a.hops + b.hops});
      }
    }
  }

  // RoutingKit-style: level + added/removed arcs + added/removed hops.
  float priority(NodeId v, Worker& w) const {
    auto& shortcuts = w.scratch;
    find_shortcuts(v, shortcuts, 0, kPriorityHops, nullptr, w);
    const std::size_t removed = in_[v].size() + out_[v].size();
    if (removed == 0) return static_cast<float>(level_[v]);
    std::uint64_t removed_hops = 0, added_hops = 0;
    for (const DynArc& a : in_[v]) removed_hops += a.hops;
    for (const DynArc& a : out_[v]) removed_hops += a.hops;
    for (const Shortcut& s : shortcuts) added_hops += s.hops;
    return static_cast<float>(level_[v]) + static_cast<float>(shortcuts.size()) / static_cast<float>(removed) +
           static_cast<float>(added_hops) / static_cast<float>(removed_hops);
  }

  static void erase_arc(std::vector<DynArc>& list, NodeId other) {
    for (auto& a : list) {
      if (a.other == other) {
        a = list.back();
        list.pop_back();
        return;
      }
    }
  }

  void add_or_improve(const Shortcut& s) {
    for (DynArc& a : out_[s.from]) {
      if (a.other != s.to) continue;
      if (s.weight < a.weight) {
        a.weight = s.weight;
        a.hops = s.hops;
        for (DynArc& b : in_[s.to]) {
          if (b.other == s.from) {
            b.weight = s.weight;
            b.hops = s.hops;
            break;
          }
        }
      }
      return;
    }
    out_[s.from].push_back({s.to, s.weight, s.hops});
    in_[s.to].push_back({s.from, s.weight, s.hops});
  }

  // Removes `v` (its lists stay: its arcs to higher nodes), adds the shortcuts,
  // raises the neighbours' levels and lists them once per round in `dirty`.
  void contract(NodeId v, const std::vector<Shortcut>& shortcuts, std::vector<NodeId>& dirty) {
    for (const DynArc& b : out_[v]) erase_arc(in_[b.other], v);
    for (const DynArc& a : in_[v]) erase_arc(out_[a.other], v);
    for (const Shortcut& s : shortcuts) add_or_improve(s);
    for (const auto* list : {&in_[v], &out_[v]}) {
      for (const DynArc& a : *list) {
        level_[a.other] = std::max(level_[a.other], level_[v] + 1);
        if (mark_[a.other] == mark_stamp_) continue;
        mark_[a.other] = mark_stamp_;
        dirty.push_back(a.other);
      }
    }
  }

  NodeId n_;
  unsigned threads_;
  std::vector<std::vector<DynArc>> out_, in_;  // uncontracted nodes: arcs to uncontracted nodes
  std::vector<std::uint32_t> level_;
  std::vector<float> priority_;
  std::vector<std::uint8_t> selected_;    // in this round's independent set
  std::vector<std::uint8_t> contracted_;
  std::vector<std::uint32_t> mark_;
  std::uint32_t mark_stamp_ = 0;
  std::vector<Worker> workers_;
  std::uint32_t rounds_ = 0;
  ChBuildStats::PhaseSeconds seconds_;
};

}  // namespace

std::size_t ContractionHierarchy::memory_bytes() const {
  auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  return sizeof(*this) + bytes(sweep_to_node) + bytes(node_to_sweep) + bytes(sweep_level) + bytes(up_first) +
         bytes(up_arcs) + bytes(down_first) + bytes(down_arcs);
}

void ContractionHierarchy::validate() const {
  const std::size_t n = sweep_to_node.size();
  auto require = [](bool ok, const char* what) {
    if (!ok) throw Error(std::string("inconsistent contraction hierarchy: ") + what);
  };
  require(node_to_sweep.size() == n && sweep_level.size() == n, "node arrays");
  for (std::size_t i = 0; i < n; ++i) {
    require(sweep_to_node[i] < n && node_to_sweep[sweep_to_node[i]] == i, "node permutation");
  }
  require(std::is_sorted(sweep_level.begin(), sweep_level.end(), std::greater<>()), "level order");
  auto check_csr = [&](const std::vector<ArcId>& first, const std::vector<ChArc>& arcs, const char* what) {
    require(first.size() == n + 1 && first.front() == 0 && first.back() == arcs.size() &&
                std::is_sorted(first.begin(), first.end()),
            what);
    for (std::size_t i = 0; i < n; ++i) {
      for (ArcId a = first[i]; a < first[i + 1]; ++a) {
        require(arcs[a].other < i && arcs[a].weight != kUnreachable, what);
        // Every arc leads to a strictly higher level: the nodes of one level are
        // independent in a sweep (run_phast_parallel relies on it).
        require(sweep_level[arcs[a].other] > sweep_level[i], what);
      }
    }
  };
  check_csr(up_first, up_arcs, "upward arcs");
  check_csr(down_first, down_arcs, "downward arcs");
  require(shortcuts <= up_arcs.size() + down_arcs.size(), "shortcut count");
}

unsigned default_contraction_threads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

ContractionHierarchy build_contraction_hierarchy(const RoadGraph& g, ChBuildStats* stats, unsigned threads) {
  const auto start = std::chrono::steady_clock::now();
  ContractionHierarchy ch;
  ChBuildStats st;
  {
    Contractor c(g, threads == 0 ? default_contraction_threads() : threads);
    c.run();
    ch = c.result();
    st.input_arcs = c.input_arcs_;
    st.levels = g.node_count() ? c.max_level() + 1 : 0;
    st.witness_searches = c.witness_runs();
    st.rounds = c.rounds();
    st.threads = c.threads();
    st.phase_seconds = c.phase_seconds();
  }
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  st.shortcuts = ch.shortcuts;
  st.ch_arcs = ch.arc_count();
  st.memory_bytes = ch.memory_bytes();
  if (stats) *stats = st;
  return ch;
}

// [SECTION] PHAST queries

namespace {

// Hint that *p will be read soon (the sweep reads times of higher nodes in an order
// known from the arc array, but scattered in memory).
inline void prefetch(const void* p) {
#if defined(__GNUC__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

// Dijkstra from `seeds` over the CH arcs leading to higher nodes (`first`/`arcs`),
// leaving in up.settled the (sweep index, time) of every node it reached, by index.
void upward_search(const ContractionHierarchy& ch, const std::vector<ArcId>& first, const std::vector<ChArc>& arcs,
                   std::span<const Seed> seeds, detail::PhastUpward& up) {
  const NodeId n = ch.node_count();
  if (up.dist.size() != n) {
    up.dist.assign(n, kUnreachable);
    up.stamp.assign(n, 0);
    up.current = 0;
  }
  if (++up.current == 0) {
    std::fill(up.stamp.begin(), up.stamp.end(), 0);
    up.current = 1;
  }
  auto& heap = up.heap;
  heap.clear();
  up.settled.clear();
  const auto cmp = std::greater<>();
  auto relax = [&](NodeId i, Deciseconds d) {
    if (up.stamp[i] == up.current && d >= up.dist[i]) return;
    up.stamp[i] = up.current;
    up.dist[i] = d;
    heap.emplace_back(d, i);
    std::push_heap(heap.begin(), heap.end(), cmp);
  };
  for (const Seed& s : seeds) {
    if (s.node >= n) throw Error("seed node out of range", ErrorKind::Internal);
    if (s.offset_ds != kUnreachable) relax(ch.node_to_sweep[s.node], s.offset_ds);
  }
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), cmp);
    const auto [d, i] = heap.back();
    heap.pop_back();
    if (d != up.dist[i]) continue;  // stale
    up.settled.emplace_back(i, d);
    for (ArcId a = first[i]; a < first[i + 1]; ++a) {
      const Deciseconds nd = add_saturated(d, arcs[a].weight);
      if (nd != kUnreachable) relax(arcs[a].other, nd);
    }
  }
  std::sort(up.settled.begin(), up.settled.end());
}

// How many arcs ahead the batched sweep prefetches the row it will read: rows are
// 64 bytes scattered over n * 64 bytes, so the sweep is bound by memory latency;
// prefetching 16 arcs ahead cut the sweep time by ~40 % on a 1 M-node graph.
constexpr ArcId kBatchPrefetchDistance = 16;

}  // namespace


void PhastWorkspace::times_by_node(std::vector<Deciseconds>& out) const {
  const auto& map = *node_to_sweep_;
  out.resize(map.size());
  for (std::size_t v = 0; v < map.size(); ++v) out[v] = dist_[map[v]];
}

namespace {

// Sweep arrays of a query direction: the upward search walks `search`, the sweep `sweep`.
struct DirectionArrays {
  const std::vector<ArcId>& search_first;
  const std::vector<ChArc>& search_arcs;
  const std::vector<ArcId>& sweep_first;
  const std::vector<ChArc>& sweep_arcs;
};

DirectionArrays arrays_of(const ContractionHierarchy& ch, Direction dir) {
  if (dir == Direction::Forward) return {ch.up_first, ch.up_arcs, ch.down_first, ch.down_arcs};
  return {ch.down_first, ch.down_arcs, ch.up_first, ch.up_arcs};
}

// One-lane sweep over nodes 0..n-1 of a CSR whose arcs point to smaller indices:
// d[i] = min(start time of i, min over arcs (j, w) of d[j] + w). `starts` are the
// (index, time) pairs of the upward search, sorted by index.
void sweep_one(NodeId n, const ArcId* first, const ChArc* arcs, std::span<const std::pair<NodeId, Deciseconds>> starts,
               Deciseconds* d) {
  const auto* start = starts.data();
  const auto* const start_end = start + starts.size();
  ArcId a = first[0];
  for (NodeId i = 0; i < n; ++i) {
    Deciseconds best = kUnreachable;
    if (start != start_end && start->first == i) best = (start++)->second;
    for (const ArcId end = first[i + 1]; a < end; ++a) {
      best = std::min(best, add_saturated(d[arcs[a].other], arcs[a].weight));
    }
    d[i] = best;
  }
}

// The same with kPhastLanes times per node (one Row); `starts` sorted by index.
// The lane loop is written with GCC/Clang vector extensions (plain SSE2 on x86-64,
// scalar code elsewhere): each Row is held in kPhastLanes / 4 registers, and
// add_saturated + min become 4-lane unsigned compares and blends.
#if defined(__GNUC__)
typedef std::uint32_t Lanes4 __attribute__((vector_size(16), __may_alias__));
static_assert(kPhastLanes % 4 == 0 && sizeof(PhastBatchWorkspace::Row) == kPhastLanes * sizeof(Deciseconds));

inline Lanes4 min_lanes(Lanes4 a, Lanes4 b) {
  const auto less = reinterpret_cast<Lanes4>(a < b);  // all ones where a < b
  return (a & less) | (b & ~less);
}

// Row <-> registers, and best[k] = min(best[k], add_saturated(src[k], w)) for every
// k, unrolled (Lanes4 may alias the Row's uint32 array).
template <std::size_t... K>
inline void load_lanes(Lanes4* best, const PhastBatchWorkspace::Row& row, std::index_sequence<K...>) {
  const auto* v = reinterpret_cast<const Lanes4*>(row.t.data());
  ((best[K] = v[K]), ...);
}
template <std::size_t... K>
inline void store_lanes(PhastBatchWorkspace::Row& row, const Lanes4* best, std::index_sequence<K...>) {
  auto* v = reinterpret_cast<Lanes4*>(row.t.data());
  ((v[K] = best[K]), ...);
}
template <std::size_t... K>
inline void relax_lanes(Lanes4* best, const PhastBatchWorkspace::Row& row, Lanes4 w, std::index_sequence<K...>) {
  const auto* src = reinterpret_cast<const Lanes4*>(row.t.data());
  const Lanes4 cap = ~w;  // add_saturated(d, w) = min(d, ~w) + w
  ((best[K] = min_lanes(best[K], min_lanes(src[K], cap) + w)), ...);
}

void sweep_lanes(NodeId n, const ArcId* first, const ChArc* arcs, std::span<const detail::LaneStart> starts,
                 PhastBatchWorkspace::Row* rows) {
  constexpr unsigned kVectors = kPhastLanes / 4;
  const auto* start = starts.data();
  const auto* const start_end = start + starts.size();
  const ArcId last_arc = first[n] > first[0] ? first[n] - 1 : first[0];
  ArcId a = first[0];
  for (NodeId i = 0; i < n; ++i) {
    Lanes4 best[kVectors];
    if (start != start_end && start->index == i) {
      PhastBatchWorkspace::Row init;
      init.t.fill(kUnreachable);
      for (; start != start_end && start->index == i; ++start) init.t[start->lane] = start->time;
      load_lanes(best, init, std::make_index_sequence<kVectors>());
    } else {
      for (auto& b : best) b = ~Lanes4{};
    }
    for (const ArcId end = first[i + 1]; a < end; ++a) {
      prefetch(&rows[arcs[std::min(a + kBatchPrefetchDistance, last_arc)].other]);
      relax_lanes(best, rows[arcs[a].other], Lanes4{} + arcs[a].weight, std::make_index_sequence<kVectors>());
    }
    store_lanes(rows[i], best, std::make_index_sequence<kVectors>());
  }
}
#else
void sweep_lanes(NodeId n, const ArcId* first, const ChArc* arcs, std::span<const detail::LaneStart> starts,
                 PhastBatchWorkspace::Row* rows) {
  const auto* start = starts.data();
  const auto* const start_end = start + starts.size();
  ArcId a = first[0];
  for (NodeId i = 0; i < n; ++i) {
    PhastBatchWorkspace::Row best;
    best.t.fill(kUnreachable);
    for (; start != start_end && start->index == i; ++start) best.t[start->lane] = start->time;
    for (const ArcId end = first[i + 1]; a < end; ++a) {
      const auto& src = rows[arcs[a].other];
      for (unsigned l = 0; l < kPhastLanes; ++l) best.t[l] = std::min(best.t[l], add_saturated(src.t[l], arcs[a].weight));
    }
    rows[i] = best;
  }
}
#endif

void check_lane_count(std::size_t sets) {
  if (sets > kPhastLanes) {
    throw Error("batched PHAST: " + std::to_string(sets) + " seed sets, at most " + std::to_string(kPhastLanes),
                ErrorKind::Internal);
  }
}

}  // namespace

void run_phast(const ContractionHierarchy& ch, Direction dir, std::span<const Seed> seeds, PhastWorkspace& ws) {
  const DirectionArrays arr = arrays_of(ch, dir);
  upward_search(ch, arr.search_first, arr.search_arcs, seeds, ws.up_);
  ws.node_to_sweep_ = &ch.node_to_sweep;
  ws.dist_.resize(ch.node_count());
  sweep_one(ch.node_count(), arr.sweep_first.data(), arr.sweep_arcs.data(), ws.up_.settled, ws.dist_.data());
}

namespace {
// sweep_one over sweep indices [begin, end) only; `starts` sorted by index.
void sweep_range(NodeId begin, NodeId end, const ArcId* first, const ChArc* arcs,
                 std::span<const std::pair<NodeId, Deciseconds>> starts, Deciseconds* d) {
  auto start = std::lower_bound(starts.begin(), starts.end(), begin,
                                [](const std::pair<NodeId, Deciseconds>& s, NodeId i) { return s.first < i; });
  ArcId a = first[begin];
  for (NodeId i = begin; i < end; ++i) {
    Deciseconds best = kUnreachable;
    if (start != starts.end() && start->first == i) best = (start++)->second;
    for (const ArcId stop = first[i + 1]; a < stop; ++a) {
      best = std::min(best, add_saturated(d[arcs[a].other], arcs[a].weight));
    }
    d[i] = best;
  }
}
}  // namespace

void run_phast_parallel(const ContractionHierarchy& ch, Direction dir, std::span<const Seed> seeds, PhastWorkspace& ws,
                        NodeId min_split) {
  const DirectionArrays arr = arrays_of(ch, dir);
  upward_search(ch, arr.search_first, arr.search_arcs, seeds, ws.up_);
  ws.node_to_sweep_ = &ch.node_to_sweep;
  const NodeId n = ch.node_count();
  ws.dist_.resize(n);
  // Levels of at least `min_split` nodes are cut in two halves, one per core; the
  // runs of smaller levels between them are swept by this thread alone. Two
  // barriers around every split level: before (the levels above are done), after.
  std::vector<std::pair<NodeId, NodeId>> split;  // [begin, end) of the levels to split
  for (NodeId b = 0; b < n;) {
    NodeId e = b + 1;
    while (e < n && ch.sweep_level[e] == ch.sweep_level[b]) ++e;
    if (e - b >= std::max<NodeId>(min_split, 2)) split.emplace_back(b, e);
    b = e;
  }
  const auto* first = arr.sweep_first.data();
  const auto* arcs = arr.sweep_arcs.data();
  const std::span<const std::pair<NodeId, Deciseconds>> starts = ws.up_.settled;
  Deciseconds* d = ws.dist_.data();
  if (split.empty()) {
    sweep_range(0, n, first, arcs, starts, d);
    return;
  }
  std::barrier sync(2);
  std::thread helper([&] {
    for (const auto& [b, e] : split) {
      sync.arrive_and_wait();
      sweep_range(b + (e - b) / 2, e, first, arcs, starts, d);
      sync.arrive_and_wait();
    }
  });
  NodeId done = 0;
  for (const auto& [b, e] : split) {
    sweep_range(done, b, first, arcs, starts, d);
    sync.arrive_and_wait();
    sweep_range(b, b + (e - b) / 2, first, arcs, starts, d);
    sync.arrive_and_wait();
    done = e;
  }
  sweep_range(done, n, first, arcs, starts, d);
  helper.join();
}

void run_phast_batch(const ContractionHierarchy& ch, Direction dir, std::span<const std::vector<Seed>> seed_sets,
                     PhastBatchWorkspace& ws) {
  check_lane_count(seed_sets.size());
  const DirectionArrays arr = arrays_of(ch, dir);
  ws.starts_.clear();
  for (unsigned lane = 0; lane < seed_sets.size(); ++lane) {
    upward_search(ch, arr.search_first, arr.search_arcs, seed_sets[lane], ws.up_);
    for (const auto& [i, t] : ws.up_.settled) ws.starts_.push_back({i, lane, t});
  }
  std::stable_sort(ws.starts_.begin(), ws.starts_.end(),
                   [](const auto& x, const auto& y) { return x.index < y.index; });
  ws.node_to_sweep_ = &ch.node_to_sweep;
  ws.lanes_ = static_cast<unsigned>(seed_sets.size());
  ws.rows_.resize(ch.node_count());
  sweep_lanes(ch.node_count(), arr.sweep_first.data(), arr.sweep_arcs.data(), ws.starts_, ws.rows_.data());
}

// [SECTION] RPHAST

PhastTargets select_targets(const ContractionHierarchy& ch, Direction dir, std::span<const NodeId> targets) {
  const DirectionArrays arr = arrays_of(ch, dir);
  const NodeId n = ch.node_count();
  PhastTargets t;
  t.direction = dir;
  t.ch_node_count = n;
  t.targets.assign(targets.begin(), targets.end());
  // Every node from which a target can be reached by sweep arcs (walked backwards).
  t.sweep_to_local.assign(n, kInvalidNode);
  std::vector<NodeId> stack;
  auto visit = [&](NodeId i) {
    if (t.sweep_to_local[i] == kInvalidNode) {
      t.sweep_to_local[i] = 0;  // marked; numbered below
      stack.push_back(i);
    }
  };
  for (const NodeId v : targets) {
    if (v >= n) throw Error("target node out of range", ErrorKind::Internal);
    visit(ch.node_to_sweep[v]);
  }
  while (!stack.empty()) {
    const NodeId i = stack.back();
    stack.pop_back();
    for (ArcId a = arr.sweep_first[i]; a < arr.sweep_first[i + 1]; ++a) visit(arr.sweep_arcs[a].other);
  }
  // Local numbering in sweep order, so the restricted sweep keeps the order (and the
  // locality) of the full one; then the local CSR.
  t.first.push_back(0);
  for (NodeId i = 0; i < n; ++i) {
    if (t.sweep_to_local[i] == kInvalidNode) continue;
    t.sweep_to_local[i] = static_cast<NodeId>(t.local_to_sweep.size());
    t.local_to_sweep.push_back(i);
    for (ArcId a = arr.sweep_first[i]; a < arr.sweep_first[i + 1]; ++a) {
      t.arcs.push_back({t.sweep_to_local[arr.sweep_arcs[a].other], arr.sweep_arcs[a].weight});
    }
    t.first.push_back(static_cast<ArcId>(t.arcs.size()));
  }
  t.target_local.reserve(targets.size());
  for (const NodeId v : targets) t.target_local.push_back(t.sweep_to_local[ch.node_to_sweep[v]]);
  return t;
}

std::size_t PhastTargets::memory_bytes() const {
  auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  return sizeof(*this) + bytes(targets) + bytes(target_local) + bytes(local_to_sweep) + bytes(sweep_to_local) +
         bytes(first) + bytes(arcs);
}

namespace {

void check_targets(const ContractionHierarchy& ch, const PhastTargets& t) {
  if (t.ch_node_count != ch.node_count() || t.sweep_to_local.size() != ch.node_count()) {
    throw Error("RPHAST targets selected on another contraction hierarchy", ErrorKind::Internal);
  }
}

// Keeps the upward-search starts inside the restricted set, renumbered (still sorted).
void restrict_starts(const PhastTargets& t, std::vector<std::pair<NodeId, Deciseconds>>& settled) {
  std::size_t k = 0;
  for (const auto& [i, time] : settled) {
    const NodeId local = t.sweep_to_local[i];
    if (local != kInvalidNode) settled[k++] = {local, time};
  }
  settled.resize(k);
}

}  // namespace

void run_rphast(const ContractionHierarchy& ch, const PhastTargets& targets, std::span<const Seed> seeds,
                RphastWorkspace& ws) {
  check_targets(ch, targets);
  const DirectionArrays arr = arrays_of(ch, targets.direction);
  upward_search(ch, arr.search_first, arr.search_arcs, seeds, ws.up_);
  restrict_starts(targets, ws.up_.settled);
  ws.target_local_ = &targets.target_local;
  ws.dist_.resize(targets.local_to_sweep.size());
  sweep_one(targets.node_count(), targets.first.data(), targets.arcs.data(), ws.up_.settled, ws.dist_.data());
}

void run_rphast_batch(const ContractionHierarchy& ch, const PhastTargets& targets,
                      std::span<const std::vector<Seed>> seed_sets, RphastBatchWorkspace& ws) {
  check_lane_count(seed_sets.size());
  check_targets(ch, targets);
  const DirectionArrays arr = arrays_of(ch, targets.direction);
  ws.starts_.clear();
  for (unsigned lane = 0; lane < seed_sets.size(); ++lane) {
    upward_search(ch, arr.search_first, arr.search_arcs, seed_sets[lane], ws.up_);
    restrict_starts(targets, ws.up_.settled);
    for (const auto& [i, t] : ws.up_.settled) ws.starts_.push_back({i, lane, t});
  }
  std::stable_sort(ws.starts_.begin(), ws.starts_.end(),
                   [](const auto& x, const auto& y) { return x.index < y.index; });
  ws.target_local_ = &targets.target_local;
  ws.lanes_ = static_cast<unsigned>(seed_sets.size());
  ws.rows_.resize(targets.local_to_sweep.size());
  sweep_lanes(targets.node_count(), targets.first.data(), targets.arcs.data(), ws.starts_, ws.rows_.data());
}

// [SECTION] save / load

static_assert(std::is_trivially_copyable_v<ChArc> && sizeof(ChArc) == 8);

// Layout: magic[8] | version u32 | graph fingerprint u64 | payload checksum u64 | payload.

namespace {

using binary::put;
using binary::put_vector;

constexpr char kChMagic[8] = {'R', 'C', 'M', 'P', 'C', 'H', 'I', 'E'};
constexpr std::size_t kChHeaderSize = sizeof kChMagic + sizeof(std::uint32_t) + 2 * sizeof(std::uint64_t);

}  // namespace

void save_contraction_hierarchy(const ContractionHierarchy& ch, std::uint64_t fingerprint, const std::string& path) {
  std::string payload;
  put_vector(payload, ch.sweep_to_node);
  put_vector(payload, ch.node_to_sweep);
  put_vector(payload, ch.sweep_level);
  put_vector(payload, ch.up_first);
  put_vector(payload, ch.up_arcs);
  put_vector(payload, ch.down_first);
  put_vector(payload, ch.down_arcs);
  put(payload, ch.shortcuts);
  std::string header(kChMagic, sizeof kChMagic);
  put(header, kContractionCacheVersion);
  put(header, fingerprint);
  put(header, binary::checksum(payload, 0));

  write_file_atomic(path, {header, payload});  // the system's reason on failure, no temporary left
}

ContractionHierarchy load_contraction_hierarchy(const std::string& path, std::uint64_t expected_fingerprint) {
  return with_error_context("contraction hierarchy " + path, [&] {
    if (!std::filesystem::exists(path)) throw Error("file not found");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read the file");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < sizeof kChMagic || std::memcmp(bytes.data(), kChMagic, sizeof kChMagic) != 0) {
      throw Error("not a Recompose contraction hierarchy (bad magic)");
    }
    if (bytes.size() < kChHeaderSize) throw Error("truncated contraction hierarchy");
    std::uint32_t version = 0;
    std::uint64_t fingerprint = 0, stored = 0;
    std::memcpy(&version, bytes.data() + sizeof kChMagic, sizeof version);
    std::memcpy(&fingerprint, bytes.data() + sizeof kChMagic + sizeof version, sizeof fingerprint);
    std::memcpy(&stored, bytes.data() + kChHeaderSize - sizeof stored, sizeof stored);
    if (version != kContractionCacheVersion) {
      throw Error("format version " + std::to_string(version) + ", this build reads version " +
                  std::to_string(kContractionCacheVersion) + ": rebuild it");
    }
    if (expected_fingerprint != 0 && fingerprint != expected_fingerprint) {
      throw Error("stale: built from another road graph (fingerprint mismatch)");
    }
    if (binary::checksum(bytes, kChHeaderSize) != stored) {
      throw Error("corrupt contraction hierarchy (checksum mismatch)");
    }
    binary::Reader r(bytes, kChHeaderSize, "contraction hierarchy");
    ContractionHierarchy ch;
    r.get_vector(ch.sweep_to_node);
    r.get_vector(ch.node_to_sweep);
    r.get_vector(ch.sweep_level);
    r.get_vector(ch.up_first);
    r.get_vector(ch.up_arcs);
    r.get_vector(ch.down_first);
    r.get_vector(ch.down_arcs);
    r.get(ch.shortcuts);
    if (!r.at_end()) throw Error("corrupt contraction hierarchy (trailing bytes)");
    ch.validate();
    return ch;
  });
}

}  // namespace recompose::geo
