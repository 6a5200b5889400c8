// The JSON report of a `convt check` run: what ran (version, seed, repeat,
// data modes, backends), every case with its verdict, reason, worst
// error/bound ratio, first mismatches (and whether they were written at
// all), where repeated runs differed, repro command, and the totals.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/conformance.h"

namespace convt {

std::optional<Error> write_check_report(const std::string& path, const std::vector<CheckRecord>& records,
                                        const std::vector<NamedBackend>& backends, const CheckOptions& options);

}  // namespace convt
