// The stride-phase method (kernel.h, PhaseView and Task), step by step:
// phase enumeration, the register tiles, tail members, cache blocking, the
// input packing decision, weight prefetching, weight packing and scratch
// sizing; its summary and its run. Every choice comes from the shape alone.
#include <limits>
#include <numeric>

#include "optimized/cpu/plan_impl.h"

namespace convt::cpu::detail {
namespace {

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

// Step cycles of one phase group of one image in position vectors, with
// tiles of mr rows x nv vectors, counting the partial last block of rows.
// The last group of vectors, if short, has padding vectors: the
// micro-kernel skips the last of them (masked_steps: no lane takes any tap
// there) and computes the others, so that group costs a tile of nv - 1
// vectors (counted as nv, short planes would get load-bound tiles of one
// vector).
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
// mr, so they hold whole pairs).
bool pairable(const PhaseGroup& group, int64_t sw) {
  const bool tails_odd = group.view.m == 2 && group.view.mt <= 1;  // tail rows, if any, are the odd ones
  if (sw != 2 || group.view.m % 2 != 0 || (group.view.mt && !tails_odd)) return false;
  for (size_t i = 0; i < group.member_offset.size(); i += 2)
    if (group.member_offset[i + 1] != group.member_offset[i] + 1) return false;
  return true;
}

// Tail members (kernel.h, PhaseView): a group whose row and column tap
// offsets contain another's, in the same order, over the same positions,
// joins it; the other's members keep their own taps (-1 in member_kh,
// member_kw where they have none). Only where the tail rows can be a
// micro-block's last or its odd rows: with one output channel per group,
// or (stride 2 along W) a single phase qw = 1 joining its qw = 0, whose
// rows then alternate and store as pairs (pairable). Without them, with one
// output channel, the group with more taps makes a register tile of its
// own, one row, load-bound. Each row's FMAs are the same, in the same
// order: the output's bits do not change. True if any joined.
bool add_tail_members(std::vector<PhaseGroup>& groups, int64_t cig, int64_t cog, int64_t sw) {
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
  for (size_t a = 0; a < groups.size(); ++a)
    for (size_t b = 0; b < groups.size(); ++b) {
      PhaseGroup& base = groups[a];
      const PhaseGroup& tail = groups[b];
      if (a == b || base.view.mt || tail.view.mt || base.view.hq != tail.view.hq || base.view.wq != tail.view.wq ||
          base.toff.empty() || base.toff.size() >= tail.toff.size())
        continue;
      const bool pair = sw == 2 && base.view.m == 1 && tail.view.m == 1 &&
                        tail.member_offset[0] == base.member_offset[0] + 1;
      if (cog != 1 && !pair) continue;
      const std::vector<int64_t> ih = positions(base.offh, tail.offh), iw = positions(base.offw, tail.offw);
      if (ih.size() != base.offh.size() || iw.size() != base.offw.size()) continue;
      // The base members' taps on the tail's grid; the taps they lack.
      for (size_t m = 0; m < base.member_kh.size(); ++m) {
        std::vector<int64_t> kh(tail.offh.size(), -1), kw(tail.offw.size(), -1);
        for (size_t i = 0; i < ih.size(); ++i) kh[size_t(ih[i])] = base.member_kh[m][i];
        for (size_t i = 0; i < iw.size(); ++i) kw[size_t(iw[i])] = base.member_kw[m][i];
        base.member_kh[m] = kh;
        base.member_kw[m] = kw;
      }
      base.xtap.clear();
      for (int64_t k : base.member_kh[0])
        for (int64_t l : base.member_kw[0]) base.xtap.push_back(k < 0 || l < 0);
      PhaseView& v = base.view;
      base.extra_taps = int32_t(tail.toff.size() - base.toff.size());
      v.mt = tail.view.m;
      v.kx = cig * base.extra_taps;
      v.m += tail.view.m;
      v.nth = tail.view.nth;
      v.ntw = tail.view.ntw;
      v.tmin = tail.view.tmin;
      v.tmax = tail.view.tmax;
      base.offh = tail.offh;
      base.offw = tail.offw;
      base.toff = tail.toff;
      base.member_kh.insert(base.member_kh.end(), tail.member_kh.begin(), tail.member_kh.end());
      base.member_kw.insert(base.member_kw.end(), tail.member_kw.begin(), tail.member_kw.end());
      base.member_offset.insert(base.member_offset.end(), tail.member_offset.begin(), tail.member_offset.end());
      groups.erase(groups.begin() + std::ptrdiff_t(b));
      any = true;
      a = size_t(-1);  // start over: the groups moved
      break;
    }
  return any;
}

// Per group the rows that make the cheapest tile over its rows and vectors
// at geo.nv vectors, counting the partial last block. A group whose rows
// take several micro-blocks reads each input vector once per block, from L2
// after the first (a block runs the whole reduction); where fewer vectors
// let one block take all its rows at no more than 5% more FMA cycles, it
// takes them (a 9x2 tile rather than three of 3x8).
void choose_tiles(std::vector<PhaseGroup>& groups, const Geometry& geo, const IsaTraits& isa) {
  const int max_mr = std::min(kMaxMr, isa.max_acc / geo.nv);
  for (PhaseGroup& group : groups) {
    double group_best = std::numeric_limits<double>::infinity();
    const int step = pairable(group, geo.sw) ? 2 : 1;
    for (int mr = step; mr <= max_mr; mr += step)
      if (const double c = phase_cost(group.view, geo.cog, mr, geo.nv, isa.fpc); c < group_best) {
        group_best = c;
        group.view.mr = mr;
      }
    group.view.nv = geo.nv;
    const int64_t rows = geo.cog * group.view.m;
    if (ceil_div(rows, group.view.mr) > 1)
      for (int nv : kNvChoices) {
        if (nv >= geo.nv || geo.nv % nv != 0 || rows > std::min(kMaxMr, isa.max_acc / nv)) continue;
        if (phase_cost(group.view, geo.cog, int(rows), nv, isa.fpc) <= 1.05 * group_best) {
          group.view.nv = nv;
          group.view.mr = int32_t(rows);
        }
      }
  }
}

// Weights per output channel of all groups, and the most vectors of any.
struct Extent {
  int64_t weights_per_channel = 0, max_nvec = 1;
};

Extent extent(const std::vector<PhaseGroup>& groups) {
  Extent e;
  for (const PhaseGroup& group : groups) {
    e.weights_per_channel += channel_weights(group.view);
    e.max_nvec = std::max(e.max_nvec, group.view.nvec);
  }
  e.weights_per_channel = std::max<int64_t>(e.weights_per_channel, 1);
  return e;
}

int64_t task_count(const PhasePlan& plan, int64_t images) {
  return plan.group_blocks * plan.channel_blocks * images * plan.vector_blocks;
}

// Cache blocking: a task takes channels_per_task output channels (their
// packed weights, of all groups, about 768 KiB at most, stay in L2), vb
// vectors of every group (about 2^20 lane-FMAs of work), and for small
// conv groups several groups that share the description of the vectors;
// and there are at least 16 tasks where the problem allows (a fixed
// number: the tiling never depends on the thread count).
void block_tasks(PhasePlan& plan, Geometry& geo, int64_t conv_groups, int64_t images, const IsaTraits& isa) {
  const std::vector<PhaseGroup>& groups = plan.groups;
  const int32_t mr0 = groups[0].view.mr;
  const Extent e = extent(groups);
  bool one_tile = true;  // every group has the same m and mr
  for (const PhaseGroup& group : groups)
    one_tile = one_tile && group.view.m == groups[0].view.m && group.view.mr == mr0;
  const int64_t vl = isa.vl;
  // Channel blocks whose rows are whole micro-blocks where one tile serves
  // every group (channels_per_task * m a multiple of mr).
  const int64_t unit = one_tile ? mr0 / std::gcd<int64_t>(mr0, groups[0].view.m) : 1;
  const int64_t blocks = std::max<int64_t>(1, (int64_t(3) << 16) / (e.weights_per_channel * unit));
  plan.channels_per_task = std::min(blocks * unit, round_up(geo.cog, unit));
  plan.channel_blocks = ceil_div(geo.cog, plan.channels_per_task);
  plan.channels_per_task = round_up(ceil_div(geo.cog, plan.channel_blocks), unit);  // blocks of equal size
  plan.channel_blocks = ceil_div(geo.cog, plan.channels_per_task);
  const int64_t per_vector = std::min(plan.channels_per_task, geo.cog) * e.weights_per_channel * vl;
  geo.vb = round_up(std::max<int64_t>(1, (int64_t(1) << 20) / per_vector), geo.nv);
  geo.vb = std::min({geo.vb, round_up(e.max_nvec, geo.nv), round_up(256, geo.nv)});
  plan.vector_blocks = ceil_div(e.max_nvec, geo.vb);
  if (plan.channel_blocks == 1)
    plan.groups_per_task =
        std::clamp<int64_t>((int64_t(1) << 20) / (geo.cog * e.weights_per_channel * geo.vb * vl), 1, conv_groups);
  plan.group_blocks = ceil_div(conv_groups, plan.groups_per_task);
  if (task_count(plan, images) < 16 && plan.groups_per_task > 1) {
    plan.groups_per_task = std::max<int64_t>(1, plan.groups_per_task / ceil_div(16, task_count(plan, images)));
    plan.group_blocks = ceil_div(conv_groups, plan.groups_per_task);
  }
  if (task_count(plan, images) < 16 && geo.vb > geo.nv) {
    const int64_t want = ceil_div(16, plan.group_blocks * plan.channel_blocks * images);
    geo.vb = std::max<int64_t>(geo.nv, round_up(ceil_div(e.max_nvec, want), geo.nv));
    plan.vector_blocks = ceil_div(e.max_nvec, geo.vb);
  }
}

// Input packing (kernel_impl.h, run_task_impl): for planes of 2 KiB or more
// read by a reduction over 8 channels or more, where a task reads its input
// three times or more (once per micro-block of rows of each group: read
// once or twice, it costs less in place than copied), when each element
// copied then serves 16 lane-FMAs or more and a task's part of all its
// planes is at most 4 MiB. A task copies the span of each plane that its
// vectors read, which taps rows apart make longer than its positions; so
// where the copy costs (under 64 lane-FMAs an element), tasks take more
// vectors (whole rows in row mode) until the span is at most 1.5 times
// their positions, while the copy stays within 1 MiB (half the L2) and 16
// tasks remain. Returns the longest span a task copies, or 0: no packing
// (and may widen geo.vb).
int64_t decide_input_packing(PhasePlan& plan, Geometry& geo, int64_t images, const IsaTraits& isa) {
  const std::vector<PhaseGroup>& groups = plan.groups;
  const int64_t max_nvec = extent(groups).max_nvec;
  const int64_t channels = std::min(plan.channels_per_task, geo.cog);
  struct Spans {
    int64_t longest = 0;
    double copied = 0, positions = 0, fmas = 0;
  };
  const auto spans = [&](int64_t vb) {
    Spans s;
    for (int64_t b = 0; b < ceil_div(max_nvec, vb); ++b) {
      int64_t lo = geo.h_in * geo.w_in, hi = 0, positions = 0;
      for (const PhaseGroup& group : groups) {
        const PhaseView& v = group.view;
        const int64_t v0 = b * vb, v1 = std::min(v0 + vb, v.nvec);
        if (v0 >= v1) continue;
        positions = std::max(positions, (v1 - v0) * isa.vl);
        s.fmas += double((v1 - v0) * isa.vl) * double(channel_weights(v) * channels);
        int64_t a, c;
        input_span(v, v0, v1, isa.vl, geo.w_in, a, c);
        lo = std::min(lo, a);
        hi = std::max(hi, c);
      }
      const int64_t len = std::max<int64_t>(0, std::min(hi, geo.h_in * geo.w_in) - std::max<int64_t>(lo, 0));
      s.longest = std::max(s.longest, len);
      s.copied += double(geo.cig * len);
      s.positions += double(geo.cig * positions);
    }
    return s;
  };
  int64_t reads = 0;
  for (const PhaseGroup& group : groups) reads += ceil_div(channels * group.view.m, group.view.mr);
  if (geo.h_in * geo.w_in < 512 || geo.cig < 8 || reads < 3) return 0;
  Spans s = spans(geo.vb);
  int64_t vb = geo.vb;
  bool rows = true;  // every group in row mode, with rows of the same vectors
  for (const PhaseGroup& group : groups) rows = rows && !group.pitch && group.view.vp == groups[0].view.vp;
  const int64_t row = rows ? std::lcm<int64_t>(groups[0].view.vp / isa.vl, geo.nv) : 0;
  const int64_t most = round_up(std::min<int64_t>(max_nvec, 256), geo.nv);
  while (s.copied > 1.5 * s.positions && s.fmas < 64 * s.copied) {
    const int64_t wider = std::min(most, row ? (vb / row + 1) * row : round_up(2 * vb, geo.nv));
    if (wider == vb || plan.group_blocks * plan.channel_blocks * images * ceil_div(max_nvec, wider) < 16) break;
    const Spans next = spans(wider);
    if (geo.cig * next.longest > (int64_t(1) << 18)) break;
    vb = wider;
    s = next;
  }
  if (s.longest == 0 || geo.cig * s.longest > (int64_t(1) << 20) || s.fmas < 16 * s.copied) return 0;
  geo.vb = vb;
  plan.vector_blocks = ceil_div(max_nvec, geo.vb);
  return s.longest;
}

// Packed weights: per group, conv group, channel block and micro-block of
// mr rows from the block's first (the last one shorter; the blocks a run's
// tasks take), [chunk][tap][input channel][row], the order the micro-kernel
// reads them in, so its weight stream is sequential. Row R is output
// channel R / m of member R % m; its rows start at R * k. Also each group's
// output offsets and biases per row, and whether it stores pairs.
void pack_weights(PhasePlan& plan, const PlanImpl& impl, const float* w) {
  const Problem& p = impl.problem;
  const Geometry& geo = impl.geo;
  int64_t total = 0;
  for (PhaseGroup& group : plan.groups) {
    group.wpack_offset = total;
    total += p.groups * geo.cog * channel_weights(group.view);
  }
  plan.wpack.resize(size_t(total));
  const int64_t kH = p.kernel.h, kW = p.kernel.w, block = plan.channels_per_task;
  for (PhaseGroup& group : plan.groups) {
    PhaseView& v = group.view;
    const int64_t rows = geo.cog * v.m;
    float* dst = plan.wpack.data() + group.wpack_offset;
    for (int64_t g = 0; g < p.groups; ++g)
      for (int64_t b0 = 0; b0 < rows; b0 += block * v.m)
        for (int64_t r0 = b0; r0 < std::min(rows, b0 + block * v.m); r0 += v.mr) {
          const int64_t mr = std::min({int64_t(v.mr), rows - r0, b0 + block * v.m - r0});
          for (int64_t c0 = 0; c0 < geo.cig; c0 += geo.cb)
            for (int64_t t = 0; t < int64_t(v.nth) * v.ntw; ++t) {
              // Tail taps: the block's tail rows only (tail_before).
              const bool tail_only = !group.xtap.empty() && group.xtap[size_t(t)];
              const size_t th = size_t(t / v.ntw), tw = size_t(t % v.ntw);
              for (int64_t ci = c0; ci < std::min(geo.cig, c0 + geo.cb); ++ci)
                for (int64_t r = r0; r < r0 + mr; ++r) {
                  const size_t m = size_t(r % v.m);
                  if (tail_only && int64_t(m) < v.m - v.mt) continue;
                  *dst++ = w[(((g * geo.cig + ci) * geo.cog + r / v.m) * kH + group.member_kh[m][th]) * kW +
                             group.member_kw[m][tw]];
                }
            }
        }
    for (int64_t r = 0; r < rows; ++r)
      group.yrow.push_back(r / v.m * geo.h_out * geo.w_out + group.member_offset[size_t(r % v.m)]);
    v.pairs = pairable(group, geo.sw) && v.mr % 2 == 0;
    if (p.bias)
      for (int64_t g = 0; g < p.groups; ++g)
        for (int64_t r = 0; r < rows; ++r) group.brow.push_back(impl.bias[size_t(g * geo.cog + r / v.m)]);
  }
}

// The views the kernels read, and per thread the scratch of its largest
// task: the descriptions of vb vectors, the tap masks of nv of them, and
// the packed input (pack_len elements of each of C_in/groups planes).
void link_views_and_scratch(PhasePlan& plan, const PlanImpl& impl, int64_t pack_len, const IsaTraits& isa) {
  const Geometry& geo = impl.geo;
  int64_t max_nth = 1, max_ntw = 1;
  for (PhaseGroup& group : plan.groups) {
    PhaseView& v = group.view;
    v.offh = group.offh.data();
    v.offw = group.offw.data();
    v.toff = group.toff.data();
    v.xtap = group.xtap.empty() ? nullptr : group.xtap.data();
    v.wpack = plan.wpack.data() + group.wpack_offset;
    v.yrow = group.yrow.data();
    v.brow = impl.problem.bias ? group.brow.data() : nullptr;
    plan.views.push_back(v);
    max_nth = std::max<int64_t>(max_nth, v.nth);
    max_ntw = std::max<int64_t>(max_ntw, v.ntw);
  }
  const int64_t max_taps = max_nth * max_ntw, max_vb = geo.vb, max_tmask = max_taps * geo.nv;
  plan.scratch.resize(size_t(impl.threads));
  for (PhasePlan::ThreadScratch& s : plan.scratch) {
    if (geo.pack) s.xpack.resize(size_t(geo.cig * pack_len));
    s.xoff.resize(size_t(max_vb));
    s.rowm.resize(size_t(max_vb * max_nth));
    s.colm.resize(size_t(max_vb * max_ntw));
    s.nseg.resize(size_t(max_vb));
    s.seg.resize(size_t(max_vb * (isa.vl + 1)));
    s.tmask.resize(size_t(max_tmask));
    s.tflag.resize(size_t(max_taps));
    s.view = Scratch{s.xoff.data(), s.rowm.data(), s.colm.data(), s.nseg.data(),
                     s.seg.data(), s.tmask.data(), s.tflag.data(), s.xpack.data()};
  }
}

}  // namespace

std::vector<PhaseGroup> enumerate_phases(const Problem& p, const Geometry& geo, const IsaTraits& isa) {
  std::vector<PhaseGroup> groups;
  for (int64_t qh = 0; qh < std::min(geo.sh, geo.h_out); ++qh)
    for (int64_t qw = 0; qw < std::min(geo.sw, geo.w_out); ++qw) {
      const int64_t hq = ceil_div(geo.h_out - qh, geo.sh), wq = ceil_div(geo.w_out - qw, geo.sw);
      std::vector<int64_t> kh, kw, offh, offw;
      axis_taps(qh, hq, geo.h_in, geo.sh, p.padding.h, p.dilation.h, p.kernel.h, kh, offh);
      axis_taps(qw, wq, geo.w_in, geo.sw, p.padding.w, p.dilation.w, p.kernel.w, kw, offw);
      auto same = [&](const PhaseGroup& f) {
        return f.view.hq == hq && f.view.wq == wq && f.offh == offh && f.offw == offw;
      };
      auto found = std::find_if(groups.begin(), groups.end(), same);
      if (found != groups.end()) {
        found->member_kh.push_back(kh);
        found->member_kw.push_back(kw);
        found->member_offset.push_back(qh * geo.w_out + qw);
        ++found->view.m;
        continue;
      }
      PhaseGroup group;
      PhaseView& v = group.view;
      v.hq = hq;
      v.wq = wq;
      v.m = 1;
      group.member_kh.push_back(kh);
      group.member_kw.push_back(kw);
      group.member_offset.push_back(qh * geo.w_out + qw);
      group.offh = offh;
      group.offw = offw;
      v.nth = int32_t(offh.size());
      v.ntw = int32_t(offw.size());
      for (int64_t oh : group.offh)
        for (int64_t ow : group.offw) group.toff.push_back(oh * geo.w_in + ow);
      const int64_t taps = int64_t(group.toff.size());
      v.tmin = taps ? *std::min_element(group.toff.begin(), group.toff.end()) : 0;
      v.tmax = taps ? *std::max_element(group.toff.begin(), group.toff.end()) : 0;
      v.k = geo.cig * taps;
      // Positions: pitch mode numbers them with the input's row pitch, so a
      // vector can span several short rows and still read its inputs at
      // p + offset (the upsampling layers, W_out = stride * W_in, have
      // wq == W_in exactly); row mode keeps each vector in one row.
      const int64_t vl = isa.vl;
      const int64_t row_vectors = v.hq * ceil_div(v.wq, vl);
      const int64_t pitch_vectors = v.wq <= geo.w_in ? ceil_div(v.hq * geo.w_in, vl) : row_vectors + 1;
      group.pitch = pitch_vectors < row_vectors;
      v.vp = group.pitch ? geo.w_in : round_up(v.wq, vl);
      v.nvec = std::min(pitch_vectors, row_vectors);
      groups.push_back(std::move(group));
    }
  return groups;
}

int position_tile(const std::vector<PhaseGroup>& groups, int64_t cog, int64_t sw, const IsaTraits& isa,
                  double& cost) {
  double best = std::numeric_limits<double>::infinity();
  int best_nv = 1;
  for (int nv : kNvChoices) {
    const int max_mr = std::min(kMaxMr, isa.max_acc / nv);
    double c = 0;
    for (const PhaseGroup& group : groups) {
      double group_best = std::numeric_limits<double>::infinity();
      const int step = pairable(group, sw) ? 2 : 1;
      for (int mr = step; mr <= max_mr; mr += step)
        group_best = std::min(group_best, phase_cost(group.view, cog, mr, nv, isa.fpc));
      c += group_best;
    }
    if (c < best) {
      best = c;
      best_nv = nv;
    }
  }
  cost = best;
  return best_nv;
}

void plan_phases(PlanImpl& impl, std::vector<PhaseGroup> groups, const float* w, const IsaTraits& isa) {
  const Problem& p = impl.problem;
  Geometry& geo = impl.geo;
  PhasePlan& plan = impl.method.emplace<PhasePlan>();
  plan.run_task = isa.run_task;
  plan.groups = std::move(groups);
  double position_cost = 0;
  if (add_tail_members(plan.groups, geo.cig, geo.cog, geo.sw))
    geo.nv = position_tile(plan.groups, geo.cog, geo.sw, isa, position_cost);
  choose_tiles(plan.groups, geo, isa);
  const int32_t mr0 = plan.groups.empty() ? 1 : plan.groups[0].view.mr;
  // Inputs are prefetched a fixed time ahead (DRAM latency and then some),
  // so fewer channels ahead the more work a reduction step does.
  geo.ahead = std::clamp<int64_t>(600 / (int64_t(mr0) * geo.nv), 4, 64);
  block_tasks(plan, geo, p.groups, p.n, isa);
  const int64_t pack_len = decide_input_packing(plan, geo, p.n, isa);
  geo.pack = pack_len > 0;
  impl.tasks = task_count(plan, p.n);
  // Where each task is the only one to read its weights (one image, one
  // block of vectors: every weight is read once per run, from L3 or DRAM),
  // the micro-kernels prefetch them 4 taps ahead: the hardware prefetchers
  // stop at every 4 KiB page of that stream. Where the weights stay in L2
  // for the next task, they are not.
  if (p.n * plan.vector_blocks == 1) geo.wahead = 4 * geo.cb * mr0;
  pack_weights(plan, impl, w);
  link_views_and_scratch(plan, impl, pack_len, isa);
}

void summarize(const PhasePlan& plan, const PlanImpl& impl, PlanSummary& s) {
  s.method = Method::phases;
  for (const PhaseGroup& group : plan.groups) {
    const PhaseView& v = group.view;
    PhaseGroupSummary& g = s.phase_groups.emplace_back();
    g.members = v.m;
    g.tail_members = v.mt;
    g.extra_taps = group.extra_taps;
    g.row_taps = v.nth;
    g.column_taps = v.ntw;
    g.tile_rows = v.mr;
    g.tile_vectors = v.nv;
    g.pitch_mode = group.pitch;
    g.paired_stores = v.pairs;
    s.phases += v.m;
  }
  s.groups_per_task = plan.groups_per_task;
  s.channels_per_task = plan.channels_per_task;
  s.vectors_per_task = impl.geo.vb;
  s.input_packed = impl.geo.pack;
  s.weights_prefetched = impl.geo.wahead != 0;
}

void run_plan(PlanImpl& impl, PhasePlan& plan, const float* x, float* y) {
  const int64_t images = impl.problem.n, conv_groups = impl.problem.groups;
  auto body = [&](int64_t index, int thread) {
    Task t;
    t.b = index % plan.vector_blocks;
    index /= plan.vector_blocks;
    t.n = index % images;
    index /= images;
    const int64_t channel_block = index % plan.channel_blocks;
    const int64_t group_block = index / plan.channel_blocks;
    t.geo = &impl.geo;
    t.phases = plan.views.data();
    t.nphases = int32_t(plan.views.size());
    t.g0 = group_block * plan.groups_per_task;
    t.g1 = std::min(t.g0 + plan.groups_per_task, conv_groups);
    t.co0 = channel_block * plan.channels_per_task;
    t.co1 = std::min(t.co0 + plan.channels_per_task, impl.geo.cog);
    t.x = x;
    t.y = y;
    t.scratch = &plan.scratch[size_t(thread)].view;
    plan.run_task(t);
  };
  run_tasks(impl, body);
}

}  // namespace convt::cpu::detail
