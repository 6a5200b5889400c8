// Property tests of the oracle (issue "oracle"): conv_transpose2d_oracle
// checked against an independent formulation (conv2d in gather form, its
// adjoint) and against the algebra conv_transpose2d must satisfy, on random
// legal small problems; plus hand-computed cases that anchor the properties
// to real numbers (linearity, say, holds for a wrong oracle too).
//
// Exactness: all data are small integers (in [-4, 4], and a*x1 + x2 with
// |a| <= 4 stays in [-20, 20]), stored exactly in float. Every product and
// every partial sum the oracle, conv2d and the inner products form is then an
// integer far below 2^53 (at most a few 10^7 here), so double arithmetic is
// exact in any summation order, and every comparison below is EXACT
// equality, not a tolerance.
//
// At least 1000 cases per property: the CTest registration sets
// RC_PARAMS=max_success=1000; run by hand without it, the static initializer
// below supplies max_success=1000 (keeping any other RC_PARAMS settings, e.g.
// a `reproduce=` string), and the RapidCheckConfig test fails if the
// configured number is still below 1000.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "reference/descriptor.h"
#include "reference/oracle.h"
#include "reference/problem.h"
#include "conv2d.h"

namespace convt {

// How RapidCheck prints a counterexample: the one-line descriptor.
inline void showValue(const Problem& p, std::ostream& os) { os << format_descriptor(p); }

}  // namespace convt

