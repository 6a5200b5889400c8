// Unit tests of the problem model (reference/problem.h): the output size
// formula on hand-computed examples (each checked against torch 1.13), every
// validation rule reachable from a descriptor or from PyTorch-style
// Arguments, with PyTorch's exact wording, the order of the checks, and
// convt's 64-bit limits ("problem too large"), which must refuse, never wrap
// around. Nothing here allocates a tensor.
//
// The expected messages were produced by torch.nn.functional.conv_transpose2d
// (torch 1.13, CPU) on the same shapes; where convt's words differ from
// PyTorch's on purpose or by a PyTorch quirk, the comment says so.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "reference/descriptor.h"
#include "reference/problem.h"
#include "tests/expect_contains.h"
#include "tests/problem_text.h"

namespace convt::testing {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t k2Pow62 = int64_t(1) << 62;

Problem parse_ok(const std::string& text) {
  Result<Problem> p = parse_problem(text);
  EXPECT_TRUE(p.ok()) << text << ": " << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : Problem{};
}

// The reason parse_problem gives, without the "descriptor '...': " prefix
// (which is checked once, below).
std::string refusal(const std::string& text) {
  Result<Problem> p = parse_problem(text);
  if (p.ok()) {
    ADD_FAILURE() << text << " was accepted as " << format_descriptor(*p);
    return {};
  }
  const std::string prefix = "descriptor '" + text + "': ";
  const std::string& m = p.error().message;
  EXPECT_EQ(m.rfind(prefix, 0), 0u) << m;
  return m.rfind(prefix, 0) == 0 ? m.substr(prefix.size()) : m;
}

// Arguments of a conv_transpose2d call with the given tensor shapes.
Arguments args(std::vector<int64_t> input, std::vector<int64_t> weight,
               std::optional<std::vector<int64_t>> bias = std::nullopt) {
  Arguments a;
  a.input = std::move(input);
  a.weight = std::move(weight);
  a.bias = std::move(bias);
  return a;
}

std::string refusal(const Arguments& a) {
  Result<Problem> p = problem_from_arguments(a);
  if (p.ok()) {
    ADD_FAILURE() << "accepted as " << format_descriptor(*p);
    return {};
  }
  return p.error().message;
}

Problem accepted(const Arguments& a) {
  Result<Problem> p = problem_from_arguments(a);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : Problem{};
}

// ---------------------------------------------------------------------------
// Output size

TEST(OutputSize, SquareWithStridePaddingOutputPadding) {
  // (5-1)*2 - 2*1 + 1*(3-1) + 1 + 1 = 10
  const Problem p = parse_ok("ic1ih5oc1kh3sh2ph1oph1");
  EXPECT_EQ(p.h_out(), 10);
  EXPECT_EQ(p.w_out(), 10);
}

TEST(OutputSize, NonSquareEverything) {
  // torch: input (2, 8, 5, 7), weight (8, 3, 3, 2), stride (2, 1), padding (1, 0),
  // output_padding (1, 0), groups 4, dilation (1, 2) -> (2, 12, 10, 9)
  const Problem p = parse_ok("mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4");
  EXPECT_EQ(p.h_out(), 10);
  EXPECT_EQ(p.w_out(), 9);
  EXPECT_EQ(p.output_shape(), (std::array<int64_t, 4>{2, 12, 10, 9}));
}

TEST(OutputSize, StrideAndPaddingDifferPerAxis) {
  // torch: input (1, 1, 2, 3), weight (1, 1, 2, 2), stride (3, 2), padding (2, 1),
  // dilation (2, 1) -> (1, 1, 2, 4):  H = 1*3 - 4 + 2*1 + 1 = 2,  W = 2*2 - 2 + 1 + 1 = 4
  const Problem p = parse_ok("ic1ih2iw3oc1kh2sh3sw2ph2pw1dh2dw1");
  EXPECT_EQ(p.h_out(), 2);
  EXPECT_EQ(p.w_out(), 4);
}

TEST(OutputSize, OutputPaddingBelowDilationButNotBelowStride) {
  // torch: input (1, 1, 3, 4), weight (1, 1, 3, 3), stride (1, 2), dilation (3, 1),
  // output_padding (2, 1) -> (1, 1, 11, 10). Height: oph 2 >= sh 1 but < dh 3.
  const Problem p = parse_ok("ic1ih3iw4oc1kh3sh1sw2dh3dw1oph2opw1");
  EXPECT_EQ(p.h_out(), 11);  // 2*1 + 3*2 + 2 + 1
  EXPECT_EQ(p.w_out(), 10);  // 3*2 + 1*2 + 1 + 1
}

TEST(OutputSize, LargePaddingEatsMostOfTheOutput) {
  // torch: input (1, 1, 4, 6), weight (1, 1, 5, 1), stride (3, 1), padding (6, 0),
  // output_padding (2, 0) -> (1, 1, 4, 6):  H = 3*3 - 12 + 4 + 2 + 1 = 4
  const Problem p = parse_ok("ic1ih4iw6oc1kh5kw1sh3sw1ph6pw0oph2opw0");
  EXPECT_EQ(p.h_out(), 4);
  EXPECT_EQ(p.w_out(), 6);
}

TEST(OutputSize, ExactlyOne) {
  // torch: input (1, 1, 3, 1), weight (1, 1, 1, 1), padding (1, 0) -> (1, 1, 1, 1)
  const Problem p = parse_ok("ic1ih3iw1oc1kh1ph1pw0");
  EXPECT_EQ(p.h_out(), 1);
  EXPECT_EQ(p.w_out(), 1);
  const Problem q = parse_ok("ic1ih1oc1kh1");
  EXPECT_EQ(q.h_out(), 1);
  EXPECT_EQ(q.w_out(), 1);
}

TEST(OutputSize, ShapesAndElementCounts) {
  const Problem p = parse_ok("mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4");
  EXPECT_EQ(p.input_shape(), (std::array<int64_t, 4>{2, 8, 5, 7}));
  EXPECT_EQ(p.weight_shape(), (std::array<int64_t, 4>{8, 3, 3, 2}));
  EXPECT_EQ(p.c_in_per_group(), 2);
  EXPECT_EQ(p.c_out_per_group(), 3);
  EXPECT_EQ(p.input_elements(), 2 * 8 * 5 * 7);
  EXPECT_EQ(p.weight_elements(), 8 * 3 * 3 * 2);
  EXPECT_EQ(p.bias_elements(), 12);
  EXPECT_EQ(p.output_elements(), 2 * 12 * 10 * 9);
  Problem q = p;
  q.bias = false;
  EXPECT_EQ(q.bias_elements(), 0);
}

TEST(OutputSize, ArgumentsOfAProblem) {
  const Problem p = parse_ok("mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4");
  const Arguments a = arguments_of(p);
  EXPECT_EQ(a.input, (std::vector<int64_t>{2, 8, 5, 7}));
  EXPECT_EQ(a.weight, (std::vector<int64_t>{8, 3, 3, 2}));
  ASSERT_TRUE(a.bias.has_value());
  EXPECT_EQ(*a.bias, (std::vector<int64_t>{12}));
  EXPECT_EQ(a.stride, (Pair{2, 1}));
  EXPECT_EQ(a.padding, (Pair{1, 0}));
  EXPECT_EQ(a.output_padding, (Pair{1, 0}));
  EXPECT_EQ(a.dilation, (Pair{1, 2}));
  EXPECT_EQ(a.groups, 4);
  EXPECT_EQ(accepted(a), p);
  Problem q = p;
  q.bias = false;
  EXPECT_FALSE(arguments_of(q).bias.has_value());
}

TEST(OutputSize, FormatShape) {
  EXPECT_EQ(format_shape({}), "[]");
  EXPECT_EQ(format_shape({7}), "[7]");
  EXPECT_EQ(format_shape({2, 3, 4, 5}), "[2, 3, 4, 5]");
  EXPECT_EQ(format_shape({-1, 0}), "[-1, 0]");
}

// ---------------------------------------------------------------------------
// Validation reached from a descriptor

TEST(DescriptorValidation, PrefixNamesTheDescriptor) {
  Result<Problem> p = parse_problem("ic4ih3oc4kh3g0");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message, "descriptor 'ic4ih3oc4kh3g0': non-positive groups is not supported");
}

