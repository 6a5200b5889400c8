// Unit tests of the .npy reader and writer (harness/npy.h): round trips of
// float32 and float64 arrays of every rank convt uses, files as NumPy writes
// them (built byte by byte here: CI has no NumPy), and every malformed file,
// each refused with a message that names the file and says what is wrong.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include <unistd.h>

#include "harness/npy.h"
#include "tests/expect_contains.h"

namespace convt::testing {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class NpyFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("convt_npy_test_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

// An .npy file as NumPy lays it out: magic, version, little-endian header
// length (2 bytes for 1.0, 4 for 2.0 and 3.0), the header padded with spaces
// and ended by '\n' so that the data starts at a multiple of 64, the data.
std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1) {
  const size_t length_bytes = major == 1 ? 2 : 4;
  std::string header = dict;
  const size_t unpadded = 6 + 2 + length_bytes + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += char(major);
  bytes += char(0);
  for (size_t i = 0; i < length_bytes; ++i) bytes += char((header.size() >> (8 * i)) & 0xff);
  return bytes + header + data;
}

template <class T>
std::string raw(const std::vector<T>& values) {
  std::string s(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(s.data(), values.data(), s.size());
  return s;
}

// The values compared bit for bit (NaN, -0 and subnormals included).
template <class T>
void expect_bitwise(const std::vector<double>& actual, const std::vector<T>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const T got = T(actual[i]);
    EXPECT_EQ(std::memcmp(&got, &expected[i], sizeof(T)), 0) << "element " << i << ": " << got << " vs "
                                                             << expected[i];
  }
}

std::string parse_error(const std::string& bytes, const std::string& name = "data.npy") {
  Result<NpyArray> a = parse_npy(bytes, name);
  EXPECT_FALSE(a.ok()) << "accepted, shape of rank " << (a.ok() ? a->shape.size() : 0);
  return a.ok() ? std::string() : a.error().message;
}

NpyArray parse_ok(const std::string& bytes) {
  Result<NpyArray> a = parse_npy(bytes, "data.npy");
  EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message);
  return a.ok() ? *a : NpyArray{};
}

const std::string kF4_23 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
const std::vector<float> kSix = {1.5f, -2.0f, 0.0f, 3.25f, -0.0f, 1e-40f};
// ---------------------------------------------------------------------------
// Round trips

TEST_F(NpyFiles, Float32RoundTripEveryRank) {
  const std::vector<float> special = {0.0f,  -0.0f, 1.0f, -1.5f, std::numeric_limits<float>::denorm_min(),
                                      std::numeric_limits<float>::max(), std::numeric_limits<float>::infinity(),
                                      -std::numeric_limits<float>::infinity(),
                                      std::numeric_limits<float>::quiet_NaN(), 3.14159274f, 1e-38f, -7.0f};
  const std::vector<std::vector<int64_t>> shapes = {{}, {12}, {2, 3, 2}, {1, 3, 2, 2}, {2, 1, 6}};
  for (const auto& shape : shapes) {
    int64_t count = 1;
    for (int64_t d : shape) count *= d;
    const std::vector<float> values(special.begin(), special.begin() + count);
    const std::string file = path("a.npy");
    ASSERT_FALSE(write_npy(file, shape, std::span<const float>(values)).has_value());
    Result<NpyArray> a = read_npy(file);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->shape, shape);
    EXPECT_EQ(a->dtype, DType::float32);
    expect_bitwise(a->values, values);
    Result<std::vector<float>> f = float32_values(*a, file);
    ASSERT_TRUE(f.ok()) << f.error().message;
    ASSERT_EQ(f->size(), values.size());
    EXPECT_EQ(std::memcmp(f->data(), values.data(), values.size() * sizeof(float)), 0);
  }
}

TEST_F(NpyFiles, Float64RoundTripEveryRank) {
  const std::vector<double> special = {0.0, -0.0, 1.0 / 3, -1e300, std::numeric_limits<double>::denorm_min(),
                                       std::numeric_limits<double>::infinity(),
                                       std::numeric_limits<double>::quiet_NaN(), 0.1, 2.5, -4.0, 1e-310, 42.0};
  const std::vector<std::vector<int64_t>> shapes = {{}, {12}, {3, 2, 2}, {2, 2, 1, 3}};
  for (const auto& shape : shapes) {
    int64_t count = 1;
    for (int64_t d : shape) count *= d;
    const std::vector<double> values(special.begin(), special.begin() + count);
    const std::string file = path("b.npy");
    ASSERT_FALSE(write_npy(file, shape, std::span<const double>(values)).has_value());
    Result<NpyArray> a = read_npy(file);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->shape, shape);
    EXPECT_EQ(a->dtype, DType::float64);
    expect_bitwise(a->values, values);
  }
}

