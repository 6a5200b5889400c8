// Planning conv_transpose2d on cuDNN without a GPU: the problem becomes
// cuDNN's convolution backward-data (dgrad) through the backend (graph) API
// (graph.h), and every engine of the graph is judged against a target GPU
// described by a device-properties JSON (cuDNN 9.8+,
// CUDNN_BACKEND_DEVICEPROP_DESCRIPTOR): whether it and its execution plan
// finalize, its notes, whether PyTorch's filter keeps it, its place in the
// heuristics' order and its workspace.
//
// Nothing here needs a handle, a driver or a device. Every cuDNN failure is
// an Error value naming the call, cudnnGetErrorString and cuDNN's last error
// string; nothing throws or aborts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "optimized/cudnn/engine.h"
#include "reference/problem.h"
#include "reference/result.h"

namespace convt::cudnn {

// Every engine of the dgrad graph of `p` on the GPU that `device_json`
// describes (cuDNN's device-properties JSON, e.g. the "properties" object of
// configs/gpus/h100_sxm.json serialized). An empty problem (a zero
// dimension) is an error: PyTorch launches no cuDNN work for it; so is one
// that PyTorch does not hand to cuDNN (not_for_cudnn).
Result<std::vector<EngineInfo>> list_engines(const Problem& p, const std::string& device_json,
                                             const EngineFilter& f);

// How many engines the dgrad graph of a float32 problem has (the graph's
// global count, the same for every problem): `cudnn:<engine>` runs from 0
// to one less. Planned without a GPU.
Result<int64_t> dgrad_engine_count();

}  // namespace convt::cudnn
