// convt report html: reports (convt reports, or convt bench --report files)
// as one self-contained HTML page with inline SVG plots
// (harness/report/html.h). Several reports are joined first, as
// `convt report merge` joins them; the page is written atomically (to
// PAGE.tmp, then renamed), so that an earlier page stays whole until the
// new one is complete.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "harness/cli/command.h"
#include "harness/report/html.h"
#include "harness/report/report.h"

namespace convt::cli {
namespace {

struct HtmlArgs {
  std::vector<std::string> inputs;
  std::string output;
  std::string baseline;
};


int html(const HtmlArgs& a) {
  std::vector<nlohmann::json> reports;
  for (const std::string& path : a.inputs) {
    Result<nlohmann::json> r = report::read_report(path);
    if (!r) return bad_input(r.error());
    reports.push_back(std::move(r).value());
  }
  nlohmann::json doc;
  if (reports.size() == 1) {
    doc = std::move(reports[0]);
  } else {
    Result<nlohmann::json> merged = report::merge_reports(reports);
    if (!merged) return bad_input(merged.error());
    doc = std::move(merged).value();
  }
  if (!a.baseline.empty()) {
    const std::vector<std::string> backends = report::performance_backends(doc);
    if (backends.empty())
      return bad_input(Error{"--baseline " + a.baseline + ": the reports hold no performance measurements"});
    if (std::find(backends.begin(), backends.end(), a.baseline) == backends.end()) {
      std::string names;
      for (const std::string& b : backends) names += (names.empty() ? "" : ", ") + b;
      return bad_input(
          Error{"--baseline " + a.baseline + ": no such backend in the performance records (" + names + ")"});
    }
  }
  const std::string page = report::render_html(doc, report::HtmlOptions{a.baseline});
  if (std::optional<Error> e = report::write_atomically(a.output, page)) return bad_input(*e);
  size_t plots = 0;
  for (size_t at = page.find("<svg class=\"plot\""); at != std::string::npos;
       at = page.find("<svg class=\"plot\"", at + 1))
    ++plots;
  std::cout << "wrote " << a.output << " (" << plots << (plots == 1 ? " plot" : " plots");
  for (const char* section : report::kSections)
    if (!doc.contains(section)) std::cout << "; no " << section;
  std::cout << ")\n";
  return kSuccess;
}

}  // namespace

void add_report_html(CLI::App* report, Action& action) {
  auto a = std::make_shared<HtmlArgs>();
  CLI::App* cmd = report->add_subcommand(
      "html", "One self-contained HTML page with plots (GFLOP/s, speedup, accuracy) and tables from reports");
  cmd->add_option("--from", a->inputs, "Reports to show (convt reports, or convt bench --report files), joined")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--output", a->output, "The page (written atomically)")->required();
  cmd->add_option("--baseline", a->baseline,
                  "The backend the speedups are measured against (default: the first in the performance records)");
  cmd->callback([a, &action] { action = [a] { return html(*a); }; });
}

}  // namespace convt::cli
