// The optimiser end to end on a tiny territory whose times are known by hand (one
// straight road, 1 km = 1 min): the answer equals the optimum found by enumerating every
// subset of candidate sites in the test, for each objective and with locked sites; the
// proposal, written as a scenario file and read back, re-evaluates (through `evaluate`,
// on a fresh engine) to the objective the optimiser reported. Bad problems are refused
// with a message naming the field or the id.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <map>

#include "../offer/tiny_regime.hpp"
#include "geo/error.hpp"
#include "planner/access_engine.hpp"
#include "planner/evaluation.hpp"
#include "planner/optimise/optimiser.hpp"
#include "test_support.hpp"

using namespace recompose;
namespace opt = recompose::planner::optimise;

namespace {

// Units at these km (affiliates), regime GP sites at these km (GP FTE), and two
// historic mining health buildings at km 8 and 16 (candidates for new sites).
const std::vector<double> kUnitKm = {1, 4, 6, 9, 12, 15, 18};
const std::vector<double> kAffiliates = {10, 30, 20, 5, 25, 10, 40};
struct SiteSpec {
  std::string id;
  double km, gp;
};
const std::vector<SiteSpec> kSites = {{"A", 2, 3}, {"B", 5, 1}, {"C", 10, 2}, {"D", 14, 4}, {"E", 19, 1}};
const std::vector<double> kHistoricKm = {8, 16};

planner::Territory territory() {
  std::vector<test::TinyUnit> units;
  for (double km : kUnitKm) units.push_back({km, 100});
  std::vector<test::TinySite> sites;
  for (const auto& s : kSites) sites.push_back({s.id, "C-" + s.id, "centre_polyvalent", s.km, {{"gp", s.gp}, {"nurse", 1}}});
  planner::Territory t = test::tiny_regime(units, sites, kAffiliates);
  for (std::size_t k = 0; k < kHistoricKm.size(); ++k) {
    planner::Facility f;
    f.id = "H" + std::to_string(k + 1);
    f.name = "Dispensaire historique " + std::to_string(k + 1);
    f.kind = "mining_health_building";
    f.commune_code = "62001";
    f.point = {kHistoricKm[k] * 1000, 0};
    f.flags["mining_regime"] = true;
    const geo::Snapper snapper(t.graph, t.profile.snap_max_distance_m, t.profile.access_speed_kmh);
    f.snap = planner::SnapInfo(snapper.snap(f.point));
    t.facilities.push_back(f);
  }
  return t;
}

// A candidate of the enumeration: position and team.
struct Cand {
  std::string id;
  double km, gp;
  bool existing;
};

std::vector<Cand> candidates(bool historic) {
  std::vector<Cand> c;
  for (const auto& s : kSites) c.push_back({s.id, s.km, s.gp, true});
  if (historic) {
    for (std::size_t k = 0; k < kHistoricKm.size(); ++k) c.push_back({"OPT-H" + std::to_string(k + 1), kHistoricKm[k], 0, false});
  }
  return c;
}

// Time in deciseconds from a unit to a site on the road (1 km = 600 ds).
double ds(double a_km, double b_km) { return std::abs(a_km - b_km) * 600.0; }

struct Enumerated {
  double value = std::numeric_limits<double>::infinity();
  std::vector<int> open;  // indices into the candidate list
};

// Every subset of `cands` accepted by `ok`, scored by `score` (lower is better).
Enumerated enumerate(const std::vector<Cand>& cands, const std::function<bool(const std::vector<int>&)>& ok,
                     const std::function<double(const std::vector<int>&)>& score) {
  Enumerated best;
  for (std::uint32_t mask = 1; mask < (1u << cands.size()); ++mask) {
    std::vector<int> open;
    for (std::size_t j = 0; j < cands.size(); ++j) {
      if ((mask >> j) & 1u) open.push_back(static_cast<int>(j));
    }
    if (!ok(open)) continue;
    const double v = score(open);
    if (v < best.value - 1e-9) best = {v, open};
  }
  return best;
}

double median_cost(const std::vector<Cand>& c, const std::vector<int>& open) {
  double v = 0;
  for (std::size_t u = 0; u < kUnitKm.size(); ++u) {
    double best = 1e300;
    for (int j : open) best = std::min(best, ds(kUnitKm[u], c[static_cast<std::size_t>(j)].km));
    v += kAffiliates[u] * best;
  }
  return v;
}

double uncovered(const std::vector<Cand>& c, const std::vector<int>& open, double t_min) {
  double v = 0;
  for (std::size_t u = 0; u < kUnitKm.size(); ++u) {
    bool covered = false;
    for (int j : open) covered |= ds(kUnitKm[u], c[static_cast<std::size_t>(j)].km) <= t_min * 600.0;
    v += covered ? 0.0 : kAffiliates[u];
  }
  return v;
}

// The objective recomputed by the test from an evaluation: affiliate-weighted time to
// the nearest open regime GP site, and the number of those sites.
std::pair<double, int> from_evaluation(const planner::Evaluation& e) {
  const int ti = e.target_index("regime_gp");
  REQUIRE(ti >= 0);
  double v = 0;
  for (std::size_t u = 0; u < kUnitKm.size(); ++u) {
    const auto d = e.nearest_time[static_cast<std::size_t>(ti)][u];
    REQUIRE(d != planner::kNoAccess);
    v += kAffiliates[u] * static_cast<double>(d);
  }
  int sites = 0;
  for (const auto& f : e.facilities) {
    auto it = f.flags.find("regime_gp");
    sites += f.open && it != f.flags.end() && it->second;
  }
  return {v, sites};
}

struct Run {
  opt::OptimiseResult r;
  planner::Evaluation reloaded;  // the proposal written, parsed back and evaluated on a fresh engine
};

Run run(const planner::Territory& t, const opt::Problem& p) {
  planner::EvalParams params;
  planner::AccessEngine engine(t, params.cutoff_min);
  const planner::Evaluation before = planner::evaluate(engine, planner::Scenario::baseline(), params);
  Run out{opt::optimise(engine, before, p, params), {}};
  const planner::Scenario reread = planner::Scenario::parse(out.r.proposal.to_json(), "proposition.json");
  planner::AccessEngine fresh(t, params.cutoff_min);
  out.reloaded = planner::evaluate(fresh, reread, params);
  return out;
}

std::set<std::string> open_ids(const opt::OptimiseResult& r) {
  std::set<std::string> ids;
  for (std::size_t j = 0; j < r.instance.candidate_count(); ++j) {
    if (r.solution.open[j]) ids.insert(r.instance.candidates[j].id);
  }
  return ids;
}

std::set<std::string> ids_of(const std::vector<Cand>& c, const std::vector<int>& open) {
  std::set<std::string> ids;
  for (int j : open) ids.insert(c[static_cast<std::size_t>(j)].id);
  return ids;
}

}  // namespace

