#!/usr/bin/python3
"""bench_pytorch.py - time PyTorch's own conv_transpose2d on the CPU, for
comparison with `convt bench`.

Times torch.nn.functional.conv_transpose2d (Debian's python3-torch: run it
with /usr/bin/python3) on the problems of convt suite files and/or problem
descriptors, and writes the result in Google Benchmark's JSON format, with
the benchmarks named "pytorch/<canonical descriptor>" exactly as `convt
bench` names "<backend>/<canonical descriptor>", and the same counters
(GFLOP/s counted as 2*N*C_in*H_in*W_in*(C_out/groups)*kH*kW per run, bytes,
bytes_per_second). So Google Benchmark's tools/compare.py can compare the two
reports, e.g.
    compare.py benchmarksfiltered convt.json onednn-nchw/ pytorch.json pytorch/

Timing follows Google Benchmark: one warm-up call, then the iteration count
grows until a run lasts --min-time seconds; with --repetitions N that count
is run N times and mean, median, stddev and cv aggregates follow. real_time is
wall-clock time per iteration; cpu_time is the whole process's CPU time per
iteration (as `convt bench` measures it).

    /usr/bin/python3 tools/bench_pytorch.py --config configs/real_shapes.json \\
        --threads 2 --repetitions 3 --out pytorch.json

Exit codes: 0 success, 2 bad input (one line on stderr).
"""
import argparse
import datetime
import json
import os
import re
import socket
import statistics
import sys
import time

FIELDS = ["mb", "ic", "ih", "iw", "oc", "kh", "kw", "sh", "sw", "ph", "pw", "oph", "opw", "dh", "dw", "g"]
ANNOTATIONS = {"name", "source", "data", "seed"}


class BadInput(Exception):
    pass


def parse_descriptor(text):
    """The token syntax of reference/descriptor.h: {field: value}, nobias."""
    if not text:
        raise BadInput("bad descriptor '': it is empty (example: ic8ih5oc12kh3sh2)")
    fields, nobias, i = {}, False, 0
    while i < len(text):
        if text[i] == "_":
            i += 1
            continue
        if not ("a" <= text[i] <= "z"):
            raise BadInput(f"bad descriptor '{text}' at position {i + 1}: unexpected character '{text[i]}'")
        if text.startswith("nobias", i):
            if nobias:
                raise BadInput(f"bad descriptor '{text}' at position {i + 1}: repeated token 'nobias'")
            nobias, i = True, i + 6
            continue
        start = i
        while i < len(text) and "a" <= text[i] <= "z":
            i += 1
        name = text[start:i]
        if name not in FIELDS:
            raise BadInput(f"bad descriptor '{text}' at position {start + 1}: unknown token '{name}'")
        if name in fields:
            raise BadInput(f"bad descriptor '{text}' at position {start + 1}: repeated token '{name}'")
        digits = i
        while i < len(text) and text[i].isdigit():
            i += 1
        if i == digits:
            raise BadInput(f"bad descriptor '{text}' at position {start + 1}: "
                           f"token '{name}' needs a non-negative integer after it")
        fields[name] = int(text[digits:i])
    return fields, nobias


def problem_from_fields(fields, nobias):
    """Applies the defaults: mb1, iw=ih, kw=kh, sh1, sw=sh, ph0, pw=ph,
    oph0, opw=oph, dh1, dw=dh, g1, bias on."""
    for f in ("ic", "ih", "oc", "kh"):
        if f not in fields:
            raise BadInput(f"descriptor lacks '{f}' (ic, ih, oc and kh have no default)")
    p = dict(fields)
    p.setdefault("mb", 1)
    p.setdefault("iw", p["ih"])
    p.setdefault("kw", p["kh"])
    p.setdefault("sh", 1)
    p.setdefault("sw", p["sh"])
    p.setdefault("ph", 0)
    p.setdefault("pw", p["ph"])
    p.setdefault("oph", 0)
    p.setdefault("opw", p["oph"])
    p.setdefault("dh", 1)
    p.setdefault("dw", p["dh"])
    p.setdefault("g", 1)
    p["bias"] = not nobias
    if p["g"] <= 0 or p["oc"] % p["g"] or p["ic"] % p["g"]:
        raise BadInput(f"groups g{p['g']} must divide ic{p['ic']} and oc{p['oc']}")
    return p


def canonical(p):
    """convt's format_descriptor: every field in order, then nobias."""
    return "".join(f"{f}{p[f]}" for f in FIELDS) + ("" if p["bias"] else "nobias")


