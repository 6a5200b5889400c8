// Unit tests of host execution of convt's CUDA kernels (optimized/cuda).
//
//   runner         a step runs for every thread of a block before the next,
//                  shared memory is per block and starts as the NaN pattern,
//                  so do registers; a correct kernel that exchanges data
//                  through shared memory gives the right output with and
//                  without the barrier check.
//   barrier check  the test kernels of broken_kernels.h, each broken in one
//                  way (a barrier missing: read after write and write after
//                  read; two writers; an index outside shared memory;
//                  threads that end a step differently; a race across a
//                  warp's multiply, which is no barrier) make the run an
//                  error naming block, step and threads; the same kernels
//                  without the check run "successfully"; a thread's own
//                  float is never a race.
//   direct kernel  reproduces the oracle bitwise on integer data for every
//                  parameter (strides 1 to 4, kernels smaller and larger
//                  than the stride, dilations sharing a factor with the
//                  stride, padding, output padding, groups, depthwise, no
//                  bias, N = 0, non-square), writes every output and
//                  nothing past them; its grid covers outputs up to the
//                  2^31 - 1 elements conv_transpose_cuda.h accepts.
#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ostream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "optimized/cuda/conv_transpose_cuda.h"
#include "optimized/cuda/direct_kernel.h"
#include "optimized/cuda/host_runner.h"
#include "optimized/cuda/shared_access_log.h"
#include "optimized/cuda/warp_mma.h"
#include "reference/oracle.h"
#include "tests/optimized/cuda/broken_kernels.h"
#include "tests/problem_text.h"

namespace convt {
inline void PrintTo(const Error& e, std::ostream* os) { *os << "Error{" << e.message << "}"; }
}  // namespace convt

