// Index:
//   [SECTION] sites and budget units
//   [SECTION] UFT
//   [SECTION] affiliates, projection, allocation
//   [SECTION] effects of each edit
#include "planner/offer/recomposition.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "geo/dijkstra.hpp"
#include "geo/snapping.hpp"
#include "planner/evaluation.hpp"

namespace recompose::planner {

std::string check_label(Check c) {
  switch (c) {
    case Check::Yes: return "oui";
    case Check::No: return "non";
    case Check::Unknown: return "inconnu";
    case Check::NotApplicable: return "sans objet";
  }
  return "inconnu";
}

const CentreFigures* Recomposition::centre(const std::string& id) const {
  for (const auto& c : centres) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const RegimeSiteFigures* Recomposition::site_of(std::size_t facility) const {
  for (const auto& s : sites) {
    if (s.facility == facility) return &s;
  }
  return nullptr;
}

double projection_factor(int base, int horizon, double rate, const std::map<int, double>& series) {
  double f = 1;
  for (int y = base + 1; y <= horizon; ++y) {
    auto it = series.find(y);
    f *= 1.0 - (it == series.end() ? rate : it->second);
  }
  return f;
}

namespace {

constexpr double kEps = 1e-9;

double share(double other, double mining) {
  if (other < 0 || mining < 0 || other + mining <= 0) return std::nan("");
  return other / (other + mining);
}

double add_known(double a, double b) { return a < 0 || b < 0 ? -1 : a + b; }

bool general_practice_type(const std::string& type) {
  return type == "centre_polyvalent" || type == "centre_medical" || type == "antenne";
}

struct UnionFind {
  std::vector<std::size_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), std::size_t{0}); }
  std::size_t find(std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

}  // namespace

void compute_recomposition(AccessEngine& engine, Evaluation& e, const EvalParams& p) {
  const Territory& t = engine.territory();
  Recomposition& R = e.recomposition;
  R = Recomposition{};
  if (!t.regime.present()) return;
  const RegimeParams& rp = p.regime;
  R.present = true;
  R.fictitious = t.regime.fictitious;

  // [SECTION] sites and budget units
  std::set<std::string> mapped;  // professions known on at least one site of the territory
  for (const auto& s : t.regime.sites) {
    for (const auto& [prof, v] : s.fte) mapped.insert(prof);
  }
  std::map<std::string, std::size_t> centre_index;
  std::map<std::size_t, std::size_t> site_index;  // facility -> index in R.sites
  for (std::size_t fi = 0; fi < e.facilities.size(); ++fi) {
    const FacilityState& f = e.facilities[fi];
    if (!f.regime) continue;
    RegimeSiteFigures sf;
    sf.facility = fi;
    if (f.site.opening_hours_week >= 0) {
      const double days = f.site.opening_days_week > 0 ? f.site.opening_days_week : rp.opening_days_per_week;
      sf.hours_per_day = f.site.opening_hours_week / days;
      sf.opening = sf.hours_per_day + kEps >= rp.opening_min_hours_per_day ? Check::Yes : Check::No;
    }
    if (!is_centre_type(f.site.type)) sf.opening = Check::NotApplicable;
    sf.other_share_patients = share(f.site.activity.patients_other, f.site.activity.patients_mining);
    sf.other_share_acts = share(f.site.activity.acts_other, f.site.activity.acts_mining);
    site_index[fi] = R.sites.size();
    R.sites.push_back(sf);
    auto [it, inserted] = centre_index.try_emplace(f.site.centre_id, R.centres.size());
    if (inserted) {
      CentreFigures c;
      c.id = f.site.centre_id;
      c.name = f.site.centre_name;
      R.centres.push_back(c);
    }
    CentreFigures& c = R.centres[it->second];
    if (f.open) {
      c.sites.push_back(fi);
    } else {
      ++c.closed_sites;
    }
  }
  for (auto& c : R.centres) {
    if (c.sites.empty()) {
      c.critical_size = c.inter_replacement = c.opening = Check::NotApplicable;
      continue;
    }
    bool general_practice = false, all_dental = true;
    Check opening = Check::No;
    bool opening_unknown = false;
    c.activity = RegimeActivity{0, 0, 0, 0};
    bool chairs_known = false;
    c.dental_chairs = 0;
    for (std::size_t fi : c.sites) {
      const RegimeSite& s = e.facilities[fi].site;
      if (is_centre_type(s.type)) {
        c.is_centre = true;
        all_dental &= s.type == "centre_dentaire";
        general_practice |= general_practice_type(s.type);
        const Check o = R.sites[site_index[fi]].opening;
        if (o == Check::Yes) opening = Check::Yes;
        if (o == Check::Unknown) opening_unknown = true;
      }
      if (s.dental_chairs >= 0) {
        chairs_known = true;
        c.dental_chairs += s.dental_chairs;
      }
      c.activity.patients_mining = add_known(c.activity.patients_mining, s.activity.patients_mining);
      c.activity.patients_other = add_known(c.activity.patients_other, s.activity.patients_other);
      c.activity.acts_mining = add_known(c.activity.acts_mining, s.activity.acts_mining);
      c.activity.acts_other = add_known(c.activity.acts_other, s.activity.acts_other);
    }
    if (!chairs_known) c.dental_chairs = -1;
    c.dental_only = c.is_centre && all_dental;
    for (const auto& prof : mapped) {
      double sum = 0;
      bool known = true;
      for (std::size_t fi : c.sites) {
        const auto& fte = e.facilities[fi].site.fte;
        auto it = fte.find(prof);
        if (it == fte.end()) {
          known = false;
          break;
        }
        sum += it->second;
      }
      if (known) {
        c.fte[prof] = sum;
      } else {
        c.fte_unknown.insert(prof);
      }
    }
    c.other_share_patients = share(c.activity.patients_other, c.activity.patients_mining);
    c.other_share_acts = share(c.activity.acts_other, c.activity.acts_mining);
    if (!c.is_centre) {
      c.critical_size = c.inter_replacement = c.opening = Check::NotApplicable;
      continue;
    }
    c.opening = opening == Check::Yes ? Check::Yes : opening_unknown ? Check::Unknown : Check::No;
    // Critical size: GPs of a centre offering general practice.
    if (!general_practice) {
      c.critical_size = Check::NotApplicable;
    } else if (c.fte.count("gp")) {
      c.critical_size = c.fte.at("gp") + kEps >= rp.critical_gp_fte ? Check::Yes : Check::No;
    } else {
      c.critical_size = Check::Unknown;
    }
    // Inter-replacement: every care profession present has at least the minimum.
    bool any_known = false;
    const auto& only = rp.inter_replacement_professions;
    auto counted = [&](const std::string& prof) {
      if (only.empty()) return prof != "pharmacist" && prof != "other";
      return std::find(only.begin(), only.end(), prof) != only.end();
    };
    for (const auto& [prof, v] : c.fte) {
      if (!counted(prof)) continue;
      any_known = true;
      if (v > kEps && v + kEps < rp.inter_replacement_min_fte) c.short_professions.push_back(prof);
    }
    if (!c.short_professions.empty()) {
      c.inter_replacement = Check::No;
    } else if (std::any_of(c.fte_unknown.begin(), c.fte_unknown.end(), counted) || !any_known) {
      c.inter_replacement = Check::Unknown;
    } else {
      c.inter_replacement = Check::Yes;
    }
  }
  for (const auto& c : R.centres) {
    if (!c.is_centre || c.sites.empty()) continue;
    ++R.centres_open;
    R.centres_open_dental += c.dental_only;
    R.centres_below_critical += c.critical_size == Check::No;
    R.centres_critical_unknown += c.critical_size == Check::Unknown;
  }
  R.centres_counted = rp.count_dental_centres ? R.centres_open : R.centres_open - R.centres_open_dental;

  // [SECTION] UFT: open centre-type sites linked by time and/or distance
  std::vector<std::size_t> nodes;
  for (const auto& sf : R.sites) {
    const FacilityState& f = e.facilities[sf.facility];
    if (f.open && is_centre_type(f.site.type)) nodes.push_back(sf.facility);
  }
  const bool use_time = rp.uft_rule == "temps" || rp.uft_rule == "temps_ou_distance";
  const bool use_distance = rp.uft_rule == "distance" || rp.uft_rule == "temps_ou_distance";
  const auto limit_ds = static_cast<geo::Deciseconds>(std::llround(rp.uft_max_min * 600.0));
  const std::size_t n = nodes.size();
  std::vector<geo::Deciseconds> T(n * n, kNoAccess);
  if (use_time && n > 1) {
    if (engine.model() == TimeModel::Road) {
      const geo::RoadGraph& g = t.graph;
      geo::DijkstraWorkspace ws(g.node_count());
      for (std::size_t a = 0; a < n; ++a) {
        const geo::SnapResult& sa = e.facilities[nodes[a]].snap.result;
        if (!sa.ok()) continue;
        const auto seeds = geo::departure_seeds(g, sa);
        geo::run_dijkstra(g, geo::Direction::Forward, seeds, limit_ds, ws);
        for (std::size_t b = 0; b < n; ++b) {
          const geo::SnapResult& sb = e.facilities[nodes[b]].snap.result;
          if (a == b || !sb.ok()) continue;
          const geo::Deciseconds d = std::min(geo::time_at(g, sb, ws, geo::Direction::Forward),
                                              geo::same_segment_time(g, sa, sb));
          if (d != geo::kUnreachable && d <= limit_ds) T[a * n + b] = d;
        }
      }
    } else {
      const auto& sl = engine.straight_line();
      for (std::size_t a = 0; a < n; ++a) {
        for (std::size_t b = 0; b < n; ++b) {
          if (a == b) continue;
          const geo::PointM pa = e.facilities[nodes[a]].point, pb = e.facilities[nodes[b]].point;
          const double km = std::hypot(pa.x_m - pb.x_m, pa.y_m - pb.y_m) / 1000.0;
          const double min = km * sl.detour_factor / sl.speed_kmh * 60.0;
          const auto d = static_cast<geo::Deciseconds>(std::llround(min * 600.0));
          if (d <= limit_ds) T[a * n + b] = d;
        }
      }
    }
  }
  std::vector<std::size_t> centre_of_node(n);
  for (std::size_t a = 0; a < n; ++a) centre_of_node[a] = centre_index.at(e.facilities[nodes[a]].site.centre_id);
  UnionFind uf(R.centres.size());
  const std::size_t nc = R.centres.size();
  std::vector<double> score(nc * nc, std::numeric_limits<double>::infinity());  // <= 1: linked centres
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = a + 1; b < n; ++b) {
      const geo::PointM pa = e.facilities[nodes[a]].point, pb = e.facilities[nodes[b]].point;
      const double km = std::hypot(pa.x_m - pb.x_m, pa.y_m - pb.y_m) / 1000.0;
      const geo::Deciseconds d = std::min(T[a * n + b], T[b * n + a]);
      const bool by_time = use_time && d != kNoAccess;
      const bool by_distance = use_distance && km <= rp.uft_max_km + kEps;
      if (!by_time && !by_distance) continue;
      UftLink l;
      l.a = nodes[a];
      l.b = nodes[b];
      l.time_min = d == kNoAccess ? std::nan("") : geo::deciseconds_to_minutes(d);
      l.distance_km = km;
      R.links.push_back(l);
      const std::size_t ca = centre_of_node[a], cb = centre_of_node[b];
      const double sc = std::min(by_time ? geo::deciseconds_to_minutes(d) / rp.uft_max_min : 2.0,
                                 by_distance ? km / rp.uft_max_km : 2.0);
      score[ca * nc + cb] = score[cb * nc + ca] = std::min(score[ca * nc + cb], sc);
      if (rp.uft_grouping != "complet") uf.unite(ca, cb);
    }
  }
  if (rp.uft_grouping == "complet") {
    // Complete linkage: merge the two groups whose farthest pair of centres is the
    // closest, as long as every pair of centres across them is linked.
    std::vector<std::vector<std::size_t>> clusters;
    for (std::size_t c = 0; c < nc; ++c) {
      if (R.centres[c].is_centre && !R.centres[c].sites.empty()) clusters.push_back({c});
    }
    std::sort(clusters.begin(), clusters.end(),
              [&](const auto& x, const auto& y) { return R.centres[x[0]].id < R.centres[y[0]].id; });
    for (;;) {
      double best = std::numeric_limits<double>::infinity();
      std::size_t bi = 0, bj = 0;
      for (std::size_t i = 0; i < clusters.size(); ++i) {
        for (std::size_t j = i + 1; j < clusters.size(); ++j) {
          double worst = 0;
          for (std::size_t x : clusters[i]) {
            for (std::size_t y : clusters[j]) worst = std::max(worst, score[x * nc + y]);
          }
          if (worst <= 1.0 + kEps && worst < best) {
            best = worst;
            bi = i;
            bj = j;
          }
        }
      }
      if (!std::isfinite(best)) break;
      clusters[bi].insert(clusters[bi].end(), clusters[bj].begin(), clusters[bj].end());
      clusters.erase(clusters.begin() + static_cast<std::ptrdiff_t>(bj));
    }
    for (const auto& cl : clusters) {
      for (std::size_t c : cl) uf.unite(cl.front(), c);
    }
    for (std::size_t a = 0; a < n; ++a) {
      for (std::size_t b = a + 1; b < n; ++b) {
        if (centre_of_node[a] == centre_of_node[b]) uf.unite(centre_of_node[a], centre_of_node[b]);
      }
    }
    // Only the links inside a UFT are kept (the map draws them).
    std::erase_if(R.links, [&](const UftLink& l) {
      return uf.find(centre_index.at(e.facilities[l.a].site.centre_id)) !=
             uf.find(centre_index.at(e.facilities[l.b].site.centre_id));
    });
  }
  // Groups: open centres by their root, ordered by their smallest centre id.
  std::map<std::size_t, std::vector<std::size_t>> groups;
  for (std::size_t c = 0; c < R.centres.size(); ++c) {
    if (R.centres[c].is_centre && !R.centres[c].sites.empty()) groups[uf.find(c)].push_back(c);
  }
  std::vector<std::vector<std::size_t>> ordered;
  for (auto& [root, members] : groups) {
    std::sort(members.begin(), members.end(), [&](std::size_t x, std::size_t y) { return R.centres[x].id < R.centres[y].id; });
    ordered.push_back(members);
  }
  std::sort(ordered.begin(), ordered.end(), [&](const auto& x, const auto& y) { return R.centres[x[0]].id < R.centres[y[0]].id; });
  for (const auto& members : ordered) {
    UftGroup g;
    g.id = "UFT-" + std::to_string(R.ufts.size() + 1);
    const int gi = static_cast<int>(R.ufts.size());
    for (std::size_t c : members) {
      CentreFigures& cf = R.centres[c];
      cf.uft = gi;
      g.centres.push_back(cf.id);
      for (std::size_t fi : cf.sites) {
        g.sites.push_back(fi);
        R.sites[site_index[fi]].uft = gi;
      }
      for (const auto& [prof, v] : cf.fte) g.fte[prof] += v;
      g.fte_unknown.insert(cf.fte_unknown.begin(), cf.fte_unknown.end());
    }
    for (const auto& prof : g.fte_unknown) g.fte.erase(prof);
    R.ufts.push_back(std::move(g));
  }

  // [SECTION] affiliates, projection, allocation
  if (!t.regime.has_affiliates()) return;
  R.has_affiliates = true;
  R.base_year = t.regime.affiliates_year;
  R.horizon_year = rp.horizon_year > 0 ? rp.horizon_year : R.base_year + p.projection_years;
  R.projection_factor = projection_factor(R.base_year, R.horizon_year, p.affiliate_decline_per_year, rp.decline_series);
  const std::size_t nu = t.units.size();
  const bool road = e.model == TimeModel::Road;
  R.affiliates_horizon.assign(nu, 0.0);
  R.unit_centre.assign(nu, -1);
  const int ti_centre = e.target_index("regime_centre"), ti_any = e.target_index(kRegimeKind);
  const auto rayon_ds = static_cast<geo::Deciseconds>(std::llround(rp.rayon_action_min * 600.0));
  for (std::size_t u = 0; u < nu; ++u) {
    const double a = t.regime.affiliates[u];
    R.affiliates_horizon[u] = a * R.projection_factor;
    R.affiliates_now += a;
    R.affiliates_at_horizon += R.affiliates_horizon[u];
    if (road && !t.units[u].snap.result.ok()) {
      R.affiliates_off_network += a;
      continue;
    }
    const geo::Deciseconds any = ti_any < 0 ? kNoAccess : e.nearest_time[static_cast<std::size_t>(ti_any)][u];
    if (any == kNoAccess || any > rayon_ds) R.affiliates_outside_rayon += a;
    const std::int32_t f = ti_centre < 0 ? -1 : e.nearest_facility[static_cast<std::size_t>(ti_centre)][u];
    if (f < 0) {
      R.affiliates_unallocated += a;
      continue;
    }
    const std::size_t fi = static_cast<std::size_t>(f);
    const std::size_t c = centre_index.at(e.facilities[fi].site.centre_id);
    R.unit_centre[u] = static_cast<std::int32_t>(c);
    R.centres[c].affiliates_now += a;
    R.centres[c].affiliates_horizon += R.affiliates_horizon[u];
    R.sites[site_index.at(fi)].affiliates_now += a;
    R.sites[site_index.at(fi)].affiliates_horizon += R.affiliates_horizon[u];
  }
  for (auto& c : R.centres) {
    c.affiliates_lost = c.affiliates_now - c.affiliates_horizon;
    c.recruit_low = rp.recruitment_multiplier_low * c.affiliates_lost;
    c.recruit = p.recruitment_multiplier * c.affiliates_lost;
    c.recruit_high = rp.recruitment_multiplier_high * c.affiliates_lost;
    R.recruit_low += c.recruit_low;
    R.recruit += c.recruit;
    R.recruit_high += c.recruit_high;
  }
  // Access per service.
  for (std::size_t ti = 0; ti < e.targets.size(); ++ti) {
    const std::string& tg = e.targets[ti];
    if (tg != kRegimeKind && tg.rfind("regime_", 0) != 0) continue;
    ServiceAccess s;
    s.target = tg;
    double weighted = 0, reached = 0;
    for (double th : rp.thresholds_min) s.beyond[th] = 0;
    for (std::size_t u = 0; u < nu; ++u) {
      const double a = t.regime.affiliates[u];
      if (a <= 0 || (road && !t.units[u].snap.result.ok())) continue;
      s.affiliates_routed += a;
      const geo::Deciseconds ds = e.nearest_time[ti][u];
      if (ds == kNoAccess) {
        s.affiliates_no_access += a;
        for (double th : rp.thresholds_min) s.beyond[th] += a;
        continue;
      }
      const double m = geo::deciseconds_to_minutes(ds);
      weighted += m * a;
      reached += a;
      for (double th : rp.thresholds_min) s.beyond[th] += m > th + kEps ? a : 0.0;
    }
    s.mean_min = reached > 0 ? weighted / reached : std::nan("");
    R.access.push_back(std::move(s));
  }
}

