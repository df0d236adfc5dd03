#!/usr/bin/env bash
# Builds the release `visage` binary and runs the demo on the demo photos (test images from the
# face_recognition 1.3.0 sdist on PyPI, MIT), which scripts/setup.sh fetched.
# Usage: bash scripts/setup.sh && bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "[demo] $*"; }

if ! check=$(python3 scripts/fetch_assets.py --check 2>&1); then
    echo "$check" >&2
    echo "[demo] error: model files or demo photos are missing: run bash scripts/setup.sh first" >&2
    exit 1
fi
PHOTOS=$(python3 scripts/fetch_assets.py --print-dir demo-photos)
export VISAGE_MODELS=${VISAGE_MODELS:-$(python3 scripts/fetch_assets.py --print-dir models)}

say "building visage (release)"
swift build -c release --product visage
VISAGE="$(swift build -c release --show-bin-path)/visage"

# The demo itself. PLACEHOLDER until the CLI has its commands: the lead replaces the body with
# the real run (e.g. enrol obama.jpg and biden.jpg, then identify/verify the other photos).
run_demo() {
    local photos=$1
    say "photos in $photos:"
    local photo
    for photo in "$photos"/*.jpg "$photos"/*.png; do
        if [[ -e $photo ]]; then say "  $(basename "$photo")"; fi
    done
    say "models in $VISAGE_MODELS"
    "$VISAGE" --help
}

run_demo "$PHOTOS"
say "done"
