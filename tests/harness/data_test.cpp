// Unit tests of the seeded data (harness/data.h) and of the error bound
// (harness/bound.h).
//
// normal: reproducible, seed-dependent, and distributed as N(0, 1) (mean,
//   variance, fourth moment and tails, bounds a uniform or otherwise wrong
//   generator would violate).
// scaled: normal data times 2^k per element, every k in [-8, 8] about equally
//   often; over four orders of magnitude between the 5th and 95th percentile.
// mixed: magnitudes within 1/16 of 1, x's sign alternating with its input
//   channel, w's the same for every input channel: the median output is
//   under 3% of the sum of its |terms| (normal data: over 5%).
// exact: small integers whose every partial sum stays an integer below 2^24,
//   so that a float32 computation in a DIFFERENT summation order than the
//   oracle's (below: a gather loop over taps in reverse order, starting from
//   the bias) reproduces the oracle bitwise, including a problem long enough
//   (K = 2^24 products) to force the weights' sparsity.
// bounds: the oracle rounded to float32, and a real float32 computation, lie
//   within error_bounds; the bound matches its formula from an independent
//   count of terms and magnitudes; a wrong result is rejected.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "harness/bound.h"
#include "harness/data.h"
#include "reference/descriptor.h"
#include "reference/oracle.h"
#include "tests/expect_contains.h"
#include "tests/problem_text.h"

namespace convt::testing {
namespace {


bool bitwise_equal(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

double fraction_equal(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  size_t same = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) same += a[i] == b[i];
  return a.empty() ? 1.0 : double(same) / double(a.size());
}

std::vector<double> oracle(const Problem& p, const Tensors& t) {
  return conv_transpose2d_oracle(p, t.x.data(), t.w.data(), p.bias ? t.bias.data() : nullptr);
}

std::vector<double> bounds(const Problem& p, const Tensors& t) {
  return error_bounds(p, t.x.data(), t.w.data(), p.bias ? t.bias.data() : nullptr).bound;
}

// An independent formulation: output element by output element (gather),
// taps visited in reverse order and input channels in reverse order, the
// bias first. `term(x, w)` is what is summed; Acc the accumulator type.
template <class Acc, class Term>
std::vector<Acc> gather(const Problem& p, const Tensors& t, Term term, Acc bias_term(float)) {
  const int64_t H = p.h_out(), W = p.w_out(), Cig = p.c_in_per_group(), Cog = p.c_out_per_group();
  std::vector<Acc> y(size_t(p.output_elements()));
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t c = 0; c < p.c_out; ++c) {
      const int64_t g = c / Cog, co = c % Cog;
      for (int64_t oh = 0; oh < H; ++oh)
        for (int64_t ow = 0; ow < W; ++ow) {
          Acc acc = p.bias ? bias_term(t.bias[size_t(c)]) : Acc(0);
          for (int64_t kh = p.kernel.h - 1; kh >= 0; --kh) {
            const int64_t th = oh + p.padding.h - kh * p.dilation.h;
            if (th < 0 || th % p.stride.h != 0 || th / p.stride.h >= p.h_in) continue;
            const int64_t ih = th / p.stride.h;
            for (int64_t kw = p.kernel.w - 1; kw >= 0; --kw) {
              const int64_t tw = ow + p.padding.w - kw * p.dilation.w;
              if (tw < 0 || tw % p.stride.w != 0 || tw / p.stride.w >= p.w_in) continue;
              const int64_t iw = tw / p.stride.w;
              for (int64_t ci = Cig - 1; ci >= 0; --ci) {
                const int64_t cin = g * Cig + ci;
                const float xv = t.x[size_t(((n * p.c_in + cin) * p.h_in + ih) * p.w_in + iw)];
                const float wv = t.w[size_t(((cin * Cog + co) * p.kernel.h + kh) * p.kernel.w + kw)];
                acc = term(acc, xv, wv);
              }
            }
          }
          y[size_t(((n * p.c_out + c) * H + oh) * W + ow)] = acc;
        }
    }
  return y;
}

// A float32 conv_transpose2d, as a float32 implementation would compute it.
std::vector<float> float32_gather(const Problem& p, const Tensors& t) {
  return gather<float>(
      p, t, [](float acc, float x, float w) { return acc + x * w; }, [](float b) { return b; });
}

// Per output element: K (terms, the bias counting as one) and S (sum of |x*w| + |bias|).
struct Terms {
  std::vector<double> k, s;
};
Terms count_terms(const Problem& p, const Tensors& t) {
  Terms r;
  r.k = gather<double>(
      p, t, [](double acc, float, float) { return acc + 1; }, [](float) { return 1.0; });
  r.s = gather<double>(
      p, t, [](double acc, float x, float w) { return acc + std::fabs(double(x) * double(w)); },
      [](float b) { return std::fabs(double(b)); });
  return r;
}

float max_abs(const std::vector<float>& v) {
  float m = 0;
  for (float e : v) m = std::max(m, std::fabs(e));
  return m;
}

// ---------------------------------------------------------------------------
// Reproducibility

TEST(Data, ParseDataMode) {
  ASSERT_TRUE(parse_data_mode("normal").ok());
  EXPECT_EQ(*parse_data_mode("normal"), DataMode::normal);
  ASSERT_TRUE(parse_data_mode("exact").ok());
  EXPECT_EQ(*parse_data_mode("exact"), DataMode::exact);
  Result<DataMode> bad = parse_data_mode("uniform");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("unknown data mode 'uniform' (normal, exact", 0), 0u) << bad.error().message;
  EXPECT_FALSE(parse_data_mode("Normal").ok());
  EXPECT_STREQ(data_mode_name(DataMode::normal), "normal");
  EXPECT_STREQ(data_mode_name(DataMode::exact), "exact");
  EXPECT_STREQ(data_mode_name(DataMode::special), "special");
  EXPECT_STREQ(data_mode_name(DataMode::scaled), "scaled");
  EXPECT_STREQ(data_mode_name(DataMode::mixed), "mixed");
  for (DataMode mode : kAllDataModes) EXPECT_EQ(*parse_data_mode(data_mode_name(mode)), mode);
  for (DataMode mode : {DataMode::scaled, DataMode::mixed}) EXPECT_EQ(*parse_data_mode(data_mode_name(mode)), mode);
  // What check runs by default stays exact, normal, special.
  EXPECT_EQ(std::size(kAllDataModes), 3u);
  Result<std::vector<DataMode>> accuracy_modes = parse_data_modes("scaled,mixed");
  ASSERT_TRUE(accuracy_modes.ok());
  EXPECT_EQ(*accuracy_modes, (std::vector<DataMode>{DataMode::scaled, DataMode::mixed}));
}

