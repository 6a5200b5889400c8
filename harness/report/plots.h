// The plots of the report's page (harness/report/html.h), each one inline
// <svg class="plot" data-plot="NAME"> with one element per data point, so
// that a reader (or a test) can count what is drawn:
//   gflops    GFLOP/s per layer and backend: <rect class="bar">, one per
//             measured (layer, backend), and the machine's peak as
//             <line class="peak">
//   speedup   each backend's speedup over the baseline per layer, on a log
//             axis: <rect class="bar">, one per layer that both measured;
//             the geometric mean per backend in the legend
//   accuracy  error / bound against K, both on log axes:
//             <circle|path class="point">, one per accuracy record (its
//             strict_ratio) plus one per TF32 record (its tf32_ratio); the
//             bound (ratio 1) as <line class="bound">
// Every element carries a <title> with its numbers. A plot with nothing to
// draw is the empty string; the page says why instead.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/report/performance_table.h"
#include "harness/report/svg.h"

namespace convt::report::html {

std::string gflops_plot(const PerformanceTable& table, Palette& palette);

// `baseline` indexes table.backends.
std::string speedup_plot(const PerformanceTable& table, size_t baseline, Palette& palette);

// `accuracy` is the report's accuracy section ({"records": [...]}).
std::string accuracy_plot(const nlohmann::json& accuracy, Palette& palette);

}  // namespace convt::report::html
