#!/usr/bin/env bash
# Exact top-k search: `visage bench search` (fp32, fp16, int8) against FAISS IndexFlatL2, on the
# same seeded random unit vectors, in one run. Prints a table of throughput, latency, memory,
# the ratios to FAISS, how often the top-k ids equal FAISS's, and int8/fp16 recall against fp32.
# Each Visage index is searched twice: opened cold from its file (memory-mapped, page cache
# evicted: the main columns) and built in memory (the "q/s mem" column). The cold run of a
# compact index also pages in the float32 rows it re-ranks during the timed queries (fp32's
# untimed warm-up batch reads every row of its file), so the in-memory column is the one to
# compare precisions by.
#
# Needs faiss-cpu in the benchmark venv: /opt/bench-venv/bin/pip install faiss-cpu
# Environment: SIZES ("10000 100000 1000000"), DIM (128), K (5), QUERIES_B1 (200),
# QUERIES_B64 (1024), THREADS (all cores), BENCH_PYTHON (/opt/bench-venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${BENCH_PYTHON:-/opt/bench-venv/bin/python}
SIZES=${SIZES:-"10000 100000 1000000"}
DIM=${DIM:-128}
K=${K:-5}
QB1=${QUERIES_B1:-200}
QB64=${QUERIES_B64:-1024}
THREADS=${THREADS:-$(nproc)}
QMAX=$(( QB1 > QB64 ? QB1 : QB64 ))

"$PY" -c 'import faiss' 2>/dev/null || { echo "faiss missing: $PY -m pip install faiss-cpu" >&2; exit 2; }
swift build -c release --product visage >&2
BIN=$(swift build -c release --show-bin-path)/visage
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for n in $SIZES; do
    echo "n = $n: writing vectors" >&2
    "$BIN" bench search --n "$n" --dim "$DIM" --queries "$QMAX" --vectors-out "$WORK/v$n" --skip-search
    for batch in 1 64; do
        q=$(( batch == 1 ? QB1 : QB64 ))
        echo "n = $n, batch $batch: faiss" >&2
        "$PY" Benchmarks/reference/faiss_search.py --vectors "$WORK/v$n" --dim "$DIM" --queries "$q" \
            --batch "$batch" --k "$K" --threads "$THREADS" --ids-out "$WORK/faiss-$n-$batch.ids" \
            > "$WORK/faiss-$n-$batch.json"
        for p in fp32 fp16 int8; do
            echo "n = $n, batch $batch: visage $p" >&2
            "$BIN" bench search --n "$n" --dim "$DIM" --queries "$q" --batch "$batch" --k "$K" \
                --precision "$p" --mapped --json --threads "$THREADS" --ids-out "$WORK/$p-$n-$batch.ids" \
                > "$WORK/$p-$n-$batch.json"
            "$BIN" bench search --n "$n" --dim "$DIM" --queries "$q" --batch "$batch" --k "$K" \
                --precision "$p" --json --threads "$THREADS" > "$WORK/$p-mem-$n-$batch.json"
        done
    done
done

"$PY" - "$WORK" "$K" $SIZES <<'PYEOF'
import json, sys
import numpy as np

work, k, sizes = sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3:]]
def load(engine, n, b):
    with open(f"{work}/{engine}-{n}-{b}.json") as f:
        return json.load(f)
def ids(engine, n, b):
    return np.fromfile(f"{work}/{engine}-{n}-{b}.ids", dtype="<i8").reshape(-1, k)

print(f"top-{k} search, {load('faiss', sizes[0], 64)['dim']}-d random unit vectors, "
      f"{load('faiss', sizes[0], 64)['threads']} threads; FAISS {load('faiss', sizes[0], 64)['version']} IndexFlatL2")
print("same ids = queries whose top-k ids equal FAISS's (in order); recall@1 = top-1 equals Visage fp32's; "
      "q/s mem, x fp32 mem = the same search on an index built in memory, and its ratio to fp32's")
head = f"{'n':>8} {'batch':>5} {'engine':>7} {'q/s':>9} {'x FAISS':>8} {'p99 ms':>9} {'memory MB':>10} {'rss MB':>8} {'open ms':>8} {'same ids':>9} {'recall@1':>9} {'q/s mem':>9} {'x fp32 mem':>10}"
print(head)
print("-" * len(head))
for n in sizes:
    for b in (1, 64):
        f = load("faiss", n, b)
        ref, fp32 = ids("faiss", n, b), ids("fp32", n, b)
        for e in ("faiss", "fp32", "fp16", "int8"):
            r = load(e, n, b)
            got = ids(e, n, b)
            same = (got == ref).all(axis=1).mean() * 100
            recall = (got[:, 0] == fp32[:, 0]).mean() * 100
            ratio = r["queries_per_second"] / f["queries_per_second"]
            open_ms = r.get("open_ms")
            mem, mem_ratio = "", ""
            if e != "faiss":
                qps = load(f"{e}-mem", n, b)["queries_per_second"]
                mem, mem_ratio = format(qps, ".1f"), format(qps / load("fp32-mem", n, b)["queries_per_second"], ".2f")
            print(f"{n:>8} {b:>5} {e:>7} {r['queries_per_second']:>9.1f} {ratio:>8.2f} {r['p99_ms']:>9.2f} "
                  f"{r['memory_bytes'] / 1e6:>10.1f} {r['rss_bytes'] / 1e6:>8.1f} "
                  f"{'' if open_ms is None else format(open_ms, '.1f'):>8} {same:>8.1f}% {recall:>8.2f}% "
                  f"{mem:>9} {mem_ratio:>10}")
PYEOF
