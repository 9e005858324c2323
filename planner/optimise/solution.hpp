// A set of open sites, its cost, and (capacitated form) where the teams of the
// closed sites go. The cost of a demand point is a function of the time to its
// nearest open site, compared lexicographically on three levels:
//   v  violations: demand points beyond max_time (LSCP: beyond T) that could be within
//   p  the objective (p-median: weight x time; MCLP: uncovered weight; LSCP: weight x time)
//   s  a tie-break (MCLP: weight x time, so equal coverages prefer shorter trips)
// Each level is non-decreasing in the time, which is what the swap-based local search
// relies on (see heuristic.hpp). The MILP (exact.hpp) has the same `p` level as its
// objective and the `v` level as hard constraints.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "planner/optimise/instance.hpp"

namespace recompose::planner::optimise {

struct Cost {
  double v = 0, p = 0, s = 0;
  Cost& operator+=(const Cost& o) {
    v += o.v;
    p += o.p;
    s += o.s;
    return *this;
  }
  Cost& operator-=(const Cost& o) {
    v -= o.v;
    p -= o.p;
    s -= o.s;
    return *this;
  }
  friend Cost operator+(Cost a, const Cost& b) { return a += b; }
  friend Cost operator-(Cost a, const Cost& b) { return a -= b; }
};

// Per-point cost and the tolerances of comparisons (sums of many doubles drift).
class CostModel {
 public:
  explicit CostModel(const Instance& in);
  // Cost of demand point i whose nearest open site is at `d` (kNone: none).
  [[nodiscard]] Cost operator()(std::size_t i, geo::Deciseconds d) const {
    const double w = in_->weight[i];
    const double capped = d == kNone || d > in_->penalty_ds ? static_cast<double>(in_->penalty_ds) : static_cast<double>(d);
    Cost c;
    if (in_->must_cover[i] && (d == kNone || d > in_->max_ds)) c.v = 1;
    switch (in_->objective) {
      case Objective::Mclp:
        c.p = d == kNone || d > in_->cover_ds ? w : 0.0;
        c.s = w * capped;
        break;
      case Objective::Lscp:
        if (in_->coverable[i] && (d == kNone || d > in_->cover_ds)) c.v += 1;
        c.p = w * capped;
        break;
      default:
        c.p = w * capped;
        break;
    }
    return c;
  }
  // -1 when a < b, 1 when a > b, 0 when equal within tolerance (lexicographic v, p, s).
  [[nodiscard]] int compare(const Cost& a, const Cost& b) const {
    if (std::abs(a.v - b.v) > 0.5) return a.v < b.v ? -1 : 1;
    if (std::abs(a.p - b.p) > eps_p_) return a.p < b.p ? -1 : 1;
    if (std::abs(a.s - b.s) > eps_s_) return a.s < b.s ? -1 : 1;
    return 0;
  }
  [[nodiscard]] bool improves(const Cost& delta_saving) const { return compare(delta_saving, Cost{}) > 0; }

 private:
  const Instance* in_;
  double eps_p_ = 0, eps_s_ = 0;
};

struct Solution {
  std::vector<std::uint8_t> open;  // per candidate
  Cost cost;
  // Capacitated form: per candidate, the candidate its team is merged into (-1: open,
  // or no team), and the team of every open site after the merges.
  std::vector<int> merge_into;
  std::vector<double> team_after;
  double team_minutes = 0;  // sum of team x time moved
  bool feasible = true;     // no violation, teams at the critical size, every closed team placed
  [[nodiscard]] std::size_t counted_open(const Instance& in) const;
};

// Nearest open site and time of every demand point (kNone / -1 when none).
struct Allocation {
  std::vector<std::int32_t> site;
  std::vector<geo::Deciseconds> time;
};
Allocation allocate(const Instance& in, const std::vector<std::uint8_t>& open);

// Cost of an open set, from scratch (O(entries)).
Cost evaluate_cost(const Instance& in, const std::vector<std::uint8_t>& open);

// The objective in its own terms: p-median the weighted sum of times (ds), MCLP the
// uncovered weight, LSCP the number of counted open sites.
double primary(const Instance& in, const Solution& s);

// Capacitated form: where the teams of the closed sites go so that every counted
// open site reaches the critical size, each closed site's whole team going to one open
// site within merge_max. `exhaustive`: a depth-first search that finds such a plan
// whenever one exists (within `node_limit` nodes) and among them the one moving the
// fewest team-minutes; otherwise a greedy plan. Fills merge_into, team_after,
// team_minutes and returns whether the plan is complete (no deficit, no orphan).
struct TeamCheck {
  bool complete = false;
  int orphans = 0;         // closed sites with a team and no open site within merge_max
  double deficit = 0;      // sum over counted open sites of (critical - team) when positive
  bool exhausted = false;  // the search stopped at its node limit
};
TeamCheck assign_teams(const Instance& in, Solution& s, bool exhaustive, std::size_t node_limit = 200000);

}  // namespace recompose::planner::optimise
