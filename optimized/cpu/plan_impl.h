// Internal to optimized/cpu: the planner's shared types. PlanImpl holds what
// every method needs (the problem, the ISA, the threads, the pool, the
// geometry) and one method's plan, a std::variant of
//   PhasePlan      stride phases in position vectors (plan_phases.cpp)
//   ChannelPlan    lanes over output channels (plan_channels.cpp)
//   DepthwisePlan  one input channel per group, output order (plan_depthwise.cpp)
//   GemmPlan       the 1x1-input GEMM (plan_gemm.cpp)
// plan.cpp chooses among them; each file plans, summarizes and runs its own.
// The terms are kernel.h's glossary.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <variant>
#include <vector>

#include "optimized/cpu/conv_transpose_cpu.h"
#include "optimized/cpu/kernel.h"
#include "optimized/cpu/thread_pool.h"

namespace convt::cpu::detail {

// What the planner knows of an ISA's kernels (isa.cpp).
struct IsaTraits {
  int vl;           // lanes
  int max_acc;      // largest tile_rows * tile_vectors of its micro-kernels (kernel_<isa>.cpp)
  double fpc;       // vector FMAs per cycle
  void (*run_task)(const Task&);
  void (*run_gemm_task)(const GemmTask&);
  void (*run_dw_task)(const DwTask&);
  void (*run_cv_task)(const CvTask&);
};
IsaTraits isa_traits(Isa isa);

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

// Cycles of one reduction step of an mr x nv micro-kernel: its FMAs at the
// ISA's rate, at least the FMA latency (each accumulator takes one FMA per
// step), at least its loads (nv input vectors, mr broadcasts) at two per
// cycle; plus a small charge per load so that ties go to the tile that
// reuses its registers more.
inline double step_cycles(int mr, int nv, double fpc) {
  return std::max({mr * nv / fpc, 4.0, (mr + nv) / 2.0}) + 0.05 * (mr + nv);
}

// A phase group: one stride phase, or several fused into one register tile
// (kernel.h, PhaseView). The taps' input offsets and the positions are the
// group's; per member, its kernel taps and its output offset.
struct PhaseGroup {
  PhaseView view{};
  std::vector<int64_t> offh, offw, toff;
  std::vector<std::vector<int64_t>> member_kh, member_kw;  // per member, in the order of offh and offw (-1: no tap)
  std::vector<int64_t> member_offset;                      // per member: qh * W_out + qw
  std::vector<int64_t> yrow;
  std::vector<float> brow;
  std::vector<uint8_t> xtap;  // the tail members' own taps (PhaseView::xtap), or empty
  int32_t extra_taps = 0;     // taps with xtap set
  bool pitch = false;         // pitch mode (else row mode)
  int64_t wpack_offset = 0;
};

// Stride phases in position vectors (plan_phases.cpp). Tasks: group block,
// channel block, image, vector block (fastest).
struct PhasePlan {
  std::vector<PhaseGroup> groups;
  std::vector<PhaseView> views;  // what the kernels read, one per group
  std::vector<float> wpack;
  int64_t groups_per_task = 1, group_blocks = 0;
  int64_t channels_per_task = 0, channel_blocks = 0;
  int64_t vector_blocks = 0;  // Geometry::vb vectors each
  struct ThreadScratch {
    std::vector<int64_t> xoff;
    std::vector<uint32_t> rowm, colm, tmask;
    std::vector<int32_t> nseg;
    std::vector<Segment> seg;
    std::vector<uint8_t> tflag;
    std::vector<float> xpack;
    Scratch view{};
  };
  std::vector<ThreadScratch> scratch;  // per thread
  void (*run_task)(const Task&) = nullptr;
};

// Lanes over output channels (plan_channels.cpp). Tasks: group, position
// class (of a phase group), a block of columns.
struct ChannelPlan {
  struct PositionClass {
    size_t group;                // the phase group
    std::vector<int32_t> taps;   // its taps, ascending
    std::vector<int64_t> xpos, ypos;
  };
  std::vector<PhaseGroup> groups;
  std::vector<PositionClass> classes;
  // Per phase group: CvTask::w of each conv group; the biases, [conv group][padded rows].
  std::vector<std::vector<float>> weights, bias;
  std::vector<std::vector<int64_t>> yrow;         // per phase group
  std::vector<int64_t> padded_rows;               // per phase group: rows rounded up to tile_vectors * VL
  std::vector<std::array<int64_t, 4>> tasks;      // conv group, class, first column, end column
  int32_t tile_columns = 1, tile_vectors = 1;
  int64_t images_per_block = 1;
  void (*run_task)(const CvTask&) = nullptr;
};

// One input channel per group, in output order (plan_depthwise.cpp). Tasks:
// image, channel block, row block.
struct DepthwisePlan {
  DwGeometry geo{};
  std::vector<int32_t> base, idx, row_taps, row_kh_ih;
  std::vector<int64_t> runs;
  std::vector<uint32_t> mask;
  std::vector<float> wvec;
  std::vector<std::vector<float>> planes;  // per thread
  int64_t channels_per_task = 1, channel_blocks = 0, rows_per_task = 1, row_blocks = 0;
  void (*run_task)(const DwTask&) = nullptr;
};

// The 1x1-input GEMM (plan_gemm.cpp). Tasks: group, column-tile chunk,
// image chunk.
struct GemmPlan {
  GemmTask task{};
  std::vector<float> wpack, brow;
  int64_t tiles_per_task = 0, tile_chunks = 0, images_per_task = 0, image_chunks = 0;
  void (*run_task)(const GemmTask&) = nullptr;
};

}  // namespace convt::cpu::detail

