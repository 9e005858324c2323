#include "planner/territory_import.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "geo/error.hpp"
#include "geo/vector_io.hpp"
#include "planner/od_matrix.hpp"
#include "test_support.hpp"

using namespace recompose;

namespace {

planner::Territory import(const std::string& name, planner::ImportReport& report, const std::string& cache = "") {
  const auto m = planner::Manifest::load(test::source_file("datasets/" + name + ".json"));
  planner::ImportOptions opt;
  opt.data_root = test::data_root();
  opt.cache_dir = cache.empty() ? test::graph_cache_dir(name == "loire" ? "loire" : "npdc") : cache;
  return planner::import_territory(m, opt, report);
}

// datasets/loire.json on the smaller Saint-Étienne Subway Builder road file (real data,
// 24,593 lines, no direction): for the tests of cache behaviour, which build graphs from
// scratch several times.
std::string loire_on_small_roads(const test::TempDir& dir) {
  auto j = test::read_json(test::source_file("datasets/loire.json"));
  j["roads"] = {{"kind", "lines"},
                {"path", "roads/saint-etienne/roads-STE-saint-etienne-osm.geojson"},
                {"class_field", "roadClass"},
                {"class_map", {{"highway", "road_class_highway"}, {"major", "road_class_major"}, {"minor", "road_class_minor"}}},
                {"profile", test::source_file("datasets/profiles/car.json")},
                {"source", "OSM, fichier Subway Builder STE"}};
  test::absolute_regime_paths(j);
  const std::string path = dir.file("loire-petit-reseau.json");
  test::write_json(path, j);
  return path;
}

planner::Territory import_small(const test::TempDir& manifest_dir, planner::ImportReport& report, const std::string& cache) {
  planner::ImportOptions opt;
  opt.data_root = test::data_root();
  opt.cache_dir = cache;
  return planner::import_territory(planner::Manifest::load(loire_on_small_roads(manifest_dir)), opt, report);
}

}  // namespace

TEST_CASE("Loire: communes, IRIS and populations equal the INSEE inputs", "[import][real]") {
  planner::ImportReport report;
  const auto t = import("loire", report);
  // SOURCES.md: 179 communes, 676,425 inhabitants (42: 530,172; 43: 49,717; 69: 83,509; 07: 13,027).
  CHECK(t.communes.size() == 179);
  double total = 0;
  std::map<std::string, double> by_dep;
  for (const auto& c : t.communes) {
    total += c.population;
    by_dep[c.code.substr(0, 2)] += c.population;
    CHECK(c.code.size() == 5);
    CHECK(c.geometry);
  }
  CHECK(total == 676425);
  CHECK(by_dep["42"] == 530172);
  CHECK(by_dep["43"] == 49717);
  CHECK(by_dep["69"] == 83509);
  CHECK(by_dep["07"] == 13027);
  CHECK(t.find_commune("07041") != nullptr);  // leading zero kept

  // IRIS of the 179 communes in the 2020 contours: 167 H + 158 Z + 3 A = 328.
  CHECK(t.units.size() == 328);
  std::map<std::string, double> unit_sum;
  for (const auto& u : t.units) {
    CHECK(u.code.size() == 9);
    CHECK(u.code.substr(0, 5) == u.commune_code);
    CHECK(u.population >= 0);
    unit_sum[u.commune_code] += u.population;
  }
  for (const auto& c : t.communes) CHECK(unit_sum[c.code] == Approx(c.population).margin(1e-6));

  // Saint-Étienne (42218) is split into IRIS; its shares follow the 2016 IRIS populations:
  // the ratio of two of its IRIS equals the ratio of their P16 sums in the INSEE file.
  std::map<std::string, const planner::Unit*> by_code;
  for (const auto& u : t.units) by_code[u.code] = &u;
  geo::ReadOptions o;
  o.fields = {"IRIS", "P16_POP0014", "P16_POP1529", "P16_POP3044", "P16_POP4559", "P16_POP6074", "P16_POP75P"};
  const auto rp = geo::read_layer(test::data_file("insee-iris/rp2016-population-iris-habitat-42-43-69-07.csv"), o);
  std::vector<std::pair<std::string, double>> ste;
  for (const auto& f : rp.features) {
    if (f.values[0].rfind("42218", 0) != 0) continue;
    double s = 0;
    for (std::size_t k = 1; k < f.values.size(); ++k) s += std::stod(f.values[k]);
    ste.emplace_back(f.values[0], s);
  }
  REQUIRE(ste.size() >= 2);
  REQUIRE(by_code.count(ste[0].first));
  REQUIRE(by_code.count(ste[1].first));
  CHECK(by_code[ste[0].first]->population / by_code[ste[1].first]->population ==
        Approx(ste[0].second / ste[1].second).epsilon(1e-9));

  // A-type IRIS (activity) have no 2016 population: 0 inhabitants, said in the method.
  for (const auto& u : t.units) {
    if (u.type == "A") CHECK(u.population == 0);
  }
}

