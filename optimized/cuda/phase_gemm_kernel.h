// cuda (phase GEMM): conv_transpose2d as one implicit GEMM per stride phase
// and group, the way CUTLASS's strided dgrad skips the zeros a transposed
// convolution inserts between input pixels.
//
// Output rows of phase rh = (oh + pad_h) mod stride_h receive exactly the
// taps kh = first_h + j * tap_step (geometry.h), from input row
// ih = (oh + pad_h - kh * dil_h) / stride_h; columns likewise. For one phase
// (rh, rw) and one group this is a GEMM
//   y[m, co] = sum_k A[m, k] B[k, co] (+ bias[co])
//   m = (n, i, j):  output position (n, oh0 + i*stride_h, ow0 + j*stride_w)
//   k = (tap, ci):  landing tap (th, tw), then input channel (fastest)
//   A[m, k] = x[n, ci, i + bh0 - th*dth, j + bw0 - tw*dtw]  (0 outside)
//   B[k, co] = w[ci, co, first_h + th*step_h, first_w + tw*step_w]
// with dth = step_h * dil_h / stride_h (a tap further, the input row one
// dth earlier). A phase whose K is empty still writes its bias (or 0).
// The zeros outside the input are multiplied like any A element, which is
// exact for finite weights (conv_transpose_cuda.h sends a weight holding Inf
// or NaN, where 0 x Inf would be NaN, to the direct kernel).
//
// The 1-D grid enumerates (group, phase, n-tile, m-tile), m-tile fastest;
// every phase gets the m-tiles of the largest one, and a block past the end
// of its phase runs no step. A block computes BM x BN outputs, reducing K
// in BK slices staged through shared memory, double-buffered: the step that
// computes slice t from buffer t % 2 also stores slice t + 1 (loaded from
// global memory into registers at the start of the step) into the other
// buffer, so one barrier per slice suffices. Each output is summed by one
// thread in increasing k: deterministic, no split-K.
//
//   PhaseGemmFp32  CUDA cores: each thread keeps TM x TN accumulators (a
//                  register-blocked outer product per k), its rows and
//                  columns runs of 4 spread over the tile, a warp spanning
//                  4 x 8 threads, so that no shared load conflicts.
//   PhaseGemmTf32  tensor cores: each warp keeps MI x NI m16n8k8 fragments
//                  (warp_mma.h); a slice is BK / 8 steps that end in the
//                  warp's multiply, then one barrier step that stores the
//                  next slice. Shared rows are padded by 8 floats, which
//                  puts the 32 lanes of a fragment load in 32 banks.
// Blocks of 256 threads ask for two blocks per SM (kMinBlocksPerSm), which
// caps them at 128 registers a thread.
#pragma once

#include "optimized/cuda/geometry.h"
#include "optimized/cuda/step_kernel.h"
#include "optimized/cuda/warp_mma.h"

#if defined(__CUDACC__) || defined(__clang__)
#define CONVT_UNROLL _Pragma("unroll")
#define CONVT_UNROLL_2 _Pragma("unroll 2")
#else
#define CONVT_UNROLL _Pragma("GCC unroll 16")
#define CONVT_UNROLL_2 _Pragma("GCC unroll 2")
#endif

