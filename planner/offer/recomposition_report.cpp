// Index:
//   [SECTION] parameters and their sources
//   [SECTION] sites_regime.csv / .geojson and uft.csv
//   [SECTION] centres.csv
//   [SECTION] affilies.csv
//   [SECTION] rapport.md section and summary.json
#include "planner/offer/recomposition_report.hpp"

#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "geo/error.hpp"
#include "geo/vector_io.hpp"
#include "planner/format.hpp"

namespace recompose::planner {

namespace fs = std::filesystem;
using geo::FieldDef;
using geo::FieldType;
using geo::FieldValue;

namespace {

const FieldValue& kNull = geo::kNullField;

std::string num_text(double v, int decimals = 1) { return std::isnan(v) ? "—" : fr_number(v, decimals); }
std::string pct(double share) { return std::isnan(share) ? "—" : fr_number(100 * share, 1) + " %"; }
nlohmann::ordered_json jnum(double v) { return std::isnan(v) || v < -0.5 ? nlohmann::ordered_json() : nlohmann::ordered_json(v); }

// Professions known on at least one site: the team columns of the outputs.
std::vector<std::string> team_professions(const Territory& t) {
  std::set<std::string> s;
  for (const auto& site : t.regime.sites) {
    for (const auto& [p, v] : site.fte) s.insert(p);
  }
  std::vector<std::string> out;
  for (const auto& p : regime_professions()) {
    if (s.count(p)) out.push_back(p);
  }
  return out;
}

FieldValue fte_value(const std::map<std::string, double>& fte, const std::string& p) {
  auto it = fte.find(p);
  return it == fte.end() ? kNull : FieldValue(it->second);
}

std::string profession_short(const std::string& p) {
  static const std::map<std::string, std::string> m = {{"gp", "MG"},      {"specialist", "spé."}, {"dentist", "dent."},
                                                       {"nurse", "IDE"},  {"physio", "kiné"},     {"midwife", "SF"},
                                                       {"pharmacist", "pharm."}, {"other", "autres"}};
  auto it = m.find(p);
  return it == m.end() ? p : it->second;
}

// "MG 3 · inf. 2 · dent. ? " : FTE by profession, "?" when unknown.
std::string team_text(const std::map<std::string, double>& fte, const std::set<std::string>& unknown) {
  std::string s;
  for (const auto& p : regime_professions()) {
    auto it = fte.find(p);
    if (it != fte.end() && it->second > 0) {
      s += (s.empty() ? "" : " · ") + profession_short(p) + " " +
           fr_number(it->second, it->second == std::floor(it->second) ? 0 : 1);
    } else if (unknown.count(p)) {
      s += (s.empty() ? "" : " · ") + profession_short(p) + " ?";
    }
  }
  return s.empty() ? "—" : s;
}

std::string uft_of(const Recomposition& r, int uft) { return uft < 0 ? "" : r.ufts[static_cast<std::size_t>(uft)].id; }

}  // namespace

// [SECTION] parameters and their sources

std::vector<std::string> recomposition_parameter_notes(const EvalParams& p) {
  const RegimeParams& r = p.regime;
  std::vector<std::string> v;
  v.push_back("Taille critique : au moins " + fr_number(r.critical_gp_fte, 1) +
              " ETP de médecin généraliste par centre (gestion budgétaire) offrant de la médecine générale "
              "(`--critical-gp`). Source : « trois médecins au minimum par structure », objectif NPDC « de quarante-huit "
              "[centres] aujourd'hui à une vingtaine » (seed 003 l.4) ; « taille critique insuffisante » (000 l.92), "
              "regroupement « afin d'atteindre une taille critique » (000 l.724). Les seeds parlent de médecins, "
              "Recompose compte des ETP.");
  std::string profs;
  for (const auto& pr : r.inter_replacement_professions) profs += (profs.empty() ? "" : ", ") + profession_label(pr);
  v.push_back("Inter-remplacement : au moins " + fr_number(r.inter_replacement_min_fte, 1) + " ETP de chaque " +
              (profs.empty() ? std::string("profession de soins présente dans le centre")
                             : "profession présente parmi : " + profs) +
              " (`--inter-replacement`, `--inter-replacement-professions`). Source : centres "
              "« comprenant un nombre de médecins et d'infirmiers permettant l'inter remplacement » (001 l.150-153), "
              "« systématisation de l'inter-remplacement » (002 l.1377) ; le seuil de 2 est un choix de Recompose "
              "(les seeds n'en donnent pas).");
  v.push_back("Ouverture : au moins " + fr_number(r.opening_min_hours_per_day, 1) +
              " heures par jour (`--opening-hours`), heures hebdomadaires divisées par les jours d'ouverture du "
              "fichier, ou par " +
              fr_number(r.opening_days_per_week, 0) +
              " jours quand il n'en donne pas (`--opening-days`). Source : « condition minimale de 8 heures "
              "d'ouverture quotidienne » de l'accord national (002 l.1544, l.1554). Un centre la remplit si l'un de "
              "ses sites la remplit.");
  std::string rule = r.uft_rule == "temps"       ? "temps routier d'au plus " + fr_number(r.uft_max_min) + " min dans un sens ou dans l'autre"
                     : r.uft_rule == "distance" ? "distance à vol d'oiseau d'au plus " + fr_number(r.uft_max_km) + " km"
                                                : "temps d'au plus " + fr_number(r.uft_max_min) + " min ou distance d'au plus " +
                                                      fr_number(r.uft_max_km) + " km";
  v.push_back("UFT : deux centres sont liés quand deux de leurs sites sont à un " + rule +
              " (`--uft-rule temps|distance|temps_ou_distance`, `--uft-minutes`, `--uft-km`) ; " +
              (r.uft_grouping == "complet"
                   ? std::string("une UFT est un groupe de centres tous liés deux à deux (regroupement par lien complet, "
                                 "les plus proches d'abord ; `--uft-grouping complet`)")
                   : std::string("une UFT est un groupe connexe de centres liés, de proche en proche (`--uft-grouping "
                                 "connexe` ; dans un bassin dense, la chaîne peut couvrir tout le bassin : "
                                 "`--uft-grouping complet` exige que tous les centres d'une UFT soient liés deux à deux)")) +
              ". Source : « centres distants d'une dizaine de km ou nécessitant une quinzaine "
              "de minutes en voiture » (002 l.1583-1587) : les seeds donnent les deux critères ; Recompose retient par "
              "défaut le temps routier, qu'il calcule.");
  v.push_back("Rayon d'action : " + fr_number(r.rayon_action_min) +
              " min de route jusqu'au site du régime le plus proche, quel qu'il soit (`--rayon-action`). Source : "
              "les « 3 800 bénéficiaires de la SSM de Fer et Sel habitant hors du rayon d'action de tout "
              "professionnel de santé minier » (004 l.308), sans seuil ; Recompose reprend les « quinze minutes » du "
              "rayon d'action des UFT (002 l.1585-1587).");
  std::string decline = "baisse de " + fr_number(100 * p.affiliate_decline_per_year, 1) + " % par an";
  if (!r.decline_series.empty()) {
    decline += " sauf pour les années de la série donnée (";
    bool first = true;
    for (const auto& [y, rate] : r.decline_series) {
      decline += (first ? "" : ", ") + std::to_string(y) + " : " + fr_number(100 * rate, 1) + " %";
      first = false;
    }
    decline += ")";
  }
  v.push_back("Projection des affiliés : " + decline + " (`--affiliate-decline`, `--decline-series`), horizon " +
              (r.horizon_year > 0 ? std::to_string(r.horizon_year) : "année des affiliés + " + std::to_string(p.projection_years)) +
              " (`--horizon`). Source : population minière qui « se réduit de 5 % par an » (003 l.4) ; « diminution "
              "naturelle du nombre d'affiliés miniers » (000 l.103) ; 136 000 bénéficiaires en 2015 (002 l.1902).");
  v.push_back("Patients à recruter : " + fr_number(p.recruitment_multiplier, 1) + " × affiliés perdus (fourchette " +
              fr_number(r.recruitment_multiplier_low, 1) + " à " + fr_number(r.recruitment_multiplier_high, 1) +
              ", `--recruitment-multiplier`, `--recruitment-range`), affiliés rattachés au centre de santé minier le "
              "plus proche. Source : « chaque centre doit "
              "« recruter » à terme 2 à 4 nouveaux patients pour un affilié du régime minier pour maintenir au niveau "
              "actuel son activité » (000 l.701-705).");
  v.push_back(std::string("Décompte des centres : par gestion budgétaire (un centre peut avoir plusieurs sites), ") +
              (r.count_dental_centres ? "centres dentaires compris (comparable aux 150 centres de 000 l.29 et aux 155 "
                                        "de 002 l.481-485)"
                                      : "hors centres dentaires (comparable aux 130 centres « polyvalents, médicaux et "
                                        "infirmiers » de 000 l.112)") +
              " (`--centres-sans-dentaire`). Les seeds donnent 130, 150 ou 155 selon le périmètre et la date.");
  v.push_back("Taux d'ouverture : part des patients et des actes des autres régimes dans l'activité du site ou du "
              "centre (2012 : 18,6 % des actes en médecine générale, 35,9 % en spécialités, 48,9 % en dentaire, "
              "000 l.115-117, l.157).");
  return v;
}

RecompositionOutputs write_recomposition(const Territory& t, const Scenario& scenario, const EvalParams& p,
                                         const Evaluation& before, const Evaluation& after,
                                         const std::string& out_dir) {
  RecompositionOutputs out;
  const Recomposition& rb = before.recomposition;
  const Recomposition& ra = after.recomposition;
  if (!ra.present) return out;
  auto path = [&](const std::string& name) { return (fs::path(out_dir) / name).string(); };
  const bool fict = t.regime.fictitious;
  const std::string warn = fict ? kFictitiousLabel : "données du régime minier";
  const std::vector<std::string> profs = team_professions(t);
  const bool road = after.model == TimeModel::Road;

  // [SECTION] sites_regime.csv / .geojson and uft.csv
  {
    std::vector<FieldDef> fields = {{"id", FieldType::String},          {"avertissement", FieldType::String},
                                    {"nom", FieldType::String},         {"centre", FieldType::String},
                                    {"nom_centre", FieldType::String},  {"type", FieldType::String},
                                    {"type_libelle", FieldType::String}, {"statut_pharmacie", FieldType::String},
                                    {"finess", FieldType::String},      {"code_commune", FieldType::String},
                                    {"localisation", FieldType::String}, {"etat_avant", FieldType::String},
                                    {"etat_apres", FieldType::String},  {"changement", FieldType::String},
                                    {"services_apres", FieldType::String}};
    for (const auto& pr : profs) {
      fields.push_back({"etp_" + pr + "_avant", FieldType::Real});
      fields.push_back({"etp_" + pr + "_apres", FieldType::Real});
    }
    for (const char* f : {"heures_semaine", "heures_par_jour", "fauteuils_dentaires", "patients_mines_apres",
                          "patients_autres_apres", "actes_mines_apres", "actes_autres_apres",
                          "part_autres_regimes_patients_apres", "part_autres_regimes_actes_apres"}) {
      fields.push_back({f, FieldType::Real});
    }
    fields.push_back({"ouverture_8h", FieldType::String});
    for (const char* f : {"affilies_rattaches_avant", "affilies_rattaches_apres", "affilies_rattaches_horizon_apres"}) {
      fields.push_back({f, FieldType::Real});
    }
    fields.push_back({"uft_avant", FieldType::String});
    fields.push_back({"uft_apres", FieldType::String});
    geo::VectorWriter gj(path("sites_regime.geojson"), geo::VectorFormat::GeoJson);
    geo::VectorWriter csv(path("sites_regime.csv"), geo::VectorFormat::Csv);
    geo::VectorWriter uft(path("uft.csv"), geo::VectorFormat::Csv);
    const std::string desc = "Sites du régime minier avant / après" + (fict ? " — " + std::string(kFictitiousLabel) : "");
    gj.begin_layer("sites_regime", geo::GeometryKind::Point, fields, desc);
    csv.begin_layer("sites_regime", geo::GeometryKind::None, fields);
    uft.begin_layer("uft", geo::GeometryKind::None,
                    {{"id", FieldType::String}, {"avertissement", FieldType::String}, {"nom", FieldType::String},
                     {"centre", FieldType::String}, {"uft_avant", FieldType::String}, {"uft_apres", FieldType::String},
                     {"regle", FieldType::String}});
    const std::string rule = p.regime.uft_rule + " (" + fr_number(p.regime.uft_max_min) + " min / " +
                             fr_number(p.regime.uft_max_km) + " km), groupes " + p.regime.uft_grouping;
    // One row per id: a relocated site is written once, before at its old position.
    const FacilityRows rows = facility_rows(after.facilities);
    for (const auto& sf : ra.sites) {
      if (!rows.written[sf.facility]) continue;
      const FacilityState& f = after.facilities[sf.facility];
      const std::size_t b = rows.first[sf.facility];
      const bool in_before = b < before.facilities.size() && before.facilities[b].id == f.id;
      const FacilityState* fb = in_before ? &before.facilities[b] : nullptr;
      const RegimeSiteFigures* sb = in_before ? rb.site_of(b) : nullptr;
      std::string services;
      for (const auto& [k, v] : f.flags) {
        if (v && k.rfind("regime_", 0) == 0) services += (services.empty() ? "" : ",") + k;
      }
      std::vector<FieldValue> row = {f.id,
                                     warn,
                                     f.name,
                                     f.site.centre_id,
                                     f.site.centre_name,
                                     f.site.type,
                                     site_type_label(f.site.type),
                                     f.site.type == "pharmacie" ? pharmacy_status_label(f.site.pharmacy_status) : std::string(),
                                     f.site.finess,
                                     f.site.commune_code,
                                     std::string(f.is_new_site ? "nouveau site du scénario"
                                                 : f.site.placed_at_commune ? "point représentatif de la commune"
                                                                            : "coordonnées du fichier"),
                                     fb ? FieldValue(std::string(fb->open ? "ouvert" : "fermé")) : FieldValue(std::string("absent")),
                                     std::string(f.open ? "ouvert" : "fermé"),
                                     f.change,
                                     services};
      for (const auto& pr : profs) {
        row.push_back(fb ? fte_value(fb->site.fte, pr) : kNull);
        row.push_back(f.open ? fte_value(f.site.fte, pr) : kNull);
      }
      row.push_back(geo::real_if(f.site.opening_hours_week >= 0, f.site.opening_hours_week));
      row.push_back(geo::real_or_null(sf.hours_per_day));
      row.push_back(geo::real_if(f.site.dental_chairs >= 0, f.site.dental_chairs));
      for (double v : {f.site.activity.patients_mining, f.site.activity.patients_other, f.site.activity.acts_mining,
                       f.site.activity.acts_other}) {
        row.push_back(geo::real_if(v >= 0, v));
      }
      row.push_back(geo::real_or_null(sf.other_share_patients));
      row.push_back(geo::real_or_null(sf.other_share_acts));
      row.push_back(check_label(sf.opening));
      row.push_back(sb ? FieldValue(sb->affiliates_now) : kNull);
      row.push_back(sf.affiliates_now);
      row.push_back(sf.affiliates_horizon);
      row.push_back(sb ? uft_of(rb, sb->uft) : std::string());
      row.push_back(uft_of(ra, sf.uft));
      const geo::Geometry pt = geo::Geometry::point(f.point.x_m, f.point.y_m);
      gj.write(row, &pt);
      csv.write(row);
      uft.write({f.id, warn, f.name, f.site.centre_id, sb ? uft_of(rb, sb->uft) : std::string(), uft_of(ra, sf.uft), rule});
    }
    gj.commit();
    csv.commit();
    uft.commit();
  }

  // [SECTION] centres.csv
  std::vector<std::string> centre_ids;
  for (const auto* r : {&rb, &ra}) {
    for (const auto& c : r->centres) {
      if (std::find(centre_ids.begin(), centre_ids.end(), c.id) == centre_ids.end()) centre_ids.push_back(c.id);
    }
  }
  {
    std::vector<FieldDef> fields = {{"centre", FieldType::String},      {"avertissement", FieldType::String},
                                    {"nom", FieldType::String},         {"etat_avant", FieldType::String},
                                    {"etat_apres", FieldType::String},  {"nb_sites_avant", FieldType::Integer},
                                    {"nb_sites_apres", FieldType::Integer}, {"centre_de_sante", FieldType::String},
                                    {"dentaire_seul", FieldType::String}};
    for (const auto& pr : profs) {
      fields.push_back({"etp_" + pr + "_avant", FieldType::Real});
      fields.push_back({"etp_" + pr + "_apres", FieldType::Real});
    }
    for (const char* f : {"taille_critique_avant", "taille_critique_apres", "inter_remplacement_avant",
                          "inter_remplacement_apres", "professions_sous_seuil_apres", "ouverture_8h_avant",
                          "ouverture_8h_apres"}) {
      fields.push_back({f, FieldType::String});
    }
    for (const char* f : {"fauteuils_dentaires_apres", "part_autres_regimes_patients_avant",
                          "part_autres_regimes_patients_apres", "part_autres_regimes_actes_avant",
                          "part_autres_regimes_actes_apres", "affilies_rattaches_avant", "affilies_rattaches_apres",
                          "affilies_horizon_apres", "affilies_perdus_apres", "patients_a_recruter_bas_apres",
                          "patients_a_recruter_apres", "patients_a_recruter_haut_apres"}) {
      fields.push_back({f, FieldType::Real});
    }
    fields.push_back({"annee_affilies", FieldType::Integer});
    fields.push_back({"annee_horizon", FieldType::Integer});
    fields.push_back({"uft_avant", FieldType::String});
    fields.push_back({"uft_apres", FieldType::String});
    geo::VectorWriter csv(path("centres.csv"), geo::VectorFormat::Csv);
    csv.begin_layer("centres", geo::GeometryKind::None, fields);
    for (const auto& id : centre_ids) {
      const CentreFigures* b = rb.centre(id);
      const CentreFigures* a = ra.centre(id);
      const CentreFigures& any = a ? *a : *b;
      auto state = [](const CentreFigures* c) {
        return c == nullptr ? std::string("absent") : c->sites.empty() ? std::string("fermé") : std::string("ouvert");
      };
      auto open = [](const CentreFigures* c) { return c && !c->sites.empty(); };
      std::vector<FieldValue> row = {id,
                                     warn,
                                     any.name,
                                     state(b),
                                     state(a),
                                     static_cast<std::int64_t>(b ? b->sites.size() : 0),
                                     static_cast<std::int64_t>(a ? a->sites.size() : 0),
                                     std::string(any.is_centre ? "oui" : "non"),
                                     std::string(any.dental_only ? "oui" : "non")};
      for (const auto& pr : profs) {
        row.push_back(open(b) ? fte_value(b->fte, pr) : kNull);
        row.push_back(open(a) ? fte_value(a->fte, pr) : kNull);
      }
      row.push_back(b ? check_label(b->critical_size) : std::string());
      row.push_back(a ? check_label(a->critical_size) : std::string());
      row.push_back(b ? check_label(b->inter_replacement) : std::string());
      row.push_back(a ? check_label(a->inter_replacement) : std::string());
      std::string shorts;
      if (a) {
        for (const auto& s : a->short_professions) shorts += (shorts.empty() ? "" : ",") + s;
      }
      row.push_back(shorts);
      row.push_back(b ? check_label(b->opening) : std::string());
      row.push_back(a ? check_label(a->opening) : std::string());
      row.push_back(open(a) ? geo::real_if(a->dental_chairs >= 0, a->dental_chairs) : kNull);
      row.push_back(open(b) ? geo::real_or_null(b->other_share_patients) : kNull);
      row.push_back(open(a) ? geo::real_or_null(a->other_share_patients) : kNull);
      row.push_back(open(b) ? geo::real_or_null(b->other_share_acts) : kNull);
      row.push_back(open(a) ? geo::real_or_null(a->other_share_acts) : kNull);
      const bool aff = ra.has_affiliates;
      row.push_back(aff && b ? FieldValue(b->affiliates_now) : kNull);
      row.push_back(aff && a ? FieldValue(a->affiliates_now) : kNull);
      row.push_back(aff && a ? FieldValue(a->affiliates_horizon) : kNull);
      row.push_back(aff && a ? FieldValue(a->affiliates_lost) : kNull);
      row.push_back(aff && a ? FieldValue(a->recruit_low) : kNull);
      row.push_back(aff && a ? FieldValue(a->recruit) : kNull);
      row.push_back(aff && a ? FieldValue(a->recruit_high) : kNull);
      row.push_back(aff ? FieldValue(static_cast<std::int64_t>(ra.base_year)) : kNull);
      row.push_back(aff ? FieldValue(static_cast<std::int64_t>(ra.horizon_year)) : kNull);
      row.push_back(b ? uft_of(rb, b->uft) : std::string());
      row.push_back(a ? uft_of(ra, a->uft) : std::string());
      csv.write(row);
    }
    csv.commit();
  }

  // [SECTION] affilies.csv
  if (ra.has_affiliates) {
    std::vector<FieldDef> fields = {{"code_iris", FieldType::String},     {"avertissement", FieldType::String},
                                    {"nom", FieldType::String},           {"code_commune", FieldType::String},
                                    {"nom_commune", FieldType::String},   {"niveau_source", FieldType::String},
                                    {"annee_affilies", FieldType::Integer}, {"affilies", FieldType::Real},
                                    {"annee_horizon", FieldType::Integer}, {"affilies_horizon", FieldType::Real}};
    for (const auto& band : t.regime.age_bands) fields.push_back({"affilies_" + band, FieldType::Real});
    for (const char* f : {"rattachement", "site_plus_proche_avant", "site_plus_proche_apres"}) fields.push_back({f, FieldType::String});
    for (const char* f : {"t_site_avant_min", "t_site_apres_min", "d_site_min"}) fields.push_back({f, FieldType::Real});
    for (const char* f : {"centre_rattachement_avant", "centre_rattachement_apres", "hors_rayon_avant", "hors_rayon_apres"}) {
      fields.push_back({f, FieldType::String});
    }
    geo::VectorWriter csv(path("affilies.csv"), geo::VectorFormat::Csv);
    csv.begin_layer("affilies", geo::GeometryKind::None, fields);
    const int tb = before.target_index(kRegimeKind), ta = after.target_index(kRegimeKind);
    const auto rayon_ds = static_cast<geo::Deciseconds>(std::llround(p.regime.rayon_action_min * 600.0));
    const CommuneIndex communes(t);
    for (std::size_t u = 0; u < t.units.size(); ++u) {
      const Unit& unit = t.units[u];
      const Commune* c = communes.find(unit.commune_code);
      const bool off = road && !unit.snap.result.ok();
      auto nearest = [&](const Evaluation& e, int ti) -> std::pair<std::string, geo::Deciseconds> {
        if (ti < 0 || off) return {"", kNoAccess};
        const std::int32_t f = e.nearest_facility[static_cast<std::size_t>(ti)][u];
        return {f < 0 ? "" : e.facilities[static_cast<std::size_t>(f)].id, e.nearest_time[static_cast<std::size_t>(ti)][u]};
      };
      const auto [idb, db] = nearest(before, tb);
      const auto [ida, da] = nearest(after, ta);
      auto minutes = [](geo::Deciseconds d) { return d == kNoAccess ? kNull : FieldValue(geo::deciseconds_to_minutes(d)); };
      auto centre = [&](const Recomposition& r) {
        const std::int32_t ci = r.unit_centre.empty() ? -1 : r.unit_centre[u];
        return ci < 0 ? std::string() : r.centres[static_cast<std::size_t>(ci)].id;
      };
      auto outside = [&](geo::Deciseconds d) {
        return off ? std::string(kOffNetworkLabel) : (d == kNoAccess || d > rayon_ds) ? std::string("oui") : std::string("non");
      };
      std::vector<FieldValue> row = {unit.code,
                                     warn,
                                     unit.name,
                                     unit.commune_code,
                                     c ? c->name : std::string(),
                                     t.regime.affiliates_level,
                                     static_cast<std::int64_t>(ra.base_year),
                                     t.regime.affiliates[u],
                                     static_cast<std::int64_t>(ra.horizon_year),
                                     ra.affiliates_horizon[u]};
      for (std::size_t b = 0; b < t.regime.age_bands.size(); ++b) row.push_back(t.regime.affiliates_by_age[b][u]);
      row.push_back(std::string(!road ? "sans réseau (vol d'oiseau)" : off ? kOffNetworkLabel : "rattachée"));
      row.push_back(idb);
      row.push_back(ida);
      row.push_back(minutes(db));
      row.push_back(minutes(da));
      row.push_back(db != kNoAccess && da != kNoAccess
                        ? FieldValue(geo::deciseconds_to_minutes(da) - geo::deciseconds_to_minutes(db))
                        : kNull);
      row.push_back(centre(rb));
      row.push_back(centre(ra));
      row.push_back(outside(db));
      row.push_back(outside(da));
      csv.write(row);
    }
    csv.commit();
  }

  // [SECTION] rapport.md section and summary.json
  std::ostringstream r;
  nlohmann::ordered_json& s = out.summary;
  r << "\n## Recomposition de l'offre du régime minier\n\n";
  if (fict) {
    r << "> **⚠ " << kFictitiousLabel << ".** Les sites, équipes, activités et affiliés de cette section sont "
         "inventés pour la démonstration ; aucun chiffre ci-dessous ne décrit l'offre réelle de Filieris.\n\n";
  }
  s["fictitious"] = fict;
  if (fict) s["label"] = kFictitiousLabel;
  s["sources"] = {{"sites", t.regime.sites_source}, {"affiliates", t.regime.affiliates_source}};
  r << "Sources : sites — " << (t.regime.sites_source.empty() ? "non précisée" : t.regime.sites_source);
  if (t.regime.has_affiliates()) r << " ; affiliés — " << t.regime.affiliates_source << " (" << t.regime.affiliates_year << ")";
  r << ". Détail : `centres.csv`, `sites_regime.csv`/`.geojson`, `uft.csv`"
    << (t.regime.has_affiliates() ? ", `affilies.csv`" : "") << ".\n\n";

  // Key figures.
  auto figures = [&](const Recomposition& x) {
    nlohmann::ordered_json j;
    j["centres_open"] = x.centres_open;
    j["centres_open_dental_only"] = x.centres_open_dental;
    j["centres_counted"] = x.centres_counted;
    j["centres_below_critical_size"] = x.centres_below_critical;
    j["centres_critical_size_unknown"] = x.centres_critical_unknown;
    std::size_t sites_open = 0, inter_no = 0, opening_no = 0;
    for (const auto& sf : x.sites) sites_open += (&x == &ra ? after : before).facilities[sf.facility].open;
    for (const auto& c : x.centres) {
      if (!c.is_centre || c.sites.empty()) continue;
      inter_no += c.inter_replacement == Check::No;
      opening_no += c.opening == Check::No;
    }
    j["sites_open"] = sites_open;
    j["centres_without_inter_replacement"] = inter_no;
    j["centres_below_opening_hours"] = opening_no;
    j["ufts"] = x.ufts.size();
    if (x.has_affiliates) {
      j["affiliates"] = x.affiliates_now;
      j["affiliates_year"] = x.base_year;
      j["horizon_year"] = x.horizon_year;
      j["projection_factor"] = x.projection_factor;
      j["affiliates_at_horizon"] = x.affiliates_at_horizon;
      j["affiliates_lost"] = x.affiliates_now - x.affiliates_at_horizon;
      j["affiliates_outside_rayon"] = x.affiliates_outside_rayon;
      j["affiliates_off_network"] = x.affiliates_off_network;
      j["affiliates_unallocated"] = x.affiliates_unallocated;
      j["patients_to_recruit"] = {{"low", x.recruit_low}, {"central", x.recruit}, {"high", x.recruit_high}};
      for (const auto& a : x.access) {
        nlohmann::ordered_json aj;
        aj["mean_min"] = jnum(a.mean_min);
        aj["affiliates_no_access"] = a.affiliates_no_access;
        for (const auto& [th, v] : a.beyond) aj["affiliates_beyond_" + std::to_string(static_cast<int>(th)) + "_min"] = v;
        j["access"][a.target] = aj;
      }
    }
    return j;
  };
  s["before"] = figures(rb);
  s["after"] = figures(ra);
  auto arrow = [](double a, double b, int d = 0) { return fr_number(a, d) + " → " + fr_number(b, d); };
  r << "### Chiffres clés (avant → après)\n\n| Indicateur | Valeur |\n|---|---|\n";
  r << "| Centres de santé ouverts (gestions budgétaires" << (p.regime.count_dental_centres ? ", dentaires compris" : ", hors dentaires")
    << ") | " << arrow(static_cast<double>(rb.centres_counted), static_cast<double>(ra.centres_counted)) << " |\n";
  r << "| … dont centres dentaires seuls | " << arrow(static_cast<double>(rb.centres_open_dental), static_cast<double>(ra.centres_open_dental)) << " |\n";
  r << "| Centres sous la taille critique (< " << fr_number(p.regime.critical_gp_fte, 1) << " ETP MG) | "
    << arrow(static_cast<double>(rb.centres_below_critical), static_cast<double>(ra.centres_below_critical))
    << (ra.centres_critical_unknown ? " (+ " + std::to_string(ra.centres_critical_unknown) + " inconnus)" : "") << " |\n";
  r << "| Centres sans inter-remplacement | " << s["before"]["centres_without_inter_replacement"].get<std::size_t>() << " → "
    << s["after"]["centres_without_inter_replacement"].get<std::size_t>() << " |\n";
  r << "| Centres ouverts moins de " << fr_number(p.regime.opening_min_hours_per_day) << " h par jour | "
    << s["before"]["centres_below_opening_hours"].get<std::size_t>() << " → "
    << s["after"]["centres_below_opening_hours"].get<std::size_t>() << " |\n";
  r << "| Unités fonctionnelles de territoire (UFT) | " << rb.ufts.size() << " → " << ra.ufts.size() << " |\n";
  if (ra.has_affiliates) {
    r << "| Affiliés " << ra.base_year << " | " << fr_number(ra.affiliates_now) << " |\n";
    r << "| Affiliés projetés " << ra.horizon_year << " (× " << fr_number(ra.projection_factor, 3) << ") | "
      << fr_number(ra.affiliates_at_horizon) << " |\n";
    r << "| Affiliés hors du rayon d'action (" << fr_number(p.regime.rayon_action_min) << " min) de tout site minier | "
      << arrow(rb.affiliates_outside_rayon, ra.affiliates_outside_rayon) << " |\n";
    r << "| Patients à recruter d'ici " << ra.horizon_year << " pour maintenir l'activité | " << fr_number(ra.recruit)
      << " (fourchette " << fr_number(ra.recruit_low) << " à " << fr_number(ra.recruit_high) << ") |\n";
    if (ra.affiliates_off_network > 0) {
      r << "| Affiliés d'unités hors réseau (ni proches ni éloignés) | " << fr_number(ra.affiliates_off_network) << " |\n";
    }
  }
  if (t.name.find("npdc") != std::string::npos || t.name.find("lens") != std::string::npos) {
    r << "\nRepère : l'objectif cité pour le Nord-Pas-de-Calais est de passer « de quarante-huit [centres] aujourd'hui à "
         "une vingtaine » par regroupement à trois médecins au minimum (seed 003 l.4).\n";
  }

  // Per centre.
  r << "\n### Centres (gestions budgétaires), après scénario\n\n";
  r << "| Centre | Sites | Équipe (ETP) | Taille critique | Inter-remplacement | " << fr_number(p.regime.opening_min_hours_per_day)
    << " h/jour | Taux d'ouverture (patients / actes) | UFT |";
  if (ra.has_affiliates) r << " Affiliés " << ra.base_year << " → " << ra.horizon_year << " | À recruter (" << fr_number(p.regime.recruitment_multiplier_low, 0) << "–" << fr_number(p.regime.recruitment_multiplier_high, 0) << " ×) |";
  r << "\n|---|---:|---|---|---|---|---|---|" << (ra.has_affiliates ? "---:|---:|" : "") << "\n";
  std::vector<const CentreFigures*> others;
  for (const auto& c : ra.centres) {
    if (!c.is_centre && !c.sites.empty()) {
      others.push_back(&c);
      continue;
    }
    if (!c.is_centre) continue;
    if (c.sites.empty()) {
      r << "| " << md_cell(c.name + " (" + c.id + ")") << " | 0 | fermé |  |  |  |  |  |"
        << (ra.has_affiliates ? "  |  |" : "") << "\n";
      continue;
    }
    std::string shorts;
    for (const auto& sp : c.short_professions) shorts += (shorts.empty() ? "" : ", ") + profession_label(sp);
    r << "| " << md_cell(c.name + " (" + c.id + ")") << " | " << c.sites.size() << " | "
      << md_cell(team_text(c.fte, c.fte_unknown)) << " | " << check_label(c.critical_size) << " | "
      << check_label(c.inter_replacement) << md_cell(shorts.empty() ? "" : " (" + shorts + ")") << " | "
      << check_label(c.opening) << " | " << pct(c.other_share_patients) << " / " << pct(c.other_share_acts) << " | "
      << md_cell(uft_of(ra, c.uft)) << " |";
    if (ra.has_affiliates) {
      r << " " << fr_number(c.affiliates_now) << " → " << fr_number(c.affiliates_horizon) << " | " << fr_number(c.recruit)
        << " (" << fr_number(c.recruit_low) << " à " << fr_number(c.recruit_high) << ") |";
    }
    r << "\n";
    nlohmann::ordered_json cj;
    cj["id"] = c.id;
    cj["name"] = c.name;
    cj["sites"] = c.sites.size();
    cj["fte"] = c.fte;
    cj["critical_size"] = check_label(c.critical_size);
    cj["inter_replacement"] = check_label(c.inter_replacement);
    cj["opening"] = check_label(c.opening);
    cj["other_share_patients"] = jnum(c.other_share_patients);
    cj["other_share_acts"] = jnum(c.other_share_acts);
    cj["uft"] = uft_of(ra, c.uft);
    if (ra.has_affiliates) {
      cj["affiliates"] = c.affiliates_now;
      cj["affiliates_at_horizon"] = c.affiliates_horizon;
      cj["patients_to_recruit"] = {{"low", c.recruit_low}, {"central", c.recruit}, {"high", c.recruit_high}};
    }
    s["centres"].push_back(cj);
  }

  r << "\nÉquipes en ETP : MG médecin généraliste, spé. spécialiste, dent. chirurgien-dentiste, IDE infirmier, kiné "
       "masseur-kinésithérapeute, SF sage-femme ; « ? » : non renseigné dans le fichier du régime. Taille critique "
       "« sans objet » : centre sans médecine générale (dentaire, soins infirmiers).\n";
  if (!others.empty()) {
    r << "\nAutres structures du régime (hors centres de santé) : ";
    bool first = true;
    for (const auto* c : others) {
      const FacilityState& f = after.facilities[c->sites.front()];
      r << (first ? "" : " ; ") << c->name << " (" << site_type_label(f.site.type);
      if (f.site.type == "pharmacie") r << ", " << pharmacy_status_label(f.site.pharmacy_status);
      r << ")";
      first = false;
    }
    r << ".\n";
  }

  // UFT.
  r << "\n### Unités fonctionnelles de territoire (après scénario)\n\n";
  r << "Règle : " << recomposition_parameter_notes(p)[3] << "\n\n";
  r << "| UFT | Centres | Sites | Équipe mise en commun (ETP) |\n|---|---|---:|---|\n";
  for (const auto& g : ra.ufts) {
    std::string names;
    for (const auto& id : g.centres) {
      const CentreFigures* c = ra.centre(id);
      names += (names.empty() ? "" : ", ") + (c ? c->name : id);
    }
    r << "| " << md_cell(g.id) << " | " << md_cell(names) << " | " << g.sites.size() << " | "
      << md_cell(team_text(g.fte, g.fte_unknown)) << " |\n";
    s["ufts"].push_back({{"id", g.id}, {"centres", g.centres}, {"sites", g.sites.size()}, {"fte", g.fte}});
  }

  // Affiliates' access.
  if (ra.has_affiliates) {
    r << "\n### Accès des affiliés aux sites du régime (avant → après)\n\n";
    r << "Temps moyen pondéré par les affiliés ; « sans accès » : aucun site dans la limite de calcul (" << fr_number(p.cutoff_min)
      << " min), compté parmi les éloignés. " << t.regime.affiliates_method << ".\n\n";
    r << "| Service | Temps moyen (min) |";
    for (double th : p.regime.thresholds_min) r << " Affiliés à plus de " << fr_number(th) << " min |";
    r << " Sans accès |\n|---|---|";
    for (std::size_t i = 0; i < p.regime.thresholds_min.size(); ++i) r << "---|";
    r << "---|\n";
    std::vector<std::string> services;
    for (const auto* x : {&rb, &ra}) {
      for (const auto& a : x->access) {
        if (std::find(services.begin(), services.end(), a.target) == services.end()) services.push_back(a.target);
      }
    }
    std::sort(services.begin(), services.end());
    for (const auto& sv : services) {
      const ServiceAccess* a0 = nullptr;
      const ServiceAccess* a1 = nullptr;
      for (const auto& a : rb.access) a0 = a.target == sv ? &a : a0;
      for (const auto& a : ra.access) a1 = a.target == sv ? &a : a1;
      auto mean = [](const ServiceAccess* a) { return a ? num_text(a->mean_min) : std::string("—"); };
      r << "| " << md_cell(service_label(sv)) << " | " << mean(a0) << " → " << mean(a1) << " |";
      for (double th : p.regime.thresholds_min) {
        r << " " << (a0 ? fr_number(a0->beyond.at(th)) : "—") << " → " << (a1 ? fr_number(a1->beyond.at(th)) : "—") << " |";
      }
      r << " " << (a0 ? fr_number(a0->affiliates_no_access) : "—") << " → " << (a1 ? fr_number(a1->affiliates_no_access) : "—")
        << " |\n";
    }
    r << "\nAffiliés à l'horizon " << ra.horizon_year << " : " << fr_number(ra.affiliates_now) << " → "
      << fr_number(ra.affiliates_at_horizon) << " (facteur " << fr_number(ra.projection_factor, 4)
      << ", répartition par commune et par IRIS dans `affilies.csv`). ";
    if (ra.affiliates_unallocated > 0) {
      r << fr_number(ra.affiliates_unallocated) << " affiliés n'ont aucun centre de santé minier dans la limite de calcul : "
        << "rattachés à aucun centre. ";
    }
    r << "\n";
  }

  // Effects of each edit.
  const auto effects = edit_effects(t, before, after, scenario, p);
  if (!scenario.edits.empty()) {
    r << "\n### Effet de chaque modification sur les affiliés\n\n";
    if (!ra.has_affiliates) {
      r << "Aucune donnée d'affiliés : effet non calculable.\n";
    } else if (effects.empty()) {
      r << "Aucune modification ne porte sur un site du régime minier.\n";
    } else {
      r << "Affiliés dont le site le plus proche (du service concerné) change, rattachés à la dernière modification qui "
           "a touché le site qu'ils utilisaient.\n\n";
      r << "| Modification | Service | Affiliés changeant de site | Écart moyen (min) | Écart max (min) | Perdant tout accès | "
           "Sortant du rayon d'action |\n|---|---|---:|---:|---:|---:|---:|\n";
      for (const auto& ef : effects) {
        r << "| " << md_cell(ef.label) << " | " << md_cell(service_label(ef.target)) << " | "
          << fr_number(ef.affiliates_changed) << " | "
          << (std::isnan(ef.mean_delta_min) ? "—" : fr_delta(ef.mean_delta_min)) << " | "
          << (std::isnan(ef.max_delta_min) ? "—" : fr_delta(ef.max_delta_min)) << " | " << fr_number(ef.affiliates_lost_access)
          << " | " << fr_number(ef.affiliates_newly_outside_rayon) << " |\n";
        s["edits"].push_back({{"edit", ef.edit + 1},
                              {"label", ef.label},
                              {"service", ef.target},
                              {"affiliates_changing_site", ef.affiliates_changed},
                              {"mean_delta_min", jnum(ef.mean_delta_min)},
                              {"max_delta_min", jnum(ef.max_delta_min)},
                              {"affiliates_losing_access", ef.affiliates_lost_access},
                              {"affiliates_newly_outside_rayon", ef.affiliates_newly_outside_rayon}});
      }
    }
  }

  // Gaps and parameters.
  r << "\n### Paramètres, sources et choix\n\n";
  for (const auto& n : recomposition_parameter_notes(p)) r << "- " << n << "\n";
  std::vector<std::string> gaps;
  std::size_t no_hours = 0, no_activity = 0, placed = 0;
  for (const auto& site : t.regime.sites) {
    no_hours += is_centre_type(site.type) && site.opening_hours_week < 0;
    no_activity += site.activity.acts_mining < 0 || site.activity.acts_other < 0;
    placed += site.placed_at_commune;
  }
  if (placed) gaps.push_back(std::to_string(placed) + " sites sans coordonnées, placés au point représentatif de leur commune.");
  if (no_hours) gaps.push_back(std::to_string(no_hours) + " centres ou antennes sans heures d'ouverture : critère des 8 heures « inconnu ».");
  if (no_activity) gaps.push_back(std::to_string(no_activity) + " sites sans activité par régime : taux d'ouverture inconnu.");
  if (!t.regime.has_affiliates()) gaps.push_back("Aucune donnée d'affiliés : accès, projection et recrutement non calculés.");
  if (!gaps.empty()) {
    r << "\nLacunes des données du régime :\n\n";
    for (const auto& g : gaps) r << "- " << g << "\n";
  }
  s["data_gaps"] = gaps;
  s["parameters"] = {{"critical_gp_fte", p.regime.critical_gp_fte},
                     {"inter_replacement_min_fte", p.regime.inter_replacement_min_fte},
                     {"opening_min_hours_per_day", p.regime.opening_min_hours_per_day},
                     {"opening_days_per_week", p.regime.opening_days_per_week},
                     {"uft_rule", p.regime.uft_rule},
                     {"uft_grouping", p.regime.uft_grouping},
                     {"uft_max_min", p.regime.uft_max_min},
                     {"uft_max_km", p.regime.uft_max_km},
                     {"rayon_action_min", p.regime.rayon_action_min},
                     {"horizon_year", ra.has_affiliates ? ra.horizon_year : p.regime.horizon_year},
                     {"affiliate_decline_per_year", p.affiliate_decline_per_year},
                     {"recruitment_multiplier", p.recruitment_multiplier},
                     {"recruitment_multiplier_low", p.regime.recruitment_multiplier_low},
                     {"recruitment_multiplier_high", p.regime.recruitment_multiplier_high},
                     {"count_dental_centres", p.regime.count_dental_centres}};
  s["parameter_sources"] = recomposition_parameter_notes(p);
  if (fict) r << "\n> **⚠ " << kFictitiousLabel << ".**\n";
  out.markdown = r.str();

  std::ostringstream term;
  term << "  régime minier" << (fict ? " (" + std::string(kFictitiousLabel) + ")" : "") << " : centres "
       << rb.centres_counted << " → " << ra.centres_counted << ", sous la taille critique " << rb.centres_below_critical
       << " → " << ra.centres_below_critical << ", UFT " << rb.ufts.size() << " → " << ra.ufts.size();
  if (ra.has_affiliates) {
    term << ", affiliés hors rayon " << fr_number(rb.affiliates_outside_rayon) << " → " << fr_number(ra.affiliates_outside_rayon)
         << ", patients à recruter d'ici " << ra.horizon_year << " : " << fr_number(ra.recruit) << " ("
         << fr_number(ra.recruit_low) << " à " << fr_number(ra.recruit_high) << ")";
  }
  term << "\n";
  out.terminal = term.str();
  return out;
}

}  // namespace recompose::planner
