// Winograd F(2, 7) (one-dimensional) for stride-1 1 × 7 and 7 × 1 convolutions of a whole batch
// (FaceNet-160's Block17: 128 channels on 8 × 8 planes, ten of each per pass), AVX2 + FMA per
// function, the products in AVX-512 where the CPU has it; callers check visage_cpu_has_avx2().
//
// A tile is two neighbouring outputs of one line (a column for 7 × 1, a row for 1 × 7); its eight
// inputs d are that line's, from the first output's first tap on. Tiles are numbered
// t = (s · pairs + j) · across8 + q (visage_winograd_line.h), so the eight tiles of a vector are
// eight neighbouring lines at the same place along them, and are taken in blocks of `block`:
//   1. Input transform V[ξ][c][t] = (Bᵀ d)[ξ]: 7 × 1 reads its eight input rows as vectors, 1 × 7
//      gathers the eight lines' values; inputs outside the plane are zero.
//   2. For each block of four output channels (two blocks at once with AVX-512) and each of the
//      8 positions ξ, M[ξ][o][t] = Σ_c U[ξ][o][c] · V[ξ][c][t] (winograd_products.h).
//   3. Output transform y = Aᵀ M, bias, ReLU, stores (7 × 1: a vector per output row).
// Multiplies per output: 4 · C · O against 7 · C · O for an im2col product.
//
// Interpolation points 0, ±1, ±2, ±1/2 and ∞ (Lavin & Gray 2015), in correlation form
// y[i] = Σ_k g[k] d[i + k]:
//   Aᵀ = [1 1 1 1 1 1 1 0; 0 1 −1 2 −2 1/2 −1/2 1],
//   G (8 × 7) below, Bᵀ (8 × 8) written out in transform_input.
#include "visage_winograd_line.h"

enum {
    Positions = 8,
    Taps = 7,
    Rows = 4,
    VBudget = 1 << 15,  // floats of one block's transformed input (128 KB), unless 8 tiles need more
    MaxBlock = 256,
};

/// G of F(2, 7): U = G g.
static const double G[Positions][Taps] = {
    {-1, 0, 0, 0, 0, 0, 0},
    {-2.0 / 9, -2.0 / 9, -2.0 / 9, -2.0 / 9, -2.0 / 9, -2.0 / 9, -2.0 / 9},
    {-2.0 / 9, 2.0 / 9, -2.0 / 9, 2.0 / 9, -2.0 / 9, 2.0 / 9, -2.0 / 9},
    {1.0 / 90, 1.0 / 45, 2.0 / 45, 4.0 / 45, 8.0 / 45, 16.0 / 45, 32.0 / 45},
    {1.0 / 90, -1.0 / 45, 2.0 / 45, -4.0 / 45, 8.0 / 45, -16.0 / 45, 32.0 / 45},
    {32.0 / 45, 16.0 / 45, 8.0 / 45, 4.0 / 45, 2.0 / 45, 1.0 / 45, 1.0 / 90},
    {32.0 / 45, -16.0 / 45, 8.0 / 45, -4.0 / 45, 2.0 / 45, -1.0 / 45, 1.0 / 90},
    {0, 0, 0, 0, 0, 0, 1},
};

long visage_winograd_line_packed_count(int out_channels, int channels) {
    return (long)((out_channels + 3) / 4) * Positions * channels * Rows;
}

void visage_winograd_line_pack_weights(const float *weight, int out_channels, int channels, float *packed) {
    const int blocks = (out_channels + 3) / 4;
    for (int b = 0; b < blocks; b++) {
        for (int xi = 0; xi < Positions; xi++) {
            for (int c = 0; c < channels; c++) {
                for (int r = 0; r < Rows; r++) {
                    const int o = Rows * b + r;
                    double u = 0;
                    if (o < out_channels) {
                        const float *g = weight + ((long)o * channels + c) * Taps;
                        for (int k = 0; k < Taps; k++) u += G[xi][k] * g[k];
                    }
                    packed[(((long)b * Positions + xi) * channels + c) * Rows + r] = (float)u;
                }
            }
        }
    }
}

int visage_winograd_line_block(int channels) {
    const int block = VBudget / (Positions * (channels > 0 ? channels : 1)) / 8 * 8;
    return block < 8 ? 8 : block > MaxBlock ? MaxBlock : block;
}

long visage_winograd_line_scratch_count(int channels) {
    const long block = visage_winograd_line_block(channels);
    return Positions * (long)channels * block + 2L * Positions * Rows * block + 16;
}

#if defined(__x86_64__)
#include <immintrin.h>

#include "winograd_products.h"

/// Where the tiles of one group of eight lie: sample s, pair j, first line q0.
typedef struct {
    int s, j, q0;
} Group;

static inline Group locate(long t, int pairs, int across8) {
    const long sj = t / across8;
    return (Group){(int)(sj / pairs), (int)(sj % pairs), (int)(t % across8)};
}

