// Index:
//   [SECTION] model building
//   [SECTION] CBC: cancellation, progress, solve
#include "planner/optimise/exact.hpp"

#include <CbcEventHandler.hpp>
#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <ClpEventHandler.hpp>
#include <ClpSimplex.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "planner/format.hpp"

namespace recompose::planner::optimise {

std::string exact_status_label(ExactStatus s) {
  switch (s) {
    case ExactStatus::Optimal: return "optimum prouvé";
    case ExactStatus::TimeLimit: return "limite de temps atteinte (meilleure solution et borne)";
    case ExactStatus::Infeasible: return "problème impossible (aucun ensemble de sites ne respecte les contraintes)";
    case ExactStatus::NoSolution: return "limite de temps atteinte sans solution";
    case ExactStatus::Cancelled: return "annulé";
  }
  return "?";
}

double relative_gap_percent(const Instance& in, double value, double bound) {
  if (in.objective == Objective::Mclp) {
    double total = 0;
    for (double w : in.weight) total += w;
    const double covered = total - value, covered_bound = total - bound;
    return covered_bound > 0 ? std::max(0.0, (covered_bound - covered) / covered_bound * 100.0) : 0.0;
  }
  return value > 0 ? std::max(0.0, (value - bound) / value * 100.0) : 0.0;
}

namespace {

const double kInf = COIN_DBL_MAX;  // what Clp takes as infinite (not IEEE infinity)

// [SECTION] model building

struct Model {
  std::vector<double> col_lb, col_ub, obj;
  std::vector<std::uint8_t> integer;
  std::vector<double> row_lb, row_ub;
  std::vector<int> tr, tc;
  std::vector<double> tv;
  double offset = 0;  // objective constant
  std::vector<int> y;  // column of candidate j's y
  // capacitated: (column, mover k, sink j)
  std::vector<std::tuple<int, std::uint32_t, std::uint32_t>> z;
  // What each column is, to write a first solution: kind, then a point or a site, then a site.
  enum Kind : std::uint8_t { Y, X, U, Covered, Merge };
  struct What {
    Kind kind;
    std::uint32_t a, b;
  };
  std::vector<What> what;

