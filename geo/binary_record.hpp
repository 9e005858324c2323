// Helpers of the project's binary files (graph.rcg, graph.ch): little-endian
// values and length-prefixed arrays appended to a byte string, a bounds-checked
// reader whose errors name the kind of file, and the FNV-1a checksum of a payload.
// Internal to geo/: each file format keeps its own magic, version and layout.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "geo/error.hpp"
#include "geo/fingerprint.hpp"

namespace recompose::geo::binary {

static_assert(std::endian::native == std::endian::little, "binary files assume little-endian");

template <class T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
void put_vector(std::string& out, const std::vector<T>& v) {
  const std::uint64_t n = v.size();
  put(out, n);
  out.append(reinterpret_cast<const char*>(v.data()), n * sizeof(T));
}

// Reads `bytes` from `pos`; `what` names the file kind in errors ("graph cache").
class Reader {
 public:
  Reader(const std::string& bytes, std::size_t pos, std::string what) : b_(bytes), pos_(pos), what_(std::move(what)) {}
  template <class T>
  void get(T& v) {
    if (b_.size() - pos_ < sizeof v) throw Error("truncated " + what_);
    std::memcpy(&v, b_.data() + pos_, sizeof v);
    pos_ += sizeof v;
  }
  template <class T>
  void get_vector(std::vector<T>& v) {
    std::uint64_t n = 0;
    get(n);
    if (n > (b_.size() - pos_) / sizeof(T)) throw Error("corrupt " + what_ + " (array larger than the file)");
    v.resize(n);
    std::memcpy(v.data(), b_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
  }
  std::string get_string(std::uint32_t len) {
    if (b_.size() - pos_ < len) throw Error("truncated " + what_);
    std::string s = b_.substr(pos_, len);
    pos_ += len;
    return s;
  }
  [[nodiscard]] bool at_end() const { return pos_ == b_.size(); }

 private:
  const std::string& b_;
  std::size_t pos_;
  std::string what_;
};

// FNV-1a 64 of bytes[from ..].
inline std::uint64_t checksum(const std::string& bytes, std::size_t from) {
  Fingerprint f;
  f.add(std::string_view(bytes).substr(from));
  return f.value();
}

}  // namespace recompose::geo::binary
