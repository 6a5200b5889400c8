#include "optimized/cudnn/deviceless_plan.h"

#include <cudnn.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <utility>

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

// The status and cuDNN's last error string (which reading clears).
std::string status_text(cudnnStatus_t s) {
  std::string msg = cudnnGetErrorString(s);
  const std::string last = last_error();
  if (!last.empty()) msg += " (" + last + ")";
  return msg;
}

std::string describe(const char* call, cudnnStatus_t s) { return std::string(call) + ": " + status_text(s); }

Error cudnn_error(const char* call, cudnnStatus_t s) { return Error{"cuDNN: " + describe(call, s)}; }

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

  static Result<Desc> create(cudnnBackendDescriptorType_t type) {
    Desc d;
    if (cudnnStatus_t s = cudnnBackendCreateDescriptor(type, d.ptr()); s != CUDNN_STATUS_SUCCESS)
      return cudnn_error("cudnnBackendCreateDescriptor", s);
    return d;
  }

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
  std::optional<Error> finalize(const char* what) {
    if (status_ == CUDNN_STATUS_SUCCESS) {
      status_ = cudnnBackendFinalize(d_);
      call_ = "cudnnBackendFinalize";
    }
    if (status_ == CUDNN_STATUS_SUCCESS) return std::nullopt;
    detail_ = status_text(status_);
    return Error{"cuDNN: " + std::string(what) + ": " + call_ + ": " + detail_};
  }
  // After a failed finalize: the status and cuDNN's reason.
  const std::string& detail() const { return detail_; }

 private:
  cudnnBackendDescriptor_t d_;
  cudnnStatus_t status_ = CUDNN_STATUS_SUCCESS;
  const char* call_ = "";
  std::string detail_;
};

