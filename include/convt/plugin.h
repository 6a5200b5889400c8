/* convt plugin ABI, version 2: bring your own conv_transpose2d.
 *
 * Build a shared library that exports the functions below (C linkage) and
 * run it with `convt check --plugin PATH.so` (or run, fuzz, bench).
 * convt judges it against its oracle exactly as it judges its own backends.
 * Version 2 adds the optional convt_plugin_math_mode; convt still loads
 * version 1 plugins (as strict float32).
 * Semantics are those of torch.nn.functional.conv_transpose2d:
 *
 *   h_out = (h_in - 1)*stride_h - 2*pad_h + dil_h*(kh - 1) + out_pad_h + 1
 *   y[n, g*Cog + co, ih*stride_h - pad_h + i*dil_h, iw*stride_w - pad_w + j*dil_w]
 *       += x[n, g*Cig + ci, ih, iw] * w[g*Cig + ci, co, i, j]      (+ bias[c])
 *
 * with Cig = c_in/groups and Cog = c_out/groups. Every problem convt passes
 * is one PyTorch accepts; n may be 0.
 */
#ifndef CONVT_PLUGIN_H
#define CONVT_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CONVT_PLUGIN_ABI_VERSION 2

/* What convt_plugin_math_mode returns: the floating-point contract the
   plugin computes under, which decides the error bound it is judged by. */
#define CONVT_MATH_STRICT 0     /* float32 products and sums */
#define CONVT_MATH_TF32_RNA 1   /* x and w rounded to TF32 (10 mantissa bits), to nearest */
#define CONVT_MATH_TF32_TRUNC 2 /* x and w truncated to TF32, as a tensor core may */

typedef struct convt_problem {
  int64_t n, c_in, h_in, w_in, c_out, kh, kw;
  int64_t stride_h, stride_w, pad_h, pad_w, out_pad_h, out_pad_w, dil_h, dil_w;
  int64_t groups, h_out, w_out;
} convt_problem;

/* Returns CONVT_PLUGIN_ABI_VERSION (2; a version 1 plugin returns 1). */
int convt_plugin_abi_version(void);

/* A short name, shown in reports and repro lines. */
const char *convt_plugin_name(void);

/* x: N x C_in x H_in x W_in, w: C_in x C_out/groups x kh x kw, bias: C_out or NULL,
   y: N x C_out x H_out x W_out, all contiguous float32. Returns 0 on success;
   any other value fails the case (the value is reported). */
int convt_plugin_conv_transpose2d(const convt_problem *p, const float *x, const float *w,
                                  const float *bias, float *y);

/* Optional: returns 0 if the implementation does not claim bitwise
   run-to-run determinism (convt then records differences between repeated
   runs instead of failing the case). Absent means it claims determinism. */
int convt_plugin_is_deterministic(void);

/* Optional, version 2: one of the CONVT_MATH_* constants. Absent (or a
   version 1 plugin) means CONVT_MATH_STRICT. Any other value refuses the
   plugin. */
int convt_plugin_math_mode(void);

#ifdef __cplusplus
}
#endif

#endif /* CONVT_PLUGIN_H */
