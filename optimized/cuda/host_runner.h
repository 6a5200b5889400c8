// Host execution: a step kernel's grid run on the CPU (step_kernel.h).
// Blocks run one after another; within a block, step s runs for every
// thread before step s + 1, with a per-block shared memory array, and a
// warp's tensor-core multiply runs on the host with the PTX semantics
// (warp_mma.h). Registers and shared memory start as a NaN pattern, as
// uninitialised as on the GPU, so a kernel that reads either before
// writing it gives NaN rather than a lucky zero.
//
// With check_barriers, every shared access is logged (shared_access_log.h)
// and the first race, out-of-bounds access or step that threads of one
// block end differently is the run's error.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "optimized/cuda/shared_access_log.h"
#include "optimized/cuda/step_kernel.h"
#include "optimized/cuda/warp_mma.h"
#include "reference/result.h"

namespace convt::cuda {

struct HostRunOptions {
  bool check_barriers = false;
};

inline constexpr uint32_t kUninitialised = 0x7fc0beefu;  // a quiet NaN

template <class T>
void fill_uninitialised(T* values, size_t count) {
  static_assert(std::is_trivially_copyable_v<T>);
  auto* bytes = reinterpret_cast<unsigned char*>(values);
  for (size_t i = 0; i + sizeof kUninitialised <= count * sizeof(T); i += sizeof kUninitialised)
    std::memcpy(bytes + i, &kUninitialised, sizeof kUninitialised);
}

template <class K>
std::optional<Error> run_on_host(const K& kernel, const HostRunOptions& options = {}) {
  using Thread = typename K::Thread;
  constexpr int threads = K::kThreads;
  static_assert(threads % kWarpSize == 0, "blocks of whole warps");
  std::vector<Thread> registers(threads);
  std::vector<float> shared(size_t(std::max(kernel.shared_floats(), 1)));
  std::unique_ptr<SharedAccessLog> log;
  if (options.check_barriers) log = std::make_unique<SharedAccessLog>(kernel.shared_floats());
  const int blocks = kernel.blocks();
  for (int block = 0; block < blocks; ++block) {
    fill_uninitialised(registers.data(), registers.size());
    fill_uninitialised(shared.data(), shared.size());
    if (log) log->start_block(block);
    const int steps = kernel.steps(block);
    for (int s = 0; s < steps; ++s) {
      if (log) log->start_step(s);
      StepEnd end = StepEnd::barrier;
      for (int t = 0; t < threads; ++t) {
        const StepEnd e = kernel.step(s, ThreadIndex{block, t}, registers[size_t(t)],
                                      SharedFloats(shared.data(), log.get(), t));
        if (t == 0) {
          end = e;
        } else if (e != end) {
          return Error{"block " + std::to_string(block) + ", step " + std::to_string(s) + ": thread " +
                       std::to_string(t) + " ends the step differently from thread 0 (a divergent barrier)"};
        }
      }
      if (log && log->finding()) return Error{"barrier check: " + *log->finding()};
      if (end == StepEnd::barrier) {
        if (log) log->barrier();
        continue;
      }
      if constexpr (requires(Thread t) { t.mma; }) {
        using Fragments = decltype(Thread::mma);
        for (int warp = 0; warp < threads / kWarpSize; ++warp) {
          Fragments* lanes[kWarpSize];
          for (int lane = 0; lane < kWarpSize; ++lane) lanes[lane] = &registers[size_t(warp * kWarpSize + lane)].mma;
          mma_on_host(lanes);
        }
      } else {
        return Error{"step " + std::to_string(s) + " ends in a tensor-core multiply, but the kernel's threads hold no fragments"};
      }
    }
  }
  return std::nullopt;
}

}  // namespace convt::cuda
