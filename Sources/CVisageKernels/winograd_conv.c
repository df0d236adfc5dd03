// Winograd F(2×2, 3×3) and F(2×2, 5×5) (Lavin & Gray 2015) for stride-1 convolutions with few
// channels (the face detectors), compiled for AVX2 + FMA per function; callers check
// visage_cpu_has_avx2() first.
//
// One group is two output rows × up to 32 columns: 16 tiles of 2×2 outputs, eight per vector.
//   1. Input transform V = Bᵀ d B of every channel's α × (32 + r − 1) input patch (α = r + 1).
//      A row's even and odd columns are split with one shuffle each (loads at column offsets 0,
//      2, 4 give d0 … d5), which leaves the tiles in the lane order 0 1 4 5 2 3 6 7; the
//      output's unpack puts them back in order, so no permute is needed.
//   2. For each of the α² positions ξ, M[ξ][o] = Σ_c U[ξ][o][c] · V[ξ][c]: four output
//      channels × two vectors of tiles per register block (the direct kernel's shape), weights
//      broadcast from the packed U.
//   3. Output transform Y = Aᵀ M A, bias, activation, stores (masked at the right edge).
// Multiplies per output: α² / 4 · C · O (4 for 3 × 3, 9 for 5 × 5) against r² · C · O direct.
// The transforms are the interpolation points 0, ±1 (3 × 3) and 0, ±1, ±2 (5 × 5) plus ∞, Bᵀ's
// rows scaled to small integers (WinogradTransform.swift derives the same matrices).
#include "visage_winograd.h"

/// G (α × r) of F(2, r): U = G g Gᵀ.
static const double G3[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
static const double G5[6][5] = {
    {1.0 / 4, 0, 0, 0, 0},
    {1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6},
    {1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6},
    {1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3, 2.0 / 3},
    {1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3, 2.0 / 3},
    {0, 0, 0, 0, 1},
};

long visage_winograd_packed_count(int out_channels, int channels, int r) {
    const long alpha = r + 1;
    return (long)((out_channels + 3) / 4) * alpha * alpha * channels * 4;
}

void visage_winograd_pack_weights(const float *weight, int out_channels, int channels, int r, float *packed) {
    const int alpha = r + 1, xis = alpha * alpha, blocks = (out_channels + 3) / 4;
    const double *G = r == 3 ? &G3[0][0] : &G5[0][0];
    for (int b = 0; b < blocks; b++) {
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < 4; j++) {
                const int o = 4 * b + j;
                double u[6][6] = {{0}};
                if (o < out_channels) {
                    const float *g = weight + ((long)o * channels + c) * r * r;
                    double t[6][5] = {{0}};  // G g
                    for (int i = 0; i < alpha; i++) {
                        for (int k = 0; k < r; k++) {
                            for (int a = 0; a < r; a++) t[i][k] += G[i * r + a] * g[a * r + k];
                        }
                    }
                    for (int i = 0; i < alpha; i++) {
                        for (int q = 0; q < alpha; q++) {
                            for (int k = 0; k < r; k++) u[i][q] += t[i][k] * G[q * r + k];
                        }
                    }
                }
                for (int xi = 0; xi < xis; xi++) {
                    packed[(((long)b * xis + xi) * channels + c) * 4 + j] = (float)u[xi / alpha][xi % alpha];
                }
            }
        }
    }
}

