#!/usr/bin/env bash
# Crash safety of the gallery: runs `visage enroll` for a batch of people, one process per person,
# and kills some of those processes with SIGKILL at random moments (half of them uniform over a
# typical enrolment, half within its last third, where the write is). After every kill the gallery
# must open (`visage people list`), pass SQLite's `PRAGMA integrity_check` and hold every
# enrolment that had been acknowledged (a JSON outcome line with "status":"accepted"), and no
# person may exist without their photo (an enrolment is all or nothing).
#
#   bash scripts/crash-safety.sh                       1,000 people, 20 kills
#   CRASH_PEOPLE=40 CRASH_KILLS=5 bash scripts/crash-safety.sh
#
# Environment: VISAGE_BIN (default .build/release/visage, built when missing), CRASH_SEED (random
# seed), CRASH_WORK (work folder, default a new temporary one), VISAGE_SHARED_DATA (the photos:
# shared/data/reference/dlib/images). Exit 0 when every check passed, 1 otherwise.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PEOPLE=${CRASH_PEOPLE:-1000}
KILLS=${CRASH_KILLS:-20}
[ "$PEOPLE" -ge 4 ] || { echo "CRASH_PEOPLE must be at least 4"; exit 2; }
SEED=${CRASH_SEED:-$RANDOM}
RANDOM=$SEED
BIN=${VISAGE_BIN:-.build/release/visage}
SHARED=${VISAGE_SHARED_DATA:-../shared/data}
WORK=${CRASH_WORK:-$(mktemp -d /tmp/visage-crash.XXXXXX)}
mkdir -p "$WORK"
GALLERY=$WORK/gallery.sqlite
ACKED=$WORK/acknowledged.txt
: > "$ACKED"

if [ ! -x "$BIN" ]; then
    echo "building $BIN"
    swift build -c release --product visage >/dev/null
fi
mapfile -t PHOTOS < <(ls "$SHARED"/reference/dlib/images/*.png)
[ ${#PHOTOS[@]} -gt 0 ] || { echo "no photos in $SHARED/reference/dlib/images"; exit 1; }
rm -f "$GALLERY" "$GALLERY"-wal "$GALLERY"-shm

# The people whose enrolment is killed: KILLS distinct indices, none in the first 3 (those set
# the timing), spread at random over the batch.
declare -A KILL_AT=()
while [ ${#KILL_AT[@]} -lt "$KILLS" ] && [ ${#KILL_AT[@]} -lt $((PEOPLE - 3)) ]; do
    KILL_AT[$((4 + (RANDOM * 32768 + RANDOM) % (PEOPLE - 3)))]=1
done

failures=0 kills=0 acked=0 typical_ms=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

check() {  # $1: what just happened
    local list
    if ! list=$("$BIN" people list --json --gallery "$GALLERY" 2>"$WORK/check.err"); then
        fail "$1: the gallery does not open: $(cat "$WORK/check.err")"; return
    fi
    local integrity
    integrity=$(python3 -c 'import sqlite3, sys
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(" ".join(r[0] for r in c.execute("PRAGMA integrity_check")))' "$GALLERY" 2>&1) || true
    [ "$integrity" = ok ] || fail "$1: integrity_check says: $integrity"
    local present missing
    present=$(printf '%s\n' "$list" | python3 -c 'import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
empty = [r["name"] for r in rows if r.get("faces", 0) < 1]
print("\n".join(r["name"] for r in rows))
if empty: print("EMPTY:" + ",".join(empty))')
    if grep -q '^EMPTY:' <<<"$present"; then fail "$1: people without photos: $(grep '^EMPTY:' <<<"$present")"; fi
    missing=$(comm -23 <(sort "$ACKED") <(sort <<<"$present") | head -5)
    [ -z "$missing" ] || fail "$1: acknowledged but missing: $missing"
}

now_ms() { date +%s%3N; }

for ((i = 1; i <= PEOPLE; i++)); do
    name=$(printf 'person-%04d' "$i")
    photo=${PHOTOS[$((i % ${#PHOTOS[@]}))]}
    out=$WORK/out.txt
    start=$(now_ms)
    "$BIN" enroll --json --face largest --upsample 0 --gallery "$GALLERY" "$name" "$photo" >"$out" 2>"$WORK/err.txt" &
    pid=$!
    if [ -n "${KILL_AT[$i]:-}" ]; then
        # A random moment within about one typical enrolment (model loading, detection, the
        # write); every other kill aims at its last 30 % (+10 %), where the write happens, since
        # model loading takes most of a process's life.
        if (( kills % 2 == 0 )); then
            delay_ms=$((RANDOM % (typical_ms * 12 / 10 + 1)))
        else
            delay_ms=$((typical_ms * (70 + RANDOM % 41) / 100))
        fi
        sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        kills=$((kills + 1))
        if grep -q '"status":"accepted"' "$out"; then echo "$name" >>"$ACKED"; acked=$((acked + 1)); fi
        check "kill $kills (person $i after ${delay_ms} ms)"
        echo "kill $kills/$KILLS: $name after ${delay_ms} ms ($(grep -c . "$ACKED") acknowledged so far)"
    else
        status=0
        wait "$pid" || status=$?
        elapsed=$(( $(now_ms) - start ))
        typical_ms=$(( typical_ms == 0 ? elapsed : (typical_ms * 7 + elapsed) / 8 ))
        if grep -q '"status":"accepted"' "$out"; then
            echo "$name" >>"$ACKED"; acked=$((acked + 1))
        else
            fail "enrolment of $name (exit $status) was not accepted: $(head -c 300 "$out" "$WORK/err.txt")"
        fi
    fi
    if (( i % 100 == 0 )); then echo "$i/$PEOPLE people, typical enrolment ${typical_ms} ms"; fi
done
check "end of batch"
echo "crash safety: $PEOPLE people, $kills kills, $acked acknowledged, seed $SEED, $failures failures (work: $WORK)"
[ "$failures" -eq 0 ]
