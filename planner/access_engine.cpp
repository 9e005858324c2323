#include "planner/access_engine.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <thread>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <iterator>
#include <string_view>

#include "geo/error.hpp"
#include "geo/fingerprint.hpp"
#include "geo/output_folder.hpp"

#include "geo/snapping.hpp"

namespace recompose::planner {

namespace {
constexpr char kTableMagic[8] = {'R', 'C', 'M', 'P', 'A', 'C', 'C', '2'};  // 2: payload checksum
}  // namespace

namespace {
// The cutoff in deciseconds, range-checked first: 1e7 minutes would wrap the 32-bit
// deciseconds into a short cutoff.
geo::Deciseconds checked_cutoff_ds(double cutoff_min, const StraightLineParams& straight) {
  if (!std::isfinite(cutoff_min) || cutoff_min <= 0 || cutoff_min > 1440) {
    throw geo::Error("--cutoff-min " + std::to_string(cutoff_min) + ": must be a number of minutes in ]0, 1440]",
                     geo::ErrorKind::Usage);
  }
  if (!std::isfinite(straight.detour_factor) || straight.detour_factor <= 0 || straight.detour_factor > 100 ||
      !std::isfinite(straight.speed_kmh) || straight.speed_kmh <= 0 || straight.speed_kmh > 1000) {
    throw geo::Error("--detour-factor / --straight-speed-kmh: must be numbers in ]0, 100] and ]0, 1000] km/h",
                     geo::ErrorKind::Usage);
  }
  return static_cast<geo::Deciseconds>(std::llround(cutoff_min * 600.0));
}
}  // namespace

AccessEngine::AccessEngine(const Territory& t, double cutoff_min, StraightLineParams straight,
                           const std::string& cache_path)
    : t_(t),
      model_(t.has_roads ? TimeModel::Road : TimeModel::StraightLine),
      cutoff_ds_(checked_cutoff_ds(cutoff_min, straight)),
      straight_(straight) {
  geo::Fingerprint fp;
  char buf[128];
  // "tables/2": bump when the way times are computed changes, so old caches are rebuilt.
  std::snprintf(buf, sizeof buf, "tables/2|%d|%u|%.6f|%.6f|%016llx", static_cast<int>(model_), cutoff_ds_,
                straight_.detour_factor, straight_.speed_kmh, static_cast<unsigned long long>(t.graph_fingerprint));
  fp.add(buf);
  for (const auto& u : t.units) {
    std::snprintf(buf, sizeof buf, "%.2f,%.2f", u.point.x_m, u.point.y_m);
    fp.add(u.code + "@" + buf);
  }
  for (const auto& f : t.facilities) {
    std::snprintf(buf, sizeof buf, "%.2f,%.2f", f.point.x_m, f.point.y_m);
    fp.add(f.id + "@" + buf);
  }
  fingerprint_ = fp.value();
  if (model_ == TimeModel::Road) {  // needed by new sites too, hence before the cache
    unit_first_exit_.assign(1, 0);
    for (const auto& u : t.units) {
      if (u.snap.result.ok()) {
        for (const geo::Seed& e : geo::departure_seeds(t.graph, u.snap.result)) exits_.push_back(e);
      }
      unit_first_exit_.push_back(static_cast<std::uint32_t>(exits_.size()));
    }
  }
  // The cache beside the territory, else in the user's cache folder (a read-only
  // territory: a network share, a USB key), else none: the tables stay in memory.
  char name[48];
  std::snprintf(name, sizeof name, "access-tables-%016llx.bin", static_cast<unsigned long long>(fingerprint_));
  const std::string user_dir = geo::user_cache_dir();
  const std::string user_path = user_dir.empty() ? "" : (std::filesystem::path(user_dir) / name).string();
  if (!cache_path.empty()) {
    for (const std::string& path : {cache_path, user_path}) {
      if (!path.empty() && load_tables(path)) {
        from_cache_ = true;
        if (path == user_path) cache_note_ = "tables d'accès relues depuis " + user_path;
        return;
      }
    }
  }
  if (model_ == TimeModel::Road && t.ch) {
    build_tables_phast();
  } else {
    build_tables_dijkstra();
  }
  if (cache_path.empty()) return;
  try {
    save_tables(cache_path);
  } catch (const geo::Error& e) {
    const std::string why = e.what();
    try {
      if (user_path.empty()) throw geo::Error("no user cache folder (HOME and XDG_CACHE_HOME unset)");
      save_tables(user_path);
      cache_note_ = "dossier du territoire non modifiable (" + why + ") : tables d'accès gardées dans " + user_path;
    } catch (const geo::Error& e2) {
      cache_note_ = "dossier du territoire non modifiable (" + why + ") ; cache utilisateur impossible (" +
                    std::string(e2.what()) + ") : tables d'accès gardées en mémoire seulement";
    }
  }
}

namespace {
// Runs `work(k)` for k = 0 .. count-1 on every core; each thread has its own state.
template <class MakeState, class Work>
void parallel_for(std::size_t count, MakeState&& make_state, Work&& work) {
  const unsigned threads = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(),
                                                           static_cast<unsigned>(count)));
  std::atomic<std::size_t> next{0};
  auto run = [&] {
    auto state = make_state();
    for (std::size_t k = next++; k < count; k = next++) work(k, state);
  };
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(run);
  run();
  for (auto& th : pool) th.join();
}
}  // namespace

