// Winograd F(4×4, 3×3) (Lavin & Gray 2015) for stride-1 3 × 3 convolutions of a whole batch on
// planes large enough for 4 × 4 output tiles (FaceNet-160's stem: 77 × 77 and 36 × 36; NN4.small2's
// 24 × 24), AVX2 + FMA per function; callers check visage_cpu_has_avx2() first.
//
// The output's 4 × 4 tiles of all samples are numbered in one sequence and taken in blocks of
// `block` tiles (a multiple of 24), eight tiles to a vector, the lanes in the order of tiles
// 0 2 4 6 1 3 5 7 (what the loads' transposition gives; the stores' undoes it):
//   1. Input transform V[ξ][c][t] = (Bᵀ d B)[ξ] of every channel's 6 × 6 patch. Eight tiles that
//      lie in one or two runs along tile rows are read as 8 × 4 blocks of each patch row and
//      transposed (two runs blended lane by lane); any other group is gathered lane by lane.
//   2. For a chunk of output channels, each of the 36 positions ξ in turn and each block of four
//      channels: M[ξ][o][t] = Σ_c U[ξ][o][c] · V[ξ][c][t] (winograd_products.h). One position's V
//      is read for all of the chunk's channels while it is in L1/L2.
//   3. Output transform Y = Aᵀ M A, bias, ReLU; a group of one tile row inside the output is
//      stored with four shuffles per output row, any other tile row by row, clipped.
// Interpolation points 0, ±1, ±2 and ∞: Bᵀ, G and Aᵀ below (WinogradTransform.swift derives the
// same kind of matrices for F(2, r)).
#include "visage_winograd_batch4.h"

#include "visage_winograd_batch.h"  // VISAGE_WINOGRAD_BATCH_SLACK

enum {
    Alpha = 6,
    Positions = Alpha * Alpha,
    Rows = 4,
    Tiles = 24,
    MaxBlock = 4 * Tiles,
    Groups = MaxBlock / 8,
    VBudget = 1 << 15,  // floats of one block's transformed input (128 KB), unless 24 tiles need more
    MBudget = 1 << 15,  // floats of one chunk's products (128 KB), unless four channels need more
    Slack = VISAGE_WINOGRAD_BATCH_SLACK,
};

/// G (6 × 3) of F(4, 3): U = G g Gᵀ.
static const double G[6][3] = {
    {1.0 / 4, 0, 0},
    {-1.0 / 6, -1.0 / 6, -1.0 / 6},
    {-1.0 / 6, 1.0 / 6, -1.0 / 6},
    {1.0 / 24, 1.0 / 12, 1.0 / 6},
    {1.0 / 24, -1.0 / 12, 1.0 / 6},
    {0, 0, 1},
};

long visage_winograd4_packed_count(int out_channels, int channels) {
    return (long)((out_channels + 3) / 4) * Positions * channels * 4;
}

void visage_winograd4_pack_weights(const float *weight, int out_channels, int channels, float *packed) {
    const int blocks = (out_channels + 3) / 4;
    for (int b = 0; b < blocks; b++) {
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < 4; j++) {
                const int o = 4 * b + j;
                double u[Alpha][Alpha] = {{0}};
                if (o < out_channels) {
                    const float *g = weight + ((long)o * channels + c) * 9;
                    double t[Alpha][3] = {{0}};  // G g
                    for (int i = 0; i < Alpha; i++)
                        for (int k = 0; k < 3; k++)
                            for (int a = 0; a < 3; a++) t[i][k] += G[i][a] * g[a * 3 + k];
                    for (int i = 0; i < Alpha; i++)
                        for (int q = 0; q < Alpha; q++)
                            for (int k = 0; k < 3; k++) u[i][q] += t[i][k] * G[q][k];
                }
                for (int xi = 0; xi < Positions; xi++)
                    packed[(((long)b * Positions + xi) * channels + c) * 4 + j] = (float)u[xi / Alpha][xi % Alpha];
            }
        }
    }
}

