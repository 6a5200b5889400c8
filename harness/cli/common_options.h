// The options several commands share, registered in one place: what to run
// (--config, --problem, --benchdnn), on what (--backend, --plugin, --threads), with which
// data (--data, --seed), how often (--repeat), whether in a worker
// process (--isolate, --case-timeout) and under which of the operator's two
// warnings (--tf32, --deterministic). Each command takes those it
// needs, in its own words where their meaning is its own, and adds the
// options only it has.
#pragma once

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdint>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "harness/backend.h"
#include "harness/isolation.h"
#include "harness/suite.h"
#include "reference/result.h"

namespace convt::cli {

struct CommonOptions {
  std::vector<std::string> configs;           // --config FILE (repeatable)
  std::vector<std::string> problems;          // --problem DESCRIPTOR (repeatable)
  std::vector<std::string> benchdnn;          // --benchdnn FILE (repeatable): benchdnn's batch files
  std::string backends;                       // --backend NAMES, comma-separated (run: one)
  std::vector<std::string> plugins;           // --plugin LIBRARY (repeatable)
  std::string data = "exact,normal,special";  // --data MODES, comma-separated
  uint64_t seed = 1;                          // --seed N
  int repeat = 2;                             // --repeat R: runs per case
  int threads = 0;                            // --threads T (0: all cores)
  std::string isolate;                        // --isolate on|off (empty: as each backend says)
  double case_timeout = 0;                    // --case-timeout S (0: not given)
  std::string tf32 = "off";                   // --tf32 on|off
  bool deterministic = false;                 // --deterministic
  std::string shard;                          // --shard I/N (empty: the scheduler's environment says)
};

// Which of the shared options a command takes: a flag, or the option's help
// in that command's words (empty: not taken). --threads is always taken.
struct CommonSpec {
  bool problems = false;    // --config, --problem and --benchdnn
  std::string backend{};    // --backend
  bool plugins = false;     // --plugin
  bool data_modes = false;  // --data
  std::string seed{};       // --seed
  bool repeat = false;      // --repeat
  std::string threads = "Threads of the backends (0: all cores)";
  bool isolation = false;   // --isolate and --case-timeout
  bool math = false;        // --tf32 and --deterministic
  bool shard = false;       // --shard (harness/shard.h)
};

// Registers them on `cmd`, writing into `o`, whose values are the defaults
// that --help shows; cmd->get_option("--seed") and the like reach them for
// constraints of the command's own.
void add_common_options(CLI::App* cmd, CommonOptions& o, const CommonSpec& spec);

// What --threads, --tf32 and --deterministic ask of the backends.
BackendOptions backend_options(const CommonOptions& o);

// What --isolate and --case-timeout ask for: --case-timeout alone isolates
// every case (only a worker can be stopped); with --isolate off it is an
// error.
Result<Isolation> isolation_of(const CommonOptions& o);

// A whole number from min to max, else the complaint "expected a whole
// number from 0 to 2147483647, not '-1'" (CLI11 prefixes the option). CLI11's
// own NonNegativeNumber and PositiveNumber print the largest double, all 309
// digits, and its unsigned options take -1 as 18446744073709551615.
template <class T>
CLI::Validator whole_number(T min, T max = std::numeric_limits<T>::max()) {
  const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        T value{};
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() && end == text.data() + text.size() && value >= min && value <= max) return "";
        return "expected a whole number " + range + ", not '" + text + "'";
      },
      "INT " + range);
}

// A positive number (of seconds), else "expected a positive number, not '0'".
CLI::Validator positive_number();

// The problems of the --config suites, then those of --problem, then those
// of --benchdnn (its notes on `notes`); with none of them, those of the
// installed suite named `default_suite` (a file name,
// harness/cli/config_dir.h) unless it is empty.
Result<std::vector<SuiteEntry>> gather_problems(const CommonOptions& o, const std::string& default_suite = "",
                                                std::ostream& notes = std::cout);

// The problems of benchdnn's batch files, in PyTorch's semantics
// (harness/benchdnn.h); those skipped, with the reason, and the settings
// ignored are listed on `notes`.
Result<std::vector<SuiteEntry>> benchdnn_problems(const std::vector<std::string>& files, std::ostream& notes);

}  // namespace convt::cli
