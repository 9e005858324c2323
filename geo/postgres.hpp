// PostgreSQL / PostGIS: a thin RAII layer over libpq, and the `PG:` locators.
//
// A locator is `PG:` followed by a libpq connection string ("dbname=atelier
// host=sig.ars.fr"), optionally with `schema=NAME` (Recompose's own keyword, taken
// out before libpq sees the string), or a URI ("postgresql://marie@sig.ars/atelier",
// the schema then as a query parameter: "?schema=NAME"). Credentials come from the usual PostgreSQL means
// only — PG* variables, ~/.pgpass, service files (`service=NAME`) — which libpq
// applies itself; a `password=` written in a locator is accepted (libpq would) but
// never shown: every message and output names a locator through `redacted()`.
//
// Layers go through GDAL's PostgreSQL driver (`gdal_source()`), everything else
// (metadata, binary files, scenarios, the atomic switch of a schema) through
// `Connection`: parameters are always sent apart from the SQL text (no quoting by
// hand), identifiers through `quote_ident`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/error.hpp"

struct pg_conn;
struct pg_result;

namespace recompose::geo::pg {

// True for "PG:..." (the GDAL spelling; "pg:" too).
bool is_locator(std::string_view s);

struct Locator {
  std::string conninfo;  // for libpq (without `schema=`)
  std::string schema;    // empty: not given
  // "PG:<conninfo>" for GDAL's PostgreSQL driver.
  [[nodiscard]] std::string gdal_source() const { return "PG:" + conninfo; }
  // The locator as it may be shown: passwords replaced by "***".
  [[nodiscard]] std::string display() const;
};

// Parses a locator; throws Error (Usage) naming what is wrong, never echoing a password.
Locator parse_locator(std::string_view text);

// `text` with the value of every `password=` replaced by "***" (conninfo or locator).
std::string redacted(std::string_view text);

// A PostgreSQL identifier, double-quoted when needed ("ma couche" -> "\"ma couche\"").
std::string quote_ident(std::string_view name);

// A schema name made of [a-z0-9_] from any text ("Fermeture Lens" -> "fermeture_lens"),
// at most 63 bytes, never empty (throws Error when nothing is left).
std::string slug(std::string_view text);

class Result {
 public:
  explicit Result(pg_result* r) : r_(r) {}
  ~Result();
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result& operator=(Result&&) = delete;
  Result(const Result&) = delete;

  [[nodiscard]] int rows() const;
  [[nodiscard]] int columns() const;
  [[nodiscard]] bool is_null(int row, int col) const;
  [[nodiscard]] std::string text(int row, int col) const;  // "" for NULL
  // The raw bytes of a binary-format column (see Connection::query_binary).
  [[nodiscard]] std::string_view bytes(int row, int col) const;

 private:
  pg_result* r_;
};

// A parameter: text (nullopt is NULL) or binary bytes (bytea).
struct Param {
  Param(std::nullopt_t) {}  // NOLINT: NULL
  Param(std::string v) : value(std::move(v)) {}  // NOLINT
  Param(const char* v) : value(std::string(v)) {}  // NOLINT
  Param(std::int64_t v) : value(std::to_string(v)) {}  // NOLINT
  Param(int v) : value(std::to_string(v)) {}  // NOLINT
  static Param binary(std::string_view data) {
    Param p{std::string(data)};
    p.is_binary = true;
    return p;
  }
  std::optional<std::string> value;
  bool is_binary = false;
};

// The SQLSTATE of a failed statement, kept with the message (23505: unique violation...).
class SqlError : public Error {
 public:
  SqlError(std::string message, std::string sqlstate) : Error(std::move(message)), sqlstate_(std::move(sqlstate)) {}
  [[nodiscard]] const std::string& sqlstate() const { return sqlstate_; }
  [[nodiscard]] bool unique_violation() const { return sqlstate_ == "23505"; }

 private:
  std::string sqlstate_;
};

class Connection {
 public:
  // Connects; throws Error with the server's reason and the redacted locator.
  explicit Connection(const Locator& where);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement; throws SqlError naming the statement's first words.
  Result exec(const std::string& sql, const std::vector<Param>& params = {});
  // The same with every result column in binary format (bytea contents as bytes).
  Result query_binary(const std::string& sql, const std::vector<Param>& params = {});

  void begin() { exec("BEGIN"); }
  void commit() { exec("COMMIT"); }
  // Never throws (the connection may be gone).
  void rollback() noexcept;

  [[nodiscard]] int backend_pid() const;
  [[nodiscard]] const std::string& label() const { return label_; }
  [[nodiscard]] bool schema_exists(const std::string& schema);
  [[nodiscard]] bool table_exists(const std::string& schema, const std::string& table);

 private:
  Result run(const std::string& sql, const std::vector<Param>& params, int result_format);
  pg_conn* c_ = nullptr;
  std::string label_;
};

// Runs `work` inside one transaction: committed when it returns, rolled back when it
// throws (the exception goes on).
void in_transaction(Connection& c, const std::function<void()>& work);

// Copies every layer of the GeoPackage `gpkg` (vector layers and attribute tables)
// into `schema` of the database, through GDAL's PostgreSQL driver (geometry column
// `geom`, GiST index, EPSG kept). The schema must exist; tables of the same name are
// replaced. `skip` names layers not to copy.
void copy_gpkg_to_schema(const Locator& where, const std::string& gpkg, const std::string& schema,
                         const std::vector<std::string>& skip = {});

}  // namespace recompose::geo::pg
