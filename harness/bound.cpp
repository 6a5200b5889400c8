#include "harness/bound.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "reference/oracle.h"

namespace convt {
namespace {

std::vector<float> absolute(const float* v, int64_t count) {
  std::vector<float> a(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) a[size_t(i)] = std::fabs(v[i]);
  return a;
}

// How many (input, tap) pairs land on each output coordinate of one axis.
std::vector<int64_t> landings(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t pad,
                              int64_t dil) {
  std::vector<int64_t> count(static_cast<size_t>(out), 0);
  for (int64_t i = 0; i < in; ++i)
    for (int64_t k = 0; k < kernel; ++k) {
      const int64_t o = i * stride - pad + k * dil;
      if (o >= 0 && o < out) ++count[size_t(o)];
    }
  return count;
}

}  // namespace

double gamma(double k, double unit_roundoff) {
  const double ku = k * unit_roundoff;
  return ku < 1 ? ku / (1 - ku) : std::numeric_limits<double>::infinity();
}

int64_t accumulation_length(const Problem& p) {
  if (p.output_elements() == 0) return 0;
  const std::vector<int64_t> rows = landings(p.h_in, p.h_out(), p.kernel.h, p.stride.h, p.padding.h, p.dilation.h);
  const std::vector<int64_t> cols = landings(p.w_in, p.w_out(), p.kernel.w, p.stride.w, p.padding.w, p.dilation.w);
  return p.c_in_per_group() * *std::max_element(rows.begin(), rows.end()) *
             *std::max_element(cols.begin(), cols.end()) +
         (p.bias ? 1 : 0);
}

ErrorBounds error_bounds(const Problem& p, const float* x, const float* w, const float* bias,
                         const MathMode& math) {
  Problem products_only = p;
  products_only.bias = false;
  const std::vector<float> ax = absolute(x, p.input_elements());
  const std::vector<float> aw = absolute(w, p.weight_elements());
  ErrorBounds result;
  result.bound = conv_transpose2d_oracle(products_only, ax.data(), aw.data(), nullptr);

  const int64_t H = p.h_out(), W = p.w_out();
  const std::vector<int64_t> rows = landings(p.h_in, H, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h);
  const std::vector<int64_t> cols = landings(p.w_in, W, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w);
  const double u_in = 2 * math.input_roundoff + math.input_roundoff * math.input_roundoff;
  for (size_t i = 0; i < result.bound.size(); ++i) {
    const int64_t oh = int64_t(i) / W % H, ow = int64_t(i) % W, c = int64_t(i) / (W * H) % p.c_out;
    const double k = double(p.c_in_per_group() * rows[size_t(oh)] * cols[size_t(ow)] + (p.bias ? 1 : 0));
    const double products = result.bound[i];
    if (products > 0) ++result.informative;
    // S was itself summed in double: round it up by its own relative error.
    const double s = (products + (p.bias ? std::fabs(double(bias[c])) : 0.0)) * (1 + gamma(k, 0x1p-53));
    const double g = gamma(k, math.unit_roundoff);
    result.bound[i] = (g + u_in * (1 + g) + gamma(k, 0x1p-53)) * s + k * 0x1p-150;
  }
  return result;
}

}  // namespace convt
