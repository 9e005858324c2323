// The heuristic and the exact mode (CBC) on tiny instances, against the optimum found
// by enumerating every subset in the test (tiny_instances.hpp), for every objective,
// with locked sites, a maximum time and sites kept outside the territory.
#include <catch2/catch.hpp>

#include "planner/optimise/exact.hpp"
#include "planner/optimise/heuristic.hpp"
#include "planner/optimise/lagrangian.hpp"
#include "tiny_instances.hpp"

using namespace recompose;
namespace opt = recompose::planner::optimise;
using test::Dense;
using test::kAbsent;

namespace {

// The heuristic's and CBC's answers, each checked with the test's own objective.
void check_against_enumeration(const Dense& d, const std::string& what) {
  INFO(what);
  const test::Brute best = test::brute_optimum(d);
  const opt::Instance in = test::to_instance(d);
  const opt::Solution h = opt::solve_heuristic(in);
  const test::Brute hv = test::brute_value(d, h.open);
  opt::ExactOptions eo;
  eo.time_limit_s = 30;
  const opt::ExactResult x = opt::solve_exact(in, eo);
  if (!best.feasible) {
    CHECK_FALSE(h.feasible);
    CHECK(x.status == opt::ExactStatus::Infeasible);
    return;
  }
  REQUIRE(h.feasible);
  REQUIRE(hv.feasible);
  CHECK(hv.value == Approx(best.value).epsilon(1e-9));
  CHECK(opt::primary(in, h) == Approx(best.value).epsilon(1e-9));
  REQUIRE(x.status == opt::ExactStatus::Optimal);
  REQUIRE(x.has_solution);
  const test::Brute xv = test::brute_value(d, x.solution.open);
  REQUIRE(xv.feasible);
  CHECK(xv.value == Approx(best.value).epsilon(1e-9));
  CHECK(x.objective == Approx(best.value).epsilon(1e-7));
  CHECK(x.bound == Approx(best.value).epsilon(1e-6));
}

}  // namespace

TEST_CASE("p-median by hand: two sites on a line of four towns", "[optimise]") {
  // Towns at km 0, 1, 10, 11 (weights 1, 1, 1, 5); candidates at km 0, 1, 10, 11.
  // Times 1 min per km (600 ds). With two sites, one goes to {0,1} and one to {10,11}:
  // the best pair is (0 or 1) + 11: cost 1 min for the other town of each pair x its weight:
  // site 0 + site 11: 1x1 (town 1) + 1x1 (town 10) = 2 min; site 1 + site 11: 1 + 1 = 2;
  // site 0 + site 10: 1 + 5 = 6. Optimum: 2 min = 1200 ds.
  Dense d;
  d.objective = opt::Objective::PMedian;
  d.p = 2;
  d.penalty_ds = 36000;
  d.weight = {1, 1, 1, 5};
  const double km[] = {0, 1, 10, 11};
  for (double c : km) {
    std::vector<std::uint32_t> col;
    for (double t : km) col.push_back(static_cast<std::uint32_t>(std::abs(c - t) * 600));
    d.time.push_back(col);
  }
  const opt::Instance in = test::to_instance(d);
  const opt::Solution h = opt::solve_heuristic(in);
  CHECK(opt::primary(in, h) == Approx(1200));
  CHECK(h.open[3] == 1);  // the heavy town's own site
  CHECK(h.open[2] == 0);
  check_against_enumeration(d, "hand-made p-median");
}

TEST_CASE("p-median: a unit with no site within the tables counts the penalty, never 0", "[optimise]") {
  // Two points; one candidate reaches only the first (1 min), the other only the second (2 min).
  // With one site, the point left without a site counts the penalty (20 min here).
  Dense d;
  d.objective = opt::Objective::PMedian;
  d.p = 1;
  d.penalty_ds = 12000;
  d.weight = {1, 1};
  d.time = {{600, kAbsent}, {kAbsent, 1200}};
  const opt::Instance in = test::to_instance(d);
  const opt::Solution h = opt::solve_heuristic(in);
  // Site 1: 600 + 12000 (penalty); site 2: 12000 + 1200. Best: site 1.
  CHECK(h.open[0] == 1);
  CHECK(opt::primary(in, h) == Approx(12600));
  check_against_enumeration(d, "penalty");
}

