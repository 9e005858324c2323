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
  v.cx_m = (x0 + x1) / 2;
  v.cy_m = (y0 + y1) / 2;
  const double w = std::max(100.0, static_cast<double>(size_.x) - 40), h = std::max(100.0, static_cast<double>(size_.y) - 40);
  v.scale_px_per_m = std::min(w / (x1 - x0), h / (y1 - y0));
}

// [SECTION] colours and legend

void MapView::recolour() {
  const auto& ind = app_.indicators()[static_cast<std::size_t>(app_.view.indicator)];
  classes_ = planner::cartography::classify(ind, app_.view.method, app_.view.classes);
  breaks_ = classes_.breaks;
  unit_colour_.assign(ind.values.size(), rgba(planner::cartography::kNoDataColour));
  for (std::size_t u = 0; u < ind.values.size(); ++u) {
    const int c = classes_.unit_class[u];
    unit_colour_[u] = c >= 0 ? rgba(classes_.colours[static_cast<std::size_t>(c)])
                             : rgba(planner::cartography::state_colour(ind.state[u]));
  }
  if (mesh_) {
    std::vector<ImU32> per_triangle(triangle_unit_.size());
    for (std::size_t i = 0; i < triangle_unit_.size(); ++i) per_triangle[i] = unit_colour_[triangle_unit_[i]];
    mesh_->set_colours(per_triangle);
  }
  coloured_version_ = app_.version();
  coloured_indicator_ = app_.view.indicator;
  coloured_method_ = static_cast<int>(app_.view.method) * 16 + app_.view.classes;
}

void MapView::draw_legend(ImDrawList* dl) {
  const auto& ind = app_.indicators()[static_cast<std::size_t>(app_.view.indicator)];
  const float x = origin_.x + 12, line = 18;
  const auto& facilities = app_.after().facilities;
  const bool any_outside = app_.view.show_facilities &&
                           std::any_of(facilities.begin(), facilities.end(), [](const auto& f) { return f.outside_territory; });
  bool liberal = false;
  std::set<std::string> statuses;
  if (app_.view.show_facilities) {
    for (const auto& f : facilities) {
      if (planner::offer::is_mining_pharmacy(f)) statuses.insert(safe_status(f));
      else if (f.kind == "pharmacy") liberal = true;
    }
  }
  const int note_lines = (ind.classes_from_baseline ? 1 : 0) + (any_outside ? 1 : 0) + (liberal ? 1 : 0) +
                         static_cast<int>(statuses.size());
  float y = origin_.y + size_.y - 24 - line * static_cast<float>(classes_.labels.size() + 4 + note_lines);
  const std::string title = ind.label + " (" + ind.unit + ")";
  const float w = std::max(220.0f, ImGui::CalcTextSize(title.c_str()).x + 12);
  dl->AddRectFilled(ImVec2(x - 6, y - 6), ImVec2(x + w, origin_.y + size_.y - 12), IM_COL32(255, 255, 255, 230), 4);
  legend_top_ = y - 6;
  dl->AddText(ImVec2(x, y), IM_COL32(0, 0, 0, 255), title.c_str());
  y += line + 2;
  for (std::size_t c = 0; c < classes_.labels.size(); ++c) {
    dl->AddRectFilled(ImVec2(x, y), ImVec2(x + 22, y + 13), rgba(classes_.colours[c]));
    dl->AddText(ImVec2(x + 30, y - 1), IM_COL32(0, 0, 0, 255), classes_.labels[c].c_str());
    y += line;
  }
  for (const auto st : {planner::cartography::UnitState::OffNetwork, planner::cartography::UnitState::NoAccess,
                        planner::cartography::UnitState::NoData}) {
    dl->AddRectFilled(ImVec2(x, y), ImVec2(x + 22, y + 13), rgba(planner::cartography::state_colour(st)));
    dl->AddRect(ImVec2(x, y), ImVec2(x + 22, y + 13), IM_COL32(120, 120, 120, 255));
    const std::string label = planner::cartography::unit_state_label(st);
    dl->AddText(ImVec2(x + 30, y - 1), IM_COL32(0, 0, 0, 255), (std::string(1, static_cast<char>(std::toupper(label[0]))) + label.substr(1)).c_str());
    y += line;
  }
  y -= line;
  if (ind.classes_from_baseline) {
    y += line;
    dl->AddText(ImVec2(x, y - 1), IM_COL32(60, 60, 60, 255), "Classes de la situation initiale");
  }
  if (any_outside) {
    y += line;
    dl->AddCircleFilled(ImVec2(x + 11, y + 6), 5, kOutsideFill);
    dl->AddCircle(ImVec2(x + 11, y + 6), 5, kOutsideOutline, 0, 1.5f);
    dl->AddText(ImVec2(x + 30, y - 1), IM_COL32(0, 0, 0, 255), "Établissement hors territoire (effets de bord)");
  }
  if (liberal) {
    y += line;
    dl->AddCircleFilled(ImVec2(x + 11, y + 6), 4, kind_colour("pharmacy"));
    dl->AddCircle(ImVec2(x + 11, y + 6), 4, IM_COL32(0, 0, 0, 255));
    dl->AddText(ImVec2(x + 30, y - 1), IM_COL32(0, 0, 0, 255), "Officine libérale");
  }
  for (const auto& st : statuses) {
    y += line;
    const ImVec2 c(x + 11, y + 6);
    dl->AddQuadFilled(ImVec2(c.x, c.y - 7), ImVec2(c.x + 7, c.y), ImVec2(c.x, c.y + 7), ImVec2(c.x - 7, c.y),
                      mining_status_colour(st));
    dl->AddQuad(ImVec2(c.x, c.y - 7), ImVec2(c.x + 7, c.y), ImVec2(c.x, c.y + 7), ImVec2(c.x - 7, c.y), IM_COL32(0, 0, 0, 255));
    dl->AddText(ImVec2(x + 30, y - 1), IM_COL32(0, 0, 0, 255), ("Pharmacie minière " + st).c_str());
  }
}