long visage_winograd_scratch_count(int channels, int r) {
    const long xis = (long)(r + 1) * (r + 1);
    return xis * 16 * channels + xis * 64;
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/// Eight floats from `p`, of which the first `n` are valid (the rest read as zero, not touched).
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 load_valid(const float *p, int n) {
    if (n >= 8) return _mm256_loadu_ps(p);
    if (n <= 0) return _mm256_setzero_ps();
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    return _mm256_maskload_ps(p, mask);
}

/// Stores the first `n` (≤ 8 are used) floats of `v` at `p`.
__attribute__((target("avx2,fma"), always_inline))
static inline void store_valid(float *p, __m256 v, int n) {
    if (n >= 8) {
        _mm256_storeu_ps(p, v);
    } else if (n > 0) {
        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        _mm256_maskstore_ps(p, mask, v);
    }
}

/// Columns 2t + k (k < α) of one input row for eight tiles from column `x` (of `win` valid).
__attribute__((target("avx2,fma"), always_inline))
static inline void tile_columns(const float *row, int x, int win, const int alpha, __m256 d[6]) {
    for (int q = 0; 2 * q < alpha; q++) {
        const int at = x + 2 * q;
        const __m256 a0 = load_valid(row + at, win - at), a1 = load_valid(row + at + 8, win - at - 8);
        d[2 * q] = _mm256_shuffle_ps(a0, a1, 0x88);
        if (2 * q + 1 < alpha) d[2 * q + 1] = _mm256_shuffle_ps(a0, a1, 0xDD);
    }
}

/// w = Bᵀ d for α = 4 (F(2, 3)) or α = 6 (F(2, 5)).
__attribute__((target("avx2,fma"), always_inline))
static inline void bt_apply(const __m256 d[6], const int alpha, __m256 w[6]) {
    if (alpha == 4) {
        w[0] = _mm256_sub_ps(d[0], d[2]);
        w[1] = _mm256_add_ps(d[1], d[2]);
        w[2] = _mm256_sub_ps(d[2], d[1]);
        w[3] = _mm256_sub_ps(d[1], d[3]);
    } else {
        const __m256 four = _mm256_set1_ps(4), five = _mm256_set1_ps(5), two = _mm256_set1_ps(2);
        const __m256 s34 = _mm256_add_ps(d[3], d[4]), d34 = _mm256_sub_ps(d[3], d[4]);
        const __m256 d42 = _mm256_sub_ps(d[4], d[2]), d31 = _mm256_sub_ps(d[3], d[1]);
        w[0] = _mm256_fmadd_ps(four, d[0], _mm256_fnmadd_ps(five, d[2], d[4]));
        w[1] = _mm256_fmsub_ps(four, _mm256_add_ps(d[1], d[2]), s34);
        w[2] = _mm256_fmadd_ps(four, _mm256_sub_ps(d[2], d[1]), d34);
        w[3] = _mm256_fmadd_ps(two, d31, d42);
        w[4] = _mm256_fnmadd_ps(two, d31, d42);
        w[5] = _mm256_fmadd_ps(four, d[1], _mm256_fnmadd_ps(five, d[3], d[5]));
    }
}

/// V[ξ][c][v] (16 floats per ξ and channel, `nv` vectors of them used) of the group at output
/// column x0, rows oy … oy + α − 1.
__attribute__((target("avx2,fma"), always_inline))
static inline void input_transform(const float *in, long plane_stride, int pitch, int channels, int oy, int x0,
                                   int win, int nv, const int alpha, float *V) {
    for (int c = 0; c < channels; c++) {
        const float *plane = in + c * plane_stride + (long)oy * pitch;
        for (int v = 0; v < nv; v++) {
            const int x = x0 + 16 * v;
            __m256 w[6][6];  // w[row][j]: the rows' horizontal transforms
            for (int row = 0; row < alpha; row++) {
                __m256 d[6];
                tile_columns(plane + (long)row * pitch, x, win, alpha, d);
                bt_apply(d, alpha, w[row]);
            }
            for (int j = 0; j < alpha; j++) {
                __m256 column[6], t[6];
                for (int row = 0; row < alpha; row++) column[row] = w[row][j];
                bt_apply(column, alpha, t);
                for (int i = 0; i < alpha; i++) {
                    _mm256_storeu_ps(V + ((long)(i * alpha + j) * channels + c) * 16 + 8 * v, t[i]);
                }
            }
        }
    }
}

/// M[ξ][j][v] (64 floats per ξ) for one block of four output channels and NV ≤ 2 vectors of
/// tiles: Σ_c U[ξ][c][j] · V[ξ][c][v].
__attribute__((target("avx2,fma"), always_inline))
static inline void multiply(const float *V, const float *U, int channels, int xis, float *M, const int NV) {
    for (int xi = 0; xi < xis; xi++) {
        const float *vp = V + (long)xi * channels * 16;
        const float *w = U + (long)xi * channels * 4;
        __m256 a00 = _mm256_setzero_ps(), a01 = a00, a10 = a00, a11 = a00;
        __m256 a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        for (int c = 0; c < channels; c++) {
            const __m256 x0 = _mm256_loadu_ps(vp + 16 * c);
            const __m256 x1 = NV > 1 ? _mm256_loadu_ps(vp + 16 * c + 8) : x0;
            __m256 b = _mm256_broadcast_ss(w);
            a00 = _mm256_fmadd_ps(b, x0, a00);
            if (NV > 1) a01 = _mm256_fmadd_ps(b, x1, a01);
            b = _mm256_broadcast_ss(w + 1);
            a10 = _mm256_fmadd_ps(b, x0, a10);
            if (NV > 1) a11 = _mm256_fmadd_ps(b, x1, a11);
            b = _mm256_broadcast_ss(w + 2);
            a20 = _mm256_fmadd_ps(b, x0, a20);
            if (NV > 1) a21 = _mm256_fmadd_ps(b, x1, a21);
            b = _mm256_broadcast_ss(w + 3);
            a30 = _mm256_fmadd_ps(b, x0, a30);
            if (NV > 1) a31 = _mm256_fmadd_ps(b, x1, a31);
            w += 4;
        }
        float *m = M + xi * 64;
        _mm256_storeu_ps(m, a00);
        _mm256_storeu_ps(m + 16, a10);
        _mm256_storeu_ps(m + 32, a20);
        _mm256_storeu_ps(m + 48, a30);
        if (NV > 1) {
            _mm256_storeu_ps(m + 8, a01);
            _mm256_storeu_ps(m + 24, a11);
            _mm256_storeu_ps(m + 40, a21);
            _mm256_storeu_ps(m + 56, a31);
        }
    }
}

/// y = Aᵀ m (two outputs from α values) for α = 4 or 6.
__attribute__((target("avx2,fma"), always_inline))
static inline void at_apply(const __m256 m[6], const int alpha, __m256 *y0, __m256 *y1) {
    if (alpha == 4) {
        *y0 = _mm256_add_ps(_mm256_add_ps(m[0], m[1]), m[2]);
        *y1 = _mm256_sub_ps(_mm256_sub_ps(m[1], m[2]), m[3]);
    } else {
        const __m256 two = _mm256_set1_ps(2);
        *y0 = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(m[0], m[1]), _mm256_add_ps(m[2], m[3])), m[4]);
        *y1 = _mm256_add_ps(_mm256_fmadd_ps(two, _mm256_sub_ps(m[3], m[4]), _mm256_sub_ps(m[1], m[2])), m[5]);
    }
}

