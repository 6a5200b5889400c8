#include "optimized/cudnn/graph.h"

#include <algorithm>
#include <array>

namespace convt::cudnn {

namespace {

// cuDNN's last error string holds an engine-config line followed by
// "Warning: ...; Reason: ..." lines, innermost reason first: the first
// Reason is the most specific. Without one, its first line.
std::string last_error() {
  std::array<char, 4096> buf{};
  cudnnGetLastErrorString(buf.data(), buf.size());
  const std::string s(buf.data());
  const size_t r = s.find("Reason: ");
  if (r == std::string::npos) return s.substr(0, std::min(s.find('\n'), size_t(240)));
  const size_t e = s.find('\n', r);
  return s.substr(r + 8, e == std::string::npos ? std::string::npos : e - r - 8);
}

}  // namespace

std::string status_text(cudnnStatus_t s) {
  std::string msg = cudnnGetErrorString(s);
  const std::string last = last_error();
  if (!last.empty()) msg += " (" + last + ")";
  return msg;
}

Error cudnn_error(const char* call, cudnnStatus_t s) { return Error{"cuDNN: " + std::string(call) + ": " + status_text(s)}; }

Result<Desc> Desc::create(cudnnBackendDescriptorType_t type) {
  Desc d;
  if (cudnnStatus_t s = cudnnBackendCreateDescriptor(type, d.ptr()); s != CUDNN_STATUS_SUCCESS)
    return cudnn_error("cudnnBackendCreateDescriptor", s);
  return d;
}

std::optional<Error> Setter::finalize(const char* what) {
  if (status_ == CUDNN_STATUS_SUCCESS) {
    status_ = cudnnBackendFinalize(d_);
    call_ = "cudnnBackendFinalize";
  }
  if (status_ == CUDNN_STATUS_SUCCESS) return std::nullopt;
  detail_ = status_text(status_);
  return Error{"cuDNN: " + std::string(what) + ": " + call_ + ": " + detail_};
}

namespace {

Result<Desc> make_tensor(int64_t uid, const std::array<int64_t, 4>& dims) {
  CONVT_TRY_ASSIGN(t, Desc::create(CUDNN_BACKEND_TENSOR_DESCRIPTOR));
  std::array<int64_t, 4> strides{};
  int64_t stride = 1;
  for (int i = 3; i >= 0; --i) {
    strides[size_t(i)] = stride;
    stride *= dims[size_t(i)];
  }
  const cudnnDataType_t type = CUDNN_DATA_FLOAT;
  const int64_t alignment = 16;  // cudaMalloc's buffers are 256-byte aligned
  if (auto e = Setter(t.get())
                   .set(CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &type)
                   .set(CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, 4, dims.data())
                   .set(CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, 4, strides.data())
                   .set(CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, &uid)
                   .set(CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, 1, &alignment)
                   .finalize("tensor descriptor"))
    return *e;
  return t;
}

}  // namespace

Result<Graph> make_graph(const Problem& p, cudnnHandle_t handle) {
  Graph g;
  const std::array<int64_t, 4> y = p.output_shape();
  const std::array<int64_t, 4> x = p.input_shape();
  const std::array<int64_t, 4> w = {p.c_in, p.c_out / p.groups, p.kernel.h, p.kernel.w};
  CONVT_TRY_ASSIGN(dx, make_tensor(kDx, y));
  CONVT_TRY_ASSIGN(wt, make_tensor(kW, w));
  CONVT_TRY_ASSIGN(dy, make_tensor(kDy, x));
  g.dx = std::move(dx);
  g.w = std::move(wt);
  g.dy = std::move(dy);

  CONVT_TRY_ASSIGN(conv, Desc::create(CUDNN_BACKEND_CONVOLUTION_DESCRIPTOR));
  const cudnnDataType_t compute = CUDNN_DATA_FLOAT;
  const cudnnConvolutionMode_t mode = CUDNN_CROSS_CORRELATION;
  const int64_t dims = 2;
  // Pre- and post-padding are both `padding`; output_padding lives only in
  // dx's dimensions (smaller than the stride: see not_for_cudnn).
  const int64_t pad[2] = {p.padding.h, p.padding.w};
  const int64_t post[2] = {p.padding.h, p.padding.w};
  const int64_t stride[2] = {p.stride.h, p.stride.w};
  const int64_t dilation[2] = {p.dilation.h, p.dilation.w};
  if (auto e = Setter(conv.get())
                   .set(CUDNN_ATTR_CONVOLUTION_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &compute)
                   .set(CUDNN_ATTR_CONVOLUTION_CONV_MODE, CUDNN_TYPE_CONVOLUTION_MODE, 1, &mode)
                   .set(CUDNN_ATTR_CONVOLUTION_SPATIAL_DIMS, CUDNN_TYPE_INT64, 1, &dims)
                   .set(CUDNN_ATTR_CONVOLUTION_PRE_PADDINGS, CUDNN_TYPE_INT64, 2, pad)
                   .set(CUDNN_ATTR_CONVOLUTION_POST_PADDINGS, CUDNN_TYPE_INT64, 2, post)
                   .set(CUDNN_ATTR_CONVOLUTION_FILTER_STRIDES, CUDNN_TYPE_INT64, 2, stride)
                   .set(CUDNN_ATTR_CONVOLUTION_DILATIONS, CUDNN_TYPE_INT64, 2, dilation)
                   .finalize("convolution descriptor"))
    return *e;
  g.conv = std::move(conv);

  CONVT_TRY_ASSIGN(op, Desc::create(CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_DATA_DESCRIPTOR));
  const float alpha = 1.0f;
  const float beta = 0.0f;
  cudnnBackendDescriptor_t dx_d = g.dx.get(), w_d = g.w.get(), dy_d = g.dy.get(), conv_d = g.conv.get();
  if (auto e = Setter(op.get())
                   .set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_DX, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &dx_d)
                   .set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_W, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &w_d)
                   .set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_DY, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &dy_d)
                   .set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_CONV_DESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &conv_d)
                   .set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_ALPHA, CUDNN_TYPE_FLOAT, 1, &alpha)
                   .set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_BETA, CUDNN_TYPE_FLOAT, 1, &beta)
                   .finalize("backward-data operation"))
    return *e;
  g.op = std::move(op);

  CONVT_TRY_ASSIGN(graph, Desc::create(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR));
  cudnnBackendDescriptor_t op_d = g.op.get();
  // Without a handle the graph still finalizes: planning needs no GPU.
  Setter gs(graph.get());
  gs.set(CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &op_d);
  if (handle) gs.set(CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, 1, &handle);
  if (auto e = gs.finalize("operation graph")) return *e;
  g.graph = std::move(graph);
  return g;
}

