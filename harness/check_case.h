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
#include <functional>
#include <span>
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

// Every field crosses a process boundary in harness/isolation.cpp, which
// lists them (a new field does not compile until it is listed there too).
struct CaseResult {
  Verdict verdict = Verdict::passed;
  std::string reason;            // why it failed, was skipped or is mistrusted
  Comparison comparison;         // of the first run that mismatched (or the first run)
  bool nondeterministic = false;  // repeated runs differed
  int differing_run = 0;          // the first run that differed from run 1 (numbered from 1)
  RunDifferences differences;     // where it differed, and the two values
  double prepare_seconds = 0;
  double run_seconds = 0;        // of the first run
};

// Told `true` as convt calls into the backend (unsupported, prepare, each
// run) and `false` when the call returns, so that a caller can time the
// backend alone (harness/isolation.h).
using BackendCallObserver = std::function<void(bool inside)>;

CaseResult run_case(Backend& backend, const CaseSpec& spec, const BackendCallObserver& observer = {});

// An output computed elsewhere (convt run --expect), judged as run_case
// judges a run: bitwise on exact data (`exact`), else within the rigorous
// bound of `math`; failed (with the mismatches), mistrusted or passed.
CaseResult judge_output(const Problem& p, const Tensors& t, std::span<const float> y, bool exact,
                        const MathMode& math = {});

// The command that replays exactly this case, shell-quoted, with the
// plugin's path made absolute.
std::string repro_command(const NamedBackend& backend, const CaseSpec& spec);

// The command that replays a saved suite (a counterexample of convt fuzz) on
// this backend, quoted the same way, the suite's path made absolute too.
std::string replay_command(const std::string& suite_path, const NamedBackend& backend, int repeat);

}  // namespace convt
