// convt fuzz: property-based search for a counterexample, shrunk to a
// minimal problem and saved as a suite that `convt check --config` replays.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>

#include "harness/cli/command.h"
#include "harness/cli/common_options.h"
#include "harness/conformance.h"
#include "harness/fuzz.h"
#include "harness/file_contents.h"
#include "harness/junit.h"
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
  std::string junit;
};

// One backend's run, printed: how many cases, and the counterexample (saved
// with --save). kCheckFailed when there is one.
int report(const FuzzArgs& a, const NamedBackend& backend, const FuzzOptions& options, const FuzzOutcome& outcome) {
  std::cout << std::fixed << std::setprecision(1) << "fuzzed " << backend.name << ": " << outcome.cases
            << " cases in " << outcome.seconds << " s (" << std::setprecision(0)
            << (outcome.seconds > 0 ? outcome.cases / outcome.seconds * 60 : 0) << " cases/min), seed " << a.common.seed
            << '\n';
  if (outcome.skipped)
    std::cout << (outcome.skipped == outcome.cases ? "every case" : std::to_string(outcome.skipped) + " of them")
              << " skipped (the backend does not support the problem), the first because: " << outcome.skip_reason
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
    std::cout << "saved: " << *path << " (replay: " << replay_command(*path, backend, c.spec.repeat) << ")\n";
  }
  return kCheckFailed;
}

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
  Result<Isolation> isolation = isolation_of(a.common);
  if (!isolation) return bad_input(isolation.error());
  options.isolation = *isolation;
  if (!a.around.empty()) {
    Result<Problem> base = parse_problem(a.around);
    if (!base) return bad_input(Error{"--around: " + base.error().message});
    options.around.push_back(*base);
  }
  Result<std::vector<SuiteEntry>> converted = benchdnn_problems(a.common.benchdnn, std::cout);
  if (!converted) return bad_input(converted.error());
  for (const SuiteEntry& e : *converted) options.around.push_back(e.problem);
  if (!a.common.benchdnn.empty() && converted->empty())
    return bad_input(Error{"--benchdnn: no problem to fuzz around: every one is skipped (see above)"});
  // The backends and plugins, one after the other; with neither, the oracle
  // (fuzzing the oracle tests the harness itself).
  const CommonOptions& s = a.common;
  Result<std::vector<NamedBackend>> backends =
      make_backends(s.backends.empty() && s.plugins.empty() ? "reference" : s.backends, s.plugins,
                    backend_options(s));
  if (!backends) return bad_input(backends.error());
  const bool one_file = a.save.size() >= 5 && a.save.compare(a.save.size() - 5, 5, ".json") == 0;
  if (one_file && backends->size() > 1)
    return bad_input(Error{"--save " + a.save + ": one file holds one counterexample; with " +
                           std::to_string(backends->size()) + " backends give a directory"});
  if (!a.save.empty())
    for (const NamedBackend& backend : *backends)
      if (Result<std::string> path = counterexample_path(a.save, backend.name, options.seed); !path)
        return bad_input(Error{"--save: " + path.error().message});
  if (!a.junit.empty())
    if (auto e = check_can_write(a.junit)) return bad_input(Error{"--junit: " + e->message});

  int code = kSuccess;
  std::vector<JUnitCase> cases;
  for (NamedBackend& backend : backends.value()) {
    const FuzzOutcome outcome = fuzz(backend, options);
    cases.push_back(junit_fuzz_case(backend, options, outcome));
    const int reported = report(a, backend, options, outcome);
    if (reported == kBadInput) return reported;
    code = std::max(code, reported);
  }
  if (!a.junit.empty())
    if (auto e = write_junit(a.junit, "convt fuzz", cases)) return bad_input(*e);
  return code;
}

}  // namespace

void add_fuzz_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<FuzzArgs>();
  CLI::App* cmd = app.add_subcommand("fuzz", "Search for a counterexample with RapidCheck and shrink it");
  add_common_options(cmd, a->common,
                     {.backend = "Backend(s) to fuzz, comma-separated, one after the other (default: reference; "
                                 "with --plugin, only the plugins)",
                      .plugins = true,
                      .data_modes = true,
                      .seed = "Seed: the same seed gives the same cases",
                      .repeat = true,
                      .threads = "Threads of the backend (0: all cores)",
                      .isolation = true,
                      .math = true});
  CLI::Option* cases = cmd->add_option("--cases", a->cases, "Stop after this many cases (default 1000)")
                           ->check(whole_number<int64_t>(1));
  cmd->add_option("--time", a->seconds, "Stop after this many seconds")->check(positive_number())->excludes(cases);
  cmd->add_option("--max-elements", a->max_elements, "Largest tensor of a random problem, in elements")
      ->check(whole_number(int64_t(1), int64_t(1) << 40))
      ->capture_default_str();
  cmd->add_option("--around", a->around, "Explore the neighbourhood of this problem descriptor");
  cmd->add_option("--benchdnn", a->common.benchdnn,
                  "Explore the neighbourhood of the problems of these oneDNN benchdnn deconvolution batch files")
      ->check(CLI::ExistingFile);
  cmd->add_option("--save", a->save,
                  "Save a counterexample as a suite file: this file if it ends in .json, else in this directory");
  cmd->add_option("--junit", a->junit, "Write a JUnit XML report here (a testcase per backend fuzzed)");
  cmd->callback([a, &action] { action = [a] { return fuzz_command(*a); }; });
}

}  // namespace convt::cli
