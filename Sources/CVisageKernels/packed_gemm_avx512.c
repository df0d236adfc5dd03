// The packed product of packed_gemm.c with AVX-512 (same packing, same results to the bit).
//
// One zmm holds a panel's 16 rows, so a panel and a tile make 6 accumulators; the register
// block is two panels × two tiles (16 × 12 columns twice: 24 of the 32 zmm registers), so that
// per k two panel loads and twelve broadcasts feed 24 FMAs, and each panel row pair and each
// tile is read half as often as by one panel × one tile. Odd panel or tile counts end with a
// one-panel or one-tile block. Every output element is still one fused multiply-add per k in
// order, so the sums equal the AVX2 kernel's.
#include "visage_packed_gemm.h"
#include "packed_gemm_store.h"

enum { Rows = VISAGE_PACKED_GEMM_ROWS, Columns = VISAGE_PACKED_GEMM_COLUMNS };

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx2,fma")))

// The epilogue of a block of 16 rows × `width` (6 or 8) columns from row r0 and column c0, in
// registers: bias and scale (and, without accumulation, the ReLU) on the column vectors, then a
// transpose into rows (two rows per zmm: columns 0-3 from the unpacked and shuffled columns 0-3,
// columns 4 on from those of 4-7) and masked stores of `width` floats per row, the upper row of
// each zmm stored through a base eight floats back (masked lanes are not written and do not
// fault). A block reaching past m or n is stored value by value. Each value takes the scalar
// epilogue's operations in its order (visage_packed_gemm_store: alpha · (sum + shift), + C, then
// max(0, v), which keeps −0 and NaN as `v < 0 ? 0 : v` does), so the results are equal to the bit.
AVX512 static inline __attribute__((always_inline)) void
store_block(const __m512 *acc, const int width, int m, int n, int r0, int c0, const float *bias, float alpha,
            int accumulate, int relu, float *c, int ldc) {
    // Only the panel's rows inside m are read from the bias (masked lanes do not fault).
    const __mmask16 inside = m - r0 >= Rows ? (__mmask16)0xFFFF : (__mmask16)((1u << (m - r0)) - 1);
    const __m512 shift = bias ? _mm512_maskz_loadu_ps(inside, bias + r0) : _mm512_setzero_ps();
    const __m512 scale = _mm512_set1_ps(alpha), zero = _mm512_setzero_ps();
    __m512 v[8];
    for (int j = 0; j < width; j++) v[j] = _mm512_mul_ps(scale, _mm512_add_ps(acc[j], shift));
    if (r0 + Rows > m || c0 + width > n) {
        float sums[Rows * 8] __attribute__((aligned(64)));  // sums[j * 16 + r]
        for (int j = 0; j < width; j++) _mm512_store_ps(sums + j * Rows, v[j]);
        const int rows = m - r0 < Rows ? m - r0 : Rows, count = n - c0 < width ? n - c0 : width;
        for (int r = 0; r < rows; r++) {
            float *out = c + (long)(r0 + r) * ldc + c0;
            for (int j = 0; j < count; j++) {
                float value = sums[j * Rows + r];
                if (accumulate) value += out[j];
                out[j] = relu && value < 0 ? 0 : value;
            }
        }
        return;
    }
    if (relu && !accumulate)
        for (int j = 0; j < width; j++) v[j] = _mm512_max_ps(zero, v[j]);
    if (width == 6) v[6] = v[4], v[7] = v[5];  // lanes that are not stored
    // Per 128-bit lane L (rows 4L ..< 4L + 4): q[i] holds row 4L + i's columns 0-3, e[i] its
    // columns 4-7.
    const __m512 t0 = _mm512_unpacklo_ps(v[0], v[1]), t1 = _mm512_unpackhi_ps(v[0], v[1]);
    const __m512 t2 = _mm512_unpacklo_ps(v[2], v[3]), t3 = _mm512_unpackhi_ps(v[2], v[3]);
    const __m512 t4 = _mm512_unpacklo_ps(v[4], v[5]), t5 = _mm512_unpackhi_ps(v[4], v[5]);
    const __m512 t6 = _mm512_unpacklo_ps(v[6], v[7]), t7 = _mm512_unpackhi_ps(v[6], v[7]);
    const __m512 q[4] = {_mm512_shuffle_ps(t0, t2, 0x44), _mm512_shuffle_ps(t0, t2, 0xEE),
                         _mm512_shuffle_ps(t1, t3, 0x44), _mm512_shuffle_ps(t1, t3, 0xEE)};
    const __m512 e[4] = {_mm512_shuffle_ps(t4, t6, 0x44), _mm512_shuffle_ps(t4, t6, 0xEE),
                         _mm512_shuffle_ps(t5, t7, 0x44), _mm512_shuffle_ps(t5, t7, 0xEE)};
    // Lanes L and L + 1 of q[i] and e[i] side by side: rows 4L + i (low half) and 4L + 4 + i.
    const __m512i pick[2] = {_mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23),
                             _mm512_setr_epi32(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31)};
    const __mmask16 low = (__mmask16)((1u << width) - 1), high = (__mmask16)(low << 8);
    for (int half = 0; half < 2; half++) {
        for (int i = 0; i < 4; i++) {
            __m512 rows = _mm512_permutex2var_ps(q[i], pick[half], e[i]);
            float *upper = c + (long)(r0 + 8 * half + i) * ldc + c0, *lower = upper + 4L * ldc - 8;
            if (accumulate) {
                __m512 old = _mm512_maskz_loadu_ps(low, upper);
                old = _mm512_mask_loadu_ps(old, high, lower);
                rows = _mm512_add_ps(rows, old);
                if (relu) rows = _mm512_max_ps(zero, rows);
            }
            _mm512_mask_storeu_ps(upper, low, rows);
            _mm512_mask_storeu_ps(lower, high, rows);
        }
    }
}

