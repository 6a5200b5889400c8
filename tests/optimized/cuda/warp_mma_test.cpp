// Unit tests of the warp-level pieces of convt's CUDA kernels executed on
// the host (optimized/cuda/warp_mma.h):
//   warp mma       mma_on_host against a plain matrix product, the operands
//                  distributed to the 32 lanes by the PTX ISA's fragment
//                  layout for mma.m16n8k8 .tf32 (restated here from the
//                  ISA, not from warp_mma.h); several fragments per lane;
//                  through the runner, warp by warp.
//   to_tf32        cvt.rna.tf32.f32: nearest, ties away from zero, the low
//                  13 bits zero, overflow to Inf, Inf and NaN kept,
//                  subnormals; against an independent rounding in double.
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


namespace convt::cuda::testing {
namespace {

constexpr HostRunOptions kChecked{.check_barriers = true};

uint32_t bits_of(float f) { return std::bit_cast<uint32_t>(f); }
float float_of(uint32_t u) { return std::bit_cast<float>(u); }

// ------------------------------------------------------------- warp mma

// The PTX ISA's fragment layout for mma.m16n8k8 with .tf32 operands and
// .f32 accumulators (section "Matrix Fragments for mma.m16n8k8"), with
// groupID = laneid >> 2 and threadID_in_group = laneid % 4:
//   A: row = groupID for a0, a2 and groupID + 8 for a1, a3;
//      col = threadID_in_group for a0, a1 and threadID_in_group + 4 for a2, a3
//   B: row = threadID_in_group for b0 and threadID_in_group + 4 for b1;
//      col = groupID
//   C, D: row = groupID for c0, c1 and groupID + 8 for c2, c3;
//      col = threadID_in_group * 2 + (i & 1) for ci
struct Position {
  int row, col;
};
Position a_position(int lane, int i) { return {lane / 4 + (i % 2 == 1 ? 8 : 0), lane % 4 + (i >= 2 ? 4 : 0)}; }
Position b_position(int lane, int i) { return {lane % 4 + (i == 1 ? 4 : 0), lane / 4}; }
Position c_position(int lane, int i) { return {lane / 4 + (i >= 2 ? 8 : 0), (lane % 4) * 2 + (i & 1)}; }

using Matrix = std::vector<std::vector<float>>;

// Multiples of 1/4 (A, C) and integers (B) small enough that every product
// and partial sum is exact in float32, so any order of summation gives the
// same bits; all are TF32 values (at most 11 significant bits).
Matrix random_matrix(int rows, int cols, int low, int high, float scale, std::mt19937& rng) {
  std::uniform_int_distribution<int> dist(low, high);
  Matrix m(static_cast<size_t>(rows), std::vector<float>(static_cast<size_t>(cols)));
  for (auto& row : m)
    for (float& v : row) v = float(dist(rng)) * scale;
  return m;
}

Matrix multiply_add(const Matrix& a, const Matrix& b, const Matrix& c) {
  Matrix d = c;
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < b[0].size(); ++j) {
      double sum = c[i][j];
      for (size_t k = 0; k < b.size(); ++k) sum += double(a[i][k]) * double(b[k][j]);
      d[i][j] = float(sum);
      EXPECT_EQ(double(d[i][j]), sum) << "test data not exact";
    }
  return d;
}

template <int MI, int NI>
void check_mma_against_matmul(uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Matrix> a, b;
  std::vector<std::vector<Matrix>> c(MI);
  for (int i = 0; i < MI; ++i) a.push_back(random_matrix(16, 8, -1023, 1023, 0.25f, rng));
  for (int j = 0; j < NI; ++j) b.push_back(random_matrix(8, 8, -16, 16, 1.0f, rng));
  for (int i = 0; i < MI; ++i)
    for (int j = 0; j < NI; ++j) c[size_t(i)].push_back(random_matrix(16, 8, -4000, 4000, 0.25f, rng));

  std::vector<MmaFragments<MI, NI>> fragments(kWarpSize);
  MmaFragments<MI, NI>* lanes[kWarpSize];
  for (int lane = 0; lane < kWarpSize; ++lane) {
    MmaFragments<MI, NI>& f = fragments[size_t(lane)];
    lanes[lane] = &f;
    for (int i = 0; i < MI; ++i)
      for (int r = 0; r < 4; ++r) {
        const Position p = a_position(lane, r);
        const float v = a[size_t(i)][size_t(p.row)][size_t(p.col)];
        ASSERT_EQ(bits_of(v) & 0x1fffu, 0u) << "not a TF32 value";
        f.a[i][r] = bits_of(v);
      }
    for (int j = 0; j < NI; ++j)
      for (int r = 0; r < 2; ++r) {
        const Position p = b_position(lane, r);
        f.b[j][r] = bits_of(b[size_t(j)][size_t(p.row)][size_t(p.col)]);
      }
    for (int i = 0; i < MI; ++i)
      for (int j = 0; j < NI; ++j)
        for (int r = 0; r < 4; ++r) {
          const Position p = c_position(lane, r);
          f.c[i][j][r] = c[size_t(i)][size_t(j)][size_t(p.row)][size_t(p.col)];
        }
  }
  const std::vector<MmaFragments<MI, NI>> before = fragments;

  mma_on_host<MI, NI>(lanes);

  for (int i = 0; i < MI; ++i)
    for (int j = 0; j < NI; ++j) {
      const Matrix d = multiply_add(a[size_t(i)], b[size_t(j)], c[size_t(i)][size_t(j)]);
      for (int lane = 0; lane < kWarpSize; ++lane)
        for (int r = 0; r < 4; ++r) {
          const Position p = c_position(lane, r);
          EXPECT_EQ(bits_of(fragments[size_t(lane)].c[i][j][r]), bits_of(d[size_t(p.row)][size_t(p.col)]))
              << "MI " << MI << " NI " << NI << ": D[" << i << "][" << j << "] lane " << lane << " c" << r;
        }
    }
  // A and B are operands only.
  for (int lane = 0; lane < kWarpSize; ++lane) {
    EXPECT_EQ(std::memcmp(fragments[size_t(lane)].a, before[size_t(lane)].a, sizeof before[0].a), 0);
    EXPECT_EQ(std::memcmp(fragments[size_t(lane)].b, before[size_t(lane)].b, sizeof before[0].b), 0);
  }
}

TEST(WarpMma, FragmentsInThePtxLayoutGiveTheMatrixProductPlusC) {
  for (uint32_t seed : {1u, 2u, 3u}) check_mma_against_matmul<1, 1>(seed);
}

TEST(WarpMma, SeveralFragmentsPerLaneMultiplyEveryAWithEveryB) {
  check_mma_against_matmul<2, 3>(11);
  check_mma_against_matmul<3, 2>(12);
}

TEST(WarpMma, PtxLayoutCoversEveryElementOnce) {
  // The restated layout itself: 32 lanes x 4 (A, C) or 2 (B) registers
  // cover each element of the 16 x 8, 8 x 8 and 16 x 8 matrices once.
  std::vector<int> a(16 * 8, 0), b(8 * 8, 0), c(16 * 8, 0);
  for (int lane = 0; lane < kWarpSize; ++lane) {
    for (int r = 0; r < 4; ++r) {
      ++a[size_t(a_position(lane, r).row * 8 + a_position(lane, r).col)];
      ++c[size_t(c_position(lane, r).row * 8 + c_position(lane, r).col)];
    }
    for (int r = 0; r < 2; ++r) ++b[size_t(b_position(lane, r).row * 8 + b_position(lane, r).col)];
  }
  EXPECT_EQ(a, std::vector<int>(a.size(), 1));
  EXPECT_EQ(b, std::vector<int>(b.size(), 1));
  EXPECT_EQ(c, std::vector<int>(c.size(), 1));
}

TEST(WarpMma, RunnerMultipliesEachWarpOfEachBlockWithItsOwnLanes) {
  constexpr int n = MmaKernel::kThreads, blocks = 2, warps = blocks * n / kWarpSize;
  std::mt19937 rng(21);
  std::vector<MmaFragments<1, 1>> in(size_t(blocks * n)), out(in.size());
  std::vector<Matrix> expected;
  for (int w = 0; w < warps; ++w) {
    const Matrix a = random_matrix(16, 8, -1023, 1023, 0.25f, rng), b = random_matrix(8, 8, -16, 16, 1.0f, rng),
                 c = random_matrix(16, 8, -4000, 4000, 0.25f, rng);
    expected.push_back(multiply_add(a, b, c));
    for (int lane = 0; lane < kWarpSize; ++lane) {
      MmaFragments<1, 1>& f = in[size_t(w * kWarpSize + lane)];
      for (int r = 0; r < 4; ++r) {
        f.a[0][r] = bits_of(a[size_t(a_position(lane, r).row)][size_t(a_position(lane, r).col)]);
        f.c[0][0][r] = c[size_t(c_position(lane, r).row)][size_t(c_position(lane, r).col)];
      }
      for (int r = 0; r < 2; ++r) f.b[0][r] = bits_of(b[size_t(b_position(lane, r).row)][size_t(b_position(lane, r).col)]);
    }
  }
  ASSERT_EQ(run_on_host(MmaKernel{in.data(), out.data(), blocks}, kChecked), std::nullopt);
  for (int w = 0; w < warps; ++w)
    for (int lane = 0; lane < kWarpSize; ++lane)
      for (int r = 0; r < 4; ++r) {
        const Position p = c_position(lane, r);
        EXPECT_EQ(bits_of(out[size_t(w * kWarpSize + lane)].c[0][0][r]),
                  bits_of(expected[size_t(w)][size_t(p.row)][size_t(p.col)]))
            << "warp " << w << " lane " << lane << " c" << r;
      }
}

// --------------------------------------------------------------- to_tf32

// cvt.rna.tf32.f32 by its definition, in double: the TF32 values near x are
// the multiples of 2^(e - 10) (e = x's exponent, at least -126, the
// smallest normal exponent); take the nearer, on a tie the one farther from
// zero; beyond the largest TF32 value, Inf.
uint32_t tf32_by_definition(float x) {
  if (std::isnan(x) || std::isinf(x) || x == 0.0f) return bits_of(x);
  const double magnitude = std::fabs(double(x));
  const int e = std::max(std::ilogb(magnitude), -126);
  const double ulp = std::ldexp(1.0, e - 10);
  const double down = std::floor(magnitude / ulp) * ulp;
  const double up = down + ulp;
  const double nearest = magnitude - down < up - magnitude ? down : up;  // ties: up, away from zero
  const double largest = std::ldexp(2.0 - std::ldexp(1.0, -10), 127);
  const float rounded = nearest > largest ? std::numeric_limits<float>::infinity() : float(nearest);
  return bits_of(std::signbit(x) ? -rounded : rounded);
}

TEST(ToTf32, RoundsToNearestWithTiesAwayFromZero) {
  const struct {
    uint32_t in, out;
    const char* what;
  } cases[] = {
      {0x3f800000u, 0x3f800000u, "1 is a TF32 value"},
      {0x3f801000u, 0x3f802000u, "1 + 2^-11, a tie with an even neighbour below: up (ties to even would go down)"},
      {0xbf801000u, 0xbf802000u, "-(1 + 2^-11): away from zero, down"},
      {0x3f803000u, 0x3f804000u, "a tie with an odd neighbour below: up"},
      {0x3f800fffu, 0x3f800000u, "just below half an ulp: down"},
      {0x3f801001u, 0x3f802000u, "just above half an ulp: up"},
      {0xbf800fffu, 0xbf800000u, "negative, below half: towards zero"},
      {0xbf801001u, 0xbf802000u, "negative, above half: away from zero"},
      {0x3fffefffu, 0x3fffe000u, "below half under 2: down"},
      {0x3ffff000u, 0x40000000u, "a tie under 2: up, into the next binade"},
      {0x00000000u, 0x00000000u, "+0"},
      {0x80000000u, 0x80000000u, "-0"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(to_tf32(float_of(c.in)), c.out) << c.what << std::hex << ": " << c.in;
    EXPECT_EQ(tf32_by_definition(float_of(c.in)), c.out) << "the definition in this test, " << c.what;
  }
}

TEST(ToTf32, InfinitiesStayAndTheLargestFloatsRoundToInfinity) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(to_tf32(inf), bits_of(inf));
  EXPECT_EQ(to_tf32(-inf), bits_of(-inf));
  EXPECT_EQ(to_tf32(FLT_MAX), bits_of(inf));
  EXPECT_EQ(to_tf32(-FLT_MAX), bits_of(-inf));
  EXPECT_EQ(to_tf32(float_of(0x7f7ff000u)), bits_of(inf)) << "a tie below 2^128";
  EXPECT_EQ(to_tf32(float_of(0x7f7fefffu)), 0x7f7fe000u) << "the largest TF32 value";
}

TEST(ToTf32, NanStaysNan) {
  for (uint32_t nan : {0x7fc00000u, 0xffc00000u, 0x7f800001u, 0x7f800fffu, 0x7fffffffu, 0xffffffffu, 0xff800001u,
                       kUninitialised}) {
    const uint32_t r = to_tf32(float_of(nan));
    EXPECT_TRUE(std::isnan(float_of(r))) << std::hex << nan << " -> " << r;
    EXPECT_EQ(r & 0x80000000u, nan & 0x80000000u) << std::hex << nan << ": the sign";
  }
}

TEST(ToTf32, SubnormalsRoundOnTheSameBits) {
  EXPECT_EQ(to_tf32(float_of(0x00000001u)), 0x00000000u) << "the smallest subnormal: down to +0";
  EXPECT_EQ(to_tf32(float_of(0x80000fffu)), 0x80000000u) << "below half: down to -0";
  EXPECT_EQ(to_tf32(float_of(0x00001000u)), 0x00002000u) << "a tie: up to the smallest TF32 subnormal";
  EXPECT_EQ(to_tf32(float_of(0x80001000u)), 0x80002000u) << "a negative tie: away from zero";
  EXPECT_EQ(to_tf32(float_of(0x007fffffu)), 0x00800000u) << "the largest subnormal: up to the smallest normal";
  EXPECT_EQ(to_tf32(float_of(0x00402000u)), 0x00402000u) << "a TF32 subnormal stays";
}

TEST(ToTf32, MatchesTheDefinitionOnRandomFloatsAndClearsTheLow13Bits) {
  std::mt19937 rng(5);
  for (int k = 0; k < 200000; ++k) {
    const uint32_t u = uint32_t(rng());
    const float x = float_of(u);
    if (std::isnan(x)) continue;
    const uint32_t r = to_tf32(x);
    ASSERT_EQ(r & 0x1fffu, 0u) << std::hex << u;
    ASSERT_EQ(r, tf32_by_definition(x)) << std::hex << u;
    ASSERT_EQ(bits_of(tf32_value(r)), r);
  }
}
}  // namespace
}  // namespace convt::cuda::testing
