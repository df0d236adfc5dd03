// Direct convolution for networks with few channels (the face detectors), compiled for
// AVX2 + FMA per function; callers check visage_cpu_has_avx2() (cpu.c: AVX2 and FMA) first.
//
// Register block: 4 output channels × 3 vectors of 8 output columns. For every input channel
// and kernel tap, 3 unaligned loads of the input row and 4 broadcasts of the packed weights
// feed 12 fused multiply-adds. No im2col buffer, no packing, no thread hand-off. The full
// block's tap is a few lines of inline assembly: it needs all sixteen vector registers, and
// clang's allocation spilled an accumulator to the stack on every tap (MMOD's 5×5 layers ran
// at about half the FMA rate; 1.4–1.8× faster in fixed registers, same sums in the same order).
#include "visage_conv.h"
#include "fma_block.h"

#include <string.h>

long visage_conv_packed_count(int out_channels, int channels, int kh, int kw) {
    return (long)((out_channels + 3) / 4) * channels * kh * kw * 4;
}

void visage_conv_pack_weights(const float *weight, int out_channels, int channels, int kh, int kw,
                              float *packed) {
    const long taps = (long)channels * kh * kw;
    const int blocks = (out_channels + 3) / 4;
    for (int b = 0; b < blocks; b++) {
        for (long t = 0; t < taps; t++) {
            for (int j = 0; j < 4; j++) {
                const int o = 4 * b + j;
                packed[((long)b * taps + t) * 4 + j] = o < out_channels ? weight[(long)o * taps + t] : 0.0f;
            }
        }
    }
}

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>


/// Geometry shared by the blocks of one call.
typedef struct {
    long plane_stride;   // floats between phase planes
    long channel_stride; // floats between input channels (sx planes)
    int pitch, channels, kh, kw;
    const long *tap;     // tap[kx]: (kx % sx) * plane_stride + kx / sx
} geometry;

