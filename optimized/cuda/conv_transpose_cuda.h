// convt's own CUDA kernels for conv_transpose2d (float32, NCHW), on a GPU
// or executed on the host step by step (host_runner.h):
//   direct      one thread per output, gathering the landing taps
//               (direct_kernel.h): the simple GPU reference;
//   phase_gemm  the stride phases as implicit GEMMs with shared-memory
//               tiles and register blocking (phase_gemm_kernel.h), FP32 on
//               CUDA cores, or with tf32 on tensor cores (mma.sync, inputs
//               rounded by cvt.rna); layers with few output channels per
//               group (depthwise) go to the direct kernel.
// Both are deterministic: every output is summed by one thread in a fixed
// order.
#pragma once

#include <optional>
#include <string>

#include "optimized/cuda/geometry.h"
#include "optimized/cuda/host_runner.h"
#include "reference/problem.h"
#include "reference/result.h"

#ifdef CONVT_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace convt::cuda {

enum class Algorithm { direct, phase_gemm };

struct KernelChoice {
  Algorithm algorithm = Algorithm::phase_gemm;
  bool tf32 = false;  // phase_gemm on tensor cores
  // The phase GEMM multiplies the zeros that fill its tiles past the input's
  // border by weights, which is exact for finite weights; conv_transpose2d
  // has no such product, so with a weight that is Inf or NaN (0 x Inf would
  // be NaN) the direct kernel runs instead. See weights_finite().
  bool weights_finite = true;
};

// Whether all of w (p's weight) is finite.
bool weights_finite(const Problem& p, const float* w);

// Why the kernels cannot run p (their indices are 32-bit), or nullopt.
std::optional<std::string> unsupported(const Problem& p);

// p as the kernels see it; requires !unsupported(p).
Geometry geometry_of(const Problem& p);

// The kernel and grid chosen for p, for reports ("phase GEMM FP32, tiles
// 128x64x8, 256 threads, 4 phases, 120 blocks").
std::string describe(const Problem& p, KernelChoice choice);

// Runs the kernel on the host: x, w, bias (null without bias) and y are
// host arrays. An error when the barrier check finds a race.
std::optional<Error> run_on_host(const Problem& p, KernelChoice choice, const float* x, const float* w,
                                 const float* bias, float* y, const HostRunOptions& options = {});

#ifdef CONVT_HAVE_CUDA
// Launches the kernel on `stream`: x, w, bias and y are device arrays.
std::optional<Error> run_on_device(const Problem& p, KernelChoice choice, const float* x, const float* w,
                                   const float* bias, float* y, cudaStream_t stream);
#endif

}  // namespace convt::cuda
