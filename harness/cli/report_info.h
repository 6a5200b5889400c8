// What the report commands share: the run's description for the report's
// context (harness/report/report.h), from this convt's version and commit
// and the command line as typed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/report/report.h"
#include "harness/shard.h"

namespace convt::cli {

// Kept by main() for the reports' context.
void remember_command_line(int argc, char** argv);

// The RunInfo of this run: version, commit, the command line (shell-quoted),
// seeds, shard; with_gpu when a GPU backend takes part.
report::RunInfo run_info(const std::vector<uint64_t>& seeds, const Shard& shard, bool with_gpu);

}  // namespace convt::cli
