#!/usr/bin/env python3
"""Lock round-trip latency on loopback: `lockwarden demo` (broker, hub, six
simulated locks) is started, then `lockwarden lock|unlock` runs N times against
one lock. Reports the CLI's wall time (request, signed command through the
broker to the lock, result back, poll) and the hub's own round trip
(action created -> result recorded), as median, p95 and max.

Usage: lock_latency.py --binary build/release/lockwarden [--runs 60] [--json]
                       [--markdown docs/benchmarks.md]
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from report import replace_section


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1)))))
    return ordered[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--lock", default="garage")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--markdown", help="replace the lock-latency section of this file")
    args = ap.parse_args()

    data_dir = tempfile.mkdtemp(prefix="lw-bench-")
    port = free_port()
    server = f"http://127.0.0.1:{port}"
    log = open(os.path.join(data_dir, "demo.log"), "w")
    demo = subprocess.Popen([args.binary, "demo", "--http-port", str(port), "--data-dir", data_dir],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            r = subprocess.run([args.binary, "status", "--json", "--server", server], capture_output=True, text=True)
            if r.returncode == 0:
                locks = {l["id"]: l for l in json.loads(r.stdout)["locks"]}
                if locks.get(args.lock, {}).get("connectivity") == "online":
                    break
            time.sleep(0.2)
        else:
            sys.exit(f"lock {args.lock} did not come online; see {data_dir}/demo.log")

        client_ms, hub_ms = [], []
        for i in range(args.runs):
            action = "lock" if i % 2 == 0 else "unlock"
            r = subprocess.run([args.binary, action, args.lock, "--json", "--server", server],
                               capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"{action} failed: {r.stdout}{r.stderr}")
            a = json.loads(r.stdout)["action"]
            client_ms.append(a["client_ms"])
            hub_ms.append(a["completed_ms"] - a["created_ms"])
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(timeout=10)
        except subprocess.TimeoutExpired:
            demo.kill()
        shutil.rmtree(data_dir, ignore_errors=True)

    result = {
        "benchmark": "lock_round_trip_loopback",
        "runs": args.runs,
        "client_ms": {"median": statistics.median(client_ms), "p95": percentile(client_ms, 95), "max": max(client_ms)},
        "hub_ms": {"median": statistics.median(hub_ms), "p95": percentile(hub_ms, 95), "max": max(hub_ms)},
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"lock round trip on loopback, {args.runs} runs: "
              f"CLI median {result['client_ms']['median']} ms (p95 {result['client_ms']['p95']}), "
              f"hub median {result['hub_ms']['median']} ms (p95 {result['hub_ms']['p95']})")
    if args.markdown:
        section = (
            "## Lock round trip on loopback\n\n"
            f"`make bench` (bench/lock_latency.py): `lockwarden demo`, then `lockwarden lock|unlock {args.lock}` "
            f"{args.runs} times. CLI = the command's wall time including its status polls; "
            "hub = action created to lock's result recorded (signing, broker, lock verification, result).\n\n"
            "| measure | median ms | p95 ms | max ms |\n|---|---|---|---|\n"
            f"| CLI | {result['client_ms']['median']} | {result['client_ms']['p95']} | {result['client_ms']['max']} |\n"
            f"| hub | {result['hub_ms']['median']} | {result['hub_ms']['p95']} | {result['hub_ms']['max']} |\n"
        )
        replace_section(args.markdown, section)


if __name__ == "__main__":
    main()
