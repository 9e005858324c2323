#include "planner/workspace/scenario_store.hpp"

#include <cstdlib>

#include "planner/workspace/pg_territory.hpp"

namespace recompose::planner::workspace {

using geo::pg::Connection;
using geo::pg::quote_ident;

namespace {

constexpr const char* kColumns =
    "nom, version, auteur, base_version, "
    "to_char(cree_le AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC', "
    "to_char(modifie_le AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC', contenu";

StoredScenario row(const geo::pg::Result& r, int i) {
  StoredScenario s;
  s.name = r.text(i, 0);
  s.version = std::stoi(r.text(i, 1));
  s.author = r.text(i, 2);
  s.based_on = r.is_null(i, 3) ? 0 : std::stoi(r.text(i, 3));
  s.created_at = r.text(i, 4);
  s.modified_at = r.text(i, 5);
  s.json = r.text(i, 6);
  return s;
}

std::string describe(const StoredScenario& s) {
  return "version " + std::to_string(s.version) + " saved by " + s.author + " on " + s.modified_at;
}

}  // namespace

void ScenarioStore::ensure_table(Connection& c, const std::string& schema) {
  c.exec("CREATE TABLE IF NOT EXISTS " + quote_ident(schema) + "." + quote_ident(kScenariosTable) +
         " (nom text NOT NULL, version integer NOT NULL CHECK (version > 0), auteur text NOT NULL, "
         "cree_le timestamptz NOT NULL, modifie_le timestamptz NOT NULL DEFAULT now(), base_version integer, "
         "contenu text NOT NULL, PRIMARY KEY (nom, version))");
}

ScenarioStore::ScenarioStore(const std::string& locator)
    : loc_(geo::pg::parse_locator(locator)), c_(loc_), schema_(territory_schema(c_, loc_)) {
  ensure_table(c_, schema_);
}

std::vector<StoredScenario> ScenarioStore::list() {
  const auto r = c_.exec(std::string("SELECT DISTINCT ON (nom) ") + kColumns + " FROM " + quote_ident(schema_) + "." +
                         quote_ident(kScenariosTable) + " ORDER BY nom, version DESC");
  std::vector<StoredScenario> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(row(r, i));
  return out;
}

std::vector<StoredScenario> ScenarioStore::history(const std::string& name) {
  const auto r = c_.exec(std::string("SELECT ") + kColumns + " FROM " + quote_ident(schema_) + "." +
                             quote_ident(kScenariosTable) + " WHERE nom = $1 ORDER BY version",
                         {name});
  std::vector<StoredScenario> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(row(r, i));
  return out;
}

std::optional<StoredScenario> ScenarioStore::latest(const std::string& name) {
  const auto r = c_.exec(std::string("SELECT ") + kColumns + " FROM " + quote_ident(schema_) + "." +
                             quote_ident(kScenariosTable) + " WHERE nom = $1 ORDER BY version DESC LIMIT 1",
                         {name});
  if (r.rows() == 0) return std::nullopt;
  return row(r, 0);
}

StoredScenario ScenarioStore::get(const std::string& name, int version) {
  if (version == 0) {
    if (auto s = latest(name)) return *s;
  } else {
    const auto r = c_.exec(std::string("SELECT ") + kColumns + " FROM " + quote_ident(schema_) + "." +
                               quote_ident(kScenariosTable) + " WHERE nom = $1 AND version = $2",
                           {name, version});
    if (r.rows() == 1) return row(r, 0);
    if (auto s = latest(name)) {
      throw geo::Error(label() + ": scenario \"" + name + "\" has no version " + std::to_string(version) +
                       " (latest: " + describe(*s) + ")");
    }
  }
  std::string names;
  for (const auto& s : list()) names += (names.empty() ? "" : ", ") + s.name;
  throw geo::Error(label() + ": no scenario \"" + name + "\"" +
                   (names.empty() ? std::string(" (none saved yet)") : " (scenarios: " + names + ")"));
}

StoredScenario ScenarioStore::save(const SaveRequest& rq) {
  if (rq.name.empty()) throw geo::Error("a stored scenario needs a name", geo::ErrorKind::Usage);
  for (char ch : rq.name) {
    if (static_cast<unsigned char>(ch) < 0x20) throw geo::Error("scenario name with a control character", geo::ErrorKind::Usage);
  }
  (void)Scenario::parse(rq.json, "scenario \"" + rq.name + "\"");  // refuse before writing
  std::string author = rq.author;
  if (author.empty()) author = c_.exec("SELECT session_user").text(0, 0);
  const std::string table = quote_ident(schema_) + "." + quote_ident(kScenariosTable);

  auto conflict = [&](const StoredScenario& now) -> ConflictError {
    if (rq.based_on == 0) {
      return {label() + ": scenario \"" + rq.name + "\" already exists (" + describe(now) +
                  "); nothing was saved. Open it and save on top of it (based on version " +
                  std::to_string(now.version) + "), save yours as a new version, or choose another name",
              now};
    }
    return {label() + ": scenario \"" + rq.name + "\" was changed by someone else since you opened version " +
                std::to_string(rq.based_on) + ": " + describe(now) +
                ". Nothing was saved; look at version " + std::to_string(now.version) +
                ", then save yours as a new version or under another name",
            now};
  };

  for (int attempt = 0; attempt < 3; ++attempt) {
    const auto now = latest(rq.name);
    const int latest_version = now ? now->version : 0;
    if (rq.based_on > latest_version) {
      throw geo::Error(label() + ": scenario \"" + rq.name + "\" has no version " + std::to_string(rq.based_on) +
                       (now ? " (latest: " + describe(*now) + ")" : " (it does not exist yet)"));
    }
    if (latest_version != rq.based_on && !rq.as_new_version) throw conflict(*now);
    const int version = latest_version + 1;
    try {
      geo::pg::in_transaction(c_, [&] {
        c_.exec("INSERT INTO " + table +
                    " (nom, version, auteur, cree_le, base_version, contenu) VALUES ($1, $2, $3, "
                    "coalesce((SELECT cree_le FROM " + table + " WHERE nom = $1 AND version = 1), now()), $4, $5)",
                {rq.name, version, author, rq.based_on > 0 ? geo::pg::Param(rq.based_on) : geo::pg::Param(std::nullopt),
                 rq.json});
      });
    } catch (const geo::pg::SqlError& e) {
      if (!e.unique_violation()) throw;
      // Someone saved the same version number first.
      if (!rq.as_new_version) {
        if (auto winner = latest(rq.name)) throw conflict(*winner);
      }
      continue;  // as a new version: take the next number
    }
    return get(rq.name, version);
  }
  throw geo::Error(label() + ": scenario \"" + rq.name + "\" is being saved by others at the same time; try again");
}

Scenario load_scenario_ref(const std::string& territory, const std::string& ref, std::string* origin, int* stored) {
  if (stored) *stored = 0;
  if (ref.rfind("db:", 0) != 0) {
    if (origin) *origin = ref;
    return Scenario::load(ref);
  }
  if (!geo::pg::is_locator(territory)) {
    throw geo::Error("--scenario " + ref + ": db: scenarios are those of a territory in PostGIS (PG:...), not of " +
                     territory, geo::ErrorKind::Usage);
  }
  std::string name = ref.substr(3);
  int version = 0;
  if (const auto at = name.rfind('@'); at != std::string::npos) {
    const std::string v = name.substr(at + 1);
    char* end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || n <= 0) {
      throw geo::Error("--scenario " + ref + ": version after @ must be a positive whole number", geo::ErrorKind::Usage);
    }
    version = static_cast<int>(n);
    name = name.substr(0, at);
  }
  ScenarioStore store(territory);
  const StoredScenario s = store.get(name, version);
  const std::string label = "scenario \"" + s.name + "\" version " + std::to_string(s.version) + " (" + s.author + ", " +
                            s.modified_at + ")";
  if (origin) *origin = label;
  if (stored) *stored = s.version;
  Scenario sc = Scenario::parse(s.json, label);
  return sc;
}

}  // namespace recompose::planner::workspace
