#include "harness/guarded_output.h"

#include <bit>

namespace convt {
namespace {

constexpr uint32_t kCanaryBits = 0x7fa5c3e1;  // a NaN no arithmetic produces

}  // namespace

GuardedOutput::GuardedOutput(int64_t elements)
    : elements_(elements),
      storage_(static_cast<size_t>(elements + 2 * kCanary), std::bit_cast<float>(kUnwrittenBits)) {
  for (int64_t i = 0; i < kCanary; ++i) {
    storage_[size_t(i)] = std::bit_cast<float>(kCanaryBits);
    storage_[size_t(kCanary + elements_ + i)] = std::bit_cast<float>(kCanaryBits);
  }
}

bool GuardedOutput::unwritten(float v) { return std::bit_cast<uint32_t>(v) == kUnwrittenBits; }

std::optional<std::string> GuardedOutput::damage() const {
  for (int64_t i = kCanary - 1; i >= 0; --i)
    if (std::bit_cast<uint32_t>(storage_[size_t(i)]) != kCanaryBits)
      return "wrote " + std::to_string(kCanary - i) + " element(s) before the start of the output";
  for (int64_t i = kCanary - 1; i >= 0; --i)
    if (std::bit_cast<uint32_t>(storage_[size_t(kCanary + elements_ + i)]) != kCanaryBits)
      return "wrote past the end of the output (up to element " + std::to_string(elements_ + i) +
             " of " + std::to_string(elements_) + ")";
  return std::nullopt;
}

}  // namespace convt
