// convt report determinism: every backend on every problem, R runs on
// normal data, hashed; what each backend declares against what was
// observed, and for the built-in CPU backends the thread counts 1..T
// (harness/report/determinism.h). Exit 1 when a backend that declares itself
// deterministic is not (or returned an error); 130 when interrupted, with
// the report marked partial.
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness/cli/command.h"
#include "harness/cli/common_options.h"
#include "harness/cli/config_dir.h"
#include "harness/cli/report_info.h"
#include "harness/conformance.h"
#include "harness/file_contents.h"
#include "harness/interrupt.h"
#include "harness/lists.h"
#include "harness/progress.h"
#include "harness/report/determinism.h"
#include "harness/report/report.h"
#include "harness/shard.h"
#include "harness/shell_quote.h"
#include "reference/descriptor.h"

namespace convt::cli {
namespace {

using report::DeterminismRecord;
using report::DeterminismVerdict;

constexpr int kMaxThreadCheck = 8;       // thread counts 1..T, T at most this
constexpr size_t kDefaultSuiteStride = 10;  // the default problems: every 10th of conformance.json
constexpr size_t kShownPerBackend = 10;     // failures listed per backend
// The GPU cuDNN's engines are planned for when there is none.
constexpr const char* kDevicelessGpu = "gpus/h100_sxm.json";

struct DeterminismArgs {
  CommonOptions common;
  int runs = 20;
  std::string report;
};

bool no_problems_given(const CommonOptions& o) {
  return o.configs.empty() && o.problems.empty() && o.benchdnn.empty();
}

// --backend and --plugin; with neither, every available backend but the
// oracle and, where there is a GPU, every cuDNN engine (cudnn:*).
Result<std::vector<NamedBackend>> choose_backends(const CommonOptions& o, std::string& why) {
  const BackendOptions options = backend_options(o);
  if (!o.backends.empty() || !o.plugins.empty()) return make_backends(o.backends, o.plugins, options);
  Result<std::vector<std::string>> names = backends_but_the_oracle();
  if (!names) return Error{names.error().message + " (--backend reference measures the oracle itself)"};
  std::vector<std::string> chosen = *names;
  for (const BackendEntry& e : backend_registry())
    if (!e.family_prefix.empty() && e.unavailable.empty()) chosen.push_back(e.family_prefix + "*");
  why = "every available backend but the oracle";
  return make_backends(join_list(chosen), {}, options);
}

// The "properties" of the GPU description that cuDNN's engines are planned
// for without a GPU, serialized; empty when no backend is a cuDNN engine or
// the description cannot be read (the backends then declare for themselves).
std::string deviceless_gpu(const std::vector<NamedBackend>& backends) {
  const bool engines = std::any_of(backends.begin(), backends.end(),
                                   [](const NamedBackend& b) { return b.name.starts_with("cudnn:"); });
  if (!engines) return {};
  Result<std::string> path = installed_suite(kDevicelessGpu);
  if (!path) return {};
  Result<std::string> text = read_file(*path);
  if (!text) return {};
  const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("properties") || !doc["properties"].is_object()) return {};
  return doc["properties"].dump();
}

// T of the thread check: --threads, or every core, at most kMaxThreadCheck.
int thread_check_count(const CommonOptions& o) {
  const int cores = std::max(1, int(std::thread::hardware_concurrency()));
  return std::min(o.threads > 0 ? o.threads : cores, kMaxThreadCheck);
}

void print_header(const DeterminismArgs& a, const std::vector<NamedBackend>& backends, const std::string& why,
                  size_t all, size_t chosen, size_t selected, Shard shard, int max_threads) {
  std::vector<std::string> names;
  for (const NamedBackend& b : backends)
    names.push_back(b.plugin_path.empty() ? b.name : b.name + " (" + shell_path(b.plugin_path) + ")");
  std::cout << "convt report determinism: backends " << join_list(names, ", ")
            << (why.empty() ? "" : " (" + why + ")") << '\n'
            << "  problems: " << chosen;
  if (chosen != all) std::cout << " (every " << kDefaultSuiteStride << "th of the " << all << " of conformance.json)";
  std::cout << '\n';
  if (shard.count > 1)
    std::cout << "  shard " << shard.index << "/" << shard.count << ": " << selected << " of " << chosen << '\n';
  std::cout << "  runs: " << a.runs << " on normal data, seed " << a.common.seed << "; thread counts 1 to "
            << max_threads << " for the built-in CPU backends; tf32 " << a.common.tf32
            << (a.common.deterministic ? "; deterministic" : "") << '\n';
}

// One line per backend with its verdicts, then its failures and errors.
void print_summary(const std::vector<NamedBackend>& backends, const std::vector<DeterminismRecord>& records) {
  size_t width = 0;
  for (const NamedBackend& b : backends) width = std::max(width, b.name.size());
  for (size_t bi = 0; bi < backends.size(); ++bi) {
    std::map<DeterminismVerdict, int64_t> count;
    std::vector<const DeterminismRecord*> bad;
    for (const DeterminismRecord& r : records) {
      if (r.order[1] != int64_t(bi)) continue;
      ++count[r.verdict];
      if (r.verdict == DeterminismVerdict::failed || r.verdict == DeterminismVerdict::error) bad.push_back(&r);
    }
    int64_t problems = 0;
    for (const auto& [verdict, n] : count) problems += n;
    std::cout << backends[bi].name << std::string(width - backends[bi].name.size() + 2, ' ') << "problems:" << problems
              << " passed:" << count[DeterminismVerdict::passed] << " failed:" << count[DeterminismVerdict::failed]
              << " admitted:" << count[DeterminismVerdict::admitted]
              << " skipped:" << count[DeterminismVerdict::skipped];
    if (count[DeterminismVerdict::error]) std::cout << " errors:" << count[DeterminismVerdict::error];
    std::cout << '\n';
    for (size_t i = 0; i < bad.size() && i < kShownPerBackend; ++i) {
      const DeterminismRecord& r = *bad[i];
      std::cout << "  " << determinism_verdict_name(r.verdict) << ' ' << format_descriptor(r.problem) << ": "
                << r.reason << '\n';
    }
    if (bad.size() > kShownPerBackend) std::cout << "  ... and " << bad.size() - kShownPerBackend << " more\n";
  }
}

int determinism(const DeterminismArgs& a) {
  Result<Shard> shard = choose_shard(a.common.shard);
  if (!shard) return bad_input(shard.error());
  Result<std::vector<SuiteEntry>> all = gather_problems(a.common, "conformance.json");
  if (!all) return bad_input(all.error());
  std::vector<SuiteEntry> chosen;
  const size_t stride = no_problems_given(a.common) ? kDefaultSuiteStride : 1;
  for (size_t i = 0; i < all->size(); i += stride) chosen.push_back((*all)[i]);
  Result<std::vector<SuiteEntry>> selected = select_problems(chosen, "", *shard);
  if (!selected) return bad_input(selected.error());
  std::string why;
  Result<std::vector<NamedBackend>> backends = choose_backends(a.common, why);
  if (!backends) return bad_input(backends.error());
  if (!a.report.empty())
    if (auto e = check_can_write(a.report)) return bad_input(Error{"--report: " + e->message});

  report::DeterminismOptions options;
  options.runs = a.runs;
  options.seed = a.common.seed;
  options.backend = backend_options(a.common);
  options.max_threads = thread_check_count(a.common);
  options.deviceless_gpu = deviceless_gpu(*backends);
  print_header(a, *backends, why, all->size(), chosen.size(), selected->size(), *shard, options.max_threads);

  report::DeterminismMeter meter(options);
  std::vector<DeterminismRecord> records;
  Progress progress("determinism", int64_t(selected->size() * backends->size()));
  stop_on_interrupt();
  for (size_t k = 0; k < selected->size() && !interrupted(); ++k)
    for (size_t bi = 0; bi < backends->size() && !interrupted(); ++bi) {
      NamedBackend& b = backends.value()[bi];
      const Problem& p = (*selected)[k].problem;
      progress.update(int64_t(records.size()), b.name + " " + format_descriptor(p));
      records.push_back(meter.measure(b, p, {shard->index + int64_t(k) * shard->count, int64_t(bi)}));
    }
  progress.finish();

  if (!a.report.empty()) {
    const bool gpu = std::any_of(backends->begin(), backends->end(),
                                 [](const NamedBackend& b) { return device_of(b.name) != "cpu"; });
    nlohmann::json doc = report::new_report(run_info({a.common.seed}, *shard, gpu));
    doc["partial"] = interrupted();
    doc["determinism"] = report::determinism_section(options, records);
    if (auto e = report::write_report(a.report, doc)) return bad_input(*e);
  }
  print_summary(*backends, records);
  if (!a.report.empty()) std::cout << "wrote " << a.report << '\n';
  if (interrupted()) {
    std::cout << "interrupted (signal " << interrupting_signal() << ") after " << records.size() << " of "
              << selected->size() * backends->size() << " measurements"
              << (a.report.empty() ? "" : "; the report is marked partial") << '\n';
    return kInterrupted;
  }
  const bool failed = std::any_of(records.begin(), records.end(), [](const DeterminismRecord& r) {
    return r.verdict == DeterminismVerdict::failed || r.verdict == DeterminismVerdict::error;
  });
  return failed ? kCheckFailed : kSuccess;
}

}  // namespace

void add_report_determinism(CLI::App* report, Action& action) {
  auto a = std::make_shared<DeterminismArgs>();
  CLI::App* cmd = report->add_subcommand(
      "determinism",
      "Run each backend R times per problem on normal data: distinct outputs, differences in units of the "
      "error bound, and what the backend declares against what was observed (docs/reports.md)");
  add_common_options(cmd, a->common,
                     {.problems = true,
                      .backend = "Backend name(s), comma-separated (default: every available backend but "
                                 "reference, and every cuDNN engine where there is a GPU; with --plugin, only the "
                                 "plugins)",
                      .plugins = true,
                      .seed = "Seed of the normal data",
                      .threads = "Threads of the backends (0: all cores); the CPU backends are also run with 1 to "
                                 "this many (all cores: at most 8) and must agree bitwise",
                      .math = true,
                      .shard = true});
  cmd->add_option("--runs", a->runs, "Runs per backend and problem")
      ->check(whole_number(1, 1000))
      ->capture_default_str();
  cmd->add_option("--report", a->report, "Write the report (JSON, its determinism section) here");
  cmd->callback([a, &action] { action = [a] { return determinism(*a); }; });
}

}  // namespace convt::cli