TEST(DescriptorValidation, NonPositiveGroups) {
  EXPECT_EQ(refusal("ic4ih3oc4kh3g0"), "non-positive groups is not supported");
}

TEST(DescriptorValidation, OutputChannelsNotDivisibleByGroups) {
  // convt's own words: PyTorch's weight cannot even express this problem.
  EXPECT_EQ(refusal("ic4ih3oc6kh3g4"),
            "oc=6 is not divisible by g=4: the weight (ic, oc/g, kh, kw) has oc/g output channels per group");
}

TEST(DescriptorValidation, InputChannelsNotDivisibleByGroups) {
  // torch prints the size as [[6, 1, 3, 3]] (a quirk of its message); convt prints it once.
  EXPECT_EQ(refusal("ic6ih3oc4kh3g4"),
            "Given groups=4, expected weight to be divisible by 4 at dimension 0, but got weight of size "
            "[6, 1, 3, 3] instead");
}

TEST(DescriptorValidation, FewerInputChannelsThanGroups) {
  EXPECT_EQ(refusal("ic2ih3oc4kh3g4"),
            "Given groups=4, expected weight to be at least 4 at dimension 0, but got weight of size "
            "[2, 1, 3, 3] instead");
}

TEST(DescriptorValidation, ZeroOutputChannels) {
  EXPECT_EQ(refusal("ic4ih3oc0kh3"), "non-empty 2D or 4D weight tensor expected, but got: [4, 0, 3, 3]");
}

