// Road network sources -> RoadGraph.
//
// (a) OpenStreetMap PBF or XML through libosmium: ways with a `highway` value the
//     profile routes; `access`/`motor_vehicle`/`motorcar` = no/private excluded;
//     `oneway` yes/1/true/-1/reverse honoured, motorways and roundabouts one-way by
//     default; `maxspeed` honoured (see RoadProfile).
// (b) Any OGR line layer with a road-class field mapped onto profile classes
//     (e.g. the `roadClass` highway/major/minor GeoJSON files). Lines are split at
//     shared vertices (exact coordinates) to form junctions. Such layers carry no
//     direction: every road is two-way, and the import stats say so.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "geo/diagnostic.hpp"
#include "geo/graph_builder.hpp"
#include "geo/road_graph.hpp"
#include "geo/road_profile.hpp"

namespace recompose::geo {

struct RoadImportStats {
  std::string source_kind;  // "osm" or "lines"
  std::uint64_t features_read = 0;
  std::uint64_t ways_routable = 0;
  std::uint64_t excluded_not_car = 0;      // highway value not in the profile, or unmapped class
  std::uint64_t excluded_access = 0;       // access=no/private
  std::uint64_t excluded_no_geometry = 0;  // missing node locations, empty lines
  std::uint64_t oneway_ways = 0;
  std::uint64_t maxspeed_used = 0;
  bool has_direction_info = true;          // false for plain line layers
  std::map<std::string, std::uint64_t> excluded_by_value;  // highway/class value -> count
  GraphBuildStats build;
  Diagnostics diagnostics;
};

RoadGraph import_osm_roads(const std::string& path, const RoadProfile& profile, RoadImportStats& stats);

struct LineLayerSpec {
  std::string path;
  std::string layer;                              // empty: the only layer
  std::string class_field;                        // e.g. "roadClass"
  std::map<std::string, std::string> class_map;   // source value -> profile class
  std::string assume_crs;                         // when the layer declares none
};

RoadGraph import_line_roads(const LineLayerSpec& spec, const RoadProfile& profile, RoadImportStats& stats);

}  // namespace recompose::geo
