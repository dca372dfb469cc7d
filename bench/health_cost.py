#!/usr/bin/env python3
"""The health engine's cost (make bench): runs the health_cost Google Benchmark
(100,000 locks in one HealthMonitor) and writes its figures to
docs/benchmarks.md. The issue's bar: under 1 KiB of state per lock and under
2 µs of CPU per telemetry message."""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from report import replace_section  # noqa: E402


def run(binary):
    out = subprocess.run([binary, "--benchmark_format=json", "--benchmark_min_time=3"],
                         check=True, capture_output=True, text=True).stdout
    runs = {b["name"].split("/")[0]: b for b in json.loads(out)["benchmarks"]}
    state = runs["BM_HealthStatePerLock"]
    msg = runs["BM_TelemetryMessage"]
    unit = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[msg["time_unit"]]
    return {
        "locks": int(state["locks"]),
        "bytes_per_lock": round(state["bytes_per_lock"]),
        "cpu_us_per_message": round(msg["cpu_time"] * unit, 2),
        "messages_per_s": round(msg["items_per_second"]),
    }


def section(r):
    kib = r["bytes_per_lock"] / 1024
    return (
        "## Health engine cost\n\n"
        "`make bench` (bench/health_cost.py): the `health_cost` Google Benchmark holds "
        f"{r['locks']:,} locks in one HealthMonitor (liveness, battery forecast, drain, link, "
        "service figures), each reporting every 10 minutes. Memory is what the monitor holds "
        "after a day of reports, counted by the program's own allocator hooks; CPU is per "
        "telemetry message with the hourly checks spread over the messages, on one core. "
        "The issue's bar: under 1 KiB per lock and under 2 µs per message.\n\n"
        "| locks | state per lock | CPU per telemetry message | messages/s on one core |\n"
        "|---|---|---|---|\n"
        f"| {r['locks']:,} | {kib:.1f} KiB | {r['cpu_us_per_message']:.2f} µs | "
        f"{r['messages_per_s']:,} |\n"
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True, help="the health_cost benchmark")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--markdown", help="replace the cost section of this file")
    args = ap.parse_args()
    r = run(args.binary)
    if args.json:
        print(json.dumps(r))
    else:
        print(section(r))
    if args.markdown:
        replace_section(args.markdown, section(r))


if __name__ == "__main__":
    main()
