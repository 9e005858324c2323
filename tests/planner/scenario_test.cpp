// Scenarios: parsing errors and apply_scenario refusals name the edit; the JSON
// form round-trips. Refusals are checked through evaluate() on the tiny territory
// (tiny_territory.hpp: road y = 0 from x = 0 to 20 km, commune [-1, 21] x [-6, 6] km).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "geo/crs.hpp"
#include "geo/error.hpp"
#include "planner/access_engine.hpp"
#include "planner/evaluation.hpp"
#include "planner/scenario.hpp"
#include "tiny_territory.hpp"

using namespace recompose;
using Catch::Contains;

namespace {

std::string scenario_text(const std::string& edits) {
  return R"({"format": "recompose-scenario/1", "name": "test", "edits": [)" + edits + "]}";
}

// The message of the geo::Error thrown by `f`, or "" (and a failure) when none is.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const geo::Error& e) {
    return e.what();
  }
  FAIL_CHECK("no geo::Error thrown");
  return "";
}

std::string parse_error(const std::string& edits) {
  return error_of([&] { planner::Scenario::parse(scenario_text(edits), "test.json"); });
}

// u0 x=1 km, u1 x=9 km; G1 gp_point x=5, G2 gp_point x=16, H1 hospital x=0.
planner::Territory territory() {
  return test::tiny_territory({{1, 100}, {9, 200}},
                              {{"G1", "gp_point", 5, 2}, {"G2", "gp_point", 16, 1}, {"H1", "hospital", 0, 10}});
}

}  // namespace

TEST_CASE("Scenario::parse errors name the file and the edit", "[scenario]") {
  const std::string close_g1 = R"({"op": "close", "facility": "G1"}, )";
  SECTION("unknown op") {
    const auto m = parse_error(close_g1 + R"({"op": "demolish", "facility": "G2"})");
    CHECK_THAT(m, Contains("test.json"));
    CHECK_THAT(m, Contains("edit #2"));
    CHECK_THAT(m, Contains("demolish"));
  }
  SECTION("missing op") {
    CHECK_THAT(parse_error(close_g1 + R"({"facility": "G2"})"), Contains("edit #2") && Contains("op"));
  }
  SECTION("missing facility") {
    const auto m = parse_error(close_g1 + R"({"op": "close"})");
    CHECK_THAT(m, Contains("edit #2"));
    CHECK_THAT(m, Contains("\"facility\" is required"));
  }
  SECTION("bad point: not numbers") {
    const auto m = parse_error(close_g1 +
                               R"({"op": "open", "id": "G3", "kind": "gp_point", "capacity": 1, "at": {"lon": "4.3"}})");
    CHECK_THAT(m, Contains("edit #2"));
    CHECK_THAT(m, Contains("\"at\""));
  }
  SECTION("bad point: longitude out of range") {
    const auto m = parse_error(close_g1 + R"({"op": "relocate", "facility": "G2", "to": {"lon": 200, "lat": 45}})");
    CHECK_THAT(m, Contains("edit #2"));
    CHECK_THAT(m, Contains("out of range"));
  }
  SECTION("bad point: missing") {
    CHECK_THAT(parse_error(close_g1 + R"({"op": "relocate", "facility": "G2"})"), Contains("edit #2") && Contains("\"to\""));
  }
  SECTION("negative capacity") {
    CHECK_THAT(parse_error(close_g1 + R"({"op": "set_capacity", "facility": "G2", "capacity": -1})"),
               Contains("edit #2") && Contains("capacity"));
  }
  SECTION("a merge of one facility") {
    CHECK_THAT(parse_error(close_g1 + R"({"op": "merge", "facilities": ["G2"], "into": "G2"})"),
               Contains("edit #2") && Contains("at least two"));
  }
  SECTION("an id with a control character") {
    const auto m = parse_error(close_g1 + R"({"op": "open", "id": "G\u0007", "kind": "gp_point", "capacity": 1,
                                             "at": {"x_l93": 1000, "y_l93": 0}})");
    CHECK_THAT(m, Contains("edit #2") && Contains("id 'G\\x07'") && Contains("control character"));
  }
  SECTION("a name loses its control characters") {
    const auto s = planner::Scenario::parse(
        R"({"format": "recompose-scenario/1", "name": "Atelier\n2026", "edits": [
            {"op": "open", "id": "G3", "name": "Centre\tnord", "kind": "gp_point", "capacity": 1,
             "at": {"x_l93": 1000, "y_l93": 0}}]})", "test.json");
    CHECK(s.name == "Atelier 2026");
    CHECK(s.edits[0].name == "Centre nord");
  }
  SECTION("wrong format and not JSON") {
    CHECK_THAT(error_of([] { planner::Scenario::parse(R"({"format": "x", "edits": []})", "f.json"); }),
               Contains("f.json") && Contains("format"));
    CHECK_THAT(error_of([] { planner::Scenario::parse("{not json", "g.json"); }), Contains("g.json"));
  }
}

