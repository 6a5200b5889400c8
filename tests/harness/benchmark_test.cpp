// Unit tests of convt bench's bookkeeping (harness/benchmark.h, peak.h):
// the FLOP count (against an independent count of the products the oracle
// forms, cropped ones included), the bytes, the benchmark names, and the
// peak loop's FLOP accounting. Nothing here is timed.
#include <gtest/gtest.h>

#include <string>

#include "harness/benchmark.h"
#include "harness/peak.h"
#include "reference/descriptor.h"
#include "tests/problem_text.h"

namespace convt::testing {
namespace {


// Every (input element, weight of its group) product, counted one by one:
// all of them (nominal), or those whose output position is inside the
// output (landing), as the oracle's loops form them.
double counted_flops(const Problem& p, bool landing_only) {
  double products = 0;
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t ci = 0; ci < p.c_in; ++ci)
      for (int64_t ih = 0; ih < p.h_in; ++ih)
        for (int64_t iw = 0; iw < p.w_in; ++iw)
          for (int64_t co = 0; co < p.c_out_per_group(); ++co)
            for (int64_t kh = 0; kh < p.kernel.h; ++kh)
              for (int64_t kw = 0; kw < p.kernel.w; ++kw) {
                const int64_t oh = ih * p.stride.h - p.padding.h + kh * p.dilation.h;
                const int64_t ow = iw * p.stride.w - p.padding.w + kw * p.dilation.w;
                const bool inside = oh >= 0 && oh < p.h_out() && ow >= 0 && ow < p.w_out();
                products += !landing_only || inside;
              }
  return 2 * products;
}

TEST(BenchmarkFlops, NominalCountsEveryProduct) {
  // 2 * N * C_in * H_in * W_in * (C_out / groups) * kH * kW
  EXPECT_EQ(nominal_flops_per_run(problem("mb2ic6ih5iw4oc9kh3kw2g3")), 2.0 * 2 * 6 * 5 * 4 * 3 * 3 * 2);
  // Stride, padding, dilation and output_padding change where products
  // land, not how many there are; groups divide them; the bias adds none.
  EXPECT_EQ(nominal_flops_per_run(problem("ic4ih5oc8kh3")),
            nominal_flops_per_run(problem("ic4ih5oc8kh3sh3ph2oph1dh2nobias")));
  EXPECT_EQ(nominal_flops_per_run(problem("ic4ih5oc8kh3g4")) * 4, nominal_flops_per_run(problem("ic4ih5oc8kh3")));
  EXPECT_EQ(nominal_flops_per_run(problem("mb0ic4ih4oc4kh3sh2ph1")), 0.0);
}

TEST(BenchmarkFlops, GflopsCountTheProductsThatLandInTheOutput) {
  for (const char* text : {"mb2ic6ih5iw4oc9kh3kw2g3", "mb3ic4ih3iw7oc6kh2kw5sh2ph1pw3oph1dw2g2nobias",
                           "ic8ih4oc8kh4sh2ph1g8", "ic1ih1oc1kh1", "ic2ih3oc2kh5ph2", "ic3ih6iw2oc2kh3kw4sh3sw2ph2pw3dh2"}) {
    EXPECT_EQ(flops_per_run(problem(text)), counted_flops(problem(text), true)) << text;
    EXPECT_EQ(nominal_flops_per_run(problem(text)), counted_flops(problem(text), false)) << text;
  }
  // Without padding every product lands.
  EXPECT_EQ(flops_per_run(problem("ic4ih5oc8kh3sh3oph1dh2")), nominal_flops_per_run(problem("ic4ih5oc8kh3sh3oph1dh2")));
  // DCGAN's second layer at batch 64: 14 of 16 (row, tap) pairs per axis land.
  EXPECT_EQ(flops_per_run(problem("mb64ic512ih4oc256kh4sh2ph1nobias")), 2.0 * 64 * 512 * 256 * 14 * 14);
  EXPECT_EQ(nominal_flops_per_run(problem("mb64ic512ih4oc256kh4sh2ph1nobias")), 2.0 * 64 * 512 * 16 * 256 * 16);
}

TEST(BenchmarkBytes, EachTensorOnceInFloat32) {
  // x 2*6*5*4 = 240, w 6*3*3*2 = 108, y 2*9*H*W with H = 7, W = 5, bias 9
  const Problem p = problem("mb2ic6ih5iw4oc9kh3kw2g3");
  ASSERT_EQ(p.h_out(), 7);
  ASSERT_EQ(p.w_out(), 5);
  EXPECT_EQ(bytes_per_run(p), 4.0 * (240 + 108 + 2 * 9 * 7 * 5 + 9));
  EXPECT_EQ(bytes_per_run(problem("mb2ic6ih5iw4oc9kh3kw2g3nobias")), 4.0 * (240 + 108 + 2 * 9 * 7 * 5));
}

TEST(BenchmarkName, BackendSlashCanonicalDescriptor) {
  EXPECT_EQ(benchmark_name("onednn", problem("ic8ih5oc12kh3sh2")),
            "onednn/mb1ic8ih5iw5oc12kh3kw3sh2sw2ph0pw0oph0opw0dh1dw1g1");
  EXPECT_EQ(benchmark_name("onednn-nchw", problem("mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4nobias")),
            "onednn-nchw/mb2ic8ih5iw7oc12kh3kw2sh2sw1ph1pw0oph1opw0dh1dw2g4nobias");
  // The same problem written differently has the same name.
  EXPECT_EQ(benchmark_name("cpu", problem("ic8_ih5_oc12_kh3_sh2")),
            benchmark_name("cpu", problem("mb1ic8ih5iw5oc12kh3kw3sh2sw2")));
}

TEST(Peak, LoopFlopsAndIsa) {
  // 16 chains of 16-lane FMAs (AVX-512), 12 of 8 lanes (AVX2), 8 scalar.
  EXPECT_EQ(peak_loop_flops("avx512f", 10), 10 * 16 * 16 * 2.0);
  EXPECT_EQ(peak_loop_flops("avx2+fma", 10), 10 * 12 * 8 * 2.0);
  EXPECT_EQ(peak_loop_flops("scalar", 10), 10 * 8 * 2.0);
  const std::string isa = peak_isa();
  EXPECT_TRUE(isa == "avx512f" || isa == "avx2+fma" || isa == "scalar") << isa;
  EXPECT_GE(cpu_cores(), 1);
  EXPECT_FALSE(cpu_model().empty());
}

}  // namespace
}  // namespace convt::testing
