// Winograd F(2×2, 3×3) (Lavin & Gray 2015) for stride-1 3 × 3 convolutions of a whole batch with
// many channels (dlib's ResNet: 32–256 channels on 2 × 2 to 35 × 35 planes), AVX2 + FMA per
// function; callers check visage_cpu_has_avx2() first.
//
// The output's 2 × 2 tiles of all samples are numbered in one sequence and taken in blocks of
// `block` tiles (a multiple of 24), eight tiles to a vector:
//   1. Input transform V[ξ][c][t] = (Bᵀ d B)[ξ] of every channel's 4 × 4 patch. Eight tiles that
//      lie in one tile row are read with four loads and even/odd shuffles per patch row; a group
//      that crosses rows (or samples) is gathered lane by lane.
//   2. For each block of four output channels and each of the 16 positions ξ,
//      M[ξ][o][t] = Σ_c U[ξ][o][c] · V[ξ][c][t]: four channels × 24 tiles per register block,
//      weights broadcast from the packed U, the block's V kept in L2. With AVX-512, two blocks of
//      four channels at once: eight channels × 32 tiles (two zmm per channel) in blocks of up to
//      1 MB of V, the same sums.
//   3. Output transform Y = Aᵀ M A of those four channels, bias, ReLU, stores (a group in one tile
//      row stores its two output rows with unpacks; others lane by lane, clipped).
// Multiplies per output: 4 · C · O against 9 · C · O for im2col, and no im2col copy.
#include "visage_winograd_batch.h"

#include <string.h>

/// The transformed input of one block is at most this many floats (256 KB), unless a block of
/// 24 tiles needs more.
/// 24 … 192 tiles.
/// Slack: zeros before and after the padded planes, so that a run of tiles can be read as if it
/// filled a whole vector (up to 2 · 7 floats before a run's first patch, 2 · 7 + 4 past its last).
enum { VBudget = 1 << 14, Rows = 4, Tiles = 24, MaxBlock = 8 * Tiles, Slack = VISAGE_WINOGRAD_BATCH_SLACK };

int visage_winograd_batch_block(int channels) {
    int block = VBudget / (16 * (channels > 0 ? channels : 1)) / Tiles * Tiles;
    return block < Tiles ? Tiles : block > MaxBlock ? MaxBlock : block;
}

/// The block of the AVX-512 kernel: a multiple of 48 tiles (whole 32- and 16-tile register blocks
/// as well as the 24-tile ones), at least 48, the transformed input up to 1 MB (these CPUs have 1–2
/// MB of L2 per core), at most 192 tiles; never smaller than visage_winograd_batch_block.
static int block_avx512(int channels) {
    int block = 4 * VBudget / (16 * (channels > 0 ? channels : 1)) / (2 * Tiles) * (2 * Tiles);
    return block < 2 * Tiles ? 2 * Tiles : block > MaxBlock ? MaxBlock : block;
}

long visage_winograd_batch_padded_count(int planes, int hp, int wp) {
    return (long)planes * hp * wp + 2 * Slack;
}

long visage_winograd_batch_scratch_count(int channels) {
    const long block = block_avx512(channels);
    return 16 * (long)channels * block + 2 * 16L * Rows * block + 16 * 8;
}

