// The one-line problem descriptor, in the style of oneDNN's benchdnn:
//   mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4[nobias]
// Each token is followed by a non-negative integer; '_' may separate tokens.
// Defaults: mb 1, iw = ih, kw = kh, sh 1, sw = sh, ph 0, pw = ph, oph 0,
// opw = oph, dh 1, dw = dh, g 1, bias on. ic, ih, oc and kh have no default.
// Dilation is PyTorch's: 1 is dense (benchdnn's dh/dw count from 0 instead,
// so benchdnn's dh0 is convt's dh1; a dh0 or dw0 is refused saying so).
// The token scanning is reference/tokens.h, shared with benchdnn's files.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reference/problem.h"
#include "reference/result.h"

namespace convt {

enum class Field { mb, ic, ih, iw, oc, kh, kw, sh, sw, ph, pw, oph, opw, dh, dw, g };
inline constexpr int kFieldCount = 16;
inline constexpr std::array<const char*, kFieldCount> kFieldNames = {
    "mb", "ic", "ih", "iw", "oc", "kh", "kw", "sh", "sw", "ph", "pw", "oph", "opw", "dh", "dw", "g"};

// What a descriptor said, field by field: the tokens it gave, nothing more.
struct Descriptor {
  std::array<std::optional<int64_t>, kFieldCount> fields;
  bool nobias = false;

  std::optional<int64_t> get(Field f) const { return fields[size_t(f)]; }
  void set(Field f, int64_t v) { fields[size_t(f)] = v; }
};

// Parses the token syntax; an error names the offending token and its position.
Result<Descriptor> parse_descriptor(std::string_view text);

// Applies the defaults; refuses a descriptor without ic, ih, oc or kh. The
// result is not yet validated (see validate()).
Result<Problem> problem_from_descriptor(const Descriptor& d);

// For problems whose shapes come from arrays: the descriptor's parameters
// (stride, padding, output_padding, dilation, groups, with their defaults)
// and the given tensor shapes, as PyTorch would receive them.
Arguments arguments_with_shapes(const Descriptor& d, std::vector<int64_t> input,
                                std::vector<int64_t> weight,
                                std::optional<std::vector<int64_t>> bias);

// Shape tokens a descriptor gave (mb ic ih iw oc kh kw, nobias) must agree
// with the problem that arrays defined.
std::optional<Error> check_shape_tokens(const Descriptor& d, const Problem& p);

// parse_descriptor + problem_from_descriptor + validate.
Result<Problem> parse_problem(std::string_view text);

// The canonical form: every field, in the order above, then "nobias" if the
// problem has no bias. parse_problem(format_descriptor(p)) == p.
std::string format_descriptor(const Problem& p);

}  // namespace convt
