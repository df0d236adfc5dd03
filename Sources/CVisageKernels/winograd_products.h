// The products of the batched Winograd kernels (AVX2, and eight channels at once in AVX-512): for
// one position ξ of the transformed tiles, M[ξ][r][t] = Σ_c U[ξ][r][c] · V[ξ][c][t] for four output
// channels r. Shared by F(2×2, 3×3) (winograd_batch.c), F(4×4, 3×3) (winograd_batch4.c) and
// F(2, 7) (winograd_line.c). Internal header.
#ifndef VISAGE_WINOGRAD_PRODUCTS_H
#define VISAGE_WINOGRAD_PRODUCTS_H

#if defined(__x86_64__)
#include <immintrin.h>

#include "fma_block.h"

/// Tiles per register block of the wide part: four output channels × 24 tiles (three vectors).
#define VISAGE_WINOGRAD_WIDE 24

/// Stores 24 tiles' values.
__attribute__((target("avx2,fma"), always_inline))
static inline void store24(float *p, __m256 a, __m256 b, __m256 c) {
    _mm256_storeu_ps(p, a);
    _mm256_storeu_ps(p + 8, b);
    _mm256_storeu_ps(p + 16, c);
}

/// m[r · block + t] = Σ_c u[4c + r] · v[c · block + t] for r < 4 and the tiles 0 ..< tiles (a
/// multiple of 8): 24 at a time, then (with `sixteen`) 16 at a time, then 8 at a time.
__attribute__((target("avx2,fma"), always_inline))
static inline void winograd_multiply_position(const float *uxi, const float *vxi, int channels, int block,
                                              int tiles, float *mxi, int sixteen) {
    const int wide = tiles / VISAGE_WINOGRAD_WIDE * VISAGE_WINOGRAD_WIDE;
    int rest = wide;
    for (int t = 0; t < wide; t += VISAGE_WINOGRAD_WIDE) {
        __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
        __m256 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
        const float *vp = vxi + t, *up = uxi;
        for (int c = 0; c < channels; c++, vp += block, up += 4) {
            VISAGE_FMA_4X24(vp, up, a00, a01, a02, a10, a11, a12, a20, a21, a22, a30, a31, a32);
        }
        float *mp = mxi + t;
        store24(mp, a00, a01, a02);
        store24(mp + block, a10, a11, a12);
        store24(mp + 2 * block, a20, a21, a22);
        store24(mp + 3 * block, a30, a31, a32);
    }
    if (sixteen && rest + 16 <= tiles) {
        // Four channels × 16 tiles: eight accumulators, one FMA chain over c per output.
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        const float *vp = vxi + rest, *up = uxi;
        for (int c = 0; c < channels; c++, vp += block, up += 4) {
            const __m256 v0 = _mm256_loadu_ps(vp), v1 = _mm256_loadu_ps(vp + 8);
            __m256 w = _mm256_broadcast_ss(up);
            a0 = _mm256_fmadd_ps(w, v0, a0);
            b0 = _mm256_fmadd_ps(w, v1, b0);
            w = _mm256_broadcast_ss(up + 1);
            a1 = _mm256_fmadd_ps(w, v0, a1);
            b1 = _mm256_fmadd_ps(w, v1, b1);
            w = _mm256_broadcast_ss(up + 2);
            a2 = _mm256_fmadd_ps(w, v0, a2);
            b2 = _mm256_fmadd_ps(w, v1, b2);
            w = _mm256_broadcast_ss(up + 3);
            a3 = _mm256_fmadd_ps(w, v0, a3);
            b3 = _mm256_fmadd_ps(w, v1, b3);
        }
        float *mp = mxi + rest;
        _mm256_storeu_ps(mp, a0);
        _mm256_storeu_ps(mp + 8, b0);
        _mm256_storeu_ps(mp + block, a1);
        _mm256_storeu_ps(mp + block + 8, b1);
        _mm256_storeu_ps(mp + 2 * block, a2);
        _mm256_storeu_ps(mp + 2 * block + 8, b2);
        _mm256_storeu_ps(mp + 3 * block, a3);
        _mm256_storeu_ps(mp + 3 * block + 8, b3);
        rest += 16;
    }
    for (int t = rest; t < tiles; t += 8) {
        // Two accumulators per channel (even and odd input channels) to hide the FMA latency.
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        const float *vp = vxi + t, *up = uxi;
        int c = 0;
        for (; c + 1 < channels; c += 2, vp += 2 * block, up += 8) {
            const __m256 v0 = _mm256_loadu_ps(vp), v1 = _mm256_loadu_ps(vp + block);
            a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(up), v0, a0);
            a1 = _mm256_fmadd_ps(_mm256_broadcast_ss(up + 1), v0, a1);
            a2 = _mm256_fmadd_ps(_mm256_broadcast_ss(up + 2), v0, a2);
            a3 = _mm256_fmadd_ps(_mm256_broadcast_ss(up + 3), v0, a3);
            b0 = _mm256_fmadd_ps(_mm256_broadcast_ss(up + 4), v1, b0);
            b1 = _mm256_fmadd_ps(_mm256_broadcast_ss(up + 5), v1, b1);
            b2 = _mm256_fmadd_ps(_mm256_broadcast_ss(up + 6), v1, b2);
            b3 = _mm256_fmadd_ps(_mm256_broadcast_ss(up + 7), v1, b3);
        }
        if (c < channels) {
            const __m256 v0 = _mm256_loadu_ps(vp);
            a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(up), v0, a0);
            a1 = _mm256_fmadd_ps(_mm256_broadcast_ss(up + 1), v0, a1);
            a2 = _mm256_fmadd_ps(_mm256_broadcast_ss(up + 2), v0, a2);
            a3 = _mm256_fmadd_ps(_mm256_broadcast_ss(up + 3), v0, a3);
        }
        float *mp = mxi + t;
        _mm256_storeu_ps(mp, _mm256_add_ps(a0, b0));
        _mm256_storeu_ps(mp + block, _mm256_add_ps(a1, b1));
        _mm256_storeu_ps(mp + 2 * block, _mm256_add_ps(a2, b2));
        _mm256_storeu_ps(mp + 3 * block, _mm256_add_ps(a3, b3));
    }
}

