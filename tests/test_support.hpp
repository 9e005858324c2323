// Shared helpers for the tests: where the real data and the sources are.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace recompose::test {

// The raw open-data root: $RECOMPOSE_DATA_ROOT, else ../shared/datasets/raw beside the sources.
inline std::string data_root() {
  if (const char* env = std::getenv("RECOMPOSE_DATA_ROOT"); env && *env) return env;
  return (std::filesystem::path(RECOMPOSE_SOURCE_DIR) / ".." / "shared" / "datasets" / "raw")
      .lexically_normal()
      .string();
}

inline std::string data_file(const std::string& relative) {
  return (std::filesystem::path(data_root()) / relative).string();
}

inline std::string source_file(const std::string& relative) {
  return (std::filesystem::path(RECOMPOSE_SOURCE_DIR) / relative).string();
}

// A fresh temporary directory, removed when the object goes out of scope.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    path_ = std::filesystem::temp_directory_path() /
            ("recompose-test-" + tag + "-" + std::to_string(std::rand()) + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace recompose::test
