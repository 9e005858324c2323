// evaluate(territory, scenario): every indicator of the planner, per unit, from
// the access engine's tables. This is the function the viewer calls on every
// edit: closing/merging costs no search, a new site one bounded search. The first
// evaluation on an engine keeps the baseline's nearest facilities and E2SFCA sums
// (the engine's EvaluationMemo); later ones recompute only the units an edit's
// facilities reach, with the same figures, bit for bit, as a full evaluation.
//
// Targets are facility kinds (hospital, gp_point, ...) and facility flags
// (urgent_care, mining_regime): for each, per unit, the nearest open facility and
// its time (kNoAccess beyond the cutoff or off the network: never 0).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "planner/access_engine.hpp"
#include "planner/offer/recomposition.hpp"
#include "planner/scenario.hpp"
#include "planner/territory.hpp"

namespace recompose::planner {

inline constexpr geo::Deciseconds kNoAccess = geo::kUnreachable;

struct E2sfcaStep {
  double up_to_min;  // weight applies to times <= up_to_min (and above the previous step)
  double weight;
  bool operator==(const E2sfcaStep&) const = default;
};

struct EvalParams {
  double cutoff_min = 60;
  std::vector<double> coverage_min = {10, 15, 20, 30, 45};
  double urgent_threshold_min = 30;
  std::string urgent_target = "urgent_care";
  int k_nearest = 3;
  // E2SFCA (DREES APL-like): supply = capacity of `e2sfca_kind`, demand = population.
  std::string e2sfca_kind = "gp_point";
  std::vector<E2sfcaStep> e2sfca_steps = {{10, 1.0}, {15, 0.66}, {20, 0.33}};
  // Need: an indicator name (ICM, France = 100) joined down to units from the
  // finest level where it exists; empty: none (need index 100, said in reports).
  std::string need_indicator;
  // Pharmacy licences (CSP L.5125-4, see domain.md and planner/offer/pharmacies.hpp).
  double pharmacy_first_threshold = 2500, pharmacy_first_threshold_east = 3500;  // 57, 67, 68, 973
  double pharmacy_tranche = 4500;  // 3500: the seeds' transfer/regroupement slide (000 l.858-859)
  // "loi": at least the first threshold, then one per full further tranche (CSP L.5125-4 since 2018);
  // "graines": the seeds' 2013 wording, strictly more than each threshold (000 l.844-848).
  std::string pharmacy_rule = "loi";
  double pharmacy_transfer_threshold_min = 10;  // origin quarter degraded beyond this (000 l.851-853)
  int pharmacy_regroup_years = 5;               // freed licences kept counted (000 l.867-869)
  std::vector<double> pharmacy_loss_min = {10, 15};  // affiliates losing every pharmacy within
  // Mining-regime demand (000 l.701-705: 2 to 4 new patients per affiliate lost).
  double affiliate_decline_per_year = 0.05;
  int projection_years = 5;  // used when regime.horizon_year is 0
  double recruitment_multiplier = 3;
  // The regime's own offer: critical size, UFT, opening, rayon d'action, horizon.
  RegimeParams regime;
  StraightLineParams straight;
};

struct Evaluation {
  std::string scenario_name;
  TimeModel model = TimeModel::Road;
  std::vector<FacilityState> facilities;
  std::vector<std::string> applied;
  std::vector<std::string> targets;
  // [target][unit]
  std::vector<std::vector<geo::Deciseconds>> nearest_time;
  std::vector<std::vector<std::int32_t>> nearest_facility;  // index into `facilities`, -1 none
  std::vector<std::vector<std::int32_t>> k_nearest;         // [target][unit * k + j], -1 none
  int k = 3;
  // [unit]
  std::vector<double> e2sfca_per_100k;  // NaN when no supply of that kind exists
  std::vector<double> need_index;       // ICM (100 = France) or 100 when no need data
  std::vector<double> need_population;  // population x need / 100
  std::string need_source;              // which indicator and level, or why none
  // [facility][target of its kind] catchment population and need served
  std::vector<double> served_population, served_need;
  // The regime's offer and demand (empty when the territory has no regime data).
  Recomposition recomposition;
  double seconds = 0;
  std::size_t searches = 0;

  [[nodiscard]] int target_index(const std::string& name) const;
};

// Longest travel time any table, threshold or option may ask for: 24 hours (so that
// minutes x 600 always fits the 32-bit deciseconds, 13.6 years, with room to add).
inline constexpr double kMaxMinutes = 1440;

// Range checks of every numeric parameter before any use: NaN, infinities and values
// out of range are an Error (ErrorKind::Usage) naming the option, never a
// wrap-around or an assertion. Called by evaluate(); callers may call it first.
void check_params(const EvalParams& params);

Evaluation evaluate(AccessEngine& engine, const Scenario& scenario, const EvalParams& params);

// Fills e.recomposition (called by evaluate; planner/offer/recomposition.cpp).
void compute_recomposition(AccessEngine& engine, Evaluation& e, const EvalParams& params);
// Per edit of `scenario`: affiliates changing nearest regime site (planner/offer/recomposition.cpp).
std::vector<EditEffect> edit_effects(const Territory& t, const Evaluation& before, const Evaluation& after,
                                     const Scenario& scenario, const EvalParams& params);

// [SECTION] aggregates and key figures

struct AreaFigures {
  std::string level, code, name;
  double population = 0, need_population = 0;
  // per target
  double population_off_network = 0;  // units not routed (road model)
  std::map<std::string, double> mean_min, p90_min, population_no_access, population_beyond_urgent;
  std::map<std::string, std::map<double, double>> coverage;  // target -> threshold -> population covered
  double e2sfca_mean = 0;  // population-weighted
};

// Per-unit aggregation to communes, EPCI, zones d'emploi or the whole territory.
std::vector<AreaFigures> aggregate(const Territory& t, const Evaluation& e, const EvalParams& p,
                                   const std::string& level);

// Licences allowed by the census population of a commune. Rule "loi" (CSP L.5125-4):
// a first licence at >= the first threshold (2,500; 3,500 in 57, 67, 68, 973), then one per
// full further tranche. Rule "graines": strictly more than each threshold (seeds 2013).
int pharmacy_licences_allowed(double population, const std::string& departement, const EvalParams& p);

}  // namespace recompose::planner