namespace convt::cuda {

// The GPU the grid is sized for (H100/H200: 132 SMs): a tile is large
// only when its grid still keeps nearly every SM busy (7/8 of them).
inline constexpr int kPhaseGemmSms = 132;
inline constexpr int kPhaseGemmBusySms = kPhaseGemmSms - kPhaseGemmSms / 8;

// What the kernel runs for a problem: one block computes block_m output
// positions of one stride phase x block_n output channels of one group,
// reducing block_k elements (input channels x the phase's taps) per stage;
// each of its `threads` threads holds thread_m x thread_n accumulators.
struct PhaseGemmTiles {
  bool tf32 = false;
  int block_m = 0, block_n = 0, block_k = 0;
  int threads = 0;
  int thread_m = 0, thread_n = 0;
  int shared_floats = 0;  // per block
  int phases = 0;         // stride_h x stride_w
  int blocks = 0;         // the grid
};

// One block's share of the problem: its group, stride phase and tiles.
struct PhaseTile {
  int group = 0;
  int oh0 = 0, ow0 = 0;          // the phase's first output row and column
  int rows = 0, cols = 0;        // its output rows and columns
  int m = 0;                     // N x rows x cols
  int first_h = 0, first_w = 0;  // its first landing taps
  int taps_h = 0, taps_w = 0;    // how many land
  int k = 0;                     // C_in/groups x taps_h x taps_w
  int m_start = 0, n_start = 0;  // the block's first row and column of the GEMM
};

// The m-tiles of the largest phase: the grid's fastest dimension.
CONVT_HD int phase_m_tiles(const Geometry& g, int block_m) {
  return ceil_div(g.n * ceil_div(g.h_out, g.stride_h) * ceil_div(g.w_out, g.stride_w), block_m);
}

CONVT_HD int phase_gemm_blocks(const Geometry& g, int block_m, int block_n) {
  if (g.n == 0 || g.c_out_per_group == 0) return 0;
  return g.groups * g.stride_h * g.stride_w * ceil_div(g.c_out_per_group, block_n) * phase_m_tiles(g, block_m);
}

CONVT_HD PhaseTile phase_tile(const Geometry& g, int block, int block_m, int block_n) {
  const int m_tiles = phase_m_tiles(g, block_m);
  const int n_tiles = ceil_div(g.c_out_per_group, block_n);
  PhaseTile t;
  t.m_start = block % m_tiles * block_m;
  int rest = block / m_tiles;
  t.n_start = rest % n_tiles * block_n;
  rest /= n_tiles;
  const int rw = rest % g.stride_w;
  rest /= g.stride_w;
  const int rh = rest % g.stride_h;
  t.group = rest / g.stride_h;
  t.oh0 = positive_mod(rh - g.pad_h, g.stride_h);
  t.ow0 = positive_mod(rw - g.pad_w, g.stride_w);
  t.rows = t.oh0 < g.h_out ? (g.h_out - 1 - t.oh0) / g.stride_h + 1 : 0;
  t.cols = t.ow0 < g.w_out ? (g.w_out - 1 - t.ow0) / g.stride_w + 1 : 0;
  t.m = g.n * t.rows * t.cols;
  t.first_h = first_tap(t.oh0 + g.pad_h, g.stride_h, g.dil_h, g.k_h);
  t.first_w = first_tap(t.ow0 + g.pad_w, g.stride_w, g.dil_w, g.k_w);
  t.taps_h = taps_landing(t.first_h, tap_step(g.stride_h, g.dil_h), g.k_h);
  t.taps_w = taps_landing(t.first_w, tap_step(g.stride_w, g.dil_w), g.k_w);
  t.k = g.c_in_per_group * t.taps_h * t.taps_w;
  return t;
}

// A position in the phase's K: landing tap (th, tw), input channel ci
// (fastest). Loads walk K in order, so a cursor advances by additions, not
// by dividing k per element.
struct KCursor {
  int ci, th, tw;
};

// The per-thread state of the tile loads, set once per block: where the
// thread's row of A (one output position) and column of B (one output
// channel) start, and the phase constants the loads need.
struct PhaseLoads {
  KCursor a, b;      // the next k this thread loads into A and into B
  int a_base;        // x offset of (n, the group's first channel); -1: no such m
  int a_ih, a_iw;    // the input row and column the first landing taps read
  int b_base;        // w offset of (the group's first channel, co, first taps); -1: no such co
  int cig, taps_h, taps_w;
  int dth, dtw;      // input rows and columns between consecutive taps
  int b_th, b_tw;    // w offsets between consecutive taps
};

CONVT_HD KCursor k_cursor(int k, int cig, int taps_w) {
  const int tap = k / cig;
  return KCursor{k % cig, tap / taps_w, tap % taps_w};
}

CONVT_HD void advance(KCursor& c, int by, const PhaseLoads& l) {
  c.ci += by;
  while (c.ci >= l.cig) {
    c.ci -= l.cig;
    if (++c.tw == l.taps_w) {
      c.tw = 0;
      ++c.th;
    }
  }
}

// The loads' state for the thread that loads A's local row a_row at k
// offset a_k and B's local column b_col at k offset b_k; requires t.k > 0.
CONVT_HD PhaseLoads phase_loads(const Geometry& g, const PhaseTile& t, int a_row, int a_k, int b_col, int b_k) {
  PhaseLoads l;
  l.cig = g.c_in_per_group;
  l.taps_h = t.taps_h;
  l.taps_w = t.taps_w;
  const int step_h = tap_step(g.stride_h, g.dil_h), step_w = tap_step(g.stride_w, g.dil_w);
  l.dth = step_h * g.dil_h / g.stride_h;
  l.dtw = step_w * g.dil_w / g.stride_w;
  l.b_th = step_h * g.k_w;
  l.b_tw = step_w;
  l.a = k_cursor(a_k, l.cig, l.taps_w);
  l.b = k_cursor(b_k, l.cig, l.taps_w);
  const int m = t.m_start + a_row;
  l.a_base = -1;
  l.a_ih = l.a_iw = 0;
  if (m < t.m) {
    const int j = m % t.cols, i = m / t.cols % t.rows, n = m / (t.cols * t.rows);
    l.a_base = (n * g.c_in + t.group * l.cig) * g.h_in * g.w_in;
    l.a_ih = i + (t.oh0 + g.pad_h - t.first_h * g.dil_h) / g.stride_h;  // exact: the tap lands
    l.a_iw = j + (t.ow0 + g.pad_w - t.first_w * g.dil_w) / g.stride_w;
  }
  const int co = t.n_start + b_col;
  l.b_base = co < g.c_out_per_group
                 ? ((t.group * l.cig * g.c_out_per_group + co) * g.k_h + t.first_h) * g.k_w + t.first_w
                 : -1;
  return l;
}

CONVT_HD float load_a(const Geometry& g, const float* x, const PhaseLoads& l, const KCursor& c) {
  const int ih = l.a_ih - c.th * l.dth, iw = l.a_iw - c.tw * l.dtw;
  if (l.a_base < 0 || c.th >= l.taps_h || unsigned(ih) >= unsigned(g.h_in) || unsigned(iw) >= unsigned(g.w_in))
    return 0.0f;
  return x[l.a_base + (c.ci * g.h_in + ih) * g.w_in + iw];
}

CONVT_HD float load_b(const Geometry& g, const float* w, const PhaseLoads& l, const KCursor& c) {
  if (l.b_base < 0 || c.th >= l.taps_h) return 0.0f;
  return w[l.b_base + c.ci * g.c_out_per_group * g.k_h * g.k_w + c.th * l.b_th + c.tw * l.b_tw];
}

// The y offset of GEMM row m (an output position of the tile's phase) in
// channel 0; channel c lies c x H_out x W_out further.
CONVT_HD int output_offset(const Geometry& g, const PhaseTile& t, int m) {
  const int j = m % t.cols, i = m / t.cols % t.rows, n = m / (t.cols * t.rows);
  return (n * g.c_out * g.h_out + t.oh0 + i * g.stride_h) * g.w_out + t.ow0 + j * g.stride_w;
}

// The tile loads shared by both kernels: thread `thread` loads A's row
// thread % BM, RA consecutive k from (thread / BM) * RA, and B's column
// thread % BN, RB consecutive k from (thread / BN) * RB. Shared memory holds
// two buffers of A (BK rows of LDA floats, k-major) then two of B.
template <int BM, int BN, int BK, int Threads, int Pad>
struct PhaseTileLoader {
  static constexpr int RA = BM * BK / Threads, RB = BN * BK / Threads;
  static constexpr int LDA = BM + Pad, LDB = BN + Pad;
  static constexpr int kSharedA = 2 * BK * LDA, kSharedFloats = 2 * BK * (LDA + LDB);
  static_assert(Threads % BM == 0 && Threads % BN == 0, "every thread loads one row of A and one column of B");
  static_assert(RA * Threads == BM * BK && RB * Threads == BN * BK, "the threads load whole slices");

