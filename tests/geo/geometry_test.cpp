// Geometry tests: WKT in, values out. Every expected value is computed by hand
// from the coordinates in the WKT.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "geo/crs.hpp"
#include "geo/error.hpp"
#include "geo/geometry.hpp"

using namespace recompose::geo;

namespace {

// A "U": a 30 x 30 square minus the notch x in [10, 20], y in [10, 30].
// Area 900 - 200 = 700. Centroid: bottom bar 300 at y 5, two arms 200 each at
// y 20 -> y = (300*5 + 400*20) / 700 = 13.571..., x = 15: inside the notch.
const char* kU = "POLYGON((0 0,30 0,30 30,20 30,20 10,10 10,10 30,0 30,0 0))";
const char* kBowTie = "POLYGON((0 0,10 10,10 0,0 10,0 0))";

std::vector<std::size_t> sorted(std::vector<std::size_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("Areas, lengths and envelopes of simple shapes", "[geometry]") {
  SECTION("a 10 x 10 square has area 100 and perimeter 40") {
    const Geometry sq = Geometry::from_wkt("POLYGON((0 0,10 0,10 10,0 10,0 0))");
    CHECK(sq.type_name() == "Polygon");
    CHECK(sq.is_polygonal());
    CHECK(sq.is_valid());
    CHECK(sq.invalid_reason().empty());
    CHECK(sq.area() == Approx(100.0));
    CHECK(sq.length() == Approx(40.0));
    CHECK(sq.vertex_count() == 5);
    const Envelope e = sq.envelope();
    CHECK(e.min_x == 0.0);
    CHECK(e.min_y == 0.0);
    CHECK(e.max_x == 10.0);
    CHECK(e.max_y == 10.0);
  }
  SECTION("a square with a 2 x 2 hole has area 96") {
    const Geometry g = Geometry::from_wkt("POLYGON((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))");
    CHECK(g.area() == Approx(96.0));
    CHECK_FALSE(g.contains(5, 5));
    CHECK(g.contains(1, 1));
  }
  SECTION("the U polygon has area 700") {
    CHECK(Geometry::from_wkt(kU).area() == Approx(700.0));
  }
  SECTION("a 3-4-5 line has length 5 and is not polygonal") {
    const Geometry l = Geometry::from_wkt("LINESTRING(0 0,3 4)");
    CHECK(l.length() == Approx(5.0));
    CHECK(l.area() == 0.0);
    CHECK_FALSE(l.is_polygonal());
  }
  SECTION("a line built from points matches its WKT") {
    const std::vector<PointM> pts{{0, 0}, {3, 4}, {3, 10}};
    const Geometry l = Geometry::line(pts);
    CHECK(l.type_name() == "LineString");
    CHECK(l.length() == Approx(11.0));
  }
  SECTION("the distance between two points is Euclidean") {
    CHECK(Geometry::point(0, 0).distance(Geometry::point(6, 8)) == Approx(10.0));
  }
  SECTION("a multipolygon of two unit squares is polygonal with area 2") {
    const Geometry m = Geometry::from_wkt("MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((5 5,6 5,6 6,5 6,5 5)))");
    CHECK(m.type_name() == "MultiPolygon");
    CHECK(m.is_polygonal());
    CHECK(m.area() == Approx(2.0));
  }
}

TEST_CASE("A bow-tie polygon is invalid and make_valid_polygonal repairs it", "[geometry]") {
  const Geometry bow = Geometry::from_wkt(kBowTie);
  REQUIRE(bow);
  CHECK(bow.is_polygonal());
  CHECK_FALSE(bow.is_valid());
  SECTION("the reason names the self-intersection") {
    const std::string reason = bow.invalid_reason();
    CHECK_FALSE(reason.empty());
    CHECK_THAT(reason, Catch::Contains("Self-intersection", Catch::CaseSensitive::No));
  }
  SECTION("the repaired geometry is a valid (Multi)Polygon of area 50") {
    // Two triangles meeting at (5 5): (0 0,5 5,0 10) and (10 0,10 10,5 5), 25 each.
    const Geometry fixed = bow.make_valid_polygonal();
    REQUIRE(fixed);
    CHECK(fixed.is_valid());
    CHECK(fixed.is_polygonal());
    const std::string type = fixed.type_name();
    CHECK((type == "Polygon" || type == "MultiPolygon"));
    CHECK(fixed.area() == Approx(50.0));
    CHECK(fixed.contains(2, 5));
    CHECK(fixed.contains(8, 5));
    CHECK_FALSE(fixed.contains(5, 2));  // between the triangles
  }
  SECTION("a valid polygon is unchanged by make_valid_polygonal") {
    const Geometry sq = Geometry::from_wkt("POLYGON((0 0,10 0,10 10,0 10,0 0))");
    const Geometry same = sq.make_valid_polygonal();
    CHECK(same.is_valid());
    CHECK(same.area() == Approx(100.0));
  }
}

TEST_CASE("point_on_surface lies inside a U-shaped polygon whose centroid does not", "[geometry]") {
  const Geometry u = Geometry::from_wkt(kU);
  const PointM c = u.centroid();
  CHECK(c.x_m == Approx(15.0));
  CHECK(c.y_m == Approx(9500.0 / 700.0));
  CHECK_FALSE(u.contains(c.x_m, c.y_m));

  const PointM p = u.point_on_surface();
  CHECK(u.contains(p.x_m, p.y_m));
  const bool in_notch = p.x_m > 10 && p.x_m < 20 && p.y_m > 10;
  CHECK_FALSE(in_notch);

  SECTION("an empty geometry has no point on surface") {
    const Geometry empty = Geometry::from_wkt("POLYGON EMPTY");
    CHECK(empty.empty());
    CHECK_THROWS_AS(empty.point_on_surface(), Error);
  }
}

TEST_CASE("union_all dissolves adjacent squares into one polygon", "[geometry]") {
  const Geometry a = Geometry::from_wkt("POLYGON((0 0,10 0,10 10,0 10,0 0))");
  const Geometry b = Geometry::from_wkt("POLYGON((10 0,20 0,20 10,10 10,10 0))");
  const Geometry u = union_all({&a, &b});
  REQUIRE(u);
  CHECK(u.area() == Approx(200.0));
  CHECK(u.type_name() == "Polygon");  // the shared edge is gone
  CHECK(u.length() == Approx(60.0));  // perimeter of a 20 x 10 rectangle
  SECTION("with a disjoint third square the result has area 300 in two parts") {
    const Geometry c = Geometry::from_wkt("POLYGON((50 50,60 50,60 60,50 60,50 50))");
    const Geometry u3 = union_all({&a, &b, &c});
    CHECK(u3.area() == Approx(300.0));
    CHECK(u3.type_name() == "MultiPolygon");
  }
  SECTION("overlapping squares count the overlap once") {
    const Geometry d = Geometry::from_wkt("POLYGON((5 0,15 0,15 10,5 10,5 0))");
    CHECK(union_all({&a, &d}).area() == Approx(150.0));
  }
}

TEST_CASE("PreparedGeometry answers point-in-polygon like the plain geometry", "[geometry]") {
  const Geometry u = Geometry::from_wkt(kU);
  const PreparedGeometry prep(u);
  CHECK(prep.contains(5, 5));      // bottom bar
  CHECK(prep.contains(5, 25));     // left arm
  CHECK(prep.contains(25, 25));    // right arm
  CHECK_FALSE(prep.contains(15, 20));  // in the notch
  CHECK_FALSE(prep.contains(-1, 5));   // outside
  CHECK_FALSE(prep.contains(40, 40));
  SECTION("intersects") {
    CHECK(prep.intersects(Geometry::from_wkt("LINESTRING(15 20,15 5)")));  // reaches the bar
    CHECK_FALSE(prep.intersects(Geometry::from_wkt("LINESTRING(12 15,18 25)")));  // stays in the notch
  }
}

TEST_CASE("StrTree query returns exactly the items whose envelopes intersect", "[geometry]") {
  StrTree tree;
  tree.insert({0, 0, 1, 1});        // 0
  tree.insert({2, 2, 3, 3});        // 1
  tree.insert({0.5, 0.5, 2.5, 2.5});  // 2
  tree.insert({10, 10, 11, 11});    // 3
  tree.insert({-5, -5, -4, -4});    // 4
  REQUIRE(tree.size() == 5);
  CHECK(sorted(tree.query({0.9, 0.9, 1.1, 1.1})) == std::vector<std::size_t>{0, 2});
  CHECK(sorted(tree.query({2.8, 2.8, 2.9, 2.9})) == std::vector<std::size_t>{1});
  CHECK(sorted(tree.query({2.2, 2.2, 2.4, 2.4})) == std::vector<std::size_t>{1, 2});
  CHECK(sorted(tree.query({10.5, 10.5, 10.5, 10.5})) == std::vector<std::size_t>{3});
  CHECK(sorted(tree.query({-100, -100, 100, 100})) == std::vector<std::size_t>{0, 1, 2, 3, 4});
  CHECK(tree.query({20, 20, 21, 21}).empty());
  SECTION("a query box touching an envelope edge finds it") {
    CHECK(sorted(tree.query({11, 11, 12, 12})) == std::vector<std::size_t>{3});
  }
  SECTION("many items") {
    StrTree big(4);
    for (int i = 0; i < 100; ++i) {
      const double x = static_cast<double>(i) * 10.0;
      big.insert({x, 0, x + 1, 1});
    }
    CHECK(sorted(big.query({205, 0, 235, 1})) == std::vector<std::size_t>{21, 22, 23});
  }
}

TEST_CASE("WKT parsing and writing", "[geometry]") {
  SECTION("garbage throws an Error") {
    CHECK_THROWS_AS(Geometry::from_wkt("this is not WKT"), Error);
    CHECK_THROWS_AS(Geometry::from_wkt("POLYGON((0 0, 1"), Error);
    CHECK_THROWS_AS(Geometry::from_wkt(""), Error);
  }
  SECTION("a point round-trips through WKT and WKB") {
    const Geometry p = Geometry::from_wkt("POINT(700000.125 6600000.5)");
    const Geometry q = Geometry::from_wkt(p.to_wkt(3));
    CHECK(q.distance(p) == Approx(0.0).margin(1e-9));
    const auto wkb = p.to_wkb();
    const Geometry r = Geometry::from_wkb(wkb);
    CHECK(r.type_name() == "Point");
    const PointM c = r.centroid();
    CHECK(c.x_m == 700000.125);
    CHECK(c.y_m == 6600000.5);
  }
  SECTION("a default Geometry is empty and false") {
    const Geometry g;
    CHECK(g.empty());
    CHECK_FALSE(static_cast<bool>(g));
  }
}

TEST_CASE("transformed reprojects every coordinate", "[geometry]") {
  const CrsTransform t(kWgs84, kLambert93);
  const Geometry p = Geometry::from_wkt("POINT(3 46.5)").transformed(t);
  const PointM c = p.centroid();
  CHECK(c.x_m == Approx(700000.0).margin(0.001));
  CHECK(c.y_m == Approx(6600000.0).margin(0.001));
  SECTION("a point that cannot be projected throws") {
    CHECK_THROWS_AS(Geometry::from_wkt("LINESTRING(3 46,3 91)").transformed(t), Error);
  }
}

TEST_CASE("A polygon with a hole is triangulated into triangles covering exactly its area", "[geometry]") {
  // 10 x 10 square minus a 2 x 2 hole: area 96.
  const auto g = recompose::geo::Geometry::from_wkt(
      "POLYGON((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))");
  std::vector<recompose::geo::PointM> tri;
  g.triangulate(tri);
  REQUIRE(tri.size() % 3 == 0);
  REQUIRE(tri.size() >= 3 * 8);  // a square with a square hole needs at least 8 triangles
  double area = 0;
  for (std::size_t i = 0; i < tri.size(); i += 3) {
    area += std::abs((tri[i + 1].x_m - tri[i].x_m) * (tri[i + 2].y_m - tri[i].y_m) -
                     (tri[i + 2].x_m - tri[i].x_m) * (tri[i + 1].y_m - tri[i].y_m)) / 2;
  }
  CHECK(area == Approx(96.0));
  CHECK(g.rings().size() == 2);
  CHECK(g.rings()[0].size() == 5);
}
