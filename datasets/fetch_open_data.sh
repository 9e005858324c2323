#!/usr/bin/env bash
# fetch_open_data.sh — download the public open data kept in shared/datasets/raw/
# from its producers / public origins and lay it out under the same relative
# paths and file names (see shared/datasets/raw/SOURCES.md for provenance).
#
# Needs: bash >= 4, curl (or wget), python3 (standard library only), tar, gunzip.
# Optional: git (checks the blob id of the road files), sha1sum (npm tarball).
# Never invents data: every file is either an unchanged copy of its origin or
# a simple row/feature filter of it, done the way SOURCES.md describes. Where a
# derivation is not scriptable, the official source product is downloaded and
# the remaining manual step is printed at the end.
set -euo pipefail

PROG=${0##*/}

# --------------------------------------------------------------------------
# Origins (commits as stated in SOURCES.md)
# --------------------------------------------------------------------------
FRANCE_GEOJSON_REPO=gregoiredavid/france-geojson
FRANCE_GEOJSON_REF=5d34ee6
DECOUPAGE_VERSION=6.0.0
DECOUPAGE_TGZ_URL="https://registry.npmjs.org/@etalab/decoupage-administratif/-/decoupage-administratif-${DECOUPAGE_VERSION}.tgz"
DECOUPAGE_TGZ_SHA1=0330556cf07e21fff21111e5775a316ec18b9636
FRANCE_IRIS_REPO=bovine3dom/france-iris
FRANCE_IRIS_REF=252071b
EPIDIA_REPO=EpidIA-org/AI_epidemiology
EPIDIA_REF=d877ecb0fc6f1d2685bcfee469535e378e02637d
AUBRY_REPO=aubryprieur/streamlit_data_territoire
AUBRY_REF=7618e8e
MARIE_REPO=marie678/test
MARIE_REF=3d0843d
CFAS_REPO=mission-apprentissage/flux-retour-cfas
CFAS_REF=67837c5
BASSIN_REPO=rlespinasse/bassin-minier-unesco
BASSIN_REF=db8dc78
EUROSTAT_REPO=eurostat/basic-services
EUROSTAT_REF=f200d0c
MOHAMMED_REPO=Mohammedfns/Observatoire-des-In-galit-s-en-Sant---Hauts-de-France
MOHAMMED_REF=c4e89d5
CPPROUTING_REPO=vlarmet/cppRouting
CPPROUTING_REF=c1e00e2
OSRM_REPO=Project-OSRM/osrm-backend
OSRM_REF=4fc76ca
OSMOSE_REPO=osm-fr/osmose-backend
OSMOSE_REF=53463c4
SUBWAY_STE_REPO=pierreggt/subwaybuilder-maps-france
SUBWAY_STE_REF=adef079df573cb71d8be4571fe3ce669d40efbe2
FRANCEPACK_REPO=flopinou/FrancePack
FRANCEPACK_REF=33caa06c54da56816621eaff098ec6a8830ca92b

# Official producer products (IGN Géoplateforme, INSEE, Geofabrik)
IGN_DL=https://data.geopf.fr/telechargement/download
IGN_IRIS_NAME=CONTOURS-IRIS_2-1__SHP__FRA_2020-01-01
IGN_IRIS_URL="$IGN_DL/CONTOURS-IRIS/$IGN_IRIS_NAME/$IGN_IRIS_NAME.7z"
IGN_ADMINEXPRESS_NAME=ADMIN-EXPRESS-COG_1-1__SHP__FRA_2018-04-03
IGN_ADMINEXPRESS_URL="$IGN_DL/ADMIN-EXPRESS-COG/$IGN_ADMINEXPRESS_NAME/$IGN_ADMINEXPRESS_NAME.7z"
GEOFABRIK_BASE=https://download.geofabrik.de/europe/france
GEOFABRIK_REGIONS=${GEOFABRIK_REGIONS:-"nord-pas-de-calais rhone-alpes lorraine"}

SCOPES=(57-59-62 42-43-69-07)

# Scope 42-43-69-07 (SOURCES.md, "Loire (42) territory"): all of 42 plus the 58
# communes of 43/69/07 (COG 2018) whose polygon intersects the extent of the
# Saint-Etienne road file (4.1276-4.7384 E, 45.2741-45.6712 N), plus their
# former/delegated codes used by tables in an older or newer COG.
FETCH_NEIGHBOURS="07041 07044 07056 07089 07143 07172 07225 07243 07265 07310 07344
43012 43020 43025 43058 43127 43137 43153 43163 43177 43184 43205 43213 43223 43224
43227 43236 69014 69042 69051 69062 69064 69078 69080 69091 69095 69097 69110 69119
69132 69136 69141 69148 69155 69166 69170 69176 69179 69180 69184 69219 69227 69228
69236 69238 69241 69249 69252"
FETCH_FORMER="69048 69195 69213 69226 69237"
export FETCH_NEIGHBOURS FETCH_FORMER

STANDARD_GROUPS=(
  france-geojson
  etalab-decoupage-administratif
  contours-iris-2020
  insee-iris
  insee-zonages
  bassin-minier-unesco
  eurostat-healthcare
  insee-mortalite
  ors-npdc-2016
  insee-bpe-2017
  osm-fallback
  roads
)
OPTIONAL_GROUPS=(osm-geofabrik osm-basins finess official-sources)

usage() {
  cat <<EOF
Usage: $PROG [options]

Download the public open data of shared/datasets/raw/ from its producers and
public origins (IGN/france-geojson, npm @etalab/decoupage-administratif,
INSEE tables as published in the GitHub repositories named in SOURCES.md,
Eurostat GISCO healthcare, OSM extracts, Subway-Builder road files...) and
lay it out under DEST with the same relative paths and file names.

Options:
  --dest DIR          target directory (default: \$RECOMPOSE_DATA_ROOT, else ./data/raw)
  --only NAME         fetch only this group (repeatable); see --list
  --include-optional  also fetch the opt-in groups (${OPTIONAL_GROUPS[*]})
  --force             replace files that already exist (default: keep them)
  --dry-run           print what would be fetched/derived; download nothing
  --list              list the group names and exit
  -h, --help          show this help and exit

Groups (default: all standard groups):
  ${STANDARD_GROUPS[*]}
Opt-in groups (only with --only NAME or --include-optional):
  osm-geofabrik     Geofabrik extracts <region>-latest.osm.pbf for
                    GEOFABRIK_REGIONS="$GEOFABRIK_REGIONS" (large)
  osm-basins        current OpenStreetMap car data of each mining basin: the
                    Geofabrik regional extract cut to the basin's box with
                    osmium (needs osmium-tool) -> osm-basins/<basin>.osm.pbf,
                    readable by a manifest with "roads": {"kind": "osm", ...}
  finess            the national FINESS extract (Etalab,
                    etalab-cs1100507-stock-*.csv) -> finess/, found through
                    the data.gouv.fr API (dataset finess-extraction-du-
                    fichier-des-etablissements)
  official-sources  IGN ADMIN EXPRESS COG 2018 and INSEE source tables, kept
                    unmodified under DEST/_official/ for cross-checking

Every download goes to a temporary file that is renamed once complete.
Steps that cannot be scripted (contours-iris-2020, ors-npdc-2016 and one
derived CSV of france-geojson) are listed at the end as MANUAL steps.
Environment: RECOMPOSE_DATA_ROOT, GEOFABRIK_REGIONS.
EOF
}

# --------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------
DEST=${RECOMPOSE_DATA_ROOT:-./data/raw}
DRY_RUN=0
FORCE=0
INCLUDE_OPTIONAL=0
ONLY=()

die()  { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }
say()  { printf '%s\n' "$*"; }

is_group() {
  local g
  for g in "${STANDARD_GROUPS[@]}" "${OPTIONAL_GROUPS[@]}"; do
    [[ $g == "$1" ]] && return 0
  done
  return 1
}

while (($#)); do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --list) printf '%s\n' "${STANDARD_GROUPS[@]}"; printf '%s (opt-in)\n' "${OPTIONAL_GROUPS[@]}"; exit 0 ;;
    --dest) (($# >= 2)) || die "--dest needs a directory"; DEST=$2; shift 2 ;;
    --dest=*) DEST=${1#--dest=}; shift ;;
    --only) (($# >= 2)) || die "--only needs a group name"; ONLY+=("$2"); shift 2 ;;
    --only=*) ONLY+=("${1#--only=}"); shift ;;
    --include-optional) INCLUDE_OPTIONAL=1; shift ;;
    --force) FORCE=1; shift ;;
    --dry-run|-n) DRY_RUN=1; shift ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
[[ -n $DEST ]] || die "empty --dest"
DEST=${DEST%/}
[[ -n $DEST ]] || DEST=/
case $DEST in /*) DEST_ABS=$DEST ;; *) DEST_ABS=$PWD/$DEST ;; esac

SELECTED=()
if ((${#ONLY[@]})); then
  for g in "${ONLY[@]}"; do
    is_group "$g" || die "unknown group '$g' (see --list)"
    SELECTED+=("$g")
  done
else
  SELECTED=("${STANDARD_GROUPS[@]}")
  ((INCLUDE_OPTIONAL)) && SELECTED+=("${OPTIONAL_GROUPS[@]}")
fi

# --------------------------------------------------------------------------
# Tools
# --------------------------------------------------------------------------
need_cmd() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required ($2)"; }

((BASH_VERSINFO[0] >= 4)) || die "bash >= 4 is required"
if ((!DRY_RUN)); then
  if command -v curl >/dev/null 2>&1; then DOWNLOADER=curl
  elif command -v wget >/dev/null 2>&1; then DOWNLOADER=wget
  else die "curl or wget is required"; fi
  need_cmd python3 "used for the row/feature filters (standard library only)"
fi

# --------------------------------------------------------------------------
# Temporary files (cleaned on exit)
# --------------------------------------------------------------------------
WORKDIR=
PARTIAL=
cleanup() {
  [[ -n $PARTIAL && -e $PARTIAL ]] && rm -f -- "$PARTIAL"
  [[ -n $WORKDIR && -d $WORKDIR ]] && rm -rf -- "$WORKDIR"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_workdir() {
  if [[ -z $WORKDIR ]]; then
    mkdir -p -- "$DEST"
    WORKDIR=$(mktemp -d "$DEST/.fetch-tmp.XXXXXX")
  fi
}

# --------------------------------------------------------------------------
# Download helpers
# --------------------------------------------------------------------------
# http_get URL FILE: download URL into FILE (no atomicity here; callers use
# a temporary FILE and rename it).
http_get() {
  local url=$1 out=$2
  if [[ $DOWNLOADER == curl ]]; then
    curl -fL --retry 3 --retry-delay 3 --connect-timeout 30 -sS -o "$out" "$url"
  else
    wget -q --tries=3 --timeout=60 -O "$out" "$url"
  fi
}

is_lfs_pointer() {
  [[ -s $1 ]] && grep -q '^version https://git-lfs.github.com/spec/v1' < <(head -c 200 -- "$1")
}

gh_raw_url() { printf 'https://raw.githubusercontent.com/%s/%s/%s' "$1" "$2" "$3"; }

# gh_get REPO REF PATH FILE: raw.githubusercontent.com first, then the
# github.com/…/raw/… redirect; Git LFS pointers are resolved via
# media.githubusercontent.com.
gh_get() {
  local repo=$1 ref=$2 path=$3 out=$4
  if ! http_get "$(gh_raw_url "$repo" "$ref" "$path")" "$out"; then
    warn "raw.githubusercontent.com failed for $repo@$ref:$path; trying github.com"
    http_get "https://github.com/$repo/raw/$ref/$path" "$out" || return 1
  fi
  if is_lfs_pointer "$out"; then
    http_get "https://media.githubusercontent.com/media/$repo/$ref/$path" "$out" || return 1
  fi
}

# wanted REL: true if DEST/REL must be produced (missing, or --force).
wanted() {
  if ((FORCE)) || [[ ! -e $DEST/$1 ]]; then
    return 0
  fi
  say "  keep    $1 (exists; --force to replace)"
  return 1
}

# install_tmp TMP REL: atomically move a finished temporary file into place.
FILE_MODE=$(printf '%04o' $((0666 & ~8#$(umask))))
install_tmp() {
  local tmp=$1 rel=$2
  mkdir -p -- "$(dirname -- "$DEST/$rel")"
  chmod "$FILE_MODE" -- "$tmp"
  mv -f -- "$tmp" "$DEST/$rel"
  PARTIAL=
  say "  wrote   $rel"
}

# new_tmp REL: temporary file next to DEST/REL (same file system => atomic mv).
new_tmp() {
  local dir
  dir=$(dirname -- "$DEST/$1")
  mkdir -p -- "$dir"
  PARTIAL=$(mktemp "$dir/.${1##*/}.part.XXXXXX")
}

