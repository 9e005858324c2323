// Robustness: every family of bad input the planners meet in real open data
// (geometry, CRS, tables, facilities, roads, scenarios, indicators) is fed to the
// built `recompose` binary (RECOMPOSE_CLI), and each case checks its exact outcome:
// the exit code (0 ok, 1 bad input, 2 usage) and a message naming the culprit, or a
// diagnostic code in import_report.json while the import goes on. Never a crash
// (exit >= 128), never a hang (every run is under `timeout`).
//
// The bad files are built from the real raw data (RECOMPOSE_DATA_ROOT or
// ${RECOMPOSE_SOURCE_DIR}/../shared/datasets/raw): a few real features or rows are
// copied into a temporary directory and corrupted there, or taken from
// tests/robustness/corpus/ (small files, see its README.md). Most imports use a
// "mini" territory of three real communes of the Loire basin (Le Chambon-Feugerolles
// 42044, Firminy 42095, Boulieu-lès-Annonay 07041) without roads, so that each costs
// a fraction of a second; scenarios run on the real Loire territory, imported once
// per run of this file.
#include <catch2/catch.hpp>

#include <gdal.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "geo/output_folder.hpp"
#include "geo/vector_io.hpp"
#include "planner/territory.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace recompose::test;

namespace {

// ---------------------------------------------------------------------------
// Helpers: paths, temporary directories, running the CLI

std::string corpus_file(const std::string& name) {
  const fs::path p = source_dir() / "tests" / "robustness" / "corpus" / name;
  INFO("corpus file " << p.string());
  REQUIRE(fs::exists(p));
  return p.string();
}

bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

// True when `s` is valid UTF-8 (no stray Windows-1252 / Latin-1 bytes).
bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += len;
  }
  return true;
}

