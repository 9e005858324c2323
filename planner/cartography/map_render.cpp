// Index:
//   [SECTION] frames and paths (Lambert-93 -> page points)
//   [SECTION] map data prepared once per document
//   [SECTION] map layers (units, roads, communes, isochrones, catchments, facilities, labels)
//   [SECTION] map furniture (scale bar, north arrow, inset, legend, title, footer)
//   [SECTION] layouts and atlas
#include "planner/cartography/map_render.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "geo/error.hpp"
#include "geo/vector_io.hpp"
#include "planner/cartography/labels.hpp"
#include "planner/cartography/symbols.hpp"
#include "planner/format.hpp"
#include "planner/isochrones.hpp"
#include "planner/offer/pharmacies.hpp"

namespace fs = std::filesystem;

namespace recompose::planner::cartography {

Layout layout_from_name(const std::string& name) {
  if (name == "single") return Layout::Single;
  if (name == "before-after") return Layout::BeforeAfter;
  if (name == "difference") return Layout::Difference;
  throw geo::Error("layout '" + name + "': single, before-after or difference", geo::ErrorKind::Usage);
}

std::string difference_key(const std::string& key) {
  if (key.rfind("ecart:", 0) == 0) return key;
  if (key.rfind("temps:", 0) == 0) return "ecart:" + key.substr(6);
  if (key == "e2sfca") return "ecart:e2sfca";
  return "";
}

namespace {

const Rgba kInk{0, 0, 0, 255};
const Rgba kGrey{90, 90, 90, 255};
const Rgba kRed{170, 0, 0, 255};

// [SECTION] frames and paths (Lambert-93 -> page points)

struct Frame {
  Box box;
  double scale = 1;  // points per metre
  double cx_m = 0, cy_m = 0;

  Frame(const Box& b, const geo::Envelope& e) : box(b) {
    const double ew = std::max(1.0, e.max_x - e.min_x), eh = std::max(1.0, e.max_y - e.min_y);
    scale = std::min(b.width() / ew, b.height() / eh);
    cx_m = (e.min_x + e.max_x) / 2;
    cy_m = (e.min_y + e.max_y) / 2;
  }
  [[nodiscard]] double px(double x_m) const { return (box.x0 + box.x1) / 2 + (x_m - cx_m) * scale; }
  [[nodiscard]] double py(double y_m) const { return (box.y0 + box.y1) / 2 - (y_m - cy_m) * scale; }
  [[nodiscard]] geo::Envelope extent() const {
    const double hw = box.width() / 2 / scale, hh = box.height() / 2 / scale;
    return {cx_m - hw, cy_m - hh, cx_m + hw, cy_m + hh};
  }
};

// Adds a polyline (or ring) to the current path, dropping vertices closer than
// `step_pt` to the last one kept (invisible at print size, and PDFs stay small).
void add_points(cairo_t* cr, const Frame& f, const std::vector<geo::PointM>& pts, bool close, double step_pt = 0.25) {
  if (pts.size() < 2) return;
  double lx = f.px(pts[0].x_m), ly = f.py(pts[0].y_m);
  cairo_move_to(cr, lx, ly);
  for (std::size_t i = 1; i < pts.size(); ++i) {
    const double x = f.px(pts[i].x_m), y = f.py(pts[i].y_m);
    if (i + 1 < pts.size() && std::fabs(x - lx) < step_pt && std::fabs(y - ly) < step_pt) continue;
    cairo_line_to(cr, x, y);
    lx = x;
    ly = y;
  }
  if (close) cairo_close_path(cr);
}

bool envelopes_meet(const geo::Envelope& a, const geo::Envelope& b) {
  return a.min_x <= b.max_x && b.min_x <= a.max_x && a.min_y <= b.max_y && b.min_y <= a.max_y;
}

geo::Envelope envelope_of(const std::vector<std::vector<geo::PointM>>& rings) {
  geo::Envelope e{1e300, 1e300, -1e300, -1e300};
  for (const auto& r : rings) {
    for (const auto& p : r) {
      e.min_x = std::min(e.min_x, p.x_m);
      e.min_y = std::min(e.min_y, p.y_m);
      e.max_x = std::max(e.max_x, p.x_m);
      e.max_y = std::max(e.max_y, p.y_m);
    }
  }
  return e;
}

geo::Envelope padded(const geo::Envelope& e, double f) {
  const double dx = (e.max_x - e.min_x) * f, dy = (e.max_y - e.min_y) * f;
  return {e.min_x - dx, e.min_y - dy, e.max_x + dx, e.max_y + dy};
}

// [SECTION] map data prepared once per document

struct Polygon {
  std::vector<std::vector<geo::PointM>> rings;
  geo::Envelope env;
};

struct MapData {
  std::vector<Polygon> units, communes;
  std::vector<std::vector<geo::PointM>> roads[3];
  std::vector<geo::Envelope> road_env[3];
  std::vector<Polygon> departements;
  std::vector<std::string> departement_codes;
  geo::Envelope territory{1e300, 1e300, -1e300, -1e300};
  std::string inset_note;
};

Polygon polygon_of(const geo::Geometry& g) {
  Polygon p;
  if (g && !g.empty()) {
    p.rings = g.rings();
    p.env = envelope_of(p.rings);
  }
  return p;
}

MapData prepare(const Territory& t, const MapOptions& o) {
  MapData d;
  for (const auto& u : t.units) {
    d.units.push_back(polygon_of(u.geometry));
    if (!d.units.back().rings.empty()) {
      const auto& e = d.units.back().env;
      d.territory = {std::min(d.territory.min_x, e.min_x), std::min(d.territory.min_y, e.min_y),
                     std::max(d.territory.max_x, e.max_x), std::max(d.territory.max_y, e.max_y)};
    }
  }
  for (const auto& c : t.communes) d.communes.push_back(polygon_of(c.geometry));
  if (t.has_roads && o.roads) {
    const auto& g = t.graph;
    std::vector<int> level_of_class(g.class_names.size());
    for (std::size_t c = 0; c < g.class_names.size(); ++c) level_of_class[c] = road_level(g.class_names[c]);
    for (geo::SegmentId s = 0; s < g.segment_count(); ++s) {
      const int level = level_of_class[g.segment_class[s]];
      std::vector<geo::PointM> line;
      for (auto k = g.segment_first_point[s]; k < g.segment_first_point[s + 1]; ++k) {
        line.push_back({g.point_x_m[k], g.point_y_m[k]});
      }
      d.road_env[level].push_back(envelope_of({line}));
      d.roads[level].push_back(std::move(line));
    }
  }
  // Locator inset: the départements of the territory (IGN ADMIN EXPRESS outlines
  // in the data root, france-geojson/departement-<code>-<name>.geojson).
  if (o.inset) {
    std::set<std::string> deps;
    for (const auto& c : t.communes) {
      if (!c.dep.empty()) deps.insert(c.dep);
    }
    const fs::path dir = fs::path(o.data_root) / "france-geojson";
    for (const auto& dep : deps) {
      std::string file;
      std::error_code ec;
      if (!o.data_root.empty() && fs::is_directory(dir, ec)) {
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
          const std::string name = entry.path().filename().string();
          if (name.rfind("departement-" + dep + "-", 0) == 0 && entry.path().extension() == ".geojson") {
            file = entry.path().string();
          }
        }
      }
      if (file.empty()) continue;
      try {
        geo::ReadOptions ro;
        const auto layer = geo::read_layer(file, ro);
        for (const auto& f : layer.features) {
          if (f.geometry) {
            d.departements.push_back(polygon_of(f.geometry));
            d.departement_codes.push_back(dep);
          }
        }
      } catch (const geo::Error&) {
        // The inset is an aid: a missing or unreadable outline drops it, said on the map.
      }
    }
    if (d.departements.empty()) d.inset_note = "carton de situation indisponible (contours des départements absents)";
  }
  return d;
}

// [SECTION] map layers

void fill_units(cairo_t* cr, const Frame& f, const MapData& d, const UnitIndicator& ind, const Classification& c,
                const std::vector<std::uint8_t>* in_focus) {
  const geo::Envelope view = f.extent();
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  // A hatch for the units off the network, readable in black and white.
  cairo_surface_t* hatch_s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8);
  {
    cairo_t* h = cairo_create(hatch_s);
    set_colour(h, kOffNetworkColour);
    cairo_paint(h);
    cairo_set_source_rgb(h, 0.25, 0.25, 0.25);
    cairo_set_line_width(h, 1.2);
    cairo_move_to(h, 0, 8);
    cairo_line_to(h, 8, 0);
    cairo_move_to(h, -2, 2);
    cairo_line_to(h, 2, -2);
    cairo_move_to(h, 6, 10);
    cairo_line_to(h, 10, 6);
    cairo_stroke(h);
    cairo_destroy(h);
  }
  cairo_pattern_t* hatch = cairo_pattern_create_for_surface(hatch_s);
  cairo_pattern_set_extend(hatch, CAIRO_EXTEND_REPEAT);
  cairo_matrix_t m;
  cairo_matrix_init_scale(&m, 2.5, 2.5);  // 8 px tile -> 3.2 pt
  cairo_pattern_set_matrix(hatch, &m);
  for (std::size_t u = 0; u < d.units.size(); ++u) {
    const auto& p = d.units[u];
    if (p.rings.empty() || !envelopes_meet(p.env, view)) continue;
    for (const auto& r : p.rings) add_points(cr, f, r, true);
    const int k = c.unit_class[u];
    if (k >= 0) {
      set_colour(cr, c.colours[static_cast<std::size_t>(k)]);
    } else if (ind.state[u] == UnitState::OffNetwork) {
      cairo_set_source(cr, hatch);
    } else {
      set_colour(cr, state_colour(ind.state[u]));
    }
    cairo_fill_preserve(cr);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.55);
    cairo_set_line_width(cr, 0.15);
    cairo_stroke(cr);
  }
  // Units outside the focus (atlas pages): veiled.
  if (in_focus) {
    for (std::size_t u = 0; u < d.units.size(); ++u) {
      const auto& p = d.units[u];
      if ((*in_focus)[u] || p.rings.empty() || !envelopes_meet(p.env, view)) continue;
      for (const auto& r : p.rings) add_points(cr, f, r, true);
    }
    cairo_set_source_rgba(cr, 1, 1, 1, 0.65);
    cairo_fill(cr);
  }
  cairo_pattern_destroy(hatch);
  cairo_surface_destroy(hatch_s);
}

