// Winograd F(2×2, 3×3) (Lavin & Gray 2015) for stride-1 3×3 convolutions with few channels (the
// MTCNN nets), compiled for AVX2 + FMA per function; callers check visage_cpu_has_avx2() first.
//
// One group is two output rows × up to 48 columns: 24 tiles of 2×2 outputs, eight per vector.
//   1. Input transform V = Bᵀ d B of every channel's 4 × 50 input patch. A row's even and odd
//      columns are split with one shuffle each, which leaves the tiles in the lane order
//      0 1 4 5 2 3 6 7; the output's unpack puts them back in order, so no permute is needed.
//   2. For each of the 16 positions ξ, M[ξ][o] = Σ_c U[ξ][o][c] · V[ξ][c]: four output
//      channels × three vectors of tiles per register block (the direct kernel's shape), weights
//      broadcast from the packed U.
//   3. Output transform Y = Aᵀ M A, bias, activation, stores (masked at the right edge).
// Multiplies per output: 4 · C · O against the direct convolution's 9 · C · O.
#include "visage_winograd.h"

long visage_winograd3_packed_count(int out_channels, int channels) {
    return (long)((out_channels + 3) / 4) * 16 * channels * 4;
}

void visage_winograd3_pack_weights(const float *weight, int out_channels, int channels, float *packed) {
    static const float G[4][3] = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
    const int blocks = (out_channels + 3) / 4;
    for (int b = 0; b < blocks; b++) {
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < 4; j++) {
                const int o = 4 * b + j;
                float u[4][4] = {{0}};
                if (o < out_channels) {
                    const float *g = weight + ((long)o * channels + c) * 9;
                    float t[4][3];  // G g
                    for (int i = 0; i < 4; i++) {
                        for (int k = 0; k < 3; k++) {
                            t[i][k] = G[i][0] * g[k] + G[i][1] * g[3 + k] + G[i][2] * g[6 + k];
                        }
                    }
                    for (int i = 0; i < 4; i++) {
                        for (int q = 0; q < 4; q++) {
                            u[i][q] = t[i][0] * G[q][0] + t[i][1] * G[q][1] + t[i][2] * G[q][2];
                        }
                    }
                }
                for (int xi = 0; xi < 16; xi++) {
                    packed[(((long)b * 16 + xi) * channels + c) * 4 + j] = u[xi / 4][xi % 4];
                }
            }
        }
    }
}

