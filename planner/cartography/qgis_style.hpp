// QGIS layer styles (QML) with the classes, colours and legend labels of the maps,
// written into the evaluation GeoPackage's `layer_styles` table (the QGIS
// convention): a planner who opens evaluation.gpkg in QGIS sees the same map as
// the PDF. Rule-based renderers, so the units without a value are drawn by state
// (« hors réseau », « sans accès dans le seuil ») as on the maps.
#pragma once

#include <string>

#include "planner/cartography/unit_indicators.hpp"

namespace recompose::planner::cartography {

// QML of a rule-based polygon renderer on `value_field` with the classes `c`;
// `access_field` (values starting with "hors réseau" for units off the network)
// separates the two kinds of missing values.
std::string units_qml(const Classification& c, const std::string& value_field, const std::string& access_field);

// QML of the isochrone outlines, one rule per band (10, 20, 30 min), as on the maps.
std::string isochrones_qml(const std::string& minutes_field, const std::string& situation_field);

std::string xml_escape(const std::string& s);

}  // namespace recompose::planner::cartography