// One bounded search per facility, spread over the cores: each thread has its own
// workspace and writes its own columns, so the result does not depend on the split.
void AccessEngine::build_tables_dijkstra() {
  base_.assign(t_.facilities.size(), {});
  std::atomic<std::size_t> searches{0};
  parallel_for(
      t_.facilities.size(),
      [&] { return geo::DijkstraWorkspace(model_ == TimeModel::Road ? t_.graph.node_count() : 0); },
      [&](std::size_t i, geo::DijkstraWorkspace& ws) {
        base_[i] = compute_column(t_.facilities[i].point, t_.facilities[i].snap.result, ws, searches);
      });
  searches_ += searches.load();
}

const geo::PhastTargets& AccessEngine::phast_targets() {
  if (!targets_) {
    std::vector<geo::NodeId> nodes;
    nodes.reserve(exits_.size());
    for (const geo::Seed& e : exits_) nodes.push_back(e.node);
    targets_ = std::make_unique<geo::PhastTargets>(geo::select_targets(*t_.ch, geo::Direction::Reverse, nodes));
  }
  return *targets_;
}

// RPHAST over the hierarchy: facilities in batches of kPhastLanes, one restricted
// sweep per batch, batches spread over the cores.
void AccessEngine::build_tables_phast() {
  base_.assign(t_.facilities.size(), {});
  std::vector<std::size_t> routed;  // facilities on the network
  for (std::size_t i = 0; i < t_.facilities.size(); ++i) {
    if (t_.facilities[i].snap.result.ok()) routed.push_back(i);
  }
  if (exits_.empty()) return;  // no unit on the network: every column is empty
  const geo::PhastTargets& targets = phast_targets();
  const std::size_t batches = (routed.size() + geo::kPhastLanes - 1) / geo::kPhastLanes;
  parallel_for(
      batches, [] { return geo::RphastBatchWorkspace(); },
      [&](std::size_t b, geo::RphastBatchWorkspace& ws) {
        const std::size_t first = b * geo::kPhastLanes;
        const std::size_t last = std::min(routed.size(), first + geo::kPhastLanes);
        std::vector<std::vector<geo::Seed>> seeds;
        for (std::size_t k = first; k < last; ++k) {
          seeds.push_back(geo::arrival_seeds(t_.graph, t_.facilities[routed[k]].snap.result));
        }
        geo::run_rphast_batch(*t_.ch, targets, seeds, ws);
        std::vector<const geo::SnapResult*> snaps;
        for (std::size_t k = first; k < last; ++k) snaps.push_back(&t_.facilities[routed[k]].snap.result);
        auto cols = read_columns(snaps, [&](std::size_t exit, std::size_t lane) { return ws.row(exit).t[lane]; });
        for (std::size_t k = first; k < last; ++k) base_[routed[k]] = std::move(cols[k - first]);
      });
  searches_ += routed.size();
}

