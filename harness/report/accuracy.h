// Accuracy: how far a backend's float32 output lies from the oracle, measured
// rather than only judged (convt report accuracy, the report's "accuracy"
// section: harness/report/report.h).
//
// For one problem, data mode and seed the baseline holds what every backend
// is measured against: the oracle in double, S = sum |x|*|w| + |bias| per
// output element (the oracle on absolute values, as harness/bound.h), the
// strict float32 bound and the TF32 bound (input roundoff 2^-10, the looser
// of TF32's two), and K, the accumulation length of the longest sum. Each
// backend is then run once (prepare, run) and measured over the elements
// where the oracle is finite:
//
//   max_abs_error  max |y - y_oracle|
//   max_rel_error  max |y - y_oracle| / max(|y_oracle|, S): guarded by S, so
//                  an output that cancels to nearly zero does not make it
//                  meaningless
//   rms_error      sqrt(mean (y - y_oracle)^2)
//   strict_ratio   max |y - y_oracle| / float32 bound   (> 1: not float32)
//   tf32_ratio     max |y - y_oracle| / TF32 bound      (> 1: worse than TF32)
//
// A non-finite y where the oracle is finite is an infinite error. The
// backend's math() (asked after prepare, where cuDNN decides) says which
// bound it must satisfy: "float32" (input_roundoff 0) the strict one,
// "tf32-rna" (2^-11) and "tf32-trunc" (2^-10) the TF32 one; any other
// contract is judged by its own bound. Verdicts: passed (within the bound it
// declares), failed (outside it, or an error from the backend), skipped
// (the backend does not support the problem, with its reason).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/backend.h"
#include "harness/check_case.h"
#include "harness/data.h"
#include "reference/problem.h"

namespace convt::report {

struct AccuracyBaseline {
  Problem problem;
  DataMode data = DataMode::normal;
  uint64_t seed = 1;
  Tensors tensors;
  std::vector<double> exact;         // the oracle, per output element
  std::vector<double> magnitude;     // S, per output element
  std::vector<double> strict_bound;  // error_bounds with MathMode{}
  std::vector<double> tf32_bound;    // error_bounds with input roundoff 2^-10
  int64_t k = 0;                     // accumulation_length (harness/bound.h)
};

AccuracyBaseline accuracy_baseline(const Problem& p, DataMode data, uint64_t seed);

struct AccuracyMeasurement {
  std::string declared = "float32";   // "float32", "tf32-rna" or "tf32-trunc"
  Verdict verdict = Verdict::passed;  // passed, failed or skipped
  std::string reason;                 // why it failed or was skipped
  bool measured = false;              // the errors below are meaningful (it ran)
  double max_abs_error = 0;
  double max_rel_error = 0;
  double rms_error = 0;
  double strict_ratio = 0;
  double tf32_ratio = 0;
  double max_abs_exact = 0;  // max |y_oracle| over the elements measured
  int64_t elements = 0;      // elements measured (the oracle finite there)
};

// "float32", "tf32-rna" or "tf32-trunc", from math.input_roundoff.
const char* declared_math(const MathMode& math);

// Runs the backend once on the baseline's data and measures it.
AccuracyMeasurement measure_accuracy(Backend& backend, const AccuracyBaseline& base);

// The report's record of one measurement: order [problem_index,
// backend_index], problem (canonical descriptor), backend, device, data,
// seed, K, max_abs_error, max_rel_error, rms_error, strict_ratio,
// tf32_ratio, declared, verdict, reason. Errors of a case that did not run
// are null; non-finite numbers are the strings "nan", "inf".
nlohmann::json accuracy_record(const AccuracyBaseline& base, const AccuracyMeasurement& m, const std::string& backend,
                               const std::string& device, int64_t problem_index, int64_t backend_index);

// The report's "accuracy" section: {"data", "seed", "records"}.
nlohmann::json accuracy_section(DataMode data, uint64_t seed, nlohmann::json records);

}  // namespace convt::report
