// convt fuzz: finds a planted bug, shrinks it, is reproducible from its seed,
// and its saved counterexample replays through a suite.
#include <gtest/gtest.h>

#include <filesystem>

#include "fake_backend.h"
#include "harness/conformance.h"
#include "harness/fuzz.h"
#include "reference/descriptor.h"

namespace convt::testing {
namespace {

NamedBackend fake(Defect defect) { return NamedBackend{"fake", "cpu", "", std::make_unique<FakeBackend>(defect)}; }

TEST(Fuzz, CorrectBackendHasNoCounterexample) {
  NamedBackend backend = fake(Defect::none);
  FuzzOptions options;
  options.cases = 300;
  const FuzzOutcome outcome = fuzz(backend, options);
  EXPECT_FALSE(outcome.counterexample);
  EXPECT_EQ(outcome.cases, 300);
}

TEST(Fuzz, FindsAndShrinksAPlantedBug) {
  NamedBackend backend = fake(Defect::drop_nan);
  FuzzOptions options;
  options.cases = 5000;
  options.seed = 7;
  const FuzzOutcome outcome = fuzz(backend, options);
  ASSERT_TRUE(outcome.counterexample) << "dropping NaN must be found with special data";
  const Counterexample& c = *outcome.counterexample;
  EXPECT_EQ(c.spec.data, DataMode::special);
  EXPECT_EQ(c.result.verdict, Verdict::failed);
  EXPECT_LE(c.spec.problem.output_elements(), 4096);
  EXPECT_FALSE(validate(c.spec.problem)) << "a counterexample is a legal problem";

  // The same seed gives the same run.
  NamedBackend again = fake(Defect::drop_nan);
  const FuzzOutcome repeat = fuzz(again, options);
  ASSERT_TRUE(repeat.counterexample);
  EXPECT_EQ(repeat.cases, outcome.cases);
  EXPECT_EQ(format_descriptor(repeat.counterexample->spec.problem), format_descriptor(c.spec.problem));
  EXPECT_EQ(repeat.counterexample->spec.seed, c.spec.seed);
}

TEST(Fuzz, SavedCounterexampleReplaysAsASuite) {
  NamedBackend backend = fake(Defect::skip_last_element);
  FuzzOptions options;
  options.cases = 1000;
  const FuzzOutcome outcome = fuzz(backend, options);
  ASSERT_TRUE(outcome.counterexample);
  const std::string dir = ::testing::TempDir() + "/convt_fuzz_save";
  Result<std::string> path = save_counterexample(dir, backend, options, *outcome.counterexample);
  ASSERT_TRUE(path.ok()) << path.error().message;
  Result<Suite> suite = load_suite(*path);
  ASSERT_TRUE(suite.ok()) << suite.error().message;
  ASSERT_EQ(suite->problems.size(), 1u);
  EXPECT_EQ(suite->problems[0].problem, outcome.counterexample->spec.problem);
  EXPECT_EQ(suite->problems[0].seed, outcome.counterexample->spec.seed);
  ASSERT_EQ(suite->problems[0].data.size(), 1u);
  EXPECT_EQ(suite->problems[0].data[0], outcome.counterexample->spec.data);

  std::vector<NamedBackend> backends;
  backends.push_back(fake(Defect::skip_last_element));
  EXPECT_EQ(totals(run_check(suite->problems, backends, CheckOptions{})).failed, 1);
  std::filesystem::remove_all(dir);
}

TEST(Fuzz, RandomProblemsCoverTheParameterSpace) {
  auto recorder = std::make_unique<FakeBackend>(Defect::none);
  FakeBackend* seen = recorder.get();
  NamedBackend backend{"fake", "cpu", "", std::move(recorder)};
  FuzzOptions options;
  options.cases = 1500;
  ASSERT_FALSE(fuzz(backend, options).counterexample);
  bool empty_batch = false, depthwise = false, multiplier = false, big_output_padding = false,
       kernel_over_input = false, dilated = false, wide = false, nobias = false;
  for (const Problem& p : seen->prepared) {
    EXPECT_FALSE(validate(p)) << format_descriptor(p);
    EXPECT_LE(p.output_elements(), options.max_elements);
    empty_batch |= p.n == 0;
    depthwise |= p.groups > 1 && p.c_in == p.groups && p.c_out == p.groups;
    multiplier |= p.groups > 1 && p.c_in == p.groups && p.c_out >= 2 * p.groups;
    big_output_padding |= p.output_padding.h >= p.stride.h;  // allowed by dilation
    kernel_over_input |= p.kernel.w > p.w_in;
    dilated |= p.dilation.h > 1 || p.dilation.w > 1;
    wide |= p.w_in >= 31;
    nobias |= !p.bias;
  }
  EXPECT_TRUE(empty_batch && depthwise && multiplier && big_output_padding && kernel_over_input && dilated &&
              wide && nobias);
}

TEST(Fuzz, AroundStaysNearTheLayer) {
  auto recorder = std::make_unique<FakeBackend>(Defect::none);
  FakeBackend* seen = recorder.get();
  NamedBackend backend{"fake", "cpu", "", std::move(recorder)};
  FuzzOptions options;
  options.cases = 300;
  options.around = {*parse_problem("mb1ic16ih6oc8kh4sh2ph1g2")};
  ASSERT_FALSE(fuzz(backend, options).counterexample);
  ASSERT_FALSE(seen->prepared.empty());
  bool varied = false;
  for (const Problem& p : seen->prepared) {
    EXPECT_FALSE(validate(p)) << format_descriptor(p);
    EXPECT_EQ(p.groups, 2);
    EXPECT_LE(std::abs(p.c_in_per_group() - 8), 2);
    EXPECT_LE(std::abs(p.kernel.h - 4), 2);
    EXPECT_LE(p.n, 3);
    varied |= !(p == options.around[0]);
  }
  EXPECT_TRUE(varied);
}

TEST(Fuzz, AroundSeveralProblemsVisitsEach) {
  auto recorder = std::make_unique<FakeBackend>(Defect::none);
  FakeBackend* seen = recorder.get();
  NamedBackend backend{"fake", "cpu", "", std::move(recorder)};
  FuzzOptions options;
  options.cases = 200;
  options.around = {*parse_problem("mb1ic3ih5oc4kh3g1"), *parse_problem("mb1ic12ih5oc12kh3g4")};
  ASSERT_FALSE(fuzz(backend, options).counterexample);
  int near_first = 0, near_second = 0;
  for (const Problem& p : seen->prepared) {
    EXPECT_TRUE(p.groups == 1 || p.groups == 4) << format_descriptor(p);
    ++(p.groups == 1 ? near_first : near_second);
  }
  EXPECT_GT(near_first, 20);
  EXPECT_GT(near_second, 20);
}

}  // namespace
}  // namespace convt::testing
