#!/usr/bin/env python3
"""Load benchmark of `visage serve`: N concurrent clients calling POST /v1/identify.

Starts the server on a free loopback port with a new SQLite gallery, enrols PEOPLE LFW people
through the API (one photo each; a photo the quality gate refuses is replaced by the person's
next one), then runs CLIENTS threads with keep-alive connections that post other LFW photos to
/v1/identify for DURATION seconds. Prints one JSON object: requests/s, p50/p90/p99 latency,
errors, the share of query photos named correctly, and the server's RSS before and after.

Usage: python3 Benchmarks/server/load_identify.py --binary .build/release/visage
           [--clients 32] [--duration 60] [--people 1000] [--lfw ../shared/data/lfw-dev]
Standard library only. Bounded: DURATION seconds of load, at most PEOPLE enrolments.
"""
import argparse
import http.client
import json
import os
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
    parser.add_argument("--lfw", default=os.path.join(os.path.dirname(root), "shared/data/lfw-dev"))
    parser.add_argument("--upsample", default="0")
    args = parser.parse_args()

    images = os.path.join(args.lfw, "lfw-deepfunneled")
    people = []
    with open(os.path.join(args.lfw, "people_dev.txt")) as f:
        for line in f:
            name, count = line.rstrip("\n").split("\t")
            people.append((name, int(count)))
    enrol_set = people[: args.people]
    queries = [(name, os.path.join(images, name, f"{name}_{i:04d}.jpg"))
               for name, count in enrol_set if count >= 2 for i in range(2, min(count, 4) + 1)]
    queries = [(n, open(p, "rb").read()) for n, p in queries if os.path.exists(p)]

    workdir = tempfile.mkdtemp(prefix="visage-load-")
    server = subprocess.Popen([args.binary, "serve", "--port", "0", "--gallery", os.path.join(workdir, "g.sqlite"),
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
            for i in range(1, min(count, 3) + 1):
                data = open(os.path.join(images, name, f"{name}_{i:04d}.jpg"), "rb").read()
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
        rss_before = rss_kib(server.pid)

        # Load.
        latencies, errors, correct, answered = [], [], [0], [0]
        stop_at = time.time() + args.duration

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
                        correct[0] += 1 if person and person["name"] == name else 0

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        load_start = time.time()
        for t in threads:
            t.start()
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
            "rss_before_mib": round(rss_before / 1024, 1), "rss_after_mib": round(rss_after / 1024, 1),
            "load_average": os.getloadavg(),
        }, indent=1))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
