// Binary cache of a RoadGraph: magic "RCMPGRPH", a format version and the
// fingerprint of the inputs it was built from, then every array with its length.
//
// `load_graph` refuses a foreign file, another format version or another
// fingerprint with an Error saying which, so a changed input or profile rebuilds
// the graph instead of silently routing on a stale one. Files are written
// atomically. Little-endian hosts only (checked at compile time).
#pragma once

#include <cstdint>
#include <string>

#include "geo/road_graph.hpp"

namespace recompose::geo {

inline constexpr std::uint32_t kGraphCacheVersion = 3;  // 2: payload checksum; 3: nodes in Z-order

void save_graph(const RoadGraph& g, std::uint64_t fingerprint, const std::string& path);

// Throws Error if the file is missing, foreign, of another version or (when
// `expected_fingerprint` is not 0) built from other inputs.
RoadGraph load_graph(const std::string& path, std::uint64_t expected_fingerprint);

// Reads only the header; returns false for a missing or foreign file.
bool read_graph_header(const std::string& path, std::uint32_t& version, std::uint64_t& fingerprint);

}  // namespace recompose::geo
