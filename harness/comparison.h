// Comparing an implementation's float32 output with the oracle's.
//
//   exact data    every element equals the oracle rounded to float32 (zeros
//                 compare by value: -0.0 == +0.0, since the sign of an exact
//                 zero sum depends on the order of the terms).
//   bounded       (normal and special data) where the oracle is NaN the
//                 result is NaN; where it is +-Inf, the same Inf; elsewhere
//                 the result is finite and within the element's rigorous
//                 bound (harness/bound.h).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "reference/problem.h"

namespace convt {

struct Mismatch {
  std::array<int64_t, 4> at;  // (n, c, h, w)
  double expected;            // the oracle
  float got;
  double bound;               // 0 for exact data
};

struct Comparison {
  int64_t mismatches = 0;
  std::vector<Mismatch> first;  // the first kShown of them
  double worst_ratio = 0;       // largest |got - expected| / bound over finite elements

  static constexpr size_t kShown = 10;
};

Comparison compare_exact(const Problem& p, std::span<const double> expected, std::span<const float> got);
Comparison compare_bounded(const Problem& p, std::span<const double> expected, std::span<const float> got,
                           std::span<const double> bound);

// Elements whose bits differ between two runs (NaNs count as equal).
int64_t count_differences(std::span<const float> a, std::span<const float> b);

}  // namespace convt
