#ifndef VISAGE_PACKED_GEMM_H
#define VISAGE_PACKED_GEMM_H

#include "visage_kernels.h"  // visage_cpu_has_avx2(): AVX2 and FMA, checked once

/// Rows of A in one packed panel (two vectors of output channels).
#define VISAGE_PACKED_GEMM_ROWS 16
/// Columns of B in one packed tile (the broadcasts of one register block).
#define VISAGE_PACKED_GEMM_COLUMNS 6

/// Floats visage_packed_gemm_pack_a writes for an m × k matrix: ⌈m / 16⌉ panels of k × 16.
long visage_packed_gemm_a_count(int m, int k);

/// Packs the row-major m × k matrix `a` (row stride lda) once, for many products: panel p holds
/// rows 16p ..< 16p + 16 column by column (packed[(p * k + kk) * 16 + r] = a[16p + r][kk]), rows
/// past m zero.
void visage_packed_gemm_pack_a(const float *a, int m, int k, int lda, float *packed);

/// The number of 6-column tiles of an n-column B.
int visage_packed_gemm_tiles(int n);

/// Floats visage_packed_gemm_pack_b writes for a k × n matrix.
long visage_packed_gemm_b_count(int k, int n);

/// Packs tiles t0 ..< t1 of the row-major k × n matrix `b` (row stride ldb): tile t holds columns
/// 6t ..< 6t + 6 row by row (packed[(t * k + kk) * 6 + j] = b[kk][6t + j]), columns past n zero.
/// Calls on disjoint tile ranges may run at once.
void visage_packed_gemm_pack_b(const float *b, int k, int n, int ldb, int t0, int t1, float *packed);

/// visage_packed_gemm_pack_b of the im2col matrix of a convolution, without that matrix: the
/// input is `samples` samples of `channels` planes of h × w, channel-major (channel ch of sample
/// s at in[(ch * samples + s) * h * w]); row kk = (ch · kh + ky) · kw + kx of B and column
/// (s · ho + oy) · wo + ox hold the input at (oy · sy − pad_top + ky, ox · sx − pad_left + kx),
/// zero outside the plane. Calls on disjoint tile ranges may run at once.
void visage_packed_gemm_pack_im2col(const float *in, int samples, int channels, int h, int w, int kh, int kw,
                                    int sy, int sx, int pad_top, int pad_left, int ho, int wo, int t0, int t1,
                                    float *packed);

/// C = act(alpha · (A · B + bias) + [C if accumulate]) for the row panels p0 ..< p1 and column
/// tiles t0 ..< t1 of the m × n product, A packed as above, C row-major with row stride ldc;
/// bias: m values or NULL; relu: clamp at zero after the sum. B (k × n) is either packed as
/// above (ldb = 0: tile t at b + t · 6 · k) or read in place (ldb > 0: the row-major matrix with
/// row stride ldb, tile t at b + 6t), except that a last tile with fewer than six columns is then
/// read from `tail` (that tile alone, k × 6, zero past n: visage_packed_gemm_pack_tail).
/// Each output element is one sum over k in order, then the epilogue, whichever way B is read.
/// Calls on disjoint panel or tile ranges may run at once. Call only when visage_cpu_has_avx2()
/// is 1.
void visage_packed_gemm_avx2(const float *a, int m, int k, const float *b, int ldb, const float *tail, int n,
                             int p0, int p1, int t0, int t1, const float *bias, float alpha, int accumulate,
                             int relu, float *c, int ldc);

/// visage_packed_gemm_avx2 with AVX-512 (the same sums and epilogue, to the bit). Call only when
/// visage_cpu_has_avx512() is 1.
void visage_packed_gemm_avx512(const float *a, int m, int k, const float *b, int ldb, const float *tail, int n,
                               int p0, int p1, int t0, int t1, const float *bias, float alpha, int accumulate,
                               int relu, float *c, int ldc);

/// Copies `count` (< width) columns of a k-row block of B (row stride ldb) into `tail`, k × width,
/// zero past count: the last tile or block of B read in place (width 6 for the `tail` of
/// visage_packed_gemm_avx2, 8 for that of visage_packed_gemm_wide_avx512).
void visage_packed_gemm_pack_tail(const float *b, int k, int count, int width, int ldb, float *tail);

/// visage_packed_gemm_avx512 with B read in place (row stride ldb) in blocks of eight columns:
/// columns c0 ..< c1 (c0 a multiple of 8) of the panels p0 ..< p1; a last block of fewer than
/// eight columns is read from `tail` (visage_packed_gemm_pack_tail). The same sums and
/// epilogue, to the bit. Call only when visage_cpu_has_avx512() is 1.
void visage_packed_gemm_wide_avx512(const float *a, int m, int k, const float *b, int ldb, const float *tail, int n,
                                    int p0, int p1, int c0, int c1, const float *bias, float alpha, int accumulate,
                                    int relu, float *c, int ldc);

#endif
