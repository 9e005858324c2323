// Saving and loading a territory directory:
//   territory.gpkg  layers unites, communes, etablissements, indicateurs, routes (EPSG:2154)
//   graph.rcg       the road graph cache (when the territory has roads)
//   graph.ch        its contraction hierarchy (speeds up the access tables)
//   territory.json  metadata: names, sources, assumptions, profile, graph fingerprint
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "geo/error.hpp"
#include "geo/fingerprint.hpp"
#include "geo/graph_cache.hpp"
#include "geo/snapping.hpp"
#include "geo/vector_io.hpp"
#include "geo/postgres.hpp"
#include "planner/territory.hpp"
#include "planner/workspace/pg_territory.hpp"
#include <iterator>

namespace recompose::planner {

namespace fs = std::filesystem;
using geo::FieldDef;
using geo::FieldType;
using geo::FieldValue;

namespace {

// Keys of territory.json that describe the built territory (everything but the
// presentation texts a planner may retitle, and the checksums themselves).
bool described(const std::string& key) { return key != "title" && key != "description" && key != "checksums"; }

// Of the value's canonical text (keys sorted, no spaces): an editor that reorders or
// re-indents the file changes nothing.
std::string checksum_of(const nlohmann::ordered_json& value) {
  geo::Fingerprint f;
  f.add(nlohmann::json(value).dump());
  return f.hex();
}

// Refuses a territory.json whose described parameters no longer match their checksums.
void check_metadata(const nlohmann::ordered_json& j, const std::string& meta_path) {
  if (!j.contains("checksums")) return;  // written before checksums existed
  const auto& sums = j["checksums"];
  if (!sums.is_object()) throw geo::Error(meta_path + ": \"checksums\" is not an object (file edited by hand?)");
  for (const auto& [key, value] : j.items()) {
    if (!described(key)) continue;
    if (!sums.contains(key)) {
      throw geo::Error(meta_path + ": \"" + key + "\" was added by hand: it does not describe the imported territory; "
                       "change the manifest or its files and run `recompose import` again");
    }
    if (sums[key] != checksum_of(value)) {
      throw geo::Error(meta_path + ": \"" + key + "\" was edited by hand and no longer matches the territory it "
                       "describes (the road graph, units and facilities were built without it); change the manifest, "
                       "the profile or the data and run `recompose import` again");
    }
  }
  for (const auto& [key, value] : sums.items()) {
    if (!j.contains(key)) throw geo::Error(meta_path + ": \"" + key + "\" was removed by hand; run `recompose import` again");
  }
}

std::string flags_text(const std::map<std::string, bool>& flags) {
  std::string s;
  for (const auto& [k, v] : flags) {
    if (v) s += (s.empty() ? "" : ",") + k;
  }
  return s;
}

}  // namespace

void save_territory(const Territory& t, const std::string& dir) {
  geo::OutputFolder folder(dir);
  save_territory(t, folder);
}

namespace {
void save_staged(const Territory& t, geo::OutputFolder& folder,
                 const std::vector<std::pair<std::string, std::string>>& extra_files);
}  // namespace

void save_territory(const Territory& t, geo::OutputFolder& folder,
                    const std::vector<std::pair<std::string, std::string>>& extra_files) {
  try {
    save_staged(t, folder, extra_files);
    folder.commit();
  } catch (const geo::Error& e) {
    throw folder.explained(e);
  }
}

namespace {
void save_staged(const Territory& t, geo::OutputFolder& folder,
                 const std::vector<std::pair<std::string, std::string>>& extra_files) {
  const std::string dir = folder.staging();
  const std::string gpkg = (fs::path(dir) / "territory.gpkg").string();
  geo::VectorWriter w(gpkg, geo::VectorFormat::GeoPackage);

  w.begin_layer("unites", geo::GeometryKind::MultiPolygon,
                {{"code_iris", FieldType::String},
                 {"nom", FieldType::String},
                 {"code_commune", FieldType::String},
                 {"type_iris", FieldType::String},
                 {"population", FieldType::Real},
                 {"population_poids_iris", FieldType::Real},
                 {"methode_population", FieldType::String},
                 {"surface_km2", FieldType::Real},
                 {"x_l93", FieldType::Real},
                 {"y_l93", FieldType::Real},
                 {"rattachement", FieldType::String},
                 {"distance_reseau_m", FieldType::Real},
                 {"geometrie_reparee", FieldType::Integer}},
                "Unités territoriales (IRIS), population réconciliée");
  for (const auto& u : t.units) {
    w.write({u.code, u.name, u.commune_code, u.type, u.population,
             geo::real_if(u.weight_population >= 0, u.weight_population), u.population_method, u.area_km2,
             u.point.x_m, u.point.y_m, std::string(t.has_roads ? geo::snap_status_name(u.snap.status) : "sans-reseau"),
             geo::real_if(t.has_roads, u.snap.distance_m), std::int64_t{u.geometry_repaired ? 1 : 0}},
            &u.geometry);
  }
  w.begin_layer("communes", geo::GeometryKind::MultiPolygon,
                {{"code_commune", FieldType::String},
                 {"nom", FieldType::String},
                 {"departement", FieldType::String},
                 {"code_epci", FieldType::String},
                 {"nom_epci", FieldType::String},
                 {"zone_emploi", FieldType::String},
                 {"population", FieldType::Real},
                 {"nb_unites", FieldType::Integer}},
                "Communes du territoire");
  for (const auto& c : t.communes) {
    w.write({c.code, c.name, c.dep, c.epci_code, c.epci_name, c.ze_code, c.population,
             static_cast<std::int64_t>(c.unit_count)},
            c.geometry ? &c.geometry : nullptr);
  }
  w.begin_layer("etablissements", geo::GeometryKind::Point,
                {{"id", FieldType::String},
                 {"nom", FieldType::String},
                 {"type", FieldType::String},
                 {"categorie", FieldType::String},
                 {"code_commune", FieldType::String},
                 {"capacite", FieldType::Real},
                 {"unite_capacite", FieldType::String},
                 {"drapeaux", FieldType::String},
                 {"source", FieldType::String},
                 {"localisation", FieldType::String},
                 {"rattachement", FieldType::String},
                 {"distance_reseau_m", FieldType::Real},
                 {"hors_territoire", FieldType::Integer}},
                "Établissements de santé");
  for (const auto& f : t.facilities) {
    const geo::Geometry p = geo::Geometry::point(f.point.x_m, f.point.y_m);
    w.write({f.id, f.name, f.kind, f.category, f.commune_code, geo::real_if(f.capacity >= 0, f.capacity),
             f.capacity_unit, flags_text(f.flags), f.source, f.location_note,
             std::string(t.has_roads ? geo::snap_status_name(f.snap.status) : "sans-reseau"),
             geo::real_if(t.has_roads, f.snap.distance_m), std::int64_t{f.outside_territory ? 1 : 0}},
            &p);
  }
  w.begin_layer("indicateurs", geo::GeometryKind::None,
                {{"niveau", FieldType::String},
                 {"code", FieldType::String},
                 {"indicateur", FieldType::String},
                 {"valeur", FieldType::Real},
                 {"periode", FieldType::String},
                 {"source", FieldType::String}},
                "Indicateurs (format long)");
  for (const auto& i : t.indicators) w.write({i.level, i.code, i.name, i.value, i.period, i.source});
  // The road graph itself is not copied here (200,000 segments for the NPDC basin would
  // make this file slow to write and to open); `recompose graph export DIR --out F.gpkg`
  // writes every arc with its times for QGIS.
  w.commit();

  if (t.has_roads) {
    // The graph cache of the import is often this folder's own graph.rcg: kept when
    // it holds this graph (its payload checksum is checked when it is loaded).
    const std::string existing = (fs::path(folder.dir()) / "graph.rcg").string();
    std::uint32_t version = 0;
    std::uint64_t fp = 0;
    if (geo::read_graph_header(existing, version, fp) && version == geo::kGraphCacheVersion &&
        fp == t.graph_fingerprint) {
      folder.keep("graph.rcg");
    } else {
      geo::save_graph(t.graph, t.graph_fingerprint, (fs::path(dir) / "graph.rcg").string());
    }
    if (t.ch) geo::save_contraction_hierarchy(*t.ch, t.graph_fingerprint, (fs::path(dir) / "graph.ch").string());
  }

  nlohmann::ordered_json j;
  j["format"] = "recompose-territory/1";
  {
    // Checksum of the GeoPackage, checked on load: a corrupted or replaced file is refused.
    geo::Fingerprint f;
    f.add_file(gpkg);
    j["gpkg_checksum"] = f.hex();
  }
  j["name"] = t.name;
  j["title"] = t.title;
  j["description"] = t.description;
  j["population_year"] = t.population_year;
  j["has_roads"] = t.has_roads;
  j["roads_note"] = t.roads_note;
  char fp[17];
  std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(t.graph_fingerprint));
  j["graph_fingerprint"] = fp;
  j["profile"] = t.has_roads ? nlohmann::json::parse(t.profile.source_text) : nlohmann::json();
  j["assumptions"] = t.assumptions;
  for (const auto& s : t.sources) j["sources"].push_back({{"role", s.role}, {"path", s.path}, {"citation", s.citation}});
  if (t.regime.present()) {
    std::vector<std::string> codes;
    for (const auto& u : t.units) codes.push_back(u.code);
    j["regime"] = regime_to_json(t.regime, codes);
  }
  // Every parameter that describes what was built carries its checksum: one edited by
  // hand (a speed of the profile, the graph fingerprint...) is refused on load
  // instead of being half-applied to a graph built without it.
  for (const auto& [key, value] : j.items()) {
    if (described(key)) j["checksums"][key] = checksum_of(value);
  }
  geo::write_text_file_atomic((fs::path(dir) / "territory.json").string(), j.dump(2) + "\n");
  for (const auto& [name, text] : extra_files) geo::write_text_file_atomic((fs::path(dir) / name).string(), text);
}
}  // namespace

