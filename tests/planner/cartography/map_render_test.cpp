// Print maps read back as their users' tools would: poppler (pdftotext, pdfinfo) for
// the PDFs, cairo's PNG reader for the rasters. Expected values come from the source
// data (EPCI of the communes) or from published constants (viridis stops), not from
// the renderer.
#include <cairo.h>
#include <cpl_minixml.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <sstream>

#include "geo/error.hpp"
#include "geo/vector_io.hpp"
#include "planner/cartography/page.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace recompose;
using namespace recompose::test;
using json = nlohmann::json;

namespace {

// The Loire territory on its real roads, imported once for this file's tests.
const std::string& loire_dir() {
  static TempDir tmp;
  static std::string dir;
  if (dir.empty()) {
    const Run r = run_import(tmp, loire_manifest(), "loire", graph_cache_dir("loire"));
    INFO(r.output);
    REQUIRE(r.code == 0);
    dir = tmp.file("loire");
  }
  return dir;
}

struct Png {
  int width = 0, height = 0;
  std::vector<std::uint32_t> px;  // 0x00RRGGBB
};

Png read_png(const std::string& path) {
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
  REQUIRE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
  Png p;
  p.width = cairo_image_surface_get_width(s);
  p.height = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  for (int y = 0; y < p.height; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
    for (int x = 0; x < p.width; ++x) p.px.push_back(row[x] & 0xFFFFFFu);
  }
  cairo_surface_destroy(s);
  return p;
}

int pdf_pages(const std::string& pdfinfo_output) {
  const auto k = pdfinfo_output.find("Pages:");
  REQUIRE(k != std::string::npos);
  return std::stoi(pdfinfo_output.substr(k + 6));
}

std::size_t count_colour(const Png& p, std::uint32_t rgb, int x0, int x1) {
  std::size_t n = 0;
  for (int y = 0; y < p.height; ++y) {
    for (int x = x0; x < x1; ++x) n += p.px[static_cast<std::size_t>(y) * static_cast<std::size_t>(p.width) + static_cast<std::size_t>(x)] == rgb;
  }
  return n;
}

}  // namespace

TEST_CASE("map: a single-map PDF carries title, legend, sources, scale bar and method", "[map][real]") {
  TempDir tmp;
  const std::string pdf = tmp.file("carte.pdf");
  const Run r = run_cli("map " + shell_quote(loire_dir()) + " --indicator temps:urgent_care --date 2026-12-02 --out " +
                            shell_quote(pdf) + " --data-root " + shell_quote(data_root()),
                        tmp.str());
  INFO(r.output);
  REQUIRE(r.code == 0);
  const std::string info = run_shell("pdfinfo " + shell_quote(pdf)).output;
  CHECK(pdf_pages(info) == 1);
  CHECK_THAT(info, Catch::Contains("841.89 x 595.276 pts"));  // A4 landscape
  const std::string text = run_shell("pdftotext -layout " + shell_quote(pdf) + " -").output;
  const json territory = read_json(loire_dir() + "/territory.json");
  // pdftotext may wrap the title: check its first words.
  const std::string title = territory.value("title", std::string("loire"));
  CHECK_THAT(text, Catch::Contains(title.substr(0, std::min<std::size_t>(20, title.size()))));
  CHECK_THAT(text, Catch::Contains("Temps vers site d'urgences"));
  CHECK_THAT(text, Catch::Contains("Classes : quantiles (5)"));
  CHECK_THAT(text, Catch::Contains("≤"));
  CHECK_THAT(text, Catch::Contains("Sources :"));
  CHECK_THAT(text, Catch::Contains("IGN"));
  CHECK_THAT(text, Catch::Contains("OpenStreetMap"));
  CHECK_THAT(text, Catch::Contains(" km"));  // scale bar
  CHECK_THAT(text, Catch::Contains("1/"));   // representative fraction
  CHECK_THAT(text, Catch::Contains("Méthode : temps routiers"));
  CHECK_THAT(text, Catch::Contains("2 décembre 2026"));
  CHECK_THAT(text, Catch::Contains("Situation"));  // locator inset
  // The same input gives the same bytes (fonts from Debian, creation date from --date).
  const std::string pdf2 = tmp.file("carte2.pdf");
  REQUIRE(run_cli("map " + shell_quote(loire_dir()) + " --indicator temps:urgent_care --date 2026-12-02 --out " +
                      shell_quote(pdf2) + " --data-root " + shell_quote(data_root()),
                  tmp.str()).code == 0);
  CHECK(read_text(pdf) == read_text(pdf2));
  // SVG, A3 portrait: a well-formed SVG document of that size in points.
  const std::string svg = tmp.file("carte.svg");
  REQUIRE(run_cli("map " + shell_quote(loire_dir()) + " --paper A3 --portrait --no-inset --out " + shell_quote(svg),
                  tmp.str()).code == 0);
  const std::string svg_text = read_text(svg);
  CPLXMLNode* root = CPLParseXMLString(svg_text.c_str());
  REQUIRE(root != nullptr);
  CPLDestroyXMLNode(root);
  CHECK_THAT(svg_text, Catch::Contains("<svg"));
  CHECK_THAT(svg_text, Catch::Contains("width=\"841.889764pt\""));
  CHECK_THAT(svg_text, Catch::Contains("height=\"1190.551181pt\""));
}

