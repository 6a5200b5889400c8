#include "harness/gpu_context.h"

#ifdef CONVT_HAVE_CUDA
#include "optimized/device/availability.h"
#endif
#ifdef CONVT_HAVE_CUDNN
#include "optimized/cudnn/engine.h"
#endif

namespace convt {

std::vector<std::pair<std::string, std::string>> gpu_context() {
#ifdef CONVT_HAVE_CUDA
  const device::Availability& a = device::availability();
  if (!a.device) return {{"gpu", "none: " + a.reason}};
  const device::DeviceInfo& d = *a.device;
  std::vector<std::pair<std::string, std::string>> out = {
      {"gpu", d.name},
      {"gpu_sm", "sm_" + std::to_string(d.major) + std::to_string(d.minor) + ", " +
                     std::to_string(d.multiprocessors) + " SMs"},
      {"gpu_clocks", "SM " + std::to_string(d.sm_clock_khz / 1000) + " MHz, memory " +
                         std::to_string(d.memory_clock_khz / 1000) + " MHz x " + std::to_string(d.memory_bus_bits) +
                         " bits"},
      {"gpu_memory", std::to_string(d.global_memory_bytes >> 20) + " MiB"},
      {"cuda_driver", device::cuda_version_text(d.driver_version)},
      {"cuda_runtime", device::cuda_version_text(d.runtime_version)},
  };
#ifdef CONVT_HAVE_CUDNN
  out.emplace_back("cudnn", cudnn::cudnn_version());
#endif
  return out;
#else
  return {{"gpu", "none: convt was built without CUDA"}};
#endif
}

}  // namespace convt
