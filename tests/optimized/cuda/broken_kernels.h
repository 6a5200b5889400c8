// Step kernels (optimized/cuda/step_kernel.h) for the tests of the host
// runner and its barrier check: small correct kernels that share data
// through shared memory across barriers, and the same kernels broken in
// one way each (a barrier missing, two writers, an index outside the
// block's shared memory, threads that end a step differently). Host only:
// they record through plain host pointers.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "optimized/cuda/step_kernel.h"
#include "optimized/cuda/warp_mma.h"

namespace convt::cuda::testing {

// out[i] = in[i] + 1000 * in[block * kThreads + (t + shift) % kThreads]:
// step 0 loads the thread's input into a register, step 1 stores it to
// shared memory, step 2 reads the neighbour's and writes out. In block
// `racy_block` the barrier between the store and the read is missing: its
// steps 1 and 2 are one step.
struct ExchangeKernel {
  static constexpr int kThreads = 64;
  struct Thread {
    float mine;
  };

  const float* in = nullptr;
  float* out = nullptr;
  int block_count = 1;
  int shift = 1;
  int racy_block = -1;

  int blocks() const { return block_count; }
  int shared_floats() const { return kThreads; }
  int steps(int block) const { return block == racy_block ? 2 : 3; }

  StepEnd step(int s, const ThreadIndex& i, Thread& r, SharedFloats shared) const {
    const int global = i.block * kThreads + i.thread;
    if (s == 0) {
      r.mine = in[global];
      return StepEnd::barrier;
    }
    if (s == 1) {
      shared.store(i.thread, r.mine);
      if (i.block != racy_block) return StepEnd::barrier;
    }
    out[global] = r.mine + 1000.0f * shared.load((i.thread + shift) % kThreads);
    return StepEnd::barrier;
  }
};

// A rotation in place: shared[t] = shared[(t + 1) % kThreads], then out
// reads shared[t]. Correct with a barrier between reading the neighbour
// and overwriting the own float (`split`); without it a thread overwrites
// a float its neighbour reads in the same step (write after read).
struct RotateInPlaceKernel {
  static constexpr int kThreads = 64;
  struct Thread {
    float next;
  };

  const float* in = nullptr;
  float* out = nullptr;
  bool split = true;

  int blocks() const { return 1; }
  int shared_floats() const { return kThreads; }
  int steps(int) const { return split ? 4 : 3; }

  StepEnd step(int s, const ThreadIndex& i, Thread& r, SharedFloats shared) const {
    const int t = i.thread;
    if (s == 0) {
      shared.store(t, in[t]);
      return StepEnd::barrier;
    }
    if (split) {
      if (s == 1) r.next = shared.load((t + 1) % kThreads);
      if (s == 2) shared.store(t, r.next);
      if (s == 3) out[t] = shared.load(t);
      return StepEnd::barrier;
    }
    if (s == 1) shared.store(t, shared.load((t + 1) % kThreads));
    if (s == 2) out[t] = shared.load(t);
    return StepEnd::barrier;
  }
};

// Every thread stores to shared float t / `divisor`: with divisor 1 each
// its own, with 2 two threads the same float in one step.
struct CollisionKernel {
  static constexpr int kThreads = 32;
  struct Thread {};

  int divisor = 1;

  int blocks() const { return 1; }
  int shared_floats() const { return kThreads; }
  int steps(int) const { return 1; }

  StepEnd step(int, const ThreadIndex& i, Thread&, SharedFloats shared) const {
    shared.store(i.thread / divisor, float(i.thread));
    return StepEnd::barrier;
  }
};

// All threads read shared float 0 after a barrier; thread `writer` (when
// not negative) then overwrites it in the same step, racing with the
// other readers.
struct BroadcastKernel {
  static constexpr int kThreads = 32;
  struct Thread {};

  const float* in = nullptr;
  float* out = nullptr;
  int writer = -1;

  int blocks() const { return 1; }
  int shared_floats() const { return kThreads; }
  int steps(int) const { return 2; }

