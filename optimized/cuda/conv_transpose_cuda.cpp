#include "optimized/cuda/conv_transpose_cuda.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "optimized/cuda/direct_kernel.h"
#include "optimized/cuda/phase_gemm.h"

#ifdef CONVT_HAVE_CUDA
#include "optimized/cuda/launches.h"
#include "optimized/device/device.h"
#endif

namespace convt::cuda {

std::optional<std::string> unsupported(const Problem& p) {
  constexpr int64_t limit = std::numeric_limits<int>::max();
  for (auto [what, elements] : {std::pair{"input", p.input_elements()}, std::pair{"weight", p.weight_elements()},
                                std::pair{"output", p.output_elements()}}) {
    if (elements > limit)
      return std::string("convt's CUDA kernels index with 32 bits: the ") + what + " has " +
             std::to_string(elements) + " elements (at most 2^31 - 1)";
  }
  return std::nullopt;
}

bool weights_finite(const Problem& p, const float* w) {
  return std::all_of(w, w + p.weight_elements(), [](float v) { return std::isfinite(v); });
}

namespace {

// The phase GEMM's narrowest tile has 32 columns (output channels of a
// group): with fewer than this many channels per group (depthwise layers)
// most of its multiplies would be padding, and the direct gather runs.
constexpr int kMinPhaseGemmChannels = 8;

// Why phase_gemm hands p to the direct kernel; empty when it runs itself.
std::string direct_instead(const Geometry& g, KernelChoice choice) {
  if (choice.algorithm != Algorithm::phase_gemm) return {};
  if (!choice.weights_finite) return "weights hold Inf or NaN: ";
  if (g.c_out_per_group < kMinPhaseGemmChannels)
    return std::to_string(g.c_out_per_group) + " output channel(s) per group: ";
  return {};
}

bool runs_phase_gemm(const Geometry& g, KernelChoice choice) {
  return choice.algorithm == Algorithm::phase_gemm && direct_instead(g, choice).empty();
}

}  // namespace

Geometry geometry_of(const Problem& p) {
  Geometry g;
  g.n = int(p.n);
  g.c_in = int(p.c_in);
  g.h_in = int(p.h_in);
  g.w_in = int(p.w_in);
  g.c_out = int(p.c_out);
  g.k_h = int(p.kernel.h);
  g.k_w = int(p.kernel.w);
  g.stride_h = int(p.stride.h);
  g.stride_w = int(p.stride.w);
  g.pad_h = int(p.padding.h);
  g.pad_w = int(p.padding.w);
  g.dil_h = int(p.dilation.h);
  g.dil_w = int(p.dilation.w);
  g.groups = int(p.groups);
  g.h_out = int(p.h_out());
  g.w_out = int(p.w_out());
  g.c_in_per_group = int(p.c_in_per_group());
  g.c_out_per_group = int(p.c_out_per_group());
  g.bias = p.bias;
  return g;
}

std::string describe(const Problem& p, KernelChoice choice) {
  const Geometry g = geometry_of(p);
  if (runs_phase_gemm(g, choice)) return describe_phase_gemm(g, choice.tf32);
  return direct_instead(g, choice) + "direct gather, " + std::to_string(DirectKernel::kThreads) + " threads, " +
         std::to_string(DirectKernel{g}.blocks()) + " blocks";
}

std::optional<Error> run_on_host(const Problem& p, KernelChoice choice, const float* x, const float* w,
                                 const float* bias, float* y, const HostRunOptions& options) {
  if (auto why = unsupported(p)) return Error{*why};
  const Geometry g = geometry_of(p);
  if (runs_phase_gemm(g, choice)) return run_phase_gemm_on_host(g, choice.tf32, x, w, bias, y, options);
  return cuda::run_on_host(DirectKernel{g, x, w, bias, y}, options);
}

#ifdef CONVT_HAVE_CUDA
std::optional<Error> run_on_device(const Problem& p, KernelChoice choice, const float* x, const float* w,
                                   const float* bias, float* y, cudaStream_t stream) {
  if (auto why = unsupported(p)) return Error{*why};
  const Geometry g = geometry_of(p);
  if (runs_phase_gemm(g, choice))
    return device::check(launch_phase_gemm(g, choice.tf32, x, w, bias, y, stream), "launch_phase_gemm");
  return device::check(launch_direct(g, x, w, bias, y, stream), "launch_direct");
}
#endif

}  // namespace convt::cuda
