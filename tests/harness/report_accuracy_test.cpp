// Tests of the accuracy measurement (harness/report/accuracy.h), the TF32
// reference backends (harness/backends/reference_tf32_backend.cpp) and
// convt report accuracy.
//
//   - reference-tf32 on normal data shows TF32-sized errors (relative errors
//     from 1e-5 to 1e-2), breaks float32's bound on short sums and stays
//     within the TF32 bound everywhere; the strict backends stay within
//     float32's bound, the oracle rounded once within half an ulp.
//   - truncating (reference-tf32-trunc) errs more than rounding to nearest
//     and still stays within the TF32 bound.
//   - mixed data (sums that cancel) make TF32's error larger relative to
//     the output than normal data do; scaled and mixed data stay within the
//     bounds.
//   - a backend that rounds to TF32 but declares float32 fails.
//   - the TF32 conversion itself: exact values, ties, Inf and NaN.
//   - the command line: the table, the report's fields, shards, bad --data,
//     an interrupted run's partial report.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "harness/backend.h"
#include "harness/bound.h"
#include "harness/report/accuracy.h"
#include "tests/problem_text.h"

namespace convt::testing {
namespace {

using report::AccuracyBaseline;
using report::AccuracyMeasurement;

// A dozen problems whose longest sums run from K = 2 to K = 2049.
const char* const kProblems[] = {
    "ic1ih8oc1kh1",                                      // K = 2
    "ic6ih5oc6kh3g3nobias",                              // K = 18
    "ic3ih9oc5kh3sh2ph1oph1",                            // stride 2: K = 13
    "mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4",  // everything at once: K = 9
    "ic16ih6oc8kh3",                                     // K = 145
    "ic4ih7oc4kh7dh2",                                   // dilated: K = 65
    "mb2ic32ih5oc16kh2sh2",                              // K = 33
    "ic64ih4oc8kh5ph2",                                  // K = 1025
    "ic128ih3oc4kh3",                                    // K = 1153
    "ic256ih2oc4kh4sh2",                                 // K = 1025
    "ic20ih6iw4oc6kh3kw5ph1pw2",                         // rectangular: K = 241
    "ic512ih2oc2kh3",                                    // K = 2049
};

NamedBackend backend(const std::string& name) {
  Result<NamedBackend> b = make_backend(name);
  EXPECT_TRUE(b.ok()) << name << ": " << (b.ok() ? "" : b.error().message);
  return b.ok() ? std::move(b).value() : NamedBackend{};
}

AccuracyMeasurement measure(const std::string& name, const AccuracyBaseline& base) {
  NamedBackend b = backend(name);
  if (!b.backend) return {};
  return report::measure_accuracy(*b.backend, base);
}

// The same measurement for every problem of kProblems.
std::vector<AccuracyMeasurement> measure_all(const std::string& name, DataMode data, uint64_t seed = 1) {
  std::vector<AccuracyMeasurement> all;
  for (const char* d : kProblems) all.push_back(measure(name, report::accuracy_baseline(problem(d), data, seed)));
  return all;
}

TEST(Tf32Backends, AreRegisteredAndDeclareTheirRounding) {
  const NamedBackend rna = backend("reference-tf32"), trunc = backend("reference-tf32-trunc");
  ASSERT_TRUE(rna.backend && trunc.backend);
  EXPECT_EQ(rna.device, "cpu");
  EXPECT_EQ(trunc.device, "cpu");
  EXPECT_EQ(rna.backend->math().input_roundoff, kTf32RoundToNearest);
  EXPECT_EQ(trunc.backend->math().input_roundoff, kTf32Truncation);
  EXPECT_EQ(rna.backend->math().unit_roundoff, 0x1p-24);
  EXPECT_TRUE(rna.backend->deterministic());
  EXPECT_STREQ(report::declared_math(rna.backend->math()), "tf32-rna");
  EXPECT_STREQ(report::declared_math(trunc.backend->math()), "tf32-trunc");
  EXPECT_STREQ(report::declared_math(MathMode{}), "float32");
  // Right after the oracle in the registry.
  ASSERT_GE(backend_registry().size(), 3u);
  EXPECT_EQ(backend_registry()[1].name, "reference-tf32");
  EXPECT_EQ(backend_registry()[2].name, "reference-tf32-trunc");
}

// 1x1 problems make y = x * w: the backends' products of single values show
// the conversion itself.
float product_of(const std::string& name, float x, float w) {
  const Problem p = problem("ic1ih1oc1kh1nobias");
  NamedBackend b = backend(name);
  float y = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(run_once(*b.backend, p, &x, &w, nullptr, &y).has_value());
  return y;
}

TEST(Tf32Backends, RoundToTenMantissaBits) {
  const float one_plus_half = 1 + 0x1p-11f;  // halfway between 1 and 1 + 2^-10: a tie
  EXPECT_EQ(product_of("reference-tf32", one_plus_half, 1), 1 + 0x1p-10f);     // ties away from zero
  EXPECT_EQ(product_of("reference-tf32", -one_plus_half, 1), -(1 + 0x1p-10f));
  EXPECT_EQ(product_of("reference-tf32-trunc", one_plus_half, 1), 1.0f);
  EXPECT_EQ(product_of("reference-tf32", 1 + 0x1p-12f, 1), 1.0f);              // below the tie: down
  EXPECT_EQ(product_of("reference-tf32", 1 + 0x1p-11f + 0x1p-20f, 1), 1 + 0x1p-10f);
  EXPECT_EQ(product_of("reference-tf32-trunc", 1 + 0x1p-10f - 0x1p-23f, 1), 1.0f);
  // w is rounded too; values with 10 mantissa bits pass unchanged.
  EXPECT_EQ(product_of("reference-tf32", 1, -one_plus_half), -(1 + 0x1p-10f));
  EXPECT_EQ(product_of("reference-tf32-trunc", 1.5f + 0x1p-10f, 3), 3 * (1.5f + 0x1p-10f));
  // Inf and NaN stay what they are, whatever their low bits; the largest
  // float rounds up to Inf.
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(product_of("reference-tf32", inf, 2), inf);
  EXPECT_EQ(product_of("reference-tf32-trunc", -inf, 2), -inf);
  uint32_t low_payload = 0x7f800001u;  // a NaN whose payload lies in the low 13 bits
  float nan;
  std::memcpy(&nan, &low_payload, sizeof nan);
  EXPECT_TRUE(std::isnan(product_of("reference-tf32-trunc", nan, 1)));
  EXPECT_TRUE(std::isnan(product_of("reference-tf32", nan, 1)));
  EXPECT_EQ(product_of("reference-tf32", std::numeric_limits<float>::max(), 1), inf);
  // Subnormals pass unrounded (a flush to zero is no relative rounding), so
  // that Inf times one stays Inf, as in the oracle.
  const float tiny = std::numeric_limits<float>::denorm_min();
  EXPECT_EQ(product_of("reference-tf32", tiny, 1), tiny);
  EXPECT_EQ(product_of("reference-tf32-trunc", 0x1p-126f - tiny, 1), 0x1p-126f - tiny);
  EXPECT_EQ(product_of("reference-tf32", inf, tiny), inf);
  EXPECT_EQ(product_of("reference-tf32-trunc", -tiny, inf), -inf);
  EXPECT_EQ(product_of("reference-tf32-trunc", std::numeric_limits<float>::max(), 1),
            std::ldexp(2 - 0x1p-10f, 127));
}

TEST(Tf32Backends, AreDeterministicAndAddTheBiasUnrounded) {
  const Problem p = problem("ic1ih1oc1kh1");
  const float x = 1, w = 1, bias = 1 + 0x1p-20f;  // a bias TF32 would round away
  NamedBackend b = backend("reference-tf32");
  float y = 0;
  ASSERT_FALSE(run_once(*b.backend, p, &x, &w, &bias, &y).has_value());
  EXPECT_EQ(y, 2 + 0x1p-20f);
  const AccuracyBaseline base = report::accuracy_baseline(problem("mb2ic16ih6oc8kh3sh2"), DataMode::normal, 4);
  std::vector<float> first(base.exact.size()), second(base.exact.size());
  for (std::vector<float>* out : {&first, &second}) {
    const Tensors& t = base.tensors;
    ASSERT_FALSE(
        run_once(*b.backend, base.problem, t.x.data(), t.w.data(), t.bias.data(), out->data()).has_value());
  }
  EXPECT_EQ(std::memcmp(first.data(), second.data(), first.size() * sizeof(float)), 0);
}

// ---------------------------------------------------------------------------
// The measurement

TEST(Accuracy, KIsTheLongestSum) {
  EXPECT_EQ(accumulation_length(problem("ic8ih5oc4kh3")), 8 * 9 + 1);
  EXPECT_EQ(accumulation_length(problem("ic8ih5oc4kh3nobias")), 8 * 9);
  EXPECT_EQ(accumulation_length(problem("ic8ih5oc4kh4sh2")), 8 * 2 * 2 + 1);  // 2 taps land per axis
  EXPECT_EQ(accumulation_length(problem("ic8ih5oc4kh3g4")), 2 * 9 + 1);
  EXPECT_EQ(accumulation_length(problem("ic8ih1oc4kh3nobias")), 8);  // one input pixel: one tap per output
  EXPECT_EQ(accumulation_length(problem("mb0ic8ih5oc4kh3")), 0);
  EXPECT_EQ(report::accuracy_baseline(problem("ic8ih5oc4kh3"), DataMode::normal, 1).k, 73);
}

TEST(Accuracy, Tf32ShowsTf32SizedErrorsWithinTheTf32Bound) {
  const std::vector<AccuracyMeasurement> all = measure_all("reference-tf32", DataMode::normal);
  int beyond_float32 = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    SCOPED_TRACE(kProblems[i]);
    const AccuracyMeasurement& m = all[i];
    ASSERT_TRUE(m.measured) << m.reason;
    EXPECT_EQ(m.declared, "tf32-rna");
    EXPECT_EQ(m.verdict, Verdict::passed) << m.reason;
    EXPECT_GT(m.max_rel_error, 1e-5);
    EXPECT_LT(m.max_rel_error, 1e-2);
    EXPECT_LE(m.tf32_ratio, 1.0);
    EXPECT_GT(m.tf32_ratio, 0.0);
    EXPECT_GT(m.max_abs_error, 0.0);
    EXPECT_LE(m.rms_error, m.max_abs_error);
    EXPECT_GT(m.rms_error, 0.0);
    beyond_float32 += m.strict_ratio > 1;
  }
  // Short sums make TF32's input rounding far larger than float32's bound.
  EXPECT_GE(beyond_float32, 6);
  EXPECT_GT(all[0].strict_ratio, 10.0);
}

TEST(Accuracy, StrictBackendsStayWithinTheFloat32Bound) {
  std::vector<std::string> strict = {"reference"};
  if (make_backend("cpu").ok()) strict.push_back("cpu");
  for (const std::string& name : strict)
    for (DataMode data : {DataMode::normal, DataMode::scaled, DataMode::mixed}) {
      const std::vector<AccuracyMeasurement> all = measure_all(name, data, 2);
      for (size_t i = 0; i < all.size(); ++i) {
        SCOPED_TRACE(name + " " + data_mode_name(data) + " " + kProblems[i]);
        ASSERT_TRUE(all[i].measured) << all[i].reason;
        EXPECT_EQ(all[i].declared, "float32");
        EXPECT_EQ(all[i].verdict, Verdict::passed) << all[i].reason;
        EXPECT_LE(all[i].strict_ratio, 1.0);
        EXPECT_LE(all[i].tf32_ratio, all[i].strict_ratio);
        // The oracle rounded once: within half an ulp of float32.
        if (name == "reference") {
          EXPECT_LE(all[i].max_rel_error, 0x1p-24);
        }
      }
    }
}

TEST(Accuracy, TruncationErrsMoreThanRoundingAndStaysWithinTheTf32Bound) {
  const std::vector<AccuracyMeasurement> rna = measure_all("reference-tf32", DataMode::normal, 3);
  const std::vector<AccuracyMeasurement> trunc = measure_all("reference-tf32-trunc", DataMode::normal, 3);
  double ratio_sum = 0;
  int larger = 0;
  for (size_t i = 0; i < rna.size(); ++i) {
    SCOPED_TRACE(kProblems[i]);
    ASSERT_TRUE(trunc[i].measured && rna[i].measured);
    EXPECT_EQ(trunc[i].declared, "tf32-trunc");
    EXPECT_EQ(trunc[i].verdict, Verdict::passed) << trunc[i].reason;
    EXPECT_LE(trunc[i].tf32_ratio, 1.0);
    ratio_sum += trunc[i].rms_error / rna[i].rms_error;
    larger += trunc[i].rms_error > rna[i].rms_error;
  }
  // Truncation's bias toward zero adds to rounding's spread: about 2.5 times
  // the RMS error.
  EXPECT_GT(ratio_sum / double(rna.size()), 1.5);
  EXPECT_GE(larger, int(rna.size()) - 2);
}

TEST(Accuracy, CancellingSumsMakeTf32ErrorsLargerRelativeToTheOutput) {
  // Even C_in per group: mixed data's products cancel in pairs of channels.
  for (const char* d : {"ic16ih6oc8kh3", "mb2ic32ih5oc16kh2sh2", "ic64ih4oc8kh5ph2", "ic8ih5oc4kh3g2"}) {
    SCOPED_TRACE(d);
    const AccuracyMeasurement normal =
        measure("reference-tf32", report::accuracy_baseline(problem(d), DataMode::normal, 5));
    const AccuracyMeasurement mixed =
        measure("reference-tf32", report::accuracy_baseline(problem(d), DataMode::mixed, 5));
    ASSERT_TRUE(normal.measured && mixed.measured);
    EXPECT_LE(mixed.tf32_ratio, 1.0);
    const double normal_relative = normal.max_abs_error / normal.max_abs_exact;
    const double mixed_relative = mixed.max_abs_error / mixed.max_abs_exact;
    EXPECT_GT(mixed_relative, 4 * normal_relative) << normal_relative << " vs " << mixed_relative;
  }
}

TEST(Accuracy, ScaledDataStayWithinTheTf32Bound) {
  for (const char* name : {"reference-tf32", "reference-tf32-trunc"}) {
    const std::vector<AccuracyMeasurement> all = measure_all(name, DataMode::scaled, 6);
    for (size_t i = 0; i < all.size(); ++i) {
      SCOPED_TRACE(std::string(name) + " " + kProblems[i]);
      EXPECT_EQ(all[i].verdict, Verdict::passed) << all[i].reason;
      EXPECT_LE(all[i].tf32_ratio, 1.0);
      EXPECT_GT(all[i].max_abs_error, 0.0);
    }
  }
}

// Rounds its inputs to TF32 (reference-tf32) and declares float32.
class UndeclaredTf32 final : public Backend {
 public:
  UndeclaredTf32() : inner_(backend("reference-tf32")) {}
  std::optional<Error> prepare(const Problem& p, const float* w, const float* b) override {
    return inner_.backend->prepare(p, w, b);
  }
  std::optional<Error> run(const float* x, float* y) override { return inner_.backend->run(x, y); }

