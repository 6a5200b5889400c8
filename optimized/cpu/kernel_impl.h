// The kernel of one task, written once over an ISA traits struct `I`.
//
// Included by kernel_avx512.cpp, kernel_avx2.cpp and kernel_scalar.cpp
// inside an anonymous namespace and (for the vector ISAs) inside a
// `#pragma GCC target` region, after kernel.h and the traits are defined.
// It includes nothing itself: code instantiated here carries the target's
// attributes and internal linkage, so no function compiled for AVX-512 can
// be merged by the linker into code that runs on a CPU without it.
//
// I provides:
//   VL, kMaxAcc                lanes; largest mr*nv of the micro-kernels
//   V, M                       vector of VL floats; lane mask
//   zero(), set1(f), mask(bits)
//   load(p), load_masked(p, m)             masked lanes are not read
//   fma(acc, x, w), fma_masked(acc, x, w, m)  acc + x * *w, masked lanes keep acc
//   store(acc, segments, count, y, sw)     lanes to their output elements
//   store_pair(a, b, segments, count, y)   sw = 2: a's lanes to y + 2k, b's to y + 2k + 1
//   store_prefix(p, acc, n)                the first n lanes to p[0..n)
//   prefetch(p), prefetch_write(p)         hints only (any address)

// The arguments of one micro-kernel call: mr rows (output channels of the
// fused phases, PhaseView) x NV vectors.
struct MicroArgs {
  const float* w;         // packed weights of the micro-block: [chunk][tap][ci][mr]
  const float* x;         // x at (n, first input channel of the group)
  int64_t hw;             // plane stride of x: H_in * W_in
  int64_t cig, cb;        // input channels of the group; per chunk
  int32_t ntaps;
  int32_t ntw;            // column taps per row tap (taps are row-major)
  const uint8_t* xtap;    // per tap: only the tail rows take it (PhaseView), or null
  int32_t tail;           // tail rows of the micro-block (0: none)
  int32_t tail_step;      // 1: they are its last `tail` rows; 2: its odd rows (two members, one tail)
  bool pairs;             // rows 2r, 2r+1 store together (PhaseView::pairs)
  const int64_t* toff;    // per tap: input offset
  const int64_t* xoff;    // per vector: input offset of lane 0
  const uint32_t* tmask;  // per tap x NV: lanes that take the tap
  const uint8_t* tflag;   // per tap: 0 no lane, 1 some, 2 all lanes of all vectors
  const float* bias;      // mr values, or null
  float* y;               // y at (n, first output channel of the group)
  const int64_t* yrow;    // per row of the micro-block: its offset from y
  int64_t sw;
  int64_t ahead;          // x prefetch distance (floats), or 0: x is in cache already
  int64_t wahead;         // weight prefetch distance (floats), or 0: the weights come from L2
  const int32_t* nseg;    // per vector (0 for the padding vectors of a short group)
  const Segment* seg;     // per vector x (VL + 1)
};

// The reduction steps of one tap over cn channels for the vectors [LO, HI)
// of a tile, the masked lanes neither loaded nor accumulated: skipping
// them is exact, where multiplying a padding zero would turn an Inf weight
// into NaN. (Inlined: the accumulators stay in registers.)
template <class I, int MR, int NV, int LO, int HI>
__attribute__((always_inline)) inline void masked_steps(typename I::V (&acc)[MR][NV], const float* const* xp,
                                                         const typename I::M* m, const float* wp, int64_t cn,
                                                         int64_t hw, int64_t ahead) {
  using V = typename I::V;
  for (int64_t ci = 0, off = 0; ci < cn; ++ci, off += hw, wp += MR) {
    V xv[NV];
#pragma GCC unroll 8
    for (int v = LO; v < HI; ++v) xv[v] = I::load_masked(xp[v] + off, m[v]);
    if (ahead) {
#pragma GCC unroll 8
      for (int v = LO; v < HI; ++v) I::prefetch(xp[v] + off + ahead);
    }
#pragma GCC unroll 24
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
      for (int v = LO; v < HI; ++v) acc[r][v] = I::fma_masked(acc[r][v], xv[v], wp + r, m[v]);
    }
  }
}

