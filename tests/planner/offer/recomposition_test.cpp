// The regime's offer and demand (issue 12): critical size, inter-replacement,
// opening hours, share of other regimes, UFT, affiliates' access, projection and
// recruitment, scenario edits on teams (merge, move_team, closing an antenna),
// import of the planner's files, persistence and outputs. Every expected value is
// computed by hand in the comments, on the tiny territory of tiny_territory.hpp:
// a straight road x = 0..20 km at 60 km/h, so 1 km = 1 min = 600 ds.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "geo/error.hpp"
#include "planner/access_engine.hpp"
#include "planner/evaluation.hpp"
#include "planner/evaluation_report.hpp"
#include "planner/manifest.hpp"
#include "planner/offer/regime_import.hpp"
#include "planner/scenario.hpp"
#include "planner/territory_import.hpp"
#include "test_support.hpp"
#include "tiny_regime.hpp"

using namespace recompose;
using Catch::Contains;
using planner::Check;
using test::TinySite;
using test::TinyUnit;

namespace {

planner::Scenario scenario_of(const std::string& edits) {
  return planner::Scenario::parse(R"({"format": "recompose-scenario/1", "name": "test", "edits": [)" + edits + "]}",
                                  "test");
}

planner::Evaluation run(const planner::Territory& t, const planner::Scenario& s, const planner::EvalParams& p = {}) {
  planner::AccessEngine engine(t, p.cutoff_min, p.straight);
  return planner::evaluate(engine, s, p);
}

const planner::CentreFigures& centre(const planner::Evaluation& e, const std::string& id) {
  const planner::CentreFigures* c = e.recomposition.centre(id);
  INFO("centre " << id);
  REQUIRE(c != nullptr);
  return *c;
}

const planner::ServiceAccess& access(const planner::Evaluation& e, const std::string& target) {
  for (const auto& a : e.recomposition.access) {
    if (a.target == target) return a;
  }
  FAIL("no access figures for " << target);
  throw std::logic_error("unreachable");
}

std::size_t facility(const planner::Evaluation& e, const std::string& id) {
  for (std::size_t i = 0; i < e.facilities.size(); ++i) {
    if (e.facilities[i].id == id && e.facilities[i].open) return i;
  }
  FAIL("no open facility " << id);
  return 0;
}

// Five centres and a pharmacy; every team lists gp, nurse and dentist except E (gp unknown).
//   A  x=1  polyvalent {gp 3, nurse 2, dentist 0}   40 h / 5 days = 8 h/day
//   B  x=5  medical    {gp 2, nurse 2, dentist 0}   39 h / 5 days = 7.8 h/day
//   C1 x=8  polyvalent {gp 2, nurse 1, dentist 0}   32 h / 4 days = 8 h/day   } centre C:
//   C2 x=9  antenne    {gp 1, nurse 0, dentist 0}   10 h / 5 days = 2 h/day   } gp 3, nurse 1
//   D  x=12 dentaire   {gp 0, nurse 0, dentist 2}   39 h, days unknown -> 5 (parameter) = 7.8 h/day
//   E  x=15 medical    {nurse 2, dentist 0}         hours unknown
//   P  x=18 pharmacie  {}                           a budget unit of its own, not a centre
planner::Territory five_centres() {
  using M = std::map<std::string, double>;
  return test::tiny_regime(
      {{10, 100}},
      {{"A", "A", "centre_polyvalent", 1, M{{"gp", 3}, {"nurse", 2}, {"dentist", 0}}, 40, 5, {300, 100, 900, 100}},
       {"B", "B", "centre_medical", 5, M{{"gp", 2}, {"nurse", 2}, {"dentist", 0}}, 39, 5},
       {"C1", "C", "centre_polyvalent", 8, M{{"gp", 2}, {"nurse", 1}, {"dentist", 0}}, 32, 4, {100, 100, -1, -1}},
       {"C2", "C", "antenne", 9, M{{"gp", 1}, {"nurse", 0}, {"dentist", 0}}, 10, 5, {50, -1, -1, -1}},
       {"D", "D", "centre_dentaire", 12, M{{"gp", 0}, {"nurse", 0}, {"dentist", 2}}, 39, -1},
       {"E", "E", "centre_medical", 15, M{{"nurse", 2}, {"dentist", 0}}},
       {"P", "P", "pharmacie", 18, M{}}});
}

}  // namespace

// [SECTION] budget units -----------------------------------------------------------

TEST_CASE("Critical size at 2 and 3 GPs, summed over a centre's sites", "[regime]") {
  const auto t = five_centres();
  auto e = run(t, planner::Scenario::baseline());
  const auto& r = e.recomposition;
  REQUIRE(r.present);
  CHECK(r.fictitious);
  CHECK(centre(e, "A").fte.at("gp") == 3);
  CHECK(centre(e, "A").critical_size == Check::Yes);  // 3 >= 3
  CHECK(centre(e, "B").critical_size == Check::No);   // 2 < 3
  CHECK(centre(e, "C").sites.size() == 2);
  CHECK(centre(e, "C").fte.at("gp") == 3);  // 2 + 1 over its two sites
  CHECK(centre(e, "C").critical_size == Check::Yes);
  CHECK(centre(e, "D").critical_size == Check::NotApplicable);  // dental centre: no general practice
  CHECK(centre(e, "D").dental_only);
  CHECK(centre(e, "E").critical_size == Check::Unknown);  // its GPs are not given: no guess
  CHECK(centre(e, "E").fte_unknown == std::set<std::string>{"gp"});
  CHECK(!centre(e, "P").is_centre);
  CHECK(centre(e, "P").critical_size == Check::NotApplicable);
  // Centres: A, B, C, D, E (the pharmacy is not one); D is dental only.
  CHECK(r.centres_open == 5);
  CHECK(r.centres_open_dental == 1);
  CHECK(r.centres_counted == 5);
  CHECK(r.centres_below_critical == 1);  // B
  CHECK(r.centres_critical_unknown == 1);  // E

  planner::EvalParams p;
  p.regime.critical_gp_fte = 2;
  p.regime.count_dental_centres = false;
  e = run(t, planner::Scenario::baseline(), p);
  CHECK(centre(e, "B").critical_size == Check::Yes);  // 2 >= 2
  CHECK(e.recomposition.centres_below_critical == 0);
  CHECK(e.recomposition.centres_counted == 4);  // without the dental centre
}

