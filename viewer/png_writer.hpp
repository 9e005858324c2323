// Writes RGBA pixels (top row first) as a PNG through GDAL, atomically.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recompose::viewer {

void write_png(const std::string& path, int width, int height, const std::vector<std::uint8_t>& rgba);

}  // namespace recompose::viewer
