#include "optimized/cuda/phase_gemm.h"

#include "optimized/cuda/phase_gemm_kernel.h"

namespace convt::cuda {

PhaseGemmTiles choose_tiles(const Geometry& g, bool tf32) { return pick_phase_gemm_tiles(g, tf32); }

std::string describe_phase_gemm(const Geometry& g, bool tf32) {
  const PhaseGemmTiles t = choose_tiles(g, tf32);
  return std::string("phase GEMM ") + (tf32 ? "TF32" : "FP32") + ", tiles " + std::to_string(t.block_m) + "x" +
         std::to_string(t.block_n) + "x" + std::to_string(t.block_k) + ", " + std::to_string(t.threads) +
         " threads, " + std::to_string(t.phases) + " phases, " + std::to_string(t.blocks) + " blocks";
}

std::optional<Error> run_phase_gemm_on_host(const Geometry& g, bool tf32, const float* x, const float* w,
                                            const float* bias, float* y, const HostRunOptions& options) {
  return with_phase_gemm_kernel(choose_tiles(g, tf32), g, x, w, bias, y,
                                [&](const auto& kernel) { return run_on_host(kernel, options); });
}

}  // namespace convt::cuda
