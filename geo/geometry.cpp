#include "geo/geometry.hpp"

#define USE_UNSTABLE_GEOS_CPP_API
#include <geos_c.h>

#include <cstdarg>
#include <cstdio>
#include <cstdint>

#include "geo/crs.hpp"
#include "geo/error.hpp"

namespace recompose::geo {

namespace {

thread_local std::string g_last_geos_error;

void geos_message_handler(const char* message, void*) { g_last_geos_error = message; }

struct ContextHolder {
  GEOSContextHandle_t h = nullptr;
  ContextHolder() {
    h = GEOS_init_r();
    GEOSContext_setErrorMessageHandler_r(h, geos_message_handler, nullptr);
  }
  ~ContextHolder() { GEOS_finish_r(h); }
};

[[noreturn]] void fail(const std::string& what) {
  throw Error("GEOS " + what + " failed: " + g_last_geos_error, ErrorKind::Internal);
}

GEOSGeometry* check(GEOSGeometry* g, const char* what) {
  if (!g) fail(what);
  return g;
}

}  // namespace

GEOSContextHandle_t geos_context() {
  thread_local ContextHolder holder;
  return holder.h;
}

Geometry::~Geometry() {
  if (g_) GEOSGeom_destroy_r(geos_context(), g_);
}

Geometry& Geometry::operator=(Geometry&& o) noexcept {
  if (this != &o) {
    if (g_) GEOSGeom_destroy_r(geos_context(), g_);
    g_ = o.g_;
    o.g_ = nullptr;
  }
  return *this;
}

Geometry::Geometry(const Geometry& o)
    : g_(o.g_ ? check(GEOSGeom_clone_r(geos_context(), o.g_), "clone") : nullptr) {}

Geometry& Geometry::operator=(const Geometry& o) {
  if (this != &o) *this = Geometry(o);
  return *this;
}

Geometry Geometry::from_wkt(const std::string& wkt) {
  GEOSWKTReader* r = GEOSWKTReader_create_r(geos_context());
  GEOSGeometry* g = GEOSWKTReader_read_r(geos_context(), r, wkt.c_str());
  GEOSWKTReader_destroy_r(geos_context(), r);
  if (!g) throw Error("invalid WKT '" + wkt.substr(0, 60) + "': " + g_last_geos_error);
  return Geometry(g);
}

Geometry Geometry::from_wkb(std::span<const std::uint8_t> wkb) {
  GEOSGeometry* g = GEOSGeomFromWKB_buf_r(geos_context(), wkb.data(), wkb.size());
  if (!g) throw Error("invalid WKB geometry: " + g_last_geos_error);
  return Geometry(g);
}

Geometry Geometry::point(double x, double y) {
  return Geometry(check(GEOSGeom_createPointFromXY_r(geos_context(), x, y), "point"));
}

Geometry Geometry::line(std::span<const PointM> points) {
  auto h = geos_context();
  GEOSCoordSequence* seq =
      GEOSCoordSeq_create_r(h, static_cast<unsigned>(points.size()), 2);
  for (unsigned i = 0; i < points.size(); ++i) {
    GEOSCoordSeq_setXY_r(h, seq, i, points[i].x_m, points[i].y_m);
  }
  return Geometry(check(GEOSGeom_createLineString_r(h, seq), "line"));
}

Geometry Geometry::multi_line(const std::vector<std::vector<PointM>>& lines) {
  auto h = geos_context();
  std::vector<GEOSGeometry*> parts;
  parts.reserve(lines.size());
  for (const auto& l : lines) {
    if (l.size() >= 2) parts.push_back(line(l).release());
  }
  return Geometry(check(GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, parts.data(),
                                                    static_cast<unsigned>(parts.size())),
                        "multilinestring"));
}

namespace {
void read_ring(const GEOSGeometry* ring, std::vector<PointM>& out) {
  auto h = geos_context();
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned n = 0;
  GEOSCoordSeq_getSize_r(h, seq, &n);
  for (unsigned i = 0; i < n; ++i) {
    PointM p;
    GEOSCoordSeq_getXY_r(h, seq, i, &p.x_m, &p.y_m);
    out.push_back(p);
  }
}

template <class F>
void for_each_polygon(const GEOSGeometry* g, F&& f) {
  auto h = geos_context();
  const int t = GEOSGeomTypeId_r(h, g);
  if (t == GEOS_POLYGON) {
    f(g);
  } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
    for (int i = 0; i < GEOSGetNumGeometries_r(h, g); ++i) for_each_polygon(GEOSGetGeometryN_r(h, g, i), f);
  }
}
}  // namespace

