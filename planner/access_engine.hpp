// The access engine: sparse facility x unit travel-time tables within a cutoff,
// built once per territory, from which any scenario is evaluated.
//
// Road model: one bounded search per facility on the reverse graph, seeded at the
// facility's snapped position, read at every unit's snapped representative point
// (access legs included). Straight-line model (territories without roads):
// distance x detour factor at a stated speed, and every output says so.
//
// Closing or merging facilities reuses the tables (no search). A new site
// (opened, relocated, merged at new coordinates) costs one bounded search,
// memoised by position so re-evaluating the same scenario runs none.
// Cost: building = facilities x bounded search, spread over the cores; memory =
// entries x 8 bytes. Not thread-safe: one engine per thread of use.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "geo/dijkstra.hpp"
#include "planner/scenario.hpp"
#include "planner/territory.hpp"

namespace recompose::planner {

enum class TimeModel { Road, StraightLine };

struct StraightLineParams {
  double detour_factor = 1.3;  // road distance / straight distance
  double speed_kmh = 40.0;     // mean door-to-door speed
};

struct AccessEntry {
  std::uint32_t unit;
  geo::Deciseconds time_ds;
};

// One facility site's column: the units it reaches within the cutoff.
static_assert(sizeof(AccessEntry) == 8, "the table cache stores AccessEntry as raw bytes");
using AccessColumn = std::vector<AccessEntry>;

class AccessEngine {
 public:
  // `cache_path` (optional): a table file written beside the territory; reused when
  // its fingerprint (graph, units, facilities, cutoff, model) matches, else rebuilt.
  AccessEngine(const Territory& t, double cutoff_min, StraightLineParams straight = {},
               const std::string& cache_path = "");

  [[nodiscard]] bool loaded_from_cache() const { return from_cache_; }
  [[nodiscard]] std::uint64_t fingerprint() const { return fingerprint_; }

  [[nodiscard]] TimeModel model() const { return model_; }
  [[nodiscard]] const Territory& territory() const { return t_; }
  [[nodiscard]] geo::Deciseconds cutoff_ds() const { return cutoff_ds_; }
  [[nodiscard]] const StraightLineParams& straight_line() const { return straight_; }

  // Column of base facility `i` (index in Territory::facilities).
  [[nodiscard]] const AccessColumn& base_column(std::size_t i) const { return base_[i]; }
  // Column of a site at `point` (snapped as `snap`): computed once, then memoised.
  const AccessColumn& site_column(geo::PointM point, const geo::SnapResult& snap);
  // Snaps a new site on the graph (road model) or accepts it (straight line).
  [[nodiscard]] geo::SnapResult snap(geo::PointM p) const;

  [[nodiscard]] std::size_t searches_run() const { return searches_; }
  [[nodiscard]] std::size_t entries() const;

 private:
  AccessColumn compute_column(geo::PointM point, const geo::SnapResult& snap, geo::DijkstraWorkspace& ws,
                              std::atomic<std::size_t>& searches) const;

  const Territory& t_;
  TimeModel model_;
  geo::Deciseconds cutoff_ds_;
  StraightLineParams straight_;
  std::vector<AccessColumn> base_;
  std::map<std::pair<long long, long long>, AccessColumn> sites_;  // keyed by position to the cm
  std::unique_ptr<geo::Snapper> snapper_;
  geo::DijkstraWorkspace ws_;
  std::size_t searches_ = 0;
  bool from_cache_ = false;
  std::uint64_t fingerprint_ = 0;

  bool load_tables(const std::string& path);
  void save_tables(const std::string& path) const;
};

}  // namespace recompose::planner
