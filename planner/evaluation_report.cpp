// Index:
//   [SECTION] key figures
//   [SECTION] unit and facility layers
//   [SECTION] catchments and isochrones
//   [SECTION] aggregates and pharmacy licences (CSV)
//   [SECTION] rapport.md and summary.json
#include "planner/evaluation_report.hpp"

#include <algorithm>
#include <map>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "geo/crs.hpp"
#include "geo/error.hpp"
#include "geo/output_folder.hpp"
#include "geo/vector_io.hpp"
#include "planner/cartography/qgis_style.hpp"
#include "planner/format.hpp"
#include "planner/isochrones.hpp"
#include "planner/offer/recomposition_report.hpp"
#include "planner/offer/pharmacies.hpp"

namespace recompose::planner {

namespace fs = std::filesystem;
using geo::FieldDef;
using geo::FieldType;
using geo::FieldValue;

namespace {

const FieldValue& kNull = geo::kNullField;

FieldValue minutes_or_null(geo::Deciseconds ds) {
  return ds == kNoAccess ? kNull : FieldValue(geo::deciseconds_to_minutes(ds));
}

std::string model_label(TimeModel m) {
  return m == TimeModel::Road ? "temps routiers (voiture)" : "temps estimés à vol d'oiseau";
}

// Targets present in either evaluation, in a stable order.
std::vector<std::string> all_targets(const Evaluation& a, const Evaluation& b) {
  std::vector<std::string> out = a.targets;
  for (const auto& t : b.targets) {
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

geo::Deciseconds time_of(const Evaluation& e, const std::string& target, std::size_t u) {
  const int ti = e.target_index(target);
  return ti < 0 ? kNoAccess : e.nearest_time[static_cast<std::size_t>(ti)][u];
}

std::string nearest_id(const Evaluation& e, const std::string& target, std::size_t u) {
  const int ti = e.target_index(target);
  if (ti < 0) return "";
  const std::int32_t f = e.nearest_facility[static_cast<std::size_t>(ti)][u];
  return f < 0 ? "" : e.facilities[static_cast<std::size_t>(f)].id;
}

// "id1;id2;id3": the k nearest open facilities, nearest first.
std::string k_nearest_ids(const Evaluation& e, const std::string& target, std::size_t u) {
  const int ti = e.target_index(target);
  if (ti < 0) return "";
  std::string out;
  const auto k = static_cast<std::size_t>(e.k);
  for (std::size_t j = 0; j < k; ++j) {
    const std::int32_t f = e.k_nearest[static_cast<std::size_t>(ti)][u * k + j];
    if (f < 0) break;
    out += (out.empty() ? "" : ";") + e.facilities[static_cast<std::size_t>(f)].id;
  }
  return out;
}

// "(50,4213° N ; 3,0802° E)": a Lambert-93 point in WGS84 degrees, for a reader.
std::string position_text(geo::PointM p) {
  const geo::LonLat ll = geo::lambert93_to_wgs84(p);
  return "(" + fr_number(std::abs(ll.lat), 4) + "° " + (ll.lat < 0 ? "S" : "N") + " ; " + fr_number(std::abs(ll.lon), 4) +
         "° " + (ll.lon < 0 ? "O" : "E") + ")";
}

// "850 m", "6,0 km".
std::string distance_text(double m) { return m < 1000 ? fr_number(m, 0) + " m" : fr_number(m / 1000, 1) + " km"; }

}  // namespace

// [SECTION] key figures

KeyFigures key_figures(const Territory& t, const Evaluation& e, const EvalParams& p, const std::string& target) {
  KeyFigures k;
  k.target = target;
  std::vector<std::pair<double, double>> reached;
  for (std::size_t u = 0; u < t.units.size(); ++u) {
    const double pop = t.units[u].population;
    k.population += pop;
    if (e.model == TimeModel::Road && !t.units[u].snap.result.ok()) {
      k.population_off_network += pop;
      continue;
    }
    k.population_routed += pop;
    const geo::Deciseconds ds = time_of(e, target, u);
    if (ds == kNoAccess) {
      k.no_access += pop;
      k.beyond_threshold += pop;
      continue;
    }
    const double m = geo::deciseconds_to_minutes(ds);
    if (m > p.urgent_threshold_min) k.beyond_threshold += pop;
    reached.emplace_back(m, pop);
    for (double th : p.coverage_min) {
      if (m <= th) {
        k.coverage[th] += pop;
        k.coverage_need[th] += e.need_population[u];
      }
    }
  }
  for (double th : p.coverage_min) {
    k.coverage[th] += 0;
    k.coverage_need[th] += 0;
  }
  double total = 0, w = 0;
  for (const auto& [m, pop] : reached) {
    total += pop;
    w += m * pop;
  }
  k.mean_min = total > 0 ? w / total : std::nan("");
  std::sort(reached.begin(), reached.end());
  double acc = 0;
  k.p90_min = std::nan("");
  for (const auto& [m, pop] : reached) {
    acc += pop;
    if (acc >= 0.9 * total) {
      k.p90_min = m;
      break;
    }
  }
  return k;
}

namespace {

EvaluationOutputs write_all(AccessEngine& engine, const Scenario& scenario, const EvalParams& p,
                            const Evaluation& before, const Evaluation& after, geo::OutputFolder& folder) {
  const Territory& t = engine.territory();
  const std::string& staging = folder.staging();
  auto path = [&](const std::string& name) { return (fs::path(staging) / name).string(); };
  const std::vector<std::string> targets = all_targets(before, after);
  const std::string model = model_label(after.model);
  const bool road = after.model == TimeModel::Road;

  // [SECTION] unit and facility layers
  std::vector<FieldDef> unit_fields = {{"code_iris", FieldType::String},   {"nom", FieldType::String},
                                       {"code_commune", FieldType::String}, {"population", FieldType::Real},
                                       {"indice_besoin", FieldType::Real},  {"population_besoin", FieldType::Real},
                                       {"modele_temps", FieldType::String}, {"rattachement", FieldType::String}};
  for (const auto& tg : targets) {
    unit_fields.push_back({"t_" + tg + "_avant_min", FieldType::Real});
    unit_fields.push_back({"t_" + tg + "_apres_min", FieldType::Real});
    unit_fields.push_back({"d_" + tg + "_min", FieldType::Real});
    unit_fields.push_back({"acces_" + tg, FieldType::String});
    unit_fields.push_back({"plus_proche_" + tg + "_apres", FieldType::String});
    unit_fields.push_back({"k_plus_proches_" + tg + "_apres", FieldType::String});
  }
  unit_fields.push_back({"e2sfca_avant_p100k", FieldType::Real});
  unit_fields.push_back({"e2sfca_apres_p100k", FieldType::Real});
  unit_fields.push_back({"e2sfca_delta_p100k", FieldType::Real});
  // Times to the regime's sites come from the planner's data: say when they are fictitious.
  const bool fictitious = t.regime.fictitious;
  if (fictitious) unit_fields.push_back({"avertissement_regime", FieldType::String});
  auto unit_row = [&](std::size_t u) {
    const Unit& unit = t.units[u];
    std::vector<FieldValue> v = {unit.code,
                                 unit.name,
                                 unit.commune_code,
                                 unit.population,
                                 after.need_index[u],
                                 after.need_population[u],
                                 model,
                                 std::string(road ? (unit.snap.result.ok() ? "rattachée" : kOffNetworkLabel) : "sans réseau")};
    for (const auto& tg : targets) {
      const geo::Deciseconds a = time_of(before, tg, u), b = time_of(after, tg, u);
      v.push_back(minutes_or_null(a));
      v.push_back(minutes_or_null(b));
      v.push_back(a != kNoAccess && b != kNoAccess
                      ? FieldValue(geo::deciseconds_to_minutes(b) - geo::deciseconds_to_minutes(a))
                      : kNull);
      const bool off = road && !unit.snap.result.ok();
      std::string access = off                              ? std::string(kOffNetworkLabel)
                           : a == kNoAccess && b == kNoAccess ? std::string(kNoAccessLabel)
                           : a == kNoAccess                 ? "accès gagné"
                           : b == kNoAccess                 ? "accès perdu"
                                                            : "accès";
      v.push_back(access);
      v.push_back(nearest_id(after, tg, u));
      v.push_back(k_nearest_ids(after, tg, u));
    }
    const double e0 = before.e2sfca_per_100k[u], e1 = after.e2sfca_per_100k[u];
    v.push_back(geo::real_or_null(e0));
    v.push_back(geo::real_or_null(e1));
    v.push_back(geo::real_or_null(e1 - e0));
    if (fictitious) v.push_back(std::string(kFictitiousLabel));
    return v;
  };
  std::vector<FieldDef> fac_fields = {
      {"id", FieldType::String},          {"nom", FieldType::String},           {"type", FieldType::String},
      {"drapeaux", FieldType::String},    {"etat_avant", FieldType::String},    {"etat_apres", FieldType::String},
      {"changement", FieldType::String},  {"capacite_avant", FieldType::Real},  {"capacite_apres", FieldType::Real},
      {"pop_desservie_avant", FieldType::Real}, {"pop_desservie_apres", FieldType::Real},
      {"besoin_desservi_apres", FieldType::Real}, {"rattachement", FieldType::String},
      {"distance_reseau_m", FieldType::Real}, {"hors_territoire", FieldType::Integer},
      {"lon_avant", FieldType::Real}, {"lat_avant", FieldType::Real},
      {"lon_apres", FieldType::Real}, {"lat_apres", FieldType::Real}};
  if (fictitious) fac_fields.push_back({"avertissement_regime", FieldType::String});
  // One row per id. A relocated (or transferred) facility is two states in `after`:
  // its old position, closed, and its new site, appended under the same id. It is
  // written as one row: the state before at the old position (lon/lat_avant), the
  // state after at the new one (lon/lat_apres, and the row's geometry).
  const FacilityRows rows = facility_rows(after.facilities);
  auto lon_lat = [&](geo::PointM at) {
    const geo::LonLat ll = geo::lambert93_to_wgs84(at);
    return std::pair<FieldValue, FieldValue>{ll.lon, ll.lat};
  };
  auto fac_row = [&](std::size_t i) {
    const FacilityState& f = after.facilities[i];
    const std::size_t b = rows.first[i];  // its baseline entry, when it has one
    const bool in_before = b < before.facilities.size() && before.facilities[b].id == f.id;
    std::string flags;
    for (const auto& [k, v] : f.flags) {
      if (v) flags += (flags.empty() ? "" : ",") + k;
    }
    const std::string snap = !road ? "sans réseau" : f.snap.result.ok() ? "rattaché" : "hors réseau";
    std::vector<FieldValue> row{
        f.id, f.name, f.kind, flags,
        in_before ? FieldValue(std::string(before.facilities[b].open ? "ouvert" : "fermé")) : FieldValue(std::string("absent")),
        std::string(f.open ? "ouvert" : "fermé"), f.change,
        in_before ? geo::real_if(before.facilities[b].capacity >= 0, before.facilities[b].capacity) : kNull,
        geo::real_if(f.capacity >= 0, f.capacity),
        in_before ? FieldValue(before.served_population[b]) : kNull, after.served_population[i], after.served_need[i],
        snap, road ? geo::real_or_null(f.snap.result.distance_m) : kNull,
        std::int64_t{f.outside_territory ? 1 : 0}};
    const auto [lon0, lat0] = in_before ? lon_lat(before.facilities[b].point) : std::pair{kNull, kNull};
    const auto [lon1, lat1] = lon_lat(f.point);
    row.insert(row.end(), {lon0, lat0, lon1, lat1});
    if (fictitious) row.push_back(f.regime ? std::string(kFictitiousLabel) : std::string());
    return row;
  };

  geo::VectorWriter gpkg(path("evaluation.gpkg"), geo::VectorFormat::GeoPackage);
  {
    geo::VectorWriter gj(path("unites.geojson"), geo::VectorFormat::GeoJson);
    geo::VectorWriter csv(path("unites.csv"), geo::VectorFormat::Csv);
    gj.begin_layer("unites", geo::GeometryKind::MultiPolygon, unit_fields, "Unités : indicateurs avant / après");
    csv.begin_layer("unites", geo::GeometryKind::None, unit_fields);
    gpkg.begin_layer("unites", geo::GeometryKind::MultiPolygon, unit_fields, "Unités : indicateurs avant / après");
    for (std::size_t u = 0; u < t.units.size(); ++u) {
      const auto row = unit_row(u);
      gj.write(row, &t.units[u].geometry);
      csv.write(row);
      gpkg.write(row, &t.units[u].geometry);
    }
    gj.commit();
    csv.commit();
  }
  {
    geo::VectorWriter gj(path("etablissements.geojson"), geo::VectorFormat::GeoJson);
    geo::VectorWriter csv(path("etablissements.csv"), geo::VectorFormat::Csv);
    gj.begin_layer("etablissements", geo::GeometryKind::Point, fac_fields, "Établissements avant / après");
    csv.begin_layer("etablissements", geo::GeometryKind::None, fac_fields);
    gpkg.begin_layer("etablissements", geo::GeometryKind::Point, fac_fields, "Établissements avant / après");
    for (std::size_t i = 0; i < after.facilities.size(); ++i) {
      if (!rows.written[i]) continue;  // superseded by its new site
      const auto row = fac_row(i);
      const geo::Geometry pt = geo::Geometry::point(after.facilities[i].point.x_m, after.facilities[i].point.y_m);
      gj.write(row, &pt);
      csv.write(row);
      gpkg.write(row, &pt);
    }
    gj.commit();
    csv.commit();
  }

  // [SECTION] catchments and isochrones
  {
    const std::vector<FieldDef> fields = {{"situation", FieldType::String}, {"type", FieldType::String},
                                          {"id", FieldType::String},        {"nom", FieldType::String},
                                          {"population", FieldType::Real},  {"population_besoin", FieldType::Real},
                                          {"nb_unites", FieldType::Integer}, {"modele_temps", FieldType::String}};
    geo::VectorWriter gj(path("bassins.geojson"), geo::VectorFormat::GeoJson);
    gj.begin_layer("bassins", geo::GeometryKind::MultiPolygon, fields, "Bassins : unités regroupées par établissement le plus proche");
    gpkg.begin_layer("bassins", geo::GeometryKind::MultiPolygon, fields, "Bassins");
    for (const Evaluation* e : {&before, &after}) {
      const std::string situation = e == &before ? "avant" : "après";
      std::set<std::string> kinds;
      for (const auto& f : e->facilities) kinds.insert(f.kind);
      for (const auto& kind : kinds) {
        const int ti = e->target_index(kind);
        if (ti < 0) continue;
        // Key: the nearest facility; kOffNetwork for units off the road network (never
        // routed, « hors réseau »), -1 for routed units with nothing within the cutoff.
        constexpr std::int32_t kOffNetwork = -2;
        std::map<std::int32_t, std::vector<std::size_t>> groups;
        for (std::size_t u = 0; u < t.units.size(); ++u) {
          const bool off = road && !t.units[u].snap.result.ok();
          groups[off ? kOffNetwork : e->nearest_facility[static_cast<std::size_t>(ti)][u]].push_back(u);
        }
        for (const auto& [fi, units] : groups) {
          std::vector<const geo::Geometry*> parts;
          double pop = 0, need = 0;
          for (std::size_t u : units) {
            parts.push_back(&t.units[u].geometry);
            pop += t.units[u].population;
            need += e->need_population[u];
          }
          const geo::Geometry area = geo::union_all(parts);
          const bool none = fi < 0;
          const FacilityState* f = none ? nullptr : &e->facilities[static_cast<std::size_t>(fi)];
          const std::string label = fi == kOffNetwork ? std::string(kOffNetworkLabel)
                                                      : std::string(kNoAccessLabel) + " dans la limite de calcul";
          const std::vector<FieldValue> row = {situation, kind, none ? std::string("") : f->id, none ? label : f->name,
                                               pop, need,
                                               static_cast<std::int64_t>(units.size()), model};
          gj.write(row, &area);
          gpkg.write(row, &area);
        }
      }
    }
    gj.commit();
  }
  {
    const std::vector<FieldDef> fields = {{"situation", FieldType::String}, {"cible", FieldType::String},
                                          {"minutes", FieldType::Real}, {"methode", FieldType::String}};
    geo::VectorWriter gj(path("isochrones.geojson"), geo::VectorFormat::GeoJson);
    gj.begin_layer("isochrones", geo::GeometryKind::MultiPolygon, fields, "Isochrones des sites d'urgences");
    gpkg.begin_layer("isochrones", geo::GeometryKind::MultiPolygon, fields, "Isochrones");
    const std::string target = after.target_index(p.urgent_target) >= 0 ? p.urgent_target : "hospital";
    const std::string method = road ? "réseau routier tamponné de 250 m" : "disques à vol d'oiseau";
    for (const Evaluation* e : {&before, &after}) {
      std::vector<const FacilityState*> sites;
      for (const auto& f : e->facilities) {
        const bool flagged = f.flags.count(target) && f.flags.at(target);
        if (f.open && (f.kind == target || flagged)) sites.push_back(&f);
      }
      for (const auto& iso : isochrones(engine, sites, {10, 20, 30})) {
        const std::vector<FieldValue> row = {std::string(e == &before ? "avant" : "après"), target, iso.minutes, method};
        gj.write(row, iso.area ? &iso.area : nullptr);
        gpkg.write(row, iso.area ? &iso.area : nullptr);
      }
    }
    gj.commit();
  }
  // [SECTION] QGIS layer styles (the maps' classes and colours, planner/cartography/qgis_style.hpp)
  {
    const std::vector<FieldDef> fields = {
        {"f_table_catalog", FieldType::String}, {"f_table_schema", FieldType::String},
        {"f_table_name", FieldType::String},    {"f_geometry_column", FieldType::String},
        {"styleName", FieldType::String},       {"styleQML", FieldType::String},
        {"styleSLD", FieldType::String},        {"useAsDefault", FieldType::Integer},
        {"description", FieldType::String},     {"owner", FieldType::String},
        {"ui", FieldType::String},              {"update_time", FieldType::String}};
    gpkg.begin_layer("layer_styles", geo::GeometryKind::None, fields, "Styles QGIS des couches");
    const auto inds = cartography::unit_indicators(t, before, after, p);
    const std::string urgent = after.target_index(p.urgent_target) >= 0 ? p.urgent_target : "hospital";
    auto style = [&](const std::string& table, const std::string& name, const std::string& qml, bool dflt,
                     const std::string& what) {
      gpkg.write({std::string(""), std::string(""), table, std::string("geom"), name, qml, std::string(""),
                  static_cast<std::int64_t>(dflt ? 1 : 0), what, std::string("Recompose"), std::string(""),
                  iso_today() + "T00:00:00Z"},
                 nullptr);
    };
    const int ti = cartography::find_indicator(inds, "temps:" + urgent);
    const int di = cartography::find_indicator(inds, "ecart:" + urgent);
    if (ti >= 0) {
      const auto c = cartography::classify(inds[static_cast<std::size_t>(ti)], ClassMethod::Quantiles, 5);
      style("unites", "Temps vers " + target_label(urgent) + " (après)",
            cartography::units_qml(c, "t_" + urgent + "_apres_min", "acces_" + urgent), true,
            "Classes de la situation actuelle (quantiles, 5), palette viridis : les mêmes que les cartes de Recompose");
    }
    if (di >= 0) {
      const auto c = cartography::classify(inds[static_cast<std::size_t>(di)], ClassMethod::Quantiles, 5);
      style("unites", "Écart de temps vers " + target_label(urgent),
            cartography::units_qml(c, "d_" + urgent + "_min", "acces_" + urgent), false,
            "Après moins avant, classes centrées sur 0 (bleu : baisse, rouge : hausse)");
    }
    style("isochrones", "Isochrones des urgences (après)", cartography::isochrones_qml("minutes", "situation"), true,
          "10, 20 et 30 minutes du scénario");
  }
  gpkg.commit();

  // [SECTION] aggregates and pharmacy licences (CSV)
  std::vector<std::string> agg_targets = targets;
  for (const auto& [level, file] : std::vector<std::pair<std::string, std::string>>{
           {"commune", "communes.csv"}, {"epci", "epci.csv"}, {"ze", "zones_emploi.csv"}, {"territory", "territoire.csv"}}) {
    const auto a = aggregate(t, before, p, level), b = aggregate(t, after, p, level);
    std::vector<FieldDef> fields = {{"niveau", FieldType::String},
                                    {"code", FieldType::String},
                                    {"nom", FieldType::String},
                                    {"population", FieldType::Real},
                                    {"population_besoin", FieldType::Real}};
    for (const auto& tg : agg_targets) {
      for (const char* s : {"avant", "apres"}) {
        fields.push_back({"moy_" + tg + "_" + s + "_min", FieldType::Real});
        fields.push_back({"p90_" + tg + "_" + s + "_min", FieldType::Real});
        fields.push_back({"pop_sup_" + std::to_string(static_cast<int>(p.urgent_threshold_min)) + "min_" + tg + "_" + s,
                          FieldType::Real});
        for (double th : p.coverage_min) {
          fields.push_back({"pop_" + std::to_string(static_cast<int>(th)) + "min_" + tg + "_" + s, FieldType::Real});
        }
      }
    }
    fields.push_back({"e2sfca_moy_avant_p100k", FieldType::Real});
    fields.push_back({"e2sfca_moy_apres_p100k", FieldType::Real});
    if (fictitious) fields.push_back({"avertissement_regime", FieldType::String});
    geo::VectorWriter csv(path(file), geo::VectorFormat::Csv);
    csv.begin_layer(level, geo::GeometryKind::None, fields);
    for (std::size_t i = 0; i < a.size(); ++i) {
      std::vector<FieldValue> row = {level, a[i].code, a[i].name, a[i].population, a[i].need_population};
      for (const auto& tg : agg_targets) {
        for (const AreaFigures* f : {&a[i], &b[i]}) {
          auto get = [&](const std::map<std::string, double>& m) {
            auto it = m.find(tg);
            return it == m.end() ? kNull : geo::real_or_null(it->second);
          };
          row.push_back(get(f->mean_min));
          row.push_back(get(f->p90_min));
          row.push_back(get(f->population_beyond_urgent));
          for (double th : p.coverage_min) {
            auto it = f->coverage.find(tg);
            row.push_back(it == f->coverage.end() ? kNull : FieldValue(it->second.at(th)));
          }
        }
      }
      row.push_back(geo::real_or_null(a[i].e2sfca_mean));
      row.push_back(geo::real_or_null(b[i].e2sfca_mean));
      if (fictitious) row.push_back(std::string(kFictitiousLabel));
      csv.write(row);
    }
    csv.commit();
  }
  // Pharmacies (planner/offer/pharmacies): licences_pharmacie.csv, pharmacies.csv/.geojson.
  const offer::PharmacyAnalysis pharmacies = offer::analyse_pharmacies(t, scenario, before, after, p);
  offer::write_pharmacy_outputs(t, pharmacies, p, staging);
  const bool has_pharmacies = pharmacies.has_liberal;

  // [SECTION] rapport.md and summary.json
  std::ostringstream r;
  double total_pop = 0;
  for (const auto& u : t.units) total_pop += u.population;
  r << "# Évaluation d'accessibilité — " << t.title << "\n\n";
  r << "Scénario : **" << scenario.name << "**";
  if (!scenario.path.empty()) r << " (`" << scenario.path << "`)";
  r << " — rapport produit le " << iso_today() << " par Recompose.\n\n";
  if (t.regime.fictitious) {
    r << "> **⚠ Régime minier : " << kFictitiousLabel << ".** Les sites, équipes et affiliés du régime minier "
         "utilisés dans ce rapport sont inventés pour la démonstration.\n\n";
  }
  if (!road) {
    r << "> **Attention : temps estimés à vol d'oiseau.** Ce territoire n'a pas de réseau routier dans les "
         "données ; les temps sont des distances à vol d'oiseau × "
      << fr_number(engine.straight_line().detour_factor, 2) << " (facteur de détour) à "
      << fr_number(engine.straight_line().speed_kmh, 0)
      << " km/h. Ils ne sont pas des temps routiers et ne doivent pas être présentés comme tels.\n\n";
  }
  r << "## Territoire\n\n";
  r << "- " << t.communes.size() << " communes, " << t.units.size() << " unités (IRIS), " << fr_number(total_pop)
    << " habitants (population légale " << t.population_year << ")\n";
  {
    // By kind: a place can be in several layers (a mining pharmacy is a pharmacy and a
    // site of the regime), so the total is of entries, not of distinct places.
    std::map<std::string, int> by_kind;
    for (const auto& f : t.facilities) ++by_kind[f.kind];
    std::string kinds;
    for (const auto& [kind, n] : by_kind) kinds += (kinds.empty() ? "" : ", ") + std::to_string(n) + " " + target_label(kind);
    r << "- " << t.facilities.size() << " établissements dans la situation actuelle (" << kinds
      << (by_kind.size() > 1 ? " ; un même lieu peut figurer sous plusieurs types" : "") << ") ; modèle de temps : " << model
      << "\n\n";
  }
  r << "## Scénario\n\n";
  if (after.applied.empty()) r << "Aucune modification : situation actuelle.\n";
  for (const auto& a : after.applied) r << "- " << a << "\n";
  r << "\n## Chiffres clés (avant → après)\n\n";
  r << "Temps en minutes, pondérés par la population ; « sans accès » = aucun établissement dans la limite de calcul ("
    << fr_number(p.cutoff_min) << " min).\n\n";
  double off_network = 0;
  for (const auto& u : t.units) off_network += road && !u.snap.result.ok() ? u.population : 0;
  if (off_network > 0) {
    r << "**" << fr_number(off_network) << " habitants vivent dans des unités hors du réseau routier disponible** : "
         "elles ne sont pas routées et ne comptent ni parmi les populations proches ni parmi les éloignées ; les parts "
         "ci-dessous portent sur la population routée ("
      << fr_number(total_pop - off_network) << " habitants).\n\n";
  }
  r << "| Destination | Pop. à plus de " << fr_number(p.urgent_threshold_min) << " min | Part | Temps moyen | 90e centile | Sans accès (> "
    << fr_number(p.cutoff_min) << " min) |\n";
  r << "|---|---|---|---|---|---|\n";
  nlohmann::ordered_json summary;
  summary["territory"] = t.name;
  summary["scenario"] = scenario.name;
  summary["time_model"] = road ? "road" : "straight_line";
  summary["time_model_label"] = model;
  summary["population"] = total_pop;
  summary["edits"] = after.applied;
  for (const auto& tg : targets) {
    const KeyFigures a = key_figures(t, before, p, tg), b = key_figures(t, after, p, tg);
    r << "| " << md_cell(target_label(tg)) << " | " << fr_number(a.beyond_threshold) << " → " << fr_number(b.beyond_threshold)
      << " (" << fr_delta(b.beyond_threshold - a.beyond_threshold, 0) << ") | "
      << fr_number(100 * a.beyond_threshold / a.population_routed, 1) << " % → "
      << fr_number(100 * b.beyond_threshold / b.population_routed, 1)
      << " % | " << fr_number(a.mean_min, 1) << " → " << fr_number(b.mean_min, 1) << " (" << fr_delta(b.mean_min - a.mean_min)
      << ") | " << fr_number(a.p90_min, 1) << " → " << fr_number(b.p90_min, 1) << " | " << fr_number(a.no_access) << " → "
      << fr_number(b.no_access) << " |\n";
    auto fig = [&](const KeyFigures& k) {
      nlohmann::ordered_json j;
      j["population_beyond_" + std::to_string(static_cast<int>(p.urgent_threshold_min)) + "_min"] = k.beyond_threshold;
      j["share_beyond"] = k.population_routed > 0 ? k.beyond_threshold / k.population_routed : 0.0;
      j["population_routed"] = k.population_routed;
      j["population_off_network"] = k.population_off_network;
      j["population_no_access"] = k.no_access;
      j["mean_min"] = std::isnan(k.mean_min) ? nlohmann::ordered_json() : nlohmann::ordered_json(k.mean_min);
      j["p90_min"] = std::isnan(k.p90_min) ? nlohmann::ordered_json() : nlohmann::ordered_json(k.p90_min);
      for (const auto& [th, v] : k.coverage) j["coverage"][std::to_string(static_cast<int>(th)) + "_min"] = v;
      for (const auto& [th, v] : k.coverage_need) j["coverage_need_weighted"][std::to_string(static_cast<int>(th)) + "_min"] = v;
      return j;
    };
    summary["targets"][tg]["before"] = fig(a);
    summary["targets"][tg]["after"] = fig(b);
    summary["targets"][tg]["delta_population_beyond"] = b.beyond_threshold - a.beyond_threshold;
  }
  r << "\n### Couverture (part de la population prise en compte à moins de N minutes)\n\n| Destination |";
  for (double th : p.coverage_min) r << " " << fr_number(th) << " min |";
  r << "\n|---|";
  for (std::size_t i = 0; i < p.coverage_min.size(); ++i) r << "---|";
  r << "\n";
  for (const auto& tg : targets) {
    const KeyFigures a = key_figures(t, before, p, tg), b = key_figures(t, after, p, tg);
    r << "| " << md_cell(target_label(tg)) << " |";
    for (double th : p.coverage_min) {
      r << " " << fr_number(100 * a.coverage.at(th) / a.population_routed, 1) << " % → "
        << fr_number(100 * b.coverage.at(th) / b.population_routed, 1)
        << " % |";
    }
    r << "\n";
  }
  // Need-weighted and E2SFCA.
  const auto ta = aggregate(t, before, p, "territory"), tb = aggregate(t, after, p, "territory");
  r << "\nAccessibilité potentielle (E2SFCA, " << target_label(p.e2sfca_kind) << ") : "
    << fr_number(ta[0].e2sfca_mean, 1) << " → " << fr_number(tb[0].e2sfca_mean, 1)
    << " pour 100 000 habitants (moyenne pondérée par la population).\n";
  summary["e2sfca_per_100k"] = {{"kind", p.e2sfca_kind},
                                {"before", std::isnan(ta[0].e2sfca_mean) ? nlohmann::json() : nlohmann::json(ta[0].e2sfca_mean)},
                                {"after", std::isnan(tb[0].e2sfca_mean) ? nlohmann::json() : nlohmann::json(tb[0].e2sfca_mean)}};

  // Most affected communes: the largest rise of the mean time to any target.
  r << "\n## Communes les plus touchées\n\n";
  const auto ca = aggregate(t, before, p, "commune"), cb = aggregate(t, after, p, "commune");
  struct Hit {
    std::string code, name, target;
    double before_min, after_min, population;
  };
  std::vector<Hit> hits;
  for (std::size_t i = 0; i < ca.size(); ++i) {
    for (const auto& tg : targets) {
      if (!ca[i].mean_min.count(tg) || !cb[i].mean_min.count(tg)) continue;
      const double a = ca[i].mean_min.at(tg), b = cb[i].mean_min.at(tg);
      const double lost = cb[i].population_no_access.at(tg) - ca[i].population_no_access.at(tg);
      if ((!std::isnan(a) && !std::isnan(b) && b - a > 0.05) || lost > 0) {
        hits.push_back({ca[i].code, ca[i].name, tg, a, b, ca[i].population});
      }
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& x, const Hit& y) {
    const double dx = std::isnan(x.after_min - x.before_min) ? 1e9 : x.after_min - x.before_min;
    const double dy = std::isnan(y.after_min - y.before_min) ? 1e9 : y.after_min - y.before_min;
    return dx != dy ? dx > dy : x.code < y.code;
  });
  if (hits.empty()) {
    r << "Aucune commune ne voit son temps moyen augmenter.\n";
  } else {
    r << "| Commune | Destination | Population | Temps moyen avant | après | Écart |\n|---|---|---:|---:|---:|---:|\n";
    for (std::size_t i = 0; i < std::min<std::size_t>(hits.size(), 15); ++i) {
      const auto& h = hits[i];
      r << "| " << md_cell(h.name + " (" + h.code + ")") << " | " << md_cell(target_label(h.target)) << " | "
        << fr_number(h.population) << " | "
        << fr_number(h.before_min, 1) << " | " << fr_number(h.after_min, 1) << " | " << fr_delta(h.after_min - h.before_min)
        << " |\n";
      summary["most_affected_communes"].push_back({{"code", h.code},
                                                   {"name", h.name},
                                                   {"target", h.target},
                                                   {"mean_min_before", h.before_min},
                                                   {"mean_min_after", h.after_min}});
    }
  }
  // Changed facilities, one line per id: a relocated (or transferred) facility, two
  // entries of `after` (its old position, closed, and its new site), is one line from
  // the old position to the new one.
  r << "\n## Établissements modifiés\n\n";
  bool any_change = false;
  for (std::size_t i = 0; i < after.facilities.size(); ++i) {
    if (!rows.written[i]) continue;
    const auto& f = after.facilities[i];
    const std::size_t first = rows.first[i];
    const auto& origin = after.facilities[first];
    if (f.change.empty() && origin.change.empty()) continue;
    any_change = true;
    const bool in_before = first < before.facilities.size() && before.facilities[first].id == f.id;
    const double before_pop = in_before ? before.served_population[first] : 0;
    std::string change = f.change;
    if (first != i) {
      const geo::PointM from = origin.point, to = f.point;
      const std::string move = "de " + position_text(from) + " vers " + position_text(to) + ", à " +
                               distance_text(std::hypot(to.x_m - from.x_m, to.y_m - from.y_m)) + " à vol d'oiseau";
      // "déplacé" (relocate) or the transfer of a mining pharmacy, which says where to.
      change = origin.change == "déplacé" ? "déplacé " + move : origin.change + ", déplacée " + move;
    }
    r << "- " << f.name << " (" << f.id << ", " << target_label(f.kind) << ") : " << change
      << " ; population desservie " << fr_number(before_pop) << " → " << fr_number(after.served_population[i]) << "\n";
  }
  if (!any_change) r << "Aucun.\n";
  // Pharmacies and mining demand.
  int communes_with_licence = 0, licences = 0;
  for (const auto& c : t.communes) {
    const int n = pharmacy_licences_allowed(c.population, c.dep, p);
    communes_with_licence += n > 0;
    licences += n;
  }
  r << "\n## Licences de pharmacie\n\n" << communes_with_licence << " communes sur " << t.communes.size()
    << " peuvent accueillir au moins une officine ; " << licences << " licences autorisées au total. Détail : "
       "`licences_pharmacie.csv`.\n";
  r << offer::pharmacy_report_section(pharmacies, p);
  summary["pharmacies"] = offer::pharmacy_summary(pharmacies, p);
  if (!has_pharmacies) r << "\n**Excédent ou déficit inconnu : aucune liste de pharmacies pour ce territoire.**\n";
  const RecompositionOutputs regime = write_recomposition(t, scenario, p, before, after, staging);
  if (regime.markdown.empty()) {
    r << "\n## Demande du régime minier\n\n**Aucune donnée du régime minier (sites, équipes, affiliés) pour ce "
         "territoire** : la projection (baisse de "
      << fr_number(100 * p.affiliate_decline_per_year, 0) << " % par an) et le nombre de nouveaux patients à recruter "
      << "(multiplicateur " << fr_number(p.recruitment_multiplier, 0)
      << ") ne peuvent pas être calculés ; voir la clé « regime » du manifeste (datasets/README.md).\n";
  } else {
    r << regime.markdown;
    summary["recomposition"] = regime.summary;
  }

  r << "\n## Sources\n\n";
  for (const auto& s : t.sources) r << "- " << s.role << " : " << s.citation << " (`" << s.path << "`)\n";
  r << "\n## Méthode et hypothèses\n\n";
  r << "- Temps : " << model << " depuis le point représentatif de chaque unité vers l'établissement ouvert le plus proche, "
       "limite de calcul "
    << fr_number(p.cutoff_min) << " min.";
  if (road) {
    r << " Réseau : " << t.roads_note << " ; accès hors réseau à " << fr_number(t.profile.access_speed_kmh)
      << " km/h, au-delà de " << fr_number(t.profile.snap_max_distance_m) << " m l'unité est hors réseau. "
      << (t.ch ? "Plus courts chemins exacts, calculés par balayages PHAST d'une hiérarchie de contraction du réseau "
                 "(exactement les mêmes temps qu'un algorithme de Dijkstra).\n"
               : "Plus courts chemins exacts (algorithme de Dijkstra borné).\n");
  } else {
    r << "\n";
  }
  r << "- E2SFCA : offre = capacité des établissements « " << p.e2sfca_kind << " », demande = population ; poids par palier :";
  for (const auto& s : p.e2sfca_steps) r << " ≤ " << fr_number(s.up_to_min) << " min : " << fr_number(s.weight, 2) << " ;";
  r << " au-delà : 0.\n";
  r << "- Besoin : " << after.need_source << ".\n";
  r << "- Bassins : chaque unité est rattachée à l'établissement ouvert le plus proche de chaque type ; polygones "
       "obtenus par fusion (GEOS) des unités.\n";
  r << "- Isochrones : " << (road ? "réseau atteint dans le temps, tamponné de 250 m" : "disques à vol d'oiseau") << ".\n";
  for (const auto& a : t.assumptions) r << "- " << a << "\n";
  r << "- Fichiers CSV : séparateur virgule, décimales avec un point, codes INSEE en texte.\n";

  r << "\n## Lacunes des données\n\n";
  std::vector<std::string> gaps;
  if (!road) gaps.push_back("Pas de réseau routier : " + t.roads_note);
  double off_pop = 0;
  std::size_t off_units = 0;
  for (const auto& u : t.units) {
    if (road && !u.snap.result.ok()) {
      off_pop += u.population;
      ++off_units;
    }
  }
  if (off_units) {
    gaps.push_back(std::to_string(off_units) + " unités (" + fr_number(off_pop) +
                    " habitants) sont à plus de " + fr_number(t.profile.snap_max_distance_m) +
                   " m du réseau routier disponible : non routées, exclues des parts et des temps moyens.");
  }
  std::size_t off_fac = 0;
  for (const auto& f : t.facilities) off_fac += road && !f.snap.result.ok();
  if (off_fac) gaps.push_back(std::to_string(off_fac) + " établissements hors réseau : non routés.");
  if (!t.regime.has_affiliates()) gaps.push_back("Aucune donnée d'affiliés du régime minier par unité.");
  if (!has_pharmacies) gaps.push_back("Aucune liste de pharmacies : excédents de licences inconnus.");
  if (p.need_indicator.empty()) gaps.push_back("Aucun indice comparatif de mortalité retenu : besoin = population.");
  bool centres = false;
  for (const auto& f : t.facilities) centres |= f.kind == "health_centre" || f.kind == kRegimeKind;
  if (!centres) gaps.push_back("Aucune liste géolocalisée des centres de santé Filieris dans les données ouvertes.");
  for (const auto& g : gaps) r << "- " << g << "\n";
  summary["data_gaps"] = gaps;
  summary["evaluation_seconds"] = {{"baseline", before.seconds}, {"scenario", after.seconds}};
  summary["assumptions"] = t.assumptions;

  geo::write_text_file_atomic(path("rapport.md"), r.str());
  geo::write_text_file_atomic(path("summary.json"), summary.dump(2) + "\n");

  EvaluationOutputs out;
  std::ostringstream s;
  s << t.title << " — " << scenario.name << " (" << model << ")\n";
  for (const auto& tg : targets) {
    const KeyFigures a = key_figures(t, before, p, tg), b = key_figures(t, after, p, tg);
    s << "  " << target_label(tg) << " : pop. à plus de " << fr_number(p.urgent_threshold_min) << " min "
      << fr_number(a.beyond_threshold) << " → " << fr_number(b.beyond_threshold) << ", temps moyen " << fr_number(a.mean_min, 1)
      << " → " << fr_number(b.mean_min, 1) << " min\n";
  }
  s << regime.terminal;
  out.summary_text = s.str();
  return out;
}

}  // namespace

EvaluationOutputs write_evaluation(AccessEngine& engine, const Scenario& scenario, const EvalParams& p,
                                   const Evaluation& before, const Evaluation& after, const std::string& out_dir) {
  // Written as a whole: locked against another run, staged, moved in at the end; a
  // failure leaves the previous outputs of `out_dir` as they were, and no temporary.
  geo::OutputFolder folder(out_dir);
  try {
    EvaluationOutputs out = write_all(engine, scenario, p, before, after, folder);
    folder.commit();
    return out;
  } catch (const geo::Error& e) {
    throw folder.explained(e);
  }
}

}  // namespace recompose::planner