namespace convt::cuda::testing {
namespace {

using convt::testing::problem;

constexpr HostRunOptions kChecked{.check_barriers = true};
constexpr HostRunOptions kUnchecked{.check_barriers = false};

uint32_t bits_of(float f) { return std::bit_cast<uint32_t>(f); }
float float_of(uint32_t u) { return std::bit_cast<float>(u); }

std::string message_of(const std::optional<Error>& e) { return e ? e->message : std::string("no error"); }

// Expects every part to occur in the run's error message.
void expect_error_naming(const std::optional<Error>& e, const std::vector<std::string>& parts) {
  ASSERT_TRUE(e.has_value()) << "the run succeeded";
  for (const std::string& part : parts)
    EXPECT_NE(e->message.find(part), std::string::npos) << "\"" << part << "\" not in: " << e->message;
}

std::vector<float> small_integers(size_t count, int low, int high, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(low, high);
  std::vector<float> v(count);
  for (float& f : v) f = float(dist(rng));
  return v;
}

// ExchangeKernel's output by its definition.
std::vector<float> exchange_expected(const std::vector<float>& in, int blocks, int shift) {
  constexpr int n = ExchangeKernel::kThreads;
  std::vector<float> out(in.size());
  for (int b = 0; b < blocks; ++b)
    for (int t = 0; t < n; ++t) out[size_t(b * n + t)] = in[size_t(b * n + t)] + 1000.0f * in[size_t(b * n + (t + shift) % n)];
  return out;
}

// ---------------------------------------------------------------- runner

TEST(HostRunner, SharedMemoryExchangeAcrossABarrierIsCorrectWithAndWithoutTheCheck) {
  constexpr int blocks = 4, n = ExchangeKernel::kThreads;
  const std::vector<float> in = small_integers(size_t(blocks * n), -9, 9, 1);
  for (int shift : {1, n - 1, n / 2, 0}) {
    const std::vector<float> expected = exchange_expected(in, blocks, shift);
    for (const HostRunOptions& options : {kUnchecked, kChecked}) {
      std::vector<float> out(in.size(), std::nanf(""));
      const ExchangeKernel kernel{.in = in.data(), .out = out.data(), .block_count = blocks, .shift = shift};
      EXPECT_EQ(run_on_host(kernel, options), std::nullopt);
      EXPECT_EQ(out, expected) << "shift " << shift << ", check " << options.check_barriers;
    }
  }
}

TEST(HostRunner, EveryThreadSeesAllStoresOfThePreviousStep) {
  constexpr int n = SumKernel::kThreads, blocks = 3;
  for (const HostRunOptions& options : {kUnchecked, kChecked}) {
    std::vector<float> out(size_t(blocks * n), std::nanf(""));
    ASSERT_EQ(run_on_host(SumKernel{out.data(), blocks}, options), std::nullopt);
    for (int b = 0; b < blocks; ++b) {
      const float sum = float(n * (n + 1) / 2 + 100 * b * n);
      for (int t = 0; t < n; ++t) EXPECT_EQ(out[size_t(b * n + t)], sum) << "block " << b << " thread " << t;
    }
  }
}

TEST(HostRunner, RunsAStepForAllThreadsOfABlockBeforeTheNextAndBlocksInOrder) {
  std::vector<TraceKernel::Call> calls;
  ASSERT_EQ(run_on_host(TraceKernel{&calls}), std::nullopt);
  constexpr int n = TraceKernel::kThreads;
  ASSERT_EQ(calls.size(), size_t(n * (1 + 2 + 3)));  // block b has b + 1 steps
  // Each (block, step) exactly once per thread, in order of block, then step.
  size_t k = 0;
  for (int b = 0; b < 3; ++b)
    for (int s = 0; s <= b; ++s) {
      std::vector<int> seen(n, 0);
      for (int t = 0; t < n; ++t, ++k) {
        ASSERT_EQ(calls[k].block, b) << "call " << k;
        ASSERT_EQ(calls[k].step, s) << "call " << k;
        ++seen[size_t(calls[k].thread)];
      }
      EXPECT_EQ(seen, std::vector<int>(n, 1)) << "block " << b << " step " << s;
    }
}

TEST(HostRunner, SharedMemoryIsFreshPerBlockAndStartsAsTheNanPattern) {
  constexpr int n = FreshSharedKernel::kThreads;
  for (const HostRunOptions& options : {kUnchecked, kChecked}) {
    std::vector<float> out(2 * n, 0.0f);
    ASSERT_EQ(run_on_host(FreshSharedKernel{out.data()}, options), std::nullopt);
    for (int t = 0; t < n; ++t) {
      EXPECT_EQ(out[size_t(t)], float(t));  // block 0 reads its own stores
      EXPECT_TRUE(std::isnan(out[size_t(n + t)]));  // block 1 never stored
      EXPECT_EQ(bits_of(out[size_t(n + t)]), kUninitialised) << "thread " << t;
    }
  }
  EXPECT_TRUE(std::isnan(float_of(kUninitialised)));
}

TEST(HostRunner, RegistersStartAsTheNanPatternInEveryBlockAndPersistAcrossSteps) {
  constexpr int n = RegistersKernel::kThreads;
  std::vector<uint32_t> first(3 * 2 * n, 0), second(3 * 2 * n, 0);
  ASSERT_EQ(run_on_host(RegistersKernel{first.data(), second.data()}), std::nullopt);
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < n; ++t) {
      const size_t i = size_t(3 * (b * n + t));
      for (int k = 0; k < 3; ++k) EXPECT_EQ(first[i + size_t(k)], kUninitialised) << "block " << b << " thread " << t;
      EXPECT_EQ(second[i], bits_of(float(t)));
      EXPECT_EQ(second[i + 1], bits_of(-1.0f));
      EXPECT_EQ(second[i + 2], uint32_t(b));
    }
}

TEST(HostRunner, FillUninitialisedWritesThePatternIntoEveryWholeWord) {
  struct Mixed {
    float f;
    uint32_t u;
    float g[3];
  };
  Mixed m[3];
  std::memset(m, 0, sizeof m);
  fill_uninitialised(m, 3);
  for (const Mixed& x : m) {
    EXPECT_EQ(bits_of(x.f), kUninitialised);
    EXPECT_EQ(x.u, kUninitialised);
    for (float g : x.g) EXPECT_EQ(bits_of(g), kUninitialised);
  }
}

// --------------------------------------------------------- barrier check

TEST(BarrierCheck, MissingBarrierBetweenStoreAndNeighbourReadIsAnErrorNamingBlockStepAndThreads) {
  constexpr int n = ExchangeKernel::kThreads;
  const std::vector<float> in = small_integers(size_t(n), -9, 9, 2);
  std::vector<float> out(in.size(), std::nanf(""));
  // One block: the correct kernel with its barrier removed.
  const ExchangeKernel broken{.in = in.data(), .out = out.data(), .block_count = 1, .shift = 1, .racy_block = 0};
  const std::optional<Error> e = run_on_host(broken, kChecked);
  // Thread 0 reads float 1 before thread 1 stores it; thread 1 then stores
  // a float thread 0 has read: a write after read.
  expect_error_naming(e, {"barrier check", "block 0", "step 1", "thread 1 writes shared float 1", "thread 0 reads",
                          "a barrier is missing"});
}

TEST(BarrierCheck, ReadOfAFloatAnotherThreadStoredInTheSameStepIsAnError) {
  constexpr int blocks = 4, n = ExchangeKernel::kThreads;
  const std::vector<float> in = small_integers(size_t(blocks * n), -9, 9, 3);
  std::vector<float> out(in.size(), std::nanf(""));
  // Left neighbour: thread 1 reads float 0, which thread 0 stored earlier
  // in the same step (read after write). Only block 2 lacks the barrier.
  const ExchangeKernel broken{.in = in.data(), .out = out.data(), .block_count = blocks, .shift = n - 1, .racy_block = 2};
  const std::optional<Error> e = run_on_host(broken, kChecked);
  expect_error_naming(e, {"block 2, step 1", "thread 1 reads shared float 0, which thread 0 writes",
                          "a barrier is missing"});
  EXPECT_EQ(message_of(e).find("block 0"), std::string::npos) << message_of(e);
}

TEST(BarrierCheck, WithoutTheCheckTheBrokenKernelRunsSuccessfully) {
  constexpr int blocks = 4, n = ExchangeKernel::kThreads;
  const std::vector<float> in = small_integers(size_t(blocks * n), -9, 9, 3);
  const std::vector<float> expected = exchange_expected(in, blocks, n - 1);
  std::vector<float> out(in.size(), std::nanf(""));
  const ExchangeKernel broken{.in = in.data(), .out = out.data(), .block_count = blocks, .shift = n - 1, .racy_block = 2};
  EXPECT_EQ(run_on_host(broken, kUnchecked), std::nullopt);
  // The host's thread order even hides the race from the output, except
  // for thread 0 of block 2, which reads float 63 before thread 63 stores it.
  for (int i = 0; i < blocks * n; ++i) {
    if (i == 2 * n)
      EXPECT_TRUE(std::isnan(out[size_t(i)])) << i;
    else
      EXPECT_EQ(out[size_t(i)], expected[size_t(i)]) << i;
  }
}

TEST(BarrierCheck, WriteAfterReadInOneStepIsAnErrorAndASplitStepIsNot) {
  constexpr int n = RotateInPlaceKernel::kThreads;
  const std::vector<float> in = small_integers(size_t(n), -99, 99, 4);
  std::vector<float> expected(static_cast<size_t>(n));
  for (int t = 0; t < n; ++t) expected[size_t(t)] = in[size_t((t + 1) % n)];

  std::vector<float> out(size_t(n), std::nanf(""));
  EXPECT_EQ(run_on_host(RotateInPlaceKernel{in.data(), out.data(), true}, kChecked), std::nullopt);
  EXPECT_EQ(out, expected);

  const std::optional<Error> e = run_on_host(RotateInPlaceKernel{in.data(), out.data(), false}, kChecked);
  expect_error_naming(e, {"block 0, step 1", "thread 1 writes shared float 1, which thread 0 reads",
                          "a barrier is missing"});
  EXPECT_EQ(run_on_host(RotateInPlaceKernel{in.data(), out.data(), false}, kUnchecked), std::nullopt);
}

TEST(BarrierCheck, WriteOfAFloatSeveralThreadsReadIsAnError) {
  constexpr int n = BroadcastKernel::kThreads;
  const std::vector<float> in = small_integers(size_t(n), 1, 9, 5);
  std::vector<float> out(size_t(n), std::nanf(""));
  EXPECT_EQ(run_on_host(BroadcastKernel{in.data(), out.data(), -1}, kChecked), std::nullopt);
  EXPECT_EQ(out, std::vector<float>(size_t(n), in[0]));  // many readers, no writer: fine
  const std::optional<Error> e = run_on_host(BroadcastKernel{in.data(), out.data(), 5}, kChecked);
  expect_error_naming(e, {"block 0, step 1", "thread 5 writes shared float 0, which other threads read",
                          "a barrier is missing"});
}

TEST(BarrierCheck, TwoThreadsWritingOneFloatInAStepIsAnError) {
  EXPECT_EQ(run_on_host(CollisionKernel{1}, kChecked), std::nullopt);
  const std::optional<Error> e = run_on_host(CollisionKernel{2}, kChecked);
  expect_error_naming(e, {"block 0, step 0", "threads 0 and 1 both write shared float 0"});
  EXPECT_EQ(run_on_host(CollisionKernel{2}, kUnchecked), std::nullopt);
}

TEST(BarrierCheck, AThreadReadingAndRewritingItsOwnFloatInOneStepIsNoRace) {
  constexpr int n = OwnFloatKernel::kThreads;
  const std::vector<float> in = small_integers(size_t(2 * n), -50, 50, 6);
  std::vector<float> out(in.size(), std::nanf(""));
  EXPECT_EQ(run_on_host(OwnFloatKernel{in.data(), out.data()}, kChecked), std::nullopt);
  for (size_t i = 0; i < in.size(); ++i) EXPECT_EQ(out[i], 2.0f * in[i] + 1.0f) << i;
}

TEST(BarrierCheck, SharedIndexOutOfBoundsIsAnError) {
  expect_error_naming(run_on_host(OutOfBoundsKernel{3, true}, kChecked),
                      {"block 0, step 0", "thread 3 writes shared float 0, outside the block's 0"});
  expect_error_naming(run_on_host(OutOfBoundsKernel{7, false}, kChecked),
                      {"block 0, step 0", "thread 7 reads shared float 0, outside the block's 0"});
}

TEST(BarrierCheck, LogFindsIndicesBelowZeroAndAtTheEnd) {
  {
    SharedAccessLog log(8);
    log.start_block(0);
    log.read(7, 2);
    log.write(0, 2);
    EXPECT_EQ(log.finding(), std::nullopt);
    log.read(8, 2);
    ASSERT_TRUE(log.finding());
    EXPECT_NE(log.finding()->find("thread 2 reads shared float 8, outside the block's 8"), std::string::npos)
        << *log.finding();
  }
  {
    SharedAccessLog log(8);
    log.start_block(3);
    log.start_step(4);
    log.write(-1, 5);
    ASSERT_TRUE(log.finding());
    EXPECT_NE(log.finding()->find("block 3, step 4: thread 5 writes shared float -1"), std::string::npos)
        << *log.finding();
  }
}

TEST(BarrierCheck, LogKeepsTheFirstFindingAndForgetsAccessesBeforeABarrierOrBlock) {
  SharedAccessLog log(4);
  log.start_block(0);
  log.write(0, 1);
  log.barrier();
  log.read(0, 2);  // stored before the barrier: visible, no race
  log.write(1, 3);
  log.start_block(1);
  log.read(1, 0);  // stored in the block before: no race
  EXPECT_EQ(log.finding(), std::nullopt);
  log.start_step(2);
  log.write(2, 0);
  log.read(2, 1);
  log.write(3, 0);
  log.write(3, 1);
  ASSERT_TRUE(log.finding());
  EXPECT_EQ(*log.finding(),
            "block 1, step 2: thread 1 reads shared float 2, which thread 0 writes since the last barrier (a "
            "barrier is missing)");
}

TEST(BarrierCheck, ThreadsEndingAStepDifferentlyIsAnErrorWithAndWithoutTheCheck) {
  for (const HostRunOptions& options : {kUnchecked, kChecked}) {
    EXPECT_EQ(run_on_host(DivergentKernel{2, -1}, options), std::nullopt);
    expect_error_naming(run_on_host(DivergentKernel{3, 1}, options),
                        {"block 1, step 1", "thread 32 ends the step differently from thread 0",
                         "a divergent barrier"});
  }
}

TEST(BarrierCheck, AMultiplyWithoutFragmentsIsAnError) {
  expect_error_naming(run_on_host(MmaWithoutFragmentsKernel{}),
                      {"step 0 ends in a tensor-core multiply", "hold no fragments"});
}

TEST(BarrierCheck, AWarpMultiplyIsNoBarrier) {
  constexpr int n = MmaRaceKernel::kThreads;
  const std::vector<float> in = small_integers(size_t(n), -9, 9, 7);
  std::vector<float> out(size_t(n), std::nanf(""));
  EXPECT_EQ(run_on_host(MmaRaceKernel{in.data(), out.data(), StepEnd::barrier}, kChecked), std::nullopt);
  for (int t = 0; t < n; ++t) EXPECT_EQ(out[size_t(t)], in[size_t((t + 1) % n)]);
  const std::optional<Error> e = run_on_host(MmaRaceKernel{in.data(), out.data(), StepEnd::warp_mma}, kChecked);
  expect_error_naming(e, {"block 0, step 1", "thread 0 reads shared float 1, which thread 1 writes",
                          "a barrier is missing"});
}

// --------------------------------------------------------- direct kernel

// Small problems that together reach every parameter of the direct kernel.
const char* const kDirectProblems[] = {
    // plain, and strides 1 to 4 with kernels larger, equal and smaller
    "mb2ic3ih5iw7oc4kh3",
    "mb2ic3ih5iw7oc4kh3sh2",
    "mb1ic3ih6iw5oc5kh3sh3sw2ph1pw2oph2opw1",
    "mb1ic2ih4iw5oc3kh4kw3sh4sw3",
    "mb1ic2ih4iw5oc3kh2kw3sh4sw4ph1",
    "mb1ic2ih3iw3oc2kh1sh4sw3",  // kernel below the stride: phases without taps, bias only
    "mb1ic3ih2iw2oc2kh5sh1ph2",  // taps that never reach an output
    // dilation, alone and sharing a factor with the stride (phases without taps)
    "mb1ic4ih5iw6oc3kh3kw2dh2dw3",
    "mb1ic3ih5iw4oc2kh3kw4sh2sw2dh2dw2",
    "mb1ic2ih4iw3oc3kh3kw2sh4sw2ph1pw2dh2dw4",
    "mb1ic2ih5iw4oc2kh5kw3sh3sw3ph2pw1dh3dw3oph2opw1",
    "mb1ic4ih4iw9oc6kh2kw5sh2sw3ph1pw2dh2dw2oph1opw2nobias",
    "mb1ic2ih4iw4oc3kh3sh2ph4pw4dh3dw3oph2opw2",
    // groups, depthwise, depthwise with a channel multiplier
    "mb2ic6ih5iw6oc9kh3sh2g3",
    "mb2ic8ih6iw10oc8kh4sh2ph1g8",
    "mb1ic4ih5iw5oc12kh3sh2g4nobias",
    // non-square everything, 1x1 inputs, several blocks with a partial last one
    "mb1ic3ih7iw2oc4kh9kw2sh3sw1ph4pw0oph2opw0",
    "mb3ic4ih1iw1oc5kh3sh3",
    "mb2ic5ih9iw11oc7kh4sh2ph1",
    "mb1ic3ih4iw3oc2kh2kw3sh2sw4ph1nobias",
    // N = 0
    "mb0ic3ih4oc5kh3sh2",
};

struct DirectRun {
  std::vector<float> x, w, bias, y;
  std::vector<double> expected;
};

constexpr size_t kGuard = 300;  // past the output: more than a block of threads
constexpr float kSentinel = -12345.0f;

DirectRun run_direct(const Problem& p, uint32_t seed, const HostRunOptions& options) {
  DirectRun r;
  r.x = small_integers(size_t(p.input_elements()), -4, 4, seed);
  r.w = small_integers(size_t(p.weight_elements()), -4, 4, seed + 1);
  if (p.bias) r.bias = small_integers(size_t(p.c_out), -30, 30, seed + 2);
  const size_t outputs = size_t(p.output_elements());
  r.y.assign(outputs + kGuard, kSentinel);
  std::fill(r.y.begin(), r.y.begin() + std::ptrdiff_t(outputs), std::nanf(""));
  const float* bias = p.bias ? r.bias.data() : nullptr;
  const std::optional<Error> e =
      run_on_host(p, KernelChoice{Algorithm::direct}, r.x.data(), r.w.data(), bias, r.y.data(), options);
  EXPECT_EQ(e, std::nullopt) << message_of(e);
  r.expected = conv_transpose2d_oracle(p, r.x.data(), r.w.data(), bias);
  return r;
}

TEST(DirectKernel, ReproducesTheOracleBitwiseOnIntegerDataForEveryParameter) {
  for (const char* text : kDirectProblems) {
    const Problem p = problem(text);
    for (const HostRunOptions& options : {kUnchecked, kChecked}) {
      const DirectRun r = run_direct(p, 17, options);
      int64_t wrong = 0;
      for (size_t i = 0; i < r.expected.size(); ++i) wrong += bits_of(r.y[i]) != bits_of(float(r.expected[i]));
      EXPECT_EQ(wrong, 0) << text << " (of " << r.expected.size() << ")";
      for (size_t i = r.expected.size(); i < r.y.size(); ++i)
        ASSERT_EQ(r.y[i], kSentinel) << text << ": writes past the output, at " << i;
    }
  }
}

TEST(DirectKernel, PhasesWithoutTapsGetTheBiasOnly) {
  // Stride 2, dilation 2: every tap lands on even rows and columns, so the
  // odd ones are bias only; and the even ones are not.
  const Problem p = problem("mb2ic3ih5iw4oc2kh3kw4sh2sw2dh2dw2");
  const DirectRun r = run_direct(p, 23, kChecked);
  const int64_t h = p.h_out(), w = p.w_out();
  int64_t bias_only = 0, more = 0;
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t c = 0; c < p.c_out; ++c)
      for (int64_t oh = 0; oh < h; ++oh)
        for (int64_t ow = 0; ow < w; ++ow) {
          const float y = r.y[size_t(((n * p.c_out + c) * h + oh) * w + ow)];
          if (oh % 2 == 1 || ow % 2 == 1) {
            EXPECT_EQ(y, r.bias[size_t(c)]) << oh << ", " << ow;
            ++bias_only;
          } else {
            more += y != r.bias[size_t(c)];
          }
        }
  EXPECT_GT(bias_only, 0);
  EXPECT_GT(more, 0);
}

