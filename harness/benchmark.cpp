#include "harness/benchmark.h"

#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "harness/data.h"
#include "harness/plugin.h"
#include "reference/descriptor.h"

namespace convt {
namespace {

constexpr uint64_t kSeed = 1;
constexpr std::chrono::milliseconds kSettle{30};

// One benchmark's data and prepared backend.
struct Fixture {
  size_t index = 0;
  std::unique_ptr<Backend> backend;
  std::string device;  // "cpu", "cuda"
  Tensors tensors;
  std::vector<float> y;
  double prepare_seconds = 0;
  std::string error;  // why it cannot run (unsupported or failed prepare)
  bool unsupported = false;
};

std::unique_ptr<Fixture> make_fixture(const BenchmarkPlan& plan, size_t index, const std::string& name,
                                      const Problem& p) {
  auto f = std::make_unique<Fixture>();
  f->index = index;
  const auto plugin = plan.plugins.find(name);
  Result<NamedBackend> b =
      plugin != plan.plugins.end() ? load_plugin(plugin->second) : make_backend(name, plan.options);
  if (!b) {
    f->error = b.error().message;
    return f;
  }
  f->device = b.value().device;
  f->backend = std::move(b.value().backend);
  if (auto why = f->backend->unsupported(p)) {
    f->error = "unsupported problem: " + *why;
    f->unsupported = true;
    return f;
  }
  f->tensors = make_tensors(p, DataMode::normal, kSeed);
  f->y.assign(size_t(p.output_elements()), 0.0f);
  const auto start = std::chrono::steady_clock::now();
  if (auto e = f->backend->prepare(p, f->tensors.w.data(), p.bias ? f->tensors.bias.data() : nullptr))
    f->error = "prepare failed: " + e->message;
  f->prepare_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return f;
}

}  // namespace

// The fixture of the benchmark running now (one at a time, see the header),
// and whether each benchmark's failure has been counted.
struct BenchmarkSet::Session {
  BenchmarkPlan plan;
  std::unique_ptr<Fixture> active;
  std::vector<bool> counted;
  int failed = 0;
  int unsupported = 0;
};

namespace {

void run_benchmark(benchmark::State& state, BenchmarkSet::Session& session, size_t index) {
  const BenchmarkPlan& plan = session.plan;
  const size_t problems = plan.problems.size();
  const std::string& backend = plan.backends[index / problems];
  const Problem& p = plan.problems[index % problems];
  if (!session.active || session.active->index != index) {
    session.active.reset();  // free the previous problem's tensors first
    session.active = make_fixture(plan, index, backend, p);
    // The threads of the benchmark before may still be busy: OpenMP's
    // workers (oneDNN's) spin for milliseconds after its last call (about
    // 8 ms of CPU time on the 2-core development machine), and a benchmark
    // started meanwhile shares a core with them (measured there: 20% slower
    // over its first 20 ms). So each one starts after a pause long enough
    // for them to sleep.
    if (session.active->error.empty()) std::this_thread::sleep_for(kSettle);
  }
  Fixture& f = *session.active;
  const auto fail = [&](const std::string& message, bool unsupported) {
    if (!session.counted[index]) {
      session.counted[index] = true;
      ++(unsupported ? session.unsupported : session.failed);
    }
    state.SkipWithError(message.c_str());
  };
  if (!f.error.empty()) return fail(f.error, f.unsupported);

  const float* x = f.tensors.x.data();
  float* y = f.y.data();
  // A device backend's time is its device work alone (manual time, from
  // its CUDA events); its copies are the counter copy_s.
  const bool on_device = f.device != "cpu";
  double copy_seconds = 0;
  for (auto _ : state) {
    if (auto e = f.backend->run(x, y)) {
      fail("run failed: " + e->message, false);
      break;
    }
    if (on_device) {
      const std::optional<DeviceTiming> t = f.backend->last_device_timing();
      if (!t) {
        fail("run failed: the device backend reported no timing", false);
        break;
      }
      state.SetIterationTime(t->device_seconds);
      copy_seconds += t->copy_seconds;
    }
  }
  if (state.error_occurred()) return;

  // flops_per_run counts the products that land in the output (see its
  // comment); nominal_GFLOP/s counts every product, cropped ones too.
  using benchmark::Counter;
  const double gflop = flops_per_run(p) * 1e-9, bytes = bytes_per_run(p);
  state.counters["GFLOP/s"] = Counter(gflop, Counter::kIsIterationInvariantRate);
  state.counters["nominal_GFLOP/s"] = Counter(nominal_flops_per_run(p) * 1e-9, Counter::kIsIterationInvariantRate);
  state.counters["peak%"] = Counter(plan.peak_gflops > 0 ? 100 * gflop / plan.peak_gflops : 0,
                                    Counter::kIsIterationInvariantRate);
  state.counters["bytes"] = Counter(bytes, Counter::kDefaults, Counter::kIs1024);
  state.counters["prepare_s"] = Counter(f.prepare_seconds);
  if (on_device) state.counters["copy_s"] = Counter(copy_seconds / double(state.iterations()));
  if (const std::string choice = f.backend->choice(); !choice.empty()) state.SetLabel(choice);
  state.SetBytesProcessed(int64_t(bytes) * int64_t(state.iterations()));
}

}  // namespace

namespace {

// How many (input position, kernel tap) pairs of one axis land inside the
// output: 0 <= i*stride - padding + k*dilation < out.
double landing_pairs(int64_t in, int64_t kernel, int64_t stride, int64_t padding, int64_t dilation, int64_t out) {
  double pairs = 0;
  for (int64_t k = 0; k < kernel; ++k)
    for (int64_t i = 0; i < in; ++i) {
      const int64_t o = i * stride - padding + k * dilation;
      pairs += o >= 0 && o < out;
    }
  return pairs;
}

}  // namespace

double flops_per_run(const Problem& p) {
  return 2.0 * double(p.n) * double(p.c_in) * double(p.c_out_per_group()) *
         landing_pairs(p.h_in, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h, p.h_out()) *
         landing_pairs(p.w_in, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w, p.w_out());
}

double nominal_flops_per_run(const Problem& p) {
  return 2.0 * double(p.n) * double(p.c_in) * double(p.h_in) * double(p.w_in) * double(p.c_out_per_group()) *
         double(p.kernel.h) * double(p.kernel.w);
}

double bytes_per_run(const Problem& p) {
  return 4.0 * (double(p.input_elements()) + double(p.weight_elements()) + double(p.output_elements()) +
                double(p.bias_elements()));
}

std::string benchmark_name(std::string_view backend, const Problem& p) {
  return std::string(backend) + "/" + format_descriptor(p);
}

BenchmarkSet::BenchmarkSet(BenchmarkPlan plan) : session_(std::make_unique<Session>()) {
  Session& session = *session_;
  session.plan = std::move(plan);
  session.counted.assign(session.plan.backends.size() * session.plan.problems.size(), false);
  // Problem by problem, each problem's backends one after the other: the
  // times compared are taken close together, which matters on a machine
  // whose speed drifts (shared hosts).
  const size_t problems = session.plan.problems.size();
  for (size_t pi = 0; pi < problems; ++pi)
    for (size_t bi = 0; bi < session.plan.backends.size(); ++bi) {
      const size_t index = bi * problems + pi;
      const std::string& name = session.plan.backends[bi];
      benchmark::internal::Benchmark* b = benchmark::RegisterBenchmark(
          benchmark_name(name, session.plan.problems[pi]).c_str(),
          [&session, index](benchmark::State& state) { run_benchmark(state, session, index); });
      b->Unit(benchmark::kMicrosecond);
      if (session.plan.plugins.count(name) || device_of(name) == "cpu")
        b->UseRealTime()             // the backend's threads work while this one waits
            ->MeasureProcessCPUTime();  // cpu_time: all threads of the process
      else
        b->UseManualTime();  // the device's own time (CUDA events)
    }
}

namespace {

// A Google Benchmark reporter that reports the names as registered, and
// GFLOP/s and peak% as the numbers they are: Google Benchmark divides a rate
// counter by the time (which makes them rates) and then writes "/s" after
// it, so "GFLOP/s=167.5/s"; the flag is cleared once the value is final.
template <class Base>
class RegisteredNames final : public Base {
 public:
  using Base::Base;
  void ReportRuns(const std::vector<benchmark::BenchmarkReporter::Run>& runs) override {
    std::vector<benchmark::BenchmarkReporter::Run> renamed(runs);
    for (benchmark::BenchmarkReporter::Run& r : renamed) {
      r.run_name.time_type.clear();
      for (const char* rate : {"GFLOP/s", "nominal_GFLOP/s", "peak%"})
        if (auto c = r.counters.find(rate); c != r.counters.end())
          c->second.flags = benchmark::Counter::Flags(c->second.flags & ~benchmark::Counter::kIsRate);
    }
    Base::ReportRuns(renamed);
  }
};

std::unique_ptr<benchmark::BenchmarkReporter> make_reporter(const std::string& format, bool color, bool tabular) {
  if (format == "json") return std::make_unique<RegisteredNames<benchmark::JSONReporter>>();
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"  // still one of its formats
  if (format == "csv") return std::make_unique<RegisteredNames<benchmark::CSVReporter>>();
#pragma GCC diagnostic pop
  int options = benchmark::ConsoleReporter::OO_None;
  if (color) options |= benchmark::ConsoleReporter::OO_Color;
  if (tabular) options |= benchmark::ConsoleReporter::OO_Tabular;
  return std::make_unique<RegisteredNames<benchmark::ConsoleReporter>>(
      benchmark::ConsoleReporter::OutputOptions(options));
}

}  // namespace

size_t BenchmarkSet::run(const ReportOptions& options) {
  const auto display = make_reporter(options.format, options.color, options.tabular);
  if (!options.write_file) return benchmark::RunSpecifiedBenchmarks(display.get());
  const auto file = make_reporter(options.out_format, false, false);
  return benchmark::RunSpecifiedBenchmarks(display.get(), file.get());
}

BenchmarkSet::~BenchmarkSet() { benchmark::ClearRegisteredBenchmarks(); }

int BenchmarkSet::failed() const { return session_->failed; }
int BenchmarkSet::unsupported() const { return session_->unsupported; }

}  // namespace convt