int visage_winograd4_block(int channels) {
    const int block = VBudget / (Positions * (channels > 0 ? channels : 1)) / Tiles * Tiles;
    return block < Tiles ? Tiles : block > MaxBlock ? MaxBlock : block;
}

/// Blocks of four output channels whose products one chunk keeps (M: 36 × 4 × block per block).
static int chunk_blocks(int block) {
    const int n = MBudget / (Positions * Rows * block);
    return n < 1 ? 1 : n;
}

long visage_winograd4_scratch_count(int channels) {
    const long block = visage_winograd4_block(channels);
    return Positions * (long)channels * block + (long)Positions * Rows * chunk_blocks((int)block) * block
        + Positions * 8 + Rows * 32;
}

#if defined(__x86_64__)
#include <immintrin.h>

#include "winograd_places.h"
#include "winograd_products.h"

/// The tile a vector lane holds: the loads' transposition leaves tiles 0 2 4 6 1 3 5 7.
static const int lane_tile[8] = {0, 2, 4, 6, 1, 3, 5, 7};

/// Where a block's tiles are, worked out once per block (no divisions in the inner loops).
typedef struct {
    long in[MaxBlock];   // offset of the tile's patch in the padded planes of channel 0
    long out[MaxBlock];  // offset of the tile's top-left output in the output planes of channel 0
    int y[MaxBlock], x[MaxBlock];  // the tile's top-left output row and column
    /// Per group of eight: its tiles as at most two runs along a tile row, lanes of tiles
    /// 0 ..< split from run 0 and split ..< 8 from run 1 (tile l's patch at in_run + 4 · l), or -1
    /// (gathered lane by lane).
    int split[Groups];
    long in_run[Groups][2];
    /// Per group: 1 when all eight tiles exist, lie in one tile row and their outputs are inside
    /// the output (vector stores).
    unsigned char whole[Groups];
} BlockPlaces;

static void locate(long b0, long b1, int groups, int tiles_y, int tiles_x, int hp, int wp, int ho, int wo,
                   BlockPlaces *p) {
    winograd_place_tiles(b0, b1, 4, tiles_y, tiles_x, hp, wp, ho, wo, p->in, p->out, p->y, p->x);
    for (int g = 0; g < groups; g++) {
        const int i = 8 * g;
        const int count = b1 - (b0 + i) < 8 ? (int)(b1 - (b0 + i)) : 8;
        // Two runs: tiles 0 ..< k continue each other along a tile row, and so do k ..< count.
        const int k = winograd_runs(p->in + i, p->y + i, count, 4, &p->split[g]);
        p->in_run[g][0] = p->in[i];
        p->in_run[g][1] = k < count ? p->in[i + k] - 4L * k : p->in[i];
        p->whole[g] = count == 8 && k == 8 && p->x[i + 7] + 4 <= wo && p->y[i] + 4 <= ho;
    }
}

/// Bᵀ w of one column of six vectors, in place: 4w0 − 5w2 + w4, −4w1 − 4w2 + w3 + w4,
/// 4w1 − 4w2 − w3 + w4, −2w1 − w2 + 2w3 + w4, 2w1 − w2 − 2w3 + w4, 4w1 − 5w3 + w5.
__attribute__((target("avx2,fma"), always_inline))
static inline void transform_in(__m256 *w0, __m256 *w1, __m256 *w2, __m256 *w3, __m256 *w4, __m256 *w5) {
    const __m256 four = _mm256_set1_ps(4), five = _mm256_set1_ps(5);
    const __m256 d0 = *w0, d1 = *w1, d2 = *w2, d3 = *w3, d4 = *w4, d5 = *w5;
    const __m256 t1 = _mm256_fnmadd_ps(four, d2, d4), t2 = _mm256_fnmadd_ps(four, d1, d3);
    const __m256 t3 = _mm256_sub_ps(d4, d2), t4 = _mm256_sub_ps(d3, d1);
    const __m256 t5 = _mm256_add_ps(t4, t4);
    *w0 = _mm256_fnmadd_ps(five, d2, _mm256_fmadd_ps(four, d0, d4));
    *w1 = _mm256_add_ps(t1, t2);
    *w2 = _mm256_sub_ps(t1, t2);
    *w3 = _mm256_add_ps(t3, t5);
    *w4 = _mm256_sub_ps(t3, t5);
    *w5 = _mm256_fnmadd_ps(five, d3, _mm256_fmadd_ps(four, d1, d5));
}

