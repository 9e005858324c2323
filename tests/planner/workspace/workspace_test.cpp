// The PostGIS workspace (planner/workspace/): territories, versioned scenarios and
// published evaluations in a real PostgreSQL + PostGIS server (tests/postgres/cluster.sh).
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <latch>
#include <thread>

#include "geo/postgres.hpp"
#include "planner/access_engine.hpp"
#include "planner/evaluation.hpp"
#include "planner/evaluation_report.hpp"
#include "planner/scenario.hpp"
#include "planner/tiny_territory.hpp"
#include "planner/workspace/evaluation_publish.hpp"
#include "planner/workspace/pg_territory.hpp"
#include "planner/workspace/publish_hook.hpp"
#include "planner/workspace/scenario_store.hpp"
#include "test_support.hpp"
#include "viewer/viewer_support.hpp"
#include "planner/workspace/pg_support.hpp"

using namespace recompose;
namespace ws = recompose::planner::workspace;

namespace {

// The tiny territory's profile as a profile file would give it (saved territories
// keep the profile's text).
planner::Territory saveable(planner::Territory t) {
  const auto p = geo::RoadProfile::parse(
      R"({"format": "recompose-profile/1", "name": "test", "speeds_kmh": {"road": 60},
          "snap_max_distance_m": 1000, "access_speed_kmh": 15})", "test");
  REQUIRE(p.class_speed_kmh == t.profile.class_speed_kmh);
  t.profile.source_text = p.source_text;
  return t;
}

// Road 0..20 km at 60 km/h (1 km = 600 ds); hospitals at both ends.
planner::Territory two_hospitals() {
  return saveable(test::tiny_territory({{1, 100}, {9, 300}, {18, 500}},
                                       {{"H1", "hospital", 0, 10}, {"H2", "hospital", 20, 10}}));
}

const char* kCloseH2 =
    R"({"format": "recompose-scenario/1", "name": "Fermeture H2", "edits": [{"op": "close", "facility": "H2"}]})";
const char* kCloseH1 =
    R"({"format": "recompose-scenario/1", "name": "Fermeture H1", "edits": [{"op": "close", "facility": "H1"}]})";

std::vector<geo::Deciseconds> hospital_times(const planner::Territory& t, const planner::Scenario& s) {
  planner::AccessEngine engine(t, 60);
  const auto e = planner::evaluate(engine, s, planner::EvalParams{});
  const int k = e.target_index("hospital");
  REQUIRE(k >= 0);
  return e.nearest_time[static_cast<std::size_t>(k)];
}

