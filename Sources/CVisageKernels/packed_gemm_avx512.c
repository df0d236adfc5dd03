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

// Panels p, p + 1 (NP of them) × tiles t, t + 1 (NT), then the epilogue of each pair.
AVX512 static inline __attribute__((always_inline)) void
block(const float *a, int m, int k, const float *b, int n, int p, int t, const float *bias, float alpha,
      int accumulate, int relu, float *c, int ldc, const int NP, const int NT) {
    __m512 acc[2][2 * Columns];
    for (int i = 0; i < NP; i++)
        for (int j = 0; j < NT * Columns; j++) acc[i][j] = _mm512_setzero_ps();
    const float *w0 = a + (long)p * Rows * k, *w1 = w0 + (long)Rows * k;
    const float *x0 = b + (long)t * Columns * k, *x1 = x0 + (long)Columns * k;
    for (int kk = 0; kk < k; kk++) {
        const __m512 r0 = _mm512_loadu_ps(w0 + (long)kk * Rows);
        const __m512 r1 = NP == 2 ? _mm512_loadu_ps(w1 + (long)kk * Rows) : r0;
        for (int tt = 0; tt < NT; tt++) {
            const float *x = (tt == 0 ? x0 : x1) + (long)kk * Columns;
            for (int j = 0; j < Columns; j++) {
                const __m512 v = _mm512_set1_ps(x[j]);
                acc[0][tt * Columns + j] = _mm512_fmadd_ps(r0, v, acc[0][tt * Columns + j]);
                if (NP == 2) acc[1][tt * Columns + j] = _mm512_fmadd_ps(r1, v, acc[1][tt * Columns + j]);
            }
        }
    }
    float sums[Rows * Columns] __attribute__((aligned(64)));  // sums[j * 16 + r]
    for (int i = 0; i < NP; i++) {
        for (int tt = 0; tt < NT; tt++) {
            for (int j = 0; j < Columns; j++) _mm512_store_ps(sums + j * Rows, acc[i][tt * Columns + j]);
            visage_packed_gemm_store(sums, m, n, p + i, t + tt, bias, alpha, accumulate, relu, c, ldc);
        }
    }
}

AVX512 void visage_packed_gemm_avx512(const float *a, int m, int k, const float *b, int n, int p0, int p1, int t0,
                                      int t1, const float *bias, float alpha, int accumulate, int relu, float *c,
                                      int ldc) {
    int p = p0;
    for (; p + 2 <= p1; p += 2) {
        int t = t0;
        for (; t + 2 <= t1; t += 2) block(a, m, k, b, n, p, t, bias, alpha, accumulate, relu, c, ldc, 2, 2);
        if (t < t1) block(a, m, k, b, n, p, t, bias, alpha, accumulate, relu, c, ldc, 2, 1);
    }
    if (p < p1) {
        int t = t0;
        for (; t + 2 <= t1; t += 2) block(a, m, k, b, n, p, t, bias, alpha, accumulate, relu, c, ldc, 1, 2);
        if (t < t1) block(a, m, k, b, n, p, t, bias, alpha, accumulate, relu, c, ldc, 1, 1);
    }
}

#else

void visage_packed_gemm_avx512(const float *a, int m, int k, const float *b, int n, int p0, int p1, int t0, int t1,
                               const float *bias, float alpha, int accumulate, int relu, float *c, int ldc) {
    (void)a, (void)m, (void)k, (void)b, (void)n, (void)p0, (void)p1, (void)t0, (void)t1, (void)bias, (void)alpha;
    (void)accumulate, (void)relu, (void)c, (void)ldc;
}

#endif
