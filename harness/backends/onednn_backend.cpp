// oneDNN as backends (optimized/onednn): onednn (format_tag::any, NCHW
// reorders inside the run) and onednn-nchw (plain NCHW memory throughout).
#include "harness/backends/adapters.h"

namespace convt {

BackendEntry onednn_backend() {
  return {"onednn", "cpu", "oneDNN deconvolution, its preferred layouts", "not built yet", {}};
}

BackendEntry onednn_nchw_backend() {
  return {"onednn-nchw", "cpu", "oneDNN deconvolution on plain NCHW", "not built yet", {}};
}

}  // namespace convt
