// Territory import: manifest + raw open data -> Territory + ImportReport.
//
// Index:
//   [SECTION] helpers (filtered reads, codes, numbers)
//   [SECTION] communes (selection, population, polygons, EPCI, zonage)
//   [SECTION] units (IRIS polygons, population reconciliation)
//   [SECTION] facilities
//   [SECTION] indicators
//   [SECTION] roads (graph build or cache) and snapping
//   [SECTION] travel-time summary
#include "planner/territory_import.hpp"
#include "planner/offer/regime_import.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "geo/crs.hpp"
#include "geo/dijkstra.hpp"
#include "geo/error.hpp"
#include "geo/fingerprint.hpp"
#include "geo/graph_cache.hpp"
#include "geo/number_text.hpp"
#include "geo/road_import.hpp"
#include "geo/snapping.hpp"
#include "geo/vector_io.hpp"
#include "planner/format.hpp"
#include "planner/offer/finess.hpp"
#include "planner/offer/urgent_care.hpp"
#include "planner/travel_summary.hpp"
#include "planner/unit_coverage.hpp"

namespace recompose::planner {

namespace fs = std::filesystem;
using geo::Diagnostic;
using geo::Error;
using geo::Severity;

// [SECTION] helpers ----------------------------------------------------------

namespace {

struct Filtered {
  geo::LayerData data;
  std::uint64_t read = 0;
};

std::string full_path(const std::string& root, const LayerRef& ref) {
  const fs::path p(ref.path);
  return p.is_absolute() ? p.string() : (fs::path(root) / p).lexically_normal().string();
}

Filtered read_filtered(const std::string& root, const LayerRef& ref, std::vector<std::string> fields,
                       std::vector<std::string> optional = {}, bool geometry = false,
                       const std::string& x = "", const std::string& y = "") {
  geo::ReadOptions o;
  o.layer = ref.layer;
  o.fields = fields;
  o.read_geometry = geometry || !x.empty();
  o.assume_crs = ref.crs;
  o.x_field = x;
  o.y_field = y;
  for (const auto& [k, v] : ref.where.equals) {
    if (std::find(fields.begin(), fields.end(), k) == fields.end()) o.fields.push_back(k);
  }
  o.optional_fields = optional;
  Filtered f;
  f.data = geo::read_layer(full_path(root, ref), o);
  f.read = f.data.features.size();
  if (!ref.where.empty()) {
    std::vector<std::pair<std::size_t, const std::vector<std::string>*>> checks;
    for (const auto& [k, v] : ref.where.equals) checks.emplace_back(f.data.field(k), &v);
    std::erase_if(f.data.features, [&](const geo::FeatureRecord& r) {
      for (const auto& [i, accepted] : checks) {
        if (std::find(accepted->begin(), accepted->end(), r.values[i]) == accepted->end()) return true;
      }
      return false;
    });
  }
  return f;
}

// Normalises an INSEE code read as text: trims, and restores leading zeros lost
// by a spreadsheet (a diagnostic says so). Codes with letters (2A, 2B) are kept.
std::string normalize_code(const std::string& raw, std::size_t width, geo::Diagnostics* diags,
                           const std::string& where) {
  std::string s = trim(raw);
  if (s.size() > 2 && s.ends_with(".0") && all_digits(s.substr(0, s.size() - 2))) s.resize(s.size() - 2);
  if (all_digits(s) && s.size() < width) {
    const std::string padded = std::string(width - s.size(), '0') + s;
    if (diags) {
      diags->push_back({Severity::Warning, "code-padded", where,
                        "code '" + raw + "' restored to '" + padded + "' (leading zeros lost)"});
    }
    return padded;
  }
  return s;
}

using geo::parse_number;  // French numbers: "173 136", "12,5" (geo/number_text.hpp)

// A value that cannot be read stops the import, naming the file, record and value:
// it is never counted as 0 nor dropped without a word.
[[noreturn]] void unreadable(const std::string& where, const std::string& what, const std::string& raw,
                             const std::string& expected = "a number >= 0") {
  throw Error(where + ": " + what + " '" + raw + "' is not " + expected +
              " (French forms are read: 173 136, 173 136, 12,5); correct the file and import again");
}

double peak_memory_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

class StepTimer {
 public:
  StepTimer(ImportReport& r, const ImportOptions& o, std::string name)
      : r_(r), name_(std::move(name)), start_(std::chrono::steady_clock::now()) {
    if (o.progress) o.progress(name_);
  }
  ~StepTimer() {
    r_.step_seconds[name_] +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  ImportReport& r_;
  std::string name_;
  std::chrono::steady_clock::time_point start_;
};

void note_crs(ImportReport& r, const std::string& crs) {
  if (!crs.empty() && std::find(r.crs_seen.begin(), r.crs_seen.end(), crs) == r.crs_seen.end()) {
    r.crs_seen.push_back(crs);
  }
}

// Validates a polygonal geometry, repairing it when needed. Returns false when
// nothing polygonal is left.
bool check_polygon(geo::Geometry& g, const std::string& where, ImportReport& r, bool& repaired) {
  repaired = false;
  if (!g || g.empty()) return false;
  if (!g.is_polygonal()) {
    r.diagnostics.push_back({Severity::Error, "not-a-polygon", where,
                             "geometry is " + g.type_name() + ", a polygon is required; feature skipped"});
    return false;
  }
  if (g.is_valid()) return true;
  const std::string reason = g.invalid_reason();
  geo::Geometry fixed = g.make_valid_polygonal();
  if (!fixed || fixed.empty()) {
    r.diagnostics.push_back({Severity::Error, "geometry-unrepairable", where,
                             "invalid polygon (" + reason + ") has no polygonal part once repaired"});
    return false;
  }
  const double before = g.area(), after = fixed.area();
  r.diagnostics.push_back({Severity::Warning, "geometry-repaired", where,
                           "invalid polygon (" + reason + ") repaired with GEOS make-valid; area " +
                               std::to_string(before / 1e6) + " -> " + std::to_string(after / 1e6) + " km2"});
  g = std::move(fixed);
  repaired = true;
  ++r.geometries_repaired;
  return true;
}

}  // namespace

// [SECTION] communes ---------------------------------------------------------

namespace {

void import_communes(const Manifest& m, const ImportOptions& opt, Territory& t, ImportReport& r) {
  StepTimer timer(r, opt, "communes");
  const auto& spec = m.communes;
  // Selection.
  Filtered sel = read_filtered(opt.data_root, spec.select, {spec.select_code});
  std::vector<std::string> codes;
  std::set<std::string> seen;
  for (const auto& f : sel.data.features) {
    const std::string code = normalize_code(f.values[0], 5, &r.diagnostics, sel.data.where(f));
    if (!seen.insert(code).second) {
      r.diagnostics.push_back({Severity::Warning, "duplicate-code", sel.data.where(f),
                               "commune " + code + " listed twice; kept once"});
      continue;
    }
    codes.push_back(code);
  }
  r.layers.push_back({"communes (sélection)", sel.data.path, sel.data.layer, "", sel.read, codes.size(), ""});
  if (codes.empty()) throw Error("file " + sel.data.path + ": the selection lists no commune");

  // Population (and names).
  Filtered pop = read_filtered(opt.data_root, spec.population,
                               {spec.population_code, spec.population_name, spec.population_value});
  r.layers.push_back({"communes (population)", pop.data.path, pop.data.layer, "", pop.read,
                      pop.data.features.size(), ""});
  t.sources.push_back({"population communale", spec.population.path, spec.population.source});
  std::unordered_map<std::string, std::pair<std::string, double>> pop_by_code;
  for (const auto& f : pop.data.features) {
    const std::string code = normalize_code(f.values[0], 5, nullptr, "");
    const auto v = parse_number(f.values[2]);
    if (!v || *v < 0) unreadable(pop.data.where(f), "commune " + code + ": population", f.values[2]);
    if (!pop_by_code.try_emplace(code, f.values[1], *v).second) {
      r.diagnostics.push_back({Severity::Warning, "duplicate-code", pop.data.where(f),
                               "commune " + code + " has a second population record (" + f.values[2] +
                                   "); the first is kept"});
    }
  }
  JoinReport join{"population communale -> communes sélectionnées", 0, 0, {}, ""};
  for (const auto& code : codes) {
    Commune c;
    c.code = code;
    if (auto it = pop_by_code.find(code); it != pop_by_code.end()) {
      c.name = it->second.first;
      c.population = it->second.second;
      ++join.matched;
    } else {
      ++join.unmatched;
      r.add_join_example(join, code);
      r.diagnostics.push_back({Severity::Error, "population-missing", "commune " + code,
                               "no population in " + pop.data.path + "; counted as 0 and reported"});
    }
    t.communes.push_back(std::move(c));
  }
  r.joins.push_back(join);
  t.population_year = spec.population_year;

  // Polygons.
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < t.communes.size(); ++i) index[t.communes[i].code] = i;
  JoinReport gj{"polygones communaux -> communes", 0, 0, {}, ""};
  for (const auto& ref : spec.geometry) {
    Filtered g = read_filtered(opt.data_root, ref, {spec.geometry_code}, {}, true);
    note_crs(r, g.data.source_crs);
    std::uint64_t kept = 0;
    for (auto& f : g.data.features) {
      const std::string code = normalize_code(f.values[0], 5, &r.diagnostics, g.data.where(f));
      auto it = index.find(code);
      if (it == index.end()) continue;
      bool repaired = false;
      if (!check_polygon(f.geometry, g.data.where(f) + " (commune " + code + ")", r, repaired)) continue;
      Commune& c = t.communes[it->second];
      if (c.geometry) {
        r.diagnostics.push_back({Severity::Warning, "duplicate-code", g.data.where(f),
                                 "second polygon for commune " + code + "; the first is kept"});
        continue;
      }
      c.geometry = std::move(f.geometry);
      c.point = c.geometry.point_on_surface();
      ++kept;
    }
    r.diagnostics.insert(r.diagnostics.end(), g.data.diagnostics.begin(), g.data.diagnostics.end());
    r.layers.push_back({"communes (polygones)", g.data.path, g.data.layer, g.data.source_crs, g.read, kept, ""});
    t.sources.push_back({"polygones communaux", ref.path, ref.source});
  }
  for (const auto& c : t.communes) {
    if (c.geometry) {
      ++gj.matched;
    } else {
      ++gj.unmatched;
      r.add_join_example(gj, c.code);
      r.diagnostics.push_back({Severity::Error, "commune-without-polygon", "commune " + c.code,
                               "no polygon found: its facilities cannot be placed in it"});
    }
  }
  r.joins.push_back(gj);

