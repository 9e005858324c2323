// Index:
//   [SECTION] layers and status
//   [SECTION] quotas
//   [SECTION] scenario effects
//   [SECTION] outputs
//   [SECTION] scenario edits
#include "planner/offer/pharmacies.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "geo/crs.hpp"
#include "geo/error.hpp"
#include "geo/vector_io.hpp"
#include "planner/format.hpp"

namespace recompose::planner::offer {

using geo::Error;
using geo::FieldType;
using geo::FieldValue;
using nlohmann::json;

namespace {

const char* const kFictive = "données fictives d'exemple — à remplacer par les données de la CARMI";
const char* const kOsm = "pharmacies OpenStreetMap 2021, liste non exhaustive";

// Lower-case ASCII with the French accents folded ("Réservée" -> "reservee").
std::string fold(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size()) {
      const unsigned char d = static_cast<unsigned char>(s[++i]);
      if ((d >= 0xA8 && d <= 0xAB) || (d >= 0x88 && d <= 0x8B)) out += 'e';
      else if ((d >= 0xA0 && d <= 0xA5) || (d >= 0x80 && d <= 0x85)) out += 'a';
      else if ((d >= 0xAE && d <= 0xAF) || (d >= 0x8E && d <= 0x8F)) out += 'i';
      else if ((d >= 0xB4 && d <= 0xB6) || (d >= 0x94 && d <= 0x96)) out += 'o';
      else if ((d >= 0xB9 && d <= 0xBC) || (d >= 0x99 && d <= 0x9C)) out += 'u';
      else if (d == 0xA7 || d == 0x87) out += 'c';
      else out += '?';
    } else {
      out += static_cast<char>(std::tolower(c));
    }
  }
  return out;
}

bool routed(const Territory& t, const Evaluation& e, std::size_t u) {
  return e.model != TimeModel::Road || t.units[u].snap.result.ok();
}

geo::Deciseconds time_to(const Evaluation& e, const std::string& target, std::size_t u) {
  const int ti = e.target_index(target);
  return ti < 0 ? kNoAccess : e.nearest_time[static_cast<std::size_t>(ti)][u];
}

std::int32_t nearest_of(const Evaluation& e, const std::string& target, std::size_t u) {
  const int ti = e.target_index(target);
  return ti < 0 ? -1 : e.nearest_facility[static_cast<std::size_t>(ti)][u];
}

// Nearest pharmacy of any kind (liberal or mining): (time, facility index or -1).
std::pair<geo::Deciseconds, std::int32_t> nearest_any(const Evaluation& e, std::size_t u) {
  const geo::Deciseconds a = time_to(e, "pharmacy", u), b = time_to(e, "mining_pharmacy", u);
  if (a == kNoAccess && b == kNoAccess) return {kNoAccess, -1};
  return a <= b ? std::make_pair(a, nearest_of(e, "pharmacy", u)) : std::make_pair(b, nearest_of(e, "mining_pharmacy", u));
}

// Nearest regime site: a mining pharmacy or a facility flagged mining_regime.
geo::Deciseconds regime_time(const Evaluation& e, std::size_t u) {
  return std::min(time_to(e, "mining_pharmacy", u), time_to(e, "mining_regime", u));
}

std::string commune_of(const Territory& t, const FacilityState& f) {
  for (const auto& c : t.communes) {
    if (c.geometry && c.geometry.envelope().contains(f.point.x_m, f.point.y_m) &&
        c.geometry.contains(f.point.x_m, f.point.y_m)) {
      return c.code;
    }
  }
  if (f.base_index >= 0 && !f.is_new_site) return t.facilities[static_cast<std::size_t>(f.base_index)].commune_code;
  return "";
}

std::string source_of(const Territory& t, const FacilityState& f) {
  return f.base_index >= 0 ? t.facilities[static_cast<std::size_t>(f.base_index)].source : "";
}

int index_of(const Evaluation& e, const std::string& id, bool want_new_site) {
  for (std::size_t i = 0; i < e.facilities.size(); ++i) {
    if (e.facilities[i].id == id && e.facilities[i].is_new_site == want_new_site) return static_cast<int>(i);
  }
  return -1;
}

std::string situation(int surplus) {
  return surplus > 0 ? "excédentaire" : surplus == 0 ? "au quota" : "sous le quota";
}

std::string minutes_text(double m) { return std::isnan(m) ? "—" : fr_number(m, 1) + " min"; }

}  // namespace

// [SECTION] layers and status

bool is_mining_pharmacy(const std::string& kind, const std::map<std::string, bool>& flags) {
  if (kind == "mining_pharmacy") return true;
  auto it = flags.find("mining_pharmacy");
  return it != flags.end() && it->second;
}
bool is_mining_pharmacy(const FacilityState& f) { return is_mining_pharmacy(f.kind, f.flags); }
bool is_liberal_pharmacy(const FacilityState& f) { return f.kind == "pharmacy" && !is_mining_pharmacy(f); }

std::string mining_status(const FacilityState& f) {
  const std::string s = fold(f.category);
  if (s.empty() || s.find("reserv") != std::string::npos) return "réservée";
  if (s.find("raisonn") != std::string::npos) return "ouverture raisonnée";
  if (s.find("bilat") != std::string::npos) return "bilatérale";
  throw Error("mining pharmacy " + f.id + " (" + f.name + "): status '" + f.category +
              "' is not one of « réservée », « ouverture raisonnée », « bilatérale »");
}