void visage_winograd_batch_pad(const float *in, int planes, int first, int last, int h, int w, int pad_top,
                               int pad_left, int hp, int wp, float *out) {
    if (first == 0) memset(out, 0, sizeof(float) * Slack);
    out += Slack;
    if (last == planes) memset(out + (long)planes * hp * wp, 0, sizeof(float) * Slack);
    for (int p = first; p < last; p++) {
        const float *src = in + (long)p * h * w;
        float *dst = out + (long)p * hp * wp;
        memset(dst, 0, sizeof(float) * (size_t)pad_top * wp);
        for (int y = 0; y < h; y++) {
            float *row = dst + (long)(y + pad_top) * wp;
            memset(row, 0, sizeof(float) * (size_t)pad_left);
            memcpy(row + pad_left, src + (long)y * w, sizeof(float) * (size_t)w);
            memset(row + pad_left + w, 0, sizeof(float) * (size_t)(wp - pad_left - w));
        }
        memset(dst + (long)(h + pad_top) * wp, 0, sizeof(float) * (size_t)(hp - h - pad_top) * wp);
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

#include "winograd_places.h"
#include "winograd_products.h"
#include "winograd_tiles.h"

/// Where a block's tiles are, worked out once per block (no divisions in the inner loops).
typedef struct {
    long in[MaxBlock];   // offset of the patch's top-left in the padded planes of channel 0
    long out[MaxBlock];  // offset of the tile's top-left output in the output planes of channel 0
    int y[MaxBlock], x[MaxBlock];  // the tile's top-left output row and column
    /// Per group of eight: 1 when all eight tiles exist and lie in one tile row (vector reads);
    /// 2 when their outputs are also all inside the output (vector stores); else 0.
    unsigned char whole[MaxBlock / 8];
    /// Per group that is not whole: its tiles as at most two runs along a tile row (lanes
    /// 0 ..< split and split ..< count, a lane's patch at in_run + 2 · lane), else split = -1.
    int split[MaxBlock / 8];
    long in_run[MaxBlock / 8][2];
    /// The runs' outputs: lane l's tile at out_run + 2 · l, the stored elements e_lo ..< e_hi of
    /// the 16 a row's unpack gives, and the number of output rows (1 or 2).
    long out_run[MaxBlock / 8][2];
    int e_lo[MaxBlock / 8][2], e_hi[MaxBlock / 8][2], rows[MaxBlock / 8][2];
} BlockPlaces;

static void locate(long b0, long b1, int groups, int tiles_y, int tiles_x, int hp, int wp, int ho, int wo,
                   BlockPlaces *p) {
    winograd_place_tiles(b0, b1, 2, tiles_y, tiles_x, hp, wp, ho, wo, p->in, p->out, p->y, p->x);
    for (int g = 0; g < groups; g++) {
        const int i = 8 * g;
        unsigned char whole = 0;
        if (b0 + i + 8 <= b1 && p->y[i + 7] == p->y[i] && p->x[i + 7] == p->x[i] + 14
            && p->in[i + 7] == p->in[i] + 14) {
            whole = 1;
            if (p->x[i] + 16 <= wo && p->y[i] + 2 <= ho) whole = 2;
        }
        p->whole[g] = whole;
        // Two runs: lanes 0 ..< k continue each other, and so do k ..< count.
        const int count = b1 - (b0 + i) < 8 ? (int)(b1 - (b0 + i)) : 8;
        p->split[g] = -1;
        if (count <= 0) continue;
        const int k = winograd_runs(p->in + i, p->y + i, count, 2, &p->split[g]);
        for (int run = 0; run < 2; run++) {
            const int l0 = run == 0 ? 0 : k < count ? k : 0, l1 = run == 0 ? k : k < count ? count : 0;
            const int first = i + l0, width = wo - p->x[first];
            p->in_run[g][run] = p->in[first] - 2L * l0;
            p->out_run[g][run] = p->out[first] - 2L * l0;
            p->e_lo[g][run] = 2 * l0;
            p->e_hi[g][run] = 2 * l0 + (2 * (l1 - l0) < width ? 2 * (l1 - l0) : width);
            p->rows[g][run] = p->y[first] + 2 <= ho ? 2 : 1;
        }
    }
}

/// Step 1 for the block's tiles i0 ..< i0 + 8 (those from i0 + count on are zero) into v (stride
/// `block` between ξ and channel rows: v[(ξ · channels + c) · block]).
__attribute__((target("avx2,fma"), always_inline))
static inline void gather_group(const float *padded, int channels, long channel_stride, int wp,
                                const BlockPlaces *p, int i0, int count, float *v, int block, float *lanes) {
    const long vstride = (long)channels * block;
    if (p->whole[i0 / 8]) {
        for (int c = 0; c < channels; c++) {
            const float *base = padded + c * channel_stride + p->in[i0];
            __m256 d[4][4];
            for (int i = 0; i < 4; i++) {
                split(base + (long)i * wp, &d[i][0], &d[i][1]);
                split(base + (long)i * wp + 2, &d[i][2], &d[i][3]);
            }
            transform_input(d, v + (long)c * block, vstride);
        }
        return;
    }
    const int k = p->split[i0 / 8];
    if (k >= 0) {
        // Two runs, each read as if it filled the vector (the padded planes have slack on both
        // sides), blended at lane k; lanes past count hold values no output uses.
        const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        const __m256 second = _mm256_castsi256_ps(_mm256_cmpgt_epi32(lane, _mm256_set1_epi32(k - 1)));
        for (int c = 0; c < channels; c++) {
            const float *a = padded + c * channel_stride + p->in_run[i0 / 8][0];
            const float *b = padded + c * channel_stride + p->in_run[i0 / 8][1];
            __m256 d[4][4];
            for (int i = 0; i < 4; i++) {
                __m256 a0, a1, a2, a3, b0, b1, b2, b3;
                split(a + (long)i * wp, &a0, &a1);
                split(a + (long)i * wp + 2, &a2, &a3);
                split(b + (long)i * wp, &b0, &b1);
                split(b + (long)i * wp + 2, &b2, &b3);
                d[i][0] = _mm256_blendv_ps(a0, b0, second);
                d[i][1] = _mm256_blendv_ps(a1, b1, second);
                d[i][2] = _mm256_blendv_ps(a2, b2, second);
                d[i][3] = _mm256_blendv_ps(a3, b3, second);
            }
            transform_input(d, v + (long)c * block, vstride);
        }
        return;
    }
    long at[8];
    for (int l = 0; l < 8; l++) at[l] = l < count ? p->in[i0 + l] : -1;
    for (int c = 0; c < channels; c++) {
        const float *plane = padded + c * channel_stride;
        for (int l = 0; l < 8; l++) {
            if (at[l] < 0) {
                for (int k = 0; k < 16; k++) lanes[k * 8 + l] = 0;
                continue;
            }
            const float *q = plane + at[l];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) lanes[(4 * i + j) * 8 + l] = q[(long)i * wp + j];
        }
        __m256 d[4][4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) d[i][j] = _mm256_loadu_ps(lanes + (4 * i + j) * 8);
        transform_input(d, v + (long)c * block, vstride);
    }
}

/// Step 2 for output channels 4b ..< 4b + 4: m[(ξ · 4 + r) · block + t] for the block's tiles
/// 0 ..< tiles (a multiple of 8), one position ξ after another (winograd_products.h).
__attribute__((target("avx2,fma"), always_inline))
static inline void multiply(const float *u, const float *v, int channels, int block, int tiles, float *m) {
    for (int xi = 0; xi < 16; xi++)
        winograd_multiply_position(u + (long)xi * channels * 4, v + (long)xi * channels * block, channels, block,
                                   tiles, m + (long)xi * 4 * block, 0);
}

/// Step 3 for output channel o (row r of m) and the block's tiles g ..< g + min(8, count).
__attribute__((target("avx2,fma"), always_inline))
static inline void scatter_group(const float *m, int block, int r, int g, float bias, int relu, float *out_channel,
                                 const BlockPlaces *p, int count, int ho, int wo, float *lanes) {
    __m256 s0[4], s1[4];
    for (int j = 0; j < 4; j++) {
        const __m256 m0 = _mm256_loadu_ps(m + ((long)(0 * 4 + j) * 4 + r) * block + g);
        const __m256 m1 = _mm256_loadu_ps(m + ((long)(1 * 4 + j) * 4 + r) * block + g);
        const __m256 m2 = _mm256_loadu_ps(m + ((long)(2 * 4 + j) * 4 + r) * block + g);
        const __m256 m3 = _mm256_loadu_ps(m + ((long)(3 * 4 + j) * 4 + r) * block + g);
        s0[j] = _mm256_add_ps(_mm256_add_ps(m0, m1), m2);
        s1[j] = _mm256_sub_ps(_mm256_sub_ps(m1, m2), m3);
    }
    const __m256 b = _mm256_set1_ps(bias), zero = _mm256_setzero_ps();
    __m256 y[4];
    y[0] = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(s0[0], s0[1]), s0[2]), b);
    y[1] = _mm256_add_ps(_mm256_sub_ps(_mm256_sub_ps(s0[1], s0[2]), s0[3]), b);
    y[2] = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(s1[0], s1[1]), s1[2]), b);
    y[3] = _mm256_add_ps(_mm256_sub_ps(_mm256_sub_ps(s1[1], s1[2]), s1[3]), b);
    if (relu)
        for (int k = 0; k < 4; k++) y[k] = _mm256_max_ps(y[k], zero);
    if (p->whole[g / 8] == 2) {
        for (int i = 0; i < 2; i++) {
            const __m256 lo = _mm256_unpacklo_ps(y[2 * i], y[2 * i + 1]);
            const __m256 hi = _mm256_unpackhi_ps(y[2 * i], y[2 * i + 1]);
            float *row = out_channel + p->out[g] + (long)i * wo;
            _mm256_storeu_ps(row, _mm256_permute2f128_ps(lo, hi, 0x20));
            _mm256_storeu_ps(row + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
        }
        return;
    }
    const int runs = p->split[g / 8];
    if (runs >= 0) {
        // One or two runs along tile rows: each unpacked row stored whole where a run covers all
        // of its 8 elements, else element by element (AVX2's masked stores are slow on AMD).
        for (int i = 0; i < 2; i++) {
            const __m256 lo = _mm256_unpacklo_ps(y[2 * i], y[2 * i + 1]);
            const __m256 hi = _mm256_unpackhi_ps(y[2 * i], y[2 * i + 1]);
            _mm256_storeu_ps(lanes + 16 * i, _mm256_permute2f128_ps(lo, hi, 0x20));
            _mm256_storeu_ps(lanes + 16 * i + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
        }
        for (int run = 0; run < 2; run++) {
            const int e_lo = p->e_lo[g / 8][run], e_hi = p->e_hi[g / 8][run];
            if (e_hi <= e_lo) continue;
            float *base = out_channel + p->out_run[g / 8][run];
            for (int i = 0; i < p->rows[g / 8][run]; i++) {
                float *row = base + (long)i * wo;
                const float *values = lanes + 16 * i;
                int from = e_lo, to = e_hi;
                if (from == 0 && to >= 8) {
                    _mm256_storeu_ps(row, _mm256_loadu_ps(values));
                    from = 8;
                }
                if (to == 16 && from <= 8) {
                    _mm256_storeu_ps(row + 8, _mm256_loadu_ps(values + 8));
                    to = from < 8 ? 8 : from;
                }
                for (int e = from; e < to; e++) row[e] = values[e];
            }
        }
        return;
    }
    for (int k = 0; k < 4; k++) _mm256_storeu_ps(lanes + k * 8, y[k]);
    for (int l = 0; l < count; l++) {
        const int t = g + l, rows = ho - p->y[t] < 2 ? 1 : 2, cols = wo - p->x[t] < 2 ? 1 : 2;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) out_channel[p->out[t] + (long)i * wo + j] = lanes[(2 * i + j) * 8 + l];
    }
}

