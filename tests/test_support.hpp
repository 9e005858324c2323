// Shared helpers for the tests: where the real data and the sources are,
// temporary directories, running the built `recompose` binary, reading and
// writing small files, reading CSV outputs (through GDAL, as users' tools would).
#pragma once

#include <catch2/catch.hpp>

#include <gdal.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace recompose::test {

// [SECTION] paths

inline std::filesystem::path source_dir() { return std::filesystem::path(RECOMPOSE_SOURCE_DIR); }

// A graph cache shared by the tests that import the same real territories: the road
// graph and its hierarchy are built once per build directory (keyed by the fingerprint
// of the road file, profile and fields, so a changed input is rebuilt, never reused).
// One directory per road file (a cache holds one graph): `roads` names it.
inline std::string graph_cache_dir(const std::string& roads = "loire") {
  const auto dir = std::filesystem::path(RECOMPOSE_TEST_GRAPH_CACHE) / roads;
  std::filesystem::create_directories(dir);
  return dir.string();
}

// The raw open-data root: $RECOMPOSE_DATA_ROOT, else ../shared/datasets/raw beside the sources.
inline std::string data_root() {
  if (const char* env = std::getenv("RECOMPOSE_DATA_ROOT"); env && *env) {
    return std::filesystem::absolute(env).lexically_normal().string();
  }
  return (source_dir() / ".." / "shared" / "datasets" / "raw").lexically_normal().string();
}

// A file of the raw data root; the test stops with its path when it is missing.
inline std::string data_file(const std::string& relative) {
  const std::filesystem::path p = std::filesystem::path(data_root()) / relative;
  INFO("raw data file " << p.string() << " (set RECOMPOSE_DATA_ROOT)");
  REQUIRE(std::filesystem::exists(p));
  return p.string();
}

inline std::string source_file(const std::string& relative) { return (source_dir() / relative).string(); }

inline std::string car_profile() { return source_file("datasets/profiles/car.json"); }

// A project manifest's "regime" paths made absolute (they are relative to the
// manifest file, which tests copy to a temporary directory), like the profile.
inline void absolute_regime_paths(nlohmann::json& manifest) {
  if (!manifest.contains("regime")) return;
  for (const char* part : {"sites", "affiliates"}) {
    if (!manifest["regime"].contains(part)) continue;
    auto& path = manifest["regime"][part]["path"];
    if (path.is_string() && !std::filesystem::path(path.get<std::string>()).is_absolute()) {
      path = source_file("datasets/" + path.get<std::string>());
    }
  }
}

// datasets/loire.json with absolute profile and regime paths, for a copy written to a
// temporary directory (those paths are relative to the manifest file).
inline nlohmann::json loire_manifest() {
  nlohmann::json m = nlohmann::json::parse(std::ifstream(source_file("datasets/loire.json")));
  m["roads"]["profile"] = car_profile();
  absolute_regime_paths(m);
  return m;
}

// [SECTION] temporary directories

// A fresh temporary directory (mkdtemp), removed with its content at scope exit.
class TempDir {
 public:
  explicit TempDir(const std::string& tag = "tmp") {
    std::string tmpl = (std::filesystem::temp_directory_path() / ("recompose-test-" + tag + "-XXXXXX")).string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string str() const { return path_.string(); }
  // Names of the entries directly inside, sorted.
  [[nodiscard]] std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::filesystem::path path_;
};

// [SECTION] running the command-line tool

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

struct Run {
  int code = -1;       // exit status, 128 + signal, 124 when `timeout` stopped it
  std::string output;  // stdout and stderr
  double seconds = 0;
};

// Runs `cmd` in a shell, its stderr merged into its stdout.
inline Run run_shell(const std::string& cmd) {
  Run r;
  const auto start = std::chrono::steady_clock::now();
  FILE* p = ::popen(("{ " + cmd + "\n} 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (WIFEXITED(status)) {
    r.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.code = 128 + WTERMSIG(status);
  }
  return r;
}

// Runs `recompose ARGS` in `cwd` under `timeout` (never a hang), stderr merged into stdout.
// `shell_prefix` runs first in the same shell (e.g. "ulimit -f 200 && ").
inline Run run_cli(const std::string& args, const std::string& cwd, int limit_s = 300,
                   const std::string& shell_prefix = "") {
  return run_shell("cd " + shell_quote(cwd) + " && " + shell_prefix + "timeout -k 5 " + std::to_string(limit_s) + " " +
                   shell_quote(RECOMPOSE_CLI) + " " + args);
}

// [SECTION] files

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  INFO("reading " << path);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  REQUIRE(out.good());
}

inline void write_json(const std::string& path, const nlohmann::json& j) { write_text(path, j.dump(1)); }

// `recompose import MANIFEST --out TMP/OUT --data-root ROOT --graph-cache SHARED --quiet`, with
// `manifest` written to TMP/manifest.json. The graph cache is shared by the tests (see
// graph_cache_dir): a test that checks cache behaviour passes its own directory.
inline Run run_import(const TempDir& tmp, const nlohmann::json& manifest, const std::string& out = "out",
                      const std::string& graph_cache = graph_cache_dir()) {
  const std::string path = tmp.file("manifest.json");
  write_json(path, manifest);
  return run_cli("import " + shell_quote(path) + " --out " + shell_quote(tmp.file(out)) + " --data-root " +
                     shell_quote(data_root()) + (graph_cache.empty() ? "" : " --graph-cache " + shell_quote(graph_cache)) +
                     " --quiet",
                 tmp.str());
}

// Rows of a CSV file as column name -> text value, read with GDAL's CSV driver
// (every field as text, as the project's own readers do).
inline std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  INFO("reading CSV " << path);
  GDALAllRegister();
  const char* drivers[] = {"CSV", nullptr};
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr);
  REQUIRE(ds != nullptr);
  std::vector<std::map<std::string, std::string>> rows;
  OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
  const int nfields = OGR_FD_GetFieldCount(defn);
  OGR_L_ResetReading(layer);
  while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
    std::map<std::string, std::string> row;
    for (int i = 0; i < nfields; ++i) {
      row[OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i))] = OGR_F_GetFieldAsString(f, i);
    }
    rows.push_back(std::move(row));
    OGR_F_Destroy(f);
  }
  GDALClose(ds);
  return rows;
}

// [SECTION] import reports

// The layer row of an import report (import_report.json) with this role.
inline const nlohmann::json* layer_row(const nlohmann::json& report, const std::string& role) {
  if (!report.contains("layers")) return nullptr;
  for (const auto& l : report["layers"]) {
    if (l.value("role", "") == role) return &l;
  }
  return nullptr;
}

}  // namespace recompose::test
