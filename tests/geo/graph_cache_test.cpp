#include "geo/graph_cache.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "geo/error.hpp"
#include "hand_graphs.hpp"
#include "test_support.hpp"

using namespace recompose;
using recompose::test::build;
using recompose::test::way;

namespace {
geo::RoadGraph sample() {
  return build({way({{0, 0}, {100, 0}, {200, 0}}), way({{100, -100}, {100, 0}}, geo::Oneway::Forward),
                way({{5000, 0}, {5000, 70}})});
}
}  // namespace

TEST_CASE("A saved graph loads back identical", "[graph_cache]") {
  test::TempDir dir("cache");
  const auto g = sample();
  geo::save_graph(g, 0x1234, dir.file("g.rcg"));
  const auto h = geo::load_graph(dir.file("g.rcg"), 0x1234);
  CHECK(h.node_x_m == g.node_x_m);
  CHECK(h.first_out == g.first_out);
  CHECK(h.head == g.head);
  CHECK(h.travel_time_ds == g.travel_time_ds);
  CHECK(h.first_in == g.first_in);
  CHECK(h.tail == g.tail);
  CHECK(h.segment_time_backward_ds == g.segment_time_backward_ds);
  CHECK(h.point_y_m == g.point_y_m);
  CHECK(h.class_names == g.class_names);
  CHECK(h.main_component == g.main_component);
}

TEST_CASE("A stale, foreign, other-version or truncated cache is refused with a clear message", "[graph_cache]") {
  test::TempDir dir("cache-bad");
  const std::string path = dir.file("g.rcg");
  geo::save_graph(sample(), 0x1234, path);
  SECTION("other inputs") {
    CHECK_THROWS_WITH(geo::load_graph(path, 0x9999), Catch::Contains("stale") && Catch::Contains("g.rcg"));
  }
  SECTION("foreign file") {
    std::ofstream(dir.file("x.rcg")) << "hello, this is not a graph";
    CHECK_THROWS_WITH(geo::load_graph(dir.file("x.rcg"), 0), Catch::Contains("not a Recompose graph cache"));
  }
  SECTION("another format version") {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(8);
    const std::uint32_t v = geo::kGraphCacheVersion + 1;
    f.write(reinterpret_cast<const char*>(&v), sizeof v);
    f.close();
    CHECK_THROWS_WITH(geo::load_graph(path, 0x1234), Catch::Contains("format version"));
  }
  SECTION("truncated") {
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
    CHECK_THROWS_AS(geo::load_graph(path, 0x1234), geo::Error);
  }
  SECTION("missing") { CHECK_THROWS_WITH(geo::load_graph(dir.file("none.rcg"), 0), Catch::Contains("none.rcg")); }
}

TEST_CASE("A cache corrupted inside its arrays is detected by its checksum", "[graph_cache]") {
  test::TempDir dir("cache-flip");
  const std::string path = dir.file("g.rcg");
  geo::save_graph(sample(), 0x1234, path);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(100);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x40);  // one flipped bit in a coordinate
    f.seekp(100);
    f.write(&c, 1);
  }
  CHECK_THROWS_WITH(geo::load_graph(path, 0x1234), Catch::Contains("checksum"));
}
