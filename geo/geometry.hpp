// Geometry through the GEOS reentrant C API, behind RAII handles.
//
// `Geometry` owns one GEOSGeometry created on the calling thread's GEOS context
// (`geos_context()`, one per thread). Coordinates are whatever CRS the caller put
// in; Recompose keeps metric geometry in Lambert-93. Geometries cross to and from
// GDAL as WKB. Costs are those of GEOS: validity and union are O(n log n) in
// vertices; prepared point-in-polygon is O(log n) after an O(n) preparation.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "geo/types.hpp"

typedef struct GEOSContextHandle_HS* GEOSContextHandle_t;
typedef struct GEOSGeom_t GEOSGeometry;
typedef struct GEOSPrepGeom_t GEOSPreparedGeometry;
typedef struct GEOSSTRtree_t GEOSSTRtree;

namespace recompose::geo {

class CrsTransform;

// The GEOS context of the calling thread (created on first use, freed at thread exit).
GEOSContextHandle_t geos_context();

struct Envelope {
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
  [[nodiscard]] bool contains(double x, double y) const {
    return x >= min_x && x <= max_x && y >= min_y && y <= max_y;
  }
};

class Geometry {
 public:
  Geometry() = default;
  explicit Geometry(GEOSGeometry* owned) : g_(owned) {}
  ~Geometry();
  Geometry(Geometry&& o) noexcept : g_(o.g_) { o.g_ = nullptr; }
  Geometry& operator=(Geometry&& o) noexcept;
  Geometry(const Geometry& o);
  Geometry& operator=(const Geometry& o);

  static Geometry from_wkt(const std::string& wkt);  // throws Error on a parse failure
  static Geometry from_wkb(std::span<const std::uint8_t> wkb);
  static Geometry point(double x, double y);
  static Geometry line(std::span<const PointM> points);
  static Geometry multi_line(const std::vector<std::vector<PointM>>& lines);

  [[nodiscard]] std::string to_wkt(int decimals = 3) const;
  [[nodiscard]] std::vector<std::uint8_t> to_wkb() const;

  [[nodiscard]] bool empty() const;  // true for a null handle too
  [[nodiscard]] explicit operator bool() const { return g_ != nullptr; }
  [[nodiscard]] std::string type_name() const;  // "Polygon", "MultiPolygon"...
  [[nodiscard]] bool is_polygonal() const;      // Polygon or MultiPolygon
  [[nodiscard]] bool is_valid() const;
  [[nodiscard]] std::string invalid_reason() const;  // empty when valid
  [[nodiscard]] double area() const;                 // in CRS units squared
  [[nodiscard]] double length() const;
  [[nodiscard]] Envelope envelope() const;
  [[nodiscard]] std::size_t vertex_count() const;
  [[nodiscard]] PointM point_on_surface() const;  // throws on an empty geometry
  [[nodiscard]] PointM centroid() const;
  [[nodiscard]] bool contains(double x, double y) const;
  [[nodiscard]] double distance(const Geometry& other) const;

  // GEOS make-valid ("structure" method, collapsed parts dropped), keeping only the
  // polygonal parts: the result is a Polygon or MultiPolygon (maybe empty).
  [[nodiscard]] Geometry make_valid_polygonal() const;
  // The polygonal parts of this geometry (for a GeometryCollection), or a copy.
  [[nodiscard]] Geometry polygonal_parts() const;
  // This geometry with every coordinate on a grid of `grid` CRS units, reduced
  // topologically (GEOS snap-rounding, GEOSGeom_setPrecision): polygons stay valid at
  // that precision (rings that would cross are noded, parts that collapse below the
  // grid are dropped, so a tiny polygon may come back empty); lines keep their
  // collapsed parts. Cost: an overlay, O(n log n) in vertices.
  [[nodiscard]] Geometry with_precision(double grid) const;
  // A valid copy: unchanged when valid; a polygonal geometry through
  // make_valid_polygonal; other invalid geometries through GEOS make-valid.
  [[nodiscard]] Geometry made_valid() const;

  // Overlay with `other` (GEOS OverlayNG); throws Error(Internal) when GEOS fails.
  [[nodiscard]] Geometry difference(const Geometry& other) const;
  [[nodiscard]] Geometry intersection(const Geometry& other) const;
  // DE-9IM: whether the relation with `other` matches `pattern` ("2********": the
  // interiors share an area).
  [[nodiscard]] bool relate_pattern(const Geometry& other, const char* pattern) const;

  // Buffer at `distance` (CRS units), `quadrant_segments` per quarter circle.
  [[nodiscard]] Geometry buffer(double distance, int quadrant_segments = 4) const;
  // Topology-preserving simplification at `tolerance` (CRS units).
  [[nodiscard]] Geometry simplified(double tolerance) const;

  // Triangles covering this polygonal geometry (GEOS constrained Delaunay), for
  // drawing filled polygons: 3 points per triangle, appended to `out`.
  void triangulate(std::vector<PointM>& out) const;
  // The rings (exterior and holes) of every polygon, for drawing outlines.
  [[nodiscard]] std::vector<std::vector<PointM>> rings() const;

  // A copy with every coordinate transformed; throws Error if any point fails.
  [[nodiscard]] Geometry transformed(const CrsTransform& t) const;

  [[nodiscard]] GEOSGeometry* get() const { return g_; }
  GEOSGeometry* release() {
    auto* g = g_;
    g_ = nullptr;
    return g;
  }

 private:
  GEOSGeometry* g_ = nullptr;
};

// Union (dissolve) of many polygonal geometries into one, with GEOS cascaded union.
Geometry union_all(const std::vector<const Geometry*>& parts);

// A prepared geometry for repeated point-in-polygon tests. Keeps a reference to
// `g`, which must outlive it.
class PreparedGeometry {
 public:
  explicit PreparedGeometry(const Geometry& g);
  ~PreparedGeometry();
  PreparedGeometry(const PreparedGeometry&) = delete;
  PreparedGeometry& operator=(const PreparedGeometry&) = delete;
  [[nodiscard]] bool contains(double x, double y) const;
  [[nodiscard]] bool intersects(const Geometry& other) const;

 private:
  const GEOSPreparedGeometry* p_ = nullptr;
};

// An STR packed R-tree over item envelopes (GEOS STRtree), built once then queried.
// Items are indices 0..n-1 in insertion order.
class StrTree {
 public:
  explicit StrTree(std::size_t node_capacity = 10);
  ~StrTree();
  StrTree(const StrTree&) = delete;
  StrTree& operator=(const StrTree&) = delete;

  void insert(const Envelope& e);  // item id = number of earlier inserts
  // Indices of items whose envelope intersects `e`, in no particular order.
  [[nodiscard]] std::vector<std::size_t> query(const Envelope& e) const;
  [[nodiscard]] std::size_t size() const { return count_; }

 private:
  GEOSSTRtree* tree_ = nullptr;
  std::size_t count_ = 0;
};

}  // namespace recompose::geo
