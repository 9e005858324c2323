#include "bench/synthetic_territory.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "geo/error.hpp"
#include "geo/fingerprint.hpp"
#include "geo/graph_builder.hpp"
#include "geo/snapping.hpp"

#ifndef RECOMPOSE_SOURCE_DIR
#define RECOMPOSE_SOURCE_DIR "."
#endif

namespace recompose::bench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// [SECTION] parameters of the mesh (tuned so that arcs/node is ~2.4; see the tests)

constexpr double kSpacingMinM = 150, kSpacingMaxM = 250;  // between rows, between columns
constexpr double kJitterM = 30;                           // of each junction
constexpr double kLocalRemoved = 0.33;                    // share of local streets removed
constexpr double kLocalSplit = 0.55;                      // kept streets split by a degree-2 node
constexpr double kLocalBent = 0.25;                       // kept streets bent by a shape point
constexpr double kLocalOneway = 0.08;  // one-way (only between junctions of degree >= 3)
constexpr double kSpur = 0.25;         // junctions with a cul-de-sac
constexpr std::uint32_t kMajorEvery = 8, kMajorOffset = 4;
constexpr std::uint32_t kHighwayEvery = 40, kHighwayOffset = 30;  // corridor between line k and k+1
constexpr std::uint32_t kInterchangeEvery = 12, kInterchangeOffset = 6;
// Graph nodes per lattice junction with the parameters above (measured; the node
// count lands within a few % of the target).
constexpr double kNodesPerJunction = 1.87;

// Deterministic random numbers: mt19937_64 and distributions written out.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : g_(seed) {}
  double uniform() {
    return static_cast<double>(g_() >> 11) * (1.0 / 9007199254740992.0);
  }  // [0, 1)
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(g_() % n); }
  std::uint32_t between(std::uint32_t lo, std::uint32_t hi) {
    return lo + below(hi - lo + 1);
  }  // inclusive
  bool chance(double p) { return uniform() < p; }

 private:
  std::mt19937_64 g_;
};

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

geo::RoadClass class_of(const geo::RoadProfile& p, const char* name) {
  const geo::RoadClass c = p.find_class(name);
  if (c == geo::kInvalidRoadClass) {
    throw geo::Error(std::string("synthetic territory: the speed profile has no class '") + name +
                     "'");
  }
  return c;
}

std::int64_t status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string k = std::string(key) + ":";
  while (std::getline(in, line)) {
    if (line.compare(0, k.size(), k) == 0) {
      std::istringstream s(line.substr(k.size()));
      std::int64_t kb = 0;
      s >> kb;
      return kb;
    }
  }
  return 0;
}

std::string rectangle_wkt(double x0, double y0, double x1, double y1) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "POLYGON((%.2f %.2f, %.2f %.2f, %.2f %.2f, %.2f %.2f, %.2f %.2f))",
                x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
  return buf;
}

std::string zero_padded(std::uint32_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*u", width, v);
  return buf;
}

}  // namespace

std::int64_t current_rss_bytes() {
  return status_kb("VmRSS") * 1024;
}
std::int64_t peak_rss_bytes() {
  return status_kb("VmHWM") * 1024;
}

geo::RoadProfile synthetic_profile(const SyntheticOptions& o) {
  return geo::RoadProfile::load(o.profile_path.empty() ? std::string(RECOMPOSE_SOURCE_DIR) +
                                                             "/datasets/profiles/car.json"
                                                       : o.profile_path);
}

// [SECTION] road graph

