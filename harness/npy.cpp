#include "harness/npy.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "harness/file_contents.h"
#include "reference/problem.h"

namespace convt {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

Error npy_error(const std::string& name, const std::string& what) {
  return Error{name + ": " + what};
}

// The header is a Python dict literal, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// Returns the text of the value of `key`, or nullopt.
std::optional<std::string> dict_value(const std::string& header, const std::string& key) {
  for (const char quote : {'\'', '"'}) {
    const std::string needle = quote + key + quote;
    size_t at = header.find(needle);
    if (at == std::string::npos) continue;
    at = header.find(':', at + needle.size());
    if (at == std::string::npos) return std::nullopt;
    ++at;
    while (at < header.size() && header[at] == ' ') ++at;
    if (at >= header.size()) return std::nullopt;
    if (header[at] == '(') {
      const size_t close = header.find(')', at);
      if (close == std::string::npos) return std::nullopt;
      return header.substr(at, close - at + 1);
    }
    if (header[at] == '\'' || header[at] == '"') {
      const size_t close = header.find(header[at], at + 1);
      if (close == std::string::npos) return std::nullopt;
      return header.substr(at + 1, close - at - 1);
    }
    size_t end = at;
    while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
    std::string v = header.substr(at, end - at);
    while (!v.empty() && v.back() == ' ') v.pop_back();
    return v;
  }
  return std::nullopt;
}

// A Python tuple of non-negative integers: "(2, 3)", "(5,)", "()".
std::optional<std::vector<int64_t>> parse_shape(const std::string& tuple) {
  if (tuple.size() < 2 || tuple.front() != '(' || tuple.back() != ')') return std::nullopt;
  std::vector<int64_t> shape;
  size_t i = 1;
  const auto skip_spaces = [&] {
    while (i < tuple.size() && tuple[i] == ' ') ++i;
  };
  while (true) {
    skip_spaces();
    if (tuple[i] == ')') return i + 1 == tuple.size() ? std::optional(shape) : std::nullopt;
    if (!std::isdigit(static_cast<unsigned char>(tuple[i]))) return std::nullopt;
    int64_t v = 0;
    while (std::isdigit(static_cast<unsigned char>(tuple[i]))) {
      if (v > (std::numeric_limits<int64_t>::max() - 9) / 10) return std::nullopt;
      v = v * 10 + (tuple[i++] - '0');
    }
    if (tuple[i] == 'L') ++i;  // Python 2 longs
    shape.push_back(v);
    skip_spaces();
    if (tuple[i] == ',') ++i;
    else if (tuple[i] != ')') return std::nullopt;
  }
}

template <class T>
std::optional<Error> write_values(const std::string& path, const std::vector<int64_t>& shape,
                                  std::span<const T> values, const char* descr) {
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  if (count != int64_t(values.size()))
    return Error{path + ": shape " + format_shape(shape) + " holds " + std::to_string(count) + " values, not " +
                 std::to_string(values.size())};
  std::string dims;
  for (size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) dims += ",";  // Python's one-element tuple: (5,)
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Pad with spaces so that magic + version + length + header + '\n' is a
  // multiple of 64, as NumPy writes it.
  const size_t unpadded = kMagic.size() + 2 + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';

  std::ofstream out(path, std::ios::binary);
  if (!out) return Error{path + ": cannot open for writing: " + std::strerror(errno)};
  const unsigned char version[2] = {1, 0};
  const uint16_t length = uint16_t(header.size());
  const unsigned char len_le[2] = {uint8_t(length & 0xff), uint8_t(length >> 8)};
  out.write(kMagic.data(), std::streamsize(kMagic.size()));
  out.write(reinterpret_cast<const char*>(version), 2);
  out.write(reinterpret_cast<const char*>(len_le), 2);
  out.write(header.data(), std::streamsize(header.size()));
  static_assert(std::endian::native == std::endian::little, "convt writes .npy on little-endian hosts");
  out.write(reinterpret_cast<const char*>(values.data()), std::streamsize(values.size_bytes()));
  out.close();
  if (!out) return Error{path + ": write failed: " + std::strerror(errno)};
  return std::nullopt;
}

// NumPy's words for a dtype string: "<f2" is float16, ">i4" big-endian
// int32; empty when convt does not know it.
std::string dtype_words(const std::string& descr) {
  if (descr.size() < 3) return "";
  const std::string order = descr[0] == '>' ? "big-endian " : "";
  const std::string bytes = descr.substr(2);
  const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  if (bytes.empty() || bytes.size() > 2 || !std::all_of(bytes.begin(), bytes.end(), digit)) return "";
  const std::string bits = std::to_string(8 * std::stoi(bytes));
  switch (descr[1]) {
    case 'f': return order + "float" + bits;
    case 'i': return order + "int" + bits;
    case 'u': return order + "uint" + bits;
    case 'c': return order + "complex" + bits;
    case 'b': return "bool";
    default: return "";
  }
}

}  // namespace