bool counts_in_quota(const FacilityState& f) {
  if (!f.open) return false;
  if (is_liberal_pharmacy(f)) return true;
  return is_mining_pharmacy(f) && mining_status(f) == "bilatérale";
}

double affiliates_of_unit(const Territory& t, std::size_t unit) {
  // Stand-in until the regime's affiliates per unit exist: the whole population.
  return t.units[unit].population;
}

std::string affiliates_label(const Territory&) {
  return "population (faute du fichier des affiliés du régime minier : toute la population tient lieu d'affiliés)";
}

// [SECTION] quotas

double first_threshold(const std::string& dep, const EvalParams& p) {
  const bool east = dep == "57" || dep == "67" || dep == "68" || dep == "973";
  return east ? p.pharmacy_first_threshold_east : p.pharmacy_first_threshold;
}

int licences_allowed(double population, const std::string& dep, const EvalParams& p) {
  return pharmacy_licences_allowed(population, dep, p);
}

std::string pharmacy_rule_citation(const EvalParams& p) {
  std::ostringstream s;
  if (p.pharmacy_rule == "graines") {
    s << "règle des graines (instance de coordination 2013, graine 000 l. 844-848) : une première officine dans les "
         "communes de plus de "
      << fr_number(p.pharmacy_first_threshold) << " habitants (" << fr_number(p.pharmacy_first_threshold_east)
      << " en Moselle, Bas-Rhin, Haut-Rhin et Guyane), puis une par tranche de " << fr_number(p.pharmacy_tranche)
      << " habitants au-delà (seuils stricts) — n'est plus le droit en vigueur";
  } else {
    s << "Code de la santé publique, article L.5125-4 (ordonnance n° 2018-3 du 3 janvier 2018) : une première licence "
         "quand la population municipale du dernier recensement est au moins égale à "
      << fr_number(p.pharmacy_first_threshold) << " habitants (" << fr_number(p.pharmacy_first_threshold_east)
      << " en Moselle, Bas-Rhin, Haut-Rhin et Guyane), puis une par tranche entière supplémentaire de "
      << fr_number(p.pharmacy_tranche) << " habitants";
  }
  if (p.pharmacy_tranche == 3500) {
    s << " (tranche de 3 500 : diapositive des transferts et regroupements des graines, 000 l. 858-859)";
  }
  return s.str();
}

// [SECTION] scenario effects

SurplusSummary summarise(const std::vector<CommuneQuota>& q, bool only_mining_communes) {
  SurplusSummary s;
  for (const auto& c : q) {
    if (only_mining_communes && !c.holds_mining_baseline) continue;
    ++s.communes;
    if (c.surplus > 0) {
      ++s.over;
      ++s.distribution[c.surplus];
    } else if (c.surplus == 0) {
      ++s.at;
    } else {
      ++s.under;
    }
  }
  return s;
}