void draw_roads(cairo_t* cr, const Frame& f, const MapData& d) {
  const geo::Envelope view = f.extent();
  const double m_per_pt = 1 / f.scale;
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  // Minor roads only at a large scale (an atlas page of a small EPCI).
  if (m_per_pt < 25) {
    for (std::size_t i = 0; i < d.roads[2].size(); ++i) {
      if (envelopes_meet(d.road_env[2][i], view)) add_points(cr, f, d.roads[2][i], false, 0.4);
    }
    cairo_set_source_rgba(cr, 1, 1, 1, 0.5);
    cairo_set_line_width(cr, 0.25);
    cairo_stroke(cr);
  }
  for (std::size_t i = 0; i < d.roads[1].size(); ++i) {
    if (envelopes_meet(d.road_env[1][i], view)) add_points(cr, f, d.roads[1][i], false, 0.4);
  }
  cairo_set_source_rgba(cr, 1, 1, 1, 0.75);
  cairo_set_line_width(cr, 0.45);
  cairo_stroke(cr);
  for (std::size_t i = 0; i < d.roads[0].size(); ++i) {
    if (envelopes_meet(d.road_env[0][i], view)) add_points(cr, f, d.roads[0][i], false, 0.4);
  }
  cairo_set_source_rgba(cr, 0.98, 0.47, 0.24, 0.95);
  cairo_set_line_width(cr, 1.0);
  cairo_stroke(cr);
}

void draw_communes(cairo_t* cr, const Frame& f, const MapData& d) {
  const geo::Envelope view = f.extent();
  for (const auto& p : d.communes) {
    if (p.rings.empty() || !envelopes_meet(p.env, view)) continue;
    for (const auto& r : p.rings) add_points(cr, f, r, true);
  }
  cairo_set_source_rgba(cr, 0.15, 0.15, 0.15, 0.7);
  cairo_set_line_width(cr, 0.35);
  cairo_stroke(cr);
}

// The target a time indicator is about ("temps:urgent_care" -> "urgent_care").
std::string target_of(const std::string& key) {
  const auto colon = key.find(':');
  if (colon == std::string::npos) return "";
  const std::string t = key.substr(colon + 1);
  return t == "e2sfca" ? "" : t;
}

struct DrawnSymbol {
  FacilitySymbol symbol;
  bool outside = false;
};

bool shown_facility(const FacilityState& f, const std::string& target) {
  if (f.regime || !f.change.empty() || f.is_new_site) return true;
  if (target.empty()) return false;
  const auto fl = f.flags.find(target);
  return f.kind == target || (fl != f.flags.end() && fl->second);
}

constexpr double kSymbolRadius = 2.6;