 private:
  NamedBackend inner_;
};

// Declares float32 and writes nothing.
class WritesNothing final : public Backend {
 public:
  std::optional<Error> prepare(const Problem&, const float*, const float*) override { return std::nullopt; }
  std::optional<Error> run(const float*, float*) override { return std::nullopt; }
};

class Unsupported final : public Backend {
 public:
  std::optional<std::string> unsupported(const Problem&) const override { return "no 1x1 kernels"; }
  std::optional<Error> prepare(const Problem&, const float*, const float*) override { return Error{"no"}; }
  std::optional<Error> run(const float*, float*) override { return Error{"no"}; }
};

TEST(Accuracy, VerdictsFollowTheDeclaredBound) {
  const AccuracyBaseline base = report::accuracy_baseline(problem("ic3ih9oc5kh3sh2ph1oph1"), DataMode::normal, 7);
  UndeclaredTf32 undeclared;
  const AccuracyMeasurement m = report::measure_accuracy(undeclared, base);
  EXPECT_EQ(m.declared, "float32");
  EXPECT_EQ(m.verdict, Verdict::failed);
  EXPECT_GT(m.strict_ratio, 1.0);
  EXPECT_LE(m.tf32_ratio, 1.0);
  EXPECT_CONTAINS(m.reason, "times the float32 bound");

  WritesNothing lazy;
  const AccuracyMeasurement n = report::measure_accuracy(lazy, base);
  EXPECT_EQ(n.verdict, Verdict::failed);
  EXPECT_TRUE(std::isinf(n.max_abs_error));
  EXPECT_TRUE(std::isinf(n.strict_ratio));
  const nlohmann::json record = report::accuracy_record(base, n, "lazy", "cpu", 3, 1);
  EXPECT_EQ(record["max_abs_error"], "inf");
  EXPECT_EQ(record["order"], nlohmann::json::array({3, 1}));

  Unsupported unsupported;
  const AccuracyMeasurement s = report::measure_accuracy(unsupported, base);
  EXPECT_EQ(s.verdict, Verdict::skipped);
  EXPECT_EQ(s.reason, "no 1x1 kernels");
  const nlohmann::json skipped = report::accuracy_record(base, s, "none", "cpu", 0, 0);
  EXPECT_TRUE(skipped["max_rel_error"].is_null());
  EXPECT_EQ(skipped["verdict"], "skipped");
}

TEST(Accuracy, NonFiniteOracleElementsAreLeftOut) {
  // Special data put NaN and Inf in the oracle: the other elements are measured.
  const AccuracyBaseline base = report::accuracy_baseline(problem("mb2ic16ih12oc16kh3"), DataMode::special, 3);
  const int64_t finite = std::count_if(base.exact.begin(), base.exact.end(), [](double v) { return std::isfinite(v); });
  ASSERT_LT(finite, int64_t(base.exact.size()));
  const AccuracyMeasurement m = measure("reference", base);
  EXPECT_EQ(m.elements, finite);
  EXPECT_TRUE(std::isfinite(m.max_abs_error));
  EXPECT_EQ(m.verdict, Verdict::passed) << m.reason;
}

// ---------------------------------------------------------------------------
// The command line

class ReportAccuracyCli : public Cli {};

TEST_F(ReportAccuracyCli, WritesTheTableAndTheReport) {
  const std::string report_path = path("accuracy.json");
  const Outcome r = convt({"report", "accuracy", "--problem", "ic3ih9oc5kh3sh2ph1oph1", "--problem", "ic16ih6oc8kh3",
                           "--backend", "reference-tf32,reference", "--seed", "9", "--report", report_path});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "convt report accuracy: backends reference-tf32, reference\n");
  EXPECT_CONTAINS(r.out, "strict ratio");
  EXPECT_CONTAINS(r.out, "\nreference-tf32  tf32-rna");
  EXPECT_CONTAINS(r.out, "wrote " + report_path);

