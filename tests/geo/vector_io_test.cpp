// Vector I/O tests on the REAL raw open data (counts from
// shared/datasets/raw/SOURCES.md) and on small files written into temporary
// directories (by hand, with VectorWriter or with the GDAL C API).
#include <catch2/catch.hpp>

#include <gdal.h>
#include <ogr_api.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "geo/crs.hpp"
#include "geo/error.hpp"
#include "geo/geometry.hpp"
#include "geo/vector_io.hpp"
#include "test_support.hpp"

using namespace recompose::geo;
namespace fs = std::filesystem;
using recompose::test::data_file;
using recompose::test::read_text;
using recompose::test::TempDir;
using recompose::test::write_text;

namespace {

// The x/y of a point geometry.
PointM xy(const Geometry& g) { return g.centroid(); }

// Calls `f`, expecting an Error, and returns its what().
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("no recompose::geo::Error thrown");
  return "";
}

// A point shapefile with one field `code`, written with the GDAL C API and no
// spatial reference (hence no .prj).
void write_shapefile_without_prj(const std::string& path, double x, double y, const char* code) {
  GDALAllRegister();
  GDALDriverH drv = GDALGetDriverByName("ESRI Shapefile");
  REQUIRE(drv != nullptr);
  GDALDatasetH ds = GDALCreate(drv, path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  REQUIRE(ds != nullptr);
  OGRLayerH layer = GDALDatasetCreateLayer(ds, "points", nullptr, wkbPoint, nullptr);
  REQUIRE(layer != nullptr);
  OGRFieldDefnH fd = OGR_Fld_Create("code", OFTString);
  REQUIRE(OGR_L_CreateField(layer, fd, TRUE) == OGRERR_NONE);
  OGR_Fld_Destroy(fd);
  OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
  OGR_F_SetFieldString(f, 0, code);
  OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
  OGR_G_SetPoint_2D(g, 0, x, y);
  OGR_F_SetGeometryDirectly(f, g);
  REQUIRE(OGR_L_CreateFeature(layer, f) == OGRERR_NONE);
  OGR_F_Destroy(f);
  GDALClose(ds);
}

const char* kIris = "contours-iris-2020/contours-iris-2020-42-43-69-07.geojson";
const char* kIrisRef = "insee-iris/reference-iris-2021-42-43-69-07.csv";
const char* kCommunesJson = "etalab-decoupage-administratif/communes-42-43-69-07.json";

}  // namespace

TEST_CASE("The real Loire IRIS GeoJSON is read with its codes as strings", "[vector_io]") {
  ReadOptions o;
  o.fields = {"code_iris", "insee_com"};
  o.optional_fields = {"typ_iris"};
  const LayerData d = read_layer(data_file(kIris), o);

  // SOURCES.md: 560 features (42=493, 69=38, 43=18, 07=11), WGS84.
  REQUIRE(d.features.size() == 560);
  CHECK(d.source_crs == "EPSG:4326");
  CHECK(d.field_names == std::vector<std::string>{"code_iris", "insee_com", "typ_iris"});
  CHECK(d.field("insee_com") == 1);
  CHECK_THROWS_AS(d.field("nom_iris"), Error);  // not requested

  std::map<std::string, int> by_dep;
  std::map<std::string, int> by_type;
  std::set<std::string> codes;
  for (const auto& f : d.features) {
    REQUIRE(f.values.size() == 3);
    const std::string& iris = f.values[0];
    const std::string& com = f.values[1];
    CAPTURE(iris, com);
    CHECK(iris.size() == 9);
    CHECK(com.size() == 5);
    CHECK(iris.substr(0, 5) == com);
    CHECK_FALSE(f.is_null[0]);
    codes.insert(iris);
    ++by_dep[com.substr(0, 2)];
    ++by_type[f.values[2]];
    REQUIRE(f.geometry);
    CHECK(f.geometry.is_polygonal());
  }
  CHECK(codes.size() == 560);  // one polygon per IRIS code
  CHECK(by_dep["42"] == 493);
  CHECK(by_dep["69"] == 38);
  CHECK(by_dep["43"] == 18);
  CHECK(by_dep["07"] == 11);  // Ardèche keeps its leading zero
  CHECK(by_dep["7"] == 0);
  // SOURCES.md: typ_iris Z 354, H 200, A 5, D 1.
  CHECK(by_type["Z"] == 354);
  CHECK(by_type["H"] == 200);
  CHECK(by_type["A"] == 5);
  CHECK(by_type["D"] == 1);

  SECTION("geometries come back in Lambert-93 metres around Saint-Étienne") {
    // Extent of the 42/43/69/07 IRIS: roughly lon 3.6-4.9 E, lat 45.1-46.3 N, i.e.
    // Lambert-93 x 720-830 km, y 6440-6580 km. A loose box rules out degrees
    // and swapped axes.
    for (const auto& f : d.features) {
      const Envelope e = f.geometry.envelope();
      CHECK(e.min_x > 650000.0);
      CHECK(e.max_x < 900000.0);
      CHECK(e.min_y > 6350000.0);
      CHECK(e.max_y < 6700000.0);
    }
  }
  SECTION("a Saint-Étienne IRIS contains the city centre") {
    // Place Jean-Jaurès, Saint-Étienne: lon 4.3872, lat 45.4397, commune 42218.
    CrsTransform t(kWgs84, kLambert93);
    double x = 4.3872, y = 45.4397;
    REQUIRE(t.transform(x, y));
    int containing = 0;
    for (const auto& f : d.features) {
      if (f.geometry.contains(x, y)) {
        ++containing;
        CHECK(f.values[1] == "42218");
      }
    }
    CHECK(containing == 1);
  }
}

