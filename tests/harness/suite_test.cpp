// Unit tests of JSON problem suites (harness/suite.h): the three ways to
// write a problem, the annotations, and every error, each naming the file
// and where in it (line and column for malformed JSON, problems[i] otherwise).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "harness/suite.h"
#include "reference/descriptor.h"
#include "tests/expect_contains.h"
#include "tests/problem_text.h"

namespace convt::testing {
namespace {

namespace fs = std::filesystem;


Suite parse_ok(const std::string& text) {
  Result<Suite> s = parse_suite(text, "suite.json");
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? *s : Suite{};
}

std::string parse_error(const std::string& text) {
  Result<Suite> s = parse_suite(text, "suite.json");
  EXPECT_FALSE(s.ok()) << "accepted: " << text;
  return s.ok() ? std::string() : s.error().message;
}

// A suite of one problem, given as a JSON object.
std::string one(const std::string& object) { return R"({"problems": [)" + object + "]}"; }

// ---------------------------------------------------------------------------
// Accepted suites

TEST(Suite, ThreeWaysToWriteTheSameProblem) {
  const Suite s = parse_ok(R"({
    "name": "three",
    "description": "the same problem, three times",
    "problems": [
      "mb2ic8ih5oc12kh3sh2nobias",
      {"descriptor": "mb2_ic8_ih5_oc12_kh3_sh2_nobias", "name": "as a descriptor", "source": "unit test"},
      {"mb": 2, "ic": 8, "ih": 5, "oc": 12, "kh": 3, "sh": 2, "bias": false,
       "name": "as fields", "source": "DCGAN generator, layer 2"}
    ]})");
  EXPECT_EQ(s.name, "three");
  ASSERT_EQ(s.problems.size(), 3u);
  const Problem expected = problem("mb2ic8ih5oc12kh3sh2nobias");
  for (const SuiteEntry& e : s.problems) EXPECT_EQ(e.problem, expected);
  EXPECT_EQ(s.problems[0].name, "");
  EXPECT_EQ(s.problems[0].source, "");
  EXPECT_EQ(s.problems[1].name, "as a descriptor");
  EXPECT_EQ(s.problems[1].source, "unit test");
  EXPECT_EQ(s.problems[2].name, "as fields");
  EXPECT_EQ(s.problems[2].source, "DCGAN generator, layer 2");
}

TEST(Suite, FieldsTakeTheDescriptorsDefaults) {
  const Suite s = parse_ok(one(R"({"ic": 4, "ih": 6, "oc": 8, "kh": 3, "sh": 2, "ph": 1, "oph": 1, "dh": 2})"));
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].problem, problem("mb1ic4ih6iw6oc8kh3kw3sh2sw2ph1pw1oph1opw1dh2dw2g1"));
  EXPECT_TRUE(s.problems[0].problem.bias);
  EXPECT_EQ(format_descriptor(parse_ok(one(R"({"ic": 4, "ih": 6, "oc": 8, "kh": 3, "bias": true})")).problems[0].problem),
            "mb1ic4ih6iw6oc8kh3kw3sh1sw1ph0pw0oph0opw0dh1dw1g1");
}

TEST(Suite, EveryField) {
  const Suite s = parse_ok(one(R"({"mb": 2, "ic": 8, "ih": 5, "iw": 7, "oc": 12, "kh": 3, "kw": 2, "sh": 2,
      "sw": 1, "ph": 1, "pw": 0, "oph": 1, "opw": 0, "dh": 1, "dw": 2, "g": 4})"));
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(format_descriptor(s.problems[0].problem), "mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4");
}

TEST(Suite, EmptySuiteAndNoName) {
  const Suite s = parse_ok(R"({"problems": []})");
  EXPECT_EQ(s.name, "");
  EXPECT_TRUE(s.problems.empty());
}

TEST(Suite, DataAndSeedAnnotations) {
  const Suite s = parse_ok(R"({"problems": [
      {"descriptor": "ic8ih5oc12kh3", "data": "exact", "seed": 42},
      {"ic": 8, "ih": 5, "oc": 12, "kh": 3, "data": ["special", "normal"], "seed": 18446744073709551615},
      {"ic": 8, "ih": 5, "oc": 12, "kh": 3}]})");
  ASSERT_EQ(s.problems.size(), 3u);
  EXPECT_EQ(s.problems[0].data, std::vector<DataMode>{DataMode::exact});
  EXPECT_EQ(s.problems[0].seed, std::optional<uint64_t>(42));
  EXPECT_EQ(s.problems[1].data, (std::vector<DataMode>{DataMode::special, DataMode::normal}));
  EXPECT_EQ(s.problems[1].seed, std::optional<uint64_t>(18446744073709551615ull));
  EXPECT_TRUE(s.problems[2].data.empty());
  EXPECT_FALSE(s.problems[2].seed.has_value());
}

