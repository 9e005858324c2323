// What the evaluation writes, read back as another GIS would: every geometry valid
// at the precision of its file (GEOS, through GDAL), isochrones nested, catchments
// tiling the territory, one vocabulary for units without a time, exact zeros in the
// OD table, one row per id. Hand-made tiny territories where values are checked by
// hand; the real Loire basin where only real IRIS show the defects.
#include <catch2/catch.hpp>

#include <gdal.h>
#include <ogr_api.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "geo/crs.hpp"
#include "geo/geometry.hpp"
#include "geo/snapping.hpp"
#include "geo/vector_io.hpp"
#include "planner/access_engine.hpp"
#include "planner/evaluation.hpp"
#include "planner/evaluation_report.hpp"
#include "planner/od_matrix.hpp"
#include "planner/scenario.hpp"
#include "planner/territory_import.hpp"
#include "planner/unit_coverage.hpp"
#include "test_support.hpp"
#include "tiny_territory.hpp"

using namespace recompose;
namespace fs = std::filesystem;

namespace {

struct LayerGeometries {
  std::string file, layer;
  std::vector<geo::Geometry> geometries;  // in the file's CRS, as stored
  std::vector<std::map<std::string, std::string>> fields;
};

// Every layer of a vector file, read with the GDAL C API (not the project's reader).
std::vector<LayerGeometries> read_all_layers(const std::string& path) {
  GDALAllRegister();
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  INFO("opening " << path);
  REQUIRE(ds != nullptr);
  std::vector<LayerGeometries> out;
  for (int l = 0; l < GDALDatasetGetLayerCount(ds); ++l) {
    OGRLayerH layer = GDALDatasetGetLayer(ds, l);
    LayerGeometries lg;
    lg.file = path;
    lg.layer = OGR_L_GetName(layer);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    OGR_L_ResetReading(layer);
    while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
      std::map<std::string, std::string> row;
      for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) {
        row[OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i))] = OGR_F_GetFieldAsString(f, i);
      }
      lg.fields.push_back(row);
      OGRGeometryH g = OGR_F_GetGeometryRef(f);
      if (g) {
        std::vector<unsigned char> wkb(static_cast<std::size_t>(OGR_G_WkbSize(g)));
        OGR_G_ExportToIsoWkb(g, wkbNDR, wkb.data());
        lg.geometries.push_back(geo::Geometry::from_wkb(wkb));
      } else {
        lg.geometries.emplace_back();
      }
      OGR_F_Destroy(f);
    }
    out.push_back(std::move(lg));
  }
  GDALClose(ds);
  return out;
}

// "file layer #i: reason" for every invalid geometry of every vector file in `dir`.
std::vector<std::string> invalid_geometries(const std::string& dir, std::size_t& checked) {
  std::vector<std::string> bad;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string ext = e.path().extension().string();
    if (ext != ".geojson" && ext != ".gpkg") continue;
    for (const auto& l : read_all_layers(e.path().string())) {
      for (std::size_t i = 0; i < l.geometries.size(); ++i) {
        if (!l.geometries[i]) continue;
        ++checked;
        if (!l.geometries[i].is_valid()) {
          bad.push_back(e.path().filename().string() + " " + l.layer + " #" + std::to_string(i) + ": " +
                        l.geometries[i].invalid_reason());
        }
      }
    }
  }
  return bad;
}

const LayerGeometries& layer_named(const std::vector<LayerGeometries>& layers, const std::string& name) {
  for (const auto& l : layers) {
    if (l.layer == name) return l;
  }
  FAIL("no layer " << name);
  return layers.front();
}

planner::Scenario scenario_of(const std::string& edits) {
  return planner::Scenario::parse(
      R"({"format": "recompose-scenario/1", "name": "test", "edits": [)" + edits + "]}", "test");
}

}  // namespace

// [SECTION] real Loire basin ------------------------------------------------------