// A "nan" or "inf" token (not part of a word) in an output meant to hold numbers.
bool has_non_finite_token(const std::string& text) {
  std::string low(text.size(), ' ');
  std::transform(text.begin(), text.end(), low.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  auto is_letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  for (const char* token : {"nan", "inf"}) {
    for (std::size_t pos = low.find(token); pos != std::string::npos; pos = low.find(token, pos + 1)) {
      const bool left_ok = pos == 0 || !is_letter(low[pos - 1]);
      const std::size_t end = pos + 3;
      const bool right_ok = end >= low.size() || !is_letter(low[end]) || low.compare(end, 5, "inity") == 0;
      if (left_ok && right_ok) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Import report helpers

const json* join_row(const json& report, const std::string& name_prefix) {
  if (!report.contains("joins")) return nullptr;
  for (const auto& j : report["joins"]) {
    if (j.value("name", "").rfind(name_prefix, 0) == 0) return &j;
  }
  return nullptr;
}

// Diagnostics with this code whose "where" + "message" contain every needle.
std::vector<json> find_diags(const json& report, const std::string& code,
                             const std::vector<std::string>& needles = {}) {
  std::vector<json> out;
  if (!report.contains("diagnostics")) return out;
  for (const auto& d : report["diagnostics"]) {
    if (d.value("code", "") != code) continue;
    const std::string text = d.value("where", "") + " | " + d.value("message", "");
    if (std::all_of(needles.begin(), needles.end(), [&](const std::string& n) { return contains(text, n); })) {
      out.push_back(d);
    }
  }
  return out;
}

std::size_t count_diags(const json& report, const std::string& code) { return find_diags(report, code).size(); }

double population_total(const json& report, const std::string& source_prefix) {
  for (const auto& p : report["populations"]) {
    if (p.value("source", "").rfind(source_prefix, 0) == 0) return p["total"].get<double>();
  }
  FAIL("no population total '" << source_prefix << "' in the import report");
  return 0;
}

const recompose::planner::Commune* commune(const recompose::planner::Territory& t, const std::string& code) {
  return t.find_commune(code);
}

const recompose::planner::Unit* unit(const recompose::planner::Territory& t, const std::string& code) {
  for (const auto& u : t.units) {
    if (u.code == code) return &u;
  }
  return nullptr;
}

const recompose::planner::Facility* facility(const recompose::planner::Territory& t, const std::string& id) {
  for (const auto& f : t.facilities) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// The mini territory: real data of four communes, copied once per run

const std::vector<std::string> kMiniCommunes = {"42044", "42095", "07041", "07044"};

struct HospitalRow {
  std::string id, name, lat, lon, type, capacity;
};

struct MiniData {
  TempDir dir;
  std::string population_json, communes_geojson, iris_geojson, iris_population_csv;
  std::map<std::string, std::string> commune_names;       // code -> name (selection CSV)
  std::map<std::string, std::vector<json>> iris_by_commune;  // real IRIS features
  std::vector<json> population_records;                    // real etalab records
  std::vector<json> commune_features;                      // real commune polygons
  std::vector<std::string> iris_population_lines;          // header first
  std::map<std::string, HospitalRow> hospitals;            // real FINESS rows by id
};

bool is_mini(const std::string& code) {
  return std::find(kMiniCommunes.begin(), kMiniCommunes.end(), code) != kMiniCommunes.end();
}

const MiniData& mini_data() {
  // Destroyed at exit, which removes its temporary directory.
  static const std::unique_ptr<MiniData> d = [] {
    auto m = std::make_unique<MiniData>();
    // Commune populations (etalab records).
    const json records = read_json(data_file("etalab-decoupage-administratif/communes-42-43-69-07.json"));
    for (const auto& r : records) {
      if (r.value("type", "") == "commune-actuelle" && is_mini(r.value("code", ""))) {
        m->population_records.push_back(r);
        m->commune_names[r["code"].get<std::string>()] = r["nom"].get<std::string>();
      }
    }
    REQUIRE(m->population_records.size() == kMiniCommunes.size());
    m->population_json = m->dir.file("communes-population.json");
    write_json(m->population_json, m->population_records);
    // Commune polygons.
    for (const char* rel : {"france-geojson/communes-42-loire.geojson",
                            "france-geojson/communes-43-69-07-emprise-routes-ste.geojson"}) {
      const json layer = read_json(data_file(rel));
      for (const auto& f : layer["features"]) {
        if (is_mini(f["properties"].value("code", ""))) m->commune_features.push_back(f);
      }
    }
    REQUIRE(m->commune_features.size() == kMiniCommunes.size());
    m->communes_geojson = m->dir.file("communes.geojson");
    write_json(m->communes_geojson, {{"type", "FeatureCollection"}, {"features", m->commune_features}});
    // IRIS polygons.
    json iris_all = {{"type", "FeatureCollection"}, {"features", json::array()}};
    const json iris_layer = read_json(data_file("contours-iris-2020/contours-iris-2020-42-43-69-07.geojson"));
    for (const auto& f : iris_layer["features"]) {
      const std::string c = f["properties"].value("insee_com", "");
      if (!is_mini(c)) continue;
      m->iris_by_commune[c].push_back(f);
      iris_all["features"].push_back(f);
    }
    REQUIRE(m->iris_by_commune["42044"].size() == 6);
    REQUIRE(m->iris_by_commune["42095"].size() == 9);
    REQUIRE(m->iris_by_commune["07041"].size() == 1);
    m->iris_geojson = m->dir.file("iris.geojson");
    write_json(m->iris_geojson, iris_all);
    // IRIS population weights (RP 2016 rows of these communes).
    {
      std::ifstream in(data_file("insee-iris/rp2016-population-iris-habitat-42-43-69-07.csv"));
      std::string line;
      std::getline(in, line);
      m->iris_population_lines.push_back(line);
      while (std::getline(in, line)) {
        if (line.size() > 5 && is_mini(line.substr(0, 5))) m->iris_population_lines.push_back(line);
      }
      REQUIRE(m->iris_population_lines.size() > 10);
      std::string text;
      for (const auto& l : m->iris_population_lines) text += l + "\n";
      m->iris_population_csv = m->dir.file("iris-population.csv");
      write_text(m->iris_population_csv, text);
    }
    // FINESS hospital rows, read as text through the project's own reader.
    recompose::geo::ReadOptions o;
    o.fields = {"id", "hospital_name", "lat", "lon", "facility_type"};
    o.read_geometry = false;
    const auto layer = recompose::geo::read_layer(data_file("eurostat-healthcare/hospitals-finess-2020-42-43-69-07.csv"), o);
    for (const auto& f : layer.features) {
      m->hospitals[f.values[0]] = {f.values[0], f.values[1], f.values[2], f.values[3], f.values[4], ""};
    }
    REQUIRE(m->hospitals.count("420000234"));  // CENTRE HOSPITALIER DE FIRMINY
    REQUIRE(m->hospitals.count("420000010"));  // CENTRE HOSPITALIER DE ROANNE
    return m;
  }();
  return *d;
}

HospitalRow real_hospital(const std::string& id) {
  const auto& h = mini_data().hospitals;
  auto it = h.find(id);
  REQUIRE(it != h.end());
  return it->second;
}

std::string csv_field(const std::string& v) {
  return v.find_first_of(",\"\n") == std::string::npos ? v : "\"" + v + "\"";
}

// id,hospital_name,lat,lon,facility_type,cap_beds
void write_hospitals(const std::string& path, const std::vector<HospitalRow>& rows) {
  std::string text = "id,hospital_name,lat,lon,facility_type,cap_beds\n";
  for (const auto& r : rows) {
    text += csv_field(r.id) + "," + csv_field(r.name) + "," + r.lat + "," + r.lon + "," + csv_field(r.type) + "," +
            r.capacity + "\n";
  }
  write_text(path, text);
}

void write_selection(const std::string& path, const std::vector<std::string>& codes, char sep = ',') {
  std::string text = std::string("code") + sep + "nom\n";
  for (const auto& c : codes) {
    auto it = mini_data().commune_names.find(c);
    text += c + sep + (it == mini_data().commune_names.end() ? std::string("Inconnue") : it->second) + "\n";
  }
  write_text(path, text);
}

json loire_manifest() {
  json m = read_json((source_dir() / "datasets" / "loire.json").string());
  m["roads"]["profile"] = car_profile();
  absolute_regime_paths(m);
  return m;
}

// The roads block of a layer cut from the Saint-Étienne Subway Builder file (class
// field `roadClass`: highway/major/minor, no direction), as small_roads() writes it.
json small_roads_block(const std::string& path) {
  return {{"kind", "lines"},
          {"path", path},
          {"class_field", "roadClass"},
          {"class_map", {{"highway", "road_class_highway"}, {"major", "road_class_major"}, {"minor", "road_class_minor"}}},
          {"profile", car_profile()},
          {"source", "extrait du fichier Subway Builder STE (test)"}};
}

// datasets/loire.json narrowed to the mini communes: selection, populations,
// polygons and IRIS are the real records of these communes; one real FINESS
// hospital (CH de Firminy); no indicator; no road network.
json mini_manifest(const TempDir& tmp, const std::vector<std::string>& selection = {"42044", "42095", "07041"}) {
  const MiniData& d = mini_data();
  json m = loire_manifest();
  m["name"] = "mini";
  m["title"] = "Trois communes du bassin de la Loire (test de robustesse)";
  write_selection(tmp.file("selection.csv"), selection);
  m["communes"]["select"] = {{"path", tmp.file("selection.csv")}, {"code", "code"}, {"source", "test"}};
  m["communes"]["population"]["path"] = d.population_json;
  m["communes"]["geometry"] = json::array({{{"path", d.communes_geojson}, {"code", "code"}, {"source", "test"}}});
  m["units"]["path"] = d.iris_geojson;
  m["units"]["population"]["path"] = d.iris_population_csv;
  write_hospitals(tmp.file("hospitals.csv"), {real_hospital("420000234")});
  json fac = m["facilities"][0];
  fac["path"] = tmp.file("hospitals.csv");
  m["facilities"] = json::array({fac});
  m["indicators"] = json::array();
  m["roads"] = {{"kind", "none"}, {"reason", "Test de robustesse : pas de réseau routier."}};
  m.erase("regime");  // the regime's sites and affiliates are tested in tests/planner/offer/
  return m;
}

// `recompose import MANIFEST --out DIR --data-root ROOT --quiet`.

json import_report(const TempDir& tmp, const std::string& out = "out") {
  return read_json(tmp.file(out + "/import_report.json"));
}

// Imports and requires success; returns the report.
json import_ok(const TempDir& tmp, const json& manifest) {
  const Run r = run_import(tmp, manifest);
  INFO(r.output);
  REQUIRE(r.code == 0);
  return import_report(tmp);
}

recompose::planner::Territory load(const TempDir& tmp, const std::string& out = "out") {
  return recompose::planner::load_territory(tmp.file(out));
}

// The mini manifest with the IRIS of commune 42044 only, as `features`.
json mini_with_iris(const TempDir& tmp, const std::vector<json>& features) {
  json m = mini_manifest(tmp, {"42044"});
  const std::string path = tmp.file("iris-42044.geojson");
  write_json(path, {{"type", "FeatureCollection"}, {"features", features}});
  m["units"]["path"] = path;
  return m;
}

std::vector<json> iris_42044() { return mini_data().iris_by_commune.at("42044"); }

struct Box {
  double minx = 1e9, miny = 1e9, maxx = -1e9, maxy = -1e9;
};

Box ring_box(const json& ring) {
  Box b;
  for (const auto& p : ring) {
    b.minx = std::min(b.minx, p[0].get<double>());
    b.maxx = std::max(b.maxx, p[0].get<double>());
    b.miny = std::min(b.miny, p[1].get<double>());
    b.maxy = std::max(b.maxy, p[1].get<double>());
  }
  return b;
}

json first_ring(const json& feature) {
  const json& g = feature["geometry"];
  return g["type"] == "Polygon" ? g["coordinates"][0] : g["coordinates"][0][0];
}

json pt(double x, double y) { return json::array({x, y}); }

// ---------------------------------------------------------------------------
// A small real road layer: the roads of the Saint-Étienne extract that lie in a box
// around Firminy and Le Chambon-Feugerolles (the main component), plus one road of
// Brossainc (07044), ~27 km away: an isolated component.

struct SmallRoads {
  TempDir dir;
  std::string path, no_class_path;
  json isolated_vertex;  // [lon, lat] of a vertex of the isolated road
};

const SmallRoads& small_roads() {
  // Destroyed at exit, which removes its temporary directory.
  static const std::unique_ptr<SmallRoads> s = [] {
    auto r = std::make_unique<SmallRoads>();
    const json all = read_json(data_file("roads/saint-etienne/roads-STE-saint-etienne-osm.geojson"));
    auto inside = [](const json& f, double x0, double y0, double x1, double y1) {
      if (f["geometry"].is_null() || f["geometry"]["type"] != "LineString") return false;
      for (const auto& p : f["geometry"]["coordinates"]) {
        const double x = p[0].get<double>(), y = p[1].get<double>();
        if (x < x0 || x > x1 || y < y0 || y > y1) return false;
      }
      return true;
    };
    json keep = json::array();
    json isolated;
    for (const auto& f : all["features"]) {
      if (inside(f, 4.26, 45.37, 4.34, 45.41)) keep.push_back(f);
      if (isolated.is_null() && inside(f, 4.65882, 45.31415, 4.69439, 45.34276)) isolated = f;
    }
    REQUIRE(keep.size() > 500);
    REQUIRE_FALSE(isolated.is_null());
    keep.push_back(isolated);
    r->isolated_vertex = isolated["geometry"]["coordinates"][1];
    r->path = r->dir.file("roads-firminy.geojson");
    write_json(r->path, {{"type", "FeatureCollection"}, {"features", keep}});
    for (auto& f : keep) f["properties"].erase("roadClass");
    r->no_class_path = r->dir.file("roads-sans-classe.geojson");
    write_json(r->no_class_path, {{"type", "FeatureCollection"}, {"features", keep}});
    return r;
  }();
  return *s;
}

// ---------------------------------------------------------------------------
// The real Loire territory, imported once per run; the input files' contents are
// kept from before the import for the "nothing lost" case.

struct LoireTerritory {
  TempDir tmp;
  std::string dir;
  std::map<std::string, std::string> inputs_before;  // path -> contents before the import
};

std::vector<std::string> manifest_inputs(const json& m) {
  std::vector<std::string> rel;
  auto add = [&](const json& layer) {
    if (layer.is_object() && layer.contains("path")) rel.push_back(layer["path"].get<std::string>());
  };
  add(m["communes"]["select"]);
  add(m["communes"]["population"]);
  for (const auto& g : m["communes"]["geometry"]) add(g);
  add(m["communes"]["epci"]);
  add(m["communes"]["zonage"]);
  add(m["units"]);
  add(m["units"]["population"]);
  for (const auto& f : m["facilities"]) add(f);
  for (const auto& i : m["indicators"]) add(i);
  add(m["roads"]);
  std::vector<std::string> out;
  for (const auto& r : rel) out.push_back(fs::path(r).is_absolute() ? r : (fs::path(data_root()) / r).string());
  return out;
}

const LoireTerritory& loire_territory() {
  // Destroyed at exit, which removes its temporary directory.
  static const std::unique_ptr<LoireTerritory> t = [] {
    auto l = std::make_unique<LoireTerritory>();
    const json m = loire_manifest();
    std::vector<std::string> inputs = manifest_inputs(m);
    inputs.push_back(car_profile());
    inputs.push_back((source_dir() / "datasets" / "loire.json").string());
    for (const auto& p : inputs) {
      INFO("input " << p);
      REQUIRE(fs::exists(p));
      l->inputs_before[p] = read_text(p);
    }
    const Run r = run_import(l->tmp, m, "loire");
    INFO(r.output);
    REQUIRE(r.code == 0);
    l->dir = l->tmp.file("loire");
    return l;
  }();
  return *t;
}

// `recompose evaluate LOIRE --scenario FILE --out DIR`.
Run evaluate_loire(const TempDir& tmp, const std::string& scenario_file, const std::string& out = "eval",
                   int limit_s = 120) {
  return run_cli("evaluate " + shell_quote(loire_territory().dir) + " --scenario " + shell_quote(scenario_file) +
                     " --out " + shell_quote(tmp.file(out)),
                 tmp.str(), limit_s);
}

// Writes a scenario and evaluates it on the Loire territory.
Run evaluate_scenario_text(const TempDir& tmp, const std::string& text, const std::string& name = "scenario.json") {
  const std::string path = tmp.file(name);
  write_text(path, text);
  return evaluate_loire(tmp, path);
}

bool non_finite_value(std::string v) {
  std::transform(v.begin(), v.end(), v.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.erase(0, 1);
  return v == "nan" || v == "inf" || v == "infinity";
}

// Every numeric output of an evaluation directory is free of NaN and infinities:
// no such CSV value, every JSON file parses (NaN/Infinity are not JSON), no such
// token in the report.
void check_outputs_finite(const std::string& dir) {
  for (const char* name : {"unites.csv", "etablissements.csv", "communes.csv", "epci.csv", "zones_emploi.csv",
                           "territoire.csv", "licences_pharmacie.csv"}) {
    const std::string path = (fs::path(dir) / name).string();
    INFO("output " << path);
    REQUIRE(fs::exists(path));
    for (const auto& row : read_csv(path)) {
      for (const auto& [col, v] : row) {
        INFO("column " << col);
        CHECK_FALSE(non_finite_value(v));
      }
    }
  }
  for (const char* name : {"summary.json", "unites.geojson", "etablissements.geojson", "bassins.geojson"}) {
    const std::string path = (fs::path(dir) / name).string();
    INFO("output " << path);
    REQUIRE(fs::exists(path));
    CHECK_NOTHROW(json::parse(read_text(path)));
  }
  CHECK_FALSE(has_non_finite_token(read_text((fs::path(dir) / "rapport.md").string())));
}

}  // namespace

// ===========================================================================
// Geometry

TEST_CASE("A self-intersecting (bow-tie) IRIS polygon is repaired and reported", "[robustness][geometry]") {
  TempDir tmp;
  auto features = iris_42044();
  const Box b = ring_box(first_ring(features[0]));
  features[0]["geometry"] = {{"type", "Polygon"},
                             {"coordinates", json::array({json::array({pt(b.minx, b.miny), pt(b.maxx, b.maxy),
                                                                       pt(b.maxx, b.miny), pt(b.minx, b.maxy),
                                                                       pt(b.minx, b.miny)})})}};
  const json report = import_ok(tmp, mini_with_iris(tmp, features));
  const auto d = find_diags(report, "geometry-repaired", {"iris-42044.geojson", "feature 0", "IRIS 420440101"});
  REQUIRE(d.size() == 1);
  CHECK(d[0]["severity"] == "warning");
  CHECK(report["geometries_repaired"] == 1);
  const json* units = layer_row(report, "unités (IRIS)");
  REQUIRE(units != nullptr);
  CHECK((*units)["read"] == 6);
  CHECK((*units)["kept"] == 6);
  const auto t = load(tmp);
  REQUIRE(unit(t, "420440101") != nullptr);
  CHECK(unit(t, "420440101")->area_km2 > 0);
  // The territory file flags the repaired unit.
  recompose::geo::ReadOptions o;
  o.layer = "unites";
  o.fields = {"code_iris", "geometrie_reparee"};
  o.read_geometry = false;
  std::map<std::string, std::string> repaired;
  for (const auto& f : recompose::geo::read_layer(tmp.file("out/territory.gpkg"), o).features) {
    repaired[f.values[0]] = f.values[1];
  }
  CHECK(repaired["420440101"] == "1");
  CHECK(repaired["420440102"] == "0");
}

TEST_CASE("A self-touching IRIS ring is repaired without losing area", "[robustness][geometry]") {
  TempDir tmp;
  auto features = iris_42044();
  const Box b = ring_box(first_ring(features[0]));
  const double midx = (b.minx + b.maxx) / 2;
  // The notch vertex (midx, miny) lies on the ring's own first edge: the ring touches itself there.
  features[0]["geometry"] = {{"type", "Polygon"},
                             {"coordinates", json::array({json::array({pt(b.minx, b.miny), pt(b.maxx, b.miny),
                                                                       pt(b.maxx, b.maxy), pt(midx, b.miny),
                                                                       pt(b.minx, b.maxy), pt(b.minx, b.miny)})})}};
  const json report = import_ok(tmp, mini_with_iris(tmp, features));
  const auto d = find_diags(report, "geometry-repaired", {"iris-42044.geojson", "IRIS 420440101"});
  REQUIRE(d.size() == 1);
  CHECK(report["geometries_repaired"] == 1);
  CHECK((*layer_row(report, "unités (IRIS)"))["kept"] == 6);
  const auto t = load(tmp);
  REQUIRE(unit(t, "420440101") != nullptr);
  CHECK(unit(t, "420440101")->area_km2 > 0);
}

TEST_CASE("An IRIS ring that is not closed is refused with a diagnostic and the commune keeps its population",
          "[robustness][geometry]") {
  TempDir tmp;
  auto features = iris_42044();
  json ring = features[0]["geometry"]["coordinates"][0];
  REQUIRE(ring.front() == ring.back());
  ring.erase(ring.size() - 1);  // first != last: RFC 7946 says a ring must be closed
  features[0]["geometry"]["coordinates"][0] = ring;
  const json report = import_ok(tmp, mini_with_iris(tmp, features));
  // GDAL passes the open ring on, GEOS refuses it: the feature is named, the unit skipped.
  CHECK(find_diags(report, "bad-geometry", {"iris-42044.geojson", "feature 0"}).size() == 1);
  CHECK(find_diags(report, "unit-without-geometry", {"iris-42044.geojson", "IRIS 420440101"}).size() == 1);
  CHECK((*layer_row(report, "unités (IRIS)"))["kept"] == 5);
  CHECK(population_total(report, "population des unités") ==
        Approx(population_total(report, "population communale")).epsilon(1e-9));
}

TEST_CASE("An IRIS with an empty geometry is skipped with a diagnostic", "[robustness][geometry]") {
  TempDir tmp;
  auto features = iris_42044();
  features[0]["geometry"] = {{"type", "Polygon"}, {"coordinates", json::array()}};
  const json report = import_ok(tmp, mini_with_iris(tmp, features));
  CHECK(find_diags(report, "null-geometry", {"iris-42044.geojson", "feature 0"}).size() == 1);
  const auto d = find_diags(report, "unit-without-geometry", {"iris-42044.geojson", "IRIS 420440101"});
  REQUIRE(d.size() == 1);
  CHECK(d[0]["severity"] == "error");
  CHECK((*layer_row(report, "unités (IRIS)"))["kept"] == 5);
  const auto t = load(tmp);
  CHECK(unit(t, "420440101") == nullptr);
  CHECK(t.units.size() == 5);
}

TEST_CASE("An IRIS with a null geometry is skipped with a diagnostic", "[robustness][geometry]") {
  TempDir tmp;
  auto features = iris_42044();
  features[2]["geometry"] = nullptr;
  const json report = import_ok(tmp, mini_with_iris(tmp, features));
  CHECK(find_diags(report, "null-geometry", {"iris-42044.geojson", "feature 2"}).size() == 1);
  CHECK(find_diags(report, "unit-without-geometry", {"iris-42044.geojson", "IRIS 420440103"}).size() == 1);
  CHECK((*layer_row(report, "unités (IRIS)"))["kept"] == 5);
  CHECK(population_total(report, "population des unités") ==
        Approx(population_total(report, "population communale")).epsilon(1e-9));
}

TEST_CASE("A unit layer holding lines instead of polygons reports not-a-polygon for each feature",
          "[robustness][geometry]") {
  TempDir tmp;
  auto features = iris_42044();
  for (auto& f : features) f["geometry"] = {{"type", "LineString"}, {"coordinates", first_ring(f)}};
  const json report = import_ok(tmp, mini_with_iris(tmp, features));
  CHECK(count_diags(report, "not-a-polygon") == 6);
  const auto d = find_diags(report, "not-a-polygon", {"iris-42044.geojson", "feature 3", "IRIS 420440201", "LineString"});
  REQUIRE(d.size() == 1);
  CHECK(d[0]["severity"] == "error");
  CHECK((*layer_row(report, "unités (IRIS)"))["kept"] == 0);
  // The commune then stands as its own unit, with its whole population.
  CHECK(find_diags(report, "commune-without-iris", {"commune 42044"}).size() == 1);
  const auto t = load(tmp);
  REQUIRE(t.units.size() == 1);
  CHECK(t.units[0].code == "420440000");
  CHECK(t.units[0].population == Approx(12314));
}

TEST_CASE("A duplicated IRIS feature is kept once with a duplicate-code diagnostic", "[robustness][geometry]") {
  TempDir tmp;
  auto features = iris_42044();
  features.push_back(features[0]);
  const json report = import_ok(tmp, mini_with_iris(tmp, features));
  const auto d = find_diags(report, "duplicate-code", {"iris-42044.geojson", "feature 6", "IRIS 420440101"});
  REQUIRE(d.size() == 1);
  const json* units = layer_row(report, "unités (IRIS)");
  CHECK((*units)["read"] == 7);
  CHECK((*units)["kept"] == 6);
  CHECK(population_total(report, "population des unités") == Approx(12314));
}

TEST_CASE("A bow-tie commune polygon is repaired and reported naming the commune", "[robustness][geometry]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  json features = json::array();
  for (auto f : mini_data().commune_features) {
    if (f["properties"]["code"] == "42044") {
      const Box b = ring_box(first_ring(f));
      f["geometry"] = {{"type", "Polygon"},
                       {"coordinates", json::array({json::array({pt(b.minx, b.miny), pt(b.maxx, b.maxy),
                                                                 pt(b.maxx, b.miny), pt(b.minx, b.maxy),
                                                                 pt(b.minx, b.miny)})})}};
    }
    features.push_back(f);
  }
  write_json(tmp.file("communes-bowtie.geojson"), {{"type", "FeatureCollection"}, {"features", features}});
  m["communes"]["geometry"][0]["path"] = tmp.file("communes-bowtie.geojson");
  const json report = import_ok(tmp, m);
  CHECK(find_diags(report, "geometry-repaired", {"communes-bowtie.geojson", "commune 42044"}).size() == 1);
  CHECK(report["geometries_repaired"] == 1);
  const json* j = join_row(report, "polygones communaux");
  REQUIRE(j != nullptr);
  CHECK((*j)["unmatched"] == 0);
}

// ===========================================================================
// CRS

TEST_CASE("A shapefile of IRIS without .prj is refused naming the file and the missing CRS", "[robustness][crs]") {
  TempDir tmp;
  const std::string shp = tmp.file("iris-sans-prj.shp");
  {
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("ESRI Shapefile");
    REQUIRE(drv != nullptr);
    GDALDatasetH ds = GDALCreate(drv, shp.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    REQUIRE(ds != nullptr);
    OGRLayerH layer = GDALDatasetCreateLayer(ds, "iris-sans-prj", nullptr, wkbPolygon, nullptr);  // no CRS
    REQUIRE(layer != nullptr);
    const std::vector<std::string> fields = {"code_iris", "insee_com", "nom_iris", "typ_iris"};
    for (const auto& name : fields) {
      OGRFieldDefnH def = OGR_Fld_Create(name.c_str(), OFTString);
      REQUIRE(OGR_L_CreateField(layer, def, 1) == OGRERR_NONE);
      OGR_Fld_Destroy(def);
    }
    for (const auto& f : iris_42044()) {
      OGRFeatureH feat = OGR_F_Create(OGR_L_GetLayerDefn(layer));
      for (const auto& name : fields) {
        OGR_F_SetFieldString(feat, OGR_F_GetFieldIndex(feat, name.c_str()),
                             f["properties"][name].get<std::string>().c_str());
      }
      OGRGeometryH g = OGR_G_CreateGeometryFromJson(f["geometry"].dump().c_str());
      REQUIRE(g != nullptr);
      OGR_F_SetGeometryDirectly(feat, g);
      REQUIRE(OGR_L_CreateFeature(layer, feat) == OGRERR_NONE);
      OGR_F_Destroy(feat);
    }
    GDALClose(ds);
  }
  REQUIRE(fs::exists(shp));
  REQUIRE_FALSE(fs::exists(tmp.file("iris-sans-prj.prj")));
  json m = mini_manifest(tmp, {"42044"});
  m["units"]["path"] = shp;
  const Run r = run_import(tmp, m);
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("iris-sans-prj.shp") && Catch::Contains("CRS"));
  CHECK_FALSE(fs::exists(tmp.file("out/import_report.json")));
  CHECK_FALSE(fs::exists(tmp.file("out/territory.gpkg")));
}

TEST_CASE("A CSV of IRIS with WKT geometries and no CRS is refused naming the file and the missing CRS",
          "[robustness][crs]") {
  TempDir tmp;
  std::string text = "WKT,code_iris,insee_com,nom_iris,typ_iris\n";
  for (const auto& f : iris_42044()) {
    std::string wkt = "POLYGON ((";
    const json ring = first_ring(f);
    for (std::size_t i = 0; i < ring.size(); ++i) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s%.6f %.6f", i ? ", " : "", ring[i][0].get<double>(), ring[i][1].get<double>());
      wkt += buf;
    }
    wkt += "))";
    const auto& p = f["properties"];
    text += "\"" + wkt + "\"," + p["code_iris"].get<std::string>() + "," + p["insee_com"].get<std::string>() + ",\"" +
            p["nom_iris"].get<std::string>() + "\"," + p["typ_iris"].get<std::string>() + "\n";
  }
  write_text(tmp.file("iris-wkt.csv"), text);
  json m = mini_manifest(tmp, {"42044"});
  m["units"]["path"] = tmp.file("iris-wkt.csv");
  const Run r = run_import(tmp, m);
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("iris-wkt.csv") && Catch::Contains("CRS"));
  CHECK_FALSE(fs::exists(tmp.file("out/import_report.json")));
}

TEST_CASE("Facility x/y columns without a declared CRS are refused naming the file", "[robustness][crs]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["facilities"][0].erase("crs");
  const Run r = run_import(tmp, m);
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("hospitals.csv") && Catch::Contains("CRS") && Catch::Contains("lon"));
}

TEST_CASE("Lambert-93 coordinates declared as WGS84 leave the facility out with a diagnostic naming the feature",
          "[robustness][crs]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  HospitalRow h = real_hospital("420000234");
  h.lon = "800858.0";  // CH de Firminy in Lambert-93, in the lon/lat columns
  h.lat = "6477299.9";
  write_hospitals(tmp.file("hospitals.csv"), {h});
  const json report = import_ok(tmp, m);
  const json* row = layer_row(report, "établissements: hospital");
  REQUIRE(row != nullptr);
  CHECK((*row)["read"] == 1);
  CHECK((*row)["kept"] == 0);
  // Out of the WGS84 range: the transform fails (or the point lies outside): either way the feature is named.
  const auto failed = find_diags(report, "crs-transform-failed", {"hospitals.csv", "feature 1"});
  const auto outside = find_diags(report, "facility-outside-territory", {"hospitals.csv", "FINESS-420000234"});
  CHECK(failed.size() + outside.size() == 1);
  CHECK(load(tmp).facilities.empty());
}

TEST_CASE("Swapped lat/lon in a facility CSV put the facility outside the territory", "[robustness][crs]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  HospitalRow h = real_hospital("420000234");
  std::swap(h.lat, h.lon);
  write_hospitals(tmp.file("hospitals.csv"), {h});
  const json report = import_ok(tmp, m);
  const auto d = find_diags(report, "facility-outside-territory", {"hospitals.csv", "feature 1", "FINESS-420000234"});
  REQUIRE(d.size() == 1);
  const json* row = layer_row(report, "établissements: hospital");
  CHECK((*row)["kept"] == 0);
  CHECK_THAT((*row)["note"].get<std::string>(), Catch::StartsWith("1 hors du territoire"));
}

TEST_CASE("WGS84 degrees declared as EPSG:2154 put the facility outside the territory", "[robustness][crs]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["facilities"][0]["crs"] = "EPSG:2154";
  const json report = import_ok(tmp, m);
  CHECK(find_diags(report, "facility-outside-territory", {"hospitals.csv", "FINESS-420000234"}).size() == 1);
  const json* row = layer_row(report, "établissements: hospital");
  CHECK((*row)["crs"] == "EPSG:2154");
  CHECK((*row)["kept"] == 0);
  CHECK_THAT((*row)["note"].get<std::string>(), Catch::StartsWith("1 hors du territoire"));
}

// ===========================================================================
// Tables

namespace {

// The mini manifest with the population record of 42044 changed by `edit`.
json mini_with_population(const TempDir& tmp, const std::function<void(json&)>& edit) {
  json m = mini_manifest(tmp);
  std::vector<json> records = mini_data().population_records;
  for (auto& r : records) {
    if (r.value("code", "") == "42044") edit(r);
  }
  write_json(tmp.file("communes-population-bad.json"), records);
  m["communes"]["population"]["path"] = tmp.file("communes-population-bad.json");
  return m;
}

// The import stops (exit 1) naming the file, the record, the commune and the value:
// a population that cannot be read is never counted as 0.
void check_population_refused(const TempDir& tmp, const Run& r, const std::string& raw) {
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK(contains(r.output, "communes-population-bad.json"));
  CHECK(contains(r.output, "feature "));
  CHECK(contains(r.output, "commune 42044"));
  CHECK(contains(r.output, "population '" + raw + "'"));
  CHECK_FALSE(fs::exists(tmp.file("out/territory.json")));  // nothing half-written
}

}  // namespace

TEST_CASE("A commune population record without population stops the import, naming it", "[robustness][tables]") {
  TempDir tmp;
  const Run r = run_import(tmp, mini_with_population(tmp, [](json& rec) { rec.erase("population"); }));
  check_population_refused(tmp, r, "");
}

TEST_CASE("A negative commune population stops the import, naming it", "[robustness][tables]") {
  TempDir tmp;
  const Run r = run_import(tmp, mini_with_population(tmp, [](json& rec) { rec["population"] = -12314; }));
  check_population_refused(tmp, r, "-12314");
}

TEST_CASE("A non-numeric commune population stops the import, naming it", "[robustness][tables]") {
  TempDir tmp;
  const Run r = run_import(tmp, mini_with_population(tmp, [](json& rec) { rec["population"] = "douze mille"; }));
  check_population_refused(tmp, r, "douze mille");
  TempDir tmp2;
  // Badly grouped thousands are not guessed.
  const Run r2 = run_import(tmp2, mini_with_population(tmp2, [](json& rec) { rec["population"] = "123 14"; }));
  check_population_refused(tmp2, r2, "123 14");
}

TEST_CASE("Populations of the corpus typed the French way are read exactly", "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["communes"]["population"] = {{"path", corpus_file("population-communes-french-spaces.csv")},
                                 {"code", "code"}, {"name", "nom"}, {"population", "population"},
                                 {"year", 2026}, {"source", "test"}};
  const json report = import_ok(tmp, m);
  const auto t = load(tmp);
  CHECK(commune(t, "42044")->population == 12314);
  CHECK(commune(t, "42095")->population == 17060);
  CHECK(commune(t, "07041")->population == 2248);
  CHECK(population_total(report, "population communale") == 31622);
}

TEST_CASE("Populations typed the French way (12 314, no-break spaces, decimal comma) are read exactly",
          "[robustness][tables]") {
  // Each form in turn for 42044 (12,314 inhabitants), in a semicolon CSV as a spreadsheet saves it.
  for (const std::string typed : {"12 314", "12\u00a0314", "12\u202f314", "12 314,0", "12314,0"}) {
    TempDir tmp;
    json m = mini_manifest(tmp);
    write_text(tmp.file("population-fr.csv"), "code;nom;population\n42044;Le Chambon-Feugerolles;" + typed +
                                                  "\n42095;Firminy;17\u00a0060\n07041;Boulieu-lès-Annonay;2 248\n");
    m["communes"]["population"] = {{"path", tmp.file("population-fr.csv")}, {"code", "code"}, {"name", "nom"},
                                   {"population", "population"}, {"year", 2026}, {"source", "test"}};
    INFO("population typed '" << typed << "'");
    const json report = import_ok(tmp, m);
    CHECK(count_diags(report, "population-missing") == 0);
    const auto t = load(tmp);
    CHECK(commune(t, "42044")->population == 12314);
    CHECK(commune(t, "42095")->population == 17060);
    CHECK(commune(t, "07041")->population == 2248);
    CHECK(population_total(report, "population communale") == 31622);
  }
}

TEST_CASE("A commune given twice in the population records is reported and its first population kept",
          "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  std::vector<json> records = mini_data().population_records;
  for (const auto& r : mini_data().population_records) {
    if (r.value("code", "") != "42044") continue;
    json twin = r;
    twin["population"] = 99999;  // a second, different record for the same commune
    records.push_back(twin);
  }
  write_json(tmp.file("communes-population-doublon.json"), records);
  m["communes"]["population"]["path"] = tmp.file("communes-population-doublon.json");
  const json report = import_ok(tmp, m);
  CHECK(find_diags(report, "duplicate-code", {"communes-population-doublon.json", "42044"}).size() == 1);
  const auto t = load(tmp);
  CHECK(commune(t, "42044")->population == 12314);
  CHECK(population_total(report, "population communale") == 31622);
}

TEST_CASE("A selection code that lost its leading zero (7041) is padded, reported and matched",
          "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  write_text(tmp.file("selection.csv"), "code,nom\n42044,Le Chambon-Feugerolles\n7041,Boulieu-lès-Annonay\n");
  const json report = import_ok(tmp, m);
  const auto d = find_diags(report, "code-padded", {"selection.csv", "feature 2", "'7041'", "'07041'"});
  REQUIRE(d.size() == 1);
  const json* j = join_row(report, "population communale");
  CHECK((*j)["matched"] == 2);
  CHECK((*j)["unmatched"] == 0);
  const auto t = load(tmp);
  REQUIRE(commune(t, "07041") != nullptr);
  CHECK(commune(t, "07041")->population == 2248);
  CHECK(unit(t, "070410000") != nullptr);
}

TEST_CASE("Selection codes exported as decimals (42044.0, 7041.0) are restored and matched", "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  write_text(tmp.file("selection.csv"), "code;nom\n42044.0;Le Chambon-Feugerolles\n7041.0;Boulieu-lès-Annonay\n");
  const json report = import_ok(tmp, m);
  CHECK(find_diags(report, "code-padded", {"selection.csv", "'7041.0'", "'07041'"}).size() == 1);
  const auto t = load(tmp);
  REQUIRE(t.communes.size() == 2);
  CHECK(commune(t, "42044") != nullptr);
  CHECK(commune(t, "07041") != nullptr);
  CHECK(t.units.size() == 7);
}

TEST_CASE("Populations written in exponent form (1.2314e4) are read exactly", "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["communes"]["population"] = {{"path", corpus_file("population-communes-exponent-semicolon.csv")},
                                 {"code", "code"},
                                 {"name", "nom"},
                                 {"population", "population"},
                                 {"year", 2026},
                                 {"source", "test"}};
  const json report = import_ok(tmp, m);
  CHECK(count_diags(report, "bad-population") == 0);
  CHECK(count_diags(report, "population-missing") == 0);
  const auto t = load(tmp);
  CHECK(commune(t, "42044")->population == 12314);
  CHECK(commune(t, "42095")->population == 17060);
  CHECK(commune(t, "07041")->population == 2248);
  CHECK(population_total(report, "population communale") == 31622);
}

