// The subcommands of convt and their shared exit codes.
//   0 success, 1 a check failed, 2 bad input, 3 internal error,
//   130 interrupted (SIGINT or SIGTERM; what ran is reported, marked partial).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "reference/result.h"

namespace convt::cli {

enum ExitCode : int { kSuccess = 0, kCheckFailed = 1, kBadInput = 2, kInternalError = 3, kInterrupted = 130 };

// A subcommand registers its options and, when chosen, sets `action`.
using Action = std::function<int()>;
void add_run_command(CLI::App& app, Action& action);
void add_list_command(CLI::App& app, Action& action);
void add_check_command(CLI::App& app, Action& action);
void add_fuzz_command(CLI::App& app, Action& action);
void add_bench_command(CLI::App& app, Action& action);
void add_report_command(CLI::App& app, Action& action);
// The subcommands of `convt report` (report_command.cpp adds merge itself).
void add_report_determinism(CLI::App* report, Action& action);
void add_report_accuracy(CLI::App* report, Action& action);
void add_report_html(CLI::App* report, Action& action);

// Prints "convt: <message>" on stderr and returns kBadInput.
int bad_input(const Error& error);

}  // namespace convt::cli