TEST(Data, ParseDataModes) {
  Result<std::vector<DataMode>> modes = parse_data_modes("exact,normal,special");
  ASSERT_TRUE(modes.ok()) << modes.error().message;
  EXPECT_EQ(*modes, (std::vector<DataMode>{DataMode::exact, DataMode::normal, DataMode::special}));
  modes = parse_data_modes("normal");
  ASSERT_TRUE(modes.ok());
  EXPECT_EQ(*modes, std::vector<DataMode>{DataMode::normal});
  for (const char* bad : {"", "exact,", "exact,,normal", "exact, normal", "exact,foo"}) {
    Result<std::vector<DataMode>> m = parse_data_modes(bad);
    EXPECT_FALSE(m.ok()) << "'" << bad << "' accepted";
    if (!m.ok()) {
      EXPECT_CONTAINS(m.error().message, "unknown data mode");
    }
  }
}

TEST(Data, ShapesFollowTheProblem) {
  const Problem p = problem("mb2ic8ih5iw7oc12kh3kw2sh2g4");
  for (DataMode mode : {DataMode::normal, DataMode::exact}) {
    const Tensors t = make_tensors(p, mode, 1);
    EXPECT_EQ(int64_t(t.x.size()), 2 * 8 * 5 * 7);
    EXPECT_EQ(int64_t(t.w.size()), 8 * 3 * 3 * 2);
    EXPECT_EQ(int64_t(t.bias.size()), 12);
  }
  EXPECT_TRUE(make_tensors(problem("ic8ih5oc12kh3nobias"), DataMode::normal, 1).bias.empty());
  EXPECT_TRUE(make_tensors(problem("mb0ic8ih5oc12kh3"), DataMode::exact, 1).x.empty());
}

TEST(Data, SameSeedSameData) {
  const Problem p = problem("mb2ic8ih5iw7oc12kh3kw2sh2g4");
  for (DataMode mode : {DataMode::normal, DataMode::exact}) {
    const Tensors a = make_tensors(p, mode, 12345), b = make_tensors(p, mode, 12345);
    EXPECT_TRUE(bitwise_equal(a.x, b.x));
    EXPECT_TRUE(bitwise_equal(a.w, b.w));
    EXPECT_TRUE(bitwise_equal(a.bias, b.bias));
  }
}

