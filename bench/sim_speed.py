#!/usr/bin/env python3
"""World simulator speed: a year of the 1,000-lock fleet on virtual time.

Runs `lockwarden sim --scenario scenarios/fleet-1000.toml --virtual --until 365d`
writing the trace and labels to a temporary directory, and reports the wall
time, lock-years per second, messages, and trace size per lock-year; runs it
twice more for 30 days with the same seed to check that the trace is
byte-identical.

Usage: sim_speed.py --binary build/release/lockwarden [--until 365d] [--json]
                    [--markdown docs/benchmarks.md]
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import tempfile
import time

from report import replace_section


def run(binary, scenario, until, directory):
    trace = os.path.join(directory, "trace.jsonl")
    labels = os.path.join(directory, "labels.jsonl")
    started = time.monotonic()
    r = subprocess.run([binary, "sim", "--scenario", scenario, "--virtual", "--until", until,
                        "--trace", trace, "--labels", labels], capture_output=True, text=True, check=True)
    wall = time.monotonic() - started
    m = re.search(r"sim: (\d+) locks, .* (\d+) messages, (\d+) payload bytes", r.stderr)
    if not m:
        raise SystemExit("sim_speed: cannot read the simulator's summary: " + r.stderr)
    digest = hashlib.sha256()
    with open(trace, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    with open(labels) as f:
        label_count = sum(1 for _ in f)
    result = {"locks": int(m.group(1)), "messages": int(m.group(2)), "payload_bytes": int(m.group(3)),
              "trace_bytes": os.path.getsize(trace), "labels": label_count, "wall_s": round(wall, 2),
              "sha256": digest.hexdigest()}
    os.remove(trace)
    return result


def days(until):
    m = re.fullmatch(r"(\d+)d", until)
    if not m:
        raise SystemExit("sim_speed: --until must be a number of days, e.g. 365d")
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--scenario", default="scenarios/fleet-1000.toml")
    ap.add_argument("--until", default="365d")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--markdown", help="replace the simulator-speed section of this file")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="lw-sim-speed-") as d:
        year = run(args.binary, args.scenario, args.until, d)
        a = run(args.binary, args.scenario, "30d", d)
        b = run(args.binary, args.scenario, "30d", d)
    lock_years = year["locks"] * days(args.until) / 365.0
    result = dict(year)
    result["lock_years"] = lock_years
    result["lock_years_per_s"] = round(lock_years / year["wall_s"], 1)
    result["trace_mb_per_lock_year"] = round(year["trace_bytes"] / lock_years / 1e6, 2)
    result["messages_per_lock_year"] = round(year["messages"] / lock_years)
    result["deterministic"] = a["sha256"] == b["sha256"]

    if args.json:
        print(json.dumps(result))
    else:
        print(f"world simulator: {lock_years:g} lock-years in {year['wall_s']} s "
              f"({result['lock_years_per_s']} lock-years/s), {year['messages']} messages, "
              f"{result['trace_mb_per_lock_year']} MB of trace per lock-year, "
              f"same seed same trace: {result['deterministic']}")
    if args.markdown:
        section = (
            "## World simulator speed\n\n"
            f"`make bench` (bench/sim_speed.py): `lockwarden sim --scenario {args.scenario} --virtual "
            f"--until {args.until}` with the trace and labels written to a file, on one core; then twice 30 days "
            "to compare the traces byte for byte. The issue's bar: 1,000 lock-years in under 60 s.\n\n"
            "| lock-years | wall s | lock-years/s | messages | messages per lock-year | trace MB per lock-year "
            "| labels | same seed, same trace |\n|---|---|---|---|---|---|---|---|\n"
            f"| {lock_years:g} | {year['wall_s']} | {result['lock_years_per_s']} | {year['messages']} | "
            f"{result['messages_per_lock_year']} | {result['trace_mb_per_lock_year']} | {year['labels']} | "
            f"{'yes' if result['deterministic'] else 'NO'} |\n"
        )
        replace_section(args.markdown, section)


if __name__ == "__main__":
    main()
