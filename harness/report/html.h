// convt report html: a report (harness/report/report.h) as one
// self-contained HTML page, for people to read: no script, no external
// stylesheet, font or image, and no network needed to view it; the plots
// are inline SVG (harness/report/plots.h).
//
// The page: the context (date, host, CPU, peak, GPU, convt's version and
// commit, the command line); per section present, in order:
//   conformance  per backend the verdicts' counts, and the first failures
//                with their repro commands
//   performance  GFLOP/s per layer and backend with the machine's peak, and
//                each backend's speedup over a baseline backend (log axis,
//                geometric mean per backend in the legend), then the
//                numbers as a table
//   accuracy     error / bound against K (log-log) for strict and TF32
//                bounds, and per backend the worst ratios
//   determinism  declared against observed, per problem and backend,
//                coloured by verdict
// A section the report lacks is one line saying so. Everything taken from
// the report is escaped, so that a report cannot inject markup.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace convt::report {

struct HtmlOptions {
  // The backend the speedups are measured against; empty: the first
  // backend of the performance records (performance_backends()[0]).
  std::string baseline;
};

// The page of a report. Pure: JSON in, page out; never throws for any
// JSON (fields of unexpected types read as absent).
std::string render_html(const nlohmann::json& report);
std::string render_html(const nlohmann::json& report, const HtmlOptions& options);

// The backends of the report's performance records, in the order they
// first appear (the choices of --baseline).
std::vector<std::string> performance_backends(const nlohmann::json& report);

}  // namespace convt::report
