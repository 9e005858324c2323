// Index:
//   [SECTION] nearest facilities per target
//   [SECTION] E2SFCA
//   [SECTION] the memo: the baseline, kept by the engine between evaluations
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

namespace {

// [SECTION] nearest facilities per target

// The k best of one unit as (time, facility index) pairs in increasing order, empty
// slots (kNoAccess, -1) last. Both insertions keep the k smallest pairs, so the result
// does not depend on the order in which facilities are offered.
struct KBest {
  geo::Deciseconds* time;
  std::int32_t* id;
  std::size_t k;
  // Facilities offered in increasing index order: an equal time ranks after.
  void offer_in_order(geo::Deciseconds t, std::int32_t f) const {
    if (t >= time[k - 1]) return;
    std::size_t pos = k - 1;
    while (pos > 0 && time[pos - 1] > t) {
      time[pos] = time[pos - 1];
      id[pos] = id[pos - 1];
      --pos;
    }
    time[pos] = t;
    id[pos] = f;
  }
  // Facilities offered in any order: ties broken by the facility index.
  void offer(geo::Deciseconds t, std::int32_t f) const {
    auto before = [&](std::size_t j) { return id[j] < 0 || t < time[j] || (t == time[j] && f < id[j]); };
    if (!before(k - 1)) return;
    std::size_t pos = k - 1;
    while (pos > 0 && before(pos - 1)) {
      time[pos] = time[pos - 1];
      id[pos] = id[pos - 1];
      --pos;
    }
    time[pos] = t;
    id[pos] = f;
  }
};

// Every facility's column into the k best of each target it matches, from scratch.
void nearest_from_columns(const std::vector<FacilityState>& facilities, const std::vector<const AccessColumn*>& columns,
                          const std::vector<std::string>& targets, std::size_t k,
                          std::vector<std::vector<geo::Deciseconds>>& k_time,
                          std::vector<std::vector<std::int32_t>>& k_id) {
  for (std::size_t fi = 0; fi < facilities.size(); ++fi) {
    const FacilityState& f = facilities[fi];
    if (!f.open) continue;
    for (std::size_t ti = 0; ti < targets.size(); ++ti) {
      if (!matches(f, targets[ti])) continue;
      for (const AccessEntry& a : *columns[fi]) {
        KBest{&k_time[ti][a.unit * k], &k_id[ti][a.unit * k], k}.offer_in_order(a.time_ds, static_cast<std::int32_t>(fi));
      }
    }
  }
}

// [SECTION] E2SFCA (two steps: supply-to-demand ratio per facility, summed per unit)

bool is_supply(const FacilityState& f, const EvalParams& p) {
  return f.open && f.kind == p.e2sfca_kind && f.capacity >= 0;
}

double column_demand(const Territory& t, const AccessColumn& col, const EvalParams& p) {
  double demand = 0;
  for (const AccessEntry& a : col) {
    demand += t.units[a.unit].population * step_weight(p.e2sfca_steps, geo::deciseconds_to_minutes(a.time_ds));
  }
  return demand;
}

double supply_ratio(const FacilityState& f, double demand) { return demand > 0 ? f.capacity / demand : 0.0; }

// One facility's term of a unit's sum (the same expression everywhere: sums are
// compared bit for bit between a full and an incremental evaluation).
double e2sfca_term(double ratio, geo::Deciseconds time_ds, const EvalParams& p) {
  return ratio * step_weight(p.e2sfca_steps, geo::deciseconds_to_minutes(time_ds)) * 100000.0;
}

}  // namespace

// [SECTION] the memo: the baseline, kept by the engine between evaluations
//
// evaluate() is what the viewer runs on every edit. The baseline's k nearest per
// target and its E2SFCA sums are computed once per engine (and per parameters they
// depend on); a scenario then recomputes only what its changed facilities touch:
//   - nearest: the units whose baseline k best holds a changed facility are recomputed
//     from their row (AccessEngine::unit_row) without the changed facilities, then the
//     changed facilities that are open (their columns: base or new site) are offered
//     to every unit they reach. The k best are the k smallest (time, facility index)
//     pairs in both ways, so the result equals a full evaluation exactly.
//   - E2SFCA: a unit's sum is recomputed, in facility order as in a full evaluation,
//     where a changed facility weighs on it (before or after the edit); elsewhere the
//     baseline sum stands, bit for bit.
// A facility is "changed" when its state differs from the baseline (open, kind, flags,
// capacity, position, column), or is not a baseline facility (new, relocated site).
struct EvaluationMemo {
  // What it depends on besides the engine.
  std::size_t k = 0;
  std::string e2sfca_kind;
  std::vector<E2sfcaStep> e2sfca_steps;
  std::vector<FacilityState> base;      // baseline states, index = base facility
  std::vector<std::string> targets;     // baseline targets
  std::vector<std::uint64_t> target_bits;  // per base facility: bit ti if it matches baseline target ti
  std::vector<std::vector<geo::Deciseconds>> k_time;  // [target][unit * k + j]
  std::vector<std::vector<std::int32_t>> k_id;
  std::vector<double> demand;  // per base facility of the E2SFCA kind (its base column), else NaN
  std::vector<double> ratio;   // per base facility: baseline supply ratio, 0 when not supply
  std::size_t supply_count = 0;
  std::vector<double> e2sfca_sum;  // per unit: baseline sum (0 where no supply reaches)