  static CONVT_HD PhaseLoads start(const Geometry& g, const PhaseTile& t, int thread) {
    return phase_loads(g, t, thread % BM, thread / BM * RA, thread % BN, thread / BN * RB);
  }

  // With BM == BN a thread's A and B loads start at the same k: B walks a
  // copy of A's cursor (l.b is then dead), which saves registers.
  static constexpr bool kOneCursor = BM == BN;

  // The next slice from global memory into registers.
  static CONVT_HD void fetch(const Geometry& g, const float* x, const float* w, PhaseLoads& l, float (&va)[RA],
                             float (&vb)[RB]) {
    KCursor b = kOneCursor ? l.a : l.b;
    CONVT_UNROLL
    for (int r = 0; r < RA; ++r) {
      va[r] = load_a(g, x, l, l.a);
      advance(l.a, 1, l);
    }
    advance(l.a, BK - RA, l);
    CONVT_UNROLL
    for (int r = 0; r < RB; ++r) {
      vb[r] = load_b(g, w, l, b);
      advance(b, 1, l);
    }
    if (!kOneCursor) {
      advance(b, BK - RB, l);
      l.b = b;
    }
  }

  // Registers into buffer `buffer`.
  static CONVT_HD void store(int buffer, int thread, const float (&va)[RA], const float (&vb)[RB], SharedFloats s) {
    const int a = buffer * BK * LDA + thread / BM * RA * LDA + thread % BM;
    CONVT_UNROLL
    for (int r = 0; r < RA; ++r) s.store(a + r * LDA, va[r]);
    const int b = kSharedA + buffer * BK * LDB + thread / BN * RB * LDB + thread % BN;
    CONVT_UNROLL
    for (int r = 0; r < RB; ++r) s.store(b + r * LDB, vb[r]);
  }
};

// FP32 on CUDA cores: TM x TN outputs per thread.
template <int BM, int BN, int BK, int Threads, int TM, int TN>
struct PhaseGemmFp32 {
  static constexpr int kThreads = Threads;
  // Two blocks share an SM: 256 threads get at most 128 registers each.
  static constexpr int kMinBlocksPerSm = 2;
  static constexpr bool kTf32 = false;
  static constexpr int kBlockM = BM, kBlockN = BN, kBlockK = BK, kThreadM = TM, kThreadN = TN;
  using Loader = PhaseTileLoader<BM, BN, BK, Threads, 0>;
  // Threads as a (BM / TM) x (BN / TN) grid, each warp 4 x 8 of it.
  static constexpr int kThreadsM = BM / TM, kThreadsN = BN / TN;
  static_assert(TM % 4 == 0 && TN % 4 == 0 && kThreadsM * kThreadsN == Threads, "4-wide runs, one tile");
  static_assert(kThreadsM % 4 == 0 && kThreadsN % 8 == 0, "warps of 4 x 8 threads");

