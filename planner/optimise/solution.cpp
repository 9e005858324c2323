#include "planner/optimise/solution.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>

namespace recompose::planner::optimise {

CostModel::CostModel(const Instance& in) : in_(&in) {
  double total = 0;
  for (double w : in.weight) total += w;
  // Relative tolerances on the scale of each level's largest possible sum.
  const double p_scale = in.objective == Objective::Mclp ? total : total * static_cast<double>(in.penalty_ds);
  eps_p_ = 1e-9 * p_scale + 1e-12;
  eps_s_ = 1e-9 * total * static_cast<double>(in.penalty_ds) + 1e-12;
}

std::size_t Solution::counted_open(const Instance& in) const {
  std::size_t n = 0;
  for (std::size_t j = 0; j < open.size(); ++j) n += open[j] && in.counted(j);
  return n;
}

Allocation allocate(const Instance& in, const std::vector<std::uint8_t>& open) {
  Allocation a;
  const std::size_t n = in.demand_count();
  a.site.assign(n, -1);
  a.time.assign(n, kNone);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::uint32_t e = in.row_first[i]; e < in.row_first[i + 1]; ++e) {
      if (open[in.row_cand[e]]) {
        a.site[i] = static_cast<std::int32_t>(in.row_cand[e]);
        a.time[i] = in.row_time[e];
        break;
      }
    }
  }
  return a;
}

Cost evaluate_cost(const Instance& in, const std::vector<std::uint8_t>& open) {
  const CostModel cm(in);
  const Allocation a = allocate(in, open);
  Cost c;
  for (std::size_t i = 0; i < in.demand_count(); ++i) c += cm(i, a.time[i]);
  return c;
}

double primary(const Instance& in, const Solution& s) {
  if (in.objective == Objective::Lscp) return static_cast<double>(s.counted_open(in));
  return s.cost.p;
}

namespace {

constexpr double kTeamEps = 1e-9;

struct TeamProblem {
  std::vector<std::uint32_t> movers;  // closed candidates with a team, largest first
  std::vector<std::uint32_t> sinks;   // counted open candidates
  std::vector<double> need;           // per sink: critical - own team (may be <= 0)
  std::vector<int> sink_of;           // candidate -> sink index, -1
};

TeamProblem team_problem(const Instance& in, const Solution& s) {
  TeamProblem tp;
  tp.sink_of.assign(in.candidate_count(), -1);
  for (std::uint32_t j = 0; j < in.candidate_count(); ++j) {
    if (s.open[j] && in.counted(j)) {
      tp.sink_of[j] = static_cast<int>(tp.sinks.size());
      tp.sinks.push_back(j);
      tp.need.push_back(in.critical - in.candidates[j].team);
    } else if (!s.open[j] && in.candidates[j].team > kTeamEps) {
      tp.movers.push_back(j);
    }
  }
  std::stable_sort(tp.movers.begin(), tp.movers.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return in.candidates[a].team > in.candidates[b].team; });
  return tp;
}

}  // namespace

