// Index:
//   [SECTION] fonts
//   [SECTION] rectangles
//   [SECTION] toolbar
//   [SECTION] side columns and comparison drawer
//   [SECTION] presentation mode
//   [SECTION] shortcuts
#include "layout.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "panel_optimise.hpp"
#include "panels.hpp"
#include "planner/format.hpp"

namespace recompose::viewer {

// [SECTION] fonts

Fonts load_fonts(ImGuiIO& io) {
  Fonts f;
  // French labels need accents, œ, typographic spaces and arrows; the panels use a few
  // geometric shapes (▶), a check mark and the warning sign.
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x2000, 0x206F, 0x2190, 0x2193, 0x2264, 0x2265,
                                   0x25A0, 0x25FF, 0x26A0, 0x26A0, 0x2713, 0x2713, 0};
  const char* path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (!std::filesystem::exists(path)) {
    ImFont* d = io.Fonts->AddFontDefault();
    for (int i = 0; i < 4; ++i) f.ui[i] = f.big[i] = f.huge[i] = d;
    return f;
  }
  const float ui[4] = {15, 17, 20, 23}, big[4] = {19, 23, 28, 34}, huge[4] = {26, 31, 38, 46};
  for (int i = 0; i < 4; ++i) {
    f.ui[i] = io.Fonts->AddFontFromFileTTF(path, ui[i], nullptr, ranges);
    f.big[i] = io.Fonts->AddFontFromFileTTF(path, big[i], nullptr, ranges);
    f.huge[i] = io.Fonts->AddFontFromFileTTF(path, huge[i], nullptr, ranges);
  }
  return f;
}

FontSet font_set(const Fonts& f, float height_px) {
  const int k = height_px <= 760 ? 0 : height_px <= 940 ? 1 : height_px <= 1140 ? 2 : 3;
  return {f.ui[k], f.big[k], f.huge[k]};
}

// [SECTION] rectangles

RoomLayout room_layout(const ViewState& v, ImVec2 display, float font_px, float big_px) {
  RoomLayout l;
  if (v.presentation) {
    // Split: the two maps above a strip of key figures (one or two lines).
    const float strip = v.split ? std::round(big_px * 2.9f) : 0.0f;
    l.map = {ImVec2(0, 0), ImVec2(display.x, display.y - strip), v.split};
    if (v.split) l.strip = {ImVec2(0, display.y - strip), ImVec2(display.x, strip), true};
    return l;
  }
  const float W = display.x, H = display.y, f = font_px;
  const float bar = std::round(f * 2.3f);
  l.toolbar = {ImVec2(0, 0), ImVec2(W, bar), true};
  const float wl = v.show_left ? std::clamp(0.22f * W, 16 * f, 28 * f) : 0.0f;
  const float wr = v.show_right ? std::clamp(0.27f * W, 19 * f, 32 * f) : 0.0f;
  float body = H - bar;
  // The comparison is a wide table: its drawer spans the whole width, under the columns.
  if (v.show_compare) {
    const float dh = std::clamp(0.42f * body, 9 * f, body - 8 * f);
    l.drawer = {ImVec2(0, H - dh), ImVec2(W, dh), true};
    body -= dh;
  }
  if (v.show_left) l.left = {ImVec2(0, bar), ImVec2(wl, body), true};
  if (v.show_right) l.right = {ImVec2(W - wr, bar), ImVec2(wr, body), true};
  const float mw = std::max(f * 10, W - wl - wr);
  l.map = {ImVec2(wl, bar), ImVec2(mw, std::max(f * 6, body)), v.split};
  return l;
}