TEST_CASE("Loire: every geometry written is valid at its precision, isochrones nest, catchments tile",
          "[evaluation][real][geometry]") {
  const auto m = planner::Manifest::load(test::source_file("datasets/loire.json"));
  planner::ImportOptions opt;
  opt.data_root = test::data_root();
  opt.cache_dir = test::graph_cache_dir();
  planner::ImportReport report;
  const planner::Territory t = planner::import_territory(m, opt, report);

  // The IRIS of the basin overlap: counted independently with SpatiaLite (GEOS) on the
  // units as read: ST_Relate(a, b, '2********') holds for 618 pairs, and the sum of
  // their areas exceeds the area of their union by 0.9326 km².
  CHECK(report.unit_overlapping_pairs == 618);
  CHECK(report.unit_overlap_area_km2 == Approx(0.9326).margin(0.0005));
  CHECK(report.units_trimmed > 0);
  {  // the cleaned units are a planar partition: their areas add up to the area of their union
    std::vector<const geo::Geometry*> parts;
    double sum = 0;
    for (const auto& u : t.units) {
      parts.push_back(&u.geometry);
      sum += u.geometry.area();
      INFO("IRIS " << u.code);
      CHECK(u.geometry.is_valid());
      CHECK(u.geometry.contains(u.point.x_m, u.point.y_m));
    }
    CHECK(sum - geo::union_all(parts).area() == Approx(0).margin(1.0));  // m²
  }

  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  // Closing, merging, relocating and opening: new sites, closed ones, moved ones.
  const auto scenario = scenario_of(R"json(
      {"op": "close", "facility": "FINESS-420785354"},
      {"op": "merge", "facilities": ["FINESS-420780637", "FINESS-420780678"], "into": "FINESS-420780637"},
      {"op": "open", "id": "CDS-TEST", "kind": "gp_point", "name": "Centre de test", "capacity": 3,
       "at": {"lon": 4.3697, "lat": 45.4036}})json");
  const auto before = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const auto after = planner::evaluate(engine, scenario, p);
  test::TempDir dir("eval-geometry");
  planner::write_evaluation(engine, scenario, p, before, after, dir.str());

  std::size_t checked = 0;
  const auto bad = invalid_geometries(dir.str(), checked);
  CAPTURE(checked);
  for (const auto& b : bad) INFO(b);
  CHECK(bad.empty());  // 56 of the 231 catchments of bassins.geojson were invalid before
  CHECK(checked > 1000);

  const auto gpkg = read_all_layers(dir.file("evaluation.gpkg"));
  const auto json = read_all_layers(dir.file("isochrones.geojson"));
  SECTION("isochrones: each band contains the smaller ones, in Lambert-93 and in the GeoJSON") {
    for (const auto* layers : {&gpkg, &json}) {
      const auto& iso = layer_named(*layers, "isochrones");
      const bool wgs84 = layers == &json;
      std::map<std::string, std::map<double, const geo::Geometry*>> bands;
      for (std::size_t i = 0; i < iso.geometries.size(); ++i) {
        REQUIRE(iso.geometries[i]);
        bands[iso.fields[i].at("situation")][std::stod(iso.fields[i].at("minutes"))] = &iso.geometries[i];
      }
      REQUIRE(bands.size() == 2);
      for (const auto& [situation, by_min] : bands) {
        REQUIRE(by_min.size() == 3);
        for (auto a = by_min.begin(); a != by_min.end(); ++a) {
          for (auto b = std::next(a); b != by_min.end(); ++b) {
            const double outside = a->second->difference(*b->second).area();
            INFO((wgs84 ? "GeoJSON " : "GeoPackage ") << situation << ": " << a->first << " min outside " << b->first
                                                       << " min: " << outside);
            // Lambert-93: nothing (m²). WGS84: each band is reduced to the 6-decimal grid on
            // its own, which leaves slivers narrower than the grid (0.1 m) along shared
            // edges: below a millionth of the band (~300 m² of 1,000 km²; 0.41 km² in 75
            // pieces before the bands were nested).
            CHECK(outside <= (wgs84 ? 1e-6 * a->second->area() : 1e-6));
            CHECK(b->second->area() > a->second->area());
          }
        }
      }
    }
  }
  SECTION("catchments of one kind and situation do not overlap and cover every unit") {
    const auto& basins = layer_named(gpkg, "bassins");
    std::map<std::string, std::vector<const geo::Geometry*>> groups;
    std::map<std::string, double> sum;
    for (std::size_t i = 0; i < basins.geometries.size(); ++i) {
      const std::string key = basins.fields[i].at("situation") + " " + basins.fields[i].at("type");
      groups[key].push_back(&basins.geometries[i]);
      sum[key] += basins.geometries[i].area();
    }
    REQUIRE(groups.size() == 6);  // gp_point, hospital, regime_site, before and after
    double units_area = 0;
    for (const auto& u : t.units) units_area += u.geometry.area();
    for (const auto& [key, parts] : groups) {
      INFO(key);
      const double union_area = geo::union_all(parts).area();
      CHECK(sum[key] - union_area == Approx(0).margin(1.0));  // m² (0.93 km² of overlaps before)
      CHECK(union_area == Approx(units_area).epsilon(1e-9));
    }
  }
}