TEST_CASE("A commune listed twice in the selection is kept once with a duplicate-code diagnostic",
          "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  write_selection(tmp.file("selection.csv"), {"42044", "42044", "07041"});
  const json report = import_ok(tmp, m);
  const auto d = find_diags(report, "duplicate-code", {"selection.csv", "feature 2", "42044"});
  REQUIRE(d.size() == 1);
  const auto t = load(tmp);
  CHECK(t.communes.size() == 2);
  CHECK(population_total(report, "population communale") == 12314 + 2248);
  const json* sel = layer_row(report, "communes (sélection)");
  REQUIRE(sel != nullptr);
  CHECK((*sel)["read"] == 3);
  CHECK((*sel)["kept"] == 2);  // the duplicate row is not kept
}

TEST_CASE("An IRIS code unknown to the territory is listed as unmatched in the IRIS population join",
          "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  std::string text;
  for (const auto& l : mini_data().iris_population_lines) text += l + "\n";
  const std::string last = mini_data().iris_population_lines.back();
  text += "420449999" + last.substr(last.find(','));  // a real row, given an IRIS code 42044 does not have
  text += "\n";
  write_text(tmp.file("iris-population-unknown.csv"), text);
  m["units"]["population"]["path"] = tmp.file("iris-population-unknown.csv");
  const json report = import_ok(tmp, m);
  const json* j = join_row(report, "population IRIS");
  REQUIRE(j != nullptr);
  CHECK((*j)["unmatched"] == 1);
  CHECK((*j)["unmatched_examples"] == json::array({"420449999"}));
  CHECK((*j)["matched"] == 15);  // the RP 2016 habitat table has 15 of the 16 IRIS (not 070410000)
}

