#include "harness/peak.h"

#include <immintrin.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

namespace convt {
namespace {

// Independent accumulator chains: enough to cover the FMA latency times the
// FMA ports of current cores (4 cycles x 2 ports), within the register file.
constexpr int kChainsAvx512 = 16;  // of 32 zmm registers
constexpr int kChainsAvx2 = 12;    // of 16 ymm registers
constexpr int kChainsScalar = 8;

// acc = acc * a + b converges to b / (1 - a) = 1: no overflow, no subnormals.
constexpr float kA = 0.9999f, kB = 1e-4f;

__attribute__((target("avx512f"))) float fma_loop_avx512(long long iterations) {
  __m512 acc[kChainsAvx512];
  for (int c = 0; c < kChainsAvx512; ++c) acc[c] = _mm512_set1_ps(1.0f + 0.001f * float(c));
  const __m512 a = _mm512_set1_ps(kA), b = _mm512_set1_ps(kB);
  for (long long i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < kChainsAvx512; ++c) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
  }
  __m512 sum = acc[0];
  for (int c = 1; c < kChainsAvx512; ++c) sum = _mm512_add_ps(sum, acc[c]);
  alignas(64) float lanes[16];  // (not _mm512_reduce_add_ps: GCC 12 warns inside it)
  _mm512_store_ps(lanes, sum);
  float total = 0;
  for (float v : lanes) total += v;
  return total;
}

__attribute__((target("avx2,fma"))) float fma_loop_avx2(long long iterations) {
  __m256 acc[kChainsAvx2];
  for (int c = 0; c < kChainsAvx2; ++c) acc[c] = _mm256_set1_ps(1.0f + 0.001f * float(c));
  const __m256 a = _mm256_set1_ps(kA), b = _mm256_set1_ps(kB);
  for (long long i = 0; i < iterations; ++i) {
#pragma GCC unroll 12
    for (int c = 0; c < kChainsAvx2; ++c) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
  }
  __m256 sum = acc[0];
  for (int c = 1; c < kChainsAvx2; ++c) sum = _mm256_add_ps(sum, acc[c]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, sum);
  float total = 0;
  for (float v : lanes) total += v;
  return total;
}

float fma_loop_scalar(long long iterations) {
  float acc[kChainsScalar];
  for (int c = 0; c < kChainsScalar; ++c) acc[c] = 1.0f + 0.001f * float(c);
  for (long long i = 0; i < iterations; ++i) {
#pragma GCC unroll 8
    for (int c = 0; c < kChainsScalar; ++c) acc[c] = acc[c] * kA + kB;
  }
  float total = 0;
  for (float v : acc) total += v;
  return total;
}

using Loop = float (*)(long long);

Loop loop_for(const std::string& isa) {
  if (isa == "avx512f") return fma_loop_avx512;
  if (isa == "avx2+fma") return fma_loop_avx2;
  return fma_loop_scalar;
}

std::atomic<float> g_sink{0};  // keeps the loops' results alive

double seconds_of(Loop loop, long long iterations, int threads) {
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t)
    pool.emplace_back([&] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      g_sink.store(loop(iterations), std::memory_order_relaxed);
    });
  const auto start = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  g_sink.store(loop(iterations), std::memory_order_relaxed);
  for (std::thread& t : pool) t.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// GFLOP/s of `threads` copies of the loop at once: the best of many short
// runs (2 ms each alone, 20 ms with threads: a short run is likely to find a
// core to itself even on a busy machine) filling `seconds`, after a
// calibration that also warms the cores up.
double measure(const std::string& isa, int threads, double seconds) {
  const Loop loop = loop_for(isa);
  const double window = threads > 1 ? 0.02 : 0.002;
  long long iterations = 1 << 10;
  while (seconds_of(loop, iterations, 1) < window && iterations < (1LL << 40)) iterations *= 2;
  double best = 0, spent = 0;
  for (int run = 0; run < 5 || (spent < seconds && run < 10000); ++run) {
    const double s = seconds_of(loop, iterations, threads);
    spent += s;
    best = std::max(best, threads * peak_loop_flops(isa, iterations) / s * 1e-9);
  }
  return best;
}

}  // namespace

std::string peak_isa() {
  if (__builtin_cpu_supports("avx512f")) return "avx512f";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2+fma";
  return "scalar";
}

double peak_loop_flops(const std::string& isa, long long iterations) {
  const double per_iteration = isa == "avx512f"    ? kChainsAvx512 * 16
                               : isa == "avx2+fma" ? kChainsAvx2 * 8
                                                   : kChainsScalar;
  return 2.0 * per_iteration * double(iterations);
}

Peak measure_peak(int threads, double seconds) {
  Peak peak;
  peak.isa = peak_isa();
  peak.threads = std::max(threads, 1);
  peak.gflops_per_core = measure(peak.isa, 1, seconds);
  if (threads > 1) peak.gflops_all_threads = measure(peak.isa, threads, seconds);
  return peak;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) break;
    const size_t start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "unknown" : line.substr(start);
  }
  return "unknown";
}

int cpu_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(CPU_COUNT(&set), 1);
  return std::max(int(std::thread::hardware_concurrency()), 1);
}

}  // namespace convt
