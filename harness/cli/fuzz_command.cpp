// convt fuzz: property-based search for a counterexample, shrunk to a
// minimal problem and saved as a suite that `convt check --config` replays.
#include <iomanip>
#include <iostream>
#include <memory>

#include "harness/cli/command.h"
#include "harness/cli/common_options.h"
#include "harness/conformance.h"
#include "harness/fuzz.h"
#include "reference/descriptor.h"

namespace convt::cli {
namespace {

struct FuzzArgs {
  CommonOptions common;
  int64_t cases = 0;
  double seconds = 0;
  int64_t max_elements = 4096;
  std::string around;
  std::string save;
};

int fuzz_command(const FuzzArgs& a) {
  FuzzOptions options;
  options.seed = a.common.seed;
  options.cases = a.cases;
  options.seconds = a.seconds;
  if (options.cases == 0 && options.seconds == 0) options.cases = 1000;
  options.max_elements = a.max_elements;
  options.repeat = a.common.repeat;
  Result<std::vector<DataMode>> modes = parse_data_modes(a.common.data);
  if (!modes) return bad_input(Error{"--data: " + modes.error().message});
  options.data = *modes;
  if (!a.around.empty()) {
    Result<Problem> base = parse_problem(a.around);
    if (!base) return bad_input(Error{"--around: " + base.error().message});
    options.around = *base;
  }
  // One backend or one plugin; with neither, the oracle (fuzzing the oracle
  // tests the harness itself).
  const CommonOptions& s = a.common;
  Result<std::vector<NamedBackend>> backends =
      make_backends(s.backends.empty() && s.plugins.empty() ? "reference" : s.backends, s.plugins,
                    BackendOptions{.threads = s.threads});
  if (!backends) return bad_input(backends.error());
  if (backends->size() != 1) return bad_input(Error{"convt fuzz takes one backend or one plugin"});
  NamedBackend& backend = backends.value().front();

  const FuzzOutcome outcome = fuzz(backend, options);
  std::cout << std::fixed << std::setprecision(1) << "fuzzed " << backend.name << ": " << outcome.cases
            << " cases in " << outcome.seconds << " s (" << std::setprecision(0)
            << (outcome.seconds > 0 ? outcome.cases / outcome.seconds * 60 : 0) << " cases/min), seed " << a.common.seed
            << '\n';
  if (!outcome.counterexample) {
    std::cout << "no counterexample\n";
    return kSuccess;
  }
  const Counterexample& c = *outcome.counterexample;
  CheckRecord record;
  record.entry.name = "counterexample";
  record.backend = backend.name;
  record.spec = c.spec;
  record.result = c.result;
  record.repro = repro_command(backend, c.spec);
  std::cout << "counterexample (shrunk): " << format_descriptor(c.spec.problem) << " data "
            << data_mode_name(c.spec.data) << " seed " << c.spec.seed << '\n'
            << describe(record);
  if (!a.save.empty()) {
    Result<std::string> path = save_counterexample(a.save, backend, options, c);
    if (!path) return bad_input(path.error());
    std::cout << "saved: " << *path << " (replay: convt check --config " << *path
              << (backend.plugin_path.empty() ? " --backend " + backend.name : " --plugin " + backend.plugin_path)
              << " --repeat " << c.spec.repeat << ")\n";
  }
  return kCheckFailed;
}

}  // namespace

void add_fuzz_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<FuzzArgs>();
  CLI::App* cmd = app.add_subcommand("fuzz", "Search for a counterexample with RapidCheck and shrink it");
  add_common_options(cmd, a->common,
                     {.backend = "Backend to fuzz (default: reference)",
                      .plugins = true,
                      .data_modes = true,
                      .seed = "Seed: the same seed gives the same cases",
                      .repeat = true,
                      .threads = "Threads of the backend (0: all cores)"});
  // One plugin, as one backend.
  cmd->get_option("--plugin")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw)
      ->excludes(cmd->get_option("--backend"));
  CLI::Option* cases = cmd->add_option("--cases", a->cases, "Stop after this many cases (default 1000)")
                           ->check(CLI::PositiveNumber);
  cmd->add_option("--time", a->seconds, "Stop after this many seconds")->check(CLI::PositiveNumber)->excludes(cases);
  cmd->add_option("--max-elements", a->max_elements, "Largest tensor of a random problem, in elements")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 40))
      ->capture_default_str();
  cmd->add_option("--around", a->around, "Explore the neighbourhood of this problem descriptor");
  cmd->add_option("--save", a->save, "Save a counterexample here as a suite file");
  cmd->callback([a, &action] { action = [a] { return fuzz_command(*a); }; });
}

}  // namespace convt::cli
