"""Shared by the benchmarks: replace one section of docs/benchmarks.md."""
import os


def replace_section(path, section):
    """Replaces the section whose "## " heading starts `section` (or appends it)."""
    heading = section.split("\n", 1)[0]
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n\n"
    start = text.find(heading)
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("\n" + text[end + 1:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as f:
        f.write(text)


def bench_args(section):
    """The options every `lockwarden bench <engine>` script takes."""
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--scenario", default="scenarios/fleet-health.toml")
    ap.add_argument("--until", default="365d")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--markdown", help=f"replace the {section} section of this file")
    ap.add_argument("--result", help="write the section from this saved --json output instead of running")
    return ap.parse_args()


def bench_result(args, engine):
    """`lockwarden bench <engine> --json`'s result with its wall time, or the saved --result."""
    import json
    import subprocess
    import time
    if args.result:
        with open(args.result) as f:
            return json.load(f)
    started = time.monotonic()
    out = subprocess.run([args.binary, "bench", engine, "--scenario", args.scenario, "--until", args.until,
                          "--json"], capture_output=True, text=True, check=True).stdout
    result = json.loads(out)
    result["wall_s"] = round(time.monotonic() - started, 1)
    return result