void MapView::draw_scale_and_north(ImDrawList* dl) {
  // Scale bar: the 1-2-5 length closest to 120 px.
  const double target_m = 120.0 / app_.view.scale_px_per_m;
  double len = std::pow(10.0, std::floor(std::log10(target_m)));
  for (double f : {2.0, 5.0, 10.0}) {
    if (len * f <= target_m) len = std::pow(10.0, std::floor(std::log10(target_m))) * f;
  }
  const float px = static_cast<float>(len * app_.view.scale_px_per_m);
  const float x = origin_.x + size_.x - px - 30, y = origin_.y + size_.y - 30;
  dl->AddRectFilled(ImVec2(x - 8, y - 22), ImVec2(x + px + 8, y + 10), IM_COL32(255, 255, 255, 220), 3);
  dl->AddLine(ImVec2(x, y), ImVec2(x + px, y), IM_COL32(0, 0, 0, 255), 3);
  dl->AddLine(ImVec2(x, y - 5), ImVec2(x, y + 5), IM_COL32(0, 0, 0, 255), 2);
  dl->AddLine(ImVec2(x + px, y - 5), ImVec2(x + px, y + 5), IM_COL32(0, 0, 0, 255), 2);
  const std::string label = len >= 1000 ? planner::fr_number(len / 1000, 0) + " km" : planner::fr_number(len, 0) + " m";
  dl->AddText(ImVec2(x + px / 2 - 15, y - 20), IM_COL32(0, 0, 0, 255), label.c_str());
  // North arrow (Lambert-93: north is up near the map centre).
  const float nx = origin_.x + size_.x - 40, ny = origin_.y + 50;
  dl->AddTriangleFilled(ImVec2(nx, ny - 22), ImVec2(nx - 9, ny + 6), ImVec2(nx + 9, ny + 6), IM_COL32(0, 0, 0, 255));
  dl->AddText(ImVec2(nx - 4, ny + 8), IM_COL32(0, 0, 0, 255), "N");
}

// [SECTION] drawing