TEST_CASE("p-median on a tiny territory: the enumerated optimum, and the proposal re-evaluates to it", "[optimise]") {
  const planner::Territory t = territory();
  opt::Problem p;
  p.objective = opt::Objective::PMedian;
  p.sites = 2;
  p.exact = true;
  SECTION("existing sites only") {
    const auto c = candidates(false);
    const Enumerated best = enumerate(c, [](const auto& o) { return o.size() <= 2; },
                                      [&](const auto& o) { return median_cost(c, o); });
    const Run x = run(t, p);
    CHECK(x.r.after.value == Approx(best.value));
    CHECK(open_ids(x.r) == ids_of(c, best.open));
    CHECK(x.r.exact.status == opt::ExactStatus::Optimal);
    CHECK(x.r.gap_percent == Approx(0).margin(1e-9));
    const auto [v, sites] = from_evaluation(x.reloaded);
    CHECK(v == Approx(x.r.after.value));
    CHECK(sites == 2);
    CHECK(x.r.verified_equal);
    // Closed sites are merged (their team follows): two merges, nothing closed outright.
    for (const auto& e : x.r.proposal.edits) CHECK(e.op == "merge");
  }
  SECTION("historic buildings as new sites") {
    p.candidates.historic = true;
    const auto c = candidates(true);
    const Enumerated best = enumerate(c, [](const auto& o) { return o.size() <= 2; },
                                      [&](const auto& o) { return median_cost(c, o); });
    const Run x = run(t, p);
    CHECK(x.r.after.value == Approx(best.value));
    CHECK(open_ids(x.r) == ids_of(c, best.open));
    const auto [v, sites] = from_evaluation(x.reloaded);
    CHECK(v == Approx(x.r.after.value));
    CHECK(sites == 2);
  }
  SECTION("locked open and locked closed sites") {
    p.locked_open = {"B"};
    p.locked_closed = {"D"};
    p.candidates.historic = true;
    const auto c = candidates(true);
    const Enumerated best = enumerate(
        c,
        [&](const auto& o) {
          const auto ids = ids_of(c, o);
          return o.size() <= 2 && ids.count("B") && !ids.count("D");
        },
        [&](const auto& o) { return median_cost(c, o); });
    const Run x = run(t, p);
    CHECK(x.r.after.value == Approx(best.value));
    CHECK(open_ids(x.r).count("B"));
    CHECK_FALSE(open_ids(x.r).count("D"));
    CHECK(from_evaluation(x.reloaded).first == Approx(x.r.after.value));
  }
}

