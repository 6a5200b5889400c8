// The report document (harness/report/report.h) and what every report
// command shares: shards from --shard or a scheduler's environment, merge
// (shards joined equal the unsharded report, apart from timings), atomic
// writes, and interrupted runs (a partial report, never a corrupt file).
#include <signal.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "cli_fixture.h"
#include "harness/report/report.h"

namespace convt::testing {
namespace {

using nlohmann::json;

class Report : public Cli {
 protected:
  // A suite of seven small problems.
  std::string suite() {
    const std::string p = path("suite.json");
    std::ofstream(p) << R"({"problems": [
      {"descriptor": "mb1ic4ih4oc4kh3"}, {"descriptor": "mb2ic4ih5oc6kh3sh2ph1oph1"},
      {"descriptor": "mb1ic8ih3oc8kh2sh2g4"}, {"descriptor": "mb1ic2ih6iw3oc3kh3kw2dh2"},
      {"descriptor": "mb0ic4ih4oc4kh3"}, {"descriptor": "mb1ic3ih4oc5kh4sh2ph1nobias"},
      {"descriptor": "mb2ic6ih3oc6kh3sh3ph1oph2g3"}]})";
    return p;
  }
  json load(const std::string& file) {
    const json doc = json::parse(read_file(path(file)), nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << file;
    return doc;
  }
};

// Everything but what differs from run to run: timings and when and how
// the run was started.
json without_timings(json doc) {
  doc.erase("context");
  for (json& r : doc["conformance"]["records"]) {
    r.erase("prepare_seconds");
    r.erase("run_seconds");
  }
  return doc;
}

TEST_F(Report, CheckWritesTheDocumentWithItsContext) {
  const Outcome r = convt({"check", "--backend", "cpu", "--config", suite(), "--data", "exact", "--report",
                           path("r.json")});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const json doc = load("r.json");
  EXPECT_EQ(doc["schema_version"], report::kSchemaVersion);
  EXPECT_EQ(doc["partial"], false);
  for (const char* key : {"convt_version", "commit", "command_line", "date", "host", "cpu_model", "cores", "compiler",
                          "seeds", "shard"})
    EXPECT_TRUE(doc["context"].contains(key)) << key;
  EXPECT_CONTAINS(doc["context"]["command_line"].get<std::string>(), "convt check --backend cpu");
  const json& c = doc["conformance"];
  EXPECT_EQ(c["records"].size(), 7u);
  EXPECT_EQ(c["records"][1]["order"], json({1, 0, 0}));
  EXPECT_EQ(c["options"]["tf32"], "off");
}

