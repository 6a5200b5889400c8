// The GPU side of a step kernel (step_kernel.h): one __global__ wrapper
// that runs the steps of its block with a barrier or a warp multiply
// between them, and its launch. Included by the .cu files only.
#pragma once

#include <cuda_runtime.h>

#include <type_traits>

#include "optimized/cuda/step_kernel.h"
#include "optimized/cuda/warp_mma.h"

namespace convt::cuda {

template <class T, class = void>
struct HasFragments : std::false_type {};
template <class T>
struct HasFragments<T, std::void_t<decltype(std::declval<T&>().mma)>> : std::true_type {};

// The blocks per SM a kernel's registers must allow: K::kMinBlocksPerSm
// where the kernel says, else 1 (the second __launch_bounds__ argument).
template <class T, class = void>
struct MinBlocksPerSm : std::integral_constant<int, 1> {};
template <class T>
struct MinBlocksPerSm<T, std::void_t<decltype(T::kMinBlocksPerSm)>>
    : std::integral_constant<int, T::kMinBlocksPerSm> {};

template <class K>
__global__ void __launch_bounds__(K::kThreads, MinBlocksPerSm<K>::value) run_steps(const K kernel) {
  extern __shared__ float shared[];
  typename K::Thread registers;
  const ThreadIndex index{int(blockIdx.x), int(threadIdx.x)};
  const SharedFloats memory(shared);
  const int steps = kernel.steps(index.block);
  for (int s = 0; s < steps; ++s) {
    if (kernel.step(s, index, registers, memory) == StepEnd::barrier) {
      __syncthreads();
    } else {
      if constexpr (HasFragments<typename K::Thread>::value) mma_on_device(registers.mma);
    }
  }
}

// Launches the kernel's grid on `stream`; an empty grid launches nothing.
template <class K>
cudaError_t launch(const K& kernel, cudaStream_t stream) {
  const int blocks = kernel.blocks();
  if (blocks == 0) return cudaSuccess;
  const size_t bytes = size_t(kernel.shared_floats()) * sizeof(float);
  if (bytes > 48 * 1024) {
    const cudaError_t e =
        cudaFuncSetAttribute(run_steps<K>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(bytes));
    if (e != cudaSuccess) return e;
  }
  run_steps<K><<<blocks, K::kThreads, bytes, stream>>>(kernel);
  return cudaGetLastError();
}

}  // namespace convt::cuda
