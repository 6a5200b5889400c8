#include "optimized/cudnn/deviceless_plan.h"

#include <map>

#include "optimized/cudnn/graph.h"

namespace convt::cudnn {

namespace {

// Mode A's order: engine id -> its place among the distinct engines the
// heuristics return (the first configuration of an engine counts).
Result<std::map<int64_t, int>> heuristic_ranks(const Graph& g, const Target& t) {
  CONVT_TRY_ASSIGN(configs, heuristic_configs(g, t, CUDNN_HEUR_MODE_A));
  std::map<int64_t, int> ranks;
  for (const Desc& c : configs) {
    CONVT_TRY_ASSIGN(engine, config_engine(c.get()));
    CONVT_TRY_ASSIGN(id, engine_index(engine.get()));
    ranks.emplace(id, int(ranks.size()));  // keeps the first place of an engine
  }
  return ranks;
}

}  // namespace

Result<std::vector<EngineInfo>> list_engines(const Problem& p, const std::string& device_json,
                                             const EngineFilter& f) {
  if (p.input_elements() == 0 || p.output_elements() == 0 || p.weight_elements() == 0)
    return Error{"an empty problem has no cuDNN plan (PyTorch launches no cuDNN work for it)"};
  if (std::string why = not_for_cudnn(p); !why.empty()) return Error{why};
  CONVT_TRY_ASSIGN(devprop, make_device_properties(device_json));
  CONVT_TRY_ASSIGN(graph, make_graph(p, nullptr));
  CONVT_TRY_ASSIGN(engines, engine_count(graph));
  const Target target{nullptr, devprop.get()};
  CONVT_TRY_ASSIGN(ranks, heuristic_ranks(graph, target));

  std::vector<EngineInfo> out;
  for (int64_t id = 0; id < engines; ++id) {
    CONVT_TRY_ASSIGN(planned, plan_engine(graph, target, id));
    EngineInfo info = std::move(planned.info);
    info.kept = info.finalized && filter_allows(info.numerical_notes, f);
    if (auto r = ranks.find(id); r != ranks.end()) info.heuristic_rank = r->second;
    out.push_back(std::move(info));
  }
  return out;
}

Result<int64_t> dgrad_engine_count() {
  Problem p;  // the smallest problem: 1 x 1 x 1 x 1, kernel 1
  CONVT_TRY_ASSIGN(graph, make_graph(p, nullptr));
  return engine_count(graph);
}

}  // namespace convt::cudnn
