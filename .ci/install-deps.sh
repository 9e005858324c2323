#!/usr/bin/env bash
# Installs the Debian packages Recompose builds with, when any is missing.
set -euo pipefail
packages=(build-essential cmake pkg-config libgdal-dev gdal-bin libgeos-dev libproj-dev
          libosmium2-dev libprotozero-dev zlib1g-dev libbz2-dev libexpat1-dev
          nlohmann-json3-dev libcli11-dev catch2
          libimgui-dev libstb-dev libglfw3-dev libgl-dev libgl1-mesa-dri xvfb xauth fonts-dejavu-core
          libcairo2-dev libpango1.0-dev poppler-utils coinor-libcbc-dev
          libcmark-gfm-dev libcmark-gfm-extensions-dev
          libpq-dev postgresql-15 postgresql-15-postgis-3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
