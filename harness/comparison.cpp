#include "harness/comparison.h"

#include <bit>
#include <cmath>
#include <limits>

#include "harness/guarded_output.h"

namespace convt {
namespace {

std::array<int64_t, 4> position(const Problem& p, size_t i) {
  const int64_t H = p.h_out(), W = p.w_out(), index = int64_t(i);
  return {index / (W * H * p.c_out), index / (W * H) % p.c_out, index / W % H, index % W};
}

void record(Comparison& c, const Problem& p, size_t i, double expected, float got, double bound) {
  const bool not_written = GuardedOutput::unwritten(got);
  c.not_written += not_written;
  if (c.mismatches++ < int64_t(Comparison::kShown))
    c.first.push_back({position(p, i), expected, got, bound, not_written});
}

}  // namespace

Comparison compare_exact(const Problem& p, std::span<const double> expected, std::span<const float> got) {
  Comparison c;
  for (size_t i = 0; i < expected.size(); ++i)
    if (!(got[i] == float(expected[i]))) record(c, p, i, expected[i], got[i], 0);
  if (c.mismatches) c.worst_ratio = std::numeric_limits<double>::infinity();
  return c;
}

Comparison compare_bounded(const Problem& p, std::span<const double> expected, std::span<const float> got,
                           std::span<const double> bound) {
  Comparison c;
  for (size_t i = 0; i < expected.size(); ++i) {
    const double e = expected[i];
    const float g = got[i];
    bool ok;
    if (std::isnan(e)) {
      ok = std::isnan(g) && !GuardedOutput::unwritten(g);
    } else if (std::isinf(e)) {
      ok = double(g) == e;
    } else {
      const double error = std::fabs(double(g) - e);  // NaN when g is NaN
      ok = std::isfinite(g) && error <= bound[i];
      const double ratio = !std::isfinite(g) ? std::numeric_limits<double>::infinity()
                           : bound[i] > 0    ? error / bound[i]
                           : error > 0       ? std::numeric_limits<double>::infinity()
                                             : 0.0;
      if (ratio > c.worst_ratio) c.worst_ratio = ratio;
    }
    if (!ok) record(c, p, i, e, g, bound[i]);
  }
  return c;
}

RunDifferences compare_runs(const Problem& p, std::span<const float> a, std::span<const float> b) {
  RunDifferences d;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::bit_cast<uint32_t>(a[i]) != std::bit_cast<uint32_t>(b[i]) && !(std::isnan(a[i]) && std::isnan(b[i])))
      if (d.count++ < int64_t(Comparison::kShown)) d.first.push_back({position(p, i), a[i], b[i]});
  return d;
}

}  // namespace convt