void Geometry::triangulate(std::vector<PointM>& out) const {
  if (!g_) return;
  auto h = geos_context();
  GEOSGeometry* tri = GEOSConstrainedDelaunayTriangulation_r(h, g_);
  if (!tri) fail("constrained Delaunay triangulation");
  Geometry holder(tri);
  for_each_polygon(tri, [&](const GEOSGeometry* p) {
    std::vector<PointM> ring;
    read_ring(GEOSGetExteriorRing_r(h, p), ring);
    if (ring.size() >= 4) out.insert(out.end(), ring.begin(), ring.begin() + 3);
  });
}

std::vector<std::vector<PointM>> Geometry::rings() const {
  std::vector<std::vector<PointM>> out;
  if (!g_) return out;
  auto h = geos_context();
  for_each_polygon(g_, [&](const GEOSGeometry* p) {
    out.emplace_back();
    read_ring(GEOSGetExteriorRing_r(h, p), out.back());
    for (int i = 0; i < GEOSGetNumInteriorRings_r(h, p); ++i) {
      out.emplace_back();
      read_ring(GEOSGetInteriorRingN_r(h, p, i), out.back());
    }
  });
  return out;
}

Geometry Geometry::difference(const Geometry& other) const {
  if (!g_) return {};
  if (!other.g_) return Geometry(*this);
  return Geometry(check(GEOSDifference_r(geos_context(), g_, other.g_), "difference"));
}

Geometry Geometry::intersection(const Geometry& other) const {
  if (!g_ || !other.g_) return {};
  return Geometry(check(GEOSIntersection_r(geos_context(), g_, other.g_), "intersection"));
}

bool Geometry::relate_pattern(const Geometry& other, const char* pattern) const {
  if (!g_ || !other.g_) return false;
  const char r = GEOSRelatePattern_r(geos_context(), g_, other.g_, pattern);
  if (r == 2) fail("relate");
  return r == 1;
}

Geometry Geometry::buffer(double distance, int quadrant_segments) const {
  if (!g_) return {};
  return Geometry(check(GEOSBuffer_r(geos_context(), g_, distance, quadrant_segments), "buffer"));
}

Geometry Geometry::simplified(double tolerance) const {
  if (!g_) return {};
  return Geometry(check(GEOSTopologyPreserveSimplify_r(geos_context(), g_, tolerance), "simplify"));
}

std::string Geometry::to_wkt(int decimals) const {
  if (!g_) return "";
  auto h = geos_context();
  GEOSWKTWriter* w = GEOSWKTWriter_create_r(h);
  GEOSWKTWriter_setRoundingPrecision_r(h, w, decimals);
  GEOSWKTWriter_setTrim_r(h, w, 1);
  char* s = GEOSWKTWriter_write_r(h, w, g_);
  std::string out = s ? s : "";
  GEOSFree_r(h, s);
  GEOSWKTWriter_destroy_r(h, w);
  return out;
}

std::vector<std::uint8_t> Geometry::to_wkb() const {
  if (!g_) return {};
  auto h = geos_context();
  GEOSWKBWriter* w = GEOSWKBWriter_create_r(h);
  std::size_t size = 0;
  unsigned char* buf = GEOSWKBWriter_write_r(h, w, g_, &size);
  std::vector<std::uint8_t> out(buf, buf + size);
  GEOSFree_r(h, buf);
  GEOSWKBWriter_destroy_r(h, w);
  return out;
}

bool Geometry::empty() const { return !g_ || GEOSisEmpty_r(geos_context(), g_) == 1; }

std::string Geometry::type_name() const {
  if (!g_) return "null";
  char* t = GEOSGeomType_r(geos_context(), g_);
  std::string out = t ? t : "";
  GEOSFree_r(geos_context(), t);
  return out;
}

bool Geometry::is_polygonal() const {
  if (!g_) return false;
  const int t = GEOSGeomTypeId_r(geos_context(), g_);
  return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
}

bool Geometry::is_valid() const { return g_ && GEOSisValid_r(geos_context(), g_) == 1; }

