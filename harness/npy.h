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

// The dtypes a reader takes (convt's inputs: float32 only). Any other is
// refused with one message, dtype_refused(), that names the dtype the file
// holds and the ones taken.
enum class Accept { float32, float32_or_float64 };

// `name` is how errors refer to the data (usually the path).
Result<NpyArray> parse_npy(std::string_view bytes, const std::string& name,
                           Accept accept = Accept::float32_or_float64);
Result<NpyArray> read_npy(const std::string& path, Accept accept = Accept::float32_or_float64);

// "<name>: dtype '<f2' is not supported: the file holds float16, convt's
// inputs are float32 ('<f4') (convert with a.astype(np.float32))".
Error dtype_refused(const std::string& name, const std::string& descr, Accept accept);

std::optional<Error> write_npy(const std::string& path, const std::vector<int64_t>& shape,
                               std::span<const float> values);
std::optional<Error> write_npy(const std::string& path, const std::vector<int64_t>& shape,
                               std::span<const double> values);

// The values of a float32 array; a float64 array is refused, as
// dtype_refused() words it (convt does not round a user's data behind their
// back).
Result<std::vector<float>> float32_values(const NpyArray& a, const std::string& name);

}  // namespace convt
