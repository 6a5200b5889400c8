// --isolate and --case-timeout on the command line: a built-in backend
// reports the same cases isolated as not, and what cannot work is refused.
// (Plugins that crash and hang: tests/mutants/mutants_test.cpp.)
#include <sstream>

#include "cli_fixture.h"

namespace convt::testing {
namespace {

// The lines that report a case ("[passed] ...", with --verbose) and the summary.
std::string case_reports(const std::string& out) {
  std::istringstream in(out);
  std::string kept;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("[", 0) == 0 || line.rfind("tests:", 0) == 0) kept += line + '\n';
  return kept;
}

TEST_F(Cli, BuiltInBackendReportsTheSameIsolatedOrNot) {
  const auto check = [&](const std::vector<std::string>& isolation) {
    std::vector<std::string> args = {"check", "--backend", "cpu", "--problem", "mb2ic6ih5iw7oc4kh3kw2sh2ph1g2",
                                     "--problem", "mb1ic3ih4oc5kh2nobias", "--verbose"};
    args.insert(args.end(), isolation.begin(), isolation.end());
    return convt(args);
  };
  const Outcome off = check({"--isolate", "off"});
  EXPECT_EQ(off.code, 0) << off.out << off.err;
  EXPECT_EQ(lines(case_reports(off.out)), 7u) << off.out;  // 2 problems x 3 data modes, and the summary
  EXPECT_CONTAINS(off.out, "tests:6 passed:6 failed:0");
  const std::vector<std::string> isolated[] = {{"--isolate", "on"}, {"--case-timeout", "30"}, {}};
  for (const std::vector<std::string>& isolation : isolated) {
    const Outcome r = check(isolation);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(case_reports(r.out), case_reports(off.out));
  }
}

TEST_F(Cli, IsolationOptionsRefuseWhatCannotWork) {
  expect_bad_input({"check", "--problem", "mb1ic2ih3oc2kh2", "--isolate", "maybe"}, "--isolate");
  expect_bad_input({"check", "--problem", "mb1ic2ih3oc2kh2", "--isolate", "off", "--case-timeout", "2"},
                   "--case-timeout needs isolated cases");
  expect_bad_input({"fuzz", "--case-timeout", "0"}, "--case-timeout");
  expect_bad_input({"fuzz", "--case-timeout", "-1"}, "--case-timeout");
}

}  // namespace
}  // namespace convt::testing
