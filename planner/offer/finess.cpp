#include "planner/offer/finess.hpp"

#include <cpl_string.h>
#include <cpl_vsi.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "geo/crs.hpp"
#include "geo/error.hpp"
#include "geo/number_text.hpp"
#include "geo/vector_io.hpp"
#include "planner/format.hpp"

namespace recompose::planner::offer {

using geo::Error;
using geo::Severity;

const std::vector<std::string>& finess_structure_fields() {
  static const std::vector<std::string> names = {
      "structureet", "nofinesset",  "nofinessej",        "rs",        "rslongue",        "complrs",
      "compldistrib", "numvoie",    "typvoie",           "voie",      "compvoie",        "lieuditbp",
      "commune",     "departement", "libdepartement",    "ligneacheminement", "telephone", "telecopie",
      "categetab",   "libcategetab", "categagretab",     "libcategagretab",   "siret",     "codeape",
      "codemft",     "libmft",      "codesph",           "libsph",    "dateouv",         "dateautor",
      "datemaj",     "numuai"};
  return names;
}

const std::string& FinessEstablishment::value(const std::string& field) const {
  const auto& names = finess_structure_fields();
  const auto it = std::find(names.begin(), names.end(), field);
  if (it == names.end()) {
    throw Error("'" + field + "' is not a FINESS structureet field (e.g. categetab, libcategetab, nofinessej)");
  }
  return fields[static_cast<std::size_t>(it - names.begin())];
}

std::string FinessEstablishment::display_name() const {
  return fields[4].empty() ? fields[3] : fields[4];
}

const FinessEstablishment* FinessExtract::find(const std::string& nofinesset) const {
  for (const auto& e : establishments) {
    if (e.number() == nofinesset) return &e;
  }
  return nullptr;
}

namespace {

std::optional<double> parse_coordinate(const std::string& s) { return geo::parse_number(s); }

// Splits one line on `;` with GDAL's tokenizer (empty fields kept, quotes honoured).
std::vector<std::string> tokenize(const std::string& line) {
  char** tokens = CSLTokenizeString2(line.c_str(), ";", CSLT_ALLOWEMPTYTOKENS | CSLT_HONOURSTRINGS);
  std::vector<std::string> out;
  for (int i = 0; tokens && tokens[i]; ++i) out.emplace_back(tokens[i]);
  CSLDestroy(tokens);
  return out;
}

// Metropolitan France with Corsica, in lon/lat (a generous box: overseas territories
// are thousands of kilometres away from it).
bool in_metropolitan_france(double lon, double lat) {
  return lon >= -5.8 && lon <= 10.0 && lat >= 41.0 && lat <= 51.5;
}

struct GeoRecord {
  std::size_t line = 0;
  std::string x, y, crs_text;
};

}  // namespace

std::string finess_crs_from_text(const std::string& sourcecoordet) {
  std::string upper = sourcecoordet;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
  if (const auto pos = upper.find("EPSG:"); pos != std::string::npos) {
    std::size_t end = pos + 5;
    while (end < upper.size() && upper[end] >= '0' && upper[end] <= '9') ++end;
    if (end > pos + 5) return upper.substr(pos, end - pos);
  }
  // Older extracts name Lambert-93 by a token (e.g. "...,IGN,BD_ADRESSE,V2.1,LAMBERT_93").
  if (upper.find("LAMBERT_93") != std::string::npos || upper.find("LAMBERT-93") != std::string::npos) {
    return geo::kLambert93;
  }
  return "";
}

std::string finess_commune_code(const std::string& departement, const std::string& commune, std::string* problem) {
  auto fail = [&](const std::string& why) {
    if (problem) *problem = why;
    return std::string();
  };
  std::string dep = trim(departement), com = trim(commune);
  std::transform(dep.begin(), dep.end(), dep.begin(),
                 [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
  if (!all_digits(com) || com.size() > 3) return fail("commune suffix '" + commune + "' is not 1 to 3 digits");
  com = std::string(3 - com.size(), '0') + com;
  // Overseas: "9A".."9F" (971..976) as published, or "97"/"97x".
  static const std::map<std::string, char> overseas = {{"9A", '1'}, {"9B", '2'}, {"9C", '3'},
                                                       {"9D", '4'}, {"9E", '5'}, {"9F", '6'}};
  char overseas_digit = 0;
  if (auto it = overseas.find(dep); it != overseas.end()) {
    overseas_digit = it->second;
  } else if (dep.size() == 3 && dep.starts_with("97") && dep[2] >= '1' && dep[2] <= '6') {
    overseas_digit = dep[2];
  } else if (dep == "97") {
    overseas_digit = com[0];
  }
  if (overseas_digit) {
    if (com[0] != overseas_digit) {
      return fail("commune suffix '" + commune + "' does not start with the digit of département " + departement);
    }
    return "97" + com;
  }
  if (dep == "2A" || dep == "2B") return dep + com;
  const int dep_number = all_digits(dep) && dep.size() <= 2 ? std::stoi(dep) : -1;
  if (dep_number < 1 || dep_number > 95 || dep_number == 20) {
    return fail("département '" + departement + "' is not a metropolitan code (01-95, 2A, 2B) nor 9A-9F/971-976");
  }
  return std::string(2 - dep.size(), '0') + dep + com;
}

FinessExtract read_finess(const std::string& path, const FinessSelection& selection) {
  return geo::with_error_context("file " + path, [&] {
    FinessExtract out;
    out.path = path;
    struct Closer {
      void operator()(VSILFILE* f) const { VSIFCloseL(f); }
    };
    std::unique_ptr<VSILFILE, Closer> fp(VSIFOpenL(path.c_str(), "rb"));
    if (!fp) throw Error("file not found or not readable (a FINESS extract etalab-cs1100507-stock-*.csv is expected)");

    std::vector<FinessEstablishment> structures;
    std::unordered_map<std::string, GeoRecord> geo_by_number;
    std::map<std::string, std::pair<std::uint64_t, std::size_t>> unknown_tags;  // tag -> count, first line
    std::uint64_t recoded_lines = 0, padded_codes = 0;
    std::size_t line_no = 0;
    auto where = [&](std::size_t line) { return "file " + path + ", line " + std::to_string(line); };

    while (const char* raw = CPLReadLineL(fp.get())) {
      ++line_no;
      bool recoded = false;
      std::string line = geo::to_utf8(raw, &recoded);
      if (recoded) ++recoded_lines;
      if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);  // UTF-8 byte-order mark
      if (line_no == 1) {
        const auto head = tokenize(line);
        if (head.size() < 2 || head[0] != "finess" || head[1] != "etalab") {
          throw Error("not a FINESS extract: line 1 is '" + line.substr(0, 80) +
                      "', expected 'finess;etalab;<version>;<date>' (Etalab file etalab-cs1100507-stock-*.csv)");
        }
        out.version = head.size() > 2 ? head[2] : "";
        out.date = head.size() > 3 ? head[3] : "";
        continue;
      }
      if (trim(line).empty()) continue;
      auto f = tokenize(line);
      const std::string tag = f.empty() ? "" : f[0];
      if (tag == "structureet") {
        ++out.structure_lines;
        if (f.size() != kFinessStructureFieldCount) {
          out.diagnostics.push_back({Severity::Error, "finess-field-count", where(line_no),
                                     "structureet line has " + std::to_string(f.size()) + " fields, " +
                                         std::to_string(kFinessStructureFieldCount) + " expected; line skipped" +
                                         (f.size() > 1 ? " (FINESS " + f[1] + ")" : "")});
          continue;
        }
        FinessEstablishment e;
        e.line = line_no;
        for (auto& v : f) v = trim(v);
        e.fields = std::move(f);
        structures.push_back(std::move(e));
      } else if (tag == "geolocalisation") {
        ++out.geolocation_lines;
        if (f.size() < 6) {
          out.diagnostics.push_back({Severity::Error, "finess-field-count", where(line_no),
                                     "geolocalisation line has " + std::to_string(f.size()) +
                                         " fields, at least 6 expected (tag, nofinesset, coordxet, coordyet, "
                                         "sourcecoordet, datemaj); line skipped"});
          continue;
        }
        GeoRecord g;
        g.line = line_no;
        g.x = f[2];
        g.y = f[3];
        for (std::size_t k = 4; k + 1 < f.size(); ++k) g.crs_text += (k > 4 ? "," : "") + f[k];
        const std::string number = trim(f[1]);
        if (!geo_by_number.try_emplace(number, g).second) {
          out.diagnostics.push_back({Severity::Warning, "finess-duplicate", where(line_no),
                                     "second geolocalisation for FINESS " + number + "; the first (line " +
                                         std::to_string(geo_by_number[number].line) + ") is kept"});
        }
      } else {
        auto& u = unknown_tags[tag];
        if (u.first++ == 0) u.second = line_no;
      }
    }
    out.lines = line_no;
    if (line_no == 0) throw Error("empty file: not a FINESS extract (line 1 'finess;etalab;<version>;<date>' expected)");
    for (const auto& [tag, u] : unknown_tags) {
      out.diagnostics.push_back({Severity::Warning, "finess-unknown-line", where(u.second),
                                 std::to_string(u.first) + " line(s) of type '" + tag +
                                     "' (neither structureet nor geolocalisation) ignored; first at this line"});
    }
    if (recoded_lines) {
      out.recoded = true;
      out.diagnostics.push_back({Severity::Warning, "encoding-converted", "file " + path,
                                 std::to_string(recoded_lines) +
                                     " line(s) not UTF-8: read as Windows-1252 and converted"});
    }

    // Selection, commune codes, geolocation.
    std::map<std::string, std::unique_ptr<geo::CrsTransform>> to_wgs84;  // by CRS; null: refused by PROJ
    std::map<std::string, std::unique_ptr<geo::CrsTransform>> to_lambert93;
    std::set<std::string> numbers;
    auto selected = [&](const FinessEstablishment& e) {
      const auto& c = selection.categories;
      const auto& j = selection.legal_entities;
      return (c.empty() || std::find(c.begin(), c.end(), e.category()) != c.end()) &&
             (j.empty() || std::find(j.begin(), j.end(), e.legal_entity()) != j.end());
    };
    for (auto& e : structures) {
      const std::string id = "FINESS " + e.number();
      if (!numbers.insert(e.number()).second) {
        out.diagnostics.push_back({Severity::Warning, "finess-duplicate", where(e.line),
                                   "second structureet line for " + id + "; the first is kept"});
        continue;
      }
      if (!selected(e)) continue;
      std::string problem;
      e.commune_code = finess_commune_code(e.value("departement"), e.value("commune"), &problem);
      if (e.commune_code.empty()) {
        out.diagnostics.push_back({Severity::Warning, "finess-bad-commune", where(e.line),
                                   id + ": no INSEE commune code: " + problem});
      } else if (e.value("commune").size() < 3 || e.value("departement").size() < 2) {
        ++padded_codes;
      }
      const auto g = geo_by_number.find(e.number());
      if (g == geo_by_number.end()) {
        out.diagnostics.push_back({Severity::Warning, "finess-without-geolocation", where(e.line),
                                   id + " (" + e.display_name() + ") has no geolocalisation line; not located"});
      } else {
        e.geo_line = g->second.line;
        e.crs_text = g->second.crs_text;
        e.crs = finess_crs_from_text(e.crs_text);
        const auto x = parse_coordinate(g->second.x), y = parse_coordinate(g->second.y);
        if (!x || !y) {
          out.diagnostics.push_back({Severity::Warning, "finess-bad-coordinates", where(e.geo_line),
                                     id + ": coordinates '" + g->second.x + "', '" + g->second.y +
                                         "' are not numbers; not located"});
        } else if (e.crs.empty()) {
          out.diagnostics.push_back({Severity::Warning, "finess-unknown-crs", where(e.geo_line),
                                     id + ": sourcecoordet '" + e.crs_text +
                                         "' names no EPSG code (nor LAMBERT_93); not located"});
        } else {
          auto [it, fresh] = to_wgs84.try_emplace(e.crs);
          if (fresh) {
            try {
              it->second = std::make_unique<geo::CrsTransform>(e.crs, geo::kWgs84);
            } catch (const Error&) {
              it->second.reset();
            }
          }
          double lon = *x, lat = *y;
          if (!it->second) {
            out.diagnostics.push_back({Severity::Warning, "finess-unknown-crs", where(e.geo_line),
                                       id + ": " + e.crs + " (from '" + e.crs_text + "') is unknown to PROJ; not located"});
          } else if (!it->second->transform(lon, lat) || !std::isfinite(lon) || !std::isfinite(lat)) {
            out.diagnostics.push_back({Severity::Warning, "finess-bad-coordinates", where(e.geo_line),
                                       id + ": coordinates " + g->second.x + ", " + g->second.y + " cannot be transformed from " +
                                           e.crs + "; not located"});
          } else {
            e.located = true;
            e.x = *x;
            e.y = *y;
            e.lon = lon;
            e.lat = lat;
            if (e.crs == geo::kLambert93) {
              e.metropolitan = true;
              e.point = {*x, *y};  // the published values, exactly
            } else if (in_metropolitan_france(lon, lat)) {
              // A metropolitan site published in another CRS: to Lambert-93 through PROJ.
              double px = *x, py = *y;
              auto [l93, fresh93] = to_lambert93.try_emplace(e.crs);
              if (fresh93) l93->second = std::make_unique<geo::CrsTransform>(e.crs, geo::kLambert93);
              if (l93->second->transform(px, py) && std::isfinite(px) && std::isfinite(py)) {
                e.metropolitan = true;
                e.point = {px, py};
              }
            }
          }
        }
      }
      out.establishments.push_back(std::move(e));
    }
    std::uint64_t orphans = 0;
    std::size_t first_orphan = 0;
    for (const auto& [number, g] : geo_by_number) {
      if (numbers.count(number)) continue;
      ++orphans;
      if (!first_orphan || g.line < first_orphan) first_orphan = g.line;
    }
    if (orphans) {
      out.diagnostics.push_back({Severity::Warning, "finess-orphan-geolocation", where(first_orphan),
                                 std::to_string(orphans) +
                                     " geolocalisation line(s) name a FINESS number without structureet line; "
                                     "ignored (first at this line)"});
    }
    if (padded_codes) {
      out.diagnostics.push_back({Severity::Warning, "code-padded", "file " + path,
                                 std::to_string(padded_codes) +
                                     " selected establishment(s) had departement/commune codes without their leading "
                                     "zeros (a copy re-saved by a spreadsheet?); padded"});
    }
    return out;
  });
}

}  // namespace recompose::planner::offer
