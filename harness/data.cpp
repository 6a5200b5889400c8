#include "harness/data.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <numbers>

#include "harness/lists.h"

namespace convt {

uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

namespace {

// kSpecial + 10..16 are the streams of place() below; the scale factors of
// scaled data and the signs of mixed data have streams of their own.
enum Stream : uint64_t { kInput = 1, kWeight = 2, kBias = 3, kSpecial = 4, kScale = 64, kSign = 96 };

// Counter-based: the i-th draw of a stream depends on nothing else.
uint64_t draw(uint64_t seed, Stream stream, uint64_t i, uint64_t lane = 0) {
  return mix(mix(mix(seed) ^ (stream * 0x9e3779b97f4a7c15ull)) ^ (i * 2 + lane));
}

double uniform01(uint64_t bits) { return double((bits >> 11) + 1) * 0x1p-53; }  // (0, 1]

float normal_value(uint64_t seed, Stream stream, uint64_t i) {
  // Box-Muller on two independent uniforms of this element.
  const double u1 = uniform01(draw(seed, stream, i, 0));
  const double u2 = uniform01(draw(seed, stream, i, 1));
  return float(std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2));
}

float integer_value(uint64_t seed, Stream stream, uint64_t i, int64_t amplitude) {
  return float(int64_t(draw(seed, stream, i) % uint64_t(2 * amplitude + 1)) - amplitude);
}

// Normal data times 2^k, k uniform in [-8, 8], drawn from a stream of its own.
float scaled_value(uint64_t seed, Stream stream, uint64_t i) {
  const int k = int(draw(seed, Stream(kScale + stream), i) % 17) - 8;
  return std::ldexp(normal_value(seed, stream, i), k);
}

// A magnitude within 1/16 of 1: 1 + (2u - 1)/16, continuous (so that it
// fills float32's mantissa and TF32 has low bits to lose).
float near_one(uint64_t seed, Stream stream, uint64_t i) {
  return float(1 + (2 * uniform01(draw(seed, stream, i)) - 1) * 0.0625);
}

std::vector<float> fill(int64_t count, auto&& value) {
  std::vector<float> v(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) v[size_t(i)] = value(uint64_t(i));
  return v;
}

// Mixed data (data.h): x's sign alternates with its input channel within a
// group; w's sign is drawn per (output channel within the group, tap), the
// same for every input channel; the bias is small, its sign alternating
// with the channel.
Tensors mixed_tensors(const Problem& p, uint64_t seed) {
  const int64_t plane = p.h_in * p.w_in, taps = p.kernel.h * p.kernel.w;
  const int64_t Cig = p.c_in_per_group(), Cog = p.c_out_per_group();
  const auto sign = [](bool negative, float v) { return negative ? -v : v; };
  Tensors t;
  t.x = fill(p.input_elements(), [&](uint64_t i) {
    const int64_t ci_local = (int64_t(i) / plane) % p.c_in % Cig;
    return sign(ci_local % 2 == 1, near_one(seed, kInput, i));
  });
  t.w = fill(p.weight_elements(), [&](uint64_t i) {
    const int64_t co_tap = int64_t(i) % (Cog * taps);  // (co, kh, kw) within the input channel's block
    return sign(draw(seed, kSign, uint64_t(co_tap)) % 2 == 1, near_one(seed, kWeight, i));
  });
  t.bias = fill(p.bias_elements(), [&](uint64_t i) { return sign(i % 2 == 1, near_one(seed, kBias, i) / 16); });
  return t;
}

}  // namespace

Result<DataMode> parse_data_mode(std::string_view text) {
  if (text == "normal") return DataMode::normal;
  if (text == "exact") return DataMode::exact;
  if (text == "special") return DataMode::special;
  if (text == "scaled") return DataMode::scaled;
  if (text == "mixed") return DataMode::mixed;
  return Error{"unknown data mode '" + std::string(text) + "' (normal, exact, special, scaled or mixed)"};
}

Result<std::vector<DataMode>> parse_data_modes(std::string_view text) {
  std::vector<DataMode> modes;
  for (const std::string& name : split_list(text)) {
    Result<DataMode> m = parse_data_mode(name);
    if (!m) return m.error();
    modes.push_back(*m);
  }
  return modes;
}

const char* data_mode_name(DataMode mode) {
  switch (mode) {
    case DataMode::normal: return "normal";
    case DataMode::exact: return "exact";
    case DataMode::special: return "special";
    case DataMode::scaled: return "scaled";
    case DataMode::mixed: return "mixed";
  }
  return "?";
}

