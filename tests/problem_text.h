// Problems in tests, written as descriptors: problem("mb2ic3ih5oc4kh3")
// parses one, failing the test (not aborting it) when the text is not a
// valid problem; and GoogleTest prints a Problem as its canonical
// descriptor.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "reference/descriptor.h"
#include "reference/problem.h"

namespace convt {

inline void PrintTo(const Problem& p, std::ostream* os) { *os << format_descriptor(p); }

namespace testing {

inline Problem problem(const std::string& text) {
  Result<Problem> p = parse_problem(text);
  EXPECT_TRUE(p.ok()) << text << ": " << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : Problem{};
}

}  // namespace testing
}  // namespace convt
