// convt list: the backends, each available or not; with --problem and
// --gpu, cuDNN's engines for that problem on that GPU, planned without one
// (optimized/cudnn/deviceless_plan.h); --save-gpu writes this machine's
// GPU as such a description.
#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <fstream>
#include <sstream>

#include "harness/backend.h"
#include "harness/cli/command.h"
#include "harness/cli/config_dir.h"
#include "harness/file_contents.h"
#include "reference/descriptor.h"

#ifdef CONVT_HAVE_CUDNN
#include "optimized/cudnn/deviceless_plan.h"
#include "optimized/cudnn/dgrad.h"
#include "optimized/device/availability.h"
#endif

namespace convt::cli {

namespace {

struct ListOptions {
  std::string problem;  // --problem DESCRIPTOR
  std::string gpu;      // --gpu NAME|FILE.json|device
  std::string save_gpu;  // --save-gpu FILE.json
  std::string tf32 = "off";
  bool deterministic = false;
  bool json = false;
};

int list_backends() {
  size_t width = 0;
  for (const BackendEntry& b : backend_registry()) width = std::max(width, b.name.size());
  for (const BackendEntry& b : backend_registry()) {
    std::cout << std::left << std::setw(int(width + 2)) << b.name << std::setw(6) << b.device
              << (b.unavailable.empty() ? "available      " + b.description : "unavailable    " + b.unavailable)
              << '\n';
  }
  return kSuccess;
}

#ifdef CONVT_HAVE_CUDNN
// The device properties cuDNN reads, serialized: the "properties" object of
// a configs/gpus file, or the whole file when it has none (a description
// as cuDNN itself serializes it).
Result<std::string> gpu_properties(const std::string& gpu) {
  if (gpu == "device") {
    if (!device::availability().device) return Error{"--gpu device: " + device::availability().reason};
    Result<std::string> props = cudnn::this_gpu_properties();
    if (!props) return Error{"--gpu device: " + props.error().message};
    return props;
  }
  std::string path = gpu;
  if (std::filesystem::path(gpu).extension() != ".json" && gpu.find('/') == std::string::npos) {
    Result<std::string> found = installed_suite("gpus/" + gpu + ".json");
    if (!found) return Error{"--gpu " + gpu + ": no such GPU description: " + found.error().message};
    path = *found;
  }
  Result<std::string> text = read_file(path);
  if (!text) return Error{"--gpu: " + text.error().message};
  const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return Error{"--gpu: " + path + " is not a JSON object"};
  if (!doc.contains("properties")) return doc.dump();
  if (!doc["properties"].is_object()) return Error{"--gpu: " + path + ": \"properties\" is not an object"};
  return doc["properties"].dump();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ",") + s;
  return out.empty() ? "-" : out;
}

int list_engines(const ListOptions& o) {
  Result<Problem> p = parse_problem(o.problem);
  if (!p) return bad_input(Error{"--problem '" + o.problem + "': " + p.error().message});
  Result<std::string> props = gpu_properties(o.gpu);
  if (!props) return bad_input(props.error());
  const cudnn::EngineFilter filter{o.tf32 == "on", o.deterministic};
  Result<std::vector<cudnn::EngineInfo>> engines = cudnn::list_engines(*p, *props, filter);
  if (!engines) return bad_input(engines.error());
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const cudnn::EngineInfo& e : *engines)
      out.push_back({{"engine", e.engine},
                     {"finalized", e.finalized},
                     {"reason", e.reason},
                     {"numerical_notes", e.numerical_notes},
                     {"behavior_notes", e.behavior_notes},
                     {"kept", e.kept},
                     {"heuristic_rank", e.heuristic_rank},
                     {"workspace_bytes", e.workspace_bytes}});
    std::cout << out.dump(1) << '\n';
    return kSuccess;
  }
  std::cout << "problem " << format_descriptor(*p) << " on --gpu " << o.gpu << ", cuDNN " << cudnn::cudnn_version()
            << ", tf32 " << o.tf32 << (o.deterministic ? ", deterministic" : "") << '\n'
            << std::left << std::setw(8) << "engine" << std::setw(6) << "kept" << std::setw(6) << "rank"
            << std::setw(12) << "workspace" << "notes / reason\n";
  for (const cudnn::EngineInfo& e : *engines) {
    std::cout << std::setw(8) << e.engine << std::setw(6) << (e.kept ? "yes" : "no") << std::setw(6)
              << (e.heuristic_rank < 0 ? "-" : std::to_string(e.heuristic_rank)) << std::setw(12)
              << (e.workspace_bytes < 0 ? "-" : std::to_string(e.workspace_bytes));
    if (e.finalized)
      std::cout << "numerical " << joined(e.numerical_notes) << "; behaviour " << joined(e.behavior_notes);
    else
      std::cout << "not finalized: " << e.reason;
    std::cout << '\n';
  }
  return kSuccess;
}
#endif