TEST_CASE("Loire: facilities, roads and snapping are reported", "[import][real]") {
  planner::ImportReport report;
  const auto t = import("loire", report);
  REQUIRE(t.has_roads);
  std::set<std::string> kinds;
  for (const auto& f : t.facilities) kinds.insert(f.kind);
  // regime_site: the fictitious regime example of datasets/examples/ (issue 12).
  CHECK(kinds == std::set<std::string>{"gp_point", "hospital", planner::kRegimeKind});
  // A facility lies in a selected commune, or is kept as "hors territoire" (edge effects: a unit
  // reaches it within the manifest's 60 min), with no commune of the territory.
  std::size_t outside = 0;
  for (const auto& f : t.facilities) {
    if (f.outside_territory) {
      ++outside;
      CHECK(f.commune_code.empty());
      CHECK(f.snap.status == geo::SnapStatus::Snapped);
    } else {
      CHECK(t.find_commune(f.commune_code) != nullptr);
    }
  }
  CHECK(outside == report.facilities_outside_kept);
  // The complete OSM 2021 network holds all 179 communes (SOURCES.md): under 1 % of the
  // population is off the network (was 17.7 % on the Saint-Étienne Subway Builder file).
  CHECK(report.population_off_network < 0.01 * 676425);
  CHECK(report.units_snapped + report.units_off_network == t.units.size());
  std::uint64_t diag_off = 0;
  for (const auto& d : report.diagnostics) diag_off += d.code == "unit-off-network";
  CHECK(diag_off == report.units_off_network);
  // Travel summaries cover every unit: reached + unreachable = total population.
  REQUIRE_FALSE(report.travel.empty());
  for (const auto& s : report.travel) {
    CHECK(s.population == Approx(676425));
    CHECK(s.population_reached + s.population_unreachable == Approx(676425));
    CHECK(s.median_min <= s.p90_min);
    CHECK(s.p90_min <= s.max_min);
  }
  // The urgent-care rule is an assumption shown in the report.
  bool assumption = false;
  for (const auto& a : report.assumptions) assumption |= a.find("Centre Hospitalier") != std::string::npos;
  CHECK(assumption);
}

TEST_CASE("Loire: the graph cache is reused, and rebuilt when refused", "[import][real]") {
  test::TempDir dir("import-cache");
  planner::ImportReport first, second;
  import_small(dir, first, dir.path().string());
  CHECK_FALSE(first.graph_from_cache);
  import_small(dir, second, dir.path().string());
  CHECK(second.graph_from_cache);
  CHECK(second.nodes == first.nodes);
  // A foreign file in place of the cache is refused and the graph rebuilt.
  std::ofstream(dir.file("graph.rcg")) << "garbage";
  planner::ImportReport third;
  import_small(dir, third, dir.path().string());
  CHECK_FALSE(third.graph_from_cache);
  CHECK(third.nodes == first.nodes);
}

namespace {

// datasets/lens-henin.json without its roads: the straight-line model of territories whose
// manifest has no road network.
std::string lens_henin_without_roads(const test::TempDir& dir) {
  auto j = test::read_json(test::source_file("datasets/lens-henin.json"));
  j["roads"] = {{"kind", "none"}, {"reason", "test : manifeste sans réseau routier"}};
  test::absolute_regime_paths(j);
  const std::string path = dir.file("lens-henin-sans-routes.json");
  test::write_json(path, j);
  return path;
}

planner::Territory import_file(const std::string& manifest, planner::ImportReport& report, const std::string& cache = "") {
  planner::ImportOptions opt;
  opt.data_root = test::data_root();
  opt.cache_dir = cache;
  return planner::import_territory(planner::Manifest::load(manifest), opt, report);
}

}  // namespace

