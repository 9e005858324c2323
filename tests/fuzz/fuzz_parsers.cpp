// libFuzzer targets for every parser the project owns. One binary per target,
// selected at compile time by RECOMPOSE_FUZZ_TARGET:
//   1 manifest, 2 scenario, 3 speed profile, 4 graph cache, 5 indicator/CSV table,
//   6 contraction hierarchy file (graph.ch), 7 FINESS extract (Etalab layout),
//   8 optimisation problem (recompose-optimise/1).
// A geo::Error is the expected answer to bad input; anything else (another
// exception, a crash, a sanitizer report) is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "geo/contraction.hpp"
#include "geo/error.hpp"
#include "geo/fingerprint.hpp"
#include "geo/graph_cache.hpp"
#include "geo/road_profile.hpp"
#include "geo/vector_io.hpp"
#include "planner/manifest.hpp"
#include "planner/offer/finess.hpp"
#include "planner/optimise/problem.hpp"
#include "planner/scenario.hpp"

namespace {

std::string temp_file(const char* ext, const std::uint8_t* data, std::size_t size) {
  const std::string path = "/tmp/recompose-fuzz-" + std::to_string(::getpid()) + ext;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
#if RECOMPOSE_FUZZ_TARGET == 1
    (void)recompose::planner::Manifest::parse(text, "fuzz.json");
#elif RECOMPOSE_FUZZ_TARGET == 2
    (void)recompose::planner::Scenario::parse(text, "fuzz.json");
#elif RECOMPOSE_FUZZ_TARGET == 3
    (void)recompose::geo::RoadProfile::parse(text, "fuzz.json");
#elif RECOMPOSE_FUZZ_TARGET == 4
    (void)recompose::geo::load_graph(temp_file(".rcg", data, size), 0);
#elif RECOMPOSE_FUZZ_TARGET == 5
    recompose::geo::ReadOptions o;
    o.fields = {"code"};
    o.optional_fields = {"value"};
    o.read_geometry = false;
    (void)recompose::geo::read_layer(temp_file(".csv", data, size), o);
#elif RECOMPOSE_FUZZ_TARGET == 6
    // Odd first byte: the rest is a payload given a valid header and checksum, so the
    // fuzzer reaches the array reader and validate() instead of stopping at the checksum.
    if (size > 0 && (data[0] & 1)) {
      const std::string payload(reinterpret_cast<const char*>(data) + 1, size - 1);
      std::string file("RCMPCHIE", 8);
      const std::uint32_t version = recompose::geo::kContractionCacheVersion;
      const std::uint64_t fingerprint = 42;
      recompose::geo::Fingerprint f;
      f.add(payload);
      const std::uint64_t checksum = f.value();
      file.append(reinterpret_cast<const char*>(&version), sizeof version);
      file.append(reinterpret_cast<const char*>(&fingerprint), sizeof fingerprint);
      file.append(reinterpret_cast<const char*>(&checksum), sizeof checksum);
      file += payload;
      (void)recompose::geo::load_contraction_hierarchy(
          temp_file(".ch", reinterpret_cast<const std::uint8_t*>(file.data()), file.size()), 0);
    } else {
      (void)recompose::geo::load_contraction_hierarchy(temp_file(".ch", data, size), 0);
    }
#elif RECOMPOSE_FUZZ_TARGET == 7
    (void)recompose::planner::offer::read_finess(temp_file(".csv", data, size), {{"124", "620"}, {}});
#elif RECOMPOSE_FUZZ_TARGET == 8
    (void)recompose::planner::optimise::Problem::parse(text, "fuzz.json");
#endif
  } catch (const recompose::geo::Error&) {
    // Expected: a clear error for bad input.
  }
  return 0;
}
