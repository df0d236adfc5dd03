#!/usr/bin/env bash
# Visage's dlib pipeline against dlib 20.0.1 (PyPI dlib-bin, /opt/bench-venv) on the same images,
# in one go: builds bench-dlib in release, prepares the images, runs both, prints the ratios.
#   bash scripts/bench-dlib.sh [--repeat N]
# Needs the model cache (scripts/setup.sh), the demo photos (~/.cache/visage/demo-photos, from
# scripts/setup.sh) and ../shared/data/reference/dlib/chips. Times are best-of-N milliseconds;
# on a shared machine they are noisy.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repeat=5
if [[ "${1:-}" == "--repeat" ]]; then repeat=$2; fi

python=${BENCH_PYTHON:-/opt/bench-venv/bin/python}
models=${VISAGE_MODELS:-$(python3 scripts/fetch_assets.py --print-dir models)}
photos=${VISAGE_DEMO_PHOTOS:-$HOME/.cache/visage/demo-photos}
chips=${VISAGE_SHARED_DATA:-$(cd .. && pwd)/shared/data}/reference/dlib/chips
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "[bench] building bench-dlib (release)"
(cd Benchmarks && swift build -c release --product bench-dlib >/dev/null)
bin=$(cd Benchmarks && swift build -c release --show-bin-path)/bench-dlib

"$python" Benchmarks/reference/dlib_reference_bench.py prepare "$work" "$photos/obama.jpg" "$chips"
echo "[bench] visage"
VISAGE_MODELS=$models "$bin" "$work" --repeat "$repeat" | tee "$work/visage.txt"
echo "[bench] dlib $("$python" -c 'import dlib; print(dlib.__version__)')"
"$python" Benchmarks/reference/dlib_reference_bench.py run "$work" "$models" --repeat "$repeat" | tee "$work/dlib.txt"

echo
echo "[bench] summary (ms, best of $repeat; ratio = dlib / visage)"
python3 - "$work/visage.txt" "$work/dlib.txt" <<'PY'
import sys
def read(path):
    out = {}
    for line in open(path):
        parts = line.split()
        if len(parts) == 2:
            try: out[parts[0]] = float(parts[1])
            except ValueError: pass
    return out
v, d = read(sys.argv[1]), read(sys.argv[2])
targets = {"resnet_batch32_per_face": 4, "mmod_455x568_up0": 60, "sp5_per_face": 0.2, "load_all": 500}
d["load_all"] = sum(d.get(k, 0) for k in ("load_resnet", "load_mmod", "load_sp5", "load_sp68"))
print(f"{'measure':28} {'visage':>10} {'dlib':>10} {'ratio':>8} {'target':>8}")
for key in ["resnet_batch1_per_face", "resnet_batch32_per_face", "mmod_455x568_up0", "mmod_455x568_up1",
            "sp5_per_face", "sp68_per_face", "load_resnet", "load_mmod", "load_sp5", "load_sp68", "load_all"]:
    if key in v and key in d:
        t = targets.get(key)
        print(f"{key:28} {v[key]:10.3f} {d[key]:10.3f} {d[key] / v[key]:7.1f}x {'≤ %g' % t if t else '':>8}")
peak = max((v[k] for k in v if k.startswith("sgemm_") and k.endswith("_gflops")), default=float("nan"))
print(f"ResNet: {v.get('resnet_gflop_per_face', float('nan')):.3f} GFLOP/face (as direct convolutions); batched "
      f"{v.get('resnet_batch32_gflops', float('nan')):.1f} GFLOP/s of those = "
      f"{100 * v.get('resnet_batch32_gflops', float('nan')) / peak:.0f}% of the measured sgemm peak {peak:.1f} GFLOP/s "
      f"(its 3 × 3 layers run Winograd F(2×2, 3×3), 4 multiplies per output instead of 9)")
PY