void draw_symbol(cairo_t* cr, double x, double y, const FacilitySymbol& s, bool outside, double scale = 1) {
  const double r = kSymbolRadius * s.size * scale;
  const double alpha = outside ? 0.45 : 1.0;
  cairo_new_path(cr);
  switch (s.shape) {
    case SymbolShape::Circle: cairo_arc(cr, x, y, r, 0, 2 * M_PI); break;
    case SymbolShape::Square:
    case SymbolShape::PharmacyCross: cairo_rectangle(cr, x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7); break;
    case SymbolShape::Diamond:
      cairo_move_to(cr, x, y - r);
      cairo_line_to(cr, x + r, y);
      cairo_line_to(cr, x, y + r);
      cairo_line_to(cr, x - r, y);
      cairo_close_path(cr);
      break;
    case SymbolShape::Triangle:
      cairo_move_to(cr, x, y - r * 1.1);
      cairo_line_to(cr, x + r, y + r * 0.8);
      cairo_line_to(cr, x - r, y + r * 0.8);
      cairo_close_path(cr);
      break;
  }
  set_colour(cr, s.fill, alpha);
  cairo_fill_preserve(cr);
  set_colour(cr, outside ? kOutsideOutline : kInk, alpha);
  cairo_set_line_width(cr, 0.5 * scale);
  cairo_stroke(cr);
  if (s.shape == SymbolShape::PharmacyCross) {
    cairo_move_to(cr, x - r * 0.55, y);
    cairo_line_to(cr, x + r * 0.55, y);
    cairo_move_to(cr, x, y - r * 0.55);
    cairo_line_to(cr, x, y + r * 0.55);
    cairo_set_source_rgba(cr, 1, 1, 1, alpha);
    cairo_set_line_width(cr, 0.7 * scale);
    cairo_stroke(cr);
  }
}

void draw_closed_mark(cairo_t* cr, double x, double y, double r) {
  cairo_move_to(cr, x - r, y - r);
  cairo_line_to(cr, x + r, y + r);
  cairo_move_to(cr, x - r, y + r);
  cairo_line_to(cr, x + r, y - r);
  set_colour(cr, kClosedColour);
  cairo_set_line_width(cr, 1.1);
  cairo_stroke(cr);
}

void draw_changed_mark(cairo_t* cr, double x, double y, double r) {
  cairo_new_path(cr);
  cairo_arc(cr, x, y, r, 0, 2 * M_PI);
  set_colour(cr, kChangedColour);
  cairo_set_line_width(cr, 0.9);
  cairo_stroke(cr);
}

struct LegendItems {
  std::map<std::string, FacilitySymbol> symbols;  // by legend label
  bool closed = false, changed = false, outside = false;
};

// Draws the facilities of `e` shown on this map; returns the label candidates of the edited ones.
void draw_facilities(cairo_t* cr, const Frame& f, const Evaluation& e, const std::string& target, LegendItems& items,
                     std::vector<LabelCandidate>& labels) {
  const geo::Envelope view = f.extent();
  // Ordinary sites first, then regime sites, then edited ones on top.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < e.facilities.size(); ++i) {
    const auto& fs = e.facilities[i];
    if (!shown_facility(fs, target) || !view.contains(fs.point.x_m, fs.point.y_m)) continue;
    order.push_back(i);
  }
  auto rank = [&](std::size_t i) {
    const auto& fs = e.facilities[i];
    return (!fs.change.empty() || fs.is_new_site) ? 2 : fs.regime ? 1 : 0;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
  for (auto i : order) {
    const auto& fs = e.facilities[i];
    const FacilitySymbol s = facility_symbol(fs);
    const double x = f.px(fs.point.x_m), y = f.py(fs.point.y_m);
    draw_symbol(cr, x, y, s, fs.outside_territory);
    items.symbols.emplace(s.legend, s);
    items.outside = items.outside || fs.outside_territory;
    const double r = kSymbolRadius * s.size;
    if (!fs.open) {
      draw_closed_mark(cr, x, y, r + 1.2);
      items.closed = true;
    } else if (!fs.change.empty() || fs.is_new_site) {
      draw_changed_mark(cr, x, y, r + 1.8);
      items.changed = true;
    }
    if (!fs.change.empty() || fs.is_new_site) {
      std::string text = fs.name.empty() ? fs.id : fs.name;
      if (!fs.change.empty()) text += " (" + fs.change + ")";
      LabelCandidate c;
      c.text = text;
      c.anchor_x = x;
      c.anchor_y = y;
      c.priority = 1e12 - static_cast<double>(labels.size());
      c.marker_radius = r + 2;
      labels.push_back(std::move(c));
    }
  }
}

