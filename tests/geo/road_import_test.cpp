#include "geo/road_import.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "geo/error.hpp"
#include "geo/road_profile.hpp"
#include "test_support.hpp"

using namespace recompose;

namespace {
geo::RoadProfile car() { return geo::RoadProfile::load(test::source_file("datasets/profiles/car.json")); }

geo::LineLayerSpec saint_etienne() {
  return {test::data_file("roads/saint-etienne/roads-STE-saint-etienne-osm.geojson"), "", "roadClass",
          {{"highway", "road_class_highway"}, {"major", "road_class_major"}, {"minor", "road_class_minor"}}, ""};
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
