// The "vertical" layout of int8 codes shared by the AVX2 kernel (int8_dots.c) and the
// AVX-512 VNNI kernel (int8_dots_vnni.c): for each group of rows and each four dimensions
// 4k...4k+3, one vector holds those four codes of every row of the group (32-bit lane i is
// row i), so that a query's four weights broadcast to every lane line up with every row.
// Groups are of eight rows (one 32-byte vector) for AVX2 and of sixteen (64 bytes, rows 0-7
// then rows 8-15) for VNNI; both are written by the same 8-row transpose.
#ifndef VISAGE_INT8_LAYOUT_H
#define VISAGE_INT8_LAYOUT_H

#include <stdint.h>
#include <string.h>

#include "visage_kernels.h"

#define INT8_BLOCK_BYTES 16384 // codes per transposed block

static inline int int8_padded8(int d) { return (d + 7) & ~7; }

// Rows per transposed block: about INT8_BLOCK_BYTES of codes (so that the block and the queries
// stay in L1 together), 16 to 128 rows, a multiple of 16 (whole groups of either kernel).
static inline int int8_block_rows(int d) {
    const int n = (INT8_BLOCK_BYTES / int8_padded8(d)) & ~15;
    return n < 16 ? 16 : n > 128 ? 128 : n;
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define INT8_AVX2 __attribute__((target("avx2")))
#define INT8_INLINE static inline __attribute__((always_inline))

INT8_AVX2 INT8_INLINE __m256i int8_load(const void *p) { return _mm256_loadu_si256((const __m256i *)p); }

// Transposes eight rows of 32 bytes (eight 32-bit words each) so that vector k holds word k of
// rows 0...7, and stores the first `n` of those vectors at dst, dst + vs, dst + 2 vs, ...
INT8_AVX2 INT8_INLINE void int8_transpose8(__m256i r0, __m256i r1, __m256i r2, __m256i r3, __m256i r4,
                                           __m256i r5, __m256i r6, __m256i r7, uint8_t *dst, long vs, int n) {
    __m256i t0 = _mm256_unpacklo_epi32(r0, r1), t1 = _mm256_unpackhi_epi32(r0, r1);
    __m256i t2 = _mm256_unpacklo_epi32(r2, r3), t3 = _mm256_unpackhi_epi32(r2, r3);
    __m256i t4 = _mm256_unpacklo_epi32(r4, r5), t5 = _mm256_unpackhi_epi32(r4, r5);
    __m256i t6 = _mm256_unpacklo_epi32(r6, r7), t7 = _mm256_unpackhi_epi32(r6, r7);
    __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
    __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
    // u0 = word 0 of rows 0-3 (low half) | word 4 of rows 0-3 (high half), u1 words 1 | 5, ...
    __m256i v[8] = {
        _mm256_permute2x128_si256(u0, u4, 0x20), _mm256_permute2x128_si256(u1, u5, 0x20),
        _mm256_permute2x128_si256(u2, u6, 0x20), _mm256_permute2x128_si256(u3, u7, 0x20),
        _mm256_permute2x128_si256(u0, u4, 0x31), _mm256_permute2x128_si256(u1, u5, 0x31),
        _mm256_permute2x128_si256(u2, u6, 0x31), _mm256_permute2x128_si256(u3, u7, 0x31),
    };
    for (int k = 0; k < n; k++) _mm256_storeu_si256((__m256i *)(dst + vs * k), v[k]);
}

// Rows x[0 .. nr) (stride d, nr in 0...8) into the vertical layout at dst: kp = padded8(d) / 4
// vectors of 32 bytes, `vs` bytes apart; dimensions past d and rows past nr are zero.
INT8_AVX2 INT8_INLINE void int8_transpose_group(const uint8_t *x, int nr, int d, int kp, uint8_t *dst, long vs) {
    int j = 0;
    if (nr == 8) {
        for (; j + 32 <= d; j += 32) {
            const uint8_t *p = x + j;
            int8_transpose8(int8_load(p), int8_load(p + d), int8_load(p + 2 * d), int8_load(p + 3 * d),
                            int8_load(p + 4 * d), int8_load(p + 5 * d), int8_load(p + 6 * d),
                            int8_load(p + 7 * d), dst + vs * (j / 4), vs, 8);
        }
    }
    for (; j < d; j += 32) {
        // The last (partial) 32 dimensions, or every dimension of a partial group: rows
        // copied to a zeroed buffer first, so that nothing past a row or past the codes is read.
        uint8_t t[8][32];
        memset(t, 0, sizeof t);
        const int w = d - j < 32 ? d - j : 32;
        for (int i = 0; i < nr; i++) memcpy(t[i], x + (long)i * d + j, (size_t)w);
        const int n = kp - j / 4 < 8 ? kp - j / 4 : 8;
        int8_transpose8(int8_load(t[0]), int8_load(t[1]), int8_load(t[2]), int8_load(t[3]), int8_load(t[4]),
                        int8_load(t[5]), int8_load(t[6]), int8_load(t[7]), dst + vs * (j / 4), vs, n);
    }
}

// Prefetches the next block's codes from offset *ahead up to `slice` bytes further (at most to
// `bytes`), a cache line at a time: each query tile of a block prefetches one slice, so that the
// next block's transpose does not wait on memory.
INT8_INLINE void int8_prefetch_slice(const uint8_t *next, long *ahead, long slice, long bytes) {
    const long end = *ahead + slice < bytes ? *ahead + slice : bytes;
    for (; *ahead < end; *ahead += 64) _mm_prefetch((const char *)next + *ahead, _MM_HINT_T0);
}

// The kernels' common start: 1 when the call is done already, because there is nothing to do
// or too few queries to pay for the transpose (then the row-major kernel has run).
INT8_AVX2 INT8_INLINE int int8_done_without_transpose(const uint8_t *codes, int rows, int dimension,
                                                      const int8_t *queries, int query_count, int query_stride,
                                                      uint8_t *scratch, int32_t *out, int ldo) {
    if (rows <= 0 || query_count <= 0 || dimension <= 0) return 1;
    if (query_count > 2) return 0;
    visage_int8_dots_rows_avx2(codes, rows, dimension, queries, query_count, query_stride, scratch, out, ldo);
    return 1;
}

#endif

#endif
