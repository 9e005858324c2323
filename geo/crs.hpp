// Coordinate reference systems through PROJ, with one axis order everywhere.
//
// `CrsTransform` wraps a PJ transformation normalised with
// `proj_normalize_for_visualization`, so x is always easting or longitude and y
// northing or latitude, whatever the EPSG definition says. Metric work in
// Recompose is done in Lambert-93 (EPSG:2154). Each transform owns its own
// PJ_CONTEXT: one object per thread. Cost: creation ~1 ms; a point ~1 us.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "geo/types.hpp"

namespace recompose::geo {

inline constexpr const char* kLambert93 = "EPSG:2154";
inline constexpr const char* kWgs84 = "EPSG:4326";

class CrsTransform {
 public:
  // `source` and `target` are any definitions PROJ accepts ("EPSG:2154", WKT, PROJJSON).
  // Throws Error naming the definition that PROJ refuses.
  CrsTransform(const std::string& source, const std::string& target);
  ~CrsTransform();
  CrsTransform(CrsTransform&&) noexcept;
  CrsTransform& operator=(CrsTransform&&) noexcept;
  CrsTransform(const CrsTransform&) = delete;
  CrsTransform& operator=(const CrsTransform&) = delete;

  // Transforms one point; returns false (and leaves x, y as they were) when it fails.
  bool transform(double& x, double& y) const;
  // Transforms arrays in place; returns how many points failed (they are set to NaN).
  std::size_t transform(std::span<double> xs, std::span<double> ys) const;

  // The inverse direction, target -> source.
  bool inverse(double& x, double& y) const;

  [[nodiscard]] const std::string& source() const { return source_; }
  [[nodiscard]] const std::string& target() const { return target_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string source_;
  std::string target_;
};

// Convenience wrappers for the two CRSs every territory uses.
PointM wgs84_to_lambert93(LonLat p);
LonLat lambert93_to_wgs84(PointM p);

// The "AUTHORITY:CODE" of a CRS definition (WKT, PROJJSON...) when PROJ can
// identify it, else an empty string.
std::string crs_authority_code(const std::string& definition);

}  // namespace recompose::geo