TEST_CASE("Inter-replacement: at least 2 FTE of every profession present", "[regime]") {
  const auto e = run(five_centres(), planner::Scenario::baseline());
  CHECK(centre(e, "A").inter_replacement == Check::Yes);  // gp 3, nurse 2; no dentist
  CHECK(centre(e, "B").inter_replacement == Check::Yes);  // gp 2, nurse 2
  CHECK(centre(e, "C").inter_replacement == Check::No);   // nurse 1 + 0
  CHECK(centre(e, "C").short_professions == std::vector<std::string>{"nurse"});
  CHECK(centre(e, "D").inter_replacement == Check::Yes);      // dentist 2
  CHECK(centre(e, "E").inter_replacement == Check::Unknown);  // nurse 2 fine, gp unknown
  planner::EvalParams p;
  p.regime.inter_replacement_min_fte = 3;
  const auto e3 = run(five_centres(), planner::Scenario::baseline(), p);
  CHECK(centre(e3, "A").inter_replacement == Check::No);  // nurse 2 < 3
  CHECK(centre(e3, "A").short_professions == std::vector<std::string>{"nurse"});
  // Only the professions the seeds name (001 l.152: doctors and nurses) when asked: E's unknown
  // GPs then matter, its dentists (0) never did; with nurses alone E (nurse 2) passes.
  planner::EvalParams only;
  only.regime.inter_replacement_professions = {"nurse"};
  const auto en = run(five_centres(), planner::Scenario::baseline(), only);
  CHECK(centre(en, "E").inter_replacement == Check::Yes);
  CHECK(centre(en, "C").inter_replacement == Check::No);  // nurse 1
  CHECK(centre(en, "D").inter_replacement == Check::Yes);  // no nurse present
}

TEST_CASE("Opening 8 hours a day and the share of other regimes", "[regime]") {
  const auto e = run(five_centres(), planner::Scenario::baseline());
  const auto& r = e.recomposition;
  CHECK(r.site_of(facility(e, "A"))->hours_per_day == Approx(8.0));
  CHECK(r.site_of(facility(e, "A"))->opening == Check::Yes);
  CHECK(r.site_of(facility(e, "B"))->hours_per_day == Approx(7.8));
  CHECK(r.site_of(facility(e, "B"))->opening == Check::No);
  CHECK(r.site_of(facility(e, "C1"))->hours_per_day == Approx(8.0));  // 32 h over 4 days
  CHECK(r.site_of(facility(e, "C2"))->opening == Check::No);          // 2 h a day
  CHECK(centre(e, "C").opening == Check::Yes);                          // one of its sites is open 8 h
  CHECK(r.site_of(facility(e, "D"))->hours_per_day == Approx(7.8));   // 39 h / 5 days (parameter)
  CHECK(centre(e, "D").opening == Check::No);
  CHECK(centre(e, "E").opening == Check::Unknown);
  CHECK(std::isnan(r.site_of(facility(e, "E"))->hours_per_day));
  CHECK(r.site_of(facility(e, "P"))->opening == Check::NotApplicable);
  // A: patients 100 / (300 + 100) = 0.25, acts 100 / (900 + 100) = 0.1.
  CHECK(centre(e, "A").other_share_patients == Approx(0.25));
  CHECK(centre(e, "A").other_share_acts == Approx(0.1));
  // C1: 100 / 200 = 0.5; C2's other-regime patients are unknown, so C's share is unknown.
  CHECK(r.site_of(facility(e, "C1"))->other_share_patients == Approx(0.5));
  CHECK(std::isnan(centre(e, "C").other_share_patients));
  CHECK(std::isnan(centre(e, "B").other_share_acts));  // no activity given

  planner::EvalParams p;
  p.regime.opening_days_per_week = 4;  // D: 39 / 4 = 9.75 h
  CHECK(centre(run(five_centres(), planner::Scenario::baseline(), p), "D").opening == Check::Yes);
}

// [SECTION] UFT --------------------------------------------------------------------

TEST_CASE("UFT: centres 14 min apart are linked, 16 min apart are not", "[regime]") {
  using M = std::map<std::string, double>;
  const M team = {{"gp", 2}, {"nurse", 1}};
  // A x=2, B x=16: 14 min both ways.
  auto e = run(test::tiny_regime({{10, 100}}, {{"A", "A", "centre_polyvalent", 2, team}, {"B", "B", "centre_polyvalent", 16, team}}),
               planner::Scenario::baseline());
  REQUIRE(e.recomposition.ufts.size() == 1);
  CHECK(e.recomposition.ufts[0].centres == std::vector<std::string>{"A", "B"});
  CHECK(e.recomposition.ufts[0].fte.at("gp") == 4);  // 2 + 2 pooled
  REQUIRE(e.recomposition.links.size() == 1);
  CHECK(e.recomposition.links[0].time_min == Approx(14));
  CHECK(e.recomposition.links[0].distance_km == Approx(14));
  // 14 km is beyond 10 km: not linked by distance, linked by "time or distance".
  planner::EvalParams p;
  p.regime.uft_rule = "distance";
  const auto t14 = test::tiny_regime({{10, 100}}, {{"A", "A", "centre_polyvalent", 2, team}, {"B", "B", "centre_polyvalent", 16, team}});
  CHECK(run(t14, planner::Scenario::baseline(), p).recomposition.ufts.size() == 2);
  p.regime.uft_rule = "temps_ou_distance";
  CHECK(run(t14, planner::Scenario::baseline(), p).recomposition.ufts.size() == 1);

  // A x=2, B x=18: 16 min > 15: two UFTs, each of one centre.
  const auto t16 = test::tiny_regime({{10, 100}}, {{"A", "A", "centre_polyvalent", 2, team}, {"B", "B", "centre_polyvalent", 18, team}});
  e = run(t16, planner::Scenario::baseline());
  REQUIRE(e.recomposition.ufts.size() == 2);
  CHECK(e.recomposition.ufts[0].id == "UFT-1");
  CHECK(e.recomposition.ufts[0].centres == std::vector<std::string>{"A"});
  CHECK(e.recomposition.ufts[1].centres == std::vector<std::string>{"B"});
  CHECK(e.recomposition.links.empty());
  p.regime.uft_rule = "temps";
  p.regime.uft_max_min = 16;  // 16 <= 16
  CHECK(run(t16, planner::Scenario::baseline(), p).recomposition.ufts.size() == 1);
  p.regime.uft_max_min = 15;
  p.regime.uft_rule = "distance";
  p.regime.uft_max_km = 17;  // 16 km <= 17
  CHECK(run(t16, planner::Scenario::baseline(), p).recomposition.ufts.size() == 1);
}