TEST_CASE("Edits built in code (the viewer) are range-checked like those of a file", "[scenario][ranges]") {
  const auto t = territory();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  auto edit_error = [&](planner::ScenarioEdit e) {
    planner::Scenario s;
    s.name = "atelier";
    s.edits.push_back(std::move(e));
    return error_of([&] { planner::evaluate(engine, s, p); });
  };
  planner::ScenarioEdit cap;
  cap.op = "set_capacity";
  cap.facilities = {"G1"};
  for (const double bad : {-1.0, std::nan(""), 1e300, HUGE_VAL}) {
    cap.capacity = bad;
    INFO("capacity " << bad);
    CHECK_THAT(edit_error(cap), Contains("edit #1") && Contains("capacity"));
  }
  planner::ScenarioEdit open;
  open.op = "open";
  open.id = "G3";
  open.kind = "gp_point";
  open.capacity = 2;
  open.at = geo::PointM{std::nan(""), 0};
  CHECK_THAT(edit_error(open), Contains("edit #1") && Contains("not finite"));
  SECTION("parameters out of range, whoever sets them") {
    planner::EvalParams q;
    q.cutoff_min = 1e7;
    CHECK_THROWS_WITH(planner::check_params(q), Contains("--cutoff-min"));
    CHECK_THROWS_WITH(planner::AccessEngine(t, 1e7), Contains("--cutoff-min"));
    q = {};
    q.straight.detour_factor = std::nan("");
    CHECK_THROWS_WITH(planner::evaluate(engine, planner::Scenario::baseline(), q), Contains("--detour-factor"));
    q = {};
    q.k_nearest = 0;
    CHECK_THROWS_WITH(planner::check_params(q), Contains("k nearest"));
    CHECK_NOTHROW(planner::check_params(planner::EvalParams{}));
  }
}

TEST_CASE("apply_scenario refuses a bad edit, naming its number and the facility", "[scenario]") {
  const auto t = territory();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const std::size_t searches = engine.searches_run();
  auto eval_error = [&](const std::string& edits) {
    const auto s = planner::Scenario::parse(scenario_text(edits), "test.json");
    return error_of([&] { planner::evaluate(engine, s, p); });
  };
  const std::string close_h1 = R"({"op": "close", "facility": "H1"}, )";

  SECTION("unknown facility id") {
    const auto m = eval_error(close_h1 + R"({"op": "close", "facility": "NOPE"})");
    CHECK_THAT(m, Contains("edit #2"));
    CHECK_THAT(m, Contains("NOPE"));
    CHECK_THAT(m, Contains("unknown facility"));
  }
  SECTION("merging a facility closed by an earlier edit") {
    const auto m = eval_error(R"({"op": "close", "facility": "G1"},
                                 {"op": "merge", "facilities": ["G1", "G2"], "into": "G2"})");
    CHECK_THAT(m, Contains("edit #2"));
    CHECK_THAT(m, Contains("G1"));
    CHECK_THAT(m, Contains("closed"));
  }
  SECTION("editing a facility closed by an earlier edit") {
    const auto m = eval_error(R"({"op": "close", "facility": "G1"},
                                 {"op": "set_capacity", "facility": "G1", "capacity": 4})");
    CHECK_THAT(m, Contains("edit #2") && Contains("G1") && Contains("closed"));
  }
  SECTION("coordinates outside the territory's communes") {
    // (10 km, 50 km): the commune stops at y = 6 km.
    const auto m = eval_error(
        close_h1 + R"({"op": "open", "id": "G3", "kind": "gp_point", "capacity": 1, "at": {"x_l93": 10000, "y_l93": 50000}})");
    CHECK_THAT(m, Contains("edit #2"));
    CHECK_THAT(m, Contains("G3"));
    CHECK_THAT(m, Contains("outside the territory"));
  }
  SECTION("relocating outside the territory") {
    const auto m = eval_error(close_h1 + R"({"op": "relocate", "facility": "G2", "to": {"x_l93": 30000, "y_l93": 0}})");
    CHECK_THAT(m, Contains("edit #2") && Contains("G2") && Contains("outside the territory"));
  }
  SECTION("a site 3 km from the road: off the network") {
    // (10 km, 3 km) lies in the commune, 3000 m from the road (limit 1000 m).
    const auto m = eval_error(
        close_h1 + R"({"op": "open", "id": "G3", "kind": "gp_point", "capacity": 1, "at": {"x_l93": 10000, "y_l93": 3000}})");
    CHECK_THAT(m, Contains("edit #2"));
    CHECK_THAT(m, Contains("G3"));
    CHECK_THAT(m, Contains("3000 m from the nearest road of the main network it can be entered from (limit 1000 m)"));
  }
  SECTION("the same facility closed twice") {
    const auto m = eval_error(R"({"op": "close", "facility": "G1"}, {"op": "close", "facility": "G1"})");
    CHECK_THAT(m, Contains("edit #2"));
    CHECK_THAT(m, Contains("G1"));
    CHECK_THAT(m, Contains("duplicate"));
  }
  SECTION("an id opened twice") {
    const auto m = eval_error(
        R"({"op": "open", "id": "G3", "kind": "gp_point", "capacity": 1, "at": {"x_l93": 10000, "y_l93": 0}},
           {"op": "open", "id": "G3", "kind": "gp_point", "capacity": 1, "at": {"x_l93": 12000, "y_l93": 0}})");
    CHECK_THAT(m, Contains("edit #2") && Contains("G3") && Contains("already used"));
  }
  SECTION("merging facilities of different kinds") {
    const auto m = eval_error(close_h1 + R"({"op": "merge", "facilities": ["G1", "H1"], "into": "G1"})");
    CHECK_THAT(m, Contains("edit #2"));
  }
  // A refused scenario runs no search.
  CHECK(engine.searches_run() == searches);
}

