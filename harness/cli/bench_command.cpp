// convt bench: Google Benchmark over backends x problems, with convt's
// counters (harness/benchmark.h) and this machine's measured peak
// (harness/peak.h) in the report's context. Google Benchmark's own flags
// (--benchmark_filter=..., --benchmark_repetitions=..., --benchmark_format=...,
// --benchmark_out=..., ...) pass through untouched.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "harness/benchmark.h"
#include "harness/cli/command.h"
#include "harness/cli/common_options.h"
#include "harness/file_contents.h"
#include "harness/gpu_context.h"
#include "harness/peak.h"

namespace convt::cli {
namespace {

struct BenchArgs {
  CommonOptions common;
  std::string report;
  std::vector<std::string> benchmark_flags;  // every --benchmark_* argument, as given
};

constexpr std::string_view kFlagPrefix = "--benchmark_";

// --backend and --plugin, or with neither every available CPU backend but
// the reference (which runs only when named). Each plugin's name is mapped
// to its library in `plugins`.
Result<std::vector<std::string>> choose_backends(const CommonOptions& c, std::map<std::string, std::string>& plugins) {
  if (c.backends.empty() && c.plugins.empty()) {
    Result<std::vector<std::string>> chosen = backends_but_the_oracle("cpu");
    if (!chosen) return Error{"nothing to benchmark: " + chosen.error().message + " (name one with --backend)"};
    return chosen;
  }
  Result<std::vector<NamedBackend>> made = make_backends(c.backends, c.plugins);
  if (!made) return c.plugins.empty() ? Error{"--backend: " + made.error().message} : made.error();
  std::vector<std::string> chosen;
  for (const NamedBackend& b : *made) {
    if (const BackendEntry* e = b.plugin_path.empty() ? registry_entry(b.name) : nullptr; e && !e->untimed.empty())
      return Error{"--backend: " + e->untimed};
    if (std::find(chosen.begin(), chosen.end(), b.name) != chosen.end())
      return Error{"two backends are named " + b.name + ": benchmark names would collide"};
    chosen.push_back(b.name);
    if (!b.plugin_path.empty()) plugins[b.name] = b.plugin_path;
  }
  return chosen;
}

std::optional<std::string> flag_value(const std::vector<std::string>& flags, std::string_view name) {
  std::optional<std::string> value;
  const std::string prefix = std::string(kFlagPrefix) + std::string(name) + "=";
  for (const std::string& f : flags)
    if (f.rfind(prefix, 0) == 0) value = f.substr(prefix.size());
  return value;
}

bool has_flag(const std::vector<std::string>& flags, std::string_view name) {
  const std::string flag = std::string(kFlagPrefix) + std::string(name);
  for (const std::string& f : flags)
    if (f == flag) return true;
  return false;
}

// What Google Benchmark would otherwise answer with exit(1) and its own
// words: formats it does not know, an output file it cannot open.
std::optional<Error> check_flags(const BenchArgs& a) {
  for (const std::string& f : a.benchmark_flags) {
    if (f.rfind(kFlagPrefix, 0) != 0)
      return Error{"unexpected argument '" + f + "' (Google Benchmark's flags pass through as --benchmark_NAME=VALUE)"};
  }
  for (const char* name : {"format", "out_format"})
    if (auto v = flag_value(a.benchmark_flags, name); v && *v != "console" && *v != "json" && *v != "csv")
      return Error{"--benchmark_" + std::string(name) + "=" + *v + ": expected console, json or csv"};
  const std::optional<std::string> out = flag_value(a.benchmark_flags, "out");
  if (out && !a.report.empty()) return Error{"--report and --benchmark_out both name an output file: give one"};
  const std::string path = out ? *out : a.report;
  if (!path.empty())
    if (auto e = check_can_write(path)) return Error{"cannot write the report: " + e->message};
  return std::nullopt;
}

// --benchmark_list_tests: the names only, no report file.
bool listing(const std::vector<std::string>& flags) {
  return has_flag(flags, "list_tests") || flag_value(flags, "list_tests").value_or("false") != "false";
}

int bench(const BenchArgs& a) {
  if (auto e = check_flags(a)) return bad_input(*e);
  Result<std::vector<SuiteEntry>> problems = gather_problems(a.common, "", std::cerr);
  if (!problems) return bad_input(problems.error());
  if (problems->empty())
    return bad_input(Error{"nothing to benchmark: give --config FILE, --problem DESCRIPTOR or --benchdnn FILE"});
  std::map<std::string, std::string> plugins;
  Result<std::vector<std::string>> backends = choose_backends(a.common, plugins);
  if (!backends) return bad_input(backends.error());
  const int cores = cpu_cores();
  const int asked = a.common.threads;
  if (asked > cores)
    return bad_input(Error{"--threads " + std::to_string(asked) + " is more than the " + std::to_string(cores) +
                           " cores this process may use (benchmarks never oversubscribe)"});
  const int threads = asked > 0 ? asked : cores;

  // Google Benchmark's flags: the user's, then --report as its JSON output.
  // A listing writes no report: Google Benchmark would leave an empty file.
  const bool list_only = listing(a.benchmark_flags);
  std::vector<std::string> args = {"convt bench"};
  for (const std::string& f : a.benchmark_flags)
    if (!list_only || f.rfind(std::string(kFlagPrefix) + "out", 0) != 0) args.push_back(f);
  if (!a.report.empty() && !list_only) {
    args.push_back("--benchmark_out=" + a.report);
    args.push_back("--benchmark_out_format=json");
  }
  std::vector<char*> argv;
  for (std::string& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  int argc = int(args.size());
  benchmark::Initialize(&argc, argv.data());
  if (argc > 1)
    return bad_input(Error{"Google Benchmark does not accept '" + std::string(argv[1]) +
                           "' (its flags take their value after '=': --benchmark_NAME=VALUE)"});

  const Peak peak = list_only ? Peak{} : measure_peak(threads);
  BenchmarkPlan plan;
  plan.backends = *backends;
  plan.plugins = plugins;
  for (const SuiteEntry& e : *problems) plan.problems.push_back(e.problem);
  plan.options = backend_options(a.common);
  plan.options.threads = threads;
  plan.peak_gflops = peak.gflops_per_core * threads;

  benchmark::AddCustomContext("convt_version", CONVT_VERSION);
  benchmark::AddCustomContext("cpu_model", cpu_model());
  benchmark::AddCustomContext("cores", std::to_string(cores));
  benchmark::AddCustomContext("compiler", __VERSION__);
  benchmark::AddCustomContext("threads", std::to_string(threads));
  benchmark::AddCustomContext("peak_isa", peak.isa);
  benchmark::AddCustomContext("peak_gflops_per_core", std::to_string(peak.gflops_per_core));
  benchmark::AddCustomContext("peak_gflops", std::to_string(plan.peak_gflops) + " (per core x threads; peak% uses it)");
  if (threads > 1)
    benchmark::AddCustomContext("peak_gflops_measured_on_all_threads", std::to_string(peak.gflops_all_threads));
  for (const std::string& name : plan.backends)
    for (const BackendEntry& e : backend_registry())
      if (e.name == name || (!e.family_prefix.empty() && name.starts_with(e.family_prefix)))
        benchmark::AddCustomContext("backend " + name, e.description);
  for (const auto& [name, library] : plan.plugins) benchmark::AddCustomContext("backend " + name, "plugin " + library);
  if (std::any_of(plan.backends.begin(), plan.backends.end(),
                  [&](const std::string& name) { return !plan.plugins.count(name) && device_of(name) != "cpu"; }))
    for (const auto& [key, value] : gpu_context()) benchmark::AddCustomContext(key, value);
  benchmark::AddCustomContext("flops", "GFLOP/s: 2 per product that lands in the output (docs/benchmarking.md); "
                                       "nominal_GFLOP/s: 2*N*C_in*H_in*W_in*(C_out/groups)*kH*kW, cropped products too");

  ReportOptions report;
  report.format = flag_value(a.benchmark_flags, "format").value_or("console");
  report.write_file = (!a.report.empty() || flag_value(a.benchmark_flags, "out")) && !list_only;
  report.out_format = flag_value(a.benchmark_flags, "out_format").value_or("json");
  if (!a.report.empty()) report.out_format = "json";
  const std::string color = flag_value(a.benchmark_flags, "color").value_or("auto");
  report.color = color == "true" || color == "yes" || color == "1" ||
                 (color == "auto" && isatty(STDOUT_FILENO) && std::getenv("TERM") &&
                  std::string_view(std::getenv("TERM")) != "dumb");
  const std::string tabular = flag_value(a.benchmark_flags, "counters_tabular").value_or("false");
  report.tabular = tabular == "true" || tabular == "yes" || tabular == "1" ||
                   (has_flag(a.benchmark_flags, "counters_tabular"));

  BenchmarkSet set(std::move(plan));
  const size_t ran = set.run(report);
  benchmark::Shutdown();
  if (ran == 0 && !list_only) {
    // Google Benchmark opens the report before it finds that nothing
    // matches: leave no empty file behind.
    const std::string path = !a.report.empty() ? a.report : flag_value(a.benchmark_flags, "out").value_or("");
    std::error_code ec;
    if (!path.empty() && std::filesystem::file_size(path, ec) == 0 && !ec) std::filesystem::remove(path, ec);
    return bad_input(Error{"no benchmark matches --benchmark_filter=" + benchmark::GetBenchmarkFilter()});
  }
  if (set.failed()) {
    std::cerr << "convt: " << set.failed() << " benchmark(s) failed: the backend returned an error (see above)\n";
    return kCheckFailed;
  }
  return kSuccess;
}

}  // namespace

void add_bench_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Time backends on problems with Google Benchmark (its --benchmark_* flags pass through)");
  add_common_options(cmd, a->common,
                     {.problems = true,
                      .backend = "Backend name(s), comma-separated (default: every available CPU backend but "
                                 "reference; with --plugin, only the plugins)",
                      .plugins = true,
                      .threads = "Threads of the backends (0: all cores; at most the cores)",
                      .math = true});
  cmd->add_option("--report", a->report,
                  "Write Google Benchmark's JSON report here (none when nothing runs: a listing, no match)");
  cmd->allow_extras();
  cmd->footer(
      "Google Benchmark's flags, e.g. --benchmark_filter=REGEX --benchmark_repetitions=N\n"
      "--benchmark_min_time=SECONDS --benchmark_format=console|json|csv --benchmark_out=FILE,\n"
      "are passed through (always as --benchmark_NAME=VALUE).");
  cmd->callback([a, cmd, &action] {
    a->benchmark_flags = cmd->remaining();
    action = [a] { return bench(*a); };
  });
}

}  // namespace convt::cli
