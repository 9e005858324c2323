#include "geo/graph_cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "geo/error.hpp"

namespace recompose::geo {

static_assert(std::endian::native == std::endian::little, "graph cache assumes little-endian");

namespace {

constexpr char kMagic[8] = {'R', 'C', 'M', 'P', 'G', 'R', 'P', 'H'};

template <class T>
void put(std::ofstream& out, const T& v) {
  out.write(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
void put_vector(std::ofstream& out, const std::vector<T>& v) {
  const std::uint64_t n = v.size();
  put(out, n);
  out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(n * sizeof(T)));
}

template <class T>
void get(std::ifstream& in, T& v) {
  in.read(reinterpret_cast<char*>(&v), sizeof v);
  if (!in) throw Error("truncated graph cache");
}

template <class T>
void get_vector(std::ifstream& in, std::vector<T>& v, std::uint64_t max_bytes) {
  std::uint64_t n = 0;
  get(in, n);
  if (n * sizeof(T) > max_bytes) throw Error("corrupt graph cache (array larger than the file)");
  v.resize(n);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(T)));
  if (!in) throw Error("truncated graph cache");
}

}  // namespace

void save_graph(const RoadGraph& g, std::uint64_t fingerprint, const std::string& path) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write graph cache " + tmp);
    out.write(kMagic, sizeof kMagic);
    put(out, kGraphCacheVersion);
    put(out, fingerprint);
    put_vector(out, g.node_x_m);
    put_vector(out, g.node_y_m);
    put_vector(out, g.node_component);
    put_vector(out, g.first_out);
    put_vector(out, g.head);
    put_vector(out, g.travel_time_ds);
    put_vector(out, g.arc_segment);
    put_vector(out, g.segment_from);
    put_vector(out, g.segment_to);
    put_vector(out, g.segment_class);
    put_vector(out, g.segment_length_m);
    put_vector(out, g.segment_time_forward_ds);
    put_vector(out, g.segment_time_backward_ds);
    put_vector(out, g.segment_first_point);
    put_vector(out, g.point_x_m);
    put_vector(out, g.point_y_m);
    put_vector(out, g.component_node_count);
    put(out, g.main_component);
    const std::uint64_t nclass = g.class_names.size();
    put(out, nclass);
    for (const auto& c : g.class_names) {
      const std::uint32_t len = static_cast<std::uint32_t>(c.size());
      put(out, len);
      out.write(c.data(), len);
    }
    if (!out.flush()) throw Error("cannot write graph cache " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw Error("cannot rename " + tmp + " to " + path + ": " + ec.message());
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
    const auto file_size = std::filesystem::file_size(path);
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
    in.seekg(sizeof kMagic + sizeof version + sizeof fingerprint);
    RoadGraph g;
    get_vector(in, g.node_x_m, file_size);
    get_vector(in, g.node_y_m, file_size);
    get_vector(in, g.node_component, file_size);
    get_vector(in, g.first_out, file_size);
    get_vector(in, g.head, file_size);
    get_vector(in, g.travel_time_ds, file_size);
    get_vector(in, g.arc_segment, file_size);
    get_vector(in, g.segment_from, file_size);
    get_vector(in, g.segment_to, file_size);
    get_vector(in, g.segment_class, file_size);
    get_vector(in, g.segment_length_m, file_size);
    get_vector(in, g.segment_time_forward_ds, file_size);
    get_vector(in, g.segment_time_backward_ds, file_size);
    get_vector(in, g.segment_first_point, file_size);
    get_vector(in, g.point_x_m, file_size);
    get_vector(in, g.point_y_m, file_size);
    get_vector(in, g.component_node_count, file_size);
    get(in, g.main_component);
    std::uint64_t nclass = 0;
    get(in, nclass);
    if (nclass > 255) throw Error("corrupt graph cache (class count)");
    for (std::uint64_t i = 0; i < nclass; ++i) {
      std::uint32_t len = 0;
      get(in, len);
      if (len > 1024) throw Error("corrupt graph cache (class name)");
      std::string s(len, '\0');
      in.read(s.data(), len);
      if (!in) throw Error("truncated graph cache");
      g.class_names.push_back(std::move(s));
    }
    // Check the forward arrays before deriving the backward ones from them.
    const std::size_t n = g.node_x_m.size();
    if (g.first_out.size() != n + 1 || g.first_out.back() != g.head.size() ||
        g.travel_time_ds.size() != g.head.size() ||
        std::any_of(g.head.begin(), g.head.end(), [n](NodeId h) { return h >= n; })) {
      throw Error("corrupt graph cache (arc arrays)");
    }
    g.build_backward();
    g.validate();
    return g;
  });
}

}  // namespace recompose::geo
