// Tiny optimiser instances built by hand or at random, and their optimum found by
// enumerating every subset of candidates (and, for the capacitated form, every way of
// merging the closed sites' teams) with the test's own dense time matrix: independent
// of the optimiser's tables, allocation and cost code.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "planner/optimise/instance.hpp"

namespace recompose::test {

namespace opt = planner::optimise;

inline constexpr std::uint32_t kAbsent = std::numeric_limits<std::uint32_t>::max();

struct Dense {
  opt::Objective objective = opt::Objective::PMedian;
  int p = 2;
  std::uint32_t penalty_ds = 1200, cover_ds = kAbsent, max_ds = kAbsent;
  double critical = 0;
  std::uint32_t merge_max_ds = 0;
  std::vector<double> weight;                    // [point]
  std::vector<std::vector<std::uint32_t>> time;  // [candidate][point], kAbsent beyond the tables
  std::vector<opt::Lock> lock;                   // [candidate]
  std::vector<std::uint8_t> fixed;               // [candidate]
  std::vector<double> team;                      // [candidate]
  std::vector<std::vector<std::uint32_t>> site_time;  // [k][j] time between sites (capacitated)
  std::vector<std::uint8_t> existing;            // [candidate]
  bool drop_start = false;
};

inline opt::Instance to_instance(const Dense& d) {
  opt::Instance in;
  in.objective = d.objective;
  in.p = d.p;
  in.penalty_ds = d.penalty_ds;
  in.cover_ds = d.cover_ds;
  in.max_ds = d.max_ds;
  in.critical = d.critical;
  in.merge_max_ds = d.merge_max_ds;
  in.drop_start = d.drop_start;
  in.weight = d.weight;
  for (std::size_t j = 0; j < d.time.size(); ++j) {
    opt::Candidate c;
    c.id = "S" + std::to_string(j + 1);
    c.name = c.id;
    c.lock = d.lock.empty() ? opt::Lock::Free : d.lock[j];
    c.fixed = !d.fixed.empty() && d.fixed[j];
    if (c.fixed) c.lock = opt::Lock::Open;
    c.team = d.team.empty() ? 0 : d.team[j];
    c.existing = d.existing.empty() ? true : d.existing[j] != 0;
    std::vector<std::pair<std::uint32_t, geo::Deciseconds>> col;
    for (std::size_t i = 0; i < d.weight.size(); ++i) {
      if (d.time[j][i] != kAbsent) col.push_back({static_cast<std::uint32_t>(i), d.time[j][i]});
    }
    in.add_column(c, col);
  }
  in.finish();
  if (d.objective == opt::Objective::Capacitated) {
    in.merge_options.assign(d.time.size(), {});
    for (std::size_t k = 0; k < d.time.size(); ++k) {
      if (!(in.candidates[k].team > 0) || in.candidates[k].fixed) continue;
      for (std::size_t j = 0; j < d.time.size(); ++j) {
        if (j != k && !in.candidates[j].fixed && d.site_time[k][j] <= d.merge_max_ds) {
          in.merge_options[k].push_back({static_cast<std::uint32_t>(j), d.site_time[k][j]});
        }
      }
      std::sort(in.merge_options[k].begin(), in.merge_options[k].end(),
                [](const auto& a, const auto& b) { return a.second != b.second ? a.second < b.second : a.first < b.first; });
    }
  }
  return in;
}

// The test's own objective of an open set: {feasible, value in the optimiser's primary units}.
struct Brute {
  bool feasible = false;
  double value = std::numeric_limits<double>::infinity();
};

inline Brute brute_value(const Dense& d, const std::vector<std::uint8_t>& open) {
  const std::size_t m = d.time.size(), n = d.weight.size();
  int counted = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const bool fixed = !d.fixed.empty() && d.fixed[j];
    const opt::Lock lk = d.lock.empty() ? opt::Lock::Free : d.lock[j];
    if ((fixed || lk == opt::Lock::Open) && !open[j]) return {};
    if (!fixed && lk == opt::Lock::Closed && open[j]) return {};
    if (open[j] && !fixed) ++counted;
  }
  if (d.objective != opt::Objective::Lscp && counted > d.p) return {};
  double value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t best = kAbsent;
    bool reachable_max = false, reachable_cover = false;
    for (std::size_t j = 0; j < m; ++j) {
      const bool fixed = !d.fixed.empty() && d.fixed[j];
      const bool closed = !fixed && !d.lock.empty() && d.lock[j] == opt::Lock::Closed;
      if (d.time[j][i] == kAbsent) continue;
      if (!closed && d.max_ds != kAbsent && d.time[j][i] <= d.max_ds) reachable_max = true;
      if (!closed && d.cover_ds != kAbsent && d.time[j][i] <= d.cover_ds) reachable_cover = true;
      if (open[j]) best = std::min(best, d.time[j][i]);
    }
    if (reachable_max && (best == kAbsent || best > d.max_ds)) return {};
    const double capped = best == kAbsent ? d.penalty_ds : std::min(best, d.penalty_ds);
    switch (d.objective) {
      case opt::Objective::Mclp: value += best == kAbsent || best > d.cover_ds ? d.weight[i] : 0.0; break;
      case opt::Objective::Lscp:
        if (reachable_cover && (best == kAbsent || best > d.cover_ds)) return {};
        break;
      default: value += d.weight[i] * capped; break;
    }
  }
  if (d.objective == opt::Objective::Lscp) value = counted;
  if (d.objective == opt::Objective::Capacitated) {
    // Every way of merging each closed site with a team into one open site within merge_max.
    std::vector<std::size_t> movers;
    for (std::size_t k = 0; k < m; ++k) {
      const bool fixed = !d.fixed.empty() && d.fixed[k];
      if (!open[k] && !fixed && d.team[k] > 0) movers.push_back(k);
    }
    std::vector<double> team(m, 0.0);
    for (std::size_t j = 0; j < m; ++j) team[j] = open[j] ? d.team[j] : 0.0;
    bool ok = false;
    std::function<void(std::size_t)> rec = [&](std::size_t x) {
      if (ok) return;
      if (x == movers.size()) {
        bool all = true;
        for (std::size_t j = 0; j < m; ++j) {
          const bool fixed = !d.fixed.empty() && d.fixed[j];
          if (open[j] && !fixed && team[j] + 1e-9 < d.critical) all = false;
        }
        ok = all;
        return;
      }
      const std::size_t k = movers[x];
      for (std::size_t j = 0; j < m; ++j) {
        const bool fixed = !d.fixed.empty() && d.fixed[j];
        if (j == k || !open[j] || fixed || d.site_time[k][j] > d.merge_max_ds) continue;
        team[j] += d.team[k];
        rec(x + 1);
        team[j] -= d.team[k];
      }
    };
    rec(0);
    if (!ok) return {};
  }
  return {true, value};
}

