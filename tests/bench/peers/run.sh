#!/usr/bin/env bash
# Peers, side by side on the same graph (issue 5).
#
# Runs the SAME one-to-many work -- N seeded sources in the main component,
# forward travel times bounded by 60 minutes -- in Recompose, NetworkX and pgRouting
# on the Saint-Étienne road graph exported by `recompose graph export`, then
# reports the ratio of times and checks that travel times agree for every node.
# Recompose runs three ways: bounded Dijkstra, contraction hierarchy + PHAST one
# source per sweep, and PHAST 16 sources per sweep (hierarchy build timed apart).
# Prints a Markdown report and writes it to tests/bench/peers/results.md.
#
#   tests/bench/peers/run.sh            # from anywhere; not run by CI
#
# Environment (all optional):
#   RECOMPOSE_BUILD   build directory (default: <repo>/build)
#   PEERS_TERRITORY   territory directory to export (default: <repo>/out/loire;
#                     created with `recompose import` if missing; if its graph
#                     cache is stale, a fresh import goes to the temp dir instead)
#   PEERS_SOURCES     number of sources (default 20)
#   PEERS_SEED        seed of the source draw (default 5)
#   PEERS_REPEAT      timed runs per source, the fastest is kept (default 3)
#   PEERS_PG_VERSION  PostgreSQL major version (default 15)
#
# Installs what it lacks with apt-get (needs root then): python3-networkx (only if
# no python3 on PATH imports networkx), postgresql-$V-pgrouting (brings PostGIS).
# Starts a throw-away PostgreSQL cluster on a unix socket in a temp dir, stops and
# removes it on exit. The whole run is capped at 10 minutes.
set -euo pipefail

if [[ -z "${PEERS_UNDER_TIMEOUT:-}" ]]; then
  export PEERS_UNDER_TIMEOUT=1
  exec timeout -k 15 600 bash "$0" "$@"
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
BUILD="${RECOMPOSE_BUILD:-$REPO/build}"
TERRITORY="${PEERS_TERRITORY:-$REPO/out/loire}"
N_SOURCES="${PEERS_SOURCES:-20}"
SEED="${PEERS_SEED:-5}"
REPEAT="${PEERS_REPEAT:-3}"
PGVER="${PEERS_PG_VERSION:-15}"
LIMIT_S=3600
LIMIT_DS=$((LIMIT_S * 10))
CLI="$BUILD/planner/recompose"
export RECOMPOSE_REPO="$REPO"

log() { printf '[peers %3ds] %s\n' "$SECONDS" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -x "$CLI" ]] || die "$CLI not found: build Recompose first (make / cmake --build build)"

WORK="$(mktemp -d /tmp/recompose-peers.XXXXXX)"
chmod 755 "$WORK"
PGDIR="$WORK/pg"
PGBIN="/usr/lib/postgresql/$PGVER/bin"
PGPORT=55432
PG_STARTED=0
NOTES=()
read -r LOAD_START _ </proc/loadavg

as_pg() {  # run a PostgreSQL program as the cluster owner (initdb refuses root)
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ $PG_STARTED -eq 1 && -f "$PGDIR/data/postmaster.pid" ]]; then
    log "stopping the throw-away PostgreSQL cluster"
    if ! as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
      local pid
      pid="$(head -1 "$PGDIR/data/postmaster.pid" 2>/dev/null || true)"
      if [[ -n "$pid" ]]; then kill -QUIT "$pid" 2>/dev/null || true; fi
    fi
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' INT TERM

# --- what we use -------------------------------------------------------------
apt_install() {
  [[ $EUID -eq 0 ]] || die "missing $*; install it (apt-get install $*) or run as root"
  log "apt-get install $*"
  if ! DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q "$@" >"$WORK/apt.log" 2>&1; then
    timeout 120 apt-get update -q >>"$WORK/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q "$@" >>"$WORK/apt.log" 2>&1 ||
      { tail -20 "$WORK/apt.log" >&2; die "apt-get install $* failed"; }
  fi
}

PY=""
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import networkx' 2>/dev/null; then PY="$(command -v "$p")"; break; fi
done
if [[ -z "$PY" ]]; then
  apt_install python3-networkx
  PY=/usr/bin/python3
  "$PY" -c 'import networkx' || die "networkx still not importable by $PY"