TEST_CASE("A selected commune code that exists nowhere is reported in the joins and the import goes on",
          "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  write_selection(tmp.file("selection.csv"), {"42044", "42999"});
  const json report = import_ok(tmp, m);
  CHECK(find_diags(report, "population-missing", {"commune 42999"}).size() == 1);
  CHECK(find_diags(report, "commune-without-polygon", {"commune 42999"}).size() == 1);
  CHECK((*join_row(report, "population communale"))["unmatched_examples"] == json::array({"42999"}));
  CHECK((*join_row(report, "polygones communaux"))["unmatched_examples"] == json::array({"42999"}));
}

TEST_CASE("Indicator values with a decimal comma are parsed, a non-number is reported and left out",
          "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["indicators"] = json::array({{{"path", corpus_file("icm-iris-partial-decimal-comma.csv")},
                                  {"level", "iris"},
                                  {"key", "IRIS"},
                                  {"columns", {{"icm", "icm"}}},
                                  {"period", "test"},
                                  {"source", "test"}}});
  const json report = import_ok(tmp, m);
  const auto t = load(tmp);
  std::map<std::string, double> icm;
  for (const auto& i : t.indicators) {
    if (i.name == "icm") icm[i.code] = i.value;
  }
  CHECK(icm.size() == 2);
  CHECK(icm["420440101"] == 112.5);
  CHECK(icm["420440102"] == 98.0);
  CHECK(find_diags(report, "bad-number", {"icm-iris-partial-decimal-comma.csv", "feature 3", "'n.d.'"}).size() == 1);
  const json* j = join_row(report, "indicateurs");
  REQUIRE(j != nullptr);
  CHECK((*j)["unmatched"] == 13);  // 16 IRIS of the territory, 3 rows of it in the table
}

TEST_CASE("An indicator value that is neither a number nor a no-data marker stops the import, naming it",
          "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  write_text(tmp.file("icm-illisible.csv"), "IRIS;icm\n420440101;112,5\n420440102;98 7\n");
  m["indicators"] = json::array({{{"path", tmp.file("icm-illisible.csv")},
                                  {"level", "iris"},
                                  {"key", "IRIS"},
                                  {"columns", {{"icm", "icm"}}},
                                  {"period", "test"},
                                  {"source", "test"}}});
  const Run r = run_import(tmp, m);
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK(contains(r.output, "icm-illisible.csv"));
  CHECK(contains(r.output, "feature 2"));
  CHECK(contains(r.output, "iris 420440102: icm '98 7'"));
}

TEST_CASE("An IRIS given twice in an indicator table is reported and its first value kept", "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  write_text(tmp.file("icm-doublon.csv"), "IRIS;icm\n420440101;112,5\n420440101;80\n");
  m["indicators"] = json::array({{{"path", tmp.file("icm-doublon.csv")},
                                  {"level", "iris"},
                                  {"key", "IRIS"},
                                  {"columns", {{"icm", "icm"}}},
                                  {"period", "test"},
                                  {"source", "test"}}});
  const json report = import_ok(tmp, m);
  CHECK(find_diags(report, "duplicate-code", {"icm-doublon.csv", "feature 2", "420440101"}).size() == 1);
  const auto t = load(tmp);
  std::vector<double> values;
  for (const auto& i : t.indicators) {
    if (i.name == "icm" && i.code == "420440101") values.push_back(i.value);
  }
  CHECK(values == std::vector<double>{112.5});
}