namespace convt::cpu {

struct PlanImpl {
  Problem problem;
  Isa isa = Isa::scalar;
  int threads = 1;
  detail::Geometry geo{};
  std::vector<float> bias;
  // N = 0 leaves an empty PhasePlan: no task.
  std::variant<detail::PhasePlan, detail::ChannelPlan, detail::DepthwisePlan, detail::GemmPlan> method;
  int64_t tasks = 0;
  std::unique_ptr<detail::ThreadPool> pool;
};

}  // namespace convt::cpu

namespace convt::cpu::detail {

// Every task of a plan, on its pool's threads, or on this one alone.
template <class Body>
void run_tasks(PlanImpl& impl, const Body& body) {
  if (impl.pool)
    impl.pool->run(impl.tasks, body);
  else
    for (int64_t i = 0; i < impl.tasks; ++i) body(i, 0);
}

// The stride phases with outputs, row phase major, those that read the same
// input offsets over the same positions fused into one group
// (plan_phases.cpp); Geometry's shape fields must be set.
std::vector<PhaseGroup> enumerate_phases(const Problem& p, const Geometry& geo, const IsaTraits& isa);

// The vectors of the register tile of position vectors, the same for all
// groups, each with its cheapest rows; `cost`: its step cycles per image.
int position_tile(const std::vector<PhaseGroup>& groups, int64_t cog, int64_t sw, const IsaTraits& isa,
                  double& cost);

// Each method's planning: true where it takes the problem (plan_gemm and
// plan_phases always do), leaving impl.method and impl.tasks set.
void plan_gemm(PlanImpl& impl, const float* w, const IsaTraits& isa);
bool plan_depthwise(PlanImpl& impl, const float* w, const IsaTraits& isa);
bool plan_channels(PlanImpl& impl, std::vector<PhaseGroup>& groups, const float* w, const IsaTraits& isa,
                   double position_cost);
void plan_phases(PlanImpl& impl, std::vector<PhaseGroup> groups, const float* w, const IsaTraits& isa);

// Each method's part of Plan::summary().
void summarize(const PhasePlan& plan, const PlanImpl& impl, PlanSummary& s);
void summarize(const ChannelPlan& plan, const PlanImpl& impl, PlanSummary& s);
void summarize(const DepthwisePlan& plan, const PlanImpl& impl, PlanSummary& s);
void summarize(const GemmPlan& plan, const PlanImpl& impl, PlanSummary& s);

// Each method's run: every task once.
void run_plan(PlanImpl& impl, PhasePlan& plan, const float* x, float* y);
void run_plan(PlanImpl& impl, ChannelPlan& plan, const float* x, float* y);
void run_plan(PlanImpl& impl, DepthwisePlan& plan, const float* x, float* y);
void run_plan(PlanImpl& impl, GemmPlan& plan, const float* x, float* y);

}  // namespace convt::cpu::detail