Error dtype_refused(const std::string& name, const std::string& descr, Accept accept) {
  const bool big_endian = descr == ">f4" || descr == ">f8";
  const std::string words = dtype_words(descr);
  const std::string accepted = accept == Accept::float32 ? "convt's inputs are float32 ('<f4')"
                                                          : "convt reads float32 ('<f4') or float64 ('<f8')";
  return npy_error(name, "dtype '" + descr + (big_endian ? "' is big endian: " : "' is not supported: ") +
                             (words.empty() ? "" : "the file holds " + words + ", ") + accepted +
                             (big_endian ? " (convert with a.astype('<f4'))" : " (convert with a.astype(np.float32))"));
}

Result<NpyArray> parse_npy(std::string_view bytes, const std::string& name, Accept accept) {
  if (bytes.substr(0, kMagic.size()) != kMagic)
    return npy_error(name, "not a NumPy .npy file (it does not start with \\x93NUMPY)");
  if (bytes.size() < 10) return npy_error(name, "truncated: the file ends inside the header");
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const int major = byte(6);
  size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = byte(8) | (size_t(byte(9)) << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return npy_error(name, "truncated: the header length is cut off");
    header_len = byte(8) | (size_t(byte(9)) << 8) | (size_t(byte(10)) << 16) | (size_t(byte(11)) << 24);
    header_start = 12;
  } else {
    return npy_error(name, ".npy format version " + std::to_string(major) + "." +
                               std::to_string(byte(7)) + " is not supported (1.0, 2.0 and 3.0 are)");
  }
  if (bytes.size() < header_start + header_len)
    return npy_error(name, "truncated: the header promises " + std::to_string(header_len) +
                               " bytes but the file ends before");
  const std::string header(bytes.substr(header_start, header_len));

  const auto descr = dict_value(header, "descr");
  const auto fortran = dict_value(header, "fortran_order");
  const auto shape_text = dict_value(header, "shape");
  if (!descr || !fortran || !shape_text)
    return npy_error(name, "malformed header (needs 'descr', 'fortran_order' and 'shape'): " + header);

  NpyArray a;
  size_t item = 0;
  if (*descr == "<f4") {
    a.dtype = DType::float32;
    item = 4;
  } else if (*descr == "<f8" && accept == Accept::float32_or_float64) {
    a.dtype = DType::float64;
    item = 8;
  } else {
    return dtype_refused(name, *descr, accept);
  }
  if (*fortran == "True")
    return npy_error(name, "Fortran (column-major) order is not supported; save a C-ordered array "
                           "(np.ascontiguousarray(a))");
  if (*fortran != "False") return npy_error(name, "malformed 'fortran_order': " + *fortran);
  const auto shape = parse_shape(*shape_text);
  if (!shape) return npy_error(name, "malformed 'shape': " + *shape_text);
  a.shape = *shape;

  uint64_t count = 1;
  for (int64_t d : a.shape) {
    if (d != 0 && count > std::numeric_limits<uint64_t>::max() / 8 / uint64_t(d))
      return npy_error(name, "shape " + format_shape(a.shape) + " is too large");
    count *= uint64_t(d);
  }
  const uint64_t expected = count * item;
  const uint64_t available = bytes.size() - header_start - header_len;
  if (available < expected)
    return npy_error(name, "truncated: shape " + format_shape(a.shape) + " needs " +
                               std::to_string(expected) + " bytes of data but the file has " +
                               std::to_string(available));
  if (available > expected)
    return npy_error(name, "has " + std::to_string(available - expected) +
                               " bytes after the data that shape " + format_shape(a.shape) + " accounts for");

  const char* data = bytes.data() + header_start + header_len;
  a.values.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    if (a.dtype == DType::float32) {
      float f;
      std::memcpy(&f, data + 4 * i, 4);
      a.values[i] = f;
    } else {
      std::memcpy(&a.values[i], data + 8 * i, 8);
    }
  }
  return a;
}

Result<NpyArray> read_npy(const std::string& path, Accept accept) {
  Result<std::string> bytes = read_file(path);
  if (!bytes) return bytes.error();
  return parse_npy(*bytes, path, accept);
}

std::optional<Error> write_npy(const std::string& path, const std::vector<int64_t>& shape,
                               std::span<const float> values) {
  return write_values(path, shape, values, "<f4");
}

std::optional<Error> write_npy(const std::string& path, const std::vector<int64_t>& shape,
                               std::span<const double> values) {
  return write_values(path, shape, values, "<f8");
}

Result<std::vector<float>> float32_values(const NpyArray& a, const std::string& name) {
  if (a.dtype != DType::float32) return dtype_refused(name, "<f8", Accept::float32);
  return std::vector<float>(a.values.begin(), a.values.end());
}

}  // namespace convt
