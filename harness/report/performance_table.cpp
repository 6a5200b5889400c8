#include "harness/report/performance_table.h"

#include <algorithm>
#include <cmath>

#include "harness/report/html_text.h"

namespace convt::report::html {

namespace {

using nlohmann::json;

// Google Benchmark's entries of one benchmark.
struct Entries {
  const json* median = nullptr;
  const json* mean = nullptr;
  std::vector<const json*> runs;  // run_type "iteration"
  std::string error;              // the message of an entry with error_occurred
};

// Seconds of one run: real_time in its time_unit; nullopt when either is
// missing or the time is no positive finite number.
std::optional<double> seconds_of(const json& entry) {
  const std::optional<double> t = number(entry, "real_time");
  if (!t || !std::isfinite(*t) || *t <= 0) return std::nullopt;
  const std::string unit = text(entry, "time_unit", "ns");
  const double scale = unit == "ns" ? 1e-9 : unit == "us" ? 1e-6 : unit == "ms" ? 1e-3 : unit == "s" ? 1 : 0;
  if (scale == 0) return std::nullopt;
  return *t * scale;
}

// The benchmark's name without an aggregate's suffix ("cpu/mb1..._median").
std::string run_name_of(const json& entry) {
  std::string name = text(entry, "run_name");
  if (!name.empty()) return name;
  name = text(entry, "name");
  const std::string suffix = "_" + text(entry, "aggregate_name");
  if (suffix.size() > 1 && name.size() > suffix.size() &&
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
    name.resize(name.size() - suffix.size());
  return name;
}

std::optional<double> finite(const json& entry, const char* key) {
  const std::optional<double> v = number(entry, key);
  if (v && std::isfinite(*v)) return v;
  return std::nullopt;
}

Measurement measurement(const json& entry, std::string statistic) {
  Measurement m;
  m.seconds = seconds_of(entry).value_or(0);
  m.gflops = finite(entry, "GFLOP/s");
  m.nominal_gflops = finite(entry, "nominal_GFLOP/s");
  m.peak_percent = finite(entry, "peak%");
  m.statistic = std::move(statistic);
  m.label = text(entry, "label");
  return m;
}

size_t index_of(std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return size_t(it - names.begin());
  names.push_back(name);
  return names.size() - 1;
}

void find_peak(PerformanceTable& table, const json& bench_context, const json& context) {
  const std::string isa = text(bench_context, "peak_isa");
  const std::optional<double> threads = leading_number(member(bench_context, "threads"));
  std::optional<double> per_core = leading_number(member(bench_context, "peak_gflops_per_core"));
  table.peak_gflops = leading_number(member(bench_context, "peak_gflops"));
  std::string source = "measured by convt bench";
  if (!table.peak_gflops) {
    // An older benchmark context: the report's own context may know the
    // rate per core.
    const json& peak = member(context, "peak");
    per_core = number(peak, "gflops_per_core");
    if (per_core && threads && std::isfinite(*per_core) && *per_core > 0) {
      table.peak_gflops = *per_core * *threads;
      source = "from the report's context";
    }
  }
  if (!table.peak_gflops || !(*table.peak_gflops > 0)) {
    table.peak_gflops.reset();
    return;
  }
  std::string note = isa.empty() ? "" : isa + ": ";
  if (per_core && threads)
    note += format_number(*per_core) + " GFLOP/s per core x " + format_number(*threads) + " threads, ";
  table.peak_note = note + source;
}

}  // namespace

const Measurement* PerformanceTable::at(size_t layer, size_t backend) const {
  const auto it = cells.find({layer, backend});
  return it == cells.end() ? nullptr : &it->second;
}

std::optional<size_t> PerformanceTable::backend_index(const std::string& name) const {
  const auto it = std::find(backends.begin(), backends.end(), name);
  if (it == backends.end()) return std::nullopt;
  return size_t(it - backends.begin());
}

PerformanceTable performance_table(const json& performance, const json& context) {
  PerformanceTable table;
  std::vector<std::string> names;  // benchmarks in order of first appearance
  std::map<std::string, Entries> entries;
  for (const json& e : array(performance, "records")) {
    const std::string name = run_name_of(e);
    if (name.empty()) continue;
    if (!entries.count(name)) names.push_back(name);
    Entries& mine = entries[name];
    if (flag(e, "error_occurred").value_or(false)) {
      mine.error = text(e, "error_message", "failed");
      continue;
    }
    if (!seconds_of(e)) continue;
    if (text(e, "run_type") == "aggregate") {
      const std::string aggregate = text(e, "aggregate_name");
      if (aggregate == "median") mine.median = &e;
      if (aggregate == "mean") mine.mean = &e;
    } else {
      mine.runs.push_back(&e);
    }
  }
  for (const std::string& name : names) {
    const size_t slash = name.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == name.size()) continue;
    const std::string backend = name.substr(0, slash);
    const std::string rest = name.substr(slash + 1);
    const std::string layer = rest.substr(0, rest.find('/'));
    Entries& e = entries[name];
    std::optional<Measurement> m;
    if (e.median || e.mean) {
      const json& chosen = e.median ? *e.median : *e.mean;
      const std::string repetitions = text(chosen, "repetitions");
      m = measurement(chosen, std::string(e.median ? "median" : "mean") +
                                  (repetitions.empty() ? "" : " of " + repetitions + " repetitions"));
    } else if (!e.runs.empty()) {
      std::stable_sort(e.runs.begin(), e.runs.end(), [](const json* a, const json* b) {
        return seconds_of(*a).value_or(0) < seconds_of(*b).value_or(0);
      });
      const size_t n = e.runs.size();
      m = measurement(*e.runs[(n - 1) / 2], n == 1 ? "one run" : "median of " + std::to_string(n) + " runs");
    }
    if (!m && e.error.empty()) continue;
    const size_t l = index_of(table.layers, layer);
    const size_t b = index_of(table.backends, backend);
    if (m)
      table.cells[{l, b}] = std::move(*m);
    else
      table.failures[{l, b}] = e.error;
  }
  find_peak(table, member(performance, "context"), context);
  return table;
}

std::vector<std::pair<size_t, double>> speedups(const PerformanceTable& table, size_t backend, size_t baseline) {
  std::vector<std::pair<size_t, double>> out;
  for (size_t l = 0; l < table.layers.size(); ++l) {
    const Measurement* base = table.at(l, baseline);
    const Measurement* mine = table.at(l, backend);
    if (base && mine && base->seconds > 0 && mine->seconds > 0) out.emplace_back(l, base->seconds / mine->seconds);
  }
  return out;
}

std::optional<double> geometric_mean(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  double sum = 0;
  for (double v : values) sum += std::log(v);
  return std::exp(sum / double(values.size()));
}

}  // namespace convt::report::html
