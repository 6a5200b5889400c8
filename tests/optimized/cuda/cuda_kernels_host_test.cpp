// convt's CUDA kernels executed on the host (optimized/cuda), against the
// oracle.
//
//   exact data   small integers make every sum exact: the direct kernel and
//                the phase GEMM (FP32, and TF32, whose 11-bit significand
//                holds them) reproduce the oracle bitwise, on problems that
//                reach every parameter: strides 1..5 with kernels smaller
//                and larger than the stride, dilation sharing a factor with
//                the stride, padding, output padding, groups and depthwise,
//                no bias, N = 0, non-square, channel counts off the tiles.
//   normal data  random normal values: FP32 within float accumulation of
//                the oracle, TF32 within its input rounding.
//   barriers     the barrier checker finds no race in either variant.
//   every tile   each tile instantiation, chosen or not, on every problem.
//   tiles        the chosen tiles and grid leave partial tiles in M, N and
//                K, fit a problem in one block, and give more blocks than
//                SMs; each such problem runs correctly.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "optimized/cuda/conv_transpose_cuda.h"
#include "optimized/cuda/phase_gemm.h"
#include "reference/oracle.h"
#include "tests/problem_text.h"

namespace convt::testing {
namespace {

using cuda::Algorithm;
using cuda::HostRunOptions;
using cuda::KernelChoice;

struct Tensors {
  std::vector<float> x, w, bias;
};

// Deterministic data: small integers in [-range, range], or normal values.
Tensors make_data(const Problem& p, bool integers, uint64_t seed) {
  uint64_t state = seed * 0x9e3779b97f4a7c15ull + 1;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return double(state >> 11) * 0x1.0p-53;  // [0, 1)
  };
  auto value = [&](int range) -> float {
    if (integers) return float(int(next() * (2 * range + 1)) - range);
    const double u = next() + 0x1.0p-60, v = next();
    return float(std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v));
  };
  Tensors t;
  t.x.resize(size_t(p.input_elements()));
  t.w.resize(size_t(p.weight_elements()));
  t.bias.resize(size_t(p.bias_elements()));
  for (float& v : t.x) v = value(3);
  for (float& v : t.w) v = value(3);
  for (float& v : t.bias) v = value(8);
  return t;
}

// y, run in an array with guard zones on both sides that must stay
// untouched: a store outside y (a partial tile unguarded) fails the test.
std::vector<float> run(const Problem& p, KernelChoice choice, const Tensors& t, const HostRunOptions& options = {}) {
  constexpr size_t guard = 4096;
  const size_t count = size_t(p.output_elements());
  std::vector<float> memory(guard + count + guard, std::nanf(""));
  const std::optional<Error> e = cuda::run_on_host(p, choice, t.x.data(), t.w.data(),
                                                   p.bias ? t.bias.data() : nullptr, memory.data() + guard, options);
  EXPECT_FALSE(e) << format_descriptor(p) << ": " << (e ? e->message : "");
  int64_t outside = 0;
  for (size_t i = 0; i < memory.size(); ++i)
    if (i < guard || i >= guard + count) outside += !std::isnan(memory[i]);
  EXPECT_EQ(outside, 0) << format_descriptor(p) << " on " << (choice.tf32 ? "TF32" : "FP32")
                        << ": stores outside y";
  return std::vector<float>(memory.begin() + guard, memory.begin() + guard + int64_t(count));
}

std::string name(KernelChoice c) {
  return c.algorithm == Algorithm::direct ? "direct" : c.tf32 ? "phase GEMM TF32" : "phase GEMM FP32";
}

const KernelChoice kChoices[] = {{Algorithm::direct, false}, {Algorithm::phase_gemm, false}, {Algorithm::phase_gemm, true}};

// Outputs that differ from float(oracle) in any bit.
int64_t wrong_bits(const std::vector<float>& y, const std::vector<double>& expected) {
  int64_t wrong = 0;
  for (size_t i = 0; i < y.size(); ++i)
    wrong += std::bit_cast<uint32_t>(y[i]) != std::bit_cast<uint32_t>(float(expected[i]));
  return wrong;
}

void expect_exact(const char* text, const HostRunOptions& options = {}) {
  const Problem p = problem(text);
  const Tensors t = make_data(p, true, 11);
  const std::vector<double> expected =
      conv_transpose2d_oracle(p, t.x.data(), t.w.data(), p.bias ? t.bias.data() : nullptr);
  for (KernelChoice c : kChoices)
    EXPECT_EQ(wrong_bits(run(p, c, t, options), expected), 0) << text << " on " << name(c) << ": "
                                                               << cuda::describe(p, c);
}

