// One adapter per implementation: each turns an optimized/ implementation
// (or the oracle) into a Backend and says whether it was built. The registry
// in harness/backend.cpp lists them in this order.
#pragma once

#include "harness/backend.h"

namespace convt {

BackendEntry reference_backend();
BackendEntry reference_tf32_backend();
BackendEntry reference_tf32_trunc_backend();
BackendEntry cpu_backend();
BackendEntry onednn_backend();
BackendEntry onednn_nchw_backend();
BackendEntry cudnn_backend();
BackendEntry cudnn_engine_backends();
BackendEntry cuda_direct_backend();
BackendEntry cuda_backend();
BackendEntry cuda_direct_host_backend();
BackendEntry cuda_host_backend();

}  // namespace convt
