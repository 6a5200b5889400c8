// cuda-direct: one thread per output element, gathering only the taps that
// land on it (the stride phase of its row and column decides which, see
// geometry.h), over the input channels of its group, in a fixed order
// (taps row by row, then channels), with no atomics: bitwise the same from
// run to run. One step, no shared memory.
#pragma once


#include "optimized/cuda/geometry.h"
#include "optimized/cuda/step_kernel.h"

namespace convt::cuda {

struct DirectKernel {
  static constexpr int kThreads = 256;
  struct Thread {};

  Geometry g;
  const float* x = nullptr;     // N x C_in x H_in x W_in
  const float* w = nullptr;     // C_in x C_out/groups x kH x kW
  const float* bias = nullptr;  // C_out, or null
  float* y = nullptr;           // N x C_out x H_out x W_out

  int blocks() const { return ceil_div(g.output_elements(), kThreads); }
  int shared_floats() const { return 0; }
  CONVT_HD int steps(int) const { return 1; }

  CONVT_HD StepEnd step(int, const ThreadIndex& index, Thread&, SharedFloats) const {
    const int out = index.block * kThreads + index.thread;
    if (out >= g.output_elements()) return StepEnd::barrier;
    const int ow = out % g.w_out;
    const int oh = out / g.w_out % g.h_out;
    const int co = out / (g.w_out * g.h_out) % g.c_out;
    const int batch = out / (g.w_out * g.h_out * g.c_out);
    const int group = co / g.c_out_per_group;
    const int co_in_group = co % g.c_out_per_group;
    const int step_h = tap_step(g.stride_h, g.dil_h), step_w = tap_step(g.stride_w, g.dil_w);
    const int first_kw = first_tap(ow + g.pad_w, g.stride_w, g.dil_w, g.k_w);
    const float* x_group = x + (batch * g.c_in + group * g.c_in_per_group) * g.h_in * g.w_in;
    const float* w_group = w + (group * g.c_in_per_group * g.c_out_per_group + co_in_group) * g.k_h * g.k_w;
    float sum = 0.0f;
    for (int kh = first_tap(oh + g.pad_h, g.stride_h, g.dil_h, g.k_h); kh < g.k_h; kh += step_h) {
      const int rows = oh + g.pad_h - kh * g.dil_h;  // ih * stride_h, decreasing with kh
      if (rows < 0) break;
      const int ih = rows / g.stride_h;
      if (ih >= g.h_in) continue;
      for (int kw = first_kw; kw < g.k_w; kw += step_w) {
        const int cols = ow + g.pad_w - kw * g.dil_w;
        if (cols < 0) break;
        const int iw = cols / g.stride_w;
        if (iw >= g.w_in) continue;
        const float* xp = x_group + ih * g.w_in + iw;
        const float* wp = w_group + kh * g.k_w + kw;
        for (int ci = 0; ci < g.c_in_per_group; ++ci)
          sum += xp[ci * g.h_in * g.w_in] * wp[ci * g.c_out_per_group * g.k_h * g.k_w];
      }
    }
    if (bias) sum += bias[co];
    y[out] = sum;
    return StepEnd::barrier;
  }
};

}  // namespace convt::cuda
