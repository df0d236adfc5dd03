// Float32 dot products of a batch of queries with a block of rows (AVX2 + FMA), for the float32
// index.
//
// Layout. Rows are taken a block at a time (BLOCK_ROWS = 16 rows, and at most DIM_CHUNK = 128
// dimensions of them at a time) and transposed into a stack buffer in "vertical" form: for each
// group of eight rows and each dimension k, one 32-byte vector holds component k of row 0, row
// 1, ..., row 7 (lane i is row i). A query's component k broadcast to all eight lanes
// (vbroadcastss from memory) then lines up with every row, and one FMA
//
//   acc += rows[0..7][k] * broadcast(q[k])
//
// adds dimension k of eight rows straight into one lane per row: the accumulators end as the
// eight dot products and are stored with one vector store, with no horizontal reduction (the
// row-major kernel this replaces, now float_dots_rows.c, ended every 2 x 4 tile with six
// vhaddps and two permutes after only 16 FMA steps at d = 128). The transpose of eight rows x
// eight components loads row i's components 0-3 into the low 128-bit lane and row i + 4's into
// the high lane, then transposes each lane 4 x 4 (16 shuffles per 64 floats); it is paid once
// per block and shared by every query of the call (under a tenth of the time at 32 queries).
//
// Dimensions. A block is transposed DIM_CHUNK dimensions at a time, so that the buffer has a
// fixed size (BLOCK_ROWS x DIM_CHUNK floats, 8 KB) for any dimension: the first chunk's sums are
// stored to `out`, later chunks' are added to it (for d <= DIM_CHUNK there is one chunk and `out`
// is only written). Dimension tails need no padding: the loop runs over exactly the chunk's
// dimensions, and the transpose reads a row's last partial eight components with a masked
// load, so nothing past the rows or the queries is read. Rows past the last are zero in the
// buffer and their sums are not stored (masked stores).
//
// Register tile: 6 queries x 2 groups of eight rows: twelve accumulators, two row vectors and
// one broadcast, 15 of the 16 ymm registers with no spills (checked in the disassembly at -O2
// and -O3; a 4 x 3 tile needs all 16 and clang spills an accumulator in the loop, and was slower
// even written in assembly). Per dimension the loop is 12 FMAs (6 cycles on Zen 3's two FMA
// pipes) against two vector loads and six broadcasts, so it is FMA-bound; it is unrolled twice.
// While the queries pass over a block, the next block's rows are prefetched into L2 a slice
// per query tile (into L1 they would evict the block and the queries). One to four queries go
// to the row-major kernel (float_dots_rows.c) instead: for them the transpose costs more than
// the reduction it saves.
#include "visage_kernels.h"

#define BLOCK_ROWS 16  // rows per transposed block, a multiple of 8 * TILE_G
#define DIM_CHUNK 128  // dimensions per transposed block
#define TILE_Q 6  // queries per register tile (the remainder, 1-5, in one narrower tile)
#define TILE_G 2  // groups of eight rows per register tile (the remainder, 1, in a narrower one)
#define PF_HINT _MM_HINT_T1  // into L2: into L1 it would evict the block being used
#define ROWS_KERNEL_MAX_QUERIES 4  // at most this many queries go to visage_float_dots_rows_avx2

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define AVX2FMA __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline))

// Lanes i < n all ones (n in 0...8), for masked loads and stores.
AVX2FMA INLINE __m256i lane_mask(int n) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lanes);
}

// Transposes eight rows of eight floats so that vector k holds component k of rows 0...7, and
// stores the first `n` of those vectors at dst, dst + 8, ...
AVX2FMA INLINE void transpose8(__m256 r0, __m256 r1, __m256 r2, __m256 r3, __m256 r4, __m256 r5, __m256 r6,
                               __m256 r7, float *dst, int n) {
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xee);
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xee);
    __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xee);
    __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xee);
    // u0 = component 0 of rows 0-3 (low half) | component 4 of rows 0-3 (high half), u1 = 1 | 5, ...
    __m256 v[8] = {
        _mm256_permute2f128_ps(u0, u4, 0x20), _mm256_permute2f128_ps(u1, u5, 0x20),
        _mm256_permute2f128_ps(u2, u6, 0x20), _mm256_permute2f128_ps(u3, u7, 0x20),
        _mm256_permute2f128_ps(u0, u4, 0x31), _mm256_permute2f128_ps(u1, u5, 0x31),
        _mm256_permute2f128_ps(u2, u6, 0x31), _mm256_permute2f128_ps(u3, u7, 0x31),
    };
    for (int k = 0; k < n; k++) _mm256_store_ps(dst + 8 * k, v[k]);
}

