// The threshold scan of a search's selection: the first row of a tile whose partial distance
// norms[r] + a * dots[r] + b is below the candidate list's threshold (AVX2 + FMA).
//
// The vector and the scalar tail compute the same value the same way (one fused multiply-add,
// then + b), so a row's score does not depend on where the scan started.

#include "visage_select.h"

#include <math.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline))

// Sixteen scores at a time in two independent vectors; `LOAD(p)` gives eight dots as floats.
#define FIRST_BELOW(LOAD, SCALAR)                                                                     \
    const __m256 va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b), vt = _mm256_set1_ps(threshold);     \
    int r = 0;                                                                                        \
    for (; r + 16 <= count; r += 16) {                                                                \
        const __m256 s0 = _mm256_add_ps(_mm256_fmadd_ps(va, LOAD(dots + r), _mm256_loadu_ps(norms + r)), vb); \
        const __m256 s1 = _mm256_add_ps(_mm256_fmadd_ps(va, LOAD(dots + r + 8), _mm256_loadu_ps(norms + r + 8)), vb); \
        const int m = _mm256_movemask_ps(_mm256_cmp_ps(s0, vt, _CMP_LT_OQ)) |                        \
                      _mm256_movemask_ps(_mm256_cmp_ps(s1, vt, _CMP_LT_OQ)) << 8;                    \
        if (m) {                                                                                      \
            const int j = __builtin_ctz((unsigned)m);                                                 \
            float lanes[16];                                                                          \
            _mm256_storeu_ps(lanes, s0);                                                              \
            _mm256_storeu_ps(lanes + 8, s1);                                                          \
            *score = lanes[j];                                                                        \
            return r + j;                                                                             \
        }                                                                                             \
    }                                                                                                 \
    for (; r < count; r++) {                                                                          \
        const float s = fmaf(a, SCALAR(dots[r]), norms[r]) + b;                                       \
        if (s < threshold) {                                                                          \
            *score = s;                                                                               \
            return r;                                                                                 \
        }                                                                                             \
    }                                                                                                 \
    return count;

AVX2 INLINE __m256 load_int32(const int32_t *p) {
    return _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)p));
}

#define INT_SCALAR(x) ((float)(x))
#define FLOAT_SCALAR(x) (x)

AVX2 int visage_first_below_int32_avx2(const int32_t *dots, const float *norms, int count, float a, float b,
                                       float threshold, float *score) {
    FIRST_BELOW(load_int32, INT_SCALAR)
}

AVX2 int visage_first_below_float_avx2(const float *dots, const float *norms, int count, float a, float b,
                                       float threshold, float *score) {
    FIRST_BELOW(_mm256_loadu_ps, FLOAT_SCALAR)
}

#else

int visage_first_below_int32_avx2(const int32_t *dots, const float *norms, int count, float a, float b,
                                  float threshold, float *score) {
    for (int r = 0; r < count; r++) {
        const float s = fmaf(a, (float)dots[r], norms[r]) + b;
        if (s < threshold) {
            *score = s;
            return r;
        }
    }
    return count;
}

int visage_first_below_float_avx2(const float *dots, const float *norms, int count, float a, float b,
                                  float threshold, float *score) {
    for (int r = 0; r < count; r++) {
        const float s = fmaf(a, dots[r], norms[r]) + b;
        if (s < threshold) {
            *score = s;
            return r;
        }
    }
    return count;
}

#endif
