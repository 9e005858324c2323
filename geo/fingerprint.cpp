#include "geo/fingerprint.hpp"

#include <cstdio>
#include <fstream>
#include <vector>

#include "geo/error.hpp"

namespace recompose::geo {

void Fingerprint::add(std::string_view bytes) {
  for (unsigned char c : bytes) {
    h_ ^= c;
    h_ *= 1099511628211ULL;
  }
  // Separate consecutive inputs so that ("ab","c") differs from ("a","bc").
  h_ ^= 0xff;
  h_ *= 1099511628211ULL;
}

void Fingerprint::add_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    for (std::size_t i = 0; i < got; ++i) {
      h_ ^= static_cast<unsigned char>(buf[i]);
      h_ *= 1099511628211ULL;
    }
  }
  add(path.substr(path.find_last_of('/') + 1));
}

std::string Fingerprint::hex() const {
  char s[17];
  std::snprintf(s, sizeof s, "%016llx", static_cast<unsigned long long>(h_));
  return s;
}

}  // namespace recompose::geo
