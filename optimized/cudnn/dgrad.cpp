#include "optimized/cudnn/dgrad.h"

#include <algorithm>
#include <vector>

#include "optimized/cudnn/bias.h"
#include "optimized/cudnn/graph.h"
#include "optimized/device/device.h"

namespace convt::cudnn {

struct Dgrad::Impl {
  EngineChoice choice;
  cudnnHandle_t handle = nullptr;
  cudaStream_t stream = nullptr;
  // Declared after the handle: destroyed before it.
  Graph graph;
  Desc plan;
  DgradPlan planned;
  Problem problem;

  ~Impl() {
    plan = Desc();
    graph = Graph();
    if (handle) cudnnDestroy(handle);
  }

  // PyTorch's choice: mode A's configurations, then the fallback's, the
  // first that the filter keeps and whose plan finalizes. The reasons of
  // those that fail, for when none is left.
  Result<PlannedEngine> choose(const Target& t) {
    std::string tried;
    for (cudnnBackendHeurMode_t mode : {CUDNN_HEUR_MODE_A, CUDNN_HEUR_MODE_FALLBACK}) {
      CONVT_TRY_ASSIGN(configs, heuristic_configs(graph, t, mode));
      for (const Desc& c : configs) {
        CONVT_TRY_ASSIGN(candidate, plan_config(t, c.get()));
        const std::string dropped = filter_reason(candidate.info.numerical_notes, choice.filter);
        const std::string why = !dropped.empty() ? dropped : candidate.info.reason;
        if (why.empty()) return candidate;
        if (tried.size() < 600) tried += "; engine " + std::to_string(candidate.info.engine) + ": " + why;
      }
    }
    PlannedEngine none;
    none.info.engine = -1;
    none.info.reason = "no configuration of the heuristics (mode A, then fallback) is kept and plans" + tried;
    return none;
  }
};

Dgrad::Dgrad(EngineChoice choice) : impl_(std::make_unique<Impl>()) { impl_->choice = choice; }
Dgrad::~Dgrad() = default;

Result<DgradPlan> Dgrad::plan(const Problem& p, cudaStream_t stream) {
  Impl& m = *impl_;
  m.plan = Desc();
  m.graph = Graph();
  m.problem = p;
  m.stream = stream;
  m.planned = DgradPlan{};
  if (std::string why = not_for_cudnn(p); !why.empty()) {
    m.planned.not_supported = why;
    return m.planned;
  }
  if (p.input_elements() == 0 || p.weight_elements() == 0 || p.output_elements() == 0) {
    // PyTorch launches no cuDNN work for an empty problem.
    m.planned.needs_cudnn = false;
    m.planned.engine.engine = -1;
    m.planned.engine.finalized = true;
    m.planned.engine.workspace_bytes = 0;
    return m.planned;
  }
  if (!m.handle) {
    if (cudnnStatus_t s = cudnnCreate(&m.handle); s != CUDNN_STATUS_SUCCESS) {
      m.handle = nullptr;
      return cudnn_error("cudnnCreate", s);
    }
  }
  if (cudnnStatus_t s = cudnnSetStream(m.handle, stream); s != CUDNN_STATUS_SUCCESS)
    return cudnn_error("cudnnSetStream", s);
  CONVT_TRY_ASSIGN(graph, make_graph(p, m.handle));
  m.graph = std::move(graph);
  const Target target{m.handle, nullptr};

  Result<PlannedEngine> chosen = m.choice.engine < 0 ? m.choose(target) : plan_engine(m.graph, target, m.choice.engine);
  if (!chosen) return chosen.error();
  PlannedEngine planned = std::move(chosen).value();
  const std::string dropped = filter_reason(planned.info.numerical_notes, m.choice.filter);
  if (!planned.info.finalized || !dropped.empty()) {
    m.planned.not_supported = "cuDNN engine " + std::to_string(planned.info.engine) + ": " +
                              (dropped.empty() ? planned.info.reason : dropped);
    if (planned.info.engine < 0) m.planned.not_supported = "cuDNN: " + planned.info.reason;
    m.planned.engine = std::move(planned.info);
    return m.planned;
  }
  planned.info.kept = true;
  m.planned.engine = std::move(planned.info);
  m.plan = std::move(planned.plan);
  return m.planned;
}

std::optional<Error> Dgrad::execute(const float* x, const float* w, float* y, void* workspace) {
  Impl& m = *impl_;
  if (!m.planned.not_supported.empty()) return Error{"not planned: " + m.planned.not_supported};
  if (!m.planned.needs_cudnn) {
    if (m.problem.output_elements() == 0) return std::nullopt;
    return device::check(cudaMemsetAsync(y, 0, size_t(m.problem.output_elements()) * sizeof(float), m.stream),
                         "cudaMemsetAsync");
  }
  if (!m.plan.get()) return Error{"cuDNN: execute before a successful plan"};
  CONVT_TRY_ASSIGN(pack, Desc::create(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR));
  const int64_t uids[3] = {kDx, kW, kDy};
  void* pointers[3] = {y, const_cast<float*>(w), const_cast<float*>(x)};  // cuDNN reads w and dy only
  if (auto e = Setter(pack.get())
                   .set(CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, 3, uids)
                   .set(CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, 3, pointers)
                   .set(CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, &workspace)
                   .finalize("variant pack"))
    return *e;
  if (cudnnStatus_t s = cudnnBackendExecute(m.handle, m.plan.get(), pack.get()); s != CUDNN_STATUS_SUCCESS)
    return cudnn_error("cudnnBackendExecute", s);
  return std::nullopt;
}

Result<std::string> this_gpu_properties() {
  cudnnHandle_t handle = nullptr;
  if (cudnnStatus_t s = cudnnCreate(&handle); s != CUDNN_STATUS_SUCCESS) return cudnn_error("cudnnCreate", s);
  const auto result = [handle]() -> Result<std::string> {
    CONVT_TRY_ASSIGN(props, Desc::create(CUDNN_BACKEND_DEVICEPROP_DESCRIPTOR));
    const int32_t device = 0;
    if (auto e = Setter(props.get())
                     .set(CUDNN_ATTR_DEVICEPROP_HANDLE, CUDNN_TYPE_HANDLE, 1, &handle)
                     .set(CUDNN_ATTR_DEVICEPROP_DEVICE_ID, CUDNN_TYPE_INT32, 1, &device)
                     .finalize("device properties of device 0"))
      return *e;
    int64_t size = 0;
    if (cudnnStatus_t s = cudnnBackendGetAttribute(props.get(), CUDNN_ATTR_DEVICEPROP_JSON_REPRESENTATION,
                                                   CUDNN_TYPE_CHAR, 0, &size, nullptr);
        s != CUDNN_STATUS_SUCCESS)
      return cudnn_error("device properties JSON size", s);
    std::string json(size_t(size), '\0');
    if (cudnnStatus_t s = cudnnBackendGetAttribute(props.get(), CUDNN_ATTR_DEVICEPROP_JSON_REPRESENTATION,
                                                   CUDNN_TYPE_CHAR, size, &size, json.data());
        s != CUDNN_STATUS_SUCCESS)
      return cudnn_error("device properties JSON", s);
    json.resize(std::min(json.size(), json.find('\0')));
    return json;
  }();
  cudnnDestroy(handle);
  return result;
}

std::optional<Error> add_bias(float* y, const float* bias, int64_t n, int64_t c, int64_t spatial,
                              cudaStream_t stream) {
  return device::check(launch_add_bias(y, bias, n, c, spatial, stream), "add_bias_kernel<<<...>>>");
}

}  // namespace convt::cudnn
