#include "geo/crs.hpp"

#include <proj.h>

#include <cmath>
#include <limits>

#include "geo/error.hpp"

namespace recompose::geo {

struct CrsTransform::Impl {
  PJ_CONTEXT* ctx = nullptr;
  PJ* pj = nullptr;
  ~Impl() {
    if (pj) proj_destroy(pj);
    if (ctx) proj_context_destroy(ctx);
  }
};

CrsTransform::CrsTransform(const std::string& source, const std::string& target)
    : impl_(std::make_unique<Impl>()), source_(source), target_(target) {
  impl_->ctx = proj_context_create();
  proj_log_level(impl_->ctx, PJ_LOG_NONE);  // failures are reported through Error, with context
  PJ* raw = proj_create_crs_to_crs(impl_->ctx, source.c_str(), target.c_str(), nullptr);
  if (!raw) {
    const int err = proj_context_errno(impl_->ctx);
    throw Error("PROJ cannot build a transformation from '" + source + "' to '" + target +
                "': " + proj_context_errno_string(impl_->ctx, err));
  }
  impl_->pj = proj_normalize_for_visualization(impl_->ctx, raw);
  proj_destroy(raw);
  if (!impl_->pj) {
    throw Error("PROJ cannot normalise the axis order of '" + source + "' -> '" + target + "'");
  }
}

CrsTransform::~CrsTransform() = default;
CrsTransform::CrsTransform(CrsTransform&&) noexcept = default;
CrsTransform& CrsTransform::operator=(CrsTransform&&) noexcept = default;

namespace {
bool run(PJ* pj, PJ_DIRECTION dir, double& x, double& y) {
  PJ_COORD c = proj_coord(x, y, 0, 0);
  PJ_COORD r = proj_trans(pj, dir, c);
  if (!std::isfinite(r.xy.x) || !std::isfinite(r.xy.y) || r.xy.x == HUGE_VAL) return false;
  x = r.xy.x;
  y = r.xy.y;
  return true;
}
}  // namespace

bool CrsTransform::transform(double& x, double& y) const {
  return run(impl_->pj, PJ_FWD, x, y);
}

bool CrsTransform::inverse(double& x, double& y) const { return run(impl_->pj, PJ_INV, x, y); }

std::size_t CrsTransform::transform(std::span<double> xs, std::span<double> ys) const {
  std::size_t failed = 0;
  const std::size_t n = std::min(xs.size(), ys.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (!run(impl_->pj, PJ_FWD, xs[i], ys[i])) {
      xs[i] = ys[i] = std::numeric_limits<double>::quiet_NaN();
      ++failed;
    }
  }
  return failed;
}

namespace {
const CrsTransform& wgs_to_l93() {
  thread_local CrsTransform t(kWgs84, kLambert93);
  return t;
}
}  // namespace

PointM wgs84_to_lambert93(LonLat p) {
  double x = p.lon, y = p.lat;
  if (!wgs_to_l93().transform(x, y)) {
    throw Error("cannot project lon/lat (" + std::to_string(p.lon) + ", " + std::to_string(p.lat) +
                ") to Lambert-93");
  }
  return {x, y};
}

LonLat lambert93_to_wgs84(PointM p) {
  double x = p.x_m, y = p.y_m;
  if (!wgs_to_l93().inverse(x, y)) {
    throw Error("cannot unproject Lambert-93 (" + std::to_string(p.x_m) + ", " +
                std::to_string(p.y_m) + ") to lon/lat");
  }
  return {x, y};
}

std::string crs_authority_code(const std::string& definition) {
  PJ_CONTEXT* ctx = proj_context_create();
  proj_log_level(ctx, PJ_LOG_NONE);
  std::string out;
  if (PJ* crs = proj_create(ctx, definition.c_str())) {
    const char* auth = proj_get_id_auth_name(crs, 0);
    const char* code = proj_get_id_code(crs, 0);
    if (auth && code) {
      out = std::string(auth) + ":" + code;
    } else {
      int* confidence = nullptr;
      if (PJ_OBJ_LIST* list = proj_identify(ctx, crs, "EPSG", nullptr, &confidence)) {
        if (proj_list_get_count(list) > 0 && confidence && confidence[0] >= 70) {
          PJ* best = proj_list_get(ctx, list, 0);
          const char* c = proj_get_id_code(best, 0);
          if (c) out = std::string("EPSG:") + c;
          proj_destroy(best);
        }
        proj_list_destroy(list);
      }
      proj_int_list_destroy(confidence);
    }
    proj_destroy(crs);
  }
  proj_context_destroy(ctx);
  return out;
}

}  // namespace recompose::geo
