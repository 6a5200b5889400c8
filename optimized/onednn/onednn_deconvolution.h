// oneDNN's deconvolution primitive (dnnl::deconvolution_forward,
// algorithm::deconvolution_direct) with exactly the semantics of PyTorch's
// conv_transpose2d. Knows nothing of the harness: a Problem and raw float32
// buffers in PyTorch's layouts (x NCHW, w C_in x C_out/groups x kH x kW,
// y NCHW, bias C_out or none).
//
// The mapping (derived from the two output-size formulas):
//   PyTorch: H_out = (H_in - 1)*s - 2*p + d*(k - 1) + op + 1
//   oneDNN:  H_out = (H_in - 1)*s - pl - pr + (k - 1)*(d' + 1) + 1
//   so       d' = d - 1 (oneDNN counts dilation from 0), pl = p and
//            pr = p - op (output_padding adds rows at the bottom/right only).
//   oneDNN refuses pr <= -s. That happens only when op >= p + s, which
//   PyTorch allows when op < d. The last op - p rows (columns) of the output
//   then receive no product at all (the farthest product lands on row
//   (H_in - 1)*s - p + (k - 1)*d = H_out - 1 - (op - p)), so oneDNN computes
//   the output with op' = p + s - 1 (reordered into a strided view of y, or,
//   on plain NCHW, computed densely and copied into y: oneDNN 2.6's
//   reference deconvolution mishandles a strided dst), and the remaining
//   rows (columns) are set to the bias (or 0). When not even one product
//   lands inside the output, oneDNN is not called at all; nor when N = 0.
//   Weights: oneDNN's deconvolution weights are {OC, IC, KH, KW}, grouped
//   {G, OC/G, IC/G, KH, KW}, OC being the output channels. PyTorch's weight
//   (C_in, C_out/G, kH, kW) is (G, IC/G, OC/G, kH, kW) in memory: oneDNN's
//   format tag iohw (giohw with groups) describes it without copying.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "reference/problem.h"
#include "reference/result.h"

namespace convt::onednn {

enum class Layout {
  preferred,  // format_tag::any: oneDNN's blocked layouts; x and y reordered inside run()
  nchw,       // plain NCHW src/dst and PyTorch's weight layout: no reorders
};

// The oneDNN parameters of a problem, per spatial axis {h, w}.
struct Mapping {
  std::array<int64_t, 4> src{};           // N, C_in, H_in, W_in
  std::array<int64_t, 5> weights{};       // G, C_out/G, C_in/G, kH, kW (oneDNN's order)
  std::array<int64_t, 4> dst{};           // N, C_out, H, W of the part oneDNN computes
  std::array<int64_t, 2> strides{};
  std::array<int64_t, 2> dilates{};       // zero-based
  std::array<int64_t, 2> padding_l{};
  std::array<int64_t, 2> padding_r{};     // may be negative, but > -stride
  std::array<int64_t, 2> bias_only{};     // trailing rows, columns of y left to the bias (or 0)
};

Mapping map_problem(const Problem& p);

class Deconvolution {
 public:
  // threads: OpenMP threads for oneDNN (0: all cores), set around every
  // oneDNN call and restored after it.
  Deconvolution(Layout layout, int threads);
  ~Deconvolution();
  Deconvolution(const Deconvolution&) = delete;
  Deconvolution& operator=(const Deconvolution&) = delete;

  // Creates the primitive for p and packs w (and copies bias, may be null).
  // Not timed. An error carries oneDNN's message.
  std::optional<Error> prepare(const Problem& p, const float* w, const float* bias);
  // y = conv_transpose2d(x, w, bias): the timed part (with the NCHW reorders
  // of x and y in Layout::preferred).
  std::optional<Error> run(const float* x, float* y);

  // oneDNN's name of the implementation it chose, e.g. "jit:avx512_core";
  // empty before prepare or when nothing runs (N = 0).
  std::string implementation() const;

 private:
  struct Impl;
  Layout layout_;
  int threads_;
  std::unique_ptr<Impl> impl_;
};

// The oneDNN version compiled against, e.g. "2.6.3".
std::string version();

}  // namespace convt::onednn
