// A territory manifest: which raw files and which fields make one territory.
// The format is documented in datasets/README.md (format "recompose-manifest/1").
//
// Data paths are relative to the data root; the profile path is relative to the
// manifest file. `Manifest::load` checks the structure and names the bad key; it
// does not open the data files (the importer does, and names the file then).
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace recompose::planner {

// A filter on records: every (field, accepted values) must match.
struct RecordFilter {
  std::map<std::string, std::vector<std::string>> equals;
  [[nodiscard]] bool empty() const { return equals.empty(); }
};

struct LayerRef {
  std::string path;   // relative to the data root
  std::string layer;  // empty: the only layer
  std::string crs;    // used when the file declares none, or for x/y columns
  std::string source; // citation shown in reports
  RecordFilter where;
};

struct CommunesSpec {
  LayerRef select;  // the table that lists the communes of the territory
  std::string select_code;
  LayerRef population;  // records with code, name, population
  std::string population_code = "code", population_name = "nom", population_value = "population";
  int population_year = 0;
  std::vector<LayerRef> geometry;  // commune polygons
  std::string geometry_code = "code";
  std::optional<LayerRef> epci;    // etalab-style EPCI records with `membres`
  std::optional<LayerRef> zonage;  // INSEE table d'appartenance
  std::string zonage_code = "CODGEO", zonage_ze = "ZE2020", zonage_dep = "DEP";
};

struct UnitsSpec {
  LayerRef layer;
  std::string code, commune, name, type;
  LayerRef population;  // IRIS table used as weights inside split communes
  std::string population_code;
  std::vector<std::string> population_sum;  // columns summed into the IRIS population
  int population_year = 0;
};

struct FlagRule {
  std::string field;
  std::vector<std::string> values;  // flag is true when the field is one of these
  std::vector<std::string> unless_name_contains;  // ...and the facility name contains none of these
  bool constant = false;            // when `field` is empty: the same value for all
  std::string assumption;           // sentence shown in every report
};

struct FacilitySpec {
  LayerRef layer;
  // "" : any layer GDAL reads (fields below); "finess": the Etalab FINESS extract
  // (planner/offer/finess.hpp), selected by category and legal entity; `name` is then
  // "rslongue" (default, falls back to rs) or "rs", ids are nofinesset.
  std::string format;
  std::vector<std::string> finess_categories;      // categetab codes
  std::vector<std::string> finess_legal_entities;  // nofinessej
  std::string kind;       // health_centre, gp_point, pharmacy, hospital, mining_health_building...
  std::string id, name;   // fields
  std::string id_prefix;  // prepended to ids (keeps ids unique across sources)
  std::string x, y;       // coordinate columns (CSV); empty: the layer's geometry
  std::string category;   // optional field kept as text (e.g. FINESS category)
  std::string capacity;   // optional numeric field
  std::string capacity_unit;
  std::map<std::string, FlagRule> flags;
  // Counts per commune placed at the commune's representative point.
  bool from_commune_counts = false;
  std::string count_field, commune_field;
  std::string name_template;  // for commune counts: "{count} médecins généralistes"
  std::string location_note;  // how the location was obtained, shown in reports
  std::string unnamed;        // name given to a feature whose name is empty
};

struct IndicatorSpec {
  LayerRef layer;
  std::string level;  // iris, commune, epci, ze, dep, territory
  std::string key;    // key field (not used for level "territory")
  std::map<std::string, std::string> columns;  // source column -> indicator name
  std::string name_field, value_field;         // long format: indicator name from a column
  std::string period;  // text, e.g. "2013-2018"
  // Source key -> territory code, for tables keyed by names or older codes (e.g. ORS
  // zones d'emploi 2010 by name -> ZE2020 codes); keys not listed are used as they are.
  std::map<std::string, std::string> key_map;
};

struct RoadsSpec {
  std::string kind;  // "lines", "osm" or "none"
  LayerRef layer;
  std::string class_field;
  std::map<std::string, std::string> class_map;
  // Optional line-layer fields (see geo::LineLayerSpec).
  std::string class_fallback_field, oneway_field, ramp_field, service_field, name_field, ref_field;
  std::string date;            // date of the road data (e.g. "2021-08"), shown in reports
  std::string profile;         // path relative to the manifest
  std::string missing_reason;  // for kind "none"
};

// An explicit list of urgent-care sites (SU/SMUR...): FINESS numbers matched against
// facility ids (their id_prefix removed), and/or points (lon/lat, or x/y in `crs`).
// When given, the `urgent_care` flag is true exactly for the listed sites and the list
// and its source replace the rule's assumption sentence in every report.
struct UrgentCareListSpec {
  LayerRef layer;                      // path relative to the data root (absolute accepted)
  std::string finess_field = "finess";  // column of FINESS numbers (may be absent from the file)
  std::string lon_field = "lon", lat_field = "lat";  // point columns (may be absent)
  std::string name_field = "nom";      // optional name of a site added from its point
};

// The regime's own data (manifest key "regime"): not open data, brought by the
// planner. Paths are relative to the manifest file (like the profile), absolute
// allowed. Field names map the planner's columns; any may be left out.
struct RegimeSitesSpec {
  LayerRef layer;
  std::string id, name, centre, centre_name, type;  // id and type are required
  std::string x, y;          // coordinate columns (CSV); empty: the layer's geometry
  std::string commune;       // commune code: places a site without coordinates at the commune
  std::string pharmacy_status, finess;
  std::map<std::string, std::string> fte;  // profession (gp, nurse...) -> column
  std::string opening_hours_week, opening_days_week, dental_chairs;
  std::string patients_mining, patients_other, acts_mining, acts_other;
  int activity_year = 0;
  std::string id_prefix = "REGIME-";
};

struct AffiliatesSpec {
  LayerRef layer;
  std::string level;  // "commune" or "iris"
  std::string code, count;
  std::map<std::string, std::string> age_bands;  // band label -> column
  int year = 0;
};

struct RegimeSpec {
  bool fictitious = false;  // every output then says kFictitiousLabel
  std::optional<RegimeSitesSpec> sites;
  std::optional<AffiliatesSpec> affiliates;
};

struct Manifest {
  std::string path;  // the manifest file itself
  std::string name, title, description;
  CommunesSpec communes;
  UnitsSpec units;
  std::vector<FacilitySpec> facilities;
  std::vector<IndicatorSpec> indicators;
  RoadsSpec roads;
  // Facilities outside the territory's communes are kept when a unit reaches them
  // within this many minutes by road (0: dropped, as without roads).
  double outside_facilities_max_minutes = 60;
  std::optional<RegimeSpec> regime;
  std::vector<std::string> assumptions;
  std::optional<UrgentCareListSpec> urgent_care_list;

  // Throws geo::Error naming the manifest file and the key.
  static Manifest load(const std::string& path);
  // Parses manifest text; `path` names it in errors and anchors the profile path.
  static Manifest parse(const std::string& text, const std::string& path);
  [[nodiscard]] std::string profile_path() const;  // absolute or relative to cwd
  // A regime data path: absolute, or relative to the manifest's directory.
  [[nodiscard]] std::string regime_path(const std::string& relative) const;

 private:
  static Manifest parse_json(const nlohmann::json& j, const std::string& path);
};

}  // namespace recompose::planner
