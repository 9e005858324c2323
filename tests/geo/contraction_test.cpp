#include "geo/contraction.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <tuple>

#include "geo/error.hpp"
#include "geo/road_import.hpp"
#include "hand_graphs.hpp"
#include "test_support.hpp"

using namespace recompose;
using recompose::test::build;
using recompose::test::node_at;
using recompose::test::way;

namespace {

// Number of nodes where PHAST and Dijkstra disagree.
std::size_t phast_mismatches(const geo::RoadGraph& g, const geo::ContractionHierarchy& ch, geo::Direction dir,
                             std::span<const geo::Seed> seeds, geo::DijkstraWorkspace& dws, geo::PhastWorkspace& pws) {
  geo::run_dijkstra(g, dir, seeds, geo::kUnreachable, dws);
  geo::run_phast(ch, dir, seeds, pws);
  std::size_t bad = 0;
  for (geo::NodeId v = 0; v < g.node_count(); ++v) bad += dws.time(v) != pws.time(v);
  return bad;
}

// Number of (lane, node) pairs where a batched sweep and Dijkstra disagree; unused
// lanes must be unreachable everywhere.
std::size_t batch_mismatches(const geo::RoadGraph& g, const geo::ContractionHierarchy& ch, geo::Direction dir,
                             const std::vector<std::vector<geo::Seed>>& sets, geo::DijkstraWorkspace& dws,
                             geo::PhastBatchWorkspace& bws) {
  geo::run_phast_batch(ch, dir, sets, bws);
  std::size_t bad = 0;
  for (unsigned lane = 0; lane < geo::kPhastLanes; ++lane) {
    if (lane < sets.size()) {
      geo::run_dijkstra(g, dir, sets[lane], geo::kUnreachable, dws);
      for (geo::NodeId v = 0; v < g.node_count(); ++v) bad += dws.time(v) != bws.time(lane, v);
    } else {
      for (geo::NodeId v = 0; v < g.node_count(); ++v) bad += bws.time(lane, v) != geo::kUnreachable;
    }
  }
  return bad;
}

// Random sources, both directions; single sweeps, a full batch, a partial batch and
// multi-seed sets with offsets, every node compared with Dijkstra.
void check_against_dijkstra(const geo::RoadGraph& g, const geo::ContractionHierarchy& ch, int sources,
                            unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<geo::NodeId> pick(0, g.node_count() - 1);
  std::uniform_int_distribution<geo::Deciseconds> offset(0, 3000);
  geo::DijkstraWorkspace dws;
  geo::PhastWorkspace pws;
  geo::PhastBatchWorkspace bws;
  std::size_t bad = 0, reached = 0;
  for (int k = 0; k < sources; ++k) {
    const geo::Seed s{pick(rng), 0};
    for (const auto dir : {geo::Direction::Forward, geo::Direction::Reverse}) {
      bad += phast_mismatches(g, ch, dir, std::span<const geo::Seed>(&s, 1), dws, pws);
      for (geo::NodeId v = 0; v < g.node_count(); ++v) reached += pws.time(v) != geo::kUnreachable;
    }
  }
  CHECK(bad == 0);
  CHECK(reached > static_cast<std::size_t>(sources) * g.node_count() / 4);  // the searches went far

  // The two-core sweep: every level split (min_split 2, the most barriers) and the default.
  for (const geo::NodeId min_split : {geo::NodeId{2}, geo::NodeId{4096}}) {
    std::size_t bad_parallel = 0;
    geo::PhastWorkspace par;
    for (int k = 0; k < std::max(2, sources / 4); ++k) {
      std::vector<geo::Seed> seeds = {{pick(rng), offset(rng)}, {pick(rng), 0}};
      for (const auto dir : {geo::Direction::Forward, geo::Direction::Reverse}) {
        geo::run_dijkstra(g, dir, seeds, geo::kUnreachable, dws);
        geo::run_phast_parallel(ch, dir, seeds, par, min_split);
        for (geo::NodeId v = 0; v < g.node_count(); ++v) bad_parallel += par.time(v) != dws.time(v);
      }
    }
    INFO("min_split " << min_split);
    CHECK(bad_parallel == 0);
  }

  for (const auto dir : {geo::Direction::Forward, geo::Direction::Reverse}) {
    std::vector<std::vector<geo::Seed>> full(geo::kPhastLanes), partial(3), multi(geo::kPhastLanes - 1);
    for (auto& set : full) set = {{pick(rng), 0}};
    for (auto& set : partial) set = {{pick(rng), 0}};
    for (auto& set : multi) {
      for (int j = 0; j < 3; ++j) set.push_back({pick(rng), offset(rng)});
    }
    multi.front().clear();  // an empty set: unreachable everywhere
    CHECK(batch_mismatches(g, ch, dir, full, dws, bws) == 0);
    CHECK(batch_mismatches(g, ch, dir, partial, dws, bws) == 0);
    CHECK(batch_mismatches(g, ch, dir, multi, dws, bws) == 0);
    CHECK(bws.lane_count() == geo::kPhastLanes - 1);
    // Multi-seed single sweeps too.
    bad = 0;
    for (std::size_t k = 1; k < 4; ++k) bad += phast_mismatches(g, ch, dir, multi[k], dws, pws);
    CHECK(bad == 0);

    // RPHAST towards 300 random targets (with a duplicate), single and batched.
    std::vector<geo::NodeId> targets;
    for (int k = 0; k < 300; ++k) targets.push_back(pick(rng));
    targets.push_back(targets.front());
    const auto sel = geo::select_targets(ch, dir, targets);
    CHECK(sel.node_count() < ch.node_count());
    CHECK(sel.node_count() >= 300);
    CHECK(sel.memory_bytes() > 0);
    geo::RphastWorkspace rws;
    geo::RphastBatchWorkspace rbws;
    bad = 0;
    geo::run_rphast_batch(ch, sel, multi, rbws);
    CHECK(rbws.lane_count() == multi.size());
    for (std::size_t lane = 0; lane < multi.size(); ++lane) {
      geo::run_dijkstra(g, dir, multi[lane], geo::kUnreachable, dws);
      geo::run_rphast(ch, sel, multi[lane], rws);
      for (std::size_t k = 0; k < targets.size(); ++k) {
        bad += rws.time(k) != dws.time(targets[k]);
        bad += rbws.time(static_cast<unsigned>(lane), k) != dws.time(targets[k]);
      }
    }
    CHECK(bad == 0);
  }
}

// A directed graph straight from arc lists (no builder): parallel arcs, self loops,
// forbidden arcs (kUnreachable) and zero weights are all allowed here.
geo::RoadGraph raw_graph(geo::NodeId n, std::vector<std::tuple<geo::NodeId, geo::NodeId, geo::Deciseconds>> arcs) {
  geo::RoadGraph g;
  g.node_x_m.assign(n, 0);
  g.node_y_m.assign(n, 0);
  std::sort(arcs.begin(), arcs.end());
  g.first_out.assign(static_cast<std::size_t>(n) + 1, 0);
  for (const auto& [u, v, w] : arcs) {
    ++g.first_out[u + 1];
    g.head.push_back(v);
    g.travel_time_ds.push_back(w);
  }
  for (geo::NodeId v = 0; v < n; ++v) g.first_out[v + 1] += g.first_out[v];
  g.build_backward();
  return g;
}

geo::RoadGraph random_graph(std::mt19937& rng, geo::NodeId n, std::size_t m, geo::Deciseconds max_weight) {
  std::uniform_int_distribution<geo::NodeId> node(0, n - 1);
  std::uniform_int_distribution<geo::Deciseconds> weight(0, max_weight);
  std::vector<std::tuple<geo::NodeId, geo::NodeId, geo::Deciseconds>> arcs;
  for (std::size_t k = 0; k < m; ++k) {
    const geo::NodeId u = node(rng);
    // Mostly local arcs (road-like), some long ones; a few forbidden ones.
    const geo::NodeId v = k % 5 == 0 ? node(rng) : (u + 1 + node(rng) % 7) % n;
    const geo::Deciseconds w = k % 97 == 0 ? geo::kUnreachable : weight(rng);
    arcs.emplace_back(u, v, w);
    if (k % 3 == 0) arcs.emplace_back(v, u, w);                  // two-way
    if (k % 11 == 0) arcs.emplace_back(u, v, weight(rng));       // parallel arc
    if (k % 29 == 0) arcs.emplace_back(u, u, weight(rng));       // self loop
  }
  return raw_graph(n, std::move(arcs));
}

}  // namespace