// Small enough for host execution; together they reach every parameter.
const char* const kProblems[] = {
    "mb2ic3ih5iw7oc4kh3",                                   // plain
    "mb2ic3ih5iw7oc4kh3sh2",                                // stride 2
    "mb1ic3ih6iw5oc5kh3sh3sw2ph1pw2oph2opw1",               // padding, output padding, non-square stride
    "mb1ic4ih5iw6oc3kh3kw2dh2dw3",                          // dilation, non-square kernel
    "mb1ic4ih4iw9oc6kh2kw5sh2sw3ph1pw2dh2dw2oph1opw2nobias",  // gcd(stride, dilation) = 2
    "mb1ic6ih5iw5oc8kh5sh4dh2",                             // stride 4, dilation 2, kernel > stride
    "mb1ic2ih3iw3oc2kh1sh4sw3",                             // kernel < stride: phases without taps
    "mb1ic3ih4iw3oc2kh2kw3sh5sw4ph1",                       // stride 5 > kernel
    "mb1ic4ih5iw4oc5kh4sh4",                                // kernel = stride
    "mb1ic3ih2iw2oc2kh5sh1ph2",                             // taps that reach no output
    "mb1ic2ih4iw4oc3kh3sh2ph4pw4dh3dw3oph2opw2",            // large padding
    "mb3ic5ih7iw3oc7kh3kw1sh3sw1dh2",                       // stride 3 with dilation 2
    "mb2ic6ih5iw6oc9kh3sh2g3",                              // groups
    "mb2ic8ih6iw10oc8kh4sh2ph1g8",                          // depthwise
    "mb1ic4ih5iw5oc12kh3sh2g4nobias",                       // channel multiplier 3
    "mb2ic20ih6iw5oc70kh4sh2ph1",                           // C_out off the tiles, K over several slices
    "mb1ic9ih3iw4oc33kh3sh2ph1oph1nobias",
    "mb2ic2ih1iw1oc3kh2sh4oph1",                            // phases without output rows
    "mb1ic1ih1iw1oc1kh1",                                   // one output
    "mb0ic3ih4oc5kh3sh2",                                   // N = 0
};

TEST(CudaKernelsHost, ReproduceTheOracleOnExactData) {
  for (const char* text : kProblems) expect_exact(text);
}

TEST(CudaKernelsHost, BarrierCheckFindsNothing) {
  for (const char* text : kProblems) expect_exact(text, HostRunOptions{.check_barriers = true});
}

// Every instantiation, whichever choose_tiles would pick, on every problem,
// with the barrier check.
template <class K>
void expect_kernel_exact(const char* kernel_name) {
  for (const char* text : kProblems) {
    const Problem p = problem(text);
    const Tensors t = make_data(p, true, 13);
    const std::vector<double> expected =
        conv_transpose2d_oracle(p, t.x.data(), t.w.data(), p.bias ? t.bias.data() : nullptr);
    std::vector<float> y(size_t(p.output_elements()), std::nanf(""));
    const std::optional<Error> e = cuda::run_on_host(
        K{cuda::geometry_of(p), t.x.data(), t.w.data(), p.bias ? t.bias.data() : nullptr, y.data()},
        HostRunOptions{.check_barriers = true});
    EXPECT_FALSE(e) << text << " on " << kernel_name << ": " << (e ? e->message : "");
    EXPECT_EQ(wrong_bits(y, expected), 0) << text << " on " << kernel_name;
  }
}

TEST(CudaKernelsHost, EveryTileReproducesTheOracle) {
  expect_kernel_exact<cuda::PhaseGemmFp32Large>("FP32 large");
  expect_kernel_exact<cuda::PhaseGemmFp32Medium>("FP32 medium");
  expect_kernel_exact<cuda::PhaseGemmFp32Small>("FP32 small");
  expect_kernel_exact<cuda::PhaseGemmTf32Large>("TF32 large");
  expect_kernel_exact<cuda::PhaseGemmTf32Small>("TF32 small");
}

// Normal data: FP32 sums K products in float, TF32 first rounds x and w to
// 11 significant bits (a relative error of at most 2^-11 each).
TEST(CudaKernelsHost, StayWithinTheirBoundsOnNormalData) {
  for (const char* text : {"mb2ic20ih6iw5oc70kh4sh2ph1", "mb1ic4ih4iw9oc6kh2kw5sh2sw3ph1pw2dh2dw2oph1opw2nobias",
                           "mb2ic6ih5iw6oc9kh3sh2g3", "mb1ic40ih3iw3oc20kh3", "mb4ic5ih23iw23oc130kh4sh2ph1"}) {
    const Problem p = problem(text);
    const Tensors t = make_data(p, false, 5);
    const std::vector<double> expected =
        conv_transpose2d_oracle(p, t.x.data(), t.w.data(), p.bias ? t.bias.data() : nullptr);
    Tensors magnitudes = t;
    for (float& v : magnitudes.x) v = std::fabs(v);
    for (float& v : magnitudes.w) v = std::fabs(v);
    Problem unbiased = p;
    unbiased.bias = false;
    const std::vector<double> sums =
        conv_transpose2d_oracle(unbiased, magnitudes.x.data(), magnitudes.w.data(), nullptr);
    const double k = double(p.c_in_per_group() * p.kernel.h * p.kernel.w);
    for (KernelChoice c : kChoices) {
      const double rounding = c.tf32 ? 0x1.0p-10 + 0x1.0p-22 : 0.0;
      const std::vector<float> y = run(p, c, t);
      int64_t outside = 0;
      double worst = 0;
      for (size_t i = 0; i < y.size(); ++i) {
        const double bound = (rounding + (k + 1) * 0x1.0p-24) * sums[i] + 0x1.0p-24 * std::fabs(expected[i]);
        const double error = std::fabs(double(y[i]) - expected[i]);
        outside += !(error <= bound);
        if (sums[i] > 0) worst = std::max(worst, error / sums[i]);
      }
      EXPECT_EQ(outside, 0) << text << " on " << name(c) << ", worst |error| / sum|x w| " << worst;
    }
  }
}

