// The performance section of a report (Google Benchmark's entries from
// convt bench or tools/bench_pytorch.py) as the page plots it: one
// measurement per layer and backend, and the machine's peak.
//
// A benchmark is named "<backend>/<canonical descriptor>" (harness/
// benchmark.h). With repetitions it has one entry per repetition and the
// aggregates mean, median, stddev and cv: the page takes the median, else
// the mean, else the median of the repetitions' own entries (the single
// entry without repetitions). Entries with error_occurred (the backend
// failed, or does not support the problem) are no measurement: they are
// listed with their message.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace convt::report::html {

struct Measurement {
  double seconds = 0;                    // the real time of one run
  std::optional<double> gflops;          // the GFLOP/s counter (useful products)
  std::optional<double> nominal_gflops;  // nominal_GFLOP/s (every product), when present
  std::optional<double> peak_percent;    // peak%
  std::string statistic;                 // "median of 10 repetitions", "one run", ...
  std::string label;                     // what the backend chose (cuDNN's engine), or ""
};

struct PerformanceTable {
  std::vector<std::string> layers;                            // canonical descriptors, in order of first appearance
  std::vector<std::string> backends;                          // in order of first appearance
  std::map<std::pair<size_t, size_t>, Measurement> cells;     // (layer, backend) -> measurement
  std::map<std::pair<size_t, size_t>, std::string> failures;  // (layer, backend) -> error message, no measurement
  std::optional<double> peak_gflops;                          // the machine's peak for the threads used
  std::string peak_note;  // how the peak was found ("avx2+fma, 96 per core x 2 threads")

  const Measurement* at(size_t layer, size_t backend) const;
  std::optional<size_t> backend_index(const std::string& name) const;
};

// The table of a report's "performance" section ({"context", "records"});
// `context` is the report's own context, whose "peak" stands in when the
// section's context has no peak_gflops.
PerformanceTable performance_table(const nlohmann::json& performance, const nlohmann::json& context);

// The speedup of `backend` over `baseline` on each layer both measured:
// baseline's time / backend's time (> 1: the backend is faster), as
// (layer index, speedup) in layer order.
std::vector<std::pair<size_t, double>> speedups(const PerformanceTable& table, size_t backend, size_t baseline);

// The geometric mean of the values (all positive); nullopt when empty.
std::optional<double> geometric_mean(const std::vector<double>& values);

}  // namespace convt::report::html