  StepEnd step(int s, const ThreadIndex& i, Thread&, SharedFloats shared) const {
    if (s == 0) {
      shared.store(i.thread, in[i.thread]);
      return StepEnd::barrier;
    }
    out[i.thread] = shared.load(0);
    if (i.thread == writer) shared.store(0, -1.0f);
    return StepEnd::barrier;
  }
};

// One step in which each thread writes its own float, reads it back,
// writes it again and reads it again: out[t] = 2 * in[t] + 1. No race.
struct OwnFloatKernel {
  static constexpr int kThreads = 64;
  struct Thread {};

  const float* in = nullptr;
  float* out = nullptr;

  int blocks() const { return 2; }
  int shared_floats() const { return kThreads; }
  int steps(int) const { return 1; }

  StepEnd step(int, const ThreadIndex& i, Thread&, SharedFloats shared) const {
    const int global = i.block * kThreads + i.thread;
    shared.store(i.thread, in[global]);
    shared.store(i.thread, 2.0f * shared.load(i.thread) + 1.0f);
    out[global] = shared.load(i.thread);
    return StepEnd::barrier;
  }
};

// Declares no shared memory (the host runner still allocates one float)
// and lets thread `thread` store to, or load from, shared float 0: an
// index outside the block's shared memory, without touching memory the
// host run does not own.
struct OutOfBoundsKernel {
  static constexpr int kThreads = 32;
  struct Thread {};

  int thread = 3;
  bool store = true;

  int blocks() const { return 1; }
  int shared_floats() const { return 0; }
  int steps(int) const { return 1; }

  StepEnd step(int, const ThreadIndex& i, Thread&, SharedFloats shared) const {
    if (i.thread == thread) {
      if (store)
        shared.store(0, 1.0f);
      else
        (void)shared.load(0);
    }
    return StepEnd::barrier;
  }
};

// Two steps; in step 1 of block `divergent_block` the threads of warp 1
// end in a tensor-core multiply while warp 0 ends in a barrier (a
// __syncthreads under a condition that differs between threads).
struct DivergentKernel {
  static constexpr int kThreads = 64;
  struct Thread {};

  int block_count = 2;
  int divergent_block = 1;

  int blocks() const { return block_count; }
  int shared_floats() const { return 0; }
  int steps(int) const { return 2; }

  StepEnd step(int s, const ThreadIndex& i, Thread&, SharedFloats) const {
    if (s == 1 && i.block == divergent_block && i.warp() == 1) return StepEnd::warp_mma;
    return StepEnd::barrier;
  }
};

// Every thread ends step 0 in a tensor-core multiply, but Thread holds no
// fragments.
struct MmaWithoutFragmentsKernel {
  static constexpr int kThreads = 32;
  struct Thread {};

  int blocks() const { return 1; }
  int shared_floats() const { return 0; }
  int steps(int) const { return 1; }

  StepEnd step(int, const ThreadIndex&, Thread&, SharedFloats) const { return StepEnd::warp_mma; }
};

// Step 0 stores the thread's input to shared memory and ends in
// `first_end`; step 1 reads the neighbour's float. A warp's multiply is
// no barrier: ending step 0 in one leaves the race.
struct MmaRaceKernel {
  static constexpr int kThreads = 64;
  struct Thread {
    MmaFragments<1, 1> mma;
  };

  const float* in = nullptr;
  float* out = nullptr;
  StepEnd first_end = StepEnd::barrier;

  int blocks() const { return 1; }
  int shared_floats() const { return kThreads; }
  int steps(int) const { return 2; }

  StepEnd step(int s, const ThreadIndex& i, Thread& r, SharedFloats shared) const {
    if (s == 0) {
      for (uint32_t& a : r.mma.a[0]) a = 0;
      for (uint32_t& b : r.mma.b[0]) b = 0;
      for (float& c : r.mma.c[0][0]) c = 0.0f;
      shared.store(i.thread, in[i.thread]);
      return first_end;
    }
    out[i.thread] = shared.load((i.thread + 1) % kThreads) + r.mma.c[0][0][0];
    return StepEnd::barrier;
  }
};

// Fragments in, the warp's multiply, fragments out: thread i of the grid
// starts with in[i] and ends with out[i].
struct MmaKernel {
  static constexpr int kThreads = 64;
  struct Thread {
    MmaFragments<1, 1> mma;
  };