PharmacyAnalysis analyse_pharmacies(const Territory& t, const Scenario& s, const Evaluation& before,
                                    const Evaluation& after, const EvalParams& p) {
  PharmacyAnalysis a;
  a.affiliates = affiliates_label(t);
  std::set<std::string> lib_src, min_src;
  for (const auto& f : t.facilities) {
    if (is_mining_pharmacy(f.kind, f.flags)) {
      a.has_mining = true;
      min_src.insert(f.source);
    } else if (f.kind == "pharmacy") {
      a.has_liberal = true;
      lib_src.insert(f.source);
    }
  }
  a.liberal_sources.assign(lib_src.begin(), lib_src.end());
  a.mining_sources.assign(min_src.begin(), min_src.end());
  for (const auto& src : a.liberal_sources) a.osm_liberal |= src.find("OpenStreetMap") != std::string::npos;
  for (const auto& src : a.mining_sources) a.fictive_mining |= fold(src).find("fictiv") != std::string::npos;

  // Communes of every facility of both evaluations (base facilities share indexes).
  auto communes_for = [&](const Evaluation& e) {
    std::vector<std::string> out(e.facilities.size());
    for (std::size_t i = 0; i < e.facilities.size(); ++i) {
      const auto& f = e.facilities[i];
      if (is_mining_pharmacy(f) || f.kind == "pharmacy") out[i] = commune_of(t, f);
    }
    return out;
  };
  const std::vector<std::string> com_b = communes_for(before), com_a = communes_for(after);

  // Licences freed by regroupements, kept in their commune of origin.
  std::map<std::string, int> held;
  for (const auto& ed : s.edits) {
    if (ed.op != "regroup_pharmacies") continue;
    int freed = 0;
    for (const auto& id : ed.facilities) {
      if (id == ed.into) continue;
      const int bi = index_of(before, id, false);
      if (bi < 0) continue;
      if (counts_in_quota(before.facilities[static_cast<std::size_t>(bi)]) && p.pharmacy_regroup_years > 0) {
        ++held[com_b[static_cast<std::size_t>(bi)]];
        ++freed;
      }
    }
    std::ostringstream n;
    n << "Regroupement de " << ed.facilities.size() << " pharmacies dans " << ed.into << " : ";
    if (freed > 0) {
      n << freed << " licence(s) libérée(s) restent décomptées " << p.pharmacy_regroup_years
        << " ans dans leur commune d'origine, plus celle du site de regroupement (graine 000 l. 867-869).";
    } else {
      n << "pharmacies minières hors quota (Conseil d'État, 3 février 1984) : aucune licence libérée à maintenir.";
    }
    a.edit_notes.push_back(n.str());
  }

  auto quotas = [&](const Evaluation& e, const std::vector<std::string>& com, bool with_held) {
    std::vector<CommuneQuota> out;
    std::map<std::string, std::size_t> at;
    for (const auto& c : t.communes) {
      CommuneQuota q;
      q.code = c.code;
      q.name = c.name;
      q.dep = c.dep;
      q.population = c.population;
      q.allowed = licences_allowed(c.population, c.dep, p);
      at[c.code] = out.size();
      out.push_back(q);
    }
    for (std::size_t i = 0; i < e.facilities.size(); ++i) {
      const auto& f = e.facilities[i];
      if (!f.open) continue;
      auto it = at.find(com[i]);
      if (it == at.end()) continue;  // outside the territory's communes
      CommuneQuota& q = out[it->second];
      if (is_liberal_pharmacy(f)) ++q.liberal;
      if (is_mining_pharmacy(f)) {
        ++q.mining;
        if (counts_in_quota(f)) ++q.mining_counted;
      }
    }
    for (std::size_t i = 0; i < before.facilities.size(); ++i) {
      const auto& f = before.facilities[i];
      auto it = at.find(com_b[i]);
      if (f.open && is_mining_pharmacy(f) && it != at.end()) out[it->second].holds_mining_baseline = true;
    }
    for (auto& q : out) {
      if (with_held) {
        auto h = held.find(q.code);
        q.held = h == held.end() ? 0 : h->second;
      }
      q.counted = q.liberal + q.mining_counted + q.held;
      q.surplus = q.counted - q.allowed;
    }
    return out;
  };
  a.before = quotas(before, com_b, false);
  a.after = quotas(after, com_a, true);
  a.all_before = summarise(a.before, false);
  a.all_after = summarise(a.after, false);
  a.mining_before = summarise(a.before, true);
  a.mining_after = summarise(a.after, true);

  // Bilateral openings: does the commune then exceed its quota?
  for (const auto& ed : s.edits) {
    if (ed.op != "open_bilateral") continue;
    const int ai = index_of(after, ed.facilities[0], false);
    if (ai < 0) continue;
    const std::string& code = com_a[static_cast<std::size_t>(ai)];
    for (const auto& q : a.after) {
      if (q.code != code) continue;
      std::ostringstream n;
      n << "Ouverture bilatérale de " << after.facilities[static_cast<std::size_t>(ai)].name << " (" << ed.facilities[0]
        << ") : la pharmacie entre dans le décompte de " << q.name << " (" << q.code << "), " << q.counted
        << " officine(s) décomptée(s) pour " << q.allowed << " licence(s) autorisée(s) → "
        << (q.surplus > 0 ? "la commune dépasse son quota de " + std::to_string(q.surplus)
                          : q.surplus == 0 ? std::string("la commune est au quota, sans le dépasser")
                                           : "la commune reste sous son quota (" + std::to_string(-q.surplus) + " licence(s) disponible(s))")
        << ".";
      a.edit_notes.push_back(n.str());
    }
  }

  // One row per pharmacy of the scenario (base ones keep their index).
  std::map<std::size_t, std::size_t> row_of;  // facility index -> row
  const std::map<std::string, const Commune*> communes = [&] {
    std::map<std::string, const Commune*> m;
    for (const auto& c : t.communes) m[c.code] = &c;
    return m;
  }();
  for (std::size_t i = 0; i < after.facilities.size(); ++i) {
    const auto& f = after.facilities[i];
    if (!is_mining_pharmacy(f) && f.kind != "pharmacy") continue;
    PharmacyRow r;
    r.facility = i;
    r.id = f.id;
    r.name = f.name;
    const bool mining = is_mining_pharmacy(f);
    r.type = mining ? "pharmacie minière" : "officine libérale";
    r.status = mining ? mining_status(f) : "";
    r.commune_code = com_a[i];
    r.point = f.point;
    if (auto it = communes.find(r.commune_code); it != communes.end()) r.commune_name = it->second->name;
    const bool in_before = i < before.facilities.size() && before.facilities[i].id == f.id;
    r.open_before = in_before && before.facilities[i].open;
    r.open_after = f.open;
    r.new_site = f.is_new_site;
    r.counted_after = counts_in_quota(f);
    r.change = f.change;
    r.source = f.base_index >= 0 ? source_of(t, f) : "";
    for (int k = 0; k < 2; ++k) {
      r.liberal_min[k] = r.any_min[k] = r.regime_min[k] = std::nan("");
    }
    row_of[i] = a.pharmacies.size();
    a.pharmacies.push_back(std::move(r));
  }

  // Affiliates of each baseline mining pharmacy, their times before / after.
  struct Acc {
    double w[2][3] = {{0, 0, 0}, {0, 0, 0}}, wm[2][3] = {{0, 0, 0}, {0, 0, 0}};
  };
  std::map<std::size_t, Acc> acc;
  for (double th : p.pharmacy_loss_min) a.lost_within[th] = 0;
  for (std::size_t u = 0; u < t.units.size(); ++u) {
    if (!routed(t, before, u)) continue;
    const double w = affiliates_of_unit(t, u);
    const geo::Deciseconds any_b = nearest_any(before, u).first, any_a = nearest_any(after, u).first;
    for (double th : p.pharmacy_loss_min) {
      const double lim = th * 600.0;
      if (any_b != kNoAccess && static_cast<double>(any_b) <= lim && (any_a == kNoAccess || static_cast<double>(any_a) > lim)) {
        a.lost_within[th] += w;
      }
    }
    const std::int32_t m = nearest_of(before, "mining_pharmacy", u);
    if (m < 0) continue;
    auto it = row_of.find(static_cast<std::size_t>(m));
    if (it == row_of.end()) continue;
    PharmacyRow& r = a.pharmacies[it->second];
    r.affiliates += w;
    Acc& c = acc[it->second];
    const Evaluation* ev[2] = {&before, &after};
    for (int k = 0; k < 2; ++k) {
      const geo::Deciseconds times[3] = {time_to(*ev[k], "pharmacy", u), nearest_any(*ev[k], u).first, regime_time(*ev[k], u)};
      double* none[3] = {&r.liberal_none[k], &r.any_none[k], &r.regime_none[k]};
      for (int j = 0; j < 3; ++j) {
        if (times[j] == kNoAccess) {
          *none[j] += w;
        } else {
          c.w[k][j] += w;
          c.wm[k][j] += w * geo::deciseconds_to_minutes(times[j]);
        }
      }
    }
    for (double th : p.pharmacy_loss_min) {
      const double lim = th * 600.0;
      if (any_b != kNoAccess && static_cast<double>(any_b) <= lim && (any_a == kNoAccess || static_cast<double>(any_a) > lim)) {
        r.lost_within[th] += w;
      }
    }
  }
  for (auto& [ri, c] : acc) {
    PharmacyRow& r = a.pharmacies[ri];
    for (int k = 0; k < 2; ++k) {
      double* means[3] = {&r.liberal_min[k], &r.any_min[k], &r.regime_min[k]};
      for (int j = 0; j < 3; ++j) *means[j] = c.w[k][j] > 0 ? c.wm[k][j] / c.w[k][j] : std::nan("");
    }
  }
  for (auto& r : a.pharmacies) {
    for (double th : p.pharmacy_loss_min) r.lost_within.try_emplace(th, 0.0);
  }

  // Transfers: origin quarter not degraded, receiving quarter served (seeds 000 l.851-853).
  for (const auto& ed : s.edits) {
    if (ed.op != "transfer_pharmacy") continue;
    const int bi = index_of(before, ed.facilities[0], false), ni = index_of(after, ed.facilities[0], true);
    if (bi < 0 || ni < 0) continue;
    PharmacyRow& r = a.pharmacies[row_of.at(static_cast<std::size_t>(ni))];
    r.transfer = true;
    const double lim = p.pharmacy_transfer_threshold_min * 600.0;
    for (std::size_t u = 0; u < t.units.size(); ++u) {
      if (!routed(t, before, u)) continue;
      const double w = t.units[u].population;
      const auto [tb, fb] = nearest_any(before, u);
      const geo::Deciseconds ta = nearest_any(after, u).first;
      if (fb == bi) {
        r.origin_population += w;
        if (static_cast<double>(tb) <= lim && (ta == kNoAccess || static_cast<double>(ta) > lim)) r.origin_degraded += w;
      }
      // Receiving quarter: the units whose nearest mining pharmacy is now the new site.
      if (nearest_of(after, "mining_pharmacy", u) == ni) {
        r.receiving_population += w;
        const geo::Deciseconds tn = time_to(after, "mining_pharmacy", u);
        if (static_cast<double>(tn) <= lim) r.receiving_within += w;
      }
    }
    r.transfer_rule_ok = r.origin_degraded == 0 && r.receiving_within > 0;
    // The closed origin row carries the same verdict.
    PharmacyRow& o = a.pharmacies[row_of.at(static_cast<std::size_t>(bi))];
    o.transfer = true;
    o.origin_population = r.origin_population;
    o.origin_degraded = r.origin_degraded;
    o.receiving_population = r.receiving_population;
    o.receiving_within = r.receiving_within;
    o.transfer_rule_ok = r.transfer_rule_ok;
    std::ostringstream n;
    n << "Transfert de " << r.name << " (" << r.id << ") : quartier d'origine " << fr_number(r.origin_population)
      << " habitants (unités dont c'était la pharmacie la plus proche), dont " << fr_number(r.origin_degraded)
      << " dont la pharmacie la plus proche passe au-delà de "
      << fr_number(p.pharmacy_transfer_threshold_min) << " min ; quartier d'accueil (unités dont le nouveau site est la pharmacie minière la plus proche) "
      << fr_number(r.receiving_population) << " habitants, dont " << fr_number(r.receiving_within) << " à " << fr_number(p.pharmacy_transfer_threshold_min)
      << " min ou moins → condition de transfert " << (r.transfer_rule_ok ? "respectée" : "NON respectée")
      << " (graine 000 l. 851-853).";
    a.edit_notes.push_back(n.str());
  }

  // Effect text per row.
  for (auto& r : a.pharmacies) {
    std::ostringstream e;
    if (!r.change.empty()) e << r.change;
    if (r.type == "pharmacie minière" && r.affiliates > 0 && (r.open_before != r.open_after || r.transfer)) {
      e << (e.tellp() > 0 ? " ; " : "") << "affiliés " << fr_number(r.affiliates) << ", officine libérale la plus proche "
        << minutes_text(r.liberal_min[0]) << " → " << minutes_text(r.liberal_min[1]) << ", pharmacie la plus proche "
        << minutes_text(r.any_min[0]) << " → " << minutes_text(r.any_min[1]);
      for (const auto& [th, w] : r.lost_within) e << ", perdent toute pharmacie à " << fr_number(th) << " min : " << fr_number(w);
    }
    if (r.transfer) e << (e.tellp() > 0 ? " ; " : "") << "règle de transfert " << (r.transfer_rule_ok ? "respectée" : "non respectée");
    r.effect = e.str();
  }
  return a;
}