fi
if [[ ! -x "$PGBIN/initdb" || ! -f "/usr/share/postgresql/$PGVER/extension/pgrouting.control" ]]; then
  apt_install "postgresql-$PGVER" "postgresql-$PGVER-pgrouting"
fi
# Debian's postgresql-common may create (and start) a system cluster on install:
# that one is not ours and is left alone; ours lives in $WORK only.

# --- the graph -----------------------------------------------------------------
if [[ ! -d "$TERRITORY" ]]; then
  log "no $TERRITORY: importing it"
  timeout 120 "$CLI" import "$REPO/datasets/loire.json" --out "$TERRITORY" --quiet
fi
log "exporting the graph of $TERRITORY"
if ! timeout 120 "$CLI" graph export "$TERRITORY" --out "$WORK/arcs.csv" >"$WORK/export.log" 2>&1; then
  log "$(cat "$WORK/export.log")"
  log "cannot export $TERRITORY (stale graph cache?): fresh import into the temp dir"
  NOTES+=("$TERRITORY could not be exported ($(tr '\n' ' ' <"$WORK/export.log" | cut -c1-200)); the graph was re-imported from datasets/loire.json into a temp dir for this run.")
  TERRITORY="$WORK/loire"
  timeout 120 "$CLI" import "$REPO/datasets/loire.json" --out "$TERRITORY" --quiet
  timeout 120 "$CLI" graph export "$TERRITORY" --out "$WORK/arcs.csv" >"$WORK/export.log" 2>&1 ||
    { cat "$WORK/export.log" >&2; die "graph export failed"; }
fi
log "$(cat "$WORK/export.log")"
"$PY" "$HERE/peers.py" prepare "$WORK/arcs.csv" "$N_SOURCES" "$SEED" "$WORK/sources.txt" "$WORK/edges.csv" >&2

# --- 1. Recompose ------------------------------------------------------------------
RT="$BUILD/tests/recompose_times"
if [[ -x "$RT" && "$RT" -nt "$HERE/recompose_times.cpp" && "$RT" -nt "$BUILD/geo/librecompose_geo.a" ]]; then
  log "using $RT"
else
  log "compiling recompose_times.cpp by hand (-O2, as the RelWithDebInfo build)"
  RT="$WORK/recompose_times"
  # shellcheck disable=SC2046
  timeout 180 g++ -std=c++20 -O2 -I"$REPO" "$HERE/recompose_times.cpp" -o "$RT" \
    "$BUILD/geo/librecompose_geo.a" $(pkg-config --libs proj) -lgdal $(geos-config --clibs)
fi
# Three methods on the same sources: bounded Dijkstra, PHAST one source per sweep,
# PHAST 16 sources per sweep. The CH build (PHAST) is preprocessing, timed apart.
declare -A RC_NAME=([dijkstra]="Recompose, bounded Dijkstra"
                    [phast]="Recompose, CH + PHAST (1 source per sweep)"
                    [phast16]="Recompose, CH + PHAST (16 sources per sweep)")
RC_METHODS=(dijkstra phast phast16)
declare -A LOAD_AT
for m in "${RC_METHODS[@]}"; do
  read -r LOAD_AT["$m"] _ </proc/loadavg
  log "Recompose ($m): $N_SOURCES one-to-many searches"
  timeout 120 "$RT" "$TERRITORY/graph.rcg" "$WORK/sources.txt" "$LIMIT_DS" \
    "$WORK/recompose_${m}_times.csv" "$WORK/recompose_${m}_timings.csv" "$REPEAT" --method "$m" \
    >"$WORK/recompose_$m.log"
  cat "$WORK/recompose_$m.log" >&2
  NOTES+=("${RC_NAME[$m]}: $(cat "$WORK/recompose_$m.log").")
done
# The three result files are written sorted by (source, node): they must be byte-identical.
# (A difference is also reported, node by node, by the comparison below, which then fails.)
same=()
for m in phast phast16; do
  if cmp -s "$WORK/recompose_dijkstra_times.csv" "$WORK/recompose_${m}_times.csv"; then
    same+=("$m")
  else
    log "warning: Recompose $m and dijkstra wrote different result files"
  fi