TEST_CASE("The real INSEE IRIS reference table (semicolon-separated) keeps codes as strings", "[vector_io]") {
  ReadOptions o;
  o.fields = {"CODE_IRIS", "DEPCOM", "DEP"};
  o.read_geometry = false;
  o.open_options = {"SEPARATOR=SEMICOLON"};
  const LayerData d = read_layer(data_file(kIrisRef), o);
  REQUIRE(d.features.size() == 560);  // SOURCES.md
  CHECK(d.source_crs.empty());
  std::map<std::string, int> by_dep;
  for (const auto& f : d.features) {
    CAPTURE(f.values[0]);
    CHECK(f.values[0].size() == 9);
    CHECK(f.values[1].size() == 5);
    CHECK(f.values[0].starts_with(f.values[1]));
    CHECK_FALSE(f.geometry);
    ++by_dep[f.values[2]];
  }
  CHECK(by_dep["42"] == 493);
  CHECK(by_dep["69"] == 38);
  CHECK(by_dep["43"] == 18);
  CHECK(by_dep["07"] == 11);
  const auto first07 = std::find_if(d.features.begin(), d.features.end(),
                                    [](const FeatureRecord& f) { return f.values[0].starts_with("07"); });
  REQUIRE(first07 != d.features.end());
  CHECK(first07->values[1].starts_with("07"));

  SECTION("the separator is also detected without the open option") {
    ReadOptions auto_sep = o;
    auto_sep.open_options.clear();
    const LayerData d2 = read_layer(data_file(kIrisRef), auto_sep);
    REQUIRE(d2.features.size() == 560);
    CHECK(d2.features[0].values[0] == d.features[0].values[0]);
  }
}

TEST_CASE("The etalab JSON array of communes is read through the same interface", "[vector_io]") {
  ReadOptions o;
  o.fields = {"code", "nom", "type"};
  o.optional_fields = {"population", "chefLieu"};
  o.read_geometry = false;
  const LayerData d = read_layer(data_file(kCommunesJson), o);
  // SOURCES.md: 397 records; 320 + 58 = 378 of type commune-actuelle.
  REQUIRE(d.features.size() == 397);
  int actual = 0;
  for (const auto& f : d.features) {
    CHECK(f.values[0].size() == 5);
    if (f.values[2] == "commune-actuelle") {
      ++actual;
      CHECK_FALSE(f.is_null[3]);  // every current commune has a population
    }
  }
  CHECK(actual == 378);
  SECTION("an Ardèche code keeps its leading zero and numbers become text") {
    // First record of the file (checked by eye): 07041 Boulieu-lès-Annonay, population 2248.
    const auto it = std::find_if(d.features.begin(), d.features.end(),
                                 [](const FeatureRecord& f) { return f.values[0] == "07041"; });
    REQUIRE(it != d.features.end());
    CHECK(it->values[1] == "Boulieu-lès-Annonay");
    CHECK(it->values[3] == "2248");
    CHECK(it->is_null[4]);  // no chefLieu: absent optional fields are null
    CHECK(it->values[4].empty());
  }
  SECTION("an unknown field in a JSON array names the field and the file") {
    ReadOptions bad = o;
    bad.fields = {"code", "no_such_key"};
    const std::string msg = error_of([&] { (void)read_layer(data_file(kCommunesJson), bad); });
    CHECK_THAT(msg, Catch::Contains("no_such_key"));
    CHECK_THAT(msg, Catch::Contains("communes-42-43-69-07.json"));
  }
}