// [SECTION] unit coverage on a hand-made overlap ------------------------------------

TEST_CASE("Unit coverage: each overlap goes to the smaller unit, reported", "[import][geometry]") {
  // A = [0, 2] x [0, 2] km (4 km²); B = [1, 4] x [0, 2] (6 km²) overlaps A on [1, 2] x [0, 2]
  // (2 km²); C = [0.25, 0.75]² (0.25 km²) lies inside A; D is C again under another code.
  auto unit = [](const std::string& code, const std::string& wkt) {
    planner::Unit u;
    u.code = code;
    u.commune_code = code.substr(0, 5);
    u.geometry = geo::Geometry::from_wkt(wkt);
    u.area_km2 = u.geometry.area() / 1e6;
    u.point = u.geometry.point_on_surface();
    return u;
  };
  std::vector<planner::Unit> units = {
      unit("620010001", "POLYGON((0 0, 2000 0, 2000 2000, 0 2000, 0 0))"),
      unit("620010002", "POLYGON((1000 0, 4000 0, 4000 2000, 1000 2000, 1000 0))"),
      unit("620010003", "POLYGON((250 250, 750 250, 750 750, 250 750, 250 250))")};
  geo::Diagnostics diags;
  const auto r = planner::clean_unit_coverage(units, diags);
  CHECK(r.overlapping_pairs == 2);  // A-B, A-C
  CHECK(r.units_trimmed == 2);      // A loses C's square, B loses the strip
  CHECK(r.overlap_area_km2 == Approx(2.25).margin(1e-9));
  // A keeps the strip (smaller than B) and has C as a hole; B is [2, 4] x [0, 2]; C is unchanged.
  CHECK(units[0].geometry.area() == Approx(3.75e6).margin(1e-3));
  CHECK(units[1].geometry.area() == Approx(4e6).margin(1e-3));
  CHECK(units[2].geometry.area() == Approx(0.25e6).margin(1e-3));
  CHECK(units[0].area_km2 == Approx(3.75));
  CHECK(units[1].geometry.envelope().min_x == Approx(2000));
  CHECK_FALSE(units[0].geometry.contains(500, 500));
  for (const auto& u : units) {
    INFO(u.code);
    CHECK(u.geometry.is_valid());
    CHECK(u.geometry.contains(u.point.x_m, u.point.y_m));  // points recomputed inside
  }
  for (std::size_t i = 0; i < units.size(); ++i) {
    for (std::size_t j = i + 1; j < units.size(); ++j) {
      CHECK(units[i].geometry.intersection(units[j].geometry).area() == Approx(0).margin(1e-6));
    }
  }
  const auto trimmed = std::count_if(diags.begin(), diags.end(), [](const auto& d) { return d.code == "unit-overlap-trimmed"; });
  CHECK(trimmed == 2);
  CHECK(std::any_of(diags.begin(), diags.end(), [](const auto& d) {
    return d.code == "unit-overlaps-cleaned" && d.message.find("2 pairs") != std::string::npos;
  }));

  SECTION("a duplicate polygon under another code is kept as read and reported") {
    std::vector<planner::Unit> dup = {unit("620010003", "POLYGON((250 250, 750 250, 750 750, 250 750, 250 250))"),
                                      unit("620010004", "POLYGON((250 250, 750 250, 750 750, 250 750, 250 250))")};
    geo::Diagnostics d2;
    const auto r2 = planner::clean_unit_coverage(dup, d2);
    CHECK(r2.overlapping_pairs == 1);
    CHECK(dup[1].geometry.area() == Approx(0.25e6));  // nothing lost
    CHECK(std::any_of(d2.begin(), d2.end(), [](const auto& d) {
      return d.code == "unit-covered" && d.where == "IRIS 620010004";
    }));
  }
}

