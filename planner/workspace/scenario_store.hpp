// The planners' scenarios of a territory in PostGIS, with versions.
//
//   <schema>.recompose_scenarios (nom, version, auteur, cree_le, modifie_le,
//                                 base_version, contenu)
//
// Every save adds a version; none is overwritten. Saving is optimistic: a planner
// saves « on top of » the version they opened (`based_on`); when a colleague has saved
// a newer version since, the save is refused (ConflictError names who and when) and
// nothing is written; the planner may then save theirs as a further version
// (`as_new_version`), which records the version it was based on. Two saves racing for
// the same version number are settled by the table's primary key: one wins, the other
// is told, whatever the timing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "geo/postgres.hpp"
#include "planner/scenario.hpp"

namespace recompose::planner::workspace {

inline constexpr const char* kScenariosTable = "recompose_scenarios";

struct StoredScenario {
  std::string name, author;
  int version = 0;
  int based_on = 0;  // 0: a new scenario
  std::string created_at, modified_at;  // "2026-12-02 14:05:09 UTC"
  std::string json;  // the scenario file's text
};

class ConflictError : public geo::Error {
 public:
  ConflictError(std::string message, StoredScenario latest)
      : geo::Error(std::move(message)), latest_(std::move(latest)) {}
  [[nodiscard]] const StoredScenario& latest() const { return latest_; }

 private:
  StoredScenario latest_;
};

struct SaveRequest {
  std::string name;       // the scenario's name in the store
  std::string json;       // checked with Scenario::parse before anything is written
  std::string author;     // empty: the database user
  int based_on = 0;       // the version opened; 0: a new scenario
  bool as_new_version = false;  // on conflict, save as latest + 1 instead of refusing
};

class ScenarioStore {
 public:
  // The store of the territory at `locator` (PG:...).
  explicit ScenarioStore(const std::string& locator);

  static void ensure_table(geo::pg::Connection& c, const std::string& schema);

  // Latest version of every scenario, by name.
  std::vector<StoredScenario> list();
  // Every version of `name`, oldest first.
  std::vector<StoredScenario> history(const std::string& name);
  // `name` at `version` (0: the latest). Throws Error naming what exists.
  StoredScenario get(const std::string& name, int version = 0);
  // Saves; returns the stored version. Throws ConflictError (nothing written).
  StoredScenario save(const SaveRequest& request);

  [[nodiscard]] const std::string& schema() const { return schema_; }
  [[nodiscard]] std::string label() const { return loc_.display() + " schema " + schema_; }

 private:
  std::optional<StoredScenario> latest(const std::string& name);
  geo::pg::Locator loc_;
  geo::pg::Connection c_;
  std::string schema_;
};

// A scenario argument of the commands: a file, or `db:NAME` / `db:NAME@VERSION` in
// the territory's database. `origin` is set to what to name it by in messages,
// `version` to the stored version read (0 for a file).
Scenario load_scenario_ref(const std::string& territory, const std::string& ref, std::string* origin = nullptr,
                           int* version = nullptr);

}  // namespace recompose::planner::workspace
