// convt check: the conformance suite, for CI.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include "harness/check_report.h"
#include "harness/cli/command.h"
#include "harness/cli/common_options.h"
#include "harness/conformance.h"
#include "harness/lists.h"

namespace convt::cli {
namespace {

struct CheckArgs {
  CommonOptions common;
  std::string filter;
  std::string shard;
  std::string report;
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

// --backend and --plugin; with neither, every available backend but the
// oracle, which the run's first line names (the oracle judging itself proves
// little, so it is checked only when named).
Result<std::vector<NamedBackend>> choose_backends(const CommonOptions& s) {
  BackendOptions options;
  options.threads = s.threads;
  if (!s.backends.empty() || !s.plugins.empty()) return make_backends(s.backends, s.plugins, options);
  Result<std::vector<std::string>> names = backends_but_the_oracle();
  if (!names) return Error{names.error().message + " (--backend reference checks the oracle itself)"};
  std::cout << "convt check: backends " << join_list(*names, ", ")
            << " (every available backend but the oracle; --backend reference checks the oracle itself)\n";
  return make_backends(join_list(*names), {}, options);
}

int check(const CheckArgs& a) {
  Result<std::vector<DataMode>> modes = parse_data_modes(a.common.data);
  if (!modes) return bad_input(Error{"--data: " + modes.error().message});
  Result<Shard> shard = choose_shard(a.shard);
  if (!shard) return bad_input(shard.error());
  Result<std::vector<SuiteEntry>> all = gather_problems(a.common, CONVT_DEFAULT_SUITE);
  if (!all) return bad_input(all.error());
  Result<std::vector<SuiteEntry>> selected = select_problems(*all, a.filter, *shard);
  if (!selected) return bad_input(selected.error());
  Result<std::vector<NamedBackend>> backends = choose_backends(a.common);
  if (!backends) return bad_input(backends.error());

  CheckOptions options;
  options.data = *modes;
  options.seed = a.common.seed;
  options.repeat = a.common.repeat;
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
  add_common_options(cmd, a->common,
                     {.problems = true,
                      .backend = "Backend name(s), comma-separated (default: every available backend but "
                                 "reference; with --plugin, only the plugins)",
                      .plugins = true,
                      .data_modes = true,
                      .seed = "Seed of the data",
                      .repeat = true});
  cmd->add_option("--filter", a->filter, "Only problems whose 'name descriptor' matches this regex");
  cmd->add_option("--shard", a->shard, "Run shard I of N (I/N); default from GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS");
  cmd->add_option("--report", a->report, "Write a JSON report here");
  cmd->add_flag("--fail-fast", a->fail_fast, "Stop at the first failed case");
  cmd->add_flag("--verbose", a->verbose, "Print every case, not only failed and mistrusted ones");
  cmd->callback([a, &action] { action = [a] { return check(*a); }; });
}

}  // namespace convt::cli
