// Golden tests: convt's oracle against PyTorch's own conv_transpose2d output
// (tests/golden/generate.py wrote the data with torch 1.13; see cases.json).
//
// Every case goes through the user's path: its arrays are read with
// read_npy, the Problem is built by problem_from_arguments from the arrays'
// shapes (3-D input included) and the recorded parameters, and the output
// shape must be PyTorch's. Then
//   exact cases  (integer data): every sum is exact, so float(oracle) must be
//                PyTorch's float32 result bit for bit;
//   normal cases (torch.randn):  |y_torch_f32 - oracle| <= error_bounds(...),
//                the rigorous float32 bound, and |y_torch_f64 - oracle| within
//                the double-precision bound derived below.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/bound.h"
#include "harness/npy.h"
#include "reference/oracle.h"
#include "reference/problem.h"

namespace {

using nlohmann::json;

const std::string kGoldenDir = CONVT_GOLDEN_DIR;

// cases.json, or null when it is missing or malformed (CaseIndex fails then).
const json& case_index() {
  static const json index = [] {
    std::ifstream in(kGoldenDir + "/cases.json");
    if (!in) return json();
    return json::parse(in, nullptr, /*allow_exceptions=*/false);
  }();
  return index;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  const json& index = case_index();
  if (!index.is_object() || !index.contains("cases")) return names;
  for (const json& c : index["cases"]) names.push_back(c.value("name", ""));
  return names;
}

const json* find_case(const std::string& name) {
  for (const json& c : case_index()["cases"])
    if (c.value("name", "") == name) return &c;
  return nullptr;
}

convt::Pair pair_of(const json& j) { return {j.at(0).get<int64_t>(), j.at(1).get<int64_t>()}; }

bool is_file(const std::string& path) { return std::filesystem::is_regular_file(path); }

// "(n, c, h, w)" of a flat index into an N x C x H x W array.
std::string position(int64_t i, const std::array<int64_t, 4>& shape) {
  std::array<int64_t, 4> at{};
  for (int d = 3; d >= 0; --d) {
    at[size_t(d)] = shape[size_t(d)] == 0 ? 0 : i % shape[size_t(d)];
    i = shape[size_t(d)] == 0 ? 0 : i / shape[size_t(d)];
  }
  std::ostringstream out;
  out << '(' << at[0] << ", " << at[1] << ", " << at[2] << ", " << at[3] << ')';
  return out.str();
}

// A float with its bit pattern, so that -0.0 and +0.0 or one ulp show.
std::string describe(float v) {
  std::ostringstream out;
  out << std::setprecision(9) << v << " (0x" << std::hex << std::setw(8) << std::setfill('0')
      << std::bit_cast<uint32_t>(v) << ')';
  return out.str();
}

constexpr int kShown = 5;  // mismatches printed per case

class GoldenCase : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenCase, OracleReproducesPyTorch) {
  const std::string& name = GetParam();
  const json* entry = find_case(name);
  ASSERT_NE(entry, nullptr) << name << " is not in cases.json";
  const std::string dir = kGoldenDir + "/cases/" + name + "/";
  const bool has_bias = entry->at("bias").get<bool>();
  const std::string data = entry->at("data").get<std::string>();
  ASSERT_TRUE(data == "exact" || data == "normal") << "unknown data kind " << data;
  const bool exact = data == "exact";

  auto read = [&](const std::string& file) -> convt::NpyArray {
    convt::Result<convt::NpyArray> a = convt::read_npy(dir + file);
    if (!a) ADD_FAILURE() << a.error().message;
    return a ? a.value() : convt::NpyArray{};
  };
  auto floats = [&](const convt::NpyArray& a, const std::string& file) -> std::vector<float> {
    convt::Result<std::vector<float>> v = convt::float32_values(a, dir + file);
    if (!v) ADD_FAILURE() << v.error().message;
    return v ? v.value() : std::vector<float>{};
  };

  const convt::NpyArray x_npy = read("x.npy"), w_npy = read("w.npy"), y_npy = read("y.npy");
  ASSERT_EQ(is_file(dir + "b.npy"), has_bias) << "b.npy must exist exactly when the case has a bias";
  const convt::NpyArray b_npy = has_bias ? read("b.npy") : convt::NpyArray{};
  ASSERT_FALSE(HasFailure());
  const std::vector<float> x = floats(x_npy, "x.npy"), w = floats(w_npy, "w.npy"),
                           y = floats(y_npy, "y.npy");
  const std::vector<float> b = has_bias ? floats(b_npy, "b.npy") : std::vector<float>{};
  ASSERT_FALSE(HasFailure());

