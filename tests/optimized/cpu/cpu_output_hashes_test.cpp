// The bits of cpu's output are pinned: for every problem of the default
// suite (normal and special data) and of configs/real_shapes.json (normal
// data), the FNV-1a hash of the output's bytes must equal the one recorded
// in output_hashes.json. Every output element's FMAs and their order come
// from the shape alone, the same on every ISA and thread count, so a
// refactoring of the planner or the kernels that changes any bit fails here.
//
// CONVT_WRITE_OUTPUT_HASHES=FILE writes the hashes of this build instead of
// comparing (to record them before a change that must keep them).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/data.h"
#include "harness/suite.h"
#include "optimized/cpu/conv_transpose_cpu.h"
#include "reference/descriptor.h"

namespace convt::testing {
namespace {

constexpr uint64_t kSeed = 20261204;

uint64_t fnv1a(const std::vector<float>& y) {
  uint64_t h = 1469598103934665603ull;
  const auto* bytes = reinterpret_cast<const unsigned char*>(y.data());
  for (size_t i = 0; i < y.size() * sizeof(float); ++i) {
    h ^= bytes[i];
    h *= 1099511628211ull;
  }
  return h;
}

// "<canonical descriptor> <data mode>" -> hash (hex).
std::map<std::string, std::string> compute_hashes() {
  std::map<std::string, std::string> hashes;
  const struct {
    const char* file;
    std::vector<DataMode> modes;
  } suites[] = {{CONVT_CONFIG_DIR "/conformance.json", {DataMode::normal, DataMode::special}},
                {CONVT_CONFIG_DIR "/real_shapes.json", {DataMode::normal}}};
  for (const auto& s : suites) {
    Result<Suite> suite = load_suite(s.file);
    EXPECT_TRUE(suite.ok()) << suite.error().message;
    if (!suite.ok()) continue;
    for (const SuiteEntry& e : suite->problems) {
      const Problem& p = e.problem;
      for (DataMode mode : s.modes) {
        const std::string key = format_descriptor(p) + " " + data_mode_name(mode);
        const Tensors t = make_tensors(p, mode, kSeed);
        Result<cpu::Plan> plan = cpu::make_plan(p, t.w.data(), p.bias ? t.bias.data() : nullptr, {.threads = 2, .isa = std::nullopt});
        EXPECT_TRUE(plan.ok()) << key;
        if (!plan.ok()) continue;
        std::vector<float> y(static_cast<size_t>(p.output_elements()));
        cpu::run(plan.value(), t.x.data(), y.data());
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(y)));
        hashes[key] = hex;
      }
    }
  }
  return hashes;
}

TEST(CpuOutputHashes, EveryOutputBitIsAsRecorded) {
  const std::map<std::string, std::string> hashes = compute_hashes();
  ASSERT_GT(hashes.size(), 600u);
  if (const char* out = std::getenv("CONVT_WRITE_OUTPUT_HASHES")) {
    std::ofstream(out) << nlohmann::json(hashes).dump(1) << "\n";
    GTEST_SKIP() << "wrote " << hashes.size() << " hashes to " << out;
  }
  std::ifstream in(CONVT_HASHES_FILE);
  ASSERT_TRUE(in) << "cannot read " << CONVT_HASHES_FILE;
  const auto recorded = nlohmann::json::parse(in).get<std::map<std::string, std::string>>();
  EXPECT_EQ(recorded.size(), hashes.size());
  int differing = 0;
  for (const auto& [key, hash] : hashes) {
    const auto it = recorded.find(key);
    if (it == recorded.end()) {
      ADD_FAILURE() << "no recorded hash for " << key;
    } else if (it->second != hash && ++differing <= 20) {
      ADD_FAILURE() << key << ": output hash " << hash << ", recorded " << it->second;
    }
  }
  EXPECT_EQ(differing, 0) << "outputs differ from the recorded bits";
}

}  // namespace
}  // namespace convt::testing
