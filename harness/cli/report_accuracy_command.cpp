// convt report accuracy: every backend's errors against the oracle, on one
// kind of data, measured against the strict float32 bound and the TF32
// bound (harness/report/accuracy.h), as a table on stdout and as the
// report's "accuracy" section (--report).
//
// Problems run in the order of the whole selection; with --shard I/N this
// process runs every N-th from the I-th, and a record's order names the
// problem's index in the whole selection, so that the shards' reports merge
// into the report of one run. Each problem's oracle and bounds are computed
// once, then every backend is measured against them. SIGINT or SIGTERM stops
// after the case in progress: the report is written with "partial": true and
// convt exits 130.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/command.h"
#include "harness/cli/common_options.h"
#include "harness/cli/report_info.h"
#include "harness/conformance.h"
#include "harness/file_contents.h"
#include "harness/interrupt.h"
#include "harness/lists.h"
#include "harness/progress.h"
#include "harness/report/accuracy.h"
#include "reference/descriptor.h"

namespace convt::cli {
namespace {

constexpr int kInterrupted = 130;

struct AccuracyArgs {
  CommonOptions common;
  std::string data = "normal";
  std::string report;
};

// --backend and --plugin; with neither, the oracle's TF32 models
// (reference-tf32, reference-tf32-trunc: TF32's errors without a GPU), then
// every available backend but the oracle.
Result<std::vector<NamedBackend>> choose_backends(const CommonOptions& o) {
  const BackendOptions options = backend_options(o);
  if (!o.backends.empty() || !o.plugins.empty()) return make_backends(o.backends, o.plugins, options);
  std::vector<std::string> chosen = {"reference-tf32", "reference-tf32-trunc"};
  if (Result<std::vector<std::string>> names = backends_but_the_oracle())
    for (const std::string& name : *names)
      if (std::find(chosen.begin(), chosen.end(), name) == chosen.end()) chosen.push_back(name);
  return make_backends(join_list(chosen), {}, options);
}

// One backend's line of the table: its worst case of each measure.
struct Summary {
  int64_t problems = 0, passed = 0, failed = 0, skipped = 0;
  double strict_ratio = 0, tf32_ratio = 0, max_rel_error = 0;
  std::string declared;
};

void add(Summary& s, const report::AccuracyMeasurement& m) {
  ++s.problems;
  s.declared = m.declared;
  if (m.verdict == Verdict::skipped) ++s.skipped;
  if (m.verdict == Verdict::failed) ++s.failed;
  if (m.verdict == Verdict::passed) ++s.passed;
  if (!m.measured) return;
  s.strict_ratio = std::max(s.strict_ratio, m.strict_ratio);
  s.tf32_ratio = std::max(s.tf32_ratio, m.tf32_ratio);
  s.max_rel_error = std::max(s.max_rel_error, m.max_rel_error);
}

std::string g3(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", v);
  return buffer;
}

void print_table(const std::vector<NamedBackend>& backends, const std::vector<Summary>& summaries) {
  size_t width = 7;
  for (const NamedBackend& b : backends) width = std::max(width, b.name.size());
  std::printf("%-*s  %-10s  %8s  %12s  %10s  %13s  %6s  %6s  %7s\n", int(width), "backend", "declared", "problems",
              "strict ratio", "tf32 ratio", "max rel error", "passed", "failed", "skipped");
  for (size_t i = 0; i < backends.size(); ++i) {
    const Summary& s = summaries[i];
    const bool any = s.problems > s.skipped;
    std::printf("%-*s  %-10s  %8lld  %12s  %10s  %13s  %6lld  %6lld  %7lld\n", int(width), backends[i].name.c_str(),
                s.declared.c_str(), (long long)s.problems, any ? g3(s.strict_ratio).c_str() : "-",
                any ? g3(s.tf32_ratio).c_str() : "-", any ? g3(s.max_rel_error).c_str() : "-", (long long)s.passed,
                (long long)s.failed, (long long)s.skipped);
  }
  std::fflush(stdout);
}

int report_accuracy(const AccuracyArgs& a) {
  stop_on_interrupt();
  // Exact and special data measure nothing: one is exact in any order, the
  // other mostly NaN and Inf, which the measures leave out.
  Result<DataMode> data = parse_data_mode(a.data);
  if (!data || (*data != DataMode::normal && *data != DataMode::scaled && *data != DataMode::mixed))
    return bad_input(Error{"--data: expected normal, scaled or mixed, not '" + a.data + "'"});
  Result<Shard> shard = choose_shard(a.common.shard);
  if (!shard) return bad_input(shard.error());
  Result<std::vector<SuiteEntry>> all = gather_problems(a.common, "conformance.json");
  if (!all) return bad_input(all.error());
  Result<std::vector<SuiteEntry>> selected = select_problems(*all, "", *shard);
  if (!selected) return bad_input(selected.error());
  Result<std::vector<NamedBackend>> chosen = choose_backends(a.common);
  if (!chosen) return bad_input(chosen.error());
  std::vector<NamedBackend>& backends = chosen.value();
  if (!a.report.empty())
    if (auto e = check_can_write(a.report)) return bad_input(Error{"--report: " + e->message});

  std::vector<std::string> names;
  bool with_gpu = false;
  for (const NamedBackend& b : backends) {
    names.push_back(b.name);
    with_gpu |= b.plugin_path.empty() && device_of(b.name) != "cpu";
  }
  std::cout << "convt report accuracy: backends " << join_list(names, ", ") << '\n'
            << "  problems: " << selected->size() << " of " << all->size();
  if (shard->count > 1) std::cout << " (shard " << shard->index << "/" << shard->count << ")";
  std::cout << "; data " << data_mode_name(*data) << "; seed " << a.common.seed << std::endl;

  nlohmann::json records = nlohmann::json::array();
  std::vector<Summary> summaries(backends.size());
  Progress progress("accuracy", int64_t(selected->size() * backends.size()));
  int64_t done = 0;
  for (size_t k = 0; k < selected->size() && !interrupted(); ++k) {
    const Problem& p = (*selected)[k].problem;
    const int64_t problem_index = shard->index + int64_t(k) * shard->count;
    std::optional<report::AccuracyBaseline> base;
    for (size_t b = 0; b < backends.size() && !interrupted(); ++b) {
      progress.update(done, backends[b].name + " " + format_descriptor(p));
      if (!base) base = report::accuracy_baseline(p, *data, a.common.seed);
      const report::AccuracyMeasurement m = report::measure_accuracy(*backends[b].backend, *base);
      add(summaries[b], m);
      records.push_back(report::accuracy_record(*base, m, backends[b].name, backends[b].device, problem_index,
                                                int64_t(b)));
      ++done;
    }
  }
  progress.finish();
  const bool partial = interrupted();

  if (!a.report.empty()) {
    nlohmann::json doc = report::new_report(run_info({a.common.seed}, *shard, with_gpu));
    doc["partial"] = partial;
    doc["accuracy"] = report::accuracy_section(*data, a.common.seed, std::move(records));
    if (auto e = report::write_report(a.report, doc)) return bad_input(*e);
  }
  print_table(backends, summaries);
  if (partial) {
    std::cout << "interrupted after " << done << " of " << selected->size() * backends.size() << " cases"
              << (a.report.empty() ? "" : "; " + a.report + " is partial") << '\n';
    return kInterrupted;
  }
  if (!a.report.empty()) std::cout << "wrote " << a.report << '\n';
  const bool failed = std::any_of(summaries.begin(), summaries.end(), [](const Summary& s) { return s.failed > 0; });
  return failed ? kCheckFailed : kSuccess;
}

}  // namespace

void add_report_accuracy(CLI::App* report, Action& action) {
  auto a = std::make_shared<AccuracyArgs>();
  CLI::App* cmd = report->add_subcommand(
      "accuracy",
      "Errors against the oracle in double, with the float32 and TF32 bounds, per backend and problem "
      "(default: conformance.json of the installed suites)");
  add_common_options(cmd, a->common,
                     {.problems = true,
                      .backend = "Backend name(s), comma-separated (default: reference-tf32, "
                                 "reference-tf32-trunc and every available backend but reference; with --plugin, "
                                 "only the plugins)",
                      .plugins = true,
                      .seed = "Seed of the data",
                      .math = true,
                      .shard = true});
  cmd->add_option("--data", a->data,
                  "normal, scaled (each element times 2^k, k in [-8, 8]) or mixed (signs that cancel)")
      ->capture_default_str();
  cmd->add_option("--report", a->report, "Write the report (JSON, docs/reports.md) here");
  cmd->callback([a, &action] { action = [a] { return report_accuracy(*a); }; });
}

}  // namespace convt::cli