TEST(Data, DifferentSeedDifferentData) {
  const Problem p = problem("mb2ic8ih5iw7oc12kh3kw2sh2g4");
  const Tensors a = make_tensors(p, DataMode::normal, 1), b = make_tensors(p, DataMode::normal, 2);
  EXPECT_LT(fraction_equal(a.x, b.x), 0.01);
  EXPECT_LT(fraction_equal(a.w, b.w), 0.01);
  EXPECT_LT(fraction_equal(a.bias, b.bias), 0.1);
  // Exact data take 17 values: about 1/17 agree by chance.
  const Tensors c = make_tensors(p, DataMode::exact, 1), d = make_tensors(p, DataMode::exact, 2);
  EXPECT_LT(fraction_equal(c.x, d.x), 0.2);
  EXPECT_LT(fraction_equal(c.w, d.w), 0.2);
  // Seeds far apart and adjacent to 0 and 2^64 - 1 differ too.
  const Tensors e = make_tensors(p, DataMode::normal, 0), f = make_tensors(p, DataMode::normal, ~uint64_t(0));
  EXPECT_LT(fraction_equal(e.x, f.x), 0.01);
  EXPECT_LT(fraction_equal(a.x, e.x), 0.01);
}

TEST(Data, TensorsAreIndependentStreams) {
  // Input, weight and bias of equal length must not repeat each other.
  const Problem p = problem("ic16ih4oc16kh2");  // x: 256, w: 16*16*2*2 = 1024
  const Tensors t = make_tensors(p, DataMode::normal, 7);
  const std::vector<float> w_head(t.w.begin(), t.w.begin() + 256);
  const std::vector<float> w_head16(t.w.begin(), t.w.begin() + 16);
  EXPECT_LT(fraction_equal(t.x, w_head), 0.01);
  EXPECT_LT(fraction_equal(t.bias, w_head16), 0.2);
}

TEST(Data, ElementDependsOnlyOnSeedTensorAndIndex) {
  // Counter-based: a larger batch extends the input, it does not reshuffle it.
  const Tensors one = make_tensors(problem("mb1ic4ih5oc6kh3"), DataMode::normal, 3);
  const Tensors three = make_tensors(problem("mb3ic4ih5oc6kh3"), DataMode::normal, 3);
  ASSERT_EQ(three.x.size(), 3 * one.x.size());
  EXPECT_TRUE(bitwise_equal(one.x, std::vector<float>(three.x.begin(), three.x.begin() + int64_t(one.x.size()))));
  EXPECT_TRUE(bitwise_equal(one.w, three.w));
  EXPECT_TRUE(bitwise_equal(one.bias, three.bias));
}

// ---------------------------------------------------------------------------
// Normal data

struct Moments {
  double mean = 0, variance = 0, fourth = 0, within_one = 0, beyond_three = 0, max_abs = 0;
};

Moments moments(const std::vector<float>& v) {
  Moments m;
  for (float e : v) m.mean += e;
  m.mean /= double(v.size());
  for (float e : v) {
    const double d = e - m.mean;
    m.variance += d * d;
    m.fourth += d * d * d * d;
    m.within_one += std::fabs(e) < 1;
    m.beyond_three += std::fabs(e) > 3;
    m.max_abs = std::max(m.max_abs, double(std::fabs(e)));
  }
  m.variance /= double(v.size());
  m.fourth /= double(v.size()) * m.variance * m.variance;  // kurtosis: 3 for a normal
  m.within_one /= double(v.size());
  m.beyond_three /= double(v.size());
  return m;
}

// With n = 2^18 samples the standard errors are: mean 0.002, variance 0.0028,
// kurtosis 0.019, P(|z| < 1) 0.0009, P(|z| > 3) 0.0001. The bounds are about
// six standard errors wide; a uniform generator of variance 1 has kurtosis
// 1.8 and no tail beyond 1.74, a N(0, 2) one variance 2.
void expect_standard_normal(const std::vector<float>& v, const char* what) {
  SCOPED_TRACE(what);
  ASSERT_GE(v.size(), size_t(1) << 18);
  for (float e : v) ASSERT_TRUE(std::isfinite(e));
  const Moments m = moments(v);
  EXPECT_NEAR(m.mean, 0.0, 0.012);
  EXPECT_NEAR(m.variance, 1.0, 0.017);
  EXPECT_NEAR(m.fourth, 3.0, 0.12);
  EXPECT_NEAR(m.within_one, 0.682689, 0.0055);
  EXPECT_NEAR(m.beyond_three, 0.0026998, 0.0006);
  EXPECT_LT(m.max_abs, 7.0);
  EXPECT_GT(m.max_abs, 3.5);
}