// [SECTION] outputs

void write_pharmacy_outputs(const Territory& t, const PharmacyAnalysis& a, const EvalParams& p, const std::string& dir) {
  const FieldValue& null = geo::kNullField;
  auto path = [&](const std::string& f) { return dir + "/" + f; };
  auto i64 = [](int v) { return FieldValue(static_cast<std::int64_t>(v)); };
  {
    geo::VectorWriter csv(path("licences_pharmacie.csv"), geo::VectorFormat::Csv);
    csv.begin_layer("licences", geo::GeometryKind::None,
                    {{"code_commune", FieldType::String},
                     {"nom", FieldType::String},
                     {"departement", FieldType::String},
                     {"population", FieldType::Real},
                     {"regle", FieldType::String},
                     {"premier_seuil", FieldType::Real},
                     {"tranche", FieldType::Real},
                     {"licences_autorisees", FieldType::Integer},
                     {"pharmacies_liberales", FieldType::Integer},
                     {"pharmacies_minieres", FieldType::Integer},
                     {"pharmacies_minieres_decomptees", FieldType::Integer},
                     {"licences_maintenues_regroupement", FieldType::Integer},
                     {"officines_decomptees", FieldType::Integer},
                     {"excedent", FieldType::Integer},
                     {"excedent_avant", FieldType::Integer},
                     {"situation", FieldType::String},
                     {"pharmacie_miniere_avant", FieldType::Integer},
                     {"remarque", FieldType::String}});
    for (std::size_t i = 0; i < a.after.size(); ++i) {
      const CommuneQuota& q = a.after[i];
      std::string note;
      if (!a.has_liberal) note = "excédent inconnu : pas de liste de pharmacies libérales pour ce territoire";
      else if (a.osm_liberal) note = kOsm;
      if (q.mining > 0 && a.fictive_mining) note += std::string(note.empty() ? "" : " ; ") + "pharmacies minières : " + kFictive;
      if (q.held > 0) note += std::string(note.empty() ? "" : " ; ") + std::to_string(q.held) + " licence(s) maintenue(s) " +
                              std::to_string(p.pharmacy_regroup_years) + " ans après regroupement";
      const bool known = a.has_liberal;
      csv.write({q.code, q.name, q.dep, q.population, std::string(p.pharmacy_rule == "graines" ? "graines 2013" : "CSP L.5125-4"),
                 first_threshold(q.dep, p), p.pharmacy_tranche, i64(q.allowed), known ? i64(q.liberal) : null,
                 i64(q.mining), i64(q.mining_counted), i64(q.held), known ? i64(q.counted) : null,
                 known ? i64(q.surplus) : null, known ? i64(a.before[i].surplus) : null,
                 known ? FieldValue(situation(q.surplus)) : null, i64(q.holds_mining_baseline ? 1 : 0), note});
    }
    csv.commit();
  }
  std::vector<geo::FieldDef> fields = {{"id", FieldType::String},           {"nom", FieldType::String},
                                       {"type", FieldType::String},         {"statut", FieldType::String},
                                       {"code_commune", FieldType::String}, {"commune", FieldType::String},
                                       {"ouverte_avant", FieldType::Integer}, {"ouverte_apres", FieldType::Integer},
                                       {"nouveau_site", FieldType::Integer}, {"decomptee_quota", FieldType::Integer},
                                       {"changement", FieldType::String},   {"effet", FieldType::String},
                                       {"affilies", FieldType::Real}};
  for (const char* what : {"officine_liberale", "pharmacie", "site_regime"}) {
    for (const char* k : {"avant", "apres"}) fields.push_back({std::string(what) + "_" + k + "_min", FieldType::Real});
  }
  for (double th : p.pharmacy_loss_min) {
    fields.push_back({"affilies_perdant_pharmacie_" + std::to_string(static_cast<int>(th)) + "min", FieldType::Real});
  }
  for (const char* f : {"transfert_pop_origine", "transfert_pop_origine_degradee", "transfert_pop_accueil"}) {
    fields.push_back({f, FieldType::Real});
  }
  fields.push_back({"regle_transfert", FieldType::String});
  fields.push_back({"source", FieldType::String});
  fields.push_back({"avertissement", FieldType::String});
  for (const char* f : {"lon_avant", "lat_avant", "lon_apres", "lat_apres"}) fields.push_back({f, FieldType::Real});
  // One row per id. A transferred mining pharmacy is two rows of the analysis: its
  // origin (closed; it holds the affiliates' figures and the transfer verdict) and its
  // new site. They are written as one row at the new site, with both positions.
  struct Written {
    PharmacyRow row;
    std::optional<geo::PointM> before;  // position before the scenario, when it existed
  };
  std::vector<Written> rows;
  std::map<std::string, std::size_t> row_of_id;
  for (const auto& r : a.pharmacies) {
    const auto [it, fresh] = row_of_id.try_emplace(r.id, rows.size());
    if (fresh) {
      rows.push_back({r, r.new_site ? std::nullopt : std::optional<geo::PointM>(r.point)});
      continue;
    }
    PharmacyRow& m = rows[it->second].row;
    m.facility = r.facility;
    m.status = r.status;
    m.commune_code = r.commune_code;
    m.commune_name = r.commune_name;
    m.point = r.point;
    m.open_after = r.open_after;
    m.new_site = r.new_site;
    m.counted_after = r.counted_after;
  }
  geo::VectorWriter gj(path("pharmacies.geojson"), geo::VectorFormat::GeoJson);
  geo::VectorWriter csv(path("pharmacies.csv"), geo::VectorFormat::Csv);
  gj.begin_layer("pharmacies", geo::GeometryKind::Point, fields, "Pharmacies libérales et minières, avant / après");
  csv.begin_layer("pharmacies", geo::GeometryKind::None, fields);
  (void)t;
  for (const auto& [r, point_before] : rows) {
    const bool mining = r.type == "pharmacie minière";
    std::string warn;
    if (mining && fold(r.source).find("fictiv") != std::string::npos) warn = kFictive;
    if (!mining && r.source.find("OpenStreetMap") != std::string::npos) warn = kOsm;
    std::vector<FieldValue> row = {r.id, r.name, r.type, r.status, r.commune_code, r.commune_name,
                                   std::int64_t{r.open_before}, std::int64_t{r.open_after}, std::int64_t{r.new_site},
                                   std::int64_t{r.counted_after}, r.change, r.effect,
                                   mining ? FieldValue(r.affiliates) : null};
    for (const double* m : {r.liberal_min, r.any_min, r.regime_min}) {
      for (int k = 0; k < 2; ++k) row.push_back(mining ? geo::real_or_null(m[k]) : null);
    }
    for (double th : p.pharmacy_loss_min) row.push_back(mining ? FieldValue(r.lost_within.at(th)) : null);
    row.push_back(r.transfer ? FieldValue(r.origin_population) : null);
    row.push_back(r.transfer ? FieldValue(r.origin_degraded) : null);
    row.push_back(r.transfer ? FieldValue(r.receiving_population) : null);
    row.push_back(r.transfer ? FieldValue(std::string(r.transfer_rule_ok ? "respectée" : "non respectée")) : null);
    row.push_back(r.source);
    row.push_back(warn);
    if (point_before && r.open_before) {
      const geo::LonLat b = geo::lambert93_to_wgs84(*point_before);
      row.insert(row.end(), {b.lon, b.lat});
    } else {
      row.insert(row.end(), {null, null});
    }
    const geo::LonLat now = geo::lambert93_to_wgs84(r.point);
    row.insert(row.end(), {now.lon, now.lat});
    const geo::Geometry pt = geo::Geometry::point(r.point.x_m, r.point.y_m);
    gj.write(row, &pt);
    csv.write(row);
  }
  gj.commit();
  csv.commit();
}

