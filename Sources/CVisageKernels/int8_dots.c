// Integer dot products of one-byte codes (0...255) with signed 6-bit query weights (AVX2), for
// the int8 index.
//
// Layout. Rows are taken a block at a time (about 16 KB of codes, at most 128 rows) and
// transposed into the scratch in "vertical" form: for each group of eight rows and each four
// dimensions 4k...4k+3, one 32-byte vector holds those four codes of row 0, then of row 1, ...,
// of row 7 (32-bit lane i is row i). A query's four weights 4k...4k+3 broadcast to all eight
// lanes (vpbroadcastd) then line up with every row, and
//
//   vpmaddubsw(codes 4k..4k+3, w) + vpmaddubsw(codes 4k+4..4k+7, w')   (16 int16: 4 products each)
//   vpmaddwd(that, ones)                                               (8 int32: one per row)
//
// adds eight dimensions of eight rows straight into one int32 lane per row: the accumulators
// end as the eight dot products and are stored with one vector store, with no horizontal
// reduction (the row-major kernel this replaces ended every 2 x 4 tile with a tree of six
// vphaddd, after only two loop steps at d = 128). The transpose (24 shuffles per 8 rows x 32
// bytes) is paid once per block and shared by every query; it is the main cost left when there
// are only one or two queries.
//
// Exact: a vpmaddubsw lane is c0 w0 + c1 w1 with |.| <= 2 * 255 * 31 = 15810 (no saturation),
// the vpaddw of two is at most 31620 < 2^15 (no wrap), and the int32 sums hold any dimension
// below 2^31 / (255 * 31), about 270,000. Dimensions are padded to a multiple of 8 with zero
// codes (the query weights past `dimension` are zero too, and are read only up to the query
// stride), rows past the last with zero codes whose sums are not stored.
//
// Register tile: 3 queries x 2 groups of eight rows: six accumulators, four code vectors, two
// broadcasts, two temporaries and the ones, 15 of the 16 ymm registers (a 4 x 2 tile needs 17
// and clang spills an accumulator and reloads the ones in the loop). Each loaded code vector
// serves three queries, each broadcast two groups; per 8 dimensions x 6 (query, group) pairs the
// loop is 18 multiply uops (vpmaddubsw, vpmaddwd: two pipes on Zen 3), i.e. 1.5 cycles per 64
// products, against 4 cycles per 64 for float32 FMAs. While the queries pass over a block, the
// next block's codes are prefetched. One or two queries go to the row-major kernel
// (int8_dots_rows.c) instead: for them the transpose costs more than the reduction it saves.

#include "visage_kernels.h"
#include "int8_layout.h"

#include <string.h>

#define TILE_Q 3            // queries per register tile
#define TILE_R 2            // groups of eight rows per register tile

static inline int padded(int d) { return (d + 63) & ~63; }

int visage_int8_query_stride(int dimension) { return padded(dimension); }

size_t visage_int8_scratch_count(int dimension) {
    // The vertical block (either kernel's), or four zero-padded rows for
    // visage_int8_dots_rows_avx2.
    const size_t vertical = (size_t)int8_block_rows(dimension) * (size_t)int8_padded8(dimension);
    const size_t rows = (size_t)4 * (size_t)padded(dimension);
    return vertical > rows ? vertical : rows;
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))
#define INLINE static inline __attribute__((always_inline))

// The four weights at w in every 32-bit lane.
AVX2 INLINE __m256i broadcast4(const int8_t *w) {
    int32_t v;
    memcpy(&v, w, 4);
    return _mm256_set1_epi32(v);
}

// NQ queries (w, stride qs) by NR groups of eight rows (x, kp vectors per group) over kp / 2
// steps of eight dimensions; group g's eight sums for query q go to o + q * ldo + 8 * g, the
// first `nr` of them when nr < 8 (then NR is 1).
AVX2 INLINE void tile(const uint8_t *x, int kp, const int8_t *w, long qs, int32_t *o, long ldo, int nr,
                      const int NQ, const int NR) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i acc[TILE_Q][TILE_R];
    for (int q = 0; q < NQ; q++)
        for (int g = 0; g < NR; g++) acc[q][g] = _mm256_setzero_si256();
    const long gs = 32L * kp;
    for (int k = 0; k < kp; k += 2) {
        __m256i a[TILE_R], b[TILE_R];
        for (int g = 0; g < NR; g++) {
            a[g] = int8_load(x + g * gs + 32L * k);
            b[g] = int8_load(x + g * gs + 32L * k + 32);
        }
        for (int q = 0; q < NQ; q++) {
            const __m256i wa = broadcast4(w + q * qs + 4 * k), wb = broadcast4(w + q * qs + 4 * k + 4);
            for (int g = 0; g < NR; g++) {
                __m256i p = _mm256_add_epi16(_mm256_maddubs_epi16(a[g], wa), _mm256_maddubs_epi16(b[g], wb));
                acc[q][g] = _mm256_add_epi32(acc[q][g], _mm256_madd_epi16(p, ones));
            }
        }
    }
    for (int q = 0; q < NQ; q++) {
        for (int g = 0; g < NR; g++) {
            int32_t *dst = o + q * ldo + 8 * g;
            if (nr == 8) {
                _mm256_storeu_si256((__m256i *)dst, acc[q][g]);
            } else {
                int32_t t[8];
                _mm256_storeu_si256((__m256i *)t, acc[q][g]);
                memcpy(dst, t, sizeof(int32_t) * (size_t)nr);
            }
        }
    }
}