TEST(NormalData, InputIsStandardNormal) {
  const Tensors t = make_tensors(problem("ic1ih512oc1kh1"), DataMode::normal, 1);
  expect_standard_normal(t.x, "x");
}

TEST(NormalData, WeightAndBiasAreStandardNormal) {
  const Tensors t = make_tensors(problem("ic1ih1oc262144kh1"), DataMode::normal, 99);
  expect_standard_normal(t.w, "w");
  expect_standard_normal(t.bias, "bias");
}

TEST(NormalData, NeighboursAreUncorrelated) {
  const Tensors t = make_tensors(problem("ic1ih512oc1kh1"), DataMode::normal, 5);
  double lag1 = 0;
  for (size_t i = 0; i + 1 < t.x.size(); ++i) lag1 += double(t.x[i]) * t.x[i + 1];
  lag1 /= double(t.x.size() - 1);
  EXPECT_NEAR(lag1, 0.0, 0.012);
}

// ---------------------------------------------------------------------------
// Exact data

constexpr double k2To24 = 16777216.0;

struct ExactCase {
  const char* descriptor;
  int expected_amplitude;  // from the documented bound, K*a*a + 8 < 2^24, a <= 8
};

// Checks the documented magnitudes and the real property, for one problem.
void check_exact(const Problem& p, const Tensors& t, int expected_amplitude) {
  for (const std::vector<float>* v : {&t.x, &t.w, &t.bias})
    for (float e : *v) ASSERT_EQ(e, std::nearbyint(e)) << "not an integer";
  const float ax = max_abs(t.x), aw = max_abs(t.w), ab = max_abs(t.bias);
  // The amplitude is the largest the bound allows (up to 8), and it is used.
  EXPECT_EQ(ax, float(expected_amplitude));
  EXPECT_EQ(aw, float(expected_amplitude));
  if (p.bias) {
    EXPECT_LE(ab, 8.0f);
    if (t.bias.size() >= 64) {
      EXPECT_EQ(ab, 8.0f);
    }
  }
  // Every partial sum, in any order, is bounded by the sum of |terms|. The
  // documented bound: K*a*a + 8 < 2^24 with K = C_in/g*kH*kW; beyond that K,
  // only every s-th weight of a (ci, kh, kw) block is nonzero (s = ceil(K /
  // (2^24 - 9))), so at most ceil(K/s) products per output element are.
  const int64_t K = p.c_in_per_group() * p.kernel.h * p.kernel.w;
  const int64_t budget = (int64_t(1) << 24) - 9;
  const int64_t sparsity = (K + budget - 1) / budget;
  const int64_t K_nonzero = (K + sparsity - 1) / sparsity;
  EXPECT_LT(double(K_nonzero) * ax * aw + 8, k2To24);
  if (sparsity == 1) {
    EXPECT_LT(double(K) * ax * aw + 8, k2To24);
  }
  const int64_t per_co = p.kernel.h * p.kernel.w;
  for (int64_t c = 0; c < p.c_out; ++c) {
    const int64_t g = c / p.c_out_per_group(), co = c % p.c_out_per_group();
    int64_t nonzero = 0;
    for (int64_t ci = g * p.c_in_per_group(); ci < (g + 1) * p.c_in_per_group(); ++ci)
      for (int64_t k = 0; k < per_co; ++k) nonzero += t.w[size_t((ci * p.c_out_per_group() + co) * per_co + k)] != 0;
    ASSERT_LE(nonzero, K_nonzero) << "output channel " << c;
  }

  // The real property: a float32 computation in another order is bitwise the
  // oracle rounded to float32, and the oracle's values are integers < 2^24.
  const std::vector<double> y = oracle(p, t);
  const std::vector<float> y32 = float32_gather(p, t);
  ASSERT_EQ(y.size(), y32.size());
  size_t mismatches = 0, nonzero_outputs = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    ASSERT_EQ(y[i], std::nearbyint(y[i])) << "oracle value " << y[i] << " at " << i;
    ASSERT_LT(std::fabs(y[i]), k2To24) << "at " << i;
    const float expected = float(y[i]);
    if (std::memcmp(&expected, &y32[i], sizeof(float)) != 0 && ++mismatches <= 5)
      ADD_FAILURE() << "element " << i << ": float32 gather " << y32[i] << ", oracle " << y[i];
    nonzero_outputs += y[i] != 0;
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(nonzero_outputs, y.size() / 2) << "degenerate data prove nothing";
}

