#include "optimized/device/device.h"

namespace convt::device {

std::optional<Error> check(cudaError_t status, const char* call) {
  if (status == cudaSuccess) return std::nullopt;
  cudaGetLastError();  // clears a non-sticky status so that the next call starts clean
  return Error{std::string(call) + ": " + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")"};
}

std::string cuda_version_text(int version) {
  return std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
}

Result<DeviceInfo> device_info() {
  DeviceInfo info;
  cudaDeviceProp prop{};
  if (auto e = check(cudaGetDeviceProperties(&prop, 0), "cudaGetDeviceProperties")) return *e;
  info.name = prop.name;
  info.major = prop.major;
  info.minor = prop.minor;
  info.multiprocessors = prop.multiProcessorCount;
  info.memory_bus_bits = prop.memoryBusWidth;
  info.global_memory_bytes = int64_t(prop.totalGlobalMem);
  if (auto e = check(cudaDeviceGetAttribute(&info.sm_clock_khz, cudaDevAttrClockRate, 0), "cudaDeviceGetAttribute"))
    return *e;
  if (auto e = check(cudaDeviceGetAttribute(&info.memory_clock_khz, cudaDevAttrMemoryClockRate, 0),
                     "cudaDeviceGetAttribute"))
    return *e;
  if (auto e = check(cudaDriverGetVersion(&info.driver_version), "cudaDriverGetVersion")) return *e;
  if (auto e = check(cudaRuntimeGetVersion(&info.runtime_version), "cudaRuntimeGetVersion")) return *e;
  return info;
}

Result<Buffer> Buffer::allocate(size_t bytes) {
  Buffer b;
  if (bytes == 0) return b;
  void* memory = nullptr;
  if (auto e = check(cudaMalloc(&memory, bytes), "cudaMalloc")) return *e;
  b.memory_ = Owned<void*, &cudaFree>(memory);
  b.bytes_ = bytes;
  return b;
}

Result<Stream> Stream::create() {
  cudaStream_t stream = nullptr;
  if (auto e = check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreateWithFlags"))
    return *e;
  Stream s;
  s.stream_ = Owned<cudaStream_t, &cudaStreamDestroy>(stream);
  return s;
}

std::optional<Error> Stream::synchronize() const {
  return check(cudaStreamSynchronize(stream_.get()), "cudaStreamSynchronize");
}

Result<Event> Event::create() {
  cudaEvent_t event = nullptr;
  if (auto e = check(cudaEventCreate(&event), "cudaEventCreate")) return *e;
  Event ev;
  ev.event_ = Owned<cudaEvent_t, &cudaEventDestroy>(event);
  return ev;
}

std::optional<Error> Event::record(cudaStream_t stream) const {
  return check(cudaEventRecord(event_.get(), stream), "cudaEventRecord");
}

Result<double> seconds_between(const Event& start, const Event& stop) {
  float ms = 0;
  if (auto e = check(cudaEventElapsedTime(&ms, start.get(), stop.get()), "cudaEventElapsedTime")) return *e;
  return double(ms) * 1e-3;
}

std::optional<Error> copy_to_device(void* device, const void* host, size_t bytes, cudaStream_t stream) {
  if (bytes == 0) return std::nullopt;
  return check(cudaMemcpyAsync(device, host, bytes, cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync (to device)");
}

std::optional<Error> copy_to_host(void* host, const void* device, size_t bytes, cudaStream_t stream) {
  if (bytes == 0) return std::nullopt;
  return check(cudaMemcpyAsync(host, device, bytes, cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync (to host)");
}

}  // namespace convt::device
