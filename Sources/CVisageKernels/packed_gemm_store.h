// The epilogue shared by the AVX2 and AVX-512 packed products (internal header).
#ifndef VISAGE_PACKED_GEMM_STORE_H
#define VISAGE_PACKED_GEMM_STORE_H

/// Writes the sums of panel p × tile t (block[j * 16 + r]: column j, row r of the block) to the
/// row-major C with the epilogue of visage_packed_gemm_avx2 (bias, alpha, accumulate, ReLU),
/// rows past m and columns past n left out.
void visage_packed_gemm_store(const float *block, int m, int n, int p, int t, const float *bias, float alpha,
                              int accumulate, int relu, float *c, int ldc);

#endif