namespace {

void surplus_table(std::ostringstream& r, const SurplusSummary& b, const SurplusSummary& a) {
  r << "| Officines en surnombre dans la commune | Communes (avant) | Communes (après) |\n|---|---|---|\n";
  std::set<int> keys;
  for (const auto& [k, v] : b.distribution) keys.insert(k);
  for (const auto& [k, v] : a.distribution) keys.insert(k);
  auto get = [](const SurplusSummary& s, int k) {
    auto it = s.distribution.find(k);
    return it == s.distribution.end() ? 0 : it->second;
  };
  for (int k : keys) r << "| " << k << " | " << get(b, k) << " | " << get(a, k) << " |\n";
  r << "| **excédentaires** | " << b.over << " | " << a.over << " |\n";
  r << "| au quota | " << b.at << " | " << a.at << " |\n";
  r << "| sous le quota | " << b.under << " | " << a.under << " |\n";
  r << "| total | " << b.communes << " | " << a.communes << " |\n";
}

}  // namespace

std::string pharmacy_report_section(const PharmacyAnalysis& a, const EvalParams& p) {
  std::ostringstream r;
  r << "\n## Pharmacies\n\n";
  r << "- Quota : " << pharmacy_rule_citation(p) << ". Population : population municipale des communes du territoire.\n";
  if (p.pharmacy_rule != "graines") {
    r << "- Les graines (2013, 000 l. 844-848) disent « plus de 2 500 habitants » : à la limite exacte, la loi en vigueur "
         "donne une licence de plus (`--pharmacy-rule graines` pour la lecture de 2013).\n";
  }
  r << "- Les pharmacies minières ne sont pas décomptées (Conseil d'État, 3 février 1984 ; graine 000 l. 784-786), sauf "
       "ouverture bilatérale ; leurs ressortissants restent dans la population de la commune.\n";
  r << "- Regroupement : licences libérées maintenues " << p.pharmacy_regroup_years
    << " ans dans leur commune (graine 000 l. 867-869). Transfert : quartier d'accueil desservi, approvisionnement du "
       "quartier d'origine non dégradé, mesuré par la population dont la pharmacie la plus proche passe au-delà de "
    << fr_number(p.pharmacy_transfer_threshold_min) << " min (`--pharmacy-transfer-max-min` ; graine 000 l. 851-853).\n";
  r << "- Affiliés : " << a.affiliates << ".\n";
  if (!a.has_liberal) {
    r << "\n**Excédent ou déficit inconnu : aucune liste de pharmacies libérales pour ce territoire.**\n";
  }
  if (a.osm_liberal) {
    r << "\n> **Officines libérales : " << kOsm
      << "** (stand-in du répertoire FINESS, catégorie « pharmacie d'officine ») : les excédents ci-dessous sont "
         "sous-estimés là où des officines manquent dans OpenStreetMap.\n";
  }
  if (a.fictive_mining) r << "\n> **Pharmacies minières : " << kFictive << ".**\n";
  if (!a.has_mining) r << "\nAucune pharmacie minière dans ce territoire (type `mining_pharmacy`).\n";
  int lib = 0, min = 0;
  for (const auto& q : a.before) {
    lib += q.liberal;
    min += q.mining;
  }
  r << "\n" << lib << " officines libérales et " << min << " pharmacies minières situées dans les communes du territoire (situation actuelle).\n";
  if (a.has_liberal) {
    r << "\n### Excédent d'officines, toutes communes\n\n";
    surplus_table(r, a.all_before, a.all_after);
    if (a.has_mining) {
      r << "\n### Excédent d'officines, communes ayant une pharmacie minière\n\n"
           "(Graines 2013, Nord-Pas-de-Calais, 32 communes : 15 communes à 1 officine en surnombre, 6 à 2, 1 à 3, 2 à 4, "
           "1 à 5, 1 à 6 ; 6 au quota — graine 000 l. 941-956.)\n\n";
      surplus_table(r, a.mining_before, a.mining_after);
    }
  }
  if (!a.edit_notes.empty()) {
    r << "\n### Scénario : pharmacies\n\n";
    for (const auto& n : a.edit_notes) r << "- " << n << "\n";
  }
  // One row per id: a transferred mining pharmacy (its origin, then its new site under the
  // same id) is its origin's row, which holds its affiliates' figures, with both communes.
  std::map<std::string, const PharmacyRow*> last_of_id;
  for (const auto& row : a.pharmacies) last_of_id[row.id] = &row;
  std::set<std::string> listed;
  bool any = false;
  for (const auto& row : a.pharmacies) {
    if (row.change.empty() || !listed.insert(row.id).second) continue;
    const PharmacyRow& moved_to = *last_of_id.at(row.id);
    const std::string commune = moved_to.commune_name == row.commune_name
                                    ? row.commune_name
                                    : row.commune_name + " → " + moved_to.commune_name;
    if (!any) r << "\n| Pharmacie | Commune | Changement | Affiliés | Officine libérale (min) | Pharmacie (min) | Site du régime (min) |\n|---|---|---|---|---|---|---|\n";
    any = true;
    const bool mining = row.type == "pharmacie minière";
    r << "| " << md_cell(row.name + " (" + row.id + ", " + row.type + (row.status.empty() ? "" : ", " + row.status) + ")")
      << " | " << md_cell(commune) << " | " << md_cell(row.change) << " | "
      << (mining ? fr_number(row.affiliates) : "—") << " | "
      << minutes_text(row.liberal_min[0]) << " → " << minutes_text(row.liberal_min[1]) << " | " << minutes_text(row.any_min[0])
      << " → " << minutes_text(row.any_min[1]) << " | " << minutes_text(row.regime_min[0]) << " → "
      << minutes_text(row.regime_min[1]) << " |\n";
  }
  if (any || !a.edit_notes.empty()) {
    r << "\nPopulation (affiliés) qui perd toute pharmacie :";
    for (const auto& [th, w] : a.lost_within) r << " à " << fr_number(th) << " min : " << fr_number(w) << " ;";
    r << " (toutes pharmacies, libérales et minières).\n";
  }
  r << "\nDétail : `licences_pharmacie.csv` (par commune), `pharmacies.csv` / `pharmacies.geojson` (par pharmacie).\n";
  return r.str();
}

