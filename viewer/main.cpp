// recompose-viewer TERRITORY_DIR [--scenario FILE] [--screenshot FILE.png] [--script FILE]
//
// Interactive map of a territory for planning workshops: choose an indicator,
// click facilities, close / reopen / merge / relocate / open, see every figure
// change at once. --screenshot renders one view to a PNG and exits (headless
// tests under Xvfb); --script runs a list of actions, one per frame:
//   select ID..., close, reopen, merge, merge-at X_L93 Y_L93, relocate X_L93 Y_L93,
//   open KIND CAPACITY X_L93 Y_L93, isochrones on|off, uft connexe|complet,
//   capacity ID VALUE, undo, redo, indicator N, pan DX_PX DY_PX, zoom FACTOR,
//   save FILE, export DIR, screenshot FILE, quit,
//   optimise OBJECTIVE SIZE [options], optimise-wait, optimise-cancel (panel_optimise.hpp)
#include <CLI/CLI.hpp>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app.hpp"
#include "geo/error.hpp"
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

// Runs one script line; returns false on "quit".
bool run_command(App& app, MapView& map, OptimisePanel& optimise, const std::string& line, int w, int h, bool& want_shot,
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
    in >> x >> y;
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
    in >> x >> y;
    app.relocate(v.selection.front(), {x, y});
  } else if (cmd == "open") {
    std::string kind;
    double cap = 0, x = 0, y = 0;
    in >> kind >> cap >> x >> y;
    app.open_site(kind, cap, {x, y});
  } else if (cmd == "capacity") {
    std::string id;
    double c = 0;
    in >> id >> c;
    app.set_capacity(id, c);
  } else if (cmd == "undo") {
    app.undo();
  } else if (cmd == "redo") {
    app.redo();
  } else if (cmd == "indicator") {
    in >> v.indicator;
  } else if (cmd == "pan") {
    double dx = 0, dy = 0;
    in >> dx >> dy;
    v.cx_m -= dx / v.scale_px_per_m;
    v.cy_m += dy / v.scale_px_per_m;
  } else if (cmd == "zoom") {
    double f = 1;
    in >> f;
    v.scale_px_per_m *= f;
  } else if (cmd == "fit") {
    map.fit();
  } else if (cmd == "save") {
    std::string path;
    in >> path;
    app.save(path);
  } else if (cmd == "export") {
    std::string dir;
    in >> dir;
    app.export_outputs(dir);
  } else if (cmd == "screenshot") {
    in >> shot;
    want_shot = true;
  } else {
    std::fprintf(stderr, "recompose-viewer: unknown script command '%s'\n", cmd.c_str());
  }
  (void)w;
  (void)h;
  if (!v.status.empty()) std::fprintf(stderr, "[viewer] %s\n", v.status.c_str());
  return true;
}

int run(int argc, char** argv) {
  CLI::App cli{"recompose-viewer: carte interactive d'un territoire Recompose"};
  std::string territory, scenario, shot_path, script_path;
  int width = 1400, height = 900;
  bool timing = false;
  cli.add_option("territory", territory, "Territory directory written by `recompose import`")->required();
  cli.add_option("--scenario", scenario, "Scenario file to open");
  cli.add_option("--screenshot", shot_path, "Render the first view to this PNG and exit");
  cli.add_option("--script", script_path, "Run these actions, one per frame, then exit");
  cli.add_option("--width", width, "Window width (px)");
  cli.add_option("--height", height, "Window height (px)");
  cli.add_flag("--timing", timing, "Print frame-time statistics on exit");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
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

  App app(territory, scenario);
  app.view.interactive = script.empty();
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
  // French labels need accents, œ, typographic spaces and arrows.
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x2000, 0x206F, 0x2190, 0x2193, 0x2264, 0x2265, 0};
  const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (std::filesystem::exists(font)) io.Fonts->AddFontFromFileTTF(font, 15.0f, nullptr, ranges);
  ImGui::StyleColorsLight();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 130");

  MapView map(app);
  OptimisePanel optimise(app);  // after App: its worker thread is joined before App goes
  std::size_t next = 0;
  int frame = 0;
  bool running = true;
  std::vector<double> frame_ms, draw_ms;
  auto last = std::chrono::steady_clock::now();
  while (running && !glfwWindowShouldClose(window)) {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    if (!io.WantCaptureKeyboard && io.KeyCtrl) {
      if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z))) app.undo();
      if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Y))) app.redo();
    }
    if (frame == 1) map.fit();
    const auto draw_start = std::chrono::steady_clock::now();
    map.draw();
    draw_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - draw_start).count());
    if (app.view.show_layers) draw_layers_panel(app, &app.view.show_layers);
    if (app.view.show_scenario) draw_scenario_panel(app, &app.view.show_scenario);
    if (app.view.show_figures) draw_figures_panel(app, &app.view.show_figures);
    optimise.draw();
    ImGui::Render();
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
      // The action changed the model after this frame was drawn: draw once more, then read.
      ImGui_ImplOpenGL3_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      ImGui::NewFrame();
      map.draw();
      if (app.view.show_layers) draw_layers_panel(app, &app.view.show_layers);
      if (app.view.show_scenario) draw_scenario_panel(app, &app.view.show_scenario);
      if (app.view.show_figures) draw_figures_panel(app, &app.view.show_figures);
      optimise.draw();
      ImGui::Render();
      glClear(GL_COLOR_BUFFER_BIT);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
      glFinish();
      screenshot(shot, w, h);
      std::fprintf(stderr, "[viewer] screenshot %s (%dx%d)\n", shot.c_str(), w, h);
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
