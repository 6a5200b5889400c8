// cuDNN as backends (optimized/cudnn): `cudnn`, PyTorch's choice of engine,
// and `cudnn:<engine>`, each engine of the dgrad graph alone.
//
// --tf32 on keeps the engines noted TENSOR_CORE and judges them by the
// bound of TF32 inputs that may be truncated (2^-10: a tensor core fed
// float32 may drop the low 13 bits rather than round); --deterministic drops
// the engines noted NONDETERMINISTIC, and those kept otherwise say they are
// not deterministic, so that --repeat records their differences.
//
// The guards hold on the device and the timing comes from CUDA events
// (harness/backends/device_run.h).
//
// GPU cases run in a worker process by default (a GPU fault poisons the
// process): nothing here touches CUDA before the first unsupported() or
// prepare().
#include <charconv>

#include "harness/backends/adapters.h"
#include "harness/backends/device_run.h"

#ifdef CONVT_HAVE_CUDNN
#include "optimized/cudnn/deviceless_plan.h"
#include "optimized/cudnn/dgrad.h"
#endif

namespace convt {
namespace {

#ifdef CONVT_HAVE_CUDNN
class CudnnBackend final : public Backend {
 public:
  CudnnBackend(int64_t engine, const BackendOptions& options)
      : dgrad_(cudnn::EngineChoice{engine, cudnn::EngineFilter{options.allow_tf32, options.deterministic}}) {}

  bool isolate_by_default() const override { return true; }
  bool deterministic() const override { return !plan_ || !plan_->engine.noted("NONDETERMINISTIC"); }
  MathMode math() const override {
    MathMode m;
    if (plan_ && plan_->engine.noted("TENSOR_CORE")) m.input_roundoff = kTf32Truncation;
    return m;
  }

  std::optional<std::string> unsupported(const Problem& p) const override {
    if (auto e = plan(p)) return std::nullopt;  // prepare reports it
    if (!plan_->not_supported.empty()) return plan_->not_supported;
    return std::nullopt;
  }

  std::optional<Error> prepare(const Problem& p, const float* w, const float* bias) override {
    if (auto e = plan(p)) return e;
    if (!plan_->not_supported.empty()) return Error{plan_->not_supported};
    return device_.prepare(*planned_for_, w, bias, size_t(std::max<int64_t>(plan_->engine.workspace_bytes, 0)));
  }

  std::optional<Error> run(const float* x, float* y) override {
    return device_.run(x, y, [&](const DeviceRun::Arrays& a) -> std::optional<Error> {
      const Problem& p = *planned_for_;  // prepared, or device_.run refuses
      if (auto e = dgrad_.execute(a.x, a.w, a.y, a.workspace)) return e;
      if (a.bias) return cudnn::add_bias(a.y, a.bias, p.n, p.c_out, p.h_out() * p.w_out(), a.stream);
      return std::nullopt;
    });
  }

  std::optional<DeviceTiming> last_device_timing() const override { return device_.timing(); }
  std::string choice() const override {
    if (!plan_ || !plan_->not_supported.empty()) return {};
    if (!plan_->needs_cudnn) return "no cuDNN work (empty problem)";
    std::string notes;
    for (const std::string& n : plan_->engine.numerical_notes) notes += (notes.empty() ? "" : ",") + n;
    return "cuDNN engine " + std::to_string(plan_->engine.engine) + ", notes " + (notes.empty() ? "-" : notes) +
           ", workspace " + std::to_string(plan_->engine.workspace_bytes) + " B";
  }

 private:
  // Plans p once (the stream and events first, on the first call); an
  // error when CUDA or cuDNN fails, else plan_ says whether p can run.
  std::optional<Error> plan(const Problem& p) const {
    if (planned_for_ == p) return plan_error_;
    planned_for_ = p;
    plan_.reset();
    plan_error_ = [&]() -> std::optional<Error> {
      if (auto e = device_.start()) return e;
      Result<cudnn::DgradPlan> planned = dgrad_.plan(p, device_.stream());
      if (!planned) return planned.error();
      plan_ = std::move(planned).value();
      return std::nullopt;
    }();
    return plan_error_;
  }

  // What planning made; mutable because unsupported() plans.
  mutable cudnn::Dgrad dgrad_;
  mutable DeviceRun device_;
  mutable std::optional<Problem> planned_for_;
  mutable std::optional<cudnn::DgradPlan> plan_;
  mutable std::optional<Error> plan_error_;
};

#endif

}  // namespace

BackendEntry cudnn_backend() {
#ifdef CONVT_HAVE_CUDNN
  return with_device({"cudnn", "cuda",
                      "cuDNN dgrad, PyTorch's choice: heuristics (mode A, then fallback) filtered by --tf32 and "
                      "--deterministic (cuDNN " + cudnn::cudnn_version() + ")",
                      "", [](const BackendOptions& o) { return std::make_unique<CudnnBackend>(-1, o); }});
#else
  return {"cudnn", "cuda", "cuDNN dgrad", "built without CUDA and cuDNN 9.8+ (see CONVT_CUDA)", {}};
#endif
}

BackendEntry cudnn_engine_backends() {
#ifdef CONVT_HAVE_CUDNN
  BackendEntry e = with_device({"cudnn:<engine>", "cuda",
                                "one engine of cuDNN's dgrad graph by its number, default knobs ('cudnn:*': each)", "",
                                {}});
  e.family_prefix = "cudnn:";
  e.members = []() -> Result<std::vector<std::string>> {
    Result<int64_t> count = cudnn::dgrad_engine_count();
    if (!count) return count.error();
    std::vector<std::string> names;
    for (int64_t i = 0; i < *count; ++i) names.push_back(std::to_string(i));
    return names;
  };
  e.make_member = [](const BackendOptions& o, std::string_view member) -> Result<std::unique_ptr<Backend>> {
    int64_t engine = -1;
    const auto [end, ec] = std::from_chars(member.data(), member.data() + member.size(), engine);
    if (ec != std::errc() || end != member.data() + member.size() || engine < 0)
      return Error{"expected an engine number (see 'convt list --problem DESC --gpu h100_sxm'), not '" +
                   std::string(member) + "'"};
    return std::unique_ptr<Backend>(std::make_unique<CudnnBackend>(engine, o));
  };
  return e;
#else
  BackendEntry e{"cudnn:<engine>", "cuda", "one engine of cuDNN's dgrad graph",
                 "built without CUDA and cuDNN 9.8+ (see CONVT_CUDA)", {}};
  e.family_prefix = "cudnn:";
  return e;
#endif
}

}  // namespace convt