// ---------------------------------------------------------------------------
// Malformed JSON: file, line and column

TEST(SuiteErrors, MalformedJsonNamesLineAndColumn) {
  // The second comma of line 4 is at column 21.
  const std::string text =
      "{\n"
      "  \"name\": \"s\",\n"
      "  \"problems\": [\n"
      "    \"ic8ih5oc12kh3\",,\n"
      "  ]\n"
      "}\n";
  const std::string m = parse_error(text);
  EXPECT_EQ(m.rfind("suite.json:line 4, column 21: ", 0), 0u) << m;
  EXPECT_CONTAINS(m, "syntax error");
}

TEST(SuiteErrors, MalformedJsonAtTheStartOfALine) {
  const std::string m = parse_error("{\"problems\": [\n\"ic8ih5oc12kh3\",\nx]}");
  EXPECT_EQ(m.rfind("suite.json:line 3, column 1: ", 0), 0u) << m;
}

TEST(SuiteErrors, MalformedJsonOnTheFirstLine) {
  // A single quote is not JSON: column 15.
  const std::string m = parse_error("{\"problems\": ['ic8ih5oc12kh3']}");
  EXPECT_EQ(m.rfind("suite.json:line 1, column 15: ", 0), 0u) << m;
}

TEST(SuiteErrors, TruncatedJson) {
  const std::string m = parse_error("{\"problems\": [\n  \"ic8ih5oc12kh3\"");
  EXPECT_EQ(m.rfind("suite.json:line 2, column ", 0), 0u) << m;
  EXPECT_CONTAINS(m, "unexpected end of input");
}

TEST(SuiteErrors, EmptyText) {
  const std::string m = parse_error("");
  EXPECT_EQ(m.rfind("suite.json:line 1, column 1: ", 0), 0u) << m;
}

// ---------------------------------------------------------------------------
// The document

TEST(SuiteErrors, NotAnObject) {
  EXPECT_EQ(parse_error(R"(["ic8ih5oc12kh3"])"),
            "suite.json: expected a JSON object {\"name\": ..., \"problems\": [...]}");
  EXPECT_CONTAINS(parse_error("42"), "suite.json: expected a JSON object");
}

TEST(SuiteErrors, MissingProblems) {
  EXPECT_EQ(parse_error(R"({"name": "x"})"), "suite.json: expected \"problems\": an array of descriptors or objects");
  EXPECT_EQ(parse_error(R"({"problems": "ic8ih5oc12kh3"})"),
            "suite.json: expected \"problems\": an array of descriptors or objects");
}

TEST(SuiteErrors, UnknownTopLevelKey) {
  EXPECT_EQ(parse_error(R"({"name": "x", "problem": []})"),
            "suite.json: unknown key \"problem\" (expected name, description, problems)");
}

TEST(SuiteErrors, NameNotAString) {
  EXPECT_EQ(parse_error(R"({"name": 3, "problems": []})"), "suite.json: \"name\" must be a string");
}

// ---------------------------------------------------------------------------
// Items

TEST(SuiteErrors, ItemThatIsANumber) {
  EXPECT_EQ(parse_error(R"({"problems": ["ic8ih5oc12kh3", 42]})"),
            "suite.json: problems[1]: expected a descriptor string or an object, not 42");
  EXPECT_EQ(parse_error(R"({"problems": [["ic8ih5oc12kh3"]]})"),
            "suite.json: problems[0]: expected a descriptor string or an object, not [\"ic8ih5oc12kh3\"]");
}

TEST(SuiteErrors, UnknownField) {
  const std::string m = parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "stride": 2})"));
  EXPECT_EQ(m.rfind("suite.json: problems[0]: unknown field \"stride\" (fields: mb ic ih iw oc kh kw sh sw ph pw oph "
                    "opw dh dw g bias",
                    0),
            0u)
      << m;
  // The nobias token is not a field: "bias": false is.
  EXPECT_CONTAINS(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "nobias": true})")),
                  "suite.json: problems[0]: unknown field \"nobias\"");
}

