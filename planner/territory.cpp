// Small functions of the territory model (saving and loading: territory_io.cpp).
#include "planner/territory.hpp"

#include <algorithm>

namespace recompose::planner {

std::optional<geo::Envelope> communes_envelope(const Territory& t) {
  std::optional<geo::Envelope> e;
  for (const auto& c : t.communes) {
    if (!c.geometry || c.geometry.empty()) continue;
    const geo::Envelope ce = c.geometry.envelope();
    if (!e) {
      e = ce;
      continue;
    }
    e->min_x = std::min(e->min_x, ce.min_x);
    e->min_y = std::min(e->min_y, ce.min_y);
    e->max_x = std::max(e->max_x, ce.max_x);
    e->max_y = std::max(e->max_y, ce.max_y);
  }
  return e;
}

}  // namespace recompose::planner