TEST(DescriptorValidation, ZeroKernel) {
  EXPECT_EQ(refusal("ic4ih3oc4kh0"),
            "kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 0");
  EXPECT_EQ(refusal("ic4ih3oc4kh3kw0"),
            "kernel size should be greater than zero, but got kernel_height: 3 kernel_width: 0");
  EXPECT_EQ(refusal("ic4ih3oc4kh0kw3"),
            "kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 3");
}

TEST(DescriptorValidation, ZeroStride) {
  EXPECT_EQ(refusal("ic4ih3oc4kh3sh0"), "non-positive stride is not supported");
  EXPECT_EQ(refusal("ic4ih3oc4kh3sh1sw0"), "non-positive stride is not supported");
}

TEST(DescriptorValidation, ZeroDilation) {
  // A descriptor refuses dh0 and dw0 as tokens (descriptor_test: benchdnn
  // counts dilation from 0); PyTorch's words come from the arguments.
  Arguments a = args({1, 4, 3, 3}, {4, 4, 3, 3});
  a.dilation = {0, 0};
  EXPECT_EQ(refusal(a), "dilation should be greater than zero, but got dilation_height: 0, dilation_width: 0");
  a.dilation = {1, 0};
  EXPECT_EQ(refusal(a), "dilation should be greater than zero, but got dilation_height: 1, dilation_width: 0");
}

TEST(DescriptorValidation, OutputPaddingNotBelowStrideNorDilationHeight) {
  EXPECT_EQ(refusal("ic4ih3oc4kh3sh2oph2opw0"),
            "output padding must be smaller than either stride or dilation, but got output_padding_height: 2 "
            "output_padding_width: 0 stride_height: 2 stride_width: 2 dilation_height: 1 dilation_width: 1");
  // Equal to both stride and dilation is still not smaller than either.
  EXPECT_EQ(refusal("ic4ih3oc4kh3sh2dh2oph2opw0"),
            "output padding must be smaller than either stride or dilation, but got output_padding_height: 2 "
            "output_padding_width: 0 stride_height: 2 stride_width: 2 dilation_height: 2 dilation_width: 2");
}

TEST(DescriptorValidation, OutputPaddingNotBelowStrideNorDilationWidth) {
  EXPECT_EQ(refusal("ic4ih3oc4kh3sh2oph0opw2"),
            "output padding must be smaller than either stride or dilation, but got output_padding_height: 0 "
            "output_padding_width: 2 stride_height: 2 stride_width: 2 dilation_height: 1 dilation_width: 1");
  // Height fine thanks to its dilation; width only has its own stride and dilation.
  EXPECT_EQ(refusal("ic4ih3oc4kh3sh1sw1dh3dw1oph2opw1"),
            "output padding must be smaller than either stride or dilation, but got output_padding_height: 2 "
            "output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 3 dilation_width: 1");
}

TEST(DescriptorValidation, OutputPaddingBelowEitherIsAccepted) {
  EXPECT_EQ(parse_ok("ic4ih3oc4kh3sh3dh1oph2").output_padding, (Pair{2, 2}));  // < stride
  EXPECT_EQ(parse_ok("ic4ih3oc4kh3sh1dh3oph2").output_padding, (Pair{2, 2}));  // < dilation
}

TEST(DescriptorValidation, OutputTooSmallHeight) {
  EXPECT_EQ(refusal("ic4ih1iw5oc4kh1ph1pw0"),
            "Given input size per channel: (1 x 5). Calculated output size per channel: (-1 x 5). "
            "Output size is too small");
  // Zero is too small as well: (2-1)*1 - 2*1 + 0 + 0 + 1 = 0.
  EXPECT_EQ(refusal("ic4ih2iw5oc4kh1ph1pw0"),
            "Given input size per channel: (2 x 5). Calculated output size per channel: (0 x 5). "
            "Output size is too small");
}

