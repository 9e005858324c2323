// Print maps: layouts of one territory, one indicator and one or two situations on
// a page (planner/cartography/page.hpp), with the viewer's classes, colours and
// symbols: title and subtitle, the map (units choropleth, roads by class, commune
// outlines, facilities by kind with closed/edited/new sites styled as in the
// viewer, optional isochrones and catchments), legend (classes with units, the
// states « hors réseau », « sans accès dans le seuil », « pas de donnée », symbols),
// scale bar, north arrow, a locator inset of the territory in its départements,
// labels of the main communes and of the edited sites without overlaps, and a
// footer with sources, method and date.
//
// Layouts: one map; before / after side by side with the same classes; the
// difference (after - before, diverging classes centred on 0); an atlas, one
// page per EPCI or zone d'emploi, with the classes of the whole territory on
// every page and a PDF bookmark per page.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "planner/access_engine.hpp"
#include "planner/cartography/page.hpp"
#include "planner/cartography/unit_indicators.hpp"
#include "planner/evaluation.hpp"

namespace recompose::planner::cartography {

enum class Layout { Single, BeforeAfter, Difference };
Layout layout_from_name(const std::string& name);  // single, before-after, difference; usage Error otherwise

struct MapOptions {
  bool roads = true, communes = true, facilities = true, labels = true, inset = true;
  bool isochrones = false;  // 10/20/30 min of the urgent-care sites
  bool catchments = false;  // outlines of the units grouped by nearest site of the indicator's target
  ClassMethod method = ClassMethod::Quantiles;
  int classes = 5;
  int commune_labels = 25;       // at most this many commune names (largest populations first)
  std::string data_root;         // for the inset's département outlines ("" : no inset)
  std::string title;             // default: the territory's title
  std::string iso_date;          // YYYY-MM-DD printed in the footer and stamped in the PDF; default today
};

// What the maps are drawn from: an evaluated territory (baseline and scenario).
struct MapSource {
  AccessEngine& engine;
  const Evaluation& before;
  const Evaluation& after;
  const EvalParams& params;
  const Scenario& scenario;
};

struct MapPageInfo {
  std::string title, subtitle;
  std::vector<std::string> legend_labels;  // class labels as printed
  std::size_t labels_placed = 0;
};

struct MapPagesData;

// Map pages of one evaluated territory: what does not depend on the page (unit
// polygons, roads, indicators, isochrones) is prepared once, then any number of
// pages are drawn into any document (the dossier mixes them with text pages).
class MapPages {
 public:
  MapPages(const MapSource& src, const MapOptions& options);
  ~MapPages();
  MapPages(const MapPages&) = delete;
  MapPages& operator=(const MapPages&) = delete;

  // One page of `layout` for the indicator `indicator_key` (see unit_indicators()).
  // Throws a usage Error listing the keys when it is unknown.
  MapPageInfo draw(cairo_t* cr, const PageSpec& page, const std::string& indicator_key, Layout layout);
  [[nodiscard]] bool has_indicator(const std::string& key) const;
  [[nodiscard]] const std::vector<UnitIndicator>& indicators() const;
  [[nodiscard]] const std::string& iso_date() const;
  [[nodiscard]] const std::string& title() const;

 private:
  std::unique_ptr<MapPagesData> d_;
};

// A file with that page (.pdf, .svg or .png).
MapPageInfo render_map(const MapSource& src, const std::string& indicator_key, Layout layout, const PageSpec& page,
                       const MapOptions& options, const std::string& out_path);

// An atlas (PDF): an overview page, then one page per EPCI ("epci") or zone d'emploi
// ("ze") with units of the territory, the scenario's indicator and the classes of
// the whole territory on every page. Returns the number of pages.
int render_atlas(const MapSource& src, const std::string& indicator_key, const std::string& by, const PageSpec& page,
                 const MapOptions& options, const std::string& out_path);

// The indicator key of the difference map of `key` ("temps:X" -> "ecart:X"; a
// difference key is returned as is); "" when it has none.
std::string difference_key(const std::string& key);

}  // namespace recompose::planner::cartography
