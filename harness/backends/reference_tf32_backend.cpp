// Two CPU backends that compute as a TF32 tensor core does, so that TF32's
// errors can be measured (convt report accuracy) and its bound checked
// without a GPU:
//
//   reference-tf32        x and w rounded to TF32 (10 explicit mantissa bits)
//                         to nearest, ties away from zero, as PTX's
//                         cvt.rna.tf32.f32 does: input_roundoff 2^-11
//   reference-tf32-trunc  x and w truncated to TF32 (the low 13 bits
//                         dropped), as a tensor core fed raw float32 may do:
//                         input_roundoff 2^-10
//
// The bias is not rounded. Products and sums are float32, each product
// rounded and then added (the build contracts nothing into FMAs: ISO C++,
// no -ffp-contract=fast), by the oracle's own loops in float32
// (conv_transpose2d_in<float>, reference/oracle.h), the bias added last: one
// fixed order, so the result is deterministic. Plain loops, single-threaded: a model of
// the arithmetic, not a fast kernel.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "harness/backends/adapters.h"
#include "reference/oracle.h"

namespace convt {
namespace {

enum class Tf32Rounding { to_nearest_away, truncate };

// x rounded to TF32, returned as the float32 it stands for. NaN stays NaN
// (truncating a NaN whose payload lies in the low 13 bits would make it an
// Inf) and Inf stays Inf; a finite value that rounds up past float32's
// largest becomes Inf, as the hardware's conversion does. Subnormals (and
// zeros) pass unrounded: clearing their low bits would flush the smallest
// to zero, an error relative to x that no bound covers (harness/bound.h
// models TF32 as a relative rounding), and it would turn the oracle's
// Inf * subnormal = Inf into Inf * 0 = NaN on special data. What a tensor
// core does with them is for a GPU's own check to show.
float to_tf32(float x, Tf32Rounding rounding) {
  if (!std::isnormal(x)) return x;
  uint32_t bits = std::bit_cast<uint32_t>(x);
  if (rounding == Tf32Rounding::to_nearest_away) bits += 0x1000u;  // half of the lowest kept bit: ties away
  return std::bit_cast<float>(bits & ~uint32_t(0x1fff));
}

std::vector<float> to_tf32(const float* v, int64_t count, Tf32Rounding rounding) {
  std::vector<float> r(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) r[size_t(i)] = to_tf32(v[i], rounding);
  return r;
}

class ReferenceTf32Backend final : public Backend {
 public:
  explicit ReferenceTf32Backend(Tf32Rounding rounding) : rounding_(rounding) {}

  MathMode math() const override {
    return {.input_roundoff = rounding_ == Tf32Rounding::to_nearest_away ? kTf32RoundToNearest : kTf32Truncation};
  }

  std::optional<Error> prepare(const Problem& p, const float* w, const float* bias) override {
    problem_ = p;
    w_ = to_tf32(w, p.weight_elements(), rounding_);
    bias_ = bias;
    return std::nullopt;
  }

  std::optional<Error> run(const float* x_in, float* y) override {
    const std::vector<float> x = to_tf32(x_in, problem_.input_elements(), rounding_);
    const std::vector<float> out = conv_transpose2d_in<float>(problem_, x.data(), w_.data(), bias_);
    std::copy(out.begin(), out.end(), y);
    return std::nullopt;
  }

 private:
  Tf32Rounding rounding_;
  Problem problem_;
  std::vector<float> w_;
  const float* bias_ = nullptr;
};

}  // namespace

BackendEntry reference_tf32_backend() {
  BackendEntry e{"reference-tf32", "cpu",
                 "the oracle's loops in float32 on x and w rounded to TF32 (to nearest, ties away: cvt.rna.tf32.f32)", "",
                 [](const BackendOptions&) { return std::make_unique<ReferenceTf32Backend>(Tf32Rounding::to_nearest_away); }};
  e.only_when_named = true;
  return e;
}

BackendEntry reference_tf32_trunc_backend() {
  BackendEntry e{"reference-tf32-trunc", "cpu",
                 "the oracle's loops in float32 on x and w truncated to TF32 (low 13 bits dropped, as a tensor core may)",
                 "", [](const BackendOptions&) { return std::make_unique<ReferenceTf32Backend>(Tf32Rounding::truncate); }};
  e.only_when_named = true;
  return e;
}

}  // namespace convt