TEST_CASE("MCLP, LSCP and close k on a tiny territory equal the enumerated optimum", "[optimise]") {
  const planner::Territory t = territory();
  const auto c = candidates(true);
  opt::Problem p;
  p.candidates.historic = true;
  SECTION("MCLP: most affiliates within 2 min with 2 sites") {
    p.objective = opt::Objective::Mclp;
    p.sites = 2;
    p.coverage_min = 2;
    const Enumerated best = enumerate(c, [](const auto& o) { return o.size() <= 2; },
                                      [&](const auto& o) { return uncovered(c, o, 2); });
    const Run x = run(t, p);
    CHECK(x.r.after.value == Approx(best.value));
    CHECK(x.r.after.covered == Approx(140.0 - best.value));
    // The evaluation's times give the same coverage.
    const int ti = x.reloaded.target_index("regime_gp");
    double covered = 0;
    for (std::size_t u = 0; u < kUnitKm.size(); ++u) {
      covered += x.reloaded.nearest_time[static_cast<std::size_t>(ti)][u] <= 1200 ? kAffiliates[u] : 0.0;
    }
    CHECK(covered == Approx(x.r.after.covered));
  }
  SECTION("LSCP: fewest sites with every affiliate within 3 min") {
    p.objective = opt::Objective::Lscp;
    p.coverage_min = 3;
    const Enumerated best = enumerate(c, [&](const auto& o) { return uncovered(c, o, 3) == 0; },
                                      [&](const auto& o) { return static_cast<double>(o.size()); });
    const Run x = run(t, p);
    CHECK(x.r.after.value == Approx(best.value));
    CHECK(x.r.after.sites == static_cast<std::size_t>(best.value));
    CHECK(from_evaluation(x.reloaded).second == static_cast<int>(best.value));
    CHECK(x.r.after.uncovered_weight == Approx(0));
  }
  SECTION("close 2 of the 5 existing sites with the least loss") {
    p.objective = opt::Objective::CloseK;
    p.close = 2;
    const auto existing = candidates(false);
    const Enumerated best = enumerate(existing, [](const auto& o) { return o.size() == 3; },
                                      [&](const auto& o) { return median_cost(existing, o); });
    const Run x = run(t, p);
    CHECK(x.r.after.value == Approx(best.value));
    CHECK(x.r.after.sites == 3);
    CHECK(x.r.instance.candidate_count() == 5);  // historic buildings ignored by close_k
    CHECK(from_evaluation(x.reloaded).first == Approx(x.r.after.value));
  }
  SECTION("a maximum time for anyone") {
    // p-median with 2 sites, nobody beyond 4 min: enumerated among the sets that keep
    // every unit within 4 min.
    p.objective = opt::Objective::PMedian;
    p.sites = 2;
    p.max_time_min = 4;
    const Enumerated best = enumerate(
        c, [&](const auto& o) { return o.size() <= 2 && uncovered(c, o, 4) == 0; },
        [&](const auto& o) { return median_cost(c, o); });
    const Run x = run(t, p);
    REQUIRE(std::isfinite(best.value));
    CHECK(x.r.after.value == Approx(best.value));
    CHECK(x.r.after.weight_beyond_max == Approx(0));
  }
}