/// Bᵀ d B of eight patches (d[i][j]: patch row i, column j, a patch per lane), stored at
/// v[ξ · stride], ξ = 6i + j.
__attribute__((target("avx2,fma"), always_inline))
static inline void transform_patch(__m256 d[Alpha][Alpha], float *v, long stride) {
    for (int j = 0; j < Alpha; j++) transform_in(&d[0][j], &d[1][j], &d[2][j], &d[3][j], &d[4][j], &d[5][j]);
    for (int i = 0; i < Alpha; i++) {
        transform_in(&d[i][0], &d[i][1], &d[i][2], &d[i][3], &d[i][4], &d[i][5]);
        for (int j = 0; j < Alpha; j++) _mm256_storeu_ps(v + (Alpha * i + j) * stride, d[i][j]);
    }
}

/// Row i of eight patches whose tiles lie along a tile row from p (tile l's patch at p + 4l):
/// d[j] = p[4l + j] for j < 6, lane order 0 2 4 6 1 3 5 7. Reads p[0 ..< 36].
__attribute__((target("avx2,fma"), always_inline))
static inline void load_run(const float *p, __m256 d[Alpha]) {
    __m256 a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + 8), c = _mm256_loadu_ps(p + 16);
    __m256 e = _mm256_loadu_ps(p + 24);
    __m256 u0 = _mm256_unpacklo_ps(a, b), u1 = _mm256_unpackhi_ps(a, b);
    __m256 u2 = _mm256_unpacklo_ps(c, e), u3 = _mm256_unpackhi_ps(c, e);
    d[0] = _mm256_shuffle_ps(u0, u2, 0x44);
    d[1] = _mm256_shuffle_ps(u0, u2, 0xEE);
    d[2] = _mm256_shuffle_ps(u1, u3, 0x44);
    d[3] = _mm256_shuffle_ps(u1, u3, 0xEE);
    a = _mm256_loadu_ps(p + 4), b = _mm256_loadu_ps(p + 12), c = _mm256_loadu_ps(p + 20);
    e = _mm256_loadu_ps(p + 28);
    u0 = _mm256_unpacklo_ps(a, b);
    u2 = _mm256_unpacklo_ps(c, e);
    d[4] = _mm256_shuffle_ps(u0, u2, 0x44);
    d[5] = _mm256_shuffle_ps(u0, u2, 0xEE);
}

/// Step 1 for the block's tiles i0 ..< i0 + 8 (those from i0 + count on hold values no output
/// uses) into v (v[(ξ · channels + c) · block]).
__attribute__((target("avx2,fma"), always_inline))
static inline void gather_group(const float *padded, int channels, long channel_stride, int wp,
                                const BlockPlaces *p, int i0, int count, float *v, int block, float *lanes) {
    const long vstride = (long)channels * block;
    const int g = i0 / 8, k = p->split[g];
    __m256 d[Alpha][Alpha];
    if (k >= 0) {
        // Run 1 read as if it filled the vector (the padded planes have slack on both sides),
        // blended in from the lane of tile k on.
        const __m256i tile = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
        const __m256 second = _mm256_castsi256_ps(_mm256_cmpgt_epi32(tile, _mm256_set1_epi32(k - 1)));
        for (int c = 0; c < channels; c++) {
            const float *a = padded + c * channel_stride + p->in_run[g][0];
            const float *b = padded + c * channel_stride + p->in_run[g][1];
            for (int i = 0; i < Alpha; i++) {
                load_run(a + (long)i * wp, d[i]);
                if (k < count) {
                    __m256 e[Alpha];
                    load_run(b + (long)i * wp, e);
                    for (int j = 0; j < Alpha; j++) d[i][j] = _mm256_blendv_ps(d[i][j], e[j], second);
                }
            }
            transform_patch(d, v + (long)c * block, vstride);
        }
        return;
    }
    for (int c = 0; c < channels; c++) {
        const float *plane = padded + c * channel_stride;
        for (int lane = 0; lane < 8; lane++) {
            const int l = lane_tile[lane];
            if (l >= count) {
                for (int xi = 0; xi < Positions; xi++) lanes[xi * 8 + lane] = 0;
                continue;
            }
            const float *q = plane + p->in[i0 + l];
            for (int i = 0; i < Alpha; i++)
                for (int j = 0; j < Alpha; j++) lanes[(Alpha * i + j) * 8 + lane] = q[(long)i * wp + j];
        }
        for (int i = 0; i < Alpha; i++)
            for (int j = 0; j < Alpha; j++) d[i][j] = _mm256_loadu_ps(lanes + (Alpha * i + j) * 8);
        transform_patch(d, v + (long)c * block, vstride);
    }
}

