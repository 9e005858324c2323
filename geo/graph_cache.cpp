#include "geo/graph_cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "geo/binary_record.hpp"
#include "geo/error.hpp"
#include "geo/output_folder.hpp"
#include "geo/fingerprint.hpp"

namespace recompose::geo {

// Layout: magic[8] | version u32 | input fingerprint u64 | payload checksum u64 | payload.
// The payload checksum (FNV-1a 64 of the payload bytes) detects a corrupted file.

namespace {

using binary::put;
using binary::put_vector;

constexpr char kMagic[8] = {'R', 'C', 'M', 'P', 'G', 'R', 'P', 'H'};
constexpr std::size_t kHeaderSize = sizeof kMagic + sizeof(std::uint32_t) + 2 * sizeof(std::uint64_t);

}  // namespace

void save_graph(const RoadGraph& g, std::uint64_t fingerprint, const std::string& path) {
  std::string payload;
  put_vector(payload, g.node_x_m);
  put_vector(payload, g.node_y_m);
  put_vector(payload, g.node_component);
  put_vector(payload, g.first_out);
  put_vector(payload, g.head);
  put_vector(payload, g.travel_time_ds);
  put_vector(payload, g.arc_segment);
  put_vector(payload, g.segment_from);
  put_vector(payload, g.segment_to);
  put_vector(payload, g.segment_class);
  put_vector(payload, g.segment_length_m);
  put_vector(payload, g.segment_time_forward_ds);
  put_vector(payload, g.segment_time_backward_ds);
  put_vector(payload, g.segment_first_point);
  put_vector(payload, g.point_x_m);
  put_vector(payload, g.point_y_m);
  put_vector(payload, g.component_node_count);
  put(payload, g.main_component);
  const std::uint64_t nclass = g.class_names.size();
  put(payload, nclass);
  for (const auto& c : g.class_names) {
    const auto len = static_cast<std::uint32_t>(c.size());
    put(payload, len);
    payload += c;
  }
  std::string header(kMagic, sizeof kMagic);
  put(header, kGraphCacheVersion);
  put(header, fingerprint);
  put(header, binary::checksum(payload, 0));

  write_file_atomic(path, {header, payload});  // the system's reason on failure, no temporary left
}

bool read_graph_header(const std::string& path, std::uint32_t& version, std::uint64_t& fingerprint) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  if (!in || std::memcmp(magic, kMagic, sizeof magic) != 0) return false;
  in.read(reinterpret_cast<char*>(&version), sizeof version);
  in.read(reinterpret_cast<char*>(&fingerprint), sizeof fingerprint);
  return static_cast<bool>(in);
}

RoadGraph load_graph(const std::string& path, std::uint64_t expected_fingerprint) {
  return with_error_context("graph cache " + path, [&] {
    if (!std::filesystem::exists(path)) throw Error("file not found");
    std::uint32_t version = 0;
    std::uint64_t fingerprint = 0;
    if (!read_graph_header(path, version, fingerprint)) {
      throw Error("not a Recompose graph cache (bad magic)");
    }
    if (version != kGraphCacheVersion) {
      throw Error("format version " + std::to_string(version) + ", this build reads version " +
                  std::to_string(kGraphCacheVersion) + ": rebuild it");
    }
    if (expected_fingerprint != 0 && fingerprint != expected_fingerprint) {
      throw Error("stale: built from other inputs or another profile (fingerprint mismatch)");
    }
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < kHeaderSize) throw Error("truncated graph cache");
    std::uint64_t stored = 0;
    std::memcpy(&stored, bytes.data() + kHeaderSize - sizeof stored, sizeof stored);
    if (binary::checksum(bytes, kHeaderSize) != stored) throw Error("corrupt graph cache (checksum mismatch)");
    binary::Reader r(bytes, kHeaderSize, "graph cache");
    RoadGraph g;
    r.get_vector(g.node_x_m);
    r.get_vector(g.node_y_m);
    r.get_vector(g.node_component);
    r.get_vector(g.first_out);
    r.get_vector(g.head);
    r.get_vector(g.travel_time_ds);
    r.get_vector(g.arc_segment);
    r.get_vector(g.segment_from);
    r.get_vector(g.segment_to);
    r.get_vector(g.segment_class);
    r.get_vector(g.segment_length_m);
    r.get_vector(g.segment_time_forward_ds);
    r.get_vector(g.segment_time_backward_ds);
    r.get_vector(g.segment_first_point);
    r.get_vector(g.point_x_m);
    r.get_vector(g.point_y_m);
    r.get_vector(g.component_node_count);
    r.get(g.main_component);
    std::uint64_t nclass = 0;
    r.get(nclass);
    if (nclass > 255) throw Error("corrupt graph cache (class count)");
    for (std::uint64_t i = 0; i < nclass; ++i) {
      std::uint32_t len = 0;
      r.get(len);
      if (len > 1024) throw Error("corrupt graph cache (class name)");
      g.class_names.push_back(r.get_string(len));
    }
    // Check the forward arrays before deriving the backward ones from them.
    const std::size_t n = g.node_x_m.size();
    if (g.first_out.size() != n + 1 || g.first_out.back() != g.head.size() ||
        g.travel_time_ds.size() != g.head.size() ||
        std::any_of(g.head.begin(), g.head.end(), [n](NodeId h) { return h >= n; }) ||
        !std::is_sorted(g.first_out.begin(), g.first_out.end())) {
      throw Error("corrupt graph cache (arc arrays)");
    }
    g.build_backward();
    g.validate();
    return g;
  });
}

}  // namespace recompose::geo
