#!/usr/bin/env bash
# Runs the whole test suite in release mode: set-up first (Debian packages, model files the
# tests need), then build and test. Extra arguments go to `swift test`, e.g.
#   bash scripts/test.sh --filter VisageTests
# The tests also read ../shared/data beside the repository (or VISAGE_SHARED_DATA).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "[test] $*"; }

bash scripts/setup.sh --for-tests
export VISAGE_MODELS=${VISAGE_MODELS:-$(python3 scripts/fetch_assets.py --print-dir models)}

# The PostgreSQL gallery tests need a real server: start a throw-away one (unless the caller
# gives VISAGE_TEST_POSTGRES_URL) and stop it when the tests end.
if [[ -z ${VISAGE_TEST_POSTGRES_URL:-} ]]; then
    say "starting a throw-away PostgreSQL 15 (scripts/postgres-test-server.sh)"
    VISAGE_TEST_POSTGRES_URL=$(bash scripts/postgres-test-server.sh start)
    VISAGE_TEST_POSTGRES_SOCKET_URL=$(bash scripts/postgres-test-server.sh socket-url)
    export VISAGE_TEST_POSTGRES_URL VISAGE_TEST_POSTGRES_SOCKET_URL
    trap 'bash scripts/postgres-test-server.sh stop' EXIT
fi

say "building (release, with tests)"
swift build -c release --build-tests

mkdir -p .build
log=.build/test-log.txt
say "running swift test -c release $*"
# --disable-testable-imports matches the build above: with swift test's default (testable
# imports on) it would compile everything a second time. Tests use public API only anyway.
set +e
# The suite is XCTest; --disable-swift-testing skips the empty Swift Testing pass.
swift test -c release --disable-testable-imports --disable-swift-testing "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

echo
say "summary (full log: $log)"
grep -E ": error: |^Test Case .* failed" "$log" | head -n 50 || true
grep -E "Executed [0-9]+ tests?" "$log" | tail -n 1 || true
# One plain closing line: "tests: N passed, N failed".
summary=$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -n 1 || true)
total=$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$summary")
failed=$(sed -E 's/.*with ([0-9]+) failures?.*/\1/' <<<"$summary")
if [[ $status != 0 ]]; then
    say "FAILED (swift test exit status $status)"
    [[ -n $summary ]] && echo "tests: $((total - failed)) passed, $failed failed"
    exit "$status"
fi
say "all tests passed"
echo "tests: $((total - failed)) passed, $failed failed"
