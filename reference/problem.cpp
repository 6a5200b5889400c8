#include "reference/problem.h"

#include <limits>
#include <sstream>

namespace convt {
namespace {

using Wide = __int128;  // wide enough that no size formula below can overflow

// PyTorch's output size formula, exact for any int64 arguments.
Wide output_extent(int64_t in, int64_t stride, int64_t pad, int64_t dil, int64_t kernel,
                   int64_t out_pad) {
  return (Wide(in) - 1) * stride - 2 * Wide(pad) + Wide(dil) * (Wide(kernel) - 1) + out_pad + 1;
}

// The largest tensor convt will index: its elements, as doubles (the
// oracle's output), must be addressable with a signed 64-bit byte offset.
constexpr Wide kMaxElements = std::numeric_limits<int64_t>::max() / sizeof(double);
// Every intermediate coordinate (ih*stride + kh*dil, padding) stays below
// this, so index arithmetic in any implementation cannot overflow int64.
constexpr Wide kMaxCoordinate = Wide(1) << 62;

std::string str(Wide v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  std::string s;
  while (v != 0) {
    int digit = int(v % 10);
    s.insert(s.begin(), char('0' + (digit < 0 ? -digit : digit)));
    v /= 10;
  }
  return neg ? "-" + s : s;
}

Wide product(const std::array<int64_t, 4>& dims) {
  Wide total = 1;
  for (int64_t d : dims) {
    total *= d;
    if (total > kMaxElements) return kMaxElements + 1;
  }
  return total;
}

std::optional<Error> too_large(const char* what, const std::array<int64_t, 4>& dims) {
  Wide count = product(dims);
  if (count <= kMaxElements) return std::nullopt;
  return Error{std::string("problem too large: the ") + what + " tensor " +
               format_shape({dims.begin(), dims.end()}) +
               " has more elements than 64-bit indexing can address (at most " +
               str(kMaxElements) + ")"};
}

}  // namespace

std::string format_shape(const std::vector<int64_t>& dims) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < dims.size(); ++i) out << (i ? ", " : "") << dims[i];
  out << ']';
  return out.str();
}

int64_t Problem::h_out() const {
  return int64_t(output_extent(h_in, stride.h, padding.h, dilation.h, kernel.h, output_padding.h));
}
int64_t Problem::w_out() const {
  return int64_t(output_extent(w_in, stride.w, padding.w, dilation.w, kernel.w, output_padding.w));
}
int64_t Problem::input_elements() const { return int64_t(product(input_shape())); }
int64_t Problem::weight_elements() const { return int64_t(product(weight_shape())); }
int64_t Problem::output_elements() const { return int64_t(product(output_shape())); }

Arguments arguments_of(const Problem& p) {
  Arguments a;
  a.input = {p.n, p.c_in, p.h_in, p.w_in};
  a.weight = {p.c_in, p.c_out / p.groups, p.kernel.h, p.kernel.w};
  if (p.bias) a.bias = std::vector<int64_t>{p.c_out};
  a.stride = p.stride;
  a.padding = p.padding;
  a.output_padding = p.output_padding;
  a.dilation = p.dilation;
  a.groups = p.groups;
  return a;
}

