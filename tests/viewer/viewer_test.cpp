// Viewer tests: the real recompose-viewer binary under Xvfb (xvfb-run), on the
// real Loire territory. Pixels are read back with GDAL. The test binary itself
// links no UI: it only runs the viewer and reads what it wrote.
#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "planner/classification.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace recompose;

namespace {

int run(const std::string& cmd, std::string* output = nullptr) {
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n = 0;
  std::string out;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  // 3 bytes per pixel
  [[nodiscard]] std::array<std::uint8_t, 3> at(int x, int y) const {
    const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 3;
    return {rgb[i], rgb[i + 1], rgb[i + 2]};
  }
};

Image read_png(const std::string& path) {
  GDALAllRegister();
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  REQUIRE(ds);
  Image img;
  img.width = ds->GetRasterXSize();
  img.height = ds->GetRasterYSize();
  img.rgb.resize(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height) * 3);
  for (int b = 0; b < 3; ++b) {
    REQUIRE(ds->GetRasterBand(b + 1)->RasterIO(GF_Read, 0, 0, img.width, img.height, img.rgb.data() + b, img.width,
                                               img.height, GDT_Byte, 3, 3 * static_cast<GSpacing>(img.width),
                                               nullptr) == CE_None);
  }
  return img;
}

std::string viewer(const std::string& args) {
  // Under `make asan` the system OpenGL stack (Mesa, LLVM) leaks at exit: leak checking is off
  // for the viewer process only; memory errors are still checked. Ignored by normal builds.
  return "ASAN_OPTIONS=detect_leaks=0 xvfb-run -a -s '-screen 0 1600x1000x24' '" + std::string(RECOMPOSE_VIEWER) +
         "' " + args;
}

// Imports the Loire territory once for all viewer tests.
const std::string& territory_dir() {
  static const std::string dir = [] {
    const fs::path d = fs::temp_directory_path() / ("recompose-viewer-test-" + std::to_string(::getpid()));
    fs::create_directories(d);
    std::string out;
    const int rc = run("'" + std::string(RECOMPOSE_CLI) + "' import '" + test::source_file("datasets/loire.json") +
                           "' --out '" + (d / "loire").string() + "' --data-root '" + test::data_root() + "' --quiet",
                       &out);
    INFO(out);
    REQUIRE(rc == 0);
    return (d / "loire").string();
  }();
  return dir;
}

}  // namespace

TEST_CASE("A screenshot of the Loire map shows the legend's classes in the map area", "[viewer]") {
  test::TempDir tmp("viewer-shot");
  std::string out;
  REQUIRE(run(viewer("'" + territory_dir() + "' --screenshot '" + tmp.file("map.png") + "'"), &out) == 0);
  INFO(out);
  const Image img = read_png(tmp.file("map.png"));
  REQUIRE(img.width == 1400);
  REQUIRE(img.height == 900);
  // Count the viridis class colours inside the central map area (away from panels and legend).
  const auto palette = planner::viridis(5);
  std::map<int, std::size_t> counts;
  std::set<std::uint32_t> distinct;
  for (int y = 250; y < 650; ++y) {
    for (int x = 450; x < 950; ++x) {
      const auto c = img.at(x, y);
      distinct.insert(static_cast<std::uint32_t>(c[0]) << 16 | static_cast<std::uint32_t>(c[1]) << 8 | c[2]);
      for (int k = 0; k < 5; ++k) {
        if (c[0] == palette[static_cast<std::size_t>(k)][0] && c[1] == palette[static_cast<std::size_t>(k)][1] &&
            c[2] == palette[static_cast<std::size_t>(k)][2]) {
          ++counts[k];
        }
      }
    }
  }
  CHECK(distinct.size() > 20);  // not blank
  for (int k = 0; k < 5; ++k) {
    INFO("class " << k);
    CHECK(counts[k] > 200);  // every class colour of the legend is on the map
  }
}

