// Index:
//   [SECTION] preparation (triangles, outlines, roads)
//   [SECTION] colours and legend
//   [SECTION] drawing
//   [SECTION] input: pan, zoom, hover, click
#include "map_view.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <set>

#include "planner/cartography/symbols.hpp"
#include "planner/format.hpp"
#include "planner/offer/pharmacies.hpp"

namespace recompose::viewer {

namespace {

ImU32 rgba(const planner::Rgba& c) { return IM_COL32(c[0], c[1], c[2], c[3]); }

const ImU32 kOutsideFill = IM_COL32(150, 150, 150, 110);
const ImU32 kOutsideOutline = IM_COL32(110, 110, 110, 255);

ImU32 kind_colour(const std::string& kind) {
  return rgba(planner::cartography::kind_colour(kind));
}

// Regime sites: colour by type; pharmacies by status.
ImU32 regime_colour(const planner::RegimeSite& s) {
  return rgba(planner::cartography::regime_colour(s));
}

// Colour of UFT number k (qualitative, cycling).
ImU32 uft_colour(int k) {
  return rgba(planner::cartography::uft_colour(k));
}

// Diamond for centres (smaller for antennas), square for pharmacies, triangle otherwise.
void draw_regime_site(ImDrawList* dl, ImVec2 p, const planner::RegimeSite& s, float r) {
  const ImU32 col = regime_colour(s), ink = IM_COL32(0, 0, 0, 255);
  if (planner::is_centre_type(s.type)) {
    const float d = s.type == "antenne" ? r * 0.8f : r * 1.35f;
    dl->AddQuadFilled(ImVec2(p.x, p.y - d), ImVec2(p.x + d, p.y), ImVec2(p.x, p.y + d), ImVec2(p.x - d, p.y), col);
    dl->AddQuad(ImVec2(p.x, p.y - d), ImVec2(p.x + d, p.y), ImVec2(p.x, p.y + d), ImVec2(p.x - d, p.y), ink, 1.5f);
  } else if (s.type == "pharmacie") {
    dl->AddRectFilled(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), col);
    dl->AddRect(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), ink, 0, 0, 1.5f);
    dl->AddLine(ImVec2(p.x - r + 2, p.y), ImVec2(p.x + r - 2, p.y), IM_COL32(255, 255, 255, 255), 2);
    dl->AddLine(ImVec2(p.x, p.y - r + 2), ImVec2(p.x, p.y + r - 2), IM_COL32(255, 255, 255, 255), 2);
  } else {
    dl->AddTriangleFilled(ImVec2(p.x, p.y - r * 1.2f), ImVec2(p.x + r, p.y + r), ImVec2(p.x - r, p.y + r), col);
    dl->AddTriangle(ImVec2(p.x, p.y - r * 1.2f), ImVec2(p.x + r, p.y + r), ImVec2(p.x - r, p.y + r), ink, 1.5f);
  }
}

// Mining pharmacies: a diamond coloured by status (liberal officines stay green circles).
ImU32 mining_status_colour(const std::string& status) {
  return rgba(planner::cartography::mining_status_colour(status));
}

std::string safe_status(const planner::FacilityState& f) {
  try {
    return planner::offer::mining_status(f);
  } catch (const std::exception&) {
    return "réservée";
  }
}

bool in_triangle(geo::PointM p, geo::PointM a, geo::PointM b, geo::PointM c) {
  const double d1 = (p.x_m - b.x_m) * (a.y_m - b.y_m) - (a.x_m - b.x_m) * (p.y_m - b.y_m);
  const double d2 = (p.x_m - c.x_m) * (b.y_m - c.y_m) - (b.x_m - c.x_m) * (p.y_m - c.y_m);
  const double d3 = (p.x_m - a.x_m) * (c.y_m - a.y_m) - (c.x_m - a.x_m) * (p.y_m - a.y_m);
  const bool neg = d1 < 0 || d2 < 0 || d3 < 0, pos = d1 > 0 || d2 > 0 || d3 > 0;
  return !(neg && pos);
}

}  // namespace

// [SECTION] preparation (triangles, outlines, roads)

MapView::MapView(App& app) : app_(app) {
  const auto& t = app_.territory();
  for (std::uint32_t u = 0; u < t.units.size(); ++u) {
    const std::size_t before = triangles_.size();
    t.units[u].geometry.triangulate(triangles_);
    triangle_unit_.insert(triangle_unit_.end(), (triangles_.size() - before) / 3, u);
  }
  for (const auto& c : t.communes) {
    for (auto& r : c.geometry.rings()) commune_rings_.push_back(std::move(r));
  }
  if (!triangles_.empty()) mesh_ = std::make_unique<UnitMesh>(triangles_, triangles_.front());
  if (!triangles_.empty()) {
    territory_box_ = {1e300, 1e300, -1e300, -1e300};
    for (const auto& p : triangles_) {
      territory_box_.min_x = std::min(territory_box_.min_x, p.x_m);
      territory_box_.min_y = std::min(territory_box_.min_y, p.y_m);
      territory_box_.max_x = std::max(territory_box_.max_x, p.x_m);
      territory_box_.max_y = std::max(territory_box_.max_y, p.y_m);
    }
  }
  if (t.has_roads) {
    const auto& g = t.graph;
    for (geo::SegmentId s = 0; s < g.segment_count(); ++s) {
      const std::string& cls = g.class_names[g.segment_class[s]];
      const int level = cls.find("highway") != std::string::npos || cls.find("motorway") != std::string::npos ||
                                cls.find("trunk") != std::string::npos
                            ? 0
                        : cls.find("major") != std::string::npos || cls.find("primary") != std::string::npos ||
                                cls.find("secondary") != std::string::npos
                            ? 1
                            : 2;
      std::vector<geo::PointM> line;
      for (auto k = g.segment_first_point[s]; k < g.segment_first_point[s + 1]; ++k) {
        line.push_back({g.point_x_m[k], g.point_y_m[k]});
      }
      roads_[level].push_back(std::move(line));
    }
  }
}

ImVec2 MapView::to_screen(double x, double y) const {
  const auto& v = app_.view;
  return ImVec2(static_cast<float>(origin_.x + size_.x / 2 + (x - v.cx_m) * v.scale_px_per_m),
                static_cast<float>(origin_.y + size_.y / 2 - (y - v.cy_m) * v.scale_px_per_m));
}

geo::PointM MapView::to_map(ImVec2 p) const {
  const auto& v = app_.view;
  return {v.cx_m + (p.x - origin_.x - size_.x / 2) / v.scale_px_per_m,
          v.cy_m - (p.y - origin_.y - size_.y / 2) / v.scale_px_per_m};
}

