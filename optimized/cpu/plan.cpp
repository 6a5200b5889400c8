// Planning: ISA selection, the stride-phase decomposition, tiling, weight
// packing, and the run that hands tasks to the threads.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "optimized/cpu/conv_transpose_cpu.h"
#include "optimized/cpu/kernel.h"
#include "optimized/cpu/thread_pool.h"

namespace convt::cpu {

using namespace detail;

// ---------------------------------------------------------------- ISA choice

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::scalar: return "scalar";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
  }
  return "?";
}

std::optional<Isa> parse_isa(std::string_view name) {
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512})
    if (name == isa_name(isa)) return isa;
  return std::nullopt;
}

// Run-time dispatch from the CPU's features (__builtin_cpu_supports also
// checks that the OS saves the registers); the kernels of each ISA are
// compiled with function target attributes, not -march for the program.
bool isa_supported(Isa isa) {
  __builtin_cpu_init();
  switch (isa) {
    case Isa::scalar: return true;
    case Isa::avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
             __builtin_cpu_supports("fma");
  }
  return false;
}

Isa best_isa() {
  for (Isa isa : {Isa::avx512, Isa::avx2})
    if (isa_supported(isa)) return isa;
  return Isa::scalar;
}

Result<Isa> default_isa() {
  const char* env = std::getenv("CONVT_CPU_ISA");
  if (!env || !*env) return best_isa();
  const std::optional<Isa> isa = parse_isa(env);
  if (!isa) return Error{"CONVT_CPU_ISA=" + std::string(env) + " is not an ISA (scalar, avx2 or avx512)"};
  if (!isa_supported(*isa))
    return Error{"CONVT_CPU_ISA=" + std::string(env) + ": this CPU does not support " + isa_name(*isa)};
  return *isa;
}

// ---------------------------------------------------------------- the plan

namespace {

struct IsaTraits {
  int vl;        // lanes
  int max_acc;   // largest mr * nv of its micro-kernels (kernel_<isa>.cpp)
  double fpc;    // vector FMAs per cycle
  void (*run_task)(const Task&);
  void (*run_gemm_task)(const GemmTask&);
  void (*run_dw_task)(const DwTask&);
  void (*run_cv_task)(const CvTask&);
};

IsaTraits traits(Isa isa) {
  switch (isa) {
    case Isa::avx512: return {16, 24, 1.0, run_task_avx512, run_gemm_task_avx512, run_dw_task_avx512, run_cv_task_avx512};
    case Isa::avx2: return {8, 12, 2.0, run_task_avx2, run_gemm_task_avx2, run_dw_task_avx2, run_cv_task_avx2};
    case Isa::scalar: break;
  }
  return {1, 8, 2.0, run_task_scalar, run_gemm_task_scalar, run_dw_task_scalar, run_cv_task_scalar};
}

// The 1x1-input case of kernel.h: output (kh, kw) is tap (kh, kw).
bool is_1x1(const Problem& p) {
  return p.h_in == 1 && p.w_in == 1 && p.padding == Pair{0, 0} && p.dilation == Pair{1, 1} &&
         p.output_padding == Pair{0, 0};
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

// A phase, or phases fused (kernel.h, PhaseView): the taps' input offsets
// and positions they share, and per member its kernel taps and output offset.
struct Phase {
  PhaseView view{};
  std::vector<int64_t> offh, offw, toff;
  std::vector<std::vector<int64_t>> kh, kw;  // per member, in the order of offh and offw
  std::vector<int64_t> moff;                 // per member: qh * W_out + qw
  std::vector<int64_t> yrow;
  std::vector<float> brow;
  std::vector<uint8_t> xtap;                 // tail members' taps (PhaseView::xtap), or empty
  bool pitch = false;
  int64_t wpack_offset = 0;
};

// One axis of the stride-phase decomposition (kernel.h): the taps k of phase
// q and their input offsets, ascending in k. Taps that no output j in
// [0, count) can take (the input index would always be out of range) are
// dropped: they would only ever be masked off.
void axis_taps(int64_t q, int64_t count, int64_t in, int64_t stride, int64_t pad, int64_t dil,
               int64_t kernel, std::vector<int64_t>& ks, std::vector<int64_t>& offs) {
  for (int64_t k = 0; k < kernel; ++k) {
    const int64_t v = q + pad - k * dil;
    if (v % stride != 0) continue;
    const int64_t off = v / stride;
    if (off <= -count || off >= in) continue;
    ks.push_back(k);
    offs.push_back(off);
  }
}

// Cycles of one reduction step of an mr x nv micro-kernel: its FMAs at the
// ISA's rate, at least the FMA latency (each accumulator takes one FMA per
// step), at least its loads (nv input vectors, mr broadcasts) at two per
// cycle; plus a small charge per load so that ties go to the tile that
// reuses its registers more.
double step_cycles(int mr, int nv, double fpc) {
  return std::max({mr * nv / fpc, 4.0, (mr + nv) / 2.0}) + 0.05 * (mr + nv);
}

// Step cycles of one phase of one image in position vectors, with tiles of
// mr rows x nv vectors, counting the partial last block of rows. The last
// group of vectors, if short, has padding vectors: the micro-kernel skips
// the last of them (masked_steps: no lane takes any tap there) and computes
// the others, so that group costs a tile of nv - 1 vectors. (Counted as nv,
// Mask R-CNN's 13 vectors an image took 24x1 tiles, load-bound, over 12x2:
// 11% slower.)
double phase_cost(const PhaseView& v, int64_t cog, int mr, int nv, double fpc) {
  const auto rows_cost = [&](int64_t rows, int64_t k, int vectors) {
    const int64_t full = rows / mr, rest = rows % mr;
    return double(std::max<int64_t>(k, 1)) * (double(full) * step_cycles(mr, vectors, fpc) +
                                              (rest ? step_cycles(int(rest), vectors, fpc) : 0.0));
  };
  // Tail taps: per block of mr rows, its tail rows (tail_before).
  const auto tail_cost = [&](int vectors) {
    double c = 0;
    for (int64_t b = 0; b < cog * v.m; b += mr) {
      const int64_t t = tail_before(v, std::min(b + mr, cog * v.m)) - tail_before(v, b);
      if (t) c += step_cycles(int(t), vectors, fpc);
    }
    return double(v.kx) * c;
  };
  const auto group_cost = [&](int vectors) {
    return rows_cost(cog * v.m, v.k, vectors) + (v.mt ? tail_cost(vectors) : 0.0);
  };
  const int64_t full = v.nvec / nv;
  return double(full) * group_cost(nv) + (v.nvec % nv ? group_cost(std::max(1, nv - 1)) : 0.0);
}

// Paired stores (kernel.h, PhaseView::pairs): stride 2 along W and the
// members in pairs qw = 0, 1 of one qh, one output apart; then the tiles
// take an even number of rows (micro-blocks start at multiples of m and of
// mr, so they hold whole pairs). Measured at 2 threads (Zen 5 EPYC, ABBA
// process pairs): U-Net's up4 16% faster, up3 12%, Mask R-CNN 8%.
bool pairable(const Phase& ph, int64_t sw) {
  const bool tails_odd = ph.view.m == 2 && ph.view.mt <= 1;  // tail rows, if any, are the odd ones
  if (sw != 2 || ph.view.m % 2 != 0 || (ph.view.mt && !tails_odd)) return false;
  for (size_t i = 0; i < ph.moff.size(); i += 2)
    if (ph.moff[i + 1] != ph.moff[i] + 1) return false;
  return true;
}

// Tail members (kernel.h, PhaseView): a phase whose row and column tap
// offsets contain another's, in the same order, over the same positions,
// joins it; the other's members keep their own taps (-1 in kh, kw where
// they have none). Where the tail rows can be a micro-block's last or its
// odd rows: with one output channel per group, or (stride 2 along W) a
// single phase qw = 1 joining its qw = 0, whose rows then alternate and
// store as pairs (pairable). Without them, with one output channel, the
// phase with more taps makes a tile of its own, one row, load-bound:
// SuDoRM-RF's phase of 3 taps took a third of the layer's time for a
// seventh of its FMAs; joined (one 10-row tile, 5x4), the layer is 16-20%
// faster (2 threads, Zen 5 EPYC, in alternation; 378 us against oneDNN's
// 443 in one convt bench run). Each row's FMAs are the same, in the same
// order: the output's bits do not change. True if any joined.
bool add_tail_members(std::vector<Phase>& phases, int64_t cig, int64_t cog, int64_t sw) {
  // Where each element of a lies in b, or empty if a is not a subsequence of b.
  const auto positions = [](const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
    std::vector<int64_t> at;
    for (size_t i = 0, j = 0; i < a.size(); ++i, ++j) {
      while (j < b.size() && b[j] != a[i]) ++j;
      if (j == b.size()) return std::vector<int64_t>{};
      at.push_back(int64_t(j));
    }
    return at;
  };
  bool any = false;
  for (size_t a = 0; a < phases.size(); ++a)
    for (size_t b = 0; b < phases.size(); ++b) {
      Phase& base = phases[a];
      const Phase& tail = phases[b];
      if (a == b || base.view.mt || tail.view.mt || base.view.hq != tail.view.hq || base.view.wq != tail.view.wq ||
          base.toff.empty() || base.toff.size() >= tail.toff.size())
        continue;
      const bool pair = sw == 2 && base.view.m == 1 && tail.view.m == 1 && tail.moff[0] == base.moff[0] + 1;
      if (cog != 1 && !pair) continue;
      const std::vector<int64_t> ih = positions(base.offh, tail.offh), iw = positions(base.offw, tail.offw);
      if (ih.size() != base.offh.size() || iw.size() != base.offw.size()) continue;
      // The base members' taps on the tail's grid; the taps they lack.
      for (size_t m = 0; m < base.kh.size(); ++m) {
        std::vector<int64_t> kh(tail.offh.size(), -1), kw(tail.offw.size(), -1);
        for (size_t i = 0; i < ih.size(); ++i) kh[size_t(ih[i])] = base.kh[m][i];
        for (size_t i = 0; i < iw.size(); ++i) kw[size_t(iw[i])] = base.kw[m][i];
        base.kh[m] = kh;
        base.kw[m] = kw;
      }
      base.xtap.clear();
      for (int64_t k : base.kh[0])
        for (int64_t l : base.kw[0]) base.xtap.push_back(k < 0 || l < 0);
      PhaseView& v = base.view;
      v.mt = tail.view.m;
      v.kx = cig * (int64_t(tail.toff.size()) - int64_t(base.toff.size()));
      v.m += tail.view.m;
      v.nth = tail.view.nth;
      v.ntw = tail.view.ntw;
      v.tmin = tail.view.tmin;
      v.tmax = tail.view.tmax;
      base.offh = tail.offh;
      base.offw = tail.offw;
      base.toff = tail.toff;
      base.kh.insert(base.kh.end(), tail.kh.begin(), tail.kh.end());
      base.kw.insert(base.kw.end(), tail.kw.begin(), tail.kw.end());
      base.moff.insert(base.moff.end(), tail.moff.begin(), tail.moff.end());
      phases.erase(phases.begin() + std::ptrdiff_t(b));
      any = true;
      a = size_t(-1);  // start over: the phases moved
      break;
    }
  return any;
}

}  // namespace

struct PlanImpl {
  Problem problem;
  Isa isa = Isa::scalar;
  int threads = 1;
  Geometry geo{};
  std::vector<float> wpack, bias;
  std::vector<Phase> phases;
  std::vector<PhaseView> views;
  // Tasks: group block, channel block, image, vector block (fastest).
  int64_t gb = 1, ngb = 0, mb = 0, ncb = 0, nvb = 0;
  int64_t tasks = 0;
  void (*run_task)(const Task&) = nullptr;