/// One register block: four output channels × NV·8 (≤ 24) columns starting at `src` (row oy·sy of the
/// padded input, column ox), weights `w` ([C][KH][KW][4] of this channel block, zero for the
/// missing channels of a last partial block). Writes bias + activation to the `ob` rows of
/// `dst` (`ldo` apart), `count` columns (≤ 24). When MASKED, only the lanes of the `count`
/// valid output columns are loaded (a valid output column only reads inside its input row), so
/// nothing past the input's last valid column is touched.
__attribute__((target("avx2,fma"), always_inline))
static inline void block(const geometry *g, const float *src, const float *w, int MASKED, int NV, int ob,
                         const float *bias, const float *slope, int activation,
                         float *dst, long ldo, int count) {
    __m256i m0 = _mm256_set1_epi32(-1), m1 = m0, m2 = m0;
    if (MASKED) {
        const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lanes);
        m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(count - 8), lanes);
        m2 = _mm256_cmpgt_epi32(_mm256_set1_epi32(count - 16), lanes);
    }
    __m256 a00 = _mm256_setzero_ps(), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
    __m256 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
    const int kw = g->kw;
    const long *tap = g->tap;
    for (int c = 0; c < g->channels; c++) {
        const float *channel = src + c * g->channel_stride;
        for (int ky = 0; ky < g->kh; ky++) {
            const float *row = channel + (long)ky * g->pitch;
            for (int kx = 0; kx < kw; kx++) {
                const float *p = row + tap[kx];
#if defined(__x86_64__)
                if (!MASKED && NV == 3) {
                    // The full block in fixed registers (fma_block.h).
                    VISAGE_FMA_4X24(p, w, a00, a01, a02, a10, a11, a12, a20, a21, a22, a30, a31, a32);
                    w += 4;
                    continue;
                }
#endif
                __m256 x0, x1, x2;
                if (MASKED) {
                    x0 = _mm256_maskload_ps(p, m0);
                    x1 = NV > 1 ? _mm256_maskload_ps(p + 8, m1) : x0;
                    x2 = NV > 2 ? _mm256_maskload_ps(p + 16, m2) : x0;
                } else {
                    x0 = _mm256_loadu_ps(p);
                    x1 = _mm256_loadu_ps(p + 8);
                    x2 = _mm256_loadu_ps(p + 16);
                }
                __m256 v = _mm256_broadcast_ss(w);
                a00 = _mm256_fmadd_ps(v, x0, a00);
                if (NV > 1) a01 = _mm256_fmadd_ps(v, x1, a01);
                if (NV > 2) a02 = _mm256_fmadd_ps(v, x2, a02);
                v = _mm256_broadcast_ss(w + 1);
                a10 = _mm256_fmadd_ps(v, x0, a10);
                if (NV > 1) a11 = _mm256_fmadd_ps(v, x1, a11);
                if (NV > 2) a12 = _mm256_fmadd_ps(v, x2, a12);
                v = _mm256_broadcast_ss(w + 2);
                a20 = _mm256_fmadd_ps(v, x0, a20);
                if (NV > 1) a21 = _mm256_fmadd_ps(v, x1, a21);
                if (NV > 2) a22 = _mm256_fmadd_ps(v, x2, a22);
                v = _mm256_broadcast_ss(w + 3);
                a30 = _mm256_fmadd_ps(v, x0, a30);
                if (NV > 1) a31 = _mm256_fmadd_ps(v, x1, a31);
                if (NV > 2) a32 = _mm256_fmadd_ps(v, x2, a32);
                w += 4;
            }
        }
    }
    __m256 acc[4][3] = {{a00, a01, a02}, {a10, a11, a12}, {a20, a21, a22}, {a30, a31, a32}};
    const __m256 zero = _mm256_setzero_ps();
    const __m256i masks[3] = {m0, m1, m2};
    for (int j = 0; j < ob && j < 4; j++) {
        const __m256 b = _mm256_set1_ps(bias[j]);
        const __m256 a = _mm256_set1_ps(activation == VISAGE_CONV_PRELU ? slope[j] : 0.0f);
        float *o = dst + j * ldo;
        for (int v = 0; v < NV; v++) {
            __m256 y = _mm256_add_ps(acc[j][v], b);
            if (activation == VISAGE_CONV_RELU) {
                y = _mm256_max_ps(y, zero);
            } else if (activation == VISAGE_CONV_PRELU) {
                const __m256 negative = _mm256_cmp_ps(y, zero, _CMP_LT_OQ);
                y = _mm256_blendv_ps(y, _mm256_mul_ps(y, a), negative);
            }
            if (MASKED) {
                _mm256_maskstore_ps(o + 8 * v, masks[v], y);
            } else {
                _mm256_storeu_ps(o + 8 * v, y);
            }
        }
    }
}

__attribute__((target("avx2,fma")))
static void rows4(const geometry *g, const float *in, const float *weight, const float *bias,
                  const float *slope, int activation, int out_channels, int sy, float *out,
                  long ldo, int out_pitch, int wo, int oy0, int oy1) {
    const long wblock = (long)g->channels * g->kh * g->kw * 4;
    for (int oy = oy0; oy < oy1; oy++) {
        const float *src = in + (long)oy * sy * g->pitch;
        // Column blocks outside, channel blocks inside: the block's input taps (C·KH rows of
        // 24 + KW columns) stay in L1 while every channel block's weights stream from L2.
        for (int ox = 0; ox < wo; ox += 24) {
            int count = wo - ox < 24 ? wo - ox : 24, x = ox;
            if (count > 16 && count < 24 && wo >= 24) {
                // A last block of 17–23 columns: the full block ending at the last column
                // instead (it recomputes a few columns of the previous block, with the same sums
                // in the same order, so the same values): the masked three-vector block runs at
                // well under the full block's rate.
                x = wo - 24;
                count = 24;
            }
            for (int o = 0; o < out_channels; o += 4) {
                const float *w = weight + (o / 4) * wblock;
                float *dst = out + o * ldo + (long)oy * out_pitch + x;
                const int ob = out_channels - o;
                if (count == 24) {
                    block(g, src + x, w, 0, 3, ob, bias + o, slope + o, activation, dst, ldo, count);
                } else if (count > 16) {
                    block(g, src + ox, w, 1, 3, ob, bias + o, slope + o, activation, dst, ldo, count);
                } else if (count > 8) {
                    block(g, src + ox, w, 1, 2, ob, bias + o, slope + o, activation, dst, ldo, count);
                } else {
                    block(g, src + ox, w, 1, 1, ob, bias + o, slope + o, activation, dst, ldo, count);
                }
            }
        }
    }
}

