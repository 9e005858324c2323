// recompose-viewer TERRITORY_DIR [--scenario FILE]... [--screenshot FILE.png] [--script FILE]
//
// Interactive map of a territory for planning workshops: choose an indicator,
// click facilities, close / reopen / merge / relocate / open, see every figure
// change at once; hold several scenarios (one --scenario each), compare them,
// present them. --screenshot renders one view to a PNG and exits (headless
// tests under Xvfb); --script runs a list of actions, one per frame:
//   select ID..., close, reopen, merge, merge-at X_L93 Y_L93, relocate X_L93 Y_L93,
//   open KIND CAPACITY X_L93 Y_L93, isochrones on|off, uft connexe|complet,
//   capacity ID VALUE, undo, redo, indicator N|KEY, pan DX_PX DY_PX, zoom FACTOR, fit,
//   save FILE, load FILE, restore (the previous session's autosave), export DIR,
//   export-map FILE [single|before-after|difference] (the print renderer of `recompose map`),
//   screenshot FILE, quit,
//   scenario load FILE | new NAME | duplicate NAME | rename NAME | switch N|NAME | remove,
//   compare on|off | compare export DIR, layout presentation|normal|split|single,
//   panels left|right on|off, labels on|off, search TEXT, fullscreen on|off, tooltip IRIS_CODE|off
//   optimise OBJECTIVE SIZE [options], optimise-wait, optimise-cancel (panel_optimise.hpp)
// A bad line (an unknown command, a missing or unreadable number, an indicator out of
// range, a refused edit or a failed save) is reported on stderr and the script goes
// on: the session is never lost.
#include <CLI/CLI.hpp>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "app.hpp"
#include "geo/error.hpp"
#include "layout.hpp"
#include "map_view.hpp"
#include "panel_optimise.hpp"
#include "panels.hpp"
#include "png_writer.hpp"

using namespace recompose;
using namespace recompose::viewer;

namespace {

void screenshot(const std::string& path, int w, int h) {
  std::vector<std::uint8_t> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  // OpenGL rows start at the bottom.
  std::vector<std::uint8_t> flipped(px.size());
  const std::size_t row = static_cast<std::size_t>(w) * 4;
  for (int y = 0; y < h; ++y) {
    std::copy_n(px.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(y) * row), row,
                flipped.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(h - 1 - y) * row));
  }
  write_png(path, w, h, flipped);
}

// The rest of a line, trimmed ("scenario rename Un nom avec des espaces").
std::string rest_of(std::istringstream& in) {
  std::string r;
  std::getline(in, r);
  r.erase(0, r.find_first_not_of(' '));
  r.erase(r.find_last_not_of(" \r") + 1);
  return r;
}

// Script commands of the room (issue 17): held scenarios, comparison, layouts, search.
void run_room_command(App& app, MapView& map, const std::string& cmd, std::istringstream& in) {
  auto& v = app.view;
  std::string sub;
  in >> sub;
  const std::string arg = rest_of(in);
  if (cmd == "scenario") {
    if (sub == "load") {
      app.open_scenario(arg);
    } else if (sub == "new") {
      app.new_scenario(arg.empty() ? "Nouveau scénario" : arg);
    } else if (sub == "duplicate") {
      app.duplicate_scenario(arg);
    } else if (sub == "rename") {
      app.rename_scenario(arg);
    } else if (sub == "remove") {
      app.remove_scenario(app.active_scenario());
    } else if (sub == "switch") {
      std::size_t found = app.scenario_count();
      for (std::size_t i = 0; i < app.scenario_count(); ++i) {
        if (app.scenario_at(i).name == arg) found = i;
      }
      if (found == app.scenario_count() && !arg.empty() && std::all_of(arg.begin(), arg.end(), ::isdigit)) {
        found = static_cast<std::size_t>(std::stoul(arg)) - 1;  // 1-based, as shown
      }
      if (found < app.scenario_count()) {
        app.switch_to(found);
      } else {
        std::fprintf(stderr, "[viewer] script: no scenario '%s'\n", arg.c_str());
      }
    } else {
      std::fprintf(stderr, "[viewer] script: unknown 'scenario %s'\n", sub.c_str());
    }
  } else if (cmd == "compare") {
    if (sub == "export") {
      planner::write_comparison(app.comparison(), arg);
      v.status = "Comparaison exportée dans " + arg;
    } else {
      v.show_compare = sub != "off";
    }
  } else if (cmd == "layout") {
    if (sub == "presentation") v.presentation = true;
    else if (sub == "normal") v.presentation = false;
    else if (sub == "split" || sub == "avant-apres") v.split = true;
    else if (sub == "single") v.split = false;
    else std::fprintf(stderr, "[viewer] script: unknown layout '%s'\n", sub.c_str());
    v.fit_requested = true;
  } else if (cmd == "panels") {
    const bool on = arg != "off";
    if (sub == "left") v.show_left = on;
    else if (sub == "right") v.show_right = on;
    else std::fprintf(stderr, "[viewer] script: panels left|right on|off\n");
  } else if (cmd == "labels") {
    v.show_labels = sub != "off";
  } else if (cmd == "fullscreen") {
    v.fullscreen = sub != "off";
  } else if (cmd == "search") {
    const std::string query = sub + (arg.empty() ? "" : " " + arg);
    const auto hits = search(app, query, 1);
    if (hits.empty()) {
      std::fprintf(stderr, "[viewer] script: nothing found for '%s'\n", query.c_str());
      v.status = "Aucun résultat pour « " + query + " »";
    } else {
      fly_to_hit(app, map, hits.front());
    }
  }
}

