// The territory model: units (IRIS), communes, facilities, indicators, and the
// road graph when the territory has one. Produced by `import_territory`, saved as
// a territory directory (territory.gpkg + graph.rcg + territory.json) and loaded
// back by `load_territory`. Coordinates are Lambert-93 metres.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "geo/contraction.hpp"
#include "geo/geometry.hpp"
#include "geo/output_folder.hpp"
#include "geo/road_graph.hpp"
#include "geo/road_profile.hpp"
#include "geo/snapping.hpp"
#include "planner/offer/regime.hpp"

namespace recompose::planner {

struct SnapInfo {
  SnapInfo() = default;
  explicit SnapInfo(const geo::SnapResult& r)
      : status(r.status), distance_m(r.distance_m), node(r.nearest_node), access_ds(r.access_ds),
        nearest_is_isolated(r.nearest_is_isolated), result(r) {}

  geo::SnapStatus status = geo::SnapStatus::NoNetwork;
  double distance_m = 0;
  geo::NodeId node = geo::kInvalidNode;  // nearest segment end along the road
  geo::Deciseconds access_ds = 0;
  bool nearest_is_isolated = false;
  geo::SnapResult result;  // the full snap, for routing
};

struct Commune {
  std::string code;  // 5-character INSEE code (COG of the population source)
  std::string name;
  std::string dep, epci_code, epci_name, ze_code;
  double population = 0;
  geo::Geometry geometry;  // may be null when no polygon was found
  geo::PointM point;       // point-on-surface
  std::size_t unit_count = 0;
};

struct Unit {
  std::string code;  // 9-character IRIS code
  std::string name, commune_code, type;
  double population = 0;       // reconciled to the commune population
  double weight_population = -1;  // IRIS source population used as weight (-1: none)
  std::string population_method;
  geo::Geometry geometry;
  geo::PointM point;  // representative point: point-on-surface of the polygon
  double area_km2 = 0;
  bool geometry_repaired = false;
  SnapInfo snap;
};

struct Facility {
  std::string id, name, kind, category, commune_code;
  double capacity = -1;  // -1: unknown
  std::string capacity_unit;
  std::map<std::string, bool> flags;
  geo::PointM point;
  std::string source, location_note;
  // A site outside the territory's communes kept because some unit reaches it within
  // the cutoff (edge effects: a hospital just across the boundary serves the
  // territory). Used by every indicator, drawn apart, not edited by default.
  bool outside_territory = false;
  SnapInfo snap;
};

struct IndicatorValue {
  std::string level, code, name;
  double value = 0;
  std::string period, source;
};

struct SourceRef {
  std::string role;  // "communes", "units", "facilities: hospital"...
  std::string path;
  std::string citation;
};

struct Territory {
  std::string name, title, description;
  std::vector<Commune> communes;
  std::vector<Unit> units;
  std::vector<Facility> facilities;
  std::vector<IndicatorValue> indicators;
  std::vector<std::string> assumptions;
  std::vector<SourceRef> sources;
  bool has_roads = false;
  std::string roads_note;  // why there are none, or how they were built
  geo::RoadGraph graph;
  geo::RoadProfile profile;
  std::uint64_t graph_fingerprint = 0;
  // Contraction hierarchy of `graph` (saved as graph.ch): the access tables are then
  // built by PHAST sweeps, several facilities per sweep. Null: plain Dijkstra.
  std::shared_ptr<const geo::ContractionHierarchy> ch;
  int population_year = 0;
  // The mining regime's own sites (also in `facilities`, kind "regime_site") and
  // affiliates, when the manifest has a "regime" key (planner data, not open data).
  RegimeData regime;

  // Linear in the communes: loops over units use a CommuneIndex.
  [[nodiscard]] const Commune* find_commune(const std::string& code) const;
};

// The communes of a territory by code, for loops over many units (Territory::
// find_commune searches the list). Refers to t.communes: valid while they are unchanged.
class CommuneIndex {
 public:
  explicit CommuneIndex(const Territory& t) {
    by_code_.reserve(t.communes.size());
    for (const Commune& c : t.communes) by_code_.emplace(c.code, &c);  // the first of a duplicated code, as find_commune
  }
  [[nodiscard]] const Commune* find(const std::string& code) const {
    const auto it = by_code_.find(code);
    return it == by_code_.end() ? nullptr : it->second;
  }

 private:
  std::unordered_map<std::string_view, const Commune*> by_code_;
};

// The bounding box of the communes' polygons (Lambert-93 metres): where the territory
// lies, for a grid of candidate sites or a camera. Communes without a polygon are
// left out; none with one: nullopt. O(communes).
[[nodiscard]] std::optional<geo::Envelope> communes_envelope(const Territory& t);

// Writes territory.gpkg, graph.rcg (if roads), graph.ch and territory.json, and
// `extra_files` (name, text: the import reports), into `folder` as a whole: staged,
// then moved in at once (geo/output_folder.hpp); a graph.rcg already in the folder
// for the same graph is kept, not rewritten.
void save_territory(const Territory& t, geo::OutputFolder& folder,
                    const std::vector<std::pair<std::string, std::string>>& extra_files = {});
// The same into `dir` (locked for the time of the write).
void save_territory(const Territory& t, const std::string& dir);
// Loads a directory written by save_territory, or a territory in a PostGIS database
// (`PG:...` locator, planner/workspace/pg_territory.hpp). Throws Error naming the file
// or the schema.
Territory load_territory(const std::string& dir);

// Where the parts of a saved territory are: territory.json's text, the layers (a
// GeoPackage or a GDAL PostgreSQL source), the graph and hierarchy files.
struct TerritoryParts {
  std::string metadata_json, metadata_label;  // label: for messages
  std::string layers_source;
  bool from_database = false;  // no GeoPackage checksum to check
  std::string graph_path, ch_path;  // ch_path may be empty or absent
};
Territory load_territory_parts(const TerritoryParts& parts);

// A cache file of the territory at `locator` (a folder: inside it; a database: in
// the user's cache folder, under a name of the database and schema); "" when there
// is no place for it.
std::string territory_cache_path(const std::string& locator, const std::string& name);

}  // namespace recompose::planner
