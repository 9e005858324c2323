// `recompose`: the command-line tool.
//   recompose import MANIFEST --out DIR [--data-root DIR] [--urgent-care FILE.csv [--urgent-care-source TEXT]]
//   recompose graph info (TERRITORY_DIR | --osm FILE | --lines FILE --class-field F) [--profile FILE]
//   recompose graph export (TERRITORY_DIR | ...) --out FILE.(geojson|csv|gpkg)
//   recompose times TERRITORY_DIR --from LAYER --to LAYER --max-minutes M --out FILE.csv
//   recompose evaluate TERRITORY_DIR [--scenario FILE] --out DIR [indicator options]
//   recompose compare TERRITORY_DIR --scenario A.json --scenario B.json ... --out DIR [--critere TARGET] [indicator options]
//   recompose map TERRITORY_DIR --indicator KEY [--scenario F] [--layout single|before-after|difference] --out F.pdf|svg|png
//   recompose atlas TERRITORY_DIR --indicator KEY [--scenario F] --by epci|ze --out atlas.pdf
//   recompose optimise TERRITORY_DIR --out DIR [--problem FILE.json] [--objective ... --sites N ...] [--save-db]
//   recompose scenario list|history|get|save PG:... (scenarios stored in the territory's database)
// Wherever a TERRITORY_DIR is taken, a PostGIS locator PG:"dbname=... [schema=NAME]" is
// taken too (planner/workspace/); `import --out PG:...` writes one, and a --scenario
// db:NAME[@VERSION] is read from its database.
// Exit codes: 0 ok, 1 bad input (the message names the file, layer, feature or id), 2 usage,
// 3 a scenario saved by a colleague since the version given (nothing written).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <iostream>
#include <sstream>

#include "geo/error.hpp"
#include "geo/graph_cache.hpp"
#include "geo/output_folder.hpp"
#include "geo/road_import.hpp"
#include "geo/vector_io.hpp"
#include "planner/comparison.hpp"
#include "planner/data_root.hpp"
#include "planner/basins_comparison.hpp"
#include "planner/cartography/dossier.hpp"
#include "planner/cartography/map_render.hpp"
#include "planner/evaluation_report.hpp"
#include "planner/manifest.hpp"
#include "planner/od_matrix.hpp"
#include "planner/optimise/optimisation_report.hpp"
#include "planner/territory_import.hpp"
#include "planner/workspace/evaluation_publish.hpp"
#include "planner/workspace/pg_territory.hpp"
#include "planner/workspace/scenario_store.hpp"
#include "geo/postgres.hpp"

namespace fs = std::filesystem;
using namespace recompose;