TEST_CASE("Lens-Henin: 58 communes of zone d'emploi 3215, without roads: straight-line model", "[import][real]") {
  test::TempDir dir("lens-henin-none");
  planner::ImportReport report;
  const auto t = import_file(lens_henin_without_roads(dir), report);
  // INSEE zonage 2022: 58 communes with ZE2020 = 3215; their 2026 populations sum to 390,015.
  CHECK(t.communes.size() == 58);
  double total = 0, units = 0;
  for (const auto& c : t.communes) total += c.population;
  for (const auto& u : t.units) units += u.population;
  CHECK(total == 390015);
  CHECK(units == Approx(390015));
  CHECK(t.units.size() == 172);
  CHECK_FALSE(t.has_roads);
  CHECK_FALSE(report.has_roads);
  CHECK_THAT(report.to_markdown(), Catch::Contains("Aucun réseau routier"));
  // Historic mining health buildings inside the zone are imported with their flag.
  std::size_t ssm = 0;
  for (const auto& f : t.facilities) {
    if (f.kind == "mining_health_building") {
      ++ssm;
      CHECK(f.flags.at("mining_regime"));
    }
  }
  CHECK(ssm > 0);
  CHECK(ssm <= 21);
  // ORS ICM values are attached to the territory.
  bool icm = false;
  for (const auto& i : t.indicators) icm |= i.level == "territory" && i.value > 100;
  CHECK(icm);
  // Routing says plainly that it needs a road network.
  CHECK_THROWS_WITH(planner::od_points(t, "units", "", ""), Catch::Contains("no road network"));
}

TEST_CASE("A saved territory loads back with the same content", "[import][real]") {
  test::TempDir dir("territory");
  planner::ImportReport report;
  const auto t = import_small(dir, report, dir.path().string());
  planner::save_territory(t, dir.path().string());
  const auto u = planner::load_territory(dir.path().string());
  CHECK(u.units.size() == t.units.size());
  CHECK(u.communes.size() == t.communes.size());
  CHECK(u.facilities.size() == t.facilities.size());
  CHECK(u.indicators.size() == t.indicators.size());
  CHECK(u.graph.node_count() == t.graph.node_count());
  for (std::size_t i = 0; i < t.units.size(); ++i) {
    CHECK(u.units[i].code == t.units[i].code);
    CHECK(u.units[i].population == Approx(t.units[i].population).epsilon(1e-12));
    CHECK(u.units[i].snap.status == t.units[i].snap.status);
  }
  // The contraction hierarchy is saved beside the graph and read back whole.
  REQUIRE(t.ch != nullptr);
  REQUIRE(u.ch != nullptr);
  CHECK(u.ch->node_count() == t.ch->node_count());
  CHECK(u.ch->shortcut_count() == t.ch->shortcut_count());
  CHECK(u.ch->arc_count() == t.ch->arc_count());
  CHECK(report.ch_shortcuts == t.ch->shortcut_count());

  // A corrupted hierarchy is refused with the way out, never used.
  {
    std::fstream f(dir.file("graph.ch"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(dir.file("graph.ch")) / 2));
    f.put('\x5a');
  }
  CHECK_THROWS_WITH(planner::load_territory(dir.path().string()), Catch::Contains("graph.ch") &&
                                                                       Catch::Contains("recompose import"));
  // A re-import into the same directory does not reuse it either: it is rebuilt.
  planner::ImportReport again;
  const auto v = import_small(dir, again, dir.path().string());
  CHECK_FALSE(again.ch_from_cache);
  REQUIRE(v.ch != nullptr);
  CHECK(v.ch->shortcut_count() == t.ch->shortcut_count());
}

TEST_CASE("A territory.json parameter edited by hand is refused on load, naming it", "[import][real][cache]") {
  test::TempDir dir("territory-json");
  planner::ImportReport report;
  const auto t = import_small(dir, report, dir.path().string());
  planner::save_territory(t, dir.path().string());
  const std::string path = dir.file("territory.json");
  const std::string original = test::read_text(path);
  auto edited = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(original);
    nlohmann::json plain = j;
    edit(plain);
    test::write_text(path, plain.dump(2));
  };
  SECTION("a speed of the profile: the graph was built with the old one") {
    edited([](nlohmann::json& j) { j["profile"]["speeds_kmh"]["residential"] = 90; });
    CHECK_THROWS_WITH(planner::load_territory(dir.path().string()),
                      Catch::Contains("territory.json") && Catch::Contains("\"profile\" was edited by hand") &&
                          Catch::Contains("recompose import"));
  }
  SECTION("the graph fingerprint, the roads flag, the assumptions") {
    for (const char* key : {"graph_fingerprint", "has_roads", "assumptions"}) {
      edited([&](nlohmann::json& j) { j[key] = j[key].is_boolean() ? nlohmann::json(false) : nlohmann::json("x"); });
      INFO(key);
      CHECK_THROWS_WITH(planner::load_territory(dir.path().string()), Catch::Contains(std::string("\"") + key + "\""));
    }
  }
  SECTION("a parameter added by hand") {
    edited([](nlohmann::json& j) { j["cutoff_min"] = 90; });
    CHECK_THROWS_WITH(planner::load_territory(dir.path().string()), Catch::Contains("\"cutoff_min\" was added by hand"));
  }
  SECTION("the title may be changed") {
    edited([](nlohmann::json& j) { j["title"] = "Bassin de la Loire (atelier du 3 mars)"; });
    CHECK(planner::load_territory(dir.path().string()).title == "Bassin de la Loire (atelier du 3 mars)");
  }
  SECTION("a territory.json written before checksums existed loads as before") {
    edited([](nlohmann::json& j) { j.erase("checksums"); });
    CHECK_NOTHROW(planner::load_territory(dir.path().string()));
  }
}

