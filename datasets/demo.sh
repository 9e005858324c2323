#!/usr/bin/env bash
# The README's demo: imports the default territory (loire) from the real open
# data, prints its import report (with the travel-time summary), computes an
# origin-destination table units -> urgent-care sites, exports the routable graph,
# and imports lens-henin (which has no road network, and says so).
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
echo "== 4. import lens-henin (Nord-Pas-de-Calais mining basin, no road network in the data)"
"$bin" import "$here/lens-henin.json" --out "$out/lens-henin" --quiet
sed -n '/^## Réseau routier/,/^## Hypothèses/p' "$out/lens-henin/import_report.md" | head -n 8

echo
echo "Outputs in $out/: territory.gpkg, import_report.md/.json, temps_iris_urgences.csv, graphe_routier.geojson"
