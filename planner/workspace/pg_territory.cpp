#include "planner/workspace/pg_territory.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "geo/fingerprint.hpp"
#include "geo/output_folder.hpp"
#include "planner/workspace/publish_hook.hpp"
#include "planner/workspace/scenario_store.hpp"

namespace recompose::planner::workspace {

namespace fs = std::filesystem;
using geo::pg::Connection;
using geo::pg::quote_ident;

namespace {

constexpr std::size_t kPieceBytes = std::size_t{64} << 20;

std::string qualified(const std::string& schema, const std::string& table) {
  return quote_ident(schema) + "." + quote_ident(table);
}

void ensure_postgis(Connection& c) {
  if (c.exec("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").rows() > 0) return;
  try {
    c.exec("CREATE EXTENSION IF NOT EXISTS postgis");
  } catch (const geo::Error& e) {
    throw geo::Error(c.label() + ": PostGIS is not installed in this database and cannot be installed by this user (" +
                     e.what() + "); ask its administrator for `CREATE EXTENSION postgis`");
  }
}

// A folder of its own under the system's temporary folder, removed when it goes.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    char name[64];
    std::snprintf(name, sizeof name, "recompose-pg-%d-%08x", static_cast<int>(::getpid()), rd());
    path_ = (fs::temp_directory_path() / name).string();
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw geo::Error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void store_file(Connection& c, const std::string& schema, const std::string& name, const std::string& path) {
  const std::string data = read_file(path);
  geo::Fingerprint f;
  f.add(data);
  const std::string table = qualified(schema, kFilesTable);
  for (std::size_t off = 0, piece = 0; off < data.size() || piece == 0; off += kPieceBytes, ++piece) {
    const std::string_view chunk = std::string_view(data).substr(off, kPieceBytes);
    c.exec("INSERT INTO " + table + " (nom, morceau, empreinte, taille, contenu) VALUES ($1, $2, $3, $4, $5)",
           {name, static_cast<std::int64_t>(piece), f.hex(), static_cast<std::int64_t>(data.size()),
            geo::pg::Param::binary(chunk)});
    if (data.empty()) break;
  }
}

// graph.rcg / graph.ch of the territory in the user's cache folder (fetched when not
// there yet); "" when the territory has no such file.
std::string fetch_file(Connection& c, const std::string& schema, const std::string& name, const std::string& label) {
  const std::string table = qualified(schema, kFilesTable);
  const auto head = c.exec("SELECT empreinte, taille, count(*) OVER () FROM " + table +
                           " WHERE nom = $1 ORDER BY morceau LIMIT 1", {name});
  if (head.rows() == 0) return "";
  const std::string sum = head.text(0, 0);
  const auto size = static_cast<std::uintmax_t>(std::stoull(head.text(0, 1)));
  const std::string user = geo::user_cache_dir();
  const fs::path dir = fs::path(user.empty() ? fs::temp_directory_path().string() : user) / "pg-files";
  const fs::path path = dir / (sum + "-" + name);
  std::error_code ec;
  if (fs::exists(path, ec) && fs::file_size(path, ec) == size) return path.string();
  fs::create_directories(dir, ec);
  if (ec) throw geo::Error("cannot create the cache folder " + dir.string() + ": " + ec.message());
  const auto pieces = c.exec("SELECT morceau FROM " + table + " WHERE nom = $1 ORDER BY morceau", {name});
  std::string data;
  data.reserve(size);
  for (int i = 0; i < pieces.rows(); ++i) {
    const auto r = c.query_binary("SELECT contenu FROM " + table + " WHERE nom = $1 AND morceau = $2",
                                  {name, pieces.text(i, 0)});
    if (r.rows() != 1) throw geo::Error(label + ": piece " + pieces.text(i, 0) + " of " + name + " vanished while read");
    data += r.bytes(0, 0);
  }
  geo::Fingerprint f;
  f.add(data);
  if (data.size() != size || f.hex() != sum) {
    throw geo::Error(label + ": " + name + " does not match its checksum (" + std::to_string(data.size()) + " of " +
                     std::to_string(size) + " bytes); run `recompose import` into this database again");
  }
  geo::write_file_atomic(path.string(), {data});
  return path.string();
}

std::string schema_oid(Connection& c, const std::string& schema) {
  const auto r = c.exec("SELECT oid FROM pg_namespace WHERE nspname = $1", {schema});
  return r.rows() ? r.text(0, 0) : "";
}

bool is_staging(const std::string& schema) {
  const auto k = schema.rfind("_staging_");
  return k != std::string::npos && k + 9 < schema.size() &&
         std::all_of(schema.begin() + static_cast<std::ptrdiff_t>(k + 9), schema.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

}  // namespace

namespace {
PublishHook& hook_slot() {
  static PublishHook hook;
  return hook;
}
}  // namespace

PublishHook set_publish_hook(PublishHook hook) {
  PublishHook previous = std::move(hook_slot());
  hook_slot() = std::move(hook);
  return previous;
}

void publish_hook(const std::string& step, Connection& c) {
  if (hook_slot()) hook_slot()(step, c);
}

std::string staging_name(Connection& c, const std::string& schema) {
  return schema + "_staging_" + std::to_string(c.backend_pid());
}

void drop_staging(Connection& c, const std::string& staged) noexcept {
  try {
    c.exec("DROP SCHEMA IF EXISTS " + quote_ident(staged) + " CASCADE");
  } catch (...) {
    // The connection is gone: the next writer drops the staging schema.
  }
}

void drop_stale_staging(Connection& c, const std::string& schema) {
  const auto r = c.exec("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)", {schema + "_staging_"});
  for (int i = 0; i < r.rows(); ++i) {
    const std::string name = r.text(i, 0);
    if (!is_staging(name)) continue;
    const std::string pid = name.substr(name.rfind('_') + 1);
    if (c.exec("SELECT 1 FROM pg_stat_activity WHERE pid = $1::int", {pid}).rows() > 0) continue;  // still writing
    c.exec("DROP SCHEMA IF EXISTS " + quote_ident(name) + " CASCADE");
  }
}

void switch_schema(Connection& c, const std::string& staged, const std::string& schema, const std::string& marker_table,
                   const std::vector<std::string>& keep_tables, const std::function<void()>& also) {
  publish_hook("before switch", c);
  geo::pg::in_transaction(c, [&] {
    if (c.schema_exists(schema)) {
      if (!c.table_exists(schema, marker_table)) {
        throw geo::Error(c.label() + ": schema " + schema + " exists and was not written by Recompose (no " +
                         marker_table + " table): it is left as it is; choose another schema (schema=NAME)");
      }
      for (const auto& keep : keep_tables) {
        if (!c.table_exists(schema, keep)) continue;
        if (c.table_exists(staged, keep)) c.exec("DROP TABLE " + qualified(staged, keep));
        c.exec("ALTER TABLE " + qualified(schema, keep) + " SET SCHEMA " + quote_ident(staged));
      }
      c.exec("DROP SCHEMA " + quote_ident(schema) + " CASCADE");
    }
    c.exec("ALTER SCHEMA " + quote_ident(staged) + " RENAME TO " + quote_ident(schema));
    if (also) also();
    publish_hook("in switch", c);
  });
}

std::vector<std::string> list_territory_schemas(Connection& c) {
  const auto r = c.exec(
      "SELECT table_schema FROM information_schema.tables WHERE table_name = $1 ORDER BY 1", {kDocumentsTable});
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) {
    if (!is_staging(r.text(i, 0))) out.push_back(r.text(i, 0));
  }
  return out;
}

std::string territory_schema(Connection& c, const geo::pg::Locator& loc) {
  if (!loc.schema.empty()) {
    if (!c.table_exists(loc.schema, kDocumentsTable)) {
      const auto all = list_territory_schemas(c);
      std::string names;
      for (const auto& s : all) names += (names.empty() ? "" : ", ") + s;
      throw geo::Error(loc.display() + ": no Recompose territory in schema " + loc.schema +
                       (all.empty() ? " (the database has none: run `recompose import MANIFEST --out PG:...`)"
                                    : " (territories: " + names + ")"));
    }
    return loc.schema;
  }
  const auto all = list_territory_schemas(c);
  if (all.empty()) {
    throw geo::Error(loc.display() + ": no Recompose territory in this database (run `recompose import MANIFEST --out PG:...`)");
  }
  if (all.size() > 1) {
    std::string names;
    for (const auto& s : all) names += (names.empty() ? "" : ", ") + s;
    throw geo::Error(loc.display() + ": several territories in this database (" + names +
                     "): add schema=NAME to the locator", geo::ErrorKind::Usage);
  }
  return all.front();
}

std::string save_territory_pg(const Territory& t, const std::string& locator,
                              const std::vector<std::pair<std::string, std::string>>& extra_files) {
  const geo::pg::Locator loc = geo::pg::parse_locator(locator);
  const std::string schema = loc.schema.empty() ? geo::pg::slug(t.name) : loc.schema;
  if (schema.size() > 40) {
    throw geo::Error(loc.display() + ": schema name " + schema + " is longer than 40 characters; give a shorter schema=NAME",
                     geo::ErrorKind::Usage);
  }
  Connection c(loc);
  ensure_postgis(c);
  if (c.exec("SELECT pg_try_advisory_lock(hashtext($1))", {"recompose:" + schema}).text(0, 0) != "t") {
    throw geo::Error(loc.display() + ": another import into schema " + schema + " is under way; run again when it is done");
  }
  if (c.schema_exists(schema) && !c.table_exists(schema, kDocumentsTable)) {
    throw geo::Error(loc.display() + ": schema " + schema + " exists and was not written by Recompose: it is left as it "
                     "is; choose another schema (schema=NAME)");
  }
  drop_stale_staging(c, schema);

  TempDir tmp;
  {
    geo::OutputFolder folder(tmp.path());
    save_territory(t, folder, extra_files);
  }
  const std::string staged = staging_name(c, schema);
  try {
    c.exec("DROP SCHEMA IF EXISTS " + quote_ident(staged) + " CASCADE");
    c.exec("CREATE SCHEMA " + quote_ident(staged));
    c.exec("COMMENT ON SCHEMA " + quote_ident(staged) + " IS " + "$$Recompose : territoire " + t.name + "$$");
    geo::pg::copy_gpkg_to_schema(loc, (fs::path(tmp.path()) / "territory.gpkg").string(), staged);
    publish_hook("layers copied", c);
    c.exec("CREATE TABLE " + qualified(staged, kDocumentsTable) +
           " (nom text PRIMARY KEY, contenu text NOT NULL, publie_le timestamptz NOT NULL DEFAULT now())");
    std::vector<std::pair<std::string, std::string>> docs = {{"territory.json", ""}};
    for (const auto& [name, text] : extra_files) docs.emplace_back(name, text);
    docs[0].second = read_file((fs::path(tmp.path()) / "territory.json").string());
    for (const auto& [name, text] : docs) {
      c.exec("INSERT INTO " + qualified(staged, kDocumentsTable) + " (nom, contenu) VALUES ($1, $2)", {name, text});
    }
    c.exec("CREATE TABLE " + qualified(staged, kFilesTable) +
           " (nom text NOT NULL, morceau integer NOT NULL, empreinte text NOT NULL, taille bigint NOT NULL, "
           "contenu bytea NOT NULL, PRIMARY KEY (nom, morceau))");
    for (const char* name : {"graph.rcg", "graph.ch"}) {
      const fs::path p = fs::path(tmp.path()) / name;
      if (fs::exists(p)) store_file(c, staged, name, p.string());
    }
    switch_schema(c, staged, schema, kDocumentsTable, {kScenariosTable});
    ScenarioStore::ensure_table(c, schema);
  } catch (...) {
    drop_staging(c, staged);
    throw;
  }
  return schema;
}

Territory load_territory_pg(const std::string& locator) {
  const geo::pg::Locator loc = geo::pg::parse_locator(locator);
  Connection c(loc);
  const std::string schema = territory_schema(c, loc);
  const std::string label = loc.display() + " schema " + schema;
  return geo::with_error_context("territory " + label, [&] {
    const std::string oid = schema_oid(c, schema);
    const auto meta = c.exec("SELECT contenu FROM " + qualified(schema, kDocumentsTable) + " WHERE nom = 'territory.json'");
    if (meta.rows() != 1) throw geo::Error("no territory.json in " + std::string(kDocumentsTable) + " (import again)");
    TerritoryParts parts;
    parts.metadata_json = meta.text(0, 0);
    parts.metadata_label = "territory.json";
    parts.from_database = true;
    parts.layers_source = loc.gdal_source() + " active_schema=" + schema + " schemas=" + schema;
    parts.graph_path = fetch_file(c, schema, "graph.rcg", label);
    parts.ch_path = fetch_file(c, schema, "graph.ch", label);
    Territory t = load_territory_parts(parts);
    if (schema_oid(c, schema) != oid) {
      throw geo::Error("the territory was imported again while it was being read; run the command again");
    }
    return t;
  });
}

std::string territory_cache_path_pg(const std::string& locator, const std::string& name) {
  const std::string user = geo::user_cache_dir();
  if (user.empty()) return "";
  const geo::pg::Locator loc = geo::pg::parse_locator(locator);
  geo::Fingerprint f;
  f.add(geo::pg::redacted(loc.conninfo) + "|" + loc.schema);
  const fs::path dir = fs::path(user) / ("pg-" + f.hex().substr(0, 12));
  std::error_code ec;
  fs::create_directories(dir, ec);
  return ec ? "" : (dir / name).string();
}

}  // namespace recompose::planner::workspace