TEST(SuiteErrors, NonIntegerField) {
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5.5, "oc": 12, "kh": 3})")),
            "suite.json: problems[0]: \"ih\" must be an integer, not 5.5");
  EXPECT_EQ(parse_error(one(R"({"ic": "8", "ih": 5, "oc": 12, "kh": 3})")),
            "suite.json: problems[0]: \"ic\" must be an integer, not \"8\"");
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": true})")),
            "suite.json: problems[0]: \"kh\" must be an integer, not true");
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "g": null})")),
            "suite.json: problems[0]: \"g\" must be an integer, not null");
  // 1e2 is a JSON float, even though its value is whole.
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 1e2, "oc": 12, "kh": 3})")),
            "suite.json: problems[0]: \"ih\" must be an integer, not 100.0");
}

TEST(SuiteErrors, BiasNotBoolean) {
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "bias": 0})")),
            "suite.json: problems[0]: \"bias\" must be true or false");
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "bias": "false"})")),
            "suite.json: problems[0]: \"bias\" must be true or false");
}

TEST(SuiteErrors, DescriptorCombinedWithAField) {
  EXPECT_EQ(parse_error(one(R"({"descriptor": "ic8ih5oc12kh3", "sh": 2})")),
            "suite.json: problems[0]: \"sh\" cannot be combined with \"descriptor\"");
  EXPECT_EQ(parse_error(one(R"({"descriptor": "ic8ih5oc12kh3", "bias": false})")),
            "suite.json: problems[0]: \"bias\" cannot be combined with \"descriptor\"");
}

TEST(SuiteErrors, DescriptorNotAString) {
  EXPECT_EQ(parse_error(one(R"({"descriptor": 5})")), "suite.json: problems[0]: \"descriptor\" must be a string");
}

TEST(SuiteErrors, NameOrSourceNotAString) {
  EXPECT_EQ(parse_error(one(R"({"descriptor": "ic8ih5oc12kh3", "name": 1})")),
            "suite.json: problems[0]: \"name\" must be a string");
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "source": ["a"]})")),
            "suite.json: problems[0]: \"source\" must be a string");
}

TEST(SuiteErrors, BadDataOrSeed) {
  EXPECT_CONTAINS(parse_error(one(R"({"descriptor": "ic8ih5oc12kh3", "data": "uniform"})")),
                  "suite.json: problems[0]: \"data\": unknown data mode 'uniform'");
  EXPECT_CONTAINS(parse_error(one(R"({"descriptor": "ic8ih5oc12kh3", "data": ["exact", 3]})")),
                  "suite.json: problems[0]: \"data\": not a string: 3");
  EXPECT_EQ(parse_error(one(R"({"descriptor": "ic8ih5oc12kh3", "seed": -1})")),
            "suite.json: problems[0]: \"seed\" must be a non-negative integer, not -1");
  EXPECT_EQ(parse_error(one(R"({"descriptor": "ic8ih5oc12kh3", "seed": "7"})")),
            "suite.json: problems[0]: \"seed\" must be a non-negative integer, not \"7\"");
}

// ---------------------------------------------------------------------------
// Invalid problems: problems[i] and PyTorch's reason

TEST(SuiteErrors, InvalidDescriptorString) {
  EXPECT_EQ(parse_error(R"({"problems": ["ic8ih5oc12kh3", "ic8ih5oc12kh3sh2oph2"]})"),
            "suite.json: problems[1]: descriptor 'ic8ih5oc12kh3sh2oph2': output padding must be smaller than "
            "either stride or dilation, but got output_padding_height: 2 output_padding_width: 2 stride_height: 2 "
            "stride_width: 2 dilation_height: 1 dilation_width: 1");
  EXPECT_CONTAINS(parse_error(R"({"problems": ["ic8ih5oc12kh3xx1"]})"),
                  "suite.json: problems[0]: bad descriptor 'ic8ih5oc12kh3xx1' at position 14: unknown token 'xx'");
}

TEST(SuiteErrors, InvalidDescriptorInAnObject) {
  EXPECT_EQ(parse_error(R"({"problems": ["ic8ih5oc12kh3", {"descriptor": "ic6ih3oc4kh3g4", "name": "n"}]})"),
            "suite.json: problems[1]: descriptor 'ic6ih3oc4kh3g4': Given groups=4, expected weight to be "
            "divisible by 4 at dimension 0, but got weight of size [6, 1, 3, 3] instead");
}

TEST(SuiteErrors, InvalidFields) {
  EXPECT_EQ(parse_error(R"({"problems": ["ic8ih5oc12kh3", "ic8ih5oc12kh3", {"ic": 8, "ih": 1, "oc": 12, "kh": 1, "ph": 1}]})"),
            "suite.json: problems[2]: Given input size per channel: (1 x 1). Calculated output size per channel: "
            "(-1 x -1). Output size is too small");
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "g": 0})")),
            "suite.json: problems[0]: non-positive groups is not supported");
  EXPECT_EQ(parse_error(one(R"({"ih": 5, "oc": 12, "kh": 3})")),
            "suite.json: problems[0]: descriptor lacks 'ic' (ic, ih, oc and kh have no default)");
}

