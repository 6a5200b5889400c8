// A problem as the kernels see it: 32-bit sizes (conv_transpose_cuda.h
// refuses tensors of 2^31 elements or more) and the arithmetic of the
// stride phases that both kernels share.
//
// Stride-phase idea: output row oh receives input row ih through tap kh
// exactly when oh + pad_h - kh * dil_h = ih * stride_h. Which taps those
// are depends only on (oh + pad_h) mod stride_h, the row's phase: they are
// first_tap(...) + j * tap_step(...), so a kernel visits only taps that
// land and never multiplies an inserted zero.
#pragma once

#include "optimized/cuda/host_device.h"

namespace convt::cuda {

struct Geometry {
  int n = 0, c_in = 0, h_in = 0, w_in = 0, c_out = 0;
  int k_h = 1, k_w = 1;
  int stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dil_h = 1, dil_w = 1;
  int groups = 1;
  int h_out = 0, w_out = 0;
  int c_in_per_group = 0, c_out_per_group = 0;
  bool bias = false;

  CONVT_HD int output_elements() const { return n * c_out * h_out * w_out; }
};

CONVT_HD int greatest_common_divisor(int a, int b) {
  while (b != 0) {
    const int r = a % b;
    a = b;
    b = r;
  }
  return a;
}

// a mod m in [0, m), for m > 0.
CONVT_HD int positive_mod(int a, int m) { return ((a % m) + m) % m; }

// The distance between consecutive taps that land on rows of one phase.
CONVT_HD int tap_step(int stride, int dilation) { return stride / greatest_common_divisor(stride, dilation); }

// The first tap k (0 <= k < taps) with (position - k * dilation) a multiple
// of stride, where position = o + pad; `taps` when none lands.
CONVT_HD int first_tap(int position, int stride, int dilation, int taps) {
  const int step = tap_step(stride, dilation);
  for (int k = 0; k < step && k < taps; ++k)
    if (positive_mod(position - k * dilation, stride) == 0) return k;
  return taps;
}

// How many taps land for a phase whose first tap is `first`.
CONVT_HD int taps_landing(int first, int step, int taps) { return first < taps ? (taps - 1 - first) / step + 1 : 0; }

}  // namespace convt::cuda
