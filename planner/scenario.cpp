#include "planner/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "geo/crs.hpp"
#include "geo/error.hpp"
#include "geo/snapping.hpp"
#include "planner/format.hpp"
#include "planner/offer/regime.hpp"
#include "planner/offer/pharmacies.hpp"

namespace recompose::planner {

using geo::Error;
using nlohmann::json;

namespace {

geo::PointM parse_point(const json& j, const std::string& where) {
  if (!j.is_object()) throw Error(where + ": a point is {\"lon\": .., \"lat\": ..} or {\"x_l93\": .., \"y_l93\": ..}");
  if (j.contains("lon") && j.contains("lat") && j["lon"].is_number() && j["lat"].is_number()) {
    const double lon = j["lon"].get<double>(), lat = j["lat"].get<double>();
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) throw Error(where + ": lon/lat out of range");
    return geo::wgs84_to_lambert93({lon, lat});
  }
  if (j.contains("x_l93") && j.contains("y_l93") && j["x_l93"].is_number() && j["y_l93"].is_number()) {
    return {j["x_l93"].get<double>(), j["y_l93"].get<double>()};
  }
  throw Error(where + ": a point is {\"lon\": .., \"lat\": ..} or {\"x_l93\": .., \"y_l93\": ..}");
}

std::string edit_label(std::size_t i, const ScenarioEdit& e) {
  std::string s = "edit #" + std::to_string(i + 1) + " (" + e.op;
  for (const auto& f : e.facilities) s += " " + f;
  if (!e.id.empty()) s += " " + e.id;
  return s + ")";
}

double add_known(double a, double b) { return a < 0 || b < 0 ? -1 : a + b; }

// The team and activity of merged regime sites, pooled. A pharmacy cannot be
// merged with a centre; a value unknown on one part is unknown on the whole.
RegimeSite pool_regime_sites(const std::vector<FacilityState*>& parts, const std::string& label) {
  RegimeSite pooled = parts.front()->site;
  const bool pharmacy = pooled.type == "pharmacie";
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const RegimeSite& s = parts[i]->site;
    if ((s.type == "pharmacie") != pharmacy) {
      throw Error(label + ": a mining pharmacy cannot be merged with a health centre (" + parts.front()->id + ", " +
                  parts[i]->id + ")");
    }
    std::map<std::string, double> fte;  // a profession unknown on one part is unknown on the whole
    for (const auto& p : regime_professions()) {
      if (pooled.fte.count(p) && s.fte.count(p)) fte[p] = pooled.fte.at(p) + s.fte.at(p);
    }
    pooled.fte = fte;
    pooled.dental_chairs = add_known(pooled.dental_chairs, s.dental_chairs);
    pooled.activity.patients_mining = add_known(pooled.activity.patients_mining, s.activity.patients_mining);
    pooled.activity.patients_other = add_known(pooled.activity.patients_other, s.activity.patients_other);
    pooled.activity.acts_mining = add_known(pooled.activity.acts_mining, s.activity.acts_mining);
    pooled.activity.acts_other = add_known(pooled.activity.acts_other, s.activity.acts_other);
  }
  return pooled;
}

// The kept site takes the pooled team and activity, and keeps its own identity,
// type, budget unit and opening hours.
void keep_pooled(FacilityState& target, const RegimeSite& pooled) {
  target.site.fte = pooled.fte;
  target.site.dental_chairs = pooled.dental_chairs;
  target.site.activity = pooled.activity;
}