/// Aᵀ m of one column of six vectors: m0 + m1 + m2 + m3 + m4, m1 − m2 + 2(m3 − m4),
/// m1 + m2 + 4(m3 + m4), m1 − m2 + 8(m3 − m4) + m5.
__attribute__((target("avx2,fma"), always_inline))
static inline void transform_out(const __m256 m[Alpha], __m256 y[Rows]) {
    const __m256 a = _mm256_add_ps(m[1], m[2]), b = _mm256_sub_ps(m[1], m[2]);
    const __m256 c = _mm256_add_ps(m[3], m[4]), d = _mm256_sub_ps(m[3], m[4]);
    y[0] = _mm256_add_ps(_mm256_add_ps(m[0], a), c);
    y[1] = _mm256_fmadd_ps(_mm256_set1_ps(2), d, b);
    y[2] = _mm256_fmadd_ps(_mm256_set1_ps(4), c, a);
    y[3] = _mm256_add_ps(_mm256_fmadd_ps(_mm256_set1_ps(8), d, b), m[5]);
}

/// Step 3 for one output channel and the block's tiles g ..< g + count: m[ξ · stride + g] holds
/// the channel's products.
__attribute__((target("avx2,fma"), always_inline))
static inline void scatter_group(const float *m, long stride, int g, float bias, int relu, float *out_channel,
                                 const BlockPlaces *p, int count, int ho, int wo, float *lanes) {
    __m256 t[Rows][Alpha];
    for (int j = 0; j < Alpha; j++) {
        __m256 column[Alpha], y[Rows];
        for (int i = 0; i < Alpha; i++) column[i] = _mm256_loadu_ps(m + (Alpha * i + j) * stride + g);
        transform_out(column, y);
        for (int i = 0; i < Rows; i++) t[i][j] = y[i];
    }
    const __m256 b = _mm256_set1_ps(bias), zero = _mm256_setzero_ps();
    const int whole = p->whole[g / 8];
    for (int i = 0; i < Rows; i++) {
        __m256 y[Rows];
        transform_out(t[i], y);
        for (int k = 0; k < Rows; k++) {
            y[k] = _mm256_add_ps(y[k], b);
            if (relu) y[k] = _mm256_max_ps(y[k], zero);
        }
        // Lanes 0 2 4 6 1 3 5 7 back to tile order: row i of tiles 0 … 7, four values each.
        const __m256 lo01 = _mm256_unpacklo_ps(y[0], y[1]), lo23 = _mm256_unpacklo_ps(y[2], y[3]);
        const __m256 hi01 = _mm256_unpackhi_ps(y[0], y[1]), hi23 = _mm256_unpackhi_ps(y[2], y[3]);
        float *row = whole ? out_channel + p->out[g] + (long)i * wo : lanes + 32 * i;
        _mm256_storeu_ps(row, _mm256_shuffle_ps(lo01, lo23, 0x44));
        _mm256_storeu_ps(row + 8, _mm256_shuffle_ps(lo01, lo23, 0xEE));
        _mm256_storeu_ps(row + 16, _mm256_shuffle_ps(hi01, hi23, 0x44));
        _mm256_storeu_ps(row + 24, _mm256_shuffle_ps(hi01, hi23, 0xEE));
    }
    if (whole) return;
    for (int l = 0; l < count; l++) {
        const int tile = g + l, rows = ho - p->y[tile] < Rows ? ho - p->y[tile] : Rows;
        const int cols = wo - p->x[tile] < 4 ? wo - p->x[tile] : 4;
        for (int i = 0; i < rows; i++) {
            float *dst = out_channel + p->out[tile] + (long)i * wo;
            const float *src = lanes + 32 * i + 4 * l;
            if (cols == 4) {
                _mm_storeu_ps(dst, _mm_loadu_ps(src));
            } else {
                for (int j = 0; j < cols; j++) dst[j] = src[j];
            }
        }
    }
}