TEST_CASE("A Windows-1252 selection CSV with semicolons still matches its header and codes", "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["communes"]["select"]["path"] = corpus_file("selection-cp1252-semicolon.csv");
  const json report = import_ok(tmp, m);
  const auto t = load(tmp);
  REQUIRE(t.communes.size() == 3);
  CHECK(commune(t, "07041")->name == "Boulieu-lès-Annonay");  // from the UTF-8 population records
  CHECK(count_diags(report, "population-missing") == 0);
  CHECK(count_diags(report, "code-padded") == 0);
}

TEST_CASE("A Windows-1252 facility CSV gives valid UTF-8 names, or a clear error naming the file",
          "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["facilities"][0]["path"] = corpus_file("hospitals-cp1252-semicolon.csv");
  const Run r = run_import(tmp, m);
  INFO(r.output);
  REQUIRE((r.code == 0 || r.code == 1));
  if (r.code == 1) {
    // Refusing is acceptable only with the file and the encoding named, and nothing half-written.
    CHECK_THAT(r.output, Catch::Contains("hospitals-cp1252-semicolon.csv"));
    CHECK_THAT(r.output, Catch::Contains("UTF-8") || Catch::Contains("encod"));
    CHECK_FALSE(fs::exists(tmp.file("out/territory.gpkg")));
    CHECK_FALSE(fs::exists(tmp.file("out/import_report.md")));
  } else {
    const json report = import_report(tmp);  // parses: valid UTF-8 JSON
    const auto t = load(tmp);
    const auto* f = facility(t, "FINESS-420000234");
    REQUIRE(f != nullptr);
    CHECK(valid_utf8(f->name));
    CHECK(f->name == "HÔPITAL DE FIRMINY");
    CHECK(find_diags(report, "facility-outside-territory", {"FINESS-420011728", "ARGENTIÈRE"}).size() == 1);
  }
}

TEST_CASE("A UTF-8 selection CSV with a byte-order mark still matches its first field name", "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["communes"]["select"]["path"] = corpus_file("selection-utf8-bom.csv");
  const json report = import_ok(tmp, m);
  const auto t = load(tmp);
  REQUIRE(t.communes.size() == 2);
  CHECK(commune(t, "42044") != nullptr);
  CHECK(commune(t, "42095") != nullptr);
  CHECK(count_diags(report, "population-missing") == 0);
}

TEST_CASE("A UTF-8 JSON population list with a byte-order mark is read like one without", "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["communes"]["population"]["path"] = corpus_file("population-communes-utf8-bom.json");
  const Run r = run_import(tmp, m);
  INFO(r.output);
  REQUIRE(r.code == 0);
  const json report = import_report(tmp);
  CHECK(count_diags(report, "population-missing") == 0);
  const auto t = load(tmp);
  CHECK(commune(t, "42044")->population == 12314);
  CHECK(commune(t, "07041")->name == "Boulieu-lès-Annonay");
}

TEST_CASE("The same selection with semicolon or comma separators gives the same territory", "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  write_selection(tmp.file("selection.csv"), {"42044", "42095", "07041"}, ';');
  REQUIRE(run_import(tmp, m, "semicolon").code == 0);
  write_selection(tmp.file("selection.csv"), {"42044", "42095", "07041"}, ',');
  REQUIRE(run_import(tmp, m, "comma").code == 0);
  const auto a = load(tmp, "semicolon"), b = load(tmp, "comma");
  CHECK(a.communes.size() == 3);
  CHECK(a.communes.size() == b.communes.size());
  CHECK(a.units.size() == 16);
  CHECK(a.units.size() == b.units.size());
  double pa = 0, pb = 0;
  for (const auto& u : a.units) pa += u.population;
  for (const auto& u : b.units) pb += u.population;
  CHECK(pa == Approx(31622));
  CHECK(pb == Approx(pa));
}

// ===========================================================================
// Facilities

TEST_CASE("A facility in the sea lies outside the territory and is not kept", "[robustness][facilities]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  HospitalRow sea = real_hospital("420000234");
  sea.id = "420999990";
  sea.name = "HOPITAL EN MER";
  sea.lat = "46.0";  // Bay of Biscay
  sea.lon = "-5.0";
  write_hospitals(tmp.file("hospitals.csv"), {real_hospital("420000234"), sea});
  const json report = import_ok(tmp, m);
  CHECK(find_diags(report, "facility-outside-territory", {"hospitals.csv", "feature 2", "FINESS-420999990"}).size() == 1);
  const json* row = layer_row(report, "établissements: hospital");
  CHECK((*row)["read"] == 2);
  CHECK((*row)["kept"] == 1);
  CHECK_THAT((*row)["note"].get<std::string>(), Catch::StartsWith("1 hors du territoire"));
}

TEST_CASE("A real facility of another part of the Loire lies outside the mini territory", "[robustness][facilities]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  write_hospitals(tmp.file("hospitals.csv"), {real_hospital("420000234"), real_hospital("420000010")});
  const json report = import_ok(tmp, m);
  CHECK(find_diags(report, "facility-outside-territory", {"hospitals.csv", "FINESS-420000010", "ROANNE"}).size() == 1);
  const auto t = load(tmp);
  REQUIRE(t.facilities.size() == 1);
  CHECK(t.facilities[0].id == "FINESS-420000234");
  CHECK(t.facilities[0].commune_code == "42095");
}

TEST_CASE("Duplicated facility ids keep the first with a duplicate-id diagnostic", "[robustness][facilities]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  HospitalRow twin = real_hospital("420000234");
  twin.name = "DOUBLON";
  write_hospitals(tmp.file("hospitals.csv"), {real_hospital("420000234"), twin});
  const json report = import_ok(tmp, m);
  CHECK(find_diags(report, "duplicate-id", {"hospitals.csv", "feature 2", "FINESS-420000234"}).size() == 1);
  const auto t = load(tmp);
  REQUIRE(t.facilities.size() == 1);
  CHECK(t.facilities[0].name == "CENTRE HOSPITALIER DE FIRMINY");
  CHECK((*layer_row(report, "établissements: hospital"))["kept"] == 1);
}

TEST_CASE("A facility with capacity 0 is kept with capacity 0", "[robustness][facilities]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["facilities"][0]["capacity"] = "cap_beds";
  HospitalRow h = real_hospital("420000234");
  h.capacity = "0";
  write_hospitals(tmp.file("hospitals.csv"), {h});
  import_ok(tmp, m);
  const auto t = load(tmp);
  REQUIRE(t.facilities.size() == 1);
  CHECK(t.facilities[0].capacity == 0);
}

TEST_CASE("A negative facility capacity stops the import naming the file, feature and value",
          "[robustness][facilities]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["facilities"][0]["capacity"] = "cap_beds";
  HospitalRow h = real_hospital("420000234");
  h.capacity = "-300";
  write_hospitals(tmp.file("hospitals.csv"), {h});
  const Run r = run_import(tmp, m);
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK(contains(r.output, "hospitals.csv"));
  CHECK(contains(r.output, "feature 1"));
  CHECK(contains(r.output, "capacity '-300'"));
}

TEST_CASE("A capacity typed the French way (1 234,5) is read", "[robustness][facilities]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["facilities"][0]["capacity"] = "cap_beds";
  HospitalRow h = real_hospital("420000234");
  h.capacity = "\"1\u00a0234,5\"";
  write_hospitals(tmp.file("hospitals.csv"), {h});
  import_ok(tmp, m);
  const auto t = load(tmp);
  REQUIRE(t.facilities.size() == 1);
  CHECK(t.facilities[0].capacity == 1234.5);
}

TEST_CASE("A non-numeric facility capacity is reported naming the feature, not silently dropped",
          "[robustness][facilities]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["facilities"][0]["capacity"] = "cap_beds";
  HospitalRow h = real_hospital("420000234");
  h.capacity = "n.c.";
  write_hospitals(tmp.file("hospitals.csv"), {h});
  const json report = import_ok(tmp, m);
  bool named = false;
  for (const auto& d : report["diagnostics"]) {
    const std::string text = d.value("where", "") + " " + d.value("message", "");
    named |= contains(text, "hospitals.csv") && contains(text, "feature 1") && contains(text, "n.c.");
  }
  CHECK(named);
  CHECK(load(tmp).facilities.size() == 1);
}

TEST_CASE("Names that a spreadsheet would run as formulas are neutralised in every CSV output",
          "[robustness][facilities][csv]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  HospitalRow h = real_hospital("420000234");
  h.name = "=HYPERLINK(concat(A1;B1))";
  HospitalRow g = real_hospital("420000234");
  g.id = "420000235";
  g.name = "@SOMME(1;2)";
  write_hospitals(tmp.file("hospitals.csv"), {h, g});
  import_ok(tmp, m);
  const Run r = run_cli("evaluate out --out eval", tmp.str());
  INFO(r.output);
  REQUIRE(r.code == 0);
  std::map<std::string, std::map<std::string, std::string>> by_id;
  for (const auto& row : read_csv(tmp.file("eval/etablissements.csv"))) by_id[row.at("id")] = row;
  REQUIRE(by_id.size() == 2);
  CHECK(by_id.at("FINESS-420000234").at("nom") == "'" + h.name);
  CHECK(by_id.at("FINESS-420000235").at("nom") == "'" + g.name);
  // No cell of any CSV output starts with a formula character.
  for (const auto& e : fs::directory_iterator(tmp.file("eval"))) {
    if (e.path().extension() != ".csv") continue;
    for (const auto& row : read_csv(e.path().string())) {
      for (const auto& [k, v] : row) {
        INFO(e.path().filename().string() << " " << k << " = " << v);
        const bool number = !v.empty() && (std::isdigit(static_cast<unsigned char>(v.back())) != 0) &&
                            v.find_first_not_of("-+.0123456789eE") == std::string::npos;
        if (!number) CHECK((v.empty() || std::string("=+-@\t\r").find(v[0]) == std::string::npos));
      }
    }
  }
  // The GeoJSON keeps the name as written.
  CHECK(contains(read_text(tmp.file("eval/etablissements.geojson")), "\"nom\": \"@SOMME(1;2)\""));
}

TEST_CASE("An id with a control character stops the import naming it, a name loses its control characters",
          "[robustness][facilities]") {
  SECTION("id") {
    TempDir tmp;
    json m = mini_manifest(tmp);
    HospitalRow h = real_hospital("420000234");
    h.id = "4200\x07" "00234";
    write_hospitals(tmp.file("hospitals.csv"), {h});
    const Run r = run_import(tmp, m);
    INFO(r.output);
    CHECK(r.code == 1);
    CHECK(contains(r.output, "hospitals.csv"));
    CHECK(contains(r.output, "feature 1"));
    CHECK(contains(r.output, "facility id '4200\\x0700234'"));
  }
  SECTION("name") {
    TempDir tmp;
    json m = mini_manifest(tmp);
    HospitalRow h = real_hospital("420000234");
    h.name = "CH de\tFirminy";
    write_hospitals(tmp.file("hospitals.csv"), {h});
    const json report = import_ok(tmp, m);
    CHECK(find_diags(report, "control-characters", {"CH de\\x09Firminy"}).size() == 1);
    const auto t = load(tmp);
    REQUIRE(t.facilities.size() == 1);
    CHECK(t.facilities[0].name == "CH de Firminy");
  }
}

TEST_CASE("A facility without coordinates is reported naming the feature", "[robustness][facilities]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  HospitalRow h = real_hospital("420000234");
  h.lat = "";
  h.lon = "";
  write_hospitals(tmp.file("hospitals.csv"), {real_hospital("420000010"), h});
  const json report = import_ok(tmp, m);
  CHECK(find_diags(report, "bad-coordinates", {"hospitals.csv", "feature 2", "'lon'"}).size() == 1);
  const json* row = layer_row(report, "établissements: hospital");
  CHECK((*row)["read"] == 2);
  CHECK((*row)["kept"] == 0);
}