void check_exact(const Problem& p, uint64_t seed, int expected_amplitude) {
  check_exact(p, make_tensors(p, DataMode::exact, seed), expected_amplitude);
}

TEST(ExactData, SmallProblemsUseAmplitudeEight) {
  for (const char* d : {"mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4", "ic3ih6oc5kh3sh2ph1oph1",
                        "mb3ic6ih4iw3oc6kh2kw3sh3sw1dh2dw1g3nobias", "ic64ih4oc8kh5ph2"}) {
    SCOPED_TRACE(d);
    check_exact(problem(d), 11, 8);
  }
}

TEST(ExactData, LongSumsUseSmallerAmplitude) {
  // K = 1024*16*16 = 2^18: a*a <= (2^24 - 9)/2^18 = 63.99, a = 7.
  SCOPED_TRACE("ic1024ih1oc2kh16");
  check_exact(problem("ic1024ih1oc2kh16"), 5, 7);
  // K = 2^20 (with 2 groups): a*a <= 15.99, a = 3.
  SCOPED_TRACE("ic8192ih1oc2kh16g2");
  check_exact(problem("ic8192ih1oc2kh16g2"), 6, 3);
}

TEST(ExactData, LongDenseSumUsesAmplitudeOne) {
  // K = 1024*64*64 = 2^22: a*a <= (2^24 - 9)/2^22 = 3.99, a = 1, no sparsity.
  const Problem p = problem("ic1024ih1oc1kh64");
  check_exact(p, 3, 1);
}

TEST(ExactData, SparseWeightsForSumsBeyondTheBudget) {
  // K = 4096*64*64 = 2^24 > 2^24 - 9: only every second weight of a
  // (ci, kh, kw) block may be nonzero. Tiny spatial sizes keep the memory at
  // the weight's 64 MiB; x has 4096 elements, y 64*64.
  const Problem p = problem("ic4096ih1oc1kh64");
  ASSERT_EQ(p.weight_elements(), int64_t(1) << 24);
  ASSERT_EQ(p.input_elements(), 4096);
  ASSERT_EQ(p.output_elements(), 64 * 64);
  const Tensors t = make_tensors(p, DataMode::exact, 17);
  // At most ceil(K / 2) products of an element are nonzero (with values in
  // {-1, 0, 1} alone, about 2/3 of K would be).
  const int64_t nonzero = std::count_if(t.w.begin(), t.w.end(), [](float v) { return v != 0; });
  EXPECT_LE(nonzero, (int64_t(1) << 24) / 2);
  EXPECT_GT(nonzero, (int64_t(1) << 24) / 4);  // not all zero either
  check_exact(p, t, 1);
}

TEST(ExactData, DependsOnTheSeed) {
  const Problem p = problem("ic8ih5oc12kh3");
  const Tensors a = make_tensors(p, DataMode::exact, 1), b = make_tensors(p, DataMode::exact, 1);
  EXPECT_TRUE(bitwise_equal(a.x, b.x));
  EXPECT_TRUE(bitwise_equal(a.w, b.w));
  check_exact(p, 2, 8);
  check_exact(p, 0xdeadbeefcafef00dull, 8);
}

// ---------------------------------------------------------------------------
// Special data: normal data with IEEE special values placed in it