# fetch_url URL REL: download URL to DEST/REL unchanged.
fetch_url() {
  local url=$1 rel=$2
  wanted "$rel" || return 0
  if ((DRY_RUN)); then
    say "  fetch   $url"
    say "          -> $rel"
    return 0
  fi
  new_tmp "$rel"
  http_get "$url" "$PARTIAL" || die "download failed: $url"
  install_tmp "$PARTIAL" "$rel"
}

# fetch_gh REPO REF PATH REL: GitHub file at a commit to DEST/REL unchanged.
fetch_gh() {
  local repo=$1 ref=$2 path=$3 rel=$4
  wanted "$rel" || return 0
  if ((DRY_RUN)); then
    say "  fetch   $(gh_raw_url "$repo" "$ref" "$path")"
    say "          -> $rel"
    return 0
  fi
  new_tmp "$rel"
  gh_get "$repo" "$ref" "$path" "$PARTIAL" || die "download failed: $repo@$ref:$path"
  install_tmp "$PARTIAL" "$rel"
}

# Source files used only for derivations are downloaded once per run into
# WORKDIR; SRC holds the local path afterwards.
declare -A SRC_CACHE=()
declare -A PLANNED=()  # outputs a dry run would have produced
SRC=
src_url() {
  local url=$1 key=${2:-}
  [[ -n $key ]] || key=$(printf '%s' "$url" | tr -c 'A-Za-z0-9._-' '_')
  if [[ -n ${SRC_CACHE[$key]:-} ]]; then SRC=${SRC_CACHE[$key]}; return 0; fi
  if ((DRY_RUN)); then
    say "  fetch   $url (source, temporary)"
    SRC="<$key>"
  else
    ensure_workdir
    SRC="$WORKDIR/$key"
    PARTIAL="$SRC.part"
    http_get "$url" "$PARTIAL" || die "download failed: $url"
    mv -f -- "$PARTIAL" "$SRC"
    PARTIAL=
  fi
  SRC_CACHE[$key]=$SRC
}
src_gh() {
  local repo=$1 ref=$2 path=$3 key
  key=$(printf '%s@%s:%s' "$repo" "$ref" "$path" | tr -c 'A-Za-z0-9._-' '_')
  if [[ -n ${SRC_CACHE[$key]:-} ]]; then SRC=${SRC_CACHE[$key]}; return 0; fi
  if ((DRY_RUN)); then
    say "  fetch   $(gh_raw_url "$repo" "$ref" "$path") (source, temporary)"
    SRC="<$key>"
  else
    ensure_workdir
    SRC="$WORKDIR/$key"
    PARTIAL="$SRC.part"
    gh_get "$repo" "$ref" "$path" "$PARTIAL" || die "download failed: $repo@$ref:$path"
    mv -f -- "$PARTIAL" "$SRC"
    PARTIAL=
  fi
  SRC_CACHE[$key]=$SRC
}

