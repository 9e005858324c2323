#include "geo/snapping.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace recompose::geo {

const char* snap_status_name(SnapStatus s) {
  switch (s) {
    case SnapStatus::Snapped: return "snapped";
    case SnapStatus::TooFar: return "too-far";
    case SnapStatus::NoNetwork: return "no-network";
  }
  return "?";
}

std::string off_network_text(const SnapResult& s, double max_distance_m) {
  if (s.status == SnapStatus::NoNetwork) return "the road graph is empty";
  if (!std::isfinite(s.distance_m)) {
    return "no road it can be entered from the roadside within 100 km (motorways, ramps, parking aisles and private "
           "driveways route but are never joined from the roadside)";
  }
  return std::to_string(std::lround(s.distance_m)) + " m from the nearest road of the main network it can be entered "
         "from (limit " + std::to_string(std::lround(max_distance_m)) + " m)";
}

Snapper::Snapper(const RoadGraph& g, double max_distance_m, double access_speed_kmh,
                 const std::vector<std::string>& no_roadside_access)
    : g_(g), max_distance_m_(max_distance_m), access_speed_kmh_(access_speed_kmh),
      tree_(std::make_unique<StrTree>()) {
  std::vector<std::uint8_t> excluded(g.class_names.size(), 0);
  for (std::size_t c = 0; c < g.class_names.size(); ++c) {
    excluded[c] = std::find(no_roadside_access.begin(), no_roadside_access.end(), g.class_names[c]) !=
                  no_roadside_access.end();
  }
  for (SegmentId s = 0; s < g.segment_count(); ++s) {
    if (g.segment_class[s] < excluded.size() && excluded[g.segment_class[s]]) continue;
    Envelope e{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
               std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
    for (std::uint32_t k = g.segment_first_point[s]; k < g.segment_first_point[s + 1]; ++k) {
      e.min_x = std::min(e.min_x, g.point_x_m[k]);
      e.min_y = std::min(e.min_y, g.point_y_m[k]);
      e.max_x = std::max(e.max_x, g.point_x_m[k]);
      e.max_y = std::max(e.max_y, g.point_y_m[k]);
    }
    tree_->insert(e);
    tree_segment_.push_back(s);
  }
}

Snapper::~Snapper() = default;

Snapper::Candidate Snapper::nearest(PointM p, double radius_m, bool main_only) const {
  Candidate best;
  best.distance_m = std::numeric_limits<double>::infinity();
  const Envelope box{p.x_m - radius_m, p.y_m - radius_m, p.x_m + radius_m, p.y_m + radius_m};
  for (std::size_t item : tree_->query(box)) {
    const SegmentId s = tree_segment_[item];
    if (main_only && !g_.in_main_component(g_.segment_from[s])) continue;
    const std::uint32_t b = g_.segment_first_point[s], e = g_.segment_first_point[s + 1];
    double along = 0;
    const double total = g_.segment_length_m[s];
    for (std::uint32_t k = b + 1; k < e; ++k) {
      const double ax = g_.point_x_m[k - 1], ay = g_.point_y_m[k - 1];
      const double dx = g_.point_x_m[k] - ax, dy = g_.point_y_m[k] - ay;
      const double len2 = dx * dx + dy * dy;
      double t = len2 > 0 ? ((p.x_m - ax) * dx + (p.y_m - ay) * dy) / len2 : 0;
      t = std::clamp(t, 0.0, 1.0);
      const double qx = ax + t * dx, qy = ay + t * dy;
      const double d = std::hypot(p.x_m - qx, p.y_m - qy);
      const double piece = std::sqrt(len2);
      if (d < best.distance_m) {
        best.segment = s;
        best.distance_m = d;
        best.point = {qx, qy};
        best.fraction = total > 0 ? std::clamp((along + t * piece) / total, 0.0, 1.0) : 0.0;
      }
      along += piece;
    }
  }
  return best;
}

Snapper::Candidate Snapper::nearest_growing(PointM p, double limit_m, bool main_only) const {
  // Grow the search radius until a road is found within it: a hit at distance d
  // inside a box of half-size r is final when d <= r.
  Candidate best;
  for (double radius = 50.0;; radius *= 2) {
    const double r = std::min(radius, limit_m);
    best = nearest(p, r, main_only);
    if (best.distance_m <= r || r >= limit_m) return best;
  }
}

SnapResult Snapper::snap(PointM p) const {
  SnapResult r;
  if (g_.segment_count() == 0) return r;
  Candidate any = nearest_growing(p, max_distance_m_, false), main;
  if (any.segment != kInvalidSegment && any.distance_m <= max_distance_m_ &&
      g_.in_main_component(g_.segment_from[any.segment])) {
    main = any;
  } else {
    main = nearest_growing(p, max_distance_m_, true);
    if (any.segment != kInvalidSegment && any.distance_m <= max_distance_m_) {
      r.nearest_is_isolated = true;
      r.nearest_isolated_distance_m = any.distance_m;
      r.nearest_isolated_component = g_.node_component[g_.segment_from[any.segment]];
    }
  }
  if (main.segment == kInvalidSegment || main.distance_m > max_distance_m_) {
    r.status = SnapStatus::TooFar;
    // Report how far the main network really is (bounded look-up, 100 km).
    const Candidate far = nearest_growing(p, 100000.0, true);
    r.distance_m = far.segment == kInvalidSegment ? std::numeric_limits<double>::infinity() : far.distance_m;
    return r;
  }
  r.status = SnapStatus::Snapped;
  r.segment = main.segment;
  r.fraction = main.fraction;
  r.snapped = main.point;
  r.distance_m = main.distance_m;
  const double t = main.distance_m / (access_speed_kmh_ / 3.6) * 10.0;
  r.access_ds = static_cast<Deciseconds>(std::lround(t));
  r.nearest_node = main.fraction <= 0.5 ? g_.segment_from[main.segment] : g_.segment_to[main.segment];
  return r;
}

namespace {
Deciseconds part(Deciseconds t, double fraction) {
  return t == kUnreachable ? kUnreachable : static_cast<Deciseconds>(std::lround(t * fraction));
}
}  // namespace

std::vector<Seed> departure_seeds(const RoadGraph& g_, const SnapResult& s) {
  std::vector<Seed> out;
  if (!s.ok()) return out;
  // Leaving the point: along the segment forward to `to`, or backward to `from`.
  const Deciseconds fwd = part(g_.segment_time_forward_ds[s.segment], 1.0 - s.fraction);
  const Deciseconds bwd = part(g_.segment_time_backward_ds[s.segment], s.fraction);
  if (fwd != kUnreachable) out.push_back({g_.segment_to[s.segment], fwd + s.access_ds});
  if (bwd != kUnreachable) out.push_back({g_.segment_from[s.segment], bwd + s.access_ds});
  return out;
}

std::vector<Seed> arrival_seeds(const RoadGraph& g_, const SnapResult& s) {
  std::vector<Seed> out;
  if (!s.ok()) return out;
  // Arriving at the point: from `from` driving forward, or from `to` driving backward.
  const Deciseconds fwd = part(g_.segment_time_forward_ds[s.segment], s.fraction);
  const Deciseconds bwd = part(g_.segment_time_backward_ds[s.segment], 1.0 - s.fraction);
  if (fwd != kUnreachable) out.push_back({g_.segment_from[s.segment], fwd + s.access_ds});
  if (bwd != kUnreachable) out.push_back({g_.segment_to[s.segment], bwd + s.access_ds});
  return out;
}

Deciseconds same_segment_time(const RoadGraph& g, const SnapResult& from, const SnapResult& to) {
  if (!from.ok() || !to.ok() || from.segment != to.segment) return kUnreachable;
  const SegmentId s = from.segment;
  const bool forward = to.fraction >= from.fraction;
  const Deciseconds whole = forward ? g.segment_time_forward_ds[s] : g.segment_time_backward_ds[s];
  if (whole == kUnreachable) return kUnreachable;
  return part(whole, std::abs(to.fraction - from.fraction)) + from.access_ds + to.access_ds;
}

Deciseconds time_at(const RoadGraph& g_, const SnapResult& s, const DijkstraWorkspace& ws, Direction searched) {
  if (!s.ok()) return kUnreachable;
  // After a forward search the point is a destination: arrive at it.
  const auto seeds = searched == Direction::Forward ? arrival_seeds(g_, s) : departure_seeds(g_, s);
  Deciseconds best = kUnreachable;
  for (const Seed& seed : seeds) {
    const Deciseconds t = ws.time(seed.node);
    if (t == kUnreachable) continue;
    best = std::min(best, t + seed.offset_ds);
  }
  return best;
}

}  // namespace recompose::geo

namespace recompose::geo {
std::vector<Seed> Snapper::departure_seeds(const SnapResult& s) const { return geo::departure_seeds(g_, s); }
std::vector<Seed> Snapper::arrival_seeds(const SnapResult& s) const { return geo::arrival_seeds(g_, s); }
Deciseconds Snapper::time_at(const SnapResult& s, const DijkstraWorkspace& ws, Direction searched) const {
  return geo::time_at(g_, s, ws, searched);
}
}  // namespace recompose::geo