  struct Thread {
    float acc[TM][TN];
    PhaseLoads loads;
    int slices;
  };

  Geometry g;
  const float* x = nullptr;     // N x C_in x H_in x W_in
  const float* w = nullptr;     // C_in x C_out/groups x kH x kW
  const float* bias = nullptr;  // C_out, or null
  float* y = nullptr;           // N x C_out x H_out x W_out

  int blocks() const { return phase_gemm_blocks(g, BM, BN); }
  int shared_floats() const { return Loader::kSharedFloats; }
  CONVT_HD int steps(int block) const {
    const PhaseTile t = phase_tile(g, block, BM, BN);
    return t.m_start < t.m ? ceil_div(t.k, BK) + 1 : 0;
  }

  // The thread's position in the grid of threads, and its rows and columns:
  // 4-wide runs, kThreadsM * 4 rows (kThreadsN * 4 columns) apart.
  static CONVT_HD int thread_row(int thread) {
    const int warp = thread / kWarpSize, lane = thread % kWarpSize;
    return warp / (kThreadsN / 8) * 4 + lane / 8;
  }
  static CONVT_HD int thread_col(int thread) {
    const int warp = thread / kWarpSize, lane = thread % kWarpSize;
    return warp % (kThreadsN / 8) * 8 + lane % 8;
  }
  static CONVT_HD int row(int tm, int a) { return a / 4 * (kThreadsM * 4) + tm * 4 + a % 4; }
  static CONVT_HD int col(int tn, int b) { return b / 4 * (kThreadsN * 4) + tn * 4 + b % 4; }