# derive REL DESCRIPTION PYTHON_SUBCOMMAND ARGS...: run a filter of the
# embedded python helper with "--out TMP" appended, then rename TMP to REL.
derive() {
  local rel=$1 desc=$2
  shift 2
  if ((DRY_RUN)); then
    say "  derive  $rel"
    say "          <- $desc"
    PLANNED[$rel]=1
    return 0
  fi
  need_cmd python3 "row/feature filters"
  new_tmp "$rel"
  python3 -c "$PYHELPER" "$@" --out "$PARTIAL" || die "derivation failed for $rel"
  install_tmp "$PARTIAL" "$rel"
}

# scope_desc SCOPE: human description of a selection scope.
scope_desc() {
  case $1 in
    57-59-62) printf 'departements 57, 59, 62' ;;
    42-43-69-07) printf '42 + the 58 neighbour communes of 43/69/07 (and their former codes)' ;;
  esac
}

MANUAL=()
manual() { MANUAL+=("$*"); say "  manual  see the MANUAL section at the end"; }

# --------------------------------------------------------------------------
# Embedded filters (python3 standard library). Selection rules follow
# SOURCES.md: scope 57-59-62 = codes of départements 57, 59, 62; scope
# 42-43-69-07 = all of 42 plus the 58 neighbour communes (43/69/07, COG 2018)
# whose polygon intersects the Saint-Étienne road extent, plus their former /
# delegated codes 69048 69195 69213 69226 69237.
# --------------------------------------------------------------------------
PYHELPER=$(cat <<'PY'
import argparse, csv, io, json, os, re, sys

N58 = frozenset(os.environ["FETCH_NEIGHBOURS"].split())
FORMER = frozenset(os.environ["FETCH_FORMER"].split())
if len(N58) != 58:
    raise SystemExit("FETCH_NEIGHBOURS must list 58 codes")
DEPS_5759 = ("57", "59", "62")
EXTENT = (4.1276, 45.2741, 4.7384, 45.6712)  # lon min, lat min, lon max, lat max
BEZIERS_MISGEOCODED = frozenset(("340000033", "340008069", "340021211"))
PAD = {"CODGEO": 5, "DEP": 2, "REG": 2, "ARR": 3, "CV": 4, "EPCI": 9, "ZE2020": 4,
       "UU2020": 5, "AAV2020": 3, "CATEAAV2020": 2, "BV2012": 5}


def warn(msg):
    sys.stderr.write("fetch_open_data.sh: warning: %s\n" % msg)


def pad(value, width):
    v = value.strip()
    return v.zfill(width) if v.isdigit() and len(v) < width else v


def commune_selected(scope, code):
    code = pad(code, 5)
    if scope == "57-59-62":
        return code[:2] in DEPS_5759
    if scope == "42-43-69-07":
        return code[:2] == "42" or code in N58 or code in FORMER
    raise SystemExit("unknown scope %r" % scope)


def read_text(path):
    data = open(path, "rb").read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_csv(path):
    text = read_text(path)
    first = text.split("\n", 1)[0]
    delim = max((";", ",", "\t"), key=first.count)
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim) if r]
    if not rows:
        raise SystemExit("%s: empty CSV" % path)
    return rows[0], rows[1:]


def write_csv(path, header, rows, delim, lineterminator="\r\n"):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delim, lineterminator=lineterminator)
        w.writerow(header)
        w.writerows(rows)


def check_count(label, n, expect):
    if expect is not None and n != expect:
        warn("%s: %d rows/records selected, SOURCES.md states %d" % (label, n, expect))


def cmd_csv_select(a):
    header, rows = read_csv(a.input)
    header = [h.strip() for h in header]
    for pair in filter(None, (a.rename or "").split(",")):
        old, new = pair.split(":")
        if old not in header:
            raise SystemExit("%s: no column %r (have %s)" % (a.input, old, header))
        header[header.index(old)] = new
    if a.key not in header:
        raise SystemExit("%s: no key column %r (have %s)" % (a.input, a.key, header))
    k = header.index(a.key)
    if a.columns:
        cols = a.columns.split(",")
    else:
        cols = [h for h in header if not (a.drop_unnamed and h == "")]
    missing = [c for c in cols if c not in header]
    if missing:
        raise SystemExit("%s: missing columns %s (have %s)" % (a.input, missing, header))
    idx = [header.index(c) for c in cols]
    codes = None
    if a.kind == "listed":
        ch, crow = read_csv(a.codes_from)
        ci = [h.strip() for h in ch].index(a.codes_col)
        codes = {r[ci].strip() for r in crow if len(r) > ci}
    out = []
    for r in rows:
        r = r + [""] * (len(header) - len(r))
        if a.pad_codes:
            for c, w in PAD.items():
                if c in header:
                    i = header.index(c)
                    r[i] = pad(r[i], w)
        key = r[k].strip()
        if a.kind == "commune":
            key = pad(key, 5)
            keep = commune_selected(a.scope, key)
        elif a.kind == "iris":
            key = pad(key, 9)
            keep = commune_selected(a.scope, key[:5])
        else:
            keep = key in codes
        if keep:
            r[k] = key
            out.append([r[i] for i in idx])
    check_count(a.label or a.input, len(out), a.expect)
    write_csv(a.out, cols, out, a.delim_out, "\n" if a.lf else "\r\n")