TEST_CASE("UFT: an antenna links its centre to a third one, pharmacies are not nodes", "[regime]") {
  using M = std::map<std::string, double>;
  // A x=2 {gp 2, nurse 1}, its antenna A2 x=10 {gp 1, nurse 0}, B x=18 {gp 2, nurse 2}, pharmacy P x=17.
  // A-A2 8 min, A2-B 8 min, A-B 16 min: two links, one UFT, gp 2+1+2 = 5, nurse 1+0+2 = 3.
  const auto t = test::tiny_regime({{10, 100}}, {{"A", "A", "centre_polyvalent", 2, M{{"gp", 2}, {"nurse", 1}}},
                                                  {"A2", "A", "antenne", 10, M{{"gp", 1}, {"nurse", 0}}},
                                                  {"B", "B", "centre_polyvalent", 18, M{{"gp", 2}, {"nurse", 2}}},
                                                  {"P", "P", "pharmacie", 17, M{}}});
  const auto e = run(t, planner::Scenario::baseline());
  const auto& r = e.recomposition;
  CHECK(r.links.size() == 2);
  REQUIRE(r.ufts.size() == 1);
  CHECK(r.ufts[0].centres == std::vector<std::string>{"A", "B"});
  CHECK(r.ufts[0].sites.size() == 3);
  CHECK(r.ufts[0].fte.at("gp") == 5);
  CHECK(r.ufts[0].fte.at("nurse") == 3);
  CHECK(r.site_of(facility(e, "A2"))->uft == 0);
  CHECK(r.site_of(facility(e, "P"))->uft == -1);
}

TEST_CASE("UFT: connected groups chain, complete groups do not", "[regime]") {
  using M = std::map<std::string, double>;
  // A x=2, B x=10, C x=18: A-B 8 min, B-C 8 min, A-C 16 min.
  const auto t = test::tiny_regime({{10, 100}}, {{"A", "A", "centre_polyvalent", 2, M{{"gp", 1}}},
                                                  {"B", "B", "centre_polyvalent", 10, M{{"gp", 1}}},
                                                  {"C", "C", "centre_polyvalent", 18, M{{"gp", 1}}}});
  auto e = run(t, planner::Scenario::baseline());
  REQUIRE(e.recomposition.ufts.size() == 1);  // A-B-C chained
  CHECK(e.recomposition.links.size() == 2);
  planner::EvalParams p;
  p.regime.uft_grouping = "complet";
  e = run(t, planner::Scenario::baseline(), p);
  // A-B and B-C tie at 8 min: the first pair in centre order, {A, B}, is merged; C cannot join (A-C 16).
  REQUIRE(e.recomposition.ufts.size() == 2);
  CHECK(e.recomposition.ufts[0].centres == std::vector<std::string>{"A", "B"});
  CHECK(e.recomposition.ufts[1].centres == std::vector<std::string>{"C"});
  CHECK(e.recomposition.links.size() == 1);  // only A-B is inside a UFT
  p.regime.uft_max_min = 16;  // every pair linked: one UFT
  CHECK(run(t, planner::Scenario::baseline(), p).recomposition.ufts.size() == 1);
}

// [SECTION] affiliates ---------------------------------------------------------------

TEST_CASE("Projection over 4 years and patients to recruit as a range", "[regime]") {
  CHECK(planner::projection_factor(2024, 2028, 0.05, {}) == Approx(0.81450625));  // 0.95^4
  CHECK(planner::projection_factor(2024, 2024, 0.05, {}) == 1);
  CHECK(planner::projection_factor(2024, 2020, 0.05, {}) == 1);
  // 2025 at -10 %, 2026 at 0 %, 2027 and 2028 at the constant -5 %: 0.9 x 1 x 0.95 x 0.95.
  CHECK(planner::projection_factor(2024, 2028, 0.05, {{2025, 0.10}, {2026, 0.0}}) == Approx(0.81225));

  using M = std::map<std::string, double>;
  // u1 x=1: 1000 affiliates, nearest centre A x=2; u2 x=19: 500, nearest centre B x=18.
  const auto t = test::tiny_regime({{1, 100}, {19, 100}},
                                   {{"A", "A", "centre_polyvalent", 2, M{{"gp", 3}}}, {"B", "B", "centre_polyvalent", 18, M{{"gp", 3}}}},
                                   {1000, 500}, 2024);
  planner::EvalParams p;
  p.regime.horizon_year = 2028;
  const auto e = run(t, planner::Scenario::baseline(), p);
  const auto& r = e.recomposition;
  REQUIRE(r.has_affiliates);
  CHECK(r.base_year == 2024);
  CHECK(r.horizon_year == 2028);
  CHECK(r.projection_factor == Approx(0.81450625));
  CHECK(r.affiliates_now == Approx(1500));
  CHECK(r.affiliates_at_horizon == Approx(1221.759375));
  CHECK(r.affiliates_horizon[1] == Approx(407.253125));
  const auto& a = centre(e, "A");
  CHECK(a.affiliates_now == Approx(1000));
  CHECK(a.affiliates_horizon == Approx(814.50625));
  CHECK(a.affiliates_lost == Approx(185.49375));
  CHECK(a.recruit_low == Approx(370.9875));   // 2 x 185.49375
  CHECK(a.recruit == Approx(556.48125));      // 3 x
  CHECK(a.recruit_high == Approx(741.975));   // 4 x
  CHECK(centre(e, "B").affiliates_lost == Approx(92.746875));
  CHECK(r.recruit == Approx(834.721875));  // 3 x (185.49375 + 92.746875)
  CHECK(r.unit_centre[0] == 0);
  CHECK(r.unit_centre[1] == 1);

  p.recruitment_multiplier = 2.5;
  p.regime.horizon_year = 0;  // affiliates year + projection_years (5): 0.95^5
  p.projection_years = 5;
  const auto e2 = run(t, planner::Scenario::baseline(), p);
  CHECK(e2.recomposition.horizon_year == 2029);
  CHECK(e2.recomposition.projection_factor == Approx(0.7737809375));
  CHECK(centre(e2, "A").recruit == Approx(2.5 * 1000 * (1 - 0.7737809375)));
}

