#include "harness/report/svg.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "harness/report/html_text.h"

namespace convt::report::html {

namespace {

constexpr double kSlack = 1e-9;  // rounding in the tick arithmetic

// The largest of 1, 2, 5 times a power of ten at most v.
double floor_125(double v) {
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  const double m = v / p;
  return (m >= 5 * (1 - kSlack) ? 5 : m >= 2 * (1 - kSlack) ? 2 : 1) * p;
}

// The smallest of 1, 2, 5 times a power of ten at least v.
double ceil_125(double v) {
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  const double m = v / p;
  return (m <= 1 * (1 + kSlack) ? 1 : m <= 2 * (1 + kSlack) ? 2 : m <= 5 * (1 + kSlack) ? 5 : 10) * p;
}

// The backends' colours: Tableau 10, told apart by most colour-blind
// readers, in order; more backends than colours repeat them.
constexpr std::array<const char*, 10> kColours = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                                  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

}  // namespace

double LinearScale::operator()(double v) const {
  if (hi == lo) return from;
  return from + (v - lo) / (hi - lo) * (to - from);
}

double LogScale::operator()(double v) const {
  if (!(lo > 0) || !(hi > lo) || !(v > 0)) return from;
  return from + (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo)) * (to - from);
}

std::vector<double> linear_ticks(double hi, int count) {
  if (!(hi > 0) || !std::isfinite(hi)) hi = 1;
  if (count < 1) count = 1;
  const double raw = hi / count;
  const double step = ceil_125(raw);
  const int n = std::max(1, int(std::ceil(hi / step - kSlack)));
  std::vector<double> ticks;
  for (int i = 0; i <= n; ++i) ticks.push_back(i * step);
  return ticks;
}

void widen_log_range(double& lo, double& hi) {
  if (!(lo > 0) || !std::isfinite(lo)) lo = 1;
  if (!(hi > 0) || !std::isfinite(hi)) hi = lo * 10;
  if (hi < lo) std::swap(lo, hi);
  if (hi <= lo * (1 + kSlack)) {
    lo /= 3.2;
    hi *= 3.2;
  }
  if (std::log10(hi / lo) > 2) {
    lo = std::pow(10.0, std::floor(std::log10(lo) + kSlack));
    hi = std::pow(10.0, std::ceil(std::log10(hi) - kSlack));
  } else {
    lo = floor_125(lo);
    hi = ceil_125(hi);
  }
}

std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> ticks;
  if (!(lo > 0) || !(hi > lo)) return ticks;
  const double decades = std::log10(hi / lo);
  const int first = int(std::floor(std::log10(lo) + kSlack));
  const int last = int(std::ceil(std::log10(hi) - kSlack));
  if (decades <= 3) {
    for (int e = first; e <= last; ++e)
      for (double m : {1.0, 2.0, 5.0}) {
        const double t = m * std::pow(10.0, e);
        if (t >= lo * (1 - kSlack) && t <= hi * (1 + kSlack)) ticks.push_back(t);
      }
    return ticks;
  }
  const int step = std::max(1, int(std::ceil(decades / 8)));
  for (int e = int(std::ceil(std::log10(lo) - kSlack)); e <= last; e += step) {
    const double t = std::pow(10.0, e);
    if (t <= hi * (1 + kSlack)) ticks.push_back(t);
  }
  return ticks;
}

const std::string& Palette::colour(const std::string& backend) {
  auto it = colours_.find(backend);
  if (it == colours_.end()) it = colours_.emplace(backend, kColours[colours_.size() % kColours.size()]).first;
  return it->second;
}

std::string px(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

std::string svg_text(double x, double y, std::string_view content, std::string_view anchor,
                     std::string_view attributes) {
  std::string out = "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\"";
  if (anchor != "start") {
    out += " text-anchor=\"";
    out += anchor;
    out += '"';
  }
  if (!attributes.empty()) {
    out += ' ';
    out += attributes;
  }
  out += '>';
  out += escape(content);
  out += "</text>";
  return out;
}

std::string svg_title(std::string_view content) { return "<title>" + escape(content) + "</title>"; }

}  // namespace convt::report::html
