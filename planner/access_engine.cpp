#include "planner/access_engine.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "geo/error.hpp"
#include "geo/fingerprint.hpp"

#include "geo/snapping.hpp"

namespace recompose::planner {

namespace {
constexpr char kTableMagic[8] = {'R', 'C', 'M', 'P', 'A', 'C', 'C', '1'};
}  // namespace

AccessEngine::AccessEngine(const Territory& t, double cutoff_min, StraightLineParams straight,
                           const std::string& cache_path)
    : t_(t),
      model_(t.has_roads ? TimeModel::Road : TimeModel::StraightLine),
      cutoff_ds_(static_cast<geo::Deciseconds>(std::lround(cutoff_min * 600.0))),
      straight_(straight) {
  if (model_ == TimeModel::Road) {
    snapper_ = std::make_unique<geo::Snapper>(t.graph, t.profile.snap_max_distance_m, t.profile.access_speed_kmh);
    ws_.resize(t.graph.node_count());
  }
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
  if (!cache_path.empty() && load_tables(cache_path)) {
    from_cache_ = true;
    return;
  }
  // One bounded search per facility, spread over the cores: each thread has its own
  // workspace and writes its own columns, so the result does not depend on the split.
  base_.assign(t.facilities.size(), {});
  const unsigned threads = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(),
                                                           static_cast<unsigned>(t.facilities.size())));
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> searches{0};
  auto work = [&] {
    geo::DijkstraWorkspace ws(model_ == TimeModel::Road ? t.graph.node_count() : 0);
    for (std::size_t i = next++; i < t.facilities.size(); i = next++) {
      base_[i] = compute_column(t.facilities[i].point, t.facilities[i].snap.result, ws, searches);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned k = 1; k < threads; ++k) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  searches_ += searches.load();
  if (!cache_path.empty()) save_tables(cache_path);
}

bool AccessEngine::load_tables(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  char magic[8] = {};
  std::uint64_t fp = 0, nfac = 0;
  in.read(magic, sizeof magic);
  in.read(reinterpret_cast<char*>(&fp), sizeof fp);
  in.read(reinterpret_cast<char*>(&nfac), sizeof nfac);
  if (!in || std::memcmp(magic, kTableMagic, sizeof magic) != 0 || fp != fingerprint_ || nfac != t_.facilities.size()) {
    return false;  // foreign or stale: rebuilt
  }
  std::vector<AccessColumn> cols(nfac);
  for (auto& c : cols) {
    std::uint64_t n = 0;
    in.read(reinterpret_cast<char*>(&n), sizeof n);
    if (!in || n > t_.units.size()) return false;
    c.resize(n);
    in.read(reinterpret_cast<char*>(c.data()), static_cast<std::streamsize>(n * sizeof(AccessEntry)));
    if (!in) return false;
    for (const auto& e : c) {
      if (e.unit >= t_.units.size()) return false;
    }
  }
  base_ = std::move(cols);
  return true;
}

void AccessEngine::save_tables(const std::string& path) const {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw geo::Error("cannot write access tables " + tmp);
    out.write(kTableMagic, sizeof kTableMagic);
    out.write(reinterpret_cast<const char*>(&fingerprint_), sizeof fingerprint_);
    const std::uint64_t nfac = base_.size();
    out.write(reinterpret_cast<const char*>(&nfac), sizeof nfac);
    for (const auto& c : base_) {
      const std::uint64_t n = c.size();
      out.write(reinterpret_cast<const char*>(&n), sizeof n);
      out.write(reinterpret_cast<const char*>(c.data()), static_cast<std::streamsize>(n * sizeof(AccessEntry)));
    }
    if (!out.flush()) throw geo::Error("cannot write access tables " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw geo::Error("cannot rename " + tmp + " to " + path + ": " + ec.message());
}

geo::SnapResult AccessEngine::snap(geo::PointM p) const {
  if (snapper_) return snapper_->snap(p);
  return {};
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
  for (std::uint32_t u = 0; u < t_.units.size(); ++u) {
    const auto& us = t_.units[u].snap.result;
    if (!us.ok()) continue;
    const geo::Deciseconds ds = std::min(geo::time_at(t_.graph, us, ws, geo::Direction::Reverse),
                                         geo::same_segment_time(t_.graph, us, snap));
    if (ds != geo::kUnreachable && ds <= cutoff_ds_) col.push_back({u, ds});
  }
  return col;
}

const AccessColumn& AccessEngine::site_column(geo::PointM point, const geo::SnapResult& snap) {
  const std::pair<long long, long long> key{std::llround(point.x_m * 100), std::llround(point.y_m * 100)};
  auto it = sites_.find(key);
  if (it != sites_.end()) return it->second;
  std::atomic<std::size_t> searches{0};
  AccessColumn col = compute_column(point, snap, ws_, searches);
  searches_ += searches.load();
  return sites_.emplace(key, std::move(col)).first->second;
}

std::size_t AccessEngine::entries() const {
  std::size_t n = 0;
  for (const auto& c : base_) n += c.size();
  return n;
}

}  // namespace recompose::planner
