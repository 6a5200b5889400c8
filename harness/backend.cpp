#include "harness/backend.h"

#include <algorithm>

#include "harness/backends/adapters.h"
#include "harness/lists.h"
#include "harness/plugin.h"

namespace convt {

namespace {

// A backend whose device this machine lacks: it supports no problem, and
// says why.
class MissingDeviceBackend final : public Backend {
 public:
  explicit MissingDeviceBackend(std::string reason) : reason_(std::move(reason)) {}
  std::optional<std::string> unsupported(const Problem&) const override { return reason_; }
  std::optional<Error> prepare(const Problem&, const float*, const float*) override { return Error{reason_}; }
  std::optional<Error> run(const float*, float*) override { return Error{reason_}; }

 private:
  std::string reason_;
};

bool in_family(const BackendEntry& e, std::string_view name) {
  return !e.family_prefix.empty() && name.size() > e.family_prefix.size() && name.starts_with(e.family_prefix);
}

}  // namespace

const std::vector<BackendEntry>& backend_registry() {
  static const std::vector<BackendEntry> registry = {
      reference_backend(),
      reference_tf32_backend(),
      reference_tf32_trunc_backend(),
      cpu_backend(),
      onednn_backend(),
      onednn_nchw_backend(),
      cudnn_backend(),
      cudnn_engine_backends(),
      cuda_direct_backend(),
      cuda_backend(),
      cuda_direct_host_backend(),
      cuda_host_backend(),
  };
  return registry;
}

Result<NamedBackend> make_backend(std::string_view name, const BackendOptions& options) {
  std::string known;
  for (const BackendEntry& entry : backend_registry()) {
    const bool member = in_family(entry, name);
    if (entry.name == name || member) {
      const std::string full(name);
      if (!entry.unavailable.empty() && !entry.device_missing)
        return Error{"backend '" + full + "' is not available: " + entry.unavailable};
      std::unique_ptr<Backend> backend;
      if (member) {
        Result<std::unique_ptr<Backend>> b = entry.make_member(options, name.substr(entry.family_prefix.size()));
        if (!b) return Error{"backend '" + full + "': " + b.error().message};
        backend = std::move(b).value();
      } else if (!entry.family_prefix.empty()) {
        return Error{"backend '" + full + "' names a family: name a member, as " + entry.family_prefix +
                     "0, or all of them, as " + entry.family_prefix + "*"};
      }
      if (!entry.unavailable.empty()) backend = std::make_unique<MissingDeviceBackend>(entry.unavailable);
      if (!backend) backend = entry.make(options);
      return NamedBackend{full, entry.device, "", std::move(backend)};
    }
    known += (known.empty() ? "" : ", ") + entry.name;
  }
  return Error{"unknown backend '" + std::string(name) + "' (known: " + known +
               "; see 'convt list', or load your own with --plugin)"};
}

Result<std::vector<NamedBackend>> make_backends(std::string_view names,
                                                const std::vector<std::string>& plugin_paths,
                                                const BackendOptions& options) {
  std::vector<NamedBackend> backends;
  if (!names.empty())
    for (const std::string& name : split_list(names)) {
      if (name.empty()) return Error{"empty backend name in '" + std::string(names) + "'"};
      if (auto family = std::find_if(backend_registry().begin(), backend_registry().end(),
                                     [&](const BackendEntry& e) {
                                       return !e.family_prefix.empty() && name == e.family_prefix + "*";
                                     });
          family != backend_registry().end()) {
        if (!family->members) return Error{"backend '" + name + "' is not available: " + family->unavailable};
        Result<std::vector<std::string>> members = family->members();
        if (!members) return Error{"backend '" + name + "': " + members.error().message};
        for (const std::string& m : *members) {
          Result<NamedBackend> b = make_backend(family->family_prefix + m, options);
          if (!b) return b.error();
          backends.push_back(std::move(b).value());
        }
        continue;
      }
      Result<NamedBackend> b = make_backend(name, options);
      if (!b) return b.error();
      backends.push_back(std::move(b).value());
    }
  for (const std::string& path : plugin_paths) {
    Result<NamedBackend> b = load_plugin(path);
    if (!b) return b.error();
    backends.push_back(std::move(b).value());
  }
  return backends;
}

const BackendEntry* registry_entry(std::string_view name) {
  for (const BackendEntry& e : backend_registry())
    if (e.name == name || in_family(e, name)) return &e;
  return nullptr;
}

std::string device_of(std::string_view name) {
  const BackendEntry* e = registry_entry(name);
  return e ? e->device : "cpu";
}

Result<std::vector<std::string>> backends_but_the_oracle(std::string_view device) {
  std::vector<std::string> chosen;
  std::string why;
  for (const BackendEntry& e : backend_registry()) {
    if (e.only_when_named || !e.family_prefix.empty() || (!device.empty() && e.device != device))
      continue;
    if (e.misconfigured) return Error{"backend '" + e.name + "' is not available: " + e.unavailable};
    if (e.unavailable.empty())
      chosen.push_back(e.name);
    else
      why += "; " + e.name + ": " + e.unavailable;
  }
  if (chosen.empty())
    return Error{"no " + (device.empty() ? std::string() : std::string(device) + " ") +
                 "backend but the oracle (reference) is available" + why};
  return chosen;
}

std::optional<Error> run_once(Backend& b, const Problem& p, const float* x, const float* w,
                              const float* bias, float* y) {
  if (auto why = b.unsupported(p)) return Error{"unsupported problem: " + *why};
  if (auto e = b.prepare(p, w, bias)) return e;
  return b.run(x, y);
}

}  // namespace convt
