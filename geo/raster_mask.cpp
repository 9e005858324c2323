#include "geo/raster_mask.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>

#include "geo/error.hpp"

namespace recompose::geo {

RasterMask::RasterMask(const Envelope& e, double cell_m) : cell_(cell_m) {
  x0_ = e.min_x - cell_m;
  y1_ = e.max_y + cell_m;
  width_ = static_cast<int>(std::ceil((e.max_x - e.min_x) / cell_m)) + 2;
  height_ = static_cast<int>(std::ceil((e.max_y - e.min_y) / cell_m)) + 2;
  if (width_ <= 0 || height_ <= 0 || static_cast<double>(width_) * height_ > 2e8) {
    throw Error("raster mask too large or empty", ErrorKind::Internal);
  }
  cells_.assign(static_cast<std::size_t>(width_) * static_cast<std::size_t>(height_), 0);
}

void RasterMask::mark_point(double x, double y) {
  const auto c = static_cast<int>(std::floor((x - x0_) / cell_));
  const auto r = static_cast<int>(std::floor((y1_ - y) / cell_));
  if (c < 0 || r < 0 || c >= width_ || r >= height_) return;
  cells_[static_cast<std::size_t>(r) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(c)] = 1;
}

void RasterMask::mark_segment(PointM a, PointM b) {
  const double len = std::hypot(b.x_m - a.x_m, b.y_m - a.y_m);
  const int steps = std::max(1, static_cast<int>(std::ceil(len / (cell_ / 4))));
  for (int i = 0; i <= steps; ++i) {
    const double f = static_cast<double>(i) / steps;
    mark_point(a.x_m + f * (b.x_m - a.x_m), a.y_m + f * (b.y_m - a.y_m));
  }
}

void RasterMask::dilate(int k) {
  if (k <= 0) return;
  std::vector<std::uint8_t> out(cells_.size(), 0);
  for (int r = 0; r < height_; ++r) {
    for (int c = 0; c < width_; ++c) {
      if (!cells_[static_cast<std::size_t>(r) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(c)]) continue;
      for (int dr = std::max(0, r - k); dr <= std::min(height_ - 1, r + k); ++dr) {
        for (int dc = std::max(0, c - k); dc <= std::min(width_ - 1, c + k); ++dc) {
          out[static_cast<std::size_t>(dr) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(dc)] = 1;
        }
      }
    }
  }
  cells_.swap(out);
}

std::size_t RasterMask::marked() const {
  return static_cast<std::size_t>(std::count(cells_.begin(), cells_.end(), std::uint8_t{1}));
}

Geometry RasterMask::polygons() const {
  if (marked() == 0) return {};
  GDALAllRegister();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  if (!mem) throw Error("GDAL has no MEM driver", ErrorKind::Internal);
  GDALDatasetUniquePtr raster(mem->Create("", width_, height_, 1, GDT_Byte, nullptr));
  double transform[6] = {x0_, cell_, 0, y1_, 0, -cell_};
  raster->SetGeoTransform(transform);
  GDALRasterBand* band = raster->GetRasterBand(1);
  if (band->RasterIO(GF_Write, 0, 0, width_, height_, const_cast<std::uint8_t*>(cells_.data()), width_, height_,
                     GDT_Byte, 0, 0, nullptr) != CE_None) {
    throw Error("cannot fill the raster mask", ErrorKind::Internal);
  }
  GDALDriver* memory = GetGDALDriverManager()->GetDriverByName("Memory");  // OGR in-memory vectors
  if (!memory) throw Error("GDAL has no Memory driver", ErrorKind::Internal);
  GDALDatasetUniquePtr vec(memory->Create("", 0, 0, 0, GDT_Unknown, nullptr));
  if (!vec) throw Error("cannot create an in-memory vector dataset", ErrorKind::Internal);
  OGRLayer* layer = vec->CreateLayer("mask", nullptr, wkbPolygon, nullptr);
  OGRFieldDefn field("v", OFTInteger);
  layer->CreateField(&field);
  // The band is its own mask: only marked cells become polygons.
  if (GDALPolygonize(band, band, layer, 0, nullptr, nullptr, nullptr) != CE_None) {
    throw Error("GDAL polygonize failed", ErrorKind::Internal);
  }
  std::vector<Geometry> parts;
  for (auto& f : *layer) {
    const OGRGeometry* g = f->GetGeometryRef();
    if (!g) continue;
    std::vector<std::uint8_t> wkb(static_cast<std::size_t>(g->WkbSize()));
    g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    parts.push_back(Geometry::from_wkb(wkb));
  }
  std::vector<const Geometry*> ptrs;
  for (const auto& p : parts) ptrs.push_back(&p);
  return union_all(ptrs);
}

}  // namespace recompose::geo
