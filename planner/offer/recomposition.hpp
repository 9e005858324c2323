// The recomposition indicators of the seeds, on the regime's own offer and demand
// (Territory::regime), for one evaluation (baseline or scenario):
//   - per budget unit ("centre", the seeds' "gestion budgétaire") and per site: team
//     by profession, critical size, inter-replacement, opening hours, share of
//     activity from other regimes ("taux d'ouverture");
//   - affiliates' access: time to the nearest regime site offering each service,
//     affiliates beyond thresholds and outside the "rayon d'action";
//   - demand projection to a horizon year, affiliates allocated to their nearest
//     centre, patients to recruit (multiplier x affiliates lost, as a range);
//   - UFT (unités fonctionnelles de territoire): connected groups of centres whose
//     sites are linked (road time or distance within the parameters).
// The parameters (RegimeParams) carry their defaults from the seeds; rapport.md
// cites each source.
#pragma once

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "planner/offer/regime.hpp"

namespace recompose::planner {

struct RegimeParams {
  double critical_gp_fte = 3;            // taille critique: GPs (FTE) per budget unit
  double inter_replacement_min_fte = 2;  // per profession present in a budget unit
  std::vector<std::string> inter_replacement_professions;  // empty: every care profession present
  double opening_min_hours_per_day = 8;  // accord national (002 l.1544)
  double opening_days_per_week = 5;      // when the sites file gives no days
  double uft_max_min = 15, uft_max_km = 10;  // 002 l.1584-1587
  std::string uft_rule = "temps";            // "temps", "distance" or "temps_ou_distance"
  // "connexe": a UFT is a connected group of linked centres (chains allowed);
  // "complet": every two centres of a UFT are linked (complete linkage, closest first).
  std::string uft_grouping = "connexe";
  double rayon_action_min = 15;              // "rayon d'action" of the regime's professionals
  std::vector<double> thresholds_min = {15, 30};
  int horizon_year = 2030;                      // 0: affiliates year + EvalParams::projection_years
  std::map<int, double> decline_series;         // year -> decline that year (0.05 = -5 %); else the constant rate
  double recruitment_multiplier_low = 2, recruitment_multiplier_high = 4;  // 000 l.701-705
  bool count_dental_centres = true;  // centres counted with the dental ones (150/155) or without (130)
};

enum class Check { Yes, No, Unknown, NotApplicable };
std::string check_label(Check c);  // "oui", "non", "inconnu", "sans objet"

struct RegimeSiteFigures {
  std::size_t facility = 0;  // index in Evaluation::facilities
  double hours_per_day = std::numeric_limits<double>::quiet_NaN();
  Check opening = Check::Unknown;
  double other_share_patients = std::numeric_limits<double>::quiet_NaN();
  double other_share_acts = std::numeric_limits<double>::quiet_NaN();
  double affiliates_now = 0, affiliates_horizon = 0;  // affiliates whose nearest centre site it is
  int uft = -1;                                       // index in Recomposition::ufts
};

struct CentreFigures {
  std::string id, name;
  std::vector<std::size_t> sites;  // open sites, indices in Evaluation::facilities
  std::size_t closed_sites = 0;
  bool is_centre = false;  // at least one centre-type site (not only pharmacies, labs...)
  bool dental_only = false;
  std::map<std::string, double> fte;      // professions known on every open site, summed
  std::set<std::string> fte_unknown;      // professions unknown on at least one open site
  Check critical_size = Check::Unknown, inter_replacement = Check::Unknown, opening = Check::Unknown;
  std::vector<std::string> short_professions;  // present, below the inter-replacement minimum
  double dental_chairs = -1;
  RegimeActivity activity;
  double other_share_patients = std::numeric_limits<double>::quiet_NaN();
  double other_share_acts = std::numeric_limits<double>::quiet_NaN();
  double affiliates_now = 0, affiliates_horizon = 0, affiliates_lost = 0;
  double recruit_low = 0, recruit = 0, recruit_high = 0;
  int uft = -1;
};

struct UftLink {
  std::size_t a = 0, b = 0;  // indices in Evaluation::facilities
  double time_min = std::numeric_limits<double>::quiet_NaN();  // faster direction; NaN beyond the search
  double distance_km = 0;    // straight line
};

struct UftGroup {
  std::string id;  // "UFT-1"...
  std::vector<std::string> centres;
  std::vector<std::size_t> sites;
  std::map<std::string, double> fte;
  std::set<std::string> fte_unknown;
};

struct ServiceAccess {
  std::string target;  // "regime_site", "regime_centre", "regime_gp"...
  double affiliates_routed = 0, affiliates_no_access = 0;
  double mean_min = std::numeric_limits<double>::quiet_NaN();  // affiliate-weighted, over those with access
  std::map<double, double> beyond;  // threshold -> affiliates beyond it (no access included)
};

struct Recomposition {
  bool present = false, fictitious = false;
  std::vector<RegimeSiteFigures> sites;  // every regime site of the evaluation (open or not)
  std::vector<CentreFigures> centres;    // budget units with at least one site, open or not
  std::vector<UftGroup> ufts;
  std::vector<UftLink> links;
  std::size_t centres_open = 0, centres_open_dental = 0, centres_below_critical = 0, centres_critical_unknown = 0;
  std::size_t centres_counted = 0;  // open budget units as counted by RegimeParams::count_dental_centres
  // Affiliates
  bool has_affiliates = false;
  int base_year = 0, horizon_year = 0;
  double projection_factor = 1;        // affiliates at the horizon / now
  std::vector<double> affiliates_horizon;  // per unit
  std::vector<std::int32_t> unit_centre;   // per unit: index in `centres`, -1 none (off network or beyond the cutoff)
  double affiliates_now = 0, affiliates_at_horizon = 0;
  double affiliates_off_network = 0;       // units not routed: never near or far
  double affiliates_unallocated = 0;       // routed, no centre within the cutoff
  double affiliates_outside_rayon = 0;     // routed, beyond the rayon of every regime site (or none)
  std::vector<ServiceAccess> access;       // per service target present
  double recruit_low = 0, recruit = 0, recruit_high = 0;

  [[nodiscard]] const CentreFigures* centre(const std::string& id) const;
  [[nodiscard]] const RegimeSiteFigures* site_of(std::size_t facility) const;
};

// Affiliates at `horizon` per affiliate at `base`: the product of (1 - rate) over
// the years base+1..horizon, the rate of a year from `series` when given, else
// `rate`. 1 when horizon <= base.
double projection_factor(int base, int horizon, double rate, const std::map<int, double>& series);

// Per edit of a scenario: the affiliates whose nearest regime site (of the edit's
// service) changes, attributed to the last edit that touched the site they used.
struct EditEffect {
  std::size_t edit = 0;
  std::string label;   // Evaluation::applied line
  std::string target;  // the service compared
  double affiliates_changed = 0, affiliates_lost_access = 0, affiliates_gained_access = 0;
  double mean_delta_min = std::numeric_limits<double>::quiet_NaN();  // affiliate-weighted, both reachable
  double max_delta_min = std::numeric_limits<double>::quiet_NaN();
  double affiliates_newly_outside_rayon = 0;
};

}  // namespace recompose::planner
