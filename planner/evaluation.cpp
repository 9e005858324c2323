// Index:
//   [SECTION] nearest facilities per target
//   [SECTION] E2SFCA
//   [SECTION] need
//   [SECTION] catchments served
//   [SECTION] aggregates
#include "planner/evaluation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "geo/error.hpp"

namespace recompose::planner {

int Evaluation::target_index(const std::string& name) const {
  auto it = std::find(targets.begin(), targets.end(), name);
  return it == targets.end() ? -1 : static_cast<int>(it - targets.begin());
}

namespace {

bool matches(const FacilityState& f, const std::string& target) {
  if (f.kind == target) return true;
  auto it = f.flags.find(target);
  return it != f.flags.end() && it->second;
}

double step_weight(const std::vector<E2sfcaStep>& steps, double minutes) {
  for (const auto& s : steps) {
    if (minutes <= s.up_to_min) return s.weight;
  }
  return 0.0;
}

}  // namespace

void check_params(const EvalParams& p) {
  auto in = [](double v, double lo, double hi, bool lo_open, const std::string& option, const std::string& unit) {
    const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && v <= hi;
    if (!ok) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "%s %g: must be a number in %s%g, %g] %s", option.c_str(), v, lo_open ? "]" : "[",
                    lo, hi, unit.c_str());
      throw geo::Error(buf, geo::ErrorKind::Usage);
    }
  };
  in(p.cutoff_min, 0, kMaxMinutes, true, "--cutoff-min", "minutes");
  for (double c : p.coverage_min) in(c, 0, kMaxMinutes, true, "coverage threshold", "minutes");
  in(p.urgent_threshold_min, 0, kMaxMinutes, true, "urgent-care threshold", "minutes");
  in(p.k_nearest, 1, 100, false, "k nearest", "facilities");
  for (const auto& st : p.e2sfca_steps) {
    in(st.up_to_min, 0, kMaxMinutes, true, "E2SFCA step", "minutes");
    in(st.weight, 0, 1, false, "E2SFCA weight", "");
  }
  in(p.pharmacy_first_threshold, 0, 1e7, true, "--pharmacy-first-threshold", "inhabitants");
  in(p.pharmacy_first_threshold_east, 0, 1e7, true, "--pharmacy-first-threshold-east", "inhabitants");
  in(p.pharmacy_tranche, 0, 1e7, true, "--pharmacy-tranche", "inhabitants");
  in(p.pharmacy_transfer_threshold_min, 0, kMaxMinutes, true, "--pharmacy-transfer-max-min", "minutes");
  in(p.pharmacy_regroup_years, 0, 100, false, "--pharmacy-regroup-years", "years");
  for (double th : p.pharmacy_loss_min) in(th, 0, kMaxMinutes, true, "pharmacy loss threshold", "minutes");
  in(p.affiliate_decline_per_year, 0, 1, false, "--affiliate-decline", "(share per year)");
  in(p.projection_years, 0, 100, false, "projection years", "years");
  in(p.recruitment_multiplier, 0, 100, false, "--recruitment-multiplier", "patients per affiliate");
  const RegimeParams& r = p.regime;
  in(r.critical_gp_fte, 0, 1000, false, "--critical-gp", "FTE");
  in(r.inter_replacement_min_fte, 0, 1000, false, "--inter-replacement", "FTE");
  in(r.opening_min_hours_per_day, 0, 24, true, "--opening-hours", "hours per day");
  in(r.opening_days_per_week, 1, 7, false, "--opening-days", "days per week");
  in(r.uft_max_min, 0, kMaxMinutes, true, "--uft-minutes", "minutes");
  in(r.uft_max_km, 0, 1000, true, "--uft-km", "km");
  in(r.rayon_action_min, 0, kMaxMinutes, true, "--rayon-action", "minutes");
  for (double th : r.thresholds_min) in(th, 0, kMaxMinutes, true, "regime threshold", "minutes");
  if (r.horizon_year != 0) in(r.horizon_year, 1900, 2200, false, "--horizon", "");
  for (const auto& [year, rate] : r.decline_series) in(rate, 0, 1, false, "--decline-series " + std::to_string(year), "");
  in(r.recruitment_multiplier_low, 0, 100, false, "--recruitment-range", "patients per affiliate");
  in(r.recruitment_multiplier_high, 0, 100, false, "--recruitment-range", "patients per affiliate");
  in(p.straight.detour_factor, 0, 100, true, "--detour-factor", "");
  in(p.straight.speed_kmh, 0, 1000, true, "--straight-speed-kmh", "km/h");
}

