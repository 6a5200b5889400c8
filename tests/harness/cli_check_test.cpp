// `convt check` and `convt fuzz` as CI runs them, through the built program:
// the header that says what runs, the JUnit XML file (read back with expat),
// the closing list of failed cases, a selection of nothing refused but an
// empty shard accepted, and repro lines that work pasted in another
// directory. A plugin with a planted bug (tests/mutants: the bias added to
// batch item 0 only) provides failures; the oracle passes.
#include <gtest/gtest.h>

#include "cli_fixture.h"
#include "junit_reader.h"
#include "reference/descriptor.h"
#include "tests/expect_contains.h"
#include "tests/problem_text.h"

#ifndef MUTANT_PLUGIN
#error "MUTANT_PLUGIN must name a plugin that fails on batches of two or more with bias"
#endif

namespace convt::testing {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// What follows the summary line.
std::string after_summary(const std::string& out) {
  const size_t at = out.find("tests:");
  return at == std::string::npos ? "" : out.substr(out.find('\n', at) + 1);
}

class CliCheck : public Cli {
 protected:
  std::string suite(const std::string& name, const std::vector<std::string>& descriptors) {
    std::string text = "{\"name\": \"" + name + "\", \"problems\": [";
    for (size_t i = 0; i < descriptors.size(); ++i) text += (i ? ", \"" : "\"") + descriptors[i] + "\"";
    std::ofstream(path(name + ".json")) << text << "]}\n";
    return path(name + ".json");
  }
};

TEST_F(CliCheck, HeaderSaysOnceWhatRuns) {
  const std::string s = suite("three", {"ic2ih3oc2kh2", "ic3ih3oc2kh2", "ic4ih3oc2kh2"});
  const Outcome r = convt({"check", "--backend", "reference", "--config", s, "--problem", "ic2ih5oc1kh1", "--filter",
                           "ic2ih", "--data", "exact,normal", "--seed", "5", "--repeat", "1"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("convt check: backends reference\n"
                        "  problems: 4 from " + s + ", 1 --problem\n"
                        "  --filter ic2ih: 2 of them\n"
                        "  data: exact, normal; seed 5; repeat 1; tf32 off\n"
                        "tests:4 passed:4",
                        0),
            0u)
      << r.out;
  EXPECT_EQ(count(r.out, "convt check:"), 1u) << r.out;
}

TEST_F(CliCheck, JUnitFileAndClosingListOfFailures) {
  const std::string s = suite("four", {"mb1ic2ih3oc2kh2", "mb2ic2ih3oc2kh2", "mb2ic2ih3oc2kh2nobias", "mb3ic1ih2oc3kh1"});
  const Outcome r = convt({"check", "--backend", "reference", "--plugin", MUTANT_PLUGIN, "--config", s, "--data",
                           "exact,normal", "--repeat", "1", "--junit", path("junit.xml")});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "tests:16 passed:12 failed:4 mistrusted:0 skipped:0\nfailed (4):\n");
  const std::string failing = format_descriptor(problem("mb2ic2ih3oc2kh2"));
  const std::string repro = "convt check --problem " + failing + " --plugin " + MUTANT_PLUGIN +
                            " --data normal --seed 1 --repeat 1";
  const std::string closing = after_summary(r.out);
  EXPECT_CONTAINS(closing, "  plugin:mutant-bias-first-batch " + failing + " data normal: ");
  EXPECT_CONTAINS(closing, "    repro: " + repro + "\n");
  EXPECT_EQ(count(closing, "    repro: "), 4u) << closing;

  const JUnitDocument doc = read_junit(read_file(path("junit.xml")));
  ASSERT_EQ(doc.error, "");
  EXPECT_EQ(doc.suite.at("tests"), "16");
  EXPECT_EQ(doc.suite.at("failures"), "4");
  EXPECT_EQ(doc.suite.at("skipped"), "0");
  ASSERT_EQ(doc.cases.size(), 16u);
  const auto failed = std::find_if(doc.cases.begin(), doc.cases.end(), [&](const JUnitTestcase& c) {
    return c.attributes.at("name") == failing + " / normal" &&
           c.attributes.at("classname") == "plugin:mutant-bias-first-batch";
  });
  ASSERT_NE(failed, doc.cases.end());
  EXPECT_EQ(failed->outcome, "failure");
  EXPECT_CONTAINS(failed->message, "elements violate the error bound");
  EXPECT_CONTAINS(failed->text, "at (n 1, c 0, h 0, w 0): expected ");
  EXPECT_CONTAINS(failed->text, "repro: " + repro);
  const auto oracle = std::find_if(doc.cases.begin(), doc.cases.end(), [&](const JUnitTestcase& c) {
    return c.attributes.at("name") == failing + " / normal" && c.attributes.at("classname") == "reference";
  });
  ASSERT_NE(oracle, doc.cases.end());
  EXPECT_EQ(oracle->outcome, "passed");
}

TEST_F(CliCheck, ClosingListStopsAtTwenty) {
  std::vector<std::string> args = {"check", "--plugin", MUTANT_PLUGIN, "--data", "normal", "--repeat", "1"};
  for (int h = 1; h <= 22; ++h) args.insert(args.end(), {"--problem", "mb2ic1ih" + std::to_string(h) + "oc1kh1"});
  const Outcome r = convt(args);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  const std::string closing = after_summary(r.out);
  EXPECT_EQ(closing.rfind("failed (22):\n", 0), 0u) << r.out;
  EXPECT_EQ(count(closing, "    repro: convt check --problem "), 20u) << closing;
  EXPECT_TRUE(closing.ends_with("  ... and 2 more\n")) << closing;
}

TEST_F(CliCheck, ASelectionOfNothingIsBadInput) {
  expect_bad_input({"check", "--backend", "reference", "--problem", "ic2ih3oc2kh2", "--filter", "nomatch"},
                   "--filter 'nomatch' matches none of the 1 problems");
  expect_bad_input({"check", "--backend", "reference", "--config", suite("empty", {})},
                   "no problem to check: the suites given hold none");
}

TEST_F(CliCheck, AnEmptyShardOfASelectionPassesAndSaysSo) {
  const Outcome r = convt({"check", "--backend", "reference", "--problem", "ic2ih3oc2kh2", "--problem", "ic3ih3oc2kh2",
                           "--shard", "2/3", "--junit", path("junit.xml")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "  shard 2/3: 0 of 2\n");
  EXPECT_CONTAINS(r.out, "shard 2/3 holds none of the 2 problems selected: nothing to run here\n");
  EXPECT_CONTAINS(r.out, "tests:0 passed:0 failed:0");
  const JUnitDocument doc = read_junit(read_file(path("junit.xml")));
  ASSERT_EQ(doc.error, "");
  EXPECT_EQ(doc.suite.at("tests"), "0");
}

TEST_F(CliCheck, AJUnitPathThatCannotBeWrittenIsRefusedBeforeTheRun) {
  expect_bad_input({"check", "--backend", "reference", "--problem", "ic2ih3oc2kh2", "--junit", path("no/such/dir/j.xml")},
                   "--junit: " + path("no/such/dir/j.xml") + ": cannot open for writing");
  expect_bad_input({"fuzz", "--cases", "1", "--junit", path("no/such/dir/j.xml")}, "--junit: ");
}

// The repro line names the plugin by its absolute path, quoted: pasted in
// another directory it replays the failure, even when the plugin was given
// by a relative path with a space in it.
TEST_F(CliCheck, ReproLineWorksPastedElsewhere) {
  fs::create_directories(path("my plugins"));
  fs::copy_file(MUTANT_PLUGIN, path("my plugins/mutant.so"));
  const Outcome r = shell("cd " + quote(dir_.string()) + " && " + quote(CONVT_BINARY) +
                          " check --plugin 'my plugins/mutant.so' --problem mb2ic2ih3oc2kh2 --data exact --repeat 1");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  const std::string closing = after_summary(r.out);
  const size_t at = closing.find("    repro: convt ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string repro = closing.substr(at + 11, closing.find('\n', at) - at - 11);
  EXPECT_CONTAINS(repro, " --plugin " + quote(path("my plugins/mutant.so")) + " ");
  const Outcome again = shell("cd / && " + quote(CONVT_BINARY) + repro.substr(5));
  EXPECT_EQ(again.code, 1) << repro << "\n" << again.out << again.err;
  EXPECT_CONTAINS(again.out, "tests:1 passed:0 failed:1");
}

TEST_F(CliCheck, FuzzWritesOneTestcase) {
  const Outcome clean = convt({"fuzz", "--cases", "20", "--seed", "4", "--junit", path("clean.xml")});
  EXPECT_EQ(clean.code, 0) << clean.out << clean.err;
  const JUnitDocument passed = read_junit(read_file(path("clean.xml")));
  ASSERT_EQ(passed.error, "");
  ASSERT_EQ(passed.cases.size(), 1u);
  EXPECT_EQ(passed.cases[0].attributes.at("classname"), "reference");
  EXPECT_EQ(passed.cases[0].attributes.at("name"), "fuzz seed 4");
  EXPECT_EQ(passed.cases[0].outcome, "passed");

  const Outcome found = convt({"fuzz", "--plugin", MUTANT_PLUGIN, "--cases", "500", "--max-elements", "256",
                               "--data", "exact", "--junit", path("found.xml")});
  EXPECT_EQ(found.code, 1) << found.out << found.err;
  const JUnitDocument failed = read_junit(read_file(path("found.xml")));
  ASSERT_EQ(failed.error, "");
  ASSERT_EQ(failed.cases.size(), 1u);
  EXPECT_EQ(failed.suite.at("failures"), "1");
  EXPECT_EQ(failed.cases[0].outcome, "failure");
  EXPECT_EQ(failed.cases[0].message.rfind("counterexample mb", 0), 0u) << failed.cases[0].message;
  EXPECT_CONTAINS(failed.cases[0].text, std::string(" --plugin ") + MUTANT_PLUGIN + " --data exact");
}

}  // namespace
}  // namespace convt::testing