  int column(double lb, double ub, double c, bool is_int, What w) {
    what.push_back(w);
    col_lb.push_back(lb);
    col_ub.push_back(ub);
    obj.push_back(c);
    integer.push_back(is_int);
    return static_cast<int>(obj.size()) - 1;
  }
  int row(double lb, double ub) {
    row_lb.push_back(lb);
    row_ub.push_back(ub);
    return static_cast<int>(row_lb.size()) - 1;
  }
  void at(int r, int c, double v) {
    tr.push_back(r);
    tc.push_back(c);
    tv.push_back(v);
  }
};

bool always_open(const Candidate& c) { return c.fixed || c.lock == Lock::Open; }

Model build_model(const Instance& in) {
  Model M;
  const std::size_t n = in.demand_count(), m = in.candidate_count();
  const bool lscp = in.objective == Objective::Lscp;
  for (std::size_t j = 0; j < m; ++j) {
    const Candidate& c = in.candidates[j];
    const double lb = always_open(c) ? 1 : 0, ub = c.lock == Lock::Closed && !c.fixed ? 0 : 1;
    M.y.push_back(M.column(lb, ub, lscp && in.counted(j) ? 1.0 : 0.0, true,
                          {Model::Y, static_cast<std::uint32_t>(j), 0}));
  }
  // Number of counted sites.
  if (in.objective != Objective::Lscp) {
    const int r = M.row(-kInf, in.p);
    for (std::size_t j = 0; j < m; ++j) {
      if (in.counted(j)) M.at(r, M.y[j], 1.0);
    }
  }
  auto row_entries = [&](std::size_t i) {
    return std::pair<std::uint32_t, std::uint32_t>{in.row_first[i], in.row_first[i + 1]};
  };
  if (in.objective == Objective::PMedian || in.objective == Objective::Capacitated) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto [b, e] = row_entries(i);
      const double w = in.weight[i];
      // Sites beyond the nearest always-open one are never the nearest.
      geo::Deciseconds fixed_time = kNone;
      for (std::uint32_t k = b; k < e; ++k) {
        if (always_open(in.candidates[in.row_cand[k]])) {
          fixed_time = in.row_time[k];
          break;
        }
      }
      const geo::Deciseconds limit = in.must_cover[i] ? std::min(fixed_time, in.max_ds) : fixed_time;
      const int r = M.row(1, 1);
      bool any = false;
      for (std::uint32_t k = b; k < e; ++k) {
        const geo::Deciseconds t = in.row_time[k];
        if (t > limit) break;
        const std::uint32_t j = in.row_cand[k];
        const Candidate& c = in.candidates[j];
        if (c.lock == Lock::Closed && !c.fixed) continue;
        const double cost = w * static_cast<double>(std::min(t, in.penalty_ds));
        const int x = M.column(0, 1, cost, false, {Model::X, static_cast<std::uint32_t>(i), j});
        M.at(r, x, 1.0);
        any = true;
        if (!always_open(c)) {
          const int link = M.row(-kInf, 0);
          M.at(link, x, 1.0);
          M.at(link, M.y[j], -1.0);
        }
        if (always_open(c) && limit == t) break;
      }
      // No site at all: the penalty (a must-cover point has none: its row needs a site).
      if (!in.must_cover[i] && fixed_time == kNone) {
        const int u = M.column(0, 1, w * static_cast<double>(in.penalty_ds), false, {Model::U, static_cast<std::uint32_t>(i), 0});
        M.at(r, u, 1.0);
      }
      (void)any;
    }
  } else if (in.objective == Objective::Mclp) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto [b, e] = row_entries(i);
      const double w = in.weight[i];
      bool fixed_cover = false;
      std::vector<int> covers;
      for (std::uint32_t k = b; k < e && in.row_time[k] <= in.cover_ds; ++k) {
        const Candidate& c = in.candidates[in.row_cand[k]];
        if (always_open(c)) fixed_cover = true;
        if (!always_open(c) && c.lock != Lock::Closed) covers.push_back(M.y[in.row_cand[k]]);
      }
      if (fixed_cover) continue;  // covered whatever is chosen
      M.offset += w;              // uncovered unless z_i = 1
      if (!covers.empty()) {
        const int z = M.column(0, 1, -w, false, {Model::Covered, static_cast<std::uint32_t>(i), 0});
        const int r = M.row(-kInf, 0);
        M.at(r, z, 1.0);
        for (int yc : covers) M.at(r, yc, -1.0);
      }
    }
  }
  // Covering rows: LSCP (T) and max_time (MCLP; the p-median forms restrict x instead).
  for (std::size_t i = 0; i < n; ++i) {
    geo::Deciseconds limit = kNone;
    if (lscp && in.coverable[i]) limit = in.cover_ds;
    if (in.objective == Objective::Mclp && in.must_cover[i]) limit = in.max_ds;
    if (limit == kNone) continue;
    const auto [b, e] = row_entries(i);
    std::vector<int> covers;
    bool fixed_cover = false;
    for (std::uint32_t k = b; k < e && in.row_time[k] <= limit; ++k) {
      const Candidate& c = in.candidates[in.row_cand[k]];
      if (always_open(c)) fixed_cover = true;
      if (c.lock != Lock::Closed || c.fixed) covers.push_back(M.y[in.row_cand[k]]);
    }
    if (fixed_cover) continue;
    const int r = M.row(1, kInf);
    for (int yc : covers) M.at(r, yc, 1.0);
  }
  if (in.objective == Objective::Capacitated) {
    std::vector<std::vector<std::pair<int, double>>> into(m);  // sink j -> (z column, team of k)
    for (std::size_t k = 0; k < m; ++k) {
      const Candidate& c = in.candidates[k];
      if (!(c.team > 0) || c.fixed) continue;
      const int r = M.row(1, 1);  // merged somewhere, or kept open
      M.at(r, M.y[k], 1.0);
      if (k < in.merge_options.size()) {
        for (const auto& [j, t] : in.merge_options[k]) {
          const Candidate& to = in.candidates[j];
          if (to.fixed || (to.lock == Lock::Closed)) continue;
          const int z = M.column(0, 1, 0.0, true, {Model::Merge, static_cast<std::uint32_t>(k), j});
          M.z.emplace_back(z, static_cast<std::uint32_t>(k), j);
          M.at(r, z, 1.0);
          const int link = M.row(-kInf, 0);
          M.at(link, z, 1.0);
          M.at(link, M.y[j], -1.0);
          into[j].push_back({z, c.team});
        }
      }
    }
    for (std::size_t j = 0; j < m; ++j) {
      if (!in.counted(j)) continue;
      const Candidate& c = in.candidates[j];
      if (c.lock == Lock::Closed) continue;
      const int r = M.row(0, kInf);
      M.at(r, M.y[j], c.team - in.critical);
      for (const auto& [z, team] : into[j]) M.at(r, z, team);
    }
  }
  return M;
}