TEST_CASE("Affiliates beyond 15 and 30 minutes and outside the rayon d'action", "[regime]") {
  using M = std::map<std::string, double>;
  // One centre A at x=0; affiliates 100 at x=1 (1 min), 30 at x=10 (10 min), 50 at x=19 (19 min).
  const auto t = test::tiny_regime({{1, 100}, {10, 100}, {19, 100}}, {{"A", "A", "centre_polyvalent", 0, M{{"gp", 1}}}},
                                   {100, 30, 50});
  planner::EvalParams p;
  auto e = run(t, planner::Scenario::baseline(), p);
  const auto& any = access(e, planner::kRegimeKind);
  CHECK(any.affiliates_routed == Approx(180));
  CHECK(any.mean_min == Approx(7.5));  // (100 x 1 + 30 x 10 + 50 x 19) / 180 = 1350 / 180
  CHECK(any.beyond.at(15) == Approx(50));
  CHECK(any.beyond.at(30) == Approx(0));
  CHECK(any.affiliates_no_access == 0);
  CHECK(access(e, "regime_gp").beyond.at(15) == Approx(50));
  CHECK(e.recomposition.affiliates_outside_rayon == Approx(50));  // 19 > 15
  p.regime.rayon_action_min = 20;
  CHECK(run(t, planner::Scenario::baseline(), p).recomposition.affiliates_outside_rayon == 0);
  p.regime.rayon_action_min = 9;  // 10 and 19 > 9
  CHECK(run(t, planner::Scenario::baseline(), p).recomposition.affiliates_outside_rayon == Approx(80));
  // Nothing within the cutoff counts as beyond, never as 0 minutes.
  p.cutoff_min = 12;
  e = run(t, planner::Scenario::baseline(), p);
  CHECK(access(e, planner::kRegimeKind).affiliates_no_access == Approx(50));
  CHECK(access(e, planner::kRegimeKind).mean_min == Approx((100.0 + 300.0) / 130.0));
  CHECK(e.recomposition.affiliates_unallocated == Approx(50));
  CHECK(e.recomposition.unit_centre[2] == -1);
}

// [SECTION] scenario edits ---------------------------------------------------------

namespace {

// u1 x=1: 1000 affiliates; u2 x=19: 500.
//   A x=2  {gp 2, nurse 1}  patients 300 / 100, acts 900 / 100
//   B x=18 {gp 1, nurse 1}  patients 100 / 100, acts 100 / 100
planner::Territory two_small_centres() {
  using M = std::map<std::string, double>;
  return test::tiny_regime({{1, 100}, {19, 100}},
                           {{"A", "A", "centre_polyvalent", 2, M{{"gp", 2}, {"nurse", 1}}, 40, 5, {300, 100, 900, 100}},
                            {"B", "B", "centre_polyvalent", 18, M{{"gp", 1}, {"nurse", 1}}, 40, 5, {100, 100, 100, 100}}},
                           {1000, 500});
}

}  // namespace

TEST_CASE("A merge pools the teams and activity of the merged sites", "[regime]") {
  const auto t = two_small_centres();
  const auto s = scenario_of(R"({"op": "merge", "facilities": ["A", "B"], "into": "A"})");
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto before = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const auto after = planner::evaluate(engine, s, p);
  CHECK(before.recomposition.centres_below_critical == 2);  // 2 and 1 GPs
  CHECK(before.recomposition.ufts.size() == 2);             // 16 min apart
  const auto& a = centre(after, "A");
  CHECK(a.fte.at("gp") == 3);     // 2 + 1
  CHECK(a.fte.at("nurse") == 2);  // 1 + 1
  CHECK(a.critical_size == Check::Yes);
  CHECK(a.inter_replacement == Check::Yes);
  CHECK(a.activity.patients_mining == 400);
  CHECK(a.other_share_patients == Approx(200.0 / 600.0));
  CHECK(a.other_share_acts == Approx(200.0 / 1200.0));
  CHECK(centre(after, "B").sites.empty());  // its only site merged away: the centre is closed
  CHECK(after.recomposition.centres_open == 1);
  CHECK(after.recomposition.centres_below_critical == 0);
  CHECK(after.recomposition.ufts.size() == 1);
  // All affiliates now go to A: u2 from 1 min (B) to 17 min (A).
  CHECK(a.affiliates_now == Approx(1500));
  const auto effects = planner::edit_effects(t, before, after, s, p);
  REQUIRE(effects.size() == 1);
  CHECK(effects[0].target == "regime_centre");
  CHECK(effects[0].affiliates_changed == Approx(500));
  CHECK(effects[0].mean_delta_min == Approx(16));
  CHECK(effects[0].max_delta_min == Approx(16));
  CHECK(effects[0].affiliates_lost_access == 0);
  CHECK(effects[0].affiliates_newly_outside_rayon == Approx(500));  // 1 -> 17 min, rayon 15

  // Merged at a new site x=10: the new site holds the pooled team, in A's budget unit.
  const auto at = scenario_of(R"({"op": "merge", "facilities": ["A", "B"], "at": {"x_l93": 10000, "y_l93": 0}, "id": "N"})");
  const auto e2 = planner::evaluate(engine, at, p);
  const auto& n = e2.facilities[facility(e2, "N")];
  CHECK(n.regime);
  CHECK(n.site.centre_id == "A");
  CHECK(n.site.fte.at("gp") == 3);
  CHECK(centre(e2, "A").sites.size() == 1);
  CHECK(centre(e2, "A").critical_size == Check::Yes);
  // u1 x=1 and u2 x=19 are both 9 min from x=10.
  CHECK(access(e2, "regime_centre").mean_min == Approx(9));
}

