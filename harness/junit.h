// JUnit XML, the test report format CI systems read (GitLab, Jenkins,
// GitHub test reporters): one <testsuite> of <testcase>s, each passed,
// failed (message and details) or skipped (message). `convt check` writes
// one testcase per problem x backend x data mode; `convt fuzz` one per
// backend fuzzed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/conformance.h"
#include "harness/fuzz.h"
#include "reference/result.h"

namespace convt {

struct JUnitCase {
  enum class Outcome { passed, failed, skipped };
  std::string classname;  // the backend
  std::string name;       // "problem descriptor / data mode"
  double seconds = 0;
  Outcome outcome = Outcome::passed;
  std::string message;  // why it failed or was skipped (one line)
  std::string details;  // the failure's text: first mismatches, repro line
  std::string output;   // <system-out>: a note on a case that passed (mistrusted)
};

// A case of `convt check`: failed cases fail, skipped ones are skipped,
// mistrusted ones pass with the reason as their output.
JUnitCase junit_case(const CheckRecord& r);

// The testcase of one backend fuzzed, named by the seed (and what it fuzzed
// around: one problem, or how many) so that CI follows it from run to run: failed with the shrunk counterexample
// and its repro line, or passed with the number of cases tried.
JUnitCase junit_fuzz_case(const NamedBackend& backend, const FuzzOptions& options, const FuzzOutcome& outcome);

// The XML document: <testsuites> holding one <testsuite name=suite> with
// the counts (tests, failures, errors, skipped) and total time.
std::string junit_xml(const std::string& suite, const std::vector<JUnitCase>& cases);

// `text` made safe for XML 1.0 character data and attribute values: markup
// characters escaped, control characters XML cannot hold and invalid UTF-8
// replaced by '?'; in an attribute value, line breaks and tabs as character
// references too.
std::string xml_escape(std::string_view text, bool in_attribute);

std::optional<Error> write_junit(const std::string& path, const std::string& suite, const std::vector<JUnitCase>& cases);

}  // namespace convt
