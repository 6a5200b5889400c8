// cuDNN planning without a GPU, against the described H100 SXM and H200
// (configs/gpus): graphs build, plans finalize with workspace sizes, the
// TF32 and deterministic filters hold, heuristic ranks are an order; and
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

// Every 25th non-empty problem of the default suite that PyTorch hands to
// cuDNN (output_padding below the stride), and its first three grouped and
// first three dilated ones.
std::vector<Problem> sample_problems() {
  std::ifstream f(std::string(CONVT_CONFIGS) + "/conformance.json");
  std::stringstream ss;
  ss << f.rdbuf();
  const nlohmann::json suite = nlohmann::json::parse(ss.str());
  std::vector<Problem> out;
  int index = 0, grouped = 0, dilated = 0;
  for (const nlohmann::json& entry : suite.at("problems")) {
    if (!entry.contains("descriptor")) continue;
    Result<Problem> p = parse_problem(entry["descriptor"].get<std::string>());
    if (!p || p->input_elements() == 0 || p->output_elements() == 0 || p->weight_elements() == 0) continue;
    if (p->output_padding.h >= p->stride.h || p->output_padding.w >= p->stride.w) continue;
    const bool is_grouped = p->groups > 1 && grouped < 3;
    const bool is_dilated = (p->dilation.h > 1 || p->dilation.w > 1) && dilated < 3;
    if (index++ % 25 == 0 || is_grouped || is_dilated) {
      grouped += is_grouped;
      dilated += is_dilated;
      out.push_back(*p);
    }
  }
  return out;
}

TEST(DevicelessPlan, SuiteProblemsPlanAndFilterOnDescribedGpus) {
  const std::vector<Problem> problems = sample_problems();
  ASSERT_GE(problems.size(), 10u);
  for (const char* gpu : kGpus) {
    const std::string props = gpu_properties(gpu);
    for (const Problem& p : problems) {
      SCOPED_TRACE(std::string(gpu) + " " + format_descriptor(p));
      for (const EngineFilter f : {EngineFilter{false, false}, EngineFilter{true, true}}) {
        Result<std::vector<EngineInfo>> r = list_engines(p, props, f);
        ASSERT_TRUE(r.ok()) << r.error().message;
        ASSERT_FALSE(r->empty());
        bool planned = false;
        std::vector<int> ranks;
        for (const EngineInfo& e : *r) {
          planned |= e.finalized && e.workspace_bytes >= 0;
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
        ASSERT_FALSE(ranks.empty()) << "the heuristics rank no engine";
        std::sort(ranks.begin(), ranks.end());
        for (size_t i = 0; i < ranks.size(); ++i) EXPECT_EQ(ranks[i], int(i)) << "ranks are not 0, 1, 2, ...";
      }
    }
  }
}

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