json pharmacy_summary(const PharmacyAnalysis& a, const EvalParams& p) {
  auto sj = [](const SurplusSummary& s) {
    json d = json::object();
    for (const auto& [k, v] : s.distribution) d[std::to_string(k)] = v;
    return json{{"communes", s.communes}, {"over_quota", s.over}, {"at_quota", s.at}, {"under_quota", s.under},
                {"surplus_distribution", d}};
  };
  int lib = 0, min = 0;
  for (const auto& q : a.before) {
    lib += q.liberal;
    min += q.mining;
  }
  json j = {{"rule", p.pharmacy_rule},
            {"citation", pharmacy_rule_citation(p)},
            {"first_threshold", p.pharmacy_first_threshold},
            {"first_threshold_east", p.pharmacy_first_threshold_east},
            {"tranche", p.pharmacy_tranche},
            {"liberal_pharmacies", lib},
            {"mining_pharmacies", min},
            {"liberal_sources", a.liberal_sources},
            {"mining_sources", a.mining_sources},
            {"affiliates", a.affiliates},
            {"edit_notes", a.edit_notes}};
  json caveats = json::array();
  if (a.osm_liberal) caveats.push_back(kOsm);
  if (a.fictive_mining) caveats.push_back(std::string("pharmacies minières : ") + kFictive);
  if (!a.has_liberal) caveats.push_back("aucune liste de pharmacies libérales : excédents inconnus");
  j["caveats"] = caveats;
  if (a.has_liberal) {
    j["surplus"] = {{"all_communes", {{"before", sj(a.all_before)}, {"after", sj(a.all_after)}}},
                    {"mining_communes", {{"before", sj(a.mining_before)}, {"after", sj(a.mining_after)}}}};
  }
  json lost = json::object();
  for (const auto& [th, w] : a.lost_within) lost[fr_number(th)] = w;
  j["affiliates_losing_every_pharmacy_within_min"] = lost;
  json changed = json::array();
  for (const auto& r : a.pharmacies) {
    if (r.change.empty()) continue;
    changed.push_back({{"id", r.id}, {"name", r.name}, {"type", r.type}, {"status", r.status}, {"commune", r.commune_code},
                       {"change", r.change}, {"effect", r.effect}, {"affiliates", r.affiliates}});
  }
  j["changed"] = changed;
  return j;
}

