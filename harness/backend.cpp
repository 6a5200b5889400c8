#include "harness/backend.h"

#include "harness/backends/adapters.h"
#include "harness/lists.h"
#include "harness/plugin.h"

namespace convt {

const std::vector<BackendEntry>& backend_registry() {
  static const std::vector<BackendEntry> registry = {
      reference_backend(),
      cpu_backend(),
      onednn_backend(),
      onednn_nchw_backend(),
  };
  return registry;
}

Result<NamedBackend> make_backend(std::string_view name, const BackendOptions& options) {
  std::string known;
  for (const BackendEntry& entry : backend_registry()) {
    if (entry.name == name) {
      if (!entry.unavailable.empty())
        return Error{"backend '" + entry.name + "' is not available: " + entry.unavailable};
      return NamedBackend{entry.name, entry.device, "", entry.make(options)};
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

Result<std::vector<std::string>> backends_but_the_oracle(std::string_view device) {
  std::vector<std::string> chosen;
  std::string why;
  for (const BackendEntry& e : backend_registry()) {
    if (e.name == "reference" || (!device.empty() && e.device != device)) continue;
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
