// Mutation testing: convt must catch every classic kernel bug of
// mutant.c (see its top comment), by `convt check` on the default suite and
// by `convt fuzz` within 30 seconds (with a counterexample that replays),
// and must raise no false alarm on correct plugins: the unmutated variant
// of mutant.c (another order of summation) and examples/gather_plugin.c.
// The variants that segfault, abort or hang on problems with C_in = 3 must
// fail exactly those cases, in worker processes, while the run goes on.
//
// CONVT_BINARY is the convt executable; CONVT_PLUGINS lists the plugins as
// "name=path,..." ("example" and "none" are the correct ones);
// CONVT_CRASHING_PLUGINS lists the crashing ones the same way.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Plugin {
  std::string name;  // the mutant's name in CMake (none: unmutated), or "example"
  std::string path;

  bool correct() const { return name == "none" || name == "example"; }
  // What its convt_plugin_name() says.
  std::string plugin_name() const {
    if (name == "example") return "example-gather";
    if (name == "none") return "correct-reordered";
    std::string s = "mutant-" + name;
    for (char& c : s)
      if (c == '_') c = '-';
    return s;
  }
};

void PrintTo(const Plugin& p, std::ostream* os) { *os << p.name; }

// The plugins of a "name=path,..." list.
std::vector<Plugin> parse_plugins(const char* names_and_paths) {
  std::vector<Plugin> plugins;
  std::stringstream list(names_and_paths);
  for (std::string item; std::getline(list, item, ',');) {
    const size_t eq = item.find('=');
    plugins.push_back({item.substr(0, eq), item.substr(eq + 1)});
  }
  return plugins;
}

std::vector<Plugin> plugins(bool correct) {
  std::vector<Plugin> chosen;
  for (const Plugin& p : parse_plugins(CONVT_PLUGINS))
    if (p.correct() == correct) chosen.push_back(p);
  return chosen;
}

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct Outcome {
  int status = -1;  // exit status, or -1 when it did not exit normally
  std::string output;  // stdout and stderr
  double seconds = 0;
};

Outcome convt(const std::string& arguments) {
  const std::string command = quoted(CONVT_BINARY) + " " + arguments + " 2>&1";
  Outcome r;
  const auto start = std::chrono::steady_clock::now();
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  char buffer[4096];
  for (size_t got; (got = fread(buffer, 1, sizeof buffer, pipe)) > 0;) r.output.append(buffer, got);
  const int wait_status = pclose(pipe);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (wait_status != -1 && WIFEXITED(wait_status)) r.status = WEXITSTATUS(wait_status);
  return r;
}

// The first match of `pattern`'s group `group` in `text`, or "".
std::string find(const std::string& text, const std::string& pattern, int group = 1) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(pattern))) return "";
  return m[group].str();
}

// "failed:F" of the summary line, or -1 without one.
long failed_count(const std::string& output) {
  const std::string f = find(output, R"(tests:\d+ passed:\d+ failed:(\d+) mistrusted:\d+ skipped:\d+)");
  return f.empty() ? -1 : std::stol(f);
}

std::string summary(const std::string& output) {
  return find(output, R"((tests:\d+ passed:\d+ failed:\d+ mistrusted:\d+ skipped:\d+))");
}

// A scratch directory of this test, removed afterwards.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("convt-mutants-" + name + "-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

std::string test_name(const testing::TestParamInfo<Plugin>& info) { return info.param.name; }

class Mutant : public testing::TestWithParam<Plugin> {};
class Correct : public testing::TestWithParam<Plugin> {};

// The default suite catches the mutant (--fail-fast: at its first failed case).
TEST_P(Mutant, CaughtByCheck) {
  const Plugin& m = GetParam();
  const Outcome r = convt("check --plugin " + quoted(m.path) + " --fail-fast --shard 0/1");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_GT(failed_count(r.output), 0) << r.output;
  EXPECT_NE(r.output.find("plugin:" + m.plugin_name()), std::string::npos) << r.output;
  // For the record: the case that caught it (the first lines of its report).
  std::istringstream lines(r.output);
  std::string line, first;
  for (int i = 0; i < 3 && std::getline(lines, line); ++i) first += "  " + line + "\n";
  std::cout << "[" << m.name << "] check caught it in " << r.seconds << " s (" << summary(r.output) << "):\n"
            << first;
}

