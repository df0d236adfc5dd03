// The epilogue shared by the AVX2 and AVX-512 packed products (internal header).
#ifndef VISAGE_PACKED_GEMM_STORE_H
#define VISAGE_PACKED_GEMM_STORE_H

/// Writes the sums of panel p × tile t (block[j * 16 + r]: column j, row r of the block) to the
/// row-major C with the epilogue of visage_packed_gemm_avx2 (bias, alpha, accumulate, ReLU),
/// rows past m and columns past n left out.
void visage_packed_gemm_store(const float *block, int m, int n, int p, int t, const float *bias, float alpha,
                              int accumulate, int relu, float *c, int ldc);

/// Where tile t of B starts and how far apart its rows are (*stride floats), for the kernels'
/// two ways of reading B (visage_packed_gemm_avx2): packed (ldb = 0), or in place with a packed
/// `tail` for a last tile of fewer than six columns.
static inline const float *visage_packed_gemm_tile(const float *b, int ldb, const float *tail, int k, int n, int t,
                                                   long *stride) {
    if (ldb == 0) {
        *stride = VISAGE_PACKED_GEMM_COLUMNS;
        return b + (long)t * VISAGE_PACKED_GEMM_COLUMNS * k;
    }
    if ((long)(t + 1) * VISAGE_PACKED_GEMM_COLUMNS <= n) {
        *stride = ldb;
        return b + (long)t * VISAGE_PACKED_GEMM_COLUMNS;
    }
    *stride = VISAGE_PACKED_GEMM_COLUMNS;
    return tail;
}

#endif