// Each unit's exits are read once for every lane, the lanes innermost: after a batched
// sweep the times of one exit for all lanes are one cache line.
template <class TimeOf>
std::vector<AccessColumn> AccessEngine::read_columns(std::span<const geo::SnapResult* const> snaps,
                                                     TimeOf&& time_of) const {
  const std::size_t lanes = snaps.size();
  std::vector<AccessColumn> cols(lanes);
  std::array<geo::Deciseconds, geo::kPhastLanes> best{};
  for (std::uint32_t u = 0; u < t_.units.size(); ++u) {
    const auto& us = t_.units[u].snap.result;
    if (!us.ok()) continue;
    for (std::size_t l = 0; l < lanes; ++l) best[l] = geo::same_segment_time(t_.graph, us, *snaps[l]);
    for (std::size_t k = unit_first_exit_[u]; k < unit_first_exit_[u + 1]; ++k) {
      const geo::Deciseconds offset = exits_[k].offset_ds;
      for (std::size_t l = 0; l < lanes; ++l) {
        const geo::Deciseconds t = time_of(k, l);
        if (t != geo::kUnreachable) best[l] = std::min(best[l], t + offset);
      }
    }
    for (std::size_t l = 0; l < lanes; ++l) {
      if (best[l] != geo::kUnreachable && best[l] <= cutoff_ds_) cols[l].push_back({u, best[l]});
    }
  }
  return cols;
}

template <class TimeOf>
AccessColumn AccessEngine::read_column(const geo::SnapResult& snap, TimeOf&& time_of) const {
  const geo::SnapResult* one[] = {&snap};
  return std::move(read_columns(one, [&](std::size_t exit, std::size_t) { return time_of(exit); }).front());
}

// File layout: magic "RCMPACC2", fingerprint of the inputs (u64), facility count
// (u64), FNV-1a checksum of the payload (u64), then per facility its entry count
// (u64) and entries. A foreign, stale, truncated or corrupted file (checksum) is
// refused, with the reason in `cache_note_`, and the tables are rebuilt.
bool AccessEngine::load_tables(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  constexpr std::size_t kHeader = sizeof kTableMagic + 3 * sizeof(std::uint64_t);
  auto refuse = [&](const std::string& why) {
    cache_note_ = "tables d'accès de " + path + " refusées (" + why + ") : recalculées";
    return false;
  };
  if (bytes.size() < kHeader || std::memcmp(bytes.data(), kTableMagic, sizeof kTableMagic) != 0) {
    return refuse("fichier étranger ou d'une autre version");
  }
  std::uint64_t fp = 0, nfac = 0, sum = 0;
  std::memcpy(&fp, bytes.data() + 8, 8);
  std::memcpy(&nfac, bytes.data() + 16, 8);
  std::memcpy(&sum, bytes.data() + 24, 8);
  if (fp != fingerprint_ || nfac != t_.facilities.size()) return false;  // another territory or cutoff: rebuilt
  geo::Fingerprint check;
  check.add(std::string_view(bytes).substr(kHeader));
  if (check.value() != sum) return refuse("somme de contrôle fausse : fichier abîmé");
  std::size_t pos = kHeader;
  std::vector<AccessColumn> cols(nfac);
  for (auto& c : cols) {
    std::uint64_t n = 0;
    if (bytes.size() - pos < sizeof n) return refuse("tronqué");
    std::memcpy(&n, bytes.data() + pos, sizeof n);
    pos += sizeof n;
    if (n > t_.units.size() || (bytes.size() - pos) / sizeof(AccessEntry) < n) return refuse("tronqué");
    c.resize(n);
    std::memcpy(c.data(), bytes.data() + pos, n * sizeof(AccessEntry));
    pos += n * sizeof(AccessEntry);
    for (const auto& e : c) {
      if (e.unit >= t_.units.size()) return refuse("unité inconnue");
    }
  }
  if (pos != bytes.size()) return refuse("données en trop");
  base_ = std::move(cols);
  return true;
}