TEST_CASE("A facility with NaN coordinates is reported naming the feature, not silently dropped",
          "[robustness][facilities]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  HospitalRow h = real_hospital("420000234");
  h.lat = "nan";
  h.lon = "nan";
  write_hospitals(tmp.file("hospitals.csv"), {h});
  const json report = import_ok(tmp, m);
  const auto bad = find_diags(report, "bad-coordinates", {"hospitals.csv", "feature 1"});
  const auto failed = find_diags(report, "crs-transform-failed", {"hospitals.csv", "feature 1"});
  CHECK(bad.size() + failed.size() == 1);
  const json* row = layer_row(report, "établissements: hospital");
  CHECK((*row)["read"] == 1);
  CHECK((*row)["kept"] == 0);
}

TEST_CASE("A facility on an isolated road component is reported off the network", "[robustness][facilities]") {
  TempDir tmp;
  const SmallRoads& roads = small_roads();
  json m = mini_manifest(tmp, {"42044", "42095", "07044"});
  m["roads"] = small_roads_block(roads.path);
  HospitalRow isolated = real_hospital("420000234");
  isolated.id = "999000001";
  isolated.name = "SITE SUR ROUTE ISOLEE";
  char lon[32], lat[32];
  std::snprintf(lon, sizeof lon, "%.7f", roads.isolated_vertex[0].get<double>());
  std::snprintf(lat, sizeof lat, "%.7f", roads.isolated_vertex[1].get<double>());
  isolated.lon = lon;
  isolated.lat = lat;
  write_hospitals(tmp.file("hospitals.csv"), {real_hospital("420000234"), isolated});
  const json report = import_ok(tmp, m);
  CHECK(report["roads"]["components"].get<int>() > 1);
  const auto d = find_diags(report, "facility-off-network", {"FINESS-999000001"});
  REQUIRE(d.size() == 1);
  CHECK(report["snapping"]["facilities_off_network"] == 1);
  CHECK(report["snapping"]["facilities_snapped"] == 1);
  // The Brossainc IRIS is off the network too; no diagnostic may claim it was snapped.
  CHECK(find_diags(report, "unit-off-network", {"IRIS 070440000"}).size() == 1);
  for (const auto& diag : report["diagnostics"]) {
    if (contains(diag.value("where", ""), "IRIS 070440000")) {
      INFO(diag.dump());
      CHECK_FALSE(contains(diag.value("message", ""), "snapped to the main network"));
    }
  }
  const auto t = load(tmp);
  const auto* f = facility(t, "FINESS-999000001");
  REQUIRE(f != nullptr);
  CHECK_FALSE(f->snap.result.ok());
}

// ===========================================================================
// Roads

TEST_CASE("A truncated OSM PBF file stops the import naming the file", "[robustness][roads]") {
  TempDir tmp;
  const std::string truncated = tmp.file("monaco-moitie.osm.pbf");
  {
    const std::string full = read_text(data_file("osm-fallback/monaco.osm.pbf"));
    REQUIRE(full.size() > 1000000);
    write_text(truncated, full.substr(0, full.size() / 2));
  }
  json m = mini_manifest(tmp);
  m["roads"] = {{"kind", "osm"}, {"path", truncated}, {"profile", car_profile()}, {"source", "moitié de monaco.osm.pbf"}};
  const Run r = run_import(tmp, m);
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("monaco-moitie.osm.pbf"));
  CHECK_FALSE(fs::exists(tmp.file("out/import_report.json")));
}

TEST_CASE("An empty OSM PBF file stops the import naming the file", "[robustness][roads]") {
  TempDir tmp;
  write_text(tmp.file("vide.osm.pbf"), "");
  json m = mini_manifest(tmp);
  m["roads"] = {{"kind", "osm"}, {"path", tmp.file("vide.osm.pbf")}, {"profile", car_profile()}, {"source", "vide"}};
  const Run r = run_import(tmp, m);
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("vide.osm.pbf"));
  CHECK_FALSE(fs::exists(tmp.file("out/import_report.json")));
}

TEST_CASE("A road line layer without the class field stops the import naming the field and the file",
          "[robustness][roads]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["roads"] = small_roads_block(small_roads().no_class_path);
  const Run r = run_import(tmp, m);
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("roads-sans-classe.geojson") && Catch::Contains("'roadClass'"));
  CHECK_FALSE(fs::exists(tmp.file("out/import_report.json")));

  SECTION("graph info on the same layer exits 1 naming the field") {
    const Run g = run_cli("graph info --lines " + shell_quote(small_roads().no_class_path) +
                              " --class-field roadClass --profile " + shell_quote(car_profile()),
                          tmp.str());
    INFO(g.output);
    CHECK(g.code == 1);
    CHECK_THAT(g.output, Catch::Contains("roads-sans-classe.geojson") && Catch::Contains("'roadClass'"));
  }
}

TEST_CASE("A road layer whose classes are all unmapped gives no routable road and names the file",
          "[robustness][roads]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["roads"] = small_roads_block(small_roads().path);
  m["roads"]["class_map"] = {{"autoroute", "road_class_highway"}};  // no feature has this value
  const Run r = run_import(tmp, m);
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("no routable road") && Catch::Contains("roads-firminy.geojson"));
  CHECK_FALSE(fs::exists(tmp.file("out/import_report.json")));
}

// ===========================================================================
// Scenarios (on the real Loire territory)

TEST_CASE("A scenario that is not valid JSON is refused naming the file", "[robustness][scenarios]") {
  TempDir tmp;
  const Run r = evaluate_scenario_text(tmp, R"({"format": "recompose-scenario/1", "edits": [ {"op": "close")",
                                       "tronque.json");
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("tronque.json") && Catch::Contains("not valid JSON"));
  CHECK_FALSE(fs::exists(tmp.file("eval/rapport.md")));
}

TEST_CASE("A scenario of an unknown format version is refused naming the file and the format",
          "[robustness][scenarios]") {
  TempDir tmp;
  const Run r = evaluate_scenario_text(tmp, R"({"format": "recompose-scenario/2", "name": "x", "edits": []})",
                                       "version2.json");
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("version2.json") && Catch::Contains("recompose-scenario/1"));
  CHECK_FALSE(fs::exists(tmp.file("eval/rapport.md")));
}

TEST_CASE("A scenario closing an unknown facility id is refused naming the edit and the id",
          "[robustness][scenarios]") {
  TempDir tmp;
  const Run r = evaluate_scenario_text(tmp, R"({"format": "recompose-scenario/1", "name": "x", "edits": [
      {"op": "close", "facility": "FINESS-420785354"},
      {"op": "set_capacity", "facility": "FINESS-000000000", "capacity": 3}]})");
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("scenario.json") && Catch::Contains("edit #2") &&
                           Catch::Contains("FINESS-000000000"));
  CHECK_FALSE(fs::exists(tmp.file("eval/rapport.md")));
}

TEST_CASE("A scenario merging a closed facility is refused naming the edit and the facility",
          "[robustness][scenarios]") {
  TempDir tmp;
  const Run r = evaluate_scenario_text(tmp, R"({"format": "recompose-scenario/1", "name": "x", "edits": [
      {"op": "close", "facility": "FINESS-420780678"},
      {"op": "merge", "facilities": ["FINESS-420780637", "FINESS-420780678"], "into": "FINESS-420780637"}]})");
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("edit #2") && Catch::Contains("FINESS-420780678") && Catch::Contains("closed"));
  CHECK_FALSE(fs::exists(tmp.file("eval/rapport.md")));
}

TEST_CASE("A scenario relocating a facility to NaN coordinates is refused naming the file", "[robustness][scenarios]") {
  TempDir tmp;
  const Run r = evaluate_scenario_text(tmp, R"({"format": "recompose-scenario/1", "name": "x", "edits": [
      {"op": "relocate", "facility": "FINESS-420785354", "to": {"lon": NaN, "lat": 45.43}}]})",
                                       "nan.json");
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("nan.json") && Catch::Contains("not valid JSON"));
  CHECK_FALSE(fs::exists(tmp.file("eval/rapport.md")));
}

TEST_CASE("A scenario relocating a facility to null coordinates is refused naming the edit", "[robustness][scenarios]") {
  TempDir tmp;
  const Run r = evaluate_scenario_text(tmp, R"({"format": "recompose-scenario/1", "name": "x", "edits": [
      {"op": "relocate", "facility": "FINESS-420785354", "to": {"lon": null, "lat": null}}]})");
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("scenario.json") && Catch::Contains("edit #1") && Catch::Contains("relocate") &&
                           Catch::Contains("\"to\""));
  CHECK_FALSE(fs::exists(tmp.file("eval/rapport.md")));
}

TEST_CASE("A scenario relocating a facility to overflowing coordinates is refused naming the file",
          "[robustness][scenarios]") {
  TempDir tmp;
  const Run r = evaluate_scenario_text(tmp, R"({"format": "recompose-scenario/1", "name": "x", "edits": [
      {"op": "relocate", "facility": "FINESS-420785354", "to": {"x_l93": 1e400, "y_l93": 6480000}}]})",
                                       "overflow.json");
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("overflow.json") && Catch::Contains("1e400"));
  CHECK_FALSE(fs::exists(tmp.file("eval/rapport.md")));
}

TEST_CASE("A scenario relocating a facility outside the territory is refused naming the edit",
          "[robustness][scenarios]") {
  TempDir tmp;
  const Run r = evaluate_scenario_text(tmp, R"({"format": "recompose-scenario/1", "name": "x", "edits": [
      {"op": "relocate", "facility": "FINESS-420785354", "to": {"lon": -5.0, "lat": 46.0}}]})");
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("edit #1") && Catch::Contains("FINESS-420785354") &&
                           Catch::Contains("outside the territory"));
}

TEST_CASE("A scenario with an empty edit list evaluates to the baseline", "[robustness][scenarios]") {
  TempDir tmp;
  const Run r = evaluate_scenario_text(tmp, R"({"format": "recompose-scenario/1", "name": "Rien", "territory": "loire", "edits": []})");
  INFO(r.output);
  REQUIRE(r.code == 0);
  const json s = read_json(tmp.file("eval/summary.json"));
  CHECK(s["edits"].empty());
  REQUIRE(s["targets"].size() >= 3);
  for (const auto& [target, fig] : s["targets"].items()) {
    INFO("target " << target);
    CHECK(fig["before"] == fig["after"]);
    CHECK(fig["delta_population_beyond"] == 0.0);
  }
  CHECK(s["e2sfca_per_100k"]["before"] == s["e2sfca_per_100k"]["after"]);
  std::size_t rows = 0;
  for (const auto& row : read_csv(tmp.file("eval/unites.csv"))) {
    ++rows;
    for (const auto& [col, v] : row) {
      if (col.rfind("d_", 0) == 0 && !v.empty()) CHECK(std::stod(v) == 0.0);
    }
  }
  CHECK(rows == 328);
  check_outputs_finite(tmp.file("eval"));
}

TEST_CASE("A 10 MB scenario of 220,000 closures of unknown ids ends fast with a clear error",
          "[robustness][scenarios]") {
  TempDir tmp;
  std::string text = R"({"format": "recompose-scenario/1", "name": "enorme", "edits": [)";
  for (int i = 0; i < 220000; ++i) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s{\"op\": \"close\", \"facility\": \"INCONNU-%07d\"}", i ? ", " : "", i);
    text += buf;
  }
  text += "]}";
  REQUIRE(text.size() > 10000000);
  const Run r = evaluate_scenario_text(tmp, text, "enorme.json");
  INFO(r.output.substr(0, 2000));
  CHECK(r.code == 1);
  CHECK(r.seconds < 30);
  CHECK_THAT(r.output, Catch::Contains("enorme.json") && Catch::Contains("edit #1") &&
                           Catch::Contains("INCONNU-0000000"));
  CHECK(r.output.size() < 10000);  // one message, not 220,000
}