// Cuts the connection of backend `pid` and waits until the server has ended it.
void cut(const test::TestDatabase& db, int pid) {
  auto admin = db.connect();
  admin.exec("SELECT pg_terminate_backend($1)", {pid});
  for (int i = 0; i < 200; ++i) {
    if (admin.exec("SELECT 1 FROM pg_stat_activity WHERE pid = $1", {pid}).rows() == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("backend " << pid << " still alive 10 s after pg_terminate_backend");
}

// Resets the publication hook at scope exit.
struct HookGuard {
  explicit HookGuard(ws::PublishHook h) { ws::set_publish_hook(std::move(h)); }
  ~HookGuard() { ws::set_publish_hook({}); }
};

std::vector<std::string> staging_schemas(geo::pg::Connection& c) {
  const auto r = c.exec("SELECT nspname FROM pg_namespace WHERE nspname LIKE '%\\_staging\\_%' ORDER BY 1");
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
  return out;
}

}  // namespace

TEST_CASE("PostGIS locators: schema taken out, passwords never shown", "[workspace]") {
  const auto loc = geo::pg::parse_locator("PG:dbname=atelier host=sig.ars password='mot de passe' schema=npdc");
  CHECK(loc.schema == "npdc");
  CHECK(loc.conninfo == "dbname=atelier host=sig.ars password='mot de passe'");
  CHECK(loc.display().find("mot de passe") == std::string::npos);
  CHECK(loc.display().find("password=***") != std::string::npos);
  CHECK(geo::pg::redacted("PG:postgresql://marie:secret@sig/atelier") == "PG:postgresql://marie:***@sig/atelier");
  // A URI carries the schema as a query parameter, taken out before libpq reads it.
  const auto uri = geo::pg::parse_locator("PG:postgresql://marie@sig.ars/atelier?sslmode=require&schema=npdc&connect_timeout=5");
  CHECK(uri.schema == "npdc");
  for (const char* kv : {"user='marie'", "host='sig.ars'", "dbname='atelier'", "sslmode='require'", "connect_timeout='5'"}) {
    CHECK_THAT(uri.conninfo, Catch::Contains(kv));
  }
  CHECK_THAT(uri.conninfo, !Catch::Contains("schema"));
  CHECK(uri.gdal_source().rfind("PG:", 0) == 0);
  const auto uri_only_schema = geo::pg::parse_locator("PG:postgres://sig.ars/atelier?schema=loire");
  CHECK(uri_only_schema.schema == "loire");
  CHECK(uri_only_schema.conninfo == "dbname='atelier' host='sig.ars'");
  // Passwords in a URI stay hidden once written as keywords.
  CHECK(geo::pg::parse_locator("PG:postgresql://marie:s3cret@sig/atelier?schema=npdc").display().find("s3cret") ==
        std::string::npos);
  CHECK(geo::pg::parse_locator("PG:postgresql://sig.ars/atelier").schema.empty());
  CHECK_THROWS_WITH(geo::pg::parse_locator("PG:postgresql://sig/atelier?schema=Bassin-Nord"), Catch::Contains("bassin_nord"));
  CHECK(geo::pg::redacted("could not connect: password = hunter2 rejected") == "could not connect: password = *** rejected");
  CHECK(geo::pg::is_locator("pg:dbname=x"));
  CHECK_FALSE(geo::pg::is_locator("/tmp/pg"));
  CHECK_THROWS_WITH(geo::pg::parse_locator("PG:dbname=x schema=Bassin-Nord"), Catch::Contains("bassin_nord"));
  CHECK_THROWS_WITH(geo::pg::parse_locator("PG:dbname=x nonsense=1 password=zz"),
                    Catch::Contains("nonsense") && !Catch::Contains("zz"));
  CHECK(geo::pg::slug("Fermeture Lens-Liévin (variante 2)") == "fermeture_lens_lievin_variante_2");
  CHECK(ws::evaluation_schema("npdc", "Situation actuelle") == "npdc_eval_situation_actuelle");
}

TEST_CASE("A territory saved in PostGIS loads back whole and routes as by hand", "[workspace][postgis]") {
  auto db = test::TestDatabase::create("load");
  if (!db) return;
  const planner::Territory t = two_hospitals();
  const std::string schema = ws::save_territory_pg(t, db->locator());
  CHECK(schema == "tiny");  // the territory's name

  const planner::Territory back = planner::load_territory(db->locator());
  CHECK(back.name == "tiny");
  REQUIRE(back.units.size() == 3);
  CHECK(back.units[0].code == t.units[0].code);
  CHECK(back.units[2].population == 500);
  REQUIRE(back.facilities.size() == 2);
  CHECK(back.facilities[1].id == "H2");
  CHECK(back.facilities[1].point.x_m == 20000);
  CHECK(back.graph.node_count() == t.graph.node_count());
  CHECK(back.units[1].geometry.area() == Approx(1e6));  // 1 km squares
  // By hand: u at 1, 9, 18 km; H1 at 0, H2 at 20 km; 1 km = 600 ds.
  CHECK(hospital_times(back, planner::Scenario::baseline()) == std::vector<geo::Deciseconds>{600, 5400, 1200});
  CHECK(hospital_times(back, planner::Scenario::parse(kCloseH2, "t")) == std::vector<geo::Deciseconds>{600, 5400, 10800});

  // The layers are PostGIS tables in Lambert-93, as QGIS lists them.
  auto c = db->connect();
  CHECK(c.exec("SELECT Find_SRID('tiny', 'unites', 'geom')").text(0, 0) == "2154");
  CHECK(c.exec("SELECT count(*) FROM tiny.unites WHERE ST_IsValid(geom)").text(0, 0) == "3");
  CHECK(c.exec("SELECT sum(population) FROM tiny.unites").text(0, 0) == "900");

  // The same through the schema's name, and the errors that name what exists.
  CHECK(planner::load_territory(db->locator("tiny")).units.size() == 3);
  CHECK_THROWS_WITH(planner::load_territory(db->locator("autre")),
                    Catch::Contains("no Recompose territory in schema autre") && Catch::Contains("tiny"));
  ws::save_territory_pg(t, db->locator("tiny_bis"));
  CHECK_THROWS_WITH(planner::load_territory(db->locator()), Catch::Contains("several territories") &&
                                                                Catch::Contains("tiny, tiny_bis"));
}

TEST_CASE("Scenarios in PostGIS keep every version and never overwrite a colleague's newer one",
          "[workspace][postgis]") {
  auto db = test::TestDatabase::create("scen");
  if (!db) return;
  ws::save_territory_pg(two_hospitals(), db->locator());
  ws::ScenarioStore marie(db->locator()), paul(db->locator());

  const auto v1 = marie.save({"fermeture", kCloseH2, "marie", 0, false});
  CHECK(v1.version == 1);
  CHECK(v1.author == "marie");
  // Paul opens version 1; Marie saves on top of it first.
  const auto opened = paul.get("fermeture");
  CHECK(opened.version == 1);
  const auto v2 = marie.save({"fermeture", kCloseH1, "marie", 1, false});
  CHECK(v2.version == 2);
  CHECK(v2.created_at == v1.created_at);
  // Paul saves on top of version 1: refused, told who saved what, nothing written.
  try {
    paul.save({"fermeture", kCloseH2, "paul", opened.version, false});
    FAIL("Paul's save over a newer version was accepted");
  } catch (const ws::ConflictError& e) {
    CHECK_THAT(e.what(), Catch::Contains("version 2 saved by marie") && Catch::Contains("Nothing was saved"));
    CHECK(e.latest().version == 2);
  }
  CHECK(marie.history("fermeture").size() == 2);
  CHECK(marie.get("fermeture").json == kCloseH1);  // Marie's version is the latest, untouched
  // Paul saves his as a new version: version 3, based on the one he opened.
  const auto v3 = paul.save({"fermeture", kCloseH2, "paul", opened.version, true});
  CHECK(v3.version == 3);
  CHECK(v3.based_on == 1);
  const auto h = marie.history("fermeture");
  REQUIRE(h.size() == 3);
  CHECK(h[0].author == "marie");
  CHECK(h[1].json == kCloseH1);
  CHECK(h[2].author == "paul");
  // A new scenario under a taken name is refused too; another name is a new scenario.
  CHECK_THROWS_AS(paul.save({"fermeture", kCloseH1, "paul", 0, false}), ws::ConflictError);
  CHECK(paul.save({"fermeture H1", kCloseH1, "paul", 0, false}).version == 1);
  CHECK(marie.list().size() == 2);
  // Each stored version evaluates as its own text says.
  const auto t = planner::load_territory(db->locator());
  CHECK(hospital_times(t, ws::load_scenario_ref(db->locator(), "db:fermeture@2")) ==
        std::vector<geo::Deciseconds>{11400, 6600, 1200});
  CHECK(hospital_times(t, ws::load_scenario_ref(db->locator(), "db:fermeture")) ==
        std::vector<geo::Deciseconds>{600, 5400, 10800});
  CHECK_THROWS_WITH(ws::load_scenario_ref(db->locator(), "db:fermeture@9"), Catch::Contains("no version 9"));
  CHECK_THROWS_WITH(ws::load_scenario_ref(db->locator(), "db:autre"), Catch::Contains("fermeture, fermeture H1"));
  // A scenario that is not valid is refused before anything is written.
  CHECK_THROWS(marie.save({"cassé", R"({"format": "recompose-scenario/1", "edits": [{"op": "fly"}]})", "marie", 0, false}));
  CHECK(marie.list().size() == 2);
}

TEST_CASE("Two planners saving the same version at the same moment: one wins, the other is told",
          "[workspace][postgis]") {
  auto db = test::TestDatabase::create("race");
  if (!db) return;
  ws::save_territory_pg(two_hospitals(), db->locator());
  ws::ScenarioStore(db->locator()).save({"fermeture", kCloseH2, "marie", 0, false});
  for (int round = 0; round < 5; ++round) {
    ws::ScenarioStore a(db->locator()), b(db->locator());
    const int base = a.get("fermeture").version;
    std::latch start(2);
    int saved = 0, refused = 0;
    std::mutex m;
    auto save = [&](ws::ScenarioStore& store, const char* who) {
      start.arrive_and_wait();
      try {
        store.save({"fermeture", kCloseH1, who, base, false});
        std::lock_guard<std::mutex> lock(m);
        ++saved;
      } catch (const ws::ConflictError&) {
        std::lock_guard<std::mutex> lock(m);
        ++refused;
      }
    };
    std::thread ta(save, std::ref(a), "a"), tb(save, std::ref(b), "b");
    ta.join();
    tb.join();
    CHECK(saved == 1);
    CHECK(refused == 1);
    CHECK(a.get("fermeture").version == base + 1);
  }
}

TEST_CASE("A connection lost in the middle of a publication leaves the previous evaluation whole",
          "[workspace][postgis]") {
  auto db = test::TestDatabase::create("lost");
  if (!db) return;
  const planner::Territory t = two_hospitals();
  ws::save_territory_pg(t, db->locator());
  const auto territory = planner::load_territory(db->locator());
  planner::AccessEngine engine(territory, 60);
  const planner::EvalParams p;
  const auto before = planner::evaluate(engine, planner::Scenario::baseline(), p);
  test::TempDir first("pub1"), second("pub2");
  const auto s1 = planner::Scenario::parse(kCloseH2, "s1");
  planner::write_evaluation(engine, s1, p, before, planner::evaluate(engine, s1, p), first.str());
  const auto published = ws::publish_evaluation(db->locator(), first.str(), "Fermeture H2", kCloseH2);
  CHECK(published.schema == "tiny_eval_fermeture_h2");
  auto c = db->connect();
  auto figure = [&] {  // u3's time to a hospital after the edit, as published
    return c.exec("SELECT count(*) FROM tiny_eval_fermeture_h2.unites").text(0, 0) + " units, scenario " +
           c.exec("SELECT contenu FROM tiny_eval_fermeture_h2.recompose_evaluation WHERE nom = 'scenario.json'").text(0, 0);
  };
  const std::string published_first = figure();
  CHECK(published_first == std::string("3 units, scenario ") + kCloseH2);
  // QGIS finds the styles of the published layers.
  CHECK(std::stoi(c.exec("SELECT count(*) FROM public.layer_styles WHERE f_table_schema = 'tiny_eval_fermeture_h2'").text(0, 0)) >= 1);

  // The second publication of the same scenario loses its connection: once after the
  // layers are copied, once inside the switch transaction.
  const auto s2 = planner::Scenario::parse(kCloseH1, "s2");
  planner::write_evaluation(engine, s2, p, before, planner::evaluate(engine, s2, p), second.str());
  for (const char* step : {"layers copied", "in switch"}) {
    INFO("connection cut at " << step);
    HookGuard guard([&](const std::string& at, geo::pg::Connection& writer) {
      if (at == step) cut(*db, writer.backend_pid());
    });
    CHECK_THROWS_WITH(ws::publish_evaluation(db->locator(), second.str(), "Fermeture H2", kCloseH1),
                      Catch::Contains("connection"));
    CHECK(figure() == published_first);  // others still see the first publication, whole
  }
  // The next publication succeeds and clears what the cut ones left.
  ws::publish_evaluation(db->locator(), second.str(), "Fermeture H2", kCloseH1);
  CHECK(figure() == std::string("3 units, scenario ") + kCloseH1);
  CHECK(staging_schemas(c).empty());
}

TEST_CASE("A connection lost while a territory is imported again leaves the previous one and its scenarios",
          "[workspace][postgis]") {
  auto db = test::TestDatabase::create("reimport");
  if (!db) return;
  ws::save_territory_pg(two_hospitals(), db->locator());
  ws::ScenarioStore(db->locator()).save({"fermeture", kCloseH2, "marie", 0, false});
  const planner::Territory three = saveable(test::tiny_territory(
      {{1, 100}, {9, 300}, {18, 500}}, {{"H1", "hospital", 0, 10}, {"H2", "hospital", 20, 10}, {"H3", "hospital", 10, 10}}));
  {
    HookGuard guard([&](const std::string& at, geo::pg::Connection& writer) {
      if (at == "in switch") cut(*db, writer.backend_pid());
    });
    CHECK_THROWS_WITH(ws::save_territory_pg(three, db->locator()), Catch::Contains("connection"));
  }
  CHECK(planner::load_territory(db->locator()).facilities.size() == 2);
  // Imported again for good: the new territory, the scenarios kept, no staging left.
  ws::save_territory_pg(three, db->locator());
  const auto t = planner::load_territory(db->locator());
  CHECK(t.facilities.size() == 3);
  CHECK(hospital_times(t, planner::Scenario::baseline()) == std::vector<geo::Deciseconds>{600, 600, 1200});
  CHECK(ws::ScenarioStore(db->locator()).get("fermeture").author == "marie");
  auto c = db->connect();
  CHECK(staging_schemas(c).empty());
}

TEST_CASE("A schema not written by Recompose is never dropped", "[workspace][postgis]") {
  auto db = test::TestDatabase::create("foreign");
  if (!db) return;
  auto c = db->connect();
  c.exec("CREATE SCHEMA tiny");
  c.exec("CREATE TABLE tiny.couche_du_sig (id integer)");
  c.exec("INSERT INTO tiny.couche_du_sig VALUES (7)");
  CHECK_THROWS_WITH(ws::save_territory_pg(two_hospitals(), db->locator()),
                    Catch::Contains("schema tiny exists and was not written by Recompose"));
  CHECK(c.exec("SELECT id FROM tiny.couche_du_sig").text(0, 0) == "7");
  CHECK(ws::save_territory_pg(two_hospitals(), db->locator("tiny_recompose")) == "tiny_recompose");
}

TEST_CASE("The Loire through PostGIS: import, stored scenarios, evaluate and publish equal the folder's",
          "[workspace][postgis][cli]") {
  auto db = test::TestDatabase::create("cli");
  if (!db) return;
  test::TempDir tmp("pgcli");
  // A password in the locator (the private server trusts its socket and ignores it) must
  // appear in no message and no output.
  const std::string loc = db->locator() + " password=SeCrEt-42";
  const nlohmann::json manifest = test::loire_manifest();
  const std::string manifest_path = tmp.file("manifest.json");
  test::write_json(manifest_path, manifest);
  const std::string common = " --data-root " + test::shell_quote(test::data_root()) + " --graph-cache " +
                             test::shell_quote(test::graph_cache_dir()) + " --quiet";
  auto imp = test::run_cli("import " + test::shell_quote(manifest_path) + " --out " + test::shell_quote(loc) + common, tmp.str());
  INFO(imp.output);
  REQUIRE(imp.code == 0);
  CHECK_THAT(imp.output, Catch::Contains("schema loire"));
  auto imp_dir = test::run_cli("import " + test::shell_quote(manifest_path) + " --out dossier" + common, tmp.str());
  REQUIRE(imp_dir.code == 0);

  const std::string scenario = R"({"format": "recompose-scenario/1", "name": "Fermeture Firminy", "territory": "loire",
    "edits": [{"op": "close", "facility": "FINESS-420785354"}]})";
  test::write_text(tmp.file("s.json"), scenario);
  auto save = test::run_cli("scenario save " + test::shell_quote(loc) + " s.json --author marie", tmp.str());
  INFO(save.output);
  REQUIRE(save.code == 0);
  CHECK_THAT(save.output, Catch::Contains("version 1 by marie"));
  auto again = test::run_cli("scenario save " + test::shell_quote(loc) + " s.json --author paul", tmp.str());
  CHECK(again.code == 3);  // a conflict, told apart
  CHECK_THAT(again.output, Catch::Contains("version 1 saved by marie"));
  auto list = test::run_cli("scenario list " + test::shell_quote(loc), tmp.str());
  CHECK_THAT(list.output, Catch::Contains("Fermeture Firminy") && Catch::Contains("1 scenarios"));

  auto ev_db = test::run_cli("evaluate " + test::shell_quote(loc) + " --scenario 'db:Fermeture Firminy' --out eval-db --publish", tmp.str());
  INFO(ev_db.output);
  REQUIRE(ev_db.code == 0);
  CHECK_THAT(ev_db.output, Catch::Contains("schema loire_eval_fermeture_firminy"));
  auto ev_dir = test::run_cli("evaluate dossier --scenario s.json --out eval-dir", tmp.str());
  REQUIRE(ev_dir.code == 0);
  // Every figure of summary.json is the folder's (the run times apart).
  auto a = test::read_json(tmp.file("eval-db/summary.json")), b = test::read_json(tmp.file("eval-dir/summary.json"));
  a.erase("evaluation_seconds");
  b.erase("evaluation_seconds");
  CHECK(a == b);
  // The optimiser's proposal stored as a scenario of the territory; a second run under the same
  // name is refused (exit 3) after writing its outputs; a folder territory cannot store it.
  const std::string optimise = " --out opt --objective p_median --sites 3 --heuristic-only --name 'Proposition test'";
  auto opt = test::run_cli("optimise " + test::shell_quote(loc) + optimise + " --save-db", tmp.str());
  INFO(opt.output);
  REQUIRE(opt.code == 0);
  CHECK_THAT(opt.output, Catch::Contains("proposal saved as scenario \"Proposition test\" version 1"));
  const auto stored = ws::ScenarioStore(db->locator()).history("Proposition test");
  REQUIRE(stored.size() == 1);
  const auto proposal = planner::Scenario::load(tmp.file("opt/proposition.json"));
  const auto stored_scenario = planner::Scenario::parse(stored[0].json, "stored");
  CHECK(stored_scenario.edits.size() == proposal.edits.size());
  CHECK(stored_scenario.to_json() == proposal.to_json());
  auto opt_again = test::run_cli("optimise " + test::shell_quote(loc) + optimise + " --save-db", tmp.str());
  CHECK(opt_again.code == 3);
  CHECK(std::filesystem::exists(tmp.file("opt/proposition.json")));
  auto opt_dir = test::run_cli("optimise dossier" + optimise + " --save-db", tmp.str());
  CHECK(opt_dir.code == 2);
  CHECK_THAT(opt_dir.output, Catch::Contains("--save-db") && Catch::Contains("PG:"));

  // The published layers hold the folder's rows.
  auto c = db->connect();
  CHECK(c.exec("SELECT count(*) FROM loire_eval_fermeture_firminy.unites").text(0, 0) ==
        std::to_string(test::read_csv(tmp.file("eval-dir/unites.csv")).size()));

  // The password is in no output, message or published text.
  for (const auto* out : {&imp.output, &save.output, &again.output, &list.output, &ev_db.output, &opt.output, &opt_again.output}) {
    CHECK(out->find("SeCrEt-42") == std::string::npos);
  }
  for (const auto& e : std::filesystem::recursive_directory_iterator(tmp.file("eval-db"))) {
    if (e.is_regular_file()) CHECK(test::read_text(e.path().string()).find("SeCrEt-42") == std::string::npos);
  }
  CHECK(c.exec("SELECT count(*) FROM loire_eval_fermeture_firminy.recompose_evaluation WHERE contenu LIKE '%SeCrEt%'")
            .text(0, 0) == "0");
  CHECK(c.exec("SELECT count(*) FROM loire.recompose_documents WHERE contenu LIKE '%SeCrEt%'").text(0, 0) == "0");
  // A wrong database is refused naming the locator, still without the password.
  auto bad = test::run_cli("evaluate " + test::shell_quote("PG:" + db->conninfo() + "_absent password=SeCrEt-42") +
                           " --out x", tmp.str());
  CHECK(bad.code == 1);
  CHECK_THAT(bad.output, Catch::Contains("cannot connect") && !Catch::Contains("SeCrEt-42"));
}

