#!/usr/bin/python3
"""bench_pytorch.py - time PyTorch's own conv_transpose2d on the CPU, for
comparison with `convt bench`.

Times torch.nn.functional.conv_transpose2d on the problems of convt suite
files and/or problem descriptors, and writes the result in Google
Benchmark's JSON format, with the benchmarks named "pytorch/<canonical
descriptor>" exactly as `convt bench` names "<backend>/<canonical
descriptor>", and the same counters (GFLOP/s counting the products that land
in the output, nominal_GFLOP/s counting every product, bytes,
bytes_per_second).
So Google Benchmark's tools/compare.py can compare the two reports, e.g.
    compare.py benchmarksfiltered convt.json onednn-nchw/ pytorch.json pytorch/

Which PyTorch: the interpreter that runs this script decides. Debian's
python3-torch (1.13) runs with /usr/bin/python3:

    /usr/bin/python3 tools/bench_pytorch.py --config configs/real_shapes.json \\
        --threads 2 --repetitions 3 --out pytorch.json

To time a current PyTorch 2.x from PyPI, install it in a virtual environment
and run the script with that environment's interpreter:

    python3 -m venv ~/torch2 && ~/torch2/bin/pip install torch numpy
    ~/torch2/bin/python tools/bench_pytorch.py --config configs/real_shapes.json \\
        --threads 2 --repetitions 3 --out pytorch2.json

(the CPU-only wheels are smaller: add --index-url
https://download.pytorch.org/whl/cpu to the pip command). On x86 CPUs
PyTorch 2.x runs conv_transpose2d through oneDNN 3's brgemm deconvolution.
The report's context records torch_version and the oneDNN (MKL-DNN) version
torch was built with, so reports of different versions tell themselves apart.

Timing follows Google Benchmark: one warm-up call, then the iteration count
grows until a run lasts --min-time seconds; with --repetitions N that count
is run N times and mean, median, stddev and cv aggregates follow. real_time is
wall-clock time per iteration; cpu_time is the whole process's CPU time per
iteration (as `convt bench` measures it).

Descriptors and suites are read by tools/convt_problem.py, as convt reads
them; a problem PyTorch refuses is recorded as an errored benchmark.

Exit codes: 0 success, 2 bad input or no torch (one line on stderr).
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import convt_problem  # noqa: E402  (tools/convt_problem.py, next to this script)


class BadInput(Exception):
    pass


def checked(p, where):
    """The groups must divide both channel counts to make the tensors; every
    other rule is left to PyTorch (its refusal is recorded)."""
    if p.g <= 0 or p.oc % p.g or p.ic % p.g:
        raise BadInput(f"{where}groups g{p.g} must divide ic{p.ic} and oc{p.oc}")
    return p


def parse_problem(text):
    try:
        return checked(convt_problem.parse_problem(text, validate=False), "")
    except convt_problem.ProblemError as e:
        raise BadInput(e.message)


def load_suite(path):
    try:
        suite = convt_problem.load_suite(path, validate=False)
    except convt_problem.ProblemError as e:
        raise BadInput(e.message)
    return [checked(entry.problem, f"{path}: problems[{index}]: ") for index, entry in enumerate(suite.entries)]


def landing_pairs(n_in, kernel, stride, padding, dilation, n_out):
    """(input position, kernel tap) pairs of one axis whose output position is inside the output."""
    return sum(1 for k in range(kernel) for i in range(n_in) if 0 <= i * stride - padding + k * dilation < n_out)


def flops_per_run(p):
    """2 per product that lands in the output (as convt bench's GFLOP/s)."""
    h, w = p.output_hw()
    return (2.0 * p.mb * p.ic * (p.oc // p.g) * landing_pairs(p.ih, p.kh, p.sh, p.ph, p.dh, h)
            * landing_pairs(p.iw, p.kw, p.sw, p.pw, p.dw, w))


def nominal_flops_per_run(p):
    """2*N*C_in*H_in*W_in*(C_out/groups)*kH*kW: cropped products too (as convt bench's nominal_GFLOP/s)."""
    return 2.0 * p.mb * p.ic * p.ih * p.iw * (p.oc // p.g) * p.kh * p.kw


def bytes_per_run(p):
    """x, w, y and the bias, float32, once each (as convt bench)."""
    h, w = p.output_hw()
    elements = (p.mb * p.ic * p.ih * p.iw + p.ic * (p.oc // p.g) * p.kh * p.kw
                + p.mb * p.oc * h * w + (p.oc if p.bias else 0))
    return 4.0 * elements


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def onednn_version(torch):
    """The oneDNN (MKL-DNN) torch was built with, as torch.__config__.show() names it."""
    try:
        for line in torch.__config__.show().splitlines():
            if "oneDNN" in line or "MKL-DNN" in line:
                return line.strip().lstrip("- ").strip()
    except Exception:  # noqa: BLE001 -- informational only
        pass
    return "none" if not torch.backends.mkldnn.is_available() else "unknown"


def time_problem(torch, p, threads, min_time, repetitions):
    """[(iterations, real seconds, cpu seconds)] per repetition."""
    F = torch.nn.functional
    g = torch.Generator().manual_seed(1)
    x = torch.randn(*p.input_shape(), generator=g)
    w = torch.randn(*p.weight_shape(), generator=g)
    b = torch.randn(p.oc, generator=g) if p.bias else None
    args = p.torch_kwargs()

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
                                     epilog=__doc__[__doc__.index("Which PyTorch"):__doc__.index("Timing follows")],
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
            problems.append(parse_problem(text))
        if not problems:
            raise BadInput("nothing to benchmark: give --config FILE and/or --problem DESCRIPTOR")
        pattern = re.compile(a.filter) if a.filter else None
    except (BadInput, re.error) as e:
        print(f"bench_pytorch: {e}", file=sys.stderr)
        return 2

    try:
        import torch
    except ImportError:
        print(f"bench_pytorch: {sys.executable} has no torch: run this script with /usr/bin/python3 and "
              "Debian's python3-torch 1.13 (apt-get install python3-torch), or, for PyTorch 2.x from PyPI, "
              "with a virtual environment's interpreter: python3 -m venv ~/torch2 && "
              "~/torch2/bin/pip install torch numpy && ~/torch2/bin/python tools/bench_pytorch.py ...",
              file=sys.stderr)
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
        "torch_onednn": onednn_version(torch),
        "torch_parallel_info": "; ".join(line.strip() for line in torch.__config__.parallel_info().splitlines()
                                         if "get_num_threads" in line or "backend" in line),
        "flops": "GFLOP/s: 2 per product that lands in the output (docs/benchmarking.md); "
                 "nominal_GFLOP/s: 2*N*C_in*H_in*W_in*(C_out/groups)*kH*kW, cropped products too",
    }
    benchmarks = []
    family = 0
    for p in problems:
        name = "pytorch/" + convt_problem.format_descriptor(p)
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
        flops, nominal, nbytes = flops_per_run(p), nominal_flops_per_run(p), bytes_per_run(p)
        entries = []
        for index, (iterations, real, cpu) in enumerate(runs):
            entry = {"name": name, "family_index": family, "per_family_instance_index": 0, "run_name": name,
                     "run_type": "iteration", "repetitions": a.repetitions, "repetition_index": index,
                     "threads": 1, "iterations": iterations,
                     "real_time": real / iterations * 1e6, "cpu_time": cpu / iterations * 1e6, "time_unit": "us",
                     "GFLOP/s": flops * 1e-9 * iterations / real,
                     "nominal_GFLOP/s": nominal * 1e-9 * iterations / real, "bytes": nbytes,
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
