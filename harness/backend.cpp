#include "harness/backend.h"

#include "reference/oracle.h"

namespace convt {
namespace {

// The oracle, rounded once to float32 at the end.
class ReferenceBackend final : public Backend {
 public:
  std::optional<Error> prepare(const Problem& p, const float* w, const float* bias) override {
    problem_ = p;
    w_ = w;
    bias_ = bias;
    return std::nullopt;
  }
  std::optional<Error> run(const float* x, float* y) override {
    const std::vector<double> exact = conv_transpose2d_oracle(problem_, x, w_, bias_);
    for (size_t i = 0; i < exact.size(); ++i) y[i] = float(exact[i]);
    return std::nullopt;
  }

 private:
  Problem problem_;
  const float* w_ = nullptr;
  const float* bias_ = nullptr;
};

}  // namespace

const std::vector<BackendEntry>& backend_registry() {
  static const std::vector<BackendEntry> registry = {
      {"reference", "cpu", "the oracle: direct loops in double, rounded to float32", "",
       [](const BackendOptions&) { return std::make_unique<ReferenceBackend>(); }},
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

std::optional<Error> run_once(Backend& b, const Problem& p, const float* x, const float* w,
                              const float* bias, float* y) {
  if (auto why = b.unsupported(p)) return Error{"unsupported problem: " + *why};
  if (auto e = b.prepare(p, w, bias)) return e;
  return b.run(x, y);
}

}  // namespace convt
