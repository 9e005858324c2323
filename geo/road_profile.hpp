// A car speed profile: road class -> speed in km/h, read from a readable JSON file
// (see datasets/profiles/car.json for the documented defaults).
//
// OpenStreetMap ways use their `highway` value as class; other line layers map
// their own class field onto profile classes through the territory manifest.
// A `maxspeed` tag, when present and parsed, replaces the class speed, multiplied
// by `maxspeed_factor` (free-flow speeds are below posted limits; OSRM's car
// profile applies a similar reduction).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace recompose::geo {

using RoadClass = std::uint8_t;
inline constexpr RoadClass kInvalidRoadClass = 255;

struct RoadProfile {
  std::string name;
  std::string description;
  std::vector<std::string> class_names;    // index = RoadClass
  std::vector<double> class_speed_kmh;     // same index
  std::vector<std::string> implied_oneway;  // classes that are one-way by default (motorway)
  // Classes a point cannot join from the roadside (motorways and their ramps): never
  // snapped onto; a point beside one joins the nearest road with access.
  std::vector<std::string> no_roadside_access;
  // OSM service=* values that do not route for this profile (e.g. emergency_access).
  // Other service values route; a class named "service:<value>" (e.g.
  // "service:parking_aisle") gives them their own speed and access rule.
  std::vector<std::string> excluded_service;
  double maxspeed_factor = 0.8;
  double access_speed_kmh = 15.0;   // speed of the off-network leg from a point to its snapped road
  double snap_max_distance_m = 1000.0;
  std::string source_text;  // the JSON text, for fingerprints

  // Class index of `name`, or kInvalidRoadClass when the profile does not route it.
  [[nodiscard]] RoadClass find_class(const std::string& name) const;
  [[nodiscard]] bool is_implied_oneway(RoadClass c) const;
  [[nodiscard]] bool is_excluded_service(const std::string& service_value) const;

  // Reads a profile file. Throws Error naming the file and the bad key.
  static RoadProfile load(const std::string& path);
  static RoadProfile parse(const std::string& json_text, const std::string& origin);

 private:
  static RoadProfile parse_checked(const std::string& json_text, const std::string& origin);
};

// Parses an OSM `maxspeed` value into km/h: "50", "50 km/h", "30 mph", "FR:urban"
// (50), "FR:rural" (80), "FR:motorway" (130), "FR:zone30"; "none", "signals" and
// anything else give nullopt.
std::optional<double> parse_maxspeed_kmh(const std::string& value);

}  // namespace recompose::geo