TEST_CASE("Opening a regime site: a new budget unit, or a new site of an existing one", "[regime]") {
  const auto t = two_small_centres();
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  // N x=10 {gp 3, nurse 2}: its own centre; A-N 8 min and N-B 8 min link the three centres.
  const auto s = scenario_of(R"({"op": "open", "id": "N", "kind": "regime_site", "name": "Nouveau centre",
      "at": {"x_l93": 10000, "y_l93": 0}, "team": {"gp": 3, "nurse": 2}})");
  const auto e = planner::evaluate(engine, s, p);
  CHECK(e.recomposition.centres_open == 3);
  CHECK(centre(e, "N").critical_size == Check::Yes);
  CHECK(centre(e, "N").name == "Nouveau centre");
  CHECK(e.facilities[facility(e, "N")].flags.at("regime_gp"));
  CHECK(e.recomposition.ufts.size() == 1);
  CHECK(centre(e, "N").affiliates_now == 0);  // u1 and u2 stay 1 min from A and B
  // The same site as a second site of centre A: A's GPs 2 + 3.
  const auto s2 = scenario_of(R"({"op": "open", "id": "N", "kind": "regime_site", "name": "Antenne", "type": "antenne",
      "centre": "A", "at": {"x_l93": 10000, "y_l93": 0}, "team": {"gp": 3, "nurse": 0}})");
  const auto e2 = planner::evaluate(engine, s2, p);
  CHECK(centre(e2, "A").sites.size() == 2);
  CHECK(centre(e2, "A").fte.at("gp") == 5);
  CHECK(e2.recomposition.centres_open == 2);
  const auto again = planner::Scenario::parse(s2.to_json(), "round trip");
  CHECK(again.edits[0].centre == "A");
  CHECK(again.edits[0].site_type == "antenne");
  CHECK(again.edits[0].team.at("gp") == 3);
  CHECK_THROWS_WITH(scenario_of(R"({"op": "open", "id": "N", "kind": "regime_site", "type": "hopital",
      "at": {"x_l93": 10000, "y_l93": 0}})"), Contains("edit #1 (open)") && Contains("unknown regime site type"));
}

TEST_CASE("A pharmacy cannot be merged with a centre", "[regime]") {
  using M = std::map<std::string, double>;
  const auto t = test::tiny_regime({{1, 100}}, {{"A", "A", "centre_polyvalent", 2, M{{"gp", 2}}}, {"P", "P", "pharmacie", 4, M{}}});
  CHECK_THROWS_WITH(run(t, scenario_of(R"({"op": "merge", "facilities": ["A", "P"], "into": "A"})")),
                    Contains("edit #1") && Contains("pharmacy cannot be merged"));
}

TEST_CASE("move_team moves FTE between regime sites, and services follow the teams", "[regime]") {
  const auto t = two_small_centres();
  const auto s = scenario_of(R"({"op": "move_team", "from": "B", "to": "A", "profession": "gp", "fte": 1})");
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto before = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const auto after = planner::evaluate(engine, s, p);
  CHECK(centre(after, "A").fte.at("gp") == 3);
  CHECK(centre(after, "A").critical_size == Check::Yes);
  CHECK(centre(after, "B").fte.at("gp") == 0);
  const auto& b = after.facilities[facility(after, "B")];
  CHECK(!b.flags.count("regime_gp"));  // no GP left at B
  CHECK(b.flags.at("regime_nurse"));
  CHECK(after.applied.size() == 1);
  CHECK_THAT(after.applied[0], Contains("1 ETP médecin généraliste"));
  // u2's nearest GP goes from B (1 min) to A (17 min).
  const auto effects = planner::edit_effects(t, before, after, s, p);
  REQUIRE(effects.size() == 1);
  CHECK(effects[0].target == "regime_gp");
  CHECK(effects[0].affiliates_changed == Approx(500));
  CHECK(effects[0].mean_delta_min == Approx(16));
  // The nearest site of any service is unchanged (B still has a nurse).
  CHECK(access(after, planner::kRegimeKind).mean_min == Approx(1));

  // Without "fte": the whole team of that profession.
  const auto all = planner::evaluate(engine, scenario_of(R"({"op": "move_team", "from": "A", "to": "B", "profession": "nurse"})"), p);
  CHECK(centre(all, "B").fte.at("nurse") == 2);
  CHECK(centre(all, "A").fte.at("nurse") == 0);
  // Saved and read back.
  const auto again = planner::Scenario::parse(s.to_json(), "round trip");
  REQUIRE(again.edits.size() == 1);
  CHECK(again.edits[0].facilities == std::vector<std::string>{"B", "A"});
  CHECK(again.edits[0].profession == "gp");
  CHECK(again.edits[0].fte == 1.0);
}

