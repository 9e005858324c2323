// A tiny planner::Territory built in memory, whose travel times are checked by hand.
//
// One straight two-way road from (0, 0) to (20000, 0) in Lambert-93 metres, class
// "road", at `speed_kmh` (default 60 km/h: 1 km = 1 min = 600 ds). By default it is
// drawn as 20 ways of 1 km, so there is a road node at every whole kilometre; with
// `node_every_km = false` it is one way, i.e. a single 20 km segment.
// Units are 1 km squares [x-500, x+500] x [y-500, y+500] centred on (x, y) (y = 0:
// on the road, so the access leg is 0); one commune "62001" (dep "62") covers
// [-1000, 21000] x [-6000, 6000]. Every unit and facility is snapped with geo::Snapper.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "geo/graph_builder.hpp"
#include "geo/snapping.hpp"
#include "planner/territory.hpp"

namespace recompose::test {

struct TinyUnit {
  double x_km = 0;
  double population = 0;
  double y_km = 0;
};

struct TinyFacility {
  std::string id;
  std::string kind;
  double x_km = 0;
  double capacity = -1;
  std::map<std::string, bool> flags = {};
  double y_km = 0;
};

struct TinyOptions {
  bool has_roads = true;
  double speed_kmh = 60;
  bool node_every_km = true;
};

inline std::string square_wkt(double cx, double cy, double half) {
  const auto s = [](double v) { return std::to_string(v); };
  return "POLYGON((" + s(cx - half) + " " + s(cy - half) + ", " + s(cx + half) + " " + s(cy - half) + ", " +
         s(cx + half) + " " + s(cy + half) + ", " + s(cx - half) + " " + s(cy + half) + ", " + s(cx - half) + " " +
         s(cy - half) + "))";
}


inline planner::Territory tiny_territory(const std::vector<TinyUnit>& units,
                                         const std::vector<TinyFacility>& facilities, TinyOptions o = {}) {
  planner::Territory t;
  t.name = "tiny";
  t.title = "Territoire minuscule";
  t.population_year = 2026;

  planner::Commune c;
  c.code = "62001";
  c.name = "Commune test";
  c.dep = "62";
  c.epci_code = "246200001";
  c.epci_name = "EPCI test";
  c.ze_code = "3215";
  c.geometry = geo::Geometry::from_wkt("POLYGON((-1000 -6000, 21000 -6000, 21000 6000, -1000 6000, -1000 -6000))");
  c.point = c.geometry.point_on_surface();
  c.unit_count = units.size();

  for (std::size_t i = 0; i < units.size(); ++i) {
    planner::Unit u;
    const std::string n = std::to_string(i + 1);
    u.code = "62001" + std::string(4 - n.size(), '0') + n;  // 9 characters
    u.name = "Unité " + n;
    u.commune_code = c.code;
    u.type = "H";
    u.population = units[i].population;
    u.population_method = "test";
    u.geometry = geo::Geometry::from_wkt(square_wkt(units[i].x_km * 1000, units[i].y_km * 1000, 500));
    u.point = u.geometry.point_on_surface();
    u.area_km2 = 1;
    c.population += u.population;
    t.units.push_back(std::move(u));
  }
  t.communes.push_back(std::move(c));

  for (const auto& f : facilities) {
    planner::Facility fac;
    fac.id = f.id;
    fac.name = "Établissement " + f.id;
    fac.kind = f.kind;
    fac.commune_code = "62001";
    fac.capacity = f.capacity;
    fac.flags = f.flags;
    fac.point = {f.x_km * 1000, f.y_km * 1000};
    fac.source = "test";
    t.facilities.push_back(std::move(fac));
  }

  t.has_roads = o.has_roads;
  if (!o.has_roads) {
    t.roads_note = "pas de réseau routier (territoire de test)";
    return t;
  }
  t.roads_note = "route droite de test";
  t.profile.name = "test";
  t.profile.class_names = {"road"};
  t.profile.class_speed_kmh = {o.speed_kmh};
  t.profile.snap_max_distance_m = 1000;
  t.profile.access_speed_kmh = 15;

  geo::GraphBuilder b({"road"});
  auto add = [&](const std::vector<geo::PointM>& pts) {
    geo::WayInput w;
    for (const auto& p : pts) {
      w.points.push_back(p);
      w.vertex_keys.push_back(geo::coordinate_key(p));
    }
    w.road_class = 0;
    w.oneway = geo::Oneway::Both;
    w.speed_kmh = o.speed_kmh;
    b.add_way(w);
  };
  if (o.node_every_km) {
    for (int k = 0; k < 20; ++k) add({{k * 1000.0, 0}, {(k + 1) * 1000.0, 0}});
  } else {
    std::vector<geo::PointM> pts;
    for (int k = 0; k <= 20; ++k) pts.push_back({k * 1000.0, 0});
    add(pts);
  }
  t.graph = b.build();

  const geo::Snapper snapper(t.graph, t.profile.snap_max_distance_m, t.profile.access_speed_kmh);
  for (auto& u : t.units) u.snap = planner::SnapInfo(snapper.snap(u.point));
  for (auto& f : t.facilities) f.snap = planner::SnapInfo(snapper.snap(f.point));
  return t;
}

inline planner::Territory tiny_territory_without_roads(const std::vector<TinyUnit>& units,
                                                       const std::vector<TinyFacility>& facilities) {
  TinyOptions o;
  o.has_roads = false;
  return tiny_territory(units, facilities, o);
}

}  // namespace recompose::test
