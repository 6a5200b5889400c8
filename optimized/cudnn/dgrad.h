// conv_transpose2d run by cuDNN on the GPU: the dgrad graph (graph.h) bound
// to a handle on device 0, one engine chosen and planned, then executed on
// device buffers. Bias is not part of the graph: add_bias (bias.cu) adds it.
//
// The choice is PyTorch's (aten/src/ATen/native/cudnn/Conv_v8.cpp, without
// benchmark mode): the configurations of the heuristics in mode A, then
// those of the fallback heuristics, filtered as EngineFilter says, and the
// first whose execution plan finalizes; or one engine by its global index
// with its default knobs.
//
// Nothing here throws or aborts: a CUDA or cuDNN failure is an Error, and a
// problem the chosen engine cannot run is "not supported" with cuDNN's reason.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "optimized/cudnn/engine.h"
#include "reference/problem.h"
#include "reference/result.h"

namespace convt::cudnn {

struct EngineChoice {
  int64_t engine = -1;  // a global index; -1: PyTorch's choice
  EngineFilter filter;
};

struct DgradPlan {
  std::string not_supported;  // why the choice cannot run the problem, else empty
  EngineInfo engine;          // the engine planned (its notes and workspace); engine -1 when there is no cuDNN work
  bool needs_cudnn = true;    // false for an empty problem: the output is the bias alone, or nothing
};

class Dgrad {
 public:
  explicit Dgrad(EngineChoice choice);
  ~Dgrad();
  Dgrad(const Dgrad&) = delete;
  Dgrad& operator=(const Dgrad&) = delete;

  // Plans p for work on `stream` (the handle is made on the first call).
  Result<DgradPlan> plan(const Problem& p, cudaStream_t stream);

  // y = the dgrad of the last plan (conv_transpose2d without bias) of x and w,
  // on the stream, with a workspace of at least its workspace_bytes. Device
  // pointers; y fully written (zeros for an empty reduction).
  std::optional<Error> execute(const float* x, const float* w, float* y, void* workspace);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Device 0's properties as cuDNN serializes them (a device-properties JSON
// that deviceless planning reads back: convt list --save-gpu). Needs a GPU.
Result<std::string> this_gpu_properties();

// y[n][c][i] += bias[c] for a y of n x c x spatial, on the stream (bias.cu).
std::optional<Error> add_bias(float* y, const float* bias, int64_t n, int64_t c, int64_t spatial,
                              cudaStream_t stream);

}  // namespace convt::cudnn