TEST_CASE("A 10 MB scenario description is evaluated in bounded time", "[robustness][scenarios]") {
  TempDir tmp;
  json s = {{"format", "recompose-scenario/1"},
            {"name", "Longue description"},
            {"description", std::string(10 * 1024 * 1024, 'x')},
            {"edits", json::array({{{"op", "close"}, {"facility", "FINESS-420785354"}}})}};
  write_text(tmp.file("longue.json"), s.dump());
  const Run r = evaluate_loire(tmp, tmp.file("longue.json"));
  INFO(r.output.substr(0, 2000));
  CHECK(r.code == 0);
  CHECK(r.seconds < 60);
  CHECK(fs::exists(tmp.file("eval/rapport.md")));
  CHECK(r.output.size() < 100000);
}

// ===========================================================================
// Indicators

TEST_CASE("A commune with zero population gives no NaN or infinity in the outputs", "[robustness][indicators]") {
  TempDir tmp;
  const json report = import_ok(tmp, mini_with_population(tmp, [](json& r) { r["population"] = 0; }));
  CHECK(count_diags(report, "bad-population") == 0);
  const Run r = run_cli("evaluate out --out eval", tmp.str());
  INFO(r.output);
  REQUIRE(r.code == 0);
  bool found = false;
  for (const auto& row : read_csv(tmp.file("eval/communes.csv"))) {
    if (row.at("code") != "42044") continue;
    found = true;
    CHECK(std::stod(row.at("population")) == 0);
    CHECK(row.at("moy_hospital_avant_min").empty());  // no data, not 0/0
    CHECK(row.at("p90_hospital_avant_min").empty());
  }
  CHECK(found);
  check_outputs_finite(tmp.file("eval"));
}

TEST_CASE("A territory whose population is all zero evaluates without NaN or infinity", "[robustness][indicators]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  std::vector<json> records = mini_data().population_records;
  for (auto& rec : records) rec["population"] = 0;
  write_json(tmp.file("communes-population-zero.json"), records);
  m["communes"]["population"]["path"] = tmp.file("communes-population-zero.json");
  import_ok(tmp, m);
  const Run r = run_cli("evaluate out --out eval", tmp.str());
  INFO(r.output);
  REQUIRE(r.code == 0);
  check_outputs_finite(tmp.file("eval"));
  const json s = read_json(tmp.file("eval/summary.json"));
  CHECK(s["population"] == 0.0);
  for (const auto& [target, fig] : s["targets"].items()) {
    INFO("target " << target);
    CHECK(fig["before"]["share_beyond"] == 0.0);
    CHECK(fig["before"]["mean_min"].is_null());
  }
}

TEST_CASE("A need indicator missing for some units is joined where it exists and 100 elsewhere",
          "[robustness][indicators]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["indicators"] = json::array({{{"path", corpus_file("icm-iris-partial-decimal-comma.csv")},
                                  {"level", "iris"},
                                  {"key", "IRIS"},
                                  {"columns", {{"icm", "icm"}}},
                                  {"period", "test"},
                                  {"source", "test"}}});
  import_ok(tmp, m);
  const Run r = run_cli("evaluate out --out eval --need-indicator icm", tmp.str());
  INFO(r.output);
  REQUIRE(r.code == 0);
  std::map<std::string, double> need;
  for (const auto& row : read_csv(tmp.file("eval/unites.csv"))) need[row.at("code_iris")] = std::stod(row.at("indice_besoin"));
  REQUIRE(need.size() == 16);
  CHECK(need["420440101"] == 112.5);
  CHECK(need["420440102"] == 98.0);
  for (const auto& [code, v] : need) {
    if (code != "420440101" && code != "420440102") {
      INFO("IRIS " << code);
      CHECK(v == 100.0);
    }
  }
  CHECK_THAT(read_text(tmp.file("eval/rapport.md")), Catch::Contains("iris (2 unités)"));
  check_outputs_finite(tmp.file("eval"));
}

TEST_CASE("A need indicator the territory does not have is refused naming it", "[robustness][indicators]") {
  TempDir tmp;
  import_ok(tmp, mini_manifest(tmp));
  const Run r = run_cli("evaluate out --out eval --need-indicator icm_inexistant", tmp.str());
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("icm_inexistant") && Catch::Contains("mini"));
  CHECK_FALSE(fs::exists(tmp.file("eval/rapport.md")));
}

// ===========================================================================
// FINESS extracts and urgent-care lists

// A FINESS extract (published layout) with one pharmacy at the CH de Firminy's point:
// Lambert-93 800858.0 6477299.9 (gdaltransform of its Eurostat lon/lat), in 42095.
std::string finess_line(const std::string& number, const std::string& name, const std::string& commune) {
  return "structureet;" + number + ";" + number + ";" + name + ";;;;;;;;;" + commune + ";42;LOIRE;42700 FIRMINY;;;620;" +
         "Pharmacie d'Officine;3201;Commerce;;;;;;;2001-01-01;2001-01-01;2024-01-01;";
}

json finess_source(const std::string& path) {
  return {{"format", "finess"}, {"path", path}, {"categories", {"620"}}, {"kind", "pharmacy"},
          {"id_prefix", "FINESS-"}, {"source", "test"}};
}

TEST_CASE("A FINESS facility source that is not a FINESS extract stops the import naming the file",
          "[robustness][finess]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["facilities"].push_back(finess_source(tmp.file("hospitals.csv")));  // the Eurostat-style CSV
  const Run r = run_import(tmp, m);
  CHECK(r.code == 1);
  CHECK(contains(r.output, tmp.file("hospitals.csv")));
  CHECK(contains(r.output, "not a FINESS extract"));
  CHECK_FALSE(fs::exists(tmp.file("out/territory.json")));
}

TEST_CASE("A FINESS line with the wrong number of fields is reported with its line number and the import goes on",
          "[robustness][finess]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  const std::string geoloc = ";800858.0;6477299.9;1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole);2024-01-01\n";
  write_text(tmp.file("finess.csv"), "finess;etalab;99;2024-01-01\n" + finess_line("420990011", "PHARMACIE A", "095") +
                                         "\n" + "structureet;420990029;420990029;PHARMACIE COURTE;;;095;42\n" +
                                         "geolocalisation;420990011" + geoloc + "geolocalisation;420990029" + geoloc);
  m["facilities"].push_back(finess_source(tmp.file("finess.csv")));
  const json report = import_ok(tmp, m);
  CHECK(find_diags(report, "finess-field-count", {"finess.csv, line 3", "8 fields", "420990029"}).size() == 1);
  const auto t = load(tmp);
  const auto* f = facility(t, "FINESS-420990011");
  REQUIRE(f != nullptr);
  CHECK(f->commune_code == "42095");
  CHECK(f->point.x_m == Approx(800858.0).margin(1e-6));
  CHECK(f->point.y_m == Approx(6477299.9).margin(1e-6));
  CHECK(facility(t, "FINESS-420990029") == nullptr);
}

TEST_CASE("An urgent-care list that does not exist stops the import naming the file", "[robustness][urgent_care]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["urgent_care_list"] = {{"path", tmp.file("su-absente.csv")}, {"source", "test"}};
  const Run r = run_import(tmp, m);
  CHECK(r.code == 1);
  CHECK(contains(r.output, "su-absente.csv"));
  CHECK(contains(r.output, "urgent-care list"));
}

TEST_CASE("An urgent-care list with a FINESS number written as a decimal (420000234.0) still matches it",
          "[robustness][urgent_care]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  write_text(tmp.file("su.csv"), "finess;nom\n420000234.0;CH Firminy\n");
  m["urgent_care_list"] = {{"path", tmp.file("su.csv")}, {"source", "test"}};
  const json report = import_ok(tmp, m);
  const auto t = load(tmp);
  const auto* f = facility(t, "FINESS-420000234");
  REQUIRE(f != nullptr);
  CHECK(f->flags.at("urgent_care"));
  CHECK(count_diags(report, "urgent-care-not-found") == 0);
}

// ===========================================================================
// Nothing lost

TEST_CASE("Import and evaluate leave every input file byte-identical", "[robustness][inputs]") {
  const LoireTerritory& loire = loire_territory();
  TempDir tmp;
  const std::string scenario = tmp.file("loire-recomposition.json");
  fs::copy_file(source_dir() / "datasets" / "scenarios" / "loire-recomposition.json", scenario);
  const std::string scenario_before = read_text(scenario);
  std::map<std::string, std::string> territory_before;
  for (const char* name : {"territory.gpkg", "territory.json", "graph.rcg", "import_report.json"}) {
    territory_before[name] = read_text((fs::path(loire.dir) / name).string());
  }
  const Run r = evaluate_loire(tmp, scenario);
  INFO(r.output);
  REQUIRE(r.code == 0);
  REQUIRE(loire.inputs_before.size() >= 15);
  for (const auto& [path, before] : loire.inputs_before) {
    INFO("input " << path);
    const std::string after = read_text(path);
    CHECK(after.size() == before.size());
    CHECK(after == before);
  }
  CHECK(read_text(scenario) == scenario_before);
  for (const auto& [name, before] : territory_before) {
    INFO("territory file " << name << " read by evaluate");
    CHECK(read_text((fs::path(loire.dir) / name).string()) == before);
  }
}

// ===========================================================================
// Numeric options and scenario values out of range

TEST_CASE("Numeric options out of range, NaN or infinite are refused naming the option", "[robustness][ranges]") {
  TempDir tmp;
  import_ok(tmp, mini_manifest(tmp));
  // 1e7 minutes is 6e9 ds: it would wrap the 32-bit deciseconds into a 28-min cutoff.
  for (const std::string option : {"--cutoff-min 1e7", "--cutoff-min nan", "--cutoff-min inf", "--detour-factor nan",
                                   "--straight-speed-kmh inf", "--affiliate-decline nan", "--opening-days nan",
                                   "--uft-minutes 1e12", "--pharmacy-tranche nan", "--rayon-action 1e9",
                                   "--recruitment-multiplier inf"}) {
    const Run r = run_cli("evaluate out --out eval " + option, tmp.str());
    INFO(option << ": " << r.output);
    CHECK(r.code == 2);
    CHECK(contains(r.output, option.substr(0, option.find(' '))));
    CHECK_FALSE(fs::exists(tmp.file("eval/summary.json")));
  }
  const Run ok = run_cli("evaluate out --out eval --cutoff-min 1440", tmp.str());
  INFO(ok.output);
  CHECK(ok.code == 0);
}

TEST_CASE("times: a limit that would wrap the deciseconds is refused", "[robustness][ranges]") {
  TempDir tmp;
  for (const char* limit : {"1e9", "nan", "inf"}) {
    const Run r = run_cli("times " + shell_quote(loire_territory().dir) + " --from units --to facilities:hospital "
                          "--max-minutes " + limit + " --out od.csv", tmp.str());
    INFO(limit << ": " << r.output);
    CHECK(r.code == 2);
    CHECK(contains(r.output, "--max-minutes"));
    CHECK_FALSE(fs::exists(tmp.file("od.csv")));
  }
}

TEST_CASE("Scenario values out of range are refused naming the edit", "[robustness][ranges][scenarios]") {
  TempDir tmp;
  const std::string head = R"({"format": "recompose-scenario/1", "name": "t", "territory": "loire", "edits": [)";
  for (const auto& [edit, needle] : std::vector<std::pair<std::string, std::string>>{
           {R"({"op": "set_capacity", "facility": "FINESS-420785354", "capacity": 1e300})", "capacity"},
           {R"({"op": "open", "id": "X", "kind": "gp_point", "capacity": 2e6, "at": {"lon": 4.3697, "lat": 45.4036}})",
            "capacity"}}) {
    const Run r = evaluate_scenario_text(tmp, head + edit + "]}");
    INFO(edit << ": " << r.output);
    CHECK(r.code == 1);
    CHECK(contains(r.output, "edit #1"));
    CHECK(contains(r.output, needle));
  }
}