// NQ queries (w, stride qs) against `groups` transposed groups (the first `full` with eight
// rows, then one with `last`), in tiles of TILE_R groups.
AVX2 INLINE void queries_tile(const uint8_t *x, int kp, int groups, int full, int last, const int8_t *w, long qs,
                              int32_t *o, long ldo, const int NQ) {
    const long gs = 32L * kp;
    int g = 0;
    for (; g + TILE_R <= full; g += TILE_R) tile(x + g * gs, kp, w, qs, o + 8 * g, ldo, 8, NQ, TILE_R);
    for (; g < full; g++) tile(x + g * gs, kp, w, qs, o + 8 * g, ldo, 8, NQ, 1);
    if (full < groups) tile(x + g * gs, kp, w, qs, o + 8 * g, ldo, last, NQ, 1);
}

// Every query against `groups` transposed groups (the last one with `last` rows, 1...8).
// While the queries pass over this block, the next block's codes (`next`, `next_bytes`) are
// prefetched a slice per query tile, so that its transpose does not wait on memory.
AVX2 static void block(const uint8_t *x, int kp, int groups, int last, const int8_t *queries, int query_count,
                       long qs, int32_t *out, long ldo, const uint8_t *next, long next_bytes) {
    const int full = last == 8 ? groups : groups - 1;  // groups with eight rows
    const long tiles = query_count / TILE_Q + 1, slice = (next_bytes / tiles + 63) & ~63L;
    long ahead = 0;
    int q = 0;
    for (; q + TILE_Q <= query_count; q += TILE_Q) {
        int8_prefetch_slice(next, &ahead, slice, next_bytes);
        queries_tile(x, kp, groups, full, last, queries + q * qs, qs, out + q * ldo, ldo, TILE_Q);
    }
    int8_prefetch_slice(next, &ahead, next_bytes, next_bytes);
    // The last query_count % TILE_Q queries: two together, or one.
    if (query_count - q == 2) {
        queries_tile(x, kp, groups, full, last, queries + q * qs, qs, out + q * ldo, ldo, 2);
    } else if (query_count - q == 1) {
        queries_tile(x, kp, groups, full, last, queries + q * qs, qs, out + q * ldo, ldo, 1);
    }
}

AVX2 void visage_int8_dots_avx2(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                                int query_count, int query_stride, uint8_t *scratch, int32_t *out, int ldo) {
    if (int8_done_without_transpose(codes, rows, dimension, queries, query_count, query_stride, scratch, out, ldo))
        return;
    const int d = dimension, kp = int8_padded8(d) / 4, br = int8_block_rows(d);
    for (int r0 = 0; r0 < rows; r0 += br) {
        const int nb = rows - r0 < br ? rows - r0 : br;
        const int groups = (nb + 7) / 8, last = nb - 8 * (groups - 1);
        for (int g = 0; g < groups; g++) {
            int8_transpose_group(codes + (long)(r0 + 8 * g) * d, g + 1 < groups ? 8 : last, d, kp,
                                 scratch + 32L * kp * g, 32);
        }
        // The next block's codes, also past the last row: the caller's next tile usually
        // follows in memory, and a prefetch never faults.
        block(scratch, kp, groups, last, queries, query_count, query_stride, out + r0, ldo,
              codes + (long)(r0 + nb) * d, (long)br * d);
    }
}

#else

void visage_int8_dots_avx2(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                           int query_count, int query_stride, uint8_t *scratch, int32_t *out, int ldo) {
    (void)codes; (void)rows; (void)dimension; (void)queries; (void)query_count; (void)query_stride;
    (void)scratch; (void)out; (void)ldo;
}

#endif

void visage_int8_dots_reference(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                                int query_count, int query_stride, int32_t *out, int ldo) {
    for (int q = 0; q < query_count; q++) {
        const int8_t *w = queries + (long)q * query_stride;
        for (int r = 0; r < rows; r++) {
            const uint8_t *x = codes + (long)r * dimension;
            int32_t s = 0;
            for (int j = 0; j < dimension; j++) s += (int32_t)x[j] * (int32_t)w[j];
            out[(long)q * ldo + r] = s;
        }
    }
}