// The steps of a tail tap (PhaseView) for the tail rows only: with STEP 1
// rows [first, MR), with STEP 2 rows first, first + 2, ... (first = 1);
// weights [channel][tail row], masked as in masked_steps (one mask path
// serves them all).
template <class I, int MR, int NV, int STEP>
__attribute__((always_inline)) inline void tail_steps(typename I::V (&acc)[MR][NV], const float* const* xp,
                                                       const typename I::M* m, const float* wp, int64_t cn,
                                                       int64_t hw, int first) {
  using V = typename I::V;
  const int rows = (MR - first + STEP - 1) / STEP;
  for (int64_t ci = 0, off = 0; ci < cn; ++ci, off += hw, wp += rows) {
    V xv[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) xv[v] = I::load_masked(xp[v] + off, m[v]);
#pragma GCC unroll 24
    for (int r = 0; r < MR; ++r) {
      if (STEP == 2 ? r % 2 == 0 : r < first) continue;
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[r][v] = I::fma_masked(acc[r][v], xv[v], wp + (r - first) / STEP, m[v]);
    }
  }
}

// Register-blocked micro-kernel (implicit GEMM of one phase): MR output
// channels x NV vectors of VL output positions stay in MR*NV accumulators
// through the whole reduction over (input channel, tap); per step it loads
// NV input vectors (contiguous: the phase is a stride-1 problem) and
// broadcasts MR packed weights. The reduction runs chunk by chunk of cb
// input channels, taps in order within a chunk, channels in order within a
// tap, so the input rows of a chunk are reused from L1 by all its taps.
// That order is the same for every ISA, tile and thread count: each element
// is bias + a fixed sequence of FMAs.
template <class I, int MR, int NV>
void micro_kernel(const MicroArgs& a) {
  using V = typename I::V;
  // Software prefetch: the output lines this tile will write (so the stores
  // at the end find them in cache) and, in the reduction, the inputs a few
  // channels ahead: with many channel planes read in parallel, the hardware
  // prefetchers cannot follow and L3/DRAM latency would stall the FMAs.
  // (Paired rows write the same lines: the even row asks for them.)
  const int rstep = MR % 2 == 0 && a.pairs ? 2 : 1;
  for (int r = 0; r < MR; r += rstep)
    for (int v = 0; v < NV; ++v) {
      const Segment* sg = a.seg + v * (I::VL + 1);
      for (int32_t s = 0; s < a.nseg[v]; ++s) {
        const float* first = a.y + a.yrow[r] + sg[s].yoff;
        const float* last = first + (sg[s].count - 1) * a.sw + (rstep - 1);
        for (const float* p = first; p <= last; p += 16) I::prefetch_write(p);
        I::prefetch_write(last);
      }
    }
  V acc[MR][NV];
#pragma GCC unroll 24
  for (int r = 0; r < MR; ++r) {
    const V b = a.bias ? I::set1(a.bias[r]) : I::zero();
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[r][v] = b;
  }
  const float* w = a.w;
  for (int64_t c0 = 0; c0 < a.cig; c0 += a.cb) {
    const int64_t cn = a.cig - c0 < a.cb ? a.cig - c0 : a.cb;
    const float* xc = a.x + c0 * a.hw;
    for (int32_t t = 0; t < a.ntaps; ++t) {
      const int32_t rows = a.xtap && a.xtap[t] ? a.tail : MR;  // how many rows take tap t (tail_step: which)
      if (rows == 0) continue;
      const float* wp = w;
      w += cn * rows;
      // The weights wahead floats on, one tap's worth (its lines), asked
      // for ahead of use: they stream from L3/DRAM once per run
      // (plan_phases.cpp).
      if (a.wahead)
        for (const float *p = wp + a.wahead, *e = p + cn * rows; p < e; p += 16) I::prefetch(p);
      const uint8_t flag = a.tflag[t];
      if (flag == 0) continue;  // no lane takes this tap: nothing to add
      const float* xp[NV];
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) xp[v] = xc + (a.xoff[v] + a.toff[t]);
      // x is prefetched on the first column tap of each row tap only: the
      // row's other taps read the same lines, a float or a few apart (with
      // 1x3 taps, three prefetches a load otherwise).
      const int64_t ahead = t % a.ntw == 0 ? a.ahead : 0;
      if (rows < MR) {
        typename I::M m[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) m[v] = I::mask(a.tmask[t * NV + v]);
        if constexpr (MR % 2 == 0) {
          if (a.tail_step == 2) {
            tail_steps<I, MR, NV, 2>(acc, xp, m, wp, cn, a.hw, 1);
            continue;
          }
        }
        tail_steps<I, MR, NV, 1>(acc, xp, m, wp, cn, a.hw, MR - rows);
      } else if (flag == 1) {
        // Masked lanes: out-of-range taps, positions that are not outputs
        // (masked_steps). Taps that every lane takes run unmasked (fewer
        // mask registers live).
        typename I::M m[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) m[v] = I::mask(a.tmask[t * NV + v]);
        // A vector at either end that no lane of takes the tap (a border
        // row of row-mode vectors, a padding vector) is skipped whole.
        const uint32_t* tm = a.tmask + t * NV;
        if (NV > 1 && tm[0] == 0)
          masked_steps<I, MR, NV, 1, NV>(acc, xp, m, wp, cn, a.hw, ahead);
        else if (NV > 1 && tm[NV - 1] == 0)
          masked_steps<I, MR, NV, 0, NV - 1>(acc, xp, m, wp, cn, a.hw, ahead);
        else
          masked_steps<I, MR, NV, 0, NV>(acc, xp, m, wp, cn, a.hw, ahead);
      } else {
        for (int64_t ci = 0, off = 0; ci < cn; ++ci, off += a.hw, wp += MR) {
          V xv[NV];
#pragma GCC unroll 8
          for (int v = 0; v < NV; ++v) xv[v] = I::load(xp[v] + off);
          if (ahead) {
#pragma GCC unroll 8
            for (int v = 0; v < NV; ++v) I::prefetch(xp[v] + off + ahead);
          }
#pragma GCC unroll 24
          for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
            for (int v = 0; v < NV; ++v) acc[r][v] = I::fma(acc[r][v], xv[v], wp + r);
          }
        }
      }
    }
  }
  if constexpr (MR % 2 == 0) {
    if (a.pairs) {
#pragma GCC unroll 12
      for (int r = 0; r < MR; r += 2) {
        float* yr = a.y + a.yrow[r];
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) I::store_pair(acc[r][v], acc[r + 1][v], a.seg + v * (I::VL + 1), a.nseg[v], yr);
      }
      return;
    }
  }
