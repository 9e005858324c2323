#include "planner/offer/urgent_care.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
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

namespace {

using geo::parse_number;  // French numbers (geo/number_text.hpp)

}  // namespace

UrgentCareList read_urgent_care_list(const UrgentCareListSpec& spec, const std::string& path) {
  return geo::with_error_context("urgent-care list", [&] {
    UrgentCareList out;
    out.path = path;
    const auto layers = geo::with_error_context("file " + path, [&] { return geo::list_layers(path); });
    const geo::LayerInfo* info = nullptr;
    for (const auto& l : layers) {
      if (spec.layer.layer.empty() || l.name == spec.layer.layer) {
        info = &l;
        break;
      }
    }
    if (!info) throw Error("file " + path + ": no layer '" + spec.layer.layer + "'");
    auto has = [&](const std::string& f) {
      return !f.empty() && std::find(info->fields.begin(), info->fields.end(), f) != info->fields.end();
    };
    const bool with_number = has(spec.finess_field);
    const bool with_point = has(spec.lon_field) && has(spec.lat_field);
    if (!with_number && !with_point) {
      std::string fields;
      for (const auto& f : info->fields) fields += (fields.empty() ? "" : ", ") + f;
      throw Error("file " + path + ": neither the FINESS column '" + spec.finess_field + "' nor the coordinate columns '" +
                  spec.lon_field + "'/'" + spec.lat_field + "' (fields: " + fields + ")");
    }
    geo::ReadOptions o;
    o.layer = info->name;
    o.read_geometry = false;
    o.optional_fields = {spec.finess_field, spec.lon_field, spec.lat_field, spec.name_field};
    geo::LayerData d = geo::read_layer(path, o);
    out.layer = d.layer;
    out.read = d.features.size();
    out.diagnostics = d.diagnostics;
    const std::string crs = spec.layer.crs.empty() ? std::string(geo::kWgs84) : spec.layer.crs;
    const geo::CrsTransform to_l93(crs, geo::kLambert93);
    for (const auto& f : d.features) {
      UrgentCareRow row;
      row.where = d.where(f);
      row.fid = f.fid;
      row.name = trim(f.values[3]);
      std::string number = with_number ? trim(f.values[0]) : "";
      if (number.size() > 2 && number.ends_with(".0") && all_digits(number.substr(0, number.size() - 2))) {
        number.resize(number.size() - 2);
      }
      if (all_digits(number) && number.size() < 9) {
        const std::string padded = std::string(9 - number.size(), '0') + number;
        out.diagnostics.push_back({Severity::Warning, "code-padded", row.where,
                                   "FINESS number '" + number + "' restored to '" + padded + "' (leading zeros lost)"});
        number = padded;
      }
      row.finess = number;
      if (with_point) {
        const std::string& xs = f.values[1];
        const std::string& ys = f.values[2];
        const auto x = parse_number(xs), y = parse_number(ys);
        if (x && y) {
          double px = *x, py = *y;
          if (to_l93.transform(px, py) && std::isfinite(px) && std::isfinite(py)) {
            row.point = geo::PointM{px, py};
          } else {
            out.diagnostics.push_back({Severity::Warning, "bad-coordinates", row.where,
                                       "coordinates " + xs + ", " + ys + " cannot be transformed from " + crs});
          }
        } else if (!trim(xs).empty() || !trim(ys).empty()) {
          out.diagnostics.push_back({Severity::Warning, "bad-coordinates", row.where,
                                     "coordinates '" + xs + "', '" + ys + "' are not numbers; point ignored"});
        }
      }
      out.rows.push_back(std::move(row));
    }
    return out;
  });
}

