// convt check: the conformance suite, for CI.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include "harness/check_report.h"
#include "harness/cli/command.h"
#include "harness/conformance.h"
#include "reference/descriptor.h"

namespace convt::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> configs;
  std::vector<std::string> problems;
  std::string backends;
  std::vector<std::string> plugins;
  std::string data = "exact,normal,special";
  uint64_t seed = 1;
  int repeat = 2;
  std::string filter;
  std::string shard;
  std::string report;
  int threads = 0;
  bool verbose = false;
  bool fail_fast = false;
};

// --shard, else the GoogleTest sharding protocol (GTEST_SHARD_INDEX and
// GTEST_TOTAL_SHARDS, acknowledged by touching GTEST_SHARD_STATUS_FILE).
Result<Shard> choose_shard(const std::string& option) {
  if (!option.empty()) return parse_shard(option);
  const char* index = std::getenv("GTEST_SHARD_INDEX");
  const char* total = std::getenv("GTEST_TOTAL_SHARDS");
  if (!index || !total) return Shard{};
  Result<Shard> s = parse_shard(std::string(index) + "/" + total);
  if (!s) return Error{"GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS: " + s.error().message};
  if (const char* status = std::getenv("GTEST_SHARD_STATUS_FILE")) std::ofstream{status};
  return s;
}

Result<std::vector<SuiteEntry>> gather_problems(const CheckArgs& a) {
  std::vector<SuiteEntry> all;
  std::vector<std::string> configs = a.configs;
  if (configs.empty() && a.problems.empty()) configs.push_back(CONVT_DEFAULT_SUITE);
  for (const std::string& path : configs) {
    Result<Suite> suite = load_suite(path);
    if (!suite) return suite.error();
    for (SuiteEntry& e : suite.value().problems) all.push_back(std::move(e));
  }
  for (const std::string& text : a.problems) {
    Result<Problem> p = parse_problem(text);
    if (!p) return Error{"--problem: " + p.error().message};
    all.push_back(SuiteEntry{*p, "", "--problem", {}, std::nullopt});
  }
  return all;
}

int check(const CheckArgs& a) {
  Result<std::vector<DataMode>> modes = parse_data_modes(a.data);
  if (!modes) return bad_input(Error{"--data: " + modes.error().message});
  Result<Shard> shard = choose_shard(a.shard);
  if (!shard) return bad_input(shard.error());
  Result<std::vector<SuiteEntry>> all = gather_problems(a);
  if (!all) return bad_input(all.error());
  Result<std::vector<SuiteEntry>> selected = select_problems(*all, a.filter, *shard);
  if (!selected) return bad_input(selected.error());
  BackendOptions backend_options;
  backend_options.threads = a.threads;
  Result<std::vector<NamedBackend>> backends = make_backends(a.backends, a.plugins, backend_options);
  if (!backends) return bad_input(backends.error());

  CheckOptions options;
  options.data = *modes;
  options.seed = a.seed;
  options.repeat = a.repeat;
  options.fail_fast = a.fail_fast;
  const std::vector<CheckRecord> records =
      run_check(*selected, backends.value(), options, [&](const CheckRecord& r) {
        if (r.result.verdict == Verdict::failed || r.result.verdict == Verdict::mistrusted || a.verbose)
          std::cout << describe(r) << std::flush;
      });
  if (!a.report.empty())
    if (auto e = write_check_report(a.report, records, backends.value(), options)) return bad_input(*e);
  const CheckTotals t = totals(records);
  std::cout << summary_line(t) << '\n';
  return t.failed ? kCheckFailed : kSuccess;
}

}  // namespace

void add_check_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Judge backends against the oracle on a suite (default: configs/conformance.json)");
  cmd->add_option("--config", a->configs, "Suite file(s) (JSON)")->check(CLI::ExistingFile);
  cmd->add_option("--problem", a->problems, "Problem descriptor(s)");
  cmd->add_option("--backend", a->backends, "Backend name(s), comma-separated (default: reference, or only the plugins)");
  cmd->add_option("--plugin", a->plugins, "Shared library implementing include/convt/plugin.h");
  cmd->add_option("--data", a->data, "Data modes, comma-separated: exact, normal, special")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed of the data")->capture_default_str();
  cmd->add_option("--repeat", a->repeat, "Runs per case; outputs must agree bitwise")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--filter", a->filter, "Only problems whose 'name descriptor' matches this regex");
  cmd->add_option("--shard", a->shard, "Run shard I of N (I/N); default from GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS");
  cmd->add_option("--report", a->report, "Write a JSON report here");
  cmd->add_option("--threads", a->threads, "Threads of the backends (0: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--fail-fast", a->fail_fast, "Stop at the first failed case");
  cmd->add_flag("--verbose", a->verbose, "Print every case, not only failed and mistrusted ones");
  cmd->callback([a, &action] { action = [a] { return check(*a); }; });
}

}  // namespace convt::cli