#pragma GCC unroll 24
  for (int r = 0; r < MR; ++r) {
    float* yr = a.y + a.yrow[r];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) I::store(acc[r][v], a.seg + v * (I::VL + 1), a.nseg[v], yr, a.sw);
  }
}

// mr (1..MR) -> micro_kernel<I, mr, NV>: the last micro-block of a group
// takes the remainder of its channels, so no weight is padded.
template <class I, int NV, int MR>
struct Dispatch {
  static void call(int mr, const MicroArgs& a) {
    if (mr == MR)
      micro_kernel<I, MR, NV>(a);
    else
      Dispatch<I, NV, MR - 1>::call(mr, a);
  }
};
template <class I, int NV>
struct Dispatch<I, NV, 0> {
  static void call(int, const MicroArgs&) {}
};

template <class I, int NV>
void dispatch_mr(int mr, const MicroArgs& a) {
  constexpr int max_mr = I::kMaxAcc / NV < kMaxMr ? I::kMaxAcc / NV : kMaxMr;
  Dispatch<I, NV, (max_mr > 0 ? max_mr : 1)>::call(mr, a);
}

template <class I>
void dispatch_impl(int nv, int mr, const MicroArgs& a) {
  switch (nv) {
    case 1: dispatch_mr<I, 1>(mr, a); break;
    case 2: dispatch_mr<I, 2>(mr, a); break;
    case 3: dispatch_mr<I, 3>(mr, a); break;
    case 4: dispatch_mr<I, 4>(mr, a); break;
    case 6: dispatch_mr<I, 6>(mr, a); break;
    case 8: dispatch_mr<I, 8>(mr, a); break;
    default: break;
  }
}

