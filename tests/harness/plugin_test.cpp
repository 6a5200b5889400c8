// Loading plugins: every way a library can be wrong is an error value that
// names the library; a working one runs through run_case like any backend,
// judged by the bound of the math mode it declares (ABI version 2).
#include <gtest/gtest.h>

#include "harness/check_case.h"
#include "harness/plugin.h"
#include "reference/descriptor.h"

namespace convt {
namespace {

std::string load_error(const std::string& path) {
  Result<NamedBackend> b = load_plugin(path);
  EXPECT_FALSE(b.ok()) << path;
  return b.ok() ? "" : b.error().message;
}

TEST(Plugin, RefusesWhatIsNotAPlugin) {
  EXPECT_NE(load_error("/nonexistent/p.so").find("plugin /nonexistent/p.so: cannot load"), std::string::npos);
  EXPECT_NE(load_error("libm.so.6").find("does not export convt_plugin_abi_version"), std::string::npos);
  EXPECT_NE(load_error(FIXTURE_NO_CONV).find("does not export convt_plugin_conv_transpose2d"), std::string::npos);
  EXPECT_NE(load_error(FIXTURE_ABI_3).find("speaks ABI version 3, convt speaks versions 1 to 2"), std::string::npos);
  EXPECT_NE(load_error(FIXTURE_MATH_7).find("convt_plugin_math_mode returned 7"), std::string::npos);
  EXPECT_NE(load_error(FIXTURE_NO_NAME).find("returned no name"), std::string::npos);
}

TEST(Plugin, NonZeroReturnFailsTheCase) {
  Result<NamedBackend> b = load_plugin(FIXTURE_RETURNS_7);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->name, "plugin:fixture");
  const CaseResult r = run_case(*b.value().backend, CaseSpec{*parse_problem("ic2ih3oc2kh2"), DataMode::exact, 1, 2});
  EXPECT_EQ(r.verdict, Verdict::failed);
  EXPECT_NE(r.reason.find("returned 7"), std::string::npos) << r.reason;
}

TEST(Plugin, DeterminismClaimComesFromTheOptionalSymbol) {
  Result<NamedBackend> admits = load_plugin(FIXTURE_ADMITS_NONDETERMINISM);
  ASSERT_TRUE(admits.ok());
  EXPECT_FALSE(admits->backend->deterministic());
  Result<NamedBackend> silent = load_plugin(FIXTURE_RETURNS_7);
  ASSERT_TRUE(silent.ok());
  EXPECT_TRUE(silent->backend->deterministic()) << "no symbol: it claims determinism";
}

TEST(Plugin, VersionOnePluginsLoadAsStrictFloat32) {
  Result<NamedBackend> b = load_plugin(FIXTURE_ABI_1);
  ASSERT_TRUE(b.ok()) << b.error().message;
  // Its convt_plugin_math_mode (TF32) is not part of version 1: not read.
  EXPECT_EQ(b->backend->math().input_roundoff, 0.0);
  Result<NamedBackend> v2 = load_plugin(FIXTURE_RETURNS_7);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->backend->math().input_roundoff, 0.0) << "no symbol: strict float32";
}

CaseResult run_tf32(const char* path, const char* descriptor, DataMode mode) {
  Result<NamedBackend> b = load_plugin(path);
  EXPECT_TRUE(b.ok()) << (b.ok() ? "" : b.error().message);
  if (!b.ok()) return {};
  return run_case(*b.value().backend, CaseSpec{*parse_problem(descriptor), mode, 5, 2});
}

TEST(Plugin, DeclaredTf32IsJudgedByTheTf32Bound) {
  Result<NamedBackend> trunc = load_plugin(FIXTURE_TF32_TRUNC);
  ASSERT_TRUE(trunc.ok()) << trunc.error().message;
  EXPECT_EQ(trunc->backend->math().input_roundoff, 0x1p-10);
  Result<NamedBackend> rna = load_plugin(FIXTURE_TF32_RNA);
  ASSERT_TRUE(rna.ok()) << rna.error().message;
  EXPECT_EQ(rna->backend->math().input_roundoff, 0x1p-11);
  for (const char* d : {"mb2ic16ih5oc8kh3sh2ph1oph1", "ic32ih4iw6oc4kh2kw3dh2g2"}) {
    for (const char* path : {FIXTURE_TF32_TRUNC, FIXTURE_TF32_RNA})
      for (DataMode mode : {DataMode::exact, DataMode::normal}) {
        const CaseResult r = run_tf32(path, d, mode);
        EXPECT_EQ(r.verdict, Verdict::passed) << path << " " << d << " " << data_mode_name(mode) << ": " << r.reason;
        EXPECT_LE(r.comparison.worst_ratio, 1.0);
      }
    // The same kernel judged as strict float32 fails on real-valued data.
    const CaseResult strict = run_tf32(FIXTURE_TF32_UNDECLARED, d, DataMode::normal);
    EXPECT_EQ(strict.verdict, Verdict::failed) << d;
    EXPECT_NE(strict.reason.find("violate the error bound"), std::string::npos) << strict.reason;
  }
}

TEST(Plugin, ExamplePluginPassesEveryDataMode) {
  Result<NamedBackend> b = load_plugin(EXAMPLE_GATHER_PLUGIN);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->name, "plugin:example-gather");
  for (const char* d : {"mb2ic6ih5iw7oc4kh3kw2sh2sw1ph1oph1opw0g2", "ic3ih9oc17kh4sh2ph1dh2oph1", "mb0ic2ih3oc2kh2"})
    for (DataMode mode : kAllDataModes) {
      const CaseResult r = run_case(*b.value().backend, CaseSpec{*parse_problem(d), mode, 3, 2});
      EXPECT_EQ(r.verdict, Verdict::passed) << d << " " << data_mode_name(mode) << ": " << r.reason;
    }
}

}  // namespace
}  // namespace convt