void MapView::fit() {
  const auto& t = app_.territory();
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (const auto& p : triangles_) {
    x0 = std::min(x0, p.x_m);
    y0 = std::min(y0, p.y_m);
    x1 = std::max(x1, p.x_m);
    y1 = std::max(y1, p.y_m);
  }
  if (t.units.empty() || x1 <= x0) return;
  auto& v = app_.view;
  // The part of the pane the territory may use: not under the legends drawn on the map,
  // nor under the presentation title (only when they leave most of the pane).
  double left = 0, legend_bottom = 0;
  if (!legend_in_panel_ && !frame_.split && ImGui::GetCurrentContext() && !classes_.colours.empty()) {
    // Stacked legends keep a column free on the left; side by side, a band at the bottom.
    const LegendLayout l = legend_layout();
    const float m = ImGui::GetFontSize() * 0.8f;
    if (l.stacked) left = std::max(l.indicator.x, l.regime.x) + 2 * m;
    else legend_bottom = std::max(l.indicator.y, l.regime.y) + m;
    if (left > size_.x * 0.45) left = 0;
  }
  // A box kept free in the top right corner (presentation key figures): the territory goes
  // below it or to its left, whichever draws it larger.
  // Kept free at the bottom: the fictitious-data banner, and the scale bar unless the
  // top right box's column already keeps its corner free.
  const double f = ImGui::GetFontSize();
  const double banner = frame_.split ? 0.0 : (app_.territory().regime.fictitious ? 2.0 : 0.0) * f;
  double top = reserved_top_, right = 0, bottom = frame_.split ? 0.0 : banner + std::max(2.5 * f, legend_bottom);
  auto scale_for = [&](double top_px, double r, double b) {
    const double w = std::max(100.0, static_cast<double>(size_.x) - left - r - 40);
    const double h = std::max(100.0, static_cast<double>(size_.y) - top_px - b - 40);
    return std::min(w / (x1 - x0), h / (y1 - y0));
  };
  if (reserved_corner_.x > 0 && reserved_corner_.y > 0) {
    const double below = scale_for(std::max(top, static_cast<double>(reserved_corner_.y)), 0, bottom);
    const double beside = scale_for(top, reserved_corner_.x, banner + legend_bottom);
    if (below >= beside) {
      top = std::max(top, static_cast<double>(reserved_corner_.y));
    } else {
      right = reserved_corner_.x;
      bottom = banner + legend_bottom;
    }
  }
  v.scale_px_per_m = scale_for(top, right, bottom);
  // The territory's centre at the centre of the free part of the pane.
  v.cx_m = (x0 + x1) / 2 - ((left - right) / 2) / v.scale_px_per_m;
  v.cy_m = (y0 + y1) / 2 + ((top - bottom) / 2) / v.scale_px_per_m;
  frames_since_fit_ = 0;
}

void MapView::set_reserved_corner(ImVec2 size) {
  const bool changed = std::abs(size.x - reserved_corner_.x) > 8 || std::abs(size.y - reserved_corner_.y) > 8;
  reserved_corner_ = size;
  // Measured after the fit that needed it (the first frame of a layout): fit again.
  if (changed && frames_since_fit_ <= 2) app_.view.fit_requested = true;
}

// [SECTION] colours and legend

int MapView::shown_indicator() const {
  const auto& inds = app_.indicators();
  const int i = std::clamp(app_.view.indicator, 0, static_cast<int>(inds.size()) - 1);
  if (!frame_.split || !inds[static_cast<std::size_t>(i)].difference) return i;
  const std::string& key = inds[static_cast<std::size_t>(i)].key;
  const std::string partner = key == "ecart:e2sfca" ? "e2sfca" : key.rfind("ecart:", 0) == 0 ? "temps:" + key.substr(6) : "";
  const int j = planner::cartography::find_indicator(inds, partner);
  return j >= 0 ? j : i;
}

void MapView::recolour() {
  const int shown = shown_indicator();
  const auto& ind = app_.indicators()[static_cast<std::size_t>(shown)];
  classes_ = planner::cartography::classify(ind, app_.view.method, app_.view.classes);
  breaks_ = classes_.breaks;
  auto colours_of = [&](const Indicator& i, const planner::cartography::Classification& c) {
    std::vector<ImU32> per_unit(i.values.size(), rgba(planner::cartography::kNoDataColour));
    for (std::size_t u = 0; u < i.values.size(); ++u) {
      const int k = c.unit_class[u];
      per_unit[u] = k >= 0 ? rgba(c.colours[static_cast<std::size_t>(k)]) : rgba(planner::cartography::state_colour(i.state[u]));
    }
    std::vector<ImU32> per_triangle(triangle_unit_.size());
    for (std::size_t t = 0; t < triangle_unit_.size(); ++t) per_triangle[t] = per_unit[triangle_unit_[t]];
    return std::make_pair(per_unit, per_triangle);
  };
  auto [per_unit, per_triangle] = colours_of(ind, classes_);
  unit_colour_ = std::move(per_unit);
  if (mesh_) mesh_->set_colours(per_triangle);
  if (frame_.split && !triangles_.empty()) {
    // The baseline with the scenario's classes (fixed breaks): the same colour, the same minutes.
    const auto& base = app_.baseline_indicators();
    const int b = planner::cartography::find_indicator(base, ind.key);
    if (!mesh_before_) mesh_before_ = std::make_unique<UnitMesh>(triangles_, triangles_.front());
    if (b >= 0) {
      const auto bc = planner::cartography::classify(base[static_cast<std::size_t>(b)], app_.view.method, app_.view.classes,
                                                     &classes_.breaks);
      mesh_before_->set_colours(colours_of(base[static_cast<std::size_t>(b)], bc).second);
    } else {
      mesh_before_->set_colours(std::vector<ImU32>(triangle_unit_.size(), rgba(planner::cartography::kNoDataColour)));
    }
  }
  coloured_version_ = app_.version();
  coloured_indicator_ = shown;
  coloured_split_ = frame_.split;
  coloured_method_ = static_cast<int>(app_.view.method) * 16 + app_.view.classes;
}

float MapView::legend_max_width() const {
  // On the map: at most 22 % of its width (the territory keeps the rest), never under 12 font heights.
  return std::max(ImGui::GetFontSize() * 12, frame_.size.x * 0.22f);
}

float MapView::marker_scale() const { return std::max(1.0f, ImGui::GetFontSize() / 17.0f); }

