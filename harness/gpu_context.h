// What a report records about the GPU its GPU backends ran on: name,
// compute capability and SM count, clocks, memory, driver, CUDA runtime and
// cuDNN versions; or why there is none.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace convt {

// Key and value pairs ("gpu", "NVIDIA H200"), in the order a reader wants
// them; with no usable GPU, one pair ("gpu", "none: <CUDA's reason>").
std::vector<std::pair<std::string, std::string>> gpu_context();

}  // namespace convt
