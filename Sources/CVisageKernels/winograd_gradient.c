// The filter gradient of a stride-1 3 × 3 convolution by Winograd's F(2×2, 3×3) (Lavin & Gray
// 2015), for training. The forward pass computes each 2 × 2 output tile as
//
//   Y = Aᵀ [ Σ_c U[o][c] ⊙ V[c] ] A,   U = G g Gᵀ (filter),  V = Bᵀ d B (input patch),
//
// so by the chain rule, with M the bracket, ∂M = A ∂Y Aᵀ, ∂U[o][c] = Σ_tiles ∂M[o] ⊙ V[c] and
// ∂g = Gᵀ ∂U G. The sum over tiles is 16 matrix products (one per position ξ of the 4 × 4
// transform) of [O × tiles] by [tiles × C], 16 multiplies per tile against 36 for the im2col
// product (2.25× fewer), and without the im2col copy (9 floats per output and channel; the
// transforms write 4 per output and channel). The transforms here are plain C: they move the
// data once, the products (BLAS) do the arithmetic.
//
//   Bᵀ = | 1  0 -1  0 |     G = | 1    0    0   |     Aᵀ = | 1  1  1  0 |
//        | 0  1  1  0 |         | 1/2  1/2  1/2 |          | 0  1 -1 -1 |
//        | 0 -1  1  0 |         | 1/2 -1/2  1/2 |
//        | 0  1  0 -1 |         | 0    0    1   |
#include "visage_winograd_gradient.h"

#include "visage_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "winograd_tiles.h"
#define AVX2 __attribute__((target("avx2,fma")))
#define ROW_PATHS 1
#else
#define ROW_PATHS 0
#endif

// A tile's place: sample s, tile row ty, tile column tx.
typedef struct {
    long s;
    int ty, tx;
} tile_place;

// The place of tile t (the only divisions; loops then step from it).
static inline tile_place place_of(long t, int tiles_y, int tiles_x) {
    const long per_sample = (long)tiles_y * tiles_x;
    return (tile_place){t / per_sample, (int)(t % per_sample / tiles_x), (int)(t % tiles_x)};
}

// Moves `n` tiles on: along the tile row, then to the next row, then to the next sample.
static inline void step(tile_place *p, int n, int tiles_y, int tiles_x) {
    for (int k = 0; k < n; k++) {
        if (++p->tx < tiles_x) continue;
        p->tx = 0;
        if (++p->ty < tiles_y) continue;
        p->ty = 0;
        ++p->s;
    }
}

// Bᵀ applied to four values (a column or a row of a patch).
static inline void bt(const float d[4], float out[4]) {
    out[0] = d[0] - d[2];
    out[1] = d[1] + d[2];
    out[2] = d[2] - d[1];
    out[3] = d[1] - d[3];
}

// One tile's V, any position (zeros outside the input), at out[ξ · count].
static void input_tile(const float *plane, int h, int w, int y0, int x0, float *out, long count) {
    float d[4][4];
    for (int a = 0; a < 4; a++) {
        const int yy = y0 + a;
        for (int b = 0; b < 4; b++) {
            const int xx = x0 + b;
            d[a][b] = yy >= 0 && yy < h && xx >= 0 && xx < w ? plane[(long)yy * w + xx] : 0;
        }
    }
    // Bᵀ d (each column), then (Bᵀ d) B (each row).
    float col[4][4];
    for (int b = 0; b < 4; b++) {
        const float in[4] = {d[0][b], d[1][b], d[2][b], d[3][b]};
        float o[4];
        bt(in, o);
        for (int a = 0; a < 4; a++) col[a][b] = o[a];
    }
    for (int a = 0; a < 4; a++) {
        float o[4];
        bt(col[a], o);
        for (int b = 0; b < 4; b++) out[(4 * a + b) * count] = o[b];
    }
}

// A applied to two values: the four rows of A (1 0), (1 1), (1 −1), (0 −1).
static inline void a2(float g0, float g1, float out[4]) {
    out[0] = g0;
    out[1] = g0 + g1;
    out[2] = g0 - g1;
    out[3] = -g1;
}

// One tile's M, any position (outputs past ho × wo are zero), at out[ξ · count].
static void gradient_tile(const float *plane, int ho, int wo, int y0, int x0, float *out, long count) {
    float g[2][2];
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) g[a][b] = y0 + a < ho && x0 + b < wo ? plane[(long)(y0 + a) * wo + x0 + b] : 0;
    // A g (4 × 2), then (A g) Aᵀ (4 × 4).
    float r0[4], r1[4];
    a2(g[0][0], g[1][0], r0);
    a2(g[0][1], g[1][1], r1);
    for (int a = 0; a < 4; a++) {
        float row[4];
        a2(r0[a], r1[a], row);
        for (int b = 0; b < 4; b++) out[(4 * a + b) * count] = row[b];
    }
}

#if ROW_PATHS
// V of eight consecutive tiles of one tile row whose patches lie inside the input: patch row a
// of tile k is p[a · w + 2k ..< 2k + 4]. Lane k of out[ξ · count] is tile k's ξ.
AVX2 static void input_row8(const float *p, int w, float *out, long count) {
    __m256 d[4][4];
    for (int a = 0; a < 4; a++) {
        split(p + (long)a * w, &d[a][0], &d[a][1]);
        split(p + (long)a * w + 2, &d[a][2], &d[a][3]);
    }
    transform_input(d, out, count);
}