ImVec2 MapView::draw_legend(ImDrawList* dl, ImVec2 top_left, float max_width, bool boxed) {
  const auto& ind = app_.indicators()[static_cast<std::size_t>(shown_indicator())];
  // Sizes follow the font (larger in presentation mode): line height, swatch, margins.
  const float f = ImGui::GetFontSize(), line = f * 1.2f, sw = f * 1.45f, sh = f * 0.85f, tx = sw + f * 0.55f;
  const float pad = boxed ? f * 0.4f : 0.0f;
  const float x = top_left.x + pad;
  const auto& facilities = app_.after().facilities;
  const bool any_outside = app_.view.show_facilities &&
                           std::any_of(facilities.begin(), facilities.end(), [](const auto& fs) { return fs.outside_territory; });
  bool liberal = false;
  std::set<std::string> statuses;
  if (app_.view.show_facilities) {
    for (const auto& fs : facilities) {
      if (planner::offer::is_mining_pharmacy(fs)) statuses.insert(safe_status(fs));
      else if (fs.kind == "pharmacy") liberal = true;
    }
  }
  // The lines, measured first: the title wraps within `max_width`.
  const std::string title = ind.label + " (" + ind.unit + ")";
  std::vector<std::string> lines;
  for (const auto& l : classes_.labels) lines.push_back(l);
  std::vector<planner::cartography::UnitState> states;
  for (const auto st : {planner::cartography::UnitState::OffNetwork, planner::cartography::UnitState::NoAccess,
                        planner::cartography::UnitState::NoData}) {
    // Compact (presentation): only the states on the map.
    const auto& present = classes_.states_present;
    if (compact_legend_ && std::find(present.begin(), present.end(), st) == present.end()) continue;
    const std::string label = planner::cartography::unit_state_label(st);
    lines.push_back(std::string(1, static_cast<char>(std::toupper(label[0]))) + label.substr(1));
    states.push_back(st);
  }
  std::vector<std::string> notes;  // symbol lines
  if (any_outside) notes.push_back("Établissement hors territoire (effets de bord)");
  if (liberal) notes.push_back("Officine libérale");
  for (const auto& st : statuses) notes.push_back("Pharmacie minière " + st);
  float w = f * 12;
  for (const auto& l : lines) w = std::max(w, tx + ImGui::CalcTextSize(l.c_str()).x);
  for (const auto& l : notes) w = std::max(w, tx + ImGui::CalcTextSize(l.c_str()).x);
  if (ind.classes_from_baseline) w = std::max(w, ImGui::CalcTextSize("Classes de la situation actuelle").x);
  w = std::min(std::max(w, ImGui::CalcTextSize(title.c_str()).x), max_width - 2 * pad);
  const ImVec2 title_size = ImGui::CalcTextSize(title.c_str(), nullptr, false, w);
  // Long entries wrap within the legend's width.
  auto height_of = [&](const std::string& text) {
    return std::max(line, ImGui::CalcTextSize(text.c_str(), nullptr, false, w - tx).y + f * 0.2f);
  };
  float h = title_size.y + f * 0.3f + (ind.classes_from_baseline ? line : 0.0f);
  for (const auto& l : lines) h += height_of(l);
  for (const auto& n : notes) h += height_of(n);
  const ImVec2 size(w + 2 * pad, h + 2 * pad);
  if (!dl) return size;
  if (boxed) {
    dl->AddRectFilled(top_left, ImVec2(top_left.x + size.x, top_left.y + size.y), IM_COL32(255, 255, 255, 230), 4);
    obstacles_.push_back({top_left.x, top_left.y, top_left.x + size.x, top_left.y + size.y});
  }
  float y = top_left.y + pad;
  dl->AddText(ImGui::GetFont(), f, ImVec2(x, y), IM_COL32(0, 0, 0, 255), title.c_str(), nullptr, w);
  y += title_size.y + f * 0.3f;
  for (std::size_t c = 0; c < lines.size(); ++c) {
    const bool state = c >= classes_.labels.size();
    const ImU32 fill = state ? rgba(planner::cartography::state_colour(states[c - classes_.labels.size()]))
                             : rgba(classes_.colours[c]);
    dl->AddRectFilled(ImVec2(x, y + f * 0.1f), ImVec2(x + sw, y + f * 0.1f + sh), fill);
    if (state) dl->AddRect(ImVec2(x, y + f * 0.1f), ImVec2(x + sw, y + f * 0.1f + sh), IM_COL32(120, 120, 120, 255));
    dl->AddText(ImGui::GetFont(), f, ImVec2(x + tx, y - 1), IM_COL32(0, 0, 0, 255), lines[c].c_str(), nullptr, w - tx);
    y += height_of(lines[c]);
  }
  if (ind.classes_from_baseline) {
    dl->AddText(ImVec2(x, y - 1), IM_COL32(60, 60, 60, 255), "Classes de la situation actuelle");
    y += line;
  }
  for (const auto& n : notes) {
    const ImVec2 c(x + sw / 2, y + f * 0.5f);
    if (n.rfind("Établissement hors", 0) == 0) {
      dl->AddCircleFilled(c, f * 0.33f, kOutsideFill);
      dl->AddCircle(c, f * 0.33f, kOutsideOutline, 0, 1.5f);
    } else if (n == "Officine libérale") {
      dl->AddCircleFilled(c, f * 0.27f, kind_colour("pharmacy"));
      dl->AddCircle(c, f * 0.27f, IM_COL32(0, 0, 0, 255));
    } else {
      const float d = f * 0.45f;
      dl->AddQuadFilled(ImVec2(c.x, c.y - d), ImVec2(c.x + d, c.y), ImVec2(c.x, c.y + d), ImVec2(c.x - d, c.y),
                        mining_status_colour(n.substr(std::string("Pharmacie minière ").size())));
      dl->AddQuad(ImVec2(c.x, c.y - d), ImVec2(c.x + d, c.y), ImVec2(c.x, c.y + d), ImVec2(c.x - d, c.y), IM_COL32(0, 0, 0, 255));
    }
    dl->AddText(ImGui::GetFont(), f, ImVec2(x + tx, y - 1), IM_COL32(0, 0, 0, 255), n.c_str(), nullptr, w - tx);
    y += height_of(n);
  }
  return size;
}

MapView::LegendLayout MapView::legend_layout() {
  LegendLayout l;
  const float f = ImGui::GetFontSize(), m = f * 0.8f;
  l.indicator = draw_legend(nullptr, ImVec2(0, 0), legend_max_width(), true);
  const bool regime = app_.after().recomposition.present && app_.view.show_regime;
  l.regime = regime ? draw_regime_legend(nullptr, ImVec2(0, 0), legend_max_width(), true) : ImVec2(0, 0);
  // Stacked when both fit between the bottom (banner) and four font heights from the top.
  const float banner = app_.territory().regime.fictitious ? f * 2.0f : 0.0f;
  l.stacked = !regime || l.indicator.y + l.regime.y <= size_.y - m - banner - 0.6f * m - 4 * f;
  return l;
}

void MapView::draw_legends_on_map(ImDrawList* dl) {
  // Bottom left, above the fictitious-data banner; the regime's legend above the
  // indicator's, or beside it when the map is not tall enough.
  const float f = ImGui::GetFontSize(), m = f * 0.8f;
  const float bottom = origin_.y + size_.y - m - (app_.territory().regime.fictitious ? f * 2.0f : 0.0f);
  const float max_w = legend_max_width();
  const LegendLayout l = legend_layout();
  const ImVec2 pa(origin_.x + m, bottom - l.indicator.y);
  draw_legend(dl, pa, max_w, true);
  if (l.regime.x <= 0) return;
  if (l.stacked) {
    draw_regime_legend(dl, ImVec2(pa.x, pa.y - m * 0.6f - l.regime.y), max_w, true);
  } else {
    draw_regime_legend(dl, ImVec2(pa.x + l.indicator.x + m * 0.6f, bottom - l.regime.y), max_w, true);
  }
}

