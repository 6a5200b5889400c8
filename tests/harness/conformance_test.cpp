// The check run: selection by filter and shard, fail-fast, totals, report.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

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
  EXPECT_NE(text.find("got nan"), std::string::npos) << text;
  EXPECT_NE(text.find("repro: convt check --problem mb2ic3ih4iw4oc2kh3"), std::string::npos) << text;
}

TEST(CheckReport, JsonHasEveryCaseAndTheTotals) {
  const auto problems = entries({"ic2ih3oc2kh2", "ic1ih2oc1kh1"});
  std::vector<NamedBackend> backends;
  backends.push_back(fake(Defect::skip_last_element));
  CheckOptions options;
  options.data = {DataMode::exact, DataMode::normal};
  const std::vector<CheckRecord> records = run_check(problems, backends, options);
  const std::string path = ::testing::TempDir() + "/convt_report.json";
  ASSERT_FALSE(write_check_report(path, records, backends, options));
  std::ifstream in(path);
  const nlohmann::json report = nlohmann::json::parse(in);
  EXPECT_EQ(report["summary"]["tests"], 4);
  EXPECT_EQ(report["summary"]["failed"], 4);
  ASSERT_EQ(report["cases"].size(), 4u);
  const nlohmann::json& first = report["cases"][0];
  EXPECT_EQ(first["verdict"], "failed");
  EXPECT_EQ(first["data"], "exact");
  EXPECT_EQ(first["first_mismatches"][0]["got"], "nan") << "JSON has no NaN: written as a string";
  EXPECT_EQ(report["backends"][0]["name"], "fake");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace convt::testing
