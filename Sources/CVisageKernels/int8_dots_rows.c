// The int8 index's dot products for one or two queries (AVX2): rows read in place, row-major.
//
// With so few queries the vertical kernel of int8_dots.c would transpose every block of rows for
// one or two passes over it; here the codes are used as they lie instead. vpmaddubsw multiplies
// 32 codes by 32 weights and adds adjacent products into 16 int16 lanes; with |weight| <= 31 two
// such results add up without overflow (2 * 2 * 255 * 31 < 2^15), so 64 components cost two
// vpmaddubsw, one vpaddw, one vpmaddwd (to int32) and one vpaddd. A 2-query x 4-row register
// tile runs over the whole dimension and its eight accumulators are reduced with one
// horizontal-add tree.
#include "visage_kernels.h"

#include <string.h>

#define BLOCK_ROWS 64

static inline int padded(int d) { return (d + 63) & ~63; }

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))

AVX2 static inline __m256i load(const void *p) { return _mm256_loadu_si256((const __m256i *)p); }

// Sixty-four products of codes x and weights w, in eight int32 lanes.
AVX2 static inline __m256i step(__m256i x0, __m256i x1, const int8_t *w, __m256i ones) {
    __m256i p = _mm256_add_epi16(_mm256_maddubs_epi16(x0, load(w)), _mm256_maddubs_epi16(x1, load(w + 32)));
    return _mm256_madd_epi16(p, ones);
}

// [sum a0, ..., sum a7] in one vector.
AVX2 static inline __m256i reduce8(__m256i a0, __m256i a1, __m256i a2, __m256i a3,
                                  __m256i a4, __m256i a5, __m256i a6, __m256i a7) {
    __m256i x = _mm256_hadd_epi32(_mm256_hadd_epi32(a0, a1), _mm256_hadd_epi32(a2, a3));
    __m256i y = _mm256_hadd_epi32(_mm256_hadd_epi32(a4, a5), _mm256_hadd_epi32(a6, a7));
    return _mm256_add_epi32(_mm256_permute2x128_si256(x, y, 0x20), _mm256_permute2x128_si256(x, y, 0x31));
}

// Two queries (w0, w1) by four rows (x, stride ldx; dp a multiple of 64): [q0 r0..r3, q1 r0..r3].
AVX2 static inline __m256i tile_2x4(const uint8_t *x, long ldx, int dp, const int8_t *w0, const int8_t *w1) {
    const __m256i ones = _mm256_set1_epi16(1);
    const uint8_t *x1 = x + ldx, *x2 = x1 + ldx, *x3 = x2 + ldx;
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    for (int j = 0; j < dp; j += 64) {
        __m256i u = load(x + j), v = load(x + j + 32);
        a0 = _mm256_add_epi32(a0, step(u, v, w0 + j, ones));
        b0 = _mm256_add_epi32(b0, step(u, v, w1 + j, ones));
        u = load(x1 + j), v = load(x1 + j + 32);
        a1 = _mm256_add_epi32(a1, step(u, v, w0 + j, ones));
        b1 = _mm256_add_epi32(b1, step(u, v, w1 + j, ones));
        u = load(x2 + j), v = load(x2 + j + 32);
        a2 = _mm256_add_epi32(a2, step(u, v, w0 + j, ones));
        b2 = _mm256_add_epi32(b2, step(u, v, w1 + j, ones));
        u = load(x3 + j), v = load(x3 + j + 32);
        a3 = _mm256_add_epi32(a3, step(u, v, w0 + j, ones));
        b3 = _mm256_add_epi32(b3, step(u, v, w1 + j, ones));
    }
    return reduce8(a0, a1, a2, a3, b0, b1, b2, b3);
}

// One query (w0) by four rows: [q0 r0..r3, q0 r0..r3].
AVX2 static inline __m256i tile_1x4(const uint8_t *x, long ldx, int dp, const int8_t *w0) {
    const __m256i ones = _mm256_set1_epi16(1);
    const uint8_t *x1 = x + ldx, *x2 = x1 + ldx, *x3 = x2 + ldx;
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    for (int j = 0; j < dp; j += 64) {
        a0 = _mm256_add_epi32(a0, step(load(x + j), load(x + j + 32), w0 + j, ones));
        a1 = _mm256_add_epi32(a1, step(load(x1 + j), load(x1 + j + 32), w0 + j, ones));
        a2 = _mm256_add_epi32(a2, step(load(x2 + j), load(x2 + j + 32), w0 + j, ones));
        a3 = _mm256_add_epi32(a3, step(load(x3 + j), load(x3 + j + 32), w0 + j, ones));
    }
    return reduce8(a0, a1, a2, a3, a0, a1, a2, a3);
}

// One group of (up to) four rows against every query; `nr` rows are stored.
AVX2 static inline void group(const uint8_t *x, long ldx, int dp, int nr, const int8_t *queries, int query_count,
                              int qs, int32_t *out, int ldo) {
    for (int q = 0; q < query_count; q += 2) {
        const int8_t *w0 = queries + (long)q * qs;
        const int pair = q + 1 < query_count;
        __m256i s = !pair ? tile_1x4(x, ldx, dp, w0)
                  : dp == 128 ? tile_2x4(x, ldx, 128, w0, w0 + qs) : tile_2x4(x, ldx, dp, w0, w0 + qs);
        int32_t *o0 = out + (long)q * ldo, *o1 = o0 + ldo;
        if (nr == 4) {
            _mm_storeu_si128((__m128i *)o0, _mm256_castsi256_si128(s));
            if (pair) _mm_storeu_si128((__m128i *)o1, _mm256_extracti128_si256(s, 1));
        } else {
            int32_t t[8];
            _mm256_storeu_si256((__m256i *)t, s);
            for (int i = 0; i < nr; i++) {
                o0[i] = t[i];
                if (pair) o1[i] = t[4 + i];
            }
        }
    }
}

AVX2 void visage_int8_dots_rows_avx2(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                                     int query_count, int query_stride, uint8_t *scratch, int32_t *out, int ldo) {
    if (rows <= 0 || query_count <= 0 || dimension <= 0) return;
    const int d = dimension, dp = padded(d);
    // Rows are read in place when the dimension is a multiple of 64; otherwise each group of
    // four is copied into the zero-padded scratch first.
    const int direct = d == dp;
    const int full = direct ? rows & ~3 : 0;
    for (int r0 = 0; r0 < full; r0 += BLOCK_ROWS) {
        const int end = r0 + BLOCK_ROWS < full ? r0 + BLOCK_ROWS : full;
        for (int q = 0; q < query_count; q += 2) {
            const int nq = q + 1 < query_count ? 2 : 1;
            for (int r = r0; r < end; r += 4) {
                group(codes + (long)r * d, d, dp, 4, queries + (long)q * query_stride, nq, query_stride,
                      out + (long)q * ldo + r, ldo);
            }
        }
    }
    for (int r = full; r < rows; r += 4) {
        const int nr = rows - r < 4 ? rows - r : 4;
        memset(scratch, 0, (size_t)4 * (size_t)dp);
        for (int i = 0; i < nr; i++) memcpy(scratch + (long)i * dp, codes + (long)(r + i) * d, (size_t)d);
        group(scratch, dp, dp, nr, queries, query_count, query_stride, out + r, ldo);
    }
}

#else

void visage_int8_dots_rows_avx2(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                                int query_count, int query_stride, uint8_t *scratch, int32_t *out, int ldo) {
    (void)codes; (void)rows; (void)dimension; (void)queries; (void)query_count; (void)query_stride;
    (void)scratch; (void)out; (void)ldo;
}

#endif
