// The workshop dossier (PDF, French): a cover, the maps of the evaluation (before /
// after and difference of the urgent-care times, the most changed access of the
// scenario, the regime's sites), then the evaluation report itself — key figures,
// most affected communes, edits, pharmacies, recomposition, sources, method and data
// gaps — typeset from the report's Markdown (parsed with cmark-gfm, tables
// included) with pango, paginated, with PDF bookmarks per section. Legends and
// tables carry their labels in text, so the dossier reads printed in black and white.
#pragma once

#include <string>
#include <vector>

#include "planner/cartography/map_render.hpp"

namespace recompose::planner::cartography {

struct DossierInfo {
  int pages = 0;
  std::vector<std::string> bookmarks;  // top-level, in order
  std::vector<std::string> map_pages;  // subtitle of each map page
};

// `report_markdown`: the evaluation's rapport.md. Written atomically to `path` (.pdf).
DossierInfo write_dossier(const MapSource& src, const std::string& report_markdown, const MapOptions& options,
                          const std::string& path);

}  // namespace recompose::planner::cartography
