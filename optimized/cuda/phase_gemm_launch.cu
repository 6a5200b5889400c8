// The phase GEMM's launches: FP32 here, TF32 in phase_gemm_tf32_launch.cu
// (two translation units, which build in parallel).
#include "optimized/cuda/device_runner.cuh"
#include "optimized/cuda/launches.h"
#include "optimized/cuda/phase_gemm_kernel.h"

namespace convt::cuda {

cudaError_t launch_phase_gemm_tf32(const PhaseGemmTiles& tiles, const Geometry& g, const float* x, const float* w,
                                   const float* bias, float* y, cudaStream_t stream);

cudaError_t launch_phase_gemm(const Geometry& g, bool tf32, const float* x, const float* w, const float* bias,
                              float* y, cudaStream_t stream) {
  const PhaseGemmTiles tiles = pick_phase_gemm_tiles(g, tf32);
  if (tf32) return launch_phase_gemm_tf32(tiles, g, x, w, bias, y, stream);
  if (tiles.block_m == PhaseGemmFp32Large::kBlockM && tiles.block_n == PhaseGemmFp32Large::kBlockN)
    return launch(PhaseGemmFp32Large{g, x, w, bias, y}, stream);
  if (tiles.block_m == PhaseGemmFp32Medium::kBlockM && tiles.block_n == PhaseGemmFp32Medium::kBlockN)
    return launch(PhaseGemmFp32Medium{g, x, w, bias, y}, stream);
  return launch(PhaseGemmFp32Small{g, x, w, bias, y}, stream);
}

}  // namespace convt::cuda