ImVec2 MapView::draw_legend_band(ImDrawList* dl, ImVec2 top_left, float width) {
  // The legends as a band of items flowing left to right (the split view), wrapping.
  const auto& ind = app_.indicators()[static_cast<std::size_t>(shown_indicator())];
  const float f = ImGui::GetFontSize(), line = f * 1.3f, icon = f * 1.4f, gap = f * 0.4f, space = f * 1.1f;
  struct Item {
    int kind;  // 0 text, 1 swatch, 2 state swatch, 3 facility note, 4 regime site, 5 UFT ring
    ImU32 colour;
    std::string text;
    planner::RegimeSite site;
  };
  std::vector<Item> items;
  items.push_back({0, 0, ind.label + " (" + ind.unit + ") :", {}});
  for (std::size_t c = 0; c < classes_.labels.size(); ++c) items.push_back({1, rgba(classes_.colours[c]), classes_.labels[c], {}});
  for (const auto st : classes_.states_present) {
    const std::string label = planner::cartography::unit_state_label(st);
    items.push_back({2, rgba(planner::cartography::state_colour(st)), label, {}});
  }
  if (ind.classes_from_baseline) items.push_back({0, 0, "(classes de la situation actuelle)", {}});
  const auto& facilities = app_.after().facilities;
  if (app_.view.show_facilities) {
    if (std::any_of(facilities.begin(), facilities.end(), [](const auto& fs) { return fs.outside_territory; })) {
      items.push_back({3, kOutsideFill, "hors territoire", {}});
    }
    std::set<std::string> statuses;
    bool liberal = false;
    for (const auto& fs : facilities) {
      if (planner::offer::is_mining_pharmacy(fs)) statuses.insert(safe_status(fs));
      else if (fs.kind == "pharmacy") liberal = true;
    }
    if (liberal) items.push_back({3, kind_colour("pharmacy"), "officine libérale", {}});
    for (const auto& st : statuses) items.push_back({3, mining_status_colour(st), "pharmacie minière " + st, {}});
  }
  if (app_.after().recomposition.present && app_.view.show_regime) {
    items.push_back({0, 0, "Sites du régime minier :", {}});
    std::vector<planner::RegimeSite> kinds;
    for (const auto& fs : facilities) {
      if (!fs.regime) continue;
      const bool seen = std::any_of(kinds.begin(), kinds.end(), [&](const planner::RegimeSite& k) {
        return k.type == fs.site.type && (k.type != "pharmacie" || k.pharmacy_status == fs.site.pharmacy_status);
      });
      if (!seen) kinds.push_back(fs.site);
    }
    std::sort(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) {
      return a.type != b.type ? a.type < b.type : a.pharmacy_status < b.pharmacy_status;
    });
    for (const auto& k : kinds) {
      std::string label = planner::site_type_label(k.type);
      if (k.type == "pharmacie") label += " (" + planner::pharmacy_status_label(k.pharmacy_status) + ")";
      items.push_back({4, 0, label, k});
    }
    if (app_.view.show_uft) items.push_back({5, uft_colour(0), "UFT", {}});
  }
  // Flow.
  float x = 0, y = 0;
  struct Placed {
    const Item* item;
    float x, y;
  };
  std::vector<Placed> placed;
  for (const auto& it : items) {
    const float w = (it.kind == 0 ? 0.0f : icon + gap) + ImGui::CalcTextSize(it.text.c_str()).x;
    if (x > 0 && x + w > width) {
      x = 0;
      y += line;
    }
    placed.push_back({&it, x, y});
    x += w + space;
  }
  const ImVec2 size(width, y + line);
  if (!dl) return size;
  dl->AddRectFilled(ImVec2(top_left.x - f * 0.3f, top_left.y - f * 0.2f),
                    ImVec2(top_left.x + width + f * 0.3f, top_left.y + size.y), IM_COL32(255, 255, 255, 235), 4);
  for (const auto& p : placed) {
    const ImVec2 o(top_left.x + p.x, top_left.y + p.y);
    const ImVec2 c(o.x + icon / 2, o.y + f * 0.55f);
    const Item& it = *p.item;
    float tx = o.x + icon + gap;
    switch (it.kind) {
      case 0:
        tx = o.x;
        break;
      case 1:
      case 2:
        dl->AddRectFilled(ImVec2(o.x, o.y + f * 0.15f), ImVec2(o.x + icon, o.y + f * 0.95f), it.colour);
        if (it.kind == 2) dl->AddRect(ImVec2(o.x, o.y + f * 0.15f), ImVec2(o.x + icon, o.y + f * 0.95f), IM_COL32(120, 120, 120, 255));
        break;
      case 3:
        dl->AddCircleFilled(c, f * 0.33f, it.colour);
        dl->AddCircle(c, f * 0.33f, IM_COL32(0, 0, 0, 255));
        break;
      case 4:
        draw_regime_site(dl, c, it.site, f * 0.33f);
        break;
      case 5:
        dl->AddCircle(c, f * 0.45f, it.colour, 0, 3.0f);
        break;
      default:
        break;
    }
    dl->AddText(ImVec2(tx, o.y), IM_COL32(0, 0, 0, 255), it.text.c_str());
  }
  return size;
}

void MapView::draw_legend_panel() {
  // In a side column (ImGui window): the same legends, unboxed, stacked.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float w = ImGui::GetContentRegionAvail().x;
  ImVec2 p = ImGui::GetCursorScreenPos();
  const ImVec2 a = draw_legend(dl, p, w, false);
  ImGui::Dummy(a);
  if (app_.after().recomposition.present && app_.view.show_regime) {
    ImGui::Spacing();
    p = ImGui::GetCursorScreenPos();
    ImGui::Dummy(draw_regime_legend(dl, p, w, false));
  }
}

void MapView::draw_scale_and_north(ImDrawList* dl) {
  // Scale bar: the 1-2-5 length closest to 8 font heights.
  const float f = ImGui::GetFontSize();
  const double target_m = 8.0 * f / app_.view.scale_px_per_m;
  double len = std::pow(10.0, std::floor(std::log10(target_m)));
  for (double m : {2.0, 5.0, 10.0}) {
    if (len * m <= target_m) len = std::pow(10.0, std::floor(std::log10(target_m))) * m;
  }
  const float px = static_cast<float>(len * app_.view.scale_px_per_m);
  const std::string label = len >= 1000 ? planner::fr_number(len / 1000, 0) + " km" : planner::fr_number(len, 0) + " m";
  const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
  const float x = origin_.x + size_.x - px - f * 2, y = origin_.y + size_.y - f * 2 -
                                                        (app_.territory().regime.fictitious && !frame_.split ? f * 2.0f : 0.0f);
  dl->AddRectFilled(ImVec2(x - f * 0.5f, y - ts.y - f * 0.4f), ImVec2(x + px + f * 0.5f, y + f * 0.6f), IM_COL32(255, 255, 255, 220), 3);
  obstacles_.push_back({x - f * 0.5f, y - ts.y - f * 0.4f, x + px + f * 0.5f, y + f * 0.6f});
  dl->AddLine(ImVec2(x, y), ImVec2(x + px, y), IM_COL32(0, 0, 0, 255), 3);
  dl->AddLine(ImVec2(x, y - f * 0.3f), ImVec2(x, y + f * 0.3f), IM_COL32(0, 0, 0, 255), 2);
  dl->AddLine(ImVec2(x + px, y - f * 0.3f), ImVec2(x + px, y + f * 0.3f), IM_COL32(0, 0, 0, 255), 2);
  dl->AddText(ImVec2(x + px / 2 - ts.x / 2, y - ts.y - f * 0.2f), IM_COL32(0, 0, 0, 255), label.c_str());
  // North arrow (Lambert-93: north is up near the map centre).
  const float nx = origin_.x + size_.x - f * 2.5f, ny = origin_.y + f * 3.2f, a = f * 0.6f;
  dl->AddTriangleFilled(ImVec2(nx, ny - a * 2.4f), ImVec2(nx - a, ny + a * 0.6f), ImVec2(nx + a, ny + a * 0.6f), IM_COL32(0, 0, 0, 255));
  dl->AddText(ImVec2(nx - ImGui::CalcTextSize("N").x / 2, ny + a * 0.8f), IM_COL32(0, 0, 0, 255), "N");
  obstacles_.push_back({nx - a * 1.5f, ny - a * 2.6f, nx + a * 1.5f, ny + a * 0.8f + f * 1.2f});
}

// [SECTION] drawing

void MapView::layout_panes(const MapFrame& frame) {
  panes_.clear();
  band_ = {};
  if (!frame.split) {
    panes_.push_back({frame.origin, frame.size, &app_.after(), false, ""});
    return;
  }
  // Two panes: side by side or one above the other, whichever draws the territory
  // larger; the legends in a band under both when they are not in a side column.
  const float f = ImGui::GetFontSize(), gap = 6.0f, m = f * 0.6f;
  float h = frame.size.y - (app_.territory().regime.fictitious ? f * 2.2f : 0.0f);
  if (!legend_in_panel_) {
    const float bh = draw_legend_band(nullptr, ImVec2(0, 0), frame.size.x - 2 * m).y;
    h -= bh + m;
    band_ = {frame.origin.x + m, frame.origin.y + h + m * 0.5f, frame.origin.x + frame.size.x - m,
             frame.origin.y + h + m * 0.5f + bh};
  }
  h = std::max(h, f * 8);
  const double ew = std::max(1.0, territory_box_.max_x - territory_box_.min_x);
  const double eh = std::max(1.0, territory_box_.max_y - territory_box_.min_y);
  auto scale = [&](float pw, float ph) { return std::min((pw - 40) / ew, (ph - 40) / eh); };
  const float sw = (frame.size.x - gap) / 2, sh = (h - gap) / 2;
  const std::string name = app_.scenario().edits.empty() ? app_.scenario().name + " (aucune modification)"
                                                          : "Scénario « " + app_.scenario().name + " »";
  if (scale(sw, h) >= scale(frame.size.x, sh)) {
    panes_.push_back({frame.origin, ImVec2(sw, h), &app_.before(), true, "Situation actuelle"});
    panes_.push_back({ImVec2(frame.origin.x + sw + gap, frame.origin.y), ImVec2(sw, h), &app_.after(), false, name});
  } else {
    panes_.push_back({frame.origin, ImVec2(frame.size.x, sh), &app_.before(), true, "Situation actuelle"});
    panes_.push_back({ImVec2(frame.origin.x, frame.origin.y + sh + gap), ImVec2(frame.size.x, sh), &app_.after(), false, name});
  }
}