TEST(DescriptorValidation, OutputTooSmallWidth) {
  EXPECT_EQ(refusal("ic4ih5iw1oc4kh1ph0pw1"),
            "Given input size per channel: (5 x 1). Calculated output size per channel: (5 x -1). "
            "Output size is too small");
}

TEST(DescriptorValidation, ZeroSpatialSizeWithNonEmptyBatch) {
  EXPECT_EQ(refusal("ic4ih0oc4kh3"),
            "Only zero batch or zero channel inputs are supported, but got input shape: [1, 4, 0, 0]");
  EXPECT_EQ(refusal("mb2ic4ih3iw0oc4kh3"),
            "Only zero batch or zero channel inputs are supported, but got input shape: [2, 4, 3, 0]");
}

TEST(DescriptorValidation, EmptyBatchIsAccepted) {
  const Problem p = parse_ok("mb0ic4ih3oc4kh3");
  EXPECT_EQ(p.n, 0);
  EXPECT_EQ(p.output_shape(), (std::array<int64_t, 4>{0, 4, 5, 5}));
  EXPECT_EQ(p.input_elements(), 0);
  EXPECT_EQ(p.output_elements(), 0);
  EXPECT_EQ(p.weight_elements(), 4 * 4 * 3 * 3);
  // As in PyTorch, an empty batch may have empty images: torch gives (0, 1, 2, 5)
  // for input (0, 1, 0, 3), weight (1, 1, 3, 3).
  const Problem q = parse_ok("mb0ic1ih0iw3oc1kh3");
  EXPECT_EQ(q.h_out(), 2);
  EXPECT_EQ(q.w_out(), 5);
}

TEST(DescriptorValidation, EmptyBatchStillObeysEveryOtherRule) {
  // PyTorch skips its shape checks for N = 0; convt does not.
  EXPECT_EQ(refusal("mb0ic4ih1iw5oc4kh1ph1pw0"),
            "Given input size per channel: (1 x 5). Calculated output size per channel: (-1 x 5). "
            "Output size is too small");
  EXPECT_EQ(refusal("mb0ic4ih3oc4kh3sh2oph2"),
            "output padding must be smaller than either stride or dilation, but got output_padding_height: 2 "
            "output_padding_width: 2 stride_height: 2 stride_width: 2 dilation_height: 1 dilation_width: 1");
}

// validate() also sees Problems built by hand (e.g. from a suite's fields),
// with values a descriptor cannot spell.
TEST(ProblemValidation, NegativeFieldsOfAProblem) {
  Problem p = parse_ok("ic4ih3oc4kh3");
  p.padding = {0, -1};
  ASSERT_TRUE(validate(p).has_value());
  EXPECT_EQ(validate(p)->message, "negative padding is not supported");
  p = parse_ok("ic4ih3oc4kh3");
  p.groups = -2;
  ASSERT_TRUE(validate(p).has_value());
  EXPECT_EQ(validate(p)->message, "non-positive groups is not supported");
  p = parse_ok("ic4ih3oc4kh3");
  p.n = -1;
  ASSERT_TRUE(validate(p).has_value());
  EXPECT_EQ(validate(p)->message, "input has a negative size: [-1, 4, 3, 3]");
  p = parse_ok("ic4ih3oc4kh3");
  p.kernel.w = -3;
  ASSERT_TRUE(validate(p).has_value());
  EXPECT_EQ(validate(p)->message, "weight has a negative size: [4, 4, 3, -3]");
  p = parse_ok("ic4ih3oc4kh3");
  EXPECT_FALSE(validate(p).has_value());
}

// ---------------------------------------------------------------------------
// Validation reached from Arguments (shapes as a caller passes them)

TEST(ArgumentsValidation, AcceptsABatchedCall) {
  const Problem p = accepted(args({2, 4, 3, 5}, {4, 2, 3, 1}, std::vector<int64_t>{2}));
  EXPECT_EQ(p.n, 2);
  EXPECT_EQ(p.c_in, 4);
  EXPECT_EQ(p.h_in, 3);
  EXPECT_EQ(p.w_in, 5);
  EXPECT_EQ(p.c_out, 2);
  EXPECT_EQ(p.kernel, (Pair{3, 1}));
  EXPECT_TRUE(p.bias);
}

TEST(ArgumentsValidation, UnbatchedInputHasBatchOne) {
  const Problem p = accepted(args({4, 3, 5}, {4, 2, 3, 3}));
  EXPECT_EQ(p.n, 1);
  EXPECT_EQ(p.c_in, 4);
  EXPECT_EQ(p.h_in, 3);
  EXPECT_EQ(p.w_in, 5);
  EXPECT_FALSE(p.bias);
  EXPECT_EQ(p.output_shape(), (std::array<int64_t, 4>{1, 2, 5, 7}));
}

