#include "harness/check_case.h"

#include <chrono>
#include <cstring>
#include <optional>

#include "harness/bound.h"
#include "harness/guarded_output.h"
#include "harness/shell_quote.h"
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

// " --backend NAME" or " --plugin /absolute/path".
std::string backend_option(const NamedBackend& backend) {
  return backend.plugin_path.empty() ? " --backend " + shell_quote(backend.name)
                                     : " --plugin " + shell_path(backend.plugin_path);
}

// f(), with the observer told around it.
template <class F>
auto call_backend(const BackendCallObserver& observer, F&& f) {
  if (observer) observer(true);
  auto result = f();
  if (observer) observer(false);
  return result;
}

// Exact data: bitwise; otherwise within the bound.
Comparison compare(const Problem& p, bool exact, const std::vector<double>& expected, std::span<const float> y,
                   const ErrorBounds& bounds) {
  return exact ? compare_exact(p, expected, y) : compare_bounded(p, expected, y, bounds.bound);
}

std::string mismatch_reason(const Comparison& c, size_t elements, bool exact) {
  return std::to_string(c.mismatches) + " of " + std::to_string(elements) + " elements " +
         (exact ? "differ from the oracle" : "violate the error bound") +
         (c.not_written ? " (" + std::to_string(c.not_written) + " not written)" : "");
}

// Mistrusted: fewer than 1% of the output elements depend on x and w.
void mistrust_if_uninformative(const Problem& p, const ErrorBounds& bounds, CaseResult& result) {
  const int64_t elements = p.output_elements();
  if (elements > 0 && bounds.informative * 100 < elements) {
    result.verdict = Verdict::mistrusted;
    result.reason = "only " + std::to_string(bounds.informative) + " of " + std::to_string(elements) +
                    " output elements depend on x and w";
  }
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

CaseResult run_case(Backend& backend, const CaseSpec& spec, const BackendCallObserver& observer) {
  const Problem& p = spec.problem;
  if (auto why = call_backend(observer, [&] { return backend.unsupported(p); })) {
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
  if (auto e = call_backend(observer, [&] { return backend.prepare(p, t.w.data(), bias); }))
    return failed("prepare failed: " + e->message);
  result.prepare_seconds = seconds_since(start);

  std::optional<GuardedOutput> first;
  for (int run = 0; run < std::max(spec.repeat, 1); ++run) {
    GuardedOutput y(p.output_elements());
    start = std::chrono::steady_clock::now();
    if (auto e = call_backend(observer, [&] { return backend.run(t.x.data(), y.data()); }))
      return failed("run " + std::to_string(run + 1) + ": " + e->message);
    if (run == 0) result.run_seconds = seconds_since(start);
    if (auto damage = y.damage()) return failed("run " + std::to_string(run + 1) + " " + *damage);
    if (auto changed = modified_input(pristine, t))
      return failed("run " + std::to_string(run + 1) + " modified its input " + *changed + ", which is const");

    const bool exact = spec.data == DataMode::exact;
    Comparison c = compare(p, exact, expected, y.values(), bounds);
    if (c.mismatches)
      return failed(mismatch_reason(c, expected.size(), exact) +
                        (run ? " in run " + std::to_string(run + 1) + " (run 1 matched)" : ""),
                    std::move(c));
    if (run == 0) {
      result.comparison = std::move(c);
      first.emplace(std::move(y));
      continue;
    }
    RunDifferences differ = compare_runs(p, first->values(), y.values());
    if (differ.count && !result.nondeterministic) {
      result.nondeterministic = true;
      result.differing_run = run + 1;
      result.reason = "nondeterministic: run " + std::to_string(run + 1) + " differs from run 1 in " +
                      std::to_string(differ.count) + " elements";
      result.differences = std::move(differ);
    }
  }
  if (result.nondeterministic && backend.deterministic()) {
    result.verdict = Verdict::failed;
    result.reason += " (the backend claims determinism)";
    return result;
  }
  mistrust_if_uninformative(p, bounds, result);
  return result;
}

CaseResult judge_output(const Problem& p, const Tensors& t, std::span<const float> y, bool exact,
                        const MathMode& math) {
  const float* bias = p.bias ? t.bias.data() : nullptr;
  const std::vector<double> expected = conv_transpose2d_oracle(p, t.x.data(), t.w.data(), bias);
  const ErrorBounds bounds = error_bounds(p, t.x.data(), t.w.data(), bias, math);
  Comparison c = compare(p, exact, expected, y, bounds);
  if (c.mismatches) return failed(mismatch_reason(c, expected.size(), exact), std::move(c));
  CaseResult result;
  result.comparison = std::move(c);
  mistrust_if_uninformative(p, bounds, result);
  return result;
}

std::string repro_command(const NamedBackend& backend, const CaseSpec& spec) {
  return "convt check --problem " + shell_quote(format_descriptor(spec.problem)) + backend_option(backend) +
         " --data " + data_mode_name(spec.data) + " --seed " + std::to_string(spec.seed) + " --repeat " +
         std::to_string(spec.repeat);
}

std::string replay_command(const std::string& suite_path, const NamedBackend& backend, int repeat) {
  return "convt check --config " + shell_path(suite_path) + backend_option(backend) + " --repeat " +
         std::to_string(repeat);
}

}  // namespace convt
