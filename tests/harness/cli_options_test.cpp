// Tests of the convt command line, run as a program (CONVT_BINARY), on the
// options every command shares and their newer uses: `run --expect` (an
// output computed elsewhere, judged against the oracle), `--plugin` on run
// and bench, `run --data special`, a list for `fuzz --backend`, benchdnn's
// batch files (--benchdnn on check, bench and fuzz), and the hint that
// benchdnn counts dilation from 0.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "harness/npy.h"
#include "tests/expect_contains.h"
#include "tests/harness/cli_fixture.h"

#if !defined(EXAMPLE_GATHER_PLUGIN) || !defined(FIXTURE_TF32_TRUNC) || !defined(FIXTURES)
#error "EXAMPLE_GATHER_PLUGIN, FIXTURE_TF32_TRUNC and FIXTURES must be defined"
#endif

namespace convt::testing {
namespace {

constexpr const char* kProblem = "mb2ic8ih5oc12kh3sh2ph1oph1";  // output [2, 12, 10, 10]

class CliOptions : public Cli {
 protected:
  // Runs `convt run --problem kProblem ... --output NAME`; returns the path.
  std::string output_of(const std::string& name, std::vector<std::string> args) {
    args.insert(args.begin(), {"run", "--problem", kProblem});
    args.insert(args.end(), {"--output", path(name)});
    const Outcome r = convt(args);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    return path(name);
  }

  // The file's float32 values, one changed by `delta` at `index`, as another file.
  std::string perturbed(const std::string& from, const std::string& name, size_t index, float delta) {
    Result<NpyArray> a = read_npy(from);
    EXPECT_TRUE(a.ok());
    if (!a.ok()) return "";
    std::vector<float> v(a->values.begin(), a->values.end());
    v[index] += delta;
    return write_float32(name, a->shape, v);
  }
};

// ---------------------------------------------------------------------------
// run --expect

TEST_F(CliOptions, ExpectPassesACorrectOutputAndPrintsTheLargestRatio) {
  const std::string y = output_of("y.npy", {"--data", "normal", "--seed", "7", "--backend", "cpu"});
  const Outcome r = convt({"run", "--problem", kProblem, "--data", "normal", "--seed", "7", "--expect", y});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "verdict   passed");
  EXPECT_CONTAINS(r.out, "within the rigorous bound of float32");
  EXPECT_CONTAINS(r.out, "largest error/bound ");
}

TEST_F(CliOptions, ExpectFailsAWrongOutputWithTheMismatchReport) {
  const std::string y = output_of("y.npy", {"--data", "normal", "--seed", "7"});
  const std::string bad = perturbed(y, "bad.npy", 2 * 10 * 10 + 3 * 10 + 4, 1e-3f);  // (n 0, c 2, h 3, w 4)
  const Outcome r = convt({"run", "--problem", kProblem, "--data", "normal", "--seed", "7", "--expect", bad});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "verdict   failed: 1 of 2400 elements violate the error bound");
  EXPECT_CONTAINS(r.out, "at (n 0, c 2, h 3, w 4): expected ");
  EXPECT_CONTAINS(r.out, ", bound ");
  // On exact data the judgement is bitwise.
  const std::string exact = output_of("exact.npy", {"--data", "exact"});
  EXPECT_EQ(convt({"run", "--problem", kProblem, "--data", "exact", "--expect", exact}).code, 0);
  const Outcome e = convt({"run", "--problem", kProblem, "--data", "exact", "--expect",
                           perturbed(exact, "exact_bad.npy", 0, 1.0f)});
  EXPECT_EQ(e.code, 1) << e.out << e.err;
  EXPECT_CONTAINS(e.out, "1 of 2400 elements differ from the oracle");
}

