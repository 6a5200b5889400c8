// Loading plugins: every way a library can be wrong is an error value that
// names the library; a working one runs through run_case like any backend.
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
  EXPECT_NE(load_error(FIXTURE_ABI_2).find("speaks ABI version 2, convt speaks version 1"), std::string::npos);
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