TEST_F(NpyFiles, EmptyArrays) {
  for (const std::vector<int64_t>& shape : {std::vector<int64_t>{0}, std::vector<int64_t>{0, 3, 2, 2},
                                            std::vector<int64_t>{2, 0, 5}}) {
    const std::string file = path("empty.npy");
    ASSERT_FALSE(write_npy(file, shape, std::span<const float>()).has_value());
    Result<NpyArray> a = read_npy(file);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->shape, shape);
    EXPECT_TRUE(a->values.empty());
  }
}

TEST_F(NpyFiles, WritesExactlyWhatNumPyWrites) {
  // np.save('a.npy', np.array([[1.5, -2, 0], [3.25, -0.0, 1e-40]], np.float32))
  const std::string file = path("numpy.npy");
  ASSERT_FALSE(write_npy(file, {2, 3}, std::span<const float>(kSix)).has_value());
  const std::string bytes = read_bytes(file);
  EXPECT_EQ(bytes, npy_bytes(kF4_23, raw(kSix)));
  // NumPy's layout: 128 bytes of preamble and header, then the data.
  EXPECT_EQ(bytes.size(), 128u + 24u);
  EXPECT_EQ(bytes.substr(0, 10), std::string("\x93NUMPY\x01\x00\x76\x00", 10));
  EXPECT_EQ(bytes[127], '\n');
  // A 1-D shape is written as Python's one-element tuple, (5,).
  ASSERT_FALSE(write_npy(file, {6}, std::span<const float>(kSix)).has_value());
  EXPECT_EQ(read_bytes(file), npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", raw(kSix)));
  // A 0-D shape as ().
  const std::vector<double> one = {2.0};
  ASSERT_FALSE(write_npy(file, {}, std::span<const double>(one)).has_value());
  EXPECT_EQ(read_bytes(file), npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", raw(one)));
}

TEST_F(NpyFiles, WriteToAnImpossiblePathIsAnError) {
  const std::string file = path("no/such/dir/a.npy");
  std::optional<Error> e = write_npy(file, {6}, std::span<const float>(kSix));
  ASSERT_TRUE(e.has_value());
  EXPECT_CONTAINS(e->message, file);
  EXPECT_CONTAINS(e->message, "cannot open for writing");
}

// ---------------------------------------------------------------------------
// Files as NumPy (any version) writes them

TEST(NpyParse, Version1) {
  const NpyArray a = parse_ok(npy_bytes(kF4_23, raw(kSix)));
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a.dtype, DType::float32);
  expect_bitwise(a.values, kSix);
}

TEST(NpyParse, Version2HeaderWithFourByteLength) {
  const NpyArray a = parse_ok(npy_bytes(kF4_23, raw(kSix), 2));
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  expect_bitwise(a.values, kSix);
}

TEST(NpyParse, Version2HeaderLongerThan64KiB) {
  // What version 2.0 exists for: a header longer than 65535 bytes.
  std::string dict = kF4_23;
  dict.insert(dict.size() - 1, std::string(70000, ' '));
  const NpyArray a = parse_ok(npy_bytes(dict, raw(kSix), 2));
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  expect_bitwise(a.values, kSix);
}

TEST(NpyParse, Version3) {
  const NpyArray a = parse_ok(npy_bytes(kF4_23, raw(kSix), 3));
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
}

TEST(NpyParse, DoubleQuotedHeader) {
  const std::vector<double> v = {1.0, -2.0, 0.5};
  const NpyArray a = parse_ok(npy_bytes("{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (3,), }", raw(v)));
  EXPECT_EQ(a.shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(a.dtype, DType::float64);
  expect_bitwise(a.values, v);
}

TEST(NpyParse, KeysInAnyOrderWithoutSpacesOrTrailingComma) {
  const NpyArray a = parse_ok(npy_bytes("{'shape':(3,2),'fortran_order':False,'descr':'<f4'}", raw(kSix)));
  EXPECT_EQ(a.shape, (std::vector<int64_t>{3, 2}));
  expect_bitwise(a.values, kSix);
}

TEST(NpyParse, ScalarAndEmpty) {
  const std::vector<float> one = {-3.5f};
  const NpyArray s = parse_ok(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", raw(one)));
  EXPECT_TRUE(s.shape.empty());
  expect_bitwise(s.values, one);
  const NpyArray e = parse_ok(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }", ""));
  EXPECT_EQ(e.shape, (std::vector<int64_t>{0}));
  EXPECT_TRUE(e.values.empty());
}

TEST(NpyParse, PythonTwoLongs) {
  const NpyArray a = parse_ok(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }", raw(kSix)));
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
}

// ---------------------------------------------------------------------------
// Malformed files: each message names the file and says what is wrong.

TEST(NpyErrors, BadMagic) {
  std::string bytes = npy_bytes(kF4_23, raw(kSix));
  bytes[1] = 'n';
  const std::string m = parse_error(bytes, "x.npy");
  EXPECT_EQ(m.rfind("x.npy: ", 0), 0u) << m;
  EXPECT_CONTAINS(m, "not a NumPy .npy file");
  EXPECT_CONTAINS(parse_error("", "empty.npy"), "empty.npy: not a NumPy .npy file");
  EXPECT_CONTAINS(parse_error("PK\x03\x04 a zip archive (.npz), not .npy", "a.npz"), "a.npz: not a NumPy .npy file");
}

TEST(NpyErrors, UnsupportedVersion) {
  std::string bytes = npy_bytes(kF4_23, raw(kSix));
  bytes[6] = 4;
  EXPECT_EQ(parse_error(bytes, "x.npy"), "x.npy: .npy format version 4.0 is not supported (1.0, 2.0 and 3.0 are)");
  bytes[6] = 0;
  bytes[7] = 9;
  EXPECT_CONTAINS(parse_error(bytes, "x.npy"), "x.npy: .npy format version 0.9 is not supported");
}

TEST(NpyErrors, TruncatedHeader) {
  const std::string bytes = npy_bytes(kF4_23, raw(kSix));
  // Cut inside the header: it promises 118 bytes.
  const std::string m = parse_error(bytes.substr(0, 50), "x.npy");
  EXPECT_EQ(m.rfind("x.npy: ", 0), 0u) << m;
  EXPECT_CONTAINS(m, "truncated: the header promises 118 bytes");
  // Version 2.0 cut inside its 4-byte header length.
  EXPECT_CONTAINS(parse_error(npy_bytes(kF4_23, raw(kSix), 2).substr(0, 11), "y.npy"),
                  "y.npy: truncated: the header length is cut off");
}

TEST(NpyErrors, TruncatedData) {
  const std::string bytes = npy_bytes(kF4_23, raw(kSix));
  EXPECT_EQ(parse_error(bytes.substr(0, bytes.size() - 4), "x.npy"),
            "x.npy: truncated: shape [2, 3] needs 24 bytes of data but the file has 20");
  EXPECT_CONTAINS(parse_error(bytes.substr(0, 128), "x.npy"), "needs 24 bytes of data but the file has 0");
}

TEST(NpyErrors, TrailingBytes) {
  const std::string bytes = npy_bytes(kF4_23, raw(kSix)) + "abc";
  EXPECT_EQ(parse_error(bytes, "x.npy"), "x.npy: has 3 bytes after the data that shape [2, 3] accounts for");
}

TEST(NpyErrors, FortranOrder) {
  const std::string m =
      parse_error(npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", raw(kSix)), "f.npy");
  EXPECT_EQ(m.rfind("f.npy: ", 0), 0u) << m;
  EXPECT_CONTAINS(m, "Fortran (column-major) order is not supported");
}

TEST(NpyErrors, MalformedFortranOrder) {
  EXPECT_CONTAINS(
      parse_error(npy_bytes("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3), }", raw(kSix)), "f.npy"),
      "f.npy: malformed 'fortran_order': 0");
}

TEST(NpyErrors, IntegerDtype) {
  const std::vector<int64_t> v = {1, 2, 3};
  const std::string m =
      parse_error(npy_bytes("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", raw(v)), "i.npy");
  EXPECT_EQ(m.rfind("i.npy: ", 0), 0u) << m;
  EXPECT_CONTAINS(m, "dtype '<i8' is not supported");
  EXPECT_CONTAINS(m, "float32 ('<f4')");
}

TEST(NpyErrors, BigEndian) {
  const std::string m =
      parse_error(npy_bytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", raw(kSix)), "b.npy");
  EXPECT_EQ(m.rfind("b.npy: ", 0), 0u) << m;
  EXPECT_CONTAINS(m, "dtype '>f4' is big endian");
  EXPECT_CONTAINS(parse_error(npy_bytes("{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }",
                                        std::string(24, '\0')),
                              "b.npy"),
                  "dtype '>f8' is big endian");
}

TEST(NpyErrors, Bytes) {
  const std::string m =
      parse_error(npy_bytes("{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", "abcd"), "u.npy");
  EXPECT_EQ(m.rfind("u.npy: ", 0), 0u) << m;
  EXPECT_CONTAINS(m, "dtype '|u1' is not supported");
}

TEST(NpyErrors, HalfAndComplex) {
  EXPECT_CONTAINS(parse_error(npy_bytes("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", "abcd")),
                  "dtype '<f2' is not supported");
  EXPECT_CONTAINS(
      parse_error(npy_bytes("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", std::string(8, '\0'))),
      "dtype '<c8' is not supported");
}

TEST(NpyErrors, MissingKeys) {
  const std::string m = parse_error(npy_bytes("{'descr': '<f4', 'shape': (2, 3), }", raw(kSix)), "k.npy");
  EXPECT_EQ(m.rfind("k.npy: ", 0), 0u) << m;
  EXPECT_CONTAINS(m, "malformed header (needs 'descr', 'fortran_order' and 'shape')");
  EXPECT_CONTAINS(parse_error(npy_bytes("{'fortran_order': False, 'shape': (2, 3), }", raw(kSix))),
                  "malformed header");
  EXPECT_CONTAINS(parse_error(npy_bytes("{'descr': '<f4', 'fortran_order': False, }", raw(kSix))),
                  "malformed header");
}

TEST(NpyErrors, MalformedShape) {
  const auto with_shape = [](const std::string& shape) {
    return npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }", raw(kSix));
  };
  EXPECT_EQ(parse_error(with_shape("(2, x)"), "s.npy"), "s.npy: malformed 'shape': (2, x)");
  EXPECT_EQ(parse_error(with_shape("(-1, 6)"), "s.npy"), "s.npy: malformed 'shape': (-1, 6)");
  EXPECT_CONTAINS(parse_error(with_shape("(2.0, 3)"), "s.npy"), "s.npy: malformed 'shape'");
  EXPECT_CONTAINS(parse_error(with_shape("(99999999999999999999, 1)"), "s.npy"), "s.npy: malformed 'shape'");
  // An unclosed tuple.
  EXPECT_CONTAINS(parse_error(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3 }", raw(kSix)),
                              "s.npy"),
                  "s.npy: malformed header");
}

// Regression: a 'shape' that is not a tuple used to be read as a 0-D shape
// (or a 1-D one): 'shape': 1 with 4 bytes of data was a scalar, [6] was (6,).
TEST(NpyErrors, ShapeThatIsNotATuple) {
  const std::vector<float> one = {1.0f};
  EXPECT_CONTAINS(parse_error(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': 1, }", raw(one)),
                              "s.npy"),
                  "s.npy: malformed 'shape'");
  EXPECT_CONTAINS(parse_error(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': [6], }", raw(kSix)),
                              "s.npy"),
                  "s.npy: malformed 'shape'");
  EXPECT_CONTAINS(parse_error(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }", raw(kSix)),
                              "s.npy"),
                  "s.npy: malformed 'shape'");
}

TEST(NpyErrors, ShapeTooLargeForTheFile) {
  const std::string m = parse_error(
      npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", raw(kSix)),
      "s.npy");
  EXPECT_EQ(m.rfind("s.npy: ", 0), 0u) << m;
  EXPECT_CONTAINS(m, "[4294967296, 4294967296] is too large");
  // 2^40 elements of 4 bytes: no overflow, just a truncated file.
  EXPECT_CONTAINS(parse_error(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }",
                                        raw(kSix))),
                  "needs 4398046511104 bytes of data but the file has 24");
}

