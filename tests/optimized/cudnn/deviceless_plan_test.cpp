// cuDNN planning without a GPU, against the described H100 SXM and H200
// (configs/gpus), over every problem of the default suite that PyTorch hands
// to cuDNN: graphs build, plans finalize with workspace sizes, the TF32 and
// deterministic filters hold, heuristic ranks are an order; and
// `convt list --gpu --json` prints what scripts read.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "optimized/cudnn/deviceless_plan.h"
#include "reference/descriptor.h"

namespace convt::cudnn {
namespace {

const char* const kGpus[] = {"h100_sxm", "h200"};

std::string gpu_properties(const std::string& name) {
  std::ifstream f(std::string(CONVT_CONFIGS) + "/gpus/" + name + ".json");
  std::stringstream ss;
  ss << f.rdbuf();
  const nlohmann::json doc = nlohmann::json::parse(ss.str());
  return doc.at("properties").dump();
}

bool has(const std::vector<std::string>& notes, const char* note) {
  return std::find(notes.begin(), notes.end(), note) != notes.end();
}

// Every problem of the default suite that PyTorch hands to cuDNN: not
// empty, output_padding below the stride.
std::vector<Problem> suite_problems() {
  std::ifstream f(std::string(CONVT_CONFIGS) + "/conformance.json");
  std::stringstream ss;
  ss << f.rdbuf();
  const nlohmann::json suite = nlohmann::json::parse(ss.str());
  std::vector<Problem> out;
  for (const nlohmann::json& entry : suite.at("problems")) {
    if (!entry.contains("descriptor")) continue;
    Result<Problem> p = parse_problem(entry["descriptor"].get<std::string>());
    if (!p || p->input_elements() == 0 || p->output_elements() == 0 || p->weight_elements() == 0) continue;
    if (!not_for_cudnn(*p).empty()) continue;
    out.push_back(*p);
  }
  return out;
}

// The default suite in kShards parts, each a test of its own (CTest runs
// them in parallel).
constexpr int kShards = 4;
class SuiteShard : public ::testing::TestWithParam<int> {};

// On the described H100 SXM and H200, for every problem: the graph builds
// with the global engine count of every problem (what cudnn:* counts on),
// plans finalize with workspace sizes, reasons exactly where they do not,
// the heuristics rank 0, 1, 2, ...; TF32 off keeps no TENSOR_CORE engine,
// --deterministic no NONDETERMINISTIC one, neither keeps DOWN_CONVERT_INPUTS,
// and each keeps an engine.
TEST_P(SuiteShard, PlansAndFiltersOnDescribedGpus) {
  const std::vector<Problem> problems = suite_problems();
  ASSERT_GE(problems.size(), 200u);
  const Result<int64_t> engines = dgrad_engine_count();
  ASSERT_TRUE(engines.ok()) << engines.error().message;
  for (const char* gpu : kGpus) {
    const std::string props = gpu_properties(gpu);
    for (size_t i = size_t(GetParam()); i < problems.size(); i += kShards) {
      const Problem& p = problems[i];
      SCOPED_TRACE(std::string(gpu) + " " + format_descriptor(p));
      for (const EngineFilter f : {EngineFilter{false, false}, EngineFilter{true, true}}) {
        Result<std::vector<EngineInfo>> r = list_engines(p, props, f);
        ASSERT_TRUE(r.ok()) << r.error().message;
        ASSERT_EQ(int64_t(r->size()), *engines);
        bool planned = false, kept = false;
        std::vector<int> ranks;
        for (const EngineInfo& e : *r) {
          planned |= e.finalized && e.workspace_bytes >= 0;
          kept |= e.kept;
          EXPECT_EQ(e.finalized, e.workspace_bytes >= 0) << "engine " << e.engine;
          EXPECT_EQ(e.finalized, e.reason.empty()) << "engine " << e.engine << ": " << e.reason;
          if (e.kept) {
            EXPECT_TRUE(e.finalized);
            EXPECT_FALSE(has(e.numerical_notes, "DOWN_CONVERT_INPUTS")) << "engine " << e.engine;
            if (!f.tf32) {
              EXPECT_FALSE(has(e.numerical_notes, "TENSOR_CORE")) << "engine " << e.engine;
            }
            if (f.deterministic) {
              EXPECT_FALSE(has(e.numerical_notes, "NONDETERMINISTIC")) << "engine " << e.engine;
            }
          }
          if (e.heuristic_rank >= 0) ranks.push_back(e.heuristic_rank);
        }
        EXPECT_TRUE(planned) << "no execution plan finalizes";
        EXPECT_TRUE(kept) << "the filter keeps no engine";
        ASSERT_FALSE(ranks.empty()) << "the heuristics rank no engine";
        std::sort(ranks.begin(), ranks.end());
        for (size_t k = 0; k < ranks.size(); ++k) EXPECT_EQ(ranks[k], int(k)) << "ranks are not 0, 1, 2, ...";
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(DefaultSuite, SuiteShard, ::testing::Range(0, kShards));

TEST(DevicelessPlan, Tf32KeepsATensorCoreEngine) {
  const Result<Problem> p = parse_problem("mb2ic8ih5oc12kh3sh2ph1oph1");
  ASSERT_TRUE(p.ok());
  for (const char* gpu : kGpus) {
    SCOPED_TRACE(gpu);
    Result<std::vector<EngineInfo>> r = list_engines(*p, gpu_properties(gpu), EngineFilter{true, false});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(std::any_of(r->begin(), r->end(),
                            [](const EngineInfo& e) { return e.kept && has(e.numerical_notes, "TENSOR_CORE"); }));
    Result<std::vector<EngineInfo>> off = list_engines(*p, gpu_properties(gpu), EngineFilter{false, false});
    ASSERT_TRUE(off.ok()) << off.error().message;
    EXPECT_TRUE(std::any_of(off->begin(), off->end(), [](const EngineInfo& e) { return e.kept; }));
  }
}

TEST(DevicelessPlan, FilterFollowsPyTorch) {
  EXPECT_TRUE(filter_allows({}, EngineFilter{false, true}));
  EXPECT_FALSE(filter_allows({"TENSOR_CORE", "DOWN_CONVERT_INPUTS"}, EngineFilter{true, false}));
  EXPECT_FALSE(filter_allows({"TENSOR_CORE"}, EngineFilter{false, false}));
  EXPECT_TRUE(filter_allows({"TENSOR_CORE"}, EngineFilter{true, false}));
  EXPECT_TRUE(filter_allows({"NONDETERMINISTIC"}, EngineFilter{false, false}));
  EXPECT_FALSE(filter_allows({"NONDETERMINISTIC"}, EngineFilter{false, true}));
}

TEST(DevicelessPlan, BadDeviceDescriptionIsAnErrorValue) {
  const Result<Problem> p = parse_problem("mb2ic8ih5oc12kh3sh2ph1oph1");
  ASSERT_TRUE(p.ok());
  for (const char* json : {"{bad", "", "[1, 2]"}) {
    Result<std::vector<EngineInfo>> r = list_engines(*p, json, EngineFilter{});
    ASSERT_FALSE(r.ok()) << json;
    EXPECT_NE(r.error().message.find("device properties"), std::string::npos) << r.error().message;
  }
}

TEST(DevicelessPlan, EmptyProblemIsAnErrorValue) {
  const Result<Problem> p = parse_problem("mb0ic4ih4oc4kh3sh2ph1");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(list_engines(*p, gpu_properties("h100_sxm"), EngineFilter{}).ok());
}

// output_padding of the stride or more (legal below the dilation) is left to
// PyTorch's native kernel, never to cuDNN: an error value that says so.
TEST(DevicelessPlan, OutputPaddingOfTheStrideIsRefusedAsPyTorchDoes) {
  const Result<Problem> p = parse_problem("mb1ic4ih5oc4kh3sh2dh3oph2");
  ASSERT_TRUE(p.ok()) << p.error().message;
  const Result<std::vector<EngineInfo>> r = list_engines(*p, gpu_properties("h100_sxm"), EngineFilter{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("native kernel"), std::string::npos) << r.error().message;
  const Result<Problem> below = parse_problem("mb1ic4ih5oc4kh3sh2dh3oph1");
  ASSERT_TRUE(below.ok());
  EXPECT_TRUE(list_engines(*below, gpu_properties("h100_sxm"), EngineFilter{}).ok());
}

std::string run(const std::string& command, int* status) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  *status = pclose(pipe);
  return out;
}

TEST(ListCommand, GpuJsonHasTheDocumentedKeys) {
  int status = -1;
  const std::string out = run(std::string(CONVT_BINARY) +
                                  " list --problem mb2ic8ih5oc12kh3sh2ph1oph1 --gpu h100_sxm --tf32 on --json",
                              &status);
  ASSERT_EQ(status, 0) << out;
  const nlohmann::json doc = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(doc.is_array()) << out;
  ASSERT_FALSE(doc.empty());
  for (const nlohmann::json& e : doc)
    for (const char* key : {"engine", "finalized", "reason", "numerical_notes", "behavior_notes", "kept",
                            "heuristic_rank", "workspace_bytes"})
      EXPECT_TRUE(e.contains(key)) << key << " in " << e.dump();
}

TEST(ListCommand, UnknownGpuIsBadInput) {
  int status = -1;
  const std::string out =
      run(std::string(CONVT_BINARY) + " list --problem mb2ic8ih5oc12kh3sh2ph1oph1 --gpu no_such_gpu 2>&1", &status);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << out;
  EXPECT_NE(out.find("--gpu no_such_gpu"), std::string::npos) << out;
}

}  // namespace
}  // namespace convt::cudnn
