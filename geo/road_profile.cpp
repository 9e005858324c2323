#include "geo/road_profile.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "geo/error.hpp"

namespace recompose::geo {

RoadClass RoadProfile::find_class(const std::string& n) const {
  auto it = std::find(class_names.begin(), class_names.end(), n);
  return it == class_names.end() ? kInvalidRoadClass : static_cast<RoadClass>(it - class_names.begin());
}

bool RoadProfile::is_implied_oneway(RoadClass c) const {
  return c < class_names.size() &&
         std::find(implied_oneway.begin(), implied_oneway.end(), class_names[c]) != implied_oneway.end();
}

bool RoadProfile::is_excluded_service(const std::string& v) const {
  return std::find(excluded_service.begin(), excluded_service.end(), v) != excluded_service.end();
}

RoadProfile RoadProfile::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("profile file not found: " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

RoadProfile RoadProfile::parse(const std::string& text, const std::string& origin) {
  try {
    return parse_checked(text, origin);
  } catch (const nlohmann::json::exception& e) {
    throw Error("profile " + origin + ": unexpected JSON value: " + e.what());
  }
}

RoadProfile RoadProfile::parse_checked(const std::string& text, const std::string& origin) {
  return with_error_context("profile " + origin, [&] {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
      throw Error(std::string("not valid JSON: ") + e.what());
    }
    RoadProfile p;
    p.source_text = j.dump();
    p.name = j.value("name", "car");
    p.description = j.value("description", "");
    if (!j.contains("speeds_kmh") || !j["speeds_kmh"].is_object()) {
      throw Error("missing object \"speeds_kmh\" (road class -> km/h)");
    }
    for (const auto& [k, v] : j["speeds_kmh"].items()) {
      if (!v.is_number() || v.get<double>() <= 0 || v.get<double>() > 200) {
        throw Error("speeds_kmh." + k + " must be a number in (0, 200] km/h");
      }
      p.class_names.push_back(k);
      p.class_speed_kmh.push_back(v.get<double>());
    }
    if (p.class_names.size() >= kInvalidRoadClass) throw Error("too many road classes (max 254)");
    if (j.contains("implied_oneway")) p.implied_oneway = j["implied_oneway"].get<std::vector<std::string>>();
    if (j.contains("no_roadside_access")) {
      p.no_roadside_access = j["no_roadside_access"].get<std::vector<std::string>>();
    }
    if (j.contains("excluded_service")) p.excluded_service = j["excluded_service"].get<std::vector<std::string>>();
    p.maxspeed_factor = j.value("maxspeed_factor", p.maxspeed_factor);
    p.access_speed_kmh = j.value("access_speed_kmh", p.access_speed_kmh);
    p.snap_max_distance_m = j.value("snap_max_distance_m", p.snap_max_distance_m);
    if (p.maxspeed_factor <= 0 || p.maxspeed_factor > 1.5) throw Error("maxspeed_factor must be in (0, 1.5]");
    if (p.access_speed_kmh <= 0) throw Error("access_speed_kmh must be positive");
    if (p.snap_max_distance_m <= 0) throw Error("snap_max_distance_m must be positive");
    return p;
  });
}

std::optional<double> parse_maxspeed_kmh(const std::string& raw) {
  std::string v = raw;
  v.erase(0, v.find_first_not_of(' '));
  if (v.rfind("FR:", 0) == 0) {
    const std::string z = v.substr(3);
    if (z == "urban") return 50.0;
    if (z == "rural") return 80.0;
    if (z == "motorway") return 130.0;
    if (z == "zone30") return 30.0;
    if (z == "walk") return 6.0;
    return std::nullopt;
  }
  double n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || n <= 0) return std::nullopt;
  std::string rest(p, static_cast<std::size_t>(v.data() + v.size() - p));
  rest.erase(0, rest.find_first_not_of(' '));
  if (rest.empty() || rest == "km/h" || rest == "kmh") return n;
  if (rest == "mph") return n * 1.609344;
  return std::nullopt;
}

}  // namespace recompose::geo
