// The one-input-channel-per-group method (kernel.h, DwGeometry): column
// slots and their permutes, per-lane weights, row taps and their runs, task
// blocks; its summary and its run.
#include <limits>
#include <numeric>

#include "optimized/cpu/plan_impl.h"

namespace convt::cpu::detail {
namespace {

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

}  // namespace

// For depthwise layers and small channel multipliers; false when the shape
// does not suit it (more output channels per input channel gain from a
// register tile, a slot whose lanes span more than two vectors cannot be
// permuted).
bool plan_depthwise(PlanImpl& impl, const float* w, const IsaTraits& isa) {
  const Problem& p = impl.problem;
  const Geometry& geo = impl.geo;
  if (geo.cig != 1 || geo.cog > 4 || p.kernel.h > kDwMaxRowTaps) return false;
  const int64_t vl = isa.vl;
  DepthwisePlan plan;
  DwGeometry& D = plan.geo;
  D.c_in = p.c_in;
  D.h_in = p.h_in;
  D.w_in = p.w_in;
  D.c_out = p.c_out;
  D.h_out = geo.h_out;
  D.w_out = geo.w_out;
  D.cog = geo.cog;
  D.sh = p.stride.h;
  D.ph = p.padding.h;
  D.dh = p.dilation.h;
  D.kh = p.kernel.h;
  D.nb = ceil_div(geo.w_out, vl);
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
  plan.base.assign(size_t(D.nb * slots), 0);
  plan.mask.assign(size_t(D.nb * slots), 0);
  plan.idx.assign(size_t(D.classes * slots * vl), 0);
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
        plan.idx[size_t((cls * slots + a) * vl + l)] = int32_t(iw - base);  // the same for every b of the class
        if (has && b * vl + l < geo.w_out && iw >= 0 && iw < p.w_in) mask |= uint32_t(1) << l;
      }
      plan.base[size_t(b * slots + a)] = mask ? int32_t(base) : 0;  // (no lane reads: a safe window)
      plan.mask[size_t(b * slots + a)] = mask;
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
  plan.wvec.assign(size_t(p.c_out * p.kernel.h * per_kh), 0.0f);
  for (int64_t cls = 0; cls < D.classes; ++cls)
    for (int64_t l = 0; l < vl; ++l) {
      column_taps(cls * vl + l, p, kws, iws);
      for (size_t a = 0; a < kws.size(); ++a)
        for (int64_t co = 0; co < p.c_out; ++co)
          for (int64_t kh = 0; kh < p.kernel.h; ++kh)
            plan.wvec[size_t((co * p.kernel.h + kh) * per_kh + (cls * slots + int64_t(a)) * vl + l)] =
                w[(co * p.kernel.h + kh) * p.kernel.w + kws[a]];
    }
  // Row taps of every output row: kh ascending with oh + ph - kh*dh
  // divisible by sh and the input row ih inside the input.
  D.max_row_taps = 0;
  plan.row_taps.assign(size_t(geo.h_out), 0);
  std::vector<std::vector<int32_t>> row_kh_ih(static_cast<size_t>(geo.h_out));
  for (int64_t oh = 0; oh < geo.h_out; ++oh) {
    for (int64_t kh = 0; kh < p.kernel.h; ++kh) {
      const int64_t v = oh + p.padding.h - kh * p.dilation.h;
      if (v % p.stride.h != 0 || v / p.stride.h < 0 || v / p.stride.h >= p.h_in) continue;
      row_kh_ih[size_t(oh)].push_back(int32_t(kh));
      row_kh_ih[size_t(oh)].push_back(int32_t(v / p.stride.h));
    }
    plan.row_taps[size_t(oh)] = int32_t(row_kh_ih[size_t(oh)].size() / 2);
    D.max_row_taps = std::max(D.max_row_taps, plan.row_taps[size_t(oh)]);
  }
  plan.row_kh_ih.assign(size_t(geo.h_out * 2 * D.max_row_taps), 0);
  for (int64_t oh = 0; oh < geo.h_out; ++oh)
    std::copy(row_kh_ih[size_t(oh)].begin(), row_kh_ih[size_t(oh)].end(),
              plan.row_kh_ih.begin() + oh * 2 * D.max_row_taps);
  for (int64_t qh = 0; qh < std::min(p.stride.h, geo.h_out); ++qh)
    for (int64_t oh = qh; oh < geo.h_out; oh += p.stride.h) {
      const std::vector<int32_t>& now = row_kh_ih[size_t(oh)];
      bool extends = oh >= p.stride.h && !plan.runs.empty();
      if (extends) {
        const std::vector<int32_t>& prev = row_kh_ih[size_t(oh - p.stride.h)];
        extends = prev.size() == now.size();
        for (size_t r = 0; extends && r < now.size(); r += 2)
          extends = prev[r] == now[r] && prev[r + 1] + 1 == now[r + 1];
      }
      if (extends)
        ++plan.runs.back();
      else
        plan.runs.insert(plan.runs.end(), {oh, 1});
    }
  D.nruns = int64_t(plan.runs.size() / 2);
  D.fixed = D.classes == 1 && slots <= 4;
  // Tasks, from the shape alone: about 64 KiB of output each (whole
  // planes, or blocks of rows of one), and at least 16 when there are rows
  // to split.
  const int64_t plane = geo.h_out * geo.w_out, target = int64_t(1) << 14;
  plan.channels_per_task = std::clamp<int64_t>(target / plane, 1, p.c_out);
  plan.rows_per_task =
      plan.channels_per_task > 1 ? geo.h_out : std::clamp<int64_t>(target / geo.w_out, 1, geo.h_out);
  plan.channel_blocks = ceil_div(p.c_out, plan.channels_per_task);
  plan.row_blocks = ceil_div(geo.h_out, plan.rows_per_task);
  if (p.n * plan.channel_blocks * plan.row_blocks < 16) {
    if (plan.channels_per_task > 1) {
      plan.channels_per_task = std::max<int64_t>(1, plan.channels_per_task / ceil_div(16, p.n * plan.channel_blocks));
      plan.channel_blocks = ceil_div(p.c_out, plan.channels_per_task);
    }
    if (plan.channels_per_task == 1 && p.n * plan.channel_blocks * plan.row_blocks < 16) {
      plan.rows_per_task = std::max<int64_t>(1, ceil_div(geo.h_out, ceil_div(16, p.n * plan.channel_blocks)));
      plan.row_blocks = ceil_div(geo.h_out, plan.rows_per_task);
    }
  }
  plan.run_task = isa.run_dw_task;
  plan.planes.assign(size_t(impl.threads), std::vector<float>(size_t(D.pitch * p.h_in), 0.0f));
  impl.tasks = p.n * plan.channel_blocks * plan.row_blocks;
  DepthwisePlan& stored = impl.method.emplace<DepthwisePlan>(std::move(plan));
  DwGeometry& G = stored.geo;
  G.runs = stored.runs.data();
  G.row_taps = stored.row_taps.data();
  G.row_kh_ih = stored.row_kh_ih.data();
  G.base = stored.base.data();
  G.mask = stored.mask.data();
  G.idx = stored.idx.data();
  G.wvec = stored.wvec.data();
  G.bias = p.bias ? impl.bias.data() : nullptr;
  return true;
}

void summarize(const DepthwisePlan& plan, const PlanImpl&, PlanSummary& s) {
  s.method = Method::depthwise;
  s.column_slots = plan.geo.slots;
  s.column_classes = plan.geo.classes;
}

void run_plan(PlanImpl& impl, DepthwisePlan& plan, const float* x, float* y) {
  const int64_t c_out = impl.problem.c_out, h_out = impl.geo.h_out;
  auto body = [&](int64_t index, int thread) {
    DwTask t;
    const int64_t row_block = index % plan.row_blocks;
    index /= plan.row_blocks;
    const int64_t channel_block = index % plan.channel_blocks;
    t.n = index / plan.channel_blocks;
    t.geo = &plan.geo;
    t.x = x;
    t.y = y;
    t.plane = plan.planes[size_t(thread)].data();
    t.co0 = channel_block * plan.channels_per_task;
    t.co1 = std::min(t.co0 + plan.channels_per_task, c_out);
    t.oh0 = row_block * plan.rows_per_task;
    t.oh1 = std::min(t.oh0 + plan.rows_per_task, h_out);
    plan.run_task(t);
  };
  run_tasks(impl, body);
}

}  // namespace convt::cpu::detail