/// The group's input i (position 2j + i − pad along the lines q0 ..< q0 + 8) of one channel's
/// plane, zero outside it.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 load_input(const float *plane, int vertical, int h, int w, int pad, Group g, int i) {
    const int p = 2 * g.j + i - pad;
    const int line = vertical ? h : w, across = vertical ? w : h;
    if (p < 0 || p >= line || g.q0 >= across) return _mm256_setzero_ps();
    const int count = across - g.q0;
    if (vertical) {
        const float *row = plane + (long)p * w + g.q0;
        if (count >= 8) return _mm256_loadu_ps(row);
        const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        return _mm256_maskload_ps(row, _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lanes));
    }
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i index = _mm256_mullo_epi32(lanes, _mm256_set1_epi32(w));
    const float *column = plane + (long)g.q0 * w + p;
    if (count >= 8) return _mm256_i32gather_ps(column, index, 4);
    const __m256 mask = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(count), lanes));
    return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), column, index, mask, 4);
}

/// V = Bᵀ d for the eight inputs d of eight tiles, stored at v[ξ · stride].
__attribute__((target("avx2,fma"), always_inline))
static inline void transform_input(const __m256 d[8], float *v, long stride) {
    const __m256 c21_4 = _mm256_set1_ps(21.0f / 4), c17_4 = _mm256_set1_ps(17.0f / 4);
    const __m256 half = _mm256_set1_ps(0.5f), quarter = _mm256_set1_ps(0.25f), two = _mm256_set1_ps(2);
    const __m256 c5_2 = _mm256_set1_ps(2.5f), c5_4 = _mm256_set1_ps(1.25f), four = _mm256_set1_ps(4);
    const __m256 five = _mm256_set1_ps(5);
    // Rows 0 and 7: −d0 + 21/4 (d2 − d4) + d6 and −d1 + 21/4 (d3 − d5) + d7.
    _mm256_storeu_ps(v, _mm256_fmadd_ps(c21_4, _mm256_sub_ps(d[2], d[4]), _mm256_sub_ps(d[6], d[0])));
    _mm256_storeu_ps(v + 7 * stride, _mm256_fmadd_ps(c21_4, _mm256_sub_ps(d[3], d[5]), _mm256_sub_ps(d[7], d[1])));
    // Rows 1 and 2: (d2 + d6 − 17/4 d4) ± (d1 + d5 − 17/4 d3).
    __m256 odd = _mm256_fnmadd_ps(c17_4, d[3], _mm256_add_ps(d[1], d[5]));
    __m256 even = _mm256_fnmadd_ps(c17_4, d[4], _mm256_add_ps(d[2], d[6]));
    _mm256_storeu_ps(v + stride, _mm256_add_ps(even, odd));
    _mm256_storeu_ps(v + 2 * stride, _mm256_sub_ps(even, odd));
    // Rows 3 and 4: (1/4 d2 − 5/4 d4 + d6) ± (1/2 d1 − 5/2 d3 + 2 d5).
    odd = _mm256_fmadd_ps(two, d[5], _mm256_fnmadd_ps(c5_2, d[3], _mm256_mul_ps(half, d[1])));
    even = _mm256_add_ps(_mm256_fnmadd_ps(c5_4, d[4], _mm256_mul_ps(quarter, d[2])), d[6]);
    _mm256_storeu_ps(v + 3 * stride, _mm256_add_ps(even, odd));
    _mm256_storeu_ps(v + 4 * stride, _mm256_sub_ps(even, odd));
    // Rows 5 and 6: (4 d2 − 5 d4 + d6) ± (2 d1 − 5/2 d3 + 1/2 d5).
    odd = _mm256_fmadd_ps(half, d[5], _mm256_fnmadd_ps(c5_2, d[3], _mm256_mul_ps(two, d[1])));
    even = _mm256_add_ps(_mm256_fnmadd_ps(five, d[4], _mm256_mul_ps(four, d[2])), d[6]);
    _mm256_storeu_ps(v + 5 * stride, _mm256_add_ps(even, odd));
    _mm256_storeu_ps(v + 6 * stride, _mm256_sub_ps(even, odd));
}