def cmd_hospitals(a):
    header, rows = read_csv(a.input)
    h = {name.strip(): i for i, name in enumerate(header)}
    out = []
    for r in rows:
        r = r + [""] * (len(header) - len(r))
        rid, pc = r[h["id"]].strip(), r[h["postcode"]].strip()
        deps = {pad(rid, 9)[:2], pad(pc, 5)[:2]}
        if a.scope == "57-59-62":
            keep = bool(deps & set(DEPS_5759))
        else:
            if pad(rid, 9) in BEZIERS_MISGEOCODED:
                continue
            keep = "42" in deps
            if not keep and deps & {"43", "69", "07"}:
                try:
                    lat, lon = float(r[h["lat"]]), float(r[h["lon"]])
                except ValueError:
                    lat = lon = None
                keep = (lat is not None and EXTENT[0] <= lon <= EXTENT[2]
                        and EXTENT[1] <= lat <= EXTENT[3])
        if keep:
            out.append(r)
    check_count(a.label or a.input, len(out), a.expect)
    write_csv(a.out, [c.strip() for c in header], out, ",")


def cmd_geojson_neighbours(a):
    feats = []
    for path in a.inputs:
        fc = json.loads(read_text(path))
        feats += [f for f in fc["features"] if f["properties"].get("code") in N58]
    check_count("neighbour communes", len(feats), a.expect)
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        f.write(",\n".join(json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in feats))
        f.write("\n]}\n")


def cmd_decoupage(a):
    data = json.loads(read_text(a.input))
    if a.what == "communes":
        def keep(c):
            if a.scope == "57-59-62":
                return c.get("departement") in DEPS_5759
            if c.get("departement") == "42":
                return True
            if c.get("type") == "commune-actuelle":
                return c.get("code") in N58
            return c.get("chefLieu") in N58
        sel = [c for c in data if keep(c)]
    else:
        communes = json.loads(read_text(a.communes))
        actual = {c["code"] for c in communes if c.get("type") == "commune-actuelle"}
        sel = [e for e in data if any(m.get("code") in actual for m in e.get("membres", []))]
    check_count(a.label or a.what, len(sel), a.expect)
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        json.dump(sel, f, ensure_ascii=False, indent=0)


def cmd_ze2020(a):
    text = read_text(a.input)
    m = re.search(r"BASSINS_EMPLOI\b[^=\n]*=\s*\[", text)
    if not m:
        raise SystemExit("%s: BASSINS_EMPLOI array not found" % a.input)
    body = text[m.end():text.index("];", m.end())]
    out = []
    for obj in re.findall(r"\{[^{}]*\}", body):
        code = re.search(r"\bcode\s*:\s*[\"'](\d{4})[\"']", obj)
        nom = re.search(r"\bnom\s*:\s*\"((?:[^\"\\]|\\.)*)\"", obj) or \
            re.search(r"\bnom\s*:\s*'((?:[^'\\]|\\.)*)'", obj)
        if code and nom and code.group(1)[:2] in a.prefixes.split(","):
            out.append([code.group(1), re.sub(r"\\(.)", r"\1", nom.group(1))])
    check_count(a.label or a.input, len(out), a.expect)
    write_csv(a.out, ["ZE2020", "LIBZE2020"], out, ";", "\n" if a.lf else "\r\n")


p = argparse.ArgumentParser(prog="fetch_open_data.sh/python")
sub = p.add_subparsers(dest="cmd", required=True)
s = sub.add_parser("csv-select")
s.add_argument("--in", dest="input", required=True)
s.add_argument("--scope")
s.add_argument("--key", required=True)
s.add_argument("--kind", choices=("commune", "iris", "listed"), required=True)
s.add_argument("--codes-from")
s.add_argument("--codes-col")
s.add_argument("--columns")
s.add_argument("--rename")
s.add_argument("--drop-unnamed", action="store_true")
s.add_argument("--pad-codes", action="store_true")
s.add_argument("--delim-out", default=",")
s.add_argument("--lf", action="store_true")
s.add_argument("--expect", type=int)
s.add_argument("--label")
s.add_argument("--out", required=True)
s.set_defaults(func=cmd_csv_select)
s = sub.add_parser("hospitals")
s.add_argument("--in", dest="input", required=True)
s.add_argument("--scope", required=True)
s.add_argument("--expect", type=int)
s.add_argument("--label")
s.add_argument("--out", required=True)
s.set_defaults(func=cmd_hospitals)
s = sub.add_parser("geojson-neighbours")
s.add_argument("inputs", nargs="+")
s.add_argument("--expect", type=int)
s.add_argument("--out", required=True)
s.set_defaults(func=cmd_geojson_neighbours)
s = sub.add_parser("decoupage")
s.add_argument("--in", dest="input", required=True)
s.add_argument("--what", choices=("communes", "epci"), required=True)
s.add_argument("--scope", required=True)
s.add_argument("--communes")
s.add_argument("--expect", type=int)
s.add_argument("--label")
s.add_argument("--out", required=True)
s.set_defaults(func=cmd_decoupage)
s = sub.add_parser("ze2020")
s.add_argument("--in", dest="input", required=True)
s.add_argument("--prefixes", required=True)
s.add_argument("--lf", action="store_true")
s.add_argument("--expect", type=int)
s.add_argument("--label")
s.add_argument("--out", required=True)
s.set_defaults(func=cmd_ze2020)
args = p.parse_args()
args.func(args)
PY
)

# Expected counts from SOURCES.md (a mismatch only prints a warning).
declare -A EXPECT=(
  [communes-57-59-62]=2293 [epci-57-59-62]=59
  [communes-42-43-69-07]=397 [epci-42-43-69-07]=20
  [rp2016-57-59-62]=1306 [rp2016-42-43-69-07]=200
  [refiris-57-59-62]=3436 [refiris-42-43-69-07]=560
  [filo-57-59-62]=980 [filo-42-43-69-07]=152
  [voiture-57-59-62]=3425 [voiture-42-43-69-07]=559
  [tagc-57-59-62]=2263 [tagc-42-43-69-07]=381
  [hosp-57-59-62]=362 [hosp-42-43-69-07]=51
  [mort-57-59-62]=413 [mort-42-43-69-07]=140
  [d201-57-59-62]=807 [d201-42-43-69-07]=138
  [d107-57-59-62]=35 [d107-42-43-69-07]=7
)