#define CONVT_TRY_ASSIGN(var, expr)         \
  auto var##_result = (expr);               \
  if (!var##_result) return var##_result.error(); \
  auto var = std::move(var##_result).value()

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

// The operation graph with what it refers to, which must outlive it.
struct Graph {
  Desc dx, w, dy, conv, op, graph;
};

Result<Graph> make_graph(const Problem& p) {
  Graph g;
  const std::array<int64_t, 4> y = p.output_shape();
  const std::array<int64_t, 4> x = p.input_shape();
  const std::array<int64_t, 4> w = {p.c_in, p.c_out / p.groups, p.kernel.h, p.kernel.w};
  CONVT_TRY_ASSIGN(dx, make_tensor('x', y));
  CONVT_TRY_ASSIGN(wt, make_tensor('w', w));
  CONVT_TRY_ASSIGN(dy, make_tensor('y', x));
  g.dx = std::move(dx);
  g.w = std::move(wt);
  g.dy = std::move(dy);

  CONVT_TRY_ASSIGN(conv, Desc::create(CUDNN_BACKEND_CONVOLUTION_DESCRIPTOR));
  const cudnnDataType_t compute = CUDNN_DATA_FLOAT;
  const cudnnConvolutionMode_t mode = CUDNN_CROSS_CORRELATION;
  const int64_t dims = 2;
  // Pre- and post-padding are both `padding`; output_padding lives only in
  // dx's dimensions. PyTorch does not hand output_padding of stride or more
  // to cuDNN (is_output_padding_big: its native kernel runs instead), and
  // cuDNN's size check refuses it too.
  if (p.output_padding.h >= p.stride.h || p.output_padding.w >= p.stride.w)
    return Error{"output_padding " + std::to_string(p.output_padding.h) + "x" + std::to_string(p.output_padding.w) +
                 " is not smaller than the stride " + std::to_string(p.stride.h) + "x" + std::to_string(p.stride.w) +
                 ": PyTorch runs its native kernel there, not cuDNN"};
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
  // No CUDNN_ATTR_OPERATIONGRAPH_HANDLE: the graph finalizes without one.
  if (auto e = Setter(graph.get())
                   .set(CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &op_d)
                   .finalize("operation graph"))
    return *e;
  g.graph = std::move(graph);
  return g;
}

Result<Desc> make_device_properties(const std::string& json) {
  CONVT_TRY_ASSIGN(dp, Desc::create(CUDNN_BACKEND_DEVICEPROP_DESCRIPTOR));
  if (auto e = Setter(dp.get())
                   .set(CUDNN_ATTR_DEVICEPROP_JSON_REPRESENTATION, CUDNN_TYPE_CHAR, int64_t(json.size()), json.data())
                   .finalize("device properties from JSON"))
    return *e;
  return dp;
}

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

// One engine: finalize it on the device, read its notes, then its default
// configuration and execution plan. A refusal by cuDNN is the engine's
// reason, not an error; only a failure to create a descriptor is.
Result<EngineInfo> judge_engine(const Graph& g, cudnnBackendDescriptor_t devprop, int64_t id) {
  EngineInfo info;
  info.engine = id;
  CONVT_TRY_ASSIGN(engine, Desc::create(CUDNN_BACKEND_ENGINE_DESCRIPTOR));
  cudnnBackendDescriptor_t graph_d = g.graph.get();
  Setter es(engine.get());
  if (auto e = es.set(CUDNN_ATTR_ENGINE_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &graph_d)
                   .set(CUDNN_ATTR_ENGINE_GLOBAL_INDEX, CUDNN_TYPE_INT64, 1, &id)
                   .set(CUDNN_ATTR_ENGINE_DEVICEPROP, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &devprop)
                   .finalize("engine")) {
    info.reason = "engine: " + es.detail();
    return info;
  }
  if (auto e = read_notes(engine.get(), info)) return *e;

  CONVT_TRY_ASSIGN(config, Desc::create(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR));
  cudnnBackendDescriptor_t engine_d = engine.get();
  Setter cs(config.get());
  if (auto e = cs.set(CUDNN_ATTR_ENGINECFG_ENGINE, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &engine_d).finalize("config")) {
    info.reason = "config: " + cs.detail();
    return info;
  }

  CONVT_TRY_ASSIGN(plan, Desc::create(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR));
  cudnnBackendDescriptor_t config_d = config.get();
  Setter ps(plan.get());
  if (auto e = ps.set(CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &config_d)
                   .set(CUDNN_ATTR_EXECUTION_PLAN_DEVICEPROP, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &devprop)
                   .finalize("plan")) {
    info.reason = "plan: " + ps.detail();
    return info;
  }
  int64_t count = 0;
  int64_t workspace = -1;
  if (cudnnStatus_t s = cudnnBackendGetAttribute(plan.get(), CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE,
                                                 CUDNN_TYPE_INT64, 1, &count, &workspace);
      s != CUDNN_STATUS_SUCCESS)
    return cudnn_error("execution plan workspace size", s);
  info.finalized = true;
  info.workspace_bytes = workspace;
  return info;
}

// Mode A's order: engine id -> its place among the distinct engines the
// heuristics return (the first configuration of an engine counts).
Result<std::map<int64_t, int>> heuristic_ranks(const Graph& g, cudnnBackendDescriptor_t devprop) {
  CONVT_TRY_ASSIGN(heur, Desc::create(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR));
  const cudnnBackendHeurMode_t mode = CUDNN_HEUR_MODE_A;
  cudnnBackendDescriptor_t graph_d = g.graph.get();
  if (auto e = Setter(heur.get())
                   .set(CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &graph_d)
                   .set(CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, 1, &mode)
                   .set(CUDNN_ATTR_ENGINEHEUR_DEVICEPROP, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &devprop)
                   .finalize("heuristics (mode A)"))
    return *e;
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
  std::map<int64_t, int> ranks;
  for (int64_t i = 0; i < got; ++i) {
    CONVT_TRY_ASSIGN(engine, Desc::create(CUDNN_BACKEND_ENGINE_DESCRIPTOR));
    cudnnBackendDescriptor_t engine_d = engine.get();
    int64_t n = 0;
    int64_t id = -1;
    if (cudnnStatus_t s = cudnnBackendGetAttribute(handles[size_t(i)], CUDNN_ATTR_ENGINECFG_ENGINE,
                                                   CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &n, &engine_d);
        s != CUDNN_STATUS_SUCCESS)
      return cudnn_error("heuristics result's engine", s);
    if (cudnnStatus_t s =
            cudnnBackendGetAttribute(engine_d, CUDNN_ATTR_ENGINE_GLOBAL_INDEX, CUDNN_TYPE_INT64, 1, &n, &id);
        s != CUDNN_STATUS_SUCCESS)
      return cudnn_error("heuristics result's engine index", s);
    ranks.emplace(id, int(ranks.size()));  // keeps the first place of an engine
  }
  return ranks;
}

}  // namespace

bool filter_allows(const std::vector<std::string>& notes, const EngineFilter& f) {
  const auto has = [&notes](const char* n) { return std::find(notes.begin(), notes.end(), n) != notes.end(); };
  if (has("DOWN_CONVERT_INPUTS")) return false;
  if (f.deterministic && has("NONDETERMINISTIC")) return false;
  if (!f.tf32 && has("TENSOR_CORE")) return false;
  return true;
}

Result<std::vector<EngineInfo>> list_engines(const Problem& p, const std::string& device_json,
                                             const EngineFilter& f) {
  if (p.input_elements() == 0 || p.output_elements() == 0 || p.weight_elements() == 0)
    return Error{"an empty problem has no cuDNN plan (PyTorch launches no cuDNN work for it)"};
  CONVT_TRY_ASSIGN(devprop, make_device_properties(device_json));
  CONVT_TRY_ASSIGN(graph, make_graph(p));
  int64_t engines = 0;
  int64_t n = 0;
  if (cudnnStatus_t s = cudnnBackendGetAttribute(graph.graph.get(), CUDNN_ATTR_OPERATIONGRAPH_ENGINE_GLOBAL_COUNT,
                                                 CUDNN_TYPE_INT64, 1, &n, &engines);
      s != CUDNN_STATUS_SUCCESS)
    return cudnn_error("operation graph engine count", s);
  CONVT_TRY_ASSIGN(ranks, heuristic_ranks(graph, devprop.get()));

  std::vector<EngineInfo> out;
  for (int64_t id = 0; id < engines; ++id) {
    CONVT_TRY_ASSIGN(info, judge_engine(graph, devprop.get(), id));
    info.kept = info.finalized && filter_allows(info.numerical_notes, f);
    if (auto r = ranks.find(id); r != ranks.end()) info.heuristic_rank = r->second;
    out.push_back(std::move(info));
  }
  return out;
}

std::string cudnn_version() {
  const size_t v = cudnnGetVersion();
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

}  // namespace convt::cudnn