// [SECTION] tiny territories --------------------------------------------------------

TEST_CASE("Catchments: off-network units are « hors réseau », routed ones beyond the cutoff « sans accès »",
          "[evaluation][vocabulary]") {
  // Road 0..20 km at 60 km/h. u1 at x = 2 km on the road; u2 at x = 15 km on the road,
  // 13 min from H (beyond a 10-min cutoff); u3 at (10, 4) km, 4 km from the road (> 1 km).
  const auto t = test::tiny_territory({{2, 100}, {15, 200}, {10, 300, 4}}, {{"H", "hospital", 0, 10}});
  REQUIRE_FALSE(t.units[2].snap.result.ok());
  planner::EvalParams p;
  p.cutoff_min = 10;
  planner::AccessEngine engine(t, p.cutoff_min);
  const auto base = planner::evaluate(engine, planner::Scenario::baseline(), p);
  test::TempDir dir("vocabulary");
  planner::write_evaluation(engine, planner::Scenario::baseline(), p, base, base, dir.str());
  std::map<std::string, std::string> label_of_population;
  for (const auto& row : test::read_csv(dir.file("unites.csv"))) {
    label_of_population[row.at("population")] = row.at("acces_hospital");
  }
  CHECK(label_of_population.at("100") == "accès");
  CHECK(label_of_population.at("200") == "sans accès");
  CHECK(label_of_population.at("300") == "hors réseau");
  const auto basins = read_all_layers(dir.file("bassins.geojson"));
  std::map<std::string, std::string> name_of_population;
  for (const auto& row : basins.at(0).fields) {
    if (row.at("situation") == "avant") name_of_population[row.at("population")] = row.at("nom");
  }
  CHECK(name_of_population.size() == 3);
  CHECK(name_of_population.at("100") == "Établissement H");
  CHECK(name_of_population.at("200") == "sans accès dans la limite de calcul");
  CHECK(name_of_population.at("300") == "hors réseau");
}

TEST_CASE("OD table: an exact zero network time is printed 0", "[od][cli]") {
  // Origin 0.4 m and destination 0.85 m off the road at the same abscissa: access legs of
  // 1 and 2 ds at 15 km/h (0.4167 m per ds), network time 0. In seconds 0.3 - 0.1 - 0.2
  // is -2.8e-17 in floating point: it must print 0.
  const auto t = test::tiny_territory({{1, 100}}, {{"H", "hospital", 10, 1}});
  const geo::Snapper snapper(t.graph, t.profile.snap_max_distance_m, t.profile.access_speed_kmh);
  const geo::PointM o{5000, 0.4}, d{5000, -0.85};
  std::vector<planner::OdPoint> origins = {{"O", o, snapper.snap(o)}}, destinations = {{"D", d, snapper.snap(d)}};
  REQUIRE(origins[0].snap.access_ds == 1);
  REQUIRE(destinations[0].snap.access_ds == 2);
  test::TempDir dir("od");
  planner::write_od_matrix(t.graph, origins, destinations, 60, dir.file("od.csv"));
  const auto rows = test::read_csv(dir.file("od.csv"));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].at("status") == "ok");
  CHECK(rows[0].at("network_time_s") == "0");
  CHECK(rows[0].at("total_time_min") == "0.005");  // 3 ds
}

