#include "planner/optimise/lagrangian.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <vector>

namespace recompose::planner::optimise {

LagrangianBound lagrangian_bound(const Instance& in, double upper, std::size_t max_iterations, const Control& control) {
  const auto start = std::chrono::steady_clock::now();
  LagrangianBound out;
  out.bound = std::nan("");
  if (in.objective != Objective::PMedian && in.objective != Objective::Capacitated) return out;
  const std::size_t n = in.demand_count(), m = in.candidate_count();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  auto always_open = [&](std::size_t j) { return in.candidates[j].fixed || in.candidates[j].lock == Lock::Open; };
  auto closed = [&](std::size_t j) { return !in.candidates[j].fixed && in.candidates[j].lock == Lock::Closed; };
  // Per demand point: the time of its nearest always-open site (entries beyond never
  // serve it), and the cost of leaving it without a site (none for must-cover points
  // and for points an always-open site reaches).
  std::vector<geo::Deciseconds> limit(n, kNone);
  std::vector<double> penalty(n, kInf), lambda(n, kInf);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::uint32_t e = in.row_first[i]; e < in.row_first[i + 1]; ++e) {
      if (always_open(in.row_cand[e])) {
        limit[i] = in.row_time[e];
        break;
      }
    }
    const bool no_u = in.must_cover[i] || limit[i] != kNone;
    if (in.must_cover[i]) limit[i] = std::min(limit[i], in.max_ds);
    if (!no_u) penalty[i] = in.weight[i] * static_cast<double>(in.penalty_ds);
  }
  // Costs of the allowed entries, by candidate; NaN marks an entry left out.
  std::vector<double> cost(in.col_demand.size());
  for (std::size_t j = 0; j < m; ++j) {
    for (std::uint32_t e = in.col_first[j]; e < in.col_first[j + 1]; ++e) {
      const std::uint32_t i = in.col_demand[e];
      const geo::Deciseconds t = in.col_time[e];
      if (closed(j) || t > limit[i]) {
        cost[e] = std::nan("");
        continue;
      }
      cost[e] = in.weight[i] * static_cast<double>(std::min(t, in.penalty_ds));
      lambda[i] = std::min(lambda[i], cost[e]);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isinf(lambda[i])) {
      if (std::isinf(penalty[i])) return out;  // a must-cover point no allowed site reaches: infeasible
      lambda[i] = penalty[i];
    }
  }
  int locked = 0;
  std::vector<std::size_t> free_sites;
  for (std::size_t j = 0; j < m; ++j) {
    if (always_open(j) && in.counted(j)) ++locked;
    if (!always_open(j) && !closed(j) && in.counted(j)) free_sites.push_back(j);
  }
  const std::size_t k = static_cast<std::size_t>(std::max(0, in.p - locked));
  std::vector<double> rho(m, 0.0);
  std::vector<std::uint8_t> open(m, 0);
  std::vector<double> g(n);
  double best = -kInf, theta = 2.0;
  std::size_t since = 0;
  std::vector<std::size_t> order;
  for (std::size_t it = 0; it < max_iterations; ++it) {
    if (it % 16 == 0) control.check();
    // L(lambda) and the relaxed solution.
    double L = 0;
    for (std::size_t i = 0; i < n; ++i) L += lambda[i] + std::min(0.0, penalty[i] - lambda[i]);
    for (std::size_t j = 0; j < m; ++j) {
      double r = 0;
      for (std::uint32_t e = in.col_first[j]; e < in.col_first[j + 1]; ++e) {
        if (!std::isnan(cost[e])) r += std::min(0.0, cost[e] - lambda[in.col_demand[e]]);
      }
      rho[j] = r;
      open[j] = always_open(j) ? 1 : 0;
      if (always_open(j)) L += r;
    }
    order = free_sites;
    const std::size_t take = std::min(k, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(take), order.end(),
                      [&](std::size_t a, std::size_t b) { return rho[a] < rho[b]; });
    for (std::size_t q = 0; q < take; ++q) {
      if (rho[order[q]] < 0) {
        L += rho[order[q]];
        open[order[q]] = 1;
      }
    }
    ++out.iterations;
    if (out.iterations == 1 || L > best + 1e-9 * std::abs(best)) {
      best = L;
      since = 0;
    } else if (++since >= 20) {
      theta /= 2;
      since = 0;
    }
    // Subgradient: 1 - (sites the point is assigned to) - (its "no site").
    double norm = 0;
    for (std::size_t i = 0; i < n; ++i) g[i] = 1.0 - (penalty[i] - lambda[i] < 0 ? 1.0 : 0.0);
    for (std::size_t j = 0; j < m; ++j) {
      if (!open[j]) continue;
      for (std::uint32_t e = in.col_first[j]; e < in.col_first[j + 1]; ++e) {
        if (!std::isnan(cost[e]) && cost[e] - lambda[in.col_demand[e]] < 0) g[in.col_demand[e]] -= 1.0;
      }
    }
    for (double x : g) norm += x * x;
    if (norm == 0 || theta < 1e-4 || upper - best <= 1e-9 * std::abs(upper)) break;
    const double step = theta * std::max(upper - L, 1e-9 * std::abs(upper)) / norm;
    for (std::size_t i = 0; i < n; ++i) lambda[i] = std::max(0.0, lambda[i] + step * g[i]);
  }
  out.bound = best;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace recompose::planner::optimise