TEST_CASE("A corrupted territory GeoPackage is refused on load", "[import][real]") {
  test::TempDir dir("territory-corrupt");
  planner::ImportReport report;
  const auto t = import_file(lens_henin_without_roads(dir), report, dir.path().string());
  planner::save_territory(t, dir.path().string());
  CHECK_NOTHROW(planner::load_territory(dir.path().string()));
  {
    std::fstream f(dir.file("territory.gpkg"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20000);
    f.put('\x5a');
  }
  CHECK_THROWS_WITH(planner::load_territory(dir.path().string()), Catch::Contains("checksum"));
}

TEST_CASE("Nord-Pas-de-Calais basin on real roads: communes, populations, IRIS, hospitals", "[import][real][npdc]") {
  planner::ImportReport report;
  const auto t = import("bassin-minier-npdc", report);
  // bassin-minier-unesco/communes-mbm.geojson: 330 communes (59: 180, 62: 150); their 2026
  // populations in etalab communes-57-59-62.json sum to 1,336,960 (summed with python from the file).
  CHECK(t.communes.size() == 330);
  double total = 0;
  std::map<std::string, int> by_dep;
  for (const auto& c : t.communes) {
    total += c.population;
    ++by_dep[c.dep];
  }
  CHECK(total == 1336960);
  CHECK(by_dep["59"] == 180);
  CHECK(by_dep["62"] == 150);
  // IRIS 2020 whose insee_com is one of the 330 codes: 616 (ogrinfo on the two files).
  CHECK(t.units.size() == 616);
  double units = 0;
  for (const auto& u : t.units) units += u.population;
  CHECK(units == Approx(1336960));
  // Real roads, with direction: one-way arcs exist and under 1 % of the population is off the network.
  REQUIRE(t.has_roads);
  std::size_t oneway_segments = 0;
  for (geo::SegmentId s = 0; s < t.graph.segment_count(); ++s) {
    oneway_segments += (t.graph.segment_time_forward_ds[s] == geo::kUnreachable) !=
                       (t.graph.segment_time_backward_ds[s] == geo::kUnreachable);
  }
  CHECK(oneway_segments > 1000);
  CHECK(t.graph.arc_count() == 2 * t.graph.segment_count() - oneway_segments);
  if (!report.graph_from_cache) CHECK(report.road_stats.pieces_joined > 0);  // stats exist when built
  CHECK(report.population_off_network < 0.01 * 1336960);
  // FINESS hospital sites inside the france-geojson polygons of the 330 communes: 73 (ogrinfo,
  // SQLite dialect, ST_Within): every one is kept, in the territory, and snapped.
  std::size_t inside = 0, outside = 0;
  for (const auto& f : t.facilities) {
    if (f.kind != "hospital") continue;
    CHECK(f.snap.status == geo::SnapStatus::Snapped);
    (f.outside_territory ? outside : inside) += 1;
  }
  CHECK(inside == 73);
  // Edge effects: hospitals of Lille, Arras... are reachable within 60 min and kept.
  CHECK(outside > 0);
  // The 21 historic "Équipement SSM" buildings all lie in the perimeter.
  std::size_t ssm = 0;
  for (const auto& f : t.facilities) ssm += f.kind == "mining_health_building";
  CHECK(ssm == 21);
  // The report names the road source and its date.
  const std::string md = report.to_markdown();
  CHECK_THAT(md, Catch::Contains("OpenStreetMap") && Catch::Contains("2021-08"));
}