TEST_CASE("move_team refuses a bad edit with a message naming it", "[regime]") {
  auto t = two_small_centres();
  planner::Facility g;
  g.id = "G";
  g.kind = "gp_point";
  g.point = {5000, 0};
  g.snap = t.facilities[0].snap;
  t.facilities.push_back(g);
  CHECK_THROWS_WITH(run(t, scenario_of(R"({"op": "move_team", "from": "B", "to": "A", "profession": "gp", "fte": 2})")),
                    Contains("edit #1 (move_team B A)") && Contains("cannot move 2"));
  CHECK_THROWS_WITH(run(t, scenario_of(R"({"op": "move_team", "from": "G", "to": "A", "profession": "gp"})")),
                    Contains("edit #1") && Contains("G is not a site of the mining regime"));
  CHECK_THROWS_WITH(run(t, scenario_of(R"({"op": "move_team", "from": "B", "to": "A", "profession": "dentist"})")),
                    Contains("dentist team of B is unknown"));
  CHECK_THROWS_WITH(run(t, scenario_of(R"({"op": "close", "facility": "B"}, {"op": "move_team", "from": "B", "to": "A", "profession": "gp"})")),
                    Contains("edit #2") && Contains("B is closed"));
  CHECK_THROWS_WITH(scenario_of(R"({"op": "move_team", "from": "B", "to": "A", "profession": "surgeon"})"),
                    Contains("edit #1 (move_team)") && Contains("unknown profession 'surgeon'"));
  CHECK_THROWS_WITH(scenario_of(R"({"op": "move_team", "from": "B", "to": "B", "profession": "gp"})"),
                    Contains("the same site"));
  CHECK_THROWS_WITH(scenario_of(R"({"op": "move_team", "from": "B", "to": "A", "profession": "gp", "fte": 0})"),
                    Contains("must be > 0"));
}

TEST_CASE("Closing an antenna keeps its centre", "[regime]") {
  using M = std::map<std::string, double>;
  // A x=2 {gp 3, nurse 2} and its antenna A2 x=10 {gp 1, nurse 0}.
  const auto t = test::tiny_regime({{1, 100}, {11, 100}}, {{"A", "A", "centre_polyvalent", 2, M{{"gp", 3}, {"nurse", 2}}},
                                                         {"A2", "A", "antenne", 10, M{{"gp", 1}, {"nurse", 0}}}},
                                   {100, 40});
  const auto s = scenario_of(R"({"op": "close", "facility": "A2"})");
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto before = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const auto after = planner::evaluate(engine, s, p);
  CHECK(centre(before, "A").fte.at("gp") == 4);
  const auto& a = centre(after, "A");
  CHECK(a.sites.size() == 1);
  CHECK(a.closed_sites == 1);
  CHECK(a.fte.at("gp") == 3);  // the antenna's GP leaves the offer (move_team first to keep it)
  CHECK(a.critical_size == Check::Yes);
  CHECK(after.recomposition.centres_open == 1);
  CHECK(a.affiliates_now == Approx(140));  // the antenna's affiliates go to the centre
  // u2 x=11: 1 min to A2, 9 min to A.
  const auto effects = planner::edit_effects(t, before, after, s, p);
  REQUIRE(effects.size() == 1);
  CHECK(effects[0].affiliates_changed == Approx(40));
  CHECK(effects[0].mean_delta_min == Approx(8));
}

// [SECTION] import, persistence, outputs -----------------------------------------------

TEST_CASE("Import: sites placed at their commune, affiliates spread pro rata population", "[regime]") {
  test::TempDir dir("regime-import");
  test::write_text(dir.file("sites.csv"),
                   "id,nom,centre,type,code_commune,x,y,etp_mg,etp_inf,heures\n"
                   "S1,Centre S1,C1,centre_polyvalent,62001,,,3,2,40\n"
                   "S2,Antenne S2,C1,antenne,,5000,0,1,abc,\n"
                   "S3,Clinique,,clinique,,8000,0,,,\n"
                   "S4,Nulle part,,antenne,,,,1,1,\n"
                   "S5,Ailleurs,,antenne,99999,,,1,1,\n");
  test::write_text(dir.file("affilies.csv"),
                   "code,affilies,plus_75\n"
                   "62001,1200,600\n"
                   "99999,50,10\n");
  const std::string manifest = R"({"format": "recompose-manifest/1", "name": "tiny",
    "communes": {"select": {"path": "x", "code": "c"}, "population": {"path": "x"}, "geometry": []},
    "units": {"path": "x", "code": "c", "commune": "c"}, "roads": {"kind": "none", "reason": "test"},
    "regime": {"fictitious": true,
      "sites": {"path": "sites.csv", "x": "x", "y": "y", "crs": "EPSG:2154", "commune": "code_commune",
                "id": "id", "name": "nom", "centre": "centre", "type": "type",
                "fte": {"gp": "etp_mg", "nurse": "etp_inf"}, "opening_hours_week": "heures", "source": "test"},
      "affiliates": {"path": "affilies.csv", "level": "commune", "code": "code", "count": "affilies",
                     "age_bands": {"75+": "plus_75"}, "year": 2023}}})";
  const auto m = planner::Manifest::parse(manifest, dir.file("manifest.json"));
  REQUIRE(m.regime);
  // Units x = 2, 6, 10 km with 100, 200, 300 inhabitants, all in commune 62001.
  auto t = test::tiny_territory({{2, 100}, {6, 200}, {10, 300}}, {});
  planner::ImportReport report;
  planner::import_regime(m, t, report);
  const auto& r = t.regime;
  CHECK(r.fictitious);
  REQUIRE(r.sites.size() == 3);  // S1, S2, S3; S4 has no location, S5's commune is not in the territory
  CHECK(r.sites[0].facility_id == "REGIME-S1");
  CHECK(r.sites[0].placed_at_commune);
  CHECK(t.facilities[0].point.x_m == Approx(t.communes[0].point.x_m));
  CHECK(t.facilities[0].kind == planner::kRegimeKind);
  CHECK(t.facilities[0].flags.at("mining_regime"));
  CHECK(t.facilities[0].flags.at("regime_gp"));
  CHECK(t.facilities[0].flags.at("regime_centre"));
  CHECK(r.sites[0].fte.at("gp") == 3);
  CHECK(r.sites[0].opening_hours_week == 40);
  CHECK(!r.sites[1].placed_at_commune);
  CHECK(t.facilities[1].point.x_m == Approx(5000));
  CHECK(r.sites[1].fte.at("gp") == 1);
  CHECK(!r.sites[1].fte.count("nurse"));  // "abc": unknown, with a warning
  CHECK(r.sites[1].opening_hours_week == -1);
  CHECK(r.sites[2].type == "autre");
  CHECK(r.sites[2].centre_id == "S3");  // no budget unit given: its own
  std::map<std::string, int> codes;
  for (const auto& d : report.diagnostics) ++codes[d.code];
  CHECK(codes["regime-unknown-type"] == 1);
  CHECK(codes["regime-bad-number"] == 1);
  CHECK(codes["regime-site-without-location"] == 1);
  CHECK(codes["regime-site-outside-territory"] == 1);
  CHECK(codes["regime-affiliates-outside"] == 1);
  // 1200 affiliates over 100 / 200 / 300 inhabitants: 200, 400, 600; the 75+ band 100, 200, 300.
  REQUIRE(r.affiliates.size() == 3);
  CHECK(r.affiliates[0] == Approx(200));
  CHECK(r.affiliates[1] == Approx(400));
  CHECK(r.affiliates[2] == Approx(600));
  CHECK(r.age_bands == std::vector<std::string>{"75+"});
  CHECK(r.affiliates_by_age[0][2] == Approx(300));
  CHECK(r.affiliates_year == 2023);
  CHECK_THAT(r.affiliates_method, Contains("prorata de leur population"));

  // A bad manifest key names itself.
  CHECK_THROWS_WITH(planner::Manifest::parse(R"({"format": "recompose-manifest/1", "name": "x",
    "communes": {"select": {"path": "x", "code": "c"}, "population": {"path": "x"}, "geometry": []},
    "units": {"path": "x", "code": "c", "commune": "c"}, "roads": {"kind": "none", "reason": "test"},
    "regime": {"sites": {"path": "s.csv", "id": "id", "type": "t", "fte": {"doctor": "d"}}}})", "m.json"),
                    Contains("$.regime.sites.fte.doctor: unknown profession"));
  CHECK_THROWS_WITH(planner::Manifest::parse(R"({"format": "recompose-manifest/1", "name": "x",
    "communes": {"select": {"path": "x", "code": "c"}, "population": {"path": "x"}, "geometry": []},
    "units": {"path": "x", "code": "c", "commune": "c"}, "roads": {"kind": "none", "reason": "test"},
    "regime": {"affiliates": {"path": "a.csv", "level": "commune", "code": "c", "count": "n"}}})", "m.json"),
                    Contains("$.regime.affiliates.year"));
}

