// convt check: problems from suites, through backends, in data modes, each
// case judged by run_case. Selection (filter, shard) works on problems, so
// every shard of a CI matrix runs whole problems in every mode and backend.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/check_case.h"
#include "harness/isolation.h"
#include "harness/suite.h"
#include "harness/shard.h"
#include "reference/result.h"

namespace convt {

// The problems whose "name descriptor" matches `filter` (ECMAScript regex,
// searched; empty matches all), then every shard.count-th from shard.index.
// An error when there is no problem or the filter matches none (a typo in a
// CI job must not pass); an empty shard of a non-empty selection is not one.
Result<std::vector<SuiteEntry>> select_problems(const std::vector<SuiteEntry>& problems,
                                                const std::string& filter, Shard shard);

struct CheckOptions {
  std::vector<DataMode> data{std::begin(kAllDataModes), std::end(kAllDataModes)};
  uint64_t seed = 1;
  int repeat = 2;
  bool fail_fast = false;  // stop at the first failed case
  Isolation isolation;     // which cases run in a worker process
  Shard shard;             // which of the whole selection's problems these are
};

struct CheckRecord {
  // Where it stands in an unsharded run: the problem's index in the whole
  // selection, the backend's, the data mode's (harness/report/report.h).
  std::array<int64_t, 3> order{};
  SuiteEntry entry;
  std::string backend;
  CaseSpec spec;
  CaseResult result;
  std::string repro;
};

struct CheckTotals {
  int64_t tests = 0, passed = 0, failed = 0, mistrusted = 0, skipped = 0;
};

// Runs every (problem, backend, data mode), calling `on_case` after each;
// stops early after an interrupt (harness/interrupt.h) or, with fail_fast,
// the first failure.
std::vector<CheckRecord> run_check(const std::vector<SuiteEntry>& problems, std::vector<NamedBackend>& backends,
                                   const CheckOptions& options,
                                   const std::function<void(const CheckRecord&)>& on_case = {});

CheckTotals totals(const std::vector<CheckRecord>& records);

// "tests:T passed:P failed:F mistrusted:M skipped:S"
std::string summary_line(const CheckTotals& t);

// A failed or mistrusted case for a person: what, where (up to 10 elements
// with (n, c, h, w), expected, got, or "not written", and bound; for
// nondeterminism the positions where the runs differ and both values) and
// the repro command.
std::string describe(const CheckRecord& r);

// describe()'s lines for the elements: the mismatches (the bound shown when
// `bounded`) and where repeated runs differed. convt run --expect prints them too.
std::string describe_mismatches(const CaseResult& result, bool bounded);

// What follows the summary line when cases failed: one line per failed case
// with its repro command, at most `limit`, then "... and N more". Empty when
// none failed.
std::string failed_list(const std::vector<CheckRecord>& records, size_t limit = 20);

// The skipped cases grouped by their reason ("no usable CUDA device: ..."),
// with how many and of which backends; the first `limit` reasons. Empty
// when none was skipped.
std::string skipped_list(const std::vector<CheckRecord>& records, size_t limit = 5);

}  // namespace convt
