#include "geo/road_import.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "geo/error.hpp"
#include "geo/dijkstra.hpp"
#include "geo/road_profile.hpp"
#include "geo/snapping.hpp"
#include "hand_graphs.hpp"
#include "test_support.hpp"

using namespace recompose;

namespace {
geo::RoadProfile car() { return geo::RoadProfile::load(test::source_file("datasets/profiles/car.json")); }

geo::LineLayerSpec saint_etienne() {
  return geo::LineLayerSpec::class_only(test::data_file("roads/saint-etienne/roads-STE-saint-etienne-osm.geojson"), "roadClass",
      {{"highway", "road_class_highway"}, {"major", "road_class_major"}, {"minor", "road_class_minor"}});
}
}  // namespace

TEST_CASE("maxspeed values are parsed into km/h", "[road_profile]") {
  CHECK(geo::parse_maxspeed_kmh("50") == 50.0);
  CHECK(geo::parse_maxspeed_kmh("50 km/h") == 50.0);
  CHECK(geo::parse_maxspeed_kmh("30 mph").value() == Approx(48.28).margin(0.01));
  CHECK(geo::parse_maxspeed_kmh("FR:urban") == 50.0);
  CHECK(geo::parse_maxspeed_kmh("FR:rural") == 80.0);
  CHECK_FALSE(geo::parse_maxspeed_kmh("none").has_value());
  CHECK_FALSE(geo::parse_maxspeed_kmh("signals").has_value());
}

TEST_CASE("A profile with a bad speed is refused, naming the key", "[road_profile]") {
  try {
    geo::RoadProfile::parse(R"({"speeds_kmh": {"motorway": -3}})", "bad.json");
    FAIL("no error");
  } catch (const geo::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("bad.json") && Catch::Contains("motorway"));
  }
  CHECK_THROWS_AS(geo::RoadProfile::parse("{", "broken.json"), geo::Error);
}

TEST_CASE("The real Saint-Etienne line layer becomes a routable graph", "[road_import][real]") {
  geo::RoadImportStats st;
  const auto g = geo::import_line_roads(saint_etienne(), car(), st);
  // SOURCES.md: 24,593 features; highway 513 (212 km), major 3,723 (991 km), minor 20,357 (4,735 km).
  CHECK(st.features_read == 24593);
  CHECK(st.ways_routable == 24593);
  CHECK_FALSE(st.has_direction_info);
  double km[3] = {0, 0, 0};
  for (const auto& c : geo::summarize_by_class(g)) {
    if (c.name == "road_class_highway") km[0] = c.length_km;
    if (c.name == "road_class_major") km[1] = c.length_km;
    if (c.name == "road_class_minor") km[2] = c.length_km;
    CHECK(c.oneway_segments == 0);
  }
  CHECK(km[0] == Approx(212).epsilon(0.01));
  CHECK(km[1] == Approx(991).epsilon(0.01));
  CHECK(km[2] == Approx(4735).epsilon(0.01));
  // Lines split at shared vertices: one connected network holds almost every node.
  CHECK(g.component_node_count[g.main_component] > 0.95 * g.node_count());
  CHECK(g.arc_count() == 2 * g.segment_count());
}

TEST_CASE("The real Monaco OSM extract: car ways only, one-ways honoured", "[road_import][real]") {
  geo::RoadImportStats st;
  const auto g = geo::import_osm_roads(test::data_file("osm-fallback/monaco.osm.pbf"), car(), st);
  // SOURCES.md: 2,927 ways with a highway tag.
  CHECK(st.features_read == 2927);
  CHECK(st.excluded_not_car > 0);  // footways, steps, paths...
  CHECK(st.excluded_by_value.count("highway=footway") == 1);
  CHECK(st.oneway_ways > 0);
  CHECK(st.maxspeed_used > 0);
  CHECK(st.ways_routable + st.excluded_not_car + st.excluded_access + st.excluded_no_geometry == st.features_read);
  // One-way segments have a single arc.
  std::uint64_t oneway_segments = 0;
  for (geo::SegmentId s = 0; s < g.segment_count(); ++s) {
    if (g.segment_time_forward_ds[s] == geo::kUnreachable || g.segment_time_backward_ds[s] == geo::kUnreachable) {
      ++oneway_segments;
    }
  }
  CHECK(g.arc_count() == 2 * g.segment_count() - oneway_segments);
  CHECK(oneway_segments > 0);
}

TEST_CASE("A truncated PBF is a clear error naming the file", "[road_import]") {
  test::TempDir dir("pbf");
  const std::string cut = dir.file("cut.osm.pbf");
  {
    std::ifstream in(test::data_file("osm-fallback/monaco.osm.pbf"), std::ios::binary);
    std::vector<char> buf(100000);
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    std::ofstream out(cut, std::ios::binary);
    out.write(buf.data(), in.gcount());
  }
  try {
    geo::RoadImportStats st;
    geo::import_osm_roads(cut, car(), st);
    FAIL("no error");
  } catch (const geo::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("cut.osm.pbf"));
  }
}

