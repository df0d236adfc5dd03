#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer or the concurrent tests under ThreadSanitizer
# (debug builds, each in its own scratch folder; docs/robustness.md has the results).
#
#   bash scripts/sanitizers.sh asan            every test target under ASan (.build-asan)
#   bash scripts/sanitizers.sh tsan            the concurrent tests under TSan (.build-tsan)
#   bash scripts/sanitizers.sh asan VisageImageTests VisageStoreTests   only these filters
#   SAN_NO_BUILD=1 bash scripts/sanitizers.sh asan                      use the build already there
#   SAN_LONG=1 bash scripts/sanitizers.sh asan       also the dataset sweeps (hours under debug ASan)
#
# Each filter runs in its own `swift test` process (so one report stops one target, not the
# run), under nice, with its log in <scratch>/sanitizer-logs/. A PostgreSQL for the PostgreSQL
# and server tests is started on its own port (VISAGE_PG_PORT, default 55442) unless
# VISAGE_TEST_POSTGRES_URL is set, and stopped at the end. Not part of scripts/test.sh: a debug
# sanitizer run of the suite takes far longer than CI's budget.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=${1:-}
shift || true
say() { echo "[sanitizers] $*"; }

case $mode in
    asan)
        scratch=.build-asan sanitize=address
        # Leak detection is off: libhdf5 and Foundation keep process-lifetime caches.
        export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
        default=(VisageNNTests VisageImageTests VisageFormatsTests VisageModelsTests VisageIndexTests
                 VisageStoreTests VisageEvalTests VisageClusterTests VisageTrainingTests
                 VisageRecognitionTests VisagePostgresTests VisageServerTests VisageTests VisageCLITests)
        # libhdf5 1.10.8 over-reads in strdup on this fuzzed file (a library bug, docs/robustness.md):
        # ASan reports it inside the uninstrumented library, so that one test is skipped here.
        skip=(--skip 'FuzzRegressionTests.testKerasFileWithUnterminatedAttributeName')
        # Dataset sweeps: hundreds of photos through the whole pipeline, which take minutes in a
        # release build and hours in a debug ASan one. They run no code that the golden and unit
        # tests of the same targets do not (decoders, detectors, encoders, gallery, CLI), only
        # more images of it. SAN_LONG=1 keeps them.
        if [[ ${SAN_LONG:-0} != 1 ]]; then
            skip+=(--skip 'LFWClusteringTests' --skip 'ORLTrainingTests' --skip 'ORLCalibrationTests'
                   --skip 'GalleryEndToEndTests' --skip 'MTCNNDetectorTests.testRecallOn'
                   --skip 'CourseCLITests' --skip 'EvalCLITests.testEvalPairsWritesJSONAndPlots'
                   --skip 'EvalCLITests.testCalibrateWritesACalibrationFile'
                   --skip 'GalleryCommandsCLITests.testCalibrationStoredInGalleryGivesProbabilities')
        fi
        ;;
    tsan)
        scratch=.build-tsan sanitize=thread
        export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}
        default=('VisageStoreTests.GalleryConcurrencyTests' 'VisageStoreTests.GalleryCrossProcessTests'
                 VisageNNTests VisageIndexTests 'VisageFormatsTests.KerasWeightsTests'
                 VisageRecognitionTests 'VisagePostgresTests.PostgresChangeNotificationTests'
                 'VisageServerTests.ConcurrentRequestTests' 'VisageServerTests.ImageEndpointTests'
                 'VisageServerTests.RecognitionEndpointTests' 'VisageServerTests.ServeEndToEndTests')
        skip=()
        ;;
    *)
        echo "usage: bash scripts/sanitizers.sh asan|tsan [test filter ...]" >&2
        exit 2
        ;;
esac
filters=("$@")
[[ ${#filters[@]} -eq 0 ]] && filters=("${default[@]}")

export VISAGE_MODELS=${VISAGE_MODELS:-$(python3 scripts/fetch_assets.py --print-dir models)}
if [[ -z ${VISAGE_TEST_POSTGRES_URL:-} ]]; then
    export VISAGE_PG_PORT=${VISAGE_PG_PORT:-55442}
    say "starting a throw-away PostgreSQL on port $VISAGE_PG_PORT"
    VISAGE_TEST_POSTGRES_URL=$(bash scripts/postgres-test-server.sh start)
    VISAGE_TEST_POSTGRES_SOCKET_URL=$(bash scripts/postgres-test-server.sh socket-url)
    export VISAGE_TEST_POSTGRES_URL VISAGE_TEST_POSTGRES_SOCKET_URL
    trap 'bash scripts/postgres-test-server.sh stop' EXIT
fi

if [[ ${SAN_NO_BUILD:-0} != 1 ]]; then
    say "building (debug, --sanitize=$sanitize, $scratch)"
    start=$SECONDS
    nice -n 10 swift build --build-tests --sanitize="$sanitize" --scratch-path "$scratch"
    say "build took $((SECONDS - start)) s"
fi

logs=$scratch/sanitizer-logs
mkdir -p "$logs"
summary=()
failed=0
for filter in "${filters[@]}"; do
    log=$logs/${filter//[^A-Za-z0-9_.-]/_}.log
    say "$filter (log: $log)"
    start=$SECONDS
    status=0
    nice -n 10 swift test --skip-build --sanitize="$sanitize" --scratch-path "$scratch" \
        --disable-swift-testing --filter "$filter" ${skip[@]+"${skip[@]}"} >"$log" 2>&1 || status=$?
    took=$((SECONDS - start))
    executed=$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -n 1 \
        | sed -E 's/.*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\1 tests, \2 failures/' || true)
    reports=$(grep -cE "^(==[0-9]+==ERROR: AddressSanitizer|WARNING: ThreadSanitizer)" "$log" || true)
    line=$(printf '%-50s %-24s reports=%-3s exit=%-3s %5ss' "$filter" "${executed:-no summary}" "$reports" "$status" "$took")
    echo "$line"
    summary+=("$line")
    [[ $status != 0 || $reports != 0 ]] && failed=1
done
say "summary ($mode)"
printf '%s\n' "${summary[@]}"
exit $failed
