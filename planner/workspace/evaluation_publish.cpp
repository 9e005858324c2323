#include "planner/workspace/evaluation_publish.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "geo/postgres.hpp"
#include "geo/vector_io.hpp"
#include "planner/workspace/pg_territory.hpp"
#include "planner/workspace/publish_hook.hpp"

namespace recompose::planner::workspace {

namespace fs = std::filesystem;
using geo::pg::Connection;
using geo::pg::quote_ident;

namespace {

constexpr const char* kEvaluationTable = "recompose_evaluation";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw geo::Error("cannot read " + p.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// QGIS's table of styles for PostgreSQL layers, as QGIS itself creates it. False when
// it is absent and this user may not create it (the styles then stay in the schema's
// own layer_styles table only).
bool ensure_qgis_styles_table(Connection& c) {
  if (c.exec("SELECT to_regclass('public.layer_styles') IS NOT NULL").text(0, 0) == "t") return true;
  try {
    c.exec("CREATE TABLE IF NOT EXISTS public.layer_styles (id serial PRIMARY KEY, f_table_catalog varchar, "
           "f_table_schema varchar, f_table_name varchar, f_geometry_column varchar, stylename text, styleqml xml, "
           "stylesld xml, useasdefault boolean, description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml, "
           "update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar)");
    return true;
  } catch (const geo::Error&) {
    return false;
  }
}

}  // namespace

std::string evaluation_schema(const std::string& territory_schema, const std::string& scenario_name) {
  std::string s = territory_schema + "_eval_" + geo::pg::slug(scenario_name.empty() ? "situation actuelle" : scenario_name);
  if (s.size() > 50) s.resize(50);  // room for "_staging_<pid>" within PostgreSQL's 63 bytes
  while (!s.empty() && s.back() == '_') s.pop_back();
  return s;
}

PublishedEvaluation publish_evaluation(const std::string& territory_locator, const std::string& evaluation_dir,
                                       const std::string& scenario_name, const std::string& scenario_json) {
  const geo::pg::Locator loc = geo::pg::parse_locator(territory_locator);
  Connection c(loc);
  const std::string territory = territory_schema(c, loc);
  PublishedEvaluation out;
  out.schema = evaluation_schema(territory, scenario_name);
  const std::string& schema = out.schema;
  if (c.schema_exists(schema) && !c.table_exists(schema, kEvaluationTable)) {
    throw geo::Error(loc.display() + ": schema " + schema + " exists and was not written by Recompose: it is left as it "
                     "is (rename the scenario to publish it)");
  }
  drop_stale_staging(c, schema);
  const fs::path dir(evaluation_dir);
  const std::string gpkg = (dir / "evaluation.gpkg").string();
  out.layers = static_cast<int>(geo::list_layers(gpkg).size());
  const bool qgis_styles = ensure_qgis_styles_table(c);
  const std::string staged = staging_name(c, schema);
  try {
    c.exec("DROP SCHEMA IF EXISTS " + quote_ident(staged) + " CASCADE");
    c.exec("CREATE SCHEMA " + quote_ident(staged));
    c.exec("COMMENT ON SCHEMA " + quote_ident(staged) + " IS $$Recompose : évaluation « " + scenario_name +
           " » du territoire " + territory + "$$");
    geo::pg::copy_gpkg_to_schema(loc, gpkg, staged);
    publish_hook("layers copied", c);
    const std::string table = quote_ident(staged) + "." + quote_ident(kEvaluationTable);
    c.exec("CREATE TABLE " + table +
           " (nom text PRIMARY KEY, contenu text NOT NULL, publie_le timestamptz NOT NULL DEFAULT now())");
    for (const char* name : {"summary.json", "rapport.md"}) {
      if (fs::exists(dir / name)) {
        c.exec("INSERT INTO " + table + " (nom, contenu) VALUES ($1, $2)", {std::string(name), read_text(dir / name)});
      }
    }
    c.exec("INSERT INTO " + table + " (nom, contenu) VALUES ('scenario.json', $1)", {scenario_json});
    switch_schema(c, staged, schema, kEvaluationTable, {}, [&] {
      if (!qgis_styles || !c.table_exists(schema, "layer_styles")) return;
      c.exec("DELETE FROM public.layer_styles WHERE f_table_catalog = current_database() AND f_table_schema = $1",
             {schema});
      c.exec("INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
             "stylename, styleqml, stylesld, useasdefault, description, owner) "
             "SELECT current_database(), $1, f_table_name, 'geom', \"styleName\", \"styleQML\"::xml, NULL, "
             "\"useAsDefault\" <> 0, description, current_user FROM " +
                 quote_ident(schema) + ".layer_styles",
             {schema});
    });
  } catch (...) {
    drop_staging(c, staged);
    throw;
  }
  return out;
}

}  // namespace recompose::planner::workspace