void MapView::draw(const MapFrame& frame) {
  frame_ = frame;
  labels_drawn_ = 0;
  ++frames_since_fit_;
  step_flight();
  const int shown = shown_indicator();
  if (coloured_version_ != app_.version() || coloured_indicator_ != shown ||
      coloured_method_ != static_cast<int>(app_.view.method) * 16 + app_.view.classes || coloured_split_ != frame.split) {
    recolour();
  }
  layout_panes(frame);
  origin_ = panes_.front().origin;
  size_ = panes_.front().size;
  if (app_.view.fit_requested) {
    fit();
    app_.view.fit_requested = false;
  }
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  dl->AddRectFilled(frame.origin, ImVec2(frame.origin.x + frame.size.x, frame.origin.y + frame.size.y),
                    frame.split ? IM_COL32(120, 120, 120, 255) : IM_COL32(235, 240, 245, 255));
  if (frame.split && band_.x1 > band_.x0) {
    // The band under the panes: the map background, the legends on it.
    const float top = panes_.back().origin.y + panes_.back().size.y;
    dl->AddRectFilled(ImVec2(frame.origin.x, top), ImVec2(frame.origin.x + frame.size.x, frame.origin.y + frame.size.y),
                      IM_COL32(235, 240, 245, 255));
  } else if (frame.split) {
    const float top = panes_.back().origin.y + panes_.back().size.y;
    dl->AddRectFilled(ImVec2(frame.origin.x, top), ImVec2(frame.origin.x + frame.size.x, frame.origin.y + frame.size.y),
                      IM_COL32(235, 240, 245, 255));
  }
  const std::vector<Pane>& panes = panes_;
  for (const Pane& pane : panes) {
    origin_ = pane.origin;
    size_ = pane.size;
    eval_ = pane.eval;
    dl->PushClipRect(pane.origin, ImVec2(pane.origin.x + pane.size.x, pane.origin.y + pane.size.y), false);
    draw_pane(dl, pane);
    dl->PopClipRect();
  }
  // Legend, scale and labels once, over the whole map area (the panes share classes and camera).
  origin_ = panes.front().origin;
  size_ = panes.front().size;
  eval_ = &app_.after();
  obstacles_.clear();
  if (frame.split && !legend_in_panel_) {
    draw_legend_band(dl, ImVec2(static_cast<float>(band_.x0), static_cast<float>(band_.y0)),
                     static_cast<float>(band_.x1 - band_.x0));
  } else if (!legend_in_panel_) {
    draw_legends_on_map(dl);
  }
  origin_ = panes.back().origin;
  size_ = panes.back().size;
  draw_scale_and_north(dl);
  for (const Pane& pane : panes) {
    origin_ = pane.origin;
    size_ = pane.size;
    eval_ = pane.eval;
    dl->PushClipRect(pane.origin, ImVec2(pane.origin.x + pane.size.x, pane.origin.y + pane.size.y), false);
    if (!pane.heading.empty()) draw_heading(dl, pane);
    draw_highlight(dl);
    if (app_.view.show_labels) draw_labels(dl, pane);
    dl->PopClipRect();
  }
  origin_ = frame.origin;
  size_ = frame.size;
  if (app_.territory().regime.fictitious) {
    // In plain sight on every map (and every exported PNG).
    // Drawn over the panels, at the bottom of the map: never hidden by one.
    dl = ImGui::GetForegroundDrawList();
    const std::string banner = std::string("Régime minier : ") + planner::kFictitiousLabel;
    const ImVec2 ts = ImGui::CalcTextSize(banner.c_str());
    const float bx = origin_.x + size_.x / 2 - ts.x / 2, by = origin_.y + size_.y - ts.y - 8;
    dl->AddRectFilled(ImVec2(bx - 10, by - 5), ImVec2(bx + ts.x + 10, by + ts.y + 5), IM_COL32(255, 235, 235, 240), 4);
    dl->AddRect(ImVec2(bx - 10, by - 5), ImVec2(bx + ts.x + 10, by + ts.y + 5), IM_COL32(200, 0, 0, 255), 4, 0, 2);
    dl->AddText(ImVec2(bx, by), IM_COL32(170, 0, 0, 255), banner.c_str());
  }
  // Input: the pane under the mouse (the same camera in both).
  const ImVec2 m = ImGui::GetIO().MousePos;
  const Pane* hovered = &panes.back();
  for (const Pane& pane : panes) {
    if (m.x >= pane.origin.x && m.x < pane.origin.x + pane.size.x) hovered = &pane;
  }
  origin_ = hovered->origin;
  size_ = hovered->size;
  eval_ = hovered->eval;
  const bool inside = m.x >= frame.origin.x && m.y >= frame.origin.y && m.x < frame.origin.x + frame.size.x &&
                      m.y < frame.origin.y + frame.size.y;
  handle_input(inside, hovered->before);
  // A script's "tooltip CODE": the unit's tooltip at its representative point (right pane).
  if (!app_.view.interactive && app_.view.tooltip_unit >= 0 &&
      static_cast<std::size_t>(app_.view.tooltip_unit) < app_.territory().units.size()) {
    origin_ = panes.back().origin;
    size_ = panes.back().size;
    const auto& u = app_.territory().units[static_cast<std::size_t>(app_.view.tooltip_unit)];
    const ImVec2 p = to_screen(u.point.x_m, u.point.y_m);
    ImGui::SetNextWindowPos(ImVec2(p.x + 16, p.y + 16));
    draw_unit_tooltip(static_cast<std::size_t>(app_.view.tooltip_unit));
    ImGui::GetForegroundDrawList()->AddCircle(p, 6, IM_COL32(0, 0, 0, 255), 0, 2);
  }
  origin_ = panes.front().origin;
  size_ = panes.front().size;
  eval_ = &app_.after();
}

void MapView::draw_heading(ImDrawList* dl, const Pane& pane) {
  const float pad = ImGui::GetFontSize() * 0.4f;
  const ImVec2 ts = ImGui::CalcTextSize(pane.heading.c_str());
  const ImVec2 p0(pane.origin.x + pad, pane.origin.y + pad), p1(p0.x + ts.x + 2 * pad, p0.y + ts.y + 2 * pad);
  dl->AddRectFilled(p0, p1, IM_COL32(255, 255, 255, 235), 4);
  dl->AddRect(p0, p1, pane.before ? IM_COL32(80, 80, 80, 255) : IM_COL32(0, 90, 200, 255), 4, 0, 2);
  dl->AddText(ImVec2(p0.x + pad, p0.y + pad), IM_COL32(0, 0, 0, 255), pane.heading.c_str());
  obstacles_.push_back({p0.x, p0.y, p1.x, p1.y});
}

