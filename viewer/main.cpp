// recompose-viewer TERRITORY_DIR [--scenario FILE] [--screenshot FILE.png] [--script FILE]
//
// Interactive map of a territory for planning workshops: choose an indicator,
// click facilities, close / reopen / merge / relocate / open, see every figure
// change at once. --screenshot renders one view to a PNG and exits (headless
// tests under Xvfb); --script runs a list of actions, one per frame:
//   select ID..., close, reopen, merge, merge-at X_L93 Y_L93, relocate X_L93 Y_L93,
//   open KIND CAPACITY X_L93 Y_L93, isochrones on|off, uft connexe|complet,
//   capacity ID VALUE, undo, redo, indicator N, pan DX_PX DY_PX, zoom FACTOR,
//   save FILE, load FILE, restore (the previous session's autosave), export DIR,
//   screenshot FILE, quit
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
#include "map_view.hpp"
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

bool run_line(App& app, MapView& map, const std::string& line, int w, int h, bool& want_shot, std::string& shot);

// Runs one script line; returns false on "quit". Never throws: a bad line is
// reported (stderr and the status line) and ignored.
bool run_command(App& app, MapView& map, const std::string& line, int w, int h, bool& want_shot, std::string& shot) {
  std::string why;
  try {
    return run_line(app, map, line, w, h, want_shot, shot);
  } catch (const BadLine& b) {
    why = b.why;
  } catch (const std::exception& e) {
    why = e.what();
  }
  std::fprintf(stderr, "[viewer] script: \"%s\": %s; line ignored\n", line.c_str(), why.c_str());
  app.view.status = "Script : ligne ignorée (" + why + ")";
  return true;
}

bool run_line(App& app, MapView& map, const std::string& line, int w, int h, bool& want_shot, std::string& shot) {
  std::istringstream in(line);
  std::string cmd;
  in >> cmd;
  auto& v = app.view;
  if (cmd.empty() || cmd[0] == '#') return true;
  if (cmd == "quit") return false;
  if (cmd == "select") {
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
    int k = 0;
    numbers(in, cmd, k);
    const int count = static_cast<int>(app.indicators().size());
    if (k < 0 || k >= count) {
      throw BadLine{"indicator " + std::to_string(k) + " does not exist (0 to " + std::to_string(count - 1) + ")"};
    }
    v.indicator = k;
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
    map.fit();
  } else if (cmd == "save") {
    std::string path;
    if (!(in >> path)) throw BadLine{"\"save\" needs a file"};
    app.save(path);
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
    if (app.view.interactive) draw_restore_offer(app);
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
      running = run_command(app, map, script[next++], w, h, want_shot, shot);
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
