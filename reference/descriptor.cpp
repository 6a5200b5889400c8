#include "reference/descriptor.h"

#include "reference/tokens.h"

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
  TokenScanner scan(text);
  while (scan.more()) {
    const size_t start = scan.position();
    if (scan.take("nobias")) {
      if (d.nobias) return descriptor_error(text, start, "repeated token 'nobias'");
      d.nobias = true;
      continue;
    }
    std::string_view name;
    if (auto e = scan.name(name))
      return descriptor_error(text, e->position, e->what + " (tokens: " + known_tokens() + ")");
    const std::optional<Field> field = field_named(name);
    if (!field)
      return descriptor_error(text, start,
                              "unknown token '" + std::string(name) + "' (tokens: " + known_tokens() + ")");
    if (d.get(*field))
      return descriptor_error(text, start, "repeated token '" + std::string(name) + "'");
    int64_t value = 0;
    if (auto e = scan.number(name, start, value)) return descriptor_error(text, e->position, e->what);
    if ((*field == Field::dh || *field == Field::dw) && value == 0)
      return descriptor_error(text, start, std::string(name) + "0 is no dilation: convt's " + std::string(name) +
                                               " is PyTorch's dilation (1 is dense); benchdnn counts from 0, so "
                                               "its " + std::string(name) + "0 is convt's " + std::string(name) +
                                               "1 (--benchdnn FILE reads benchdnn's problem files)");
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