TEST_CASE("Read errors name the culprit", "[vector_io]") {
  SECTION("an unknown field names the field and the file") {
    ReadOptions o;
    o.fields = {"code_iris", "code_commune_inexistant"};
    const std::string msg = error_of([&] { (void)read_layer(data_file(kIris), o); });
    CHECK_THAT(msg, Catch::Contains("code_commune_inexistant"));
    CHECK_THAT(msg, Catch::Contains("contours-iris-2020-42-43-69-07.geojson"));
    CHECK_THAT(msg, Catch::Contains("insee_com"));  // lists the fields it has
  }
  SECTION("an unknown optional field is not an error") {
    ReadOptions o;
    o.fields = {"code_iris"};
    o.optional_fields = {"not_there"};
    o.read_geometry = false;
    const LayerData d = read_layer(data_file(kIris), o);
    REQUIRE(d.features.size() == 560);
    CHECK(d.features[0].is_null[1]);
    CHECK(d.features[0].values[1].empty());
  }
  SECTION("a missing file names the path") {
    TempDir tmp;
    const std::string missing = tmp.file("nowhere-42.geojson");
    ReadOptions o;
    o.fields = {"code"};
    const std::string msg = error_of([&] { (void)read_layer(missing, o); });
    CHECK_THAT(msg, Catch::Contains(missing));
    CHECK_THROWS_AS(list_layers(missing), Error);
    CHECK_THROWS_WITH(list_layers(missing), Catch::Contains(missing));
  }
  SECTION("an unknown layer names the layer") {
    ReadOptions o;
    o.layer = "no_such_layer";
    o.fields = {"code_iris"};
    const std::string msg = error_of([&] { (void)read_layer(data_file(kIris), o); });
    CHECK_THAT(msg, Catch::Contains("no_such_layer"));
    CHECK_THAT(msg, Catch::Contains("contours-iris-2020-42-43-69-07.geojson"));
  }
  SECTION("a file GDAL cannot read names the file") {
    TempDir tmp;
    const std::string junk = tmp.file("junk.geojson");
    write_text(junk, "this is { not geojson");
    ReadOptions o;
    o.fields = {"code"};
    CHECK_THROWS_WITH(read_layer(junk, o), Catch::Contains(junk));
  }
}