// Labels: edited sites first (bold), then the communes by population.
std::size_t draw_labels(cairo_t* cr, const Frame& f, const Territory& t, std::vector<LabelCandidate> sites,
                        int max_communes, const std::vector<std::uint8_t>* commune_focus) {
  const Font site_font{6.8, true, false}, commune_font{6.3, false, false};
  for (auto& c : sites) {
    const auto ext = measure_text(cr, c.text, site_font);
    c.width = ext.width;
    c.height = ext.height;
  }
  const std::size_t n_sites = sites.size();
  std::vector<std::size_t> communes;
  const geo::Envelope view = f.extent();
  for (std::size_t i = 0; i < t.communes.size(); ++i) {
    const auto& c = t.communes[i];
    if (!view.contains(c.point.x_m, c.point.y_m)) continue;
    if (commune_focus && !(*commune_focus)[i]) continue;
    communes.push_back(i);
  }
  std::stable_sort(communes.begin(), communes.end(),
                   [&](std::size_t a, std::size_t b) { return t.communes[a].population > t.communes[b].population; });
  if (communes.size() > static_cast<std::size_t>(std::max(0, max_communes))) {
    communes.resize(static_cast<std::size_t>(std::max(0, max_communes)));
  }
  for (auto i : communes) {
    const auto& c = t.communes[i];
    const auto ext = measure_text(cr, c.name, commune_font);
    LabelCandidate l;
    l.text = c.name;
    l.anchor_x = f.px(c.point.x_m);
    l.anchor_y = f.py(c.point.y_m);
    l.width = ext.width;
    l.height = ext.height;
    l.priority = c.population;
    l.marker_radius = 1.2;
    sites.push_back(std::move(l));
  }
  const Box inner{f.box.x0 + 2, f.box.y0 + 2, f.box.x1 - 2, f.box.y1 - 2};
  const auto placed = place_labels(sites, inner, {}, LabelOptions{1.0, true});
  for (std::size_t k = n_sites; k < sites.size(); ++k) {
    // A small dot at each labelled commune's centre, so the name has an anchor.
    bool shown = false;
    for (const auto& p : placed) shown = shown || p.candidate == k;
    if (!shown) continue;
    cairo_new_path(cr);
    cairo_arc(cr, sites[k].anchor_x, sites[k].anchor_y, 0.9, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_fill(cr);
  }
  for (const auto& p : placed) {
    const bool site = p.candidate < n_sites;
    draw_text(cr, p.box.x0, p.box.y0, sites[p.candidate].text, site ? site_font : commune_font,
              site ? Rgba{120, 0, 120, 255} : kInk, -1, Align::Left, 1.6);
  }
  return placed.size();
}

// [SECTION] map furniture

void draw_scale_bar(cairo_t* cr, const Frame& f) {
  // The 1-2-5 length closest to a fifth of the frame width.
  const double target_m = f.box.width() / 5 / f.scale;
  const double p10 = std::pow(10.0, std::floor(std::log10(target_m)));
  double len_m = p10;
  for (double k : {2.0, 5.0, 10.0}) {
    if (p10 * k <= target_m) len_m = p10 * k;
  }
  const double w = len_m * f.scale;
  const double x = f.box.x0 + 10, y = f.box.y1 - 14;
  cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
  cairo_rectangle(cr, x - 5, y - 20, w + 62, 30);
  cairo_fill(cr);
  for (int i = 0; i < 4; ++i) {
    cairo_rectangle(cr, x + w * i / 4, y, w / 4, 3.2);
    if (i % 2 == 0) {
      cairo_set_source_rgb(cr, 0, 0, 0);
      cairo_fill(cr);
    } else {
      cairo_set_source_rgb(cr, 1, 1, 1);
      cairo_fill_preserve(cr);
      cairo_set_source_rgb(cr, 0, 0, 0);
      cairo_set_line_width(cr, 0.4);
      cairo_stroke(cr);
    }
  }
  const Font font{6.5, false, false};
  const std::string unit = len_m >= 1000 ? " km" : " m";
  const double div = len_m >= 1000 ? 1000 : 1;
  draw_text(cr, x, y - 9, "0", font, kInk, -1, Align::Centre);
  draw_text(cr, x + w, y - 9, fr_number(len_m / div, len_m / div < 1 ? 1 : 0) + unit, font, kInk, -1, Align::Centre);
  // Representative fraction: 1 pt = 25.4/72 mm on paper.
  const double ratio = (1 / f.scale) / (25.4 / 72 / 1000);
  const double rounded = std::round(ratio / 1000) * 1000;
  draw_text(cr, x + w + 8, y - 2, "1/" + fr_number(rounded, 0), Font{6, false, true}, kGrey);
}

void draw_north_arrow(cairo_t* cr, const Frame& f) {
  const double x = f.box.x1 - 16, y = f.box.y0 + 12;
  cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
  cairo_rectangle(cr, x - 9, y - 4, 18, 30);
  cairo_fill(cr);
  cairo_move_to(cr, x, y);
  cairo_line_to(cr, x + 5, y + 15);
  cairo_line_to(cr, x, y + 11.5);
  cairo_close_path(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_fill(cr);
  cairo_move_to(cr, x, y);
  cairo_line_to(cr, x - 5, y + 15);
  cairo_line_to(cr, x, y + 11.5);
  cairo_close_path(cr);
  cairo_set_line_width(cr, 0.5);
  cairo_stroke(cr);
  draw_text(cr, x, y + 15.5, "N", Font{6.5, true, false}, kInk, -1, Align::Centre);
}

void frame_border(cairo_t* cr, const Box& b) {
  cairo_rectangle(cr, b.x0, b.y0, b.width(), b.height());
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_set_line_width(cr, 0.6);
  cairo_stroke(cr);
}

// The territory (its units, filled) among the outlines of its départements.
double draw_inset(cairo_t* cr, double x, double y, double w, const MapData& d, const geo::Envelope& focus) {
  if (d.departements.empty()) {
    if (!d.inset_note.empty()) return draw_text(cr, x, y, d.inset_note, Font{6, false, true}, kGrey, w).height + 4;
    return 0;
  }
  geo::Envelope e{1e300, 1e300, -1e300, -1e300};
  for (const auto& p : d.departements) {
    e = {std::min(e.min_x, p.env.min_x), std::min(e.min_y, p.env.min_y), std::max(e.max_x, p.env.max_x),
         std::max(e.max_y, p.env.max_y)};
  }
  // The inset fits a square of side `w`.
  const double aspect = (e.max_y - e.min_y) / std::max(1.0, e.max_x - e.min_x);
  if (aspect > 1) w /= aspect;
  const double h = w * aspect;
  const double th = draw_text(cr, x, y, "Situation", Font{7.5, true, false}, kInk).height + 2;
  const Box b{x, y + th, x + w, y + th + h};
  const Frame f(b, padded(e, 0.03));
  cairo_save(cr);
  cairo_rectangle(cr, b.x0, b.y0, b.width(), b.height());
  cairo_clip(cr);
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  for (const auto& p : d.departements) {
    for (const auto& r : p.rings) add_points(cr, f, r, true, 0.3);
  }
  cairo_set_source_rgb(cr, 0.94, 0.94, 0.94);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
  cairo_set_line_width(cr, 0.5);
  cairo_stroke(cr);
  for (const auto& p : d.units) {
    for (const auto& r : p.rings) add_points(cr, f, r, true, 0.5);
  }
  set_colour(cr, Rgba{200, 30, 45, 255});
  cairo_fill(cr);
  // The area of this page (atlas) as a rectangle.
  if (focus.max_x > focus.min_x) {
    cairo_rectangle(cr, f.px(focus.min_x), f.py(focus.max_y), (focus.max_x - focus.min_x) * f.scale,
                    (focus.max_y - focus.min_y) * f.scale);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.9);
    cairo_stroke(cr);
  }
  cairo_restore(cr);
  frame_border(cr, b);
  std::string codes;
  std::set<std::string> seen;
  for (const auto& c : d.departement_codes) {
    if (seen.insert(c).second) codes += (codes.empty() ? "" : ", ") + c;
  }
  const double nh = draw_text(cr, x, b.y1 + 2, "Départements " + codes + " ; en rouge, le territoire", Font{5.8, false, true},
                              kGrey, w).height;
  return th + h + nh + 6;
}

void legend_box(cairo_t* cr, double x, double y, const Rgba& c) {
  cairo_rectangle(cr, x, y, 13, 8.5);
  set_colour(cr, c);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
  cairo_set_line_width(cr, 0.3);
  cairo_stroke(cr);
}

struct LegendSpec {
  const UnitIndicator* indicator = nullptr;
  const Classification* classes = nullptr;
  bool classes_note = false;  // classes of the baseline
  LegendItems items;
  bool roads = false, communes = false, isochrones = false, catchments = false;
  bool fictitious = false;
};

double draw_legend(cairo_t* cr, double x, double y, double w, const LegendSpec& s) {
  const double y0 = y;
  const Font title{8.2, true, false}, body{7, false, false}, note{6.2, false, true};
  y += draw_text(cr, x, y, s.indicator->label + " (" + s.indicator->unit + ")", title, kInk, w).height + 4;
  const auto& c = *s.classes;
  for (std::size_t k = 0; k < c.labels.size(); ++k) {
    legend_box(cr, x, y + 1, c.colours[k]);
    y += std::max(10.5, draw_text(cr, x + 18, y, c.labels[k], body, kInk, w - 18).height + 1.5);
  }
  for (auto st : c.states_present) {
    if (st == UnitState::OffNetwork) {
      legend_box(cr, x, y + 1, kOffNetworkColour);
      cairo_save(cr);
      cairo_rectangle(cr, x, y + 1, 13, 8.5);
      cairo_clip(cr);
      for (double k = -10; k < 14; k += 3.2) {
        cairo_move_to(cr, x + k, y + 9.5);
        cairo_line_to(cr, x + k + 8.5, y + 1);
      }
      cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
      cairo_set_line_width(cr, 0.45);
      cairo_stroke(cr);
      cairo_restore(cr);
    } else {
      legend_box(cr, x, y + 1, state_colour(st));
    }
    std::string label = unit_state_label(st);
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
    y += std::max(10.5, draw_text(cr, x + 18, y, label, body, kInk, w - 18).height + 1.5);
  }
  y += 1;
  std::string method = "Classes : " + c.method_label + " (" + std::to_string(c.labels.size()) + ")";
  if (s.classes_note) method += ", celles de la situation actuelle, les mêmes sur chaque carte";
  y += draw_text(cr, x, y, method, note, kGrey, w).height + 6;

  // Symbols.
  const auto& it = s.items;
  if (!it.symbols.empty() || it.closed || it.changed) {
    y += draw_text(cr, x, y, "Sites", title, kInk, w).height + 3;
    for (const auto& [label, sym] : it.symbols) {
      draw_symbol(cr, x + 6.5, y + 5, sym, false);
      y += std::max(10.5, draw_text(cr, x + 18, y, label, body, kInk, w - 18).height + 1.5);
    }
    if (it.closed) {
      draw_closed_mark(cr, x + 6.5, y + 5, 3.5);
      y += std::max(10.5, draw_text(cr, x + 18, y, "Fermé dans le scénario", body, kInk, w - 18).height + 1.5);
    }
    if (it.changed) {
      draw_changed_mark(cr, x + 6.5, y + 5, 4.2);
      y += std::max(10.5, draw_text(cr, x + 18, y, "Modifié, regroupé ou nouveau site", body, kInk, w - 18).height + 1.5);
    }
    if (it.outside) {
      FacilitySymbol grey;
      draw_symbol(cr, x + 6.5, y + 5, grey, true);
      y += std::max(10.5, draw_text(cr, x + 18, y, "Hors territoire (effets de bord), estompé", body, kInk, w - 18).height + 1.5);
    }
    y += 4;
  }
  auto line_item = [&](const std::string& label, double r, double g, double b, double a, double width, bool dashed) {
    cairo_move_to(cr, x, y + 5);
    cairo_line_to(cr, x + 13, y + 5);
    cairo_set_source_rgba(cr, r, g, b, a);
    cairo_set_line_width(cr, width);
    if (dashed) {
      const double dash[] = {2.5, 1.5};
      cairo_set_dash(cr, dash, 2, 0);
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
    y += std::max(10.5, draw_text(cr, x + 18, y, label, body, kInk, w - 18).height + 1.5);
  };
  if (s.roads || s.communes || s.isochrones || s.catchments) {
    y += draw_text(cr, x, y, "Fond de carte", title, kInk, w).height + 3;
    if (s.roads) {
      line_item("Autoroute, voie express", 0.98, 0.47, 0.24, 1, 1.0, false);
      // White lines need a ground to be seen in the legend.
      cairo_rectangle(cr, x, y + 1, 13, 8.5);
      cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
      cairo_fill(cr);
      line_item("Route principale", 1, 1, 1, 1, 0.6, false);
    }
    if (s.communes) line_item("Limite communale", 0.15, 0.15, 0.15, 0.8, 0.4, false);
    if (s.isochrones) {
      line_item("Isochrone 10 min des urgences", 0, 0, 0, 1, 1.1, false);
      line_item("Isochrone 20 min", 0.3, 0.3, 0.3, 1, 1.0, true);
      line_item("Isochrone 30 min", 0.55, 0.55, 0.55, 1, 0.9, true);
    }
    if (s.catchments) line_item("Limite de bassin (site le plus proche)", 0.55, 0, 0.55, 1, 0.8, false);
    y += 4;
  }
  if (s.fictitious) {
    y += draw_text(cr, x, y, std::string("Régime minier : ") + kFictitiousLabel, Font{6.8, true, false}, kRed, w).height + 4;
  }
  return y - y0;
}

struct Furniture {
  std::string title, subtitle;
  std::vector<std::string> footer;
};

double draw_title(cairo_t* cr, const PageSpec& page, const Furniture& fu) {
  const double m = 24, w = page.width_pt() - 2 * m;
  double y = m - 6;
  y += draw_text(cr, m, y, fu.title, Font{page.paper == "A3" ? 20.0 : 15.0, true, false}, kInk, w).height + 1;
  y += draw_text(cr, m, y, fu.subtitle, Font{page.paper == "A3" ? 12.0 : 9.5, false, false}, kGrey, w).height + 6;
  return y;
}

double footer_height(cairo_t* cr, const PageSpec& page, const Furniture& fu) {
  const double w = page.width_pt() - 48;
  double h = 0;
  for (const auto& l : fu.footer) h += measure_text(cr, l, Font{5.9, false, false}, w).height + 0.5;
  return h + 6;
}

void draw_footer(cairo_t* cr, const PageSpec& page, const Furniture& fu) {
  const double w = page.width_pt() - 48;
  double y = page.height_pt() - 18 - footer_height(cr, page, fu) + 6;
  cairo_move_to(cr, 24, y - 3);
  cairo_line_to(cr, 24 + w, y - 3);
  cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
  cairo_set_line_width(cr, 0.4);
  cairo_stroke(cr);
  for (const auto& l : fu.footer) y += draw_text(cr, 24, y, l, Font{5.9, false, false}, kGrey, w).height + 0.5;
}

// The sources of the layers on the map: each producer and year once. `roles` are
// the source roles of territory.json drawn on this page (prefixes).
std::string short_citation(std::string c) {
  // Keep the producer and edition (the first cut whose prefix names a year); the
  // caveats are in the report.
  auto has_digit = [](const std::string& s) { return std::any_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; }); };
  std::size_t best = std::string::npos;
  for (const char* cut : {" — ", " (", "; ", " : ", ", liste"}) {
    for (auto k = c.find(cut); k != std::string::npos; k = c.find(cut, k + 1)) {
      if (k > 12 && has_digit(c.substr(0, k))) {
        best = std::min(best, k);
        break;
      }
    }
  }
  if (best != std::string::npos) c = c.substr(0, best);
  if (c.size() > 110) c = c.substr(0, 107) + "…";
  return c;
}

