/* Mutation testing of convt: one plain, correct conv_transpose2d plugin
 * (float32, gather form, include/convt/plugin.h) in which each classic
 * kernel bug can be switched on by a compile definition:
 *
 *   cc -O2 -shared -fPIC -I include -DMUTANT=MUTANT_STRIDE_SWAP tests/mutants/mutant.c -o m.so
 *
 * tests/mutants/mutants_test.cpp checks that `convt check` and `convt fuzz`
 * catch every mutant, and raise no false alarm on the unmutated variant.
 *
 *   MUTANT                         plugin name                bug it models
 *   ------------------------------ -------------------------- -------------------------------------------
 *   MUTANT_NONE (or undefined)     correct-reordered          none: the correct kernel, summing in yet
 *                                                             another order (see below)
 *   MUTANT_OUTPAD_ROWS             mutant-outpad-rows         the output_padding rows at the bottom are
 *                                                             never written (loop to h_out - out_pad_h)
 *   MUTANT_STRIDE_SWAP             mutant-stride-swap         stride_h and stride_w swapped
 *   MUTANT_PAD_ONE_AXIS            mutant-pad-one-axis        pad_h used for both axes
 *   MUTANT_DILATION_OFF_BY_ONE     mutant-dilation-off-by-one dilated taps step by dil + 1 (the gap
 *                                                             dil - 1 taken for dil); dil == 1 is right
 *   MUTANT_WIDTH_TAIL_SKIPPED      mutant-width-tail-skipped  the width loop runs in chunks of 8; the
 *                                                             w_out % 8 tail is never computed
 *   MUTANT_CHANNEL_REMAINDER       mutant-channel-remainder   the reduction over input channels runs in
 *                                                             blocks of 4; the c_in/groups % 4 remainder
 *                                                             is dropped
 *   MUTANT_GROUP_INDEX             mutant-group-index         the group of output channel c taken as
 *                                                             c % groups (interleaved) instead of
 *                                                             c / (c_out/groups) (blocked)
 *   MUTANT_BIAS_FIRST_BATCH        mutant-bias-first-batch    the bias added to batch item 0 only
 *   MUTANT_ZERO_WEIGHT_SKIP        mutant-zero-weight-skip    products with a zero weight skipped (a
 *                                                             "sparsity" shortcut): NaN*0 and Inf*0 lost
 *   MUTANT_BF16_PRODUCTS           mutant-bf16-products       every product rounded to bfloat16 before
 *                                                             it is accumulated
 *   MUTANT_OOB_WRITE               mutant-oob-write           the width tail loop runs to ow <= w_out:
 *                                                             one element past every row; inside the
 *                                                             output it is overwritten later, after the
 *                                                             last row it lands one past the output
 *   MUTANT_RACY_REDUCTION          mutant-racy-reduction      split-K over the kernel taps whose partial
 *                                                             sums arrive in a different order from call
 *                                                             to call (a static call counter alternates
 *                                                             the first tap), while the plugin claims
 *                                                             determinism: runs differ in the last bits
 *   MUTANT_KERNEL_FLIP             mutant-kernel-flip         the kernel used flipped (w[kh-1-i][kw-1-j]),
 *                                                             convolution confused with correlation
 *   MUTANT_CONV2D_WEIGHT_LAYOUT    mutant-conv2d-weight-layout
 *                                                             the weight read in conv2d's layout
 *                                                             C_out x C_in/groups x kh x kw instead of
 *                                                             conv_transpose2d's C_in x C_out/groups x ...
 *
 * Three more variants are correct but on problems with C_in = 3, where the
 * plugin itself fails as a process (tests/mutants/mutants_test.cpp checks
 * that each fails exactly those cases, in worker processes, and that the
 * run goes on):
 *
 *   MUTANT_SEGFAULT                mutant-segfault            writes through a null pointer (SIGSEGV)
 *   MUTANT_ABORT                   mutant-abort               calls abort() (SIGABRT)
 *   MUTANT_HANG                    mutant-hang                never returns
 *
 * The correct kernel computes every output element on its own (gather
 * form): y[n, c, oh, ow] = bias[c] + sum over taps (j from kw-1 down to 0,
 * outermost; then i from kh-1 down to 0) of the sum over the group's input
 * channels, in blocks of 4 summed pairwise ((p0 + p1) + (p2 + p3)) and then
 * the remainder one by one. That order differs from the oracle's (scatter,
 * in double) and from examples/gather_plugin.c's (channels outermost, taps
 * ascending), so the unmutated variant shows that a correct kernel passes
 * whatever its order of summation. The width loop is vectorization-shaped:
 * chunks of 8 output columns computed lane by lane, then a scalar tail.
 */
