// Comparison of several scenarios side by side (issue 17): the baseline and every
// scenario evaluated once on the same access tables, one column per option, the
// figures `recompose evaluate` reports (key_figures per target, E2SFCA, the regime's
// recomposition, pharmacy surplus), and the communes whose ranking of the options
// differs most from the territory's.
//
// Rows carry a machine key that says where the same figure is in the summary.json of
// a separate `recompose evaluate` run of that scenario:
//   "targets/urgent_care/*/population_beyond_30_min"   `*` = "before" for the baseline
//                                                       column, "after" for a scenario;
//   "comparaison/..."                                   figures summary.json does not
//                                                       hold, derived from the same
//                                                       evaluation (documented per row).
// A ranking of the options per commune: option a is better than b for a commune when
// fewer of its inhabitants have no access within the cutoff, then when its mean time
// (population-weighted, routed units) to the criterion target is lower by at least
// `tie_min`; else they tie. A commune disagrees with the territory on a pair of
// options when both order them strictly and in opposite ways; communes are listed by
// the number of such reversed pairs, then by their weight (inhabitants x minutes of
// the reversals).
//
// Cost: one evaluation per option (the tables are shared, a new site costs one
// search), one pharmacy analysis and one commune aggregation per option.
#pragma once

#include <string>
#include <vector>

#include "planner/access_engine.hpp"
#include "planner/evaluation.hpp"
#include "planner/scenario.hpp"
#include "planner/territory.hpp"

namespace recompose::planner {

enum class Better { Lower, Higher, None };

struct ComparisonRow {
  std::string key;    // see the header: a summary.json path with `*`, or "comparaison/..."
  std::string group;  // French section ("Urgences", "Régime minier", "Destination : hôpital"...)
  std::string label;  // French
  std::string unit;   // "hab.", "min", "%", "affiliés", "centres"...: as displayed
  double display_scale = 1;  // displayed = value x scale (shares: value 0..1, shown in %)
  int decimals = 0;          // displayed decimals
  Better better = Better::None;
  bool key_figure = false;     // in the main table of comparaison.md and of the viewer
  std::vector<double> values;  // per option, baseline first; NaN: no value

  [[nodiscard]] bool differs() const;  // not every option has the same value
};

struct ComparedOption {
  const Scenario* scenario = nullptr;      // the baseline for option 0
  const Evaluation* evaluation = nullptr;  // evaluated on the territory's shared tables
  std::string path;                        // scenario file, "" for the baseline or an unsaved one
};

struct OptionInfo {
  std::string name;    // the scenario's name ("Situation actuelle" for the baseline)
  std::string column;  // CSV / table header: the name, made unique
  std::string path;
  std::vector<std::string> applied;  // one French line per edit
};

struct CommuneRanking {
  std::string code, name;
  double population = 0;
  std::vector<double> mean_min;   // per option: criterion target, NaN when no unit reached
  std::vector<double> no_access;  // per option: inhabitants with nothing within the cutoff
  std::vector<int> rank;          // per option: 1 = best, ties share a rank
  int reversed_pairs = 0;         // pairs ordered against the territory's ranking
  double weight = 0;              // sum over the reversed pairs of population x |mean time gap|
};

struct ComparisonSettings {
  // Target the communes rank the options on; empty: the target whose territory-wide
  // mean time varies most across the options (urgent care when none varies).
  std::string criterion_target;
  double tie_min = 0.1;  // mean times closer than this tie (the displayed precision)
};

struct Comparison {
  std::string territory_name, territory_title, time_model_label;
  bool straight_line = false;
  bool fictitious_regime = false;           // the regime's data are the fictitious example
  bool fictitious_mining_pharmacies = false;  // mining pharmacies from the fictitious example
  bool osm_officines = false;               // officines from OpenStreetMap: incomplete list
  double population = 0;
  double cutoff_min = 0, urgent_threshold_min = 0;
  bool need_weighted = false;         // a need indicator is used (else need-weighted = population)
  std::string pharmacy_affiliates;    // who counts as an affiliate in the pharmacy figures
  std::vector<OptionInfo> options;  // baseline first
  std::vector<ComparisonRow> rows;
  // Ranking of the options per commune.
  std::string criterion_target;
  double tie_min = 0.1;
  std::vector<double> territory_mean_min, territory_no_access;  // per option
  std::vector<int> territory_rank;                               // per option
  std::vector<CommuneRanking> communes;  // communes with at least one reversed pair, most divergent first
  std::size_t communes_total = 0, communes_indifferent = 0;  // indifferent: every option ties

  [[nodiscard]] const ComparisonRow* row(const std::string& key) const;
};

// Compares `options` (option 0 is the baseline) evaluated on territory `t` with `p`.
Comparison compare_options(const Territory& t, const EvalParams& p, const std::vector<ComparedOption>& options,
                           const ComparisonSettings& settings = {});

// What `recompose compare` runs: the baseline and each scenario evaluated once on
// `engine`'s tables, then compared. Throws Error naming the scenario on a bad edit.
struct ComparisonRun {
  std::vector<Scenario> scenarios;  // baseline first
  std::vector<Evaluation> evaluations;
  Comparison comparison;
  double seconds = 0;  // evaluations and comparison
};
ComparisonRun run_comparison(AccessEngine& engine, const std::vector<Scenario>& scenarios, const EvalParams& p,
                             const ComparisonSettings& settings = {});

// comparaison.md (French, French number formats) and comparaison.csv (one row per
// figure, one column per option, point decimals), written atomically into `out_dir`.
std::string comparison_markdown(const Comparison& c, std::size_t max_communes = 15);
void write_comparison(const Comparison& c, const std::string& out_dir);

// A displayed value in French ("12 345", "7,9", "12,5 %"), "—" for NaN.
std::string format_value(const ComparisonRow& row, double value);
// "+1,5" style difference of option `i` to the baseline in display units, "" when equal or NaN.
std::string format_delta(const ComparisonRow& row, std::size_t i);

}  // namespace recompose::planner