/// The geometry of one call, its taps written into `tap`; 0 for a kernel the blocks cannot take.
static int make_geometry(geometry *g, long tap[16], long plane_stride, int pitch, int channels, int kh, int kw,
                         int sx) {
    if (kw > 16 || kw < 1 || sx < 1) return 0;
    for (int kx = 0; kx < kw; kx++) tap[kx] = (long)(kx % sx) * plane_stride + kx / sx;
    *g = (geometry){plane_stride, plane_stride * sx, pitch, channels, kh, kw, tap};
    return 1;
}

void visage_conv_direct_avx2(const float *in, long plane_stride, int pitch, int channels,
                             const float *weight, const float *bias, const float *slope, int activation,
                             int out_channels, int kh, int kw, int sy, int sx,
                             float *out, long out_channel_stride, int out_pitch, int wo, int oy0, int oy1) {
    long tap[16];
    geometry g;
    if (!make_geometry(&g, tap, plane_stride, pitch, channels, kh, kw, sx)) return;
    rows4(&g, in, weight, bias, slope, activation, out_channels, sy, out, out_channel_stride, out_pitch, wo, oy0, oy1);
}

/// The AVX-512 register block: R (4 or 8) output channels × NV (1–3) zmm of 16 columns from `src`,
/// the first four channels' weights at w0 and the next four's at w1 (two packed blocks of four),
/// lanes past `count` columns neither loaded nor stored. Each output is the AVX2 block's FMA chain
/// (taps in the same order, weight × input + sum), so the results are equal to the bit.
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void block512(const geometry *g, const float *src, const float *w0, const float *w1, const int R,
                            const int NV, int ob, const float *bias, const float *slope, int activation, float *dst,
                            long ldo, int count) {
    __mmask16 mask[3];
    for (int v = 0; v < 3; v++) {
        const int left = count - 16 * v;
        mask[v] = left >= 16 ? (__mmask16)0xFFFF : left > 0 ? (__mmask16)((1u << left) - 1) : 0;
    }
    __m512 acc[8][3];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();
    const int kw = g->kw;
    const long *tap = g->tap;
    for (int c = 0; c < g->channels; c++) {
        const float *channel = src + c * g->channel_stride;
        for (int ky = 0; ky < g->kh; ky++) {
            const float *row = channel + (long)ky * g->pitch;
            for (int kx = 0; kx < kw; kx++, w0 += 4, w1 += 4) {
                const float *p = row + tap[kx];
                __m512 x[3];
                for (int v = 0; v < NV; v++) x[v] = _mm512_maskz_loadu_ps(mask[v], p + 16 * v);
                for (int r = 0; r < R; r++) {
                    const __m512 w = _mm512_set1_ps(r < 4 ? w0[r] : w1[r - 4]);
                    for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(w, x[v], acc[r][v]);
                }
            }
        }
    }
    // Copied out with constant indices: the epilogue's loop over the `ob` rows would otherwise keep
    // the accumulators in memory, and clang stored one after every FMA.
    __m512 sums[8][3];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < NV; v++) sums[r][v] = acc[r][v];
    const __m512 zero = _mm512_setzero_ps();
    for (int j = 0; j < ob && j < R; j++) {
        const __m512 b = _mm512_set1_ps(bias[j]);
        const __m512 a = _mm512_set1_ps(activation == VISAGE_CONV_PRELU ? slope[j] : 0.0f);
        float *o = dst + j * ldo;
        for (int v = 0; v < NV; v++) {
            __m512 y = _mm512_add_ps(sums[j][v], b);
            if (activation == VISAGE_CONV_RELU) {
                y = _mm512_max_ps(y, zero);
            } else if (activation == VISAGE_CONV_PRELU) {
                y = _mm512_mask_mul_ps(y, _mm512_cmp_ps_mask(y, zero, _CMP_LT_OQ), y, a);
            }
            _mm512_mask_storeu_ps(o + 16 * v, mask[v], y);
        }
    }
}