Evaluation evaluate(AccessEngine& engine, const Scenario& scenario, const EvalParams& p) {
  check_params(p);
  const auto start = std::chrono::steady_clock::now();
  const Territory& t = engine.territory();
  const std::size_t searches_before = engine.searches_run();
  Evaluation e;
  e.scenario_name = scenario.name;
  e.model = engine.model();
  e.k = std::max(1, p.k_nearest);
  ScenarioResult sr = apply_scenario(t, scenario, [&](geo::PointM pt) { return engine.snap(pt); });
  e.facilities = std::move(sr.facilities);
  e.applied = std::move(sr.applied);

  // Columns of every facility: base tables, or one search per new site.
  std::vector<const AccessColumn*> columns(e.facilities.size());
  for (std::size_t i = 0; i < e.facilities.size(); ++i) {
    const FacilityState& f = e.facilities[i];
    columns[i] = f.base_index >= 0 && !f.is_new_site ? &engine.base_column(static_cast<std::size_t>(f.base_index))
                                                      : &engine.site_column(f.point, f.snap.result);
  }

  // Targets: kinds then flags, from the baseline and the scenario.
  std::set<std::string> kinds, flags;
  for (const auto& f : e.facilities) {
    kinds.insert(f.kind);
    for (const auto& [k, v] : f.flags) flags.insert(k);
  }
  e.targets.assign(kinds.begin(), kinds.end());
  for (const auto& fl : flags) {
    if (!kinds.count(fl)) e.targets.push_back(fl);
  }

  // [SECTION] nearest facilities per target
  const std::size_t nu = t.units.size(), nt = e.targets.size();
  const std::size_t k = static_cast<std::size_t>(e.k);
  e.nearest_time.assign(nt, std::vector<geo::Deciseconds>(nu, kNoAccess));
  e.nearest_facility.assign(nt, std::vector<std::int32_t>(nu, -1));
  e.k_nearest.assign(nt, std::vector<std::int32_t>(nu * k, -1));
  std::vector<std::vector<geo::Deciseconds>> k_time(nt, std::vector<geo::Deciseconds>(nu * k, kNoAccess));
  for (std::size_t fi = 0; fi < e.facilities.size(); ++fi) {
    const FacilityState& f = e.facilities[fi];
    if (!f.open) continue;
    for (std::size_t ti = 0; ti < nt; ++ti) {
      if (!matches(f, e.targets[ti])) continue;
      auto& times = k_time[ti];
      auto& ids = e.k_nearest[ti];
      for (const AccessEntry& a : *columns[fi]) {
        // Insert into the unit's k best (ties: lower facility index first, deterministic).
        geo::Deciseconds* kt = &times[a.unit * k];
        std::int32_t* kid = &ids[a.unit * k];
        if (a.time_ds >= kt[k - 1]) continue;
        std::size_t pos = k - 1;
        while (pos > 0 && kt[pos - 1] > a.time_ds) {
          kt[pos] = kt[pos - 1];
          kid[pos] = kid[pos - 1];
          --pos;
        }
        kt[pos] = a.time_ds;
        kid[pos] = static_cast<std::int32_t>(fi);
      }
    }
  }
  for (std::size_t ti = 0; ti < nt; ++ti) {
    for (std::size_t u = 0; u < nu; ++u) {
      e.nearest_time[ti][u] = k_time[ti][u * k];
      e.nearest_facility[ti][u] = e.k_nearest[ti][u * k];
    }
  }

  // [SECTION] E2SFCA (two steps: supply-to-demand ratio per facility, summed per unit)
  e.e2sfca_per_100k.assign(nu, std::numeric_limits<double>::quiet_NaN());
  bool any_supply = false;
  std::vector<double> ratio(e.facilities.size(), 0.0);
  for (std::size_t fi = 0; fi < e.facilities.size(); ++fi) {
    const FacilityState& f = e.facilities[fi];
    if (!f.open || f.kind != p.e2sfca_kind || f.capacity < 0) continue;
    any_supply = true;
    double demand = 0;
    for (const AccessEntry& a : *columns[fi]) {
      demand += t.units[a.unit].population * step_weight(p.e2sfca_steps, geo::deciseconds_to_minutes(a.time_ds));
    }
    ratio[fi] = demand > 0 ? f.capacity / demand : 0.0;
  }
  if (any_supply) {
    std::fill(e.e2sfca_per_100k.begin(), e.e2sfca_per_100k.end(), 0.0);
    for (std::size_t fi = 0; fi < e.facilities.size(); ++fi) {
      if (ratio[fi] <= 0) continue;
      for (const AccessEntry& a : *columns[fi]) {
        e.e2sfca_per_100k[a.unit] +=
            ratio[fi] * step_weight(p.e2sfca_steps, geo::deciseconds_to_minutes(a.time_ds)) * 100000.0;
      }
    }
    for (std::size_t u = 0; u < nu; ++u) {
      if (!t.units[u].snap.result.ok() && e.model == TimeModel::Road) e.e2sfca_per_100k[u] = std::nan("");
    }
  }

  // [SECTION] need: the finest level where the indicator exists
  e.need_index.assign(nu, 100.0);
  e.need_source = "aucun indicateur de besoin retenu : indice 100 (France) pour toutes les unités";
  if (!p.need_indicator.empty()) {
    std::map<std::pair<std::string, std::string>, double> values;  // (level, code) -> value
    for (const auto& i : t.indicators) {
      if (i.name == p.need_indicator) values[{i.level, i.code}] = i.value;
    }
    if (values.empty()) {
      throw geo::Error("need indicator '" + p.need_indicator + "' does not exist in territory " + t.name);
    }
    std::map<std::string, int> used;
    for (std::size_t u = 0; u < nu; ++u) {
      const Unit& unit = t.units[u];
      const Commune* c = t.find_commune(unit.commune_code);
      const std::vector<std::pair<std::string, std::string>> keys = {
          {"iris", unit.code},           {"commune", unit.commune_code}, {"epci", c ? c->epci_code : ""},
          {"ze", c ? c->ze_code : ""},   {"dep", c ? c->dep : ""},       {"territory", t.name}};
      for (const auto& key : keys) {
        auto it = values.find(key);
        if (it != values.end()) {
          e.need_index[u] = it->second;
          ++used[key.first];
          break;
        }
      }
    }
    e.need_source = "indicateur « " + p.need_indicator + " » joint depuis le niveau";
    for (const auto& [lvl, n] : used) e.need_source += " " + lvl + " (" + std::to_string(n) + " unités)";
  }
  e.need_population.resize(nu);
  for (std::size_t u = 0; u < nu; ++u) e.need_population[u] = t.units[u].population * e.need_index[u] / 100.0;

  // [SECTION] catchments served: each unit to its nearest open facility of each kind
  e.served_population.assign(e.facilities.size(), 0.0);
  e.served_need.assign(e.facilities.size(), 0.0);
  for (std::size_t ti = 0; ti < nt; ++ti) {
    if (!kinds.count(e.targets[ti])) continue;  // flags share facilities with kinds
    for (std::size_t u = 0; u < nu; ++u) {
      const std::int32_t f = e.nearest_facility[ti][u];
      if (f < 0) continue;
      e.served_population[static_cast<std::size_t>(f)] += t.units[u].population;
      e.served_need[static_cast<std::size_t>(f)] += e.need_population[u];
    }
  }
  compute_recomposition(engine, e, p);
  e.searches = engine.searches_run() - searches_before;
  e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return e;
}