#define _POSIX_C_SOURCE 200809L /* sleep() */
#include <convt/plugin.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MUTANT_NONE 0
#define MUTANT_OUTPAD_ROWS 1
#define MUTANT_STRIDE_SWAP 2
#define MUTANT_PAD_ONE_AXIS 3
#define MUTANT_DILATION_OFF_BY_ONE 4
#define MUTANT_WIDTH_TAIL_SKIPPED 5
#define MUTANT_CHANNEL_REMAINDER 6
#define MUTANT_GROUP_INDEX 7
#define MUTANT_BIAS_FIRST_BATCH 8
#define MUTANT_ZERO_WEIGHT_SKIP 9
#define MUTANT_BF16_PRODUCTS 10
#define MUTANT_OOB_WRITE 11
#define MUTANT_RACY_REDUCTION 12
#define MUTANT_KERNEL_FLIP 13
#define MUTANT_CONV2D_WEIGHT_LAYOUT 14
#define MUTANT_SEGFAULT 15
#define MUTANT_ABORT 16
#define MUTANT_HANG 17

#ifndef MUTANT
#define MUTANT MUTANT_NONE
#endif

#if MUTANT == MUTANT_NONE
#define PLUGIN_NAME "correct-reordered"
#elif MUTANT == MUTANT_OUTPAD_ROWS
#define PLUGIN_NAME "mutant-outpad-rows"
#elif MUTANT == MUTANT_STRIDE_SWAP
#define PLUGIN_NAME "mutant-stride-swap"
#elif MUTANT == MUTANT_PAD_ONE_AXIS
#define PLUGIN_NAME "mutant-pad-one-axis"
#elif MUTANT == MUTANT_DILATION_OFF_BY_ONE
#define PLUGIN_NAME "mutant-dilation-off-by-one"
#elif MUTANT == MUTANT_WIDTH_TAIL_SKIPPED
#define PLUGIN_NAME "mutant-width-tail-skipped"
#elif MUTANT == MUTANT_CHANNEL_REMAINDER
#define PLUGIN_NAME "mutant-channel-remainder"
#elif MUTANT == MUTANT_GROUP_INDEX
#define PLUGIN_NAME "mutant-group-index"
#elif MUTANT == MUTANT_BIAS_FIRST_BATCH
#define PLUGIN_NAME "mutant-bias-first-batch"
#elif MUTANT == MUTANT_ZERO_WEIGHT_SKIP
#define PLUGIN_NAME "mutant-zero-weight-skip"
#elif MUTANT == MUTANT_BF16_PRODUCTS
#define PLUGIN_NAME "mutant-bf16-products"
#elif MUTANT == MUTANT_OOB_WRITE
#define PLUGIN_NAME "mutant-oob-write"
#elif MUTANT == MUTANT_RACY_REDUCTION
#define PLUGIN_NAME "mutant-racy-reduction"
#elif MUTANT == MUTANT_KERNEL_FLIP
#define PLUGIN_NAME "mutant-kernel-flip"
#elif MUTANT == MUTANT_CONV2D_WEIGHT_LAYOUT
#define PLUGIN_NAME "mutant-conv2d-weight-layout"
#elif MUTANT == MUTANT_SEGFAULT
#define PLUGIN_NAME "mutant-segfault"
#elif MUTANT == MUTANT_ABORT
#define PLUGIN_NAME "mutant-abort"
#elif MUTANT == MUTANT_HANG
#define PLUGIN_NAME "mutant-hang"
#else
#error "unknown MUTANT"
#endif