Territory load_territory(const std::string& dir) {
  if (geo::pg::is_locator(dir)) return workspace::load_territory_pg(dir);
  return geo::with_error_context("territory " + dir, [&] {
    const std::string meta_path = (fs::path(dir) / "territory.json").string();
    std::ifstream in(meta_path);
    if (!in) throw geo::Error("no territory.json (run `recompose import` first)");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    TerritoryParts parts;
    parts.metadata_json = text;
    parts.metadata_label = meta_path;
    parts.layers_source = (fs::path(dir) / "territory.gpkg").string();
    parts.graph_path = (fs::path(dir) / "graph.rcg").string();
    parts.ch_path = (fs::path(dir) / "graph.ch").string();
    return load_territory_parts(parts);
  });
}

std::string territory_cache_path(const std::string& locator, const std::string& name) {
  if (geo::pg::is_locator(locator)) return workspace::territory_cache_path_pg(locator, name);
  return (fs::path(locator) / name).string();
}

Territory load_territory_parts(const TerritoryParts& parts) {
  {
    const std::string& meta_path = parts.metadata_label;
    nlohmann::ordered_json j;
    try {
      j = nlohmann::ordered_json::parse(parts.metadata_json);
    } catch (const std::exception& e) {
      throw geo::Error(meta_path + " is not valid JSON: " + std::string(e.what()));
    }
    check_metadata(j, meta_path);
    if (j.value("format", "") != "recompose-territory/1") {
      throw geo::Error(meta_path + ": unsupported format '" + j.value("format", "") + "'");
    }
    Territory t;
    t.name = j.value("name", "");
    t.title = j.value("title", "");
    t.description = j.value("description", "");
    t.population_year = j.value("population_year", 0);
    t.has_roads = j.value("has_roads", false);
    t.roads_note = j.value("roads_note", "");
    t.assumptions = j.value("assumptions", std::vector<std::string>{});
    if (j.contains("sources")) {
      for (const auto& s : j["sources"]) t.sources.push_back({s.value("role", ""), s.value("path", ""), s.value("citation", "")});
    }
    const std::string& gpkg = parts.layers_source;
    if (!parts.from_database && j.contains("gpkg_checksum")) {
      if (!fs::exists(gpkg)) throw geo::Error("territory.gpkg is missing (run `recompose import` again)");
      geo::Fingerprint f;
      f.add_file(gpkg);
      if (f.hex() != j.value("gpkg_checksum", "")) {
        throw geo::Error("territory.gpkg does not match the checksum in territory.json (corrupted or edited); "
                         "run `recompose import` again");
      }
    }
    {
      geo::ReadOptions o;
      o.layer = "unites";
      o.fields = {"code_iris", "nom", "code_commune", "type_iris", "population", "x_l93", "y_l93", "methode_population",
                  "geometrie_reparee"};
      auto d = geo::read_layer(gpkg, o);
      for (auto& f : d.features) {
        Unit u;
        u.code = f.values[0];
        u.name = f.values[1];
        u.commune_code = f.values[2];
        u.type = f.values[3];
        u.population = std::stod(f.values[4]);
        u.point = {std::stod(f.values[5]), std::stod(f.values[6])};
        u.population_method = f.values[7];
        u.geometry_repaired = f.values[8] == "1";
        u.geometry = std::move(f.geometry);
        u.area_km2 = u.geometry ? u.geometry.area() / 1e6 : 0;
        t.units.push_back(std::move(u));
      }
    }
    {
      geo::ReadOptions o;
      o.layer = "communes";
      o.fields = {"code_commune", "nom", "departement", "code_epci", "nom_epci", "zone_emploi", "population", "nb_unites"};
      auto d = geo::read_layer(gpkg, o);
      for (auto& f : d.features) {
        Commune c;
        c.code = f.values[0];
        c.name = f.values[1];
        c.dep = f.values[2];
        c.epci_code = f.values[3];
        c.epci_name = f.values[4];
        c.ze_code = f.values[5];
        c.population = std::stod(f.values[6]);
        c.unit_count = static_cast<std::size_t>(std::stoul(f.values[7]));
        c.geometry = std::move(f.geometry);
        if (c.geometry) c.point = c.geometry.point_on_surface();
        t.communes.push_back(std::move(c));
      }
    }
    {
      geo::ReadOptions o;
      o.layer = "etablissements";
      o.fields = {"id", "nom", "type", "categorie", "code_commune", "capacite", "unite_capacite", "drapeaux", "source",
                  "localisation"};
      o.optional_fields = {"hors_territoire"};  // absent in territories written before it existed
      auto d = geo::read_layer(gpkg, o);
      for (auto& f : d.features) {
        Facility fac;
        fac.id = f.values[0];
        fac.name = f.values[1];
        fac.kind = f.values[2];
        fac.category = f.values[3];
        fac.commune_code = f.values[4];
        fac.capacity = f.is_null[5] ? -1 : std::stod(f.values[5]);
        fac.capacity_unit = f.values[6];
        std::stringstream flags(f.values[7]);
        for (std::string flag; std::getline(flags, flag, ',');) fac.flags[flag] = true;
        fac.source = f.values[8];
        fac.location_note = f.values[9];
        fac.outside_territory = f.values[10] == "1";
        if (!f.geometry) throw geo::Error("facility " + fac.id + " has no point in " + gpkg);
        fac.point = f.geometry.centroid();
        t.facilities.push_back(std::move(fac));
      }
    }
    {
      geo::ReadOptions o;
      o.layer = "indicateurs";
      o.fields = {"niveau", "code", "indicateur", "valeur", "periode", "source"};
      o.read_geometry = false;
      auto d = geo::read_layer(gpkg, o);
      for (auto& f : d.features) {
        t.indicators.push_back({f.values[0], f.values[1], f.values[2], std::stod(f.values[3]), f.values[4], f.values[5]});
      }
    }
    if (j.contains("regime")) {
      std::vector<std::string> codes;
      for (const auto& u : t.units) codes.push_back(u.code);
      t.regime = regime_from_json(j["regime"], codes, meta_path);
      for (const auto& s : t.regime.sites) {
        const bool found = std::any_of(t.facilities.begin(), t.facilities.end(),
                                       [&](const Facility& f) { return f.id == s.facility_id; });
        if (!found) throw geo::Error(meta_path + ": regime site " + s.facility_id + " is not a facility of territory.gpkg");
      }
    }
    if (t.has_roads) {
      t.profile = geo::RoadProfile::parse(j["profile"].dump(), meta_path);
      t.graph_fingerprint = std::stoull(j.value("graph_fingerprint", "0"), nullptr, 16);
      try {
        t.graph = geo::load_graph(parts.graph_path, t.graph_fingerprint);
      } catch (const geo::Error& e) {
        throw geo::Error(std::string(e.what()) + " (run `recompose import` again to rebuild this territory)");
      }
      // The hierarchy only speeds searches up: a territory without one (written by an
      // older version) routes with Dijkstra; a corrupted or stale one is refused.
      const std::string& ch_path = parts.ch_path;
      if (!ch_path.empty() && fs::exists(ch_path)) {
        try {
          t.ch = std::make_shared<const geo::ContractionHierarchy>(
              geo::load_contraction_hierarchy(ch_path, t.graph_fingerprint));
        } catch (const geo::Error& e) {
          throw geo::Error(std::string(e.what()) + " (run `recompose import` again to rebuild this territory)");
        }
        if (t.ch->node_count() != t.graph.node_count()) {
          throw geo::Error(ch_path + ": hierarchy of another graph (run `recompose import` again)");
        }
      }
      geo::Snapper snapper(t.graph, t.profile.snap_max_distance_m, t.profile.access_speed_kmh,
                        t.profile.no_roadside_access);
      for (auto& u : t.units) u.snap = SnapInfo(snapper.snap(u.point));
      for (auto& f : t.facilities) f.snap = SnapInfo(snapper.snap(f.point));
    }
    return t;
  }
}

}  // namespace recompose::planner
