// The optimiser's instance: demand points (the territory's units, weighted),
// candidate sites, and the sparse travel-time tables between them, taken from the
// access engine (existing sites: the base tables; new sites: one restricted sweep
// each, batched). Times are integer deciseconds within the tables' cutoff; a pair
// beyond it is absent, never 0.
//
// Units that are not demand points, each counted apart in InstanceReport: units off
// the road network, units of zero weight, and units that no candidate (nor any site
// kept outside the territory) reaches within the cutoff -- their state does not depend
// on the answer.
//
// Objective of a set S of open sites, per demand point i with nearest open site at
// time d_i (d_i = none when no open site reaches it within the cutoff):
//   p-median (also close_k "temps", capacitated):  sum_i w_i * min(d_i, penalty)
//   MCLP (also close_k "couverture"):               sum_i w_i * [d_i > T]  (uncovered weight)
//   LSCP:                                           |S| with every coverable point within T
// A unit with no site counts the penalty time (default twice the cutoff, so never
// less than a unit that has a site); reports show these units apart as well.
// The maximum time for anyone (max_time) is a hard constraint on the demand points
// that some candidate reaches within it; the others are reported as beyond reach.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "geo/snapping.hpp"
#include "geo/types.hpp"
#include "planner/optimise/control.hpp"
#include "planner/optimise/problem.hpp"

namespace recompose::planner {
class AccessEngine;
struct Evaluation;
struct EvalParams;
}  // namespace recompose::planner

namespace recompose::planner::optimise {

inline constexpr geo::Deciseconds kNone = geo::kUnreachable;

enum class Lock : std::uint8_t { Free, Open, Closed };

struct Candidate {
  std::string id, name;        // id: the facility id (existing) or a new id ("OPT-...")
  std::string source;          // "existant", "bâtiment historique", "centre de commune", "fichier", "grille"
  std::string commune_code;    // where it lies ("" unknown)
  geo::PointM point;
  geo::SnapResult snap;
  int facility = -1;           // index in Territory::facilities (existing sites, historic buildings)
  bool existing = false;       // an existing site of the target, open in the baseline
  bool fixed = false;          // kept open and not counted (outside the territory)
  Lock lock = Lock::Free;
  std::string lock_reason;     // French
  double team = 0;             // capacitated: GP FTE (regime sites) or capacity of an existing site
  bool team_known = true;
};

struct Instance {
  Objective objective = Objective::PMedian;  // close_k is solved as PMedian or Mclp
  int p = 0;                                  // counted open sites (p_median, mclp, close_k); N (capacitated)
  geo::Deciseconds penalty_ds = 72000;        // time of a demand point with no open site
  geo::Deciseconds cover_ds = kNone;          // T (mclp, lscp)
  geo::Deciseconds max_ds = kNone;            // max time for anyone, kNone: none
  double critical = 0;                        // capacitated: team of every counted open site
  geo::Deciseconds merge_max_ds = 0;          // capacitated
  bool drop_start = false;                    // close_k: the heuristic starts from the existing sites

  // [demand point]
  std::vector<double> weight;
  std::vector<std::uint32_t> unit;        // territory unit (empty in hand-made instances)
  std::vector<std::uint8_t> must_cover;   // max_time applies (some candidate within it)
  std::vector<std::uint8_t> coverable;    // some candidate within T (mclp, lscp)
  // [candidate]
  std::vector<Candidate> candidates;
  // Tables by candidate (entries sorted by demand point) ...
  std::vector<std::uint32_t> col_first;   // candidates + 1
  std::vector<std::uint32_t> col_demand;
  std::vector<geo::Deciseconds> col_time;
  // ... and by demand point (sorted by time, then candidate): built by finish().
  std::vector<std::uint32_t> row_first;   // demand points + 1
  std::vector<std::uint32_t> row_cand;
  std::vector<geo::Deciseconds> row_time;
  // Capacitated: for each candidate k with a team, the candidates j its team may be
  // merged into (time from k to j within merge_max_ds), nearest first.
  std::vector<std::vector<std::pair<std::uint32_t, geo::Deciseconds>>> merge_options;

  [[nodiscard]] std::size_t demand_count() const { return weight.size(); }
  [[nodiscard]] std::size_t candidate_count() const { return candidates.size(); }
  [[nodiscard]] std::size_t entries() const { return col_demand.size(); }
  [[nodiscard]] bool counted(std::size_t j) const { return !candidates[j].fixed; }

  // Appends a candidate's column (entries in any order; times within the cutoff).
  void add_column(const Candidate& c, const std::vector<std::pair<std::uint32_t, geo::Deciseconds>>& entries);
  // Builds the rows, must_cover and coverable; call once every column is in.
  void finish();
};

// What the builder kept, left out and assumed, for the reports (French notes).
struct InstanceReport {
  std::string target, target_label;
  std::string weighting, weighting_label;  // "affilies"... and its French label
  double total_weight = 0;                 // every unit of positive weight
  double weight_off_network = 0, weight_out_of_reach = 0;  // not demand points
  std::size_t units = 0, units_off_network = 0, units_out_of_reach = 0, units_zero_weight = 0;
  std::size_t demand_points = 0;
  std::map<std::string, std::size_t> candidates_by_source;
  std::vector<std::string> skipped;  // candidates left out, with the reason
  std::vector<std::string> notes;    // assumptions (unknown teams, penalty, ...)
  bool fictitious = false;           // the regime's data are the fictitious example
  double need_scale = 1;             // weights as given (1) or need-weighted
  std::string new_kind;              // kind of opened sites
  bool regime_target = false;        // the target's sites are regime sites (teams)
};

// Builds the instance of `problem` on the engine's territory: target sites from the
// baseline evaluation, candidates from the problem's sources (new sites' columns in
// batches), weights, locks and, for the capacitated form, teams and merge options.
// Throws Error naming the field or id of a bad problem (an unknown locked id, no
// target site, a candidate file without the id field...).
Instance build_instance(AccessEngine& engine, const Evaluation& baseline, const Problem& problem,
                        const EvalParams& params, const Control& control, InstanceReport& report);

// The target actually used ("" resolved to regime_gp or an error naming --target).
std::string resolve_target(const Problem& problem, const Evaluation& baseline, bool territory_has_regime);

}  // namespace recompose::planner::optimise
