#define GL_GLEXT_PROTOTYPES
#include "unit_mesh.hpp"

#include <GL/gl.h>
#include <GL/glext.h>

#include <string>

#include "geo/error.hpp"

namespace recompose::viewer {

namespace {

const char* kVertex = R"(#version 130
in vec2 position;   // metres from the mesh origin
in vec4 colour;
uniform vec2 centre;   // camera centre, metres from the mesh origin
uniform float scale;   // pixels per metre
uniform vec2 screen;   // camera centre on screen, pixels
uniform vec2 display;  // display size, pixels
out vec4 v_colour;
void main() {
  vec2 px = screen + vec2(position.x - centre.x, centre.y - position.y) * scale;
  gl_Position = vec4(px.x / display.x * 2.0 - 1.0, 1.0 - px.y / display.y * 2.0, 0.0, 1.0);
  v_colour = colour;
}
)";

const char* kFragment = R"(#version 130
in vec4 v_colour;
out vec4 out_colour;
void main() { out_colour = v_colour; }
)";

unsigned compile(GLenum type, const char* src) {
  const GLuint s = glCreateShader(type);
  glShaderSource(s, 1, &src, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[1024];
    glGetShaderInfoLog(s, sizeof log, nullptr, log);
    throw geo::Error(std::string("unit mesh shader: ") + log, geo::ErrorKind::Internal);
  }
  return s;
}

}  // namespace

UnitMesh::UnitMesh(const std::vector<geo::PointM>& triangles, geo::PointM origin) : origin_(origin) {
  const GLuint vs = compile(GL_VERTEX_SHADER, kVertex), fs = compile(GL_FRAGMENT_SHADER, kFragment);
  program_ = glCreateProgram();
  glAttachShader(program_, vs);
  glAttachShader(program_, fs);
  glBindAttribLocation(program_, 0, "position");
  glBindAttribLocation(program_, 1, "colour");
  glLinkProgram(program_);
  glDeleteShader(vs);
  glDeleteShader(fs);
  u_centre_ = glGetUniformLocation(program_, "centre");
  u_scale_ = glGetUniformLocation(program_, "scale");
  u_screen_ = glGetUniformLocation(program_, "screen");
  u_display_ = glGetUniformLocation(program_, "display");
  std::vector<float> pos;
  pos.reserve(triangles.size() * 2);
  for (const auto& p : triangles) {
    pos.push_back(static_cast<float>(p.x_m - origin.x_m));
    pos.push_back(static_cast<float>(p.y_m - origin.y_m));
  }
  vertex_count_ = static_cast<int>(triangles.size());
  glGenVertexArrays(1, &vao_);
  glBindVertexArray(vao_);
  glGenBuffers(1, &vbo_pos_);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_pos_);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(pos.size() * sizeof(float)), pos.data(), GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
  glGenBuffers(1, &vbo_col_);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_col_);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(triangles.size() * 4), nullptr, GL_DYNAMIC_DRAW);
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, 0, nullptr);
  glBindVertexArray(0);
}

UnitMesh::~UnitMesh() {
  glDeleteBuffers(1, &vbo_pos_);
  glDeleteBuffers(1, &vbo_col_);
  glDeleteVertexArrays(1, &vao_);
  glDeleteProgram(program_);
}

void UnitMesh::set_colours(const std::vector<ImU32>& triangle_colours) {
  std::vector<ImU32> per_vertex;
  per_vertex.reserve(triangle_colours.size() * 3);
  for (ImU32 c : triangle_colours) per_vertex.insert(per_vertex.end(), 3, c);  // ImU32 is RGBA in memory
  glBindBuffer(GL_ARRAY_BUFFER, vbo_col_);
  glBufferSubData(GL_ARRAY_BUFFER, 0, static_cast<GLsizeiptr>(per_vertex.size() * sizeof(ImU32)), per_vertex.data());
  glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void UnitMesh::queue(ImDrawList* dl, double cx, double cy, double scale, ImVec2 screen_centre) {
  centre_[0] = static_cast<float>(cx - origin_.x_m);
  centre_[1] = static_cast<float>(cy - origin_.y_m);
  scale_ = static_cast<float>(scale);
  screen_[0] = screen_centre.x;
  screen_[1] = screen_centre.y;
  dl->AddCallback(&UnitMesh::render, this);
  dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

void UnitMesh::render(const ImDrawList*, const ImDrawCmd* cmd) {
  auto* self = static_cast<UnitMesh*>(cmd->UserCallbackData);
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  // Clipped to the draw command's rectangle: the map's pane (two panes in the split view).
  const ImVec4 clip = cmd->ClipRect;
  glEnable(GL_SCISSOR_TEST);
  glScissor(static_cast<GLint>(clip.x * fb.x), static_cast<GLint>((display.y - clip.w) * fb.y),
            static_cast<GLsizei>((clip.z - clip.x) * fb.x), static_cast<GLsizei>((clip.w - clip.y) * fb.y));
  glDisable(GL_BLEND);
  glUseProgram(self->program_);
  glUniform2f(self->u_centre_, self->centre_[0], self->centre_[1]);
  glUniform1f(self->u_scale_, self->scale_);
  glUniform2f(self->u_screen_, self->screen_[0], self->screen_[1]);
  glUniform2f(self->u_display_, display.x, display.y);
  glBindVertexArray(self->vao_);
  glDrawArrays(GL_TRIANGLES, 0, self->vertex_count_);
  glBindVertexArray(0);
}

}  // namespace recompose::viewer
