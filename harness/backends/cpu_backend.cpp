// convt's own CPU kernel as a backend (optimized/cpu).
#include <cstdlib>
#include <optional>

#include "harness/backends/adapters.h"
#include "optimized/cpu/conv_transpose_cpu.h"

namespace convt {
namespace {

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(const BackendOptions& options) : threads_(options.threads) {}

  // Bitwise identical outputs for any thread count and from run to run.
  bool deterministic() const override { return true; }
  bool same_bits_for_any_thread_count() const override { return true; }

  std::optional<Error> prepare(const Problem& p, const float* w, const float* bias) override {
    plan_.reset();
    cpu::PlanOptions options;
    options.threads = threads_;
    Result<cpu::Plan> plan = cpu::make_plan(p, w, bias, options);
    if (!plan) return plan.error();
    plan_.emplace(std::move(plan).value());
    return std::nullopt;
  }

  std::optional<Error> run(const float* x, float* y) override {
    if (!plan_) return Error{"run before a successful prepare"};
    cpu::run(*plan_, x, y);
    return std::nullopt;
  }

 private:
  int threads_;
  std::optional<cpu::Plan> plan_;
};

}  // namespace

// The description names the ISA every plan uses (cpu::default_isa()), so
// that reports record it; an invalid CONVT_CPU_ISA makes the backend
// unavailable, with the reason.
BackendEntry cpu_backend() {
  BackendEntry e{"cpu", "cpu",
                 "convt's own kernel: stride-phase decomposition, register-blocked AVX-512/AVX2",
                 "", [](const BackendOptions& options) { return std::make_unique<CpuBackend>(options); }};
  const Result<cpu::Isa> isa = cpu::default_isa();
  const char* forced = std::getenv("CONVT_CPU_ISA");
  if (!isa) {
    e.unavailable = isa.error().message;
    e.misconfigured = true;
  } else if (forced && *forced) {
    e.description += "; ISA " + std::string(cpu::isa_name(*isa)) + " (CONVT_CPU_ISA)";
  } else {
    e.description += "; ISA " + std::string(cpu::isa_name(*isa)) +
                     " (this CPU's best; CONVT_CPU_ISA=avx512|avx2|scalar forces one)";
  }
  return e;
}

}  // namespace convt
