// Reading benchdnn's deconvolution batch files (harness/benchdnn.h): the
// output size as output_padding, dilation counted from 0, the defaults,
// names, settings that apply to what follows, --batch includes, and every
// problem PyTorch cannot express skipped with its reason.
#include <gtest/gtest.h>

#include <string>

#include "harness/benchdnn.h"
#include "reference/descriptor.h"
#include "tests/expect_contains.h"

#ifndef FIXTURES
#error "FIXTURES must name tests/harness/fixtures"
#endif

namespace convt {
namespace {

BenchdnnBatch parsed(const std::string& text) {
  Result<BenchdnnBatch> b = parse_benchdnn(text, "t.txt");
  EXPECT_TRUE(b.ok()) << text << ": " << (b.ok() ? "" : b.error().message);
  return b.ok() ? *b : BenchdnnBatch{};
}

// The one problem of `text`, in convt's canonical descriptor.
std::string one(const std::string& text) {
  const BenchdnnBatch b = parsed(text);
  EXPECT_EQ(b.problems.size(), 1u) << text;
  for (const BenchdnnSkip& s : b.skipped) ADD_FAILURE() << text << " skipped: " << s.reason;
  return b.problems.empty() ? "" : format_descriptor(b.problems[0].problem);
}

// The reason the one problem of `text` is skipped.
std::string skipped(const std::string& text) {
  const BenchdnnBatch b = parsed(text);
  EXPECT_TRUE(b.problems.empty()) << text << " gave " << format_descriptor(b.problems[0].problem);
  EXPECT_EQ(b.skipped.size(), 1u) << text;
  return b.skipped.empty() ? "" : b.skipped[0].reason;
}

std::string error(const std::string& text) {
  Result<BenchdnnBatch> b = parse_benchdnn(text, "t.txt");
  EXPECT_FALSE(b.ok()) << text;
  return b.ok() ? "" : b.error().message;
}

TEST(Benchdnn, OutputSizeBecomesOutputPadding) {
  // PyTorch's size with padding 1 is (7-1)*2 - 2 + 2 + 1 = 13; benchdnn asks 14.
  const BenchdnnBatch b = parsed("mb2ic16ih7oc32oh14kh3sh2ph1n\"deconv1\"");
  ASSERT_EQ(b.problems.size(), 1u);
  const Problem& p = b.problems[0].problem;
  EXPECT_EQ(format_descriptor(p), "mb2ic16ih7iw7oc32kh3kw3sh2sw2ph1pw1oph1opw1dh1dw1g1");
  EXPECT_EQ(p.h_out(), 14);
  EXPECT_EQ(b.problems[0].name, "deconv1");
  EXPECT_EQ(b.problems[0].source, "benchdnn t.txt:1");
  // Without oh, benchdnn pads both sides alike: no output_padding.
  EXPECT_EQ(one("ic16ih7oc32kh3sh2ph1"), "mb2ic16ih7iw7oc32kh3kw3sh2sw2ph1pw1oph0opw0dh1dw1g1");
  // An output_padding below the dilation, though not below the stride.
  EXPECT_EQ(one("ic4ih5oc4oh15kh3sh2ph1dh2"), "mb2ic4ih5iw5oc4kh3kw3sh2sw2ph1pw1oph2opw2dh3dw3g1");
}

TEST(Benchdnn, DilationCountsFromZero) {
  EXPECT_EQ(one("ic4ih5oc4kh3dh0"), "mb2ic4ih5iw5oc4kh3kw3sh1sw1ph0pw0oph0opw0dh1dw1g1");
  EXPECT_EQ(one("ic4ih5oc4kh3dh1dw0"), "mb2ic4ih5iw5oc4kh3kw3sh1sw1ph0pw0oph0opw0dh2dw1g1");
}

TEST(Benchdnn, WidthDefaultsToHeightAndOneDimensionalProblems) {
  EXPECT_EQ(one("g2mb1ic8ih5iw7oc4oh10ow13kh3kw2sh2ph1"), "mb1ic8ih5iw7oc4kh3kw2sh2sw2ph1pw1oph1opw1dh1dw1g2");
  // Only w-tokens: a 1-D problem, with h = 1.
  EXPECT_EQ(one("ic4iw7oc4kw3sw2"), "mb2ic4ih1iw7oc4kh1kw3sh1sw2ph0pw0oph0opw0dh1dw1g1");
  EXPECT_CONTAINS(error("ic4oc4"), "needs ih and kh (or iw and kw for a 1-D problem)");
  EXPECT_CONTAINS(error("ic4oc4ih5sh2"), "needs ih and kh");
}

TEST(Benchdnn, WhatPyTorchCannotExpressIsSkippedWithTheReason) {
  // PyTorch's size is 9: benchdnn's right padding 2 exceeds its left, 1.
  EXPECT_EQ(skipped("ic4ih5oc4oh8kh3sh2ph1"),
            "PyTorch cannot express oh8: it is smaller than PyTorch's output size 9, i.e. benchdnn's right padding 2 "
            "is larger than its left (conv_transpose2d pads both sides by ph1 and adds output_padding on the right "
            "only)");
  EXPECT_CONTAINS(skipped("ic4ih5oc4oh11kh3sh2ph1"),
                  "PyTorch cannot express oh11: it needs output_padding 2, and PyTorch's must be smaller than either "
                  "stride (2) or dilation (1)");
  EXPECT_CONTAINS(skipped("ic4ih5iw6oc4ow8kh3sh2ph1"), "PyTorch cannot express ow8");
  EXPECT_CONTAINS(skipped("ic4id3ih5oc4kd2kh3"), "a 3-D problem");
  EXPECT_EQ(skipped("g2ic3ih5oc4kh3"),
            "PyTorch refuses it: Given groups=2, expected weight to be divisible by 2 at dimension 0, but got "
            "weight of size [3, 2, 3, 3] instead");
}

TEST(Benchdnn, SettingsApplyToWhatFollowsUntilReset) {
  const BenchdnnBatch b = parsed(
      "ic4ih5oc4kh3\n"
      "--mb=3 --dir=FWD_D\n"
      "ic4ih5oc4kh3\n"
      "--mb=0 mb5ic4ih5oc4kh3\n"
      "--reset ic4ih5oc4kh3\n");
  ASSERT_EQ(b.problems.size(), 4u);
  EXPECT_EQ(b.problems[0].problem.n, 2);  // benchdnn's default minibatch
  EXPECT_TRUE(b.problems[0].problem.bias);  // FWD_B, benchdnn's default
  EXPECT_EQ(b.problems[1].problem.n, 3);
  EXPECT_FALSE(b.problems[1].problem.bias);
  EXPECT_EQ(b.problems[1].source, "benchdnn t.txt:3 --mb=3 --dir=FWD_D");
  EXPECT_EQ(b.problems[2].problem.n, 5);  // --mb=0: the problem's own
  EXPECT_EQ(b.problems[3].problem.n, 2);
  EXPECT_TRUE(b.problems[3].problem.bias);
  EXPECT_TRUE(b.skipped.empty());
  EXPECT_TRUE(b.notes.empty());
}

TEST(Benchdnn, ListsExpandToEveryCombination) {
  const BenchdnnBatch b = parsed("--dir=FWD_B,FWD_I,BWD_D --mb=1,2 ic4ih5oc4kh3");
  ASSERT_EQ(b.problems.size(), 4u);
  EXPECT_EQ(b.problems[0].problem.n, 1);
  EXPECT_TRUE(b.problems[0].problem.bias);
  EXPECT_EQ(b.problems[1].problem.n, 2);
  EXPECT_FALSE(b.problems[2].problem.bias);  // FWD_I: inference, no bias
  ASSERT_EQ(b.skipped.size(), 2u);
  EXPECT_EQ(b.skipped[0].problem, "--dir=BWD_D --mb=1 ic4ih5oc4kh3");
  EXPECT_CONTAINS(b.skipped[0].reason, "--dir=BWD_D: convt checks conv_transpose2d's forward pass");
}

TEST(Benchdnn, DataTypesAndAttributes) {
  EXPECT_EQ(parsed("--cfg=f32 ic4ih5oc4kh3 --dt=f32:f32:f32 ic4ih5oc4kh3").problems.size(), 2u);
  EXPECT_CONTAINS(skipped("--cfg=u8s8s32 ic4ih5oc4kh3"), "--cfg=u8s8s32: convt checks float32 (f32) only");
  EXPECT_CONTAINS(skipped("--dt=bf16 ic4ih5oc4kh3"), "--dt=bf16: convt checks float32");
  // An empty attribute is none; a post-op changes the result.
  const BenchdnnBatch b = parsed("--attr-post-ops=,relu ic4ih5oc4kh3");
  EXPECT_EQ(b.problems.size(), 1u);
  ASSERT_EQ(b.skipped.size(), 1u);
  EXPECT_CONTAINS(b.skipped[0].reason, "--attr-post-ops=relu changes the result");
  EXPECT_EQ(parsed("--attr-fpmath=strict ic4ih5oc4kh3").problems.size(), 1u);
  EXPECT_CONTAINS(skipped("--attr-fpmath=bf16 ic4ih5oc4kh3"), "less precision than float32");
  // Settings that only choose how benchdnn runs change nothing; unknown
  // ones are ignored, with a note.
  const BenchdnnBatch c = parsed("--alg=direct --stag=any --engine=cpu\n--frobnicate=1 ic4ih5oc4kh3");
  EXPECT_EQ(c.problems.size(), 1u);
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_CONTAINS(c.notes[0], "t.txt:2: --frobnicate=1 ignored");
}

TEST(Benchdnn, NamesAndComments) {
  const BenchdnnBatch b = parsed(
      "# a comment ic4ih5oc4kh3\n"
      "ic4ih5oc4kh3n\"resnet:up 1\"  # the name holds a space\n"
      "ic4_ih5_oc4_kh3_nplain\n");
  ASSERT_EQ(b.problems.size(), 2u);
  EXPECT_EQ(b.problems[0].name, "resnet:up 1");
  EXPECT_EQ(b.problems[0].source, "benchdnn t.txt:2");
  EXPECT_EQ(b.problems[1].name, "plain");
}

TEST(Benchdnn, MalformedInputNamesTheFileAndLine) {
  EXPECT_EQ(error("\nic4ih5oc4kh3xx2"),
            "t.txt:2: bad benchdnn problem 'ic4ih5oc4kh3xx2' at position 13: unknown token 'xx' (tokens: g mb ic id "
            "ih iw oc od oh ow kd kh kw sd sh sw pd ph pw dd dh dw n\"name\")");
  EXPECT_CONTAINS(error("ic4ih5kh3"), "t.txt:1: bad benchdnn problem 'ic4ih5kh3': it needs ic and oc");
  EXPECT_CONTAINS(error("ic4ic4ih5oc4kh3"), "repeated token 'ic'");
  EXPECT_CONTAINS(error("ic4ih5oc4kh"), "token 'kh' needs a non-negative integer after it");
  EXPECT_CONTAINS(error("--dir=SIDEWAYS ic4ih5oc4kh3"), "unknown direction 'SIDEWAYS'");
  EXPECT_CONTAINS(error("--mb=two"), "--mb=two: expected minibatch sizes");
  EXPECT_CONTAINS(error("--conv ic4ih5oc4kh3"), "--conv switches to benchdnn's conv driver");
  EXPECT_CONTAINS(error("--batch=no_such_file.txt"), "t.txt:1: --batch=no_such_file.txt: ");
}

TEST(Benchdnn, BatchFilesIncludeRelativeToTheirFolderAndShareTheSettings) {
  Result<BenchdnnBatch> b = load_benchdnn(std::string(FIXTURES) + "/benchdnn_main.txt");
  ASSERT_TRUE(b.ok()) << b.error().message;
  // Two shapes of four are expressible; they run with bias at batch 2, then
  // without at batch 4 (BWD_D skipped).
  ASSERT_EQ(b->problems.size(), 4u);
  EXPECT_EQ(b->skipped.size(), 8u);
  EXPECT_TRUE(b->notes.empty());
  EXPECT_EQ(b->problems[0].name, "upsample:deconv1");
  EXPECT_EQ(b->problems[0].problem.n, 2);
  EXPECT_TRUE(b->problems[0].problem.bias);
  EXPECT_CONTAINS(b->problems[0].source, "benchdnn_shapes.txt:3 --dir=FWD_B --mb=2");
  EXPECT_EQ(b->problems[1].problem.dilation.h, 2);
  EXPECT_EQ(b->problems[2].problem.n, 4);
  EXPECT_FALSE(b->problems[2].problem.bias);
  EXPECT_CONTAINS(b->skipped[0].where, "benchdnn_shapes.txt:5");
  EXPECT_CONTAINS(b->skipped[0].reason, "PyTorch cannot express oh8");
  EXPECT_CONTAINS(b->skipped[1].reason, "a 3-D problem");
}

TEST(Benchdnn, BatchFilesThatIncludeThemselvesAreRefused) {
  const std::string path = ::testing::TempDir() + "/convt_benchdnn_self.txt";
  {
    FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("--batch=convt_benchdnn_self.txt\n", f);
    std::fclose(f);
  }
  Result<BenchdnnBatch> b = load_benchdnn(path);
  ASSERT_FALSE(b.ok());
  EXPECT_CONTAINS(b.error().message, "batch files nest deeper than 16");
}

}  // namespace
}  // namespace convt
