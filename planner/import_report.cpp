#include "planner/import_report.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "planner/format.hpp"

namespace recompose::planner {

namespace {

std::string fmt(double v, int decimals = 0) { return fr_number(v, decimals); }

}  // namespace

void ImportReport::add_join_example(JoinReport& j, const std::string& example) const {
  if (j.unmatched_examples.size() < 5) j.unmatched_examples.push_back(example);
}

std::string ImportReport::to_markdown() const {
  std::ostringstream o;
  o << "# Rapport d'import — " << title << " (`" << territory << "`)\n\n";
  o << "- Manifeste : `" << manifest << "`\n";
  o << "- Racine des données : `" << data_root << "`\n";
  o << "- Durée : " << fmt(seconds, 1) << " s ; mémoire maximale : " << fmt(peak_memory_mib, 0) << " Mio\n";
  o << "- Systèmes de coordonnées rencontrés : ";
  for (std::size_t i = 0; i < crs_seen.size(); ++i) o << (i ? ", " : "") << crs_seen[i];
  o << " ; calculs métriques en Lambert-93 (EPSG:2154)\n\n";

  o << "## Couches lues\n\n| Rôle | Fichier | Lues | Retenues | Remarque |\n|---|---|---:|---:|---|\n";
  for (const auto& l : layers) {
    o << "| " << md_cell(l.role) << " | `" << md_cell(l.path) << "` | " << l.read << " | " << l.kept << " | " << md_cell(l.note)
      << " |\n";
  }
  o << "\n## Populations\n\n| Source | Total |\n|---|---:|\n";
  for (const auto& p : populations) o << "| " << md_cell(p.source) << " | " << fmt(p.total, 0) << " |\n";
  o << "\n## Jointures\n\n| Jointure | Appariés | Non appariés | Exemples non appariés |\n|---|---:|---:|---|\n";
  for (const auto& j : joins) {
    o << "| " << md_cell(j.name) << " | " << j.matched << " | " << j.unmatched << " | ";
    for (std::size_t i = 0; i < j.unmatched_examples.size(); ++i) o << (i ? ", " : "") << md_cell(j.unmatched_examples[i]);
    o << " |\n";
  }
  o << "\nGéométries réparées (GEOS make-valid) : " << geometries_repaired << "\n\n";
  o << "Chevauchements entre unités (polygones IRIS) : " << unit_overlapping_pairs << " paires, "
    << fmt(unit_overlap_area_km2, 3) << " km² ; chaque chevauchement est attribué à la plus petite des unités et "
       "retiré des plus grandes (" << units_trimmed << " unités retouchées), de sorte que les unités et les bassins "
       "pavent le territoire sans se recouvrir.";
  for (std::size_t i = 0; i < unit_overlap_examples.size(); ++i) {
    o << (i ? " ; " : " Plus grands : ") << unit_overlap_examples[i];
  }
  o << "\n\n";

  o << "## Réseau routier\n\n";
  if (!has_roads) {
    o << "**Aucun réseau routier pour ce territoire.** " << roads_note
      << "\n\nLes temps de trajet routiers ne peuvent pas être calculés ; toute estimation devra être "
         "présentée comme « temps estimés à vol d'oiseau ».\n\n";
  } else {
    if (!roads_source.empty()) o << "- Données : " << roads_source << "\n";
    o << "- Méthode : " << roads_note << "\n";
    o << "- Graphe : " << fmt(nodes) << " nœuds, " << fmt(arcs) << " arcs orientés, " << fmt(segments)
      << " tronçons ; " << components << " composantes connexes, la principale compte " << fmt(main_component_nodes)
      << " nœuds\n";
    o << "- Empreinte des entrées : `" << graph_fingerprint << "`"
      << (graph_from_cache ? " (graphe relu depuis le cache)" : " (graphe construit)") << "\n";
    o << "- Hiérarchie de contraction (accélère les tables de temps, mêmes résultats) : " << fmt(static_cast<double>(ch_shortcuts))
      << " raccourcis" << (ch_from_cache ? " (relue depuis le cache)" : " (construite)") << "\n";
    if (!graph_from_cache) {
      o << "- Objets lus : " << road_stats.features_read << " ; routables : " << road_stats.ways_routable
        << " ; exclus (classe non routable) : " << road_stats.excluded_not_car
        << " ; exclus (accès interdit) : " << road_stats.excluded_access
        << " ; sans géométrie : " << road_stats.excluded_no_geometry << "\n";
      if (road_stats.has_direction_info) {
        o << "- Voies à sens unique : " << road_stats.oneway_ways << " ; vitesses maxspeed utilisées : "
          << road_stats.maxspeed_used << "\n";
      }
      if (road_stats.source_kind == "lines") {
        o << "- Bretelles : " << road_stats.ramp_ways << " ; voies nommées ou numérotées : " << road_stats.named_ways
          << " ; voies de service exclues (accès d'urgence…) : " << road_stats.excluded_service
          << " ; tronçons recousus (coupures des tuiles vectorielles) : " << road_stats.pieces_joined << "\n";
      } else {
        o << "- **Pas d'information de sens unique dans cette source : toutes les voies sont routées dans les deux "
             "sens.**\n";
      }
    }
    o << "\n| Classe | Tronçons | km | Tronçons à sens unique |\n|---|---:|---:|---:|\n";
    for (const auto& c : road_classes) {
      o << "| " << md_cell(c.name) << " | " << c.segments << " | " << fmt(c.length_km, 1) << " | " << c.oneway_segments
        << " |\n";
    }
    o << "\n## Rattachement au réseau\n\n";
    o << "- Unités rattachées : " << units_snapped << " ; hors réseau : " << units_off_network << " ("
      << fmt(population_off_network) << " habitants, non routés)\n";
    o << "- Établissements rattachés : " << facilities_snapped << " ; hors réseau : " << facilities_off_network << "\n";
    if (facilities_outside_kept + facilities_outside_dropped > 0) {
      o << "- Établissements hors territoire (effets de bord) : " << facilities_outside_kept
        << " gardés (situés hors des communes du territoire mais à portée de route d'au moins une unité) ; "
        << facilities_outside_dropped << " écartés (trop loin ou hors de l'emprise du réseau)\n";
    }
    for (const auto& e : off_network_examples) o << "  - " << e << "\n";
    o << "\n## Temps de trajet (point de l'unité vers l'établissement le plus proche)\n\n";
    o << "Temps routiers en voiture, accès hors réseau inclus ; moyennes pondérées par la population.\n\n";
    o << "| Destination | Établissements (routés) | Moyenne (min) | Médiane | 90e centile | Max | Pop. à plus de 30 min "
         "| Pop. non desservie |\n|---|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& t : travel) {
      o << "| " << md_cell(target_label(t.target)) << " | " << t.targets << " (" << t.targets_routed << ") | "
        << fmt(t.mean_min, 1) << " | " << fmt(t.median_min, 1) << " | " << fmt(t.p90_min, 1) << " | "
        << fmt(t.max_min, 1) << " | " << fmt(t.population_beyond_30_min) << " | " << fmt(t.population_unreachable)
        << " |\n";
    }
    o << "\n";
  }
  if (!assumptions.empty()) {
    o << "## Hypothèses\n\n";
    for (const auto& a : assumptions) o << "- " << a << "\n";
    o << "\n";
  }
  o << "## Diagnostics (" << diagnostics.size() << ")\n\n";
  std::map<std::string, int> by_code;
  for (const auto& d : diagnostics) ++by_code[std::string(geo::severity_name(d.severity)) + " " + d.code];
  for (const auto& [k, n] : by_code) o << "- " << k << " : " << n << "\n";
  o << "\n";
  std::map<std::string, int> shown;
  for (const auto& d : diagnostics) {
    if (++shown[d.code] > 8) continue;
    o << "- [" << geo::severity_name(d.severity) << "] " << d.code << " — " << d.where << " : " << d.message << "\n";
  }
  o << "\n## Durée des étapes\n\n";
  for (const auto& [k, v] : step_seconds) o << "- " << k << " : " << fmt(v, 2) << " s\n";
  return o.str();
}

