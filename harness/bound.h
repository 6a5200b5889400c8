// A rigorous forward error bound for a float32 conv_transpose2d, per output
// element, so that comparisons need no hand-tuned tolerance.
//
// An output element is a sum of K terms: its products x*w, plus the bias as
// one more term. Computed in floating point with unit roundoff u, in any
// order, with or without FMA, the result y satisfies (Higham, Accuracy and
// Stability of Numerical Algorithms, 2nd ed., 3.1)
//   |y - exact| <= gamma_K(u) * S,   gamma_K(u) = K*u / (1 - K*u),
//   S = sum over the terms of |x|*|w| (+ |bias|),
// plus at most K*2^-150 from products that underflow. A mode that first
// rounds x and w to a shorter mantissa (TF32: u_in = 2^-11) perturbs each
// product by at most (2*u_in + u_in^2)*|x*w|, which adds
// (2*u_in + u_in^2)*(1 + gamma_K(u))*S. The oracle itself is within
// gamma_K(2^-53)*S of exact, so against the oracle
//   |y - y_oracle| <= (gamma_K(u) + tf32 term + gamma_K(2^-53)) * S + K*2^-150.
// K is counted from the geometry; S is the oracle run on absolute values.
#pragma once

#include <cstdint>
#include <vector>

#include "reference/problem.h"

namespace convt {

// The floating-point contract an implementation computes under.
struct MathMode {
  double unit_roundoff = 0x1p-24;  // of the accumulation (float32)
  double input_roundoff = 0;       // of x and w before multiplying (TF32: 2^-11)
};

// TF32 keeps 10 of float32's 23 mantissa bits: rounding x and w to nearest
// moves each by at most 2^-11 of itself; truncating them (as a tensor core
// may) by at most 2^-10. The input_roundoff of either kind of TF32.
inline constexpr double kTf32RoundToNearest = 0x1p-11;
inline constexpr double kTf32Truncation = 0x1p-10;

double gamma(double k, double unit_roundoff);

// K of the output element with the longest sum: its products (C_in/groups
// times the taps that land on it along each axis) plus the bias as one more
// term; 0 when the output is empty.
int64_t accumulation_length(const Problem& p);

struct ErrorBounds {
  std::vector<double> bound;  // per output element (N x C_out x H_out x W_out)
  int64_t informative = 0;    // elements with a nonzero product: a wrong kernel shows there
};

ErrorBounds error_bounds(const Problem& p, const float* x, const float* w, const float* bias,
                         const MathMode& math = {});

}  // namespace convt