/// Step 3 for output channel row r of m ([ξ][4][block]) and the eight tiles from g: y = Aᵀ M + bias,
/// ReLU, stored into the output channel's planes (`plane` floats apart per sample).
__attribute__((target("avx2,fma"), always_inline))
static inline void transform_output(const float *m, int block, int r, int g, Group at, int vertical, int h, int w,
                                    int length, float bias, int relu, float *out_channel, long plane) {
    __m256 x[Positions];
    for (int xi = 0; xi < Positions; xi++) x[xi] = _mm256_loadu_ps(m + ((long)xi * Rows + r) * block + g);
    const __m256 b = _mm256_set1_ps(bias), zero = _mm256_setzero_ps();
    __m256 y0 = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(x[0], x[1]), _mm256_add_ps(x[2], x[3])),
                              _mm256_add_ps(_mm256_add_ps(x[4], x[5]), x[6]));
    __m256 y1 = _mm256_fmadd_ps(_mm256_set1_ps(2), _mm256_sub_ps(x[3], x[4]), _mm256_sub_ps(x[1], x[2]));
    y1 = _mm256_add_ps(_mm256_fmadd_ps(_mm256_set1_ps(0.5f), _mm256_sub_ps(x[5], x[6]), y1), x[7]);
    y0 = _mm256_add_ps(y0, b);
    y1 = _mm256_add_ps(y1, b);
    if (relu) {
        y0 = _mm256_max_ps(y0, zero);
        y1 = _mm256_max_ps(y1, zero);
    }
    const int across = vertical ? w : h, count = across - at.q0 < 8 ? across - at.q0 : 8;
    const int second = 2 * at.j + 1 < length;
    if (count <= 0) return;
    if (vertical) {
        // Output rows 2j and 2j + 1 of sample s, columns q0 ..< q0 + count.
        float *row = out_channel + at.s * plane + (long)(2 * at.j) * w + at.q0;
        if (count == 8) {
            _mm256_storeu_ps(row, y0);
            if (second) _mm256_storeu_ps(row + w, y1);
            return;
        }
        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        _mm256_maskstore_ps(row, mask, y0);
        if (second) _mm256_maskstore_ps(row + w, mask, y1);
        return;
    }
    // Output columns 2j and 2j + 1 of rows q0 ..< q0 + count: pairs (y0, y1) side by side.
    float pairs[16];
    _mm256_storeu_ps(pairs, _mm256_unpacklo_ps(y0, y1));
    _mm256_storeu_ps(pairs + 8, _mm256_unpackhi_ps(y0, y1));
    float *column = out_channel + at.s * plane + (long)at.q0 * length + 2 * at.j;
    for (int l = 0; l < count; l++) {
        // unpacklo/hi interleave within 128-bit halves: lanes 0, 1, 4, 5 low, 2, 3, 6, 7 high.
        const float *pair = pairs + ((l & 2) ? 8 : 0) + ((l & 4) ? 4 : 0) + 2 * (l & 1);
        float *dst = column + (long)l * length;
        dst[0] = pair[0];
        if (second) dst[1] = pair[1];
    }
}

__attribute__((target("avx2,fma")))
void visage_winograd_line_avx2(const float *in, int samples, int channels, int h, int w, int vertical, int pad,
                               int length, const float *weight, const float *bias, int relu, int out_begin,
                               int out_end, float *out, long tile_begin, long tile_end, float *scratch, int avx512) {
    const int block = visage_winograd_line_block(channels);
    const int across = vertical ? w : h, across8 = (across + 7) / 8 * 8, pairs = (length + 1) / 2;
    const long plane = (long)h * w, channel_stride = (long)samples * plane;
    const long out_plane = vertical ? (long)length * w : (long)h * length, out_stride = (long)samples * out_plane;
    float *v = scratch;
    float *m = v + (long)Positions * channels * block;
    const long m_count = (long)Positions * Rows * block;
    for (long b0 = tile_begin; b0 < tile_end; b0 += block) {
        const long b1 = b0 + block < tile_end ? b0 + block : tile_end;
        const int count = (int)(b1 - b0), tiles = (count + 7) / 8 * 8;
        for (int g = 0; g < tiles; g += 8) {
            const Group at = locate(b0 + g, pairs, across8);
            for (int c = 0; c < channels; c++) {
                const float *source = in + c * channel_stride + at.s * plane;
                __m256 d[8];
                for (int i = 0; i < 8; i++) d[i] = load_input(source, vertical, h, w, pad, at, i);
                transform_input(d, v + (long)c * block + g, (long)channels * block);
            }
        }
        for (int ob = out_begin / Rows; ob < out_end / Rows; ob++) {
            const float *u = weight + (long)ob * Positions * channels * Rows;
            const int pair = avx512 && ob + 1 < out_end / Rows;
            if (pair) {
                winograd_multiply8(u, u + (long)Positions * channels * Rows, v, Positions, channels, block, tiles,
                                   tiles, m, m + m_count);
            } else {
                for (int xi = 0; xi < Positions; xi++)
                    winograd_multiply_position(u + (long)xi * channels * Rows, v + (long)xi * channels * block,
                                               channels, block, tiles, m + (long)xi * Rows * block, 1);
            }
            for (int q = 0; q <= pair; q++) {
                for (int r = 0; r < Rows; r++) {
                    const int o = (ob + q) * Rows + r;
                    const float bo = bias != NULL ? bias[o] : 0;
                    for (int g = 0; g < count; g += 8)
                        transform_output(m + q * m_count, block, r, g, locate(b0 + g, pairs, across8), vertical, h, w,
                                         length, bo, relu, out + o * out_stride, out_plane);
                }
            }
            ob += pair;
        }
    }
}

#else

void visage_winograd_line_avx2(const float *in, int samples, int channels, int h, int w, int vertical, int pad,
                               int length, const float *weight, const float *bias, int relu, int out_begin,
                               int out_end, float *out, long tile_begin, long tile_end, float *scratch, int avx512) {
    (void)in, (void)samples, (void)channels, (void)h, (void)w, (void)vertical, (void)pad, (void)length;
    (void)weight, (void)bias, (void)relu, (void)out_begin, (void)out_end, (void)out, (void)tile_begin;
    (void)tile_end, (void)scratch, (void)avx512;
}

#endif