  // Step 0 sets up the loads and stores slice 0; step s > 0 computes slice
  // s - 1 and stores slice s, or after the last slice writes the outputs.
  CONVT_HD StepEnd step(int s, const ThreadIndex& index, Thread& r, SharedFloats shared) const {
    float va[Loader::RA], vb[Loader::RB];
    if (s == 0) {
      const PhaseTile t = phase_tile(g, index.block, BM, BN);
      CONVT_UNROLL
      for (int a = 0; a < TM; ++a) {
        CONVT_UNROLL
        for (int b = 0; b < TN; ++b) r.acc[a][b] = 0.0f;
      }
      r.slices = ceil_div(t.k, BK);
      if (r.slices == 0) {
        epilogue(index, r);
        return StepEnd::barrier;
      }
      r.loads = Loader::start(g, t, index.thread);
      Loader::fetch(g, x, w, r.loads, va, vb);
      Loader::store(0, index.thread, va, vb, shared);
      return StepEnd::barrier;
    }
    const int slice = s - 1;
    const bool more = slice + 1 < r.slices;
    if (more) Loader::fetch(g, x, w, r.loads, va, vb);
    const int a0 = slice % 2 * BK * Loader::LDA + row(thread_row(index.thread), 0);
    const int b0 = Loader::kSharedA + slice % 2 * BK * Loader::LDB + col(thread_col(index.thread), 0);
    // Unrolled by two only: fully unrolled, the compiler hoists shared
    // loads until the large tile spills under the 128-register cap.
    CONVT_UNROLL_2
    for (int kk = 0; kk < BK; ++kk) {
      float av[TM], bv[TN];
      CONVT_UNROLL
      for (int a = 0; a < TM; ++a) av[a] = shared.load(a0 + kk * Loader::LDA + row(0, a));
      CONVT_UNROLL
      for (int b = 0; b < TN; ++b) bv[b] = shared.load(b0 + kk * Loader::LDB + col(0, b));
      CONVT_UNROLL
      for (int a = 0; a < TM; ++a) {
        CONVT_UNROLL
        for (int b = 0; b < TN; ++b) r.acc[a][b] += av[a] * bv[b];
      }
    }
    if (more)
      Loader::store((slice + 1) % 2, index.thread, va, vb, shared);
    else
      epilogue(index, r);
    return StepEnd::barrier;
  }

  // Bias added, partial tiles guarded.
  CONVT_HD void epilogue(const ThreadIndex& index, const Thread& r) const {
    const PhaseTile t = phase_tile(g, index.block, BM, BN);
    const int tm = thread_row(index.thread), tn = thread_col(index.thread);
    const int plane = g.h_out * g.w_out;
    CONVT_UNROLL
    for (int a = 0; a < TM; ++a) {
      const int m = t.m_start + row(tm, a);
      if (m >= t.m) continue;
      const int out = output_offset(g, t, m);
      CONVT_UNROLL
      for (int b = 0; b < TN; ++b) {
        const int co = t.n_start + col(tn, b);
        if (co >= g.c_out_per_group) continue;
        const int c = t.group * g.c_out_per_group + co;
        y[out + c * plane] = bias ? r.acc[a][b] + bias[c] : r.acc[a][b];
      }
    }
  }
};

// TF32 on tensor cores: warps of WM x WN outputs, each (WM / 16) x (WN / 8)
// m16n8k8 fragments.
template <int BM, int BN, int BK, int Threads, int WM, int WN>
struct PhaseGemmTf32 {
  static constexpr int kThreads = Threads;
  static constexpr int kMinBlocksPerSm = 2;
  static constexpr bool kTf32 = true;
  static constexpr int MI = WM / 16, NI = WN / 8;
  static constexpr int kBlockM = BM, kBlockN = BN, kBlockK = BK, kThreadM = MI * 2, kThreadN = NI * 2;
  static constexpr int kWarpsN = BN / WN;
  static constexpr int kSubsteps = BK / 8;  // multiplies per slice
  using Loader = PhaseTileLoader<BM, BN, BK, Threads, 8>;
  static_assert(BK % 8 == 0 && WM % 16 == 0 && WN % 8 == 0, "whole m16n8k8 fragments");
  static_assert((BM / WM) * kWarpsN * kWarpSize == Threads, "the warps cover the tile");

  struct Thread {
    MmaFragments<MI, NI> mma;
    float va[Loader::RA], vb[Loader::RB];  // the next slice, between its load and its store
    PhaseLoads loads;
    int slices;
  };