/// For one position ξ: eight output channels (a's four → ma, b's four → mb; a[4c + r] is channel
/// r's U at input channel c) × `width` tiles from t (32: two zmm per channel, 16: one zmm, 8: one
/// ymm), ma[r · block + t] = Σ_c a[4c + r] · vxi[c · block + t], one FMA chain over c in order per
/// output, as in the 24-tile blocks of winograd_multiply_position.
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void winograd_chain8(const float *a, const float *b, const float *vxi, int channels, int block, int t,
                          float *ma, float *mb, const int width) {
    __m512 z[8][2];
    __m256 y[8];
    for (int r = 0; r < 8; r++) z[r][0] = z[r][1] = _mm512_setzero_ps(), y[r] = _mm256_setzero_ps();
    const float *vp = vxi + t;
    for (int c = 0; c < channels; c++, vp += block) {
        __m512 v0 = _mm512_setzero_ps(), v1 = v0;
        __m256 v8 = _mm256_setzero_ps();
        if (width >= 16) v0 = _mm512_loadu_ps(vp);
        if (width == 32) v1 = _mm512_loadu_ps(vp + 16);
        if (width == 8) v8 = _mm256_loadu_ps(vp);
        for (int r = 0; r < 8; r++) {
            const __m512 w = _mm512_set1_ps(r < 4 ? a[4 * c + r] : b[4 * c + r - 4]);
            if (width >= 16) z[r][0] = _mm512_fmadd_ps(v0, w, z[r][0]);
            if (width == 32) z[r][1] = _mm512_fmadd_ps(v1, w, z[r][1]);
            if (width == 8) y[r] = _mm256_fmadd_ps(v8, _mm512_castps512_ps256(w), y[r]);
        }
    }
    for (int r = 0; r < 8; r++) {
        float *mp = (r < 4 ? ma + (long)r * block : mb + (long)(r - 4) * block) + t;
        if (width >= 16) _mm512_storeu_ps(mp, z[r][0]);
        if (width == 32) _mm512_storeu_ps(mp + 16, z[r][1]);
        if (width == 8) _mm256_storeu_ps(mp, y[r]);
    }
}

