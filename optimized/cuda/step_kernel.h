// The shape every convt CUDA kernel has, so that one body runs on the GPU
// and, step by step, on the CPU.
//
// A kernel is a trivially copyable struct (its parameters: sizes, device or
// host pointers) with
//
//   static constexpr int kThreads;        // threads per block (1-D blocks)
//   struct Thread { ... };                // one thread's registers, kept
//                                         // from step to step
//   int blocks() const;                   // 1-D grid
//   int shared_floats() const;            // shared memory per block
//   CONVT_HD int steps(int block) const;  // the same for every thread
//   CONVT_HD StepEnd step(int s, const ThreadIndex&, Thread&, SharedFloats) const;
//
// A step is the code between two barriers: step s runs for every thread of
// the block before any thread runs step s + 1. What ends it is what the
// step returns (the same for every thread of the block): a barrier
// (__syncthreads), or a warp's tensor-core multiply (Thread then has a
// member `mma`, optimized/cuda/warp_mma.h), after which the next step runs
// without a barrier. Shared memory is reached only through SharedFloats, so
// that host execution can see which thread touches what.
#pragma once

#include <cstdint>
#include <limits>

#include "optimized/cuda/host_device.h"

namespace convt::cuda {

inline constexpr int kWarpSize = 32;

enum class StepEnd : int {
  barrier,   // __syncthreads(): shared memory written before it is visible after
  warp_mma,  // each warp multiplies its fragments (Thread::mma); no barrier
};

struct ThreadIndex {
  int block = 0;   // blockIdx.x
  int thread = 0;  // threadIdx.x
  CONVT_HD int warp() const { return thread / kWarpSize; }
  CONVT_HD int lane() const { return thread % kWarpSize; }
};

// Host execution's record of shared-memory accesses in checking mode
// (optimized/cuda/shared_access_log.h); never present on the device.
// They return false for an index outside the block's shared memory (the
// access is then skipped: the log holds the finding).
class SharedAccessLog;
bool log_shared_read(SharedAccessLog&, int index, int thread);
bool log_shared_write(SharedAccessLog&, int index, int thread);

// A block's shared memory as the kernel sees it: plain loads and stores on
// the device; on the host the same, plus a record of who touched what when
// the runner checks barriers.
class SharedFloats {
 public:
  CONVT_HD SharedFloats(float* data, SharedAccessLog* log = nullptr, int thread = 0)
      : data_(data), log_(log), thread_(thread) {}

  CONVT_HD float load(int i) const {
#if !CONVT_ON_DEVICE
    if (log_ && !log_shared_read(*log_, i, thread_)) return std::numeric_limits<float>::quiet_NaN();
#endif
    return data_[i];
  }
  CONVT_HD void store(int i, float v) const {
#if !CONVT_ON_DEVICE
    if (log_ && !log_shared_write(*log_, i, thread_)) return;
#endif
    data_[i] = v;
  }

 private:
  float* data_;
  SharedAccessLog* log_;
  int thread_;
};

// a / b rounded up, for a >= 0 and b > 0 (without forming a + b - 1,
// which overflows near 2^31).
CONVT_HD int ceil_div(int a, int b) { return a / b + (a % b != 0); }

}  // namespace convt::cuda
