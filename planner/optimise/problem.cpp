#include "planner/optimise/problem.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "geo/error.hpp"

namespace recompose::planner::optimise {

using geo::Error;
using nlohmann::json;

namespace {

struct Code {
  Objective o;
  const char* code;
  const char* label;
};
constexpr Code kObjectives[] = {
    {Objective::PMedian, "p_median", "temps moyen pondéré minimal (p-médian)"},
    {Objective::Mclp, "mclp", "couverture maximale à T minutes (MCLP)"},
    {Objective::Lscp, "lscp", "nombre minimal de sites couvrant tout le monde à T minutes (LSCP)"},
    {Objective::CloseK, "close_k", "fermer k sites avec la moindre perte"},
    {Objective::Capacitated, "capacitated",
     "au plus N sites, chacun à la taille critique, équipes des sites fermés regroupées (forme des graines)"},
};

}  // namespace

std::string objective_code(Objective o) {
  for (const auto& c : kObjectives) {
    if (c.o == o) return c.code;
  }
  return "?";
}

std::string objective_label(Objective o) {
  for (const auto& c : kObjectives) {
    if (c.o == o) return c.label;
  }
  return "?";
}

Objective parse_objective(const std::string& code) {
  for (const auto& c : kObjectives) {
    if (code == c.code) return c.o;
  }
  throw Error("unknown objective '" + code + "' (p_median, mclp, lscp, close_k, capacitated)", geo::ErrorKind::Usage);
}

std::string weighting_code(Weighting w) {
  switch (w) {
    case Weighting::Need: return "besoin";
    case Weighting::Population: return "population";
    case Weighting::Affiliates: return "affilies";
    case Weighting::Default: break;
  }
  return "défaut";
}

Weighting parse_weighting(const std::string& code) {
  if (code == "besoin") return Weighting::Need;
  if (code == "population") return Weighting::Population;
  if (code == "affilies") return Weighting::Affiliates;
  throw Error("unknown weight '" + code + "' (besoin, population, affilies)", geo::ErrorKind::Usage);
}

Problem Problem::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("problem file " + path + ": file not found");
  std::stringstream ss;
  ss << in.rdbuf();
  Problem p = parse(ss.str(), path);
  p.path = path;
  return p;
}

Problem Problem::parse(const std::string& text, const std::string& origin) {
  try {
    return parse_checked(text, origin);
  } catch (const nlohmann::json::exception& e) {
    throw Error("problem file " + origin + ": unexpected JSON value: " + e.what());
  }
}

