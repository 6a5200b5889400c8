/* An example convt plugin: conv_transpose2d in gather form, float32.
 *
 * Where the oracle scatters every input element into the outputs it reaches,
 * this computes each output element on its own: for every tap (i, j), the
 * input position it comes from is ih = (oh + pad_h - i*dil_h) / stride_h,
 * valid when that division is exact and ih is in range. It accumulates in
 * float32 in another order than the oracle, so it shows that convt judges a
 * correct implementation as correct without a hand-tuned tolerance.
 *
 *   cc -O2 -shared -fPIC -I include examples/gather_plugin.c -o gather_plugin.so
 *   build/convt check --plugin ./gather_plugin.so
 */
#include <convt/plugin.h>

int convt_plugin_abi_version(void) { return CONVT_PLUGIN_ABI_VERSION; }

const char *convt_plugin_name(void) { return "example-gather"; }

/* The input coordinate that tap k of an output coordinate reads, or -1. */
static int64_t source(int64_t out, int64_t k, int64_t stride, int64_t pad, int64_t dil, int64_t in) {
  const int64_t t = out + pad - k * dil;
  if (t < 0 || t % stride != 0 || t / stride >= in) return -1;
  return t / stride;
}

int convt_plugin_conv_transpose2d(const convt_problem *p, const float *x, const float *w,
                                  const float *bias, float *y) {
  const int64_t cig = p->c_in / p->groups, cog = p->c_out / p->groups;
  for (int64_t n = 0; n < p->n; ++n)
    for (int64_t c = 0; c < p->c_out; ++c) {
      const int64_t g = c / cog, co = c % cog;
      for (int64_t oh = 0; oh < p->h_out; ++oh)
        for (int64_t ow = 0; ow < p->w_out; ++ow) {
          float sum = 0.0f;
          for (int64_t i = 0; i < p->kh; ++i) {
            const int64_t ih = source(oh, i, p->stride_h, p->pad_h, p->dil_h, p->h_in);
            if (ih < 0) continue;
            for (int64_t j = 0; j < p->kw; ++j) {
              const int64_t iw = source(ow, j, p->stride_w, p->pad_w, p->dil_w, p->w_in);
              if (iw < 0) continue;
              for (int64_t ci = 0; ci < cig; ++ci) {
                const int64_t cin = g * cig + ci;
                sum += x[((n * p->c_in + cin) * p->h_in + ih) * p->w_in + iw] *
                       w[((cin * cog + co) * p->kh + i) * p->kw + j];
              }
            }
          }
          y[((n * p->c_out + c) * p->h_out + oh) * p->w_out + ow] = bias ? sum + bias[c] : sum;
        }
    }
  return 0;
}