done
if [[ ${#same[@]} -eq 2 ]]; then
  NOTES+=("The three Recompose result files (source,node,seconds for every node within the limit, sorted) are byte-identical (cmp).")
else
  NOTES+=("The Recompose result files are NOT byte-identical (identical to dijkstra: ${same[*]:-none}).")
fi
NOTES+=("PHAST times per search include the cutoff pass (collecting the nodes within ${LIMIT_S} s out of the full sweep), as the other tools' times include building their result; sweep_only_median_ms is the sweep alone. phast16: time per source = fastest sweep of the batch / sources in the batch; with $N_SOURCES sources the batches are $(grep -o 'batches=[0-9+]*' "$WORK/recompose_phast16.log" | cut -d= -f2) (a partial batch costs more per source). ch_build_s is the contraction-hierarchy build, done once per process before the searches and excluded from their times.")

# --- 2. NetworkX ---------------------------------------------------------------------
read -r LOAD_NX _ </proc/loadavg
log "NetworkX ($PY): $N_SOURCES one-to-many searches"
timeout 240 "$PY" "$HERE/peers.py" networkx "$WORK/arcs.csv" "$WORK/sources.txt" "$LIMIT_S" \
  "$WORK/networkx_times.csv" "$WORK/networkx_timings.csv" "$REPEAT" >"$WORK/networkx.log"
cat "$WORK/networkx.log" >&2
NOTES+=("NetworkX: $(cat "$WORK/networkx.log"), Python $("$PY" -c 'import platform; print(platform.python_version())').")

# --- 3. pgRouting --------------------------------------------------------------------
log "pgRouting: throw-away PostgreSQL $PGVER cluster in $PGDIR"
mkdir -p "$PGDIR"
[[ $EUID -eq 0 ]] && chown postgres: "$PGDIR"
chmod a+r "$WORK/edges.csv" "$WORK/sources.txt"
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$WORK/initdb.log" 2>&1 ||
  { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
PG_STARTED=1
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
  -o "-k $PGDIR -p $PGPORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB -c work_mem=256MB" \
  start >/dev/null || { cat "$PGDIR/server.log" >&2; die "pg_ctl start failed"; }

cat >"$PGDIR/bench.sql" <<SQL
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION postgis;
CREATE EXTENSION pgrouting;
CREATE TABLE edges (id bigint PRIMARY KEY, source bigint NOT NULL, target bigint NOT NULL,
                    cost float8 NOT NULL, reverse_cost float8 NOT NULL DEFAULT -1);
\copy edges (id, source, target, cost) FROM '$WORK/edges.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE sources (ord serial, node bigint NOT NULL);
\copy sources (node) FROM '$WORK/sources.txt'
VACUUM ANALYZE edges;
CREATE TABLE res (source bigint, node bigint, agg_cost float8);
CREATE TABLE timing (ord int, source bigint, ms float8, settled bigint);
CREATE TABLE overhead (source bigint, ms float8);
DO \$\$
DECLARE
  q constant text := 'SELECT id, source, target, cost, reverse_cost FROM edges';
  r record; t0 timestamptz; n bigint; i int; best float8; e float8;
BEGIN
  -- warm-up (loads the library, caches the edges table), untimed
  PERFORM count(*) FROM pgr_drivingDistance(q, (SELECT node FROM sources ORDER BY ord LIMIT 1), $LIMIT_S, true);
  FOR r IN SELECT ord, node FROM sources ORDER BY ord LOOP
    -- timed: the search alone, its rows counted (not stored); fastest of $REPEAT
    best := NULL;
    FOR i IN 1..$REPEAT LOOP
      t0 := clock_timestamp();
      SELECT count(*) INTO n FROM pgr_drivingDistance(q, r.node, $LIMIT_S, true);
      e := 1000 * extract(epoch FROM clock_timestamp() - t0);
      best := least(best, e);
    END LOOP;
    INSERT INTO timing VALUES (r.ord, r.node, best, n);
    -- fixed cost per call: read the edges through SPI and build the Boost graph
    -- (the same call with distance 0); fastest of $REPEAT
    best := NULL;
    FOR i IN 1..$REPEAT LOOP
      t0 := clock_timestamp();
      PERFORM count(*) FROM pgr_drivingDistance(q, r.node, 0, true);
      e := 1000 * extract(epoch FROM clock_timestamp() - t0);
      best := least(best, e);
    END LOOP;
    INSERT INTO overhead VALUES (r.node, best);
    -- untimed: the same search again, rows stored for the comparison
    INSERT INTO res SELECT r.node, d.node, d.agg_cost FROM pgr_drivingDistance(q, r.node, $LIMIT_S, true) d;
  END LOOP;
END
\$\$;
\copy (SELECT source, node, agg_cost FROM res) TO '$PGDIR/pgrouting_times.csv' WITH (FORMAT csv, HEADER true)
\copy (SELECT source, ms, settled FROM timing ORDER BY ord) TO '$PGDIR/pgrouting_timings.csv' WITH (FORMAT csv, HEADER true)
\copy (SELECT source, ms FROM overhead) TO '$PGDIR/pgrouting_fixed.csv' WITH (FORMAT csv, HEADER true)
\pset tuples_only on
\pset format unaligned
SELECT 'versions: PostgreSQL ' || current_setting('server_version') || ', pgRouting ' || pgr_version()
       || ', PostGIS ' || postgis_lib_version();
SELECT 'fixed cost per call (read edges + build graph: the same call with distance 0): median '
       || round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) || ' ms' FROM overhead;
SQL
read -r LOAD_PG _ </proc/loadavg
log "pgRouting: $N_SOURCES sources x ($REPEAT timed searches + $REPEAT distance-0 calls + 1 for the results)"
as_pg timeout 300 "$PGBIN/psql" -X -q -h "$PGDIR" -p "$PGPORT" -U postgres -d postgres -f "$PGDIR/bench.sql" \
  >"$WORK/pgrouting.log" 2>&1 || { cat "$WORK/pgrouting.log" >&2; die "pgRouting run failed"; }
cat "$WORK/pgrouting.log" >&2
while IFS= read -r line; do [[ -n "$line" ]] && NOTES+=("pgRouting: $line."); done <"$WORK/pgrouting.log"
NOTES+=("pgRouting timings are per pgr_drivingDistance call, which reads the edge table through SPI and builds its Boost graph every time (that fixed cost is included, as it is in any use of the function); parallel arcs are kept (Boost uses the cheapest).")
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w -t 30 stop >/dev/null && PG_STARTED=0

# --- compare -------------------------------------------------------------------------
read -r load1 load5 _ </proc/loadavg
busy="$(ps -eo pcpu=,comm= --sort=-pcpu | awk '$1 >= 30 {printf "%s%s (%s%% CPU)", sep, $2, $1; sep=", "}')"
NOTES+=("Load average: $LOAD_START at the start, $load1 (1 min) and $load5 (5 min) at the end, on $(nproc) CPU(s)${busy:+; busy processes: $busy}. Another process (e.g. a fuzzer) using a core makes the timings noisy, the ratios less so (every tool runs single-threaded).")
NOTES+=("Recompose: $(basename "$RT") built from tests/bench/peers/recompose_times.cpp; run.sh took ${SECONDS} s up to the comparison. Sources: $N_SOURCES, seed $SEED, $REPEAT timed runs per source, drawn by peers.py among main-component nodes.")

args=()
for m in "${RC_METHODS[@]}"; do
  args+=("${RC_NAME[$m]}=$WORK/recompose_${m}_times.csv=$WORK/recompose_${m}_timings.csv"
         --load "${RC_NAME[$m]}=${LOAD_AT[$m]}")
  build_s="$(grep -o 'ch_build_s=[0-9.]*' "$WORK/recompose_$m.log" | cut -d= -f2)"
  [[ "$m" == dijkstra ]] || args+=(--prep "${RC_NAME[$m]}=$build_s")
done
args+=("NetworkX=$WORK/networkx_times.csv=$WORK/networkx_timings.csv" --load "NetworkX=$LOAD_NX"
       "pgRouting=$PGDIR/pgrouting_times.csv=$PGDIR/pgrouting_timings.csv" --load "pgRouting=$LOAD_PG"
       --fixed "pgRouting=$PGDIR/pgrouting_fixed.csv")
for n in "${NOTES[@]}"; do args+=(--note "$n"); done
"$PY" "$HERE/peers.py" compare "$LIMIT_S" "$REPEAT" "$HERE/results.md" "${args[@]}"
