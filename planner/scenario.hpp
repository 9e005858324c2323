// A scenario: a versioned JSON list of edits on the baseline facilities
// ("format": "recompose-scenario/1"). Edits apply in order:
//   {"op": "close",        "facility": ID}
//   {"op": "merge",        "facilities": [ID, ...], "into": ID}            -> capacities summed into ID
//   {"op": "merge",        "facilities": [ID, ...], "at": POINT, "id": NEW, "name": "..."}
//   {"op": "relocate",     "facility": ID, "to": POINT}
//   {"op": "open",         "id": NEW, "kind": K, "name": "...", "capacity": C, "at": POINT, "flags": ["urgent_care"]}
//   {"op": "set_capacity", "facility": ID, "capacity": C}
//   {"op": "open", "kind": "regime_site", ..., "type": T, "centre": C, "team": {"gp": 3, "nurse": 2}}
//                          -> a new regime site (type default centre_polyvalent, its own budget unit by default)
//   {"op": "move_team",    "from": ID, "to": ID, "profession": P, "fte": F}  -> regime sites only;
//                          without "fte", the whole team of that profession moves
// On regime sites (kind "regime_site"), a merge pools the teams and activity of
// the merged sites into the kept (or new) one; closing a site takes its team out
// of the offer (move it first to keep it); service flags follow the teams.
// Pharmacy edits (planner/offer/pharmacies.hpp; a mining pharmacy is a facility of
// kind `mining_pharmacy` or with the flag `mining_pharmacy`):
//   {"op": "close_pharmacy",     "facility": ID}                       -> a mining pharmacy closes
//   {"op": "transfer_pharmacy",  "facility": ID, "into": CENTRE_ID}    -> moves into a centre's premises
//   {"op": "transfer_pharmacy",  "facility": ID, "to": POINT}          -> or to a point
//   {"op": "regroup_pharmacies", "facilities": [ID, ...], "into": ID}  -> one site, in the commune of one of them
//   {"op": "open_bilateral",     "facility": ID}                       -> the mining pharmacy enters the quota count
// POINT is {"lon": .., "lat": ..} (WGS84) or {"x_l93": .., "y_l93": ..}.
// `apply_scenario` checks every edit against the territory and refuses a bad one
// with an Error naming the edit (number, op, id): unknown id, a closed facility
// merged or edited, coordinates outside the territory or off the road network,
// a facility edited twice by the same op.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "geo/types.hpp"
#include "planner/territory.hpp"

namespace recompose::planner {

struct ScenarioEdit {
  std::string op;
  std::vector<std::string> facilities;  // close/relocate/set_capacity: one; merge: several
  std::string into;                     // merge into an existing facility
  std::string id, name, kind;           // open / merge at a new site
  std::optional<geo::PointM> at;        // Lambert-93
  std::optional<double> capacity;
  std::vector<std::string> flags;
  bool allow_outside = false;  // may edit a facility outside the territory ("allow_outside": true)
  // move_team: facilities = {from, to}
  std::string profession;
  std::optional<double> fte;  // none: the whole team of that profession
  // open of a regime site (kind "regime_site")
  std::string site_type, centre;
  std::map<std::string, double> team;
};

struct Scenario {
  std::string name, description, territory, path;
  std::vector<ScenarioEdit> edits;

  static Scenario load(const std::string& path);  // throws Error naming the file and edit
  static Scenario parse(const std::string& json_text, const std::string& origin);
  [[nodiscard]] std::string to_json() const;
  [[nodiscard]] static Scenario baseline() { return Scenario{"Situation actuelle", "", "", "", {}}; }

 private:
  static Scenario parse_checked(const std::string& json_text, const std::string& origin);
};

// The facility set a scenario produces. Base facilities keep their index;
// new sites (opened, relocated, merged at new coordinates) are appended.
struct FacilityState {
  std::string id, name, kind;
  std::map<std::string, bool> flags;
  double capacity = -1;
  geo::PointM point;
  bool open = true;
  int base_index = -1;      // index in Territory::facilities, -1 for a new site
  bool is_new_site = false;  // routed by its own search
  bool outside_territory = false;  // see Facility::outside_territory
  std::string change;        // "", "fermé", "regroupé dans X", "déplacé vers Y", "ouvert", "capacité"
  std::string category;      // Facility::category (a mining pharmacy's status); open_bilateral sets "bilatérale"
  SnapInfo snap;
  int edit_index = -1;       // the last edit that changed this facility (index in Scenario::edits)
  // Regime sites only (kind "regime_site"): the attributes of Territory::regime,
  // with teams and activity as the scenario leaves them.
  bool regime = false;
  RegimeSite site;
};

struct ScenarioResult {
  std::vector<FacilityState> facilities;
  std::vector<std::string> applied;  // one French line per edit, for reports
};

// Outputs keyed by id have one row per facility id. A relocated or transferred
// facility is two entries of ScenarioResult::facilities under one id: its old
// position (closed) and its new site, appended. `written[i]` is true for the entry
// that carries the row (the last one of its id); `first[i]` is the first entry of
// the id of entry i, whose baseline state gives the row's "before" columns.
struct FacilityRows {
  std::vector<std::size_t> first;
  std::vector<bool> written;
};
FacilityRows facility_rows(const std::vector<FacilityState>& facilities);

// Applies `s` to the baseline of `t`. `snap` snaps a new site (may be null when
// the territory has no roads). Throws Error naming the edit on a bad edit.
ScenarioResult apply_scenario(const Territory& t, const Scenario& s,
                              const std::function<geo::SnapResult(geo::PointM)>& snap);

}  // namespace recompose::planner