TEST_CASE("A relocated facility is one row under its id, with both positions", "[evaluation][ids]") {
  const auto t = test::tiny_territory({{1, 100}, {4, 200}, {9, 300}, {13, 400}, {18, 500}},
                                      {{"H1", "hospital", 0, 100}, {"G1", "gp_point", 5, 2}, {"G2", "gp_point", 16, 1}});
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto s = scenario_of(R"({"op": "relocate", "facility": "G1", "to": {"x_l93": 11000, "y_l93": 0}},
                                {"op": "open", "id": "G3", "kind": "gp_point", "capacity": 1, "at": {"x_l93": 2000, "y_l93": 0}})");
  const auto before = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const auto after = planner::evaluate(engine, s, p);
  REQUIRE(after.facilities.size() == 5);  // H1, G1 (old position, closed), G2, G1 (new site), G3
  test::TempDir dir("ids");
  planner::write_evaluation(engine, s, p, before, after, dir.str());
  const auto rows = test::read_csv(dir.file("etablissements.csv"));
  std::map<std::string, std::map<std::string, std::string>> by_id;
  for (const auto& r : rows) {
    INFO("id " << r.at("id"));
    CHECK(by_id.emplace(r.at("id"), r).second);  // unique
  }
  CHECK(rows.size() == 4);
  const auto& g1 = by_id.at("G1");
  CHECK(g1.at("etat_avant") == "ouvert");
  CHECK(g1.at("etat_apres") == "ouvert");
  // Before at x = 5 km: nearest GP of u0 (1 km), u1 (4) and u2 (9), 600 inh. After at x = 11 km:
  // u0 and u1 go to G3 (2 km), u2 (9) and u3 (13, G2 is 3 km away) to G1, 700 inh.
  CHECK(g1.at("pop_desservie_avant") == "600");
  CHECK(g1.at("pop_desservie_apres") == "700");
  const geo::LonLat old_ll = geo::lambert93_to_wgs84({5000, 0}), new_ll = geo::lambert93_to_wgs84({11000, 0});
  CHECK(std::stod(g1.at("lon_avant")) == Approx(old_ll.lon).margin(1e-9));
  CHECK(std::stod(g1.at("lon_apres")) == Approx(new_ll.lon).margin(1e-9));
  CHECK(by_id.at("G3").at("etat_avant") == "absent");
  CHECK(by_id.at("G3").at("lon_avant").empty());
  for (const char* file : {"etablissements.geojson", "evaluation.gpkg"}) {
    const auto layers = read_all_layers(dir.file(file));
    const auto& l = layer_named(layers, "etablissements");
    std::set<std::string> ids;
    for (const auto& f : l.fields) CHECK(ids.insert(f.at("id")).second);
    CHECK(ids.size() == 4);
  }
  // rapport.md lists it once, from its old position to its new one (6 km east along the road).
  const std::string report = test::read_text(dir.file("rapport.md"));
  // The baseline's facilities by kind (H1; G1, G2).
  CHECK_THAT(report, Catch::Contains("- 3 établissements dans la situation actuelle (2 médecine générale, 1 hôpital "
                                     "(site FINESS) ; un même lieu peut figurer sous plusieurs types)"));
  const auto from = report.find("## Établissements modifiés"), to = report.find("\n## ", from + 1);
  REQUIRE(from != std::string::npos);
  const std::string section = report.substr(from, to - from);
  INFO(section);
  std::vector<std::string> g1_lines;
  std::istringstream lines(section);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("(G1,") != std::string::npos) g1_lines.push_back(line);
  }
  REQUIRE(g1_lines.size() == 1);
  // "(lat° N ; lon° E)" to 4 decimals of a degree (about 11 m).
  const auto position = [](geo::LonLat ll) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "(%.4f° %s ; %.4f° %s)", std::abs(ll.lat), ll.lat < 0 ? "S" : "N", std::abs(ll.lon),
                  ll.lon < 0 ? "O" : "E");
    std::string text = buf;
    std::replace(text.begin(), text.end(), '.', ',');
    return text;
  };
  CHECK_THAT(g1_lines[0], Catch::Contains("déplacé de " + position(old_ll) + " vers " + position(new_ll)));
  CHECK_THAT(g1_lines[0], Catch::Contains("à 6,0 km à vol d'oiseau"));
  CHECK_THAT(g1_lines[0], Catch::Contains("population desservie 600 → 700"));
}
