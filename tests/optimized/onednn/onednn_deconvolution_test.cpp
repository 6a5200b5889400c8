// Unit tests of the oneDNN mapping (optimized/onednn): the parameters it
// derives from PyTorch's, and both layouts bitwise equal to the oracle on
// exact data (harness/data.h DataMode::exact: any correct float32 order of
// summation reproduces the oracle) on hand-picked problems: groups and
// depthwise, dilation, output_padding >= stride (< dilation), also beyond
// padding + stride where oneDNN cannot take it and the bias-only rows are
// written by convt, non-square everything, N = 0, with and without bias,
// one and two threads. Then the adapters through convt's own run_case
// (harness/check_case.h) in every data mode. Nothing here is timed.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "harness/backend.h"
#include "harness/check_case.h"
#include "harness/data.h"
#include "optimized/onednn/onednn_deconvolution.h"
#include "reference/descriptor.h"
#include "reference/oracle.h"
#include "tests/problem_text.h"

namespace convt::testing {
namespace {

using onednn::Layout;


// The problems of the bitwise tests (descriptor, what it exercises).
const std::vector<std::pair<std::string, std::string>> kProblems = {
    {"mb2ic6ih5iw4oc9kh3sh2g3", "groups 3 (2 -> 3 channels per group), bias"},
    {"mb2ic6ih5iw4oc9kh3sh2g3nobias", "groups 3, no bias"},
    {"ic8ih6oc8kh4sh2ph1g8", "depthwise"},
    {"ic4ih5oc8kh3sh2ph1g4nobias", "depthwise with multiplier 2"},
    {"ic3ih5iw6oc4kh3sh2dh2dw3", "dilation, different per axis"},
    {"mb2ic2ih4oc4kh4kw5sh3sw2ph1pw2oph2opw3dh4g2", "output_padding 3 >= stride 2 (< dilation 4) along w"},
    {"ic3ih6iw7oc4kh3sh2sw3ph1oph1dh2nobias", "output_padding with dilation, no bias"},
    {"ic2ih4oc3kh2dh3oph2", "output_padding 2 >= padding 0 + stride 1: bias-only rows and columns"},
    {"ic2ih4oc3kh2dh3oph2nobias", "the same without bias: zero rows and columns"},
    {"ic2ih5iw3oc3kh2kw3sh1sw2ph1pw0oph2opw1dh3dw2", "bias-only rows only (h), not columns"},
    {"ic2ih1oc3kh1dh10ph3oph9", "no product lands in the output: all bias"},
    {"mb2ic3ih5iw9oc4kh2kw5sh3sw1ph1pw2", "non-square input, kernel, stride and padding"},
    {"mb3ic5ih7iw3oc2kh3kw2sh2sw3ph2pw1oph1opw2dh2dw1", "everything non-square"},
    {"ic3ih6oc5kh3sh2ph5", "padding beyond the kernel's reach"},
    {"mb0ic4ih4oc4kh3sh2ph1", "N = 0"},
    {"mb0ic4ih4oc4kh3sh2ph1g4nobias", "N = 0, depthwise, no bias"},
    {"ic16ih7oc32kh4sh2ph1", "channels a multiple of the vector width"},
    {"ic17ih5iw9oc19kh3sh2ph1oph1", "channels off the vector width"},
};

std::vector<float> run(Layout layout, int threads, const Problem& p, const Tensors& t) {
  onednn::Deconvolution d(layout, threads);
  std::vector<float> y(size_t(p.output_elements()), std::nanf(""));
  if (auto e = d.prepare(p, t.w.data(), p.bias ? t.bias.data() : nullptr)) {
    ADD_FAILURE() << "prepare: " << e->message;
    return y;
  }
  if (auto e = d.run(t.x.data(), y.data())) ADD_FAILURE() << "run: " << e->message;
  return y;
}

void expect_oracle(Layout layout, int threads) {
  for (const auto& [text, what] : kProblems) {
    SCOPED_TRACE(text + " (" + what + ")");
    const Problem p = problem(text);
    const Tensors t = make_tensors(p, DataMode::exact, 7);
    const std::vector<double> expected =
        conv_transpose2d_oracle(p, t.x.data(), t.w.data(), p.bias ? t.bias.data() : nullptr);
    const std::vector<float> y = run(layout, threads, p, t);
    ASSERT_EQ(y.size(), expected.size());
    int64_t mismatches = 0;
    for (size_t i = 0; i < y.size(); ++i)
      if (!(y[i] == float(expected[i])) && mismatches++ < 3)
        ADD_FAILURE() << "element " << i << ": " << y[i] << " instead of " << expected[i];
    EXPECT_EQ(mismatches, 0);
  }
}

TEST(OnednnMapping, PaddingDilationAndWeightsFromPytorch) {
  const onednn::Mapping m = onednn::map_problem(problem("mb2ic6ih5iw4oc9kh3kw2sh2sw3ph1pw0oph1opw2dh2dw1g3"));
  EXPECT_EQ(m.src, (std::array<int64_t, 4>{2, 6, 5, 4}));
  EXPECT_EQ(m.weights, (std::array<int64_t, 5>{3, 3, 2, 3, 2}));  // G, OC/G, IC/G, kH, kW
  EXPECT_EQ(m.strides, (std::array<int64_t, 2>{2, 3}));
  EXPECT_EQ(m.dilates, (std::array<int64_t, 2>{1, 0}));  // oneDNN's dilation counts from 0
  EXPECT_EQ(m.padding_l, (std::array<int64_t, 2>{1, 0}));
  EXPECT_EQ(m.padding_r, (std::array<int64_t, 2>{0, -2}));  // padding - output_padding
  EXPECT_EQ(m.bias_only, (std::array<int64_t, 2>{0, 0}));
  // H = (5-1)*2 - 2 + 2*2 + 1 + 1 = 12, W = (4-1)*3 - 0 + 1 + 2 + 1 = 13
  EXPECT_EQ(m.dst, (std::array<int64_t, 4>{2, 9, 12, 13}));
}

TEST(OnednnMapping, OutputPaddingBeyondPaddingPlusStrideIsLeftToTheBias) {
  // op 2 >= p 0 + s 1: oneDNN needs padding_r > -stride, so it computes
  // with op' = p + s - 1 = 0 and the last 2 rows and columns (which no
  // product reaches) are the bias.
  onednn::Mapping m = onednn::map_problem(problem("ic2ih4oc3kh2dh3oph2"));
  EXPECT_EQ(m.padding_r, (std::array<int64_t, 2>{0, 0}));
  EXPECT_EQ(m.bias_only, (std::array<int64_t, 2>{2, 2}));
  EXPECT_EQ(m.dst, (std::array<int64_t, 4>{1, 3, 7, 7}));  // of 9 x 9
  // op 3 with p 1 and s 2: padding_r = -2 is refused, op' = 2 gives -1.
  m = onednn::map_problem(problem("ic2ih4oc3kh2sh2ph1oph3dh4"));
  EXPECT_EQ(m.padding_r, (std::array<int64_t, 2>{-1, -1}));
  EXPECT_EQ(m.bias_only, (std::array<int64_t, 2>{1, 1}));
  // No product inside the output at all.
  m = onednn::map_problem(problem("ic2ih1oc3kh1dh10ph3oph9"));
  EXPECT_EQ(m.bias_only, (std::array<int64_t, 2>{4, 4}));
  EXPECT_EQ(m.dst[2] * m.dst[3], 0);
}

TEST(OnednnDeconvolution, PreferredLayoutMatchesTheOracleBitwise) { expect_oracle(Layout::preferred, 0); }
TEST(OnednnDeconvolution, NchwMatchesTheOracleBitwise) { expect_oracle(Layout::nchw, 0); }
TEST(OnednnDeconvolution, OneThreadMatchesTheOracleBitwise) {
  expect_oracle(Layout::preferred, 1);
  expect_oracle(Layout::nchw, 1);
}
TEST(OnednnDeconvolution, TwoThreadsMatchTheOracleBitwise) {
  expect_oracle(Layout::preferred, 2);
  expect_oracle(Layout::nchw, 2);
}

TEST(OnednnDeconvolution, LeavesTheCallersThreadCountAlone) {
  // It sets OpenMP's thread count around its own calls only.
  const Problem p = problem("mb2ic8ih6oc8kh3sh2ph1");
  const Tensors t = make_tensors(p, DataMode::exact, 3);
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  run(Layout::preferred, 2, p, t);
  EXPECT_EQ(omp_get_max_threads(), 1);
  omp_set_num_threads(before);
}

TEST(OnednnDeconvolution, RepeatedRunsAreBitwiseIdentical) {
  // What the backends claim (deterministic()), on data where the order of
  // summation matters.
  for (Layout layout : {Layout::preferred, Layout::nchw})
    for (const char* text : {"mb2ic32ih9oc16kh4sh2ph1", "mb2ic6ih5iw4oc9kh3sh2g3", "ic2ih4oc3kh2dh3oph2"}) {
      const Problem p = problem(text);
      const Tensors t = make_tensors(p, DataMode::normal, 3);
      onednn::Deconvolution d(layout, 0);
      ASSERT_FALSE(d.prepare(p, t.w.data(), p.bias ? t.bias.data() : nullptr).has_value());
      std::vector<float> a(size_t(p.output_elements())), b(a.size(), 1.0f);
      ASSERT_FALSE(d.run(t.x.data(), a.data()).has_value());
      ASSERT_FALSE(d.run(t.x.data(), b.data()).has_value());
      EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0) << text;
    }
}

TEST(OnednnDeconvolution, RunBeforePrepareIsAnError) {
  onednn::Deconvolution d(Layout::nchw, 0);
  float y = 0;
  const float x = 0;
  EXPECT_TRUE(d.run(&x, &y).has_value());
  EXPECT_EQ(d.implementation(), "");
}

TEST(OnednnDeconvolution, ReportsTheImplementationItChose) {
  const Problem p = problem("ic16ih8oc16kh3sh2ph1");
  const Tensors t = make_tensors(p, DataMode::exact, 1);
  onednn::Deconvolution d(Layout::preferred, 0);
  ASSERT_FALSE(d.prepare(p, t.w.data(), t.bias.data()).has_value());
  EXPECT_NE(d.implementation(), "");
  EXPECT_FALSE(onednn::version().empty());
}

// The adapters, judged as `convt check` judges them, in every data mode.
TEST(OnednnBackends, PassConvtsCheckInEveryDataMode) {
  for (const char* name : {"onednn", "onednn-nchw"}) {
    Result<NamedBackend> b = make_backend(name);
    ASSERT_TRUE(b.ok()) << b.error().message;
    for (const auto& [text, what] : kProblems)
      for (DataMode mode : kAllDataModes) {
        SCOPED_TRACE(std::string(name) + " " + text + " " + data_mode_name(mode));
        const CaseResult r = run_case(*b->backend, CaseSpec{problem(text), mode, 5, 2});
        EXPECT_TRUE(r.verdict == Verdict::passed || r.verdict == Verdict::mistrusted) << r.reason;
        EXPECT_FALSE(r.nondeterministic) << r.reason;
      }
  }
}

}  // namespace
}  // namespace convt::testing