TEST(ArgumentsValidation, UnbatchedInputIsCheckedAsBatched) {
  // torch: input (4, 1, 5), weight (3, 2, 1, 1) -> "expected input[1, 4, 1, 5] ..."
  EXPECT_EQ(refusal(args({4, 1, 5}, {3, 2, 1, 1})),
            "Given transposed=1, weight of size [3, 2, 1, 1], expected input[1, 4, 1, 5] to have 3 channels, "
            "but got 4 channels instead");
  EXPECT_EQ(refusal(args({4, 0, 5}, {4, 2, 1, 1})),
            "Only zero batch or zero channel inputs are supported, but got input shape: [1, 4, 0, 5]");
}

TEST(ArgumentsValidation, InputOfTwoOrFiveDimensions) {
  EXPECT_EQ(refusal(args({4, 3}, {4, 2, 3, 3})),
            "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: [4, 3]");
  EXPECT_EQ(refusal(args({1, 1, 4, 3, 3}, {4, 2, 3, 3})),
            "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: "
            "[1, 1, 4, 3, 3]");
  EXPECT_EQ(refusal(args({}, {4, 2, 3, 3})),
            "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: []");
}

TEST(ArgumentsValidation, WeightOfThreeDimensions) {
  // convt's own words: torch 1.13 complains about the stride's length instead.
  EXPECT_EQ(refusal(args({1, 4, 3, 3}, {4, 2, 3})),
            "weight must be 4-dimensional (C_in, C_out/groups, kH, kW), but got weight of size [4, 2, 3]");
  EXPECT_EQ(refusal(args({1, 4, 3, 3}, {4, 2, 3, 3, 1})),
            "weight must be 4-dimensional (C_in, C_out/groups, kH, kW), but got weight of size [4, 2, 3, 3, 1]");
}

TEST(ArgumentsValidation, NegativePadding) {
  Arguments a = args({1, 4, 3, 3}, {4, 2, 3, 3});
  a.padding = {-1, 0};
  EXPECT_EQ(refusal(a), "negative padding is not supported");
  a.padding = {0, -1};
  EXPECT_EQ(refusal(a), "negative padding is not supported");
}

TEST(ArgumentsValidation, NegativeOutputPadding) {
  Arguments a = args({1, 4, 3, 3}, {4, 2, 3, 3});
  a.output_padding = {0, -1};
  EXPECT_EQ(refusal(a), "negative output_padding is not supported");
  a.output_padding = {-1, 0};
  EXPECT_EQ(refusal(a), "negative output_padding is not supported");
}

TEST(ArgumentsValidation, NegativeStride) {
  Arguments a = args({1, 4, 3, 3}, {4, 2, 3, 3});
  a.stride = {1, -1};
  EXPECT_EQ(refusal(a), "non-positive stride is not supported");
  a.stride = {-2, 1};
  EXPECT_EQ(refusal(a), "non-positive stride is not supported");
}

TEST(ArgumentsValidation, NegativeGroupsAndDilation) {
  Arguments a = args({1, 4, 3, 3}, {4, 2, 3, 3});
  a.groups = -1;
  EXPECT_EQ(refusal(a), "non-positive groups is not supported");
  a.groups = 1;
  a.dilation = {-1, 1};
  EXPECT_EQ(refusal(a), "dilation should be greater than zero, but got dilation_height: -1, dilation_width: 1");
}

TEST(ArgumentsValidation, InputChannelsMismatch) {
  EXPECT_EQ(refusal(args({1, 4, 3, 3}, {6, 2, 3, 3})),
            "Given transposed=1, weight of size [6, 2, 3, 3], expected input[1, 4, 3, 3] to have 6 channels, "
            "but got 4 channels instead");
}

TEST(ArgumentsValidation, BiasOfWrongLength) {
  EXPECT_EQ(refusal(args({1, 4, 3, 3}, {4, 2, 3, 3}, std::vector<int64_t>{3})),
            "Given transposed=1, weight of size [4, 2, 3, 3], expected bias to be 1-dimensional with 2 "
            "elements, but got bias of size [3] instead");
  // With groups the bias has C_out = groups * weight[1] elements.
  Arguments a = args({1, 4, 3, 3}, {4, 2, 3, 3}, std::vector<int64_t>{2});
  a.groups = 2;
  EXPECT_EQ(refusal(a),
            "Given transposed=1, weight of size [4, 2, 3, 3], expected bias to be 1-dimensional with 4 "
            "elements, but got bias of size [2] instead");
  a.bias = std::vector<int64_t>{4};
  EXPECT_EQ(accepted(a).c_out, 4);
}

