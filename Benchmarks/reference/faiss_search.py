#!/usr/bin/env python3
"""FAISS reference for `visage bench search`: IndexFlatL2 over the same vectors.

Reads base.f32 and queries.f32 (raw little-endian float32, written by
`visage bench search --vectors-out DIR`), times top-k search in batches after one untimed
warm-up batch (as the Visage benchmark does), and prints one JSON object with the same keys:
queries_per_second, p50_ms, p99_ms (batch latencies), memory_bytes (the index's vectors),
rss_bytes. --ids-out writes the result ids (queries x k int64) for comparison.

Run with the benchmark venv: /opt/bench-venv/bin/python faiss_search.py --vectors DIR --dim 128
"""
import argparse
import json
import math
import os
import time

import faiss
import numpy as np


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--vectors", required=True, help="folder with base.f32 and queries.f32")
    p.add_argument("--dim", type=int, default=128)
    p.add_argument("--queries", type=int, default=None, help="use the first N queries (default all)")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--ids-out", default=None)
    a = p.parse_args()

    if a.threads:
        faiss.omp_set_num_threads(a.threads)
    base = np.fromfile(os.path.join(a.vectors, "base.f32"), dtype="<f4").reshape(-1, a.dim)
    queries = np.fromfile(os.path.join(a.vectors, "queries.f32"), dtype="<f4").reshape(-1, a.dim)
    if a.queries:
        queries = queries[: a.queries]
    t = time.perf_counter()
    index = faiss.IndexFlatL2(a.dim)
    index.add(base)
    build = time.perf_counter() - t
    del base

    batches = [queries[i:i + a.batch] for i in range(0, len(queries), a.batch)]
    index.search(batches[0], a.k)  # warm-up
    latencies, ids = [], []
    start = time.perf_counter()
    for b in batches:
        t = time.perf_counter()
        _, I = index.search(b, a.k)
        latencies.append(time.perf_counter() - t)
        ids.append(I)
    total = time.perf_counter() - start
    if a.ids_out:
        np.concatenate(ids).astype("<i8").tofile(a.ids_out)
    lat = sorted(latencies)

    def pct(q):
        return lat[min(len(lat) - 1, math.ceil(q * len(lat)) - 1)] * 1000

    print(json.dumps({
        "engine": "faiss", "version": faiss.__version__, "index": "IndexFlatL2",
        "n": index.ntotal, "dim": a.dim, "queries": len(queries), "batch": a.batch, "k": a.k,
        "threads": faiss.omp_get_max_threads(), "build_seconds": round(build, 3),
        "queries_per_second": round(len(queries) / total, 2), "p50_ms": round(pct(0.5), 3),
        "p99_ms": round(pct(0.99), 3), "memory_bytes": index.ntotal * index.code_size,
        "rss_bytes": rss_bytes(),
    }))


if __name__ == "__main__":
    main()
