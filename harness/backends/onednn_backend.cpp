// oneDNN as backends (optimized/onednn): onednn (format_tag::any, NCHW
// reorders of x and y inside the run, weights packed in prepare) and
// onednn-nchw (plain NCHW memory throughout, no reorders).
//
// Determinism: oneDNN documents run-to-run bitwise determinism for a fixed
// environment (same platform, library, environment and thread count) for its
// primitives except implementations built on atomics (GPU ones, and CPU
// backward-weights reductions); the forward deconvolution (on CPU a
// convolution backward-data kernel or a GEMM) and reorders are not among
// them, and convt fixes the thread count per backend. So both claim it, and
// `convt check --repeat` holds them to it.
#include "harness/backends/adapters.h"

#ifdef CONVT_HAVE_ONEDNN
#include "optimized/onednn/onednn_deconvolution.h"
#endif

namespace convt {
namespace {

#ifdef CONVT_HAVE_ONEDNN
class OnednnBackend final : public Backend {
 public:
  OnednnBackend(onednn::Layout layout, const BackendOptions& options)
      : deconvolution_(layout, options.threads) {}

  std::optional<Error> prepare(const Problem& p, const float* w, const float* bias) override {
    return deconvolution_.prepare(p, w, bias);
  }
  std::optional<Error> run(const float* x, float* y) override { return deconvolution_.run(x, y); }

 private:
  onednn::Deconvolution deconvolution_;
};

BackendEntry entry(std::string name, std::string description, onednn::Layout layout) {
  return {std::move(name), "cpu", std::move(description) + " (oneDNN " + onednn::version() + ")", "",
          [layout](const BackendOptions& options) { return std::make_unique<OnednnBackend>(layout, options); }};
}
#else
BackendEntry entry(std::string name, std::string description, int) {
  return {std::move(name), "cpu", std::move(description),
          "built without oneDNN: install libdnnl-dev and reconfigure", {}};
}
#endif

}  // namespace

#ifdef CONVT_HAVE_ONEDNN
constexpr onednn::Layout kPreferred = onednn::Layout::preferred, kNchw = onednn::Layout::nchw;
#else
constexpr int kPreferred = 0, kNchw = 0;
#endif

BackendEntry onednn_backend() {
  return entry("onednn", "oneDNN deconvolution, its preferred layouts (NCHW reorders timed)", kPreferred);
}

BackendEntry onednn_nchw_backend() {
  return entry("onednn-nchw", "oneDNN deconvolution on plain NCHW", kNchw);
}

}  // namespace convt
