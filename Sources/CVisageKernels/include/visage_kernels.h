#ifndef VISAGE_KERNELS_H
#define VISAGE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// 1 when the CPU and the operating system support AVX2 and FMA (checked once with
/// CPUID/XGETBV), else 0. The *_avx2 kernels may be called only when this is 1.
int visage_cpu_has_avx2(void);

/// 1 when the CPU and the operating system support AVX-512 F as well as AVX2 and FMA (checked
/// once), else 0. The *_avx512 kernels may be called only when this is 1.
int visage_cpu_has_avx512(void);

/// 1 when the CPU and the operating system support AVX-512 F, BW, VL and VNNI as well as AVX2
/// (checked once), else 0. visage_int8_dots_vnni may be called only when this is 1.
int visage_cpu_has_avx512_vnni(void);

/// The query stride visage_int8_dots_avx2 needs: the dimension rounded up to a multiple of 64.
int visage_int8_query_stride(int dimension);

/// The number of scratch bytes visage_int8_dots_avx2 needs for this dimension.
size_t visage_int8_scratch_count(int dimension);

/// Integer dot products of one-byte codes with signed query weights in -31...31, using AVX2:
/// out[q * ldo + r] = sum_j codes[r * dimension + j] * queries[q * query_stride + j] (exact).
///
/// codes: `rows` rows of `dimension` bytes; queries: `query_count` rows with stride
/// `query_stride` = visage_int8_query_stride(dimension), the components past `dimension` zero
/// (weights outside -31...31 may overflow int16 sums); scratch: visage_int8_scratch_count
/// bytes. Any rows, dimension and query count >= 1.
void visage_int8_dots_avx2(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                           int query_count, int query_stride, uint8_t *scratch, int32_t *out, int ldo);

/// The same products as visage_int8_dots_avx2 with rows read in place (row-major register
/// tiles ending in a horizontal reduction): faster for one or two queries, which
/// visage_int8_dots_avx2 hands to it. Same arguments and scratch.
void visage_int8_dots_rows_avx2(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                                int query_count, int query_stride, uint8_t *scratch, int32_t *out, int ldo);

/// The same products as visage_int8_dots_avx2 (the same integers) with AVX-512 VNNI
/// (`vpdpbusd`, 64 products per instruction); one or two queries go to
/// visage_int8_dots_rows_avx2. Same arguments and scratch.
void visage_int8_dots_vnni(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                           int query_count, int query_stride, uint8_t *scratch, int32_t *out, int ldo);

/// The selection's prefilter for visage_int8_scan_vnni: for query q and row r of the call, the
/// partial distance s = norms[r] + a[q] * dot + b[q] (fma, then + b) is compared with
/// thresholds[q], and bit j of masks[q * ldm + g] is set when row 16 g + j has s below it.
typedef struct {
    const float *norms;       ///< per row of the call (`rows` values)
    const float *a;           ///< per query
    const float *b;           ///< per query
    const float *thresholds;  ///< per query
    uint16_t *masks;          ///< (rows + 15) / 16 masks per query, `ldm` apart
    long ldm;
} visage_int8_filter;

/// visage_int8_dots_vnni's products (all query counts use the VNNI kernel here), and the
/// filter's masks; bits past the last row are zero.
void visage_int8_scan_vnni(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                           int query_count, int query_stride, uint8_t *scratch, int32_t *out, int ldo,
                           const visage_int8_filter *filter);

/// The same products in portable scalar C: the reference the tests compare with.
void visage_int8_dots_reference(const uint8_t *codes, int rows, int dimension, const int8_t *queries,
                                int query_count, int query_stride, int32_t *out, int ldo);

/// Float32 dot products with AVX2 + FMA: out[q * ldo + r] = sum_j rows[r * dimension + j] *
/// queries[q * dimension + j], for any rows, dimension and query count >= 1 (sums in a
/// different order than a sequential loop, so within float rounding of it).
void visage_float_dots_avx2(const float *rows, int row_count, int dimension, const float *queries,
                            int query_count, float *out, int ldo);

/// The same products as visage_float_dots_avx2 with rows read in place (row-major register
/// tiles ending in a horizontal reduction): faster for one to four queries, which
/// visage_float_dots_avx2 hands to it. Same arguments.
void visage_float_dots_rows_avx2(const float *rows, int row_count, int dimension, const float *queries,
                                 int query_count, float *out, int ldo);

#endif