// [SECTION] aggregates

std::vector<AreaFigures> aggregate(const Territory& t, const Evaluation& e, const EvalParams& p,
                                   const std::string& level) {
  std::map<std::string, std::size_t> index;
  std::vector<AreaFigures> out;
  std::vector<std::vector<std::size_t>> members;
  for (std::size_t u = 0; u < t.units.size(); ++u) {
    const Unit& unit = t.units[u];
    const Commune* c = t.find_commune(unit.commune_code);
    std::string code, name;
    if (level == "unit") {
      code = unit.code;
      name = unit.name;
    } else if (level == "commune") {
      code = unit.commune_code;
      name = c ? c->name : "";
    } else if (level == "epci") {
      code = c ? c->epci_code : "";
      name = c ? c->epci_name : "";
    } else if (level == "ze") {
      code = c ? c->ze_code : "";
    } else if (level == "territory") {
      code = t.name;
      name = t.title;
    } else {
      throw geo::Error("unknown aggregation level " + level, geo::ErrorKind::Internal);
    }
    if (code.empty()) code = "(inconnu)";
    auto [it, inserted] = index.try_emplace(code, out.size());
    if (inserted) {
      out.push_back({level, code, name, 0, 0, 0, {}, {}, {}, {}, {}, 0});
      members.emplace_back();
    }
    members[it->second].push_back(u);
  }
  for (std::size_t a = 0; a < out.size(); ++a) {
    AreaFigures& f = out[a];
    double e2_w = 0, e2_pop = 0;
    for (std::size_t u : members[a]) {
      f.population += t.units[u].population;
      if (e.model == TimeModel::Road && !t.units[u].snap.result.ok()) f.population_off_network += t.units[u].population;
      f.need_population += e.need_population[u];
      if (!std::isnan(e.e2sfca_per_100k[u])) {
        e2_w += e.e2sfca_per_100k[u] * t.units[u].population;
        e2_pop += t.units[u].population;
      }
    }
    f.e2sfca_mean = e2_pop > 0 ? e2_w / e2_pop : std::nan("");
    for (std::size_t ti = 0; ti < e.targets.size(); ++ti) {
      const std::string& target = e.targets[ti];
      std::vector<std::pair<double, double>> reached;
      double no_access = 0, beyond = 0;
      for (std::size_t u : members[a]) {
        const double pop = t.units[u].population;
        if (e.model == TimeModel::Road && !t.units[u].snap.result.ok()) continue;  // not routed
        const geo::Deciseconds ds = e.nearest_time[ti][u];
        if (ds == kNoAccess) {
          no_access += pop;
          beyond += pop;
          continue;
        }
        const double m = geo::deciseconds_to_minutes(ds);
        reached.emplace_back(m, pop);
        if (m > p.urgent_threshold_min) beyond += pop;
      }
      f.population_no_access[target] = no_access;
      f.population_beyond_urgent[target] = beyond;
      for (double th : p.coverage_min) {
        double covered = 0;
        for (const auto& [m, pop] : reached) covered += m <= th ? pop : 0;
        f.coverage[target][th] = covered;
      }
      double total = 0, weighted = 0;
      for (const auto& [m, pop] : reached) {
        total += pop;
        weighted += m * pop;
      }
      f.mean_min[target] = total > 0 ? weighted / total : std::nan("");
      std::sort(reached.begin(), reached.end());
      double acc = 0, p90 = std::nan("");
      for (const auto& [m, pop] : reached) {
        acc += pop;
        if (acc >= 0.9 * total) {
          p90 = m;
          break;
        }
      }
      f.p90_min[target] = total > 0 ? p90 : std::nan("");
    }
  }
  return out;
}

int pharmacy_licences_allowed(double population, const std::string& dep, const EvalParams& p) {
  const bool east = dep == "57" || dep == "67" || dep == "68" || dep == "973";
  const double first = east ? p.pharmacy_first_threshold_east : p.pharmacy_first_threshold;
  if (p.pharmacy_rule == "graines") {
    if (!(population > first)) return 0;
    // Seeds 2013: the n-th licence needs strictly more than first + (n-1) x tranche inhabitants.
    return static_cast<int>(std::ceil((population - first) / p.pharmacy_tranche));
  }
  if (p.pharmacy_rule != "loi") {
    throw geo::Error("pharmacy rule '" + p.pharmacy_rule + "' is not \"loi\" or \"graines\"", geo::ErrorKind::Usage);
  }
  // CSP L.5125-4: at least `first`, then one more per full further tranche.
  if (!(population >= first)) return 0;
  return 1 + static_cast<int>(std::floor((population - first) / p.pharmacy_tranche));
}

}  // namespace recompose::planner