TEST_CASE("Regime data is saved and loaded with the territory", "[regime]") {
  using M = std::map<std::string, double>;
  test::TinyOptions o;
  o.has_roads = false;
  auto t = test::tiny_regime({{1, 100}, {5, 100}}, {{"A", "A", "centre_polyvalent", 2, M{{"gp", 2.5}}, 40, 5, {1, 2, 3, 4}}},
                             {10.5, 0}, 2022, o);
  t.regime.sites[0].pharmacy_status = "";
  t.regime.sites[0].dental_chairs = 2;
  t.regime.age_bands = {"75+"};
  t.regime.affiliates_by_age = {{4, 0}};
  test::TempDir dir("regime-io");
  planner::save_territory(t, dir.str());
  const auto u = planner::load_territory(dir.str());
  REQUIRE(u.regime.sites.size() == 1);
  CHECK(u.regime.fictitious);
  CHECK(u.regime.sites[0].facility_id == "A");
  CHECK(u.regime.sites[0].fte.at("gp") == 2.5);
  CHECK(u.regime.sites[0].opening_hours_week == 40);
  CHECK(u.regime.sites[0].dental_chairs == 2);
  CHECK(u.regime.sites[0].activity.acts_other == 4);
  CHECK(u.regime.affiliates == std::vector<double>{10.5, 0});
  CHECK(u.regime.affiliates_by_age[0][0] == 4);
  CHECK(u.regime.affiliates_year == 2022);
  CHECK(u.facilities[0].kind == planner::kRegimeKind);
  CHECK(u.facilities[0].flags.at("regime_gp"));
}

TEST_CASE("Outputs: centres.csv, sites_regime, uft.csv, affilies.csv, rapport and summary say fictitious", "[regime]") {
  const auto t = two_small_centres();
  const auto s = scenario_of(R"({"op": "merge", "facilities": ["A", "B"], "into": "A"})");
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto before = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const auto after = planner::evaluate(engine, s, p);
  test::TempDir dir("regime-out");
  planner::write_evaluation(engine, s, p, before, after, dir.str());
  const std::string label = planner::kFictitiousLabel;
  const auto centres = test::read_csv(dir.file("centres.csv"));
  REQUIRE(centres.size() == 2);
  CHECK(centres[0].at("centre") == "A");
  CHECK(centres[0].at("avertissement") == label);
  CHECK(centres[0].at("taille_critique_avant") == "non");
  CHECK(centres[0].at("taille_critique_apres") == "oui");
  CHECK(std::stod(centres[0].at("etp_gp_apres")) == 3);
  CHECK(centres[1].at("etat_apres") == "fermé");
  const auto sites = test::read_csv(dir.file("sites_regime.csv"));
  REQUIRE(sites.size() == 2);
  CHECK(sites[1].at("id") == "B");
  CHECK(sites[1].at("etat_apres") == "fermé");
  const auto uft = test::read_csv(dir.file("uft.csv"));
  REQUIRE(uft.size() == 2);
  CHECK(uft[0].at("uft_avant") == "UFT-1");
  CHECK(uft[1].at("uft_avant") == "UFT-2");
  CHECK(uft[0].at("uft_apres") == "UFT-1");
  CHECK(uft[1].at("uft_apres").empty());  // closed
  const auto aff = test::read_csv(dir.file("affilies.csv"));
  REQUIRE(aff.size() == 2);
  CHECK(std::stod(aff[1].at("affilies")) == 500);
  CHECK(aff[1].at("site_plus_proche_avant") == "B");
  CHECK(aff[1].at("site_plus_proche_apres") == "A");
  CHECK(std::stod(aff[1].at("d_site_min")) == Approx(16));
  // The other tables built with the regime's sites say it too.
  CHECK(test::read_csv(dir.file("unites.csv"))[0].at("avertissement_regime") == label);
  CHECK(test::read_csv(dir.file("etablissements.csv"))[0].at("avertissement_regime") == label);
  CHECK(test::read_csv(dir.file("territoire.csv"))[0].at("avertissement_regime") == label);
  const auto gj = test::read_json(dir.file("sites_regime.geojson"));
  CHECK(gj["features"][0]["properties"]["id"] == "A");
  CHECK(gj["features"][0]["properties"]["avertissement"] == label);
  const auto summary = test::read_json(dir.file("summary.json"));
  REQUIRE(summary.contains("recomposition"));
  CHECK(summary["recomposition"]["fictitious"] == true);
  CHECK(summary["recomposition"]["label"] == label);
  CHECK(summary["recomposition"]["before"]["centres_below_critical_size"] == 2);
  CHECK(summary["recomposition"]["after"]["centres_below_critical_size"] == 0);
  CHECK(summary["recomposition"]["edits"][0]["affiliates_changing_site"] == Approx(500));
  const std::string rapport = test::read_text(dir.file("rapport.md"));
  CHECK_THAT(rapport, Contains("## Recomposition de l'offre du régime minier"));
  CHECK_THAT(rapport, Contains(label));
  CHECK_THAT(rapport, Contains("000 l.701-705"));
  CHECK_THAT(rapport, Contains("002 l.1583-1587"));
}

