// Index:
//   [SECTION] tables
//   [SECTION] target, weights
//   [SECTION] candidates
//   [SECTION] columns and demand points
//   [SECTION] teams and merge options (capacitated form)
#include "planner/optimise/instance.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "geo/dijkstra.hpp"
#include "geo/error.hpp"
#include "geo/vector_io.hpp"
#include "planner/access_engine.hpp"
#include "planner/evaluation.hpp"
#include "planner/format.hpp"

namespace recompose::planner::optimise {

using geo::Error;

// [SECTION] tables

void Instance::add_column(const Candidate& c, const std::vector<std::pair<std::uint32_t, geo::Deciseconds>>& entries) {
  if (col_first.empty()) col_first.push_back(0);
  candidates.push_back(c);
  auto sorted = entries;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [i, t] : sorted) {
    col_demand.push_back(i);
    col_time.push_back(t);
  }
  col_first.push_back(static_cast<std::uint32_t>(col_demand.size()));
}

void Instance::finish() {
  const std::size_t n = weight.size(), m = candidates.size();
  if (col_first.empty()) col_first.assign(1, 0);
  if (must_cover.size() != n) must_cover.assign(n, 0);
  coverable.assign(n, 0);
  std::vector<std::uint32_t> count(n + 1, 0);
  for (std::uint32_t d : col_demand) ++count[d + 1];
  row_first.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) row_first[i + 1] = row_first[i] + count[i + 1];
  row_cand.assign(col_demand.size(), 0);
  row_time.assign(col_demand.size(), 0);
  std::vector<std::uint32_t> fill(row_first.begin(), row_first.end() - 1);
  for (std::uint32_t j = 0; j < m; ++j) {
    for (std::uint32_t e = col_first[j]; e < col_first[j + 1]; ++e) {
      const std::uint32_t i = col_demand[e];
      row_cand[fill[i]] = j;
      row_time[fill[i]] = col_time[e];
      ++fill[i];
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    // Ascending time, then candidate: the order every "nearest" follows.
    std::vector<std::pair<geo::Deciseconds, std::uint32_t>> row;
    for (std::uint32_t e = row_first[i]; e < row_first[i + 1]; ++e) row.push_back({row_time[e], row_cand[e]});
    std::sort(row.begin(), row.end());
    for (std::size_t k = 0; k < row.size(); ++k) {
      row_time[row_first[i] + k] = row[k].first;
      row_cand[row_first[i] + k] = row[k].second;
    }
    bool may_cover_max = false, may_cover_t = false;
    for (const auto& [t, j] : row) {
      if (candidates[j].lock == Lock::Closed) continue;
      may_cover_max |= max_ds != kNone && t <= max_ds;
      may_cover_t |= cover_ds != kNone && t <= cover_ds;
    }
    must_cover[i] = may_cover_max;
    coverable[i] = may_cover_t;
  }
}

namespace {

// [SECTION] target, weights

bool matches(const FacilityState& f, const std::string& target) {
  if (f.kind == target) return true;
  auto it = f.flags.find(target);
  return it != f.flags.end() && it->second;
}

bool is_regime_target(const std::string& target) {
  return target == kRegimeKind || target == "mining_regime" || target.rfind("regime_", 0) == 0;
}

std::pair<long long, long long> position_key(geo::PointM p) {
  return {std::llround(p.x_m * 100), std::llround(p.y_m * 100)};
}

}  // namespace

std::string resolve_target(const Problem& problem, const Evaluation& baseline, bool territory_has_regime) {
  if (!problem.target.empty()) {
    if (baseline.target_index(problem.target) < 0) {
      std::string list;
      for (const auto& t : baseline.targets) list += (list.empty() ? "" : ", ") + t;
      throw Error("target '" + problem.target + "' is neither a facility kind nor a flag of this territory (" + list + ")",
                  geo::ErrorKind::Usage);
    }
    return problem.target;
  }
  if (territory_has_regime && baseline.target_index("regime_gp") >= 0) return "regime_gp";
  throw Error("this territory has no regime GP sites: give the target (--target KIND|FLAG, \"target\")",
              geo::ErrorKind::Usage);
}

