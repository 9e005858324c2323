// Index:
//   [SECTION] per-option figures
//   [SECTION] rows
//   [SECTION] ranking of the options per commune
//   [SECTION] run (the CLI's path)
//   [SECTION] comparaison.md
//   [SECTION] comparaison.csv
#include "planner/comparison.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "geo/error.hpp"
#include "geo/output_folder.hpp"
#include "geo/vector_io.hpp"
#include "planner/evaluation_report.hpp"
#include "planner/format.hpp"
#include "planner/offer/pharmacies.hpp"

namespace recompose::planner {

namespace fs = std::filesystem;

bool ComparisonRow::differs() const {
  for (double v : values) {
    const double a = values.front();
    if (std::isnan(a) != std::isnan(v)) return true;
    if (!std::isnan(a) && std::abs(a - v) > 1e-9 * std::max(1.0, std::abs(a))) return true;
  }
  return false;
}

const ComparisonRow* Comparison::row(const std::string& key) const {
  for (const auto& r : rows) {
    if (r.key == key) return &r;
  }
  return nullptr;
}

namespace {

std::string th_key(double th) { return std::to_string(static_cast<int>(th)); }

// [SECTION] per-option figures

struct OptionFigures {
  std::map<std::string, KeyFigures> key;  // per target
  double e2sfca = NAN;
  offer::PharmacyAnalysis pharmacies;
  std::vector<AreaFigures> communes;
};

std::size_t count_centres(const Recomposition& r, Check CentreFigures::*field) {
  std::size_t n = 0;
  for (const auto& c : r.centres) n += c.is_centre && !c.sites.empty() && c.*field == Check::No;
  return n;
}

const ServiceAccess* service(const Recomposition& r, const std::string& target) {
  for (const auto& a : r.access) {
    if (a.target == target) return &a;
  }
  return nullptr;
}

double surplus_sum(const std::vector<offer::CommuneQuota>& q, bool only_mining) {
  double n = 0;
  for (const auto& c : q) {
    if (only_mining && !c.holds_mining_baseline) continue;
    n += std::max(0, c.surplus);
  }
  return n;
}

// Option a against b: -1 when a is better, 1 when b is, 0 when they tie (see the header).
int compare_scores(double no_access_a, double mean_a, double no_access_b, double mean_b, double tie_min) {
  if (std::abs(no_access_a - no_access_b) >= 0.5) return no_access_a < no_access_b ? -1 : 1;
  const bool na = std::isnan(mean_a), nb = std::isnan(mean_b);
  if (na && nb) return 0;
  if (na != nb) return na ? 1 : -1;
  if (std::abs(mean_a - mean_b) < tie_min) return 0;
  return mean_a < mean_b ? -1 : 1;
}

std::vector<int> ranks(const std::vector<double>& no_access, const std::vector<double>& mean, double tie_min) {
  std::vector<int> r(mean.size(), 1);
  for (std::size_t a = 0; a < mean.size(); ++a) {
    for (std::size_t b = 0; b < mean.size(); ++b) {
      if (a != b && compare_scores(no_access[b], mean[b], no_access[a], mean[a], tie_min) < 0) ++r[a];
    }
  }
  return r;
}

}  // namespace

// [SECTION] rows

Comparison compare_options(const Territory& t, const EvalParams& p, const std::vector<ComparedOption>& options,
                           const ComparisonSettings& settings) {
  if (options.empty()) throw geo::Error("compare: no option to compare", geo::ErrorKind::Internal);
  const std::size_t n = options.size();
  const Evaluation& base = *options[0].evaluation;
  Comparison c;
  c.territory_name = t.name;
  c.territory_title = t.title;
  c.straight_line = base.model == TimeModel::StraightLine;
  c.time_model_label = c.straight_line ? "temps estimés à vol d'oiseau" : "temps routiers (voiture)";
  c.fictitious_regime = t.regime.fictitious;
  c.cutoff_min = p.cutoff_min;
  c.urgent_threshold_min = p.urgent_threshold_min;
  c.tie_min = settings.tie_min;
  for (const auto& u : t.units) c.population += u.population;

  // Options: names made unique for the column headers.
  std::set<std::string> used;
  for (const auto& o : options) {
    OptionInfo info;
    info.name = o.scenario->name.empty() ? "Scénario sans nom" : o.scenario->name;
    info.path = o.path;
    info.applied = o.evaluation->applied;
    info.column = info.name;
    for (int k = 2; used.count(info.column); ++k) info.column = info.name + " (" + std::to_string(k) + ")";
    used.insert(info.column);
    c.options.push_back(std::move(info));
  }

  // Targets present in any option, the baseline's order first.
  std::vector<std::string> targets = base.targets;
  for (const auto& o : options) {
    for (const auto& tg : o.evaluation->targets) {
      if (std::find(targets.begin(), targets.end(), tg) == targets.end()) targets.push_back(tg);
    }
  }
  const auto has_target = [&](const std::string& tg) { return std::find(targets.begin(), targets.end(), tg) != targets.end(); };
  const std::string urgent = has_target(p.urgent_target) ? p.urgent_target : "";
  const std::string regime_target = has_target(kRegimeKind) ? kRegimeKind : has_target("mining_regime") ? "mining_regime" : "";
  const double regime_th = p.regime.thresholds_min.empty() ? 15.0 : p.regime.thresholds_min.front();
  EvalParams p_regime = p;
  p_regime.urgent_threshold_min = regime_th;  // key_figures' "beyond" at the regime threshold

  std::vector<OptionFigures> fig(n);
  std::vector<double> regime_beyond(n, NAN);
  for (std::size_t i = 0; i < n; ++i) {
    const Evaluation& e = *options[i].evaluation;
    for (const auto& tg : targets) fig[i].key[tg] = key_figures(t, e, p, tg);
    fig[i].e2sfca = aggregate(t, e, p, "territory").front().e2sfca_mean;
    fig[i].pharmacies = offer::analyse_pharmacies(t, *options[i].scenario, base, e, p);
    fig[i].communes = aggregate(t, e, p, "commune");
    if (!regime_target.empty()) regime_beyond[i] = key_figures(t, e, p_regime, regime_target).beyond_threshold;
  }
  c.fictitious_mining_pharmacies = fig[0].pharmacies.fictive_mining;
  c.osm_officines = fig[0].pharmacies.osm_liberal;
  c.need_weighted = !p.need_indicator.empty();
  if (fig[0].pharmacies.has_liberal || fig[0].pharmacies.has_mining) c.pharmacy_affiliates = fig[0].pharmacies.affiliates;

  std::set<std::string> keys;
  auto add = [&](const std::string& key, const std::string& group, const std::string& label, const std::string& unit,
                 int decimals, Better better, bool key_figure, auto&& value_of, double scale = 1) {
    if (!keys.insert(key).second) return;
    ComparisonRow r;
    r.key = key;
    r.group = group;
    r.label = label;
    r.unit = unit;
    r.display_scale = scale;
    r.decimals = decimals;
    r.better = better;
    r.key_figure = key_figure;
    for (std::size_t i = 0; i < n; ++i) r.values.push_back(value_of(i));
    c.rows.push_back(std::move(r));
  };
  const std::string beyond = "population_beyond_" + th_key(p.urgent_threshold_min) + "_min";
  const std::string th_urgent = fr_number(p.urgent_threshold_min);
  // Labels: `to` completes "à plus de 30 min" ("des urgences"), `of` completes "Temps moyen"
  // ("jusqu'aux urgences"); both empty in a destination's own group.
  auto target_rows = [&](const std::string& tg, const std::string& group, bool key_figure, const std::string& to,
                         const std::string& of) {
    const std::string k = "targets/" + tg + "/*/";
    add(k + beyond, group, "Population à plus de " + th_urgent + " min" + to, "hab.", 0, Better::Lower, key_figure,
        [&](std::size_t i) { return fig[i].key[tg].beyond_threshold; });
    add(k + "share_beyond", group, "Part de la population routée à plus de " + th_urgent + " min" + to, "%", 1,
        Better::Lower, key_figure, [&](std::size_t i) {
          const auto& f = fig[i].key[tg];
          return f.population_routed > 0 ? f.beyond_threshold / f.population_routed : 0.0;
        }, 100);
    add(k + "mean_min", group, "Temps moyen" + of, "min", 1, Better::Lower, key_figure,
        [&](std::size_t i) { return fig[i].key[tg].mean_min; });
    add(k + "p90_min", group, "90e centile du temps" + of, "min", 1, Better::Lower, key_figure,
        [&](std::size_t i) { return fig[i].key[tg].p90_min; });
  };
  auto target_detail_rows = [&](const std::string& tg, const std::string& group) {
    const std::string k = "targets/" + tg + "/*/";
    target_rows(tg, group, false, "", "");
    add(k + "population_no_access", group, "Population sans accès à moins de " + fr_number(p.cutoff_min) + " min", "hab.", 0,
        Better::Lower, false, [&](std::size_t i) { return fig[i].key[tg].no_access; });
    for (double th : p.coverage_min) {
      add(k + "coverage/" + th_key(th) + "_min", group, "Population à moins de " + fr_number(th) + " min", "hab.", 0,
          Better::Higher, false, [&](std::size_t i) { return fig[i].key[tg].coverage.at(th); });
    }
    for (double th : p.coverage_min) {
      add(k + "coverage_need_weighted/" + th_key(th) + "_min", group,
          "Population pondérée par le besoin à moins de " + fr_number(th) + " min", "hab.", 0, Better::Higher, false,
          [&](std::size_t i) { return fig[i].key[tg].coverage_need.at(th); });
    }
  };

  // Key figures first (the main table), then every other figure.
  const bool affiliates = t.regime.has_affiliates();
  if (!urgent.empty()) {
    const std::string g = "Urgences — " + target_label(urgent);
    target_rows(urgent, g, true, " des urgences", " jusqu'aux urgences");
    if (affiliates) {
      // Affiliates of routed units beyond the threshold or with nothing within the cutoff,
      // as key_figures counts the population.
      add("comparaison/affiliates_beyond_" + th_key(p.urgent_threshold_min) + "_min/" + urgent, g,
          "Affiliés du régime minier à plus de " + th_urgent + " min des urgences", "affiliés", 0, Better::Lower, true,
          [&](std::size_t i) {
            const Evaluation& e = *options[i].evaluation;
            const int ti = e.target_index(urgent);
            double a = 0;
            for (std::size_t u = 0; u < t.units.size(); ++u) {
              if (e.model == TimeModel::Road && !t.units[u].snap.result.ok()) continue;
              const geo::Deciseconds ds = ti < 0 ? kNoAccess : e.nearest_time[static_cast<std::size_t>(ti)][u];
              if (ds == kNoAccess || geo::deciseconds_to_minutes(ds) > p.urgent_threshold_min) a += t.regime.affiliates[u];
            }
            return a;
          });
    }
  }
  const bool regime = base.recomposition.present;
  if (!regime_target.empty()) {
    const std::string g = "Régime minier — " + target_label(regime_target);
    add("comparaison/population_beyond_" + th_key(regime_th) + "_min/" + regime_target, g,
        "Population à plus de " + fr_number(regime_th) + " min d'un site du régime", "hab.", 0,
        Better::Lower, true, [&](std::size_t i) { return regime_beyond[i]; });
    if (regime && affiliates) {
      add("recomposition/*/access/" + regime_target + "/affiliates_beyond_" + th_key(regime_th) + "_min", g,
          "Affiliés à plus de " + fr_number(regime_th) + " min d'un site du régime", "affiliés", 0,
          Better::Lower, true, [&](std::size_t i) {
            const ServiceAccess* s = service(options[i].evaluation->recomposition, regime_target);
            return s && s->beyond.count(regime_th) ? s->beyond.at(regime_th) : NAN;
          });
    }
    add("targets/" + regime_target + "/*/mean_min", g, "Temps moyen jusqu'au site du régime le plus proche", "min", 1,
        Better::Lower, true, [&](std::size_t i) { return fig[i].key[regime_target].mean_min; });
    add("targets/" + regime_target + "/*/p90_min", g, "90e centile du temps jusqu'au site du régime", "min", 1,
        Better::Lower, true, [&](std::size_t i) { return fig[i].key[regime_target].p90_min; });
  }
  if (regime) {
    const std::string g = "Régime minier : centres et affiliés";
    auto rec = [&](std::size_t i) -> const Recomposition& { return options[i].evaluation->recomposition; };
    add("recomposition/*/centres_counted", g, "Centres de santé ouverts (gestions budgétaires)", "centres", 0, Better::None,
        true, [&](std::size_t i) { return static_cast<double>(rec(i).centres_counted); });
    add("recomposition/*/centres_below_critical_size", g,
        "Centres sous la taille critique (< " + fr_number(p.regime.critical_gp_fte, 1) + " ETP de médecin généraliste)",
        "centres", 0, Better::Lower, true, [&](std::size_t i) { return static_cast<double>(rec(i).centres_below_critical); });
    if (affiliates) {
      add("recomposition/*/affiliates_outside_rayon", g,
          "Affiliés hors du rayon d'action (" + fr_number(p.regime.rayon_action_min) + " min) de tout site du régime",
          "affiliés", 0, Better::Lower, true, [&](std::size_t i) { return rec(i).affiliates_outside_rayon; });
      add("recomposition/*/patients_to_recruit/central", g,
          "Patients à recruter d'ici " + std::to_string(rec(0).horizon_year) + " (multiplicateur " +
              fr_number(p.recruitment_multiplier, 0) + ")",
          "patients", 0, Better::None, true, [&](std::size_t i) { return rec(i).recruit; });
    }
  }
  const std::string g_offer = "Offre de soins";
  add("e2sfca_per_100k/*", g_offer, "Accessibilité potentielle E2SFCA (" + target_label(p.e2sfca_kind) + ")",
      "pour 100\u202f000 hab.", 1, Better::Higher, true, [&](std::size_t i) { return fig[i].e2sfca; });
  if (has_target("gp_point") &&
      std::find(p.coverage_min.begin(), p.coverage_min.end(), 15.0) != p.coverage_min.end()) {
    add("targets/gp_point/*/coverage/15_min", g_offer, "Population à moins de 15 min d'un médecin généraliste",
        "hab.", 0, Better::Higher, true, [&](std::size_t i) { return fig[i].key["gp_point"].coverage.at(15.0); });
  }
  const auto& ph0 = fig[0].pharmacies;
  if (ph0.has_liberal) {
    const std::string g = "Pharmacies";
    add("pharmacies/surplus/all_communes/*/over_quota", g, "Communes en excédent d'officines", "communes", 0, Better::Lower,
        true, [&](std::size_t i) { return static_cast<double>(fig[i].pharmacies.all_after.over); });
    add("comparaison/surplus_officines/all_communes", g, "Officines en surnombre (somme des excédents par commune)",
        "officines", 0, Better::Lower, true,
        [&](std::size_t i) { return surplus_sum(fig[i].pharmacies.after, false); });
    if (ph0.has_mining) {
      add("pharmacies/surplus/mining_communes/*/over_quota", g, "Communes à pharmacie minière en excédent d'officines",
          "communes", 0, Better::Lower, true, [&](std::size_t i) { return static_cast<double>(fig[i].pharmacies.mining_after.over); });
    }
  }
  if (ph0.has_liberal || ph0.has_mining) {
    for (const auto& [th, w] : ph0.lost_within) {
      (void)w;
      const double threshold = th;
      add("pharmacies/affiliates_losing_every_pharmacy_within_min/" + fr_number(threshold), "Pharmacies",
          "Affiliés perdant toute pharmacie à moins de " + fr_number(threshold) + " min",
          "affiliés", 0, Better::Lower, true, [&](std::size_t i) {
            const auto& l = fig[i].pharmacies.lost_within;
            return l.count(threshold) ? l.at(threshold) : 0.0;
          });
    }
  }

  // Details: the rest of the regime and pharmacy figures, then every destination.
  if (regime) {
    const std::string g = "Régime minier : centres et affiliés";
    auto rec = [&](std::size_t i) -> const Recomposition& { return options[i].evaluation->recomposition; };
    add("recomposition/*/centres_open", g, "Gestions budgétaires ouvertes (tous types)", "centres", 0, Better::None, false,
        [&](std::size_t i) { return static_cast<double>(rec(i).centres_open); });
    add("recomposition/*/centres_without_inter_replacement", g, "Centres sans inter-remplacement", "centres", 0, Better::Lower,
        false, [&](std::size_t i) { return static_cast<double>(count_centres(rec(i), &CentreFigures::inter_replacement)); });
    add("recomposition/*/centres_below_opening_hours", g,
        "Centres ouverts moins de " + fr_number(p.regime.opening_min_hours_per_day) + " h par jour", "centres", 0,
        Better::Lower, false, [&](std::size_t i) { return static_cast<double>(count_centres(rec(i), &CentreFigures::opening)); });
    add("recomposition/*/sites_open", g, "Sites du régime ouverts", "sites", 0, Better::None, false, [&](std::size_t i) {
      double k = 0;
      for (const auto& sf : rec(i).sites) k += options[i].evaluation->facilities[sf.facility].open ? 1 : 0;
      return k;
    });
    add("recomposition/*/ufts", g, "Unités fonctionnelles de territoire (UFT)", "UFT", 0, Better::None, false,
        [&](std::size_t i) { return static_cast<double>(rec(i).ufts.size()); });
    if (affiliates) {
      add("recomposition/*/patients_to_recruit/low", g, "Patients à recruter, bas de la fourchette", "patients", 0,
          Better::None, false, [&](std::size_t i) { return rec(i).recruit_low; });
      add("recomposition/*/patients_to_recruit/high", g, "Patients à recruter, haut de la fourchette", "patients", 0,
          Better::None, false, [&](std::size_t i) { return rec(i).recruit_high; });
      add("recomposition/*/affiliates_unallocated", g, "Affiliés sans centre dans la limite de calcul", "affiliés", 0,
          Better::Lower, false, [&](std::size_t i) { return rec(i).affiliates_unallocated; });
      for (const auto& a : base.recomposition.access) {
        const std::string svc = a.target, k = "recomposition/*/access/" + svc + "/";
        auto of = [&](std::size_t i) { return service(rec(i), svc); };
        add(k + "mean_min", g, "Temps moyen des affiliés — " + target_label(svc), "min", 1, Better::Lower, false,
            [&](std::size_t i) { return of(i) ? of(i)->mean_min : NAN; });
        for (double th : p.regime.thresholds_min) {
          add(k + "affiliates_beyond_" + th_key(th) + "_min", g,
              "Affiliés à plus de " + fr_number(th) + " min — " + target_label(svc), "affiliés", 0, Better::Lower, false,
              [&](std::size_t i) { return of(i) && of(i)->beyond.count(th) ? of(i)->beyond.at(th) : NAN; });
        }
        add(k + "affiliates_no_access", g, "Affiliés sans accès — " + target_label(svc), "affiliés", 0, Better::Lower,
            false, [&](std::size_t i) { return of(i) ? of(i)->affiliates_no_access : NAN; });
      }
    }
  }
  if (ph0.has_liberal) {
    const std::string g = "Pharmacies";
    add("pharmacies/surplus/all_communes/*/at_quota", g, "Communes au quota", "communes", 0, Better::None, false,
        [&](std::size_t i) { return static_cast<double>(fig[i].pharmacies.all_after.at); });
    add("pharmacies/surplus/all_communes/*/under_quota", g, "Communes sous le quota", "communes", 0, Better::None, false,
        [&](std::size_t i) { return static_cast<double>(fig[i].pharmacies.all_after.under); });
    if (ph0.has_mining) {
      add("comparaison/surplus_officines/mining_communes", g,
          "Officines en surnombre dans les communes à pharmacie minière", "officines", 0, Better::Lower, false,
          [&](std::size_t i) { return surplus_sum(fig[i].pharmacies.after, true); });
    }
  }
  for (const auto& tg : targets) target_detail_rows(tg, "Destination : " + target_label(tg));

  // [SECTION] ranking of the options per commune
  std::string criterion = settings.criterion_target;
  if (!criterion.empty() && !has_target(criterion)) {
    throw geo::Error("compare: criterion target '" + criterion + "' is not a facility kind or flag of territory " + t.name,
                     geo::ErrorKind::Usage);
  }
  if (criterion.empty()) {
    double best = 0;
    for (const auto& tg : targets) {
      double lo = 1e300, hi = -1e300, nlo = 1e300, nhi = -1e300;
      for (std::size_t i = 0; i < n; ++i) {
        const auto& f = fig[i].key[tg];
        if (!std::isnan(f.mean_min)) {
          lo = std::min(lo, f.mean_min);
          hi = std::max(hi, f.mean_min);
        }
        nlo = std::min(nlo, f.no_access);
        nhi = std::max(nhi, f.no_access);
      }
      // Minutes of mean time, or (when access itself is lost) the share of the population losing it x 60.
      const double spread = std::max(hi > lo ? hi - lo : 0.0, c.population > 0 ? 60.0 * (nhi - nlo) / c.population : 0.0);
      if (spread > best + 1e-12) {
        best = spread;
        criterion = tg;
      }
    }
    if (criterion.empty()) criterion = !urgent.empty() ? urgent : targets.empty() ? "" : targets.front();
  }
  c.criterion_target = criterion;
  if (!criterion.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      c.territory_mean_min.push_back(fig[i].key[criterion].mean_min);
      c.territory_no_access.push_back(fig[i].key[criterion].no_access);
    }
    c.territory_rank = ranks(c.territory_no_access, c.territory_mean_min, c.tie_min);
    const auto& communes0 = fig[0].communes;
    c.communes_total = communes0.size();
    for (std::size_t k = 0; k < communes0.size(); ++k) {
      CommuneRanking r;
      r.code = communes0[k].code;
      r.name = communes0[k].name;
      r.population = communes0[k].population;
      for (std::size_t i = 0; i < n; ++i) {
        const auto& a = fig[i].communes[k];  // same unit order, same commune order
        r.mean_min.push_back(a.mean_min.count(criterion) ? a.mean_min.at(criterion) : NAN);
        r.no_access.push_back(a.population_no_access.count(criterion) ? a.population_no_access.at(criterion) : r.population);
      }
      r.rank = ranks(r.no_access, r.mean_min, c.tie_min);
      if (std::all_of(r.rank.begin(), r.rank.end(), [](int x) { return x == 1; })) ++c.communes_indifferent;
      for (std::size_t a = 0; a < n; ++a) {
        for (std::size_t b = a + 1; b < n; ++b) {
          const int terr = compare_scores(c.territory_no_access[a], c.territory_mean_min[a], c.territory_no_access[b],
                                          c.territory_mean_min[b], c.tie_min);
          const int mine = compare_scores(r.no_access[a], r.mean_min[a], r.no_access[b], r.mean_min[b], c.tie_min);
          if (terr != 0 && mine != 0 && terr != mine) {
            ++r.reversed_pairs;
            const double gap = std::isnan(r.mean_min[a]) || std::isnan(r.mean_min[b]) ? 0 : std::abs(r.mean_min[a] - r.mean_min[b]);
            r.weight += r.population * gap + std::abs(r.no_access[a] - r.no_access[b]) * p.cutoff_min;
          }
        }
      }
      if (r.reversed_pairs > 0) c.communes.push_back(std::move(r));
    }
    std::sort(c.communes.begin(), c.communes.end(), [](const CommuneRanking& x, const CommuneRanking& y) {
      if (x.reversed_pairs != y.reversed_pairs) return x.reversed_pairs > y.reversed_pairs;
      if (x.weight != y.weight) return x.weight > y.weight;
      return x.code < y.code;
    });
  }
  return c;
}

