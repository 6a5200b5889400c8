#include "optimized/onednn/onednn_deconvolution.h"

#include <omp.h>

#include <algorithm>
#include <oneapi/dnnl/dnnl.hpp>
#include <unordered_map>
#include <vector>

namespace convt::onednn {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;
constexpr memory::data_type f32 = memory::data_type::f32;

// Debian's oneDNN runs on OpenMP: it parallelises over omp_get_max_threads()
// of the calling thread, both when it plans a primitive and when it runs it.
class ThreadScope {
 public:
  explicit ThreadScope(int threads) : saved_(omp_get_max_threads()) {
    omp_set_num_threads(threads > 0 ? threads : omp_get_num_procs());
  }
  ~ThreadScope() { omp_set_num_threads(saved_); }
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int saved_;
};

template <size_t N>
memory::dims to_dims(const std::array<int64_t, N>& a) {
  return memory::dims(a.begin(), a.end());
}

// The computed part (N x C_out x H' x W', dense) into its place in y.
void copy_computed(const Problem& p, const Mapping& m, const float* from, float* y) {
  const int64_t H = p.h_out(), W = p.w_out(), h = m.dst[2], w = m.dst[3];
  for (int64_t plane = 0; plane < p.n * p.c_out; ++plane)
    for (int64_t row = 0; row < h; ++row)
      std::copy_n(from + (plane * h + row) * w, w, y + (plane * H + row) * W);
}

}  // namespace

Mapping map_problem(const Problem& p) {
  Mapping m;
  const int64_t g = p.groups;
  m.src = {p.n, p.c_in, p.h_in, p.w_in};
  m.weights = {g, p.c_out / g, p.c_in / g, p.kernel.h, p.kernel.w};
  const Pair out{p.h_out(), p.w_out()};
  int64_t extent[2];
  for (int i = 0; i < 2; ++i) {
    const auto get = [i](const Pair& pair) { return i == 0 ? pair.h : pair.w; };
    const int64_t s = get(p.stride), pad = get(p.padding), op = get(p.output_padding);
    m.strides[size_t(i)] = s;
    m.dilates[size_t(i)] = get(p.dilation) - 1;
    m.padding_l[size_t(i)] = pad;
    // oneDNN requires padding_r > -stride: beyond that, output_padding only
    // adds rows that no product reaches (see the header).
    const int64_t op_computed = std::min(op, pad + s - 1);
    m.padding_r[size_t(i)] = pad - op_computed;
    extent[i] = get(out) - (op - op_computed);
    m.bias_only[size_t(i)] = op - op_computed;
  }
  if (extent[0] <= 0 || extent[1] <= 0) {  // no product lands in the output at all
    extent[0] = extent[1] = 0;
    m.bias_only = {out.h, out.w};
  }
  m.dst = {p.n, p.c_out, extent[0], extent[1]};
  return m;
}

struct Deconvolution::Impl {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  Problem problem;
  Mapping mapping;
  bool compute = false;    // whether oneDNN has anything to compute
  bool copy_rows = false;  // dst is a dense buffer, copied into y
  std::vector<float> bias;
  dnnl::deconvolution_forward primitive;
  std::string implementation;
  memory src_user, dst_user;  // over x and y
  memory src, weights, dst;   // what the primitive reads and writes
  std::optional<dnnl::reorder> src_reorder, dst_reorder;
  std::unordered_map<int, memory> args;
};

Deconvolution::Deconvolution(Layout layout, int threads) : layout_(layout), threads_(threads) {}
Deconvolution::~Deconvolution() = default;