namespace {

constexpr ImGuiWindowFlags kFixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                    ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;

bool begin_fixed(const char* name, const Rect& r, ImGuiWindowFlags extra = 0) {
  ImGui::SetNextWindowPos(r.pos);
  ImGui::SetNextWindowSize(r.size);
  return ImGui::Begin(name, nullptr, kFixed | extra);
}

// A button that shows an on/off state.
bool toggle(const char* label, bool* on, const char* tip) {
  if (*on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
  const bool pressed = ImGui::Button(label);
  if (*on) ImGui::PopStyleColor();
  if (pressed) *on = !*on;
  if (tip && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
  return pressed;
}

// [SECTION] toolbar

void draw_toolbar(App& app, MapView& map, const Rect& r) {
  auto& v = app.view;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ImGui::GetFontSize() * 0.4f, ImGui::GetFontSize() * 0.35f));
  if (begin_fixed("##barre", r, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar)) {
    toggle(v.show_left ? "◀ Panneau" : "▶ Panneau", &v.show_left, "Panneau de gauche : scénarios et carte (F2)");
    ImGui::SameLine();
    // The active scenario, switched from here too.
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
    if (ImGui::BeginCombo("##actif", app.scenario().name.c_str())) {
      for (std::size_t i = 0; i < app.scenario_count(); ++i) {
        if (ImGui::Selectable((app.scenario_at(i).name + "##s" + std::to_string(i)).c_str(), i == app.active_scenario())) {
          app.switch_to(i);
        }
      }
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    bool single = !v.split;
    if (toggle("Carte", &single, "Une seule carte : le scénario actif")) v.split = false;
    ImGui::SameLine();
    if (toggle("Avant / après", &v.split, "Deux cartes synchronisées, mêmes classes : situation actuelle et scénario actif")) {
      v.fit_requested = true;
    }
    ImGui::SameLine();
    toggle("Comparaison", &v.show_compare, "Tableau de comparaison de tous les scénarios (F4)");
    ImGui::SameLine();
    if (ImGui::Button("Présentation")) {
      v.presentation = true;
      v.fit_requested = true;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Carte, légende et chiffres clés en grand (F5 ; Échap pour revenir)");
    ImGui::SameLine();
    const float right_w = ImGui::CalcTextSize("Panneau ▶").x + ImGui::GetStyle().FramePadding.x * 2;
    const float avail = ImGui::GetContentRegionAvail().x - right_w - ImGui::GetStyle().ItemSpacing.x;
    draw_search_box(app, map, std::max(ImGui::GetFontSize() * 8, avail));
    ImGui::SameLine();
    toggle(v.show_right ? "Panneau ▶" : "Panneau ◀", &v.show_right, "Panneau de droite : scénario actif et chiffres clés (F3)");
  }
  ImGui::End();
  ImGui::PopStyleVar();
}

// [SECTION] side columns and comparison drawer

void draw_left(App& app, MapView& map, const Rect& r) {
  if (begin_fixed("Scénarios et carte", r, ImGuiWindowFlags_NoTitleBar)) {
    if (ImGui::CollapsingHeader("Scénarios", ImGuiTreeNodeFlags_DefaultOpen)) draw_scenarios_panel(app);
    if (ImGui::CollapsingHeader("Légende", ImGuiTreeNodeFlags_DefaultOpen)) map.draw_legend_panel();
    if (ImGui::CollapsingHeader("Carte", ImGuiTreeNodeFlags_DefaultOpen)) draw_layers_panel(app);
  }
  ImGui::End();
}

void draw_right(App& app, const Rect& r) {
  if (begin_fixed("Scénario actif", r, ImGuiWindowFlags_NoTitleBar)) {
    if (ImGui::CollapsingHeader(("Scénario : " + app.scenario().name + "###scenario").c_str(), ImGuiTreeNodeFlags_DefaultOpen)) {
      draw_scenario_panel(app);
    }
    if (optimise_panel_unfold()) ImGui::SetNextItemOpen(true);
    if (ImGui::CollapsingHeader("Proposer une recomposition")) draw_optimise_panel(app);  // panel_optimise.cpp
    if (ImGui::CollapsingHeader("Chiffres clés", ImGuiTreeNodeFlags_DefaultOpen)) draw_figures_panel(app);
  }
  ImGui::End();
}

void draw_drawer(App& app, const Rect& r) {
  bool open = true;
  ImGui::SetNextWindowPos(r.pos);
  ImGui::SetNextWindowSize(r.size);
  if (ImGui::Begin("Comparaison des scénarios", &open, kFixed)) draw_compare_panel(app);
  ImGui::End();
  if (!open) app.view.show_compare = false;
}

// [SECTION] presentation mode

// The key figures of the active scenario against the baseline, from the comparison: the
// main ones that change; when fewer than two do, also those of the destination that
// changes most (the comparison's criterion), shown under its name.
struct PresentationRows {
  std::vector<const planner::ComparisonRow*> key, destination;
  std::string destination_label;
};

PresentationRows presentation_rows(const planner::Comparison& c, std::size_t col) {
  PresentationRows p;
  auto differs = [&](const planner::ComparisonRow& r) {
    return r.values[col] != r.values[0] && !(std::isnan(r.values[col]) && std::isnan(r.values[0]));
  };
  for (const auto& r : c.rows) {
    if (r.key_figure && differs(r)) p.key.push_back(&r);
  }
  // The share repeats the population beyond the threshold: one of them is enough.
  if (std::any_of(p.key.begin(), p.key.end(), [](const auto* r) { return r->key.find("population_beyond") != std::string::npos; })) {
    std::erase_if(p.key, [](const auto* r) { return r->key.find("share_beyond") != std::string::npos; });
  }
  if (p.key.size() > 4) p.key.resize(4);
  if (p.key.size() < 2 && !c.criterion_target.empty()) {
    const std::string label = planner::target_label(c.criterion_target);
    for (const auto& r : c.rows) {
      if (r.group != "Destination : " + label || !differs(r)) continue;
      if (r.key.find("coverage_need") != std::string::npos || r.key.find("share_beyond") != std::string::npos) continue;
      if (p.key.size() + p.destination.size() < 4) p.destination.push_back(&r);
    }
    if (!p.destination.empty()) p.destination_label = label;
  }
  return p;
}

ImVec4 tone_of(const planner::ComparisonRow& r, std::size_t col) {
  const bool better = (r.better == planner::Better::Lower) == (r.values[col] < r.values[0]);
  return r.better == planner::Better::None ? ImVec4(0.1f, 0.1f, 0.1f, 1)
         : better                          ? ImVec4(0.0f, 0.40f, 0.75f, 1)
                                           : ImVec4(0.75f, 0.1f, 0.05f, 1);
}

std::string row_label(const planner::ComparisonRow& r) { return r.label + (r.unit == "%" ? "" : " (" + r.unit + ")"); }

void draw_presentation_figures(App& app, MapView& map, const FontSet& fonts, const Rect& strip) {
  const planner::Comparison& c = app.comparison();
  if (c.options.size() < 2) return;
  const std::size_t col = app.active_scenario() + 1;
  const PresentationRows pr = presentation_rows(c, col);
  std::vector<const planner::ComparisonRow*> rows = pr.key;
  rows.insert(rows.end(), pr.destination.begin(), pr.destination.end());
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::PushFont(fonts.big);
  const float f = ImGui::GetFontSize();
  constexpr ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing;
  if (strip.visible) {
    // Under the two maps: "label : a → b (delta)" items flowing on one or two lines.
    ImGui::SetNextWindowPos(strip.pos);
    ImGui::SetNextWindowSize(strip.size);
    ImGui::Begin("##chiffres-bande", nullptr, flags | ImGuiWindowFlags_NoScrollbar);
    if (rows.empty()) ImGui::TextUnformatted("Aucun chiffre ne change.");
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const auto* r = rows[k];
      if (k == pr.key.size() && !pr.destination_label.empty()) {
        if (k > 0) ImGui::SameLine();
        ImGui::TextUnformatted(("Accès : " + pr.destination_label + " —").c_str());
      }
      const std::string a = row_label(*r) + " : " + planner::format_value(*r, r->values[0]) + " →";
      const std::string b = planner::format_value(*r, r->values[col]) +
                            (planner::format_delta(*r, col).empty() ? "" : " (" + planner::format_delta(*r, col) + ")");
      const float w = ImGui::CalcTextSize((a + " " + b).c_str()).x;
      if (k > 0) {
        ImGui::SameLine();
        if (ImGui::GetCursorPosX() + w + f > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
      }
      ImGui::TextUnformatted(a.c_str());
      ImGui::SameLine();
      ImGui::TextColored(tone_of(*r, col), "%s%s", b.c_str(), k + 1 < rows.size() ? "  ·" : "");
    }
    ImGui::End();
    ImGui::PopFont();
    return;
  }
  // Labels wrap at `w`; the values set the width when they are wider. Anchored top right.
  const float w = std::min(vp->Size.x * 0.21f, f * 16);
  ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x - f * 3.6f, vp->Pos.y + f * 3.4f), ImGuiCond_Always, ImVec2(1, 0));
  ImGui::SetNextWindowBgAlpha(0.92f);
  ImGui::Begin("##chiffres-presentation", nullptr, flags | ImGuiWindowFlags_AlwaysAutoResize);
  ImGui::Dummy(ImVec2(w, 0));
  if (rows.empty()) ImGui::TextWrapped("Aucun chiffre ne change : situation actuelle.");
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto* r = rows[k];
    if (k == pr.key.size() && !pr.destination_label.empty()) {
      if (k > 0) ImGui::Separator();
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w);
      ImGui::TextUnformatted(("Accès : " + pr.destination_label).c_str());
      ImGui::PopTextWrapPos();
      ImGui::Separator();
    }
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w);
    ImGui::TextColored(ImVec4(0.25f, 0.25f, 0.25f, 1), "%s", row_label(*r).c_str());
    ImGui::PopTextWrapPos();
    const std::string d = planner::format_delta(*r, col);
    ImGui::Text("%s →", planner::format_value(*r, r->values[0]).c_str());
    ImGui::SameLine();
    ImGui::TextColored(tone_of(*r, col), "%s%s", planner::format_value(*r, r->values[col]).c_str(),
                       d.empty() ? "" : ("  (" + d + ")").c_str());
    ImGui::Spacing();
  }
  if (c.fictitious_regime) {
    ImGui::PushFont(fonts.ui);
    ImGui::TextColored(ImVec4(0.75f, 0.1f, 0.1f, 1), "Régime minier : données fictives d'exemple");
    ImGui::PopFont();
  }
  const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  map.add_obstacle(wp, ImVec2(wp.x + ws.x, wp.y + ws.y));
  map.set_reserved_corner(ImVec2(vp->Pos.x + vp->Size.x - wp.x, wp.y + ws.y - vp->Pos.y));
  ImGui::End();
  ImGui::PopFont();
}