// [SECTION] run (the CLI's path)

ComparisonRun run_comparison(AccessEngine& engine, const std::vector<Scenario>& scenarios, const EvalParams& p,
                             const ComparisonSettings& settings) {
  const auto start = std::chrono::steady_clock::now();
  ComparisonRun run;
  run.scenarios.push_back(Scenario::baseline());
  run.scenarios.insert(run.scenarios.end(), scenarios.begin(), scenarios.end());
  for (const auto& s : run.scenarios) {
    run.evaluations.push_back(geo::with_error_context(
        "scenario " + (s.path.empty() ? s.name : s.path), [&] { return evaluate(engine, s, p); }));
  }
  std::vector<ComparedOption> options;
  for (std::size_t i = 0; i < run.scenarios.size(); ++i) {
    options.push_back({&run.scenarios[i], &run.evaluations[i], run.scenarios[i].path});
  }
  run.comparison = compare_options(engine.territory(), p, options, settings);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

// [SECTION] comparaison.md

std::string format_value(const ComparisonRow& row, double value) {
  if (std::isnan(value)) return "—";
  return fr_number(value * row.display_scale, row.decimals) + (row.unit == "%" ? " %" : "");
}

std::string format_delta(const ComparisonRow& row, std::size_t i) {
  const double a = row.values.front(), b = row.values[i];
  if (std::isnan(a) || std::isnan(b)) return "";
  const double d = (b - a) * row.display_scale;
  const std::string s = fr_delta(d, row.decimals);
  if (s.find_first_not_of("0,\u202f-") == std::string::npos) return "";  // rounds to zero
  return s + (row.unit == "%" ? " pt" : "");
}

namespace {

// Indices of the best options of a row (empty when it does not differ or has no direction).
std::set<std::size_t> best_options(const ComparisonRow& r) {
  std::set<std::size_t> out;
  if (r.better == Better::None || !r.differs()) return out;
  double best = NAN;
  for (double v : r.values) {
    if (std::isnan(v)) continue;
    if (std::isnan(best) || (r.better == Better::Lower ? v < best : v > best)) best = v;
  }
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    if (!std::isnan(r.values[i]) && std::abs(r.values[i] - best) <= 1e-9 * std::max(1.0, std::abs(best))) out.insert(i);
  }
  return out;
}

std::string rank_label(int r) { return r == 1 ? "1er" : std::to_string(r) + "e"; }

void md_table(std::ostringstream& m, const Comparison& c, const std::vector<const ComparisonRow*>& rows, bool groups) {
  m << "| Indicateur |";
  for (const auto& o : c.options) m << " " << md_cell(o.column) << " |";
  m << "\n|---|";
  for (std::size_t i = 0; i < c.options.size(); ++i) m << "---:|";
  m << "\n";
  std::string group;
  for (const ComparisonRow* r : rows) {
    if (groups && r->group != group) {
      group = r->group;
      m << "| **" << md_cell(group) << "** |";
      for (std::size_t i = 0; i < c.options.size(); ++i) m << " |";
      m << "\n";
    }
    const auto best = best_options(*r);
    m << "| " << md_cell(r->label) << (r->unit == "%" ? "" : " (" + r->unit + ")") << " |";
    for (std::size_t i = 0; i < r->values.size(); ++i) {
      std::string cell = format_value(*r, r->values[i]);
      if (best.count(i)) cell = "**" + cell + "**";
      if (i > 0) {
        const std::string d = format_delta(*r, i);
        if (!d.empty()) cell += " (" + d + ")";
      }
      m << " " << cell << " |";
    }
    m << "\n";
  }
}

}  // namespace