void MapView::draw() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  origin_ = vp->WorkPos;
  size_ = vp->WorkSize;
  if (app_.view.fit_requested) {
    fit();
    app_.view.fit_requested = false;
  }
  if (coloured_version_ != app_.version() || coloured_indicator_ != app_.view.indicator ||
      coloured_method_ != static_cast<int>(app_.view.method) * 16 + app_.view.classes) {
    recolour();
  }
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  dl->AddRectFilled(origin_, ImVec2(origin_.x + size_.x, origin_.y + size_.y), IM_COL32(235, 240, 245, 255));
  // Units: one draw call from the GPU buffers.
  if (mesh_) {
    mesh_->queue(dl, app_.view.cx_m, app_.view.cy_m, app_.view.scale_px_per_m,
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
  if (app_.view.show_isochrones) {
    if (iso_version_ != app_.version() && !iso_job_.valid()) {
      std::vector<planner::FacilityState> sites;
      for (const auto& f : app_.after().facilities) {
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
  const auto& rec = app_.after().recomposition;
  if (app_.view.show_uft && app_.view.show_regime && rec.present) {
    const auto& fs = app_.after().facilities;
    for (const auto& l : rec.links) {
      const auto* sa = rec.site_of(l.a);
      const ImU32 col = sa && sa->uft >= 0 ? uft_colour(sa->uft) : IM_COL32(0, 0, 0, 255);
      dl->AddLine(to_screen(fs[l.a].point.x_m, fs[l.a].point.y_m), to_screen(fs[l.b].point.x_m, fs[l.b].point.y_m),
                  (col & 0x00FFFFFFu) | 0x96000000u, 2.0f);
    }
    for (const auto& sf : rec.sites) {
      if (sf.uft < 0 || !fs[sf.facility].open) continue;
      dl->AddCircle(to_screen(fs[sf.facility].point.x_m, fs[sf.facility].point.y_m), 11.0f, uft_colour(sf.uft), 0, 3.0f);
    }
  }
  // Facilities: closed ones crossed out, edited ones ringed.
  if (app_.view.show_facilities || app_.view.show_regime) {
    const auto& fs = app_.after().facilities;
    for (std::size_t i = 0; i < fs.size(); ++i) {
      const auto& f = fs[i];
      if (f.regime ? !app_.view.show_regime : !app_.view.show_facilities) continue;
      const ImVec2 p = to_screen(f.point.x_m, f.point.y_m);
      const float r = f.kind == "hospital" ? 6.0f : f.regime ? 5.0f : 4.0f;
      const bool selected = std::find(app_.view.selection.begin(), app_.view.selection.end(), f.id) != app_.view.selection.end();
      // Sites outside the territory (edge effects): faded, grey outline.
      const ImU32 fill = f.outside_territory ? (kind_colour(f.kind) & 0x00ffffffu) | 0x70000000u : kind_colour(f.kind);
      const ImU32 outline = f.outside_territory ? kOutsideOutline : IM_COL32(0, 0, 0, 255);
      if (f.regime) {
        draw_regime_site(dl, p, f.site, r);
      } else if (planner::offer::is_mining_pharmacy(f)) {
        const float d = 7.0f;
        const ImU32 c = f.outside_territory ? (mining_status_colour(safe_status(f)) & 0x00ffffffu) | 0x70000000u
                                            : mining_status_colour(safe_status(f));
        dl->AddQuadFilled(ImVec2(p.x, p.y - d), ImVec2(p.x + d, p.y), ImVec2(p.x, p.y + d), ImVec2(p.x - d, p.y), c);
        dl->AddQuad(ImVec2(p.x, p.y - d), ImVec2(p.x + d, p.y), ImVec2(p.x, p.y + d), ImVec2(p.x - d, p.y), outline, 1.5f);
      } else if (f.kind == "hospital") {
        dl->AddRectFilled(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), fill);
        dl->AddRect(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), outline);
      } else {
        dl->AddCircleFilled(p, r, fill);
        dl->AddCircle(p, r, outline);
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
  draw_legend(dl);
  if (rec.present && app_.view.show_regime) draw_regime_legend(dl);
  draw_scale_and_north(dl);
  if (app_.territory().regime.fictitious) {
    // In plain sight on every map (and every exported PNG).
    // Drawn over the panels, at the top of the window: never hidden by one.
    dl = ImGui::GetForegroundDrawList();
    const std::string banner = std::string("Régime minier : ") + planner::kFictitiousLabel;
    const ImVec2 ts = ImGui::CalcTextSize(banner.c_str());
    const float bx = origin_.x + size_.x / 2 - ts.x / 2, by = origin_.y + size_.y - ts.y - 8;
    dl->AddRectFilled(ImVec2(bx - 10, by - 5), ImVec2(bx + ts.x + 10, by + ts.y + 5), IM_COL32(255, 235, 235, 240), 4);
    dl->AddRect(ImVec2(bx - 10, by - 5), ImVec2(bx + ts.x + 10, by + ts.y + 5), IM_COL32(200, 0, 0, 255), 4, 0, 2);
    dl->AddText(ImVec2(bx, by), IM_COL32(170, 0, 0, 255), banner.c_str());
  }
  handle_input();
}

void MapView::draw_regime_legend(ImDrawList* dl) {
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
  const float line = 18, w = 330;
  const float x = origin_.x + 12;  // above the indicator's legend
  const std::size_t rows = kinds.size() + 1 + (app_.view.show_uft ? 1 : 0);
  float y = legend_top_ - 10 - line * static_cast<float>(rows);
  dl->AddRectFilled(ImVec2(x - 6, y - 6), ImVec2(x + w, y + line * static_cast<float>(rows) + 4), IM_COL32(255, 255, 255, 230), 4);
  dl->AddText(ImVec2(x, y), IM_COL32(0, 0, 0, 255), "Sites du régime minier");
  y += line;
  for (const auto& k : kinds) {
    draw_regime_site(dl, ImVec2(x + 10, y + 7), k, 5.0f);
    std::string label = planner::site_type_label(k.type);
    if (k.type == "pharmacie") label += " (" + planner::pharmacy_status_label(k.pharmacy_status) + ")";
    dl->AddText(ImVec2(x + 26, y - 1), IM_COL32(0, 0, 0, 255), label.c_str());
    y += line;
  }
  if (app_.view.show_uft) {
    dl->AddCircle(ImVec2(x + 10, y + 7), 7.0f, uft_colour(0), 0, 3.0f);
    const std::string label = "UFT (" + std::to_string(app_.after().recomposition.ufts.size()) + " ; une couleur par UFT)";
    dl->AddText(ImVec2(x + 26, y - 1), IM_COL32(0, 0, 0, 255), label.c_str());
  }
}

// [SECTION] input: pan, zoom, hover, click

int MapView::unit_at(geo::PointM p) const {
  for (std::size_t i = 0; i + 2 < triangles_.size(); i += 3) {
    if (in_triangle(p, triangles_[i], triangles_[i + 1], triangles_[i + 2])) return static_cast<int>(triangle_unit_[i / 3]);
  }
  return -1;
}

int MapView::facility_at(ImVec2 s) const {
  const auto& fs = app_.after().facilities;
  int best = -1;
  float best_d = 10.0f;
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

void MapView::handle_input() {
  ImGuiIO& io = ImGui::GetIO();
  auto& v = app_.view;
  hovered_unit_ = hovered_facility_ = -1;
  if (io.WantCaptureMouse || !app_.view.interactive) return;  // a panel has the mouse, or a script runs
  const ImVec2 m = io.MousePos;
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
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
  const auto& t = app_.territory();
  if (hovered_facility_ >= 0) {
    const auto& f = app_.after().facilities[static_cast<std::size_t>(hovered_facility_)];
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
      if (const auto* sf = app_.after().recomposition.site_of(static_cast<std::size_t>(hovered_facility_)); sf && sf->uft >= 0) {
        ImGui::Text("UFT : %s", app_.after().recomposition.ufts[static_cast<std::size_t>(sf->uft)].id.c_str());
      }
      if (app_.territory().regime.fictitious) ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "%s", planner::kFictitiousLabel);
    }
    ImGui::Text("Population desservie : %s hab.",
                planner::fr_number(app_.after().served_population[static_cast<std::size_t>(hovered_facility_)]).c_str());
    if (!f.change.empty()) ImGui::Text("Modification : %s", f.change.c_str());
    ImGui::EndTooltip();
  } else if (hovered_unit_ >= 0) {
    const auto& u = t.units[static_cast<std::size_t>(hovered_unit_)];
    const auto& ind = app_.indicators()[static_cast<std::size_t>(v.indicator)];
    const std::size_t k = static_cast<std::size_t>(hovered_unit_);
    ImGui::BeginTooltip();
    ImGui::Text("%s (%s)", u.name.c_str(), u.code.c_str());
    const planner::Commune* c = t.find_commune(u.commune_code);
    ImGui::Text("Commune : %s", c ? c->name.c_str() : u.commune_code.c_str());
    ImGui::Text("Population : %s hab.", planner::fr_number(u.population).c_str());
    if (ind.state[k] != planner::cartography::UnitState::Value) {
      ImGui::Text("%s : %s", ind.label.c_str(), planner::cartography::unit_state_label(ind.state[k]));
    } else {
      ImGui::Text("%s : %s %s", ind.label.c_str(), planner::fr_number(ind.values[k], 1).c_str(), ind.unit.c_str());
    }
    ImGui::EndTooltip();
  }
  if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) && io.MouseDragMaxDistanceSqr[0] < io.MouseDragThreshold * io.MouseDragThreshold) {
    const geo::PointM p = to_map(m);
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
      const std::string id = app_.after().facilities[static_cast<std::size_t>(hovered_facility_)].id;
      if (!io.KeyShift) v.selection.clear();
      if (std::find(v.selection.begin(), v.selection.end(), id) == v.selection.end()) v.selection.push_back(id);
    } else {
      v.selection.clear();
    }
  }
}

}  // namespace recompose::viewer
