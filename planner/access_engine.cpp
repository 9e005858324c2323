#include "planner/access_engine.hpp"

#include <cmath>

#include "geo/snapping.hpp"

namespace recompose::planner {

AccessEngine::AccessEngine(const Territory& t, double cutoff_min, StraightLineParams straight)
    : t_(t),
      model_(t.has_roads ? TimeModel::Road : TimeModel::StraightLine),
      cutoff_ds_(static_cast<geo::Deciseconds>(std::lround(cutoff_min * 600.0))),
      straight_(straight) {
  if (model_ == TimeModel::Road) {
    snapper_ = std::make_unique<geo::Snapper>(t.graph, t.profile.snap_max_distance_m, t.profile.access_speed_kmh);
    ws_.resize(t.graph.node_count());
  }
  base_.reserve(t.facilities.size());
  for (const auto& f : t.facilities) base_.push_back(compute_column(f.point, f.snap.result));
}

geo::SnapResult AccessEngine::snap(geo::PointM p) const {
  if (snapper_) return snapper_->snap(p);
  return {};
}

AccessColumn AccessEngine::compute_column(geo::PointM point, const geo::SnapResult& snap) {
  AccessColumn col;
  if (model_ == TimeModel::StraightLine) {
    const double mps = straight_.speed_kmh / 3.6;
    for (std::uint32_t u = 0; u < t_.units.size(); ++u) {
      const auto& p = t_.units[u].point;
      const double d = std::hypot(p.x_m - point.x_m, p.y_m - point.y_m) * straight_.detour_factor;
      const auto ds = static_cast<geo::Deciseconds>(std::lround(d / mps * 10.0));
      if (ds <= cutoff_ds_) col.push_back({u, ds});
    }
    return col;
  }
  if (!snap.ok()) return col;  // off the network: reaches nobody, reported as such
  const auto seeds = geo::arrival_seeds(t_.graph, snap);
  geo::run_dijkstra(t_.graph, geo::Direction::Reverse, seeds, cutoff_ds_, ws_);
  ++searches_;
  for (std::uint32_t u = 0; u < t_.units.size(); ++u) {
    const auto& us = t_.units[u].snap.result;
    if (!us.ok()) continue;
    const geo::Deciseconds ds = geo::time_at(t_.graph, us, ws_, geo::Direction::Reverse);
    if (ds != geo::kUnreachable && ds <= cutoff_ds_) col.push_back({u, ds});
  }
  return col;
}

const AccessColumn& AccessEngine::site_column(geo::PointM point, const geo::SnapResult& snap) {
  const std::pair<long long, long long> key{std::llround(point.x_m * 100), std::llround(point.y_m * 100)};
  auto it = sites_.find(key);
  if (it != sites_.end()) return it->second;
  return sites_.emplace(key, compute_column(point, snap)).first->second;
}

std::size_t AccessEngine::entries() const {
  std::size_t n = 0;
  for (const auto& c : base_) n += c.size();
  return n;
}

}  // namespace recompose::planner