TEST_CASE("Layers without a CRS", "[vector_io]") {
  TempDir tmp;
  SECTION("a GeoJSON without a crs member is WGS84 by definition") {
    const std::string path = tmp.file("nocrs.geojson");
    write_text(path,
               R"({"type":"FeatureCollection","features":[)"
               R"({"type":"Feature","properties":{"code":"07041"},)"
               R"("geometry":{"type":"Point","coordinates":[3.0,46.5]}}]})");
    ReadOptions o;
    o.fields = {"code"};
    const LayerData d = read_layer(path, o);
    REQUIRE(d.features.size() == 1);
    CHECK(d.source_crs == "EPSG:4326");
    CHECK(d.features[0].values[0] == "07041");
    REQUIRE(d.features[0].geometry);
    const PointM p = xy(d.features[0].geometry);
    CHECK(p.x_m == Approx(700000.0).margin(0.01));
    CHECK(p.y_m == Approx(6600000.0).margin(0.01));
  }
  SECTION("an old-style GeoJSON crs member (Lambert-93, easting first) is honoured") {
    const std::string path = tmp.file("l93.geojson");
    write_text(path,
               R"({"type":"FeatureCollection",)"
               R"("crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[)"
               R"({"type":"Feature","properties":{"code":"x"},)"
               R"("geometry":{"type":"Point","coordinates":[700000,6600000]}}]})");
    ReadOptions o;
    o.fields = {"code"};
    o.target_crs = "EPSG:4326";
    const LayerData d = read_layer(path, o);
    REQUIRE(d.features.size() == 1);
    CHECK(d.source_crs == "EPSG:2154");
    const PointM p = xy(d.features[0].geometry);
    CHECK(p.x_m == Approx(3.0).margin(1e-9));
    CHECK(p.y_m == Approx(46.5).margin(1e-9));
  }
  SECTION("a shapefile without .prj must be given a CRS") {
    const std::string shp = tmp.file("noprj.shp");
    write_shapefile_without_prj(shp, 700000, 6600000, "01001");
    REQUIRE(fs::exists(shp));
    REQUIRE_FALSE(fs::exists(tmp.file("noprj.prj")));
    ReadOptions o;
    o.fields = {"code"};
    const std::string msg = error_of([&] { (void)read_layer(shp, o); });
    CHECK_THAT(msg, Catch::Contains("noprj.shp"));
    CHECK_THAT(msg, Catch::Contains("CRS"));

    o.assume_crs = "EPSG:2154";
    o.target_crs = "EPSG:4326";
    const LayerData d = read_layer(shp, o);
    REQUIRE(d.features.size() == 1);
    CHECK(d.features[0].values[0] == "01001");
    CHECK(d.source_crs == "EPSG:2154");
    const PointM p = xy(d.features[0].geometry);
    CHECK(p.x_m == Approx(3.0).margin(1e-9));
    CHECK(p.y_m == Approx(46.5).margin(1e-9));

    SECTION("without geometry the missing CRS does not matter") {
      ReadOptions table;
      table.fields = {"code"};
      table.read_geometry = false;
      CHECK(read_layer(shp, table).features.size() == 1);
    }
  }
  SECTION("a CSV with a WKT column written by VectorWriter has no CRS and must be given one") {
    const std::string csv = tmp.file("wkt.csv");
    {
      VectorWriter w(csv, VectorFormat::Csv);
      w.begin_layer("wkt", GeometryKind::Point, {{"code", FieldType::String}});
      const Geometry p = Geometry::point(700000, 6600000);
      w.write({std::string("42218")}, &p);
      w.commit();
    }
    REQUIRE(fs::exists(csv));
    ReadOptions o;
    o.fields = {"code"};
    const std::string msg = error_of([&] { (void)read_layer(csv, o); });
    CHECK_THAT(msg, Catch::Contains("wkt.csv"));
    CHECK_THAT(msg, Catch::Contains("CRS"));

    o.assume_crs = "EPSG:2154";
    const LayerData d = read_layer(csv, o);
    REQUIRE(d.features.size() == 1);
    CHECK(d.features[0].values[0] == "42218");
    const PointM p = xy(d.features[0].geometry);
    CHECK(p.x_m == Approx(700000.0).margin(1e-6));
    CHECK(p.y_m == Approx(6600000.0).margin(1e-6));
  }
  SECTION("CSV x/y columns need an explicit CRS") {
    const std::string csv = tmp.file("xy.csv");
    write_text(csv, "id,name,lon,lat\nA1,origin,3,46.5\nA2,bad,,46.5\n");
    ReadOptions o;
    o.fields = {"id", "name"};
    o.x_field = "lon";
    o.y_field = "lat";
    const std::string msg = error_of([&] { (void)read_layer(csv, o); });
    CHECK_THAT(msg, Catch::Contains("xy.csv"));
    CHECK_THAT(msg, Catch::Contains("lon"));
    CHECK_THAT(msg, Catch::Contains("CRS"));

    o.assume_crs = "EPSG:4326";
    const LayerData d = read_layer(csv, o);
    REQUIRE(d.features.size() == 2);
    const PointM p = xy(d.features[0].geometry);
    CHECK(p.x_m == Approx(700000.0).margin(0.01));
    CHECK(p.y_m == Approx(6600000.0).margin(0.01));
    CHECK_FALSE(d.features[1].geometry);  // empty lon: no point, a diagnostic
    REQUIRE(d.diagnostics.size() == 1);
    CHECK(d.diagnostics[0].code == "bad-coordinates");

    SECTION("an unknown coordinate column is named") {
      ReadOptions bad = o;
      bad.x_field = "longitude";
      CHECK_THROWS_WITH(read_layer(csv, bad), Catch::Contains("longitude"));
    }
  }
}