__attribute__((target("avx2,fma")))
void visage_winograd4_avx2(const float *padded, int channels, int samples, int hp, int wp, int tiles_y,
                           int tiles_x, const float *weight, const float *bias, int relu, int out_channels,
                           int out_begin, int out_end, float *out, int ho, int wo, long tile_begin, long tile_end,
                           float *scratch) {
    (void)out_channels;
    const int block = visage_winograd4_block(channels), chunk = chunk_blocks(block);
    padded += Slack;
    float *v = scratch;
    float *m = v + (long)Positions * channels * block;
    float *lanes = m + (long)Positions * Rows * chunk * block;
    const long channel_stride = (long)samples * hp * wp;
    const long out_stride = (long)samples * ho * wo;
    BlockPlaces places;
    for (long b0 = tile_begin; b0 < tile_end; b0 += block) {
        const long b1 = b0 + block < tile_end ? b0 + block : tile_end;
        const int count = (int)(b1 - b0), tiles = (count + 7) / 8 * 8;
        locate(b0, b1, tiles / 8, tiles_y, tiles_x, hp, wp, ho, wo, &places);
        for (int g = 0; g < tiles; g += 8)
            gather_group(padded, channels, channel_stride, wp, &places, g, count - g, v + g, block, lanes);
        for (int ob0 = out_begin / Rows; ob0 < out_end / Rows; ob0 += chunk) {
            const int ob1 = ob0 + chunk < out_end / Rows ? ob0 + chunk : out_end / Rows, blocks = ob1 - ob0;
            const long stride = (long)blocks * Rows * block;  // between positions in m
            for (int xi = 0; xi < Positions; xi++)
                for (int ob = ob0; ob < ob1; ob++)
                    winograd_multiply_position(weight + ((long)ob * Positions + xi) * channels * Rows,
                                               v + (long)xi * channels * block, channels, block, tiles,
                                               m + xi * stride + (long)(ob - ob0) * Rows * block, 1);
            for (int ob = ob0; ob < ob1; ob++) {
                for (int r = 0; r < Rows; r++) {
                    const int o = ob * Rows + r;
                    const float bo = bias != NULL ? bias[o] : 0;
                    const float *mo = m + ((long)(ob - ob0) * Rows + r) * block;
                    for (int g = 0; g < count; g += 8)
                        scatter_group(mo, stride, g, bo, relu, out + o * out_stride, &places,
                                      count - g < 8 ? count - g : 8, ho, wo, lanes);
                }
            }
        }
    }
}

#else

void visage_winograd4_avx2(const float *padded, int channels, int samples, int hp, int wp, int tiles_y,
                           int tiles_x, const float *weight, const float *bias, int relu, int out_channels,
                           int out_begin, int out_end, float *out, int ho, int wo, long tile_begin, long tile_end,
                           float *scratch) {
    (void)padded; (void)channels; (void)samples; (void)hp; (void)wp; (void)tiles_y; (void)tiles_x; (void)weight;
    (void)bias; (void)relu; (void)out_channels; (void)out_begin; (void)out_end; (void)out; (void)ho; (void)wo; (void)tile_begin;
    (void)tile_end; (void)scratch;
}

#endif
