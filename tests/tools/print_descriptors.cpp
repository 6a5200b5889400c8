// print_descriptors: the C++ side of tests/tools/convt_problem_test.py.
//
//   print_descriptors [--suite FILE]... [DESCRIPTOR]...
//
// For each suite file (convt::load_suite), one line per problem: its
// canonical descriptor (convt::format_descriptor). Then, for each descriptor
// argument (convt::parse_problem), one line: its canonical descriptor, or
// "error: " and the message of the refusal. A suite that fails to load
// prints "error: " and its message, and the exit status is 1.
#include <iostream>
#include <string>
#include <string_view>

#include "harness/suite.h"
#include "reference/descriptor.h"

int main(int argc, char** argv) {
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--suite" && i + 1 < argc) {
      const convt::Result<convt::Suite> suite = convt::load_suite(argv[++i]);
      if (!suite) {
        std::cout << "error: " << suite.error().message << '\n';
        status = 1;
        continue;
      }
      for (const convt::SuiteEntry& entry : suite->problems)
        std::cout << convt::format_descriptor(entry.problem) << '\n';
      continue;
    }
    const convt::Result<convt::Problem> p = convt::parse_problem(arg);
    if (p)
      std::cout << convt::format_descriptor(*p) << '\n';
    else
      std::cout << "error: " << p.error().message << '\n';
  }
  return status;
}