// Every column's value for the open set of `s` (its merges for the capacitated form).
std::vector<double> start_values(const Model& M, const Instance& in, const Solution& s) {
  const Allocation a = allocate(in, s.open);
  std::vector<double> v(M.obj.size(), 0.0);
  for (std::size_t c = 0; c < v.size(); ++c) {
    const Model::What& w = M.what[c];
    switch (w.kind) {
      case Model::Y: v[c] = s.open[w.a] ? 1.0 : 0.0; break;
      case Model::X: v[c] = a.site[w.a] == static_cast<std::int32_t>(w.b) ? 1.0 : 0.0; break;
      case Model::U: v[c] = a.site[w.a] < 0 ? 1.0 : 0.0; break;
      case Model::Covered: v[c] = a.time[w.a] != kNone && a.time[w.a] <= in.cover_ds ? 1.0 : 0.0; break;
      case Model::Merge:
        v[c] = !s.merge_into.empty() && s.merge_into[w.a] == static_cast<int>(w.b) ? 1.0 : 0.0;
        break;
    }
  }
  return v;
}

// [SECTION] CBC: cancellation, progress, solve

struct Shared {
  const Control* control = nullptr;
  const Instance* in = nullptr;
  double offset = 0;
  std::chrono::steady_clock::time_point start;
  double time_limit_s = 0;
  std::chrono::steady_clock::time_point last_report;
};

// Past the time limit (CBC checks its own limit between nodes only, not inside the
// root LP or the preprocessing of a large model).
bool out_of_time(const Shared& s) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - s.start).count() > s.time_limit_s;
}

class CancelCbc : public CbcEventHandler {
 public:
  explicit CancelCbc(Shared* s) : shared_(s) {}
  CbcAction event(CbcEvent) override {
    if (shared_->control->cancelled() || out_of_time(*shared_)) return stop;
    const auto now = std::chrono::steady_clock::now();
    if (model_ && now - shared_->last_report > std::chrono::milliseconds(250)) {
      shared_->last_report = now;
      const double elapsed = std::chrono::duration<double>(now - shared_->start).count();
      std::string detail;
      if (model_->bestSolution()) {
        detail = "meilleure solution " + fr_number(model_->getObjValue() + shared_->offset, 1) + ", borne " +
                 fr_number(model_->getBestPossibleObjValue() + shared_->offset, 1);
      } else {
        detail = "borne " + fr_number(model_->getBestPossibleObjValue() + shared_->offset, 1);
      }
      shared_->control->report("Résolution exacte (CBC)", std::min(1.0, elapsed / shared_->time_limit_s), detail);
    }
    return noAction;
  }
  CbcEventHandler* clone() const override { return new CancelCbc(*this); }

 private:
  Shared* shared_;
};

class CancelClp : public ClpEventHandler {
 public:
  explicit CancelClp(Shared* s) : shared_(s) {}
  int event(Event e) override {
    if (e == endOfIteration && (shared_->control->cancelled() || out_of_time(*shared_))) return 0;  // stop
    return -1;
  }
  ClpEventHandler* clone() const override { return new CancelClp(*this); }

 private:
  Shared* shared_;
};

// Whether CbcMain1 solved the root relaxation (its callback, "where from" 1 = after the
// initial solve): a plain function pointer, hence a variable of the solving thread.
thread_local bool g_root_solved = false;
int cbc_callback(CbcModel* model, int where_from) {
  if (where_from == 1 && model && model->solver()) g_root_solved = model->solver()->isProvenOptimal();
  if (where_from >= 3) g_root_solved = g_root_solved || where_from == 3;
  return 0;
}

// CbcMain0/CbcMain1 keep state in statics: one solve at a time in the process.
std::mutex& cbc_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