TEST_CASE("Capacitated form: at most N sites of critical size, closed teams merged into kept sites", "[optimise]") {
  const planner::Territory t = territory();
  const auto c = candidates(false);
  opt::Problem p;
  p.objective = opt::Objective::Capacitated;
  p.sites = 3;
  p.critical_fte = 3;
  p.merge_max_min = 30;
  // Enumeration: a set is feasible when the teams of the closed sites can each go,
  // whole, to one kept site so that every kept site reaches 3 GP FTE.
  auto feasible = [&](const std::vector<int>& open) {
    if (open.size() > 3) return false;
    std::vector<int> closed;
    for (int j = 0; j < static_cast<int>(c.size()); ++j) {
      if (std::find(open.begin(), open.end(), j) == open.end()) closed.push_back(j);
    }
    std::map<int, double> team;
    for (int j : open) team[j] = c[static_cast<std::size_t>(j)].gp;
    std::function<bool(std::size_t)> rec = [&](std::size_t k) {
      if (k == closed.size()) {
        for (int j : open) {
          if (team[j] < 3 - 1e-9) return false;
        }
        return true;
      }
      for (int j : open) {
        team[j] += c[static_cast<std::size_t>(closed[k])].gp;
        const bool ok = rec(k + 1);
        team[j] -= c[static_cast<std::size_t>(closed[k])].gp;
        if (ok) return true;
      }
      return false;
    };
    return rec(0);
  };
  const Enumerated best = enumerate(c, feasible, [&](const auto& o) { return median_cost(c, o); });
  REQUIRE(std::isfinite(best.value));
  const Run x = run(t, p);
  CHECK(x.r.after.value == Approx(best.value));
  CHECK(open_ids(x.r) == ids_of(c, best.open));
  CHECK(x.r.exact.status == opt::ExactStatus::Optimal);
  CHECK(from_evaluation(x.reloaded).first == Approx(x.r.after.value));
  // Every kept site reaches the critical size in the re-evaluated scenario (teams pooled by the merges).
  const auto& R = x.reloaded.recomposition;
  double total_gp = 0;
  for (const auto& s : R.sites) {
    const auto& f = x.reloaded.facilities[s.facility];
    if (!f.open) continue;
    REQUIRE(f.site.fte.count("gp"));
    CHECK(f.site.fte.at("gp") >= 3 - 1e-9);
    total_gp += f.site.fte.at("gp");
  }
  CHECK(total_gp == Approx(11));  // no GP lost: 3 + 1 + 2 + 4 + 1
  SECTION("an impossible critical size is refused with the reason") {
    p.critical_fte = 12;  // 11 GP FTE in all: not even one site
    planner::EvalParams params;
    planner::AccessEngine engine(t, params.cutoff_min);
    const planner::Evaluation before = planner::evaluate(engine, planner::Scenario::baseline(), params);
    REQUIRE_THROWS_WITH(opt::optimise(engine, before, p, params), Catch::Contains("critical size"));
  }
}

