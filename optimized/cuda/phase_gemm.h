// The phase GEMM kernel's entry points (phase_gemm_kernel.h): the tiles it
// chooses for a problem, and its host execution.
#pragma once

#include <optional>
#include <string>

#include "optimized/cuda/geometry.h"
#include "optimized/cuda/host_runner.h"
#include "optimized/cuda/phase_gemm_kernel.h"  // PhaseGemmTiles

namespace convt::cuda {

PhaseGemmTiles choose_tiles(const Geometry& g, bool tf32);

// "phase GEMM FP32, tiles 128x64x8, 256 threads, 4 phases, 120 blocks"
std::string describe_phase_gemm(const Geometry& g, bool tf32);

std::optional<Error> run_phase_gemm_on_host(const Geometry& g, bool tf32, const float* x, const float* w,
                                            const float* bias, float* y, const HostRunOptions& options);

}  // namespace convt::cuda
