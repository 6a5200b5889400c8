// convt's report: one JSON document that every report-writing command
// produces (check --report, report determinism, report accuracy, bench
// through report merge), documented in docs/reports.md.
//
//   {
//     "schema_version": 1,
//     "partial": false,            // true when the run was interrupted
//     "context": {...},            // where and how it was made (make_context)
//     "conformance": {...},        // sections: each present when measured
//     "determinism": {...},
//     "accuracy": {...},
//     "performance": {...}
//   }
//
// A section holds "records", an array of objects, each with "order": an
// array of whole numbers (the problem's index in the whole selection, then
// the backend's, then whatever else orders it) that says where the record
// stands in an unsharded run; merge_reports sorts by it. Whatever else a
// section holds is the same in every shard of one run.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reference/result.h"

namespace convt::report {

inline constexpr int kSchemaVersion = 1;
inline constexpr const char* kSections[] = {"conformance", "determinism", "accuracy", "performance"};

// What the command line knows about the run; make_context adds the machine.
struct RunInfo {
  std::string convt_version;       // "0.1.0"
  std::string commit;              // git describe of the build, or "unknown"
  std::string command_line;        // as typed, shell-quoted
  std::vector<uint64_t> seeds;     // every seed the run used
  int shard_index = 0, shard_count = 1;
  double peak_gflops_per_core = 0;  // when measured (convt bench measures it)
  std::string peak_isa;
  bool with_gpu = false;           // a GPU backend ran: add the GPU's context
};

// The context object: the RunInfo, date (UTC), host, CPU model and cores,
// compiler, and with a GPU backend its name, SMs, clocks, driver, CUDA and
// cuDNN versions (harness/gpu_context.h).
nlohmann::json make_context(const RunInfo& info);

// A report with the context and no sections.
nlohmann::json new_report(const RunInfo& info);

// Writes `text` atomically (a temporary file beside it, then rename), so
// that a reader never sees half a file and an earlier file stays whole
// until the new one is complete.
std::optional<Error> write_atomically(const std::string& path, const std::string& text);

// The document, written so.
std::optional<Error> write_report(const std::string& path, const nlohmann::json& doc);

// A report, or a Google Benchmark JSON file (convt bench --report), which
// becomes a report with its benchmarks as the performance section.
Result<nlohmann::json> read_report(const std::string& path);

// The reports of shards (or of different sections of one run) joined into
// the report one unsharded run would have written: every section's records
// in "order", the context of the first with its shard cleared, "partial" if
// any was. An error when the schema versions differ or two reports hold the
// same record (same section and order).
Result<nlohmann::json> merge_reports(const std::vector<nlohmann::json>& reports);

}  // namespace convt::report
