// convt report: the reports users keep (harness/report/report.h):
//   report determinism  bitwise reproducibility, declared against observed
//   report accuracy     errors against the oracle, strict and TF32 bounds
//   report merge        shards (or sections) joined into one report
//   report html         one self-contained page with plots
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "harness/cli/command.h"
#include "harness/report/report.h"

namespace convt::cli {
namespace {

struct MergeArgs {
  std::vector<std::string> inputs;
  std::string output;
};

int merge(const MergeArgs& a) {
  std::vector<nlohmann::json> reports;
  for (const std::string& path : a.inputs) {
    Result<nlohmann::json> r = report::read_report(path);
    if (!r) return bad_input(r.error());
    reports.push_back(std::move(r).value());
  }
  Result<nlohmann::json> merged = report::merge_reports(reports);
  if (!merged) return bad_input(merged.error());
  if (auto e = report::write_report(a.output, *merged)) return bad_input(*e);
  std::cout << "wrote " << a.output << " (" << reports.size() << " reports merged";
  for (const char* section : report::kSections)
    if (merged->contains(section))
      std::cout << "; " << section << ": " << (*merged)[section]["records"].size() << " records";
  std::cout << ")\n";
  return kSuccess;
}

void add_report_merge(CLI::App* report, Action& action) {
  auto a = std::make_shared<MergeArgs>();
  CLI::App* cmd = report->add_subcommand(
      "merge", "Join reports (shards of one run, its sections, convt bench's JSON) into the report of one run");
  cmd->add_option("reports", a->inputs, "Reports to join (convt reports, or convt bench --report files)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--output", a->output, "The joined report")->required();
  cmd->callback([a, &action] { action = [a] { return merge(*a); }; });
}

}  // namespace

void add_report_command(CLI::App& app, Action& action) {
  CLI::App* report = app.add_subcommand("report", "Reports: determinism, accuracy, merge, html (docs/reports.md)");
  report->require_subcommand(1);
  add_report_determinism(report, action);
  add_report_accuracy(report, action);
  add_report_merge(report, action);
  add_report_html(report, action);
}

}  // namespace convt::cli
