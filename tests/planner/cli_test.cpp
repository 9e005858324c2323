// Command-line tests: run the built `recompose` binary (RECOMPOSE_CLI) in
// temporary directories and check the exact exit code (0 ok, 1 bad input,
// 2 usage) and that the message names the culprit. Manifests are copies of
// datasets/loire.json modified with nlohmann::json; the raw open data is found
// through RECOMPOSE_DATA_ROOT or ${RECOMPOSE_SOURCE_DIR}/../shared/datasets/raw.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

using namespace recompose::test;

TEST_CASE("The CLI reports usage with exit codes 0 and 2", "[cli]") {
  TempDir tmp;
  SECTION("--help exits 0 and lists the subcommands") {
    const Run r = run_cli("--help", tmp.str());
    INFO(r.output);
    CHECK(r.code == 0);
    CHECK_THAT(r.output, Catch::Contains("import"));
    CHECK_THAT(r.output, Catch::Contains("graph"));
    CHECK_THAT(r.output, Catch::Contains("times"));
  }
  SECTION("no subcommand exits 2") {
    const Run r = run_cli("", tmp.str());
    INFO(r.output);
    CHECK(r.code == 2);
    CHECK_FALSE(r.output.empty());
  }
  SECTION("an unknown subcommand exits 2") {
    const Run r = run_cli("frobnicate", tmp.str());
    INFO(r.output);
    CHECK(r.code == 2);
  }
  SECTION("import without --out exits 2 and names the option") {
    const Run r = run_cli("import some.json", tmp.str());
    INFO(r.output);
    CHECK(r.code == 2);
    CHECK_THAT(r.output, Catch::Contains("--out"));
  }
  SECTION("graph info without a source exits 2") {
    const Run r = run_cli("graph info --profile " + shell_quote(car_profile()), tmp.str());
    INFO(r.output);
    CHECK(r.code == 2);
  }
}

TEST_CASE("import of a missing manifest exits 1 and names it", "[cli]") {
  TempDir tmp;
  const Run r = run_cli("import missing.json --out X", tmp.str());
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("missing.json"));
  CHECK_FALSE(fs::exists(tmp.file("X/import_report.json")));
}

TEST_CASE("A manifest naming an unknown IRIS field exits 1 and names the field and file", "[cli]") {
  TempDir tmp;
  json m = loire_manifest();
  m["units"]["code"] = "code_iris_inconnu";
  const Run r = run_import(tmp, m);
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("code_iris_inconnu"));
  CHECK_THAT(r.output, Catch::Contains("contours-iris-2020-42-43-69-07.geojson"));
  CHECK_FALSE(fs::exists(tmp.file("out/import_report.json")));
}

TEST_CASE("A manifest with a structural error exits 1 and names the key", "[cli]") {
  TempDir tmp;
  json m = loire_manifest();
  m["roads"]["kind"] = "teleport";
  const Run r = run_import(tmp, m);
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("roads.kind"));
  CHECK_THAT(r.output, Catch::Contains("manifest.json"));
}

TEST_CASE("A truncated OSM road file exits 1 and names the file", "[cli]") {
  TempDir tmp;
  const std::string truncated = tmp.file("monaco-truncated.osm.pbf");
  {
    std::ifstream in(data_file("osm-fallback/monaco.osm.pbf"), std::ios::binary);
    std::vector<char> head(100000);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    REQUIRE(in.gcount() == 100000);
    std::ofstream out(truncated, std::ios::binary);
    out.write(head.data(), static_cast<std::streamsize>(head.size()));
  }
  REQUIRE(fs::file_size(truncated) == 100000);
  json m = loire_manifest();
  m["roads"] = {{"kind", "osm"},
                {"path", truncated},
                {"profile", car_profile()},
                {"source", "first 100000 bytes of monaco.osm.pbf"}};
  const Run r = run_import(tmp, m);
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK_THAT(r.output, Catch::Contains("monaco-truncated.osm.pbf"));

  SECTION("graph info on the same truncated file exits 1 too") {
    const Run g = run_cli("graph info --osm " + shell_quote(truncated) + " --profile " + shell_quote(car_profile()),
                          tmp.str());
    INFO(g.output);
    CHECK(g.code == 1);
    CHECK_THAT(g.output, Catch::Contains("monaco-truncated.osm.pbf"));
  }
}

