#!/usr/bin/env python3
"""The open-set identify threshold, measured on LFW-dev people held out from GalleryEndToEndTests.

The end-to-end test enrols 20 fixed LFW-dev people (every 9th of those with >= 4 photos) and
queries 50 fixed strangers (every 32nd person with one photo). This study uses only the OTHER
people. It embeds all their photos through `visage embed` (largest face, MMOD upsample 1 as
`identify`), then prints

1. the impostor table: the share of pairs of photos of two different people closer than each
   distance (the registry's `OpenSetThreshold.impostorRates` for dlib-resnet come from it);
2. random galleries of K people (photo 1 enrolled, photos 2-4 as probes) with 50 strangers
   (one-photo people): per rule, the mean rank-1 rate (nearest person right and nearer than the
   threshold), the mean share of strangers answered "unknown" and its 5th percentile over
   galleries. Rules: fixed thresholds, and the gallery-size rule t(K) = F^-1(1 - (1 - a)^(1/K))
   (F = the impostor table) for several stranger false-accept targets a.

Usage: python3 Benchmarks/gallery/open_set_threshold.py [--binary .build/release/visage]
           [--lfw ../shared/data/lfw-dev] [--upsample 1] [--embeddings FILE] [--trials 300] [--people 20]
--embeddings reuses (and extends) a JSONL file of `visage embed --json` lines. numpy needed.
"""
import argparse, collections, json, os, random, subprocess, sys
import numpy as np

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ap = argparse.ArgumentParser()
ap.add_argument("--binary", default=os.path.join(root, ".build/release/visage"))
ap.add_argument("--lfw", default=os.path.join(os.path.dirname(root), "shared/data/lfw-dev"))
ap.add_argument("--upsample", default="1")
ap.add_argument("--embeddings", default="open_set_embeddings.jsonl")
ap.add_argument("--trials", type=int, default=300)
ap.add_argument("--people", type=int, default=20, help="gallery size K of the study")
args = ap.parse_args()

people = [(n, int(c)) for n, c in (l.rstrip("\n").split("\t") for l in open(f"{args.lfw}/people_dev.txt"))]
many = [p for p in people if p[1] >= 4]
single = [p for p in people if p[1] == 1]
test_people = {many[i][0] for i in range(0, len(many), len(many) // 20)[:20]}
test_strangers = {single[i][0] for i in range(0, len(single), len(single) // 50)[:50]}
held = [n for n, _ in people if n not in test_people and n not in test_strangers]
folder = lambda n: f"{args.lfw}/lfw-deepfunneled/{n}"
paths = [f"{folder(n)}/{f}" for n in held for f in sorted(os.listdir(folder(n))) if f.endswith(".jpg")]

done = set()
if os.path.exists(args.embeddings):
    done = {json.loads(l)["image"] for l in open(args.embeddings) if l.strip()}
todo = [p for p in paths if p not in done]
with open(args.embeddings, "a") as out:
    for i in range(0, len(todo), 50):
        r = subprocess.run([args.binary, "embed", "--json", "--upsample", args.upsample] + todo[i:i + 50],
                           capture_output=True, text=True)
        out.write(r.stdout)
        out.flush()
        print(f"embedded {min(i + 50, len(todo))}/{len(todo)}", file=sys.stderr)

emb = collections.defaultdict(dict)
for l in open(args.embeddings):
    r = json.loads(l)
    if r["faces"] and r["image"] in paths:
        emb[r["image"].split("/")[-2]][r["image"]] = np.array(r["faces"][0]["embedding"], dtype=np.float64)
vec = {n: [v for _, v in sorted(d.items())] for n, d in emb.items()}

# 1. Impostor table over every pair of photos of two different held-out people.
names = np.array([n for n in vec for _ in vec[n]])
X = np.stack([v for n in vec for v in vec[n]])
sq = (X * X).sum(1)
impostors = []
for i in range(0, len(X), 512):
    d = np.sqrt(np.maximum(sq[i:i + 512, None] + sq[None] - 2 * X[i:i + 512] @ X.T, 0))
    upper = np.arange(i, min(i + 512, len(X)))[:, None] < np.arange(len(X))[None]
    impostors.append(d[upper & (names[i:i + 512, None] != names[None])])
impostors = np.sort(np.concatenate(impostors))
print(f"{len(X)} photos of {len(vec)} held-out people, {len(impostors)} impostor pairs")
print("impostor table (distance, share of impostor pairs closer):")
for t in np.arange(0.36, 0.665, 0.01):
    rate = np.searchsorted(impostors, t) / len(impostors)
    print(f"  ({t:.2f}, {rate:.3e}),")

# 2. Random galleries.
def open_set(k, a):
    """t(K) from the impostor table; capped at 0.6, the verification threshold."""
    rate = 1 - (1 - a) ** (1 / k)
    return min(0.6, float(impostors[min(len(impostors) - 1, int(rate * len(impostors)))]))

gallery_pool = [n for n, c in many if n in vec and n not in test_people and len(vec[n]) >= 2]
stranger_pool = [n for n, c in single if n in vec and n not in test_strangers]
k = args.people
rules = [(f"fixed {t:.2f}", t) for t in (0.55, 0.57, 0.58, 0.59, 0.6)]
rules += [(f"t(K) a={a:g} -> {open_set(k, a):.3f}", open_set(k, a)) for a in (0.02, 0.03, 0.04, 0.05, 0.1)]
print(f"galleries of {k} from {len(gallery_pool)} people, 50 strangers from {len(stranger_pool)}, {args.trials} trials")
rng = random.Random(20261129)
hits = {name: [] for name, _ in rules}
unknown = {name: [] for name, _ in rules}
for _ in range(args.trials):
    g = rng.sample(gallery_pool, k)
    s = rng.sample(stranger_pool, 50)
    G = np.stack([vec[n][0] for n in g])
    probes = [(i, q) for i, n in enumerate(g) for q in vec[n][1:4]]
    pd = [(int(d.argmin()) == i, float(d.min())) for i, q in probes for d in [np.linalg.norm(G - q, axis=1)]]
    sd = np.linalg.norm(np.stack([vec[n][0] for n in s])[:, None] - G[None], axis=2).min(axis=1)
    for name, t in rules:
        hits[name].append(np.mean([right and d < t for right, d in pd]))
        unknown[name].append(float(np.mean(sd >= t)))
print("rule                      rank-1  strangers-unknown  5th percentile over galleries")
for name, _ in rules:
    u = np.array(unknown[name])
    print(f"  {name:24s} {np.mean(hits[name]):.3f}   {u.mean():.3f}              {np.percentile(u, 5):.3f}")
