// Internal to optimized/cpu: what the planner (plan*.cpp) hands the kernels
// of each ISA (kernel_avx512.cpp, kernel_avx2.cpp, kernel_scalar.cpp). Plain
// structs of integers and raw pointers only, so the ISA translation units
// instantiate no standard-library code under their target attributes.
//
// Glossary of the planner's terms:
//   phase          one output phase (qh, qw) = (oh mod stride_h, ow mod
//                  stride_w): a dense stride-1 problem with only the kernel
//                  taps that land on it (below).
//   phase group    phases computed by one register tile (PhaseView); each
//                  phase in it is a member. Members read the same input
//                  offsets over the same positions; their outputs are more
//                  rows of the tile.
//   tail member    a member whose taps are the others' and more; only its
//                  rows (tail rows) take the extra taps (PhaseView::mt).
//   tap            one kernel element (kh, kw) of a phase, read at a fixed
//                  input offset (row tap x column tap).
//   position       an output j, i of a phase; a position vector is VL of
//                  them on the lanes, numbered in pitch mode (at the
//                  input's row pitch, a vector may span rows) or row mode
//                  (each vector in one row).
//   tile mr x nv   the micro-kernel's register tile: mr rows (output
//                  channels x members) by nv position vectors.
//   micro-block    mr consecutive rows of a group, one micro-kernel call's
//                  rows over the whole reduction.
//   chunk          cb input channels of the reduction, all taps reading
//                  them from L1 (fixes the summation order).
//   task           an independent piece of the output: a block of conv
//                  groups, of output channels, an image, and a block of vb
//                  vectors of every phase group (Task); threads take tasks.
//   packing        weights are packed at plan time in the order the
//                  micro-kernel reads them; the input is packed per task
//                  (copied into one block, Geometry::pack) where it pays.
//   paired stores  the rows of phases qw = 0 and 1 (stride 2) stored
//                  interleaved as full vectors (PhaseView::pairs).
//   channel vectors  the other method for small planes: output channels
//                  on the lanes (CvTask); positions that take the same taps
//                  form a position class, each class a GEMM.
//   slot           depthwise: a lane's a-th column tap (DwGeometry).
//
// Stride-phase decomposition (Tida et al., arXiv:2209.03704; CUTLASS's
// strided dgrad). Along one axis, output o receives input i through tap k
// when o = i*s - p + k*d. Write o = s*j + q with phase q in [0, s): tap k
// reaches phase q iff (q + p - k*d) is divisible by s, and then from input
// i = j + (q + p - k*d)/s. So phase q is a dense stride-1 correlation over
// j with only those taps, each at a fixed input offset; every tap belongs to
// exactly one phase, and phases write disjoint outputs.
#pragma once

#include <cstdint>

