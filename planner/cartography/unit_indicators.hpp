// The indicators drawn on maps, one value per unit (IRIS), with the state of the
// units that have none: the same catalogue for the viewer and the print maps, so
// that a class, a colour and a legend line mean the same thing on screen and on
// paper. `classify` gives the classes and colours (viridis; a diverging palette
// centred on 0 for differences) and the French legend labels.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "planner/classification.hpp"
#include "planner/evaluation.hpp"

namespace recompose::planner::cartography {

enum class UnitState : std::uint8_t {
  Value,       // a value to classify
  OffNetwork,  // « hors réseau »: the unit could not be placed on the road network
  NoAccess,    // « sans accès dans le seuil »: routed, nothing within the cutoff
  NoData,      // « pas de donnée »
};

const char* unit_state_label(UnitState s);  // French legend label

struct UnitIndicator {
  std::string key;          // stable name for the command line: "temps:urgent_care", "ecart:urgent_care", "e2sfca"...
  std::string label, unit;  // French
  std::vector<double> values;  // NaN when the state is not Value
  std::vector<UnitState> state;
  // 1 when the unit is off the network or has nothing within the cutoff (legacy view of `state`).
  std::vector<std::uint8_t> no_access;
  // Values the classes are computed from (NaN ignored); empty: `values`. Indicators
  // that exist before and after a scenario take their classes from the baseline, so
  // that the same colour means the same minutes on both maps.
  std::vector<double> class_values;
  bool classes_from_baseline = false;
  bool difference = false;  // after - before: diverging classes centred on 0
  double neutral_abs = 0;   // |difference| counted as unchanged
  int decimals = 1;         // in legends and labels
  bool fictitious = false;  // built from the regime's fictitious example data
  std::string baseline_key;  // for a scenario indicator: the same indicator in the baseline, if any
};

// Every indicator of `after` (and of its difference with `before`), in the viewer's order.
std::vector<UnitIndicator> unit_indicators(const Territory& t, const Evaluation& before, const Evaluation& after,
                                           const EvalParams& params);
// Index of the indicator with this key (or label), -1 when none.
int find_indicator(const std::vector<UnitIndicator>& list, const std::string& key_or_label);
// "key — label" lines, for an error message listing what exists.
std::string indicator_list(const std::vector<UnitIndicator>& list);

struct Classification {
  std::vector<double> breaks;
  std::vector<Rgba> colours;      // one per class
  std::vector<std::string> labels;  // French, one per class ("≤ 10,0", "10,0 – 20,0", "> 40,0", "inchangé")
  bool diverging = false;
  int neutral = -1;              // neutral class (diverging)
  std::vector<int> unit_class;   // per unit: class index, or -1 when the unit's state is not Value
  std::vector<UnitState> states_present;  // the non-Value states that occur, for the legend
  std::string method_label;      // French: "quantiles", "centrées sur 0"...
};

inline constexpr Rgba kOffNetworkColour{170, 170, 170, 255};  // hors réseau (hatched on paper)
inline constexpr Rgba kNoAccessColour{99, 99, 99, 255};       // sans accès dans le seuil
inline constexpr Rgba kNoDataColour{225, 225, 225, 255};      // pas de donnée
Rgba state_colour(UnitState s);

// Classes of `ind`: `classes` classes by `method` (viridis), or for a difference
// (classes + 1) / 2 classes on each side of a neutral class (diverging palette).
// `fixed_breaks`, when given, are used as they are (the same classes on several maps).
Classification classify(const UnitIndicator& ind, ClassMethod method, int classes,
                        const std::vector<double>* fixed_breaks = nullptr);

}  // namespace recompose::planner::cartography
