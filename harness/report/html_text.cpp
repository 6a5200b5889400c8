#include "harness/report/html_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "reference/descriptor.h"

namespace convt::report::html {

namespace {

const nlohmann::json& null_value() {
  static const nlohmann::json null;
  return null;
}

const nlohmann::json& empty_array() {
  static const nlohmann::json empty = nlohmann::json::array();
  return empty;
}

// Drops trailing zeros of a fixed or scientific rendering: "1.500" -> "1.5",
// "2.000e-05" -> "2e-05".
std::string trim_zeros(std::string s) {
  const size_t e = s.find('e');
  std::string exponent = e == std::string::npos ? "" : s.substr(e);
  std::string mantissa = e == std::string::npos ? s : s.substr(0, e);
  if (mantissa.find('.') != std::string::npos) {
    while (!mantissa.empty() && mantissa.back() == '0') mantissa.pop_back();
    if (!mantissa.empty() && mantissa.back() == '.') mantissa.pop_back();
  }
  return mantissa + exponent;
}

}  // namespace

const nlohmann::json& member(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return null_value();
  const auto it = object.find(std::string(key));
  return it == object.end() ? null_value() : *it;
}

std::string scalar_text(const nlohmann::json& v, std::string_view fallback) {
  if (v.is_string()) return v.get_ref<const std::string&>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return std::string(fallback);
}

std::string text(const nlohmann::json& object, std::string_view key, std::string_view fallback) {
  return scalar_text(member(object, key), fallback);
}

std::optional<double> number(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  if (s == "nan" || s == "NaN") return std::nan("");
  if (s == "inf" || s == "infinity" || s == "Infinity") return HUGE_VAL;
  if (s == "-inf" || s == "-infinity" || s == "-Infinity") return -HUGE_VAL;
  return std::nullopt;
}

std::optional<double> number(const nlohmann::json& object, std::string_view key) { return number(member(object, key)); }

std::optional<bool> flag(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json& v = member(object, key);
  if (!v.is_boolean()) return std::nullopt;
  return v.get<bool>();
}

const nlohmann::json& array(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json& v = member(object, key);
  return v.is_array() ? v : empty_array();
}

std::optional<double> leading_number(const nlohmann::json& value) {
  if (value.is_number()) return value.get<double>();
  if (!value.is_string()) return std::nullopt;
  const std::string& s = value.get_ref<const std::string&>();
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string tag(std::string_view name, std::string_view content, std::string_view attributes) {
  std::string out = "<";
  out += name;
  if (!attributes.empty()) {
    out += ' ';
    out += attributes;
  }
  out += '>';
  out += content;
  out += "</";
  out += name;
  out += '>';
  return out;
}

std::string format_number(double v, int significant) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return "0";
  if (significant < 1) significant = 1;
  const double magnitude = std::fabs(v);
  char buf[64];
  if (magnitude >= 1e6 || magnitude < 1e-3) {
    std::snprintf(buf, sizeof buf, "%.*e", significant - 1, v);
    return trim_zeros(buf);
  }
  const int digits_before = int(std::floor(std::log10(magnitude))) + 1;
  const int decimals = std::max(0, significant - digits_before);
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return trim_zeros(buf);
}

std::string format_fixed(double v, int decimals) {
  if (!std::isfinite(v)) return format_number(v);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string short_descriptor(std::string_view descriptor) {
  const Result<Descriptor> parsed = parse_descriptor(descriptor);
  if (!parsed) return std::string(descriptor);
  const Descriptor& d = *parsed;
  std::string out;
  // Writes the field unless it holds its default.
  auto put = [&](Field f, std::optional<int64_t> default_value) {
    const std::optional<int64_t> v = d.get(f);
    if (!v || (default_value && *v == *default_value)) return;
    out += kFieldNames[size_t(f)];
    out += std::to_string(*v);
  };
  put(Field::mb, 1);
  put(Field::ic, std::nullopt);
  put(Field::ih, std::nullopt);
  put(Field::iw, d.get(Field::ih));
  put(Field::oc, std::nullopt);
  put(Field::kh, std::nullopt);
  put(Field::kw, d.get(Field::kh));
  put(Field::sh, 1);
  put(Field::sw, d.get(Field::sh).value_or(1));
  put(Field::ph, 0);
  put(Field::pw, d.get(Field::ph).value_or(0));
  put(Field::oph, 0);
  put(Field::opw, d.get(Field::oph).value_or(0));
  put(Field::dh, 1);
  put(Field::dw, d.get(Field::dh).value_or(1));
  put(Field::g, 1);
  if (d.nobias) out += "nobias";
  return out.empty() ? std::string(descriptor) : out;
}

}  // namespace convt::report::html