namespace convt::cpu::detail {

// Output segment of one vector of positions: `count` lanes from `lane0` go to
// y[row offset + yoff + l * stride_w], l = 0..count-1 (one output row of the
// phase; the row offset is the register-tile row's, PhaseView::yrow).
struct Segment {
  int64_t yoff;
  int32_t lane0;
  int32_t count;
};

// One output phase (qh, qw), or several fused (a phase group): its extent,
// its taps, and its tiling. Phases whose taps read the same input offsets
// over the same positions are fused (plan_phases.cpp): their outputs become
// more rows of the register tile, so every input vector loaded feeds more
// FMAs (a layer with one output channel and stride 10 gets 9 rows instead
// of 1). Row R of a
// group's tile is output channel R / m of phase member R % m, written at
// y + yrow[R] + (sh*j*W_out + sw*i); every member has a tap at every offset
// (its own weights), so nothing is padded.
struct PhaseView {
  int64_t hq, wq;     // positions j in [0, hq), i in [0, wq): outputs oh = sh*j + qh, ow = sw*i + qw
  int32_t m;          // fused phases (members)
  int32_t mr;         // register-tile rows of this phase's micro-kernel calls
  const int64_t* yrow;  // per row R of a group (C_out/groups * m of them): (R / m) * H_out*W_out + qh*W_out + qw
  const float* brow;    // per group x row: the row's bias, or null
  int32_t nth, ntw;   // taps along each axis (the phase has nth*ntw taps)
  const int64_t* offh;  // input row offset of each row tap: ih = j + offh
  const int64_t* offw;  // input column offset of each column tap: iw = i + offw
  const int64_t* toff;  // per tap t = th*ntw + tw: offh*W_in + offw
  int64_t tmin, tmax;   // the least and greatest toff
  // Positions are numbered p = j*vp + i and cut into vectors of VL lanes.
  // vp == W_in ("pitch" mode, only when wq <= W_in): a vector may span
  // several rows and its input offsets are still p + toff, affine in the
  // lane; otherwise vp = wq rounded up to VL ("row" mode).
  int64_t vp;
  int64_t nvec;       // vectors per image
  int64_t k;          // reduction length of every row: C_in/groups * (taps without xtap)
  // Tail members (plan_phases.cpp): a phase whose taps are another's and
  // more, over the same positions, joins it as its last mt members (kernel
  // 21, stride 10: one phase of 3 taps after nine of 2; kernel 3, stride 2:
  // phase qw = 1 of 2 column taps after qw = 0 of 1).
  // Tail rows are those of tail members, R % m >= m - mt (tail_before).
  // The taps with xtap[t] set are theirs alone: the tile's other rows skip
  // them, and every row still adds its own taps in its own order.
  const uint8_t* xtap;  // per tap: 1 where only the tail rows take it, or null (mt == 0)
  int32_t mt;         // tail members (0: none)
  int64_t kx;         // more reduction of each tail row: C_in/groups * (taps with xtap)
  int32_t nv;         // vectors of this phase's micro-kernel calls (a divisor of Geometry::nv)
  // Stride 2 along W: rows 2r and 2r+1 are phases qw = 0 and 1 of the same
  // channel and qh (yrow one apart), and every micro-block holds whole
  // pairs. Their lanes interleave into consecutive outputs, so the pair is
  // stored as full vectors (kernel_impl.h), not as two every-other-element
  // masked stores.
  bool pairs;
  const float* wpack;  // packed weights of group 0 (group g at + g*cog*channel_weights)
};

// Packed weights of one output channel of a phase: its m rows of k, and kx
// more for each tail row.
inline int64_t channel_weights(const PhaseView& phase) { return phase.m * phase.k + phase.mt * phase.kx; }

// Tail rows (PhaseView::mt) among rows [0, r) of a group.
inline int64_t tail_before(const PhaseView& phase, int64_t r) {
  const int64_t in = r % phase.m - (phase.m - phase.mt);
  return r / phase.m * phase.mt + (in > 0 ? in : 0);
}

// The input elements that vectors [v0, v1) of a phase group read, [lo, hi) of a
// plane (before clipping to the plane): lane l of the vector whose lane 0
// is position p = j*vp + i reads j*W_in + i + l + toff (the lanes of a
// row-mode vector stay in one row, i <= vp - vl).
inline void input_span(const PhaseView& phase, int64_t v0, int64_t v1, int64_t vl, int64_t w_in, int64_t& lo,
                       int64_t& hi) {
  const int64_t p0 = v0 * vl, p1 = (v1 - 1) * vl;
  const int64_t j0 = p0 / phase.vp, i0 = p0 % phase.vp, j1 = p1 / phase.vp, i1 = p1 % phase.vp;
  const int64_t first = j0 * w_in + i0, next_row = (j0 + 1) * w_in;
  lo = (j1 > j0 && next_row < first ? next_row : first) + phase.tmin;
  hi = j1 * w_in + (j1 > j0 && phase.vp - vl > i1 ? phase.vp - vl : i1) + vl + phase.tmax;
}

// The problem and its tiling, as the kernels need them.
struct Geometry {
  int64_t c_in, h_in, w_in;
  int64_t c_out, h_out, w_out;
  int64_t cig, cog;
  int64_t sh, sw;
  int32_t nv;         // vectors of the micro-tiles: PhaseView::mr rows x PhaseView::nv (a divisor of this)
  int64_t cb;         // input channels per chunk of the reduction
  int64_t vb;         // vectors of each phase per task (a multiple of nv)
  int64_t ahead;      // input prefetch distance in channels (about 600 cycles of work)
  int64_t wahead;     // weight prefetch distance in floats (plan_phases.cpp), or 0
  bool pack;          // copy each task's part of the input planes first (run_task_impl)
};

// Per-thread scratch, sized by the plan for its largest task.
struct Scratch {
  int64_t* xoff;      // per vector of the task
  uint32_t* rowm;     // per vector x nth: lanes whose row tap is in range (and are outputs)
  uint32_t* colm;     // per vector x ntw: lanes whose column tap is in range
  int32_t* nseg;      // per vector
  Segment* seg;       // per vector x (VL + 1)
  uint32_t* tmask;    // per tap x nv: lanes of each vector that take the tap
  uint8_t* tflag;     // per tap: 0 no lane, 1 some lanes, 2 every lane of every vector
  float* xpack;       // Geometry::pack: C_in/groups x the planes' part a task reads
};

// One task: channels [co0, co1) of each group in [g0, g1), image n, and the
// vectors [b*vb, (b+1)*vb) of every phase: the same region of the input for
// all phases, so they reuse it from cache, and the interleaved outputs of
// the phases are written close together. Tasks write disjoint parts of y
// and compute each of their elements whole, in an order fixed by the shape.
struct Task {
  const Geometry* geo;
  const PhaseView* phases;
  int32_t nphases;
  int64_t g0, g1, n, co0, co1, b;
  const float* x;
  float* y;
  Scratch* scratch;
};

// The 1x1-input case (input 1 x 1, no padding, dilation 1, no output
// padding: "project and reshape" layers, a generator's first): output
// (kh, kw) takes exactly tap (kh, kw), so per group
//   y[n, g, :] = bias row + x[n, g, :] . W_g,   W_g: C_in/groups x L,
// L = C_out/groups * kH * kW contiguous in both w and y: a plain GEMM. Its
// task: images [n0, n1) x column tiles [t0, t1) of group g.
struct GemmTask {
  const float* wpack;  // [group][column tile][input channel][nv * VL], zero-padded past L
  const float* brow;   // bias per column, [group][column tile][nv * VL], or null
  const float* x;
  float* y;
  int64_t c_in, cig;   // x row stride; reduction length
  int64_t l;           // columns per group
  int64_t ystride;     // C_out * kH * kW
  int64_t ntiles;      // column tiles per group
  int32_t mr, nv;
  int64_t g, n0, n1, t0, t1;
};

// One input channel per group (depthwise, channel multipliers): nothing to
// reuse across channels, so the work is bound by writing the output, and it
// is done in output order, every output row as whole vectors of VL
// consecutive columns (never a strided store). Lane l of the vector at
// column ow0 = b*VL takes the column taps kw with (ow0 + l + pw - kw*dw)
// divisible by sw, in ascending order: its a-th such tap is "slot" a, read
// from input column iw = (ow0 + l + pw - kw*dw) / sw. Per slot the lanes'
// input columns lie within a window of 2*VL from base[b][a], so one
// permute (idx, per class) gathers them from a row, and one FMA
// with a vector of per-lane weights (wvec) adds the slot for all lanes. The
// pattern repeats every `classes` vectors (classes = sw / gcd(sw, VL)).
// Input rows are copied into a zero-bordered plane (scratch), so every
// window is readable; lanes outside the input or the output are masked.
struct DwGeometry {
  int64_t c_in, h_in, w_in, c_out, h_out, w_out, cog;
  int64_t sh, ph, dh, kh;
  int32_t slots, classes;
  int64_t nb;            // vectors per output row
  int64_t pitch, lpad;   // padded plane: row length; column of x[.., 0]
  const int32_t* base;   // per vector x slot: window start, in padded columns from x[.., 0]
  const uint32_t* mask;  // per vector x slot: lanes that take the slot
  const int32_t* idx;    // per class x slot x VL: lane -> position in the window
  const float* wvec;     // per output channel x kh x class x slot x VL (0 where no slot)
  const float* bias;     // C_out, or null
  const int32_t* row_taps;   // per output row: its row taps (at most max_row_taps)
  const int32_t* row_kh_ih;  // per output row x max_row_taps: (kh, ih), kh ascending
  int32_t max_row_taps;
  // Runs of output rows first, first + sh, ... (count of them) with the same
  // row taps, each reading the input rows after the previous row's.
  const int64_t* runs;  // (first, count) per run
  int64_t nruns;
  int32_t window;  // 0: every idx is 0..VL-1 (a plain load); 1: all below VL; 2: all below 2*VL
  bool fixed;      // one class, at most 4 slots (dw_rows_fixed)
};

// One task: output channels [co0, co1) and rows [oh0, oh1) of image n.
struct DwTask {
  const DwGeometry* geo;
  const float* x;
  float* y;
  float* plane;  // the thread's padded plane (H_in x pitch), borders zero
  int64_t n, co0, co1, oh0, oh1;
};
inline constexpr int kDwMaxRowTaps = 64;

// Small planes (the phases of a 4x4 or 8x8 input) waste the lanes of
// position vectors on taps that fall outside the input, up to a quarter of
// them, and rows a vector and a bit long waste the rest of the last vector.
// There the lanes run over output rows (channels, PhaseView rows)
// instead: for one phase, the positions that take the same taps form a
// class, and the class's positions of every image are the columns of a GEMM
// y[row, column] = sum over (chunk, tap, channel) of W[tap, channel, row] *
// X[(chunk, tap, channel), column], K running over the class's taps only.
// X is read in place (each of a tile's nr columns from its own pointer, one
// broadcast per column and step); every element gets the same FMAs in the
// same order as in the position-vector kernel, so both give the same bits.
struct CvTask {
  const float* x;
  float* y;
  const float* w;        // the phase's weights for the group: [row block][tap][channel][nv * VL], 0 past the rows
  const float* bias;     // the group's row biases, rpad of them, or null
  int64_t ptaps;         // the phase's taps
  const int64_t* yrow;   // per row: output offset (PhaseView::yrow)
  const int64_t* toff;   // the phase's taps: input offsets
  const int32_t* taps;   // the class's taps, ascending
  int32_t ntaps;
  const int64_t* xpos;   // per class position: input offset j*W_in + i
  const int64_t* ypos;   // per class position: output offset sh*j*W_out + sw*i
  int64_t npos;
  int64_t rows, rpad, cig, cb, hw, ohw;  // rpad: rows rounded up to nv * VL
  int64_t xstride, ystride;  // per image: C_in*hw, C_out*ohw
  int64_t xg, yg;            // the group's first channel: g*cig*hw, g*cog*ohw
  int64_t c0, c1;            // columns [c0, c1) of n*npos + position
  int32_t nr, nv;
};
inline constexpr int kCvMaxNr = 12;
inline constexpr int kCvMaxColumns = 8 * kCvMaxNr;  // per task

// The largest accumulator tile (mr * nv) of each ISA's micro-kernels, and the
// vector counts they come in; every mr from 1 to min(24, max_acc / nv) exists.
inline constexpr int kNvChoices[] = {1, 2, 3, 4, 6, 8};
inline constexpr int kMaxMr = 24;

void run_task_avx512(const Task& t);
void run_task_avx2(const Task& t);
void run_task_scalar(const Task& t);
void run_gemm_task_avx512(const GemmTask& t);
void run_gemm_task_avx2(const GemmTask& t);
void run_gemm_task_scalar(const GemmTask& t);
void run_dw_task_avx512(const DwTask& t);
void run_cv_task_avx512(const CvTask& t);
void run_cv_task_avx2(const CvTask& t);
void run_cv_task_scalar(const CvTask& t);
void run_dw_task_avx2(const DwTask& t);
void run_dw_task_scalar(const DwTask& t);

}  // namespace convt::cpu::detail
