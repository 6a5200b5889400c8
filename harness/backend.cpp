#include "harness/backend.h"

#include "harness/backends/adapters.h"
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

Result<std::vector<NamedBackend>> make_backends(const std::string& names,
                                                const std::vector<std::string>& plugin_paths,
                                                const BackendOptions& options) {
  std::vector<NamedBackend> backends;
  std::string rest = names.empty() && plugin_paths.empty() ? "reference" : names;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string name = rest.substr(0, comma);
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    if (name.empty()) return Error{"empty backend name in '" + names + "'"};
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

std::optional<Error> run_once(Backend& b, const Problem& p, const float* x, const float* w,
                              const float* bias, float* y) {
  if (auto why = b.unsupported(p)) return Error{"unsupported problem: " + *why};
  if (auto e = b.prepare(p, w, bias)) return e;
  return b.run(x, y);
}

}  // namespace convt
