// An output buffer that catches the two silent bugs of a kernel: elements it
// never writes (prefilled with NaN, so they fail any comparison) and writes
// past either end (canary regions with a fixed bit pattern, checked after).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace convt {

class GuardedOutput {
 public:
  static constexpr int64_t kCanary = 64;  // floats on each side

  explicit GuardedOutput(int64_t elements);

  float* data() { return storage_.data() + kCanary; }
  std::span<const float> values() const { return {storage_.data() + kCanary, size_t(elements_)}; }

  // nullopt when both canaries are intact; otherwise where they were hit.
  std::optional<std::string> damage() const;

 private:
  int64_t elements_;
  std::vector<float> storage_;
};

}  // namespace convt