  [[nodiscard]] bool fits(const EvalParams& p, std::size_t kk) const {
    return k == kk && e2sfca_kind == p.e2sfca_kind && e2sfca_steps == p.e2sfca_steps;
  }
};

namespace {

// Targets: kinds then flags (open or closed facilities alike).
std::vector<std::string> targets_of(const std::vector<FacilityState>& facilities, std::set<std::string>& kinds) {
  std::set<std::string> flags;
  for (const auto& f : facilities) {
    kinds.insert(f.kind);
    for (const auto& [name, v] : f.flags) flags.insert(name);
  }
  std::vector<std::string> targets(kinds.begin(), kinds.end());
  for (const auto& fl : flags) {
    if (!kinds.count(fl)) targets.push_back(fl);
  }
  return targets;
}

const EvaluationMemo& memo_of(AccessEngine& engine, const EvalParams& p, std::size_t k) {
  auto& slot = engine.evaluation_memo();
  if (slot && slot->fits(p, k)) return *slot;
  const Territory& t = engine.territory();
  auto m = std::make_shared<EvaluationMemo>();
  m->k = k;
  m->e2sfca_kind = p.e2sfca_kind;
  m->e2sfca_steps = p.e2sfca_steps;
  m->base = apply_scenario(t, Scenario::baseline(), [&](geo::PointM pt) { return engine.snap(pt); }).facilities;
  const std::size_t nb = m->base.size(), nu = t.units.size();
  std::vector<const AccessColumn*> columns(nb);
  for (std::size_t i = 0; i < nb; ++i) columns[i] = &engine.base_column(i);
  std::set<std::string> kinds;
  m->targets = targets_of(m->base, kinds);
  m->target_bits.assign(nb, 0);
  for (std::size_t i = 0; i < nb; ++i) {
    for (std::size_t ti = 0; ti < m->targets.size() && ti < 64; ++ti) {
      if (matches(m->base[i], m->targets[ti])) m->target_bits[i] |= std::uint64_t{1} << ti;
    }
  }
  m->k_time.assign(m->targets.size(), std::vector<geo::Deciseconds>(nu * k, kNoAccess));
  m->k_id.assign(m->targets.size(), std::vector<std::int32_t>(nu * k, -1));
  nearest_from_columns(m->base, columns, m->targets, k, m->k_time, m->k_id);
  m->demand.assign(nb, std::nan(""));
  m->ratio.assign(nb, 0.0);
  for (std::size_t i = 0; i < nb; ++i) {
    if (m->base[i].kind != p.e2sfca_kind) continue;
    m->demand[i] = column_demand(t, *columns[i], p);
    if (!is_supply(m->base[i], p)) continue;
    ++m->supply_count;
    m->ratio[i] = supply_ratio(m->base[i], m->demand[i]);
  }
  m->e2sfca_sum.assign(nu, 0.0);
  for (std::size_t i = 0; i < nb; ++i) {
    if (m->ratio[i] <= 0) continue;
    for (const AccessEntry& a : *columns[i]) m->e2sfca_sum[a.unit] += e2sfca_term(m->ratio[i], a.time_ds, p);
  }
  engine.prepare_unit_rows();  // what an edit reads its units' facilities from
  slot = std::move(m);
  return *slot;
}

bool same_state(const FacilityState& a, const FacilityState& b) {
  return a.open == b.open && a.kind == b.kind && a.capacity == b.capacity && a.is_new_site == b.is_new_site &&
         a.base_index == b.base_index && a.point.x_m == b.point.x_m && a.point.y_m == b.point.y_m &&
         a.flags == b.flags;
}

// Marks units once (a stamp per unit) and lists them.
struct UnitSet {
  std::vector<std::uint32_t> stamp;
  std::uint32_t current = 0;
  std::vector<std::uint32_t> list;
  void reset(std::size_t n) {
    if (stamp.size() != n) stamp.assign(n, 0);
    if (++current == 0) {
      std::fill(stamp.begin(), stamp.end(), 0);
      current = 1;
    }
    list.clear();
  }
  void add(std::uint32_t u) {
    if (stamp[u] == current) return;
    stamp[u] = current;
    list.push_back(u);
  }
};

}  // namespace

