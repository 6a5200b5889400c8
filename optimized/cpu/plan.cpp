// The plan: make_plan chooses the method from the shape (the 1x1-input
// GEMM, one input channel per group, channel vectors or stride phases, in
// that order; each in its own plan_<method>.cpp), and run hands the chosen
// method's tasks to the threads. Also Plan's accessors, its summary and
// its description.
#include <string>
#include <thread>

#include "optimized/cpu/conv_transpose_cpu.h"
#include "optimized/cpu/plan_impl.h"

namespace convt::cpu {

using namespace detail;

namespace {

// The 1x1-input case of kernel.h: output (kh, kw) is tap (kh, kw).
bool is_1x1(const Problem& p) {
  return p.h_in == 1 && p.w_in == 1 && p.padding == Pair{0, 0} && p.dilation == Pair{1, 1} &&
         p.output_padding == Pair{0, 0};
}

}  // namespace

const char* method_name(Method method) {
  switch (method) {
    case Method::phases: return "phases";
    case Method::channel_vectors: return "channel vectors";
    case Method::depthwise: return "depthwise";
    case Method::gemm: return "gemm";
  }
  return "?";
}

Plan::Plan() = default;
Plan::~Plan() = default;
Plan::Plan(Plan&&) noexcept = default;
Plan& Plan::operator=(Plan&&) noexcept = default;

Isa Plan::isa() const { return impl_->isa; }
int Plan::threads() const { return impl_->threads; }
const Problem& Plan::problem() const { return impl_->problem; }

PlanSummary Plan::summary() const {
  PlanSummary s;
  s.isa = impl_->isa;
  s.threads = impl_->threads;
  s.tasks = impl_->tasks;
  std::visit([&](const auto& method) { summarize(method, *impl_, s); }, impl_->method);
  return s;
}

std::string Plan::describe() const {
  const PlanSummary s = summary();
  const auto str = [](auto v) { return std::to_string(v); };
  std::string d = std::string(isa_name(s.isa)) + ", " + str(s.threads) + " threads, ";
  switch (s.method) {
    case Method::channel_vectors:
      return d + str(s.phase_groups.size()) + " phase groups in " + str(s.position_classes) +
             " position classes, channel vectors, tile " + str(s.tile_vectors) + "x" + str(s.tile_columns) + ", " +
             str(s.tasks) + " tasks, " + str(s.images_per_block) + (s.images_per_block == 1 ? " image" : " images") +
             " per block";
    case Method::depthwise:
      return d + "one input channel per group in output order, " + str(s.column_slots) + " column slots, " +
             str(s.column_classes) + " classes, " + str(s.tasks) + " tasks";
    case Method::gemm:
      return d + "1x1-input GEMM, tile " + str(s.tile_rows) + "x" + str(s.tile_vectors) + ", " + str(s.tasks) +
             " tasks";
    case Method::phases: break;
  }
  d += str(s.phases) + " phases in " + str(s.phase_groups.size()) + " groups, " + str(s.tasks) +
       " tasks; per task " + str(s.groups_per_task) + " groups x " + str(s.channels_per_task) + " channels x " +
       str(s.vectors_per_task) + " vectors per phase";
  for (size_t q = 0; q < s.phase_groups.size(); ++q) {
    const PhaseGroupSummary& g = s.phase_groups[q];
    d += "; phase group " + str(q) + ": " + str(g.members) + " fused" +
         (g.tail_members ? " (" + str(g.tail_members) + " with " + str(g.extra_taps) + " more taps)" : "") + ", " +
         str(g.row_taps) + "x" + str(g.column_taps) + " taps, tile " + str(g.tile_rows) + "x" + str(g.tile_vectors) +
         ", " + (g.pitch_mode ? "pitch" : "row") + " mode" + (g.paired_stores ? ", paired stores" : "");
  }
  if (s.input_packed) d += "; input packed per task";
  if (s.weights_prefetched) d += "; weights prefetched";
  return d;
}

Result<Plan> make_plan(const Problem& p, const float* w, const float* bias, const PlanOptions& options) {
  if (options.threads < 0) return Error{"a negative thread count"};
  Isa isa;
  if (options.isa) {
    if (!isa_supported(*options.isa)) return Error{std::string("this CPU does not support ") + isa_name(*options.isa)};
    isa = *options.isa;
  } else {
    Result<Isa> d = default_isa();
    if (!d) return d.error();
    isa = *d;
  }
  const IsaTraits traits = isa_traits(isa);

  auto impl = std::make_unique<PlanImpl>();
  impl->problem = p;
  impl->isa = isa;
  impl->threads = options.threads > 0 ? options.threads : int(std::max(1u, std::thread::hardware_concurrency()));

  Geometry& geo = impl->geo;
  geo.c_in = p.c_in;
  geo.h_in = p.h_in;
  geo.w_in = p.w_in;
  geo.c_out = p.c_out;
  geo.h_out = p.h_out();
  geo.w_out = p.w_out();
  geo.cig = p.c_in_per_group();
  geo.cog = p.c_out_per_group();
  geo.sh = p.stride.h;
  geo.sw = p.stride.w;
  if (p.bias) impl->bias.assign(bias, bias + p.c_out);

  if (p.output_elements() == 0) {
    // N = 0: nothing to compute (an empty PhasePlan, no task).
  } else if (is_1x1(p)) {
    plan_gemm(*impl, w, traits);
  } else if (!plan_depthwise(*impl, w, traits)) {
    std::vector<PhaseGroup> groups = enumerate_phases(p, geo, traits);
    // Chunks of input channels whose rows all taps reuse from L1 (the same
    // for every ISA and tile, and for both the position and the channel
    // vectors: it fixes the summation order).
    geo.cb = std::min<int64_t>(geo.cig, 32);
    // The register tile of position vectors, whose cost the channel
    // vectors must beat.
    double position_cost = 0;
    geo.nv = position_tile(groups, geo.cog, geo.sw, traits, position_cost);
    if (!plan_channels(*impl, groups, w, traits, position_cost)) plan_phases(*impl, std::move(groups), w, traits);
  }
  if (impl->threads > 1 && impl->tasks > 1) impl->pool = std::make_unique<ThreadPool>(impl->threads);

  Plan plan;
  plan.impl_ = std::move(impl);
  return plan;
}

void run(Plan& plan, const float* x, float* y) {
  PlanImpl& impl = *plan.impl_;
  if (impl.tasks == 0) return;
  std::visit([&](auto& method) { run_plan(impl, method, x, y); }, impl.method);
}

}  // namespace convt::cpu
