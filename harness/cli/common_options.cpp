#include "harness/cli/common_options.h"

#include "reference/descriptor.h"

namespace convt::cli {

void add_common_options(CLI::App* cmd, CommonOptions& o, const CommonSpec& spec) {
  if (spec.problems) {
    cmd->add_option("--config", o.configs, "Suite file(s) (JSON)")->check(CLI::ExistingFile);
    cmd->add_option("--problem", o.problems, "Problem descriptor(s)");
  }
  if (!spec.backend.empty()) cmd->add_option("--backend", o.backends, spec.backend)->capture_default_str();
  if (spec.plugins) cmd->add_option("--plugin", o.plugins, "Shared library implementing include/convt/plugin.h");
  if (spec.data_modes)
    cmd->add_option("--data", o.data, "Data modes, comma-separated: exact, normal, special")->capture_default_str();
  if (!spec.seed.empty()) cmd->add_option("--seed", o.seed, spec.seed)->capture_default_str();
  if (spec.repeat)
    cmd->add_option("--repeat", o.repeat, "Runs per case; outputs must agree bitwise")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
  cmd->add_option("--threads", o.threads, spec.threads)->check(CLI::NonNegativeNumber);
}

Result<std::vector<SuiteEntry>> gather_problems(const CommonOptions& o, const std::string& default_suite) {
  std::vector<SuiteEntry> all;
  std::vector<std::string> configs = o.configs;
  if (configs.empty() && o.problems.empty() && !default_suite.empty()) configs.push_back(default_suite);
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
  return all;
}

}  // namespace convt::cli