std::optional<Error> Deconvolution::prepare(const Problem& p, const float* w, const float* bias) {
  impl_.reset();
  ThreadScope scope(threads_);
  try {
    auto impl = std::make_unique<Impl>();
    impl->problem = p;
    impl->mapping = map_problem(p);
    const Mapping& m = impl->mapping;
    if (p.bias) impl->bias.assign(bias, bias + p.c_out);
    impl->compute = m.dst[0] > 0 && m.dst[2] > 0 && m.dst[3] > 0;
    if (!impl->compute) {
      impl_ = std::move(impl);
      return std::nullopt;
    }

    // y as oneDNN sees it: the computed part, in the full tensor's strides.
    const int64_t H = p.h_out(), W = p.w_out();
    const memory::desc src_user_md(to_dims(m.src), f32, Tag::nchw);
    const memory::desc dst_user_md(to_dims(m.dst), f32, memory::dims{p.c_out * H * W, H * W, W, 1});
    const bool grouped = p.groups > 1;
    const memory::dims weight_dims =
        grouped ? to_dims(m.weights) : memory::dims{m.weights[1], m.weights[2], m.weights[3], m.weights[4]};
    const memory::desc weights_user_md(weight_dims, f32, grouped ? Tag::giohw : Tag::iohw);
    const memory::desc bias_md({p.c_out}, f32, Tag::x);

    const bool any = layout_ == Layout::preferred;
    const memory::desc src_md = any ? memory::desc(to_dims(m.src), f32, Tag::any) : src_user_md;
    const memory::desc weights_md = any ? memory::desc(weight_dims, f32, Tag::any) : weights_user_md;
    // Plain NCHW: oneDNN 2.6's reference deconvolution accepts a strided dst
    // but writes past it (heap corruption), so a part of y is computed into a
    // dense buffer and copied (only when output_padding >= padding + stride).
    const memory::desc dst_md = any ? memory::desc(to_dims(m.dst), f32, Tag::any)
                                    : memory::desc(to_dims(m.dst), f32, Tag::nchw);
    const dnnl::deconvolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct, src_md, weights_md,
        p.bias ? bias_md : memory::desc(), dst_md, to_dims(m.strides), to_dims(m.dilates),
        to_dims(m.padding_l), to_dims(m.padding_r));
    const dnnl::deconvolution_forward::primitive_desc pd(desc, impl->engine);
    impl->primitive = dnnl::deconvolution_forward(pd);
    impl->implementation = pd.impl_info_str();

    Impl& d = *impl;
    d.src_user = memory(src_user_md, d.engine, DNNL_MEMORY_NONE);
    d.dst_user = memory(dst_user_md, d.engine, DNNL_MEMORY_NONE);
    if (pd.src_desc() == src_user_md) {
      d.src = d.src_user;
    } else {
      d.src = memory(pd.src_desc(), d.engine);
      d.src_reorder = dnnl::reorder(d.src_user, d.src);
    }
    d.copy_rows = !any && (m.bias_only[0] || m.bias_only[1]);
    if (pd.dst_desc() == dst_user_md) {
      d.dst = d.dst_user;
    } else {
      d.dst = memory(pd.dst_desc(), d.engine);
      if (!d.copy_rows) d.dst_reorder = dnnl::reorder(d.dst, d.dst_user);
    }
    // The weights are packed (or, when oneDNN takes PyTorch's layout, copied)
    // once, here.
    d.weights = memory(pd.weights_desc(), d.engine);
    memory weights_user(weights_user_md, d.engine, const_cast<float*>(w));
    dnnl::reorder(weights_user, d.weights).execute(d.stream, weights_user, d.weights);
    d.stream.wait();

    d.args = {{DNNL_ARG_SRC, d.src}, {DNNL_ARG_WEIGHTS, d.weights}, {DNNL_ARG_DST, d.dst}};
    if (p.bias) d.args[DNNL_ARG_BIAS] = memory(bias_md, d.engine, d.bias.data());
    impl_ = std::move(impl);
    return std::nullopt;
  } catch (const dnnl::error& e) {
    return Error{std::string("oneDNN: ") + e.what() + " (status " + std::to_string(int(e.status)) + ")"};
  }
}

std::optional<Error> Deconvolution::run(const float* x, float* y) {
  if (!impl_) return Error{"oneDNN deconvolution run before a successful prepare"};
  Impl& d = *impl_;
  const Problem& p = d.problem;
  if (d.compute) {
    ThreadScope scope(threads_);
    try {
      d.src_user.set_data_handle(const_cast<float*>(x));
      d.dst_user.set_data_handle(y);
      if (d.src_reorder) d.src_reorder->execute(d.stream, d.src_user, d.src);
      d.primitive.execute(d.stream, d.args);
      if (d.dst_reorder) d.dst_reorder->execute(d.stream, d.dst, d.dst_user);
      d.stream.wait();
      if (d.copy_rows) copy_computed(p, d.mapping, static_cast<const float*>(d.dst.get_data_handle()), y);
    } catch (const dnnl::error& e) {
      return Error{std::string("oneDNN: ") + e.what() + " (status " + std::to_string(int(e.status)) + ")"};
    }
  }
  // The rows and columns no product reaches: the bias alone.
  const Mapping& m = d.mapping;
  if (m.bias_only[0] == 0 && m.bias_only[1] == 0) return std::nullopt;
  const int64_t H = p.h_out(), W = p.w_out();
  const int64_t h0 = H - m.bias_only[0], w0 = W - m.bias_only[1];
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t c = 0; c < p.c_out; ++c) {
      const float value = p.bias ? d.bias[size_t(c)] : 0.0f;
      float* plane = y + (n * p.c_out + c) * H * W;
      for (int64_t h = 0; h < H; ++h)
        std::fill(plane + h * W + (h < h0 ? w0 : 0), plane + (h + 1) * W, value);
    }
  return std::nullopt;
}

std::string Deconvolution::implementation() const { return impl_ ? impl_->implementation : ""; }

std::string version() {
  const dnnl_version_t* v = dnnl_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
}

}  // namespace convt::onednn
