// Search a commune, an IRIS or a site by name (or code) and fly to it.
#include <imgui.h>

#include <algorithm>
#include <cstring>

#include "panels.hpp"
#include "planner/format.hpp"

namespace recompose::viewer {

namespace {

// Lower case, accents and ligatures folded, punctuation as spaces: "Hénin-Beaumont"
// and "henin beaumont" fold to the same text.
std::string fold(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
      else out += ' ';
      continue;
    }
    const auto n = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (c == 0xC3 && n) {
      static const char* map = "aaaaaaaceeeeiiiidnooooo/ouuuuyts";  // 0x80-0x9F (upper) and 0xA0-0xBF (lower)
      const unsigned k = (n & 0x1F);
      const char m = map[k];
      if (n == 0x86 || n == 0xA6) out += "ae";
      else if (m != '/') out += m;
      ++i;
      continue;
    }
    if (c == 0xC5 && (n == 0x92 || n == 0x93)) {
      out += "oe";
      ++i;
      continue;
    }
    if (c == 0xE2 && i + 2 < s.size()) {  // typographic apostrophe, dashes, spaces
      out += ' ';
      i += 2;
      continue;
    }
    // Any other multi-byte character: skip its continuation bytes.
    while (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) ++i;
  }
  // Collapse runs of spaces.
  std::string collapsed;
  for (char ch : out) {
    if (ch == ' ' && (collapsed.empty() || collapsed.back() == ' ')) continue;
    collapsed += ch;
  }
  while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return collapsed;
}

int match_score(const std::string& text, const std::string& query) {
  if (query.empty()) return -1;
  if (text == query) return 0;
  if (text.rfind(query, 0) == 0) return 1;
  const auto pos = text.find(query);
  if (pos == std::string::npos) return -1;
  return text[pos - 1] == ' ' ? 2 : 3;
}

geo::Envelope envelope_of(const geo::Geometry& g, geo::PointM fallback) {
  if (g) return g.envelope();
  return {fallback.x_m, fallback.y_m, fallback.x_m, fallback.y_m};
}

}  // namespace

std::vector<SearchHit> search(const App& app, const std::string& query, std::size_t max_hits) {
  const std::string q = fold(query);
  std::vector<SearchHit> hits;
  if (q.empty()) return hits;
  const auto& t = app.territory();
  std::vector<double> weight;  // population, for ties
  auto consider = [&](Highlight::Kind kind, std::size_t index, const std::string& name, const std::string& code,
                      std::string detail, double population) {
    int score = match_score(fold(name), q);
    const int by_code = match_score(fold(code), q);
    if (by_code >= 0 && (score < 0 || by_code < score)) score = by_code;
    if (score < 0) return;
    hits.push_back({kind, index, name, std::move(detail), score});
    weight.push_back(population);
  };
  for (std::size_t i = 0; i < t.communes.size(); ++i) {
    const auto& c = t.communes[i];
    consider(Highlight::Kind::Commune, i, c.name, c.code,
             "commune " + c.code + " — " + planner::fr_number(c.population) + " hab.", c.population);
  }
  for (std::size_t i = 0; i < t.units.size(); ++i) {
    const auto& u = t.units[i];
    const planner::Commune* c = t.find_commune(u.commune_code);
    consider(Highlight::Kind::Unit, i, u.name, u.code,
             "IRIS " + u.code + (c ? " — " + c->name : std::string()) + " — " + planner::fr_number(u.population) + " hab.",
             u.population);
  }
  const auto& fs = app.after().facilities;
  for (std::size_t i = 0; i < fs.size(); ++i) {
    const auto& f = fs[i];
    const planner::Commune* c = nullptr;
    if (f.base_index >= 0) c = t.find_commune(t.facilities[static_cast<std::size_t>(f.base_index)].commune_code);
    consider(Highlight::Kind::Facility, i, f.name, f.id,
             planner::target_label(f.kind) + " — " + f.id + (c ? " — " + c->name : std::string()) + (f.open ? "" : " (fermé)"),
             f.capacity);
  }
  std::vector<std::size_t> order(hits.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (hits[a].score != hits[b].score) return hits[a].score < hits[b].score;
    if (hits[a].kind != hits[b].kind) return hits[a].kind < hits[b].kind;  // communes, IRIS, then sites
    return weight[a] > weight[b];
  });
  std::vector<SearchHit> out;
  for (std::size_t k = 0; k < std::min(max_hits, order.size()); ++k) out.push_back(hits[order[k]]);
  return out;
}