namespace recompose::test {

// A perturbed grid of side `side` built with GraphBuilder: every edge is a way (so its
// ends are nodes); arterials every 8 lines (90 km/h) and every 32 lines (130 km/h) are
// complete and two-way; about half of the local streets (30 or 50 km/h) are kept, one
// in ten of them one-way. About 2.4 arcs per node, like the real road graphs.
inline geo::RoadGraph perturbed_grid(int side, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> jitter(-20.0, 20.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<geo::PointM> pts(static_cast<std::size_t>(side) * static_cast<std::size_t>(side));
  for (int r = 0; r < side; ++r) {
    for (int c = 0; c < side; ++c) {
      pts[static_cast<std::size_t>(r * side + c)] = {700000.0 + 100.0 * c + jitter(rng),
                                                     6500000.0 + 100.0 * r + jitter(rng)};
    }
  }
  geo::GraphBuilder b({"road"});
  auto edge = [&](int r0, int c0, int r1, int c1, int line) {
    const double speed = line % 32 == 0 ? 130.0 : line % 8 == 0 ? 90.0 : 0.0;
    geo::Oneway oneway = geo::Oneway::Both;
    double kmh = speed;
    if (speed == 0.0) {
      if (unit(rng) > 0.5) return;
      kmh = unit(rng) < 0.5 ? 30.0 : 50.0;
      if (unit(rng) < 0.1) oneway = unit(rng) < 0.5 ? geo::Oneway::Forward : geo::Oneway::Backward;
    }
    const auto& p = pts[static_cast<std::size_t>(r0 * side + c0)];
    const auto& q = pts[static_cast<std::size_t>(r1 * side + c1)];
    b.add_way(way({p, q}, oneway, kmh));
  };
  for (int r = 0; r < side; ++r) {
    for (int c = 0; c < side; ++c) {
      if (c + 1 < side) edge(r, c, r, c + 1, r);
      if (r + 1 < side) edge(r, c, r + 1, c, c);
    }
  }
  return b.build();
}

}  // namespace recompose::test

TEST_CASE("CH on a hand-drawn ring with a one-way street: times by hand, both directions, RPHAST",
          "[contraction]") {
  // Ring of 8 nodes, 100 m (= 100 ds) apart: N0 (0,0) N1 (100,0) N2 (200,0) N3 (200,100)
  // N4 (200,200) N5 (100,200) N6 (0,200) N7 (0,100), back to N0. N0 -> N1 is one-way.
  // Contracting any ring node needs a shortcut (the way round is longer).
  // E (5000,0) - F (5100,0) is a separate component.
  const auto g = build({way({{0, 0}, {100, 0}}, geo::Oneway::Forward), way({{100, 0}, {200, 0}}),
                        way({{200, 0}, {200, 100}}), way({{200, 100}, {200, 200}}), way({{200, 200}, {100, 200}}),
                        way({{100, 200}, {0, 200}}), way({{0, 200}, {0, 100}}), way({{0, 100}, {0, 0}}),
                        way({{5000, 0}, {5100, 0}})});
  const geo::NodeId n0 = node_at(g, 0, 0), n1 = node_at(g, 100, 0), n2 = node_at(g, 200, 0),
                    n3 = node_at(g, 200, 100), n4 = node_at(g, 200, 200), n5 = node_at(g, 100, 200),
                    n6 = node_at(g, 0, 200), n7 = node_at(g, 0, 100), e = node_at(g, 5000, 0),
                    f = node_at(g, 5100, 0);
  const std::vector<geo::NodeId> ring{n0, n1, n2, n3, n4, n5, n6, n7};
  geo::ChBuildStats st;
  const auto ch = geo::build_contraction_hierarchy(g, &st);
  ch.validate();
  CHECK(ch.node_count() == g.node_count());
  CHECK(ch.shortcut_count() > 0);
  CHECK(st.shortcuts == ch.shortcut_count());
  CHECK(st.input_arcs == g.arc_count());
  CHECK(st.ch_arcs == g.arc_count() + ch.shortcut_count());
  CHECK(ch.memory_bytes() > 0);

  geo::PhastWorkspace ws;
  auto times = [&](geo::Direction dir, std::vector<geo::Seed> seeds) {
    geo::run_phast(ch, dir, seeds, ws);
    std::vector<geo::Deciseconds> t;
    for (const geo::NodeId v : ring) t.push_back(ws.time(v));
    return t;
  };
  using T = std::vector<geo::Deciseconds>;
  const geo::Deciseconds inf = geo::kUnreachable;
  CHECK(times(geo::Direction::Forward, {{n0, 0}}) == T{0, 100, 200, 300, 400, 300, 200, 100});
  CHECK(ws.time(e) == inf);
  CHECK(ws.time(f) == inf);
  // From N1, N0 is only reached the long way round.
  CHECK(times(geo::Direction::Forward, {{n1, 0}}) == T{700, 0, 100, 200, 300, 400, 500, 600});
  // Times *to* N0: N1 cannot take the one-way street backwards.
  CHECK(times(geo::Direction::Reverse, {{n0, 0}}) == T{0, 700, 600, 500, 400, 300, 200, 100});
  CHECK(times(geo::Direction::Reverse, {{n1, 0}}) == T{100, 0, 100, 200, 300, 400, 300, 200});
  CHECK(ws.time(e) == inf);
  // Two seeds with offsets.
  CHECK(times(geo::Direction::Forward, {{n0, 50}, {n4, 0}}) == T{50, 150, 200, 100, 0, 100, 200, 150});
  CHECK(times(geo::Direction::Reverse, {{n1, 30}, {n5, 0}}) == T{130, 30, 130, 200, 100, 0, 100, 200});
  // The other component.
  times(geo::Direction::Forward, {{e, 0}});
  CHECK(ws.time(f) == 100);
  CHECK(ws.time(n0) == inf);
  // No seed, or an unreachable offset: nothing is reached.
  CHECK(times(geo::Direction::Forward, {}) == T(8, inf));
  CHECK(times(geo::Direction::Forward, {{n0, inf}}) == T(8, inf));
  // Out-of-range seeds are an error, as for Dijkstra.
  const std::vector<geo::Seed> bad{{g.node_count(), 0}};
  CHECK_THROWS_AS(geo::run_phast(ch, geo::Direction::Forward, bad, ws), geo::Error);

  // A batch: the same answers lane by lane.
  geo::PhastBatchWorkspace bws;
  const std::vector<std::vector<geo::Seed>> sets{{{n0, 0}}, {{e, 0}}, {{n0, 50}, {n4, 0}}};
  geo::run_phast_batch(ch, geo::Direction::Forward, sets, bws);
  CHECK(bws.lane_count() == 3);
  CHECK(bws.time(0, n1) == 100);
  CHECK(bws.time(0, n4) == 400);
  CHECK(bws.time(0, f) == inf);
  CHECK(bws.time(1, f) == 100);
  CHECK(bws.time(1, n0) == inf);
  CHECK(bws.time(2, n7) == 150);
  CHECK(bws.time(3, n0) == inf);  // unused lane
  const std::vector<std::vector<geo::Seed>> too_many(geo::kPhastLanes + 1, std::vector<geo::Seed>{{n0, 0}});
  CHECK_THROWS_AS(geo::run_phast_batch(ch, geo::Direction::Forward, too_many, bws), geo::Error);

  // RPHAST to two targets, one in each component.
  const std::vector<geo::NodeId> targets{n4, f, n0};
  const auto to = geo::select_targets(ch, geo::Direction::Forward, targets);
  CHECK(to.node_count() < ch.node_count());
  geo::RphastWorkspace rws;
  const std::vector<geo::Seed> from_n0{{n0, 0}};
  geo::run_rphast(ch, to, from_n0, rws);
  CHECK(rws.time(0) == 400);
  CHECK(rws.time(1) == inf);
  CHECK(rws.time(2) == 0);
  const auto back = geo::select_targets(ch, geo::Direction::Reverse, targets);
  geo::run_rphast(ch, back, from_n0, rws);  // times from the targets to N0
  CHECK(rws.time(0) == 400);
  CHECK(rws.time(1) == inf);
  geo::RphastBatchWorkspace rbws;
  geo::run_rphast_batch(ch, to, sets, rbws);
  CHECK(rbws.time(0, 0) == 400);
  CHECK(rbws.time(1, 1) == 100);
  CHECK(rbws.time(2, 0) == 0);
  CHECK(rbws.time(2, 2) == 50);
  const std::vector<geo::NodeId> bad_targets{g.node_count()};
  CHECK_THROWS_AS(geo::select_targets(ch, geo::Direction::Forward, bad_targets), geo::Error);
  const auto other_ch = geo::build_contraction_hierarchy(build({way({{0, 0}, {100, 0}})}));
  CHECK_THROWS_AS(geo::run_rphast(other_ch, to, from_n0, rws), geo::Error);

  geo::DijkstraWorkspace dws;
  std::size_t bad_count = 0;
  for (geo::NodeId s = 0; s < g.node_count(); ++s) {
    const geo::Seed seed{s, 7};
    for (const auto dir : {geo::Direction::Forward, geo::Direction::Reverse}) {
      bad_count += phast_mismatches(g, ch, dir, std::span<const geo::Seed>(&seed, 1), dws, ws);
    }
  }
  CHECK(bad_count == 0);
}

TEST_CASE("CH of an empty graph and of a graph without arcs", "[contraction]") {
  const geo::RoadGraph empty = raw_graph(0, {});
  const auto ch0 = geo::build_contraction_hierarchy(empty);
  CHECK(ch0.node_count() == 0);
  geo::PhastWorkspace ws;
  geo::run_phast(ch0, geo::Direction::Forward, {}, ws);
  CHECK(ws.sweep_times().empty());

  const geo::RoadGraph lone = raw_graph(3, {{0, 0, 5}, {1, 2, geo::kUnreachable}});
  const auto ch = geo::build_contraction_hierarchy(lone);
  CHECK(ch.arc_count() == 0);
  const std::vector<geo::Seed> seeds{{1, 4}};
  geo::run_phast(ch, geo::Direction::Forward, seeds, ws);
  CHECK(ws.time(0) == geo::kUnreachable);
  CHECK(ws.time(1) == 4);
  CHECK(ws.time(2) == geo::kUnreachable);  // the only arc is forbidden
}

TEST_CASE("PHAST equals Dijkstra on random directed graphs with parallel arcs and loops", "[contraction]") {
  std::mt19937 rng(12345);
  for (int round = 0; round < 6; ++round) {
    // Round 5 uses huge weights: sums reach kUnreachable and must saturate like Dijkstra.
    const geo::Deciseconds max_w = round == 5 ? geo::kUnreachable / 3 : round == 4 ? 3 : 1000;
    const auto g = random_graph(rng, 300 + 50 * static_cast<geo::NodeId>(round), 700, max_w);
    const auto ch = geo::build_contraction_hierarchy(g);
    ch.validate();
    geo::DijkstraWorkspace dws;
    geo::PhastWorkspace pws;
    geo::PhastBatchWorkspace bws;
    std::uniform_int_distribution<geo::NodeId> pick(0, g.node_count() - 1);
    std::uniform_int_distribution<geo::Deciseconds> offset(0, max_w);
    std::size_t bad = 0;
    for (geo::NodeId s = 0; s < g.node_count(); s += 3) {
      const geo::Seed seed{s, 0};
      for (const auto dir : {geo::Direction::Forward, geo::Direction::Reverse}) {
        bad += phast_mismatches(g, ch, dir, std::span<const geo::Seed>(&seed, 1), dws, pws);
      }
    }
    for (const auto dir : {geo::Direction::Forward, geo::Direction::Reverse}) {
      std::vector<std::vector<geo::Seed>> sets(geo::kPhastLanes);
      for (auto& set : sets) {
        for (int j = 0; j < 4; ++j) set.push_back({pick(rng), offset(rng)});
      }
      bad += batch_mismatches(g, ch, dir, sets, dws, bws);
      for (const auto& set : sets) bad += phast_mismatches(g, ch, dir, set, dws, pws);
      std::vector<geo::NodeId> targets;
      for (int k = 0; k < 40; ++k) targets.push_back(pick(rng));
      const auto sel = geo::select_targets(ch, dir, targets);
      geo::RphastBatchWorkspace rbws;
      geo::run_rphast_batch(ch, sel, sets, rbws);
      for (std::size_t lane = 0; lane < sets.size(); ++lane) {
        geo::run_dijkstra(g, dir, sets[lane], geo::kUnreachable, dws);
        for (std::size_t k = 0; k < targets.size(); ++k) {
          bad += rbws.time(static_cast<unsigned>(lane), k) != dws.time(targets[k]);
        }
      }
    }
    INFO("round " << round);
    CHECK(bad == 0);
  }
}

TEST_CASE("PHAST equals Dijkstra on a perturbed grid with one-way streets", "[contraction]") {
  const auto g = test::perturbed_grid(60, 3);
  REQUIRE(g.node_count() > 2500);
  const auto ch = geo::build_contraction_hierarchy(g);
  ch.validate();
  check_against_dijkstra(g, ch, 20, 5);
}

TEST_CASE("PHAST equals Dijkstra on the real Monaco OSM graph", "[contraction][real]") {
  const auto profile = geo::RoadProfile::load(test::source_file("datasets/profiles/car.json"));
  geo::RoadImportStats st;
  const auto g = geo::import_osm_roads(test::data_file("osm-fallback/monaco.osm.pbf"), profile, st);
  REQUIRE(g.node_count() > 1000);
  const auto ch = geo::build_contraction_hierarchy(g);
  ch.validate();
  check_against_dijkstra(g, ch, 30, 42);
}

TEST_CASE("PHAST equals Dijkstra on the real Saint-Etienne graph", "[contraction][real]") {
  const auto profile = geo::RoadProfile::load(test::source_file("datasets/profiles/car.json"));
  geo::RoadImportStats st;
  const auto spec = geo::LineLayerSpec::class_only(test::data_file("roads/saint-etienne/roads-STE-saint-etienne-osm.geojson"), "roadClass",
      {{"highway", "road_class_highway"}, {"major", "road_class_major"}, {"minor", "road_class_minor"}});
  const auto g = geo::import_line_roads(spec, profile, st);
  REQUIRE(g.node_count() > 10000);
  geo::ChBuildStats cs;
  const auto ch = geo::build_contraction_hierarchy(g, &cs);
  ch.validate();
  CHECK(cs.shortcuts == ch.shortcut_count());
  check_against_dijkstra(g, ch, 10, 7);
}

TEST_CASE("A saved CH loads back identical, foreign, stale, corrupt or truncated files are refused",
          "[contraction]") {
  const auto g = test::perturbed_grid(30, 11);
  const auto ch = geo::build_contraction_hierarchy(g);
  test::TempDir tmp("contraction");
  const std::string path = tmp.file("graph.rch");
  const std::uint64_t fp = 0x1234abcd5678ef01ULL;
  geo::save_contraction_hierarchy(ch, fp, path);
  const auto loaded = geo::load_contraction_hierarchy(path, fp);
  CHECK(loaded.sweep_to_node == ch.sweep_to_node);
  CHECK(loaded.up_first == ch.up_first);
  CHECK(loaded.down_first == ch.down_first);
  CHECK(loaded.shortcut_count() == ch.shortcut_count());
  CHECK(loaded.arc_count() == ch.arc_count());
  {
    geo::PhastWorkspace a, b;
    geo::PhastBatchWorkspace ba, bb;
    std::vector<std::vector<geo::Seed>> sets;
    for (geo::NodeId s = 0; s < geo::kPhastLanes; ++s) sets.push_back({{s * 37 % g.node_count(), s}});
    std::size_t bad = 0;
    for (const auto dir : {geo::Direction::Forward, geo::Direction::Reverse}) {
      geo::run_phast(ch, dir, sets[1], a);
      geo::run_phast(loaded, dir, sets[1], b);
      geo::run_phast_batch(ch, dir, sets, ba);
      geo::run_phast_batch(loaded, dir, sets, bb);
      for (geo::NodeId v = 0; v < g.node_count(); ++v) {
        bad += a.time(v) != b.time(v);
        for (unsigned l = 0; l < geo::kPhastLanes; ++l) bad += ba.time(l, v) != bb.time(l, v);
      }
    }
    CHECK(bad == 0);
  }
  // No stray temporary file.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(tmp.path())) ++files;
  CHECK(files == 1);

  auto refused = [&](const std::string& p, std::uint64_t expected, const std::string& why) {
    try {
      (void)geo::load_contraction_hierarchy(p, expected);
    } catch (const geo::Error& e) {
      const std::string msg = e.what();
      INFO(msg);
      CHECK(msg.find(p) != std::string::npos);
      CHECK(msg.find(why) != std::string::npos);
      return true;
    }
    return false;
  };
  CHECK(refused(path, fp + 1, "fingerprint"));
  CHECK(refused(tmp.file("missing.rch"), fp, "not found"));

  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto write = [&](const std::string& name, const std::string& content) {
    const std::string p = tmp.file(name);
    std::ofstream(p, std::ios::binary) << content;
    return p;
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x10);
  CHECK(refused(write("flipped.rch", flipped), fp, "checksum"));
  CHECK(refused(write("truncated.rch", bytes.substr(0, bytes.size() - 5)), fp, "checksum"));
  CHECK(refused(write("header-only.rch", bytes.substr(0, 14)), fp, "truncated"));
  CHECK(refused(write("foreign.rch", "RCMPGRPH and something else entirely"), fp, "bad magic"));
  std::string other_version = bytes;
  other_version[8] = 99;
  CHECK(refused(write("version.rch", other_version), fp, "version 99"));
}

namespace {

// Every array of two hierarchies, compared whole (the saved file holds exactly these).
bool same_hierarchy(const geo::ContractionHierarchy& a, const geo::ContractionHierarchy& b) {
  auto same_arcs = [](const std::vector<geo::ChArc>& x, const std::vector<geo::ChArc>& y) {
    return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), [](const geo::ChArc& p, const geo::ChArc& q) {
             return p.other == q.other && p.weight == q.weight;
           });
  };
  return a.sweep_to_node == b.sweep_to_node && a.node_to_sweep == b.node_to_sweep && a.sweep_level == b.sweep_level &&
         a.up_first == b.up_first && same_arcs(a.up_arcs, b.up_arcs) && a.down_first == b.down_first &&
         same_arcs(a.down_arcs, b.down_arcs) && a.shortcuts == b.shortcuts;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("CH built on 1, 2 and 3 threads: distances equal Dijkstra, hierarchies and files identical",
          "[contraction][parallel]") {
  std::mt19937 rng(777);
  std::vector<geo::RoadGraph> graphs;
  graphs.push_back(test::perturbed_grid(70, 21));                 // road-like, about 4,900 nodes
  graphs.push_back(random_graph(rng, 900, 2500, 1000));          // directed, parallel arcs, loops
  graphs.push_back(random_graph(rng, 400, 1200, 3));             // many ties
  graphs.push_back(build({way({{0, 0}, {100, 0}}, geo::Oneway::Forward), way({{100, 0}, {100, 100}}),
                          way({{100, 100}, {0, 100}}), way({{0, 100}, {0, 0}})}));  // the square below
  test::TempDir tmp("contraction-threads");
  for (std::size_t k = 0; k < graphs.size(); ++k) {
    INFO("graph " << k);
    const auto& g = graphs[k];
    geo::ChBuildStats s1, s2, s3;
    const auto ch1 = geo::build_contraction_hierarchy(g, &s1, 1);
    const auto ch2 = geo::build_contraction_hierarchy(g, &s2, 2);
    const auto ch3 = geo::build_contraction_hierarchy(g, &s3, 3);
    ch1.validate();
    ch2.validate();
    CHECK(s1.threads == 1);
    CHECK(s2.threads == 2);
    CHECK(s1.rounds > 0);
    CHECK(s1.rounds == s2.rounds);
    CHECK(s1.witness_searches == s2.witness_searches);
    CHECK(same_hierarchy(ch1, ch2));
    CHECK(same_hierarchy(ch1, ch3));
    const std::string p1 = tmp.file("one-" + std::to_string(k) + ".ch"), p2 = tmp.file("two-" + std::to_string(k) + ".ch");
    geo::save_contraction_hierarchy(ch1, 42, p1);
    geo::save_contraction_hierarchy(ch2, 42, p2);
    CHECK(file_bytes(p1) == file_bytes(p2));
    // Distances of both equal Dijkstra's from every third node, both directions.
    geo::DijkstraWorkspace dws;
    geo::PhastWorkspace pws;
    std::size_t bad = 0;
    for (geo::NodeId s = 0; s < g.node_count(); s += (g.node_count() > 1000 ? 97 : 3)) {
      const geo::Seed seed{s, 0};
      for (const auto dir : {geo::Direction::Forward, geo::Direction::Reverse}) {
        bad += phast_mismatches(g, ch1, dir, std::span<const geo::Seed>(&seed, 1), dws, pws);
        bad += phast_mismatches(g, ch2, dir, std::span<const geo::Seed>(&seed, 1), dws, pws);
      }
    }
    CHECK(bad == 0);
  }
}

TEST_CASE("CH of a hand-drawn square with a one-way side on 1 and 2 threads: times by hand",
          "[contraction][parallel]") {
  // A (0,0) -> B (100,0) one-way, B - C (100,100), C - D (0,100), D - A; 100 m sides at
  // 36 km/h = 100 ds each.
  const auto g = build({way({{0, 0}, {100, 0}}, geo::Oneway::Forward), way({{100, 0}, {100, 100}}),
                        way({{100, 100}, {0, 100}}), way({{0, 100}, {0, 0}})});
  const geo::NodeId a = node_at(g, 0, 0), b = node_at(g, 100, 0), c = node_at(g, 100, 100), d = node_at(g, 0, 100);
  const std::vector<geo::NodeId> order{a, b, c, d};
  for (const unsigned threads : {1u, 2u}) {
    INFO(threads << " threads");
    const auto ch = geo::build_contraction_hierarchy(g, nullptr, threads);
    geo::PhastWorkspace pws;
    auto times = [&](geo::Direction dir, geo::NodeId from) {
      const geo::Seed seed{from, 0};
      geo::run_phast(ch, dir, std::span<const geo::Seed>(&seed, 1), pws);
      std::vector<geo::Deciseconds> t;
      for (const geo::NodeId v : order) t.push_back(pws.time(v));
      return t;
    };
    using T = std::vector<geo::Deciseconds>;
    CHECK(times(geo::Direction::Forward, b) == T{300, 0, 100, 200});  // B to A: round by C and D
    CHECK(times(geo::Direction::Forward, a) == T{0, 100, 200, 100});
    CHECK(times(geo::Direction::Reverse, a) == T{0, 300, 200, 100});  // to A
    CHECK(times(geo::Direction::Reverse, b) == T{100, 0, 100, 200});  // to B
  }
}

TEST_CASE("CH of a grid of subdivided streets (witnesses longer than the priority check's three arcs) on 1 and 2 threads",
          "[contraction][parallel]") {
  // 16 x 16 junctions 300 ds apart; every street is cut into three arcs by two
  // degree-2 nodes (weights 60-150 ds per piece, so no street is exactly 300), one
  // street in seven one-way. The way round a block has 12 arcs at least: the
  // priorities only see paths of 3 arcs, the contraction's witness searches see them
  // all. Distances must still equal Dijkstra's, and both thread counts build the same.
  std::mt19937 rng(4242);
  std::uniform_int_distribution<geo::Deciseconds> piece(60, 150);
  const geo::NodeId side = 16;
  std::vector<std::tuple<geo::NodeId, geo::NodeId, geo::Deciseconds>> arcs;
  geo::NodeId next = side * side;
  int street = 0;
  auto connect = [&](geo::NodeId from, geo::NodeId to) {
    const bool oneway = street++ % 7 == 3;
    geo::NodeId prev = from;
    for (int k = 0; k < 3; ++k) {
      const geo::NodeId cur = k == 2 ? to : next++;
      const geo::Deciseconds w = piece(rng);
      arcs.emplace_back(prev, cur, w);
      if (!oneway) arcs.emplace_back(cur, prev, w);
      prev = cur;
    }
  };
  for (geo::NodeId r = 0; r < side; ++r) {
    for (geo::NodeId c = 0; c < side; ++c) {
      if (c + 1 < side) connect(r * side + c, r * side + c + 1);
      if (r + 1 < side) connect(r * side + c, (r + 1) * side + c);
    }
  }
  const auto g = raw_graph(next, std::move(arcs));
  REQUIRE(g.node_count() == side * side + 2 * 2 * side * (side - 1));
  geo::ChBuildStats s1, s2;
  const auto ch1 = geo::build_contraction_hierarchy(g, &s1, 1);
  const auto ch2 = geo::build_contraction_hierarchy(g, &s2, 2);
  ch1.validate();
  CHECK(ch1.shortcut_count() > 0);
  CHECK(same_hierarchy(ch1, ch2));
  CHECK(s1.rounds == s2.rounds);
  geo::DijkstraWorkspace dws;
  geo::PhastWorkspace pws;
  std::size_t bad = 0;
  for (geo::NodeId s = 0; s < g.node_count(); s += 5) {
    const geo::Seed seed{s, 0};
    for (const auto dir : {geo::Direction::Forward, geo::Direction::Reverse}) {
      bad += phast_mismatches(g, ch1, dir, std::span<const geo::Seed>(&seed, 1), dws, pws);
    }
  }
  CHECK(bad == 0);
}