TEST(SpecialData, PlacesEverySpecialValue) {
  const Problem p = problem("mb2ic16ih12oc16kh3");  // x: 4608, w: 2304, bias: 16
  const Tensors t = make_tensors(p, DataMode::special, 3);
  const auto count = [](const std::vector<float>& v, auto pred) {
    return std::count_if(v.begin(), v.end(), pred);
  };
  const auto is_nan = [](float v) { return std::isnan(v); };
  const auto is_inf = [](float v) { return std::isinf(v); };
  const auto is_negative_zero = [](float v) { return v == 0 && std::signbit(v); };
  const auto is_subnormal = [](float v) { return std::fpclassify(v) == FP_SUBNORMAL; };
  EXPECT_GT(count(t.x, is_nan), 0);
  EXPECT_GT(count(t.x, [](float v) { return v == std::numeric_limits<float>::infinity(); }), 0);
  EXPECT_GT(count(t.x, [](float v) { return v == -std::numeric_limits<float>::infinity(); }), 0);
  EXPECT_GT(count(t.x, is_negative_zero), 0);
  EXPECT_GT(count(t.x, is_subnormal), 0);
  EXPECT_GT(count(t.w, [](float v) { return v == 0; }), 0);
  EXPECT_GT(count(t.w, is_subnormal), 0);
  EXPECT_EQ(count(t.w, is_inf), 1);
  EXPECT_EQ(count(t.w, is_nan), 0);
  EXPECT_EQ(count(t.bias, is_inf), 1);
  // Sparse: mostly ordinary normal data.
  EXPECT_LT(count(t.x, [](float v) { return !std::isfinite(v); }), int64_t(t.x.size()) / 20);
  // Reproducible, bit for bit (NaN included).
  const Tensors again = make_tensors(p, DataMode::special, 3);
  EXPECT_TRUE(bitwise_equal(t.x, again.x));
  EXPECT_TRUE(bitwise_equal(t.w, again.w));
  EXPECT_TRUE(bitwise_equal(t.bias, again.bias));
  // Tiny tensors still get a special value.
  const Tensors tiny = make_tensors(problem("ic1ih1oc1kh1"), DataMode::special, 3);
  EXPECT_FALSE(std::isfinite(tiny.x[0]) && tiny.x[0] != 0 && std::fpclassify(tiny.x[0]) != FP_SUBNORMAL)
      << tiny.x[0];
}

// ---------------------------------------------------------------------------
// Scaled data: normal data, each element times 2^k, k uniform in [-8, 8]

TEST(ScaledData, IsNormalDataTimesAPowerOfTwoPerElementSpanningOrdersOfMagnitude) {
  const Problem p = problem("mb2ic16ih12oc16kh3");  // x: 4608, w: 2304, bias: 16
  const Tensors normal = make_tensors(p, DataMode::normal, 3), scaled = make_tensors(p, DataMode::scaled, 3);
  const std::pair<const std::vector<float>*, const std::vector<float>*> pairs[] = {
      {&normal.x, &scaled.x}, {&normal.w, &scaled.w}, {&normal.bias, &scaled.bias}};
  std::vector<int> seen(17, 0);
  for (const auto& [n, s] : pairs) {
    ASSERT_EQ(n->size(), s->size());
    for (size_t i = 0; i < n->size(); ++i) {
      int k = 0;
      const float mantissa = std::frexp((*s)[i] / (*n)[i], &k);
      ASSERT_EQ(mantissa, 0.5f) << "element " << i << ": " << (*s)[i] << " / " << (*n)[i] << " is no power of 2";
      ASSERT_GE(k - 1, -8);
      ASSERT_LE(k - 1, 8);
      ++seen[size_t(k - 1 + 8)];
    }
  }
  // Every exponent appears, each about 1/17 of the time.
  const double total = double(normal.x.size() + normal.w.size() + normal.bias.size());
  for (int k = -8; k <= 8; ++k) {
    SCOPED_TRACE(k);
    EXPECT_NEAR(seen[size_t(k + 8)] / total, 1.0 / 17, 0.015);
  }
  // From the 5th to the 95th percentile of |x|: over four orders of
  // magnitude (normal data: about 30).
  std::vector<float> magnitudes;
  for (float v : scaled.x) magnitudes.push_back(std::fabs(v));
  std::sort(magnitudes.begin(), magnitudes.end());
  EXPECT_GT(magnitudes[magnitudes.size() * 19 / 20] / magnitudes[magnitudes.size() / 20], 1e4f);
}

// ---------------------------------------------------------------------------
// Mixed data: magnitudes near 1, signs that make sums cancel

