// Helpers of the viewer tests: the command line that runs the real recompose-viewer
// headless under Xvfb, and its screenshots read back (RGB bytes, through GDAL).
#pragma once

#include <catch2/catch.hpp>
#include <gdal_priv.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace recompose::test {

// The shell command running `recompose-viewer ARGS` under xvfb-run and `timeout` (never
// a hang). With a width and height, the virtual screen and the window take that size;
// otherwise the viewer's default window on a 1600x1000 screen.
// Under `make asan` the system OpenGL stack (Mesa, LLVM) leaks at exit: leak checking is
// off for the viewer process only; memory errors are still checked. Ignored by normal builds.
inline std::string viewer_command(const std::string& args, int width = 0, int height = 0) {
  const bool sized = width > 0 && height > 0;
  const std::string screen = sized ? std::to_string(width) + "x" + std::to_string(height) : std::string("1600x1000");
  std::string cmd = "ASAN_OPTIONS=detect_leaks=0 timeout -k 5 600 xvfb-run -a -s '-screen 0 " + screen + "x24' '" +
                    std::string(RECOMPOSE_VIEWER) + "'";
  if (sized) cmd += " --width " + std::to_string(width) + " --height " + std::to_string(height);
  return cmd + " " + args;
}

// An image as 3 bytes (R, G, B) per pixel, rows top to bottom.
struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;
  [[nodiscard]] std::array<std::uint8_t, 3> at(int x, int y) const {
    const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 3;
    return {rgb[i], rgb[i + 1], rgb[i + 2]};
  }
};

// The first three bands of a PNG (or any raster GDAL reads).
inline Image read_png(const std::string& path) {
  INFO("reading image " << path);
  GDALAllRegister();
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  REQUIRE(ds);
  Image img;
  img.width = ds->GetRasterXSize();
  img.height = ds->GetRasterYSize();
  img.rgb.resize(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height) * 3);
  for (int b = 0; b < 3; ++b) {
    REQUIRE(ds->GetRasterBand(b + 1)->RasterIO(GF_Read, 0, 0, img.width, img.height, img.rgb.data() + b, img.width,
                                               img.height, GDT_Byte, 3, 3 * static_cast<GSpacing>(img.width),
                                               nullptr) == CE_None);
  }
  return img;
}

}  // namespace recompose::test