void fly_to_hit(App& app, MapView& map, const SearchHit& hit) {
  const auto& t = app.territory();
  geo::Envelope e{};
  switch (hit.kind) {
    case Highlight::Kind::Commune:
      e = envelope_of(t.communes[hit.index].geometry, t.communes[hit.index].point);
      break;
    case Highlight::Kind::Unit:
      e = envelope_of(t.units[hit.index].geometry, t.units[hit.index].point);
      break;
    case Highlight::Kind::Facility: {
      const auto p = app.after().facilities[hit.index].point;
      e = {p.x_m - 1500, p.y_m - 1500, p.x_m + 1500, p.y_m + 1500};
      break;
    }
    case Highlight::Kind::None:
      return;
  }
  map.fly_to(e);
  app.view.highlight = {hit.kind, hit.index, ImGui::GetTime() + (app.view.interactive ? 6.0 : 1e9)};
  app.view.status = "Carte centrée sur " + hit.label + " (" + hit.detail + ")";
}

void draw_search_box(App& app, MapView& map, float width) {
  static char buffer[128] = "";
  static int selected = 0;
  ImGui::SetNextItemWidth(width);
  const bool enter = ImGui::InputTextWithHint("##recherche", "Rechercher une commune, un IRIS, un site…", buffer,
                                              sizeof buffer, ImGuiInputTextFlags_EnterReturnsTrue);
  const bool active = ImGui::IsItemActive();
  const ImVec2 below(ImGui::GetItemRectMin().x, ImGui::GetItemRectMax().y + 2);
  app.view.search = buffer;
  static bool keep_open = false;
  if (buffer[0] == '\0') {
    keep_open = false;
    return;
  }
  const auto hits = search(app, buffer);
  if (active) {
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow))) selected = std::min<int>(selected + 1, static_cast<int>(hits.size()) - 1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) selected = std::max(selected - 1, 0);
  }
  selected = std::clamp(selected, 0, std::max(0, static_cast<int>(hits.size()) - 1));
  if (enter && !hits.empty()) {
    fly_to_hit(app, map, hits[static_cast<std::size_t>(selected)]);
    buffer[0] = '\0';
    keep_open = false;
    return;
  }
  if (!active && !keep_open) return;
  // The hits, under the field; they stay while the mouse is over them.
  ImGui::SetNextWindowPos(below);
  ImGui::SetNextWindowSizeConstraints(ImVec2(width, 0), ImVec2(std::max(width, ImGui::GetFontSize() * 30), ImGui::GetFontSize() * 20));
  ImGui::Begin("##resultats", nullptr,
               ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_AlwaysAutoResize |
                   ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoSavedSettings);
  if (hits.empty()) ImGui::TextDisabled("Aucun résultat pour « %s »", buffer);
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const auto& h = hits[i];
    const char* kind = h.kind == Highlight::Kind::Commune ? "Commune" : h.kind == Highlight::Kind::Unit ? "IRIS" : "Site";
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::Selectable(h.label.c_str(), static_cast<int>(i) == selected)) {
      fly_to_hit(app, map, h);
      buffer[0] = '\0';
      keep_open = false;
    }
    ImGui::SameLine();
    ImGui::TextDisabled("%s — %s", kind, h.detail.c_str());
    ImGui::PopID();
  }
  keep_open = ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) && buffer[0] != '\0';
  ImGui::End();
}

}  // namespace recompose::viewer
