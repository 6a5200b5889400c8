// The check run: selection by filter and shard, fail-fast, totals, report.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "fake_backend.h"
#include "harness/check_report.h"
#include "harness/conformance.h"
#include "reference/descriptor.h"

namespace convt::testing {
namespace {

std::vector<SuiteEntry> entries(std::initializer_list<const char*> descriptors) {
  std::vector<SuiteEntry> out;
  int i = 0;
  for (const char* d : descriptors) {
    Result<Problem> p = parse_problem(d);
    EXPECT_TRUE(p.ok()) << d;
    out.push_back(SuiteEntry{*p, "case" + std::to_string(i++), "test", {}, std::nullopt});
  }
  return out;
}

NamedBackend fake(Defect defect) { return NamedBackend{"fake", "cpu", "", std::make_unique<FakeBackend>(defect)}; }

TEST(Shard, ParsesAndRefuses) {
  Result<Shard> s = parse_shard("2/5");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 5);
  for (const char* bad : {"5/5", "-1/3", "1/0", "1-3", "a/b", "1/3x", ""})
    EXPECT_FALSE(parse_shard(bad).ok()) << bad;
}

TEST(SelectProblems, ShardsPartitionTheFilteredSuite) {
  const auto all = entries({"ic1ih2oc1kh1", "ic2ih2oc1kh1", "ic3ih2oc1kh1", "ic4ih2oc1kh1", "ic5ih2oc1kh1",
                            "ic6ih2oc1kh1", "ic7ih2oc1kh1"});
  std::multiset<std::string> seen;
  for (int64_t i = 0; i < 3; ++i) {
    Result<std::vector<SuiteEntry>> part = select_problems(all, "", Shard{i, 3});
    ASSERT_TRUE(part.ok());
    for (const SuiteEntry& e : *part) seen.insert(e.name);
  }
  EXPECT_EQ(seen.size(), all.size());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), all.size()) << "no problem in two shards";

  Result<std::vector<SuiteEntry>> filtered = select_problems(all, "ic[35]ih", Shard{});
  ASSERT_TRUE(filtered.ok());
  ASSERT_EQ(filtered->size(), 2u);
  EXPECT_EQ((*filtered)[0].name, "case2");
  EXPECT_FALSE(select_problems(all, "(", Shard{}).ok()) << "a bad regex is an error, not a crash";
}

// A selection of nothing is a mistake (a typo in a CI job must not pass); an
// empty shard of a non-empty selection is not.
TEST(SelectProblems, NothingToSelectIsAnErrorButAnEmptyShardIsNot) {
  const auto two = entries({"ic1ih2oc1kh1", "ic2ih2oc1kh1"});
  Result<std::vector<SuiteEntry>> none = select_problems(two, "nomatch", Shard{});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message,
            "--filter 'nomatch' matches none of the 2 problems (it is searched for in \"name descriptor\")");
  Result<std::vector<SuiteEntry>> empty = select_problems({}, "", Shard{});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("no problem to check"), std::string::npos) << empty.error().message;
  Result<std::vector<SuiteEntry>> shard = select_problems(two, "", Shard{2, 3});
  ASSERT_TRUE(shard.ok()) << shard.error().message;
  EXPECT_TRUE(shard->empty());
}

TEST(RunCheck, CountsEveryCaseAndStopsFastWhenAsked) {
  const auto problems = entries({"ic2ih3oc2kh2", "ic3ih4oc1kh3sh2", "mb2ic4ih3oc4kh2g2"});
  std::vector<NamedBackend> backends;
  backends.push_back(fake(Defect::none));
  backends.push_back(fake(Defect::write_after));
  CheckOptions options;
  const std::vector<CheckRecord> all = run_check(problems, backends, options);
  const CheckTotals t = totals(all);
  EXPECT_EQ(t.tests, 3 * 2 * 3);
  EXPECT_EQ(t.failed, 3 * 3);
  EXPECT_EQ(t.passed, 3 * 3);
  EXPECT_EQ(summary_line(t), "tests:18 passed:9 failed:9 mistrusted:0 skipped:0");

  options.fail_fast = true;
  const std::vector<CheckRecord> fast = run_check(problems, backends, options);
  EXPECT_EQ(totals(fast).failed, 1);
  EXPECT_EQ(fast.size(), 4u) << "three passing modes of the good backend, then the first failure";
}

TEST(RunCheck, PinnedDataAndSeedOfAnEntryWin) {
  auto problems = entries({"ic2ih3oc2kh2"});
  problems[0].data = {DataMode::special};
  problems[0].seed = 99;
  std::vector<NamedBackend> backends;
  backends.push_back(fake(Defect::none));
  const std::vector<CheckRecord> records = run_check(problems, backends, CheckOptions{});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].spec.data, DataMode::special);
  EXPECT_EQ(records[0].spec.seed, 99u);
  EXPECT_NE(records[0].repro.find("--seed 99"), std::string::npos);
}

TEST(Describe, FailureShowsPositionsAndRepro) {
  const auto problems = entries({"mb2ic3ih4oc2kh3"});
  std::vector<NamedBackend> backends;
  backends.push_back(fake(Defect::skip_last_element));
  CheckOptions options;
  options.data = {DataMode::exact};
  const std::vector<CheckRecord> records = run_check(problems, backends, options);
  const std::string text = describe(records.at(0));
  EXPECT_NE(text.find("[failed] fake case0"), std::string::npos) << text;
  EXPECT_NE(text.find("at (n 1, c 1, h 5, w 5): expected"), std::string::npos) << text;
  EXPECT_NE(text.find("repro: convt check --problem mb2ic3ih4iw4oc2kh3"), std::string::npos) << text;
}

