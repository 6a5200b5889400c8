// NumPy .npy files (format 1.0, 2.0 and 3.0): float32 and float64, C order,
// little endian. Everything else is refused with a message that says what
// the file holds and what convt needs, so a user can convert it with NumPy.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reference/result.h"

namespace convt {

enum class DType { float32, float64 };

struct NpyArray {
  std::vector<int64_t> shape;
  DType dtype = DType::float32;
  std::vector<double> values;  // float32 files widen exactly
};

// `name` is how errors refer to the data (usually the path).
Result<NpyArray> parse_npy(std::string_view bytes, const std::string& name);
Result<NpyArray> read_npy(const std::string& path);

std::optional<Error> write_npy(const std::string& path, const std::vector<int64_t>& shape,
                               std::span<const float> values);
std::optional<Error> write_npy(const std::string& path, const std::vector<int64_t>& shape,
                               std::span<const double> values);

// The values of a float32 array; a float64 array is refused (convt does not
// round a user's data behind their back).
Result<std::vector<float>> float32_values(const NpyArray& a, const std::string& name);

}  // namespace convt
