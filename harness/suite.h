// Problem suites: JSON files in configs/.
//
//   {"name": "conformance",
//    "problems": [
//      "mb2ic8ih5oc12kh3sh2",
//      {"descriptor": "ic8ih5oc12kh3", "name": "...", "source": "..."},
//      {"mb": 2, "ic": 8, "ih": 5, "oc": 12, "kh": 3, "bias": false,
//       "name": "...", "source": "DCGAN generator, layer 2"}]}
//
// An object uses the descriptor's field names (with the same defaults) and
// "bias" (true by default) instead of the nobias token. An object may also
// pin the data it is checked with: "data" (a mode or a list of modes) and
// "seed", as in the suites `convt fuzz` saves. Every problem is
// validated; an error names the file, where in it (line and column for
// malformed JSON, the problem's index otherwise) and what was expected.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/data.h"
#include "reference/problem.h"
#include "reference/result.h"

namespace convt {

struct SuiteEntry {
  Problem problem;
  std::string name;    // optional
  std::string source;  // optional: the network or test it comes from
  std::vector<DataMode> data;   // optional: only these data modes
  std::optional<uint64_t> seed;  // optional: this seed
};

struct Suite {
  std::string name;
  std::vector<SuiteEntry> problems;
};

// `file` is how errors refer to the text (usually its path).
Result<Suite> parse_suite(std::string_view text, const std::string& file);
Result<Suite> load_suite(const std::string& path);

}  // namespace convt