  const nlohmann::json doc = nlohmann::json::parse(read_file(report_path));
  EXPECT_EQ(doc["schema_version"], 1);
  EXPECT_EQ(doc["partial"], false);
  EXPECT_EQ(doc["context"]["seeds"], nlohmann::json::array({9}));
  const nlohmann::json& section = doc["accuracy"];
  EXPECT_EQ(section["data"], "normal");
  EXPECT_EQ(section["seed"], 9);
  const nlohmann::json& records = section["records"];
  ASSERT_EQ(records.size(), 4u);
  const char* fields[] = {"order", "problem", "backend", "device", "data", "seed", "K", "max_abs_error",
                          "max_rel_error", "rms_error", "strict_ratio", "tf32_ratio", "declared", "verdict",
                          "reason"};
  for (const nlohmann::json& rec : records) {
    for (const char* f : fields) EXPECT_TRUE(rec.contains(f)) << f << " missing in " << rec.dump();
    EXPECT_EQ(rec.size(), std::size(fields)) << rec.dump();
    EXPECT_EQ(rec["verdict"], "passed") << rec.dump();
    EXPECT_EQ(rec["device"], "cpu");
    EXPECT_EQ(rec["data"], "normal");
    EXPECT_EQ(rec["seed"], 9);
    EXPECT_TRUE(rec["max_rel_error"].is_number());
    EXPECT_LE(rec["tf32_ratio"].get<double>(), 1.0);
  }
  EXPECT_EQ(records[0]["order"], nlohmann::json::array({0, 0}));
  EXPECT_EQ(records[1]["order"], nlohmann::json::array({0, 1}));
  EXPECT_EQ(records[3]["order"], nlohmann::json::array({1, 1}));
  EXPECT_EQ(records[0]["backend"], "reference-tf32");
  EXPECT_EQ(records[0]["declared"], "tf32-rna");
  EXPECT_EQ(records[1]["declared"], "float32");
  EXPECT_EQ(records[0]["problem"], "mb1ic3ih9iw9oc5kh3kw3sh2sw2ph1pw1oph1opw1dh1dw1g1");
  EXPECT_EQ(records[2]["K"], 16 * 9 + 1);
  EXPECT_GT(records[0]["strict_ratio"].get<double>(), 1.0);
  EXPECT_LE(records[1]["strict_ratio"].get<double>(), 1.0);
}

