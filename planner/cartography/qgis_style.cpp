#include "planner/cartography/qgis_style.hpp"

#include <cstdio>
#include <sstream>

namespace recompose::planner::cartography {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += ch;
    }
  }
  return out;
}

namespace {

std::string colour(const Rgba& c) {
  return std::to_string(c[0]) + "," + std::to_string(c[1]) + "," + std::to_string(c[2]) + "," + std::to_string(c[3]);
}

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string fill_symbol(int name, const Rgba& c, const std::string& style = "solid") {
  std::ostringstream s;
  s << "      <symbol type=\"fill\" name=\"" << name << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
    << "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
    << "          <prop k=\"color\" v=\"" << colour(c) << "\"/>\n"
    << "          <prop k=\"outline_color\" v=\"255,255,255,140\"/>\n"
    << "          <prop k=\"outline_style\" v=\"solid\"/>\n"
    << "          <prop k=\"outline_width\" v=\"0.06\"/>\n"
    << "          <prop k=\"outline_width_unit\" v=\"MM\"/>\n"
    << "          <prop k=\"style\" v=\"" << style << "\"/>\n"
    << "        </layer>\n"
    << "      </symbol>\n";
  return s.str();
}

std::string line_symbol(int name, const std::string& rgba, double width_mm, const std::string& style) {
  std::ostringstream s;
  s << "      <symbol type=\"fill\" name=\"" << name << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
    << "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
    << "          <prop k=\"color\" v=\"0,0,0,0\"/>\n"
    << "          <prop k=\"style\" v=\"no\"/>\n"
    << "          <prop k=\"outline_color\" v=\"" << rgba << "\"/>\n"
    << "          <prop k=\"outline_style\" v=\"" << style << "\"/>\n"
    << "          <prop k=\"outline_width\" v=\"" << number(width_mm) << "\"/>\n"
    << "          <prop k=\"outline_width_unit\" v=\"MM\"/>\n"
    << "        </layer>\n"
    << "      </symbol>\n";
  return s.str();
}

const char* kHeader = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0\" styleCategories=\"Symbology\">\n";

}  // namespace

std::string units_qml(const Classification& c, const std::string& value_field, const std::string& access_field) {
  const std::string f = "\"" + value_field + "\"", a = "\"" + access_field + "\"";
  std::ostringstream rules, symbols;
  int k = 0;
  for (std::size_t i = 0; i < c.breaks.size(); ++i, ++k) {
    std::string filter;
    const bool last_open = i + 1 == c.breaks.size() && i > 0 && c.labels[i].rfind("> ", 0) == 0;
    if (i == 0) filter = f + " <= " + number(c.breaks[0]);
    else if (last_open) filter = f + " > " + number(c.breaks[i - 1]);
    else filter = f + " > " + number(c.breaks[i - 1]) + " AND " + f + " <= " + number(c.breaks[i]);
    rules << "      <rule key=\"{c" << i << "}\" symbol=\"" << k << "\" label=\"" << xml_escape(c.labels[i])
          << "\" filter=\"" << xml_escape(filter) << "\"/>\n";
    symbols << fill_symbol(k, c.colours[i]);
  }
  const std::string off = a + " LIKE 'hors réseau%'";
  rules << "      <rule key=\"{off}\" symbol=\"" << k << "\" label=\"Hors réseau\" filter=\"" << xml_escape(off) << "\"/>\n";
  symbols << fill_symbol(k, kOffNetworkColour, "b_diagonal");
  ++k;
  rules << "      <rule key=\"{none}\" symbol=\"" << k << "\" label=\"Sans accès dans le seuil\" filter=\""
        << xml_escape(f + " IS NULL AND NOT (" + off + ")") << "\"/>\n";
  symbols << fill_symbol(k, kNoAccessColour);
  std::ostringstream q;
  q << kHeader << "  <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n"
    << "    <rules key=\"{root}\">\n" << rules.str() << "    </rules>\n"
    << "    <symbols>\n" << symbols.str() << "    </symbols>\n"
    << "  </renderer-v2>\n</qgis>\n";
  return q.str();
}

std::string isochrones_qml(const std::string& minutes_field, const std::string& situation_field) {
  const std::string m = "\"" + minutes_field + "\"", s = "\"" + situation_field + "\"";
  std::ostringstream q;
  q << kHeader << "  <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n"
    << "    <rules key=\"{root}\">\n";
  const char* colours[] = {"0,0,0,255", "77,77,77,255", "140,140,140,255"};
  for (int i = 0; i < 3; ++i) {
    const int minutes = 10 * (i + 1);
    q << "      <rule key=\"{i" << minutes << "}\" symbol=\"" << i << "\" label=\"" << minutes
      << " min (après scénario)\" filter=\"" << xml_escape(m + " = " + std::to_string(minutes) + " AND " + s + " = 'après'")
      << "\"/>\n";
  }
  q << "    </rules>\n    <symbols>\n";
  for (int i = 0; i < 3; ++i) q << line_symbol(i, colours[i], i == 0 ? 0.4 : 0.35, i == 0 ? "solid" : "dash");
  q << "    </symbols>\n  </renderer-v2>\n</qgis>\n";
  return q.str();
}

}  // namespace recompose::planner::cartography
