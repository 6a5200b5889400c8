// The problem model: one call of torch.nn.functional.conv_transpose2d.
//
//   input  (N, C_in, H_in, W_in)          (or unbatched (C_in, H_in, W_in))
//   weight (C_in, C_out / groups, kH, kW)
//   bias   (C_out) or none
//   H_out = (H_in - 1)*stride_h - 2*pad_h + dil_h*(kH - 1) + out_pad_h + 1
//
// A Problem is only ever built through validation, which applies PyTorch's
// checks in PyTorch's order with PyTorch's words, so every Problem in the
// program is one PyTorch accepts, and its sizes fit 64-bit indexing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reference/result.h"

namespace convt {

struct Pair {
  int64_t h = 0;
  int64_t w = 0;
  friend bool operator==(const Pair&, const Pair&) = default;
};

struct Problem {
  int64_t n = 1;
  int64_t c_in = 1;
  int64_t h_in = 1;
  int64_t w_in = 1;
  int64_t c_out = 1;
  Pair kernel{1, 1};
  Pair stride{1, 1};
  Pair padding{0, 0};
  Pair output_padding{0, 0};
  Pair dilation{1, 1};
  int64_t groups = 1;
  bool bias = true;

  int64_t h_out() const;
  int64_t w_out() const;
  int64_t c_in_per_group() const { return c_in / groups; }
  int64_t c_out_per_group() const { return c_out / groups; }

  std::array<int64_t, 4> input_shape() const { return {n, c_in, h_in, w_in}; }
  std::array<int64_t, 4> weight_shape() const {
    return {c_in, c_out / groups, kernel.h, kernel.w};
  }
  std::array<int64_t, 4> output_shape() const { return {n, c_out, h_out(), w_out()}; }
  int64_t input_elements() const;
  int64_t weight_elements() const;
  int64_t bias_elements() const { return bias ? c_out : 0; }
  int64_t output_elements() const;

  friend bool operator==(const Problem&, const Problem&) = default;
};

// The arguments of conv_transpose2d as PyTorch receives them: tensor shapes
// (any rank, any sign, as a caller might pass them) and the scalar parameters.
struct Arguments {
  std::vector<int64_t> input;                // 3-D (unbatched) or 4-D
  std::vector<int64_t> weight;               // 4-D
  std::optional<std::vector<int64_t>> bias;  // 1-D, or none
  Pair stride{1, 1};
  Pair padding{0, 0};
  Pair output_padding{0, 0};
  Pair dilation{1, 1};
  int64_t groups = 1;
};

// PyTorch's validation of conv_transpose2d, then convt's size limits. The
// message of a refusal is PyTorch's own wording where PyTorch has one.
// An unbatched (3-D) input gives a Problem with n = 1.
Result<Problem> problem_from_arguments(const Arguments& args);

// The tensor shapes and parameters a Problem stands for (4-D input).
// Requires groups > 0 and c_out divisible by groups.
Arguments arguments_of(const Problem& p);

// Refuses what PyTorch refuses (and what cannot be expressed as its weight:
// c_out not divisible by groups). A Problem that passes is usable as is.
std::optional<Error> validate(const Problem& p);

// "[2, 3, 4, 5]", as PyTorch prints sizes.
std::string format_shape(const std::vector<int64_t>& dims);

}  // namespace convt
