// One thread per output element, grid-stride.
#include <algorithm>

#include "optimized/cudnn/bias.h"

namespace convt::cudnn {
namespace {

__global__ void add_bias_kernel(float* y, const float* bias, int64_t c, int64_t spatial, int64_t total) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x)
    y[i] += bias[i / spatial % c];
}

}  // namespace

cudaError_t launch_add_bias(float* y, const float* bias, int64_t n, int64_t c, int64_t spatial, cudaStream_t stream) {
  const int64_t total = n * c * spatial;
  if (total == 0) return cudaSuccess;
  constexpr int kThreads = 256;
  const int64_t blocks = std::min<int64_t>((total + kThreads - 1) / kThreads, 65535);
  add_bias_kernel<<<unsigned(blocks), kThreads, 0, stream>>>(y, bias, c, spatial, total);
  return cudaGetLastError();
}

}  // namespace convt::cudnn