Evaluation evaluate(AccessEngine& engine, const Scenario& scenario, const EvalParams& p) {
  check_params(p);
  const auto start = std::chrono::steady_clock::now();
  const Territory& t = engine.territory();
  const std::size_t searches_before = engine.searches_run();
  Evaluation e;
  e.scenario_name = scenario.name;
  e.model = engine.model();
  e.k = std::max(1, p.k_nearest);
  const std::size_t k = static_cast<std::size_t>(e.k);
  const EvaluationMemo& memo = memo_of(engine, p, k);
  ScenarioResult sr = apply_scenario(t, scenario, [&](geo::PointM pt) { return engine.snap(pt); });
  e.facilities = std::move(sr.facilities);
  e.applied = std::move(sr.applied);
  const std::size_t nf = e.facilities.size(), nb = memo.base.size(), nu = t.units.size();
  if (nf < nb) throw geo::Error("scenario " + scenario.name + " lost facilities of the baseline", geo::ErrorKind::Internal);

  // Columns of every facility: base tables, or one search per new site.
  std::vector<const AccessColumn*> columns(nf);
  for (std::size_t i = 0; i < nf; ++i) {
    const FacilityState& f = e.facilities[i];
    columns[i] = f.base_index >= 0 && !f.is_new_site ? &engine.base_column(static_cast<std::size_t>(f.base_index))
                                                      : &engine.site_column(f.point, f.snap.result);
  }
  // The facilities that differ from the baseline (every entry beyond it).
  std::vector<std::uint8_t> changed(nf, 1);
  std::vector<std::uint32_t> changed_list;
  for (std::size_t i = 0; i < nf; ++i) {
    if (i < nb && same_state(e.facilities[i], memo.base[i]) && columns[i] == &engine.base_column(i)) changed[i] = 0;
    if (changed[i]) changed_list.push_back(static_cast<std::uint32_t>(i));
  }
  std::set<std::string> kinds;
  e.targets = targets_of(e.facilities, kinds);

  // [SECTION] nearest facilities per target
  const std::size_t nt = e.targets.size();
  e.nearest_time.assign(nt, {});
  e.nearest_facility.assign(nt, {});
  e.k_nearest.assign(nt, {});
  std::vector<std::vector<geo::Deciseconds>> k_time(nt);
  UnitSet dirty;
  for (std::size_t ti = 0; ti < nt; ++ti) {
    auto& kt = k_time[ti];
    auto& kid = e.k_nearest[ti];
    const auto it = std::find(memo.targets.begin(), memo.targets.end(), e.targets[ti]);
    const std::size_t bt = static_cast<std::size_t>(it - memo.targets.begin());
    const bool in_memo = it != memo.targets.end() && bt < 64;
    dirty.reset(nu);
    if (in_memo) {
      kt = memo.k_time[bt];
      kid = memo.k_id[bt];
      const std::uint64_t bit = std::uint64_t{1} << bt;
      // Units whose baseline k best holds a changed facility: recomputed from their row.
      for (const std::uint32_t fi : changed_list) {
        if (fi >= nb || !memo.base[fi].open || !(memo.target_bits[fi] & bit)) continue;
        for (const AccessEntry& a : engine.base_column(fi)) {
          const std::int32_t* ids = &kid[a.unit * k];
          if (std::find(ids, ids + k, static_cast<std::int32_t>(fi)) != ids + k) dirty.add(a.unit);
        }
      }
      for (const std::uint32_t u : dirty.list) {
        const KBest best{&kt[u * k], &kid[u * k], k};
        std::fill(best.time, best.time + k, kNoAccess);
        std::fill(best.id, best.id + k, -1);
        for (const ReachEntry& r : engine.unit_row(u)) {
          if (changed[r.facility] || !memo.base[r.facility].open || !(memo.target_bits[r.facility] & bit)) continue;
          best.offer_in_order(r.time_ds, static_cast<std::int32_t>(r.facility));
        }
      }
    } else {  // a target the baseline does not have (or beyond 64 targets): from the changed facilities alone
      kt.assign(nu * k, kNoAccess);
      kid.assign(nu * k, -1);
      if (it != memo.targets.end()) {  // beyond 64: every facility counts as changed here
        for (std::size_t fi = 0; fi < nb; ++fi) {
          if (changed[fi] || !e.facilities[fi].open || !matches(e.facilities[fi], e.targets[ti])) continue;
          for (const AccessEntry& a : *columns[fi]) {
            KBest{&kt[a.unit * k], &kid[a.unit * k], k}.offer(a.time_ds, static_cast<std::int32_t>(fi));
          }
        }
      }
    }
    for (const std::uint32_t fi : changed_list) {
      const FacilityState& f = e.facilities[fi];
      if (!f.open || !matches(f, e.targets[ti])) continue;
      for (const AccessEntry& a : *columns[fi]) {
        KBest{&kt[a.unit * k], &kid[a.unit * k], k}.offer(a.time_ds, static_cast<std::int32_t>(fi));
      }
    }
    e.nearest_time[ti].resize(nu);
    e.nearest_facility[ti].resize(nu);
    for (std::size_t u = 0; u < nu; ++u) {
      e.nearest_time[ti][u] = kt[u * k];
      e.nearest_facility[ti][u] = kid[u * k];
    }
  }

  // [SECTION] E2SFCA (two steps: supply-to-demand ratio per facility, summed per unit)
  std::vector<double> ratio(nf, 0.0);
  std::size_t supply = memo.supply_count;
  for (std::size_t i = 0; i < nb; ++i) ratio[i] = memo.ratio[i];
  for (const std::uint32_t fi : changed_list) {
    if (fi < nb && is_supply(memo.base[fi], p)) --supply;
    const FacilityState& f = e.facilities[fi];
    ratio[fi] = 0.0;
    if (!is_supply(f, p)) continue;
    ++supply;
    const bool base_col = fi < nb && columns[fi] == &engine.base_column(fi) && !std::isnan(memo.demand[fi]);
    ratio[fi] = supply_ratio(f, base_col ? memo.demand[fi] : column_demand(t, *columns[fi], p));
  }
  e.e2sfca_per_100k.assign(nu, std::numeric_limits<double>::quiet_NaN());
  if (supply > 0) {
    e.e2sfca_per_100k = memo.e2sfca_sum;
    // Units a changed facility weighs on (before or after): their sum again, in
    // facility order; the entries of changed facilities whose column is not their base
    // column (new sites) come from that column, after the row's.
    UnitSet touched;
    touched.reset(nu);
    std::vector<std::vector<ReachEntry>> extra;  // per touched unit (by position in touched.list)
    for (const std::uint32_t fi : changed_list) {
      if (fi < nb && memo.ratio[fi] > 0) {
        for (const AccessEntry& a : engine.base_column(fi)) {
          if (step_weight(p.e2sfca_steps, geo::deciseconds_to_minutes(a.time_ds)) > 0) touched.add(a.unit);
        }
      }
      if (ratio[fi] > 0) {
        for (const AccessEntry& a : *columns[fi]) {
          if (step_weight(p.e2sfca_steps, geo::deciseconds_to_minutes(a.time_ds)) > 0) touched.add(a.unit);
        }
      }
    }
    // Entries of changed facilities that are not in the rows (their column is not the base one).
    std::vector<std::uint32_t> slot(touched.list.size() ? nu : 0, 0);
    for (std::size_t j = 0; j < touched.list.size(); ++j) slot[touched.list[j]] = static_cast<std::uint32_t>(j);
    extra.resize(touched.list.size());
    for (const std::uint32_t fi : changed_list) {  // increasing facility index
      if (ratio[fi] <= 0 || (fi < nb && columns[fi] == &engine.base_column(fi))) continue;
      for (const AccessEntry& a : *columns[fi]) {
        if (touched.stamp[a.unit] == touched.current) extra[slot[a.unit]].push_back({fi, a.time_ds});
      }
    }
    for (std::size_t j = 0; j < touched.list.size(); ++j) {
      const std::uint32_t u = touched.list[j];
      double sum = 0;
      const auto row = engine.unit_row(u);
      auto next_extra = extra[j].begin();
      auto add_extras_before = [&](std::uint32_t limit) {
        for (; next_extra != extra[j].end() && next_extra->facility < limit; ++next_extra) {
          sum += e2sfca_term(ratio[next_extra->facility], next_extra->time_ds, p);
        }
      };
      for (const ReachEntry& r : row) {
        add_extras_before(r.facility);
        const std::uint32_t fi = r.facility;
        if (ratio[fi] <= 0) continue;
        if (changed[fi] && columns[fi] != &engine.base_column(fi)) continue;  // its entries are in `extra`
        sum += e2sfca_term(ratio[fi], r.time_ds, p);
      }
      add_extras_before(std::numeric_limits<std::uint32_t>::max());
      e.e2sfca_per_100k[u] = sum;
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
    const CommuneIndex communes(t);
    for (std::size_t u = 0; u < nu; ++u) {
      const Unit& unit = t.units[u];
      const Commune* c = communes.find(unit.commune_code);
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
  const CommuneIndex communes(t);
  for (std::size_t u = 0; u < t.units.size(); ++u) {
    const Unit& unit = t.units[u];
    const Commune* c = communes.find(unit.commune_code);
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
