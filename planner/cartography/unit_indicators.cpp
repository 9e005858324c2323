#include "planner/cartography/unit_indicators.hpp"

#include <cmath>

#include "geo/types.hpp"
#include "planner/format.hpp"

namespace recompose::planner::cartography {

const char* unit_state_label(UnitState s) {
  switch (s) {
    case UnitState::Value: return "valeur";
    case UnitState::OffNetwork: return "hors réseau";
    case UnitState::NoAccess: return "sans accès dans le seuil";
    case UnitState::NoData: return "pas de donnée";
  }
  return "";
}

Rgba state_colour(UnitState s) {
  switch (s) {
    case UnitState::OffNetwork: return kOffNetworkColour;
    case UnitState::NoAccess: return kNoAccessColour;
    default: return kNoDataColour;
  }
}

namespace {

UnitIndicator make(std::string key, std::string label, std::string unit, std::size_t n) {
  UnitIndicator ind;
  ind.key = std::move(key);
  ind.label = std::move(label);
  ind.unit = std::move(unit);
  ind.values.reserve(n);
  ind.state.reserve(n);
  return ind;
}

void push(UnitIndicator& ind, double v, UnitState s) {
  if (s == UnitState::Value && !std::isfinite(v)) s = UnitState::NoData;
  ind.values.push_back(s == UnitState::Value ? v : std::nan(""));
  ind.state.push_back(s);
  ind.no_access.push_back(s == UnitState::OffNetwork || s == UnitState::NoAccess);
}

}  // namespace

std::vector<UnitIndicator> unit_indicators(const Territory& t, const Evaluation& before, const Evaluation& after,
                                           const EvalParams& params) {
  std::vector<UnitIndicator> out;
  const std::size_t n = t.units.size();
  const bool road = after.model == TimeModel::Road;
  const std::string suffix = road ? "" : " (vol d'oiseau)";
  auto off_network = [&](std::size_t u) { return road && !t.units[u].snap.result.ok(); };
  for (const auto& target : after.targets) {
    const int ta = after.target_index(target), tb = before.target_index(target);
    auto now = make("temps:" + target, "Temps vers " + target_label(target) + suffix, "min", n);
    auto delta = make("ecart:" + target, "Écart de temps vers " + target_label(target) + suffix, "min", n);
    for (std::size_t u = 0; u < n; ++u) {
      const auto a = after.nearest_time[static_cast<std::size_t>(ta)][u];
      const auto b = tb < 0 ? kNoAccess : before.nearest_time[static_cast<std::size_t>(tb)][u];
      const bool off = off_network(u);
      const UnitState sa = off ? UnitState::OffNetwork : a == kNoAccess ? UnitState::NoAccess : UnitState::Value;
      push(now, sa == UnitState::Value ? geo::deciseconds_to_minutes(a) : NAN, sa);
      now.class_values.push_back(b == kNoAccess || off ? std::nan("") : geo::deciseconds_to_minutes(b));
      // A difference needs both times; a unit losing (or gaining) every access within
      // the cutoff has no finite difference: it keeps the state of the scenario side,
      // or "pas de donnée" when only the baseline lacks access.
      if (sa != UnitState::Value) {
        push(delta, NAN, sa);
      } else if (b == kNoAccess) {
        push(delta, NAN, UnitState::NoData);
      } else {
        push(delta, geo::deciseconds_to_minutes(a) - geo::deciseconds_to_minutes(b), UnitState::Value);
      }
    }
    now.classes_from_baseline = true;
    delta.difference = true;
    delta.neutral_abs = 0.05;  // times are in tenths of a second: 0 means unchanged
    delta.baseline_key.clear();
    out.push_back(std::move(now));
    out.push_back(std::move(delta));
  }
  auto e2 = make("e2sfca", "Accessibilité E2SFCA (" + target_label(params.e2sfca_kind) + ")", "/100 000 hab.", n);
  auto e2d = make("ecart:e2sfca", "Écart E2SFCA", "/100 000 hab.", n);
  auto pop = make("population", "Population", "hab.", n);
  auto need = make("besoin", "Indice de besoin", "France = 100", n);
  for (std::size_t u = 0; u < n; ++u) {
    const bool off = off_network(u);
    const UnitState s = off ? UnitState::OffNetwork : UnitState::Value;
    const double ea = after.e2sfca_per_100k.empty() ? NAN : after.e2sfca_per_100k[u];
    const double eb = before.e2sfca_per_100k.empty() ? NAN : before.e2sfca_per_100k[u];
    push(e2, ea, s);
    e2.class_values.push_back(off ? std::nan("") : eb);
    push(e2d, ea - eb, s);
    push(pop, t.units[u].population, UnitState::Value);
    push(need, after.need_index.empty() ? NAN : after.need_index[u], UnitState::Value);
  }
  e2.classes_from_baseline = true;
  e2.decimals = 1;
  e2d.difference = true;
  e2d.neutral_abs = 0.05;
  pop.decimals = 0;
  need.decimals = 1;
  // The regime's affiliates (issue 12), labelled when the data are fictitious.
  if (t.regime.has_affiliates()) {
    const auto& r = after.recomposition;
    const std::string note = t.regime.fictitious ? " — données fictives" : "";
    auto now = make("affilies", "Affiliés du régime minier " + std::to_string(r.base_year) + note, "affiliés", n);
    auto horizon = make("affilies_horizon", "Affiliés projetés " + std::to_string(r.horizon_year) + note, "affiliés", n);
    auto density = make("densite_affilies", "Densité d'affiliés " + std::to_string(r.base_year) + note, "affiliés / km²", n);
    for (std::size_t u = 0; u < n; ++u) {
      const double a = t.regime.affiliates[u];
      push(now, a, UnitState::Value);
      push(horizon, r.affiliates_horizon.empty() ? NAN : r.affiliates_horizon[u], UnitState::Value);
      push(density, t.units[u].area_km2 > 0 ? a / t.units[u].area_km2 : NAN, UnitState::Value);
    }
    for (auto* ind : {&now, &horizon, &density}) {
      ind->fictitious = t.regime.fictitious;
      ind->decimals = ind == &density ? 1 : 0;
    }
    out.push_back(std::move(now));
    out.push_back(std::move(density));
    out.push_back(std::move(horizon));
  }
  out.push_back(std::move(e2));
  out.push_back(std::move(e2d));
  out.push_back(std::move(pop));
  out.push_back(std::move(need));
  return out;
}

int find_indicator(const std::vector<UnitIndicator>& list, const std::string& key_or_label) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].key == key_or_label) return static_cast<int>(i);
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].label == key_or_label) return static_cast<int>(i);
  }
  return -1;
}

