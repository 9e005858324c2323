#include "planner/manifest.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "geo/error.hpp"
#include "planner/offer/regime.hpp"

namespace recompose::planner {

namespace {

using nlohmann::json;
using geo::Error;

// Reads keys of one JSON object, naming the key path in every error.
class Obj {
 public:
  Obj(const json& j, std::string where) : j_(j), where_(std::move(where)) {
    if (!j_.is_object()) throw Error(where_ + ": expected an object");
  }
  [[nodiscard]] bool has(const char* k) const { return j_.contains(k) && !j_[k].is_null(); }
  [[nodiscard]] std::string str(const char* k) const {
    if (!has(k)) throw Error(where_ + "." + k + ": missing (a string is required)");
    if (!j_[k].is_string()) throw Error(where_ + "." + k + ": must be a string");
    return j_[k].get<std::string>();
  }
  [[nodiscard]] std::string str(const char* k, const std::string& dflt) const {
    return has(k) ? str(k) : dflt;
  }
  [[nodiscard]] int integer(const char* k, int dflt) const {
    if (!has(k)) return dflt;
    if (!j_[k].is_number_integer()) throw Error(where_ + "." + k + ": must be an integer");
    return j_[k].get<int>();
  }
  [[nodiscard]] std::vector<std::string> strings(const char* k) const {
    std::vector<std::string> out;
    if (!has(k)) return out;
    if (!j_[k].is_array()) throw Error(where_ + "." + k + ": must be an array of strings");
    for (const auto& v : j_[k]) {
      if (!v.is_string()) throw Error(where_ + "." + k + ": must be an array of strings");
      out.push_back(v.get<std::string>());
    }
    return out;
  }
  [[nodiscard]] std::map<std::string, std::string> string_map(const char* k) const {
    std::map<std::string, std::string> out;
    if (!has(k)) return out;
    Obj o = child(k);
    for (const auto& [key, v] : j_[k].items()) {
      if (!v.is_string()) throw Error(o.where_ + "." + key + ": must be a string");
      out[key] = v.get<std::string>();
    }
    return out;
  }
  [[nodiscard]] Obj child(const char* k) const {
    if (!has(k)) throw Error(where_ + "." + k + ": missing (an object is required)");
    return Obj(j_[k], where_ + "." + k);
  }
  [[nodiscard]] const json& raw() const { return j_; }
  [[nodiscard]] const std::string& where() const { return where_; }