// The values of an edit, range-checked wherever the edit comes from (a file, the
// viewer, another command): the same checks everywhere, before any use.
constexpr double kMaxCapacity = 1e6;  // beds, GPs, chairs...: far above any real site
constexpr double kMaxFte = 1e4;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void check_edit_values(const ScenarioEdit& e, const std::string& label) {
  if (e.capacity) {
    const double c = *e.capacity;
    // -1: a regime site opened without a capacity (its offer is its team).
    const bool unknown_ok = e.op == "open" && e.kind == kRegimeKind && c == -1.0;
    if (!unknown_ok && (!std::isfinite(c) || c < 0 || c > kMaxCapacity)) {
      throw Error(label + ": capacity " + num(c) + " must be a number in [0, 1000000]");
    }
  }
  if (e.fte && (!std::isfinite(*e.fte) || *e.fte <= 0 || *e.fte > kMaxFte)) {
    throw Error(label + ": fte " + num(*e.fte) + " must be a number in ]0, 10000]");
  }
  for (const auto& [prof, v] : e.team) {
    if (!std::isfinite(v) || v < 0 || v > kMaxFte) {
      throw Error(label + ": team." + prof + " " + num(v) + " must be a number in [0, 10000]");
    }
  }
  if (e.at && (!std::isfinite(e.at->x_m) || !std::isfinite(e.at->y_m))) {
    throw Error(label + ": the point's coordinates are not finite numbers");
  }
  std::vector<std::string> ids = e.facilities;
  for (const std::string* id : {&e.into, &e.id, &e.centre}) ids.push_back(*id);
  for (const auto& id : ids) {
    if (has_control_char(id)) throw Error(label + ": id '" + printable(id) + "' contains a control character");
  }
}

}  // namespace

Scenario Scenario::parse(const std::string& text, const std::string& origin) {
  try {
    return parse_checked(text, origin);
  } catch (const nlohmann::json::exception& e) {
    throw Error("scenario " + origin + ": unexpected JSON value: " + e.what());
  }
}