TEST_CASE("map: the rasterised map has the viridis class colours in the map area", "[map][real]") {
  TempDir tmp;
  const std::string png = tmp.file("carte.png");
  const Run r = run_cli("map " + shell_quote(loire_dir()) + " --indicator temps:urgent_care --dpi 100 --no-inset --out " +
                            shell_quote(png),
                        tmp.str());
  INFO(r.output);
  REQUIRE(r.code == 0);
  const Png p = read_png(png);
  // A4 landscape at 100 dpi: 297 x 210 mm.
  CHECK(p.width == 1169);
  CHECK(p.height == 827);
  // matplotlib's viridis at 0, 0.25, 0.5, 0.75, 1: the five classes.
  const std::uint32_t viridis5[] = {0x440154, 0x3B528B, 0x21918C, 0x5EC962, 0xFDE725};
  const int map_x1 = static_cast<int>(p.width * 0.78);  // the legend column is on the right
  for (auto c : viridis5) {
    INFO("colour " << std::hex << c);
    CHECK(count_colour(p, c, 0, map_x1) > 200);
  }
}

TEST_CASE("map: before/after and difference layouts of a closure", "[map][real]") {
  TempDir tmp;
  const std::string scenario = source_file("datasets/scenarios/loire-fermeture-urgences-nord.json");
  const std::string ba = tmp.file("avant-apres.pdf"), diff = tmp.file("ecart.png"), diff_pdf = tmp.file("ecart.pdf");
  REQUIRE(run_cli("map " + shell_quote(loire_dir()) + " --scenario " + shell_quote(scenario) +
                      " --layout before-after --out " + shell_quote(ba), tmp.str()).code == 0);
  const std::string text = run_shell("pdftotext " + shell_quote(ba) + " -").output;
  CHECK_THAT(text, Catch::Contains("Situation actuelle"));
  CHECK_THAT(text, Catch::Contains("Scénario"));
  CHECK_THAT(text, Catch::Contains("Fermé dans le scénario"));
  const Run d = run_cli("map " + shell_quote(loire_dir()) + " --scenario " + shell_quote(scenario) +
                            " --layout difference --dpi 100 --out " + shell_quote(diff),
                        tmp.str());
  INFO(d.output);
  REQUIRE(d.code == 0);
  REQUIRE(run_cli("map " + shell_quote(loire_dir()) + " --scenario " + shell_quote(scenario) +
                      " --layout difference --out " + shell_quote(diff_pdf), tmp.str()).code == 0);
  const std::string dt = run_shell("pdftotext " + shell_quote(diff_pdf) + " -").output;
  CHECK_THAT(dt, Catch::Contains("Écart de temps"));
  CHECK_THAT(dt, Catch::Contains("(baisse)"));
  CHECK_THAT(dt, Catch::Contains("(hausse)"));
  CHECK_THAT(dt, Catch::Contains("inchangé"));
  // Closing urgent-care sites lengthens times: units in a red (increase) class, and
  // unchanged units in the neutral grey, in the map area.
  const Png p = read_png(diff);
  const int map_x1 = static_cast<int>(p.width * 0.78);
  CHECK(count_colour(p, 0xF0F0F0, 0, map_x1) > 200);
  std::size_t reds = 0;
  for (std::uint32_t c : {0xB2182Bu, 0xD6604Du, 0xF4A582u, 0xFDDBC7u}) reds += count_colour(p, c, 0, map_x1);
  CHECK(reds > 200);
}