std::string sources_line(const Territory& t, const std::vector<std::string>& roles) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& s : t.sources) {
    const bool wanted = std::any_of(roles.begin(), roles.end(), [&](const std::string& r) { return s.role.rfind(r, 0) == 0; });
    if (!wanted) continue;
    const std::string c = short_citation(trim(s.citation));
    if (!c.empty() && seen.insert(c).second) out.push_back(c);
  }
  std::string line = "Sources : ";
  for (std::size_t i = 0; i < out.size(); ++i) line += (i ? " ; " : "") + out[i];
  return line + ".";
}

std::string method_line(const Territory& t, const Evaluation& e, const EvalParams& p) {
  std::string m = "Méthode : ";
  if (e.model == TimeModel::Road) {
    m += "temps routiers en voiture sur le graphe du réseau (vitesses du profil, sens uniques), du point représentatif de "
         "chaque IRIS au site le plus proche, calculés jusqu'à " + fr_number(p.cutoff_min, 0) + " min ; « sans accès » : "
         "rien dans ce seuil ; « hors réseau » : IRIS non raccordé au réseau";
  } else {
    m += "temps estimés à vol d'oiseau (pas de réseau routier dans les données), à ne pas présenter comme des temps routiers";
  }
  for (const auto& a : t.assumptions) {
    if (a.find("urgences") != std::string::npos) {
      m += " ; sites d'urgences : hypothèse déclarée (voir le rapport)";
      break;
    }
  }
  return m + ".";
}