void MapView::draw_pane(ImDrawList* dl, const Pane& pane) {
  dl->AddRectFilled(origin_, ImVec2(origin_.x + size_.x, origin_.y + size_.y), IM_COL32(235, 240, 245, 255));
  // Units: one draw call from the GPU buffers.
  if (UnitMesh* mesh = pane.before ? mesh_before_.get() : mesh_.get()) {
    mesh->queue(dl, app_.view.cx_m, app_.view.cy_m, app_.view.scale_px_per_m,
                 ImVec2(origin_.x + size_.x / 2, origin_.y + size_.y / 2));
  }
  auto polyline = [&](const std::vector<geo::PointM>& pts, ImU32 col, float w) {
    std::vector<ImVec2> s;
    s.reserve(pts.size());
    for (const auto& p : pts) s.push_back(to_screen(p.x_m, p.y_m));
    dl->AddPolyline(s.data(), static_cast<int>(s.size()), col, 0, w);
  };
  // Roads: minor ones only when zoomed in.
  if (app_.view.show_roads) {
    const double scale = app_.view.scale_px_per_m;
    if (scale > 0.03) {
      for (const auto& r : roads_[2]) polyline(r, IM_COL32(255, 255, 255, 110), 1.0f);
    }
    for (const auto& r : roads_[1]) polyline(r, IM_COL32(255, 255, 255, 170), 1.2f);
    for (const auto& r : roads_[0]) polyline(r, IM_COL32(250, 120, 60, 220), 2.0f);
  }
  if (app_.view.show_communes) {
    for (const auto& r : commune_rings_) polyline(r, IM_COL32(40, 40, 40, 160), 1.0f);
  }
  // Isochrones: computed on demand off the UI thread, cached per evaluation.
  if (app_.view.show_isochrones && !pane.before) {
    if (iso_version_ != app_.version() && !iso_job_.valid()) {
      std::vector<planner::FacilityState> sites;
      for (const auto& f : eval().facilities) {
        if (f.open && f.flags.count("urgent_care") && f.flags.at("urgent_care")) sites.push_back(f);
      }
      iso_job_version_ = app_.version();
      const planner::AccessEngine* engine = &app_.engine();
      iso_job_ = std::async(std::launch::async, [engine, sites = std::move(sites)] {
        std::vector<const planner::FacilityState*> ptrs;
        for (const auto& f : sites) ptrs.push_back(&f);
        return planner::isochrones(*engine, ptrs, {10, 20, 30});
      });
    }
    if (iso_job_.valid() && iso_job_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      const auto isos = iso_job_.get();
      for (std::size_t i = 0; i < 3; ++i) {
        iso_rings_[i].clear();
        if (i < isos.size()) iso_rings_[i] = isos[i].area.rings();
      }
      iso_version_ = iso_job_version_;
    }
    if (iso_job_.valid() || iso_version_ != app_.version()) {
      const char* spin = "|/-\\";
      const std::string msg = std::string("Calcul des isochrones ") + spin[static_cast<int>(ImGui::GetTime() * 8) % 4];
      dl->AddText(ImVec2(origin_.x + size_.x / 2 - 60, origin_.y + 12), IM_COL32(0, 0, 0, 255), msg.c_str());
    }
    const ImU32 cols[3] = {IM_COL32(0, 0, 0, 255), IM_COL32(80, 80, 80, 255), IM_COL32(160, 160, 160, 255)};
    for (int i = 2; i >= 0; --i) {
      for (const auto& r : iso_rings_[i]) polyline(r, cols[i], 2.0f);
    }
  }
  // UFT: a line between linked sites and a ring around each site, one colour per UFT.
  const auto& rec = eval().recomposition;
  if (app_.view.show_uft && app_.view.show_regime && rec.present) {
    const auto& fs = eval().facilities;
    for (const auto& l : rec.links) {
      const auto* sa = rec.site_of(l.a);
      const ImU32 col = sa && sa->uft >= 0 ? uft_colour(sa->uft) : IM_COL32(0, 0, 0, 255);
      dl->AddLine(to_screen(fs[l.a].point.x_m, fs[l.a].point.y_m), to_screen(fs[l.b].point.x_m, fs[l.b].point.y_m),
                  (col & 0x00FFFFFFu) | 0x96000000u, 2.0f);
    }
    for (const auto& sf : rec.sites) {
      if (sf.uft < 0 || !fs[sf.facility].open) continue;
      dl->AddCircle(to_screen(fs[sf.facility].point.x_m, fs[sf.facility].point.y_m), 11.0f * marker_scale(), uft_colour(sf.uft), 0, 3.0f);
    }
  }
  // Facilities: closed ones crossed out, edited ones ringed.
  const float k = marker_scale();
  if (app_.view.show_facilities || app_.view.show_regime) {
    const auto& fs = eval().facilities;
    for (std::size_t i = 0; i < fs.size(); ++i) {
      const auto& f = fs[i];
      if (f.regime ? !app_.view.show_regime : !app_.view.show_facilities) continue;
      const ImVec2 p = to_screen(f.point.x_m, f.point.y_m);
      // The many ordinary sites (officines, GP points) shrink when the map is zoomed out,
      // so that the choropleth and the regime's sites stay readable; they never grow with
      // the presentation font.
      const bool minor = !f.regime && (f.kind == "pharmacy" || f.kind == "gp_point") && f.change.empty() &&
                         !planner::offer::is_mining_pharmacy(f);
      const float r = minor ? std::clamp(static_cast<float>(app_.view.scale_px_per_m) * 250.0f, 1.5f, 4.0f)
                            : (f.kind == "hospital" ? 6.0f : f.regime ? 5.0f : 4.0f) * k;
      const bool selected = std::find(app_.view.selection.begin(), app_.view.selection.end(), f.id) != app_.view.selection.end();
      // Sites outside the territory (edge effects): faded, grey outline.
      const ImU32 fill = f.outside_territory ? (kind_colour(f.kind) & 0x00ffffffu) | 0x70000000u : kind_colour(f.kind);
      const ImU32 outline = f.outside_territory ? kOutsideOutline : IM_COL32(0, 0, 0, 255);
      if (f.regime) {
        draw_regime_site(dl, p, f.site, r);
      } else if (planner::offer::is_mining_pharmacy(f)) {
        const float d = 7.0f * k;
        const ImU32 c = f.outside_territory ? (mining_status_colour(safe_status(f)) & 0x00ffffffu) | 0x70000000u
                                            : mining_status_colour(safe_status(f));
        dl->AddQuadFilled(ImVec2(p.x, p.y - d), ImVec2(p.x + d, p.y), ImVec2(p.x, p.y + d), ImVec2(p.x - d, p.y), c);
        dl->AddQuad(ImVec2(p.x, p.y - d), ImVec2(p.x + d, p.y), ImVec2(p.x, p.y + d), ImVec2(p.x - d, p.y), outline, 1.5f);
      } else if (f.kind == "hospital") {
        dl->AddRectFilled(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), fill);
        dl->AddRect(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), outline);
      } else {
        dl->AddCircleFilled(p, r, fill);
        if (r >= 2.5f) dl->AddCircle(p, r, outline);
      }
      if (!f.open) {
        dl->AddLine(ImVec2(p.x - r - 3, p.y - r - 3), ImVec2(p.x + r + 3, p.y + r + 3), IM_COL32(220, 0, 0, 255), 3);
        dl->AddLine(ImVec2(p.x - r - 3, p.y + r + 3), ImVec2(p.x + r + 3, p.y - r - 3), IM_COL32(220, 0, 0, 255), 3);
      } else if (!f.change.empty()) {
        dl->AddCircle(p, r + 5, IM_COL32(255, 0, 255, 255), 0, 2.5f);
      }
      if (selected) dl->AddCircle(p, r + 9, IM_COL32(0, 90, 255, 255), 0, 3.0f);
    }
  }
}

