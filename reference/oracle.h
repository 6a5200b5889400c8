// The oracle: conv_transpose2d by its definition, in double.
//
// Scatter form: every input element times every kernel tap is added to the
// output element where that tap lands,
//   y[n, g*Cog + co, ih*sh - ph + kh*dh, iw*sw - pw + kw*dw]
//       += x[n, g*Cig + ci, ih, iw] * w[g*Cig + ci, co, kh, kw]
// (Cig = C_in/groups, Cog = C_out/groups), skipping positions outside the
// output, then bias[c] is added to every element of channel c. Products of
// two floats are exact in double; each sum of K terms is within
// gamma_K(2^-53) * sum|x*w| of exact, far below float32's resolution.
#pragma once

#include <vector>

#include "reference/problem.h"

namespace convt {

// x, w, bias: contiguous float32 in PyTorch's layouts (bias ignored, and may
// be null, when !p.bias). Returns y, N x C_out x H_out x W_out, in double.
std::vector<double> conv_transpose2d_oracle(const Problem& p, const float* x, const float* w,
                                            const float* bias);

// The same loops with every product and sum in T, in the same order: the
// oracle is T = double; T = float is how a float32 machine following the
// definition rounds (the TF32 models of harness/backends use it).
template <class T>
std::vector<T> conv_transpose2d_in(const Problem& p, const float* x, const float* w, const float* bias);

extern template std::vector<double> conv_transpose2d_in<double>(const Problem&, const float*, const float*,
                                                                const float*);
extern template std::vector<float> conv_transpose2d_in<float>(const Problem&, const float*, const float*,
                                                              const float*);

}  // namespace convt
