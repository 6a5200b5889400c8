// The channel-vectorized kernel for small planes (kernel.h, CvTask), written
// once over an ISA traits struct `I`; included by the kernel_<isa>.cpp files
// after kernel_impl.h, under the same rules (see there).

// Register-blocked micro-kernel: NR columns x NV vectors of rows; per
// reduction step it loads NV weight vectors and broadcasts one input of
// each column, read in place (xc: each column's input at channel 0, tap 0).
// The reduction runs over the chunks [k0, k1) of cb input channels only;
// `part` (NR x NV*VL) holds the tile's sums between calls: they start from
// the bias at chunk 0 and go to y after the last chunk (run_cv_task_impl).
template <class I, int NR, int NV>
void cv_micro(const CvTask& t, const float* const* xc, int64_t r0, const int64_t* xcol_y, int64_t ncols,
              int64_t k0, int64_t k1, float* part) {
  using V = typename I::V;
  constexpr int VL = I::VL;
  V acc[NR][NV];
  if (k0 == 0) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      const V b = t.bias ? I::load(t.bias + r0 + v * VL) : I::zero();
#pragma GCC unroll 12
      for (int c = 0; c < NR; ++c) acc[c][v] = b;
    }
  } else {
#pragma GCC unroll 12
    for (int c = 0; c < NR; ++c)
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[c][v] = I::load(part + c * NV * VL + v * VL);
  }
  const bool to_y = k1 >= t.cig;
  const int64_t rows = t.rows - r0 < NV * VL ? t.rows - r0 : NV * VL;
  const int64_t* yrow = t.yrow + r0;
  if (to_y) {
    // The output lines this tile will write, asked for first so that the
    // stores at its end find them in cache.
    for (int64_t r = 0; r < rows; ++r) {
      I::prefetch_write(t.y + yrow[r] + xcol_y[0]);
      I::prefetch_write(t.y + yrow[r] + xcol_y[ncols - 1]);
    }
  }
  const float* xr[NR];
#pragma GCC unroll 12
  for (int c = 0; c < NR; ++c) xr[c] = xc[c];
  const int64_t hw = t.hw;
  for (int64_t c0 = k0; c0 < k1; c0 += t.cb) {
    const int64_t cn = t.cig - c0 < t.cb ? t.cig - c0 : t.cb;
    for (int32_t a = 0; a < t.ntaps; ++a) {
      const int64_t width = int64_t(t.nv) * VL;
      const float* wp = t.w + (r0 / width * t.ptaps + t.taps[a]) * t.cig * width + c0 * width;
      int64_t off = t.toff[t.taps[a]] + c0 * hw;
      for (int64_t ci = 0; ci < cn; ++ci, wp += width, off += hw) {
        V wv[NV];
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) wv[v] = I::load(wp + v * VL);
#pragma GCC unroll 12
        for (int c = 0; c < NR; ++c) {
#pragma GCC unroll 4
          for (int v = 0; v < NV; ++v) acc[c][v] = I::fma(acc[c][v], wv[v], xr[c] + off);
        }
      }
    }
  }
  // (Loops unrolled with constant indices: acc must stay in registers.)
#pragma GCC unroll 12
  for (int c = 0; c < NR; ++c)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) I::store_prefix(part + c * NV * VL + v * VL, acc[c][v], VL);
  if (!to_y) return;
  // Lanes to their output elements: row r0 + v*VL + l of column c, row by
  // row, so that the stores that follow each other write the columns of
  // one output row (neighbours in y) rather than one column's rows, each
  // in another plane.
  for (int64_t r = 0; r < rows; ++r) {
    float* yr = t.y + yrow[r];
    for (int64_t c = 0; c < ncols; ++c) yr[xcol_y[c]] = part[c * NV * VL + r];
  }
}