// Per phase: its GEMM's M and K (as phase_gemm_kernel.h enumerates them).
struct PhaseSizes {
  std::vector<int> m, k;
};

PhaseSizes phase_sizes(const cuda::Geometry& g) {
  PhaseSizes s;
  for (int phase = 0; phase < g.stride_h * g.stride_w; ++phase) {
    // with 1 x 1 tiles, the block that starts phase `phase` (group 0)
    const int block = phase * g.c_out_per_group * cuda::phase_m_tiles(g, 1);
    const cuda::PhaseTile t = cuda::phase_tile(g, block, 1, 1);
    s.m.push_back(t.m);
    s.k.push_back(t.k);
  }
  return s;
}

TEST(CudaKernelsHost, TilesCoverPartialSingleAndManyBlockGrids) {
  struct Case {
    const char* problem;
    bool tf32;
    int block_m, block_n;  // the tile choose_tiles is expected to pick
  };
  const Case cases[] = {
      {"mb1ic3ih4iw4oc5kh3", false, 64, 32},            // a single block
      {"mb1ic3ih4iw4oc5kh3", true, 64, 32},
      {"mb4ic5ih23iw23oc130kh4sh2ph1", false, 128, 128},  // more blocks than SMs, partial everywhere
      {"mb4ic5ih23iw23oc130kh4sh2ph1", true, 128, 128},
      {"mb8ic5ih23iw23oc40kh4sh2ph1", false, 128, 64},
      {"mb2ic4ih9iw9oc20kh3sh2ph1g2", true, 64, 32},
  };
  bool single = false, many = false, partial_m = false, partial_n = false, partial_k = false;
  for (const Case& c : cases) {
    const Problem p = problem(c.problem);
    const cuda::Geometry g = cuda::geometry_of(p);
    const cuda::PhaseGemmTiles tiles = cuda::choose_tiles(g, c.tf32);
    EXPECT_EQ(tiles.tf32, c.tf32);
    EXPECT_EQ(tiles.block_m, c.block_m) << c.problem;
    EXPECT_EQ(tiles.block_n, c.block_n) << c.problem;
    EXPECT_EQ(tiles.threads, tiles.block_m * tiles.block_n / (tiles.thread_m * tiles.thread_n)) << c.problem;
    EXPECT_EQ(tiles.phases, g.stride_h * g.stride_w);
    EXPECT_EQ(tiles.blocks, g.groups * tiles.phases * cuda::ceil_div(g.c_out_per_group, tiles.block_n) *
                                cuda::phase_m_tiles(g, tiles.block_m));
    EXPECT_NE(cuda::describe_phase_gemm(g, c.tf32).find(std::to_string(tiles.blocks) + " blocks"), std::string::npos);
    single |= tiles.blocks == 1;
    many |= tiles.blocks > cuda::kPhaseGemmSms;
    partial_n |= g.c_out_per_group % tiles.block_n != 0;
    const PhaseSizes sizes = phase_sizes(g);
    for (size_t i = 0; i < sizes.m.size(); ++i) {
      partial_m |= sizes.m[i] % tiles.block_m != 0;
      partial_k |= sizes.k[i] % tiles.block_k != 0;
    }
    const Tensors t = make_data(p, true, 3);
    const std::vector<double> expected =
        conv_transpose2d_oracle(p, t.x.data(), t.w.data(), p.bias ? t.bias.data() : nullptr);
    EXPECT_EQ(wrong_bits(run(p, {Algorithm::phase_gemm, c.tf32}, t), expected), 0)
        << c.problem << ": " << cuda::describe_phase_gemm(g, c.tf32);
  }
  EXPECT_TRUE(single);
  EXPECT_TRUE(many);
  EXPECT_TRUE(partial_m);
  EXPECT_TRUE(partial_n);
  EXPECT_TRUE(partial_k);
}

TEST(CudaKernelsHost, EmptyBatchLaunchesNothing) {
  const cuda::Geometry g = cuda::geometry_of(problem("mb0ic3ih4oc5kh3sh2"));
  EXPECT_EQ(cuda::choose_tiles(g, false).blocks, 0);
  EXPECT_EQ(cuda::choose_tiles(g, true).blocks, 0);
}

}  // namespace
}  // namespace convt::testing
