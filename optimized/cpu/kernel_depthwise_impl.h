// The one-input-channel-per-group kernel (kernel.h, DwGeometry), written
// once over an ISA traits struct `I`; included by the kernel_<isa>.cpp files
// after kernel_impl.h, under the same rules (see there).
//
// Besides kernel_impl.h's operations, I provides:
//   Idx, load_idx(p)                 VL lane indices
//   permute1(p, idx), permute2(p, idx)   lane l = p[idx[l]], idx in [0, VL) or [0, 2*VL)
//   fma_lanes(acc, x, w, m)          acc + x * w lane by lane; masked lanes keep acc

// The task's input rows of plane ci, into the padded plane (its borders stay
// zero from the plan; they are only ever read by masked lanes).
inline void dw_copy_rows(const DwGeometry& G, const float* xc, float* plane, int64_t ih0, int64_t ih1) {
  for (int64_t ih = ih0; ih < ih1; ++ih) {
    const float* src = xc + ih * G.w_in;
    float* dst = plane + ih * G.pitch + G.lpad;
    for (int64_t i = 0; i < G.w_in; ++i) dst[i] = src[i];
  }
}

// A slot's input values: window kind 0 (the lanes read consecutive columns),
// 1 (they lie within VL columns) or 2 (within 2*VL).
template <class I>
__attribute__((always_inline)) inline typename I::V window(int kind, const float* src, typename I::Idx idx) {
  if (kind == 0) return I::load(src);
  if (kind == 1) return I::permute1(src, idx);
  return I::permute2(src, idx);
}

// One output row, any shape: per vector, row taps in order, slots in order.
template <class I>
void dw_row(const DwGeometry& G, int32_t nt, const float* const* rows, const float* const* wrows,
            typename I::V bias, float* yrow) {
  using V = typename I::V;
  constexpr int VL = I::VL;
  const int32_t S = G.slots;
  for (int64_t b = 0; b < G.nb; ++b) {
    const int64_t cls = b % G.classes;
    const int32_t* base = G.base + b * S;
    const uint32_t* mask = G.mask + b * S;
    V acc = bias;
    for (int32_t r = 0; r < nt; ++r) {
      const float* wv = wrows[r] + cls * S * VL;
      for (int32_t a = 0; a < S; ++a) {
        if (!mask[a]) continue;
        const float* src = rows[r] + base[a];
        const int64_t cs = cls * S + a;
        const V xv = window<I>(G.window, src, I::load_idx(G.idx + cs * VL));
        acc = I::fma_lanes(acc, xv, I::load(wv + a * VL), I::mask(mask[a]));
      }
    }
    const int64_t left = G.w_out - b * VL;
    I::store_prefix(yrow + b * VL, acc, left < VL ? int(left) : VL);
  }
}

// The same for the rows of a run, for one class (the stride divides VL),
// with NT row taps, S slots and the WINDOW kind known at compile time:
// weights and permute indices stay in registers, and the loop has no branch
// (a slot no lane takes has mask 0 and a base of 0). Same summation order
// as dw_row.
template <class I, int NT, int S, int WINDOW>
void dw_rows_fixed(const DwGeometry& G, const float* const* rows, const float* const* wrows, typename I::V bias,
                   float* yrow, int64_t nrows) {
  using V = typename I::V;
  constexpr int VL = I::VL;
  V wv[NT][S];
  typename I::Idx ix[S];
  const float* rp[NT];
#pragma GCC unroll 4
  for (int r = 0; r < NT; ++r) rp[r] = rows[r];
#pragma GCC unroll 4
  for (int a = 0; a < S; ++a) {
    ix[a] = I::load_idx(G.idx + a * VL);
#pragma GCC unroll 4
    for (int r = 0; r < NT; ++r) wv[r][a] = I::load(wrows[r] + a * VL);
  }
  // Locals, not G's members: the stores below may alias anything.
  const int64_t nb = G.nb, w_out = G.w_out, pitch = G.pitch, ystep = G.sh * G.w_out;
  for (int64_t row = 0; row < nrows; ++row, yrow += ystep) {
  if (row) {
#pragma GCC unroll 4
    for (int r = 0; r < NT; ++r) rp[r] += pitch;
  }
  const int32_t* base = G.base;
  const uint32_t* mask = G.mask;
  // Two vectors per iteration: two independent FMA chains.
  int64_t b = 0;
  for (; b + 2 <= nb; b += 2, base += 2 * S, mask += 2 * S) {
    typename I::M m[2][S];
    int64_t off[2][S];
#pragma GCC unroll 4
    for (int a = 0; a < S; ++a) {
      m[0][a] = I::mask(mask[a]);
      off[0][a] = base[a];
      m[1][a] = I::mask(mask[S + a]);
      off[1][a] = base[S + a];
    }
    V acc0 = bias, acc1 = bias;
#pragma GCC unroll 4
    for (int r = 0; r < NT; ++r) {
#pragma GCC unroll 4
      for (int a = 0; a < S; ++a) {
        const float* src0 = rp[r] + off[0][a];
        const float* src1 = rp[r] + off[1][a];
        const V x0 = window<I>(WINDOW, src0, ix[a]);
        const V x1 = window<I>(WINDOW, src1, ix[a]);
        acc0 = I::fma_lanes(acc0, x0, wv[r][a], m[0][a]);
        acc1 = I::fma_lanes(acc1, x1, wv[r][a], m[1][a]);
      }
    }
    const int64_t left = w_out - (b + 1) * VL;
    I::store_prefix(yrow + b * VL, acc0, VL);
    I::store_prefix(yrow + (b + 1) * VL, acc1, left < VL ? int(left) : VL);
  }
  for (; b < nb; ++b, base += S, mask += S) {
    V acc = bias;
#pragma GCC unroll 4
    for (int r = 0; r < NT; ++r) {
#pragma GCC unroll 4
      for (int a = 0; a < S; ++a) {
        const float* src = rp[r] + base[a];
        const V xv = window<I>(WINDOW, src, ix[a]);
        acc = I::fma_lanes(acc, xv, wv[r][a], I::mask(mask[a]));
      }
    }
    const int64_t left = w_out - b * VL;
    I::store_prefix(yrow + b * VL, acc, left < VL ? int(left) : VL);
  }
  }
}

