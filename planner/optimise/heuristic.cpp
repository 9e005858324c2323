// Index:
//   [SECTION] the incremental state (gain, loss, extra)
//   [SECTION] moves
//   [SECTION] starts and the interchange
//   [SECTION] the objectives
#include "planner/optimise/heuristic.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>

#include "planner/format.hpp"

namespace recompose::planner::optimise {

namespace {

// [SECTION] the incremental state (gain, loss, extra)

void add_scaled(Cost& a, const Cost& b, double sign) {
  a.v += sign * b.v;
  a.p += sign * b.p;
  a.s += sign * b.s;
}

class Search {
 public:
  Search(const Instance& in, const std::vector<std::uint8_t>& open, std::size_t slot_capacity, HeuristicStats& stats)
      : in_(&in), cm_(in), n_(in.demand_count()), m_(in.candidate_count()), S_(std::max<std::size_t>(1, slot_capacity)),
        stats_(&stats) {
    open_.assign(m_, 0);
    slot_of_.assign(m_, -1);
    slot_cand_.assign(S_, 0);
    c1_.assign(n_, -1);
    c2_.assign(n_, -1);
    d1_.assign(n_, kNone);
    d2_.assign(n_, kNone);
    gain_.assign(m_, Cost{});
    loss_.assign(m_, Cost{});
    extra_.assign(m_ * S_, Cost{});
    mark_.assign(n_, 0);
    for (std::size_t j = 0; j < m_; ++j) {
      if (!open[j]) continue;
      assert(used_ < S_);
      open_[j] = 1;
      slot_of_[j] = static_cast<std::int32_t>(used_);
      slot_cand_[used_++] = static_cast<std::uint32_t>(j);
    }
    for (std::size_t i = 0; i < n_; ++i) {
      nearest(i);
      contribute(i, 1.0);
      total_ += cm_(i, d1_[i]);
    }
  }

  [[nodiscard]] const std::vector<std::uint8_t>& open() const { return open_; }
  [[nodiscard]] const Cost& total() const { return total_; }
  [[nodiscard]] const CostModel& cost_model() const { return cm_; }
  [[nodiscard]] const Cost& gain(std::size_t j) const { return gain_[j]; }
  [[nodiscard]] const Cost& loss(std::size_t r) const { return loss_[r]; }
  [[nodiscard]] std::size_t used_slots() const { return used_; }
  HeuristicStats& stats() { return *stats_; }
  [[nodiscard]] std::size_t slot_capacity() const { return S_; }
  [[nodiscard]] std::uint32_t slot_candidate(std::size_t s) const { return slot_cand_[s]; }
  // Saving of the swap (j in, r out): positive when it improves.
  [[nodiscard]] Cost profit(std::size_t j, std::size_t r) const {
    Cost c = gain_[j] - loss_[r];
    c += extra_[j * S_ + static_cast<std::size_t>(slot_of_[r])];
    return c;
  }