geo::RoadGraph make_synthetic_road_graph(const SyntheticOptions& o, SyntheticGraphStats* stats) {
  const auto start = Clock::now();
  const geo::RoadProfile profile = synthetic_profile(o);
  const geo::RoadClass residential = class_of(profile, "residential"),
                       unclassified = class_of(profile, "unclassified"),
                       tertiary = class_of(profile, "tertiary"),
                       primary = class_of(profile, "primary"), trunk = class_of(profile, "trunk"),
                       motorway = class_of(profile, "motorway"),
                       motorway_link = class_of(profile, "motorway_link");
  Rng rng(mix_seed(o.seed, 1));

  // A square lattice of W x W junctions.
  const auto side = static_cast<std::uint32_t>(std::max(
      4.0, std::round(std::sqrt(static_cast<double>(o.target_nodes) / kNodesPerJunction))));
  const std::uint32_t W = side, H = side;
  std::vector<double> cx(W), cy(H);
  for (std::uint32_t i = 1; i < W; ++i) cx[i] = cx[i - 1] + rng.uniform(kSpacingMinM, kSpacingMaxM);
  for (std::uint32_t j = 1; j < H; ++j) cy[j] = cy[j - 1] + rng.uniform(kSpacingMinM, kSpacingMaxM);
  const std::size_t junctions = static_cast<std::size_t>(W) * H;
  auto at = [W](std::uint32_t i, std::uint32_t j) { return static_cast<std::size_t>(j) * W + i; };
  std::vector<geo::PointM> junction(junctions);
  for (std::uint32_t j = 0; j < H; ++j) {
    for (std::uint32_t i = 0; i < W; ++i) {
      junction[at(i, j)] = {o.origin_x_m + cx[i] + rng.uniform(-kJitterM, kJitterM),
                            o.origin_y_m + cy[j] + rng.uniform(-kJitterM, kJitterM)};
    }
  }
  auto major_line = [](std::uint32_t k) { return k % kMajorEvery == kMajorOffset; };

  // Which lattice edges exist: east edge of (i, j) and north edge of (i, j). Major
  // lines are never cut; local streets are removed at random.
  std::vector<std::uint8_t> east(junctions, 0), north(junctions, 0), degree(junctions, 0);
  for (std::uint32_t j = 0; j < H; ++j) {
    for (std::uint32_t i = 0; i < W; ++i) {
      const std::size_t v = at(i, j);
      if (i + 1 < W && (major_line(j) || !rng.chance(kLocalRemoved))) {
        east[v] = 1;
        ++degree[v];
        ++degree[at(i + 1, j)];
      }
      if (j + 1 < H && (major_line(i) || !rng.chance(kLocalRemoved))) {
        north[v] = 1;
        ++degree[v];
        ++degree[at(i, j + 1)];
      }
    }
  }

  geo::GraphBuilder builder(profile.class_names);
  geo::WayInput w;
  std::uint64_t ways = 0;
  std::uint64_t next_key =
      1ULL << 40;  // keys of non-junction vertices (junction keys are their index)
  auto vertex = [&](std::uint64_t key, geo::PointM p) {
    w.vertex_keys.push_back(key);
    w.points.push_back(p);
  };
  auto junction_vertex = [&](std::size_t v) { vertex(v, junction[v]); };
  auto emit = [&](geo::RoadClass c, double speed_kmh, geo::Oneway ow) {
    w.road_class = c;
    w.speed_kmh = speed_kmh;
    w.oneway = ow;
    builder.add_way(w);
    ++ways;
    w.points.clear();
    w.vertex_keys.clear();
  };

  // Major roads: one way per row / column through every junction of the line.
  for (std::uint32_t j = 0; j < H; ++j) {
    if (!major_line(j)) continue;
    const double speed = std::round(rng.uniform(70, 90));
    for (std::uint32_t i = 0; i < W; ++i) junction_vertex(at(i, j));
    emit(speed >= 85 ? trunk : primary, speed, geo::Oneway::Both);
  }
  for (std::uint32_t i = 0; i < W; ++i) {
    if (!major_line(i)) continue;
    const double speed = std::round(rng.uniform(70, 90));
    for (std::uint32_t j = 0; j < H; ++j) junction_vertex(at(i, j));
    emit(speed >= 85 ? trunk : primary, speed, geo::Oneway::Both);
  }

  // Local streets.
  auto local_street = [&](std::size_t a, std::size_t b) {
    const double r = rng.uniform();
    const geo::RoadClass c = r < 0.55 ? residential : r < 0.85 ? unclassified : tertiary;
    const double speed = r < 0.55 ? 30 : r < 0.85 ? 40 : 50;
    geo::Oneway ow = geo::Oneway::Both;
    if (degree[a] >= 3 && degree[b] >= 3 && rng.chance(kLocalOneway)) {
      ow = rng.chance(0.5) ? geo::Oneway::Forward : geo::Oneway::Backward;
    }
    const geo::PointM pa = junction[a], pb = junction[b];
    const double dx = pb.x_m - pa.x_m, dy = pb.y_m - pa.y_m;
    const double len = std::hypot(dx, dy);
    const double off = rng.uniform(-20, 20);
    const geo::PointM mid{(pa.x_m + pb.x_m) / 2 - dy / len * off,
                          (pa.y_m + pb.y_m) / 2 + dx / len * off};
    const double mode = rng.uniform();
    if (mode < kLocalSplit) {  // two ways meeting at a degree-2 node
      const std::uint64_t key = next_key++;
      junction_vertex(a);
      vertex(key, mid);
      emit(c, speed, ow);
      vertex(key, mid);
      junction_vertex(b);
      emit(c, speed, ow);
    } else if (mode < kLocalSplit + kLocalBent) {  // one way with a shape point
      junction_vertex(a);
      vertex(next_key++, mid);
      junction_vertex(b);
      emit(c, speed, ow);
    } else {
      junction_vertex(a);
      junction_vertex(b);
      emit(c, speed, ow);
    }
  };
  for (std::uint32_t j = 0; j < H; ++j) {
    for (std::uint32_t i = 0; i < W; ++i) {
      const std::size_t v = at(i, j);
      if (east[v] && !major_line(j)) local_street(v, at(i + 1, j));
      if (north[v] && !major_line(i)) local_street(v, at(i, j + 1));
    }
  }

  // Cul-de-sacs: a short spur into the block, diagonally.
  for (std::size_t v = 0; v < junctions; ++v) {
    if (degree[v] == 0 || !rng.chance(kSpur)) continue;
    const double angle =
        (45.0 + 90.0 * rng.below(4) + rng.uniform(-15, 15)) * 3.14159265358979323846 / 180.0;
    const double len = rng.uniform(50, 100);
    junction_vertex(v);
    vertex(next_key++,
           {junction[v].x_m + len * std::cos(angle), junction[v].y_m + len * std::sin(angle)});
    emit(residential, 30, geo::Oneway::Both);
  }

  // Highways: pairs of one-way carriageways in the corridor between lattice lines k
  // and k + 1, from the first interchange to the last (so no carriageway ends in a
  // trap); they cross the mesh on bridges and meet it only at interchanges, where
  // four two-way links join both carriageways to the junctions on both sides.
  auto highway = [&](bool horizontal, std::uint32_t k) {
    const std::uint32_t along = horizontal ? W : H;
    const std::vector<double>& pos_along = horizontal ? cx : cy;
    const std::vector<double>& pos_across = horizontal ? cy : cx;
    const double base_along = horizontal ? o.origin_x_m : o.origin_y_m;
    const double base_across = horizontal ? o.origin_y_m : o.origin_x_m;
    std::vector<std::uint32_t> interchanges;
    for (std::uint32_t s = kInterchangeOffset; s < along; s += kInterchangeEvery)
      interchanges.push_back(s);
    if (interchanges.size() < 2) return;
    const std::uint32_t first = interchanges.front(), last = interchanges.back();
    const double speed = std::round(rng.uniform(110, 130));
    auto point = [&](std::uint32_t s, double frac) {
      const double a = base_along + pos_along[s];
      const double c = base_across + pos_across[k] + frac * (pos_across[k + 1] - pos_across[k]);
      return horizontal ? geo::PointM{a, c} : geo::PointM{c, a};
    };
    const double frac[2] = {0.3, 0.7};
    std::uint64_t key[2];
    for (int side_index = 0; side_index < 2; ++side_index) {
      key[side_index] = next_key;
      next_key += along;
      // Carriageway 0 runs with increasing coordinate, carriageway 1 against it.
      for (std::uint32_t n = 0; n <= last - first; ++n) {
        const std::uint32_t s = side_index == 0 ? first + n : last - n;
        vertex(key[side_index] + s, point(s, frac[side_index]));
      }
      emit(motorway, speed, geo::Oneway::Forward);
    }
    for (const std::uint32_t s : interchanges) {
      for (int side_index = 0; side_index < 2; ++side_index) {
        for (std::uint32_t across = k; across <= k + 1; ++across) {
          junction_vertex(horizontal ? at(s, across) : at(across, s));
          vertex(key[side_index] + s, point(s, frac[side_index]));
          emit(motorway_link, 50, geo::Oneway::Both);
        }
      }
    }
  };
  for (std::uint32_t k = kHighwayOffset; k + 1 < H; k += kHighwayEvery) highway(true, k);
  for (std::uint32_t k = kHighwayOffset; k + 1 < W; k += kHighwayEvery) highway(false, k);

  // The lattice is no longer needed: free it before the builder's peak.
  std::vector<geo::PointM>().swap(junction);
  std::vector<std::uint8_t>().swap(east);
  std::vector<std::uint8_t>().swap(north);
  std::vector<std::uint8_t>().swap(degree);

  geo::RoadGraph g = builder.build();
  if (stats) {
    stats->lattice_columns = W;
    stats->lattice_rows = H;
    stats->ways = ways;
    stats->seconds = seconds_since(start);
  }
  return g;
}