TEST(MixedData, SignsAlternateWithTheInputChannelAndMagnitudesNearlyEqual) {
  const Problem p = problem("mb2ic8ih5iw4oc6kh3kw2g2");  // 4 input, 3 output channels per group
  const Tensors t = make_tensors(p, DataMode::mixed, 11);
  for (size_t i = 0; i < t.x.size(); ++i) {
    const int64_t c = int64_t(i) / 20 % 8;
    ASSERT_EQ(std::signbit(t.x[i]), c % 4 % 2 == 1) << "x element " << i;
    ASSERT_GE(std::fabs(t.x[i]), 15.0f / 16);
    ASSERT_LE(std::fabs(t.x[i]), 17.0f / 16);
  }
  // w's sign depends on (co, kh, kw) only: the same for every input channel.
  const size_t block = 3 * 3 * 2;
  int negative = 0;
  for (size_t i = 0; i < t.w.size(); ++i) {
    ASSERT_EQ(std::signbit(t.w[i]), std::signbit(t.w[i % block])) << "w element " << i;
    ASSERT_GE(std::fabs(t.w[i]), 15.0f / 16);
    ASSERT_LE(std::fabs(t.w[i]), 17.0f / 16);
    negative += i < block && std::signbit(t.w[i]);
  }
  EXPECT_GT(negative, 0);
  EXPECT_LT(negative, int(block));
  for (size_t c = 0; c < t.bias.size(); ++c)
    EXPECT_TRUE(std::signbit(t.bias[c]) == (c % 2 == 1) && std::fabs(t.bias[c]) >= 15.0f / 256 &&
                std::fabs(t.bias[c]) <= 17.0f / 256)
        << "bias " << c << ": " << t.bias[c];
  // The magnitudes are not on a coarse grid: TF32 has low bits to drop.
  int beyond_tf32 = 0;
  for (float v : t.x) {
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    beyond_tf32 += (bits & 0x1fff) != 0;
  }
  EXPECT_GT(beyond_tf32, int(t.x.size()) * 9 / 10);
}

// The point of mixed data: outputs far smaller than the sum of their |terms|.
double median_cancellation(const Problem& p, DataMode mode) {
  const Tensors t = make_tensors(p, mode, 2);
  const std::vector<double> y = oracle(p, t);
  const Terms terms = count_terms(p, t);
  std::vector<double> ratio;
  for (size_t i = 0; i < y.size(); ++i) ratio.push_back(std::fabs(y[i]) / terms.s[i]);
  std::nth_element(ratio.begin(), ratio.begin() + int64_t(ratio.size() / 2), ratio.end());
  return ratio[ratio.size() / 2];
}

TEST(MixedData, SumsCancel) {
  for (const char* d : {"ic8ih5oc4kh3", "mb2ic16ih6oc8kh4sh2", "ic32ih4oc4kh1", "ic12ih5oc8kh3g2"}) {
    SCOPED_TRACE(d);
    const double mixed = median_cancellation(problem(d), DataMode::mixed);
    const double normal = median_cancellation(problem(d), DataMode::normal);
    EXPECT_LT(mixed, 0.03);
    EXPECT_GT(normal, 0.05);
  }
}

TEST(ScaledAndMixedData, ArePureFunctionsOfSeedTensorAndIndex) {
  const Problem p = problem("mb2ic8ih5iw7oc12kh3kw2sh2g4");
  for (DataMode mode : {DataMode::scaled, DataMode::mixed}) {
    SCOPED_TRACE(data_mode_name(mode));
    const Tensors a = make_tensors(p, mode, 5), b = make_tensors(p, mode, 5), c = make_tensors(p, mode, 6);
    EXPECT_TRUE(bitwise_equal(a.x, b.x) && bitwise_equal(a.w, b.w) && bitwise_equal(a.bias, b.bias));
    EXPECT_LT(fraction_equal(a.x, c.x), 0.01);
    EXPECT_LT(fraction_equal(a.w, c.w), 0.01);
    // A larger batch extends the input, it does not reshuffle it.
    const Tensors one = make_tensors(problem("mb1ic4ih5oc6kh3"), mode, 3);
    const Tensors three = make_tensors(problem("mb3ic4ih5oc6kh3"), mode, 3);
    EXPECT_TRUE(bitwise_equal(one.x, std::vector<float>(three.x.begin(), three.x.begin() + int64_t(one.x.size()))));
    EXPECT_TRUE(bitwise_equal(one.w, three.w));
  }
}

// ---------------------------------------------------------------------------
// Error bounds

TEST(Bound, Gamma) {
  EXPECT_EQ(gamma(0, 0x1p-24), 0.0);
  EXPECT_DOUBLE_EQ(gamma(1, 0x1p-24), 0x1p-24 / (1 - 0x1p-24));
  EXPECT_DOUBLE_EQ(gamma(1000, 0x1p-24), 1000 * 0x1p-24 / (1 - 1000 * 0x1p-24));
  EXPECT_EQ(gamma(double(1 << 24), 0x1p-24), std::numeric_limits<double>::infinity());
  EXPECT_EQ(gamma(double(1 << 25), 0x1p-24), std::numeric_limits<double>::infinity());
}

const char* const kBoundProblems[] = {"mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4", "ic32ih6oc16kh5ph2",
                                      "mb2ic6ih4oc4kh3sh2dh2g2nobias", "ic128ih3oc4kh3sh2oph1"};