// The vectors [v0, v0 + nvec) of phase P, described for the micro-kernels:
// input offset of lane 0, which lanes take each row and column tap, and the
// output segments. Each vector's lanes are walked row segment by row
// segment (a segment: lanes of one output row, consecutive in i); a tap's
// lanes within a segment are a range of i, so masks cost O(segments x
// taps), not O(lanes x taps). They depend on the positions only and serve
// every channel of the task.
struct Described {
  int64_t* xoff;
  uint32_t* rowm;  // per vector x nth
  uint32_t* colm;  // per vector x ntw
  int32_t* nseg;
  Segment* seg;    // per vector x (VL + 1)
};

template <class I>
void describe(const Geometry& G, const PhaseView& P, int64_t v0, int64_t nvec, const Described& d) {
  constexpr int VL = I::VL;
  const int32_t nth = P.nth, ntw = P.ntw;
  for (int64_t k = 0; k < nvec; ++k) {
    const int64_t p0 = (v0 + k) * VL;
    int64_t j = p0 / P.vp, i = p0 - j * P.vp;
    d.xoff[k] = j * G.w_in + i;  // lane l reads xoff + l (+ tap offset), in both modes
    uint32_t* rowm = d.rowm + k * nth;
    uint32_t* colm = d.colm + k * ntw;
    Segment* seg = d.seg + k * (VL + 1);
    for (int32_t th = 0; th < nth; ++th) rowm[th] = 0;
    for (int32_t tw = 0; tw < ntw; ++tw) colm[tw] = 0;
    int32_t ns = 0;
    for (int64_t l = 0; l < VL && j < P.hq;) {
      const int64_t row_end = l + (P.vp - i);  // first lane of the next row
      if (i < P.wq) {
        const int64_t count = (P.wq - i < VL - l) ? P.wq - i : VL - l;
        const uint32_t lanes = uint32_t(((uint64_t(1) << count) - 1) << l);
        seg[ns++] = Segment{G.sh * j * G.w_out + G.sw * i, int32_t(l), int32_t(count)};
        for (int32_t th = 0; th < nth; ++th) {
          const int64_t ih = j + P.offh[th];
          if (ih >= 0 && ih < G.h_in) rowm[th] |= lanes;
        }
        for (int32_t tw = 0; tw < ntw; ++tw) {
          // i + d in [0, W_in) for d = 0..count-1: d in [lo, hi)
          const int64_t lo = -P.offw[tw] - i > 0 ? -P.offw[tw] - i : 0;
          const int64_t hi = G.w_in - P.offw[tw] - i < count ? G.w_in - P.offw[tw] - i : count;
          if (lo < hi) colm[tw] |= uint32_t(((uint64_t(1) << (hi - lo)) - 1) << (l + lo));
        }
      }
      l = row_end;
      i = 0;
      ++j;
    }
    d.nseg[k] = ns;
  }
}

