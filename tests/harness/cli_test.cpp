// Tests of the convt command line, run as a program (CONVT_BINARY): help and
// version, `convt list`, `convt run` with generated data and with the user's
// .npy arrays, which backends `convt check` judges, and every bad input,
// which must exit 2 with exactly one line on stderr that names the problem.
// Outputs are checked against the oracle.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/data.h"
#include "harness/npy.h"
#include "reference/descriptor.h"
#include "reference/oracle.h"
#include "tests/expect_contains.h"
#include "tests/problem_text.h"
#include "cli_fixture.h"

namespace convt::testing {
namespace {

std::vector<float> iota(size_t n, float scale = 0.25f) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = float(int(i % 13) - 6) * scale;
  return v;
}

NpyArray read_ok(const std::string& p) {
  Result<NpyArray> a = read_npy(p);
  EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message);
  return a.ok() ? *a : NpyArray{};
}


// ---------------------------------------------------------------------------
// Help, version, list

TEST_F(Cli, Help) {
  const Outcome r = convt({"--help"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "Usage");
  EXPECT_CONTAINS(r.out, "run");
  EXPECT_CONTAINS(r.out, "list");
  EXPECT_EQ(r.err, "");
  const Outcome run_help = convt({"run", "--help"});
  EXPECT_EQ(run_help.code, 0) << run_help.err;
  EXPECT_CONTAINS(run_help.out, "--problem");
  EXPECT_CONTAINS(run_help.out, "--input");
  EXPECT_CONTAINS(run_help.out, "--output-dtype");
}

TEST_F(Cli, Version) {
  const Outcome r = convt({"--version"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("convt ", 0), 0u) << r.out;
  EXPECT_EQ(lines(r.out), 1u) << r.out;
  ASSERT_GT(r.out.size(), 6u);
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(r.out[6]))) << r.out;
}

TEST_F(Cli, ListShowsTheReferenceAvailable) {
  const Outcome r = convt({"list"});
  EXPECT_EQ(r.code, 0) << r.err;
  std::istringstream lines_in(r.out);
  std::string line;
  bool found = false;
  while (std::getline(lines_in, line)) {
    std::istringstream words(line);
    std::string name, device, state;
    words >> name >> device >> state;
    if (name != "reference") continue;
    found = true;
    EXPECT_EQ(device, "cpu") << line;
    EXPECT_EQ(state, "available") << line;
  }
  EXPECT_TRUE(found) << r.out;
}

// ---------------------------------------------------------------------------
// convt run with generated data

