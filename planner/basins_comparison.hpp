// The whole regime at once (issue 16): every mining basin evaluated on the same
// indicators and compared in one table — population and affiliates beyond 30 min of
// urgent care, beyond 15 min of a regime site, centres under critical size, pharmacy
// surplus, times and coverage: the rows of `recompose compare` (planner/comparison.hpp)
// for each basin's current situation, one column per basin, totals where a figure
// adds up across basins (counts of inhabitants, affiliates, centres, licences).
//
// A regime manifest lists the basin manifests ("format": "recompose-regime/1"):
//   {"format": "recompose-regime/1", "name": "france-regime-minier", "title": "…",
//    "territories": ["bassin-minier-npdc.json", "loire.json", …]}   (paths relative to it)
// `recompose regime` imports each into a work folder (or reuses it), sharing one
// graph cache per road file, evaluates each baseline with the same parameters and
// writes bassins.csv and bassins.md.
#pragma once

#include <string>
#include <vector>

#include "planner/comparison.hpp"

namespace recompose::planner {

struct RegimeManifest {
  std::string name, title, path;
  std::vector<std::string> territories;  // manifest paths, resolved against the regime manifest's folder

  static RegimeManifest load(const std::string& path);  // throws Error naming the file and key
};

struct BasinColumn {
  std::string name, title, time_model_label;
  bool fictitious_regime = false, straight_line = false;
  double population = 0;
  std::string territory_dir;
};

struct BasinsComparison {
  std::string title;
  std::vector<BasinColumn> basins;
  std::vector<ComparisonRow> rows;  // values per basin, then the total (NaN when it does not add up)
  std::vector<bool> additive;       // per row: the total column holds a sum
};

// One column per basin from its baseline comparison (compare_options with the baseline only).
BasinsComparison compare_basins(const std::vector<Comparison>& baselines, const std::vector<std::string>& dirs,
                                const std::string& title);

std::string basins_markdown(const BasinsComparison& b);
// bassins.csv and bassins.md, written atomically into `out_dir`.
void write_basins(const BasinsComparison& b, const std::string& out_dir);

}  // namespace recompose::planner
