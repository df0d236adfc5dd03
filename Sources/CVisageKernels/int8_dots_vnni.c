// Integer dot products of one-byte codes with signed query weights with AVX-512 VNNI
// (`vpdpbusd`), for the int8 index on CPUs that have it (Intel Ice Lake, Sapphire Rapids and
// later; AMD Zen 4 and later).
//
// Same layout idea as int8_dots.c (see int8_layout.h), with groups of sixteen rows: for each
// four dimensions 4k...4k+3 one 64-byte vector holds those four codes of rows 0...15. One
//
//   vpdpbusd(acc, codes 4k..4k+3 of 16 rows, the query's weights 4k..4k+3 in every lane)
//
// adds four products into each row's int32 lane: 64 products per instruction, against 32 for
// the AVX2 kernel's vpmaddubsw + vpmaddwd + vpaddd sequence (two multiplies and an add per 32).
// The products are added in 32 bits with no intermediate 16-bit sums, so there is no
// saturation at all; with the AVX2 kernel's weights the sums are the same integers.
//
// Register tile: 4 queries x 4 groups of sixteen rows: sixteen zmm accumulators, four code
// vectors and a broadcast (21 of the 32 registers). Per step of four dimensions: four code
// loads, four broadcast loads and sixteen vpdpbusd. The next block's codes are prefetched
// while the queries pass over a block, as in the AVX2 kernel.
//
// Filter. visage_int8_scan_vnni also turns each group's sums into the selection's partial
// distances (norm + a dot + b, one fused multiply-add then + b, as select_below.c computes
// them) while they are in registers, and stores one 16-bit mask per query and group: the rows
// below the query's threshold. The selection then reads the masks instead of every sum, and
// looks at the few rows whose bit is set.

#include "visage_kernels.h"
#include "int8_layout.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define VNNI __attribute__((target("avx2,avx512f,avx512bw,avx512vl,avx512vnni")))
#define INLINE static inline __attribute__((always_inline))

#define TILE_Q 4 // queries per register tile
#define TILE_G 4 // groups of sixteen rows per register tile

// The four weights at w in every 32-bit lane.
VNNI INLINE __m512i broadcast4(const int8_t *w) {
    int32_t v;
    memcpy(&v, w, 4);
    return _mm512_set1_epi32(v);
}

// Where a tile's masks go: the filter's arrays advanced to the tile's first query and row.
typedef struct {
    const float *norms;      // the tile's first row
    const float *a, *b, *t;  // the tile's first query
    uint16_t *masks;         // the tile's first query and group
    long ldm;
} tile_filter;

// NQ queries (w, stride qs) by NG groups of sixteen rows (x, kp vectors of 64 bytes per group);
// group g's sums for query q go to o + q * ldo + 16 * g: all sixteen, or the first `nr` when
// nr < 16 (then NG is 1). With a filter (f.masks not NULL), its mask to f.masks[q * ldm + g].
VNNI INLINE void tile(const uint8_t *x, int kp, const int8_t *w, long qs, int32_t *o, long ldo, int nr,
                      tile_filter f, const int NQ, const int NG) {
    __m512i acc[TILE_Q][TILE_G];
    for (int q = 0; q < NQ; q++)
        for (int g = 0; g < NG; g++) acc[q][g] = _mm512_setzero_si512();
    const long gs = 64L * kp;
    for (int k = 0; k < kp; k++) {
        __m512i c[TILE_G];
        for (int g = 0; g < NG; g++) c[g] = _mm512_loadu_si512((const void *)(x + g * gs + 64L * k));
        for (int q = 0; q < NQ; q++) {
            const __m512i wq = broadcast4(w + q * qs + 4 * k);
            for (int g = 0; g < NG; g++) acc[q][g] = _mm512_dpbusd_epi32(acc[q][g], c[g], wq);
        }
    }
    const __mmask16 keep = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1);
    for (int q = 0; q < NQ; q++)
        for (int g = 0; g < NG; g++) _mm512_mask_storeu_epi32(o + q * ldo + 16 * g, keep, acc[q][g]);
    if (!f.masks) return;
    for (int g = 0; g < NG; g++) {
        const __m512 norms = _mm512_maskz_loadu_ps(keep, f.norms + 16 * g);
        for (int q = 0; q < NQ; q++) {
            const __m512 s = _mm512_add_ps(_mm512_fmadd_ps(_mm512_set1_ps(f.a[q]), _mm512_cvtepi32_ps(acc[q][g]), norms),
                                           _mm512_set1_ps(f.b[q]));
            f.masks[q * f.ldm + g] = _mm512_mask_cmp_ps_mask(keep, s, _mm512_set1_ps(f.t[q]), _CMP_LT_OQ);
        }
    }
}

// The filter advanced by `q` queries and `g` groups.
INLINE tile_filter advance(tile_filter f, int q, int g) {
    if (!f.masks) return f;
    return (tile_filter){f.norms + 16 * g, f.a + q, f.b + q, f.t + q, f.masks + q * f.ldm + g, f.ldm};
}