TEST_CASE("A class map onto a class the profile lacks is refused", "[road_import]") {
  auto spec = saint_etienne();
  spec.class_map["minor"] = "hovercraft";
  geo::RoadImportStats st;
  CHECK_THROWS_WITH(geo::import_line_roads(spec, car(), st), Catch::Contains("hovercraft"));
}

// [SECTION] OpenMapTiles-style line layers: direction, ramps, service roads, tile cuts

namespace {

struct Line {
  explicit Line(std::vector<std::pair<double, double>> points, std::string cls = "residential")
      : xy(std::move(points)), subclass(std::move(cls)) {}
  std::vector<std::pair<double, double>> xy;  // Lambert-93 metres
  std::string subclass;
  int oneway = 0, ramp = 0;
  std::string service;
};

// Writes a GeoJSON line layer in EPSG:2154 with the fields of the OSM 2021 basin files.
std::string write_lines(const test::TempDir& dir, const std::string& name, const std::vector<Line>& lines) {
  nlohmann::json fc = {{"type", "FeatureCollection"},
                       {"crs", {{"type", "name"}, {"properties", {{"name", "urn:ogc:def:crs:EPSG::2154"}}}}},
                       {"features", nlohmann::json::array()}};
  for (const Line& l : lines) {
    nlohmann::json coords = nlohmann::json::array();
    for (const auto& [x, y] : l.xy) coords.push_back({x, y});
    fc["features"].push_back({{"type", "Feature"},
                              {"properties",
                               {{"class", l.subclass.rfind("service", 0) == 0 ? "service" : l.subclass},
                                {"subclass", l.subclass},
                                {"oneway", l.oneway},
                                {"ramp", l.ramp},
                                {"service", l.service},
                                {"name", ""},
                                {"ref", ""}}},
                              {"geometry", {{"type", "LineString"}, {"coordinates", coords}}}});
  }
  const std::string path = dir.file(name);
  test::write_text(path, fc.dump());
  return path;
}

geo::LineLayerSpec omt_spec(const std::string& path) {
  auto spec = geo::LineLayerSpec::class_only(path, "subclass");
  spec.class_fallback_field = "class";
  spec.oneway_field = "oneway";
  spec.ramp_field = "ramp";
  spec.service_field = "service";
  spec.name_field = "name";
  spec.ref_field = "ref";
  return spec;
}

std::size_t nodes_of_degree_two(const geo::RoadGraph& g) {
  std::size_t n = 0;
  for (geo::NodeId v = 0; v < g.node_count(); ++v) {
    std::set<geo::NodeId> neighbours;
    for (geo::ArcId a = g.first_out[v]; a < g.first_out[v + 1]; ++a) neighbours.insert(g.head[a]);
    for (geo::ArcId b = g.first_in[v]; b < g.first_in[v + 1]; ++b) neighbours.insert(g.tail[b]);
    if (neighbours.size() == 2) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("A road cut in three at tile borders gives the same graph as the whole road", "[road_import][tiles]") {
  test::TempDir dir("tiles");
  // A 3 km residential street (30 km/h) crossed at x = 701000 by a 1 km street.
  const Line cross{{{701000, 6599500}, {701000, 6600000}, {701000, 6600500}}};
  const std::string whole = write_lines(dir, "whole.geojson",
                                        {Line{{{700000, 6600000}, {701000, 6600000}, {703000, 6600000}}}, cross});
  // Cut at x = 700500 and x = 702000; the middle piece is drawn backwards (two-way road).
  const std::string cut = write_lines(dir, "cut.geojson",
                                      {Line{{{700000, 6600000}, {700500, 6600000}}},
                                       Line{{{702000, 6600000}, {701000, 6600000}, {700500, 6600000}}},
                                       Line{{{702000, 6600000}, {703000, 6600000}}}, cross});
  geo::RoadImportStats sw, sc;
  const auto gw = geo::import_line_roads(omt_spec(whole), car(), sw);
  const auto gc = geo::import_line_roads(omt_spec(cut), car(), sc);
  CHECK(sc.pieces_joined == 2);
  CHECK(sw.pieces_joined == 0);
  for (const auto* g : {&gw, &gc}) {
    // Nodes: the two ends of each street and the crossing; no degree-2 node.
    CHECK(g->node_count() == 5);
    CHECK(g->segment_count() == 4);
    CHECK(g->arc_count() == 8);
    CHECK(nodes_of_degree_two(*g) == 0);
    // 1000 m then 2000 m at 30 km/h = 120 s and 240 s; the cross street 2 x 500 m = 60 s each.
    std::multiset<geo::Deciseconds> times(g->travel_time_ds.begin(), g->travel_time_ds.end());
    CHECK(times == std::multiset<geo::Deciseconds>{600, 600, 600, 600, 1200, 1200, 2400, 2400});
    const geo::NodeId west = test::node_at(*g, 700000, 6600000), east = test::node_at(*g, 703000, 6600000);
    geo::DijkstraWorkspace ws(g->node_count());
    geo::run_dijkstra(*g, geo::Direction::Forward, west, geo::kUnreachable, ws);
    CHECK(ws.time(east) == 3600);
  }
}

TEST_CASE("One-way pieces join only head to tail, one-way and ramps are honoured", "[road_import][tiles]") {
  test::TempDir dir("oneway");
  Line a{{{700000, 6600000}, {700500, 6600000}}};
  Line b{{{700500, 6600000}, {701000, 6600000}}};
  a.oneway = b.oneway = 1;
  // Two one-way pieces meeting head to head (a data error or a real dead end): not joined.
  Line c{{{710000, 6600000}, {710500, 6600000}}};
  Line d{{{711000, 6600000}, {710500, 6600000}}};
  c.oneway = d.oneway = 1;
  // A motorway ramp of 1200 m: motorway_link, 60 km/h, one-way by default (OSM implies it).
  Line ramp{{{720000, 6600000}, {721200, 6600000}}, "motorway"};
  ramp.ramp = 1;
  // A secondary road marked oneway = -1: arcs against the drawing direction only.
  Line rev{{{730000, 6600000}, {730600, 6600000}}, "secondary"};
  rev.oneway = -1;
  const std::string path = write_lines(dir, "oneway.geojson", {a, b, c, d, ramp, rev});
  geo::RoadImportStats st;
  const auto g = geo::import_line_roads(omt_spec(path), car(), st);
  CHECK(st.pieces_joined == 1);
  CHECK(st.ramp_ways == 1);
  geo::DijkstraWorkspace ws(g.node_count());
  auto time = [&](double x0, double x1) {
    geo::run_dijkstra(g, geo::Direction::Forward, test::node_at(g, x0, 6600000), geo::kUnreachable, ws);
    return ws.time(test::node_at(g, x1, 6600000));
  };
  CHECK(time(700000, 701000) == 1200);  // 1000 m at 30 km/h
  CHECK(time(701000, 700000) == geo::kUnreachable);
  CHECK(test::node_at(g, 710500, 6600000) != geo::kInvalidNode);  // kept as a node
  CHECK(time(720000, 721200) == 720);   // 1200 m at 60 km/h
  CHECK(time(721200, 720000) == geo::kUnreachable);
  CHECK(time(730600, 730000) == 360);   // 600 m at 60 km/h, against the drawing
  CHECK(time(730000, 730600) == geo::kUnreachable);
  bool ramp_class = false;
  for (const auto& cls : geo::summarize_by_class(g)) ramp_class |= cls.name == "motorway_link";
  CHECK(ramp_class);
}

TEST_CASE("Parking aisles route but are never snapped onto, emergency access does not route", "[road_import][snapping]") {
  test::TempDir dir("service");
  Line street{{{700000, 6600000}, {701000, 6600000}}};
  Line aisle{{{700000, 6600000}, {700000, 6600300}, {700500, 6600300}}, "service"};
  aisle.service = "parking_aisle";
  Line emergency{{{701000, 6600000}, {701000, 6600800}}, "service"};
  emergency.service = "emergency_access";
  const std::string path = write_lines(dir, "service.geojson", {street, aisle, emergency});
  const auto profile = car();
  geo::RoadImportStats st;
  const auto g = geo::import_line_roads(omt_spec(path), profile, st);
  CHECK(st.excluded_service == 1);
  CHECK(g.segment_count() == 2);
  // The aisle routes at 10 km/h: 800 m = 288 s.
  geo::DijkstraWorkspace ws(g.node_count());
  geo::run_dijkstra(g, geo::Direction::Forward, test::node_at(g, 700000, 6600000), geo::kUnreachable, ws);
  CHECK(ws.time(test::node_at(g, 700500, 6600300)) == 2880);
  // A point 10 m from the aisle and 290 m from the street joins the street.
  geo::Snapper snapper(g, profile.snap_max_distance_m, profile.access_speed_kmh, profile.no_roadside_access);
  const auto s = snapper.snap({700250, 6600290});
  REQUIRE(s.ok());
  CHECK(s.distance_m == Approx(290.0));
  CHECK(g.class_names[g.segment_class[s.segment]] == "residential");
}

TEST_CASE("Pieces forming a ring become one closed way", "[road_import][tiles]") {
  auto piece = [](std::vector<geo::PointM> pts) {
    geo::WayInput w;
    w.points = pts;
    for (const auto& p : pts) w.vertex_keys.push_back(geo::coordinate_key(p));
    w.speed_kmh = 30;
    return w;
  };
  std::vector<geo::WayInput> ring = {piece({{0, 0}, {100, 0}}), piece({{100, 0}, {100, 100}}),
                                     piece({{0, 0}, {0, 100}, {100, 100}})};  // drawn the other way
  std::uint64_t joins = 0;
  const auto out = geo::join_way_pieces(ring, &joins);
  REQUIRE(out.size() == 1);
  CHECK(joins == 2);
  CHECK(out[0].vertex_keys.size() == 5);  // 4 distinct vertices, the first repeated at the end
  CHECK(out[0].vertex_keys.front() == out[0].vertex_keys.back());
}