std::string describe_first(Defect defect, DataMode mode, const char* descriptor = "mb2ic3ih4oc2kh3") {
  std::vector<NamedBackend> backends;
  backends.push_back(fake(defect));
  CheckOptions options;
  options.data = {mode};
  return describe(run_check(entries({descriptor}), backends, options).at(0));
}

// An element never written and a NaN the kernel wrote are different bugs.
TEST(Describe, NotWrittenIsToldFromANanTheKernelWrote) {
  for (DataMode mode : {DataMode::exact, DataMode::normal}) {
    const std::string unwritten = describe_first(Defect::skip_last_element, mode);
    EXPECT_NE(unwritten.find("at (n 1, c 1, h 5, w 5): expected "), std::string::npos) << unwritten;
    EXPECT_NE(unwritten.find(", not written (still convt's prefill, the NaN 0x7fc0dead"), std::string::npos)
        << unwritten;
    EXPECT_NE(unwritten.find("(1 not written)"), std::string::npos) << unwritten;
    EXPECT_EQ(unwritten.find("written by the kernel"), std::string::npos) << unwritten;

    const std::string kernel_nan = describe_first(Defect::nan_last_element, mode);
    EXPECT_NE(kernel_nan.find("at (n 1, c 1, h 5, w 5): expected "), std::string::npos) << kernel_nan;
    EXPECT_NE(kernel_nan.find(", got NaN written by the kernel"), std::string::npos) << kernel_nan;
    EXPECT_EQ(kernel_nan.find("not written"), std::string::npos) << kernel_nan;
  }
}

TEST(Describe, NondeterminismShowsWhereTheRunsDifferAndBothValues) {
  const std::string text = describe_first(Defect::flip_bit_second_run, DataMode::normal);
  EXPECT_NE(text.find("[failed]"), std::string::npos) << text;
  const std::string at = "    run 1 and run 2 differ at (n 0, c 0, h 0, w 0): ";
  const size_t line = text.find(at);
  ASSERT_NE(line, std::string::npos) << text;
  std::istringstream values(text.substr(line + at.size()));
  double first = 0, other = 0;
  std::string vs;
  values >> first >> vs >> other;
  EXPECT_EQ(vs, "vs") << text;
  EXPECT_NE(first, other) << "both values, printed to full float precision";
  EXPECT_EQ(text.find("run 1 and run 2 differ at (n 0, c 0, h 0, w 1)"), std::string::npos) << "one element differs";
}

TEST(FailedList, NamesEachFailedCaseWithItsReproUpToTheLimit) {
  std::vector<std::string> texts;
  for (int i = 1; i <= 25; ++i) texts.push_back("ic" + std::to_string(i) + "ih2oc1kh1");
  std::vector<SuiteEntry> problems;
  for (const std::string& t : texts) problems.push_back(SuiteEntry{*parse_problem(t), "", "test", {}, std::nullopt});
  std::vector<NamedBackend> backends;
  backends.push_back(fake(Defect::none));
  backends.push_back(fake(Defect::write_after));
  CheckOptions options;
  options.data = {DataMode::exact};
  const std::vector<CheckRecord> records = run_check(problems, backends, options);
  const std::string list = failed_list(records);
  EXPECT_EQ(list.rfind("failed (25):\n", 0), 0u) << list;
  size_t repros = 0;
  for (size_t at = list.find("    repro: convt check --problem "); at != std::string::npos;
       at = list.find("    repro: convt check --problem ", at + 1))
    ++repros;
  EXPECT_EQ(repros, 20u) << list;
  EXPECT_NE(list.find("  fake mb1ic1ih2iw2oc1kh1kw1sh1sw1ph0pw0oph0opw0dh1dw1g1 data exact: run 1 wrote past the end"),
            std::string::npos)
      << list;
  EXPECT_NE(list.find("ic20ih2"), std::string::npos) << list;
  EXPECT_EQ(list.find("ic21ih2"), std::string::npos) << "the 21st failure is counted, not listed";
  EXPECT_TRUE(list.ends_with("  ... and 5 more\n")) << list;
  EXPECT_EQ(failed_list(records, 30).find("more"), std::string::npos);

  backends.pop_back();
  EXPECT_EQ(failed_list(run_check(problems, backends, options)), "") << "nothing failed, nothing listed";
}

TEST(CheckReport, SectionHasEveryCaseInOrder) {
  const auto problems = entries({"ic2ih3oc2kh2", "ic1ih2oc1kh1"});
  std::vector<NamedBackend> backends;
  backends.push_back(fake(Defect::skip_last_element));
  CheckOptions options;
  options.data = {DataMode::exact, DataMode::normal};
  options.shard = Shard{1, 3};  // these are problems 1 and 4 of the whole selection
  const std::vector<CheckRecord> records = run_check(problems, backends, options);
  const nlohmann::json section = conformance_section(records, backends, options, BackendOptions{});
  ASSERT_EQ(section["records"].size(), 4u);
  const nlohmann::json& first = section["records"][0];
  EXPECT_EQ(first["verdict"], "failed");
  EXPECT_EQ(first["data"], "exact");
  EXPECT_EQ(first["order"], nlohmann::json({1, 0, 0}));
  EXPECT_EQ(section["records"][3]["order"], nlohmann::json({4, 0, 1}));
  EXPECT_EQ(first["first_mismatches"][0]["got"], "nan") << "JSON has no NaN: written as a string";
  EXPECT_EQ(section["backends"][0]["name"], "fake");
  EXPECT_EQ(section["options"]["data"], nlohmann::json({"exact", "normal"}));
}

}  // namespace
}  // namespace convt::testing