TEST_F(Report, MergedShardsEqualTheUnshardedReport) {
  const std::string s = suite();
  const std::vector<std::string> common = {"check", "--backend", "cpu,reference", "--config", s, "--data", "exact,normal"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = common;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  ASSERT_EQ(convt(with({"--report", path("whole.json")})).code, 0);
  std::vector<std::string> merge = {"report", "merge"};
  for (int i = 0; i < 3; ++i) {
    const std::string part = path("part" + std::to_string(i) + ".json");
    const Outcome r = convt(with({"--shard", std::to_string(i) + "/3", "--report", part}));
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    merge.push_back(part);
  }
  std::reverse(merge.begin() + 2, merge.end());  // the order of the inputs does not matter
  merge.insert(merge.end(), {"--output", path("merged.json")});
  const Outcome m = convt(merge);
  ASSERT_EQ(m.code, 0) << m.out << m.err;
  EXPECT_CONTAINS(m.out, "conformance: 28 records");
  const json whole = load("whole.json"), merged = load("merged.json");
  EXPECT_EQ(merged["context"]["shard"], whole["context"]["shard"]);
  EXPECT_EQ(without_timings(merged), without_timings(whole));

  // The same shard twice is an error, not a report with duplicates.
  const Outcome twice = convt({"report", "merge", path("part0.json"), path("part0.json"), "--output", path("x.json")});
  EXPECT_EQ(twice.code, 2) << twice.out;
  EXPECT_CONTAINS(twice.err, "two reports hold the same conformance record");
  EXPECT_FALSE(fs::exists(path("x.json")));
}

TEST_F(Report, ShardsComeFromTheSchedulersEnvironment) {
  const std::string s = suite();
  const std::string check = quote(CONVT_BINARY) + " check --backend reference --data exact --config " + quote(s);
  struct Case {
    std::string env, header;
  };
  for (const Case& c : {Case{"GTEST_SHARD_INDEX=1 GTEST_TOTAL_SHARDS=3", "shard 1/3: 2 of 7"},
                        Case{"SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=3", "shard 2/3: 2 of 7"},
                        Case{"SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_MIN=4 SLURM_ARRAY_TASK_MAX=6", "shard 1/3: 2 of 7"},
                        Case{"JOB_COMPLETION_INDEX=0 CONVT_SHARDS=2", "shard 0/2: 4 of 7"}}) {
    const Outcome r = shell("env " + c.env + " " + check);
    EXPECT_EQ(r.code, 0) << c.env << r.out << r.err;
    EXPECT_CONTAINS(r.out, c.header);
  }
  const Outcome missing = shell("env JOB_COMPLETION_INDEX=1 " + check);
  EXPECT_EQ(missing.code, 2);
  EXPECT_CONTAINS(missing.err, "JOB_COMPLETION_INDEX: set CONVT_SHARDS");
  const Outcome bad = shell("env SLURM_ARRAY_TASK_ID=x SLURM_ARRAY_TASK_COUNT=2 " + check);
  EXPECT_EQ(bad.code, 2);
  EXPECT_CONTAINS(bad.err, "SLURM_ARRAY_TASK_ID='x': expected a whole number");
}

TEST_F(Report, WritesAreAtomic) {
  const std::string target = path("r.json");
  std::ofstream(target) << "earlier report";
  ASSERT_FALSE(report::write_report(target, json{{"schema_version", 1}}).has_value());
  EXPECT_EQ(read_file(target), "{\n \"schema_version\": 1\n}\n");
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) files += entry.path().filename() != "stderr.txt";
  EXPECT_EQ(files, 1u) << "no temporary file is left behind";
  const std::optional<Error> e = report::write_report(path("no/such/dir/r.json"), json::object());
  ASSERT_TRUE(e.has_value());
  EXPECT_CONTAINS(e->message, "no/such/dir/r.json");
}

// SIGINT or SIGTERM mid-run: exit 130, the cases so far in a report marked
// partial. SIGKILL mid-run: the earlier report at that path stays whole.
TEST_F(Report, AnInterruptedRunWritesAPartialReport) {
  const std::string run = quote(CONVT_BINARY) + " check --backend reference --repeat 3 --report " + quote(path("r.json"));
  for (const char* signal : {"INT", "TERM"}) {
    const Outcome r = shell(run + " & pid=$!; sleep 1.5; kill -" + signal + " $pid; wait $pid");
    EXPECT_EQ(r.code, 130) << signal << r.out << r.err;
    EXPECT_CONTAINS(r.out, "the report is marked partial");
    const json doc = load("r.json");
    EXPECT_EQ(doc["partial"], true);
    EXPECT_GT(doc["conformance"]["records"].size(), 0u);
    EXPECT_LT(doc["conformance"]["records"].size(), 900u) << "the default suite has 915 cases";
  }
  std::ofstream(path("r.json")) << "earlier report";
  const Outcome killed = shell(run + " & pid=$!; sleep 1; kill -KILL $pid; wait $pid");
  EXPECT_EQ(killed.code, 128 + SIGKILL);
  EXPECT_EQ(read_file(path("r.json")), "earlier report");
}

TEST_F(Report, GoogleBenchmarkJsonIsThePerformanceSection) {
  const Outcome b = convt({"bench", "--backend", "cpu", "--problem", "mb1ic8ih4oc8kh4sh2ph1", "--threads", "1",
                           "--benchmark_min_time=0.01", "--report", path("bench.json")});
  ASSERT_EQ(b.code, 0) << b.out << b.err;
  Result<json> doc = report::read_report(path("bench.json"));
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  const json& records = (*doc)["performance"]["records"];
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["name"], "cpu/mb1ic8ih4iw4oc8kh4kw4sh2sw2ph1pw1oph0opw0dh1dw1g1");
  // 14 of 16 (row, tap) pairs per axis land in the output.
  const double useful = records[0]["GFLOP/s"], nominal = records[0]["nominal_GFLOP/s"];
  EXPECT_NEAR(nominal / useful, 256.0 / 196.0, 1e-9);
  EXPECT_FALSE(report::read_report(path("stderr.txt")).ok());
}

}  // namespace
}  // namespace convt::testing