/// Y = Aᵀ M A for channel j of the block, vector v: outputs (row r, column 2t + s) in y[r][s].
__attribute__((target("avx2,fma"), always_inline))
static inline void output_transform(const float *M, int j, int v, const int alpha, __m256 y[2][2]) {
    __m256 t0[6], t1[6];
    for (int q = 0; q < alpha; q++) {
        __m256 m[6];
        for (int i = 0; i < alpha; i++) m[i] = _mm256_loadu_ps(M + (i * alpha + q) * 64 + j * 16 + 8 * v);
        at_apply(m, alpha, &t0[q], &t1[q]);
    }
    at_apply(t0, alpha, &y[0][0], &y[0][1]);
    at_apply(t1, alpha, &y[1][0], &y[1][1]);
}

/// The whole convolution for filter side R (3 or 5); see visage_winograd_avx2.
__attribute__((target("avx2,fma"), always_inline))
static inline int winograd_rows(const float *in, long plane_stride, int pitch, int channels, const float *weight,
                                const float *bias, const float *slope, int activation, int out_channels, float *out,
                                long out_channel_stride, int out_pitch, int wo, int oy0, int oy1, float *scratch,
                                const int R) {
    const int alpha = R + 1, xis = alpha * alpha;
    float *V = scratch, *M = scratch + (long)xis * 16 * channels;
    const int win = wo + R - 1, blocks = (out_channels + 3) / 4;
    const __m256 zero = _mm256_setzero_ps();
    int oy = oy0;
    for (; oy + 1 < oy1; oy += 2) {
        for (int x0 = 0; x0 < wo; x0 += 32) {
            const int nv = wo - x0 > 16 ? 2 : 1;
            input_transform(in, plane_stride, pitch, channels, oy, x0, win, nv, alpha, V);
            for (int b = 0; b < blocks; b++) {
                const float *U = weight + (long)b * xis * channels * 4;
                if (nv == 2) {
                    multiply(V, U, channels, xis, M, 2);
                } else {
                    multiply(V, U, channels, xis, M, 1);
                }
                for (int j = 0; j < 4 && 4 * b + j < out_channels; j++) {
                    const int o = 4 * b + j;
                    const __m256 bv = _mm256_set1_ps(bias[o]);
                    const __m256 av = _mm256_set1_ps(activation == 2 ? slope[o] : 0.0f);
                    for (int v = 0; v < nv; v++) {
                        __m256 y[2][2];
                        output_transform(M, j, v, alpha, y);
                        for (int r = 0; r < 2; r++) {
                            __m256 e = _mm256_add_ps(y[r][0], bv), f = _mm256_add_ps(y[r][1], bv);
                            if (activation == 1) {
                                e = _mm256_max_ps(e, zero);
                                f = _mm256_max_ps(f, zero);
                            } else if (activation == 2) {
                                e = _mm256_blendv_ps(e, _mm256_mul_ps(e, av), _mm256_cmp_ps(e, zero, _CMP_LT_OQ));
                                f = _mm256_blendv_ps(f, _mm256_mul_ps(f, av), _mm256_cmp_ps(f, zero, _CMP_LT_OQ));
                            }
                            float *dst = out + o * out_channel_stride + (long)(oy + r) * out_pitch + x0 + 16 * v;
                            const int n = wo - (x0 + 16 * v);
                            store_valid(dst, _mm256_unpacklo_ps(e, f), n);
                            store_valid(dst + 8, _mm256_unpackhi_ps(e, f), n - 8);
                        }
                    }
                }
            }
        }
    }
    return oy;
}