Instance build_instance(AccessEngine& engine, const Evaluation& base, const Problem& pb, const EvalParams& params,
                        const Control& control, InstanceReport& rep) {
  const Territory& t = engine.territory();
  const bool road = engine.model() == TimeModel::Road;
  const std::string target = resolve_target(pb, base, !t.regime.sites.empty());
  rep.target = target;
  rep.target_label = target_label(target);
  rep.regime_target = is_regime_target(target);
  rep.fictitious = t.regime.fictitious && rep.regime_target;

  Weighting weighting = pb.weighting;
  if (weighting == Weighting::Default) {
    weighting = rep.regime_target && t.regime.has_affiliates() ? Weighting::Affiliates : Weighting::Need;
  }
  if (weighting == Weighting::Affiliates && !t.regime.has_affiliates()) {
    throw Error("weight \"affilies\": territory " + t.name + " has no affiliates of the mining regime", geo::ErrorKind::Usage);
  }
  rep.weighting = weighting_code(weighting);
  std::vector<double> unit_weight(t.units.size(), 0.0);
  for (std::size_t u = 0; u < t.units.size(); ++u) {
    switch (weighting) {
      case Weighting::Affiliates: unit_weight[u] = t.regime.affiliates[u]; break;
      case Weighting::Population: unit_weight[u] = t.units[u].population; break;
      default: unit_weight[u] = base.need_population[u]; break;
    }
  }
  switch (weighting) {
    case Weighting::Affiliates:
      rep.weighting_label = "affiliés du régime minier (" + std::to_string(t.regime.affiliates_year) + ")" +
                            (t.regime.fictitious ? ", données fictives d'exemple" : "");
      break;
    case Weighting::Population: rep.weighting_label = "population des IRIS"; break;
    default: rep.weighting_label = "population × indice de besoin / 100 (" + base.need_source + ")"; break;
  }

  Instance in;
  // [SECTION] candidates
  std::vector<Candidate> cands;
  std::set<std::pair<long long, long long>> positions;
  std::map<std::string, std::size_t> by_id;
  std::map<std::string, std::size_t> kinds;  // kinds of the target's existing sites
  auto note_skip = [&](const std::string& what, const std::string& why) { rep.skipped.push_back(what + " : " + why); };
  std::size_t unknown_teams = 0;
  for (const FacilityState& f : base.facilities) {
    if (!f.open || f.base_index < 0 || !matches(f, target)) continue;
    Candidate c;
    c.id = f.id;
    c.name = f.name;
    c.source = "existant";
    c.point = f.point;
    c.snap = f.snap.result;
    c.facility = f.base_index;
    c.commune_code = t.facilities[static_cast<std::size_t>(f.base_index)].commune_code;
    c.existing = true;
    c.fixed = f.outside_territory;
    if (c.fixed) {
      c.lock = Lock::Open;
      c.lock_reason = "hors du territoire (gardé tel quel)";
    } else if (pb.keep_urgent_care && f.flags.count("urgent_care") && f.flags.at("urgent_care")) {
      c.lock = Lock::Open;
      c.lock_reason = "site d'urgences (non modifié)";
    } else if (!pb.candidates.existing) {
      c.lock = Lock::Closed;
      c.lock_reason = "sites existants exclus des candidats";
    }
    if (f.regime) {
      auto it = f.site.fte.find("gp");
      c.team_known = it != f.site.fte.end();
      c.team = c.team_known ? it->second : 0.0;
    } else {
      c.team_known = f.capacity >= 0;
      c.team = std::max(0.0, f.capacity);
    }
    if (!c.team_known && pb.objective == Objective::Capacitated) ++unknown_teams;
    ++kinds[f.kind];
    positions.insert(position_key(c.point));
    by_id[c.id] = cands.size();
    cands.push_back(std::move(c));
  }
  if (cands.empty() && pb.objective != Objective::Lscp && pb.objective != Objective::PMedian &&
      pb.objective != Objective::Mclp) {
    throw Error("no open site of target '" + target + "' in territory " + t.name, geo::ErrorKind::Usage);
  }
  if (unknown_teams) {
    rep.notes.push_back(std::to_string(unknown_teams) +
                        " site(s) dont l'équipe de médecins généralistes est inconnue : comptée 0 ETP");
  }
  // The kind of the sites opened.
  if (rep.regime_target) {
    rep.new_kind = kRegimeKind;
  } else if (!pb.new_kind.empty()) {
    rep.new_kind = pb.new_kind;
  } else if (!kinds.empty()) {
    rep.new_kind = std::max_element(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
  } else {
    rep.new_kind = target;
  }

  // New sites: inside the territory's communes, on the road network, once per position.
  auto inside = [&](geo::PointM p) {
    for (const auto& c : t.communes) {
      if (c.geometry && c.geometry.envelope().contains(p.x_m, p.y_m) && c.geometry.contains(p.x_m, p.y_m)) return c.code;
    }
    return std::string();
  };
  const bool new_sites = pb.objective != Objective::CloseK;
  if (pb.objective == Objective::CloseK &&
      (pb.candidates.historic || pb.candidates.communes || !pb.candidates.file.empty() || pb.candidates.grid_km > 0)) {
    rep.notes.push_back("fermer k sites : seuls les sites existants sont candidats (les autres sources sont ignorées)");
  }
  struct NewSite {
    std::string id, name, source;
    geo::PointM point;
  };
  std::vector<NewSite> proposed;
  if (new_sites && pb.candidates.historic) {
    std::size_t n = 0;
    for (const auto& f : t.facilities) {
      if (f.kind != "mining_health_building" || f.outside_territory) continue;
      proposed.push_back({"OPT-" + f.id, f.name, "bâtiment historique", f.point});
      ++n;
    }
    if (n == 0) rep.notes.push_back("aucun bâtiment de santé minier historique dans ce territoire");
  }
  if (new_sites && pb.candidates.communes) {
    for (const auto& c : t.communes) {
      if (c.geometry) proposed.push_back({"OPT-COMMUNE-" + c.code, "Centre de " + c.name, "centre de commune", c.point});
    }
  }
  if (new_sites && !pb.candidates.file.empty()) {
    geo::with_error_context("candidate file " + pb.candidates.file, [&] {
      geo::ReadOptions o;
      o.fields = {pb.candidates.file_id};
      if (!pb.candidates.file_name.empty()) o.optional_fields = {pb.candidates.file_name};
      o.assume_crs = pb.candidates.file_crs;
      const std::string ext = std::filesystem::path(pb.candidates.file).extension().string();
      if (ext == ".csv" || ext == ".CSV") {
        o.x_field = "lon";
        o.y_field = "lat";
        if (o.assume_crs.empty()) o.assume_crs = "EPSG:4326";
      }
      const geo::LayerData d = geo::read_layer(pb.candidates.file, o);
      if (d.features.empty()) throw Error("no feature");
      std::set<std::string> seen;
      for (const auto& f : d.features) {
        const std::string id = trim(f.values[0]);
        if (id.empty()) throw Error(d.where(f) + ": empty id in field '" + pb.candidates.file_id + "'");
        if (!seen.insert(id).second) throw Error(d.where(f) + ": duplicate id '" + id + "'");
        if (!f.geometry || f.geometry.empty()) {
          note_skip("candidat " + id + " (fichier)", "pas de géométrie");
          continue;
        }
        const geo::PointM p = f.geometry.is_polygonal() ? f.geometry.point_on_surface() : f.geometry.centroid();
        std::string name = pb.candidates.file_name.empty() ? "" : trim(f.values[1]);
        proposed.push_back({"OPT-" + id, name.empty() ? "Site candidat " + id : name, "fichier", p});
      }
      return 0;
    });
  }
  if (new_sites && pb.candidates.grid_km > 0) {
    if (!road) {
      rep.notes.push_back("grille de nœuds routiers demandée, mais le territoire n'a pas de réseau routier : ignorée");
    } else {
      const geo::Envelope e = communes_envelope(t).value_or(geo::Envelope{});
      const double cell = pb.candidates.grid_km * 1000.0;
      if (e.max_x > e.min_x) {
        const auto nx = static_cast<std::size_t>(std::ceil((e.max_x - e.min_x) / cell));
        const auto ny = static_cast<std::size_t>(std::ceil((e.max_y - e.min_y) / cell));
        if (nx * ny > 200000) {
          throw Error("\"candidates\".grid_km " + fr_number(pb.candidates.grid_km, 1) + " gives " +
                          std::to_string(nx * ny) + " cells (at most 200 000): take a wider spacing",
                      geo::ErrorKind::Usage);
        }
        std::vector<std::pair<double, geo::NodeId>> best(nx * ny, {1e300, geo::kInvalidNode});
        const geo::RoadGraph& g = t.graph;
        for (geo::NodeId v = 0; v < g.node_count(); ++v) {
          if (!g.in_main_component(v)) continue;
          const double x = g.node_x_m[v], y = g.node_y_m[v];
          if (x < e.min_x || y < e.min_y || x >= e.max_x || y >= e.max_y) continue;
          const auto cx = static_cast<std::size_t>((x - e.min_x) / cell), cy = static_cast<std::size_t>((y - e.min_y) / cell);
          if (cx >= nx || cy >= ny) continue;
          const double ox = e.min_x + (static_cast<double>(cx) + 0.5) * cell, oy = e.min_y + (static_cast<double>(cy) + 0.5) * cell;
          const double d2 = (x - ox) * (x - ox) + (y - oy) * (y - oy);
          auto& b = best[cy * nx + cx];
          if (d2 < b.first) b = {d2, v};
        }
        std::size_t k = 0;
        for (std::size_t c = 0; c < best.size(); ++c) {
          if (best[c].second == geo::kInvalidNode) continue;
          ++k;
          proposed.push_back({"OPT-GRILLE-" + std::to_string(c), "Nœud routier de la maille " + std::to_string(c),
                              "grille", g.node_point(best[c].second)});
        }
        (void)k;
      }
    }
  }
  // Snap and filter the new sites.
  std::vector<geo::PointM> new_points;
  std::vector<geo::SnapResult> new_snaps;
  std::vector<Candidate> new_cands;
  for (std::size_t k = 0; k < proposed.size(); ++k) {
    if (k % 256 == 0) {
      control.check();
      control.report("Sites candidats : positions", static_cast<double>(k) / static_cast<double>(proposed.size()));
    }
    const NewSite& s = proposed[k];
    const std::string where = "candidat " + s.id + " (" + s.source + ")";
    if (by_id.count(s.id)) {
      note_skip(where, "identifiant déjà pris");
      continue;
    }
    const std::string commune = inside(s.point);
    if (commune.empty()) {
      note_skip(where, "hors des communes du territoire");
      continue;
    }
    if (!positions.insert(position_key(s.point)).second) {
      note_skip(where, "même position qu'un autre site");
      continue;
    }
    const geo::SnapResult snap = engine.snap(s.point);
    if (road && !snap.ok()) {
      note_skip(where, "à " + fr_number(snap.distance_m, 0) + " m du réseau routier");
      continue;
    }
    Candidate c;
    c.id = s.id;
    c.name = s.name;
    c.source = s.source;
    c.point = s.point;
    c.snap = snap;
    c.commune_code = commune;
    c.team = 0;
    by_id[c.id] = cands.size() + new_cands.size();
    new_points.push_back(s.point);
    new_snaps.push_back(snap);
    new_cands.push_back(std::move(c));
  }
  // Columns of the new sites, in batches (cancellable between batches).
  const std::size_t todo = new_points.size();
  engine.prepare_site_columns(new_points, new_snaps, [&](std::size_t done) {
    control.report("Sites candidats : temps de trajet", todo ? static_cast<double>(done) / static_cast<double>(todo) : 1.0,
                   std::to_string(done) + " / " + std::to_string(todo));
    return !control.cancelled();
  });
  control.check();
  for (auto& c : new_cands) cands.push_back(std::move(c));
  for (const auto& c : cands) ++rep.candidates_by_source[c.source];

  // Locks named by the planner.
  for (const auto& id : pb.locked_open) {
    auto it = by_id.find(id);
    if (it == by_id.end()) throw Error("\"locked_open\": '" + id + "' is not a candidate site of target " + target, geo::ErrorKind::Usage);
    Candidate& c = cands[it->second];
    if (c.lock == Lock::Closed) c.lock_reason = "";
    c.lock = Lock::Open;
    if (c.lock_reason.empty()) c.lock_reason = "gardé par le planificateur";
  }
  for (const auto& id : pb.locked_closed) {
    auto it = by_id.find(id);
    if (it == by_id.end()) throw Error("\"locked_closed\": '" + id + "' is not a candidate site of target " + target, geo::ErrorKind::Usage);
    Candidate& c = cands[it->second];
    if (c.fixed) throw Error("\"locked_closed\": " + id + " lies outside the territory and is kept as it is", geo::ErrorKind::Usage);
    if (c.lock == Lock::Open && c.lock_reason.rfind("site d'urgences", 0) == 0) {
      throw Error("\"locked_closed\": " + id + " is an urgent-care site (set keep_urgent_care to false to close it)",
                  geo::ErrorKind::Usage);
    }
    c.lock = Lock::Closed;
    c.lock_reason = "fermé par le planificateur";
  }

  // [SECTION] columns and demand points
  std::vector<const AccessColumn*> columns(cands.size());
  for (std::size_t j = 0; j < cands.size(); ++j) {
    columns[j] = cands[j].facility >= 0 && cands[j].existing
                     ? &engine.base_column(static_cast<std::size_t>(cands[j].facility))
                     : &engine.site_column(cands[j].point, cands[j].snap);
  }
  std::vector<std::uint8_t> reached(t.units.size(), 0);
  for (const auto* col : columns) {
    for (const AccessEntry& a : *col) reached[a.unit] = 1;
  }
  std::vector<std::int32_t> demand_of(t.units.size(), -1);
  rep.units = t.units.size();
  for (std::size_t u = 0; u < t.units.size(); ++u) {
    const double w = unit_weight[u];
    if (!(w > 0)) {
      ++rep.units_zero_weight;
      continue;
    }
    rep.total_weight += w;
    if (road && !t.units[u].snap.result.ok()) {
      ++rep.units_off_network;
      rep.weight_off_network += w;
      continue;
    }
    if (!reached[u]) {
      ++rep.units_out_of_reach;
      rep.weight_out_of_reach += w;
      continue;
    }
    demand_of[u] = static_cast<std::int32_t>(in.weight.size());
    in.weight.push_back(w);
    in.unit.push_back(static_cast<std::uint32_t>(u));
  }
  rep.demand_points = in.weight.size();
  for (std::size_t j = 0; j < cands.size(); ++j) {
    std::vector<std::pair<std::uint32_t, geo::Deciseconds>> entries;
    for (const AccessEntry& a : *columns[j]) {
      if (demand_of[a.unit] >= 0) entries.push_back({static_cast<std::uint32_t>(demand_of[a.unit]), a.time_ds});
    }
    in.add_column(cands[j], entries);
  }

  // Objective and parameters.
  auto ds = [](double minutes) { return static_cast<geo::Deciseconds>(std::llround(minutes * 600.0)); };
  const double penalty_min = std::isnan(pb.penalty_min) ? 2 * pb.cutoff_min : pb.penalty_min;
  in.penalty_ds = ds(penalty_min);
  in.max_ds = std::isnan(pb.max_time_min) ? kNone : ds(pb.max_time_min);
  in.critical = std::isnan(pb.critical_fte) ? params.regime.critical_gp_fte : pb.critical_fte;
  in.merge_max_ds = ds(pb.merge_max_min);
  switch (pb.objective) {
    case Objective::PMedian:
      in.objective = Objective::PMedian;
      in.p = pb.sites;
      break;
    case Objective::Mclp:
      in.objective = Objective::Mclp;
      in.p = pb.sites;
      in.cover_ds = ds(pb.coverage_min);
      break;
    case Objective::Lscp:
      in.objective = Objective::Lscp;
      in.cover_ds = ds(pb.coverage_min);
      break;
    case Objective::Capacitated:
      in.objective = Objective::Capacitated;
      in.p = pb.sites;
      break;
    case Objective::CloseK: {
      in.objective = pb.measure == "couverture" ? Objective::Mclp : Objective::PMedian;
      if (pb.measure == "couverture") in.cover_ds = ds(pb.coverage_min);
      int n = 0;
      for (const auto& c : in.candidates) n += c.existing && !c.fixed && c.lock != Lock::Closed;
      if (pb.close >= n) {
        throw Error("\"close\" " + std::to_string(pb.close) + ": only " + std::to_string(n) +
                        " site(s) of target " + target + " may close",
                    geo::ErrorKind::Usage);
      }
      in.p = n - pb.close;
      in.drop_start = true;
      break;
    }
  }
  int locked_counted = 0;
  for (const auto& c : in.candidates) locked_counted += c.lock == Lock::Open && !c.fixed;
  if ((pb.objective == Objective::PMedian || pb.objective == Objective::Mclp || pb.objective == Objective::Capacitated) &&
      locked_counted > in.p) {
    throw Error(std::to_string(locked_counted) + " sites are locked open (urgent care or \"locked_open\"), more than the " +
                    std::to_string(in.p) + " sites asked",
                geo::ErrorKind::Usage);
  }
  if (in.max_ds != kNone) {
    rep.notes.push_back("temps maximal pour tous : " + fr_number(pb.max_time_min, 0) +
                        " min (contrainte stricte pour les unités qu'un site candidat peut desservir dans ce temps)");
  }
  rep.notes.push_back("une unité sans site à moins de " + fr_number(pb.cutoff_min, 0) + " min compte pour " +
                      fr_number(penalty_min, 0) + " min dans l'objectif (pénalité), et apparaît à part dans les résultats");
  in.finish();

  // [SECTION] teams and merge options (capacitated form)
  if (pb.objective == Objective::Capacitated) {
    const std::size_t m = in.candidate_count();
    in.merge_options.assign(m, {});
    const geo::RoadGraph& g = t.graph;
    geo::DijkstraWorkspace ws(road ? g.node_count() : 0);
    for (std::size_t k = 0; k < m; ++k) {
      const Candidate& from = in.candidates[k];
      if (!(from.team > 0) || from.fixed) continue;
      control.check();
      auto& opts = in.merge_options[k];
      if (road) {
        if (!from.snap.ok()) continue;
        geo::run_dijkstra(g, geo::Direction::Forward, geo::departure_seeds(g, from.snap), in.merge_max_ds, ws);
        for (std::size_t j = 0; j < m; ++j) {
          const Candidate& to = in.candidates[j];
          if (j == k || to.fixed || !to.snap.ok()) continue;
          const geo::Deciseconds d = std::min(geo::time_at(g, to.snap, ws, geo::Direction::Forward),
                                              geo::same_segment_time(g, from.snap, to.snap));
          if (d != geo::kUnreachable && d <= in.merge_max_ds) opts.push_back({static_cast<std::uint32_t>(j), d});
        }
      } else {
        const auto& sl = engine.straight_line();
        for (std::size_t j = 0; j < m; ++j) {
          const Candidate& to = in.candidates[j];
          if (j == k || to.fixed) continue;
          const double km = std::hypot(from.point.x_m - to.point.x_m, from.point.y_m - to.point.y_m) / 1000.0;
          const auto d = static_cast<geo::Deciseconds>(std::llround(km * sl.detour_factor / sl.speed_kmh * 60.0 * 600.0));
          if (d <= in.merge_max_ds) opts.push_back({static_cast<std::uint32_t>(j), d});
        }
      }
      std::sort(opts.begin(), opts.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second < b.second : a.first < b.first;
      });
    }
  }
  return in;
}

}  // namespace recompose::planner::optimise
