// What convt knows of one cuDNN engine for one problem, planned with or
// without a GPU, and PyTorch's filter over engines.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reference/problem.h"

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

  bool noted(const char* note) const;  // among the numerical notes
};

// Whether the filter allows an engine with these numerical notes.
bool filter_allows(const std::vector<std::string>& numerical_notes, const EngineFilter& f);

// Why the filter drops it ("noted TENSOR_CORE, kept only with TF32 on"), or
// empty when it keeps it.
std::string filter_reason(const std::vector<std::string>& numerical_notes, const EngineFilter& f);

// Why PyTorch hands p to a kernel other than cuDNN's, or empty: its
// output_padding is not smaller than the stride (is_output_padding_big).
std::string not_for_cudnn(const Problem& p);

// The version of the cuDNN library loaded, e.g. "9.19.0".
std::string cudnn_version();

}  // namespace convt::cudnn