template <class I, int NT, int S>
void dw_rows_window(const DwGeometry& G, const float* const* rows, const float* const* wrows, typename I::V bias,
                  float* yrow, int64_t nrows) {
  switch (G.window) {
    case 0: dw_rows_fixed<I, NT, S, 0>(G, rows, wrows, bias, yrow, nrows); break;
    case 1: dw_rows_fixed<I, NT, S, 1>(G, rows, wrows, bias, yrow, nrows); break;
    default: dw_rows_fixed<I, NT, S, 2>(G, rows, wrows, bias, yrow, nrows); break;
  }
}

template <class I, int NT>
void dw_row_slots(const DwGeometry& G, const float* const* rows, const float* const* wrows, typename I::V bias,
                  float* yrow, int64_t nrows) {
  switch (G.slots) {
    case 1: dw_rows_window<I, NT, 1>(G, rows, wrows, bias, yrow, nrows); break;
    case 2: dw_rows_window<I, NT, 2>(G, rows, wrows, bias, yrow, nrows); break;
    case 3: dw_rows_window<I, NT, 3>(G, rows, wrows, bias, yrow, nrows); break;
    default: dw_rows_window<I, NT, 4>(G, rows, wrows, bias, yrow, nrows); break;
  }
}

template <class I>
void dw_rows_dispatch(const DwGeometry& G, int32_t nt, const float* const* rows, const float* const* wrows,
                      typename I::V bias, float* yrow, int64_t nrows) {
  switch (nt) {
    case 1: dw_row_slots<I, 1>(G, rows, wrows, bias, yrow, nrows); break;
    case 2: dw_row_slots<I, 2>(G, rows, wrows, bias, yrow, nrows); break;
    case 3: dw_row_slots<I, 3>(G, rows, wrows, bias, yrow, nrows); break;
    default: dw_row_slots<I, 4>(G, rows, wrows, bias, yrow, nrows); break;
  }
}

template <class I>
void run_dw_task_impl(const DwTask& t) {
  using V = typename I::V;
  constexpr int VL = I::VL;
  const DwGeometry& G = *t.geo;
  const int64_t per_kh = int64_t(G.classes) * G.slots * VL;
  // The input rows that output rows [oh0, oh1) read (floor division: the
  // numerators may be negative).
  auto floor_div = [](int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  const int64_t ih0_raw = floor_div(t.oh0 + G.ph - (G.kh - 1) * G.dh, G.sh);
  const int64_t ih1_raw = floor_div(t.oh1 - 1 + G.ph, G.sh) + 1;
  const int64_t ih0 = ih0_raw > 0 ? ih0_raw : 0, ih1 = ih1_raw < G.h_in ? ih1_raw : G.h_in;
  int64_t copied = -1;
  for (int64_t co = t.co0; co < t.co1; ++co) {
    const int64_t ci = co / G.cog;
    if (ci != copied) {
      dw_copy_rows(G, t.x + (t.n * G.c_in + ci) * G.h_in * G.w_in, t.plane, ih0, ih1);
      copied = ci;
    }
    const float* wco = G.wvec + co * G.kh * per_kh;
    const V bias = G.bias ? I::set1(G.bias[co]) : I::zero();
    float* yc = t.y + (t.n * G.c_out + co) * G.h_out * G.w_out;
    for (int64_t run = 0; run < G.nruns; ++run) {
      // The run's rows first + k*sh, k in [k0, k1), inside [oh0, oh1).
      const int64_t first = G.runs[2 * run], count = G.runs[2 * run + 1];
      const int64_t k0 = t.oh0 > first ? (t.oh0 - first + G.sh - 1) / G.sh : 0;
      const int64_t k1_raw = t.oh1 > first ? (t.oh1 - first + G.sh - 1) / G.sh : 0;
      const int64_t k1 = k1_raw < count ? k1_raw : count;
      if (k0 >= k1) continue;
      // Row taps of the run's first row, kh ascending (the summation order);
      // each next row of the run reads the next input rows.
      const float* rows[kDwMaxRowTaps];
      const float* wrows[kDwMaxRowTaps];
      const int32_t nt = G.row_taps[first];
      const int32_t* kh_ih = G.row_kh_ih + first * 2 * G.max_row_taps;
      for (int32_t r = 0; r < nt; ++r) {
        wrows[r] = wco + kh_ih[2 * r] * per_kh;
        rows[r] = t.plane + (kh_ih[2 * r + 1] + k0) * G.pitch + G.lpad;
      }
      float* yrow = yc + (first + k0 * G.sh) * G.w_out;
      if (G.fixed && nt >= 1 && nt <= 4) {
        dw_rows_dispatch<I>(G, nt, rows, wrows, bias, yrow, k1 - k0);
        continue;
      }
      for (int64_t k = k0; k < k1; ++k, yrow += G.sh * G.w_out) {
        dw_row<I>(G, nt, rows, wrows, bias, yrow);
        for (int32_t r = 0; r < nt; ++r) rows[r] += G.pitch;
      }
    }
  }
}