TEST_CASE("Every objective on random tiny instances equals the enumerated optimum", "[optimise]") {
  for (std::uint32_t seed = 1; seed <= 25; ++seed) {
    const std::string tag = "seed " + std::to_string(seed);
    SECTION("p-median " + tag) {
      Dense d = test::random_dense(seed, 12, 8);
      d.objective = opt::Objective::PMedian;
      d.p = 1 + static_cast<int>(seed % 3);
      check_against_enumeration(d, "p-median " + tag);
    }
    SECTION("p-median with locks and a maximum time " + tag) {
      Dense d = test::random_dense(seed + 100, 12, 8);
      d.objective = opt::Objective::PMedian;
      d.p = 3;
      d.lock[0] = opt::Lock::Open;
      d.lock[1] = opt::Lock::Closed;
      d.fixed[7] = 1;  // kept outside the territory: open, not counted
      d.max_ds = 6000;
      check_against_enumeration(d, "p-median locked " + tag);
    }
    SECTION("MCLP " + tag) {
      Dense d = test::random_dense(seed + 200, 12, 8);
      d.objective = opt::Objective::Mclp;
      d.cover_ds = 3600;
      d.p = 1 + static_cast<int>(seed % 3);
      if (seed % 2) d.lock[2] = opt::Lock::Open;
      check_against_enumeration(d, "MCLP " + tag);
    }
    SECTION("LSCP " + tag) {
      Dense d = test::random_dense(seed + 300, 12, 8);
      d.objective = opt::Objective::Lscp;
      d.cover_ds = 4800;
      if (seed % 3 == 0) d.lock[4] = opt::Lock::Closed;
      check_against_enumeration(d, "LSCP " + tag);
    }
    SECTION("close k of n " + tag) {
      Dense d = test::random_dense(seed + 400, 12, 7);
      d.objective = opt::Objective::PMedian;
      d.drop_start = true;
      d.p = 7 - 2;  // close 2 of 7
      check_against_enumeration(d, "close 2 of 7 " + tag);
    }
    SECTION("capacitated " + tag) {
      Dense d = test::random_dense(seed + 500, 10, 6);
      d.objective = opt::Objective::Capacitated;
      d.p = 3;
      d.critical = 3;
      d.merge_max_ds = 7200;
      for (std::size_t j = 0; j < 6; ++j) d.team[j] = static_cast<double>(1 + (seed + j) % 3);
      if (seed % 4 == 0) d.lock[1] = opt::Lock::Open;
      check_against_enumeration(d, "capacitated " + tag);
    }
  }
}

TEST_CASE("An impossible maximum time is reported, not answered", "[optimise]") {
  // Two points 10 km apart, one site allowed: no single site is within 3 min of both.
  Dense d;
  d.objective = opt::Objective::PMedian;
  d.p = 1;
  d.weight = {1, 1};
  d.max_ds = 1800;
  d.time = {{0, 6000}, {6000, 0}};
  d.penalty_ds = 12000;
  check_against_enumeration(d, "infeasible max time");
}

TEST_CASE("The Lagrangian bound never exceeds the enumerated optimum", "[optimise]") {
  for (std::uint32_t seed = 1; seed <= 25; ++seed) {
    INFO("seed " << seed);
    Dense d = test::random_dense(seed + 700, 14, 9);
    d.objective = opt::Objective::PMedian;
    d.p = 2 + static_cast<int>(seed % 3);
    if (seed % 2) d.lock[0] = opt::Lock::Open;
    if (seed % 3 == 0) d.max_ds = 6000;
    const test::Brute best = test::brute_optimum(d);
    const opt::Instance in = test::to_instance(d);
    const opt::Solution h = opt::solve_heuristic(in);
    if (!best.feasible) continue;
    const opt::LagrangianBound lb = opt::lagrangian_bound(in, opt::primary(in, h));
    REQUIRE_FALSE(std::isnan(lb.bound));
    CHECK(lb.bound <= best.value * (1 + 1e-9));
    CHECK(lb.bound > 0.5 * best.value);  // a bound, and a useful one
  }
  // The hand-made line of four towns: the relaxation is tight.
  Dense d;
  d.objective = opt::Objective::PMedian;
  d.p = 2;
  d.penalty_ds = 36000;
  d.weight = {1, 1, 1, 5};
  const double km[] = {0, 1, 10, 11};
  for (double c : km) {
    std::vector<std::uint32_t> col;
    for (double t : km) col.push_back(static_cast<std::uint32_t>(std::abs(c - t) * 600));
    d.time.push_back(col);
  }
  const opt::Instance in = test::to_instance(d);
  CHECK(opt::lagrangian_bound(in, 1200).bound == Approx(1200).epsilon(0.01));
}
