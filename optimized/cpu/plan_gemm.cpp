// The 1x1-input method (kernel.h, GemmTask): tiling and weight packing from
// the shape alone, its summary and its run.
#include <limits>

#include "optimized/cpu/plan_impl.h"

namespace convt::cpu::detail {

void plan_gemm(PlanImpl& impl, const float* w, const IsaTraits& isa) {
  const Problem& p = impl.problem;
  const Geometry& geo = impl.geo;
  GemmPlan& plan = impl.method.emplace<GemmPlan>();
  GemmTask& task = plan.task;
  plan.run_task = isa.run_gemm_task;
  task.c_in = p.c_in;
  task.cig = geo.cig;
  task.l = geo.cog * p.kernel.h * p.kernel.w;
  task.ystride = p.c_out * p.kernel.h * p.kernel.w;
  // Register tile: images x vectors of columns.
  double best = std::numeric_limits<double>::infinity();
  for (int nv : kNvChoices) {
    const int max_mr = std::min(8, isa.max_acc / nv);
    for (int mr = 1; mr <= max_mr; ++mr) {
      const int64_t full = p.n / mr, rest = p.n % mr;
      const double cost = double(ceil_div(task.l, int64_t(nv) * isa.vl)) *
                          (double(full) * step_cycles(mr, nv, isa.fpc) +
                           (rest ? step_cycles(int(rest), nv, isa.fpc) : 0.0));
      if (cost < best) {
        best = cost;
        task.mr = mr;
        task.nv = nv;
      }
    }
  }
  const int64_t width = int64_t(task.nv) * isa.vl;
  task.ntiles = ceil_div(task.l, width);
  // Weights as [group][tile][input channel][width], zero past L: a tile's
  // panel is read sequentially (zeros only meet lanes that are not stored).
  plan.wpack.assign(size_t(p.groups * task.ntiles * geo.cig * width), 0.0f);
  for (int64_t g = 0; g < p.groups; ++g)
    for (int64_t ci = 0; ci < geo.cig; ++ci)
      for (int64_t c = 0; c < task.l; ++c)
        plan.wpack[size_t(((g * task.ntiles + c / width) * geo.cig + ci) * width + c % width)] =
            w[(g * geo.cig + ci) * task.l + c];
  if (p.bias) {
    const int64_t taps = p.kernel.h * p.kernel.w;
    plan.brow.assign(size_t(p.groups * task.ntiles * width), 0.0f);
    for (int64_t g = 0; g < p.groups; ++g)
      for (int64_t c = 0; c < task.l; ++c)
        plan.brow[size_t(g * task.ntiles * width + c)] = impl.bias[size_t(g * geo.cog + c / taps)];
  }
  task.wpack = plan.wpack.data();
  task.brow = p.bias ? plan.brow.data() : nullptr;
  // A task: the tiles whose panels fill about 256 KiB, all images (split
  // when that leaves fewer than 16 tasks).
  plan.tiles_per_task =
      std::clamp<int64_t>((int64_t(1) << 16) / (std::max<int64_t>(geo.cig, 1) * width), 1, task.ntiles);
  plan.tile_chunks = ceil_div(task.ntiles, plan.tiles_per_task);
  plan.images_per_task = round_up(p.n, task.mr);
  if (p.groups * plan.tile_chunks < 16) {
    const int64_t want = ceil_div(16, p.groups * plan.tile_chunks);
    plan.images_per_task = round_up(std::max<int64_t>(1, ceil_div(p.n, want)), task.mr);
  }
  plan.image_chunks = ceil_div(p.n, plan.images_per_task);
  impl.tasks = p.groups * plan.tile_chunks * plan.image_chunks;
}

void summarize(const GemmPlan& plan, const PlanImpl&, PlanSummary& s) {
  s.method = Method::gemm;
  s.tile_rows = plan.task.mr;
  s.tile_vectors = plan.task.nv;
}

void run_plan(PlanImpl& impl, GemmPlan& plan, const float* x, float* y) {
  const int64_t images = impl.problem.n;
  auto body = [&](int64_t index, int) {
    GemmTask t = plan.task;
    const int64_t image_chunk = index % plan.image_chunks;
    index /= plan.image_chunks;
    const int64_t tile_chunk = index % plan.tile_chunks;
    t.g = index / plan.tile_chunks;
    t.n0 = image_chunk * plan.images_per_task;
    t.n1 = std::min(t.n0 + plan.images_per_task, images);
    t.t0 = tile_chunk * plan.tiles_per_task;
    t.t1 = std::min(t.t0 + plan.tiles_per_task, t.ntiles);
    t.x = x;
    t.y = y;
    plan.run_task(t);
  };
  run_tasks(impl, body);
}

}  // namespace convt::cpu::detail
