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

TEST_CASE("The viewer's map export is the print renderer (PDF before/after), not a screen grab", "[viewer][map]") {
  test::TempDir tmp("viewer-export-map");
  {
    std::ofstream s(tmp.file("script.txt"));
    s << "select FINESS-420785354\nclose\n"
      << "export-map " << tmp.file("avant-apres.pdf") << " before-after\n"
      << "export-map " << tmp.file("carte.png") << "\n"
      << "export-map " << tmp.file("carte.docx") << "\n"
      << "quit\n";
  }
  std::string out;
  REQUIRE(run(viewer("'" + territory_dir() + "' --script '" + tmp.file("script.txt") + "'"), &out) == 0);
  INFO(out);
  REQUIRE(fs::exists(tmp.file("avant-apres.pdf")));
  std::string text;
  REQUIRE(run("pdftotext '" + tmp.file("avant-apres.pdf") + "' -", &text) == 0);
  CHECK_THAT(text, Catch::Contains("Situation actuelle"));
  CHECK_THAT(text, Catch::Contains("Fermé dans le scénario"));
  CHECK_THAT(text, Catch::Contains("Sources :"));
  // The PNG is a page at 150 dpi (A4 landscape), whatever the window's size.
  const Image png = read_png(tmp.file("carte.png"));
  CHECK(png.width == 1754);
  CHECK(png.height == 1240);
  // A bad extension is refused with a status line, and the session goes on.
  CHECK_THAT(out, Catch::Contains("Export de la carte impossible"));
  CHECK_FALSE(fs::exists(tmp.file("carte.docx")));
}