// A script line that cannot be run: reported, then the script goes on.
struct BadLine {
  std::string why;
};

// Reads the numbers a command needs; a missing or unreadable one, NaN or an
// infinity is a BadLine naming the command.
template <class... T>
void numbers(std::istringstream& in, const std::string& cmd, T&... out) {
  auto one = [&](auto& v) {
    if (!(in >> v)) throw BadLine{"\"" + cmd + "\" needs a number here"};
    if constexpr (std::is_floating_point_v<std::decay_t<decltype(v)>>) {
      if (!std::isfinite(v)) throw BadLine{"\"" + cmd + "\": the number is not finite"};
    }
  };
  (one(out), ...);
}

bool run_line(App& app, MapView& map, OptimisePanel& optimise, const std::string& line, int w, int h, bool& want_shot,
              std::string& shot);

// Runs one script line; returns false on "quit". Never throws: a bad line is
// reported (stderr and the status line) and ignored.
bool run_command(App& app, MapView& map, OptimisePanel& optimise, const std::string& line, int w, int h, bool& want_shot,
                 std::string& shot) {
  std::string why;
  try {
    return run_line(app, map, optimise, line, w, h, want_shot, shot);
  } catch (const BadLine& b) {
    why = b.why;
  } catch (const std::exception& e) {
    why = e.what();
  }
  std::fprintf(stderr, "[viewer] script: \"%s\": %s; line ignored\n", line.c_str(), why.c_str());
  app.view.status = "Script : ligne ignorée (" + why + ")";
  return true;
}