TEST_CASE("atlas: one page per EPCI after an overview, each bookmarked", "[map][real]") {
  TempDir tmp;
  const std::string pdf = tmp.file("atlas.pdf");
  const Run r = run_cli("atlas " + shell_quote(loire_dir()) + " --by epci --indicator temps:urgent_care --out " +
                            shell_quote(pdf),
                        tmp.str());
  INFO(r.output);
  REQUIRE(r.code == 0);
  // The EPCI of the territory's communes, read from the territory layer with GDAL.
  geo::ReadOptions ro;
  ro.layer = "communes";
  ro.read_geometry = false;
  ro.fields = {"code_epci"};
  const auto layer = geo::read_layer(loire_dir() + "/territory.gpkg", ro);
  std::set<std::string> epci;
  for (const auto& f : layer.features) {
    for (const auto& v : f.values) {
      if (!v.empty()) epci.insert(v);
    }
  }
  REQUIRE(epci.size() >= 2);
  const std::string info = run_shell("pdfinfo " + shell_quote(pdf)).output;
  CHECK(pdf_pages(info) == static_cast<int>(epci.size()) + 1);
  // Bookmarks: one outline entry per page, plus the document's own title.
  const std::string bytes = read_text(pdf);
  std::size_t titles = 0;
  for (auto k = bytes.find("/Title"); k != std::string::npos; k = bytes.find("/Title", k + 1)) ++titles;
  CHECK(titles == epci.size() + 2);
  CHECK(bytes.find("/Type /Outlines") != std::string::npos);
  CHECK(bytes.find("(Vue d'ensemble)") != std::string::npos);
  const std::string text = run_shell("pdftotext " + shell_quote(pdf) + " -").output;
  CHECK_THAT(text, Catch::Contains("EPCI : "));
  // An atlas is a PDF.
  const Run png = run_cli("atlas " + shell_quote(loire_dir()) + " --out " + shell_quote(tmp.file("atlas.png")), tmp.str());
  CHECK(png.code == 2);
  CHECK_THAT(png.output, Catch::Contains("PDF"));
}

