// Tests of the convt command line, run as a program (CONVT_BINARY), on what
// it once got wrong: where `fuzz --save` writes and when it checks the path,
// the report file of a `bench` that runs nothing, the .npy dtype messages,
// an invalid CONVT_CPU_ISA, the ISA recorded in the reports, negative seeds
// and out-of-range numbers, and the units of bench's counters.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <regex>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/npy.h"
#include "harness/suite.h"
#include "tests/expect_contains.h"
#include "tests/harness/cli_fixture.h"

#ifndef FIXTURE_RETURNS_7
#error "FIXTURE_RETURNS_7 must name the plugin that fails every call"
#endif

namespace convt::testing {
namespace {

constexpr const char* kTiny = "ic1ih2oc1kh1";  // 1 x 1 x 2 x 2 in, 3 x 3 out

class CliBugs : public Cli {
 protected:
  // convt run with `env` (shell assignments, e.g. "CONVT_CPU_ISA=scalar")
  // in its environment.
  Outcome convt_with(const std::string& env, const std::vector<std::string>& args) {
    std::string command = env;
    command += ' ';
    command += quote(CONVT_BINARY);
    for (const std::string& a : args) {
      command += ' ';  // (not " " + quote(a), in which GCC 12 sees a false -Wrestrict)
      command += quote(a);
    }
    return shell(command);
  }

