#include "planner/basins_comparison.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "geo/error.hpp"
#include "geo/output_folder.hpp"
#include "geo/vector_io.hpp"
#include "planner/format.hpp"

namespace fs = std::filesystem;

namespace recompose::planner {

RegimeManifest RegimeManifest::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw geo::Error("regime manifest " + path + ": file not found");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw geo::Error("regime manifest " + path + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object() || j.value("format", "") != "recompose-regime/1") {
    throw geo::Error("regime manifest " + path + ": \"format\" must be \"recompose-regime/1\"");
  }
  RegimeManifest m;
  m.path = path;
  m.name = j.value("name", fs::path(path).stem().string());
  m.title = j.value("title", m.name);
  if (!j.contains("territories") || !j["territories"].is_array() || j["territories"].empty()) {
    throw geo::Error("regime manifest " + path + ": \"territories\" must list at least one basin manifest");
  }
  const fs::path base = fs::path(path).parent_path();
  for (const auto& t : j["territories"]) {
    if (!t.is_string() || t.get<std::string>().empty()) {
      throw geo::Error("regime manifest " + path + ": every entry of \"territories\" is a manifest path");
    }
    const fs::path p(t.get<std::string>());
    m.territories.push_back((p.is_absolute() ? p : base / p).string());
  }
  return m;
}

namespace {

// Figures that add up across basins: counts of people, affiliates, centres, licences.
bool adds_up(const ComparisonRow& r) {
  if (r.display_scale != 1) return false;  // shares
  return r.unit == "hab." || r.unit == "affiliés" || r.unit == "centres" || r.unit == "licences" ||
         r.unit == "officines" || r.unit == "patients" || r.unit == "sites" || r.unit == "UFT" || r.unit == "communes";
}

}  // namespace

BasinsComparison compare_basins(const std::vector<Comparison>& baselines, const std::vector<std::string>& dirs,
                                const std::string& title) {
  BasinsComparison b;
  b.title = title;
  const std::size_t n = baselines.size();
  std::map<std::string, std::size_t> row_of;
  for (std::size_t i = 0; i < n; ++i) {
    const Comparison& c = baselines[i];
    BasinColumn col;
    col.name = c.territory_name;
    col.title = c.territory_title.empty() ? c.territory_name : c.territory_title;
    col.time_model_label = c.time_model_label;
    col.fictitious_regime = c.fictitious_regime;
    col.straight_line = c.straight_line;
    col.population = c.population;
    col.territory_dir = i < dirs.size() ? dirs[i] : "";
    b.basins.push_back(col);
    for (const auto& r : c.rows) {
      auto it = row_of.find(r.key);
      if (it == row_of.end()) {
        ComparisonRow nr = r;
        nr.values.assign(n + 1, std::nan(""));
        it = row_of.emplace(r.key, b.rows.size()).first;
        b.rows.push_back(std::move(nr));
      }
      b.rows[it->second].values[i] = r.values.empty() ? std::nan("") : r.values[0];
    }
  }
  for (auto& r : b.rows) {
    const bool add = adds_up(r);
    b.additive.push_back(add);
    if (!add) continue;
    double sum = 0;
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isfinite(r.values[i])) {
        sum += r.values[i];
        any = true;
      }
    }
    r.values[n] = any ? sum : std::nan("");
  }
  return b;
}