TEST(ArgumentsValidation, BiasOfWrongRank) {
  EXPECT_EQ(refusal(args({1, 4, 3, 3}, {4, 2, 3, 3}, std::vector<int64_t>{1, 2})),
            "Given transposed=1, weight of size [4, 2, 3, 3], expected bias to be 1-dimensional with 2 "
            "elements, but got bias of size [1, 2] instead");
  EXPECT_EQ(refusal(args({1, 4, 3, 3}, {4, 2, 3, 3}, std::vector<int64_t>{2, 1})),
            "Given transposed=1, weight of size [4, 2, 3, 3], expected bias to be 1-dimensional with 2 "
            "elements, but got bias of size [2, 1] instead");
  EXPECT_EQ(refusal(args({1, 4, 3, 3}, {4, 2, 3, 3}, std::vector<int64_t>{})),
            "Given transposed=1, weight of size [4, 2, 3, 3], expected bias to be 1-dimensional with 2 "
            "elements, but got bias of size [] instead");
}

TEST(ArgumentsValidation, ZeroOutputChannelsPerGroup) {
  EXPECT_EQ(refusal(args({1, 4, 3, 3}, {4, 0, 3, 3})),
            "non-empty 2D or 4D weight tensor expected, but got: [4, 0, 3, 3]");
}

TEST(ArgumentsValidation, ZeroSpatialSize) {
  EXPECT_EQ(refusal(args({1, 4, 0, 3}, {4, 2, 3, 3})),
            "Only zero batch or zero channel inputs are supported, but got input shape: [1, 4, 0, 3]");
  EXPECT_EQ(refusal(args({1, 4, 3, 0}, {4, 2, 3, 3})),
            "Only zero batch or zero channel inputs are supported, but got input shape: [1, 4, 3, 0]");
}

TEST(ArgumentsValidation, NegativeSizes) {
  // Not reachable from PyTorch (a tensor has no negative size), but from a caller.
  EXPECT_EQ(refusal(args({1, 4, -3, 3}, {4, 2, 3, 3})), "input has a negative size: [1, 4, -3, 3]");
  EXPECT_EQ(refusal(args({4, -3, 3}, {4, 2, 3, 3})), "input has a negative size: [1, 4, -3, 3]");
  EXPECT_EQ(refusal(args({1, 4, 3, 3}, {4, -2, 3, 3})), "weight has a negative size: [4, -2, 3, 3]");
}

// The order of the checks is PyTorch's: with two faults, PyTorch's first
// message wins (each pair below checked against torch 1.13).
TEST(ArgumentsValidation, OrderOfChecks) {
  Arguments a = args({1, 4, 3, 3}, {4, 2, 3, 3});
  a.groups = 0;
  a.padding = {-1, -1};
  EXPECT_EQ(refusal(a), "non-positive groups is not supported");  // groups before padding

  a = args({1, 4, 3, 3}, {4, 2, 3, 3});
  a.padding = {-1, 0};
  a.output_padding = {-1, 0};
  a.stride = {0, 1};
  EXPECT_EQ(refusal(a), "negative padding is not supported");  // padding, output_padding, stride

  a.padding = {0, 0};
  EXPECT_EQ(refusal(a), "negative output_padding is not supported");

  a = args({1, 4, 3, 3}, {6, 2, 0, 3}, std::vector<int64_t>{5});
  EXPECT_CONTAINS(refusal(a), "expected input[1, 4, 3, 3] to have 6 channels");  // channels before bias, kernel

  a = args({1, 4, 0, 3}, {4, 2, 0, 3}, std::vector<int64_t>{5});
  EXPECT_CONTAINS(refusal(a), "expected bias to be 1-dimensional");  // bias before empty input, kernel

  a = args({1, 4, 0, 3}, {4, 2, 0, 3});
  EXPECT_CONTAINS(refusal(a), "Only zero batch or zero channel inputs");  // empty input before kernel

  a = args({1, 4, 3, 3}, {4, 0, 0, 3});
  a.dilation = {0, 1};
  EXPECT_CONTAINS(refusal(a), "kernel size should be greater than zero");  // kernel before dilation

  a = args({1, 4, 3, 3}, {4, 0, 3, 3});
  a.dilation = {0, 1};
  a.output_padding = {5, 5};
  EXPECT_CONTAINS(refusal(a), "dilation should be greater than zero");  // dilation before output padding

  a.dilation = {1, 1};
  EXPECT_CONTAINS(refusal(a), "output padding must be smaller");  // before the empty weight

  a.output_padding = {0, 0};
  a.padding = {9, 9};
  EXPECT_CONTAINS(refusal(a), "non-empty 2D or 4D weight tensor expected");  // before the output size
}

