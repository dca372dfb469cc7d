#!/usr/bin/env python3
"""Lock doctor: causes ranked and steps planned for every incident of a year of
the simulated fleet, against the world's fault labels; the same incidents
walked through the troubleshooting guide's fixed checklist as the baseline.

Runs `lockwarden bench doctor --scenario scenarios/fleet-health.toml --until
365d --json` and writes the tables into docs/benchmarks.md.

Usage: doctor.py --binary build/release/lockwarden [--scenario F] [--until 365d]
                 [--json] [--markdown docs/benchmarks.md] [--result FILE]
"""
import json

from report import bench_args, bench_result, replace_section


def pct(v):
    return "—" if v is None else f"{v * 100:.1f} %"


def row(name, r):
    return (f"| {name} | {pct(r['top1'])} | {pct(r['top3'])} | {r['mean_user_steps']:.2f} | "
            f"{r['mean_user_minutes']:.1f} | {pct(r['auto_fixed_share'])} | {r['factory_resets']} "
            f"({r['needless_factory_resets']} needless) | {r['codes_lost']} |")


def main():
    args = bench_args("doctor")
    result = bench_result(args, "doctor")
    if args.json:
        print(json.dumps(result))
    else:
        print(f"doctor: top-1 {pct(result['top1'])}, top-3 {pct(result['top3'])}, "
              f"{result['mean_user_steps']:.2f} user steps against the guide's "
              f"{result['baseline']['mean_user_steps']:.2f} ({result['incidents']} incidents)")
    if not args.markdown:
        return
    base = result["baseline"]
    lines = [
        "## Lock doctor",
        "",
        f"`make bench` (bench/doctor.py): `lockwarden bench doctor --scenario {args.scenario} --until {args.until} "
        f"--json`. The same world as the health engine's benchmark ({result['locks']:,} locks for a year, "
        f"{result['messages']:,} messages) runs in the process; the health engine and the lock doctor hear it as "
        f"the hub would. {result['cases']:,} cases were opened; {result['incidents']:,} are explained by a fault "
        f"of the world (the rest, {result['cases_without_fault']}, by none). Each is scored as the user first saw "
        "it, 10 minutes after it opened; when a fault ended, its label confirmed the cause of its cases, as a "
        f"resolution would ({result['priors_learnt']:,} confirmations taught the priors and the likelihoods). Wall time "
        f"{result.get('wall_s', '—')} s.",
        "",
        "| | top-1 | top-3 | user steps | user minutes | fixed with no user action | factory resets | codes lost |",
        "|---|---|---|---|---|---|---|---|",
        row("lockwarden", result),
        row("the guide's checklist", base),
        "",
        "- **Walks**: after the run each case is walked from its first-look ranking: the planner's next step is "
        "taken, its outcome drawn from the true cause (a repair works with its effectiveness for that cause, a "
        "question is answered yes with its likelihood), and the planner re-plans until it is fixed. The guide "
        "walks its checklist in order (batteries, restarts, network, firmware, app, permissions, recalibration, "
        "re-pair, interference, reset, support) with the same draws. A case whose lock was back before the "
        "first look needs no step from either. Steps the hub does itself (waiting, recalibrating a lock that "
        "answers, restarting a hub that answers) cost the user nothing.",
        "- **Factory resets and codes**: the running hub holds a verified backup of a lock's codes (and of "
        "its keypad settings, when the lock tells them) once a complete read-back finds nothing it did not "
        "write (every 6 hours, valid for 12), and writes them back after a re-pair or reset in person. The "
        "planner proposes a reset only after every cheaper step with any chance, and only when it is at least "
        "as likely to fix it as not, counting a trouble none of the causes names (prior 2 %), which the failed "
        "steps leave as it was and only support ends. At a case's first look the lock was heard minutes before "
        "and the simulated fleet holds only codes the hub wrote, so the replay holds a backup of every lock: "
        "the doctor may plan a re-pair or a reset, and a lock's codes are lost only if it does so without "
        "one. The guide's walk keeps no backup and loses a lock's codes whenever it reaches its re-pair or "
        "reset step. A reset is needless when it cannot fix the cause, or a cheaper repair that could was not "
        "tried (contacting support is no such repair: it is the last resort, after a reset, as the guide "
        "orders them); `lockwarden bench doctor --explain` lists each with the steps walked.",
        "- **Top-1 / top-3**: the true cause first / among the first three of the ranking. The guide names no "
        "cause. The true cause is the label of the latest fault that struck one of the case's locks from a minute "
        "before it opened until two hours after the fault ended, the case's own lock first; a case opened for a "
        "lock that was still online (a state mismatch, a jam) is not explained by a drop of its link the world "
        "itself caused (its `n` labels of weak signal, interference or a crowded network).",
        "",
        "By cause (the true one):",
        "",
        "| cause | incidents | top-1 | most often ranked first instead |",
        "|---|---|---|---|",
    ]
    confusion = result.get("confusion", {})
    for cause, c in sorted(result.get("by_cause", {}).items()):
        wrong = {k: v for k, v in confusion.get(cause, {}).items() if k != cause}
        instead = max(wrong.items(), key=lambda kv: kv[1]) if wrong else None
        lines.append(f"| {cause} | {c['incidents']} | {pct(c['top1'])} | "
                     f"{f'{instead[0]} ({instead[1]})' if instead else '—'} |")
    lines.append("")
    replace_section(args.markdown, "\n".join(lines))


if __name__ == "__main__":
    main()