std::string basins_markdown(const BasinsComparison& b) {
  std::ostringstream m;
  const std::size_t n = b.basins.size();
  m << "# " << b.title << "\n\n";
  m << "Chaque bassin est évalué dans sa situation actuelle avec les mêmes paramètres et les mêmes indicateurs "
       "que `recompose evaluate` et `recompose compare` ; une colonne par bassin, et le total des chiffres qui "
       "s'additionnent (habitants, affiliés, centres, licences). « — » : l'indicateur n'existe pas dans ce bassin "
       "(pas de site de ce type, pas de données du régime).\n\n";
  bool any_fictitious = false, any_straight = false;
  m << "| Bassin | Population | Modèle de temps | Données du régime |\n|---|---:|---|---|\n";
  for (const auto& c : b.basins) {
    any_fictitious = any_fictitious || c.fictitious_regime;
    any_straight = any_straight || c.straight_line;
    m << "| " << md_cell(c.title) << " (`" << md_cell(c.name) << "`) | " << fr_number(c.population) << " | "
      << md_cell(c.time_model_label)
      << " | " << (c.fictitious_regime ? std::string("**") + kFictitiousLabel + "**" : std::string("—")) << " |\n";
  }
  m << "\n";
  if (any_fictitious) {
    m << "> **⚠ Régime minier : " << kFictitiousLabel << ".** Les chiffres du régime (sites, équipes, affiliés) des "
         "bassins marqués ci-dessus sont inventés pour la démonstration.\n\n";
  }
  if (any_straight) {
    m << "> **Attention :** certains bassins n'ont pas de réseau routier : leurs temps sont estimés à vol d'oiseau "
         "et ne se comparent pas aux temps routiers des autres.\n\n";
  }
  auto table = [&](bool key_only) {
    m << "| Indicateur |";
    for (const auto& c : b.basins) m << " " << md_cell(c.name) << " |";
    m << " Total |\n|---|";
    for (std::size_t i = 0; i <= n; ++i) m << "---:|";
    m << "\n";
    std::string group;
    for (std::size_t k = 0; k < b.rows.size(); ++k) {
      const auto& r = b.rows[k];
      if (key_only != r.key_figure) continue;
      if (r.group != group) {
        group = r.group;
        m << "| **" << md_cell(group) << "** |";
        for (std::size_t i = 0; i <= n; ++i) m << " |";
        m << "\n";
      }
      m << "| " << md_cell(r.label) << (r.unit.empty() ? "" : " (" + r.unit + ")") << " |";
      for (std::size_t i = 0; i < n; ++i) m << " " << format_value(r, r.values[i]) << " |";
      m << " " << (b.additive[k] ? format_value(r, r.values[n]) : std::string("")) << " |\n";
    }
    m << "\n";
  };
  m << "## Chiffres clés\n\n";
  table(true);
  m << "## Autres indicateurs\n\n";
  table(false);
  m << "## Méthode\n\n- Mêmes paramètres pour tous les bassins (seuils, limite de calcul, règles du régime et des "
       "pharmacies) ; chaque bassin garde ses propres sources (voir le rapport d'import de chacun).\n"
       "- Les temps et couvertures sont ceux de chaque bassin, sans effet de bord entre bassins (ils sont loin les "
       "uns des autres).\n- Les totaux ne somment que des effectifs ; les moyennes et parts ne s'additionnent pas.\n";
  return m.str();
}

void write_basins(const BasinsComparison& b, const std::string& out_dir) {
  // Written as a whole (geo/output_folder.hpp): locked, staged, moved in at the end.
  geo::OutputFolder folder(out_dir);
  const std::string dir = folder.staging();
  try {
    const std::string md = basins_markdown(b);
    std::vector<geo::FieldDef> fields = {{"cle", geo::FieldType::String},
                                         {"groupe", geo::FieldType::String},
                                         {"indicateur", geo::FieldType::String},
                                         {"unite", geo::FieldType::String}};
    for (const auto& c : b.basins) fields.push_back({c.name, geo::FieldType::Real});
    fields.push_back({"total", geo::FieldType::Real});
    geo::VectorWriter csv((fs::path(dir) / "bassins.csv").string(), geo::VectorFormat::Csv);
    csv.begin_layer("bassins", geo::GeometryKind::None, fields);
    for (std::size_t k = 0; k < b.rows.size(); ++k) {
      const auto& r = b.rows[k];
      std::vector<geo::FieldValue> row;
      row.emplace_back(r.key);
      row.emplace_back(r.group);
      row.emplace_back(r.label);
      row.emplace_back(r.display_scale != 1 ? std::string("part (0 à 1)") : r.unit);
      for (double v : r.values) row.push_back(geo::real_or_null(v));
      if (!b.additive[k]) row.back() = geo::kNullField;
      csv.write(row);
    }
    csv.commit();
    geo::write_text_file_atomic((fs::path(dir) / "bassins.md").string(), md);
    folder.commit();
  } catch (const geo::Error& e) {
    throw folder.explained(e);
  }
}

}  // namespace recompose::planner
