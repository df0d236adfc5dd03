#!/usr/bin/env bash
# `visage cluster` benchmarks, with dlib 20.0.1 (PyPI dlib-bin, /opt/bench-venv) as the reference:
#  1. LFW people with >= 6 photos in ../shared/data/lfw-dev (130 people, 1,747 photos): Visage's
#     complete linkage (default), chinese whispers and DBSCAN vs dlib.chinese_whispers_clustering
#     on the SAME embeddings.
#  2. 10,000 synthetic 128-d embeddings of 500 people: time to group (target <= 2 s) and scores.
#  3. A whole run over the lfw-dev folder (4,104 photos) with the face cache warm.
#   bash scripts/bench-cluster.sh
# The face cache lives in ${VISAGE_CLUSTER_CACHE:-~/.cache/visage/bench-cluster}; the first run
# fills it (detection + embedding of 4,104 photos: tens of minutes on 2 cores), later runs are warm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python=${BENCH_PYTHON:-/opt/bench-venv/bin/python}
lfw=${VISAGE_SHARED_DATA:-$(cd .. && pwd)/shared/data}/lfw-dev
cachedir=${VISAGE_CLUSTER_CACHE:-$HOME/.cache/visage/bench-cluster}
cache=$cachedir/faces-cache.jsonl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$cachedir"

echo "[bench] building visage (release)"
swift build -c release --product visage >/dev/null
visage=$(swift build -c release --show-bin-path)/visage

echo "[bench] 1. LFW people with >= 6 photos"
mapfile -t folders < <(awk -F'\t' -v root="$lfw/lfw-deepfunneled" '$2 >= 6 { print root "/" $1 }' "$lfw/people_dev.txt")
"$visage" cluster "${folders[@]}" --cache "$cache" --out "$work/lfw6" --save-embeddings "$work/lfw6.jsonl" --gallery "$work/none.sqlite"
for method in chinese-whispers dbscan; do
  "$visage" cluster --embeddings "$work/lfw6.jsonl" --method $method --no-sheets --out "$work/lfw6-$method" --gallery "$work/none.sqlite" >/dev/null
done
"$python" Benchmarks/reference/cluster_reference.py lfw "$work/lfw6.jsonl" "$work/lfw6/report.json" \
  "$work/lfw6-chinese-whispers/report.json" "$work/lfw6-dbscan/report.json"

echo "[bench] 2. 10,000 synthetic embeddings"
"$python" Benchmarks/reference/cluster_reference.py synth "$work/synth.jsonl"
for i in 1 2 3; do
  /usr/bin/time -f "   whole command (reading 10,000 JSON lines, report): %e s" \
    "$visage" cluster --embeddings "$work/synth.jsonl" --no-sheets --out "$work/synth" --gallery "$work/none.sqlite" | sed -n 1p
done
"$python" Benchmarks/reference/cluster_reference.py synth-score "$work/synth.jsonl" "$work/synth/report.json"

echo "[bench] 3. whole lfw-dev folder, cache warm ($(wc -l < "$cache") cached photos before)"
/usr/bin/time -f "   wall %e s, max RSS %M KB" \
  "$visage" cluster "$lfw/lfw-deepfunneled" --cache "$cache" --out "$work/all" --gallery "$work/none.sqlite" | sed -n 1p
/usr/bin/time -f "   wall %e s, max RSS %M KB (without contact sheets)" \
  "$visage" cluster "$lfw/lfw-deepfunneled" --cache "$cache" --out "$work/all2" --no-sheets --gallery "$work/none.sqlite" | sed -n 1p