TEST_CASE("Loire with the fictitious regime example: imported, routed, every affiliate counted once", "[regime][loire]") {
  const auto m = planner::Manifest::load(test::source_file("datasets/loire.json"));
  planner::ImportOptions opt;
  opt.data_root = test::data_root();
  planner::ImportReport report;
  const auto t = planner::import_territory(m, opt, report);
  REQUIRE(t.regime.fictitious);
  // The example file: 7 sites, 6 of them without coordinates (placed at their commune).
  const auto rows = test::read_csv(test::source_file("datasets/examples/regime-loire-fictif.csv"));
  CHECK(t.regime.sites.size() == rows.size());
  std::size_t without = 0;
  for (const auto& r : rows) without += r.at("lon").empty();
  std::size_t placed = 0;
  for (const auto& s : t.regime.sites) placed += s.placed_at_commune;
  CHECK(placed == without);
  double file_total = 0;
  for (const auto& r : test::read_csv(test::source_file("datasets/examples/affilies-loire-fictif.csv"))) {
    file_total += std::stod(r.at("affilies"));
  }
  double units_total = 0;
  for (double a : t.regime.affiliates) units_total += a;
  CHECK(units_total == Approx(file_total));  // every commune of the file is in the territory
  planner::AccessEngine engine(t, 60);
  const auto e = planner::evaluate(engine, planner::Scenario::baseline(), planner::EvalParams{});
  const auto& r = e.recomposition;
  double allocated = 0;
  for (const auto& c : r.centres) allocated += c.affiliates_now;
  CHECK(allocated + r.affiliates_unallocated + r.affiliates_off_network == Approx(file_total));
  CHECK(r.centres_open == 4);  // Saint-Étienne (2 sites), La Ricamarie, Roche-la-Molière, Saint-Chamond
  CHECK(!r.ufts.empty());
  for (const auto& l : r.links) CHECK(l.time_min <= 15.0 + 1e-9);

  // The example scenario: Roche-la-Molière merged into La Ricamarie, whose GPs add up.
  double gp = 0;
  for (const auto& row : rows) {
    if (row.at("id") == "RICAMARIE-CS" || row.at("id") == "ROCHE-CM") gp += std::stod(row.at("etp_mg"));
  }
  const auto s = planner::Scenario::load(test::source_file("datasets/scenarios/loire-regime-regroupement.json"));
  const auto after = planner::evaluate(engine, s, planner::EvalParams{});
  CHECK(after.recomposition.centres_open == 3);
  CHECK(centre(after, "C-RICAMARIE").fte.at("gp") == Approx(gp));
  CHECK(centre(after, "C-ROCHE").sites.empty());
}

TEST_CASE("A relocated regime site is one row of sites_regime and uft.csv, before at its old site", "[regime][ids]") {
  const auto t = two_small_centres();
  const auto s = scenario_of(R"({"op": "relocate", "facility": "B", "to": {"x_l93": 12000, "y_l93": 0}})");
  planner::AccessEngine engine(t, 60);
  const planner::EvalParams p;
  const auto before = planner::evaluate(engine, planner::Scenario::baseline(), p);
  const auto after = planner::evaluate(engine, s, p);
  test::TempDir dir("regime-ids");
  planner::write_evaluation(engine, s, p, before, after, dir.str());
  for (const char* file : {"sites_regime.csv", "uft.csv", "etablissements.csv"}) {
    const auto rows = test::read_csv(dir.file(file));
    INFO(file);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].at("id") == "A");
    CHECK(rows[1].at("id") == "B");
  }
  const auto sites = test::read_csv(dir.file("sites_regime.csv"));
  CHECK(sites[1].at("etat_avant") == "ouvert");
  CHECK(sites[1].at("etat_apres") == "ouvert");
  CHECK(std::stod(sites[1].at("etp_gp_avant")) == 1);  // the team before, at x = 18 km
  CHECK(std::stod(sites[1].at("etp_gp_apres")) == 1);
  // B's unit (x = 19 km, 500 affiliates) stays nearest to B: 1 min before, 7 min after.
  CHECK(std::stod(sites[1].at("affilies_rattaches_avant")) == 500);
  CHECK(std::stod(sites[1].at("affilies_rattaches_apres")) == 500);
  const auto uft = test::read_csv(dir.file("uft.csv"));
  CHECK(uft[1].at("uft_avant") == "UFT-2");
  CHECK(uft[1].at("uft_apres") == uft[0].at("uft_apres"));  // now 10 min from A (< 15 min): one UFT
}