// Tap masks of a group of nv vectors (from k0; `real` of them exist, the
// rest are padding): tmask[tap * nv + v], and per tap 0 (no lane), 1 (some)
// or 2 (every lane of every vector).
template <class I>
void tap_masks(const PhaseView& P, const Described& d, int64_t k0, int real, int nv, uint32_t* tmask,
               uint8_t* tflag) {
  constexpr uint32_t full = I::VL == 32 ? ~0u : (1u << I::VL) - 1;
  for (int32_t th = 0; th < P.nth; ++th)
    for (int32_t tw = 0; tw < P.ntw; ++tw) {
      const int32_t tap = th * P.ntw + tw;
      uint32_t any = 0;
      bool all = real == nv;
      for (int v = 0; v < nv; ++v) {
        const uint32_t m = v < real ? d.rowm[(k0 + v) * P.nth + th] & d.colm[(k0 + v) * P.ntw + tw] : 0;
        tmask[tap * nv + v] = m;
        any |= m;
        all = all && m == full;
      }
      tflag[tap] = any == 0 ? 0 : all ? 2 : 1;
    }
}

// One phase of a task, groups [g0, g1): run the micro-kernel over groups
// of nv vectors x micro-blocks of mr rows. With `packed` (run_task_impl),
// x is read from the task's copy: one group, plane stride len, offsets
// from column lo of the plane. `next`: see run_task_impl.
struct Packed {
  const float* x;
  int64_t len, lo;
};

template <class I>
void run_phase(const Task& t, const PhaseView& P, int64_t g0, int64_t g1, const Packed* packed, int64_t next) {
  constexpr int VL = I::VL;
  const Geometry& G = *t.geo;
  Scratch& S = *t.scratch;
  const int64_t v0 = t.b * G.vb;
  const int64_t nvec = (v0 + G.vb < P.nvec ? v0 + G.vb : P.nvec) - v0;
  if (nvec <= 0) return;
  const int32_t nth = P.nth, ntw = P.ntw, ntaps = nth * ntw;
  const Described d{S.xoff, S.rowm, S.colm, S.nseg, S.seg};
  describe<I>(G, P, v0, nvec, d);

  const int64_t hw = G.h_in * G.w_in, ohw = G.h_out * G.w_out;
  const int nv = P.nv;

  for (int64_t k0 = 0; k0 < nvec; k0 += nv) {
    const int real = nvec - k0 < nv ? int(nvec - k0) : nv;
    int64_t xoff[8];
    int32_t nseg[8];
    for (int v = 0; v < nv; ++v) {
      xoff[v] = v < real ? d.xoff[k0 + v] - (packed ? packed->lo : 0) : 0;
      nseg[v] = v < real ? d.nseg[k0 + v] : 0;
    }
    tap_masks<I>(P, d, k0, real, nv, S.tmask, S.tflag);
    MicroArgs a;
    a.hw = packed ? packed->len : hw;
    a.cig = G.cig;
    a.cb = G.cb;
    a.ntaps = ntaps;
    a.ntw = ntw;
    a.xtap = P.xtap;
    a.pairs = P.pairs;
    a.tail_step = G.cog == 1 ? 1 : 2;
    a.toff = P.toff;
    a.xoff = xoff;
    a.tmask = S.tmask;
    a.tflag = S.tflag;
    a.sw = G.sw;
    a.nseg = nseg;
    a.seg = d.seg + k0 * (VL + 1);
    for (int64_t g = g0; g < g1; ++g) {
      a.x = packed ? packed->x : t.x + (t.n * G.c_in + g * G.cig) * hw;
      const int64_t rows = G.cog * P.m;
      a.y = t.y + (t.n * G.c_out + g * G.cog) * ohw;
      const float* wg = P.wpack + g * G.cog * channel_weights(P);
      const float* bg = P.brow ? P.brow + g * rows : nullptr;
      // The task's rows, in micro-blocks of mr from its first
      // (plan_phases.cpp packs the weights in the same blocks).
      const int64_t r0 = t.co0 * P.m, r1 = t.co1 * P.m;
      for (int64_t r = r0; r < r1; r += P.mr) {
        const int mr = r1 - r < P.mr ? int(r1 - r) : P.mr;
        // Prefetch inputs only on the first pass over them; the later
        // micro-blocks find them in L1/L2.
        a.ahead = packed || r != r0 ? 0 : next ? next : G.ahead * hw;
        a.wahead = G.wahead;
        // Tail rows carry kx more weights each. With one output channel
        // they are the group's last; else every other row (plan_phases.cpp).
        const int64_t before = P.mt ? tail_before(P, r) : 0;
        a.tail = P.mt ? int32_t(tail_before(P, r + mr) - before) : 0;
        a.w = wg + r * P.k + before * P.kx;
        a.bias = bg ? bg + r : nullptr;
        a.yrow = P.yrow + r;
        dispatch_impl<I>(nv, mr, a);
      }
    }
  }
}

