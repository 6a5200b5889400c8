#include "reference/descriptor.h"

#include <cctype>
#include <limits>

namespace convt {
namespace {

Error descriptor_error(std::string_view text, size_t position, const std::string& what) {
  return Error{"bad descriptor '" + std::string(text) + "' at position " +
               std::to_string(position + 1) + ": " + what};
}

std::optional<Field> field_named(std::string_view name) {
  for (int i = 0; i < kFieldCount; ++i)
    if (name == kFieldNames[i]) return Field(i);
  return std::nullopt;
}

std::string known_tokens() {
  std::string s;
  for (const char* name : kFieldNames) s += std::string(name) + " ";
  return s + "nobias";
}

}  // namespace

Result<Descriptor> parse_descriptor(std::string_view text) {
  if (text.empty()) return Error{"bad descriptor '': it is empty (example: ic8ih5oc12kh3sh2)"};
  Descriptor d;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '_') {
      ++i;
      continue;
    }
    const size_t start = i;
    if (!std::islower(static_cast<unsigned char>(text[i]))) {
      std::string what = std::isdigit(static_cast<unsigned char>(text[i]))
                             ? "a number without a token before it"
                             : "unexpected character '" + std::string(1, text[i]) + "'";
      return descriptor_error(text, i, what + " (tokens: " + known_tokens() + ")");
    }
    if (text.substr(i, 6) == "nobias") {
      if (d.nobias) return descriptor_error(text, i, "repeated token 'nobias'");
      d.nobias = true;
      i += 6;
      continue;
    }
    while (i < text.size() && std::islower(static_cast<unsigned char>(text[i]))) ++i;
    const std::string_view name = text.substr(start, i - start);
    const std::optional<Field> field = field_named(name);
    if (!field)
      return descriptor_error(text, start,
                              "unknown token '" + std::string(name) + "' (tokens: " + known_tokens() + ")");
    if (d.get(*field))
      return descriptor_error(text, start, "repeated token '" + std::string(name) + "'");
    const size_t digits = i;
    int64_t value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      const int digit = text[i] - '0';
      if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) {
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
        return descriptor_error(text, start,
                                "the number " + std::string(text.substr(digits, i - digits)) + " of '" +
                                    std::string(name) + "' does not fit a 64-bit integer");
      }
      value = value * 10 + digit;
      ++i;
    }
    if (i == digits)
      return descriptor_error(text, start,
                              "token '" + std::string(name) + "' needs a non-negative integer after it");
    d.set(*field, value);
  }
  return d;
}

namespace {

// The parameters every problem has, with the descriptor's defaults.
void apply_parameters(const Descriptor& d, Pair& stride, Pair& padding, Pair& output_padding,
                      Pair& dilation, int64_t& groups) {
  const auto value = [&](Field f, int64_t fallback) { return d.get(f).value_or(fallback); };
  stride.h = value(Field::sh, 1);
  stride.w = value(Field::sw, stride.h);
  padding.h = value(Field::ph, 0);
  padding.w = value(Field::pw, padding.h);
  output_padding.h = value(Field::oph, 0);
  output_padding.w = value(Field::opw, output_padding.h);
  dilation.h = value(Field::dh, 1);
  dilation.w = value(Field::dw, dilation.h);
  groups = value(Field::g, 1);
}

}  // namespace

Result<Problem> problem_from_descriptor(const Descriptor& d) {
  for (Field f : {Field::ic, Field::ih, Field::oc, Field::kh})
    if (!d.get(f))
      return Error{std::string("descriptor lacks '") + kFieldNames[size_t(f)] +
                   "' (ic, ih, oc and kh have no default)"};
  Problem p;
  p.n = d.get(Field::mb).value_or(1);
  p.c_in = *d.get(Field::ic);
  p.h_in = *d.get(Field::ih);
  p.w_in = d.get(Field::iw).value_or(p.h_in);
  p.c_out = *d.get(Field::oc);
  p.kernel.h = *d.get(Field::kh);
  p.kernel.w = d.get(Field::kw).value_or(p.kernel.h);
  apply_parameters(d, p.stride, p.padding, p.output_padding, p.dilation, p.groups);
  p.bias = !d.nobias;
  return p;
}

Arguments arguments_with_shapes(const Descriptor& d, std::vector<int64_t> input,
                                std::vector<int64_t> weight,
                                std::optional<std::vector<int64_t>> bias) {
  Arguments a;
  a.input = std::move(input);
  a.weight = std::move(weight);
  a.bias = std::move(bias);
  apply_parameters(d, a.stride, a.padding, a.output_padding, a.dilation, a.groups);
  return a;
}

std::optional<Error> check_shape_tokens(const Descriptor& d, const Problem& p) {
  const std::pair<Field, int64_t> shape[] = {{Field::mb, p.n},      {Field::ic, p.c_in},
                                             {Field::ih, p.h_in},   {Field::iw, p.w_in},
                                             {Field::oc, p.c_out},  {Field::kh, p.kernel.h},
                                             {Field::kw, p.kernel.w}};
  for (const auto& [field, actual] : shape) {
    const std::optional<int64_t> said = d.get(field);
    if (said && *said != actual)
      return Error{std::string("the descriptor says ") + kFieldNames[size_t(field)] + std::to_string(*said) +
                   " but the arrays give " + kFieldNames[size_t(field)] + std::to_string(actual)};
  }
  if (d.nobias && p.bias) return Error{"the descriptor says nobias but a bias array was given"};
  return std::nullopt;
}

Result<Problem> parse_problem(std::string_view text) {
  Result<Descriptor> d = parse_descriptor(text);
  if (!d) return d.error();
  Result<Problem> p = problem_from_descriptor(*d);
  if (!p) return Error{"descriptor '" + std::string(text) + "': " + p.error().message};
  if (auto e = validate(*p)) return Error{"descriptor '" + std::string(text) + "': " + e->message};
  return p;
}

std::string format_descriptor(const Problem& p) {
  const int64_t values[kFieldCount] = {
      p.n,        p.c_in,     p.h_in,      p.w_in,      p.c_out,          p.kernel.h,
      p.kernel.w, p.stride.h, p.stride.w,  p.padding.h, p.padding.w,      p.output_padding.h,
      p.output_padding.w,     p.dilation.h, p.dilation.w, p.groups};
  std::string s;
  for (int i = 0; i < kFieldCount; ++i) s += kFieldNames[i] + std::to_string(values[i]);
  if (!p.bias) s += "nobias";
  return s;
}

}  // namespace convt
