#include "harness/check_report.h"

#include <cmath>
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
                          {"expected", number(m.expected)}, {"got", number(m.got)}, {"bound", number(m.bound)},
                          {"not_written", m.not_written}});
  json differences = json::array();
  for (const RunDifference& d : r.result.differences.first)
    differences.push_back({{"n", d.at[0]}, {"c", d.at[1]}, {"h", d.at[2]}, {"w", d.at[3]},
                           {"run_1", number(d.first)}, {"other_run", number(d.other)}});
  return {{"order", r.order},
          {"problem", format_descriptor(r.spec.problem)},
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
          {"differing_run", r.result.differing_run},
          {"first_differences", differences},
          {"prepare_seconds", r.result.prepare_seconds},
          {"run_seconds", r.result.run_seconds},
          {"repro", r.repro}};
}

// The registry's words for a built-in backend (for cpu, the ISA it runs);
// empty for a plugin.
std::string description(const NamedBackend& b) {
  if (b.plugin_path.empty())
    for (const BackendEntry& e : backend_registry())
      if (e.name == b.name) return e.description;
  return "";
}

}  // namespace

json conformance_section(const std::vector<CheckRecord>& records, const std::vector<NamedBackend>& backends,
                         const CheckOptions& options, const BackendOptions& math) {
  json modes = json::array();
  for (DataMode m : options.data) modes.push_back(data_mode_name(m));
  json backend_list = json::array();
  for (const NamedBackend& b : backends)
    backend_list.push_back({{"name", b.name},
                            {"device", b.device},
                            {"plugin", b.plugin_path},
                            {"description", description(b)},
                            {"deterministic", b.backend->deterministic()}});
  json cases = json::array();
  for (const CheckRecord& r : records) cases.push_back(case_json(r));
  return {{"options",
           {{"seed", options.seed},
            {"repeat", options.repeat},
            {"data", modes},
            {"tf32", math.allow_tf32 ? "on" : "off"},
            {"deterministic", math.deterministic}}},
          {"backends", backend_list},
          {"records", cases}};
}

}  // namespace convt