// Eight rows x[0], x[d], ..., x[7d] of eight floats into the vertical layout at dst (eight
// vectors), with half the shuffles of transpose8: each 128-bit lane is transposed on its own,
// 4 x 4, after loading row i's four components into the low lane and row i + 4's into the high
// lane (the load-and-insert does what transpose8's lane-crossing permutes do).
AVX2FMA INLINE void transpose8_rows(const float *x, long d, float *dst) {
    for (int h = 0; h < 8; h += 4) {
        const float *p = x + h;
        __m256 r0 = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(p)), _mm_loadu_ps(p + 4 * d), 1);
        __m256 r1 = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(p + d)), _mm_loadu_ps(p + 5 * d), 1);
        __m256 r2 = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(p + 2 * d)), _mm_loadu_ps(p + 6 * d), 1);
        __m256 r3 = _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(p + 3 * d)), _mm_loadu_ps(p + 7 * d), 1);
        // r_i = components h...h+3 of row i | of row i + 4.
        __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
        __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
        _mm256_store_ps(dst + 8 * h, _mm256_shuffle_ps(t0, t2, 0x44));
        _mm256_store_ps(dst + 8 * h + 8, _mm256_shuffle_ps(t0, t2, 0xee));
        _mm256_store_ps(dst + 8 * h + 16, _mm256_shuffle_ps(t1, t3, 0x44));
        _mm256_store_ps(dst + 8 * h + 24, _mm256_shuffle_ps(t1, t3, 0xee));
    }
}

// Components j0 ... j0 + kc - 1 of rows x[0 .. nr) (stride d, nr in 1...8) into the vertical
// layout at dst: kc vectors of eight floats, lanes past nr zero.
AVX2FMA static void transpose_group(const float *x, int nr, long d, int kc, float *dst) {
    int k = 0;
    if (nr == 8) {
        for (; k + 8 <= kc; k += 8) transpose8_rows(x + k, d, dst + 8 * k);
    }
    for (; k < kc; k += 8) {
        // The last (partial) eight components, or every component of a partial group: masked
        // loads, so that nothing past a row or past the rows is read; missing rows are zero.
        const int n = kc - k < 8 ? kc - k : 8;
        const __m256i m = lane_mask(n);
        __m256 r[8];
        for (int i = 0; i < 8; i++) r[i] = i < nr ? _mm256_maskload_ps(x + i * d + k, m) : _mm256_setzero_ps();
        transpose8(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], dst + 8 * k, n);
    }
}

// NQ queries (w, stride d) by NG groups of eight rows (x, 8 * kc floats per group) over kc
// dimensions; group g's eight sums for query q are stored (or added, if `add`) at
// o + q * ldo + 8 * g, only the first `nr` lanes of the last group.
AVX2FMA INLINE void tile(const float *x, int kc, const float *w, long d, float *o, long ldo, int nr, int add,
                         const int NQ, const int NG) {
    __m256 acc[TILE_Q][TILE_G];
    for (int q = 0; q < NQ; q++)
        for (int g = 0; g < NG; g++) acc[q][g] = _mm256_setzero_ps();
    const long gs = 8L * kc;
#pragma clang loop unroll_count(2)
    for (int k = 0; k < kc; k++) {
        __m256 v[TILE_G];
        for (int g = 0; g < NG; g++) v[g] = _mm256_load_ps(x + g * gs + 8 * k);
        for (int q = 0; q < NQ; q++) {
            const __m256 b = _mm256_broadcast_ss(w + q * d + k);
            for (int g = 0; g < NG; g++) acc[q][g] = _mm256_fmadd_ps(v[g], b, acc[q][g]);
        }
    }
    const __m256i m = lane_mask(nr);
    for (int q = 0; q < NQ; q++) {
        for (int g = 0; g < NG; g++) {
            float *dst = o + q * ldo + 8 * g;
            if (g + 1 < NG || nr == 8) {
                __m256 s = acc[q][g];
                if (add) s = _mm256_add_ps(s, _mm256_loadu_ps(dst));
                _mm256_storeu_ps(dst, s);
            } else {
                __m256 s = acc[q][g];
                if (add) s = _mm256_add_ps(s, _mm256_maskload_ps(dst, m));
                _mm256_maskstore_ps(dst, m, s);
            }
        }
    }
}

