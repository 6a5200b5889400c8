// convt's own CPU kernel as a backend (optimized/cpu).
#include "harness/backends/adapters.h"

namespace convt {

BackendEntry cpu_backend() {
  return {"cpu", "cpu", "convt's own float32 kernel", "not built yet", {}};
}

}  // namespace convt