template <class I, int NV, int NR>
struct CvDispatch {
  static void call(int nr, const CvTask& t, const float* const* xc, int64_t r0, const int64_t* ycol, int64_t ncols,
                   int64_t k0, int64_t k1, float* part) {
    if (nr == NR)
      cv_micro<I, NR, NV>(t, xc, r0, ycol, ncols, k0, k1, part);
    else
      CvDispatch<I, NV, NR - 1>::call(nr, t, xc, r0, ycol, ncols, k0, k1, part);
  }
};
template <class I, int NV>
struct CvDispatch<I, NV, 0> {
  static void call(int, const CvTask&, const float* const*, int64_t, const int64_t*, int64_t, int64_t, int64_t,
                   float*) {}
};

// A task's columns in tiles of nr, per block of nv vectors of rows (its
// weights stay in L2) every tile.
template <class I>
void run_cv_task_impl(const CvTask& t) {
  constexpr int VL = I::VL;
  const int64_t nr = t.nr, ntiles = (t.c1 - t.c0 + nr - 1) / nr;
  // Each column's input (at channel 0, tap offset 0) and output; a tile's
  // missing columns repeat its first (computed, not stored).
  const float* xcol[kCvMaxColumns];
  int64_t ycol[kCvMaxColumns];
  for (int64_t tile = 0; tile < ntiles; ++tile) {
    const int64_t col = t.c0 + tile * nr, ncols = t.c1 - col < nr ? t.c1 - col : nr;
    for (int64_t c = 0; c < nr; ++c) {
      const int64_t q = col + (c < ncols ? c : 0), n = q / t.npos, p = q % t.npos;
      xcol[tile * nr + c] = t.x + n * t.xstride + t.xg + t.xpos[p];
      ycol[tile * nr + c] = n * t.ystride + t.yg + t.ypos[p];
    }
  }
  // Cache blocking over the reduction: all tiles take one pass of chunks
  // before the next, so the pass's weights (about 32 KiB) are loaded from
  // L2 once and reused from L1 by every tile, where a tile running the
  // whole reduction would stream all the block's weights from L2 per tile.
  // The partial sums wait in `part` (exact: the order of each element's
  // FMAs is unchanged).
  const int64_t width = int64_t(t.nv) * VL;
  const int64_t chunk_bytes = int64_t(t.ntaps) * t.cb * width * int64_t(sizeof(float));
  const int64_t pass = chunk_bytes == 0 ? t.cig : t.cb * (chunk_bytes < 32768 ? 32768 / chunk_bytes : 1);
  alignas(64) float part[kCvMaxColumns * 4 * VL];
  for (int64_t r0 = 0; r0 < t.rows; r0 += width) {
    const int nv = t.nv;  // (the weights are zero past the rows)
    for (int64_t k0 = 0; k0 < t.cig; k0 += pass) {
      const int64_t k1 = t.cig - k0 < pass ? t.cig : k0 + pass;
      for (int64_t tile = 0; tile < ntiles; ++tile) {
        const int64_t col = t.c0 + tile * nr, ncols = t.c1 - col < nr ? t.c1 - col : nr;
        const float* const* xc = xcol + tile * nr;
        const int64_t* yc = ycol + tile * nr;
        float* pt = part + tile * nr * width;
        switch (nv) {
          case 1: CvDispatch<I, 1, (I::kMaxAcc < kCvMaxNr ? I::kMaxAcc : kCvMaxNr)>::call(int(nr), t, xc, r0, yc, ncols, k0, k1, pt); break;
          case 2: CvDispatch<I, 2, (I::kMaxAcc / 2 < kCvMaxNr ? I::kMaxAcc / 2 : kCvMaxNr)>::call(int(nr), t, xc, r0, yc, ncols, k0, k1, pt); break;
          case 3: CvDispatch<I, 3, (I::kMaxAcc / 3 < kCvMaxNr ? I::kMaxAcc / 3 : kCvMaxNr)>::call(int(nr), t, xc, r0, yc, ncols, k0, k1, pt); break;
          default: CvDispatch<I, 4, (I::kMaxAcc / 4 < kCvMaxNr ? I::kMaxAcc / 4 : kCvMaxNr)>::call(int(nr), t, xc, r0, yc, ncols, k0, k1, pt); break;
        }
      }
    }
  }
}