  // EPCI membership (etalab records with a `membres` array).
  if (spec.epci) {
    const std::string path = full_path(opt.data_root, *spec.epci);
    geo::with_error_context("file " + path, [&] {
      std::ifstream in(path);
      if (!in) throw Error("file not found");
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(in);
      } catch (const std::exception& e) {
        throw Error(std::string("not valid JSON: ") + e.what());
      }
      std::uint64_t n = 0;
      for (const auto& e : j) {
        if (!e.contains("membres") || !e.contains("code")) throw Error("EPCI record without code or membres");
        ++n;
        for (const auto& mbr : e["membres"]) {
          auto it = index.find(mbr.value("code", ""));
          if (it == index.end()) continue;
          t.communes[it->second].epci_code = e["code"].get<std::string>();
          t.communes[it->second].epci_name = e.value("nom", "");
        }
      }
      r.layers.push_back({"EPCI", path, "", "", n, n, ""});
    });
    t.sources.push_back({"EPCI", spec.epci->path, spec.epci->source});
    JoinReport ej{"EPCI -> communes", 0, 0, {}, ""};
    for (const auto& c : t.communes) {
      if (c.epci_code.empty()) {
        ++ej.unmatched;
        r.add_join_example(ej, c.code);
      } else {
        ++ej.matched;
      }
    }
    r.joins.push_back(ej);
  }
  if (spec.zonage) {
    Filtered z = read_filtered(opt.data_root, *spec.zonage, {spec.zonage_code, spec.zonage_ze, spec.zonage_dep});
    r.layers.push_back({"zonages INSEE", z.data.path, z.data.layer, "", z.read, z.data.features.size(), ""});
    t.sources.push_back({"zonages", spec.zonage->path, spec.zonage->source});
    JoinReport zj{"zonages INSEE -> communes", 0, 0, {}, ""};
    std::unordered_map<std::string, std::pair<std::string, std::string>> zmap;
    for (const auto& f : z.data.features) zmap[normalize_code(f.values[0], 5, nullptr, "")] = {f.values[1], f.values[2]};
    for (auto& c : t.communes) {
      if (auto it = zmap.find(c.code); it != zmap.end()) {
        c.ze_code = it->second.first;
        c.dep = it->second.second;
        ++zj.matched;
      } else {
        ++zj.unmatched;
        r.add_join_example(zj, c.code);
      }
    }
    r.joins.push_back(zj);
  }
  for (auto& c : t.communes) {
    if (c.dep.empty()) c.dep = c.code.substr(0, c.code.starts_with("97") ? 3 : 2);
  }
}

// [SECTION] units -------------------------------------------------------------

void import_units(const Manifest& m, const ImportOptions& opt, Territory& t, ImportReport& r) {
  StepTimer timer(r, opt, "units");
  const auto& spec = m.units;
  std::vector<std::string> optional;
  if (!spec.name.empty()) optional.push_back(spec.name);
  if (!spec.type.empty()) optional.push_back(spec.type);
  Filtered u = read_filtered(opt.data_root, spec.layer, {spec.code, spec.commune}, optional, true);
  note_crs(r, u.data.source_crs);
  r.diagnostics.insert(r.diagnostics.end(), u.data.diagnostics.begin(), u.data.diagnostics.end());
  t.sources.push_back({"IRIS", spec.layer.path, spec.layer.source});

  std::unordered_map<std::string, std::size_t> commune_index;
  for (std::size_t i = 0; i < t.communes.size(); ++i) commune_index[t.communes[i].code] = i;
  std::set<std::string> seen;
  const std::size_t name_i = spec.name.empty() ? 0 : u.data.field(spec.name);
  const std::size_t type_i = spec.type.empty() ? 0 : u.data.field(spec.type);
  for (auto& f : u.data.features) {
    const std::string where = u.data.where(f);
    Unit unit;
    unit.commune_code = normalize_code(f.values[1], 5, &r.diagnostics, where);
    if (!commune_index.count(unit.commune_code)) continue;
    unit.code = normalize_code(f.values[0], 9, &r.diagnostics, where);
    if (has_control_char(unit.code)) {
      throw Error(where + ": IRIS code '" + printable(unit.code) + "' contains a control character: correct the file");
    }
    if (unit.code.size() != 9 || !unit.code.starts_with(unit.commune_code)) {
      r.diagnostics.push_back({Severity::Error, "bad-iris-code", where,
                               "IRIS code '" + unit.code + "' is not 9 characters starting with its commune " +
                                   unit.commune_code + "; feature skipped"});
      continue;
    }
    if (!seen.insert(unit.code).second) {
      r.diagnostics.push_back({Severity::Warning, "duplicate-code", where,
                               "IRIS " + unit.code + " appears twice; the first is kept"});
      continue;
    }
    if (!spec.name.empty()) unit.name = f.values[name_i];
    if (!spec.type.empty()) unit.type = f.values[type_i];
    if (!check_polygon(f.geometry, where + " (IRIS " + unit.code + ")", r, unit.geometry_repaired)) {
      r.diagnostics.push_back({Severity::Error, "unit-without-geometry", where,
                               "IRIS " + unit.code + " has no usable polygon; skipped"});
      continue;
    }
    unit.geometry = std::move(f.geometry);
    unit.area_km2 = unit.geometry.area() / 1e6;
    unit.point = unit.geometry.point_on_surface();
    t.units.push_back(std::move(unit));
  }
  r.layers.push_back({"unités (IRIS)", u.data.path, u.data.layer, u.data.source_crs, u.read, t.units.size(),
                      "IRIS des communes sélectionnées"});
  if (u.read == 0) {
    throw Error("file " + u.data.path + ", layer " + u.data.layer + ": the units layer is empty (no feature)");
  }

  // IRIS population weights.
  std::unordered_map<std::string, double> weight;
  if (!spec.population.path.empty()) {
    Filtered p = read_filtered(opt.data_root, spec.population, [&] {
      std::vector<std::string> f{spec.population_code};
      f.insert(f.end(), spec.population_sum.begin(), spec.population_sum.end());
      return f;
    }());
    r.layers.push_back({"population IRIS", p.data.path, p.data.layer, "", p.read, p.data.features.size(), ""});
    t.sources.push_back({"population IRIS", spec.population.path, spec.population.source});
    double total = 0;
    for (const auto& f : p.data.features) {
      double sum = 0;
      bool ok = true;
      for (std::size_t k = 1; k < f.values.size() && k <= spec.population_sum.size(); ++k) {
        const auto v = parse_number(f.values[k]);
        if (!v && (trim(f.values[k]).empty() || geo::is_no_data_marker(f.values[k]))) {
          ok = false;  // no value: recorded, the IRIS is weighted as one without a row
          r.diagnostics.push_back({Severity::Warning, "bad-population", p.data.where(f),
                                   "IRIS " + f.values[0] + ": '" + f.values[k] + "' in " +
                                       spec.population_sum[k - 1] + " is no value; row ignored"});
          break;
        }
        if (!v || *v < 0) {
          unreadable(p.data.where(f), "IRIS " + f.values[0] + ": " + spec.population_sum[k - 1], f.values[k]);
        }
        sum += *v;
      }
      if (!ok) continue;
      weight[normalize_code(f.values[0], 9, &r.diagnostics, p.data.where(f))] = sum;
      total += sum;
    }
    r.populations.push_back({"population IRIS " + std::to_string(spec.population_year) + " (" +
                                 spec.population.path + ", toutes lignes lues)",
                             total});
    JoinReport j{"population IRIS -> unités des communes découpées", 0, 0, {}, ""};
    std::set<std::string> unit_codes;
    for (const auto& unit : t.units) unit_codes.insert(unit.code);
    for (const auto& [code, w] : weight) {
      (void)w;
      if (!commune_index.count(code.substr(0, 5))) continue;
      if (unit_codes.count(code)) {
        ++j.matched;
      } else {
        ++j.unmatched;
        r.add_join_example(j, code);
      }
    }
    r.joins.push_back(j);
  }

  // A commune without IRIS becomes one unit from its own polygon.
  {
    std::set<std::string> with_units;
    for (const auto& unit : t.units) with_units.insert(unit.commune_code);
    for (auto& c : t.communes) {
      if (with_units.count(c.code) || !c.geometry) continue;
      Unit unit;
      unit.code = c.code + "0000";
      unit.name = c.name;
      unit.commune_code = c.code;
      unit.type = "Z";
      unit.geometry = c.geometry;
      unit.area_km2 = unit.geometry.area() / 1e6;
      unit.point = c.point;
      unit.population = c.population;
      unit.population_method = "commune sans IRIS: polygone et population de la commune";
      r.diagnostics.push_back({Severity::Warning, "commune-without-iris", "commune " + c.code,
                               "no IRIS polygon; the commune polygon is used as its unit"});
      t.units.push_back(std::move(unit));
    }
  }

  // A planar partition: overlaps between units (IRIS from vector tiles) are given to
  // one unit each, before the areas are used and the points snapped.
  {
    const CoverageCleaning cleaning = clean_unit_coverage(t.units, r.diagnostics);
    r.unit_overlapping_pairs = cleaning.overlapping_pairs;
    r.units_trimmed = cleaning.units_trimmed;
    r.unit_overlap_area_km2 = cleaning.overlap_area_km2;
    r.unit_overlap_examples = cleaning.examples;
  }

  // Reconciliation: units always sum to their commune's population.
  std::unordered_map<std::string, std::vector<std::size_t>> by_commune;
  for (std::size_t i = 0; i < t.units.size(); ++i) by_commune[t.units[i].commune_code].push_back(i);
  for (auto& c : t.communes) {
    auto it = by_commune.find(c.code);
    if (it == by_commune.end()) continue;  // no polygon at all: reported with the communes
    auto& idx = it->second;
    if (idx.size() == 1 && t.units[idx[0]].population_method.rfind("commune sans IRIS", 0) == 0) {
      c.unit_count = 1;
      continue;
    }
    c.unit_count = idx.size();
    if (idx.size() == 1) {
      Unit& unit = t.units[idx[0]];
      unit.population = c.population;
      unit.population_method = "commune non découpée: population communale";
      continue;
    }
    double wsum = 0;
    for (std::size_t i : idx) {
      auto w = weight.find(t.units[i].code);
      t.units[i].weight_population = w == weight.end() ? 0.0 : w->second;
      wsum += t.units[i].weight_population;
    }
    if (wsum > 0) {
      for (std::size_t i : idx) {
        Unit& unit = t.units[i];
        unit.population = c.population * unit.weight_population / wsum;
        unit.population_method = "part de la population IRIS " + std::to_string(spec.population_year) +
                                 " appliquée à la population communale " + std::to_string(t.population_year);
      }
    } else {
      double area = 0;
      for (std::size_t i : idx) area += t.units[i].area_km2;
      for (std::size_t i : idx) {
        Unit& unit = t.units[i];
        unit.population = area > 0 ? c.population * unit.area_km2 / area : 0;
        unit.population_method = "répartie au prorata de la surface (aucune population IRIS)";
      }
      r.diagnostics.push_back({Severity::Warning, "population-by-area", "commune " + c.code,
                               "no IRIS population for its " + std::to_string(idx.size()) +
                                   " IRIS: commune population split by area"});
    }
  }
  std::sort(t.units.begin(), t.units.end(), [](const Unit& a, const Unit& b) { return a.code < b.code; });
  double commune_total = 0, unit_total = 0;
  for (const auto& c : t.communes) commune_total += c.population;
  for (const auto& u2 : t.units) unit_total += u2.population;
  r.populations.push_back({"population communale " + std::to_string(t.population_year) + " (communes sélectionnées)",
                           commune_total});
  r.populations.push_back({"population des unités après réconciliation", unit_total});
}

// [SECTION] facilities --------------------------------------------------------

// Whether `name` contains one of `words`, ignoring the case of ASCII letters (FINESS
// names are mostly upper case, other sources are not).
bool name_contains_any(const std::string& name, const std::vector<std::string>& words) {
  auto upper = [](std::string v) {
    for (char& ch : v) {
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    }
    return v;
  };
  const std::string n = upper(name);
  for (const auto& w : words) {
    if (n.find(upper(w)) != std::string::npos) return true;
  }
  return false;
}

bool evaluate_flag(const FlagRule& rule, const geo::LayerData& d, const geo::FeatureRecord& f,
                   const std::string& name) {
  if (rule.field.empty()) return rule.constant;
  const std::string& v = f.values[d.field(rule.field)];
  if (std::find(rule.values.begin(), rule.values.end(), v) == rule.values.end()) return false;
  return !name_contains_any(name, rule.unless_name_contains);
}

bool finess_flag(const FlagRule& rule, const offer::FinessEstablishment& e, const std::string& name) {
  if (rule.field.empty()) return rule.constant;
  const std::string& v = e.value(rule.field);
  if (std::find(rule.values.begin(), rule.values.end(), v) == rule.values.end()) return false;
  return !name_contains_any(name, rule.unless_name_contains);
}

std::string join_codes(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Facilities from the Etalab FINESS extract: metropolitan sites in the territory's
// communes; overseas sites (own CRS) and unlocated ones are left out with a diagnostic.
void import_finess_facilities(const FacilitySpec& spec, const ImportOptions& opt, Territory& t, ImportReport& r,
                              const offer::CommuneLocator& commune_at, std::set<std::string>& ids) {
  const std::string path = full_path(opt.data_root, spec.layer);
  const offer::FinessExtract x =
      offer::read_finess(path, {spec.finess_categories, spec.finess_legal_entities});
  r.diagnostics.insert(r.diagnostics.end(), x.diagnostics.begin(), x.diagnostics.end());
  std::string citation = spec.layer.source;
  if (!x.date.empty()) citation += (citation.empty() ? "" : " ; ") + std::string("extraction FINESS du ") + x.date;
  t.sources.push_back({"établissements: " + spec.kind, spec.layer.path, citation});
  std::uint64_t kept = 0, outside = 0, overseas = 0, unlocated = 0;
  for (const auto& e : x.establishments) {
    const std::string where = "file " + path + ", line " + std::to_string(e.line);
    const std::string id = spec.id_prefix + e.number();
    const std::string name = spec.name == "rs" ? e.value("rs") : e.display_name();
    if (!e.located) {
      ++unlocated;  // the reader said why
      continue;
    }
    if (!e.metropolitan) {
      ++overseas;
      char ll[64];
      std::snprintf(ll, sizeof ll, "%.5f, %.5f", e.lon, e.lat);
      r.diagnostics.push_back({Severity::Info, "finess-overseas", where,
                               "facility " + id + " (" + name + ") is located in " + e.crs + " (lon/lat " + ll +
                                   "), outside metropolitan France (Lambert-93): not kept in this territory"});
      continue;
    }
    const Commune* c = commune_at(e.point);
    if (!c) {
      ++outside;
      r.diagnostics.push_back({Severity::Info, "facility-outside-territory", where,
                               "facility " + id + " (" + name + ") lies in none of the territory's communes; not kept"});
      continue;
    }
    Facility fac;
    fac.id = id;
    fac.name = name;
    fac.kind = spec.kind;
    fac.category = e.category_label();
    fac.source = spec.layer.source;
    fac.point = e.point;
    fac.location_note = "coordonnées FINESS (" + e.crs_text + ")";
    fac.commune_code = c->code;
    if (e.commune_code != c->code) {
      const bool known = !e.commune_code.empty() && t.find_commune(e.commune_code) != nullptr;
      if (known) fac.commune_code = e.commune_code;
      r.diagnostics.push_back({Severity::Info, "finess-commune-mismatch", where,
                               "facility " + id + ": FINESS commune '" + e.commune_code + "' but its point lies in " +
                                   c->code + "; " + fac.commune_code + " kept"});
    }
    geo::with_error_context("manifest facilities (FINESS " + spec.layer.path + ")", [&] {
      for (const auto& [flag, rule] : spec.flags) fac.flags[flag] = finess_flag(rule, e, fac.name);
    });
    if (!ids.insert(fac.id).second) {
      r.diagnostics.push_back({Severity::Warning, "duplicate-id", where,
                               "facility id " + fac.id + " already used; the first is kept"});
      continue;
    }
    t.facilities.push_back(std::move(fac));
    ++kept;
  }
  if (kept) note_crs(r, geo::kLambert93);
  std::string note = std::to_string(x.establishments.size()) + " sélectionnés";
  if (!spec.finess_categories.empty()) note += " (catégories " + join_codes(spec.finess_categories) + ")";
  if (!spec.finess_legal_entities.empty()) note += " (entité juridique " + join_codes(spec.finess_legal_entities) + ")";
  note += " ; " + std::to_string(outside) + " hors du territoire ; " + std::to_string(overseas) + " outre-mer ; " +
          std::to_string(unlocated) + " sans localisation utilisable";
  r.layers.push_back({"établissements: " + spec.kind, path, "FINESS " + x.version, kept ? geo::kLambert93 : "",
                      x.structure_lines, kept, note});
}

void import_facilities(const Manifest& m, const ImportOptions& opt, Territory& t, ImportReport& r) {
  StepTimer timer(r, opt, "facilities");
  // Communes index for the "inside the territory" test and commune assignment.
  geo::StrTree tree;
  std::vector<std::size_t> tree_commune;
  std::vector<std::unique_ptr<geo::PreparedGeometry>> prepared;
  for (std::size_t i = 0; i < t.communes.size(); ++i) {
    if (!t.communes[i].geometry) continue;
    tree.insert(t.communes[i].geometry.envelope());
    tree_commune.push_back(i);
    prepared.push_back(std::make_unique<geo::PreparedGeometry>(t.communes[i].geometry));
  }
  auto commune_at = [&](geo::PointM p) -> const Commune* {
    for (std::size_t item : tree.query({p.x_m, p.y_m, p.x_m, p.y_m})) {
      if (prepared[item]->contains(p.x_m, p.y_m)) return &t.communes[tree_commune[item]];
    }
    return nullptr;
  };
  std::set<std::string> ids;
  const std::optional<UrgentCareListSpec>& urgent_list = opt.urgent_care_list ? opt.urgent_care_list : m.urgent_care_list;
  for (const auto& spec : m.facilities) {
    std::vector<std::string> flag_fields;
    for (const auto& [name, rule] : spec.flags) {
      if (!rule.field.empty()) flag_fields.push_back(rule.field);
      // An explicit urgent-care list replaces the rule, and its assumption sentence.
      if (name == "urgent_care" && urgent_list) continue;
      if (!rule.assumption.empty()) t.assumptions.push_back(rule.assumption);
    }
    if (spec.format == "finess") {
      import_finess_facilities(spec, opt, t, r, commune_at, ids);
      continue;
    }
    t.sources.push_back({"établissements: " + spec.kind, spec.layer.path, spec.layer.source});
    if (spec.from_commune_counts) {
      Filtered d = read_filtered(opt.data_root, spec.layer, {spec.commune_field, spec.count_field});
      std::uint64_t kept = 0;
      for (const auto& f : d.data.features) {
        const std::string code = normalize_code(f.values[0], 5, &r.diagnostics, d.data.where(f));
        const Commune* c = t.find_commune(code);
        if (!c) continue;
        const auto n = parse_number(f.values[1]);
        if (!n && (trim(f.values[1]).empty() || geo::is_no_data_marker(f.values[1]))) {
          r.diagnostics.push_back({Severity::Warning, "bad-count", d.data.where(f),
                                   "commune " + code + ": count '" + f.values[1] + "' is no value; skipped"});
          continue;
        }
        if (!n || *n < 0) unreadable(d.data.where(f), "commune " + code + ": count", f.values[1]);
        if (!c->geometry) continue;
        Facility fac;
        fac.id = spec.id_prefix + code;
        std::string name = spec.name_template;
        const std::string count = std::to_string(static_cast<long long>(std::llround(*n)));
        if (auto pos = name.find("{count}"); pos != std::string::npos) name.replace(pos, 7, count);
        fac.name = name + " — " + c->name;
        fac.kind = spec.kind;
        fac.capacity = *n;
        fac.capacity_unit = spec.capacity_unit.empty() ? "nombre" : spec.capacity_unit;
        fac.commune_code = code;
        fac.point = c->point;
        fac.source = spec.layer.source;
        fac.location_note = spec.location_note.empty() ? "point représentatif de la commune (compte communal)"
                                                       : spec.location_note;
        for (const auto& [name2, rule] : spec.flags) fac.flags[name2] = evaluate_flag(rule, d.data, f, fac.name);
        if (!ids.insert(fac.id).second) continue;
        t.facilities.push_back(std::move(fac));
        ++kept;
      }
      r.layers.push_back({"établissements: " + spec.kind, d.data.path, d.data.layer, "", d.read, kept,
                          "comptes par commune placés au point représentatif de la commune"});
      continue;
    }
    std::vector<std::string> optional = flag_fields;
    if (!spec.category.empty()) optional.push_back(spec.category);
    if (!spec.capacity.empty()) optional.push_back(spec.capacity);
    // A source without an id field (e.g. OSM points) numbers its features.
    const bool numbered = spec.id.empty();
    const std::vector<std::string> key_fields =
        numbered ? std::vector<std::string>{spec.name} : std::vector<std::string>{spec.id, spec.name};
    const std::size_t name_index = numbered ? 0 : 1;
    Filtered d = read_filtered(opt.data_root, spec.layer, key_fields, optional, true, spec.x, spec.y);
    const bool keep_outside = m.outside_facilities_max_minutes > 0 && m.roads.kind != "none";
    note_crs(r, d.data.source_crs);
    r.diagnostics.insert(r.diagnostics.end(), d.data.diagnostics.begin(), d.data.diagnostics.end());
    std::uint64_t kept = 0, outside = 0, outside_candidates = 0;
    for (auto& f : d.data.features) {
      const std::string where = d.data.where(f);
      const std::string raw_id = numbered ? std::to_string(f.fid) : trim(f.values[0]);
      if (has_control_char(raw_id)) {
        throw Error(where + ": facility id '" + printable(raw_id) +
                    "' contains a control character; ids key every output and scenario: correct the file");
      }
      if (!f.geometry || f.geometry.empty()) {
        r.diagnostics.push_back({Severity::Warning, "facility-without-location", where,
                                 "facility " + spec.id_prefix + raw_id + " has no usable location; not kept"});
        continue;
      }
      Facility fac;
      fac.id = spec.id_prefix + raw_id;
      fac.name = trim(f.values[name_index]);
      if (fac.name.empty()) fac.name = spec.unnamed.empty() ? "(sans nom)" : spec.unnamed;
      fac.kind = spec.kind;
      fac.source = spec.layer.source;
      if (fac.id == spec.id_prefix) {
        r.diagnostics.push_back({Severity::Error, "missing-id", where, "facility without id; skipped"});
        continue;
      }
      fac.point = f.geometry.is_polygonal() ? f.geometry.point_on_surface() : f.geometry.centroid();
      if (f.geometry.is_polygonal()) fac.location_note = "point intérieur du bâtiment (polygone)";
      const Commune* c = commune_at(fac.point);
      if (!c && !keep_outside) {
        ++outside;
        r.diagnostics.push_back({Severity::Info, "facility-outside-territory", where,
                                 "facility " + fac.id + " (" + fac.name + ") lies in none of the territory's communes; not kept"});
        continue;
      }
      if (c) {
        fac.commune_code = c->code;
      } else {
        // Kept for now; dropped after snapping unless a unit reaches it in time.
        fac.outside_territory = true;
        ++outside_candidates;
      }
      if (!spec.category.empty()) fac.category = f.values[d.data.field(spec.category)];
      if (!spec.capacity.empty()) {
        const std::string& raw = f.values[d.data.field(spec.capacity)];
        const auto v = parse_number(raw);
        fac.capacity_unit = spec.capacity_unit;
        if (v && *v >= 0) {
          fac.capacity = *v;
        } else if (trim(raw).empty()) {
          fac.capacity = -1;  // unknown
        } else if (geo::is_no_data_marker(raw)) {
          fac.capacity = -1;
          r.diagnostics.push_back({Severity::Warning, "bad-capacity", where,
                                   "facility " + fac.id + ": capacity '" + raw + "' is no value; kept as unknown"});
        } else {
          unreadable(where, "facility " + fac.id + ": capacity", raw);
        }
      }
      for (const auto& [name, rule] : spec.flags) fac.flags[name] = evaluate_flag(rule, d.data, f, fac.name);
      if (!ids.insert(fac.id).second) {
        r.diagnostics.push_back({Severity::Warning, "duplicate-id", where,
                                 "facility id " + fac.id + " already used; the first is kept"});
        continue;
      }
      if (!fac.outside_territory) ++kept;
      t.facilities.push_back(std::move(fac));
    }
    r.layers.push_back({"établissements: " + spec.kind, d.data.path, d.data.layer, d.data.source_crs, d.read,
                        kept,
                        keep_outside ? std::to_string(outside_candidates) +
                                           " hors des communes du territoire, gardés s'ils sont à moins de " +
                                           fr_number(m.outside_facilities_max_minutes, 0) +
                                           " min d'une unité (voir « établissements hors territoire »)"
                                     : std::to_string(outside) + " hors du territoire (point hors des communes)"});
  }
  if (urgent_list) {
    // Relative paths: to the data root when the list comes from the manifest; the
    // command line resolves its own path against the current directory.
    const std::string path = opt.urgent_care_list ? urgent_list->layer.path : full_path(opt.data_root, urgent_list->layer);
    const offer::UrgentCareList list = offer::read_urgent_care_list(*urgent_list, path);
    r.diagnostics.insert(r.diagnostics.end(), list.diagnostics.begin(), list.diagnostics.end());
    std::vector<std::string> prefixes;
    for (const auto& spec : m.facilities) prefixes.push_back(spec.id_prefix);
    const auto outcome = offer::apply_urgent_care_list(list, *urgent_list, prefixes, commune_at, t, r.diagnostics);
    t.assumptions.push_back(offer::urgent_care_list_assumption(*urgent_list, outcome));
    t.sources.push_back({"sites d'urgences (liste fournie)", urgent_list->layer.path, urgent_list->layer.source});
    r.layers.push_back({"sites d'urgences (liste)", path, list.layer, "", list.read, outcome.sites,
                        std::to_string(outcome.matched) + " appariés par numéro FINESS ; " +
                            std::to_string(outcome.added) + " ajoutés à leurs coordonnées ; " +
                            std::to_string(outcome.not_found) + " introuvables ; " + std::to_string(outcome.outside) +
                            " hors du territoire"});
    JoinReport j{"liste des sites d'urgences -> établissements (numéro FINESS)", outcome.matched, outcome.not_found, {}, ""};
    for (const auto& n : outcome.not_found_numbers) r.add_join_example(j, n);
    j.note = "non appariés = numéros de la liste sans établissement du territoire ni coordonnées";
    r.joins.push_back(j);
  }
}

// [SECTION] indicators --------------------------------------------------------

void import_indicators(const Manifest& m, const ImportOptions& opt, Territory& t, ImportReport& r) {
  StepTimer timer(r, opt, "indicators");
  std::set<std::string> iris, communes, epci, ze, dep;
  for (const auto& u : t.units) iris.insert(u.code);
  for (const auto& c : t.communes) {
    communes.insert(c.code);
    if (!c.epci_code.empty()) epci.insert(c.epci_code);
    if (!c.ze_code.empty()) ze.insert(c.ze_code);
    dep.insert(c.dep);
  }
  for (const auto& spec : m.indicators) {
    std::vector<std::string> fields;
    if (!spec.key.empty()) fields.push_back(spec.key);
    if (spec.name_field.empty()) {
      for (const auto& [col, name] : spec.columns) fields.push_back(col);
    } else {
      fields.push_back(spec.name_field);
      fields.push_back(spec.value_field);
    }
    Filtered d = read_filtered(opt.data_root, spec.layer, fields);
    t.sources.push_back({"indicateurs (" + spec.level + ")", spec.layer.path, spec.layer.source});
    const std::set<std::string>* keys = spec.level == "iris"      ? &iris
                                        : spec.level == "commune" ? &communes
                                        : spec.level == "epci"    ? &epci
                                        : spec.level == "ze"      ? &ze
                                        : spec.level == "dep"     ? &dep
                                                                  : nullptr;
    const std::size_t width = spec.level == "iris" ? 9 : spec.level == "commune" ? 5 : 0;
    JoinReport j{"indicateurs " + spec.layer.path + " -> " + spec.level, 0, 0, {}, ""};
    std::uint64_t kept = 0;
    std::set<std::string> stored;  // (code, indicator) pairs already kept
    for (const auto& f : d.data.features) {
      std::string code = spec.key.empty() ? t.name : trim(f.values[0]);
      if (auto km = spec.key_map.find(code); km != spec.key_map.end()) code = km->second;
      if (width) code = normalize_code(code, width, &r.diagnostics, d.data.where(f));
      if (keys && !keys->count(code)) continue;  // another territory's row
      ++j.matched;
      const std::size_t first = spec.key.empty() ? 0 : 1;
      auto add = [&](const std::string& name, const std::string& raw) {
        const auto v = parse_number(raw);
        if (!v) {
          if (trim(raw).empty()) return;
          if (!geo::is_no_data_marker(raw)) unreadable(d.data.where(f), spec.level + " " + code + ": " + name, raw, "a number");
          r.diagnostics.push_back({Severity::Warning, "bad-number", d.data.where(f),
                                   name + ": '" + raw + "' is no value (no-data marker); value left out"});
          return;
        }
        if (!stored.insert(code + "\n" + name).second) {
          r.diagnostics.push_back({Severity::Warning, "duplicate-code", d.data.where(f),
                                   name + " for " + spec.level + " " + code + " given twice; the first value is kept"});
          return;
        }
        t.indicators.push_back({spec.level, code, name, *v, spec.period, spec.layer.source});
        ++kept;
      };
      if (spec.name_field.empty()) {
        std::size_t k = first;
        for (const auto& [col, name] : spec.columns) add(name, f.values[k++]);
      } else {
        add(f.values[first], f.values[first + 1]);
      }
    }
    if (keys) {
      // Territory keys without a row in this table.
      std::set<std::string> found;
      for (const auto& f : d.data.features) {
        std::string code = trim(f.values[0]);
        if (auto km = spec.key_map.find(code); km != spec.key_map.end()) code = km->second;
        if (width) code = normalize_code(code, width, nullptr, "");
        found.insert(code);
      }
      for (const auto& k : *keys) {
        if (!found.count(k)) {
          ++j.unmatched;
          r.add_join_example(j, k);
        }
      }
      j.note = "non appariés = unités du territoire sans valeur dans la table";
    }
    r.joins.push_back(j);
    r.layers.push_back({"indicateurs (" + spec.level + ")", d.data.path, d.data.layer, "", d.read, kept,
                        "valeurs retenues pour le territoire"});
  }
}

// [SECTION] roads and snapping ------------------------------------------------

void import_roads(const Manifest& m, const ImportOptions& opt, Territory& t, ImportReport& r) {
  StepTimer timer(r, opt, "roads");
  if (m.roads.kind == "none") {
    t.has_roads = false;
    t.roads_note = m.roads.missing_reason;
    r.has_roads = false;
    r.roads_note = m.roads.missing_reason;
    r.diagnostics.push_back({Severity::Warning, "no-road-network", "territory " + m.name,
                             "no road network: " + m.roads.missing_reason +
                                 " Routing features need one and will say so."});
    return;
  }
  t.profile = geo::RoadProfile::load(m.profile_path());
  const std::string path = full_path(opt.data_root, m.roads.layer);
  geo::Fingerprint fp;
  fp.add("recompose-graph/" + std::to_string(geo::kGraphCacheVersion));
  fp.add(m.roads.kind);
  fp.add_file(path);
  fp.add(t.profile.source_text);
  fp.add(m.roads.class_field);
  for (const auto& [k, v] : m.roads.class_map) fp.add(k + "=" + v);
  for (const std::string* f : {&m.roads.class_fallback_field, &m.roads.oneway_field, &m.roads.ramp_field,
                               &m.roads.service_field}) {
    fp.add(*f);
  }
  t.graph_fingerprint = fp.value();
  r.graph_fingerprint = fp.hex();
  t.sources.push_back({"réseau routier", m.roads.layer.path,
                       m.roads.layer.source + (m.roads.date.empty() ? "" : " (données " + m.roads.date + ")")});

  const std::string cache = opt.cache_dir.empty() ? "" : (fs::path(opt.cache_dir) / "graph.rcg").string();
  bool loaded = false;
  if (!cache.empty() && fs::exists(cache)) {
    try {
      t.graph = geo::load_graph(cache, fp.value());
      loaded = true;
      r.graph_from_cache = true;
    } catch (const Error& e) {
      r.diagnostics.push_back({Severity::Info, "graph-cache-rebuilt", cache, e.what()});
    }
  }
  if (!loaded) {
    if (opt.progress) opt.progress("building the road graph from " + path);
    if (m.roads.kind == "osm") {
      t.graph = geo::import_osm_roads(path, t.profile, r.road_stats);
    } else {
      auto spec = geo::LineLayerSpec::class_only(path, m.roads.class_field, m.roads.class_map);
      spec.layer = m.roads.layer.layer;
      spec.assume_crs = m.roads.layer.crs;
      spec.class_fallback_field = m.roads.class_fallback_field;
      spec.oneway_field = m.roads.oneway_field;
      spec.ramp_field = m.roads.ramp_field;
      spec.service_field = m.roads.service_field;
      spec.name_field = m.roads.name_field;
      spec.ref_field = m.roads.ref_field;
      t.graph = geo::import_line_roads(spec, t.profile, r.road_stats);
      if (m.roads.oneway_field.empty()) {
        r.diagnostics.push_back({Severity::Info, "no-oneway-information", path,
                                 "this line layer carries no oneway information: every road is routed both ways"});
      }
    }
    r.diagnostics.insert(r.diagnostics.end(), r.road_stats.diagnostics.begin(), r.road_stats.diagnostics.end());
    r.road_stats.diagnostics.clear();
    if (!cache.empty()) geo::save_graph(t.graph, fp.value(), cache);
  }
  if (t.graph.empty() || t.graph.component_node_count.empty()) {
    throw Error("file " + path + ": no routable road (" + std::to_string(r.road_stats.features_read) +
                " features read; classes not routed by the profile: " + std::to_string(r.road_stats.excluded_not_car) +
                ", access forbidden: " + std::to_string(r.road_stats.excluded_access) +
                ", without geometry: " + std::to_string(r.road_stats.excluded_no_geometry) +
                "); check the class field and class map of the manifest");
  }
  t.has_roads = true;
  r.has_roads = true;
  if (m.roads.kind == "osm") {
    t.roads_note = "OpenStreetMap (sens uniques et vitesses maximales pris en compte)";
  } else if (!m.roads.oneway_field.empty()) {
    t.roads_note =
        "couche de lignes avec sens de circulation (sens uniques, bretelles et classes de voies pris en compte ; "
        "tronçons coupés aux bords de tuiles recousus ; allées de parking, accès privés et drive routés mais jamais "
        "utilisés pour rattacher une unité ou un site)";
  } else {
    t.roads_note = "couche de lignes sans sens de circulation: toutes les routes à double sens";
  }
  if (!m.roads.date.empty()) t.roads_note += " — données du réseau : " + m.roads.date;
  r.roads_note = t.roads_note;
  r.roads_source = m.roads.layer.source + (m.roads.date.empty() ? "" : " (données " + m.roads.date + ")");
  r.nodes = t.graph.node_count();
  r.arcs = t.graph.arc_count();
  r.segments = t.graph.segment_count();
  r.components = t.graph.component_count();
  r.main_component_nodes = t.graph.component_node_count[t.graph.main_component];
  r.road_classes = geo::summarize_by_class(t.graph);
}

// The contraction hierarchy of the graph, reused from `cache_dir`/graph.ch when it
// was built from the same graph.
void build_hierarchy(Territory& t, const ImportOptions& opt, ImportReport& r) {
  StepTimer timer(r, opt, "contraction hierarchy");
  if (!t.has_roads || t.graph.empty()) return;
  const std::string cache = opt.cache_dir.empty() ? "" : (fs::path(opt.cache_dir) / "graph.ch").string();
  if (!cache.empty() && fs::exists(cache)) {
    try {
      auto ch = geo::load_contraction_hierarchy(cache, t.graph_fingerprint);
      if (ch.node_count() == t.graph.node_count()) {
        t.ch = std::make_shared<const geo::ContractionHierarchy>(std::move(ch));
        r.ch_from_cache = true;
        r.ch_shortcuts = t.ch->shortcut_count();
        return;
      }
    } catch (const Error& e) {
      r.diagnostics.push_back({Severity::Info, "ch-cache-rebuilt", cache, e.what()});
    }
  }
  if (opt.progress) opt.progress("contracting the road graph");
  geo::ChBuildStats st;
  t.ch = std::make_shared<const geo::ContractionHierarchy>(geo::build_contraction_hierarchy(t.graph, &st));
  r.ch_shortcuts = st.shortcuts;
  if (!cache.empty()) geo::save_contraction_hierarchy(*t.ch, t.graph_fingerprint, cache);
}

void snap_all(Territory& t, const ImportOptions& opt, ImportReport& r) {
  StepTimer timer(r, opt, "snapping");
  if (!t.has_roads) return;
  geo::Snapper snapper(t.graph, t.profile.snap_max_distance_m, t.profile.access_speed_kmh,
                        t.profile.no_roadside_access);
  for (auto& u : t.units) {
    u.snap = SnapInfo(snapper.snap(u.point));
    if (u.snap.status == geo::SnapStatus::Snapped) {
      ++r.units_snapped;
    } else {
      ++r.units_off_network;
      r.population_off_network += u.population;
      if (r.off_network_examples.size() < 12) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f km", u.snap.distance_m / 1000.0);
        r.off_network_examples.push_back(
            "IRIS " + u.code + " (" + u.name + ", " + std::to_string(std::lround(u.population)) + " hab.): " +
            (std::isfinite(u.snap.distance_m) ? "route la plus proche à " + std::string(buf)
                                              : std::string("aucune route accessible depuis le bord à moins de 100 km")));
      }
      r.diagnostics.push_back({Severity::Warning, "unit-off-network", "IRIS " + u.code,
                               "representative point is " + geo::off_network_text(u.snap.result, snapper.max_distance_m()) +
                                   ": not routed"});
    }
    if (u.snap.nearest_is_isolated && u.snap.status == geo::SnapStatus::Snapped) {
      r.diagnostics.push_back({Severity::Info, "nearest-road-isolated", "IRIS " + u.code,
                               "the nearest road belongs to an isolated component; snapped to the main network"});
    }
  }
  for (auto& f : t.facilities) {
    f.snap = SnapInfo(snapper.snap(f.point));
    if (f.outside_territory) continue;  // counted once kept (keep_reachable_outside)
    if (f.snap.status == geo::SnapStatus::Snapped) {
      ++r.facilities_snapped;
    } else {
      ++r.facilities_off_network;
      r.diagnostics.push_back({Severity::Warning, "facility-off-network", "facility " + f.id + " (" + f.name + ")",
                               "is " + geo::off_network_text(f.snap.result, snapper.max_distance_m()) +
                                   ": not routed"});
    }
  }
}

}  // namespace

