// cuDNN as backends (optimized/cudnn): `cudnn`, PyTorch's choice of engine,
// and `cudnn:<engine>`, each engine of the dgrad graph alone.
//
// --tf32 on keeps the engines noted TENSOR_CORE and judges them by the
// bound of TF32 inputs that may be truncated (2^-10: a tensor core fed
// float32 may drop the low 13 bits rather than round); --deterministic drops
// the engines noted NONDETERMINISTIC, and those kept otherwise say they are
// not deterministic, so that --repeat records their differences.
//
// The guards hold on the device: the device output is the host's guarded
// frame (harness/guarded_output.h: NaN prefill, canaries) copied to the
// device before each run and back whole after it, so an unwritten element
// or a write outside the output fails the case as on the CPU. Timing: CUDA
// events around the device work, and around the copies apart.
//
// GPU cases run in a worker process by default (a GPU fault poisons the
// process): nothing here touches CUDA before the first unsupported() or
// prepare().
#include <charconv>
#include <cstring>

#include "harness/backends/adapters.h"
#include "harness/guarded_output.h"

#ifdef CONVT_HAVE_CUDNN
#include "optimized/cudnn/deviceless_plan.h"
#include "optimized/cudnn/dgrad.h"
#include "optimized/device/availability.h"
#include "optimized/device/device.h"
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
    const auto bytes = [](int64_t elements) { return size_t(elements) * sizeof(float); };
    const Problem& q = *planned_for_;
    prefill_.emplace(q.output_elements());
    returned_.emplace(q.output_elements());
    for (auto [buffer, size] : {std::pair{&x_, bytes(q.input_elements())}, std::pair{&w_, bytes(q.weight_elements())},
                                std::pair{&bias_, bytes(q.bias_elements())},
                                std::pair{&y_, bytes(prefill_->frame_elements())},
                                std::pair{&workspace_, size_t(std::max<int64_t>(plan_->engine.workspace_bytes, 0))}}) {
      *buffer = device::Buffer();
      Result<device::Buffer> b = device::Buffer::allocate(size);
      if (!b) return b.error();
      *buffer = std::move(b).value();
    }
    if (auto e = device::copy_to_device(w_.get(), w, w_.bytes(), stream_.get())) return e;
    if (auto e = device::copy_to_device(bias_.get(), bias, bias_.bytes(), stream_.get())) return e;
    return stream_.synchronize();
  }

  std::optional<Error> run(const float* x, float* y) override {
    if (!prefill_) return Error{"run before a successful prepare"};
    const Problem& p = *planned_for_;
    const cudaStream_t s = stream_.get();
    float* y_device = y_.floats() + GuardedOutput::kCanary;
    std::optional<Error> e;
    const auto step = [&e](std::optional<Error> r) {
      if (!e && r) e = std::move(r);
    };
    step(events_[0].record(s));
    step(device::copy_to_device(x_.get(), x, x_.bytes(), s));
    step(device::copy_to_device(y_.get(), prefill_->frame(), y_.bytes(), s));
    step(events_[1].record(s));
    if (!e) step(dgrad_.execute(x_.floats(), w_.floats(), y_device, workspace_.get()));
    if (!e && p.bias)
      step(cudnn::add_bias(y_device, bias_.floats(), p.n, p.c_out, p.h_out() * p.w_out(), s));
    step(events_[2].record(s));
    step(device::copy_to_host(returned_->frame(), y_.get(), y_.bytes(), s));
    step(events_[3].record(s));
    step(stream_.synchronize());
    if (e) return e;
    if (auto damage = returned_->damage()) return Error{"on the device: " + *damage};
    std::memcpy(y, returned_->values().data(), returned_->values().size_bytes());
    DeviceTiming t;
    for (int i = 0; i < 3; ++i) {
      Result<double> seconds = device::seconds_between(events_[i], events_[i + 1]);
      if (!seconds) return seconds.error();
      (i == 1 ? t.device_seconds : t.copy_seconds) += *seconds;
    }
    timing_ = t;
    return std::nullopt;
  }

  std::optional<DeviceTiming> last_device_timing() const override { return timing_; }
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
    prefill_.reset();
    plan_error_ = [&]() -> std::optional<Error> {
      if (!stream_.get()) {
        Result<device::Stream> s = device::Stream::create();
        if (!s) return s.error();
        stream_ = std::move(s).value();
        for (device::Event& ev : events_) {
          Result<device::Event> made = device::Event::create();
          if (!made) return made.error();
          ev = std::move(made).value();
        }
      }
      Result<cudnn::DgradPlan> planned = dgrad_.plan(p, stream_.get());
      if (!planned) return planned.error();
      plan_ = std::move(planned).value();
      return std::nullopt;
    }();
    return plan_error_;
  }

  // What planning made; mutable because unsupported() plans.
  mutable cudnn::Dgrad dgrad_;
  mutable device::Stream stream_;
  mutable std::array<device::Event, 4> events_;
  mutable std::optional<Problem> planned_for_;
  mutable std::optional<cudnn::DgradPlan> plan_;
  mutable std::optional<Error> plan_error_;
  mutable std::optional<GuardedOutput> prefill_, returned_;
  device::Buffer x_, w_, bias_, y_, workspace_;
  std::optional<DeviceTiming> timing_;
};

// Why the GPU backends cannot run here, or empty.
std::string missing_device() {
  const device::Availability& a = device::availability();
  return a.device ? std::string() : a.reason;
}

BackendEntry with_device(BackendEntry e) {
  e.unavailable = missing_device();
  e.device_missing = !e.unavailable.empty();
  return e;
}
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