ImVec2 MapView::draw_regime_legend(ImDrawList* dl, ImVec2 top_left, float max_width, bool boxed) {
  // Only the types and statuses present, then the UFT rings.
  std::vector<planner::RegimeSite> kinds;
  for (const auto& f : app_.after().facilities) {
    if (!f.regime) continue;
    const bool seen = std::any_of(kinds.begin(), kinds.end(), [&](const planner::RegimeSite& k) {
      return k.type == f.site.type && (k.type != "pharmacie" || k.pharmacy_status == f.site.pharmacy_status);
    });
    if (!seen) kinds.push_back(f.site);
  }
  std::sort(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) {
    return a.type != b.type ? a.type < b.type : a.pharmacy_status < b.pharmacy_status;
  });
  const float f = ImGui::GetFontSize(), line = f * 1.2f, tx = f * 1.75f, r = f * 0.33f;
  const float pad = boxed ? f * 0.4f : 0.0f;
  std::vector<std::string> labels;
  for (const auto& k : kinds) {
    std::string label = planner::site_type_label(k.type);
    if (k.type == "pharmacie") label += " (" + planner::pharmacy_status_label(k.pharmacy_status) + ")";
    labels.push_back(label);
  }
  if (app_.view.show_uft) {
    labels.push_back("UFT (" + std::to_string(app_.after().recomposition.ufts.size()) + " ; une couleur par UFT)");
  }
  float w = ImGui::CalcTextSize("Sites du régime minier").x;
  for (const auto& l : labels) w = std::max(w, tx + ImGui::CalcTextSize(l.c_str()).x);
  w = std::min(w, std::max(f * 10, max_width - 2 * pad));
  // Long entries wrap within the width.
  auto height_of = [&](const std::string& text) {
    return std::max(line, ImGui::CalcTextSize(text.c_str(), nullptr, false, w - tx).y + f * 0.2f);
  };
  float h = line;
  for (const auto& l : labels) h += height_of(l);
  const ImVec2 size(w + 2 * pad, h + 2 * pad);
  if (!dl) return size;
  if (boxed) {
    dl->AddRectFilled(top_left, ImVec2(top_left.x + size.x, top_left.y + size.y), IM_COL32(255, 255, 255, 230), 4);
    obstacles_.push_back({top_left.x, top_left.y, top_left.x + size.x, top_left.y + size.y});
  }
  const float x = top_left.x + pad;
  float y = top_left.y + pad;
  dl->AddText(ImVec2(x, y), IM_COL32(0, 0, 0, 255), "Sites du régime minier");
  y += line;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i < kinds.size()) {
      draw_regime_site(dl, ImVec2(x + f * 0.65f, y + f * 0.5f), kinds[i], r);
    } else {
      dl->AddCircle(ImVec2(x + f * 0.65f, y + f * 0.5f), f * 0.45f, uft_colour(0), 0, 3.0f);
    }
    dl->AddText(ImGui::GetFont(), f, ImVec2(x + tx, y - 1), IM_COL32(0, 0, 0, 255), labels[i].c_str(), nullptr, w - tx);
    y += height_of(labels[i]);
  }
  return size;
}

// [SECTION] input: pan, zoom, hover, click

int MapView::unit_at(geo::PointM p) const {
  for (std::size_t i = 0; i + 2 < triangles_.size(); i += 3) {
    if (in_triangle(p, triangles_[i], triangles_[i + 1], triangles_[i + 2])) return static_cast<int>(triangle_unit_[i / 3]);
  }
  return -1;
}

int MapView::facility_at(ImVec2 s) const {
  const auto& fs = eval().facilities;
  int best = -1;
  float best_d = 10.0f * marker_scale();
  for (std::size_t i = 0; i < fs.size(); ++i) {
    const ImVec2 p = to_screen(fs[i].point.x_m, fs[i].point.y_m);
    const float d = std::hypot(p.x - s.x, p.y - s.y);
    if (d < best_d) {
      best_d = d;
      best = static_cast<int>(i);
    }
  }
  return best;
}

void MapView::fly_to(const geo::Envelope& e) {
  auto& v = app_.view;
  const ImVec2 ps = panes_.empty() ? frame_.size : panes_.front().size;
  // At least 3 km across (an IRIS, a site), the box filling 70 % of the pane.
  const double w = std::max(3000.0, e.max_x - e.min_x), h = std::max(3000.0, e.max_y - e.min_y);
  const double scale = std::min(0.7 * std::max(100.0f, ps.x) / w, 0.7 * std::max(100.0f, ps.y) / h);
  const double cx = (e.min_x + e.max_x) / 2, cy = (e.min_y + e.max_y) / 2;
  if (!v.interactive) {
    v.cx_m = cx;
    v.cy_m = cy;
    v.scale_px_per_m = scale;
    flight_.active = false;
    return;
  }
  flight_ = {true, v.cx_m, v.cy_m, v.scale_px_per_m, cx, cy, scale, ImGui::GetTime(), 0.8};
}

void MapView::step_flight() {
  if (!flight_.active) return;
  auto& v = app_.view;
  const double t = std::clamp((ImGui::GetTime() - flight_.start_s) / flight_.duration_s, 0.0, 1.0);
  const double e = t * t * (3 - 2 * t);  // smoothstep
  v.cx_m = flight_.from_cx + (flight_.to_cx - flight_.from_cx) * e;
  v.cy_m = flight_.from_cy + (flight_.to_cy - flight_.from_cy) * e;
  v.scale_px_per_m = std::exp(std::log(flight_.from_scale) + (std::log(flight_.to_scale) - std::log(flight_.from_scale)) * e);
  if (t >= 1) flight_.active = false;
}

namespace {

// "12,3 → 14,1 min" (or one value when equal); states spelled out.
std::string before_after_text(double a, bool a_ok, double b, bool b_ok, int decimals, const std::string& unit,
                              const char* missing = "sans accès") {
  const std::string sa = a_ok ? planner::fr_number(a, decimals) : missing;
  const std::string sb = b_ok ? planner::fr_number(b, decimals) : missing;
  if (sa == sb) return sa + (a_ok ? " " + unit : "");
  return sa + " → " + sb + (b_ok ? " " + unit : "") +
         (a_ok && b_ok ? " (" + planner::fr_delta(b - a, decimals) + ")" : "");
}

}  // namespace

