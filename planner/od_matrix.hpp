// Origin-destination travel times (`recompose times`) and the graph export
// (`recompose graph export`), so that any other router can be checked on exactly
// the same graph and every time can be explained: each origin's and destination's
// snapped node, snapping distance and access leg are written beside the network time.
#pragma once

#include <string>
#include <vector>

#include "geo/road_graph.hpp"
#include "geo/snapping.hpp"
#include "planner/territory.hpp"

namespace recompose::planner {

struct OdPoint {
  std::string id;
  geo::PointM point;
  geo::SnapResult snap;
};

// Points of a territory layer: "units", "communes", "facilities",
// "facilities:KIND" or "facilities:FLAG" (e.g. facilities:hospital,
// facilities:urgent_care); or any vector file GDAL reads (points, or polygons
// taken at their point-on-surface) with `id_field`. Snapped on `t`'s graph.
std::vector<OdPoint> od_points(const Territory& t, const std::string& layer, const std::string& id_field,
                               const std::string& assume_crs);

struct OdStats {
  std::size_t origins = 0, destinations = 0;
  std::size_t origins_off_network = 0, destinations_off_network = 0;
  std::size_t pairs_within_limit = 0;
  std::size_t origins_with_any = 0;  // origins reaching at least one destination
};

// Writes a CSV (one row per pair within `max_minutes`, plus one row per point off
// the network) atomically to `path`. Columns:
//   origin_id, destination_id, status (ok, origin-off-network, destination-off-network)
//   total_time_min        door to door: access legs + network time
//   network_time_s        total minus both access legs: the road part, which *includes*
//                         the parts of the two snapped segments between each snapped
//                         point and the segment end the route uses (or the stretch
//                         between them when both lie on one segment); 0 is printed 0
//   origin_node / destination_node   the end of the snapped segment nearer along the
//                         road: a label for the snap, not necessarily the end the
//                         fastest route leaves or enters by
//   *_snap_m, *_access_s  snapping distance and access leg (at the access speed)
OdStats write_od_matrix(const geo::RoadGraph& g, const std::vector<OdPoint>& origins,
                        const std::vector<OdPoint>& destinations, double max_minutes, const std::string& path);

// Writes every directed arc (from/to node, segment, class, length_m,
// travel_time_s, geometry) as GeoJSON (.geojson) or CSV with WKT (.csv).
std::size_t export_graph(const geo::RoadGraph& g, const std::string& path);

}  // namespace recompose::planner
