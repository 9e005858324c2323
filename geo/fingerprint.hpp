// A 64-bit FNV-1a fingerprint of input bytes (files, profile text, parameters),
// used to decide whether a cached graph still matches its inputs. Not a
// cryptographic hash: it detects changes, it does not resist tampering.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace recompose::geo {

class Fingerprint {
 public:
  void add(std::string_view bytes);
  void add_file(const std::string& path);  // throws Error if unreadable
  [[nodiscard]] std::uint64_t value() const { return h_; }
  [[nodiscard]] std::string hex() const;

 private:
  std::uint64_t h_ = 14695981039346656037ULL;
};

}  // namespace recompose::geo