int convt_plugin_abi_version(void) { return CONVT_PLUGIN_ABI_VERSION; }

const char *convt_plugin_name(void) { return PLUGIN_NAME; }

/* Every variant claims bitwise run-to-run determinism (the racy one wrongly). */
int convt_plugin_is_deterministic(void) { return 1; }

/* The geometry as the kernel uses it (where the axis mutants strike). */
typedef struct geometry {
  int64_t stride_h, stride_w, pad_h, pad_w, dil_h, dil_w;
} geometry;

/* The input coordinate that tap k of output coordinate `out` reads, or -1. */
static int64_t source(int64_t out, int64_t k, int64_t stride, int64_t pad, int64_t dil, int64_t in) {
#if MUTANT == MUTANT_DILATION_OFF_BY_ONE
  const int64_t offset = dil == 1 ? k : k * (dil + 1);
#else
  const int64_t offset = k * dil;
#endif
  const int64_t t = out + pad - offset;
  if (t < 0 || t % stride != 0 || t / stride >= in) return -1;
  return t / stride;
}

#if MUTANT == MUTANT_BF16_PRODUCTS
/* Round to the nearest bfloat16 (ties to even), NaN and Inf kept. */
static float to_bf16(float v) {
  uint32_t u;
  memcpy(&u, &v, sizeof u);
  if ((u & 0x7f800000u) != 0x7f800000u) u += 0x7fffu + ((u >> 16) & 1u);
  u &= 0xffff0000u;
  memcpy(&v, &u, sizeof v);
  return v;
}
#endif

static float product(float xv, float wv) {
#if MUTANT == MUTANT_ZERO_WEIGHT_SKIP
  if (wv == 0.0f) return 0.0f;
#endif
#if MUTANT == MUTANT_BF16_PRODUCTS
  return to_bf16(xv * wv);
#else
  return xv * wv;
#endif
}

/* One output element without its bias: the sum over the kernel taps, j
   outermost and descending, of the sum over the group's input channels.
   `first_tap` rotates the order of the taps (0 everywhere but in the racy
   mutant). */
static float element(const convt_problem *p, const geometry *geo, const float *x, const float *w,
                     int64_t n, int64_t c, int64_t oh, int64_t ow, int64_t first_tap) {
  const int64_t cig = p->c_in / p->groups, cog = p->c_out / p->groups;
#if MUTANT == MUTANT_GROUP_INDEX
  const int64_t g = c % p->groups;
#else
  const int64_t g = c / cog;
#endif
  const int64_t taps = p->kh * p->kw;
  const int64_t x_channel = p->h_in * p->w_in;
#if MUTANT == MUTANT_CONV2D_WEIGHT_LAYOUT
  const int64_t w_channel = taps; /* consecutive input channels of one output channel */
#else
  const int64_t w_channel = cog * taps;
#endif
  float acc = 0.0f;
  for (int64_t t = 0; t < taps; ++t) {
    const int64_t tap = (t + first_tap) % taps;
    const int64_t j = p->kw - 1 - tap / p->kh, i = p->kh - 1 - tap % p->kh;
    const int64_t ih = source(oh, i, geo->stride_h, geo->pad_h, geo->dil_h, p->h_in);
    if (ih < 0) continue;
    const int64_t iw = source(ow, j, geo->stride_w, geo->pad_w, geo->dil_w, p->w_in);
    if (iw < 0) continue;
#if MUTANT == MUTANT_KERNEL_FLIP
    const int64_t wi = p->kh - 1 - i, wj = p->kw - 1 - j;
#else
    const int64_t wi = i, wj = j;
#endif
    const float *xs = x + ((n * p->c_in + g * cig) * p->h_in + ih) * p->w_in + iw;
#if MUTANT == MUTANT_CONV2D_WEIGHT_LAYOUT
    const float *ws = w + ((c * cig) * p->kh + wi) * p->kw + wj;
#else
    const int64_t co = c % cog;
    const float *ws = w + (((g * cig) * cog + co) * p->kh + wi) * p->kw + wj;
#endif
    int64_t ci = 0;
    for (; ci + 4 <= cig; ci += 4) {
      const float p0 = product(xs[(ci + 0) * x_channel], ws[(ci + 0) * w_channel]);
      const float p1 = product(xs[(ci + 1) * x_channel], ws[(ci + 1) * w_channel]);
      const float p2 = product(xs[(ci + 2) * x_channel], ws[(ci + 2) * w_channel]);
      const float p3 = product(xs[(ci + 3) * x_channel], ws[(ci + 3) * w_channel]);
      acc += (p0 + p1) + (p2 + p3);
    }
#if MUTANT != MUTANT_CHANNEL_REMAINDER
    for (; ci < cig; ++ci) acc += product(xs[ci * x_channel], ws[ci * w_channel]);
#endif
  }
  return acc;
}

