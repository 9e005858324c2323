#include "planner/od_matrix.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "geo/dijkstra.hpp"
#include "geo/error.hpp"
#include "geo/vector_io.hpp"

namespace recompose::planner {

namespace fs = std::filesystem;
using geo::FieldType;
using geo::FieldValue;

std::vector<OdPoint> od_points(const Territory& t, const std::string& layer, const std::string& id_field,
                               const std::string& assume_crs) {
  if (!t.has_roads) {
    throw geo::Error("territory " + t.name + " has no road network (" + t.roads_note +
                     "): road travel times cannot be computed");
  }
  geo::Snapper snapper(t.graph, t.profile.snap_max_distance_m, t.profile.access_speed_kmh,
                        t.profile.no_roadside_access);
  std::vector<OdPoint> out;
  if (layer == "units") {
    for (const auto& u : t.units) out.push_back({u.code, u.point, u.snap.result});
  } else if (layer == "communes") {
    for (const auto& c : t.communes) {
      if (c.geometry) out.push_back({c.code, c.point, snapper.snap(c.point)});
    }
  } else if (layer == "facilities" || layer.starts_with("facilities:")) {
    const std::string filter = layer == "facilities" ? "" : layer.substr(11);
    for (const auto& f : t.facilities) {
      const bool flagged = f.flags.count(filter) && f.flags.at(filter);
      if (filter.empty() || f.kind == filter || flagged) out.push_back({f.id, f.point, f.snap.result});
    }
    if (out.empty()) throw geo::Error("no facility of kind or flag '" + filter + "' in territory " + t.name);
  } else {
    if (!fs::exists(layer)) {
      throw geo::Error("'" + layer + "' is neither a territory layer (units, communes, facilities[:KIND]) nor a file");
    }
    if (id_field.empty()) throw geo::Error("reading points from " + layer + " needs --from-id/--to-id FIELD");
    geo::ReadOptions o;
    o.fields = {id_field};
    o.assume_crs = assume_crs;
    auto d = geo::read_layer(layer, o);
    for (auto& f : d.features) {
      if (!f.geometry || f.geometry.empty()) continue;
      const geo::PointM p = f.geometry.is_polygonal() ? f.geometry.point_on_surface() : f.geometry.centroid();
      out.push_back({f.values[0], p, snapper.snap(p)});
    }
  }
  return out;
}

OdStats write_od_matrix(const geo::RoadGraph& g, const std::vector<OdPoint>& origins,
                        const std::vector<OdPoint>& destinations, double max_minutes, const std::string& path) {
  if (!std::isfinite(max_minutes) || max_minutes <= 0 || max_minutes > 1440) {
    throw geo::Error("--max-minutes " + std::to_string(max_minutes) + ": must be a number of minutes in ]0, 1440]",
                     geo::ErrorKind::Usage);
  }
  OdStats st;
  st.origins = origins.size();
  st.destinations = destinations.size();
  geo::VectorWriter w(path, geo::VectorFormat::Csv);
  w.begin_layer("od", geo::GeometryKind::None,
                {{"origin_id", FieldType::String},
                 {"destination_id", FieldType::String},
                 {"status", FieldType::String},
                 {"total_time_min", FieldType::Real},
                 {"network_time_s", FieldType::Real},
                 {"origin_node", FieldType::Integer},
                 {"origin_snap_m", FieldType::Real},
                 {"origin_access_s", FieldType::Real},
                 {"destination_node", FieldType::Integer},
                 {"destination_snap_m", FieldType::Real},
                 {"destination_access_s", FieldType::Real}});
  const FieldValue& null = geo::kNullField;
  for (const auto& o : origins) {
    if (!o.snap.ok()) {
      ++st.origins_off_network;
      w.write({o.id, null, std::string("origin-off-network"), null, null, null, o.snap.distance_m, null, null, null, null});
    }
  }
  const auto limit = static_cast<geo::Deciseconds>(std::max(0.0, max_minutes) * 600.0);
  geo::DijkstraWorkspace ws(g.node_count());
  std::vector<char> reached(origins.size(), 0);
  for (const auto& d : destinations) {
    if (!d.snap.ok()) {
      ++st.destinations_off_network;
      w.write({null, d.id, std::string("destination-off-network"), null, null, null, null, null, null,
               d.snap.distance_m, null});
      continue;
    }
    const auto seeds = geo::arrival_seeds(g, d.snap);
    geo::run_dijkstra(g, geo::Direction::Reverse, seeds, limit, ws);
    for (std::size_t i = 0; i < origins.size(); ++i) {
      const auto& o = origins[i];
      if (!o.snap.ok()) continue;
      const geo::Deciseconds t = std::min(geo::time_at(g, o.snap, ws, geo::Direction::Reverse),
                                          geo::same_segment_time(g, o.snap, d.snap));
      if (t == geo::kUnreachable || t > limit) continue;
      reached[i] = 1;
      ++st.pairs_within_limit;
      // In whole deciseconds, then converted: an exact 0 prints as 0 (never -1.4e-14).
      const auto network_ds = static_cast<std::int64_t>(t) - static_cast<std::int64_t>(o.snap.access_ds) -
                              static_cast<std::int64_t>(d.snap.access_ds);
      const double network_s = static_cast<double>(network_ds) / 10.0;
      w.write({o.id, d.id, std::string("ok"), geo::deciseconds_to_minutes(t), network_s,
               static_cast<std::int64_t>(o.snap.nearest_node), o.snap.distance_m,
               geo::deciseconds_to_seconds(o.snap.access_ds), static_cast<std::int64_t>(d.snap.nearest_node),
               d.snap.distance_m, geo::deciseconds_to_seconds(d.snap.access_ds)});
    }
  }
  st.origins_with_any = static_cast<std::size_t>(std::count(reached.begin(), reached.end(), 1));
  w.commit();
  return st;
}

std::size_t export_graph(const geo::RoadGraph& g, const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  geo::VectorFormat fmt;
  if (ext == ".geojson" || ext == ".json") {
    fmt = geo::VectorFormat::GeoJson;
  } else if (ext == ".csv") {
    fmt = geo::VectorFormat::Csv;
  } else if (ext == ".gpkg") {
    fmt = geo::VectorFormat::GeoPackage;
  } else {
    throw geo::Error("graph export to " + path + ": use a .geojson, .csv or .gpkg file name", geo::ErrorKind::Usage);
  }
  geo::VectorWriter w(path, fmt);
  w.begin_layer("arcs", geo::GeometryKind::LineString,
                {{"arc", FieldType::Integer},
                 {"from_node", FieldType::Integer},
                 {"to_node", FieldType::Integer},
                 {"segment", FieldType::Integer},
                 {"class", FieldType::String},
                 {"length_m", FieldType::Real},
                 {"travel_time_s", FieldType::Real},
                 {"main_component", FieldType::Integer}},
                "Recompose routable graph: one feature per directed arc");
  std::vector<geo::PointM> pts;
  for (geo::NodeId u = 0; u < g.node_count(); ++u) {
    for (geo::ArcId a = g.first_out[u]; a < g.first_out[u + 1]; ++a) {
      const geo::SegmentId s = g.arc_segment[a];
      pts.clear();
      for (auto k = g.segment_first_point[s]; k < g.segment_first_point[s + 1]; ++k) {
        pts.push_back({g.point_x_m[k], g.point_y_m[k]});
      }
      if (g.segment_from[s] != u) std::reverse(pts.begin(), pts.end());
      const geo::Geometry line = geo::Geometry::line(pts);
      w.write({static_cast<std::int64_t>(a), static_cast<std::int64_t>(u), static_cast<std::int64_t>(g.head[a]),
               static_cast<std::int64_t>(s), g.class_names[g.segment_class[s]],
               static_cast<double>(g.segment_length_m[s]), geo::deciseconds_to_seconds(g.travel_time_ds[a]),
               std::int64_t{g.in_main_component(u) ? 1 : 0}},
              &line);
    }
  }
  w.commit();
  return g.arc_count();
}

}  // namespace recompose::planner
