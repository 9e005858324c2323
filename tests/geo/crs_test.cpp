// CRS tests: WGS84 <-> Lambert-93 against values fixed by the definition of
// Lambert-93 (EPSG:2154): the projection origin lon 3 deg E, lat 46.5 deg N maps
// to the false easting/northing (700000 m, 6600000 m), and the central meridian
// (3 deg E) maps to x = 700000 m at every latitude.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "geo/crs.hpp"
#include "geo/error.hpp"

using namespace recompose::geo;

namespace {
constexpr double kFalseEasting = 700000.0;
constexpr double kFalseNorthing = 6600000.0;
}  // namespace

TEST_CASE("The Lambert-93 origin maps to the false easting and northing", "[crs]") {
  SECTION("through the convenience wrapper") {
    const PointM p = wgs84_to_lambert93({3.0, 46.5});
    CHECK(p.x_m == Approx(kFalseEasting).margin(0.001));
    CHECK(p.y_m == Approx(kFalseNorthing).margin(0.001));
  }
  SECTION("through a CrsTransform built from EPSG codes") {
    CrsTransform t("EPSG:4326", "EPSG:2154");
    double x = 3.0, y = 46.5;
    REQUIRE(t.transform(x, y));
    CHECK(x == Approx(kFalseEasting).margin(0.001));
    CHECK(y == Approx(kFalseNorthing).margin(0.001));
  }
  SECTION("and back to lon 3, lat 46.5") {
    const LonLat ll = lambert93_to_wgs84({kFalseEasting, kFalseNorthing});
    CHECK(ll.lon == Approx(3.0).margin(1e-9));
    CHECK(ll.lat == Approx(46.5).margin(1e-9));
  }
}

TEST_CASE("The central meridian maps to x = 700000 m at every latitude", "[crs]") {
  double previous_y = 0;
  for (double lat : {42.0, 44.0, 45.43, 48.0, 51.0}) {
    CAPTURE(lat);
    const PointM p = wgs84_to_lambert93({3.0, lat});
    CHECK(p.x_m == Approx(kFalseEasting).margin(0.001));
    CHECK(p.y_m > previous_y);  // northing grows with latitude
    previous_y = p.y_m;
  }
}

TEST_CASE("Longitudes symmetric about 3 deg E give mirrored eastings", "[crs]") {
  // A conic projection is symmetric about its central meridian.
  const PointM west = wgs84_to_lambert93({1.0, 45.0});
  const PointM east = wgs84_to_lambert93({5.0, 45.0});
  CHECK(west.x_m < kFalseEasting);
  CHECK(east.x_m > kFalseEasting);
  CHECK((kFalseEasting - west.x_m) == Approx(east.x_m - kFalseEasting).margin(0.001));
  CHECK(west.y_m == Approx(east.y_m).margin(0.001));
}

TEST_CASE("A WGS84 -> Lambert-93 -> WGS84 round trip returns the point to 1e-7 deg", "[crs]") {
  const std::vector<LonLat> points = {
      {4.3872, 45.4397},   // Saint-Étienne
      {2.8319, 50.4322},   // Lens
      {-4.4861, 48.3904},  // Brest
      {7.2620, 43.7102},   // Nice
      {9.4500, 42.7000},   // Corsica
  };
  for (const auto& p : points) {
    CAPTURE(p.lon, p.lat);
    const LonLat back = lambert93_to_wgs84(wgs84_to_lambert93(p));
    CHECK(back.lon == Approx(p.lon).margin(1e-7));
    CHECK(back.lat == Approx(p.lat).margin(1e-7));
  }
  SECTION("also with CrsTransform::inverse") {
    CrsTransform t(kWgs84, kLambert93);
    double x = 4.3872, y = 45.4397;
    REQUIRE(t.transform(x, y));
    REQUIRE(t.inverse(x, y));
    CHECK(x == Approx(4.3872).margin(1e-7));
    CHECK(y == Approx(45.4397).margin(1e-7));
  }
}