Result<int64_t> engine_count(const Graph& g) {
  int64_t engines = 0;
  int64_t n = 0;
  if (cudnnStatus_t s = cudnnBackendGetAttribute(g.graph.get(), CUDNN_ATTR_OPERATIONGRAPH_ENGINE_GLOBAL_COUNT,
                                                 CUDNN_TYPE_INT64, 1, &n, &engines);
      s != CUDNN_STATUS_SUCCESS)
    return cudnn_error("operation graph engine count", s);
  return engines;
}

Result<Desc> make_device_properties(const std::string& json) {
  CONVT_TRY_ASSIGN(dp, Desc::create(CUDNN_BACKEND_DEVICEPROP_DESCRIPTOR));
  if (auto e = Setter(dp.get())
                   .set(CUDNN_ATTR_DEVICEPROP_JSON_REPRESENTATION, CUDNN_TYPE_CHAR, int64_t(json.size()), json.data())
                   .finalize("device properties from JSON"))
    return *e;
  return dp;
}

namespace {

const char* numerical_note_name(cudnnBackendNumericalNote_t n) {
  switch (n) {
    case CUDNN_NUMERICAL_NOTE_TENSOR_CORE: return "TENSOR_CORE";
    case CUDNN_NUMERICAL_NOTE_DOWN_CONVERT_INPUTS: return "DOWN_CONVERT_INPUTS";
    case CUDNN_NUMERICAL_NOTE_REDUCED_PRECISION_REDUCTION: return "REDUCED_PRECISION_REDUCTION";
    case CUDNN_NUMERICAL_NOTE_FFT: return "FFT";
    case CUDNN_NUMERICAL_NOTE_NONDETERMINISTIC: return "NONDETERMINISTIC";
    case CUDNN_NUMERICAL_NOTE_WINOGRAD: return "WINOGRAD";
    case CUDNN_NUMERICAL_NOTE_WINOGRAD_TILE_4x4: return "WINOGRAD_TILE_4x4";
    case CUDNN_NUMERICAL_NOTE_WINOGRAD_TILE_6x6: return "WINOGRAD_TILE_6x6";
    case CUDNN_NUMERICAL_NOTE_WINOGRAD_TILE_13x13: return "WINOGRAD_TILE_13x13";
    case CUDNN_NUMERICAL_NOTE_STRICT_NAN_PROP: return "STRICT_NAN_PROP";
    default: return "UNKNOWN";
  }
}

const char* behavior_note_name(cudnnBackendBehaviorNote_t n) {
  switch (n) {
    case CUDNN_BEHAVIOR_NOTE_RUNTIME_COMPILATION: return "RUNTIME_COMPILATION";
    case CUDNN_BEHAVIOR_NOTE_REQUIRES_FILTER_INT8x32_REORDER: return "REQUIRES_FILTER_INT8x32_REORDER";
    case CUDNN_BEHAVIOR_NOTE_REQUIRES_BIAS_INT8x32_REORDER: return "REQUIRES_BIAS_INT8x32_REORDER";
    case CUDNN_BEHAVIOR_NOTE_SUPPORTS_CUDA_GRAPH_NATIVE_API: return "SUPPORTS_CUDA_GRAPH_NATIVE_API";
    case CUDNN_BEHAVIOR_NOTE_CUBLASLT_DEPENDENCY: return "CUBLASLT_DEPENDENCY";
    default: return "UNKNOWN";
  }
}

std::optional<Error> read_notes(cudnnBackendDescriptor_t engine, EngineInfo& info) {
  std::array<cudnnBackendNumericalNote_t, CUDNN_NUMERICAL_NOTE_TYPE_COUNT> num{};
  int64_t count = 0;
  cudnnStatus_t s = cudnnBackendGetAttribute(engine, CUDNN_ATTR_ENGINE_NUMERICAL_NOTE, CUDNN_TYPE_NUMERICAL_NOTE,
                                             int64_t(num.size()), &count, num.data());
  if (s != CUDNN_STATUS_SUCCESS) return cudnn_error("engine numerical notes", s);
  for (int64_t i = 0; i < count; ++i) info.numerical_notes.emplace_back(numerical_note_name(num[size_t(i)]));
  std::array<cudnnBackendBehaviorNote_t, CUDNN_BEHAVIOR_NOTE_TYPE_COUNT> beh{};
  count = 0;
  s = cudnnBackendGetAttribute(engine, CUDNN_ATTR_ENGINE_BEHAVIOR_NOTE, CUDNN_TYPE_BEHAVIOR_NOTE, int64_t(beh.size()),
                               &count, beh.data());
  if (s != CUDNN_STATUS_SUCCESS) return cudnn_error("engine behaviour notes", s);
  for (int64_t i = 0; i < count; ++i) info.behavior_notes.emplace_back(behavior_note_name(beh[size_t(i)]));
  return std::nullopt;
}

// The execution plan of a finalized configuration, into `planned`.
std::optional<Error> plan_with(const Target& t, cudnnBackendDescriptor_t config, PlannedEngine& planned) {
  CONVT_TRY_ASSIGN(plan, Desc::create(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR));
  Setter ps(plan.get());
  ps.set(CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &config);
  if (t.handle) ps.set(CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, 1, &t.handle);
  if (t.device_properties)
    ps.set(CUDNN_ATTR_EXECUTION_PLAN_DEVICEPROP, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &t.device_properties);
  if (ps.finalize("plan")) {
    planned.info.reason = "plan: " + ps.detail();
    return std::nullopt;
  }
  int64_t count = 0;
  int64_t workspace = -1;
  if (cudnnStatus_t s = cudnnBackendGetAttribute(plan.get(), CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE,
                                                 CUDNN_TYPE_INT64, 1, &count, &workspace);
      s != CUDNN_STATUS_SUCCESS)
    return cudnn_error("execution plan workspace size", s);
  planned.info.finalized = true;
  planned.info.workspace_bytes = workspace;
  planned.plan = std::move(plan);
  return std::nullopt;
}

}  // namespace

