// Facility symbols and qualitative colours shared by the viewer and the print maps:
// the same shape and colour for the same kind of site on screen and on paper.
// Colours are from the Okabe-Ito colour-blind-safe set where they can be.
#pragma once

#include <string>

#include "planner/classification.hpp"
#include "planner/offer/regime.hpp"
#include "planner/scenario.hpp"

namespace recompose::planner::cartography {

enum class SymbolShape { Circle, Square, Diamond, PharmacyCross, Triangle };

struct FacilitySymbol {
  SymbolShape shape = SymbolShape::Circle;
  Rgba fill{240, 240, 240, 255};
  double size = 1;          // relative radius (1 = an ordinary facility)
  std::string legend;       // French legend label of this symbol
};

Rgba kind_colour(const std::string& kind);
Rgba regime_colour(const RegimeSite& s);  // by type; pharmacies by status
Rgba uft_colour(int k);                   // qualitative, cycling
Rgba mining_status_colour(const std::string& status);  // "réservée", "bilatérale", "ouverture raisonnée"

// The symbol of a facility in a scenario (regime site, mining pharmacy, hospital, other kinds).
FacilitySymbol facility_symbol(const FacilityState& f);

// The state drawn over a symbol: closed (red cross), changed (magenta ring), new site.
inline constexpr Rgba kClosedColour{220, 0, 0, 255};
inline constexpr Rgba kChangedColour{255, 0, 255, 255};
inline constexpr Rgba kOutsideOutline{110, 110, 110, 255};

}  // namespace recompose::planner::cartography

namespace recompose::planner::cartography {
// Drawing level of a road class: 0 motorway/trunk, 1 primary/secondary, 2 the rest.
int road_level(const std::string& road_class);
}  // namespace recompose::planner::cartography