// The checks and their order are PyTorch's (torch 1.13, CPU): first
// _convolution's argument checks, then slow_conv_transpose2d_shape_check.
// One deliberate difference: PyTorch skips the second group for an empty
// batch (N = 0) and then accepts some invalid parameters and crashes on
// others; convt applies every rule for every N, so whether stride, padding,
// output_padding, dilation and kernel are legal never depends on the batch
// size (only the zero-spatial-size rule does, as in PyTorch).
Result<Problem> problem_from_arguments(const Arguments& a) {
  const auto fail = [](std::string message) { return Result<Problem>(Error{std::move(message)}); };
  const std::string transposed_weight =
      "Given transposed=1, weight of size " + format_shape(a.weight) + ", ";

  if (a.input.size() != 3 && a.input.size() != 4)
    return fail("Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: " +
                format_shape(a.input));
  // PyTorch unsqueezes an unbatched input before checking it.
  std::vector<int64_t> input = a.input;
  if (input.size() == 3) input.insert(input.begin(), 1);

  if (a.groups <= 0) return fail("non-positive groups is not supported");
  if (a.padding.h < 0 || a.padding.w < 0) return fail("negative padding is not supported");
  if (a.output_padding.h < 0 || a.output_padding.w < 0)
    return fail("negative output_padding is not supported");
  if (a.stride.h <= 0 || a.stride.w <= 0) return fail("non-positive stride is not supported");
  if (a.weight.size() != 4)
    return fail("weight must be 4-dimensional (C_in, C_out/groups, kH, kW), but got weight of size " +
                format_shape(a.weight));
  for (int64_t d : a.weight)
    if (d < 0) return fail("weight has a negative size: " + format_shape(a.weight));
  for (int64_t d : input)
    if (d < 0) return fail("input has a negative size: " + format_shape(input));
  const std::string g = std::to_string(a.groups);
  if (a.weight[0] < a.groups)
    return fail("Given groups=" + g + ", expected weight to be at least " + g +
                " at dimension 0, but got weight of size " + format_shape(a.weight) + " instead");
  if (a.weight[0] % a.groups != 0)
    return fail("Given groups=" + g + ", expected weight to be divisible by " + g +
                " at dimension 0, but got weight of size " + format_shape(a.weight) + " instead");
  if (input[1] != a.weight[0])
    return fail(transposed_weight + "expected input" + format_shape(input) + " to have " +
                std::to_string(a.weight[0]) + " channels, but got " + std::to_string(input[1]) +
                " channels instead");
  const Wide c_out = Wide(a.weight[1]) * a.groups;
  if (a.bias && (a.bias->size() != 1 || Wide((*a.bias)[0]) != c_out))
    return fail(transposed_weight + "expected bias to be 1-dimensional with " + str(c_out) +
                " elements, but got bias of size " + format_shape(*a.bias) + " instead");
  if (input[0] != 0 && (input[2] == 0 || input[3] == 0))
    return fail("Only zero batch or zero channel inputs are supported, but got input shape: " +
                format_shape(input));

  const Pair k{a.weight[2], a.weight[3]};
  if (k.h <= 0 || k.w <= 0)
    return fail("kernel size should be greater than zero, but got kernel_height: " +
                std::to_string(k.h) + " kernel_width: " + std::to_string(k.w));
  if (a.dilation.h <= 0 || a.dilation.w <= 0)
    return fail("dilation should be greater than zero, but got dilation_height: " +
                std::to_string(a.dilation.h) + ", dilation_width: " + std::to_string(a.dilation.w));
  const Pair& op = a.output_padding;
  if (!(op.w < a.stride.w || op.w < a.dilation.w) || !(op.h < a.stride.h || op.h < a.dilation.h))
    return fail("output padding must be smaller than either stride or dilation, but got "
                "output_padding_height: " + std::to_string(op.h) +
                " output_padding_width: " + std::to_string(op.w) +
                " stride_height: " + std::to_string(a.stride.h) +
                " stride_width: " + std::to_string(a.stride.w) +
                " dilation_height: " + std::to_string(a.dilation.h) +
                " dilation_width: " + std::to_string(a.dilation.w));
  if (a.weight[1] == 0)  // PyTorch checks one group's slice of the weight
    return fail("non-empty 2D or 4D weight tensor expected, but got: " +
                format_shape({a.weight[0] / a.groups, a.weight[1], k.h, k.w}));

  const Wide h_out = output_extent(input[2], a.stride.h, a.padding.h, a.dilation.h, k.h, op.h);
  const Wide w_out = output_extent(input[3], a.stride.w, a.padding.w, a.dilation.w, k.w, op.w);
  if (h_out < 1 || w_out < 1)
    return fail("Given input size per channel: (" + std::to_string(input[2]) + " x " +
                std::to_string(input[3]) + "). Calculated output size per channel: (" + str(h_out) +
                " x " + str(w_out) + "). Output size is too small");

  // convt's own limits: every size and coordinate fits 64-bit arithmetic.
  const char* axis[2] = {"height", "width"};
  const int64_t in_extent[2] = {input[2], input[3]};
  const Pair* pairs[4] = {&a.stride, &a.padding, &a.dilation, &k};
  for (int i = 0; i < 2; ++i) {
    auto get = [i](const Pair* p) { return i == 0 ? p->h : p->w; };
    Wide reach = (Wide(in_extent[i]) - 1) * get(pairs[0]) + Wide(get(pairs[2])) * (get(pairs[3]) - 1) +
                 get(&op) + 1;
    if (reach >= kMaxCoordinate || get(pairs[1]) >= kMaxCoordinate)
      return fail(std::string("problem too large: along the ") + axis[i] +
                  ", (input - 1)*stride + dilation*(kernel - 1) + output_padding + 1 = " + str(reach) +
                  " and padding = " + std::to_string(get(pairs[1])) + " must stay below 2^62");
  }
  if (c_out >= kMaxCoordinate) return fail("problem too large: " + str(c_out) + " output channels");

  Problem p;
  p.n = input[0];
  p.c_in = input[1];
  p.h_in = input[2];
  p.w_in = input[3];
  p.c_out = int64_t(c_out);
  p.kernel = k;
  p.stride = a.stride;
  p.padding = a.padding;
  p.output_padding = op;
  p.dilation = a.dilation;
  p.groups = a.groups;
  p.bias = a.bias.has_value();
  if (auto e = too_large("input", p.input_shape())) return *e;
  if (auto e = too_large("weight", p.weight_shape())) return *e;
  if (auto e = too_large("output", {p.n, p.c_out, int64_t(h_out), int64_t(w_out)})) return *e;
  return p;
}

std::optional<Error> validate(const Problem& p) {
  if (p.groups <= 0) return Error{"non-positive groups is not supported"};
  if (p.c_out % p.groups != 0)
    return Error{"oc=" + std::to_string(p.c_out) + " is not divisible by g=" + std::to_string(p.groups) +
                 ": the weight (ic, oc/g, kh, kw) has oc/g output channels per group"};
  Result<Problem> checked = problem_from_arguments(arguments_of(p));
  if (!checked) return checked.error();
  return std::nullopt;
}

}  // namespace convt
