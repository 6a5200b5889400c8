// The kernels for AVX-512 (16 lanes, masked FMA at no extra cost). Compiled
// with the target attribute below, not with -mavx512f for the whole file:
// the rest of the program must run on CPUs without AVX-512, and the planner
// calls into this file only when the CPU has it (cpu::isa_supported).
#include <immintrin.h>

#include <cstdint>

#include "optimized/cpu/kernel.h"

#pragma GCC push_options
#pragma GCC target("avx512f,avx2,fma")

namespace convt::cpu::detail {
namespace {

struct Avx512 {
  static constexpr int VL = 16;
  static constexpr int kMaxAcc = 24;  // of 32 zmm registers: 24 accumulators + inputs
  using V = __m512;
  using M = __mmask16;

  static V zero() { return _mm512_setzero_ps(); }
  static V set1(float f) { return _mm512_set1_ps(f); }
  static M mask(uint32_t bits) { return M(bits); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  // The masked load and FMA are asm, the unmasked FMA an intrinsic: GCC 12
  // compiles each other form badly in the micro-kernel's loops (read off
  // its disassembly):
  // - unmasked, the intrinsic broadcasts each weight once into a register
  //   for the NV FMAs that use it; as asm with an embedded broadcast, the
  //   "+v" accumulators get register-to-register copies around the FMAs
  //   (5 per 24 FMAs);
  // - masked, as intrinsics GCC keeps the load's masks and the FMA's masks
  //   in different registers, copying them (kmovw k, k) or reloading them
  //   from the stack every step; as asm with the "Yk" constraint both use
  //   the NV masks loaded once per tap. The FMA takes the weight broadcast
  //   into a register, which the NV FMAs of a row share: as an
  //   embedded-broadcast operand ({1to16}) each FMA would load it again,
  //   28 loads a step for a 6x4 tile instead of 10 (docs/cpu_kernel.md has
  //   the measurements).
  static V load_masked(const float* p, M m) {
    V x;
    __asm__("vmovups %[p], %[x]%{%[m]%}%{z%}"
            : [x] "=v"(x)
            : [p] "m"(*reinterpret_cast<const float(*)[VL]>(p)), [m] "Yk"(m));
    return x;
  }
  static V fma(V acc, V x, const float* w) { return _mm512_fmadd_ps(x, _mm512_set1_ps(*w), acc); }
  static V fma_masked(V acc, V x, const float* w, M m) {
    const V wb = _mm512_set1_ps(*w);
    __asm__("vfmadd231ps %[w], %[x], %[acc]%{%[m]%}"
            : [acc] "+v"(acc)
            : [x] "v"(x), [w] "v"(wb), [m] "Yk"(m));
    return acc;
  }

  static void prefetch(const float* p) { _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T1); }
  static void prefetch_write(const float* p) { __builtin_prefetch(p, 1, 3); }

  static void store_prefix(float* p, V acc, int n) {
    if (n == VL)
      _mm512_storeu_ps(p, acc);
    else
      _mm512_mask_storeu_ps(p, M((1u << n) - 1), acc);
  }

