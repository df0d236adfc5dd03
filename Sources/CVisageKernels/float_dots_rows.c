// Float32 dot products for one to four queries (AVX2 + FMA): rows read in place, row-major.
//
// With so few queries the vertical kernel of float_dots.c would transpose every block of rows for
// a few passes over it; here the rows are used as they lie instead. A 2-query x 4-row register
// tile of FMAs runs over the whole dimension and its eight accumulators are reduced with one
// horizontal-add tree; rows are taken a small block at a time so that they stay in L1 while every
// query passes over them. visage_float_dots_avx2 hands it calls with few queries.
#include "visage_kernels.h"

#define BLOCK_ROWS 16

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define AVX2FMA __attribute__((target("avx2,fma")))

// [sum a0, ..., sum a7] in one vector.
AVX2FMA static inline __m256 reduce8(__m256 a0, __m256 a1, __m256 a2, __m256 a3,
                                    __m256 a4, __m256 a5, __m256 a6, __m256 a7) {
    __m256 x = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
    __m256 y = _mm256_hadd_ps(_mm256_hadd_ps(a4, a5), _mm256_hadd_ps(a6, a7));
    return _mm256_add_ps(_mm256_permute2f128_ps(x, y, 0x20), _mm256_permute2f128_ps(x, y, 0x31));
}

// Lanes j < n of p (n in 1...7), zeros above.
AVX2FMA static inline __m256 load_tail(const float *p, int n) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lanes));
}

// Two queries (w0, w1) by rows x, x + d, x + 2d, x + 3d: [q0 r0..r3, q1 r0..r3].
AVX2FMA static inline __m256 tile_2x4(const float *x, int d, const float *w0, const float *w1) {
    const float *x1 = x + d, *x2 = x1 + d, *x3 = x2 + d;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    int j = 0;
    for (; j + 8 <= d; j += 8) {
        __m256 q0 = _mm256_loadu_ps(w0 + j), q1 = _mm256_loadu_ps(w1 + j);
        __m256 v = _mm256_loadu_ps(x + j);
        a0 = _mm256_fmadd_ps(v, q0, a0);
        b0 = _mm256_fmadd_ps(v, q1, b0);
        v = _mm256_loadu_ps(x1 + j);
        a1 = _mm256_fmadd_ps(v, q0, a1);
        b1 = _mm256_fmadd_ps(v, q1, b1);
        v = _mm256_loadu_ps(x2 + j);
        a2 = _mm256_fmadd_ps(v, q0, a2);
        b2 = _mm256_fmadd_ps(v, q1, b2);
        v = _mm256_loadu_ps(x3 + j);
        a3 = _mm256_fmadd_ps(v, q0, a3);
        b3 = _mm256_fmadd_ps(v, q1, b3);
    }
    if (j < d) {
        const int n = d - j;
        __m256 q0 = load_tail(w0 + j, n), q1 = load_tail(w1 + j, n);
        __m256 v = load_tail(x + j, n);
        a0 = _mm256_fmadd_ps(v, q0, a0);
        b0 = _mm256_fmadd_ps(v, q1, b0);
        v = load_tail(x1 + j, n);
        a1 = _mm256_fmadd_ps(v, q0, a1);
        b1 = _mm256_fmadd_ps(v, q1, b1);
        v = load_tail(x2 + j, n);
        a2 = _mm256_fmadd_ps(v, q0, a2);
        b2 = _mm256_fmadd_ps(v, q1, b2);
        v = load_tail(x3 + j, n);
        a3 = _mm256_fmadd_ps(v, q0, a3);
        b3 = _mm256_fmadd_ps(v, q1, b3);
    }
    return reduce8(a0, a1, a2, a3, b0, b1, b2, b3);
}

AVX2FMA void visage_float_dots_rows_avx2(const float *rows_data, int rows, int dimension, const float *queries,
                                         int query_count, float *out, int ldo) {
    if (rows <= 0 || query_count <= 0 || dimension <= 0) return;
    const int d = dimension;
    for (int r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
        const int nb = rows - r0 < BLOCK_ROWS ? rows - r0 : BLOCK_ROWS;
        const int full = nb & ~3;
        const float *block = rows_data + (long)r0 * d;
        for (int q = 0; q < query_count; q += 2) {
            const float *w0 = queries + (long)q * d;
            const int pair = q + 1 < query_count;
            const float *w1 = pair ? w0 + d : w0;
            float *o0 = out + (long)q * ldo + r0, *o1 = o0 + ldo;
            for (int r = 0; r < full; r += 4) {
                __m256 s = tile_2x4(block + (long)r * d, d, w0, w1);
                _mm_storeu_ps(o0 + r, _mm256_castps256_ps128(s));
                if (pair) _mm_storeu_ps(o1 + r, _mm256_extractf128_ps(s, 1));
            }
            if (full < nb) {
                // Tail rows one at a time (fewer than four).
                for (int r = full; r < nb; r++) {
                    const float *x = block + (long)r * d;
                    float s0 = 0, s1 = 0;
                    for (int j = 0; j < d; j++) { s0 += x[j] * w0[j]; s1 += x[j] * w1[j]; }
                    o0[r] = s0;
                    if (pair) o1[r] = s1;
                }
            }
        }
    }
}

#else

void visage_float_dots_rows_avx2(const float *rows_data, int rows, int dimension, const float *queries,
                                 int query_count, float *out, int ldo) {
    (void)rows_data; (void)rows; (void)dimension; (void)queries; (void)query_count; (void)out; (void)ldo;
}

#endif