TEST_CASE("Every geometry is written valid at the precision of its format", "[vector_io][geometry]") {
  // A square of 10 x 10 micro-degrees near (4, 45) with a notch whose tip lies 0.4
  // micro-degree above the bottom edge: valid as given, but rounded to 6 decimals the
  // tip falls onto that edge (a ring self-intersection), the defect of bassins.geojson.
  const std::vector<LonLat> ring = {{4.0, 45.0},       {4.00001, 45.0},     {4.00001, 45.00001},
                                    {4.000005, 45.0000004}, {4.0, 45.00001}, {4.0, 45.0}};
  auto wkt = [](const std::vector<PointM>& pts) {
    std::string s = "POLYGON((";
    char buf[80];
    for (std::size_t i = 0; i < pts.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%s%.17g %.17g", i ? ", " : "", pts[i].x_m, pts[i].y_m);
      s += buf;
    }
    return s + "))";
  };
  std::vector<PointM> wgs, l93;
  for (const auto& p : ring) {
    wgs.push_back({p.lon, p.lat});
    l93.push_back(wgs84_to_lambert93(p));
  }
  TempDir tmp;
  for (const bool from_l93 : {false, true}) {
    const Geometry g = Geometry::from_wkt(wkt(from_l93 ? l93 : wgs));
    REQUIRE(g.is_valid());
    for (const auto format : {VectorFormat::GeoJson, VectorFormat::GeoPackage}) {
      const bool json = format == VectorFormat::GeoJson;
      const std::string path = tmp.file(std::string(from_l93 ? "l93" : "wgs") + (json ? ".geojson" : ".gpkg"));
      {
        VectorWriter w(path, format, from_l93 ? "EPSG:2154" : "EPSG:4326");
        w.begin_layer("notch", GeometryKind::MultiPolygon, {{"code", FieldType::String}});
        w.write({std::string("A")}, &g);
        w.commit();
      }
      ReadOptions o;
      o.fields = {"code"};
      // Checked in the CRS of the file, as another GIS reads it.
      o.target_crs = json ? "EPSG:4326" : (from_l93 ? "EPSG:2154" : "EPSG:4326");
      const LayerData d = read_layer(path, o);
      REQUIRE(d.features.size() == 1);
      const Geometry& back = d.features[0].geometry;
      INFO(path << ": " << back.to_wkt(7));
      REQUIRE(back);
      CHECK(back.is_valid());
      CHECK(back.invalid_reason().empty());
      // Nothing else is lost: the square (1e-10 deg²) less the notch, two triangles of
      // 2.5e-11 deg² each once the tip touches the bottom edge.
      if (json) CHECK(back.area() == Approx(5e-11).epsilon(0.05));
    }
  }
  SECTION("an invalid polygon (a bow-tie) is written valid in every format") {
    const Geometry bow = Geometry::from_wkt(
        "POLYGON((700000 6600000, 700100 6600100, 700100 6600000, 700000 6600100, 700000 6600000))");
    REQUIRE_FALSE(bow.is_valid());
    for (const auto format : {VectorFormat::GeoJson, VectorFormat::GeoPackage}) {
      const std::string path = tmp.file(format == VectorFormat::GeoJson ? "bow.geojson" : "bow.gpkg");
      {
        VectorWriter w(path, format);
        w.begin_layer("bow", GeometryKind::MultiPolygon, {{"code", FieldType::String}});
        w.write({std::string("B")}, &bow);
        w.commit();
      }
      ReadOptions o;
      o.fields = {"code"};
      o.target_crs = format == VectorFormat::GeoJson ? "EPSG:4326" : "EPSG:2154";
      const LayerData d = read_layer(path, o);
      REQUIRE(d.features.size() == 1);
      REQUIRE(d.features[0].geometry);
      CHECK(d.features[0].geometry.is_valid());
      if (format == VectorFormat::GeoPackage) CHECK(d.features[0].geometry.area() == Approx(5000).margin(1e-6));
    }
  }
}

