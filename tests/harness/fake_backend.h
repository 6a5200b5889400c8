// An in-process backend for harness tests: the oracle rounded to float32,
// with one deliberate defect switched on by the test.
#pragma once

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "harness/backend.h"
#include "reference/oracle.h"

namespace convt::testing {

enum class Defect {
  none,
  skip_last_element,     // leaves the last output element unwritten
  nan_last_element,      // writes a NaN of its own (the default quiet NaN) into the last element
  write_before,          // writes one element before the output
  write_after,           // writes one element past the output
  flip_bit_second_run,   // the second run differs in the last bit of element 0
  error_return,          // run() reports an error
  unsupported,           // refuses every problem
  drop_nan,              // replaces NaN results by 0
  bfloat16_products,     // rounds x and w to bfloat16 before multiplying
  one_ulp,               // moves every element by one ulp (within the bound)
  scribble_on_weights,   // negates w[0] in place (the ABI declares w const)
};

class FakeBackend final : public Backend {
 public:
  explicit FakeBackend(Defect defect, bool deterministic = true) : defect_(defect), deterministic_(deterministic) {}

  std::optional<std::string> unsupported(const Problem&) const override {
    if (defect_ == Defect::unsupported) return "this fake supports nothing";
    return std::nullopt;
  }
  bool deterministic() const override { return deterministic_; }

  std::optional<Error> prepare(const Problem& p, const float* w, const float* bias) override {
    prepared.push_back(p);
    problem_ = p;
    w_ = w;
    bias_ = bias;
    runs_ = 0;
    return std::nullopt;
  }

  std::vector<Problem> prepared;  // every problem this backend was prepared for

  std::optional<Error> run(const float* x, float* y) override {
    ++runs_;
    if (defect_ == Defect::error_return) return Error{"fake failure"};
    if (defect_ == Defect::scribble_on_weights && runs_ == 1) const_cast<float*>(w_)[0] = -w_[0];
    const size_t count = size_t(problem_.output_elements());
    std::vector<double> out;
    if (defect_ == Defect::bfloat16_products) {
      std::vector<float> xr(x, x + problem_.input_elements()), wr(w_, w_ + problem_.weight_elements());
      for (float& v : xr) v = bfloat16(v);
      for (float& v : wr) v = bfloat16(v);
      out = conv_transpose2d_oracle(problem_, xr.data(), wr.data(), bias_);
    } else {
      out = conv_transpose2d_oracle(problem_, x, w_, bias_);
    }
    for (size_t i = 0; i < count; ++i) {
      float v = float(out[i]);
      if (defect_ == Defect::drop_nan && std::isnan(v)) v = 0;
      if (defect_ == Defect::one_ulp && std::isfinite(v) && v != 0) v = std::nextafter(v, 2 * v);
      if (defect_ == Defect::nan_last_element && i + 1 == count) v = std::numeric_limits<float>::quiet_NaN();
      if (!(defect_ == Defect::skip_last_element && i + 1 == count)) y[i] = v;
    }
    if (defect_ == Defect::write_before) y[-1] = 0;
    if (defect_ == Defect::write_after) y[count] = 0;
    if (defect_ == Defect::flip_bit_second_run && runs_ == 2 && count > 0) {
      uint32_t bits;
      std::memcpy(&bits, &y[0], 4);
      bits ^= 1;
      std::memcpy(&y[0], &bits, 4);
    }
    return std::nullopt;
  }

 private:
  static float bfloat16(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    bits &= 0xffff0000u;
    std::memcpy(&v, &bits, 4);
    return v;
  }

  Defect defect_;
  bool deterministic_;
  Problem problem_;
  const float* w_ = nullptr;
  const float* bias_ = nullptr;
  int runs_ = 0;
};

}  // namespace convt::testing