  // The index describes the arrays it points to.
  EXPECT_EQ(x_npy.shape, entry->at("input").get<std::vector<int64_t>>());
  EXPECT_EQ(w_npy.shape, entry->at("weight").get<std::vector<int64_t>>());
  EXPECT_EQ(y_npy.shape, entry->at("output").get<std::vector<int64_t>>());
  EXPECT_EQ(x_npy.shape.size() == 3, entry->at("unbatched").get<bool>());

  // The Problem, built the way a user's arrays are: from their shapes.
  convt::Arguments args;
  args.input = x_npy.shape;
  args.weight = w_npy.shape;
  if (has_bias) args.bias = b_npy.shape;
  args.stride = pair_of(entry->at("stride"));
  args.padding = pair_of(entry->at("padding"));
  args.output_padding = pair_of(entry->at("output_padding"));
  args.dilation = pair_of(entry->at("dilation"));
  args.groups = entry->at("groups").get<int64_t>();
  const convt::Result<convt::Problem> problem = convt::problem_from_arguments(args);
  ASSERT_TRUE(problem.ok()) << "convt refuses a problem PyTorch ran: " << problem.error().message;
  const convt::Problem& p = problem.value();

  const std::array<int64_t, 4> out = p.output_shape();
  std::vector<int64_t> expected_shape(out.begin(), out.end());
  if (x_npy.shape.size() == 3) expected_shape.erase(expected_shape.begin());  // unbatched
  ASSERT_EQ(y_npy.shape, expected_shape) << "output shape: PyTorch's (left) vs convt's (right)";

  const std::vector<double> oracle =
      convt::conv_transpose2d_oracle(p, x.data(), w.data(), has_bias ? b.data() : nullptr);
  ASSERT_EQ(oracle.size(), y.size());

  // Not vacuous: real data and a real output (an empty batch has neither).
  if (p.n > 0) {
    const auto nonzero = [](const std::vector<float>& v) {
      return std::any_of(v.begin(), v.end(), [](float f) { return f != 0; });
    };
    EXPECT_TRUE(nonzero(x)) << "x.npy is all zeros";
    EXPECT_TRUE(nonzero(w)) << "w.npy is all zeros";
    EXPECT_TRUE(nonzero(y)) << "y.npy is all zeros";
  } else {
    EXPECT_EQ(y.size(), 0u);
  }

  if (exact) {
    int64_t mismatches = 0;
    std::ostringstream first;
    for (size_t i = 0; i < oracle.size(); ++i) {
      // Integer data: the oracle's sums are exact integers.
      ASSERT_EQ(oracle[i], std::nearbyint(oracle[i])) << "exact case with a non-integer sum";
      const float mine = float(oracle[i]);
      if (std::bit_cast<uint32_t>(mine) == std::bit_cast<uint32_t>(y[i])) continue;
      if (mismatches++ < kShown)
        first << "\n  at " << position(int64_t(i), out) << ": torch " << describe(y[i])
              << ", oracle " << describe(mine);
    }
    EXPECT_EQ(mismatches, 0) << mismatches << " of " << oracle.size()
                             << " elements differ bitwise from PyTorch's float32:" << first.str();
    return;
  }