// Panels p, p + 1 (NP of them) × tiles tt < NT of W columns each (W = 6, or 8 for the wide
// product), then the epilogue of each; tile tt starts at x[tt], its rows xs[tt] floats apart, and
// holds columns c0 + tt · W. For kk < pf_lines it also asks for line kk of the panels at pf0 and
// pf1 (the next panels) to be brought into L2 (next_panels).
AVX512 static inline __attribute__((always_inline)) void
block(const float *a, int m, int k, const float *const *x, const long *xs, int n, int p, int c0, const float *bias,
      float alpha, int accumulate, int relu, float *c, int ldc, const int NP, const int NT, const int W,
      const float *pf0, const float *pf1, int pf_lines) {
    __m512 acc[2][2 * Columns];
    for (int i = 0; i < NP; i++)
        for (int j = 0; j < NT * W; j++) acc[i][j] = _mm512_setzero_ps();
    const float *w0 = a + (long)p * Rows * k, *w1 = w0 + (long)Rows * k;
    for (int kk = 0; kk < k; kk++) {
        if (kk < pf_lines) {
            _mm_prefetch((const char *)(pf0 + (long)kk * Rows), _MM_HINT_T1);
            _mm_prefetch((const char *)(pf1 + (long)kk * Rows), _MM_HINT_T1);
        }
        const __m512 r0 = _mm512_loadu_ps(w0 + (long)kk * Rows);
        const __m512 r1 = NP == 2 ? _mm512_loadu_ps(w1 + (long)kk * Rows) : r0;
        for (int tt = 0; tt < NT; tt++) {
            const float *xk = x[tt] + kk * xs[tt];
            for (int j = 0; j < W; j++) {
                const __m512 v = _mm512_set1_ps(xk[j]);
                acc[0][tt * W + j] = _mm512_fmadd_ps(r0, v, acc[0][tt * W + j]);
                if (NP == 2) acc[1][tt * W + j] = _mm512_fmadd_ps(r1, v, acc[1][tt * W + j]);
            }
        }
    }
    for (int i = 0; i < NP; i++)
        for (int tt = 0; tt < NT; tt++)
            store_block(&acc[i][tt * W], W, m, n, (p + i) * Rows, c0 + tt * W, bias, alpha, accumulate, relu, c, ldc);
}

// The panels after p ..< p + NP in p0 ..< p1 (one or two; both pointers the same for one): the
// product's first block on a row of panels fetches them into L2 while it computes, so the next row
// does not start on a stream from memory (the weights of a late layer are read once per pass and
// are not in any cache; in a C harness with the weights out of cache, 1 × 1 products at 8 × 8 and
// 3 × 3 ran 1.04–1.29× faster, docs/engine.md, session 26).
static inline int next_panels(const float *a, int k, int p, int np, int p1, const float **pf0, const float **pf1) {
    const int pn = p + np;
    *pf0 = a + (long)pn * Rows * k;
    *pf1 = pn + 1 < p1 ? *pf0 + (long)Rows * k : *pf0;
    return pn < p1 ? k : 0;
}