  // Exit 2 and one line on stderr, "convt: " and `text`; returns that line.
  std::string expect_bad_input_with(const std::string& env, const std::vector<std::string>& args,
                                    const std::string& text) {
    std::string shown = env + " convt";
    for (const std::string& a : args) {
      shown += ' ';
      shown += a;
    }
    SCOPED_TRACE(shown);
    const Outcome r = convt_with(env, args);
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("convt: ", 0), 0u) << r.err;
    EXPECT_CONTAINS(r.err, text);
    return r.err;
  }
  std::string bad_input_line(const std::vector<std::string>& args, const std::string& text) {
    return expect_bad_input_with("", args, text);
  }
};

// ---------------------------------------------------------------------------
// fuzz --save

TEST_F(CliBugs, FuzzSaveToAJsonPathWritesThatFile) {
  const std::string target = path("found/out.json");
  const Outcome r = convt({"fuzz", "--plugin", FIXTURE_RETURNS_7, "--cases", "20", "--save", target});
  ASSERT_EQ(r.code, 1) << r.out << r.err;
  ASSERT_TRUE(fs::is_regular_file(target)) << "--save " << target << " must be the file itself";
  EXPECT_CONTAINS(r.out, "saved: " + target);
  Result<Suite> suite = load_suite(target);
  ASSERT_TRUE(suite.ok()) << suite.error().message;
  EXPECT_EQ(suite->problems.size(), 1u);
  // It replays: the same plugin fails it again.
  const Outcome replay = convt({"check", "--config", target, "--plugin", FIXTURE_RETURNS_7});
  EXPECT_EQ(replay.code, 1) << replay.out << replay.err;
}

TEST_F(CliBugs, FuzzSaveToADirectoryWritesAFileInIt) {
  const Outcome r = convt({"fuzz", "--plugin", FIXTURE_RETURNS_7, "--cases", "20", "--save", path("found")});
  ASSERT_EQ(r.code, 1) << r.out << r.err;
  ASSERT_TRUE(fs::is_directory(path("found")));
  size_t files = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(path("found"))) {
    EXPECT_EQ(e.path().extension(), ".json") << e.path();
    EXPECT_TRUE(load_suite(e.path().string()).ok()) << e.path();
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(CliBugs, FuzzRefusesABadSavePathBeforeFuzzing) {
  std::ofstream(path("plain")) << "a file, not a directory\n";
  // The oracle has no counterexample: a path checked only once one is found
  // would never be refused.
  for (const std::string& target : {path("plain/out.json"), path("plain/dir"), path("plain")})
    expect_bad_input({"fuzz", "--cases", "3", "--save", target}, "--save: ");
  EXPECT_EQ(read_file(path("plain")), "a file, not a directory\n");
}

TEST_F(CliBugs, FuzzLeavesNoFileWithoutACounterexample) {
  const Outcome r = convt({"fuzz", "--cases", "3", "--save", path("out.json")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_FALSE(fs::exists(path("out.json")));
}

// ---------------------------------------------------------------------------
// bench: no report when nothing runs; counters; the ISA in the context

TEST_F(CliBugs, BenchListingWritesNoReport) {
  const Outcome r = convt({"bench", "--problem", kTiny, "--backend", "reference", "--benchmark_list_tests=true",
                           "--report", path("r.json")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "reference/mb1ic1ih2iw2oc1");
  EXPECT_FALSE(fs::exists(path("r.json"))) << "a listing leaves no (empty) report";
  // A report that is there stays as it is.
  std::ofstream(path("old.json")) << "{}\n";
  EXPECT_EQ(convt({"bench", "--problem", kTiny, "--backend", "reference", "--benchmark_list_tests",
                   "--benchmark_out=" + path("old.json")})
                .code,
            0);
  EXPECT_EQ(read_file(path("old.json")), "{}\n");
}

TEST_F(CliBugs, BenchMatchingNothingWritesNoReport) {
  const Outcome r = convt({"bench", "--problem", kTiny, "--backend", "reference", "--threads", "1",
                           "--benchmark_filter=nomatch", "--report", path("r.json")});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_CONTAINS(r.err, "convt: no benchmark matches --benchmark_filter=nomatch");
  EXPECT_FALSE(fs::exists(path("r.json")));
}

TEST_F(CliBugs, BenchCountersAreNotRatesOfRatesAndTheIsaIsInTheContext) {
  const Outcome r = convt_with("CONVT_CPU_ISA=scalar", {"bench", "--problem", kTiny, "--backend", "cpu", "--threads",
                                                       "1", "--benchmark_min_time=0.001", "--report", path("b.json")});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  // Google Benchmark writes numbers as 167.5, 1.2k or 3.4m.
  const std::string number = "[0-9.]+[kMGTPmunp]?";
  EXPECT_TRUE(std::regex_search(r.out, std::regex(" GFLOP/s=" + number + "( |\n)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(" peak%=" + number + "( |\n)"))) << r.out;
  EXPECT_FALSE(std::regex_search(r.out, std::regex("(GFLOP/s|peak%)=" + number + "/s"))) << r.out;
  const nlohmann::json report = nlohmann::json::parse(read_file(path("b.json")));
  EXPECT_CONTAINS(report["context"]["backend cpu"].get<std::string>(), "ISA scalar (CONVT_CPU_ISA)");
}

// ---------------------------------------------------------------------------
// CONVT_CPU_ISA

TEST_F(CliBugs, InvalidCpuIsaIsBadInput) {
  const std::string env = "CONVT_CPU_ISA=bogus";
  const std::string why = "CONVT_CPU_ISA=bogus is not an ISA";
  expect_bad_input_with(env, {"check", "--backend", "cpu", "--problem", kTiny}, why);
  expect_bad_input_with(env, {"check", "--problem", kTiny}, why);  // cpu chosen by default
  expect_bad_input_with(env, {"run", "--backend", "cpu", "--problem", kTiny}, why);
  expect_bad_input_with(env, {"fuzz", "--backend", "cpu", "--cases", "1"}, why);
  expect_bad_input_with(env, {"bench", "--backend", "cpu", "--problem", kTiny}, why);
  // It concerns the cpu backend only.
  const Outcome oracle = convt_with(env, {"check", "--backend", "reference", "--problem", kTiny});
  EXPECT_EQ(oracle.code, 0) << oracle.out << oracle.err;
  const Outcome list = convt_with(env, {"list"});
  EXPECT_EQ(list.code, 0) << list.err;
  EXPECT_CONTAINS(list.out, why);
}

TEST_F(CliBugs, CheckReportNamesTheIsa) {
  const Outcome r = convt_with("CONVT_CPU_ISA=scalar", {"check", "--backend", "cpu", "--problem", kTiny, "--data",
                                                       "exact", "--report", path("r.json")});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const nlohmann::json report = nlohmann::json::parse(read_file(path("r.json")));
  ASSERT_EQ(report["conformance"]["backends"].size(), 1u);
  EXPECT_CONTAINS(report["conformance"]["backends"][0]["description"].get<std::string>(), "ISA scalar (CONVT_CPU_ISA)");
}

// ---------------------------------------------------------------------------
// .npy dtypes: one message, naming what the file holds and what is taken

void write_npy_with_descr(const std::string& path, const std::string& descr, size_t item_bytes, size_t count) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + std::to_string(count) +
                       ",), }";
  header.append(63 - (10 + header.size()) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xff) << char(header.size() >> 8) << header
      << std::string(item_bytes * count, '\0');
}

TEST_F(CliBugs, NpyDtypeMessagesAgree) {
  const std::vector<float> w(9, 1.0f);
  ASSERT_FALSE(write_npy(path("w.npy"), {1, 1, 3, 3}, std::span<const float>(w)));
  write_npy_with_descr(path("x16.npy"), "<f2", 2, 4);
  write_npy_with_descr(path("x64.npy"), "<f8", 8, 4);
  const std::string accepted = "convt's inputs are float32 ('<f4')";
  for (const auto& [file, holds] : {std::pair{"x16.npy", "the file holds float16"},
                                    std::pair{"x64.npy", "the file holds float64"}}) {
    const std::string line =
        bad_input_line({"run", "--problem", "sh1", "--input", path(file), "--weight", path("w.npy")}, holds);
    EXPECT_CONTAINS(line, accepted);
    EXPECT_EQ(line.find("('<f8') is"), std::string::npos) << line;
    EXPECT_EQ(line.find("or float64"), std::string::npos) << line << ": float64 is not taken here";
  }
}

// ---------------------------------------------------------------------------
// Numbers: negative seeds, out-of-range values, in one readable line

TEST_F(CliBugs, NegativeSeedIsRefused) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "--problem", kTiny, "--seed", "-1"},
        std::vector<std::string>{"check", "--backend", "reference", "--problem", kTiny, "--seed", "-1"},
        std::vector<std::string>{"fuzz", "--cases", "1", "--seed", "-1"}}) {
    const std::string line = bad_input_line(args, "--seed");
    EXPECT_CONTAINS(line, "not '-1'");
  }
  // The largest seed is still one.
  EXPECT_EQ(convt({"run", "--problem", kTiny, "--seed", "18446744073709551615"}).code, 0);
}

TEST_F(CliBugs, OutOfRangeNumbersGiveAShortLine) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"run", "--problem", kTiny, "--threads", "1e300"}, "--threads"},
      {{"run", "--problem", kTiny, "--threads", "-1"}, "--threads"},
      {{"check", "--problem", kTiny, "--repeat", "99999999999999999999"}, "--repeat"},
      {{"check", "--problem", kTiny, "--repeat", "0"}, "--repeat"},
      {{"fuzz", "--cases", "0"}, "--cases"},
      {{"fuzz", "--time", "-1"}, "--time"},
      {{"fuzz", "--max-elements", "1e300"}, "--max-elements"},
  };
  for (const auto& [args, option] : cases) {
    const std::string line = bad_input_line(args, option);
    EXPECT_LT(line.size(), 200u) << line;
    EXPECT_CONTAINS(line, "'" + args.back() + "'");
  }
}

}  // namespace
}  // namespace convt::testing
