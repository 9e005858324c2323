#include <geos_c.h>

#include <iterator>

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

namespace {

bool is_true(const std::string& v) { return v == "1" || v == "yes" || v == "true" || v == "True"; }
bool is_reverse(const std::string& v) { return v == "-1" || v == "reverse"; }

}  // namespace

RoadGraph import_line_roads(const LineLayerSpec& spec, const RoadProfile& profile, RoadImportStats& stats) {
  stats = {};
  stats.source_kind = "lines";
  stats.has_direction_info = !spec.oneway_field.empty();
  ReadOptions o;
  o.layer = spec.layer;
  o.fields = {spec.class_field};
  // Optional fields, in this order after the class: absent ones read as "".
  const std::string* optional[] = {&spec.class_fallback_field, &spec.oneway_field, &spec.ramp_field,
                                   &spec.service_field, &spec.name_field, &spec.ref_field};
  std::vector<std::size_t> index(std::size(optional), 0);  // 0: not requested
  for (std::size_t k = 0; k < std::size(optional); ++k) {
    if (optional[k]->empty()) continue;
    o.fields.push_back(*optional[k]);  // named in the manifest: must exist
    index[k] = o.fields.size() - 1;
  }
  o.assume_crs = spec.assume_crs;
  LayerData data = read_layer(spec.path, o);
  stats.diagnostics = data.diagnostics;
  auto value = [&](const FeatureRecord& f, std::size_t k) -> const std::string& {
    static const std::string none;
    return index[k] ? f.values[index[k]] : none;
  };
  return with_error_context("file " + spec.path, [&] {
    // Resolve the class map once.
    std::map<std::string, RoadClass> classes;
    for (const auto& [v, cls] : spec.class_map) {
      const RoadClass c = profile.find_class(cls);
      if (c == kInvalidRoadClass) {
        throw Error("class_map maps " + v + " to '" + cls + "', which the profile '" + profile.name +
                    "' does not define");
      }
      classes[v] = c;
    }
    auto class_of = [&](const std::string& v) {
      if (auto it = classes.find(v); it != classes.end()) return it->second;
      return spec.class_map.empty() ? profile.find_class(v) : kInvalidRoadClass;
    };
    std::vector<WayInput> pieces;
    pieces.reserve(data.features.size());
    for (auto& f : data.features) {
      ++stats.features_read;
      std::string cls_value = f.values[0];
      if (cls_value.empty() && index[0]) cls_value = value(f, 0);
      RoadClass c = class_of(cls_value);
      if (c == kInvalidRoadClass) {
        ++stats.excluded_not_car;
        ++stats.excluded_by_value[spec.class_field + "=" + cls_value];
        continue;
      }
      // Ramps take the speed and the access rule of their `_link` class.
      if (is_true(value(f, 2))) {
        ++stats.ramp_ways;
        if (const RoadClass link = profile.find_class(profile.class_names[c] + "_link"); link != kInvalidRoadClass) {
          c = link;
        }
      }
      // Service roads: some values do not route, others have a class of their own.
      if (const std::string& service = value(f, 3); !service.empty()) {
        if (profile.is_excluded_service(service)) {
          ++stats.excluded_service;
          ++stats.excluded_by_value[spec.service_field + "=" + service];
          continue;
        }
        if (const RoadClass sc = profile.find_class(profile.class_names[c] + ":" + service); sc != kInvalidRoadClass) {
          c = sc;
        }
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
      f.geometry = {};  // release GEOS memory as we go
      Oneway oneway = Oneway::Both;
      if (const std::string& ow = value(f, 1); is_true(ow)) {
        oneway = Oneway::Forward;
      } else if (is_reverse(ow)) {
        oneway = Oneway::Backward;
      } else if (profile.is_implied_oneway(c)) {
        oneway = Oneway::Forward;
      }
      if (oneway != Oneway::Both) ++stats.oneway_ways;
      if (!value(f, 4).empty() || !value(f, 5).empty()) ++stats.named_ways;
      for (auto& pts : parts) {
        WayInput w;
        w.road_class = c;
        w.oneway = oneway;
        w.speed_kmh = profile.class_speed_kmh[c];
        w.points = std::move(pts);
        for (const PointM& p : w.points) w.vertex_keys.push_back(coordinate_key(p));
        pieces.push_back(std::move(w));
      }
      ++stats.ways_routable;
    }
    data.features.clear();
    data.features.shrink_to_fit();
    GraphBuilder builder(profile.class_names);
    for (const WayInput& w : join_way_pieces(std::move(pieces), &stats.pieces_joined)) builder.add_way(w);
    RoadGraph g = builder.build(&stats.build);
    if (g.empty()) throw Error("no routable road in layer " + data.layer);
    return g;
  });
}

}  // namespace recompose::geo
