#!/usr/bin/env bash
# Install leadscore's build dependencies (Debian/Ubuntu) and build it.
#
#   scripts/setup.sh [--with-peers] [--no-build]
#
#   --with-peers  also install the reference tools used by scripts/ for
#                 comparisons and benchmarks: python3-sklearn python3-pandas
#                 python3-statsmodels liblinear-tools, and what the
#                 report, SQL and PMML tests run against: chromium (headless
#                 render of the HTML reports), postgresql, sqlite3, and
#                 nodejs with npm (tests/cli/sql_duckdb.sh installs DuckDB's
#                 @duckdb/node-api package from the npm registry into build/)
#   --no-build    install packages only; skip the CMake configure and build
#
# Packages are installed with apt-get (sudo when not root). When every
# package is already installed (dpkg-query), apt-get is not run at all, so
# re-runs are fast. Works from any directory: it changes to the repository
# root (the parent of scripts/) before building into ./build.
set -euo pipefail

with_peers=0
build=1
for arg in "$@"; do
  case "$arg" in
    --with-peers) with_peers=1 ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option: $arg" >&2; exit 2 ;;
  esac
done

packages=(build-essential cmake pkg-config libgsl-dev libcsv-dev libopenblas-dev
          liblapacke-dev libjansson-dev libcmocka-dev zlib1g-dev libpq-dev)
if [[ $with_peers -eq 1 ]]; then
  packages+=(python3-sklearn python3-pandas python3-statsmodels liblinear-tools
             chromium postgresql sqlite3 nodejs npm)
fi

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# Packages not yet installed ("install ok installed" is dpkg's status).
missing=()
for p in "${packages[@]}"; do
  # a nodejs package from NodeSource bundles npm (and conflicts with Debian's)
  if [[ "$p" == npm ]] && command -v npm >/dev/null 2>&1; then
    continue
  fi
  status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup.sh: all ${#packages[@]} packages already installed"
else
  echo "setup.sh: installing: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    as_root() { "$@"; }
  elif command -v sudo >/dev/null 2>&1; then
    as_root() { sudo "$@"; }
  else
    echo "setup.sh: not root and sudo is not available" >&2
    exit 1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [[ $build -eq 1 ]]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
  cmake --build build -j"$(nproc)"
fi