namespace convt::testing {
namespace {

constexpr int kMinCases = 1000;
constexpr int64_t kMaxElements = 4096;  // per tensor: keeps 1000 cases fast under ASan

// Runs before main(), so before RapidCheck reads RC_PARAMS (it does so lazily,
// on the first property).
const bool kRcParamsDefaulted = [] {
  const char* env = std::getenv("RC_PARAMS");
  std::string params = env ? env : "";
  if (params.find("max_success") == std::string::npos) {
    params += (params.empty() ? "" : " ") + std::string("max_success=") + std::to_string(kMinCases);
    setenv("RC_PARAMS", params.c_str(), 1);
  }
  return true;
}();

// ---------------------------------------------------------------------------
// Generators

// A random small Problem covering every parameter. Everything but the padding
// is legal by construction (groups divide both channel counts, output_padding
// < max(stride, dilation)); the padding is drawn from [0, largest legal], where
// "largest legal" keeps the output non-empty and often exceeds the kernel's
// reach dilation*(kernel - 1). One time in twenty the height padding may
// also be one past the largest legal value (an empty output), so that the
// properties' RC_PRE(!validate(p)) has something to discard: under 1% of the
// cases are.
rc::Gen<Problem> genProblem() {
  // Fixed size 100: RapidCheck scales inRange by the test's size, which would
  // make the upper ends of the ranges rare; every value here is equally likely
  // in every case (shrinking still finds small counterexamples).
  return rc::gen::resize(100, rc::gen::suchThat(
      rc::gen::exec([] {
        Problem p;
        // An empty batch is legal but checks little: one case in twenty.
        p.n = *rc::gen::weightedElement<int64_t>({{1, 0}, {6, 1}, {7, 2}, {6, 3}});
        p.groups = *rc::gen::inRange<int64_t>(1, 5);
        p.c_in = p.groups * *rc::gen::inRange<int64_t>(1, 5);   // c_in/g = 1 with g > 1: depthwise
        p.c_out = p.groups * *rc::gen::inRange<int64_t>(1, 5);
        p.h_in = *rc::gen::inRange<int64_t>(1, 8);
        p.w_in = *rc::gen::inRange<int64_t>(1, 8);
        p.kernel = {*rc::gen::inRange<int64_t>(1, 6), *rc::gen::inRange<int64_t>(1, 6)};
        p.stride = {*rc::gen::inRange<int64_t>(1, 5), *rc::gen::inRange<int64_t>(1, 5)};
        p.dilation = {*rc::gen::inRange<int64_t>(1, 4), *rc::gen::inRange<int64_t>(1, 4)};
        p.output_padding = {
            *rc::gen::inRange<int64_t>(0, std::max(p.stride.h, p.dilation.h)),
            *rc::gen::inRange<int64_t>(0, std::max(p.stride.w, p.dilation.w))};
        // Output extent = reach - 2*padding + 1 must be >= 1.
        const auto max_padding = [](int64_t in, int64_t s, int64_t d, int64_t k, int64_t op) {
          return ((in - 1) * s + d * (k - 1) + op) / 2;
        };
        const int64_t max_ph =
            max_padding(p.h_in, p.stride.h, p.dilation.h, p.kernel.h, p.output_padding.h);
        const int64_t max_pw =
            max_padding(p.w_in, p.stride.w, p.dilation.w, p.kernel.w, p.output_padding.w);
        const bool overshoot = *rc::gen::inRange(0, 20) == 0;
        p.padding = {*rc::gen::inRange<int64_t>(0, max_ph + 1 + overshoot),
                     *rc::gen::inRange<int64_t>(0, max_pw + 1)};
        p.bias = *rc::gen::arbitrary<bool>();
        return p;
      }),
      [](const Problem& p) {
        // Only the size matters here; legality is the properties' RC_PRE.
        const int64_t h_out = std::max<int64_t>(p.h_out(), 1), w_out = std::max<int64_t>(p.w_out(), 1);
        return p.n * p.c_out * h_out * w_out <= kMaxElements &&
               p.n * p.c_in * p.h_in * p.w_in <= kMaxElements;
      }));
}

// Small-integer data, in [-4, 4], for the tensors of one problem. The values
// come from a seed that RapidCheck draws (so a failure is reproducible), not
// element by element: shrinking thousands of elements would be slow and a
// counterexample that lists them unreadable; the problem itself shrinks.
std::vector<float> small_integers(uint64_t seed, int64_t count) {
  std::vector<float> v(size_t(std::max<int64_t>(count, 0)));
  uint64_t s = seed;
  for (float& e : v) {
    // splitmix64
    s += 0x9E3779B97F4A7C15ull;
    uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    e = float(int64_t(z % 9) - 4);
  }
  return v;
}

std::vector<float> random_tensor(int64_t count) {
  return small_integers(*rc::gen::noShrink(rc::gen::resize(100, rc::gen::arbitrary<uint64_t>())), count);
}

std::vector<double> to_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

std::vector<double> oracle(const Problem& p, const std::vector<float>& x, const std::vector<float>& w,
                           const std::vector<float>& bias = {}) {
  return conv_transpose2d_oracle(p, x.data(), w.data(), p.bias ? bias.data() : nullptr);
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

Problem without_bias(Problem p) {
  p.bias = false;
  return p;
}

// Coverage, printed with each property's result (RapidCheck's GoogleTest
// integration prints "OK, passed N tests" only when there is a distribution).
void tag(const Problem& p) {
  RC_TAG(p.groups == 1 ? "groups 1" : p.c_in == p.groups ? "depthwise" : "grouped");
}

void classify(const Problem& p) {
  tag(p);
  RC_CLASSIFY(p.output_padding.h >= p.stride.h || p.output_padding.w >= p.stride.w,
              "output_padding >= stride");
  RC_CLASSIFY(p.padding.h > p.dilation.h * (p.kernel.h - 1) ||
                  p.padding.w > p.dilation.w * (p.kernel.w - 1),
              "padding beyond kernel reach");
}

// ---------------------------------------------------------------------------
// Configuration

TEST(RapidCheckConfig, RunsAtLeast1000CasesPerProperty) {
  ASSERT_TRUE(kRcParamsDefaulted);
  EXPECT_GE(rc::detail::configuration().testParams.maxSuccess, kMinCases)
      << "RC_PARAMS asks for fewer than " << kMinCases << " cases per property";
}

// ---------------------------------------------------------------------------
// Hand-computed cases

// x (1,1,2,2) = [[1,2],[3,4]], w (1,1,2,2) = [[1,2],[3,4]], stride 2, no
// padding: each input element stamps x*w into its own 2x2 block of the 4x4
// output.
TEST(OracleByHand, StrideTwoStampsDisjointBlocks) {
  Problem p;
  p.c_in = 1;
  p.c_out = 1;
  p.h_in = 2;
  p.w_in = 2;
  p.kernel = {2, 2};
  p.stride = {2, 2};
  p.bias = false;
  ASSERT_FALSE(validate(p));
  ASSERT_EQ(p.output_shape(), (std::array<int64_t, 4>{1, 1, 4, 4}));
  const std::vector<float> x = {1, 2, 3, 4}, w = {1, 2, 3, 4};
  const std::vector<double> expected = {
      1, 2, 2, 4,    //
      3, 4, 6, 8,    //
      3, 6, 4, 8,    //
      9, 12, 12, 16  //
  };
  EXPECT_EQ(oracle(p, x, w), expected);
}

// Everything at once, different per axis:
//   rows:    h_in 2, kh 2, stride 2, dilation 2, padding 1, output_padding 1
//            H_out = (2-1)*2 - 2*1 + 2*(2-1) + 1 + 1 = 4
//            oh = 2*ih - 1 + 2*kh: (ih,kh) = (0,0) -> -1 (cut), (0,1) -> 1,
//                                            (1,0) -> 1, (1,1) -> 3
//   columns: w_in 2, kw 2, stride 3, dilation 1, padding 1, output_padding 2
//            W_out = (2-1)*3 - 2*1 + 1*(2-1) + 2 + 1 = 5
//            ow = 3*iw - 1 + kw: (iw,kw) = (0,0) -> -1 (cut), (0,1) -> 0,
//                                          (1,0) -> 2, (1,1) -> 3
// x = [[1,2],[3,4]], w = [[1,10],[100,1000]] (w[kh][kw]), bias 0.5:
//   y[1][0] = x00*w11 + x10*w01 = 1000 + 30 = 1030
//   y[1][2] = x01*w10 + x11*w00 = 200 + 4   = 204
//   y[1][3] = x01*w11 + x11*w01 = 2000 + 40 = 2040
//   y[3][0] = x10*w11 = 3000,  y[3][2] = x11*w10 = 400,  y[3][3] = x11*w11 = 4000
// rows 0 and 2 and columns 1 and 4 (column 4: output padding) get no tap.
TEST(OracleByHand, PaddingDilationOutputPaddingPerAxis) {
  Problem p;
  p.c_in = 1;
  p.c_out = 1;
  p.h_in = 2;
  p.w_in = 2;
  p.kernel = {2, 2};
  p.stride = {2, 3};
  p.dilation = {2, 1};
  p.padding = {1, 1};
  p.output_padding = {1, 2};
  p.bias = true;
  ASSERT_FALSE(validate(p));
  ASSERT_EQ(p.output_shape(), (std::array<int64_t, 4>{1, 1, 4, 5}));
  const std::vector<float> x = {1, 2, 3, 4}, w = {1, 10, 100, 1000}, bias = {0.5f};
  const std::vector<double> expected = {
      0.5,    0.5, 0.5,   0.5,    0.5,  //
      1030.5, 0.5, 204.5, 2040.5, 0.5,  //
      0.5,    0.5, 0.5,   0.5,    0.5,  //
      3000.5, 0.5, 400.5, 4000.5, 0.5   //
  };
  EXPECT_EQ(oracle(p, x, w, bias), expected);
}

// Groups 2, c_in 2, c_out 4 (c_in/g = 1 != c_out/g = 2), 1x1 everything:
// w (2, 2, 1, 1) = [[1,2],[3,4]]; group g maps input channel g to output
// channels 2g, 2g+1: y = [x0*1, x0*2, x1*3, x1*4] + bias, x = [2, 3],
// bias = [10, 20, 30, 40]; batch of 2, the second item x = [-1, 5].
TEST(OracleByHand, GroupsMapToTheirOwnOutputChannels) {
  Problem p;
  p.n = 2;
  p.c_in = 2;
  p.c_out = 4;
  p.groups = 2;
  p.bias = true;
  ASSERT_FALSE(validate(p));
  ASSERT_EQ(p.output_shape(), (std::array<int64_t, 4>{2, 4, 1, 1}));
  const std::vector<float> x = {2, 3, -1, 5}, w = {1, 2, 3, 4}, bias = {10, 20, 30, 40};
  const std::vector<double> expected = {12, 24, 39, 52,  //
                                        9, 18, 45, 60};
  EXPECT_EQ(oracle(p, x, w, bias), expected);
}

// The second formulation itself, by hand: conv2d of a 1x1x3x3 input with a
// 2x2 kernel, stride 1, no padding, and with padding 1, stride 2.
TEST(Conv2dByHand, GatherForm) {
  Conv2dShape s;
  s.in_h = 3;
  s.in_w = 3;
  s.kernel_h = 2;
  s.kernel_w = 2;
  const std::vector<double> in = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w = {1, 10, 100, 1000};
  // out[i][j] = in[i][j] + 10 in[i][j+1] + 100 in[i+1][j] + 1000 in[i+1][j+1]
  EXPECT_EQ(conv2d(s, in.data(), w.data()), (std::vector<double>{5421, 6532, 8754, 9865}));
  s.pad_h = s.pad_w = 1;
  s.stride_h = s.stride_w = 2;
  // rows/cols read: out index o reads input o*2 - 1 + k.
  EXPECT_EQ(conv2d(s, in.data(), w.data()),
            (std::vector<double>{1000, 3200, 7040, 9865}));
}

// ---------------------------------------------------------------------------
// Properties

// <conv_transpose2d(x, w), y> == <x, conv2d(y, w)>: the oracle (scatter) is the
// transpose of an independently written conv2d (gather) with the same stride,
// padding, dilation and groups. Catches any misplaced tap, swapped axis, wrong
// padding or dilation, or wrong group/channel indexing in the oracle.
RC_GTEST_PROP(OracleProperties, AdjointOfConv2d, ()) {
  const Problem p = without_bias(*genProblem());
  RC_PRE(!validate(p));
  classify(p);
  const std::vector<float> x = random_tensor(p.input_elements());
  const std::vector<float> w = random_tensor(p.weight_elements());
  const std::vector<double> y = to_double(random_tensor(p.output_elements()));

  const std::vector<double> forward = oracle(p, x, w);
  RC_ASSERT(int64_t(forward.size()) == p.output_elements());
  const std::vector<double> back = conv_transpose2d_adjoint(p, y, to_double(w));
  RC_ASSERT(int64_t(back.size()) == p.input_elements());
  RC_ASSERT(dot(forward, y) == dot(to_double(x), back));
}

// oracle(a*x1 + x2, w) == a*oracle(x1, w) + oracle(x2, w), without bias.
RC_GTEST_PROP(OracleProperties, LinearInInput, ()) {
  const Problem p = without_bias(*genProblem());
  RC_PRE(!validate(p));
  tag(p);
  const float a = float(*rc::gen::resize(100, rc::gen::inRange(-4, 5)));
  const std::vector<float> x1 = random_tensor(p.input_elements());
  const std::vector<float> x2 = random_tensor(p.input_elements());
  const std::vector<float> w = random_tensor(p.weight_elements());
  std::vector<float> mix(x1.size());
  for (size_t i = 0; i < mix.size(); ++i) mix[i] = a * x1[i] + x2[i];

  const std::vector<double> lhs = oracle(p, mix, w);
  const std::vector<double> y1 = oracle(p, x1, w), y2 = oracle(p, x2, w);
  std::vector<double> rhs(y1.size());
  for (size_t i = 0; i < rhs.size(); ++i) rhs[i] = double(a) * y1[i] + y2[i];
  RC_ASSERT(lhs == rhs);
}

// oracle(x, a*w1 + w2) == a*oracle(x, w1) + oracle(x, w2), without bias.
RC_GTEST_PROP(OracleProperties, LinearInWeight, ()) {
  const Problem p = without_bias(*genProblem());
  RC_PRE(!validate(p));
  tag(p);
  const float a = float(*rc::gen::resize(100, rc::gen::inRange(-4, 5)));
  const std::vector<float> x = random_tensor(p.input_elements());
  const std::vector<float> w1 = random_tensor(p.weight_elements());
  const std::vector<float> w2 = random_tensor(p.weight_elements());
  std::vector<float> mix(w1.size());
  for (size_t i = 0; i < mix.size(); ++i) mix[i] = a * w1[i] + w2[i];

  const std::vector<double> lhs = oracle(p, x, mix);
  const std::vector<double> y1 = oracle(p, x, w1), y2 = oracle(p, x, w2);
  std::vector<double> rhs(y1.size());
  for (size_t i = 0; i < rhs.size(); ++i) rhs[i] = double(a) * y1[i] + y2[i];
  RC_ASSERT(lhs == rhs);
}

// A problem with g groups is g independent problems with groups = 1: group k
// takes input channels [k*Cig, (k+1)*Cig), weight rows [k*Cig, (k+1)*Cig) and
// bias [k*Cog, (k+1)*Cog), and its output is channels [k*Cog, (k+1)*Cog).
RC_GTEST_PROP(OracleProperties, GroupsAreIndependentProblems, ()) {
  const Problem p = *genProblem();
  RC_PRE(!validate(p));
  tag(p);
  const std::vector<float> x = random_tensor(p.input_elements());
  const std::vector<float> w = random_tensor(p.weight_elements());
  const std::vector<float> bias = random_tensor(p.bias_elements());
  const std::vector<double> y = oracle(p, x, w, bias);

  const int64_t Cig = p.c_in_per_group(), Cog = p.c_out_per_group();
  const int64_t in_plane = p.h_in * p.w_in, out_plane = p.h_out() * p.w_out();
  const int64_t w_per_in_channel = Cog * p.kernel.h * p.kernel.w;
  Problem q = p;
  q.groups = 1;
  q.c_in = Cig;
  q.c_out = Cog;
  RC_ASSERT(!validate(q));
  for (int64_t g = 0; g < p.groups; ++g) {
    std::vector<float> xg, wg, bg;
    for (int64_t n = 0; n < p.n; ++n) {
      const auto begin = x.begin() + (n * p.c_in + g * Cig) * in_plane;
      xg.insert(xg.end(), begin, begin + Cig * in_plane);
    }
    const auto wbegin = w.begin() + g * Cig * w_per_in_channel;
    wg.assign(wbegin, wbegin + Cig * w_per_in_channel);
    if (p.bias) bg.assign(bias.begin() + g * Cog, bias.begin() + (g + 1) * Cog);

    const std::vector<double> yg = oracle(q, xg, wg, bg);
    for (int64_t n = 0; n < p.n; ++n) {
      const auto expected = yg.begin() + n * Cog * out_plane;
      const auto actual = y.begin() + (n * p.c_out + g * Cog) * out_plane;
      RC_ASSERT(std::equal(expected, expected + Cog * out_plane, actual));
    }
  }
}

// Batch items are independent: item n of the output is the oracle on a batch
// of one holding just item n.
RC_GTEST_PROP(OracleProperties, BatchItemsAreIndependent, ()) {
  const Problem p = *genProblem();
  RC_PRE(!validate(p));
  tag(p);
  const std::vector<float> x = random_tensor(p.input_elements());
  const std::vector<float> w = random_tensor(p.weight_elements());
  const std::vector<float> bias = random_tensor(p.bias_elements());
  const std::vector<double> y = oracle(p, x, w, bias);
  RC_ASSERT(int64_t(y.size()) == p.output_elements());

  Problem one = p;
  one.n = 1;
  RC_ASSERT(!validate(one));
  const int64_t in_item = p.c_in * p.h_in * p.w_in, out_item = one.output_elements();
  for (int64_t n = 0; n < p.n; ++n) {
    const std::vector<float> xn(x.begin() + n * in_item, x.begin() + (n + 1) * in_item);
    const std::vector<double> yn = oracle(one, xn, w, bias);
    RC_ASSERT(std::equal(yn.begin(), yn.end(), y.begin() + n * out_item));
  }
}

// With bias == without bias + bias[c] on every element of channel c.
RC_GTEST_PROP(OracleProperties, BiasAddsPerChannel, ()) {
  Problem p = *genProblem();
  p.bias = true;
  RC_PRE(!validate(p));
  tag(p);
  const std::vector<float> x = random_tensor(p.input_elements());
  const std::vector<float> w = random_tensor(p.weight_elements());
  const std::vector<float> bias = random_tensor(p.bias_elements());
  const std::vector<double> with = oracle(p, x, w, bias);
  const std::vector<double> without = oracle(without_bias(p), x, w);
  RC_ASSERT(with.size() == without.size());

  const int64_t plane = p.h_out() * p.w_out();
  std::vector<double> expected = without;
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t c = 0; c < p.c_out; ++c)
      for (int64_t i = 0; i < plane; ++i) expected[size_t((n * p.c_out + c) * plane + i)] += bias[size_t(c)];
  RC_ASSERT(with == expected);
}

}  // namespace
}  // namespace convt::testing
