// convt's own CPU conv_transpose2d: float32, NCHW, every parameter of
// torch.nn.functional.conv_transpose2d (stride, padding, output_padding,
// dilation, groups, bias, non-square, N = 0).
//
// Plain functions over a Problem and raw buffers; nothing here knows the
// harness. A Plan is built once per problem and weight (planning, weight
// packing: the untimed part) and then run on any number of inputs:
//
//   Result<cpu::Plan> plan = cpu::make_plan(problem, w, bias, {.threads = 2});
//   cpu::run(*plan, x, y);
//
// The method (each piece is described where it is implemented, kernel.h):
//   - stride-phase decomposition (kernel.h, plan_phases.cpp): the strided
//     transposed convolution splits into stride_h * stride_w dense stride-1
//     problems, one per output phase (oh mod stride_h, ow mod stride_w), each
//     with only the kernel taps that land on that phase; no product with an
//     inserted zero is computed, every output element is written exactly once
//     with the bias fused, and there is no column buffer; phases that read
//     the same input offsets share one register tile, a phase whose taps
//     contain another's joins its tile as rows that alone take the extra
//     taps, and the rows of phases qw = 0 and 1 (stride 2) are stored
//     interleaved as full vectors;
//   - per phase an implicit GEMM: C[row, position] = sum over (ci, tap) of
//     W[row, ci, tap] * X[ci, position + tap offset], register-blocked as
//     rows (output channels of the fused phases) x vectors of positions,
//     with the weights packed at plan time in the order the micro-kernel
//     reads them; masked lanes at every border, so out-of-range taps are
//     skipped (never multiplied by a padding zero: 0 * Inf would be NaN);
//   - three shapes get their own method: where position vectors would waste
//     lanes (small planes with several images, rows a vector and a bit
//     long), output channels go on the lanes (no border lane is wasted),
//     one input channel per group is computed row by row in output order,
//     and 1x1 inputs are one plain GEMM;
//   - AVX-512 or AVX2 chosen at run time from the CPU's features (or forced,
//     see Isa);
//   - threads split only independent output tiles; every blocking parameter
//     and the summation order of every element come from the shape alone,
//     so the output is bitwise identical for any thread count, from run to
//     run, and (the order being the same) across the three ISAs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference/problem.h"
#include "reference/result.h"

namespace convt::cpu {

// The instruction sets the kernels are built for. All three compute every
// output element with the same sequence of fused multiply-adds.
enum class Isa { scalar, avx2, avx512 };

const char* isa_name(Isa isa);                     // "scalar", "avx2", "avx512"
std::optional<Isa> parse_isa(std::string_view name);
bool isa_supported(Isa isa);                       // by this CPU (and OS)
Isa best_isa();                                    // the fastest supported one

// The ISA a plan uses when its options name none: the environment variable
// CONVT_CPU_ISA (scalar, avx2 or avx512) when it is set and not empty, else
// best_isa(). An unknown name, or an ISA this CPU lacks, is an error.
Result<Isa> default_isa();

struct PlanOptions {
  int threads = 0;          // 0: std::thread::hardware_concurrency()
  std::optional<Isa> isa;   // overrides CONVT_CPU_ISA and the CPU's best
};

// The methods a plan chooses among (see above and kernel.h).
enum class Method {
  phases,           // stride phases, position vectors on the lanes
  channel_vectors,  // output channels on the lanes, per position class
  depthwise,        // one input channel per group, in output order
  gemm,             // 1x1 input: one plain GEMM
};

const char* method_name(Method method);  // "phases", "channel vectors", "depthwise", "gemm"

// One phase group of Method::phases or channel_vectors: stride phases fused
// into one register tile (kernel.h's glossary has the terms).
struct PhaseGroupSummary {
  int members = 0;        // stride phases in the group
  int tail_members = 0;   // of them, those that take extra taps
  int extra_taps = 0;     // the taps only the tail members take
  int row_taps = 0, column_taps = 0;
  int tile_rows = 0, tile_vectors = 0;  // its micro-kernel tile, rows x vectors (phases only)
  bool pitch_mode = false;              // positions at the input's row pitch (else row mode)
  bool paired_stores = false;           // rows of phases qw = 0 and 1 stored as full vectors
};

// A plan's decisions, for tests and diagnostics; fields of the methods not
// taken stay zero.
struct PlanSummary {
  Method method = Method::phases;
  Isa isa = Isa::scalar;
  int threads = 1;
  int64_t tasks = 0;
  // phases, channel_vectors: the stride phases (members of all groups).
  int phases = 0;
  std::vector<PhaseGroupSummary> phase_groups;
  // phases: a task's share, and how it reads its operands.
  int64_t groups_per_task = 0, channels_per_task = 0, vectors_per_task = 0;
  bool input_packed = false;        // each task copies its part of the input planes first
  bool weights_prefetched = false;  // the micro-kernels prefetch weights read once per run
  // channel_vectors: position classes; images per block of tasks.
  int64_t position_classes = 0, images_per_block = 0;
  // The tile of channel_vectors (tile_vectors of rows x tile_columns) and
  // of gemm (tile_rows images x tile_vectors).
  int tile_rows = 0, tile_vectors = 0, tile_columns = 0;
  // depthwise: column slots and their classes (DwGeometry).
  int column_slots = 0, column_classes = 0;
};

struct PlanImpl;

class Plan {
 public:
  Plan();
  ~Plan();
  Plan(Plan&&) noexcept;
  Plan& operator=(Plan&&) noexcept;

  Isa isa() const;
  int threads() const;
  const Problem& problem() const;
  // The chosen method and its decisions.
  PlanSummary summary() const;
  // One line on the chosen method (tiles, tasks), for diagnostics: the
  // summary in words.
  std::string describe() const;

 private:
  friend Result<Plan> make_plan(const Problem&, const float*, const float*, const PlanOptions&);
  friend void run(Plan&, const float*, float*);
  std::unique_ptr<PlanImpl> impl_;
};

// Plans p and packs w (C_in x C_out/groups x kH x kW) and bias (C_out, or
// null when !p.bias); neither is referenced after the call. Errors: an ISA
// this CPU cannot run (or an invalid CONVT_CPU_ISA), a negative thread count.
Result<Plan> make_plan(const Problem& p, const float* w, const float* bias, const PlanOptions& options = {});

// y = conv_transpose2d(x, w, bias): x is N x C_in x H_in x W_in, y is
// N x C_out x H_out x W_out, both contiguous float32; every element of y is
// written. Not reentrant: one run of a Plan at a time.
void run(Plan& plan, const float* x, float* y);

}  // namespace convt::cpu