__attribute__((target("avx2,fma")))
int visage_winograd_avx2(const float *in, long plane_stride, int pitch, int channels, int r,
                         const float *weight, const float *bias, const float *slope, int activation,
                         int out_channels, float *out, long out_channel_stride, int out_pitch, int wo,
                         int oy0, int oy1, float *scratch) {
    // One specialised copy of the loop nest per filter side.
    if (r == 3) {
        return winograd_rows(in, plane_stride, pitch, channels, weight, bias, slope, activation, out_channels, out,
                             out_channel_stride, out_pitch, wo, oy0, oy1, scratch, 3);
    }
    if (r == 5) {
        return winograd_rows(in, plane_stride, pitch, channels, weight, bias, slope, activation, out_channels, out,
                             out_channel_stride, out_pitch, wo, oy0, oy1, scratch, 5);
    }
    return oy0;
}

#else

int visage_winograd_avx2(const float *in, long plane_stride, int pitch, int channels, int r,
                         const float *weight, const float *bias, const float *slope, int activation,
                         int out_channels, float *out, long out_channel_stride, int out_pitch, int wo,
                         int oy0, int oy1, float *scratch) {
    (void)in; (void)plane_stride; (void)pitch; (void)channels; (void)r; (void)weight; (void)bias; (void)slope;
    (void)activation; (void)out_channels; (void)out; (void)out_channel_stride; (void)out_pitch; (void)wo;
    (void)oy1; (void)scratch;
    return oy0;
}

#endif