// ---------------------------------------------------------------------------
// 64-bit limits: refused as "problem too large", never wrapped around.

TEST(ProblemTooLarge, HeightNear2To62) {
  // reach = (2^62 - 1)*1 + 0 + 0 + 1 = 2^62
  const std::string m = refusal("ic1ih4611686018427387904iw1oc1kh1");
  EXPECT_EQ(m.rfind("problem too large", 0), 0u) << m;
  EXPECT_CONTAINS(m, "along the height");
  EXPECT_CONTAINS(m, "= 4611686018427387904");
  EXPECT_CONTAINS(m, "must stay below 2^62");
}

TEST(ProblemTooLarge, WidthNear2To62) {
  const std::string m = refusal("ic1ih1iw4611686018427387904oc1kh1");
  EXPECT_EQ(m.rfind("problem too large", 0), 0u) << m;
  EXPECT_CONTAINS(m, "along the width");
}

TEST(ProblemTooLarge, LargestInt64Height) {
  // (2^63 - 2)*(2^63 - 1) would overflow int64 many times over.
  const std::string m = refusal("ic1ih9223372036854775807iw1oc1kh9223372036854775807sh9223372036854775807"
                                "dh9223372036854775807");
  EXPECT_EQ(m.rfind("problem too large", 0), 0u) << m;
  EXPECT_CONTAINS(m, "along the height");
  // The exact reach, 2*(2^63-2)*(2^63-1) + 1, not a wrapped-around value.
  EXPECT_CONTAINS(m, "= 170141183460469231676347071494755450885 ");
}

TEST(ProblemTooLarge, HugePaddingIsNotAnExcuseForAHugeReach) {
  // The reach is 2^62, padding brings the output back to 2: still refused.
  const std::string m = refusal("ic1ih1iw1oc1kh4611686018427387904kw1ph2305843009213693951pw0");
  EXPECT_EQ(m.rfind("problem too large", 0), 0u) << m;
  EXPECT_CONTAINS(m, "= 4611686018427387904 and padding = 2305843009213693951 must stay below 2^62");
}

TEST(ProblemTooLarge, HugeStrideTimesHeight) {
  // (2^22 + 1 - 1) * 2^40 + 1 > 2^62
  const std::string m = refusal("ic1ih4194305iw1oc1kh1sh1099511627776");
  EXPECT_EQ(m.rfind("problem too large", 0), 0u) << m;
  EXPECT_CONTAINS(m, "along the height, (input - 1)*stride + dilation*(kernel - 1) + output_padding + 1 = "
                     "4611686018427387905 and padding = 0 must stay below 2^62");
}

TEST(ProblemTooLarge, StrideTimesHeightInRangeButOutputTooManyElements) {
  // H_out = (2^21 - 1)*2^40 + 1 ~ 2^61 elements: coordinates fit, the output does not.
  const std::string m = refusal("ic1ih2097152iw1oc1kh1sh1099511627776");
  EXPECT_CONTAINS(m, "problem too large: the output tensor [1, 1, 2305841909702066177, 1] has more elements "
                     "than 64-bit indexing can address (at most 1152921504606846975)");
}

TEST(ProblemTooLarge, InputChannelsNear2To62) {
  const std::string m = refusal("ic4611686018427387904ih1oc1kh1");
  EXPECT_EQ(m, "problem too large: the input tensor [1, 4611686018427387904, 1, 1] has more elements than "
               "64-bit indexing can address (at most 1152921504606846975)");
}

TEST(ProblemTooLarge, OutputChannelsNear2To62) {
  EXPECT_EQ(refusal("ic4ih1oc4611686018427387904kh1g4"), "problem too large: 4611686018427387904 output channels");
  // Below 2^62 output channels but too many weight elements: 4 * 2^60.
  EXPECT_EQ(refusal("ic4ih1oc4611686018427387900kh1g4"),
            "problem too large: the weight tensor [4, 1152921504606846975, 1, 1] has more elements than "
            "64-bit indexing can address (at most 1152921504606846975)");
}