TEST(Bound, MatchesItsFormula) {
  for (const char* d : kBoundProblems) {
    SCOPED_TRACE(d);
    const Problem p = problem(d);
    const Tensors t = make_tensors(p, DataMode::normal, 21);
    const std::vector<double> b = bounds(p, t);
    const Terms terms = count_terms(p, t);
    ASSERT_EQ(b.size(), size_t(p.output_elements()));
    for (size_t i = 0; i < b.size(); ++i) {
      // (gamma_K(2^-24) + gamma_K(2^-53)) * S * (1 + tiny) + K * 2^-150
      const double k = terms.k[i], s = terms.s[i];
      const double formula = (gamma(k, 0x1p-24) + gamma(k, 0x1p-53)) * s + k * 0x1p-150;
      ASSERT_GE(b[i], formula * (1 - 1e-12)) << "element " << i;
      ASSERT_LE(b[i], formula * (1 + 1e-9) + 1e-300) << "element " << i;
    }
  }
}

TEST(Bound, OracleRoundedToFloat32IsWithinTheBound) {
  for (const char* d : kBoundProblems) {
    SCOPED_TRACE(d);
    const Problem p = problem(d);
    const Tensors t = make_tensors(p, DataMode::normal, 4);
    const std::vector<double> y = oracle(p, t), b = bounds(p, t);
    for (size_t i = 0; i < y.size(); ++i) ASSERT_LE(std::fabs(double(float(y[i])) - y[i]), b[i]) << i;
  }
}

TEST(Bound, Float32ComputationInAnotherOrderIsWithinTheBound) {
  for (const char* d : kBoundProblems) {
    SCOPED_TRACE(d);
    const Problem p = problem(d);
    const Tensors t = make_tensors(p, DataMode::normal, 8);
    const std::vector<double> y = oracle(p, t), b = bounds(p, t);
    const std::vector<float> y32 = float32_gather(p, t);
    double worst = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      ASSERT_LE(std::fabs(double(y32[i]) - y[i]), b[i]) << i;
      if (b[i] > 0) worst = std::max(worst, std::fabs(double(y32[i]) - y[i]) / b[i]);
    }
    // The float32 computation does round: the check above is not vacuous.
    EXPECT_GT(worst, 0.0);
  }
}

TEST(Bound, WrongResultsAreRejected) {
  for (const char* d : kBoundProblems) {
    SCOPED_TRACE(d);
    const Problem p = problem(d);
    const Tensors t = make_tensors(p, DataMode::normal, 4);
    const std::vector<double> y = oracle(p, t), b = bounds(p, t);
    // The element of largest magnitude, doubled.
    size_t at = 0;
    for (size_t i = 0; i < y.size(); ++i)
      if (std::fabs(y[i]) > std::fabs(y[at])) at = i;
    EXPECT_GT(std::fabs(2 * double(float(y[at])) - y[at]), b[at]);
    // Off by one part in a thousand of its magnitude is already too much.
    EXPECT_GT(std::fabs(double(float(y[at]) * 1.001f) - y[at]), b[at]);
  }
}

TEST(Bound, ElementsWithoutTermsHaveZeroBound) {
  // Stride 3, kernel 1, no bias: rows and columns between the inputs get no
  // term at all; their value is exactly 0 and so is their bound.
  const Problem p = problem("ic2ih3oc2kh1sh3nobias");
  const Tensors t = make_tensors(p, DataMode::normal, 1);
  const std::vector<double> y = oracle(p, t), b = bounds(p, t);
  ASSERT_EQ(p.h_out(), 7);
  size_t empty = 0;
  for (int64_t c = 0; c < p.c_out; ++c)
    for (int64_t h = 0; h < 7; ++h)
      for (int64_t w = 0; w < 7; ++w) {
        const size_t i = size_t((c * 7 + h) * 7 + w);
        if (h % 3 == 0 && w % 3 == 0) {
          EXPECT_GT(b[i], 0.0);
        } else {
          EXPECT_EQ(y[i], 0.0);
          EXPECT_EQ(b[i], 0.0);
          ++empty;
        }
      }
  EXPECT_EQ(empty, size_t(2 * (49 - 9)));
  // Only the 2 * 9 elements with products can show a wrong kernel.
  EXPECT_EQ(error_bounds(p, t.x.data(), t.w.data(), nullptr).informative, 2 * 9);
}

}  // namespace
}  // namespace convt::testing
