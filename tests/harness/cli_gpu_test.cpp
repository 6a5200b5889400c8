// The GPU backends (cuDNN's, convt's CUDA kernels) on a machine without a
// GPU, as a user meets them: `convt list` says why they are unavailable (CUDA's own words); check, fuzz and
// bench report their cases skipped with that reason and exit 0; run fails
// the one case; --save-gpu says it needs a GPU; --tf32 and --deterministic
// are accepted everywhere. Built without cuDNN, naming them is an error that
// says so. On a machine with a GPU these tests skip (tests/harness/gpu_test
// covers it).
#include "cli_fixture.h"

namespace convt::testing {
namespace {

constexpr const char* kProblem = "mb2ic8ih5oc12kh3sh2ph1oph1";

class CliGpu : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    const Outcome list = convt({"list"});
    ASSERT_EQ(list.code, 0) << list.err;
    std::istringstream in(list.out);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("cudnn ", 0) == 0) cudnn_line_ = line;
    ASSERT_FALSE(cudnn_line_.empty()) << list.out;
    if (cudnn_line_.find(" available ") != std::string::npos) GTEST_SKIP() << "this machine has a GPU";
  }
  static bool built_with_cudnn() { return CONVT_TEST_HAVE_CUDNN; }
  static bool built_with_cuda() { return CONVT_TEST_HAVE_CUDA; }
  std::string cudnn_line_;
};

TEST_F(CliGpu, ListSaysWhyTheGpuBackendsAreUnavailable) {
  EXPECT_CONTAINS(cudnn_line_, "unavailable");
  if (built_with_cudnn()) {
    EXPECT_CONTAINS(cudnn_line_, "cudaGetDeviceCount: cudaError");
  } else {
    EXPECT_CONTAINS(cudnn_line_, "built without CUDA");
  }
  const Outcome list = convt({"list"});
  EXPECT_CONTAINS(list.out, "cudnn:<engine>");
}

TEST_F(CliGpu, CheckSkipsEveryCaseWithTheReason) {
  if (!built_with_cudnn()) {
    expect_bad_input({"check", "--backend", "cudnn", "--problem", kProblem}, "backend 'cudnn' is not available");
    return;
  }
  const Outcome r = convt({"check", "--backend", "cudnn,cpu", "--problem", kProblem, "--tf32", "on"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "tests:6 passed:3 failed:0 mistrusted:0 skipped:3");
  EXPECT_CONTAINS(r.out, "3 case(s) of cudnn: no usable CUDA device: cudaGetDeviceCount");
}

TEST_F(CliGpu, EveryEngineIsABackendAndEachIsSkipped) {
  if (!built_with_cudnn()) GTEST_SKIP() << "built without cuDNN";
  const Outcome r = convt({"check", "--backend", "cudnn:*", "--problem", kProblem, "--data", "normal",
                           "--deterministic", "--report", path("report.json")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "cudnn:0, cudnn:1, ");
  // As many backends as the graph has engines (85 in cuDNN 9.19).
  const Outcome engines = convt({"list", "--problem", kProblem, "--gpu", "h100_sxm", "--json"});
  ASSERT_EQ(engines.code, 0) << engines.err;
  size_t count = 0;
  for (size_t at = 0; (at = engines.out.find("\"engine\":", at)) != std::string::npos; ++at) ++count;
  EXPECT_GT(count, 10u);
  std::ostringstream expected;
  expected << '(' << count << " backends): no usable CUDA device";
  EXPECT_CONTAINS(r.out, expected.str());
  EXPECT_CONTAINS(read_file(path("report.json")), "\"verdict\": \"skipped\"");
  expect_bad_input({"check", "--backend", "cudnn:fast", "--problem", kProblem},
                   "backend 'cudnn:fast': expected an engine number");
  expect_bad_input({"check", "--backend", "cudnn:<engine>", "--problem", kProblem}, "expected an engine number");
}

TEST_F(CliGpu, FuzzAndBenchSkipAndExitZero) {
  if (!built_with_cudnn()) GTEST_SKIP() << "built without cuDNN";
  const Outcome fuzz = convt({"fuzz", "--backend", "cudnn", "--cases", "20", "--tf32", "off"});
  EXPECT_EQ(fuzz.code, 0) << fuzz.out << fuzz.err;
  EXPECT_CONTAINS(fuzz.out, "every case skipped");
  EXPECT_CONTAINS(fuzz.out, "no usable CUDA device");
  const Outcome bench = convt({"bench", "--backend", "cudnn", "--problem", kProblem, "--deterministic",
                               "--report", path("bench.json")});
  EXPECT_EQ(bench.code, 0) << bench.out << bench.err;
  EXPECT_CONTAINS(bench.out, "unsupported problem: no usable CUDA device");
  const std::string report = read_file(path("bench.json"));
  EXPECT_CONTAINS(report, "\"gpu\": \"none: no usable CUDA device");
}

TEST_F(CliGpu, RunFailsTheCaseAndSaveGpuNeedsAGpu) {
  if (!built_with_cudnn()) GTEST_SKIP() << "built without cuDNN";
  const Outcome run = convt({"run", "--backend", "cudnn", "--problem", kProblem});
  EXPECT_EQ(run.code, 1) << run.out << run.err;
  EXPECT_CONTAINS(run.err, "no usable CUDA device");
  const Outcome save = convt({"list", "--save-gpu", path("gpu.json")});
  EXPECT_EQ(save.code, 1) << save.out << save.err;
  EXPECT_CONTAINS(save.err, "--save-gpu needs a GPU: no usable CUDA device");
  EXPECT_FALSE(fs::exists(path("gpu.json")));
  expect_bad_input({"list", "--problem", kProblem, "--gpu", "device"}, "--gpu device: no usable CUDA device");
}

// convt's own CUDA kernels behave as the cuDNN backends do without a GPU.
TEST_F(CliGpu, OwnKernelsSkipLikeCudnn) {
  if (!built_with_cuda()) {
    expect_bad_input({"check", "--backend", "cuda", "--problem", kProblem}, "backend 'cuda' is not available");
    return;
  }
  const Outcome list = convt({"list"});
  EXPECT_CONTAINS(list.out, "cuda-direct           cuda  unavailable    no usable CUDA device");
  const Outcome r = convt({"check", "--backend", "cuda,cuda-direct,cpu", "--problem", kProblem, "--tf32", "on"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "tests:9 passed:3 failed:0 mistrusted:0 skipped:6");
  EXPECT_CONTAINS(r.out, "6 case(s) of cuda, cuda-direct (2 backends): no usable CUDA device: cudaGetDeviceCount");
  const Outcome bench = convt({"bench", "--backend", "cuda,cuda-direct", "--problem", kProblem});
  EXPECT_EQ(bench.code, 0) << bench.out << bench.err;
  EXPECT_CONTAINS(bench.out, "unsupported problem: no usable CUDA device");
  const Outcome fuzz = convt({"fuzz", "--backend", "cuda-direct", "--cases", "20"});
  EXPECT_EQ(fuzz.code, 0) << fuzz.out << fuzz.err;
  EXPECT_CONTAINS(fuzz.out, "every case skipped");
  const Outcome run = convt({"run", "--backend", "cuda", "--problem", kProblem});
  EXPECT_EQ(run.code, 1) << run.out << run.err;
  EXPECT_CONTAINS(run.err, "no usable CUDA device");
}

}  // namespace
}  // namespace convt::testing