// Overwrites about one element in `one_in` with one of `values`, chosen by
// the element's own draw; tensors shorter than `one_in` still get one
// unless `at_least_one` is false.
void place(std::vector<float>& v, uint64_t seed, uint64_t stream, uint64_t one_in,
           std::initializer_list<float> values, bool at_least_one = true) {
  if (v.empty()) return;
  const auto chosen = [&](uint64_t i) { return values.begin()[draw(seed, Stream(kSpecial + stream), i, 1) % values.size()]; };
  bool any = false;
  for (uint64_t i = 0; i < v.size(); ++i)
    if (draw(seed, Stream(kSpecial + stream), i) % one_in == 0) {
      v[i] = chosen(i);
      any = true;
    }
  if (!any && at_least_one) {
    const uint64_t i = draw(seed, Stream(kSpecial + stream), v.size()) % v.size();
    v[i] = chosen(i);
  }
}

Tensors make_tensors(const Problem& p, DataMode mode, uint64_t seed) {
  if (mode == DataMode::mixed) return mixed_tensors(p, seed);
  Tensors t;
  if (mode == DataMode::scaled) {
    t.x = fill(p.input_elements(), [&](uint64_t i) { return scaled_value(seed, kInput, i); });
    t.w = fill(p.weight_elements(), [&](uint64_t i) { return scaled_value(seed, kWeight, i); });
    t.bias = fill(p.bias_elements(), [&](uint64_t i) { return scaled_value(seed, kBias, i); });
    return t;
  }
  if (mode != DataMode::exact) {
    t.x = fill(p.input_elements(), [&](uint64_t i) { return normal_value(seed, kInput, i); });
    t.w = fill(p.weight_elements(), [&](uint64_t i) { return normal_value(seed, kWeight, i); });
    t.bias = fill(p.bias_elements(), [&](uint64_t i) { return normal_value(seed, kBias, i); });
  }
  if (mode == DataMode::special) {
    constexpr float inf = std::numeric_limits<float>::infinity();
    constexpr float nan = std::numeric_limits<float>::quiet_NaN();
    constexpr float tiny = std::numeric_limits<float>::denorm_min();
    const float subnormal = 0x1p-130f;
    // A NaN or Inf in x reaches every output its element touches (C_out/g *
    // kH * kW of them): place few enough that about 90% of the output stays
    // finite, and none where a single one would spoil half of a batch item.
    // One Inf in w or the bias spoils (part of) one output channel: only
    // with 8 channels or more.
    const uint64_t reach = uint64_t(p.c_out_per_group() * p.kernel.h * p.kernel.w);
    const uint64_t outputs = std::max<uint64_t>(1, uint64_t(p.output_elements()));
    const uint64_t per_item = outputs / uint64_t(std::max<int64_t>(1, p.n));
    place(t.x, seed, 10, std::max<uint64_t>(97, 10 * t.x.size() * reach / outputs), {nan, inf, -inf},
          2 * reach <= per_item);
    place(t.x, seed, 11, 23, {-0.0f, subnormal, -subnormal, tiny});
    place(t.w, seed, 12, 7, {0.0f, -0.0f});
    place(t.w, seed, 13, 29, {subnormal, -tiny});
    if (p.c_out >= 8) place(t.w, seed, 14, uint64_t(1) << 62, {inf, -inf});
    place(t.bias, seed, 15, 11, {-0.0f, subnormal});
    if (p.c_out >= 8) place(t.bias, seed, 16, uint64_t(1) << 62, {inf, -inf});
  }
  if (mode != DataMode::exact) return t;

  // An output element sums at most K = C_in/groups * kH * kW products, plus
  // the bias. With |x| <= a, |w| <= a, |bias| <= kBiasAmplitude, every
  // partial sum is bounded by K*a*a + kBiasAmplitude < 2^24.
  constexpr int64_t kLimit = int64_t(1) << 24;
  constexpr int64_t kBiasAmplitude = 8;
  const int64_t taps = p.kernel.h * p.kernel.w;
  const int64_t k = p.c_in_per_group() * taps;
  const int64_t budget = kLimit - 1 - kBiasAmplitude;
  // Only every `stride`-th weight of a group's (ci, kh, kw) block is nonzero,
  // so at most ceil(K / stride) products of an element are nonzero.
  const int64_t sparsity = std::max<int64_t>(1, (k + budget - 1) / budget);
  const int64_t nonzero = (k + sparsity - 1) / sparsity;
  const int64_t amplitude = std::clamp<int64_t>(int64_t(std::sqrt(double(budget / nonzero))), 1, 8);

  t.x = fill(p.input_elements(), [&](uint64_t i) { return integer_value(seed, kInput, i, amplitude); });
  const int64_t per_output_channel = taps;                // weight index: ((ci*Cog + co)*kH + kh)*kW + kw
  const int64_t per_input_channel = p.c_out_per_group() * taps;
  t.w = fill(p.weight_elements(), [&](uint64_t i) {
    const int64_t ci_local = (int64_t(i) / per_input_channel) % p.c_in_per_group();
    const int64_t tap = int64_t(i) % per_output_channel;
    if ((ci_local * taps + tap) % sparsity != 0) return 0.0f;
    return integer_value(seed, kWeight, i, amplitude);
  });
  t.bias = fill(p.bias_elements(), [&](uint64_t i) { return integer_value(seed, kBias, i, kBiasAmplitude); });
  return t;
}

}  // namespace convt