std::string indicator_list(const std::vector<UnitIndicator>& list) {
  std::string s;
  for (const auto& i : list) s += "  " + i.key + " — " + i.label + " (" + i.unit + ")\n";
  return s;
}

Classification classify(const UnitIndicator& ind, ClassMethod method, int classes,
                        const std::vector<double>* fixed_breaks) {
  Classification c;
  classes = std::clamp(classes, 1, 12);
  std::vector<double> usable;
  const auto& source = ind.classes_from_baseline && !ind.class_values.empty() ? ind.class_values : ind.values;
  for (std::size_t u = 0; u < source.size(); ++u) {
    if (std::isfinite(source[u]) && (ind.classes_from_baseline || ind.state[u] == UnitState::Value)) {
      usable.push_back(source[u]);
    }
  }
  const int dec = ind.decimals;
  if (ind.difference) {
    c.diverging = true;
    const int per_side = std::max(1, classes / 2);
    DivergingClasses d = diverging_breaks(usable, per_side, ind.neutral_abs);
    if (fixed_breaks) d.breaks = *fixed_breaks;
    c.breaks = d.breaks;
    c.neutral = d.neutral;
    c.colours = diverging_palette(per_side);
    c.method_label = "classes centrées sur 0 (quantiles des écarts)";
    for (std::size_t k = 0; k < c.breaks.size(); ++k) {
      const int ik = static_cast<int>(k);
      if (ik == c.neutral) {
        c.labels.push_back(ind.neutral_abs > 0.5 ? "inchangé (± " + fr_number(ind.neutral_abs, dec) + ")" : "inchangé");
      } else if (k == 0) {
        c.labels.push_back("≤ " + fr_delta(c.breaks[0], dec));
      } else if (ik == c.neutral - 1) {
        c.labels.push_back(fr_delta(c.breaks[k - 1], dec) + " – 0 (baisse)");
      } else if (ik == c.neutral + 1) {
        c.labels.push_back("0 – " + fr_delta(c.breaks[k], dec) + " (hausse)");
      } else if (k + 1 == c.breaks.size()) {
        c.labels.push_back("> " + fr_delta(c.breaks[k - 1], dec));
      } else {
        c.labels.push_back(fr_delta(c.breaks[k - 1], dec) + " – " + fr_delta(c.breaks[k], dec));
      }
    }
  } else {
    c.breaks = fixed_breaks ? *fixed_breaks : class_breaks(usable, classes, method);
    c.colours = viridis(static_cast<int>(std::max<std::size_t>(1, c.breaks.size())));
    c.method_label = class_method_label(method);
    double lo = NAN;
    for (std::size_t k = 0; k < c.breaks.size(); ++k) {
      // Classes fixed on the baseline: the last is open, a scenario may exceed its maximum.
      const bool open_last = (ind.classes_from_baseline || fixed_breaks) && k + 1 == c.breaks.size() && k > 0;
      c.labels.push_back(k == 0      ? "≤ " + fr_number(c.breaks[k], dec)
                         : open_last ? "> " + fr_number(lo, dec)
                                     : fr_number(lo, dec) + " – " + fr_number(c.breaks[k], dec));
      lo = c.breaks[k];
    }
  }
  c.unit_class.assign(ind.values.size(), -1);
  bool present[4] = {false, false, false, false};
  for (std::size_t u = 0; u < ind.values.size(); ++u) {
    const UnitState s = ind.state[u];
    if (s == UnitState::Value) c.unit_class[u] = class_of(ind.values[u], c.breaks);
    if (s == UnitState::Value && c.unit_class[u] < 0) {
      present[static_cast<int>(UnitState::NoData)] = true;
    } else {
      present[static_cast<int>(s)] = true;
    }
  }
  for (auto s : {UnitState::OffNetwork, UnitState::NoAccess, UnitState::NoData}) {
    if (present[static_cast<int>(s)]) c.states_present.push_back(s);
  }
  return c;
}

}  // namespace recompose::planner::cartography
