// Benchmarks of backends on problems, through Google Benchmark: one
// benchmark per (backend, problem), named "<backend>/<canonical descriptor>".
//
// Per benchmark, outside the timed loop: seeded normal data (harness/data.h,
// seed 1), the backend's prepare() (its time is the counter prepare_s) and
// a 30 ms pause, so that the threads of the benchmark before (OpenMP spins
// after oneDNN's calls) are idle; inside: backend.run(x, y) only.
// Counters (in Google Benchmark's JSON, so its tools/compare.py reads the
// report):
//   GFLOP/s           flops_per_run(p) / run time: the products that land in
//                     the output (what a kernel must compute)
//   nominal_GFLOP/s   nominal_flops_per_run(p) / run time: every product,
//                     those that padding crops out of the output too
//   bytes_per_second  bytes_per_run(p) / run time
//   bytes             bytes_per_run(p)
//   peak%             GFLOP/s as a percentage of peak_gflops (harness/peak.h)
//   prepare_s         seconds of the one prepare()
//   copy_s            device backends: seconds of a run's copies between host
//                     and device, which the time (the device's own, from
//                     CUDA events: manual time) leaves out
// and, as the label, what the backend chose (Backend::choice: cuDNN's engine)
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/backend.h"
#include "reference/problem.h"

namespace convt {

// Two per product of an input element with a weight of its group that
// lands in the output: 2·N·C_in·(C_out/groups)·P_h·P_w, where P_h counts
// the (input row, kernel row) pairs whose output row 0 <= ih·sh - ph + kh·dh
// < H_out (likewise P_w). Padding crops the others: on DCGAN's kernel-4,
// stride-2, padding-1 layers on 4x4 inputs 14 of the 16 pairs per axis
// land. The zeros a stride or dilation would insert in a convolution-based
// formulation, and the bias, are not counted.
double flops_per_run(const Problem& p);

// Two per product, those that padding crops too:
// 2·N·C_in·H_in·W_in·(C_out/groups)·kH·kW, the nominal count.
double nominal_flops_per_run(const Problem& p);

// Bytes a run must move at least: x, w, y and the bias, float32, once each.
double bytes_per_run(const Problem& p);

// "<backend>/<canonical descriptor>" (reference/descriptor.h).
std::string benchmark_name(std::string_view backend, const Problem& p);

struct BenchmarkPlan {
  std::vector<std::string> backends;  // registry names, each available, and plugins' names
  std::map<std::string, std::string> plugins;  // a plugin's backend name -> its library (--plugin)
  std::vector<Problem> problems;
  BackendOptions options;             // threads already resolved (> 0)
  double peak_gflops = 0;             // for peak%: per-core peak x threads
};

// The registered benchmarks of a plan and what their runs met. Registers one
// Google Benchmark per problem x backend (problem by problem, so that the
// backends compared run close together) on construction; run them with
// benchmark::RunSpecifiedBenchmarks() while this lives; the
// destructor unregisters them (benchmark::ClearRegisteredBenchmarks).
// A benchmark's data and prepared backend are made on its first call and
// kept until another benchmark's first call, so that only one problem's
// tensors are held at a time.
// How the results are written: Google Benchmark's reporters, chosen as its
// flags --benchmark_format, --benchmark_out(_format), --benchmark_color and
// --benchmark_counters_tabular would choose them.
struct ReportOptions {
  std::string format = "console";  // on stdout: console, json or csv
  bool write_file = false;         // --benchmark_out=FILE given
  std::string out_format = "json";
  bool color = false;
  bool tabular = false;
};

class BenchmarkSet {
 public:
  explicit BenchmarkSet(BenchmarkPlan plan);
  ~BenchmarkSet();
  BenchmarkSet(const BenchmarkSet&) = delete;
  BenchmarkSet& operator=(const BenchmarkSet&) = delete;

  // benchmark::RunSpecifiedBenchmarks (after benchmark::Initialize) with
  // Google Benchmark's own reporters, except that every name is reported as
  // registered ("<backend>/<descriptor>"): the benchmarks time wall-clock
  // (UseRealTime, since the backend's threads do the work) and count the
  // whole process's CPU time, for which Google Benchmark would otherwise
  // append "/process_time/real_time" to the names. Returns how many
  // benchmarks matched --benchmark_filter.
  size_t run(const ReportOptions& options);

  // Benchmarks whose backend failed (prepare or run returned an error), and
  // those whose backend does not support the problem; both are also
  // reported as Google Benchmark errors.
  int failed() const;
  int unsupported() const;

  struct Session;

 private:
  std::unique_ptr<Session> session_;
};

}  // namespace convt
