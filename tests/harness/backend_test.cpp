// The backend registry: families ("cudnn:<engine>", "cudnn:*"), devices,
// and backends whose device this machine lacks (skipped, with the reason,
// rather than refused). Nothing here touches a GPU.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/backend.h"
#include "tests/expect_contains.h"

namespace convt {
namespace {

const BackendEntry* entry(const std::string& name) {
  for (const BackendEntry& e : backend_registry())
    if (e.name == name) return &e;
  return nullptr;
}

TEST(BackendRegistry, CudnnEnginesAreAFamily) {
  const BackendEntry* family = entry("cudnn:<engine>");
  ASSERT_NE(family, nullptr);
  EXPECT_EQ(family->family_prefix, "cudnn:");
  EXPECT_EQ(device_of("cudnn:3"), "cuda");
  EXPECT_EQ(device_of("cudnn"), "cuda");
  EXPECT_EQ(device_of("cpu"), "cpu");
  EXPECT_EQ(device_of("plugin:mine"), "cpu");

  Result<NamedBackend> whole = make_backend("cudnn:<engine>");
  ASSERT_FALSE(whole.ok());
  if (family->members) {  // built with cuDNN
    EXPECT_CONTAINS(whole.error().message, "expected an engine number");
    Result<std::vector<std::string>> members = family->members();
    ASSERT_TRUE(members.ok()) << members.error().message;
    ASSERT_GT(members->size(), 10u);
    Result<std::vector<NamedBackend>> all = make_backends("cudnn:*", {});
    ASSERT_TRUE(all.ok()) << all.error().message;
    ASSERT_EQ(all->size(), members->size());
    EXPECT_EQ(all->front().name, "cudnn:0");
    EXPECT_EQ(all->back().name, "cudnn:" + members->back());
    for (const NamedBackend& b : *all) EXPECT_EQ(b.device, "cuda");
    EXPECT_FALSE(make_backend("cudnn:-1").ok());
    EXPECT_FALSE(make_backend("cudnn:1x").ok());
  } else {
    EXPECT_CONTAINS(whole.error().message, "not available: built without CUDA");
    EXPECT_FALSE(make_backends("cudnn:*", {}).ok());
  }
}

// Without the device, a GPU backend is made, supports nothing and says why;
// it is never chosen by default.
TEST(BackendRegistry, AMissingDeviceSkipsWithTheReason) {
  const BackendEntry* cudnn = entry("cudnn");
  ASSERT_NE(cudnn, nullptr);
  Result<std::vector<std::string>> chosen = backends_but_the_oracle();
  ASSERT_TRUE(chosen.ok()) << chosen.error().message;
  EXPECT_EQ(std::count(chosen->begin(), chosen->end(), "cudnn:<engine>"), 0);
  if (cudnn->unavailable.empty()) GTEST_SKIP() << "this machine has a GPU";
  EXPECT_EQ(std::count(chosen->begin(), chosen->end(), "cudnn"), 0);
  Result<NamedBackend> b = make_backend("cudnn");
  if (!cudnn->device_missing) {
    ASSERT_FALSE(b.ok());
    EXPECT_CONTAINS(b.error().message, cudnn->unavailable);
    return;
  }
  ASSERT_TRUE(b.ok()) << b.error().message;
  Problem p;
  const std::optional<std::string> why = b->backend->unsupported(p);
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(*why, cudnn->unavailable);
  EXPECT_CONTAINS(*why, "CUDA");
  EXPECT_TRUE(b->backend->prepare(p, nullptr, nullptr).has_value());
}

}  // namespace
}  // namespace convt