// [SECTION] effects of each edit

std::vector<EditEffect> edit_effects(const Territory& t, const Evaluation& before, const Evaluation& after,
                                     const Scenario& scenario, const EvalParams& p) {
  std::vector<EditEffect> out;
  if (!t.regime.has_affiliates()) return out;
  const bool road = after.model == TimeModel::Road;
  const auto rayon_ds = static_cast<geo::Deciseconds>(std::llround(p.regime.rayon_action_min * 600.0));
  auto site_type_of = [&](const std::string& id) -> std::string {
    for (const auto& f : after.facilities) {
      if (f.id == id && f.regime) return f.site.type;
    }
    return "";
  };
  for (std::size_t i = 0; i < scenario.edits.size(); ++i) {
    const ScenarioEdit& ed = scenario.edits[i];
    EditEffect ef;
    ef.edit = i;
    ef.label = i < after.applied.size() ? after.applied[i] : ed.op;
    if (ed.op == "move_team") {
      ef.target = service_flag(ed.profession);
    } else {
      const std::string id = ed.facilities.empty() ? ed.id : ed.facilities.front();
      const std::string type = site_type_of(id);
      if (type.empty() && ed.kind != kRegimeKind) continue;  // not a regime site
      ef.target = type == "pharmacie" ? "regime_pharmacy" : is_centre_type(type) ? "regime_centre" : kRegimeKind;
    }
    const int tb = before.target_index(ef.target), ta = after.target_index(ef.target);
    const int any_b = before.target_index(kRegimeKind), any_a = after.target_index(kRegimeKind);
    double weighted = 0, both = 0;
    for (std::size_t u = 0; u < t.units.size(); ++u) {
      const double a = t.regime.affiliates[u];
      if (a <= 0 || (road && !t.units[u].snap.result.ok())) continue;
      const std::int32_t fb = tb < 0 ? -1 : before.nearest_facility[static_cast<std::size_t>(tb)][u];
      const std::int32_t fa = ta < 0 ? -1 : after.nearest_facility[static_cast<std::size_t>(ta)][u];
      const std::string idb = fb < 0 ? "" : before.facilities[static_cast<std::size_t>(fb)].id;
      const std::string ida = fa < 0 ? "" : after.facilities[static_cast<std::size_t>(fa)].id;
      const geo::Deciseconds db = tb < 0 ? kNoAccess : before.nearest_time[static_cast<std::size_t>(tb)][u];
      const geo::Deciseconds da = ta < 0 ? kNoAccess : after.nearest_time[static_cast<std::size_t>(ta)][u];
      if (idb == ida && db == da) continue;
      // Which edit: the last one that touched the site used before, else the new one.
      int edit = -1;
      if (fb >= 0 && static_cast<std::size_t>(fb) < after.facilities.size()) edit = after.facilities[static_cast<std::size_t>(fb)].edit_index;
      if (edit < 0 && fa >= 0) edit = after.facilities[static_cast<std::size_t>(fa)].edit_index;
      if (edit != static_cast<int>(i)) continue;
      ef.affiliates_changed += a;
      if (db != kNoAccess && da == kNoAccess) ef.affiliates_lost_access += a;
      if (db == kNoAccess && da != kNoAccess) ef.affiliates_gained_access += a;
      if (db != kNoAccess && da != kNoAccess) {
        const double d = geo::deciseconds_to_minutes(da) - geo::deciseconds_to_minutes(db);
        weighted += d * a;
        both += a;
        ef.max_delta_min = std::isnan(ef.max_delta_min) ? d : std::max(ef.max_delta_min, d);
      }
      const geo::Deciseconds anyb = any_b < 0 ? kNoAccess : before.nearest_time[static_cast<std::size_t>(any_b)][u];
      const geo::Deciseconds anya = any_a < 0 ? kNoAccess : after.nearest_time[static_cast<std::size_t>(any_a)][u];
      const bool out_b = anyb == kNoAccess || anyb > rayon_ds, out_a = anya == kNoAccess || anya > rayon_ds;
      if (!out_b && out_a) ef.affiliates_newly_outside_rayon += a;
    }
    ef.mean_delta_min = both > 0 ? weighted / both : std::nan("");
    out.push_back(ef);
  }
  return out;
}

}  // namespace recompose::planner
