// The phase GEMM's TF32 launches (phase_gemm_launch.cu dispatches).
#include "optimized/cuda/device_runner.cuh"
#include "optimized/cuda/phase_gemm_kernel.h"

namespace convt::cuda {

cudaError_t launch_phase_gemm_tf32(const PhaseGemmTiles& tiles, const Geometry& g, const float* x, const float* w,
                                   const float* bias, float* y, cudaStream_t stream) {
  if (tiles.block_m == PhaseGemmTf32Large::kBlockM && tiles.block_n == PhaseGemmTf32Large::kBlockN)
    return launch(PhaseGemmTf32Large{g, x, w, bias, y}, stream);
  return launch(PhaseGemmTf32Small{g, x, w, bias, y}, stream);
}

}  // namespace convt::cuda