# --------------------------------------------------------------------------
# Groups
# --------------------------------------------------------------------------
group_france_geojson() {
  local d=france-geojson dep kind rel
  for dep in 57-moselle 59-nord 62-pas-de-calais 42-loire; do
    for kind in communes cantons departement; do
      rel="$d/$kind-$dep.geojson"
      fetch_gh "$FRANCE_GEOJSON_REPO" "$FRANCE_GEOJSON_REF" "departements/$dep/$kind-$dep.geojson" "$rel"
    done
  done

  rel="$d/communes-43-69-07-emprise-routes-ste.geojson"
  if wanted "$rel"; then
    local srcs=()
    for dep in 43-haute-loire 69-rhone 07-ardeche; do
      src_gh "$FRANCE_GEOJSON_REPO" "$FRANCE_GEOJSON_REF" "departements/$dep/communes-$dep.geojson"
      srcs+=("$SRC")
    done
    derive "$rel" "the 58 neighbour communes (43/69/07) from departements/{43-haute-loire,69-rhone,07-ardeche}/communes-*.geojson, unchanged, compact JSON" \
      geojson-neighbours "${srcs[@]}" --expect 58
  fi

  rel="$d/communes-emprise-routes-ste-42-43-69-07.csv"
  if wanted "$rel"; then
    manual "$rel: project-made overlay (area share of each COG 2018 commune polygon inside the road extent 4.1276-4.7384 E / 45.2741-45.6712 N, km of roads clipped per commune in Lambert-93, joined to decoupage-administratif 6.0.0). It is an analysis output, not a producer file: rebuild it from france-geojson/communes-{42-loire,43-69-07-emprise-routes-ste}.geojson, etalab-decoupage-administratif/communes-42-43-69-07.json and roads/saint-etienne/roads-STE-saint-etienne-osm.geojson, or copy it from shared/datasets/raw/."
  fi
}

group_decoupage() {
  local d=etalab-decoupage-administratif scope rel_c rel_e tgz
  local need=0
  for scope in "${SCOPES[@]}"; do
    rel_c="$d/communes-$scope.json"; rel_e="$d/epci-$scope.json"
    if ((FORCE)) || [[ ! -e $DEST/$rel_c || ! -e $DEST/$rel_e ]]; then need=1; fi
  done
  if ((!need)); then
    say "  keep    $d/* (all files exist; --force to replace)"
    return 0
  fi
  src_url "$DECOUPAGE_TGZ_URL" "decoupage-administratif-$DECOUPAGE_VERSION.tgz"
  tgz=$SRC
  local communes_json="<package/data/communes.json>" epci_json="<package/data/epci.json>"
  if ((DRY_RUN)); then
    say "  extract package/data/communes.json, package/data/epci.json (tar)"
  else
    need_cmd tar "extracting the npm tarball"
    if command -v sha1sum >/dev/null 2>&1; then
      [[ $(sha1sum < "$tgz" | cut -d' ' -f1) == "$DECOUPAGE_TGZ_SHA1" ]] ||
        warn "npm tarball sha1 differs from the one recorded in SOURCES.md ($DECOUPAGE_TGZ_SHA1)"
    fi
    tar -xzf "$tgz" -C "$WORKDIR" package/data/communes.json package/data/epci.json
    communes_json="$WORKDIR/package/data/communes.json"
    epci_json="$WORKDIR/package/data/epci.json"
  fi
  for scope in "${SCOPES[@]}"; do
    rel_c="$d/communes-$scope.json"; rel_e="$d/epci-$scope.json"
    if wanted "$rel_c"; then
      derive "$rel_c" "records of package/data/communes.json in $(scope_desc "$scope") (incl. communes deleguees/associees)" \
        decoupage --in "$communes_json" --what communes --scope "$scope" --expect "${EXPECT[communes-$scope]}" --label "$rel_c"
    fi
    if wanted "$rel_e"; then
      derive "$rel_e" "EPCI of package/data/epci.json with >=1 member among the communes-actuelles of $rel_c" \
        decoupage --in "$epci_json" --what epci --scope "$scope" --communes "$DEST/$rel_c" --expect "${EXPECT[epci-$scope]}" --label "$rel_e"
    fi
  done
}

IGN_IRIS_REL="_official/ign/$IGN_IRIS_NAME.7z"