TEST_CASE("A valid scenario applies in order, new sites are appended", "[scenario]") {
  const auto t = territory();
  const geo::Snapper snapper(t.graph, 1000, 15);
  const auto s = planner::Scenario::parse(
      scenario_text(R"({"op": "set_capacity", "facility": "G1", "capacity": 5},
                       {"op": "relocate", "facility": "G2", "to": {"x_l93": 12000, "y_l93": 0}},
                       {"op": "close", "facility": "G2"})"),
      "ok.json");
  const auto r = planner::apply_scenario(t, s, [&](geo::PointM pt) { return snapper.snap(pt); });
  REQUIRE(r.facilities.size() == 4);
  REQUIRE(r.applied.size() == 3);
  CHECK(r.applied[0] == "Capacité de Établissement G1 : 2 → 5");
  CHECK(r.facilities[0].capacity == 5);
  CHECK_FALSE(r.facilities[1].open);  // the old G2 site, moved
  // The relocated G2 (appended) is the one the later "close" refers to.
  CHECK(r.facilities[3].id == "G2");
  CHECK(r.facilities[3].is_new_site);
  CHECK(r.facilities[3].point.x_m == 12000);
  CHECK_FALSE(r.facilities[3].open);
  CHECK(r.facilities[3].snap.result.ok());
}

TEST_CASE("to_json and parse round-trip the edits", "[scenario]") {
  const auto s = planner::Scenario::parse(
      R"({"format": "recompose-scenario/1", "name": "Aller-retour", "territory": "tiny", "description": "test",
          "edits": [
            {"op": "close", "facility": "H1"},
            {"op": "merge", "facilities": ["G1", "G2"], "into": "G1"},
            {"op": "merge", "facilities": ["A", "B"], "at": {"lon": 4.3697, "lat": 45.4036}, "id": "AB", "name": "Site AB"},
            {"op": "relocate", "facility": "G1", "to": {"x_l93": 12000.25, "y_l93": -3.5}},
            {"op": "open", "id": "G3", "kind": "gp_point", "name": "Cabinet", "capacity": 2.5,
             "at": {"x_l93": 11000, "y_l93": 0}, "flags": ["urgent_care", "mining_regime"]},
            {"op": "set_capacity", "facility": "G3", "capacity": 0}
          ]})",
      "a.json");
  const auto back = planner::Scenario::parse(s.to_json(), "b.json");
  CHECK(back.name == s.name);
  CHECK(back.territory == "tiny");
  CHECK(back.description == "test");
  REQUIRE(back.edits.size() == 6);
  for (std::size_t i = 0; i < s.edits.size(); ++i) {
    INFO("edit #" << i + 1);
    const auto& a = s.edits[i];
    const auto& b = back.edits[i];
    CHECK(b.op == a.op);
    CHECK(b.facilities == a.facilities);
    CHECK(b.into == a.into);
    CHECK(b.id == a.id);
    CHECK(b.name == a.name);
    CHECK(b.kind == a.kind);
    CHECK(b.capacity == a.capacity);
    CHECK(b.flags == a.flags);
    REQUIRE(b.at.has_value() == a.at.has_value());
    if (a.at) {
      CHECK(b.at->x_m == a.at->x_m);
      CHECK(b.at->y_m == a.at->y_m);
    }
  }
  // The lon/lat point is kept in Lambert-93 (x about 8e5, y about 6.5e6 near Saint-Étienne).
  REQUIRE(s.edits[2].at);
  const auto expected = geo::wgs84_to_lambert93({4.3697, 45.4036});
  CHECK(s.edits[2].at->x_m == expected.x_m);
  CHECK(s.edits[2].at->y_m == expected.y_m);
  CHECK(s.edits[3].at->x_m == 12000.25);
  CHECK(s.edits[3].at->y_m == -3.5);
  CHECK(s.edits[4].flags == std::vector<std::string>{"urgent_care", "mining_regime"});
  CHECK(*s.edits[5].capacity == 0);
  // A second round trip gives the same text.
  CHECK(back.to_json() == s.to_json());
}
