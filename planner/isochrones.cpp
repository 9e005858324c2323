#include "planner/isochrones.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "geo/dijkstra.hpp"
#include "geo/raster_mask.hpp"
#include "geo/snapping.hpp"

namespace recompose::planner {

namespace {

std::vector<Isochrone> raw_isochrones(const AccessEngine& engine, const std::vector<const FacilityState*>& sites,
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
  geo::Envelope extent{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
                       std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
  for (std::size_t k = 0; k < g.point_x_m.size(); ++k) {
    extent.min_x = std::min(extent.min_x, g.point_x_m[k]);
    extent.max_x = std::max(extent.max_x, g.point_x_m[k]);
    extent.min_y = std::min(extent.min_y, g.point_y_m[k]);
    extent.max_y = std::max(extent.max_y, g.point_y_m[k]);
  }
  const double cell = std::max(50.0, buffer_m / 2);
  for (double m : minutes) {
    const auto tlim = static_cast<geo::Deciseconds>(m * 600.0);
    geo::RasterMask mask(extent, cell);
    for (geo::SegmentId s = 0; s < g.segment_count() && !seeds.empty(); ++s) {
      const geo::Deciseconds ta = ws.time(g.segment_from[s]), tb = ws.time(g.segment_to[s]);
      if (ta > tlim && tb > tlim) continue;
      const auto b = g.segment_first_point[s], e = g.segment_first_point[s + 1];
      std::vector<geo::PointM> pts;
      for (auto k = b; k < e; ++k) pts.push_back({g.point_x_m[k], g.point_y_m[k]});
      double want = g.segment_length_m[s];
      if (ta > tlim || tb > tlim) {
        // Only one end within T: keep the part reachable from that end, by the share
        // of its length (the segment time is uniform along it).
        const bool from_a = ta <= tlim;
        const geo::Deciseconds seg_t = from_a ? g.segment_time_backward_ds[s] : g.segment_time_forward_ds[s];
        if (seg_t == geo::kUnreachable || seg_t == 0) continue;
        want *= std::min(1.0, static_cast<double>(tlim - (from_a ? ta : tb)) / seg_t);
        if (!from_a) std::reverse(pts.begin(), pts.end());
      }
      double along = 0;
      for (std::size_t k = 1; k < pts.size() && along < want; ++k) {
        const double len = std::hypot(pts[k].x_m - pts[k - 1].x_m, pts[k].y_m - pts[k - 1].y_m);
        geo::PointM end = pts[k];
        if (along + len > want && len > 0) {
          const double f = (want - along) / len;
          end = {pts[k - 1].x_m + f * (pts[k].x_m - pts[k - 1].x_m), pts[k - 1].y_m + f * (pts[k].y_m - pts[k - 1].y_m)};
        }
        mask.mark_segment(pts[k - 1], end);
        along += len;
      }
    }
    mask.dilate(static_cast<int>(std::lround(buffer_m / cell)));
    out.push_back({m, mask.polygons().simplified(cell / 2)});
  }
  return out;
}

}  // namespace

std::vector<Isochrone> isochrones(const AccessEngine& engine, const std::vector<const FacilityState*>& sites,
                                  const std::vector<double>& minutes, double buffer_m) {
  std::vector<Isochrone> out = raw_isochrones(engine, sites, minutes, buffer_m);
  // Nesting: a place reached within T minutes is reached within any T' > T. The raw
  // masks are nested, but their simplified outlines (and the discs' chords) are not
  // quite: each band is united with the next smaller one, so that it contains it.
  std::vector<std::size_t> order(out.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return out[a].minutes < out[b].minutes; });
  for (std::size_t k = 1; k < order.size(); ++k) {
    const geo::Geometry& inner = out[order[k - 1]].area;
    geo::Geometry& outer = out[order[k]].area;
    if (!inner || inner.empty()) continue;
    if (!outer || outer.empty()) {
      outer = inner;
      continue;
    }
    outer = geo::union_all({&outer, &inner}).polygonal_parts();
  }
  return out;
}

}  // namespace recompose::planner
