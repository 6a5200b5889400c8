// convt check: the conformance suite, for CI.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include "harness/check_report.h"
#include "harness/data.h"
#include "harness/file_contents.h"
#include "harness/junit.h"
#include "harness/shell_quote.h"
#include "harness/cli/command.h"
#include "harness/cli/common_options.h"
#include "harness/cli/config_dir.h"
#include "harness/conformance.h"
#include "harness/cli/report_info.h"
#include "harness/interrupt.h"
#include "harness/lists.h"
#include "harness/progress.h"
#include "harness/report/report.h"
#include "reference/descriptor.h"

namespace convt::cli {
namespace {

struct CheckArgs {
  CommonOptions common;
  std::string filter;
  std::string report;
  std::string junit;
  bool verbose = false;
  bool fail_fast = false;
};

// --backend and --plugin; with neither, every available backend but the
// oracle (the oracle judging itself proves little, so it is checked only
// when named), which `why` then says for the header.
Result<std::vector<NamedBackend>> choose_backends(const CommonOptions& s, std::string& why) {
  const BackendOptions options = backend_options(s);
  if (!s.backends.empty() || !s.plugins.empty()) return make_backends(s.backends, s.plugins, options);
  Result<std::vector<std::string>> names = backends_but_the_oracle();
  if (!names) return Error{names.error().message + " (--backend reference checks the oracle itself)"};
  why = "every available backend but the oracle; --backend reference checks the oracle itself";
  return make_backends(join_list(*names), {}, options);
}

// What the run is about to do, printed once before the first case: the
// backends, where the problems come from and how many are selected, the
// data modes, seed, repeat count, --tf32 and --deterministic.
void print_header(const CheckArgs& a, const std::vector<NamedBackend>& backends, const std::string& why,
                  const std::vector<std::string>& suites, size_t problems, size_t matching, size_t selected,
                  Shard shard, const std::vector<DataMode>& modes) {
  std::vector<std::string> names, sources, mode_names;
  for (const NamedBackend& b : backends)
    names.push_back(b.plugin_path.empty() ? b.name : b.name + " (" + shell_path(b.plugin_path) + ")");
  for (const std::string& suite : suites) sources.push_back(shell_path(suite));
  if (!a.common.problems.empty()) sources.push_back(std::to_string(a.common.problems.size()) + " --problem");
  for (const std::string& file : a.common.benchdnn) sources.push_back("benchdnn " + shell_path(file));
  for (DataMode m : modes) mode_names.push_back(data_mode_name(m));
  std::cout << "convt check: backends " << join_list(names, ", ") << (why.empty() ? "" : " (" + why + ")") << '\n'
            << "  problems: " << problems << " from " << join_list(sources, ", ") << '\n';
  if (!a.filter.empty()) std::cout << "  --filter " << shell_quote(a.filter) << ": " << matching << " of them\n";
  if (shard.count > 1)
    std::cout << "  shard " << shard.index << "/" << shard.count << ": " << selected << " of " << matching << '\n';
  std::cout << "  data: " << join_list(mode_names, ", ") << "; seed " << a.common.seed << "; repeat "
            << a.common.repeat << "; tf32 " << a.common.tf32 << (a.common.deterministic ? "; deterministic" : "")
            << '\n';
}

int check(const CheckArgs& a) {
  Result<std::vector<DataMode>> modes = parse_data_modes(a.common.data);
  if (!modes) return bad_input(Error{"--data: " + modes.error().message});
  Result<Isolation> isolation = isolation_of(a.common);
  if (!isolation) return bad_input(isolation.error());
  Result<Shard> shard = choose_shard(a.common.shard);
  if (!shard) return bad_input(shard.error());
  Result<std::vector<SuiteEntry>> all = gather_problems(a.common, "conformance.json");
  if (!all) return bad_input(all.error());
  Result<std::vector<SuiteEntry>> selected = select_problems(*all, a.filter, *shard);
  if (!selected) return bad_input(selected.error());
  const size_t matching = shard->count > 1 ? select_problems(*all, a.filter, Shard{})->size() : selected->size();
  std::string why;
  Result<std::vector<NamedBackend>> backends = choose_backends(a.common, why);
  if (!backends) return bad_input(backends.error());
  if (!a.junit.empty())
    if (auto e = check_can_write(a.junit)) return bad_input(Error{"--junit: " + e->message});
  if (!a.report.empty())
    if (auto e = check_can_write(a.report)) return bad_input(Error{"--report: " + e->message});
  std::vector<std::string> suites = a.common.configs;
  if (suites.empty() && a.common.problems.empty() && a.common.benchdnn.empty())
    if (Result<std::string> path = installed_suite("conformance.json")) suites.push_back(*path);
  print_header(a, *backends, why, suites, all->size(), matching, selected->size(), *shard, *modes);
  if (selected->empty())
    std::cout << "shard " << shard->index << "/" << shard->count << " holds none of the " << matching
              << " problems selected: nothing to run here\n";

  CheckOptions options;
  options.data = *modes;
  options.seed = a.common.seed;
  options.repeat = a.common.repeat;
  options.fail_fast = a.fail_fast;
  options.isolation = *isolation;
  options.shard = *shard;
  int64_t per_backend = 0;
  for (const SuiteEntry& e : *selected) per_backend += int64_t(e.data.empty() ? modes->size() : e.data.size());
  Progress progress("check", per_backend * int64_t(backends->size()));
  int64_t done = 0;
  stop_on_interrupt();
  const std::vector<CheckRecord> records =
      run_check(*selected, backends.value(), options, [&](const CheckRecord& r) {
        if (r.result.verdict == Verdict::failed || r.result.verdict == Verdict::mistrusted || a.verbose) {
          progress.finish();
          std::cout << describe(r) << std::flush;
        }
        progress.update(++done, r.backend + " " + format_descriptor(r.spec.problem));
      });
  progress.finish();
  if (!a.report.empty()) {
    bool gpu = false;
    for (const NamedBackend& b : *backends) gpu |= b.device != "cpu";
    nlohmann::json doc = report::new_report(run_info({a.common.seed}, *shard, gpu));
    doc["partial"] = interrupted();
    doc["conformance"] = conformance_section(records, backends.value(), options, backend_options(a.common));
    if (auto e = report::write_report(a.report, doc)) return bad_input(*e);
  }
  if (!a.junit.empty()) {
    std::vector<JUnitCase> cases;
    for (const CheckRecord& r : records) cases.push_back(junit_case(r));
    if (auto e = write_junit(a.junit, "convt check", cases)) return bad_input(*e);
  }
  const CheckTotals t = totals(records);
  std::cout << summary_line(t) << '\n' << skipped_list(records) << failed_list(records);
  if (interrupted()) {
    std::cout << "interrupted (signal " << interrupting_signal() << ") after " << t.tests << " cases"
              << (a.report.empty() ? "" : "; the report is marked partial") << '\n';
    return kInterrupted;
  }
  return t.failed ? kCheckFailed : kSuccess;
}

}  // namespace

void add_check_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Judge backends against the oracle on a suite (default: conformance.json of the installed suites)");
  add_common_options(cmd, a->common,
                     {.problems = true,
                      .backend = "Backend name(s), comma-separated (default: every available backend but "
                                 "reference; with --plugin, only the plugins)",
                      .plugins = true,
                      .data_modes = true,
                      .seed = "Seed of the data",
                      .repeat = true,
                      .isolation = true,
                      .math = true,
                      .shard = true});
  cmd->add_option("--filter", a->filter, "Only problems whose 'name descriptor' matches this regex");
  cmd->add_option("--report", a->report, "Write a JSON report here");
  cmd->add_option("--junit", a->junit, "Write a JUnit XML report here (a testcase per problem, backend and data mode)");
  cmd->add_flag("--fail-fast", a->fail_fast, "Stop at the first failed case");
  cmd->add_flag("--verbose", a->verbose, "Print every case, not only failed and mistrusted ones");
  cmd->callback([a, &action] { action = [a] { return check(*a); }; });
}

}  // namespace convt::cli