TEST(DirectKernel, DescribesItsGrid) {
  const Problem p = problem("mb2ic5ih9iw11oc7kh4sh2ph1");  // 2 x 7 x 18 x 22 = 5544 outputs
  EXPECT_EQ(describe(p, KernelChoice{Algorithm::direct}), "direct gather, 256 threads, 22 blocks");
}

TEST(DirectKernel, GridCoversOutputsUpToTheLargestTheKernelsAccept) {
  constexpr int64_t largest = std::numeric_limits<int>::max();
  Geometry g;
  g.n = 1;
  g.c_out = 1;
  g.h_out = 1;
  for (int64_t outputs : {int64_t(1), int64_t(256), int64_t(257), largest - 256, largest - 255, largest}) {
    g.w_out = int(outputs);
    const int blocks = DirectKernel{g}.blocks();
    EXPECT_EQ(blocks, (outputs + 255) / 256) << outputs << " outputs";
    // The last block's last thread still indexes within int.
    EXPECT_LE(int64_t(blocks) * DirectKernel::kThreads - 1, largest);
  }
  // Such a problem passes conv_transpose_cuda.h's limit.
  const Problem p = problem("mb1ic1ih1iw2147483647oc1kh1");
  EXPECT_EQ(p.output_elements(), largest);
  EXPECT_EQ(unsupported(p), std::nullopt);
  EXPECT_EQ(describe(p, KernelChoice{Algorithm::direct}), "direct gather, 256 threads, 8388608 blocks");
}

}  // namespace
}  // namespace convt::cuda::testing