Scenario Scenario::parse_checked(const std::string& text, const std::string& origin) {
  return geo::with_error_context("scenario " + origin, [&] {
    json j;
    try {
      j = json::parse(text);
    } catch (const std::exception& e) {
      throw Error(std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object()) throw Error("expected a JSON object");
    if (j.value("format", "") != "recompose-scenario/1") {
      throw Error("\"format\" is '" + j.value("format", "") + "'; this build reads \"recompose-scenario/1\"");
    }
    Scenario s;
    s.path = origin;
    s.name = j.value("name", "Scénario");
    s.description = j.value("description", "");
    s.territory = j.value("territory", "");
    if (!j.contains("edits") || !j["edits"].is_array()) throw Error("\"edits\" must be an array");
    static const std::set<std::string> ops = {"close",          "merge",           "relocate",
                                              "open",           "set_capacity",    "move_team",
                                              "close_pharmacy", "transfer_pharmacy", "regroup_pharmacies",
                                              "open_bilateral"};
    for (std::size_t i = 0; i < j["edits"].size(); ++i) {
      const json& e = j["edits"][i];
      const std::string where = "edit #" + std::to_string(i + 1);
      if (!e.is_object() || !e.contains("op") || !e["op"].is_string()) throw Error(where + ": \"op\" is required");
      ScenarioEdit ed;
      ed.op = e["op"].get<std::string>();
      if (!ops.count(ed.op)) {
        throw Error(where + ": unknown op '" + ed.op + "' (close, merge, relocate, open, set_capacity, close_pharmacy, transfer_pharmacy, "
                    "regroup_pharmacies, open_bilateral)");
      }
      auto str = [&](const char* k) {
        if (!e.contains(k) || !e[k].is_string() || e[k].get<std::string>().empty()) {
          throw Error(where + " (" + ed.op + "): \"" + k + "\" is required");
        }
        return e[k].get<std::string>();
      };
      auto number = [&](const char* k) {
        if (!e.contains(k) || !e[k].is_number() || e[k].get<double>() < 0) {
          throw Error(where + " (" + ed.op + "): \"" + k + "\" must be a number >= 0");
        }
        return e[k].get<double>();
      };
      if (ed.op == "close" || ed.op == "relocate" || ed.op == "set_capacity") ed.facilities = {str("facility")};
      if (offer::is_pharmacy_op(ed.op)) offer::parse_pharmacy_edit(e, ed, where, parse_point);
      if (e.contains("allow_outside")) {
        if (!e["allow_outside"].is_boolean()) throw Error(where + ": \"allow_outside\" must be true or false");
        ed.allow_outside = e["allow_outside"].get<bool>();
      }
      if (ed.op == "relocate") ed.at = parse_point(e.value("to", json()), where + " (relocate): \"to\"");
      if (ed.op == "set_capacity") ed.capacity = number("capacity");
      if (ed.op == "merge") {
        if (!e.contains("facilities") || !e["facilities"].is_array() || e["facilities"].size() < 2) {
          throw Error(where + " (merge): \"facilities\" must list at least two ids");
        }
        for (const auto& f : e["facilities"]) {
          if (!f.is_string()) throw Error(where + " (merge): \"facilities\" must list ids");
          ed.facilities.push_back(f.get<std::string>());
        }
        if (e.contains("into")) {
          ed.into = str("into");
        } else {
          ed.at = parse_point(e.value("at", json()), where + " (merge): \"at\" (or \"into\")");
          ed.id = str("id");
          ed.name = e.value("name", ed.id);
        }
      }
      if (ed.op == "move_team") {
        ed.facilities = {str("from"), str("to")};
        if (ed.facilities[0] == ed.facilities[1]) throw Error(where + " (move_team): \"from\" and \"to\" are the same site");
        ed.profession = str("profession");
        const auto& known = regime_professions();
        if (std::find(known.begin(), known.end(), ed.profession) == known.end()) {
          std::string list;
          for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
          throw Error(where + " (move_team): unknown profession '" + ed.profession + "' (one of " + list + ")");
        }
        if (e.contains("fte")) {
          ed.fte = number("fte");
          if (*ed.fte <= 0) throw Error(where + " (move_team): \"fte\" must be > 0");
        }
      }
      if (ed.op == "open") {
        ed.id = str("id");
        ed.kind = str("kind");
        ed.name = e.value("name", ed.id);
        // A regime site's offer is its team: its capacity may be left out.
        ed.capacity = ed.kind == kRegimeKind && !e.contains("capacity") ? -1.0 : number("capacity");
        ed.at = parse_point(e.value("at", json()), where + " (open): \"at\"");
        if (e.contains("flags")) {
          for (const auto& f : e["flags"]) ed.flags.push_back(f.get<std::string>());
        }
        if (ed.kind == kRegimeKind) {
          ed.site_type = e.value("type", "centre_polyvalent");
          const auto& types = regime_site_types();
          if (std::find(types.begin(), types.end(), ed.site_type) == types.end()) {
            throw Error(where + " (open): unknown regime site type '" + ed.site_type + "'");
          }
          ed.centre = e.value("centre", ed.id);
          if (e.contains("team")) {
            if (!e["team"].is_object()) throw Error(where + " (open): \"team\" must be an object {profession: FTE}");
            const auto& known = regime_professions();
            for (const auto& [prof, v] : e["team"].items()) {
              if (std::find(known.begin(), known.end(), prof) == known.end()) {
                throw Error(where + " (open): unknown profession '" + prof + "' in \"team\"");
              }
              if (!v.is_number() || v.get<double>() < 0) {
                throw Error(where + " (open): \"team\"." + prof + " must be a number >= 0");
              }
              ed.team[prof] = v.get<double>();
            }
          }
        }
      }
      // Ids key every output and are typed back by planners: a control character is
      // refused; names and free text lose theirs.
      std::vector<std::string> ids = ed.facilities;
      for (const std::string* id : {&ed.into, &ed.id, &ed.centre}) ids.push_back(*id);
      for (const auto& id : ids) {
        if (has_control_char(id)) {
          throw Error(where + " (" + ed.op + "): id '" + printable(id) + "' contains a control character");
        }
      }
      ed.name = without_control_chars(ed.name);
      s.edits.push_back(std::move(ed));
    }
    s.name = without_control_chars(s.name);
    s.description = without_control_chars(s.description);
    return s;
  });
}

Scenario Scenario::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("scenario " + path + ": file not found");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

std::string Scenario::to_json() const {
  nlohmann::ordered_json j;
  j["format"] = "recompose-scenario/1";
  j["name"] = name;
  if (!description.empty()) j["description"] = description;
  if (!territory.empty()) j["territory"] = territory;
  j["edits"] = json::array();
  for (const auto& e : edits) {
    nlohmann::ordered_json o;
    o["op"] = e.op;
    if (e.op == "merge" || e.op == "regroup_pharmacies") {
      o["facilities"] = e.facilities;
    } else if (e.op == "move_team") {
      o["from"] = e.facilities.at(0);
      o["to"] = e.facilities.at(1);
      o["profession"] = e.profession;
      if (e.fte) o["fte"] = *e.fte;
    } else if (!e.facilities.empty()) {
      o["facility"] = e.facilities[0];
    }
    if (!e.into.empty()) o["into"] = e.into;
    if (!e.id.empty()) o["id"] = e.id;
    if (!e.name.empty()) o["name"] = e.name;
    if (!e.kind.empty()) o["kind"] = e.kind;
    if (e.capacity && *e.capacity >= 0) o["capacity"] = *e.capacity;  // a regime site may have none
    if (e.at) o[e.op == "relocate" || e.op == "transfer_pharmacy" ? "to" : "at"] = {{"x_l93", e.at->x_m}, {"y_l93", e.at->y_m}};
    if (!e.site_type.empty()) o["type"] = e.site_type;
    if (!e.centre.empty()) o["centre"] = e.centre;
    if (!e.team.empty()) o["team"] = e.team;
    if (!e.flags.empty()) o["flags"] = e.flags;
    if (e.allow_outside) o["allow_outside"] = true;
    j["edits"].push_back(o);
  }
  return j.dump(2);
}

FacilityRows facility_rows(const std::vector<FacilityState>& facilities) {
  FacilityRows rows;
  std::map<std::string, std::size_t> first, last;
  for (std::size_t i = 0; i < facilities.size(); ++i) {
    first.try_emplace(facilities[i].id, i);
    last[facilities[i].id] = i;
  }
  for (std::size_t i = 0; i < facilities.size(); ++i) {
    rows.first.push_back(first.at(facilities[i].id));
    rows.written.push_back(last.at(facilities[i].id) == i);
  }
  return rows;
}

ScenarioResult apply_scenario(const Territory& t, const Scenario& s,
                              const std::function<geo::SnapResult(geo::PointM)>& snap) {
  ScenarioResult r;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < t.facilities.size(); ++i) {
    const Facility& f = t.facilities[i];
    FacilityState st;
    st.id = f.id;
    st.name = f.name;
    st.kind = f.kind;
    st.flags = f.flags;
    st.capacity = f.capacity;
    st.point = f.point;
    st.base_index = static_cast<int>(i);
    st.snap = f.snap;
    st.outside_territory = f.outside_territory;
    if (const RegimeSite* site = f.kind == kRegimeKind ? t.regime.site(f.id) : nullptr) {
      st.regime = true;
      st.site = *site;
    }
    st.category = f.category;
    r.facilities.push_back(std::move(st));
    index[f.id] = i;
  }
  // Territory outline for "outside the territory" checks.
  auto inside = [&](geo::PointM p) {
    for (const auto& c : t.communes) {
      if (c.geometry && c.geometry.envelope().contains(p.x_m, p.y_m) && c.geometry.contains(p.x_m, p.y_m)) return true;
    }
    return false;
  };
  std::set<std::pair<std::string, std::string>> done;  // (op, facility) pairs
  auto locate = [&](const std::string& id, const std::string& label) -> FacilityState& {
    auto it = index.find(id);
    if (it == index.end()) throw Error(label + ": unknown facility id '" + id + "'");
    return r.facilities[it->second];
  };
  auto place = [&](FacilityState& st, geo::PointM p, const std::string& label) {
    if (!inside(p)) {
      throw Error(label + ": coordinates (" + std::to_string(p.x_m) + ", " + std::to_string(p.y_m) +
                  " Lambert-93) lie outside the territory's communes");
    }
    st.point = p;
    st.is_new_site = true;
    st.snap = SnapInfo{};
    if (snap) {
      const geo::SnapResult res = snap(p);
      if (t.has_roads && !res.ok()) {
        throw Error(label + ": the site is " + geo::off_network_text(res, t.profile.snap_max_distance_m));
      }
      st.snap = SnapInfo(res);
    }
  };
  for (std::size_t i = 0; i < s.edits.size(); ++i) {
    const ScenarioEdit& e = s.edits[i];
    const std::string label = edit_label(i, e);
    geo::with_error_context("scenario " + (s.path.empty() ? s.name : s.path), [&] {
      check_edit_values(e, label);
      for (const auto& id : e.facilities) {
        if (auto it = index.find(id); it != index.end() && r.facilities[it->second].outside_territory && !e.allow_outside) {
          throw Error(label + ": facility " + id + " (" + r.facilities[it->second].name +
                      ") lies outside the territory (kept for edge effects); add \"allow_outside\": true to edit it");
        }
      }
      if (e.op != "move_team") {
        for (const auto& id : e.facilities) {
          if (!done.insert({e.op, id}).second) throw Error(label + ": duplicate edit, facility " + id + " already " + e.op + "d");
        }
      }
      const std::size_t before_count = r.facilities.size();
      std::vector<std::string> touched = e.facilities;
      if (!e.into.empty()) touched.push_back(e.into);
      if (!e.id.empty()) touched.push_back(e.id);
      if (e.op == "close") {
        FacilityState& f = locate(e.facilities[0], label);
        if (!f.open) throw Error(label + ": facility " + f.id + " is already closed");
        f.open = false;
        f.change = "fermé";
        r.applied.push_back("Fermeture de " + f.name + " (" + f.id + ")");
      } else if (e.op == "set_capacity") {
        FacilityState& f = locate(e.facilities[0], label);
        if (!f.open) throw Error(label + ": facility " + f.id + " is closed");
        const auto cap = [](double c) { return c < 0 ? std::string("inconnue") : fr_number(c, c == std::floor(c) ? 0 : 1); };
        r.applied.push_back("Capacité de " + f.name + " : " + cap(f.capacity) + " → " + cap(*e.capacity));
        f.capacity = *e.capacity;
        if (f.change.empty()) f.change = "capacité modifiée";
      } else if (e.op == "relocate") {
        FacilityState& old = locate(e.facilities[0], label);
        if (!old.open) throw Error(label + ": facility " + old.id + " is closed");
        FacilityState moved = old;
        old.open = false;
        old.change = "déplacé";
        moved.base_index = -1;
        moved.change = "nouveau site (déplacement)";
        place(moved, *e.at, label);
        r.applied.push_back("Déplacement de " + old.name + " (" + old.id + ")");
        index[moved.id] = r.facilities.size();
        r.facilities.push_back(std::move(moved));
      } else if (e.op == "merge") {
        std::vector<FacilityState*> parts;
        std::set<std::string> kinds;
        double capacity = 0;
        bool known_capacity = true;
        for (const auto& id : e.facilities) {
          FacilityState& f = locate(id, label);
          if (!f.open) throw Error(label + ": facility " + id + " is closed and cannot be merged");
          parts.push_back(&f);
          kinds.insert(f.kind);
          if (f.capacity < 0) known_capacity = false;
          capacity += std::max(0.0, f.capacity);
        }
        if (kinds.size() > 1) throw Error(label + ": facilities of different kinds cannot be merged");
        RegimeSite pooled;
        if (parts.front()->regime) pooled = pool_regime_sites(parts, label);
        std::string names;
        for (auto* p : parts) names += (names.empty() ? "" : ", ") + p->name;
        if (!e.into.empty()) {
          if (std::find(e.facilities.begin(), e.facilities.end(), e.into) == e.facilities.end()) {
            throw Error(label + ": \"into\" " + e.into + " must be one of the merged facilities");
          }
          for (auto* p : parts) {
            if (p->id == e.into) continue;
            p->open = false;
            p->change = "regroupé dans " + e.into;
          }
          FacilityState& target = locate(e.into, label);
          target.capacity = known_capacity ? capacity : -1;
          if (target.regime) keep_pooled(target, pooled);
          target.change = "site de regroupement";
          r.applied.push_back("Regroupement de " + names + " dans " + target.name);
        } else {
          if (index.count(e.id)) throw Error(label + ": id " + e.id + " is already used");
          FacilityState merged = *parts.front();
          for (auto* p : parts) {
            p->open = false;
            p->change = "regroupé dans " + e.id;
          }
          merged.id = e.id;
          merged.name = e.name;
          merged.base_index = -1;
          merged.capacity = known_capacity ? capacity : -1;
          merged.change = "nouveau site de regroupement";
          if (merged.regime) {
            keep_pooled(merged, pooled);
            merged.site.facility_id = e.id;
            merged.site.placed_at_commune = false;
          }
          place(merged, *e.at, label);
          r.applied.push_back("Regroupement de " + names + " sur un nouveau site (" + e.id + ")");
          index[merged.id] = r.facilities.size();
          r.facilities.push_back(std::move(merged));
        }
      } else if (e.op == "move_team") {
        FacilityState& from = locate(e.facilities[0], label);
        FacilityState& to = locate(e.facilities[1], label);
        for (FacilityState* f : {&from, &to}) {
          if (!f->regime) throw Error(label + ": facility " + f->id + " is not a site of the mining regime (no team)");
          if (!f->open) throw Error(label + ": facility " + f->id + " is closed");
        }
        auto it = from.site.fte.find(e.profession);
        if (it == from.site.fte.end()) {
          throw Error(label + ": the " + e.profession + " team of " + from.id + " is unknown (not in the sites file)");
        }
        if (!to.site.fte.count(e.profession)) {
          throw Error(label + ": the " + e.profession + " team of " + to.id + " is unknown (not in the sites file)");
        }
        const double moved = e.fte ? *e.fte : it->second;
        if (moved <= 0 || moved > it->second + 1e-9) {
          throw Error(label + ": " + from.id + " has " + fr_number(it->second, 2) + " FTE of " + e.profession +
                      ", cannot move " + fr_number(moved, 2));
        }
        it->second = std::max(0.0, it->second - moved);
        to.site.fte[e.profession] += moved;
        for (FacilityState* f : {&from, &to}) {
          if (f->change.empty()) f->change = "équipe modifiée";
        }
        const int decimals = moved == std::floor(moved) ? 0 : moved * 10 == std::floor(moved * 10) ? 1 : 2;
        r.applied.push_back("Transfert de " + fr_number(moved, decimals) + " ETP " +
                            profession_label(e.profession) + " de " + from.name + " (" + from.id + ") vers " + to.name +
                            " (" + to.id + ")");
      } else if (e.op == "open") {
        if (index.count(e.id)) throw Error(label + ": id " + e.id + " is already used");
        FacilityState f;
        f.id = e.id;
        f.name = e.name;
        f.kind = e.kind;
        f.capacity = *e.capacity;
        for (const auto& flag : e.flags) f.flags[flag] = true;
        f.change = "ouvert";
        if (e.kind == kRegimeKind) {
          f.regime = true;
          f.flags["mining_regime"] = true;
          f.site.facility_id = e.id;
          f.site.type = e.site_type.empty() ? "centre_polyvalent" : e.site_type;
          f.site.centre_id = e.centre.empty() ? e.id : e.centre;
          f.site.centre_name = f.site.centre_id == e.id ? e.name : f.site.centre_id;
          for (const auto& other : r.facilities) {
            if (other.regime && other.site.centre_id == f.site.centre_id) f.site.centre_name = other.site.centre_name;
          }
          f.site.fte = e.team;
        }
        place(f, *e.at, label);
        r.applied.push_back("Ouverture de " + f.name + " (" + target_label(f.kind) + ")");
        index[f.id] = r.facilities.size();
        r.facilities.push_back(std::move(f));
      } else if (offer::is_pharmacy_op(e.op)) {
        // [SECTION] pharmacy edits (issue 13): see planner/offer/pharmacies.cpp
        offer::PharmacyEditContext ctx{r, index, label};
        ctx.locate = [&](const std::string& id) -> FacilityState& { return locate(id, label); };
        ctx.place = [&](FacilityState& st, geo::PointM p) { place(st, p, label); };
        offer::apply_pharmacy_edit(e, ctx);
      }
      for (const auto& id : touched) {
        auto it = index.find(id);
        if (it != index.end()) r.facilities[it->second].edit_index = static_cast<int>(i);
      }
      for (std::size_t k = before_count; k < r.facilities.size(); ++k) r.facilities[k].edit_index = static_cast<int>(i);
      return 0;
    });
  }
  // Regime sites offer the services their teams now hold.
  for (auto& f : r.facilities) {
    if (!f.regime) continue;
    for (auto it = f.flags.begin(); it != f.flags.end();) {
      it = it->first.rfind("regime_", 0) == 0 ? f.flags.erase(it) : std::next(it);
    }
    for (const auto& flag : regime_service_flags(f.site.type, f.site.fte)) f.flags[flag] = true;
  }
  return r;
}

}  // namespace recompose::planner