  static void store(V acc, const Segment* seg, int32_t nseg, float* y, int64_t sw) {
    if (sw == 1) {
      for (int32_t s = 0; s < nseg; ++s) {
        if (seg[s].count == VL) {
          _mm512_storeu_ps(y + seg[s].yoff, acc);
        } else {
          // The segment's lanes, moved to the bottom, stored as a prefix.
          const uint32_t prefix = (1u << seg[s].count) - 1;
          const V packed = _mm512_maskz_compress_ps(M(prefix << seg[s].lane0), acc);
          _mm512_mask_storeu_ps(y + seg[s].yoff, M(prefix), packed);
        }
      }
      return;
    }
    if (sw <= 8) {
      // Strided segments: one permute spreads 16/sw lanes sw apart (lane k
      // of the result takes source lane first + k/sw) and one masked store
      // writes every sw-th element of the span, instead of a store per lane.
      const int per = kPer[sw - 1];
      const __m512i spread = _mm512_loadu_si512(kSpread[sw - 1]);
      for (int32_t s = 0; s < nseg; ++s) {
        float* d = y + seg[s].yoff;
        for (int32_t first = 0; first < seg[s].count; first += per) {
          const int32_t n = seg[s].count - first < per ? seg[s].count - first : per;
          const __m512i idx = _mm512_add_epi32(spread, _mm512_set1_epi32(seg[s].lane0 + first));
          const uint32_t span = (1u << ((n - 1) * sw + 1)) - 1;
          const M store = M(kEvery[sw - 1] & span);
          _mm512_mask_storeu_ps(d + first * sw, store, _mm512_maskz_permutexvar_ps(store, idx, acc));
        }
      }
      return;
    }
    alignas(64) float lanes[VL];
    _mm512_store_ps(lanes, acc);
    for (int32_t s = 0; s < nseg; ++s) {
      float* d = y + seg[s].yoff;
      const float* src = lanes + seg[s].lane0;
      for (int32_t l = 0; l < seg[s].count; ++l) d[l * sw] = src[l];
    }
  }

  // Pairs (PhaseView::pairs): one permute of both accumulators interleaves
  // 8 lanes of each into 16 consecutive outputs, one store writes them.
  static void store_pair(V a, V b, const Segment* seg, int32_t nseg, float* y) {
    const __m512i interleave = _mm512_loadu_si512(kInterleave);
    for (int32_t s = 0; s < nseg; ++s) {
      float* d = y + seg[s].yoff;
      for (int32_t first = 0; first < seg[s].count; first += 8) {
        const int32_t n = seg[s].count - first < 8 ? seg[s].count - first : 8;
        const __m512i idx = _mm512_add_epi32(interleave, _mm512_set1_epi32(seg[s].lane0 + first));
        const V both = _mm512_permutex2var_ps(a, idx, b);
        if (n == 8)
          _mm512_storeu_ps(d + 2 * first, both);
        else
          _mm512_mask_storeu_ps(d + 2 * first, M((1u << (2 * n)) - 1), both);
      }
    }
  }
  // Output k of a pair takes lane k / 2 of a (k even) or of b (k odd: + 16).
  static constexpr int32_t kInterleave[16] = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23};

  // For stride sw: lane k -> k / sw (capped at 15), and the lanes k % sw == 0.
  static constexpr int32_t kSpread[8][16] = {
      {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
      {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7},
      {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5},
      {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3},
      {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3},
      {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2},
      {0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2},
      {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}};
  static constexpr uint32_t kEvery[8] = {0xffff, 0x5555, 0x9249, 0x1111, 0x8421, 0x1041, 0x4081, 0x0101};
  static constexpr int kPer[8] = {16, 8, 5, 4, 3, 2, 2, 2};  // 16 / sw

  using Idx = __m512i;
  static Idx load_idx(const int32_t* p) { return _mm512_loadu_si512(p); }
  static V permute1(const float* p, Idx idx) { return _mm512_permutexvar_ps(idx, _mm512_loadu_ps(p)); }
  static V permute2(const float* p, Idx idx) {
    return _mm512_permutex2var_ps(_mm512_loadu_ps(p), idx, _mm512_loadu_ps(p + VL));
  }
  static V fma_lanes(V acc, V x, V w, M m) { return _mm512_mask3_fmadd_ps(x, w, acc, m); }
};

#include "optimized/cpu/kernel_impl.h"
#include "optimized/cpu/kernel_depthwise_impl.h"
#include "optimized/cpu/kernel_channels_impl.h"

}  // namespace

void run_task_avx512(const Task& t) { run_task_impl<Avx512>(t); }
void run_gemm_task_avx512(const GemmTask& t) { run_gemm_task_impl<Avx512>(t); }
void run_dw_task_avx512(const DwTask& t) { run_dw_task_impl<Avx512>(t); }
void run_cv_task_avx512(const CvTask& t) { run_cv_task_impl<Avx512>(t); }

}  // namespace convt::cpu::detail

#pragma GCC pop_options