TEST_F(CliOptions, ExpectJudgesAnOutputOfTheUsersArrays) {
  const std::string y = output_of("y.npy", {"--data", "normal", "--seed", "3", "--save-inputs", path("in")});
  const Outcome r = convt({"run", "--problem", "sh2ph1oph1", "--input", path("in/x.npy"), "--weight",
                           path("in/w.npy"), "--bias", path("in/b.npy"), "--expect", y});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "verdict   passed");
  // Without the bias the same output is wrong.
  const Outcome no_bias = convt({"run", "--problem", "sh2ph1oph1", "--input", path("in/x.npy"), "--weight",
                                 path("in/w.npy"), "--expect", y});
  EXPECT_EQ(no_bias.code, 1) << no_bias.out << no_bias.err;
}

TEST_F(CliOptions, ExpectOfAnotherShapeIsBadInput) {
  const std::string y = write_float32("y.npy", {1, 12, 10, 10}, std::vector<float>(1200, 0.0f));
  expect_bad_input({"run", "--problem", kProblem, "--expect", y},
                   "--expect " + y + ": its shape is [1, 12, 10, 10], the output of ");
  expect_bad_input({"run", "--problem", kProblem, "--expect", y, "--backend", "cpu"}, "excludes");
  expect_bad_input({"run", "--problem", kProblem, "--tf32", "yes"}, "--tf32: yes not in {on,off}");
}

// A TF32 kernel's output: within the TF32 bound, not within float32's.
TEST_F(CliOptions, Tf32OutputPassesOnlyTheTf32Bound) {
  const std::string y = output_of("tf32.npy", {"--data", "normal", "--plugin", FIXTURE_TF32_TRUNC});
  const Outcome strict = convt({"run", "--problem", kProblem, "--data", "normal", "--expect", y});
  EXPECT_EQ(strict.code, 1) << strict.out << strict.err;
  EXPECT_CONTAINS(strict.out, "violate the error bound");
  const Outcome tf32 = convt({"run", "--problem", kProblem, "--data", "normal", "--expect", y, "--tf32", "on"});
  EXPECT_EQ(tf32.code, 0) << tf32.out << tf32.err;
  EXPECT_CONTAINS(tf32.out, "TF32 inputs (truncated: 2^-10)");
}

// ---------------------------------------------------------------------------
// --plugin on run and bench, run --data special, fuzz --backend a,b

