// The GPU backends on a GPU (CTest label `gpu`): `cudnn` and convt's own
// kernels match the oracle on problems with every parameter; every engine of `cudnn:*` passes or is
// skipped in the mode its notes declare, TF32 on and off; device timing is
// reported; a case isolated in a worker process runs on the GPU (CUDA is
// first touched in the worker); this GPU's saved properties plan engines.
// Without a GPU it exits with CTest's skip code, 77, and the reason.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "harness/backend.h"
#include "harness/check_case.h"
#include "harness/data.h"
#include "optimized/cudnn/deviceless_plan.h"
#include "optimized/cudnn/dgrad.h"
#include "optimized/device/availability.h"
#include "reference/descriptor.h"
#include "tests/expect_contains.h"

namespace convt {
namespace {

Problem problem(const std::string& descriptor) {
  Result<Problem> p = parse_problem(descriptor);
  EXPECT_TRUE(p.ok()) << descriptor;
  return p.ok() ? *p : Problem{};
}

// Bias, groups, dilation, non-square, output_padding, N = 0, no bias.
const char* const kProblems[] = {
    "mb2ic8ih5oc12kh3sh2ph1oph1",         "mb1ic16ih7iw5oc8kh4kw3sh2sw1ph1pw0",
    "mb2g4ic8ih6oc12kh3sh2dh2ph2",        "mb3ic4ih9oc4kh5sh3ph2oph2dh2",
    "mb1ic64ih8oc32kh4sh2ph1",            "mb0ic4ih4oc4kh3sh2ph1",
    "mb2g8ic8ih5oc8kh3sh1ph1_nobias",     "mb1ic3ih17iw9oc5kh2kw4sh2sw3",
};

CaseSpec spec(const std::string& d, DataMode mode) { return CaseSpec{problem(d), mode, 7, 2}; }

TEST(GpuCudnn, MatchesTheOracleWithEveryParameter) {
  for (bool tf32 : {false, true}) {
    Result<NamedBackend> b = make_backend("cudnn", BackendOptions{.allow_tf32 = tf32});
    ASSERT_TRUE(b.ok()) << b.error().message;
    for (const char* d : kProblems)
      for (DataMode mode : {DataMode::exact, DataMode::normal, DataMode::special}) {
        SCOPED_TRACE(std::string(d) + (tf32 ? " tf32 on" : " tf32 off"));
        const CaseResult r = run_case(*b->backend, spec(d, mode));
        EXPECT_NE(r.verdict, Verdict::failed) << r.reason;
        if (r.verdict == Verdict::passed && mode == DataMode::normal) {
          const std::optional<DeviceTiming> t = b->backend->last_device_timing();
          ASSERT_TRUE(t.has_value());
          EXPECT_GE(t->device_seconds, 0);
          EXPECT_GT(t->copy_seconds, 0);
        }
      }
  }
}

// convt's own kernels on the device: they pass where their host execution
// (the same code, cuda@host) passes, and give the same bits from run to run.
// (Device and host bits may differ: nvcc contracts a * b + c into fused
// multiply-adds, the host compiler need not.)
TEST(GpuCudaKernels, MatchTheOracleAndTheirHostExecution) {
  for (const char* name : {"cuda-direct", "cuda"})
    for (bool tf32 : {false, true}) {
      Result<NamedBackend> device = make_backend(name, BackendOptions{.allow_tf32 = tf32});
      Result<NamedBackend> host = make_backend(std::string(name) + "@host", BackendOptions{.allow_tf32 = tf32});
      ASSERT_TRUE(device.ok() && host.ok());
      for (const char* d : kProblems)
        for (DataMode mode : {DataMode::exact, DataMode::normal, DataMode::special}) {
          SCOPED_TRACE(std::string(name) + " " + d + (tf32 ? " tf32 on" : " tf32 off"));
          EXPECT_EQ(run_case(*host->backend, spec(d, mode)).verdict, Verdict::passed);
          const CaseResult r = run_case(*device->backend, spec(d, mode));
          EXPECT_EQ(r.verdict, Verdict::passed) << r.reason;
          if (mode != DataMode::normal) continue;
          const Problem p = problem(d);
          const Tensors t = make_tensors(p, mode, 7);
          const float* bias = p.bias ? t.bias.data() : nullptr;
          std::vector<float> first(size_t(p.output_elements())), again(first.size());
          ASSERT_FALSE(run_once(*device->backend, p, t.x.data(), t.w.data(), bias, first.data()));
          ASSERT_FALSE(device->backend->run(t.x.data(), again.data()));
          EXPECT_EQ(0, std::memcmp(first.data(), again.data(), first.size() * sizeof(float)));
        }
    }
}

TEST(GpuCudnn, EveryEngineInTheModeItsNotesDeclare) {
  Result<int64_t> engines = cudnn::dgrad_engine_count();
  ASSERT_TRUE(engines.ok()) << engines.error().message;
  for (bool tf32 : {false, true}) {
    Result<std::vector<NamedBackend>> all =
        make_backends("cudnn:*", {}, BackendOptions{.allow_tf32 = tf32});
    ASSERT_TRUE(all.ok()) << all.error().message;
    ASSERT_EQ(int64_t(all->size()), *engines);
    int passed = 0;
    for (NamedBackend& b : all.value()) {
      SCOPED_TRACE(b.name + (tf32 ? " tf32 on" : " tf32 off"));
      const CaseResult r = run_case(*b.backend, spec("mb2g2ic8ih6oc12kh3sh2ph1oph1", DataMode::normal));
      EXPECT_NE(r.verdict, Verdict::failed) << r.reason;
      passed += r.verdict == Verdict::passed;
      if (!tf32 && r.verdict == Verdict::passed) {
        EXPECT_EQ(b.backend->math().input_roundoff, 0.0) << "TF32 off judges by the float32 bound";
      }
    }
    EXPECT_GT(passed, 0);
  }
}

TEST(GpuCudnn, AnIsolatedCaseRunsOnTheGpu) {
  const std::string command = std::string(CONVT_BINARY) +
                              " check --backend cudnn --isolate on --problem mb2ic8ih5oc12kh3sh2ph1oph1 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  EXPECT_EQ(pclose(pipe), 0) << out;
  EXPECT_CONTAINS(out, "tests:3 passed:3");
}

TEST(GpuCudnn, ThisGpusPropertiesPlanWithoutIt) {
  Result<std::string> props = cudnn::this_gpu_properties();
  ASSERT_TRUE(props.ok()) << props.error().message;
  Result<std::vector<cudnn::EngineInfo>> r =
      cudnn::list_engines(problem("mb2ic8ih5oc12kh3sh2ph1oph1"), *props, cudnn::EngineFilter{true, false});
  ASSERT_TRUE(r.ok()) << r.error().message;
  bool kept = false;
  for (const cudnn::EngineInfo& e : *r) kept |= e.kept;
  EXPECT_TRUE(kept);
}

}  // namespace
}  // namespace convt

int main(int argc, char** argv) {
  const convt::device::Availability& a = convt::device::availability();
  if (!a.device) {
    std::cout << "skipped: no GPU: " << a.reason << '\n';
    return 77;  // CTest's SKIP_RETURN_CODE
  }
  std::cout << "GPU: " << a.device->name << '\n';
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
