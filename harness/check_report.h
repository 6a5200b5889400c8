// The report of a `convt check` run (harness/report/report.h), its
// conformance section: the options (data modes, seed, repeat, --tf32,
// --deterministic), the backends, and every case with its verdict, reason,
// worst error/bound ratio, first mismatches (and whether they were written
// at all), where repeated runs differed, and its repro command.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/conformance.h"

namespace convt {

// The conformance section of these records.
nlohmann::json conformance_section(const std::vector<CheckRecord>& records, const std::vector<NamedBackend>& backends,
                                   const CheckOptions& options, const BackendOptions& math);

}  // namespace convt