TEST_F(CliOptions, RunThroughAPlugin) {
  const Outcome r = convt({"run", "--problem", kProblem, "--data", "exact", "--plugin", EXAMPLE_GATHER_PLUGIN,
                           "--output", path("y.npy")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "backend   plugin:example-gather");
  EXPECT_EQ(convt({"run", "--problem", kProblem, "--data", "exact", "--expect", path("y.npy")}).code, 0);
  expect_bad_input({"run", "--problem", kProblem, "--plugin", EXAMPLE_GATHER_PLUGIN, "--backend", "cpu"},
                   "excludes");
  expect_bad_input({"run", "--problem", kProblem, "--plugin", EXAMPLE_GATHER_PLUGIN, "--output-dtype", "float64"},
                   "--output-dtype float64 needs --backend reference");
}

TEST_F(CliOptions, RunWithSpecialData) {
  const Outcome r = convt({"run", "--problem", kProblem, "--data", "special", "--output", path("y.npy")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "data      special data, seed 1");
  Result<NpyArray> y = read_npy(path("y.npy"));
  ASSERT_TRUE(y.ok());
  EXPECT_TRUE(std::any_of(y->values.begin(), y->values.end(), [](double v) { return !std::isfinite(v); }))
      << "special data puts NaN and Inf into the output";
  EXPECT_EQ(convt({"run", "--problem", kProblem, "--data", "special", "--expect", path("y.npy")}).code, 0);
}

TEST_F(CliOptions, BenchThroughAPlugin) {
  const Outcome r = convt({"bench", "--problem", "ic2ih3oc2kh2", "--plugin", EXAMPLE_GATHER_PLUGIN, "--threads", "1",
                           "--benchmark_min_time=0.001", "--report", path("b.json")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "plugin:example-gather/mb1ic2ih3iw3oc2kh2kw2sh1sw1ph0pw0oph0opw0dh1dw1g1");
  EXPECT_CONTAINS(read_file(path("b.json")), EXAMPLE_GATHER_PLUGIN);
}

TEST_F(CliOptions, FuzzTakesAListOfBackends) {
  const Outcome r = convt({"fuzz", "--backend", "reference", "--plugin", EXAMPLE_GATHER_PLUGIN, "--cases", "20",
                           "--data", "exact"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "fuzzed reference: 20 cases");
  EXPECT_CONTAINS(r.out, "fuzzed plugin:example-gather: 20 cases");
  const Outcome twice = convt({"fuzz", "--backend", "reference,reference", "--cases", "10"});
  EXPECT_EQ(twice.code, 0) << twice.out << twice.err;
  const size_t first = twice.out.find("fuzzed reference:");
  ASSERT_NE(first, std::string::npos) << twice.out;
  EXPECT_NE(twice.out.find("fuzzed reference:", first + 1), std::string::npos) << twice.out;
  expect_bad_input({"fuzz", "--backend", "reference,reference", "--save", path("one.json")},
                   "one file holds one counterexample");
}

// ---------------------------------------------------------------------------
// benchdnn's batch files

TEST_F(CliOptions, CheckReadsBenchdnnFilesAndListsWhatItSkips) {
  const Outcome r = convt({"check", "--benchdnn", FIXTURES "/benchdnn_main.txt", "--backend", "reference", "--data",
                           "exact", "--repeat", "1"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "benchdnn_main.txt: 4 problems, 8 skipped");
  EXPECT_CONTAINS(r.out, "benchdnn_shapes.txt:5 --dir=FWD_B --mb=2 ic4ih5oc4oh8kh3sh2ph1n\"negative right padding\": "
                         "PyTorch cannot express oh8");
  EXPECT_CONTAINS(r.out, "tests:4 passed:4 failed:0");
}

TEST_F(CliOptions, BenchAndFuzzReadBenchdnnFiles) {
  const Outcome bench = convt({"bench", "--benchdnn", FIXTURES "/benchdnn_main.txt", "--backend", "reference",
                               "--benchmark_list_tests=true"});
  EXPECT_EQ(bench.code, 0) << bench.out << bench.err;
  EXPECT_CONTAINS(bench.out, "reference/mb2ic16ih7iw7oc32kh3kw3sh2sw2ph1pw1oph1opw1dh1dw1g1");
  EXPECT_CONTAINS(bench.err, "benchdnn_main.txt: 4 problems, 8 skipped");
  const Outcome fuzz = convt({"fuzz", "--benchdnn", FIXTURES "/benchdnn_main.txt", "--cases", "10", "--data", "exact"});
  EXPECT_EQ(fuzz.code, 0) << fuzz.out << fuzz.err;
  EXPECT_CONTAINS(fuzz.out, "no counterexample");
}

TEST_F(CliOptions, MalformedBenchdnnFileIsBadInput) {
  std::ofstream(path("bad.txt")) << "# ok\nic4ih5oc4kh3xx2\n";
  expect_bad_input({"check", "--benchdnn", path("bad.txt")},
                   "--benchdnn: " + path("bad.txt") + ":2: bad benchdnn problem 'ic4ih5oc4kh3xx2' at position 13");
}

TEST_F(CliOptions, BenchdnnsDilationInADescriptorGetsAHint) {
  expect_bad_input({"run", "--problem", "ic4ih3oc4kh3dh0"}, "benchdnn counts from 0, so its dh0 is convt's dh1");
  expect_bad_input({"check", "--problem", "ic4ih3oc4kh3dw0"}, "dw0 is no dilation");
}

}  // namespace
}  // namespace convt::testing
