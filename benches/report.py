#!/usr/bin/env python3
"""The table of docs/performance.md, from what `cargo bench` left in target/criterion.

    python3 benches/report.py                 # criterion's latest run ("new")
    python3 benches/report.py run1 run2 run3  # several saved baselines (--save-baseline runN)

With several runs, each ratio is computed within each run (every contender of a group ran in the
same process, one after another) and the median of those per-run ratios is reported, beside the
median of the per-run medians. The instruction counts come from `cargo bench --bench
instructions` (target/criterion/instructions.tsv), when present.
"""

import json
import os
import statistics
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CRITERION = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "criterion")

# (group, contenders in table order, [(target name, ratio of, to, at most)])
GROUPS = [
    ("progress_null", ["mapisync", "windows-core", "com", "dyn-trait", "floor"],
     [("≤ 1.0× windows-core", "mapisync", "windows-core", 1.0),
      ("≤ 1.25× floor", "mapisync", "floor", 1.25)]),
    ("progress_text40", ["mapisync", "windows-core", "com", "dyn-trait", "floor"],
     [("≤ 1.0× windows-core", "mapisync", "windows-core", 1.0),
      ("≤ 1.25× floor", "mapisync", "floor", 1.25)]),
    ("add_ref_release", ["mapisync", "windows-core", "com", "arc", "floor"],
     [("≤ 0.9× windows-core", "mapisync", "windows-core", 0.9)]),
    ("query_interface_release", ["mapisync", "windows-core", "com", "arc", "floor"],
     [("≤ 0.8× windows-core", "mapisync", "windows-core", 0.8)]),
    ("create_destroy", ["mapisync", "windows-core", "com", "arc", "floor"],
     [("≤ 1.0× windows-core", "mapisync", "windows-core", 1.0)]),
    ("add_ref_release_2threads", ["mapisync", "windows-core", "com", "arc", "floor"], []),
    ("recorder_null", ["recording-callback", "mutex-vec-callback", "mutex-vec-push"], []),
    ("recorder_text40", ["recording-callback", "mutex-vec-callback", "mutex-vec-push"], []),
]


def median_ns(group, contender, run):
    path = os.path.join(CRITERION, group, contender, run, "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except (OSError, KeyError, ValueError):
        return None


def instructions():
    counts = {}
    try:
        with open(os.path.join(CRITERION, "instructions.tsv")) as f:
            for line in f:
                name, _, value = line.strip().partition("\t")
                if value:
                    counts[name] = float(value)
    except OSError:
        pass
    return counts


def fmt_ns(ns):
    return "–" if ns is None else (f"{ns:.2f}" if ns < 10 else f"{ns:.1f}")


def main():
    runs = sys.argv[1:] or ["new"]
    ir = instructions()
    print(f"Runs: {', '.join(runs)} (criterion medians, ns per operation)\n")
    print("| group | contender | median ns | ratio to windows-core | ratio to floor | instructions |")
    print("|---|---|---:|---:|---:|---:|")
    verdicts = []
    for group, contenders, targets in GROUPS:
        per_run = {c: [median_ns(group, c, r) for r in runs] for c in contenders}
        if all(v is None for vs in per_run.values() for v in vs):
            continue
        baseline = "windows-core" if "windows-core" in contenders else contenders[-1]

        def ratio(a, b):
            values = [x / y for x, y in zip(per_run[a], per_run[b]) if x and y]
            return statistics.median(values) if values else None

        for c in contenders:
            values = [v for v in per_run[c] if v is not None]
            med = statistics.median(values) if values else None
            to_wc = ratio(c, baseline) if baseline in per_run else None
            to_floor = ratio(c, "floor") if "floor" in per_run else None
            count = ir.get(f"{group}/{c}")
            print(f"| {group} | {c} | {fmt_ns(med)} | "
                  f"{'–' if to_wc is None else f'{to_wc:.2f}'} | "
                  f"{'–' if to_floor is None else f'{to_floor:.2f}'} | "
                  f"{'–' if count is None else f'{count:.0f}'} |")
        for name, a, b, limit in targets:
            r = ratio(a, b)
            ir_ratio = (ir[f"{group}/{a}"] / ir[f"{group}/{b}"]
                        if f"{group}/{a}" in ir and f"{group}/{b}" in ir else None)
            verdicts.append((group, name, r, limit, ir_ratio))
    print("\n| group | target | time ratio | met | instruction ratio |")
    print("|---|---|---:|---|---:|")
    for group, name, r, limit, ir_ratio in verdicts:
        met = "–" if r is None else ("yes" if r <= limit else f"no (+{(r / limit - 1) * 100:.0f}%)")
        print(f"| {group} | {name} | {'–' if r is None else f'{r:.2f}'} | {met} | "
              f"{'–' if ir_ratio is None else f'{ir_ratio:.2f}'} |")


if __name__ == "__main__":
    main()
