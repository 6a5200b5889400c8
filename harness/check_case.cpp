#include "harness/check_case.h"

#include <chrono>
#include <cstring>
#include <optional>

#include "harness/bound.h"
#include "harness/guarded_output.h"
#include "reference/descriptor.h"
#include "reference/oracle.h"

namespace convt {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

CaseResult failed(std::string reason, Comparison comparison = {}) {
  CaseResult r;
  r.verdict = Verdict::failed;
  r.reason = std::move(reason);
  r.comparison = std::move(comparison);
  return r;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

// Which of x, w and bias differ from their pristine copies, if any.
std::optional<std::string> modified_input(const Tensors& pristine, const Tensors& now) {
  if (!same_bits(pristine.x, now.x)) return "x";
  if (!same_bits(pristine.w, now.w)) return "w";
  if (!same_bits(pristine.bias, now.bias)) return "bias";
  return std::nullopt;
}

}  // namespace

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::passed: return "passed";
    case Verdict::failed: return "failed";
    case Verdict::mistrusted: return "mistrusted";
    case Verdict::skipped: return "skipped";
  }
  return "?";
}

CaseResult run_case(Backend& backend, const CaseSpec& spec) {
  const Problem& p = spec.problem;
  if (auto why = backend.unsupported(p)) {
    CaseResult r;
    r.verdict = Verdict::skipped;
    r.reason = *why;
    return r;
  }
  Tensors t = make_tensors(p, spec.data, spec.seed);
  const Tensors pristine = t;  // the inputs are const: a backend that writes them fails
  const float* bias = p.bias ? t.bias.data() : nullptr;
  const std::vector<double> expected = conv_transpose2d_oracle(p, t.x.data(), t.w.data(), bias);
  const ErrorBounds bounds = error_bounds(p, t.x.data(), t.w.data(), bias, backend.math());

  CaseResult result;
  auto start = std::chrono::steady_clock::now();
  if (auto e = backend.prepare(p, t.w.data(), bias)) return failed("prepare failed: " + e->message);
  result.prepare_seconds = seconds_since(start);

  std::optional<GuardedOutput> first;
  for (int run = 0; run < std::max(spec.repeat, 1); ++run) {
    GuardedOutput y(p.output_elements());
    start = std::chrono::steady_clock::now();
    if (auto e = backend.run(t.x.data(), y.data())) return failed("run " + std::to_string(run + 1) + ": " + e->message);
    if (run == 0) result.run_seconds = seconds_since(start);
    if (auto damage = y.damage()) return failed("run " + std::to_string(run + 1) + " " + *damage);
    if (auto changed = modified_input(pristine, t))
      return failed("run " + std::to_string(run + 1) + " modified its input " + *changed + ", which is const");

    Comparison c = spec.data == DataMode::exact ? compare_exact(p, expected, y.values())
                                                 : compare_bounded(p, expected, y.values(), bounds.bound);
    if (c.mismatches)
      return failed(std::to_string(c.mismatches) + " of " + std::to_string(expected.size()) + " elements " +
                        (spec.data == DataMode::exact ? "differ from the oracle" : "violate the error bound") +
                        (run ? " in run " + std::to_string(run + 1) + " (run 1 matched)" : ""),
                    std::move(c));
    if (run == 0) {
      result.comparison = std::move(c);
      first.emplace(std::move(y));
      continue;
    }
    const int64_t differ = count_differences(first->values(), y.values());
    if (differ && !result.nondeterministic) {
      result.nondeterministic = true;
      result.reason = "nondeterministic: run " + std::to_string(run + 1) + " differs from run 1 in " +
                      std::to_string(differ) + " elements";
    }
  }
  if (result.nondeterministic && backend.deterministic()) {
    result.verdict = Verdict::failed;
    result.reason += " (the backend claims determinism)";
    return result;
  }
  const int64_t elements = p.output_elements();
  if (elements > 0 && bounds.informative * 100 < elements) {
    result.verdict = Verdict::mistrusted;
    result.reason = "only " + std::to_string(bounds.informative) + " of " + std::to_string(elements) +
                    " output elements depend on x and w";
  }
  return result;
}

std::string repro_command(const NamedBackend& backend, const CaseSpec& spec) {
  std::string command = "convt check --problem " + format_descriptor(spec.problem);
  command += backend.plugin_path.empty() ? " --backend " + backend.name : " --plugin " + backend.plugin_path;
  command += std::string(" --data ") + data_mode_name(spec.data) + " --seed " + std::to_string(spec.seed) +
             " --repeat " + std::to_string(spec.repeat);
  return command;
}

}  // namespace convt