 private:
  const json& j_;
  std::string where_;
};

RecordFilter parse_filter(const Obj& o) {
  RecordFilter f;
  if (!o.has("where")) return f;
  Obj w = o.child("where");
  for (const auto& [k, v] : w.raw().items()) {
    if (v.is_string()) {
      f.equals[k] = {v.get<std::string>()};
    } else if (v.is_array()) {
      f.equals[k] = w.strings(k.c_str());
    } else {
      throw Error(w.where() + "." + k + ": must be a string or an array of strings");
    }
  }
  return f;
}

LayerRef parse_layer(const Obj& o) {
  LayerRef r;
  r.path = o.str("path");
  r.layer = o.str("layer", "");
  r.crs = o.str("crs", "");
  r.source = o.str("source", "");
  r.where = parse_filter(o);
  return r;
}

RegimeSpec parse_regime(const Obj& r) {
  RegimeSpec spec;
  if (r.has("fictitious")) {
    if (!r.raw()["fictitious"].is_boolean()) throw Error(r.where() + ".fictitious: must be true or false");
    spec.fictitious = r.raw()["fictitious"].get<bool>();
  }
  if (!r.has("sites") && !r.has("affiliates")) throw Error(r.where() + ": give \"sites\", \"affiliates\" or both");
  if (r.has("sites")) {
    Obj o = r.child("sites");
    RegimeSitesSpec s;
    s.layer = parse_layer(o);
    s.id = o.str("id");
    s.type = o.str("type");
    s.name = o.str("name", "");
    s.centre = o.str("centre", "");
    s.centre_name = o.str("centre_name", "");
    s.x = o.str("x", "");
    s.y = o.str("y", "");
    if (s.x.empty() != s.y.empty()) throw Error(o.where() + ": give both x and y, or neither");
    s.commune = o.str("commune", "");
    s.pharmacy_status = o.str("pharmacy_status", "");
    s.finess = o.str("finess", "");
    s.fte = o.string_map("fte");
    for (const auto& [prof, col] : s.fte) {
      const auto& known = regime_professions();
      if (std::find(known.begin(), known.end(), prof) == known.end()) {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        throw Error(o.where() + ".fte." + prof + ": unknown profession (one of " + list + ")");
      }
    }
    s.opening_hours_week = o.str("opening_hours_week", "");
    s.opening_days_week = o.str("opening_days_week", "");
    s.dental_chairs = o.str("dental_chairs", "");
    if (o.has("activity")) {
      Obj a = o.child("activity");
      s.patients_mining = a.str("patients_mining", "");
      s.patients_other = a.str("patients_other", "");
      s.acts_mining = a.str("acts_mining", "");
      s.acts_other = a.str("acts_other", "");
      s.activity_year = a.integer("year", 0);
    }
    s.id_prefix = o.str("id_prefix", s.id_prefix);
    spec.sites = s;
  }
  if (r.has("affiliates")) {
    Obj o = r.child("affiliates");
    AffiliatesSpec a;
    a.layer = parse_layer(o);
    a.level = o.str("level");
    if (a.level != "commune" && a.level != "iris") {
      throw Error(o.where() + ".level: '" + a.level + "' is not one of commune, iris");
    }
    a.code = o.str("code");
    a.count = o.str("count");
    a.age_bands = o.string_map("age_bands");
    a.year = o.integer("year", 0);
    if (a.year <= 0) throw Error(o.where() + ".year: the year of the counts is required (an integer, e.g. 2024)");
    spec.affiliates = a;
  }
  return spec;
}

}  // namespace

Manifest Manifest::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("manifest " + path + ": file not found");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

Manifest Manifest::parse(const std::string& text, const std::string& path) {
  return geo::with_error_context("manifest " + path, [&] {
    json j;
    try {
      j = json::parse(text);
    } catch (const std::exception& e) {
      throw Error(std::string("not valid JSON: ") + e.what());
    }
    try {
      return parse_json(j, path);
    } catch (const json::exception& e) {
      // A value of the wrong JSON type somewhere the Obj helpers do not guard.
      throw Error(std::string("unexpected JSON value: ") + e.what());
    }
  });
}

Manifest Manifest::parse_json(const nlohmann::json& j, const std::string& path) {
  {
    Obj root(j, "$");
    const std::string format = root.str("format");
    if (format != "recompose-manifest/1") {
      throw Error("$.format: '" + format + "' is not supported (expected recompose-manifest/1)");
    }
    Manifest m;
    m.path = path;
    m.name = root.str("name");
    m.title = root.str("title", m.name);
    m.description = root.str("description", "");
    m.assumptions = root.strings("assumptions");

    {
      Obj c = root.child("communes");
      Obj sel = c.child("select");
      m.communes.select = parse_layer(sel);
      m.communes.select_code = sel.str("code");
      Obj pop = c.child("population");
      m.communes.population = parse_layer(pop);
      m.communes.population_code = pop.str("code", "code");
      m.communes.population_name = pop.str("name", "nom");
      m.communes.population_value = pop.str("population", "population");
      m.communes.population_year = pop.integer("year", 0);
      if (!c.has("geometry") || !c.raw()["geometry"].is_array()) {
        throw Error("$.communes.geometry: an array of layers is required");
      }
      for (std::size_t i = 0; i < c.raw()["geometry"].size(); ++i) {
        Obj g(c.raw()["geometry"][i], "$.communes.geometry[" + std::to_string(i) + "]");
        m.communes.geometry.push_back(parse_layer(g));
        m.communes.geometry_code = g.str("code", m.communes.geometry_code);
      }
      if (c.has("epci")) m.communes.epci = parse_layer(c.child("epci"));
      if (c.has("zonage")) {
        Obj z = c.child("zonage");
        m.communes.zonage = parse_layer(z);
        m.communes.zonage_code = z.str("code", m.communes.zonage_code);
        m.communes.zonage_ze = z.str("ze", m.communes.zonage_ze);
        m.communes.zonage_dep = z.str("dep", m.communes.zonage_dep);
      }
    }
    {
      Obj u = root.child("units");
      m.units.layer = parse_layer(u);
      m.units.code = u.str("code");
      m.units.commune = u.str("commune");
      m.units.name = u.str("name", "");
      m.units.type = u.str("type", "");
      if (u.has("population")) {
        Obj p = u.child("population");
        m.units.population = parse_layer(p);
        m.units.population_code = p.str("code");
        m.units.population_sum = p.strings("sum");
        if (m.units.population_sum.empty()) throw Error(p.where() + ".sum: at least one column is required");
        m.units.population_year = p.integer("year", 0);
      }
    }
    if (root.has("facilities")) {
      const json& arr = root.raw()["facilities"];
      if (!arr.is_array()) throw Error("$.facilities: must be an array");
      for (std::size_t i = 0; i < arr.size(); ++i) {
        Obj f(arr[i], "$.facilities[" + std::to_string(i) + "]");
        FacilitySpec s;
        s.layer = parse_layer(f);
        // "path_from": "manifest": a file shipped beside the manifest (datasets/examples/),
        // not in the data root (e.g. the fictitious example of mining pharmacies).
        if (f.has("path_from")) {
          const std::string from = f.str("path_from");
          if (from != "manifest" && from != "data_root") {
            throw Error(f.where() + ".path_from: '" + from + "' is not \"manifest\" or \"data_root\"");
          }
          namespace fs = std::filesystem;
          if (from == "manifest" && !fs::path(s.layer.path).is_absolute()) {
            s.layer.path = fs::absolute(fs::path(path).parent_path() / s.layer.path).lexically_normal().string();
          }
        }
        s.kind = f.str("kind");
        s.id_prefix = f.str("id_prefix", "");
        s.location_note = f.str("location_note", "");
        s.format = f.str("format", "");
        if (!s.format.empty() && s.format != "finess") {
          throw Error(f.where() + ".format: '" + s.format + "' is not supported (\"finess\", or no format for a layer GDAL reads)");
        }
        if (s.format == "finess") {
          s.finess_categories = f.strings("categories");
          if (f.has("legal_entity") && f.raw()["legal_entity"].is_string()) {
            s.finess_legal_entities = {f.str("legal_entity")};
          } else {
            s.finess_legal_entities = f.strings("legal_entity");
          }
          s.name = f.str("name", "rslongue");
          if (s.name != "rs" && s.name != "rslongue") {
            throw Error(f.where() + ".name: '" + s.name + "' must be \"rs\" or \"rslongue\" for a FINESS extract");
          }
          for (const char* key : {"id", "x", "y", "commune_counts", "where", "capacity"}) {
            if (f.has(key)) throw Error(f.where() + "." + key + ": not used with format \"finess\" (ids are nofinesset)");
          }
          s.category = "libcategetab";
        } else if (f.has("commune_counts")) {
          Obj cc = f.child("commune_counts");
          s.from_commune_counts = true;
          s.commune_field = cc.str("commune");
          s.count_field = cc.str("count");
          s.name_template = f.str("name", "{count}");
        } else {
          s.id = f.str("id", "");  // none: the feature's number in its file
          s.name = f.str("name");
          s.unnamed = f.str("unnamed", "");
          s.x = f.str("x", "");
          s.y = f.str("y", "");
          if (s.x.empty() != s.y.empty()) throw Error(f.where() + ": give both x and y, or neither");
          s.category = f.str("category", "");
          s.capacity = f.str("capacity", "");
          s.capacity_unit = f.str("capacity_unit", "");
        }
        if (f.has("flags")) {
          Obj fl = f.child("flags");
          for (const auto& [name, v] : fl.raw().items()) {
            Obj r(v, fl.where() + "." + name);
            FlagRule rule;
            rule.field = r.str("field", "");
            rule.values = r.strings("in");
            rule.unless_name_contains = r.strings("unless_name_contains");
            rule.assumption = r.str("assumption", "");
            if (rule.field.empty()) {
              if (!r.has("value") || !r.raw()["value"].is_boolean()) {
                throw Error(r.where() + ": give \"field\" and \"in\", or a boolean \"value\"");
              }
              rule.constant = r.raw()["value"].get<bool>();
            }
            s.flags[name] = rule;
          }
        }
        m.facilities.push_back(std::move(s));
      }
    }
    if (root.has("urgent_care_list")) {
      Obj u = root.child("urgent_care_list");
      UrgentCareListSpec l;
      l.layer = parse_layer(u);
      if (l.layer.source.empty()) throw Error(u.where() + ".source: missing (cite who published the list, and when)");
      l.finess_field = u.str("finess_field", l.finess_field);
      l.lon_field = u.str("lon", l.lon_field);
      l.lat_field = u.str("lat", l.lat_field);
      l.name_field = u.str("name", l.name_field);
      m.urgent_care_list = l;
    }
    if (root.has("indicators")) {
      const json& arr = root.raw()["indicators"];
      if (!arr.is_array()) throw Error("$.indicators: must be an array");
      for (std::size_t i = 0; i < arr.size(); ++i) {
        Obj o(arr[i], "$.indicators[" + std::to_string(i) + "]");
        IndicatorSpec s;
        s.layer = parse_layer(o);
        s.level = o.str("level");
        static const std::vector<std::string> levels = {"iris", "commune", "epci", "ze", "dep", "territory"};
        if (std::find(levels.begin(), levels.end(), s.level) == levels.end()) {
          throw Error(o.where() + ".level: '" + s.level + "' is not one of iris, commune, epci, ze, dep, territory");
        }
        s.key = s.level == "territory" ? o.str("key", "") : o.str("key");
        s.columns = o.string_map("columns");
        s.name_field = o.str("name_field", "");
        s.value_field = o.str("value_field", "");
        s.period = o.str("period", "");
        s.key_map = o.string_map("key_map");
        if (s.columns.empty() == s.name_field.empty()) {
          throw Error(o.where() + ": give \"columns\" (wide table) or \"name_field\" + \"value_field\" (long table)");
        }
        if (!s.name_field.empty() && s.value_field.empty()) throw Error(o.where() + ".value_field: missing");
        m.indicators.push_back(std::move(s));
      }
    }
    {
      if (root.has("outside_facilities_max_minutes")) {
        const json& v = root.raw()["outside_facilities_max_minutes"];
        if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 600) {
          throw Error("$.outside_facilities_max_minutes: must be a number of minutes in [0, 600]");
        }
        m.outside_facilities_max_minutes = v.get<double>();
      }
      Obj r = root.child("roads");
      m.roads.kind = r.str("kind");
      if (m.roads.kind == "none") {
        m.roads.missing_reason = r.str("reason");
      } else if (m.roads.kind == "lines" || m.roads.kind == "osm") {
        m.roads.layer = parse_layer(r);
        m.roads.profile = r.str("profile");
        m.roads.date = r.str("date", "");
        if (m.roads.kind == "lines") {
          m.roads.class_field = r.str("class_field");
          m.roads.class_map = r.string_map("class_map");
          m.roads.class_fallback_field = r.str("class_fallback_field", "");
          m.roads.oneway_field = r.str("oneway_field", "");
          m.roads.ramp_field = r.str("ramp_field", "");
          m.roads.service_field = r.str("service_field", "");
          m.roads.name_field = r.str("name_field", "");
          m.roads.ref_field = r.str("ref_field", "");
        }
      } else {
        throw Error("$.roads.kind: '" + m.roads.kind + "' is not one of lines, osm, none");
      }
    }
    if (root.has("regime")) m.regime = parse_regime(root.child("regime"));
    return m;
  }
}

std::string Manifest::regime_path(const std::string& relative) const {
  namespace fs = std::filesystem;
  const fs::path p(relative);
  if (p.is_absolute()) return p.string();
  return (fs::path(path).parent_path() / p).lexically_normal().string();
}

std::string Manifest::profile_path() const {
  namespace fs = std::filesystem;
  const fs::path p(roads.profile);
  if (p.is_absolute()) return p.string();
  return (fs::path(path).parent_path() / p).lexically_normal().string();
}

}  // namespace recompose::planner
