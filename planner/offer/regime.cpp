#include "planner/offer/regime.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "geo/error.hpp"

namespace recompose::planner {

namespace {

const std::map<std::string, std::string>& profession_labels() {
  static const std::map<std::string, std::string> m = {
      {"gp", "médecin généraliste"},   {"specialist", "médecin spécialiste"}, {"dentist", "chirurgien-dentiste"},
      {"nurse", "infirmier"},          {"physio", "masseur-kinésithérapeute"}, {"midwife", "sage-femme"},
      {"pharmacist", "pharmacien"},    {"other", "autre professionnel"}};
  return m;
}

const std::map<std::string, std::string>& type_labels() {
  static const std::map<std::string, std::string> m = {
      {"centre_polyvalent", "centre de santé polyvalent"},
      {"centre_medical", "centre de santé médical"},
      {"centre_dentaire", "centre de santé dentaire"},
      {"centre_infirmier", "centre de soins infirmiers"},
      {"centre_specialise", "centre de médecine spécialisée"},
      {"antenne", "antenne / point de consultation secondaire"},
      {"pharmacie", "pharmacie minière"},
      {"laboratoire", "laboratoire"},
      {"optique", "optique"},
      {"autre", "autre structure"}};
  return m;
}

}  // namespace

const std::vector<std::string>& regime_professions() {
  static const std::vector<std::string> v = {"gp", "specialist", "dentist", "nurse", "physio", "midwife", "pharmacist", "other"};
  return v;
}

std::string profession_label(const std::string& code) {
  auto it = profession_labels().find(code);
  return it == profession_labels().end() ? code : it->second;
}

const std::vector<std::string>& regime_site_types() {
  static const std::vector<std::string> v = {"centre_polyvalent", "centre_medical", "centre_dentaire", "centre_infirmier",
                                             "centre_specialise", "antenne",        "pharmacie",       "laboratoire",
                                             "optique",           "autre"};
  return v;
}

std::string site_type_label(const std::string& type) {
  auto it = type_labels().find(type);
  return it == type_labels().end() ? type : it->second;
}

bool is_centre_type(const std::string& type) { return type.rfind("centre_", 0) == 0 || type == "antenne"; }

const std::vector<std::string>& pharmacy_statuses() {
  static const std::vector<std::string> v = {"reservee", "ouverture_raisonnee", "bilaterale"};
  return v;
}

std::string pharmacy_status_label(const std::string& s) {
  if (s == "reservee") return "réservée aux affiliés";
  if (s == "ouverture_raisonnee") return "ouverture raisonnée";
  if (s == "bilaterale") return "ouverture bilatérale";
  return s.empty() ? "statut inconnu" : s;
}

const RegimeSite* RegimeData::site(const std::string& facility_id) const {
  for (const auto& s : sites) {
    if (s.facility_id == facility_id) return &s;
  }
  return nullptr;
}

std::string service_flag(const std::string& profession) { return "regime_" + profession; }

std::string service_label(const std::string& flag) {
  if (flag == kRegimeKind) return "site du régime minier (tout professionnel)";
  if (flag == "regime_centre") return "centre de santé minier";
  if (flag == "regime_pharmacy") return "pharmacie minière (site du régime)";  // not the pharmacy layer's mining_pharmacy
  if (flag == "regime_lab") return "laboratoire minier";
  if (flag == "regime_optics") return "optique minière";
  if (flag.rfind("regime_", 0) == 0) return profession_label(flag.substr(7)) + " (régime minier)";
  return flag;
}

std::vector<std::string> regime_service_flags(const std::string& type, const std::map<std::string, double>& fte) {
  std::vector<std::string> out;
  if (is_centre_type(type)) out.push_back("regime_centre");
  if (type == "pharmacie") out.push_back("regime_pharmacy");
  if (type == "laboratoire") out.push_back("regime_lab");
  if (type == "optique") out.push_back("regime_optics");
  bool any_known = false;
  for (const auto& p : regime_professions()) {
    if (p == "pharmacist" || p == "other") continue;  // pharmacies are their own service
    auto it = fte.find(p);
    if (it == fte.end()) continue;
    any_known = true;
    if (it->second > 0) out.push_back(service_flag(p));
  }
  if (!any_known) {
    // Team unknown: the services the type implies.
    if (type == "centre_polyvalent") {
      out.push_back(service_flag("gp"));
      out.push_back(service_flag("nurse"));
    } else if (type == "centre_medical" || type == "antenne") {
      out.push_back(service_flag("gp"));
    } else if (type == "centre_dentaire") {
      out.push_back(service_flag("dentist"));
    } else if (type == "centre_infirmier") {
      out.push_back(service_flag("nurse"));
    } else if (type == "centre_specialise") {
      out.push_back(service_flag("specialist"));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

nlohmann::json num(double v) { return v < 0 ? nlohmann::json() : nlohmann::json(v); }
double num_of(const nlohmann::json& j, const char* k) {
  return j.contains(k) && j[k].is_number() ? j[k].get<double>() : -1.0;
}

}  // namespace

nlohmann::json regime_to_json(const RegimeData& r, const std::vector<std::string>& unit_codes) {
  nlohmann::ordered_json j;
  j["fictitious"] = r.fictitious;
  j["sites_source"] = r.sites_source;
  j["affiliates_source"] = r.affiliates_source;
  j["activity_year"] = r.activity_year;
  j["affiliates_year"] = r.affiliates_year;
  j["affiliates_level"] = r.affiliates_level;
  j["affiliates_method"] = r.affiliates_method;
  j["sites"] = nlohmann::json::array();
  for (const auto& s : r.sites) {
    nlohmann::ordered_json o;
    o["facility_id"] = s.facility_id;
    o["centre_id"] = s.centre_id;
    o["centre_name"] = s.centre_name;
    o["type"] = s.type;
    o["pharmacy_status"] = s.pharmacy_status;
    o["finess"] = s.finess;
    o["commune_code"] = s.commune_code;
    o["placed_at_commune"] = s.placed_at_commune;
    o["fte"] = s.fte;
    o["opening_hours_week"] = num(s.opening_hours_week);
    o["opening_days_week"] = num(s.opening_days_week);
    o["dental_chairs"] = num(s.dental_chairs);
    o["patients_mining"] = num(s.activity.patients_mining);
    o["patients_other"] = num(s.activity.patients_other);
    o["acts_mining"] = num(s.activity.acts_mining);
    o["acts_other"] = num(s.activity.acts_other);
    j["sites"].push_back(o);
  }
  if (r.has_affiliates()) {
    j["age_bands"] = r.age_bands;
    nlohmann::ordered_json a = nlohmann::ordered_json::object();
    for (std::size_t u = 0; u < unit_codes.size() && u < r.affiliates.size(); ++u) {
      if (r.affiliates[u] == 0) {
        bool any = false;
        for (const auto& band : r.affiliates_by_age) any |= band[u] != 0;
        if (!any) continue;
      }
      nlohmann::ordered_json v = nlohmann::ordered_json::array();
      v.push_back(r.affiliates[u]);
      for (const auto& band : r.affiliates_by_age) v.push_back(band[u]);
      a[unit_codes[u]] = v;
    }
    j["affiliates"] = a;
  }
  return nlohmann::json::parse(j.dump());
}

RegimeData regime_from_json(const nlohmann::json& j, const std::vector<std::string>& unit_codes,
                            const std::string& where) {
  RegimeData r;
  try {
    r.fictitious = j.value("fictitious", false);
    r.sites_source = j.value("sites_source", "");
    r.affiliates_source = j.value("affiliates_source", "");
    r.activity_year = j.value("activity_year", 0);
    r.affiliates_year = j.value("affiliates_year", 0);
    r.affiliates_level = j.value("affiliates_level", "");
    r.affiliates_method = j.value("affiliates_method", "");
    for (const auto& o : j.value("sites", nlohmann::json::array())) {
      RegimeSite s;
      s.facility_id = o.value("facility_id", "");
      s.centre_id = o.value("centre_id", "");
      s.centre_name = o.value("centre_name", "");
      s.type = o.value("type", "");
      s.pharmacy_status = o.value("pharmacy_status", "");
      s.finess = o.value("finess", "");
      s.commune_code = o.value("commune_code", "");
      s.placed_at_commune = o.value("placed_at_commune", false);
      s.fte = o.value("fte", std::map<std::string, double>{});
      s.opening_hours_week = num_of(o, "opening_hours_week");
      s.opening_days_week = num_of(o, "opening_days_week");
      s.dental_chairs = num_of(o, "dental_chairs");
      s.activity.patients_mining = num_of(o, "patients_mining");
      s.activity.patients_other = num_of(o, "patients_other");
      s.activity.acts_mining = num_of(o, "acts_mining");
      s.activity.acts_other = num_of(o, "acts_other");
      r.sites.push_back(std::move(s));
    }
    if (j.contains("affiliates")) {
      r.age_bands = j.value("age_bands", std::vector<std::string>{});
      r.affiliates.assign(unit_codes.size(), 0.0);
      r.affiliates_by_age.assign(r.age_bands.size(), std::vector<double>(unit_codes.size(), 0.0));
      std::map<std::string, std::size_t> index;
      for (std::size_t u = 0; u < unit_codes.size(); ++u) index[unit_codes[u]] = u;
      for (const auto& [code, v] : j["affiliates"].items()) {
        auto it = index.find(code);
        if (it == index.end()) throw geo::Error(where + ": regime affiliates of unknown unit " + code);
        r.affiliates[it->second] = v.at(0).get<double>();
        for (std::size_t b = 0; b < r.age_bands.size() && b + 1 < v.size(); ++b) {
          r.affiliates_by_age[b][it->second] = v.at(b + 1).get<double>();
        }
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw geo::Error(where + ": regime data: " + e.what());
  }
  return r;
}

}  // namespace recompose::planner