group_contours_iris() {
  local d=contours-iris-2020 scope missing=0 in42 c msg
  for scope in "${SCOPES[@]}"; do
    [[ -e $DEST/$d/contours-iris-2020-$scope.geojson ]] || missing=1
  done
  if ((!missing && !FORCE)); then
    say "  keep    $d/* (all files exist; --force to replace)"
    return 0
  fi
  fetch_soft "$IGN_IRIS_REL" "$IGN_IRIS_URL"
  in42=
  for c in $FETCH_NEIGHBOURS $FETCH_FORMER; do in42+="${in42:+,}'$c'"; done
  read -r -d '' msg <<EOF || true
$d/contours-iris-2020-{57-59-62,42-43-69-07}.geojson: the raw/ files were decoded from
    the zoom-9 vector tiles of $FRANCE_IRIS_REPO@$FRANCE_IRIS_REF
    (map/data/shapefiles/CONTOURS-IRIS_2-1_SHP_LAMB93_FXX-2020/tiles/9/*/*.pbf), snapped to 0.5 m,
    dissolved by CODE_IRIS and simplified at 1 m; that pipeline is not scripted here.
    The official IGN product (CONTOURS-IRIS 2.1, edition 2020) is downloaded instead to
    $IGN_IRIS_REL. Remaining step (needs 7z and ogr2ogr; it gives
    the original IGN geometry with the same fields and CRS, not the tile-quantised one):
      cd "$DEST_ABS/_official/ign" && 7z x $IGN_IRIS_NAME.7z
      SHP=\$(find "\$PWD/$IGN_IRIS_NAME" -path '*LAMB93_FXX-2020*' -name CONTOURS-IRIS.shp)
      SEL='SELECT CODE_IRIS AS code_iris, INSEE_COM AS insee_com, NOM_COM AS nom_com, IRIS AS iris, NOM_IRIS AS nom_iris, TYP_IRIS AS typ_iris FROM "CONTOURS-IRIS"'
      ogr2ogr -f GeoJSON -t_srs EPSG:4326 -lco COORDINATE_PRECISION=6 -nln contours_iris_2020 \\
        -sql "\$SEL WHERE INSEE_COM LIKE '57%' OR INSEE_COM LIKE '59%' OR INSEE_COM LIKE '62%'" \\
        "$DEST_ABS/$d/contours-iris-2020-57-59-62.geojson" "\$SHP"
      ogr2ogr -f GeoJSON -t_srs EPSG:4326 -lco COORDINATE_PRECISION=6 -nln contours_iris_2020 \\
        -sql "\$SEL WHERE INSEE_COM LIKE '42%' OR INSEE_COM IN ($in42)" \\
        "$DEST_ABS/$d/contours-iris-2020-42-43-69-07.geojson" "\$SHP"
EOF
  manual "$msg"
}

group_insee_iris() {
  local d=insee-iris scope rel
  for scope in "${SCOPES[@]}"; do
    rel="$d/rp2016-population-iris-habitat-$scope.csv"
    if wanted "$rel"; then
      src_gh "$EPIDIA_REPO" "$EPIDIA_REF" data/IRIS_population/IRIS_population_IR_Hab.csv
      derive "$rel" "rows of $EPIDIA_REPO@${EPIDIA_REF:0:7}:data/IRIS_population/IRIS_population_IR_Hab.csv whose IRIS commune is in $(scope_desc "$scope") (unnamed index column dropped)" \
        csv-select --in "$SRC" --scope "$scope" --key IRIS --kind iris --drop-unnamed --delim-out , \
        --expect "${EXPECT[rp2016-$scope]}" --label "$rel"
    fi
    rel="$d/reference-iris-2021-$scope.csv"
    if wanted "$rel"; then
      src_gh "$AUBRY_REPO" "$AUBRY_REF" iris_2021.csv
      derive "$rel" "rows of $AUBRY_REPO@$AUBRY_REF:iris_2021.csv whose IRIS commune is in $(scope_desc "$scope")" \
        csv-select --in "$SRC" --scope "$scope" --key CODE_IRIS --kind iris \
        --columns CODE_IRIS,LIB_IRIS,TYP_IRIS,GRD_QUART,DEPCOM,LIBCOM,UU2020,REG,DEP --delim-out ';' \
        --expect "${EXPECT[refiris-$scope]}" --label "$rel"
    fi
    rel="$d/filosofi-2019-revenu-disponible-iris-$scope.csv"
    if wanted "$rel"; then
      src_gh "$AUBRY_REPO" "$AUBRY_REF" revenu/revenu_iris/BASE_TD_FILO_DISP_IRIS_2019.csv
      derive "$rel" "rows of $AUBRY_REPO@$AUBRY_REF:revenu/revenu_iris/BASE_TD_FILO_DISP_IRIS_2019.csv whose IRIS commune is in $(scope_desc "$scope")" \
        csv-select --in "$SRC" --scope "$scope" --key IRIS --kind iris --delim-out ';' \
        --expect "${EXPECT[filo-$scope]}" --label "$rel"
    fi
    rel="$d/rp2020-part-menages-sans-voiture-iris-$scope.csv"
    if wanted "$rel"; then
      src_gh "$FRANCE_IRIS_REPO" "$FRANCE_IRIS_REF" map/data/iris_data.csv
      derive "$rel" "rows of $FRANCE_IRIS_REPO@$FRANCE_IRIS_REF:map/data/iris_data.csv in $(scope_desc "$scope") (columns IRIS,perc_voit renamed code_iris,part_sans_voiture)" \
        csv-select --in "$SRC" --scope "$scope" --rename IRIS:code_iris,perc_voit:part_sans_voiture \
        --key code_iris --kind iris --columns code_iris,part_sans_voiture --delim-out , \
        --expect "${EXPECT[voiture-$scope]}" --label "$rel"
    fi
  done
}

TAGC_COLUMNS=CODGEO,LIBGEO,DEP,REG,ARR,CV,EPCI,NATURE_EPCI,ZE2020,UU2020,TUU2017,TDUU2017,AAV2020,TAAV2017,TDAAV2017,CATEAAV2020,BV2012

# make_tagc SCOPE: table d'appartenance géographique 2022 subset (also needed
# by insee-mortalite for the list of EPCI).
make_tagc() {
  local scope=$1 rel="insee-zonages/table-appartenance-geo-communes-2022-$1.csv"
  wanted "$rel" || return 0
  src_gh "$MARIE_REPO" "$MARIE_REF" table-appartenance-geo-communes-22.csv
  derive "$rel" "rows of $MARIE_REPO@$MARIE_REF:table-appartenance-geo-communes-22.csv with CODGEO in $(scope_desc "$scope") (cp1252 -> UTF-8, leading zeros restored)" \
    csv-select --in "$SRC" --scope "$scope" --key CODGEO --kind commune --pad-codes \
    --columns "$TAGC_COLUMNS" --delim-out ';' --expect "${EXPECT[tagc-$scope]}" --label "$rel"
}

group_insee_zonages() {
  local d=insee-zonages scope rel
  for scope in "${SCOPES[@]}"; do make_tagc "$scope"; done
  rel="$d/ze2020-libelles-hdf-grandest.csv"
  if wanted "$rel"; then
    src_gh "$CFAS_REPO" "$CFAS_REF" shared/constants/territoires.ts
    derive "$rel" "BASSINS_EMPLOI codes 32xx/44xx and names from $CFAS_REPO@$CFAS_REF:shared/constants/territoires.ts" \
      ze2020 --in "$SRC" --prefixes 32,44 --lf --expect 49 --label "$rel"
  fi
  rel="$d/ze2020-libelles-auvergne-rhone-alpes.csv"
  if wanted "$rel"; then
    src_gh "$CFAS_REPO" "$CFAS_REF" shared/constants/territoires.ts
    derive "$rel" "BASSINS_EMPLOI codes 84xx and names from $CFAS_REPO@$CFAS_REF:shared/constants/territoires.ts" \
      ze2020 --in "$SRC" --prefixes 84 --expect 35 --label "$rel"
  fi
}

group_bassin_minier() {
  local f
  for f in bassin-minier communes-mbm batis cites-minieres; do
    fetch_gh "$BASSIN_REPO" "$BASSIN_REF" "site/public/data/$f.geojson" "bassin-minier-unesco/$f.geojson"
  done
}

hosp_desc() {
  case $1 in
    57-59-62) printf '57, 59 or 62' ;;
    *) printf '42, or in 43/69/07 with the point inside the road extent (3 mis-geocoded Beziers rows excluded)' ;;
  esac
}

group_eurostat() {
  local scope rel
  for scope in "${SCOPES[@]}"; do
    rel="eurostat-healthcare/hospitals-finess-2020-$scope.csv"
    if wanted "$rel"; then
      src_gh "$EUROSTAT_REPO" "$EUROSTAT_REF" data/healthcare/csv/FR.csv
      derive "$rel" "rows of $EUROSTAT_REPO@$EUROSTAT_REF:data/healthcare/csv/FR.csv whose FINESS id (9 digits) or postcode is in $(hosp_desc "$scope")" \
        hospitals --in "$SRC" --scope "$scope" --expect "${EXPECT[hosp-$scope]}" --label "$rel"
    fi
  done
}

group_insee_mortalite() {
  local d=insee-mortalite scope rel tagc
  fetch_gh "$MOHAMMED_REPO" "$MOHAMMED_REF" data/esperance_de_vie_departement.csv \
    "$d/statistiques-locales-esperance-vie-mortalite-departements-2023.csv"
  fetch_gh "$AUBRY_REPO" "$AUBRY_REF" sante/taux_de_mortalite/insee_rp_evol_1968_departement_2018.csv \
    "$d/taux-mortalite-brut-1968-2018-departements.csv"
  for scope in "${SCOPES[@]}"; do
    rel="$d/taux-mortalite-brut-1968-2018-epci-$scope.csv"
    wanted "$rel" || continue
    tagc="insee-zonages/table-appartenance-geo-communes-2022-$scope.csv"
    if [[ ! -e $DEST/$tagc && -z ${PLANNED[$tagc]:-} ]]; then
      say "  (needs $tagc for the EPCI list: built first)"
      make_tagc "$scope"
    fi
    src_gh "$AUBRY_REPO" "$AUBRY_REF" sante/taux_de_mortalite/insee_rp_evol_1968_epci_2018.csv
    derive "$rel" "rows of $AUBRY_REPO@$AUBRY_REF:sante/taux_de_mortalite/insee_rp_evol_1968_epci_2018.csv whose codgeo is an EPCI of $tagc" \
      csv-select --in "$SRC" --key codgeo --kind listed --codes-from "$DEST/$tagc" --codes-col EPCI \
      --delim-out ';' --expect "${EXPECT[mort-$scope]}" --label "$rel"
  done
}

group_ors() {
  local rel=ors-npdc-2016/icm-zones-emploi-2016-transcrit.csv
  wanted "$rel" || return 0
  manual "$rel: hand transcription of the ICM values printed in ORS Nord-Pas-de-Calais web articles (Feb-Mar 2016); there is no machine-readable source to download. Copy it from shared/datasets/raw/ or re-transcribe from:
      https://orsnpdc.fr/2016/02/25/newsletter-ors-npdc-n2
      https://www.orsnpdc.fr/2016/02/25/la-mortalite-evitable-par-des-actions-sur-les-comportements-a-risque-un-record-regional
      https://orsnpdc.fr/2016/03/24/la-region-en-surmortalite-par-maladies-cardiovasculaires
      https://orsnpdc.fr/2016/03/24/newsletter-ors-npdc-n3
      http://orsnpdc.fr/?p=3024&preview=true"
}

group_bpe() {
  local d=insee-bpe-2017 scope rel
  for scope in "${SCOPES[@]}"; do
    rel="$d/bpe2017-d201-medecins-generalistes-communes-$scope.csv"
    if wanted "$rel"; then
      src_gh "$CPPROUTING_REPO" "$CPPROUTING_REF" data_readme/doctor.csv
      derive "$rel" "rows of $CPPROUTING_REPO@$CPPROUTING_REF:data_readme/doctor.csv with CODGEO in $(scope_desc "$scope") (columns CODGEO,NB_D201,POPULATION)" \
        csv-select --in "$SRC" --scope "$scope" --key CODGEO --kind commune \
        --columns CODGEO,NB_D201,POPULATION --delim-out , --expect "${EXPECT[d201-$scope]}" --label "$rel"
    fi
    rel="$d/bpe2017-d107-maternites-communes-$scope.csv"
    if wanted "$rel"; then
      src_gh "$CPPROUTING_REPO" "$CPPROUTING_REF" data_readme/maternity.csv
      derive "$rel" "rows of $CPPROUTING_REPO@$CPPROUTING_REF:data_readme/maternity.csv with CODGEO in $(scope_desc "$scope")" \
        csv-select --in "$SRC" --scope "$scope" --key CODGEO --kind commune \
        --columns CODGEO,NB_D107 --delim-out , --expect "${EXPECT[d107-$scope]}" --label "$rel"
    fi
  done
}

group_osm_fallback() {
  fetch_gh "$OSRM_REPO" "$OSRM_REF" test/data/monaco.osm.pbf osm-fallback/monaco.osm.pbf
  fetch_gh "$OSMOSE_REPO" "$OSMOSE_REF" tests/saint_barthelemy.osm.pbf osm-fallback/saint-barthelemy.osm.pbf
}

# road_file REPO REF PATH BLOB REL: gunzip roads.geojson.gz unchanged.
road_file() {
  local repo=$1 ref=$2 path=$3 blob=$4 rel=$5
  wanted "$rel" || return 0
  src_gh "$repo" "$ref" "$path"
  if ((DRY_RUN)); then
    say "  derive  $rel"
    say "          <- gunzip of $repo@${ref:0:7}:$path (git blob $blob)"
    return 0
  fi
  need_cmd gunzip "decompressing the road files"
  if command -v git >/dev/null 2>&1; then
    local h
    h=$(git hash-object -- "$SRC")
    [[ $h == "$blob"* ]] || warn "$path: git blob $h does not start with $blob recorded in SOURCES.md"
  fi
  new_tmp "$rel"
  gunzip -c -- "$SRC" > "$PARTIAL" || die "gunzip failed for $path"
  install_tmp "$PARTIAL" "$rel"
}

group_roads() {
  road_file "$SUBWAY_STE_REPO" "$SUBWAY_STE_REF" Saint-Etienne/data/STE/roads.geojson.gz 6686fdc \
    roads/saint-etienne/roads-STE-saint-etienne-osm.geojson
  road_file "$FRANCEPACK_REPO" "$FRANCEPACK_REF" data/MRS/roads.geojson.gz 60cee6d \
    roads/marseille-gardanne/roads-MRS-marseille-osm.geojson
  road_file "$FRANCEPACK_REPO" "$FRANCEPACK_REF" data/LIL/roads.geojson.gz 8fb9901 \
    roads/lille-metropole/roads-LIL-lille-osm.geojson
}

group_osm_geofabrik() {
  local r
  for r in $GEOFABRIK_REGIONS; do
    fetch_url "$GEOFABRIK_BASE/$r-latest.osm.pbf" "osm-geofabrik/$r-latest.osm.pbf"
  done
}

# Mining basins: name, Geofabrik region(s), box W,S,E,N (the boxes of SOURCES.md,
# "roads/<basin>/", so a refreshed extract covers the same ground as the 2021 files).
OSM_BASINS=(
  "npdc-bassin-minier nord-pas-de-calais 2.2,50.2,3.72,50.67"
  "lorraine-bassins-miniers lorraine 5.7,48.95,7.15,49.55"
  "loire-bassin-houiller rhone-alpes+auvergne 3.95,45.12,4.90,45.78"
  "montceau-blanzy-creusot bourgogne 4.2,46.55,4.6,46.9"
  "ales-la-grand-combe languedoc-roussillon 3.85,43.95,4.3,44.4"
  "carmaux-decazeville midi-pyrenees 1.95,43.9,2.45,44.7"
  "gardanne provence-alpes-cote-d-azur 5.25,43.30,5.75,43.60"
)

group_osm_basins() {
  local line name regions box r parts
  for line in "${OSM_BASINS[@]}"; do
    read -r name regions box <<<"$line"
    parts=()
    for r in ${regions//+/ }; do
      fetch_url "$GEOFABRIK_BASE/$r-latest.osm.pbf" "osm-geofabrik/$r-latest.osm.pbf"
      parts+=("$DEST/osm-geofabrik/$r-latest.osm.pbf")
    done
    local rel="osm-basins/$name.osm.pbf"
    wanted "$rel" || continue
    if ((DRY_RUN)); then
      say "  derive  $rel"
      say "          <- osmium extract -b $box of ${regions//+/ + } (Geofabrik)"
      continue
    fi
    need_cmd osmium "cutting the basins out of the regional extracts (Debian package osmium-tool)"
    new_tmp "$rel"
    if ((${#parts[@]} > 1)); then
      osmium merge --overwrite -o "$PARTIAL.merged.osm.pbf" "${parts[@]}" || die "osmium merge failed for $name"
      osmium extract --overwrite -b "$box" -o "$PARTIAL" -f pbf "$PARTIAL.merged.osm.pbf" || die "osmium extract failed for $name"
      rm -f -- "$PARTIAL.merged.osm.pbf"
    else
      osmium extract --overwrite -b "$box" -o "$PARTIAL" -f pbf "${parts[0]}" || die "osmium extract failed for $name"
    fi
    install_tmp "$PARTIAL" "$rel"
  done
}

# The FINESS register as Etalab publishes it; its file name changes with each
# release, so the current one is looked up through the data.gouv.fr API.
FINESS_DATASET_API=https://www.data.gouv.fr/api/1/datasets/finess-extraction-du-fichier-des-etablissements/
group_finess() {
  local rel=finess/etalab-cs1100507-stock-latest.csv
  wanted "$rel" || return 0
  if ((DRY_RUN)); then
    say "  fetch   the resource etalab-cs1100507-stock-*.csv listed by $FINESS_DATASET_API"
    say "          -> $rel"
    return 0
  fi
  need_cmd python3 "reading the data.gouv.fr API answer"
  new_tmp finess/dataset.json
  http_get "$FINESS_DATASET_API" "$PARTIAL" || die "cannot reach $FINESS_DATASET_API"
  local url
  url=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
r=[x for x in d.get("resources",[]) if "cs1100507-stock" in (x.get("title","")+x.get("url",""))]
print(r[0]["url"] if r else "")' "$PARTIAL")
  rm -f -- "$PARTIAL"; PARTIAL=
  [[ -n $url ]] || die "no etalab-cs1100507-stock resource in $FINESS_DATASET_API (layout changed?)"
  fetch_url "$url" "$rel"
  say "  note    FINESS layout: see SOURCES.md, section \"The FINESS register\"; Filieris = EJ 750050759"
}

# fetch_soft REL URL...: like fetch_url, but tries several URLs and only
# warns on failure (used for the official reference products: INSEE moves
# older vintages between pages, IGN renames its download paths).
fetch_soft() {
  local rel=$1 url
  shift
  wanted "$rel" || return 0
  if ((DRY_RUN)); then
    say "  fetch   $1${2:+ (fallback: ${*:2})}"
    say "          -> $rel"
    return 0
  fi
  new_tmp "$rel"
  for url in "$@"; do
    if http_get "$url" "$PARTIAL"; then
      install_tmp "$PARTIAL" "$rel"
      return 0
    fi
  done
  rm -f -- "$PARTIAL"; PARTIAL=
  warn "could not download $rel (tried: $*); the producer may have moved the file"
}

group_official() {
  local o=_official
  fetch_soft "$o/ign/$IGN_ADMINEXPRESS_NAME.7z" "$IGN_ADMINEXPRESS_URL"
  fetch_soft "$IGN_IRIS_REL" "$IGN_IRIS_URL"
  fetch_soft "$o/insee/base-ic-evol-struct-pop-2016.zip" \
    https://www.insee.fr/fr/statistiques/fichier/4228434/base-ic-evol-struct-pop-2016.zip
  fetch_soft "$o/insee/reference_IRIS_geo2021.zip" \
    https://www.insee.fr/fr/statistiques/fichier/2017499/reference_IRIS_geo2021.zip \
    https://www.insee.fr/fr/statistiques/fichier/7708995/reference_IRIS_geo2021.zip
  fetch_soft "$o/insee/BASE_TD_FILO_DISP_IRIS_2019.zip" \
    https://www.insee.fr/fr/statistiques/fichier/6049648/BASE_TD_FILO_DISP_IRIS_2019.zip
  fetch_soft "$o/insee/table-appartenance-geo-communes-22.zip" \
    https://www.insee.fr/fr/statistiques/fichier/2028028/table-appartenance-geo-communes-22.zip
}

# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------
if ((DRY_RUN)); then
  say "Dry run: nothing is downloaded or written. DEST=$DEST"
else
  mkdir -p -- "$DEST"
  say "DEST=$DEST"
fi

for g in "${SELECTED[@]}"; do
  say "[$g]"
  case $g in
    france-geojson) group_france_geojson ;;
    etalab-decoupage-administratif) group_decoupage ;;
    contours-iris-2020) group_contours_iris ;;
    insee-iris) group_insee_iris ;;
    insee-zonages) group_insee_zonages ;;
    bassin-minier-unesco) group_bassin_minier ;;
    eurostat-healthcare) group_eurostat ;;
    insee-mortalite) group_insee_mortalite ;;
    ors-npdc-2016) group_ors ;;
    insee-bpe-2017) group_bpe ;;
    osm-fallback) group_osm_fallback ;;
    roads) group_roads ;;
    osm-geofabrik) group_osm_geofabrik ;;
    osm-basins) group_osm_basins ;;
    finess) group_finess ;;
    official-sources) group_official ;;
  esac
done

if ((${#MANUAL[@]})); then
  say ""
  say "MANUAL steps remaining (${#MANUAL[@]}):"
  for m in "${MANUAL[@]}"; do
    say "- $m"
  done
fi
((DRY_RUN)) || say "Done."