// [SECTION] entry point -------------------------------------------------------

Territory import_territory(const Manifest& m, const ImportOptions& opt, ImportReport& r) {
  const auto start = std::chrono::steady_clock::now();
  Territory t;
  t.name = m.name;
  t.title = m.title;
  t.description = m.description;
  t.assumptions = m.assumptions;
  r.territory = m.name;
  r.title = m.title;
  r.manifest = m.path;
  r.data_root = opt.data_root;
  import_communes(m, opt, t, r);
  import_units(m, opt, t, r);
  import_facilities(m, opt, t, r);
  import_regime(m, t, r);
  import_indicators(m, opt, t, r);
  import_roads(m, opt, t, r);
  build_hierarchy(t, opt, r);
  snap_all(t, opt, r);
  if (t.has_roads) {
    StepTimer timer(r, opt, "facilities outside the territory");
    select_outside_facilities(t, m.outside_facilities_max_minutes, r);
  }
  {
    StepTimer timer(r, opt, "travel summary");
    r.travel = summarize_travel_times(t);
  }
  // Text read from files: ids were checked where they were read; names lose their
  // control characters (a tab or line break in a name would break CSV rows for
  // some readers and Markdown tables), said once.
  {
    std::vector<std::string> examples;
    std::size_t cleaned = 0;
    auto clean = [&](std::string& text, const std::string& what) {
      if (!has_control_char(text)) return;
      if (examples.size() < 5) examples.push_back(what + " '" + printable(text) + "'");
      text = without_control_chars(text);
      ++cleaned;
    };
    for (auto& f : t.facilities) {
      if (has_control_char(f.id)) {
        throw Error("facility id '" + printable(f.id) + "' (source: " + f.source +
                    ") contains a control character; ids key every output and scenario: correct the file");
      }
      clean(f.name, "facility " + f.id);
    }
    for (auto& u : t.units) clean(u.name, "IRIS " + u.code);
    for (auto& c : t.communes) clean(c.name, "commune " + c.code);
    if (cleaned > 0) {
      std::string list;
      for (const auto& e : examples) list += (list.empty() ? "" : "; ") + e;
      r.diagnostics.push_back({Severity::Warning, "control-characters", "territory " + t.name,
                               std::to_string(cleaned) + " names held control characters (tab, line break...), "
                               "replaced by spaces: " + list});
    }
  }
  // Assumptions: unique, in order of appearance.
  std::vector<std::string> unique;
  for (const auto& a : t.assumptions) {
    if (std::find(unique.begin(), unique.end(), a) == unique.end()) unique.push_back(a);
  }
  t.assumptions = unique;
  r.assumptions = unique;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.peak_memory_mib = peak_memory_mib();
  return t;
}