TEST(NpyErrors, Float32ValuesOfAFloat64Array) {
  const std::vector<double> v = {1.0, 2.0, 3.0};
  const NpyArray a = parse_ok(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", raw(v)));
  Result<std::vector<float>> f = float32_values(a, "w.npy");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().message.rfind("w.npy: ", 0), 0u) << f.error().message;
  EXPECT_CONTAINS(f.error().message, "holds float64");
  EXPECT_CONTAINS(f.error().message, "float32");
}

TEST_F(NpyFiles, ReadNpyNamesThePath) {
  std::string bytes = npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (6,), }", raw(kSix));
  write_bytes(path("ints.npy"), bytes);
  Result<NpyArray> a = read_npy(path("ints.npy"));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message.rfind(path("ints.npy") + ": ", 0), 0u) << a.error().message;
  EXPECT_CONTAINS(a.error().message, "dtype '<i4' is not supported");
}

TEST_F(NpyFiles, ReadNpyOfAMissingFile) {
  const std::string file = path("missing.npy");
  Result<NpyArray> a = read_npy(file);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message, file + ": cannot open: No such file or directory");
}

// Regression: reading a directory used to throw std::ios_base::failure out
// of the istreambuf_iterator instead of returning an Error.
TEST_F(NpyFiles, ReadNpyOfADirectoryIsAnError) {
  fs::create_directories(path("dir.npy"));
  Result<NpyArray> a = read_npy(path("dir.npy"));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message.rfind(path("dir.npy") + ": ", 0), 0u) << a.error().message;
}

