// The viewer's panels, one file each, shown by flags in ViewState.
#pragma once

#include "app.hpp"

namespace recompose::viewer {

void draw_layers_panel(App& app, bool* open);    // indicator, classes, layers
void draw_scenario_panel(App& app, bool* open);  // edits, selection actions, undo/redo, save
void draw_figures_panel(App& app, bool* open);   // key figures before / after / delta
void draw_restore_offer(App& app);               // restore the previous session's autosave? (modal, once)

}  // namespace recompose::viewer
