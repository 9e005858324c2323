// Index:
//   [SECTION] objective figures
//   [SECTION] the answer as a scenario
//   [SECTION] optimise
#include "planner/optimise/optimiser.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cmath>
#include <map>

#include "geo/error.hpp"
#include "planner/format.hpp"

namespace recompose::planner::optimise {

// [SECTION] objective figures

namespace {

ObjectiveFigures figures_from_times(const Instance& in, const std::vector<geo::Deciseconds>& time, std::size_t sites) {
  const CostModel cm(in);
  ObjectiveFigures f;
  f.sites = sites;
  double w_all = 0, w_reached = 0, t_reached = 0;
  Cost total;
  for (std::size_t i = 0; i < in.demand_count(); ++i) {
    const double w = in.weight[i];
    const geo::Deciseconds d = time[i];
    total += cm(i, d);
    w_all += w;
    if (d == kNone) {
      f.weight_no_site += w;
    } else {
      w_reached += w;
      t_reached += w * static_cast<double>(d);
    }
    if (in.cover_ds != kNone) {
      if (d != kNone && d <= in.cover_ds) {
        f.covered += w;
      } else {
        f.uncovered_weight += w;
      }
    }
    if (in.max_ds != kNone && (d == kNone || d > in.max_ds)) f.weight_beyond_max += w;
  }
  double capped = 0;
  for (std::size_t i = 0; i < in.demand_count(); ++i) {
    const geo::Deciseconds d = time[i];
    capped += in.weight[i] * static_cast<double>(d == kNone ? in.penalty_ds : std::min(d, in.penalty_ds));
  }
  f.mean_min = w_all > 0 ? capped / w_all / 600.0 : 0;
  f.mean_reached_min = w_reached > 0 ? t_reached / w_reached / 600.0 : std::nan("");
  f.violations = total.v;
  f.value = in.objective == Objective::Lscp ? static_cast<double>(sites) : total.p;
  return f;
}

bool matches(const FacilityState& f, const std::string& target) {
  if (f.kind == target) return true;
  auto it = f.flags.find(target);
  return it != f.flags.end() && it->second;
}

}  // namespace

ObjectiveFigures figures_of(const Instance& in, const std::vector<std::uint8_t>& open) {
  const Allocation a = allocate(in, open);
  std::size_t sites = 0;
  for (std::size_t j = 0; j < open.size(); ++j) sites += open[j] && in.counted(j);
  return figures_from_times(in, a.time, sites);
}

ObjectiveFigures figures_from_evaluation(const Instance& in, const InstanceReport& rep, const Evaluation& e) {
  const int ti = e.target_index(rep.target);
  std::vector<geo::Deciseconds> time(in.demand_count(), kNone);
  if (ti >= 0) {
    for (std::size_t i = 0; i < in.demand_count(); ++i) time[i] = e.nearest_time[static_cast<std::size_t>(ti)][in.unit[i]];
  }
  std::size_t sites = 0;
  for (const auto& f : e.facilities) sites += f.open && !f.outside_territory && matches(f, rep.target);
  return figures_from_times(in, time, sites);
}

std::string objective_text(const Instance& in, const Problem& p, const ObjectiveFigures& f) {
  double total = 0;
  for (double w : in.weight) total += w;
  switch (in.objective) {
    case Objective::Mclp:
      return fr_number(f.covered, 0) + " à moins de " + fr_number(geo::deciseconds_to_minutes(in.cover_ds), 0) +
             " min (" + fr_number(total > 0 ? 100.0 * f.covered / total : 0, 1) + " %)";
    case Objective::Lscp:
      return fr_number(static_cast<double>(f.sites), 0) + " sites, " +
             (f.uncovered_weight > 0 ? fr_number(f.uncovered_weight, 0) + " au-delà de "
                                     : std::string("tous à moins de ")) +
             fr_number(geo::deciseconds_to_minutes(in.cover_ds), 0) + " min";
    default: break;
  }
  (void)p;
  return "temps moyen pondéré " + fr_number(f.mean_min, 2) + " min";
}

// [SECTION] the answer as a scenario

namespace {

double distance_m(geo::PointM a, geo::PointM b) { return std::hypot(a.x_m - b.x_m, a.y_m - b.y_m); }

struct ProposalBuilder {
  const Instance& in;
  const InstanceReport& rep;
  const Problem& pb;
  const Evaluation& base;
  const Territory& t;