Problem Problem::parse_checked(const std::string& text, const std::string& origin) {
  return geo::with_error_context("problem file " + origin, [&] {
    json j;
    try {
      j = json::parse(text);
    } catch (const std::exception& e) {
      throw Error(std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object()) throw Error("expected a JSON object");
    if (j.value("format", "") != "recompose-optimise/1") {
      throw Error("\"format\" is '" + j.value("format", "") + "'; this build reads \"recompose-optimise/1\"");
    }
    static const std::set<std::string> known = {
        "format",       "name",          "objective",      "target",          "weight",     "sites",
        "close",        "measure",       "coverage_min",   "max_time_min",    "penalty_min", "critical_fte",
        "merge_max_min", "closed_sites", "keep_urgent_care", "locked_open",   "locked_closed", "candidates",
        "new_kind",     "exact",         "need_indicator", "cutoff_min",      "description"};
    for (const auto& [k, v] : j.items()) {
      if (!known.count(k)) throw Error("unknown field \"" + k + "\"");
    }
    Problem p;
    auto str = [&](const json& o, const char* k, std::string& out) {
      if (!o.contains(k)) return;
      if (!o[k].is_string()) throw Error(std::string("\"") + k + "\" must be a string");
      out = o[k].get<std::string>();
    };
    auto num = [&](const json& o, const char* k, double& out) {
      if (!o.contains(k)) return;
      if (!o[k].is_number()) throw Error(std::string("\"") + k + "\" must be a number");
      out = o[k].get<double>();
    };
    auto integer = [&](const json& o, const char* k, int& out) {
      if (!o.contains(k)) return;
      if (!o[k].is_number_integer()) throw Error(std::string("\"") + k + "\" must be a whole number");
      out = o[k].get<int>();
    };
    auto boolean = [&](const json& o, const char* k, bool& out) {
      if (!o.contains(k)) return;
      if (!o[k].is_boolean()) throw Error(std::string("\"") + k + "\" must be true or false");
      out = o[k].get<bool>();
    };
    auto ids = [&](const char* k, std::vector<std::string>& out) {
      if (!j.contains(k)) return;
      if (!j[k].is_array()) throw Error(std::string("\"") + k + "\" must be a list of facility ids");
      for (const auto& v : j[k]) {
        if (!v.is_string()) throw Error(std::string("\"") + k + "\" must be a list of facility ids");
        out.push_back(v.get<std::string>());
      }
    };
    str(j, "name", p.name);
    if (!j.contains("objective")) throw Error("\"objective\" is required (p_median, mclp, lscp, close_k, capacitated)");
    std::string code;
    str(j, "objective", code);
    p.objective = parse_objective(code);
    str(j, "target", p.target);
    if (j.contains("weight")) {
      std::string w;
      str(j, "weight", w);
      p.weighting = parse_weighting(w);
    }
    integer(j, "sites", p.sites);
    integer(j, "close", p.close);
    str(j, "measure", p.measure);
    num(j, "coverage_min", p.coverage_min);
    num(j, "max_time_min", p.max_time_min);
    num(j, "penalty_min", p.penalty_min);
    num(j, "critical_fte", p.critical_fte);
    num(j, "merge_max_min", p.merge_max_min);
    if (j.contains("closed_sites")) {
      std::string c;
      str(j, "closed_sites", c);
      if (c == "merge") {
        p.closed_sites = ClosedSites::Merge;
      } else if (c == "close") {
        p.closed_sites = ClosedSites::Close;
      } else {
        throw Error("\"closed_sites\" is '" + c + "' (merge or close)");
      }
    }
    boolean(j, "keep_urgent_care", p.keep_urgent_care);
    ids("locked_open", p.locked_open);
    ids("locked_closed", p.locked_closed);
    if (j.contains("candidates")) {
      const json& c = j["candidates"];
      if (!c.is_object()) throw Error("\"candidates\" must be an object");
      static const std::set<std::string> ck = {"existing", "historic", "communes", "file", "grid_km"};
      for (const auto& [k, v] : c.items()) {
        if (!ck.count(k)) throw Error("unknown field \"candidates\"." + k + " (existing, historic, communes, file, grid_km)");
      }
      boolean(c, "existing", p.candidates.existing);
      boolean(c, "historic", p.candidates.historic);
      boolean(c, "communes", p.candidates.communes);
      num(c, "grid_km", p.candidates.grid_km);
      if (c.contains("file")) {
        const json& f = c["file"];
        if (f.is_string()) {
          p.candidates.file = f.get<std::string>();
        } else if (f.is_object()) {
          str(f, "path", p.candidates.file);
          str(f, "id", p.candidates.file_id);
          str(f, "name", p.candidates.file_name);
          str(f, "crs", p.candidates.file_crs);
          if (p.candidates.file.empty()) throw Error("\"candidates\".file needs a \"path\"");
        } else {
          throw Error("\"candidates\".file must be a path or {\"path\", \"id\", \"name\"}");
        }
        // A relative path is relative to the problem file.
        namespace fs = std::filesystem;
        if (fs::path(p.candidates.file).is_relative() && origin.find('/') != std::string::npos) {
          p.candidates.file = (fs::path(origin).parent_path() / p.candidates.file).string();
        }
      }
    }
    str(j, "new_kind", p.new_kind);
    if (j.contains("exact")) {
      const json& e = j["exact"];
      if (e.is_boolean()) {
        p.exact = e.get<bool>();
      } else if (e.is_object()) {
        p.exact = true;
        boolean(e, "enabled", p.exact);
        num(e, "time_limit_s", p.exact_time_limit_s);
        boolean(e, "warm_start", p.exact_warm_start);
      } else {
        throw Error("\"exact\" must be true, false or {\"enabled\", \"time_limit_s\", \"warm_start\"}");
      }
    }
    str(j, "need_indicator", p.need_indicator);
    num(j, "cutoff_min", p.cutoff_min);
    try {
      p.validate();
    } catch (const Error& e) {
      throw Error(e.message());  // a bad value in a file is bad input, not a usage error
    }
    return p;
  });
}

void Problem::validate() const {
  auto bad = [](const std::string& m) { throw Error(m, geo::ErrorKind::Usage); };
  const bool sized = objective == Objective::PMedian || objective == Objective::Mclp ||
                     objective == Objective::Capacitated;
  if (sized && sites < 1) bad("\"sites\" (--sites) must be a whole number >= 1 for objective " + objective_code(objective));
  if (objective == Objective::CloseK && close < 1) bad("\"close\" (--close) must be a whole number >= 1 for close_k");
  if (measure != "temps" && measure != "couverture") bad("\"measure\" is '" + measure + "' (temps or couverture)");
  if (!(cutoff_min > 0) || cutoff_min > 600) bad("\"cutoff_min\" must be between 0 and 600 minutes");
  if (!(coverage_min > 0) || coverage_min > cutoff_min) {
    bad("\"coverage_min\" must be > 0 and at most the cutoff (" + std::to_string(static_cast<int>(cutoff_min)) + " min)");
  }
  if (!std::isnan(max_time_min) && (!(max_time_min > 0) || max_time_min > cutoff_min)) {
    bad("\"max_time_min\" must be > 0 and at most the cutoff");
  }
  if (!std::isnan(penalty_min) && !(penalty_min >= cutoff_min)) {
    bad("\"penalty_min\" must be at least the cutoff (" + std::to_string(static_cast<int>(cutoff_min)) +
        " min): a unit left without a site must never count as nearer than one with a site");
  }
  if (!std::isnan(critical_fte) && !(critical_fte >= 0)) bad("\"critical_fte\" must be >= 0");
  if (!(merge_max_min > 0) || merge_max_min > cutoff_min) bad("\"merge_max_min\" must be > 0 and at most the cutoff");
  if (candidates.grid_km < 0 || (candidates.grid_km > 0 && candidates.grid_km < 0.2)) {
    bad("\"candidates\".grid_km must be 0 (no grid) or at least 0.2 km");
  }
  if (!(exact_time_limit_s > 0)) bad("\"exact\".time_limit_s must be > 0");
  for (const auto& id : locked_open) {
    for (const auto& other : locked_closed) {
      if (id == other) bad("site " + id + " is both in \"locked_open\" and in \"locked_closed\"");
    }
  }
}

std::string Problem::to_json() const {
  nlohmann::ordered_json j;
  j["format"] = "recompose-optimise/1";
  j["name"] = name;
  j["objective"] = objective_code(objective);
  if (!target.empty()) j["target"] = target;
  if (weighting != Weighting::Default) j["weight"] = weighting_code(weighting);
  if (sites > 0) j["sites"] = sites;
  if (close > 0) j["close"] = close;
  if (objective == Objective::CloseK) j["measure"] = measure;
  j["coverage_min"] = coverage_min;
  if (!std::isnan(max_time_min)) j["max_time_min"] = max_time_min;
  if (!std::isnan(penalty_min)) j["penalty_min"] = penalty_min;
  if (!std::isnan(critical_fte)) j["critical_fte"] = critical_fte;
  j["merge_max_min"] = merge_max_min;
  if (closed_sites != ClosedSites::Default) j["closed_sites"] = closed_sites == ClosedSites::Merge ? "merge" : "close";
  j["keep_urgent_care"] = keep_urgent_care;
  if (!locked_open.empty()) j["locked_open"] = locked_open;
  if (!locked_closed.empty()) j["locked_closed"] = locked_closed;
  nlohmann::ordered_json c;
  c["existing"] = candidates.existing;
  c["historic"] = candidates.historic;
  c["communes"] = candidates.communes;
  if (!candidates.file.empty()) {
    // Absolute: probleme.json is read again from another directory.
    c["file"] = {{"path", std::filesystem::absolute(candidates.file).lexically_normal().string()},
                 {"id", candidates.file_id}};
    if (!candidates.file_name.empty()) c["file"]["name"] = candidates.file_name;
    if (!candidates.file_crs.empty()) c["file"]["crs"] = candidates.file_crs;
  }
  c["grid_km"] = candidates.grid_km;
  j["candidates"] = c;
  if (!new_kind.empty()) j["new_kind"] = new_kind;
  j["exact"] = {{"enabled", exact}, {"time_limit_s", exact_time_limit_s}, {"warm_start", exact_warm_start}};
  if (!need_indicator.empty()) j["need_indicator"] = need_indicator;
  j["cutoff_min"] = cutoff_min;
  return j.dump(2);
}

}  // namespace recompose::planner::optimise
