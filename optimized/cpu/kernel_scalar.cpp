// The kernels without vector instructions (one lane): the fallback for CPUs
// without AVX2, and a third implementation of the same arithmetic for the
// tests (CONVT_CPU_ISA=scalar). fmaf is the same fused multiply-add the
// vector ISAs use, so all three agree bitwise.
#include <cstdint>

#include "optimized/cpu/kernel.h"

namespace convt::cpu::detail {
namespace {

struct Scalar {
  static constexpr int VL = 1;
  static constexpr int kMaxAcc = 8;
  using V = float;
  using M = bool;

  static V zero() { return 0.0f; }
  static V set1(float f) { return f; }
  static M mask(uint32_t bits) { return bits != 0; }
  static V load(const float* p) { return *p; }
  static V load_masked(const float* p, M m) { return m ? *p : 0.0f; }
  static V fma(V acc, V x, const float* w) { return __builtin_fmaf(x, *w, acc); }
  static V fma_masked(V acc, V x, const float* w, M m) { return m ? __builtin_fmaf(x, *w, acc) : acc; }
  static void prefetch(const float*) {}
  static void prefetch_write(const float*) {}

  static void store_prefix(float* p, V acc, int n) {
    if (n) *p = acc;
  }

  using Idx = int32_t;
  static Idx load_idx(const int32_t* p) { return *p; }
  static V permute1(const float* p, Idx idx) { return p[idx]; }
  static V permute2(const float* p, Idx idx) { return p[idx]; }
  static V fma_lanes(V acc, V x, V w, M m) { return m ? __builtin_fmaf(x, w, acc) : acc; }
  static void store(V acc, const Segment* seg, int32_t nseg, float* y, int64_t) {
    if (nseg) y[seg[0].yoff] = acc;
  }
  static void store_pair(V a, V b, const Segment* seg, int32_t nseg, float* y) {
    if (nseg) y[seg[0].yoff] = a, y[seg[0].yoff + 1] = b;
  }
};

#include "optimized/cpu/kernel_impl.h"
#include "optimized/cpu/kernel_depthwise_impl.h"
#include "optimized/cpu/kernel_channels_impl.h"

}  // namespace

void run_task_scalar(const Task& t) { run_task_impl<Scalar>(t); }
void run_gemm_task_scalar(const GemmTask& t) { run_gemm_task_impl<Scalar>(t); }
void run_dw_task_scalar(const DwTask& t) { run_dw_task_impl<Scalar>(t); }
void run_cv_task_scalar(const CvTask& t) { run_cv_task_impl<Scalar>(t); }

}  // namespace convt::cpu::detail