void draw_presentation(App& app, MapView& map, const FontSet& fonts, const Rect& strip) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  // Title: the territory, the scenario shown.
  ImGui::PushFont(fonts.huge);
  const std::string title = app.territory().title;
  const std::string sub = app.view.split ? "Situation actuelle et « " + app.scenario().name + " »"
                          : app.scenario().edits.empty() ? "Situation actuelle"
                                                         : "Scénario « " + app.scenario().name + " »";
  const float f = ImGui::GetFontSize();
  ImVec2 ts = ImGui::CalcTextSize(title.c_str());
  // Long titles shrink to the width of the window.
  const float max_w = vp->Size.x * 0.62f;
  float size = f;
  if (ts.x > max_w) {
    size = f * max_w / ts.x;
    ts = ImVec2(max_w, ts.y * size / f);
  }
  ImGui::PopFont();
  ImGui::PushFont(fonts.big);
  const ImVec2 ss = ImGui::CalcTextSize(sub.c_str());
  const float w = std::max(ts.x, ss.x), x = vp->Pos.x + vp->Size.x / 2 - w / 2;
  const float y = vp->Pos.y + f * 0.3f;
  if (!app.view.split) {
    dl->AddRectFilled(ImVec2(x - f * 0.5f, y - f * 0.2f), ImVec2(x + w + f * 0.5f, y + ts.y + ss.y + f * 0.4f),
                      IM_COL32(255, 255, 255, 225), 6);
    dl->AddText(fonts.huge, size, ImVec2(vp->Pos.x + vp->Size.x / 2 - ts.x / 2, y), IM_COL32(0, 0, 0, 255), title.c_str());
    dl->AddText(ImVec2(vp->Pos.x + vp->Size.x / 2 - ss.x / 2, y + ts.y + f * 0.1f), IM_COL32(40, 40, 40, 255), sub.c_str());
    map.add_obstacle(ImVec2(x - f * 0.5f, y - f * 0.2f), ImVec2(x + w + f * 0.5f, y + ts.y + ss.y + f * 0.4f));
  }
  ImGui::PopFont();
  draw_presentation_figures(app, map, fonts, strip);
  // A discreet way out, top right.
  ImGui::PushFont(fonts.ui);
  const char* hint = "Échap : quitter la présentation";
  const ImVec2 hs = ImGui::CalcTextSize(hint);
  ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x - hs.x - 24, vp->Pos.y + 2));
  ImGui::SetNextWindowBgAlpha(0.0f);
  ImGui::Begin("##sortie", nullptr,
               ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_AlwaysAutoResize |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground);
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(90, 90, 90, 200));
  ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(255, 255, 255, 120));
  if (ImGui::SmallButton(hint)) app.view.presentation = false;
  ImGui::PopStyleColor(2);
  ImGui::End();
  ImGui::PopFont();
}

}  // namespace