  // The 1x1-input GEMM instead (is_1x1): tasks are group, column-tile
  // chunk, image chunk.
  bool gemm = false;
  GemmTask gemm_task{};
  std::vector<float> brow;
  int64_t tiles_per_task = 0, ntc = 0, images_per_task = 0, nic = 0;
  void (*run_gemm_task)(const GemmTask&) = nullptr;

  // One input channel per group instead (plan_depthwise): tasks are image,
  // channel block, row block.
  bool dw = false;
  DwGeometry dwg{};
  std::vector<int32_t> dw_base, dw_idx, dw_row_taps, dw_row_kh_ih;
  std::vector<int64_t> dw_runs;
  std::vector<uint32_t> dw_mask;
  std::vector<float> dw_wvec;
  std::vector<std::vector<float>> dw_planes;  // per thread
  int64_t dw_cpt = 1, dw_ncb = 0, dw_rpt = 1, dw_nrb = 0;
  void (*run_dw_task)(const DwTask&) = nullptr;

  // Lanes over output rows instead (plan_channels): one task
  // per group, position class (of a phase) and block of up to 8 tiles of nr
  // columns.
  struct CvClass {
    size_t phase;
    std::vector<int32_t> taps;
    std::vector<int64_t> xpos, ypos;
  };
  bool cv = false;
  std::vector<CvClass> cv_classes;
  std::vector<std::vector<float>> cv_w, cv_bias;    // per phase: CvTask::w of each group; [group][rpad]
  std::vector<std::vector<int64_t>> cv_yrow;        // per phase
  std::vector<std::array<int64_t, 4>> cv_tasks;     // group, class, first column, end column
  int32_t cv_nr = 1, cv_nv = 1;
  int64_t cv_images = 1;                             // per block of tasks
  void (*run_cv_task)(const CvTask&) = nullptr;

