// Code that both compilers compile: nvcc for the GPU (device functions and
// the __global__ wrappers) and the host C++ compiler for host execution
// (optimized/cuda/host_runner.h), which runs the very same kernel bodies
// on the CPU. Headers that use CONVT_HD are C++17 and include nothing of
// the harness, so that nvcc (C++17 here) compiles them.
#pragma once

#if defined(__CUDACC__)
#define CONVT_HD __host__ __device__ inline
#else
#define CONVT_HD inline
#endif

// True while nvcc compiles device code; host execution and the host pass
// of nvcc see false.
#if defined(__CUDA_ARCH__)
#define CONVT_ON_DEVICE 1
#else
#define CONVT_ON_DEVICE 0
#endif
