// Viewer tests: the real recompose-viewer binary under Xvfb (xvfb-run), on the
// real Loire territory. Pixels are read back with GDAL. The test binary itself
// links no UI: it only runs the viewer and reads what it wrote.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "planner/classification.hpp"
#include "test_support.hpp"
#include "viewer/viewer_support.hpp"

namespace fs = std::filesystem;
using namespace recompose;
using test::Image;
using test::read_png;
using test::viewer_command;

namespace {

// Imports the Loire territory once for all viewer tests.
const std::string& territory_dir() {
  static const std::string dir = [] {
    const fs::path d = fs::temp_directory_path() / ("recompose-viewer-test-" + std::to_string(::getpid()));
    fs::create_directories(d);
    const test::Run r = test::run_shell("'" + std::string(RECOMPOSE_CLI) + "' import '" +
                                        test::source_file("datasets/loire.json") + "' --out '" + (d / "loire").string() +
                                        "' --data-root '" + test::data_root() + "' --quiet");
    INFO(r.output);
    REQUIRE(r.code == 0);
    return (d / "loire").string();
  }();
  return dir;
}

}  // namespace

TEST_CASE("A screenshot of the Loire map shows the legend's classes in the map area", "[viewer]") {
  test::TempDir tmp("viewer-shot");
  const test::Run run = test::run_shell(viewer_command("'" + territory_dir() + "' --screenshot '" + tmp.file("map.png") + "'"));
  const std::string& out = run.output;
  INFO(out);
  REQUIRE(run.code == 0);
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
  const test::Run run = test::run_shell(viewer_command("'" + territory_dir() + "' --script '" + tmp.file("script.txt") + "'"));
  const std::string& out = run.output;
  INFO(out);
  REQUIRE(run.code == 0);
  // The undo removed the merge: the scenario holds the closure alone.
  std::ifstream in(tmp.file("scenario.json"));
  const auto scenario = nlohmann::json::parse(in);
  REQUIRE(scenario["edits"].size() == 1);
  CHECK(scenario["edits"][0]["op"] == "close");
  CHECK(scenario["edits"][0]["facility"] == "FINESS-420785354");
  // Same figures as the command line on the saved scenario.
  REQUIRE(test::run_shell("'" + std::string(RECOMPOSE_CLI) + "' evaluate '" + territory_dir() + "' --scenario '" +
                          tmp.file("scenario.json") + "' --out '" + tmp.file("cli-eval") + "'")
              .code == 0);
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

TEST_CASE("A script edit without a selection is reported and ignored, a relocation is saved", "[viewer]") {
  test::TempDir tmp("viewer-noselect");
  {
    std::ofstream s(tmp.file("script.txt"));
    s << "relocate 806000 6485000\nmerge\nmerge-at 806000 6485000\n"
      << "select FINESS-420785354\nrelocate 806000 6485000\n"
      << "save " << tmp.file("scenario.json") << "\nquit\n";
  }
  const test::Run run = test::run_shell(viewer_command("'" + territory_dir() + "' --script '" + tmp.file("script.txt") + "'"));
  const std::string& out = run.output;
  INFO(out);
  REQUIRE(run.code == 0);
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
  const test::Run run = test::run_shell(viewer_command("'" + territory_dir() + "' --script '" + tmp.file("script.txt") + "'"));
  const std::string& out = run.output;
  INFO(out);
  REQUIRE(run.code == 0);
  REQUIRE(fs::exists(tmp.file("avant-apres.pdf")));
  const test::Run pdftotext = test::run_shell("pdftotext '" + tmp.file("avant-apres.pdf") + "' -");
  REQUIRE(pdftotext.code == 0);
  const std::string& text = pdftotext.output;
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

// [SECTION] the room (issue 17): several scenarios, the comparison, the layouts

namespace {

std::string loire_scenarios() {
  std::string s;
  for (const char* name : {"loire-fermeture-urgences-nord", "loire-recomposition", "loire-regime-regroupement"}) {
    s += " --scenario '" + test::source_file(std::string("datasets/scenarios/") + name + ".json") + "'";
  }
  return s;
}

using Rgb = std::array<std::uint8_t, 3>;

// Pixels of `img` in [x0, x1) x [y0, y1) having one of `colours`, per colour.
std::map<int, std::size_t> count_colours(const Image& img, const std::vector<planner::Rgba>& colours, int x0, int y0, int x1,
                                         int y1) {
  std::map<int, std::size_t> counts;
  for (int y = std::max(0, y0); y < std::min(img.height, y1); ++y) {
    for (int x = std::max(0, x0); x < std::min(img.width, x1); ++x) {
      const auto c = img.at(x, y);
      for (std::size_t k = 0; k < colours.size(); ++k) {
        if (c[0] == colours[k][0] && c[1] == colours[k][1] && c[2] == colours[k][2]) ++counts[static_cast<int>(k)];
      }
    }
  }
  return counts;
}

std::size_t count_rgb(const Image& img, Rgb rgb, int x0, int y0, int x1, int y1) {
  std::size_t n = 0;
  for (int y = std::max(0, y0); y < std::min(img.height, y1); ++y) {
    for (int x = std::max(0, x0); x < std::min(img.width, x1); ++x) n += img.at(x, y) == rgb;
  }
  return n;
}

// Area (px²) of the bounding box of the pixels of the classes right of `from_x` (past the
// legends): how large the territory is drawn (roads and labels over the units do not change it).
double drawn_area(const Image& img, const std::vector<planner::Rgba>& colours, int from_x) {
  int x0 = img.width, y0 = img.height, x1 = -1, y1 = -1;
  for (int y = 0; y < img.height; ++y) {
    for (int x = from_x; x < img.width; ++x) {
      const auto c = img.at(x, y);
      for (const auto& k : colours) {
        if (c[0] == k[0] && c[1] == k[1] && c[2] == k[2]) {
          x0 = std::min(x0, x);
          y0 = std::min(y0, y);
          x1 = std::max(x1, x);
          y1 = std::max(y1, y);
          break;
        }
      }
    }
  }
  return x1 < 0 ? 0.0 : static_cast<double>(x1 - x0) * static_cast<double>(y1 - y0);
}

std::size_t labels_of(const std::string& output, const std::string& shot) {
  const auto at = output.find("screenshot " + shot);
  REQUIRE(at != std::string::npos);
  const auto comma = output.find("), ", at);
  return static_cast<std::size_t>(std::stoul(output.substr(comma + 3)));
}

}  // namespace

TEST_CASE("Viewer room: scenarios held at once, the comparison of recompose compare, every layout at 1920x1080",
          "[viewer][compare]") {
  test::TempDir tmp("viewer-room");
  {
    std::ofstream s(tmp.file("script.txt"));
    s << "screenshot " << tmp.file("normal.png") << "\n"
      << "compare on\n"
      << "screenshot " << tmp.file("compare.png") << "\n"
      << "compare export " << tmp.file("viewer-cmp") << "\n"
      << "compare off\n"
      << "scenario switch 2\n"
      << "save " << tmp.file("active2.json") << "\n"
      << "layout split\n"
      << "screenshot " << tmp.file("split.png") << "\n"
      << "layout single\nlayout presentation\n"
      << "screenshot " << tmp.file("presentation.png") << "\n"
      << "layout split\n"
      << "screenshot " << tmp.file("split-presentation.png") << "\n"
      << "layout single\nlayout normal\n"
      << "scenario switch Fermeture des urgences de l'Hôpital Nord (CHU de Saint-Étienne)\n"
      << "indicator ecart:urgent_care\n"
      << "screenshot " << tmp.file("difference.png") << "\n"
      << "labels off\n"
      << "screenshot " << tmp.file("no-labels.png") << "\n"
      << "labels on\nindicator temps:urgent_care\n"
      << "search firminy\n"
      << "screenshot " << tmp.file("search.png") << "\n"
      << "scenario new Vide\nscenario rename Option vide\n"
      << "save " << tmp.file("vide.json") << "\nquit\n";
  }
  const test::Run run = test::run_shell(
      viewer_command("'" + territory_dir() + "'" + loire_scenarios() + " --script '" + tmp.file("script.txt") + "'", 1920, 1080));
  const std::string& out = run.output;
  INFO(out);
  REQUIRE(run.code == 0);

  SECTION("the scenarios are held, switched, created and renamed") {
    const auto second = nlohmann::json::parse(std::ifstream(tmp.file("active2.json")));
    const auto file = nlohmann::json::parse(std::ifstream(test::source_file("datasets/scenarios/loire-recomposition.json")));
    CHECK(second["name"] == file["name"]);
    CHECK(second["edits"].size() == file["edits"].size());
    const auto empty = nlohmann::json::parse(std::ifstream(tmp.file("vide.json")));
    CHECK(empty["name"] == "Option vide");
    CHECK(empty["edits"].empty());
  }
  SECTION("the viewer's comparison is recompose compare's, file for file") {
    std::string args = "compare '" + territory_dir() + "'" + loire_scenarios() + " --out '" + tmp.file("cli-cmp") + "'";
    REQUIRE(test::run_shell("'" + std::string(RECOMPOSE_CLI) + "' " + args).code == 0);
    const std::string viewer_csv = test::read_text(tmp.file("viewer-cmp/comparaison.csv"));
    CHECK(viewer_csv.size() > 1000);
    CHECK(viewer_csv == test::read_text(tmp.file("cli-cmp/comparaison.csv")));
    CHECK_THAT(test::read_text(tmp.file("viewer-cmp/comparaison.md")), Catch::Contains("## Communes où le classement"));
  }
  SECTION("layouts: panels and toolbar, the drawer, presentation without panels, split panes with the same classes") {
    const Image normal = read_png(tmp.file("normal.png")), presentation = read_png(tmp.file("presentation.png"));
    REQUIRE(normal.width == 1920);
    REQUIRE(normal.height == 1080);
    REQUIRE(presentation.width == 1920);
    // The toolbar and the columns are ImGui windows (light style background 240,240,240):
    // present in the normal layout, absent in presentation.
    const Rgb window_bg{240, 240, 240};
    CHECK(count_rgb(normal, window_bg, 0, 0, 1920, 40) > 20000);
    CHECK(count_rgb(normal, window_bg, 0, 100, 300, 1080) > 50000);
    CHECK(count_rgb(presentation, window_bg, 0, 0, 1920, 40) < 500);
    CHECK(count_rgb(presentation, window_bg, 0, 100, 300, 1080) < 5000);
    // The territory is drawn in both, about as large (a square territory is as tall as the
    // window either way; presentation trades the side panels for the title and the legends).
    const auto palette = planner::viridis(5);
    CHECK(drawn_area(presentation, palette, 460) > 0.7 * drawn_area(normal, palette, 460));
    std::size_t in_normal = 0;
    for (const auto& [k, n] : count_colours(normal, palette, 0, 0, 1920, 1080)) in_normal += n;
    // The comparison drawer takes the bottom of the window: fewer map pixels.
    const Image compare = read_png(tmp.file("compare.png"));
    std::size_t in_compare = 0;
    for (const auto& [k, n] : count_colours(compare, palette, 0, 600, 1920, 1080)) in_compare += n;
    CHECK(in_compare < in_normal / 4);
    // Split: the two panes show the same classes (baseline and scenario, classes of the baseline).
    for (const char* name : {"split.png", "split-presentation.png"}) {
      INFO(name);
      const Image split = read_png(tmp.file(name));
      // Side by side or stacked: the grey divider between the panes.
      int divider_x = -1, divider_y = -1;
      for (int x = 0; x < split.width && divider_x < 0; ++x) {
        if (count_rgb(split, {120, 120, 120}, x, 0, x + 1, split.height) > static_cast<std::size_t>(split.height * 2 / 5)) divider_x = x;
      }
      for (int y = 0; y < split.height && divider_x < 0 && divider_y < 0; ++y) {
        if (count_rgb(split, {120, 120, 120}, 0, y, split.width, y + 1) > static_cast<std::size_t>(split.width * 2 / 5)) divider_y = y;
      }
      REQUIRE((divider_x >= 0 || divider_y >= 0));
      const auto left = divider_x >= 0 ? count_colours(split, palette, 0, 0, divider_x, split.height)
                                       : count_colours(split, palette, 0, 0, split.width, divider_y);
      const auto right = divider_x >= 0 ? count_colours(split, palette, divider_x + 8, 0, split.width, split.height)
                                        : count_colours(split, palette, 0, divider_y + 8, split.width, split.height);
      std::size_t classes_left = 0, classes_right = 0;
      for (int k = 0; k < 5; ++k) {
        classes_left += left.count(k) && left.at(k) > 100;
        classes_right += right.count(k) && right.at(k) > 100;
      }
      CHECK(classes_left >= 4);
      CHECK(classes_right >= 4);
    }
  }
  SECTION("a difference is drawn with the diverging classes centred on 0") {
    const Image diff = read_png(tmp.file("difference.png"));
    const auto diverging = planner::diverging_palette(3);  // 5 classes: 3 per side and the neutral one
    const auto counts = count_colours(diff, diverging, 400, 60, 1380, 1000);
    CHECK((counts.count(3) ? counts.at(3) : 0) > 20000);  // unchanged (neutral)
    // Closing urgent care lengthens times: the increasing side is on the map.
    CHECK((counts.count(4) ? counts.at(4) : 0) + (counts.count(5) ? counts.at(5) : 0) + (counts.count(6) ? counts.at(6) : 0) > 2000);
    CHECK(count_colours(diff, planner::viridis(5), 400, 60, 1380, 1000).size() <= 1);  // no sequential classes
  }
  SECTION("labels and search") {
    CHECK(labels_of(out, tmp.file("normal.png")) > 10);
    CHECK(labels_of(out, tmp.file("no-labels.png")) == 0);
    CHECK(labels_of(out, tmp.file("presentation.png")) > 5);
    CHECK_THAT(out, Catch::Contains("Carte centrée sur Firminy"));
    const Image a = read_png(tmp.file("normal.png")), b = read_png(tmp.file("search.png"));
    std::size_t changed = 0;
    for (int y = 100; y < 1000; y += 2) {
      for (int x = 450; x < 1350; x += 2) changed += a.at(x, y) != b.at(x, y);
    }
    CHECK(changed > 50000);  // the camera flew to Firminy
  }
}

TEST_CASE("Viewer room at 1280x720: presentation and split screenshots, fonts sized to the window", "[viewer][compare]") {
  test::TempDir tmp("viewer-room-720");
  {
    std::ofstream s(tmp.file("script.txt"));
    s << "screenshot " << tmp.file("normal.png") << "\n"
      << "layout presentation\n"
      << "screenshot " << tmp.file("presentation.png") << "\n"
      << "layout split\n"
      << "screenshot " << tmp.file("split.png") << "\nquit\n";
  }
  const test::Run run = test::run_shell(
      viewer_command("'" + territory_dir() + "'" + loire_scenarios() + " --script '" + tmp.file("script.txt") + "'", 1280, 720));
  const std::string& out = run.output;
  INFO(out);
  REQUIRE(run.code == 0);
  for (const char* name : {"normal.png", "presentation.png", "split.png"}) {
    const Image img = read_png(tmp.file(name));
    CHECK(img.width == 1280);
    CHECK(img.height == 720);
  }
  const Image normal = read_png(tmp.file("normal.png")), presentation = read_png(tmp.file("presentation.png"));
  CHECK(count_rgb(normal, {240, 240, 240}, 0, 0, 1280, 30) > 10000);
  CHECK(count_rgb(presentation, {240, 240, 240}, 0, 0, 1280, 30) < 400);
  CHECK(drawn_area(presentation, planner::viridis(5), 320) > 0.7 * drawn_area(normal, planner::viridis(5), 320));
  CHECK(labels_of(out, tmp.file("presentation.png")) > 3);
}

TEST_CASE("Viewer room: a bad scenario file or command is reported, never a crash", "[viewer][compare]") {
  test::TempDir tmp("viewer-room-bad");
  {
    std::ofstream s(tmp.file("script.txt"));
    s << "scenario load " << tmp.file("absent.json") << "\n"
      << "scenario load " << test::source_file("datasets/scenarios/npdc-regroupement-lens-henin.json") << "\n"
      << "scenario switch 7\nlayout nowhere\nsearch zzzzzz\n"
      << "save " << tmp.file("active.json") << "\nquit\n";
  }
  const test::Run run = test::run_shell(viewer_command("'" + territory_dir() + "' --script '" + tmp.file("script.txt") + "'"));
  const std::string& out = run.output;
  INFO(out);
  REQUIRE(run.code == 0);
  CHECK_THAT(out, Catch::Contains("absent.json"));
  CHECK_THAT(out, Catch::Contains("pour le territoire « bassin-minier-npdc »"));
  CHECK_THAT(out, Catch::Contains("no scenario '7'"));
  CHECK_THAT(out, Catch::Contains("unknown layout 'nowhere'"));
  CHECK_THAT(out, Catch::Contains("nothing found for 'zzzzzz'"));
  // Still the one scenario it started with.
  const auto active = nlohmann::json::parse(std::ifstream(tmp.file("active.json")));
  CHECK(active["edits"].empty());
}

TEST_CASE("Bad script lines are reported and the session goes on, the viewer refuses what evaluate refuses",
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
  const test::Run run = test::run_shell(viewer_command("'" + territory_dir() + "' --script '" + tmp.file("script.txt") + "'"));
  const std::string& out = run.output;
  INFO(out);
  REQUIRE(run.code == 0);
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
  const test::Run run = test::run_shell(viewer_command("'" + territory_dir() + "' --script '" + tmp.file("edit.txt") + "'"));
  const std::string& out = run.output;
  INFO(out);
  REQUIRE(run.code == 0);
  CHECK(test::read_text(previous) == last_session);
  const auto own = nlohmann::json::parse(test::read_text(autosave));
  REQUIRE(own["edits"].size() == 1);
  CHECK(own["edits"][0]["facility"] == "FINESS-420780637");
  // The next session finds that one as its previous session and restores it.
  {
    std::ofstream s(tmp.file("restore.txt"));
    s << "restore\nsave " << tmp.file("restored.json") << "\nquit\n";
  }
  const test::Run restore = test::run_shell(viewer_command("'" + territory_dir() + "' --script '" + tmp.file("restore.txt") + "'"));
  INFO(restore.output);
  REQUIRE(restore.code == 0);
  const auto restored = nlohmann::json::parse(test::read_text(tmp.file("restored.json")));
  REQUIRE(restored["edits"].size() == 1);
  CHECK(restored["edits"][0]["facility"] == "FINESS-420780637");
  CHECK(restore.output.find("Session précédente restaurée") != std::string::npos);
}

TEST_CASE("Window sizes out of range are refused", "[viewer][robustness]") {
  const test::Run narrow = test::run_shell("'" + std::string(RECOMPOSE_VIEWER) + "' '" + territory_dir() + "' --width 10 --height 900");
  CHECK(narrow.code == 2);
  CHECK(narrow.output.find("--width / --height 10 x 900") != std::string::npos);
  CHECK(test::run_shell("'" + std::string(RECOMPOSE_VIEWER) + "' '" + territory_dir() + "' --width 1400 --height 99999999").code ==
        2);
}