std::string Geometry::invalid_reason() const {
  if (!g_) return "null geometry";
  if (is_valid()) return "";
  char* r = GEOSisValidReason_r(geos_context(), g_);
  std::string out = r ? r : "unknown";
  GEOSFree_r(geos_context(), r);
  return out;
}

double Geometry::area() const {
  double a = 0;
  if (g_ && GEOSArea_r(geos_context(), g_, &a) != 1) fail("area");
  return a;
}

double Geometry::length() const {
  double l = 0;
  if (g_ && GEOSLength_r(geos_context(), g_, &l) != 1) fail("length");
  return l;
}

Envelope Geometry::envelope() const {
  Envelope e;
  if (empty()) return e;
  GEOSGeom_getXMin_r(geos_context(), g_, &e.min_x);
  GEOSGeom_getYMin_r(geos_context(), g_, &e.min_y);
  GEOSGeom_getXMax_r(geos_context(), g_, &e.max_x);
  GEOSGeom_getYMax_r(geos_context(), g_, &e.max_y);
  return e;
}

std::size_t Geometry::vertex_count() const {
  if (!g_) return 0;
  const int n = GEOSGetNumCoordinates_r(geos_context(), g_);
  return n < 0 ? 0 : static_cast<std::size_t>(n);
}

namespace {
PointM point_xy(GEOSGeometry* p) {
  PointM out;
  GEOSGeomGetX_r(geos_context(), p, &out.x_m);
  GEOSGeomGetY_r(geos_context(), p, &out.y_m);
  GEOSGeom_destroy_r(geos_context(), p);
  return out;
}
}  // namespace

PointM Geometry::point_on_surface() const {
  if (empty()) throw Error("point-on-surface of an empty geometry");
  return point_xy(check(GEOSPointOnSurface_r(geos_context(), g_), "point-on-surface"));
}

PointM Geometry::centroid() const {
  if (empty()) throw Error("centroid of an empty geometry");
  return point_xy(check(GEOSGetCentroid_r(geos_context(), g_), "centroid"));
}

bool Geometry::contains(double x, double y) const {
  if (!g_) return false;
  Geometry p = point(x, y);
  const char r = GEOSContains_r(geos_context(), g_, p.get());
  if (r == 2) fail("contains");
  return r == 1;
}

double Geometry::distance(const Geometry& other) const {
  double d = 0;
  if (GEOSDistance_r(geos_context(), g_, other.g_, &d) != 1) fail("distance");
  return d;
}

Geometry Geometry::polygonal_parts() const {
  if (!g_) return {};
  auto h = geos_context();
  const int t = GEOSGeomTypeId_r(h, g_);
  if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON) return Geometry(*this);
  std::vector<GEOSGeometry*> polys;
  const int n = GEOSGetNumGeometries_r(h, g_);
  for (int i = 0; i < n && t == GEOS_GEOMETRYCOLLECTION; ++i) {
    const GEOSGeometry* part = GEOSGetGeometryN_r(h, g_, i);
    const int pt = GEOSGeomTypeId_r(h, part);
    if (pt == GEOS_POLYGON) {
      polys.push_back(GEOSGeom_clone_r(h, part));
    } else if (pt == GEOS_MULTIPOLYGON) {
      const int m = GEOSGetNumGeometries_r(h, part);
      for (int j = 0; j < m; ++j) polys.push_back(GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, part, j)));
    }
  }
  return Geometry(check(GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys.data(),
                                                    static_cast<unsigned>(polys.size())),
                        "multipolygon"));
}

Geometry Geometry::make_valid_polygonal() const {
  if (!g_) return {};
  auto h = geos_context();
  GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(h);
  GEOSMakeValidParams_setMethod_r(h, params, GEOS_MAKE_VALID_STRUCTURE);
  GEOSMakeValidParams_setKeepCollapsed_r(h, params, 0);
  GEOSGeometry* v = GEOSMakeValidWithParams_r(h, g_, params);
  GEOSMakeValidParams_destroy_r(h, params);
  return Geometry(check(v, "make-valid")).polygonal_parts();
}

Geometry Geometry::with_precision(double grid) const {
  if (!g_) return {};
  auto h = geos_context();
  const int t = GEOSGeomTypeId_r(h, g_);
  const bool linear = t == GEOS_LINESTRING || t == GEOS_MULTILINESTRING || t == GEOS_LINEARRING;
  return Geometry(check(GEOSGeom_setPrecision_r(h, g_, grid, linear ? GEOS_PREC_KEEP_COLLAPSED : 0), "set-precision"));
}