TEST_F(Cli, RunPrintsTheCanonicalDescriptor) {
  const Outcome r = convt({"run", "--problem", "mb2ic8ih5oc12kh3sh2"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_CONTAINS(r.out, "problem   mb2ic8ih5iw5oc12kh3kw3sh2sw2ph0pw0oph0opw0dh1dw1g1\n");
  EXPECT_CONTAINS(r.out, "backend   reference\n");
  EXPECT_CONTAINS(r.out, "data      normal data, seed 1\n");
  EXPECT_CONTAINS(r.out, "input     [2, 8, 5, 5]\n");
  EXPECT_CONTAINS(r.out, "output    [2, 12, 11, 11], 2904 elements\n");
}

TEST_F(Cli, RunWritesTheOraclesOutput) {
  const std::string desc = "mb2ic6ih4iw3oc4kh3kw2sh2ph1oph1dw2g2";
  const Outcome r = convt({"run", "--problem", desc, "--data", "exact", "--seed", "9", "--output", path("y.npy")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "data      exact data, seed 9\n");
  const Problem p = problem(desc);
  const Tensors t = make_tensors(p, DataMode::exact, 9);
  const std::vector<double> y = conv_transpose2d_oracle(p, t.x.data(), t.w.data(), t.bias.data());
  const NpyArray a = read_ok(path("y.npy"));
  EXPECT_EQ(a.dtype, DType::float32);
  const auto shape = p.output_shape();
  EXPECT_EQ(a.shape, std::vector<int64_t>(shape.begin(), shape.end()));
  ASSERT_EQ(a.values.size(), y.size());
  for (size_t i = 0; i < y.size(); ++i) ASSERT_EQ(float(a.values[i]), float(y[i])) << i;
}

TEST_F(Cli, RunWithAnEmptyBatch) {
  const Outcome r = convt({"run", "--problem", "mb0ic4ih3oc4kh3", "--output", path("y.npy")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "output    [0, 4, 5, 5], 0 elements\n");
  EXPECT_EQ(read_ok(path("y.npy")).shape, (std::vector<int64_t>{0, 4, 5, 5}));
}

TEST_F(Cli, OutputDtypeFloat64WritesTheOraclesDoubles) {
  const std::string desc = "ic3ih4oc2kh3sh2";
  ASSERT_EQ(convt({"run", "--problem", desc, "--output", path("y64.npy"), "--output-dtype", "float64"}).code, 0);
  ASSERT_EQ(convt({"run", "--problem", desc, "--output", path("y32.npy")}).code, 0);
  const std::string bytes = read_file(path("y64.npy"));
  EXPECT_CONTAINS(bytes.substr(0, 128), "'descr': '<f8'");
  EXPECT_CONTAINS(read_file(path("y32.npy")).substr(0, 128), "'descr': '<f4'");
  const Problem p = problem(desc);
  const Tensors t = make_tensors(p, DataMode::normal, 1);
  const std::vector<double> y = conv_transpose2d_oracle(p, t.x.data(), t.w.data(), t.bias.data());
  const NpyArray y64 = read_ok(path("y64.npy")), y32 = read_ok(path("y32.npy"));
  EXPECT_EQ(y64.dtype, DType::float64);
  ASSERT_EQ(y64.values.size(), y.size());
  ASSERT_EQ(y32.values.size(), y.size());
  size_t not_float = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    ASSERT_EQ(y64.values[i], y[i]) << i;
    ASSERT_EQ(y32.values[i], double(float(y[i]))) << i;
    not_float += double(float(y[i])) != y[i];
  }
  EXPECT_GT(not_float, 0u) << "the float64 output should carry more than float32 precision";
}

TEST_F(Cli, OutputDtypeFloat64NeedsTheReferenceBackend) {
  // Only meaningful once a second backend is available.
  const std::vector<std::string> backends = available_backends();
  const auto other =
      std::find_if(backends.begin(), backends.end(), [](const std::string& b) { return b != "reference"; });
  if (other == backends.end()) GTEST_SKIP() << "no backend other than reference is available";
  expect_bad_input({"run", "--problem", "ic3ih4oc2kh3", "--backend", *other, "--output-dtype", "float64"},
                   "--output-dtype float64 needs --backend reference");
}

// Exact data make every partial sum an integer below 2^24: every correct
// float32 backend, in whatever order it sums, writes the oracle's bytes.
TEST_F(Cli, EveryAvailableBackendReproducesTheOracleOnExactData) {
  const std::vector<std::string> backends = available_backends();
  ASSERT_FALSE(backends.empty());
  EXPECT_EQ(backends.front(), "reference");
  for (const char* desc : {"mb2ic6ih4iw3oc4kh3kw2sh2ph1oph1dw2g2", "mb3ic4ih5oc4kh3sh2dh2g4nobias"}) {
    const Outcome ref = convt({"run", "--problem", desc, "--data", "exact", "--output", path("reference.npy")});
    ASSERT_EQ(ref.code, 0) << ref.err;
    const std::string expected = read_file(path("reference.npy"));
    for (const std::string& backend : backends) {
      SCOPED_TRACE(std::string(desc) + " on " + backend);
      const Outcome r = convt({"run", "--problem", desc, "--data", "exact", "--backend", backend, "--output",
                               path(backend + ".npy")});
      ASSERT_EQ(r.code, 0) << r.err;
      // "backend   NAME", then what it chose for the problem, if anything.
      EXPECT_TRUE(r.out.find("backend   " + backend + "\n") != std::string::npos ||
                  r.out.find("backend   " + backend + " (") != std::string::npos)
          << r.out;
      EXPECT_TRUE(read_file(path(backend + ".npy")) == expected) << backend << " differs from the oracle";
    }
  }
}

// ---------------------------------------------------------------------------
// convt run with the user's arrays

TEST_F(Cli, SavedInputsReproduceTheOutputByteForByte) {
  const Outcome first = convt({"run", "--problem", "mb2ic4ih5iw3oc6kh3kw2sh2ph1oph1g2", "--seed", "77", "--save-inputs",
                           path("in"), "--output", path("y.npy")});
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(read_ok(path("in/x.npy")).shape, (std::vector<int64_t>{2, 4, 5, 3}));
  EXPECT_EQ(read_ok(path("in/w.npy")).shape, (std::vector<int64_t>{4, 3, 3, 2}));
  EXPECT_EQ(read_ok(path("in/b.npy")).shape, (std::vector<int64_t>{6}));
  // The arrays give the shapes; the descriptor only the parameters.
  const Outcome second = convt({"run", "--problem", "sh2ph1oph1g2", "--input", path("in/x.npy"), "--weight",
                            path("in/w.npy"), "--bias", path("in/b.npy"), "--output", path("y2.npy")});
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_CONTAINS(second.out, "problem   mb2ic4ih5iw3oc6kh3kw2sh2sw2ph1pw1oph1opw1dh1dw1g2\n");
  const std::string y = read_file(path("y.npy")), y2 = read_file(path("y2.npy"));
  EXPECT_GT(y.size(), 128u);
  EXPECT_TRUE(y == y2) << "y.npy and y2.npy differ";
}

TEST_F(Cli, SavedInputsWithoutBias) {
  ASSERT_EQ(convt({"run", "--problem", "ic3ih4oc5kh2nobias", "--save-inputs", path("in"), "--output", path("y.npy")})
                .code,
            0);
  EXPECT_FALSE(fs::exists(path("in/b.npy")));
  const Outcome second = convt({"run", "--problem", "nobias", "--input", path("in/x.npy"), "--weight", path("in/w.npy"),
                            "--output", path("y2.npy")});
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_CONTAINS(second.out, "nobias\n");
  EXPECT_TRUE(read_file(path("y.npy")) == read_file(path("y2.npy")));
}

TEST_F(Cli, UnbatchedInputGivesUnbatchedOutput) {
  const std::vector<float> x = iota(4 * 3 * 5), w = iota(4 * 2 * 3 * 3, 0.5f);
  const std::string xp = write_float32("x.npy", {4, 3, 5}, x), wp = write_float32("w.npy", {4, 2, 3, 3}, w);
  const Outcome r = convt({"run", "--problem", "sh1", "--input", xp, "--weight", wp, "--output", path("y.npy"),
                       "--save-inputs", path("again")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "input     [4, 3, 5]\n");
  EXPECT_CONTAINS(r.out, "output    [2, 5, 7], 70 elements\n");
  const NpyArray y = read_ok(path("y.npy"));
  EXPECT_EQ(y.shape, (std::vector<int64_t>{2, 5, 7}));
  // The same values as the batched problem of one.
  const Problem p = problem("mb1ic4ih3iw5oc2kh3nobias");
  const std::vector<double> expected = conv_transpose2d_oracle(p, x.data(), w.data(), nullptr);
  ASSERT_EQ(y.values.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) ASSERT_EQ(float(y.values[i]), float(expected[i])) << i;
  // Saved inputs keep the unbatched shape.
  EXPECT_EQ(read_ok(path("again/x.npy")).shape, (std::vector<int64_t>{4, 3, 5}));
}

TEST_F(Cli, ShapeTokensThatAgreeAreAccepted) {
  const std::string xp = write_float32("x.npy", {1, 4, 3, 3}, iota(36));
  const std::string wp = write_float32("w.npy", {4, 2, 3, 3}, iota(72));
  const Outcome r = convt({"run", "--problem", "mb1ic4ih3iw3oc2kh3kw3sh2", "--input", xp, "--weight", wp});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "output    [1, 2, 7, 7]");
}

// ---------------------------------------------------------------------------
// convt check: which backends it judges (one small problem keeps it fast)

const std::vector<std::string> kOneCase = {"--problem", "mb2ic4ih3oc4kh3sh2", "--data", "exact", "--repeat", "1"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The oracle judging itself proves nothing: without --backend or --plugin,
// check judges every other available backend and names them first.
TEST_F(Cli, CheckByDefaultJudgesEveryAvailableBackendButTheOracle) {
  std::vector<std::string> expected = available_backends();
  // Those that run only when named: the oracle's models, GPU kernels on the host.
  std::erase_if(expected, [](const std::string& b) { return b.starts_with("reference") || b.ends_with("@host"); });
  if (expected.empty()) GTEST_SKIP() << "no backend other than reference is available";
  std::string names;
  for (const std::string& b : expected) names += (names.empty() ? "" : ", ") + b;
  const Outcome r = convt(with({"check"}, kOneCase));
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("convt check: backends " + names +
                            " (every available backend but the oracle; --backend reference checks the oracle "
                            "itself)\n",
                        0),
            0u)
      << r.out;
  EXPECT_CONTAINS(r.out, "tests:" + std::to_string(expected.size()) + " passed:" + std::to_string(expected.size()));
  // The report's backends and cases say the same.
  ASSERT_EQ(convt(with({"check", "--report", path("report.json")}, kOneCase)).code, 0);
  const nlohmann::json report = nlohmann::json::parse(read_file(path("report.json")));
  std::vector<std::string> judged, cases;
  for (const auto& b : report.at("conformance").at("backends")) judged.push_back(b.at("name"));
  for (const auto& c : report.at("conformance").at("records")) cases.push_back(c.at("backend"));
  EXPECT_EQ(judged, expected);
  EXPECT_EQ(cases, expected);
}

TEST_F(Cli, CheckNamedBackendsAndPluginsAlone) {
  const Outcome oracle = convt(with({"check", "--backend", "reference"}, kOneCase));
  EXPECT_EQ(oracle.code, 0) << oracle.out << oracle.err;
  EXPECT_EQ(oracle.out.rfind("convt check: backends reference\n", 0), 0u) << oracle.out;
  EXPECT_CONTAINS(oracle.out, "tests:1 passed:1");
  const Outcome plugin = convt(with({"check", "--plugin", EXAMPLE_GATHER_PLUGIN}, kOneCase));
  EXPECT_EQ(plugin.code, 0) << plugin.out << plugin.err;
  EXPECT_EQ(plugin.out.rfind("convt check: backends plugin:", 0), 0u) << plugin.out;
  EXPECT_CONTAINS(plugin.out, std::string(" (") + EXAMPLE_GATHER_PLUGIN + ")\n");
  EXPECT_EQ(plugin.out.find("every available backend"), std::string::npos) << plugin.out;
  EXPECT_CONTAINS(plugin.out, "tests:1 passed:1");
  const Outcome both = convt(with({"check", "--backend", "reference", "--plugin", EXAMPLE_GATHER_PLUGIN}, kOneCase));
  EXPECT_EQ(both.code, 0) << both.out << both.err;
  EXPECT_CONTAINS(both.out, "tests:2 passed:2");
}

TEST_F(Cli, BadBackendLists) {
  for (const char* list : {"reference,,reference", "reference,", ",reference"}) {
    expect_bad_input(with({"check", "--backend", list}, kOneCase), std::string("empty backend name in '") + list);
    expect_bad_input({"bench", "--problem", "ic4ih3oc4kh3", "--backend", list}, "--backend: empty backend name");
  }
  expect_bad_input(with({"check", "--backend", "reference,nosuch"}, kOneCase), "unknown backend 'nosuch'");
  // fuzz takes a list too (cli_options_test), with the same refusals.
  expect_bad_input({"fuzz", "--backend", "reference,,reference"}, "empty backend name in 'reference,,reference'");
  expect_bad_input({"fuzz", "--backend", "reference,nosuch"}, "unknown backend 'nosuch'");
  expect_bad_input({"check", "--data", "exact,"}, "--data: unknown data mode ''");
}

// ---------------------------------------------------------------------------
// Bad input: exit 2, one line on stderr

TEST_F(Cli, UnknownSubcommand) { expect_bad_input({"frobnicate"}, "unknown command 'frobnicate'"); }

TEST_F(Cli, NoSubcommand) { expect_bad_input({}, "subcommand"); }

TEST_F(Cli, UnexpectedArgument) {
  expect_bad_input({"run", "--problem", "ic8ih5oc12kh3", "extra"}, "extra");
  expect_bad_input({"run", "--problem", "ic8ih5oc12kh3", "--frobnicate"}, "--frobnicate");
}

TEST_F(Cli, MissingProblem) { expect_bad_input({"run"}, "--problem is required"); }

TEST_F(Cli, BadDescriptor) {
  expect_bad_input({"run", "--problem", "ic8ih5oc12kh3xx2"},
                   "bad descriptor 'ic8ih5oc12kh3xx2' at position 14: unknown token 'xx'");
  expect_bad_input({"run", "--problem", ""}, "bad descriptor '': it is empty");
  expect_bad_input({"run", "--problem", "ih5oc12kh3"}, "lacks 'ic'");
}

TEST_F(Cli, InvalidProblem) {
  expect_bad_input({"run", "--problem", "ic8ih5oc12kh3sh0"},
                   "--problem 'ic8ih5oc12kh3sh0': non-positive stride is not supported");
  expect_bad_input({"run", "--problem", "ic4ih1iw5oc4kh1ph1pw0"}, "Output size is too small");
  expect_bad_input({"run", "--problem", "ic1ih4611686018427387904iw1oc1kh1"}, "problem too large");
}

TEST_F(Cli, InputWithoutWeight) {
  const std::string xp = write_float32("x.npy", {1, 4, 3, 3}, iota(36));
  expect_bad_input({"run", "--problem", "sh1", "--input", xp}, "--input and --weight go together");
  const std::string wp = write_float32("w.npy", {4, 2, 3, 3}, iota(72));
  expect_bad_input({"run", "--problem", "sh1", "--weight", wp}, "--input and --weight go together");
}

TEST_F(Cli, BiasWithoutArrays) {
  const std::string bp = write_float32("b.npy", {12}, iota(12));
  expect_bad_input({"run", "--problem", "ic8ih5oc12kh3", "--bias", bp}, "--bias needs --input and --weight");
}

TEST_F(Cli, InputWithSeedOrData) {
  const std::string xp = write_float32("x.npy", {1, 4, 3, 3}, iota(36));
  const std::string wp = write_float32("w.npy", {4, 2, 3, 3}, iota(72));
  expect_bad_input({"run", "--problem", "sh1", "--input", xp, "--weight", wp, "--seed", "3"}, "--input excludes --seed");
  expect_bad_input({"run", "--problem", "sh1", "--input", xp, "--weight", wp, "--data", "exact"},
                   "--input excludes --data");
}

TEST_F(Cli, MissingFile) {
  const std::string wp = write_float32("w.npy", {4, 2, 3, 3}, iota(72));
  expect_bad_input({"run", "--problem", "sh1", "--input", path("nope.npy"), "--weight", wp},
                   path("nope.npy") + ": cannot open: No such file or directory");
}

TEST_F(Cli, MalformedNpy) {
  const std::string xp = path("x.npy");
  std::ofstream(xp, std::ios::binary) << "this is not an array";
  const std::string wp = write_float32("w.npy", {4, 2, 3, 3}, iota(72));
  expect_bad_input({"run", "--problem", "sh1", "--input", xp, "--weight", wp}, xp + ": not a NumPy .npy file");
  // A truncated weight.
  const std::string xp2 = write_float32("x2.npy", {1, 4, 3, 3}, iota(36));
  const std::string bytes = read_file(wp);
  std::ofstream(path("w_cut.npy"), std::ios::binary) << bytes.substr(0, bytes.size() - 8);
  expect_bad_input({"run", "--problem", "sh1", "--input", xp2, "--weight", path("w_cut.npy")},
                   path("w_cut.npy") + ": truncated");
}

TEST_F(Cli, Float64Input) {
  const std::vector<double> x(36, 1.0);
  ASSERT_FALSE(write_npy(path("x.npy"), {1, 4, 3, 3}, std::span<const double>(x)).has_value());
  const std::string wp = write_float32("w.npy", {4, 2, 3, 3}, iota(72));
  expect_bad_input({"run", "--problem", "sh1", "--input", path("x.npy"), "--weight", wp},
                   path("x.npy") + ": dtype '<f8' is not supported: the file holds float64, convt's inputs are "
                                   "float32 ('<f4')");
}

TEST_F(Cli, ArraysPyTorchRefuses) {
  const std::string xp = write_float32("x.npy", {1, 4, 3, 3}, iota(36));
  const std::string wp = write_float32("w.npy", {3, 2, 1, 1}, iota(6));
  expect_bad_input({"run", "--problem", "sh1", "--input", xp, "--weight", wp},
                   "input [1, 4, 3, 3], weight [3, 2, 1, 1]: Given transposed=1, weight of size [3, 2, 1, 1], "
                   "expected input[1, 4, 3, 3] to have 3 channels, but got 4 channels instead");
  const std::string w4 = write_float32("w4.npy", {4, 2, 3, 3}, iota(72));
  const std::string bp = write_float32("b.npy", {3}, iota(3));
  expect_bad_input({"run", "--problem", "sh1", "--input", xp, "--weight", w4, "--bias", bp},
                   "expected bias to be 1-dimensional with 2 elements, but got bias of size [3] instead");
  const std::string x2 = write_float32("x2d.npy", {4, 9}, iota(36));
  expect_bad_input({"run", "--problem", "sh1", "--input", x2, "--weight", w4},
                   "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: [4, 9]");
}

TEST_F(Cli, ShapeTokensDisagreeingWithTheArrays) {
  const std::string xp = write_float32("x.npy", {1, 4, 3, 3}, iota(36));
  const std::string wp = write_float32("w.npy", {4, 2, 3, 3}, iota(72));
  expect_bad_input({"run", "--problem", "ic3", "--input", xp, "--weight", wp},
                   "the descriptor says ic3 but the arrays give ic4");
  expect_bad_input({"run", "--problem", "mb2ih3", "--input", xp, "--weight", wp},
                   "the descriptor says mb2 but the arrays give mb1");
  expect_bad_input({"run", "--problem", "oc4", "--input", xp, "--weight", wp},
                   "the descriptor says oc4 but the arrays give oc2");
  expect_bad_input({"run", "--problem", "kw2", "--input", xp, "--weight", wp},
                   "the descriptor says kw2 but the arrays give kw3");
}

TEST_F(Cli, NobiasWithBias) {
  const std::string xp = write_float32("x.npy", {1, 4, 3, 3}, iota(36));
  const std::string wp = write_float32("w.npy", {4, 2, 3, 3}, iota(72));
  const std::string bp = write_float32("b.npy", {2}, iota(2));
  expect_bad_input({"run", "--problem", "nobias", "--input", xp, "--weight", wp, "--bias", bp},
                   "the descriptor says nobias but a bias array was given");
}

TEST_F(Cli, UnknownBackend) {
  expect_bad_input({"run", "--problem", "ic8ih5oc12kh3", "--backend", "nosuch"}, "unknown backend 'nosuch'");
}

TEST_F(Cli, UnknownDataMode) { expect_bad_input({"run", "--problem", "ic8ih5oc12kh3", "--data", "foo"}, "--data"); }

TEST_F(Cli, BadOutputDtype) {
  expect_bad_input({"run", "--problem", "ic8ih5oc12kh3", "--output-dtype", "float16"}, "--output-dtype");
}

TEST_F(Cli, BadSeed) { expect_bad_input({"run", "--problem", "ic8ih5oc12kh3", "--seed", "abc"}, "--seed"); }

TEST_F(Cli, UnwritableOutput) {
  expect_bad_input({"run", "--problem", "ic8ih5oc12kh3", "--output", path("no/such/dir/y.npy")},
                   path("no/such/dir/y.npy") + ": cannot open for writing");
}

// Regression: a directory given as an array made read_npy throw; convt
// reported "internal error" and exited 3, not 2.
TEST_F(Cli, DirectoryAsInputIsBadInput) {
  fs::create_directories(path("x.npy"));
  const std::string wp = write_float32("w.npy", {4, 2, 3, 3}, iota(72));
  expect_bad_input({"run", "--problem", "sh1", "--input", path("x.npy"), "--weight", wp}, path("x.npy"));
}

// Regression: the descriptor error quotes the text and the offending
// character verbatim; a newline in --problem used to put three lines on stderr.
TEST_F(Cli, ControlCharacterInDescriptorStillOneLine) {
  expect_bad_input({"run", "--problem", "ic8\nih5oc12kh3"}, "at position 4: unexpected character '\\x0a'");
}

}  // namespace
}  // namespace convt::testing