std::string ImportReport::to_json() const {
  nlohmann::ordered_json j;
  j["territory"] = territory;
  j["title"] = title;
  j["manifest"] = manifest;
  j["data_root"] = data_root;
  j["seconds"] = seconds;
  j["peak_memory_mib"] = peak_memory_mib;
  j["crs_seen"] = crs_seen;
  for (const auto& l : layers) {
    j["layers"].push_back({{"role", l.role}, {"path", l.path}, {"layer", l.layer}, {"crs", l.crs},
                           {"read", l.read}, {"kept", l.kept}, {"note", l.note}});
  }
  for (const auto& p : populations) j["populations"].push_back({{"source", p.source}, {"total", p.total}});
  for (const auto& x : joins) {
    j["joins"].push_back({{"name", x.name}, {"matched", x.matched}, {"unmatched", x.unmatched},
                          {"unmatched_examples", x.unmatched_examples}});
  }
  j["geometries_repaired"] = geometries_repaired;
  j["unit_overlaps"] = {{"pairs", unit_overlapping_pairs},
                        {"area_km2", unit_overlap_area_km2},
                        {"units_trimmed", units_trimmed},
                        {"rule", "each overlap given to the smaller unit, cut out of the larger"},
                        {"largest", unit_overlap_examples}};
  j["roads"] = {{"present", has_roads}, {"note", roads_note}, {"source", roads_source}};
  if (has_roads) {
    auto& r = j["roads"];
    r["nodes"] = nodes;
    r["arcs"] = arcs;
    r["segments"] = segments;
    r["components"] = components;
    r["main_component_nodes"] = main_component_nodes;
    r["fingerprint"] = graph_fingerprint;
    r["from_cache"] = graph_from_cache;
    r["contraction_hierarchy"] = {{"shortcuts", ch_shortcuts}, {"from_cache", ch_from_cache}};
    r["has_direction_info"] = road_stats.has_direction_info;
    r["features_read"] = road_stats.features_read;
    r["excluded_not_car"] = road_stats.excluded_not_car;
    r["excluded_access"] = road_stats.excluded_access;
    r["excluded_service"] = road_stats.excluded_service;
    r["ramp_ways"] = road_stats.ramp_ways;
    r["named_ways"] = road_stats.named_ways;
    r["pieces_joined"] = road_stats.pieces_joined;
    for (const auto& c : road_classes) {
      r["classes"].push_back({{"class", c.name}, {"segments", c.segments}, {"length_km", c.length_km},
                              {"oneway_segments", c.oneway_segments}});
    }
    j["snapping"] = {{"units_snapped", units_snapped},
                     {"units_off_network", units_off_network},
                     {"population_off_network", population_off_network},
                     {"facilities_snapped", facilities_snapped},
                     {"facilities_off_network", facilities_off_network},
                     {"facilities_outside_kept", facilities_outside_kept},
                     {"facilities_outside_dropped", facilities_outside_dropped}};
    for (const auto& t : travel) {
      j["travel_times"].push_back({{"target", t.target},
                                   {"targets", t.targets},
                                   {"targets_routed", t.targets_routed},
                                   {"population", t.population},
                                   {"population_unreachable", t.population_unreachable},
                                   {"mean_min", t.mean_min},
                                   {"median_min", t.median_min},
                                   {"p90_min", t.p90_min},
                                   {"max_min", t.max_min},
                                   {"population_beyond_30_min", t.population_beyond_30_min}});
    }
  }
  j["assumptions"] = assumptions;
  for (const auto& d : diagnostics) {
    j["diagnostics"].push_back({{"severity", geo::severity_name(d.severity)}, {"code", d.code},
                                {"where", d.where}, {"message", d.message}});
  }
  j["step_seconds"] = step_seconds;
  return j.dump(2);
}

}  // namespace recompose::planner