  const MmaFragments<1, 1>* in = nullptr;
  MmaFragments<1, 1>* out = nullptr;
  int block_count = 1;

  int blocks() const { return block_count; }
  int shared_floats() const { return 0; }
  int steps(int) const { return 2; }

  StepEnd step(int s, const ThreadIndex& i, Thread& r, SharedFloats) const {
    const int global = i.block * kThreads + i.thread;
    if (s == 0) {
      r.mma = in[global];
      return StepEnd::warp_mma;
    }
    out[global] = r.mma;
    return StepEnd::barrier;
  }
};

// Step 0: thread t stores t + 1 + 100 * block; step 1: every thread sums
// all kThreads floats, seeing every store of step 0.
struct SumKernel {
  static constexpr int kThreads = 96;
  struct Thread {};

  float* out = nullptr;
  int block_count = 2;

  int blocks() const { return block_count; }
  int shared_floats() const { return kThreads; }
  int steps(int) const { return 2; }

  StepEnd step(int s, const ThreadIndex& i, Thread&, SharedFloats shared) const {
    if (s == 0) {
      shared.store(i.thread, float(i.thread + 1 + 100 * i.block));
      return StepEnd::barrier;
    }
    float sum = 0.0f;
    for (int k = 0; k < kThreads; ++k) sum += shared.load(k);
    out[i.block * kThreads + i.thread] = sum;
    return StepEnd::barrier;
  }
};

// Records every call as (block, step, thread); block b has b + 1 steps.
struct TraceKernel {
  static constexpr int kThreads = 64;
  struct Thread {};
  struct Call {
    int block, step, thread;
  };

  std::vector<Call>* calls = nullptr;

  int blocks() const { return 3; }
  int shared_floats() const { return 0; }
  int steps(int block) const { return block + 1; }

  StepEnd step(int s, const ThreadIndex& i, Thread&, SharedFloats) const {
    calls->push_back({i.block, s, i.thread});
    return StepEnd::barrier;
  }
};

// Block 0 stores to every shared float and reads it back; block 1 only
// reads (before any write of its own): out holds what each read.
struct FreshSharedKernel {
  static constexpr int kThreads = 32;
  struct Thread {};

  float* out = nullptr;

  int blocks() const { return 2; }
  int shared_floats() const { return kThreads; }
  int steps(int) const { return 2; }

  StepEnd step(int s, const ThreadIndex& i, Thread&, SharedFloats shared) const {
    if (s == 0) {
      if (i.block == 0) shared.store(i.thread, float(i.thread));
      return StepEnd::barrier;
    }
    out[i.block * kThreads + i.thread] = shared.load(i.thread);
    return StepEnd::barrier;
  }
};

// Step 0 reports the registers as the thread finds them (3 words per
// thread), then writes them; step 1 reports them again, so that a block
// sees its own writes from step to step and not those of the block before.
struct RegistersKernel {
  static constexpr int kThreads = 32;
  struct Thread {
    float f[2];
    uint32_t u;
  };

  uint32_t* first = nullptr;   // 3 words per thread of the grid, step 0
  uint32_t* second = nullptr;  // the same, step 1

  int blocks() const { return 2; }
  int shared_floats() const { return 0; }
  int steps(int) const { return 2; }

  StepEnd step(int s, const ThreadIndex& i, Thread& r, SharedFloats) const {
    uint32_t* dst = (s == 0 ? first : second) + 3 * (i.block * kThreads + i.thread);
    std::memcpy(&dst[0], &r.f[0], 4);
    std::memcpy(&dst[1], &r.f[1], 4);
    dst[2] = r.u;
    if (s == 0) {
      r.f[0] = float(i.thread);
      r.f[1] = -1.0f;
      r.u = uint32_t(i.block);
    }
    return StepEnd::barrier;
  }
};

}  // namespace convt::cuda::testing
