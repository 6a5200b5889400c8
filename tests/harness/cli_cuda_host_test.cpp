// convt's CUDA kernels executed on the host (cuda-direct@host, cuda@host),
// as a user runs them on a machine without a GPU: the very code the GPU
// runs passes the default suite in every data mode, TF32 too, and fuzzing;
// they run only when named and `convt bench` refuses to time them.
#include "cli_fixture.h"

namespace convt::testing {
namespace {

using CliCudaHost = Cli;

// The whole default suite in the plain build; under AddressSanitizer, which
// makes host execution some times slower, every fourth problem.
TEST_F(CliCudaHost, PassTheDefaultSuiteInEveryDataMode) {
#ifdef __SANITIZE_ADDRESS__
  const std::vector<std::string> shard = {"--shard", "0/4"};
  const std::string tests = "tests:770 passed:770 failed:0 mistrusted:0 skipped:0";
#else
  const std::vector<std::string> shard;
  const std::string tests = "tests:3050 passed:3050 failed:0 mistrusted:0 skipped:0";
#endif
  std::vector<std::string> args = {"check", "--backend", "cuda-direct@host,cuda@host", "--data",
                                   "exact,normal,special,scaled,mixed", "--repeat", "1"};
  args.insert(args.end(), shard.begin(), shard.end());
  const Outcome r = convt(args);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "problems: 305 from");
  EXPECT_CONTAINS(r.out, tests);
}

TEST_F(CliCudaHost, TensorCoreVariantPassesWithinTheTf32Bound) {
  const Outcome r = convt({"check", "--backend", "cuda@host", "--tf32", "on", "--data", "exact,normal,special",
                           "--repeat", "1", "--shard", "0/3"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "failed:0 mistrusted:0 skipped:0");
}

TEST_F(CliCudaHost, FuzzingFindsNoCounterexample) {
  const Outcome r = convt({"fuzz", "--backend", "cuda@host,cuda-direct@host", "--cases", "60", "--data",
                           "exact,normal,special", "--tf32", "on"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_CONTAINS(r.out, "fuzzed cuda@host: 60 cases");
  EXPECT_CONTAINS(r.out, "fuzzed cuda-direct@host: 60 cases");
  EXPECT_NOT_CONTAINS(r.out, "counterexample (shrunk)");
}

TEST_F(CliCudaHost, RunOnlyWhenNamedAndAreNotTimed) {
  const Outcome list = convt({"list"});
  EXPECT_CONTAINS(list.out, "cuda@host");
  const Outcome check = convt({"check", "--problem", "mb1ic2ih3oc2kh2sh2"});
  EXPECT_EQ(check.code, 0) << check.out << check.err;
  EXPECT_NOT_CONTAINS(check.out, "@host");
  expect_bad_input({"bench", "--backend", "cuda@host", "--problem", "mb1ic2ih3oc2kh2sh2"},
                   "'cuda@host' executes the GPU kernel on the host to check it; it is not timed");
}

}  // namespace
}  // namespace convt::testing