// [SECTION] layouts and atlas

struct MapJob {
  const Territory* t = nullptr;
  const Evaluation* situation = nullptr;  // facilities drawn
  const UnitIndicator* ind = nullptr;
  const Classification* classes = nullptr;
  std::string heading;  // above the frame (before/after pairs)
  geo::Envelope extent{};
  const std::vector<std::uint8_t>* unit_focus = nullptr;
  const std::vector<std::uint8_t>* commune_focus = nullptr;
  std::vector<std::vector<geo::PointM>> isochrone_rings[3];
  std::vector<std::vector<geo::PointM>> catchment_rings;
  std::vector<std::vector<geo::PointM>> group_rings;  // atlas: outline of the page's group
};

std::size_t draw_map_frame(cairo_t* cr, const Box& box, const MapJob& job, const MapData& d, const MapOptions& o,
                           LegendItems& items, const std::string& target) {
  Box b = box;
  if (!job.heading.empty()) {
    b.y0 += draw_text(cr, b.x0, b.y0, job.heading, Font{9, true, false}, kInk, b.width()).height + 3;
  }
  const Frame f(b, job.extent);
  cairo_save(cr);
  cairo_rectangle(cr, b.x0, b.y0, b.width(), b.height());
  cairo_clip(cr);
  cairo_set_source_rgb(cr, 0.97, 0.97, 0.96);
  cairo_paint(cr);
  fill_units(cr, f, d, *job.ind, *job.classes, job.unit_focus);
  if (o.roads) draw_roads(cr, f, d);
  if (o.communes) draw_communes(cr, f, d);
  if (!job.catchment_rings.empty()) {
    for (const auto& r : job.catchment_rings) add_points(cr, f, r, true);
    cairo_set_source_rgba(cr, 0.55, 0, 0.55, 1);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);
  }
  for (int i = 2; i >= 0; --i) {
    for (const auto& r : job.isochrone_rings[i]) add_points(cr, f, r, true);
    const double grey = i == 0 ? 0 : i == 1 ? 0.3 : 0.55;
    cairo_set_source_rgb(cr, grey, grey, grey);
    cairo_set_line_width(cr, i == 0 ? 1.1 : i == 1 ? 1.0 : 0.9);
    if (i > 0) {
      const double dash[] = {2.5, 1.5};
      cairo_set_dash(cr, dash, 2, 0);
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
  }
  if (!job.group_rings.empty()) {
    for (const auto& r : job.group_rings) add_points(cr, f, r, true);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1.4);
    cairo_stroke(cr);
  }
  std::vector<LabelCandidate> site_labels;
  if (o.facilities) draw_facilities(cr, f, *job.situation, target, items, site_labels);
  std::size_t placed = 0;
  if (o.labels) placed = draw_labels(cr, f, *job.t, site_labels, o.commune_labels, job.commune_focus);
  cairo_restore(cr);
  draw_scale_bar(cr, f);
  draw_north_arrow(cr, f);
  frame_border(cr, b);
  return placed;
}

void check_date(const std::string& iso) {
  int y = 0, m = 0, dd = 0;
  char extra = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2d%c", &y, &m, &dd, &extra) != 3 || m < 1 || m > 12 || dd < 1 || dd > 31) {
    throw geo::Error("date '" + iso + "': expected YYYY-MM-DD", geo::ErrorKind::Usage);
  }
}

}  // namespace

// Everything a page needs that does not depend on the page itself.
struct MapPagesData {
  const MapSource& src;
  const Territory& t;
  MapOptions o;
  MapData data;
  std::vector<UnitIndicator> after_inds, before_inds;
  std::string date_iso;
  bool fictitious_regime = false;
  std::vector<std::vector<geo::PointM>> iso_before[3], iso_after[3];

  MapPagesData(const MapSource& s, const MapOptions& opt)
      : src(s), t(s.engine.territory()), o(opt), data(prepare(s.engine.territory(), opt)) {
    after_inds = unit_indicators(t, s.before, s.after, s.params);
    before_inds = unit_indicators(t, s.before, s.before, s.params);
    date_iso = o.iso_date.empty() ? iso_today() : o.iso_date;
    check_date(date_iso);
    if (o.title.empty()) o.title = t.title.empty() ? t.name : t.title;
    if (o.isochrones) {
      for (const Evaluation* e : {&s.before, &s.after}) {
        const std::string target = e->target_index(s.params.urgent_target) >= 0 ? s.params.urgent_target : "hospital";
        std::vector<const FacilityState*> sites;
        for (const auto& f : e->facilities) {
          const auto fl = f.flags.find(target);
          if (f.open && (f.kind == target || (fl != f.flags.end() && fl->second))) sites.push_back(&f);
        }
        const auto isos = isochrones(s.engine, sites, {10, 20, 30});
        for (std::size_t i = 0; i < 3 && i < isos.size(); ++i) {
          (e == &s.before ? iso_before : iso_after)[i] = isos[i].area ? isos[i].area.rings() : decltype(isos[i].area.rings()){};
        }
      }
    }
  }

  const UnitIndicator& indicator(const std::vector<UnitIndicator>& list, const std::string& key) const {
    const int i = find_indicator(list, key);
    if (i < 0) {
      throw geo::Error("indicator '" + key + "' does not exist for territory " + t.name + "; choose one of:\n" +
                           indicator_list(after_inds),
                       geo::ErrorKind::Usage);
    }
    return list[static_cast<std::size_t>(i)];
  }

  [[nodiscard]] std::vector<std::vector<geo::PointM>> catchments(const Evaluation& e, const std::string& target) const {
    std::vector<std::vector<geo::PointM>> rings;
    const int ti = e.target_index(target);
    if (ti < 0) return rings;
    std::map<std::int32_t, std::vector<const geo::Geometry*>> groups;
    for (std::size_t u = 0; u < t.units.size(); ++u) {
      if (t.units[u].geometry) groups[e.nearest_facility[static_cast<std::size_t>(ti)][u]].push_back(&t.units[u].geometry);
    }
    for (const auto& [fi, parts] : groups) {
      for (auto& r : geo::union_all(parts).rings()) rings.push_back(std::move(r));
    }
    return rings;
  }

