// A location-allocation problem on a territory's sites ("Proposer une recomposition"):
// which sites of a target (a facility kind or flag, e.g. the regime's GP sites
// "regime_gp") to keep, close, merge or open, for one objective, under the planner's
// constraints. Read from a versioned JSON file ("format": "recompose-optimise/1") or
// built from command-line options / the viewer's panel:
//
//   {"format": "recompose-optimise/1", "name": "...",
//    "objective": "p_median" | "mclp" | "lscp" | "close_k" | "capacitated",
//    "target": "regime_gp",            // kind or flag; default regime_gp when the territory has regime sites
//    "weight": "affilies" | "besoin" | "population",
//    "sites": 20,                      // p_median, mclp: sites kept or opened; capacitated: at most N
//    "close": 5,                       // close_k: sites to close among the existing ones
//    "measure": "temps" | "couverture",  // close_k: loss in mean time (default) or in coverage
//    "coverage_min": 15,               // mclp, lscp, close_k couverture: T
//    "max_time_min": 30,               // optional: nobody (with a site within reach) beyond it
//    "penalty_min": 120,               // time counted for a unit left with no site within the tables
//    "critical_fte": 3,                // capacitated: team (GP FTE, or capacity) of every kept site
//    "merge_max_min": 30,              // capacitated: a closed site's team moves at most this far
//    "closed_sites": "merge" | "close",  // how closed sites appear in the proposal
//    "keep_urgent_care": true,         // sites flagged urgent_care are never closed
//    "locked_open": [ID, ...], "locked_closed": [ID, ...],
//    "candidates": {"existing": true, "historic": false, "communes": false,
//                   "file": {"path": "...", "id": "id", "name": "nom"}, "grid_km": 0},
//    "new_kind": "gp_point",           // kind of the sites opened (targets that are not regime sites)
//    "exact": {"enabled": true, "time_limit_s": 30, "warm_start": true},
//    "need_indicator": "...", "cutoff_min": 60}
//
// Every field is optional but the objective and its size (sites / close / coverage).
// `validate` checks the values and names the field of a bad one.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace recompose::planner::optimise {

enum class Objective { PMedian, Mclp, Lscp, CloseK, Capacitated };
enum class Weighting { Default, Need, Population, Affiliates };
enum class ClosedSites { Default, Merge, Close };

std::string objective_code(Objective o);   // "p_median"...
std::string objective_label(Objective o);  // French
Objective parse_objective(const std::string& code);  // throws Error listing the codes
std::string weighting_code(Weighting w);
Weighting parse_weighting(const std::string& code);

struct CandidateSources {
  bool existing = true;   // the target's existing sites
  bool historic = false;  // historic mining health buildings (kind mining_health_building)
  bool communes = false;  // each commune's representative point
  std::string file, file_id = "id", file_name;  // a planner's points (any vector file GDAL reads)
  std::string file_crs;   // CRS of a file that declares none
  double grid_km = 0;     // > 0: the road node nearest the centre of each cell of this size
};

struct Problem {
  std::string name = "Proposition de recomposition";
  std::string path;  // the file it was read from, if any
  Objective objective = Objective::PMedian;
  std::string target;  // "" : regime_gp when the territory has regime sites
  Weighting weighting = Weighting::Default;
  int sites = -1;   // p (p_median, mclp), N (capacitated)
  int close = -1;   // k (close_k)
  std::string measure = "temps";  // close_k: "temps" or "couverture"
  double coverage_min = 15;
  double max_time_min = std::numeric_limits<double>::quiet_NaN();  // NaN: none
  double penalty_min = std::numeric_limits<double>::quiet_NaN();   // NaN: twice the cutoff
  double critical_fte = std::numeric_limits<double>::quiet_NaN();  // NaN: RegimeParams::critical_gp_fte
  double merge_max_min = 30;
  ClosedSites closed_sites = ClosedSites::Default;  // merge for regime targets, close otherwise
  bool keep_urgent_care = true;
  std::vector<std::string> locked_open, locked_closed;
  CandidateSources candidates;
  std::string new_kind;  // "": the most common kind among the target's existing sites
  bool exact = true;
  double exact_time_limit_s = 30;
  bool exact_warm_start = true;  // the heuristic's answer is given to CBC as its first solution
  std::string need_indicator;
  double cutoff_min = 60;

  static Problem load(const std::string& path);  // throws Error naming the file and field
  static Problem parse(const std::string& json_text, const std::string& origin);
  [[nodiscard]] std::string to_json() const;
  // Throws Error (kind Usage) naming the field of a bad value.
  void validate() const;

 private:
  static Problem parse_checked(const std::string& json_text, const std::string& origin);
};

}  // namespace recompose::planner::optimise