TEST_CASE("Axis order is x = longitude and y = latitude whatever EPSG:4326 says", "[crs]") {
  CrsTransform t(kLambert93, kWgs84);
  double x = kFalseEasting, y = kFalseNorthing;
  REQUIRE(t.transform(x, y));
  CHECK(x == Approx(3.0).margin(1e-9));   // longitude first
  CHECK(y == Approx(46.5).margin(1e-9));  // latitude second

  SECTION("a point near Lyon comes back as (lon, lat), not (lat, lon)") {
    const PointM p = wgs84_to_lambert93({4.85, 45.75});  // Lyon
    double lx = p.x_m, ly = p.y_m;
    REQUIRE(t.transform(lx, ly));
    CHECK(lx == Approx(4.85).margin(1e-7));
    CHECK(ly == Approx(45.75).margin(1e-7));
    // Lyon is east of the central meridian and south of the origin parallel.
    CHECK(p.x_m > kFalseEasting);
    CHECK(p.y_m < kFalseNorthing);
  }
}

TEST_CASE("crs_authority_code identifies EPSG definitions", "[crs]") {
  SECTION("an EPSG code is returned as is") {
    CHECK(crs_authority_code("EPSG:2154") == "EPSG:2154");
    CHECK(crs_authority_code("EPSG:4326") == "EPSG:4326");
  }
  SECTION("a WKT carrying its identifier") {
    const std::string wkt =
        "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,"
        "AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,"
        "AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],"
        "AUTHORITY[\"EPSG\",\"4326\"]]";
    CHECK(crs_authority_code(wkt) == "EPSG:4326");
  }
  SECTION("garbage gives an empty string") {
    CHECK(crs_authority_code("not a crs at all").empty());
  }
}

TEST_CASE("An unknown CRS definition throws an Error naming it", "[crs]") {
  SECTION("unknown EPSG code as source") {
    try {
      CrsTransform t("EPSG:999999", kWgs84);
      FAIL("no exception");
    } catch (const Error& e) {
      CHECK_THAT(e.what(), Catch::Contains("EPSG:999999"));
      CHECK(e.kind() == ErrorKind::BadInput);
    }
  }
  SECTION("garbage as target") {
    CHECK_THROWS_AS(CrsTransform(kWgs84, "no-such-crs"), Error);
    CHECK_THROWS_WITH(CrsTransform(kWgs84, "no-such-crs"), Catch::Contains("no-such-crs"));
  }
}

TEST_CASE("A batch transform counts the points that fail and sets them to NaN", "[crs]") {
  CrsTransform t(kWgs84, kLambert93);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // Points 1 (latitude 91), 2 (the south pole, at infinity in a northern conic
  // projection) and 3 (NaN input) cannot be projected.
  std::vector<double> xs{3.0, 3.0, 3.0, nan, 3.0};
  std::vector<double> ys{46.5, 91.0, -90.0, 46.0, 44.0};
  const std::size_t failed = t.transform(xs, ys);
  CHECK(failed == 3);
  CHECK(xs[0] == Approx(kFalseEasting).margin(0.001));
  CHECK(ys[0] == Approx(kFalseNorthing).margin(0.001));
  for (std::size_t i : {1u, 2u, 3u}) {
    CAPTURE(i);
    CHECK(std::isnan(xs[i]));
    CHECK(std::isnan(ys[i]));
  }
  CHECK(xs[4] == Approx(kFalseEasting).margin(0.001));
  CHECK(ys[4] < kFalseNorthing);

  SECTION("a failed single-point transform leaves the input unchanged") {
    double x = 3.0, y = 91.0;
    CHECK_FALSE(t.transform(x, y));
    CHECK(x == 3.0);
    CHECK(y == 91.0);
  }
  SECTION("an empty batch has no failure") {
    std::vector<double> none;
    CHECK(t.transform(none, none) == 0);
  }
  SECTION("the convenience wrapper throws on an impossible point") {
    CHECK_THROWS_AS(wgs84_to_lambert93({3.0, 91.0}), Error);
  }
}
