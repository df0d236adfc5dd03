#!/usr/bin/env python3
"""Open-set identification on LFW-dev people held out from GalleryEndToEndTests.

The end-to-end test enrols 20 fixed LFW-dev people (every 9th of those with >= 4 photos) and
queries 50 fixed strangers (every 32nd person with one photo). This study uses the OTHER people:
it embeds photos 1-4 of the 173 held-out people with >= 4 photos and photo 1 of 200 held-out
one-photo people through `visage embed` (largest face), then draws random galleries of 20 people
(photo 1 enrolled, photos 2-4 as probes) with 50 strangers, and prints, per threshold, the mean
rank-1 rate (nearest person right and nearer than the threshold) and the share of strangers
answered "unknown", and the spread of that share over galleries.

Usage: python3 Benchmarks/gallery/open_set_threshold.py [--binary .build/release/visage]
           [--lfw ../shared/data/lfw-dev] [--upsample 1] [--embeddings FILE] [--trials 1000]
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
ap.add_argument("--trials", type=int, default=1000)
args = ap.parse_args()

people = [(n, int(c)) for n, c in (l.rstrip("\n").split("\t") for l in open(f"{args.lfw}/people_dev.txt"))]
many = [p for p in people if p[1] >= 4]
single = [p for p in people if p[1] == 1]
test_people = {many[i][0] for i in range(0, len(many), len(many) // 20)[:20]}
test_strangers = {single[i][0] for i in range(0, len(single), len(single) // 50)[:50]}
held = [n for n, _ in many if n not in test_people]
strangers = [n for n, _ in single if n not in test_strangers][::3][:200]
photo = lambda n, k: f"{args.lfw}/lfw-deepfunneled/{n}/" + sorted(os.listdir(f"{args.lfw}/lfw-deepfunneled/{n}"))[k - 1]
paths = [photo(n, k) for n in held for k in (1, 2, 3, 4)] + [photo(n, 1) for n in strangers]

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
    if r["faces"]:
        emb[r["image"].split("/")[-2]][r["image"]] = np.array(r["faces"][0]["embedding"])
vec = {n: [v for _, v in sorted(d.items())] for n, d in emb.items()}
gallery_pool = [n for n in held if len(vec.get(n, [])) >= 2]
stranger_pool = [n for n in strangers if n in vec]
print(f"held-out: {len(gallery_pool)} people with a probe, {len(stranger_pool)} strangers")
rng = random.Random(20261129)
thresholds = [0.5, 0.55, 0.57, 0.58, 0.59, 0.6, 0.62]
hits = {t: [] for t in thresholds}
unknown = {t: [] for t in thresholds}
for _ in range(args.trials):
    g = rng.sample(gallery_pool, 20)
    s = rng.sample(stranger_pool, 50)
    G = np.stack([vec[n][0] for n in g])
    for t in thresholds:
        ok = total = 0
        for i, n in enumerate(g):
            for q in vec[n][1:]:
                d = np.linalg.norm(G - q, axis=1)
                ok += int(d.argmin() == i and d.min() < t)
                total += 1
        hits[t].append(ok / total)
        d = np.linalg.norm(np.stack([vec[n][0] for n in s])[:, None] - G[None], axis=2).min(axis=1)
        unknown[t].append(float(np.mean(d >= t)))
print("threshold  rank-1  strangers-unknown  (5th percentile over galleries)  P(unknown < 90 %)")
for t in thresholds:
    u = np.array(unknown[t])
    print(f"  {t:.2f}     {np.mean(hits[t]):.3f}   {u.mean():.3f}              {np.percentile(u, 5):.3f}                       {np.mean(u < 0.9):.3f}")