  struct ThreadScratch {
    std::vector<int64_t> xoff;
    std::vector<uint32_t> rowm, colm, tmask;
    std::vector<int32_t> nseg;
    std::vector<Segment> seg;
    std::vector<uint8_t> tflag;
    std::vector<float> xpack;
    Scratch view{};
  };
  std::vector<ThreadScratch> scratch;
  std::unique_ptr<ThreadPool> pool;
};

namespace {

void make_pool(PlanImpl& P) {
  if (P.threads > 1 && P.tasks > 1) P.pool = std::make_unique<ThreadPool>(P.threads);
}

// Tiling and packing of the 1x1-input GEMM (kernel.h), from the shape alone.
void plan_1x1(PlanImpl& P, const Problem& p, const float* w, const IsaTraits& it) {
  const Geometry& G = P.geo;
  GemmTask& T = P.gemm_task;
  P.gemm = true;
  P.run_gemm_task = it.run_gemm_task;
  T.c_in = p.c_in;
  T.cig = G.cig;
  T.l = G.cog * p.kernel.h * p.kernel.w;
  T.ystride = p.c_out * p.kernel.h * p.kernel.w;
  // Register tile: images x vectors of columns.
  double best = std::numeric_limits<double>::infinity();
  for (int nv : kNvChoices) {
    const int max_mr = std::min(8, it.max_acc / nv);
    for (int mr = 1; mr <= max_mr; ++mr) {
      const int64_t full = p.n / mr, rest = p.n % mr;
      const double cost = double(ceil_div(T.l, int64_t(nv) * it.vl)) *
                          (double(full) * step_cycles(mr, nv, it.fpc) +
                           (rest ? step_cycles(int(rest), nv, it.fpc) : 0.0));
      if (cost < best) {
        best = cost;
        T.mr = mr;
        T.nv = nv;
      }
    }
  }
  const int64_t width = int64_t(T.nv) * it.vl;
  T.ntiles = ceil_div(T.l, width);
  // Weights as [group][tile][input channel][width], zero past L: a tile's
  // panel is read sequentially (zeros only meet lanes that are not stored).
  P.wpack.assign(size_t(p.groups * T.ntiles * G.cig * width), 0.0f);
  for (int64_t g = 0; g < p.groups; ++g)
    for (int64_t ci = 0; ci < G.cig; ++ci)
      for (int64_t c = 0; c < T.l; ++c)
        P.wpack[size_t(((g * T.ntiles + c / width) * G.cig + ci) * width + c % width)] =
            w[(g * G.cig + ci) * T.l + c];
  if (p.bias) {
    const int64_t taps = p.kernel.h * p.kernel.w;
    P.brow.assign(size_t(p.groups * T.ntiles * width), 0.0f);
    for (int64_t g = 0; g < p.groups; ++g)
      for (int64_t c = 0; c < T.l; ++c) P.brow[size_t(g * T.ntiles * width + c)] = P.bias[size_t(g * G.cog + c / taps)];
  }
  T.wpack = P.wpack.data();
  T.brow = p.bias ? P.brow.data() : nullptr;
  // A task: the tiles whose panels fill about 256 KiB, all images (split
  // when that leaves fewer than 16 tasks).
  P.tiles_per_task = std::clamp<int64_t>((int64_t(1) << 16) / (std::max<int64_t>(G.cig, 1) * width), 1, T.ntiles);
  P.ntc = ceil_div(T.ntiles, P.tiles_per_task);
  P.images_per_task = round_up(p.n, T.mr);
  if (p.groups * P.ntc < 16) {
    const int64_t want = ceil_div(16, p.groups * P.ntc);
    P.images_per_task = round_up(std::max<int64_t>(1, ceil_div(p.n, want)), T.mr);
  }
  P.nic = ceil_div(p.n, P.images_per_task);
  P.tasks = p.groups * P.ntc * P.nic;
  make_pool(P);
}

// Column taps of output column ow (kernel.h, DwGeometry): kw ascending with
// ow + pw - kw*dw divisible by sw, and their input columns.
void column_taps(int64_t ow, const Problem& p, std::vector<int64_t>& kws, std::vector<int64_t>& iws) {
  kws.clear();
  iws.clear();
  for (int64_t kw = 0; kw < p.kernel.w; ++kw) {
    const int64_t v = ow + p.padding.w - kw * p.dilation.w;
    if (v % p.stride.w != 0) continue;
    kws.push_back(kw);
    iws.push_back(v / p.stride.w);
  }
}

// The one-input-channel-per-group path (kernel.h, DwGeometry), for depthwise
// layers and small channel multipliers; false when the shape does not suit
// it (more output channels per input channel gain from a register tile, a
// slot whose lanes span more than two vectors cannot be permuted).
bool plan_depthwise(PlanImpl& P, const Problem& p, const float* w, const IsaTraits& it) {
  const Geometry& G = P.geo;
  if (G.cig != 1 || G.cog > 4 || p.kernel.h > kDwMaxRowTaps) return false;
  const int64_t vl = it.vl;
  DwGeometry& D = P.dwg;
  D.c_in = p.c_in;
  D.h_in = p.h_in;
  D.w_in = p.w_in;
  D.c_out = p.c_out;
  D.h_out = G.h_out;
  D.w_out = G.w_out;
  D.cog = G.cog;
  D.sh = p.stride.h;
  D.ph = p.padding.h;
  D.dh = p.dilation.h;
  D.kh = p.kernel.h;
  D.nb = ceil_div(G.w_out, vl);
  D.classes = int32_t(p.stride.w / std::gcd(p.stride.w, vl));
  std::vector<int64_t> kws, iws;
  // Slots: the most column taps any lane has (the residues of ow mod sw all
  // occur in the first `classes` vectors).
  int64_t slots = 0;
  for (int64_t ow = 0; ow < D.classes * vl; ++ow) {
    column_taps(ow, p, kws, iws);
    slots = std::max<int64_t>(slots, int64_t(kws.size()));
  }
  if (slots == 0 || slots * D.nb > (int64_t(1) << 24)) return false;
  D.slots = int32_t(slots);
  P.dw_base.assign(size_t(D.nb * slots), 0);
  P.dw_mask.assign(size_t(D.nb * slots), 0);
  P.dw_idx.assign(size_t(D.classes * slots * vl), 0);
  D.window = 0;
  int64_t lo = 0, hi = std::max<int64_t>(p.w_in, 2 * vl);  // columns read, relative to x[.., 0]
  for (int64_t b = 0; b < D.nb; ++b) {
    const int64_t cls = b % D.classes;
    std::vector<std::vector<int64_t>> lane_iw(static_cast<size_t>(vl));
    for (int64_t l = 0; l < vl; ++l) {
      column_taps(b * vl + l, p, kws, iws);
      lane_iw[size_t(l)] = iws;
    }
    for (int64_t a = 0; a < slots; ++a) {
      int64_t base = std::numeric_limits<int64_t>::max();
      for (int64_t l = 0; l < vl; ++l)
        if (a < int64_t(lane_iw[size_t(l)].size())) base = std::min(base, lane_iw[size_t(l)][size_t(a)]);
      if (base == std::numeric_limits<int64_t>::max()) continue;  // no lane has this slot: mask 0
      uint32_t mask = 0;
      for (int64_t l = 0; l < vl; ++l) {
        const bool has = a < int64_t(lane_iw[size_t(l)].size());
        const int64_t iw = has ? lane_iw[size_t(l)][size_t(a)] : base;
        if (iw - base >= 2 * vl) return false;
        D.window = std::max(D.window, !has || iw - base != l ? int32_t(iw - base < vl ? 1 : 2) : 0);
        P.dw_idx[size_t((cls * slots + a) * vl + l)] = int32_t(iw - base);  // the same for every b of the class
        if (has && b * vl + l < G.w_out && iw >= 0 && iw < p.w_in) mask |= uint32_t(1) << l;
      }
      P.dw_base[size_t(b * slots + a)] = mask ? int32_t(base) : 0;  // (no lane reads: a safe window)
      P.dw_mask[size_t(b * slots + a)] = mask;
      if (mask) {
        lo = std::min(lo, base);
        hi = std::max(hi, base + 2 * vl);
      }
    }
  }
  D.lpad = -lo;
  D.pitch = round_up(hi - lo, 16);
  if (D.pitch * p.h_in > (int64_t(1) << 28)) return false;
  // Per-lane weights: [co][kh][class][slot][lane], 0 where the lane has no slot.
  const int64_t per_kh = D.classes * slots * vl;
  P.dw_wvec.assign(size_t(p.c_out * p.kernel.h * per_kh), 0.0f);
  for (int64_t cls = 0; cls < D.classes; ++cls)
    for (int64_t l = 0; l < vl; ++l) {
      column_taps(cls * vl + l, p, kws, iws);
      for (size_t a = 0; a < kws.size(); ++a)
        for (int64_t co = 0; co < p.c_out; ++co)
          for (int64_t kh = 0; kh < p.kernel.h; ++kh)
            P.dw_wvec[size_t((co * p.kernel.h + kh) * per_kh + (cls * slots + int64_t(a)) * vl + l)] =
                w[(co * p.kernel.h + kh) * p.kernel.w + kws[a]];
    }
  // Row taps of every output row: kh ascending with oh + ph - kh*dh
  // divisible by sh and the input row ih inside the input.
  D.max_row_taps = 0;
  P.dw_row_taps.assign(size_t(G.h_out), 0);
  std::vector<std::vector<int32_t>> row_kh_ih(static_cast<size_t>(G.h_out));
  for (int64_t oh = 0; oh < G.h_out; ++oh) {
    for (int64_t kh = 0; kh < p.kernel.h; ++kh) {
      const int64_t v = oh + p.padding.h - kh * p.dilation.h;
      if (v % p.stride.h != 0 || v / p.stride.h < 0 || v / p.stride.h >= p.h_in) continue;
      row_kh_ih[size_t(oh)].push_back(int32_t(kh));
      row_kh_ih[size_t(oh)].push_back(int32_t(v / p.stride.h));
    }
    P.dw_row_taps[size_t(oh)] = int32_t(row_kh_ih[size_t(oh)].size() / 2);
    D.max_row_taps = std::max(D.max_row_taps, P.dw_row_taps[size_t(oh)]);
  }
  P.dw_row_kh_ih.assign(size_t(G.h_out * 2 * D.max_row_taps), 0);
  for (int64_t oh = 0; oh < G.h_out; ++oh)
    std::copy(row_kh_ih[size_t(oh)].begin(), row_kh_ih[size_t(oh)].end(),
              P.dw_row_kh_ih.begin() + oh * 2 * D.max_row_taps);
  P.dw_runs.clear();
  for (int64_t qh = 0; qh < std::min(p.stride.h, G.h_out); ++qh)
    for (int64_t oh = qh; oh < G.h_out; oh += p.stride.h) {
      const std::vector<int32_t>& now = row_kh_ih[size_t(oh)];
      bool extends = oh >= p.stride.h && !P.dw_runs.empty();
      if (extends) {
        const std::vector<int32_t>& prev = row_kh_ih[size_t(oh - p.stride.h)];
        extends = prev.size() == now.size();
        for (size_t r = 0; extends && r < now.size(); r += 2)
          extends = prev[r] == now[r] && prev[r + 1] + 1 == now[r + 1];
      }
      if (extends)
        ++P.dw_runs.back();
      else
        P.dw_runs.insert(P.dw_runs.end(), {oh, 1});
    }
  D.runs = P.dw_runs.data();
  D.nruns = int64_t(P.dw_runs.size() / 2);
  D.row_taps = P.dw_row_taps.data();
  D.row_kh_ih = P.dw_row_kh_ih.data();
  D.fixed = D.classes == 1 && slots <= 4;
  D.base = P.dw_base.data();
  D.mask = P.dw_mask.data();
  D.idx = P.dw_idx.data();
  D.wvec = P.dw_wvec.data();
  D.bias = p.bias ? P.bias.data() : nullptr;
  // Tasks, from the shape alone: about 64 KiB of output each (whole
  // planes, or blocks of rows of one), and at least 16 when there are rows
  // to split.
  const int64_t plane = G.h_out * G.w_out, target = int64_t(1) << 14;
  P.dw_cpt = std::clamp<int64_t>(target / plane, 1, p.c_out);
  P.dw_rpt = P.dw_cpt > 1 ? G.h_out : std::clamp<int64_t>(target / G.w_out, 1, G.h_out);
  P.dw_ncb = ceil_div(p.c_out, P.dw_cpt);
  P.dw_nrb = ceil_div(G.h_out, P.dw_rpt);
  if (p.n * P.dw_ncb * P.dw_nrb < 16) {
    if (P.dw_cpt > 1) {
      P.dw_cpt = std::max<int64_t>(1, P.dw_cpt / ceil_div(16, p.n * P.dw_ncb));
      P.dw_ncb = ceil_div(p.c_out, P.dw_cpt);
    }
    if (P.dw_cpt == 1 && p.n * P.dw_ncb * P.dw_nrb < 16) {
      P.dw_rpt = std::max<int64_t>(1, ceil_div(G.h_out, ceil_div(16, p.n * P.dw_ncb)));
      P.dw_nrb = ceil_div(G.h_out, P.dw_rpt);
    }
  }
  P.tasks = p.n * P.dw_ncb * P.dw_nrb;
  P.dw = true;
  P.run_dw_task = it.run_dw_task;
  P.dw_planes.assign(size_t(P.threads), std::vector<float>(size_t(D.pitch * p.h_in), 0.0f));
  make_pool(P);
  return true;
}

// Register tile of position vectors: nv vectors for all phases (their
// vectors are described together), each phase with its cheapest mr.
// Returns nv; `cost` receives its step cycles per image.
int position_tile(const std::vector<Phase>& phases, int64_t cog, int64_t sw, const IsaTraits& it, double& cost) {
  double best = std::numeric_limits<double>::infinity();
  int best_nv = 1;
  for (int nv : kNvChoices) {
    const int max_mr = std::min(kMaxMr, it.max_acc / nv);
    double c = 0;
    for (const Phase& ph : phases) {
      double phase_best = std::numeric_limits<double>::infinity();
      const int step = pairable(ph, sw) ? 2 : 1;
      for (int mr = step; mr <= max_mr; mr += step)
        phase_best = std::min(phase_best, phase_cost(ph.view, cog, mr, nv, it.fpc));
      c += phase_best;
    }
    if (c < best) {
      best = c;
      best_nv = nv;
    }
  }
  cost = best;
  return best_nv;
}

// The channel-vectorized path (kernel.h, CvTask), when there are rows
// enough for two vectors and its tiles cost a tenth less than position
// vectors': both costs count every FMA issued (position vectors: masked
// lanes, the lanes past a row's end, padding vectors; channel vectors: the
// rows past the last and the columns past a class's last). The tenth is
// for storing its outputs element by element, scattered over the planes
// (measured: 11% of its time on DCGAN's 8x8 layer). False otherwise.
// Measured at 1 thread against position vectors: DCGAN's 4x4 -> 8x8 layer
// 25-30% faster, 8x8 -> 16x16 0-15%; FCN-8s's upsampling layers (21
// channels, rows of 17, 35 and 71 positions: a vector and a bit) 10-58%;
// and chosen against, rightly: DCGAN's 16x16 layer (cv 28% slower),
// pix2pix's 8x8 layer with one image (20% slower). `position_cost`: the
// position vectors' step cycles per image (position_tile).
bool plan_channels(PlanImpl& P, const Problem& p, const float* w, const IsaTraits& it, double position_cost) {
  const Geometry& G = P.geo;
  for (const Phase& ph : P.phases)
    if (G.cog * ph.view.m < 2 * it.vl || ph.view.nth * ph.view.ntw > 64) return false;
  const int64_t vl = it.vl;
  // Tile: nv vectors of rows x nr columns, the cheapest per column.
  double best = std::numeric_limits<double>::infinity();
  for (int nv = 1; nv <= 4; ++nv) {
    const int nr = std::min(kCvMaxNr, it.max_acc / nv);
    double cost = 0;
    for (const Phase& ph : P.phases)
      cost += double(ceil_div(G.cog * ph.view.m, nv * vl)) * step_cycles(nr, nv, it.fpc) / nr;
    if (cost < best) {
      best = cost;
      P.cv_nv = nv;
      P.cv_nr = nr;
    }
  }
  // Position classes of each phase: the positions that take the same taps.
  for (size_t q = 0; q < P.phases.size(); ++q) {
    const Phase& ph = P.phases[q];
    const PhaseView& v = ph.view;
    const int64_t taps = v.nth * v.ntw;
    std::vector<uint64_t> keys;
    const size_t first = P.cv_classes.size();
    for (int64_t j = 0; j < v.hq; ++j)
      for (int64_t i = 0; i < v.wq; ++i) {
        uint64_t key = 0;
        for (int64_t t = 0; t < taps; ++t) {
          const int64_t ih = j + ph.offh[size_t(t / v.ntw)], iw = i + ph.offw[size_t(t % v.ntw)];
          if (ih >= 0 && ih < G.h_in && iw >= 0 && iw < G.w_in) key |= uint64_t(1) << t;
        }
        const size_t c = size_t(std::find(keys.begin(), keys.end(), key) - keys.begin());
        if (c == keys.size()) {
          keys.push_back(key);
          PlanImpl::CvClass& k = P.cv_classes.emplace_back();
          k.phase = q;
          for (int32_t t = 0; t < taps; ++t)
            if (key >> t & 1) k.taps.push_back(t);
        }
        P.cv_classes[first + c].xpos.push_back(j * G.w_in + i);
        P.cv_classes[first + c].ypos.push_back(G.sh * j * G.w_out + G.sw * i);
      }
  }
  const double pos = position_cost * double(p.n);
  double cv = 0;
  for (const PlanImpl::CvClass& k : P.cv_classes) {
    const int64_t rows = G.cog * P.phases[k.phase].view.m;
    cv += double(ceil_div(p.n * int64_t(k.xpos.size()), P.cv_nr)) * double(G.cig * int64_t(k.taps.size())) *
          double(ceil_div(rows, P.cv_nv * vl)) * step_cycles(P.cv_nr, P.cv_nv, it.fpc);
  }
  if (cv * 1.1 >= pos) {
    P.cv_classes.clear();
    return false;
  }
  const int64_t kH = p.kernel.h, kW = p.kernel.w;
  for (size_t q = 0; q < P.phases.size(); ++q) {
    const Phase& ph = P.phases[q];
    const PhaseView& v = ph.view;
    const int64_t width = P.cv_nv * vl, rows = G.cog * v.m, rpad = round_up(rows, width), taps = v.nth * v.ntw;
    std::vector<float>& wq = P.cv_w.emplace_back(size_t(p.groups * taps * G.cig * rpad), 0.0f);
    for (int64_t g = 0; g < p.groups; ++g)
      for (int64_t t = 0; t < taps; ++t)
        for (int64_t ci = 0; ci < G.cig; ++ci)
          for (int64_t r = 0; r < rows; ++r) {
            const size_t m = size_t(r % v.m);
            wq[size_t((((g * rpad / width + r / width) * taps + t) * G.cig + ci) * width + r % width)] =
                w[(((g * G.cig + ci) * G.cog + r / v.m) * kH + ph.kh[m][size_t(t / v.ntw)]) * kW +
                  ph.kw[m][size_t(t % v.ntw)]];
          }
    std::vector<float>& bq = P.cv_bias.emplace_back(p.bias ? size_t(p.groups * rpad) : 0, 0.0f);
    std::vector<int64_t>& yq = P.cv_yrow.emplace_back();
    for (int64_t r = 0; r < rows; ++r) {
      yq.push_back(r / v.m * G.h_out * G.w_out + ph.moff[size_t(r % v.m)]);
      if (p.bias)
        for (int64_t g = 0; g < p.groups; ++g) bq[size_t(g * rpad + r)] = P.bias[size_t(g * G.cog + r / v.m)];
    }
  }
  // Tasks: columns of one class, 8 tiles of nr, so that each block of
  // weights loaded serves them all; block by block of images whose input
  // and output take at most 1 MiB, all classes of all phases taking a
  // block before the next. An output line is written by several phases
  // (qw = 0 and 1 interleave): within a block they find it in L2, where
  // with every image at once each phase's pass over all of y came after
  // the line had gone to L3. The weights are read again per block, from L3
  // and in order. Measured at 2 threads (Xeon): DCGAN's 8x8 layer with 64
  // images 7-9% faster (with 16, 2-10%); its 4x4 layer the same.
  const int64_t per_task = 8 * int64_t(P.cv_nr);  // (at most kCvMaxColumns)
  const int64_t image_bytes = (G.cig * G.h_in * G.w_in + G.cog * G.h_out * G.w_out) * int64_t(sizeof(float));
  const int64_t images = std::clamp<int64_t>((int64_t(1) << 20) / image_bytes, 1, p.n);
  P.cv_images = images;
  for (int64_t g = 0; g < p.groups; ++g)
    for (int64_t n0 = 0; n0 < p.n; n0 += images)
      for (size_t c = 0; c < P.cv_classes.size(); ++c) {
        const int64_t npos = int64_t(P.cv_classes[c].xpos.size());
        const int64_t lo = n0 * npos, hi = std::min(p.n, n0 + images) * npos;
        const int64_t ntasks = ceil_div(hi - lo, per_task), each = round_up(ceil_div(hi - lo, ntasks), P.cv_nr);
        for (int64_t c0 = lo; c0 < hi; c0 += each) P.cv_tasks.push_back({g, int64_t(c), c0, std::min(hi, c0 + each)});
      }
  P.tasks = int64_t(P.cv_tasks.size());
  P.cv = true;
  P.run_cv_task = it.run_cv_task;
  make_pool(P);
  return true;
}

}  // namespace

Plan::Plan() = default;
Plan::~Plan() = default;
Plan::Plan(Plan&&) noexcept = default;
Plan& Plan::operator=(Plan&&) noexcept = default;

Isa Plan::isa() const { return impl_->isa; }
int Plan::threads() const { return impl_->threads; }
const Problem& Plan::problem() const { return impl_->problem; }

std::string Plan::describe() const {
  const PlanImpl& P = *impl_;
  if (P.cv)
    return std::string(isa_name(P.isa)) + ", " + std::to_string(P.threads) + " threads, " +
           std::to_string(P.phases.size()) + " phase groups in " + std::to_string(P.cv_classes.size()) +
           " position classes, channel vectors, tile " + std::to_string(P.cv_nv) + "x" + std::to_string(P.cv_nr) +
           ", " + std::to_string(P.tasks) + " tasks, " + std::to_string(P.cv_images) +
           (P.cv_images == 1 ? " image" : " images") + " per block";
  if (P.dw)
    return std::string(isa_name(P.isa)) + ", " + std::to_string(P.threads) +
           " threads, one input channel per group in output order, " + std::to_string(P.dwg.slots) +
           " column slots, " + std::to_string(P.dwg.classes) + " classes, " + std::to_string(P.tasks) + " tasks";
  if (P.gemm)
    return std::string(isa_name(P.isa)) + ", " + std::to_string(P.threads) + " threads, 1x1-input GEMM, tile " +
           std::to_string(P.gemm_task.mr) + "x" + std::to_string(P.gemm_task.nv) + ", " + std::to_string(P.tasks) +
           " tasks";
  int64_t members = 0;
  for (const Phase& ph : P.phases) members += ph.view.m;
  std::string s = std::string(isa_name(P.isa)) + ", " + std::to_string(P.threads) + " threads, " +
                  std::to_string(members) + " phases in " + std::to_string(P.phases.size()) + " groups, " +
                  std::to_string(P.tasks) + " tasks; per task " + std::to_string(P.gb) + " groups x " +
                  std::to_string(P.mb) + " channels x " + std::to_string(P.geo.vb) + " vectors per phase";
  for (size_t q = 0; q < P.phases.size(); ++q) {
    const PhaseView& v = P.phases[q].view;
    s += "; phase group " + std::to_string(q) + ": " + std::to_string(v.m) + " fused" +
         (v.mt ? " (" + std::to_string(v.mt) + " with " + std::to_string(v.kx / P.geo.cig) + " more taps)" : "") +
         ", " + std::to_string(v.nth) +
         "x" + std::to_string(v.ntw) + " taps, tile " + std::to_string(v.mr) + "x" + std::to_string(v.nv) +
         ", " + (P.phases[q].pitch ? "pitch" : "row") + " mode" + (v.pairs ? ", paired stores" : "");
  }
  if (P.geo.pack) s += "; input packed per task";
  if (P.geo.wahead) s += "; weights prefetched";
  return s;
}

Result<Plan> make_plan(const Problem& p, const float* w, const float* bias, const PlanOptions& options) {
  if (options.threads < 0) return Error{"a negative thread count"};
  Isa isa;
  if (options.isa) {
    if (!isa_supported(*options.isa))
      return Error{std::string("this CPU does not support ") + isa_name(*options.isa)};
    isa = *options.isa;
  } else {
    Result<Isa> d = default_isa();
    if (!d) return d.error();
    isa = *d;
  }
  const IsaTraits it = traits(isa);

  auto impl = std::make_unique<PlanImpl>();
  PlanImpl& P = *impl;
  P.problem = p;
  P.isa = isa;
  P.run_task = it.run_task;
  P.threads = options.threads > 0 ? options.threads : int(std::max(1u, std::thread::hardware_concurrency()));

  Geometry& G = P.geo;
  G.c_in = p.c_in;
  G.h_in = p.h_in;
  G.w_in = p.w_in;
  G.c_out = p.c_out;
  G.h_out = p.h_out();
  G.w_out = p.w_out();
  G.cig = p.c_in_per_group();
  G.cog = p.c_out_per_group();
  G.sh = p.stride.h;
  G.sw = p.stride.w;
  if (p.bias) P.bias.assign(bias, bias + p.c_out);

  Plan plan;
  if (p.output_elements() == 0) {  // N = 0: nothing to compute
    plan.impl_ = std::move(impl);
    return plan;
  }

  if (is_1x1(p)) {
    plan_1x1(P, p, w, it);
    plan.impl_ = std::move(impl);
    return plan;
  }
  if (plan_depthwise(P, p, w, it)) {
    plan.impl_ = std::move(impl);
    return plan;
  }

  // The phases that have outputs, row phase major; a phase whose taps read
  // the same input offsets over the same positions as an earlier one joins
  // it as a member (kernel.h, PhaseView).
  for (int64_t qh = 0; qh < std::min(G.sh, G.h_out); ++qh)
    for (int64_t qw = 0; qw < std::min(G.sw, G.w_out); ++qw) {
      const int64_t hq = ceil_div(G.h_out - qh, G.sh), wq = ceil_div(G.w_out - qw, G.sw);
      std::vector<int64_t> kh, kw, offh, offw;
      axis_taps(qh, hq, G.h_in, G.sh, p.padding.h, p.dilation.h, p.kernel.h, kh, offh);
      axis_taps(qw, wq, G.w_in, G.sw, p.padding.w, p.dilation.w, p.kernel.w, kw, offw);
      auto same = [&](const Phase& f) {
        return f.view.hq == hq && f.view.wq == wq && f.offh == offh && f.offw == offw;
      };
      auto found = std::find_if(P.phases.begin(), P.phases.end(), same);
      if (found != P.phases.end()) {
        found->kh.push_back(kh);
        found->kw.push_back(kw);
        found->moff.push_back(qh * G.w_out + qw);
        ++found->view.m;
        continue;
      }
      Phase ph;
      PhaseView& v = ph.view;
      v.hq = hq;
      v.wq = wq;
      v.m = 1;
      ph.kh.push_back(kh);
      ph.kw.push_back(kw);
      ph.moff.push_back(qh * G.w_out + qw);
      ph.offh = offh;
      ph.offw = offw;
      v.nth = int32_t(offh.size());
      v.ntw = int32_t(offw.size());
      for (int64_t oh : ph.offh)
        for (int64_t ow : ph.offw) ph.toff.push_back(oh * G.w_in + ow);
      const int64_t taps = int64_t(ph.toff.size());
      v.tmin = taps ? *std::min_element(ph.toff.begin(), ph.toff.end()) : 0;
      v.tmax = taps ? *std::max_element(ph.toff.begin(), ph.toff.end()) : 0;
      v.k = G.cig * taps;

      // Positions: "pitch" mode numbers them with the input's row pitch, so
      // a vector can span several short rows and still read its inputs at
      // p + offset (the upsampling layers, W_out = stride * W_in, have
      // wq == W_in exactly); "row" mode keeps each vector in one row.
      const int64_t vl = it.vl;
      const int64_t row_vectors = v.hq * ceil_div(v.wq, vl);
      const int64_t pitch_vectors = v.wq <= G.w_in ? ceil_div(v.hq * G.w_in, vl) : row_vectors + 1;
      ph.pitch = pitch_vectors < row_vectors;
      v.vp = ph.pitch ? G.w_in : round_up(v.wq, vl);
      v.nvec = std::min(pitch_vectors, row_vectors);

      P.phases.push_back(std::move(ph));
    }

  // Chunks of input channels whose rows all taps reuse from L1 (the same for
  // every ISA and tile, and for both the position and the channel vectors:
  // it fixes the summation order).
  G.cb = std::min<int64_t>(G.cig, 32);
  // Register tile of position vectors (position_tile), whose cost the
  // channel vectors must beat.
  double position_cost = 0;
  G.nv = position_tile(P.phases, G.cog, G.sw, it, position_cost);
  if (plan_channels(P, p, w, it, position_cost)) {
    plan.impl_ = std::move(impl);
    return plan;
  }
  if (add_tail_members(P.phases, G.cig, G.cog, G.sw)) G.nv = position_tile(P.phases, G.cog, G.sw, it, position_cost);

  // Per phase the mr rows that make the cheapest tile over its rows and
  // vectors, counting the partial last block.
  {
    const int max_mr = std::min(kMaxMr, it.max_acc / G.nv);
    for (Phase& ph : P.phases) {
      double phase_best = std::numeric_limits<double>::infinity();
      const int step = pairable(ph, G.sw) ? 2 : 1;
      for (int mr = step; mr <= max_mr; mr += step)
        if (const double c = phase_cost(ph.view, G.cog, mr, G.nv, it.fpc); c < phase_best) {
          phase_best = c;
          ph.view.mr = mr;
        }
      // A phase whose rows take several micro-blocks at nv reads each
      // input vector once per block, from L2 after the first (a block runs
      // the whole reduction); where fewer vectors let one block take all
      // its rows at no more than 5% more FMA cycles, it takes them.
      // Measured at 2 threads (Xeon): SuDoRM-RF's 9 fused phases as one
      // 9x2 block rather than three 3x8, the layer 9-15% faster (before its
      // tenth phase joined them, add_tail_members).
      ph.view.nv = G.nv;
      const int64_t rows = G.cog * ph.view.m;
      if (ceil_div(rows, ph.view.mr) > 1)
        for (int nv : kNvChoices) {
          if (nv >= G.nv || G.nv % nv != 0 || rows > std::min(kMaxMr, it.max_acc / nv)) continue;
          if (phase_cost(ph.view, G.cog, int(rows), nv, it.fpc) <= 1.05 * phase_best) {
            ph.view.nv = nv;
            ph.view.mr = int32_t(rows);
          }
        }
    }
  }
  int32_t mr0 = P.phases.empty() ? 1 : P.phases[0].view.mr;
  // Inputs are prefetched a fixed time ahead (DRAM latency and then some),
  // so fewer channels ahead the more work a reduction step does.
  G.ahead = std::clamp<int64_t>(600 / (int64_t(mr0) * G.nv), 4, 64);
  // Cache blocking, from the shape alone. A task takes mb output channels
  // (its packed weights, of all phases, about 768 KiB at most, stay in L2),
  // vb vectors of every phase (about 2^20 lane-FMAs of work), and for small
  // groups several groups that share the description of the vectors.
  int64_t k_all = 0, max_nvec = 1;  // k_all: weights per output channel
  bool one_tile = true;              // every phase has the same m and mr
  for (const Phase& ph : P.phases) {
    k_all += channel_weights(ph.view);
    max_nvec = std::max(max_nvec, ph.view.nvec);
    one_tile = one_tile && ph.view.m == P.phases[0].view.m && ph.view.mr == mr0;
  }
  k_all = std::max<int64_t>(k_all, 1);
  {
    const int64_t vl = it.vl;
    // Channel blocks whose rows are whole micro-blocks where one tile serves
    // every phase (mb * m a multiple of mr).
    const int64_t unit = one_tile ? mr0 / std::gcd<int64_t>(mr0, P.phases[0].view.m) : 1;
    const int64_t blocks = std::max<int64_t>(1, (int64_t(3) << 16) / (k_all * unit));
    P.mb = std::min(blocks * unit, round_up(G.cog, unit));
    P.ncb = ceil_div(G.cog, P.mb);
    P.mb = round_up(ceil_div(G.cog, P.ncb), unit);  // blocks of equal size
    P.ncb = ceil_div(G.cog, P.mb);
    const int64_t per_vector = std::min(P.mb, G.cog) * k_all * vl;
    G.vb = round_up(std::max<int64_t>(1, (int64_t(1) << 20) / per_vector), G.nv);
    G.vb = std::min({G.vb, round_up(max_nvec, G.nv), round_up(256, G.nv)});
    P.nvb = ceil_div(max_nvec, G.vb);
    if (P.ncb == 1)
      P.gb = std::clamp<int64_t>((int64_t(1) << 20) / (G.cog * k_all * G.vb * vl), 1, p.groups);
    P.ngb = ceil_div(p.groups, P.gb);
    // Enough tasks to share out: at least 16 when the problem allows (a
    // fixed number: the tiling never depends on the thread count).
    if (P.ngb * P.ncb * p.n * P.nvb < 16 && P.gb > 1) {
      P.gb = std::max<int64_t>(1, P.gb / ceil_div(16, P.ngb * P.ncb * p.n * P.nvb));
      P.ngb = ceil_div(p.groups, P.gb);
    }
    if (P.ngb * P.ncb * p.n * P.nvb < 16 && G.vb > G.nv) {
      const int64_t want = ceil_div(16, P.ngb * P.ncb * p.n);
      G.vb = std::max<int64_t>(G.nv, round_up(ceil_div(max_nvec, want), G.nv));
      P.nvb = ceil_div(max_nvec, G.vb);
    }
    P.tasks = P.ngb * P.ncb * p.n * P.nvb;
  }
  // Input packing (kernel_impl.h, run_task_impl) for planes of 2 KiB or
  // more read by a reduction over 8 channels or more, when each element
  // copied then serves 16 lane-FMAs or more and a task's part of all its
  // planes is at most 4 MiB. A task copies the span of each plane that its
  // vectors read, which taps rows apart make longer than its positions; so
  // where the copy costs (under 64 lane-FMAs an element), tasks take more
  // vectors (whole rows in row mode) until the span is at most 1.5 times
  // their positions, while the copy stays within 1 MiB (half the L2) and 16
  // tasks remain. Measured at 2 threads (Xeon, AVX-512): FSRCNN's 9x9 layer,
  // whose spans were 7 times its positions (the copy took a third of the
  // run), 25% faster; DCGAN's and pix2pix's 3-channel output layers, packed
  // now (42 and 24 lane-FMAs an element), 17% and 11%; U-Net's 28x28 planes
  // 6%; SuDoRM-RF (21) the same. (On Zen 4: U-Net and CycleGAN 3-7% faster.)
  // At most 1.5 rather than twice: pix2pix's output layer then takes 4 rows
  // of positions a task, not 2 (its span 6 input rows, not 4), 8-10% faster
  // in alternation, 13% in process pairs; no other layer of
  // configs/real_shapes.json changes.
  struct Spans {
    int64_t longest = 0;
    double copied = 0, positions = 0, fmas = 0;
  };
  const auto spans = [&](int64_t vb) {
    Spans s;
    for (int64_t b = 0; b < ceil_div(max_nvec, vb); ++b) {
      int64_t lo = G.h_in * G.w_in, hi = 0, positions = 0;
      for (const Phase& ph : P.phases) {
        const PhaseView& v = ph.view;
        const int64_t v0 = b * vb, v1 = std::min(v0 + vb, v.nvec);
        if (v0 >= v1) continue;
        positions = std::max(positions, (v1 - v0) * it.vl);
        s.fmas += double((v1 - v0) * it.vl) * double(channel_weights(v) * std::min(P.mb, G.cog));
        int64_t a, c;
        input_span(v, v0, v1, it.vl, G.w_in, a, c);
        lo = std::min(lo, a);
        hi = std::max(hi, c);
      }
      const int64_t len = std::max<int64_t>(0, std::min(hi, G.h_in * G.w_in) - std::max<int64_t>(lo, 0));
      s.longest = std::max(s.longest, len);
      s.copied += double(G.cig * len);
      s.positions += double(G.cig * positions);
    }
    return s;
  };
  int64_t pack_len = 0;
  // (And only where a task reads its input three times or more, once per
  // micro-block of rows of each phase: read once or twice, it costs less
  // in place than copied. SuDoRM-RF, then two phase groups of one block
  // each, 6-9% faster unpacked; now one of two blocks.)
  int64_t reads = 0;
  for (const Phase& ph : P.phases) reads += ceil_div(std::min(P.mb, G.cog) * ph.view.m, ph.view.mr);
  if (G.h_in * G.w_in >= 512 && G.cig >= 8 && reads >= 3) {
    Spans s = spans(G.vb);
    int64_t vb = G.vb;
    bool rows = true;  // every phase in row mode, with rows of the same vectors
    for (const Phase& ph : P.phases) rows = rows && !ph.pitch && ph.view.vp == P.phases[0].view.vp;
    const int64_t row = rows ? std::lcm<int64_t>(P.phases[0].view.vp / it.vl, G.nv) : 0;
    const int64_t most = round_up(std::min<int64_t>(max_nvec, 256), G.nv);
    while (s.copied > 1.5 * s.positions && s.fmas < 64 * s.copied) {
      const int64_t wider = std::min(most, row ? (vb / row + 1) * row : round_up(2 * vb, G.nv));
      if (wider == vb || P.ngb * P.ncb * p.n * ceil_div(max_nvec, wider) < 16) break;
      const Spans next = spans(wider);
      if (G.cig * next.longest > (int64_t(1) << 18)) break;
      vb = wider;
      s = next;
    }
    if (s.longest > 0 && G.cig * s.longest <= (int64_t(1) << 20) && s.fmas >= 16 * s.copied) {
      G.vb = vb;
      P.nvb = ceil_div(max_nvec, G.vb);
      P.tasks = P.ngb * P.ncb * p.n * P.nvb;
      pack_len = s.longest;
    }
  }
  G.pack = pack_len > 0;
  // Where each task is the only one to read its weights (one image, one
  // block of vectors: every weight is read once per run, from L3 or DRAM),
  // the micro-kernels prefetch them 4 taps ahead (the hardware prefetchers
  // stop at every 4 KiB page of that stream). Measured at 2 threads (Xeon,
  // in alternation): pix2pix's 8x8 layer (33.5 MB of weights, 64
  // positions) 5-12% faster, Simple Baselines' 5-7%; where the weights stay
  // in L2 for the next task (U-Net, Mask R-CNN), none or a few % slower.
  if (p.n * P.nvb == 1) G.wahead = 4 * G.cb * mr0;

  // Pack the weights: per phase, group, channel block and micro-block of mr
  // rows from the block's first (the last one shorter; the blocks a run's
  // tasks take), [chunk][tap][input channel][row], the order the
  // micro-kernel reads them in, so its weight stream is sequential. Row R
  // is output channel R / m of member R % m; its rows start at R * k.
  int64_t total = 0;
  for (Phase& ph : P.phases) {
    ph.wpack_offset = total;
    total += p.groups * G.cog * channel_weights(ph.view);
  }
  P.wpack.resize(size_t(total));
  const int64_t kH = p.kernel.h, kW = p.kernel.w;
  for (Phase& ph : P.phases) {
    PhaseView& v = ph.view;
    const int64_t rows = G.cog * v.m;
    float* dst = P.wpack.data() + ph.wpack_offset;
    for (int64_t g = 0; g < p.groups; ++g)
      for (int64_t b0 = 0; b0 < rows; b0 += P.mb * v.m)
        for (int64_t r0 = b0; r0 < std::min(rows, b0 + P.mb * v.m); r0 += v.mr) {
          const int64_t mr = std::min({int64_t(v.mr), rows - r0, b0 + P.mb * v.m - r0});
          for (int64_t c0 = 0; c0 < G.cig; c0 += G.cb)
            for (int64_t t = 0; t < int64_t(v.nth) * v.ntw; ++t) {
              // Tail taps: the block's tail rows only (tail_before).
              const bool tail_only = !ph.xtap.empty() && ph.xtap[size_t(t)];
              const size_t th = size_t(t / v.ntw), tw = size_t(t % v.ntw);
              for (int64_t ci = c0; ci < std::min(G.cig, c0 + G.cb); ++ci)
                for (int64_t r = r0; r < r0 + mr; ++r) {
                  const size_t m = size_t(r % v.m);
                  if (tail_only && int64_t(m) < v.m - v.mt) continue;
                  *dst++ = w[(((g * G.cig + ci) * G.cog + r / v.m) * kH + ph.kh[m][th]) * kW + ph.kw[m][tw]];
                }
            }
        }
    for (int64_t r = 0; r < rows; ++r) ph.yrow.push_back(r / v.m * G.h_out * G.w_out + ph.moff[size_t(r % v.m)]);
    v.pairs = pairable(ph, G.sw) && v.mr % 2 == 0;
    if (p.bias)
      for (int64_t g = 0; g < p.groups; ++g)
        for (int64_t r = 0; r < rows; ++r) ph.brow.push_back(P.bias[size_t(g * G.cog + r / v.m)]);
  }

  int64_t max_nth = 1, max_ntw = 1;
  for (Phase& ph : P.phases) {
    PhaseView& v = ph.view;
    v.offh = ph.offh.data();
    v.offw = ph.offw.data();
    v.toff = ph.toff.data();
    v.xtap = ph.xtap.empty() ? nullptr : ph.xtap.data();
    v.wpack = P.wpack.data() + ph.wpack_offset;
    v.yrow = ph.yrow.data();
    v.brow = p.bias ? ph.brow.data() : nullptr;
    P.views.push_back(v);
    max_nth = std::max<int64_t>(max_nth, v.nth);
    max_ntw = std::max<int64_t>(max_ntw, v.ntw);
  }
  // Scratch: the descriptions of a task's vectors, the masks of nv of them.
  const int64_t max_taps = max_nth * max_ntw;
  const int64_t max_vb = G.vb;
  const int64_t max_tmask = max_taps * G.nv;

  P.scratch.resize(size_t(P.threads));
  for (PlanImpl::ThreadScratch& s : P.scratch) {
    if (G.pack) s.xpack.resize(size_t(G.cig * pack_len));
    s.xoff.resize(size_t(max_vb));
    s.rowm.resize(size_t(max_vb * max_nth));
    s.colm.resize(size_t(max_vb * max_ntw));
    s.nseg.resize(size_t(max_vb));
    s.seg.resize(size_t(max_vb * (it.vl + 1)));
    s.tmask.resize(size_t(max_tmask));
    s.tflag.resize(size_t(max_taps));
    s.view = Scratch{s.xoff.data(), s.rowm.data(), s.colm.data(), s.nseg.data(),
                     s.seg.data(), s.tmask.data(), s.tflag.data(), s.xpack.data()};
  }
  make_pool(P);

  plan.impl_ = std::move(impl);
  return plan;
}

namespace {

// Every task of a plan, on its pool's threads, or on this one alone.
template <class Body>
void run_tasks(PlanImpl& P, const Body& body) {
  if (P.pool)
    P.pool->run(P.tasks, body);
  else
    for (int64_t i = 0; i < P.tasks; ++i) body(i, 0);
}

}  // namespace

void run(Plan& plan, const float* x, float* y) {
  PlanImpl& P = *plan.impl_;
  if (P.tasks == 0) return;
  const Problem& p = P.problem;
  if (P.gemm) {
    auto gemm_body = [&](int64_t index, int) {
      GemmTask t = P.gemm_task;
      const int64_t ic = index % P.nic;
      index /= P.nic;
      const int64_t tc = index % P.ntc;
      t.g = index / P.ntc;
      t.n0 = ic * P.images_per_task;
      t.n1 = std::min(t.n0 + P.images_per_task, p.n);
      t.t0 = tc * P.tiles_per_task;
      t.t1 = std::min(t.t0 + P.tiles_per_task, t.ntiles);
      t.x = x;
      t.y = y;
      P.run_gemm_task(t);
    };
    run_tasks(P, gemm_body);
    return;
  }
  if (P.cv) {
    auto cv_body = [&](int64_t index, int) {
      const std::array<int64_t, 4>& task = P.cv_tasks[size_t(index)];
      const int64_t g = task[0];
      const PlanImpl::CvClass& k = P.cv_classes[size_t(task[1])];
      const Phase& ph = P.phases[k.phase];
      const Geometry& G = P.geo;
      const int64_t rows = G.cog * ph.view.m, rpad = round_up(rows, P.cv_nv * traits(P.isa).vl);
      const int64_t taps = ph.view.nth * ph.view.ntw;
      CvTask t;
      t.x = x;
      t.y = y;
      t.w = P.cv_w[k.phase].data() + g * taps * G.cig * rpad;
      t.bias = p.bias ? P.cv_bias[k.phase].data() + g * rpad : nullptr;
      t.yrow = P.cv_yrow[k.phase].data();
      t.toff = ph.toff.data();
      t.ptaps = taps;
      t.taps = k.taps.data();
      t.ntaps = int32_t(k.taps.size());
      t.xpos = k.xpos.data();
      t.ypos = k.ypos.data();
      t.npos = int64_t(k.xpos.size());
      t.rows = rows;
      t.rpad = rpad;
      t.cig = G.cig;
      t.cb = G.cb;
      t.hw = G.h_in * G.w_in;
      t.ohw = G.h_out * G.w_out;
      t.xstride = G.c_in * t.hw;
      t.ystride = G.c_out * t.ohw;
      t.xg = g * G.cig * t.hw;
      t.yg = g * G.cog * t.ohw;
      t.c0 = task[2];
      t.c1 = task[3];
      t.nr = P.cv_nr;
      t.nv = P.cv_nv;
      P.run_cv_task(t);
    };
    run_tasks(P, cv_body);
    return;
  }
  if (P.dw) {
    auto dw_body = [&](int64_t index, int thread) {
      DwTask t;
      const int64_t rb = index % P.dw_nrb;
      index /= P.dw_nrb;
      const int64_t cb = index % P.dw_ncb;
      t.n = index / P.dw_ncb;
      t.geo = &P.dwg;
      t.x = x;
      t.y = y;
      t.plane = P.dw_planes[size_t(thread)].data();
      t.co0 = cb * P.dw_cpt;
      t.co1 = std::min(t.co0 + P.dw_cpt, p.c_out);
      t.oh0 = rb * P.dw_rpt;
      t.oh1 = std::min(t.oh0 + P.dw_rpt, P.geo.h_out);
      P.run_dw_task(t);
    };
    run_tasks(P, dw_body);
    return;
  }
  auto body = [&](int64_t index, int thread) {
    Task t;
    t.b = index % P.nvb;
    index /= P.nvb;
    t.n = index % p.n;
    index /= p.n;
    const int64_t cb = index % P.ncb;
    const int64_t gblock = index / P.ncb;
    t.geo = &P.geo;
    t.phases = P.views.data();
    t.nphases = int32_t(P.views.size());
    t.g0 = gblock * P.gb;
    t.g1 = std::min(t.g0 + P.gb, p.groups);
    t.co0 = cb * P.mb;
    t.co1 = std::min(t.co0 + P.mb, P.geo.cog);
    t.x = x;
    t.y = y;
    t.scratch = &P.scratch[size_t(thread)].view;
    P.run_task(t);
  };
  run_tasks(P, body);
}

}  // namespace convt::cpu