long visage_winograd3_scratch_count(int channels) {
    return 384L * channels + 1536;
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

/// The horizontal transform of one input row for eight tiles starting at column `x` (of `win`
/// valid columns): w0 = d0 − d2, w1 = d1 + d2, w2 = d2 − d1, w3 = d1 − d3.
__attribute__((target("avx2,fma"), always_inline))
static inline void row_transform(const float *row, int x, int win, __m256 w[4]) {
    const __m256 a0 = load_valid(row + x, win - x), a1 = load_valid(row + x + 8, win - x - 8);
    const __m256 b0 = load_valid(row + x + 2, win - x - 2), b1 = load_valid(row + x + 10, win - x - 10);
    const __m256 d0 = _mm256_shuffle_ps(a0, a1, 0x88), d1 = _mm256_shuffle_ps(a0, a1, 0xDD);
    const __m256 d2 = _mm256_shuffle_ps(b0, b1, 0x88), d3 = _mm256_shuffle_ps(b0, b1, 0xDD);
    w[0] = _mm256_sub_ps(d0, d2);
    w[1] = _mm256_add_ps(d1, d2);
    w[2] = _mm256_sub_ps(d2, d1);
    w[3] = _mm256_sub_ps(d1, d3);
}

/// V[ξ][c][v] (24 floats per ξ and channel, `nv` vectors of them used) of the group at output
/// column x0, rows oy…oy+3.
__attribute__((target("avx2,fma")))
static void input_transform(const float *in, long plane_stride, int pitch, int channels, int oy, int x0, int win,
                            int nv, float *V) {
    for (int c = 0; c < channels; c++) {
        const float *plane = in + c * plane_stride + (long)oy * pitch;
        for (int v = 0; v < nv; v++) {
            const int x = x0 + 16 * v;
            __m256 w0[4], w1[4], w2[4], w3[4];
            row_transform(plane, x, win, w0);
            row_transform(plane + pitch, x, win, w1);
            row_transform(plane + 2 * pitch, x, win, w2);
            row_transform(plane + 3 * pitch, x, win, w3);
            for (int j = 0; j < 4; j++) {
                _mm256_storeu_ps(V + ((long)(0 * 4 + j) * channels + c) * 24 + 8 * v, _mm256_sub_ps(w0[j], w2[j]));
                _mm256_storeu_ps(V + ((long)(1 * 4 + j) * channels + c) * 24 + 8 * v, _mm256_add_ps(w1[j], w2[j]));
                _mm256_storeu_ps(V + ((long)(2 * 4 + j) * channels + c) * 24 + 8 * v, _mm256_sub_ps(w2[j], w1[j]));
                _mm256_storeu_ps(V + ((long)(3 * 4 + j) * channels + c) * 24 + 8 * v, _mm256_sub_ps(w1[j], w3[j]));
            }
        }
    }
}

/// M[ξ][j][v] (96 floats per ξ) for one block of four output channels and NV ≤ 3 vectors of
/// tiles: Σ_c U[ξ][c][j] · V[ξ][c][v]. Twelve accumulators at NV = 3, enough independent sums to
/// cover the FMA latency over the short channel loop.
__attribute__((target("avx2,fma"), always_inline))
static inline void multiply(const float *V, const float *U, int channels, float *M, const int NV) {
    for (int xi = 0; xi < 16; xi++) {
        const float *vp = V + (long)xi * channels * 24;
        const float *w = U + (long)xi * channels * 4;
        __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
        __m256 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
        for (int c = 0; c < channels; c++) {
            const __m256 x0 = _mm256_loadu_ps(vp + 24 * c);
            const __m256 x1 = NV > 1 ? _mm256_loadu_ps(vp + 24 * c + 8) : x0;
            const __m256 x2 = NV > 2 ? _mm256_loadu_ps(vp + 24 * c + 16) : x0;
            __m256 b = _mm256_broadcast_ss(w);
            a00 = _mm256_fmadd_ps(b, x0, a00);
            if (NV > 1) a01 = _mm256_fmadd_ps(b, x1, a01);
            if (NV > 2) a02 = _mm256_fmadd_ps(b, x2, a02);
            b = _mm256_broadcast_ss(w + 1);
            a10 = _mm256_fmadd_ps(b, x0, a10);
            if (NV > 1) a11 = _mm256_fmadd_ps(b, x1, a11);
            if (NV > 2) a12 = _mm256_fmadd_ps(b, x2, a12);
            b = _mm256_broadcast_ss(w + 2);
            a20 = _mm256_fmadd_ps(b, x0, a20);
            if (NV > 1) a21 = _mm256_fmadd_ps(b, x1, a21);
            if (NV > 2) a22 = _mm256_fmadd_ps(b, x2, a22);
            b = _mm256_broadcast_ss(w + 3);
            a30 = _mm256_fmadd_ps(b, x0, a30);
            if (NV > 1) a31 = _mm256_fmadd_ps(b, x1, a31);
            if (NV > 2) a32 = _mm256_fmadd_ps(b, x2, a32);
            w += 4;
        }
        float *m = M + xi * 96;
        _mm256_storeu_ps(m, a00);
        _mm256_storeu_ps(m + 24, a10);
        _mm256_storeu_ps(m + 48, a20);
        _mm256_storeu_ps(m + 72, a30);
        if (NV > 1) {
            _mm256_storeu_ps(m + 8, a01);
            _mm256_storeu_ps(m + 32, a11);
            _mm256_storeu_ps(m + 56, a21);
            _mm256_storeu_ps(m + 80, a31);
        }
        if (NV > 2) {
            _mm256_storeu_ps(m + 16, a02);
            _mm256_storeu_ps(m + 40, a12);
            _mm256_storeu_ps(m + 64, a22);
            _mm256_storeu_ps(m + 88, a32);
        }
    }
}

__attribute__((target("avx2,fma")))
static void multiply2(const float *V, const float *U, int channels, float *M) { multiply(V, U, channels, M, 2); }
__attribute__((target("avx2,fma")))
static void multiply1(const float *V, const float *U, int channels, float *M) { multiply(V, U, channels, M, 1); }

/// Y = Aᵀ M A for channel j of the block, vector v: outputs (row r, column 2t + s) in y[r][s].
__attribute__((target("avx2,fma"), always_inline))
static inline void output_transform(const float *M, int j, int v, __m256 y[2][2]) {
    __m256 t0[4], t1[4];
    for (int q = 0; q < 4; q++) {
        const __m256 m0 = _mm256_loadu_ps(M + (0 * 4 + q) * 96 + j * 24 + 8 * v);
        const __m256 m1 = _mm256_loadu_ps(M + (1 * 4 + q) * 96 + j * 24 + 8 * v);
        const __m256 m2 = _mm256_loadu_ps(M + (2 * 4 + q) * 96 + j * 24 + 8 * v);
        const __m256 m3 = _mm256_loadu_ps(M + (3 * 4 + q) * 96 + j * 24 + 8 * v);
        t0[q] = _mm256_add_ps(_mm256_add_ps(m0, m1), m2);
        t1[q] = _mm256_sub_ps(_mm256_sub_ps(m1, m2), m3);
    }
    y[0][0] = _mm256_add_ps(_mm256_add_ps(t0[0], t0[1]), t0[2]);
    y[0][1] = _mm256_sub_ps(_mm256_sub_ps(t0[1], t0[2]), t0[3]);
    y[1][0] = _mm256_add_ps(_mm256_add_ps(t1[0], t1[1]), t1[2]);
    y[1][1] = _mm256_sub_ps(_mm256_sub_ps(t1[1], t1[2]), t1[3]);
}

__attribute__((target("avx2,fma")))
int visage_winograd3_avx2(const float *in, long plane_stride, int pitch, int channels,
                          const float *weight, const float *bias, const float *slope, int activation,
                          int out_channels, float *out, long out_channel_stride, int out_pitch, int wo,
                          int oy0, int oy1, float *scratch) {
    float *V = scratch, *M = scratch + 384L * channels;
    const int win = wo + 2, blocks = (out_channels + 3) / 4;
    const __m256 zero = _mm256_setzero_ps();
    int oy = oy0;
    for (; oy + 1 < oy1; oy += 2) {
        for (int x0 = 0; x0 < wo; x0 += 32) {
            const int nv = wo - x0 > 16 ? 2 : 1;
            input_transform(in, plane_stride, pitch, channels, oy, x0, win, nv, V);
            for (int b = 0; b < blocks; b++) {
                const float *U = weight + (long)b * 16 * channels * 4;
                if (nv == 2) {
                    multiply2(V, U, channels, M);
                } else {
                    multiply1(V, U, channels, M);
                }
                for (int j = 0; j < 4 && 4 * b + j < out_channels; j++) {
                    const int o = 4 * b + j;
                    const __m256 bv = _mm256_set1_ps(bias[o]);
                    const __m256 av = _mm256_set1_ps(activation == 2 ? slope[o] : 0.0f);
                    for (int v = 0; v < nv; v++) {
                        __m256 y[2][2];
                        output_transform(M, j, v, y);
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

#else

int visage_winograd3_avx2(const float *in, long plane_stride, int pitch, int channels,
                          const float *weight, const float *bias, const float *slope, int activation,
                          int out_channels, float *out, long out_channel_stride, int out_pitch, int wo,
                          int oy0, int oy1, float *scratch) {
    (void)in; (void)plane_stride; (void)pitch; (void)channels; (void)weight; (void)bias; (void)slope;
    (void)activation; (void)out_channels; (void)out; (void)out_channel_stride; (void)out_pitch; (void)wo;
    (void)oy1; (void)scratch;
    return oy0;
}

#endif