UrgentCareOutcome apply_urgent_care_list(const UrgentCareList& list, const UrgentCareListSpec& spec,
                                         const std::vector<std::string>& id_prefixes,
                                         const CommuneLocator& commune_at, Territory& t,
                                         geo::Diagnostics& diagnostics) {
  UrgentCareOutcome out;
  // Facility ids without their prefix -> facility indices.
  std::unordered_map<std::string, std::vector<std::size_t>> by_number;
  std::set<std::string> prefixes(id_prefixes.begin(), id_prefixes.end());
  prefixes.insert("");
  for (std::size_t i = 0; i < t.facilities.size(); ++i) {
    const std::string& id = t.facilities[i].id;
    for (const auto& p : prefixes) {
      if (id.size() > p.size() && id.starts_with(p)) {
        auto& v = by_number[id.substr(p.size())];
        if (std::find(v.begin(), v.end(), i) == v.end()) v.push_back(i);
      }
    }
  }
  std::set<std::size_t> flagged;
  std::set<std::string> seen_numbers, ids;
  for (const auto& f : t.facilities) ids.insert(f.id);
  std::vector<Facility> added;
  for (const auto& row : list.rows) {
    if (!row.finess.empty()) {
      if (!seen_numbers.insert(row.finess).second) {
        diagnostics.push_back({Severity::Warning, "urgent-care-duplicate", row.where,
                               "FINESS " + row.finess + " listed twice; counted once"});
        continue;
      }
      if (auto it = by_number.find(row.finess); it != by_number.end()) {
        flagged.insert(it->second.begin(), it->second.end());
        ++out.matched;
        continue;
      }
    }
    if (!row.point) {
      if (row.finess.empty()) {
        diagnostics.push_back({Severity::Warning, "urgent-care-empty-row", row.where,
                               "row gives neither a FINESS number nor a usable point; ignored"});
      } else {
        ++out.not_found;
        out.not_found_numbers.push_back(row.finess);
        diagnostics.push_back({Severity::Warning, "urgent-care-not-found", row.where,
                               "listed FINESS " + row.finess +
                                   " matches no facility of the territory (not imported, or outside it) and the "
                                   "list gives no point for it; not counted"});
      }
      continue;
    }
    const std::string id = "SU-" + (row.finess.empty() ? "L" + std::to_string(row.fid) : row.finess);
    const Commune* c = commune_at(*row.point);
    if (!c) {
      ++out.outside;
      diagnostics.push_back({Severity::Info, "urgent-care-site-outside-territory", row.where,
                             "listed site " + id + (row.name.empty() ? "" : " (" + row.name + ")") +
                                 " lies in none of the territory's communes; not kept"});
      continue;
    }
    if (!ids.insert(id).second) {
      diagnostics.push_back({Severity::Warning, "duplicate-id", row.where, "site id " + id + " already used; ignored"});
      continue;
    }
    Facility fac;
    fac.id = id;
    fac.name = row.name.empty() ? "Site d'urgences " + id : row.name;
    fac.kind = "urgent_care_site";
    fac.commune_code = c->code;
    fac.point = *row.point;
    fac.source = spec.layer.source;
    fac.location_note = "point donné par la liste des sites d'urgences";
    fac.flags["urgent_care"] = true;
    added.push_back(std::move(fac));
    ++out.added;
    if (!row.finess.empty()) {
      diagnostics.push_back({Severity::Info, "urgent-care-site-added", row.where,
                             "listed FINESS " + row.finess + " matches no facility; added as " + id +
                                 " (kind urgent_care_site) at the list's point"});
    }
  }
  for (std::size_t i = 0; i < t.facilities.size(); ++i) t.facilities[i].flags["urgent_care"] = flagged.count(i) > 0;
  for (auto& f : added) t.facilities.push_back(std::move(f));
  for (const auto& f : t.facilities) out.sites += f.flags.at("urgent_care") ? 1 : 0;
  return out;
}

std::string urgent_care_list_assumption(const UrgentCareListSpec& spec, const UrgentCareOutcome& o) {
  std::string s = "Sites d'urgences : liste fournie (`" + spec.layer.path + "`, source : " + spec.layer.source + "), " +
                  std::to_string(o.sites) + " sites retenus (" + std::to_string(o.matched) +
                  " établissements appariés par numéro FINESS, " + std::to_string(o.added) +
                  " sites ajoutés à leurs coordonnées";
  if (o.not_found) s += ", " + std::to_string(o.not_found) + " numéros introuvables dans le territoire";
  if (o.outside) s += ", " + std::to_string(o.outside) + " sites hors du territoire";
  return s + ") ; la règle par catégorie FINESS n'est pas appliquée.";
}

}  // namespace recompose::planner::offer