  // [SECTION] moves
  // Opens `in_j` and/or closes `out_r` (-1: none), updating only the demand points
  // whose nearest or second-nearest open site changes.
  void move(int in_j, int out_r) {
    ++stamp_;
    affected_.clear();
    auto mark = [&](std::uint32_t i) {
      if (mark_[i] != stamp_) {
        mark_[i] = stamp_;
        affected_.push_back(i);
      }
    };
    if (out_r >= 0) {
      const auto r = static_cast<std::size_t>(out_r);
      for (std::uint32_t e = in_->col_first[r]; e < in_->col_first[r + 1]; ++e) {
        const std::uint32_t i = in_->col_demand[e];
        if (c1_[i] == out_r || c2_[i] == out_r) mark(i);
      }
    }
    if (in_j >= 0) {
      const auto j = static_cast<std::size_t>(in_j);
      for (std::uint32_t e = in_->col_first[j]; e < in_->col_first[j + 1]; ++e) {
        const std::uint32_t i = in_->col_demand[e];
        if (in_->col_time[e] <= d2_[i]) mark(i);
      }
    }
    for (std::uint32_t i : affected_) {
      contribute(i, -1.0);
      total_ -= cm_(i, d1_[i]);
    }
    auto zero_slot = [&](std::size_t s) {
      for (std::size_t j = 0; j < m_; ++j) extra_[j * S_ + s] = Cost{};
    };
    if (in_j >= 0 && out_r >= 0) {
      const auto s = static_cast<std::size_t>(slot_of_[static_cast<std::size_t>(out_r)]);
      open_[static_cast<std::size_t>(out_r)] = 0;
      slot_of_[static_cast<std::size_t>(out_r)] = -1;
      open_[static_cast<std::size_t>(in_j)] = 1;
      slot_of_[static_cast<std::size_t>(in_j)] = static_cast<std::int32_t>(s);
      slot_cand_[s] = static_cast<std::uint32_t>(in_j);
      zero_slot(s);
      ++stats_->swaps;
    } else if (in_j >= 0) {
      assert(used_ < S_);
      const std::size_t s = used_++;
      open_[static_cast<std::size_t>(in_j)] = 1;
      slot_of_[static_cast<std::size_t>(in_j)] = static_cast<std::int32_t>(s);
      slot_cand_[s] = static_cast<std::uint32_t>(in_j);
      zero_slot(s);
      ++stats_->insertions;
    } else if (out_r >= 0) {
      const auto s = static_cast<std::size_t>(slot_of_[static_cast<std::size_t>(out_r)]);
      const std::size_t last = --used_;
      if (s != last) {
        for (std::size_t j = 0; j < m_; ++j) extra_[j * S_ + s] = extra_[j * S_ + last];
        slot_cand_[s] = slot_cand_[last];
        slot_of_[slot_cand_[s]] = static_cast<std::int32_t>(s);
      }
      zero_slot(last);
      open_[static_cast<std::size_t>(out_r)] = 0;
      slot_of_[static_cast<std::size_t>(out_r)] = -1;
      ++stats_->removals;
    }
    if (in_j >= 0) gain_[static_cast<std::size_t>(in_j)] = Cost{};
    if (out_r >= 0) loss_[static_cast<std::size_t>(out_r)] = Cost{};
    for (std::uint32_t i : affected_) {
      nearest(i);
      contribute(i, 1.0);
      total_ += cm_(i, d1_[i]);
    }
    stats_->affected_points += affected_.size();
  }

 private:
  void nearest(std::size_t i) {
    c1_[i] = c2_[i] = -1;
    d1_[i] = d2_[i] = kNone;
    for (std::uint32_t e = in_->row_first[i]; e < in_->row_first[i + 1]; ++e) {
      const std::uint32_t j = in_->row_cand[e];
      if (!open_[j]) continue;
      if (c1_[i] < 0) {
        c1_[i] = static_cast<std::int32_t>(j);
        d1_[i] = in_->row_time[e];
      } else {
        c2_[i] = static_cast<std::int32_t>(j);
        d2_[i] = in_->row_time[e];
        return;
      }
    }
  }

  // Adds (sign 1) or removes (sign -1) the contributions of demand point i.
  void contribute(std::size_t i, double sign) {
    const geo::Deciseconds d1 = d1_[i], d2 = d2_[i];
    const Cost cd1 = cm_(i, d1), cd2 = cm_(i, d2);
    const std::int32_t c1 = c1_[i];
    Cost* extra_row = nullptr;
    std::size_t slot = 0;
    if (c1 >= 0) {
      add_scaled(loss_[static_cast<std::size_t>(c1)], cd2 - cd1, sign);
      slot = static_cast<std::size_t>(slot_of_[static_cast<std::size_t>(c1)]);
      extra_row = extra_.data();
    }
    for (std::uint32_t e = in_->row_first[i]; e < in_->row_first[i + 1]; ++e) {
      const geo::Deciseconds t = in_->row_time[e];
      if (d2 != kNone && t >= d2) break;
      const std::uint32_t j = in_->row_cand[e];
      if (open_[j]) continue;
      const Cost ct = cm_(i, t);
      if (t < d1) add_scaled(gain_[j], cd1 - ct, sign);
      if (extra_row) add_scaled(extra_row[j * S_ + slot], cd2 - (t < d1 ? cd1 : ct), sign);
    }
  }

