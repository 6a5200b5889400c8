// convt's own CUDA kernels (optimized/cuda) as backends:
//   cuda-direct, cuda             on the GPU (harness/backends/device_run.h:
//                                 the guards on the device, CUDA events);
//   cuda-direct@host, cuda@host   the very same kernel code executed on the
//                                 host, step by step, with the barrier check
//                                 on (optimized/cuda/host_runner.h): a checker
//                                 of the GPU code on any machine, run only
//                                 when named and never timed.
// --tf32 on makes `cuda` use its tensor-core variant (inputs rounded by
// cvt.rna.tf32.f32, judged by the bound of 2^-11); `cuda-direct` is float32
// always. Every output is summed by one thread in a fixed order: both are
// deterministic for any setting.
#include "harness/backends/adapters.h"
#include "harness/backends/device_run.h"
#include "optimized/cuda/conv_transpose_cuda.h"

namespace convt {
namespace {

enum class Where { device, host };

class CudaKernelBackend final : public Backend {
 public:
  CudaKernelBackend(cuda::Algorithm algorithm, Where where, const BackendOptions& options)
      : choice_{algorithm, algorithm == cuda::Algorithm::phase_gemm && options.allow_tf32}, where_(where) {}

  bool isolate_by_default() const override { return where_ == Where::device; }
  bool same_bits_for_any_thread_count() const override { return true; }
  MathMode math() const override {
    MathMode m;
    if (choice_.tf32) m.input_roundoff = kTf32RoundToNearest;
    return m;
  }

  std::optional<std::string> unsupported(const Problem& p) const override { return cuda::unsupported(p); }

  std::optional<Error> prepare(const Problem& p, const float* w, const float* bias) override {
    problem_.reset();
    if (auto why = cuda::unsupported(p)) return Error{*why};
#ifdef CONVT_HAVE_CUDA
    if (where_ == Where::device)
      if (auto e = device_.prepare(p, w, bias)) return e;
#endif
    problem_ = p;
    w_ = w;
    bias_ = bias;
    choice_.weights_finite = cuda::weights_finite(p, w);
    return std::nullopt;
  }

  std::optional<Error> run(const float* x, float* y) override {
    if (!problem_) return Error{"run before a successful prepare"};
    const Problem& p = *problem_;
    if (where_ == Where::host)
      return cuda::run_on_host(p, choice_, x, w_, p.bias ? bias_ : nullptr, y, {.check_barriers = true});
#ifdef CONVT_HAVE_CUDA
    return device_.run(x, y, [&](const DeviceRun::Arrays& a) {
      return cuda::run_on_device(p, choice_, a.x, a.w, a.bias, a.y, a.stream);
    });
#else
    return Error{"built without CUDA"};
#endif
  }

  std::optional<DeviceTiming> last_device_timing() const override {
#ifdef CONVT_HAVE_CUDA
    if (where_ == Where::device) return device_.timing();
#endif
    return std::nullopt;
  }
  std::string choice() const override { return problem_ ? cuda::describe(*problem_, choice_) : std::string(); }

 private:
  cuda::KernelChoice choice_;
  Where where_;
  std::optional<Problem> problem_;
  const float* w_ = nullptr;
  const float* bias_ = nullptr;
#ifdef CONVT_HAVE_CUDA
  DeviceRun device_;
#endif
};

BackendEntry on_device(std::string name, std::string description, cuda::Algorithm algorithm) {
  BackendEntry e{std::move(name), "cuda", std::move(description), "",
                 [algorithm](const BackendOptions& o) {
                   return std::make_unique<CudaKernelBackend>(algorithm, Where::device, o);
                 }};
#ifdef CONVT_HAVE_CUDA
  return with_device(std::move(e));
#else
  e.unavailable = "built without CUDA (see CONVT_CUDA)";
  e.make = {};
  return e;
#endif
}

BackendEntry on_host(std::string name, std::string description, cuda::Algorithm algorithm) {
  BackendEntry e{name + "@host", "cpu", std::move(description) + "; executed on the host, step by step, barriers checked",
                 "", [algorithm](const BackendOptions& o) {
                   return std::make_unique<CudaKernelBackend>(algorithm, Where::host, o);
                 }};
  e.only_when_named = true;
  e.untimed = "'" + e.name + "' executes the GPU kernel on the host to check it; it is not timed (time '" + name +
              "' on a GPU)";
  return e;
}

constexpr const char* kDirect = "convt's CUDA kernel: direct gather of the landing taps, one thread per output";
constexpr const char* kPhaseGemm =
    "convt's CUDA kernel: stride phases as implicit GEMMs, shared-memory tiles, register blocking "
    "(--tf32 on: tensor cores, mma.sync)";

}  // namespace

BackendEntry cuda_direct_backend() { return on_device("cuda-direct", kDirect, cuda::Algorithm::direct); }
BackendEntry cuda_backend() { return on_device("cuda", kPhaseGemm, cuda::Algorithm::phase_gemm); }
BackendEntry cuda_direct_host_backend() { return on_host("cuda-direct", kDirect, cuda::Algorithm::direct); }
BackendEntry cuda_host_backend() { return on_host("cuda", kPhaseGemm, cuda::Algorithm::phase_gemm); }

}  // namespace convt
