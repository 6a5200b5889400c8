// convt fuzz: property-based testing of a backend with RapidCheck.
//
// Cases are drawn from the whole legal parameter space (every parameter,
// groups with depthwise layers and channel multipliers, output_padding up to
// its limit, kernels larger than the input, N = 0, widths and channel counts
// on both sides of 8/16/32), or from the neighbourhood of one problem
// or problems (--around, --benchdnn), within a size limit, in every data mode, each with its own
// data seed. The first failing case is shrunk by RapidCheck to a minimal one
// (smaller sizes, simpler parameters, smaller seed) that still fails.
// The same seed gives the same sequence of cases.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/check_case.h"
#include "harness/isolation.h"

namespace convt {

struct FuzzOptions {
  uint64_t seed = 1;
  int64_t cases = 0;       // stop after this many cases (0: no limit)
  double seconds = 0;      // stop after this long (0: no limit)
  int64_t max_elements = 4096;  // per tensor (input, weight, output)
  std::vector<Problem> around;  // --around, --benchdnn: each case near one of these (empty: anywhere)
  std::vector<DataMode> data{std::begin(kAllDataModes), std::end(kAllDataModes)};
  int repeat = 2;
  Isolation isolation;  // a case that crashes or times out in a worker is a counterexample too
};

struct Counterexample {
  CaseSpec spec;
  CaseResult result;
};

struct FuzzOutcome {
  int64_t cases = 0;  // cases run before the failure (or in all)
  int64_t skipped = 0;       // of them, skipped: the backend does not support the problem
  std::string skip_reason;   // the reason of the first skipped case
  double seconds = 0;
  std::optional<Counterexample> counterexample;  // minimal, after shrinking
};

FuzzOutcome fuzz(NamedBackend& backend, const FuzzOptions& options);

// Where a counterexample is saved for `--save TARGET`: TARGET itself when
// it ends in .json, else counterexample-<backend>-seed<seed>.json in the
// directory TARGET. Creates the missing directories and makes sure the file
// can be written (without leaving one behind), so that a bad path is
// refused before fuzzing starts.
Result<std::string> counterexample_path(const std::string& target, const std::string& backend, uint64_t seed);

// Writes the counterexample, at counterexample_path(target, ...), as a suite
// file that `convt check --config` replays (problem, data mode and seed);
// returns its path.
Result<std::string> save_counterexample(const std::string& target, const NamedBackend& backend,
                                        const FuzzOptions& options, const Counterexample& c);

}  // namespace convt
