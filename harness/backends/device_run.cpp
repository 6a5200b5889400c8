#include "harness/backends/device_run.h"

#ifdef CONVT_HAVE_CUDA
#include <cstring>

#include "optimized/device/availability.h"

namespace convt {

BackendEntry with_device(BackendEntry e) {
  const device::Availability& a = device::availability();
  e.unavailable = a.device ? std::string() : a.reason;
  e.device_missing = !e.unavailable.empty();
  return e;
}

std::optional<Error> DeviceRun::start() {
  if (stream_.get()) return std::nullopt;
  Result<device::Stream> s = device::Stream::create();
  if (!s) return s.error();
  for (device::Event& ev : events_) {
    Result<device::Event> made = device::Event::create();
    if (!made) return made.error();
    ev = std::move(made).value();
  }
  stream_ = std::move(s).value();
  return std::nullopt;
}

std::optional<Error> DeviceRun::prepare(const Problem& p, const float* w, const float* bias, size_t workspace_bytes) {
  problem_.reset();
  timing_.reset();
  if (auto e = start()) return e;
  prefill_.emplace(p.output_elements());
  returned_.emplace(p.output_elements());
  const auto bytes = [](int64_t elements) { return size_t(elements) * sizeof(float); };
  for (auto [buffer, size] : {std::pair{&x_, bytes(p.input_elements())}, std::pair{&w_, bytes(p.weight_elements())},
                              std::pair{&bias_, bytes(p.bias_elements())},
                              std::pair{&y_, bytes(prefill_->frame_elements())}, std::pair{&workspace_, workspace_bytes}}) {
    *buffer = device::Buffer();
    Result<device::Buffer> b = device::Buffer::allocate(size);
    if (!b) return b.error();
    *buffer = std::move(b).value();
  }
  if (auto e = device::copy_to_device(w_.get(), w, w_.bytes(), stream_.get())) return e;
  if (auto e = device::copy_to_device(bias_.get(), bias, bias_.bytes(), stream_.get())) return e;
  if (auto e = stream_.synchronize()) return e;
  problem_ = p;
  return std::nullopt;
}

std::optional<Error> DeviceRun::run(const float* x, float* y, const Work& work) {
  if (!problem_) return Error{"run before a successful prepare"};
  const cudaStream_t s = stream_.get();
  const Arrays arrays{x_.floats(), w_.floats(), problem_->bias ? bias_.floats() : nullptr,
                      y_.floats() + GuardedOutput::kCanary, workspace_.get(), s};
  std::optional<Error> e;
  const auto step = [&e](std::optional<Error> r) {
    if (!e && r) e = std::move(r);
  };
  step(events_[0].record(s));
  step(device::copy_to_device(x_.get(), x, x_.bytes(), s));
  step(device::copy_to_device(y_.get(), prefill_->frame(), y_.bytes(), s));
  step(events_[1].record(s));
  if (!e) step(work(arrays));
  step(events_[2].record(s));
  step(device::copy_to_host(returned_->frame(), y_.get(), y_.bytes(), s));
  step(events_[3].record(s));
  step(stream_.synchronize());
  if (e) return e;
  if (auto damage = returned_->damage()) return Error{"on the device: " + *damage};
  std::memcpy(y, returned_->values().data(), returned_->values().size_bytes());
  DeviceTiming t;
  for (int i = 0; i < 3; ++i) {
    Result<double> seconds = device::seconds_between(events_[size_t(i)], events_[size_t(i) + 1]);
    if (!seconds) return seconds.error();
    (i == 1 ? t.device_seconds : t.copy_seconds) += *seconds;
  }
  timing_ = t;
  return std::nullopt;
}

}  // namespace convt
#endif
