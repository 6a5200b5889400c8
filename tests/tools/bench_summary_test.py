#!/usr/bin/env python3
"""Tests of tools/bench_summary.py on a small hand-made report: the medians
are picked from repeated runs, the faster oneDNN backend is the peer, the
geometric mean, the layers below 1.0x and the large-channel layers are
reported, short descriptors in a suite name the canonical ones, and bad
input exits 2 with one line."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "tools", "bench_summary.py")
BIG = "mb16ic512ih4iw4oc256kh4kw4sh2sw2ph1pw1oph0opw0dh1dw1g1nobias"   # large channels
SMALL = "mb1ic64ih64iw64oc64kh4kw4sh2sw2ph1pw1oph0opw0dh1dw1g64nobias"  # depthwise


def runs(backend, descriptor, medians, noise):
    """Five repetitions around a median, then Google Benchmark's aggregates."""
    name = f"{backend}/{descriptor}"
    out = [{"name": name, "run_name": name, "run_type": "iteration", "repetitions": 5,
            "real_time": medians + d, "time_unit": "us", "GFLOP/s": 100.0, "peak%": 75.0}
           for d in (-noise, 0, noise, 3 * noise, -3 * noise)]
    for agg, value in (("mean", medians + 9), ("median", medians), ("stddev", noise)):
        out.append({"name": f"{name}_{agg}", "run_name": name, "run_type": "aggregate", "repetitions": 5,
                    "aggregate_name": agg, "real_time": value, "time_unit": "us", "GFLOP/s": 100.0,
                    "peak%": 75.0 if agg == "median" else 0.0})
    return out


REPORT = {
    "context": {"date": "2026-11-25", "cpu_model": "test", "num_cpus": 2, "threads": "2",
                "peak_gflops": "236.0 (per core x threads; peak% uses it)",
                "peak_gflops_measured_on_all_threads": "180.5"},
    "benchmarks": runs("cpu", BIG, 400.0, 50) + runs("onednn", BIG, 200.0, 5) + runs("onednn-nchw", BIG, 900.0, 5)
    + runs("cpu", SMALL, 100.0, 5) + runs("onednn", SMALL, 900.0, 5) + runs("onednn-nchw", SMALL, 800.0, 5),
}
SUITE = {"name": "t", "problems": [{"descriptor": "mb16ic512ih4oc256kh4sh2ph1nobias", "name": "dcgan_g2"},
                                   {"descriptor": "ic64ih64oc64kh4sh2ph1g64nobias", "name": "idaup"}]}


class BenchSummary(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.report = self.write("report.json", REPORT)
        self.suite = self.write("suite.json", SUITE)

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, value):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(value if isinstance(value, str) else json.dumps(value))
        return path

    def run_tool(self, *args):
        return subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True)

    def test_targets(self):
        r = self.run_tool(self.report, "--config", self.suite)
        self.assertEqual(r.returncode, 0, r.stderr)
        # BIG: 200 / 400 = 0.50x; SMALL: 800 / 100 = 8.00x; geomean 2.00x.
        self.assertIn("| dcgan_g2 | 100 | 75 | 400 | 200 | 0.50x | - |", r.stdout)
        self.assertIn("| idaup | 100 | 75 | 100 | 800 | 8.00x | - |", r.stdout)
        self.assertIn("2.00x over 2 layers", r.stdout)
        self.assertIn("below 1.0x: 1 (dcgan_g2 0.50x)", r.stdout)
        self.assertIn("70% of peak or more: 1 of 1; dcgan_g2 75%", r.stdout)
        self.assertIn("peak 236.0 GFLOP/s (convt's FMA loop, 180.5 GFLOP/s on all threads at once)", r.stdout)

    def test_pytorch_column(self):
        torch = {"context": {}, "benchmarks": [
            {"name": f"pytorch/{BIG}", "run_type": "iteration", "real_time": 4000.0, "time_unit": "us"},
            {"name": f"pytorch/{SMALL}", "run_type": "iteration", "real_time": 50.0, "time_unit": "us"}]}
        r = self.run_tool(self.report, "--config", self.suite, "--pytorch", self.write("torch.json", torch))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("| 0.50x | 10.0x |", r.stdout)
        self.assertIn("faster than PyTorch on 1 of 2 layers; not on idaup", r.stdout)

    def test_bad_input(self):
        for path in (self.write("broken.json", "{"), os.path.join(self.dir.name, "missing.json"),
                     self.write("empty.json", {"benchmarks": []})):
            r = self.run_tool(path)
            self.assertEqual(r.returncode, 2, path)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertTrue(r.stderr.startswith("bench_summary: "), r.stderr)


if __name__ == "__main__":
    unittest.main()
