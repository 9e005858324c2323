// Index:
//   [SECTION] helpers
//   [SECTION] optimisation.md
//   [SECTION] optimisation.json, candidats, files
#include "planner/optimise/optimisation_report.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "geo/output_folder.hpp"
#include "geo/vector_io.hpp"
#include "planner/evaluation_report.hpp"
#include "planner/format.hpp"

namespace recompose::planner::optimise {

namespace fs = std::filesystem;

namespace {

// [SECTION] helpers

std::string commune_name(const Territory& t, const std::string& code) {
  const Commune* c = t.find_commune(code);
  return c ? c->name : code;
}

std::string minutes(double m, int decimals = 1) { return std::isnan(m) ? "—" : fr_number(m, decimals) + " min"; }

// A value of primary() in the planner's terms.
std::string natural(const Instance& in, double value) {
  double total = 0;
  for (double w : in.weight) total += w;
  switch (in.objective) {
    case Objective::Mclp: return fr_number(total - value, 1) + " couverts";
    case Objective::Lscp: return fr_number(value, 0) + " sites";
    default: return fr_number(total > 0 ? value / total / 600.0 : 0, 3) + " min de temps moyen pondéré";
  }
}

std::string source_label(const std::string& source, std::size_t n) {
  const std::string s = n > 1 ? "s" : "";
  if (source == "existant") return std::to_string(n) + " site" + s + " existant" + s;
  if (source == "bâtiment historique") return std::to_string(n) + " bâtiment" + s + " historique" + s;
  if (source == "centre de commune") return std::to_string(n) + " centre" + s + " de commune";
  if (source == "fichier") return std::to_string(n) + " point" + s + " du fichier du planificateur";
  if (source == "grille") return std::to_string(n) + " nœud" + s + " routier" + s + " de la grille";
  return std::to_string(n) + " " + source;
}

std::string weight_unit(const InstanceReport& rep) {
  if (rep.weighting == "affilies") return "affiliés";
  if (rep.weighting == "population") return "habitants";
  return "habitants pondérés par le besoin";
}

std::string size_text(const OptimiseResult& r) {
  const Problem& p = r.problem;
  switch (p.objective) {
    case Objective::PMedian: return std::to_string(p.sites) + " sites";
    case Objective::Mclp:
      return std::to_string(p.sites) + " sites, couverture à " + fr_number(p.coverage_min, 0) + " min";
    case Objective::Lscp: return "tout le monde à moins de " + fr_number(p.coverage_min, 0) + " min";
    case Objective::CloseK:
      return std::to_string(p.close) + " site(s) à fermer, perte mesurée en " +
             (p.measure == "couverture" ? "couverture à " + fr_number(p.coverage_min, 0) + " min" : "temps moyen");
    case Objective::Capacitated:
      return "au plus " + std::to_string(p.sites) + " sites, chacun d'au moins " +
             fr_number(r.instance.critical, 1) + " ETP de médecine générale, équipes regroupées à moins de " +
             fr_number(p.merge_max_min, 0) + " min";
  }
  return "";
}

std::string status_of(const Candidate& c, bool open_before, bool open_after) {
  if (c.fixed) return "hors territoire (inchangé)";
  if (open_before && open_after) return "gardé";
  if (open_before) return "fermé ou regroupé";
  if (open_after) return "ouvert";
  return "non retenu";
}

}  // namespace

// [SECTION] optimisation.md

std::string optimisation_markdown(const Territory& t, const OptimiseResult& r) {
  const Instance& in = r.instance;
  const InstanceReport& rep = r.report;
  const Problem& p = r.problem;
  std::ostringstream md;
  md << "# Proposition de recomposition — " << t.title << "\n\n";
  if (rep.fictitious) {
    md << "> **⚠ " << kFictitiousLabel << ".** Les sites du régime minier, leurs équipes et les affiliés de ce "
       << "territoire sont un exemple fictif : la proposition montre la méthode, pas l'offre réelle.\n\n";
  }
  md << "Proposition calculée par l'optimiseur de Recompose sur les temps de trajet "
     << (r.evaluation.model == TimeModel::Road ? "routiers (voiture)" : "estimés à vol d'oiseau")
     << " entre les IRIS et les sites. C'est un point de départ pour l'atelier : le scénario `proposition.json` "
        "s'ouvre dans le visualiseur, où il se modifie, s'annule ou s'abandonne comme tout scénario.\n\n";

  md << "## Problème\n\n";
  md << "| | |\n|---|---|\n";
  md << "| Objectif | " << objective_label(p.objective) << " |\n";
  md << "| Taille | " << size_text(r) << " |\n";
  md << "| Sites concernés (cible) | " << md_cell(rep.target_label) << " (`" << md_cell(rep.target) << "`) |\n";
  md << "| Pondération | " << md_cell(rep.weighting_label) << " |\n";
  std::string sources;
  for (const auto& [src, n] : rep.candidates_by_source) sources += (sources.empty() ? "" : ", ") + source_label(src, n);
  md << "| Sites candidats | " << in.candidate_count() << " (" << md_cell(sources) << ")";
  if (!rep.skipped.empty()) md << ", " << rep.skipped.size() << " écarté(s) (voir plus bas)";
  md << " |\n";
  md << "| Unités de demande | " << rep.demand_points << " IRIS (" << fr_number(rep.total_weight - rep.weight_off_network - rep.weight_out_of_reach, 0)
     << " " << weight_unit(rep) << ") |\n";
  md << "| Fermeture d'un site | "
     << (r.proposal.edits.empty() ? "—"
         : (p.objective == Objective::Capacitated || p.closed_sites == ClosedSites::Merge ||
            (p.closed_sites == ClosedSites::Default && rep.regime_target))
             ? "regroupé dans le site gardé qui reprend l'essentiel de sa patientèle (son équipe le suit)"
             : "fermeture simple")
     << " |\n";
  md << "\n**Contraintes**\n\n";
  std::size_t locked_open = 0, locked_closed = 0, urgent = 0, outside = 0;
  std::string lo, lc;
  for (const auto& c : in.candidates) {
    if (c.fixed) {
      ++outside;
    } else if (c.lock == Lock::Open && c.lock_reason.rfind("site d'urgences", 0) == 0) {
      ++urgent;
    } else if (c.lock == Lock::Open) {
      ++locked_open;
      lo += (lo.empty() ? "" : ", ") + c.name + " (" + c.id + ")";
    } else if (c.lock == Lock::Closed) {
      ++locked_closed;
      if (locked_closed <= 20) lc += (lc.empty() ? "" : ", ") + c.name + " (" + c.id + ")";
    }
  }
  md << "- Sites gardés d'office : " << (locked_open ? std::to_string(locked_open) + " — " + lo : "aucun") << "\n";
  md << "- Sites fermés d'office : " << (locked_closed ? std::to_string(locked_closed) + " — " + lc : "aucun") << "\n";
  md << "- Sites d'urgences : " << (p.keep_urgent_care ? "jamais modifiés" : "modifiables") << " (" << urgent
     << " parmi les sites concernés)\n";
  if (outside) md << "- Sites hors du territoire (effets de bord) : " << outside << ", gardés tels quels et non comptés\n";
  md << "- Temps maximal pour tous : "
     << (std::isnan(p.max_time_min) ? "aucun" : fr_number(p.max_time_min, 0) + " min (contrainte stricte)") << "\n";
  if (p.objective == Objective::Capacitated) {
    md << "- Taille critique : " << fr_number(in.critical, 1)
       << " ETP de médecine générale par site gardé (graines : au moins trois médecins par structure) ; l'équipe d'un "
          "site fermé rejoint en entier un site gardé à moins de "
       << fr_number(p.merge_max_min, 0) << " min de route\n";
  }
  for (const auto& n : rep.notes) md << "- " << n << "\n";
  md << "\n**Unités hors du calcul** (leur situation ne dépend pas de la proposition) : "
     << rep.units_off_network << " hors réseau routier (" << fr_number(rep.weight_off_network, 0) << " " << weight_unit(rep)
     << "), " << rep.units_out_of_reach << " sans aucun site candidat à moins de " << fr_number(p.cutoff_min, 0)
     << " min (" << fr_number(rep.weight_out_of_reach, 0) << "), " << rep.units_zero_weight << " de poids nul.\n\n";

  md << "## Résultat\n\n";
  const ObjectiveFigures &b = r.before, &a = r.after;
  const std::string wu = weight_unit(rep);
  md << "| | Situation actuelle | Proposition | Écart |\n|---|---:|---:|---:|\n";
  md << "| Sites (" << md_cell(rep.target_label) << ") | " << b.sites << " | " << a.sites << " | "
     << fr_delta(static_cast<double>(a.sites) - static_cast<double>(b.sites), 0) << " |\n";
  md << "| Temps moyen pondéré (pénalité comprise) | " << minutes(b.mean_min, 2) << " | " << minutes(a.mean_min, 2) << " | "
     << fr_delta(a.mean_min - b.mean_min, 2) << " min |\n";
  md << "| Temps moyen des unités desservies | " << minutes(b.mean_reached_min, 2) << " | " << minutes(a.mean_reached_min, 2)
     << " | " << fr_delta(a.mean_reached_min - b.mean_reached_min, 2) << " min |\n";
  if (in.cover_ds != kNone) {
    md << "| " << wu << " à moins de " << fr_number(geo::deciseconds_to_minutes(in.cover_ds), 0) << " min | "
       << fr_number(b.covered, 0) << " | " << fr_number(a.covered, 0) << " | " << fr_delta(a.covered - b.covered, 0) << " |\n";
  }
  md << "| " << wu << " sans site à moins de " << fr_number(p.cutoff_min, 0) << " min | " << fr_number(b.weight_no_site, 0)
     << " | " << fr_number(a.weight_no_site, 0) << " | " << fr_delta(a.weight_no_site - b.weight_no_site, 0) << " |\n";
  if (in.max_ds != kNone) {
    md << "| " << wu << " au-delà de " << fr_number(p.max_time_min, 0) << " min | " << fr_number(b.weight_beyond_max, 0) << " | "
       << fr_number(a.weight_beyond_max, 0) << " | " << fr_delta(a.weight_beyond_max - b.weight_beyond_max, 0) << " |\n";
  }
  md << "\n";
  md << "Une unité sans site à moins de " << fr_number(p.cutoff_min, 0) << " min compte "
     << minutes(geo::deciseconds_to_minutes(in.penalty_ds), 0)
     << " dans le temps moyen pondéré (pénalité) ; le temps moyen des unités desservies ne la compte pas.\n\n";
  if (p.objective == Objective::CloseK) {
    if (p.measure == "couverture") {
      md << "**Perte** : " << fr_number(b.covered - a.covered, 1) << " " << wu << " de moins à moins de "
         << fr_number(p.coverage_min, 0) << " min en fermant " << p.close << " site(s).\n\n";
    } else {
      md << "**Perte** : " << fr_delta(a.mean_min - b.mean_min, 2) << " min de temps moyen pondéré en fermant " << p.close
         << " site(s).\n\n";
    }
  }
  md << "**Réponse retenue** : " << r.chosen << ".\n\n";
  md << "- Heuristique (glouton puis échanges de Teitz-Bart, recherche locale itérée) : "
     << objective_text(in, p, r.heuristic_figures) << ", en " << fr_number(r.heuristic_stats.seconds, 3) << " s ("
     << r.heuristic_stats.insertions << " ajouts, " << r.heuristic_stats.removals << " retraits, "
     << r.heuristic_stats.swaps << " échanges dont ceux de " << r.heuristic_stats.kicks << " relances).\n";
  if (r.exact_run) {
    md << "- Mode exact (CBC, modèle linéaire en nombres entiers de " << r.exact.rows << " lignes et " << r.exact.columns
       << " colonnes dont " << r.exact.integers << " entières, limite " << fr_number(p.exact_time_limit_s, 0)
       << " s) : " << exact_status_label(r.exact.status) << " en " << fr_number(r.exact.seconds, 2) << " s";
    if (r.exact.has_solution) md << ", meilleure solution " << natural(in, r.exact.objective);
    if (r.exact.status != ExactStatus::Infeasible && r.exact.status != ExactStatus::Cancelled) {
      md << (std::isnan(r.exact.bound) ? std::string(", pas de borne (arrêté avant la fin de la relaxation linéaire)")
                                       : ", borne " + natural(in, r.exact.bound));
    }
    md << ".\n";
    md << "- **Écart de l'heuristique à la borne de CBC : "
       << (std::isnan(r.gap_percent) ? std::string("—") : fr_number(r.gap_percent, 3) + " %") << "**";
    if (!std::isnan(r.gap_chosen_percent) && r.chosen != "heuristique") {
      md << " ; de la réponse retenue : " << fr_number(r.gap_chosen_percent, 3) << " %";
    }
    md << (r.exact.status == ExactStatus::Optimal ? " (0 % : l'optimum est prouvé)" : "") << ".\n";
  } else {
    md << "- Mode exact non lancé (`--heuristic-only`).\n";
  }
  if (!std::isnan(r.lagrangian.bound)) {
    md << "- Borne lagrangienne (relaxation des affectations, " << r.lagrangian.iterations << " itérations de sous-gradient, "
       << fr_number(r.lagrangian.seconds, 3) << " s) : " << natural(in, r.lagrangian.bound)
       << " ; **écart de l'heuristique à cette borne : " << fr_number(r.gap_lagrangian_percent, 3) << " %**"
       << (p.objective == Objective::Capacitated ? " (borne du p-médian sans les équipes, donc plus lâche)" : "") << ".\n";
  }
  md << "- Vérification : l'évaluation du scénario proposé redonne "
     << (r.verified_equal ? "le même objectif" : "un objectif DIFFÉRENT (" + fr_number(r.verified.value, 3) + ")") << " ("
     << objective_text(in, p, r.verified) << ").\n";
  md << "- Calcul : " << fr_number(r.seconds_instance, 2) << " s pour préparer le problème (tables, sites candidats), "
     << fr_number(r.seconds_total, 2) << " s en tout.\n\n";

  md << "## Ce qui change\n\n";
  if (r.moves.empty()) {
    md << "Rien : la situation actuelle est déjà la meilleure pour ce problème.\n\n";
  } else {
    md << "| Action | Site | Commune | Vers | Distance (km, vol d'oiseau) | Temps de route entre sites | "
          "Équipe MG (ETP) ou capacité | "
       << wu << " desservis¹ |\n|---|---|---|---|---:|---:|---:|---:|\n";
    for (const Move& mv : r.moves) {
      md << "| " << md_cell(mv.action) << " | " << md_cell(mv.name + " (" + mv.id + ")") << " | "
         << md_cell(commune_name(t, mv.commune_code)) << " | "
         << (mv.into_name.empty() ? "—" : md_cell(mv.into_name + " (" + mv.into_id + ")")) << " | "
         << fr_number(mv.km_between, 1)
         << " | " << minutes(mv.minutes_between) << " | " << fr_number(mv.team, 1) << " | "
         << fr_number(mv.weight_served, 0) << " |\n";
    }
    md << "\n¹ par le site dans la situation actuelle (site fermé ou regroupé), ou dans la proposition (site ouvert). "
          "Le temps de route entre sites n'est calculé que pour la forme à taille critique.\n\n";
  }
  if (p.objective == Objective::Capacitated && !r.solution.team_after.empty()) {
    md << "**Sites gardés et leur équipe après regroupement** (taille critique " << fr_number(in.critical, 1) << " ETP) :\n\n";
    md << "| Site | Commune | Équipe avant | Équipe après |\n|---|---|---:|---:|\n";
    for (std::size_t j = 0; j < in.candidate_count(); ++j) {
      const Candidate& c = in.candidates[j];
      if (!r.solution.open[j] || c.fixed) continue;
      md << "| " << md_cell(c.name + " (" + c.id + ")") << " | " << md_cell(commune_name(t, c.commune_code)) << " | "
         << fr_number(c.team, 1)
         << " | " << fr_number(r.solution.team_after[j], 1) << " |\n";
    }
    md << "\n";
  }
  md << "## À vérifier à la main\n\n";
  for (const auto& c : r.checks) md << "- " << c << "\n";
  md << "\n";
  if (!rep.skipped.empty()) {
    md << "## Sites candidats écartés\n\n";
    const std::size_t shown = std::min<std::size_t>(rep.skipped.size(), 50);
    for (std::size_t k = 0; k < shown; ++k) md << "- " << rep.skipped[k] << "\n";
    if (shown < rep.skipped.size()) md << "- … et " << rep.skipped.size() - shown << " autres (voir candidats.csv)\n";
    md << "\n";
  }
  md << "## Fichiers\n\n"
     << "- `proposition.json` : le scénario proposé (`recompose evaluate TERRITOIRE --scenario proposition.json`, ou "
        "« Charger » dans le visualiseur)\n"
     << "- `evaluation/` : l'évaluation complète du scénario proposé (rapport.md, cartes GeoJSON, tableaux CSV)\n"
     << "- `candidats.geojson`, `candidats.csv` : chaque site candidat, sa source, son verrou et son état\n"
     << "- `probleme.json` : le problème résolu, pour le relancer (`recompose optimise TERRITOIRE --problem probleme.json`)\n"
     << "- `optimisation.json` : les mêmes chiffres pour les machines\n\n"
     << "Méthode : location-allocation sur les tables de temps d'accès de Recompose ; heuristique gloutonne puis "
        "échanges de sites de Teitz et Bart avec mise à jour incrémentale des gains (Resende et Werneck, 2007) ; mode "
        "exact par le solveur libre CBC (COIN-OR) sur le modèle linéaire en nombres entiers classique du problème.\n";
  return md.str();
}

// [SECTION] optimisation.json, candidats, files

namespace {

OptimisationOutputs write_into(AccessEngine& engine, const EvalParams& params, const Evaluation& before,
                               const OptimiseResult& r, const std::string& out_dir) {
  const Territory& t = engine.territory();
  const Instance& in = r.instance;
  auto path = [&](const std::string& name) { return (fs::path(out_dir) / name).string(); };
  // The evaluation first: it is the longest to write, and its failure leaves no proposal.
  write_evaluation(engine, r.proposal, params, before, r.evaluation, path("evaluation"));

  // candidats.geojson / .csv
  const bool fict = r.report.fictitious;
  std::vector<geo::FieldDef> fields = {{"id", geo::FieldType::String},       {"nom", geo::FieldType::String},
                                       {"source", geo::FieldType::String},   {"code_commune", geo::FieldType::String},
                                       {"verrou", geo::FieldType::String},   {"etat", geo::FieldType::String},
                                       {"existant", geo::FieldType::Integer}, {"ouvert_apres", geo::FieldType::Integer},
                                       {"equipe_mg_etp", geo::FieldType::Real}, {"fusionne_dans", geo::FieldType::String},
                                       {"poids_desservi_apres", geo::FieldType::Real}};
  if (fict) fields.push_back({"avertissement_regime", geo::FieldType::String});
  const Allocation after = allocate(in, r.solution.open);
  std::vector<double> served(in.candidate_count(), 0.0);
  for (std::size_t i = 0; i < in.demand_count(); ++i) {
    if (after.site[i] >= 0) served[static_cast<std::size_t>(after.site[i])] += in.weight[i];
  }
  for (const auto& [name, format] : {std::pair<std::string, geo::VectorFormat>{"candidats.geojson", geo::VectorFormat::GeoJson},
                                     {"candidats.csv", geo::VectorFormat::Csv}}) {
    geo::VectorWriter w(path(name), format);
    w.begin_layer("candidats", geo::GeometryKind::Point, fields,
                  "Sites candidats de l'optimisation" + (fict ? " — " + std::string(kFictitiousLabel) : ""));
    for (std::size_t j = 0; j < in.candidate_count(); ++j) {
      const Candidate& c = in.candidates[j];
      const bool open_after = r.solution.open[j] != 0;
      std::string into;
      if (!r.solution.merge_into.empty() && r.solution.merge_into[j] >= 0) {
        into = in.candidates[static_cast<std::size_t>(r.solution.merge_into[j])].id;
      }
      for (const Move& mv : r.moves) {
        if (mv.id == c.id && !mv.into_id.empty()) into = mv.into_id;
      }
      std::vector<geo::FieldValue> v = {c.id,
                                        c.name,
                                        c.source,
                                        c.commune_code,
                                        c.lock == Lock::Free ? std::string() : c.lock_reason,
                                        status_of(c, r.baseline_open[j] != 0, open_after),
                                        std::int64_t{c.existing},
                                        std::int64_t{open_after},
                                        c.existing && c.team_known ? geo::FieldValue(c.team) : geo::kNullField,
                                        into,
                                        open_after ? geo::FieldValue(served[j]) : geo::kNullField};
      if (fict) v.push_back(std::string(kFictitiousLabel));
      const geo::Geometry g = geo::Geometry::point(c.point.x_m, c.point.y_m);
      w.write(v, &g);
    }
    w.commit();
  }

  // optimisation.json
  nlohmann::ordered_json j;
  j["format"] = "recompose-optimisation/1";
  j["territory"] = t.name;
  if (fict) j["label"] = kFictitiousLabel;
  j["problem"] = nlohmann::ordered_json::parse(r.problem.to_json());
  j["target"] = r.report.target;
  j["weighting"] = r.report.weighting;
  j["candidates"] = in.candidate_count();
  j["demand_points"] = in.demand_count();
  j["units_off_network"] = r.report.units_off_network;
  j["units_out_of_reach"] = r.report.units_out_of_reach;
  auto fig = [&](const ObjectiveFigures& f) {
    nlohmann::ordered_json o;
    o["objective"] = f.value;
    o["sites"] = f.sites;
    o["mean_min"] = f.mean_min;
    o["mean_reached_min"] = std::isnan(f.mean_reached_min) ? nlohmann::ordered_json() : nlohmann::ordered_json(f.mean_reached_min);
    if (in.cover_ds != kNone) o["covered"] = f.covered;
    o["weight_no_site"] = f.weight_no_site;
    if (in.max_ds != kNone) o["weight_beyond_max"] = f.weight_beyond_max;
    return o;
  };
  j["objective_units"] = in.objective == Objective::Lscp   ? "sites"
                         : in.objective == Objective::Mclp ? "uncovered weight"
                                                           : "weight x deciseconds";
  j["before"] = fig(r.before);
  j["heuristic"] = fig(r.heuristic_figures);
  j["heuristic"]["seconds"] = r.heuristic_stats.seconds;
  j["heuristic"]["swaps"] = r.heuristic_stats.swaps;
  j["after"] = fig(r.after);
  j["chosen"] = r.chosen;
  if (r.exact_run) {
    nlohmann::ordered_json x;
    x["status"] = exact_status_label(r.exact.status);
    x["optimal"] = r.exact.status == ExactStatus::Optimal;
    x["seconds"] = r.exact.seconds;
    x["rows"] = r.exact.rows;
    x["columns"] = r.exact.columns;
    if (r.exact.has_solution) x["objective"] = r.exact.objective;
    x["bound"] = std::isnan(r.exact.bound) ? nlohmann::ordered_json() : nlohmann::ordered_json(r.exact.bound);
    j["exact"] = x;
  }
  j["gap_percent"] = std::isnan(r.gap_percent) ? nlohmann::ordered_json() : nlohmann::ordered_json(r.gap_percent);
  if (!std::isnan(r.lagrangian.bound)) {
    j["lagrangian"] = {{"bound", r.lagrangian.bound},
                       {"iterations", r.lagrangian.iterations},
                       {"seconds", r.lagrangian.seconds},
                       {"gap_percent", r.gap_lagrangian_percent}};
  }
  j["verified"] = fig(r.verified);
  j["verified_equal"] = r.verified_equal;
  j["seconds_instance"] = r.seconds_instance;
  j["seconds_total"] = r.seconds_total;
  nlohmann::ordered_json moves = nlohmann::ordered_json::array();
  for (const Move& mv : r.moves) {
    nlohmann::ordered_json o;
    o["action"] = mv.action;
    o["id"] = mv.id;
    o["name"] = mv.name;
    if (!mv.into_id.empty()) o["into"] = mv.into_id;
    if (!std::isnan(mv.minutes_between)) o["minutes_between"] = mv.minutes_between;
    o["team"] = mv.team;
    moves.push_back(o);
  }
  j["moves"] = moves;
  j["checks"] = r.checks;

  geo::write_text_file_atomic(path("proposition.json"), r.proposal.to_json() + "\n");
  geo::write_text_file_atomic(path("probleme.json"), r.problem.to_json() + "\n");
  geo::write_text_file_atomic(path("optimisation.json"), j.dump(2) + "\n");
  geo::write_text_file_atomic(path("optimisation.md"), optimisation_markdown(t, r));

  std::ostringstream term;
  term << "optimisation (" << objective_code(r.problem.objective) << ", cible " << r.report.target << ")"
       << (fict ? " — " + std::string(kFictitiousLabel) : "") << "\n";
  const bool lscp = in.objective == Objective::Lscp;
  term << "  avant : " << objective_text(in, r.problem, r.before)
       << (lscp ? "" : ", " + std::to_string(r.before.sites) + " sites") << "\n";
  term << "  après : " << objective_text(in, r.problem, r.after)
       << (lscp ? "" : ", " + std::to_string(r.after.sites) + " sites") << " (" << r.chosen << ")\n";
  term << "  heuristique " << fr_number(r.heuristic_stats.seconds, 3) << " s";
  if (r.exact_run) {
    term << " ; CBC " << exact_status_label(r.exact.status) << " en " << fr_number(r.exact.seconds, 2) << " s ; écart "
         << (std::isnan(r.gap_percent) ? "—" : fr_number(r.gap_percent, 3) + " %");
  }
  if (!std::isnan(r.lagrangian.bound)) term << " ; écart à la borne lagrangienne " << fr_number(r.gap_lagrangian_percent, 3) << " %";
  term << "\n  " << r.proposal.edits.size() << " modifications ; vérification par l'évaluation : "
       << (r.verified_equal ? "identique" : "DIFFÉRENTE") << "\n";
  return {term.str()};
}

}  // namespace

OptimisationOutputs write_optimisation(AccessEngine& engine, const EvalParams& params, const Evaluation& before,
                                       const OptimiseResult& r, const std::string& out_dir) {
  // Written as a whole (geo/output_folder.hpp): locked, staged (the evaluation
  // sub-folder included), moved in at the end; a failure leaves the previous outputs.
  geo::OutputFolder folder(out_dir);
  try {
    OptimisationOutputs out = write_into(engine, params, before, r, folder.staging());
    folder.commit();
    return out;
  } catch (const geo::Error& e) {
    throw folder.explained(e);
  }
}

}  // namespace recompose::planner::optimise
