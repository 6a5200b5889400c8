// convt report determinism (harness/report/determinism.h): the hash and the
// difference in bound units on real outputs, then the command run as a
// user runs it: a plugin that claims determinism and is not fails (exit 1,
// several distinct outputs, differences within the bound); the built-in
// CPU backends pass, with their thread counts agreeing; a plugin that admits
// nondeterminism is admitted; the report holds the documented fields; a bad
// --runs is a bad input.
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "harness/bound.h"
#include "harness/data.h"
#include "harness/report/determinism.h"
#include "reference/descriptor.h"
#include "reference/oracle.h"
#include "tests/harness/cli_fixture.h"

#ifndef NONDETERMINISTIC_PLUGIN
#error "NONDETERMINISTIC_PLUGIN must name the plugin of fixtures/nondeterministic_plugin.c"
#endif
#ifndef ADMITTING_PLUGIN
#error "ADMITTING_PLUGIN must name a plugin that admits nondeterminism (plugin_fixture_admits_nondeterminism)"
#endif

namespace convt::testing {
namespace {

using nlohmann::json;

// Problems whose outputs sum many terms, so that another order of summation
// changes the last bits: channels, a 3x3 kernel, stride and groups.
const std::vector<std::string> kProblems = {"mb2ic16ih6oc8kh3", "ic8ih5oc12kh3sh2ph1oph1", "mb1ic24ih4oc6kh3g3"};

std::vector<std::string> with_problems(std::vector<std::string> args) {
  for (const std::string& p : kProblems) {
    args.push_back("--problem");
    args.push_back(p);
  }
  return args;
}

json read_json(const std::string& path) {
  return json::parse(read_file(path), nullptr, /*allow_exceptions=*/false);
}

// The oracle's output of p on normal data, rounded to float32.
std::vector<float> oracle_output(const Problem& p, uint64_t seed) {
  const Tensors t = make_tensors(p, DataMode::normal, seed);
  const std::vector<double> y = conv_transpose2d_oracle(p, t.x.data(), t.w.data(), p.bias ? t.bias.data() : nullptr);
  return {y.begin(), y.end()};
}

TEST(OutputHash, IsSixteenHexDigitsAndTellsOutputsApart) {
  const Problem p = *parse_problem("mb2ic8ih5oc12kh3");
  std::vector<float> y = oracle_output(p, 1);
  const std::string h = report::output_hash(y);
  EXPECT_EQ(h.size(), 16u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos) << h;
  EXPECT_EQ(report::output_hash(oracle_output(p, 1)), h);  // the same bits, the same hash
  y[y.size() / 2] = std::nextafter(y[y.size() / 2], INFINITY);  // one bit of one element
  EXPECT_NE(report::output_hash(y), h);
  EXPECT_NE(report::output_hash(oracle_output(p, 2)), h);
}

TEST(MaxDifference, CountsInUnitsOfTheBound) {
  const Problem p = *parse_problem("mb2ic8ih5oc12kh3");
  const Tensors t = make_tensors(p, DataMode::normal, 1);
  const ErrorBounds b = error_bounds(p, t.x.data(), t.w.data(), t.bias.data());
  const std::vector<float> y = oracle_output(p, 1);
  EXPECT_EQ(report::max_difference_in_bound_units(y, y, b.bound), 0);

  std::vector<float> other = y;
  const size_t i = 7;
  ASSERT_GT(b.bound[i], 0);
  other[i] = float(double(y[i]) + 0.5 * b.bound[i]);
  const double expected = std::fabs(double(other[i]) - double(y[i])) / b.bound[i];
  ASSERT_GT(expected, 0);
  EXPECT_DOUBLE_EQ(report::max_difference_in_bound_units(y, other, b.bound), expected);

  // NaN where both have NaN is no difference; NaN against a number, or a
  // difference where the bound is 0, is infinitely many units.
  std::vector<float> nan_a = y, nan_b = y;
  nan_a[3] = nan_b[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(report::max_difference_in_bound_units(nan_a, nan_b, b.bound), 0);
  EXPECT_TRUE(std::isinf(report::max_difference_in_bound_units(nan_a, y, b.bound)));
  std::vector<double> zero_bound(b.bound.size(), 0.0);
  EXPECT_TRUE(std::isinf(report::max_difference_in_bound_units(y, other, zero_bound)));
  // +0 and -0 differ in their bits, not in value.
  std::vector<float> zeros(4, 0.0f), negative_zeros(4, -0.0f);
  EXPECT_EQ(report::max_difference_in_bound_units(zeros, negative_zeros, std::vector<double>(4, 0.0)), 0);
}

using ReportDeterminism = Cli;

const std::set<std::string> kRecordFields = {"order",        "problem",          "backend",
                                             "device",       "runs",             "hashes",
                                             "distinct_outputs", "max_difference_bound_units",
                                             "declared_deterministic", "declared_by", "observed_deterministic",
                                             "threads",      "verdict",          "reason"};

// The report's document and section as docs/reports.md describes them.
void expect_documented(const json& doc, int runs) {
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["schema_version"], 1);
  EXPECT_EQ(doc["partial"], false);
  EXPECT_TRUE(doc["context"].is_object());
  const json& s = doc["determinism"];
  ASSERT_TRUE(s.is_object()) << doc.dump(1);
  EXPECT_EQ(s["runs"], runs);
  EXPECT_EQ(s["data"], "normal");
  EXPECT_TRUE(s["seed"].is_number_unsigned());
  ASSERT_TRUE(s["records"].is_array());
  for (const json& r : s["records"]) {
    for (const std::string& field : kRecordFields) EXPECT_TRUE(r.contains(field)) << field << " in " << r.dump();
    EXPECT_EQ(r["order"].size(), 2u);
    EXPECT_EQ(r["hashes"].size(), r["runs"].get<size_t>());
    EXPECT_TRUE(r["max_difference_bound_units"].is_number() || r["max_difference_bound_units"] == "inf");
    const std::string declared_by = r["declared_by"];
    EXPECT_TRUE(declared_by == "backend" || declared_by == "plugin" || declared_by == "cuDNN notes") << declared_by;
    EXPECT_TRUE(r["threads"].is_null() || (r["threads"]["counts"].is_array() && r["threads"]["identical"].is_boolean()));
    // The problem is printed canonically.
    Result<Problem> p = parse_problem(r["problem"].get<std::string>());
    ASSERT_TRUE(p.ok()) << r["problem"];
    EXPECT_EQ(format_descriptor(*p), r["problem"]);
  }
}

TEST_F(ReportDeterminism, FlagsAPluginThatClaimsDeterminismAndIsNot) {
  const std::string report = path("determinism.json");
  const Outcome r = convt(with_problems({"report", "determinism", "--plugin", NONDETERMINISTIC_PLUGIN, "--runs", "5",
                                         "--report", report}));
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "plugin:nondeterministic");
  EXPECT_CONTAINS(r.out, "failed:" + std::to_string(kProblems.size()));
  EXPECT_CONTAINS(r.out, "distinct outputs in 5 runs");
  const json doc = read_json(report);
  expect_documented(doc, 5);
  const json& records = doc["determinism"]["records"];
  ASSERT_EQ(records.size(), kProblems.size());
  for (const json& rec : records) {
    SCOPED_TRACE(rec.dump());
    EXPECT_EQ(rec["backend"], "plugin:nondeterministic");
    EXPECT_EQ(rec["verdict"], "failed");
    EXPECT_EQ(rec["declared_deterministic"], true);
    EXPECT_EQ(rec["declared_by"], "plugin");
    EXPECT_EQ(rec["observed_deterministic"], false);
    EXPECT_GT(rec["distinct_outputs"].get<int>(), 1);
    EXPECT_EQ(rec["distinct_outputs"].get<size_t>(), std::set<std::string>(rec["hashes"].begin(), rec["hashes"].end()).size());
    ASSERT_TRUE(rec["max_difference_bound_units"].is_number());
    EXPECT_GT(rec["max_difference_bound_units"].get<double>(), 0);
    EXPECT_LE(rec["max_difference_bound_units"].get<double>(), 1);  // correct: within the bound
    EXPECT_TRUE(rec["threads"].is_null());                           // not checked for a plugin
  }
}

TEST_F(ReportDeterminism, PassesTheDeterministicCpuBackends) {
  const std::string report = path("determinism.json");
  const Outcome r =
      convt(with_problems({"report", "determinism", "--backend", "cpu,reference", "--runs", "4", "--report", report}));
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "passed:" + std::to_string(kProblems.size()) + " failed:0");
  const json doc = read_json(report);
  expect_documented(doc, 4);
  const json& records = doc["determinism"]["records"];
  ASSERT_EQ(records.size(), 2 * kProblems.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const json& rec = records[i];
    SCOPED_TRACE(rec.dump());
    EXPECT_EQ(rec["order"], json::array({int(i / 2), int(i % 2)}));
    EXPECT_EQ(rec["backend"], i % 2 ? "reference" : "cpu");
    EXPECT_EQ(rec["device"], "cpu");
    EXPECT_EQ(rec["verdict"], "passed");
    EXPECT_EQ(rec["runs"], 4);
    EXPECT_EQ(rec["distinct_outputs"], 1);
    EXPECT_EQ(rec["max_difference_bound_units"], 0);
    EXPECT_EQ(rec["declared_by"], "backend");
    EXPECT_EQ(rec["observed_deterministic"], true);
    ASSERT_TRUE(rec["threads"].is_object());
    EXPECT_EQ(rec["threads"]["identical"], true);
    EXPECT_EQ(rec["threads"]["max_difference_bound_units"], 0);
    ASSERT_FALSE(rec["threads"]["counts"].empty());
    for (size_t t = 0; t < rec["threads"]["counts"].size(); ++t) EXPECT_EQ(rec["threads"]["counts"][t], int(t + 1));
  }
  // The hash is the output's: the same problem, data and seed give the same
  // hash in another run of convt.
  const Outcome r2 = convt({"report", "determinism", "--backend", "cpu", "--runs", "1", "--problem", kProblems[0],
                            "--report", path("again.json")});
  EXPECT_EQ(r2.code, 0) << r2.out << r2.err;
  EXPECT_EQ(read_json(path("again.json"))["determinism"]["records"][0]["hashes"][0],
            doc["determinism"]["records"][0]["hashes"][0]);
}

