// A tiny territory (tiny_territory.hpp: one straight road x = 0..20 km at 60 km/h,
// so 1 km = 1 min = 600 ds) with regime sites and affiliates given by hand.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "../tiny_territory.hpp"
#include "planner/offer/regime.hpp"

namespace recompose::test {

struct TinySite {
  std::string id, centre, type;
  double x_km = 0;
  std::map<std::string, double> fte = {};  // absent profession: unknown
  double hours_week = -1, days_week = -1;
  planner::RegimeActivity activity = {};
};

// Units as in tiny_territory; `affiliates` per unit (empty: no affiliates data),
// counted in `affiliates_year`.
inline planner::Territory tiny_regime(const std::vector<TinyUnit>& units, const std::vector<TinySite>& sites,
                                      const std::vector<double>& affiliates = {}, int affiliates_year = 2024,
                                      TinyOptions options = {}) {
  std::vector<TinyFacility> facilities;
  for (const auto& s : sites) {
    std::map<std::string, bool> flags = {{"mining_regime", true}};
    for (const auto& f : planner::regime_service_flags(s.type, s.fte)) flags[f] = true;
    facilities.push_back({s.id, planner::kRegimeKind, s.x_km, -1, flags});
  }
  planner::Territory t = tiny_territory(units, facilities, options);
  t.regime.fictitious = true;
  for (const auto& s : sites) {
    planner::RegimeSite r;
    r.facility_id = s.id;
    r.centre_id = s.centre;
    r.centre_name = "Centre " + s.centre;
    r.type = s.type;
    r.commune_code = "62001";
    r.fte = s.fte;
    r.opening_hours_week = s.hours_week;
    r.opening_days_week = s.days_week;
    r.activity = s.activity;
    t.regime.sites.push_back(r);
  }
  if (!affiliates.empty()) {
    t.regime.affiliates = affiliates;
    t.regime.affiliates_year = affiliates_year;
    t.regime.affiliates_level = "iris";
  }
  return t;
}

}  // namespace recompose::test