TEST_CASE("The viewer opens a PostGIS territory and never saves over a colleague's newer scenario",
          "[workspace][postgis][viewer]") {
  auto db = test::TestDatabase::create("viewer");
  if (!db) return;
  ws::save_territory_pg(two_hospitals(), db->locator());
  ws::ScenarioStore store(db->locator());
  store.save({"Fermeture H2", kCloseH2, "paul", 0, false});
  test::TempDir tmp("viewer-pg");
  // The planner opens version 1; meanwhile Marie saves version 2.
  test::write_text(tmp.file("script.txt"), "save-db\nsave-db-new\npublish-db\nquit\n");
  store.save({"Fermeture H2", kCloseH1, "marie", 1, false});
  std::filesystem::create_directories(tmp.file("tmp"));
  const std::string cmd = "cd " + test::shell_quote(tmp.str()) + " && XDG_CACHE_HOME=" + test::shell_quote(tmp.file("cache")) +
                          " TMPDIR=" + test::shell_quote(tmp.file("tmp")) + " " + test::viewer_command(test::shell_quote(db->locator()) +
                                                     " --scenario 'db:Fermeture H2@1' --script script.txt");
  const test::Run r = test::run_shell(cmd);
  const std::string& out = r.output;
  INFO(out);
  CHECK(r.code == 0);
  CHECK_THAT(out, Catch::Contains("Non enregistré") && Catch::Contains("version 2 par marie") &&
                      Catch::Contains("depuis la version 1 que vous avez ouverte"));
  CHECK_THAT(out, Catch::Contains("Enregistré dans la base : « Fermeture H2 » version 3"));
  const auto h = store.history("Fermeture H2");
  REQUIRE(h.size() == 3);
  CHECK(h[1].json == kCloseH1);  // Marie's version untouched
  CHECK(h[2].based_on == 1);
  CHECK(planner::Scenario::parse(h[2].json, "v3").edits.at(0).facilities.at(0) == "H2");
  // « Publier l'évaluation dans la base »: the evaluation of the scenario opened (H2 closed)
  // in its schema, readable by QGIS, the same layers as `evaluate --publish`.
  CHECK_THAT(out, Catch::Contains("Évaluation publiée dans la base : schéma tiny_eval_fermeture_h2"));
  auto c = db->connect();
  CHECK(c.exec("SELECT count(*) FROM tiny_eval_fermeture_h2.unites").text(0, 0) == "3");
  const std::string published =
      c.exec("SELECT contenu FROM tiny_eval_fermeture_h2.recompose_evaluation WHERE nom = 'scenario.json'").text(0, 0);
  CHECK(planner::Scenario::parse(published, "published").edits.at(0).facilities.at(0) == "H2");
  CHECK(std::stoi(c.exec("SELECT count(*) FROM public.layer_styles WHERE f_table_schema = 'tiny_eval_fermeture_h2'")
                      .text(0, 0)) >= 1);
  // No temporary folder left behind.
  CHECK(std::filesystem::is_empty(tmp.file("tmp")));
}