// [SECTION] scenario edits

bool is_pharmacy_op(const std::string& op) {
  return op == "close_pharmacy" || op == "transfer_pharmacy" || op == "regroup_pharmacies" || op == "open_bilateral";
}

void parse_pharmacy_edit(const json& e, ScenarioEdit& ed, const std::string& where,
                         const std::function<geo::PointM(const json&, const std::string&)>& parse_point) {
  const std::string w = where + " (" + ed.op + ")";
  auto str = [&](const char* k) {
    if (!e.contains(k) || !e[k].is_string() || e[k].get<std::string>().empty()) {
      throw Error(w + ": \"" + k + "\" is required (a facility id)");
    }
    return e[k].get<std::string>();
  };
  if (ed.op == "close_pharmacy" || ed.op == "open_bilateral") {
    ed.facilities = {str("facility")};
  } else if (ed.op == "transfer_pharmacy") {
    ed.facilities = {str("facility")};
    if (e.contains("into") == e.contains("to")) {
      throw Error(w + ": give either \"into\" (the id of a centre whose premises receive the pharmacy) or \"to\" (a point)");
    }
    if (e.contains("into")) ed.into = str("into");
    else ed.at = parse_point(e["to"], w + ": \"to\"");
  } else if (ed.op == "regroup_pharmacies") {
    if (!e.contains("facilities") || !e["facilities"].is_array() || e["facilities"].size() < 2) {
      throw Error(w + ": \"facilities\" must list at least two pharmacy ids");
    }
    for (const auto& f : e["facilities"]) {
      if (!f.is_string()) throw Error(w + ": \"facilities\" must list ids");
      ed.facilities.push_back(f.get<std::string>());
    }
    ed.into = str("into");
    if (std::find(ed.facilities.begin(), ed.facilities.end(), ed.into) == ed.facilities.end()) {
      throw Error(w + ": \"into\" " + ed.into + " must be one of the regrouped pharmacies (the site stays in the commune of one of them)");
    }
  }
}

