// The bias of conv_transpose2d on the device, added after cuDNN's dgrad.
// Plain C++17 and the CUDA runtime only, so that nvcc compiles it alone.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace convt::cudnn {

// y[n][c][i] += bias[c] for a y of n x c x spatial, enqueued on the stream;
// the status of the launch.
cudaError_t launch_add_bias(float* y, const float* bias, int64_t n, int64_t c, int64_t spatial, cudaStream_t stream);

}  // namespace convt::cudnn
