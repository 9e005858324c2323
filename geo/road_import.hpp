// Road network sources -> RoadGraph.
//
// (a) OpenStreetMap PBF or XML through libosmium: ways with a `highway` value the
//     profile routes; `access`/`motor_vehicle`/`motorcar` = no/private excluded;
//     `oneway` yes/1/true/-1/reverse honoured, motorways and roundabouts one-way by
//     default; `maxspeed` honoured (see RoadProfile).
// (b) Any OGR line layer with a road-class field mapped onto profile classes
//     (e.g. the `roadClass` highway/major/minor GeoJSON files, or OSM `highway`
//     values in the `subclass` field of OpenMapTiles-derived files). Lines are split
//     at shared vertices (exact coordinates) to form junctions. Optional fields give
//     the direction (`oneway` 1 / -1), ramps (`ramp` 1: the class's `_link` speed,
//     no roadside access), the OSM `service` value (parking aisles and driveways
//     route but are not snapped onto; values the profile excludes, e.g.
//     emergency_access, do not route) and names. Without a oneway field every road
//     is two-way (except the profile's implied one-way classes), and the stats say so.
//     Pieces of one road cut at vector-tile borders are joined back before the graph
//     is built (see join_way_pieces), so the graph is the same as with whole ways.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

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
  std::uint64_t ramp_ways = 0;             // line layers: ramp field = 1
  std::uint64_t named_ways = 0;            // line layers: name or ref present
  std::uint64_t excluded_service = 0;      // service=* values the profile does not route
  std::uint64_t pieces_joined = 0;         // line pieces merged into the previous piece of their road
  bool has_direction_info = true;          // false for plain line layers
  std::map<std::string, std::uint64_t> excluded_by_value;  // highway/class value -> count
  GraphBuildStats build;
  Diagnostics diagnostics;
};

RoadGraph import_osm_roads(const std::string& path, const RoadProfile& profile, RoadImportStats& stats);

struct LineLayerSpec {
  std::string path;
  std::string layer;                              // empty: the only layer
  std::string class_field;                        // e.g. "roadClass", "subclass"
  std::map<std::string, std::string> class_map;   // source value -> profile class (empty: the value itself)
  std::string assume_crs;                         // when the layer declares none
  // Optional fields (empty: not read).
  std::string class_fallback_field;               // used where class_field is empty/null (e.g. "class")
  std::string oneway_field;                       // 1/yes/true: drawing direction only; -1: reverse
  std::string ramp_field;                         // 1/yes/true: a ramp (`<class>_link`)
  std::string service_field;                      // OSM service=* value of service roads
  std::string name_field, ref_field;              // street name and road number (counted)

  // A layer that only has a class field (e.g. the Subway Builder highway/major/minor files).
  static LineLayerSpec class_only(std::string path, std::string class_field,
                                  std::map<std::string, std::string> class_map = {}) {
    LineLayerSpec s;
    s.path = std::move(path);
    s.class_field = std::move(class_field);
    s.class_map = std::move(class_map);
    return s;
  }
};

// Joins pieces of the same road that were cut apart (vector-tile borders): two
// pieces are joined at a vertex that is the end of exactly these two pieces and
// used by no other line, when they have the same class, speed and direction (a
// one-way piece must continue the other in its drawing direction). Chains are
// joined whole; a ring of pieces becomes one closed way. Returns the joined ways;
// `joined` receives the number of joins made.
std::vector<WayInput> join_way_pieces(std::vector<WayInput> pieces, std::uint64_t* joined = nullptr);

RoadGraph import_line_roads(const LineLayerSpec& spec, const RoadProfile& profile, RoadImportStats& stats);

}  // namespace recompose::geo
