// The device side that every GPU backend shares: its stream and CUDA
// events, the problem's buffers on the device, and one run with the
// harness's guards held on the device: x and the host's guarded output
// frame (harness/guarded_output.h: NaN prefill, canaries) are copied in,
// the backend's work runs, and the whole frame comes back, so that an
// unwritten element or a write outside the output fails the case as on the
// CPU. Timing: CUDA events around the work, and around the copies apart.
#pragma once

#ifdef CONVT_HAVE_CUDA
#include <array>
#include <functional>
#include <optional>

#include "harness/backend.h"
#include "harness/guarded_output.h"
#include "optimized/device/device.h"

namespace convt {

class DeviceRun {
 public:
  // The device arrays a run's work reads and writes; bias is null for a
  // problem without bias.
  struct Arrays {
    const float* x;
    const float* w;
    const float* bias;
    float* y;
    void* workspace;
    cudaStream_t stream;
  };
  using Work = std::function<std::optional<Error>(const Arrays&)>;

  // Creates the stream and the events (the first touch of CUDA: call it
  // from unsupported() or prepare(), never earlier).
  std::optional<Error> start();
  cudaStream_t stream() const { return stream_.get(); }

  // Allocates p's arrays and a workspace, copies w and bias.
  std::optional<Error> prepare(const Problem& p, const float* w, const float* bias, size_t workspace_bytes = 0);
  // Copies x in, runs `work`, copies y back; the guards judge the frame.
  std::optional<Error> run(const float* x, float* y, const Work& work);
  std::optional<DeviceTiming> timing() const { return timing_; }

 private:
  device::Stream stream_;
  std::array<device::Event, 4> events_;
  std::optional<Problem> problem_;
  std::optional<GuardedOutput> prefill_, returned_;
  device::Buffer x_, w_, bias_, y_, workspace_;
  std::optional<DeviceTiming> timing_;
};

// e, unavailable with the reason when this machine has no usable GPU (the
// backend still exists: each of its cases is skipped with the reason).
BackendEntry with_device(BackendEntry e);

}  // namespace convt
#endif
