// Pharmacies (issue 13): liberal officines and mining pharmacies, licence quotas by
// the law in force, surplus per commune, and the mining pharmacies' scenarios.
//
// Layers (no new territory field: facilities of the import):
//   - a liberal officine is a facility of kind `pharmacy` (FINESS category 620
//     "pharmacie d'officine", OpenStreetMap points, any point file);
//   - a mining pharmacy is a facility of kind `mining_pharmacy` or with the flag
//     `mining_pharmacy`; its status is read from its category: "réservée" (default),
//     "ouverture raisonnée" or "bilatérale" (accents and case ignored).
// Quota (Code de la santé publique L.5125-4, since ordonnance 2018-3): a first licence
// when the population municipale is at least 2,500 (3,500 in 57, 67, 68, 973), then one
// per full additional tranche of 4,500; `EvalParams::pharmacy_rule = "graines"` reads the
// seeds' 2013 wording ("plus de 2 500", strictly) instead. Mining pharmacies are not
// counted (Conseil d'État, 3 February 1984) unless open bilaterally; their affiliates
// stay in the population. A regroupement of n counted officines keeps its n-1 freed
// licences counted in their communes for `pharmacy_regroup_years` (seeds 000 l.855-857).
//
// Scenario edits (parsed and applied here, called by planner/scenario.cpp):
//   close_pharmacy, transfer_pharmacy (into a centre or to a point), regroup_pharmacies,
//   open_bilateral — see planner/scenario.hpp for their JSON.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "geo/types.hpp"
#include "planner/evaluation.hpp"
#include "planner/scenario.hpp"
#include "planner/territory.hpp"