ExactResult solve_exact(const Instance& in, const ExactOptions& options, const Control& control) {
  const auto start = std::chrono::steady_clock::now();
  ExactResult res;
  control.check();
  control.report("Résolution exacte (CBC) : modèle", 0);
  Model M = build_model(in);
  res.rows = static_cast<int>(M.row_lb.size());
  res.columns = static_cast<int>(M.obj.size());
  res.integers = static_cast<int>(std::count(M.integer.begin(), M.integer.end(), 1));

  std::lock_guard<std::mutex> lock(cbc_mutex());
  OsiClpSolverInterface solver;
  {
    CoinPackedMatrix matrix(false, M.tr.data(), M.tc.data(), M.tv.data(), static_cast<CoinBigIndex>(M.tv.size()));
    // Rows or columns without any element still need to exist.
    matrix.setDimensions(res.rows, res.columns);
    solver.loadProblem(matrix, M.col_lb.data(), M.col_ub.data(), M.obj.data(), M.row_lb.data(), M.row_ub.data());
  }
  const bool warm = options.start && !options.start->open.empty();
  for (int c = 0; c < res.columns; ++c) {
    if (M.integer[static_cast<std::size_t>(c)]) solver.setInteger(c);
  }
  solver.messageHandler()->setLogLevel(options.log_level);
  solver.getModelPtr()->messageHandler()->setLogLevel(options.log_level);
  Shared shared;
  shared.control = &control;
  shared.in = &in;
  shared.offset = M.offset;
  shared.start = start;
  shared.time_limit_s = options.time_limit_s;
  CancelClp clp_handler(&shared);
  solver.getModelPtr()->passInEventHandler(&clp_handler);

  CbcModel model(solver);
  model.messageHandler()->setLogLevel(options.log_level);
  CbcSolverUsefulData data;
  CbcMain0(model, data);
  data.noPrinting_ = options.log_level == 0;
  CancelCbc cbc_handler(&shared);
  model.passInEventHandler(&cbc_handler);
  if (warm) {
    const std::vector<double> v = start_values(M, in, *options.start);
    double objective = 0;
    for (std::size_t c = 0; c < v.size(); ++c) objective += M.obj[c] * v[c];
    // The whole solution (every x, u, z), checked by CBC: no LP to complete it. CbcMain0
    // set the log levels back to their defaults: silence the check.
    model.messageHandler()->setLogLevel(options.log_level);
    model.solver()->messageHandler()->setLogLevel(options.log_level);
    if (auto* clp = dynamic_cast<OsiClpSolverInterface*>(model.solver())) {
      clp->getModelPtr()->messageHandler()->setLogLevel(options.log_level);
    }
    model.setBestSolution(v.data(), res.columns, objective, true);
  }
  const std::string seconds = std::to_string(std::max(1.0, options.time_limit_s));
  const std::string log = std::to_string(options.log_level);
  std::vector<const char*> argv = {"recompose", "-log", log.c_str(), "-timeMode", "elapsed", "-sec", seconds.c_str(),
                                   "-threads", "0", "-solve", "-quit"};
  control.report("Résolution exacte (CBC)", 0);
  g_root_solved = false;
  CbcMain1(static_cast<int>(argv.size()), argv.data(), model, cbc_callback, data);

  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  res.nodes = model.getNodeCount();
  const bool cancelled = control.cancelled();
  const double* best = model.bestSolution();
  const bool lscp = in.objective == Objective::Lscp;
  if (best && model.getNumCols() == res.columns) {
    res.has_solution = true;
    Solution& s = res.solution;
    s.open.assign(in.candidate_count(), 0);
    for (std::size_t j = 0; j < in.candidate_count(); ++j) s.open[j] = best[M.y[j]] > 0.5;
    s.cost = evaluate_cost(in, s.open);
    s.feasible = s.cost.v < 0.5 || in.objective == Objective::Mclp || in.objective == Objective::PMedian ||
                 in.objective == Objective::Capacitated;
    if (in.objective == Objective::Capacitated) {
      const TeamCheck tc = assign_teams(in, s, true);
      if (!tc.complete) {
        // The search stopped at its node limit: take CBC's own merges.
        s.merge_into.assign(in.candidate_count(), -1);
        s.team_after.assign(in.candidate_count(), 0.0);
        s.team_minutes = 0;
        for (std::size_t j = 0; j < in.candidate_count(); ++j) {
          if (s.open[j] && in.counted(j)) s.team_after[j] = in.candidates[j].team;
        }
        for (const auto& [z, k, j] : M.z) {
          if (best[z] > 0.5) {
            s.merge_into[k] = static_cast<int>(j);
            s.team_after[j] += in.candidates[k].team;
            for (const auto& [jj, t] : in.merge_options[k]) {
              if (jj == j) s.team_minutes += in.candidates[k].team * geo::deciseconds_to_minutes(t);
            }
          }
        }
      }
    }
    res.objective = lscp ? static_cast<double>(s.counted_open(in)) : model.getObjValue() + M.offset;
  }
  double bound = model.getBestPossibleObjValue() + M.offset;
  if (model.isProvenOptimal() && res.has_solution) {
    res.status = ExactStatus::Optimal;
    bound = res.objective;
  } else if (model.isProvenInfeasible()) {
    res.status = ExactStatus::Infeasible;
  } else if (cancelled) {
    res.status = ExactStatus::Cancelled;
  } else {
    res.status = res.has_solution ? ExactStatus::TimeLimit : ExactStatus::NoSolution;
  }
  // No bound when CBC stopped before solving the root relaxation (time limit or cancel
  // inside the LP of a large model): what it returns then bounds nothing.
  if (res.status != ExactStatus::Optimal && res.status != ExactStatus::Infeasible &&
      (!std::isfinite(bound) || std::abs(bound) > 1e40 || !g_root_solved)) {
    bound = std::nan("");
  }
  if (lscp && !std::isnan(bound)) bound = std::ceil(bound - 1e-6);
  res.bound = bound;
  if (res.has_solution && res.status == ExactStatus::Optimal && !lscp) res.objective = primary(in, res.solution);
  return res;
}

}  // namespace recompose::planner::optimise