// Fuzzing finds a counterexample within 30 s, and its saved suite replays.
TEST_P(Mutant, CaughtByFuzzAndReplays) {
  const Plugin& m = GetParam();
  const ScratchDir dir(m.name);
  const Outcome r = convt("fuzz --plugin " + quoted(m.path) + " --time 30 --seed 1 --save " + quoted(dir.str()));
  ASSERT_EQ(r.status, 1) << r.output;
  const std::string cases = find(r.output, R"(fuzzed \S+: (\d+) cases in ([0-9.]+) s)", 1);
  const std::string seconds = find(r.output, R"(fuzzed \S+: (\d+) cases in ([0-9.]+) s)", 2);
  const std::string counterexample = find(r.output, R"(counterexample \(shrunk\): ([^\n]*))");
  ASSERT_FALSE(cases.empty()) << r.output;
  ASSERT_FALSE(counterexample.empty()) << r.output;
  EXPECT_NE(r.output.find("fuzzed plugin:" + m.plugin_name() + ":"), std::string::npos) << r.output;
  EXPECT_LT(std::stod(seconds), 30.0) << r.output;
  RecordProperty("fuzz_cases", cases);
  RecordProperty("fuzz_seconds", seconds);
  RecordProperty("counterexample", counterexample);
  std::cout << "[" << m.name << "] fuzz found it after " << cases << " cases in " << seconds
            << " s (with shrinking; " << r.seconds << " s in all): " << counterexample << "\n";

  const std::string saved = find(r.output, R"(saved: (\S+\.json))");
  ASSERT_FALSE(saved.empty()) << r.output;
  ASSERT_TRUE(std::filesystem::exists(saved)) << saved;
  const Outcome replay = convt("check --config " + quoted(saved) + " --plugin " + quoted(m.path) + " --shard 0/1");
  EXPECT_EQ(replay.status, 1) << replay.output;
  EXPECT_GT(failed_count(replay.output), 0) << replay.output;
}

// No false alarm on the whole default suite, one test per data mode so
// that `ctest -j` spreads the slowest part of these tests over the cores
// (the example plugin needs about 100 s for the whole suite, most of it on
// net_waveglow_upsample, a 1x1024 kernel).
const char* const kDataModes[] = {"exact", "normal", "special"};

struct SuitePart {
  Plugin plugin;
  std::string data;
};

void PrintTo(const SuitePart& s, std::ostream* os) { *os << s.plugin.name << " " << s.data; }

std::vector<SuitePart> suite_parts() {
  std::vector<SuitePart> parts;
  for (const Plugin& p : plugins(true))
    for (const char* mode : kDataModes) parts.push_back({p, mode});
  return parts;
}

class CorrectOnSuite : public testing::TestWithParam<SuitePart> {};

TEST_P(CorrectOnSuite, PassesDefaultSuite) {
  const SuitePart& s = GetParam();
  const Outcome r = convt("check --plugin " + quoted(s.plugin.path) + " --data " + s.data + " --shard 0/1");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(failed_count(r.output), 0) << r.output;
  EXPECT_GT(std::stol("0" + find(r.output, R"(tests:(\d+))")), 0) << r.output;
  std::cout << "[" << s.plugin.name << "] default suite, " << s.data << " data, in " << r.seconds
            << " s: " << summary(r.output) << "\n";
}

// No false alarm from fuzzing.
TEST_P(Correct, FuzzFindsNothing) {
  const Plugin& p = GetParam();
  const Outcome r = convt("fuzz --plugin " + quoted(p.path) + " --cases 3000 --seed 1");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("no counterexample"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("fuzzed plugin:" + p.plugin_name() + ": 3000 cases"), std::string::npos) << r.output;
  std::cout << "[" << p.name << "] " << find(r.output, R"((fuzzed [^\n]*))") << "\n";
}