/// The kernel; `avx512`: products of two blocks of four output channels at once (winograd_multiply8).
__attribute__((target("avx2,fma"), always_inline))
static inline void run(const float *padded, int channels, int samples, int hp, int wp, int tiles_y, int tiles_x,
                       const float *weight, const float *bias, int relu, int out_begin, int out_end, float *out,
                       int ho, int wo, long tile_begin, long tile_end, float *scratch, int avx512) {
    const int block = avx512 ? block_avx512(channels) : visage_winograd_batch_block(channels);
    padded += Slack;
    float *v = scratch;
    float *m = v + 16L * channels * block;
    const long m_count = 16L * Rows * block;
    float *lanes = m + 2 * m_count;
    const long channel_stride = (long)samples * hp * wp;
    const long out_stride = (long)samples * ho * wo;
    BlockPlaces places;
    for (long b0 = tile_begin; b0 < tile_end; b0 += block) {
        const long b1 = b0 + block < tile_end ? b0 + block : tile_end;
        const int count = (int)(b1 - b0), tiles = (count + 7) / 8 * 8;
        locate(b0, b1, tiles / 8, tiles_y, tiles_x, hp, wp, ho, wo, &places);
        for (int g = 0; g < tiles; g += 8)
            gather_group(padded, channels, channel_stride, wp, &places, g, count - g, v + g, block, lanes);
        for (int ob = out_begin / Rows; ob < out_end / Rows; ob++) {
            const float *u = weight + (long)ob * 16 * channels * Rows;
            const int pair = avx512 && ob + 1 < out_end / Rows;
            if (pair) {
                const float *u1 = u + 16L * channels * Rows;
                // The 24-tile part by one chain per output (32 tiles at a time: two loads and
                // eight broadcasts feed sixteen FMAs per input channel where AVX2 has three loads
                // and four broadcasts for twelve); the rest, at most 16 tiles of a block but all
                // of an 8 × 8 plane's 16 at batch 1 and 16 of the 40 slots of Mixed_6a's second
                // thread, by even/odd chains as multiply's eight-tile blocks (docs/engine.md,
                // sessions 20 and 26). The same sums as multiply's, to the bit.
                winograd_multiply8(u, u1, v, 16, channels, block, tiles, tiles / Tiles * Tiles, m, m + m_count);
            } else {
                multiply(u, v, channels, block, tiles, m);
            }
            for (int q = 0; q <= pair; q++) {
                for (int r = 0; r < Rows; r++) {
                    const int o = (ob + q) * Rows + r;
                    float *channel_out = out + o * out_stride;
                    const float bo = bias != NULL ? bias[o] : 0;
                    for (int g = 0; g < count; g += 8)
                        scatter_group(m + q * m_count, block, r, g, bo, relu, channel_out, &places,
                                      count - g < 8 ? count - g : 8, ho, wo, lanes);
                }
            }
            ob += pair;
        }
    }
}

