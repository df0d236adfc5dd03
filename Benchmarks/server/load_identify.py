#!/usr/bin/env python3
"""Load benchmark of `visage serve`: N concurrent clients calling POST /v1/identify.

Builds a PEOPLE-person SQLite gallery: REAL LFW people enrolled through the API (one photo each;
a photo the quality gate refuses is replaced by the person's next one) and PEOPLE - REAL
synthetic people (random 128-d embeddings) added with `visage gallery import`, so that the
search runs over the full gallery without hours of enrolment on a shared machine. Then runs
CLIENTS threads with keep-alive connections that post other photos of the real people (and
photos of people not in the gallery) to /v1/identify for DURATION seconds. Prints one JSON object: requests/s, p50/p90/p99 latency,
errors, the share of query photos named correctly, and the server's RSS before and after.

Usage: python3 Benchmarks/server/load_identify.py --binary .build/release/visage
           [--clients 32] [--duration 60] [--people 1000] [--real 100] [--lfw ../shared/data/lfw-dev]
Standard library only. Bounded: DURATION seconds of load, at most PEOPLE enrolments.
"""
import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def request(conn, method, path, body=None, content_type=None):
    headers = {"Content-Type": content_type} if content_type else {}
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data else None)


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(root, ".build/release/visage"))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--real", type=int, default=100)
    parser.add_argument("--lfw", default=os.path.join(os.path.dirname(root), "shared/data/lfw-dev"))
    parser.add_argument("--upsample", default="0")
    parser.add_argument("--warmup", type=float, default=10,
                        help="seconds of the same load before the measured run (RSS 'before' is taken after it)")
    args = parser.parse_args()

    images = os.path.join(args.lfw, "lfw-deepfunneled")
    people = []
    with open(os.path.join(args.lfw, "people_dev.txt")) as f:
        for line in f:
            name, count = line.rstrip("\n").split("\t")
            people.append((name, int(count)))
    # Real people: those with at least 4 photos (photo 1 enrolled, photos 2-4 queried), then
    # strangers (photo 1 of people not enrolled) as a quarter of the queries.
    def photos(name):
        return [os.path.join(images, name, f) for f in sorted(os.listdir(os.path.join(images, name)))]

    many = [(n, c) for n, c in people if c >= 4]
    enrol_set = many[: args.real]
    strangers = [n for n, c in people if c == 1][: max(1, args.real)]
    queries = [(name, path) for name, _ in enrol_set for path in photos(name)[1:4]]
    queries += [(None, photos(n)[0]) for n in strangers]
    queries = [(n, open(p, "rb").read()) for n, p in queries if os.path.exists(p)]

    workdir = tempfile.mkdtemp(prefix="visage-load-")
    gallery = os.path.join(workdir, "g.sqlite")
    synthetic = max(0, args.people - len(enrol_set))
    if synthetic:
        rng = random.Random(20261129)
        path = os.path.join(workdir, "synthetic.jsonl")
        with open(path, "w") as f:
            f.write(json.dumps({"kind": "header", "format": "visage-gallery", "version": 1,
                                "model": {"id": "dlib-resnet", "preprocessingVersion": 1, "dimension": 128}}) + "\n")
            for i in range(synthetic):
                name = f"synthetic-{i:05d}"
                vector = [rng.gauss(0, 0.09) for _ in range(128)]
                f.write(json.dumps({"kind": "person", "name": name, "metadata": {}}) + "\n")
                f.write(json.dumps({"kind": "face", "person": name, "imageSHA256": f"{i:064x}",
                                    "box": {"left": 0, "top": 0, "right": 100, "bottom": 100}, "landmarks": [],
                                    "quality": 1.0, "embedding": vector}) + "\n")
        subprocess.run([args.binary, "gallery", "import", path, "--gallery", gallery], check=True,
                       stdout=subprocess.DEVNULL)
    server = subprocess.Popen([args.binary, "serve", "--port", "0", "--gallery", gallery,
                               "--upsample", args.upsample], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        if "listening on http://" not in line:
            raise SystemExit(f"server did not start: {line!r}")
        port = int(line.strip().rsplit(":", 1)[1])

        # Populate through the API (4 parallel enrolments).
        t0 = time.time()
        enrolled = []
        lock = threading.Lock()

        def enrol(entry):
            name, count = entry
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            status, person = request(conn, "POST", "/v1/people", json.dumps({"name": name}), "application/json")
            if status != 201:
                return
            for path in photos(name)[:1]:
                data = open(path, "rb").read()
                status, _ = request(conn, "POST", f"/v1/people/{person['id']}/faces", data, "image/jpeg")
                if status == 201:
                    with lock:
                        enrolled.append(name)
                    return

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(enrol, enrol_set))
        populate_seconds = time.time() - t0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        _, health = request(conn, "GET", "/health")
        rss_cold = rss_kib(server.pid)

        # Load: a warm-up (allocators and caches reach their working size), then the measured run.
        latencies, errors, correct, answered = [], [], [0], [0]
        stop_at = 0.0

        def client(index):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            k = index
            while time.time() < stop_at:
                name, data = queries[k % len(queries)]
                k += args.clients
                start = time.perf_counter()
                try:
                    status, body = request(conn, "POST", "/v1/identify", data, "image/jpeg")
                except Exception as error:  # count and reconnect
                    errors.append(repr(error))
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    continue
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if status != 200:
                        errors.append(status)
                    elif body["faces"]:
                        answered[0] += 1
                        person = body["faces"][0].get("person")
                        correct[0] += 1 if (person["name"] if person else None) == name else 0

        def run_clients(seconds):
            nonlocal stop_at
            stop_at = time.time() + seconds
            threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
            for t in threads:
                t.start()
            return threads

        for t in run_clients(args.warmup):
            t.join()
        warm_errors = len(errors)
        del latencies[:], errors[:]
        correct[0] = answered[0] = 0
        rss_before = rss_kib(server.pid)
        # RSS every 5 s during the measured run: it must stay flat.
        rss_timeline = []
        load_start = time.time()
        threads = run_clients(args.duration)
        while any(t.is_alive() for t in threads):
            time.sleep(0.2)
            if time.time() - load_start >= 5 * (len(rss_timeline) + 1):
                rss_timeline.append(round(rss_kib(server.pid) / 1024, 1))
        for t in threads:
            t.join()
        wall = time.time() - load_start
        rss_after = rss_kib(server.pid)
        latencies.sort()

        def pct(p):
            return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1) if latencies else None

        print(json.dumps({
            "clients": args.clients, "duration_s": round(wall, 1), "gallery_people": health["people"],
            "gallery_faces": health["faces"], "populate_s": round(populate_seconds, 1),
            "requests": len(latencies), "requests_per_s": round(len(latencies) / wall, 2),
            "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": pct(1.0),
            "errors": len(errors), "error_samples": [str(e) for e in errors[:5]],
            "identified_correctly": round(correct[0] / answered[0], 4) if answered[0] else None,
            "warmup_s": args.warmup, "warmup_errors": warm_errors,
            "rss_cold_mib": round(rss_cold / 1024, 1),
            "rss_before_mib": round(rss_before / 1024, 1), "rss_after_mib": round(rss_after / 1024, 1),
            "rss_every_5s_mib": rss_timeline,
            "load_average": os.getloadavg(),
        }, indent=1))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