void draw_room(App& app, MapView& map, const RoomLayout& l, const FontSet& fonts) {
  if (app.view.presentation) {
    draw_presentation(app, map, fonts, l.strip);
    return;
  }
  if (l.toolbar.visible) draw_toolbar(app, map, l.toolbar);
  if (l.left.visible) draw_left(app, map, l.left);
  if (l.right.visible) draw_right(app, l.right);
  if (l.drawer.visible) draw_drawer(app, l.drawer);
}

// [SECTION] shortcuts

void room_shortcuts(App& app) {
  ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  auto& v = app.view;
  auto pressed = [](int glfw_key) { return ImGui::IsKeyPressed(glfw_key, false); };
  if (pressed(GLFW_KEY_F2)) v.show_left = !v.show_left;
  if (pressed(GLFW_KEY_F3)) v.show_right = !v.show_right;
  if (pressed(GLFW_KEY_F4)) v.show_compare = !v.show_compare;
  if (pressed(GLFW_KEY_F5)) {
    v.presentation = !v.presentation;
    v.fit_requested = true;
  }
  if (pressed(GLFW_KEY_F6) && app.scenario_count() > 1) app.switch_to((app.active_scenario() + 1) % app.scenario_count());
  if (pressed(GLFW_KEY_F7)) {
    v.split = !v.split;
    v.fit_requested = true;
  }
  if (pressed(GLFW_KEY_F11)) v.fullscreen = !v.fullscreen;
  if (pressed(GLFW_KEY_ESCAPE) && v.presentation) {
    v.presentation = false;
    v.fit_requested = true;
  }
}

}  // namespace recompose::viewer
