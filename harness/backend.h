// Backends: the implementations the harness runs and judges, behind one
// interface. optimized/ implementations know nothing of the harness; each
// backend adapts one of them (plugins adapt a user's shared library).
//
// A backend is prepared once per problem (planning, weight packing: not
// timed) and then run any number of times (input to output: the timed part).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/bound.h"
#include "reference/problem.h"
#include "reference/result.h"

namespace convt {

struct BackendOptions {
  int threads = 0;             // 0: the backend's default (all cores)
  bool allow_tf32 = false;     // the backend may round inputs to TF32
  bool deterministic = false;  // require bitwise run-to-run determinism
};

// How long a device backend's last run took: its device work alone (CUDA
// events around it) and the copies between host and device around that.
struct DeviceTiming {
  double device_seconds = 0;
  double copy_seconds = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // Why this backend cannot run p, or nullopt when it can.
  virtual std::optional<std::string> unsupported(const Problem&) const { return std::nullopt; }
  // Whether it claims bitwise identical outputs from run to run.
  virtual bool deterministic() const { return true; }
  // Whether it claims the same bits for any thread count too (convt's own
  // kernel does; oneDNN promises determinism for a fixed thread count only).
  virtual bool same_bits_for_any_thread_count() const { return false; }
  virtual MathMode math() const { return {}; }
  // Whether its cases run in a worker process unless the user says
  // otherwise (harness/isolation.h): true for code convt does not control
  // (plugins) and for devices whose errors poison the process (GPUs).
  virtual bool isolate_by_default() const { return false; }

  // w (C_in x C_out/groups x kH x kW) and bias (C_out, or null without
  // bias) stay valid and unchanged until the next prepare.
  virtual std::optional<Error> prepare(const Problem& p, const float* w, const float* bias) = 0;
  // x: N x C_in x H_in x W_in; y: N x C_out x H_out x W_out, all float32.
  virtual std::optional<Error> run(const float* x, float* y) = 0;

  // A device backend's timing of its last successful run; nullopt for one
  // that runs on the host.
  virtual std::optional<DeviceTiming> last_device_timing() const { return std::nullopt; }
  // What it chose for the problem last prepared, for reports ("cuDNN engine
  // 58, notes TENSOR_CORE, workspace 18432 B"); empty when it has no choice.
  virtual std::string choice() const { return {}; }
};

struct BackendEntry {
  std::string name;
  std::string device;       // "cpu", "cuda"
  std::string description;
  std::string unavailable;  // empty when available; otherwise why not
  std::function<std::unique_ptr<Backend>(const BackendOptions&)> make;
  // Unavailable because of a setting of the user's (CONVT_CPU_ISA=bogus):
  // an error wherever the backend would run, named or chosen by default.
  bool misconfigured = false;
  // Unavailable because this machine lacks the device (no GPU, no driver):
  // named, the backend still exists and each of its cases is skipped with
  // the reason, so that a run that also judges others goes on.
  bool device_missing = false;
  // Runs only when named: the oracle and its models, and GPU kernels
  // executed on the host (left out where `check`, `bench` or a report
  // chooses backends by default).
  bool only_when_named = false;
  // Why `convt bench` does not time it (a checker, not an implementation to
  // time); empty when it does.
  std::string untimed = {};
  // A family of backends named "<prefix><member>" ("cudnn:" + an engine
  // number), listed as `name` ("cudnn:<engine>"); "<prefix>*" names every
  // member that members() lists. Empty for a single backend.
  std::string family_prefix = {};
  std::function<Result<std::vector<std::string>>()> members = {};
  std::function<Result<std::unique_ptr<Backend>>(const BackendOptions&, std::string_view member)> make_member = {};
};

// Every backend convt knows, built or not.
const std::vector<BackendEntry>& backend_registry();

// A backend chosen by name (or loaded from a plugin), ready to prepare.
struct NamedBackend {
  std::string name;
  std::string device;
  std::string plugin_path;  // empty unless it came from --plugin
  std::unique_ptr<Backend> backend;
};

// The backend of that name (a member of a family too), or an error that
// lists the known ones.
Result<NamedBackend> make_backend(std::string_view name, const BackendOptions& options = {});

// The registry's entry of the backend of that name (a family's for a
// member); null for a name the registry lacks (a plugin's).
const BackendEntry* registry_entry(std::string_view name);

// The device of the backend of that name: "cpu" for a plugin's.
std::string device_of(std::string_view name);

// The backends named (comma-separated registry names, none empty, a
// family's "<prefix>*" standing for all its members; an empty list names
// none), then the plugins loaded from `plugin_paths`. Whoever
// calls it chooses what neither means.
Result<std::vector<NamedBackend>> make_backends(std::string_view names,
                                                const std::vector<std::string>& plugin_paths,
                                                const BackendOptions& options = {});

// The names of the available implementations: every available backend but
// those that run only when named (the oracle, its models, host execution
// of GPU kernels) and the members of families (named one by one or with
// "<prefix>*"), of `device` only unless it is empty, in registry order;
// when there is none, an error that says why each other one is not
// available.
Result<std::vector<std::string>> backends_but_the_oracle(std::string_view device = {});

// prepare + run in one call, for one-off runs.
std::optional<Error> run_once(Backend& b, const Problem& p, const float* x, const float* w,
                              const float* bias, float* y);

}  // namespace convt
