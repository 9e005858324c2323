#include "png_writer.hpp"

#include <gdal_priv.h>
#include <unistd.h>

#include <filesystem>

#include "geo/error.hpp"

namespace recompose::viewer {

void write_png(const std::string& path, int width, int height, const std::vector<std::uint8_t>& rgba) {
  GDALAllRegister();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDriver* png = GetGDALDriverManager()->GetDriverByName("PNG");
  if (!mem || !png) throw geo::Error("GDAL has no MEM or PNG driver", geo::ErrorKind::Internal);
  GDALDatasetUniquePtr ds(mem->Create("", width, height, 4, GDT_Byte, nullptr));
  for (int b = 0; b < 4; ++b) {
    // Band b takes every 4th byte starting at b (pixel spacing 4, line spacing 4 * width).
    if (ds->GetRasterBand(b + 1)->RasterIO(GF_Write, 0, 0, width, height, const_cast<std::uint8_t*>(rgba.data()) + b,
                                           width, height, GDT_Byte, 4, 4 * static_cast<GSpacing>(width),
                                           nullptr) != CE_None) {
      throw geo::Error("cannot fill the screenshot raster", geo::ErrorKind::Internal);
    }
  }
  const std::string tmp = path + ".tmp" + std::to_string(::getpid()) + ".png";
  GDALDatasetUniquePtr out(png->CreateCopy(tmp.c_str(), ds.get(), FALSE, nullptr, nullptr, nullptr));
  if (!out) throw geo::Error("cannot write " + tmp);
  out.reset();
  std::filesystem::remove(tmp + ".aux.xml");
  std::filesystem::rename(tmp, path);
}

}  // namespace recompose::viewer
