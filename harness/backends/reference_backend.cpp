// The oracle as a backend, rounded once to float32 at the end.
#include "harness/backends/adapters.h"
#include "reference/oracle.h"

namespace convt {
namespace {

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

BackendEntry reference_backend() {
  BackendEntry e{"reference", "cpu", "the oracle: direct loops in double, rounded to float32", "",
                 [](const BackendOptions&) { return std::make_unique<ReferenceBackend>(); }};
  e.only_when_named = true;
  return e;
}

}  // namespace convt