template <class I>
void run_task_impl(const Task& t) {
  const Geometry& G = *t.geo;
  if (!G.pack) {
    // The first phase reads the task's inputs from L3/DRAM, prefetching
    // them G.ahead channels on; the second finds them in cache and
    // prefetches instead the inputs of the next block of vectors (task
    // b + 1, usually this thread's next), so the memory works while it
    // computes. Only where that block lies at a fixed offset (pitch mode,
    // or a single row), and in one phase, so each line is asked for once
    // (asked for by every micro-block of every later phase, the requests
    // cost more than they save).
    for (int32_t q = 0; q < t.nphases; ++q) {
      const PhaseView& P = t.phases[q];
      const bool linear = P.vp == G.w_in || P.hq == 1;
      const int64_t next = q == 1 && linear && (t.b + 1) * G.vb < P.nvec ? G.vb * I::VL : 0;
      run_phase<I>(t, P, t.g0, t.g1, nullptr, next);
    }
    return;
  }
  // Packing the input (plan_phases.cpp chooses it for large planes): the part of
  // each channel plane the task's vectors read, [lo, hi), copied into one
  // block, so the reduction over channels walks one compact block in L2
  // instead of a line from each of C_in/groups planes a page or more apart,
  // which neither the TLB nor the prefetchers follow.
  constexpr int VL = I::VL;
  const int64_t hw = G.h_in * G.w_in;
  int64_t lo = hw, hi = 0;
  for (int32_t q = 0; q < t.nphases; ++q) {
    const PhaseView& P = t.phases[q];
    const int64_t v0 = t.b * G.vb, v1 = v0 + G.vb < P.nvec ? v0 + G.vb : P.nvec;
    if (v0 >= v1) continue;
    int64_t a, b;
    input_span(P, v0, v1, VL, G.w_in, a, b);
    lo = a < lo ? a : lo;
    hi = b > hi ? b : hi;
  }
  lo = lo > 0 ? lo : 0;
  hi = hi < hw ? hi : hw;
  if (hi < lo) hi = lo;  // nothing in the input: every tap is masked off, the bias is still written
  const int64_t len = hi - lo;
  const Packed packed{t.scratch->xpack, len, lo};
  for (int64_t g = t.g0; g < t.g1; ++g) {
    const float* src = t.x + (t.n * G.c_in + g * G.cig) * hw + lo;
    for (int64_t ci = 0; ci < G.cig; ++ci, src += hw) {
      float* dst = t.scratch->xpack + ci * len;
      for (int64_t e = 0; e < len; ++e) dst[e] = src[e];
    }
    for (int32_t q = 0; q < t.nphases; ++q) run_phase<I>(t, t.phases[q], g, g + 1, &packed, 0);
  }
}

// ------------------------------------------------------------ 1x1 input

