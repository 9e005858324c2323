#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>

#include <cstring>
#include <filesystem>

#include "geo/crs.hpp"
#include "geo/error.hpp"
#include "geo/road_import.hpp"

namespace recompose::geo {

namespace {

bool is_no(const char* v) { return v && (!std::strcmp(v, "no") || !std::strcmp(v, "private")); }

class WayCollector : public osmium::handler::Handler {
 public:
  WayCollector(const RoadProfile& p, RoadImportStats& st, GraphBuilder& b)
      : profile_(p), stats_(st), builder_(b), to_l93_(kWgs84, kLambert93) {}

  void way(const osmium::Way& w) {
    const char* highway = w.tags()["highway"];
    if (!highway) return;
    ++stats_.features_read;
    RoadClass c = profile_.find_class(highway);
    const char* area = w.tags()["area"];
    if (c == kInvalidRoadClass || (area && !std::strcmp(area, "yes"))) {
      ++stats_.excluded_not_car;
      ++stats_.excluded_by_value[std::string("highway=") + highway];
      return;
    }
    const char* access = w.tags()["access"];
    const char* motor_vehicle = w.tags()["motor_vehicle"];
    const char* motorcar = w.tags()["motorcar"];
    const char* allowed = motorcar ? motorcar : (motor_vehicle ? motor_vehicle : access);
    if (is_no(allowed)) {
      ++stats_.excluded_access;
      return;
    }
    if (const char* service = w.tags()["service"]) {
      if (profile_.is_excluded_service(service)) {
        ++stats_.excluded_service;
        ++stats_.excluded_by_value[std::string("service=") + service];
        return;
      }
      const RoadClass sc = profile_.find_class(std::string(highway) + ":" + service);
      if (sc != kInvalidRoadClass) c = sc;
    }
    WayInput in;
    in.road_class = c;
    in.speed_kmh = profile_.class_speed_kmh[c];
    if (const char* ms = w.tags()["maxspeed"]) {
      if (auto v = parse_maxspeed_kmh(ms)) {
        in.speed_kmh = *v * profile_.maxspeed_factor;
        ++stats_.maxspeed_used;
      }
    }
    const char* oneway = w.tags()["oneway"];
    const char* junction = w.tags()["junction"];
    if (oneway && (!std::strcmp(oneway, "yes") || !std::strcmp(oneway, "1") || !std::strcmp(oneway, "true"))) {
      in.oneway = Oneway::Forward;
    } else if (oneway && (!std::strcmp(oneway, "-1") || !std::strcmp(oneway, "reverse"))) {
      in.oneway = Oneway::Backward;
    } else if (oneway && !std::strcmp(oneway, "no")) {
      in.oneway = Oneway::Both;
    } else if (profile_.is_implied_oneway(c) ||
               (junction && (!std::strcmp(junction, "roundabout") || !std::strcmp(junction, "circular")))) {
      in.oneway = Oneway::Forward;
    }
    for (const auto& nr : w.nodes()) {
      if (!nr.location().valid()) {
        ++stats_.excluded_no_geometry;
        stats_.diagnostics.push_back({Severity::Warning, "osm-missing-node",
                                      "way " + std::to_string(w.id()),
                                      "node " + std::to_string(nr.ref()) + " has no location; way skipped"});
        return;
      }
      double x = nr.location().lon(), y = nr.location().lat();
      if (!to_l93_.transform(x, y)) {
        ++stats_.excluded_no_geometry;
        return;
      }
      in.vertex_keys.push_back(static_cast<std::uint64_t>(nr.ref()));
      in.points.push_back({x, y});
    }
    if (in.oneway != Oneway::Both) ++stats_.oneway_ways;
    ++stats_.ways_routable;
    builder_.add_way(in);
  }

 private:
  const RoadProfile& profile_;
  RoadImportStats& stats_;
  GraphBuilder& builder_;
  CrsTransform to_l93_;
};

}  // namespace

RoadGraph import_osm_roads(const std::string& path, const RoadProfile& profile, RoadImportStats& stats) {
  return with_error_context("OSM file " + path, [&] {
    if (!std::filesystem::exists(path)) throw Error("file not found");
    stats = {};
    stats.source_kind = "osm";
    GraphBuilder builder(profile.class_names);
    try {
      using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
      Index index;
      osmium::handler::NodeLocationsForWays<Index> locations(index);
      locations.ignore_errors();
      WayCollector collector(profile, stats, builder);
      osmium::io::Reader reader(path, osmium::osm_entity_bits::node | osmium::osm_entity_bits::way);
      osmium::apply(reader, locations, collector);
      reader.close();
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(std::string("cannot read OpenStreetMap data (truncated or corrupt?): ") + e.what());
    }
    RoadGraph g = builder.build(&stats.build);
    if (g.empty()) throw Error("no routable road for the profile in this file");
    return g;
  });
}

}  // namespace recompose::geo