std::string comparison_markdown(const Comparison& c, std::size_t max_communes) {
  std::ostringstream m;
  m << "# Comparaison de scénarios — " << c.territory_title << "\n\n";
  m << "Comparaison produite le " << iso_today() << " par Recompose (`recompose compare`) : la situation actuelle et "
    << c.options.size() - 1 << " scénario" << (c.options.size() > 2 ? "s" : "")
    << " évalués une fois chacun sur les mêmes tables de temps d'accès (" << c.time_model_label << ", limite de calcul "
    << fr_number(c.cutoff_min) << " min ; " << fr_number(c.population) << " habitants).\n\n";
  if (c.fictitious_regime) {
    m << "> **⚠ Régime minier : " << kFictitiousLabel
      << ".** Les sites, équipes et affiliés du régime minier utilisés ici sont inventés pour la démonstration ; aucun "
         "chiffre du régime ci-dessous ne décrit l'offre réelle de Filieris.\n\n";
  }
  if (c.fictitious_mining_pharmacies) {
    m << "> **⚠ Pharmacies minières : " << kFictitiousLabel << ".**\n\n";
  }
  if (c.osm_officines) m << "> Officines libérales : OpenStreetMap 2021, liste non exhaustive.\n\n";
  if (c.straight_line) {
    m << "> **Attention : temps estimés à vol d'oiseau** (pas de réseau routier dans les données) : ce ne sont pas des "
         "temps routiers.\n\n";
  }
  m << "## Options comparées\n\n";
  for (const auto& o : c.options) {
    m << "- **" << o.column << "**";
    if (!o.path.empty()) m << " (`" << o.path << "`)";
    m << " : ";
    if (o.applied.empty()) {
      m << "aucune modification.";
    } else {
      for (std::size_t k = 0; k < o.applied.size(); ++k) m << (k ? " ; " : "") << o.applied[k];
      m << ".";
    }
    m << "\n";
  }
  m << "\n## Chiffres clés\n\n";
  m << "Entre parenthèses : l'écart à la situation actuelle ; en gras : la meilleure option quand les options diffèrent "
       "(les chiffres sans sens de préférence, comme le nombre de centres, ne sont pas mis en gras).\n\n";
  std::vector<const ComparisonRow*> key_rows, other_rows;
  for (const auto& r : c.rows) (r.key_figure ? key_rows : other_rows).push_back(&r);
  md_table(m, c, key_rows, true);

  m << "\n## Autres chiffres qui diffèrent entre les options\n\n";
  std::vector<const ComparisonRow*> differing;
  std::map<std::string, bool> group_differs;
  std::vector<std::string> group_order;
  for (const ComparisonRow* r : other_rows) {
    // Without a need indicator the need-weighted figures repeat the population ones.
    if (!c.need_weighted && r->key.find("coverage_need_weighted") != std::string::npos) continue;
    if (!group_differs.count(r->group)) group_order.push_back(r->group);
    group_differs[r->group] = group_differs[r->group] || r->differs();
    if (r->differs()) differing.push_back(r);
  }
  if (differing.empty()) {
    m << "Aucun.\n";
  } else {
    md_table(m, c, differing, true);
  }
  std::vector<std::string> unchanged;
  for (const auto& g : group_order) {
    if (!group_differs[g] && g.rfind("Destination : ", 0) == 0) unchanged.push_back(g.substr(std::string("Destination : ").size()));
  }
  if (!unchanged.empty()) {
    m << "\nIdentiques dans toutes les options : ";
    for (std::size_t k = 0; k < unchanged.size(); ++k) m << (k ? ", " : "") << unchanged[k];
    m << " (détail dans `comparaison.csv`).\n";
  }

  m << "\n## Communes où le classement des options diffère le plus\n\n";
  if (c.criterion_target.empty()) {
    m << "Aucune destination à comparer.\n";
  } else {
    m << "Critère : temps d'accès à « " << target_label(c.criterion_target)
      << " » (la destination dont le temps moyen varie le plus d'une option à l'autre, sauf choix par `--critere`). "
         "Pour chaque commune, une option est meilleure qu'une autre quand moins d'habitants y sont sans accès (aucun "
         "établissement à moins de "
      << fr_number(c.cutoff_min) << " min), puis quand le temps moyen de ses habitants (pondéré par la population des IRIS "
      << "routés) est plus court d'au moins " << fr_number(c.tie_min, 1)
      << " min ; sinon elles sont à égalité. Une commune « inverse » une paire d'options quand elle les classe dans "
         "l'ordre contraire de celui du territoire entier ; les communes sont triées par nombre de paires inversées, puis "
         "par poids de ces inversions (habitants × minutes d'écart).\n\n";
    m << "Classement du territoire :";
    std::vector<std::size_t> order(c.options.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return c.territory_rank[a] < c.territory_rank[b]; });
    for (std::size_t k = 0; k < order.size(); ++k) {
      const std::size_t i = order[k];
      m << (k ? " ; " : " ") << rank_label(c.territory_rank[i]) << " " << c.options[i].column << " ("
        << fr_number(c.territory_mean_min[i], 1) << " min en moyenne";
      if (c.territory_no_access[i] > 0) m << ", " << fr_number(c.territory_no_access[i]) << " hab. sans accès";
      m << ")";
    }
    m << ".\n\n";
    m << c.communes.size() << " commune" << (c.communes.size() > 1 ? "s" : "") << " sur " << c.communes_total
      << " classe" << (c.communes.size() > 1 ? "nt" : "") << " au moins une paire d'options autrement que le territoire ; "
      << c.communes_indifferent << " sont indifférentes (toutes les options à égalité).\n\n";
    if (!c.communes.empty()) {
      m << "| Commune | Population |";
      for (const auto& o : c.options) m << " " << md_cell(o.column) << " |";
      m << " Paires inversées |\n|---|---:|";
      for (std::size_t i = 0; i < c.options.size(); ++i) m << "---:|";
      m << "---:|\n";
      for (std::size_t k = 0; k < std::min(max_communes, c.communes.size()); ++k) {
        const auto& r = c.communes[k];
        m << "| " << md_cell(r.name + " (" + r.code + ")") << " | " << fr_number(r.population) << " |";
        for (std::size_t i = 0; i < c.options.size(); ++i) {
          m << " " << fr_number(r.mean_min[i], 1) << " min (" << rank_label(r.rank[i]) << ")";
          if (r.no_access[i] > 0) m << ", " << fr_number(r.no_access[i]) << " hab. sans accès";
          m << " |";
        }
        m << " " << r.reversed_pairs << " |\n";
      }
      if (c.communes.size() > max_communes) {
        m << "\n… et " << c.communes.size() - max_communes << " autres (toutes dans le visualiseur).\n";
      }
    }
  }

  m << "\n## Méthode\n\n";
  m << "- Chaque colonne est, chiffre par chiffre, celle qu'écrit `recompose evaluate` pour ce scénario dans "
       "`summary.json` (colonne `cle` de `comparaison.csv` : chemin dans `summary.json`, `*` valant `before` pour la "
       "situation actuelle et `after` pour un scénario ; un chemin sans `*` est un écart à la situation actuelle, nul dans "
       "sa colonne). Les clés `comparaison/…` sont calculées sur les mêmes temps : habitants ou affiliés des IRIS routés "
       "au-delà du seuil ou sans accès, somme des excédents d'officines par commune.\n";
  m << "- Les IRIS hors du réseau routier ne sont comptés ni parmi les proches ni parmi les éloignés.\n";
  if (!c.pharmacy_affiliates.empty()) m << "- Affiliés des chiffres de pharmacies : " << c.pharmacy_affiliates << ".\n";
  if (!c.need_weighted) {
    m << "- Aucun indice de besoin retenu : les chiffres pondérés par le besoin égalent ceux de la population (dans "
         "`comparaison.csv` seulement).\n";
  }
  m << "- `comparaison.csv` : une ligne par chiffre, une colonne par option, décimales avec un point, parts entre 0 et 1.\n";
  return m.str();
}