  const Instance* in_;
  CostModel cm_;
  std::size_t n_, m_, S_;
  HeuristicStats* stats_;
  std::vector<std::uint8_t> open_;
  std::vector<std::int32_t> slot_of_;
  std::vector<std::uint32_t> slot_cand_;
  std::size_t used_ = 0;
  std::vector<std::int32_t> c1_, c2_;
  std::vector<geo::Deciseconds> d1_, d2_;
  std::vector<Cost> gain_, loss_, extra_;
  Cost total_;
  std::vector<std::uint32_t> mark_;
  std::uint32_t stamp_ = 0;
  std::vector<std::uint32_t> affected_;
};

// [SECTION] starts and the interchange

bool always_open(const Instance& in, std::size_t j) {
  return in.candidates[j].fixed || in.candidates[j].lock == Lock::Open;
}
bool may_open(const Instance& in, std::size_t j) {
  return !in.candidates[j].fixed && in.candidates[j].lock == Lock::Free;
}
bool may_close(const Instance& in, std::size_t j) { return may_open(in, j); }

std::size_t counted_open(const Instance& in, const std::vector<std::uint8_t>& open) {
  std::size_t n = 0;
  for (std::size_t j = 0; j < open.size(); ++j) n += open[j] && in.counted(j);
  return n;
}

std::string cost_text(const Instance& in, const Cost& c) {
  if (in.objective == Objective::Mclp) return "non couverts " + fr_number(c.p, 1);
  double w = 0;
  for (double x : in.weight) w += x;
  return "temps moyen " + fr_number(w > 0 ? c.p / w / 600.0 : 0, 2) + " min";
}

// Best closed candidate to open (largest gain), -1 when none may open.
int best_insertion(const Instance& in, const Search& s) {
  int best = -1;
  for (std::size_t j = 0; j < in.candidate_count(); ++j) {
    if (s.open()[j] || !may_open(in, j)) continue;
    if (best < 0 || s.cost_model().compare(s.gain(j), s.gain(static_cast<std::size_t>(best))) > 0) {
      best = static_cast<int>(j);
    }
  }
  return best;
}

// Open site whose closing costs least, -1 when none may close.
int best_removal(const Instance& in, const Search& s) {
  int best = -1;
  for (std::size_t k = 0; k < s.used_slots(); ++k) {
    const std::size_t r = s.slot_candidate(k);
    if (!may_close(in, r)) continue;
    if (best < 0 || s.cost_model().compare(s.loss(r), s.loss(static_cast<std::size_t>(best))) < 0) {
      best = static_cast<int>(r);
    }
  }
  return best;
}

struct Swap {
  Cost profit;
  std::uint32_t in = 0, out = 0;
};

// Every improving swap (or only the best when `only_best`), best first.
std::vector<Swap> improving_swaps(const Instance& in, const Search& s, bool only_best) {
  std::vector<std::uint32_t> outs;
  for (std::size_t k = 0; k < s.used_slots(); ++k) {
    const std::uint32_t r = s.slot_candidate(k);
    if (may_close(in, r)) outs.push_back(r);
  }
  std::vector<Swap> found;
  Swap best;
  bool have = false;
  const CostModel& cm = s.cost_model();
  for (std::size_t j = 0; j < in.candidate_count(); ++j) {
    if (s.open()[j] || !may_open(in, j)) continue;
    for (std::uint32_t r : outs) {
      const Cost p = s.profit(j, r);
      if (!cm.improves(p)) continue;
      if (only_best) {
        if (!have || cm.compare(p, best.profit) > 0) {
          best = {p, static_cast<std::uint32_t>(j), r};
          have = true;
        }
      } else {
        found.push_back({p, static_cast<std::uint32_t>(j), r});
      }
    }
  }
  if (only_best) {
    if (have) found.push_back(best);
    return found;
  }
  std::stable_sort(found.begin(), found.end(), [&](const Swap& a, const Swap& b) { return cm.compare(a.profit, b.profit) > 0; });
  return found;
}

// Teitz-Bart interchange: the best improving swap while there is one (or, with
// `accept`, the best one `accept` takes, trying at most `tries` of them).
using MoveLog = std::vector<std::pair<std::uint32_t, std::uint32_t>>;  // (in, out) of each swap

// Teitz-Bart interchange: the best improving swap while there is one (or, with
// `accept`, the best one `accept` takes, trying at most `tries` of them). Swaps made
// are appended to `log` when given.
template <class Accept>
void interchange(const Instance& in, Search& s, const Control& control, Accept&& accept, std::size_t tries,
                 MoveLog* log = nullptr) {
  const std::size_t max_iter = 50 * in.candidate_count() + 1000;
  for (std::size_t iter = 0; iter < max_iter; ++iter) {
    control.check();
    const auto swaps = improving_swaps(in, s, tries == 0);
    bool moved = false;
    std::size_t tried = 0;
    for (const Swap& sw : swaps) {
      if (tries && tried++ >= tries) break;
      if (tries) {
        std::vector<std::uint8_t> next = s.open();
        next[sw.in] = 1;
        next[sw.out] = 0;
        if (!accept(next)) continue;
      }
      s.move(static_cast<int>(sw.in), static_cast<int>(sw.out));
      if (log) log->push_back({sw.in, sw.out});
      moved = true;
      break;
    }
    if (!moved) return;
    if (iter % 8 == 0) control.report("Échanges de sites (Teitz-Bart)", std::nan(""), cost_text(in, s.total()));
  }
}

void plain_interchange(const Instance& in, Search& s, const Control& control, MoveLog* log = nullptr) {
  interchange(in, s, control, [](const std::vector<std::uint8_t>&) { return true; }, 0, log);
}

// A small deterministic generator (xorshift64): the same kicks on every machine.
struct Kicks {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  std::size_t operator()(std::size_t bound) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<std::size_t>(state % std::max<std::size_t>(1, bound));
  }
};

std::size_t kick_count(const Instance& in) { return std::clamp<std::size_t>(10 * in.candidate_count(), 50, 300); }

// Iterated local search around the interchange's local optimum: swap a random open
// site for a closed candidate near it (one reaching a point the site serves), run the
// interchange, keep the result when it is better, else undo every swap. `kicks`
// rounds, stopped early at `deadline`.
void perturb_and_improve(const Instance& in, Search& s, const Control& control, std::size_t kicks,
                         std::chrono::steady_clock::time_point deadline) {
  Kicks rnd;
  const CostModel& cm = s.cost_model();
  Cost best = s.total();
  for (std::size_t k = 0; k < kicks; ++k) {
    control.check();
    if (std::chrono::steady_clock::now() > deadline) break;
    std::vector<std::uint32_t> outs;
    for (std::size_t q = 0; q < s.used_slots(); ++q) {
      if (may_close(in, s.slot_candidate(q))) outs.push_back(s.slot_candidate(q));
    }
    if (outs.empty()) return;
    const std::uint32_t r = outs[rnd(outs.size())];
    // A candidate near r: through a demand point of r's column.
    int j = -1;
    const std::uint32_t b = in.col_first[r], e = in.col_first[r + 1];
    for (int attempt = 0; attempt < 8 && j < 0 && e > b; ++attempt) {
      const std::uint32_t i = in.col_demand[b + rnd(e - b)];
      const std::uint32_t rb = in.row_first[i], re = in.row_first[i + 1];
      const std::uint32_t c = in.row_cand[rb + rnd(re - rb)];
      if (!s.open()[c] && may_open(in, c)) j = static_cast<int>(c);
    }
    if (j < 0) {
      std::vector<std::uint32_t> ins;
      for (std::size_t c = 0; c < in.candidate_count(); ++c) {
        if (!s.open()[c] && may_open(in, c)) ins.push_back(static_cast<std::uint32_t>(c));
      }
      if (ins.empty()) return;
      j = static_cast<int>(ins[rnd(ins.size())]);
    }
    MoveLog log;
    ++s.stats().kicks;
    s.move(j, static_cast<int>(r));
    log.push_back({static_cast<std::uint32_t>(j), r});
    plain_interchange(in, s, control, &log);
    if (cm.compare(s.total(), best) < 0) {
      best = s.total();
      if (k % 4 == 0) control.report("Recherche locale itérée", static_cast<double>(k) / static_cast<double>(kicks), cost_text(in, best));
    } else {
      for (auto it = log.rbegin(); it != log.rend(); ++it) s.move(static_cast<int>(it->second), static_cast<int>(it->first));
    }
  }
}

// The kicks' time budget: a quarter of a second plus half the time spent so far.
std::chrono::steady_clock::time_point kick_deadline(std::chrono::steady_clock::time_point start) {
  const auto now = std::chrono::steady_clock::now();
  return now + std::chrono::milliseconds(250) + (now - start) / 2;
}

// [SECTION] the objectives

std::vector<std::uint8_t> base_open(const Instance& in) {
  std::vector<std::uint8_t> open(in.candidate_count(), 0);
  for (std::size_t j = 0; j < in.candidate_count(); ++j) open[j] = always_open(in, j);
  return open;
}

Solution finish(const Instance& in, const std::vector<std::uint8_t>& open) {
  Solution sol;
  sol.open = open;
  sol.cost = evaluate_cost(in, open);  // from scratch: no drift in what is reported
  sol.feasible = sol.cost.v < 0.5;
  return sol;
}

// p-median and MCLP with p sites: greedy insertion, or (close_k) removal from the
// existing sites; then the interchange.
Solution solve_sized(const Instance& in, bool drop_start, const Control& control, HeuristicStats& st) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::uint8_t> open = base_open(in);
  const std::size_t p = static_cast<std::size_t>(std::max(0, in.p));
  if (drop_start) {
    for (std::size_t j = 0; j < in.candidate_count(); ++j) {
      if (in.candidates[j].existing && may_open(in, j)) open[j] = 1;
    }
    Search s(in, open, std::accumulate(open.begin(), open.end(), std::size_t{0}), st);
    const std::size_t start = counted_open(in, s.open());
    while (counted_open(in, s.open()) > p) {
      control.check();
      const int r = best_removal(in, s);
      if (r < 0) break;
      s.move(-1, r);
      control.report("Fermetures successives (moindre perte)",
                     static_cast<double>(start - counted_open(in, s.open())) / static_cast<double>(std::max<std::size_t>(1, start - p)));
    }
    plain_interchange(in, s, control);
    perturb_and_improve(in, s, control, kick_count(in), kick_deadline(started));
    return finish(in, s.open());
  }
  const std::size_t fixed_open = std::accumulate(open.begin(), open.end(), std::size_t{0});
  const std::size_t counted0 = counted_open(in, open);
  const std::size_t to_add = p > counted0 ? p - counted0 : 0;
  Search s(in, open, fixed_open + to_add, st);
  for (std::size_t k = 0; k < to_add; ++k) {
    control.check();
    const int j = best_insertion(in, s);
    if (j < 0) break;
    s.move(j, -1);
    control.report("Ajouts successifs (glouton)", static_cast<double>(k + 1) / static_cast<double>(to_add),
                   cost_text(in, s.total()));
  }
  plain_interchange(in, s, control);
  perturb_and_improve(in, s, control, kick_count(in), kick_deadline(started));
  return finish(in, s.open());
}

