// The kernels' launches on a GPU, compiled by nvcc (C++17): plain
// functions over a Geometry and device pointers.
#pragma once

#include <cuda_runtime_api.h>

#include "optimized/cuda/geometry.h"

namespace convt::cuda {

cudaError_t launch_direct(const Geometry& g, const float* x, const float* w, const float* bias, float* y,
                          cudaStream_t stream);
cudaError_t launch_phase_gemm(const Geometry& g, bool tf32, const float* x, const float* w, const float* bias,
                              float* y, cudaStream_t stream);

}  // namespace convt::cuda
