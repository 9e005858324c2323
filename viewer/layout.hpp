// The viewer laid out for a room (issue 17). Dear ImGui 1.86 (Debian) has no docking:
// the panels are fixed windows placed from the window size every frame.
//
//   ┌──────────────────────── toolbar ────────────────────────┐
//   │ left column │             map                │ right     │
//   │ (scénarios, │  (one map, or the baseline and │ column    │
//   │  carte)     │   the scenario side by side)   │ (scénario,│
//   │             ├────── comparison drawer ───────┤  chiffres)│
//   └─────────────┴────────────────────────────────┴───────────┘
//
// Each column and the drawer can be hidden (toolbar, F2 / F3 / F4); their sections
// collapse. The presentation mode (F5, Échap to leave) keeps only the map, its
// legend, the key figures and a title, in larger fonts (DejaVu Sans from
// fonts-dejavu-core, loaded at several sizes, not scaled bitmaps).
#pragma once

#include <imgui.h>

#include "app.hpp"
#include "map_view.hpp"

namespace recompose::viewer {

// Four steps of window height (up to 760, 940, 1140 px, and above), each with its sizes.
struct Fonts {
  ImFont* ui[4] = {nullptr, nullptr, nullptr, nullptr};    // interface: 15, 17, 20, 23 px
  ImFont* big[4] = {nullptr, nullptr, nullptr, nullptr};   // presentation legend, labels, figures: 19, 23, 28, 34 px
  ImFont* huge[4] = {nullptr, nullptr, nullptr, nullptr};  // presentation title: 26, 31, 38, 46 px
};

// The fonts of one window height (about 1/72, 1/38 and 1/28 of it).
struct FontSet {
  ImFont* ui = nullptr;
  ImFont* big = nullptr;
  ImFont* huge = nullptr;
};

// Loads DejaVu Sans at every size (the default ImGui font when it is missing).
Fonts load_fonts(ImGuiIO& io);
// The fonts for a window `height_px` tall: interface 15 px at 720, 20 px at 1080.
FontSet font_set(const Fonts& f, float height_px);

struct Rect {
  ImVec2 pos{0, 0}, size{0, 0};
  bool visible = false;
};

struct RoomLayout {
  Rect toolbar, left, right, drawer;
  Rect strip;  // presentation of the split view: the key figures under both maps
  MapFrame map;
};

// Pure: the rectangles for a window of `display` pixels with the interface font `font_px`
// (and the presentation font `big_px`: the key figures' strip under the split view).
RoomLayout room_layout(const ViewState& v, ImVec2 display, float font_px, float big_px);

// Everything but the map: toolbar, side columns, comparison drawer, or the
// presentation overlay (title, key figures, a discreet way out).
void draw_room(App& app, MapView& map, const RoomLayout& layout, const FontSet& fonts);

// Keyboard shortcuts of the room (F2-F5, F11, Échap); none while a text field is active.
void room_shortcuts(App& app);

}  // namespace recompose::viewer
