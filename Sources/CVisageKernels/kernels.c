// Integer dot-product kernels for the vector index, compiled for AVX2 per function so the rest of
// the binary stays portable; callers check visage_cpu_has_avx2() first.
#include "visage_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

int visage_cpu_has_avx2(void) {
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value >= 0) return value;
    unsigned a, b, c, d;
    value = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE) && (c & bit_AVX)) {
        unsigned lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        if ((lo & 6) == 6 && __get_cpuid_max(0, 0) >= 7) {
            __cpuid_count(7, 0, a, b, c, d);
            value = (b & bit_AVX2) ? 1 : 0;
        }
    }
    __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    return value;
}

__attribute__((target("avx2")))
static inline int32_t hsum(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

__attribute__((target("avx2")))
static inline __m256i widen(const uint8_t *p) {
    return _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)p));
}

__attribute__((target("avx2")))
void visage_int8_dots_avx2(const uint8_t *codes, int rows, const int16_t *queries, int query_count,
                           int dimension, int32_t *out, int ldo) {
    const int d = dimension;
    int r = 0;
    // Four rows by two queries: eight accumulators, the widened rows reused by both queries.
    for (; r + 4 <= rows; r += 4) {
        const uint8_t *x0 = codes + (long)r * d, *x1 = x0 + d, *x2 = x1 + d, *x3 = x2 + d;
        int q = 0;
        for (; q + 2 <= query_count; q += 2) {
            const int16_t *w0 = queries + (long)q * d, *w1 = w0 + d;
            __m256i a00 = _mm256_setzero_si256(), a01 = a00, a02 = a00, a03 = a00;
            __m256i a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            for (int j = 0; j < d; j += 16) {
                __m256i v0 = widen(x0 + j), v1 = widen(x1 + j), v2 = widen(x2 + j), v3 = widen(x3 + j);
                __m256i q0 = _mm256_loadu_si256((const __m256i *)(w0 + j));
                a00 = _mm256_add_epi32(a00, _mm256_madd_epi16(v0, q0));
                a01 = _mm256_add_epi32(a01, _mm256_madd_epi16(v1, q0));
                a02 = _mm256_add_epi32(a02, _mm256_madd_epi16(v2, q0));
                a03 = _mm256_add_epi32(a03, _mm256_madd_epi16(v3, q0));
                __m256i q1 = _mm256_loadu_si256((const __m256i *)(w1 + j));
                a10 = _mm256_add_epi32(a10, _mm256_madd_epi16(v0, q1));
                a11 = _mm256_add_epi32(a11, _mm256_madd_epi16(v1, q1));
                a12 = _mm256_add_epi32(a12, _mm256_madd_epi16(v2, q1));
                a13 = _mm256_add_epi32(a13, _mm256_madd_epi16(v3, q1));
            }
            int32_t *o0 = out + (long)q * ldo + r, *o1 = o0 + ldo;
            o0[0] = hsum(a00); o0[1] = hsum(a01); o0[2] = hsum(a02); o0[3] = hsum(a03);
            o1[0] = hsum(a10); o1[1] = hsum(a11); o1[2] = hsum(a12); o1[3] = hsum(a13);
        }
        for (; q < query_count; q++) {
            const int16_t *w0 = queries + (long)q * d;
            __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
            for (int j = 0; j < d; j += 16) {
                __m256i q0 = _mm256_loadu_si256((const __m256i *)(w0 + j));
                a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(widen(x0 + j), q0));
                a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(widen(x1 + j), q0));
                a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(widen(x2 + j), q0));
                a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(widen(x3 + j), q0));
            }
            int32_t *o = out + (long)q * ldo + r;
            o[0] = hsum(a0); o[1] = hsum(a1); o[2] = hsum(a2); o[3] = hsum(a3);
        }
    }
    for (; r < rows; r++) {
        const uint8_t *x0 = codes + (long)r * d;
        for (int q = 0; q < query_count; q++) {
            const int16_t *w0 = queries + (long)q * d;
            __m256i a0 = _mm256_setzero_si256();
            for (int j = 0; j < d; j += 16) {
                a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(widen(x0 + j), _mm256_loadu_si256((const __m256i *)(w0 + j))));
            }
            out[(long)q * ldo + r] = hsum(a0);
        }
    }
}

#else

int visage_cpu_has_avx2(void) { return 0; }

void visage_int8_dots_avx2(const uint8_t *codes, int rows, const int16_t *queries, int query_count,
                           int dimension, int32_t *out, int ldo) {
    (void)codes; (void)rows; (void)queries; (void)query_count; (void)dimension; (void)out; (void)ldo;
}

#endif