TeamCheck assign_teams(const Instance& in, Solution& s, bool exhaustive, std::size_t node_limit) {
  const std::size_t m = in.candidate_count();
  s.merge_into.assign(m, -1);
  s.team_after.assign(m, 0.0);
  s.team_minutes = 0;
  TeamProblem tp = team_problem(in, s);
  const std::size_t nm = tp.movers.size(), ns = tp.sinks.size();
  // Options of each mover: open sinks within merge_max, nearest first.
  std::vector<std::vector<std::pair<std::uint32_t, geo::Deciseconds>>> options(nm);
  for (std::size_t k = 0; k < nm; ++k) {
    const auto& all = in.merge_options.empty() ? std::vector<std::pair<std::uint32_t, geo::Deciseconds>>{}
                                               : in.merge_options[tp.movers[k]];
    for (const auto& [j, t] : all) {
      if (tp.sink_of[j] >= 0) options[k].push_back({static_cast<std::uint32_t>(tp.sink_of[j]), t});
    }
  }
  TeamCheck check;
  std::vector<int> choice(nm, -1);
  std::vector<double> need = tp.need;
  // Greedy: each mover, largest first, to the sink with the largest remaining need
  // (nearest on ties), or to its nearest sink when none needs more.
  for (std::size_t k = 0; k < nm; ++k) {
    int best = -1;
    for (const auto& [sk, t] : options[k]) {
      if (best < 0 || need[sk] > need[static_cast<std::size_t>(best)] + kTeamEps) best = static_cast<int>(sk);
    }
    if (best >= 0 && need[static_cast<std::size_t>(best)] <= kTeamEps) {
      best = static_cast<int>(options[k].front().first);  // nobody needs it: the nearest
    }
    if (best < 0) {
      ++check.orphans;
      continue;
    }
    choice[k] = best;
    need[static_cast<std::size_t>(best)] -= in.candidates[tp.movers[k]].team;
  }
  double deficit = 0;
  for (double d : need) deficit += std::max(0.0, d);
  check.deficit = deficit;
  check.complete = check.orphans == 0 && deficit <= kTeamEps;

  if (exhaustive && check.orphans == 0) {
    // Depth-first search over the movers (largest first): complete plans only, fewest
    // team-minutes. Bound: the teams still to place must cover the remaining need.
    std::vector<double> suffix(nm + 1, 0.0);
    for (std::size_t k = nm; k-- > 0;) suffix[k] = suffix[k + 1] + in.candidates[tp.movers[k]].team;
    std::vector<int> current(nm, -1), best_choice;
    std::vector<double> rem = tp.need;
    double rem_total = 0;
    for (double d : rem) rem_total += std::max(0.0, d);
    double best_minutes = std::numeric_limits<double>::infinity();
    std::size_t nodes = 0;
    bool stopped = false;
    std::function<void(std::size_t, double, double)> dfs = [&](std::size_t k, double minutes, double need_total) {
      if (stopped) return;
      if (++nodes > node_limit) {
        stopped = true;
        return;
      }
      if (need_total > suffix[k] + kTeamEps) return;
      if (minutes >= best_minutes - 1e-9) return;
      if (k == nm) {
        best_minutes = minutes;
        best_choice = current;
        return;
      }
      const double team = in.candidates[tp.movers[k]].team;
      for (const auto& [sk, t] : options[k]) {
        const double before = std::max(0.0, rem[sk]);
        rem[sk] -= team;
        const double after = std::max(0.0, rem[sk]);
        current[k] = static_cast<int>(sk);
        dfs(k + 1, minutes + team * geo::deciseconds_to_minutes(t), need_total - (before - after));
        rem[sk] += team;
      }
      current[k] = -1;
    };
    dfs(0, 0.0, rem_total);
    check.exhausted = stopped;
    if (!best_choice.empty() || (nm == 0 && rem_total <= kTeamEps)) {
      choice = best_choice.empty() ? choice : best_choice;
      check.complete = true;
      check.deficit = 0;
    } else if (!stopped) {
      check.complete = false;  // proven: no complete plan
    }
  }
  // Fill the solution from the choice.
  for (std::size_t sk = 0; sk < ns; ++sk) s.team_after[tp.sinks[sk]] = in.candidates[tp.sinks[sk]].team;
  for (std::size_t k = 0; k < nm; ++k) {
    if (choice[k] < 0) continue;
    const std::uint32_t j = tp.sinks[static_cast<std::size_t>(choice[k])];
    s.merge_into[tp.movers[k]] = static_cast<int>(j);
    s.team_after[j] += in.candidates[tp.movers[k]].team;
    for (const auto& [jj, t] : in.merge_options[tp.movers[k]]) {
      if (jj == j) s.team_minutes += in.candidates[tp.movers[k]].team * geo::deciseconds_to_minutes(t);
    }
  }
  if (!check.complete) {
    double d = 0;
    for (std::size_t sk = 0; sk < ns; ++sk) d += std::max(0.0, in.critical - s.team_after[tp.sinks[sk]]);
    check.deficit = d;
  }
  return check;
}

}  // namespace recompose::planner::optimise