TEST_CASE("A scripted closure in the viewer equals recompose evaluate on the same edit", "[viewer]") {
  test::TempDir tmp("viewer-script");
  {
    std::ofstream s(tmp.file("script.txt"));
    s << "screenshot " << tmp.file("before.png") << "\n"
      << "select FINESS-420785354\nclose\n"
      << "select FINESS-420780637 FINESS-420780678\nmerge\nundo\n"
      << "screenshot " << tmp.file("after.png") << "\n"
      << "save " << tmp.file("scenario.json") << "\n"
      << "export " << tmp.file("viewer-eval") << "\nquit\n";
  }
  std::string out;
  REQUIRE(run(viewer("'" + territory_dir() + "' --script '" + tmp.file("script.txt") + "'"), &out) == 0);
  INFO(out);
  // The undo removed the merge: the scenario holds the closure alone.
  std::ifstream in(tmp.file("scenario.json"));
  const auto scenario = nlohmann::json::parse(in);
  REQUIRE(scenario["edits"].size() == 1);
  CHECK(scenario["edits"][0]["op"] == "close");
  CHECK(scenario["edits"][0]["facility"] == "FINESS-420785354");
  // Same figures as the command line on the saved scenario.
  REQUIRE(run("'" + std::string(RECOMPOSE_CLI) + "' evaluate '" + territory_dir() + "' --scenario '" +
              tmp.file("scenario.json") + "' --out '" + tmp.file("cli-eval") + "'") == 0);
  std::ifstream a(tmp.file("viewer-eval/summary.json")), b(tmp.file("cli-eval/summary.json"));
  auto ja = nlohmann::json::parse(a), jb = nlohmann::json::parse(b);
  CHECK(ja["targets"] == jb["targets"]);
  CHECK(ja["e2sfca_per_100k"] == jb["e2sfca_per_100k"]);
  // Closing the busiest urgent-care site recolours the units it served.
  const Image before = read_png(tmp.file("before.png")), after = read_png(tmp.file("after.png"));
  std::size_t changed = 0;
  for (int y = 250; y < 650; ++y) {
    for (int x = 450; x < 950; ++x) changed += before.at(x, y) != after.at(x, y);
  }
  CHECK(changed > 5000);
}

TEST_CASE("A script edit without a selection is reported and ignored; a relocation is saved", "[viewer]") {
  test::TempDir tmp("viewer-noselect");
  {
    std::ofstream s(tmp.file("script.txt"));
    s << "relocate 806000 6485000\nmerge\nmerge-at 806000 6485000\n"
      << "select FINESS-420785354\nrelocate 806000 6485000\n"
      << "save " << tmp.file("scenario.json") << "\nquit\n";
  }
  std::string out;
  REQUIRE(run(viewer("'" + territory_dir() + "' --script '" + tmp.file("script.txt") + "'"), &out) == 0);
  INFO(out);
  CHECK(out.find("\"relocate 806000 6485000\" needs a selection first") != std::string::npos);
  CHECK(out.find("\"merge\" needs a selection first") != std::string::npos);
  CHECK(out.find("\"merge-at 806000 6485000\" needs a selection first") != std::string::npos);
  std::ifstream in(tmp.file("scenario.json"));
  const auto scenario = nlohmann::json::parse(in);
  REQUIRE(scenario["edits"].size() == 1);
  CHECK(scenario["edits"][0]["op"] == "relocate");
  CHECK(scenario["edits"][0]["facility"] == "FINESS-420785354");
}