// [SECTION] territory

planner::Territory make_synthetic_territory(const SyntheticOptions& o,
                                            SyntheticTerritoryStats* stats) {
  SyntheticGraphStats gs;
  geo::RoadGraph g = make_synthetic_road_graph(o, &gs);
  planner::Territory t = make_synthetic_territory(o, std::move(g), stats);
  if (stats) stats->graph = gs;
  return t;
}

planner::Territory make_synthetic_territory(const SyntheticOptions& o, geo::RoadGraph graph,
                                            SyntheticTerritoryStats* stats) {
  const auto start = Clock::now();
  if (graph.empty()) throw geo::Error("synthetic territory: empty road graph");
  planner::Territory t;
  t.name = "synthetique-" + std::to_string(o.target_nodes) + "-" + std::to_string(o.seed);
  t.title = "Territoire synthétique (" + std::to_string(graph.node_count()) + " nœuds, graine " +
            std::to_string(o.seed) + ")";
  t.description =
      "Maillage routier perturbé et unités rectangulaires produits par le générateur des bancs "
      "d'essai.";
  t.population_year = 2026;
  t.profile = synthetic_profile(o);
  t.has_roads = true;
  t.roads_note =
      "réseau routier synthétique (maillage perturbé, hiérarchie de routes) : générateur des bancs "
      "d'essai";
  t.assumptions.push_back(
      "Territoire synthétique : ni les routes, ni les populations, ni les établissements ne sont "
      "réels.");
  {
    geo::Fingerprint fp;
    fp.add("recompose-synthetic/1|" + std::to_string(o.target_nodes) + "|" +
           std::to_string(o.seed) + "|" + std::to_string(o.origin_x_m) + "|" +
           std::to_string(o.origin_y_m) + "|");
    fp.add(t.profile.source_text);
    t.graph_fingerprint = fp.value();
  }
  t.graph = std::move(graph);
  const geo::RoadGraph& g = t.graph;
  Rng rng(mix_seed(o.seed, 2));

  // Units tile the bounding box of the nodes.
  const auto [min_x, max_x] = std::minmax_element(g.node_x_m.begin(), g.node_x_m.end());
  const auto [min_y, max_y] = std::minmax_element(g.node_y_m.begin(), g.node_y_m.end());
  const double x0 = *min_x, y0 = *min_y, w = *max_x - x0, h = *max_y - y0;
  const double n = static_cast<double>(g.node_count());
  const double want_units = std::max(1.0, std::round(n / std::max(1u, o.nodes_per_unit)));
  const auto nx = static_cast<std::uint32_t>(
      std::max(1.0, std::round(std::sqrt(want_units * w / std::max(h, 1.0)))));
  const auto ny = static_cast<std::uint32_t>(std::max(1.0, std::round(want_units / nx)));
  const double dx = w / nx, dy = h / ny;
  constexpr std::uint32_t kCommuneX = 2, kCommuneY = 5, kEpciSide = 4, kZeSide = 2;
  const std::uint32_t ncx = (nx + kCommuneX - 1) / kCommuneX,
                      ncy = (ny + kCommuneY - 1) / kCommuneY;
  const std::uint32_t nex = (ncx + kEpciSide - 1) / kEpciSide;
  const std::uint32_t nzx = (nex + kZeSide - 1) / kZeSide;
  std::vector<std::uint32_t> commune_of_cell(static_cast<std::size_t>(nx) * ny);

  for (std::uint32_t cb = 0; cb < ncy; ++cb) {
    for (std::uint32_t ca = 0; ca < ncx; ++ca) {
      const std::uint32_t k = cb * ncx + ca;
      planner::Commune c;
      c.dep = std::to_string(42 + k / 999);
      c.code = c.dep + zero_padded(k % 999 + 1, 3);
      c.name = "Commune synthétique " + std::to_string(k + 1);
      const std::uint32_t epci = (cb / kEpciSide) * nex + ca / kEpciSide;
      c.epci_code = "2420" + zero_padded(epci + 1, 5);
      c.epci_name = "CC synthétique " + std::to_string(epci + 1);
      const std::uint32_t ze = (cb / kEpciSide / kZeSide) * nzx + ca / kEpciSide / kZeSide;
      c.ze_code = "42" + zero_padded(ze + 1, 2);
      const std::uint32_t a0 = ca * kCommuneX, a1 = std::min(nx, a0 + kCommuneX);
      const std::uint32_t b0 = cb * kCommuneY, b1 = std::min(ny, b0 + kCommuneY);
      c.geometry = geo::Geometry::from_wkt(
          rectangle_wkt(x0 + a0 * dx, y0 + b0 * dy, x0 + a1 * dx, y0 + b1 * dy));
      c.point = c.geometry.point_on_surface();
      std::uint32_t number = 0;
      for (std::uint32_t b = b0; b < b1; ++b) {
        for (std::uint32_t a = a0; a < a1; ++a) {
          commune_of_cell[static_cast<std::size_t>(b) * nx + a] = k;
          planner::Unit u;
          u.code = c.code + zero_padded(++number, 4);
          u.name = c.name + " " + std::to_string(number);
          u.commune_code = c.code;
          u.type = "H";
          u.population = static_cast<double>(rng.between(200, 5000));
          u.weight_population = u.population;
          u.population_method = "synthétique";
          u.geometry = geo::Geometry::from_wkt(
              rectangle_wkt(x0 + a * dx, y0 + b * dy, x0 + (a + 1) * dx, y0 + (b + 1) * dy));
          u.point = u.geometry.point_on_surface();
          u.area_km2 = dx * dy / 1e6;
          c.population += u.population;
          ++c.unit_count;
          t.units.push_back(std::move(u));
        }
      }
      t.communes.push_back(std::move(c));
    }
  }

  // Facilities: hospitals with urgent care, mining-regime health centres, GP points.
  const auto nf =
      static_cast<std::uint32_t>(std::max(3.0, std::round(n / std::max(1u, o.nodes_per_facility))));
  const std::uint32_t hospitals = std::max(2u, static_cast<std::uint32_t>(std::lround(nf / 15.0)));
  const std::uint32_t centres = nf / 20;
  std::vector<int> kinds(nf, 0);  // 0 gp_point, 1 hospital, 2 health_centre
  std::fill(kinds.begin(), kinds.begin() + hospitals, 1);
  std::fill(kinds.begin() + hospitals, kinds.begin() + hospitals + centres, 2);
  for (std::uint32_t i = nf - 1; i > 0; --i)
    std::swap(kinds[i], kinds[rng.below(i + 1)]);  // Fisher-Yates
  for (std::uint32_t i = 0; i < nf; ++i) {
    planner::Facility f;
    f.id = "SYN-" + zero_padded(i + 1, 6);
    f.point = {x0 + w * rng.uniform(0.05, 0.95), y0 + h * rng.uniform(0.05, 0.95)};
    const auto a = std::min(nx - 1, static_cast<std::uint32_t>((f.point.x_m - x0) / dx));
    const auto b = std::min(ny - 1, static_cast<std::uint32_t>((f.point.y_m - y0) / dy));
    f.commune_code = t.communes[commune_of_cell[static_cast<std::size_t>(b) * nx + a]].code;
    f.source = "générateur synthétique";
    f.category = "synthétique";
    if (kinds[i] == 1) {
      f.kind = "hospital";
      f.name = "Centre hospitalier synthétique " + f.id;
      f.flags["urgent_care"] = true;
    } else if (kinds[i] == 2) {
      f.kind = "health_centre";
      f.name = "Centre de santé minier synthétique " + f.id;
      f.flags["mining_regime"] = true;
      f.capacity = static_cast<double>(rng.between(2, 8));
      f.capacity_unit = "médecins";
    } else {
      f.kind = "gp_point";
      f.capacity = static_cast<double>(rng.between(1, 6));
      f.name = std::to_string(static_cast<int>(f.capacity)) + " médecin(s) généraliste(s)";
      f.capacity_unit = "médecins généralistes";
    }
    t.facilities.push_back(std::move(f));
  }
  const double territory_s = seconds_since(start);

  // Snapping, as an import does.
  auto t_snap = Clock::now();
  const std::int64_t rss_before = current_rss_bytes();
  const geo::Snapper snapper(t.graph, t.profile.snap_max_distance_m, t.profile.access_speed_kmh,
                        t.profile.no_roadside_access);
  const std::int64_t rss_after = current_rss_bytes();
  const double snapper_s = seconds_since(t_snap);
  t_snap = Clock::now();
  for (auto& u : t.units) u.snap = planner::SnapInfo(snapper.snap(u.point));
  for (auto& f : t.facilities) f.snap = planner::SnapInfo(snapper.snap(f.point));
  if (stats) {
    stats->territory_seconds = territory_s;
    stats->snapper_seconds = snapper_s;
    stats->snap_seconds = seconds_since(t_snap);
    stats->snapper_rss_bytes = rss_after - rss_before;
  }
  return t;
}

}  // namespace recompose::bench