TEST_F(ReportDeterminism, AdmitsAPluginThatDeclaresItselfNondeterministic) {
  const std::string report = path("determinism.json");
  const Outcome r = convt({"report", "determinism", "--plugin", ADMITTING_PLUGIN, "--problem", kProblems[0], "--runs",
                           "3", "--report", report});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "admitted:1");
  const json doc = read_json(report);
  expect_documented(doc, 3);
  ASSERT_EQ(doc["determinism"]["records"].size(), 1u);
  const json& rec = doc["determinism"]["records"][0];
  EXPECT_EQ(rec["verdict"], "admitted");
  EXPECT_EQ(rec["declared_deterministic"], false);
  EXPECT_EQ(rec["declared_by"], "plugin");
}

TEST_F(ReportDeterminism, ShardsTakeEveryNthProblemAndKeepTheWholeRunsOrder) {
  const std::string report = path("determinism.json");
  const Outcome r = convt(with_problems(
      {"report", "determinism", "--backend", "reference", "--runs", "1", "--shard", "1/2", "--report", report}));
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  const json doc = read_json(report);
  expect_documented(doc, 1);
  EXPECT_EQ(doc["context"]["shard"]["index"], 1);
  EXPECT_EQ(doc["context"]["shard"]["count"], 2);
  const json& records = doc["determinism"]["records"];
  ASSERT_EQ(records.size(), 1u);  // of 3 problems, shard 1/2 holds the second
  EXPECT_EQ(records[0]["order"], json::array({1, 0}));
  EXPECT_EQ(records[0]["problem"], format_descriptor(*parse_problem(kProblems[1])));
}

