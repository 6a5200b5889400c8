#include "harness/cli/common_options.h"

#include <cmath>

#include "harness/benchdnn.h"
#include "harness/cli/config_dir.h"
#include "reference/descriptor.h"

namespace convt::cli {

void add_common_options(CLI::App* cmd, CommonOptions& o, const CommonSpec& spec) {
  if (spec.problems) {
    cmd->add_option("--config", o.configs, "Suite file(s) (JSON)")->check(CLI::ExistingFile);
    cmd->add_option("--problem", o.problems, "Problem descriptor(s)");
    cmd->add_option("--benchdnn", o.benchdnn,
                    "oneDNN benchdnn deconvolution batch file(s): its problems in PyTorch's semantics")
        ->check(CLI::ExistingFile);
  }
  if (!spec.backend.empty()) cmd->add_option("--backend", o.backends, spec.backend)->capture_default_str();
  if (spec.plugins) cmd->add_option("--plugin", o.plugins, "Shared library implementing include/convt/plugin.h");
  if (spec.data_modes)
    cmd->add_option("--data", o.data, "Data modes, comma-separated: exact, normal, special, scaled, mixed")->capture_default_str();
  if (!spec.seed.empty())
    cmd->add_option("--seed", o.seed, spec.seed)->check(whole_number<uint64_t>(0))->capture_default_str();
  if (spec.repeat)
    cmd->add_option("--repeat", o.repeat, "Runs per case; outputs must agree bitwise")
        ->check(whole_number(1, 1000))
        ->capture_default_str();
  cmd->add_option("--threads", o.threads, spec.threads)->check(whole_number(0));
  if (spec.isolation) {
    cmd->add_option("--isolate", o.isolate,
                    "on|off: run each case in a worker process, so that a crash or a hang fails that case "
                    "only (default: on for plugins, off for the built-in backends)")
        ->check(CLI::IsMember({"on", "off"}));
    cmd->add_option("--case-timeout", o.case_timeout,
                    "Fail a case whose backend calls take longer than this many seconds (default " +
                        std::to_string(int(Isolation::kDefaultCaseTimeout)) +
                        " for isolated cases; alone, it isolates every case)")
        ->check(positive_number());
  }
  if (spec.math) {
    cmd->add_option("--tf32", o.tf32,
                    "on|off: allow TF32 tensor cores (cuDNN's engines noted TENSOR_CORE, judged by the bound of "
                    "TF32 inputs, 2^-10; convt's cuda kernel on mma.sync, inputs rounded, 2^-11); PyTorch's default "
                    "for cuDNN convolutions is on")
        ->check(CLI::IsMember({"on", "off"}))
        ->capture_default_str();
    cmd->add_flag("--deterministic", o.deterministic,
                  "Deterministic engines only (drops cuDNN's engines noted NONDETERMINISTIC), as "
                  "torch.backends.cudnn.deterministic");
  }
  if (spec.shard)
    cmd->add_option("--shard", o.shard,
                    "Run shard I of N (I/N); default from GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS, SLURM_ARRAY_TASK_ID or "
                    "JOB_COMPLETION_INDEX with CONVT_SHARDS (docs/reports.md)");
}

BackendOptions backend_options(const CommonOptions& o) {
  return BackendOptions{.threads = o.threads, .allow_tf32 = o.tf32 == "on", .deterministic = o.deterministic};
}

Result<Isolation> isolation_of(const CommonOptions& o) {
  Isolation isolation;
  isolation.case_timeout = o.case_timeout;
  if (o.isolate == "on") isolation.mode = IsolateMode::on;
  if (o.isolate == "off") isolation.mode = IsolateMode::off;
  if (o.case_timeout > 0 && isolation.mode == IsolateMode::off)
    return Error{"--case-timeout needs isolated cases (only a worker process can be stopped): drop --isolate off"};
  if (o.case_timeout > 0) isolation.mode = IsolateMode::on;
  return isolation;
}

CLI::Validator positive_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() && end == text.data() + text.size() && value > 0 && std::isfinite(value)) return "";
        return "expected a positive number, not '" + text + "'";
      },
      "POSITIVE");
}

Result<std::vector<SuiteEntry>> benchdnn_problems(const std::vector<std::string>& files, std::ostream& notes) {
  std::vector<SuiteEntry> all;
  for (const std::string& file : files) {
    Result<BenchdnnBatch> batch = load_benchdnn(file);
    if (!batch) return Error{"--benchdnn: " + batch.error().message};
    notes << "benchdnn " << file << ": " << batch->problems.size() << " problems, " << batch->skipped.size()
          << " skipped\n";
    for (const BenchdnnSkip& s : batch->skipped)
      notes << "  skipped " << s.where << " " << s.problem << ": " << s.reason << '\n';
    for (const std::string& note : batch->notes) notes << "  note " << note << '\n';
    for (const SuiteEntry& e : batch->problems) all.push_back(e);
  }
  return all;
}

Result<std::vector<SuiteEntry>> gather_problems(const CommonOptions& o, const std::string& default_suite,
                                                std::ostream& notes) {
  std::vector<SuiteEntry> all;
  std::vector<std::string> configs = o.configs;
  if (configs.empty() && o.problems.empty() && o.benchdnn.empty() && !default_suite.empty()) {
    Result<std::string> path = installed_suite(default_suite);
    if (!path) return path.error();
    configs.push_back(*path);
  }
  for (const std::string& path : configs) {
    Result<Suite> suite = load_suite(path);
    if (!suite) return suite.error();
    for (SuiteEntry& e : suite.value().problems) all.push_back(std::move(e));
  }
  for (const std::string& text : o.problems) {
    Result<Problem> p = parse_problem(text);
    if (!p) return Error{"--problem: " + p.error().message};
    all.push_back(SuiteEntry{*p, "", "--problem", {}, std::nullopt});
  }
  Result<std::vector<SuiteEntry>> converted = benchdnn_problems(o.benchdnn, notes);
  if (!converted) return converted.error();
  all.insert(all.end(), converted->begin(), converted->end());
  return all;
}

}  // namespace convt::cli