TEST_CASE("Bad optimisation problems are refused with the field or id", "[optimise]") {
  const planner::Territory t = territory();
  planner::EvalParams params;
  planner::AccessEngine engine(t, params.cutoff_min);
  const planner::Evaluation before = planner::evaluate(engine, planner::Scenario::baseline(), params);
  opt::Problem p;
  p.objective = opt::Objective::PMedian;
  p.sites = 2;
  SECTION("an unknown locked site") {
    p.locked_open = {"NOPE"};
    REQUIRE_THROWS_WITH(opt::optimise(engine, before, p, params), Catch::Contains("locked_open") && Catch::Contains("NOPE"));
  }
  SECTION("more locked sites than sites asked") {
    p.sites = 1;
    p.locked_open = {"A", "B"};
    REQUIRE_THROWS_WITH(opt::optimise(engine, before, p, params), Catch::Contains("locked open"));
  }
  SECTION("an unknown target") {
    p.target = "licorne";
    REQUIRE_THROWS_WITH(opt::optimise(engine, before, p, params), Catch::Contains("licorne"));
  }
  SECTION("no size") {
    p.sites = -1;
    REQUIRE_THROWS_WITH(opt::optimise(engine, before, p, params), Catch::Contains("\"sites\""));
  }
  SECTION("problem files") {
    REQUIRE_THROWS_WITH(opt::Problem::parse("{\"format\": \"recompose-optimise/1\"}", "p.json"),
                        Catch::Contains("p.json") && Catch::Contains("\"objective\" is required"));
    REQUIRE_THROWS_WITH(opt::Problem::parse("{\"format\": \"recompose-optimise/1\", \"objective\": \"p_median\", \"sites\": 2, "
                                            "\"sitse\": 3}",
                                            "p.json"),
                        Catch::Contains("unknown field \"sitse\""));
    REQUIRE_THROWS_WITH(opt::Problem::parse("{\"format\": \"recompose-optimise/1\", \"objective\": \"median\"}", "p.json"),
                        Catch::Contains("unknown objective 'median'"));
    REQUIRE_THROWS_WITH(opt::Problem::parse("{\"format\": \"recompose-optimise/1\", \"objective\": \"mclp\", \"sites\": 2, "
                                            "\"coverage_min\": 90}",
                                            "p.json"),
                        Catch::Contains("coverage_min"));
    REQUIRE_THROWS_WITH(opt::Problem::parse("{\"format\": \"recompose-scenario/1\"}", "p.json"),
                        Catch::Contains("recompose-optimise/1"));
    REQUIRE_THROWS_AS(opt::Problem::parse("{\"format\": 3}", "p.json"), geo::Error);  // a JSON type error, as an Error
    REQUIRE_THROWS_WITH(opt::Problem::parse("{\"format\": \"recompose-optimise/1\", \"objective\": \"p_median\", "
                                            "\"sites\": 2, \"locked_open\": \"A\"}",
                                            "p.json"),
                        Catch::Contains("\"locked_open\" must be a list"));
    const opt::Problem ok = opt::Problem::parse(
        "{\"format\": \"recompose-optimise/1\", \"objective\": \"capacitated\", \"sites\": 4, \"critical_fte\": 2.5, "
        "\"locked_open\": [\"A\"], \"candidates\": {\"historic\": true}, \"exact\": {\"time_limit_s\": 5}}",
        "p.json");
    CHECK(ok.objective == opt::Objective::Capacitated);
    CHECK(ok.sites == 4);
    CHECK(ok.critical_fte == 2.5);
    CHECK(ok.locked_open == std::vector<std::string>{"A"});
    CHECK(ok.candidates.historic);
    CHECK(ok.exact);
    CHECK(ok.exact_time_limit_s == 5);
    // The problem written back reads the same.
    const opt::Problem again = opt::Problem::parse(ok.to_json(), "again.json");
    CHECK(again.to_json() == ok.to_json());
  }
}

TEST_CASE("The optimiser can be cancelled and reports its progress", "[optimise]") {
  const planner::Territory t = territory();
  planner::EvalParams params;
  planner::AccessEngine engine(t, params.cutoff_min);
  const planner::Evaluation before = planner::evaluate(engine, planner::Scenario::baseline(), params);
  opt::Problem p;
  p.objective = opt::Objective::PMedian;
  p.sites = 2;
  std::atomic<bool> cancel{false};
  std::vector<std::string> stages;
  opt::Control control;
  control.cancel = &cancel;
  control.progress = [&](const opt::Progress& pr) {
    stages.push_back(pr.stage);
    if (pr.stage == "Heuristique") cancel = true;  // as the viewer's "Annuler" would, from another thread
  };
  REQUIRE_THROWS_AS(opt::optimise(engine, before, p, params, control), opt::Cancelled);
  REQUIRE_FALSE(stages.empty());
  CHECK(stages.front() == "Préparation du problème");
  CHECK(stages.back() == "Heuristique");
}