  // The baseline state of a candidate (existing sites only).
  const FacilityState* state(const Candidate& c) const {
    if (c.facility < 0) return nullptr;
    return &base.facilities[static_cast<std::size_t>(c.facility)];
  }
  bool compatible(const Candidate& a, const Candidate& b) const {
    const FacilityState* sa = state(a);
    const FacilityState* sb = state(b);
    const std::string kind_a = sa ? sa->kind : rep.new_kind, kind_b = sb ? sb->kind : rep.new_kind;
    if (kind_a != kind_b) return false;
    const bool pharm_a = sa && sa->regime && sa->site.type == "pharmacie";
    const bool pharm_b = sb && sb->regime && sb->site.type == "pharmacie";
    return pharm_a == pharm_b;
  }
};

}  // namespace

namespace {

void build_proposal(OptimiseResult& r, const Evaluation& base, const Territory& t) {
  const Instance& in = r.instance;
  const Solution& sol = r.solution;
  const Problem& pb = r.problem;
  ProposalBuilder pbld{in, r.report, pb, base, t};
  const std::size_t m = in.candidate_count();
  const bool merge_mode = pb.closed_sites == ClosedSites::Merge ||
                          (pb.closed_sites == ClosedSites::Default && r.report.regime_target) ||
                          pb.objective == Objective::Capacitated;
  // Baseline nearest candidate of each demand point, and after.
  const Allocation before = allocate(in, r.baseline_open);
  const Allocation after = allocate(in, sol.open);
  // Weight each closed existing site hands to each open site.
  std::vector<std::map<int, double>> handed(m);
  std::vector<double> served_before(m, 0.0), served_after(m, 0.0);
  for (std::size_t i = 0; i < in.demand_count(); ++i) {
    if (before.site[i] >= 0) served_before[static_cast<std::size_t>(before.site[i])] += in.weight[i];
    if (after.site[i] >= 0) served_after[static_cast<std::size_t>(after.site[i])] += in.weight[i];
    if (before.site[i] >= 0 && after.site[i] >= 0 && !sol.open[static_cast<std::size_t>(before.site[i])]) {
      handed[static_cast<std::size_t>(before.site[i])][after.site[i]] += in.weight[i];
    }
  }
  // Destination of every closed existing site (-1: closed outright).
  std::vector<int> dest(m, -1);
  std::vector<double> between(m, std::nan(""));
  for (std::size_t k = 0; k < m; ++k) {
    const Candidate& c = in.candidates[k];
    if (!c.existing || c.fixed || sol.open[k]) continue;
    if (!merge_mode) continue;
    int best = -1;
    if (pb.objective == Objective::Capacitated && !sol.merge_into.empty() && sol.merge_into[k] >= 0) {
      best = sol.merge_into[k];
      for (const auto& [j, tds] : in.merge_options[k]) {
        if (static_cast<int>(j) == best) between[k] = geo::deciseconds_to_minutes(tds);
      }
    } else {
      double w = -1;
      for (const auto& [j, wj] : handed[k]) {
        const Candidate& to = in.candidates[static_cast<std::size_t>(j)];
        if (to.fixed || !pbld.compatible(c, to)) continue;
        if (wj > w + 1e-12) {
          w = wj;
          best = j;
        }
      }
      if (best < 0) {  // it served nobody: the nearest kept site, as the crow flies
        double dbest = 1e300;
        for (std::size_t j = 0; j < m; ++j) {
          const Candidate& to = in.candidates[j];
          if (!sol.open[j] || to.fixed || !pbld.compatible(c, to)) continue;
          const double d = distance_m(c.point, to.point);
          if (d < dbest) {
            dbest = d;
            best = static_cast<int>(j);
          }
        }
      }
    }
    dest[k] = best;
  }
  Scenario s;
  s.name = pb.name;
  s.territory = t.name;
  s.description = "Proposition de l'optimiseur Recompose : " + objective_label(pb.objective) + ", cible « " +
                  r.report.target_label + " »" + (r.report.fictitious ? " — " + std::string(kFictitiousLabel) : "");
  std::vector<ScenarioEdit> merges, opens, closes;
  auto move_of = [&](std::size_t k) {
    Move mv;
    const Candidate& c = in.candidates[k];
    mv.id = c.id;
    mv.name = c.name;
    mv.source = c.source;
    mv.commune_code = c.commune_code;
    mv.team = c.team;
    mv.weight_served = c.existing ? served_before[k] : served_after[k];
    mv.lock_reason = c.lock_reason;
    return mv;
  };
  // Existing kept sites receiving merges.
  for (std::size_t j = 0; j < m; ++j) {
    if (!sol.open[j]) continue;
    const Candidate& to = in.candidates[j];
    std::vector<std::size_t> parts;
    for (std::size_t k = 0; k < m; ++k) {
      if (dest[k] == static_cast<int>(j)) parts.push_back(k);
    }
    if (to.existing) {
      if (parts.empty()) continue;
      ScenarioEdit e;
      e.op = "merge";
      for (std::size_t k : parts) e.facilities.push_back(in.candidates[k].id);
      e.facilities.push_back(to.id);
      e.into = to.id;
      merges.push_back(e);
      for (std::size_t k : parts) {
        Move mv = move_of(k);
        mv.action = "regroupement";
        mv.into_id = to.id;
        mv.into_name = to.name;
        mv.minutes_between = between[k];
        mv.km_between = distance_m(in.candidates[k].point, to.point) / 1000.0;
        r.moves.push_back(mv);
      }
      continue;
    }
    // A new site.
    Move opened = move_of(j);
    if (parts.size() == 1) {
      ScenarioEdit e;
      e.op = "relocate";
      e.facilities = {in.candidates[parts[0]].id};
      e.at = to.point;
      opens.push_back(e);
      Move mv = move_of(parts[0]);
      mv.action = "déplacement";
      mv.into_id = to.id;
      mv.into_name = to.name + " (" + to.source + ")";
      mv.minutes_between = between[parts[0]];
      mv.km_between = distance_m(in.candidates[parts[0]].point, to.point) / 1000.0;
      r.moves.push_back(mv);
      continue;
    }
    if (parts.size() > 1) {
      ScenarioEdit e;
      e.op = "merge";
      for (std::size_t k : parts) e.facilities.push_back(in.candidates[k].id);
      e.at = to.point;
      e.id = to.id;
      e.name = to.name;
      opens.push_back(e);
      for (std::size_t k : parts) {
        Move mv = move_of(k);
        mv.action = "regroupement";
        mv.into_id = to.id;
        mv.into_name = to.name + " (nouveau site, " + to.source + ")";
        mv.minutes_between = between[k];
        mv.km_between = distance_m(in.candidates[k].point, to.point) / 1000.0;
        r.moves.push_back(mv);
      }
      opened.action = "ouverture (regroupement)";
      r.moves.push_back(opened);
      continue;
    }
    ScenarioEdit e;
    e.op = "open";
    e.id = to.id;
    e.name = to.name;
    e.kind = r.report.new_kind;
    e.at = to.point;
    if (r.report.new_kind == kRegimeKind) {
      e.site_type = "centre_polyvalent";
      e.centre = to.id;
      e.capacity = -1.0;
    } else {
      e.capacity = 0.0;
      if (r.report.target != r.report.new_kind) e.flags = {r.report.target};
    }
    opens.push_back(e);
    opened.action = "ouverture";
    r.moves.push_back(opened);
  }
  // Closed outright.
  for (std::size_t k = 0; k < m; ++k) {
    const Candidate& c = in.candidates[k];
    if (!c.existing || c.fixed || sol.open[k] || dest[k] >= 0) continue;
    ScenarioEdit e;
    e.op = "close";
    e.facilities = {c.id};
    closes.push_back(e);
    Move mv = move_of(k);
    mv.action = "fermeture";
    r.moves.push_back(mv);
  }
  for (auto* list : {&merges, &opens, &closes}) {
    for (auto& e : *list) s.edits.push_back(std::move(e));
  }
  r.proposal = std::move(s);
}

std::vector<std::string> hand_checks(const OptimiseResult& r) {
  std::vector<std::string> out;
  const Instance& in = r.instance;
  std::size_t new_sites = 0, grid = 0, empty_team = 0;
  for (const Move& mv : r.moves) {
    if (mv.action.rfind("ouverture", 0) == 0) {
      ++new_sites;
      if (mv.source == "grille") ++grid;
      if (mv.action == "ouverture") ++empty_team;
    }
  }
  if (new_sites) {
    out.push_back((new_sites == 1 ? std::string("Le nouveau site est une position, pas un local")
                                  : "Les " + std::to_string(new_sites) + " nouveaux sites sont des positions, pas des locaux") +
                  " : vérifier qu'un bâtiment accessible (plain-pied, stationnement, transports en commun) existe à "
                  "proximité" +
                  (grid ? " (dont " + std::to_string(grid) + " nœuds routiers de la grille, sans adresse)" : "") + ".");
  }
  if (empty_team) {
    out.push_back(std::to_string(empty_team) +
                  " site(s) ouvert(s) sans équipe reprise d'un site fermé : l'équipe est à constituer (recrutement), "
                  "le scénario l'ouvre avec une équipe inconnue.");
  }
  std::size_t long_moves = 0;
  for (const Move& mv : r.moves) long_moves += !std::isnan(mv.minutes_between) && mv.minutes_between > 15;
  if (long_moves) {
    out.push_back(std::to_string(long_moves) +
                  " regroupement(s) déplacent une équipe à plus de 15 min de route : vérifier avec les professionnels "
                  "concernés (au-delà d'une unité fonctionnelle de territoire).");
  }
  if (r.after.weight_no_site > 0 || r.report.weight_out_of_reach > 0) {
    out.push_back("Des unités restent sans site à moins de " + fr_number(r.problem.cutoff_min, 0) +
                  " min : voir unites.csv (évaluation) et la section « unités hors du calcul ».");
  }
  if (r.report.units_off_network) {
    out.push_back(std::to_string(r.report.units_off_network) +
                  " unités hors réseau routier ne comptent ni comme proches ni comme éloignées : les regarder à part.");
  }
  if (r.report.fictitious) {
    out.push_back(std::string("Les sites, équipes et affiliés du régime sont des ") + kFictitiousLabel +
                  " : la proposition illustre la méthode, elle ne décrit pas l'offre réelle.");
  }
  if (r.report.regime_target) {
    out.push_back("Les affiliés vont au site le plus proche en temps de route : les habitudes (médecin traitant, "
                  "transports, rendez-vous partagés) peuvent différer ; vérifier les flux réels avec la CARMI.");
  }
  if (r.report.regime_target && !r.moves.empty()) {
    out.push_back("Les lieux sont choisis sur le seul temps d'accès : un centre bien doté peut être regroupé dans une "
                  "antenne mieux placée. Verrouiller (locked_open / --lock-open) les sites dont les locaux ou l'équipe "
                  "doivent rester, puis relancer.");
  }
  if (in.objective == Objective::Capacitated) {
    out.push_back("La taille critique est comptée par site (équipe de médecins généralistes en ETP) ; les antennes "
                  "gardées doivent l'atteindre seules. Verrouiller une antenne (locked_open) ne l'en dispense pas.");
  }
  if (!r.exact_run) {
    out.push_back("Réponse de l'heuristique seule (--heuristic-only) : sans le mode exact, l'écart à l'optimum n'est "
                  "connu que par la borne lagrangienne (p-médian) quand elle existe.");
  } else if (r.exact.status != ExactStatus::Optimal) {
    out.push_back("CBC n'a pas prouvé l'optimum dans le temps imparti : l'écart donné est un majorant.");
  }
  out.push_back("Les sites d'urgences, les sites hors territoire et les sites verrouillés ne sont pas modifiés ; les "
                "autres types d'établissements non plus (seule la cible « " + r.report.target_label + " » est optimisée).");
  return out;
}

}  // namespace

// [SECTION] optimise

OptimiseResult optimise(AccessEngine& engine, const Evaluation& baseline, const Problem& problem,
                        const EvalParams& params, const Control& control) {
  const auto start = std::chrono::steady_clock::now();
  problem.validate();
  if (std::lround(problem.cutoff_min * 600.0) != engine.cutoff_ds()) {
    throw geo::Error("the problem's cutoff (" + fr_number(problem.cutoff_min, 0) +
                         " min) differs from the access tables' (" +
                         fr_number(geo::deciseconds_to_minutes(engine.cutoff_ds()), 0) + " min)",
                     geo::ErrorKind::Internal);
  }
  OptimiseResult r;
  r.problem = problem;
  control.report("Préparation du problème", 0);
  r.instance = build_instance(engine, baseline, problem, params, control, r.report);
  const Instance& in = r.instance;
  r.seconds_instance = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.baseline_open.assign(in.candidate_count(), 0);
  for (std::size_t j = 0; j < in.candidate_count(); ++j) r.baseline_open[j] = in.candidates[j].existing;
  r.before = figures_of(in, r.baseline_open);

  control.report("Heuristique", 0);
  r.heuristic = solve_heuristic(in, control, &r.heuristic_stats);
  if (in.objective == Objective::Capacitated) assign_teams(in, r.heuristic, true);
  r.heuristic_figures = figures_of(in, r.heuristic.open);
  r.solution = r.heuristic;
  if (r.heuristic.feasible && (in.objective == Objective::PMedian || in.objective == Objective::Capacitated)) {
    control.report("Borne lagrangienne", 0);
    r.lagrangian = lagrangian_bound(in, primary(in, r.heuristic), 600, control);
    if (!std::isnan(r.lagrangian.bound)) {
      r.gap_lagrangian_percent = relative_gap_percent(in, primary(in, r.heuristic), r.lagrangian.bound);
    }
  }
  if (problem.exact) {
    ExactOptions eo;
    eo.time_limit_s = problem.exact_time_limit_s;
    if (const char* lvl = std::getenv("RECOMPOSE_CBC_LOG")) eo.log_level = std::atoi(lvl);
    eo.start = problem.exact_warm_start && r.heuristic.feasible ? &r.heuristic : nullptr;
    r.exact = solve_exact(in, eo, control);
    r.exact_run = true;
    control.check();
    const bool bound_known = (r.exact.status == ExactStatus::Optimal || r.exact.status == ExactStatus::TimeLimit ||
                              r.exact.status == ExactStatus::NoSolution) &&
                             !std::isnan(r.exact.bound);
    if (bound_known && r.heuristic.feasible) r.gap_percent = relative_gap_percent(in, primary(in, r.heuristic), r.exact.bound);
    if (r.exact.has_solution && r.exact.solution.feasible &&
        (!r.heuristic.feasible || primary(in, r.exact.solution) < primary(in, r.heuristic) - 1e-9 * std::max(1.0, std::abs(primary(in, r.heuristic))))) {
      r.solution = r.exact.solution;
      r.chosen = "exact (CBC)";
    }
    if (bound_known && r.solution.feasible) r.gap_chosen_percent = relative_gap_percent(in, primary(in, r.solution), r.exact.bound);
  }
  if (!r.solution.feasible) {
    std::string why = in.objective == Objective::Capacitated
                          ? "no set of at most " + std::to_string(in.p) +
                                " sites gives every kept site the critical size with the teams of the closed ones (within " +
                                fr_number(problem.merge_max_min, 0) + " min)"
                          : "no set of sites meets the maximum time or the cover asked";
    if (r.exact_run && r.exact.status == ExactStatus::Infeasible) why += " (proved by CBC)";
    throw geo::Error("optimisation " + problem.name + ": " + why);
  }
  r.after = figures_of(in, r.solution.open);
  control.report("Scénario proposé", 0);
  build_proposal(r, baseline, engine.territory());
  control.report("Évaluation de la proposition", 0);
  r.evaluation = evaluate(engine, r.proposal, params);
  r.verified = figures_from_evaluation(in, r.report, r.evaluation);
  const double tol = 1e-7 * std::max(1.0, std::abs(r.after.value));
  r.verified_equal = std::abs(r.verified.value - r.after.value) <= tol && r.verified.violations == r.after.violations &&
                     r.verified.sites == r.after.sites;
  r.checks = hand_checks(r);
  if (!r.verified_equal) {
    r.checks.insert(r.checks.begin(), "⚠ L'évaluation du scénario proposé ne redonne pas l'objectif de l'optimiseur (" +
                                          fr_number(r.verified.value, 3) + " au lieu de " + fr_number(r.after.value, 3) +
                                          ") : signaler ce cas.");
  }
  r.seconds_total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace recompose::planner::optimise
