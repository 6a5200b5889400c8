// The kernels for AVX2 + FMA (8 lanes). AVX2 has no masked FMA: a tap that
// every lane of a vector group takes runs unmasked, one that only some lanes
// take blends the FMA's result into the accumulator. Compiled with the
// target attribute below (see kernel_avx512.cpp).
#include <immintrin.h>

#include <cstdint>

#include "optimized/cpu/kernel.h"

#pragma GCC push_options
#pragma GCC target("avx2,fma")

namespace convt::cpu::detail {
namespace {

struct Avx2 {
  static constexpr int VL = 8;
  static constexpr int kMaxAcc = 12;  // of 16 ymm registers
  using V = __m256;
  using M = __m256;  // all-ones lanes

  static V zero() { return _mm256_setzero_ps(); }
  static V set1(float f) { return _mm256_set1_ps(f); }
  static M mask(uint32_t bits) {
    const __m256i lane = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    const __m256i b = _mm256_and_si256(_mm256_set1_epi32(int(bits)), lane);
    return _mm256_castsi256_ps(_mm256_cmpeq_epi32(b, lane));
  }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static V load_masked(const float* p, M m) { return _mm256_maskload_ps(p, _mm256_castps_si256(m)); }
  static V fma(V acc, V x, const float* w) { return _mm256_fmadd_ps(x, _mm256_broadcast_ss(w), acc); }
  static V fma_masked(V acc, V x, const float* w, M m) {
    return _mm256_blendv_ps(acc, _mm256_fmadd_ps(x, _mm256_broadcast_ss(w), acc), m);
  }

  static void prefetch(const float* p) { _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T1); }
  static void prefetch_write(const float* p) { __builtin_prefetch(p, 1, 3); }

  static void store_prefix(float* p, V acc, int n) {
    if (n == VL) {
      _mm256_storeu_ps(p, acc);
      return;
    }
    alignas(32) float lanes[VL];
    _mm256_store_ps(lanes, acc);
    for (int l = 0; l < n; ++l) p[l] = lanes[l];
  }

  using Idx = __m256i;
  static Idx load_idx(const int32_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  // Both halves permuted by the low three bits, the half chosen by bit 3
  // (moved to the sign bit, which blendv reads).
  static V permute1(const float* p, Idx idx) { return _mm256_permutevar8x32_ps(_mm256_loadu_ps(p), idx); }
  static V permute2(const float* p, Idx idx) {
    const V lo = _mm256_permutevar8x32_ps(_mm256_loadu_ps(p), idx);
    const V hi = _mm256_permutevar8x32_ps(_mm256_loadu_ps(p + VL), idx);
    return _mm256_blendv_ps(lo, hi, _mm256_castsi256_ps(_mm256_slli_epi32(idx, 28)));
  }
  static V fma_lanes(V acc, V x, V w, M m) { return _mm256_blendv_ps(acc, _mm256_fmadd_ps(x, w, acc), m); }

  // Pairs (PhaseView::pairs): a whole vector of each, interleaved by
  // unpack and a swap of halves into two full stores; else one by one.
  static void store_pair(V a, V b, const Segment* seg, int32_t nseg, float* y) {
    if (nseg == 1 && seg[0].count == VL) {
      const V lo = _mm256_unpacklo_ps(a, b), hi = _mm256_unpackhi_ps(a, b);  // a0 b0 a1 b1 | a4 b4 a5 b5, ...
      _mm256_storeu_ps(y + seg[0].yoff, _mm256_permute2f128_ps(lo, hi, 0x20));
      _mm256_storeu_ps(y + seg[0].yoff + VL, _mm256_permute2f128_ps(lo, hi, 0x31));
      return;
    }
    store(a, seg, nseg, y, 2);
    store(b, seg, nseg, y + 1, 2);
  }

  static void store(V acc, const Segment* seg, int32_t nseg, float* y, int64_t sw) {
    if (sw == 1 && nseg == 1 && seg[0].count == VL) {
      _mm256_storeu_ps(y + seg[0].yoff, acc);
      return;
    }
    alignas(32) float lanes[VL];
    _mm256_store_ps(lanes, acc);
    for (int32_t s = 0; s < nseg; ++s) {
      float* d = y + seg[s].yoff;
      const float* src = lanes + seg[s].lane0;
      for (int32_t l = 0; l < seg[s].count; ++l) d[l * sw] = src[l];
    }
  }
};

#include "optimized/cpu/kernel_impl.h"
#include "optimized/cpu/kernel_depthwise_impl.h"
#include "optimized/cpu/kernel_channels_impl.h"

}  // namespace

void run_task_avx2(const Task& t) { run_task_impl<Avx2>(t); }
void run_gemm_task_avx2(const GemmTask& t) { run_gemm_task_impl<Avx2>(t); }
void run_dw_task_avx2(const DwTask& t) { run_dw_task_impl<Avx2>(t); }
void run_cv_task_avx2(const CvTask& t) { run_cv_task_impl<Avx2>(t); }

}  // namespace convt::cpu::detail

#pragma GCC pop_options
