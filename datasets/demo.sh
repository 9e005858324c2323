#!/usr/bin/env bash
# The README's demo: imports the default territory (loire) from the real open
# data and prints its import report; computes an origin-destination table
# units -> urgent-care sites; exports the routable graph; evaluates the baseline
# and two example scenarios; imports and evaluates lens-henin, which has no road
# network (its times are straight-line estimates, and every output says so).
# Usage: datasets/demo.sh RECOMPOSE_BINARY OUT_DIR   (data root: $RECOMPOSE_DATA_ROOT)
set -euo pipefail
bin=${1:?usage: demo.sh RECOMPOSE_BINARY OUT_DIR}
out=${2:?usage: demo.sh RECOMPOSE_BINARY OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)

echo "== 1. import loire (Saint-Étienne coal basin)"
"$bin" import "$here/loire.json" --out "$out/loire"

echo
echo "== 2. travel times from every IRIS to the urgent-care sites (60 min limit)"
"$bin" times "$out/loire" --from units --to facilities:urgent_care --max-minutes 60 \
  --out "$out/loire/temps_iris_urgences.csv"

echo
echo "== 3. the routable graph, for checking with any other router"
"$bin" graph info "$out/loire"
"$bin" graph export "$out/loire" --out "$out/loire/graphe_routier.geojson"

echo
echo "== 4. evaluation: baseline and the closure of the busiest urgent-care site"
"$bin" evaluate "$out/loire" --scenario "$here/scenarios/loire-fermeture-urgences-nord.json" \
  --out "$out/loire/evaluation-fermeture-urgences-nord"
echo
"$bin" evaluate "$out/loire" --scenario "$here/scenarios/loire-recomposition.json" \
  --out "$out/loire/evaluation-recomposition"

echo
echo "== 5. lens-henin (Nord-Pas-de-Calais mining basin, no road network in the data)"
"$bin" import "$here/lens-henin.json" --out "$out/lens-henin" --quiet
"$bin" evaluate "$out/lens-henin" --out "$out/lens-henin/evaluation" \
  --need-indicator mortalite_prematuree_maladies_cardiovasculaires

echo
echo "Outputs in $out/: territory.gpkg, import_report.md, temps_iris_urgences.csv, graphe_routier.geojson,"
echo "and per evaluation: rapport.md, summary.json, unites/etablissements/bassins/isochrones .geojson, evaluation.gpkg, CSV tables"
