#include "reference/oracle.h"

namespace convt {

std::vector<double> conv_transpose2d_oracle(const Problem& p, const float* x, const float* w,
                                            const float* bias) {
  return conv_transpose2d_in<double>(p, x, w, bias);
}

template <class T>
std::vector<T> conv_transpose2d_in(const Problem& p, const float* x, const float* w, const float* bias) {
  const int64_t H = p.h_out(), W = p.w_out();
  const int64_t Cig = p.c_in_per_group(), Cog = p.c_out_per_group();
  std::vector<T> y(size_t(p.output_elements()), T(0));

  const auto X = [&](int64_t n, int64_t c, int64_t h, int64_t w_) {
    return T(x[((n * p.c_in + c) * p.h_in + h) * p.w_in + w_]);
  };
  const auto Wt = [&](int64_t ci, int64_t co, int64_t kh, int64_t kw) {
    return T(w[((ci * Cog + co) * p.kernel.h + kh) * p.kernel.w + kw]);
  };
  const auto Y = [&](int64_t n, int64_t c, int64_t h, int64_t w_) -> T& {
    return y[size_t(((n * p.c_out + c) * H + h) * W + w_)];
  };

  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t g = 0; g < p.groups; ++g)
      for (int64_t ci = 0; ci < Cig; ++ci)
        for (int64_t ih = 0; ih < p.h_in; ++ih)
          for (int64_t iw = 0; iw < p.w_in; ++iw)
            for (int64_t co = 0; co < Cog; ++co)
              for (int64_t kh = 0; kh < p.kernel.h; ++kh)
                for (int64_t kw = 0; kw < p.kernel.w; ++kw) {
                  const int64_t oh = ih * p.stride.h - p.padding.h + kh * p.dilation.h;
                  const int64_t ow = iw * p.stride.w - p.padding.w + kw * p.dilation.w;
                  if (oh < 0 || oh >= H || ow < 0 || ow >= W) continue;
                  Y(n, g * Cog + co, oh, ow) += X(n, g * Cig + ci, ih, iw) * Wt(g * Cig + ci, co, kh, kw);
                }

  if (p.bias)
    for (int64_t n = 0; n < p.n; ++n)
      for (int64_t c = 0; c < p.c_out; ++c)
        for (int64_t h = 0; h < H; ++h)
          for (int64_t w_ = 0; w_ < W; ++w_) Y(n, c, h, w_) += T(bias[c]);
  return y;
}

template std::vector<double> conv_transpose2d_in<double>(const Problem&, const float*, const float*, const float*);
template std::vector<float> conv_transpose2d_in<float>(const Problem&, const float*, const float*, const float*);

}  // namespace convt