// LSCP: greedy cover, redundant sites removed, then one site fewer at a time.
Solution solve_lscp(const Instance& in, const Control& control, HeuristicStats& st) {
  const auto started = std::chrono::steady_clock::now();
  const std::size_t n = in.demand_count(), m = in.candidate_count();
  std::vector<std::uint8_t> open = base_open(in);
  std::vector<std::uint32_t> times_covered(n, 0);
  auto cover = [&](std::size_t j, int delta) {
    for (std::uint32_t e = in.col_first[j]; e < in.col_first[j + 1]; ++e) {
      if (in.col_time[e] <= in.cover_ds) times_covered[in.col_demand[e]] += static_cast<std::uint32_t>(delta);
    }
  };
  for (std::size_t j = 0; j < m; ++j) {
    if (open[j]) cover(j, 1);
  }
  for (;;) {
    control.check();
    int best = -1;
    std::size_t best_new = 0;
    double best_w = 0;
    for (std::size_t j = 0; j < m; ++j) {
      if (open[j] || !may_open(in, j)) continue;
      std::size_t fresh = 0;
      double w = 0;
      for (std::uint32_t e = in.col_first[j]; e < in.col_first[j + 1]; ++e) {
        const std::uint32_t i = in.col_demand[e];
        if (in.col_time[e] <= in.cover_ds && in.coverable[i] && times_covered[i] == 0) {
          ++fresh;
          w += in.weight[i];
        }
      }
      if (fresh > best_new || (fresh == best_new && fresh > 0 && w > best_w)) {
        best = static_cast<int>(j);
        best_new = fresh;
        best_w = w;
      }
    }
    if (best < 0 || best_new == 0) break;
    open[static_cast<std::size_t>(best)] = 1;
    cover(static_cast<std::size_t>(best), 1);
    ++st.insertions;
  }
  // Redundant sites: every point they cover is covered twice; least useful first.
  for (bool removed = true; removed;) {
    removed = false;
    int drop = -1;
    double drop_w = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < m; ++j) {
      if (!open[j] || !may_close(in, j)) continue;
      bool redundant = true;
      double w = 0;
      for (std::uint32_t e = in.col_first[j]; e < in.col_first[j + 1] && redundant; ++e) {
        const std::uint32_t i = in.col_demand[e];
        if (in.col_time[e] > in.cover_ds || !in.coverable[i]) continue;
        redundant = times_covered[i] >= 2;
        w += in.weight[i];
      }
      if (redundant && w < drop_w) {
        drop = static_cast<int>(j);
        drop_w = w;
      }
    }
    if (drop >= 0) {
      open[static_cast<std::size_t>(drop)] = 0;
      cover(static_cast<std::size_t>(drop), -1);
      removed = true;
      ++st.removals;
    }
  }
  Search s(in, open, std::accumulate(open.begin(), open.end(), std::size_t{0}), st);
  plain_interchange(in, s, control);
  std::vector<std::uint8_t> best = s.open();
  bool best_ok = s.total().v < 0.5;
  perturb_and_improve(in, s, control, kick_count(in), kick_deadline(started));
  if (s.total().v < 0.5) best = s.open();
  while (best_ok) {
    control.check();
    const int r = best_removal(in, s);
    if (r < 0) break;
    s.move(-1, r);
    plain_interchange(in, s, control);
    // Uncovered points left: kicks before giving up this count.
    if (s.total().v >= 0.5) perturb_and_improve(in, s, control, kick_count(in), kick_deadline(started));
    if (s.total().v >= 0.5) break;
    best = s.open();
    control.report("Recherche du plus petit nombre de sites", std::nan(""),
                   std::to_string(counted_open(in, best)) + " sites couvrent tout le monde");
  }
  return finish(in, best);
}

