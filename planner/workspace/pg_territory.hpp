// A territory in a PostGIS database: one schema per territory, readable by QGIS.
//
//   <schema>.unites, .communes, .etablissements, .indicateurs
//                                 the layers of territory.gpkg (GDAL's PostgreSQL
//                                 driver; geometry column `geom`, EPSG:2154, GiST index)
//   <schema>.recompose_documents  (nom, contenu): territory.json, the import reports
//   <schema>.recompose_fichiers   (nom, morceau, empreinte, taille, contenu bytea):
//                                 graph.rcg and graph.ch in pieces of 64 MiB
//   <schema>.recompose_scenarios  the planners' scenarios (scenario_store.hpp)
//
// Writing is atomic for other users: everything is written into a staging schema
// (`<schema>_staging_<pid>`), then one transaction moves the scenarios into it, drops
// the previous schema and renames the staging one. A lost connection leaves the
// previous territory as it was (the staging schema is dropped by the next import). A
// schema that exists and is not a Recompose territory is never dropped.
//
// Loading fetches graph.rcg and graph.ch once into the user's cache folder (named by
// their checksums, checked again on load), then reads the layers.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "geo/postgres.hpp"
#include "planner/territory.hpp"

namespace recompose::planner::workspace {

// Name of the documents / files / scenarios tables.
inline constexpr const char* kDocumentsTable = "recompose_documents";
inline constexpr const char* kFilesTable = "recompose_fichiers";

// Saves `t` (and `extra_files`: name, text) into the database at `locator`; the schema
// is the locator's, else the territory's name made a schema name. Returns the schema.
std::string save_territory_pg(const Territory& t, const std::string& locator,
                              const std::vector<std::pair<std::string, std::string>>& extra_files = {});

Territory load_territory_pg(const std::string& locator);

// The schema of the territory at `loc`: the locator's own, else the only territory of
// the database (an Error lists them when there are several, or says there is none).
std::string territory_schema(geo::pg::Connection& c, const geo::pg::Locator& loc);

// The territory schemas of the database (schemas with a recompose_documents table
// holding territory.json), sorted.
std::vector<std::string> list_territory_schemas(geo::pg::Connection& c);

// Drops staging schemas of `schema` left by runs whose connection is gone.
void drop_stale_staging(geo::pg::Connection& c, const std::string& schema);

// Publishes a staged schema: in one transaction, the previous `schema` (which must be
// a Recompose schema, i.e. hold `marker_table`) is dropped, `keep_tables` of it are
// first moved into the staged schema, and the staged schema takes its name.
// `also` runs in the same transaction, after the rename.
void switch_schema(geo::pg::Connection& c, const std::string& staged, const std::string& schema,
                   const std::string& marker_table, const std::vector<std::string>& keep_tables,
                   const std::function<void()>& also = {});

// The cache file `name` of the territory at `locator` (territory_cache_path).
std::string territory_cache_path_pg(const std::string& locator, const std::string& name);

// Drops the staging schema of a failed write; never throws (when the connection is
// gone, the next writer drops it: drop_stale_staging).
void drop_staging(geo::pg::Connection& c, const std::string& staged) noexcept;

// A staging schema name for `schema`, unique to this connection.
std::string staging_name(geo::pg::Connection& c, const std::string& schema);

}  // namespace recompose::planner::workspace
