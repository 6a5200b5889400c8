// The options several commands share, registered in one place: what to run
// (--config, --problem), on what (--backend, --plugin, --threads), with which
// data (--data, --seed) and how often (--repeat). Each command takes those it
// needs, in its own words where their meaning is its own, and adds the
// options only it has.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/suite.h"
#include "reference/result.h"

namespace convt::cli {

struct CommonOptions {
  std::vector<std::string> configs;           // --config FILE (repeatable)
  std::vector<std::string> problems;          // --problem DESCRIPTOR (repeatable)
  std::string backends;                       // --backend NAMES, comma-separated (run: one)
  std::vector<std::string> plugins;           // --plugin LIBRARY (repeatable)
  std::string data = "exact,normal,special";  // --data MODES, comma-separated
  uint64_t seed = 1;                          // --seed N
  int repeat = 2;                             // --repeat R: runs per case
  int threads = 0;                            // --threads T (0: all cores)
};

// Which of the shared options a command takes: a flag, or the option's help
// in that command's words (empty: not taken). --threads is always taken.
struct CommonSpec {
  bool problems = false;    // --config and --problem
  std::string backend{};    // --backend
  bool plugins = false;     // --plugin
  bool data_modes = false;  // --data
  std::string seed{};       // --seed
  bool repeat = false;      // --repeat
  std::string threads = "Threads of the backends (0: all cores)";
};

// Registers them on `cmd`, writing into `o`, whose values are the defaults
// that --help shows; cmd->get_option("--seed") and the like reach them for
// constraints of the command's own.
void add_common_options(CLI::App* cmd, CommonOptions& o, const CommonSpec& spec);

// The problems of the --config suites, then those of --problem; with
// neither, those of `default_suite` unless it is empty.
Result<std::vector<SuiteEntry>> gather_problems(const CommonOptions& o, const std::string& default_suite = "");

}  // namespace convt::cli
