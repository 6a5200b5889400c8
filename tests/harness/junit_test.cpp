// JUnit XML: a check run and a fuzz run as CI reads them, checked with a
// real XML parser (junit_reader.h): well-formed whatever the text holds, one
// testcase per problem x backend x data mode, the right counts, failures
// carrying the first mismatches and the repro line.
#include <gtest/gtest.h>

#include <set>

#include "fake_backend.h"
#include "harness/junit.h"
#include "junit_reader.h"
#include "tests/expect_contains.h"
#include "tests/problem_text.h"

namespace convt::testing {
namespace {

NamedBackend fake(const std::string& name, Defect defect) {
  return NamedBackend{name, "cpu", "", std::make_unique<FakeBackend>(defect)};
}

std::vector<SuiteEntry> entries(std::initializer_list<const char*> descriptors) {
  std::vector<SuiteEntry> out;
  for (const char* d : descriptors) out.push_back(SuiteEntry{problem(d), "", "test", {}, std::nullopt});
  return out;
}

TEST(JUnit, OneTestcasePerProblemBackendAndDataModeWithTheCounts) {
  const auto problems = entries({"ic2ih3oc2kh2", "mb2ic3ih4oc2kh3", "ic1ih9oc1kh3"});
  std::vector<NamedBackend> backends;
  backends.push_back(fake("good", Defect::none));
  backends.push_back(fake("unwritten", Defect::skip_last_element));
  backends.push_back(fake("refuses", Defect::unsupported));
  CheckOptions options;
  options.data = {DataMode::exact, DataMode::normal};
  const std::vector<CheckRecord> records = run_check(problems, backends, options);
  std::vector<JUnitCase> cases;
  for (const CheckRecord& r : records) cases.push_back(junit_case(r));

  const JUnitDocument doc = read_junit(junit_xml("convt check", cases));
  ASSERT_EQ(doc.error, "");
  EXPECT_EQ(doc.suite.at("name"), "convt check");
  EXPECT_EQ(doc.suite.at("tests"), "18");
  EXPECT_EQ(doc.suite.at("failures"), "6");
  EXPECT_EQ(doc.suite.at("skipped"), "6");
  EXPECT_EQ(doc.suite.at("errors"), "0");
  ASSERT_EQ(doc.cases.size(), 18u);
  std::set<std::string> ids;
  std::map<std::string, int> outcomes;
  for (const JUnitTestcase& c : doc.cases) {
    ids.insert(c.attributes.at("classname") + "|" + c.attributes.at("name"));
    ++outcomes[c.attributes.at("classname") + " " + c.outcome];
  }
  EXPECT_EQ(ids.size(), 18u) << "every testcase has its own classname and name";
  EXPECT_EQ(outcomes["good passed"], 6);
  EXPECT_EQ(outcomes["unwritten failure"], 6);
  EXPECT_EQ(outcomes["refuses skipped"], 6);

  const JUnitTestcase& failed = doc.cases[2];  // problem 0, backend "unwritten", exact
  EXPECT_EQ(failed.attributes.at("classname"), "unwritten");
  EXPECT_EQ(failed.attributes.at("name"), "mb1ic2ih3iw3oc2kh2kw2sh1sw1ph0pw0oph0opw0dh1dw1g1 / exact");
  EXPECT_EQ(failed.outcome, "failure");
  EXPECT_CONTAINS(failed.message, "1 of 32 elements differ from the oracle (1 not written)");
  EXPECT_CONTAINS(failed.text, "at (n 0, c 1, h 3, w 3): expected");
  EXPECT_CONTAINS(failed.text, "repro: convt check --problem mb1ic2ih3iw3oc2kh2kw2sh1sw1ph0pw0oph0opw0dh1dw1g1 "
                               "--backend unwritten --data exact --seed 1 --repeat 2");
  EXPECT_EQ(doc.cases[4].message, "this fake supports nothing");
}

TEST(JUnit, MistrustedCasesPassWithTheReasonAsOutput) {
  std::vector<NamedBackend> backends;
  backends.push_back(fake("good", Defect::none));
  CheckOptions options;
  options.data = {DataMode::normal};
  const std::vector<CheckRecord> records = run_check(entries({"ic1ih1oc1kh1dh200oph199"}), backends, options);
  ASSERT_EQ(records.at(0).result.verdict, Verdict::mistrusted);
  const JUnitDocument doc = read_junit(junit_xml("s", {junit_case(records[0])}));
  ASSERT_EQ(doc.error, "");
  ASSERT_EQ(doc.cases.size(), 1u);
  EXPECT_EQ(doc.cases[0].outcome, "passed");
  EXPECT_CONTAINS(doc.cases[0].text, "mistrusted: only 1 of 40000");
  EXPECT_EQ(doc.suite.at("failures"), "0");
}

TEST(JUnit, AnyTextStaysWellFormedAndRoundTrips) {
  JUnitCase c;
  c.classname = "plugin:a&b";
  c.name = "<name> \"quoted\" 'single'";
  c.outcome = JUnitCase::Outcome::failed;
  c.message = "line 1\nline 2\ttab & <tag> \xc2\xb5s";
  c.details = "]]> <![CDATA[ & \x01\x1b bell \xff\xfe bad utf-8 \xe2\x82\xac\nsecond line";
  const std::string xml = junit_xml("suite \"x\" & <y>", {c});
  const JUnitDocument doc = read_junit(xml);
  ASSERT_EQ(doc.error, "") << xml;
  EXPECT_EQ(doc.suite.at("name"), "suite \"x\" & <y>");
  ASSERT_EQ(doc.cases.size(), 1u);
  EXPECT_EQ(doc.cases[0].attributes.at("classname"), "plugin:a&b");
  EXPECT_EQ(doc.cases[0].attributes.at("name"), "<name> \"quoted\" 'single'");
  EXPECT_EQ(doc.cases[0].message, c.message) << "line breaks and tabs survive in an attribute";
  EXPECT_EQ(doc.cases[0].text, "]]> <![CDATA[ & ?? bell ?? bad utf-8 \xe2\x82\xac\nsecond line")
      << "control characters and invalid UTF-8 become '?', valid UTF-8 stays";
  EXPECT_EQ(xml_escape("a\x7f", true), "a\x7f") << "DEL is legal XML 1.0";
}

TEST(JUnit, AnEmptyRunIsAValidDocument) {
  const JUnitDocument doc = read_junit(junit_xml("convt check", {}));
  ASSERT_EQ(doc.error, "");
  EXPECT_EQ(doc.suite.at("tests"), "0");
  EXPECT_TRUE(doc.cases.empty());
}

TEST(JUnit, FuzzRunIsOneTestcaseNamedBySeed) {
  FuzzOptions options;
  options.seed = 3;
  options.cases = 500;
  NamedBackend bad = fake("fake", Defect::write_after);
  const FuzzOutcome found = fuzz(bad, options);
  ASSERT_TRUE(found.counterexample);
  const JUnitDocument doc = read_junit(junit_xml("convt fuzz", {junit_fuzz_case(bad, options, found)}));
  ASSERT_EQ(doc.error, "");
  ASSERT_EQ(doc.cases.size(), 1u);
  EXPECT_EQ(doc.cases[0].attributes.at("classname"), "fake");
  EXPECT_EQ(doc.cases[0].attributes.at("name"), "fuzz seed 3");
  EXPECT_EQ(doc.cases[0].outcome, "failure");
  EXPECT_EQ(doc.cases[0].message.rfind("counterexample " + format_descriptor(found.counterexample->spec.problem), 0), 0u)
      << doc.cases[0].message;
  EXPECT_CONTAINS(doc.cases[0].message, "past the end of the output");
  EXPECT_CONTAINS(doc.cases[0].text, "repro: convt check --problem " +
                                         format_descriptor(found.counterexample->spec.problem) + " --backend fake");

  options.cases = 20;
  options.around = {problem("ic4ih5oc4kh3")};
  NamedBackend good = fake("fake", Defect::none);
  const FuzzOutcome none = fuzz(good, options);
  const JUnitDocument passed = read_junit(junit_xml("convt fuzz", {junit_fuzz_case(good, options, none)}));
  ASSERT_EQ(passed.error, "");
  ASSERT_EQ(passed.cases.size(), 1u);
  EXPECT_EQ(passed.cases[0].outcome, "passed");
  EXPECT_EQ(passed.cases[0].attributes.at("name"), "fuzz seed 3 around " + format_descriptor(options.around[0]));
  EXPECT_EQ(passed.cases[0].text, "20 cases, no counterexample");
  EXPECT_EQ(passed.suite.at("failures"), "0");
}

}  // namespace
}  // namespace convt::testing