  Geometry g;
  const float* x = nullptr;
  const float* w = nullptr;
  const float* bias = nullptr;
  float* y = nullptr;

  int blocks() const { return phase_gemm_blocks(g, BM, BN); }
  int shared_floats() const { return Loader::kSharedFloats; }
  CONVT_HD int steps(int block) const {
    const PhaseTile t = phase_tile(g, block, BM, BN);
    return t.m_start < t.m ? ceil_div(t.k, BK) * (kSubsteps + 1) + 1 : 0;
  }

  // Step 0 sets up the loads and stores slice 0. Slice t then takes
  // kSubsteps steps that load 8 k of fragments from buffer t % 2 and end in
  // the warp's multiply (the first also loads slice t + 1 into registers),
  // and one that stores slice t + 1 into the other buffer, or after the
  // last slice writes the outputs, and ends in a barrier.
  CONVT_HD StepEnd step(int s, const ThreadIndex& index, Thread& r, SharedFloats shared) const {
    if (s == 0) {
      const PhaseTile t = phase_tile(g, index.block, BM, BN);
      CONVT_UNROLL
      for (int i = 0; i < MI; ++i) {
        CONVT_UNROLL
        for (int j = 0; j < NI; ++j) {
          CONVT_UNROLL
          for (int h = 0; h < 4; ++h) r.mma.c[i][j][h] = 0.0f;
        }
      }
      r.slices = ceil_div(t.k, BK);
      if (r.slices == 0) {
        epilogue(index, r);
        return StepEnd::barrier;
      }
      r.loads = Loader::start(g, t, index.thread);
      Loader::fetch(g, x, w, r.loads, r.va, r.vb);
      Loader::store(0, index.thread, r.va, r.vb, shared);
      return StepEnd::barrier;
    }
    const int slice = (s - 1) / (kSubsteps + 1), sub = (s - 1) % (kSubsteps + 1);
    const bool more = slice + 1 < r.slices;
    if (sub == kSubsteps) {
      if (more)
        Loader::store((slice + 1) % 2, index.thread, r.va, r.vb, shared);
      else
        epilogue(index, r);
      return StepEnd::barrier;
    }
    if (sub == 0 && more) Loader::fetch(g, x, w, r.loads, r.va, r.vb);
    // Fragments (warp_mma.h): A[row][k] = As[k][row], B[k][col] = Bs[k][col].
    const int warp = index.warp(), group = index.lane() / 4, tq = index.lane() % 4;
    const int a0 = slice % 2 * BK * Loader::LDA + (sub * 8 + tq) * Loader::LDA + warp / kWarpsN * WM + group;
    const int b0 = Loader::kSharedA + slice % 2 * BK * Loader::LDB + (sub * 8 + tq) * Loader::LDB +
                   warp % kWarpsN * WN + group;
    constexpr int a4 = 4 * Loader::LDA, b4 = 4 * Loader::LDB;
    CONVT_UNROLL
    for (int i = 0; i < MI; ++i) {
      r.mma.a[i][0] = tf32_operand(shared.load(a0 + i * 16));
      r.mma.a[i][1] = tf32_operand(shared.load(a0 + i * 16 + 8));
      r.mma.a[i][2] = tf32_operand(shared.load(a0 + a4 + i * 16));
      r.mma.a[i][3] = tf32_operand(shared.load(a0 + a4 + i * 16 + 8));
    }
    CONVT_UNROLL
    for (int j = 0; j < NI; ++j) {
      r.mma.b[j][0] = tf32_operand(shared.load(b0 + j * 8));
      r.mma.b[j][1] = tf32_operand(shared.load(b0 + b4 + j * 8));
    }
    return StepEnd::warp_mma;
  }