// Without --backend: the TF32 models first, then every available backend
// but the oracle.
TEST_F(ReportAccuracyCli, MeasuresTheTf32ModelsAndEveryImplementationByDefault) {
  const std::string report_path = path("default.json");
  const Outcome r = convt({"report", "accuracy", "--problem", "ic4ih5oc3kh3", "--report", report_path});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  std::vector<std::string> expected = {"reference-tf32", "reference-tf32-trunc"};
  for (const std::string& b : available_backends())
    if (!b.starts_with("reference") && !b.ends_with("@host")) expected.push_back(b);
  const nlohmann::json doc = nlohmann::json::parse(read_file(report_path));
  std::vector<std::string> measured;
  for (const nlohmann::json& rec : doc["accuracy"]["records"]) measured.push_back(rec["backend"]);
  EXPECT_EQ(measured, expected);
}

TEST_F(ReportAccuracyCli, ShardsKeepTheWholeSelectionsOrder) {
  const std::string report_path = path("shard.json");
  const Outcome r = convt({"report", "accuracy", "--problem", "ic2ih3oc2kh2", "--problem", "ic3ih3oc2kh2", "--problem",
                           "ic4ih3oc2kh2", "--backend", "reference-tf32-trunc", "--data", "mixed", "--shard", "1/2",
                           "--report", report_path});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const nlohmann::json doc = nlohmann::json::parse(read_file(report_path));
  const nlohmann::json& records = doc["accuracy"]["records"];
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["order"], nlohmann::json::array({1, 0}));
  EXPECT_EQ(records[0]["problem"], "mb1ic3ih3iw3oc2kh2kw2sh1sw1ph0pw0oph0opw0dh1dw1g1");
  EXPECT_EQ(records[0]["data"], "mixed");
  EXPECT_EQ(records[0]["declared"], "tf32-trunc");
  EXPECT_EQ(doc["context"]["shard"]["index"], 1);
}

