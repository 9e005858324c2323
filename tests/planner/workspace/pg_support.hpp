// A database of its own for each test, on the PostgreSQL server named by
// $RECOMPOSE_TEST_PG (a libpq conninfo of a maintenance database, e.g. the private
// cluster that `make test` starts with tests/postgres/cluster.sh). Without it the
// PostGIS tests are skipped with a warning — except when $RECOMPOSE_REQUIRE_PG is set
// (`make test`, CI), where a missing server fails them.
#pragma once

#include <catch2/catch.hpp>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "geo/postgres.hpp"

namespace recompose::test {

class TestDatabase {
 public:
  // nullopt (after a WARN) when no server is configured and none is required.
  static std::optional<TestDatabase> create(const std::string& tag) {
    const char* admin = std::getenv("RECOMPOSE_TEST_PG");
    if (!admin || !*admin) {
      if (const char* req = std::getenv("RECOMPOSE_REQUIRE_PG"); req && *req) {
        FAIL("RECOMPOSE_REQUIRE_PG is set but RECOMPOSE_TEST_PG is not: no PostgreSQL server for the PostGIS tests");
      }
      WARN("PostGIS test skipped: set RECOMPOSE_TEST_PG to a libpq conninfo (make test does)");
      return std::nullopt;
    }
    static std::atomic<int> counter{0};
    TestDatabase db;
    db.admin_ = admin;
    db.name_ = "rt_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    geo::pg::Connection c(geo::pg::parse_locator("PG:" + db.admin_));
    c.exec("DROP DATABASE IF EXISTS " + geo::pg::quote_ident(db.name_));
    c.exec("CREATE DATABASE " + geo::pg::quote_ident(db.name_));
    db.owner_ = true;
    return db;
  }
  TestDatabase(TestDatabase&& o) noexcept : admin_(std::move(o.admin_)), name_(std::move(o.name_)), owner_(o.owner_) {
    o.owner_ = false;
  }
  TestDatabase& operator=(TestDatabase&&) = delete;
  ~TestDatabase() {
    if (!owner_) return;
    try {
      geo::pg::Connection c(geo::pg::parse_locator("PG:" + admin_));
      c.exec("DROP DATABASE IF EXISTS " + geo::pg::quote_ident(name_) + " WITH (FORCE)");
    } catch (...) {
      // left for the next run's DROP ... IF EXISTS
    }
  }
  // The libpq conninfo of this test's database.
  [[nodiscard]] std::string conninfo() const { return admin_ + " dbname=" + name_; }
  // "PG:<conninfo>[ schema=S]"
  [[nodiscard]] std::string locator(const std::string& schema = "") const {
    return "PG:" + conninfo() + (schema.empty() ? "" : " schema=" + schema);
  }
  [[nodiscard]] geo::pg::Connection connect() const { return geo::pg::Connection(geo::pg::parse_locator(locator())); }

 private:
  TestDatabase() = default;
  std::string admin_, name_;
  bool owner_ = false;
};

}  // namespace recompose::test