TEST_CASE("Bad script lines are reported and the session goes on; the viewer refuses what evaluate refuses",
          "[viewer][robustness]") {
  test::TempDir tmp("viewer-bad-lines");
  for (const char* f : {"scenario.autosave.json", "scenario.autosave.previous.json"}) fs::remove(fs::path(territory_dir()) / f);
  test::write_text(tmp.file("npdc.json"), R"({"format": "recompose-scenario/1", "name": "autre", "territory":
      "bassin-minier-npdc", "edits": [{"op": "close", "facility": "FINESS-590000000"}]})");
  {
    std::ofstream s(tmp.file("script.txt"));
    s << "indicator 999\nindicator -1\nzoom 0\nzoom nan\npan 10\nopen gp_point trois 806000 6485000\n"
      << "capacity FINESS-420785354\nfrobnicate 3\nsave\nrestore\n"
      << "capacity FINESS-420785354 -5\n"                       // refused by apply_scenario, as by evaluate
      << "open gp_point 1e300 806000 6485000\n"                  // capacity out of range
      << "load " << tmp.file("npdc.json") << "\n"               // another territory's scenario
      << "select FINESS-420785354\nclose\nsave " << tmp.file("scenario.json") << "\nquit\n";
  }
  std::string out;
  const int rc = run(viewer("'" + territory_dir() + "' --script '" + tmp.file("script.txt") + "'"), &out);
  INFO(out);
  REQUIRE(rc == 0);
  for (const char* needle : {"\"indicator 999\": indicator 999 does not exist", "\"indicator -1\"", "\"zoom 0\": zoom factor",
                             "\"zoom nan\"", "\"pan 10\": \"pan\" needs a number", "\"open gp_point trois",
                             "\"capacity FINESS-420785354\": \"capacity\" needs a number",
                             "unknown command 'frobnicate'", "\"save\": \"save\" needs a file",
                             "no previous session to restore", "capacity -5 must be a number in [0, 1000000]",
                             "capacity 1e+300 must be a number in [0, 1000000]",
                             "is for territory 'bassin-minier-npdc', not 'loire'"}) {
    INFO(needle);
    CHECK(out.find(needle) != std::string::npos);
  }
  std::ifstream in(tmp.file("scenario.json"));
  const auto scenario = nlohmann::json::parse(in);
  REQUIRE(scenario["edits"].size() == 1);  // only the closure went through
  CHECK(scenario["edits"][0]["op"] == "close");
}

TEST_CASE("The previous session's autosave is kept and can be restored", "[viewer][robustness]") {
  test::TempDir tmp("viewer-autosave");
  const std::string autosave = (fs::path(territory_dir()) / "scenario.autosave.json").string();
  const std::string previous = (fs::path(territory_dir()) / "scenario.autosave.previous.json").string();
  const std::string last_session = R"({"format": "recompose-scenario/1", "name": "Atelier de mardi", "territory": "loire",
      "edits": [{"op": "close", "facility": "FINESS-420785354"}]})";
  test::write_text(autosave, last_session);
  {  // a new session that edits: the previous session's file is kept, not overwritten
    std::ofstream s(tmp.file("edit.txt"));
    s << "select FINESS-420780637\nclose\nquit\n";
  }
  std::string out;
  REQUIRE(run(viewer("'" + territory_dir() + "' --script '" + tmp.file("edit.txt") + "'"), &out) == 0);
  INFO(out);
  CHECK(test::read_text(previous) == last_session);
  const auto own = nlohmann::json::parse(test::read_text(autosave));
  REQUIRE(own["edits"].size() == 1);
  CHECK(own["edits"][0]["facility"] == "FINESS-420780637");
  // The next session finds that one as its previous session and restores it.
  {
    std::ofstream s(tmp.file("restore.txt"));
    s << "restore\nsave " << tmp.file("restored.json") << "\nquit\n";
  }
  REQUIRE(run(viewer("'" + territory_dir() + "' --script '" + tmp.file("restore.txt") + "'"), &out) == 0);
  INFO(out);
  const auto restored = nlohmann::json::parse(test::read_text(tmp.file("restored.json")));
  REQUIRE(restored["edits"].size() == 1);
  CHECK(restored["edits"][0]["facility"] == "FINESS-420780637");
  CHECK(out.find("Session précédente restaurée") != std::string::npos);
}

TEST_CASE("Window sizes out of range are refused", "[viewer][robustness]") {
  std::string out;
  CHECK(run("'" + std::string(RECOMPOSE_VIEWER) + "' '" + territory_dir() + "' --width 10 --height 900", &out) == 2);
  CHECK(out.find("--width / --height 10 x 900") != std::string::npos);
  CHECK(run("'" + std::string(RECOMPOSE_VIEWER) + "' '" + territory_dir() + "' --width 1400 --height 99999999", &out) == 2);
}