// ===========================================================================
// Output folders written as a whole

namespace {

// Every file of `dir` (hidden ones included) with its contents.
std::map<std::string, std::string> folder_contents(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    out[e.path().filename().string()] = fs::is_regular_file(e.path()) ? read_text(e.path().string()) : "<folder>";
  }
  return out;
}

}  // namespace

TEST_CASE("Two runs writing one output folder at once: the second is refused naming the first",
          "[robustness][outputs]") {
  TempDir tmp;
  import_ok(tmp, mini_manifest(tmp));
  {
    recompose::geo::OutputFolder held(tmp.file("eval"));  // another run, writing
    const Run r = run_cli("evaluate out --out eval", tmp.str());
    INFO(r.output);
    CHECK(r.code == 1);
    CHECK(contains(r.output, "eval is being written by another run (process " + std::to_string(::getpid()) + ")"));
    CHECK_FALSE(fs::exists(tmp.file("eval/summary.json")));
    // The same for an import into a territory folder being written.
    recompose::geo::OutputFolder held_out(tmp.file("out"));
    const Run i = run_import(tmp, mini_manifest(tmp));
    INFO(i.output);
    CHECK(i.code == 1);
    CHECK(contains(i.output, "is being written by another run"));
  }
  const Run r = run_cli("evaluate out --out eval", tmp.str());  // the first run ended: free again
  INFO(r.output);
  CHECK(r.code == 0);
}

TEST_CASE("A failed write (file-size limit) fails with the system's reason and keeps the previous outputs",
          "[robustness][outputs]") {
  TempDir tmp;
  import_ok(tmp, mini_manifest(tmp));
  const Run first = run_cli("evaluate out --out eval", tmp.str());
  REQUIRE(first.code == 0);
  const auto eval_before = folder_contents(tmp.file("eval"));
  REQUIRE(eval_before.count("unites.geojson"));
  // A 40 KiB file-size limit (ulimit -f, as a full disk would): the first larger output fails.
  const Run r = run_cli("evaluate out --out eval --cutoff-min 30", tmp.str(), 120, "ulimit -f 40 && ");
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK(contains(r.output, "File too large"));
  CHECK(contains(r.output, " eval/"));  // the file asked for, not a temporary
  CHECK_FALSE(contains(r.output, "staging"));
  CHECK(folder_contents(tmp.file("eval")) == eval_before);  // byte for byte, nothing left over
  // The same for an import over an existing territory.
  const auto territory_before = folder_contents(tmp.file("out"));
  const std::string manifest = tmp.file("manifest.json");
  const Run i = run_cli("import " + shell_quote(manifest) + " --out out --data-root " + shell_quote(data_root()) +
                            " --quiet",
                        tmp.str(), 120, "ulimit -f 40 && ");
  INFO(i.output);
  CHECK(i.code == 1);
  CHECK(contains(i.output, "File too large"));
  CHECK(folder_contents(tmp.file("out")) == territory_before);
}

TEST_CASE("An output folder replaces the previous run's files, and never another file", "[robustness][outputs]") {
  TempDir tmp;
  const std::string dir = tmp.file("sortie");
  fs::create_directories(dir);
  write_text(dir + "/notes-du-planificateur.txt", "à garder");
  {
    recompose::geo::OutputFolder f(dir);
    write_text(f.staging() + "/a.csv", "1");
    write_text(f.staging() + "/b.csv", "2");
    f.commit();
  }
  {
    recompose::geo::OutputFolder f(dir);
    write_text(f.staging() + "/a.csv", "3");
    f.commit();  // b.csv was the previous run's: removed
  }
  {
    recompose::geo::OutputFolder f(dir);
    write_text(f.staging() + "/a.csv", "4");
    // not committed (a failure): staging removed, a.csv unchanged
  }
  const auto files = folder_contents(dir);
  CHECK(files.at("a.csv") == "3");
  CHECK_FALSE(files.count("b.csv"));
  CHECK(files.at("notes-du-planificateur.txt") == "à garder");
  for (const auto& [name, text] : files) CHECK(name.find("staging") == std::string::npos);
  // A staging folder left by a killed run is removed by the next one.
  fs::create_directories(dir + "/.recompose-staging-999999");
  { recompose::geo::OutputFolder f(dir); }
  CHECK_FALSE(fs::exists(dir + "/.recompose-staging-999999"));
  // A file where a folder is expected.
  write_text(tmp.file("fichier"), "x");
  CHECK_THROWS_WITH(recompose::geo::OutputFolder(tmp.file("fichier")), Catch::Contains("is a file, not a folder"));
}

// ===========================================================================
// A read-only territory folder (a network share, a USB key)

TEST_CASE("A read-only territory folder is evaluated, its tables go to the user's cache folder, with a notice",
          "[robustness][readonly]") {
  TempDir tmp;
  import_ok(tmp, mini_manifest(tmp));
  fs::remove(tmp.file("out/access_tables.bin"));
  const auto before = folder_contents(tmp.file("out"));
  fs::create_directories(tmp.file("cache"));
  fs::create_directories(tmp.file("eval"));
  // Root ignores folder permissions: the run is made as `nobody` (setpriv), which may
  // read the territory but not write in it.
  std::string as_user;
  if (::geteuid() == 0) {
    as_user = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    for (const char* d : {"cache", "eval"}) REQUIRE(::chown(tmp.file(d).c_str(), 65534, 65534) == 0);
    // `nobody` must reach the binary: a clone under a private folder (mktemp -d is 0700)
    // gets the search bit on the binary's ancestors (search only, nothing listed).
    for (fs::path d = fs::path(RECOMPOSE_CLI).parent_path(); d.has_relative_path(); d = d.parent_path()) {
      std::error_code ec;
      fs::permissions(d, fs::perms::others_exec, fs::perm_options::add, ec);
    }
  }
  fs::permissions(tmp.path(), fs::perms::others_read | fs::perms::others_exec | fs::perms::group_read |
                                  fs::perms::group_exec, fs::perm_options::add);
  for (const auto& e : fs::recursive_directory_iterator(tmp.file("out"))) {
    fs::permissions(e.path(), fs::perms::others_read | fs::perms::group_read, fs::perm_options::add);
  }
  fs::permissions(tmp.file("out"), fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                  fs::perm_options::remove);
  fs::permissions(tmp.file("out"), fs::perms::others_read | fs::perms::others_exec, fs::perm_options::add);
  const std::string env = "env XDG_CACHE_HOME=" + shell_quote(tmp.file("cache")) + " ";
  const Run r = run_cli("evaluate out --out eval", tmp.str(), 120, as_user + env);
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK(contains(r.output, "dossier du territoire non modifiable"));
  CHECK(contains(r.output, tmp.file("cache") + "/recompose/access-tables-"));
  CHECK(fs::exists(tmp.file("eval/summary.json")));
  bool cached = false;
  for (const auto& e : fs::directory_iterator(tmp.file("cache/recompose"))) cached |= e.path().extension() == ".bin";
  CHECK(cached);
  CHECK(folder_contents(tmp.file("out")) == before);  // nothing written in the territory
  // Without any user cache folder, the tables stay in memory, said so.
  const Run m = run_cli("evaluate out --out eval", tmp.str(), 120, as_user + "env -u XDG_CACHE_HOME -u HOME ");
  INFO(m.output);
  CHECK(m.code == 0);
  CHECK(contains(m.output, "en mémoire"));
  fs::permissions(tmp.file("out"), fs::perms::owner_write, fs::perm_options::add);  // so that TempDir removes it
}

// ===========================================================================
// Messages that name the real cause

TEST_CASE("No road allowing roadside access: said in words, never a sentinel distance", "[robustness][roads]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  m["roads"] = small_roads_block(small_roads().path);
  // Every road a motorway: they route, but nothing can be joined from the roadside.
  m["roads"]["class_map"] = {{"highway", "motorway"}, {"major", "motorway"}, {"minor", "motorway"}};
  const Run r = run_import(tmp, m, "out", "");  // its own graph cache: the shared one holds the Loire graph
  INFO(r.output);
  REQUIRE(r.code == 0);
  const json report = import_report(tmp);
  const std::string text = read_text(tmp.file("out/import_report.md")) + report.dump();
  CHECK_FALSE(contains(text, "-9223372036854775808"));
  CHECK_FALSE(contains(text, "inf km"));
  const auto d = find_diags(report, "unit-off-network", {"no road it can be entered from the roadside within 100 km"});
  CHECK(d.size() == 16);  // every IRIS of the three communes
  CHECK(contains(read_text(tmp.file("out/import_report.md")), "aucune route accessible depuis le bord"));
}

TEST_CASE("A folder, a shapefile without its .dbf, an empty layer, an unknown format: each named for what it is",
          "[robustness][tables]") {
  TempDir tmp;
  json m = mini_manifest(tmp);
  // A shapefile of the IRIS of 42044, written by GDAL, then split from its .dbf.
  const std::string dir = tmp.file("iris-shp");
  fs::create_directories(dir);
  REQUIRE(std::system(("ogr2ogr -f 'ESRI Shapefile' " + shell_quote(dir + "/iris.shp") + " " +
                       shell_quote(mini_data().iris_geojson) + " > /dev/null 2>&1").c_str()) == 0);
  fs::remove(dir + "/iris.dbf");
  struct Case {
    std::string path, needle;
  };
  write_text(tmp.file("vide.geojson"), R"({"type": "FeatureCollection", "features": []})");
  write_text(tmp.file("texte.geojson"), "ceci n'est pas une couche\n");
  for (const Case& c : std::vector<Case>{
           {dir, "is a folder, not a file: give the file of the layer (the folder holds iris.prj, iris.shp, iris.shx)"},
           {dir + "/iris.shp", "shapefile without its attribute table: iris.dbf is missing beside it"},
           {tmp.file("vide.geojson"), "the layer is empty (no feature, no field)"},
           {tmp.file("texte.geojson"), "not recognized as a supported file format"}}) {
    json mm = m;
    mm["units"]["path"] = c.path;
    const Run r = run_import(tmp, mm);
    INFO(c.path << ": " << r.output);
    CHECK(r.code == 1);
    CHECK(contains(r.output, c.needle));
    CHECK_FALSE(contains(r.output, "unknown GDAL error"));
  }
}

TEST_CASE("A single road of 300,000 vertices does not blow up the import, snapping or evaluation",
          "[robustness][roads]") {
  TempDir tmp;
  json roads = read_json(small_roads().path);
  // One line across the Firminy box, zigzagging, no vertex shared with another road:
  // one segment of 300,000 vertices whose envelope covers every point to snap.
  json coords = json::array();
  const int n = 300000;
  for (int i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / n;
    coords.push_back(json::array({4.262 + 0.076 * t, 45.372 + 0.036 * (0.5 + 0.5 * std::sin(t * 2000))}));
  }
  roads["features"].push_back({{"type", "Feature"},
                               {"properties", {{"roadClass", "minor"}}},
                               {"geometry", {{"type", "LineString"}, {"coordinates", coords}}}});
  write_json(tmp.file("roads-enorme.geojson"), roads);
  json m = mini_manifest(tmp);
  m["roads"] = small_roads_block(tmp.file("roads-enorme.geojson"));
  const Run r = run_import(tmp, m, "out", "");  // under `timeout`: never a hang
  INFO(r.output);
  REQUIRE(r.code == 0);
  const json report = import_report(tmp);
  CHECK(report["peak_memory_mib"].get<double>() < 1024);  // 270 MiB measured for 400,000 vertices
  const Run e = run_cli("evaluate out --out eval", tmp.str(), 120);
  INFO(e.output);
  CHECK(e.code == 0);
}
