// This machine's float32 arithmetic peak, measured rather than looked up: a
// register-blocked loop of independent fused multiply-adds, in the widest
// vector ISA the CPU has (AVX-512F, else AVX2 + FMA, else scalar; chosen at
// run time). `convt bench` reports each benchmark's GFLOP/s as a percentage
// of the per-core peak times the threads it used.
#pragma once

#include <string>

namespace convt {

struct Peak {
  std::string isa;               // "avx512f", "avx2+fma" or "scalar"
  double gflops_per_core = 0;    // one thread alone (best of several timed runs)
  double gflops_all_threads = 0; // `threads` threads at once, summed (0 if not measured)
  int threads = 0;
};

// Measures the peak on one thread and then on `threads` threads at once
// (threads <= 1: only the first). Takes about `seconds` per measurement.
Peak measure_peak(int threads, double seconds = 0.25);

// The ISA measure_peak would use on this CPU.
std::string peak_isa();

// Floating-point operations the FMA loop performs per call of `iterations`
// iterations in that ISA (for tests: 2 per lane per FMA).
double peak_loop_flops(const std::string& isa, long long iterations);

// What the report records about the machine.
std::string cpu_model();  // /proc/cpuinfo "model name", or "unknown"
int cpu_cores();          // logical CPUs this process may use

}  // namespace convt