def output_size(p):
    h = (p["ih"] - 1) * p["sh"] - 2 * p["ph"] + p["dh"] * (p["kh"] - 1) + p["oph"] + 1
    w = (p["iw"] - 1) * p["sw"] - 2 * p["pw"] + p["dw"] * (p["kw"] - 1) + p["opw"] + 1
    return h, w


def flops_per_run(p):
    """2*N*C_in*H_in*W_in*(C_out/groups)*kH*kW: the useful products only (as convt bench)."""
    return 2.0 * p["mb"] * p["ic"] * p["ih"] * p["iw"] * (p["oc"] // p["g"]) * p["kh"] * p["kw"]


def bytes_per_run(p):
    """x, w, y and the bias, float32, once each (as convt bench)."""
    h, w = output_size(p)
    elements = (p["mb"] * p["ic"] * p["ih"] * p["iw"] + p["ic"] * (p["oc"] // p["g"]) * p["kh"] * p["kw"]
                + p["mb"] * p["oc"] * h * w + (p["oc"] if p["bias"] else 0))
    return 4.0 * elements


def load_suite(path):
    try:
        with open(path) as f:
            suite = json.load(f)
    except (OSError, ValueError) as e:
        raise BadInput(f"{path}: {e}")
    if not isinstance(suite, dict) or not isinstance(suite.get("problems"), list):
        raise BadInput(f"{path}: expected an object with a \"problems\" array")
    problems = []
    for index, entry in enumerate(suite["problems"]):
        where = f"{path}: problem {index}"
        try:
            if isinstance(entry, str):
                problems.append(problem_from_fields(*parse_descriptor(entry)))
            elif isinstance(entry, dict) and "descriptor" in entry:
                problems.append(problem_from_fields(*parse_descriptor(entry["descriptor"])))
            elif isinstance(entry, dict):
                fields = {k: v for k, v in entry.items() if k in FIELDS}
                unknown = set(entry) - set(FIELDS) - ANNOTATIONS - {"bias"}
                if unknown:
                    raise BadInput(f"unknown key \"{sorted(unknown)[0]}\"")
                problems.append(problem_from_fields(fields, not entry.get("bias", True)))
            else:
                raise BadInput("expected a descriptor string or an object")
        except BadInput as e:
            raise BadInput(f"{where}: {e}")
    return problems


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def time_problem(torch, p, threads, min_time, repetitions):
    """[(iterations, real seconds, cpu seconds)] per repetition."""
    F = torch.nn.functional
    g = torch.Generator().manual_seed(1)
    x = torch.randn(p["mb"], p["ic"], p["ih"], p["iw"], generator=g)
    w = torch.randn(p["ic"], p["oc"] // p["g"], p["kh"], p["kw"], generator=g)
    b = torch.randn(p["oc"], generator=g) if p["bias"] else None
    args = dict(stride=(p["sh"], p["sw"]), padding=(p["ph"], p["pw"]),
                output_padding=(p["oph"], p["opw"]), groups=p["g"], dilation=(p["dh"], p["dw"]))

    def run(iterations):
        real0, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(iterations):
            F.conv_transpose2d(x, w, b, **args)
        return time.perf_counter() - real0, time.process_time() - cpu0

    with torch.inference_mode():
        run(1)  # warm-up (and PyTorch's own checks)
        iterations = 1
        while True:  # Google Benchmark's rule for the iteration count
            real, _ = run(iterations)
            if real >= min_time or iterations >= 10**9:
                break
            multiplier = min_time * 1.4 / max(real, 1e-9) if real / min_time > 0.1 else 10.0
            iterations = max(int(round(multiplier * iterations)), iterations + 1)
        results = [(iterations,) + run(iterations) for _ in range(repetitions)]
    return results


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", action="append", default=[], help="convt suite file (repeatable)")
    parser.add_argument("--problem", action="append", default=[], help="problem descriptor (repeatable)")
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: all cores)")
    parser.add_argument("--repetitions", type=int, default=1, help="as --benchmark_repetitions")
    parser.add_argument("--min-time", type=float, default=0.5, help="seconds per run, as --benchmark_min_time")
    parser.add_argument("--filter", default=None, help="only benchmarks whose name matches this regex")
    parser.add_argument("--out", default=None, help="write the JSON report here (default: stdout)")
    a = parser.parse_args(argv)

    try:
        cores = len(os.sched_getaffinity(0))
        if a.threads < 0 or a.threads > cores:
            raise BadInput(f"--threads {a.threads}: between 0 and the {cores} cores (no oversubscription)")
        if a.repetitions < 1 or a.min_time <= 0:
            raise BadInput("--repetitions must be >= 1 and --min-time > 0")
        problems = []
        for path in a.config:
            problems += load_suite(path)
        for text in a.problem:
            problems.append(problem_from_fields(*parse_descriptor(text)))
        if not problems:
            raise BadInput("nothing to benchmark: give --config FILE and/or --problem DESCRIPTOR")
        pattern = re.compile(a.filter) if a.filter else None
    except (BadInput, re.error) as e:
        print(f"bench_pytorch: {e}", file=sys.stderr)
        return 2

    try:
        import torch
    except ImportError:
        print(f"bench_pytorch: {sys.executable} has no torch: install Debian's python3-torch "
              "(apt-get install python3-torch) and run this script with /usr/bin/python3", file=sys.stderr)
        return 2
    threads = a.threads or cores
    torch.set_num_threads(threads)
    context = {
        "date": datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec="seconds"),
        "host_name": socket.gethostname(),
        "executable": "tools/bench_pytorch.py",
        "num_cpus": cores,
        "mhz_per_cpu": 0,
        "cpu_scaling_enabled": False,
        "caches": [],
        "load_avg": list(os.getloadavg()),
        "library_build_type": "release",
        "cpu_model": cpu_model(),
        "cores": str(cores),
        "threads": str(threads),
        "torch_version": torch.__version__,
        "torch_parallel_info": "; ".join(line.strip() for line in torch.__config__.parallel_info().splitlines()
                                         if "get_num_threads" in line or "backend" in line),
        "flops": "2*N*C_in*H_in*W_in*(C_out/groups)*kH*kW per run: the useful products only",
    }
    benchmarks = []
    family = 0
    for p in problems:
        name = "pytorch/" + canonical(p)
        if pattern and not pattern.search(name):
            continue
        try:
            runs = time_problem(torch, p, threads, a.min_time, a.repetitions)
        except RuntimeError as e:
            message = str(e).splitlines()[0]
            benchmarks.append({"name": name, "family_index": family, "per_family_instance_index": 0,
                               "run_name": name, "run_type": "iteration", "repetitions": a.repetitions,
                               "repetition_index": 0, "threads": 1, "iterations": 0,
                               "error_occurred": True, "error_message": message})
            print(f"{name:<90s} ERROR: {message}", file=sys.stderr)
            family += 1
            continue
        flops, nbytes = flops_per_run(p), bytes_per_run(p)
        entries = []
        for index, (iterations, real, cpu) in enumerate(runs):
            entry = {"name": name, "family_index": family, "per_family_instance_index": 0, "run_name": name,
                     "run_type": "iteration", "repetitions": a.repetitions, "repetition_index": index,
                     "threads": 1, "iterations": iterations,
                     "real_time": real / iterations * 1e6, "cpu_time": cpu / iterations * 1e6, "time_unit": "us",
                     "GFLOP/s": flops * 1e-9 * iterations / real, "bytes": nbytes,
                     "bytes_per_second": nbytes * iterations / real}
            entries.append(entry)
            print(f"{name:<90s} {entry['real_time']:12.1f} us {entry['cpu_time']:12.1f} us "
                  f"{iterations:8d} GFLOP/s={entry['GFLOP/s']:.3f}", file=sys.stderr)
        benchmarks += entries
        if a.repetitions > 1:
            keys = ["real_time", "cpu_time", "GFLOP/s", "bytes", "bytes_per_second"]
            stats = {
                "mean": ("time", lambda v: statistics.fmean(v)),
                "median": ("time", lambda v: statistics.median(v)),
                "stddev": ("time", lambda v: statistics.stdev(v)),
                "cv": ("percentage", lambda v: statistics.stdev(v) / statistics.fmean(v) if statistics.fmean(v) else 0),
            }
            for stat, (unit, fn) in stats.items():
                aggregate = {"name": f"{name}_{stat}", "family_index": family, "per_family_instance_index": 0,
                             "run_name": name, "run_type": "aggregate", "repetitions": a.repetitions,
                             "threads": 1, "aggregate_name": stat, "aggregate_unit": unit,
                             "iterations": a.repetitions, "time_unit": "us"}
                for k in keys:
                    aggregate[k] = fn([e[k] for e in entries])
                benchmarks.append(aggregate)
        family += 1

    report = json.dumps({"context": context, "benchmarks": benchmarks}, indent=2) + "\n"
    if a.out:
        with open(a.out, "w") as f:
            f.write(report)
    else:
        sys.stdout.write(report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
