// The mining regime's own offer and demand, brought by the planner (not open data):
// its sites (centres de santé, antennes, pharmacies...) with their budget unit
// ("centre", the seeds' "gestion budgétaire"), team in full-time equivalents by
// profession, opening hours, dental chairs and yearly activity; and its
// affiliates per unit.
//
// Every regime site is also a Facility of the territory (kind "regime_site", flag
// "mining_regime", plus one flag per service it offers: "regime_gp",
// "regime_dentist"...), so it is routed, snapped and edited by scenarios like any
// facility; the attributes below are kept beside it, keyed by the facility id, and
// persisted in territory.json ("regime").
//
// A value the planner did not give is unknown (-1, or an absent profession in
// `fte`): an indicator that needs it says so instead of guessing.
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace recompose::planner {

inline constexpr const char* kRegimeKind = "regime_site";
// Shown on every map, table and report built from fictitious regime data.
inline constexpr const char* kFictitiousLabel = "données fictives d'exemple — à remplacer par les données de la CARMI";

// Professions of a team (keys of RegimeSite::fte and of the manifest's "fte" map).
const std::vector<std::string>& regime_professions();  // gp, specialist, dentist, nurse, physio, midwife, pharmacist, other
std::string profession_label(const std::string& code);  // "médecin généraliste"...
// Site types (values of the sites layer's type column).
const std::vector<std::string>& regime_site_types();
std::string site_type_label(const std::string& type);
// Health centres and their secondary sites (centre_* and antenne): the sites UFTs,
// critical size and affiliates' allocation are about. Not pharmacies, labs, opticians.
bool is_centre_type(const std::string& type);
// Pharmacy status values: reservee, ouverture_raisonnee, bilaterale.
const std::vector<std::string>& pharmacy_statuses();
std::string pharmacy_status_label(const std::string& status);

struct RegimeActivity {
  double patients_mining = -1, patients_other = -1;  // distinct patients in the year; -1 unknown
  double acts_mining = -1, acts_other = -1;          // acts in the year; -1 unknown
};

struct RegimeSite {
  std::string facility_id;  // key into Territory::facilities
  std::string centre_id, centre_name;  // the budget unit
  std::string type;                    // one of regime_site_types()
  std::string pharmacy_status;         // pharmacies only; "" unknown
  std::string finess;                  // "" when it has none
  std::string commune_code;
  bool placed_at_commune = false;  // no coordinates: at the commune's representative point
  std::map<std::string, double> fte;  // profession -> FTE; an absent profession is unknown
  double opening_hours_week = -1, opening_days_week = -1, dental_chairs = -1;
  RegimeActivity activity;
};

struct RegimeData {
  bool fictitious = false;
  std::string sites_source, affiliates_source;
  int activity_year = 0, affiliates_year = 0;
  std::string affiliates_level;   // "commune" or "iris"; "" when no affiliates
  std::string affiliates_method;  // how unit counts were obtained, for reports
  std::vector<RegimeSite> sites;
  // Affiliates per unit, in Territory::units order; empty when none were given.
  std::vector<double> affiliates;
  std::vector<std::string> age_bands;                // optional bands ("60-74", "75+"...)
  std::vector<std::vector<double>> affiliates_by_age;  // [band][unit]

  [[nodiscard]] bool present() const { return !sites.empty() || !affiliates.empty(); }
  [[nodiscard]] bool has_affiliates() const { return !affiliates.empty(); }
  [[nodiscard]] const RegimeSite* site(const std::string& facility_id) const;
  [[nodiscard]] std::string label() const { return fictitious ? kFictitiousLabel : ""; }
};

// The services a site offers, as facility flags ("regime_gp", "regime_pharmacy",
// "regime_centre"...): professions with FTE > 0; when the team is unknown, those
// its type implies (a centre dentaire offers "regime_dentist"...).
std::vector<std::string> regime_service_flags(const std::string& type, const std::map<std::string, double>& fte);
// The service flag of a profession ("regime_gp") and its French label.
std::string service_flag(const std::string& profession);
std::string service_label(const std::string& flag);

// territory.json persistence (affiliates keyed by unit code).
nlohmann::json regime_to_json(const RegimeData& r, const std::vector<std::string>& unit_codes);
RegimeData regime_from_json(const nlohmann::json& j, const std::vector<std::string>& unit_codes,
                            const std::string& where);

}  // namespace recompose::planner