#ifdef CONVT_HAVE_CUDNN
// This machine's GPU as a configs/gpus description, for planning later
// without it (--gpu FILE.json).
int save_gpu(const std::string& path) {
  const device::Availability& a = device::availability();
  if (!a.device) {
    std::cerr << "convt: --save-gpu needs a GPU: " << a.reason << '\n';
    return kCheckFailed;
  }
  Result<std::string> props = cudnn::this_gpu_properties();
  if (!props) {
    std::cerr << "convt: --save-gpu: " << props.error().message << '\n';
    return kCheckFailed;
  }
  const nlohmann::json properties = nlohmann::json::parse(*props, nullptr, /*allow_exceptions=*/false);
  if (properties.is_discarded()) {
    std::cerr << "convt: --save-gpu: cuDNN's serialization is not JSON: " << *props << '\n';
    return kCheckFailed;
  }
  const nlohmann::json doc = {
      {"name", a.device->name},
      {"description", "Saved on this GPU by convt list --save-gpu: cuDNN's own serialization of its properties "
                      "(CUDNN_ATTR_DEVICEPROP_JSON_REPRESENTATION), cuDNN " + cudnn::cudnn_version() +
                      ", CUDA driver " + device::cuda_version_text(a.device->driver_version) + "."},
      {"sources", {{"*", "cuDNN, from device 0 of the machine that saved it"}}},
      {"properties", properties}};
  std::ofstream out(path);
  out << doc.dump(2) << '\n';
  if (!out.flush()) return bad_input(Error{"--save-gpu " + path + ": cannot write the file"});
  std::cout << "wrote " << path << " (" << a.device->name << ")\n";
  return kSuccess;
}
#endif

int run_list(const ListOptions& o) {
  if (!o.save_gpu.empty()) {
#ifdef CONVT_HAVE_CUDNN
    if (!o.problem.empty() || !o.gpu.empty())
      return bad_input(Error{"--save-gpu takes no --problem or --gpu: it saves this machine's GPU"});
    return save_gpu(o.save_gpu);
#else
    return bad_input(Error{"--save-gpu: convt was built without cuDNN"});
#endif
  }
  if (o.gpu.empty() && o.problem.empty()) return list_backends();
  if (o.gpu.empty()) return bad_input(Error{"--problem: give --gpu NAME|FILE.json too (the GPU to plan for)"});
#ifdef CONVT_HAVE_CUDNN
  if (o.problem.empty()) return bad_input(Error{"--gpu: give --problem DESCRIPTOR too (the problem to plan)"});
  return list_engines(o);
#else
  return bad_input(Error{"--gpu: convt was built without cuDNN"});
#endif
}

}  // namespace

void add_list_command(CLI::App& app, Action& action) {
  CLI::App* list = app.add_subcommand(
      "list", "List the backends, each available or not, with the reason; with --problem and --gpu, cuDNN's engines");
  auto o = std::make_shared<ListOptions>();
  list->add_option("--problem", o->problem, "A problem descriptor: list cuDNN's engines for it (needs --gpu)");
  list->add_option("--gpu", o->gpu,
                   "The GPU to plan for: a name of configs/gpus (h100_sxm, h200, a100) or a FILE.json (planned "
                   "without a GPU), or 'device' (this machine's GPU)");
  list->add_option("--save-gpu", o->save_gpu,
                   "Write this machine's GPU (device 0) as a description for --gpu FILE.json; needs a GPU");
  list->add_option("--tf32", o->tf32, "Whether TF32 tensor-core engines are kept (PyTorch's default for cuDNN: on)")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  list->add_flag("--deterministic", o->deterministic, "Keep no engine noted NONDETERMINISTIC");
  list->add_flag("--json", o->json, "Print the engines as a JSON array");
  list->callback([&action, o] { action = [o] { return run_list(*o); }; });
}

}  // namespace convt::cli