void MapView::draw_unit_tooltip(std::size_t u) {
  const auto& t = app_.territory();
  const auto& unit = t.units[u];
  const auto& before = app_.before();
  const auto& after = app_.after();
  const bool road = after.model == planner::TimeModel::Road;
  const bool off = road && !unit.snap.result.ok();
  ImGui::BeginTooltip();
  ImGui::Text("%s (IRIS %s)", unit.name.c_str(), unit.code.c_str());
  const planner::Commune* c = t.find_commune(unit.commune_code);
  ImGui::Text("Commune : %s — %s hab. dans l'IRIS", c ? c->name.c_str() : unit.commune_code.c_str(),
              planner::fr_number(unit.population).c_str());
  if (off) ImGui::TextColored(ImVec4(0.6f, 0.2f, 0, 1), "Hors du réseau routier : non routée");
  const bool changed = !app_.scenario().edits.empty();
  ImGui::TextDisabled("%s", changed ? ("Situation actuelle → « " + app_.scenario().name + " »").c_str() : "Situation actuelle");
  if (ImGui::BeginTable("unit", 2, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
    auto row = [](const std::string& label, const std::string& value) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(label.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(value.c_str());
    };
    // Times to the destinations a workshop asks about first, then the indicator on the map.
    std::vector<std::string> targets = {app_.params().urgent_target, planner::kRegimeKind, "mining_regime", "gp_point"};
    if (after.target_index(planner::kRegimeKind) >= 0) std::erase(targets, std::string("mining_regime"));
    // Then the destinations whose time the scenario changes here (at most three more).
    std::size_t extra = 0;
    for (const auto& tg : after.targets) {
      if (extra >= 3 || std::find(targets.begin(), targets.end(), tg) != targets.end()) continue;
      const int ta = after.target_index(tg), tb = before.target_index(tg);
      const auto b = tb < 0 ? planner::kNoAccess : before.nearest_time[static_cast<std::size_t>(tb)][u];
      if (after.nearest_time[static_cast<std::size_t>(ta)][u] != b) {
        targets.push_back(tg);
        ++extra;
      }
    }
    for (const auto& tg : targets) {
      const int ta = after.target_index(tg), tb = before.target_index(tg);
      if (ta < 0 && tb < 0) continue;
      const geo::Deciseconds a = tb < 0 ? planner::kNoAccess : before.nearest_time[static_cast<std::size_t>(tb)][u];
      const geo::Deciseconds b = ta < 0 ? planner::kNoAccess : after.nearest_time[static_cast<std::size_t>(ta)][u];
      row("Temps vers " + planner::target_label(tg),
          off ? "hors réseau"
              : before_after_text(geo::deciseconds_to_minutes(a), a != planner::kNoAccess, geo::deciseconds_to_minutes(b),
                                  b != planner::kNoAccess, 1, "min"));
    }
    const double ea = before.e2sfca_per_100k.empty() ? NAN : before.e2sfca_per_100k[u];
    const double eb = after.e2sfca_per_100k.empty() ? NAN : after.e2sfca_per_100k[u];
    row("E2SFCA (pour 100 000 hab.)", before_after_text(ea, !std::isnan(ea), eb, !std::isnan(eb), 1, "", "—"));
    if (t.regime.has_affiliates()) {
      row(std::string("Affiliés ") + std::to_string(after.recomposition.base_year) + (t.regime.fictitious ? " (fictifs)" : ""),
          planner::fr_number(t.regime.affiliates[u]));
    }
    if (!after.need_index.empty() && after.need_index[u] != 100) row("Indice de besoin", planner::fr_number(after.need_index[u], 0));
    const auto& ind = app_.indicators()[static_cast<std::size_t>(shown_indicator())];
    if (ind.key.rfind("temps:", 0) != 0 && ind.key != "e2sfca" && ind.key != "population") {
      row(ind.label, ind.state[u] != planner::cartography::UnitState::Value
                         ? std::string(planner::cartography::unit_state_label(ind.state[u]))
                         : planner::fr_number(ind.values[u], ind.decimals) + " " + ind.unit);
    }
    ImGui::EndTable();
  }
  ImGui::EndTooltip();
}

void MapView::handle_input(bool inside, bool before_pane) {
  ImGuiIO& io = ImGui::GetIO();
  auto& v = app_.view;
  hovered_unit_ = hovered_facility_ = -1;
  // A panel has the mouse, a script runs, or the mouse is off the map.
  if (io.WantCaptureMouse || !app_.view.interactive || !inside) return;
  const ImVec2 m = io.MousePos;
  if (io.MouseWheel != 0 || ImGui::IsMouseDragging(ImGuiMouseButton_Left)) flight_.active = false;
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && !before_pane) {
    dragging_.clear();
    const int f = v.show_facilities ? facility_at(m) : -1;
    if (f >= 0) {
      const auto& fac = app_.after().facilities[static_cast<std::size_t>(f)];
      if (fac.open && std::find(v.selection.begin(), v.selection.end(), fac.id) != v.selection.end()) dragging_ = fac.id;
    }
  }
  if (!dragging_.empty()) {
    ImDrawList* fg = ImGui::GetForegroundDrawList();
    fg->AddCircle(m, 10, IM_COL32(255, 0, 255, 255), 0, 3);
    if (ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
      if (io.MouseDragMaxDistanceSqr[0] >= io.MouseDragThreshold * io.MouseDragThreshold) app_.relocate(dragging_, to_map(m));
      dragging_.clear();
      return;
    }
  } else if (ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    v.cx_m -= io.MouseDelta.x / v.scale_px_per_m;
    v.cy_m += io.MouseDelta.y / v.scale_px_per_m;
  }
  if (io.MouseWheel != 0) {
    const geo::PointM before = to_map(m);
    v.scale_px_per_m *= std::pow(1.2, io.MouseWheel);
    const geo::PointM after = to_map(m);
    v.cx_m += before.x_m - after.x_m;
    v.cy_m += before.y_m - after.y_m;
  }
  hovered_facility_ = v.show_facilities ? facility_at(m) : -1;
  hovered_unit_ = hovered_facility_ < 0 ? unit_at(to_map(m)) : -1;
  if (hovered_facility_ >= 0) {
    const auto& f = eval().facilities[static_cast<std::size_t>(hovered_facility_)];
    ImGui::BeginTooltip();
    ImGui::Text("%s", f.name.c_str());
    ImGui::Text("%s — %s%s", f.id.c_str(), planner::target_label(f.kind).c_str(), f.open ? "" : " (fermé)");
    if (planner::offer::is_mining_pharmacy(f)) ImGui::Text("Statut : %s", safe_status(f).c_str());
    if (f.capacity >= 0) ImGui::Text("Capacité : %s", planner::fr_number(f.capacity, 1).c_str());
    if (f.regime) {
      ImGui::Text("%s — centre %s", planner::site_type_label(f.site.type).c_str(), f.site.centre_name.c_str());
      if (f.site.type == "pharmacie") ImGui::Text("Statut : %s", planner::pharmacy_status_label(f.site.pharmacy_status).c_str());
      std::string team;
      for (const auto& [prof, fte] : f.site.fte) {
        if (fte > 0) team += (team.empty() ? "" : ", ") + planner::profession_label(prof) + " " + planner::fr_number(fte, 1);
      }
      ImGui::Text("Équipe (ETP) : %s", team.empty() ? "—" : team.c_str());
      if (const auto* sf = eval().recomposition.site_of(static_cast<std::size_t>(hovered_facility_)); sf && sf->uft >= 0) {
        ImGui::Text("UFT : %s", eval().recomposition.ufts[static_cast<std::size_t>(sf->uft)].id.c_str());
      }
      if (app_.territory().regime.fictitious) ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "%s", planner::kFictitiousLabel);
    }
    ImGui::Text("Population desservie : %s hab.",
                planner::fr_number(eval().served_population[static_cast<std::size_t>(hovered_facility_)]).c_str());
    if (!f.change.empty()) ImGui::Text("Modification : %s", f.change.c_str());
    ImGui::EndTooltip();
  } else if (hovered_unit_ >= 0) {
    draw_unit_tooltip(static_cast<std::size_t>(hovered_unit_));
  }
  if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) && io.MouseDragMaxDistanceSqr[0] < io.MouseDragThreshold * io.MouseDragThreshold) {
    const geo::PointM p = to_map(m);
    if (before_pane && v.mode != Mode::Select) {
      v.status = "La situation actuelle ne se modifie pas : cliquez sur la carte du scénario (à droite)";
      return;
    }
    if (v.mode == Mode::AddCentre) {
      app_.open_site(v.new_kind, v.new_capacity, p);
      v.mode = Mode::Select;
    } else if (v.mode == Mode::MergeAt && v.selection.size() >= 2) {
      app_.merge_at(v.selection, p);
      v.mode = Mode::Select;
    } else if (v.mode == Mode::Relocate && !v.selection.empty()) {
      app_.relocate(v.selection.front(), p);
      v.mode = Mode::Select;
    } else if (hovered_facility_ >= 0) {
      const std::string id = eval().facilities[static_cast<std::size_t>(hovered_facility_)].id;
      if (!io.KeyShift) v.selection.clear();
      if (std::find(v.selection.begin(), v.selection.end(), id) == v.selection.end()) v.selection.push_back(id);
    } else {
      v.selection.clear();
    }
  }
}

}  // namespace recompose::viewer