Result<PlannedEngine> plan_engine(const Graph& g, const Target& t, int64_t id) {
  PlannedEngine planned;
  planned.info.engine = id;
  CONVT_TRY_ASSIGN(engine, Desc::create(CUDNN_BACKEND_ENGINE_DESCRIPTOR));
  cudnnBackendDescriptor_t graph_d = g.graph.get();
  Setter es(engine.get());
  es.set(CUDNN_ATTR_ENGINE_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &graph_d)
      .set(CUDNN_ATTR_ENGINE_GLOBAL_INDEX, CUDNN_TYPE_INT64, 1, &id);
  if (t.device_properties)
    es.set(CUDNN_ATTR_ENGINE_DEVICEPROP, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &t.device_properties);
  if (es.finalize("engine")) {
    planned.info.reason = "engine: " + es.detail();
    return planned;
  }
  if (auto e = read_notes(engine.get(), planned.info)) return *e;

  CONVT_TRY_ASSIGN(config, Desc::create(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR));
  cudnnBackendDescriptor_t engine_d = engine.get();
  Setter cs(config.get());
  if (cs.set(CUDNN_ATTR_ENGINECFG_ENGINE, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &engine_d).finalize("config")) {
    planned.info.reason = "config: " + cs.detail();
    return planned;
  }
  if (auto e = plan_with(t, config.get(), planned)) return *e;
  return planned;
}