void apply_pharmacy_edit(const ScenarioEdit& e, PharmacyEditContext& ctx) {
  const std::string& label = ctx.label;
  auto mining = [&](const std::string& id) -> FacilityState& {
    FacilityState& f = ctx.locate(id);
    if (!is_mining_pharmacy(f)) {
      throw Error(label + ": facility " + f.id + " (" + f.name + ", kind " + f.kind +
                  ") is not a mining pharmacy (kind mining_pharmacy or flag mining_pharmacy)");
    }
    if (!f.open) throw Error(label + ": mining pharmacy " + f.id + " is closed");
    (void)mining_status(f);  // refuses an unknown status, naming the facility
    return f;
  };
  auto& r = ctx.result;
  if (e.op == "close_pharmacy") {
    FacilityState& f = mining(e.facilities[0]);
    f.open = false;
    f.change = "pharmacie minière fermée";
    r.applied.push_back("Fermeture de la pharmacie minière " + f.name + " (" + f.id + ")");
  } else if (e.op == "open_bilateral") {
    FacilityState& f = mining(e.facilities[0]);
    if (mining_status(f) == "bilatérale") throw Error(label + ": mining pharmacy " + f.id + " is already open bilaterally");
    f.category = "bilatérale";
    f.change = "ouverture bilatérale (entre dans le quota)";
    r.applied.push_back("Ouverture bilatérale de la pharmacie minière " + f.name + " (" + f.id + ")");
  } else if (e.op == "transfer_pharmacy") {
    FacilityState& old = mining(e.facilities[0]);
    geo::PointM to;
    std::string where;
    if (!e.into.empty()) {
      const FacilityState& centre = ctx.locate(e.into);
      if (!centre.open) throw Error(label + ": centre " + centre.id + " is closed and cannot receive the pharmacy");
      if (is_mining_pharmacy(centre) || centre.kind == "pharmacy") {
        throw Error(label + ": \"into\" " + centre.id + " is a pharmacy; give a centre (or use regroup_pharmacies)");
      }
      to = centre.point;
      where = "dans les locaux de " + centre.name + " (" + centre.id + ")";
    } else {
      to = *e.at;
      where = "vers un nouveau site";
    }
    FacilityState moved = old;
    old.open = false;
    old.change = "pharmacie minière transférée " + where;
    moved.base_index = -1;
    moved.change = "site de transfert (pharmacie intégrée) " + where;
    ctx.place(moved, to);
    r.applied.push_back("Transfert de la pharmacie minière " + old.name + " (" + old.id + ") " + where);
    ctx.index[moved.id] = r.facilities.size();
    r.facilities.push_back(std::move(moved));
  } else if (e.op == "regroup_pharmacies") {
    std::vector<FacilityState*> parts;
    std::set<bool> classes;
    for (const auto& id : e.facilities) {
      FacilityState& f = ctx.locate(id);
      if (!f.open) throw Error(label + ": pharmacy " + id + " is closed and cannot be regrouped");
      if (!is_mining_pharmacy(f) && f.kind != "pharmacy") throw Error(label + ": facility " + id + " (" + f.name + ") is not a pharmacy");
      classes.insert(is_mining_pharmacy(f));
      parts.push_back(&f);
    }
    if (classes.size() > 1) throw Error(label + ": mining pharmacies and liberal officines cannot be regrouped together");
    std::string names;
    for (auto* f : parts) names += (names.empty() ? "" : ", ") + f->name;
    FacilityState& target = ctx.locate(e.into);
    for (auto* f : parts) {
      if (f->id == e.into) continue;
      f->open = false;
      f->change = "pharmacie regroupée dans " + target.name + " (" + target.id + ")";
    }
    target.change = "site de regroupement de " + std::to_string(parts.size()) + " pharmacies";
    r.applied.push_back("Regroupement des pharmacies " + names + " dans " + target.name);
  }
}

}  // namespace recompose::planner::offer