__attribute__((target("avx2,fma")))
void visage_winograd_batch_avx2(const float *padded, int channels, int samples, int hp, int wp, int tiles_y,
                                int tiles_x, const float *weight, const float *bias, int relu, int out_channels,
                                int out_begin, int out_end, float *out, int ho, int wo, long tile_begin,
                                long tile_end, float *scratch) {
    (void)out_channels;
    run(padded, channels, samples, hp, wp, tiles_y, tiles_x, weight, bias, relu, out_begin, out_end, out, ho, wo,
        tile_begin, tile_end, scratch, 0);
}

__attribute__((target("avx2,fma")))
void visage_winograd_batch_avx512(const float *padded, int channels, int samples, int hp, int wp, int tiles_y,
                                  int tiles_x, const float *weight, const float *bias, int relu, int out_channels,
                                  int out_begin, int out_end, float *out, int ho, int wo, long tile_begin,
                                  long tile_end, float *scratch) {
    (void)out_channels;
    run(padded, channels, samples, hp, wp, tiles_y, tiles_x, weight, bias, relu, out_begin, out_end, out, ho, wo,
        tile_begin, tile_end, scratch, 1);
}

#else

void visage_winograd_batch_avx2(const float *padded, int channels, int samples, int hp, int wp, int tiles_y,
                                int tiles_x, const float *weight, const float *bias, int relu, int out_channels,
                                int out_begin, int out_end, float *out, int ho, int wo, long tile_begin,
                                long tile_end, float *scratch) {
    (void)padded; (void)channels; (void)samples; (void)hp; (void)wp; (void)tiles_y; (void)tiles_x; (void)weight;
    (void)bias; (void)relu; (void)out_channels; (void)out_begin; (void)out_end; (void)out; (void)ho; (void)wo;
    (void)tile_begin; (void)tile_end; (void)scratch;
}

// Never called off x86 (no CPU there reports AVX-512): the same empty stand-in.
__typeof__(visage_winograd_batch_avx2) visage_winograd_batch_avx512 __attribute__((alias("visage_winograd_batch_avx2")));

#endif