// Tiles t0 ..< t1 of panels p ..< p + NP, two tiles at a time, then an odd last one; the first
// block fetches the next panels up to p1.
AVX512 static inline __attribute__((always_inline)) void
panel_row(const float *a, int m, int k, const float *b, int ldb, const float *tail, int n, int p, int t0, int t1,
          const float *bias, float alpha, int accumulate, int relu, float *c, int ldc, const int NP, int p1) {
    const float *x[2], *pf0, *pf1;
    long xs[2];
    const int next = next_panels(a, k, p, NP, p1, &pf0, &pf1);
    int t = t0;
    for (; t < t1; t += 2) {
        const int NT = t + 2 <= t1 ? 2 : 1, lines = t == t0 ? next : 0;
        x[0] = visage_packed_gemm_tile(b, ldb, tail, k, n, t, &xs[0]);
        if (NT == 2) {
            x[1] = visage_packed_gemm_tile(b, ldb, tail, k, n, t + 1, &xs[1]);
            block(a, m, k, x, xs, n, p, t * Columns, bias, alpha, accumulate, relu, c, ldc, NP, 2, Columns, pf0, pf1, lines);
        } else {
            block(a, m, k, x, xs, n, p, t * Columns, bias, alpha, accumulate, relu, c, ldc, NP, 1, Columns, pf0, pf1, lines);
        }
    }
}

AVX512 void visage_packed_gemm_avx512(const float *a, int m, int k, const float *b, int ldb, const float *tail, int n,
                                      int p0, int p1, int t0, int t1, const float *bias, float alpha, int accumulate,
                                      int relu, float *c, int ldc) {
    int p = p0;
    for (; p + 2 <= p1; p += 2) panel_row(a, m, k, b, ldb, tail, n, p, t0, t1, bias, alpha, accumulate, relu, c, ldc, 2, p1);
    if (p < p1) panel_row(a, m, k, b, ldb, tail, n, p, t0, t1, bias, alpha, accumulate, relu, c, ldc, 1, p1);
}

// Row by row of panels (two at a time), the blocks of eight columns: a row's panels are read
// from memory by its first block (which fetches the next row's) and from L2 by the others.
AVX512 void visage_packed_gemm_wide_avx512(const float *a, int m, int k, const float *b, int ldb, const float *tail,
                                           int n, int p0, int p1, int c0, int c1, const float *bias, float alpha,
                                           int accumulate, int relu, float *c, int ldc) {
    for (int p = p0; p < p1; p += 2) {
        const int np = p + 2 <= p1 ? 2 : 1;
        const float *pf0, *pf1;
        const int next = next_panels(a, k, p, np, p1, &pf0, &pf1);
        for (int col = c0; col < c1; col += 8) {
            const int whole = col + 8 <= n, lines = col == c0 ? next : 0;
            const float *x[1] = {whole ? b + col : tail};
            const long xs[1] = {whole ? ldb : 8};
            if (np == 2) block(a, m, k, x, xs, n, p, col, bias, alpha, accumulate, relu, c, ldc, 2, 1, 8, pf0, pf1, lines);
            else block(a, m, k, x, xs, n, p, col, bias, alpha, accumulate, relu, c, ldc, 1, 1, 8, pf0, pf1, lines);
        }
    }
}

#else

void visage_packed_gemm_avx512(const float *a, int m, int k, const float *b, int ldb, const float *tail, int n,
                               int p0, int p1, int t0, int t1, const float *bias, float alpha, int accumulate,
                               int relu, float *c, int ldc) {
    (void)a, (void)m, (void)k, (void)b, (void)ldb, (void)tail, (void)n, (void)p0, (void)p1, (void)t0, (void)t1, (void)bias, (void)alpha;
    (void)accumulate, (void)relu, (void)c, (void)ldc;
}

void visage_packed_gemm_wide_avx512(const float *a, int m, int k, const float *b, int ldb, const float *tail, int n,
                                    int p0, int p1, int c0, int c1, const float *bias, float alpha, int accumulate,
                                    int relu, float *c, int ldc) {
    (void)a, (void)m, (void)k, (void)b, (void)ldb, (void)tail, (void)n, (void)p0, (void)p1, (void)c0, (void)c1;
    (void)bias, (void)alpha, (void)accumulate, (void)relu, (void)c, (void)ldc;
}

#endif