// M of eight consecutive tiles of one tile row whose outputs lie inside the output: tile k's
// 2 × 2 gradient is p[2k], p[2k + 1] and the same of the next row (p + wo).
AVX2 static void gradient_row8(const float *p, int wo, float *out, long count) {
    __m256 g00, g01, g10, g11;
    split(p, &g00, &g01);
    split(p + wo, &g10, &g11);
    const __m256 zero = _mm256_setzero_ps();
    // A g: column 0 (r0) and column 1 (r1) of the 4 × 2 result.
    const __m256 r0[4] = {g00, _mm256_add_ps(g00, g10), _mm256_sub_ps(g00, g10), _mm256_sub_ps(zero, g10)};
    const __m256 r1[4] = {g01, _mm256_add_ps(g01, g11), _mm256_sub_ps(g01, g11), _mm256_sub_ps(zero, g11)};
    for (int a = 0; a < 4; a++) {
        _mm256_storeu_ps(out + (4 * a + 0) * count, r0[a]);
        _mm256_storeu_ps(out + (4 * a + 1) * count, _mm256_add_ps(r0[a], r1[a]));
        _mm256_storeu_ps(out + (4 * a + 2) * count, _mm256_sub_ps(r0[a], r1[a]));
        _mm256_storeu_ps(out + (4 * a + 3) * count, _mm256_sub_ps(zero, r1[a]));
    }
}
#endif

void visage_winograd_input_tiles(const float *x, int channels, int h, int w, int pad_top, int pad_left,
                                 int tiles_y, int tiles_x, long t0, long count, int c0, int c1, float *v) {
    const int vector = ROW_PATHS && visage_cpu_has_avx2();
    for (int c = c0; c < c1; c++) {
        float *out = v + (long)c * 16 * count;
        tile_place at = place_of(t0, tiles_y, tiles_x);
        long i = 0;
        while (i < count) {
            const int y0 = at.ty * 2 - pad_top, x0 = at.tx * 2 - pad_left;
            const float *plane = x + (at.s * channels + c) * (long)h * w;
#if ROW_PATHS
            // Eight tiles of this tile row, all inside the input (18 columns from x0).
            if (vector && i + 8 <= count && at.tx + 8 <= tiles_x && y0 >= 0 && y0 + 4 <= h && x0 >= 0 && x0 + 18 <= w) {
                input_row8(plane + (long)y0 * w + x0, w, out + i, count);
                step(&at, 8, tiles_y, tiles_x);
                i += 8;
                continue;
            }
#endif
            input_tile(plane, h, w, y0, x0, out + i, count);
            step(&at, 1, tiles_y, tiles_x);
            i++;
        }
    }
}

void visage_winograd_gradient_tiles(const float *dy, long ld, int channels, int ho, int wo, int tiles_y,
                                    int tiles_x, long t0, long count, int o0, int o1, float *m) {
    const int vector = ROW_PATHS && visage_cpu_has_avx2();
    for (int o = o0; o < o1; o++) {
        float *out = m + (long)o * 16 * count;
        tile_place at = place_of(t0, tiles_y, tiles_x);
        long i = 0;
        while (i < count) {
            const int y0 = at.ty * 2, x0 = at.tx * 2;
            const float *plane = dy + (long)o * ld + at.s * (long)ho * wo;
#if ROW_PATHS
            if (vector && i + 8 <= count && at.tx + 8 <= tiles_x && y0 + 2 <= ho && x0 + 16 <= wo) {
                gradient_row8(plane + (long)y0 * wo + x0, wo, out + i, count);
                step(&at, 8, tiles_y, tiles_x);
                i += 8;
                continue;
            }
#endif
            gradient_tile(plane, ho, wo, y0, x0, out + i, count);
            step(&at, 1, tiles_y, tiles_x);
            i++;
        }
    }
}

// Gᵀ applied to four values: the three rows of Gᵀ (1 ½ ½ 0), (0 ½ −½ 0), (0 ½ ½ 1).
static inline void gt(const float u[4], float out[3]) {
    const float sum = 0.5f * (u[1] + u[2]);
    out[0] = u[0] + sum;
    out[1] = 0.5f * (u[1] - u[2]);
    out[2] = sum + u[3];
}

void visage_winograd_filter_gradient(const float *du, int out_channels, int channels, int o0, int o1,
                                     float *gradient) {
    const long xi = (long)out_channels * channels;
    for (int o = o0; o < o1; o++) {
        for (int c = 0; c < channels; c++) {
            const float *u = du + (long)o * channels + c;
            // Gᵀ dU (each column: 3 × 4), then (Gᵀ dU) G (each row: 3 × 3).
            float col[3][4];
            for (int b = 0; b < 4; b++) {
                const float in[4] = {u[(0 + b) * xi], u[(4 + b) * xi], u[(8 + b) * xi], u[(12 + b) * xi]};
                float r[3];
                gt(in, r);
                for (int a = 0; a < 3; a++) col[a][b] = r[a];
            }
            float *g = gradient + ((long)o * channels + c) * 9;
            for (int a = 0; a < 3; a++) {
                float r[3];
                gt(col[a], r);
                for (int b = 0; b < 3; b++) g[3 * a + b] += r[b];
            }
        }
    }
}
