#ifndef VISAGE_KERNELS_H
#define VISAGE_KERNELS_H

#include <stdint.h>

/// 1 when the CPU and the operating system support AVX2 (checked once with CPUID/XGETBV), else 0.
int visage_cpu_has_avx2(void);

/// Integer dot products of one-byte codes with 16-bit query weights, using AVX2.
///
/// codes: `rows` rows of `dimension` bytes (row-major); queries: `query_count` rows of
/// `dimension` int16 values; out[q * ldo + r] receives sum_j codes[r][j] * queries[q][j].
/// Exact in int32 when dimension * 255 * max|query| < 2^31.
/// Call only when visage_cpu_has_avx2() is 1 and dimension is a multiple of 16.
void visage_int8_dots_avx2(const uint8_t *codes, int rows, const int16_t *queries, int query_count,
                           int dimension, int32_t *out, int ldo);

#endif