TEST(ProblemTooLarge, ProductOfModestDimsOverflows) {
  // 2^31 each: the input has 2^124 elements; the product must not wrap to 0.
  const std::string m = refusal("mb2147483648ic2147483648ih2147483648iw2147483648oc1kh1");
  EXPECT_EQ(m.rfind("problem too large: the input tensor [2147483648, 2147483648, 2147483648, 2147483648]", 0),
            0u)
      << m;
  // 2^16 per dimension: 2^64 wraps to exactly 0 in uint64 arithmetic.
  const std::string w = refusal("mb65536ic65536ih65536iw65536oc1kh1");
  EXPECT_CONTAINS(w, "problem too large: the input tensor [65536, 65536, 65536, 65536]");
}

TEST(ProblemTooLarge, WeightProductOverflows) {
  const std::string m = refusal("ic1048576ih1oc1048576kh1048576kw1048576");
  EXPECT_CONTAINS(m, "problem too large");
  EXPECT_CONTAINS(m, "[1048576, 1048576, 1048576, 1048576]");
}

TEST(ProblemTooLarge, OutputProductOverflowsThoughInputsFit) {
  // Input 2^20 * 2^10 * 2^10 fits, weight fits, output 2^20 * 2^20 * ... does not.
  const std::string m = refusal("mb1048576ic1ih1024oc1048576kh1");
  EXPECT_EQ(m.rfind("problem too large: the output tensor [1048576, 1048576, 1024, 1024]", 0), 0u) << m;
}

TEST(ProblemTooLarge, LimitsAreExact) {
  // 2^60 - 1 elements are addressable, 2^60 are not (the oracle's doubles).
  const Problem p = parse_ok("ic1ih1152921504606846975iw1oc1kh1");
  EXPECT_EQ(p.input_elements(), (int64_t(1) << 60) - 1);
  EXPECT_EQ(p.output_elements(), (int64_t(1) << 60) - 1);
  EXPECT_CONTAINS(refusal("ic1ih1152921504606846976iw1oc1kh1"), "problem too large: the input tensor");
  // Reach 2^62 - 1 is fine as far as coordinates go (the output is then too large).
  EXPECT_CONTAINS(refusal("ic1ih4611686018427387903iw1oc1kh1"), "problem too large: the input tensor");
}

TEST(ProblemTooLarge, LargeButLegalProblemIsAccepted) {
  // 2^59 input and output elements, huge stride and dilation: all legal, and
  // nothing is allocated by validating it.
  const Problem p = parse_ok("ic1ih1073741824iw536870912oc1kh1");
  EXPECT_EQ(p.input_elements(), int64_t(1) << 59);
  EXPECT_EQ(p.output_elements(), int64_t(1) << 59);
  const Problem q = parse_ok("mb3ic8ih512iw1oc16kh2kw1sh1099511627776sw1dh1000000000000dw1g8nobias");
  EXPECT_EQ(q.h_out(), (512 - 1) * 1099511627776 + 1000000000000 + 1);
  EXPECT_EQ(q.w_out(), 1);
  EXPECT_EQ(q.output_elements(), 3 * 16 * q.h_out());
  EXPECT_LT(q.output_elements(), int64_t(1) << 60);
  // Also through Arguments with an unbatched input.
  Arguments a = args({1, int64_t(1) << 30, int64_t(1) << 29}, {1, 1, 1, 1});
  EXPECT_EQ(accepted(a).input_elements(), int64_t(1) << 59);
}

TEST(ProblemTooLarge, HugeValuesThroughArguments) {
  Arguments a = args({1, 1, 1, 1}, {1, kInt64Max, 1, 1});
  a.groups = 1;
  EXPECT_EQ(refusal(a), "problem too large: 9223372036854775807 output channels");
  // weight[1] * groups overflows int64: refused, and the bias message shows the exact product.
  a = args({1, 2, 1, 1}, {2, kInt64Max, 1, 1}, std::vector<int64_t>{1});
  a.groups = 2;
  EXPECT_CONTAINS(refusal(a), "expected bias to be 1-dimensional with 18446744073709551614 elements");
  a.bias.reset();
  EXPECT_EQ(refusal(a), "problem too large: 18446744073709551614 output channels");
  // A reach of 2^63 that the padding brings back to an output of 2: the
  // output size alone would pass; the coordinates do not fit.
  a = args({1, 1, 1, 1}, {1, 1, 2, 1});
  a.padding = {k2Pow62 - 1, 0};
  a.dilation = {kInt64Max, 1};
  EXPECT_EQ(refusal(a),
            "problem too large: along the height, (input - 1)*stride + dilation*(kernel - 1) + output_padding + 1 "
            "= 9223372036854775808 and padding = 4611686018427387903 must stay below 2^62");
}

}  // namespace
}  // namespace convt::testing