// NQ queries against the `groups` transposed groups of a block (the last with `last` rows).
AVX2FMA INLINE void queries_by_block(const float *x, int kc, int groups, int last, const float *w, long d,
                                     float *o, long ldo, int add, const int NQ) {
    const long gs = 8L * kc;
    int g = 0;
    for (; g + TILE_G < groups || (g + TILE_G == groups && last == 8); g += TILE_G)
        tile(x + g * gs, kc, w, d, o + 8 * g, ldo, 8, add, NQ, TILE_G);
    // The last one to TILE_G groups (the last of them possibly partial).
    switch (groups - g) {
    case 1: tile(x + g * gs, kc, w, d, o + 8 * g, ldo, last, add, NQ, 1); break;
    case 2: tile(x + g * gs, kc, w, d, o + 8 * g, ldo, last, add, NQ, 2); break;
    default: break;
    }
}

AVX2FMA void visage_float_dots_avx2(const float *rows_data, int rows, int dimension, const float *queries,
                                    int query_count, float *out, int ldo) {
    if (rows <= 0 || query_count <= 0 || dimension <= 0) return;
    if (query_count <= ROWS_KERNEL_MAX_QUERIES) {
        // Too few queries to pay for the transpose.
        visage_float_dots_rows_avx2(rows_data, rows, dimension, queries, query_count, out, ldo);
        return;
    }
    const long d = dimension;
    float block[BLOCK_ROWS * DIM_CHUNK] __attribute__((aligned(64)));
    for (int r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
        const int nb = rows - r0 < BLOCK_ROWS ? rows - r0 : BLOCK_ROWS;
        const int groups = (nb + 7) / 8, last = nb - 8 * (groups - 1);
        for (int j0 = 0; j0 < dimension; j0 += DIM_CHUNK) {
            const int kc = dimension - j0 < DIM_CHUNK ? dimension - j0 : DIM_CHUNK, add = j0 > 0;
            for (int g = 0; g < groups; g++)
                transpose_group(rows_data + (r0 + 8L * g) * d + j0, g + 1 < groups ? 8 : last, d, kc,
                                block + 8L * kc * g);
            // While the queries pass over this block, the next block's rows are prefetched a
            // slice per query tile (when a block is one chunk), so that its transpose does not
            // wait on memory.
            const char *next = (const char *)(rows_data + (r0 + (long)nb) * d);
            long next_bytes = 0, slice = 0, ahead = 0;
            if (dimension <= DIM_CHUNK) {
                const long next_rows = rows - r0 - nb < BLOCK_ROWS ? rows - r0 - nb : BLOCK_ROWS;
                next_bytes = next_rows * d * (long)sizeof(float);
                slice = (next_bytes / (query_count / TILE_Q + 1) + 63) & ~63L;
            }
            int q = 0;
            for (; q + TILE_Q <= query_count; q += TILE_Q) {
                for (long end = ahead + slice < next_bytes ? ahead + slice : next_bytes; ahead < end; ahead += 64)
                    _mm_prefetch(next + ahead, PF_HINT);
                queries_by_block(block, kc, groups, last, queries + q * d + j0, d, out + q * (long)ldo + r0, ldo,
                                 add, TILE_Q);
            }
            for (; ahead < next_bytes; ahead += 64) _mm_prefetch(next + ahead, PF_HINT);
            // The last query_count % TILE_Q queries in one narrower tile.
            const float *w = queries + q * d + j0;
            float *o = out + q * (long)ldo + r0;
            switch (query_count - q) {
            case 1: queries_by_block(block, kc, groups, last, w, d, o, ldo, add, 1); break;
            case 2: queries_by_block(block, kc, groups, last, w, d, o, ldo, add, 2); break;
            case 3: queries_by_block(block, kc, groups, last, w, d, o, ldo, add, 3); break;
            case 4: queries_by_block(block, kc, groups, last, w, d, o, ldo, add, 4); break;
            case 5: queries_by_block(block, kc, groups, last, w, d, o, ldo, add, 5); break;
            default: break;
            }
        }
    }
}

#else

void visage_float_dots_avx2(const float *rows_data, int rows, int dimension, const float *queries,
                            int query_count, float *out, int ldo) {
    (void)rows_data; (void)rows; (void)dimension; (void)queries; (void)query_count; (void)out; (void)ldo;
}

#endif