Geometry Geometry::made_valid() const {
  if (!g_) return {};
  if (is_valid()) return Geometry(*this);
  if (is_polygonal()) return make_valid_polygonal();
  return Geometry(check(GEOSMakeValid_r(geos_context(), g_), "make-valid"));
}

namespace {
struct TransformData {
  const CrsTransform* t;
  bool ok = true;
};
int transform_cb(double* x, double* y, void* userdata) {
  auto* d = static_cast<TransformData*>(userdata);
  if (!d->t->transform(*x, *y)) d->ok = false;
  return 1;
}
}  // namespace

Geometry Geometry::transformed(const CrsTransform& t) const {
  if (!g_) return {};
  TransformData data{&t};
  GEOSGeometry* out = GEOSGeom_transformXY_r(geos_context(), g_, transform_cb, &data);
  Geometry result(check(out, "transform"));
  if (!data.ok) {
    throw Error("coordinates cannot be transformed from " + t.source() + " to " + t.target());
  }
  return result;
}

Geometry union_all(const std::vector<const Geometry*>& parts) {
  auto h = geos_context();
  std::vector<GEOSGeometry*> clones;
  clones.reserve(parts.size());
  for (const Geometry* p : parts) {
    if (p && *p) clones.push_back(GEOSGeom_clone_r(h, p->get()));
  }
  GEOSGeometry* coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, clones.data(),
                                                   static_cast<unsigned>(clones.size()));
  Geometry c(check(coll, "collection"));
  return Geometry(check(GEOSUnaryUnion_r(h, c.get()), "union"));
}

PreparedGeometry::PreparedGeometry(const Geometry& g)
    : p_(GEOSPrepare_r(geos_context(), g.get())) {
  if (!p_) fail("prepare");
}

PreparedGeometry::~PreparedGeometry() { GEOSPreparedGeom_destroy_r(geos_context(), p_); }

bool PreparedGeometry::contains(double x, double y) const {
  Geometry pt = Geometry::point(x, y);
  const char r = GEOSPreparedContains_r(geos_context(), p_, pt.get());
  if (r == 2) fail("prepared contains");
  return r == 1;
}

bool PreparedGeometry::intersects(const Geometry& other) const {
  const char r = GEOSPreparedIntersects_r(geos_context(), p_, other.get());
  if (r == 2) fail("prepared intersects");
  return r == 1;
}

StrTree::StrTree(std::size_t node_capacity)
    : tree_(GEOSSTRtree_create_r(geos_context(), node_capacity)) {}

StrTree::~StrTree() { GEOSSTRtree_destroy_r(geos_context(), tree_); }

namespace {
Geometry box(const Envelope& e) {
  return Geometry(
      check(GEOSGeom_createRectangle_r(geos_context(), e.min_x, e.min_y, e.max_x, e.max_y), "box"));
}
}  // namespace

void StrTree::insert(const Envelope& e) {
  // Items are stored as index + 1 so that no item is the null pointer.
  const auto item = static_cast<std::uintptr_t>(++count_);
  // Since GEOS 3.9 the tree copies the envelope: the box is freed at once (a kept
  // GEOS polygon per item cost ~400 bytes, 560 MiB on a 1 M-node road graph).
  static_assert(GEOS_VERSION_MAJOR > 3 || (GEOS_VERSION_MAJOR == 3 && GEOS_VERSION_MINOR >= 9),
                "GEOS >= 3.9 copies STRtree envelopes; older versions need the boxes kept alive");
  const Geometry b = e.min_x == e.max_x && e.min_y == e.max_y ? Geometry::point(e.min_x, e.min_y) : box(e);
  GEOSSTRtree_insert_r(geos_context(), tree_, b.get(), reinterpret_cast<void*>(item));
}

std::vector<std::size_t> StrTree::query(const Envelope& e) const {
  std::vector<std::size_t> out;
  Geometry q = (e.min_x == e.max_x && e.min_y == e.max_y) ? Geometry::point(e.min_x, e.min_y) : box(e);
  GEOSSTRtree_query_r(
      geos_context(), tree_, q.get(),
      [](void* item, void* userdata) {
        static_cast<std::vector<std::size_t>*>(userdata)->push_back(
            static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(item) - 1));
      },
      &out);
  return out;
}

}  // namespace recompose::geo