TEST_F(ReportDeterminism, DeclaresCudnnEnginesFromTheirNotes) {
#if CONVT_TEST_HAVE_CUDNN
  const std::string report = path("determinism.json");
  const Outcome r = convt({"report", "determinism", "--backend", "cudnn:0", "--problem", kProblems[1], "--runs", "2",
                           "--report", report});
  EXPECT_NE(r.code, 2) << r.out << r.err;
  const json doc = read_json(report);
  expect_documented(doc, 2);
  ASSERT_EQ(doc["determinism"]["records"].size(), 1u);
  const json& rec = doc["determinism"]["records"][0];
  SCOPED_TRACE(rec.dump());
  EXPECT_EQ(rec["device"], "cuda");
  // Planned without a GPU for an H100 when this machine has none, read from
  // the plan on the GPU otherwise: engine 0 finalizes for this problem.
  EXPECT_EQ(rec["declared_by"], "cuDNN notes");
  ASSERT_TRUE(rec.contains("declared_note"));
  EXPECT_EQ(rec["declared_deterministic"], rec["declared_note"] == "");
  if (rec["verdict"] == "skipped") {
    EXPECT_EQ(rec["runs"], 0);
  }
#else
  GTEST_SKIP() << "built without cuDNN";
#endif
}

TEST_F(ReportDeterminism, RefusesABadRunCount) {
  for (const char* runs : {"0", "1001", "many", "-1"})
    expect_bad_input({"report", "determinism", "--backend", "cpu", "--problem", kProblems[0], "--runs", runs}, "--runs");
}

TEST_F(ReportDeterminism, RefusesAnUnknownBackend) {
  expect_bad_input({"report", "determinism", "--backend", "nosuch", "--problem", kProblems[0]}, "unknown backend 'nosuch'");
}

}  // namespace
}  // namespace convt::testing
