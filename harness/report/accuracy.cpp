// The accuracy measurement (harness/report/accuracy.h): the baseline of a
// problem's data, one run of a backend, its errors and the bound it declares.
#include "harness/report/accuracy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "harness/bound.h"
#include "reference/descriptor.h"
#include "reference/oracle.h"

namespace convt::report {
namespace {

using nlohmann::json;

constexpr double kInf = std::numeric_limits<double>::infinity();

// JSON has no NaN or Inf: write them as strings.
json number(double v) {
  if (std::isfinite(v)) return v;
  return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

std::vector<float> absolute(const std::vector<float>& v) {
  std::vector<float> a(v.size());
  for (size_t i = 0; i < v.size(); ++i) a[i] = std::fabs(v[i]);
  return a;
}

// err / bound, with 0/0 = 0 (an element with no term and no error) and a
// nonzero error over a zero bound infinite.
double ratio(double err, double bound) {
  if (err == 0) return 0;
  return bound > 0 ? err / bound : kInf;
}

bool is_strict(const MathMode& m) { return m.unit_roundoff == MathMode{}.unit_roundoff; }

std::string times_bound(double r, const char* bound) {
  std::ostringstream out;
  out.precision(3);
  out << "largest error is " << r << " times the " << bound << " bound";
  return out.str();
}

}  // namespace

AccuracyBaseline accuracy_baseline(const Problem& p, DataMode data, uint64_t seed) {
  AccuracyBaseline b;
  b.problem = p;
  b.data = data;
  b.seed = seed;
  b.tensors = make_tensors(p, data, seed);
  const Tensors& t = b.tensors;
  const float* bias = p.bias ? t.bias.data() : nullptr;
  b.exact = conv_transpose2d_oracle(p, t.x.data(), t.w.data(), bias);
  const std::vector<float> ax = absolute(t.x), aw = absolute(t.w), ab = absolute(t.bias);
  b.magnitude = conv_transpose2d_oracle(p, ax.data(), aw.data(), p.bias ? ab.data() : nullptr);
  b.strict_bound = error_bounds(p, t.x.data(), t.w.data(), bias, MathMode{}).bound;
  b.tf32_bound = error_bounds(p, t.x.data(), t.w.data(), bias, MathMode{.input_roundoff = kTf32Truncation}).bound;
  b.k = accumulation_length(p);
  return b;
}

const char* declared_math(const MathMode& math) {
  if (math.input_roundoff == 0) return "float32";
  if (math.input_roundoff <= kTf32RoundToNearest) return "tf32-rna";
  return "tf32-trunc";
}

AccuracyMeasurement measure_accuracy(Backend& backend, const AccuracyBaseline& base) {
  AccuracyMeasurement m;
  const Problem& p = base.problem;
  m.declared = declared_math(backend.math());
  if (auto why = backend.unsupported(p)) {
    m.verdict = Verdict::skipped;
    m.reason = *why;
    return m;
  }
  const Tensors& t = base.tensors;
  const float* bias = p.bias ? t.bias.data() : nullptr;
  if (auto e = backend.prepare(p, t.w.data(), bias)) {
    m.verdict = Verdict::failed;
    m.reason = "prepare failed: " + e->message;
    return m;
  }
  // Prefilled with NaN: an element left unwritten is an infinite error.
  std::vector<float> y(base.exact.size(), std::numeric_limits<float>::quiet_NaN());
  if (auto e = backend.run(t.x.data(), y.data())) {
    m.verdict = Verdict::failed;
    m.reason = "run failed: " + e->message;
    return m;
  }
  const MathMode math = backend.math();  // after prepare: cuDNN's depends on its plan
  m.declared = declared_math(math);
  m.measured = true;

  double sum_squares = 0;
  for (size_t i = 0; i < base.exact.size(); ++i) {
    const double exact = base.exact[i];
    if (!std::isfinite(exact)) continue;
    const double err = std::isfinite(y[i]) ? std::fabs(double(y[i]) - exact) : kInf;
    const double denominator = std::max(std::fabs(exact), base.magnitude[i]);
    ++m.elements;
    m.max_abs_exact = std::max(m.max_abs_exact, std::fabs(exact));
    m.max_abs_error = std::max(m.max_abs_error, err);
    m.max_rel_error = std::max(m.max_rel_error, ratio(err, denominator));
    m.strict_ratio = std::max(m.strict_ratio, ratio(err, base.strict_bound[i]));
    m.tf32_ratio = std::max(m.tf32_ratio, ratio(err, base.tf32_bound[i]));
    sum_squares += err * err;
  }
  m.rms_error = m.elements ? std::sqrt(sum_squares / double(m.elements)) : 0;

  // The bound it declares: float32's, TF32's (which covers both roundings),
  // or, for any other contract, its own.
  double judged = 0;
  const char* bound_name = "float32";
  if (is_strict(math) && math.input_roundoff == 0) {
    judged = m.strict_ratio;
  } else if (is_strict(math) && math.input_roundoff <= kTf32Truncation) {
    judged = m.tf32_ratio;
    bound_name = "TF32";
  } else {
    const std::vector<double> own = error_bounds(p, t.x.data(), t.w.data(), bias, math).bound;
    for (size_t i = 0; i < base.exact.size(); ++i)
      if (std::isfinite(base.exact[i]))
        judged = std::max(judged, ratio(std::isfinite(y[i]) ? std::fabs(double(y[i]) - base.exact[i]) : kInf,
                                        own[i]));
    bound_name = "declared";
  }
  if (!(judged <= 1)) {
    m.verdict = Verdict::failed;
    m.reason = times_bound(judged, bound_name);
  }
  return m;
}

json accuracy_record(const AccuracyBaseline& base, const AccuracyMeasurement& m, const std::string& backend,
                     const std::string& device, int64_t problem_index, int64_t backend_index) {
  const auto metric = [&](double v) { return m.measured ? number(v) : json(nullptr); };
  return {{"order", {problem_index, backend_index}},
          {"problem", format_descriptor(base.problem)},
          {"backend", backend},
          {"device", device},
          {"data", data_mode_name(base.data)},
          {"seed", base.seed},
          {"K", base.k},
          {"max_abs_error", metric(m.max_abs_error)},
          {"max_rel_error", metric(m.max_rel_error)},
          {"rms_error", metric(m.rms_error)},
          {"strict_ratio", metric(m.strict_ratio)},
          {"tf32_ratio", metric(m.tf32_ratio)},
          {"declared", m.declared},
          {"verdict", verdict_name(m.verdict)},
          {"reason", m.reason}};
}

json accuracy_section(DataMode data, uint64_t seed, json records) {
  return {{"data", data_mode_name(data)}, {"seed", seed}, {"records", std::move(records)}};
}

}  // namespace convt::report