/// For one position ξ: eight output channels (a's four → ma, b's four → mb) × `width` tiles from t
/// (16: one zmm, 8: one ymm), each sum as winograd_multiply_position's eight-tile blocks take it:
/// the even input channels' FMA chain plus the odd ones' (two chains to hide the FMA latency),
/// so that the results equal that AVX2 path's to the bit.
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void winograd_pair8(const float *a, const float *b, const float *vxi, int channels, int block, int t,
                                  float *ma, float *mb, const int width) {
    __m512 even[8], odd[8];
    __m256 even8[8], odd8[8];
    for (int r = 0; r < 8; r++) {
        even[r] = odd[r] = _mm512_setzero_ps();
        even8[r] = odd8[r] = _mm256_setzero_ps();
    }
    const float *vp = vxi + t;
    int c = 0;
    for (; c + 1 < channels; c += 2, vp += 2 * block) {
        __m512 v0 = _mm512_setzero_ps(), v1 = v0;
        __m256 y0 = _mm256_setzero_ps(), y1 = y0;
        if (width == 16) v0 = _mm512_loadu_ps(vp), v1 = _mm512_loadu_ps(vp + block);
        else y0 = _mm256_loadu_ps(vp), y1 = _mm256_loadu_ps(vp + block);
        for (int r = 0; r < 8; r++) {
            const float *u = r < 4 ? a + 4 * c + r : b + 4 * c + r - 4;
            if (width == 16) {
                even[r] = _mm512_fmadd_ps(_mm512_set1_ps(u[0]), v0, even[r]);
                odd[r] = _mm512_fmadd_ps(_mm512_set1_ps(u[4]), v1, odd[r]);
            } else {
                even8[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(u), y0, even8[r]);
                odd8[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(u + 4), y1, odd8[r]);
            }
        }
    }
    if (c < channels) {
        for (int r = 0; r < 8; r++) {
            const float *u = r < 4 ? a + 4 * c + r : b + 4 * c + r - 4;
            if (width == 16) even[r] = _mm512_fmadd_ps(_mm512_set1_ps(u[0]), _mm512_loadu_ps(vp), even[r]);
            else even8[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(u), _mm256_loadu_ps(vp), even8[r]);
        }
    }
    for (int r = 0; r < 8; r++) {
        float *mp = (r < 4 ? ma + (long)r * block : mb + (long)(r - 4) * block) + t;
        if (width == 16) _mm512_storeu_ps(mp, _mm512_add_ps(even[r], odd[r]));
        else _mm256_storeu_ps(mp, _mm256_add_ps(even8[r], odd8[r]));
    }
}

/// Two blocks of four output channels at once (u0 → m0, u1 → m1; U packed [ξ][c][4] per block,
/// V [ξ][c][block], M [ξ][4][block]) for `positions` positions ξ and the tiles 0 ..< tiles (a
/// multiple of 8): tiles before `chained` by winograd_chain8 (32, 16, then 8 at a time: one FMA
/// chain per output), the rest by winograd_pair8 (16, then 8: even and odd chains, as the AVX2
/// eight-tile blocks). Not inlined: the AVX2 entries call it only on CPUs with AVX-512.
__attribute__((target("avx512f,avx2,fma"), noinline))
static inline void winograd_multiply8(const float *u0, const float *u1, const float *v, int positions,
                                      int channels, int block, int tiles, int chained, float *m0, float *m1) {
    for (int xi = 0; xi < positions; xi++) {
        const float *a = u0 + (long)xi * channels * 4, *b = u1 + (long)xi * channels * 4;
        const float *vxi = v + (long)xi * channels * block;
        float *ma = m0 + (long)xi * 4 * block, *mb = m1 + (long)xi * 4 * block;
        int t = 0;
        for (; t + 32 <= chained; t += 32) winograd_chain8(a, b, vxi, channels, block, t, ma, mb, 32);
        for (; t + 16 <= chained; t += 16) winograd_chain8(a, b, vxi, channels, block, t, ma, mb, 16);
        for (; t < chained; t += 8) winograd_chain8(a, b, vxi, channels, block, t, ma, mb, 8);
        for (; t + 16 <= tiles; t += 16) winograd_pair8(a, b, vxi, channels, block, t, ma, mb, 16);
        for (; t < tiles; t += 8) winograd_pair8(a, b, vxi, channels, block, t, ma, mb, 8);
    }
}
#endif

#endif