TEST(SuiteErrors, NegativeValuesInFieldsAreRefusedInPyTorchsWords) {
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "ph": -1})")),
            "suite.json: problems[0]: negative padding is not supported");
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "pw": -2})")),
            "suite.json: problems[0]: negative padding is not supported");
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "opw": -1})")),
            "suite.json: problems[0]: negative output_padding is not supported");
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "sh": -1})")),
            "suite.json: problems[0]: non-positive stride is not supported");
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "g": -4})")),
            "suite.json: problems[0]: non-positive groups is not supported");
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "mb": -1})")),
            "suite.json: problems[0]: input has a negative size: [-1, 8, 5, 5]");
}

// Regression: an integer field in [2^63, 2^64) passes is_number_integer()
// (nlohmann stores it unsigned) and get<int64_t>() used to wrap it to a
// negative value: "ph": 18446744073709551615 was "negative padding".
TEST(SuiteErrors, FieldBeyondInt64IsNotReadAsNegative) {
  const std::string m = parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "ph": 18446744073709551615})"));
  EXPECT_EQ(m, "suite.json: problems[0]: \"ph\" is 18446744073709551615, beyond 64-bit integers");
  // 2^63, the first value beyond int64, would wrap to the most negative one.
  EXPECT_EQ(parse_error(one(R"({"ic": 8, "ih": 5, "oc": 12, "kh": 3, "mb": 9223372036854775808})")),
            "suite.json: problems[0]: \"mb\" is 9223372036854775808, beyond 64-bit integers");
  // The largest int64 is an integer like any other (and then too large a problem).
  EXPECT_CONTAINS(parse_error(one(R"({"ic": 8, "ih": 9223372036854775807, "oc": 12, "kh": 3})")),
                  "suite.json: problems[0]: problem too large");
}

TEST(SuiteErrors, FirstBadProblemIsReported) {
  const std::string m = parse_error(R"({"problems": ["ic8ih5oc12kh3", "ic8ih5oc12kh3sh0", "ic8ih5oc12kh3g0"]})");
  EXPECT_EQ(m, "suite.json: problems[1]: descriptor 'ic8ih5oc12kh3sh0': non-positive stride is not supported");
}

// ---------------------------------------------------------------------------
// Files

class SuiteFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("convt_suite_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  fs::path dir_;
};

TEST_F(SuiteFiles, LoadSuite) {
  const std::string path = write("ok.json", R"({"name": "file", "problems": ["ic8ih5oc12kh3", {"ic": 2, "ih": 3, "oc": 4, "kh": 1}]})");
  Result<Suite> s = load_suite(path);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->name, "file");
  ASSERT_EQ(s->problems.size(), 2u);
  EXPECT_EQ(s->problems[0].problem, problem("ic8ih5oc12kh3"));
  EXPECT_EQ(s->problems[1].problem, problem("ic2ih3oc4kh1"));
}

TEST_F(SuiteFiles, ErrorsNameThePath) {
  const std::string bad_json = write("bad.json", "{\n  \"problems\": [,]\n}\n");
  Result<Suite> s = load_suite(bad_json);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message.rfind(bad_json + ":line 2, column 16: ", 0), 0u) << s.error().message;

  const std::string bad_problem = write("bad_problem.json", R"({"problems": [{"ic": 8, "ih": 5, "oc": 12, "kh": 3, "ph": -1}]})");
  s = load_suite(bad_problem);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, bad_problem + ": problems[0]: negative padding is not supported");
}

TEST_F(SuiteFiles, MissingFile) {
  const std::string path = (dir_ / "missing.json").string();
  Result<Suite> s = load_suite(path);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, path + ": cannot open: No such file or directory");
}

// Regression: a directory used to make load_suite throw instead of
// returning an Error naming the path.
TEST_F(SuiteFiles, LoadSuiteOfADirectoryIsAnError) {
  Result<Suite> s = load_suite(dir_.string());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message.rfind(dir_.string() + ": ", 0), 0u) << s.error().message;
}

TEST(SuiteErrors, EmptyDataList) {
  EXPECT_CONTAINS(parse_error(one(R"({"descriptor": "ic8ih5oc12kh3", "data": []})")),
                  "problems[0]: \"data\" is an empty list");
}

}  // namespace
}  // namespace convt::testing