TEST_F(NpyFiles, ReadNpyOfAFileByNumPyLayout) {
  write_bytes(path("v2.npy"), npy_bytes(kF4_23, raw(kSix), 2));
  Result<NpyArray> a = read_npy(path("v2.npy"));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 3}));
  expect_bitwise(a->values, kSix);
}

TEST(NpyErrors, MagicWithoutHeaderIsTruncated) {
  EXPECT_CONTAINS(parse_error(std::string("\x93NUMPY\x01\x00", 8), "t.npy"),
                  "t.npy: truncated: the file ends inside the header");
}

// Every refused dtype gets one message: what the file holds, and what the
// reader takes (for convt's inputs, float32 only, never "or float64").
TEST(NpyErrors, DtypeRefusalsNameWhatTheFileHoldsAndWhatIsTaken) {
  const std::string f2 = npy_bytes("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", "abcd");
  const std::string f8 = npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", raw(std::vector{1.0}));
  Result<NpyArray> half = parse_npy(f2, "x.npy", Accept::float32);
  Result<NpyArray> wide = parse_npy(f8, "x.npy", Accept::float32);
  ASSERT_FALSE(half.ok());
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(half.error().message,
            "x.npy: dtype '<f2' is not supported: the file holds float16, convt's inputs are float32 ('<f4') "
            "(convert with a.astype(np.float32))");
  EXPECT_EQ(wide.error().message,
            "x.npy: dtype '<f8' is not supported: the file holds float64, convt's inputs are float32 ('<f4') "
            "(convert with a.astype(np.float32))");
  // A float64 array read where float64 is taken, then asked for float32:
  // the same words.
  EXPECT_EQ(float32_values(parse_ok(f8), "x.npy").error().message, wide.error().message);
  // Where float64 is taken too, the message says so.
  EXPECT_CONTAINS(parse_error(f2), "the file holds float16, convt reads float32 ('<f4') or float64 ('<f8')");
  EXPECT_CONTAINS(parse_error(npy_bytes("{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }", "abcd")),
                  "the file holds big-endian int32");
}

TEST(NpyWrite, ValuesMustFillTheShape) {
  const std::vector<float> four = {1, 2, 3, 4};
  const std::optional<Error> e = write_npy(::testing::TempDir() + "/never.npy", {2, 3}, std::span<const float>(four));
  ASSERT_TRUE(e);
  EXPECT_CONTAINS(e->message, "shape [2, 3] holds 6 values, not 4");
}

}  // namespace
}  // namespace convt::testing