// Register-blocked GEMM micro-kernel for the 1x1-input case (kernel.h):
// MR images x NV vectors of output columns; per input channel it loads NV
// vectors of the packed weight row and broadcasts one x value per image.
template <class I, int MR, int NV>
void gemm_kernel(const GemmTask& t, const float* w, const float* brow, const float* x, float* y,
                 int64_t cols) {
  using V = typename I::V;
  constexpr int VL = I::VL;
  V acc[MR][NV];
#pragma GCC unroll 8
  for (int v = 0; v < NV; ++v) {
    const V b = brow ? I::load(brow + v * VL) : I::zero();
#pragma GCC unroll 24
    for (int r = 0; r < MR; ++r) acc[r][v] = b;
  }
  const float* xr[MR];
#pragma GCC unroll 24
  for (int r = 0; r < MR; ++r) xr[r] = x + r * t.c_in;
  for (int64_t ci = 0; ci < t.cig; ++ci, w += NV * VL) {
    V wv[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) wv[v] = I::load(w + v * VL);
#pragma GCC unroll 24
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[r][v] = I::fma(acc[r][v], wv[v], xr[r] + ci);
    }
  }
#pragma GCC unroll 24
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      const int64_t n = cols - v * VL;
      if (n >= VL)
        I::store_prefix(y + r * t.ystride + v * VL, acc[r][v], VL);
      else if (n > 0)
        I::store_prefix(y + r * t.ystride + v * VL, acc[r][v], int(n));
    }
  }
}

template <class I, int NV, int MR>
struct GemmDispatch {
  static void call(int mr, const GemmTask& t, const float* w, const float* brow, const float* x, float* y,
                   int64_t cols) {
    if (mr == MR)
      gemm_kernel<I, MR, NV>(t, w, brow, x, y, cols);
    else
      GemmDispatch<I, NV, MR - 1>::call(mr, t, w, brow, x, y, cols);
  }
};
template <class I, int NV>
struct GemmDispatch<I, NV, 0> {
  static void call(int, const GemmTask&, const float*, const float*, const float*, float*, int64_t) {}
};

// At most 8 images per tile: one pointer register each.
template <class I, int NV>
void gemm_dispatch_mr(int mr, const GemmTask& t, const float* w, const float* brow, const float* x, float* y,
                      int64_t cols) {
  constexpr int max_mr = I::kMaxAcc / NV < 8 ? I::kMaxAcc / NV : 8;
  GemmDispatch<I, NV, (max_mr > 0 ? max_mr : 1)>::call(mr, t, w, brow, x, y, cols);
}

template <class I>
void run_gemm_task_impl(const GemmTask& t) {
  constexpr int VL = I::VL;
  const int64_t width = int64_t(t.nv) * VL;
  const float* wg = t.wpack + t.g * t.ntiles * t.cig * width;
  const float* bg = t.brow ? t.brow + t.g * t.ntiles * width : nullptr;
  for (int64_t tile = t.t0; tile < t.t1; ++tile) {
    const int64_t col = tile * width;
    const int64_t cols = t.l - col < width ? t.l - col : width;
    const float* w = wg + tile * t.cig * width;
    const float* brow = bg ? bg + tile * width : nullptr;
    for (int64_t n = t.n0; n < t.n1; n += t.mr) {
      const int mr = t.n1 - n < t.mr ? int(t.n1 - n) : t.mr;
      const float* x = t.x + n * t.c_in + t.g * t.cig;
      float* y = t.y + n * t.ystride + t.g * t.l + col;
      switch (t.nv) {
        case 1: gemm_dispatch_mr<I, 1>(mr, t, w, brow, x, y, cols); break;
        case 2: gemm_dispatch_mr<I, 2>(mr, t, w, brow, x, y, cols); break;
        case 3: gemm_dispatch_mr<I, 3>(mr, t, w, brow, x, y, cols); break;
        case 4: gemm_dispatch_mr<I, 4>(mr, t, w, brow, x, y, cols); break;
        case 6: gemm_dispatch_mr<I, 6>(mr, t, w, brow, x, y, cols); break;
        case 8: gemm_dispatch_mr<I, 8>(mr, t, w, brow, x, y, cols); break;
        default: break;
      }
    }
  }
}
