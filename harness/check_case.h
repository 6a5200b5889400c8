// One case of a check: a problem, a data mode and a seed, run through one
// backend `repeat` times and judged against the oracle.
//
// Verdicts:
//   passed      every run matched the oracle (comparison.h), wrote nothing
//               outside the output, and repeated runs agreed bitwise (or the
//               backend does not claim determinism: differences are recorded)
//   failed      anything else: a mismatch, a write outside the output, an
//               error returned by the backend, nondeterminism it did not admit
//   mistrusted  passed, but fewer than 1% of the output elements depend on x
//               and w at all (zeros or bias only): the case would not see a bug
//   skipped     the backend does not support the problem (it says why)
#pragma once

#include <cstdint>
#include <string>

#include "harness/backend.h"
#include "harness/comparison.h"
#include "harness/data.h"
#include "reference/problem.h"

namespace convt {

struct CaseSpec {
  Problem problem;
  DataMode data = DataMode::exact;
  uint64_t seed = 1;
  int repeat = 2;
};

enum class Verdict { passed, failed, mistrusted, skipped };
const char* verdict_name(Verdict v);

struct CaseResult {
  Verdict verdict = Verdict::passed;
  std::string reason;            // why it failed, was skipped or is mistrusted
  Comparison comparison;         // of the first run that mismatched (or the first run)
  bool nondeterministic = false;  // repeated runs differed
  double prepare_seconds = 0;
  double run_seconds = 0;        // of the first run
};

CaseResult run_case(Backend& backend, const CaseSpec& spec);

// The command that replays exactly this case.
std::string repro_command(const NamedBackend& backend, const CaseSpec& spec);

}  // namespace convt