// [SECTION] comparaison.csv

void write_comparison(const Comparison& c, const std::string& out_dir) {
  // Written as a whole (geo/output_folder.hpp): locked, staged, moved in at the end.
  geo::OutputFolder folder(out_dir);
  const std::string dir = folder.staging();
  try {
    const std::string md = comparison_markdown(c);
    std::vector<geo::FieldDef> fields = {{"cle", geo::FieldType::String},
                                         {"groupe", geo::FieldType::String},
                                         {"indicateur", geo::FieldType::String},
                                         {"unite", geo::FieldType::String}};
    for (const auto& o : c.options) fields.push_back({o.column, geo::FieldType::Real});
    if (c.fictitious_regime) fields.push_back({"avertissement_regime", geo::FieldType::String});
    geo::VectorWriter csv((fs::path(dir) / "comparaison.csv").string(), geo::VectorFormat::Csv);
    csv.begin_layer("comparaison", geo::GeometryKind::None, fields);
    const geo::FieldValue warning{std::string(kFictitiousLabel)};
    for (const auto& r : c.rows) {
      std::vector<geo::FieldValue> row;
      row.reserve(fields.size());
      row.emplace_back(r.key);
      row.emplace_back(r.group);
      row.emplace_back(r.label);
      row.emplace_back(r.display_scale != 1 ? std::string("part (0 à 1)") : r.unit);
      for (double v : r.values) row.push_back(geo::real_or_null(v));
      if (c.fictitious_regime) row.push_back(warning);
      csv.write(row);
    }
    csv.commit();
    geo::write_text_file_atomic((fs::path(dir) / "comparaison.md").string(), md);
    folder.commit();
  } catch (const geo::Error& e) {
    throw folder.explained(e);
  }
}

}  // namespace recompose::planner