TEST_CASE("map: bad requests are refused with the reason, and nothing is left behind", "[map][real]") {
  TempDir tmp;
  const Run ext = run_cli("map " + shell_quote(loire_dir()) + " --out " + shell_quote(tmp.file("carte.jpg")), tmp.str());
  CHECK(ext.code == 2);
  CHECK_THAT(ext.output, Catch::Contains(".pdf, .svg or .png"));
  const Run ind = run_cli("map " + shell_quote(loire_dir()) + " --indicator temps:licorne --out " +
                              shell_quote(tmp.file("carte.pdf")), tmp.str());
  CHECK(ind.code == 2);
  CHECK_THAT(ind.output, Catch::Contains("temps:licorne"));
  CHECK_THAT(ind.output, Catch::Contains("temps:urgent_care"));  // lists what exists
  const Run date = run_cli("map " + shell_quote(loire_dir()) + " --date 02/12/2026 --out " + shell_quote(tmp.file("c.pdf")), tmp.str());
  CHECK(date.code == 2);
  const Run diff = run_cli("map " + shell_quote(loire_dir()) + " --indicator population --layout difference --out " +
                               shell_quote(tmp.file("c.pdf")), tmp.str());
  CHECK(diff.code == 2);
  CHECK_THAT(diff.output, Catch::Contains("no difference map"));
  for (const auto& e : fs::directory_iterator(tmp.str())) {
    INFO(e.path());
    CHECK(e.path().filename().string().find(".pdf") == std::string::npos);
  }
}

TEST_CASE("page documents: PNG at a resolution, one page only, atomic", "[map]") {
  using namespace recompose::planner::cartography;
  TempDir tmp;
  PageSpec a3;
  a3.paper = "A3";
  a3.landscape = false;
  a3.dpi = 72;
  CHECK(a3.width_pt() == Approx(297 * 72 / 25.4));
  CHECK(a3.height_pt() == Approx(420 * 72 / 25.4));
  {
    Document d(tmp.file("p.png"), a3, "t");
    d.new_page();
    CHECK_THROWS_AS(d.new_page(), geo::Error);
    d.finish();
  }
  const Png p = read_png(tmp.file("p.png"));
  CHECK(p.width == 842);
  CHECK(p.height == 1191);
  {
    Document unfinished(tmp.file("q.pdf"), a3, "t");
    unfinished.new_page();
  }
  CHECK(std::distance(fs::directory_iterator(tmp.str()), fs::directory_iterator{}) == 1);  // only p.png
  PageSpec bad;
  bad.paper = "Letter";
  CHECK_THROWS_AS(bad.check(), geo::Error);
  bad.paper = "A4";
  bad.dpi = 5000;
  CHECK_THROWS_AS(bad.check(), geo::Error);
}

TEST_CASE("dossier: maps then the report, paginated, with its sections bookmarked", "[map][dossier][real]") {
  TempDir tmp;
  const std::string scenario = source_file("datasets/scenarios/loire-fermeture-urgences-nord.json");
  const std::string pdf = tmp.file("dossier.pdf");
  const Run r = run_cli("evaluate " + shell_quote(loire_dir()) + " --scenario " + shell_quote(scenario) + " --out " +
                            shell_quote(tmp.file("eval")) + " --dossier " + shell_quote(pdf),
                        tmp.str());
  INFO(r.output);
  REQUIRE(r.code == 0);
  const std::string text = run_shell("pdftotext " + shell_quote(pdf) + " -").output;
  // The cover, the maps and the report's own sections (read from the rapport.md written beside).
  CHECK_THAT(text, Catch::Contains("Dossier pour l'instance de coordination"));
  const json s = read_json(scenario);
  CHECK_THAT(text, Catch::Contains(s["name"].get<std::string>()));
  CHECK_THAT(text, Catch::Contains("Situation actuelle"));
  CHECK_THAT(text, Catch::Contains("moins situation actuelle"));  // the difference map
  const std::string md = read_text(tmp.file("eval/rapport.md"));
  std::vector<std::string> sections;
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("## ", 0) == 0) sections.push_back(line.substr(3));
  }
  REQUIRE(sections.size() >= 5);
  for (const auto& sec : sections) {
    INFO(sec);
    // pdftotext may break a long heading: its first word is enough.
    CHECK_THAT(text, Catch::Contains(sec.substr(0, sec.find(' '))));
  }
  CHECK_THAT(text, Catch::Contains("Sources"));
  CHECK_THAT(text, Catch::Contains("Méthode"));
  // A table cell of the report's key figures.
  CHECK_THAT(text, Catch::Contains("Temps moyen"));
  const std::string info = run_shell("pdfinfo " + shell_quote(pdf)).output;
  CHECK(pdf_pages(info) >= 5);
  CHECK_THAT(info, Catch::Contains("A4"));
  // Bookmarks: the cover, the maps and each section of the report.
  const std::string bytes = read_text(pdf);
  std::size_t titles = 0;
  for (auto k = bytes.find("/Title"); k != std::string::npos; k = bytes.find("/Title", k + 1)) ++titles;
  CHECK(titles >= sections.size() + 3);
  CHECK(bytes.find("(Couverture)") != std::string::npos);
  CHECK(bytes.find("(Cartes)") != std::string::npos);
  // Not a PDF: refused before any work.
  const Run bad = run_cli("evaluate " + shell_quote(loire_dir()) + " --out " + shell_quote(tmp.file("e2")) + " --dossier " +
                              shell_quote(tmp.file("d.docx")),
                          tmp.str());
  CHECK(bad.code == 2);
  CHECK_FALSE(fs::exists(tmp.file("e2")));
}

