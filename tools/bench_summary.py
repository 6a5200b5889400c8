#!/usr/bin/env python3
"""bench_summary.py - the issue-4 targets, read off a `convt bench` report.

Reads the Google Benchmark JSON that `convt bench --report` writes (and,
optionally, the one tools/bench_pytorch.py writes for the same problems) and
prints a Markdown table, one row per problem: convt's `cpu` backend in
GFLOP/s and percent of the measured peak, the faster of `onednn` and
`onednn-nchw`, and the speedups of `cpu` over it and over PyTorch. Times are
the median of the repetitions (real time) when the report has them.

Below the table: the geometric mean of the speedups over oneDNN, the
problems below 1.0x, and the large-channel layers (C_in/groups >= 128 and
C_out/groups >= 64) against 70% of the peak.

    tools/bench_summary.py reports/cpu_real_shapes.json \\
        --pytorch reports/pytorch_real_shapes.json --config configs/real_shapes.json

Exit codes: 0 success, 2 bad input (one line on stderr).
"""
import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import convt_problem  # noqa: E402  (tools/convt_problem.py, next to this script)

PEERS = ("onednn", "onednn-nchw")


class BadInput(Exception):
    pass


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise BadInput(f"{path}: {e}")


def times(report, path):
    """{(backend, descriptor): (real time in us, GFLOP/s, peak%)}, medians when repeated."""
    out = {}
    for b in report.get("benchmarks", []):
        if b.get("error_occurred"):
            continue
        repeated = b.get("repetitions", 1) > 1
        if repeated and b.get("aggregate_name") != "median":
            continue
        if not repeated and b.get("run_type") == "aggregate":
            continue
        name = b.get("run_name", b["name"])
        if "/" not in name:
            raise BadInput(f"{path}: benchmark {name!r} is not named <backend>/<descriptor>")
        backend, descriptor = name.split("/", 1)
        scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[b.get("time_unit", "ns")]
        out[(backend, descriptor)] = (b["real_time"] * scale, b.get("GFLOP/s", 0.0), b.get("peak%", 0.0))
    return out


def names(config_paths):
    """{canonical descriptor: problem name} from suite files, in the suites'
    order; a problem in several suites takes its name from the last one."""
    found = {}
    for path in config_paths:
        try:
            suite = convt_problem.load_suite(path)
        except convt_problem.ProblemError as e:
            raise BadInput(e.message)
        for entry in suite.entries:
            canonical = convt_problem.format_descriptor(entry.problem)
            found[canonical] = entry.name or entry.descriptor or convt_problem.short_descriptor(entry.problem)
    return found


def problem(descriptor):
    """The problem a report's descriptor names, or None if it names none."""
    try:
        return convt_problem.parse_problem(descriptor, validate=False)
    except convt_problem.ProblemError:
        return None


def key(descriptor):
    """The canonical descriptor (reports name problems canonically already)."""
    p = problem(descriptor)
    return convt_problem.format_descriptor(p) if p else descriptor


def short_name(descriptor, named):
    return named.get(key(descriptor), descriptor)


def large_channels(descriptor):
    p = problem(descriptor)
    return bool(p) and p.g > 0 and p.ic // p.g >= 128 and p.oc // p.g >= 64


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", help="convt bench --report JSON")
    parser.add_argument("--pytorch", help="tools/bench_pytorch.py JSON for the same problems")
    parser.add_argument("--config", action="append", default=[], help="suite file(s) naming the problems")
    args = parser.parse_args()
    try:
        convt = load(args.report)
        t = times(convt, args.report)
        torch = times(load(args.pytorch), args.pytorch) if args.pytorch else {}
        named = names(args.config)
    except BadInput as e:
        print(f"bench_summary: {e}", file=sys.stderr)
        return 2
    descriptors = list(dict.fromkeys(d for (b, d) in t if b == "cpu"))
    # In the suites' order when they name the problems (a report made with
    # --benchmark_enable_random_interleaving lists them shuffled).
    order = {canonical: i for i, canonical in enumerate(named)}
    descriptors.sort(key=lambda d: order.get(key(d), len(order)))
    if not descriptors:
        print(f"bench_summary: {args.report}: no cpu benchmarks", file=sys.stderr)
        return 2
    ctx = convt.get("context", {})
    peak = ctx.get("peak_gflops", "?").split(" ")[0]
    # The FMA loop on all threads at once falls below the per-core peak
    # times the threads when the host shares the cores (a loaded VM): then
    # every layer's peak % is low in that run.
    together = ctx.get("peak_gflops_measured_on_all_threads")
    together = f", {together.split(' ')[0]} GFLOP/s on all threads at once" if together else ""
    print(f"Measured {ctx.get('date', '?')} on {ctx.get('cpu_model', '?')} ({ctx.get('num_cpus', '?')} cores), "
          f"{ctx.get('threads', '?')} threads, peak {peak} GFLOP/s (convt's FMA loop{together}); "
          "times are medians of the repetitions.\n")
    print("| layer | cpu GFLOP/s | peak % | cpu µs | best oneDNN µs | vs oneDNN | vs PyTorch |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    logs, below, large = [], [], []
    for d in descriptors:
        cpu_us, gflops, peak = t[("cpu", d)]
        peers = [t[(b, d)][0] for b in PEERS if (b, d) in t]
        best = min(peers) if peers else None
        speedup = best / cpu_us if best else None
        torch_us = torch.get(("pytorch", d), (None,))[0]
        name = short_name(d, named)
        if speedup:
            logs.append(math.log(speedup))
            if speedup < 1.0:
                below.append(f"{name} {speedup:.2f}x")
        if large_channels(d):
            large.append((name, peak))
        print(f"| {name} | {gflops:.0f} | {peak:.0f} | {cpu_us:.0f} | "
              f"{best:.0f} | {speedup:.2f}x | " if best else f"| {name} | {gflops:.0f} | {peak:.0f} | {cpu_us:.0f} | - | - | ",
              end="")
        print(f"{torch_us / cpu_us:.1f}x |" if torch_us else "- |")
    print()
    if logs:
        print(f"- geometric mean of the speedups over the faster oneDNN backend: "
              f"{math.exp(sum(logs) / len(logs)):.2f}x over {len(logs)} layers (target 1.5x)")
        print(f"- below 1.0x: {len(below)}" + (f" ({', '.join(below)})" if below else "") + " (target none)")
    if large:
        ok = [n for n, p in large if p >= 70]
        print(f"- large-channel layers at 70% of peak or more: {len(ok)} of {len(large)}; "
              + ", ".join(f"{n} {p:.0f}%" for n, p in large))
    if torch:
        slower = [short_name(d, named) for d in descriptors
                  if ("pytorch", d) in torch and torch[("pytorch", d)][0] <= t[("cpu", d)][0]]
        print(f"- faster than PyTorch on {len(descriptors) - len(slower)} of {len(descriptors)} layers"
              + (f"; not on {', '.join(slower)}" if slower else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
