// Seeded test data. Every element is a pure function of (seed, tensor,
// index) (a counter-based generator), so the data never depends on thread
// count, order of generation or platform.
//
//   normal  independent N(0, 1) reals.
//   exact   small integers, with magnitudes (and, for very long sums, a
//           sparsity of the weights) chosen from the problem so that every
//           partial sum of every output element is an integer below 2^24:
//           any correct float32 implementation, in any summation order,
//           then reproduces the oracle bitwise.
//   special normal data with IEEE special values placed in it: NaN, +-Inf,
//           -0.0 and subnormals in x; +-0.0 (so that NaN and Inf meet zero
//           weights), subnormals and an Inf in w; -0.0, a subnormal and an
//           Inf in the bias. Sparse enough that most outputs stay finite.
//   scaled  normal values each times 2^k, k uniform in [-8, 8] per element:
//           the factors alone span 2^16, nearly five orders of magnitude,
//           so a few large terms dominate each sum and the small ones lose
//           their low bits (to TF32 above all).
//   mixed   magnitudes all within 1/16 of 1 (the bias within 1/16 of 1/16)
//           and signs that alternate so that sums cancel: x's sign
//           alternates with its input channel within a group, w's is a
//           seeded sign per (output channel, tap) that does not depend on
//           the input channel, so the products of input channels 2j and
//           2j+1 at one tap cancel to the noise of their magnitudes. An
//           output is then far smaller than the sum of its |terms|: the
//           case where rounding the inputs (TF32) hurts most.
//
// normal, exact and special are what `convt check` uses by default
// (kAllDataModes); scaled and mixed are for accuracy measurements (convt
// report accuracy) and run wherever a data mode is named.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "reference/problem.h"
#include "reference/result.h"

namespace convt {

enum class DataMode { normal, exact, special, scaled, mixed };
inline constexpr DataMode kAllDataModes[] = {DataMode::exact, DataMode::normal, DataMode::special};

Result<DataMode> parse_data_mode(std::string_view text);
const char* data_mode_name(DataMode mode);
// A comma-separated list, e.g. "exact,normal,special".
Result<std::vector<DataMode>> parse_data_modes(std::string_view text);

struct Tensors {
  std::vector<float> x;     // N x C_in x H_in x W_in
  std::vector<float> w;     // C_in x C_out/groups x kH x kW
  std::vector<float> bias;  // C_out, or empty without bias
};

Tensors make_tensors(const Problem& p, DataMode mode, uint64_t seed);

// SplitMix64's finalizer: a bijective mix with full avalanche, for deriving
// seeds from seeds.
uint64_t mix(uint64_t z);

}  // namespace convt