// Capacitated form: drop from the existing sites until at most N remain with a
// complete team plan (or repair towards one), then the interchange at every count
// reachable from there, then kicks (iterated local search), the best set kept.
Solution solve_capacitated(const Instance& in, const Control& control, HeuristicStats& st) {
  const auto started = std::chrono::steady_clock::now();
  const std::size_t N = static_cast<std::size_t>(std::max(0, in.p));
  std::vector<std::uint8_t> open = base_open(in);
  for (std::size_t j = 0; j < in.candidate_count(); ++j) {
    if (in.candidates[j].existing && may_open(in, j)) open[j] = 1;
  }
  const std::size_t always = std::accumulate(open.begin(), open.end(), std::size_t{0});
  const std::size_t fixed = static_cast<std::size_t>(std::count_if(
      in.candidates.begin(), in.candidates.end(), [](const Candidate& c) { return c.fixed; }));
  const std::size_t capacity = std::max(always, fixed + N + 1);
  Search s(in, open, capacity, st);
  auto plan_of = [&](const std::vector<std::uint8_t>& o, bool exhaustive) {
    Solution tmp;
    tmp.open = o;
    return assign_teams(in, tmp, exhaustive);
  };
  const auto complete = [&](const std::vector<std::uint8_t>& o) {
    return counted_open(in, o) <= N && (plan_of(o, false).complete || plan_of(o, true).complete);
  };
  // How far a set is from a complete plan: excess sites, orphan teams, missing team.
  auto plan_key = [&](const std::vector<std::uint8_t>& o) {
    const TeamCheck c = plan_of(o, false);
    const std::size_t counted = counted_open(in, o);
    return std::tuple<std::size_t, int, double>{counted > N ? counted - N : 0, c.orphans, c.deficit};
  };
  // Single moves (close, open, then swap) while they bring the set closer to a complete plan.
  auto repair = [&](std::vector<std::uint8_t>& o) {
    for (std::size_t step = 0; step <= in.candidate_count(); ++step) {
      const auto key = plan_key(o);
      if (std::get<0>(key) == 0 && std::get<1>(key) == 0 && std::get<2>(key) <= 1e-9) return complete(o);
      std::vector<std::uint8_t> best_next;
      auto best_key = key;
      std::vector<std::size_t> ins, outs;
      for (std::size_t j = 0; j < in.candidate_count(); ++j) {
        if (may_open(in, j)) (o[j] ? outs : ins).push_back(j);
      }
      auto consider = [&](std::vector<std::uint8_t>&& cand) {
        const auto k = plan_key(cand);
        if (k < best_key) {
          best_key = k;
          best_next = std::move(cand);
        }
      };
      for (std::size_t r : outs) {
        auto c = o;
        c[r] = 0;
        consider(std::move(c));
      }
      for (std::size_t j : ins) {
        auto c = o;
        c[j] = 1;
        consider(std::move(c));
      }
      if (best_next.empty()) {
        for (std::size_t j : ins) {
          for (std::size_t r : outs) {
            auto c = o;
            c[j] = 1;
            c[r] = 0;
            consider(std::move(c));
          }
        }
      }
      if (best_next.empty()) return complete(o);
      o = std::move(best_next);
    }
    return complete(o);
  };
  // Drop phase.
  for (;;) {
    control.check();
    const TeamCheck now = plan_of(s.open(), false);
    const std::size_t counted = counted_open(in, s.open());
    if (counted <= N && now.complete) break;
    int best = -1;
    TeamCheck best_check;
    for (std::size_t k = 0; k < s.used_slots(); ++k) {
      const std::uint32_t r = s.slot_candidate(k);
      if (!may_close(in, r)) continue;
      std::vector<std::uint8_t> next = s.open();
      next[r] = 0;
      const TeamCheck c = plan_of(next, false);
      bool better = best < 0;
      if (!better) {
        if (c.orphans != best_check.orphans) {
          better = c.orphans < best_check.orphans;
        } else if (std::abs(c.deficit - best_check.deficit) > 1e-9) {
          better = c.deficit < best_check.deficit;
        } else {
          better = s.cost_model().compare(s.loss(r), s.loss(static_cast<std::size_t>(best))) < 0;
        }
      }
      if (better) {
        best = static_cast<int>(r);
        best_check = c;
      }
    }
    if (best < 0) break;
    // Within N sites, drop only when the team plan gets closer to complete.
    if (counted <= N && best_check.orphans >= now.orphans && best_check.deficit >= now.deficit - 1e-9) break;
    s.move(-1, best);
    control.report("Fermetures et regroupements (taille critique)", std::nan(""),
                   std::to_string(counted_open(in, s.open())) + " sites");
  }
  Kicks rnd;
  if (!complete(s.open())) {
    // Repair from the drop phase's set, then from kicked copies of it.
    std::vector<std::uint8_t> o = s.open();
    bool ok = repair(o);
    for (std::size_t attempt = 0; !ok && attempt < kick_count(in); ++attempt) {
      control.check();
      o = s.open();
      std::vector<std::size_t> opened, closed;
      for (std::size_t j = 0; j < in.candidate_count(); ++j) {
        if (may_open(in, j)) (o[j] ? opened : closed).push_back(j);
      }
      for (int flips = 0; flips < 2; ++flips) {
        if (!opened.empty()) o[opened[rnd(opened.size())]] = 0;
        if (!closed.empty()) o[closed[rnd(closed.size())]] = 1;
      }
      ok = repair(o);
    }
    if (!ok) {
      Solution sol = finish(in, s.open());
      assign_teams(in, sol, true);
      sol.feasible = false;
      return sol;
    }
    std::size_t used = 0;
    for (std::uint8_t x : o) used += x;
    s = Search(in, o, std::max(used, capacity), st);
  }
  // Fewer sites may serve better than the best swaps at this count (the teams decide
  // which counts are possible): the interchange at every count from here down, and
  // from here up to N, the best kept.
  std::vector<std::uint8_t> best_open;
  Cost best_cost;
  auto record = [&](const Search& x) {
    if (best_open.empty() || s.cost_model().compare(x.total(), best_cost) < 0) {
      best_open = x.open();
      best_cost = x.total();
    }
  };
  {
    Search down = s;
    interchange(in, down, control, complete, 200);
    record(down);
    while (counted_open(in, down.open()) > 1) {
      control.check();
      std::vector<std::size_t> order;
      for (std::size_t k = 0; k < down.used_slots(); ++k) {
        if (may_close(in, down.slot_candidate(k))) order.push_back(down.slot_candidate(k));
      }
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return down.cost_model().compare(down.loss(a), down.loss(b)) < 0;
      });
      int drop = -1;
      for (std::size_t r : order) {
        std::vector<std::uint8_t> next = down.open();
        next[r] = 0;
        if (complete(next)) {
          drop = static_cast<int>(r);
          break;
        }
      }
      if (drop < 0) break;
      down.move(-1, drop);
      interchange(in, down, control, complete, 200);
      record(down);
    }
  }
  // Add phase: open more sites (up to N) while the team plan stays complete.
  while (counted_open(in, s.open()) < N && s.used_slots() < s.slot_capacity()) {
    control.check();
    std::vector<std::size_t> order;
    for (std::size_t j = 0; j < in.candidate_count(); ++j) {
      if (!s.open()[j] && may_open(in, j)) order.push_back(j);
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return s.cost_model().compare(s.gain(a), s.gain(b)) > 0;
    });
    int added = -1;
    for (std::size_t k = 0; k < order.size() && k < 30; ++k) {
      if (!s.cost_model().improves(s.gain(order[k]))) break;
      std::vector<std::uint8_t> next = s.open();
      next[order[k]] = 1;
      if (complete(next)) {
        added = static_cast<int>(order[k]);
        break;
      }
    }
    if (added < 0) break;
    s.move(added, -1);
  }
  interchange(in, s, control, complete, 200);
  record(s);
  // Iterated local search: the team plans make the feasible sets far apart (a site
  // reachable by one small team only opens together with that team's closing), so
  // single swaps stop early. Kick the best set (one random swap), repair it, swap
  // again; a fixed number of kicks from a fixed seed (so that the answer does not
  // depend on the machine), within the kicks' time budget (kick_deadline).
  const auto deadline = kick_deadline(started);
  for (std::size_t kick = 0; kick < kick_count(in) && std::chrono::steady_clock::now() < deadline; ++kick) {
    control.check();
    std::vector<std::uint8_t> o = best_open;
    std::vector<std::size_t> opened, closed;
    for (std::size_t j = 0; j < in.candidate_count(); ++j) {
      if (may_open(in, j)) (o[j] ? opened : closed).push_back(j);
    }
    if (opened.empty() || closed.empty()) break;
    o[opened[rnd(opened.size())]] = 0;
    o[closed[rnd(closed.size())]] = 1;
    ++st.kicks;
    if (!repair(o)) continue;
    std::size_t used = 0;
    for (std::uint8_t x : o) used += x;
    Search t(in, o, std::max(used, capacity), st);
    interchange(in, t, control, complete, 200);
    record(t);
  }
  Solution sol = finish(in, best_open);
  const TeamCheck tc = assign_teams(in, sol, true);
  sol.feasible = sol.feasible && tc.complete && counted_open(in, sol.open) <= N;
  return sol;
}

}  // namespace

Solution solve_heuristic(const Instance& in, const Control& control, HeuristicStats* stats) {
  const auto start = std::chrono::steady_clock::now();
  HeuristicStats local;
  HeuristicStats& st = stats ? *stats : local;
  st = HeuristicStats{};
  Solution sol;
  switch (in.objective) {
    case Objective::Lscp: sol = solve_lscp(in, control, st); break;
    case Objective::Capacitated: sol = solve_capacitated(in, control, st); break;
    default: sol = solve_sized(in, in.drop_start, control, st); break;
  }
  if (in.objective == Objective::PMedian || in.objective == Objective::Mclp) {
    sol.feasible = sol.feasible && counted_open(in, sol.open) <= static_cast<std::size_t>(std::max(0, in.p));
  }
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sol;
}

}  // namespace recompose::planner::optimise