// A plugin that fails as a process on problems with C_in = 3 (mutant.c).
struct Crash {
  Plugin plugin;
  std::string options;  // what the run needs besides --plugin (plugins are isolated by default)
  std::string reason;   // what the failed case's report says
};

void PrintTo(const Crash& c, std::ostream* os) { *os << c.plugin.name; }

std::vector<Crash> crashes() {
  std::vector<Crash> all;
  for (const Plugin& p : parse_plugins(CONVT_CRASHING_PLUGINS)) {
    if (p.name == "segfault") all.push_back({p, "", "crashed: SIGSEGV (Segmentation fault) in the backend"});
    if (p.name == "abort") all.push_back({p, "", "crashed: SIGABRT (Aborted) in the backend"});
    // Each step of shrinking that still hangs costs the timeout: a short one.
    if (p.name == "hang") all.push_back({p, "--case-timeout 0.25", "timed out after 0.25 s in the backend"});
  }
  return all;
}

class Crashing : public testing::TestWithParam<Crash> {};

// The second problem has C_in = 3: that case fails with the reason and its
// repro line; the cases before and after it pass.
TEST_P(Crashing, FailsThatCaseOnlyAndTheRunGoesOn) {
  const Crash& c = GetParam();
  const std::string junit = ::testing::TempDir() + "crash_" + c.plugin.name + ".xml";
  const Outcome r = convt("check --plugin " + quoted(c.plugin.path) + " " + c.options +
                          " --data exact --problem mb1ic2ih4oc2kh3 --problem mb1ic3ih4oc2kh3"
                          " --problem mb2ic4ih3oc3kh2sh2 --junit " + quoted(junit));
  std::ifstream in(junit);
  std::stringstream xml;
  xml << in.rdbuf();
  EXPECT_NE(xml.str().find(R"(<testsuite name="convt check" tests="3" failures="1")"), std::string::npos) << xml.str();
  EXPECT_NE(xml.str().find("<failure message=\"" + c.reason), std::string::npos) << xml.str();
  std::filesystem::remove(junit);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_EQ(summary(r.output), "tests:3 passed:2 failed:1 mistrusted:0 skipped:0") << r.output;
  const std::string failed = find(r.output, R"((\[failed\] [^\n]*))");
  EXPECT_NE(failed.find("plugin:" + c.plugin.plugin_name() + " mb1ic3ih4iw4oc2kh3kw3"), std::string::npos) << r.output;
  EXPECT_NE(failed.find(c.reason), std::string::npos) << r.output;
  EXPECT_FALSE(find(r.output, R"re(repro: convt check --problem '?(mb1ic3ih4iw4oc2kh3kw3))re").empty()) << r.output;
}

// Fuzzing finds the crash as a counterexample and shrinks it to the
// smallest problem with C_in = 3 (a 1x1 input and kernel).
TEST_P(Crashing, FuzzFindsItAndShrinksIt) {
  const Crash& c = GetParam();
  const Outcome r =
      convt("fuzz --plugin " + quoted(c.plugin.path) + " " + c.options + " --data exact --cases 1000 --seed 1");
  ASSERT_EQ(r.status, 1) << r.output;
  const std::string counterexample = find(r.output, R"(counterexample \(shrunk\): (\S+))");
  EXPECT_TRUE(std::regex_search(counterexample, std::regex("^mb[01]ic3ih1iw1oc[0-9]+kh1kw1"))) << r.output;
  EXPECT_NE(r.output.find(c.reason), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(Mutants, Mutant, testing::ValuesIn(plugins(false)), test_name);
INSTANTIATE_TEST_SUITE_P(Isolation, Crashing, testing::ValuesIn(crashes()),
                         [](const testing::TestParamInfo<Crash>& crash) { return crash.param.plugin.name; });
INSTANTIATE_TEST_SUITE_P(Plugins, Correct, testing::ValuesIn(plugins(true)), test_name);
INSTANTIATE_TEST_SUITE_P(Plugins, CorrectOnSuite, testing::ValuesIn(suite_parts()),
                         [](const testing::TestParamInfo<SuitePart>& part) {
                           return part.param.plugin.name + "_" + part.param.data;
                         });

}  // namespace
