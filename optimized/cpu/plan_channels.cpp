// The channel-vector method (kernel.h, CvTask): the tile, the position
// classes of each phase group, the choice against position vectors, weight
// packing and the task blocks; its summary and its run.
#include <limits>

#include "optimized/cpu/plan_impl.h"

namespace convt::cpu::detail {

// Taken when there are rows enough for two vectors and its tiles cost a
// tenth less than position vectors': both costs count every FMA issued
// (position vectors: masked lanes, the lanes past a row's end, padding
// vectors; channel vectors: the rows past the last and the columns past a
// class's last). The tenth is for storing its outputs element by element,
// scattered over the planes. `position_cost`: the position vectors' step
// cycles per image (position_tile). On success the phase groups move into
// the plan.
bool plan_channels(PlanImpl& impl, std::vector<PhaseGroup>& groups, const float* w, const IsaTraits& isa,
                   double position_cost) {
  const Problem& p = impl.problem;
  const Geometry& geo = impl.geo;
  for (const PhaseGroup& group : groups)
    if (geo.cog * group.view.m < 2 * isa.vl || group.view.nth * group.view.ntw > 64) return false;
  const int64_t vl = isa.vl;
  ChannelPlan plan;
  // Tile: tile_vectors vectors of rows x tile_columns columns, the cheapest
  // per column.
  double best = std::numeric_limits<double>::infinity();
  for (int nv = 1; nv <= 4; ++nv) {
    const int nr = std::min(kCvMaxNr, isa.max_acc / nv);
    double cost = 0;
    for (const PhaseGroup& group : groups)
      cost += double(ceil_div(geo.cog * group.view.m, nv * vl)) * step_cycles(nr, nv, isa.fpc) / nr;
    if (cost < best) {
      best = cost;
      plan.tile_vectors = nv;
      plan.tile_columns = nr;
    }
  }
  // Position classes of each phase group: the positions that take the same
  // taps.
  for (size_t q = 0; q < groups.size(); ++q) {
    const PhaseGroup& group = groups[q];
    const PhaseView& v = group.view;
    const int64_t taps = v.nth * v.ntw;
    std::vector<uint64_t> keys;
    const size_t first = plan.classes.size();
    for (int64_t j = 0; j < v.hq; ++j)
      for (int64_t i = 0; i < v.wq; ++i) {
        uint64_t key = 0;
        for (int64_t t = 0; t < taps; ++t) {
          const int64_t ih = j + group.offh[size_t(t / v.ntw)], iw = i + group.offw[size_t(t % v.ntw)];
          if (ih >= 0 && ih < geo.h_in && iw >= 0 && iw < geo.w_in) key |= uint64_t(1) << t;
        }
        const size_t c = size_t(std::find(keys.begin(), keys.end(), key) - keys.begin());
        if (c == keys.size()) {
          keys.push_back(key);
          ChannelPlan::PositionClass& k = plan.classes.emplace_back();
          k.group = q;
          for (int32_t t = 0; t < taps; ++t)
            if (key >> t & 1) k.taps.push_back(t);
        }
        plan.classes[first + c].xpos.push_back(j * geo.w_in + i);
        plan.classes[first + c].ypos.push_back(geo.sh * j * geo.w_out + geo.sw * i);
      }
  }
  const double position_cycles = position_cost * double(p.n);
  double channel_cycles = 0;
  for (const ChannelPlan::PositionClass& k : plan.classes) {
    const int64_t rows = geo.cog * groups[k.group].view.m;
    channel_cycles += double(ceil_div(p.n * int64_t(k.xpos.size()), plan.tile_columns)) *
                      double(geo.cig * int64_t(k.taps.size())) * double(ceil_div(rows, plan.tile_vectors * vl)) *
                      step_cycles(plan.tile_columns, plan.tile_vectors, isa.fpc);
  }
  if (channel_cycles * 1.1 >= position_cycles) return false;
  // Weights per phase group and conv group: [row block][tap][channel][row],
  // zero past the rows.
  const int64_t kH = p.kernel.h, kW = p.kernel.w;
  for (const PhaseGroup& group : groups) {
    const PhaseView& v = group.view;
    const int64_t width = plan.tile_vectors * vl, rows = geo.cog * v.m, rpad = round_up(rows, width);
    const int64_t taps = v.nth * v.ntw;
    plan.padded_rows.push_back(rpad);
    std::vector<float>& wq = plan.weights.emplace_back(size_t(p.groups * taps * geo.cig * rpad), 0.0f);
    for (int64_t g = 0; g < p.groups; ++g)
      for (int64_t t = 0; t < taps; ++t)
        for (int64_t ci = 0; ci < geo.cig; ++ci)
          for (int64_t r = 0; r < rows; ++r) {
            const size_t m = size_t(r % v.m);
            wq[size_t((((g * rpad / width + r / width) * taps + t) * geo.cig + ci) * width + r % width)] =
                w[(((g * geo.cig + ci) * geo.cog + r / v.m) * kH + group.member_kh[m][size_t(t / v.ntw)]) * kW +
                  group.member_kw[m][size_t(t % v.ntw)]];
          }
    std::vector<float>& bq = plan.bias.emplace_back(p.bias ? size_t(p.groups * rpad) : 0, 0.0f);
    std::vector<int64_t>& yq = plan.yrow.emplace_back();
    for (int64_t r = 0; r < rows; ++r) {
      yq.push_back(r / v.m * geo.h_out * geo.w_out + group.member_offset[size_t(r % v.m)]);
      if (p.bias)
        for (int64_t g = 0; g < p.groups; ++g) bq[size_t(g * rpad + r)] = impl.bias[size_t(g * geo.cog + r / v.m)];
    }
  }
  // Tasks: columns of one class, 8 tiles of tile_columns, so that each
  // block of weights loaded serves them all; block by block of images whose
  // input and output take at most 1 MiB, all classes of all phase groups
  // taking a block before the next. An output line is written by several
  // phases (qw = 0 and 1 interleave): within a block they find it in L2,
  // not in L3 after a pass over all of y. The weights are read again per
  // block, from L3 and in order.
  const int64_t per_task = 8 * int64_t(plan.tile_columns);  // (at most kCvMaxColumns)
  const int64_t image_bytes =
      (geo.cig * geo.h_in * geo.w_in + geo.cog * geo.h_out * geo.w_out) * int64_t(sizeof(float));
  const int64_t images = std::clamp<int64_t>((int64_t(1) << 20) / image_bytes, 1, p.n);
  plan.images_per_block = images;
  for (int64_t g = 0; g < p.groups; ++g)
    for (int64_t n0 = 0; n0 < p.n; n0 += images)
      for (size_t c = 0; c < plan.classes.size(); ++c) {
        const int64_t npos = int64_t(plan.classes[c].xpos.size());
        const int64_t lo = n0 * npos, hi = std::min(p.n, n0 + images) * npos;
        const int64_t ntasks = ceil_div(hi - lo, per_task);
        const int64_t each = round_up(ceil_div(hi - lo, ntasks), plan.tile_columns);
        for (int64_t c0 = lo; c0 < hi; c0 += each) plan.tasks.push_back({g, int64_t(c), c0, std::min(hi, c0 + each)});
      }
  plan.run_task = isa.run_cv_task;
  plan.groups = std::move(groups);
  impl.tasks = int64_t(plan.tasks.size());
  impl.method.emplace<ChannelPlan>(std::move(plan));
  return true;
}

void summarize(const ChannelPlan& plan, const PlanImpl&, PlanSummary& s) {
  s.method = Method::channel_vectors;
  for (const PhaseGroup& group : plan.groups) {
    PhaseGroupSummary& g = s.phase_groups.emplace_back();
    g.members = group.view.m;
    g.row_taps = group.view.nth;
    g.column_taps = group.view.ntw;
    g.pitch_mode = group.pitch;
    s.phases += group.view.m;
  }
  s.position_classes = int64_t(plan.classes.size());
  s.tile_vectors = plan.tile_vectors;
  s.tile_columns = plan.tile_columns;
  s.images_per_block = plan.images_per_block;
}

void run_plan(PlanImpl& impl, ChannelPlan& plan, const float* x, float* y) {
  const Geometry& geo = impl.geo;
  const bool bias = impl.problem.bias;
  auto body = [&](int64_t index, int) {
    const std::array<int64_t, 4>& task = plan.tasks[size_t(index)];
    const int64_t g = task[0];
    const ChannelPlan::PositionClass& k = plan.classes[size_t(task[1])];
    const PhaseGroup& group = plan.groups[k.group];
    const int64_t rpad = plan.padded_rows[k.group];
    const int64_t taps = group.view.nth * group.view.ntw;
    CvTask t;
    t.x = x;
    t.y = y;
    t.w = plan.weights[k.group].data() + g * taps * geo.cig * rpad;
    t.bias = bias ? plan.bias[k.group].data() + g * rpad : nullptr;
    t.yrow = plan.yrow[k.group].data();
    t.toff = group.toff.data();
    t.ptaps = taps;
    t.taps = k.taps.data();
    t.ntaps = int32_t(k.taps.size());
    t.xpos = k.xpos.data();
    t.ypos = k.ypos.data();
    t.npos = int64_t(k.xpos.size());
    t.rows = geo.cog * group.view.m;
    t.rpad = rpad;
    t.cig = geo.cig;
    t.cb = geo.cb;
    t.hw = geo.h_in * geo.w_in;
    t.ohw = geo.h_out * geo.w_out;
    t.xstride = geo.c_in * t.hw;
    t.ystride = geo.c_out * t.ohw;
    t.xg = g * geo.cig * t.hw;
    t.yg = g * geo.cog * t.ohw;
    t.c0 = task[2];
    t.c1 = task[3];
    t.nr = plan.tile_columns;
    t.nv = plan.tile_vectors;
    plan.run_task(t);
  };
  run_tasks(impl, body);
}

}  // namespace convt::cpu::detail