// The optimum over every subset of candidates.
inline Brute brute_optimum(const Dense& d) {
  const std::size_t m = d.time.size();
  Brute best;
  for (std::uint32_t mask = 0; mask < (1u << m); ++mask) {
    std::vector<std::uint8_t> open(m);
    for (std::size_t j = 0; j < m; ++j) open[j] = (mask >> j) & 1u;
    const Brute b = brute_value(d, open);
    if (b.feasible && b.value < best.value - 1e-9) best = b;
  }
  return best;
}

// A random instance: points and candidates on a 20 x 20 km square, times at 1 km/min
// (600 ds per km) rounded to whole minutes, absent beyond `cutoff_ds`.
inline Dense random_dense(std::uint32_t seed, std::size_t points, std::size_t cands, std::uint32_t cutoff_ds = 9000) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> xy(0, 20), wdist(1, 10);
  Dense d;
  std::vector<std::pair<double, double>> pp(points), cp(cands);
  for (auto& q : pp) q = {xy(rng), xy(rng)};
  for (auto& q : cp) q = {xy(rng), xy(rng)};
  for (std::size_t i = 0; i < points; ++i) d.weight.push_back(std::round(wdist(rng)));
  d.time.assign(cands, std::vector<std::uint32_t>(points, kAbsent));
  for (std::size_t j = 0; j < cands; ++j) {
    for (std::size_t i = 0; i < points; ++i) {
      const double km = std::hypot(pp[i].first - cp[j].first, pp[i].second - cp[j].second);
      const auto t = static_cast<std::uint32_t>(std::lround(km) * 600);
      if (t <= cutoff_ds) d.time[j][i] = t;
    }
  }
  d.site_time.assign(cands, std::vector<std::uint32_t>(cands, 0));
  for (std::size_t k = 0; k < cands; ++k) {
    for (std::size_t j = 0; j < cands; ++j) {
      const double km = std::hypot(cp[k].first - cp[j].first, cp[k].second - cp[j].second);
      d.site_time[k][j] = static_cast<std::uint32_t>(std::lround(km) * 600);
    }
  }
  d.penalty_ds = 2 * cutoff_ds;
  d.lock.assign(cands, opt::Lock::Free);
  d.fixed.assign(cands, 0);
  d.team.assign(cands, 0.0);
  d.existing.assign(cands, 1);
  return d;
}

}  // namespace recompose::test