TEST_F(ReportAccuracyCli, RefusesDataItDoesNotMeasure) {
  for (const char* bad : {"exact", "special", "uniform", "normal,mixed"})
    expect_bad_input({"report", "accuracy", "--problem", "ic3ih4oc2kh3", "--data", bad},
                     "--data: expected normal, scaled or mixed, not '" + std::string(bad) + "'");
  expect_bad_input({"report", "accuracy", "--problem", "ic3ih4oc2kh3", "--backend", "nosuch"},
                   "unknown backend 'nosuch'");
}

// SIGINT once the run has started (its first line is out): the case in
// progress finishes, the report is written as partial, convt exits 130.
TEST_F(ReportAccuracyCli, AnInterruptedRunWritesAPartialReport) {
  const std::string report_path = path("partial.json");
  std::vector<std::string> args = {CONVT_BINARY, "report", "accuracy", "--backend", "reference-tf32",
                                   "--report", report_path};
  for (int i = 0; i < 2000; ++i) args.insert(args.end(), {"--problem", "mb2ic64ih12oc64kh4sh2"});
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string text;
  char c;
  while (text.find("seed") == std::string::npos && ::read(out[0], &c, 1) == 1) text += c;
  ASSERT_NE(text.find("convt report accuracy"), std::string::npos) << text;
  ::kill(pid, SIGINT);
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(out[0], buffer, sizeof buffer)) > 0) text.append(buffer, size_t(n));
  ::close(out[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << text;
  EXPECT_EQ(WEXITSTATUS(status), 130) << text;
  EXPECT_CONTAINS(text, "interrupted after");
  const nlohmann::json doc = nlohmann::json::parse(read_file(report_path));
  EXPECT_EQ(doc["partial"], true);
  EXPECT_LT(doc["accuracy"]["records"].size(), 2000u);
}

}  // namespace
}  // namespace convt::testing
