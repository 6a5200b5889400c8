// run_case: each verdict reached for the reason it documents, on real data.
#include <gtest/gtest.h>

#include <bit>
#include <filesystem>
#include <limits>

#include "fake_backend.h"
#include "harness/check_case.h"
#include "harness/comparison.h"
#include "harness/guarded_output.h"
#include "harness/shell_quote.h"
#include "reference/descriptor.h"
#include "tests/problem_text.h"

namespace convt::testing {
namespace {

CaseResult judge(Defect defect, DataMode mode, const char* descriptor = "mb2ic6ih5iw7oc4kh3kw2sh2sw1ph1oph1opw0g2",
                 bool deterministic = true) {
  FakeBackend backend(defect, deterministic);
  return run_case(backend, CaseSpec{problem(descriptor), mode, 5, 2});
}

TEST(CheckCase, CorrectBackendPassesEveryDataMode) {
  for (DataMode mode : kAllDataModes) {
    const CaseResult r = judge(Defect::none, mode);
    EXPECT_EQ(r.verdict, Verdict::passed) << data_mode_name(mode) << ": " << r.reason;
    EXPECT_EQ(r.comparison.mismatches, 0);
    EXPECT_FALSE(r.nondeterministic);
  }
}

TEST(CheckCase, OneUlpOffStaysWithinTheBoundButNotBitwise) {
  const CaseResult normal = judge(Defect::one_ulp, DataMode::normal);
  EXPECT_EQ(normal.verdict, Verdict::passed) << normal.reason;
  EXPECT_GT(normal.comparison.worst_ratio, 0.0);
  EXPECT_LE(normal.comparison.worst_ratio, 1.0);
  EXPECT_EQ(judge(Defect::one_ulp, DataMode::exact).verdict, Verdict::failed);
}

TEST(CheckCase, UnwrittenElementFailsAtItsPosition) {
  const char* descriptor = "mb2ic6ih5iw7oc4kh3kw2sh2sw1ph1oph1opw0g2";
  const Problem p = problem(descriptor);
  const CaseResult r = judge(Defect::skip_last_element, DataMode::exact, descriptor);
  ASSERT_EQ(r.verdict, Verdict::failed);
  ASSERT_EQ(r.comparison.mismatches, 1);
  const Mismatch& m = r.comparison.first.front();
  EXPECT_EQ(m.at, (std::array<int64_t, 4>{p.n - 1, p.c_out - 1, p.h_out() - 1, p.w_out() - 1}));
  EXPECT_TRUE(std::isnan(m.got)) << "the output is prefilled with NaN";
  EXPECT_TRUE(m.not_written);
  EXPECT_EQ(r.comparison.not_written, 1);
  EXPECT_NE(r.reason.find("1 of " + std::to_string(p.output_elements()) + " elements differ from the oracle (1 not written)"),
            std::string::npos)
      << r.reason;

  const CaseResult kernel_nan = judge(Defect::nan_last_element, DataMode::exact, descriptor);
  ASSERT_EQ(kernel_nan.comparison.mismatches, 1);
  EXPECT_FALSE(kernel_nan.comparison.first.front().not_written) << "a NaN the kernel wrote is not the prefill";
  EXPECT_EQ(kernel_nan.comparison.not_written, 0);
}

// Where the oracle is NaN any NaN passes, but not the prefill: the element
// was never written.
TEST(Comparison, UnwrittenFailsEvenWhereTheOracleIsNan) {
  const Problem p = problem("ic1ih2oc1kh1nobias");
  const float prefill = std::bit_cast<float>(GuardedOutput::kUnwrittenBits);
  const std::vector<double> expected = {std::nan(""), std::nan(""), 1.0, 1.0};
  const std::vector<double> bound = {0, 0, 0.5, 0.5};
  const std::vector<float> got = {std::nanf(""), prefill, 1.0f, prefill};
  const Comparison c = compare_bounded(p, expected, got, bound);
  ASSERT_EQ(c.mismatches, 2);
  EXPECT_EQ(c.not_written, 2);
  EXPECT_EQ(c.first[0].at, (std::array<int64_t, 4>{0, 0, 0, 1}));
  EXPECT_TRUE(c.first[0].not_written);
  EXPECT_TRUE(c.first[1].not_written);
  EXPECT_EQ(compare_exact(p, std::vector<double>{1, 2, 3, 4}, std::vector<float>{1, 2, 3, prefill}).not_written, 1);
}

TEST(CheckCase, WritesOutsideTheOutputFail) {
  const CaseResult before = judge(Defect::write_before, DataMode::normal);
  EXPECT_EQ(before.verdict, Verdict::failed);
  EXPECT_NE(before.reason.find("before the start"), std::string::npos) << before.reason;
  const CaseResult after = judge(Defect::write_after, DataMode::normal);
  EXPECT_EQ(after.verdict, Verdict::failed);
  EXPECT_NE(after.reason.find("past the end"), std::string::npos) << after.reason;
}

TEST(CheckCase, NondeterminismFailsOnlyWhenDeterminismIsClaimed) {
  const CaseResult claimed = judge(Defect::flip_bit_second_run, DataMode::normal);
  EXPECT_EQ(claimed.verdict, Verdict::failed);
  EXPECT_TRUE(claimed.nondeterministic);
  EXPECT_NE(claimed.reason.find("run 2 differs from run 1 in 1 elements"), std::string::npos) << claimed.reason;
  EXPECT_EQ(claimed.differing_run, 2);
  EXPECT_EQ(claimed.differences.count, 1);
  ASSERT_EQ(claimed.differences.first.size(), 1u);
  const RunDifference& d = claimed.differences.first[0];
  EXPECT_EQ(d.at, (std::array<int64_t, 4>{0, 0, 0, 0})) << "the fake flips element 0";
  EXPECT_EQ(std::bit_cast<uint32_t>(d.first) ^ std::bit_cast<uint32_t>(d.other), 1u) << "the two values, bit for bit";

  const CaseResult admitted =
      judge(Defect::flip_bit_second_run, DataMode::normal, "mb2ic6ih5iw7oc4kh3kw2sh2sw1ph1oph1opw0g2", false);
  EXPECT_EQ(admitted.verdict, Verdict::passed) << admitted.reason;
  EXPECT_TRUE(admitted.nondeterministic) << "the difference is recorded";
}

TEST(CheckCase, BackendErrorsAndUnsupportedProblems) {
  const CaseResult error = judge(Defect::error_return, DataMode::exact);
  EXPECT_EQ(error.verdict, Verdict::failed);
  EXPECT_NE(error.reason.find("fake failure"), std::string::npos);
  const CaseResult skipped = judge(Defect::unsupported, DataMode::exact);
  EXPECT_EQ(skipped.verdict, Verdict::skipped);
  EXPECT_EQ(skipped.reason, "this fake supports nothing");
}

TEST(CheckCase, WritingTheConstInputsFails) {
  const CaseResult r = judge(Defect::scribble_on_weights, DataMode::exact);
  EXPECT_EQ(r.verdict, Verdict::failed);
  EXPECT_NE(r.reason.find("run 1 modified its input w, which is const"), std::string::npos) << r.reason;
}

TEST(CheckCase, LostNanIsCaughtBySpecialData) {
  EXPECT_EQ(judge(Defect::drop_nan, DataMode::normal).verdict, Verdict::passed);
  EXPECT_EQ(judge(Defect::drop_nan, DataMode::special).verdict, Verdict::failed);
}

TEST(CheckCase, BfloatProductsPassIntegersButNotTheBound) {
  EXPECT_EQ(judge(Defect::bfloat16_products, DataMode::exact).verdict, Verdict::passed);
  const CaseResult r = judge(Defect::bfloat16_products, DataMode::normal);
  EXPECT_EQ(r.verdict, Verdict::failed);
  EXPECT_GT(r.comparison.worst_ratio, 1.0);
}

TEST(CheckCase, OutputOfAlmostOnlyBiasIsMistrusted) {
  // One input pixel, kernel 1: of 200 x 200 outputs only one depends on x and w.
  const CaseResult r = judge(Defect::none, DataMode::normal, "ic1ih1oc1kh1dh200oph199");
  EXPECT_EQ(r.verdict, Verdict::mistrusted);
  EXPECT_NE(r.reason.find("only 1 of 40000"), std::string::npos) << r.reason;
  // The same layer with the input filling the output is trusted.
  EXPECT_EQ(judge(Defect::none, DataMode::normal, "ic1ih9oc1kh3").verdict, Verdict::passed);
}

TEST(CheckCase, EmptyBatchPasses) {
  const CaseResult r = judge(Defect::none, DataMode::exact, "mb0ic4ih3oc2kh3");
  EXPECT_EQ(r.verdict, Verdict::passed) << r.reason;
  EXPECT_EQ(judge(Defect::write_after, DataMode::exact, "mb0ic4ih3oc2kh3").verdict, Verdict::failed);
}

TEST(CheckCase, ReproCommandNamesEverythingNeeded) {
  NamedBackend backend{"reference", "cpu", "", nullptr};
  const CaseSpec spec{problem("ic3ih4oc5kh2"), DataMode::special, 42, 3};
  EXPECT_EQ(repro_command(backend, spec),
            "convt check --problem mb1ic3ih4iw4oc5kh2kw2sh1sw1ph0pw0oph0opw0dh1dw1g1 --backend reference "
            "--data special --seed 42 --repeat 3");
  // A plugin's path is made absolute and quoted, so the line works pasted anywhere.
  backend.plugin_path = "./mine.so";
  EXPECT_NE(repro_command(backend, spec).find("--plugin " + (std::filesystem::current_path() / "mine.so").string()),
            std::string::npos)
      << repro_command(backend, spec);
  backend.plugin_path = "/tmp/my plugins/it's.so";
  EXPECT_NE(repro_command(backend, spec).find(" --plugin '/tmp/my plugins/it'\\''s.so' --data special"),
            std::string::npos)
      << repro_command(backend, spec);
  EXPECT_EQ(replay_command("/tmp/a b/c.json", backend, 2),
            "convt check --config '/tmp/a b/c.json' --plugin '/tmp/my plugins/it'\\''s.so' --repeat 2");
}

TEST(ShellQuote, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(shell_quote("mb1ic3ih4iw4oc5kh2"), "mb1ic3ih4iw4oc5kh2");
  EXPECT_EQ(shell_quote("/usr/lib/x_y-z.so"), "/usr/lib/x_y-z.so");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("$HOME;rm"), "'$HOME;rm'");
  EXPECT_EQ(shell_path("/a/./b/../c d"), "'/a/c d'");
}

TEST(Comparison, ExactComparesZerosByValue) {
  const Problem p = problem("ic1ih2oc1kh1nobias");
  const std::vector<double> expected = {0.0, 1.0, -2.0, 3.0};
  const std::vector<float> got = {-0.0f, 1.0f, -2.0f, 3.0f};
  EXPECT_EQ(compare_exact(p, expected, got).mismatches, 0);
  const std::vector<float> wrong = {0.0f, 1.0f, -2.0f, 3.0001f};
  const Comparison c = compare_exact(p, expected, wrong);
  ASSERT_EQ(c.mismatches, 1);
  EXPECT_EQ(c.first[0].at, (std::array<int64_t, 4>{0, 0, 1, 1}));
}

TEST(Comparison, BoundedMatchesNanAndSignedInfinity) {
  const Problem p = problem("ic1ih2oc1kh1nobias");
  constexpr double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> expected = {std::nan(""), inf, -inf, 1.0};
  const std::vector<double> bound = {0, 0, 0, 0.5};
  const std::vector<float> good = {std::nanf(""), float(inf), -float(inf), 1.4f};
  EXPECT_EQ(compare_bounded(p, expected, good, bound).mismatches, 0);
  const std::vector<float> bad = {0.0f, -float(inf), float(inf), 1.6f};
  const Comparison c = compare_bounded(p, expected, bad, bound);
  EXPECT_EQ(c.mismatches, 4);
  EXPECT_GT(c.worst_ratio, 1.0);
}

TEST(GuardedOutput, PrefilledWithNanAndCanariesIntact) {
  GuardedOutput out(10);
  for (float v : out.values()) {
    EXPECT_TRUE(std::isnan(v));
    EXPECT_EQ(std::bit_cast<uint32_t>(v), GuardedOutput::kUnwrittenBits);
    EXPECT_TRUE(GuardedOutput::unwritten(v));
  }
  EXPECT_FALSE(GuardedOutput::unwritten(std::numeric_limits<float>::quiet_NaN()));
  EXPECT_FALSE(out.damage());
  out.data()[9] = 1;
  EXPECT_FALSE(out.damage());
  out.data()[10 + GuardedOutput::kCanary - 1] = 1;  // the far end of the trailing canary
  ASSERT_TRUE(out.damage());
  EXPECT_NE(out.damage()->find("past the end"), std::string::npos);
}

}  // namespace
}  // namespace convt::testing