Result<Desc> config_engine(cudnnBackendDescriptor_t config) {
  CONVT_TRY_ASSIGN(engine, Desc::create(CUDNN_BACKEND_ENGINE_DESCRIPTOR));
  int64_t n = 0;
  if (cudnnStatus_t s =
          cudnnBackendGetAttribute(config, CUDNN_ATTR_ENGINECFG_ENGINE, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &n, engine.ptr());
      s != CUDNN_STATUS_SUCCESS)
    return cudnn_error("configuration's engine", s);
  return engine;
}

Result<int64_t> engine_index(cudnnBackendDescriptor_t engine) {
  int64_t n = 0;
  int64_t id = -1;
  if (cudnnStatus_t s = cudnnBackendGetAttribute(engine, CUDNN_ATTR_ENGINE_GLOBAL_INDEX, CUDNN_TYPE_INT64, 1, &n, &id);
      s != CUDNN_STATUS_SUCCESS)
    return cudnn_error("engine's global index", s);
  return id;
}

Result<PlannedEngine> plan_config(const Target& t, cudnnBackendDescriptor_t config) {
  PlannedEngine planned;
  CONVT_TRY_ASSIGN(engine, config_engine(config));
  CONVT_TRY_ASSIGN(id, engine_index(engine.get()));
  planned.info.engine = id;
  if (auto e = read_notes(engine.get(), planned.info)) return *e;
  if (auto e = plan_with(t, config, planned)) return *e;
  return planned;
}

Result<std::vector<Desc>> heuristic_configs(const Graph& g, const Target& t, cudnnBackendHeurMode_t mode) {
  CONVT_TRY_ASSIGN(heur, Desc::create(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR));
  cudnnBackendDescriptor_t graph_d = g.graph.get();
  Setter hs(heur.get());
  hs.set(CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &graph_d)
      .set(CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, 1, &mode);
  if (t.device_properties)
    hs.set(CUDNN_ATTR_ENGINEHEUR_DEVICEPROP, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &t.device_properties);
  if (auto e = hs.finalize(mode == CUDNN_HEUR_MODE_FALLBACK ? "heuristics (fallback)" : "heuristics")) return *e;
  // The count cuDNN gives first is an upper bound: as many as it fills count.
  int64_t count = 0;
  if (cudnnStatus_t s = cudnnBackendGetAttribute(heur.get(), CUDNN_ATTR_ENGINEHEUR_RESULTS,
                                                 CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, &count, nullptr);
      s != CUDNN_STATUS_SUCCESS)
    return cudnn_error("heuristics result count", s);
  std::vector<Desc> configs;
  std::vector<cudnnBackendDescriptor_t> handles;
  for (int64_t i = 0; i < count; ++i) {
    CONVT_TRY_ASSIGN(c, Desc::create(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR));
    handles.push_back(c.get());
    configs.push_back(std::move(c));
  }
  int64_t got = 0;
  if (count > 0) {
    if (cudnnStatus_t s = cudnnBackendGetAttribute(heur.get(), CUDNN_ATTR_ENGINEHEUR_RESULTS,
                                                   CUDNN_TYPE_BACKEND_DESCRIPTOR, count, &got, handles.data());
        s != CUDNN_STATUS_SUCCESS)
      return cudnn_error("heuristics results", s);
  }
  configs.resize(size_t(std::clamp<int64_t>(got, 0, count)));
  return configs;
}

std::string cudnn_version() {
  const size_t v = cudnnGetVersion();
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

}  // namespace convt::cudnn