TEST_CASE("CSV text cells that a spreadsheet would run as formulas are neutralised, numbers are not",
          "[vector_io][csv]") {
  CHECK(csv_safe_text("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")");
  CHECK(csv_safe_text("+33 1 23") == "'+33 1 23");
  CHECK(csv_safe_text("-12") == "'-12");
  CHECK(csv_safe_text("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_safe_text("\tx") == "'\tx");
  CHECK(csv_safe_text("\rx") == "'\rx");
  CHECK(csv_safe_text("Centre = santé") == "Centre = santé");
  CHECK(csv_safe_text("") == "");
  TempDir tmp;
  for (const auto format : {VectorFormat::Csv, VectorFormat::GeoJson}) {
    const bool csv = format == VectorFormat::Csv;
    const std::string path = tmp.file(csv ? "cells.csv" : "cells.geojson");
    {
      VectorWriter w(path, format);
      w.begin_layer("cells", csv ? GeometryKind::None : GeometryKind::Point,
                    {{"nom", FieldType::String}, {"delta", FieldType::Real}, {"n", FieldType::Integer}});
      const Geometry p = Geometry::point(700000, 6600000);
      w.write({std::string("=1+1"), -3.5, std::int64_t{-2}}, csv ? nullptr : &p);
      w.write({std::string("@cmd"), 0.0, std::int64_t{0}}, csv ? nullptr : &p);
      w.commit();
    }
    if (csv) {
      const auto rows = recompose::test::read_csv(path);
      REQUIRE(rows.size() == 2);
      CHECK(rows[0].at("nom") == "'=1+1");
      CHECK(rows[0].at("delta") == "-3.5");  // a number stays a number
      CHECK(rows[0].at("n") == "-2");
      CHECK(rows[1].at("nom") == "'@cmd");
      INFO(read_text(path));
      CHECK(read_text(path).find("\n'=1+1,-3.5,") != std::string::npos);  // the number unquoted
    } else {
      // GeoJSON is data for GIS, not a spreadsheet: kept as written.
      CHECK(read_text(path).find("\"nom\": \"=1+1\"") != std::string::npos);
    }
  }
}

TEST_CASE("VectorWriter output re-reads to the values written", "[vector_io]") {
  TempDir tmp;
  SECTION("GeoJSON is WGS84 with at most 6 decimals") {
    const std::string path = tmp.file("out.geojson");
    {
      VectorWriter w(path, VectorFormat::GeoJson);  // input in Lambert-93
      w.begin_layer("points", GeometryKind::Point, {{"code", FieldType::String}, {"n", FieldType::Integer}});
      const Geometry origin = Geometry::point(700000, 6600000);
      w.write({std::string("07041"), std::int64_t{3}}, &origin);
      // A point that is not on round degrees, to exercise the rounding.
      const Geometry other = Geometry::point(808123.456789, 6482987.654321);
      w.write({std::string("42218"), std::int64_t{4}}, &other);
      w.commit();
    }
    const std::string text = read_text(path);
    CHECK(text.find("\"crs\"") == std::string::npos);
    const std::regex decimal(R"(\d+\.(\d+))");
    int numbers = 0;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), decimal); it != std::sregex_iterator(); ++it) {
      ++numbers;
      CAPTURE(it->str());
      CHECK((*it)[1].length() <= 6);
    }
    CHECK(numbers >= 4);

    ReadOptions o;
    o.fields = {"code", "n"};
    o.target_crs = "EPSG:4326";
    const LayerData d = read_layer(path, o);
    REQUIRE(d.features.size() == 2);
    CHECK(d.features[0].values[0] == "07041");
    CHECK(d.features[0].values[1] == "3");
    const PointM p = xy(d.features[0].geometry);
    CHECK(p.x_m == Approx(3.0).margin(1e-6));
    CHECK(p.y_m == Approx(46.5).margin(1e-6));
    // Re-read in Lambert-93: 6 decimals of a degree are ~0.1 m.
    ReadOptions l93 = o;
    l93.target_crs = "EPSG:2154";
    const LayerData d93 = read_layer(path, l93);
    const PointM q = xy(d93.features[1].geometry);
    CHECK(q.x_m == Approx(808123.456789).margin(0.15));
    CHECK(q.y_m == Approx(6482987.654321).margin(0.15));
  }
  SECTION("a GeoPackage holds two layers in EPSG:2154") {
    const std::string path = tmp.file("two.gpkg");
    {
      VectorWriter w(path, VectorFormat::GeoPackage);
      w.begin_layer("zones", GeometryKind::Polygon, {{"code", FieldType::String}, {"pop", FieldType::Real}});
      const Geometry sq = Geometry::from_wkt(
          "POLYGON((700000 6600000,700100 6600000,700100 6600100,700000 6600100,700000 6600000))");
      w.write({std::string("01001"), 12.5}, &sq);
      w.begin_layer("sites", GeometryKind::Point, {{"id", FieldType::String}});
      for (int i = 0; i < 3; ++i) {
        const Geometry p = Geometry::point(700000.0 + 10.0 * i, 6600000.0);
        w.write({std::string("S") + std::to_string(i)}, &p);
      }
      w.commit();
    }
    const auto layers = list_layers(path);
    REQUIRE(layers.size() == 2);
    std::map<std::string, LayerInfo> by_name;
    for (const auto& l : layers) by_name[l.name] = l;
    REQUIRE(by_name.count("zones"));
    REQUIRE(by_name.count("sites"));
    CHECK(by_name["zones"].feature_count == 1);
    CHECK(by_name["sites"].feature_count == 3);
    CHECK(by_name["zones"].crs == "EPSG:2154");
    CHECK(by_name["sites"].crs == "EPSG:2154");
    CHECK(by_name["zones"].geometry_type == "Polygon");
    CHECK(by_name["sites"].geometry_type == "Point");
    CHECK(by_name["zones"].fields == std::vector<std::string>{"code", "pop"});

    ReadOptions o;
    o.layer = "zones";
    o.fields = {"code", "pop"};
    const LayerData z = read_layer(path, o);
    REQUIRE(z.features.size() == 1);
    CHECK(z.features[0].values[0] == "01001");
    CHECK(std::stod(z.features[0].values[1]) == 12.5);
    CHECK(z.features[0].geometry.area() == Approx(10000.0).epsilon(1e-9));

    ReadOptions s;
    s.layer = "sites";
    s.fields = {"id"};
    const LayerData sites = read_layer(path, s);
    REQUIRE(sites.features.size() == 3);
    CHECK(sites.features[2].values[0] == "S2");
    CHECK(xy(sites.features[2].geometry).x_m == 700020.0);
    CHECK(xy(sites.features[2].geometry).y_m == 6600000.0);
  }
  SECTION("CSV keeps a code with a leading zero") {
    const std::string path = tmp.file("codes.csv");
    {
      VectorWriter w(path, VectorFormat::Csv);
      w.begin_layer("codes", GeometryKind::None, {{"code", FieldType::String}, {"n", FieldType::Integer}});
      w.write({std::string("01001"), std::int64_t{7}});
      w.write({std::string("2A004"), std::monostate{}});
      w.commit();
    }
    CHECK(read_text(path).find("01001") != std::string::npos);
    ReadOptions o;
    o.fields = {"code", "n"};
    const LayerData d = read_layer(path, o);
    REQUIRE(d.features.size() == 2);
    CHECK(d.features[0].values[0] == "01001");
    CHECK(d.features[0].values[1] == "7");
    CHECK(d.features[1].values[0] == "2A004");
    CHECK(d.features[1].values[1].empty());
  }
  SECTION("a writer destroyed without commit leaves nothing behind") {
    for (const auto& [name, format] : std::vector<std::pair<std::string, VectorFormat>>{
             {"a.geojson", VectorFormat::GeoJson}, {"b.gpkg", VectorFormat::GeoPackage}, {"c.csv", VectorFormat::Csv}}) {
      CAPTURE(name);
      {
        VectorWriter w(tmp.file(name), format);
        w.begin_layer("x", GeometryKind::Point, {{"code", FieldType::String}});
        const Geometry p = Geometry::point(700000, 6600000);
        w.write({std::string("01001")}, &p);
        // no commit
      }
      CHECK(tmp.entries().empty());
    }
    SECTION("and a committed writer leaves exactly its file") {
      {
        VectorWriter w(tmp.file("done.gpkg"), VectorFormat::GeoPackage);
        w.begin_layer("x", GeometryKind::Point, {{"code", FieldType::String}});
        const Geometry p = Geometry::point(700000, 6600000);
        w.write({std::string("01001")}, &p);
        w.commit();
      }
      CHECK(tmp.entries() == std::vector<std::string>{"done.gpkg"});
    }
  }
  SECTION("a failed commit-less run does not replace an existing file") {
    const std::string path = tmp.file("keep.geojson");
    write_text(path, "previous content");
    {
      VectorWriter w(path, VectorFormat::GeoJson);
      w.begin_layer("x", GeometryKind::Point, {{"code", FieldType::String}});
    }
    CHECK(read_text(path) == "previous content");
    CHECK(tmp.entries() == std::vector<std::string>{"keep.geojson"});
  }
  SECTION("write_text_file_atomic writes the text and no temporary") {
    const std::string path = tmp.file("report.json");
    write_text_file_atomic(path, "{\"a\": 1}\n");
    CHECK(read_text(path) == "{\"a\": 1}\n");
    CHECK(tmp.entries() == std::vector<std::string>{"report.json"});
  }
}
