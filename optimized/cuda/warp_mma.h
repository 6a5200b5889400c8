// The tensor-core multiply of the TF32 kernel, mma.sync.aligned.m16n8k8
// .row.col.f32.tf32.tf32.f32, with its operands converted by
// cvt.rna.tf32.f32: the PTX instructions on the device, and on the host a
// function of the whole warp with the semantics the PTX ISA documents.
//
// Fragments (PTX ISA, "Matrix Fragments for mma.m16n8k8", .tf32), with
// group = lane / 4 and t = lane % 4:
//   A (16 x 8, row): a[0] = A[group][t],     a[1] = A[group + 8][t],
//                    a[2] = A[group][t + 4], a[3] = A[group + 8][t + 4]
//   B (8 x 8, col):  b[0] = B[t][group],     b[1] = B[t + 4][group]
//   C, D (16 x 8):   c[0] = C[group][2t],     c[1] = C[group][2t + 1],
//                    c[2] = C[group + 8][2t], c[3] = C[group + 8][2t + 1]
// D = A B + C. On the host the products (exact in float32 for TF32
// operands: 11-bit significands) are added to C in float32 in the order
// k = 0..7; the hardware's order is not documented, which the TF32 bound
// covers.
#pragma once

#include <cstdint>
#include <cstring>

#include "optimized/cuda/host_device.h"
#include "optimized/cuda/step_kernel.h"

namespace convt::cuda {

// A warp's operands for MI x NI multiplies of 16 x 8 x 8: MI fragments of A
// (16 rows each), NI of B (8 columns each), MI x NI accumulators.
template <int MI, int NI>
struct MmaFragments {
  static constexpr int kRowsA = MI;
  static constexpr int kColsB = NI;
  uint32_t a[MI][4];
  uint32_t b[NI][2];
  float c[MI][NI][4];
};

// cvt.rna.tf32.f32: to the nearest TF32 value (10 fraction bits), ties
// away from zero; the low 13 bits of the result are zero. NaN stays NaN.
CONVT_HD uint32_t to_tf32(float x) {
#if CONVT_ON_DEVICE
  uint32_t r;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
  return r;
#else
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0) return bits | 0x00400000u;
  return (bits + 0x1000u) & 0xffffe000u;  // magnitude + half an ulp, truncated
#endif
}

// What the TF32 kernel feeds a tensor core: x rounded by cvt.rna, except a
// subnormal (or zero), which passes as it is. Rounded, the smallest
// subnormals become zero, and conv_transpose2d's Inf x subnormal = Inf would
// turn into Inf x 0 = NaN, an error no relative bound covers; the
// reference-tf32 model makes the same choice. The host multiply uses the
// operand as given; what a tensor core does with a subnormal operand's low
// bits is for a check on a GPU to show.
CONVT_HD uint32_t tf32_operand(float x) {
#if CONVT_ON_DEVICE
  const uint32_t bits = __float_as_uint(x);
#else
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
#endif
  return (bits & 0x7f800000u) == 0 ? bits : to_tf32(x);
}

CONVT_HD float tf32_value(uint32_t bits) {
#if CONVT_ON_DEVICE
  return __uint_as_float(bits);
#else
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
#endif
}

#if defined(__CUDACC__)
// Each lane's part of the warp's multiplies, as the hardware does them.
template <int MI, int NI>
__device__ inline void mma_on_device(MmaFragments<MI, NI>& f) {
#pragma unroll
  for (int i = 0; i < MI; ++i) {
#pragma unroll
    for (int j = 0; j < NI; ++j) {
      float* c = f.c[i][j];
      asm volatile(
          "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
          "{%0,%1,%2,%3};"
          : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
          : "r"(f.a[i][0]), "r"(f.a[i][1]), "r"(f.a[i][2]), "r"(f.a[i][3]), "r"(f.b[j][0]), "r"(f.b[j][1]));
    }
  }
}
#endif

// The warp's multiplies on the host: lanes[l] is lane l's fragments.
template <int MI, int NI>
void mma_on_host(MmaFragments<MI, NI>* const (&lanes)[kWarpSize]) {
  for (int i = 0; i < MI; ++i) {
    for (int j = 0; j < NI; ++j) {
      float a[16][8], b[8][8], c[16][8];
      for (int lane = 0; lane < kWarpSize; ++lane) {
        const int group = lane / 4, t = lane % 4;
        const MmaFragments<MI, NI>& f = *lanes[lane];
        a[group][t] = tf32_value(f.a[i][0]);
        a[group + 8][t] = tf32_value(f.a[i][1]);
        a[group][t + 4] = tf32_value(f.a[i][2]);
        a[group + 8][t + 4] = tf32_value(f.a[i][3]);
        b[t][group] = tf32_value(f.b[j][0]);
        b[t + 4][group] = tf32_value(f.b[j][1]);
        c[group][2 * t] = f.c[i][j][0];
        c[group][2 * t + 1] = f.c[i][j][1];
        c[group + 8][2 * t] = f.c[i][j][2];
        c[group + 8][2 * t + 1] = f.c[i][j][3];
      }
      for (int row = 0; row < 16; ++row)
        for (int col = 0; col < 8; ++col)
          for (int k = 0; k < 8; ++k) c[row][col] += a[row][k] * b[k][col];
      for (int lane = 0; lane < kWarpSize; ++lane) {
        const int group = lane / 4, t = lane % 4;
        float* d = lanes[lane]->c[i][j];
        d[0] = c[group][2 * t];
        d[1] = c[group][2 * t + 1];
        d[2] = c[group + 8][2 * t];
        d[3] = c[group + 8][2 * t + 1];
      }
    }
  }
}

}  // namespace convt::cuda