namespace recompose::planner::offer {

// [SECTION] layers and status

[[nodiscard]] bool is_mining_pharmacy(const std::string& kind, const std::map<std::string, bool>& flags);
[[nodiscard]] bool is_mining_pharmacy(const FacilityState& f);
[[nodiscard]] bool is_liberal_pharmacy(const FacilityState& f);  // kind `pharmacy`, not mining
// "réservée", "ouverture raisonnée" or "bilatérale" (from the category; "réservée" when empty).
// Throws Error naming the facility for any other value.
[[nodiscard]] std::string mining_status(const FacilityState& f);
// Counted in the commune's quota: an open liberal officine or an open bilateral mining pharmacy.
[[nodiscard]] bool counts_in_quota(const FacilityState& f);

// Affiliates of the mining regime living in a unit. The ONE place where they are
// obtained: until the regime's affiliate file is plugged in, the unit's population
// stands in for them (`affiliates_label` says so in every output).
[[nodiscard]] double affiliates_of_unit(const Territory& t, std::size_t unit);
[[nodiscard]] std::string affiliates_label(const Territory& t);

// [SECTION] quotas

// Licences allowed by the population of a commune of département `dep`, under
// `p.pharmacy_rule` ("loi": >= first threshold then 1 per full further tranche;
// "graines": strictly more than each threshold).
[[nodiscard]] int licences_allowed(double population, const std::string& dep, const EvalParams& p);
[[nodiscard]] double first_threshold(const std::string& dep, const EvalParams& p);

struct CommuneQuota {
  std::string code, name, dep;
  double population = 0;
  int allowed = 0;
  int liberal = 0;         // open liberal officines
  int mining = 0;          // open mining pharmacies (any status)
  int mining_counted = 0;  // of which bilateral: in the count
  int held = 0;            // licences freed by a regroupement, counted for `pharmacy_regroup_years`
  int counted = 0;         // liberal + mining_counted + held
  int surplus = 0;         // counted - allowed (negative: under quota)
  bool holds_mining_baseline = false;  // an open mining pharmacy in the baseline
};

struct SurplusSummary {
  int communes = 0, over = 0, at = 0, under = 0;
  std::map<int, int> distribution;  // surplus (>= 1) -> communes
};

// [SECTION] scenario effects

struct PharmacyRow {
  std::size_t facility = 0;  // index in the scenario's facilities
  std::string id, name, type;  // type: "officine libérale" or "pharmacie minière"
  std::string status;          // mining status after the scenario ("" for an officine)
  std::string commune_code, commune_name;
  geo::PointM point;  // Lambert-93
  bool open_before = false, open_after = false, new_site = false, counted_after = false;
  std::string change, effect, source;
  // Mining pharmacies: their affiliates = units whose nearest baseline mining pharmacy it is.
  double affiliates = 0;
  // Affiliate-weighted mean minutes over the affiliates reached (NaN: none reached)
  // and affiliates with nothing within the cutoff, before / after.
  double liberal_min[2] = {0, 0}, any_min[2] = {0, 0}, regime_min[2] = {0, 0};
  double liberal_none[2] = {0, 0}, any_none[2] = {0, 0}, regime_none[2] = {0, 0};
  std::map<double, double> lost_within;  // threshold -> affiliates losing every pharmacy within it
  // transfer_pharmacy only
  bool transfer = false;
  double origin_population = 0, origin_degraded = 0;        // origin quarter
  double receiving_population = 0, receiving_within = 0;   // receiving quarter, within the threshold
  bool transfer_rule_ok = false;
};

struct PharmacyAnalysis {
  bool has_liberal = false, has_mining = false;
  std::vector<std::string> liberal_sources, mining_sources;  // distinct source citations
  bool osm_liberal = false;     // liberal officines from OpenStreetMap: incomplete
  bool fictive_mining = false;  // mining pharmacies from the fictitious example file
  std::string affiliates;       // affiliates_label()
  std::vector<CommuneQuota> before, after;  // one per commune, same order
  SurplusSummary all_before, all_after, mining_before, mining_after;
  std::vector<PharmacyRow> pharmacies;
  std::map<double, double> lost_within;  // whole territory
  std::vector<std::string> edit_notes;   // one French line per pharmacy edit (bilateral verdicts...)
};

PharmacyAnalysis analyse_pharmacies(const Territory& t, const Scenario& s, const Evaluation& before,
                                    const Evaluation& after, const EvalParams& p);
SurplusSummary summarise(const std::vector<CommuneQuota>& q, bool only_mining_communes);

// [SECTION] outputs (atomic writers)

// licences_pharmacie.csv (per commune), pharmacies.csv and pharmacies.geojson.
void write_pharmacy_outputs(const Territory& t, const PharmacyAnalysis& a, const EvalParams& p, const std::string& dir);
// The "Pharmacies" section of rapport.md (starts with "## Pharmacies").
std::string pharmacy_report_section(const PharmacyAnalysis& a, const EvalParams& p);
// summary.json "pharmacies"
nlohmann::json pharmacy_summary(const PharmacyAnalysis& a, const EvalParams& p);
// One French line of the legal basis, for reports and the viewer.
std::string pharmacy_rule_citation(const EvalParams& p);

// [SECTION] scenario edits (called by planner/scenario.cpp)

[[nodiscard]] bool is_pharmacy_op(const std::string& op);
void parse_pharmacy_edit(const nlohmann::json& e, ScenarioEdit& ed, const std::string& where,
                         const std::function<geo::PointM(const nlohmann::json&, const std::string&)>& parse_point);

struct PharmacyEditContext {
  PharmacyEditContext(ScenarioResult& r, std::map<std::string, std::size_t>& i, std::string l)
      : result(r), index(i), label(std::move(l)) {}
  ScenarioResult& result;
  std::map<std::string, std::size_t>& index;
  std::string label;
  std::function<FacilityState&(const std::string&)> locate;
  std::function<void(FacilityState&, geo::PointM)> place;
};
void apply_pharmacy_edit(const ScenarioEdit& e, PharmacyEditContext& ctx);

}  // namespace recompose::planner::offer
