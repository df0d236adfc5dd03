#!/usr/bin/env python3
"""dlib's chinese_whispers_clustering next to `visage cluster`, on the same embeddings.

  cluster_reference.py lfw EMBEDDINGS.jsonl REPORT.json [REPORT2.json ...]
      EMBEDDINGS: what `visage cluster --save-embeddings` wrote for LFW person folders.
      Truth = the photo's folder name; each photo is scored by its face nearest the image centre
      (LFW photos are centred on the named person; other faces are bystanders). dlib clusters all
      faces, as Visage did, at 0.5 (its clustering example's threshold, Visage's chinese-whispers
      default) and at 0.6 (the decision threshold); all are scored on the same faces.
  cluster_reference.py synth OUT.jsonl [--people 500 --faces 20 --dim 128 --seed 3]
      Writes synthetic embeddings of known structure (person centres ~1.0 apart, two faces of one
      person ~0.4 apart) with the person in the "image" field.
  cluster_reference.py synth-score OUT.jsonl REPORT.json
      Scores a Visage report on synthetic embeddings and times dlib on the same vectors.
Needs /opt/bench-venv (dlib-bin 20.0.1, numpy).
"""
import json
import sys
import time
from collections import Counter

import dlib
import numpy as np


def scores(pred, truth):
    """Pairwise and BCubed precision/recall (every distinct label is a group)."""
    n = len(pred)
    cells = Counter(zip(pred, truth))
    gsize, csize = Counter(pred), Counter(truth)
    pairs = lambda k: k * (k - 1) / 2
    together = sum(pairs(k) for k in cells.values())
    grouped = sum(pairs(k) for k in gsize.values())
    same = sum(pairs(k) for k in csize.values())
    pp = together / grouped if grouped else 1.0
    pr = together / same if same else 1.0
    bp = sum(k * k / gsize[g] for (g, _), k in cells.items()) / n
    br = sum(k * k / csize[t] for (_, t), k in cells.items()) / n
    f = lambda p, r: 2 * p * r / (p + r) if p + r else 0.0
    return dict(pairwise_p=pp, pairwise_r=pr, pairwise_f1=f(pp, pr), bcubed_p=bp, bcubed_r=br, bcubed_f1=f(bp, br))


def fmt(name, s, extra=""):
    return (f"{name:<34} pairwise P {s['pairwise_p']:.4f} R {s['pairwise_r']:.4f} F1 {s['pairwise_f1']:.4f} | "
            f"BCubed P {s['bcubed_p']:.4f} R {s['bcubed_r']:.4f} F1 {s['bcubed_f1']:.4f} {extra}")


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def report_labels(report_path, keys):
    """Visage's label per (image, face): group id, or a label of its own when unassigned."""
    report = json.load(open(report_path))
    label = {}
    for g in report["groups"]:
        for face in g["faces"]:
            label[(face["image"], face["face"])] = g["id"]
    nxt = 10 ** 9
    out = []
    for k in keys:
        if k not in label:
            label[k] = nxt
            nxt += 1
        out.append(label[k])
    return out, report


def dlib_cw(embeddings, threshold):
    vectors = [dlib.vector([float(x) for x in e]) for e in embeddings]
    start = time.perf_counter()
    labels = dlib.chinese_whispers_clustering(vectors, threshold)
    return list(labels), time.perf_counter() - start


def lfw(emb_path, report_paths):
    rows = load(emb_path)
    person = lambda r: r["image"].rstrip("/").split("/")[-2]
    # Score the face nearest the centre of each 250x250 photo.
    best = {}
    for i, r in enumerate(rows):
        l, t, rt, b = r["box"]
        off = ((l + rt) / 2 - 125) ** 2 + ((t + b) / 2 - 125) ** 2
        if r["image"] not in best or off < best[r["image"]][0]:
            best[r["image"]] = (off, i)
    scored = sorted(i for _, i in best.values())
    truth = [person(rows[i]) for i in scored]
    keys = [(rows[i]["image"], rows[i]["face"]) for i in scored]
    print(f"{len(rows)} faces in {len(best)} photos of {len(set(truth))} people; scoring one face per photo")
    for threshold in (0.5, 0.6):
        d_labels, d_time = dlib_cw([r["embedding"] for r in rows], threshold)
        print(fmt(f"dlib chinese_whispers_clustering {threshold}", scores([d_labels[i] for i in scored], truth),
                  f"({len(set(d_labels))} labels, {d_time:.2f} s)"))
    for path in report_paths:
        labels, report = report_labels(path, keys)
        print(fmt(f"visage {report['method']} {report['threshold']}", scores(labels, truth),
                  f"({len(report['groups'])} groups, {len(report['unassigned'])} unassigned)"))


def synth(out, people=500, faces=20, dim=128, seed=3, separation=1.0, spread=0.4):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, separation / np.sqrt(2 * dim), (people, dim))
    with open(out, "w") as f:
        for p in range(people):
            for k in range(faces):
                e = centres[p] + rng.normal(0, spread / np.sqrt(2 * dim), dim)
                f.write(json.dumps({"image": f"p{p}/f{k}", "face": 0, "embedding": [round(float(x), 7) for x in e]}) + "\n")
    print(f"wrote {people * faces} synthetic {dim}-d embeddings of {people} people to {out}")


def synth_score(emb_path, report_path):
    rows = load(emb_path)
    truth = [r["image"].split("/")[0] for r in rows]
    keys = [(r["image"], r["face"]) for r in rows]
    labels, report = report_labels(report_path, keys)
    print(fmt(f"visage {report['method']} {report['threshold']}", scores(labels, truth), f"({len(report['groups'])} groups)"))
    d_labels, d_time = dlib_cw([r["embedding"] for r in rows], 0.6)
    print(fmt("dlib chinese_whispers_clustering", scores(d_labels, truth),
              f"({len(set(d_labels))} labels, {d_time:.2f} s including its O(n^2) edge search)"))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "lfw":
        lfw(sys.argv[2], sys.argv[3:])
    elif cmd == "synth":
        synth(sys.argv[2])
    elif cmd == "synth-score":
        synth_score(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