TEST_CASE("graph info builds the Monaco OSM graph", "[cli]") {
  TempDir tmp;
  const std::string osm = data_file("osm-fallback/monaco.osm.pbf");
  SECTION("a real extract exits 0 and prints the node count") {
    const Run r = run_cli("graph info --osm " + shell_quote(osm) + " --profile " + shell_quote(car_profile()),
                          tmp.str());
    INFO(r.output);
    CHECK(r.code == 0);
    CHECK_THAT(r.output, Catch::Contains("nodes"));
    CHECK_THAT(r.output, Catch::Contains("monaco.osm.pbf"));
  }
  SECTION("an empty file exits 1 and names it") {
    const std::string empty = tmp.file("empty.osm.pbf");
    write_text(empty, "");
    const Run r = run_cli("graph info --osm " + shell_quote(empty) + " --profile " + shell_quote(car_profile()),
                          tmp.str());
    INFO(r.output);
    CHECK(r.code == 1);
    CHECK_THAT(r.output, Catch::Contains("empty.osm.pbf"));
  }
  SECTION("a missing file exits 1 and names it") {
    const Run r = run_cli("graph info --osm nowhere.osm.pbf --profile " + shell_quote(car_profile()), tmp.str());
    INFO(r.output);
    CHECK(r.code == 1);
    CHECK_THAT(r.output, Catch::Contains("nowhere.osm.pbf"));
  }
  SECTION("a missing profile exits 1 and names it") {
    const Run r = run_cli("graph info --osm " + shell_quote(osm) + " --profile no-profile.json", tmp.str());
    INFO(r.output);
    CHECK(r.code == 1);
    CHECK_THAT(r.output, Catch::Contains("no-profile.json"));
  }
}

TEST_CASE("An invalid (bow-tie) IRIS polygon is repaired and reported", "[cli]") {
  TempDir tmp;
  // Three real IRIS of Saint-Étienne (42218) plus a bow-tie with a code of the same commune.
  const json iris = read_json(data_file("contours-iris-2020/contours-iris-2020-42-43-69-07.geojson"));
  json small = {{"type", "FeatureCollection"}, {"features", json::array()}};
  for (const auto& f : iris["features"]) {
    if (f["properties"]["insee_com"] == "42218" && small["features"].size() < 3) small["features"].push_back(f);
  }
  REQUIRE(small["features"].size() == 3);
  json bow = {{"type", "Feature"},
              {"properties",
               {{"code_iris", "422189999"},
                {"insee_com", "42218"},
                {"nom_com", "Saint-Étienne"},
                {"iris", "9999"},
                {"nom_iris", "Noeud papillon"},
                {"typ_iris", "H"}}},
              {"geometry",
               {{"type", "Polygon"},
                {"coordinates",
                 json::array({json::array({json::array({4.38, 45.43}), json::array({4.39, 45.44}),
                                           json::array({4.39, 45.43}), json::array({4.38, 45.44}),
                                           json::array({4.38, 45.43})})})}}}};
  small["features"].push_back(bow);
  const std::string iris_path = tmp.file("iris-bowtie.geojson");
  write_json(iris_path, small);

  json m = loire_manifest();
  m["units"]["path"] = iris_path;  // absolute: LayerRef paths may be
  const Run r = run_import(tmp, m);
  INFO(r.output);
  REQUIRE(r.code == 0);
  const json report = read_json(tmp.file("out/import_report.json"));
  bool found = false;
  for (const auto& d : report["diagnostics"]) {
    if (d.value("code", "") == "geometry-repaired") {
      found = true;
      CHECK_THAT(d.value("where", ""), Catch::Contains("422189999"));
    }
  }
  CHECK(found);
  CHECK(report.value("geometries_repaired", 0) == 1);
  const json* units = layer_row(report, "unités (IRIS)");
  REQUIRE(units != nullptr);
  CHECK((*units)["read"] == 4);
  CHECK_THAT((*units)["path"].get<std::string>(), Catch::Contains("iris-bowtie.geojson"));
}

TEST_CASE("A facility in the sea is outside every commune and the import still succeeds", "[cli]") {
  TempDir tmp;
  // lon -5, lat 46: Bay of Biscay, ~100 km off the Vendée coast.
  const std::string csv = tmp.file("hospital-at-sea.csv");
  write_text(csv,
             "id,hospital_name,lat,lon,facility_type\n"
             "999999999,HOPITAL EN MER,46,-5,Centre Hospitalier (C.H.)\n");
  json m = loire_manifest();
  m["facilities"][0]["path"] = csv;
  const Run r = run_import(tmp, m);
  INFO(r.output);
  REQUIRE(r.code == 0);
  const json report = read_json(tmp.file("out/import_report.json"));
  const json* row = layer_row(report, "établissements: hospital");
  REQUIRE(row != nullptr);
  CHECK((*row)["read"] == 1);
  CHECK((*row)["kept"] == 0);
  // Outside the communes, then too far from every unit (not even snapped): left out.
  CHECK_THAT((*row)["note"].get<std::string>(), Catch::Contains("1 hors des communes du territoire"));
  CHECK(report.dump().find("\"facilities_outside_dropped\":1") != std::string::npos);
  CHECK_THAT((*row)["path"].get<std::string>(), Catch::Contains("hospital-at-sea.csv"));
}