void AccessEngine::save_tables(const std::string& path) const {
  std::string payload;
  for (const auto& c : base_) {
    const std::uint64_t n = c.size();
    payload.append(reinterpret_cast<const char*>(&n), sizeof n);
    payload.append(reinterpret_cast<const char*>(c.data()), n * sizeof(AccessEntry));
  }
  geo::Fingerprint sum;
  sum.add(payload);
  std::string header(kTableMagic, sizeof kTableMagic);
  const std::uint64_t nfac = base_.size(), checksum = sum.value();
  header.append(reinterpret_cast<const char*>(&fingerprint_), sizeof fingerprint_);
  header.append(reinterpret_cast<const char*>(&nfac), sizeof nfac);
  header.append(reinterpret_cast<const char*>(&checksum), sizeof checksum);
  geo::write_file_atomic(path, {header, payload});
}

geo::SnapResult AccessEngine::snap(geo::PointM p) const {
  if (model_ != TimeModel::Road) return {};
  // Built on the first new site: evaluating the baseline needs no spatial index.
  if (!snapper_) {
    snapper_ = std::make_unique<geo::Snapper>(t_.graph, t_.profile.snap_max_distance_m, t_.profile.access_speed_kmh,
                                              t_.profile.no_roadside_access);
  }
  return snapper_->snap(p);
}

AccessColumn AccessEngine::compute_column(geo::PointM point, const geo::SnapResult& snap,
                                          geo::DijkstraWorkspace& ws, std::atomic<std::size_t>& searches) const {
  AccessColumn col;
  if (model_ == TimeModel::StraightLine) {
    const double mps = straight_.speed_kmh / 3.6;
    for (std::uint32_t u = 0; u < t_.units.size(); ++u) {
      const auto& p = t_.units[u].point;
      const double d = std::hypot(p.x_m - point.x_m, p.y_m - point.y_m) * straight_.detour_factor;
      const auto ds = static_cast<geo::Deciseconds>(std::lround(d / mps * 10.0));
      if (ds <= cutoff_ds_) col.push_back({u, ds});
    }
    return col;
  }
  if (!snap.ok()) return col;  // off the network: reaches nobody, reported as such
  const auto seeds = geo::arrival_seeds(t_.graph, snap);
  geo::run_dijkstra(t_.graph, geo::Direction::Reverse, seeds, cutoff_ds_, ws);
  ++searches;
  return read_column(snap, [&](std::size_t exit) { return ws.time(exits_[exit].node); });
}

const AccessColumn& AccessEngine::site_column(geo::PointM point, const geo::SnapResult& snap) {
  const std::pair<long long, long long> key{std::llround(point.x_m * 100), std::llround(point.y_m * 100)};
  auto it = sites_.find(key);
  if (it != sites_.end()) return it->second;
  AccessColumn col;
  if (model_ == TimeModel::Road && t_.ch && snap.ok() && !exits_.empty()) {
    const auto seeds = geo::arrival_seeds(t_.graph, snap);
    geo::run_rphast(*t_.ch, phast_targets(), seeds, rphast_ws_);
    ++searches_;
    col = read_column(snap, [&](std::size_t exit) { return rphast_ws_.time(exit); });
  } else {
    std::atomic<std::size_t> searches{0};
    col = compute_column(point, snap, ws_, searches);
    searches_ += searches.load();
  }
  return sites_.emplace(key, std::move(col)).first->second;
}