// NQ queries against `groups` groups (the first `full` with sixteen rows, then one with `last`).
VNNI INLINE void queries_tile(const uint8_t *x, int kp, int groups, int full, int last, const int8_t *w, long qs,
                              int32_t *o, long ldo, tile_filter f, const int NQ) {
    const long gs = 64L * kp;
    int g = 0;
    for (; g + TILE_G <= full; g += TILE_G)
        tile(x + g * gs, kp, w, qs, o + 16 * g, ldo, 16, advance(f, 0, g), NQ, TILE_G);
    for (; g < full; g++) tile(x + g * gs, kp, w, qs, o + 16 * g, ldo, 16, advance(f, 0, g), NQ, 1);
    if (full < groups) tile(x + g * gs, kp, w, qs, o + 16 * g, ldo, last, advance(f, 0, g), NQ, 1);
}

// Every query against one transposed block; the next block's codes are prefetched a slice per
// query tile.
VNNI static void block(const uint8_t *x, int kp, int groups, int last, const int8_t *queries, int query_count,
                       long qs, int32_t *out, long ldo, tile_filter f, const uint8_t *next, long next_bytes) {
    const int full = last == 16 ? groups : groups - 1;
    const long tiles = query_count / TILE_Q + 1, slice = (next_bytes / tiles + 63) & ~63L;
    long ahead = 0;
    int q = 0;
    for (; q + TILE_Q <= query_count; q += TILE_Q) {
        int8_prefetch_slice(next, &ahead, slice, next_bytes);
        queries_tile(x, kp, groups, full, last, queries + q * qs, qs, out + q * ldo, ldo, advance(f, q, 0), TILE_Q);
    }
    int8_prefetch_slice(next, &ahead, next_bytes, next_bytes);
    switch (query_count - q) {
    case 3: queries_tile(x, kp, groups, full, last, queries + q * qs, qs, out + q * ldo, ldo, advance(f, q, 0), 3); break;
    case 2: queries_tile(x, kp, groups, full, last, queries + q * qs, qs, out + q * ldo, ldo, advance(f, q, 0), 2); break;
    case 1: queries_tile(x, kp, groups, full, last, queries + q * qs, qs, out + q * ldo, ldo, advance(f, q, 0), 1); break;
    default: break;
    }
}

// The products, and with a filter (f.masks not NULL) the masks; query_count >= 1.
VNNI static void scan(const uint8_t *codes, int rows, int dimension, const int8_t *queries, int query_count,
                      int query_stride, uint8_t *scratch, int32_t *out, int ldo, tile_filter f) {
    const int d = dimension, kp = int8_padded8(d) / 4, br = int8_block_rows(d);
    for (int r0 = 0; r0 < rows; r0 += br) {
        const int nb = rows - r0 < br ? rows - r0 : br;
        const int groups = (nb + 15) / 16, last = nb - 16 * (groups - 1);
        for (int g = 0; g < groups; g++) {
            // Rows 0-7 of the group into the low 32 bytes of each vector, rows 8-15 the high.
            const int n = g + 1 < groups ? 16 : last;
            uint8_t *dst = scratch + 64L * kp * g;
            const uint8_t *src = codes + (long)(r0 + 16 * g) * d;
            int8_transpose_group(src, n < 8 ? n : 8, d, kp, dst, 64);
            int8_transpose_group(src + 8L * d, n > 8 ? n - 8 : 0, d, kp, dst + 32, 64);
        }
        block(scratch, kp, groups, last, queries, query_count, query_stride, out + r0, ldo, advance(f, 0, r0 / 16),
              codes + (long)(r0 + nb) * d, (long)br * d);
    }
}

VNNI void visage_int8_dots_vnni(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                                int query_count, int query_stride, uint8_t *scratch, int32_t *out, int ldo) {
    if (int8_done_without_transpose(codes, rows, dimension, queries, query_count, query_stride, scratch, out, ldo))
        return;
    const tile_filter none = {0};
    scan(codes, rows, dimension, queries, query_count, query_stride, scratch, out, ldo, none);
}

VNNI void visage_int8_scan_vnni(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                                int query_count, int query_stride, uint8_t *scratch, int32_t *out, int ldo,
                                const visage_int8_filter *filter) {
    if (rows <= 0 || query_count <= 0 || dimension <= 0) return;
    const tile_filter f = {filter->norms, filter->a, filter->b, filter->thresholds, filter->masks, filter->ldm};
    scan(codes, rows, dimension, queries, query_count, query_stride, scratch, out, ldo, f);
}

#else

void visage_int8_dots_vnni(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                           int query_count, int query_stride, uint8_t *scratch, int32_t *out, int ldo) {
    (void)codes; (void)rows; (void)dimension; (void)queries; (void)query_count; (void)query_stride;
    (void)scratch; (void)out; (void)ldo;
}

void visage_int8_scan_vnni(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                           int query_count, int query_stride, uint8_t *scratch, int32_t *out, int ldo,
                           const visage_int8_filter *filter) {
    (void)codes; (void)rows; (void)dimension; (void)queries; (void)query_count; (void)query_stride;
    (void)scratch; (void)out; (void)ldo; (void)filter;
}

#endif
