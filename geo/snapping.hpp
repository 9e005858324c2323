// Snapping points onto the road network, through a spatial index of segments.
//
// A point is projected onto the nearest road segment of the graph's main
// component (not merely the nearest junction). If it lies farther than
// `max_distance_m` (default 1 km) it is `TooFar` and is never routed; if the
// nearest road of all belongs to an isolated component, that is recorded too.
// The off-network *access leg* (snap distance at `access_speed_kmh`) is added to
// the seeds, so every time routed from or to a snapped point includes it.
//
// Cost: building the index is O(segments log segments); a snap is a few R-tree
// queries of growing radius, typically < 20 us.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "geo/dijkstra.hpp"
#include "geo/geometry.hpp"
#include "geo/road_graph.hpp"

namespace recompose::geo {

enum class SnapStatus {
  Snapped,    // on the main component within the distance limit
  TooFar,     // no road of the main component within the limit
  NoNetwork,  // the graph is empty
};

const char* snap_status_name(SnapStatus s);

struct SnapResult {
  SnapStatus status = SnapStatus::NoNetwork;
  SegmentId segment = kInvalidSegment;  // on the main component
  double fraction = 0;                  // 0 at segment_from .. 1 at segment_to, by length
  PointM snapped;                       // the projected point
  double distance_m = 0;                // from the input point to `snapped` (or to the nearest main road)
  Deciseconds access_ds = 0;            // distance_m at the access speed
  NodeId nearest_node = kInvalidNode;   // the segment end closer along the road
  // Nearest road of any component, when it is not on the main one.
  bool nearest_is_isolated = false;
  double nearest_isolated_distance_m = 0;
  ComponentId nearest_isolated_component = kInvalidComponent;

  [[nodiscard]] bool ok() const { return status == SnapStatus::Snapped; }
};

// Why a point is not on the network, for messages: "1234 m from the nearest road it
// can be entered from (limit 1000 m)", or, when no such road lies within 100 km (a
// graph of motorways and ramps only), "no road it can be entered from the roadside
// within 100 km" (never a sentinel number).
std::string off_network_text(const SnapResult& s, double max_distance_m);

// Seeds and times of a snapped point; they need the graph, not the spatial index.
std::vector<Seed> departure_seeds(const RoadGraph& g, const SnapResult& s);
std::vector<Seed> arrival_seeds(const RoadGraph& g, const SnapResult& s);
Deciseconds time_at(const RoadGraph& g, const SnapResult& s, const DijkstraWorkspace& ws, Direction searched);

// Direct time from snapped point `from` to snapped point `to` along their common
// segment (both access legs included), when they lie on the same segment and the
// direction is allowed; kUnreachable otherwise. A search from the segment's ends
// cannot see this route, so callers take the minimum of both.
Deciseconds same_segment_time(const RoadGraph& g, const SnapResult& from, const SnapResult& to);

class Snapper {
 public:
  // Segments of the classes in `no_roadside_access` (names of g.class_names, e.g.
  // "motorway") are never snapped onto: a point beside a motorway joins the nearest
  // road it can be reached from.
  Snapper(const RoadGraph& g, double max_distance_m, double access_speed_kmh,
          const std::vector<std::string>& no_roadside_access = {});
  ~Snapper();
  Snapper(const Snapper&) = delete;
  Snapper& operator=(const Snapper&) = delete;

  [[nodiscard]] SnapResult snap(PointM p) const;

  // Seeds for a forward search that starts at the snapped point (leaving it).
  [[nodiscard]] std::vector<Seed> departure_seeds(const SnapResult& s) const;
  // Seeds for a reverse search that ends at the snapped point (arriving at it).
  [[nodiscard]] std::vector<Seed> arrival_seeds(const SnapResult& s) const;
  // Time to reach snapped point `s` after a *forward* search (from elsewhere), or
  // from `s` after a *reverse* search: the best of its segment ends plus the part
  // of the segment, plus the access leg. kUnreachable when neither end was reached.
  [[nodiscard]] Deciseconds time_at(const SnapResult& s, const DijkstraWorkspace& ws,
                                    Direction searched) const;

  [[nodiscard]] double max_distance_m() const { return max_distance_m_; }
  [[nodiscard]] double access_speed_kmh() const { return access_speed_kmh_; }

 private:
  struct Candidate {
    SegmentId segment = kInvalidSegment;
    double distance_m = 0;
    double fraction = 0;
    PointM point;
  };
  Candidate nearest(PointM p, double radius_m, bool main_only) const;
  Candidate nearest_growing(PointM p, double limit_m, bool main_only) const;

  const RoadGraph& g_;
  double max_distance_m_;
  double access_speed_kmh_;
  std::unique_ptr<StrTree> tree_;
  std::vector<SegmentId> tree_segment_;  // tree item -> segment
};

}  // namespace recompose::geo
