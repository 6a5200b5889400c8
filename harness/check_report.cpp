#include "harness/check_report.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "reference/descriptor.h"

namespace convt {
namespace {

using nlohmann::json;

// JSON has no NaN or Inf: write them as strings.
json number(double v) {
  if (std::isfinite(v)) return v;
  return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

json case_json(const CheckRecord& r) {
  json mismatches = json::array();
  for (const Mismatch& m : r.result.comparison.first)
    mismatches.push_back({{"n", m.at[0]}, {"c", m.at[1]}, {"h", m.at[2]}, {"w", m.at[3]},
                          {"expected", number(m.expected)}, {"got", number(m.got)}, {"bound", number(m.bound)}});
  return {{"problem", format_descriptor(r.spec.problem)},
          {"name", r.entry.name},
          {"source", r.entry.source},
          {"backend", r.backend},
          {"data", data_mode_name(r.spec.data)},
          {"seed", r.spec.seed},
          {"verdict", verdict_name(r.result.verdict)},
          {"reason", r.result.reason},
          {"worst_error_to_bound", number(r.result.comparison.worst_ratio)},
          {"mismatches", r.result.comparison.mismatches},
          {"first_mismatches", mismatches},
          {"nondeterministic", r.result.nondeterministic},
          {"prepare_seconds", r.result.prepare_seconds},
          {"run_seconds", r.result.run_seconds},
          {"repro", r.repro}};
}

}  // namespace

std::optional<Error> write_check_report(const std::string& path, const std::vector<CheckRecord>& records,
                                        const std::vector<NamedBackend>& backends, const CheckOptions& options) {
  json modes = json::array();
  for (DataMode m : options.data) modes.push_back(data_mode_name(m));
  json backend_list = json::array();
  for (const NamedBackend& b : backends)
    backend_list.push_back({{"name", b.name},
                            {"device", b.device},
                            {"plugin", b.plugin_path},
                            {"deterministic", b.backend->deterministic()}});
  json cases = json::array();
  for (const CheckRecord& r : records) cases.push_back(case_json(r));
  const CheckTotals t = totals(records);
  const json report = {
      {"tool", "convt"},
      {"version", CONVT_VERSION},
      {"command", "check"},
      {"seed", options.seed},
      {"repeat", options.repeat},
      {"data", modes},
      {"backends", backend_list},
      {"summary",
       {{"tests", t.tests}, {"passed", t.passed}, {"failed", t.failed}, {"mistrusted", t.mistrusted}, {"skipped", t.skipped}}},
      {"cases", cases}};
  std::ofstream out(path);
  if (!out) return Error{path + ": cannot open for writing: " + std::strerror(errno)};
  out << report.dump(2) << '\n';
  if (!out) return Error{path + ": write failed"};
  return std::nullopt;
}

}  // namespace convt