bool run_line(App& app, MapView& map, OptimisePanel& optimise, const std::string& line, int w, int h, bool& want_shot,
              std::string& shot) {
  std::istringstream in(line);
  std::string cmd;
  in >> cmd;
  auto& v = app.view;
  if (cmd.empty() || cmd[0] == '#') return true;
  if (cmd == "quit") return false;
  if (optimise.run_script(cmd, in)) {
    // "Proposer une recomposition" (panel_optimise.cpp)
  } else if (cmd == "select") {
    v.selection.clear();
    for (std::string id; in >> id;) v.selection.push_back(id);
  } else if (cmd == "close") {
    for (const auto& id : std::vector<std::string>(v.selection)) app.close(id);
  } else if (cmd == "reopen") {
    for (const auto& id : std::vector<std::string>(v.selection)) app.reopen(id);
  } else if ((cmd == "merge" || cmd == "merge-at" || cmd == "relocate") && v.selection.empty()) {
    // A recorded diagnostic, and the script goes on (never a crash on a hand-written script).
    std::fprintf(stderr, "[viewer] script: \"%s\" needs a selection first (select ID ...): ignored\n",
                 line.c_str());
    v.status = "Script : « " + cmd + " » sans sélection, ignoré";
  } else if (cmd == "merge") {
    app.merge_into(v.selection, v.selection.front());
  } else if (cmd == "merge-at") {
    double x = 0, y = 0;
    numbers(in, cmd, x, y);
    app.merge_at(v.selection, {x, y});
  } else if (cmd == "uft") {
    std::string grouping;
    in >> grouping;
    app.set_uft_grouping(grouping == "complet" ? "complet" : "connexe");
  } else if (cmd == "isochrones") {
    std::string on;
    in >> on;
    v.show_isochrones = on != "off";
  } else if (cmd == "relocate") {
    double x = 0, y = 0;
    numbers(in, cmd, x, y);
    app.relocate(v.selection.front(), {x, y});
  } else if (cmd == "open") {
    std::string kind;
    double cap = 0, x = 0, y = 0;
    if (!(in >> kind)) throw BadLine{"\"open\" needs a kind"};
    numbers(in, cmd, cap, x, y);
    app.open_site(kind, cap, {x, y});  // refused by the same checks as `recompose evaluate`
  } else if (cmd == "capacity") {
    std::string id;
    double c = 0;
    if (!(in >> id)) throw BadLine{"\"capacity\" needs an id"};
    numbers(in, cmd, c);
    app.set_capacity(id, c);
  } else if (cmd == "undo") {
    app.undo();
  } else if (cmd == "redo") {
    app.redo();
  } else if (cmd == "indicator") {
    std::string which;
    in >> which;
    const int k = planner::cartography::find_indicator(app.indicators(), which);
    const int count = static_cast<int>(app.indicators().size());
    if (k >= 0) {
      v.indicator = k;
    } else if (!which.empty() && which.size() < 9 && std::all_of(which.begin(), which.end(), ::isdigit)) {
      const int n = std::stoi(which);
      if (n >= count) {
        throw BadLine{"indicator " + which + " does not exist (0 to " + std::to_string(count - 1) + ")"};
      }
      v.indicator = n;
    } else {
      throw BadLine{"unknown indicator '" + which + "' (0 to " + std::to_string(count - 1) + " or a key)"};
    }
  } else if (cmd == "tooltip") {
    std::string code;
    in >> code;
    v.tooltip_unit = -1;
    for (std::size_t u = 0; u < app.territory().units.size(); ++u) {
      if (app.territory().units[u].code == code) v.tooltip_unit = static_cast<int>(u);
    }
    if (code != "off" && v.tooltip_unit < 0) std::fprintf(stderr, "[viewer] script: no unit '%s'\n", code.c_str());
  } else if (cmd == "scenario" || cmd == "compare" || cmd == "layout" || cmd == "panels" || cmd == "labels" ||
             cmd == "search" || cmd == "fullscreen") {
    run_room_command(app, map, cmd, in);
  } else if (cmd == "pan") {
    double dx = 0, dy = 0;
    numbers(in, cmd, dx, dy);
    v.cx_m -= dx / v.scale_px_per_m;
    v.cy_m += dy / v.scale_px_per_m;
  } else if (cmd == "zoom") {
    double f = 1;
    numbers(in, cmd, f);
    const double scale = v.scale_px_per_m * f;
    if (!(f > 0) || !std::isfinite(scale) || scale < 1e-7 || scale > 1e3) {
      throw BadLine{"zoom factor out of range (the scale must stay within 1e-7 to 1000 px per metre)"};
    }
    v.scale_px_per_m = scale;
  } else if (cmd == "fit") {
    v.fit_requested = true;
  } else if (cmd == "save") {
    std::string path;
    if (!(in >> path)) throw BadLine{"\"save\" needs a file"};
    app.save(path);
  } else if (cmd == "save-db") {
    app.save_to_database(false);  // the status says the version saved, or who saved first
  } else if (cmd == "save-db-new") {
    app.save_to_database(true);
  } else if (cmd == "publish-db") {
    app.publish_to_database();  // the status names the schema, or why not
  } else if (cmd == "load") {
    std::string path;
    if (!(in >> path)) throw BadLine{"\"load\" needs a file"};
    app.load(path);  // a scenario of another territory is refused
  } else if (cmd == "restore") {
    if (!app.restore_previous()) throw BadLine{"no previous session to restore"};
  } else if (cmd == "export") {
    std::string dir;
    if (!(in >> dir)) throw BadLine{"\"export\" needs a folder"};
    app.export_outputs(dir);
  } else if (cmd == "export-map") {
    std::string path, layout = "single";
    in >> path >> layout;
    try {
      app.export_map(path, planner::cartography::layout_from_name(layout));
    } catch (const geo::Error& e) {
      v.status = std::string("export-map : ") + e.what();
    }
  } else if (cmd == "screenshot") {
    if (!(in >> shot)) throw BadLine{"\"screenshot\" needs a file"};
    want_shot = true;
  } else {
    throw BadLine{"unknown command '" + cmd + "'"};
  }
  (void)w;
  (void)h;
  if (!v.status.empty()) std::fprintf(stderr, "[viewer] %s\n", v.status.c_str());
  return true;
}