TEST_CASE("Candidates from a planner's file and from a grid of road nodes", "[optimise]") {
  const planner::Territory t = territory();
  test::TempDir tmp("optimise-candidates");
  opt::Problem p;
  p.objective = opt::Objective::PMedian;
  p.sites = 2;
  SECTION("a file: points inside are candidates, a point outside the communes is left out with its reason") {
    // GeoJSON in Lambert-93 (declared CRS), as a planner's GIS would export it.
    test::write_text(tmp.file("sites.geojson"), R"({"type": "FeatureCollection",
      "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
      "features": [
        {"type": "Feature", "properties": {"code": "P1", "nom": "Local vacant"}, "geometry": {"type": "Point", "coordinates": [17000, 0]}},
        {"type": "Feature", "properties": {"code": "P2", "nom": "Hors territoire"}, "geometry": {"type": "Point", "coordinates": [30000, 0]}}]})");
    p.candidates.file = tmp.file("sites.geojson");
    p.candidates.file_id = "code";
    p.candidates.file_name = "nom";
    // Enumeration over the 5 sites and the file's point at km 17.
    std::vector<Cand> c = candidates(false);
    c.push_back({"OPT-P1", 17, 0, false});
    const Enumerated best = enumerate(c, [](const auto& o) { return o.size() <= 2; },
                                      [&](const auto& o) { return median_cost(c, o); });
    const Run x = run(t, p);
    CHECK(x.r.after.value == Approx(best.value));
    CHECK(x.r.report.candidates_by_source.at("fichier") == 1);
    REQUIRE(x.r.report.skipped.size() == 1);
    CHECK_THAT(x.r.report.skipped[0], Catch::Contains("OPT-P2") && Catch::Contains("hors des communes"));
    CHECK(from_evaluation(x.reloaded).first == Approx(x.r.after.value));
  }
  SECTION("a file without the id field is refused, naming the file and the field") {
    test::write_text(tmp.file("bad.geojson"), R"({"type": "FeatureCollection",
      "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
      "features": [{"type": "Feature", "properties": {"nom": "x"}, "geometry": {"type": "Point", "coordinates": [17000, 0]}}]})");
    p.candidates.file = tmp.file("bad.geojson");
    p.candidates.file_id = "code";
    planner::EvalParams params;
    planner::AccessEngine engine(t, params.cutoff_min);
    const planner::Evaluation before = planner::evaluate(engine, planner::Scenario::baseline(), params);
    REQUIRE_THROWS_WITH(opt::optimise(engine, before, p, params),
                        Catch::Contains("bad.geojson") && Catch::Contains("code"));
  }
  SECTION("a grid of road nodes: one node per cell, every proposal re-evaluates") {
    p.candidates.grid_km = 4;
    const Run x = run(t, p);
    REQUIRE(x.r.report.candidates_by_source.count("grille"));
    // The commune spans x in [-1, 21] km: 6 cells of 4 km along the road, centred at km 1, 5, 9,
    // 13, 17, 21; their nearest road nodes are at km 1, 5, 9, 13, 17, 20, and km 5 is site B's
    // position: left out as such.
    CHECK(x.r.report.candidates_by_source.at("grille") == 5);
    REQUIRE(x.r.report.skipped.size() == 1);
    CHECK_THAT(x.r.report.skipped[0], Catch::Contains("même position"));
    CHECK(x.r.verified_equal);
    CHECK(from_evaluation(x.reloaded).first == Approx(x.r.after.value));
    // With more candidates, no worse than the best pair of existing sites (enumerated).
    const auto existing = candidates(false);
    const Enumerated best_existing = enumerate(existing, [](const auto& o) { return o.size() <= 2; },
                                               [&](const auto& o) { return median_cost(existing, o); });
    CHECK(x.r.after.value <= best_existing.value + 1e-9);
  }
}

TEST_CASE("The optimiser on a territory without roads uses the straight-line times", "[optimise]") {
  std::vector<test::TinyUnit> units;
  for (double km : kUnitKm) units.push_back({km, 100});
  std::vector<test::TinySite> sites;
  for (const auto& s : kSites) sites.push_back({s.id, "C-" + s.id, "centre_polyvalent", s.km, {{"gp", s.gp}}});
  test::TinyOptions o;
  o.has_roads = false;
  const planner::Territory t = test::tiny_regime(units, sites, kAffiliates, 2024, o);
  // Straight line: distance x 1.3 at 40 km/h (the engine's documented model), in deciseconds.
  auto straight_ds = [](double a_km, double b_km) {
    return static_cast<double>(std::lround(std::abs(a_km - b_km) * 1000 * 1.3 / (40 / 3.6) * 10));
  };
  const auto c = candidates(false);
  const Enumerated best = enumerate(
      c, [](const auto& o2) { return o2.size() <= 2; },
      [&](const auto& open) {
        double v = 0;
        for (std::size_t u = 0; u < kUnitKm.size(); ++u) {
          double b = 1e300;
          for (int j : open) b = std::min(b, straight_ds(kUnitKm[u], c[static_cast<std::size_t>(j)].km));
          v += kAffiliates[u] * b;
        }
        return v;
      });
  opt::Problem p;
  p.objective = opt::Objective::PMedian;
  p.sites = 2;
  const Run x = run(t, p);
  CHECK(x.r.after.value == Approx(best.value));
  CHECK(x.r.verified_equal);
  CHECK(x.reloaded.model == planner::TimeModel::StraightLine);
}
