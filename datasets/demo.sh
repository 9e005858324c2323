#!/usr/bin/env bash
# The README's demo, on real open data only:
#   1. the default territory, the Nord-Pas-de-Calais mining basin (330 communes of the
#      Mission Bassin Minier, OpenStreetMap 2021 car network): import report, travel
#      times to the urgent-care sites, the baseline and two regime scenarios (closing an
#      antenna, regrouping two historic centres), its print maps (before/after,
#      difference, isochrones), an atlas by EPCI and the workshop dossier (PDF), and a
#      proposal of the optimiser (at most 12 regime GP sites of critical size);
#   2. the Loire coal basin on its complete OSM 2021 network: two scenarios and the
#      exported routable graph, for checking with any other router;
#   3. lens-henin (zone d'emploi de Lens) on the same NPDC roads, sharing the graph;
#   4. the whole regime: the nine basins with real roads compared on the same indicators.
# Usage: datasets/demo.sh RECOMPOSE_BINARY OUT_DIR   (data root: $RECOMPOSE_DATA_ROOT)
set -euo pipefail
bin=${1:?usage: demo.sh RECOMPOSE_BINARY OUT_DIR}
out=${2:?usage: demo.sh RECOMPOSE_BINARY OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
npdc="$out/bassin-minier-npdc"

echo "== 1. import bassin-minier-npdc (Nord-Pas-de-Calais mining basin, real roads)"
"$bin" import "$here/bassin-minier-npdc.json" --out "$npdc" --graph-cache "$out/graph-cache/npdc"

echo
echo "== 2. travel times from every IRIS to the urgent-care sites (60 min limit)"
"$bin" times "$npdc" --from units --to facilities:urgent_care --max-minutes 60 \
  --out "$npdc/temps_iris_urgences.csv"
"$bin" graph info "$npdc"

echo
echo "== 3. evaluation: closing an antenna, regrouping two historic centres, the mining pharmacies' options"
"$bin" evaluate "$npdc" --scenario "$here/scenarios/npdc-fermeture-antenne-oignies.json" \
  --out "$npdc/evaluation-fermeture-antenne-oignies" \
  --need-indicator mortalite_prematuree_maladies_cardiovasculaires \
  --dossier "$npdc/dossier-fermeture-antenne-oignies.pdf"
echo
"$bin" evaluate "$npdc" --scenario "$here/scenarios/npdc-regroupement-lens-henin.json" \
  --out "$npdc/evaluation-regroupement-lens-henin" \
  --need-indicator mortalite_prematuree_maladies_cardiovasculaires

echo
"$bin" evaluate "$npdc" --scenario "$here/scenarios/npdc-pharmacies-minieres.json" \
  --out "$npdc/evaluation-pharmacies-minieres"

echo
echo "== 3b. print maps and atlas (PDF, PNG) of the NPDC basin"
"$bin" map "$npdc" --scenario "$here/scenarios/npdc-fermeture-antenne-oignies.json" \
  --indicator temps:mining_health_building --layout before-after --out "$npdc/cartes/oignies-avant-apres.pdf"
"$bin" map "$npdc" --scenario "$here/scenarios/npdc-fermeture-antenne-oignies.json" \
  --indicator temps:mining_health_building --layout difference --out "$npdc/cartes/oignies-ecarts.pdf"
"$bin" map "$npdc" --indicator temps:urgent_care --isochrones --out "$npdc/cartes/urgences.png"
"$bin" atlas "$npdc" --by epci --indicator temps:urgent_care --out "$npdc/cartes/atlas-epci-urgences.pdf"

echo
echo "== 3c. comparison of three options (close, move, regroup): comparaison.md / .csv"
"$bin" compare "$npdc" --scenario "$here/scenarios/npdc-fermeture-antenne-oignies.json" \
  --scenario "$here/scenarios/npdc-deplacement-dispensaire-oignies-carvin.json" \
  --scenario "$here/scenarios/npdc-regroupement-lens-henin.json" --out "$npdc/comparaison"

echo
echo "== 3d. proposer une recomposition: at most 12 regime GP sites, each of critical size (3 GP FTE),"
echo "       closed sites' teams merged into kept ones (fictitious regime data; heuristic, then CBC for 10 s at most)"
"$bin" optimise "$npdc" --objective capacitated --sites 12 --time-limit 10 \
  --out "$npdc/optimisation-taille-critique"

echo
echo "== 4. loire (Saint-Étienne coal basin) on its complete OSM 2021 network"
"$bin" import "$here/loire.json" --out "$out/loire" --quiet
"$bin" evaluate "$out/loire" --scenario "$here/scenarios/loire-fermeture-urgences-nord.json" \
  --out "$out/loire/evaluation-fermeture-urgences-nord"
echo
"$bin" evaluate "$out/loire" --scenario "$here/scenarios/loire-recomposition.json" \
  --out "$out/loire/evaluation-recomposition"
"$bin" graph export "$out/loire" --out "$out/loire/graphe_routier.gpkg"

echo
echo "== 5. lens-henin (zone d'emploi de Lens) on the same roads (graph shared with step 1)"
"$bin" import "$here/lens-henin.json" --out "$out/lens-henin" --graph-cache "$out/graph-cache/npdc" --quiet
"$bin" evaluate "$out/lens-henin" --out "$out/lens-henin/evaluation" \
  --need-indicator mortalite_prematuree_maladies_cardiovasculaires \
  --scenario "$here/scenarios/lens-henin-regime-regroupements.json"

echo
echo "== 6. the whole regime: every basin with real roads on the same indicators (france-regime-minier)"
"$bin" regime "$here/france-regime-minier.json" --work "$out/regime" --out "$out/regime/comparaison"

echo
echo "Outputs in $out/: per territory territory.gpkg, import_report.md, and per evaluation: rapport.md,"
echo "summary.json, unites/etablissements/bassins/isochrones .geojson, evaluation.gpkg (with QGIS styles), CSV tables;"
echo "print maps, atlas and the workshop dossier (PDF) of the NPDC basin in $npdc/cartes and $npdc/dossier-*.pdf"