  [[nodiscard]] Furniture furniture(const std::string& subtitle, const UnitIndicator& ind,
                                    const std::vector<std::string>& extra_roles = {}) const {
    Furniture fu;
    fu.title = o.title;
    fu.subtitle = subtitle;
    std::vector<std::string> roles = {"population communale", "polygones communaux", "IRIS", "population IRIS"};
    if (o.roads && t.has_roads) roles.push_back("réseau routier");
    const std::string target = target_of(ind.key);
    std::set<std::string> kinds;
    if (o.facilities) {
      for (const auto& f : src.after.facilities) {
        if (shown_facility(f, target) && !f.regime) kinds.insert(f.kind);
      }
    }
    for (const auto& k : kinds) roles.push_back("établissements: " + k);
    if (o.facilities && !t.regime.sites.empty()) roles.push_back("régime minier : sites");
    if (ind.key.find("affil") != std::string::npos) roles.push_back("régime minier : affiliés");
    if (ind.key == "besoin" || ind.key.find("e2sfca") != std::string::npos) roles.push_back("indicateurs");
    roles.insert(roles.end(), extra_roles.begin(), extra_roles.end());
    fu.footer.push_back(sources_line(t, roles));
    fu.footer.push_back(method_line(t, src.after, src.params));
    std::string last = "Recompose — carte produite le " + french_date(date_iso);
    if (!src.scenario.edits.empty()) last += " — scénario « " + src.scenario.name + " » (" + std::to_string(src.scenario.edits.size()) + " modification(s))";
    if (ind.fictitious || fictitious_regime) last += std::string(" — régime minier : ") + kFictitiousLabel;
    fu.footer.push_back(last);
    return fu;
  }
};

namespace {

using Prepared = MapPagesData;

bool regime_drawn(const Territory& t, const MapOptions& o) { return o.facilities && !t.regime.sites.empty(); }

MapPageInfo draw_page(cairo_t* cr, const PageSpec& page, Prepared& p, const std::string& key, Layout layout) {
  const Territory& t = p.t;
  const auto& src = p.src;
  const MapOptions& o = p.o;
  p.fictitious_regime = t.regime.fictitious && regime_drawn(t, o);
  std::string shown_key = key;
  if (layout == Layout::Difference) {
    shown_key = difference_key(key);
    if (shown_key.empty()) {
      throw geo::Error("indicator '" + key + "' has no difference map (times and E2SFCA have one)", geo::ErrorKind::Usage);
    }
  }
  const UnitIndicator& ind = p.indicator(p.after_inds, shown_key);
  const Classification classes = classify(ind, o.method, o.classes);
  const std::string target = target_of(shown_key);
  const bool has_scenario = !src.scenario.edits.empty();
  const std::string scenario_label = has_scenario ? "scénario « " + src.scenario.name + " »" : "situation actuelle";
  std::string subtitle = ind.label;
  if (layout == Layout::BeforeAfter) subtitle += " — situation actuelle et " + scenario_label + ", mêmes classes";
  else if (layout == Layout::Difference) subtitle += " — " + scenario_label + " moins situation actuelle";
  else subtitle += " — " + scenario_label;
  const Furniture fu = p.furniture(subtitle, ind);

  const double top = draw_title(cr, page, fu);
  const double bottom = page.height_pt() - 18 - footer_height(cr, page, fu);
  const double legend_w = page.paper == "A3" ? 200 : 150;
  const Box area{24, top, page.width_pt() - 24 - legend_w - 12, bottom - 4};
  const geo::Envelope ext = padded(p.data.territory, 0.02);

  LegendSpec ls;
  ls.indicator = &ind;
  ls.classes = &classes;
  ls.classes_note = ind.classes_from_baseline;
  ls.roads = o.roads && t.has_roads;
  ls.communes = o.communes;
  ls.isochrones = o.isochrones;
  ls.catchments = o.catchments;
  ls.fictitious = ind.fictitious || p.fictitious_regime;

  MapPageInfo info;
  info.title = fu.title;
  info.subtitle = fu.subtitle;
  info.legend_labels = classes.labels;
  auto job_for = [&](const Evaluation& e, const UnitIndicator& i, const Classification& c, bool before) {
    MapJob j;
    j.t = &t;
    j.situation = &e;
    j.ind = &i;
    j.classes = &c;
    j.extent = ext;
    if (o.isochrones) {
      for (int k = 0; k < 3; ++k) j.isochrone_rings[k] = before ? p.iso_before[k] : p.iso_after[k];
    }
    if (o.catchments && !target.empty()) j.catchment_rings = p.catchments(e, target);
    return j;
  };
  if (layout == Layout::BeforeAfter) {
    const UnitIndicator& before_ind = p.indicator(p.before_inds, key);
    const Classification before_classes = classify(before_ind, o.method, o.classes, &classes.breaks);
    MapJob a = job_for(src.before, before_ind, before_classes, true);
    a.heading = "Situation actuelle";
    MapJob b = job_for(src.after, ind, classes, false);
    b.heading = has_scenario ? "Scénario « " + src.scenario.name + " »" : "Situation actuelle (aucune modification)";
    // Side by side or one above the other: whichever draws the territory larger.
    const double gap = 10, head = 14;
    const double ew = std::max(1.0, ext.max_x - ext.min_x), eh = std::max(1.0, ext.max_y - ext.min_y);
    const double side = std::min((area.width() - gap) / 2 / ew, (area.height() - head) / eh);
    const double stacked = std::min(area.width() / ew, (area.height() - gap) / 2 / eh - head / eh);
    if (side >= stacked) {
      const double w = (area.width() - gap) / 2;
      info.labels_placed += draw_map_frame(cr, {area.x0, area.y0, area.x0 + w, area.y1}, a, p.data, o, ls.items, target);
      info.labels_placed += draw_map_frame(cr, {area.x0 + w + gap, area.y0, area.x1, area.y1}, b, p.data, o, ls.items, target);
    } else {
      const double h = (area.height() - gap) / 2;
      info.labels_placed += draw_map_frame(cr, {area.x0, area.y0, area.x1, area.y0 + h}, a, p.data, o, ls.items, target);
      info.labels_placed += draw_map_frame(cr, {area.x0, area.y0 + h + gap, area.x1, area.y1}, b, p.data, o, ls.items, target);
    }
  } else {
    MapJob j = job_for(src.after, ind, classes, false);
    info.labels_placed += draw_map_frame(cr, area, j, p.data, o, ls.items, target);
  }
  const double lx = area.x1 + 12;
  const double used = draw_legend(cr, lx, top, legend_w, ls);
  if (o.inset) draw_inset(cr, lx, top + used + 4, std::min(legend_w, std::max(60.0, bottom - top - used - 40)), p.data, {});
  draw_footer(cr, page, fu);
  return info;
}

}  // namespace

MapPages::MapPages(const MapSource& src, const MapOptions& options) : d_(std::make_unique<MapPagesData>(src, options)) {}
MapPages::~MapPages() = default;

MapPageInfo MapPages::draw(cairo_t* cr, const PageSpec& page, const std::string& indicator_key, Layout layout) {
  return draw_page(cr, page, *d_, indicator_key, layout);
}