  // Against PyTorch's float32: the rigorous bound of harness/bound.h.
  const float* bias_data = has_bias ? b.data() : nullptr;
  const std::vector<double> bound32 = convt::error_bounds(p, x.data(), w.data(), bias_data).bound;
  // Against PyTorch's float64 (the same float32 inputs cast to double): both
  // it and the oracle sum the same K terms (the products x*w, exact in double
  // since 24 + 24 significand bits fit in 53 and |x*w| >= 2^-298 cannot
  // underflow; the bias is one more term) in double, in some order, with or
  // without FMA. By Higham 3.1 each result is within gamma_K(2^-53)*S of the
  // exact sum, S = sum of the terms' magnitudes, so the two differ by at most
  //   2*gamma_K(2^-53)*S.
  // error_bounds with MathMode{2^-53} is exactly (gamma_K(2^-53) + gamma_K(2^-53))*S'
  // + K*2^-150 with S' >= S (S rounded up for its own summation error): the
  // bound above plus a negligible slack. It is ~2^29 times tighter than the
  // float32 bound, so it checks the oracle to double precision.
  const std::vector<double> bound64 = convt::error_bounds(p, x.data(), w.data(), bias_data, convt::MathMode{0x1p-53}).bound;
  ASSERT_TRUE(is_file(dir + "y64.npy")) << "a normal case needs y64.npy";
  const convt::NpyArray y64_npy = read("y64.npy");
  ASSERT_FALSE(HasFailure());
  ASSERT_EQ(y64_npy.dtype, convt::DType::float64);
  ASSERT_EQ(y64_npy.shape, y_npy.shape);
  const std::vector<double>& y64 = y64_npy.values;

  int64_t over32 = 0, over64 = 0;
  double worst32 = 0, worst64 = 0;  // largest |difference| / bound
  std::ostringstream first32, first64;
  for (size_t i = 0; i < oracle.size(); ++i) {
    const double d32 = std::fabs(double(y[i]) - oracle[i]);
    const double d64 = std::fabs(y64[i] - oracle[i]);
    worst32 = std::max(worst32, d32 / bound32[i]);
    worst64 = std::max(worst64, d64 / bound64[i]);
    if (!(d32 <= bound32[i]) && over32++ < kShown)
      first32 << "\n  at " << position(int64_t(i), out) << ": torch " << std::setprecision(9) << y[i]
              << ", oracle " << std::setprecision(17) << oracle[i] << ", |diff| " << d32
              << " > bound " << bound32[i];
    if (!(d64 <= bound64[i]) && over64++ < kShown)
      first64 << "\n  at " << position(int64_t(i), out) << ": torch " << std::setprecision(17)
              << y64[i] << ", oracle " << oracle[i] << ", |diff| " << d64 << " > bound " << bound64[i];
  }
  EXPECT_EQ(over32, 0) << over32 << " of " << oracle.size()
                       << " elements outside the float32 bound:" << first32.str();
  EXPECT_EQ(over64, 0) << over64 << " of " << oracle.size()
                       << " elements outside the float64 bound:" << first64.str();
  RecordProperty("worst_f32_diff_over_bound", std::to_string(worst32));
  RecordProperty("worst_f64_diff_over_bound", std::to_string(worst64));
}

INSTANTIATE_TEST_SUITE_P(PyTorch, GoldenCase, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& tested) { return tested.param; });
// An unreadable index instantiates nothing; GoldenIndex.* then fail.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenCase);

TEST(GoldenIndex, HasAtLeast40CasesHalfExact) {
  const json& index = case_index();
  ASSERT_TRUE(index.is_object() && index.contains("cases"))
      << kGoldenDir << "/cases.json is missing or malformed";
  const json& cases = index["cases"];
  int exact = 0, normal = 0;
  std::set<std::string> names;
  for (const json& c : cases) {
    const std::string data = c.value("data", "");
    exact += data == "exact";
    normal += data == "normal";
    EXPECT_TRUE(names.insert(c.value("name", "")).second) << "duplicate case " << c.value("name", "");
    EXPECT_FALSE(c.value("torch_version", "").empty()) << c.value("name", "") << ": no torch_version";
  }
  EXPECT_GE(cases.size(), 40u);
  EXPECT_EQ(exact + normal, int(cases.size())) << "every case is exact or normal";
  EXPECT_EQ(exact, normal) << "half the cases are exact";
  std::cout << "golden cases: " << cases.size() << " (" << exact << " exact, " << normal
            << " normal), torch " << index.value("torch_version", "?") << '\n';
}

TEST(GoldenIndex, EveryCaseDirectoryIsIndexed) {
  const std::vector<std::string> listed = case_names();
  const std::set<std::string> indexed(listed.begin(), listed.end());
  ASSERT_FALSE(indexed.empty());
  std::set<std::string> on_disk;
  for (const auto& d : std::filesystem::directory_iterator(kGoldenDir + "/cases"))
    if (d.is_directory()) on_disk.insert(d.path().filename().string());
  EXPECT_EQ(on_disk, indexed) << "cases/ and cases.json disagree; rerun generate.py";
}

}  // namespace