// Windowed position and size, restored when full screen ends.
struct WindowedPlacement {
  int x = 0, y = 0, w = 0, h = 0;
};

void apply_fullscreen(GLFWwindow* window, bool want, bool& is, WindowedPlacement& saved) {
  if (want == is) return;
  if (want) {
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    if (!mode) return;
    glfwGetWindowPos(window, &saved.x, &saved.y);
    glfwGetWindowSize(window, &saved.w, &saved.h);
    glfwSetWindowMonitor(window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
  } else {
    glfwSetWindowMonitor(window, nullptr, saved.x, saved.y, saved.w, saved.h, 0);
  }
  is = want;
}

int run(int argc, char** argv) {
  CLI::App cli{"recompose-viewer: carte interactive d'un territoire Recompose"};
  std::string territory, shot_path, script_path;
  std::vector<std::string> scenarios;
  int width = 1400, height = 900;
  bool timing = false, presentation = false, fullscreen = false;
  cli.add_option("territory", territory, "Territory directory written by `recompose import`, or PG:\"dbname=... [schema=NAME]\"")->required();
  cli.add_option("--scenario", scenarios, "Scenario file, or db:NAME[@VERSION] of a PostGIS territory, to open (repeat: several held at once)");
  cli.add_option("--screenshot", shot_path, "Render the first view to this PNG and exit");
  cli.add_option("--script", script_path, "Run these actions, one per frame, then exit");
  cli.add_option("--width", width, "Window width (px)");
  cli.add_option("--height", height, "Window height (px)");
  cli.add_flag("--presentation", presentation, "Start in presentation mode (map, legend and key figures, large fonts)");
  cli.add_flag("--fullscreen", fullscreen, "Start full screen on the primary monitor (F11 toggles)");
  cli.add_flag("--timing", timing, "Print frame-time statistics on exit");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  if (width < 320 || width > 16384 || height < 240 || height > 16384) {
    throw geo::Error("--width / --height " + std::to_string(width) + " x " + std::to_string(height) +
                         ": a window of 320 x 240 to 16384 x 16384 pixels",
                     geo::ErrorKind::Usage);
  }
  std::vector<std::string> script;
  if (!script_path.empty()) {
    std::ifstream in(script_path);
    if (!in) throw geo::Error("script " + script_path + ": file not found");
    for (std::string line; std::getline(in, line);) script.push_back(line);
  }
  if (!shot_path.empty()) {
    script.push_back("screenshot " + shot_path);
    script.push_back("quit");
  }

  App app(territory, scenarios.empty() ? std::string() : scenarios.front());
  for (std::size_t i = 1; i < scenarios.size(); ++i) {
    if (!app.open_scenario(scenarios[i])) throw geo::Error(app.view.status);
  }
  app.switch_to(0);
  app.view.interactive = script.empty();
  app.view.presentation = presentation;
  app.view.fullscreen = fullscreen;
  if (!glfwInit()) throw geo::Error("cannot initialise GLFW (no display? run under Xvfb)", geo::ErrorKind::Internal);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWwindow* window = glfwCreateWindow(width, height, ("Recompose — " + app.territory().title).c_str(), nullptr, nullptr);
  if (!window) {
    glfwTerminate();
    throw geo::Error("cannot open an OpenGL 3 window", geo::ErrorKind::Internal);
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(script.empty() ? 1 : 0);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is not saved between sessions
  const Fonts fonts = load_fonts(io);
  ImGui::StyleColorsLight();
  ImGui::GetStyle().ScrollbarSize = 16;
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 130");

  MapView map(app);
  OptimisePanel optimise(app);  // after App: its worker thread is joined before App goes
  std::size_t next = 0;
  int frame = 0;
  bool running = true, is_fullscreen = false;
  WindowedPlacement windowed;
  std::vector<double> frame_ms, draw_ms;
  auto last = std::chrono::steady_clock::now();
  // One frame of the whole interface: the map in its part of the window, then the room around it.
  auto build_frame = [&](bool measure) {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    const ImVec2 display = io.DisplaySize;
    const FontSet set = font_set(fonts, display.y);
    ImFont* ui = set.ui;
    ImGui::PushFont(ui);
    if (app.view.interactive) {
      room_shortcuts(app);
      if (!io.WantCaptureKeyboard && io.KeyCtrl) {
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z))) app.undo();
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Y))) app.redo();
      }
    }
    const RoomLayout layout = room_layout(app.view, display, ui->FontSize, set.big->FontSize);
    const auto draw_start = std::chrono::steady_clock::now();
    if (app.view.presentation) ImGui::PushFont(set.big);
    map.set_legend_in_panel(layout.left.visible);
    map.set_reserved_top(app.view.presentation && !app.view.split ? set.huge->FontSize * 1.25f + set.big->FontSize * 1.3f : 0.0f);
    map.set_compact_legend(app.view.presentation);
    if (!app.view.presentation || app.view.split) map.set_reserved_corner(ImVec2(0, 0));
    map.draw(layout.map);
    if (app.view.presentation) ImGui::PopFont();
    if (measure) {
      draw_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - draw_start).count());
    }
    map.clear_obstacles();
    draw_room(app, map, layout, set);
    optimise.poll();  // « Proposer une recomposition »: a finished run's proposal becomes the scenario
    if (app.view.interactive) draw_restore_offer(app);
    ImGui::PopFont();
    ImGui::Render();
  };
  while (running && !glfwWindowShouldClose(window)) {
    glfwPollEvents();
    apply_fullscreen(window, app.view.fullscreen, is_fullscreen, windowed);
    if (frame == 1) app.view.fit_requested = true;  // the first frame measured the layout
    build_frame(true);
    int w = 0, h = 0;
    glfwGetFramebufferSize(window, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.92f, 0.94f, 0.96f, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    bool want_shot = false;
    std::string shot;
    if (!app.view.png_request.empty()) {
      glFinish();
      screenshot(app.view.png_request, w, h);
      app.view.status = "Carte exportée : " + app.view.png_request;
      app.view.png_request.clear();
    }
    // Script: one action per frame, after two frames of layout.
    if (!script.empty() && frame >= 2 && next < script.size()) {
      running = run_command(app, map, optimise, script[next++], w, h, want_shot, shot);
    } else if (!script.empty() && next >= script.size()) {
      running = false;
    }
    if (want_shot) {
      // The action changed the model after this frame was drawn: draw again until the layout
      // has settled (auto-sized windows measured, the fit that needs them redone), then read.
      apply_fullscreen(window, app.view.fullscreen, is_fullscreen, windowed);
      for (int pass = 0; pass < 6; ++pass) {
        glfwPollEvents();
        build_frame(false);
        glfwGetFramebufferSize(window, &w, &h);
        glViewport(0, 0, w, h);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        if (pass >= 1 && !app.view.fit_requested) break;
      }
      glFinish();
      screenshot(shot, w, h);
      std::fprintf(stderr, "[viewer] screenshot %s (%dx%d), %zu labels\n", shot.c_str(), w, h, map.labels_drawn());
    }
    glfwSwapBuffers(window);
    const auto now = std::chrono::steady_clock::now();
    frame_ms.push_back(std::chrono::duration<double, std::milli>(now - last).count());
    last = now;
    ++frame;
  }
  if (timing && frame_ms.size() > 3) {
    std::vector<double> s(frame_ms.begin() + 3, frame_ms.end());
    std::sort(s.begin(), s.end());
    std::vector<double> d(draw_ms.begin() + 3, draw_ms.end());
    std::sort(d.begin(), d.end());
    std::printf("frames %zu, median %.2f ms, 90th percentile %.2f ms (map draw lists %.2f ms), last evaluation %.2f ms\n",
                s.size(), s[s.size() / 2], s[s.size() * 9 / 10], d[d.size() / 2], app.last_eval_ms());
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const geo::Error& e) {
    std::fprintf(stderr, "recompose-viewer: error: %s\n", e.what());
    return e.kind() == geo::ErrorKind::Usage ? 2 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "recompose-viewer: error: %s\n", e.what());
    return 1;
  }
}
