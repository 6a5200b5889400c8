// An output buffer that catches the two silent bugs of a kernel: elements it
// never writes (prefilled with a NaN of a payload of convt's own, so they fail
// any comparison and a report can tell them from a NaN the kernel wrote) and
// writes past either end (canary regions with a fixed bit pattern, checked
// after).
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
  // The prefill: a quiet NaN whose payload (0xdead) no arithmetic on the
  // data produces; an element that still holds it was never written (or was
  // computed from it: accumulated into without being zeroed first).
  static constexpr uint32_t kUnwrittenBits = 0x7fc0dead;
  static bool unwritten(float v);

  explicit GuardedOutput(int64_t elements);

  float* data() { return storage_.data() + kCanary; }
  // The whole buffer, canaries included: what a device backend copies to
  // its device buffer before a run and back after it, so that the guards
  // hold on the device too.
  float* frame() { return storage_.data(); }
  int64_t frame_elements() const { return int64_t(storage_.size()); }
  std::span<const float> values() const { return {storage_.data() + kCanary, size_t(elements_)}; }

  // nullopt when both canaries are intact; otherwise where they were hit.
  std::optional<std::string> damage() const;

 private:
  int64_t elements_;
  std::vector<float> storage_;
};

}  // namespace convt