TEST_CASE("An empty facility layer (header-only CSV) does not stop the import", "[cli]") {
  TempDir tmp;
  const std::string csv = tmp.file("no-hospital.csv");
  write_text(csv, "id,hospital_name,lat,lon,facility_type\n");
  json m = loire_manifest();
  m["facilities"][0]["path"] = csv;
  const Run r = run_import(tmp, m);
  INFO(r.output);
  REQUIRE(r.code == 0);
  const json report = read_json(tmp.file("out/import_report.json"));
  const json* row = layer_row(report, "établissements: hospital");
  REQUIRE(row != nullptr);
  CHECK((*row)["read"] == 0);
  CHECK((*row)["kept"] == 0);
  CHECK(fs::exists(tmp.file("out/import_report.md")));
}

TEST_CASE("evaluate writes its outputs, and refuses a bad scenario naming the edit", "[cli][evaluation]") {
  TempDir tmp;
  REQUIRE(run_import(tmp, loire_manifest()).code == 0);
  SECTION("a good scenario: exit 0, report and summary written") {
    const Run r = run_cli("evaluate out --scenario " +
                              shell_quote((source_dir() / "datasets/scenarios/loire-fermeture-urgences-nord.json").string()) +
                              " --out eval",
                          tmp.str());
    INFO(r.output);
    CHECK(r.code == 0);
    CHECK(fs::exists(tmp.file("eval/rapport.md")));
    const json s = read_json(tmp.file("eval/summary.json"));
    CHECK(s["time_model"] == "road");
    // Closing a site can only push people farther from urgent care.
    CHECK(s["targets"]["urgent_care"]["after"]["population_beyond_30_min"].get<double>() >=
          s["targets"]["urgent_care"]["before"]["population_beyond_30_min"].get<double>());
  }
  SECTION("an unknown facility id: exit 1, the edit and the id are named") {
    write_text(tmp.file("bad.json"),
               R"({"format": "recompose-scenario/1", "name": "x", "edits": [
                    {"op": "close", "facility": "FINESS-420785354"},
                    {"op": "close", "facility": "NO-SUCH-ID"}]})");
    const Run r = run_cli("evaluate out --scenario bad.json --out eval", tmp.str());
    CHECK(r.code == 1);
    CHECK_THAT(r.output, Catch::Contains("edit #2") && Catch::Contains("NO-SUCH-ID") && Catch::Contains("bad.json"));
    CHECK_FALSE(fs::exists(tmp.file("eval/rapport.md")));  // nothing half-written
  }
  SECTION("a scenario for another territory: exit 1") {
    write_text(tmp.file("other.json"),
               R"({"format": "recompose-scenario/1", "name": "x", "territory": "lens-henin", "edits": []})");
    const Run r = run_cli("evaluate out --scenario other.json --out eval", tmp.str());
    CHECK(r.code == 1);
    CHECK_THAT(r.output, Catch::Contains("lens-henin"));
  }
}

TEST_CASE("A run killed while it writes leaves the previous outputs whole", "[cli][robustness]") {
  TempDir tmp;
  REQUIRE(run_import(tmp, loire_manifest()).code == 0);
  const std::string args = "evaluate out --scenario " +
                           shell_quote((source_dir() / "datasets/scenarios/loire-fermeture-urgences-nord.json").string()) +
                           " --out eval";
  REQUIRE(run_cli(args, tmp.str()).code == 0);
  // Kill later runs at different moments of their writing.
  for (int delay_ms : {150, 300, 450, 600, 800}) {
    const std::string cmd = "cd " + shell_quote(tmp.str()) + " && (" + shell_quote(RECOMPOSE_CLI) + " " + args +
                            " > /dev/null 2>&1 & pid=$!; sleep " + std::to_string(delay_ms / 1000.0) +
                            "; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; true)";
    REQUIRE(std::system(cmd.c_str()) == 0);
    // Every output under its final name is complete: GeoJSON parses, CSV has all its rows.
    for (const char* f : {"unites.geojson", "etablissements.geojson", "bassins.geojson", "isochrones.geojson"}) {
      INFO(f << " after a kill at " << delay_ms << " ms");
      const json j = read_json(tmp.file(std::string("eval/") + f));
      CHECK(j["type"] == "FeatureCollection");
      CHECK_FALSE(j["features"].empty());
    }
    const json s = read_json(tmp.file("eval/summary.json"));
    CHECK(s["territory"] == "loire");
    std::ifstream csv(tmp.file("eval/unites.csv"));
    std::size_t lines = 0;
    for (std::string line; std::getline(csv, line);) ++lines;
    CHECK(lines == 329);  // header + 328 units
  }
}
