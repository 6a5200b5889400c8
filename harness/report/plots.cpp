#include "harness/report/plots.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "harness/report/html_text.h"

namespace convt::report::html {

namespace {

using nlohmann::json;

constexpr double kWidth = 980;      // every plot's width in pixels
constexpr double kRight = 64;       // room right of the bars for their values
constexpr double kCharWidth = 6.9;  // 12px sans-serif, a generous average
constexpr double kMonoWidth = 6.7;  // 11px monospace (the layers' labels)
constexpr size_t kLabelChars = 44;  // longer layer labels are cut, whole in their <title>

std::string open_svg(std::string_view name, double height, std::string_view description) {
  return "<svg class=\"plot\" data-plot=\"" + std::string(name) + "\" width=\"" + px(kWidth) + "\" height=\"" +
         px(height) + "\" viewBox=\"0 0 " + px(kWidth) + ' ' + px(height) + "\" role=\"img\" aria-label=\"" +
         escape(description) + "\">\n";
}

std::string line(double x1, double y1, double x2, double y2, std::string_view attributes) {
  return "<line " + std::string(attributes) + " x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) +
         "\" y2=\"" + px(y2) + "\"/>\n";
}

std::string rect(double x, double y, double w, double h, std::string_view attributes, std::string_view title = "") {
  std::string out = "<rect " + std::string(attributes) + " x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"" +
                    px(std::max(w, 1.0)) + "\" height=\"" + px(h) + "\"";
  if (title.empty()) return out + "/>\n";
  return out + '>' + svg_title(title) + "</rect>\n";
}

// A legend: coloured squares and their texts, in rows that wrap at
// `right`; its height tells the plot where to start.
struct LegendEntry {
  std::string colour, text;
};
struct Legend {
  std::string svg;
  double height = 0;
};

Legend legend(const std::vector<LegendEntry>& entries, double left, double right, double top) {
  Legend out;
  const double row_height = 20;
  double x = left, y = top + 10;
  for (const LegendEntry& e : entries) {
    const double w = 22 + kCharWidth * double(e.text.size()) + 18;
    if (x > left && x + w > right) {
      x = left;
      y += row_height;
    }
    out.svg += rect(x, y - 6, 12, 12, "class=\"legend-mark\" fill=\"" + e.colour + "\"");
    out.svg += svg_text(x + 18, y + 4, e.text, "start", "class=\"legend\"") + '\n';
    x += w;
  }
  out.height = entries.empty() ? 0 : y - top + 12;
  return out;
}

// The rows of the layer plots: one group per layer, one bar per backend in
// each, a label (the short descriptor) left of each group.
struct Rows {
  double left = 0, top = 0;
  double pitch = 12, bar = 10, gap = 10;
  size_t per_group = 1, groups = 0;
  double group_height() const { return double(per_group) * pitch + gap; }
  double group_top(size_t l) const { return top + double(l) * group_height(); }
  double bar_y(size_t l, size_t k) const { return group_top(l) + gap / 2 + double(k) * pitch; }
  double bottom() const { return group_top(groups); }
};

Rows rows_for(const std::vector<std::string>& layers, size_t per_group, double top) {
  Rows r;
  size_t chars = 8;
  for (const std::string& l : layers) chars = std::max(chars, std::min(kLabelChars, short_descriptor(l).size()));
  r.left = 16 + kMonoWidth * double(chars);
  r.top = top;
  r.per_group = std::max<size_t>(1, per_group);
  r.groups = layers.size();
  return r;
}

// Alternate bands behind the groups and each layer's label.
std::string layer_labels(const std::vector<std::string>& layers, const Rows& r) {
  std::string out;
  for (size_t l = 0; l < layers.size(); ++l) {
    if (l % 2 == 0) out += rect(0, r.group_top(l), kWidth, r.group_height(), "class=\"band\"");
    std::string label = short_descriptor(layers[l]);
    if (label.size() > kLabelChars) label = label.substr(0, kLabelChars - 3) + "...";
    const double middle = r.group_top(l) + r.group_height() / 2 + 4;
    out += "<text x=\"" + px(r.left - 8) + "\" y=\"" + px(middle) + "\" text-anchor=\"end\" class=\"layer\">" +
           svg_title(layers[l]) + escape(label) + "</text>\n";
  }
  return out;
}

// Vertical grid lines with their values above and below the rows.
template <class Scale>
std::string vertical_grid(const std::vector<double>& ticks, const Scale& x, const Rows& r, std::string_view suffix) {
  std::string out;
  for (double t : ticks) {
    const double at = x(t);
    out += line(at, r.top, at, r.bottom(), "class=\"grid\"");
    const std::string label = format_number(t) + std::string(suffix);
    out += svg_text(at, r.top - 6, label, "middle", "class=\"tick\"") + '\n';
    out += svg_text(at, r.bottom() + 14, label, "middle", "class=\"tick\"") + '\n';
  }
  return out;
}

std::string backend_fill(Palette& palette, const std::string& backend) {
  return "fill=\"" + palette.colour(backend) + "\"";
}

// The y of a ratio on the accuracy plot: zeros on a band below the axis,
// infinities and NaN on a band above it.
struct RatioAxis {
  LogScale scale;
  double zero_band = 0, off_band = 0;
  double operator()(std::optional<double> v) const {
    if (!v || !std::isfinite(*v)) return off_band;
    if (*v <= 0) return zero_band;
    return scale(*v);
  }
};

// A marker: a circle (float32) or a triangle (TF32), filled or hollow.
std::string marker(double x, double y, bool triangle, bool hollow, const std::string& colour, std::string_view cls,
                   std::string_view title) {
  const std::string paint = hollow ? "fill=\"#fff\" stroke=\"" + colour + "\" stroke-width=\"1.6\""
                                   : "fill=\"" + colour + "\" stroke=\"#333\" stroke-width=\"0.6\"";
  std::string out;
  if (triangle)
    out = "<path class=\"" + std::string(cls) + "\" d=\"M" + px(x) + ',' + px(y - 5.5) + " L" + px(x + 5) + ',' +
          px(y + 3.5) + " L" + px(x - 5) + ',' + px(y + 3.5) + " Z\" " + paint;
  else
    out = "<circle class=\"" + std::string(cls) + "\" cx=\"" + px(x) + "\" cy=\"" + px(y) + "\" r=\"4\" " + paint;
  if (title.empty()) return out + "/>\n";
  return out + '>' + svg_title(title) + (triangle ? "</path>\n" : "</circle>\n");
}

}  // namespace

std::string gflops_plot(const PerformanceTable& t, Palette& palette) {
  if (t.cells.empty()) return "";
  std::vector<LegendEntry> entries;
  for (const std::string& b : t.backends) entries.push_back({palette.colour(b), b});
  const Legend key = legend(entries, 12, kWidth - 12, 4);
  double top_value = t.peak_gflops.value_or(0);
  for (const auto& [cell, m] : t.cells) top_value = std::max(top_value, m.gflops.value_or(0));
  const std::vector<double> ticks = linear_ticks(top_value > 0 ? top_value * 1.02 : 1);
  const Rows r = rows_for(t.layers, t.backends.size(), key.height + 48);
  const LinearScale x{0, ticks.back(), r.left, kWidth - kRight};
  const double height = r.bottom() + 44;

  std::string out = open_svg("gflops", height, "GFLOP/s per layer and backend") + key.svg;
  out += layer_labels(t.layers, r) + vertical_grid(ticks, x, r, "");
  for (size_t l = 0; l < t.layers.size(); ++l)
    for (size_t b = 0; b < t.backends.size(); ++b) {
      const double y = r.bar_y(l, b);
      const Measurement* m = t.at(l, b);
      const std::string where = t.backends[b] + " on " + t.layers[l];
      if (m == nullptr || !m->gflops) {
        const auto failure = t.failures.find({l, b});
        const std::string why = failure != t.failures.end() ? failure->second : m ? "no GFLOP/s counter" : "";
        if (!why.empty())
          out += "<text x=\"" + px(r.left + 4) + "\" y=\"" + px(y + r.bar - 1) + "\" class=\"missing\">" +
                 svg_title(where + ": " + why) + escape(t.backends[b] + ": not run") + "</text>\n";
        continue;
      }
      std::string title = where + ": " + format_number(*m->gflops) + " GFLOP/s";
      if (m->nominal_gflops) title += " (nominal " + format_number(*m->nominal_gflops) + ")";
      if (m->peak_percent) title += ", " + format_number(*m->peak_percent) + "% of peak";
      title += ", " + format_number(m->seconds * 1e3) + " ms per run (" + m->statistic + ")";
      if (!m->label.empty()) title += ", " + m->label;
      out += rect(x(0), y, x(*m->gflops) - x(0), r.bar, "class=\"bar\" " + backend_fill(palette, t.backends[b]), title);
      out += svg_text(x(*m->gflops) + 3, y + r.bar - 1.5, format_number(*m->gflops), "start", "class=\"value\"") + '\n';
    }
  if (t.peak_gflops) {
    const double at = x(*t.peak_gflops);
    out += line(at, r.top - 30, at, r.bottom(), "class=\"peak\"");
    const bool left_of_line = at > kWidth / 2;
    out += "<text x=\"" + px(left_of_line ? at - 5 : at + 5) + "\" y=\"" + px(r.top - 22) + "\" text-anchor=\"" +
           (left_of_line ? "end" : "start") + "\" class=\"peak-label\">" + svg_title(t.peak_note) +
           escape("peak " + format_number(*t.peak_gflops) + " GFLOP/s") + "</text>\n";
  }
  out += svg_text(
             (r.left + kWidth - kRight) / 2, height - 8,
             "GFLOP/s (useful products per second)" + std::string(t.peak_gflops ? "; dashed: the machine's peak" : ""),
             "middle", "class=\"axis-title\"") +
         "\n</svg>\n";
  return out;
}

std::string speedup_plot(const PerformanceTable& t, size_t baseline, Palette& palette) {
  if (baseline >= t.backends.size()) return "";
  std::vector<size_t> others;
  std::vector<std::vector<std::pair<size_t, double>>> values;
  double lo = 0.8, hi = 1.25;
  std::vector<LegendEntry> entries;
  for (size_t b = 0; b < t.backends.size(); ++b) {
    if (b == baseline) continue;
    std::vector<std::pair<size_t, double>> s = speedups(t, b, baseline);
    std::vector<double> only;
    for (const auto& [layer, v] : s) {
      only.push_back(v);
      lo = std::min(lo, v / 1.15);
      hi = std::max(hi, v * 1.15);
    }
    const std::optional<double> mean = geometric_mean(only);
    entries.push_back(
        {palette.colour(t.backends[b]), t.backends[b] + (mean ? ": geomean " + format_fixed(*mean, 2) + "x over " +
                                                                    std::to_string(only.size()) + " layers"
                                                              : ": no layer in common")});
    others.push_back(b);
    values.push_back(std::move(s));
  }
  if (others.empty()) return "";
  widen_log_range(lo, hi);
  const std::vector<double> ticks = log_ticks(lo, hi);
  const Legend key = legend(entries, 12, kWidth - 12, 4);
  const Rows r = rows_for(t.layers, others.size(), key.height + 30);
  const LogScale x{lo, hi, r.left, kWidth - kRight};
  const double height = r.bottom() + 44;

  std::string out = open_svg("speedup", height, "speedup over " + t.backends[baseline]) + key.svg;
  out += layer_labels(t.layers, r) + vertical_grid(ticks, x, r, "x");
  for (size_t k = 0; k < others.size(); ++k) {
    const std::string& name = t.backends[others[k]];
    for (const auto& [l, v] : values[k]) {
      const double y = r.bar_y(l, k);
      const double from = x(1), to = x(v);
      const std::string title = name + " on " + t.layers[l] + ": " + format_fixed(v, 2) + "x the speed of " +
                                t.backends[baseline] + " (" + format_number(t.at(l, baseline)->seconds * 1e3) +
                                " ms / " + format_number(t.at(l, others[k])->seconds * 1e3) + " ms)";
      out += rect(std::min(from, to), y, std::fabs(to - from), r.bar, "class=\"bar\" " + backend_fill(palette, name),
                  title);
      out += svg_text(v >= 1 ? to + 3 : to - 3, y + r.bar - 1.5, format_fixed(v, 2) + "x", v >= 1 ? "start" : "end",
                      "class=\"value\"") +
             '\n';
    }
  }
  out += line(x(1), r.top - 4, x(1), r.bottom(), "class=\"one\"");
  out += svg_text((r.left + kWidth - kRight) / 2, height - 8,
                  "speedup over " + t.backends[baseline] +
                      " (its time / the backend's time, log scale; right of 1x: "
                      "faster than " +
                      t.backends[baseline] + ")",
                  "middle", "class=\"axis-title\"") +
         "\n</svg>\n";
  return out;
}

std::string accuracy_plot(const json& accuracy, Palette& palette) {
  struct Point {
    double k;
    std::optional<double> ratio;
    bool tf32, hollow;
    std::string backend, title;
  };
  std::vector<Point> points;
  std::vector<std::string> backends;
  double klo = HUGE_VAL, khi = 0, rlo = 0.5, rhi = 2;
  for (const json& rec : array(accuracy, "records")) {
    const std::optional<double> k = number(rec, "K");
    if (!k || !std::isfinite(*k) || *k <= 0) continue;
    const std::string backend = text(rec, "backend", "?");
    const std::string declared = text(rec, "declared", "float32");
    const bool tf32 = declared.rfind("tf32", 0) == 0;
    if (std::find(backends.begin(), backends.end(), backend) == backends.end()) backends.push_back(backend);
    klo = std::min(klo, *k);
    khi = std::max(khi, *k);
    const std::string about = backend + " (" + declared + ") on " + text(rec, "problem") + ", data " +
                              text(rec, "data") + ", K " + format_number(*k, 6) + ", verdict " +
                              text(rec, "verdict", "?") + ": ";
    auto add = [&](const char* key, bool hollow, const std::string& what) {
      const std::optional<double> v = number(rec, key);
      if (v && std::isfinite(*v) && *v > 0) {
        rlo = std::min(rlo, *v);
        rhi = std::max(rhi, *v);
      }
      points.push_back({*k, v, tf32, hollow, backend, about + what + " " + (v ? format_number(*v) : "missing")});
    };
    add("strict_ratio", false, "max error / strict bound");
    if (tf32) add("tf32_ratio", true, "max error / TF32 bound");
  }
  if (points.empty()) return "";
  widen_log_range(klo, khi);
  widen_log_range(rlo, rhi);
  const double left = 84, right = kWidth - 250, top = 44, bottom = 400;
  const double height = std::max(bottom + 70, top + 20 * double(backends.size() + 4) + 16);
  const LogScale x{klo, khi, left, right};
  const RatioAxis y{{rlo, rhi, bottom, top}, bottom + 20, top - 22};

  std::string out = open_svg("accuracy", height, "error / bound against K");
  out += rect(left, top, right - left, bottom - top, "class=\"frame\"");
  for (double t : log_ticks(klo, khi)) {
    out += line(x(t), top, x(t), bottom, "class=\"grid\"");
    out += svg_text(x(t), bottom + 40, format_number(t), "middle", "class=\"tick\"") + '\n';
  }
  for (double t : log_ticks(rlo, rhi)) {
    out += line(left, y.scale(t), right, y.scale(t), "class=\"grid\"");
    out += svg_text(left - 6, y.scale(t) + 4, format_number(t), "end", "class=\"tick\"") + '\n';
  }
  out += svg_text(left - 6, y.zero_band + 4, "0", "end", "class=\"tick\"") + '\n';
  out += svg_text(left - 6, y.off_band + 4, "inf/nan", "end", "class=\"tick\"") + '\n';
  out += line(left, y.zero_band, right, y.zero_band, "class=\"band-line\"");
  out += line(left, y.off_band, right, y.off_band, "class=\"band-line\"");
  out += line(left, y.scale(1), right, y.scale(1), "class=\"bound\"");
  out += svg_text(right - 4, y.scale(1) - 5, "bound: error = bound", "end", "class=\"bound-label\"") + '\n';
  for (const Point& p : points) {
    // Backends side by side at the same K, a few pixels apart.
    const size_t b = size_t(std::find(backends.begin(), backends.end(), p.backend) - backends.begin());
    const double shift = (double(b) - double(backends.size() - 1) / 2) * 3;
    out += marker(x(p.k) + shift, y(p.ratio), p.tf32, p.hollow, palette.colour(p.backend), "point", p.title);
  }
  out += svg_text((left + right) / 2, bottom + 62, "K: terms summed per output element (longest sum, log scale)",
                  "middle", "class=\"axis-title\"") +
         '\n';
  out += "<text class=\"axis-title\" text-anchor=\"middle\" transform=\"translate(18 " + px((top + bottom) / 2) +
         ") rotate(-90)\">max |error| / bound (log scale)</text>\n";
  // The legend, right of the plot: backends, then the markers' meaning.
  double ly = top + 6;
  for (const std::string& b : backends) {
    out += rect(right + 24, ly - 6, 12, 12, "class=\"legend-mark\" fill=\"" + palette.colour(b) + "\"");
    out += svg_text(right + 42, ly + 4, b, "start", "class=\"legend\"") + '\n';
    ly += 20;
  }
  ly += 10;
  const std::string grey = "#777";
  for (const auto& [triangle, hollow, words] :
       std::vector<std::tuple<bool, bool, std::string>>{{false, false, "float32: error / strict bound"},
                                                        {true, false, "TF32: error / strict bound"},
                                                        {true, true, "TF32: error / TF32 bound"}}) {
    out += marker(right + 30, ly, triangle, hollow, grey, "legend-mark", "");
    out += svg_text(right + 42, ly + 4, words, "start", "class=\"legend\"") + '\n';
    ly += 20;
  }
  return out + "</svg>\n";
}

}  // namespace convt::report::html
