#include "planner/cartography/symbols.hpp"

#include "planner/format.hpp"
#include "planner/offer/pharmacies.hpp"

namespace recompose::planner::cartography {

Rgba kind_colour(const std::string& kind) {
  if (kind == "hospital") return {200, 30, 45, 255};
  if (kind == "gp_point") return {255, 255, 255, 255};
  if (kind == "health_centre") return {0, 114, 178, 255};
  if (kind == "pharmacy") return {0, 158, 115, 255};
  if (kind == "mining_health_building") return {230, 159, 0, 255};
  return {240, 240, 240, 255};
}

Rgba regime_colour(const RegimeSite& s) {
  if (s.type == "pharmacie") {
    if (s.pharmacy_status == "ouverture_raisonnee") return {230, 159, 0, 255};
    if (s.pharmacy_status == "bilaterale") return {240, 228, 66, 255};
    return {0, 158, 115, 255};  // réservée (or unknown)
  }
  if (s.type == "centre_polyvalent") return {0, 60, 160, 255};
  if (s.type == "centre_medical") return {86, 180, 233, 255};
  if (s.type == "centre_dentaire") return {204, 121, 167, 255};
  if (s.type == "centre_infirmier") return {0, 170, 170, 255};
  if (s.type == "centre_specialise") return {120, 60, 170, 255};
  if (s.type == "antenne") return {170, 200, 240, 255};
  if (s.type == "laboratoire") return {150, 90, 40, 255};
  return {200, 200, 200, 255};
}

Rgba uft_colour(int k) {
  static const Rgba c[] = {{213, 94, 0, 255},    {0, 114, 178, 255},  {0, 158, 115, 255}, {204, 121, 167, 255},
                           {230, 159, 0, 255},   {86, 180, 233, 255}, {120, 60, 170, 255}, {150, 90, 40, 255}};
  return c[static_cast<std::size_t>(k < 0 ? 0 : k) % (sizeof c / sizeof c[0])];
}

Rgba mining_status_colour(const std::string& status) {
  if (status == "bilatérale") return {86, 180, 233, 255};
  if (status == "ouverture raisonnée") return {240, 228, 66, 255};
  return {204, 121, 167, 255};  // réservée
}

FacilitySymbol facility_symbol(const FacilityState& f) {
  FacilitySymbol s;
  if (f.regime) {
    s.fill = regime_colour(f.site);
    if (is_centre_type(f.site.type)) {
      s.shape = SymbolShape::Diamond;
      s.size = f.site.type == "antenne" ? 1.0 : 1.6;
    } else if (f.site.type == "pharmacie") {
      s.shape = SymbolShape::PharmacyCross;
      s.size = 1.2;
    } else {
      s.shape = SymbolShape::Triangle;
      s.size = 1.2;
    }
    s.legend = "Régime minier : " + site_type_label(f.site.type);
    if (f.site.type == "pharmacie" && !f.site.pharmacy_status.empty()) {
      s.legend += " (" + pharmacy_status_label(f.site.pharmacy_status) + ")";
    }
    return s;
  }
  if (offer::is_mining_pharmacy(f)) {
    std::string status = "réservée";
    try {
      status = offer::mining_status(f);
    } catch (const std::exception&) {
    }
    s.shape = SymbolShape::Diamond;
    s.fill = mining_status_colour(status);
    s.size = 1.4;
    s.legend = "Pharmacie minière " + status;
    return s;
  }
  s.fill = kind_colour(f.kind);
  if (f.kind == "hospital") {
    s.shape = SymbolShape::Square;
    s.size = 1.4;
  }
  s.legend = target_label(f.kind);
  if (!s.legend.empty()) s.legend[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s.legend[0])));
  return s;
}

}  // namespace recompose::planner::cartography

namespace recompose::planner::cartography {
int road_level(const std::string& cls) {
  if (cls.find("highway") != std::string::npos || cls.find("motorway") != std::string::npos ||
      cls.find("trunk") != std::string::npos) {
    return 0;
  }
  if (cls.find("major") != std::string::npos || cls.find("primary") != std::string::npos ||
      cls.find("secondary") != std::string::npos) {
    return 1;
  }
  return 2;
}
}  // namespace recompose::planner::cartography
