// cuDNN's backend (graph) API as convt uses it, shared by the planning
// without a GPU (deviceless_plan.cpp) and the runs on one (dgrad.cpp):
// descriptors that free themselves, attribute setting that stops at the
// first failure, the dgrad graph of a problem, and one engine planned.
//
// The mapping: dgrad's dx is our output y (N, C_out, H_out, W_out), its w is
// our weight (C_in, C_out / groups, kH, kW), its dy is our input x
// (N, C_in, H_in, W_in); the convolution is a cross-correlation with pre-
// and post-padding both `padding`, our stride and dilation; output_padding
// lives only in dx's dimensions, and groups only in w's. The tensors' unique
// ids are kDx, kW and kDy.
#pragma once

#include <cudnn.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimized/cudnn/engine.h"
#include "reference/problem.h"
#include "reference/result.h"

namespace convt::cudnn {

inline constexpr int64_t kDx = 'x', kW = 'w', kDy = 'y';

// The status and cuDNN's last error string (which reading clears).
std::string status_text(cudnnStatus_t s);
// "cuDNN: <call>: <status> (<cuDNN's reason>)"
Error cudnn_error(const char* call, cudnnStatus_t s);

// A backend descriptor, destroyed with its owner.
class Desc {
 public:
  Desc() = default;
  Desc(const Desc&) = delete;
  Desc& operator=(const Desc&) = delete;
  Desc(Desc&& o) noexcept : d_(std::exchange(o.d_, nullptr)) {}
  Desc& operator=(Desc&& o) noexcept {
    std::swap(d_, o.d_);
    return *this;
  }
  ~Desc() {
    if (d_) cudnnBackendDestroyDescriptor(d_);
  }
  cudnnBackendDescriptor_t get() const { return d_; }
  cudnnBackendDescriptor_t* ptr() { return &d_; }

  static Result<Desc> create(cudnnBackendDescriptorType_t type);

 private:
  cudnnBackendDescriptor_t d_ = nullptr;
};

// Sets attributes in order and stops at the first failure.
class Setter {
 public:
  explicit Setter(cudnnBackendDescriptor_t d) : d_(d) {}
  template <class T>
  Setter& set(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, int64_t count, const T* values) {
    if (status_ == CUDNN_STATUS_SUCCESS) {
      status_ = cudnnBackendSetAttribute(d_, name, type, count, values);
      if (status_ != CUDNN_STATUS_SUCCESS) call_ = "cudnnBackendSetAttribute";
    }
    return *this;
  }
  // The status of the sets and then of cudnnBackendFinalize.
  std::optional<Error> finalize(const char* what);
  // After a failed finalize: the status and cuDNN's reason.
  const std::string& detail() const { return detail_; }

 private:
  cudnnBackendDescriptor_t d_;
  cudnnStatus_t status_ = CUDNN_STATUS_SUCCESS;
  const char* call_ = "";
  std::string detail_;
};

#define CONVT_TRY_ASSIGN(var, expr)               \
  auto var##_result = (expr);                     \
  if (!var##_result) return var##_result.error(); \
  auto var = std::move(var##_result).value()

// The operation graph with what it refers to, which must outlive it.
struct Graph {
  Desc dx, w, dy, conv, op, graph;
};

// The dgrad graph of p, bound to `handle` (null: planned without a GPU).
// p must be for cuDNN (not_for_cudnn(p) empty).
Result<Graph> make_graph(const Problem& p, cudnnHandle_t handle);

// CUDNN_ATTR_OPERATIONGRAPH_ENGINE_GLOBAL_COUNT
Result<int64_t> engine_count(const Graph& g);

// Device properties from cuDNN's JSON serialization of them.
Result<Desc> make_device_properties(const std::string& json);

// Where plans are made: a GPU (a handle) or a description of one.
struct Target {
  cudnnHandle_t handle = nullptr;
  cudnnBackendDescriptor_t device_properties = nullptr;
};

// One engine with its notes and, when it finalized, its execution plan.
struct PlannedEngine {
  EngineInfo info;
  Desc plan;  // empty unless info.finalized
};

// Engine `id` of the graph with its default knobs. A refusal by cuDNN is
// the engine's reason, not an error; only a failure to create a descriptor
// or to read one is.
Result<PlannedEngine> plan_engine(const Graph& g, const Target& t, int64_t id);

// The engine of a configuration, and an engine's global index.
Result<Desc> config_engine(cudnnBackendDescriptor_t config);
Result<int64_t> engine_index(cudnnBackendDescriptor_t engine);

// A configuration the heuristics returned, planned the same way.
Result<PlannedEngine> plan_config(const Target& t, cudnnBackendDescriptor_t config);

// The configurations of the heuristics in `mode`, in their order.
Result<std::vector<Desc>> heuristic_configs(const Graph& g, const Target& t, cudnnBackendHeurMode_t mode);

}  // namespace convt::cudnn
