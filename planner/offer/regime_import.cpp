#include "planner/offer/regime_import.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "geo/error.hpp"
#include "geo/number_text.hpp"
#include "geo/vector_io.hpp"
#include "planner/format.hpp"

namespace recompose::planner {

using geo::Severity;

namespace {

using geo::parse_number;  // French numbers (geo/number_text.hpp)

std::string pad_code(const std::string& raw, std::size_t width) {
  std::string s = trim(raw);
  if (s.size() > 2 && s.ends_with(".0")) s.resize(s.size() - 2);
  const bool digits = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits && s.size() < width) s = std::string(width - s.size(), '0') + s;
  return s;
}

// Keeps records matching the layer's "where" filter.
void apply_filter(const LayerRef& ref, geo::LayerData& d) {
  if (ref.where.empty()) return;
  std::vector<std::pair<std::size_t, const std::vector<std::string>*>> checks;
  for (const auto& [k, v] : ref.where.equals) checks.emplace_back(d.field(k), &v);
  std::erase_if(d.features, [&](const geo::FeatureRecord& r) {
    for (const auto& [i, accepted] : checks) {
      if (std::find(accepted->begin(), accepted->end(), r.values[i]) == accepted->end()) return true;
    }
    return false;
  });
}

void import_sites(const Manifest& m, const RegimeSitesSpec& s, Territory& t, ImportReport& r) {
  const std::string path = m.regime_path(s.layer.path);
  geo::ReadOptions o;
  o.layer = s.layer.layer;
  o.fields = {s.id, s.type};
  // Optional columns: named in the manifest, and then required in the file.
  std::vector<std::string> named;
  for (const std::string* f : {&s.name, &s.centre, &s.centre_name, &s.commune, &s.pharmacy_status, &s.finess,
                               &s.opening_hours_week, &s.opening_days_week, &s.dental_chairs, &s.patients_mining,
                               &s.patients_other, &s.acts_mining, &s.acts_other}) {
    if (!f->empty()) named.push_back(*f);
  }
  for (const auto& [prof, col] : s.fte) named.push_back(col);
  for (const auto& [k, v] : s.layer.where.equals) named.push_back(k);
  for (const auto& f : named) {
    if (std::find(o.fields.begin(), o.fields.end(), f) == o.fields.end()) o.fields.push_back(f);
  }
  o.read_geometry = true;
  o.x_field = s.x;
  o.y_field = s.y;
  o.assume_crs = s.layer.crs;
  geo::LayerData d = geo::read_layer(path, o);
  const std::uint64_t read = d.features.size();
  apply_filter(s.layer, d);
  auto value = [&](const geo::FeatureRecord& f, const std::string& field) -> std::string {
    return field.empty() ? std::string() : trim(f.values[d.field(field)]);
  };
  // Coordinates missing on a row placed by its commune are not a problem: keep the
  // reader's other diagnostics only.
  std::set<std::int64_t> placed_by_commune;

  std::set<std::string> ids;
  for (const auto& f : t.facilities) ids.insert(f.id);
  const auto& types = regime_site_types();
  const auto& statuses = pharmacy_statuses();
  std::uint64_t kept = 0, outside = 0, at_commune = 0;
  for (auto& f : d.features) {
    const std::string where = d.where(f);
    const std::string raw_id = value(f, s.id);
    if (raw_id.empty()) {
      r.diagnostics.push_back({Severity::Error, "missing-id", where, "regime site without id; skipped"});
      continue;
    }
    if (has_control_char(raw_id)) {
      throw geo::Error(where + ": regime site id '" + printable(raw_id) +
                       "' contains a control character; ids key every output and scenario: correct the file");
    }
    Facility fac;
    RegimeSite site;
    fac.id = s.id_prefix + raw_id;
    site.facility_id = fac.id;
    site.type = value(f, s.type);
    if (std::find(types.begin(), types.end(), site.type) == types.end()) {
      std::string list;
      for (const auto& k : types) list += (list.empty() ? "" : ", ") + k;
      r.diagnostics.push_back({Severity::Warning, "regime-unknown-type", where,
                               "regime site " + fac.id + ": type '" + site.type + "' is not one of " + list +
                                   "; kept as 'autre'"});
      site.type = "autre";
    }
    // Location: the row's point, else its commune's representative point.
    const Commune* commune = nullptr;
    const std::string code = s.commune.empty() ? "" : pad_code(value(f, s.commune), 5);
    if (f.geometry && !f.geometry.empty()) {
      fac.point = f.geometry.is_polygonal() ? f.geometry.point_on_surface() : f.geometry.centroid();
      for (const auto& c : t.communes) {
        if (c.geometry && c.geometry.envelope().contains(fac.point.x_m, fac.point.y_m) &&
            c.geometry.contains(fac.point.x_m, fac.point.y_m)) {
          commune = &c;
          break;
        }
      }
      if (!commune) {
        ++outside;
        r.diagnostics.push_back({Severity::Info, "regime-site-outside-territory", where,
                                 "regime site " + fac.id + " lies in none of the territory's communes; not kept"});
        continue;
      }
      fac.location_note = "coordonnées du fichier du régime";
    } else if (!code.empty()) {
      commune = t.find_commune(code);
      if (!commune || !commune->geometry) {
        ++outside;
        r.diagnostics.push_back({Severity::Info, "regime-site-outside-territory", where,
                                 "regime site " + fac.id + ": commune " + code + " is not in the territory; not kept"});
        continue;
      }
      fac.point = commune->point;
      site.placed_at_commune = true;
      placed_by_commune.insert(f.fid);
      ++at_commune;
      fac.location_note = "point représentatif de la commune " + commune->code + " (site sans coordonnées)";
    } else {
      r.diagnostics.push_back({Severity::Warning, "regime-site-without-location", where,
                               "regime site " + fac.id + " has neither coordinates nor a commune code; not kept"});
      continue;
    }
    site.commune_code = commune->code;
    fac.commune_code = commune->code;
    fac.kind = kRegimeKind;
    fac.category = site.type;
    fac.source = s.layer.source.empty() ? "données du régime minier" : s.layer.source;
    if (m.regime->fictitious) fac.source += " (" + std::string(kFictitiousLabel) + ")";
    site.centre_id = value(f, s.centre);
    if (site.centre_id.empty()) site.centre_id = raw_id;  // a site without a budget unit is its own
    site.centre_name = value(f, s.centre_name);
    if (site.centre_name.empty()) site.centre_name = site.centre_id;
    const std::string name = value(f, s.name);
    fac.name = name.empty() ? site_type_label(site.type) + " — " + commune->name : name;
    site.finess = value(f, s.finess);
    site.pharmacy_status = value(f, s.pharmacy_status);
    if (!site.pharmacy_status.empty() &&
        std::find(statuses.begin(), statuses.end(), site.pharmacy_status) == statuses.end()) {
      r.diagnostics.push_back({Severity::Warning, "regime-unknown-status", where,
                               "regime site " + fac.id + ": pharmacy status '" + site.pharmacy_status +
                                   "' is not one of reservee, ouverture_raisonnee, bilaterale; kept as unknown"});
      site.pharmacy_status.clear();
    }
    auto number = [&](const std::string& field, const char* what) -> double {
      if (field.empty()) return -1;
      const std::string raw = value(f, field);
      if (raw.empty()) return -1;
      const auto v = parse_number(raw);
      if (!v || *v < 0) {
        r.diagnostics.push_back({Severity::Warning, "regime-bad-number", where,
                                 "regime site " + fac.id + ": " + what + " '" + raw +
                                     "' is not a number >= 0; kept as unknown"});
        return -1;
      }
      return *v;
    };
    for (const auto& [prof, col] : s.fte) {
      const double v = number(col, ("FTE of " + prof).c_str());
      if (v >= 0) site.fte[prof] = v;
    }
    site.opening_hours_week = number(s.opening_hours_week, "weekly opening hours");
    site.opening_days_week = number(s.opening_days_week, "opening days per week");
    if (site.opening_hours_week > 168 || site.opening_days_week > 7) {
      r.diagnostics.push_back({Severity::Warning, "regime-bad-number", where,
                               "regime site " + fac.id + ": opening hours or days beyond a week; kept as unknown"});
      site.opening_hours_week = site.opening_days_week = -1;
    }
    site.dental_chairs = number(s.dental_chairs, "dental chairs");
    site.activity.patients_mining = number(s.patients_mining, "mining patients");
    site.activity.patients_other = number(s.patients_other, "other-regime patients");
    site.activity.acts_mining = number(s.acts_mining, "mining acts");
    site.activity.acts_other = number(s.acts_other, "other-regime acts");
    fac.flags["mining_regime"] = true;
    for (const auto& flag : regime_service_flags(site.type, site.fte)) fac.flags[flag] = true;
    if (!ids.insert(fac.id).second) {
      r.diagnostics.push_back({Severity::Warning, "duplicate-id", where,
                               "facility id " + fac.id + " already used; the first is kept"});
      continue;
    }
    t.facilities.push_back(std::move(fac));
    t.regime.sites.push_back(std::move(site));
    ++kept;
  }
  for (const auto& diag : d.diagnostics) {
    const bool about_placed = std::any_of(placed_by_commune.begin(), placed_by_commune.end(), [&](std::int64_t fid) {
      return diag.where.find("feature " + std::to_string(fid)) != std::string::npos;
    });
    if (!about_placed) r.diagnostics.push_back(diag);
  }
  r.layers.push_back({"régime minier : sites", path, d.layer, d.source_crs, read, kept,
                      std::to_string(at_commune) + " placés au point représentatif de leur commune, " +
                          std::to_string(outside) + " hors du territoire" +
                          (m.regime->fictitious ? " — " + std::string(kFictitiousLabel) : "")});
  t.regime.sites_source = s.layer.source;
  t.regime.activity_year = s.activity_year;
  t.sources.push_back({"régime minier : sites", path,
                       s.layer.source + (m.regime->fictitious ? " — " + std::string(kFictitiousLabel) : "")});
}

void import_affiliates(const Manifest& m, const AffiliatesSpec& a, Territory& t, ImportReport& r) {
  const std::string path = m.regime_path(a.layer.path);
  geo::ReadOptions o;
  o.layer = a.layer.layer;
  o.fields = {a.code, a.count};
  for (const auto& [band, col] : a.age_bands) o.fields.push_back(col);
  for (const auto& [k, v] : a.layer.where.equals) {
    if (std::find(o.fields.begin(), o.fields.end(), k) == o.fields.end()) o.fields.push_back(k);
  }
  o.read_geometry = false;
  geo::LayerData d = geo::read_layer(path, o);
  const std::uint64_t read = d.features.size();
  apply_filter(a.layer, d);

  const std::size_t nu = t.units.size();
  RegimeData& rd = t.regime;
  rd.affiliates.assign(nu, 0.0);
  for (const auto& [band, col] : a.age_bands) rd.age_bands.push_back(band);
  rd.affiliates_by_age.assign(rd.age_bands.size(), std::vector<double>(nu, 0.0));
  rd.affiliates_year = a.year;
  rd.affiliates_level = a.level;
  rd.affiliates_source = a.layer.source;

  std::map<std::string, std::vector<std::size_t>> units_of;  // commune or IRIS code -> units
  for (std::size_t u = 0; u < nu; ++u) units_of[a.level == "commune" ? t.units[u].commune_code : t.units[u].code].push_back(u);

  JoinReport join{a.level == "commune" ? "affiliés par commune -> unités (au prorata de la population)"
                                       : "affiliés par IRIS -> unités",
                  0, 0, {}, ""};
  double outside_total = 0;
  std::uint64_t kept = 0, equal_split = 0;
  std::set<std::string> seen;
  for (const auto& f : d.features) {
    const std::string where = d.where(f);
    const std::string code = pad_code(f.values[0], a.level == "commune" ? 5 : 9);
    std::vector<double> counts;
    bool bad = false;
    for (std::size_t k = 1; k < f.values.size() && k <= 1 + a.age_bands.size(); ++k) {
      const auto v = parse_number(f.values[k]);
      if (!v && (trim(f.values[k]).empty() || geo::is_no_data_marker(f.values[k]))) {
        r.diagnostics.push_back({Severity::Warning, "regime-bad-count", where,
                                 "affiliates of " + code + ": '" + f.values[k] + "' is no value; row skipped"});
        bad = true;
        break;
      }
      if (!v || *v < 0) {
        throw geo::Error(where + ": affiliates of " + code + ": '" + f.values[k] +
                         "' is not a number >= 0 (French forms are read: 1 234, 12,5); correct the file and import again");
      }
      counts.push_back(*v);
    }
    if (bad) continue;
    if (!seen.insert(code).second) {
      r.diagnostics.push_back({Severity::Warning, "regime-duplicate-code", where,
                               "affiliates of " + code + " given twice; the first row is kept"});
      continue;
    }
    auto it = units_of.find(code);
    if (it == units_of.end()) {
      ++join.unmatched;
      outside_total += counts[0];
      if (join.unmatched_examples.size() < 5) join.unmatched_examples.push_back(code);
      continue;
    }
    ++join.matched;
    ++kept;
    double pop = 0;
    for (std::size_t u : it->second) pop += t.units[u].population;
    if (pop <= 0) ++equal_split;
    for (std::size_t u : it->second) {
      const double share = pop > 0 ? t.units[u].population / pop : 1.0 / static_cast<double>(it->second.size());
      rd.affiliates[u] += counts[0] * share;
      for (std::size_t b = 0; b < rd.age_bands.size(); ++b) rd.affiliates_by_age[b][u] += counts[b + 1] * share;
    }
  }
  join.note = "codes absents du territoire : " + std::to_string(join.unmatched) + " (" +
              std::to_string(static_cast<long long>(std::llround(outside_total))) + " affiliés, ignorés)";
  r.joins.push_back(join);
  if (join.unmatched > 0) {
    r.diagnostics.push_back({Severity::Info, "regime-affiliates-outside", path,
                             std::to_string(join.unmatched) + " " + a.level + " codes with " +
                                 std::to_string(static_cast<long long>(std::llround(outside_total))) +
                                 " affiliates are not in the territory; ignored"});
  }
  if (a.level == "commune") {
    rd.affiliates_method =
        "affiliés donnés par commune, répartis entre les IRIS de la commune au prorata de leur population "
        "(population réconciliée) : hypothèse d'une part d'affiliés uniforme dans la commune";
    if (equal_split) rd.affiliates_method += " ; " + std::to_string(equal_split) + " communes sans population : parts égales";
  } else {
    rd.affiliates_method = "affiliés donnés par IRIS";
  }
  rd.affiliates_method += " (" + std::to_string(a.year) + ")";
  t.assumptions.push_back("Affiliés du régime minier : " + rd.affiliates_method + ".");
  r.layers.push_back({"régime minier : affiliés", path, d.layer, "", read, kept,
                      join.note + (m.regime->fictitious ? " — " + std::string(kFictitiousLabel) : "")});
  t.sources.push_back({"régime minier : affiliés", path,
                       a.layer.source + (m.regime->fictitious ? " — " + std::string(kFictitiousLabel) : "")});
}

}  // namespace

void import_regime(const Manifest& m, Territory& t, ImportReport& r) {
  if (!m.regime) return;
  t.regime = RegimeData{};
  t.regime.fictitious = m.regime->fictitious;
  geo::with_error_context("manifest " + m.path + ", regime", [&] {
    if (m.regime->sites) import_sites(m, *m.regime->sites, t, r);
    if (m.regime->affiliates) import_affiliates(m, *m.regime->affiliates, t, r);
    return 0;
  });
  if (t.regime.fictitious) {
    t.assumptions.push_back("Régime minier : " + std::string(kFictitiousLabel) + ".");
  }
}

}  // namespace recompose::planner
