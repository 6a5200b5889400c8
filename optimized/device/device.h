// The device layer: what every GPU backend needs from the CUDA runtime,
// with every failure an Error value that names the call and carries CUDA's
// own name and text for the status ("cudaMalloc: cudaErrorMemoryAllocation
// (out of memory)"). Nothing here throws or aborts; a failed call fails the
// case that made it, and the caller goes on.
//
// Device 0 of the process is the device (CUDA_VISIBLE_DEVICES chooses it).
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "reference/result.h"

namespace convt::device {

// nullopt on cudaSuccess; otherwise "<call>: <name> (<text>)". The status
// is also cleared from the runtime's last-error slot.
std::optional<Error> check(cudaError_t status, const char* call);

// What a report says about the GPU a measurement was taken on.
struct DeviceInfo {
  std::string name;             // "NVIDIA H200"
  int major = 0, minor = 0;     // compute capability
  int multiprocessors = 0;
  int sm_clock_khz = 0;         // peak clock
  int memory_clock_khz = 0;
  int memory_bus_bits = 0;
  int64_t global_memory_bytes = 0;
  int driver_version = 0;       // 13000 is CUDA 13.0
  int runtime_version = 0;
};

// 13000 -> "13.0"
std::string cuda_version_text(int version);

// The device's properties, asked in this process (which initializes CUDA
// here: see availability.h for the question asked without doing so).
Result<DeviceInfo> device_info();

// A CUDA object destroyed with its owner by `destroy`.
template <class T, auto destroy>
class Owned {
 public:
  Owned() = default;
  explicit Owned(T handle) : handle_(handle) {}
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  Owned(Owned&& o) noexcept : handle_(std::exchange(o.handle_, T{})) {}
  Owned& operator=(Owned&& o) noexcept {
    std::swap(handle_, o.handle_);
    return *this;
  }
  ~Owned() {
    if (handle_) destroy(handle_);
  }
  T get() const { return handle_; }

 private:
  T handle_{};
};

// Device memory.
class Buffer {
 public:
  // Zero bytes allocate nothing and give a null pointer.
  static Result<Buffer> allocate(size_t bytes);
  void* get() const { return memory_.get(); }
  float* floats() const { return static_cast<float*>(memory_.get()); }
  size_t bytes() const { return memory_.get() ? bytes_ : 0; }

 private:
  Owned<void*, &cudaFree> memory_;
  size_t bytes_ = 0;
};

// A stream of this device.
class Stream {
 public:
  static Result<Stream> create();
  cudaStream_t get() const { return stream_.get(); }
  std::optional<Error> synchronize() const;

 private:
  Owned<cudaStream_t, &cudaStreamDestroy> stream_;
};

// A timing event.
class Event {
 public:
  static Result<Event> create();
  std::optional<Error> record(cudaStream_t stream) const;
  cudaEvent_t get() const { return event_.get(); }

 private:
  Owned<cudaEvent_t, &cudaEventDestroy> event_;
};

// Seconds from `start` to `stop`, both recorded and completed.
Result<double> seconds_between(const Event& start, const Event& stop);

// Asynchronous on `stream`: the host buffer must stay until it synchronizes.
std::optional<Error> copy_to_device(void* device, const void* host, size_t bytes, cudaStream_t stream);
std::optional<Error> copy_to_host(void* host, const void* device, size_t bytes, cudaStream_t stream);

}  // namespace convt::device
