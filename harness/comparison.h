// Comparing an implementation's float32 output with the oracle's.
//
//   exact data    every element equals the oracle rounded to float32 (zeros
//                 compare by value: -0.0 == +0.0, since the sign of an exact
//                 zero sum depends on the order of the terms).
//   bounded       (normal and special data) where the oracle is NaN the
//                 result is NaN; where it is +-Inf, the same Inf; elsewhere
//                 the result is finite and within the element's rigorous
//                 bound (harness/bound.h).
//
// An element that still holds the output's prefill (GuardedOutput's NaN) is
// a mismatch marked not_written in either mode, even where the oracle is NaN.
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
  bool not_written = false;   // `got` is still the prefill
};

struct Comparison {
  int64_t mismatches = 0;
  int64_t not_written = 0;      // of the mismatches, elements never written
  std::vector<Mismatch> first;  // the first kShown of them
  double worst_ratio = 0;       // largest |got - expected| / bound over finite elements

  static constexpr size_t kShown = 10;
};

Comparison compare_exact(const Problem& p, std::span<const double> expected, std::span<const float> got);
Comparison compare_bounded(const Problem& p, std::span<const double> expected, std::span<const float> got,
                           std::span<const double> bound);

// Where two runs of the same case differ.
struct RunDifference {
  std::array<int64_t, 4> at;  // (n, c, h, w)
  float first, other;         // the two values
};

struct RunDifferences {
  int64_t count = 0;                // elements whose bits differ (NaNs count as equal)
  std::vector<RunDifference> first;  // the first Comparison::kShown of them
};

RunDifferences compare_runs(const Problem& p, std::span<const float> a, std::span<const float> b);

}  // namespace convt