/// rows4 with AVX-512: eight output channels × 48 columns per register block (24 zmm
/// accumulators: three loads and eight broadcasts feed 24 FMAs per tap), four channels for a last
/// block of at most four, masked loads and stores for a last block of fewer than 48 columns.
__attribute__((target("avx512f,avx2,fma")))
static void rows8(const geometry *g, const float *in, const float *weight, const float *bias, const float *slope,
                  int activation, int out_channels, int sy, float *out, long ldo, int out_pitch, int wo, int oy0,
                  int oy1) {
    const long wblock = (long)g->channels * g->kh * g->kw * 4;
    for (int oy = oy0; oy < oy1; oy++) {
        const float *src = in + (long)oy * sy * g->pitch;
        for (int ox = 0; ox < wo; ox += 48) {
            const int count = wo - ox < 48 ? wo - ox : 48, nv = (count + 15) / 16;
            for (int o = 0; o < out_channels; o += 8) {
                const float *w0 = weight + (o / 4) * wblock, *w1 = w0 + wblock;
                float *dst = out + o * ldo + (long)oy * out_pitch + ox;
                const int ob = out_channels - o;
                const float *b = bias + o, *s = slope + o, *x = src + ox;
                if (ob > 4) {
                    if (nv == 3) block512(g, x, w0, w1, 8, 3, ob, b, s, activation, dst, ldo, count);
                    else if (nv == 2) block512(g, x, w0, w1, 8, 2, ob, b, s, activation, dst, ldo, count);
                    else block512(g, x, w0, w1, 8, 1, ob, b, s, activation, dst, ldo, count);
                } else {
                    if (nv == 3) block512(g, x, w0, w0, 4, 3, ob, b, s, activation, dst, ldo, count);
                    else if (nv == 2) block512(g, x, w0, w0, 4, 2, ob, b, s, activation, dst, ldo, count);
                    else block512(g, x, w0, w0, 4, 1, ob, b, s, activation, dst, ldo, count);
                }
            }
        }
    }
}

void visage_conv_direct_avx512(const float *in, long plane_stride, int pitch, int channels,
                               const float *weight, const float *bias, const float *slope, int activation,
                               int out_channels, int kh, int kw, int sy, int sx,
                               float *out, long out_channel_stride, int out_pitch, int wo, int oy0, int oy1) {
    long tap[16];
    geometry g;
    if (!make_geometry(&g, tap, plane_stride, pitch, channels, kh, kw, sx)) return;
    rows8(&g, in, weight, bias, slope, activation, out_channels, sy, out, out_channel_stride, out_pitch, wo, oy0, oy1);
}

#else

void visage_conv_direct_avx2(const float *in, long plane_stride, int pitch, int channels,
                             const float *weight, const float *bias, const float *slope, int activation,
                             int out_channels, int kh, int kw, int sy, int sx,
                             float *out, long out_channel_stride, int out_pitch, int wo, int oy0, int oy1) {
    (void)in; (void)plane_stride; (void)pitch; (void)channels; (void)weight; (void)bias; (void)slope;
    (void)activation; (void)out_channels; (void)kh; (void)kw; (void)sy; (void)sx; (void)out;
    (void)out_channel_stride; (void)out_pitch; (void)wo; (void)oy0; (void)oy1;
}

// Never called off x86 (no CPU there reports AVX-512): the same empty stand-in.
__typeof__(visage_conv_direct_avx2) visage_conv_direct_avx512 __attribute__((alias("visage_conv_direct_avx2")));

#endif
