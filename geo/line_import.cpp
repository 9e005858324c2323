#include <geos_c.h>

#include "geo/error.hpp"
#include "geo/road_import.hpp"
#include "geo/vector_io.hpp"

namespace recompose::geo {

namespace {

// The vertex sequences of a LineString or MultiLineString.
std::vector<std::vector<PointM>> line_parts(const Geometry& g) {
  std::vector<std::vector<PointM>> out;
  auto h = geos_context();
  auto read_line = [&](const GEOSGeometry* line) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, line);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, seq, &n);
    std::vector<PointM> pts(n);
    for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(h, seq, i, &pts[i].x_m, &pts[i].y_m);
    out.push_back(std::move(pts));
  };
  const int t = GEOSGeomTypeId_r(h, g.get());
  if (t == GEOS_LINESTRING) {
    read_line(g.get());
  } else if (t == GEOS_MULTILINESTRING) {
    for (int i = 0; i < GEOSGetNumGeometries_r(h, g.get()); ++i) read_line(GEOSGetGeometryN_r(h, g.get(), i));
  }
  return out;
}

}  // namespace

RoadGraph import_line_roads(const LineLayerSpec& spec, const RoadProfile& profile, RoadImportStats& stats) {
  stats = {};
  stats.source_kind = "lines";
  stats.has_direction_info = false;
  ReadOptions o;
  o.layer = spec.layer;
  o.fields = {spec.class_field};
  o.assume_crs = spec.assume_crs;
  LayerData data = read_layer(spec.path, o);
  stats.diagnostics = data.diagnostics;
  return with_error_context("file " + spec.path, [&] {
    // Resolve the class map once.
    std::map<std::string, RoadClass> classes;
    for (const auto& [value, cls] : spec.class_map) {
      const RoadClass c = profile.find_class(cls);
      if (c == kInvalidRoadClass) {
        throw Error("class_map maps " + value + " to '" + cls + "', which the profile '" + profile.name +
                    "' does not define");
      }
      classes[value] = c;
    }
    GraphBuilder builder(profile.class_names);
    for (const auto& f : data.features) {
      ++stats.features_read;
      const std::string& value = f.values[0];
      RoadClass c = kInvalidRoadClass;
      if (auto it = classes.find(value); it != classes.end()) {
        c = it->second;
      } else if (spec.class_map.empty()) {
        c = profile.find_class(value);
      }
      if (c == kInvalidRoadClass) {
        ++stats.excluded_not_car;
        ++stats.excluded_by_value[spec.class_field + "=" + value];
        continue;
      }
      if (!f.geometry || f.geometry.empty()) {
        ++stats.excluded_no_geometry;
        continue;
      }
      auto parts = line_parts(f.geometry);
      if (parts.empty()) {
        ++stats.excluded_no_geometry;
        stats.diagnostics.push_back({Severity::Warning, "not-a-line", data.where(f),
                                     "geometry is " + f.geometry.type_name() + ", not a line; skipped"});
        continue;
      }
      for (auto& pts : parts) {
        WayInput w;
        w.road_class = c;
        w.speed_kmh = profile.class_speed_kmh[c];
        w.points = std::move(pts);
        for (const PointM& p : w.points) w.vertex_keys.push_back(coordinate_key(p));
        builder.add_way(w);
      }
      ++stats.ways_routable;
    }
    RoadGraph g = builder.build(&stats.build);
    if (g.empty()) throw Error("no routable road in layer " + data.layer);
    return g;
  });
}

}  // namespace recompose::geo