  // The accumulators c[i][j][h] hold C[group + 8 (h / 2)][2 tq + h % 2] of
  // fragment (i, j); bias added, partial tiles guarded.
  CONVT_HD void epilogue(const ThreadIndex& index, const Thread& r) const {
    const PhaseTile t = phase_tile(g, index.block, BM, BN);
    const int warp = index.warp(), group = index.lane() / 4, tq = index.lane() % 4;
    const int m0 = t.m_start + warp / kWarpsN * WM + group, n0 = t.n_start + warp % kWarpsN * WN + 2 * tq;
    const int plane = g.h_out * g.w_out;
    CONVT_UNROLL
    for (int i = 0; i < MI; ++i) {
      CONVT_UNROLL
      for (int half = 0; half < 2; ++half) {
        const int m = m0 + i * 16 + half * 8;
        if (m >= t.m) continue;
        const int out = output_offset(g, t, m);
        CONVT_UNROLL
        for (int j = 0; j < NI; ++j) {
          CONVT_UNROLL
          for (int odd = 0; odd < 2; ++odd) {
            const int co = n0 + j * 8 + odd;
            if (co >= g.c_out_per_group) continue;
            const int c = t.group * g.c_out_per_group + co;
            const float v = r.mma.c[i][j][half * 2 + odd];
            y[out + c * plane] = bias ? v + bias[c] : v;
          }
        }
      }
    }
  }
};

// The instantiations: three FP32 and two TF32 tiles.
using PhaseGemmFp32Large = PhaseGemmFp32<128, 128, 8, 256, 8, 8>;
using PhaseGemmFp32Medium = PhaseGemmFp32<128, 64, 8, 256, 8, 4>;
using PhaseGemmFp32Small = PhaseGemmFp32<64, 32, 8, 128, 4, 4>;
using PhaseGemmTf32Large = PhaseGemmTf32<128, 128, 16, 256, 64, 32>;
using PhaseGemmTf32Small = PhaseGemmTf32<64, 32, 16, 128, 32, 16>;

template <class K>
PhaseGemmTiles phase_gemm_tiles(const Geometry& g) {
  PhaseGemmTiles t;
  t.tf32 = K::kTf32;
  t.block_m = K::kBlockM;
  t.block_n = K::kBlockN;
  t.block_k = K::kBlockK;
  t.threads = K::kThreads;
  t.thread_m = K::kThreadM;
  t.thread_n = K::kThreadN;
  t.shared_floats = K{g}.shared_floats();
  t.phases = g.stride_h * g.stride_w;
  t.blocks = K{g}.blocks();
  return t;
}

// The tile for a problem: the largest whose columns the group's output
// channels more than half fill and whose grid still keeps nearly every SM
// busy; small layers (and few channels per group) get the small tile,
// which multiplies their blocks.
inline PhaseGemmTiles pick_phase_gemm_tiles(const Geometry& g, bool tf32) {
  const int cog = g.c_out_per_group;
  if (tf32) {
    const PhaseGemmTiles large = phase_gemm_tiles<PhaseGemmTf32Large>(g);
    if (cog > 64 && large.blocks >= kPhaseGemmBusySms) return large;
    return phase_gemm_tiles<PhaseGemmTf32Small>(g);
  }
  const PhaseGemmTiles large = phase_gemm_tiles<PhaseGemmFp32Large>(g);
  if (cog > 64 && large.blocks >= kPhaseGemmBusySms) return large;
  const PhaseGemmTiles medium = phase_gemm_tiles<PhaseGemmFp32Medium>(g);
  if (cog > 32 && medium.blocks >= kPhaseGemmBusySms) return medium;
  return phase_gemm_tiles<PhaseGemmFp32Small>(g);
}

// Calls f(kernel) with the kernel the tiles name.
template <class F>
auto with_phase_gemm_kernel(const PhaseGemmTiles& t, const Geometry& g, const float* x, const float* w,
                            const float* bias, float* y, F&& f) {
  if (t.tf32) {
    if (t.block_m == PhaseGemmTf32Large::kBlockM && t.block_n == PhaseGemmTf32Large::kBlockN)
      return f(PhaseGemmTf32Large{g, x, w, bias, y});
    return f(PhaseGemmTf32Small{g, x, w, bias, y});
  }
  if (t.block_m == PhaseGemmFp32Large::kBlockM && t.block_n == PhaseGemmFp32Large::kBlockN)
    return f(PhaseGemmFp32Large{g, x, w, bias, y});
  if (t.block_m == PhaseGemmFp32Medium::kBlockM && t.block_n == PhaseGemmFp32Medium::kBlockN)
    return f(PhaseGemmFp32Medium{g, x, w, bias, y});
  return f(PhaseGemmFp32Small{g, x, w, bias, y});
}

}  // namespace convt::cuda