void select_outside_facilities(Territory& t, double max_minutes, ImportReport& r) {
  const bool any = std::any_of(t.facilities.begin(), t.facilities.end(),
                               [](const Facility& f) { return f.outside_territory; });
  if (!any) return;
  const auto limit_ds = static_cast<geo::Deciseconds>(std::llround(max_minutes * 600.0));
  std::vector<geo::Seed> seeds;
  for (const auto& u : t.units) {
    if (u.snap.status != geo::SnapStatus::Snapped) continue;
    for (const geo::Seed& s : geo::departure_seeds(t.graph, u.snap.result)) seeds.push_back(s);
  }
  geo::DijkstraWorkspace ws(t.graph.node_count());
  geo::run_dijkstra(t.graph, geo::Direction::Forward, seeds, limit_ds, ws);
  std::uint64_t kept = 0, dropped = 0;
  std::erase_if(t.facilities, [&](const Facility& f) {
    if (!f.outside_territory) return false;
    geo::Deciseconds best = geo::kUnreachable;
    if (f.snap.status == geo::SnapStatus::Snapped) {
      for (const geo::Seed& s : geo::arrival_seeds(t.graph, f.snap.result)) {
        const geo::Deciseconds at = ws.time(s.node);
        if (at != geo::kUnreachable) best = std::min<geo::Deciseconds>(best, at + s.offset_ds);
      }
    }
    if (best <= limit_ds) {
      ++kept;
      ++r.facilities_snapped;
      return false;
    }
    ++dropped;
    return true;
  });
  r.facilities_outside_kept = kept;
  r.facilities_outside_dropped = dropped;
  r.diagnostics.push_back({Severity::Info, "facilities-outside-territory", "territory " + t.name,
                           std::to_string(kept) + " facilities outside the territory's communes are kept (a unit reaches "
                           "them within " + fr_number(max_minutes, 0) + " min); " +
                               std::to_string(dropped) + " farther or off the network are left out"});
  t.assumptions.push_back(
      "Effets de bord : les établissements situés hors des communes du territoire mais à moins de " +
      fr_number(max_minutes, 0) +
      " min de route d'au moins une unité sont gardés (« hors territoire ») et comptent dans tous les indicateurs ; "
      "ils ne sont pas modifiables par défaut dans les scénarios ; la population reste celle du territoire.");
}

const Commune* Territory::find_commune(const std::string& code) const {
  for (const auto& c : communes) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

}  // namespace recompose::planner
