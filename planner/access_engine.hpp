// The access engine: sparse facility x unit travel-time tables within a cutoff,
// built once per territory, from which any scenario is evaluated.
//
// Road model: one bounded search per facility on the reverse graph, seeded at the
// facility's snapped position, read at every unit's snapped representative point
// (access legs included). Straight-line model (territories without roads):
// distance x detour factor at a stated speed, and every output says so.
//
// With a contraction hierarchy (Territory::ch) the tables come from RPHAST sweeps
// over the part of the hierarchy that leads to the units' road nodes (selected
// once), kPhastLanes facilities per sweep, batches spread over the cores, and a
// new site costs one restricted sweep; without one, from bounded Dijkstra
// searches. Both give the same times to the decisecond (tested).
//
// Closing or merging facilities reuses the tables (no search). A new site
// (opened, relocated, merged at new coordinates) costs one bounded search,
// memoised by position so re-evaluating the same scenario runs none.
// Cost: building = facilities x bounded search, spread over the cores; memory =
// entries x 8 bytes. Not thread-safe: one engine per thread of use.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "geo/contraction.hpp"
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

// One facility site's column: the units it reaches within the cutoff, by unit.
static_assert(sizeof(AccessEntry) == 8, "the table cache stores AccessEntry as raw bytes");
using AccessColumn = std::vector<AccessEntry>;

// One entry of a unit's row (the tables read the other way): a base facility that
// reaches the unit within the cutoff, and its time.
struct ReachEntry {
  std::uint32_t facility;
  geo::Deciseconds time_ds;
};

// What evaluate() keeps between calls on one engine (planner/evaluation.cpp): the
// baseline's per-unit results, so that an edit re-evaluates only what it touches.
struct EvaluationMemo;

class AccessEngine {
 public:
  // `cache_path` (optional): a table file written beside the territory; reused when
  // its fingerprint (graph, units, facilities, cutoff, model) and its payload checksum
  // match, else rebuilt. When it cannot be written (a read-only territory folder) the
  // tables go to the user's cache folder (geo::user_cache_dir), else stay in memory;
  // cache_note() says so.
  AccessEngine(const Territory& t, double cutoff_min, StraightLineParams straight = {},
               const std::string& cache_path = "");

  [[nodiscard]] bool loaded_from_cache() const { return from_cache_; }
  // A notice (French) when the cache was not where it belongs: refused (corrupted),
  // kept in the user's cache folder or in memory (read-only territory). Empty otherwise.
  [[nodiscard]] const std::string& cache_note() const { return cache_note_; }
  [[nodiscard]] std::uint64_t fingerprint() const { return fingerprint_; }

  [[nodiscard]] TimeModel model() const { return model_; }
  [[nodiscard]] const Territory& territory() const { return t_; }
  [[nodiscard]] geo::Deciseconds cutoff_ds() const { return cutoff_ds_; }
  [[nodiscard]] const StraightLineParams& straight_line() const { return straight_; }

  // Column of base facility `i` (index in Territory::facilities).
  [[nodiscard]] const AccessColumn& base_column(std::size_t i) const { return base_[i]; }
  // Column of a site at `point` (snapped as `snap`): computed once, then memoised.
  const AccessColumn& site_column(geo::PointM point, const geo::SnapResult& snap);
  // Columns of many new sites at once, memoised as site_column's: kPhastLanes sites
  // per restricted sweep (road model with a hierarchy), sweeps spread over the cores.
  // `keep_going(done)` is asked between batches; false stops (the columns computed so
  // far stay memoised). Returns the number of columns computed.
  std::size_t prepare_site_columns(std::span<const geo::PointM> points, std::span<const geo::SnapResult> snaps,
                                   const std::function<bool(std::size_t done)>& keep_going = {});
  // Snaps a new site on the graph (road model) or accepts it (straight line).
  [[nodiscard]] geo::SnapResult snap(geo::PointM p) const;

  [[nodiscard]] std::size_t searches_run() const { return searches_; }
  [[nodiscard]] std::size_t entries() const;

  // Row of unit `u`: the base facilities that reach it within the cutoff, by facility
  // index (the base columns transposed; built on first use, entries() x 8 bytes).
  [[nodiscard]] std::span<const ReachEntry> unit_row(std::size_t u) {
    prepare_unit_rows();
    if (rows_.empty()) return {};
    return {rows_.data() + row_first_[u], rows_.data() + row_first_[u + 1]};
  }
  // Builds the rows now (once; evaluate() does it with its memo, so that no edit waits for it).
  void prepare_unit_rows() {
    if (row_first_.empty()) build_unit_rows();
  }
  // evaluate()'s memo for this engine (null until the first evaluation).
  std::shared_ptr<EvaluationMemo>& evaluation_memo() { return memo_; }

 private:
  AccessColumn compute_column(geo::PointM point, const geo::SnapResult& snap, geo::DijkstraWorkspace& ws,
                              std::atomic<std::size_t>& searches) const;
  // The columns of sites snaps[l] (at most kPhastLanes) whose time from exit k (see
  // exits_) is `time_of(k, l)`; read_column: one site, `time_of(k)`.
  template <class TimeOf>
  std::vector<AccessColumn> read_columns(std::span<const geo::SnapResult* const> snaps, TimeOf&& time_of) const;
  template <class TimeOf>
  AccessColumn read_column(const geo::SnapResult& snap, TimeOf&& time_of) const;
  const geo::PhastTargets& phast_targets();
  void build_tables_dijkstra();
  void build_tables_phast();
  void build_unit_rows();

  const Territory& t_;
  TimeModel model_;
  geo::Deciseconds cutoff_ds_;
  StraightLineParams straight_;
  std::vector<AccessColumn> base_;
  std::map<std::pair<long long, long long>, AccessColumn> sites_;  // keyed by position to the cm
  mutable std::unique_ptr<geo::Snapper> snapper_;  // built on first use
  geo::DijkstraWorkspace ws_;
  // Exits of unit u = exits_[unit_first_exit_[u] .. unit_first_exit_[u+1]-1]: the road
  // nodes a trip from the unit starts at, each with its time from the unit (access leg +
  // part of the segment). Only these nodes are read, so with a hierarchy the sweeps are
  // restricted to them (RPHAST).
  std::vector<std::uint32_t> unit_first_exit_;
  std::vector<geo::Seed> exits_;
  std::unique_ptr<geo::PhastTargets> targets_;
  geo::RphastWorkspace rphast_ws_;
  std::size_t searches_ = 0;
  std::vector<std::size_t> row_first_;  // unit_row(u) = rows_[row_first_[u] .. row_first_[u+1])
  std::vector<ReachEntry> rows_;
  std::shared_ptr<EvaluationMemo> memo_;
  bool from_cache_ = false;
  std::string cache_note_;
  std::uint64_t fingerprint_ = 0;

  bool load_tables(const std::string& path);  // false (and maybe a note) when refused
  void save_tables(const std::string& path) const;
};

}  // namespace recompose::planner