int convt_plugin_conv_transpose2d(const convt_problem *p, const float *x, const float *w,
                                  const float *bias, float *y) {
#if MUTANT == MUTANT_SEGFAULT
  if (p->c_in == 3) {
    volatile uintptr_t nowhere = 0; /* opaque to the compiler: a plain store, not a trap */
    *(float *)nowhere = 1.0f;
  }
#elif MUTANT == MUTANT_ABORT
  if (p->c_in == 3) abort();
#elif MUTANT == MUTANT_HANG
  if (p->c_in == 3)
    for (;;) sleep(1);
#endif
  geometry geo = {p->stride_h, p->stride_w, p->pad_h, p->pad_w, p->dil_h, p->dil_w};
#if MUTANT == MUTANT_STRIDE_SWAP
  geo.stride_h = p->stride_w;
  geo.stride_w = p->stride_h;
#endif
#if MUTANT == MUTANT_PAD_ONE_AXIS
  geo.pad_w = p->pad_h;
#endif
#if MUTANT == MUTANT_OUTPAD_ROWS
  const int64_t rows = p->h_out - p->out_pad_h;
#else
  const int64_t rows = p->h_out;
#endif
#if MUTANT == MUTANT_RACY_REDUCTION
  /* Two workers race for the first tap: the winner alternates per call. */
  static unsigned long calls;
  const int64_t first_tap = (int64_t)(calls++ & 1u);
#else
  const int64_t first_tap = 0;
#endif
  const int64_t W = p->w_out;
  for (int64_t n = 0; n < p->n; ++n)
    for (int64_t c = 0; c < p->c_out; ++c) {
#if MUTANT == MUTANT_BIAS_FIRST_BATCH
      const float b = bias && n == 0 ? bias[c] : 0.0f;
#else
      const float b = bias ? bias[c] : 0.0f;
#endif
      for (int64_t oh = 0; oh < rows; ++oh) {
        float *row = y + ((n * p->c_out + c) * p->h_out + oh) * W;
        int64_t ow = 0;
        for (; ow + 8 <= W; ow += 8) {
          float lane[8];
          for (int l = 0; l < 8; ++l) lane[l] = element(p, &geo, x, w, n, c, oh, ow + l, first_tap);
          for (int l = 0; l < 8; ++l) row[ow + l] = bias ? lane[l] + b : lane[l];
        }
#if MUTANT == MUTANT_WIDTH_TAIL_SKIPPED
        /* the tail is forgotten */
#elif MUTANT == MUTANT_OOB_WRITE
        for (; ow <= W; ++ow) row[ow] = element(p, &geo, x, w, n, c, oh, ow, first_tap) + b;
#else
        for (; ow < W; ++ow) {
          const float v = element(p, &geo, x, w, n, c, oh, ow, first_tap);
          row[ow] = bias ? v + b : v;
        }
#endif
      }
    }
  return 0;
}