namespace {

struct GraphSource {
  std::string territory, osm, lines, class_field, profile = "datasets/profiles/car.json";
  std::vector<std::string> class_map;  // value=class
};

void add_graph_source(CLI::App* app, GraphSource& s) {
  app->add_option("territory", s.territory, "Territory directory written by `recompose import`");
  app->add_option("--osm", s.osm, "Build from an OpenStreetMap PBF/XML file instead");
  app->add_option("--lines", s.lines, "Build from an OGR line layer instead");
  app->add_option("--class-field", s.class_field, "Road-class field of the line layer");
  app->add_option("--class-map", s.class_map, "value=profile_class pairs for the line layer");
  app->add_option("--profile", s.profile, "Speed profile (JSON)");
}

geo::RoadGraph load_graph_source(const GraphSource& s, std::string& label) {
  if (!s.territory.empty()) {
    planner::Territory t = planner::load_territory(s.territory);
    if (!t.has_roads) throw geo::Error("territory " + s.territory + " has no road network: " + t.roads_note);
    label = "territory " + t.name;
    return std::move(t.graph);
  }
  const geo::RoadProfile profile = geo::RoadProfile::load(s.profile);
  geo::RoadImportStats stats;
  if (!s.osm.empty()) {
    label = s.osm;
    return geo::import_osm_roads(s.osm, profile, stats);
  }
  if (!s.lines.empty()) {
    if (s.class_field.empty()) throw geo::Error("--lines needs --class-field", geo::ErrorKind::Usage);
    auto spec = geo::LineLayerSpec::class_only(s.lines, s.class_field);
    for (const auto& kv : s.class_map) {
      const auto eq = kv.find('=');
      if (eq == std::string::npos) throw geo::Error("--class-map expects value=class, got " + kv, geo::ErrorKind::Usage);
      spec.class_map[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    label = s.lines;
    return geo::import_line_roads(spec, profile, stats);
  }
  throw geo::Error("give a territory directory, --osm FILE or --lines FILE", geo::ErrorKind::Usage);
}

void print_graph_info(const geo::RoadGraph& g, const std::string& label) {
  std::printf("graph of %s\n", label.c_str());
  std::printf("  nodes %u, directed arcs %u, segments %u\n", g.node_count(), g.arc_count(), g.segment_count());
  std::printf("  components %u, main component %u nodes (%.1f %%)\n", g.component_count(),
              g.component_node_count[g.main_component],
              100.0 * g.component_node_count[g.main_component] / std::max<double>(1, g.node_count()));
  std::printf("  %-24s %10s %10s %8s\n", "class", "segments", "km", "oneway");
  double total = 0;
  for (const auto& c : geo::summarize_by_class(g)) {
    std::printf("  %-24s %10u %10.1f %8u\n", c.name.c_str(), c.segments, c.length_km, c.oneway_segments);
    total += c.length_km;
  }
  std::printf("  %-24s %10s %10.1f\n", "total", "", total);
}

// Options shared by `evaluate` and `compare`: the indicators' parameters.
struct EvalOptions {
  planner::EvalParams params;
  std::string decline_series;
  std::vector<double> recruitment_range;
  bool without_dental = false;
};

void add_eval_options(CLI::App* app, EvalOptions& o) {
  app->add_option("--need-indicator", o.params.need_indicator, "Indicator used as need index (ICM, France = 100)");
  app->add_option("--cutoff-min", o.params.cutoff_min, "Travel-time tables limit in minutes (default 60)")
      ->check(CLI::PositiveNumber);
  app->add_option("--detour-factor", o.params.straight.detour_factor,
                 "Straight-line model only: road distance / straight distance (default 1.3)")
      ->check(CLI::PositiveNumber);
  app->add_option("--straight-speed-kmh", o.params.straight.speed_kmh, "Straight-line model only: speed (default 40)")
      ->check(CLI::PositiveNumber);
  app->add_option("--pharmacy-tranche", o.params.pharmacy_tranche, "Inhabitants per further pharmacy (4500 or 3500)")
      ->check(CLI::PositiveNumber);
  app->add_option("--pharmacy-first-threshold", o.params.pharmacy_first_threshold,
                 "Inhabitants for a commune's first pharmacy licence (default 2500; CSP L.5125-4)")
      ->check(CLI::PositiveNumber);
  app->add_option("--pharmacy-first-threshold-east", o.params.pharmacy_first_threshold_east,
                 "Same in Moselle, Bas-Rhin, Haut-Rhin and Guyane (default 3500)")
      ->check(CLI::PositiveNumber);
  app->add_option("--pharmacy-rule", o.params.pharmacy_rule,
                 "loi: at least the threshold (CSP L.5125-4, default); graines: strictly more (seeds 2013)")
      ->check(CLI::IsMember({"loi", "graines"}));
  app->add_option("--pharmacy-transfer-max-min", o.params.pharmacy_transfer_threshold_min,
                 "Transfer rule: origin population whose nearest pharmacy ends beyond this many minutes (default 10)")
      ->check(CLI::PositiveNumber);
  app->add_option("--pharmacy-regroup-years", o.params.pharmacy_regroup_years,
                 "Years the licences freed by a regroupement stay counted (default 5)")
      ->check(CLI::NonNegativeNumber);
  app->add_option("--e2sfca-kind", o.params.e2sfca_kind, "Facility kind used as supply for E2SFCA (default gp_point)");
  // The regime's offer (issue 12); rapport.md cites the source of each default.
  app->add_option("--critical-gp", o.params.regime.critical_gp_fte,
                 "Critical size: GP FTE per budget unit (default 3, seed 003 l.4)")->check(CLI::NonNegativeNumber);
  app->add_option("--inter-replacement", o.params.regime.inter_replacement_min_fte,
                 "Inter-replacement: FTE of each profession present (default 2)")->check(CLI::NonNegativeNumber);
  app->add_option("--inter-replacement-professions", o.params.regime.inter_replacement_professions,
                 "Professions checked for inter-replacement (default: every one present; seed 001 l.152 names gp nurse)")
      ->delimiter(',')
      ->check(CLI::IsMember(planner::regime_professions()));
  app->add_option("--opening-hours", o.params.regime.opening_min_hours_per_day,
                 "Opening hours per day required (default 8, seed 002 l.1544)")->check(CLI::PositiveNumber);
  app->add_option("--opening-days", o.params.regime.opening_days_per_week,
                 "Opening days per week when the sites file gives none (default 5)")->check(CLI::Range(1.0, 7.0));
  app->add_option("--uft-rule", o.params.regime.uft_rule, "UFT link: temps, distance or temps_ou_distance (default temps)")
      ->check(CLI::IsMember({"temps", "distance", "temps_ou_distance"}));
  app->add_option("--uft-grouping", o.params.regime.uft_grouping,
                 "UFT groups: connexe (linked chains) or complet (every two centres linked); default connexe")
      ->check(CLI::IsMember({"connexe", "complet"}));
  app->add_option("--uft-minutes", o.params.regime.uft_max_min, "UFT: road minutes between centres (default 15, seed 002 l.1587)")
      ->check(CLI::PositiveNumber);
  app->add_option("--uft-km", o.params.regime.uft_max_km, "UFT: straight-line km between centres (default 10, seed 002 l.1586)")
      ->check(CLI::PositiveNumber);
  app->add_option("--rayon-action", o.params.regime.rayon_action_min,
                 "Rayon d'action: minutes to the nearest regime site (default 15)")->check(CLI::PositiveNumber);
  app->add_option("--horizon", o.params.regime.horizon_year, "Projection horizon year (default 2030)")
      ->check(CLI::Range(1900, 2200));
  app->add_option("--affiliate-decline", o.params.affiliate_decline_per_year,
                 "Yearly decline of the affiliates (default 0.05, seed 003 l.4)")->check(CLI::Range(0.0, 1.0));
  app->add_option("--decline-series", o.decline_series, "Yearly declines YEAR=RATE,... (e.g. 2026=0.06,2027=0.055)");
  app->add_option("--recruitment-multiplier", o.params.recruitment_multiplier,
                 "New patients per affiliate lost (default 3, seed 000 l.704)")->check(CLI::NonNegativeNumber);
  app->add_option("--recruitment-range", o.recruitment_range, "Low and high multipliers (default 2 4)")
      ->expected(2)->check(CLI::NonNegativeNumber);
  app->add_flag("--centres-sans-dentaire", o.without_dental, "Count centres without the dental ones (130, seed 000 l.112)");

}

// The parameters once the command line is parsed (series and ranges checked).
planner::EvalParams finish_eval_options(EvalOptions& o) {
  if (!o.decline_series.empty()) {
    std::stringstream ss(o.decline_series);
    for (std::string item; std::getline(ss, item, ',');) {
      const auto eq = item.find('=');
      try {
        if (eq == std::string::npos) throw std::invalid_argument("no =");
        std::size_t used_y = 0, used_r = 0;
        const int year = std::stoi(item.substr(0, eq), &used_y);
        const double rate = std::stod(item.substr(eq + 1), &used_r);
        if (used_y != eq || used_r != item.size() - eq - 1 || rate < 0 || rate > 1) throw std::invalid_argument("range");
        o.params.regime.decline_series[year] = rate;
      } catch (const std::exception&) {
        throw geo::Error("--decline-series: '" + item + "' is not YEAR=RATE with a rate between 0 and 1",
                         geo::ErrorKind::Usage);
      }
    }
  }
  if (o.recruitment_range.size() == 2) {
    o.params.regime.recruitment_multiplier_low = std::min(o.recruitment_range[0], o.recruitment_range[1]);
    o.params.regime.recruitment_multiplier_high = std::max(o.recruitment_range[0], o.recruitment_range[1]);
  }
  o.params.regime.count_dental_centres = !o.without_dental;
  return o.params;
}

int run(int argc, char** argv) {
  CLI::App app{"Recompose: territorial planning of the health offer of the mining regime"};
  app.require_subcommand(1);

  // import
  std::string manifest, out_dir, data_root, graph_cache;
  bool quiet = false;
  auto* imp = app.add_subcommand("import", "Import a territory from its manifest and the raw open data");
  imp->add_option("manifest", manifest, "Territory manifest (JSON), e.g. datasets/loire.json")->required();
  imp->add_option("--out", out_dir, "Output directory (territory.gpkg, graph.rcg, import reports), or a PostGIS "
                  "database: PG:\"dbname=... [host=...] [schema=NAME]\" (credentials from PG* variables, .pgpass, services)")
      ->required();
  imp->add_option("--data-root", data_root, "Raw data root (default: $RECOMPOSE_DATA_ROOT or ../shared/datasets/raw)");
  imp->add_option("--graph-cache", graph_cache,
                  "Directory where the road graph and its hierarchy are looked up and kept (default: --out); "
                  "territories on the same road file share them");
  imp->add_flag("--quiet", quiet, "Do not print the report");
  std::string urgent_care, urgent_care_source, urgent_care_finess = "finess";
  imp->add_option("--urgent-care", urgent_care,
                  "CSV of urgent-care sites (FINESS numbers in column 'finess' and/or points in 'lon'/'lat'), "
                  "path relative to the current directory; replaces the manifest's rule or list");
  imp->add_option("--urgent-care-source", urgent_care_source, "Citation of that list (who published it, when)");
  imp->add_option("--urgent-care-finess-field", urgent_care_finess, "Column of FINESS numbers (default finess)");

  // graph
  auto* graph = app.add_subcommand("graph", "Inspect or export a road graph");
  graph->require_subcommand(1);
  GraphSource info_src, export_src;
  auto* ginfo = graph->add_subcommand("info", "Nodes, arcs, components, km by class");
  add_graph_source(ginfo, info_src);
  std::string export_out;
  auto* gexp = graph->add_subcommand("export", "Write the routable arcs as GeoJSON, CSV or GeoPackage");
  add_graph_source(gexp, export_src);
  gexp->add_option("--out", export_out, "Output file (.geojson, .csv or .gpkg)")->required();

  // times
  std::string territory, from, to, from_id, to_id, od_out, points_crs;
  double max_minutes = 60;
  auto* times = app.add_subcommand("times", "Origin-destination travel times within a limit");
  times->add_option("territory", territory, "Territory directory, or PG:\"dbname=... [schema=NAME]\"")->required();
  times->add_option("--from", from, "Origins: units, communes, facilities[:KIND|:FLAG] or a vector file")->required();
  times->add_option("--to", to, "Destinations: same choices as --from")->required();
  times->add_option("--from-id", from_id, "Id field when --from is a file");
  times->add_option("--to-id", to_id, "Id field when --to is a file");
  times->add_option("--crs", points_crs, "CRS of --from/--to files that declare none");
  times->add_option("--max-minutes", max_minutes, "Time limit in minutes (default 60)")->check(CLI::PositiveNumber);
  times->add_option("--out", od_out, "Output CSV")->required();

  // evaluate
  std::string eval_territory, scenario_path, eval_out;
  planner::EvalParams params;
  EvalOptions eval_opts;
  auto* ev = app.add_subcommand("evaluate", "Evaluate the baseline and a scenario: indicators, maps, report");
  ev->add_option("territory", eval_territory, "Territory directory, or PG:\"dbname=... [schema=NAME]\"")->required();
  ev->add_option("--scenario", scenario_path, "Scenario file (JSON), or db:NAME[@VERSION] of a PostGIS territory; none: the baseline alone");
  bool eval_publish = false;
  ev->add_flag("--publish", eval_publish,
               "PostGIS territory: also write the evaluation into the database, schema <territory>_eval_<scenario> "
               "(one transaction; readable by QGIS, styled)");
  ev->add_option("--out", eval_out, "Output directory")->required();
  add_eval_options(ev, eval_opts);
  std::string dossier_path;
  ev->add_option("--dossier", dossier_path, "Also write the workshop dossier (PDF: maps and the report, paginated)");

  // compare
  std::string cmp_territory, cmp_out, cmp_criterion;
  std::vector<std::string> cmp_scenarios;
  EvalOptions cmp_opts;
  auto* cmp = app.add_subcommand("compare", "Compare the baseline and several scenarios: comparaison.csv and comparaison.md");
  cmp->add_option("territory", cmp_territory, "Territory directory, or PG:\"dbname=... [schema=NAME]\"")->required();
  cmp->add_option("--scenario", cmp_scenarios, "Scenario file (JSON) or db:NAME[@VERSION]; repeat for each option")->required();
  cmp->add_option("--out", cmp_out, "Output directory")->required();
  cmp->add_option("--critere", cmp_criterion,
                  "Facility kind or flag the communes rank the options on (default: the one whose mean time varies most)");
  add_eval_options(cmp, cmp_opts);

  // regime (issue 16): every basin of the regime compared (planner/basins_comparison.hpp)
  std::string reg_manifest, reg_work, reg_out, reg_data_root;
  std::vector<std::string> reg_dirs;
  EvalOptions reg_opts;
  auto* reg = app.add_subcommand("regime", "Every mining basin on the same indicators: bassins.csv and bassins.md");
  reg->add_option("manifest", reg_manifest, "Regime manifest listing the basin manifests (datasets/france-regime-minier.json)");
  reg->add_option("--territory", reg_dirs, "An imported territory directory (repeat); instead of or besides the manifest");
  reg->add_option("--work", reg_work, "Where the manifest's basins are imported (reused when already there)");
  reg->add_option("--out", reg_out, "Output directory")->required();
  reg->add_option("--data-root", reg_data_root, "Raw data root (default: $RECOMPOSE_DATA_ROOT or ../shared/datasets/raw)");
  add_eval_options(reg, reg_opts);
  // map, atlas (print maps: planner/cartography/map_render.hpp)
  struct MapArgs {
    std::string territory, scenario, indicator = "temps:urgent_care", out, paper = "A4", method = "quantiles";
    std::string layout = "single", by = "epci", data_root, title, date, need_indicator;
    bool portrait = false, isochrones = false, catchments = false, no_roads = false, no_labels = false, no_inset = false;
    double dpi = 150, cutoff_min = 60;
    int classes = 5;
  };
  MapArgs map_args, atlas_args;
  auto add_map_options = [](CLI::App* c, MapArgs& a) {
    c->add_option("territory", a.territory, "Territory directory, or PG:\"dbname=... [schema=NAME]\"")->required();
    c->add_option("--scenario", a.scenario, "Scenario file (JSON) or db:NAME[@VERSION]; none: the baseline");
    c->add_option("--indicator", a.indicator,
                  "Indicator key (default temps:urgent_care; temps:KIND, ecart:KIND, e2sfca, population, besoin, affilies...)");
    c->add_option("--out", a.out, "Output file")->required();
    c->add_option("--paper", a.paper, "A4 (default) or A3");
    c->add_flag("--portrait", a.portrait, "Portrait page (default landscape)");
    c->add_option("--dpi", a.dpi, "PNG resolution (default 150)");
    c->add_option("--classes", a.classes, "Number of classes (default 5)")->check(CLI::Range(2, 9));
    c->add_option("--method", a.method, "quantiles (default), equal or jenks");
    c->add_flag("--isochrones", a.isochrones, "Draw the 10/20/30 min isochrones of the urgent-care sites");
    c->add_flag("--catchments", a.catchments, "Draw the catchment outlines of the indicator's sites");
    c->add_flag("--no-roads", a.no_roads, "No road network");
    c->add_flag("--no-labels", a.no_labels, "No labels");
    c->add_flag("--no-inset", a.no_inset, "No locator inset");
    c->add_option("--title", a.title, "Title (default: the territory's)");
    c->add_option("--date", a.date, "Date printed and stamped in the PDF, YYYY-MM-DD (default today)");
    c->add_option("--data-root", a.data_root, "Raw data root, for the inset (default: $RECOMPOSE_DATA_ROOT or ../shared/datasets/raw)");
    c->add_option("--need-indicator", a.need_indicator, "Indicator used as need index (ICM, France = 100)");
    c->add_option("--cutoff-min", a.cutoff_min, "Travel-time tables limit in minutes (default 60)")->check(CLI::Range(1.0, 600.0));
  };
  auto* mapc = app.add_subcommand("map", "Print map of an indicator (PDF, SVG or PNG): one map, before/after or difference");
  add_map_options(mapc, map_args);
  mapc->add_option("--layout", map_args.layout, "single (default), before-after or difference");
  auto* atlasc = app.add_subcommand("atlas", "Atlas (PDF): an overview and one page per EPCI or zone d'emploi");
  add_map_options(atlasc, atlas_args);
  atlasc->add_option("--by", atlas_args.by, "epci (default) or ze");

  // optimise (issue 14): options override the problem file's values.
  std::string opt_territory, opt_out, opt_problem;
  auto* op = app.add_subcommand("optimise", "Propose a recomposition: which sites to keep, merge, move or open");
  op->add_option("territory", opt_territory, "Territory directory, or PG:\"dbname=... [schema=NAME]\"")->required();
  op->add_option("--out", opt_out, "Output directory (proposition.json, optimisation.md, evaluation/...)")->required();
  op->add_option("--problem", opt_problem, "Problem file (JSON, \"format\": \"recompose-optimise/1\")");
  std::string o_objective, o_target, o_weight, o_closed, o_measure, o_file, o_file_id = "id", o_file_name, o_name,
      o_new_kind;
  int o_sites = 0, o_close = 0;
  double o_cov = 0, o_max = 0, o_pen = 0, o_crit = 0, o_merge = 0, o_grid = 0, o_limit = 0;
  std::vector<std::string> o_lock_open, o_lock_closed, o_sources;
  bool o_heuristic_only = false, o_cold = false, o_change_urgent = false;
  auto* o_objective_opt = op->add_option("--objective", o_objective, "p_median, mclp, lscp, close_k or capacitated")
                              ->check(CLI::IsMember({"p_median", "mclp", "lscp", "close_k", "capacitated"}));
  auto* o_name_opt = op->add_option("--name", o_name, "Name of the proposed scenario");
  auto* o_target_opt = op->add_option("--target", o_target, "Sites optimised: a facility kind or flag (default regime_gp)");
  auto* o_weight_opt = op->add_option("--weight", o_weight, "Demand weight: affilies, besoin or population")
                           ->check(CLI::IsMember({"affilies", "besoin", "population"}));
  auto* o_sites_opt = op->add_option("--sites", o_sites, "Sites kept or opened (p_median, mclp); at most (capacitated)")
                          ->check(CLI::PositiveNumber);
  auto* o_close_opt = op->add_option("--close", o_close, "close_k: sites to close")->check(CLI::PositiveNumber);
  auto* o_measure_opt = op->add_option("--measure", o_measure, "close_k: loss in temps (default) or couverture")
                            ->check(CLI::IsMember({"temps", "couverture"}));
  auto* o_cov_opt = op->add_option("--coverage-min", o_cov, "T of mclp, lscp (default 15)")->check(CLI::PositiveNumber);
  auto* o_max_opt = op->add_option("--max-time-min", o_max, "Nobody (that a site can reach within it) beyond this time")
                        ->check(CLI::PositiveNumber);
  auto* o_pen_opt = op->add_option("--penalty-min", o_pen, "Time counted for a unit with no site (default twice the cutoff)")
                        ->check(CLI::PositiveNumber);
  auto* o_crit_opt = op->add_option("--critical-fte", o_crit, "capacitated: GP FTE of every kept site (default 3)")
                         ->check(CLI::NonNegativeNumber);
  auto* o_merge_opt = op->add_option("--merge-max-min", o_merge, "capacitated: a closed site's team moves at most this far (default 30)")
                          ->check(CLI::PositiveNumber);
  auto* o_closed_opt = op->add_option("--closed-sites", o_closed, "merge (team follows; default for regime sites) or close")
                           ->check(CLI::IsMember({"merge", "close"}));
  auto* o_lock_open_opt = op->add_option("--lock-open", o_lock_open, "Sites kept whatever the objective (ids)")->delimiter(',');
  auto* o_lock_closed_opt = op->add_option("--lock-closed", o_lock_closed, "Sites closed whatever the objective (ids)")->delimiter(',');
  op->add_flag("--allow-urgent-care-changes", o_change_urgent, "Urgent-care sites may close (default: never)");
  auto* o_sources_opt = op->add_option("--candidates", o_sources, "Candidate sources: existing,historic,communes (default existing)")
                            ->delimiter(',')
                            ->check(CLI::IsMember({"existing", "historic", "communes"}));
  auto* o_file_opt = op->add_option("--candidates-file", o_file, "Candidate points (any vector file GDAL reads; CSV: lon, lat)");
  op->add_option("--candidates-id", o_file_id, "Id field of --candidates-file (default id)");
  op->add_option("--candidates-name", o_file_name, "Name field of --candidates-file");
  auto* o_grid_opt = op->add_option("--grid-km", o_grid, "Candidates: the road node nearest each cell centre of this size")
                         ->check(CLI::PositiveNumber);
  auto* o_new_kind_opt = op->add_option("--new-kind", o_new_kind, "Kind of the sites opened (targets that are not regime sites)");
  op->add_flag("--heuristic-only", o_heuristic_only, "No exact mode (no gap to the optimum)");
  auto* o_limit_opt = op->add_option("--time-limit", o_limit, "Exact mode (CBC): time limit in seconds (default 30)")
                          ->check(CLI::PositiveNumber);
  op->add_flag("--cold-start", o_cold, "Exact mode: do not give CBC the heuristic's answer first");
  bool o_save_db = false;
  op->add_flag("--save-db", o_save_db,
               "PG: territory: also save the proposal as a stored scenario (a new name; refused, exit 3, if it exists)");
  // The evaluation's options (need indicator, cutoff, critical size, UFT...): for the weights
  // and for the proposal's evaluation/ outputs.
  EvalOptions opt_eval;
  add_eval_options(op, opt_eval);

  // scenario (issue 16): the scenarios of a territory in PostGIS, with versions
  auto* scen = app.add_subcommand("scenario", "Scenarios stored in a PostGIS territory: list, history, get, save");
  scen->require_subcommand(1);
  std::string sc_territory, sc_name, sc_file, sc_out, sc_author;
  int sc_based_on = 0, sc_version = 0;
  bool sc_new_version = false;
  auto* sc_list = scen->add_subcommand("list", "Every scenario: latest version, author, dates");
  sc_list->add_option("territory", sc_territory, "PG:\"dbname=... [schema=NAME]\"")->required();
  auto* sc_hist = scen->add_subcommand("history", "Every version of a scenario");
  sc_hist->add_option("territory", sc_territory, "PG:\"dbname=... [schema=NAME]\"")->required();
  sc_hist->add_option("name", sc_name, "Scenario name")->required();
  auto* sc_get = scen->add_subcommand("get", "Write a stored scenario to a file");
  sc_get->add_option("territory", sc_territory, "PG:\"dbname=... [schema=NAME]\"")->required();
  sc_get->add_option("name", sc_name, "Scenario name")->required();
  sc_get->add_option("--version", sc_version, "Version (default: the latest)")->check(CLI::PositiveNumber);
  sc_get->add_option("--out", sc_out, "Scenario file (JSON)")->required();
  auto* sc_save = scen->add_subcommand("save", "Save a scenario file as a new version; refused if a colleague saved since");
  sc_save->add_option("territory", sc_territory, "PG:\"dbname=... [schema=NAME]\"")->required();
  sc_save->add_option("file", sc_file, "Scenario file (JSON)")->required();
  sc_save->add_option("--name", sc_name, "Name in the database (default: the scenario's own name)");
  sc_save->add_option("--based-on", sc_based_on,
                      "Version you opened (from `scenario get`); none: a new scenario")->check(CLI::PositiveNumber);
  sc_save->add_flag("--new-version", sc_new_version,
                    "When a colleague saved a newer version, save this one after it instead of refusing");
  sc_save->add_option("--author", sc_author, "Author (default: the database user)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (imp->parsed()) {
    const planner::Manifest m = planner::Manifest::load(manifest);
    planner::ImportOptions opt;
    opt.data_root = planner::resolve_data_root(data_root, manifest);
    const bool to_database = geo::pg::is_locator(out_dir);
    if (to_database) {
      (void)geo::pg::parse_locator(out_dir);  // a bad locator stops before the import
      const std::string user = geo::user_cache_dir();
      if (graph_cache.empty() && !user.empty()) graph_cache = (fs::path(user) / "import-graphs" / geo::pg::slug(m.name)).string();
    }
    opt.cache_dir = graph_cache.empty() ? out_dir : graph_cache;
    if (!graph_cache.empty()) fs::create_directories(graph_cache);
    if (!urgent_care.empty()) {
      planner::UrgentCareListSpec l;
      l.layer.path = urgent_care;
      l.layer.source = urgent_care_source.empty() ? "source non précisée (liste passée par --urgent-care)" : urgent_care_source;
      l.finess_field = urgent_care_finess;
      opt.urgent_care_list = l;
    } else if (!urgent_care_source.empty()) {
      throw geo::Error("--urgent-care-source needs --urgent-care FILE", geo::ErrorKind::Usage);
    }
    opt.progress = [quiet](const std::string& step) {
      if (!quiet) std::fprintf(stderr, "[import] %s...\n", step.c_str());
    };
    if (to_database) {
      planner::ImportReport report;
      planner::Territory t = planner::import_territory(m, opt, report);
      const std::string shown = geo::pg::parse_locator(out_dir).display();
      if (!quiet) std::fprintf(stderr, "[import] writing into %s...\n", shown.c_str());
      const std::string markdown = report.to_markdown(), json = report.to_json() + "\n";
      const std::string schema =
          planner::workspace::save_territory_pg(t, out_dir, {{"import_report.md", markdown}, {"import_report.json", json}});
      if (!quiet) std::cout << markdown;
      std::fprintf(stderr, "[import] %s: %zu units, %zu communes, %zu facilities, %zu indicator values -> %s schema %s\n",
                   t.name.c_str(), t.units.size(), t.communes.size(), t.facilities.size(), t.indicators.size(),
                   shown.c_str(), schema.c_str());
      return 0;
    }
    geo::OutputFolder folder(out_dir);  // locked first: a second import into it is refused at once
    planner::ImportReport report;
    planner::Territory t = planner::import_territory(m, opt, report);
    if (!quiet) std::fprintf(stderr, "[import] writing %s...\n", out_dir.c_str());
    // Staged and moved in at once: a failure leaves the previous territory as it was.
    const std::string markdown = report.to_markdown(), json = report.to_json() + "\n";
    planner::save_territory(t, folder, {{"import_report.md", markdown}, {"import_report.json", json}});
    if (!quiet) std::cout << markdown;
    std::fprintf(stderr, "[import] %s: %zu units, %zu communes, %zu facilities, %zu indicator values -> %s\n",
                 t.name.c_str(), t.units.size(), t.communes.size(), t.facilities.size(), t.indicators.size(),
                 out_dir.c_str());
    return 0;
  }
  if (ev->parsed()) {
    params = finish_eval_options(eval_opts);
    if (!dossier_path.empty() && planner::cartography::format_from_path(dossier_path) != planner::cartography::OutputFormat::Pdf) {
      throw geo::Error("--dossier " + dossier_path + ": the dossier is a PDF", geo::ErrorKind::Usage);
    }
    if (eval_publish && !geo::pg::is_locator(eval_territory)) {
      throw geo::Error("--publish writes into the territory's database: give a PG:... territory", geo::ErrorKind::Usage);
    }
    const planner::Territory t = planner::load_territory(eval_territory);
    const planner::Scenario scenario = scenario_path.empty() ? planner::Scenario::baseline()
                                                             : planner::workspace::load_scenario_ref(eval_territory, scenario_path);
    if (!scenario.territory.empty() && scenario.territory != t.name) {
      throw geo::Error("scenario " + scenario_path + " is for territory '" + scenario.territory + "', not '" + t.name + "'");
    }
    const auto start = std::chrono::steady_clock::now();
    planner::AccessEngine engine(t, params.cutoff_min, params.straight,
                                 planner::territory_cache_path(eval_territory, "access_tables.bin"));
    const double tables_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!engine.cache_note().empty()) std::fprintf(stderr, "recompose: note: %s\n", engine.cache_note().c_str());
    const planner::Evaluation before = planner::evaluate(engine, planner::Scenario::baseline(), params);
    const planner::Evaluation after = planner::evaluate(engine, scenario, params);
    const auto out = planner::write_evaluation(engine, scenario, params, before, after, eval_out);
    std::cout << out.summary_text;
    if (!dossier_path.empty()) {
      planner::cartography::MapOptions mo;
      try {
        mo.data_root = planner::resolve_data_root("");
      } catch (const geo::Error&) {
        mo.data_root.clear();  // only the maps' locator inset needs it
      }
      std::ifstream in(fs::path(eval_out) / "rapport.md", std::ios::binary);
      if (!in) throw geo::Error("cannot read " + (fs::path(eval_out) / "rapport.md").string());
      const std::string report((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      const auto d = planner::cartography::write_dossier({engine, before, after, params, scenario}, report, mo, dossier_path);
      std::printf("dossier: %d pages (%zu maps) written to %s\n", d.pages, d.map_pages.size(), dossier_path.c_str());
    }
    std::printf("tables %.3f s (%zu entries%s), baseline %.4f s, scenario %.4f s (%zu new searches); outputs in %s\n",
                tables_s, engine.entries(), engine.loaded_from_cache() ? ", from cache" : "", before.seconds, after.seconds, after.searches, eval_out.c_str());
    if (eval_publish) {
      const auto pub = planner::workspace::publish_evaluation(eval_territory, eval_out, scenario.name, scenario.to_json());
      std::printf("published: %d layers in schema %s of %s\n", pub.layers, pub.schema.c_str(),
                  geo::pg::parse_locator(eval_territory).display().c_str());
    }
    return 0;
  }
  if (op->parsed()) {
    namespace opt = planner::optimise;
    if (o_save_db && !geo::pg::is_locator(opt_territory)) {
      throw geo::Error("--save-db stores the proposal in the territory's database: give a PG:... territory",
                       geo::ErrorKind::Usage);
    }
    opt::Problem pb;
    if (!opt_problem.empty()) {
      pb = opt::Problem::load(opt_problem);
    } else if (!o_objective_opt->count()) {
      throw geo::Error("give --problem FILE or --objective (p_median, mclp, lscp, close_k, capacitated)", geo::ErrorKind::Usage);
    }
    if (o_objective_opt->count()) pb.objective = opt::parse_objective(o_objective);
    if (o_name_opt->count()) pb.name = o_name;
    if (o_target_opt->count()) pb.target = o_target;
    if (o_weight_opt->count()) pb.weighting = opt::parse_weighting(o_weight);
    if (o_sites_opt->count()) pb.sites = o_sites;
    if (o_close_opt->count()) pb.close = o_close;
    if (o_measure_opt->count()) pb.measure = o_measure;
    if (o_cov_opt->count()) pb.coverage_min = o_cov;
    if (o_max_opt->count()) pb.max_time_min = o_max;
    if (o_pen_opt->count()) pb.penalty_min = o_pen;
    if (o_crit_opt->count()) pb.critical_fte = o_crit;
    if (o_merge_opt->count()) pb.merge_max_min = o_merge;
    if (o_closed_opt->count()) pb.closed_sites = o_closed == "merge" ? opt::ClosedSites::Merge : opt::ClosedSites::Close;
    if (o_lock_open_opt->count()) pb.locked_open = o_lock_open;
    if (o_lock_closed_opt->count()) pb.locked_closed = o_lock_closed;
    if (o_change_urgent) pb.keep_urgent_care = false;
    if (o_sources_opt->count()) {
      pb.candidates.existing = std::find(o_sources.begin(), o_sources.end(), "existing") != o_sources.end();
      pb.candidates.historic = std::find(o_sources.begin(), o_sources.end(), "historic") != o_sources.end();
      pb.candidates.communes = std::find(o_sources.begin(), o_sources.end(), "communes") != o_sources.end();
    }
    if (o_file_opt->count()) {
      pb.candidates.file = o_file;
      pb.candidates.file_id = o_file_id;
      pb.candidates.file_name = o_file_name;
    }
    if (o_grid_opt->count()) pb.candidates.grid_km = o_grid;
    if (o_new_kind_opt->count()) pb.new_kind = o_new_kind;
    if (o_heuristic_only) pb.exact = false;
    if (o_limit_opt->count()) pb.exact_time_limit_s = o_limit;
    if (o_cold) pb.exact_warm_start = false;
    planner::EvalParams oparams = finish_eval_options(opt_eval);
    // The command line's evaluation options win over the problem file's.
    if (op->get_option("--need-indicator")->count()) {
      pb.need_indicator = oparams.need_indicator;
    } else {
      oparams.need_indicator = pb.need_indicator;
    }
    if (op->get_option("--cutoff-min")->count()) {
      pb.cutoff_min = oparams.cutoff_min;
    } else {
      oparams.cutoff_min = pb.cutoff_min;
    }
    // The critical size the optimiser asks is the one the evaluation checks.
    if (!std::isnan(pb.critical_fte)) oparams.regime.critical_gp_fte = pb.critical_fte;
    pb.validate();
    const planner::Territory t = planner::load_territory(opt_territory);
    const auto start = std::chrono::steady_clock::now();
    planner::AccessEngine engine(t, oparams.cutoff_min, oparams.straight,
                                 planner::territory_cache_path(opt_territory, "access_tables.bin"));
    const planner::Evaluation before = planner::evaluate(engine, planner::Scenario::baseline(), oparams);
    const double prep_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    opt::Control control;
    auto last = std::chrono::steady_clock::now() - std::chrono::seconds(10);
    std::string last_stage;
    control.progress = [&](const opt::Progress& pr) {
      const auto now = std::chrono::steady_clock::now();
      if (pr.stage == last_stage && now - last < std::chrono::seconds(1)) return;
      last = now;
      last_stage = pr.stage;
      std::fprintf(stderr, "[optimise] %s%s%s\n", pr.stage.c_str(), pr.detail.empty() ? "" : " : ", pr.detail.c_str());
    };
    const opt::OptimiseResult r = opt::optimise(engine, before, pb, oparams, control);
    const auto outputs = opt::write_optimisation(engine, oparams, before, r, opt_out);
    std::cout << outputs.terminal;
    if (o_save_db) {  // after the outputs: a refused save leaves them written
      planner::workspace::ScenarioStore store(opt_territory);
      planner::workspace::SaveRequest rq;
      rq.name = r.proposal.name;
      rq.json = r.proposal.to_json() + "\n";
      const auto saved = store.save(rq);
      std::printf("proposal saved as scenario \"%s\" version %d by %s in %s\n", saved.name.c_str(), saved.version,
                  saved.author.c_str(), store.label().c_str());
    }
    std::printf("tables and baseline %.3f s%s, problem %.3f s, optimisation %.3f s in all; outputs in %s\n", prep_s,
                engine.loaded_from_cache() ? " (tables from cache)" : "", r.seconds_instance, r.seconds_total,
                opt_out.c_str());
    return 0;
  }
  if (cmp->parsed()) {
    const planner::EvalParams cparams = finish_eval_options(cmp_opts);
    const planner::Territory t = planner::load_territory(cmp_territory);
    std::vector<planner::Scenario> scenarios;
    for (const auto& path : cmp_scenarios) {
      planner::Scenario s = planner::workspace::load_scenario_ref(cmp_territory, path);
      if (!s.territory.empty() && s.territory != t.name) {
        throw geo::Error("scenario " + path + " is for territory '" + s.territory + "', not '" + t.name + "'");
      }
      scenarios.push_back(std::move(s));
    }
    const auto start = std::chrono::steady_clock::now();
    planner::AccessEngine engine(t, cparams.cutoff_min, cparams.straight,
                                 planner::territory_cache_path(cmp_territory, "access_tables.bin"));
    const double tables_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!engine.cache_note().empty()) std::fprintf(stderr, "recompose: note: %s\n", engine.cache_note().c_str());
    planner::ComparisonSettings settings;
    settings.criterion_target = cmp_criterion;
    const planner::ComparisonRun run = planner::run_comparison(engine, scenarios, cparams, settings);
    planner::write_comparison(run.comparison, cmp_out);
    const auto& c = run.comparison;
    std::size_t searches = 0;
    for (const auto& e : run.evaluations) searches += e.searches;
    std::cout << c.territory_title << " — " << c.options.size() << " options (" << c.time_model_label << ")\n";
    std::string group;
    for (const auto& r : c.rows) {
      if (!r.key_figure) continue;
      if (r.group != group) std::cout << "  " << (group = r.group) << "\n";
      std::cout << "    " << r.label << " :";
      for (std::size_t i = 0; i < r.values.size(); ++i) std::cout << (i ? " | " : " ") << planner::format_value(r, r.values[i]);
      std::cout << "\n";
    }
    std::printf("tables %.3f s (%zu entries%s), %zu evaluations and comparison %.3f s (%zu new searches); "
                "%zu communes rank the options differently from the territory; outputs in %s\n",
                tables_s, engine.entries(), engine.loaded_from_cache() ? ", from cache" : "", run.evaluations.size(),
                run.seconds, searches, c.communes.size(), cmp_out.c_str());
    return 0;
  }
  if (reg->parsed()) {
    const planner::EvalParams rp = finish_eval_options(reg_opts);
    if (reg_manifest.empty() && reg_dirs.empty()) {
      throw geo::Error("regime: give a regime manifest or --territory DIR (one per basin)", geo::ErrorKind::Usage);
    }
    std::vector<std::string> dirs = reg_dirs;
    std::string title = "Le régime minier, bassin par bassin";
    if (!reg_manifest.empty()) {
      if (reg_work.empty()) throw geo::Error("regime: --work DIR is needed to import the manifest's basins", geo::ErrorKind::Usage);
      const planner::RegimeManifest rm = planner::RegimeManifest::load(reg_manifest);
      title = rm.title;
      for (const auto& mpath : rm.territories) {
        const planner::Manifest m = planner::Manifest::load(mpath);
        const fs::path dir = fs::path(reg_work) / m.name;
        if (!fs::exists(dir / "territory.json")) {
          std::fprintf(stderr, "[regime] importing %s...\n", m.name.c_str());
          planner::ImportOptions opt;
          opt.data_root = planner::resolve_data_root(reg_data_root, mpath);
          // One graph cache per road file: basins on the same file share it.
          const std::string key = m.roads.kind == "none" ? m.name : fs::path(m.roads.layer.path).stem().string();
          opt.cache_dir = (fs::path(reg_work) / "graph-cache" / key).string();
          fs::create_directories(opt.cache_dir);
          geo::OutputFolder folder(dir.string());  // locked, staged, moved in whole (as `import`)
          planner::ImportReport report;
          planner::Territory t = planner::import_territory(m, opt, report);
          const std::string md = report.to_markdown(), js = report.to_json() + "\n";
          planner::save_territory(t, folder, {{"import_report.md", md}, {"import_report.json", js}});
        } else {
          std::fprintf(stderr, "[regime] %s already imported in %s: reused\n", m.name.c_str(), dir.string().c_str());
        }
        dirs.push_back(dir.string());
      }
    }
    std::vector<planner::Comparison> baselines;
    for (const auto& dir : dirs) {
      const planner::Territory t = planner::load_territory(dir);
      planner::AccessEngine engine(t, rp.cutoff_min, rp.straight, planner::territory_cache_path(dir, "access_tables.bin"));
      if (!engine.cache_note().empty()) std::fprintf(stderr, "recompose: note: %s\n", engine.cache_note().c_str());
      const planner::ComparisonRun run = planner::run_comparison(engine, {}, rp);
      std::fprintf(stderr, "[regime] %s evaluated (%.2f s)\n", t.name.c_str(), run.seconds);
      baselines.push_back(run.comparison);
    }
    const auto b = planner::compare_basins(baselines, dirs, title);
    planner::write_basins(b, reg_out);
    std::printf("%zu basins compared on %zu indicators; bassins.csv and bassins.md in %s\n", b.basins.size(),
                b.rows.size(), reg_out.c_str());
    return 0;
  }
  if (mapc->parsed() || atlasc->parsed()) {
    const MapArgs& a = mapc->parsed() ? map_args : atlas_args;
    planner::cartography::PageSpec page;
    page.paper = a.paper;
    page.landscape = !a.portrait;
    page.dpi = a.dpi;
    page.check();
    planner::cartography::MapOptions o;
    o.roads = !a.no_roads;
    o.labels = !a.no_labels;
    o.inset = !a.no_inset;
    o.isochrones = a.isochrones;
    o.catchments = a.catchments;
    o.classes = a.classes;
    if (a.method == "quantiles") o.method = planner::ClassMethod::Quantiles;
    else if (a.method == "equal") o.method = planner::ClassMethod::EqualIntervals;
    else if (a.method == "jenks") o.method = planner::ClassMethod::NaturalBreaks;
    else throw geo::Error("--method '" + a.method + "': quantiles, equal or jenks", geo::ErrorKind::Usage);
    o.title = a.title;
    o.iso_date = a.date;
    try {
      o.data_root = planner::resolve_data_root(a.data_root);
    } catch (const geo::Error&) {
      o.data_root.clear();  // only the locator inset needs it: the map says it is unavailable
    }
    planner::cartography::format_from_path(a.out);  // a bad extension stops before any computation
    const auto layout = planner::cartography::layout_from_name(a.layout);
    planner::EvalParams mp;
    mp.need_indicator = a.need_indicator;
    mp.cutoff_min = a.cutoff_min;
    const planner::Territory t = planner::load_territory(a.territory);
    const planner::Scenario scenario =
        a.scenario.empty() ? planner::Scenario::baseline() : planner::workspace::load_scenario_ref(a.territory, a.scenario);
    if (!scenario.territory.empty() && scenario.territory != t.name) {
      throw geo::Error("scenario " + a.scenario + " is for territory '" + scenario.territory + "', not '" + t.name + "'");
    }
    planner::AccessEngine engine(t, mp.cutoff_min, mp.straight, planner::territory_cache_path(a.territory, "access_tables.bin"));
    const planner::Evaluation before = planner::evaluate(engine, planner::Scenario::baseline(), mp);
    const planner::Evaluation after = planner::evaluate(engine, scenario, mp);
    const planner::cartography::MapSource src{engine, before, after, mp, scenario};
    if (mapc->parsed()) {
      const auto info = planner::cartography::render_map(src, a.indicator, layout, page, o, a.out);
      std::printf("%s — %s\n%zu labels placed; written to %s\n", info.title.c_str(), info.subtitle.c_str(),
                  info.labels_placed, a.out.c_str());
    } else {
      const int pages = planner::cartography::render_atlas(src, a.indicator, a.by, page, o, a.out);
      std::printf("atlas of %s by %s: %d pages written to %s\n", t.name.c_str(), a.by.c_str(), pages, a.out.c_str());
    }
    return 0;
  }
  if (scen->parsed()) {
    if (!geo::pg::is_locator(sc_territory)) {
      throw geo::Error("scenario: " + sc_territory + " is not a PostGIS territory (PG:...); a folder's scenarios are files",
                       geo::ErrorKind::Usage);
    }
    planner::workspace::ScenarioStore store(sc_territory);
    auto line = [](const planner::workspace::StoredScenario& s) {
      std::printf("%-32s v%-3d %-16s créé %s, modifié %s%s\n", s.name.c_str(), s.version, s.author.c_str(),
                  s.created_at.c_str(), s.modified_at.c_str(),
                  s.based_on ? (" (sur la version " + std::to_string(s.based_on) + ")").c_str() : "");
    };
    if (sc_list->parsed()) {
      const auto all = store.list();
      for (const auto& s : all) line(s);
      std::printf("%zu scenarios in %s\n", all.size(), store.label().c_str());
    } else if (sc_hist->parsed()) {
      const auto all = store.history(sc_name);
      if (all.empty()) (void)store.get(sc_name);  // the error lists the scenarios
      for (const auto& s : all) line(s);
    } else if (sc_get->parsed()) {
      const auto s = store.get(sc_name, sc_version);
      geo::write_text_file_atomic(sc_out, s.json);
      std::printf("scenario \"%s\" version %d (%s, %s) written to %s\n", s.name.c_str(), s.version, s.author.c_str(),
                  s.modified_at.c_str(), sc_out.c_str());
    } else {
      std::ifstream in(sc_file, std::ios::binary);
      if (!in) throw geo::Error("cannot read scenario file " + sc_file);
      planner::workspace::SaveRequest rq;
      rq.json.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      const planner::Scenario parsed = planner::Scenario::parse(rq.json, sc_file);
      rq.name = sc_name.empty() ? parsed.name : sc_name;
      rq.author = sc_author;
      rq.based_on = sc_based_on;
      rq.as_new_version = sc_new_version;
      const auto s = store.save(rq);
      std::printf("scenario \"%s\" saved as version %d by %s (%s) in %s\n", s.name.c_str(), s.version, s.author.c_str(),
                  s.modified_at.c_str(), store.label().c_str());
    }
    return 0;
  }
  if (ginfo->parsed()) {
    std::string label;
    const auto start = std::chrono::steady_clock::now();
    const geo::RoadGraph g = load_graph_source(info_src, label);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    print_graph_info(g, label);
    std::printf("  loaded/built in %.2f s\n", s);
    return 0;
  }
  if (gexp->parsed()) {
    std::string label;
    const geo::RoadGraph g = load_graph_source(export_src, label);
    const std::size_t n = planner::export_graph(g, export_out);
    std::printf("%zu directed arcs of %s written to %s\n", n, label.c_str(), export_out.c_str());
    return 0;
  }
  if (times->parsed()) {
    const planner::Territory t = planner::load_territory(territory);
    const auto origins = planner::od_points(t, from, from_id, points_crs);
    const auto destinations = planner::od_points(t, to, to_id, points_crs);
    const auto st = planner::write_od_matrix(t.graph, origins, destinations, max_minutes, od_out);
    std::printf("%zu origins x %zu destinations within %.0f min: %zu pairs; %zu origins reach at least one\n",
                st.origins, st.destinations, max_minutes, st.pairs_within_limit, st.origins_with_any);
    std::printf("off the road network: %zu origins, %zu destinations (listed in the CSV, not routed)\n",
                st.origins_off_network, st.destinations_off_network);
    std::printf("written to %s\n", od_out.c_str());
    return 0;
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGXFSZ, SIG_IGN);  // a file-size limit fails the write with its reason, not a kill
  try {
    return run(argc, argv);
  } catch (const planner::workspace::ConflictError& e) {
    // A colleague saved first: told apart (exit 3) so that a script can offer a new version.
    std::fprintf(stderr, "recompose: conflict: %s\n", geo::pg::redacted(e.what()).c_str());
    return 3;
  } catch (const geo::Error& e) {
    std::fprintf(stderr, "recompose: error: %s\n", geo::pg::redacted(e.what()).c_str());
    return e.kind() == geo::ErrorKind::Usage ? 2 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "recompose: error: %s\n", geo::pg::redacted(e.what()).c_str());
    return 1;
  }
}
