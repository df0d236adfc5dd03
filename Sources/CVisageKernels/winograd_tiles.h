// Winograd F(2×2, 3×3) input tiles, eight at a time (AVX2): shared by the batched convolution
// (winograd_batch.c) and the training filter gradient (winograd_gradient.c). Internal header.
#ifndef VISAGE_WINOGRAD_TILES_H
#define VISAGE_WINOGRAD_TILES_H

#if defined(__x86_64__)
#include <immintrin.h>

/// The even (0, 2, …, 14) and odd (1, 3, …, 15) elements of p[0 ..< 16], in order.
__attribute__((target("avx2,fma"), always_inline))
static inline void split(const float *p, __m256 *even, __m256 *odd) {
    const __m256 a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + 8);
    *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xD8));
    *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0xDD)), 0xD8));
}

/// Bᵀ d B of eight patches (d[i][j]: patch row i, column j, one patch per lane), stored at
/// v[ξ · stride], ξ = 4i + j.
__attribute__((target("avx2,fma"), always_inline))
static inline void transform_input(__m256 d[4][4], float *v, long stride) {
    __m256 e[4][4];
    for (int j = 0; j < 4; j++) {
        e[0][j] = _mm256_sub_ps(d[0][j], d[2][j]);
        e[1][j] = _mm256_add_ps(d[1][j], d[2][j]);
        e[2][j] = _mm256_sub_ps(d[2][j], d[1][j]);
        e[3][j] = _mm256_sub_ps(d[1][j], d[3][j]);
    }
    for (int i = 0; i < 4; i++) {
        _mm256_storeu_ps(v + (4 * i + 0) * stride, _mm256_sub_ps(e[i][0], e[i][2]));
        _mm256_storeu_ps(v + (4 * i + 1) * stride, _mm256_add_ps(e[i][1], e[i][2]));
        _mm256_storeu_ps(v + (4 * i + 2) * stride, _mm256_sub_ps(e[i][2], e[i][1]));
        _mm256_storeu_ps(v + (4 * i + 3) * stride, _mm256_sub_ps(e[i][1], e[i][3]));
    }
}
#endif

#endif
