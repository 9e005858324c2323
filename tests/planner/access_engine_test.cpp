// The access tables' cache (planner/access_engine.hpp): a checksum on the payload, a
// corrupted file refused and rebuilt with a notice, and a territory folder that cannot
// be written keeps its tables in the user's cache folder. Tiny territory of
// tiny_territory.hpp (a straight road, 1 km = 1 min).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "planner/access_engine.hpp"
#include "test_support.hpp"
#include "tiny_territory.hpp"

using namespace recompose;
namespace fs = std::filesystem;

namespace {

planner::Territory territory() {
  return test::tiny_territory({{1, 100}, {4, 200}, {9, 300}}, {{"H1", "hospital", 0, 10}, {"H2", "hospital", 12, 5}});
}

bool same_tables(const planner::AccessEngine& a, const planner::AccessEngine& b, std::size_t facilities) {
  for (std::size_t i = 0; i < facilities; ++i) {
    const auto &x = a.base_column(i), &y = b.base_column(i);
    if (x.size() != y.size()) return false;
    for (std::size_t k = 0; k < x.size(); ++k) {
      if (x[k].unit != y[k].unit || x[k].time_ds != y[k].time_ds) return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("Access tables: a corrupted cache is refused by its checksum and rebuilt", "[tables][cache]") {
  const auto t = territory();
  test::TempDir dir("tables");
  const std::string cache = dir.file("access_tables.bin");
  const planner::AccessEngine first(t, 60, {}, cache);
  CHECK_FALSE(first.loaded_from_cache());
  REQUIRE(fs::exists(cache));
  {
    const planner::AccessEngine second(t, 60, {}, cache);
    CHECK(second.loaded_from_cache());
    CHECK(second.cache_note().empty());
  }
  // One byte of a time changed: the header still matches, the payload does not.
  {
    std::fstream f(cache, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(cache) - 2));
    f.put('\x7f');
  }
  const planner::AccessEngine third(t, 60, {}, cache);
  CHECK_FALSE(third.loaded_from_cache());
  CHECK_THAT(third.cache_note(), Catch::Contains("somme de contrôle") && Catch::Contains("recalculées"));
  CHECK(same_tables(first, third, t.facilities.size()));
  // Rewritten whole: the next engine reads it again.
  CHECK(planner::AccessEngine(t, 60, {}, cache).loaded_from_cache());
  // A truncated file too.
  fs::resize_file(cache, fs::file_size(cache) - 5);
  const planner::AccessEngine fourth(t, 60, {}, cache);
  CHECK_FALSE(fourth.loaded_from_cache());
  CHECK_FALSE(fourth.cache_note().empty());
}

TEST_CASE("Access tables: a cache that cannot be written goes to the user's cache folder, else memory",
          "[tables][cache]") {
  const auto t = territory();
  test::TempDir dir("tables-ro"), user("user-cache");
  // A folder in place of the cache file: the territory's cache cannot be written.
  const std::string cache = dir.file("access_tables.bin");
  fs::create_directories(fs::path(cache) / "occupé");
  const char* old_xdg = std::getenv("XDG_CACHE_HOME");
  const std::string saved = old_xdg ? old_xdg : "";
  ::setenv("XDG_CACHE_HOME", user.str().c_str(), 1);
  {
    const planner::AccessEngine a(t, 60, {}, cache);
    CHECK_FALSE(a.loaded_from_cache());
    CHECK_THAT(a.cache_note(), Catch::Contains("non modifiable") && Catch::Contains(user.str() + "/recompose"));
    const planner::AccessEngine b(t, 60, {}, cache);  // read back from the user's cache
    CHECK(b.loaded_from_cache());
    CHECK_THAT(b.cache_note(), Catch::Contains("relues depuis"));
    CHECK(same_tables(a, b, t.facilities.size()));
  }
  ::setenv("XDG_CACHE_HOME", (user.str() + "/fichier").c_str(), 1);
  test::write_text(user.str() + "/fichier", "x");  // not a folder: no user cache either
  {
    const planner::AccessEngine c(t, 60, {}, cache);
    CHECK_FALSE(c.loaded_from_cache());
    CHECK_THAT(c.cache_note(), Catch::Contains("en mémoire"));
  }
  if (old_xdg) {
    ::setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  } else {
    ::unsetenv("XDG_CACHE_HOME");
  }
}
