// The FINESS extract reader (planner/offer/finess.hpp), FINESS facility sources in a
// manifest, and explicit urgent-care lists (planner/offer/urgent_care.hpp).
//
// tests/planner/data/finess-fixture.csv is a hand-written file in the published
// layout (fictitious numbers, see tests/planner/data/README.md). Expected values were
// obtained outside the code under test: Lambert-93 coordinates are the file's own;
// communes were checked with ogrinfo (ST_Intersects on the real commune polygons);
// overseas lon/lat come from `gdaltransform -s_srs EPSG:xxxx -t_srs EPSG:4326`.
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "geo/error.hpp"
#include "planner/offer/finess.hpp"
#include "planner/offer/urgent_care.hpp"
#include "planner/territory_import.hpp"
#include "test_support.hpp"
#include "tiny_territory.hpp"

using namespace recompose;
namespace offer = recompose::planner::offer;
using nlohmann::json;

namespace {

std::string fixture() { return test::source_file("tests/planner/data/finess-fixture.csv"); }
std::string urgent_list() { return test::source_file("tests/planner/data/urgent-care-list.csv"); }

const offer::FinessEstablishment& get(const offer::FinessExtract& x, const std::string& number) {
  const auto* e = x.find(number);
  INFO("FINESS " << number);
  REQUIRE(e != nullptr);
  return *e;
}

std::set<std::string> numbers(const offer::FinessExtract& x) {
  std::set<std::string> out;
  for (const auto& e : x.establishments) out.insert(e.number());
  return out;
}

// Diagnostics with this code whose where + message contain every needle.
std::size_t count_diags(const geo::Diagnostics& ds, const std::string& code, const std::vector<std::string>& needles = {}) {
  return static_cast<std::size_t>(std::count_if(ds.begin(), ds.end(), [&](const geo::Diagnostic& d) {
    if (d.code != code) return false;
    const std::string text = d.where + " | " + d.message;
    return std::all_of(needles.begin(), needles.end(), [&](const std::string& n) { return text.find(n) != std::string::npos; });
  }));
}

const planner::Facility* facility(const planner::Territory& t, const std::string& id) {
  for (const auto& f : t.facilities) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

// datasets/lens-henin.json (58 communes of zone d'emploi 3215) without its indicators
// and its road network, to keep each import short (these tests are about facilities).
json lens_manifest() {
  json m = test::read_json(test::source_file("datasets/lens-henin.json"));
  m["indicators"] = json::array();
  m["roads"] = {{"kind", "none"}, {"reason", "test : réseau routier non lu"}};
  m.erase("regime");  // the regime example is not what these tests are about
  return m;
}

planner::Territory import(const json& manifest, planner::ImportReport& report,
                          const std::optional<planner::UrgentCareListSpec>& list = std::nullopt) {
  const auto m = planner::Manifest::parse(manifest.dump(), test::source_file("datasets/test-manifest.json"));
  planner::ImportOptions opt;
  opt.data_root = test::data_root();
  opt.urgent_care_list = list;
  return planner::import_territory(m, opt, report);
}

}  // namespace

TEST_CASE("FINESS extract: header, line counts and selection by category and legal entity", "[finess]") {
  const auto all = offer::read_finess(fixture());
  CHECK(all.version == "99");
  CHECK(all.date == "2024-05-13");
  CHECK(all.lines == 27);
  CHECK(all.structure_lines == 14);
  CHECK(all.geolocation_lines == 12);
  CHECK_FALSE(all.recoded);
  CHECK(all.establishments.size() == 13);  // the 20-field line is left out
  CHECK_FALSE(numbers(all).count("620990102"));

  const auto care = offer::read_finess(fixture(), {{"124", "620", "355"}, {}});
  CHECK(care.establishments.size() == 12);  // all but the EHPAD (500)
  CHECK_FALSE(numbers(care).count("620990060"));

  const auto filieris = offer::read_finess(fixture(), {{}, {offer::kFilierisLegalEntity}});
  CHECK(numbers(filieris) ==
        std::set<std::string>{"620990011", "620990029", "620990052", "620990086", "620990094"});
  const auto filieris_centres = offer::read_finess(fixture(), {{"124"}, {"750050759"}});
  CHECK(numbers(filieris_centres) == std::set<std::string>{"620990011", "620990052", "620990086", "620990094"});
  const auto pharmacies = offer::read_finess(fixture(), {{"620"}, {}});
  CHECK(numbers(pharmacies) == std::set<std::string>{"620990029", "620990037", "2A0990016", "620990136"});
}

TEST_CASE("FINESS extract: Lambert-93 sites keep the published coordinates, overseas sites their own CRS",
          "[finess]") {
  const auto x = offer::read_finess(fixture());
  const auto& lens = get(x, "620990011");
  CHECK(lens.located);
  CHECK(lens.metropolitan);
  CHECK(lens.crs == "EPSG:2154");
  CHECK(lens.point.x_m == 688024.9);
  CHECK(lens.point.y_m == 7037199.5);
  CHECK(lens.lon == Approx(2.83169943406442).margin(1e-8));  // gdaltransform
  CHECK(lens.lat == Approx(50.4321998738579).margin(1e-8));
  CHECK(lens.commune_code == "62498");
  CHECK(lens.display_name() == "CENTRE DE SANTÉ FILIERIS DE LENS");
  CHECK(lens.value("rs") == "CDS FILIERIS LENS");
  CHECK(lens.category() == "124");
  CHECK(lens.category_label() == "Centre de Santé");
  CHECK(lens.legal_entity() == "750050759");
  CHECK(lens.line == 2);
  CHECK(lens.geo_line == 16);

  // No rslongue: the name is rs.
  CHECK(get(x, "620990037").display_name() == "PHARMACIE DE LA GARE");

  // Older geolocation form, split on ';' with the token LAMBERT_93.
  const auto& lille = get(x, "590990018");
  CHECK(lille.located);
  CHECK(lille.crs == "EPSG:2154");
  CHECK(lille.crs_text.find("LAMBERT_93") != std::string::npos);
  CHECK(lille.point.x_m == 704061.1);
  CHECK(lille.point.y_m == 7059136.6);
  CHECK(lille.commune_code == "59350");

  // La Réunion, EPSG:2975: lon/lat from `gdaltransform -s_srs EPSG:2975 -t_srs EPSG:4326`.
  const auto& reunion = get(x, "970990011");
  CHECK(reunion.located);
  CHECK_FALSE(reunion.metropolitan);
  CHECK(reunion.crs == "EPSG:2975");
  CHECK(reunion.x == 323086.6);
  CHECK(reunion.y == 7679599.8);
  CHECK(reunion.lon == Approx(55.2982070261531).margin(1e-7));
  CHECK(reunion.lat == Approx(-20.975710859316).margin(1e-7));
  CHECK(reunion.commune_code == "97415");

  // Guadeloupe, EPSG:5490.
  const auto& guadeloupe = get(x, "970990037");
  CHECK(guadeloupe.crs == "EPSG:5490");
  CHECK_FALSE(guadeloupe.metropolitan);
  CHECK(guadeloupe.lon == Approx(-61.5287370606566).margin(1e-7));
  CHECK(guadeloupe.lat == Approx(16.2340043283129).margin(1e-7));
  CHECK(guadeloupe.commune_code == "97101");

  // A metropolitan site published in WGS84: to Lambert-93 through PROJ; expected values from
  // `gdaltransform -s_srs EPSG:4326 -t_srs EPSG:2154` of 2.8317 50.4322.
  const auto& beffroi = get(x, "620990136");
  CHECK(beffroi.crs == "EPSG:4326");
  CHECK(beffroi.metropolitan);
  CHECK(beffroi.point.x_m == Approx(688024.940297936).margin(1e-3));
  CHECK(beffroi.point.y_m == Approx(7037199.51396603).margin(1e-3));

  const auto& ajaccio = get(x, "2A0990016");
  CHECK(ajaccio.commune_code == "2A004");
  CHECK(ajaccio.metropolitan);
}

TEST_CASE("FINESS extract: each problem line is a diagnostic naming the FINESS number or the line", "[finess]") {
  const auto x = offer::read_finess(fixture());
  const std::string file = "file " + fixture() + ", line ";
  CHECK(count_diags(x.diagnostics, "finess-without-geolocation", {file + "5", "FINESS 620990052"}) == 1);
  CHECK(count_diags(x.diagnostics, "finess-bad-coordinates", {file + "24", "FINESS 620990086", "abc"}) == 1);
  CHECK(count_diags(x.diagnostics, "finess-unknown-crs", {file + "25", "FINESS 620990094", "SYSTEME INCONNU"}) == 1);
  CHECK(count_diags(x.diagnostics, "finess-field-count", {file + "13", "20 fields", "32 expected"}) == 1);
  CHECK(x.diagnostics.size() == 4);
  for (const char* n : {"620990052", "620990086", "620990094"}) CHECK_FALSE(get(x, n).located);
}

TEST_CASE("FINESS commune codes: metropolitan, Corsica, overseas (9A-9F, 97x) and lost zeros", "[finess]") {
  CHECK(offer::finess_commune_code("62", "498") == "62498");
  CHECK(offer::finess_commune_code("59", "350") == "59350");
  CHECK(offer::finess_commune_code("2A", "004") == "2A004");
  CHECK(offer::finess_commune_code("2B", "033") == "2B033");
  CHECK(offer::finess_commune_code("9A", "101") == "97101");  // Les Abymes
  CHECK(offer::finess_commune_code("9D", "411") == "97411");  // Saint-Denis (La Réunion)
  CHECK(offer::finess_commune_code("9F", "611") == "97611");  // Mamoudzou
  CHECK(offer::finess_commune_code("974", "411") == "97411");
  CHECK(offer::finess_commune_code("1", "4") == "01004");  // a copy re-saved by a spreadsheet
  std::string why;
  CHECK(offer::finess_commune_code("9D", "101", &why).empty());
  CHECK(why.find("9D") != std::string::npos);
  CHECK(offer::finess_commune_code("20", "004").empty());
  CHECK(offer::finess_commune_code("62", "ABC").empty());
  CHECK(offer::finess_crs_from_text("2,ATLASANTE,100,BDADRESSE,EPSG:4471 RGM04/UTM zone 38S (Mayotte)") == "EPSG:4471");
  CHECK(offer::finess_crs_from_text("1,ATLASANTE,96,BAN,WGS84/UTM zone 21N") == "");
}

TEST_CASE("A file that is not a FINESS extract is refused naming the file", "[finess][robustness]") {
  const std::string hospitals = test::data_file("eurostat-healthcare/hospitals-finess-2020-57-59-62.csv");
  CHECK_THROWS_WITH(offer::read_finess(hospitals),
                    Catch::Contains(hospitals) && Catch::Contains("not a FINESS extract") && Catch::Contains("line 1"));
  test::TempDir tmp("finess");
  test::write_text(tmp.file("empty.csv"), "");
  CHECK_THROWS_WITH(offer::read_finess(tmp.file("empty.csv")),
                    Catch::Contains(tmp.file("empty.csv")) && Catch::Contains("empty file"));
  CHECK_THROWS_WITH(offer::read_finess(tmp.file("missing.csv")),
                    Catch::Contains(tmp.file("missing.csv")) && Catch::Contains("not found"));
}

TEST_CASE("A Windows-1252 FINESS extract gives the same UTF-8 names and says it was converted", "[finess]") {
  // The fixture's only non-ASCII characters, as Windows-1252 bytes.
  std::string text = test::read_text(fixture());
  const std::vector<std::pair<std::string, std::string>> cp1252 = {
      {"\xC3\x89", "\xC9"}, {"\xC3\xA9", "\xE9"}, {"\xC3\xA0", "\xE0"}, {"\xC3\xA2", "\xE2"}};
  for (const auto& [utf8, byte] : cp1252) {
    for (auto pos = text.find(utf8); pos != std::string::npos; pos = text.find(utf8, pos + 1)) text.replace(pos, 2, byte);
  }
  test::TempDir tmp("finess-cp1252");
  test::write_text(tmp.file("etalab-cs1100507-stock-cp1252.csv"), text);
  const auto x = offer::read_finess(tmp.file("etalab-cs1100507-stock-cp1252.csv"));
  CHECK(x.recoded);
  CHECK(count_diags(x.diagnostics, "encoding-converted", {"Windows-1252"}) == 1);
  CHECK(get(x, "620990011").display_name() == "CENTRE DE SANTÉ FILIERIS DE LENS");
  CHECK(get(x, "620990011").category_label() == "Centre de Santé");
  CHECK(get(x, "970990011").crs == "EPSG:2975");
  CHECK(x.establishments.size() == 13);
}

TEST_CASE("FINESS sources in a manifest give Filieris centres and pharmacies of the Lens zone with their numbers",
          "[finess][import][real]") {
  json m = lens_manifest();
  const json centres = {{"format", "finess"},
                        {"path", fixture()},
                        {"categories", {"124"}},
                        {"legal_entity", "750050759"},
                        {"kind", "health_centre"},
                        {"id_prefix", "FINESS-"},
                        {"source", "FINESS (fixture de test)"},
                        {"flags", {{"mining_regime", {{"field", "nofinessej"}, {"in", {"750050759"}}}}}}};
  const json pharmacies = {{"format", "finess"}, {"path", fixture()},        {"categories", {"620"}},
                           {"kind", "pharmacy"}, {"id_prefix", "FINESS-"},   {"name", "rs"},
                           {"source", "FINESS (fixture de test)"},
                           {"flags", {{"mining_regime", {{"field", "nofinessej"}, {"in", {"750050759"}}}}}}};
  const json hospitals = {{"format", "finess"}, {"path", fixture()}, {"categories", {"355", "101"}},
                          {"kind", "hospital"},  {"id_prefix", "FINESS-"}, {"source", "FINESS (fixture de test)"}};
  m["facilities"] = json::array({centres, pharmacies, hospitals});
  planner::ImportReport report;
  const auto t = import(m, report);

  std::set<std::string> ids;
  for (const auto& f : t.facilities) ids.insert(f.id);
  CHECK(ids == std::set<std::string>{"FINESS-620990011", "FINESS-620990029", "FINESS-620990037", "FINESS-620990136"});

  const auto* lens = facility(t, "FINESS-620990011");
  REQUIRE(lens);
  CHECK(lens->kind == "health_centre");
  CHECK(lens->name == "CENTRE DE SANTÉ FILIERIS DE LENS");
  CHECK(lens->category == "Centre de Santé");
  CHECK(lens->commune_code == "62498");
  CHECK(lens->point.x_m == 688024.9);
  CHECK(lens->point.y_m == 7037199.5);
  CHECK(lens->flags.at("mining_regime"));
  const auto* henin = facility(t, "FINESS-620990029");
  REQUIRE(henin);
  CHECK(henin->kind == "pharmacy");
  CHECK(henin->name == "PHARMACIE FILIERIS HENIN");  // "name": "rs"
  CHECK(henin->commune_code == "62427");
  CHECK(henin->flags.at("mining_regime"));
  const auto* lievin = facility(t, "FINESS-620990037");
  REQUIRE(lievin);
  CHECK(lievin->commune_code == "62510");
  CHECK_FALSE(lievin->flags.at("mining_regime"));

  const auto& d = report.diagnostics;
  CHECK(count_diags(d, "facility-outside-territory", {"FINESS-590990018"}) == 1);  // Lille
  CHECK(count_diags(d, "facility-outside-territory", {"FINESS-2A0990016"}) == 1);  // Ajaccio
  CHECK(count_diags(d, "finess-overseas", {"FINESS-970990011", "EPSG:2975", "55.29821, -20.97571"}) == 1);
  CHECK(count_diags(d, "finess-overseas", {"FINESS-970990037", "EPSG:5490"}) == 1);
  CHECK(count_diags(d, "finess-without-geolocation", {"620990052"}) >= 1);
  CHECK(count_diags(d, "facility-outside-territory", {"FINESS-620990110"}) == 0);  // not selected (not Filieris)

  const auto* row = [&]() -> const planner::LayerCount* {
    for (const auto& l : report.layers) {
      if (l.role == "établissements: health_centre") return &l;
    }
    return nullptr;
  }();
  REQUIRE(row);
  CHECK(row->read == 14);
  CHECK(row->kept == 1);
  CHECK(row->note.find("entité juridique 750050759") != std::string::npos);
  bool dated = false;
  for (const auto& s : t.sources) dated |= s.citation.find("extraction FINESS du 2024-05-13") != std::string::npos;
  CHECK(dated);
}

TEST_CASE("A manifest key of a FINESS source that does not apply is refused naming it", "[finess][robustness]") {
  json m = lens_manifest();
  m["facilities"] = json::array({{{"format", "finess"}, {"path", fixture()}, {"kind", "pharmacy"}, {"x", "lon"}}});
  CHECK_THROWS_WITH(planner::Manifest::parse(m.dump(), "m.json"), Catch::Contains("$.facilities[0].x"));
  m["facilities"] = json::array({{{"format", "fines"}, {"path", fixture()}, {"kind", "pharmacy"}}});
  CHECK_THROWS_WITH(planner::Manifest::parse(m.dump(), "m.json"), Catch::Contains("$.facilities[0].format"));
  m["facilities"] = json::array();
  m["urgent_care_list"] = {{"path", "x.csv"}};
  CHECK_THROWS_WITH(planner::Manifest::parse(m.dump(), "m.json"), Catch::Contains("$.urgent_care_list.source"));
}

TEST_CASE("An urgent-care list flags exactly the listed facilities, adds listed points and reports the rest",
          "[urgent_care]") {
  auto t = test::tiny_territory({{5, 100}}, {{"FINESS-620000001", "hospital", 2, -1, {{"urgent_care", false}}},
                                             {"FINESS-620000009", "hospital", 8, -1, {{"urgent_care", true}}},
                                             {"BPE-62001", "gp_point", 10}});
  test::TempDir tmp("urgent");
  // x/y in Lambert-93 (the tiny commune covers x in [-1000, 21000], y in [-6000, 6000]).
  test::write_text(tmp.file("su.csv"),
                   "finess,x,y,nom\n"
                   "620000001,,,CH listé\n"
                   "620000002,5000,0,SMUR ajouté\n"
                   ",50000,0,Hors territoire\n"
                   "620000003,,,\n"
                   "620000001,,,Doublon\n"
                   ",,,\n");
  planner::UrgentCareListSpec spec;
  spec.layer.path = tmp.file("su.csv");
  spec.layer.crs = "EPSG:2154";
  spec.layer.source = "liste de test";
  spec.lon_field = "x";
  spec.lat_field = "y";
  const auto list = offer::read_urgent_care_list(spec, spec.layer.path);
  CHECK(list.read == 6);
  geo::Diagnostics d;
  const offer::CommuneLocator locate = [&](geo::PointM p) -> const planner::Commune* {
    return t.communes[0].geometry.contains(p.x_m, p.y_m) ? &t.communes[0] : nullptr;
  };
  const auto o = offer::apply_urgent_care_list(list, spec, {"FINESS-", "BPE-"}, locate, t, d);
  CHECK(o.matched == 1);
  CHECK(o.added == 1);
  CHECK(o.not_found == 1);
  CHECK(o.outside == 1);
  CHECK(o.sites == 2);
  std::set<std::string> flagged;
  for (const auto& f : t.facilities) {
    if (f.flags.at("urgent_care")) flagged.insert(f.id);
  }
  CHECK(flagged == std::set<std::string>{"FINESS-620000001", "SU-620000002"});
  const auto* added = facility(t, "SU-620000002");
  REQUIRE(added);
  CHECK(added->kind == "urgent_care_site");
  CHECK(added->name == "SMUR ajouté");
  CHECK(added->point.x_m == Approx(5000));
  CHECK(added->commune_code == "62001");
  CHECK(count_diags(d, "urgent-care-not-found", {"620000003", "feature 4"}) == 1);
  CHECK(count_diags(d, "urgent-care-duplicate", {"620000001", "feature 5"}) == 1);
  CHECK(count_diags(d, "urgent-care-site-outside-territory", {"feature 3"}) == 1);
  CHECK(count_diags(d, "urgent-care-empty-row", {"feature 6"}) == 1);
  const std::string sentence = offer::urgent_care_list_assumption(spec, o);
  CHECK_THAT(sentence, Catch::StartsWith("Sites d'urgences : liste fournie") && Catch::Contains("source : liste de test") &&
                           Catch::Contains("2 sites"));

  // A list with neither the FINESS column nor the coordinate columns is refused naming the file.
  test::write_text(tmp.file("bad.csv"), "numero,nom\n620000001,CH\n");
  spec.layer.path = tmp.file("bad.csv");
  CHECK_THROWS_WITH(offer::read_urgent_care_list(spec, spec.layer.path),
                    Catch::Contains(tmp.file("bad.csv")) && Catch::Contains("finess") && Catch::Contains("numero"));
}

TEST_CASE("Lens-Hénin with an urgent-care list: exactly the two listed hospitals, one unknown number reported",
          "[urgent_care][import][real]") {
  json m = lens_manifest();
  m["urgent_care_list"] = {{"path", urgent_list()}, {"finess_field", "finess"}, {"source", "liste de test (fixture)"}};
  planner::ImportReport report;
  const auto t = import(m, report);
  std::set<std::string> flagged;
  for (const auto& f : t.facilities) {
    if (f.flags.count("urgent_care") && f.flags.at("urgent_care")) flagged.insert(f.id);
  }
  // 620000257 CENTRE HOSPITALIER DE LENS, 620003376 POLYCLINIQUE MED CHIR D'HENIN-BEAUMONT (Eurostat file).
  CHECK(flagged == std::set<std::string>{"FINESS-620000257", "FINESS-620003376"});
  CHECK(count_diags(report.diagnostics, "urgent-care-not-found", {"629999999", "urgent-care-list.csv"}) == 1);
  CHECK(count_diags(report.diagnostics, "urgent-care-not-found") == 1);
  // The rule's assumption is replaced by the list and its source.
  bool rule = false, listed = false;
  for (const auto& a : t.assumptions) {
    rule |= a.find("par hypothèse") != std::string::npos && a.find("Centre Hospitalier") != std::string::npos;
    listed |= a.starts_with("Sites d'urgences : liste fournie") && a.find("liste de test (fixture)") != std::string::npos &&
              a.find("2 sites") != std::string::npos;
  }
  CHECK_FALSE(rule);
  CHECK(listed);
  CHECK(report.assumptions == t.assumptions);
  bool source = false;
  for (const auto& s : t.sources) source |= s.role == "sites d'urgences (liste fournie)";
  CHECK(source);
}

TEST_CASE("recompose import --urgent-care FILE: the list replaces the rule in territory.json, import and evaluation reports",
          "[urgent_care][cli][real]") {
  test::TempDir tmp("urgent-cli");
  json m = lens_manifest();
  m["roads"] = {{"kind", "none"}, {"reason", "Pas de réseau routier pour ce test."}};
  test::write_json(tmp.file("manifest.json"), m);
  test::write_text(tmp.file("su.csv"), test::read_text(urgent_list()));
  const auto r = test::run_cli("import manifest.json --out out --data-root " + test::shell_quote(test::data_root()) +
                                   " --quiet --urgent-care su.csv --urgent-care-source 'ARS test, liste du 01/01/2026'",
                               tmp.str());
  INFO(r.output);
  REQUIRE(r.code == 0);
  const std::string sentence = "Sites d'urgences : liste fournie (`su.csv`, source : ARS test, liste du 01/01/2026), 2 sites";
  const json territory = test::read_json(tmp.file("out/territory.json"));
  bool in_territory = false;
  for (const auto& a : territory["assumptions"]) in_territory |= a.get<std::string>().starts_with(sentence);
  CHECK(in_territory);
  CHECK_THAT(test::read_text(tmp.file("out/import_report.md")), Catch::Contains(sentence));
  const auto e = test::run_cli("evaluate out --out eval", tmp.str());
  INFO(e.output);
  REQUIRE(e.code == 0);
  const std::string rapport = test::read_text(tmp.file("eval/rapport.md"));
  CHECK_THAT(rapport, Catch::Contains(sentence));
  CHECK_THAT(rapport, !Catch::Contains("par hypothèse les sites FINESS"));

  // The source alone is a usage error.
  const auto u = test::run_cli("import manifest.json --out out2 --quiet --urgent-care-source X", tmp.str());
  CHECK(u.code == 2);
}