std::size_t AccessEngine::prepare_site_columns(std::span<const geo::PointM> points,
                                               std::span<const geo::SnapResult> snaps,
                                               const std::function<bool(std::size_t)>& keep_going) {
  auto key_of = [](geo::PointM p) {
    return std::pair<long long, long long>{std::llround(p.x_m * 100), std::llround(p.y_m * 100)};
  };
  std::vector<std::size_t> todo;  // sites not memoised yet, each position once
  std::set<std::pair<long long, long long>> queued;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto key = key_of(points[i]);
    if (!sites_.count(key) && queued.insert(key).second) todo.push_back(i);
  }
  if (todo.empty()) return 0;
  const bool batched = model_ == TimeModel::Road && t_.ch && !exits_.empty();
  if (!batched) {  // straight line, no hierarchy or no unit on the network: one at a time
    std::size_t done = 0;
    for (std::size_t i : todo) {
      if (keep_going && !keep_going(done)) break;
      site_column(points[i], snaps[i]);
      ++done;
    }
    return done;
  }
  // Routed sites in batches of kPhastLanes; a site off the network reaches nobody.
  std::vector<std::size_t> routed;
  std::size_t done = 0;
  for (std::size_t i : todo) {
    if (snaps[i].ok()) {
      routed.push_back(i);
    } else {
      sites_.emplace(key_of(points[i]), AccessColumn{});
      ++done;
    }
  }
  const geo::PhastTargets& targets = phast_targets();
  // Groups of batches between two progress calls, each group spread over the cores.
  const std::size_t batches = (routed.size() + geo::kPhastLanes - 1) / geo::kPhastLanes;
  const std::size_t group = std::max<std::size_t>(1, std::thread::hardware_concurrency()) * 2;
  std::vector<AccessColumn> cols(routed.size());
  for (std::size_t g0 = 0; g0 < batches; g0 += group) {
    if (keep_going && !keep_going(done)) break;
    const std::size_t g1 = std::min(batches, g0 + group);
    parallel_for(
        g1 - g0, [] { return geo::RphastBatchWorkspace(); },
        [&](std::size_t gb, geo::RphastBatchWorkspace& ws) {
          const std::size_t first = (g0 + gb) * geo::kPhastLanes;
          const std::size_t last = std::min(routed.size(), first + geo::kPhastLanes);
          std::vector<std::vector<geo::Seed>> seeds;
          for (std::size_t k = first; k < last; ++k) seeds.push_back(geo::arrival_seeds(t_.graph, snaps[routed[k]]));
          geo::run_rphast_batch(*t_.ch, targets, seeds, ws);
          std::vector<const geo::SnapResult*> lane_snaps;
          for (std::size_t k = first; k < last; ++k) lane_snaps.push_back(&snaps[routed[k]]);
          auto batch =
              read_columns(lane_snaps, [&](std::size_t exit, std::size_t lane) { return ws.row(exit).t[lane]; });
          for (std::size_t k = first; k < last; ++k) cols[k] = std::move(batch[k - first]);
        });
    for (std::size_t k = g0 * geo::kPhastLanes; k < std::min(routed.size(), g1 * geo::kPhastLanes); ++k) {
      sites_.emplace(key_of(points[routed[k]]), std::move(cols[k]));
      ++searches_;
      ++done;
    }
  }
  return done;
}

void AccessEngine::build_unit_rows() {
  const std::size_t nu = t_.units.size();
  row_first_.assign(nu + 1, 0);
  for (const AccessColumn& col : base_) {
    for (const AccessEntry& a : col) ++row_first_[a.unit + 1];
  }
  for (std::size_t u = 0; u < nu; ++u) row_first_[u + 1] += row_first_[u];
  rows_.resize(row_first_[nu]);
  std::vector<std::size_t> next(row_first_.begin(), row_first_.end() - 1);
  for (std::size_t f = 0; f < base_.size(); ++f) {  // facility order: each row sorted by facility
    for (const AccessEntry& a : base_[f]) rows_[next[a.unit]++] = {static_cast<std::uint32_t>(f), a.time_ds};
  }
}

std::size_t AccessEngine::entries() const {
  std::size_t n = 0;
  for (const auto& c : base_) n += c.size();
  return n;
}

}  // namespace recompose::planner
