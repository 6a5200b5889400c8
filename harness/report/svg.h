// The drawing kit of the report's plots (harness/report/plots.h): axes as
// scales from data to pixels with their tick values, the backends' colours,
// and SVG elements written as text. The plots are inline SVG in the page,
// so that the page needs no script, no stylesheet and no network to show
// them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace convt::report::html {

// A linear axis: data [lo, hi] onto pixels [from, to] (to < from for a
// vertical axis that grows upwards).
struct LinearScale {
  double lo = 0, hi = 1;
  double from = 0, to = 1;
  double operator()(double v) const;
};

// A logarithmic axis; values must be positive (the plots place zeros and
// non-finite values on bands of their own).
struct LogScale {
  double lo = 1, hi = 10;
  double from = 0, to = 1;
  double operator()(double v) const;
};

// "Nice" tick values (1, 2 or 5 times a power of ten apart, about `count`
// of them) from 0 to at least `hi`; the last one is the axis's end.
std::vector<double> linear_ticks(double hi, int count = 6);

// The positive range [lo, hi] widened outwards to the next 1-2-5 values
// (1, 2, 5, 10, 20, ...), and to whole decades when it spans more than
// two; a degenerate range becomes at least a decade.
void widen_log_range(double& lo, double& hi);

// Ticks of a log axis over [lo, hi]: 1-2-5 per decade when it spans a few
// decades at most, whole decades (thinned to about 8) otherwise.
std::vector<double> log_ticks(double lo, double hi);

// Colours by backend, the same in every plot and table of a page:
// backends get colours in the order they are first named.
class Palette {
 public:
  const std::string& colour(const std::string& backend);

 private:
  std::map<std::string, std::string> colours_;
};

// Pixel coordinates written with at most one decimal.
std::string px(double v);

// <text> at (x, y) with the escaped content; anchor "start", "middle" or
// "end"; `attributes` is added as written (class, font size, ...).
std::string svg_text(double x, double y, std::string_view content, std::string_view anchor = "start",
                     std::string_view attributes = "");

// <title> child: what a pointer over the element shows.
std::string svg_title(std::string_view content);

}  // namespace convt::report::html
