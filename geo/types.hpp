// Ids, units and sentinels used by the road graph and its searches.
//
// Node and arc ids are 32-bit. Travel times are integers in deciseconds
// (tenths of a second, the unit OSRM uses for weights): exact sums, no rounding
// drift, and 2^32 ds is 13.6 years, so overflow cannot occur on any real route.
// "Unreachable" is `kUnreachable`, never 0 and never averaged.
#pragma once

#include <cstdint>
#include <limits>

namespace recompose::geo {

using NodeId = std::uint32_t;
using ArcId = std::uint32_t;
using SegmentId = std::uint32_t;
using ComponentId = std::uint32_t;
using Deciseconds = std::uint32_t;

inline constexpr NodeId kInvalidNode = std::numeric_limits<NodeId>::max();
inline constexpr ArcId kInvalidArc = std::numeric_limits<ArcId>::max();
inline constexpr SegmentId kInvalidSegment = std::numeric_limits<SegmentId>::max();
inline constexpr ComponentId kInvalidComponent = std::numeric_limits<ComponentId>::max();
inline constexpr Deciseconds kUnreachable = std::numeric_limits<Deciseconds>::max();

static_assert(sizeof(NodeId) == 4 && sizeof(ArcId) == 4 && sizeof(Deciseconds) == 4);

inline constexpr double deciseconds_to_minutes(Deciseconds t) { return static_cast<double>(t) / 600.0; }
inline constexpr double deciseconds_to_seconds(Deciseconds t) { return static_cast<double>(t) / 10.0; }

// A planar point in metres (Lambert-93 unless stated): x = easting, y = northing.
struct PointM {
  double x_m = 0;
  double y_m = 0;
};

// A geographic point in degrees: lon first (x), lat second (y).
struct LonLat {
  double lon = 0;
  double lat = 0;
};

}  // namespace recompose::geo
