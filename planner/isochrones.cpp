#include "planner/isochrones.hpp"

#include <algorithm>
#include <cmath>

#include "geo/dijkstra.hpp"
#include "geo/snapping.hpp"

namespace recompose::planner {

std::vector<Isochrone> isochrones(const AccessEngine& engine, const std::vector<const FacilityState*>& sites,
                                  const std::vector<double>& minutes, double buffer_m) {
  std::vector<Isochrone> out;
  const Territory& t = engine.territory();
  if (minutes.empty()) return out;
  const double max_min = *std::max_element(minutes.begin(), minutes.end());
  if (engine.model() == TimeModel::StraightLine) {
    const auto& sl = engine.straight_line();
    for (double m : minutes) {
      const double radius = m * 60.0 * sl.speed_kmh / 3.6 / sl.detour_factor;
      std::vector<geo::Geometry> discs;
      for (const auto* s : sites) discs.push_back(geo::Geometry::point(s->point.x_m, s->point.y_m).buffer(radius, 8));
      std::vector<const geo::Geometry*> parts;
      for (const auto& d : discs) parts.push_back(&d);
      out.push_back({m, parts.empty() ? geo::Geometry() : geo::union_all(parts)});
    }
    return out;
  }
  const geo::RoadGraph& g = t.graph;
  std::vector<geo::Seed> seeds;
  for (const auto* s : sites) {
    const auto ss = geo::arrival_seeds(g, s->snap.result);
    seeds.insert(seeds.end(), ss.begin(), ss.end());
  }
  geo::DijkstraWorkspace ws(g.node_count());
  const auto limit = static_cast<geo::Deciseconds>(max_min * 600.0);
  if (!seeds.empty()) geo::run_dijkstra(g, geo::Direction::Reverse, seeds, limit, ws);
  for (double m : minutes) {
    const auto tlim = static_cast<geo::Deciseconds>(m * 600.0);
    std::vector<std::vector<geo::PointM>> pieces;
    for (geo::SegmentId s = 0; s < g.segment_count() && !seeds.empty(); ++s) {
      const geo::Deciseconds ta = ws.time(g.segment_from[s]), tb = ws.time(g.segment_to[s]);
      if (ta > tlim && tb > tlim) continue;
      const auto b = g.segment_first_point[s], e = g.segment_first_point[s + 1];
      std::vector<geo::PointM> pts;
      for (auto k = b; k < e; ++k) pts.push_back({g.point_x_m[k], g.point_y_m[k]});
      if (ta <= tlim && tb <= tlim) {
        pieces.push_back(std::move(pts));
        continue;
      }
      // Only one end within T: keep the part of the segment reachable from that end,
      // by the share of its length (the segment time is uniform along it).
      const bool from_a = ta <= tlim;
      const geo::Deciseconds seg_t =
          from_a ? g.segment_time_backward_ds[s] : g.segment_time_forward_ds[s];  // driving towards the end
      if (seg_t == geo::kUnreachable || seg_t == 0) continue;
      const double share = std::min(1.0, static_cast<double>(tlim - (from_a ? ta : tb)) / seg_t);
      if (!from_a) std::reverse(pts.begin(), pts.end());
      const double want = share * g.segment_length_m[s];
      std::vector<geo::PointM> part{pts[0]};
      double along = 0;
      for (std::size_t k = 1; k < pts.size(); ++k) {
        const double len = std::hypot(pts[k].x_m - pts[k - 1].x_m, pts[k].y_m - pts[k - 1].y_m);
        if (along + len >= want) {
          const double f = len > 0 ? (want - along) / len : 0;
          part.push_back({pts[k - 1].x_m + f * (pts[k].x_m - pts[k - 1].x_m),
                          pts[k - 1].y_m + f * (pts[k].y_m - pts[k - 1].y_m)});
          break;
        }
        along += len;
        part.push_back(pts[k]);
      }
      if (part.size() >= 2) pieces.push_back(std::move(part));
    }
    geo::Geometry area;
    if (!pieces.empty()) area = geo::Geometry::multi_line(pieces).buffer(buffer_m, 2).simplified(25.0);
    out.push_back({m, std::move(area)});
  }
  return out;
}

}  // namespace recompose::planner
