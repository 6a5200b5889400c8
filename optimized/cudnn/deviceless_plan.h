// Planning conv_transpose2d on cuDNN without a GPU: the problem becomes
// cuDNN's convolution backward-data (dgrad) through the backend (graph) API,
// and every engine of the graph is judged against a target GPU described by
// a device-properties JSON (cuDNN 9.8+, CUDNN_BACKEND_DEVICEPROP_DESCRIPTOR):
// whether it and its execution plan finalize, its notes, whether PyTorch's
// filter keeps it, its place in the heuristics' order and its workspace.
//
// The mapping: dgrad's dx is our output y (N, C_out, H_out, W_out), its w is
// our weight (C_in, C_out / groups, kH, kW), its dy is our input x
// (N, C_in, H_in, W_in); the convolution is a cross-correlation with pre-
// and post-padding both `padding`, our stride and dilation; output_padding
// lives only in dx's dimensions (post-padding shrinks by output_padding
// beyond stride - 1, see make_graph), and groups only in w's.
//
// Nothing here needs a handle, a driver or a device. Every cuDNN failure is
// an Error value naming the call, cudnnGetErrorString and cuDNN's last error
// string; nothing throws or aborts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reference/problem.h"
#include "reference/result.h"

namespace convt::cudnn {

// What PyTorch allows (aten/src/ATen/native/cudnn/Conv_v8.cpp): engines
// noted DOWN_CONVERT_INPUTS never; NONDETERMINISTIC ones not in
// deterministic mode; TENSOR_CORE ones for float32 only when TF32 is allowed.
struct EngineFilter {
  bool tf32 = false;
  bool deterministic = false;
};

struct EngineInfo {
  int64_t engine = 0;     // global index in the operation graph
  bool finalized = false;  // the engine and its execution plan (default knobs) finalize
  std::string reason;      // why not ("engine: ...", "config: ..." or "plan: ..."), else empty
  std::vector<std::string> numerical_notes;  // e.g. "TENSOR_CORE", "NONDETERMINISTIC"
  std::vector<std::string> behavior_notes;   // e.g. "RUNTIME_COMPILATION"
  bool kept = false;         // finalized and EngineFilter allows it
  int heuristic_rank = -1;   // place in mode A's order (0 first), -1 if not ranked
  int64_t workspace_bytes = -1;  // from the execution plan, -1 if no plan
};

// Whether the filter allows an engine with these numerical notes.
bool filter_allows(const std::vector<std::string>& numerical_notes, const EngineFilter& f);

// Every engine of the dgrad graph of `p` on the GPU that `device_json`
// describes (cuDNN's device-properties JSON, e.g. the "properties" object of
// configs/gpus/h100_sxm.json serialized). An empty problem (a zero
// dimension) is an error: PyTorch launches no cuDNN work for it.
Result<std::vector<EngineInfo>> list_engines(const Problem& p, const std::string& device_json,
                                             const EngineFilter& f);

// The version of the cuDNN library loaded, e.g. "9.19.0".
std::string cudnn_version();

}  // namespace convt::cudnn