bool MapPages::has_indicator(const std::string& key) const { return find_indicator(d_->after_inds, key) >= 0; }
const std::vector<UnitIndicator>& MapPages::indicators() const { return d_->after_inds; }
const std::string& MapPages::iso_date() const { return d_->date_iso; }
const std::string& MapPages::title() const { return d_->o.title; }

MapPageInfo render_map(const MapSource& src, const std::string& indicator_key, Layout layout, const PageSpec& page,
                       const MapOptions& options, const std::string& out_path) {
  Prepared p(src, options);
  Document doc(out_path, page, p.o.title, p.date_iso);
  const MapPageInfo info = draw_page(doc.new_page(), page, p, indicator_key, layout);
  doc.bookmark(info.subtitle);
  doc.finish();
  return info;
}

int render_atlas(const MapSource& src, const std::string& indicator_key, const std::string& by, const PageSpec& page,
                 const MapOptions& options, const std::string& out_path) {
  if (by != "epci" && by != "ze") throw geo::Error("atlas --by '" + by + "': epci or ze", geo::ErrorKind::Usage);
  if (format_from_path(out_path) != OutputFormat::Pdf) {
    throw geo::Error("atlas " + out_path + ": an atlas is a PDF (one page per " + by + ")", geo::ErrorKind::Usage);
  }
  Prepared p(src, options);
  const Territory& t = p.t;
  const MapOptions& o = p.o;
  p.fictitious_regime = t.regime.fictitious && regime_drawn(t, o);
  const UnitIndicator& ind = p.indicator(p.after_inds, indicator_key);
  // The classes of the whole territory, the same on every page.
  const Classification classes = classify(ind, o.method, o.classes);
  const std::string target = target_of(indicator_key);

  // Groups: code -> name, communes, units.
  struct Group {
    std::string code, name;
    std::vector<std::uint8_t> units, communes;
    std::vector<const geo::Geometry*> parts;
  };
  std::map<std::string, Group> groups;
  std::map<std::string, std::size_t> commune_index;
  for (std::size_t i = 0; i < t.communes.size(); ++i) {
    const auto& c = t.communes[i];
    commune_index[c.code] = i;
    const std::string code = by == "epci" ? c.epci_code : c.ze_code;
    if (code.empty()) continue;
    auto& g = groups[code];
    g.code = code;
    if (g.name.empty()) g.name = by == "epci" ? (c.epci_name.empty() ? code : c.epci_name) : "zone d'emploi " + code;
    g.units.assign(t.units.size(), 0);
    g.communes.resize(t.communes.size(), 0);
  }
  if (groups.empty()) {
    throw geo::Error("territory " + t.name + " has no " + (by == "epci" ? "EPCI" : "zone d'emploi") + " codes for its communes",
                     geo::ErrorKind::Usage);
  }
  for (auto& [code, g] : groups) g.communes.assign(t.communes.size(), 0);
  for (std::size_t i = 0; i < t.communes.size(); ++i) {
    const auto& c = t.communes[i];
    const std::string code = by == "epci" ? c.epci_code : c.ze_code;
    if (code.empty()) continue;
    groups[code].communes[i] = 1;
    if (c.geometry) groups[code].parts.push_back(&c.geometry);
  }
  for (std::size_t u = 0; u < t.units.size(); ++u) {
    const auto it = commune_index.find(t.units[u].commune_code);
    if (it == commune_index.end()) continue;
    const auto& c = t.communes[it->second];
    const std::string code = by == "epci" ? c.epci_code : c.ze_code;
    if (!code.empty()) groups[code].units[u] = 1;
  }
  // Zones d'emploi are named in the territory's indicators when they are (level "ze").
  if (by == "ze") {
    for (const auto& v : t.indicators) {
      if ((v.level == "ze" || v.level == "zone_emploi") && groups.count(v.code) && !v.name.empty()) {
        groups[v.code].name = "zone d'emploi de " + v.name;
      }
    }
  }

  Document doc(out_path, page, o.title + " — atlas", p.date_iso);
  const std::string group_word = by == "epci" ? "EPCI" : "zone d'emploi";
  const bool has_scenario = !src.scenario.edits.empty();
  const std::string scenario_label = has_scenario ? "scénario « " + src.scenario.name + " »" : "situation actuelle";
  const double legend_w = page.paper == "A3" ? 200 : 150;

  auto page_frame = [&](const std::string& subtitle, MapJob& job) {
    cairo_t* cr = doc.new_page();
    const Furniture fu = p.furniture(subtitle, ind, {by == "epci" ? "EPCI" : "zonages"});
    const double top = draw_title(cr, page, fu);
    const double bottom = page.height_pt() - 18 - footer_height(cr, page, fu);
    const Box area{24, top, page.width_pt() - 24 - legend_w - 12, bottom - 4};
    LegendSpec ls;
    ls.indicator = &ind;
    ls.classes = &classes;
    ls.classes_note = true;
    ls.roads = o.roads && t.has_roads;
    ls.communes = o.communes;
    ls.fictitious = ind.fictitious || p.fictitious_regime;
    draw_map_frame(cr, area, job, p.data, o, ls.items, target);
    const double used = draw_legend(cr, area.x1 + 12, top, legend_w, ls);
    if (o.inset) {
      draw_inset(cr, area.x1 + 12, top + used + 4, std::min(legend_w, std::max(60.0, bottom - top - used - 40)), p.data,
                 job.extent);
    }
    draw_footer(cr, page, fu);
  };

  // Overview: the whole territory with the groups outlined and named.
  {
    MapJob job;
    job.t = &t;
    job.situation = &src.after;
    job.ind = &ind;
    job.classes = &classes;
    job.extent = padded(p.data.territory, 0.02);
    for (const auto& [code, g] : groups) {
      for (auto& r : geo::union_all(g.parts).rings()) job.group_rings.push_back(std::move(r));
    }
    page_frame(ind.label + " — " + scenario_label + " — vue d'ensemble, " + std::to_string(groups.size()) + " " +
                   (by == "epci" ? "EPCI" : "zones d'emploi"),
               job);
    doc.bookmark("Vue d'ensemble");
  }
  // One page per group, in name order.
  std::vector<const Group*> order;
  for (const auto& [code, g] : groups) order.push_back(&g);
  std::stable_sort(order.begin(), order.end(), [](const Group* a, const Group* b) { return a->name < b->name; });
  for (const Group* g : order) {
    MapJob job;
    job.t = &t;
    job.situation = &src.after;
    job.ind = &ind;
    job.classes = &classes;
    job.unit_focus = &g->units;
    job.commune_focus = &g->communes;
    std::vector<std::vector<geo::PointM>> rings;
    for (auto& r : geo::union_all(g->parts).rings()) rings.push_back(std::move(r));
    job.extent = padded(envelope_of(rings), 0.06);
    job.group_rings = std::move(rings);
    page_frame(group_word + " : " + g->name + " (" + g->code + ") — " + ind.label + " — " + scenario_label, job);
    doc.bookmark(g->name);
  }
  doc.finish();
  return doc.pages();
}

}  // namespace recompose::planner::cartography