TEST_CASE("QGIS styles in evaluation.gpkg: the maps' classes, colours and labels", "[map][qgis][real]") {
  TempDir tmp;
  const Run r = run_cli("evaluate " + shell_quote(loire_dir()) + " --out " + shell_quote(tmp.file("eval")), tmp.str());
  INFO(r.output);
  REQUIRE(r.code == 0);
  geo::ReadOptions ro;
  ro.layer = "layer_styles";
  ro.read_geometry = false;
  ro.fields = {"f_table_name", "f_geometry_column", "styleName", "styleQML", "useAsDefault"};
  const auto styles = geo::read_layer(tmp.file("eval/evaluation.gpkg"), ro);
  REQUIRE(styles.features.size() == 3);
  // The map of the same indicator, same classes: its legend labels must be the QML rule labels.
  const std::string pdf = tmp.file("carte.pdf");
  REQUIRE(run_cli("map " + shell_quote(loire_dir()) + " --indicator temps:urgent_care --no-inset --out " + shell_quote(pdf),
                  tmp.str()).code == 0);
  const std::string legend = run_shell("pdftotext -layout " + shell_quote(pdf) + " -").output;
  int defaults_on_units = 0;
  for (const auto& f : styles.features) {
    const std::string& table = f.values[0];
    const std::string& qml = f.values[3];
    INFO(table << " " << f.values[2]);
    // Well-formed XML, as QGIS reads it (GDAL's XML parser).
    CPLXMLNode* root = CPLParseXMLString(qml.c_str());
    REQUIRE(root != nullptr);
    CPLDestroyXMLNode(root);
    CHECK(f.values[1] == "geom");
    CHECK_THAT(qml, Catch::Contains("RuleRenderer"));
    if (table == "unites" && f.values[4] == "1") {
      ++defaults_on_units;
      CHECK_THAT(qml, Catch::Contains("t_urgent_care_apres_min"));
      CHECK_THAT(qml, Catch::Contains("v=\"68,1,84,255\""));    // viridis 0
      CHECK_THAT(qml, Catch::Contains("v=\"253,231,37,255\""));  // viridis 1
      // Every rule label of a class is printed in the map's legend.
      std::size_t labels = 0;
      for (auto k = qml.find("label=\""); k != std::string::npos; k = qml.find("label=\"", k + 1)) {
        std::string label = qml.substr(k + 7, qml.find('"', k + 7) - k - 7);
        for (auto amp = label.find("&gt;"); amp != std::string::npos; amp = label.find("&gt;")) label.replace(amp, 4, ">");
        if (label == "Sans accès dans le seuil" || label == "Hors réseau") continue;
        INFO(label);
        CHECK_THAT(legend, Catch::Contains(label));
        ++labels;
      }
      CHECK(labels == 5);
    }
  }
  CHECK(defaults_on_units == 1);
}
