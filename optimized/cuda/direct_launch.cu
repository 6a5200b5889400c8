#include "optimized/cuda/device_runner.cuh"
#include "optimized/cuda/direct_kernel.h"
#include "optimized/cuda/launches.h"

namespace convt::cuda {

cudaError_t launch_direct(const Geometry& g, const float* x, const float* w, const float* bias, float* y,
                          cudaStream_t stream) {
  return launch(DirectKernel{g, x, w, bias, y}, stream);
}

}  // namespace convt::cuda
