// A second, independent formulation for the oracle's tests: the ordinary
// (forward) 2-D convolution, in double, in GATHER form, written from the
// definition of torch.nn.functional.conv2d rather than from the oracle:
//
//   out[n, g*Cog + oc, oh, ow] = sum over ic < Cig, kh, kw of
//       in[n, g*Cig + ic, oh*sh - ph + kh*dh, ow*sw - pw + kw*dw]
//     * weight[g*Cog + oc, ic, kh, kw]
//
// (Cig = C_in/groups, Cog = C_out/groups of the convolution; taps that fall
// outside `in`, i.e. into the zero padding, contribute nothing), with
//   H_out = floor((H_in + 2*ph - dh*(kH - 1) - 1) / sh) + 1, likewise W_out.
//
// conv_transpose2d is the adjoint (the transpose) of this map, which is what
// the oracle's adjoint property checks: for a transposed-convolution Problem
// p, conv2d(y, w, stride, padding, dilation, groups) maps a tensor y of p's
// output shape (N, C_out, H_out, W_out) back to p's input shape. p's weight
// (C_in, C_out/g, kH, kW) is exactly conv2d's weight for a convolution from
// C_out channels to C_in channels (conv2d's weight is (out, in/g, kH, kW)).
//
// Header-only, tests only.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "reference/problem.h"

namespace convt::testing {

// The shape and parameters of one conv2d call (forward convolution).
struct Conv2dShape {
  int64_t n = 1;
  int64_t in_channels = 1;
  int64_t in_h = 1;
  int64_t in_w = 1;
  int64_t out_channels = 1;
  int64_t kernel_h = 1;
  int64_t kernel_w = 1;
  int64_t stride_h = 1;
  int64_t stride_w = 1;
  int64_t pad_h = 0;
  int64_t pad_w = 0;
  int64_t dil_h = 1;
  int64_t dil_w = 1;
  int64_t groups = 1;

  // conv2d's output size along one axis. Requires a non-negative numerator
  // (PyTorch refuses a convolution whose output would be empty).
  static int64_t out_extent(int64_t in, int64_t kernel, int64_t stride, int64_t pad, int64_t dil) {
    const int64_t span = in + 2 * pad - dil * (kernel - 1) - 1;
    if (span < 0) throw std::invalid_argument("conv2d: kernel larger than the padded input");
    return span / stride + 1;
  }
  int64_t out_h() const { return out_extent(in_h, kernel_h, stride_h, pad_h, dil_h); }
  int64_t out_w() const { return out_extent(in_w, kernel_w, stride_w, pad_w, dil_w); }
};

// conv2d: in is (n, in_channels, in_h, in_w), weight is
// (out_channels, in_channels/groups, kernel_h, kernel_w), both contiguous.
// Returns (n, out_channels, out_h, out_w), contiguous, no bias.
inline std::vector<double> conv2d(const Conv2dShape& s, const double* in, const double* weight) {
  if (s.groups <= 0 || s.in_channels % s.groups != 0 || s.out_channels % s.groups != 0)
    throw std::invalid_argument("conv2d: channels must be divisible by groups");
  const int64_t OH = s.out_h(), OW = s.out_w();
  const int64_t in_per_group = s.in_channels / s.groups;
  const int64_t out_per_group = s.out_channels / s.groups;
  std::vector<double> out(size_t(s.n * s.out_channels * OH * OW), 0.0);

  for (int64_t b = 0; b < s.n; ++b)
    for (int64_t oc = 0; oc < s.out_channels; ++oc) {
      const int64_t group = oc / out_per_group;
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double acc = 0.0;
          for (int64_t icg = 0; icg < in_per_group; ++icg) {
            const int64_t ic = group * in_per_group + icg;
            for (int64_t r = 0; r < s.kernel_h; ++r) {
              const int64_t row = oh * s.stride_h - s.pad_h + r * s.dil_h;
              if (row < 0 || row >= s.in_h) continue;  // zero padding
              for (int64_t c = 0; c < s.kernel_w; ++c) {
                const int64_t col = ow * s.stride_w - s.pad_w + c * s.dil_w;
                if (col < 0 || col >= s.in_w) continue;  // zero padding
                const double a = in[((b * s.in_channels + ic) * s.in_h + row) * s.in_w + col];
                const double k =
                    weight[((oc * in_per_group + icg) * s.kernel_h + r) * s.kernel_w + c];
                acc += a * k;
              }
            }
          }
          out[size_t(((b * s.out_channels + oc) * OH + oh) * OW + ow)] = acc;
        }
    }
  return out;
}

// The adjoint of the transposed convolution p: conv2d(y, w) with p's stride,
// padding, dilation and groups, where y has p's output shape
// (N, C_out, H_out, W_out) and w p's weight shape (C_in, C_out/g, kH, kW).
// Returns x' of p's input shape (N, C_in, H_in, W_in):
//
//   x'[n, g*Cig + ci, ih, iw] = sum over co < Cog, kh, kw of
//       y[n, g*Cog + co, ih*sh - ph + kh*dh, iw*sw - pw + kw*dw]
//     * w[g*Cig + ci, co, kh, kw]
//
// p's output_padding does not enter conv2d. conv2d's output extent here is
// floor(((H_in - 1)*sh + oph) / sh) + 1 = H_in + floor(oph / sh): when
// output_padding >= stride (legal when output_padding < dilation), PyTorch's
// conv2d output has extra trailing rows (columns), which have no counterpart
// in conv_transpose2d's input; the adjoint is the first H_in x W_in of it,
// and that crop is taken here.
inline std::vector<double> conv_transpose2d_adjoint(const Problem& p, const double* y,
                                                    const double* w) {
  Conv2dShape s;
  s.n = p.n;
  s.in_channels = p.c_out;
  s.in_h = p.h_out();
  s.in_w = p.w_out();
  s.out_channels = p.c_in;
  s.kernel_h = p.kernel.h;
  s.kernel_w = p.kernel.w;
  s.stride_h = p.stride.h;
  s.stride_w = p.stride.w;
  s.pad_h = p.padding.h;
  s.pad_w = p.padding.w;
  s.dil_h = p.dilation.h;
  s.dil_w = p.dilation.w;
  s.groups = p.groups;

  const std::vector<double> full = conv2d(s, y, w);
  const int64_t FH = s.out_h(), FW = s.out_w();
  if (FH < p.h_in || FW < p.w_in)
    throw std::logic_error("conv2d output " + std::to_string(FH) + "x" + std::to_string(FW) +
                           " is smaller than the transposed convolution's input " +
                           std::to_string(p.h_in) + "x" + std::to_string(p.w_in));

  std::vector<double> x(size_t(p.n * p.c_in * p.h_in * p.w_in));
  for (int64_t b = 0; b < p.n; ++b)
    for (int64_t c = 0; c < p.c_in; ++c)
      for (int64_t h = 0; h < p.h_in; ++h)
        for (int64_t v = 0; v < p.w_in; ++v)
          x[size_t(((b * p.c_in + c) * p.h_in + h) * p.w_in + v)] =
              full[size_t(((b * p.c_in + c) * FH + h) * FW + v)];
  return x;
}

inline std::vector<double> conv_transpose2d_adjoint(const Problem& p, const std::vector<double>& y,
                                                    const std::vector<double>& w) {
  if (int64_t(y.size()) != p.output_elements() || int64_t(w.size()) != p.weight_elements())
    throw std::invalid_argument("conv_transpose2d_adjoint: y or w has the wrong size");
  return conv_transpose2d_adjoint(p, y.data(), w.data());
}

}  // namespace convt::testing
